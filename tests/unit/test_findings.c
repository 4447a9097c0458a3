#include <criterion/criterion.h>
#include <string.h>

#include "deptperf/findings.h"
#include "deptperf/stage.h"
#include "helpers.h"

Test(findings, sorted_by_file_line_code_and_round_trip)
{
	struct dp_findings fs = { 0 };
	dp_findings_add(&fs, DP_W_OVERSPENT, "b.csv", 3, "x", "2021", "fund_spent", "9", "m1");
	dp_findings_add(&fs, DP_E_SUM, "b.csv", 3, "x", "2021", "income_total", "=1", "m2");
	dp_findings_add(&fs, DP_E_CSV, "a.csv", 10, NULL, NULL, NULL, NULL, "m3");
	dp_findings_add(&fs, DP_E_ENCODING, "b.csv", 0, NULL, NULL, NULL, NULL, "m4 %d", 5);
	cr_expect_eq(fs.errors, 3);
	cr_expect_eq(fs.warnings, 1);
	char *dir = t_tmpdir(), *p = dp_path_join(dir, "f.csv.gz");
	struct dp_buf err = DP_BUF_INIT;
	cr_assert(dp_findings_write(&fs, p, 6, NULL, &err));
	char *text = t_read_gz(p);
	cr_expect_str_eq(text, "severity,code,file,line,dept_code,fiscal_year,field,value,message\n"
			       "error,E-CSV,a.csv,10,,,,,m3\n"
			       "error,E-ENCODING,b.csv,,,,,,m4 5\n"
			       "error,E-SUM,b.csv,3,x,2021,income_total,'=1,m2\n"
			       "warning,W-OVERSPENT,b.csv,3,x,2021,fund_spent,9,m1\n");
	struct dp_findings back = { 0 };
	cr_assert(dp_findings_load(&back, p, &err));
	cr_expect_eq(back.n, 4);
	cr_assert(dp_findings_write(&back, p, 6, NULL, &err));
	char *again = t_read_gz(p);
	cr_expect_str_eq(again, text, "writing what was read changes nothing");
	dp_findings_free(&fs);
	dp_findings_free(&back);
}
