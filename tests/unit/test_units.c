#include <criterion/criterion.h>
#include <string.h>

#include "deptperf/units.h"

Test(units, lookup_table)
{
	static const struct {
		const char *u;
		bool ok;
		enum dp_unit_kind k;
		int shift;
	} cases[] = {
		{ "万元", true, DP_UK_MONEY, 0 },   { "元", true, DP_UK_MONEY, -4 },
		{ "千元", true, DP_UK_MONEY, -1 },  { "亿元", true, DP_UK_MONEY, 4 },
		{ "%", true, DP_UK_PERCENT, 0 },    { "百分比", true, DP_UK_PERCENT, 0 },
		{ "分", true, DP_UK_SCORE, 0 },     { "个", true, DP_UK_COUNT, 0 },
		{ "人", true, DP_UK_COUNT, 0 },     { "㎡", true, DP_UK_AREA, 0 },
		{ "平方米", true, DP_UK_AREA, 0 },  { "元/平方米", true, DP_UK_UNITCOST, 0 },
		{ "美元", false, DP_UK_NONE, 0 },   { "", false, DP_UK_NONE, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum dp_unit_kind k = DP_UK_NONE;
		int s = 99;
		bool ok = dp_unit_lookup(cases[i].u, strlen(cases[i].u), &k, &s);
		cr_expect_eq(ok, cases[i].ok, "%s", cases[i].u);
		if (ok) {
			cr_expect_eq(k, cases[i].k, "%s", cases[i].u);
			cr_expect_eq(s, cases[i].shift, "%s", cases[i].u);
		}
	}
}

Test(units, split_inline)
{
	static const struct {
		const char *s;
		size_t num;
	} cases[] = { { "2500万元", 4 }, { "38.12%", 5 }, { "1.2E+07元", 7 }, { "(12.50)万元", 7 },
		      { "万元", 0 },     { "12 元", 2 }, { "50.87元/平方米", 5 } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n;
		dp_unit_split(cases[i].s, strlen(cases[i].s), &n);
		cr_expect_eq(n, cases[i].num, "%s: %zu", cases[i].s, n);
	}
}
