/* inputs.csv.gz held in memory, read and written (filetab.h). */
#include "deptperf/filetab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/book.h"
#include "deptperf/csvfile.h"
#include "deptperf/input.h"
#include "deptperf/shape.h"
#include "deptperf/table.h"
#include "deptperf/text.h"

#define NAME_BLOCK ((size_t)1 << 20)

/* A copy of s[0..n] (its NUL too) in t's blocks. */
static const char *keep_name(struct dp_filetab *t, const char *s, size_t n)
{
	if (!t->nblocks || t->used + n + 1 > NAME_BLOCK) {
		DP_GROW(t->blocks, t->nblocks, t->capblocks);
		t->blocks[t->nblocks++] = dp_xmalloc(n + 1 > NAME_BLOCK ? n + 1 : NAME_BLOCK);
		t->used = 0;
	}
	char *p = t->blocks[t->nblocks - 1] + t->used;
	memcpy(p, s, n + 1);
	/* a name longer than a block has a block of its own: the next starts afresh */
	t->used = n + 1 > NAME_BLOCK ? NAME_BLOCK : t->used + n + 1;
	return p;
}

struct dp_file_row *dp_filetab_add(struct dp_filetab *t, const char *file)
{
	DP_GROW(t->v, t->n, t->cap);
	struct dp_file_row *r = &t->v[t->n++];
	memset(r, 0, sizeof *r);
	r->file = keep_name(t, file, strlen(file));
	r->sheet = "";
	r->encoding = r->shape = "";
	r->status = "pending";
	return r;
}

void dp_filetab_set_sheet(struct dp_filetab *t, struct dp_file_row *r, const char *sheet)
{
	r->sheet = sheet[0] ? keep_name(t, sheet, strlen(sheet)) : "";
}

static const char *const statuses[] = { "", "pending", "accepted", "partly-rejected", "rejected", "superseded",
					"skipped" };

bool dp_filetab_set(const char **field, const char *value)
{
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (strcmp(value, statuses[i]) == 0) {
			*field = statuses[i];
			return true;
		}
	/* the names input.c, book.c and shape.c write (each "" for none: a status above) */
	const char *w = dp_encoding_name(dp_encoding_from_name(value));
	if (strcmp(w, value) != 0)
		w = dp_book_kind_name(dp_book_kind_from_name(value));
	if (strcmp(w, value) != 0)
		w = dp_shape_name(dp_shape_from_name(value));
	if (strcmp(w, value) != 0)
		return false;
	*field = w;
	return true;
}

static const char *const columns[] = { "file", "sha256", "bytes", "encoding", "shape",
				       "rows", "submissions", "status", "sheet", NULL };

/* One data row of inputs.csv.gz into t; false when it is not one. */
static bool load_row(struct dp_filetab *t, const struct dp_record *r)
{
	if (r->n != 8 && r->n != 9)
		return false;
	/* the path as the disk has it (written escaped: dp_filetab_write) */
	struct dp_buf path = DP_BUF_INIT;
	dp_text_unescape(&path, dp_text_unguard(r->f[0]));
	struct dp_file_row *row = dp_filetab_add(t, dp_buf_str(&path));
	snprintf(row->sha256, sizeof row->sha256, "%s", r->f[1]);
	row->bytes = strtoull(r->f[2], NULL, 10);
	row->rows = strtoull(r->f[5], NULL, 10);
	row->submissions = strtoull(r->f[6], NULL, 10);
	if (r->n == 9) {
		dp_buf_reset(&path);
		dp_text_unescape(&path, dp_text_unguard(r->f[8]));
		dp_filetab_set_sheet(t, row, dp_buf_str(&path));
	}
	dp_buf_free(&path);
	/* a word of no row: not our table */
	return dp_filetab_set(&row->encoding, r->f[3]) && dp_filetab_set(&row->shape, r->f[4]) &&
	       dp_filetab_set(&row->status, r->f[7]);
}

/* Read with dp_rows: the inflating and parsing on a thread of its own while
 * this one keeps the rows (100 000 forms: 15 MB, most of a stage's start). */
bool dp_filetab_load(struct dp_filetab *t, const char *path, struct dp_buf *err)
{
	struct dp_rows *r = dp_rows_open(path, err);
	if (!r)
		return false;
	const struct dp_record *rec = dp_rows_next(r, err); /* the header */
	bool ok = rec != NULL;
	while (ok && (rec = dp_rows_next(r, err)))
		ok = load_row(t, rec);
	if (ok && dp_rows_failed(r))
		ok = false;
	else if (!ok && !dp_rows_failed(r))
		dp_buf_addf(err, "%s: damaged work file", path);
	dp_rows_close(r);
	return ok;
}

bool dp_filetab_write(const struct dp_filetab *t, const char *path, int level, struct dp_table_info *info,
		      struct dp_buf *err)
{
	struct dp_table *w = dp_table_create(path, level, err);
	if (!w)
		return false;
	bool sheets = false;
	for (size_t i = 0; i < t->n && !sheets; i++)
		sheets = t->v[i].sheet[0] != '\0';
	if (sheets) {
		dp_table_header(w, columns);
	} else {
		const char *eight[9];
		memcpy(eight, columns, 8 * sizeof *eight);
		eight[8] = NULL;
		dp_table_header(w, eight);
	}
	struct dp_buf name = DP_BUF_INIT;
	for (size_t i = 0; i < t->n; i++) {
		const struct dp_file_row *r = &t->v[i];
		/* a file name need not be UTF-8: written reversibly */
		dp_buf_reset(&name);
		dp_text_escape(&name, r->file, true);
		dp_table_puts(w, dp_buf_str(&name), true);
		dp_table_puts(w, r->sha256, false);
		dp_table_putu(w, r->bytes);
		dp_table_puts(w, r->encoding, false);
		dp_table_puts(w, r->shape, false);
		dp_table_putu(w, r->rows);
		dp_table_putu(w, r->submissions);
		dp_table_puts(w, r->status, false);
		if (sheets) {
			dp_buf_reset(&name);
			dp_text_escape(&name, r->sheet, true);
			dp_table_puts(w, dp_buf_str(&name), true);
		}
		dp_table_end_row(w);
	}
	dp_buf_free(&name);
	return dp_table_commit(w, info, err);
}

void dp_filetab_free(struct dp_filetab *t)
{
	for (size_t i = 0; i < t->nblocks; i++)
		free(t->blocks[i]);
	free(t->blocks);
	free(t->v);
	memset(t, 0, sizeof *t);
}
