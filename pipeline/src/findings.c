#include "deptperf/findings.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/csvfile.h"
#include "deptperf/table.h"
#include "deptperf/text.h"

static char *dup0(const char *s)
{
	return dp_xstrdup(s ? s : "");
}

static void push(struct dp_findings *fs, struct dp_finding *f)
{
	DP_GROW(fs->v, fs->n, fs->cap);
	fs->v[fs->n++] = *f;
	if (f->error)
		fs->errors++;
	else
		fs->warnings++;
}

void dp_findings_add(struct dp_findings *fs, const char *code, const char *file, uint64_t line,
		     const char *dept_code, const char *fiscal_year, const char *field, const char *value,
		     const char *fmt, ...)
{
	struct dp_finding f;
	f.error = code[0] == 'E';
	f.code = dup0(code);
	f.file = dup0(file);
	f.line = line;
	f.dept_code = dup0(dept_code);
	f.fiscal_year = dup0(fiscal_year);
	f.field = dup0(field);
	f.value = dup0(value);
	struct dp_buf b = DP_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	dp_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	f.message = dp_buf_detach(&b);
	push(fs, &f);
}

void dp_findings_move(struct dp_findings *dst, struct dp_findings *src)
{
	for (size_t i = 0; i < src->n; i++)
		push(dst, &src->v[i]);
	free(src->v);
	memset(src, 0, sizeof *src);
}

void dp_findings_set_key(struct dp_findings *fs, size_t from, const char *dept_code, const char *fiscal_year)
{
	for (size_t i = from; i < fs->n; i++) {
		if (!fs->v[i].dept_code[0] && dept_code) {
			free(fs->v[i].dept_code);
			fs->v[i].dept_code = dup0(dept_code);
		}
		if (!fs->v[i].fiscal_year[0] && fiscal_year) {
			free(fs->v[i].fiscal_year);
			fs->v[i].fiscal_year = dup0(fiscal_year);
		}
	}
}

static int cmp(const void *a, const void *b)
{
	const struct dp_finding *x = a, *y = b;
	int c = strcmp(x->file, y->file);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if ((c = strcmp(x->code, y->code)) || (c = strcmp(x->field, y->field)) ||
	    (c = strcmp(x->dept_code, y->dept_code)) || (c = strcmp(x->fiscal_year, y->fiscal_year)) ||
	    (c = strcmp(x->value, y->value)))
		return c;
	return strcmp(x->message, y->message);
}

static const char *const columns[] = { "severity", "code", "file", "line", "dept_code", "fiscal_year",
				       "field", "value", "message", NULL };

struct loadctx {
	struct dp_findings *fs;
	bool header;
};

static int on_row(void *ctx, const struct dp_record *r)
{
	struct loadctx *l = ctx;
	if (!l->header) {
		l->header = true;
		return 0;
	}
	if (r->n != 9)
		return 1;
	struct dp_finding f;
	f.error = strcmp(r->f[0], "error") == 0;
	f.code = dup0(r->f[1]);
	f.file = dup0(dp_text_unguard(r->f[2]));
	f.line = strtoull(r->f[3], NULL, 10);
	f.dept_code = dup0(r->f[4]);
	f.fiscal_year = dup0(r->f[5]);
	f.field = dup0(r->f[6]);
	/* values were written with a formula guard; keep them as written */
	f.value = dup0(r->f[7]);
	f.message = dup0(r->f[8]);
	push(l->fs, &f);
	return 0;
}

bool dp_findings_load(struct dp_findings *fs, const char *path, struct dp_buf *err)
{
	struct loadctx l = { fs, false };
	struct dp_csvfile_result res;
	struct dp_buf e = DP_BUF_INIT;
	dp_csvfile_read(path, DP_ENC_UTF8, false, on_row, &l, &res, &e);
	bool ok = res.status == DP_CF_OK || (res.status == DP_CF_IOERR && !l.header);
	if (!ok)
		dp_buf_addf(err, "%s: damaged work file (%s)", path, e.len ? e.s : "bad row");
	dp_buf_free(&e);
	return ok;
}

bool dp_findings_write(struct dp_findings *fs, const char *path, int level, struct dp_table_info *info,
		       struct dp_buf *err)
{
	dp_qsort(fs->v, fs->n, sizeof *fs->v, cmp);
	struct dp_table *t = dp_table_create(path, level, err);
	if (!t)
		return false;
	dp_table_header(t, columns);
	for (size_t i = 0; i < fs->n; i++) {
		const struct dp_finding *f = &fs->v[i];
		dp_table_puts(t, f->error ? "error" : "warning", false);
		dp_table_puts(t, f->code, false);
		dp_table_puts(t, f->file, true);
		if (f->line)
			dp_table_putu(t, f->line);
		else
			dp_table_empty(t);
		dp_table_puts(t, f->dept_code, true);
		dp_table_puts(t, f->fiscal_year, true);
		dp_table_puts(t, f->field, false);
		/* a value already guarded keeps its single quote */
		dp_table_puts(t, f->value, f->value[0] != '\'');
		dp_table_puts(t, f->message, true);
		dp_table_end_row(t);
	}
	return dp_table_commit(t, info, err);
}

void dp_findings_free(struct dp_findings *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		struct dp_finding *f = &fs->v[i];
		free(f->code);
		free(f->file);
		free(f->dept_code);
		free(f->fiscal_year);
		free(f->field);
		free(f->value);
		free(f->message);
	}
	free(fs->v);
	memset(fs, 0, sizeof *fs);
}
