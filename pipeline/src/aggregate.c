/* dp-aggregate: the published tables of SPEC §6, from a scored work folder.
 *
 * Everything here is read into memory (dp_memtab) and sorted with explicit
 * tie-breaks.  The tables are then written as OpenMP tasks, each table by
 * one task from data that no task changes, so they are byte-identical
 * whatever the thread count.  Memory is proportional to the number of
 * accepted submissions; scores.csv.gz, the largest table, is streamed (it
 * is already in its published order).  This file holds the stage, the
 * loading and joining and the manifest; the year tables are agg_year.c's,
 * the discrepancies and year over year agg_diff.c's, the scenario tables
 * scentab.c's (agg.h: what they share, and the checklist for a table). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agg.h"
#include "deptperf/asis.h"
#include "deptperf/headers.h"
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

/* Records a failure from any task: the first one's message (e, a task's
 * own buffer, freed) is the stage's; the others are counted (a full disk
 * refuses every table: one line says so, not one per table). */
void agg_fail(struct agg *a, struct dp_buf *e)
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

struct dp_table *agg_publish(struct agg *a, const char *name)
{
	char *p = dp_path_join(a->o->out, name);
	struct dp_buf e = DP_BUF_INIT;
	struct dp_table *t = dp_table_create(p, a->o->gzip_level, &e);
	free(p);
	if (!t)
		agg_fail(a, &e);
	else
		dp_table_durable(t);
	return t;
}

struct dp_table_info *agg_pub_slot(struct agg *a, const char *name)
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

void agg_commit(struct agg *a, struct dp_table *t, const char *name)
{
	if (!t)
		return;
	struct dp_buf e = DP_BUF_INIT;
	if (!dp_table_commit(t, agg_pub_slot(a, name), &e))
		agg_fail(a, &e);
}

void agg_put2(struct dp_table *t, dp_dec v)
{
	dp_table_dec(t, v, 2, 2);
}

void agg_put_rat2(struct dp_table *t, dp_i128 num, dp_i128 den)
{
	dp_dec v = 0;
	struct dp_rat r = { num, den };
	if (den > 0 && dp_rat_round_cent(r, &v))
		agg_put2(t, v);
	else
		dp_table_empty(t);
}

/* ---- sorting with explicit tie-breaks ---- */



int agg_rowkey_cmp(const void *x, const void *y)
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
struct rowkey *agg_sorted_keys(const struct dp_memtab *t, int c0, int c1, int c2)
{
	struct rowkey *k = dp_xcalloc(t->nrows + 1, sizeof *k);
	const int c[3] = { c0, c1, c2 };
	bool sorted = true;
	for (size_t i = 0; i < t->nrows; i++) {
		k[i] = row_key(t, i, c);
		if (i && sorted && agg_rowkey_cmp(&k[i - 1], &k[i]) > 0)
			sorted = false;
	}
	if (!sorted)
		dp_qsort(k, t->nrows, sizeof *k, agg_rowkey_cmp);
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
		ok = i == 0 || agg_rowkey_cmp(&prev, &k) < 0;
		prev = k;
	}
	return ok;
}

size_t *agg_sorted_rows(const struct dp_memtab *t, int c0, int c1, int c2)
{
	size_t *idx = dp_xcalloc(t->nrows + 1, sizeof *idx);
	if (in_order(t, c0, c1, c2)) {
		for (size_t i = 0; i < t->nrows; i++)
			idx[i] = i;
		return idx;
	}
	struct rowkey *k = agg_sorted_keys(t, c0, c1, c2);
	for (size_t i = 0; i < t->nrows; i++)
		idx[i] = k[i].row;
	free(k);
	return idx;
}

void agg_write_memtab(struct agg *a, const struct dp_memtab *t, const size_t *order, const char *name)
{
	struct dp_table *w = agg_publish(a, name);
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
	agg_commit(a, w, name);
}

bool agg_dec_of(const struct dp_memtab *t, size_t row, int col, dp_dec *v)
{
	return col >= 0 && dp_value_dec(dp_memtab_cell(t, row, (size_t)col), v);
}

void agg_put_mean(struct dp_table *t, const dp_dec *v, size_t n)
{
	dp_i128 s = 0;
	for (size_t i = 0; i < n; i++)
		s += v[i];
	agg_put_rat2(t, s, (dp_i128)n * DP_DEC_ONE);
}

/* ---- the department join ---- */

const char *agg_dep(const struct agg *a, size_t tot_row, int field)
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

/* out[i]: the text of row rows[i] of t (its first cell), NULL for SIZE_MAX. */
void agg_locate(const struct dp_memtab *t, const size_t *rows, size_t m, const char **out)
{
	for (size_t i = 0; i < m; i++)
		out[i] = rows[i] == SIZE_MAX ? NULL : dp_memtab_raw(t, rows[i], 0);
}

void agg_fetch_ahead(const char *const *text, size_t i, size_t m)
{
	if (i + AHEAD < m && text[i + AHEAD])
		__builtin_prefetch(text[i + AHEAD]);
}

/* The departments row of (fiscal_year, dept_code), or SIZE_MAX.  *hint is
 * the position of the last match: inputs sorted like dep_order (totals,
 * deltas) are found in one step, others by binary search.  No hash map: at
 * 1 000 000 departments one would cost a hundred megabytes. */
size_t agg_find_dep(const struct agg *a, const char *fy, const char *code, size_t *hint)
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

bool agg_join(struct agg *a)
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
	a->dep_keys = agg_sorted_keys(&a->dep, a->dep_col[DP_F_FISCAL_YEAR], a->dep_col[DP_F_DEPT_CODE], -1);
	a->dep_order = dp_xcalloc(a->dep.nrows + 1, sizeof *a->dep_order);
	for (size_t i = 0; i < a->dep.nrows; i++)
		a->dep_order[i] = a->dep_keys[i].row;
	a->dep_of_tot = dp_xcalloc(a->tot.nrows + 1, sizeof *a->dep_of_tot);
	size_t hint = 0;
	for (size_t i = 0; i < a->tot.nrows; i++)
		a->dep_of_tot[i] = agg_find_dep(a, dp_memtab_cell(&a->tot, i, 0), dp_memtab_cell(&a->tot, i, 1), &hint);
	/* the funds of each department, for the sector totals */
	a->fund_alloc = dp_xcalloc(a->dep.nrows + 1, sizeof *a->fund_alloc);
	a->fund_spent = dp_xcalloc(a->dep.nrows + 1, sizeof *a->fund_spent);
	hint = 0;
	for (size_t i = 0; i < a->funds.nrows; i++) {
		size_t r = agg_find_dep(a, dp_memtab_cell(&a->funds, i, 0), dp_memtab_cell(&a->funds, i, 1), &hint);
		dp_dec al, sp;
		if (r == SIZE_MAX)
			continue;
		if (agg_dec_of(&a->funds, i, 3, &al))
			a->fund_alloc[r] += al;
		if (agg_dec_of(&a->funds, i, 4, &sp))
			a->fund_spent[r] += sp;
	}
	return true;
}

/* ---- manifest ---- */

static int pub_cmp(const void *p, const void *q)
{
	return strcmp(((const struct pub *)p)->name, ((const struct pub *)q)->name);
}

/* The key,value rows of t (counts, params) as CSV lines. */
static void param_rows(struct dp_buf *b, const struct dp_memtab *t)
{
	for (size_t i = 0; t->ncols >= 2 && i < t->nrows; i++) {
		dp_csv_put(b, dp_memtab_raw(t, i, 0), strlen(dp_memtab_raw(t, i, 0)), false);
		dp_buf_addc(b, ',');
		dp_csv_put(b, dp_memtab_raw(t, i, 1), strlen(dp_memtab_raw(t, i, 1)), true);
		dp_buf_addc(b, '\n');
	}
}

uint64_t agg_count(const struct agg *a, const char *name)
{
	for (size_t i = 0; a->counts.ncols >= 2 && i < a->counts.nrows; i++)
		if (strcmp(dp_memtab_cell(&a->counts, i, 0), name) == 0)
			return strtoull(dp_memtab_cell(&a->counts, i, 1), NULL, 10);
	return 0;
}

/* counts.csv.gz and params.csv.gz (optional: a stage run by hand has no
 * parameters), read once for the manifest, report.xlsx and report.html. */
static void load_key_values(struct agg *a)
{
	static const enum dp_work_file files[] = { DP_WF_COUNTS, DP_WF_PARAMS };
	struct dp_memtab *t[] = { &a->counts, &a->params };
	for (int i = 0; i < 2; i++) {
		char *p = dp_work_path(a->o->work, files[i]);
		struct dp_buf e = DP_BUF_INIT;
		if (!dp_memtab_load(t[i], p, true, &e))
			memset(t[i], 0, sizeof *t[i]); /* (unreadable: as missing; the stages before read it) */
		dp_buf_free(&e);
		free(p);
	}
}

static bool write_manifest(struct agg *a)
{
	/* the tables and the people's files, feedback/ included, by name */
	size_t n = a->npubs + a->npages;
	struct pub *all = dp_xcalloc(n + 1, sizeof *all);
	memcpy(all, a->pubs, a->npubs * sizeof *all);
	if (a->npages)
		memcpy(all + a->npubs, a->pages, a->npages * sizeof *all);
	dp_qsort(all, n, sizeof *all, pub_cmp);
	struct dp_buf b = DP_BUF_INIT;
	dp_buf_adds(&b, "file,rows,bytes,sha256\n");
	for (size_t i = 0; i < n; i++)
		dp_buf_addf(&b, "%s,%llu,%llu,%s\n", all[i].name, (unsigned long long)all[i].info.rows,
			    (unsigned long long)all[i].info.bytes, all[i].info.sha256);
	free(all);
	/* then the run's parameters and counts, after one blank line */
	dp_buf_adds(&b, "\nparameter,value\n");
	dp_buf_addf(&b, "deptperf_version,%s\n", dp_version());
	char *rp = dp_work_path(a->o->work, DP_WF_RULES);
	struct dp_buf e = DP_BUF_INIT;
	struct dp_input *in = dp_input_open(rp, DP_ENC_UTF8, &e);
	char hex[65] = "";
	if (in && dp_input_sha256(in, hex, &e))
		dp_buf_addf(&b, "rule_set_sha256,%s\n", hex);
	dp_input_close(in);
	dp_buf_free(&e);
	free(rp);
	dp_buf_addf(&b, "gzip_level,%d\n", a->o->gzip_level);
	param_rows(&b, &a->params);
	param_rows(&b, &a->counts);
	char *path = dp_path_join(a->o->out, "manifest.csv");
	bool ok = dp_write_file(path, b.s, b.len, true, a->err);
	free(path);
	dp_buf_free(&b);
	return ok;
}

/* ---- --csv-bom, --headers zh ---- */

struct zh_ctx {
	const char *table;
	const struct dp_dict *dict;
	const struct dp_rules *rules;
};

static void zh_header(const char *col, struct dp_buf *out, void *ctx)
{
	const struct zh_ctx *z = ctx;
	dp_header_zh(z->table, col, z->dict, z->rules, out);
}

/* Every table published, copied again with a BOM and Chinese headers as
 * asked: the rows as they were, the manifest's sizes and hashes the new
 * files' (written after this). */
static void excel_safe(struct agg *a)
{
	struct dp_dict *d = dp_dict_new(a->rules);
	struct zh_ctx z = { NULL, d, a->rules };
	struct dp_table_rewrite rw = { a->o->csv_bom, a->o->headers_zh ? zh_header : NULL, &z };
#pragma omp parallel for schedule(dynamic, 1)
	for (size_t i = 0; i < a->npubs; i++) {
		size_t len = strlen(a->pubs[i].name);
		if (len < 7 || strcmp(a->pubs[i].name + len - 7, ".csv.gz") != 0)
			continue; /* report.xlsx */
		struct zh_ctx zi = z;
		struct dp_table_rewrite rwi = rw;
		zi.table = a->pubs[i].name;
		rwi.ctx = &zi;
		char *p = dp_path_join(a->o->out, a->pubs[i].name);
		struct dp_buf e = DP_BUF_INIT;
		if (!dp_table_recompress_as(p, p, a->o->gzip_level, &rwi, &a->pubs[i].info, &e))
			agg_fail(a, &e);
		dp_buf_free(&e);
		free(p);
	}
	dp_dict_free(d);
}

/* ---- the stage ---- */

static void copy_work(struct agg *a, enum dp_work_file f, bool optional)
{
	const char *name = dp_work_name(f); /* (published under its work name) */
	char *src = dp_work_path(a->o->work, f), *dst = dp_path_join(a->o->out, name);
	if (!optional || access(src, F_OK) == 0) {
		struct dp_buf e = DP_BUF_INIT;
		if (!dp_table_recompress(src, dst, a->o->gzip_level, agg_pub_slot(a, name), &e))
			agg_fail(a, &e);
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
		*agg_pub_slot(a, name) = info;
	else if (r == DP_ASIS_FAILED)
		agg_fail(a, &e);
	dp_buf_free(&e);
	return r != DP_ASIS_NO;
}

/* The three tables are read at once, the largest first: the departments
 * from the cells file dp-validate wrote (memtab.h), the others from their
 * gzip tables. */
static bool load_work(struct agg *a)
{
	static const enum dp_work_file names[] = { DP_WF_DEPARTMENTS, DP_WF_TOTALS, DP_WF_FUNDS };
	struct dp_memtab *t[] = { &a->dep, &a->tot, &a->funds };
	bool ok[3];
#pragma omp parallel for schedule(dynamic, 1)
	for (int i = 0; i < 3; i++) {
		char *p = dp_work_path(a->o->work, names[i]);
		struct dp_buf e = DP_BUF_INIT;
		ok[i] = i == 0 ? dp_memtab_load_cells(t[i], p, &e) : dp_memtab_load(t[i], p, false, &e);
		if (!ok[i])
			agg_fail(a, &e);
		dp_buf_free(&e);
		free(p);
	}
	return ok[0] && ok[1] && ok[2]; /* the caller frees the tables either way */
}

int dp_aggregate_run(const struct dp_stage_opts *o, struct dp_stage_report *rep, struct dp_buf *err)
{
	if (!o->out) {
		dp_buf_adds(err, "--out is required");
		return DP_USAGE;
	}
	if (!dp_work_ready(o->work, DP_WF_TOTALS, err))
		return DP_NOINPUT;
	struct agg a;
	memset(&a, 0, sizeof a);
	a.o = o;
	a.err = err;
	char *rp = dp_work_path(o->work, DP_WF_RULES);
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
	load_key_values(&a);
	if (!load_work(&a) || !agg_join(&a)) {
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
	agg_open_year_tables(&a, &t);
	bool year_tables = !a.failed;
	/* Every table below is written by one task, the largest started first;
	 * they only read what is loaded and joined above. */
#pragma omp parallel
#pragma omp single
	{
#pragma omp task
		agg_write_memtab(&a, &a.dep, order, "departments.csv.gz");
#pragma omp task
		{
			size_t *forder = agg_sorted_rows(&a.funds, 0, 1, 2);
			agg_write_memtab(&a, &a.funds, forder, "special_funds.csv.gz");
			free(forder);
			dp_memtab_free(&a.funds); /* nothing reads it after the join */
			copy_work(&a, DP_WF_INPUTS, false);
			copy_work(&a, DP_WF_FINDINGS, false);
			if (!publish_asis(&a, dp_work_name(DP_WF_SCORES)))
				copy_work(&a, DP_WF_SCORES, false);
			copy_work(&a, DP_WF_MISSING, true);
			copy_work(&a, DP_WF_ADJUSTMENTS, true);
		}
		if (year_tables)
			agg_per_year(&a, &t);
	}
	if (year_tables) {
		agg_commit(&a, t.rank, "rankings.csv.gz");
		agg_commit(&a, t.grades, "summary_grades.csv.gz");
		agg_commit(&a, t.inds, "summary_indicators.csv.gz");
		agg_commit(&a, t.sectors, "summary_sectors.csv.gz");
		agg_commit(&a, t.comp, "comparisons.csv.gz");
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
	agg_discrepancies(&a);
	if (!a.failed) {
		struct dp_scentab_pub sp[DP_SCENTAB_TABLES];
		struct dp_buf e = DP_BUF_INIT;
		int ns = dp_scentab_publish(o->work, o->out, a.rules, o->gzip_level, sp, &e);
		for (int i = 0; i < ns; i++)
			*agg_pub_slot(&a, sp[i].name) = sp[i].info;
		if (ns < 0)
			agg_fail(&a, &e);
		dp_buf_free(&e);
	}
	if (!a.failed && o->prev && !agg_yoy(&a))
		rc = DP_USAGE;
	if (rc == DP_OK && !a.failed)
		agg_report_xlsx(&a);
	if (rc == DP_OK && !a.failed)
		agg_feedback(&a);
	if (rc == DP_OK && !a.failed)
		agg_report_html(&a); /* after feedback/: it says whether the packs were made */
	if (rc == DP_OK && !a.failed && (o->csv_bom || o->headers_zh))
		excel_safe(&a);
	if (rc == DP_OK && a.failed)
		rc = DP_CANTCREATE;
	if (a.more_failures)
		dp_buf_addf(err, " (and %zu more table%s not written)", a.more_failures, a.more_failures > 1 ? "s" : "");
	if (rc == DP_OK && !write_manifest(&a))
		rc = DP_CANTCREATE;
	if (rc == DP_OK) {
		dp_buf_addf(&rep->line, "%zu tables written to %s; %zu departments ranked", a.npubs + 1, o->out,
			    a.tot.nrows);
		if (a.report_cut || a.feedback_skipped) /* one condition, the run's size */
			dp_buf_addf(&rep->line, "; more than %d departments: report.xlsx's long sheets cut, feedback/ left out"
						" (--report writes them whole)", DP_REPORT_MAX_DEPARTMENTS);
		/* the exit code reports what the run found, as dp-run's does */
		char *fp = dp_work_path(o->work, DP_WF_FINDINGS), *mp = dp_work_path(o->work, DP_WF_MISSING);
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
	for (size_t i = 0; i < a.npages; i++)
		free(a.pages[i].name);
	free(a.pages);
	free(a.dep_of_tot);
	free(a.rank_of_tot);
	free(a.dep_order);
	free(a.dep_keys);
	free(a.fund_alloc);
	free(a.fund_spent);
	dp_memtab_free(&a.dep);
	dp_memtab_free(&a.funds);
	dp_memtab_free(&a.tot);
	dp_memtab_free(&a.counts);
	dp_memtab_free(&a.params);
	free(a.dep_rank);
	free(a.dep_year);
	dp_rules_free(a.rules);
	return rc;
}
