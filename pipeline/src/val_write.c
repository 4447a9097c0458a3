/* dp-validate: the winners decided, then the accepted departments and funds
 * written (or linked, when every one read is accepted as it was). */
#include "val.h"


static void years_add(struct years *y, const char *s)
{
	for (size_t i = 0; i < y->n; i++)
		if (strcmp(y->v[i], s) == 0)
			return;
	DP_GROW(y->v, y->n, y->cap);
	y->v[y->n++] = dp_xstrdup(s);
}

/* The winner of every key with a candidate: accepted (acc[] of its place
 * set), counted, and checked against the roster. */
struct winners {
	struct vctx *v;
	unsigned char *acc;
	struct years *years;
	bool bad;  /* a key or place that is not one (said by decide_subs) */
};

static void winner_accepted(void *value, const char *key, void *ctx)
{
	struct winners *ws = ctx;
	struct vctx *v = ws->v;
	struct winner *w = value;
	const char *year, *code;
	if (!w->set)
		return; /* a key of funds only */
	if (w->cand >= v->ncand || !val_key_parts(&v->spkey, key, &year, &code)) {
		ws->bad = true;
		return;
	}
	ws->acc[w->cand] = 1;
	v->sub_state[w->sub] = ST_ACCEPTED;
	v->accepted++;
	v->file_acc[w->file]++;
	years_add(ws->years, year);
	const char *file = val_site_file(v, w->file);
	const struct dp_roster_entry *re = v->roster ? dp_roster_find(v->roster, code) : NULL;
	if (v->roster && !re)
		dp_findings_add(v->fs, DP_W_UNROSTERED, file, w->line, code, year, "dept_code", code,
				"部门 %s 不在名册（%s）中：请核对部门代码，或把该部门加入名册", code, v->roster->path);
	if (re)
		w->roster_seen = true;
}

/* Decides the candidates: the winner of each key is accepted (acc[] set,
 * indexed as v->cand's rows and v->csrc), the others, spooled when they
 * lost, superseded and named with the winner. */
bool val_decide_subs(struct vctx *v, unsigned char *acc, struct years *years, struct dp_buf *err)
{
	if (!dp_spool_rewind(v->sub_spool, err))
		return false;
	struct spooled r;
	uint64_t lost = 0;
	while (val_spooled_next(v, &r, err)) {
		lost++;
		struct winner *w = r.w;
		v->sub_state[r.id] = ST_SUPERSEDED;
		v->superseded++;
		if (r.fi < v->tab->n)
			v->file_sup[r.fi]++;
		const struct dp_file_row *wr = w->file >= 0 ? &v->tab->v[w->file] : NULL;
		dp_findings_add(v->fs, DP_W_SUPERSEDED, r.file, r.line, r.code, r.year, "filed_on", r.filed_on,
				"已被同一部门同一年度的后一次填报取代（%s%s%s%s 第 %llu 行，填报日期 %s），本次填报不计分",
				wr ? wr->file : "?", wr && wr->sheet[0] ? " 工作表“" : "", wr ? wr->sheet : "",
				wr && wr->sheet[0] ? "”" : "", (unsigned long long)w->line, w->filed_on);
	}
	struct winners ws = { v, acc, years, false };
	dp_keymap_each(v->keys, winner_accepted, &ws);
	size_t in_cand = 0;
	for (size_t k = 0; k < v->ncand; k++)
		in_cand += v->csrc[k] == NOT_SRC;
	if (!err->len && (ws.bad || lost != v->nlost || v->accepted + v->superseded != v->ncand ||
			  in_cand != dp_cells_nrows(v->cand)))
		dp_buf_adds(err, "dp-validate: the spool of candidates is out of step");
	return !err->len;
}

/* The accepted candidates' rows, in order, to a cells file: each
 * candidate's cells are either a row of v->cand or a row of dp-normalize's
 * cells, which rd reads. */
struct accepted_out {
	struct vctx *v;
	const unsigned char *acc;
	struct dp_cells_writer *cells;
	struct dp_cells_reader *rd;
	uint64_t rd_rows;              /* rows rd has read */
	size_t next;                   /* the next candidate */
	bool failed;                   /* rd ended early */
};

static void write_accepted(struct accepted_out *o, const char *s, size_t n)
{
	if (o->acc[o->next++])
		dp_cells_row(o->cells, s, n);
}

/* The candidates from o->next on whose cells are dp-normalize's, up to the
 * next one in v->cand. */
static void write_from_source(struct accepted_out *o)
{
	const uint64_t *src = o->v->csrc;
	while (o->next < o->v->ncand && src[o->next] != NOT_SRC && !o->failed) {
		const char *s = NULL;
		size_t n = 0;
		o->failed = o->rd_rows > src[o->next]; /* rows come in order */
		while (!o->failed && o->rd_rows <= src[o->next])
			if (!(o->failed = !dp_cells_next(o->rd, &s, &n, NULL, NULL)))
				o->rd_rows++;
		if (!o->failed)
			write_accepted(o, s, n);
	}
}

static bool write_changed(void *ctx, size_t i, const char *s, size_t n)
{
	(void)i;
	struct accepted_out *o = ctx;
	write_from_source(o);
	if (o->failed || o->next == o->v->ncand)
		return false;
	write_accepted(o, s, n);
	return true;
}

/* to becomes the table parsed (normalize's, kept as parsed-*): a hard link,
 * else a copy. */
static bool link_parsed(const char *parsed, const char *to, struct dp_buf *err)
{
	unlink(to);
	return link(parsed, to) == 0 || dp_copy_file(parsed, to, err);
}

bool val_write_subs(struct vctx *v, const unsigned char *acc, struct dp_buf *err)
{
	char *p_cells = dp_work_path(v->o->work, DP_WF_DEPARTMENTS);
	char *p_pcells = dp_work_parsed(v->o->work, DP_WF_DEPARTMENTS);
	char *p_tmp = dp_work_tmp(v->o->work, DP_WF_DEPARTMENTS);
	bool ok = true;
	if (!v->rejected && !v->superseded && !v->cand_changed) {
		/* every submission accepted as it was read */
		ok = link_parsed(p_pcells, p_cells, err);
		if (!ok && !err->len)
			dp_buf_addf(err, "%s: cannot write: %s", p_cells, strerror(errno));
	} else {
		struct accepted_out o = { v, acc, NULL, NULL, 0, 0, false };
		ok = (o.rd = dp_cells_open(p_pcells, err)) &&
		     (o.cells = dp_cells_create(p_tmp, v->sub_cols, v->nsub_cols, err)) &&
		     dp_cells_each(v->cand, write_changed, &o, err);
		if (ok)
			write_from_source(&o);
		if (ok && (o.failed || o.next != v->ncand)) {
			dp_buf_addf(err, "%s: shorter than when it was read", p_pcells);
			ok = false;
		}
		dp_cells_close(o.rd);
		if (ok)
			ok = dp_cells_commit(o.cells, p_cells, err);
		else
			dp_cells_abort(o.cells);
	}
	dp_cells_abort(v->cand);
	v->cand = NULL;
	free(p_cells);
	free(p_pcells);
	free(p_tmp);
	return ok;
}

/* Some fund read will not be in special_funds.csv.gz: one with errors in a
 * bulk file, one of a form whose submission is not accepted, or one whose
 * key has no accepted submission (an orphan). */
static bool funds_dropped(const struct vctx *v)
{
	if (v->funds_rejected || v->fund_keys_won != v->fund_keys)
		return true;
	for (size_t id = 0; id < v->nsubs; id++)
		if (v->sub_fund[id] && v->sub_state[id] != ST_ACCEPTED)
			return true;
	return false;
}

/* special_funds.csv.gz (DP_OK, else the exit code: DP_IOERR when the
 * parsed table cannot be read again, DP_CANTCREATE when the table cannot be
 * written): the parsed table when every fund read is accepted
 * (writing the same rows again gives the same bytes, as for the
 * departments), else the accepted funds written from a second reading of
 * it, the orphans named.  Nothing about the funds is spooled: in the usual
 * case they were written for nothing (at 1 000 000 bulk submissions 1.5
 * million lines formatted, spooled and read back, ≈ 0.6 s). */
int val_write_funds(struct vctx *v, struct dp_buf *err)
{
	char *p_fun = dp_work_path(v->o->work, DP_WF_FUNDS);
	char *p_parsed = dp_work_parsed(v->o->work, DP_WF_FUNDS);
	bool ok;
	if (!funds_dropped(v)) {
		v->funds_accepted = v->funds_read;
		ok = link_parsed(p_parsed, p_fun, err);
		if (!ok && !err->len)
			dp_buf_addf(err, "%s: cannot write: %s", p_fun, strerror(errno));
		free(p_fun);
		free(p_parsed);
		return ok ? DP_OK : DP_CANTCREATE;
	}
	free(p_parsed);
	struct dp_table *out = dp_table_create(p_fun, DP_NORMALIZED_LEVEL, err);
	free(p_fun);
	struct pair p;
	bool fault = false;
	if (!out)
		return DP_CANTCREATE;
	char *pa = dp_work_parsed(v->o->work, DP_WF_FUNDS);
	bool opened = val_pair_open(v, &p, pa, NULL, DP_WF_FUNDSRC, err);
	free(pa);
	if (!opened) {
		val_pair_close(&p);
		dp_table_abort(out);
		return DP_IOERR;
	}
	static const char *const cols[] = { "fiscal_year", "dept_code", "fund_name", "fund_alloc",
					    "fund_spent", "fund_selfeval", NULL };
	dp_table_header(out, cols);
	size_t rej = 0;
	while (val_pair_next(&p, err, &fault, false)) {
		/* rejected, and counted, when checked: by dp-normalize or by
		 * check_fund (fundsrc's errors are dp-normalize's only) */
		if (rej < v->nfund_rej && v->fund_rej[rej] == p.row) {
			rej++;
			continue;
		}
		struct fsrc r;
		if (!val_fsrc_of(v, p.rb, &r, err)) {
			fault = true;
			break;
		}
		struct dp_check_site si = val_fund_info(v, &r, &p.drow);
		const char *name = p.drow.text[DP_F_FUND_NAME];
		if (!r.bulk) {
			if (r.sub >= v->nsubs || v->sub_state[r.sub] != ST_ACCEPTED) {
				v->funds_dropped++;
				continue;
			}
		} else {
			dp_key_make(&v->key, si.year, si.code);
			const struct winner *w = dp_keymap_get(v->keys, v->key.s);
			if (!w || !w->set) {
				v->funds_orphan++;
				dp_findings_add(v->fs, DP_W_ORPHAN_FUND, si.file, si.line, si.code, si.year, "dept_code",
						si.code,
						"专项资金“%s”找不到部门 %s %s 年度的有效自评表，未计分：请同时提交该部门的自评表",
						name, si.code, si.year);
				continue;
			}
		}
		v->funds_accepted++;
		dp_buf_reset(&v->line);
		for (size_t k = 0; k < p.drow.ncols; k++)
			val_line_cell(v, k, p.drow.field[k], k < p.ra->n ? p.ra->f[k] : "");
		dp_table_line(out, v->line.s, v->line.len);
	}
	val_pair_close(&p);
	if (fault || err->len) {
		dp_table_abort(out);
		return DP_IOERR;
	}
	return dp_table_commit(out, NULL, err) ? DP_OK : DP_CANTCREATE;
}

