#include <criterion/criterion.h>
#include <string.h>

#include "deptperf/deptrow.h"
#include "deptperf/rules.h"

static struct dp_rules *gd(void)
{
	struct dp_buf err = DP_BUF_INIT;
	struct dp_rules *r = dp_rules_load(DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv", &err);
	cr_assert(r, "%s", dp_buf_str(&err));
	return r;
}

static struct dp_record rec(const char **f, size_t *len, size_t n)
{
	for (size_t i = 0; i < n; i++)
		len[i] = strlen(f[i]);
	return (struct dp_record){ n, f, len, 2, 0 };
}

/* Each row loaded leaves nothing of the row before: a cell now empty or
 * missing (a short row) is "" and not given, a number no longer parsed is
 * not given; the fields the header lacks are never given; a guarded cell
 * reads unguarded; the text-only load parses nothing. */
Test(deptrow, each_row_loaded_replaces_the_one_before)
{
	struct dp_rules *r = gd();
	struct dp_dict *d = dp_dict_new(r);
	const char *cols[] = { "fiscal_year", "dept_code", "fund_name", "fund_alloc", "fund_spent", "fund_selfeval" };
	size_t len[6];
	struct dp_record hdr = rec(cols, len, 6);
	struct dp_deptrow row;
	struct dp_buf err = DP_BUF_INIT;
	cr_assert(dp_deptrow_init(&row, d, &hdr, &err), "%s", dp_buf_str(&err));
	int name = dp_dict_find_code(d, "fund_name"), alloc = dp_dict_find_code(d, "fund_alloc"),
	    spent = dp_dict_find_code(d, "fund_spent"), income = dp_dict_find_code(d, "income_total");
	cr_assert(name >= 0 && alloc >= 0 && spent >= 0 && income >= 0);
	cr_expect_str_eq(row.text[income], "", "before any row");

	const char *a[] = { "2021", "440000001", "'=乡村振兴", "120.5", "100", "8" };
	struct dp_record ra = rec(a, len, 6);
	dp_deptrow_load(&row, &ra);
	cr_expect_str_eq(row.text[name], "=乡村振兴", "unguarded");
	cr_expect(row.has[alloc] && row.val[alloc] == 120 * DP_DEC_ONE + 50 * DP_CENT);
	cr_expect(row.has[spent] && row.val[spent] == 100 * DP_DEC_ONE);
	cr_expect(!row.has[income] && row.text[income][0] == '\0', "a field the header lacks");

	const char *b[] = { "2021", "440000002", "", "abc" }; /* short: no spent, no self-evaluation */
	size_t lb[4];
	struct dp_record rb = rec(b, lb, 4);
	dp_deptrow_load(&row, &rb);
	cr_expect_str_eq(row.text[name], "");
	cr_expect(!row.has[name]);
	cr_expect(!row.has[alloc], "“abc” is not a number");
	cr_expect_eq(row.val[alloc], 0);
	cr_expect(!row.has[spent] && row.val[spent] == 0 && row.text[spent][0] == '\0', "a cell the row lacks");

	/* a row of cells, its lengths given or measured: the same values */
	for (int given = 0; given < 2; given++) {
		dp_deptrow_load(&row, &rb);
		dp_deptrow_load_cells(&row, a, given ? len : NULL, 6);
		cr_expect(row.has[alloc] && row.val[alloc] == 120 * DP_DEC_ONE + 50 * DP_CENT, "cells, lengths %s",
			  given ? "given" : "measured");
		cr_expect(row.has[spent] && row.val[spent] == 100 * DP_DEC_ONE);
		cr_expect_str_eq(row.text[name], "=乡村振兴");
	}

	dp_deptrow_load_text(&row, &ra);
	cr_expect(row.has[alloc] && row.val[alloc] == 0, "text only: given, not parsed");
	cr_expect_str_eq(row.text[spent], "100");
	dp_deptrow_free(&row);
	dp_buf_free(&err);
	dp_dict_free(d);
	dp_rules_free(r);
}
