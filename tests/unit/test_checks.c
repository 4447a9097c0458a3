/* The checks of SPEC §4 on one record (checks.h), without I/O: the seed
 * submission of SPEC §2.2, normalized, changed one field at a time; each
 * case names the one finding it must give, with its field and line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/checks.h"
#include "deptperf/fields.h"
#include "deptperf/rules.h"
#include "deptperf/score.h"

/* The seed, as dp-normalize writes it (codes, canonical values). */
static const char *const seed[][2] = {
	{ "dept_code", "440000015" },
	{ "dept_name", "广东省人力资源和社会保障厅政务服务中心" },
	{ "fiscal_year", "2021" },
	{ "filed_on", "2022-06-06" },
	{ "income_total", "3998.03" },
	{ "income_fiscal", "3997.62" },
	{ "income_other", "0.41" },
	{ "expense_total", "4039.71" },
	{ "expense_basic", "502.42" },
	{ "expense_project", "3537.29" },
	{ "output_completion", "100" },
	{ "benefit_completion", "100" },
	{ "exec_progress", "38.12" },
	{ "cost_table_score", "7.30" },
	{ "three_public_budget", "33.08" },
	{ "three_public_actual", "0.78" },
	{ "self.overall", "23.05" },
	{ "self.special", "24.44" },
	{ "self.budget_prep", "5" },
	{ "self.budget_exec", "4" },
	{ "self.disclosure", "3" },
	{ "self.perf_mgmt", "15" },
	{ "self.procurement", "10" },
	{ "self.assets", "10" },
	{ "self.running_cost", "2.46" },
	{ "self_total", "96.95" },
	{ "self_grade", "优" },
	{ "uscc", "" },
};
#define NSEED (sizeof seed / sizeof *seed)

struct fixture {
	struct dp_rules *r;
	struct dp_dict *d;
	struct dp_scorer *s;
	struct dp_checks c;
	struct dp_score_result res;
};

static void setup(struct fixture *f)
{
	struct dp_buf err = DP_BUF_INIT;
	f->r = dp_rules_load(DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv", &err);
	cr_assert(f->r, "%s", dp_buf_str(&err));
	f->d = dp_dict_new(f->r);
	f->s = dp_scorer_new(f->r, f->d);
	dp_checks_init(&f->c, f->d, f->r, f->s);
	dp_score_result_init(&f->res, f->s);
}

static void teardown(struct fixture *f)
{
	dp_score_result_free(&f->res);
	dp_checks_free(&f->c);
	dp_scorer_free(f->s);
	dp_dict_free(f->d);
	dp_rules_free(f->r);
}

/* Checks the seed with field `code` set to `value` (NULL: the seed as it
 * is); the findings in fs, the error count returned. */
static size_t check_with(struct fixture *f, const char *code, const char *value, const char *bad_fields,
			 struct dp_findings *fs)
{
	const char *hdr[NSEED], *row[NSEED];
	size_t hl[NSEED], rl[NSEED];
	for (size_t i = 0; i < NSEED; i++) {
		hdr[i] = seed[i][0];
		row[i] = code && strcmp(code, seed[i][0]) == 0 ? value : seed[i][1];
		hl[i] = strlen(hdr[i]);
		rl[i] = strlen(row[i]);
	}
	struct dp_record h = { NSEED, hdr, hl, 1, 0 }, r = { NSEED, row, rl, 2, 0 };
	struct dp_deptrow d;
	struct dp_buf err = DP_BUF_INIT;
	cr_assert(dp_deptrow_init(&d, f->d, &h, &err), "%s", dp_buf_str(&err));
	dp_deptrow_load(&d, &r);
	/* a form whose 收入合计 is on line 17 and whose other fields are taken
	 * to be on its first line, 3 */
	char lines[32];
	snprintf(lines, sizeof lines, "%d:17", DP_F_INCOME_TOTAL);
	struct dp_check_site s = { .file = "f.csv", .line = 3, .field_lines = lines, .code = "440000015",
				   .year = "2021", .bad_fields = bad_fields ? bad_fields : "", .fs = fs, .res = &f->res };
	dp_check_submission(&f->c, &s, &d, true);
	dp_deptrow_free(&d);
	return s.errors;
}

Test(checks, the_seed_passes_every_check)
{
	struct fixture f;
	setup(&f);
	struct dp_findings fs = { 0 };
	cr_expect_eq(check_with(&f, NULL, NULL, NULL, &fs), 0);
	cr_expect_eq(fs.n, 0, "%s: %s", fs.n ? fs.v[0].code : "", fs.n ? fs.v[0].message : "");
	dp_findings_free(&fs);
	teardown(&f);
}

Test(checks, each_fault_gives_its_one_finding)
{
	static const struct {
		const char *field, *value, *bad; /* the change, and fields dp-normalize found bad */
		const char *code, *at;           /* the finding: code and field */
		uint64_t line;
		const char *in_message;
		const char *also; /* a second finding's code, which follows from the first */
	} cases[] = {
		{ "income_total", "3998.13", NULL, "E-SUM", "income_total", 17, "差 0.10", NULL },
		{ "expense_basic", "502.40", NULL, "E-SUM", "expense_total", 3, "4039.71", NULL },
		{ "income_total", "3998.04", NULL, NULL, NULL, 0, NULL, NULL }, /* within 0.01 */
		{ "dept_name", "", NULL, "E-REQUIRED", "dept_name", 3, "部门名称", NULL },
		{ "filed_on", "", NULL, "E-REQUIRED", "filed_on", 3, "填报日期", NULL },
		{ "filed_on", "", "filed_on", NULL, NULL, 0, NULL, NULL }, /* already an E-DATE of dp-normalize's */
		/* without it 部门预算资金支出率 is not applicable, and the self-scores no
		 * longer add up to the total rescaled */
		{ "exec_progress", "", NULL, "E-REQUIRED", "exec_progress", 3, "四项", "E-SUM" },
		{ "self.assets", "10.5", NULL, "E-RANGE", "self.assets", 3, "满分 10", "E-SUM" },
		{ "output_completion", "1000.01", NULL, "E-RANGE", "output_completion", 3, "1000", NULL },
		{ "self.perf_mgmt", "14", NULL, "E-SUM", "self_total", 3, "95.95", NULL },
		{ "self.overall", "23.15", NULL, "E-SUM", "self_total", 3, "97.05", NULL },
		{ "self_grade", "良", NULL, "W-GRADE-MISMATCH", "self_grade", 3, "“优”", NULL },
		/* a band's other names are that band (SPEC §5.1) */
		{ "self_grade", "优秀", NULL, NULL, NULL, 0, NULL, NULL },
		{ "self_grade", "良好", NULL, "W-GRADE-MISMATCH", "self_grade", 3, "“优”", NULL },
		{ "self_grade", "excellent", NULL, "W-GRADE-MISMATCH", "self_grade", 3, "不是评分规则中的等级名称", NULL },
		{ "uscc", "91350100M000100Y44", NULL, "E-USCC", "uscc", 3, "应为 3", NULL },
		{ "uscc", "91350100M000100Y43", NULL, NULL, NULL, 0, NULL, NULL },
		{ "uscc", "9135", NULL, "E-USCC", "uscc", 3, "18 位", NULL },
		{ "fiscal_year", "", NULL, "E-REQUIRED", "fiscal_year", 3, "年度", NULL },
	};
	struct fixture f;
	setup(&f);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct dp_findings fs = { 0 };
		size_t errors = check_with(&f, cases[i].field, cases[i].value, cases[i].bad, &fs);
		if (!cases[i].code) {
			cr_expect_eq(fs.n, 0, "case %zu (%s %s): %s", i, cases[i].field, cases[i].value,
				     fs.n ? fs.v[0].message : "");
			dp_findings_free(&fs);
			continue;
		}
		cr_expect_eq(fs.n, cases[i].also ? 2u : 1u, "case %zu (%s %s): %zu findings, the first %s", i, cases[i].field, cases[i].value,
			     fs.n, fs.n ? fs.v[0].message : "");
		if (fs.n >= 1) {
			struct dp_finding *x = &fs.v[0];
			cr_expect_str_eq(x->code, cases[i].code, "case %zu", i);
			cr_expect_str_eq(x->field, cases[i].at, "case %zu", i);
			cr_expect_eq(x->line, cases[i].line, "case %zu: line %llu", i, (unsigned long long)x->line);
			cr_expect(strstr(x->message, cases[i].in_message), "case %zu: “%s” lacks “%s”", i, x->message,
				  cases[i].in_message);
			cr_expect_str_eq(x->dept_code, "440000015");
			cr_expect_eq(errors, (cases[i].code[0] == 'E') + (cases[i].also != NULL), "case %zu", i);
		}
		if (cases[i].also && fs.n == 2)
			cr_expect_str_eq(fs.v[1].code, cases[i].also, "case %zu", i);
		dp_findings_free(&fs);
	}
	teardown(&f);
}

Test(checks, a_fund_row)
{
	static const struct {
		const char *name, *alloc, *spent, *selfeval, *code;
		bool bulk;
		const char *want; /* the one finding's code, NULL: none */
		const char *field;
	} cases[] = {
		{ "信息化专项", "2500", "2445.41", "97.74", "440000015", false, NULL, NULL },
		{ "信息化专项", "2500", "2500.01", "97.74", "440000015", false, "W-OVERSPENT", "fund_spent" },
		{ "信息化专项", "0", "0", "97.74", "440000015", false, "E-RANGE", "fund_alloc" },
		{ "信息化专项", "2500", "2445.41", "100.01", "440000015", false, "E-RANGE", "fund_selfeval" },
		{ "", "2500", "2445.41", "97.74", "440000015", false, "E-REQUIRED", "fund_name" },
		{ "信息化专项", "2500", "2445.41", "97.74", "", true, "E-REQUIRED", "dept_code" },
		/* a form's fund takes its department from the form */
		{ "信息化专项", "2500", "2445.41", "97.74", "", false, NULL, NULL },
	};
	struct fixture f;
	setup(&f);
	static const char *const hdr[] = { "fund_name", "fund_alloc", "fund_spent", "fund_selfeval", "dept_code",
					   "fiscal_year" };
	size_t hl[6];
	for (int k = 0; k < 6; k++)
		hl[k] = strlen(hdr[k]);
	struct dp_record h = { 6, (const char **)hdr, hl, 1, 0 };
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *row[] = { cases[i].name, cases[i].alloc, cases[i].spent, cases[i].selfeval, cases[i].code,
				      "2021" };
		size_t rl[6];
		for (int k = 0; k < 6; k++)
			rl[k] = strlen(row[k]);
		struct dp_record r = { 6, row, rl, 7, 0 };
		struct dp_deptrow d;
		struct dp_buf err = DP_BUF_INIT;
		cr_assert(dp_deptrow_init(&d, f.d, &h, &err), "%s", dp_buf_str(&err));
		dp_deptrow_load(&d, &r);
		struct dp_findings fs = { 0 };
		struct dp_check_site s = { .file = "funds.csv", .line = 7, .bad_fields = "", .fs = &fs, .res = &f.res };
		dp_check_fund(&f.c, &s, &d, cases[i].bulk);
		cr_expect_eq(fs.n, cases[i].want ? 1u : 0u, "case %zu: %zu findings, the first %s", i, fs.n,
			     fs.n ? fs.v[0].message : "");
		if (cases[i].want && fs.n) {
			cr_expect_str_eq(fs.v[0].code, cases[i].want, "case %zu", i);
			cr_expect_str_eq(fs.v[0].field, cases[i].field, "case %zu", i);
			cr_expect_eq(fs.v[0].line, 7);
			cr_expect_eq(s.errors, cases[i].want[0] == 'E' ? 1u : 0u, "case %zu", i);
		}
		dp_findings_free(&fs);
		dp_deptrow_free(&d);
	}
	teardown(&f);
}
