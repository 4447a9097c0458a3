#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deptperf/asis.h"
#include "deptperf/stage.h"
#include "helpers.h"

/* A small table written at level 6 into dir/t.csv.gz, recorded. */
static struct dp_table_info make_table(const char *dir)
{
	char *p = dp_path_join(dir, "t.csv.gz");
	struct dp_buf e = DP_BUF_INIT;
	struct dp_table *t = dp_table_create(p, 6, &e);
	cr_assert_not_null(t, "%s", e.s);
	static const char *const cols[] = { "a", "b", NULL };
	dp_table_header(t, cols);
	for (int i = 0; i < 1000; i++) {
		dp_table_putf(t, "%d", i);
		dp_table_puts(t, "=x", true);
		dp_table_end_row(t);
	}
	struct dp_table_info info;
	cr_assert(dp_table_commit(t, &info, &e), "%s", e.s);
	cr_assert(dp_asis_record(dir, "t.csv.gz", 6, &info, &e), "%s", e.s);
	dp_buf_free(&e);
	free(p);
	return info;
}

static bool same_file(const char *a, const char *b)
{
	char *x = t_read_gz(a), *y = t_read_gz(b);
	bool same = strcmp(x, y) == 0;
	free(x);
	free(y);
	return same;
}

Test(asis, copies_what_was_recorded_at_the_level_asked)
{
	char *dir = t_tmpdir();
	struct dp_table_info want = make_table(dir);
	char *dst = dp_path_join(dir, "out.csv.gz"), *src = dp_path_join(dir, "t.csv.gz");
	struct dp_table_info got;
	memset(&got, 0, sizeof got);
	struct dp_buf e = DP_BUF_INIT;
	cr_assert_eq(dp_asis_publish(dir, "t.csv.gz", 6, dst, &got, &e), DP_ASIS_COPIED, "%s", e.s ? e.s : "");
	cr_expect_eq(got.rows, 1000);
	cr_expect_eq(got.bytes, want.bytes);
	cr_expect_str_eq(got.sha256, want.sha256);
	cr_expect(same_file(src, dst));
	unlink(dst);
	/* another level: not copied, nothing left behind */
	cr_expect_eq(dp_asis_publish(dir, "t.csv.gz", 9, dst, &got, &e), DP_ASIS_NO);
	cr_expect_neq(access(dst, F_OK), 0);
	/* no record */
	cr_expect_eq(dp_asis_publish(dir, "other.csv.gz", 6, dst, &got, &e), DP_ASIS_NO);
	dp_asis_forget(dir, "t.csv.gz");
	cr_expect_eq(dp_asis_publish(dir, "t.csv.gz", 6, dst, &got, &e), DP_ASIS_NO);
	cr_expect_neq(access(dst, F_OK), 0);
	cr_expect_eq(e.len, 0, "no error for a table that is only not recorded: %s", e.s);
	dp_buf_free(&e);
	free(dst);
	free(src);
	free(dir);
}

Test(asis, refuses_changed_bytes_and_bad_records)
{
	char *dir = t_tmpdir();
	make_table(dir);
	char *dst = dp_path_join(dir, "out.csv.gz"), *src = dp_path_join(dir, "t.csv.gz");
	struct dp_table_info got;
	struct dp_buf e = DP_BUF_INIT;
	/* one byte of the table changed after it was recorded */
	FILE *f = fopen(src, "r+b");
	cr_assert_not_null(f);
	fseek(f, 40, SEEK_SET);
	int c = fgetc(f);
	fseek(f, 40, SEEK_SET);
	fputc(c ^ 1, f);
	fclose(f);
	cr_expect_eq(dp_asis_publish(dir, "t.csv.gz", 6, dst, &got, &e), DP_ASIS_NO);
	cr_expect_neq(access(dst, F_OK), 0, "the partial copy is removed");
	char *tmp = dp_path_join(dir, "out.csv.gz.tmp");
	cr_expect_neq(access(tmp, F_OK), 0);
	/* malformed records */
	static const char *const bad[] = {
		"", "gzip_level,rows,sha256\n", "level,rows,sha\n6,1,abc\n",
		"gzip_level,rows,sha256\n0,10,0000000000000000000000000000000000000000000000000000000000000000\n",
		"gzip_level,rows,sha256\n6,x,0000000000000000000000000000000000000000000000000000000000000000\n",
		"gzip_level,rows,sha256\n6,10,00000000000000000000000000000000000000000000000000000000000000\n",
		"gzip_level,rows,sha256\n6,10,000000000000000000000000000000000000000000000000000000000000000G\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		free(t_writes(dir, "t.csv.gz.info", bad[i]));
		cr_expect_eq(dp_asis_publish(dir, "t.csv.gz", 6, dst, &got, &e), DP_ASIS_NO, "record %zu", i);
	}
	cr_expect_eq(e.len, 0);
	/* recorded but gone: an error that says which file */
	make_table(dir);
	unlink(src);
	cr_expect_eq(dp_asis_publish(dir, "t.csv.gz", 6, dst, &got, &e), DP_ASIS_FAILED);
	cr_expect(e.len && strstr(e.s, "t.csv.gz: cannot read"), "%s", e.s ? e.s : "");
	dp_buf_free(&e);
	free(tmp);
	free(dst);
	free(src);
	free(dir);
}
