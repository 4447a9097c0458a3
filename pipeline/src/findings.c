/* The findings of a stage: added, merged, sorted, written (findings.h). */
#include "deptperf/findings.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/csvfile.h"
#include "deptperf/table.h"
#include "deptperf/text.h"

/* A finding's strings in one allocation (the block starts at f->code): a run
 * may hold hundreds of thousands of warnings, and seven mallocs each would
 * double their memory. */
static void pack(struct dp_finding *f, const char *code, const char *file, const char *dept, const char *year,
		 const char *field, const char *value, const char *msg)
{
	const char *src[7] = { code, file, dept, year, field, value, msg };
	size_t len[7], total = 0;
	for (int i = 0; i < 7; i++) {
		if (!src[i])
			src[i] = "";
		len[i] = strlen(src[i]) + 1;
		total = dp_st_add(total, len[i]);
	}
	char *p = dp_xmalloc(total);
	char **dst[7] = { &f->code, &f->file, &f->dept_code, &f->fiscal_year, &f->field, &f->value, &f->message };
	for (int i = 0; i < 7; i++) {
		memcpy(p, src[i], len[i]);
		*dst[i] = p;
		p += len[i];
	}
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

void dp_findings_add(struct dp_findings *fs, enum dp_code code, const char *file, uint64_t line,
		     const char *dept_code, const char *fiscal_year, const char *field, const char *value,
		     const char *fmt, ...)
{
	const struct dp_code_info *info = dp_code_info(code);
	struct dp_finding f;
	f.error = info->error;
	f.line = line;
	struct dp_buf b = DP_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	dp_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	/* every cell valid UTF-8: a path that is not (a file name from the
	 * disk, quoted in a message too) is escaped as inputs.csv.gz has it */
	const char *src[4] = { file, field, value, dp_buf_str(&b) };
	struct dp_buf esc[4] = { DP_BUF_INIT, DP_BUF_INIT, DP_BUF_INIT, DP_BUF_INIT };
	for (int i = 0; i < 4; i++) {
		if (src[i] && (!dp_utf8_valid(src[i], strlen(src[i]), NULL) || (i == 0 && strchr(src[i], '\\')))) {
			dp_text_escape(&esc[i], src[i], i == 0);
			src[i] = dp_buf_str(&esc[i]);
		}
	}
	pack(&f, info->code, src[0], dept_code, fiscal_year, src[1], src[2], src[3]);
	for (int i = 0; i < 4; i++)
		dp_buf_free(&esc[i]);
	dp_buf_free(&b);
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
		struct dp_finding *f = &fs->v[i];
		if ((f->dept_code[0] || !dept_code) && (f->fiscal_year[0] || !fiscal_year))
			continue;
		char *old = f->code;
		pack(f, f->code, f->file, f->dept_code[0] ? f->dept_code : dept_code,
		     f->fiscal_year[0] ? f->fiscal_year : fiscal_year, f->field, f->value, f->message);
		free(old);
	}
}

void dp_findings_prefix(struct dp_findings *fs, size_t i, const char *file, const char *prefix)
{
	struct dp_finding *f = &fs->v[i];
	struct dp_buf m = DP_BUF_INIT;
	dp_buf_adds(&m, prefix);
	dp_buf_adds(&m, f->message);
	char *old = f->code;
	pack(f, f->code, file ? file : f->file, f->dept_code, f->fiscal_year, f->field, f->value, m.s);
	free(old);
	dp_buf_free(&m);
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
	f.line = strtoull(r->f[3], NULL, 10);
	/* values were written with a formula guard; keep them as written */
	pack(&f, r->f[1], dp_text_unguard(r->f[2]), r->f[4], r->f[5], r->f[6], r->f[7], r->f[8]);
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
		dp_table_puts(t, f->field, true); /* an unknown label is input text */
		/* a value already guarded keeps its single quote */
		dp_table_puts(t, f->value, f->value[0] != '\'');
		dp_table_puts(t, f->message, true);
		dp_table_end_row(t);
	}
	return dp_table_commit(t, info, err);
}

void dp_findings_free(struct dp_findings *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		free(fs->v[i].code); /* the block of all its strings */
	free(fs->v);
	memset(fs, 0, sizeof *fs);
}
