/* dp-gen: deterministic synthetic submissions for tests and benchmarks.
 *
 *   dp-gen --out DIR [--seed N] [--year Y] [--forms N] [--bulk N] [--gz]
 *          [--faults PCT] [--resubmit PCT] [--expect FILE] [--roster FILE]
 *          [--clean]
 *
 * --forms writes N one-department form files in mixed encodings (UTF-8 with
 * and without BOM, GB18030, UTF-16LE, gzip), label spellings and units;
 * --bulk writes one bulk departments file of N rows and one bulk special
 * funds file (gzip with --gz).  --faults injects one error of SPEC §4 into
 * that share of submissions, cycling through the codes (and, in the bulk
 * funds file, a self-score out of range now and then); --resubmit files that
 * share of departments twice, the later filing winning.  --expect writes what
 * must become of every submission: file,line,dept_code,fiscal_year,expect,code
 * (expect: accepted, rejected or superseded).  The same arguments always
 * give the same bytes.
 */
#include <getopt.h>
#include <iconv.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "deptperf/buf.h"
#include "deptperf/stage.h"
#include "deptperf/uscc.h"

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	/* splitmix64 */
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static long between(struct rng *r, long lo, long hi)
{
	return lo + (long)(next(r) % (uint64_t)(hi - lo + 1));
}

static const char *const sectors[] = { "教育", "卫生健康", "人力资源和社会保障", "交通运输", "农业农村", "民政",
				       "财政", "公安", "生态环境", "住房城乡建设", "文化旅游", "科技" };
#define NSECTORS (sizeof sectors / sizeof sectors[0])
#define NPARENTS 40
#define BULK_BASE 5000000L /* bulk departments never share a code with the forms' */

static const char *const faults[] = { "E-NUMBER", "E-UNIT",  "E-DATE",  "E-CODE",     "E-REQUIRED",
				      "E-RANGE",  "E-SUM",   "E-USCC",  "E-CONFLICT", "E-TOO-LONG" };
#define NFAULTS (sizeof faults / sizeof faults[0])

struct fund {
	long alloc, spent, selfeval; /* cents */
};

struct dept {
	char code[24], parent[24], name[160], sector[64], uscc[24], filed[40];
	long inc_fiscal, inc_other, exp_basic, exp_project, inc_prev, exp_prev; /* cents of 万元 */
	long output, benefit, progress, cost_table, tp_budget, tp_actual;
	long energy, property, admin, business, field, pub;
	long self_mgmt[6], self_overall, self_special, self_running, self_total;
	int nfunds;
	struct fund funds[3];
	const char *fault; /* NULL or a code */
};

static const char *const mgmt_labels[6] = { "预算编制得分", "预算执行得分", "信息公开得分",
					    "绩效管理得分", "采购管理得分", "资产管理得分" };
static const long mgmt_max[6] = { 500, 400, 300, 1500, 1000, 1000 };

static void money(struct dp_buf *b, long cents)
{
	dp_buf_addf(b, "%s%ld.%02ld", cents < 0 ? "-" : "", labs(cents) / 100, labs(cents) % 100);
}

static const char *grade_of(long total)
{
	return total >= 9000 ? "优" : total >= 8000 ? "良" : total >= 6000 ? "中" : "差";
}

static void make_uscc(struct rng *r, char out[24])
{
	static const char alpha[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	char s[19];
	s[0] = '1';
	s[1] = '1';
	for (int i = 2; i < 8; i++)
		s[i] = (char)('0' + between(r, 0, 9));
	for (int i = 8; i < 17; i++)
		s[i] = alpha[between(r, 0, 30)];
	s[17] = '0';
	s[18] = '\0';
	char e;
	dp_uscc_valid(s, &e);
	s[17] = e;
	memcpy(out, s, 19);
}

static void make_dept(struct rng *r, long i, int year, struct dept *d)
{
	memset(d, 0, sizeof *d);
	long p = i % NPARENTS;
	const char *sec = sectors[p % NSECTORS];
	snprintf(d->code, sizeof d->code, "44%07ld", i + 100);
	snprintf(d->parent, sizeof d->parent, "4400%02ld000", p);
	snprintf(d->sector, sizeof d->sector, "%s", sec);
	snprintf(d->name, sizeof d->name, "广东省%s系统第%ld预算单位", sec, i + 1);
	if (next(r) % 3 == 0)
		make_uscc(r, d->uscc);
	snprintf(d->filed, sizeof d->filed, "%d-%02d-%02d", year + 1, (int)between(r, 3, 6), (int)between(r, 1, 28));
	d->inc_fiscal = between(r, 10000, 999999);
	d->inc_other = between(r, 0, 5000);
	d->exp_basic = between(r, 5000, 300000);
	d->exp_project = between(r, 0, 600000);
	d->inc_prev = between(r, 10000, 999999);
	d->exp_prev = between(r, 10000, 999999);
	d->output = between(r, 8000, 12000);
	d->benefit = between(r, 8000, 12000);
	d->progress = between(r, 2000, 10000);
	d->cost_table = between(r, 500, 1000);
	d->tp_budget = between(r, 1000, 6000);
	d->tp_actual = between(r, 0, 7000);
	d->energy = between(r, 1000, 9000);
	d->property = between(r, 0, 5000);
	d->admin = between(r, 10, 300);
	d->business = between(r, 10, 300);
	d->field = between(r, 10, 300);
	d->pub = between(r, 10, 400);
	long mgmt = 0;
	for (int k = 0; k < 6; k++) {
		d->self_mgmt[k] = mgmt_max[k] - 50 * between(r, 0, mgmt_max[k] / 200);
		mgmt += d->self_mgmt[k];
	}
	d->nfunds = (int)between(r, 0, 3);
	for (int k = 0; k < d->nfunds; k++) {
		d->funds[k].alloc = between(r, 10000, 500000);
		d->funds[k].spent = d->funds[k].alloc * between(r, 50, 105) / 100;
		d->funds[k].selfeval = between(r, 7000, 10000);
	}
	d->self_overall = between(r, 1800, 2500);
	d->self_special = d->nfunds ? between(r, 1800, 2500) : 0;
	d->self_running = between(r, 150, 300);
	long sum = d->self_overall + d->self_special + mgmt + d->self_running;
	/* without funds 专项效能 is not applicable: the total is rescaled to 100 */
	d->self_total = d->nfunds ? sum : (sum * 100 * 2 + 75) / 150;
}

/* ---- forms ---- */

enum enc { ENC_UTF8, ENC_BOM, ENC_GB, ENC_U16, ENC_GZ };

struct opts {
	const char *out;
	uint64_t seed;
	int year;
	long forms, bulk;
	bool gz, clean;
	int faults, resubmit;
	const char *expect, *roster;
};

static void row(struct dp_buf *b, const char *label, const char *value, const char *unit, const char *item)
{
	dp_buf_addf(b, "%s,%s,%s,%s\n", label, value, unit, item);
}

static void row_money(struct dp_buf *b, struct rng *r, bool clean, const char *label, long cents, const char *item)
{
	struct dp_buf v = DP_BUF_INIT;
	long pick = clean ? 0 : between(r, 0, 9);
	if (pick <= 5) {
		money(&v, cents);
		row(b, label, v.s, "万元", item);
	} else if (pick <= 7) {
		dp_buf_addf(&v, "%ld", cents * 100); /* 元, exact */
		row(b, label, v.s, "元", item);
	} else {
		money(&v, cents);
		dp_buf_adds(&v, "万元");
		row(b, label, v.s, "", item);
	}
	dp_buf_free(&v);
}

static void row_pct(struct dp_buf *b, struct rng *r, bool clean, const char *label, long cents)
{
	struct dp_buf v = DP_BUF_INIT;
	money(&v, cents);
	if (!clean && next(r) % 2)
		dp_buf_adds(&v, "%"), row(b, label, v.s, "", "");
	else
		row(b, label, v.s, "%", "");
	dp_buf_free(&v);
}

static void row_score(struct dp_buf *b, const char *label, long cents)
{
	struct dp_buf v = DP_BUF_INIT;
	money(&v, cents);
	row(b, label, v.s, "分", "");
	dp_buf_free(&v);
}

static void form_text(struct dp_buf *b, struct rng *r, const struct dept *d, bool clean)
{
	const char *f = d->fault;
	bool en = !clean && next(r) % 5 == 0;
	dp_buf_adds(b, en ? "field,value,unit,item\n" : "字段,值,单位,分项\n");
	const char *code_label = clean ? "部门代码" : (next(r) % 4 == 0 ? "单位代码" : "部门代码");
	row(b, code_label, f && !strcmp(f, "E-CODE") ? "44/bad" : d->code, "", "");
	if (f && !strcmp(f, "E-TOO-LONG")) {
		struct dp_buf big = DP_BUF_INIT;
		for (int k = 0; k < 1700; k++)
			dp_buf_adds(&big, "长");
		row(b, "部门名称", big.s, "", "");
		dp_buf_free(&big);
	} else {
		row(b, "部门名称", d->name, "", "");
	}
	row(b, "主管部门代码", d->parent, "", "");
	row(b, "所属领域", d->sector, "", "");
	struct dp_buf y = DP_BUF_INIT;
	dp_buf_addf(&y, "%.4s", d->filed);
	dp_buf_reset(&y);
	dp_buf_addf(&y, "%d", atoi(d->filed) - 1);
	row(b, clean || next(r) % 2 ? "年度" : "评价年度", y.s, "", "");
	dp_buf_free(&y);
	if (d->uscc[0] || (f && !strcmp(f, "E-USCC"))) {
		char u[24];
		memcpy(u, d->uscc[0] ? d->uscc : "91350100M000100Y43", 19);
		if (f && !strcmp(f, "E-USCC"))
			u[17] = u[17] == '0' ? '1' : '0';
		row(b, "统一社会信用代码", u, "", "");
	}
	row(b, "预算单位数量", "1", "个", "");
	int yy, mm, dd;
	sscanf(d->filed, "%d-%d-%d", &yy, &mm, &dd);
	struct dp_buf date = DP_BUF_INIT;
	long form = clean ? 1 : between(r, 0, 3);
	if (f && !strcmp(f, "E-DATE"))
		dp_buf_addf(&date, "%d年2月30日", yy);
	else if (form == 0)
		dp_buf_addf(&date, "%d年%d月%d日", yy, mm, dd);
	else if (form == 1)
		dp_buf_adds(&date, d->filed);
	else if (form == 2)
		dp_buf_addf(&date, "%d/%d/%d", yy, mm, dd);
	else
		dp_buf_addf(&date, "%04d%02d%02d", yy, mm, dd);
	row(b, "填报日期", date.s, "", "");
	dp_buf_free(&date);
	long inc = d->inc_fiscal + d->inc_other;
	if (f && !strcmp(f, "E-SUM"))
		inc += 100;
	if (f && !strcmp(f, "E-NUMBER"))
		row(b, "收入合计", "\"39,98.03\"", "万元", "");
	else if (f && !strcmp(f, "E-UNIT"))
		row(b, "收入合计", "3998.03", "美元", "");
	else if (!(f && !strcmp(f, "E-REQUIRED")))
		row_money(b, r, clean, "收入合计", inc, "");
	if (f && !strcmp(f, "E-CONFLICT"))
		row_money(b, r, true, "收入合计", inc + 1, "");
	row_money(b, r, clean, "财政拨款收入", d->inc_fiscal, "");
	row_money(b, r, clean, "其他收入", d->inc_other, "");
	row_money(b, r, clean, "支出合计", d->exp_basic + d->exp_project, "");
	row_money(b, r, clean, "基本支出", d->exp_basic, "");
	row_money(b, r, clean, "项目支出", d->exp_project, "");
	row_money(b, r, clean, "上年收入合计", d->inc_prev, "");
	row_money(b, r, clean, "上年支出合计", d->exp_prev, "");
	row_pct(b, r, clean, "产出指标完成率", f && !strcmp(f, "E-RANGE") ? 120000 : d->output);
	row_pct(b, r, clean, "效益指标完成率", d->benefit);
	row_pct(b, r, clean, "平均支出进度", d->progress);
	row_score(b, "经济成本分析自评表得分", d->cost_table);
	row_money(b, r, clean, "三公经费预算数", d->tp_budget, "");
	row_money(b, r, clean, "三公经费实际支出数", d->tp_actual, "");
	struct dp_buf v = DP_BUF_INIT;
	money(&v, d->energy);
	row(b, "单位能耗支出", v.s, "元/平方米", "");
	dp_buf_reset(&v);
	money(&v, d->property);
	row(b, "物业管理支出", v.s, "元/平方米", "");
	row_money(b, r, true, "人均行政支出", d->admin, "");
	row_money(b, r, true, "人均业务活动支出", d->business, "");
	row_money(b, r, true, "人均外勤支出", d->field, "");
	row_money(b, r, true, "人均公用经费支出", d->pub, "");
	for (int k = 0; k < d->nfunds; k++) {
		char item[32];
		snprintf(item, sizeof item, "专项%d", k + 1);
		row_money(b, r, clean, "专项资金下达", d->funds[k].alloc, item);
		row_money(b, r, clean, "专项资金支出", d->funds[k].spent, item);
		dp_buf_reset(&v);
		money(&v, d->funds[k].selfeval);
		row(b, "专项资金绩效自评分", v.s, "分", item);
	}
	row_score(b, "整体效能得分", d->self_overall);
	if (d->nfunds)
		row_score(b, "专项效能得分", d->self_special);
	for (int k = 0; k < 6; k++)
		row_score(b, mgmt_labels[k], d->self_mgmt[k]);
	row_score(b, "运行成本得分", d->self_running);
	row_score(b, "自评总分", d->self_total);
	row(b, "自评等级", grade_of(d->self_total), "", "");
	dp_buf_free(&v);
}

static void fold_fullwidth(struct dp_buf *b)
{
	/* digits of the 收入 rows in full width, as some clerks type them */
	struct dp_buf o = DP_BUF_INIT;
	for (size_t i = 0; i < b->len; i++) {
		char c = b->s[i];
		if (c >= '0' && c <= '9' && i > 0 && b->s[i - 1] != '\n' && i % 7 == 0)
			dp_buf_addf(&o, "\xEF\xBC%c", (char)(0x90 + (c - '0')));
		else
			dp_buf_addc(&o, c);
	}
	dp_buf_free(b);
	*b = o;
}

static void write_bytes(const char *path, const void *p, size_t n, bool gz)
{
	if (gz) {
		gzFile g = gzopen(path, "wb6");
		if (!g || gzwrite(g, p, (unsigned)n) != (int)n || gzclose(g) != Z_OK) {
			fprintf(stderr, "dp-gen: cannot write %s\n", path);
			exit(73);
		}
		return;
	}
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "dp-gen: cannot write %s\n", path);
		exit(73);
	}
}

static void write_encoded(const char *path, struct dp_buf *text, enum enc e)
{
	if (e == ENC_UTF8 || e == ENC_GZ) {
		write_bytes(path, text->s, text->len, e == ENC_GZ);
		return;
	}
	if (e == ENC_BOM) {
		struct dp_buf o = DP_BUF_INIT;
		dp_buf_adds(&o, "\xEF\xBB\xBF");
		dp_buf_add(&o, text->s, text->len);
		write_bytes(path, o.s, o.len, false);
		dp_buf_free(&o);
		return;
	}
	iconv_t cd = iconv_open(e == ENC_GB ? "GB18030" : "UTF-16LE", "UTF-8");
	size_t cap = text->len * 4 + 16;
	char *out = dp_xmalloc(cap), *op = out;
	size_t ol = cap;
	if (e == ENC_U16) {
		memcpy(op, "\xFF\xFE", 2);
		op += 2;
		ol -= 2;
	}
	char *ip = text->s;
	size_t il = text->len;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		fprintf(stderr, "dp-gen: iconv failed\n");
		exit(70);
	}
	iconv_close(cd);
	write_bytes(path, out, cap - ol, false);
	free(out);
}

static void expect_row(FILE *f, const char *file, long line, const struct dept *d, const char *what, const char *code)
{
	if (f)
		fprintf(f, "%s,%ld,%s,%d,%s,%s\n", file, line, d->code, atoi(d->filed) - 1, what, code ? code : "");
}

static void gen_forms(const struct opts *o, FILE *ex)
{
	struct rng r = { o->seed };
	char *dir = dp_path_join(o->out, "forms");
	struct dp_buf err = DP_BUF_INIT;
	if (!dp_mkdirs(dir, &err)) {
		fprintf(stderr, "dp-gen: %s\n", err.s);
		exit(73);
	}
	for (long i = 0; i < o->forms; i++) {
		struct dept d;
		make_dept(&r, i, o->year, &d);
		bool fault = o->faults && (long)(next(&r) % 100) < o->faults;
		bool twice = !fault && o->resubmit && (long)(next(&r) % 100) < o->resubmit;
		if (fault)
			d.fault = faults[i % NFAULTS];
		for (int k = 0; k < (twice ? 2 : 1); k++) {
			if (twice && k == 0)
				snprintf(d.filed, sizeof d.filed, "%d-03-01", o->year + 1);
			if (twice && k == 1)
				snprintf(d.filed, sizeof d.filed, "%d-07-15", o->year + 1);
			struct dp_buf t = DP_BUF_INIT;
			form_text(&t, &r, &d, o->clean);
			enum enc e = ENC_UTF8;
			if (!o->clean) {
				long p = between(&r, 0, 99);
				e = p < 60 ? ENC_UTF8 : p < 70 ? ENC_BOM : p < 85 ? ENC_GB : p < 95 ? ENC_U16 : ENC_GZ;
				if (i < 5) /* every encoding, even in a small sample */
					e = (enum enc)i;
				if (next(&r) % 10 == 0)
					fold_fullwidth(&t);
			}
			char name[96];
			snprintf(name, sizeof name, "%s/%02ld/%s-%d.csv%s", dir, i % 97, d.code, k, e == ENC_GZ ? ".gz" : "");
			char *sub = dp_xstrdup(name);
			*strrchr(sub, '/') = '\0';
			dp_mkdirs(sub, &err);
			free(sub);
			write_encoded(name, &t, e);
			dp_buf_free(&t);
			expect_row(ex, name, 1, &d, fault ? "rejected" : twice && k == 0 ? "superseded" : "accepted",
				   d.fault);
		}
	}
	free(dir);
}

/* ---- bulk ---- */

struct sink {
	FILE *f;
	gzFile g;
	struct dp_buf b;
};

static void sink_flush(struct sink *s, bool force)
{
	if (!force && s->b.len < (1 << 20))
		return;
	if (s->g ? gzwrite(s->g, s->b.s, (unsigned)s->b.len) != (int)s->b.len : fwrite(s->b.s, 1, s->b.len, s->f) != s->b.len) {
		fprintf(stderr, "dp-gen: write failed\n");
		exit(74);
	}
	dp_buf_reset(&s->b);
}

static void sink_open(struct sink *s, const char *path, bool gz)
{
	memset(s, 0, sizeof *s);
	if (gz)
		s->g = gzopen(path, "wb6");
	else
		s->f = fopen(path, "wb");
	if (!s->g && !s->f) {
		fprintf(stderr, "dp-gen: cannot write %s\n", path);
		exit(73);
	}
}

static void sink_close(struct sink *s)
{
	sink_flush(s, true);
	if ((s->g && gzclose(s->g) != Z_OK) || (s->f && fclose(s->f) != 0)) {
		fprintf(stderr, "dp-gen: write failed\n");
		exit(74);
	}
	dp_buf_free(&s->b);
}

static void bulk_row(struct dp_buf *b, const struct dept *d, int year)
{
	const char *f = d->fault;
	dp_buf_addf(b, "%s,%s,%s,%s,%d,", f && !strcmp(f, "E-CODE") ? "44/bad" : d->code, d->name, d->parent,
		    d->sector, year);
	dp_buf_adds(b, f && !strcmp(f, "E-DATE") ? "2022-02-30" : d->filed);
	dp_buf_addc(b, ',');
	long inc = d->inc_fiscal + d->inc_other + (f && !strcmp(f, "E-SUM") ? 100 : 0);
	if (f && (!strcmp(f, "E-NUMBER") || !strcmp(f, "E-CONFLICT")))
		dp_buf_adds(b, "\"39,98.03\"");
	else if (f && !strcmp(f, "E-UNIT"))
		dp_buf_adds(b, "3998美元");
	else if (!(f && !strcmp(f, "E-REQUIRED")))
		money(b, inc);
	long v[] = { d->inc_fiscal, d->inc_other, d->exp_basic + d->exp_project, d->exp_basic, d->exp_project,
		     f && !strcmp(f, "E-RANGE") ? 120000 : d->output, d->benefit, d->progress, d->cost_table,
		     d->tp_budget, d->tp_actual, d->energy, d->property, d->admin, d->business, d->field, d->pub,
		     d->self_overall };
	for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
		dp_buf_addc(b, ',');
		money(b, v[k]);
	}
	dp_buf_addc(b, ',');
	if (d->nfunds)
		money(b, d->self_special);
	for (int k = 0; k < 6; k++) {
		dp_buf_addc(b, ',');
		money(b, d->self_mgmt[k]);
	}
	dp_buf_addc(b, ',');
	money(b, d->self_running);
	dp_buf_addc(b, ',');
	money(b, d->self_total);
	dp_buf_addf(b, ",%s,", grade_of(d->self_total));
	if (f && !strcmp(f, "E-USCC")) {
		dp_buf_adds(b, "91350100M000100Y44");
	} else if (f && !strcmp(f, "E-TOO-LONG")) {
		for (int k = 0; k < 1500; k++)
			dp_buf_adds(b, "长");
	} else {
		dp_buf_adds(b, d->uscc);
	}
	dp_buf_addc(b, '\n');
}

static void gen_bulk(const struct opts *o, FILE *ex)
{
	struct rng r = { o->seed ^ 0xB01CULL };
	struct dp_buf err = DP_BUF_INIT;
	char *dir = dp_path_join(o->out, "bulk");
	if (!dp_mkdirs(dir, &err)) {
		fprintf(stderr, "dp-gen: %s\n", err.s);
		exit(73);
	}
	struct dp_buf p1 = DP_BUF_INIT, p2 = DP_BUF_INIT;
	dp_buf_addf(&p1, "%s/departments-%d.csv%s", dir, o->year, o->gz ? ".gz" : "");
	dp_buf_addf(&p2, "%s/special-funds-%d.csv%s", dir, o->year, o->gz ? ".gz" : "");
	struct sink sd, sf;
	sink_open(&sd, p1.s, o->gz);
	sink_open(&sf, p2.s, o->gz);
	dp_buf_adds(&sd.b, "部门代码,部门名称,主管部门代码,所属领域,年度,填报日期,收入合计（万元）,财政拨款收入（万元）,"
			   "其他收入（万元）,支出合计（万元）,基本支出（万元）,项目支出（万元）,产出指标完成率(%),"
			   "效益指标完成率(%),平均支出进度(%),经济成本分析自评表得分,三公经费预算数（万元）,"
			   "三公经费实际支出数（万元）,单位能耗支出(元/平方米),物业管理支出(元/平方米),人均行政支出（万元）,"
			   "人均业务活动支出（万元）,人均外勤支出（万元）,人均公用经费支出（万元）,整体效能得分,专项效能得分,"
			   "预算编制得分,预算执行得分,信息公开得分,绩效管理得分,采购管理得分,资产管理得分,运行成本得分,"
			   "自评总分,自评等级,统一社会信用代码\n");
	dp_buf_adds(&sf.b, "专项资金名称,部门代码,年度,专项资金下达（万元）,专项资金支出（万元）,专项资金绩效自评分\n");
	long line = 1;
	for (long i = 0; i < o->bulk; i++) {
		struct dept d;
		make_dept(&r, BULK_BASE + i, o->year, &d);
		bool fault = o->faults && (long)(next(&r) % 100) < o->faults;
		bool twice = !fault && o->resubmit && (long)(next(&r) % 100) < o->resubmit;
		if (fault)
			d.fault = faults[i % NFAULTS];
		for (int k = 0; k < (twice ? 2 : 1); k++) {
			if (twice)
				snprintf(d.filed, sizeof d.filed, "%d-%s", o->year + 1, k ? "07-15" : "03-01");
			bulk_row(&sd.b, &d, o->year);
			line++;
			expect_row(ex, p1.s, line, &d, fault ? "rejected" : twice && k == 0 ? "superseded" : "accepted",
				   fault ? (strcmp(d.fault, "E-CONFLICT") == 0 ? "E-NUMBER" : d.fault) : NULL);
			sink_flush(&sd, false);
		}
		/* with faults, now and then a fund's self-score out of range
		 * (E-RANGE for the fund alone: its department has another) */
		bool fund_fault = o->faults && d.nfunds >= 2 && i % 50 == 7;
		for (int k = 0; k < d.nfunds; k++) {
			dp_buf_addf(&sf.b, "专项%d,%s,%d,", k + 1, d.code, o->year);
			money(&sf.b, d.funds[k].alloc);
			dp_buf_addc(&sf.b, ',');
			money(&sf.b, d.funds[k].spent);
			dp_buf_addc(&sf.b, ',');
			money(&sf.b, fund_fault && k == 0 ? 12000 : d.funds[k].selfeval);
			dp_buf_addc(&sf.b, '\n');
		}
		sink_flush(&sf, false);
	}
	sink_close(&sd);
	sink_close(&sf);
	dp_buf_free(&p1);
	dp_buf_free(&p2);
	free(dir);
}

static void gen_roster(const struct opts *o)
{
	struct rng r = { o->seed };
	FILE *f = fopen(o->roster, "wb");
	if (!f) {
		fprintf(stderr, "dp-gen: cannot write %s\n", o->roster);
		exit(73);
	}
	fputs("dept_code,dept_name,parent_code,sector\n", f);
	/* the names, parents and sectors depend on the index only */
	for (long i = 0; i < o->forms + 3; i++) { /* three rostered departments never file */
		struct dept d;
		make_dept(&r, i, o->year, &d);
		fprintf(f, "%s,%s,%s,%s\n", d.code, d.name, d.parent, d.sector);
	}
	for (long i = 0; i < o->bulk; i++) {
		struct dept d;
		make_dept(&r, BULK_BASE + i, o->year, &d);
		fprintf(f, "%s,%s,%s,%s\n", d.code, d.name, d.parent, d.sector);
	}
	if (fclose(f) != 0)
		exit(74);
}

int main(int argc, char **argv)
{
	struct opts o = { NULL, 20211231, 2021, 0, 0, false, false, 0, 0, NULL, NULL };
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },     { "seed", required_argument, NULL, 's' },
		{ "year", required_argument, NULL, 'y' },    { "forms", required_argument, NULL, 'f' },
		{ "bulk", required_argument, NULL, 'b' },    { "gz", no_argument, NULL, 'z' },
		{ "faults", required_argument, NULL, 'F' },  { "resubmit", required_argument, NULL, 'R' },
		{ "expect", required_argument, NULL, 'e' },  { "roster", required_argument, NULL, 'r' },
		{ "clean", no_argument, NULL, 'c' },         { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': o.out = optarg; break;
		case 's': o.seed = strtoull(optarg, NULL, 10); break;
		case 'y': o.year = atoi(optarg); break;
		case 'f': o.forms = atol(optarg); break;
		case 'b': o.bulk = atol(optarg); break;
		case 'z': o.gz = true; break;
		case 'F': o.faults = atoi(optarg); break;
		case 'R': o.resubmit = atoi(optarg); break;
		case 'e': o.expect = optarg; break;
		case 'r': o.roster = optarg; break;
		case 'c': o.clean = true; break;
		case 'h':
			puts("usage: dp-gen --out DIR [--seed N] [--year Y] [--forms N] [--bulk N] [--gz]\n"
			     "              [--faults PCT] [--resubmit PCT] [--expect FILE] [--roster FILE] [--clean]");
			return 0;
		default:
			fprintf(stderr, "dp-gen: bad option; see --help\n");
			return 64;
		}
	}
	if (!o.out || o.year < 2000 || o.year > 2099) {
		fprintf(stderr, "dp-gen: --out is required (and --year within 2000–2099)\n");
		return 64;
	}
	struct dp_buf err = DP_BUF_INIT;
	if (!dp_mkdirs(o.out, &err)) {
		fprintf(stderr, "dp-gen: %s\n", err.s);
		return 73;
	}
	FILE *ex = NULL;
	if (o.expect) {
		ex = fopen(o.expect, "wb");
		if (!ex)
			return 73;
		fputs("file,line,dept_code,fiscal_year,expect,code\n", ex);
	}
	if (o.forms)
		gen_forms(&o, ex);
	if (o.bulk)
		gen_bulk(&o, ex);
	if (o.roster)
		gen_roster(&o);
	if (ex && fclose(ex) != 0)
		return 74;
	return 0;
}
