/* dp-ingest and dp-normalize on small inputs: each finding these stages emit
 * comes out with its file and line, and never stops the other files. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "deptperf/filetab.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"
#include "helpers.h"

static const char bulk_header[] = "部门代码,部门名称,年度,填报日期,收入合计(元),财政拨款收入（万元）,支出合计,基本支出,项目支出,"
				  "产出指标完成率,效益指标完成率,平均支出进度,经济成本分析自评表得分,三公经费预算数,"
				  "三公经费实际支出数,预算编制得分,预算执行得分,信息公开得分,绩效管理得分,采购管理得分,"
				  "资产管理得分,自评总分\n";

static void check(const struct dp_findings *fs, const char *code, const char *file, uint64_t line)
{
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].code, code) == 0 && strstr(fs->v[i].file, file) && fs->v[i].line == line) {
			cr_expect(fs->v[i].message[0], "%s has a message", code);
			return;
		}
	cr_expect_fail("no %s for %s line %llu", code, file, (unsigned long long)line);
}

Test(ingest, every_file_finding_and_the_rest_still_read)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	t_writes(in, "a-good.csv", t_seed_form);
	t_write(in, "b-nul.csv", "字段,值\n部门\0代码,1\n", 22);
	t_write(in, "c-latin1.csv", "字段,值\n\xff\xfe\xff,1\n", 17);
	t_writes(in, "d-csv.csv", "字段,值\n部门代码,\"44\"0\n");
	t_writes(in, "e-shape.csv", "姓名,年龄\n张三,30\n");
	t_writes(in, "f-empty.csv", "");
	t_writes(in, "g-header-only.csv", "字段,值,单位,分项\n");
	t_writes(in, "h-notes.txt", "not a csv");
	char *gz = dp_path_join(in, "i-truncated.csv.gz");
	gzFile g = gzopen(gz, "wb");
	gzputs(g, t_seed_form);
	gzclose(g);
	struct stat st;
	stat(gz, &st);
	cr_assert_eq(truncate(gz, st.st_size / 2), 0);
	int rc = t_chain(in, work, 2, NULL);
	cr_expect_eq(rc, DP_FINDINGS);
	struct dp_findings fs;
	t_findings(work, &fs);
	check(&fs, "E-ENCODING", "b-nul.csv", 0);
	check(&fs, "E-ENCODING", "c-latin1.csv", 0);
	check(&fs, "E-CSV", "d-csv.csv", 2);
	check(&fs, "E-SHAPE", "e-shape.csv", 1);
	check(&fs, "E-SHAPE", "f-empty.csv", 0);
	check(&fs, "E-SHAPE", "g-header-only.csv", 1);
	check(&fs, "E-ENCODING", "i-truncated.csv.gz", 0);
	cr_expect_eq(t_count(&fs, "E-ENCODING", "a-good"), 0);
	struct dp_filetab tab = { 0 };
	struct dp_buf err = DP_BUF_INIT;
	char *ip = dp_path_join(work, "inputs.csv.gz");
	cr_assert(dp_filetab_load(&tab, ip, &err));
	cr_expect_eq(tab.n, 9, "every file is listed");
	cr_expect_str_eq(tab.v[0].status, "accepted");
	cr_expect_eq(tab.v[0].submissions, 1);
	cr_expect_str_eq(tab.v[7].status, "skipped");
	for (size_t i = 1; i < 9; i++)
		if (i != 7)
			cr_expect_str_eq(tab.v[i].status, "rejected", "%s", tab.v[i].file);
	dp_filetab_free(&tab);
	dp_findings_free(&fs);
}

Test(ingest, no_input_and_unreadable_folder)
{
	struct dp_stage_opts o;
	memset(&o, 0, sizeof o);
	char *dir = t_tmpdir();
	const char *in[1] = { "/nonexistent/deptperf" };
	o.inputs = in;
	o.ninputs = 1;
	o.work = dir;
	struct dp_stage_report rep = { DP_BUF_INIT };
	struct dp_buf err = DP_BUF_INIT;
	cr_expect_eq(dp_ingest_run(&o, &rep, &err), DP_NOINPUT);
	cr_expect(err.len);
	in[0] = dir; /* a folder with no CSV in it */
	dp_buf_reset(&err);
	cr_expect_eq(dp_ingest_run(&o, &rep, &err), DP_NOINPUT);
	if (geteuid() != 0) { /* root reads any folder */
		char *locked = dp_path_join(dir, "locked");
		mkdir(locked, 0);
		t_writes(dir, "x.csv", t_seed_form);
		dp_buf_reset(&err);
		cr_expect_eq(dp_ingest_run(&o, &rep, &err), DP_IOERR);
	}
}

Test(normalize, value_findings_with_field_and_line)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	t_writes(in, "n1.csv", t_seed_with("收入合计", "收入合计,3998.O3,万元,"));
	t_writes(in, "n2.csv", t_seed_with("收入合计", "收入合计,3998.03,美元,"));
	t_writes(in, "n3.csv", t_seed_with("填报日期", "填报日期,2022年2月30日,,"));
	t_writes(in, "n4.csv", t_seed_with("部门代码", "部门代码,44/0015,,"));
	t_writes(in, "n5.csv", t_seed_with("NO-SUCH", "收入合计,3999,万元,"));
	t_writes(in, "n6.csv", t_seed_with("NO-SUCH", "收入合记,1,万元,"));
	char *long_name = calloc(1, 6000);
	memset(long_name, 'x', 5000);
	struct dp_buf row = DP_BUF_INIT;
	dp_buf_addf(&row, "部门名称,%s,,", long_name);
	t_writes(in, "n7.csv", t_seed_with("部门名称", row.s));
	struct dp_buf bulk = DP_BUF_INIT;
	dp_buf_adds(&bulk, bulk_header);
	dp_buf_adds(&bulk, "440000021,甲厅,2021,2022-05-01,39980300,3998.03,4039.71,502.42,3537.29,100,100,38.12,7.3,33.08,0.78,5,4,3,15,10,10,72.46\n");
	dp_buf_adds(&bulk, "440000022,乙厅,2021,2022-05-01,abc,3998.03,4039.71,502.42,3537.29,100,100,38.12,7.3,33.08,0.78,5,4,3,15,10,10,72.46\n");
	dp_buf_adds(&bulk, "440000023,丙厅,2021,2022-05-01,39980300,3998.03,4039.71,502.42,3537.29,100,100,38.12,7.3,33.08,0.78,5,4,3,15,10,10,72.46\n");
	t_writes(in, "n8-bulk.csv", bulk.s);
	t_chain(in, work, 2, NULL);
	struct dp_findings fs;
	t_findings(work, &fs);
	check(&fs, "E-NUMBER", "n1.csv", 12);
	check(&fs, "E-UNIT", "n2.csv", 12);
	check(&fs, "E-DATE", "n3.csv", 11);
	check(&fs, "E-CODE", "n4.csv", 2);
	check(&fs, "E-CONFLICT", "n5.csv", 46);
	check(&fs, "W-FIELD-UNKNOWN", "n6.csv", 46);
	check(&fs, "E-TOO-LONG", "n7.csv", 3);
	check(&fs, "E-NUMBER", "n8-bulk.csv", 3);
	cr_expect_eq(t_count(&fs, "E-NUMBER", "n8-bulk.csv"), 1, "a bad bulk row costs that row only");
	for (size_t i = 0; i < fs.n; i++)
		if (strstr(fs.v[i].file, "n6.csv"))
			cr_expect(strstr(fs.v[i].message, "收入合计"), "suggests the near label: %s", fs.v[i].message);
	char *deps = t_read_gz(dp_path_join(work, "departments.csv.gz"));
	cr_expect(strstr(deps, "\n2021,440000021,甲厅,"), "bulk 元 converted: %s", deps);
	cr_expect(strstr(deps, ",3998.03,3998.03,"), "39980300 元 is 3998.03 万元");
	dp_findings_free(&fs);
}
