#include <criterion/criterion.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "deptperf/csvfile.h"
#include "deptperf/stage.h"
#include "deptperf/table.h"
#include "deptperf/zpool.h"
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

Test(table, made_fields_join_the_row_like_put_ones)
{
	char *dir = t_tmpdir();
	char *path = dp_path_join(dir, "f.csv.gz");
	struct dp_buf err = DP_BUF_INIT, made = DP_BUF_INIT;
	struct dp_table *t = dp_table_create(path, 6, &err);
	cr_assert(t);
	static const char *const cols[] = { "a", "b", "c", "d", NULL };
	dp_table_header(t, cols);
	dp_csv_put(&made, "=x", 2, true);
	dp_buf_addc(&made, ',');
	dp_csv_put(&made, "y,z", 3, false);
	dp_table_fields(t, made.s, made.len); /* first on its row: no comma before */
	dp_table_puts(t, "p", false);
	dp_table_fields(t, "q", 1);           /* after a put one: a comma */
	dp_table_end_row(t);
	dp_table_empty(t);
	dp_table_fields(t, made.s, made.len);
	dp_table_dec(t, 100000000, 2, 2);
	dp_table_end_row(t);
	dp_table_put_plain(t, "-12.30", 6); /* as it is, first on its row or not */
	dp_table_put_plain(t, "", 0);
	dp_table_puts(t, "x", false);
	dp_table_put_plain(t, "2022-06-06", 10);
	dp_table_end_row(t);
	cr_assert(dp_table_commit(t, NULL, &err), "%s", dp_buf_str(&err));
	char *text = t_read_gz(path);
	cr_expect_str_eq(text, "a,b,c,d\n'=x,\"y,z\",p,q\n,'=x,\"y,z\",1.00\n-12.30,,x,2022-06-06\n");
	free(text);
	dp_buf_free(&made);
	dp_buf_free(&err);
	free(path);
	free(dir);
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

/* Writes two tables at once, row by row, of many blocks each. */
static void write_two(const char *a, const char *b, int rows)
{
	struct dp_buf err = DP_BUF_INIT;
	struct dp_table *ta = dp_table_create(a, 6, &err), *tb = dp_table_create(b, 1, &err);
	cr_assert(ta && tb);
	for (int i = 0; i < rows; i++) {
		dp_table_putu(ta, (unsigned long long)i * 7919u);
		dp_table_puts(ta, "广东省财政厅第一预算单位", true);
		dp_table_end_row(ta);
		dp_table_putu(tb, (unsigned long long)i);
		dp_table_end_row(tb);
	}
	struct dp_table_info ia, ib;
	cr_assert(dp_table_commit(ta, &ia, &err), "%s", dp_buf_str(&err));
	cr_assert(dp_table_commit(tb, &ib, &err), "%s", dp_buf_str(&err));
	cr_expect_eq(ia.rows, (uint64_t)rows - 1, "the first row is the header");
	dp_buf_free(&err);
}

static char *file_bytes(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f);
	struct dp_buf b = DP_BUF_INIT;
	char chunk[65536];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		dp_buf_add(&b, chunk, k);
	fclose(f);
	*n = b.len;
	return dp_buf_detach(&b);
}

/* Writes rows whose cells hold commas, quotes and line ends (each row's
 * length varies) to path at level, appended a batch at a time through a
 * memory table (as dp-normalize does) or row by row. */
static void write_messy(const char *path, int level, bool batched, size_t rows)
{
	struct dp_buf err = DP_BUF_INIT;
	struct dp_table *t = dp_table_create(path, level, &err);
	struct dp_table *m = dp_table_mem();
	cr_assert(t, "%s", dp_buf_str(&err));
	static const char *const cols[] = { "n", "name", "note", NULL };
	dp_table_header(t, cols);
	for (size_t i = 0; i < rows; i++) {
		struct dp_table *w = batched ? m : t;
		dp_table_putu(w, i);
		dp_table_putf(w, "部门%zu,\"%s\"", i, i % 7 ? "甲" : "乙\n丙");
		dp_table_puts(w, i % 13 ? "" : "=SUM(A1)\n第二行", true);
		dp_table_end_row(w);
		if (batched && i % 1000 == 999)
			dp_table_append(t, m);
	}
	dp_table_append(t, m);
	dp_table_mem_free(m);
	cr_assert(dp_table_commit(t, NULL, &err), "%s", dp_buf_str(&err));
}

/* An empty memory table appended leaves the table alone: dp-normalize's two
 * streams append their slices' (empty) tables of the other stream's kind
 * while that stream writes them.  One thread writes 300 000 rows while
 * another appends empty memory tables to the same table all along. */
Test(table, appending_nothing_leaves_the_table_to_its_writer)
{
	char *dir = t_tmpdir();
	char *path = dp_path_join(dir, "t.csv.gz");
	struct dp_buf err = DP_BUF_INIT;
	struct dp_table *t = dp_table_create(path, 1, &err);
	cr_assert(t, "%s", dp_buf_str(&err));
	static const char *const cols[] = { "n", "text", NULL };
	dp_table_header(t, cols);
	size_t rows = 300000;
	volatile int done = 0;
#pragma omp parallel num_threads(2)
	{
		if (omp_get_thread_num() == 0) {
			for (size_t i = 0; i < rows; i++) {
				dp_table_putu(t, i);
				dp_table_puts(t, "一行文字，足够长以便经常满块", false);
				dp_table_end_row(t);
			}
#pragma omp atomic write
			done = 1;
		} else {
			struct dp_table *m = dp_table_mem();
			for (int d = 0; !d;) {
				dp_table_append(t, m);
#pragma omp atomic read
				d = done;
			}
			dp_table_mem_free(m);
		}
	}
	struct dp_table_info info;
	cr_assert(dp_table_commit(t, &info, &err), "%s", dp_buf_str(&err));
	cr_expect_eq(info.rows, rows);
	char *text = t_read_gz(path);
	size_t lines = 0;
	for (const char *p = text; (p = strchr(p, '\n')); p++)
		lines++;
	cr_expect_eq(lines, rows + 1, "%zu lines", lines);
	free(text);
	dp_buf_free(&err);
	free(path);
	free(dir);
}

Test(table, recompressed_is_the_table_written_row_by_row)
{
	/* a work table cut into blocks where its batches ended, recompressed
	 * at level 6, is byte for byte the table written row by row at level 6:
	 * blocks end after the same rows, line ends inside quoted cells are not
	 * row ends, and the rows are counted as written */
	char *dir = t_tmpdir();
	char *work = dp_path_join(dir, "work.csv.gz"), *direct = dp_path_join(dir, "direct.csv.gz");
	char *copy = dp_path_join(dir, "copy.csv.gz");
	size_t rows = 60000; /* several blocks of 512 KiB */
	write_messy(work, 1, true, rows);
	write_messy(direct, 6, false, rows);
	struct dp_buf err = DP_BUF_INIT;
	struct dp_table_info info;
	cr_assert(dp_table_recompress(work, copy, 6, &info, &err), "%s", dp_buf_str(&err));
	cr_expect_eq(info.rows, rows);
	size_t na, nb;
	char *a = file_bytes(direct, &na), *b = file_bytes(copy, &nb);
	cr_expect_eq(na, nb);
	cr_expect(na == nb && memcmp(a, b, na) == 0, "the copy's bytes are the direct table's");
	cr_expect_gt(na, 0);
	free(a);
	free(b);
	free(work);
	free(direct);
	free(copy);
	free(dir);
}

Test(table, background_compression_gives_the_same_bytes_for_any_thread_count)
{
	char *dir = t_tmpdir();
	char *p[2][2];
	int threads[2] = { 1, 3 };
	for (int k = 0; k < 2; k++) {
		omp_set_num_threads(threads[k]);
		p[k][0] = dp_path_join(dir, k ? "a3.csv.gz" : "a1.csv.gz");
		p[k][1] = dp_path_join(dir, k ? "b3.csv.gz" : "b1.csv.gz");
		write_two(p[k][0], p[k][1], 200000); /* ~ 8 MB: 16 blocks, more than the ring holds */
		dp_zpool_stop();
	}
	for (int j = 0; j < 2; j++) {
		size_t n1, n3;
		char *b1 = file_bytes(p[0][j], &n1), *b3 = file_bytes(p[1][j], &n3);
		cr_expect(n1 == n3 && memcmp(b1, b3, n1) == 0, "table %d differs between 1 and 3 threads", j);
		free(b1);
		free(b3);
	}
	char *text = t_read_gz(p[1][1]);
	size_t lines = 0;
	for (const char *c = text; *c; c++)
		lines += *c == '\n';
	cr_expect_eq(lines, 200000, "every row is in the file, in order");
	cr_expect(strncmp(text, "0\n1\n2\n", 6) == 0);
	cr_expect(strstr(text, "\n199999\n") != NULL);
	free(text);
}

Test(table, abort_while_blocks_are_in_flight)
{
	omp_set_num_threads(2);
	char *dir = t_tmpdir();
	char *p = dp_path_join(dir, "x.csv.gz");
	struct dp_buf err = DP_BUF_INIT;
	struct dp_table *t = dp_table_create(p, 9, &err);
	for (int i = 0; i < 300000; i++) {
		dp_table_putu(t, (unsigned long long)i);
		dp_table_end_row(t);
	}
	dp_table_abort(t); /* waits for the pool before freeing the blocks */
	dp_zpool_stop();
	cr_expect_eq(access(p, F_OK), -1);
}

/* A work table whose rows are known from their index: quoted fields with
 * line ends inside (so a record's line differs from its index), empty
 * fields, a row of empty fields, and a long field now and then. */
static void expected_row(size_t i, struct dp_buf *f0, struct dp_buf *f1, struct dp_buf *f2)
{
	dp_buf_reset(f0);
	dp_buf_reset(f1);
	dp_buf_reset(f2);
	if (i % 1000 == 7)
		return; /* all empty */
	dp_buf_addf(f0, "%zu", i);
	if (i % 5 == 0)
		dp_buf_addf(f1, "第%zu行,\"引号\"\n换行", i);
	for (size_t k = 0; i % 9973 == 0 && k < 40000; k++)
		dp_buf_addc(f2, (char)('a' + k % 26));
}

static char *write_rows_table(const char *dir, size_t n)
{
	char *p = dp_path_join(dir, "rows.csv.gz");
	struct dp_buf err = DP_BUF_INIT, f0 = DP_BUF_INIT, f1 = DP_BUF_INIT, f2 = DP_BUF_INIT;
	struct dp_table *t = dp_table_create(p, 1, &err);
	cr_assert(t, "%s", dp_buf_str(&err));
	static const char *const cols[] = { "i", "text", "long", NULL };
	dp_table_header(t, cols);
	for (size_t i = 0; i < n; i++) {
		expected_row(i, &f0, &f1, &f2);
		dp_table_put(t, f0.s, f0.len, false);
		dp_table_put(t, f1.s, f1.len, false);
		dp_table_put(t, f2.s, f2.len, false);
		dp_table_end_row(t);
	}
	struct dp_table_info info;
	cr_assert(dp_table_commit(t, &info, &err), "%s", dp_buf_str(&err));
	dp_zpool_stop();
	dp_buf_free(&f0);
	dp_buf_free(&f1);
	dp_buf_free(&f2);
	return p;
}

static bool field_is(const struct dp_record *r, size_t i, const struct dp_buf *want)
{
	return r->len[i] == want->len && memcmp(r->f[i], want->len ? want->s : "", want->len) == 0 &&
	       r->f[i][r->len[i]] == '\0';
}

/* Reads the table at p with the given threads and checks its n records. */
static void check_rows(const char *p, size_t n, int threads, const char *what)
{
	struct dp_buf f0 = DP_BUF_INIT, f1 = DP_BUF_INIT, f2 = DP_BUF_INIT;
	omp_set_num_threads(threads);
	struct dp_buf err = DP_BUF_INIT;
	struct dp_rows *r = dp_rows_open(p, &err);
	cr_assert(r, "%s", dp_buf_str(&err));
	const struct dp_record *rec = dp_rows_next(r, &err);
	cr_assert(rec && rec->n == 3 && strcmp(rec->f[0], "i") == 0 && rec->line == 1, "%s", what);
	uint64_t line = 2;
	size_t i = 0;
	while ((rec = dp_rows_next(r, &err)) != NULL) {
		expected_row(i, &f0, &f1, &f2);
		cr_assert_eq(rec->n, 3, "%s: record %zu", what, i);
		cr_assert(field_is(rec, 0, &f0) && field_is(rec, 1, &f1) && field_is(rec, 2, &f2),
			  "%s: record %zu differs with %d threads", what, i, threads);
		cr_assert_eq(rec->line, line, "%s: record %zu: line %llu, not %llu", what, i,
			     (unsigned long long)rec->line, (unsigned long long)line);
		line += i % 5 == 0 && i % 1000 != 7 ? 2 : 1;
		i++;
	}
	cr_expect_eq(i, n, "%s: %zu records with %d threads", what, i, threads);
	cr_expect(!dp_rows_failed(r), "%s: %s", what, dp_buf_str(&err));
	cr_expect_eq(dp_rows_next(r, &err), NULL, "the end stays the end");
	cr_expect_eq(err.len, 0);
	dp_rows_close(r);
	dp_buf_free(&err);
	dp_buf_free(&f0);
	dp_buf_free(&f1);
	dp_buf_free(&f2);
}

Test(table, rows_reader_gives_every_record_in_order_for_any_thread_count)
{
	char *dir = t_tmpdir();
	const size_t n = 120000; /* ~ 3 MB of fields: many batches, more than the ring holds */
	char *p = write_rows_table(dir, n);
	int threads[] = { 1, 2, 4 };
	for (size_t k = 0; k < sizeof threads / sizeof *threads; k++)
		check_rows(p, n, threads[k], "as written");
}

/* Appends text[0..n) to path as gzip members of `member` bytes each. */
static void gzip_members(const char *path, const char *text, size_t n, size_t member)
{
	for (size_t at = 0; at < n; at += member) {
		gzFile g = gzopen(path, "ab");
		cr_assert(g);
		size_t k = n - at < member ? n - at : member;
		cr_assert_eq(gzwrite(g, text + at, (unsigned)k), (int)k);
		gzclose(g);
	}
}

/* Whole members go through libdeflate while they fit its buffers: members
 * cut anywhere (inside quoted fields), thousands of small ones crossing
 * every read, and members too large for it, which zlib takes over from the
 * start, or from the middle of the file. */
Test(table, rows_reader_takes_gzip_members_of_any_size)
{
	char *dir = t_tmpdir();
	const size_t n = 120000;
	char *p = write_rows_table(dir, n);
	char *text = t_read_gz(p);
	size_t len = strlen(text);
	cr_assert_gt(len, 2 * 1024 * 1024 + 100000, "larger than the biggest member inflated whole");
	static const struct {
		const char *name;
		size_t first, member; /* a first member of `first` bytes, then members of `member` */
	} shapes[] = {
		{ "one.csv.gz", 0, SIZE_MAX },              /* one member, too large: zlib from the start */
		{ "small.csv.gz", 0, 997 },                 /* thousands of members, cut anywhere */
		{ "then-one.csv.gz", 600000, SIZE_MAX },    /* libdeflate, then zlib for the rest */
		{ "mixed.csv.gz", 300001, 700001 },
	};
	for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
		char *q = dp_path_join(dir, shapes[s].name);
		size_t first = shapes[s].first;
		gzip_members(q, text, first, first ? first : 1);
		gzip_members(q, text + first, len - first, shapes[s].member);
		for (int threads = 1; threads <= 2; threads++)
			check_rows(q, n, threads, shapes[s].name);
		free(q);
	}
	free(text);
}

Test(table, rows_reader_closed_early_stops_its_decoder)
{
	omp_set_num_threads(2);
	char *dir = t_tmpdir();
	char *p = write_rows_table(dir, 120000);
	for (int stop_after = 0; stop_after < 3000; stop_after += 1000) {
		struct dp_buf err = DP_BUF_INIT;
		struct dp_rows *r = dp_rows_open(p, &err);
		cr_assert(r);
		for (int i = 0; i < stop_after; i++)
			cr_assert(dp_rows_next(r, &err));
		dp_rows_close(r); /* joins the decoder, which may be waiting or decoding */
		dp_buf_free(&err);
	}
}

Test(table, rows_reader_reports_a_damaged_table_after_the_good_records)
{
	char *dir = t_tmpdir();
	char *p = write_rows_table(dir, 120000);
	size_t n;
	char *bytes = file_bytes(p, &n);
	FILE *f = fopen(p, "wb"); /* cut in the middle of the file */
	cr_assert(f);
	cr_assert_eq(fwrite(bytes, 1, n / 2, f), n / 2);
	fclose(f);
	free(bytes);
	size_t got[2];
	for (int k = 0; k < 2; k++) {
		omp_set_num_threads(k + 1);
		struct dp_buf err = DP_BUF_INIT;
		struct dp_rows *r = dp_rows_open(p, &err);
		cr_assert(r);
		got[k] = 0;
		while (dp_rows_next(r, &err))
			got[k]++;
		cr_expect(dp_rows_failed(r), "a cut table fails with %d threads", k + 1);
		cr_expect(strstr(dp_buf_str(&err), "damaged work file") != NULL, "%s", dp_buf_str(&err));
		cr_expect(got[k] > 1000 && got[k] < 120000, "%zu good records first", got[k]);
		dp_rows_close(r);
		dp_buf_free(&err);
	}
	cr_expect_eq(got[0], got[1], "the same records before the fault for 1 and 2 threads");
}

/* fsync is wrapped for this program (tests/CMakeLists.txt): the calls are
 * counted, then made. */
static int fsyncs;
int __real_fsync(int fd);
int __wrap_fsync(int fd);
int __wrap_fsync(int fd)
{
	fsyncs++;
	return __real_fsync(fd);
}

static void write_rows(const char *path, bool durable, size_t rows)
{
	struct dp_buf err = DP_BUF_INIT;
	struct dp_table *t = dp_table_create(path, 1, &err);
	cr_assert(t);
	if (durable)
		dp_table_durable(t);
	static const char *const cols[] = { "n", "text", NULL };
	dp_table_header(t, cols);
	for (size_t i = 0; i < rows; i++) {
		dp_table_putu(t, i);
		dp_table_puts(t, "一行文字，足够长以填满几个块", false);
		dp_table_end_row(t);
	}
	cr_assert(dp_table_commit(t, NULL, &err), "%s", dp_buf_str(&err));
}

Test(table, only_a_durable_table_waits_for_the_disk)
{
	char *dir = t_tmpdir();
	char *w = dp_path_join(dir, "work.csv.gz"), *p = dp_path_join(dir, "published.csv.gz");
	fsyncs = 0;
	write_rows(w, false, 100000);
	cr_expect_eq(fsyncs, 0, "a work table is not synced");
	write_rows(p, true, 100000); /* several blocks */
	cr_expect_eq(fsyncs, 1, "a durable table is synced once, at commit");
	char *a = t_read_gz(w), *b = t_read_gz(p);
	cr_expect_str_eq(a, b);
	free(a);
	free(b);
	/* a copy for publishing is durable */
	char *c = dp_path_join(dir, "copy.csv.gz");
	struct dp_buf err = DP_BUF_INIT;
	fsyncs = 0;
	cr_assert(dp_table_recompress(w, c, 6, NULL, &err), "%s", dp_buf_str(&err));
	cr_expect_eq(fsyncs, 1);
	free(c);
	free(w);
	free(p);
}

/* Rows i..j of a table whose rows are numbers, padded so that a few
 * thousand of them fill a block. */
static void number_rows(struct dp_table *t, size_t from, size_t to, const char *tag)
{
	char cell[64];
	for (size_t i = from; i < to; i++) {
		int n = snprintf(cell, sizeof cell, "%s-%zu-%0*zu", tag, i, (int)(i % 37), i);
		dp_table_put(t, cell, (size_t)n, false);
		dp_table_end_row(t);
	}
}

/* keep rows [0, a), then (mark) rows that are taken back, then rows [a, b):
 * the file must be that of rows [0, b) written straight */
static void write_rewound(const char *path, size_t a, size_t taken, size_t b, int marks, char *sha)
{
	struct dp_buf err = DP_BUF_INIT;
	struct dp_table *t = dp_table_create(path, 1, &err);
	cr_assert(t);
	static const char *const cols[] = { "n", NULL };
	dp_table_header(t, cols);
	number_rows(t, 0, a, "r");
	for (int m = 0; m < marks; m++) {
		dp_table_mark(t);
		number_rows(t, 0, taken >> m, "taken");
		dp_table_rewind(t);
	}
	number_rows(t, a, b, "r");
	struct dp_table_info info;
	cr_assert(dp_table_commit(t, &info, &err), "%s", dp_buf_str(&err));
	cr_expect_eq(info.rows, b, "rows counted without the ones taken back");
	memcpy(sha, info.sha256, sizeof info.sha256);
}

Test(table, rows_taken_back_leave_the_table_as_if_never_written)
{
	char *dir = t_tmpdir();
	/* marks mid-block with blocks in flight; rows taken back that fill many
	 * blocks, one, or none; memory tables; 1 and 3 threads */
	static const size_t cases[][4] = { { 30000, 90000, 50000, 1 }, { 30000, 500, 50000, 1 },
					   { 0, 200000, 10, 1 },       { 30000, 0, 50000, 1 },
					   { 12345, 70000, 40000, 3 } };
	int threads[2] = { 1, 3 };
	for (int k = 0; k < 2; k++) {
		omp_set_num_threads(threads[k]);
		for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
			char *want = dp_path_join(dir, "want.csv.gz"), *got = dp_path_join(dir, "got.csv.gz");
			char sw[65], sg[65];
			write_rewound(want, cases[c][0], 0, cases[c][2], 0, sw);
			write_rewound(got, cases[c][0], cases[c][1], cases[c][2], (int)cases[c][3], sg);
			cr_expect_str_eq(sg, sw, "case %zu: the SHA-256 counted as written", c);
			size_t nw, ng;
			char *bw = file_bytes(want, &nw), *bg = file_bytes(got, &ng);
			cr_expect(nw == ng && memcmp(bw, bg, nw) == 0,
				  "case %zu, %d threads: %zu bytes, want %zu, or other bytes", c, threads[k], ng, nw);
			free(bw);
			free(bg);
			free(want);
			free(got);
		}
		dp_zpool_stop();
	}
	/* a memory table: its rows appended to a file table after a rewind */
	char *want = dp_path_join(dir, "mw.csv.gz"), *got = dp_path_join(dir, "mg.csv.gz");
	char sha[65];
	write_rewound(want, 100, 0, 300, 0, sha);
	struct dp_buf err = DP_BUF_INIT;
	struct dp_table *t = dp_table_create(got, 1, &err), *m = dp_table_mem();
	static const char *const cols[] = { "n", NULL };
	dp_table_header(t, cols);
	number_rows(m, 0, 100, "r");
	dp_table_mark(m);
	number_rows(m, 0, 5000, "taken");
	dp_table_rewind(m);
	number_rows(m, 100, 300, "r");
	dp_table_append(t, m);
	cr_assert(dp_table_commit(t, NULL, &err));
	dp_table_mem_free(m);
	size_t nw, ng;
	char *bw = file_bytes(want, &nw), *bg = file_bytes(got, &ng);
	cr_expect(nw == ng && memcmp(bw, bg, nw) == 0, "a memory table's rows taken back");
	free(bw);
	free(bg);
}
