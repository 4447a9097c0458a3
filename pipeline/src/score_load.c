/* dp-score: a validated work folder loaded (score_stage.h): the accepted
 * submissions' numeric fields the rule set reads, their funds summed, the
 * findings so far. */
#include "score_stage.h"

/* The numeric fields the rule set reads (kept per submission), and every
 * field parsed from the departments' cells: those and the key.  The others (a
 * third of the row for Guangdong 2021) are not parsed at all. */
void score_need_fields(struct subs *s, const struct dp_dict *d, struct dp_scorer *const *scorers, size_t nscorers)
{
	size_t nf = dp_dict_count(d);
	bool *used = dp_xcalloc(nf + 1, sizeof *used);
	for (size_t k = 0; k < nscorers; k++)
		dp_scorer_fields(scorers[k], used); /* a scenario may read another threshold field */
	s->need = dp_xcalloc(nf, sizeof *s->need);
	s->want = dp_xcalloc(nf + 1, sizeof *s->want);
	for (size_t i = 0; i < nf; i++) {
		const struct dp_field *f = dp_dict_field(d, i);
		if (used[i] && f->group == DP_FG_DEPT && (f->kind == DP_FK_NUMBER || f->kind == DP_FK_INT)) {
			s->need[s->nneed++] = (int)i;
			s->want[i] = true;
		}
	}
	s->want[DP_F_FISCAL_YEAR] = s->want[DP_F_DEPT_CODE] = true;
	free(used);
}

static bool load_funds(const char *work, struct dp_keymap *m, struct dp_buf *err)
{
	char *p = dp_work_path(work, DP_WF_FUNDS);
	struct dp_rows *r = dp_rows_open(p, err);
	free(p);
	if (!r)
		return false;
	const struct dp_record *h = dp_rows_next(r, err), *rec;
	if (!h || h->n != 6) {
		dp_rows_close(r);
		dp_buf_adds(err, "special_funds.csv.gz: bad header");
		return false;
	}
	struct dp_buf key = DP_BUF_INIT;
	while ((rec = dp_rows_next(r, err))) {
		if (rec->n != 6)
			continue;
		dp_dec a, s, e;
		if (!dp_value_dec(rec->f[3], &a) || !dp_value_dec(rec->f[4], &s) || !dp_value_dec(rec->f[5], &e))
			continue; /* validate rejected such funds already */
		dp_key_make(&key, rec->f[0], dp_text_unguard(rec->f[1]));
		dp_fund_sums_add(dp_keymap_put(m, key.s, NULL), a, s, e);
	}
	dp_buf_free(&key);
	bool ok = !dp_rows_failed(r);
	dp_rows_close(r);
	return ok;
}

/* Room for cap submissions. */
static void subs_reserve(struct subs *s, size_t cap)
{
	if (cap > s->cap) {
		s->cap = cap;
		s->val = dp_xrealloc(s->val, dp_st_mult(dp_st_mult(s->cap, s->nneed), sizeof *s->val));
		s->has = dp_xrealloc(s->has, dp_st_mult(s->cap, s->nneed));
		s->fy = dp_xrealloc(s->fy, dp_st_mult(s->cap, sizeof *s->fy));
		s->code = dp_xrealloc(s->code, dp_st_mult(s->cap, sizeof *s->code));
		s->funds = dp_xrealloc(s->funds, dp_st_mult(s->cap, sizeof *s->funds));
	}
}

/* Appends the submission of the row just loaded into row. */
static void add_sub(struct subs *s, const struct dp_deptrow *row)
{
	if (s->n >= s->cap)
		subs_reserve(s, s->cap ? dp_st_mult(s->cap, 2) : 1024);
	size_t i = s->n++;
	for (size_t k = 0; k < s->nneed; k++) {
		s->val[i * s->nneed + k] = row->val[s->need[k]];
		s->has[i * s->nneed + k] = row->has[s->need[k]];
	}
	s->fy[i] = s->names.len;
	dp_buf_add(&s->names, row->text[DP_F_FISCAL_YEAR], strlen(row->text[DP_F_FISCAL_YEAR]) + 1);
	s->code[i] = s->names.len;
	dp_buf_add(&s->names, row->text[DP_F_DEPT_CODE], strlen(row->text[DP_F_DEPT_CODE]) + 1);
}

/* The submissions from departments.cells, the accepted departments
 * dp-validate wrote (memtab.h). */
static bool load_subs(const char *work, const struct dp_dict *d, struct subs *s, struct dp_buf *err)
{
	struct dp_memtab t;
	char *pc = dp_work_path(work, DP_WF_DEPARTMENTS);
	bool ok = dp_memtab_load_cells(&t, pc, err);
	free(pc);
	if (!ok)
		return false;
	struct dp_record h = { .n = t.ncols, .f = (const char **)t.cols };
	struct dp_deptrow row;
	ok = dp_deptrow_init(&row, d, &h, err);
	if (ok) {
		dp_deptrow_only(&row, s->want);
		subs_reserve(s, t.nrows);
		const char **cells = dp_xcalloc(t.ncols + 1, sizeof *cells);
		for (size_t r = 0; r < t.nrows; r++) {
			dp_memtab_split(&t, r, cells);
			dp_deptrow_load_cells(&row, cells, NULL, t.ncols);
			add_sub(s, &row);
			if (r % 65536 == 65535)
				dp_memtab_release_before(&t, r + 1);
		}
		free(cells);
	}
	dp_deptrow_free(&row);
	dp_memtab_free(&t);
	return ok;
}

/* Each submission's fund sums, once both tables are loaded. */
static void link_funds(struct subs *s, const struct dp_keymap *funds)
{
	struct dp_buf key = DP_BUF_INIT;
	for (size_t i = 0; i < s->n; i++) {
		dp_key_make(&key, s->names.s + s->fy[i], s->names.s + s->code[i]);
		s->funds[i] = dp_keymap_get(funds, key.s);
	}
	dp_buf_free(&key);
}

/* The findings so far, the funds and the submissions, read at once (each
 * reader also decodes ahead on a thread of its own, csvfile.h).  On a
 * failure err gets the first one's reason, in that order. */
bool score_load_all(const struct dp_stage_opts *o, const struct dp_dict *dict, struct dp_findings *fs,
		     struct dp_keymap *funds, struct subs *s, struct dp_buf *err)
{
	char *p_fi = dp_work_path(o->work, DP_WF_FINDINGS);
	struct dp_buf e[3] = { DP_BUF_INIT, DP_BUF_INIT, DP_BUF_INIT };
	bool ok[3];
#pragma omp parallel for schedule(dynamic, 1)
	for (int k = 0; k < 3; k++)
		ok[k] = k == 0 ? load_subs(o->work, dict, s, &e[0]) : k == 1 ? load_funds(o->work, funds, &e[1]) :
			dp_findings_load(fs, p_fi, &e[2]);
	free(p_fi);
	bool all = true;
	for (int k = 2; k >= 0; k--) {
		if (!ok[k] && all)
			dp_buf_add(err, e[k].s ? e[k].s : "", e[k].len);
		all = all && ok[k];
		dp_buf_free(&e[k]);
	}
	if (all)
		link_funds(s, funds);
	return all;
}

int score_order_cmp(const void *a, const void *b, void *ctx)
{
	const struct subs *s = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const char *n = s->names.s;
	int c = strcmp(n + s->fy[x], n + s->fy[y]);
	if (!c)
		c = strcmp(n + s->code[x], n + s->code[y]);
	return c ? c : (x > y) - (x < y);
}

