/* dp-score: recompute every accepted submission's scores (SPEC §5) in
 * parallel and write scores.csv.gz.
 *
 * The submissions are loaded compactly (only the fields the rule set reads),
 * ordered by (fiscal_year, dept_code), and scored block by block: each
 * submission is a pure function of its const inputs and the const rules
 * into its own pre-allocated slot, so threads share nothing and the output
 * is the same for every thread count.  Blocks are written in order after
 * each parallel loop. */
#include "score_stage.h"

#define BLOCK 8192
#define PART 256 /* submissions formatted by one thread at a time */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}


/* Results of one block, slot by slot. */
struct block {
	size_t cap, nind;
	dp_dec *score, *self, *adj;
	bool *app, *has_self;
	struct dp_score_result *res;
	size_t nscen;
	dp_dec *stotal;          /* cap × nscen: each scenario's total */
	bool *shas;              /* cap × nscen: it has one */
};

static void block_init(struct block *b, size_t cap, size_t nind, size_t nscen)
{
	b->cap = cap;
	b->nind = nind;
	b->nscen = nscen;
	b->stotal = dp_xcalloc(cap * nscen + 1, sizeof *b->stotal);
	b->shas = dp_xcalloc(cap * nscen + 1, sizeof *b->shas);
	b->score = dp_xcalloc(cap * nind, sizeof *b->score);
	b->self = dp_xcalloc(cap * nind, sizeof *b->self);
	b->adj = dp_xcalloc(cap * nind, sizeof *b->adj);
	b->app = dp_xcalloc(cap * nind, sizeof *b->app);
	b->has_self = dp_xcalloc(cap * nind, sizeof *b->has_self);
	b->res = dp_xcalloc(cap, sizeof *b->res);
	for (size_t i = 0; i < cap; i++) {
		b->res[i].score = b->score + i * nind;
		b->res[i].self = b->self + i * nind;
		b->res[i].adjustment = b->adj + i * nind;
		b->res[i].applicable = b->app + i * nind;
		b->res[i].has_self = b->has_self + i * nind;
	}
}

static void block_free(struct block *b)
{
	free(b->score);
	free(b->self);
	free(b->adj);
	free(b->app);
	free(b->has_self);
	free(b->res);
	free(b->stotal);
	free(b->shas);
}

struct sctx {
	const struct dp_dict *dict;
	const struct dp_rules *rules;
	const struct dp_scorer *scorer;
	struct subs *s;
	struct dp_adjustments *adj;
	struct dp_findings *fs;
	struct dp_table *scores, *totals, *deltas, *adjout;
	const struct dp_scenarios *scen;  /* --scenarios, or NULL */
	struct dp_scorer **scorers;       /* the base's, then one per scenario */
	struct dp_table *scen_totals;     /* scenario_totals.csv.gz, with scen */
	struct dp_buf *ind_fields;  /* per indicator: "indicator,parent,max" of its scores rows */
	struct dp_progress prog;    /* submissions scored, for a terminal */
	double score_secs;
	uint64_t scored, unscored;
};

static void put_score(struct dp_table *t, dp_dec v)
{
	dp_table_dec(t, v, 2, 2);
}

/* The finding and the count of one scored submission (in order, one thread). */
static void count_one(struct sctx *c, size_t i, const struct dp_score_result *r)
{
	const char *n = c->s->names.s;
	if (r->overflow) {
		/* (on the department's row of the published table: its code and
		 * year say which; no line, as the table is sorted there) */
		dp_findings_add(c->fs, DP_E_RANGE, "departments.csv.gz", 0, n + c->s->code[i],
				n + c->s->fy[i], NULL, NULL, "数值过大，无法精确计分：请核对金额单位（万元）");
		c->unscored++;
	} else {
		c->scored++;
	}
}

/* The rows of one scored submission in the three tables given (memory
 * tables of one part of a block: parts are formatted in parallel). */
static void format_one(const struct sctx *c, size_t i, const struct dp_score_result *r, struct dp_table *scores,
		       struct dp_table *totals, struct dp_table *deltas, struct dp_buf *head)
{
	const char *n = c->s->names.s;
	const char *fy = n + c->s->fy[i], *code = n + c->s->code[i];
	size_t nind = dp_rules_count(c->rules);
	/* the first columns of its rows, quoted once */
	dp_buf_reset(head);
	dp_csv_put(head, code, strlen(code), true);
	dp_buf_addc(head, ',');
	dp_csv_put(head, fy, strlen(fy), false);
	for (size_t k = 0; k < nind; k++) {
		struct dp_table *t = scores;
		bool app = r->applicable[k] && !r->overflow;
		dp_table_fields(t, head->s, head->len);
		dp_table_fields(t, c->ind_fields[k].s, c->ind_fields[k].len);
		if (app)
			put_score(t, r->score[k]);
		else
			dp_table_empty(t);
		if (r->has_self[k])
			put_score(t, r->self[k]);
		else
			dp_table_empty(t);
		if (r->has_self[k] && app)
			put_score(t, dp_dec_round_cent(r->self[k] - r->score[k]));
		else
			dp_table_empty(t);
		if (r->adjustment[k])
			put_score(t, r->adjustment[k]);
		else
			dp_table_empty(t);
		dp_table_puts(t, app ? "1" : "0", false);
		dp_table_end_row(t);
	}
	/* totals.csv.gz: one row per submission for dp-aggregate */
	int root = dp_rules_root(c->rules);
	bool tot = r->has_total && !r->overflow;
	struct dp_table *t = totals;
	dp_table_puts(t, fy, false);
	dp_table_puts(t, code, true);
	if (tot)
		put_score(t, r->total);
	else
		dp_table_empty(t);
	dp_table_puts(t, tot ? r->grade : "", false);
	if (r->has_self[root])
		put_score(t, r->self[root]);
	else
		dp_table_empty(t);
	if (r->has_self[root] && tot)
		put_score(t, dp_dec_round_cent(r->self[root] - r->total));
	else
		dp_table_empty(t);
	for (size_t k = 0; k < nind; k++) {
		if ((int)k == root)
			continue;
		if (r->applicable[k] && !r->overflow)
			put_score(t, r->score[k]);
		else
			dp_table_empty(t);
	}
	dp_table_end_row(t);
	/* deltas.csv.gz: the indicators whose self-score differs by 0.01 or more */
	for (size_t k = 0; k < nind; k++) {
		if (!r->has_self[k] || !r->applicable[k] || r->overflow)
			continue;
		dp_dec d = dp_dec_round_cent(r->self[k] - r->score[k]);
		if (d < DP_CENT && d > -DP_CENT)
			continue;
		dp_table_puts(deltas, fy, false);
		dp_table_puts(deltas, code, true);
		dp_table_puts(deltas, dp_rules_get(c->rules, k)->code, false);
		put_score(deltas, r->self[k]);
		put_score(deltas, r->score[k]);
		put_score(deltas, d);
		dp_table_end_row(deltas);
	}
}

/* scenario_totals.csv.gz: the submission's base total and grade, then each
 * scenario's (slot j of b). */
static void format_scenarios(const struct sctx *c, size_t i, const struct dp_score_result *r, const struct block *b,
			     size_t j, struct dp_table *t)
{
	const char *n = c->s->names.s;
	bool tot = r->has_total && !r->overflow;
	dp_table_puts(t, n + c->s->fy[i], false);
	dp_table_puts(t, n + c->s->code[i], true);
	if (tot)
		put_score(t, r->total);
	else
		dp_table_empty(t);
	dp_table_puts(t, tot ? r->grade : "", false);
	for (size_t k = 0; k < b->nscen; k++) {
		size_t at = j * b->nscen + k;
		if (b->shas[at]) {
			put_score(t, b->stotal[at]);
			dp_table_puts(t, dp_rules_grade_of(c->scen->v[k].rules, b->stotal[at]), false);
		} else {
			dp_table_empty(t);
			dp_table_empty(t);
		}
	}
	dp_table_end_row(t);
}

/* Deductions of one submission into ded[] (per indicator); records each
 * use, and what could not be applied, once. */
static void deductions(struct sctx *c, size_t i, dp_dec *ded, bool *any)
{
	size_t nind = dp_rules_count(c->rules);
	memset(ded, 0, nind * sizeof *ded);
	*any = false;
	if (!c->adj)
		return;
	size_t cnt;
	const char *n = c->s->names.s;
	struct dp_adjustment *a = dp_adjust_find(c->adj, n + c->s->fy[i], n + c->s->code[i], &cnt);
	for (size_t k = 0; a && k < cnt; k++) {
		a[k].used = 1;
		if (a[k].ind < 0 || dp_rules_get(c->rules, (size_t)a[k].ind)->method == DP_M_SUM)
			continue;
		ded[a[k].ind] += a[k].deduction;
		*any = true;
	}
}

/* The scoring itself: submissions order[0..m) into b's slots, in parallel
 * (ded: their deductions, NULL for none). */
static void score_block(const struct sctx *c, const size_t *order, size_t m, const dp_dec *ded,
			const bool *has_ded, struct block *b)
{
	const struct subs *s = c->s;
	size_t nind = dp_rules_count(c->rules);
	size_t nf = dp_dict_count(c->dict);
#pragma omp parallel
	{
		dp_dec *val = dp_xcalloc(nf, sizeof *val);
		bool *has = dp_xcalloc(nf, sizeof *has);
		struct dp_score_result alt; /* a scenario's result, only its total kept */
		if (b->nscen)
			dp_score_result_init(&alt, c->scorer);
#pragma omp for schedule(static)
		for (size_t j = 0; j < m; j++) {
			size_t i = order[j];
			for (size_t k = 0; k < s->nneed; k++) {
				val[s->need[k]] = s->val[i * s->nneed + k];
				has[s->need[k]] = s->has[i * s->nneed + k];
			}
			struct dp_subject subj = { val, has, false, { 0, 1 }, { 0, 1 },
						   ded && has_ded[j] ? ded + j * nind : NULL };
			bool *shas = b->shas + j * b->nscen;
			dp_dec *stotal = b->stotal + j * b->nscen;
			memset(shas, 0, b->nscen * sizeof *shas);
			if (s->funds[i] && !dp_subject_set_funds(&subj, s->funds[i])) {
				b->res[j].overflow = true;
				continue;
			}
			dp_score(c->scorer, &subj, &b->res[j]);
			/* each scenario on the same subject: the inputs are read once */
			for (size_t k = 0; k < b->nscen; k++) {
				dp_score_variant(c->scorers[k + 1], &subj, &b->res[j], &alt);
				shas[k] = alt.has_total && !alt.overflow;
				stotal[k] = alt.total;
			}
		}
		if (b->nscen)
			dp_score_result_free(&alt);
		free(val);
		free(has);
	}
}

static void score_all(struct sctx *c, const size_t *order)
{
	struct subs *s = c->s;
	size_t nind = dp_rules_count(c->rules);
	struct block b;
	block_init(&b, BLOCK, nind, c->scen ? c->scen->n : 0);
	dp_dec *ded_all = dp_xcalloc(BLOCK * nind, sizeof *ded_all);
	bool *has_ded = dp_xcalloc(BLOCK, sizeof *has_ded);
	struct dp_table *part[BLOCK / PART][4];
	for (size_t p = 0; p < BLOCK / PART; p++)
		for (int k = 0; k < 4; k++)
			part[p][k] = dp_table_mem();
	/* each indicator's indicator, parent and max, the same on every row */
	c->ind_fields = dp_xcalloc(nind + 1, sizeof *c->ind_fields);
	for (size_t k = 0; k < nind; k++) {
		const struct dp_indicator *ind = dp_rules_get(c->rules, k);
		const char *parent = ind->parent >= 0 ? dp_rules_get(c->rules, (size_t)ind->parent)->code : "";
		struct dp_buf *f = &c->ind_fields[k];
		dp_csv_put(f, ind->code, strlen(ind->code), false);
		dp_buf_addc(f, ',');
		dp_csv_put(f, parent, strlen(parent), false);
		dp_buf_addc(f, ',');
		dp_dec_format(f, ind->max, 2, 2);
	}
	for (size_t start = 0; start < s->n; start += BLOCK) {
		size_t m = s->n - start < BLOCK ? s->n - start : BLOCK;
		for (size_t j = 0; j < m; j++)
			deductions(c, order[start + j], ded_all + j * nind, &has_ded[j]);
		double t0 = now();
		score_block(c, order + start, m, ded_all, has_ded, &b);
		c->score_secs += now() - t0;
		/* rows formatted in parallel, a fixed part of the block each, then
		 * appended in order: the same bytes for any thread count */
		size_t nparts = (m + PART - 1) / PART;
#pragma omp parallel for schedule(dynamic)
		for (size_t p = 0; p < nparts; p++) {
			struct dp_buf head = DP_BUF_INIT;
			for (size_t j = p * PART; j < m && j < (p + 1) * PART; j++) {
				format_one(c, order[start + j], &b.res[j], part[p][0], part[p][1], part[p][2], &head);
				if (c->scen_totals)
					format_scenarios(c, order[start + j], &b.res[j], &b, j, part[p][3]);
			}
			dp_buf_free(&head);
		}
		for (size_t j = 0; j < m; j++)
			count_one(c, order[start + j], &b.res[j]);
		for (size_t p = 0; p < nparts; p++) {
			dp_table_append(c->scores, part[p][0]);
			dp_table_append(c->totals, part[p][1]);
			dp_table_append(c->deltas, part[p][2]);
			if (c->scen_totals)
				dp_table_append(c->scen_totals, part[p][3]);
		}
		dp_progress_add(&c->prog, m);
	}
	for (size_t p = 0; p < BLOCK / PART; p++)
		for (int k = 0; k < 4; k++)
			dp_table_mem_free(part[p][k]);
	for (size_t k = 0; k < nind; k++)
		dp_buf_free(&c->ind_fields[k]);
	free(c->ind_fields);
	c->ind_fields = NULL;
	free(ded_all);
	free(has_ded);
	block_free(&b);
}

static void report_adjustments(struct sctx *c)
{
	if (!c->adj)
		return;
	static const char *const cols[] = { "fiscal_year", "dept_code", "indicator", "deduction", "reason", "applied", NULL };
	dp_table_header(c->adjout, cols);
	for (size_t i = 0; i < c->adj->n; i++) {
		struct dp_adjustment *a = &c->adj->v[i];
		const char *why = NULL;
		if (!a->used)
			why = "找不到该部门该年度的已受理自评表";
		else if (a->ind < 0)
			why = "评分规则中没有该指标";
		else if (dp_rules_get(c->rules, (size_t)a->ind)->method == DP_M_SUM)
			why = "该指标是汇总指标，扣分只能作用于末级指标";
		if (why)
			dp_findings_add(c->fs, DP_W_ADJUST, c->adj->path, a->line, a->dept_code, a->fiscal_year, "indicator",
					a->indicator, "复核扣分未执行：%s（指标 %s）", why, a->indicator);
		dp_table_puts(c->adjout, a->fiscal_year, false);
		dp_table_puts(c->adjout, a->dept_code, true);
		dp_table_puts(c->adjout, a->indicator, true);
		dp_table_dec(c->adjout, a->deduction, 2, 8);
		dp_table_puts(c->adjout, a->reason, true);
		dp_table_puts(c->adjout, why ? "0" : "1", false);
		dp_table_end_row(c->adjout);
	}
}

/* What dp-score and its benchmark load before scoring: the rules, the
 * submissions in (fiscal_year, dept_code) order with their funds, the
 * findings so far. */
struct loaded {
	struct sctx c;
	struct dp_dict *dict;
	struct dp_scorer *scorer;
	struct dp_keymap *funds;
	struct subs s;
	struct dp_findings fs;
	size_t *order;
	double secs;
};

static int load_stage(const struct dp_stage_opts *o, struct loaded *L, struct dp_buf *err)
{
	memset(L, 0, sizeof *L);
	if (!dp_work_ready(o->work, DP_WF_COUNTS, err))
		return DP_NOINPUT;
	int lrc;
	struct dp_rules *rules = dp_stage_load_rules(o, &lrc, err);
	if (!rules)
		return lrc;
	L->c.rules = rules;
	if (o->adjust && !(L->c.adj = dp_adjust_load(o->adjust, rules, err)))
		return DP_BADCONFIG;
	if (o->scenarios && !(L->c.scen = dp_stage_load_scenarios(o, err)))
		return DP_BADCONFIG;
	if (o->threads > 0)
		omp_set_num_threads(o->threads);
	L->dict = dp_dict_new(rules);
	L->scorer = dp_scorer_new(rules, L->dict);
	size_t nscen = L->c.scen ? L->c.scen->n : 0;
	L->c.scorers = dp_xcalloc(nscen + 1, sizeof *L->c.scorers);
	L->c.scorers[0] = L->scorer;
	for (size_t k = 0; k < nscen; k++)
		L->c.scorers[k + 1] = dp_scorer_new_variant(L->c.scen->v[k].rules, L->dict, L->scorer);
	L->funds = dp_keymap_new(sizeof(struct dp_fund_sums));
	L->c.dict = L->dict;
	L->c.scorer = L->scorer;
	L->c.s = &L->s;
	L->c.fs = &L->fs;
	score_need_fields(&L->s, L->dict, L->c.scorers, nscen + 1);
	double t0 = now();
	if (!score_load_all(o, L->dict, &L->fs, L->funds, &L->s, err)) {
		dp_buf_adds(err, " (run dp-validate on this work folder first)");
		return DP_IOERR;
	}
	L->secs = now() - t0;
	L->order = dp_xcalloc(L->s.n + 1, sizeof *L->order);
	for (size_t i = 0; i < L->s.n; i++)
		L->order[i] = i;
	qsort_r(L->order, L->s.n, sizeof *L->order, score_order_cmp, &L->s);
	return DP_OK;
}

static void unload_stage(struct loaded *L)
{
	free(L->order);
	free(L->s.need);
	free(L->s.want);
	free(L->s.val);
	free(L->s.has);
	free(L->s.fy);
	free(L->s.code);
	free(L->s.funds);
	dp_buf_free(&L->s.names);
	dp_findings_free(&L->fs);
	dp_keymap_free(L->funds);
	for (size_t k = 1; L->c.scorers && L->c.scen && k <= L->c.scen->n; k++)
		dp_scorer_free(L->c.scorers[k]);
	free(L->c.scorers);
	dp_scenarios_free((struct dp_scenarios *)L->c.scen);
	dp_scorer_free(L->scorer);
	dp_dict_free(L->dict);
	dp_adjust_free(L->c.adj);
	dp_rules_free((struct dp_rules *)L->c.rules);
}

/* work/scenarios.csv: each scenario's name, in the order of the columns of
 * scenario_totals.csv.gz. */
static bool write_scenario_names(const char *work, const struct dp_scenarios *sc, struct dp_buf *err)
{
	struct dp_buf b = DP_BUF_INIT;
	dp_buf_adds(&b, "scenario\n");
	for (size_t k = 0; k < sc->n; k++) {
		dp_csv_put(&b, sc->v[k].name, strlen(sc->v[k].name), false);
		dp_buf_addc(&b, '\n');
	}
	char *p = dp_work_path(work, DP_WF_SCENARIOS);
	bool ok = dp_write_file(p, b.s, b.len, false, err);
	free(p);
	dp_buf_free(&b);
	return ok;
}

int dp_score_run(const struct dp_stage_opts *o, struct dp_stage_report *rep, struct dp_buf *err)
{
	struct loaded L;
	int rc = load_stage(o, &L, err);
	struct sctx *c = &L.c;
	const struct dp_rules *rules = c->rules;
	char *p_fi = dp_work_path(o->work, DP_WF_FINDINGS);
	if (rc != DP_OK)
		goto out;
	char *p_sc = dp_work_path(o->work, DP_WF_SCORES), *p_to = dp_work_path(o->work, DP_WF_TOTALS);
	char *p_ad = dp_work_path(o->work, DP_WF_ADJUSTMENTS), *p_de = dp_work_path(o->work, DP_WF_DELTAS);
	char *p_ru = dp_work_path(o->work, DP_WF_RULES), *p_st = dp_work_path(o->work, DP_WF_SCENARIO_TOTALS);
	/* the rules dp-aggregate reads: the file, or as --set changed it */
	const char *text = dp_rules_text(rules);
	bool rules_ok = text ? dp_write_file(p_ru, text, strlen(text), false, err) :
			       dp_copy_file(dp_rules_path(rules), p_ru, err);
	/* scores.csv.gz, the largest table, is written at the published level so
	 * that dp-aggregate can publish it as it is */
	dp_asis_forget(o->work, dp_work_name(DP_WF_SCORES));
	c->scores = rules_ok ? dp_table_create(p_sc, o->gzip_level, err) : NULL;
	c->totals = c->scores ? dp_table_create(p_to, DP_WORK_LEVEL, err) : NULL;
	c->deltas = c->totals ? dp_table_create(p_de, DP_WORK_LEVEL, err) : NULL;
	c->adjout = c->deltas && c->adj ? dp_table_create(p_ad, DP_WORK_LEVEL, err) : NULL;
	c->scen_totals = c->deltas && c->scen ? dp_table_create(p_st, DP_WORK_LEVEL, err) : NULL;
	if (!c->adj)
		unlink(p_ad);
	if (!c->scen) {
		/* an earlier run's: dp-aggregate publishes scenarios when it is there */
		unlink(p_st);
		char *p_sn = dp_work_path(o->work, DP_WF_SCENARIOS);
		unlink(p_sn);
		free(p_sn);
	}
	free(p_sc);
	free(p_to);
	free(p_ad);
	free(p_de);
	free(p_ru);
	free(p_st);
	if (!c->deltas || (c->adj && !c->adjout) || (c->scen && !c->scen_totals)) {
		dp_table_abort(c->scores);
		dp_table_abort(c->totals);
		dp_table_abort(c->deltas);
		dp_table_abort(c->adjout);
		rc = DP_CANTCREATE;
		goto out;
	}
	static const char *const scols[] = { "dept_code", "fiscal_year", "indicator", "parent", "max", "score",
					     "self", "delta", "adjustment", "applicable", NULL };
	dp_table_header(c->scores, scols);
	{
		size_t nind = dp_rules_count(rules), k = 6;
		const char **tcols = dp_xcalloc(nind + 7, sizeof *tcols);
		static const char *const fixed[] = { "fiscal_year", "dept_code", "total", "grade", "self_total", "delta" };
		memcpy(tcols, fixed, sizeof fixed);
		for (size_t i = 0; i < nind; i++)
			if ((int)i != dp_rules_root(rules))
				tcols[k++] = dp_rules_get(rules, i)->code;
		dp_table_header(c->totals, tcols);
		free(tcols);
		static const char *const dcols[] = { "fiscal_year", "dept_code", "indicator", "self", "score", "delta", NULL };
		dp_table_header(c->deltas, dcols);
	}
	if (c->scen_totals) {
		/* fiscal_year,dept_code,total,grade, then total and grade of each
		 * scenario, named by its place in the file: dp-aggregate reads the
		 * names from scenarios.csv */
		static const char *const fixed[] = { "fiscal_year", "dept_code", "total", "grade" };
		for (size_t k = 0; k < 4; k++)
			dp_table_puts(c->scen_totals, fixed[k], false);
		struct dp_buf name = DP_BUF_INIT;
		for (size_t k = 1; k <= c->scen->n; k++) {
			for (int g = 0; g < 2; g++) {
				dp_buf_reset(&name);
				dp_buf_addf(&name, "%s.%zu", g ? "grade" : "total", k);
				dp_table_puts(c->scen_totals, name.s, false);
			}
		}
		dp_table_end_row(c->scen_totals);
		dp_buf_free(&name);
	}
	double t1 = now();
	dp_progress_start(&c->prog, o->on_progress, "dp-score", "submissions", L.s.n);
	score_all(c, L.order);
	dp_progress_end(&c->prog);
	report_adjustments(c);
	struct dp_table_info sinfo;
	bool ok = dp_table_commit(c->scores, &sinfo, err) &&
		  dp_asis_record(o->work, dp_work_name(DP_WF_SCORES), o->gzip_level, &sinfo, err);
	ok = dp_table_commit_if(ok, c->totals, NULL, err);
	ok = dp_table_commit_if(ok, c->deltas, NULL, err);
	if (c->adjout)
		ok = dp_table_commit_if(ok, c->adjout, NULL, err);
	if (c->scen_totals)
		ok = dp_table_commit_if(ok, c->scen_totals, NULL, err) && write_scenario_names(o->work, c->scen, err);
	ok = ok && dp_findings_write(&L.fs, p_fi, DP_WORK_LEVEL, NULL, err);
	if (!ok) {
		rc = DP_CANTCREATE;
		goto out;
	}
	dp_buf_addf(&rep->line,
		    "%llu submissions scored, %llu not scorable, %zu indicators each, %d threads; load %.2f s, "
		    "scoring %.3f s, scoring+writing %.2f s",
		    (unsigned long long)c->scored, (unsigned long long)c->unscored, dp_rules_count(rules),
		    omp_get_max_threads(), L.secs, c->score_secs, now() - t1);
	if (L.fs.errors)
		rc = DP_FINDINGS;
out:
	free(p_fi);
	unload_stage(&L);
	return rc;
}

static int dbl_cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* The scoring loop over every submission once; the sum of the totals. */
static dp_dec bench_pass(struct loaded *L, struct block *b)
{
	dp_dec sum = 0;
	for (size_t start = 0; start < L->s.n; start += BLOCK) {
		size_t m = L->s.n - start < BLOCK ? L->s.n - start : BLOCK;
		score_block(&L->c, L->order + start, m, NULL, NULL, b);
		/* every result is read, so no pass can be skipped */
		for (size_t j = 0; j < m; j++)
			if (!b->res[j].overflow && b->res[j].has_total)
				sum += b->res[j].total;
	}
	return sum;
}

int dp_score_bench(const struct dp_stage_opts *o, int runs, struct dp_buf *out, struct dp_buf *err)
{
	struct loaded L;
	int rc = load_stage(o, &L, err);
	if (rc != DP_OK) {
		unload_stage(&L);
		return rc;
	}
	int most = omp_get_max_threads();
	size_t nind = dp_rules_count(L.c.rules);
	struct block b;
	block_init(&b, BLOCK, nind, L.c.scen ? L.c.scen->n : 0);
	/* the thread counts take turns within each run, so that what else
	 * runs on the machine weighs on all of them alike */
	double *secs = dp_xcalloc((size_t)runs * (size_t)most, sizeof *secs);
	dp_dec *sum = dp_xcalloc((size_t)most, sizeof *sum);
	for (int r = 0; r < runs; r++)
		for (int t = 1; t <= most; t++) {
			omp_set_num_threads(t);
			double t0 = now();
			sum[t - 1] = bench_pass(&L, &b);
			secs[(size_t)(t - 1) * (size_t)runs + (size_t)r] = now() - t0;
		}
	dp_buf_addf(out, "%zu submissions loaded in %.2f s (not timed below); %zu indicators each\n", L.s.n, L.secs,
		    nind);
	double base = 0;
	for (int t = 1; t <= most; t++) {
		double *v = secs + (size_t)(t - 1) * (size_t)runs;
		qsort(v, (size_t)runs, sizeof *v, dbl_cmp);
		double med = v[runs / 2];
		if (t == 1)
			base = med;
		dp_buf_addf(out, "threads %d: scoring %.3f s (median of %d), %.0f submissions/s, speed-up %.2fx; "
			    "sum of totals ", t, med, runs, med > 0 ? (double)L.s.n / med : 0, med > 0 ? base / med : 0);
		dp_dec_format(out, sum[t - 1], 2, 2);
		dp_buf_addc(out, '\n');
		if (sum[t - 1] != sum[0] && rc == DP_OK) {
			dp_buf_addf(err, "the totals differ between 1 and %d threads", t);
			rc = DP_IOERR;
		}
	}
	free(secs);
	free(sum);
	block_free(&b);
	unload_stage(&L);
	return rc;
}

