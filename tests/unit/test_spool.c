#include <criterion/criterion.h>
#include <string.h>

#include "deptperf/spool.h"
#include "helpers.h"

Test(spool, gives_back_every_record_in_order)
{
	char *dir = t_tmpdir();
	struct dp_buf err = DP_BUF_INIT;
	struct dp_spool *s = dp_spool_new(dir, &err);
	cr_assert(s, "%s", dp_buf_str(&err));
	/* many records, so that the one-megabyte buffers turn over; an empty
	 * string, a string with a NUL, a number, and one string of 3 MB */
	char *big = malloc(3 << 20);
	memset(big, 'x', 3 << 20);
	const int n = 100000;
	for (int i = 0; i < n; i++) {
		dp_spool_putu(s, (uint64_t)i * 1000003u);
		dp_spool_puts(s, "");
		dp_spool_put(s, "a\0b", 3);
		dp_spool_puts(s, i % 2 ? "广东省财政厅" : "x");
		if (i == 777)
			dp_spool_put(s, big, 3 << 20);
		dp_spool_end(s);
	}
	dp_spool_end(s); /* a record with no strings */
	cr_assert(dp_spool_rewind(s, &err), "%s", dp_buf_str(&err));
	const char *const *f;
	const size_t *len;
	size_t k;
	for (int i = 0; i < n; i++) {
		cr_assert(dp_spool_next(s, &f, &len, &k, &err), "record %d", i);
		cr_assert_eq(k, i == 777 ? 5u : 4u, "record %d has %zu strings", i, k);
		cr_expect_eq(dp_spool_u(f[0]), (uint64_t)i * 1000003u);
		cr_expect_eq(len[1], 0);
		cr_expect_str_eq(f[1], "");
		cr_expect(len[2] == 3 && memcmp(f[2], "a\0b", 3) == 0);
		cr_expect_str_eq(f[3], i % 2 ? "广东省财政厅" : "x");
		if (i == 777)
			cr_expect(len[4] == (3u << 20) && f[4][0] == 'x' && f[4][len[4]] == '\0');
	}
	cr_assert(dp_spool_next(s, &f, &len, &k, &err));
	cr_expect_eq(k, 0);
	cr_expect_not(dp_spool_next(s, &f, &len, &k, &err), "then the end");
	cr_expect_eq(err.len, 0, "the end is not an error");
	dp_spool_free(s);
	free(big);
	dp_buf_free(&err);
}

Test(spool, an_empty_spool_ends_at_once)
{
	struct dp_buf err = DP_BUF_INIT;
	struct dp_spool *s = dp_spool_new(t_tmpdir(), &err);
	cr_assert(s);
	cr_assert(dp_spool_rewind(s, &err));
	const char *const *f;
	const size_t *len;
	size_t k;
	cr_expect_not(dp_spool_next(s, &f, &len, &k, &err));
	cr_expect_eq(err.len, 0);
	dp_spool_free(s);
}

Test(spool, leaves_no_file_behind)
{
	char *dir = t_tmpdir();
	struct dp_buf err = DP_BUF_INIT;
	struct dp_spool *s = dp_spool_new(dir, &err);
	dp_spool_puts(s, "x");
	dp_spool_end(s);
	struct dp_buf cmd = DP_BUF_INIT;
	dp_buf_addf(&cmd, "test -z \"$(ls -A '%s')\"", dir);
	cr_expect_eq(system(cmd.s), 0, "the spool's file is unlinked at once");
	dp_spool_free(s);
	cr_expect_null(dp_spool_new("/nonexistent-dir", &err));
	cr_expect(err.len > 0);
	dp_buf_free(&cmd);
	dp_buf_free(&err);
}
