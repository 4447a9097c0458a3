#include "helpers.h"

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "deptperf/csvread.h"
#include "deptperf/memtab.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"

/* The folders made by this test process, removed when it exits (unless
 * DP_KEEP_TEST_DIRS is set, to look at what a failing test left). */
static char **made;
static size_t nmade, capmade;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path); /* go on whatever fails */
	return 0;
}

static void remove_made(void)
{
	for (size_t i = 0; i < nmade; i++) {
		if (!getenv("DP_KEEP_TEST_DIRS"))
			nftw(made[i], remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(made[i]);
	}
	free(made);
	made = NULL;
	nmade = capmade = 0;
}

char *t_tmpdir(void)
{
	char tmpl[] = "/tmp/dp-test-XXXXXX";
	char *d = mkdtemp(tmpl);
	cr_assert(d, "mkdtemp");
	if (!made)
		atexit(remove_made);
	DP_GROW(made, nmade, capmade);
	made[nmade++] = dp_xstrdup(d);
	return dp_xstrdup(d);
}

char *t_write(const char *dir, const char *name, const void *data, size_t n)
{
	char *path = dp_path_join(dir, name);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	struct dp_buf err = DP_BUF_INIT;
	cr_assert(dp_mkdirs(path, &err), "%s", dp_buf_str(&err));
	*slash = '/';
	FILE *f = fopen(path, "wb");
	cr_assert(f, "cannot write %s", path);
	cr_assert_eq(fwrite(data, 1, n, f), n);
	fclose(f);
	return path;
}

char *t_writes(const char *dir, const char *name, const char *text)
{
	return t_write(dir, name, text, strlen(text));
}

char *t_read_gz(const char *path)
{
	gzFile g = gzopen(path, "rb");
	cr_assert(g, "cannot open %s", path);
	struct dp_buf b = DP_BUF_INIT;
	char buf[65536];
	int n;
	while ((n = gzread(g, buf, sizeof buf)) > 0)
		dp_buf_add(&b, buf, (size_t)n);
	gzclose(g);
	return dp_buf_detach(&b);
}

char *t_read_cells(const char *path)
{
	struct dp_memtab t;
	struct dp_buf err = DP_BUF_INIT, b = DP_BUF_INIT;
	cr_assert(dp_memtab_load_cells(&t, path, &err), "%s", dp_buf_str(&err));
	const char **cells = dp_xcalloc(t.ncols + 1, sizeof *cells);
	for (size_t r = 0; r <= t.nrows; r++) {
		if (r)
			dp_memtab_split(&t, r - 1, cells);
		for (size_t c = 0; c < t.ncols; c++) {
			const char *s = r ? cells[c] : t.cols[c];
			if (c)
				dp_buf_addc(&b, ',');
			dp_csv_put(&b, s, strlen(s), false); /* (guarded as stored) */
		}
		dp_buf_addc(&b, '\n');
	}
	free(cells);
	dp_memtab_free(&t);
	dp_buf_free(&err);
	return b.s ? dp_buf_detach(&b) : dp_xstrdup("");
}

int t_chain(const char *inputs, const char *work, int upto, const char *roster)
{
	struct dp_stage_opts o;
	memset(&o, 0, sizeof o);
	const char *in[1] = { inputs };
	o.inputs = in;
	o.ninputs = 1;
	o.work = work;
	o.roster = roster;
	o.gzip_level = 6;
	o.threads = 1;
	dp_stage_fn fns[4] = { dp_ingest_run, dp_normalize_run, dp_validate_run, dp_score_run };
	int rc = 0;
	for (int i = 0; i < upto && i < 4; i++) {
		struct dp_stage_report rep = { DP_BUF_INIT };
		struct dp_buf err = DP_BUF_INIT;
		rc = fns[i](&o, &rep, &err);
		cr_assert_lt(rc, 64, "stage %d failed: %s", i + 1, dp_buf_str(&err));
		dp_buf_free(&rep.line);
		dp_buf_free(&err);
	}
	return rc;
}

void t_findings(const char *work, struct dp_findings *fs)
{
	memset(fs, 0, sizeof *fs);
	char *p = dp_path_join(work, "findings.csv.gz");
	struct dp_buf err = DP_BUF_INIT;
	cr_assert(dp_findings_load(fs, p, &err), "%s", dp_buf_str(&err));
	free(p);
}

size_t t_count(const struct dp_findings *fs, const char *code, const char *file_part)
{
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].code, code) == 0 && (!file_part || strstr(fs->v[i].file, file_part)))
			n++;
	return n;
}

const char t_seed_form[] =
	"字段,值,单位,分项\n"
	"部门代码,440000015,,\n"
	"部门名称,广东省人力资源和社会保障厅政务服务中心,,\n"
	"主管部门代码,440000010,,\n"
	"主管部门,广东省人力资源和社会保障厅,,\n"
	"所属领域,人力资源和社会保障,,\n"
	"年度,2021,,\n"
	"预算单位数量,1,个,\n"
	"填报人,陈亮,,\n"
	"联系电话,020-83137812,,\n"
	"填报日期,2022年6月6日,,\n"
	"收入合计,3998.03,万元,\n"
	"财政拨款收入,3997.62,万元,\n"
	"其他收入,0.41,万元,\n"
	"支出合计,4039.71,万元,\n"
	"基本支出,502.42,万元,\n"
	"项目支出,3537.29,万元,\n"
	"上年收入合计,1194.62,万元,\n"
	"上年支出合计,2057.55,万元,\n"
	"产出指标完成率,100,%,\n"
	"效益指标完成率,100,%,\n"
	"平均支出进度,38.12%,,\n"
	"经济成本分析自评表得分,7.30,分,\n"
	"三公经费预算数,33.08,万元,\n"
	"三公经费实际支出数,0.78,万元,\n"
	"单位能耗支出,50.87,元/平方米,\n"
	"物业管理支出,0,元/平方米,\n"
	"人均行政支出,0.89,万元,\n"
	"人均业务活动支出,0.23,万元,\n"
	"人均外勤支出,0.81,万元,\n"
	"人均公用经费支出,2.00,万元,\n"
	"专项资金下达,2500,万元,信息化专项\n"
	"专项资金支出,2445.41,万元,信息化专项\n"
	"专项资金绩效自评分,97.74,分,信息化专项\n"
	"整体效能得分,23.05,分,\n"
	"专项效能得分,24.44,分,\n"
	"预算编制得分,5,分,\n"
	"预算执行得分,4,分,\n"
	"信息公开得分,3,分,\n"
	"绩效管理得分,15,分,\n"
	"采购管理得分,10,分,\n"
	"资产管理得分,10,分,\n"
	"运行成本得分,2.46,分,\n"
	"自评总分,96.95,分,\n"
	"自评等级,优,,\n";

char *t_seed_with(const char *label, const char *new_row)
{
	struct dp_buf b = DP_BUF_INIT;
	const char *p = t_seed_form;
	size_t ll = strlen(label);
	bool replaced = false;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = (size_t)(nl - p) + 1;
		if (!replaced && strncmp(p, label, ll) == 0 && p[ll] == ',') {
			if (new_row) {
				dp_buf_adds(&b, new_row);
				dp_buf_addc(&b, '\n');
			}
			replaced = true;
		} else {
			dp_buf_add(&b, p, n);
		}
		p += n;
	}
	if (!replaced && new_row) {
		dp_buf_adds(&b, new_row);
		dp_buf_addc(&b, '\n');
	}
	return dp_buf_detach(&b);
}
