/* dp-validate: each code of SPEC §4 it emits, resubmissions, the roster,
 * the quarantine and the accounting. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "deptperf/filetab.h"
#include "deptperf/memtab.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"
#include "helpers.h"

static char *form(const char *code, const char *label, const char *row)
{
	/* the seed with another department code and one row changed */
	char *a = t_seed_with(label, row);
	struct dp_buf b = DP_BUF_INIT;
	const char *p = strstr(a, "部门代码,440000015");
	dp_buf_add(&b, a, (size_t)(p - a));
	dp_buf_addf(&b, "部门代码,%s", code);
	dp_buf_adds(&b, p + strlen("部门代码,440000015"));
	free(a);
	return dp_buf_detach(&b);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

Test(validate, every_code)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	static const struct {
		const char *file, *code, *label, *row, *finding;
	} cases[] = {
		{ "v01.csv", "v01", "收入合计", NULL, "E-REQUIRED" },
		{ "v02.csv", "v02", "产出指标完成率", "产出指标完成率,1200,%,", "E-RANGE" },
		{ "v03.csv", "v03", "预算编制得分", "预算编制得分,6,分,", "E-RANGE" },
		{ "v04.csv", "v04", "收入合计", "收入合计,3998.13,万元,", "E-SUM" },
		{ "v05.csv", "v05", "整体效能得分", "整体效能得分,23.55,分,", "E-SUM" },
		{ "v06.csv", "v06", "自评总分", "自评总分,97.95,分,", "E-SUM" },
		{ "v07.csv", "v07", "NONE", "统一社会信用代码,91350100M000100Y44,,", "E-USCC" },
		{ "v08.csv", "v08", "NONE", "一季度支出进度,10,%,\n二季度支出进度,20,%,\n三季度支出进度,30,%,\n四季度支出进度,40,%,", "W-PROGRESS-MISMATCH" },
		{ "v09.csv", "v09", "专项资金支出", "专项资金支出,2600,万元,信息化专项", "W-OVERSPENT" },
		{ "v10.csv", "v10", "自评等级", "自评等级,良,,", "W-GRADE-MISMATCH" },
		{ "v11.csv", "v11", "预算编制得分", NULL, "E-REQUIRED" },
		{ "v12.csv", "v12", "专项资金下达", "专项资金下达,0,万元,信息化专项", "E-RANGE" },
		{ "v13.csv", "v13", "NONE", "管理效率得分,50,分,", "E-SUM" }, /* its parts add up to 49.46 */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		t_writes(in, cases[i].file, form(cases[i].code, cases[i].label, cases[i].row));
	char *roster = t_writes(dir, "roster.csv", "dept_code,dept_name,parent_code,sector\nv01,甲,,\nv10,乙,,\nzz9,未提交,,民政\n");
	int rc = t_chain(in, work, 3, roster);
	cr_expect_eq(rc, DP_FINDINGS);
	struct dp_findings fs;
	t_findings(work, &fs);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_geq(t_count(&fs, cases[i].finding, cases[i].file), 1, "%s in %s", cases[i].finding, cases[i].file);
	/* exactly these, each with its line and field: one finding more or
	 * less, or one in another place, is a change to look at (a form's
	 * line 1 is the file as a whole: a field missing, a fund left out) */
	static const struct {
		const char *file, *code;
		uint64_t line;
		const char *field;
	} exact[] = {
		{ "v01.csv", "E-REQUIRED", 1, "income_total" },
		{ "v02.csv", "E-RANGE", 20, "output_completion" },
		{ "v03.csv", "E-RANGE", 37, "self.budget_prep" },
		{ "v03.csv", "E-SUM", 44, "self_total" },       /* the 6 no longer adds up */
		{ "v04.csv", "E-SUM", 12, "income_total" },
		{ "v05.csv", "E-SUM", 44, "self_total" },
		{ "v06.csv", "E-SUM", 44, "self_total" },
		{ "v07.csv", "E-USCC", 46, "uscc" },
		{ "v08.csv", "W-UNROSTERED", 1, "dept_code" },
		{ "v08.csv", "W-PROGRESS-MISMATCH", 22, "exec_progress" },
		{ "v09.csv", "W-UNROSTERED", 1, "dept_code" },
		{ "v09.csv", "W-OVERSPENT", 32, "fund_spent" },
		{ "v10.csv", "W-GRADE-MISMATCH", 45, "self_grade" },
		{ "v11.csv", "E-REQUIRED", 1, "self.budget_prep" },
		{ "v11.csv", "E-SUM", 43, "self_total" },
		{ "v12.csv", "E-RANGE", 1, "fund_name" },       /* the form, for its fund's error */
		{ "v12.csv", "E-RANGE", 32, "fund_alloc" },
		{ "v12.csv", "W-OVERSPENT", 32, "fund_spent" },
		{ "v12.csv", "E-SUM", 44, "self_total" },       /* rescaled without the fund */
		{ "v13.csv", "E-SUM", 44, "self_total" },
		{ "v13.csv", "E-SUM", 46, "self.mgmt" },
	};
	size_t in_cases = 0;
	for (size_t i = 0; i < fs.n; i++) {
		if (!strstr(fs.v[i].file, "/in/v"))
			continue;
		in_cases++;
		bool found = false;
		for (size_t k = 0; k < sizeof exact / sizeof *exact && !found; k++)
			found = strstr(fs.v[i].file, exact[k].file) && strcmp(fs.v[i].code, exact[k].code) == 0 &&
				fs.v[i].line == exact[k].line && strcmp(fs.v[i].field, exact[k].field) == 0;
		cr_expect(found, "unexpected: %s %s line %llu field %s", fs.v[i].file, fs.v[i].code,
			  (unsigned long long)fs.v[i].line, fs.v[i].field);
	}
	cr_expect_eq(in_cases, sizeof exact / sizeof *exact, "%zu findings in the forms, want %zu", in_cases,
		     sizeof exact / sizeof *exact);
	cr_expect_eq(t_count(&fs, "W-MISSING", "roster.csv"), 2, "zz9 never filed, v01 was rejected");
	cr_expect_geq(t_count(&fs, "W-UNROSTERED", NULL), 1);
	/* the messages name the numbers */
	for (size_t i = 0; i < fs.n; i++)
		if (strcmp(fs.v[i].code, "E-SUM") == 0 && strstr(fs.v[i].file, "v04.csv"))
			cr_expect(strstr(fs.v[i].message, "收入合计 3998.13 ≠ 财政拨款收入 3997.62 + 其他收入 0.41"), "%s",
				  fs.v[i].message);
	/* a part of the tree: each applicable child named with its self-score,
	 * then their sum */
	size_t tree = 0;
	for (size_t i = 0; i < fs.n; i++)
		if (strcmp(fs.v[i].code, "E-SUM") == 0 && strstr(fs.v[i].file, "v13.csv") &&
		    strcmp(fs.v[i].field, "self_total") != 0) {
			tree++;
			cr_expect_str_eq(fs.v[i].field, "self.mgmt");
			cr_expect_str_eq(fs.v[i].message,
					 "管理效率得分 50.00 ≠ 下级得分之和 预算编制 5.00 + 预算执行 4.00 + 信息公开 3.00 + "
					 "绩效管理 15.00 + 采购管理 10.00 + 资产管理 10.00 + 运行成本 2.46 = 49.46，请核对自评分");
		}
	cr_expect_eq(tree, 1, "v13: one E-SUM, for 管理效率");
	/* warnings alone do not reject: v08, v09, v10 are accepted */
	char *deps = t_read_cells(dp_path_join(work, "departments.cells"));
	cr_expect(strstr(deps, ",v08,") && strstr(deps, ",v09,") && strstr(deps, ",v10,"));
	cr_expect(!strstr(deps, ",v01,") && !strstr(deps, ",v04,"));
	cr_expect_eq(count_lines(deps), 1 + 3);
	/* every rejected form is quarantined */
	DIR *d = opendir(dp_path_join(work, "rejected"));
	cr_assert(d);
	size_t q = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		q += e->d_name[0] != '.';
	closedir(d);
	cr_expect_eq(q, 10);
	char *missing = t_read_gz(dp_path_join(work, "missing.csv.gz"));
	cr_expect(strstr(missing, "2021,zz9,未提交"), "%s", missing);
	dp_findings_free(&fs);
}

/* The count named key in work/counts.csv.gz (fails the test without it). */
static unsigned long long counted(const char *work, const char *key)
{
	struct dp_memtab counts;
	struct dp_buf err = DP_BUF_INIT;
	cr_assert(dp_memtab_load(&counts, dp_path_join(work, "counts.csv.gz"), false, &err), "%s", dp_buf_str(&err));
	for (size_t i = 0; i < counts.nrows; i++)
		if (strcmp(dp_memtab_cell(&counts, i, 0), key) == 0) {
			unsigned long long v = strtoull(dp_memtab_cell(&counts, i, 1), NULL, 10);
			dp_memtab_free(&counts);
			return v;
		}
	cr_assert_fail("no count %s in counts.csv.gz", key);
	return 0;
}

Test(validate, resubmission_later_filing_wins_and_counts_add_up)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	t_writes(in, "a.csv", form("r1", "填报日期", "填报日期,2022-06-01,,"));
	t_writes(in, "b.csv", form("r1", "填报日期", "填报日期,2022-06-09,,"));
	t_writes(in, "c.csv", form("r1", "填报日期", "填报日期,2022-06-05,,"));
	t_writes(in, "d.csv", form("r2", "填报日期", "填报日期,2022-06-01,,"));
	t_writes(in, "e.csv", form("r2", "填报日期", "填报日期,2022-06-01,,")); /* same day: the later path */
	t_writes(in, "f.csv", form("r3", "收入合计", "收入合计,1,万元,"));        /* rejected */
	t_chain(in, work, 3, NULL);
	struct dp_findings fs;
	t_findings(work, &fs);
	cr_expect_eq(t_count(&fs, "W-SUPERSEDED", "a.csv"), 1);
	cr_expect_eq(t_count(&fs, "W-SUPERSEDED", "c.csv"), 1);
	cr_expect_eq(t_count(&fs, "W-SUPERSEDED", "d.csv"), 1);
	cr_expect_eq(t_count(&fs, "W-SUPERSEDED", "b.csv"), 0);
	for (size_t i = 0; i < fs.n; i++)
		if (strstr(fs.v[i].file, "a.csv"))
			cr_expect(strstr(fs.v[i].message, "b.csv"), "names the winner: %s", fs.v[i].message);
	unsigned long long read = counted(work, "submissions_read"), acc = counted(work, "submissions_accepted"),
			   rej = counted(work, "submissions_rejected"), sup = counted(work, "submissions_superseded");
	cr_expect_eq(read, 6);
	cr_expect_eq(acc, 2);
	cr_expect_eq(rej, 1);
	cr_expect_eq(sup, 3);
	cr_expect_eq(read, acc + rej + sup);
	struct dp_filetab tab = { 0 };
	struct dp_buf err = DP_BUF_INIT;
	cr_assert(dp_filetab_load(&tab, dp_path_join(work, "inputs.csv.gz"), &err));
	cr_expect_str_eq(tab.v[0].status, "superseded");
	cr_expect_str_eq(tab.v[1].status, "accepted");
	cr_expect_str_eq(tab.v[5].status, "rejected");
	dp_filetab_free(&tab);
	dp_findings_free(&fs);
}

/* The one file in work/rejected/: its name in *name, its text returned
 * (read as t_read_gz reads it); fails the test unless there is exactly one. */
static char *only_rejected(const char *work, const char **name)
{
	char *rej = dp_path_join(work, "rejected");
	DIR *d = opendir(rej);
	cr_assert(d, "nothing quarantined");
	struct dirent *e;
	char *found = NULL;
	size_t n = 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && n++ == 0)
			found = dp_xstrdup(e->d_name);
	closedir(d);
	cr_assert_eq(n, 1, "%zu files quarantined, want 1", n);
	*name = found;
	return t_read_gz(dp_path_join(rej, found));
}

Test(validate, quarantine_names_cannot_escape)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	/* a bulk row with a hostile code: rejected (E-CODE), quarantined under a safe name */
	t_writes(in, "..bulk.csv", "部门代码,部门名称,年度\n../../x,坏,2021\n");
	t_chain(in, work, 3, NULL);
	const char *name;
	char *body = only_rejected(work, &name);
	cr_expect(!strchr(name, '/'));
	cr_expect(strstr(body, "../../x"), "the row is kept under its header: %s", body);
}

Test(validate, bad_roster_is_refused_with_its_line)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	t_writes(in, "a.csv", t_seed_form);
	char *roster = t_writes(dir, "roster.csv", "dept_code,dept_name\nok1,甲\nbad/code,乙\n");
	t_chain(in, work, 2, NULL);
	struct dp_stage_opts o;
	memset(&o, 0, sizeof o);
	o.work = work;
	o.roster = roster;
	struct dp_stage_report rep = { DP_BUF_INIT };
	struct dp_buf err = DP_BUF_INIT;
	cr_expect_eq(dp_validate_run(&o, &rep, &err), DP_BADCONFIG);
	cr_expect(strstr(dp_buf_str(&err), "roster.csv:3:"), "%s", dp_buf_str(&err));
}

Test(validate, all_rejected_still_writes_every_column)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	t_writes(in, "one.csv", form("r3", "收入合计", "收入合计,1,万元,")); /* E-SUM: rejected */
	t_chain(in, work, 3, NULL);
	char *dep = t_read_cells(dp_path_join(work, "departments.cells"));
	cr_expect_eq(count_lines(dep), 1, "the header only: %s", dep);
	cr_expect(strncmp(dep, "fiscal_year,dept_code,", 22) == 0, "%s", dep);
	cr_expect(strstr(dep, ",dept_name,") && strstr(dep, ",self.duty,") && strstr(dep, ",self_grade\n"), "every column of SPEC §6: %s", dep);
	free(dep);
}

/* A rejected form is copied into rejected/ while the checks go on
 * (copier.h); a copy that cannot be made is the stage's failure (73), named,
 * as when the copies were made at the end. */
static int validate_alone(const char *work, struct dp_buf *err)
{
	struct dp_stage_opts o;
	memset(&o, 0, sizeof o);
	o.work = work;
	struct dp_stage_report rep = { DP_BUF_INIT };
	int rc = dp_validate_run(&o, &rep, err);
	dp_buf_free(&rep.line);
	return rc;
}

Test(validate, quarantine_that_cannot_be_made_is_an_error)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	t_writes(in, "good.csv", t_seed_form);
	char *bad = t_writes(in, "bad.csv", form("q1", "部门名称", "部门名称,,,"));
	t_chain(in, work, 2, NULL);
	char *rej = dp_path_join(work, "rejected");
	struct dp_buf err = DP_BUF_INIT;
	/* rejected/ cannot be a folder: a file is in its place */
	t_writes(work, "rejected", "x");
	cr_expect_eq(validate_alone(work, &err), DP_CANTCREATE);
	cr_expect(strstr(dp_buf_str(&err), "rejected") && strstr(dp_buf_str(&err), "not a folder"), "%s",
		  dp_buf_str(&err));
	unlink(rej);
	/* the form is gone when it is copied: nothing to keep, but no reason
	 * to stop the run (its findings stand) */
	dp_buf_reset(&err);
	unlink(bad);
	cr_expect_eq(validate_alone(work, &err), DP_FINDINGS, "%s", dp_buf_str(&err));
	cr_expect(access(rej, F_OK) != 0 || rmdir(rej) == 0, "a copy of a gone form was made");
	/* and when it is there, it is copied as it was read */
	t_writes(in, "bad.csv", form("q1", "部门名称", "部门名称,,,"));
	dp_buf_reset(&err);
	cr_expect_eq(validate_alone(work, &err), DP_FINDINGS, "%s", dp_buf_str(&err));
	DIR *d = opendir(rej);
	cr_assert(d);
	struct dirent *e;
	size_t n = 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			n++;
			cr_expect(strstr(e->d_name, "bad.csv"), "%s", e->d_name);
			char *got = t_read_gz(dp_path_join(rej, e->d_name));
			char *want = form("q1", "部门名称", "部门名称,,,");
			cr_expect_str_eq(got, want);
			free(got);
			free(want);
		}
	closedir(d);
	cr_expect_eq(n, 1);
	dp_buf_free(&err);
}

/* subs.csv.gz names each submission's file by its row in inputs.csv.gz; a
 * number that is no row there (work tables of another run) stops the stage
 * with the table and the number, rather than filing a finding under no file. */
/* work/name (gzip) again, with the first "from" replaced by "to". */
static void rewrite_gz(const char *work, const char *name, const char *from, const char *to)
{
	char *path = dp_path_join(work, name), *text = t_read_gz(path), *at = strstr(text, from);
	cr_assert(at, "%s has no “%s”: %s", name, from, text);
	gzFile g = gzopen(path, "wb1");
	cr_assert(g);
	gzwrite(g, text, (unsigned)(at - text));
	gzputs(g, to);
	gzputs(g, at + strlen(from));
	cr_assert_eq(gzclose(g), Z_OK);
	free(text);
	free(path);
}

Test(validate, a_file_number_of_no_input_stops_the_stage)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	t_writes(in, "a.csv", t_seed_form);
	t_writes(in, "b.csv", form("440000016", "部门名称", "部门名称,另一个部门,,"));
	t_chain(in, work, 2, NULL);
	char *subs = dp_path_join(work, "subs.csv.gz");
	char *text = t_read_gz(subs);
	cr_assert(strstr(text, "\n1,1,"), "the second form's file is row 1: %s", text);
	struct dp_buf err = DP_BUF_INIT;
	cr_expect_eq(validate_alone(work, &err), DP_OK, "%s", dp_buf_str(&err));
	/* the second submission's file number past the two files */
	rewrite_gz(work, "subs.csv.gz", "\n1,1,", "\n1,7,");
	dp_buf_reset(&err);
	cr_expect_eq(validate_alone(work, &err), DP_IOERR);
	cr_expect(strstr(dp_buf_str(&err), "subs.csv.gz") && strstr(dp_buf_str(&err), "“7”"), "%s", dp_buf_str(&err));
	dp_buf_free(&err);
	free(text);
	free(subs);
}

/* A bulk funds file whose every row dp-normalize found in error is
 * quarantined as its rows under their header (FILE.rejected-rows.csv), as
 * any bulk file's rejected rows are, not copied whole: only forms and files
 * refused whole are. */
Test(validate, a_bulk_file_with_every_row_rejected_keeps_its_rows_not_a_copy)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	t_writes(in, "funds.csv", "专项资金名称,部门代码,年度,实际下达,专项资金支出,专项资金绩效自评分\n"
				  "专项1,440000015,2021,abc,10,80\n专项2,440000015,2021,12,x,80\n");
	t_chain(in, work, 2, NULL);
	char *files = t_read_gz(dp_path_join(work, "inputs.csv.gz"));
	cr_assert(strstr(files, ",bulk-funds,2,0,rejected"), "dp-normalize found every row in error: %s", files);
	t_chain(in, work, 3, NULL);
	const char *name;
	char *body = only_rejected(work, &name);
	size_t len = strlen(name), suffix = strlen(".rejected-rows.csv");
	cr_expect(len > suffix && strcmp(name + len - suffix, ".rejected-rows.csv") == 0,
		  "%s: the rows, not a copy of the file", name);
	cr_expect_eq(count_lines(body), 3, "the header and both rows: %s", body);
}

/* A bulk fund dp-normalize found nothing wrong with but whose checks here
 * reject it (a self-score of 180) is rejected once: quarantined, counted,
 * and not among the funds accepted (it was published and counted both
 * ways before). */
Test(validate, a_bulk_fund_its_checks_reject_is_not_published)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	t_writes(in, "a.csv", t_seed_form);
	t_writes(in, "funds.csv", "专项资金名称,部门代码,年度,专项资金下达（万元）,专项资金支出（万元）,专项资金绩效自评分\n"
				  "专项甲,440000015,2021,100,90,80\n专项乙,440000015,2021,100,90,180\n"
				  "专项丙,440000015,2021,100,90,70\n");
	t_chain(in, work, 2, NULL);
	cr_assert(strstr(t_read_gz(dp_path_join(work, "inputs.csv.gz")), ",bulk-funds,3,0,"),
		  "dp-normalize finds no error in the funds");
	cr_expect_eq(t_chain(in, work, 3, NULL), DP_FINDINGS);
	struct dp_findings fs;
	t_findings(work, &fs);
	cr_expect_eq(t_count(&fs, "E-RANGE", "funds.csv"), 1);
	dp_findings_free(&fs);
	char *funds = t_read_gz(dp_path_join(work, "special_funds.csv.gz"));
	cr_expect(strstr(funds, "专项甲") && strstr(funds, "专项丙"), "%s", funds);
	cr_expect(!strstr(funds, "专项乙"), "the rejected fund is not accepted: %s", funds);
	unsigned long long read = counted(work, "funds_read"), acc = counted(work, "funds_accepted"),
			   rej = counted(work, "funds_rejected"), orphan = counted(work, "funds_orphan"),
			   with_sub = counted(work, "funds_with_their_submission");
	cr_expect_eq(rej, 1);
	cr_expect_eq(read, acc + rej + orphan + with_sub, "%llu read, %llu + %llu + %llu + %llu", read, acc, rej,
		     orphan, with_sub);
	const char *name;
	char *body = only_rejected(work, &name);
	cr_expect(strstr(body, "专项乙") && !strstr(body, "专项甲"), "the row under its header: %s", body);
}

/* DP_PHASES adds the phases' times to the report line, in order; without
 * it the line is as it was. */
Test(validate, phases_are_reported_when_asked)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	t_writes(in, "a.csv", t_seed_form);
	struct dp_stage_opts o;
	memset(&o, 0, sizeof o);
	o.work = work;
	struct dp_buf err = DP_BUF_INIT;
	for (int on = 0; on < 2; on++) {
		if (on)
			setenv("DP_PHASES", "1", 1);
		else
			unsetenv("DP_PHASES");
		t_chain(in, work, 2, NULL);
		struct dp_stage_report rep = { DP_BUF_INIT };
		cr_assert_eq(dp_validate_run(&o, &rep, &err), DP_OK, "%s", dp_buf_str(&err));
		const char *line = dp_buf_str(&rep.line), *p = strstr(line, "; phases (s, wall/CPU): ");
		if (!on) {
			cr_expect_null(p, "%s", line);
			continue;
		}
		cr_assert(p, "%s", line);
		static const char *const names[] = { "setup ", "funds ", "subs ", "decide ", "tables ", "findings ", "copies " };
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			const char *q = strstr(p, names[i]);
			cr_expect(q, "%s in %s", names[i], line);
			p = q ? q : p;
		}
		dp_buf_free(&rep.line);
	}
	setenv("DP_PHASES", "0", 1);
	struct dp_phases ph;
	dp_phases_start(&ph);
	cr_expect(!ph.on, "DP_PHASES=0 is off");
}

/* A submission id dp-normalize never gave (a damaged work folder, or
 * another run's tables) stops the stage, named, with either thread count:
 * the arrays per id must not grow to it (the id 2^64 - 1 was a kill). */
Test(validate, a_submission_id_of_no_submission_stops_the_stage)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	t_writes(in, "a.csv", t_seed_form);
	static const struct {
		const char *table, *from, *to;
	} cases[] = {
		{ "subs.csv.gz", "\n0,0,", "\n18446744073709551615,0," },
		{ "subs.csv.gz", "\n0,0,", "\n1,0," },  /* one past the last */
		{ "fundsrc.csv.gz", ",form,0,", ",form,99999999999,"},
	};
	struct dp_buf err = DP_BUF_INIT;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (int threads = 1; threads <= 2; threads++) {
			t_chain(in, work, 2, NULL);
			rewrite_gz(work, cases[i].table, cases[i].from, cases[i].to);
			struct dp_stage_opts o;
			memset(&o, 0, sizeof o);
			o.work = work;
			o.threads = threads;
			struct dp_stage_report rep = { DP_BUF_INIT };
			dp_buf_reset(&err);
			cr_expect_eq(dp_validate_run(&o, &rep, &err), DP_IOERR, "%s, %d threads", cases[i].to, threads);
			cr_expect(strstr(dp_buf_str(&err), cases[i].table) && strstr(dp_buf_str(&err), "is not one of the 1 "),
				  "%s", dp_buf_str(&err));
			dp_buf_free(&rep.line);
		}
	dp_buf_free(&err);
}
