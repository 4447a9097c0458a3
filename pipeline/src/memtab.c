#include "deptperf/memtab.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deptperf/csvfile.h"
#include "deptperf/text.h"

bool dp_memtab_load(struct dp_memtab *t, const char *path, bool optional, struct dp_buf *err)
{
	memset(t, 0, sizeof *t);
	if (optional && access(path, F_OK) != 0)
		return true;
	struct dp_rows *r = dp_rows_open(path, err);
	if (!r)
		return false;
	const struct dp_record *rec = dp_rows_next(r, err);
	if (!rec) {
		dp_rows_close(r);
		dp_buf_addf(err, "%s: empty work file", path);
		return false;
	}
	t->ncols = rec->n;
	t->cols = dp_xcalloc(rec->n, sizeof *t->cols);
	for (size_t i = 0; i < rec->n; i++)
		t->cols[i] = dp_xstrdup(rec->f[i]);
	while ((rec = dp_rows_next(r, err))) {
		if (t->nrows >= t->caprows) {
			t->caprows = t->caprows ? dp_st_mult(t->caprows, 2) : 1024;
			t->row_off = dp_xrealloc(t->row_off, dp_st_mult(t->caprows, sizeof *t->row_off));
		}
		size_t row = t->nrows++;
		t->row_off[row] = t->arena.len;
		for (size_t c = 0; c < t->ncols; c++) {
			/* a NUL inside a cell would shift the cells after it */
			size_t n = c < rec->n ? strnlen(rec->f[c], rec->len[c]) : 0;
			dp_buf_addz(&t->arena, rec->f[c < rec->n ? c : 0], n);
		}
	}
	bool ok = !dp_rows_failed(r);
	dp_rows_close(r);
	return ok;
}

/* The cell after the one at p.  Most cells are a few bytes or empty, too
 * short for a call to rawmemchr to pay (dp-aggregate at 1 000 000: 47 ->
 * 41 s of CPU with this loop). */
static inline const char *next_cell(const char *p)
{
	while (*p)
		p++;
	return p + 1;
}

const char *dp_memtab_raw(const struct dp_memtab *t, size_t row, size_t col)
{
	if (row >= t->nrows || col >= t->ncols)
		return "";
	const char *p = t->arena.s + t->row_off[row];
	for (size_t c = 0; c < col; c++)
		p = next_cell(p);
	return p;
}

void dp_memtab_split(const struct dp_memtab *t, size_t row, const char **cells)
{
	const char *p = t->arena.s + t->row_off[row];
	for (size_t c = 0; c < t->ncols; c++) {
		cells[c] = p;
		p = next_cell(p);
	}
}

const char *dp_memtab_cell(const struct dp_memtab *t, size_t row, size_t col)
{
	return dp_text_unguard(dp_memtab_raw(t, row, col));
}

int dp_memtab_col(const struct dp_memtab *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return (int)i;
	return -1;
}

void dp_memtab_free(struct dp_memtab *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	free(t->cols);
	free(t->row_off);
	dp_buf_free(&t->arena);
	memset(t, 0, sizeof *t);
}
