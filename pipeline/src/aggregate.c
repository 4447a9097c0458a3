/* dp-aggregate: the published tables of SPEC §6, from a scored work folder.
 *
 * Everything here is read into memory (dp_memtab) and sorted with explicit
 * tie-breaks.  The tables are then written as OpenMP tasks, each table by
 * one task from data that no task changes, so they are byte-identical
 * whatever the thread count.  Memory is proportional to the number of
 * accepted submissions; scores.csv.gz, the largest table, is streamed (it
 * is already in its published order). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deptperf/asis.h"
#include "deptperf/csvfile.h"
#include "deptperf/csvread.h"
#include "deptperf/fields.h"
#include "deptperf/input.h"
#include "deptperf/filetab.h"
#include "deptperf/findings.h"
#include "deptperf/memtab.h"
#include "deptperf/rank.h"
#include "deptperf/rules.h"
#include "deptperf/scentab.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"
#include "deptperf/table.h"
#include "deptperf/text.h"
#include "deptperf/value.h"

struct pub {
	char *name;
	struct dp_table_info info;
};

#define MAX_PUBS 32 /* the tables of SPEC §6 are 14 */

struct agg {
	const struct dp_stage_opts *o;
	struct dp_rules *rules;
	size_t nind;
	int root;
	struct pub pubs[MAX_PUBS];       /* the tables written (under the critical section agg) */
	size_t npubs;
	struct dp_memtab dep, funds, tot;
	int dep_col[DP_F_FIXED_COUNT];   /* departments column of fixed fields */
	size_t *dep_of_tot;             /* departments row of each totals row */
	size_t *dep_order;              /* departments rows in (fiscal_year, dept_code) order */
	struct rowkey *dep_keys;        /* their (fiscal_year, dept_code), in that order */
	int64_t *fund_alloc, *fund_spent; /* per departments row: its accepted funds summed */
	size_t *rank_of_tot;            /* rank of each totals row (0: none) */
	size_t *dep_rank;               /* position of each departments row in (year, code) order */
	size_t *dep_year;               /* index of its fiscal year in year order */
	bool failed;                    /* set, with err, only through fail() */
	size_t more_failures;           /* failures after the first, not told in err */
	struct dp_buf *err;
};

/* Records a failure from any task: the first one's message (e, a task's
 * own buffer, freed) is the stage's; the others are counted (a full disk
 * refuses every table: one line says so, not one per table). */
static void fail(struct agg *a, struct dp_buf *e)
{
#pragma omp critical(agg)
	{
		if (!a->failed)
			dp_buf_add(a->err, e->s, e->len);
		else
			a->more_failures++;
		a->failed = true;
	}
	dp_buf_free(e);
}

static struct dp_table *publish(struct agg *a, const char *name)
{
	char *p = dp_path_join(a->o->out, name);
	struct dp_buf e = DP_BUF_INIT;
	struct dp_table *t = dp_table_create(p, a->o->gzip_level, &e);
	free(p);
	if (!t)
		fail(a, &e);
	else
		dp_table_durable(t);
	return t;
}

static struct dp_table_info *pub_slot(struct agg *a, const char *name)
{
	struct pub *p;
#pragma omp critical(agg)
	{
		if (a->npubs == MAX_PUBS)
			abort(); /* a table added to SPEC §6 without raising MAX_PUBS */
		p = &a->pubs[a->npubs++];
	}
	memset(p, 0, sizeof *p);
	p->name = dp_xstrdup(name);
	return &p->info;
}

static void commit(struct agg *a, struct dp_table *t, const char *name)
{
	if (!t)
		return;
	struct dp_buf e = DP_BUF_INIT;
	if (!dp_table_commit(t, pub_slot(a, name), &e))
		fail(a, &e);
}

static void put2(struct dp_table *t, dp_dec v)
{
	dp_table_dec(t, v, 2, 2);
}

static void put_rat2(struct dp_table *t, dp_i128 num, dp_i128 den)
{
	dp_dec v = 0;
	struct dp_rat r = { num, den };
	if (den > 0 && dp_rat_round_cent(r, &v))
		put2(t, v);
	else
		dp_table_empty(t);
}

/* ---- sorting with explicit tie-breaks ---- */

/* A row's sort columns, found once: a comparison is then one strcmp or
 * three, not a scan along the row for each column of each comparison. */
struct rowkey {
	const char *k[3]; /* unguarded cells; NULL past the last sort column */
	size_t row;
};

static int rowkey_cmp(const void *x, const void *y)
{
	const struct rowkey *a = x, *b = y;
	for (int i = 0; i < 3 && a->k[i]; i++) {
		int c = strcmp(a->k[i], b->k[i]);
		if (c)
			return c;
	}
	return (a->row > b->row) - (a->row < b->row);
}

/* The key of row i of t in the columns c[0..3) (-1: fewer columns).  The
 * key points into the table. */
static struct rowkey row_key(const struct dp_memtab *t, size_t i, const int c[3])
{
	struct rowkey k = { { NULL, NULL, NULL }, i };
	for (int j = 0; j < 3 && c[j] >= 0; j++) /* the key columns come first: a step or two */
		k.k[j] = dp_memtab_cell(t, i, (size_t)c[j]);
	return k;
}

/* The rows of t as keys of the columns c0, c1, c2 (-1: fewer columns),
 * sorted; a table already in order, the usual case, costs one pass. */
static struct rowkey *sorted_keys(const struct dp_memtab *t, int c0, int c1, int c2)
{
	struct rowkey *k = dp_xcalloc(t->nrows + 1, sizeof *k);
	const int c[3] = { c0, c1, c2 };
	bool sorted = true;
	for (size_t i = 0; i < t->nrows; i++) {
		k[i] = row_key(t, i, c);
		if (i && sorted && rowkey_cmp(&k[i - 1], &k[i]) > 0)
			sorted = false;
	}
	if (!sorted)
		dp_qsort(k, t->nrows, sizeof *k, rowkey_cmp);
	return k;
}

/* Whether the rows of t are already in the order of the columns c0, c1, c2;
 * checked first, because building the keys costs memory. */
static bool in_order(const struct dp_memtab *t, int c0, int c1, int c2)
{
	const int c[3] = { c0, c1, c2 };
	struct rowkey prev = { { NULL, NULL, NULL }, 0 };
	bool ok = true;
	for (size_t i = 0; i < t->nrows && ok; i++) {
		struct rowkey k = row_key(t, i, c);
		ok = i == 0 || rowkey_cmp(&prev, &k) < 0;
		prev = k;
	}
	return ok;
}

static size_t *sorted_rows(const struct dp_memtab *t, int c0, int c1, int c2)
{
	size_t *idx = dp_xcalloc(t->nrows + 1, sizeof *idx);
	if (in_order(t, c0, c1, c2)) {
		for (size_t i = 0; i < t->nrows; i++)
			idx[i] = i;
		return idx;
	}
	struct rowkey *k = sorted_keys(t, c0, c1, c2);
	for (size_t i = 0; i < t->nrows; i++)
		idx[i] = k[i].row;
	free(k);
	return idx;
}

static void write_memtab(struct agg *a, const struct dp_memtab *t, const size_t *order, const char *name)
{
	struct dp_table *w = publish(a, name);
	if (!w)
		return;
	const char **hdr = dp_xcalloc(t->ncols + 1, sizeof *hdr);
	for (size_t c = 0; c < t->ncols; c++)
		hdr[c] = t->cols[c];
	dp_table_header(w, hdr);
	free(hdr);
	/* the dictionary says which columns are input text to guard */
	struct dp_dict *d = dp_dict_new(a->rules);
	bool *text = dp_xcalloc(t->ncols + 1, sizeof *text);
	for (size_t c = 0; c < t->ncols; c++) {
		int f = dp_dict_find_code(d, t->cols[c]);
		text[c] = f >= 0 && dp_field_is_guarded(dp_dict_field(d, (size_t)f));
	}
	dp_dict_free(d);
	const char **cells = dp_xcalloc(t->ncols + 1, sizeof *cells);
	for (size_t i = 0; i < t->nrows; i++) {
		size_t r = order ? order[i] : i;
		dp_memtab_split(t, r, cells);
		for (size_t c = 0; c < t->ncols; c++)
			dp_table_puts(w, cells[c], text[c]);
		dp_table_end_row(w);
	}
	free(cells);
	free(text);
	commit(a, w, name);
}

static bool dec_of(const struct dp_memtab *t, size_t row, int col, dp_dec *v)
{
	return col >= 0 && dp_value_dec(dp_memtab_cell(t, row, (size_t)col), v);
}

static void put_mean(struct dp_table *t, const dp_dec *v, size_t n)
{
	dp_i128 s = 0;
	for (size_t i = 0; i < n; i++)
		s += v[i];
	put_rat2(t, s, (dp_i128)n * DP_DEC_ONE);
}

/* ---- the department join ---- */

static const char *dep(const struct agg *a, size_t tot_row, int field)
{
	size_t d = a->dep_of_tot[tot_row];
	if (d == SIZE_MAX || a->dep_col[field] < 0)
		return "";
	return dp_memtab_raw(&a->dep, d, (size_t)a->dep_col[field]);
}

/* ---- rows in an order unlike the tables' ----
 *
 * Rankings and discrepancies are written in order of score, so each row's
 * department is anywhere in memory; one row at a time, every row waited for
 * its cache misses in turn (four for a discrepancy: 4.7 of the 5.5 s of that
 * table at 1 000 000).  So the rows are written in chunks: the chunk's rows
 * are located first, in loops whose loads do not wait for each other, and
 * each row's text is fetched a few rows ahead of its use. */
#define CHUNK 4096
#define AHEAD 8

/* out[i]: the text of row rows[i] of t (its first cell), NULL for SIZE_MAX. */
static void locate(const struct dp_memtab *t, const size_t *rows, size_t m, const char **out)
{
	for (size_t i = 0; i < m; i++)
		out[i] = rows[i] == SIZE_MAX ? NULL : dp_memtab_raw(t, rows[i], 0);
}

static void fetch_ahead(const char *const *text, size_t i, size_t m)
{
	if (i + AHEAD < m && text[i + AHEAD])
		__builtin_prefetch(text[i + AHEAD]);
}

/* The departments row of (fiscal_year, dept_code), or SIZE_MAX.  *hint is
 * the position of the last match: inputs sorted like dep_order (totals,
 * deltas) are found in one step, others by binary search.  No hash map: at
 * 1 000 000 departments one would cost a hundred megabytes. */
static size_t find_dep(const struct agg *a, const char *fy, const char *code, size_t *hint)
{
	const struct rowkey *k = a->dep_keys;
	size_t n = a->dep.nrows;
	for (size_t i = *hint; i < *hint + 2 && i < n; i++)
		if (!strcmp(k[i].k[0], fy) && !strcmp(k[i].k[1], code)) {
			*hint = i;
			return k[i].row;
		}
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(k[mid].k[0], fy);
		if (!c)
			c = strcmp(k[mid].k[1], code);
		if (!c) {
			*hint = mid;
			return k[mid].row;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

static bool join(struct agg *a)
{
	for (int f = 0; f < DP_F_FIXED_COUNT; f++)
		a->dep_col[f] = -1;
	struct dp_dict *d = dp_dict_new(NULL);
	for (int f = 0; f < DP_F_FIXED_COUNT; f++)
		a->dep_col[f] = dp_memtab_col(&a->dep, dp_dict_field(d, (size_t)f)->code);
	dp_dict_free(d);
	if (a->dep_col[DP_F_FISCAL_YEAR] < 0 || a->dep_col[DP_F_DEPT_CODE] < 0) {
		dp_buf_adds(a->err, "departments.csv.gz has no fiscal_year or dept_code column");
		return false;
	}
	a->dep_keys = sorted_keys(&a->dep, a->dep_col[DP_F_FISCAL_YEAR], a->dep_col[DP_F_DEPT_CODE], -1);
	a->dep_order = dp_xcalloc(a->dep.nrows + 1, sizeof *a->dep_order);
	for (size_t i = 0; i < a->dep.nrows; i++)
		a->dep_order[i] = a->dep_keys[i].row;
	a->dep_of_tot = dp_xcalloc(a->tot.nrows + 1, sizeof *a->dep_of_tot);
	size_t hint = 0;
	for (size_t i = 0; i < a->tot.nrows; i++)
		a->dep_of_tot[i] = find_dep(a, dp_memtab_cell(&a->tot, i, 0), dp_memtab_cell(&a->tot, i, 1), &hint);
	/* the funds of each department, for the sector totals */
	a->fund_alloc = dp_xcalloc(a->dep.nrows + 1, sizeof *a->fund_alloc);
	a->fund_spent = dp_xcalloc(a->dep.nrows + 1, sizeof *a->fund_spent);
	hint = 0;
	for (size_t i = 0; i < a->funds.nrows; i++) {
		size_t r = find_dep(a, dp_memtab_cell(&a->funds, i, 0), dp_memtab_cell(&a->funds, i, 1), &hint);
		dp_dec al, sp;
		if (r == SIZE_MAX)
			continue;
		if (dec_of(&a->funds, i, 3, &al))
			a->fund_alloc[r] += al;
		if (dec_of(&a->funds, i, 4, &sp))
			a->fund_spent[r] += sp;
	}
	return true;
}

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
		r->parent = dp_text_unguard(dep(a, r->row, DP_F_PARENT_CODE));
		r->sector = dp_text_unguard(dep(a, r->row, DP_F_SECTOR));
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
			locate(&a->tot, rows, m, trow);
			locate(&a->dep, deps, m, drow);
		}
		fetch_ahead(trow, i % CHUNK, m);
		fetch_ahead(drow, i % CHUNK, m);
		const struct dp_rank *r = &v[i];
		size_t row = r->row;
		dp_memtab_split(&a->tot, row, cells);
		dp_table_puts(w, dp_text_unguard(cells[0]), false);
		if (r->rank)
			dp_table_putu(w, r->rank);
		else
			dp_table_empty(w);
		dp_table_puts(w, cells[1], true);
		dp_table_puts(w, dep(a, row, DP_F_DEPT_NAME), true);
		dp_table_puts(w, dep(a, row, DP_F_PARENT_CODE), true);
		dp_table_puts(w, dep(a, row, DP_F_SECTOR), true);
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
			put_rat2(w, (dp_i128)r->lower * 100, (dp_i128)with);
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

struct tables {
	struct dp_table *rank, *grades, *inds, *sectors, *comp;
};

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
			put_rat2(w, (dp_i128)c[g] * 100, (dp_i128)c[ng]);
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
			put2(w, ind[j]->max);
			dp_table_putu(w, n[j]);
			if (n[j]) {
				put_mean(w, v, n[j]);
				put2(w, dp_nearest_rank(v, n[j], 50));
				put2(w, dp_nearest_rank(v, n[j], 10));
				put2(w, dp_nearest_rank(v, n[j], 90));
				put2(w, v[0]);
				put2(w, v[n[j] - 1]);
				put_rat2(w, (dp_i128)full[j] * 100, (dp_i128)n[j]);
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
		if (dp_value_dec(dp_text_unguard(dep(a, s + i, DP_F_INCOME_TOTAL)), &x))
			t[0] += x;
		if (dp_value_dec(dp_text_unguard(dep(a, s + i, DP_F_EXPENSE_TOTAL)), &x))
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
			put_mean(w, tot, m);
			put2(w, dp_nearest_rank(tot, m, 50));
			dp_table_puts(w, best->code, true);
			put2(w, best->total);
			dp_table_puts(w, worst->code, true);
			put2(w, worst->total);
		} else {
			for (int i = 0; i < 6; i++)
				dp_table_empty(w);
		}
		dp_table_dec(w, (dp_dec)inc, 2, 8);
		dp_table_dec(w, (dp_dec)exp, 2, 8);
		put_rat2(w, exp * 100, inc);
		dp_table_dec(w, (dp_dec)alloc, 2, 8);
		dp_table_dec(w, (dp_dec)spent, 2, 8);
		put_rat2(w, spent * 100, alloc);
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
		dp_table_puts(w, dep(a, row, DP_F_DEPT_NAME), true);
		dp_table_puts(w, dep(a, row, DP_F_SECTOR), true);
		for (size_t m = 0; m < NMETRICS; m++) {
			if (!mhas[m][i]) {
				for (int k = 0; k < 3; k++)
					dp_table_empty(w);
				continue;
			}
			dp_dec x = mval[m][i];
			dp_table_dec(w, x, 2, 8);
			dp_table_dec(w, median[m * nsec + sec[i]], 2, 8);
			put_rat2(w, (dp_i128)below[m][i] * 100, (dp_i128)nval[m]);
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
	put2(t, (dp_dec)c * DP_CENT);
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
		locate(&a->dep, dep, m, text);
		for (size_t i = 0; i < m; i++) {
			fetch_ahead(text, i, m);
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
static void discrepancies(struct agg *a)
{
	char *p = dp_path_join(a->o->work, "deltas.csv.gz");
	struct dp_buf e = DP_BUF_INIT;
	struct dp_rows *r = dp_rows_open(p, &e);
	free(p);
	if (!r) {
		fail(a, &e);
		return;
	}
	struct disc *v = NULL;
	size_t n = 0, cap = 0, hint = 0;
	bool bad = false;
	const struct dp_record *rec = dp_rows_next(r, &e); /* the header */
	while (rec && (rec = dp_rows_next(r, &e))) {
		if (rec->n < 6)
			continue;
		size_t dep = find_dep(a, rec->f[0], dp_text_unguard(rec->f[1]), &hint);
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
		fail(a, &e);
	dp_buf_free(&e);
	dp_rows_close(r);
	uint32_t *perm = disc_order(v, n);
	if (!perm)
		dp_qsort(v, n, sizeof *v, disc_cmp);
	struct dp_table *w = publish(a, "discrepancies.csv.gz");
	if (w) {
		static const char *const cols[] = { "fiscal_year", "dept_code", "dept_name", "indicator", "label",
						    "self", "score", "delta", NULL };
		dp_table_header(w, cols);
		write_discs(a, w, v, perm, n);
		commit(a, w, "discrepancies.csv.gz");
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

static bool yoy(struct agg *a)
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
	int pfy = dp_memtab_col(&prev, "fiscal_year"), pcode = dp_memtab_col(&prev, "dept_code"),
	    prank = dp_memtab_col(&prev, "rank"), ptotal = dp_memtab_col(&prev, "total"),
	    pgrade = dp_memtab_col(&prev, "grade"), pname = dp_memtab_col(&prev, "dept_name");
	if (pfy < 0 || pcode < 0 || prank < 0 || ptotal < 0 || pgrade < 0) {
		dp_buf_addf(a->err, "--prev %s: rankings.csv.gz lacks the columns of SPEC §6", a->o->prev);
		dp_memtab_free(&prev);
		return false;
	}
	size_t *pidx = sorted_rows(&prev, pcode, pfy, -1);
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
	struct dp_table *w = publish(a, "yoy.csv.gz");
	if (w) {
		static const char *const cols[] = { "dept_code", "dept_name", "prev_fiscal_year", "prev_total", "prev_rank",
						    "prev_grade", "fiscal_year", "total", "rank", "grade", "total_change",
						    "rank_change", "grade_change", NULL };
		dp_table_header(w, cols);
		for (size_t i = 0; i < n; i++) {
			long c = v[i].cur, q = v[i].prev;
			dp_table_puts(w, v[i].code, true);
			const char *name = c >= 0 ? dep(a, (size_t)c, DP_F_DEPT_NAME) :
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
				put2(w, x - y);
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
		commit(a, w, "yoy.csv.gz");
	}
	free(v);
	free(prev_used);
	free(pidx);
	dp_memtab_free(&prev);
	return true;
}

/* ---- manifest ---- */

static int pub_cmp(const void *p, const void *q)
{
	return strcmp(((const struct pub *)p)->name, ((const struct pub *)q)->name);
}

static void param_rows(struct dp_buf *b, const char *path)
{
	/* key,value rows of a work table (counts.csv.gz, params.csv.gz) */
	struct dp_memtab t;
	struct dp_buf e = DP_BUF_INIT;
	if (dp_memtab_load(&t, path, true, &e)) {
		for (size_t i = 0; i < t.nrows; i++) {
			dp_csv_put(b, dp_memtab_raw(&t, i, 0), strlen(dp_memtab_raw(&t, i, 0)), false);
			dp_buf_addc(b, ',');
			dp_csv_put(b, dp_memtab_raw(&t, i, 1), strlen(dp_memtab_raw(&t, i, 1)), true);
			dp_buf_addc(b, '\n');
		}
		dp_memtab_free(&t);
	}
	dp_buf_free(&e);
}

static bool write_manifest(struct agg *a)
{
	dp_qsort(a->pubs, a->npubs, sizeof *a->pubs, pub_cmp);
	struct dp_buf b = DP_BUF_INIT;
	dp_buf_adds(&b, "file,rows,bytes,sha256\n");
	for (size_t i = 0; i < a->npubs; i++)
		dp_buf_addf(&b, "%s,%llu,%llu,%s\n", a->pubs[i].name, (unsigned long long)a->pubs[i].info.rows,
			    (unsigned long long)a->pubs[i].info.bytes, a->pubs[i].info.sha256);
	/* then the run's parameters and counts, after one blank line */
	dp_buf_adds(&b, "\nparameter,value\n");
	dp_buf_addf(&b, "deptperf_version,%s\n", dp_version());
	char *rp = dp_path_join(a->o->work, "rules.csv");
	struct dp_buf e = DP_BUF_INIT;
	struct dp_input *in = dp_input_open(rp, DP_ENC_UTF8, &e);
	char hex[65] = "";
	if (in && dp_input_sha256(in, hex, &e))
		dp_buf_addf(&b, "rule_set_sha256,%s\n", hex);
	dp_input_close(in);
	dp_buf_free(&e);
	free(rp);
	dp_buf_addf(&b, "gzip_level,%d\n", a->o->gzip_level);
	char *pp = dp_path_join(a->o->work, "params.csv.gz"), *cp = dp_path_join(a->o->work, "counts.csv.gz");
	param_rows(&b, pp);
	param_rows(&b, cp);
	free(pp);
	free(cp);
	char *path = dp_path_join(a->o->out, "manifest.csv");
	bool ok = dp_write_file(path, b.s, b.len, true, a->err);
	free(path);
	dp_buf_free(&b);
	return ok;
}

/* ---- the stage ---- */

static void copy_work(struct agg *a, const char *name, bool optional)
{
	char *src = dp_path_join(a->o->work, name), *dst = dp_path_join(a->o->out, name);
	if (!optional || access(src, F_OK) == 0) {
		struct dp_buf e = DP_BUF_INIT;
		if (!dp_table_recompress(src, dst, a->o->gzip_level, pub_slot(a, name), &e))
			fail(a, &e);
	} else {
		unlink(dst);
	}
	free(src);
	free(dst);
}

/* Publishes work/name as the stage that wrote it left it (asis.h); false
 * when the table must be written here instead. */
static bool publish_asis(struct agg *a, const char *name)
{
	char *dst = dp_path_join(a->o->out, name);
	struct dp_table_info info;
	struct dp_buf e = DP_BUF_INIT;
	enum dp_asis_result r = dp_asis_publish(a->o->work, name, a->o->gzip_level, dst, &info, &e);
	free(dst);
	if (r == DP_ASIS_COPIED)
		*pub_slot(a, name) = info;
	else if (r == DP_ASIS_FAILED)
		fail(a, &e);
	dp_buf_free(&e);
	return r != DP_ASIS_NO;
}

/* The three tables are read at once, the largest first: the departments
 * from the cells file dp-validate wrote beside them when it is theirs
 * (memtab.h), else from the gzip table. */
static bool load_work(struct agg *a)
{
	static const char *names[] = { "departments.csv.gz", "totals.csv.gz", "special_funds.csv.gz" };
	struct dp_memtab *t[] = { &a->dep, &a->tot, &a->funds };
	bool ok[3];
#pragma omp parallel for schedule(dynamic, 1)
	for (int i = 0; i < 3; i++) {
		char *p = dp_path_join(a->o->work, names[i]);
		struct dp_buf e = DP_BUF_INIT;
		bool cells = false;
		if (i == 0) {
			char *pc = dp_path_join(a->o->work, "departments.cells");
			cells = dp_memtab_load_cells(t[i], pc, p);
			free(pc);
		}
		ok[i] = cells || dp_memtab_load(t[i], p, false, &e);
		if (!ok[i])
			fail(a, &e);
		dp_buf_free(&e);
		free(p);
	}
	return ok[0] && ok[1] && ok[2]; /* the caller frees the tables either way */
}

static void open_year_tables(struct agg *a, struct tables *t)
{
	t->rank = publish(a, "rankings.csv.gz");
	t->grades = publish(a, "summary_grades.csv.gz");
	t->inds = publish(a, "summary_indicators.csv.gz");
	t->sectors = publish(a, "summary_sectors.csv.gz");
	t->comp = publish(a, "comparisons.csv.gz");
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
	const char *cc[4 + 3 * NMETRICS + 1];
	struct dp_buf names = DP_BUF_INIT;
	size_t offs[3 * NMETRICS];
	for (size_t m = 0; m < NMETRICS; m++) {
		offs[3 * m] = names.len;
		dp_buf_addf(&names, "%s%c", metrics[m], '\0');
		offs[3 * m + 1] = names.len;
		dp_buf_addf(&names, "%s_sector_median%c", metrics[m], '\0');
		offs[3 * m + 2] = names.len;
		dp_buf_addf(&names, "%s_province_percentile%c", metrics[m], '\0');
	}
	cc[0] = "fiscal_year";
	cc[1] = "dept_code";
	cc[2] = "dept_name";
	cc[3] = "sector";
	for (size_t i = 0; i < 3 * NMETRICS; i++)
		cc[4 + i] = names.s + offs[i];
	cc[4 + 3 * NMETRICS] = NULL;
	dp_table_header(t->comp, cc);
	dp_buf_free(&names);
}

static void per_year(struct agg *a, struct tables *t)
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

int dp_aggregate_run(const struct dp_stage_opts *o, struct dp_stage_report *rep, struct dp_buf *err)
{
	if (!o->out) {
		dp_buf_adds(err, "--out is required");
		return DP_USAGE;
	}
	if (!dp_stage_ready(o, "totals.csv.gz", "dp-score", err))
		return DP_NOINPUT;
	struct agg a;
	memset(&a, 0, sizeof a);
	a.o = o;
	a.err = err;
	char *rp = dp_path_join(o->work, "rules.csv");
	a.rules = dp_rules_load(rp, err);
	free(rp);
	if (!a.rules) {
		dp_buf_adds(err, " (run dp-score on this work folder first)");
		return DP_IOERR;
	}
	a.nind = dp_rules_count(a.rules);
	a.root = dp_rules_root(a.rules);
	int rc = DP_OK;
	if (o->prev) {
		char *m = dp_path_join(o->prev, "manifest.csv");
		bool ok = access(m, R_OK) == 0;
		free(m);
		if (!ok) {
			dp_buf_addf(err, "--prev %s is not a deptperf run folder (it has no manifest.csv)", o->prev);
			dp_rules_free(a.rules);
			return DP_USAGE;
		}
	}
	if (!dp_mkdirs(o->out, err)) {
		dp_rules_free(a.rules);
		return DP_CANTCREATE;
	}
	if (!load_work(&a) || !join(&a)) {
		rc = DP_IOERR;
		goto out;
	}
	const size_t *order = a.dep_order;
	a.dep_rank = dp_xcalloc(a.dep.nrows + 1, sizeof *a.dep_rank);
	a.dep_year = dp_xcalloc(a.dep.nrows + 1, sizeof *a.dep_year);
	for (size_t i = 0, y = 0; i < a.dep.nrows; i++) {
		if (i && strcmp(a.dep_keys[i].k[0], a.dep_keys[i - 1].k[0]) != 0) /* the fiscal year */
			y++;
		a.dep_rank[order[i]] = i;
		a.dep_year[order[i]] = y;
	}
	struct tables t;
	memset(&t, 0, sizeof t);
	open_year_tables(&a, &t);
	bool year_tables = !a.failed;
	/* Every table below is written by one task, the largest started first;
	 * they only read what is loaded and joined above. */
#pragma omp parallel
#pragma omp single
	{
#pragma omp task
		write_memtab(&a, &a.dep, order, "departments.csv.gz");
#pragma omp task
		{
			size_t *forder = sorted_rows(&a.funds, 0, 1, 2);
			write_memtab(&a, &a.funds, forder, "special_funds.csv.gz");
			free(forder);
			dp_memtab_free(&a.funds); /* nothing reads it after the join */
			copy_work(&a, "inputs.csv.gz", false);
			copy_work(&a, "findings.csv.gz", false);
			if (!publish_asis(&a, "scores.csv.gz"))
				copy_work(&a, "scores.csv.gz", false);
			copy_work(&a, "missing.csv.gz", true);
			copy_work(&a, "adjustments.csv.gz", true);
		}
		if (year_tables)
			per_year(&a, &t);
	}
	if (year_tables) {
		commit(&a, t.rank, "rankings.csv.gz");
		commit(&a, t.grades, "summary_grades.csv.gz");
		commit(&a, t.inds, "summary_indicators.csv.gz");
		commit(&a, t.sectors, "summary_sectors.csv.gz");
		commit(&a, t.comp, "comparisons.csv.gz");
	} else {
		dp_table_abort(t.rank);
		dp_table_abort(t.grades);
		dp_table_abort(t.inds);
		dp_table_abort(t.sectors);
		dp_table_abort(t.comp);
	}
	/* after the year tables, not beside them: its rows (a few per
	 * department) and theirs would be in memory at once, and the two
	 * cores are busy anyway (reading them beside the year's tables was
	 * tried: no faster, 30 MB more) */
	discrepancies(&a);
	if (!a.failed) {
		struct dp_scentab_pub sp[DP_SCENTAB_TABLES];
		struct dp_buf e = DP_BUF_INIT;
		int ns = dp_scentab_publish(o->work, o->out, a.rules, o->gzip_level, sp, &e);
		for (int i = 0; i < ns; i++)
			*pub_slot(&a, sp[i].name) = sp[i].info;
		if (ns < 0)
			fail(&a, &e);
		dp_buf_free(&e);
	}
	if (!a.failed && o->prev && !yoy(&a))
		rc = DP_USAGE;
	if (rc == DP_OK && a.failed)
		rc = DP_CANTCREATE;
	if (a.more_failures)
		dp_buf_addf(err, " (and %zu more table%s not written)", a.more_failures, a.more_failures > 1 ? "s" : "");
	if (rc == DP_OK && !write_manifest(&a))
		rc = DP_CANTCREATE;
	if (rc == DP_OK) {
		dp_buf_addf(&rep->line, "%zu tables written to %s; %zu departments ranked", a.npubs + 1, o->out,
			    a.tot.nrows);
		/* the exit code reports what the run found, as dp-run's does */
		char *fp = dp_path_join(o->work, "findings.csv.gz"), *mp = dp_path_join(o->work, "missing.csv.gz");
		struct dp_memtab f, m;
		struct dp_buf e = DP_BUF_INIT;
		if (dp_memtab_load(&f, fp, true, &e)) {
			for (size_t i = 0; i < f.nrows; i++)
				if (strcmp(dp_memtab_cell(&f, i, 0), "error") == 0) {
					rc = DP_FINDINGS;
					break;
				}
			dp_memtab_free(&f);
		}
		if (dp_memtab_load(&m, mp, true, &e)) {
			if (m.nrows)
				rc = DP_FINDINGS;
			dp_memtab_free(&m);
		}
		dp_buf_free(&e);
		free(fp);
		free(mp);
	}
out:
	for (size_t i = 0; i < a.npubs; i++)
		free(a.pubs[i].name);
	free(a.dep_of_tot);
	free(a.rank_of_tot);
	free(a.dep_order);
	free(a.dep_keys);
	free(a.fund_alloc);
	free(a.fund_spent);
	dp_memtab_free(&a.dep);
	dp_memtab_free(&a.funds);
	dp_memtab_free(&a.tot);
	free(a.dep_rank);
	free(a.dep_year);
	dp_rules_free(a.rules);
	return rc;
}
