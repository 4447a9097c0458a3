/* record.c on records built in memory (no file, no stage): each case is a
 * form's rows or a bulk row, and what the submission must hold after them —
 * fields' canonical text, the funds — and the exact findings (code, field,
 * line) they must make. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/record.h"
#include "deptperf/rules.h"
#include "deptperf/stage.h"

static struct dp_rules *rules;
static struct dp_dict *dict;

static void setup(void)
{
	struct dp_buf err = DP_BUF_INIT;
	rules = dp_rules_load(DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv", &err);
	cr_assert(rules, "%s", dp_buf_str(&err));
	dict = dp_dict_new(rules);
	dp_buf_free(&err);
}

static void teardown(void)
{
	dp_dict_free(dict);
	dp_rules_free(rules);
}

/* A record of up to 8 cells (NULL ends them). */
struct rec8 {
	const char *f[8];
	size_t len[8];
	struct dp_record r;
};

static const struct dp_record *record(struct rec8 *b, const char *const *cells, uint64_t line)
{
	size_t n = 0;
	for (; n < 8 && cells[n]; n++) {
		b->f[n] = cells[n];
		b->len[n] = strlen(cells[n]);
	}
	b->r = (struct dp_record){ .n = n, .f = b->f, .len = b->len, .line = line };
	return &b->r;
}

/* The canonical text of field code in s. */
static const char *val(const struct dp_rec_sub *s, const char *code)
{
	int i = dp_dict_find_code(dict, code);
	cr_assert_geq(i, 0, "%s", code);
	return dp_buf_str(&s->val[i]);
}

/* "CODE field line" of each finding, ";"-separated. */
static char *said(const struct dp_findings *fs)
{
	struct dp_buf b = DP_BUF_INIT;
	for (size_t i = 0; i < fs->n; i++)
		dp_buf_addf(&b, "%s%s %s %llu", i ? ";" : "", fs->v[i].code, fs->v[i].field,
			    (unsigned long long)fs->v[i].line);
	return b.s ? dp_buf_detach(&b) : dp_xstrdup("");
}

#define ROWS 4
static const struct {
	const char *name;
	bool xls;
	const char *rows[ROWS][4]; /* 字段, 值, 单位, 分项; lines 2, 3, … */
	const char *code, *want;   /* a field and its canonical text after the rows */
	const char *findings;      /* exactly these */
	size_t errors;
} forms[] = {
	{ "money in 万元", false, { { "收入合计", "3998.03", "万元", "" } }, "income_total", "3998.03", "", 0 },
	{ "money in 元", false, { { "收入合计", "39980300", "元", "" } }, "income_total", "3998.03", "", 0 },
	{ "full-width digits", false, { { "收入合计", "３９９８．０３", "万元", "" } }, "income_total", "3998.03", "", 0 },
	{ "a percent as text", false, { { "平均支出进度", "38.12%", "", "" } }, "exec_progress", "38.12", "", 0 },
	{ "a date", false, { { "填报日期", "2022年1月5日", "", "" } }, "filed_on", "2022-01-05", "", 0 },
	{ "an alias of a label", false, { { "实际下达", "1", "万元", "专项1" } }, "income_total", "", "", 0 },
	{ "not a number", false, { { "收入合计", "3998.O3", "万元", "" } }, "income_total", "",
	  "E-NUMBER income_total 2", 1 },
	{ "a percent from .xls that may be a fraction", true, { { "平均支出进度", "0.3812", "", "" } }, "exec_progress",
	  "", "E-UNIT exec_progress 2", 1 },
	{ "the same from .csv is 0.3812 %", false, { { "平均支出进度", "0.3812", "", "" } }, "exec_progress", "0.3812",
	  "", 0 },
	{ "given twice, the same", false, { { "收入合计", "1", "万元", "" }, { "收入合计", "10000", "元", "" } },
	  "income_total", "1.00", "", 0 },
	{ "given twice, not the same", false, { { "收入合计", "1", "万元", "" }, { "收入合计", "2", "万元", "" } },
	  "income_total", "1.00", "E-CONFLICT income_total 3", 1 },
	{ "an unknown label", false, { { "收入合记", "1", "万元", "" } }, "income_total", "",
	  "W-FIELD-UNKNOWN 收入合记 2", 0 },
	{ "no label", false, { { "", "1", "", "" } }, "income_total", "", "W-FIELD-UNKNOWN  2", 0 },
};

Test(record, form_rows, .init = setup, .fini = teardown)
{
	static const char *const header[] = { "字段", "值", "单位", "分项", NULL };
	struct rec8 b;
	struct dp_header h;
	cr_assert_eq(dp_header_parse(dict, record(&b, header, 1), &h), DP_SHAPE_FORM);
	struct dp_rec_in in = { .dict = dict, .hdr = &h, .shape = DP_SHAPE_FORM, .file = "f.csv" };
	for (size_t c = 0; c < sizeof forms / sizeof forms[0]; c++) {
		struct dp_rec_sub s;
		struct dp_findings fs = { 0 };
		dp_rec_sub_init(&s, dp_dict_count(dict));
		in.xls = forms[c].xls;
		for (size_t i = 0; i < ROWS && forms[c].rows[i][0]; i++)
			dp_rec_form_row(&in, &s, record(&b, forms[c].rows[i], 2 + i), i + 1, &fs);
		cr_expect_str_eq(val(&s, forms[c].code), forms[c].want, "%s: %s is \"%s\"", forms[c].name, forms[c].code,
				 val(&s, forms[c].code));
		char *got = said(&fs);
		cr_expect_str_eq(got, forms[c].findings, "%s", forms[c].name);
		cr_expect_eq(s.errors, forms[c].errors, "%s: errors", forms[c].name);
		free(got);
		dp_findings_free(&fs);
		dp_rec_sub_free(&s);
	}
	dp_header_free(&h);
}

/* A form's fund rows are grouped by 分项 into one fund each, whatever the
 * order; a fund's wrong value counts against the fund; past 10 000 rows a
 * form is said to be too long once, and its rows are not read. */
Test(record, form_funds_and_length, .init = setup, .fini = teardown)
{
	static const char *const header[] = { "字段", "值", "单位", "分项", NULL };
	static const char *const rows[][5] = {
		{ "专项资金名称", "乡村振兴", "", "专项1", NULL }, { "专项资金下达", "100", "万元", "专项1", NULL },
		{ "专项资金名称", "教育", "", "专项2", NULL },     { "专项资金支出", "abc", "万元", "专项2", NULL },
		{ "专项资金支出", "80", "万元", "专项1", NULL },
	};
	struct rec8 b;
	struct dp_header h;
	cr_assert_eq(dp_header_parse(dict, record(&b, header, 1), &h), DP_SHAPE_FORM);
	struct dp_rec_in in = { .dict = dict, .hdr = &h, .shape = DP_SHAPE_FORM, .file = "f.csv" };
	struct dp_rec_sub s;
	struct dp_findings fs = { 0 };
	dp_rec_sub_init(&s, dp_dict_count(dict));
	for (size_t i = 0; i < 5; i++)
		dp_rec_form_row(&in, &s, record(&b, rows[i], 2 + i), i + 1, &fs);
	cr_assert_eq(s.nfunds, 2);
	cr_expect_str_eq(dp_buf_str(&s.funds[0].name), "专项1");
	cr_expect_str_eq(dp_buf_str(&s.funds[0].val[DP_FUND_ALLOC]), "100.00");
	cr_expect_str_eq(dp_buf_str(&s.funds[0].val[DP_FUND_SPENT]), "80.00");
	cr_expect_eq(s.funds[0].errors, 0);
	cr_expect_eq(s.funds[1].errors, 1, "the wrong value is the fund's");
	cr_expect(s.funds[1].bad[DP_FUND_SPENT]);
	cr_expect_eq(s.errors, 0, "not the submission's own (the stage adds its funds' when it writes it)");
	char *got = said(&fs);
	cr_expect_str_eq(got, "E-NUMBER fund_spent 5");
	free(got);
	/* row 10 001 and 10 002 */
	static const char *const more[] = { "收入合计", "1", "万元", "", NULL };
	dp_rec_form_row(&in, &s, record(&b, more, 10002), 10001, &fs);
	dp_rec_form_row(&in, &s, record(&b, more, 10003), 10002, &fs);
	got = said(&fs);
	cr_expect_str_eq(got, "E-NUMBER fund_spent 5;E-TOO-LONG  10002");
	cr_expect_str_eq(val(&s, "income_total"), "", "a row past the bound is not read");
	free(got);
	dp_findings_free(&fs);
	dp_rec_sub_free(&s);
	dp_header_free(&h);
}

/* A bulk export's header and rows: units from the header's brackets, a
 * column of no field warned once at the header, more cells than the header
 * warned, an unknown column's overlong text refused, a fund column in a
 * departments' export ignored with a warning. */
Test(record, bulk_rows, .init = setup, .fini = teardown)
{
	static const char *const header[] = { "部门代码", "年度", "部门名称", "收入合计（元）", "备注", "专项资金下达", NULL };
	struct rec8 b;
	struct dp_header h;
	cr_assert_eq(dp_header_parse(dict, record(&b, header, 1), &h), DP_SHAPE_BULK_DEPT);
	struct dp_rec_in in = { .dict = dict, .hdr = &h, .shape = DP_SHAPE_BULK_DEPT, .file = "b.csv" };
	struct dp_findings fs = { 0 };
	dp_rec_header_warnings(&in, 1, &fs);
	char *got = said(&fs);
	cr_expect_str_eq(got, "W-FIELD-UNKNOWN 备注 1;W-FIELD-UNKNOWN 专项资金下达 1");
	free(got);
	dp_findings_free(&fs);
	struct dp_rec_sub s;
	dp_rec_sub_init(&s, dp_dict_count(dict));
	static const char *const row[] = { "440000015", "2021", " 甲厅 ", "39980300", "备注", "5", "", NULL };
	dp_rec_bulk_row(&in, &s, record(&b, row, 2), &fs);
	cr_expect_str_eq(val(&s, "dept_code"), "440000015");
	cr_expect_str_eq(val(&s, "fiscal_year"), "2021");
	cr_expect_str_eq(val(&s, "dept_name"), "甲厅");
	cr_expect_str_eq(val(&s, "income_total"), "3998.03", "元 from the header");
	cr_expect_str_eq(val(&s, "fund_alloc"), "", "a fund column of a departments' export is not read");
	cr_expect_eq(s.line, 2);
	got = said(&fs);
	cr_expect_str_eq(got, "", "an empty cell past the header is nothing");
	free(got);
	dp_rec_sub_reset(&s, 0);
	static char longer[5000];
	memset(longer, 'x', sizeof longer - 1);
	static const char *row2[] = { "440000016", "2021", "乙厅", "1", longer, "", "多", NULL };
	row2[4] = longer;
	dp_rec_bulk_row(&in, &s, record(&b, row2, 3), &fs);
	got = said(&fs);
	cr_expect_str_eq(got, "W-FIELD-UNKNOWN  3;E-TOO-LONG 备注 3");
	cr_expect_eq(s.errors, 1);
	free(got);
	dp_findings_free(&fs);
	dp_rec_sub_free(&s);
	dp_header_free(&h);
}
