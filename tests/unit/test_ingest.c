/* dp-ingest and dp-normalize on small inputs: each finding these stages emit
 * comes out with its file and line, and never stops the other files. */
#include <criterion/criterion.h>
#include <stdio.h>
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
	char *deps = t_read_cells(dp_path_join(work, "departments.cells"));
	cr_expect(strstr(deps, "\n2021,440000021,甲厅,"), "bulk 元 converted: %s", deps);
	cr_expect(strstr(deps, ",3998.03,3998.03,"), "39980300 元 is 3998.03 万元");
	dp_findings_free(&fs);
}

/* A bulk file of 12 000 rows of ASCII (about 400 KB: past the 256 KiB that
 * dp-ingest decodes with its first record), their names tagged, under
 * header, then last. */
static char *big_bulk(const char *header, const char *tag, const char *last, size_t last_n, size_t *n,
		      size_t *last_at)
{
	struct dp_buf b = DP_BUF_INIT;
	dp_buf_adds(&b, header);
	for (int i = 0; i < 12000; i++)
		dp_buf_addf(&b, "44%07d,2021,%s %d\n", i, tag, i);
	*last_at = b.len;
	dp_buf_add(&b, last, last_n);
	*n = b.len;
	return dp_buf_detach(&b);
}

/* dp-ingest reads a file's header and first record (and the rest of its
 * first 256 KiB decoded); what is wrong after them is dp-normalize's to
 * find, and the file is rejected whole all the same, its rows taken back: a
 * byte that is neither UTF-8 nor GB18030, a NUL, a CSV error.  A file that
 * is UTF-8 up to there and GB18030 after is GB18030 (SPEC §2.1), as
 * dp-ingest would have decided had it read it all; one whose UTF-8 header
 * reads as another as GB18030 is E-ENCODING. */
Test(normalize, faults_past_the_first_record_reject_the_file_whole)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	static const char ascii[] = "dept_code,fiscal_year,dept_name\n";
	static const char gb[] = "440000031,2021,\xb9\xe3\xb6\xab\xca\xa1\xb2\xe2\xca\xd4\xcc\xfc\n"; /* 广东省测试厅 */
	static const char neither[] = "450000032,2021,\xff\xfe\n";
	static const char nul[] = "450000033,2021,a\0b\n";
	static const char mixed_hdr[] = "部门代码,年度,部门名称\n"; /* as GB18030: valid, and nonsense */
	size_t n, at[5];
	char *f;
	f = big_bulk(ascii, "gb", gb, sizeof gb - 1, &n, &at[0]);
	t_write(in, "a-gb18030-late.csv", f, n);
	free(f);
	f = big_bulk(ascii, "neither", neither, sizeof neither - 1, &n, &at[1]);
	t_write(in, "b-neither.csv", f, n);
	free(f);
	f = big_bulk(ascii, "nul", nul, sizeof nul - 1, &n, &at[2]);
	t_write(in, "c-nul-late.csv", f, n);
	free(f);
	struct dp_buf csv = DP_BUF_INIT;
	dp_buf_adds(&csv, t_seed_form);
	dp_buf_adds(&csv, "备注,\"a\"b,,\n");
	t_writes(in, "d-csv-late.csv", csv.s);
	t_writes(in, "e-good.csv", t_seed_form);
	f = big_bulk(mixed_hdr, "mixed", gb, sizeof gb - 1, &n, &at[3]);
	t_write(in, "f-mixed.csv", f, n);
	free(f);
	/* GB18030 in its first record (dp-ingest's decision), a byte that is
	 * not far after */
	struct dp_buf gbfirst = DP_BUF_INIT;
	dp_buf_adds(&gbfirst, ascii);
	dp_buf_adds(&gbfirst, gb);
	f = big_bulk(gbfirst.s, "gbfirst", neither, sizeof neither - 1, &n, &at[4]);
	t_write(in, "g-gb18030-then-neither.csv", f, n);
	free(f);
	/* a gzip stream cut short, far past its first record */
	f = big_bulk(ascii, "cut", "", 0, &n, &at[0]);
	char *hgz = dp_path_join(in, "h-cut.csv.gz");
	gzFile g = gzopen(hgz, "wb1");
	cr_assert_eq(gzwrite(g, f, (unsigned)n), (int)n);
	gzclose(g);
	free(f);
	struct stat st;
	cr_assert_eq(stat(hgz, &st), 0);
	cr_assert_eq(truncate(hgz, st.st_size * 3 / 4), 0);
	int rc = t_chain(in, work, 2, NULL);
	cr_expect_eq(rc, DP_FINDINGS);
	struct dp_findings fs;
	t_findings(work, &fs);
	cr_expect_eq(t_count(&fs, "E-ENCODING", "a-gb18030-late"), 0, "GB18030 after a UTF-8 first record");
	check(&fs, "E-ENCODING", "b-neither.csv", 0);
	check(&fs, "E-ENCODING", "c-nul-late.csv", 0);
	check(&fs, "E-ENCODING", "f-mixed.csv", 0);
	check(&fs, "E-ENCODING", "g-gb18030-then-neither.csv", 0);
	check(&fs, "E-ENCODING", "h-cut.csv.gz", 0);
	size_t seed_lines = 0;
	for (const char *p = t_seed_form; *p; p++)
		seed_lines += *p == '\n';
	check(&fs, "E-CSV", "d-csv-late.csv", seed_lines + 1);
	char want[200];
	for (size_t i = 0; i < fs.n; i++) {
		const char *m = fs.v[i].message;
		if (strstr(fs.v[i].file, "b-neither.csv")) {
			snprintf(want, sizeof want, "第 %zu 字节起不是有效的 UTF-8，第 %zu 字节起也不是有效的 GB18030",
				 at[1] + 15, at[1] + 15);
			cr_expect(strstr(m, want), "both offsets (%s): %s", want, m);
		}
		if (strstr(fs.v[i].file, "g-gb18030-then-neither.csv")) {
			snprintf(want, sizeof want, "第 %zu 字节起不是有效的 UTF-8，第 %zu 字节起也不是有效的 GB18030",
				 sizeof ascii - 1 + 15, at[4] + 15);
			cr_expect(strstr(m, want), "both offsets (%s): %s", want, m);
		}
		if (strstr(fs.v[i].file, "c-nul-late.csv")) {
			snprintf(want, sizeof want, "第 %zu 字节是 NUL", at[2] + 16);
			cr_expect(strstr(m, want), "its offset (%s): %s", want, m);
		}
		if (strstr(fs.v[i].file, "f-mixed.csv")) {
			snprintf(want, sizeof want, "第 %zu 字节起却不是", at[3] + 15);
			cr_expect(strstr(m, "前后不一致") && strstr(m, want), "UTF-8 up to its last row (%s): %s", want, m);
		}
		if (strstr(fs.v[i].file, "-late.csv") || strstr(fs.v[i].file, "neither") || strstr(fs.v[i].file, "mixed"))
			cr_expect(strcmp(fs.v[i].code, "E-ENCODING") == 0 || strcmp(fs.v[i].code, "E-CSV") == 0,
				  "%s keeps only its fault, not %s", fs.v[i].file, fs.v[i].code);
	}
	struct dp_filetab tab = { 0 };
	struct dp_buf err = DP_BUF_INIT;
	char *ip = dp_path_join(work, "inputs.csv.gz"), *dp = dp_path_join(work, "departments.cells");
	cr_assert(dp_filetab_load(&tab, ip, &err));
	cr_assert_eq(tab.n, 8);
	cr_expect_str_eq(tab.v[0].encoding, "gb18030");
	cr_expect_str_eq(tab.v[0].status, "accepted");
	cr_expect_eq(tab.v[0].submissions, 12001);
	cr_expect_str_eq(tab.v[1].encoding, "gb18030", "read as GB18030 last, as dp-ingest reports it");
	cr_expect_str_eq(tab.v[2].encoding, "utf-8");
	for (size_t i = 1; i < 4; i++) {
		cr_expect_str_eq(tab.v[i].status, "rejected", "%s", tab.v[i].file);
		cr_expect_eq(tab.v[i].submissions, 0, "%s", tab.v[i].file);
	}
	/* (an encoding fault is found a decoded block at a time: the rows
	 * before that block) */
	cr_expect(tab.v[2].rows > 0 && tab.v[2].rows <= 12000, "the rows before the fault: %llu",
		  (unsigned long long)tab.v[2].rows);
	cr_expect_eq(tab.v[3].rows, seed_lines - 1, "the rows before the fault are counted");
	cr_expect_str_eq(tab.v[4].status, "accepted");
	cr_expect_str_eq(tab.v[5].status, "rejected");
	cr_expect_str_eq(tab.v[5].encoding, "utf-8", "its header is UTF-8");
	cr_expect_str_eq(tab.v[6].status, "rejected");
	cr_expect_str_eq(tab.v[6].encoding, "gb18030");
	cr_expect_str_eq(tab.v[7].status, "rejected");
	cr_expect_eq(tab.v[7].submissions, 0);
	cr_expect(tab.v[5].rows > 0 && tab.v[5].rows <= 12000, "the rows read as UTF-8: %llu",
		  (unsigned long long)tab.v[5].rows);
	char *deps = t_read_cells(dp);
	cr_expect(strstr(deps, "\n2021,440000031,广东省测试厅,"), "decoded as GB18030");
	cr_expect(!strstr(deps, ",neither ") && !strstr(deps, ",nul ") && !strstr(deps, ",mixed ") &&
			  !strstr(deps, ",gbfirst ") && !strstr(deps, ",cut "),
		  "a file rejected whole has no row");
	cr_expect(strstr(deps, ",gb 11999,"), "the GB18030 file's ASCII rows");
	size_t rows = 0;
	for (const char *p = deps; *p; p++)
		rows += *p == '\n';
	cr_expect_eq(rows, 1 + 12001 + 1, "the header, the GB18030 file's rows and the good form");
	free(deps);
	free(ip);
	free(dp);
	free(hgz);
	dp_buf_free(&csv);
	dp_buf_free(&gbfirst);
	dp_buf_free(&err);
	dp_filetab_free(&tab);
	dp_findings_free(&fs);
	free(in);
	free(work);
	free(dir);
}
