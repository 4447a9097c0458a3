/* The shape of an input table decided by its header row (SPEC §2.2)
 * (shape.h). */
#include "deptperf/shape.h"

#include <stdlib.h>
#include <string.h>

#include "deptperf/book.h"
#include "deptperf/text.h"

const char *dp_shape_name(enum dp_shape s)
{
	switch (s) {
	case DP_SHAPE_FORM: return "form";
	case DP_SHAPE_BULK_DEPT: return "bulk-departments";
	case DP_SHAPE_BULK_FUND: return "bulk-funds";
	default: return "";
	}
}

enum dp_shape dp_shape_from_name(const char *name)
{
	if (strcmp(name, "form") == 0)
		return DP_SHAPE_FORM;
	if (strcmp(name, "bulk-departments") == 0)
		return DP_SHAPE_BULK_DEPT;
	if (strcmp(name, "bulk-funds") == 0)
		return DP_SHAPE_BULK_FUND;
	return DP_SHAPE_NONE;
}

static bool is_one_of(const char *s, const char *a, const char *b)
{
	return strcmp(s, a) == 0 || strcmp(s, b) == 0;
}

/* "收入合计(元)" → label "收入合计", unit "元" (full-width brackets were
 * folded to ASCII by the normalization). */
static void split_unit(char *label, char **unit)
{
	size_t n = strlen(label);
	*unit = NULL;
	if (n < 3 || label[n - 1] != ')')
		return;
	char *open = strrchr(label, '(');
	if (!open || open == label)
		return;
	label[n - 1] = '\0';
	struct dp_buf u = DP_BUF_INIT;
	dp_text_norm(&u, open + 1, strlen(open + 1), true);
	*unit = dp_buf_detach(&u);
	*open = '\0';
	/* trim what stood before the bracket */
	size_t m = strlen(label);
	while (m && label[m - 1] == ' ')
		label[--m] = '\0';
}

enum dp_shape dp_header_parse(const struct dp_dict *d, const struct dp_record *r, struct dp_header *h)
{
	memset(h, 0, sizeof *h);
	h->col_field = h->col_value = h->col_unit = h->col_item = -1;
	h->ncols = r->n;
	h->field = dp_xcalloc(r->n, sizeof *h->field);
	h->label = dp_xcalloc(r->n, sizeof *h->label);
	h->unit = dp_xcalloc(r->n, sizeof *h->unit);
	h->hint = dp_xcalloc(r->n, sizeof *h->hint);
	size_t dept_fields = 0;
	bool has_fund = false, has_code = false, has_year = false;
	for (size_t i = 0; i < r->n; i++) {
		struct dp_buf b = DP_BUF_INIT;
		dp_text_norm(&b, r->f[i], r->len[i], true);
		h->label[i] = dp_buf_detach(&b);
		const char *l = h->label[i];
		if (is_one_of(l, "field", "字段") && h->col_field < 0)
			h->col_field = (int)i;
		else if (is_one_of(l, "value", "值") && h->col_value < 0)
			h->col_value = (int)i;
		else if (is_one_of(l, "unit", "单位") && h->col_unit < 0)
			h->col_unit = (int)i;
		else if (is_one_of(l, "item", "分项") && h->col_item < 0)
			h->col_item = (int)i;
		split_unit(h->label[i], &h->unit[i]);
		h->hint[i] = dp_unit_hint_fixed(h->unit[i]);
		h->field[i] = *h->label[i] ? dp_dict_find(d, h->label[i]) : -1;
		if (h->field[i] >= 0) {
			const struct dp_field *f = dp_dict_field(d, (size_t)h->field[i]);
			if (f->group == DP_FG_DEPT)
				dept_fields++;
			if (h->field[i] == DP_F_FUND_NAME)
				has_fund = true;
			if (h->field[i] == DP_F_DEPT_CODE)
				has_code = true;
			if (h->field[i] == DP_F_FISCAL_YEAR)
				has_year = true;
		}
	}
	if (h->col_field == 0 && h->col_value == 1)
		h->shape = DP_SHAPE_FORM;
	else if (has_fund && has_code && has_year)
		h->shape = DP_SHAPE_BULK_FUND;
	else if (dept_fields >= 2)
		h->shape = DP_SHAPE_BULK_DEPT;
	else
		h->shape = DP_SHAPE_NONE;
	return h->shape;
}

void dp_header_free(struct dp_header *h)
{
	for (size_t i = 0; i < h->ncols; i++) {
		free(h->label[i]);
		free(h->unit[i]);
	}
	free(h->field);
	free(h->label);
	free(h->unit);
	free(h->hint);
	memset(h, 0, sizeof *h);
}

long dp_header_col(const struct dp_dict *d, const struct dp_header *h, const char *field)
{
	if (!field || !field[0])
		return -1;
	int fi = dp_dict_find_code(d, field);
	if (h->shape == DP_SHAPE_FORM)
		return fi >= 0 ? h->col_value : h->col_field;
	for (size_t j = 0; j < h->ncols; j++)
		if (fi >= 0 ? h->field[j] == fi : strcmp(h->label[j], field) == 0)
			return (long)j;
	return -1;
}

void dp_sheet_finding_where(struct dp_buf *b, const struct dp_dict *d, const struct dp_header *h, uint64_t header_line,
			    const char *sheet, const char *code, const char *field, uint64_t line)
{
	bool whole = h->shape == DP_SHAPE_FORM && line == header_line;
	long col = whole || strcmp(code, "E-REQUIRED") == 0 ? -1 : dp_header_col(d, h, field);
	dp_sheet_where(b, sheet, col, whole ? 0 : line);
}
