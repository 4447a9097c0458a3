/* The aggregate tables (SPEC §6) on four departments whose figures a clerk
 * can check by hand: the seed (T1, 96.95), two with 产出指标完成率 90 (T2,
 * T3: 10 × 0.9 = 9 points, total 95.95, a tie) and one with 50 (T4: 5
 * points, 91.95); T1 and T2 in the seed's 所属领域, T3 and T4 in 民政. */
#include <criterion/criterion.h>
#include <string.h>

#include "deptperf/stage.h"
#include "deptperf/status.h"
#include "helpers.h"

/* The seed as department code, with 产出指标完成率 and 所属领域 as given. */
static char *dept(const char *code, const char *output, const char *sector)
{
	struct dp_buf row = DP_BUF_INIT, b = DP_BUF_INIT;
	dp_buf_addf(&row, "产出指标完成率,%s,%%,", output);
	char *a = t_seed_with("产出指标完成率", row.s);
	const char *p = strstr(a, "部门代码,440000015"), *q = strstr(a, "所属领域,人力资源和社会保障");
	cr_assert(p && q && p < q);
	dp_buf_add(&b, a, (size_t)(p - a));
	dp_buf_addf(&b, "部门代码,%s", code);
	dp_buf_add(&b, p + strlen("部门代码,440000015"), (size_t)(q - p - strlen("部门代码,440000015")));
	dp_buf_addf(&b, "所属领域,%s", sector);
	dp_buf_adds(&b, q + strlen("所属领域,人力资源和社会保障"));
	free(a);
	dp_buf_free(&row);
	return dp_buf_detach(&b);
}

/* The lines of table name in run out, header included. */
static char *table(const char *out, const char *name)
{
	char *p = dp_path_join(out, name), *t = t_read_gz(p);
	free(p);
	return t;
}

static void has(const char *text, const char *line, const char *what)
{
	cr_expect(strstr(text, line), "%s: no line starting “%s” in\n%s", what, line, text);
}

Test(aggregate, ranks_ties_percentiles_and_statistics)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work"),
	     *out = dp_path_join(dir, "run");
	t_writes(in, "t1.csv", dept("T1", "100", "人力资源和社会保障"));
	t_writes(in, "t2.csv", dept("T2", "90", "人力资源和社会保障"));
	t_writes(in, "t3.csv", dept("T3", "90", "民政"));
	t_writes(in, "t4.csv", dept("T4", "50", "民政"));
	cr_assert_eq(t_chain(in, work, 4, NULL), DP_OK);
	struct dp_stage_opts o;
	memset(&o, 0, sizeof o);
	o.work = work;
	o.out = out;
	o.gzip_level = 6;
	struct dp_stage_report rep = { DP_BUF_INIT };
	struct dp_buf err = DP_BUF_INIT;
	cr_assert_eq(dp_aggregate_run(&o, &rep, &err), DP_OK, "%s", dp_buf_str(&err));
	/* competition ranks (1, 2, 2, 4), ties by dept_code; the rank within the
	 * sector; percentile = share with a lower total */
	char *r = table(out, "rankings.csv.gz");
	has(r, "\n2021,1,T1,", "T1 first");
	has(r, "\n2021,2,T2,", "T2 tied second, listed first");
	has(r, "\n2021,2,T3,", "T3 tied second");
	has(r, "\n2021,4,T4,", "T4 fourth, not third");
	cr_expect(strstr(r, "\n2021,2,T2,") < strstr(r, "\n2021,2,T3,"), "ties by dept_code");
	has(r, ",96.95,优,96.95,0.00,1,1,75.00,", "T1: total, grade, self, delta, rank in parent and sector, percentile");
	has(r, ",95.95,优,96.95,1.00,2,2,25.00,", "T2: second in its sector, a quarter lower");
	has(r, ",95.95,优,96.95,1.00,2,1,25.00,", "T3: first in 民政");
	has(r, ",91.95,优,96.95,5.00,4,2,0.00,", "T4: nobody lower");
	/* nearest-rank statistics of 产出指标完成情况 over 10, 9, 9, 5: mean 8.25,
	 * median the 2nd smallest (9), p10 the 1st (5), p90 the 4th (10),
	 * a quarter at full marks */
	char *s = table(out, "summary_indicators.csv.gz");
	has(s, "\n2021,output,产出指标完成情况,10.00,4,8.25,9.00,5.00,10.00,5.00,10.00,25.00\n", "output's statistics");
	char *g = table(out, "summary_grades.csv.gz");
	has(g, "\n2021,province,优,4,100.00\n", "all four 优");
	has(g, "\n2021,民政,优,2,100.00\n", "two in 民政");
	char *d = table(out, "discrepancies.csv.gz");
	has(d, "\n2021,T4,", "the largest difference first");
	dp_buf_free(&rep.line);
	dp_buf_free(&err);
}
