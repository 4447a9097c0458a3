/* roster.c: the --roster file (SPEC §7), with its Chinese headers, and
 * the files it refuses with the line of the fault. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "deptperf/roster.h"
#include "helpers.h"

Test(roster, loads_with_chinese_headers)
{
	char *dir = t_tmpdir();
	char *p = t_writes(dir, "r.csv", "部门代码,部门名称,主管部门代码,所属领域\nb2,乙,a1,教育\na1,甲,,教育\n");
	struct dp_buf err = DP_BUF_INIT;
	struct dp_roster *r = dp_roster_load(p, &err);
	cr_assert(r, "%s", dp_buf_str(&err));
	cr_expect_eq(r->n, 2);
	cr_expect_str_eq(r->v[0].dept_code, "a1");
	cr_expect_str_eq(dp_roster_find(r, "b2")->parent_code, "a1");
	cr_expect_null(dp_roster_find(r, "c3"));
	dp_roster_free(r);
}

Test(roster, refused)
{
	char *dir = t_tmpdir();
	static const struct {
		const char *csv, *why;
	} bad[] = {
		{ "name,sector\nx,y\n", ":1:" },
		{ "dept_code\na1\na1\n", ":3: 部门 a1 重复列出（首次在第 2 行）" },
		{ "dept_code\n\"a,1\"\n", ":2:" },
		{ "", ":1: 名册文件为空" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char name[16];
		snprintf(name, sizeof name, "r%zu.csv", i);
		struct dp_buf err = DP_BUF_INIT;
		cr_expect_null(dp_roster_load(t_writes(dir, name, bad[i].csv), &err), "case %zu", i);
		cr_expect(strstr(dp_buf_str(&err), bad[i].why), "case %zu: %s", i, dp_buf_str(&err));
	}
}
