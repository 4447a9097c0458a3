/* The catalogue of finding codes (catalog.h): its rows agree with the enum,
 * and a finding made from a code carries the catalogue's name and severity. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "deptperf/catalog.h"
#include "deptperf/findings.h"

Test(catalog, every_code_has_a_whole_row_and_a_unique_name)
{
	for (int c = DP_NO_CODE + 1; c < DP_NCODES; c++) {
		const struct dp_code_info *r = dp_code_info((enum dp_code)c);
		cr_assert_not_null(r->code, "code %d has no row", c);
		cr_expect((r->code[0] == 'E') == r->error && (r->code[0] == 'E' || r->code[0] == 'W') &&
				  r->code[1] == '-',
			  "%s: its name and severity disagree", r->code);
		const char *texts[] = { r->spec, r->meaning_zh, r->action_zh, r->meaning_en, r->action_en, r->shown_by };
		for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
			cr_expect(texts[i] && (i == 0 || texts[i][0]), "%s: text %zu is empty", r->code, i);
		cr_expect_eq(dp_code_find(r->code), c, "%s is not found by its name", r->code);
		for (int d = DP_NO_CODE + 1; d < c; d++)
			cr_expect_str_neq(dp_code_info((enum dp_code)d)->code, r->code, "two rows named %s", r->code);
	}
	cr_expect_eq(dp_code_find("E-NOSUCH"), DP_NO_CODE);
	cr_expect_eq(dp_code_find(""), DP_NO_CODE);
}

Test(catalog, a_finding_takes_the_catalogues_name_and_severity)
{
	struct dp_findings fs = { 0 };
	for (int c = DP_NO_CODE + 1; c < DP_NCODES; c++)
		dp_findings_add(&fs, (enum dp_code)c, "f.csv", 1, NULL, NULL, NULL, NULL, "m");
	cr_assert_eq(fs.n, DP_NCODES - 1);
	size_t errors = 0;
	for (size_t i = 0; i < fs.n; i++) {
		const struct dp_code_info *r = dp_code_info((enum dp_code)(i + 1));
		cr_expect_str_eq(fs.v[i].code, r->code);
		cr_expect_eq(fs.v[i].error, r->error, "%s", r->code);
		errors += r->error;
	}
	cr_expect_eq(fs.errors, errors);
	cr_expect_eq(fs.warnings, fs.n - errors);
	dp_findings_free(&fs);
}

Test(catalog, markdown_has_a_section_per_code)
{
	struct dp_buf b = DP_BUF_INIT;
	dp_catalog_markdown(&b);
	const char *s = dp_buf_str(&b);
	for (int c = DP_NO_CODE + 1; c < DP_NCODES; c++) {
		const struct dp_code_info *r = dp_code_info((enum dp_code)c);
		char head[64];
		snprintf(head, sizeof head, "\n## %s (%s", r->code, r->error ? "error" : "warning");
		cr_expect(strstr(s, head), "no section for %s", r->code);
	}
	dp_buf_free(&b);
}
