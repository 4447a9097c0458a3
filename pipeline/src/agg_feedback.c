/* dp-aggregate: the feedback packs (SPEC §6, issue #25 item 4), what the
 * finance office sends back to each department during the filing window
 * (退回意见): feedback/<dept_code>.html with, per fiscal year, its status
 * (accepted, rejected, missing; earlier submissions superseded), each
 * finding with its file, line, field and value, what is wrong and what to
 * do, its recomputed scores beside its self-scores with the reason for each
 * difference, and its rank and percentile; and feedback/<parent>.units.html
 * per 主管部门 listing its units with their status and scores, each linked
 * to its own pack; and feedback/index.html listing every pack.
 *
 * A pack is named by its code through dp_html_page_name, which never
 * names a file outside feedback/ (codes are checked before they are
 * published; this is the second line).  Made from the published tables,
 * held in memory (rankings, scores, findings, missing): written up to
 * DP_REPORT_MAX_DEPARTMENTS ranked departments unless --report. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agg.h"
#include "deptperf/catalog.h"
#include "deptperf/html.h"
#include "deptperf/text.h"
#include "deptperf/value.h"

enum src { SRC_RANK, SRC_MISSING, SRC_FINDING, SRC_SCORE };

struct entry {
	const char *code, *fy, *parent; /* parent: for the units' packs only */
	enum src src;
	size_t row;
};

struct unit {
	const char *code, *fy;
	const char *status;
	size_t errors, warnings;
	long rank_row;       /* rankings row, or -1 */
	long missing_row;
};

struct fb {
	struct agg *a;
	struct dp_memtab rank, scores, findings, missing, adj;
	size_t *adj_order;   /* adjustments rows by (fiscal_year, dept_code, indicator) */
	int r_fy, r_code, r_name, r_parent, r_sector, r_rank, r_total, r_grade, r_self, r_delta, r_rip, r_ris, r_pct;
	int s_fy, s_code, s_ind, s_max, s_score, s_self, s_delta, s_adj, s_app;
	int f_sev, f_code, f_file, f_line, f_dept, f_fy, f_field, f_value, f_msg;
	int m_fy, m_code, m_name, m_parent, m_sector;
	struct dp_dict *dict;
	struct unit *units;
	size_t nunits;
	char **year_fy;      /* departments ranked per fiscal year */
	size_t *year_n, nyears;
};

static int entry_cmp(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	int c = strcmp(a->code, b->code);
	if (!c)
		c = strcmp(a->fy, b->fy);
	if (!c && a->src != b->src)
		c = a->src < b->src ? -1 : 1;
	if (!c && a->row != b->row)
		c = a->row < b->row ? -1 : 1;
	return c;
}

static int parent_cmp(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	int c = strcmp(a->parent, b->parent);
	if (!c)
		c = strcmp(a->fy, b->fy);
	if (!c)
		c = strcmp(a->code, b->code);
	return c;
}

static const char *cell(const struct dp_memtab *t, size_t row, int col)
{
	return col >= 0 ? dp_memtab_raw(t, row, (size_t)col) : "";
}

static void td(struct dp_buf *b, const char *published, bool num)
{
	if (num)
		agg_td_num(b, published);
	else
		agg_td_text(b, published);
}

static const char *field_label(const struct fb *f, const char *code)
{
	int i = code ? dp_dict_find_code(f->dict, code) : -1;
	return i >= 0 ? dp_dict_field(f->dict, (size_t)i)->label : code ? code : "";
}

static const struct dp_memtab *adj_tab;

static int adj_cmp(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	for (size_t c = 0; c < 3; c++) {
		int k = strcmp(dp_memtab_raw(adj_tab, a, c), dp_memtab_raw(adj_tab, b, c));
		if (k)
			return k;
	}
	return a < b ? -1 : a > b;
}

/* The reason given in the --adjust file for a deduction, or "". */
static const char *adjust_reason(const struct fb *f, const char *fy, const char *code, const char *ind)
{
	int reason = dp_memtab_col(&f->adj, "reason");
	size_t lo = 0, hi = f->adj.nrows;
	const char *key[3] = { fy, code, ind };
	while (reason >= 0 && lo < hi) {
		size_t mid = lo + (hi - lo) / 2, r = f->adj_order[mid];
		int k = 0;
		for (size_t c = 0; c < 3 && !k; c++)
			k = strcmp(dp_memtab_raw(&f->adj, r, c), key[c]);
		if (!k)
			return dp_memtab_cell(&f->adj, r, (size_t)reason);
		if (k < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return "";
}

/* A sum's score from its children's, as the department can check it:
 * "履职效能 43.24 + 管理效率 45.04 = 88.28", or the total rescaled to the
 * applicable indicators (SPEC §5.2). */
static void sum_reason(struct fb *f, const struct dp_indicator *ind, const struct entry *e, size_t n, size_t srow,
		       struct dp_buf *b)
{
	dp_dec sum = 0, applicable = 0, score = 0;
	bool any_na = false;
	dp_buf_adds(b, "下级指标复核得分之和：");
	size_t shown = 0;
	for (size_t c = 0; c < ind->nchildren; c++) {
		const struct dp_indicator *ch = dp_rules_get(f->a->rules, (size_t)ind->children[c]);
		for (size_t i = 0; i < n; i++) {
			if (e[i].src != SRC_SCORE || strcmp(cell(&f->scores, e[i].row, f->s_ind), ch->code) != 0)
				continue;
			dp_dec v, m;
			if (dp_value_dec(cell(&f->scores, e[i].row, f->s_score), &v)) {
				dp_buf_adds(b, shown++ ? " + " : "");
				dp_buf_adds(b, ch->label); /* plain text: the reason is escaped as a whole */
				dp_buf_adds(b, " ");
				dp_dec_format(b, v, 2, 2);
				sum += v;
				if (dp_value_dec(cell(&f->scores, e[i].row, f->s_max), &m))
					applicable += m;
			} else {
				any_na = true;
			}
			break;
		}
	}
	if (!dp_value_dec(cell(&f->scores, srow, f->s_score), &score))
		return;
	if (score == sum) {
		dp_buf_adds(b, " = ");
		dp_dec_format(b, score, 2, 2);
	} else if (any_na) {
		dp_buf_adds(b, "；有不适用的指标，按适用满分 ");
		dp_dec_format(b, applicable, 2, 2);
		dp_buf_adds(b, " 折算为满分 ");
		dp_dec_format(b, ind->max, 0, 8);
		dp_buf_adds(b, " 的 ");
		dp_dec_format(b, score, 2, 2);
	}
}

/* Why a recomputed score differs from the self-score (or is not
 * applicable), in words a department understands: plain text into b, for
 * the caller to escape. */
static void reason(struct fb *f, const struct entry *e, size_t n, size_t srow, size_t *hint, struct dp_buf *b)
{
	const char *code = cell(&f->scores, srow, f->s_ind);
	int i = dp_rules_find(f->a->rules, code);
	if (i < 0)
		return;
	const struct dp_indicator *ind = dp_rules_get(f->a->rules, (size_t)i);
	if (strcmp(cell(&f->scores, srow, f->s_app), "0") == 0) {
		if (ind->input)
			dp_buf_addf(b, "不适用：没有填报“%s”；总分按适用指标的满分折算", field_label(f, ind->input));
		else
			dp_buf_adds(b, "不适用：下级指标都不适用");
		return;
	}
	dp_dec delta = 0, adj = 0;
	bool has_delta = dp_value_dec(cell(&f->scores, srow, f->s_delta), &delta) && delta != 0;
	bool has_adj = dp_value_dec(cell(&f->scores, srow, f->s_adj), &adj) && adj != 0;
	if (!has_delta && !has_adj)
		return;
	const char *value = NULL;
	if (ind->input) {
		size_t dep = agg_find_dep(f->a, cell(&f->scores, srow, f->s_fy), cell(&f->scores, srow, f->s_code), hint);
		int col = dp_memtab_col(&f->a->dep, ind->input);
		if (dep != SIZE_MAX && col >= 0 && *dp_memtab_cell(&f->a->dep, dep, (size_t)col))
			value = dp_memtab_cell(&f->a->dep, dep, (size_t)col);
	}
	struct dp_buf v = DP_BUF_INIT;
	if (value)
		dp_buf_addf(&v, "“%s”填报为 %s", field_label(f, ind->input), value);
	else if (ind->input)
		dp_buf_addf(&v, "“%s”（由填报数据算出）", field_label(f, ind->input));
	switch (ind->method) {
	case DP_M_SUM:
		sum_reason(f, ind, e, n, srow, b);
		break;
	case DP_M_SELF:
		dp_buf_adds(b, "采用自评分");
		break;
	case DP_M_RATIO:
		dp_buf_addf(b, "按%s重新计算：满分 × min(1, 实际值 ÷ ", v.s ? v.s : "");
		dp_dec_format(b, ind->param, 0, 8);
		dp_buf_adds(b, ")");
		break;
	case DP_M_DEDUCT:
		dp_buf_addf(b, "按%s重新计算：满分 − ", v.s ? v.s : "");
		dp_dec_format(b, ind->per, 0, 8);
		dp_buf_adds(b, " × (目标 ");
		dp_dec_format(b, ind->target, 0, 8);
		dp_buf_adds(b, " − 实际值)，不低于 0");
		break;
	case DP_M_THRESHOLD:
		dp_buf_addf(b, "按%s重新计算：不超过", v.s ? v.s : "");
		if (ind->param_field)
			dp_buf_addf(b, "“%s”", field_label(f, ind->param_field));
		else
			dp_dec_format(b, ind->param, 0, 8);
		dp_buf_adds(b, "得满分，否则 0 分");
		break;
	}
	dp_buf_free(&v);
	if (has_adj) {
		dp_buf_adds(b, "；复核扣分 ");
		dp_dec_format(b, adj, 2, 2);
		dp_buf_adds(b, " 分");
		const char *why = adjust_reason(f, cell(&f->scores, srow, f->s_fy), cell(&f->scores, srow, f->s_code), code);
		if (*why) {
			dp_buf_adds(b, "（");
			dp_buf_adds(b, why);
			dp_buf_adds(b, "）");
		}
	}
}

static size_t ranked_in_year(const struct fb *f, const char *fy)
{
	for (size_t i = 0; i < f->nyears; i++)
		if (strcmp(f->year_fy[i], fy) == 0)
			return f->year_n[i];
	return 0;
}

static void status_line(struct dp_buf *b, const struct unit *u, size_t superseded)
{
	const char *cls = strcmp(u->status, "已受理") == 0 ? "good" : "bad";
	dp_buf_addf(b, "<p class=\"status\">状态：<b class=\"%s\">%s</b>", cls, u->status);
	if (strcmp(u->status, "已受理") == 0)
		dp_buf_adds(b, "（复核得分和排名见下）");
	else if (strcmp(u->status, "退回") == 0)
		dp_buf_adds(b, "：有错误，本年度的自评未受理、不参与排名；请按下面的问题清单修改后重新报送");
	else if (strcmp(u->status, "缺报") == 0)
		dp_buf_adds(b, "：名册中有本部门，但没有收到自评表；请报送");
	else
		dp_buf_adds(b, "：没有可受理的自评表（见下面的提示）");
	if (superseded)
		dp_buf_addf(b, "。另有 %zu 份较早的填报被后来的填报替代，不计", superseded);
	dp_buf_adds(b, "。</p>\n");
}

/* One fiscal year of one department: entries e[0..n) (sorted by source). */
static void dept_year(struct fb *f, const struct entry *e, size_t n, struct unit *u, struct dp_buf *b, uint64_t *rows)
{
	size_t superseded = 0;
	for (size_t i = 0; i < n; i++)
		if (e[i].src == SRC_FINDING) {
			const char *sev = cell(&f->findings, e[i].row, f->f_sev);
			if (strcmp(sev, "error") == 0)
				u->errors++;
			else
				u->warnings++;
			if (strcmp(cell(&f->findings, e[i].row, f->f_code), "W-SUPERSEDED") == 0)
				superseded++;
		} else if (e[i].src == SRC_RANK) {
			u->rank_row = (long)e[i].row;
		} else if (e[i].src == SRC_MISSING) {
			u->missing_row = (long)e[i].row;
		}
	u->status = u->rank_row >= 0 ? "已受理" : u->errors ? "退回" : u->missing_row >= 0 ? "缺报" : "未受理";
	dp_buf_adds(b, "<h2>");
	dp_html_input(b, *u->fy ? u->fy : "年度不明");
	dp_buf_adds(b, " 年度</h2>\n");
	status_line(b, u, superseded);
	if (u->rank_row >= 0) {
		size_t r = (size_t)u->rank_row;
		dp_buf_adds(b, "<table class=\"summary\"><tbody>\n<tr><th>复核总分</th>");
		td(b, cell(&f->rank, r, f->r_total), true);
		dp_buf_adds(b, "<th>等级</th>");
		td(b, cell(&f->rank, r, f->r_grade), false);
		dp_buf_adds(b, "<th>自评总分</th>");
		td(b, cell(&f->rank, r, f->r_self), true);
		dp_buf_adds(b, "<th>差额（自评 − 复核）</th>");
		td(b, cell(&f->rank, r, f->r_delta), true);
		dp_buf_addf(b, "</tr>\n<tr><th>全省名次</th><td class=\"n\">");
		dp_html_text(b, cell(&f->rank, r, f->r_rank));
		dp_buf_addf(b, " / %zu</td><th>主管部门内名次</th>", ranked_in_year(f, u->fy));
		td(b, cell(&f->rank, r, f->r_rip), true);
		dp_buf_adds(b, "<th>领域内名次</th>");
		td(b, cell(&f->rank, r, f->r_ris), true);
		dp_buf_adds(b, "<th>百分位</th>");
		td(b, cell(&f->rank, r, f->r_pct), true);
		dp_buf_adds(b, "</tr>\n</tbody></table>\n<p class=\"note\">百分位：全省总分低于本部门的部门所占比例（%）。</p>\n");
	}
	if (u->errors + u->warnings) {
		dp_buf_addf(b, "<h3>问题清单（错误 %zu 条，提示 %zu 条）</h3>\n<table><thead><tr><th>级别</th><th>代码</th>"
			       "<th>文件</th><th>行号</th><th>字段</th><th>填报值</th><th>问题</th><th>怎么处理</th></tr></thead>\n<tbody>\n",
			    u->errors, u->warnings);
		for (size_t i = 0; i < n; i++) {
			if (e[i].src != SRC_FINDING)
				continue;
			size_t r = e[i].row;
			const char *code = cell(&f->findings, r, f->f_code);
			enum dp_code c = dp_code_find(code);
			bool error = strcmp(cell(&f->findings, r, f->f_sev), "error") == 0;
			dp_buf_addf(b, "<tr><td class=\"%s nw\">%s</td><td class=\"nw\">", error ? "bad" : "warn",
				    error ? "错误" : "提示");
			dp_html_input(b, code);
			dp_buf_adds(b, "</td>");
			td(b, cell(&f->findings, r, f->f_file), false);
			td(b, cell(&f->findings, r, f->f_line), true);
			const char *field = dp_text_unguard(cell(&f->findings, r, f->f_field));
			dp_buf_adds(b, "<td>");
			if (*field && dp_dict_find_code(f->dict, field) >= 0) {
				dp_html_text(b, field_label(f, field));
				dp_buf_adds(b, "（");
				dp_html_text(b, field);
				dp_buf_adds(b, "）");
			} else {
				dp_html_input(b, cell(&f->findings, r, f->f_field));
			}
			dp_buf_adds(b, "</td>");
			td(b, cell(&f->findings, r, f->f_value), false);
			td(b, cell(&f->findings, r, f->f_msg), false);
			dp_buf_adds(b, "<td>");
			dp_html_text(b, c != DP_NO_CODE ? dp_code_info(c)->action_zh : "");
			dp_buf_adds(b, "</td></tr>\n");
			(*rows)++;
		}
		dp_buf_adds(b, "</tbody></table>\n");
	}
	bool scored = false;
	size_t hint = 0;
	for (size_t i = 0; i < n; i++) {
		if (e[i].src != SRC_SCORE)
			continue;
		size_t r = e[i].row;
		if (!scored) {
			scored = true;
			dp_buf_adds(b, "<h3>复核得分与自评得分</h3>\n<table><thead><tr><th>指标</th><th>满分</th><th>复核得分</th>"
				       "<th>自评得分</th><th>差额</th><th>复核扣分</th><th>差异原因</th></tr></thead>\n<tbody>\n");
		}
		const char *code = dp_text_unguard(cell(&f->scores, r, f->s_ind));
		int ii = dp_rules_find(f->a->rules, code);
		const struct dp_indicator *ind = ii >= 0 ? dp_rules_get(f->a->rules, (size_t)ii) : NULL;
		int depth = 0;
		for (const struct dp_indicator *p = ind; p && p->parent >= 0 && depth < 8;
		     p = dp_rules_get(f->a->rules, (size_t)p->parent))
			depth++;
		dp_buf_adds(b, "<tr><td>");
		for (int k = 0; k < depth; k++)
			dp_buf_adds(b, "\u3000\u3000"); /* the indicator's level */
		dp_html_text(b, ind ? ind->label : code);
		dp_buf_adds(b, "</td>");
		td(b, cell(&f->scores, r, f->s_max), true);
		td(b, cell(&f->scores, r, f->s_score), true);
		td(b, cell(&f->scores, r, f->s_self), true);
		td(b, cell(&f->scores, r, f->s_delta), true);
		td(b, cell(&f->scores, r, f->s_adj), true);
		struct dp_buf why = DP_BUF_INIT;
		reason(f, e, n, r, &hint, &why);
		dp_buf_adds(b, "<td>");
		dp_html_text(b, why.s ? why.s : "");
		dp_buf_adds(b, "</td></tr>\n");
		dp_buf_free(&why);
		(*rows)++;
	}
	if (scored)
		dp_buf_adds(b, "</tbody></table>\n");
}

static void page_head(struct dp_buf *b, const char *title)
{
	dp_html_begin(b, title, agg_page_style, agg_page_script);
	dp_buf_adds(b, "<h1>");
	dp_html_text(b, title);
	dp_buf_adds(b, "</h1>\n");
}

static bool add_page(struct fb *f, const char *name, const struct dp_buf *page, uint64_t rows)
{
	struct agg *a = f->a;
	if (a->npages == a->pages_cap) {
		a->pages_cap = a->pages_cap ? 2 * a->pages_cap : 256;
		a->pages = dp_xrealloc(a->pages, a->pages_cap * sizeof *a->pages);
	}
	struct pub *p = &a->pages[a->npages];
	struct dp_buf path = DP_BUF_INIT;
	dp_buf_addf(&path, "feedback/%s", name);
	if (!agg_write_page(a, path.s, page, rows, &p->info)) {
		dp_buf_free(&path);
		return false;
	}
	p->name = dp_buf_detach(&path);
	a->npages++;
	return true;
}

/* A department's pack: every year of it, entries e[0..n). */
static bool dept_page(struct fb *f, const struct entry *e, size_t n)
{
	const char *code = e[0].code;
	struct dp_buf b = DP_BUF_INIT, name = DP_BUF_INIT;
	page_head(&b, "部门整体支出绩效自评 反馈意见");
	/* who: the ranking's or the roster's name, parent and sector */
	const char *dname = "", *parent = "", *sector = "";
	for (size_t i = 0; i < n; i++) {
		if (e[i].src == SRC_RANK) {
			dname = cell(&f->rank, e[i].row, f->r_name);
			parent = cell(&f->rank, e[i].row, f->r_parent);
			sector = cell(&f->rank, e[i].row, f->r_sector);
		} else if (e[i].src == SRC_MISSING && !*dname) {
			dname = cell(&f->missing, e[i].row, f->m_name);
			parent = cell(&f->missing, e[i].row, f->m_parent);
			sector = cell(&f->missing, e[i].row, f->m_sector);
		}
	}
	dp_buf_adds(&b, "<table class=\"summary\"><tbody><tr><th>部门代码</th><td>");
	dp_html_input(&b, code);
	dp_buf_adds(&b, "</td><th>部门名称</th><td>");
	dp_html_input(&b, dname);
	dp_buf_adds(&b, "</td></tr>\n<tr><th>主管部门</th><td>");
	if (*parent) {
		agg_page_link(&b, "", parent, ".units");
	}
	dp_buf_adds(&b, "</td><th>所属领域</th><td>");
	dp_html_input(&b, sector);
	dp_buf_adds(&b, "</td></tr></tbody></table>\n");
	uint64_t rows = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && strcmp(e[j].fy, e[i].fy) == 0)
			j++;
		struct unit *u = &f->units[f->nunits++];
		*u = (struct unit){ code, e[i].fy, "", 0, 0, -1, -1 };
		dept_year(f, e + i, j - i, u, &b, &rows);
		i = j;
	}
	dp_buf_adds(&b, "<p class=\"note\">本反馈由 deptperf 按省财政厅规则复核生成；问题代码的含义见 report.html 或 docs/findings.md。</p>\n");
	dp_html_end(&b, agg_page_script);
	dp_html_page_name(dp_text_unguard(code), "", &name);
	bool ok = add_page(f, name.s, &b, rows);
	dp_buf_free(&b);
	dp_buf_free(&name);
	return ok;
}

static const struct unit *unit_of(const struct fb *f, const char *code, const char *fy)
{
	size_t lo = 0, hi = f->nunits;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(f->units[mid].code, code);
		if (!c)
			c = strcmp(f->units[mid].fy, fy);
		if (!c)
			return &f->units[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A 主管部门's pack: its units, entries e[0..n) sorted by year and code. */
static bool parent_page(struct fb *f, const struct entry *e, size_t n)
{
	const char *parent = e[0].parent;
	struct dp_buf b = DP_BUF_INIT, name = DP_BUF_INIT;
	page_head(&b, "部门整体支出绩效自评 所属单位汇总");
	dp_buf_adds(&b, "<p>主管部门代码：");
	dp_html_input(&b, parent);
	dp_html_page_name(dp_text_unguard(parent), "", &name);
	dp_buf_adds(&b, "（本部门自身的反馈见 <a href=\"");
	dp_html_text(&b, name.s);
	dp_buf_adds(&b, "\">");
	dp_html_text(&b, name.s);
	dp_buf_adds(&b, "</a>，如有）。点击单位代码看该单位的反馈意见。</p>\n");
	uint64_t rows = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		size_t accepted = 0, rejected = 0, missing = 0;
		while (j < n && strcmp(e[j].fy, e[i].fy) == 0)
			j++;
		for (size_t k = i; k < j; k++) {
			const struct unit *u = unit_of(f, e[k].code, e[k].fy);
			const char *st = u ? u->status : "";
			accepted += strcmp(st, "已受理") == 0;
			rejected += strcmp(st, "退回") == 0;
			missing += strcmp(st, "缺报") == 0;
		}
		dp_buf_adds(&b, "<h2>");
		dp_html_input(&b, *e[i].fy ? e[i].fy : "年度不明");
		dp_buf_addf(&b, " 年度：%zu 个单位，已受理 %zu，退回 %zu，缺报 %zu</h2>\n", j - i, accepted, rejected, missing);
		dp_buf_adds(&b, "<table class=\"searchable\"><thead><tr><th>单位代码</th><th>单位名称</th><th>状态</th>"
				"<th>复核总分</th><th>等级</th><th>全省名次</th><th>主管部门内名次</th><th>错误</th><th>提示</th>"
				"</tr></thead>\n<tbody>\n");
		for (size_t k = i; k < j; k++) {
			const struct unit *u = unit_of(f, e[k].code, e[k].fy);
			long rr = u ? u->rank_row : -1, mr = u ? u->missing_row : -1;
			dp_buf_adds(&b, "<tr><td>");
			agg_page_link(&b, "", e[k].code, "");
			dp_buf_adds(&b, "</td>");
			td(&b, rr >= 0 ? cell(&f->rank, (size_t)rr, f->r_name) : mr >= 0 ? cell(&f->missing, (size_t)mr, f->m_name) : "",
			   false);
			const char *st = u ? u->status : "";
			dp_buf_addf(&b, "<td class=\"%s\">%s</td>", strcmp(st, "已受理") == 0 ? "good" : "bad", st);
			td(&b, rr >= 0 ? cell(&f->rank, (size_t)rr, f->r_total) : "", true);
			td(&b, rr >= 0 ? cell(&f->rank, (size_t)rr, f->r_grade) : "", false);
			td(&b, rr >= 0 ? cell(&f->rank, (size_t)rr, f->r_rank) : "", true);
			td(&b, rr >= 0 ? cell(&f->rank, (size_t)rr, f->r_rip) : "", true);
			dp_buf_addf(&b, "<td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n", u ? u->errors : 0,
				    u ? u->warnings : 0);
			rows++;
		}
		dp_buf_adds(&b, "</tbody></table>\n");
		i = j;
	}
	dp_html_end(&b, agg_page_script);
	dp_html_page_name(dp_text_unguard(parent), ".units", &name);
	bool ok = add_page(f, name.s, &b, rows);
	dp_buf_free(&b);
	dp_buf_free(&name);
	return ok;
}

/* page(f, group, size) for each run of entries with the same code (or
 * parent); false at the first page that cannot be written. */
static bool each_group(struct fb *f, const struct entry *e, size_t n, bool by_parent,
		       bool (*page)(struct fb *, const struct entry *, size_t))
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && strcmp(by_parent ? e[j].parent : e[j].code, by_parent ? e[i].parent : e[i].code) == 0)
			j++;
		if (!page(f, e + i, j - i))
			return false;
		i = j;
	}
	return true;
}

/* feedback/index.html: every pack, to find one among thousands — each
 * department with its status per year and its findings, linked; then the
 * 主管部门 packs (parents: the units' entries sorted by parent, np of them). */
static bool index_page(struct fb *f, const struct entry *parents, size_t np)
{
	struct dp_buf b = DP_BUF_INIT;
	page_head(&b, "部门整体支出绩效自评 反馈意见目录");
	dp_buf_adds(&b, "<p>每个部门一页（状态、问题及修改方法、复核得分与自评对照、排名），每个主管部门另有一页所属单位汇总。"
			"输入部门代码或名称查找：</p>\n<p><input type=\"search\" id=\"search\" placeholder=\"查找部门\" "
			"aria-label=\"查找部门\"> <span id=\"search-count\"></span></p>\n"
			"<table class=\"searchable\"><thead><tr><th>部门代码</th><th>部门名称</th><th>年度</th><th>状态</th>"
			"<th>错误</th><th>提示</th></tr></thead>\n<tbody>\n");
	uint64_t rows = 0;
	for (size_t i = 0; i < f->nunits; i++) {
		const struct unit *u = &f->units[i];
		const char *dname = u->rank_row >= 0 ? cell(&f->rank, (size_t)u->rank_row, f->r_name) :
				    u->missing_row >= 0 ? cell(&f->missing, (size_t)u->missing_row, f->m_name) : "";
		dp_buf_adds(&b, "<tr><td>");
		agg_page_link(&b, "", u->code, "");
		dp_buf_adds(&b, "</td>");
		td(&b, dname, false);
		td(&b, u->fy, false);
		dp_buf_addf(&b, "<td class=\"%s\">%s</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n",
			    strcmp(u->status, "已受理") == 0 ? "good" : "bad", u->status, u->errors, u->warnings);
		rows++;
	}
	dp_buf_adds(&b, "</tbody></table>\n<h2>主管部门的所属单位汇总</h2>\n<p>");
	for (size_t i = 0; i < np; i++) {
		if (i && strcmp(parents[i].parent, parents[i - 1].parent) == 0)
			continue;
		agg_page_link(&b, "", parents[i].parent, ".units");
		dp_buf_adds(&b, " ");
		rows++;
	}
	dp_buf_adds(&b, "</p>\n");
	dp_html_end(&b, agg_page_script);
	bool ok = add_page(f, "index.html", &b, rows);
	dp_buf_free(&b);
	return ok;
}

/* Removes the .html files of an earlier run's feedback/ in an --out used
 * again (dp-run publishes into a new folder: nothing there). */
static void clear_old(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n > 5 && strcmp(de->d_name + n - 5, ".html") == 0)
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

static bool load(struct fb *f, struct dp_memtab *t, const char *name, bool optional)
{
	char *path = dp_path_join(f->a->o->out, name);
	struct dp_buf e = DP_BUF_INIT;
	bool ok = dp_memtab_load(t, path, optional, &e);
	free(path);
	if (!ok)
		agg_fail(f->a, &e);
	dp_buf_free(&e);
	return ok;
}

static void cols(struct fb *f)
{
	struct dp_memtab *r = &f->rank, *s = &f->scores, *d = &f->findings, *m = &f->missing;
	f->r_fy = dp_memtab_col(r, "fiscal_year"), f->r_code = dp_memtab_col(r, "dept_code");
	f->r_name = dp_memtab_col(r, "dept_name"), f->r_parent = dp_memtab_col(r, "parent_code");
	f->r_sector = dp_memtab_col(r, "sector"), f->r_rank = dp_memtab_col(r, "rank");
	f->r_total = dp_memtab_col(r, "total"), f->r_grade = dp_memtab_col(r, "grade");
	f->r_self = dp_memtab_col(r, "self_total"), f->r_delta = dp_memtab_col(r, "delta");
	f->r_rip = dp_memtab_col(r, "rank_in_parent"), f->r_ris = dp_memtab_col(r, "rank_in_sector");
	f->r_pct = dp_memtab_col(r, "percentile");
	f->s_fy = dp_memtab_col(s, "fiscal_year"), f->s_code = dp_memtab_col(s, "dept_code");
	f->s_ind = dp_memtab_col(s, "indicator"), f->s_max = dp_memtab_col(s, "max");
	f->s_score = dp_memtab_col(s, "score"), f->s_self = dp_memtab_col(s, "self");
	f->s_delta = dp_memtab_col(s, "delta"), f->s_adj = dp_memtab_col(s, "adjustment");
	f->s_app = dp_memtab_col(s, "applicable");
	f->f_sev = dp_memtab_col(d, "severity"), f->f_code = dp_memtab_col(d, "code");
	f->f_file = dp_memtab_col(d, "file"), f->f_line = dp_memtab_col(d, "line");
	f->f_dept = dp_memtab_col(d, "dept_code"), f->f_fy = dp_memtab_col(d, "fiscal_year");
	f->f_field = dp_memtab_col(d, "field"), f->f_value = dp_memtab_col(d, "value");
	f->f_msg = dp_memtab_col(d, "message");
	f->m_fy = dp_memtab_col(m, "fiscal_year"), f->m_code = dp_memtab_col(m, "dept_code");
	f->m_name = dp_memtab_col(m, "dept_name"), f->m_parent = dp_memtab_col(m, "parent_code");
	f->m_sector = dp_memtab_col(m, "sector");
}

bool agg_feedback(struct agg *a)
{
	char *dir = dp_path_join(a->o->out, "feedback");
	clear_old(dir);
	if (a->tot.nrows > DP_REPORT_MAX_DEPARTMENTS && !a->o->report) {
		rmdir(dir);
		free(dir);
		a->feedback_skipped = true;
		return true;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		struct dp_buf e = DP_BUF_INIT;
		dp_buf_addf(&e, "%s: %s", dir, strerror(errno));
		agg_fail(a, &e);
		dp_buf_free(&e);
		free(dir);
		return false;
	}
	free(dir);
	struct fb f;
	memset(&f, 0, sizeof f);
	f.a = a;
	bool ok = load(&f, &f.rank, "rankings.csv.gz", false) && load(&f, &f.scores, "scores.csv.gz", false) &&
		  load(&f, &f.findings, "findings.csv.gz", false) && load(&f, &f.missing, "missing.csv.gz", true);
	if (!ok || !load(&f, &f.adj, "adjustments.csv.gz", true))
		goto out;
	cols(&f);
	/* adjustments: fiscal_year, dept_code, indicator first (SPEC §7) */
	f.adj_order = dp_xcalloc(f.adj.nrows + 1, sizeof *f.adj_order);
	for (size_t i = 0; i < f.adj.nrows; i++)
		f.adj_order[i] = i;
	adj_tab = &f.adj;
	if (f.adj.ncols >= 3)
		dp_qsort(f.adj_order, f.adj.nrows, sizeof *f.adj_order, adj_cmp);
	f.dict = dp_dict_new(a->rules);
	size_t cap = f.rank.nrows + f.missing.nrows + f.findings.nrows + f.scores.nrows + 1, n = 0;
	struct entry *e = dp_xcalloc(cap, sizeof *e);
	for (size_t i = 0; i < f.rank.nrows; i++) {
		e[n++] = (struct entry){ cell(&f.rank, i, f.r_code), cell(&f.rank, i, f.r_fy), "", SRC_RANK, i };
		const char *fy = e[n - 1].fy;
		if (!f.nyears || strcmp(f.year_fy[f.nyears - 1], fy) != 0) {
			f.year_fy = dp_xrealloc(f.year_fy, (f.nyears + 1) * sizeof *f.year_fy);
			f.year_n = dp_xrealloc(f.year_n, (f.nyears + 1) * sizeof *f.year_n);
			f.year_fy[f.nyears] = (char *)fy;
			f.year_n[f.nyears++] = 0;
		}
		f.year_n[f.nyears - 1]++;
	}
	for (size_t i = 0; i < f.missing.nrows; i++)
		e[n++] = (struct entry){ cell(&f.missing, i, f.m_code), cell(&f.missing, i, f.m_fy), "", SRC_MISSING, i };
	for (size_t i = 0; i < f.findings.nrows; i++)
		if (*cell(&f.findings, i, f.f_dept))
			e[n++] = (struct entry){ cell(&f.findings, i, f.f_dept), cell(&f.findings, i, f.f_fy), "",
						 SRC_FINDING, i };
	for (size_t i = 0; i < f.scores.nrows; i++)
		e[n++] = (struct entry){ cell(&f.scores, i, f.s_code), cell(&f.scores, i, f.s_fy), "", SRC_SCORE, i };
	dp_qsort(e, n, sizeof *e, entry_cmp);
	f.units = dp_xcalloc(n + 1, sizeof *f.units);
	ok = each_group(&f, e, n, false, dept_page);
	/* the units of each 主管部门: ranked or rostered with a parent */
	size_t np = 0;
	for (size_t i = 0; i < f.rank.nrows; i++)
		if (*cell(&f.rank, i, f.r_parent))
			e[np++] = (struct entry){ cell(&f.rank, i, f.r_code), cell(&f.rank, i, f.r_fy),
						  cell(&f.rank, i, f.r_parent), SRC_RANK, i };
	for (size_t i = 0; i < f.missing.nrows; i++)
		if (*cell(&f.missing, i, f.m_parent))
			e[np++] = (struct entry){ cell(&f.missing, i, f.m_code), cell(&f.missing, i, f.m_fy),
						  cell(&f.missing, i, f.m_parent), SRC_MISSING, i };
	dp_qsort(e, np, sizeof *e, parent_cmp);
	ok = ok && each_group(&f, e, np, true, parent_page);
	ok = ok && index_page(&f, e, np);
	free(e);
out:
	free(f.units);
	free(f.year_fy);
	free(f.year_n);
	if (f.dict)
		dp_dict_free(f.dict);
	dp_memtab_free(&f.rank);
	dp_memtab_free(&f.scores);
	dp_memtab_free(&f.findings);
	dp_memtab_free(&f.missing);
	dp_memtab_free(&f.adj);
	free(f.adj_order);
	return ok;
}
