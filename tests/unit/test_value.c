#include <criterion/criterion.h>
#include <string.h>

#include "deptperf/fields.h"
#include "deptperf/text.h"
#include "deptperf/value.h"

static const struct {
	int field;
	const char *raw;
	const char *unit; /* the unit column or bracket, NULL: none */
	const char *code; /* NULL: accepted */
	const char *out;
} cases[] = {
	{ DP_F_INCOME_TOTAL, "3998.03", "万元", NULL, "3998.03" },
	{ DP_F_INCOME_TOTAL, "39,980,300", "元", NULL, "3998.03" },
	{ DP_F_INCOME_TOTAL, "39980300元", NULL, NULL, "3998.03" },
	{ DP_F_INCOME_TOTAL, "0.3998亿元", NULL, NULL, "3998.00" },
	{ DP_F_INCOME_TOTAL, "３９９８．０３", NULL, NULL, "3998.03" },
	{ DP_F_INCOME_TOTAL, "3998.03万元", "万元", NULL, "3998.03" },
	{ DP_F_INCOME_TOTAL, "3998.03万元", "元", "E-UNIT", NULL },
	{ DP_F_INCOME_TOTAL, "3998.03", "美元", "E-UNIT", NULL },
	{ DP_F_INCOME_TOTAL, "3998.03", "\xE3\x80\x80万元 ", NULL, "3998.03" },
	{ DP_F_INCOME_TOTAL, "3998.03万元", " 元", "E-UNIT", NULL },
	{ DP_F_INCOME_TOTAL, "38%", NULL, "E-UNIT", NULL },
	{ DP_F_INCOME_TOTAL, "三千", NULL, "E-NUMBER", NULL },
	{ DP_F_INCOME_TOTAL, "12.3.4", NULL, "E-NUMBER", NULL },
	{ DP_F_INCOME_TOTAL, "(12.50)", NULL, NULL, "-12.50" },
	{ DP_F_INCOME_TOTAL, "1.2E+03", NULL, NULL, "1200.00" },
	{ DP_F_EXEC_PROGRESS, "38.12%", NULL, NULL, "38.12" },
	{ DP_F_EXEC_PROGRESS, "38.12％", NULL, NULL, "38.12" },
	{ DP_F_EXEC_PROGRESS, "38.12", "百分比", NULL, "38.12" },
	{ DP_F_UNIT_COUNT, "1", "个", NULL, "1" },
	{ DP_F_UNIT_COUNT, "1.5", NULL, "E-NUMBER", NULL },
	{ DP_F_COST_ENERGY, "50.87", "元/平方米", NULL, "50.87" },
	{ DP_F_FILED_ON, "2022年6月6日", NULL, NULL, "2022-06-06" },
	{ DP_F_FILED_ON, "2022年2月30日", NULL, "E-DATE", NULL },
	{ DP_F_FISCAL_YEAR, "2021", NULL, NULL, "2021" },
	{ DP_F_FISCAL_YEAR, "2021年", NULL, NULL, "2021" },
	{ DP_F_FISCAL_YEAR, "二〇二一", NULL, "E-NUMBER", NULL },
	{ DP_F_DEPT_CODE, "４４００００１５", NULL, NULL, "44000015" },
	{ DP_F_DEPT_CODE, "../../x", NULL, "E-CODE", NULL },
	{ DP_F_DEPT_NAME, "  广东省（测试）厅 ", NULL, NULL, "广东省（测试）厅" },
	{ DP_F_DEPT_NAME, "", NULL, NULL, "" },
};

/* the catalogue's name of a code, NULL for none */
static const char *cname(enum dp_code c)
{
	return c == DP_NO_CODE ? NULL : dp_code_info(c)->code;
}

Test(value, normalization_table)
{
	struct dp_dict *d = dp_dict_new(NULL);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct dp_buf out = DP_BUF_INIT, why = DP_BUF_INIT;
		struct dp_unit_hint h = { .text = cases[i].unit, .len = cases[i].unit ? strlen(cases[i].unit) : 0 };
		const char *code = cname(dp_value_norm(dp_dict_field(d, (size_t)cases[i].field), cases[i].raw,
						 strlen(cases[i].raw), &h, &out, &why));
		if (cases[i].code) {
			cr_expect(code && strcmp(code, cases[i].code) == 0, "case %zu (%s): got %s", i, cases[i].raw,
				  code ? code : "accepted");
			cr_expect(why.len > 0, "case %zu has a message", i);
		} else {
			cr_expect_null(code, "case %zu (%s): %s", i, cases[i].raw, dp_buf_str(&why));
			cr_expect_str_eq(dp_buf_str(&out), cases[i].out, "case %zu", i);
		}
		/* a hint normalized and looked up once (a bulk header's) gives the
		 * same result and message */
		if (cases[i].unit) {
			struct dp_buf u = DP_BUF_INIT, out2 = DP_BUF_INIT, why2 = DP_BUF_INIT;
			dp_text_norm(&u, cases[i].unit, strlen(cases[i].unit), true);
			struct dp_unit_hint hn = dp_unit_hint_fixed(dp_buf_str(&u));
			const char *code2 = cname(dp_value_norm(dp_dict_field(d, (size_t)cases[i].field), cases[i].raw,
							  strlen(cases[i].raw), &hn, &out2, &why2));
			cr_expect((code == NULL) == (code2 == NULL) && (!code || strcmp(code, code2) == 0),
				  "case %zu with the hint normalized: %s", i, code2 ? code2 : "accepted");
			cr_expect_str_eq(dp_buf_str(&out2), dp_buf_str(&out), "case %zu with the hint normalized", i);
			cr_expect_str_eq(dp_buf_str(&why2), dp_buf_str(&why), "case %zu with the hint normalized", i);
			dp_buf_free(&u);
			dp_buf_free(&out2);
			dp_buf_free(&why2);
		}
		dp_buf_free(&out);
		dp_buf_free(&why);
	}
	dp_dict_free(d);
}

Test(value, too_long)
{
	struct dp_dict *d = dp_dict_new(NULL);
	char big[5000];
	memset(big, 'x', sizeof big);
	struct dp_buf out = DP_BUF_INIT, why = DP_BUF_INIT;
	cr_expect_eq(dp_value_norm(dp_dict_field(d, DP_F_DEPT_NAME), big, sizeof big, NULL, &out, &why), DP_E_TOO_LONG);
	dp_dict_free(d);
}

/* dp_value_norm takes a number already in canonical form as it is, without
 * parsing and formatting it: for every string, its result must be what
 * parsing and formatting give (or E-NUMBER where parsing fails). */
static void expect_as_formatted(const struct dp_field *f, const char *s, bool integer, const struct dp_unit_hint *h)
{
	struct dp_buf out = DP_BUF_INIT, why = DP_BUF_INIT, want = DP_BUF_INIT;
	dp_dec d;
	bool ok = dp_dec_parse(s, strlen(s), &d) == DP_DEC_OK && (!integer || d % DP_DEC_ONE == 0);
	if (ok)
		dp_dec_format(&want, d, integer ? 0 : 2, integer ? 0 : 8);
	const char *code = cname(dp_value_norm(f, s, strlen(s), h, &out, &why));
	if (ok) {
		cr_expect_null(code, "“%s”: %s", s, dp_buf_str(&why));
		cr_expect_str_eq(dp_buf_str(&out), dp_buf_str(&want), "“%s”", s);
	} else {
		cr_expect(code && strcmp(code, "E-NUMBER") == 0, "“%s”: %s", s, code ? code : "accepted");
	}
	dp_buf_free(&out);
	dp_buf_free(&why);
	dp_buf_free(&want);
}

Test(value, numbers_taken_as_written_are_what_formatting_gives)
{
	struct dp_dict *d = dp_dict_new(NULL);
	const struct dp_field *money = dp_dict_field(d, DP_F_INCOME_TOTAL), *count = dp_dict_field(d, DP_F_UNIT_COUNT);
	struct dp_unit_hint wan = dp_unit_hint_fixed("万元");
	static const char *const edge[] = {
		"0", "-0", "00", "0.00", "-0.00", "0.5", "0.50", "-0.50", "12.30", "12.300", "12.345", "12.3450",
		"12.34567891", "12.12345678", "12.12345670", "1234567890.12", "12345678901.12", "99999999999.99",
		"1234567890", "12345678901", "-1234567890", "01", "01.00", "1.", ".50", "-", "--1", "1-2", "1..2",
		"-.50", "7", "-7", "70", "100.00", "100.10", "100.01",
	};
	for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
		expect_as_formatted(money, edge[i], false, &wan);
		expect_as_formatted(count, edge[i], true, NULL);
	}
	/* and 20 000 strings of digits, points and minus signs, seeded */
	uint64_t x = 20261127;
	for (int k = 0; k < 20000; k++) {
		char s[24];
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		size_t n = 1 + (x >> 59) % 14;
		for (size_t j = 0; j < n; j++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			unsigned r = (unsigned)(x >> 58) % 16;
			s[j] = r < 12 ? (char)('0' + r % 10) : r < 15 ? '.' : '-';
			if (j == 0 && r >= 14)
				s[j] = '-';
		}
		s[n] = '\0';
		expect_as_formatted(money, s, false, &wan);
		expect_as_formatted(count, s, true, NULL);
	}
	dp_dict_free(d);
}
