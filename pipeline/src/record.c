/* One record of an input file made canonical (record.h): SPEC §2.2–2.3
 * and §3's field dictionary applied to a form's row or a bulk row, with
 * no I/O. */
#include "deptperf/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/text.h"
#include "deptperf/value.h"

/* A record's normalization: what it reads, the submission it sets, where
 * its findings go. */
struct rec {
	const struct dp_rec_in *in;
	struct dp_rec_sub *s;
	struct dp_findings *fs;
};

void dp_rec_sub_init(struct dp_rec_sub *s, size_t nfields)
{
	memset(s, 0, sizeof *s);
	s->nfields = nfields;
	s->val = dp_xcalloc(nfields, sizeof *s->val);
	s->line_of = dp_xcalloc(nfields, sizeof *s->line_of);
	s->bad = dp_xcalloc(nfields, sizeof *s->bad);
}

void dp_rec_fund_clear(struct dp_rec_fund *f)
{
	dp_buf_free(&f->name);
	for (int i = 0; i < DP_FUND_NVALS; i++)
		dp_buf_free(&f->val[i]);
}

void dp_rec_sub_reset(struct dp_rec_sub *s, size_t findings_from)
{
	for (size_t i = 0; i < s->nfields; i++)
		dp_buf_reset(&s->val[i]);
	memset(s->line_of, 0, s->nfields * sizeof *s->line_of);
	memset(s->bad, 0, s->nfields * sizeof *s->bad);
	for (size_t i = 0; i < s->nfunds; i++)
		dp_rec_fund_clear(&s->funds[i]);
	s->nfunds = 0;
	s->errors = 0;
	s->line = 0;
	s->too_long = false;
	s->findings_from = findings_from;
}

void dp_rec_sub_free(struct dp_rec_sub *s)
{
	dp_rec_sub_reset(s, 0);
	for (size_t i = 0; i < s->nfields; i++)
		dp_buf_free(&s->val[i]);
	free(s->val);
	free(s->line_of);
	free(s->bad);
	free(s->funds);
	dp_buf_free(&s->out);
	dp_buf_free(&s->why);
	dp_buf_free(&s->shown);
}

struct dp_rec_fund *dp_rec_fund_of(struct dp_rec_sub *s, const char *name, uint64_t line)
{
	for (size_t i = 0; i < s->nfunds; i++)
		if (strcmp(dp_buf_str(&s->funds[i].name), name) == 0)
			return &s->funds[i];
	DP_GROW(s->funds, s->nfunds, s->capfunds);
	struct dp_rec_fund *f = &s->funds[s->nfunds++];
	memset(f, 0, sizeof *f);
	dp_buf_adds(&f->name, name);
	f->line = line;
	return f;
}

/* True when a value would conflict with one already given (E-CONFLICT
 * needs the raw text shown). */
static bool dst_conflicts(const struct rec *c, int fi, const struct dp_buf *out)
{
	if (fi == DP_F_FUND_ALLOC || fi == DP_F_FUND_SPENT || fi == DP_F_FUND_SELFEVAL)
		return c->in->shape == DP_SHAPE_FORM; /* rare enough: always keep it */
	const struct dp_buf *dst = &c->s->val[fi];
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
static enum dp_code xls_percent(const struct rec *c, const struct dp_field *f, const char *raw, size_t n,
				struct dp_buf *why)
{
	if (!c->in->xls || f->unit != DP_UK_PERCENT || !xls_fraction(raw, n))
		return 0;
	dp_buf_reset(why);
	dp_buf_addf(why, "%s 的值“%.*s”来自 .xls 工作簿，无法分辨它是 %.*s%% 还是设为百分比格式的单元格存下的小数"
			 "（38.12%% 存为 0.3812）：请另存为 .xlsx 后重新提交，或在单元格中填写带 %% 的文本",
		    f->label, (int)n, raw, (int)n, raw);
	return DP_E_UNIT;
}

/* Stores one value of field fi (f, its definition), read on line,
 * reporting what is wrong. */
static void set_value(struct rec *c, int fi, const struct dp_field *f, const char *raw, size_t n,
		      const struct dp_unit_hint *hint, uint64_t line, const char *item)
{
	struct dp_rec_sub *s = c->s;
	struct dp_buf *out = &c->s->out, *why = &c->s->why, *shown = &c->s->shown;
	int fund_slot = fi == DP_F_FUND_ALLOC ? DP_FUND_ALLOC : fi == DP_F_FUND_SPENT ? DP_FUND_SPENT :
			fi == DP_F_FUND_SELFEVAL ? DP_FUND_SELFEVAL : -1;
	dp_buf_reset(why);
	if (c->in->shape != DP_SHAPE_FORM && !s->val[fi].len) {
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
	if (fund_slot >= 0 && c->in->shape == DP_SHAPE_FORM) {
		struct dp_rec_fund *fu = dp_rec_fund_of(s, item ? item : "", line);
		dst = &fu->val[fund_slot];
		bad = &fu->bad[fund_slot];
		errors = &fu->errors;
	} else {
		dst = &s->val[fi];
		bad = &s->bad[fi];
	}
	if (code) {
		dp_findings_add(c->fs, code, c->in->file, line, NULL, NULL, f->code, shown->s, "%s", why->s);
		(*errors)++;
		*bad = true;
	} else if (out->len) {
		if (dst->len && strcmp(dst->s, out->s) != 0) {
			dp_findings_add(c->fs, DP_E_CONFLICT, c->in->file, line, NULL, NULL, f->code, shown->s,
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

static void unknown_label(const struct rec *c, const char *label, uint64_t line)
{
	const char *near = dp_dict_suggest(c->in->dict, label);
	if (near)
		dp_findings_add(c->fs, DP_W_FIELD_UNKNOWN, c->in->file, line, NULL, NULL, label, NULL,
				"未知字段“%s”，已忽略；是否应为“%s”？", label, near);
	else
		dp_findings_add(c->fs, DP_W_FIELD_UNKNOWN, c->in->file, line, NULL, NULL, label, NULL,
				"未知字段“%s”，已忽略；字段名称见字段字典（docs/fields.md）", label);
}

void dp_rec_header_warnings(const struct dp_rec_in *in, uint64_t line, struct dp_findings *fs)
{
	const struct rec rc = { in, NULL, fs }, *c = &rc;
	for (size_t j = 0; j < c->in->hdr->ncols; j++) {
		if (c->in->hdr->field[j] < 0 && c->in->hdr->label[j][0])
			unknown_label(c, c->in->hdr->label[j], line);
		if (c->in->shape == DP_SHAPE_BULK_DEPT && c->in->hdr->field[j] >= DP_F_FUND_NAME &&
		    c->in->hdr->field[j] <= DP_F_FUND_SELFEVAL)
			dp_findings_add(c->fs, DP_W_FIELD_UNKNOWN, c->in->file, line, NULL, NULL, c->in->hdr->label[j], NULL,
					"批量部门表中的专项资金列“%s”已忽略：专项资金请用专项资金表（含 专项资金名称、部门代码、年度）提交",
					c->in->hdr->label[j]);
	}
}

void dp_rec_form_row(const struct dp_rec_in *in, struct dp_rec_sub *s, const struct dp_record *r, uint64_t rows,
		     struct dp_findings *fs)
{
	struct rec rc = { in, s, fs }, *c = &rc;
	if (rows > DP_REC_MAX_FORM_ROWS) {
		if (!c->s->too_long) {
			c->s->too_long = true;
			c->s->errors++;
			dp_findings_add(c->fs, DP_E_TOO_LONG, c->in->file, r->line, NULL, NULL, NULL, NULL,
					"单户表超过 10000 行，第 %llu 行起未读取：请检查是否把批量数据误存为单户表",
					(unsigned long long)r->line);
		}
		return;
	}
	const struct dp_header *h = c->in->hdr;
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
		c->s->errors++;
		dp_findings_add(c->fs, DP_E_TOO_LONG, c->in->file, r->line, NULL, NULL, NULL, NULL,
				"字段名长 %zu 字节，超过上限 4096 字节", label_n);
	} else if (!label.len) {
		dp_findings_add(c->fs, DP_W_FIELD_UNKNOWN, c->in->file, r->line, NULL, NULL, NULL, NULL,
				"第 %llu 行没有字段名，已忽略", (unsigned long long)r->line);
	} else {
		int fi = dp_dict_find(c->in->dict, label.s);
		if (fi < 0)
			unknown_label(c, label.s, r->line);
		else if (fi == DP_F_FUND_NAME) {
			struct dp_buf v = DP_BUF_INIT;
			dp_text_norm(&v, value, value_n, false);
			dp_rec_fund_of(c->s, item.len ? item.s : dp_buf_str(&v), r->line);
			dp_buf_free(&v);
		}
		else
			set_value(c, fi, dp_dict_field(c->in->dict, (size_t)fi), value, value_n, &hint, r->line,
				  item.len ? item.s : NULL);
	}
	dp_buf_free(&label);
	dp_buf_free(&item);
}

void dp_rec_bulk_row(const struct dp_rec_in *in, struct dp_rec_sub *s, const struct dp_record *r,
		     struct dp_findings *fs)
{
	struct rec rc = { in, s, fs }, *c = &rc;
	s->line = r->line;
	const struct dp_header *h = c->in->hdr;
	if (r->n > h->ncols) {
		size_t extra = 0;
		for (size_t j = h->ncols; j < r->n; j++)
			extra += r->len[j] != 0;
		if (extra)
			dp_findings_add(c->fs, DP_W_FIELD_UNKNOWN, c->in->file, r->line, NULL, NULL, NULL, NULL,
					"该行比表头多 %zu 个非空单元格，多出的内容已忽略", extra);
	}
	for (size_t j = 0; j < r->n && j < h->ncols; j++) {
		int fi = h->field[j];
		if (fi < 0) {
			if (r->len[j] > DP_MAX_FIELD_BYTES) {
				s->errors++;
				dp_findings_add(c->fs, DP_E_TOO_LONG, c->in->file, r->line, NULL, NULL, h->label[j], NULL,
						"“%s”列的内容长 %zu 字节，超过上限 4096 字节", h->label[j], r->len[j]);
			}
			continue;
		}
		const struct dp_field *f = dp_dict_field(c->in->dict, (size_t)fi);
		if (c->in->shape == DP_SHAPE_BULK_DEPT && f->group == DP_FG_FUND)
			continue;
		if (c->in->shape == DP_SHAPE_BULK_FUND && f->group == DP_FG_DEPT && fi != DP_F_DEPT_CODE &&
		    fi != DP_F_FISCAL_YEAR)
			continue; /* e.g. 部门名称 beside the code, for the reader */
		set_value(c, fi, f, r->f[j], r->len[j], &h->hint[j], r->line, NULL);
	}
}

