#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deptperf/memtab.h"
#include "deptperf/stage.h"
#include "deptperf/table.h"
#include "deptperf/text.h"
#include "helpers.h"

/* Rows of three cells with what a CSV table must quote or guard: commas,
 * quotes, line ends, leading spaces, a formula, empty cells. */
static const char *const cells[][3] = {
	{ "2021", "440000015", "广东省人力资源和社会保障厅" },
	{ "2021", "a,b", "say \"yes\"" },
	{ "2022", "", "two\nlines" },
	{ "2022", " lead", "=SUM(A1)" },
	{ "2023", "'=kept", "" },
};
#define NROWS (sizeof cells / sizeof cells[0])
static const char *const cols[] = { "fiscal_year", "dept_code", "dept_name", NULL };

/* dir/t.cells and, as the oracle it is compared with, dir/t.csv.gz with the
 * same rows as a published table holds them: each cell guarded in the
 * table's way, the cells file taking the guarded text.  Returns the
 * table's CRC-32 in hex. */
static char *write_both(const char *dir, size_t nrows, bool short_last)
{
	char *pt = dp_path_join(dir, "t.csv.gz"), *pc = dp_path_join(dir, "t.cells");
	char *ptmp = dp_path_join(dir, "t.cells.tmp");
	struct dp_buf e = DP_BUF_INIT, row = DP_BUF_INIT;
	struct dp_table *t = dp_table_create(pt, 1, &e);
	struct dp_cells_writer *w = dp_cells_create(ptmp, cols, 3, &e);
	cr_assert(t && w, "%s", e.s);
	dp_table_header(t, cols);
	for (size_t i = 0; i < nrows; i++) {
		dp_buf_reset(&row);
		for (size_t c = 0; c < 3; c++) {
			const char *s = cells[i % NROWS][c];
			dp_table_puts(t, s, true);
			if (dp_text_needs_guard(s, strlen(s)))
				dp_buf_addc(&row, '\'');
			if (!(short_last && i == nrows - 1 && c == 2))
				dp_buf_addz(&row, s, strlen(s));
		}
		dp_table_end_row(t);
		dp_cells_row(w, row.s, row.len);
	}
	struct dp_table_info info;
	cr_assert(dp_table_commit(t, &info, &e), "%s", e.s);
	cr_assert(dp_cells_commit(w, pc, &e), "%s", e.s);
	cr_expect_neq(access(ptmp, F_OK), 0, "the temporary name is gone");
	dp_buf_free(&e);
	dp_buf_free(&row);
	free(pt);
	free(pc);
	free(ptmp);
	char crc[9];
	snprintf(crc, sizeof crc, "%08x", (unsigned)info.crc32);
	return dp_xstrdup(crc);
}

/* The size of a cells file's footer (memtab.c). */
#define FOOTER 40

static void expect_same(const struct dp_memtab *a, const struct dp_memtab *b)
{
	cr_assert_eq(a->ncols, b->ncols);
	cr_assert_eq(a->nrows, b->nrows);
	for (size_t c = 0; c < a->ncols; c++)
		cr_expect_str_eq(a->cols[c], b->cols[c]);
	for (size_t r = 0; r < a->nrows; r++)
		for (size_t c = 0; c < a->ncols; c++) {
			cr_expect_str_eq(dp_memtab_raw(a, r, c), dp_memtab_raw(b, r, c), "row %zu col %zu", r, c);
			cr_expect_str_eq(dp_memtab_cell(a, r, c), dp_memtab_cell(b, r, c), "row %zu col %zu", r, c);
		}
}

/* dp_memtab_load_cells and dp_cells_open, with a reason whenever they
 * refuse a file. */
static bool t_load_cells(struct dp_memtab *t, const char *pc)
{
	struct dp_buf e = DP_BUF_INIT;
	bool ok = dp_memtab_load_cells(t, pc, &e);
	cr_expect(ok || (e.s && strstr(e.s, pc)), "a refusal names the file: %s", e.s ? e.s : "(none)");
	dp_buf_free(&e);
	return ok;
}

static struct dp_cells_reader *t_open_cells(const char *pc)
{
	struct dp_buf e = DP_BUF_INIT;
	struct dp_cells_reader *r = dp_cells_open(pc, &e);
	cr_expect(r || (e.s && strstr(e.s, pc)), "a refusal names the file: %s", e.s ? e.s : "(none)");
	dp_buf_free(&e);
	return r;
}

Test(memtab, cells_file_loads_as_the_table_does)
{
	char *dir = t_tmpdir();
	/* more rows than a writer keeps offsets for in memory (the others wait
	 * in a file of their own and are copied after the body at commit) */
	char *sha = write_both(dir, 100003, false);
	char *pt = dp_path_join(dir, "t.csv.gz"), *pc = dp_path_join(dir, "t.cells");
	struct dp_memtab a, b;
	struct dp_buf e = DP_BUF_INIT;
	cr_assert(dp_memtab_load(&a, pt, false, &e), "%s", e.s);
	cr_assert(t_load_cells(&b, pc));
	cr_assert_not_null(b.map, "the cells file is mapped");
	expect_same(&a, &b);
	cr_expect_str_eq(dp_memtab_cell(&b, 3, 2), "=SUM(A1)", "the guard is the table's");
	cr_expect_str_eq(dp_memtab_raw(&b, 3, 2), "'=SUM(A1)");
	dp_memtab_free(&a);
	dp_memtab_free(&b);
	/* no rows at all */
	free(sha);
	sha = write_both(dir, 0, false);
	cr_assert(t_load_cells(&b, pc));
	cr_expect_eq(b.nrows, 0);
	cr_expect_eq(b.ncols, 3);
	dp_memtab_free(&b);
	dp_buf_free(&e);
	free(sha);
	free(pt);
	free(pc);
	free(dir);
}

Test(memtab, cells_file_missing_or_damaged_is_not_loaded)
{
	char *dir = t_tmpdir();
	char *sha = write_both(dir, 300, false);
	char *pc = dp_path_join(dir, "t.cells"), *pt = dp_path_join(dir, "t.csv.gz");
	struct dp_memtab t;
	char *missing = dp_path_join(dir, "none.cells");
	cr_expect_not(t_load_cells(&t, missing));
	cr_expect_eq(t.nrows, 0);
	cr_expect_null(t.map);
	/* a file of another kind: a gzip table */
	cr_expect_not(t_load_cells(&t, pt));
	/* cut short: the footer is not where it should be */
	struct stat st;
	cr_assert_eq(stat(pc, &st), 0);
	cr_assert_eq(truncate(pc, st.st_size - 10), 0);
	cr_expect_not(t_load_cells(&t, pc));
	free(sha);
	/* a footer whose rows and cell bytes add up to the file's size only by
	 * wrapping around 2^64, the cells running far past the file's end:
	 * refused, not mapped */
	sha = write_both(dir, 300, false);
	cr_assert_eq(stat(pc, &st), 0);
	FILE *f = fopen(pc, "r+b");
	cr_assert_not_null(f);
	uint64_t nb[2]; /* nrows, body: after the magic and ncols */
	cr_assert_eq(fseek(f, st.st_size - FOOTER + 16, SEEK_SET), 0);
	cr_assert_eq(fread(nb, sizeof nb[0], 2, f), 2);
	nb[0] += ((uint64_t)1 << 61) - ((uint64_t)1 << 58);
	nb[1] += (uint64_t)1 << 61;
	cr_assert_eq(fseek(f, st.st_size - FOOTER + 16, SEEK_SET), 0);
	cr_assert_eq(fwrite(nb, sizeof nb[0], 2, f), 2);
	cr_assert_eq(fclose(f), 0);
	cr_expect_not(t_load_cells(&t, pc));
	cr_expect_null(t.map);
	free(sha);
	/* the last row without its last cell: a walk of it would leave the file */
	sha = write_both(dir, 300, true);
	cr_expect_not(t_load_cells(&t, pc));
	cr_expect_eq(t.nrows, 0);
	free(sha);
	free(missing);
	free(pc);
	free(pt);
	free(dir);
}

/* The rows a reader of pc hands out, and in *whole what dp_cells_whole then
 * says; fails the test when pc does not open. */
static size_t rows_read(const char *pc, bool *whole)
{
	struct dp_cells_reader *r = t_open_cells(pc);
	cr_assert_not_null(r, "the footer is whole: the damage is seen by reading");
	const char *s;
	size_t n, rows = 0;
	while (dp_cells_next(r, &s, &n, NULL, NULL))
		rows++;
	*whole = dp_cells_whole(r);
	dp_cells_close(r);
	return rows;
}

/* dp-score and dp-aggregate: a walk that lets the kernel take back the rows
 * behind it still reads every row right (a page given back is read again
 * from the file if touched). */
Test(memtab, cells_released_as_read_are_read_again)
{
	char *dir = t_tmpdir();
	char *sha = write_both(dir, 3000, false);
	char *pt = dp_path_join(dir, "t.csv.gz"), *pc = dp_path_join(dir, "t.cells");
	struct dp_memtab a, b;
	struct dp_buf e = DP_BUF_INIT;
	cr_assert(dp_memtab_load(&a, pt, false, &e), "%s", e.s);
	cr_assert(t_load_cells(&b, pc));
	const char *ca[3], *cb[3];
	for (size_t r = 0; r < b.nrows; r++) {
		dp_memtab_split(&a, r, ca);
		dp_memtab_split(&b, r, cb);
		for (size_t c = 0; c < 3; c++)
			cr_assert_str_eq(cb[c], ca[c], "row %zu cell %zu", r, c);
		if (r % 100 == 99)
			dp_memtab_release_before(&b, r + 1);
	}
	/* rows given back are read again from the file */
	dp_memtab_release_before(&b, b.nrows);
	expect_same(&a, &b);
	dp_memtab_release_before(&a, a.nrows); /* not mapped: left alone */
	expect_same(&a, &b);
	dp_memtab_free(&b);
	dp_memtab_free(&a);
	char *none = dp_path_join(dir, "none.cells");
	cr_expect_not(t_load_cells(&b, none), "no cells file");
	dp_buf_free(&e);
	free(none);
	free(sha);
	free(pt);
	free(pc);
	free(dir);
}

static bool count_row(void *ctx, size_t i, const char *s, size_t n)
{
	(void)i;
	(void)s;
	(void)n;
	++*(size_t *)ctx;
	return true;
}

/* A cells file that cannot be written whole (here: past the file size
 * limit; a full disk is the same to the writer) is an error with the
 * reason, whether the write fails in the background or not, and leaves no
 * file behind. */
Test(memtab, cells_file_that_cannot_be_written_is_an_error)
{
	char *dir = t_tmpdir();
	char *tmp = dp_path_join(dir, "t.cells.tmp"), *path = dp_path_join(dir, "t.cells");
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit lim = { 3u << 20, 3u << 20 };
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	struct dp_buf e = DP_BUF_INIT;
	struct dp_cells_writer *w = dp_cells_create(tmp, cols, 3, &e);
	cr_assert_not_null(w, "%s", e.s);
	char row[100];
	memset(row, 'x', sizeof row);
	row[32] = row[65] = row[99] = '\0';
	for (size_t i = 0; i < 100000; i++) /* 10 MB */
		dp_cells_row(w, row, sizeof row);
	cr_expect_not(dp_cells_commit(w, path, &e));
	cr_expect(e.s && strstr(e.s, "cannot write") && strstr(e.s, strerror(EFBIG)), "%s", e.s ? e.s : "");
	cr_expect_neq(access(path, F_OK), 0, "no cells file");
	cr_expect_neq(access(tmp, F_OK), 0, "no partial file");
	/* read back before the commit: the same error */
	dp_buf_reset(&e);
	w = dp_cells_create(tmp, cols, 3, &e);
	cr_assert_not_null(w);
	for (size_t i = 0; i < 100000; i++)
		dp_cells_row(w, row, sizeof row);
	size_t seen = 0;
	cr_expect_not(dp_cells_each(w, count_row, &seen, &e));
	cr_expect(e.s && strstr(e.s, strerror(EFBIG)), "%s", e.s ? e.s : "");
	dp_cells_abort(w);
	cr_expect_neq(access(tmp, F_OK), 0, "no partial file");
	dp_buf_free(&e);
	free(tmp);
	free(path);
	free(dir);
}

/* dp-validate spools its candidates in a cells file and reads them back
 * before it commits: every row comes back whole and in order, across the
 * 4 MB reads, a row longer than one of them included. */
struct readback {
	size_t rows, bytes;
	bool bad;
	const char *big;
	size_t big_at, stop_at;
};

static bool on_row(void *ctx, size_t i, const char *s, size_t n)
{
	struct readback *rb = ctx;
	char want[64];
	if (i == rb->big_at) {
		size_t k = strlen(rb->big);
		rb->bad |= n != k + 4 || memcmp(s, rb->big, k + 1) != 0 || memcmp(s + k + 1, "x\0\0", 3) != 0;
	} else {
		int k = snprintf(want, sizeof want, "r%zu", i);
		rb->bad |= n != (size_t)k + 5 || strcmp(s, want) != 0 || strcmp(s + k + 1, "ab") != 0 || s[k + 4] != '\0';
	}
	rb->rows++;
	rb->bytes += n;
	return i != rb->stop_at; /* false stops the walk */
}

Test(memtab, cells_written_read_back_before_commit)
{
	char *dir = t_tmpdir();
	char *pc = dp_path_join(dir, "c.cells.tmp");
	struct dp_buf e = DP_BUF_INIT, row = DP_BUF_INIT;
	struct dp_cells_writer *w = dp_cells_create(pc, cols, 3, &e);
	cr_assert(w, "%s", e.s);
	size_t big_n = 5u << 20, nrows = 600000, big_at = 250000;
	char *big = malloc(big_n + 1);
	memset(big, 'b', big_n);
	big[big_n] = '\0';
	for (size_t i = 0; i < nrows; i++) {
		dp_buf_reset(&row);
		if (i == big_at) {
			dp_buf_addz(&row, big, big_n);
			dp_buf_addz(&row, "x", 1);
		} else {
			char first[64];
			int k = snprintf(first, sizeof first, "r%zu", i);
			dp_buf_addz(&row, first, (size_t)k);
			dp_buf_addz(&row, "ab", 2);
		}
		dp_buf_addz(&row, "", 0);
		dp_cells_row(w, row.s, row.len);
	}
	cr_assert_eq(dp_cells_nrows(w), nrows);
	struct readback rb = { 0, 0, false, big, big_at, 400000 };
	cr_assert(dp_cells_each(w, on_row, &rb, &e), "%s", e.s);
	cr_expect_not(rb.bad, "a row read back differs from the row written");
	cr_expect_eq(rb.rows, 400001, "the walk stops when the callback says");
	/* the writer goes on after a read-back, and reads back again */
	dp_cells_row(w, "r600000\0ab\0", 12);
	rb = (struct readback){ 0, 0, false, big, big_at, SIZE_MAX };
	cr_assert(dp_cells_each(w, on_row, &rb, &e), "%s", e.s);
	cr_expect_eq(rb.rows, nrows + 1);
	cr_expect_not(rb.bad, "a row read back differs from the row written");
	dp_cells_abort(w);
	cr_expect_neq(access(pc, F_OK), 0, "an aborted writer leaves nothing");
	free(big);
	free(pc);
	dp_buf_free(&e);
	dp_buf_free(&row);
	free(dir);
}

/* Reads every row of the cells file pc with a reader and compares it with
 * the table t: the cells, their lengths, the row's bytes. */
static void read_as_table(const char *pc, const struct dp_memtab *t)
{
	struct dp_cells_reader *r = t_open_cells(pc);
	cr_assert_not_null(r);
	cr_assert_eq(dp_cells_ncols(r), t->ncols);
	for (size_t c = 0; c < t->ncols; c++)
		cr_expect_str_eq(dp_cells_cols(r)[c], t->cols[c]);
	const char *s, *f[3];
	size_t n, len[3], rows = 0;
	while (dp_cells_next(r, &s, &n, f, len)) {
		cr_assert_lt(rows, t->nrows);
		size_t sum = 0;
		for (size_t c = 0; c < 3; c++) {
			cr_expect_str_eq(f[c], dp_memtab_raw(t, rows, c), "row %zu col %zu", rows, c);
			cr_expect_eq(len[c], strlen(f[c]));
			sum += len[c] + 1;
		}
		cr_expect_eq(f[0], s);
		cr_expect_eq(n, sum);
		rows++;
	}
	cr_expect_eq(rows, t->nrows);
	cr_expect(dp_cells_whole(r));
	dp_cells_close(r);
}

Test(memtab, cells_read_in_order_are_the_table)
{
	char *dir = t_tmpdir();
	char *pt = dp_path_join(dir, "t.csv.gz"), *pc = dp_path_join(dir, "t.cells");
	struct dp_buf e = DP_BUF_INIT;
	/* rows across the reader's 4 MiB reads, and none at all */
	static const size_t counts[] = { 100003, 1, 0 };
	for (size_t k = 0; k < 3; k++) {
		char *sha = write_both(dir, counts[k], false);
		struct dp_memtab t;
		cr_assert(dp_memtab_load(&t, pt, false, &e), "%s", e.s);
		read_as_table(pc, &t);
		dp_memtab_free(&t);
		free(sha);
	}
	dp_buf_free(&e);
	free(pt);
	free(pc);
	free(dir);
}

Test(memtab, cells_reader_refuses_a_missing_file_and_sees_damage)
{
	char *dir = t_tmpdir();
	char *pc = dp_path_join(dir, "t.cells"), *pt = dp_path_join(dir, "t.csv.gz");
	char *sha = write_both(dir, 300, false);
	char *none = dp_path_join(dir, "none.cells");
	cr_expect_null(t_open_cells(none));
	cr_expect_null(t_open_cells(pt), "a gzip table is not a cells file");
	/* a cell's NUL overwritten: the rows after it are one cell off, and the
	 * body does not end at a row's end */
	FILE *fp = fopen(pc, "r+b");
	cr_assert_not_null(fp);
	char head[4096];
	size_t got = fread(head, 1, sizeof head, fp);
	size_t at = 0, nuls = 0;
	for (; at < got && nuls < 3 + 3 * 10; at++) /* the header, ten rows */
		nuls += head[at] == '\0';
	cr_assert_eq(nuls, 33);
	cr_assert_eq(fseek(fp, (long)at - 1, SEEK_SET), 0);
	cr_assert_eq(fputc('x', fp), 'x');
	cr_assert_eq(fclose(fp), 0);
	bool whole;
	size_t rows = rows_read(pc, &whole);
	cr_expect_not(whole, "%zu rows read, the body not ending at a row's end", rows);
	free(sha);
	/* a NUL where a cell had a byte: every row is there, and a cell more */
	sha = write_both(dir, 300, false);
	fp = fopen(pc, "r+b");
	cr_assert_not_null(fp);
	got = fread(head, 1, sizeof head, fp);
	char *code = memmem(head, got, "440000015", 9);
	cr_assert_not_null(code);
	cr_assert_eq(fseek(fp, (long)(code - head) + 4, SEEK_SET), 0);
	cr_assert_eq(fputc('\0', fp), '\0');
	cr_assert_eq(fclose(fp), 0);
	cr_expect_eq(rows_read(pc, &whole), 300, "the footer's rows are read");
	cr_expect_not(whole, "a cell is left after them");
	free(sha);
	/* the last row short of a cell */
	sha = write_both(dir, 300, true);
	cr_expect_eq(rows_read(pc, &whole), 299);
	cr_expect_not(whole);
	free(sha);
	free(none);
	free(pc);
	free(pt);
	free(dir);
}

/* byte at of the file path xor-ed with x. */
static void flip(const char *path, long at, int x)
{
	FILE *f = fopen(path, "r+b");
	cr_assert_not_null(f);
	cr_assert_eq(fseek(f, at, SEEK_SET), 0);
	int c = fgetc(f);
	cr_assert_neq(c, EOF);
	cr_assert_eq(fseek(f, at, SEEK_SET), 0);
	cr_assert_eq(fputc(c ^ x, f), c ^ x);
	cr_assert_eq(fclose(f), 0);
}

/* A cells file whose bytes changed after it was written (a disk's or a
 * hand's damage that leaves every row whole: a digit of a code, an offset)
 * is not used: its own CRC-32 in the footer says so, to the loader at once
 * and to the reader at the end, as a gzip table's CRC does. */
Test(memtab, cells_whose_bytes_changed_are_not_used)
{
	char *dir = t_tmpdir();
	char *pc = dp_path_join(dir, "t.cells"), *pt = dp_path_join(dir, "t.csv.gz");
	for (int where = 0; where < 2; where++) {
		free(write_both(dir, 300, false));
		struct dp_memtab t;
		cr_assert(t_load_cells(&t, pc), "the file as written loads");
		dp_memtab_free(&t);
		struct stat st;
		cr_assert_eq(stat(pc, &st), 0);
		if (where == 0) {
			/* a digit of a code: '4' to '5', every NUL where it was */
			FILE *f = fopen(pc, "rb");
			char head[4096];
			size_t got = fread(head, 1, sizeof head, f);
			fclose(f);
			char *code = memmem(head, got, "440000015", 9);
			cr_assert_not_null(code);
			flip(pc, (long)(code - head), '4' ^ '5');
		} else {
			/* the last row's offset, a high bit: the reader does not use
			 * the offsets, only their CRC sees it */
			flip(pc, (long)st.st_size - FOOTER - 2, 0x10);
		}
		cr_expect_not(t_load_cells(&t, pc), "case %d: loaded", where);
		bool whole;
		cr_expect_eq(rows_read(pc, &whole), 300);
		cr_expect_not(whole, "case %d: whole", where);
	}
	free(pc);
	free(pt);
	free(dir);
}

/* Row i of three cells, tagged. */
static void tagged_row(struct dp_cells_writer *w, struct dp_buf *row, const char *tag, size_t i)
{
	dp_buf_reset(row);
	dp_buf_addf(row, "%s", tag);
	dp_buf_addc(row, '\0');
	dp_buf_addf(row, "%zu", i);
	dp_buf_addc(row, '\0');
	dp_buf_addf(row, "%0*zu", (int)(i % 29), i);
	dp_cells_row(w, row->s, row->len + 1);
}

/* rows [0, a), then marks times: a mark, rows taken back (taken, then half
 * as many, …) and the rewind; then rows [a, b). */
static void cells_rewound(const char *path, size_t a, size_t taken, size_t b, int marks)
{
	struct dp_buf e = DP_BUF_INIT, row = DP_BUF_INIT;
	char *tmp = dp_path_join(t_tmpdir(), "c.tmp");
	struct dp_cells_writer *w = dp_cells_create(tmp, cols, 3, &e);
	cr_assert(w, "%s", e.s);
	for (size_t i = 0; i < a; i++)
		tagged_row(w, &row, "r", i);
	for (int m = 0; m < marks; m++) {
		dp_cells_mark(w);
		for (size_t i = 0; i < taken >> m; i++)
			tagged_row(w, &row, "taken", i);
		dp_cells_rewind(w);
	}
	for (size_t i = a; i < b; i++)
		tagged_row(w, &row, "r", i);
	cr_expect_eq(dp_cells_nrows(w), b);
	cr_assert(dp_cells_commit(w, path, &e), "%s", e.s);
	dp_buf_free(&e);
	dp_buf_free(&row);
	free(tmp);
}

Test(memtab, cells_taken_back_leave_the_file_as_if_never_written)
{
	char *dir = t_tmpdir();
	/* rows taken back: past the offsets kept in memory (32 768) and many
	 * blocks; a few; none; more bytes than follow them (the file is cut);
	 * three marks in a row */
	static const size_t cases[][4] = { { 20000, 100000, 30000, 1 }, { 20000, 7, 30000, 1 },
					   { 20000, 0, 30000, 1 },      { 40000, 90000, 40001, 1 },
					   { 0, 50000, 5, 3 } };
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char *want = dp_path_join(dir, "want.cells"), *got = dp_path_join(dir, "got.cells");
		cells_rewound(want, cases[c][0], 0, cases[c][2], 0);
		cells_rewound(got, cases[c][0], cases[c][1], cases[c][2], (int)cases[c][3]);
		struct stat sw, sg;
		cr_assert(stat(want, &sw) == 0 && stat(got, &sg) == 0);
		cr_expect_eq(sg.st_size, sw.st_size, "case %zu: the file's size", c);
		FILE *fw = fopen(want, "rb"), *fg = fopen(got, "rb");
		bool same = true;
		for (int x; same && (x = getc(fw)) != EOF;)
			same = getc(fg) == x;
		fclose(fw);
		fclose(fg);
		cr_expect(same, "case %zu: other bytes", c);
		free(want);
		free(got);
	}
}

/* A row's end found eight bytes at a time (a row read without its cells)
 * is where the cells end, for cells of every length from empty to longer
 * than a word, at every position against the words and the reads of 4 MiB;
 * the same rows as a read that splits them; a last row short of a cell is
 * damage either way. */
Test(memtab, rows_found_without_their_cells_end_where_the_cells_do)
{
	static const char *const wide[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", NULL };
	char *dir = t_tmpdir();
	for (int short_last = 0; short_last < 2; short_last++) {
		char *pt = dp_path_join(dir, "w.csv.gz"), *pc = dp_path_join(dir, "w.cells"),
		     *ptmp = dp_path_join(dir, "w.cells.tmp");
		struct dp_buf e = DP_BUF_INIT, row = DP_BUF_INIT, all = DP_BUF_INIT;
		struct dp_table *t = dp_table_create(pt, 1, &e);
		struct dp_cells_writer *w = dp_cells_create(ptmp, wide, 13, &e);
		cr_assert(t && w, "%s", e.s);
		dp_table_header(t, wide);
		size_t nrows = 200000, *ends = dp_xcalloc(nrows, sizeof *ends);
		uint32_t x = 12345;
		for (size_t i = 0; i < nrows; i++) {
			dp_buf_reset(&row);
			for (size_t c = 0; c < 13; c++) {
				x = x * 1103515245u + 12345u;
				size_t n = (x >> 16) % 21; /* 0 to 20 bytes */
				char s[24];
				for (size_t k = 0; k < n; k++)
					s[k] = (char)('A' + (i + c + k) % 26);
				dp_table_put(t, s, n, false);
				if (!(short_last && i == nrows - 1 && c == 12))
					dp_buf_addz(&row, s, n);
			}
			dp_table_end_row(t);
			dp_cells_row(w, row.s, row.len);
			dp_buf_add(&all, row.s, row.len);
			ends[i] = all.len;
		}
		struct dp_table_info info;
		cr_assert(dp_table_commit(t, &info, &e), "%s", e.s);
		cr_assert(dp_cells_commit(w, pc, &e), "%s", e.s);
		for (int split = 0; split < 2; split++) {
			struct dp_cells_reader *r = t_open_cells(pc);
			cr_assert_not_null(r);
			const char *f[13], *s;
			size_t len[13], n, i = 0, wrong = 0;
			while (dp_cells_next(r, &s, &n, split ? f : NULL, split ? len : NULL)) {
				size_t from = i ? ends[i - 1] : 0;
				wrong += i >= nrows || n != ends[i] - from || memcmp(s, all.s + from, n) != 0;
				i++;
			}
			size_t whole = nrows - (size_t)short_last;
			cr_expect_eq(i, whole, "%s: %zu rows read of %zu", split ? "split" : "ends only", i, whole);
			cr_expect_eq(wrong, 0, "%s: %zu rows not where they were written", split ? "split" : "ends only", wrong);
			cr_expect_eq(dp_cells_whole(r), !short_last, "%s: a short last row is damage",
				     split ? "split" : "ends only");
			dp_cells_close(r);
		}
		free(ends);
		dp_buf_free(&e);
		dp_buf_free(&row);
		dp_buf_free(&all);
		free(pt);
		free(pc);
		free(ptmp);
	}
	free(dir);
}
