/* The scenario tables (scentab.h): each fiscal year's base and scenario
 * totals are read, ranked per scenario with dp_rank_year, compared with the
 * base ranking, and written in SPEC §6's order (fiscal_year, scenario in
 * the file's order, rank, dept_code). */
#include "deptperf/scentab.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deptperf/csvfile.h"
#include "deptperf/rank.h"
#include "deptperf/stage.h"
#include "deptperf/value.h"
#include "deptperf/work.h"

static const char *const names[DP_SCENTAB_TABLES] = { "scenarios.csv.gz", "scenario_summary.csv.gz",
						      "rank_stability.csv.gz" };

/* One fiscal year of scenario_totals.csv.gz: per submission, column 0 the
 * base and column k + 1 scenario k. */
struct year {
	struct dp_buf fy, codes;
	size_t n, cap, ncol;
	size_t *code;            /* offsets into codes (the work table's text) */
	dp_dec *total;           /* n × ncol */
	bool *has;               /* n × ncol */
	int *band;               /* n × ncol: band index, ngrades for none */
};

struct ctx {
	const struct dp_rules *rules;
	size_t nscen, ngr;
	char **scen;             /* the scenarios' names */
	struct dp_table *t[DP_SCENTAB_TABLES];
	struct year y;
	/* per submission of the year, reused */
	size_t *ord, *rank;      /* a column's rank order, and each one's rank */
	dp_dec *col_total;       /* that column's totals */
	bool *col_has;
	size_t *base_rank, *base_order, *best, *worst;
	unsigned char *seen;     /* n × ngr: the bands it gets */
	dp_dec *xs, *ys;         /* the pairs for tau-b */
};

static int on_name(void *p, const struct dp_record *rec)
{
	struct ctx *c = p;
	if (rec->line == 1)
		return 0; /* the header */
	c->scen = dp_xrealloc(c->scen, (c->nscen + 1) * sizeof *c->scen);
	c->scen[c->nscen++] = dp_record_cell(rec, 0, false);
	return 0;
}

static void year_reserve(struct year *y, size_t want)
{
	if (want <= y->cap)
		return;
	y->cap = want < 2 * y->cap ? 2 * y->cap : want;
	y->code = dp_xrealloc(y->code, y->cap * sizeof *y->code);
	y->total = dp_xrealloc(y->total, dp_st_mult(y->cap, y->ncol * sizeof *y->total));
	y->has = dp_xrealloc(y->has, dp_st_mult(y->cap, y->ncol * sizeof *y->has));
	y->band = dp_xrealloc(y->band, dp_st_mult(y->cap, y->ncol * sizeof *y->band));
}

/* Adds a record of the work table to the year; false when it is not after
 * the one before in dept_code order (dp-score writes that order, which is
 * the order of ties). */
static bool year_add(struct ctx *c, const struct dp_record *rec)
{
	struct year *y = &c->y;
	assert(rec->n == 2 + 2 * y->ncol); /* read_totals checked the width */
	if (y->n && strcmp(y->codes.s + y->code[y->n - 1], rec->f[1]) >= 0)
		return false;
	year_reserve(y, y->n + 1);
	size_t i = y->n++;
	y->code[i] = y->codes.len;
	dp_buf_add(&y->codes, rec->f[1], rec->len[1]);
	dp_buf_addc(&y->codes, '\0');
	for (size_t k = 0; k < y->ncol; k++) {
		size_t at = i * y->ncol + k;
		y->has[at] = dp_value_dec(rec->f[2 + 2 * k], &y->total[at]);
		int b = y->has[at] ? dp_rules_grade_named(c->rules, rec->f[3 + 2 * k]) : -1;
		y->band[at] = b < 0 ? (int)c->ngr : b;
	}
	return true;
}

/* Ranks column col of the year: c->ord in rank order, c->rank. */
static void rank_col(struct ctx *c, size_t col)
{
	const struct year *y = &c->y;
	for (size_t i = 0; i < y->n; i++) {
		c->col_has[i] = y->has[i * y->ncol + col];
		c->col_total[i] = y->total[i * y->ncol + col];
	}
	dp_rank_ordered(c->col_total, c->col_has, y->n, c->ord, c->rank);
}

static void put_total(struct dp_table *t, bool has, dp_dec v)
{
	if (has)
		dp_table_dec(t, v, 2, 2);
	else
		dp_table_empty(t);
}

static void put_rank(struct dp_table *t, size_t rank)
{
	if (rank)
		dp_table_putu(t, rank);
	else
		dp_table_empty(t);
}

static const char *band_label(const struct ctx *c, int band)
{
	return band < (int)c->ngr ? dp_rules_grade(c->rules, (size_t)band)->label : "";
}

/* Scenario k of the year: its rows of scenarios.csv.gz in its rank order,
 * and its row of scenario_summary.csv.gz. */
static void scenario_year(struct ctx *c, size_t k)
{
	const struct year *y = &c->y;
	struct dp_table *t = c->t[0];
	size_t col = k + 1, nc = y->ncol;
	rank_col(c, col);
	uint64_t changes = 0, up = 0, down = 0, sum_abs = 0, nboth = 0, max_abs = 0, npairs = 0;
	uint64_t *count = dp_xcalloc(c->ngr + 1, sizeof *count);
	for (size_t j = 0; j < y->n; j++) {
		size_t i = c->ord[j], at = i * nc + col, base = i * nc, rank = c->rank[i];
		int sb = y->band[at], bb = y->band[base];
		count[sb]++;
		c->seen[i * (c->ngr + 1) + (size_t)sb] = 1;
		changes += sb != bb;
		up += sb < bb;
		down += sb > bb;
		if (rank) {
			if (!c->best[i] || rank < c->best[i])
				c->best[i] = rank;
			if (rank > c->worst[i])
				c->worst[i] = rank;
		}
		dp_table_puts(t, y->fy.s, false);
		dp_table_puts(t, c->scen[k], true);
		dp_table_puts(t, y->codes.s + y->code[i], true);
		put_total(t, y->has[at], y->total[at]);
		dp_table_puts(t, band_label(c, sb), false);
		put_rank(t, rank);
		put_total(t, y->has[base], y->total[base]);
		dp_table_puts(t, band_label(c, bb), false);
		put_rank(t, c->base_rank[i]);
		put_total(t, y->has[at] && y->has[base], y->total[at] - y->total[base]);
		if (rank && c->base_rank[i]) {
			/* > 0: moved up, as rank_change in yoy.csv.gz */
			long long d = (long long)c->base_rank[i] - (long long)rank;
			dp_table_puti(t, d);
			uint64_t a = (uint64_t)(d < 0 ? -d : d);
			sum_abs += a;
			max_abs = a > max_abs ? a : max_abs;
			nboth++;
		} else {
			dp_table_empty(t);
		}
		dp_table_end_row(t);
		if (y->has[at] && y->has[base]) {
			c->xs[npairs] = y->total[base];
			c->ys[npairs++] = y->total[at];
		}
	}
	t = c->t[1];
	dp_table_puts(t, c->scen[k], true);
	dp_table_puts(t, y->fy.s, false);
	dp_table_putu(t, y->n);
	dp_table_putu(t, changes);
	dp_table_putu(t, up);
	dp_table_putu(t, down);
	if (nboth)
		dp_table_putu(t, max_abs);
	else
		dp_table_empty(t);
	dp_dec mean;
	struct dp_rat q;
	if (nboth && dp_rat_div(dp_rat_int((int64_t)sum_abs), dp_rat_int((int64_t)nboth), &q) &&
	    dp_rat_round_cent(q, &mean))
		dp_table_dec(t, mean, 2, 2);
	else
		dp_table_empty(t);
	int32_t tau;
	if (dp_kendall_tau_b(c->xs, c->ys, npairs, &tau))
		dp_table_putf(t, "%s%d.%04d", tau < 0 ? "-" : "", abs(tau) / 10000, abs(tau) % 10000);
	else
		dp_table_empty(t);
	for (size_t g = 0; g < c->ngr; g++)
		dp_table_putu(t, count[g]);
	dp_table_end_row(t);
	free(count);
}

/* rank_stability.csv.gz: the year's submissions in base rank order. */
static void stability_year(struct ctx *c)
{
	const struct year *y = &c->y;
	struct dp_table *t = c->t[2];
	struct dp_buf grades = DP_BUF_INIT;
	for (size_t j = 0; j < y->n; j++) {
		size_t i = c->base_order[j], base = i * y->ncol;
		dp_table_puts(t, y->fy.s, false);
		dp_table_puts(t, y->codes.s + y->code[i], true);
		put_rank(t, c->base_rank[i]);
		put_rank(t, c->best[i]);
		put_rank(t, c->worst[i]);
		dp_buf_reset(&grades);
		for (size_t g = 0; g < c->ngr; g++)
			if (c->seen[i * (c->ngr + 1) + g])
				dp_buf_addf(&grades, "%s%s", grades.len ? "|" : "", band_label(c, (int)g));
		dp_table_puts(t, dp_buf_str(&grades), false);
		dp_dec margin = 0;
		bool has_margin = y->has[base] && dp_rules_grade_margin(c->rules, y->total[base], &margin);
		put_total(t, has_margin, margin);
		dp_table_end_row(t);
	}
	dp_buf_free(&grades);
}

static void flush_year(struct ctx *c)
{
	struct year *y = &c->y;
	size_t n = y->n;
	if (!n)
		return;
	c->ord = dp_xrealloc(c->ord, n * sizeof *c->ord);
	c->rank = dp_xrealloc(c->rank, n * sizeof *c->rank);
	c->col_total = dp_xrealloc(c->col_total, n * sizeof *c->col_total);
	c->col_has = dp_xrealloc(c->col_has, n * sizeof *c->col_has);
	c->base_rank = dp_xrealloc(c->base_rank, n * sizeof *c->base_rank);
	c->base_order = dp_xrealloc(c->base_order, n * sizeof *c->base_order);
	c->best = dp_xrealloc(c->best, n * sizeof *c->best);
	c->worst = dp_xrealloc(c->worst, n * sizeof *c->worst);
	c->xs = dp_xrealloc(c->xs, n * sizeof *c->xs);
	c->ys = dp_xrealloc(c->ys, n * sizeof *c->ys);
	c->seen = dp_xrealloc(c->seen, dp_st_mult(n, c->ngr + 1));
	memset(c->seen, 0, n * (c->ngr + 1));
	rank_col(c, 0);
	for (size_t j = 0; j < n; j++) {
		size_t i = c->ord[j];
		c->base_order[j] = i;
		c->base_rank[i] = c->best[i] = c->worst[i] = c->rank[i];
		c->seen[i * (c->ngr + 1) + (size_t)y->band[i * y->ncol]] = 1;
	}
	for (size_t k = 0; k < c->nscen; k++)
		scenario_year(c, k);
	stability_year(c);
	y->n = 0;
	dp_buf_reset(&y->codes);
}

static bool read_totals(struct ctx *c, const char *path, struct dp_buf *err)
{
	struct dp_rows *rows = dp_rows_open(path, err);
	if (!rows)
		return false;
	const struct dp_record *rec;
	bool header = true, ok = true;
	size_t width = 2 + 2 * c->y.ncol;
	while (ok && (rec = dp_rows_next(rows, err))) {
		if (rec->n != width) {
			dp_buf_addf(err, "%s:%llu: %zu columns where %zu were written (run dp-score again)", path,
				    (unsigned long long)rec->line, rec->n, width);
			ok = false;
		} else if (header) {
			header = false;
		} else {
			if (strcmp(rec->f[0], dp_buf_str(&c->y.fy)) != 0) {
				flush_year(c);
				dp_buf_reset(&c->y.fy);
				dp_buf_add(&c->y.fy, rec->f[0], rec->len[0]);
			}
			if (!year_add(c, rec)) {
				dp_buf_addf(err, "%s:%llu: not in (fiscal_year, dept_code) order (run dp-score again)", path,
					    (unsigned long long)rec->line);
				ok = false;
			}
		}
	}
	ok = ok && !dp_rows_failed(rows);
	dp_rows_close(rows);
	if (ok)
		flush_year(c);
	return ok;
}

static void write_headers(struct ctx *c)
{
	static const char *const sc[] = { "fiscal_year", "scenario", "dept_code", "total", "grade", "rank",
					  "base_total", "base_grade", "base_rank", "total_change", "rank_change", NULL };
	dp_table_header(c->t[0], sc);
	static const char *const fixed[] = { "scenario", "fiscal_year", "departments", "grade_changes", "grade_up",
					     "grade_down", "max_rank_change", "mean_abs_rank_change", "kendall_tau" };
	for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
		dp_table_puts(c->t[1], fixed[k], false);
	struct dp_buf name = DP_BUF_INIT; /* then a count per grade band */
	for (size_t g = 0; g < c->ngr; g++) {
		dp_buf_reset(&name);
		dp_buf_addf(&name, "grade_%s", dp_rules_grade(c->rules, g)->label);
		dp_table_puts(c->t[1], name.s, false);
	}
	dp_table_end_row(c->t[1]);
	dp_buf_free(&name);
	static const char *const st[] = { "fiscal_year", "dept_code", "base_rank", "best_rank", "worst_rank", "grades",
					  "margin", NULL };
	dp_table_header(c->t[2], st);
}

static void free_ctx(struct ctx *c)
{
	for (size_t k = 0; k < c->nscen; k++)
		free(c->scen[k]);
	free(c->scen);
	dp_buf_free(&c->y.fy);
	dp_buf_free(&c->y.codes);
	free(c->y.code);
	free(c->y.total);
	free(c->y.has);
	free(c->y.band);
	free(c->ord);
	free(c->rank);
	free(c->col_total);
	free(c->col_has);
	free(c->base_rank);
	free(c->base_order);
	free(c->best);
	free(c->worst);
	free(c->seen);
	free(c->xs);
	free(c->ys);
}

int dp_scentab_publish(const char *work, const char *out, const struct dp_rules *rules, int level,
		       struct dp_scentab_pub pub[DP_SCENTAB_TABLES], struct dp_buf *err)
{
	char *totals = dp_work_path(work, DP_WF_SCENARIO_TOTALS);
	if (access(totals, F_OK) != 0) {
		for (int i = 0; i < DP_SCENTAB_TABLES; i++) {
			char *p = dp_path_join(out, names[i]);
			unlink(p);
			free(p);
		}
		free(totals);
		return 0;
	}
	struct ctx c;
	memset(&c, 0, sizeof c);
	c.rules = rules;
	c.ngr = dp_rules_grade_count(rules);
	char *np = dp_work_path(work, DP_WF_SCENARIOS);
	struct dp_csvfile_result res;
	dp_csvfile_read(np, DP_ENC_UTF8, false, on_name, &c, &res, err);
	bool ok = dp_csvfile_config_ok(&res, np, true, "情景", err) && c.nscen > 0;
	if (ok) {
		c.y.ncol = c.nscen + 1;
		for (int i = 0; i < DP_SCENTAB_TABLES; i++) {
			char *p = dp_path_join(out, names[i]);
			c.t[i] = dp_table_create(p, level, err);
			free(p);
			if (!c.t[i]) {
				ok = false;
				break;
			}
			dp_table_durable(c.t[i]);
		}
	} else if (!err->len) {
		dp_buf_addf(err, "%s: no scenario names (run dp-score again)", np);
	}
	if (ok) {
		write_headers(&c);
		ok = read_totals(&c, totals, err);
	}
	int committed = 0;
	for (int i = 0; i < DP_SCENTAB_TABLES; i++) {
		pub[i].name = names[i];
		if (ok && (ok = dp_table_commit(c.t[i], &pub[i].info, err)))
			committed++;
		else if (ok)
			dp_table_abort(c.t[i]);
	}
	for (int i = 0; !ok && i < committed; i++) {
		char *p = dp_path_join(out, names[i]);
		unlink(p);
		free(p);
	}
	free(np);
	free(totals);
	free_ctx(&c);
	return ok ? DP_SCENTAB_TABLES : -1;
}
