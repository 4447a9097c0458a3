#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "deptperf/filetab.h"
#include "deptperf/stage.h"
#include "helpers.h"

/* dir/name, gzip-compressed text; returns the path. */
static char *t_write_gz(const char *dir, const char *name, const char *text)
{
	char *p = dp_path_join(dir, name);
	gzFile f = gzopen(p, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(gzwrite(f, text, (unsigned)strlen(text)), (int)strlen(text));
	cr_assert_eq(gzclose(f), Z_OK);
	return p;
}

/* A table of n rows whose paths, statuses and numbers differ row by row;
 * row 7's path has a comma, a quote and Chinese, row 11's starts with '='. */
static void fill(struct dp_filetab *t, size_t n)
{
	static const char *const st[] = { "pending", "accepted", "partly-rejected", "rejected", "superseded",
					  "skipped" };
	char path[128];
	for (size_t i = 0; i < n; i++) {
		if (i == 7)
			snprintf(path, sizeof path, "/in/广东/a,\"b\"-%zu.csv", i);
		else if (i == 11)
			snprintf(path, sizeof path, "=cmd|%zu.csv", i);
		else
			snprintf(path, sizeof path, "/data/inputs/forms/%02zu/4400%05zu-0.csv", i % 97, i);
		struct dp_file_row *r = dp_filetab_add(t, path);
		cr_assert_str_eq(r->status, "pending");
		cr_assert_str_eq(r->encoding, "");
		snprintf(r->sha256, sizeof r->sha256, "%064zx", i * 2654435761u);
		r->bytes = i * 1000 + 3;
		r->rows = i % 40;
		r->submissions = i % 3;
		cr_assert(dp_filetab_set(&r->status, st[i % 6]));
		cr_assert(dp_filetab_set(&r->encoding, i % 2 ? "gb18030" : "utf-8"));
		cr_assert(dp_filetab_set(&r->shape, i % 5 ? "form" : "bulk-departments"));
	}
}

/* Written and loaded back, row for row; 100 000 paths fill several of the
 * table's blocks of names. */
Test(filetab, a_table_written_loads_back_as_it_was)
{
	char *dir = t_tmpdir();
	char *p = dp_path_join(dir, "inputs.csv.gz");
	struct dp_filetab a = { 0 }, b = { 0 };
	fill(&a, 100000);
	cr_expect_gt(a.nblocks, 3, "the paths span blocks");
	struct dp_buf e = DP_BUF_INIT;
	cr_assert(dp_filetab_write(&a, p, 1, NULL, &e), "%s", e.s);
	cr_assert(dp_filetab_load(&b, p, &e), "%s", e.s);
	cr_assert_eq(b.n, a.n);
	for (size_t i = 0; i < a.n; i++) {
		const struct dp_file_row *x = &a.v[i], *y = &b.v[i];
		cr_assert_str_eq(y->file, x->file, "row %zu", i);
		cr_assert_str_eq(y->sha256, x->sha256);
		cr_assert_eq(y->bytes, x->bytes);
		cr_assert_eq(y->rows, x->rows);
		cr_assert_eq(y->submissions, x->submissions);
		cr_assert_str_eq(y->status, x->status);
		cr_assert_str_eq(y->encoding, x->encoding);
		cr_assert_str_eq(y->shape, x->shape);
	}
	dp_filetab_free(&a);
	dp_filetab_free(&b);
	dp_buf_free(&e);
	free(p);
	free(dir);
}

/* A path longer than a block of names has a block of its own, and the
 * paths after it are whole. */
Test(filetab, a_path_longer_than_a_block)
{
	struct dp_filetab t = { 0 };
	size_t n = (1u << 20) + 10;
	char *big = dp_xmalloc(n + 1);
	memset(big, 'x', n);
	big[n] = '\0';
	dp_filetab_add(&t, "a.csv");
	dp_filetab_add(&t, big);
	dp_filetab_add(&t, "b.csv");
	cr_expect_str_eq(t.v[0].file, "a.csv");
	cr_expect(strcmp(t.v[1].file, big) == 0, "the long path"); /* (not printed when it differs) */
	cr_expect_str_eq(t.v[2].file, "b.csv");
	dp_filetab_free(&t);
	free(big);
}

/* Only the table's words are taken: a status or an encoding it never
 * writes is a damaged work file, not a new word. */
Test(filetab, a_word_of_no_row_is_a_damaged_table)
{
	const char *w = "pending";
	cr_expect_not(dp_filetab_set(&w, "done"));
	cr_expect_str_eq(w, "pending", "left as it was");
	cr_expect(dp_filetab_set(&w, "utf-16be"));
	cr_expect_str_eq(w, "utf-16be");
	char *dir = t_tmpdir();
	char *p = t_write_gz(dir, "inputs.csv.gz",
			     "file,sha256,bytes,encoding,shape,rows,submissions,status\n"
			     "a.csv,00,3,utf-8,form,2,1,accepted\n"
			     "b.csv,00,3,utf-8,form,2,1,approved\n");
	struct dp_filetab t = { 0 };
	struct dp_buf e = DP_BUF_INIT;
	cr_expect_not(dp_filetab_load(&t, p, &e));
	cr_expect(e.s && strstr(e.s, "damaged work file"), "%s", e.s ? e.s : "");
	dp_filetab_free(&t);
	dp_buf_reset(&e);
	char *q = t_write_gz(dir, "short.csv.gz",
			     "file,sha256,bytes,encoding,shape,rows,submissions,status\na.csv,00,3\n");
	cr_expect_not(dp_filetab_load(&t, q, &e), "a row of 3 cells");
	dp_filetab_free(&t);
	dp_buf_free(&e);
	free(p);
	free(q);
	free(dir);
}
