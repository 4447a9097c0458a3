/* dp-aggregate: the tables of each fiscal year (SPEC §6): rankings,
 * summary_grades, summary_indicators, summary_sectors and comparisons, each
 * written by one task from the year's ranks, which none of them changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agg.h"
#include "deptperf/csvfile.h"
#include "deptperf/fields.h"
#include "deptperf/text.h"
#include "deptperf/value.h"

/* ---- rankings ---- */

/* Ranks the year whose totals rows are [s, e) (rank.h): v gets e - s
 * entries in (rank, dept_code) order; *sectors the year's sectors in byte
 * order (their count returned). */
static size_t rank_year(struct agg *a, size_t s, size_t e, struct dp_rank *v, const char ***sectors)
{
	size_t n = e - s;
	for (size_t i = 0; i < n; i++) {
		struct dp_rank *r = &v[i];
		memset(r, 0, sizeof *r);
		r->row = s + i;
		r->has = dp_value_dec(dp_memtab_cell(&a->tot, r->row, 2), &r->total);
		r->code = dp_memtab_cell(&a->tot, r->row, 1);
		r->parent = dp_text_unguard(agg_dep(a, r->row, DP_F_PARENT_CODE));
		r->sector = dp_text_unguard(agg_dep(a, r->row, DP_F_SECTOR));
	}
	return dp_rank_year(v, n, sectors);
}

static void write_rankings(struct agg *a, struct dp_table *w, const struct dp_rank *v, size_t n)
{
	size_t with = 0;
	for (size_t k = 0; k < n; k++)
		with += v[k].has;
	/* the totals columns of the sum indicators below the root */
	size_t *sumcol = dp_xcalloc(a->nind + 1, sizeof *sumcol), nsum = 0;
	for (size_t k = 0; k < a->nind; k++) {
		const struct dp_indicator *ind = dp_rules_get(a->rules, k);
		if (ind->method == DP_M_SUM && ind->parent >= 0)
			sumcol[nsum++] = (size_t)dp_memtab_col(&a->tot, ind->code);
	}
	const char **cells = dp_xcalloc(a->tot.ncols + 1, sizeof *cells);
	size_t *rows = dp_xcalloc(CHUNK, sizeof *rows), *deps = dp_xcalloc(CHUNK, sizeof *deps);
	const char **trow = dp_xcalloc(CHUNK, sizeof *trow), **drow = dp_xcalloc(CHUNK, sizeof *drow);
	for (size_t i = 0, m = 0; i < n; i++) {
		if (i % CHUNK == 0) {
			m = n - i < CHUNK ? n - i : CHUNK;
			for (size_t j = 0; j < m; j++)
				rows[j] = v[i + j].row;
			for (size_t j = 0; j < m; j++)
				deps[j] = a->dep_of_tot[rows[j]];
			agg_locate(&a->tot, rows, m, trow);
			agg_locate(&a->dep, deps, m, drow);
		}
		agg_fetch_ahead(trow, i % CHUNK, m);
		agg_fetch_ahead(drow, i % CHUNK, m);
		const struct dp_rank *r = &v[i];
		size_t row = r->row;
		dp_memtab_split(&a->tot, row, cells);
		dp_table_puts(w, dp_text_unguard(cells[0]), false);
		if (r->rank)
			dp_table_putu(w, r->rank);
		else
			dp_table_empty(w);
		dp_table_puts(w, cells[1], true);
		dp_table_puts(w, agg_dep(a, row, DP_F_DEPT_NAME), true);
		dp_table_puts(w, agg_dep(a, row, DP_F_PARENT_CODE), true);
		dp_table_puts(w, agg_dep(a, row, DP_F_SECTOR), true);
		for (size_t c = 2; c <= 5; c++)
			dp_table_puts(w, c < a->tot.ncols ? dp_text_unguard(cells[c]) : "", false);
		if (r->rank) {
			dp_table_putu(w, r->rank_parent);
			dp_table_putu(w, r->rank_sector);
		} else {
			dp_table_empty(w);
			dp_table_empty(w);
		}
		if (r->has)
			agg_put_rat2(w, (dp_i128)r->lower * 100, (dp_i128)with);
		else
			dp_table_empty(w);
		for (size_t k = 0; k < nsum; k++)
			dp_table_puts(w, sumcol[k] < a->tot.ncols ? dp_text_unguard(cells[sumcol[k]]) : "", false);
		dp_table_end_row(w);
	}
	free(drow);
	free(trow);
	free(deps);
	free(rows);
	free(cells);
	free(sumcol);
}

/* ---- summaries of one year ---- */



static const char *const metrics[] = { "cost_energy_per_m2", "cost_property_per_m2", "cost_admin_pc",
				       "cost_business_pc", "cost_field_pc", "cost_public_pc" };
#define NMETRICS (sizeof metrics / sizeof metrics[0])

/* summary_grades: the province, then each sector, each with every grade of
 * the rule set; counted in one pass over the year. */
static void grades(struct agg *a, struct dp_table *w, const char *year, const struct dp_rank *v, size_t n,
		   const char **sectors, size_t nsec)
{
	size_t ng = dp_rules_grade_count(a->rules);
	size_t *cnt = dp_xcalloc((nsec + 1) * (ng + 1), sizeof *cnt); /* [scope][grade], ng: the scope's total */
	for (size_t i = 0; i < n; i++) {
		if (!v[i].has)
			continue;
		size_t sc = 1 + v[i].sector_id;
		const char *label = dp_memtab_cell(&a->tot, v[i].row, 3);
		size_t g = 0;
		while (g < ng && strcmp(dp_rules_grade(a->rules, g)->label, label) != 0)
			g++;
		if (g < ng) {
			cnt[g]++;
			cnt[sc * (ng + 1) + g]++;
		}
		cnt[ng]++;
		cnt[sc * (ng + 1) + ng]++;
	}
	for (size_t sc = 0; sc <= nsec; sc++) {
		const size_t *c = cnt + sc * (ng + 1);
		for (size_t g = 0; g < ng; g++) {
			dp_table_puts(w, year, false);
			dp_table_puts(w, sc ? sectors[sc - 1] : "province", sc != 0);
			dp_table_puts(w, dp_rules_grade(a->rules, g)->label, false);
			dp_table_putu(w, c[g]);
			agg_put_rat2(w, (dp_i128)c[g] * 100, (dp_i128)c[ng]);
			dp_table_end_row(w);
		}
	}
	free(cnt);
}

/* The indicators are read a group at a time: one pass over the year's rows
 * splits each row once and parses the group's cells (a pass per indicator
 * stepped over a row's cells once for each: at 1 000 000, 2 s of CPU).  A
 * group's values take IND_GROUP × 8 bytes a department. */
#define IND_GROUP 4
static void indicator_stats(struct agg *a, struct dp_table *w, const char *year, size_t s, size_t e)
{
	size_t rows = e - s;
	dp_dec *vals = dp_xcalloc(IND_GROUP * (rows + 1), sizeof *vals);
	const char **cells = dp_xcalloc(a->tot.ncols + 1, sizeof *cells);
	for (size_t k0 = 0; k0 < a->nind; k0 += IND_GROUP) {
		size_t g = a->nind - k0 < IND_GROUP ? a->nind - k0 : IND_GROUP;
		int col[IND_GROUP];
		size_t n[IND_GROUP] = { 0 }, full[IND_GROUP] = { 0 };
		const struct dp_indicator *ind[IND_GROUP];
		for (size_t j = 0; j < g; j++) {
			ind[j] = dp_rules_get(a->rules, k0 + j);
			col[j] = (int)(k0 + j) == a->root ? 2 : dp_memtab_col(&a->tot, ind[j]->code);
		}
		for (size_t r = s; r < e; r++) {
			dp_memtab_split(&a->tot, r, cells);
			for (size_t j = 0; j < g; j++) {
				dp_dec *x = &vals[j * (rows + 1) + n[j]];
				if (col[j] >= 0 && dp_value_dec(dp_text_unguard(cells[col[j]]), x)) {
					full[j] += *x >= ind[j]->max;
					n[j]++;
				}
			}
		}
		for (size_t j = 0; j < g; j++) {
			dp_dec *v = &vals[j * (rows + 1)];
			dp_dec_sort(v, n[j]);
			dp_table_puts(w, year, false);
			dp_table_puts(w, ind[j]->code, false);
			dp_table_puts(w, ind[j]->label, false);
			agg_put2(w, ind[j]->max);
			dp_table_putu(w, n[j]);
			if (n[j]) {
				agg_put_mean(w, v, n[j]);
				agg_put2(w, dp_nearest_rank(v, n[j], 50));
				agg_put2(w, dp_nearest_rank(v, n[j], 10));
				agg_put2(w, dp_nearest_rank(v, n[j], 90));
				agg_put2(w, v[0]);
				agg_put2(w, v[n[j] - 1]);
				agg_put_rat2(w, (dp_i128)full[j] * 100, (dp_i128)n[j]);
			} else {
				for (int i = 0; i < 7; i++)
					dp_table_empty(w);
			}
			dp_table_end_row(w);
		}
	}
	free(cells);
	free(vals);
}

/* v: the ranks of the totals rows s.. s + n. */
static void sector_stats(struct agg *a, struct dp_table *w, const char *year, size_t s, const struct dp_rank *v,
			 size_t n, const char **sectors, size_t nsec)
{
	/* each sector's spending and special funds, summed in the order of the
	 * rows (in rank order, each department's row was a cache miss) */
	dp_i128 *sum = dp_xcalloc(4 * nsec + 1, sizeof *sum); /* [sector][income, expense, alloc, spent] */
	uint32_t *sec_of = dp_xcalloc(n + 1, sizeof *sec_of);
	for (size_t i = 0; i < n; i++)
		sec_of[v[i].row - s] = v[i].sector_id;
	for (size_t i = 0; i < n; i++) {
		dp_i128 *t = &sum[4 * sec_of[i]];
		dp_dec x;
		if (dp_value_dec(dp_text_unguard(agg_dep(a, s + i, DP_F_INCOME_TOTAL)), &x))
			t[0] += x;
		if (dp_value_dec(dp_text_unguard(agg_dep(a, s + i, DP_F_EXPENSE_TOTAL)), &x))
			t[1] += x;
		size_t d = a->dep_of_tot[s + i];
		if (d != SIZE_MAX) {
			t[2] += a->fund_alloc[d];
			t[3] += a->fund_spent[d];
		}
	}
	free(sec_of);
	dp_dec *tot = dp_xcalloc(n + 1, sizeof *tot);
	/* the rows of each sector, in rank order: one pass over the year, not
	 * one per sector */
	size_t *from = dp_xcalloc(nsec + 2, sizeof *from), *rows = dp_xcalloc(n + 1, sizeof *rows);
	uint32_t *sec = dp_xcalloc(n + 1, sizeof *sec);
	for (size_t i = 0; i < n; i++)
		sec[i] = v[i].sector_id;
	dp_rank_by_group(NULL, n, sec, nsec, rows, from);
	for (size_t si = 0; si < nsec; si++) {
		size_t m = 0;
		const struct dp_rank *best = NULL, *worst = NULL;
		dp_i128 inc = sum[4 * si], exp = sum[4 * si + 1], alloc = sum[4 * si + 2], spent = sum[4 * si + 3];
		size_t count = from[si + 1] - from[si];
		for (size_t k = from[si]; k < from[si + 1]; k++) {
			const struct dp_rank *r = &v[rows[k]];
			if (!r->has)
				continue;
			tot[m++] = r->total;
			/* v is in rank order: the first is the best, ties by code */
			if (!best)
				best = r;
			if (!worst || r->total < worst->total ||
			    (r->total == worst->total && strcmp(r->code, worst->code) < 0))
				worst = r;
		}
		dp_dec_sort(tot, m);
		dp_table_puts(w, year, false);
		dp_table_puts(w, sectors[si], true);
		dp_table_putu(w, count);
		if (m) {
			agg_put_mean(w, tot, m);
			agg_put2(w, dp_nearest_rank(tot, m, 50));
			dp_table_puts(w, best->code, true);
			agg_put2(w, best->total);
			dp_table_puts(w, worst->code, true);
			agg_put2(w, worst->total);
		} else {
			for (int i = 0; i < 6; i++)
				dp_table_empty(w);
		}
		dp_table_dec(w, (dp_dec)inc, 2, 8);
		dp_table_dec(w, (dp_dec)exp, 2, 8);
		agg_put_rat2(w, exp * 100, inc);
		dp_table_dec(w, (dp_dec)alloc, 2, 8);
		dp_table_dec(w, (dp_dec)spent, 2, 8);
		agg_put_rat2(w, spent * 100, alloc);
		dp_table_end_row(w);
	}
	free(sum);
	free(tot);
	free(from);
	free(rows);
	free(sec);
}

static void comparisons(struct agg *a, struct dp_table *w, const struct dp_rank *v, size_t n, size_t nsec)
{
	/* rows in dept_code order (the table's order): row first + i is v[at[i]] */
	size_t *at = dp_xcalloc(n + 1, sizeof *at);
	size_t first = SIZE_MAX; /* the year's totals rows are first..first+n-1 */
	for (size_t i = 0; i < n; i++)
		first = v[i].row < first ? v[i].row : first;
	for (size_t i = 0; i < n; i++)
		at[v[i].row - first] = i;
	uint32_t *sec = dp_xcalloc(n + 1, sizeof *sec);
	for (size_t i = 0; i < n; i++)
		sec[i] = v[at[i]].sector_id;
	free(at);
	/* the rows grouped by sector, for the sector medians */
	size_t *sec_start = dp_xcalloc(nsec + 2, sizeof *sec_start), *by_sec = dp_xcalloc(n + 1, sizeof *by_sec);
	dp_rank_by_group(NULL, n, sec, nsec, by_sec, sec_start);
	dp_dec *all = dp_xcalloc(n + 1, sizeof *all);
	dp_dec *median = dp_xcalloc(NMETRICS * (nsec + 1), sizeof *median);
	dp_dec **mval = dp_xcalloc(NMETRICS, sizeof *mval);
	bool **mhas = dp_xcalloc(NMETRICS, sizeof *mhas);
	size_t **below = dp_xcalloc(NMETRICS, sizeof *below); /* per row: how many of the year are lower */
	size_t *nval = dp_xcalloc(NMETRICS, sizeof *nval);
	int col[NMETRICS];
	for (size_t m = 0; m < NMETRICS; m++) {
		col[m] = dp_memtab_col(&a->dep, metrics[m]);
		mval[m] = dp_xcalloc(n + 1, sizeof **mval);
		mhas[m] = dp_xcalloc(n + 1, sizeof **mhas);
		below[m] = dp_xcalloc(n + 1, sizeof **below);
	}
	const char **cells = dp_xcalloc(a->dep.ncols + 1, sizeof *cells);
	for (size_t i = 0; i < n; i++) {
		if (a->dep_of_tot[first + i] == SIZE_MAX)
			continue;
		dp_memtab_split(&a->dep, a->dep_of_tot[first + i], cells);
		for (size_t m = 0; m < NMETRICS; m++)
			if (col[m] >= 0 && dp_value_dec(cells[col[m]], &mval[m][i]))
				mhas[m][i] = true;
	}
	free(cells);
	/* the province percentiles: each metric's values put in order once and
	 * walked, not a binary search per row (a cache miss at every step when
	 * there are a million) */
	size_t *rowof = dp_xcalloc(n + 1, sizeof *rowof), *perm = dp_xcalloc(n + 1, sizeof *perm);
	for (size_t m = 0; m < NMETRICS; m++) {
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (mhas[m][i]) {
				all[k] = mval[m][i];
				rowof[k++] = i;
			}
		dp_dec_order(all, k, perm);
		for (size_t j = 0, lower = 0; j < k; j++) {
			if (j && all[perm[j]] != all[perm[j - 1]])
				lower = j;
			below[m][rowof[perm[j]]] = lower;
		}
		nval[m] = k;
	}
	free(rowof);
	free(perm);
	for (size_t m = 0; m < NMETRICS; m++) {
		/* sector medians: the values grouped by sector, each group sorted */
		size_t k = 0;
		for (size_t si = 0; si < nsec; si++) {
			size_t start = k;
			for (size_t j = sec_start[si]; j < sec_start[si + 1]; j++)
				if (mhas[m][by_sec[j]])
					all[k++] = mval[m][by_sec[j]];
			dp_dec_sort(all + start, k - start);
			if (k > start)
				median[m * nsec + si] = dp_nearest_rank(all + start, k - start, 50);
		}
	}
	for (size_t i = 0; i < n; i++) {
		size_t row = first + i;
		dp_table_puts(w, dp_memtab_cell(&a->tot, row, 0), false);
		dp_table_puts(w, dp_memtab_raw(&a->tot, row, 1), true);
		dp_table_puts(w, agg_dep(a, row, DP_F_DEPT_NAME), true);
		dp_table_puts(w, agg_dep(a, row, DP_F_SECTOR), true);
		for (size_t m = 0; m < NMETRICS; m++) {
			if (!mhas[m][i]) {
				for (int k = 0; k < 3; k++)
					dp_table_empty(w);
				continue;
			}
			dp_dec x = mval[m][i];
			dp_table_dec(w, x, 2, 8);
			dp_table_dec(w, median[m * nsec + sec[i]], 2, 8);
			agg_put_rat2(w, (dp_i128)below[m][i] * 100, (dp_i128)nval[m]);
		}
		dp_table_end_row(w);
	}
	for (size_t m = 0; m < NMETRICS; m++) {
		free(mval[m]);
		free(mhas[m]);
		free(below[m]);
	}
	free(mval);
	free(mhas);
	free(below);
	free(nval);
	free(median);
	free(all);
	free(sec);
	free(sec_start);
	free(by_sec);
}

void agg_open_year_tables(struct agg *a, struct tables *t)
{
	t->rank = agg_publish(a, "rankings.csv.gz");
	t->grades = agg_publish(a, "summary_grades.csv.gz");
	t->inds = agg_publish(a, "summary_indicators.csv.gz");
	t->sectors = agg_publish(a, "summary_sectors.csv.gz");
	t->comp = agg_publish(a, "comparisons.csv.gz");
	if (a->failed)
		return;
	size_t nsum = 0;
	for (size_t k = 0; k < a->nind; k++)
		nsum += dp_rules_get(a->rules, k)->method == DP_M_SUM && dp_rules_get(a->rules, k)->parent >= 0;
	const char **rc = dp_xcalloc(14 + nsum, sizeof *rc);
	static const char *const rfixed[] = { "fiscal_year", "rank", "dept_code", "dept_name", "parent_code", "sector",
					      "total", "grade", "self_total", "delta", "rank_in_parent",
					      "rank_in_sector", "percentile" };
	memcpy(rc, rfixed, sizeof rfixed);
	size_t k2 = 13;
	for (size_t k = 0; k < a->nind; k++) {
		const struct dp_indicator *ind = dp_rules_get(a->rules, k);
		if (ind->method == DP_M_SUM && ind->parent >= 0)
			rc[k2++] = ind->code;
	}
	dp_table_header(t->rank, rc);
	free(rc);
	static const char *const gc[] = { "fiscal_year", "scope", "grade", "count", "share", NULL };
	dp_table_header(t->grades, gc);
	static const char *const ic[] = { "fiscal_year", "indicator", "label", "max_points", "n", "mean", "median",
					  "p10", "p90", "min", "max", "full_marks_share", NULL };
	dp_table_header(t->inds, ic);
	static const char *const sc[] = { "fiscal_year", "sector", "departments", "mean_total", "median_total",
					  "best_dept_code", "best_total", "worst_dept_code", "worst_total",
					  "income_total", "expense_total", "expense_rate", "fund_alloc", "fund_spent",
					  "fund_spend_rate", NULL };
	dp_table_header(t->sectors, sc);
	/* the header written cell by cell: each metric, then its sector median
	 * and province percentile */
	static const char *const cfixed[] = { "fiscal_year", "dept_code", "dept_name", "sector" };
	for (size_t k = 0; k < 4; k++)
		dp_table_puts(t->comp, cfixed[k], false);
	struct dp_buf name = DP_BUF_INIT;
	for (size_t m = 0; m < NMETRICS; m++) {
		static const char *const suffix[] = { "", "_sector_median", "_province_percentile" };
		for (int k = 0; k < 3; k++) {
			dp_buf_reset(&name);
			dp_buf_addf(&name, "%s%s", metrics[m], suffix[k]);
			dp_table_puts(t->comp, name.s, false);
		}
	}
	dp_table_end_row(t->comp);
	dp_buf_free(&name);
}

void agg_per_year(struct agg *a, struct tables *t)
{
	a->rank_of_tot = dp_xcalloc(a->tot.nrows + 1, sizeof *a->rank_of_tot);
	struct dp_rank *v = dp_xcalloc(a->tot.nrows + 1, sizeof *v);
	for (size_t s = 0; s < a->tot.nrows;) {
		size_t e = s;
		const char *year = dp_memtab_cell(&a->tot, s, 0);
		while (e < a->tot.nrows && strcmp(dp_memtab_cell(&a->tot, e, 0), year) == 0)
			e++;
		size_t n = e - s;
		const char **sectors;
		size_t nsec = rank_year(a, s, e, v, &sectors);
		for (size_t i = 0; i < n; i++)
			a->rank_of_tot[v[i].row] = v[i].rank;
		/* each table of the year by one task, from the year's ranks, which
		 * none of them changes */
#pragma omp task
		write_rankings(a, t->rank, v, n);
#pragma omp task
		comparisons(a, t->comp, v, n, nsec);
#pragma omp task
		indicator_stats(a, t->inds, year, s, e);
#pragma omp task
		{
			grades(a, t->grades, year, v, n, sectors, nsec);
			sector_stats(a, t->sectors, year, s, v, n, sectors, nsec);
		}
#pragma omp taskwait
		free(sectors);
		s = e;
	}
	free(v);
}

