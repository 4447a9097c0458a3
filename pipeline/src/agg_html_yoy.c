/* dp-aggregate: report.html's year over year section (with --prev): how
 * many departments changed grade (a table, previous grade × this grade),
 * and the largest rises and falls of the total as a chart and a table,
 * from yoy.csv.gz read back row by row (memory: the MOVERS of each). */
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "deptperf/csvread.h"
#include "deptperf/html.h"
#include "deptperf/svg.h"
#include "deptperf/text.h"

#define MOVERS 10 /* the largest rises and falls */

struct mover {
	dp_dec change;
	char *row;           /* rendered */
	char *code, *name;
};

struct yoy {
	struct agg *a;
	struct mover up[MOVERS], down[MOVERS];
	size_t nup, ndown;
	uint64_t trans[8][8], rows, new_, gone; /* grade before × grade now; the last: another */
};


static int grade_index(const struct dp_rules *r, const char *g)
{
	if (!*g)
		return -1;
	for (size_t i = 0; i < dp_rules_grade_count(r) && i < 7; i++)
		if (strcmp(dp_rules_grade(r, i)->label, g) == 0)
			return (int)i;
	return 7; /* a grade of an earlier rule set */
}

/* Whether (change, code) would enter v, sorted the largest first by
 * sign·change (ties by code), holding n of at most MOVERS: a row is made
 * only for those. */
static bool would_keep(const struct mover *v, size_t n, int sign, dp_dec change, const char *code)
{
	if (n < MOVERS)
		return true;
	dp_dec c = v[n - 1].change;
	int cmp = sign * (change > c) - sign * (change < c);
	return cmp > 0 || (cmp == 0 && strcmp(code, v[n - 1].code) < 0);
}

/* Keeps v sorted, the largest first by sign·change, at most MOVERS. */
static void keep_mover(struct mover *v, size_t *n, int sign, dp_dec change, const char *code, const char *name,
		       const char *row)
{
	size_t i = *n;
	while (i > 0) {
		dp_dec c = v[i - 1].change;
		int cmp = sign * (change > c) - sign * (change < c);
		if (cmp < 0 || (cmp == 0 && strcmp(code, v[i - 1].code) >= 0))
			break;
		i--;
	}
	if (i >= MOVERS)
		return;
	if (*n == MOVERS) {
		free(v[MOVERS - 1].row);
		free(v[MOVERS - 1].code);
		free(v[MOVERS - 1].name);
	} else {
		(*n)++;
	}
	memmove(v + i + 1, v + i, (*n - 1 - i) * sizeof *v);
	v[i] = (struct mover){ change, dp_xstrdup(row), dp_xstrdup(code), dp_xstrdup(name) };
}

static bool on_yoy(void *ctx, const struct agg_cols *c, const struct dp_record *rec)
{
	struct yoy *p = ctx;
	p->rows++;
	const char *pg = agg_cell(c, rec, "prev_grade"), *g = agg_cell(c, rec, "grade");
	int a = grade_index(p->a->rules, pg), b = grade_index(p->a->rules, g);
	if (a < 0)
		p->new_++;
	else if (b < 0)
		p->gone++;
	else
		p->trans[a][b]++;
	dp_dec change;
	if (!agg_cell_dec(c, rec, "total_change", &change))
		return true;
	const char *code = agg_cell(c, rec, "dept_code"), *name = agg_cell(c, rec, "dept_name");
	if (change == 0 || !(change > 0 ? would_keep(p->up, p->nup, 1, change, code) :
					  would_keep(p->down, p->ndown, -1, change, code)))
		return true;
	static const char *const cols[] = { "dept_code", "dept_name", "#prev_total", "#total", "#total_change",
					    "#prev_rank", "#rank", "grade_change", NULL };
	struct dp_buf row = DP_BUF_INIT;
	agg_tr(p->a, &row, c, rec, cols);
	if (change > 0)
		keep_mover(p->up, &p->nup, 1, change, code, name, row.s);
	else if (change < 0)
		keep_mover(p->down, &p->ndown, -1, change, code, name, row.s);
	dp_buf_free(&row);
	return true;
}

/* The largest rises, then the largest falls, around zero. */
static void movers_chart(struct dp_buf *out, const struct yoy *p)
{
	size_t n = p->nup + p->ndown;
	struct dp_svg_bar *bars = dp_xcalloc(n + 1, sizeof *bars);
	struct dp_buf text = DP_BUF_INIT;
	size_t *at = dp_xcalloc(n + 1, sizeof *at);
	for (size_t i = 0; i < n; i++) {
		const struct mover *m = i < p->nup ? &p->up[i] : &p->down[i - p->nup];
		at[i] = text.len;
		dp_buf_adds(&text, dp_text_unguard(m->name[0] ? m->name : m->code));
		dp_buf_adds(&text, m->change > 0 ? "（+" : "（");
		agg_dec_text(&text, m->change);
		dp_buf_adds(&text, "）");
		dp_buf_addc(&text, 0);
	}
	for (size_t i = 0; i < n; i++) {
		const struct mover *m = i < p->nup ? &p->up[i] : &p->down[i - p->nup];
		bars[i] = (struct dp_svg_bar){ text.s + at[i], NULL, agg_dec_double(m->change),
					       m->change > 0 ? "#1e7b34" : "#b03a2e" };
	}
	dp_svg_around_zero(out, "chart-yoy", "总分升降最多的部门", bars, n);
	free(bars);
	free(at);
	dp_buf_free(&text);
}

void agg_html_yoy(struct agg *a, struct dp_buf *out, uint64_t *rows)
{
	struct yoy y;
	memset(&y, 0, sizeof y);
	struct yoy *p = &y;
	p->a = a;
	agg_read_table(a, a->o->out, "yoy.csv.gz", true, on_yoy, p);
	dp_buf_adds(out, "<h2 id=\"yoy\">八、同比</h2>\n");
	dp_buf_addf(out, "<p>与上次运行（--prev）相比：%llu 个部门，其中 %llu 个上次没有排名，%llu 个本次没有排名。</p>\n",
		    (unsigned long long)p->rows, (unsigned long long)p->new_, (unsigned long long)p->gone);
	const struct dp_rules *r = p->a->rules;
	size_t ng = dp_rules_grade_count(r) < 7 ? dp_rules_grade_count(r) : 7;
	dp_buf_adds(out, "<h3>等级变化（行：上次，列：本次）</h3>\n<table><thead><tr><th>上次＼本次</th>");
	for (size_t j = 0; j < ng; j++) {
		dp_buf_adds(out, "<th>");
		dp_html_text(out, dp_rules_grade(r, j)->label);
		dp_buf_adds(out, "</th>");
	}
	dp_buf_adds(out, "<th>其他</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i <= ng; i++) {
		size_t from = i < ng ? i : 7;
		dp_buf_adds(out, "<tr><th>");
		dp_html_text(out, i < ng ? dp_rules_grade(r, i)->label : "其他");
		dp_buf_adds(out, "</th>");
		for (size_t j = 0; j <= ng; j++) {
			size_t to = j < ng ? j : 7;
			dp_buf_addf(out, "<td class=\"n\">%llu</td>", (unsigned long long)p->trans[from][to]);
		}
		dp_buf_adds(out, "</tr>\n");
		(*rows)++;
	}
	dp_buf_adds(out, "</tbody></table>\n");
	dp_buf_addf(out, "<h3>总分升降最多的部门（各 %d 个）</h3>\n", MOVERS);
	if (p->nup + p->ndown) {
		movers_chart(out, p);
		static const char *const heads[] = { "部门代码", "部门名称", "上次总分", "本次总分", "变化", "上次名次",
						     "本次名次", "等级变化", NULL };
		dp_buf_adds(out, "<table>");
		agg_th_row(out, heads);
		for (size_t i = 0; i < p->nup; i++)
			dp_buf_adds(out, p->up[i].row);
		for (size_t i = 0; i < p->ndown; i++)
			dp_buf_adds(out, p->down[i].row);
		*rows += p->nup + p->ndown;
		dp_buf_adds(out, "</tbody></table>\n");
	} else {
		dp_buf_adds(out, "<p>没有总分变化的部门。</p>\n");
	}
	for (size_t i = 0; i < p->nup; i++) {
		free(p->up[i].row);
		free(p->up[i].code);
		free(p->up[i].name);
	}
	for (size_t i = 0; i < p->ndown; i++) {
		free(p->down[i].row);
		free(p->down[i].code);
		free(p->down[i].name);
	}
}
