#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "deptperf/csvfile.h"
#include "deptperf/stage.h"
#include "deptperf/table.h"
#include "helpers.h"

Test(table, writes_deterministic_gzip_atomically)
{
	char *dir = t_tmpdir();
	char *a = dp_path_join(dir, "a.csv.gz"), *b = dp_path_join(dir, "b.csv.gz");
	for (int k = 0; k < 2; k++) {
		struct dp_buf err = DP_BUF_INIT;
		struct dp_table *t = dp_table_create(k ? b : a, 6, &err);
		cr_assert(t);
		static const char *const cols[] = { "name", "value", NULL };
		dp_table_header(t, cols);
		dp_table_puts(t, "=HYPERLINK(\"x\")", true);
		dp_table_dec(t, 12345000000, 2, 2);
		dp_table_end_row(t);
		cr_expect_eq(access(k ? b : a, F_OK), -1, "nothing visible before commit");
		struct dp_table_info info;
		cr_assert(dp_table_commit(t, &info, &err), "%s", dp_buf_str(&err));
		cr_expect_eq(info.rows, 1);
	}
	char *ta = t_read_gz(a), *tb = t_read_gz(b);
	cr_expect_str_eq(ta, "name,value\n\"'=HYPERLINK(\"\"x\"\")\",123.45\n");
	free(ta);
	free(tb);
	/* same content, same bytes: the gzip header has no name and mtime 0 */
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	unsigned char ha[10], hb[10];
	cr_assert_eq(fread(ha, 1, 10, fa), 10);
	cr_assert_eq(fread(hb, 1, 10, fb), 10);
	cr_expect_eq(memcmp(ha, hb, 10), 0);
	cr_expect(ha[4] == 0 && ha[5] == 0 && ha[6] == 0 && ha[7] == 0, "mtime is 0");
	cr_expect_eq(ha[3] & 0x08, 0, "no file name");
	fclose(fa);
	fclose(fb);
}

Test(table, abort_leaves_nothing)
{
	char *dir = t_tmpdir();
	char *p = dp_path_join(dir, "x.csv.gz");
	struct dp_buf err = DP_BUF_INIT;
	struct dp_table *t = dp_table_create(p, 1, &err);
	dp_table_puts(t, "x", false);
	dp_table_end_row(t);
	dp_table_abort(t);
	struct dp_buf tmp = DP_BUF_INIT;
	dp_buf_addf(&tmp, "%s.tmp", p);
	cr_expect_eq(access(p, F_OK), -1);
	cr_expect_eq(access(tmp.s, F_OK), -1);
}

Test(table, create_in_a_missing_folder_fails_cleanly)
{
	struct dp_buf err = DP_BUF_INIT;
	cr_expect_null(dp_table_create("/nonexistent-dir/x.csv.gz", 6, &err));
	cr_expect(err.len > 0);
}

Test(table, recompress_keeps_the_text_and_counts_rows)
{
	char *dir = t_tmpdir();
	char *a = dp_path_join(dir, "a.csv.gz"), *b = dp_path_join(dir, "b.csv.gz");
	struct dp_buf err = DP_BUF_INIT;
	struct dp_table *t = dp_table_create(a, 1, &err);
	static const char *const cols[] = { "n", NULL };
	dp_table_header(t, cols);
	for (int i = 0; i < 1000; i++) {
		dp_table_putf(t, "%d", i);
		dp_table_end_row(t);
	}
	cr_assert(dp_table_commit(t, NULL, &err));
	struct dp_table_info info;
	cr_assert(dp_table_recompress(a, b, 9, &info, &err), "%s", dp_buf_str(&err));
	cr_expect_eq(info.rows, 1000);
	char *ta = t_read_gz(a), *tb = t_read_gz(b);
	cr_expect_str_eq(ta, tb);
	free(ta);
	free(tb);
}
