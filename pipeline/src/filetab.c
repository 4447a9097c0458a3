#include "deptperf/filetab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/csvfile.h"
#include "deptperf/table.h"
#include "deptperf/text.h"

struct dp_file_row *dp_filetab_add(struct dp_filetab *t, const char *file)
{
	DP_GROW(t->v, t->n, t->cap);
	struct dp_file_row *r = &t->v[t->n++];
	memset(r, 0, sizeof *r);
	r->file = dp_xstrdup(file);
	r->encoding = dp_xstrdup("");
	r->shape = dp_xstrdup("");
	r->status = dp_xstrdup("pending");
	return r;
}

void dp_filetab_set(char **field, const char *value)
{
	free(*field);
	*field = dp_xstrdup(value ? value : "");
}

static const char *const columns[] = { "file", "sha256", "bytes", "encoding", "shape",
				       "rows", "submissions", "status", NULL };

struct loadctx {
	struct dp_filetab *t;
	bool header;
};

static int on_row(void *ctx, const struct dp_record *r)
{
	struct loadctx *l = ctx;
	if (!l->header) {
		l->header = true;
		return 0;
	}
	if (r->n != 8)
		return 1;
	struct dp_file_row *row = dp_filetab_add(l->t, dp_text_unguard(r->f[0]));
	snprintf(row->sha256, sizeof row->sha256, "%s", r->f[1]);
	row->bytes = strtoull(r->f[2], NULL, 10);
	dp_filetab_set(&row->encoding, r->f[3]);
	dp_filetab_set(&row->shape, r->f[4]);
	row->rows = strtoull(r->f[5], NULL, 10);
	row->submissions = strtoull(r->f[6], NULL, 10);
	dp_filetab_set(&row->status, r->f[7]);
	return 0;
}

bool dp_filetab_load(struct dp_filetab *t, const char *path, struct dp_buf *err)
{
	struct loadctx l = { t, false };
	struct dp_csvfile_result res;
	dp_csvfile_read(path, DP_ENC_UTF8, false, on_row, &l, &res, err);
	if (res.status != DP_CF_OK) {
		if (res.status != DP_CF_IOERR)
			dp_buf_addf(err, "%s: damaged work file", path);
		return false;
	}
	return true;
}

bool dp_filetab_write(const struct dp_filetab *t, const char *path, int level, struct dp_table_info *info,
		      struct dp_buf *err)
{
	struct dp_table *w = dp_table_create(path, level, err);
	if (!w)
		return false;
	dp_table_header(w, columns);
	for (size_t i = 0; i < t->n; i++) {
		const struct dp_file_row *r = &t->v[i];
		dp_table_puts(w, r->file, true);
		dp_table_puts(w, r->sha256, false);
		dp_table_putu(w, r->bytes);
		dp_table_puts(w, r->encoding, false);
		dp_table_puts(w, r->shape, false);
		dp_table_putu(w, r->rows);
		dp_table_putu(w, r->submissions);
		dp_table_puts(w, r->status, false);
		dp_table_end_row(w);
	}
	return dp_table_commit(w, info, err);
}

void dp_filetab_free(struct dp_filetab *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].file);
		free(t->v[i].encoding);
		free(t->v[i].shape);
		free(t->v[i].status);
	}
	free(t->v);
	memset(t, 0, sizeof *t);
}
