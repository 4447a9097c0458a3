/* dp-normalize: turn every record of every readable input file into
 * canonical department and special-fund rows (SPEC §2.2–2.3, §3).
 *
 * Files are streamed one record at a time: a form's facts are held until its
 * end (at most 10 000 rows); a bulk row is written as soon as it is read, or,
 * with more than one thread, once the batch it is in has been normalized on
 * every core (see "bulk rows in parallel").
 * Beside the §6 tables it writes the departments' cells for dp-validate
 * (departments.cells, memtab.h) and two work files whose rows match the
 * tables one to one: subs.csv.gz (where each submission came from: its
 * file's row in inputs.csv.gz and its line; how many errors it has) and
 * fundsrc.csv.gz (the same for each fund).  See docs/work-files.md. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/csvfile.h"
#include "deptperf/fields.h"
#include "deptperf/filetab.h"
#include "deptperf/findings.h"
#include "deptperf/input.h"
#include "deptperf/memtab.h"
#include "deptperf/recbatch.h"
#include "deptperf/rules.h"
#include "deptperf/shape.h"
#include "deptperf/progress.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"
#include "deptperf/table.h"
#include "deptperf/text.h"
#include "deptperf/value.h"

#define MAX_FORM_ROWS 10000

enum { FUND_ALLOC, FUND_SPENT, FUND_SELFEVAL, FUND_NVALS };

struct fund {
	struct dp_buf name;
	struct dp_buf val[FUND_NVALS];
	uint64_t line;
	size_t errors;
	bool bad[FUND_NVALS];
};

/* One submission (or one bulk fund row) being assembled. */
struct sub {
	size_t nfields;
	struct dp_buf *val;
	uint64_t *line_of;
	bool *bad;
	size_t errors;
	size_t findings_from;
	uint64_t line;
	struct fund *funds;
	size_t nfunds, capfunds;
};

/* Departments' rows as cells (memtab.h), beside their CSV rows: each row's
 * cells NUL-terminated in text, and where each row ends. */
struct cellrows {
	struct dp_buf text;
	size_t *end;
	size_t n, cap;
};

struct writers {
	struct dp_table *dept, *subs, *funds, *fundsrc;
	struct cellrows *dcells;          /* the departments' cells being made */
	struct dp_cells_writer *cells;    /* departments.cells, or NULL (a job's, or none) */
	int *cols;
	unsigned char *put; /* per column: how its cells are written (enum put) */
	size_t ncols;
	uint64_t next_sub;
};

struct ctx {
	const struct dp_dict *dict;
	struct dp_findings *fs;
	struct writers *w;
	const char *file;
	size_t file_no;          /* its row in inputs.csv.gz, which subs and fundsrc name it by */
	const char *expect_shape; /* the shape dp-ingest gave it */
	bool shape_changed;      /* its header is not of that shape (reading stopped) */
	enum dp_shape shape;
	struct dp_header hdr;
	bool header_seen;
	struct sub s;
	uint64_t rows, submissions, rejected;
	uint64_t fund_rows, funds_rejected;
	bool form_too_long;
	struct dp_buf out, why, shown; /* scratch, reused for every value */
	struct bulk_batch *batch;      /* bulk rows go here to be normalized in parallel; NULL: at once */
};

static void sub_init(struct sub *s, size_t nfields)
{
	memset(s, 0, sizeof *s);
	s->nfields = nfields;
	s->val = dp_xcalloc(nfields, sizeof *s->val);
	s->line_of = dp_xcalloc(nfields, sizeof *s->line_of);
	s->bad = dp_xcalloc(nfields, sizeof *s->bad);
}

static void fund_clear(struct fund *f)
{
	dp_buf_free(&f->name);
	for (int i = 0; i < FUND_NVALS; i++)
		dp_buf_free(&f->val[i]);
}

static void sub_reset(struct sub *s, size_t findings_from)
{
	for (size_t i = 0; i < s->nfields; i++)
		dp_buf_reset(&s->val[i]);
	memset(s->line_of, 0, s->nfields * sizeof *s->line_of);
	memset(s->bad, 0, s->nfields * sizeof *s->bad);
	for (size_t i = 0; i < s->nfunds; i++)
		fund_clear(&s->funds[i]);
	s->nfunds = 0;
	s->errors = 0;
	s->line = 0;
	s->findings_from = findings_from;
}

static void sub_free(struct sub *s)
{
	sub_reset(s, 0);
	for (size_t i = 0; i < s->nfields; i++)
		dp_buf_free(&s->val[i]);
	free(s->val);
	free(s->line_of);
	free(s->bad);
	free(s->funds);
}

static struct fund *fund_get(struct sub *s, const char *name, uint64_t line)
{
	for (size_t i = 0; i < s->nfunds; i++)
		if (strcmp(dp_buf_str(&s->funds[i].name), name) == 0)
			return &s->funds[i];
	DP_GROW(s->funds, s->nfunds, s->capfunds);
	struct fund *f = &s->funds[s->nfunds++];
	memset(f, 0, sizeof *f);
	dp_buf_adds(&f->name, name);
	f->line = line;
	return f;
}

static const char *dept_code(const struct sub *s)
{
	return dp_buf_str(&s->val[DP_F_DEPT_CODE]);
}

static const char *fiscal_year(const struct sub *s)
{
	return dp_buf_str(&s->val[DP_F_FISCAL_YEAR]);
}

/* True when a value would conflict with one already given (E-CONFLICT
 * needs the raw text shown). */
static bool dst_conflicts(const struct ctx *c, int fi, const struct dp_buf *out)
{
	if (fi == DP_F_FUND_ALLOC || fi == DP_F_FUND_SPENT || fi == DP_F_FUND_SELFEVAL)
		return c->shape == DP_SHAPE_FORM; /* rare enough: always keep it */
	const struct dp_buf *dst = &c->s.val[fi];
	return out->len && dst->len && strcmp(dst->s, out->s) != 0;
}

/* Stores one value of field fi (f, its definition), read on line,
 * reporting what is wrong. */
static void set_value(struct ctx *c, int fi, const struct dp_field *f, const char *raw, size_t n,
		      const struct dp_unit_hint *hint, uint64_t line, const char *item)
{
	struct sub *s = &c->s;
	struct dp_buf *out = &c->out, *why = &c->why, *shown = &c->shown;
	int fund_slot = fi == DP_F_FUND_ALLOC ? FUND_ALLOC : fi == DP_F_FUND_SPENT ? FUND_SPENT :
			fi == DP_F_FUND_SELFEVAL ? FUND_SELFEVAL : -1;
	dp_buf_reset(why);
	if (c->shape != DP_SHAPE_FORM && !s->val[fi].len) {
		/* a bulk row's field given once, as nearly all are: normalized in
		 * its place, with nothing to compare it with */
		struct dp_buf *dst = &s->val[fi];
		enum dp_code code = dp_value_norm(f, raw, n, hint, dst, why);
		if (!code) {
			if (dst->len && fund_slot < 0)
				s->line_of[fi] = line;
			return;
		}
		dp_buf_reset(dst); /* and again below, for the finding */
		dp_buf_reset(why);
	}
	enum dp_code code = dp_value_norm(f, raw, n, hint, out, why);
	dp_buf_reset(shown);
	if (code || dst_conflicts(c, fi, out)) {
		dp_buf_add(shown, raw, dp_utf8_prefix(raw, n, 200));
		if (n > 200)
			dp_buf_adds(shown, "…");
	}

	struct dp_buf *dst = NULL;
	bool *bad = NULL;
	size_t *errors = &s->errors;
	if (fund_slot >= 0 && c->shape == DP_SHAPE_FORM) {
		struct fund *fu = fund_get(s, item ? item : "", line);
		dst = &fu->val[fund_slot];
		bad = &fu->bad[fund_slot];
		errors = &fu->errors;
	} else {
		dst = &s->val[fi];
		bad = &s->bad[fi];
	}
	if (code) {
		dp_findings_add(c->fs, code, c->file, line, NULL, NULL, f->code, shown->s, "%s", why->s);
		(*errors)++;
		*bad = true;
	} else if (out->len) {
		if (dst->len && strcmp(dst->s, out->s) != 0) {
			dp_findings_add(c->fs, DP_E_CONFLICT, c->file, line, NULL, NULL, f->code, shown->s,
					"%s 填写了两次且不一致：先为“%s”，此处为“%s”，请只保留正确的一个", f->label,
					dst->s, out->s);
			(*errors)++;
			*bad = true;
		} else if (!dst->len) {
			dp_buf_add(dst, out->s, out->len);
			if (fund_slot < 0)
				s->line_of[fi] = line;
		}
	}
}

static void unknown_label(struct ctx *c, const char *label, uint64_t line)
{
	const char *near = dp_dict_suggest(c->dict, label);
	if (near)
		dp_findings_add(c->fs, DP_W_FIELD_UNKNOWN, c->file, line, NULL, NULL, label, NULL,
				"未知字段“%s”，已忽略；是否应为“%s”？", label, near);
	else
		dp_findings_add(c->fs, DP_W_FIELD_UNKNOWN, c->file, line, NULL, NULL, label, NULL,
				"未知字段“%s”，已忽略；字段名称见字段字典（docs/fields.md）", label);
}

static void bad_fields(struct dp_buf *b, const struct dp_dict *d, const bool *bad, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (bad[i])
			dp_buf_addf(b, "%s%s", b->len ? ";" : "", dp_dict_field(d, i)->code);
}

/* How a departments column's cells are written: as text, as text to guard
 * (dp_field_is_guarded), or as they are (numbers and dates this stage
 * formatted, which need neither quotes nor a guard: not scanned for them). */
enum put { PUT_TEXT, PUT_GUARD, PUT_PLAIN };

/* A buffer's text as a cell, with the length it knows. */
static void put_buf(struct dp_table *t, const struct dp_buf *b, bool guard)
{
	dp_table_put(t, b->len ? b->s : "", b->len, guard);
}

static void write_fund(struct ctx *c, const char *year, const char *code, struct fund *fu, uint64_t sub_id,
		       bool from_form)
{
	struct writers *w = c->w;
	dp_table_puts(w->funds, year, true);
	dp_table_puts(w->funds, code, true);
	put_buf(w->funds, &fu->name, true);
	for (int i = 0; i < FUND_NVALS; i++)
		put_buf(w->funds, &fu->val[i], false);
	dp_table_end_row(w->funds);
	dp_table_putu(w->fundsrc, c->file_no);
	dp_table_putu(w->fundsrc, fu->line);
	dp_table_puts(w->fundsrc, dp_shape_name(c->shape), false);
	if (from_form)
		dp_table_putu(w->fundsrc, sub_id);
	else
		dp_table_empty(w->fundsrc);
	dp_table_putu(w->fundsrc, fu->errors);
	struct dp_buf b = DP_BUF_INIT;
	static const int fids[FUND_NVALS] = { DP_F_FUND_ALLOC, DP_F_FUND_SPENT, DP_F_FUND_SELFEVAL };
	for (int i = 0; i < FUND_NVALS; i++)
		if (fu->bad[i])
			dp_buf_addf(&b, "%s%s", b.len ? ";" : "", dp_dict_field(c->dict, (size_t)fids[i])->code);
	dp_table_puts(w->fundsrc, dp_buf_str(&b), false);
	dp_table_end_row(w->fundsrc);
	dp_buf_free(&b);
}

/* Appends the rows of cr to w (when there is one) and empties cr. */
static void cells_move(struct dp_cells_writer *w, struct cellrows *cr)
{
	size_t at = 0;
	for (size_t i = 0; w && i < cr->n; i++) {
		dp_cells_row(w, cr->text.s + at, cr->end[i] - at);
		at = cr->end[i];
	}
	dp_buf_reset(&cr->text);
	cr->n = 0;
}

static void cellrows_free(struct cellrows *cr)
{
	if (!cr)
		return;
	dp_buf_free(&cr->text);
	free(cr->end);
	free(cr);
}

/* Writes the submission being assembled and starts a new one. */
static void emit_sub(struct ctx *c)
{
	struct sub *s = &c->s;
	struct writers *w = c->w;
	uint64_t id = w->next_sub++;
	for (size_t i = 0; i < s->nfunds; i++)
		s->errors += s->funds[i].errors;
	dp_findings_set_key(c->fs, s->findings_from, dept_code(s), fiscal_year(s));
	struct cellrows *cr = w->dcells;
	for (size_t k = 0; k < w->ncols; k++) {
		const struct dp_buf *v = &s->val[w->cols[k]];
		const char *t = v->len ? v->s : "";
		if (w->put[k] == PUT_PLAIN)
			dp_table_put_plain(w->dept, t, v->len);
		else
			put_buf(w->dept, v, w->put[k] == PUT_GUARD);
		/* the cell as parsing the CSV field gives it back */
		if (w->put[k] == PUT_GUARD && dp_text_needs_guard(t, v->len))
			dp_buf_addc(&cr->text, '\'');
		dp_buf_addz(&cr->text, t, v->len);
	}
	dp_table_end_row(w->dept);
	DP_GROW(cr->end, cr->n, cr->cap);
	cr->end[cr->n++] = cr->text.len;
	if (w->cells)
		cells_move(w->cells, cr);
	dp_table_putu(w->subs, id);
	dp_table_putu(w->subs, c->file_no);
	dp_table_putu(w->subs, s->line);
	dp_table_puts(w->subs, dp_shape_name(c->shape), false);
	dp_table_putu(w->subs, s->errors);
	struct dp_buf b = DP_BUF_INIT;
	bad_fields(&b, c->dict, s->bad, s->nfields);
	dp_table_puts(w->subs, dp_buf_str(&b), false);
	/* a form's facts each have their line: findings on a field point to it.
	 * Fields on consecutive lines are one run, first-last:line (a form
	 * lists most of its fields in the dictionary's order: 213 bytes a form
	 * as single pairs, a third of that as runs) */
	dp_buf_reset(&b);
	if (c->shape == DP_SHAPE_FORM)
		for (size_t i = 0; i < s->nfields; i++) {
			if (!s->line_of[i])
				continue;
			size_t last = i;
			while (last + 1 < s->nfields && s->line_of[last + 1] == s->line_of[last] + 1)
				last++;
			if (b.len)
				dp_buf_addc(&b, ';');
			dp_buf_addu(&b, i);
			if (last > i) {
				dp_buf_addc(&b, '-');
				dp_buf_addu(&b, last);
			}
			dp_buf_addc(&b, ':');
			dp_buf_addu(&b, s->line_of[i]);
			i = last;
		}
	dp_table_puts(w->subs, dp_buf_str(&b), false);
	dp_table_end_row(w->subs);
	dp_buf_free(&b);
	for (size_t i = 0; i < s->nfunds; i++) {
		write_fund(c, fiscal_year(s), dept_code(s), &s->funds[i], id, true);
		c->fund_rows++;
	}
	c->submissions++;
	if (s->errors)
		c->rejected++;
	sub_reset(s, c->fs->n);
}

static void emit_bulk_fund(struct ctx *c)
{
	struct sub *s = &c->s;
	struct fund fu;
	memset(&fu, 0, sizeof fu);
	dp_buf_adds(&fu.name, dp_buf_str(&s->val[DP_F_FUND_NAME]));
	static const int fids[FUND_NVALS] = { DP_F_FUND_ALLOC, DP_F_FUND_SPENT, DP_F_FUND_SELFEVAL };
	for (int i = 0; i < FUND_NVALS; i++) {
		dp_buf_adds(&fu.val[i], dp_buf_str(&s->val[fids[i]]));
		fu.bad[i] = s->bad[fids[i]];
	}
	fu.line = s->line;
	fu.errors = s->errors;
	dp_findings_set_key(c->fs, s->findings_from, dept_code(s), fiscal_year(s));
	write_fund(c, fiscal_year(s), dept_code(s), &fu, 0, false);
	fund_clear(&fu);
	c->fund_rows++;
	if (s->errors)
		c->funds_rejected++;
	sub_reset(s, c->fs->n);
}

static void header_warnings(struct ctx *c, uint64_t line)
{
	for (size_t j = 0; j < c->hdr.ncols; j++) {
		if (c->hdr.field[j] < 0 && c->hdr.label[j][0])
			unknown_label(c, c->hdr.label[j], line);
		if (c->shape == DP_SHAPE_BULK_DEPT && c->hdr.field[j] >= DP_F_FUND_NAME &&
		    c->hdr.field[j] <= DP_F_FUND_SELFEVAL)
			dp_findings_add(c->fs, DP_W_FIELD_UNKNOWN, c->file, line, NULL, NULL, c->hdr.label[j], NULL,
					"批量部门表中的专项资金列“%s”已忽略：专项资金请用专项资金表（含 专项资金名称、部门代码、年度）提交",
					c->hdr.label[j]);
	}
}

static int on_form_row(struct ctx *c, const struct dp_record *r)
{
	if (c->rows > MAX_FORM_ROWS) {
		if (!c->form_too_long) {
			c->form_too_long = true;
			c->s.errors++;
			dp_findings_add(c->fs, DP_E_TOO_LONG, c->file, r->line, NULL, NULL, NULL, NULL,
					"单户表超过 10000 行，第 %llu 行起未读取：请检查是否把批量数据误存为单户表",
					(unsigned long long)r->line);
		}
		return 0;
	}
	const struct dp_header *h = &c->hdr;
	const char *label_raw = (size_t)h->col_field < r->n ? r->f[h->col_field] : "";
	size_t label_n = (size_t)h->col_field < r->n ? r->len[h->col_field] : 0;
	const char *value = (size_t)h->col_value < r->n ? r->f[h->col_value] : "";
	size_t value_n = (size_t)h->col_value < r->n ? r->len[h->col_value] : 0;
	struct dp_unit_hint hint = { 0 };
	if (h->col_unit >= 0 && (size_t)h->col_unit < r->n && r->len[h->col_unit])
		hint = (struct dp_unit_hint){ .text = r->f[h->col_unit], .len = r->len[h->col_unit] };
	struct dp_buf label = DP_BUF_INIT, item = DP_BUF_INIT;
	dp_text_norm(&label, label_raw, label_n, true);
	/* the item groups rows into one fund: its full-width forms are folded so
	 * that 专项１ and 专项1 are one fund */
	if (h->col_item >= 0 && (size_t)h->col_item < r->n)
		dp_text_norm(&item, r->f[h->col_item], r->len[h->col_item], true);
	if (label_n > DP_MAX_FIELD_BYTES) {
		c->s.errors++;
		dp_findings_add(c->fs, DP_E_TOO_LONG, c->file, r->line, NULL, NULL, NULL, NULL,
				"字段名长 %zu 字节，超过上限 4096 字节", label_n);
	} else if (!label.len) {
		dp_findings_add(c->fs, DP_W_FIELD_UNKNOWN, c->file, r->line, NULL, NULL, NULL, NULL,
				"第 %llu 行没有字段名，已忽略", (unsigned long long)r->line);
	} else {
		int fi = dp_dict_find(c->dict, label.s);
		if (fi < 0)
			unknown_label(c, label.s, r->line);
		else if (fi == DP_F_FUND_NAME) {
			struct dp_buf v = DP_BUF_INIT;
			dp_text_norm(&v, value, value_n, false);
			fund_get(&c->s, item.len ? item.s : dp_buf_str(&v), r->line);
			dp_buf_free(&v);
		}
		else
			set_value(c, fi, dp_dict_field(c->dict, (size_t)fi), value, value_n, &hint, r->line,
				  item.len ? item.s : NULL);
	}
	dp_buf_free(&label);
	dp_buf_free(&item);
	return 0;
}

static int on_bulk_row(struct ctx *c, const struct dp_record *r)
{
	struct sub *s = &c->s;
	s->line = r->line;
	const struct dp_header *h = &c->hdr;
	if (r->n > h->ncols) {
		size_t extra = 0;
		for (size_t j = h->ncols; j < r->n; j++)
			extra += r->len[j] != 0;
		if (extra)
			dp_findings_add(c->fs, DP_W_FIELD_UNKNOWN, c->file, r->line, NULL, NULL, NULL, NULL,
					"该行比表头多 %zu 个非空单元格，多出的内容已忽略", extra);
	}
	for (size_t j = 0; j < r->n && j < h->ncols; j++) {
		int fi = h->field[j];
		if (fi < 0) {
			if (r->len[j] > DP_MAX_FIELD_BYTES) {
				s->errors++;
				dp_findings_add(c->fs, DP_E_TOO_LONG, c->file, r->line, NULL, NULL, h->label[j], NULL,
						"“%s”列的内容长 %zu 字节，超过上限 4096 字节", h->label[j], r->len[j]);
			}
			continue;
		}
		const struct dp_field *f = dp_dict_field(c->dict, (size_t)fi);
		if (c->shape == DP_SHAPE_BULK_DEPT && f->group == DP_FG_FUND)
			continue;
		if (c->shape == DP_SHAPE_BULK_FUND && f->group == DP_FG_DEPT && fi != DP_F_DEPT_CODE &&
		    fi != DP_F_FISCAL_YEAR)
			continue; /* e.g. 部门名称 beside the code, for the reader */
		set_value(c, fi, f, r->f[j], r->len[j], &h->hint[j], r->line, NULL);
	}
	if (c->shape == DP_SHAPE_BULK_FUND)
		emit_bulk_fund(c);
	else
		emit_sub(c);
	return 0;
}

/* ---- bulk rows in parallel ----
 *
 * A bulk file is parsed by one thread, but its rows, each a submission or a
 * fund of its own, are normalized by all: the records are copied into a
 * batch, a full batch is cut into slices normalized as OpenMP tasks into
 * memory tables and findings of their own (as a form is), and the slices
 * are appended in order.  The rows, ids and findings are those one thread
 * gives.  There are two batches: the reading thread fills one while the
 * tasks work on the other.  Memory: two batches and their slices' rows,
 * whatever the file's size. */

#define BATCH_BYTES ((size_t)1 << 20)
#define BATCH_ROWS 4096
#define SLICES 8

struct file_job;

struct half {
	struct dp_recbatch rows;
	uint64_t base;         /* the id of its first submission */
	bool busy;             /* handed to tasks, not yet appended */
	struct file_job *jobs; /* one per slice */
};

struct bulk_batch {
	struct half h[2];
	int cur;               /* the one being filled */
};

static void bulk_flush(struct ctx *c);
static void bulk_finish(struct ctx *c);

static int on_record(void *vctx, const struct dp_record *r)
{
	struct ctx *c = vctx;
	if (!c->header_seen) {
		c->header_seen = true;
		c->shape = dp_header_parse(c->dict, r, &c->hdr);
		c->s.line = r->line;
		if (c->shape != DP_SHAPE_FORM)
			header_warnings(c, r->line);
		c->s.findings_from = c->fs->n;
		/* another shape than dp-ingest saw: the file changed since (and
		 * its rows would go to tables its stream did not mark) */
		c->shape_changed = strcmp(dp_shape_name(c->shape), c->expect_shape) != 0;
		return c->shape_changed ? 2 : 0;
	}
	c->rows++;
	if (c->shape == DP_SHAPE_FORM)
		return on_form_row(c, r);
	if (!c->batch)
		return on_bulk_row(c, r);
	struct dp_recbatch *rows = &c->batch->h[c->batch->cur].rows;
	dp_recbatch_add(rows, r);
	if (rows->nrec >= BATCH_ROWS || rows->bytes.len >= BATCH_BYTES)
		bulk_flush(c);
	return 0;
}

static const char *const sub_cols[] = { "sub", "file", "line", "shape", "errors", "bad_fields", "field_lines", NULL };
static const char *const fund_cols[] = { "fiscal_year", "dept_code", "fund_name", "fund_alloc",
					 "fund_spent", "fund_selfeval", NULL };
static const char *const fundsrc_cols[] = { "file", "line", "shape", "sub", "errors", "bad_fields", NULL };

static bool open_writers(const struct dp_stage_opts *o, const struct dp_dict *dict, struct writers *w,
			 struct dp_buf *err)
{
	memset(w, 0, sizeof *w);
	static const char *names[4] = { "departments.csv.gz", "subs.csv.gz", "special_funds.csv.gz",
					"fundsrc.csv.gz" };
	struct dp_table **t[4] = { &w->dept, &w->subs, &w->funds, &w->fundsrc };
	for (int i = 0; i < 4; i++) {
		char *p = dp_path_join(o->work, names[i]);
		*t[i] = dp_table_create(p, i == 0 ? DP_CELLS_TABLE_LEVEL : DP_NORMALIZED_LEVEL, err);
		free(p);
		if (!*t[i])
			return false;
		dp_table_crc_only(*t[i]); /* (work tables: no one reads their SHA-256) */
	}
	w->dcells = dp_xcalloc(1, sizeof *w->dcells);
	w->cols = dp_xcalloc(dp_dict_count(dict), sizeof *w->cols);
	w->ncols = dp_dict_dept_columns(dict, w->cols);
	w->put = dp_xcalloc(w->ncols + 1, sizeof *w->put);
	const char **hdr = dp_xcalloc(w->ncols + 1, sizeof *hdr);
	for (size_t k = 0; k < w->ncols; k++) {
		const struct dp_field *f = dp_dict_field(dict, (size_t)w->cols[k]);
		hdr[k] = f->code;
		bool formatted = f->kind == DP_FK_INT || f->kind == DP_FK_NUMBER || f->kind == DP_FK_DATE ||
				 f->kind == DP_FK_YEAR;
		w->put[k] = formatted ? PUT_PLAIN : dp_field_is_guarded(f) ? PUT_GUARD : PUT_TEXT;
	}
	dp_table_header(w->dept, hdr);
	/* departments.cells is for dp-validate to read instead of parsing the
	 * table again; a run goes on without it when it cannot be made */
	char *p = dp_path_join(o->work, "departments.cells.tmp");
	struct dp_buf cerr = DP_BUF_INIT;
	w->cells = dp_cells_create(p, hdr, w->ncols, &cerr);
	dp_buf_free(&cerr);
	free(p);
	free(hdr);
	dp_table_header(w->subs, sub_cols);
	dp_table_header(w->funds, fund_cols);
	dp_table_header(w->fundsrc, fundsrc_cols);
	return true;
}

static void abort_writers(struct writers *w)
{
	dp_cells_abort(w->cells);
	cellrows_free(w->dcells);
	dp_table_abort(w->dept);
	dp_table_abort(w->subs);
	dp_table_abort(w->funds);
	dp_table_abort(w->fundsrc);
	free(w->cols);
	free(w->put);
}

static bool commit_writers(const char *work, struct writers *w, struct dp_buf *err)
{
	struct dp_table_info info;
	bool ok = dp_table_commit(w->dept, &info, err);
	char *p = dp_path_join(work, "departments.cells"), *pt = dp_path_join(work, "departments.csv.gz");
	struct dp_buf cerr = DP_BUF_INIT;
	if (ok && w->cells)
		dp_cells_commit(w->cells, p, pt, info.crc32, &cerr); /* (or left out) */
	else
		dp_cells_abort(w->cells);
	dp_buf_free(&cerr);
	free(p);
	free(pt);
	cellrows_free(w->dcells);
	ok = dp_table_commit_if(ok, w->subs, NULL, err);
	ok = dp_table_commit_if(ok, w->funds, NULL, err);
	ok = dp_table_commit_if(ok, w->fundsrc, NULL, err);
	free(w->cols);
	free(w->put);
	return ok;
}

#define FORM_BATCH 1024

/* One input file being normalized: its own findings and, for a form read
 * in parallel, its own memory tables. */
struct file_job {
	const struct dp_dict *dict;
	struct writers w;
	struct dp_findings fs;
	struct ctx c;
	struct dp_csvfile_result res;
	struct dp_buf e;
	bool mem;
	struct dp_input_pool *pool; /* the reading thread's */
	struct bulk_batch *batch;   /* for a streamed file: its bulk rows in parallel */
	enum dp_encoding enc;       /* what the file was read as last */
	bool rejected_whole;        /* take_back */
	struct {                    /* where the file's rows begin (take_back) */
		unsigned tables;    /* enum tables */
		size_t cells, cells_bytes;
		uint64_t next_sub;
	} mark;
};

static void job_init(struct file_job *j, const struct dp_dict *dict)
{
	memset(j, 0, sizeof *j);
	j->dict = dict;
	j->w.dept = dp_table_mem();
	j->w.subs = dp_table_mem();
	j->w.funds = dp_table_mem();
	j->w.fundsrc = dp_table_mem();
	j->w.dcells = dp_xcalloc(1, sizeof *j->w.dcells);
	j->mem = true;
	sub_init(&j->c.s, dp_dict_count(dict));
}

static void job_free(struct file_job *j)
{
	if (j->mem) {
		dp_table_mem_free(j->w.dept);
		dp_table_mem_free(j->w.subs);
		dp_table_mem_free(j->w.funds);
		dp_table_mem_free(j->w.fundsrc);
		cellrows_free(j->w.dcells);
	}
	sub_free(&j->c.s);
	dp_buf_free(&j->c.out);
	dp_buf_free(&j->c.why);
	dp_buf_free(&j->c.shown);
	dp_buf_free(&j->e);
	dp_findings_free(&j->fs);
}

/* ---- a file's rows taken back ----
 *
 * dp-ingest reads a file's header and first record only, so a fault after
 * them (E-CSV, E-ENCODING) is found here, once some of the file's rows are
 * written.  The file is rejected whole (SPEC §2.1), as if none of its rows
 * had been read: the tables it writes are marked at its start and cut back
 * there, and its findings are dropped but that one.  A streamed file writes the real
 * tables, and only its own kind's (the funds exports are read beside the
 * others); a form writes its job's memory tables. */

enum tables { T_DEPT = 1, T_FUNDS = 2 };

static unsigned tables_of(const char *shape)
{
	enum dp_shape s = dp_shape_from_name(shape);
	return s == DP_SHAPE_FORM ? T_DEPT | T_FUNDS : s == DP_SHAPE_BULK_FUND ? T_FUNDS : T_DEPT;
}

static void mark_file(struct file_job *j, const char *shape)
{
	struct writers *w = &j->w;
	j->mark.tables = tables_of(shape);
	j->mark.next_sub = w->next_sub;
	if (j->mark.tables & T_DEPT) {
		j->mark.cells = w->dcells->n;
		j->mark.cells_bytes = w->dcells->text.len;
		dp_table_mark(w->dept);
		dp_table_mark(w->subs);
		dp_cells_mark(w->cells);
	}
	if (j->mark.tables & T_FUNDS) {
		dp_table_mark(w->funds);
		dp_table_mark(w->fundsrc);
	}
}

/* Takes back what job j wrote and found since its file's start. */
static void forget_file(struct file_job *j)
{
	struct writers *w = &j->w;
	if (j->mark.tables & T_DEPT) {
		dp_table_rewind(w->dept);
		dp_table_rewind(w->subs);
		dp_cells_rewind(w->cells);
		w->dcells->n = j->mark.cells;
		w->dcells->text.len = j->mark.cells_bytes;
	}
	if (j->mark.tables & T_FUNDS) {
		dp_table_rewind(w->funds);
		dp_table_rewind(w->fundsrc);
	}
	w->next_sub = j->mark.next_sub;
	dp_findings_free(&j->fs);
}

/* The file of job j could not be read whole: none of it is kept but its
 * finding (E-CSV or E-ENCODING; utf8_bad: where UTF-8 stopped, for one
 * read as GB18030 last). */
static void take_back(struct file_job *j, uint64_t utf8_bad)
{
	struct ctx *c = &j->c;
	forget_file(j);
	if (c->shape_changed) /* (only read again as GB18030: see run_job) */
		dp_findings_add(&j->fs, DP_E_ENCODING, c->file, 0, NULL, NULL, NULL, NULL,
				"文件编码前后不一致：表头和第一条记录是 UTF-8，第 %llu 字节起却不是；"
				"整个文件按 GB18030 读取时表头又无法识别，请整个文件另存为“CSV UTF-8”后重新提交",
				(unsigned long long)utf8_bad);
	else
		dp_csvfile_finding(&j->fs, c->file, &j->res, j->e.s, utf8_bad);
	c->submissions = c->rejected = c->fund_rows = c->funds_rejected = 0;
	j->rejected_whole = true;
}

/* Whether the file of row is not what dp-ingest read (SPEC §2.1): it
 * vanished or cannot be read now, its header is another, or its bytes'
 * SHA-256 is not the one dp-ingest recorded. */
static bool changed_since_ingest(const struct file_job *j, const struct dp_file_row *row)
{
	if (j->res.status == DP_CF_IOERR || (j->res.status == DP_CF_STOPPED && j->c.shape_changed))
		return true;
	return j->res.sha256[0] && row->sha256[0] && strcmp(j->res.sha256, row->sha256) != 0;
}

/* The file of job j changed while the run read it: none of it is kept,
 * one E-CHANGED says why (E-CHANGED, SPEC §4). */
static void take_back_changed(struct file_job *j, const struct dp_file_row *row)
{
	struct ctx *c = &j->c;
	forget_file(j);
	if (j->res.status == DP_CF_IOERR)
		dp_findings_add(&j->fs, DP_E_CHANGED, c->file, 0, NULL, NULL, NULL, NULL,
				"文件在本次运行读取期间消失或变得无法读取（%s），整个文件退回：请在运行结束后再放入或修改文件",
				j->e.len ? j->e.s : "read error");
	else
		dp_findings_add(&j->fs, DP_E_CHANGED, c->file, 0, NULL, NULL, NULL, NULL,
				"文件在本次运行读取期间被修改（SHA-256 由 %.12s… 变为 %.12s…），整个文件退回，未混用新旧内容："
				"请在运行结束后再放入或修改文件",
				row->sha256, j->res.sha256[0] ? j->res.sha256 : "?");
	c->submissions = c->rejected = c->fund_rows = c->funds_rejected = 0;
	j->rejected_whole = true;
}

/* Reads the file of row as enc into j's writers and findings. */
static void read_file(struct file_job *j, const struct dp_file_row *row, size_t file_no, enum dp_encoding enc)
{
	struct ctx *c = &j->c;
	struct sub keep = c->s;
	struct dp_buf o = c->out, y = c->why, sh = c->shown;
	memset(c, 0, sizeof *c);
	c->s = keep;
	c->out = o;
	c->why = y;
	c->shown = sh;
	sub_reset(&c->s, 0);
	c->dict = j->dict;
	c->fs = &j->fs;
	c->w = &j->w;
	c->file = row->file;
	c->file_no = file_no;
	c->expect_shape = row->shape;
	dp_buf_reset(&j->e);
	c->batch = j->batch;
	j->enc = enc;
	/* hashed as read: what is normalized must be what dp-ingest hashed */
	dp_csvfile_read_pooled(row->file, enc, true, on_record, c, j->pool, &j->res, &j->e);
	if (c->batch)
		bulk_finish(c);
}

/* Reads one file into j's writers and findings (thread-safe for distinct
 * jobs: everything it touches is the job's own). */
static void run_job(struct file_job *j, const struct dp_file_row *row, size_t file_no)
{
	struct ctx *c = &j->c;
	mark_file(j, row->shape);
	j->rejected_whole = false;
	read_file(j, row, file_no, dp_encoding_from_name(row->encoding));
	uint64_t utf8_bad = 0;
	if (j->res.status == DP_CF_BADTEXT && j->enc == DP_ENC_UTF8) {
		/* UTF-8 as far as dp-ingest read it (its first record), not
		 * after: a strict GB18030 decode decides (SPEC §2.1), as there */
		utf8_bad = j->res.bad_offset;
		uint64_t rows = c->rows;
		forget_file(j);
		dp_header_free(&c->hdr);
		read_file(j, row, file_no, DP_ENC_GB18030);
		if (j->res.status == DP_CF_STOPPED && c->shape_changed) {
			/* a header that was UTF-8 text is another as GB18030 */
			take_back(j, utf8_bad);
			c->rows = rows; /* (those read as UTF-8) */
			j->enc = DP_ENC_UTF8;
		}
	} else if (j->res.status == DP_CF_BADTEXT && j->enc == DP_ENC_GB18030) {
		utf8_bad = dp_csvfile_utf8_bad(row->file); /* (where dp-ingest saw it) */
	}
	if (!j->rejected_whole && changed_since_ingest(j, row))
		take_back_changed(j, row);
	else if (!j->rejected_whole && j->res.status != DP_CF_OK && j->res.status != DP_CF_STOPPED &&
		 j->res.status != DP_CF_IOERR)
		take_back(j, utf8_bad);
	else if (j->res.status == DP_CF_OK && c->shape == DP_SHAPE_FORM)
		emit_sub(c);
	dp_header_free(&c->hdr);
}

/* Moves the rows of a job's memory tables to the end of w's. */
static void writers_append(struct writers *w, struct writers *from)
{
	dp_table_append(w->dept, from->dept);
	cells_move(w->cells, from->dcells);
	dp_table_append(w->subs, from->subs);
	dp_table_append(w->funds, from->funds);
	dp_table_append(w->fundsrc, from->fundsrc);
}

/* What the stage's summary line counts. */
struct totals {
	uint64_t subs, rejected, funds, funds_rejected;
	uint64_t files_rejected; /* whole, for a fault found here */
	struct dp_progress *prog; /* files done, for a terminal */
};

/* Records a job's outcome in the file table and the totals. */
static int finish_job(struct file_job *j, struct dp_file_row *row, struct totals *tot, struct dp_buf *err)
{
	struct ctx *c = &j->c;
	dp_progress_add(tot->prog, 1);
	if (!j->rejected_whole && (j->res.status == DP_CF_IOERR || j->res.status == DP_CF_STOPPED)) {
		/* ingest read this file a moment ago */
		dp_buf_addf(err, "%s: changed or unreadable since dp-ingest: %s", row->file,
			    c->shape_changed ? "its header is no longer the one dp-ingest read" :
			    j->e.len ? j->e.s : "read error");
		return DP_IOERR;
	}
	row->rows = c->rows;
	row->submissions = c->submissions;
	if (j->enc != dp_encoding_from_name(row->encoding))
		dp_filetab_set(&row->encoding, dp_encoding_name(j->enc)); /* found GB18030 here */
	if (j->rejected_whole) {
		dp_filetab_set(&row->status, "rejected");
		tot->files_rejected++;
		return DP_OK;
	}
	uint64_t units = c->shape == DP_SHAPE_BULK_FUND ? c->fund_rows : c->submissions;
	uint64_t bad = c->shape == DP_SHAPE_BULK_FUND ? c->funds_rejected : c->rejected;
	dp_filetab_set(&row->status, bad == 0 ? "accepted" : bad == units ? "rejected" : "partly-rejected");
	tot->subs += c->submissions;
	tot->rejected += c->rejected;
	tot->funds += c->fund_rows;
	tot->funds_rejected += c->funds_rejected;
	return DP_OK;
}

/* Normalizes rows [from, to) of h into slice job j (a task). */
static void bulk_slice(const struct ctx *c, struct half *h, struct file_job *j, size_t from, size_t to)
{
	struct ctx *jc = &j->c;
	jc->dict = c->dict;
	jc->file = c->file;
	jc->file_no = c->file_no;
	jc->shape = c->shape;
	jc->hdr = c->hdr; /* read only */
	jc->fs = &j->fs;
	jc->w = &j->w;
	/* a row is a submission with an id unless it is a fund (on_bulk_row) */
	j->w.next_sub = h->base + (c->shape != DP_SHAPE_BULK_FUND ? from : 0);
	sub_reset(&jc->s, 0);
	for (size_t i = from; i < to; i++) {
		struct dp_record r = dp_recbatch_get(&h->rows, i);
		on_bulk_row(jc, &r);
	}
}

/* Appends the slices of h, whose tasks are done, in order. */
static void bulk_append(struct ctx *c, struct half *h)
{
	if (!h->busy)
		return;
	for (int k = 0; k < SLICES; k++) {
		struct file_job *j = &h->jobs[k];
		struct ctx *jc = &j->c;
		writers_append(c->w, &j->w);
		dp_findings_move(c->fs, &j->fs);
		c->submissions += jc->submissions;
		c->rejected += jc->rejected;
		c->fund_rows += jc->fund_rows;
		c->funds_rejected += jc->funds_rejected;
		jc->submissions = jc->rejected = jc->fund_rows = jc->funds_rejected = 0;
	}
	h->busy = false;
	dp_recbatch_clear(&h->rows);
}

/* Hands the batch being filled to tasks once the other one's tasks (the
 * only ones running) are done, then appends that one while these run (the
 * other threads are not left waiting for the copy), and fills it next. */
static void bulk_flush(struct ctx *c)
{
	struct bulk_batch *b = c->batch;
	struct half *h = &b->h[b->cur], *prev = &b->h[1 - b->cur];
	if (prev->busy) {
#pragma omp taskwait
	}
	size_t n = h->rows.nrec;
	if (n) {
		dp_recbatch_seal(&h->rows);
		h->base = c->w->next_sub;
		if (c->shape != DP_SHAPE_BULK_FUND)
			c->w->next_sub += n;
		h->busy = true;
		for (int k = 0; k < SLICES; k++) {
			size_t from = n * (size_t)k / SLICES, to = n * (size_t)(k + 1) / SLICES;
			struct file_job *j = &h->jobs[k];
#pragma omp task firstprivate(from, to, j, h) shared(c)
			bulk_slice(c, h, j, from, to);
		}
	}
	bulk_append(c, prev);
	if (n)
		b->cur = 1 - b->cur;
}

/* At the end of the file: every row normalized and appended. */
static void bulk_finish(struct ctx *c)
{
	bulk_flush(c);
#pragma omp taskwait
	bulk_append(c, &c->batch->h[0]); /* (the one still busy: the last) */
	bulk_append(c, &c->batch->h[1]);
}

static struct bulk_batch *bulk_new(const struct dp_dict *dict, const struct writers *w)
{
	struct bulk_batch *b = dp_xcalloc(1, sizeof *b);
	for (int x = 0; x < 2; x++) {
		b->h[x].jobs = dp_xcalloc(SLICES, sizeof *b->h[x].jobs);
		for (int k = 0; k < SLICES; k++) {
			job_init(&b->h[x].jobs[k], dict);
			b->h[x].jobs[k].w.cols = w->cols;
			b->h[x].jobs[k].w.put = w->put;
			b->h[x].jobs[k].w.ncols = w->ncols;
		}
	}
	return b;
}

static void bulk_free(struct bulk_batch *b)
{
	if (!b)
		return;
	for (int x = 0; x < 2; x++) {
		struct half *h = &b->h[x];
		for (int k = 0; k < SLICES; k++)
			job_free(&h->jobs[k]);
		free(h->jobs);
		dp_recbatch_free(&h->rows);
	}
	free(b);
}

/* Streamed files taken at once (their jobs are kept until all are read):
 * a bound, so that a folder of many exports does not hold a job each. */
#define STREAM_FILES 64

/* A job for a file streamed straight into the tables of w, its bulk rows
 * normalized in parallel with b (NULL: on the reading thread). */
static void job_stream_init(struct file_job *j, const struct dp_dict *dict, const struct writers *w,
			    struct bulk_batch *b)
{
	memset(j, 0, sizeof *j);
	j->dict = dict;
	j->w = *w;
	sub_init(&j->c.s, dp_dict_count(dict));
	j->batch = b;
}

/* Reads files from..to of tab that are pending and of kind funds (the
 * bulk funds exports) or not, in path order, into w's tables: a stream. */
static void stream_kind(const struct dp_dict *dict, struct writers *w, struct dp_filetab *tab, size_t from,
			size_t to, bool funds, struct bulk_batch *b, struct file_job *jobs)
{
	for (size_t k = from; k < to; k++) {
		if (strcmp(tab->v[k].status, "pending") != 0 || (strcmp(tab->v[k].shape, "bulk-funds") == 0) != funds)
			continue;
		struct file_job *j = &jobs[k - from];
		job_stream_init(j, dict, w, b);
		run_job(j, &tab->v[k], k);
		w->next_sub = j->w.next_sub;
	}
}

/* The streamed files from..to (bulk exports; no form among them), the
 * funds exports beside the others: they write other tables (a funds row
 * takes no submission id), so each table gets its rows in path order as
 * when read one file after the other, and the second core has a reading
 * thread of its own.  Then each file's outcome, in path order. */
static int stream_files(const struct dp_dict *dict, struct writers *w, struct dp_filetab *tab, size_t from,
			size_t to, struct bulk_batch *b, struct bulk_batch *b2, struct dp_findings *fs,
			struct totals *tot, struct dp_buf *err)
{
	struct file_job *jobs = dp_xcalloc(to - from, sizeof *jobs);
	struct writers wf = *w;
	/* each stream a task of its own, so that a stream's waits for its
	 * rows' tasks (bulk_append) are not waits for the other stream; no
	 * taskwait here: libgomp's runs only the waiting task's children, so a
	 * thread done with one stream would sit idle beside the other's rows,
	 * where at the barrier it takes any task */
#pragma omp parallel
#pragma omp single
	{
#pragma omp task
		stream_kind(dict, w, tab, from, to, false, b, jobs);
#pragma omp task
		stream_kind(dict, &wf, tab, from, to, true, b2, jobs);
	}
	int rc = DP_OK;
	for (size_t k = from; k < to; k++) {
		struct file_job *j = &jobs[k - from];
		if (!j->dict)
			continue; /* not pending */
		dp_findings_move(fs, &j->fs);
		if (rc == DP_OK)
			rc = finish_job(j, &tab->v[k], tot, err);
		job_free(j);
	}
	free(jobs);
	return rc;
}

int dp_normalize_run(const struct dp_stage_opts *o, struct dp_stage_report *rep, struct dp_buf *err)
{
	if (!dp_stage_ready(o, "inputs.csv.gz", "dp-ingest", err))
		return DP_NOINPUT;
	int lrc;
	struct dp_rules *rules = dp_stage_load_rules(o, &lrc, err);
	if (!rules)
		return lrc;
	struct dp_dict *dict = dp_dict_new(rules);
	struct dp_filetab tab = { 0 };
	struct dp_findings fs = { 0 };
	dp_validate_forget(o->work);
	char *p_inputs = dp_path_join(o->work, "inputs.csv.gz");
	char *p_findings = dp_path_join(o->work, "findings.csv.gz");
	int rc = DP_OK;
	struct writers w;
	if (!dp_filetab_load(&tab, p_inputs, err) || !dp_findings_load(&fs, p_findings, err)) {
		dp_buf_adds(err, " (run dp-ingest on this work folder first)");
		rc = DP_IOERR;
		goto out;
	}
	if (!open_writers(o, dict, &w, err)) {
		abort_writers(&w);
		rc = DP_CANTCREATE;
		goto out;
	}
	struct totals tot = { 0 };
	struct dp_progress prog;
	size_t npending = 0;
	for (size_t i = 0; i < tab.n; i++)
		npending += strcmp(tab.v[i].status, "pending") == 0;
	dp_progress_start(&prog, o->on_progress, "dp-normalize", "files", npending);
	tot.prog = &prog;
	struct file_job *jobs = dp_xcalloc(FORM_BATCH, sizeof *jobs);
	int nthreads = omp_get_max_threads();
	struct dp_input_pool **pools = dp_xcalloc((size_t)nthreads, sizeof *pools);
	for (int t = 0; t < nthreads; t++)
		pools[t] = dp_input_pool_new();
	struct bulk_batch *batch = nthreads > 1 ? bulk_new(dict, &w) : NULL, *batch2 = NULL;
	for (size_t k = 0; k < FORM_BATCH; k++) {
		job_init(&jobs[k], dict);
		jobs[k].w.cols = w.cols; /* the column order, shared read-only */
		jobs[k].w.put = w.put;
		jobs[k].w.ncols = w.ncols;
	}
	for (size_t i = 0; i < tab.n && rc == DP_OK;) {
		if (strcmp(tab.v[i].status, "pending") != 0) {
			i++;
			continue;
		}
		/* forms, one submission each, are read in parallel in batches and
		 * their rows appended in file order; any other file is streamed */
		size_t nb = 0;
		while (i + nb < tab.n && nb < FORM_BATCH && strcmp(tab.v[i + nb].status, "pending") == 0 &&
		       strcmp(tab.v[i + nb].shape, "form") == 0)
			nb++;
		if (nb == 0 && batch) {
			/* the streamed files up to the next form: the funds exports
			 * and the others read at once, each kind in path order */
			size_t ne = i;
			while (ne < tab.n && ne - i < STREAM_FILES && (strcmp(tab.v[ne].status, "pending") != 0 ||
								      strcmp(tab.v[ne].shape, "form") != 0))
				ne++;
			if (!batch2)
				batch2 = bulk_new(dict, &w);
			rc = stream_files(dict, &w, &tab, i, ne, batch, batch2, &fs, &tot, err);
			i = ne;
			continue;
		}
		if (nb == 0) {
			struct file_job j;
			job_stream_init(&j, dict, &w, NULL);
			run_job(&j, &tab.v[i], i);
			w.next_sub = j.w.next_sub;
			dp_findings_move(&fs, &j.fs);
			rc = finish_job(&j, &tab.v[i], &tot, err);
			job_free(&j);
			i++;
			continue;
		}
		uint64_t base = w.next_sub;
#pragma omp parallel
		{
			int me = omp_get_thread_num();
#pragma omp for schedule(dynamic, 8)
			for (size_t k = 0; k < nb; k++) {
				jobs[k].w.next_sub = base + k;
				jobs[k].pool = pools[me];
				run_job(&jobs[k], &tab.v[i + k], i + k);
			}
		}
		/* the ids went by position, but a form taken back (a fault after
		 * its first record) has none: the forms after it are read
		 * again, here, with the ids that follow on */
		uint64_t next = base;
		for (size_t k = 0; k < nb; k++) {
			if (jobs[k].mark.next_sub != next) {
				forget_file(&jobs[k]);
				jobs[k].w.next_sub = next;
				jobs[k].pool = pools[0];
				run_job(&jobs[k], &tab.v[i + k], i + k);
			}
			next += jobs[k].c.submissions;
		}
		for (size_t k = 0; k < nb && rc == DP_OK; k++) {
			writers_append(&w, &jobs[k].w);
			dp_findings_move(&fs, &jobs[k].fs);
			rc = finish_job(&jobs[k], &tab.v[i + k], &tot, err);
		}
		w.next_sub = next;
		i += nb;
	}
	for (size_t k = 0; k < FORM_BATCH; k++)
		job_free(&jobs[k]);
	free(jobs);
	for (int t = 0; t < nthreads; t++)
		dp_input_pool_free(pools[t]);
	free(pools);
	bulk_free(batch);
	bulk_free(batch2);
	dp_progress_end(&prog);
	if (rc != DP_OK) {
		abort_writers(&w);
		goto out;
	}
	if (!commit_writers(o->work, &w, err) || !dp_filetab_write(&tab, p_inputs, DP_WORK_LEVEL, NULL, err) ||
	    !dp_findings_write(&fs, p_findings, DP_WORK_LEVEL, NULL, err)) {
		rc = DP_CANTCREATE;
		goto out;
	}
	dp_buf_addf(&rep->line, "%llu submissions read (%llu with errors), %llu special funds (%llu with errors)",
		    (unsigned long long)tot.subs, (unsigned long long)tot.rejected, (unsigned long long)tot.funds,
		    (unsigned long long)tot.funds_rejected);
	if (tot.files_rejected)
		dp_buf_addf(&rep->line, ", %llu file(s) rejected whole for a fault past their first record (E-CSV, E-ENCODING)",
			    (unsigned long long)tot.files_rejected);
	if (fs.errors)
		rc = DP_FINDINGS;
out:
	free(p_inputs);
	free(p_findings);
	dp_findings_free(&fs);
	dp_filetab_free(&tab);
	dp_dict_free(dict);
	dp_rules_free(rules);
	return rc;
}
