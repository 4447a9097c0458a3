/* dp-normalize: each record handed to record.c (SPEC §2.2–2.3, made
 * canonical there), a form's facts held until its end, then the rows of a
 * submission and its funds written: its cells, its subs.csv.gz row, its
 * funds and their fundsrc.csv.gz rows. */
#include "norm.h"

/* What record.c reads of c's file. */
static struct dp_rec_in rec_in(const struct ctx *c)
{
	return (struct dp_rec_in){ .dict = c->dict, .hdr = &c->hdr, .shape = c->shape, .file = c->file, .xls = c->xls };
}

static const char *dept_code(const struct dp_rec_sub *s)
{
	return dp_buf_str(&s->val[DP_F_DEPT_CODE]);
}

static const char *fiscal_year(const struct dp_rec_sub *s)
{
	return dp_buf_str(&s->val[DP_F_FISCAL_YEAR]);
}

static void bad_fields(struct dp_buf *b, const struct dp_dict *d, const bool *bad, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (bad[i])
			dp_buf_addf(b, "%s%s", b->len ? ";" : "", dp_dict_field(d, i)->code);
}


/* A buffer's text as a cell, with the length it knows. */
static void put_buf(struct dp_table *t, const struct dp_buf *b, bool guard)
{
	dp_table_put(t, b->len ? b->s : "", b->len, guard);
}

static void write_fund(struct ctx *c, const char *year, const char *code, struct dp_rec_fund *fu, uint64_t sub_id,
		       bool from_form)
{
	struct writers *w = c->w;
	dp_table_puts(w->funds, year, true);
	dp_table_puts(w->funds, code, true);
	put_buf(w->funds, &fu->name, true);
	for (int i = 0; i < DP_FUND_NVALS; i++)
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
	static const int fids[DP_FUND_NVALS] = { DP_F_FUND_ALLOC, DP_F_FUND_SPENT, DP_F_FUND_SELFEVAL };
	for (int i = 0; i < DP_FUND_NVALS; i++)
		if (fu->bad[i])
			dp_buf_addf(&b, "%s%s", b.len ? ";" : "", dp_dict_field(c->dict, (size_t)fids[i])->code);
	dp_table_puts(w->fundsrc, dp_buf_str(&b), false);
	dp_table_end_row(w->fundsrc);
	dp_buf_free(&b);
}

/* Appends the rows of cr to w (when there is one) and empties cr. */
void norm_cells_move(struct dp_cells_writer *w, struct cellrows *cr)
{
	size_t at = 0;
	for (size_t i = 0; w && i < cr->n; i++) {
		dp_cells_row(w, cr->text.s + at, cr->end[i] - at);
		at = cr->end[i];
	}
	dp_buf_reset(&cr->text);
	cr->n = 0;
}

void norm_cellrows_free(struct cellrows *cr)
{
	if (!cr)
		return;
	dp_buf_free(&cr->text);
	free(cr->end);
	free(cr);
}

/* Writes the submission being assembled and starts a new one. */
void norm_emit_sub(struct ctx *c)
{
	struct dp_rec_sub *s = &c->s;
	struct writers *w = c->w;
	uint64_t id = w->next_sub++;
	for (size_t i = 0; i < s->nfunds; i++)
		s->errors += s->funds[i].errors;
	dp_findings_set_key(c->fs, s->findings_from, dept_code(s), fiscal_year(s));
	struct cellrows *cr = w->dcells;
	for (size_t k = 0; k < w->ncols; k++) {
		const struct dp_buf *v = &s->val[w->cols[k]];
		const char *t = v->len ? v->s : "";
		/* the cell as the published CSV field holds it */
		if (w->guard[k] && dp_text_needs_guard(t, v->len))
			dp_buf_addc(&cr->text, '\'');
		dp_buf_addz(&cr->text, t, v->len);
	}
	DP_GROW(cr->end, cr->n, cr->cap);
	cr->end[cr->n++] = cr->text.len;
	if (w->cells)
		norm_cells_move(w->cells, cr);
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
	dp_rec_sub_reset(s, c->fs->n);
}

static void emit_bulk_fund(struct ctx *c)
{
	struct dp_rec_sub *s = &c->s;
	struct dp_rec_fund fu;
	memset(&fu, 0, sizeof fu);
	dp_buf_adds(&fu.name, dp_buf_str(&s->val[DP_F_FUND_NAME]));
	static const int fids[DP_FUND_NVALS] = { DP_F_FUND_ALLOC, DP_F_FUND_SPENT, DP_F_FUND_SELFEVAL };
	for (int i = 0; i < DP_FUND_NVALS; i++) {
		dp_buf_adds(&fu.val[i], dp_buf_str(&s->val[fids[i]]));
		fu.bad[i] = s->bad[fids[i]];
	}
	fu.line = s->line;
	fu.errors = s->errors;
	dp_findings_set_key(c->fs, s->findings_from, dept_code(s), fiscal_year(s));
	write_fund(c, fiscal_year(s), dept_code(s), &fu, 0, false);
	dp_rec_fund_clear(&fu);
	c->fund_rows++;
	if (s->errors)
		c->funds_rejected++;
	dp_rec_sub_reset(s, c->fs->n);
}

void norm_header_warnings(struct ctx *c, uint64_t line)
{
	struct dp_rec_in in = rec_in(c);
	dp_rec_header_warnings(&in, line, c->fs);
}

int norm_on_form_row(struct ctx *c, const struct dp_record *r)
{
	struct dp_rec_in in = rec_in(c);
	dp_rec_form_row(&in, &c->s, r, c->rows, c->fs);
	return 0;
}

int norm_on_bulk_row(struct ctx *c, const struct dp_record *r)
{
	struct dp_rec_in in = rec_in(c);
	dp_rec_bulk_row(&in, &c->s, r, c->fs);
	if (c->shape == DP_SHAPE_BULK_FUND)
		emit_bulk_fund(c);
	else
		norm_emit_sub(c);
	return 0;
}

void norm_sheet_positions(const struct ctx *c, struct dp_findings *fs, size_t from)
{
	struct dp_buf p = DP_BUF_INIT;
	for (size_t i = from; i < fs->n; i++) {
		const struct dp_finding *f = &fs->v[i];
		if (f->line == 0)
			continue; /* (on the whole workbook: its message names the sheet) */
		dp_buf_reset(&p);
		dp_sheet_finding_where(&p, c->dict, &c->hdr, c->header_line, c->sheet, f->code, f->field, f->line);
		dp_findings_prefix(fs, i, NULL, p.s);
	}
	dp_buf_free(&p);
}
