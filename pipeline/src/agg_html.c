/* dp-aggregate: report.html (SPEC §6, issue #25 item 3), the run on one
 * page for people, in Chinese: the counts (read = accepted + rejected +
 * superseded), the grade distribution, the ranking (searchable; its top
 * and bottom when long), each sector's totals as box plots, the largest
 * self-score discrepancies, the missing departments, the findings by code
 * with what they mean and what to do, and with --prev the year over year
 * movement.
 *
 * Self-contained and offline: the charts are inline SVG, the style
 * and the search box's few lines of script inline, allowed by the page's
 * policy by their hashes and nothing else (html.h).  Every text from the
 * input goes through dp_html_input.  Read back from the published tables
 * row by row: memory holds the page (bounded: at most TABLE_ROWS rows of
 * any table) and, for the box plots, 16 bytes per ranked department.  The
 * same tables give the same bytes.  The year over year section is
 * agg_html_yoy.c's; the charts are svg.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agg.h"
#include "deptperf/catalog.h"
#include "deptperf/csvread.h"
#include "deptperf/html.h"
#include "deptperf/svg.h"
#include "deptperf/text.h"
#include "deptperf/value.h"

/* Rows of a long table shown: the first TABLE_ROWS, or for the ranking its
 * first and last TABLE_ROWS / 2; the CSV and report.xlsx have them all. */
#define TABLE_ROWS 2000
#define DISCREPANCY_ROWS 30 /* per year: the largest */
#define MAX_SECTORS 40      /* per year's box plots: the ones with most departments */

struct year {
	char *fy;
	size_t expected;          /* its departments in the totals: which rows are the last */
	struct dp_buf rank_top, rank_tail; /* rendered rows */
	size_t ranked, ntail;
	struct dp_buf disc;
	size_t ndisc;
};

/* A ranked department for the box plots: its year, its sector (an index
 * in the page's sectors) and its total. */
struct sample {
	uint32_t year, sector;
	dp_dec total;
};

/* The sectors told apart for the box plots: a province has a few dozen;
 * past MAX_SECTOR_NAMES the others are drawn as one. */
#define MAX_SECTOR_NAMES 256

struct code_count {
	uint64_t n;
	char *code;          /* as found: a code not in the catalogue is shown too */
};

struct page {
	struct agg *a;
	struct year *years;
	size_t nyears;
	struct sample *samples;
	size_t nsamples, cap;
	char *sectors[MAX_SECTOR_NAMES + 1]; /* the last: 其他 */
	size_t nsectors, last_sector;
	struct code_count *codes;
	size_t ncodes;
	struct dp_buf missing;
	size_t nmissing;
	uint64_t findings;
	uint64_t rows;           /* table rows on the page, for the manifest */
	bool has_roster;         /* missing.csv.gz published (--roster) */
};

static struct year *year_of(struct page *p, const char *fy)
{
	if (p->nyears && strcmp(p->years[p->nyears - 1].fy, fy) == 0)
		return &p->years[p->nyears - 1];
	for (size_t i = 0; i < p->nyears; i++)
		if (strcmp(p->years[i].fy, fy) == 0)
			return &p->years[i];
	p->years = dp_xrealloc(p->years, (p->nyears + 1) * sizeof *p->years);
	struct year *y = &p->years[p->nyears++];
	memset(y, 0, sizeof *y);
	y->fy = dp_xstrdup(fy);
	return y;
}

static int year_cmp(const void *x, const void *y)
{
	return strcmp(((const struct year *)x)->fy, ((const struct year *)y)->fy);
}

/* Opens <h3>FY 年度, for the caller to close. */
static void year_heading(struct dp_buf *out, const char *fy)
{
	dp_buf_adds(out, "<h3>");
	dp_html_text(out, fy);
	dp_buf_adds(out, " 年度");
}

/* ---- ranking: rows, and each department's sector and total ---- */

static uint32_t sector_of(struct page *p, const char *sector)
{
	if (p->nsectors && strcmp(p->sectors[p->last_sector], sector) == 0)
		return (uint32_t)p->last_sector;
	size_t i = 0;
	while (i < p->nsectors && strcmp(p->sectors[i], sector) != 0)
		i++;
	if (i == p->nsectors) {
		if (p->nsectors == MAX_SECTOR_NAMES) {
			if (!p->sectors[MAX_SECTOR_NAMES])
				p->sectors[MAX_SECTOR_NAMES] = dp_xstrdup("其他");
			return MAX_SECTOR_NAMES;
		}
		p->sectors[p->nsectors++] = dp_xstrdup(sector);
	}
	p->last_sector = i;
	return (uint32_t)i;
}

static bool on_rank(void *ctx, const struct agg_cols *c, const struct dp_record *rec)
{
	struct page *p = ctx;
	struct year *y = year_of(p, agg_cell(c, rec, "fiscal_year"));
	/* only the rows shown are made: the first and the last TABLE_ROWS / 2 */
	bool top = y->ranked < TABLE_ROWS / 2, tail = !top && y->ranked + TABLE_ROWS / 2 >= y->expected &&
						      y->ntail < TABLE_ROWS / 2;
	if (top || tail) {
		static const char *const cols[] = { "#rank", "@dept_code", "dept_name", "sector", "#total", "grade",
						    "#self_total", "#delta", "#rank_in_sector", "#percentile", NULL };
		agg_tr(p->a, top ? &y->rank_top : &y->rank_tail, c, rec, cols);
		y->ntail += tail;
	}
	y->ranked++;
	dp_dec total;
	if (agg_cell_dec(c, rec, "total", &total)) {
		if (p->nsamples == p->cap) {
			p->cap = p->cap ? 2 * p->cap : 1024;
			p->samples = dp_xrealloc(p->samples, p->cap * sizeof *p->samples);
		}
		p->samples[p->nsamples++] =
			(struct sample){ (uint32_t)(y - p->years), sector_of(p, agg_cell(c, rec, "sector")), total };
	}
	return true;
}

static void ranking_section(struct page *p, struct dp_buf *out)
{
	dp_buf_adds(out, "<h2 id=\"ranking\">三、排名</h2>\n"
			 "<p>按复核总分从高到低，并列同名次。输入部门代码、名称或领域查找：</p>\n"
			 "<p><input type=\"search\" id=\"search\" placeholder=\"查找部门\" aria-label=\"查找部门\"> "
			 "<span id=\"search-count\"></span></p>\n");
	static const char *const heads[] = { "名次", "部门代码", "部门名称", "所属领域", "复核总分", "等级",
					     "自评总分", "差额", "领域内名次", "百分位", NULL };
	for (size_t i = 0; i < p->nyears; i++) {
		struct year *y = &p->years[i];
		year_heading(out, y->fy);
		dp_buf_addf(out, "（%zu 个部门）</h3>\n", y->ranked);
		if (y->ranked > TABLE_ROWS)
			dp_buf_addf(out, "<p class=\"note\">只列前 %d 名和后 %d 名；全部见 rankings.csv.gz 或 report.xlsx。查找只在列出的行中进行。</p>\n",
				    TABLE_ROWS / 2, TABLE_ROWS / 2);
		dp_buf_adds(out, "<div class=\"scroll\"><table class=\"searchable\" id=\"ranking-");
		dp_html_text(out, y->fy);
		dp_buf_adds(out, "\">");
		agg_th_row(out, heads);
		dp_buf_add(out, y->rank_top.s, y->rank_top.len);
		size_t shown = y->ranked < TABLE_ROWS / 2 ? y->ranked : TABLE_ROWS / 2 + y->ntail;
		if (y->ranked > shown)
			dp_buf_addf(out, "<tr class=\"gap\"><td colspan=\"10\">…… 中间 %zu 个部门未列出 ……</td></tr>\n",
				    y->ranked - shown);
		dp_buf_add(out, y->rank_tail.s, y->rank_tail.len);
		p->rows += shown;
		dp_buf_adds(out, "</tbody></table></div>\n");
	}
	if (!p->nyears)
		dp_buf_adds(out, "<p>本次运行没有已受理的填报。</p>\n");
}

/* ---- grade distribution ---- */

struct grade_count {
	char *fy, *grade;
	uint64_t n;
	char *share;
};

struct grades {
	struct page *p;
	struct grade_count *v;
	size_t n;
	struct dp_buf table;
};

static bool on_grade(void *ctx, const struct agg_cols *c, const struct dp_record *rec)
{
	struct grades *g = ctx;
	const char *scope = agg_cell(c, rec, "scope");
	if (strcmp(scope, "province") == 0) {
		g->v = dp_xrealloc(g->v, (g->n + 1) * sizeof *g->v);
		g->v[g->n++] = (struct grade_count){ dp_xstrdup(agg_cell(c, rec, "fiscal_year")),
						     dp_xstrdup(agg_cell(c, rec, "grade")),
						     strtoull(agg_cell(c, rec, "count"), NULL, 10),
						     dp_xstrdup(agg_cell(c, rec, "share")) };
	}
	dp_buf_adds(&g->table, "<tr>");
	agg_td_text(&g->table, agg_cell(c, rec, "fiscal_year"));
	agg_td_text(&g->table, strcmp(scope, "province") == 0 ? "全省" : scope);
	agg_td_text(&g->table, agg_cell(c, rec, "grade"));
	agg_td_num(&g->table, agg_cell(c, rec, "count"));
	agg_td_num(&g->table, agg_cell(c, rec, "share"));
	dp_buf_adds(&g->table, "</tr>\n");
	g->p->rows++;
	return true;
}

/* A column per grade of one year: its count, and its share over it. */
static void grade_chart(struct dp_buf *out, const char *fy, const struct grade_count *v, size_t n)
{
	static const char *const colour[] = { "#1e7b34", "#3b6fb6", "#d39e00", "#b03a2e" };
	struct dp_svg_bar *bars = dp_xcalloc(n + 1, sizeof *bars);
	struct dp_buf notes = DP_BUF_INIT, id = DP_BUF_INIT, title = DP_BUF_INIT;
	size_t *at = dp_xcalloc(n + 1, sizeof *at);
	for (size_t i = 0; i < n; i++) {
		at[i] = notes.len;
		dp_buf_addf(&notes, "%llu（%s%%）", (unsigned long long)v[i].n, v[i].share);
		dp_buf_addc(&notes, 0);
	}
	for (size_t i = 0; i < n; i++)
		bars[i] = (struct dp_svg_bar){ v[i].grade, notes.s + at[i], (double)v[i].n, colour[i < 4 ? i : 3] };
	dp_buf_addf(&id, "chart-grades-%s", fy);
	dp_buf_addf(&title, "%s 年度等级分布", fy);
	dp_svg_columns(out, id.s, title.s, bars, n);
	free(bars);
	free(at);
	dp_buf_free(&notes);
	dp_buf_free(&id);
	dp_buf_free(&title);
}

static void grades_section(struct page *p, struct dp_buf *out)
{
	struct grades g = { p, NULL, 0, DP_BUF_INIT };
	agg_read_table(p->a, p->a->o->out, "summary_grades.csv.gz", false, on_grade, &g);
	dp_buf_adds(out, "<h2 id=\"grades\">二、等级分布</h2>\n");
	for (size_t i = 0; i < g.n;) {
		size_t j = i;
		while (j < g.n && strcmp(g.v[j].fy, g.v[i].fy) == 0)
			j++;
		year_heading(out, g.v[i].fy);
		dp_buf_adds(out, "（全省）</h3>\n");
		grade_chart(out, g.v[i].fy, g.v + i, j - i);
		i = j;
	}
	if (!g.n)
		dp_buf_adds(out, "<p>本次运行没有已受理的填报。</p>\n");
	static const char *const heads[] = { "年度", "范围", "等级", "个数", "占比（%）", NULL };
	dp_buf_adds(out, "<details><summary>全省及各领域的等级个数</summary><div class=\"scroll\"><table>");
	agg_th_row(out, heads);
	dp_buf_add(out, g.table.s, g.table.len);
	dp_buf_adds(out, "</tbody></table></div></details>\n");
	for (size_t i = 0; i < g.n; i++) {
		free(g.v[i].fy);
		free(g.v[i].grade);
		free(g.v[i].share);
	}
	free(g.v);
	dp_buf_free(&g.table);
}

/* ---- sectors: box plots of the totals ---- */

static int sample_cmp(const void *x, const void *y)
{
	const struct sample *a = x, *b = y;
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->sector != b->sector)
		return a->sector < b->sector ? -1 : 1;
	return a->total < b->total ? -1 : a->total > b->total;
}

struct box {
	const char *sector;
	size_t n;
	dp_dec min, q1, med, q3, max;
};

static int box_cmp(const void *x, const void *y)
{
	const struct box *a = x, *b = y;
	if (a->med != b->med)
		return a->med > b->med ? -1 : 1;
	return strcmp(a->sector, b->sector);
}

static int box_by_size(const void *x, const void *y)
{
	const struct box *a = x, *b = y;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->sector, b->sector);
}

/* The ⌈q·n⌉-th smallest of v[0..n) (nearest rank, SPEC §6), q = num/den. */
static dp_dec nearest_rank(const struct sample *v, size_t n, size_t num, size_t den)
{
	size_t k = (num * n + den - 1) / den;
	return v[k ? k - 1 : 0].total;
}

static void box_chart(struct dp_buf *out, const char *fy, struct box *b, size_t n, dp_dec top_score)
{
	dp_dec lo = b[0].min;
	for (size_t i = 0; i < n; i++)
		if (b[i].min < lo)
			lo = b[i].min;
	/* the axis: from the lowest total down to a multiple of 10, to the root's max */
	long from = (long)(lo / DP_DEC_ONE) / 10 * 10, to = (long)((top_score + DP_DEC_ONE - 1) / DP_DEC_ONE);
	if (to <= from)
		to = from + 10;
	struct dp_svg_box *v = dp_xcalloc(n + 1, sizeof *v);
	struct dp_buf text = DP_BUF_INIT, id = DP_BUF_INIT, title = DP_BUF_INIT;
	size_t *at = dp_xcalloc(2 * n + 1, sizeof *at);
	for (size_t i = 0; i < n; i++) {
		at[2 * i] = text.len;
		dp_buf_addf(&text, "%s（%zu）", *b[i].sector ? b[i].sector : "（未填）", b[i].n);
		dp_buf_addc(&text, 0);
		at[2 * i + 1] = text.len;
		dp_buf_adds(&text, "最低 ");
		agg_dec_text(&text, b[i].min);
		dp_buf_adds(&text, "，下四分位 ");
		agg_dec_text(&text, b[i].q1);
		dp_buf_adds(&text, "，中位数 ");
		agg_dec_text(&text, b[i].med);
		dp_buf_adds(&text, "，上四分位 ");
		agg_dec_text(&text, b[i].q3);
		dp_buf_adds(&text, "，最高 ");
		agg_dec_text(&text, b[i].max);
		dp_buf_addc(&text, 0);
	}
	for (size_t i = 0; i < n; i++)
		v[i] = (struct dp_svg_box){ text.s + at[2 * i], agg_dec_double(b[i].min), agg_dec_double(b[i].q1),
					    agg_dec_double(b[i].med), agg_dec_double(b[i].q3), agg_dec_double(b[i].max),
					    text.s + at[2 * i + 1] };
	dp_buf_addf(&id, "chart-sectors-%s", fy);
	dp_buf_addf(&title, "%s 年度各领域复核总分分布（最低、下四分位、中位数、上四分位、最高）", fy);
	dp_svg_boxes(out, id.s, title.s, v, n, (double)from, (double)to, to - from > 50 ? 10 : 5);
	free(v);
	free(at);
	dp_buf_free(&text);
	dp_buf_free(&id);
	dp_buf_free(&title);
}

static void sectors_section(struct page *p, struct dp_buf *out)
{
	dp_buf_adds(out, "<h2 id=\"sectors\">四、各领域复核总分分布</h2>\n"
			 "<p>每行一个所属领域（括号内为部门数）：线从最低分到最高分，框从下四分位到上四分位，红线为中位数"
			 "（均为最近秩，同 summary_sectors.csv.gz）。按中位数从高到低排列。</p>\n");
	dp_qsort(p->samples, p->nsamples, sizeof *p->samples, sample_cmp);
	const struct dp_indicator *root = dp_rules_get(p->a->rules, (size_t)p->a->root);
	for (size_t i = 0; i < p->nsamples;) {
		size_t yend = i;
		while (yend < p->nsamples && p->samples[yend].year == p->samples[i].year)
			yend++;
		struct box *b = NULL;
		size_t nb = 0;
		for (size_t j = i; j < yend;) {
			size_t k = j;
			const char *sec = p->sectors[p->samples[j].sector];
			while (k < yend && p->samples[k].sector == p->samples[j].sector)
				k++;
			const struct sample *v = p->samples + j;
			size_t n = k - j;
			b = dp_xrealloc(b, (nb + 1) * sizeof *b);
			b[nb++] = (struct box){ sec, n, v[0].total, nearest_rank(v, n, 1, 4), nearest_rank(v, n, 1, 2),
						nearest_rank(v, n, 3, 4), v[n - 1].total };
			j = k;
		}
		const char *fy = p->years[p->samples[i].year].fy;
		year_heading(out, fy);
		dp_buf_adds(out, "</h3>\n");
		if (nb > MAX_SECTORS) {
			dp_qsort(b, nb, sizeof *b, box_by_size);
			dp_buf_addf(out, "<p class=\"note\">共 %zu 个领域，只画部门最多的 %d 个；全部见 summary_sectors.csv.gz。</p>\n", nb,
				    MAX_SECTORS);
			nb = MAX_SECTORS;
		}
		dp_qsort(b, nb, sizeof *b, box_cmp);
		box_chart(out, fy, b, nb, root->max);
		free(b);
		i = yend;
	}
	if (!p->nsamples)
		dp_buf_adds(out, "<p>本次运行没有已受理的填报。</p>\n");
}

/* ---- discrepancies: the first rows of each year (the largest) ---- */

static bool on_disc(void *ctx, const struct agg_cols *c, const struct dp_record *rec)
{
	struct page *p = ctx;
	struct year *y = year_of(p, agg_cell(c, rec, "fiscal_year"));
	if (y->ndisc++ >= DISCREPANCY_ROWS)
		return p->nyears > 1; /* one year: its largest are read, its count is the manifest's */
	static const char *const cols[] = { "@dept_code", "dept_name", "label", "#self", "#score", "#delta", NULL };
	agg_tr(p->a, &y->disc, c, rec, cols);
	p->rows++;
	return true;
}

static void discrepancies_section(struct page *p, struct dp_buf *out)
{
	agg_read_table(p->a, p->a->o->out, "discrepancies.csv.gz", false, on_disc, p);
	if (p->nyears == 1)
		p->years[0].ndisc = (size_t)agg_published_rows(p->a, "discrepancies.csv.gz");
	dp_buf_addf(out, "<h2 id=\"discrepancies\">五、自评与复核相差最大的指标</h2>\n"
			 "<p>差额 = 自评得分 − 复核得分；每年度列出相差最大的 %d 项，全部见 discrepancies.csv.gz。</p>\n",
		    DISCREPANCY_ROWS);
	static const char *const heads[] = { "部门代码", "部门名称", "指标", "自评得分", "复核得分", "差额", NULL };
	bool any = false;
	for (size_t i = 0; i < p->nyears; i++) {
		struct year *y = &p->years[i];
		if (!y->ndisc)
			continue;
		any = true;
		year_heading(out, y->fy);
		dp_buf_addf(out, "（共 %zu 项）</h3>\n<table>", y->ndisc);
		agg_th_row(out, heads);
		dp_buf_add(out, y->disc.s, y->disc.len);
		dp_buf_adds(out, "</tbody></table>\n");
	}
	if (!any)
		dp_buf_adds(out, "<p>没有自评与复核相差 0.01 分及以上的指标。</p>\n");
}

/* ---- missing ---- */

static bool on_missing(void *ctx, const struct agg_cols *c, const struct dp_record *rec)
{
	struct page *p = ctx;
	if (p->nmissing++ >= TABLE_ROWS)
		return true;
	static const char *const cols[] = { "fiscal_year", "@dept_code", "dept_name", "parent_code", "sector", NULL };
	agg_tr(p->a, &p->missing, c, rec, cols);
	p->rows++;
	return true;
}

static void missing_section(struct page *p, struct dp_buf *out)
{
	dp_buf_adds(out, "<h2 id=\"missing\">六、缺报部门</h2>\n");
	if (!p->has_roster) {
		dp_buf_adds(out, "<p>本次运行没有名册（--roster），不检查缺报。</p>\n");
		return;
	}
	agg_read_table(p->a, p->a->o->out, "missing.csv.gz", true, on_missing, p);
	if (!p->nmissing) {
		dp_buf_adds(out, "<p class=\"good\">名册中的部门都有已受理的填报。</p>\n");
		return;
	}
	dp_buf_addf(out, "<p class=\"bad\">名册中有 %zu 个部门没有已受理的填报（未报，或所报被退回）。</p>\n", p->nmissing);
	if (p->nmissing > TABLE_ROWS)
		dp_buf_addf(out, "<p class=\"note\">只列前 %d 个；全部见 missing.csv.gz。</p>\n", TABLE_ROWS);
	static const char *const heads[] = { "年度", "部门代码", "部门名称", "主管部门代码", "所属领域", NULL };
	dp_buf_adds(out, "<div class=\"scroll\"><table>");
	agg_th_row(out, heads);
	dp_buf_add(out, p->missing.s, p->missing.len);
	dp_buf_adds(out, "</tbody></table></div>\n");
}

/* ---- findings by code ---- */

static bool on_finding(void *ctx, const struct agg_cols *c, const struct dp_record *rec)
{
	struct page *p = ctx;
	int ci = agg_col(c, "code");
	const char *code = ci >= 0 && (size_t)ci < rec->n ? rec->f[ci] : "";
	p->findings++;
	size_t i = 0;
	while (i < p->ncodes && strcmp(p->codes[i].code, code) != 0)
		i++;
	if (i == p->ncodes) {
		if (p->ncodes == 64) /* codes are the catalogue's: more is not a findings table */
			return true;
		p->codes = dp_xrealloc(p->codes, (p->ncodes + 1) * sizeof *p->codes);
		p->codes[p->ncodes++] = (struct code_count){ 0, dp_xstrdup(code) };
	}
	p->codes[i].n++;
	return true;
}

static int code_cmp(const void *x, const void *y)
{
	const struct code_count *a = x, *b = y;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->code, b->code);
}

static void findings_chart(struct dp_buf *out, const struct code_count *v, size_t n)
{
	struct dp_svg_bar *bars = dp_xcalloc(n + 1, sizeof *bars);
	char (*counts)[24] = dp_xcalloc(n + 1, sizeof *counts);
	for (size_t i = 0; i < n; i++) {
		enum dp_code code = dp_code_find(v[i].code);
		bool error = code != DP_NO_CODE && dp_code_info(code)->error;
		snprintf(counts[i], sizeof counts[i], "%llu", (unsigned long long)v[i].n);
		bars[i] = (struct dp_svg_bar){ v[i].code, counts[i], (double)v[i].n, error ? "#b03a2e" : "#d39e00" };
	}
	dp_svg_bars(out, "chart-findings", "问题按代码统计", bars, n);
	free(bars);
	free(counts);
}

static void findings_section(struct page *p, struct dp_buf *out)
{
	agg_read_table(p->a, p->a->o->out, "findings.csv.gz", false, on_finding, p);
	dp_buf_adds(out, "<h2 id=\"findings\">七、问题按代码统计</h2>\n");
	if (!p->ncodes) {
		dp_buf_adds(out, "<p class=\"good\">没有发现问题。</p>\n");
		return;
	}
	dp_qsort(p->codes, p->ncodes, sizeof *p->codes, code_cmp);
	dp_buf_addf(out, "<p>共 %llu 条（红色为错误：相关填报或文件被退回；黄色为提示：请核实）。每条问题的文件、行号和处理说明见 "
			 "findings.csv.gz 或 report.xlsx 的“问题清单”。</p>\n",
		    (unsigned long long)p->findings);
	findings_chart(out, p->codes, p->ncodes);
	static const char *const heads[] = { "代码", "级别", "条数", "含义", "怎么处理", NULL };
	dp_buf_adds(out, "<table>");
	agg_th_row(out, heads);
	for (size_t i = 0; i < p->ncodes; i++) {
		enum dp_code code = dp_code_find(p->codes[i].code);
		const struct dp_code_info *ci = code != DP_NO_CODE ? dp_code_info(code) : NULL;
		dp_buf_adds(out, "<tr>");
		agg_td_text(out, p->codes[i].code);
		dp_buf_addf(out, "<td class=\"%s\">%s</td>", ci && ci->error ? "bad" : "warn",
			    !ci ? "" : ci->error ? "错误" : "提示");
		dp_buf_addf(out, "<td class=\"n\">%llu</td>", (unsigned long long)p->codes[i].n);
		dp_buf_adds(out, "<td>");
		dp_html_text(out, ci ? ci->meaning_zh : "");
		dp_buf_adds(out, "</td><td>");
		dp_html_text(out, ci ? ci->action_zh : "");
		dp_buf_adds(out, "</td></tr>\n");
		p->rows++;
	}
	dp_buf_adds(out, "</tbody></table>\n");
}

/* ---- counts (read = accepted + rejected + superseded) ---- */

static const char *const count_names[] = { "submissions_read", "submissions_accepted", "submissions_rejected",
					   "submissions_superseded", "files", "files_rejected", "files_skipped",
					   "departments_missing", "funds_read", "funds_accepted", "funds_rejected", NULL };

static void card(struct dp_buf *out, const char *label, uint64_t v, const char *cls)
{
	dp_buf_addf(out, "<div class=\"card\"><b class=\"%s\">%llu</b>%s</div>", cls, (unsigned long long)v, label);
}

static void counts_section(struct page *p, struct dp_buf *out)
{
	struct {
		uint64_t v[12];
	} k;
	for (size_t i = 0; count_names[i]; i++)
		k.v[i] = agg_count(p->a, count_names[i]);
	dp_buf_adds(out, "<h2 id=\"counts\">一、数量</h2>\n<div class=\"cards\" id=\"counts-cards\">");
	card(out, "读入的填报", k.v[0], "");
	card(out, "受理", k.v[1], "good");
	card(out, "退回", k.v[2], k.v[2] ? "bad" : "");
	card(out, "被后来的填报替代", k.v[3], "");
	if (p->has_roster)
		card(out, "缺报部门", k.v[7], k.v[7] ? "bad" : "");
	dp_buf_adds(out, "</div>\n");
	dp_buf_addf(out, "<p id=\"counts-sum\">读入 %llu 份 = 受理 %llu + 退回 %llu + 被替代 %llu。"
			 "文件 %llu 个，其中整份退回 %llu 个、跳过 %llu 个；专项资金读入 %llu 条，受理 %llu 条，退回 %llu 条。</p>\n",
		    (unsigned long long)k.v[0], (unsigned long long)k.v[1], (unsigned long long)k.v[2],
		    (unsigned long long)k.v[3], (unsigned long long)k.v[4], (unsigned long long)k.v[5],
		    (unsigned long long)k.v[6], (unsigned long long)k.v[8], (unsigned long long)k.v[9],
		    (unsigned long long)k.v[10]);
	if (p->a->feedback_skipped)
		dp_buf_addf(out, "<p class=\"note\">排名部门超过 %d 个，本次没有生成各部门的反馈意见（feedback/）；加 --report 可生成。</p>\n",
			    DP_REPORT_MAX_DEPARTMENTS);
	else
		dp_buf_adds(out, "<p class=\"note\">各部门的反馈意见（状态、问题及修改方法、得分与自评对照、排名）在 feedback/ 文件夹，"
				 "每个部门一个文件，每个主管部门另有一个所属单位汇总（…units.html）；"
				 "<a href=\"feedback/index.html\">目录</a>列出全部。</p>\n");
}

/* The rule set in one line: the root's max and the grade bands. */
static void rule_line(const struct dp_rules *r, struct dp_buf *out)
{
	const struct dp_indicator *root = dp_rules_get(r, (size_t)dp_rules_root(r));
	dp_buf_adds(out, "评分规则：");
	dp_html_text(out, root->label);
	dp_buf_adds(out, "满分 ");
	dp_dec_format(out, root->max, 0, 8);
	dp_buf_adds(out, "；等级");
	for (size_t g = 0; g < dp_rules_grade_count(r); g++) {
		const struct dp_grade *gr = dp_rules_grade(r, g);
		dp_buf_adds(out, g ? "，" : "：");
		dp_html_text(out, gr->label);
		dp_buf_adds(out, " ≥ ");
		dp_dec_format(out, gr->min, 0, 8);
	}
}

bool agg_report_html(struct agg *a)
{
	struct page p;
	memset(&p, 0, sizeof p);
	p.a = a;
	char *mp = dp_path_join(a->o->out, "missing.csv.gz");
	p.has_roster = access(mp, F_OK) == 0;
	free(mp);
	struct dp_buf out = DP_BUF_INIT, body = DP_BUF_INIT;
	for (size_t i = 0; i < a->tot.nrows; i++) /* the years' sizes, before their rows */
		year_of(&p, dp_memtab_cell(&a->tot, i, 0))->expected++;
	dp_qsort(p.years, p.nyears, sizeof *p.years, year_cmp);
	agg_read_table(a, a->o->out, "rankings.csv.gz", false, on_rank, &p);
	dp_html_begin(&out, "部门整体支出绩效自评 汇总报告", agg_page_style, agg_page_script);
	dp_buf_adds(&out, "<h1>部门整体支出绩效自评 汇总报告</h1>\n<p class=\"note\">");
	rule_line(a->rules, &out);
	dp_buf_adds(&out, "。分数为复核（按填报数据重新计算）结果，保留两位小数；金额单位万元。与本文件同一文件夹中的 CSV 表和 "
			  "report.xlsx 内容一致。</p>\n<nav><a href=\"#counts\">数量</a><a href=\"#grades\">等级分布</a>"
			  "<a href=\"#ranking\">排名</a><a href=\"#sectors\">领域分布</a><a href=\"#discrepancies\">自评差异</a>"
			  "<a href=\"#missing\">缺报</a><a href=\"#findings\">问题</a>");
	if (a->o->prev)
		dp_buf_adds(&out, "<a href=\"#yoy\">同比</a>");
	dp_buf_adds(&out, "</nav>\n");
	counts_section(&p, &body);
	grades_section(&p, &body);
	ranking_section(&p, &body);
	sectors_section(&p, &body);
	discrepancies_section(&p, &body);
	missing_section(&p, &body);
	findings_section(&p, &body);
	if (a->o->prev)
		agg_html_yoy(a, &body, &p.rows);
	dp_buf_add(&out, body.s, body.len);
	dp_html_end(&out, agg_page_script);
	bool ok = !a->failed && agg_write_page(a, "report.html", &out, p.rows, agg_pub_slot(a, "report.html"));
	dp_buf_free(&out);
	dp_buf_free(&body);
	for (size_t i = 0; i < p.nyears; i++) {
		free(p.years[i].fy);
		dp_buf_free(&p.years[i].rank_top);
		dp_buf_free(&p.years[i].rank_tail);
		dp_buf_free(&p.years[i].disc);
	}
	free(p.years);
	free(p.samples);
	for (size_t i = 0; i <= MAX_SECTOR_NAMES; i++)
		free(p.sectors[i]);
	for (size_t i = 0; i < p.ncodes; i++)
		free(p.codes[i].code);
	free(p.codes);
	dp_buf_free(&p.missing);
	return ok;
}
