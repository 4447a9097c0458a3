/* dp-aggregate: the differences (SPEC §6): discrepancies.csv.gz (each
 * indicator whose self-score and recomputed score differ by 0.01 or more)
 * and, with --prev, yoy.csv.gz (last run against this one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agg.h"
#include "deptperf/headers.h"
#include "deptperf/csvfile.h"
#include "deptperf/fields.h"
#include "deptperf/text.h"
#include "deptperf/value.h"

/* ---- discrepancies ---- */

/* One indicator whose self-score differs, in 24 bytes (there may be several
 * per department, millions in all): deltas.csv.gz holds scores with two
 * decimals, so they are kept as whole cents. */
struct disc {
	uint32_t rank;       /* its department's position in (fiscal_year, dept_code) order */
	uint32_t year;       /* its fiscal year's index in year order */
	int32_t ind;
	int32_t self, score, delta; /* cents */
};


/* v as whole cents in an int32_t, false when it is not one. */
static bool cents_of(const char *s, int32_t *c)
{
	dp_dec v;
	if (!dp_value_dec(s, &v) || v % DP_CENT || v / DP_CENT > INT32_MAX || v / DP_CENT < -INT32_MAX)
		return false;
	*c = (int32_t)(v / DP_CENT);
	return true;
}

static int64_t abs_cents(int32_t c)
{
	return c < 0 ? -(int64_t)c : c;
}

static int disc_cmp(const void *p, const void *q)
{
	const struct disc *x = p, *y = q;
	/* fiscal_year, |delta| descending, dept_code, rule-set order */
	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	int64_t ax = abs_cents(x->delta), ay = abs_cents(y->delta);
	if (ax != ay)
		return ax > ay ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return (x->ind > y->ind) - (x->ind < y->ind);
}

/* The order of disc_cmp in linear time, when the rows came in (fiscal_year,
 * dept_code, rule-set order), as dp-score writes them, and every |delta| is
 * at most MAX_CENTS: each year's rows are placed by |delta| with a counting
 * sort, which keeps the order they came in among equal ones.  NULL when
 * that does not hold (then a comparison sort). */
#define MAX_CENTS 10000000
static uint32_t *disc_order(const struct disc *v, size_t n)
{
	int64_t maxc = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t d = abs_cents(v[i].delta);
		if (d > MAX_CENTS || n > UINT32_MAX)
			return NULL;
		maxc = d > maxc ? d : maxc;
		if (i && (v[i - 1].year != v[i].year ? v[i - 1].year > v[i].year :
			  v[i - 1].rank != v[i].rank ? v[i - 1].rank > v[i].rank : v[i - 1].ind > v[i].ind))
			return NULL;
	}
	uint32_t *perm = dp_xcalloc(n + 1, sizeof *perm);
	size_t *start = dp_xcalloc((size_t)maxc + 1, sizeof *start);
	for (size_t s = 0, e; s < n; s = e) {
		for (e = s; e < n && v[e].year == v[s].year; e++)
			start[abs_cents(v[e].delta)]++;
		size_t pos = s; /* largest |delta| first */
		for (int64_t c = maxc; c >= 0; c--) {
			size_t k = start[c];
			start[c] = pos;
			pos += k;
		}
		for (size_t i = s; i < e; i++)
			perm[start[abs_cents(v[i].delta)]++] = (uint32_t)i;
		memset(start, 0, ((size_t)maxc + 1) * sizeof *start);
	}
	free(start);
	return perm;
}

static void put_cents(struct dp_table *t, int32_t c)
{
	agg_put2(t, (dp_dec)c * DP_CENT);
}

/* The rows v[perm[i]] (v[i] without perm), in that order. */
static void write_discs(struct agg *a, struct dp_table *w, const struct disc *v, const uint32_t *perm, size_t n)
{
	const struct disc **row = dp_xcalloc(CHUNK, sizeof *row);
	size_t *dep = dp_xcalloc(CHUNK, sizeof *dep);
	const char **text = dp_xcalloc(CHUNK, sizeof *text);
	size_t cfy = (size_t)a->dep_col[DP_F_FISCAL_YEAR], ccode = (size_t)a->dep_col[DP_F_DEPT_CODE];
	int cname = a->dep_col[DP_F_DEPT_NAME];
	for (size_t s = 0; s < n; s += CHUNK) {
		size_t m = n - s < CHUNK ? n - s : CHUNK;
		for (size_t i = 0; i < m; i++)
			row[i] = &v[perm ? perm[s + i] : s + i];
		for (size_t i = 0; i < m; i++)
			dep[i] = a->dep_order[row[i]->rank];
		agg_locate(&a->dep, dep, m, text);
		for (size_t i = 0; i < m; i++) {
			agg_fetch_ahead(text, i, m);
			const struct disc *x = row[i];
			const struct dp_indicator *ind = x->ind >= 0 ? dp_rules_get(a->rules, (size_t)x->ind) : NULL;
			dp_table_puts(w, dp_memtab_raw(&a->dep, dep[i], cfy), false);
			dp_table_puts(w, dp_memtab_raw(&a->dep, dep[i], ccode), true);
			dp_table_puts(w, cname >= 0 ? dp_memtab_raw(&a->dep, dep[i], (size_t)cname) : "", true);
			dp_table_puts(w, ind ? ind->code : "", false);
			dp_table_puts(w, ind ? ind->label : "", false);
			put_cents(w, x->self);
			put_cents(w, x->score);
			put_cents(w, x->delta);
			dp_table_end_row(w);
		}
	}
	free(text);
	free(dep);
	free(row);
}

/* discrepancies.csv.gz from deltas.csv.gz, in the published order. */
void agg_discrepancies(struct agg *a)
{
	char *p = dp_work_path(a->o->work, DP_WF_DELTAS);
	struct dp_buf e = DP_BUF_INIT;
	struct dp_rows *r = dp_rows_open(p, &e);
	free(p);
	if (!r) {
		agg_fail(a, &e);
		return;
	}
	struct disc *v = NULL;
	size_t n = 0, cap = 0, hint = 0;
	bool bad = false;
	const struct dp_record *rec = dp_rows_next(r, &e); /* the header */
	while (rec && (rec = dp_rows_next(r, &e))) {
		if (rec->n < 6)
			continue;
		size_t dep = agg_find_dep(a, rec->f[0], dp_text_unguard(rec->f[1]), &hint);
		if (dep == SIZE_MAX)
			continue; /* not an accepted department: cannot happen after dp-score */
		DP_GROW(v, n, cap);
		struct disc *x = &v[n];
		x->rank = (uint32_t)a->dep_rank[dep];
		x->year = (uint32_t)a->dep_year[dep];
		x->ind = dp_rules_find(a->rules, rec->f[2]);
		if (!cents_of(rec->f[3], &x->self) || !cents_of(rec->f[4], &x->score) || !cents_of(rec->f[5], &x->delta)) {
			bad = true;
			break;
		}
		n++;
	}
	if (bad)
		dp_buf_adds(&e, "deltas.csv.gz: a score that is not a number of cents (damaged work file; run dp-score again)");
	if (bad || dp_rows_failed(r))
		agg_fail(a, &e);
	dp_buf_free(&e);
	dp_rows_close(r);
	uint32_t *perm = disc_order(v, n);
	if (!perm)
		dp_qsort(v, n, sizeof *v, disc_cmp);
	struct dp_table *w = agg_publish(a, "discrepancies.csv.gz");
	if (w) {
		static const char *const cols[] = { "fiscal_year", "dept_code", "dept_name", "indicator", "label",
						    "self", "score", "delta", NULL };
		dp_table_header(w, cols);
		write_discs(a, w, v, perm, n);
		agg_commit(a, w, "discrepancies.csv.gz");
	}
	free(perm);
	free(v);
}

/* ---- year over year ---- */

struct yrow {
	const char *fy, *code;   /* fy: the current year, or the previous one when gone */
	long cur, prev;          /* totals row / previous rankings row, -1: none */
};

static int yrow_cmp(const void *p, const void *q)
{
	const struct yrow *x = p, *y = q;
	int c = strcmp(x->fy, y->fy);
	return c ? c : strcmp(x->code, y->code);
}

static int prev_col(const struct dp_memtab *t, const char *col, const struct dp_dict *d, const struct dp_rules *r)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (dp_header_is("rankings.csv.gz", t->cols[c], col, d, r))
			return (int)c;
	return -1;
}

bool agg_yoy(struct agg *a)
{
	char *p = dp_path_join(a->o->prev, "rankings.csv.gz"), *m = dp_path_join(a->o->prev, "manifest.csv");
	struct dp_memtab prev;
	bool ok = access(m, R_OK) == 0 && dp_memtab_load(&prev, p, false, a->err);
	free(p);
	free(m);
	if (!ok) {
		dp_buf_addf(a->err, "--prev %s is not a deptperf run folder (no manifest.csv and rankings.csv.gz)",
			    a->o->prev);
		return false;
	}
	/* an earlier run's columns by code or by Chinese header (--headers zh),
	 * with or without a BOM (--csv-bom) */
	struct dp_dict *d = dp_dict_new(a->rules);
	int pfy = prev_col(&prev, "fiscal_year", d, a->rules), pcode = prev_col(&prev, "dept_code", d, a->rules),
	    prank = prev_col(&prev, "rank", d, a->rules), ptotal = prev_col(&prev, "total", d, a->rules),
	    pgrade = prev_col(&prev, "grade", d, a->rules), pname = prev_col(&prev, "dept_name", d, a->rules);
	dp_dict_free(d);
	if (pfy < 0 || pcode < 0 || prank < 0 || ptotal < 0 || pgrade < 0) {
		dp_buf_addf(a->err, "--prev %s: rankings.csv.gz lacks the columns of SPEC §6", a->o->prev);
		dp_memtab_free(&prev);
		return false;
	}
	size_t *pidx = agg_sorted_rows(&prev, pcode, pfy, -1);
	size_t cap = a->tot.nrows + prev.nrows + 1, n = 0;
	struct yrow *v = dp_xcalloc(cap, sizeof *v);
	bool *prev_used = dp_xcalloc(prev.nrows + 1, sizeof *prev_used);
	for (size_t i = 0; i < a->tot.nrows; i++) {
		const char *fy = dp_memtab_cell(&a->tot, i, 0), *code = dp_memtab_cell(&a->tot, i, 1);
		/* the previous row of this department: the latest year not after fy */
		long best = -1;
		size_t lo = 0, hi = prev.nrows;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(dp_memtab_cell(&prev, pidx[mid], (size_t)pcode), code) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k < prev.nrows && strcmp(dp_memtab_cell(&prev, pidx[k], (size_t)pcode), code) == 0; k++) {
			prev_used[pidx[k]] = true;
			if (strcmp(dp_memtab_cell(&prev, pidx[k], (size_t)pfy), fy) <= 0)
				best = (long)pidx[k];
		}
		v[n++] = (struct yrow){ fy, code, (long)i, best };
	}
	/* departments ranked before but absent now: their latest previous row */
	for (size_t k = 0; k < prev.nrows; k++) {
		size_t r = pidx[k];
		if (prev_used[r])
			continue;
		if (k + 1 < prev.nrows && strcmp(dp_memtab_cell(&prev, pidx[k + 1], (size_t)pcode),
						 dp_memtab_cell(&prev, r, (size_t)pcode)) == 0)
			continue;
		v[n++] = (struct yrow){ dp_memtab_cell(&prev, r, (size_t)pfy), dp_memtab_cell(&prev, r, (size_t)pcode), -1,
					(long)r };
	}
	dp_qsort(v, n, sizeof *v, yrow_cmp);
	struct dp_table *w = agg_publish(a, "yoy.csv.gz");
	if (w) {
		static const char *const cols[] = { "dept_code", "dept_name", "prev_fiscal_year", "prev_total", "prev_rank",
						    "prev_grade", "fiscal_year", "total", "rank", "grade", "total_change",
						    "rank_change", "grade_change", NULL };
		dp_table_header(w, cols);
		for (size_t i = 0; i < n; i++) {
			long c = v[i].cur, q = v[i].prev;
			dp_table_puts(w, v[i].code, true);
			const char *name = c >= 0 ? agg_dep(a, (size_t)c, DP_F_DEPT_NAME) :
					   pname >= 0 ? dp_memtab_raw(&prev, (size_t)q, (size_t)pname) : "";
			dp_table_puts(w, name, true);
			const char *pt = q >= 0 ? dp_memtab_cell(&prev, (size_t)q, (size_t)ptotal) : "";
			const char *pr = q >= 0 ? dp_memtab_cell(&prev, (size_t)q, (size_t)prank) : "";
			const char *pg = q >= 0 ? dp_memtab_cell(&prev, (size_t)q, (size_t)pgrade) : "";
			dp_table_puts(w, q >= 0 ? dp_memtab_cell(&prev, (size_t)q, (size_t)pfy) : "", false);
			dp_table_puts(w, pt, false);
			dp_table_puts(w, pr, false);
			dp_table_puts(w, pg, false);
			const char *ct = c >= 0 ? dp_memtab_cell(&a->tot, (size_t)c, 2) : "";
			const char *cg = c >= 0 ? dp_memtab_cell(&a->tot, (size_t)c, 3) : "";
			dp_table_puts(w, c >= 0 ? v[i].fy : "", false);
			dp_table_puts(w, ct, false);
			if (c >= 0 && a->rank_of_tot[c])
				dp_table_putu(w, a->rank_of_tot[c]);
			else
				dp_table_empty(w);
			dp_table_puts(w, cg, false);
			dp_dec x, y;
			if (dp_value_dec(ct, &x) && dp_value_dec(pt, &y))
				agg_put2(w, x - y);
			else
				dp_table_empty(w);
			long pr_n = pr[0] ? strtol(pr, NULL, 10) : 0;
			if (c >= 0 && a->rank_of_tot[c] && pr_n > 0)
				dp_table_putf(w, "%ld", pr_n - (long)a->rank_of_tot[c]);
			else
				dp_table_empty(w);
			if (cg[0] && pg[0] && strcmp(cg, pg) != 0)
				dp_table_putf(w, "%s→%s", pg, cg);
			else
				dp_table_empty(w);
			dp_table_end_row(w);
		}
		agg_commit(a, w, "yoy.csv.gz");
	}
	free(v);
	free(prev_used);
	free(pidx);
	dp_memtab_free(&prev);
	return true;
}
