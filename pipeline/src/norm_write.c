/* dp-normalize: one record of a form or a bulk export made canonical
 * (SPEC §2.2–2.3, §3): each value set by its field, a form's facts held
 * until its end, the rows of a submission and its funds written. */
#include "norm.h"

void norm_sub_init(struct sub *s, size_t nfields)
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

void norm_sub_reset(struct sub *s, size_t findings_from)
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

void norm_sub_free(struct sub *s)
{
	norm_sub_reset(s, 0);
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

/* Whether raw[0..n) is a plain number in (0, 10]: in an .xls, FreeXL gives
 * no cell's format but a date's, so 38.12% typed in a cell (stored as
 * 0.3812) and 0.3812 typed as such are one number, and so are 109.15% and
 * 1.0915; a percent field's number that could be such a fraction (an
 * allowed percent is at most 1 000%, a fraction at most 10) is refused
 * rather than read as 0.3812% (docs/decisions.md "Excel workbooks"). */
static bool xls_fraction(const char *raw, size_t n)
{
	size_t i = 0, intpart = 0, digits = 0;
	bool point = false, nonzero = false;
	while (i < n && raw[i] == ' ')
		i++;
	for (; i < n && raw[i] != ' '; i++) {
		if (raw[i] == '.' && !point) {
			point = true;
			continue;
		}
		if (raw[i] < '0' || raw[i] > '9')
			return false;
		digits++;
		nonzero = nonzero || raw[i] != '0';
		if (!point && (intpart = intpart * 10 + (size_t)(raw[i] - '0')) > 10)
			return false;
		if (point && intpart == 10 && raw[i] != '0')
			return false;
	}
	while (i < n && raw[i] == ' ')
		i++;
	return i == n && digits && nonzero;
}

/* E-UNIT for xls_fraction's case, into why; 0 otherwise. */
static enum dp_code xls_percent(const struct ctx *c, const struct dp_field *f, const char *raw, size_t n,
				struct dp_buf *why)
{
	if (!c->xls || f->unit != DP_UK_PERCENT || !xls_fraction(raw, n))
		return 0;
	dp_buf_reset(why);
	dp_buf_addf(why, "%s 的值“%.*s”来自 .xls 工作簿，无法分辨它是 %.*s%% 还是设为百分比格式的单元格存下的小数"
			 "（38.12%% 存为 0.3812）：请另存为 .xlsx 后重新提交，或在单元格中填写带 %% 的文本",
		    f->label, (int)n, raw, (int)n, raw);
	return DP_E_UNIT;
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
		if (!code)
			code = xls_percent(c, f, raw, n, why);
		if (!code) {
			if (dst->len && fund_slot < 0)
				s->line_of[fi] = line;
			return;
		}
		dp_buf_reset(dst); /* and again below, for the finding */
		dp_buf_reset(why);
	}
	enum dp_code code = dp_value_norm(f, raw, n, hint, out, why);
	if (!code)
		code = xls_percent(c, f, raw, n, why);
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
	norm_sub_reset(s, c->fs->n);
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
	norm_sub_reset(s, c->fs->n);
}

void norm_header_warnings(struct ctx *c, uint64_t line)
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

int norm_on_form_row(struct ctx *c, const struct dp_record *r)
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

int norm_on_bulk_row(struct ctx *c, const struct dp_record *r)
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
