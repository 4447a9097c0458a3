/* dp-validate: the submissions' pass: each submission checked (checks.c),
 * on every thread a batch at a time, and decided candidate or rejected. */
#include "val.h"

static bool sub_info(const struct vctx *v, const struct pair *p, struct dp_check_site *si, uint64_t *id, long *fi,
		     struct dp_buf *err)
{
	if (!val_sub_id(v, p->rb->f[0], dp_work_name(DP_WF_SUBS), id, err) ||
	    (*fi = val_file_of(v, p->rb->f[1], dp_work_name(DP_WF_SUBS), err)) < 0)
		return false;
	si->file = val_site_file(v, *fi);
	si->line = strtoull(p->rb->f[2], NULL, 10);
	si->errors = strtoull(p->rb->f[4], NULL, 10);
	si->bad_fields = p->rb->f[5];
	si->field_lines = p->rb->n > 6 ? p->rb->f[6] : "";
	si->code = p->drow.text[DP_F_DEPT_CODE];
	si->year = p->drow.text[DP_F_FISCAL_YEAR];
	si->fs = v->fs;
	si->res = NULL; /* the caller's to set */
	return true;
}

static bool later(const struct winner *w, const char *filed_on, long file, uint64_t line)
{
	int c = strcmp(filed_on, w->filed_on);
	if (c)
		return c > 0;
	if (file != w->file)
		return file > w->file;
	return line > w->line;
}

/* The cells a candidate's row d will have in departments.cells that may
 * not be those read: the roster fills what it left empty, then the
 * defaults of SPEC §3.  Reads v only. */
struct filled {
	const char *parent, *sector, *pname;
	bool any; /* some cell is not the one read */
};

static void fill_in(const struct vctx *v, const struct dp_deptrow *d, const char *code, struct filled *fl)
{
	const struct dp_roster_entry *re = v->roster ? dp_roster_find(v->roster, code) : NULL;
	const char *parent = d->text[DP_F_PARENT_CODE];
	const char *sector = d->text[DP_F_SECTOR];
	const char *pname = d->text[DP_F_PARENT_NAME];
	if (!parent[0] && re && re->parent_code[0])
		parent = re->parent_code;
	if (!sector[0] && re && re->sector[0])
		sector = re->sector;
	if (!parent[0])
		parent = code;
	if (!pname[0] && strcmp(parent, code) == 0)
		pname = d->text[DP_F_DEPT_NAME];
	if (!pname[0] && v->roster) {
		const struct dp_roster_entry *pe = dp_roster_find(v->roster, parent);
		if (pe)
			pname = pe->dept_name;
	}
	if (!sector[0])
		sector = "未分类";
	const char *const *t = d->text;
	fl->parent = parent;
	fl->sector = sector;
	fl->pname = pname;
	fl->any = parent != t[DP_F_PARENT_CODE] || pname != t[DP_F_PARENT_NAME] || sector != t[DP_F_SECTOR] ||
		  !t[DP_F_INCOME_OTHER][0];
}

/* A candidate, in the order read: its place (its row in dp-normalize's
 * cells in v->csrc, src, or NOT_SRC when its cells are in v->cand)
 * and its key's competition: it wins when it is the first, or later
 * (later()); the one that loses is spooled. */
static void candidate(struct vctx *v, uint64_t id, long fi, uint64_t src, struct winner *w, uint64_t line,
		      const char *filed_on)
{
	uint64_t c = v->ncand++;
	DP_GROW(v->csrc, c, v->capcsrc);
	v->csrc[c] = src;
	if (w->set && !later(w, filed_on, fi, line)) {
		val_spool_loser(v, id, fi, line, w, filed_on);
		return;
	}
	if (w->set)
		val_spool_loser(v, w->sub, w->file, w->line, w, w->filed_on);
	v->fund_keys_won += !w->set && w->bulk_fund;
	w->set = true;
	w->sub = (uint32_t)id;
	w->file = (int32_t)fi;
	w->line = (uint32_t)line;
	w->cand = (uint32_t)c;
	snprintf(w->filed_on, sizeof w->filed_on, "%s", filed_on);
}

/* A submission that passed its checks: a candidate, with the cells it will
 * have in departments.cells (fill_in) in v->cand when they are not the
 * cells read (and noted).  row: its row in the table read, from 1. */
static void sub_candidate(struct vctx *v, const struct pair *p, const struct dp_check_site *si, uint64_t id, long fi,
			    struct winner *w, uint64_t row)
{
	struct filled fl;
	fill_in(v, &p->drow, si->code, &fl);
	const char *parent = fl.parent, *sector = fl.sector, *pname = fl.pname;
	const char *const *t = p->drow.text;
	uint64_t src = NOT_SRC;
	if (!fl.any && p->ra->n == p->drow.ncols) {
		/* its cells are those read: they stay where they are */
		candidate(v, id, fi, row - 1, w, si->line, t[DP_F_FILED_ON]);
		return;
	}
	dp_buf_reset(&v->line);
	bool changed = p->ra->n != p->drow.ncols;
	for (size_t k = 0; k < p->drow.ncols; k++) {
		int f = p->drow.field[k];
		const char *raw = k < p->ra->n ? p->ra->f[k] : "", *c = raw;
		if (f == DP_F_PARENT_CODE)
			c = parent;
		else if (f == DP_F_PARENT_NAME)
			c = pname;
		else if (f == DP_F_SECTOR)
			c = sector;
		else if (f == DP_F_INCOME_OTHER && !c[0])
			c = "0.00";
		size_t at = v->line.len;
		val_row_cell(v, f, c, c == raw && k < p->ra->n ? p->ra->len[k] : strlen(c));
		/* (without a change so far the row has all its cells) */
		if (!changed && (c != raw || v->line.len - at != p->ra->len[k] + 1))
			changed = v->line.len - at != p->ra->len[k] + 1 || memcmp(v->line.s + at, raw, p->ra->len[k]) != 0;
	}
	v->cand_changed |= changed;
	if (!changed)
		src = row - 1;
	else
		dp_cells_row(v->cand, v->line.s, v->line.len);
	candidate(v, id, fi, src, w, si->line, t[DP_F_FILED_ON]);
}

/* dp-normalize's departments (parsed-departments.cells, memtab.h); NULL
 * (err set) when they cannot be read. */
static struct dp_cells_reader *source_cells(struct vctx *v, struct dp_buf *err)
{
	char *pc = dp_work_parsed(v->o->work, DP_WF_DEPARTMENTS);
	struct dp_cells_reader *r = dp_cells_open(pc, err);
	if (!r)
		dp_buf_adds(err, " (run dp-normalize again)");
	free(pc);
	return r;
}

/* Every check of submission id: its funds' (as the funds pass found them;
 * bulk_fund: an error-free bulk fund row has its key), then
 * check_submission's.  Findings go to si->fs; v is only read. */
static void sub_checks(const struct vctx *v, struct dp_check_site *si, const struct dp_deptrow *d, unsigned char fund,
		       bool bulk_fund)
{
	bool has_funds = (fund & 1) || bulk_fund;
	if (fund & 2) {
		si->errors++;
		dp_findings_add(si->fs, DP_E_RANGE, si->file, si->line, si->code, si->year, "fund_name", NULL,
				"本表的专项资金有错误（见同一文件的其他提示），整份自评表未计分");
	}
	dp_check_submission(&v->checks, si, d, has_funds);
}

/* A submission rejected: its file or, for a bulk row, the row quarantined. */
static void sub_rejected(struct vctx *v, uint64_t id, long fi, uint64_t line, bool form)
{
	v->sub_state[id] = ST_REJECTED;
	v->rejected++;
	v->file_rej[fi]++;
	val_quarantine_add(v, fi, form ? 0 : line);
}

/* After its checks, in the order read: a submission rejected, or a
 * candidate (sub_candidate) for the key of record w.  p->drow
 * and p->ra are its cells, row its row in the table (from 1). */
static void sub_decide(struct vctx *v, const struct pair *p, const struct dp_check_site *si, uint64_t id, long fi,
		       struct winner *w, bool form, uint64_t row)
{
	v->read++;
	if (si->errors) {
		sub_rejected(v, id, fi, si->line, form);
		return;
	}
	sub_candidate(v, p, si, id, fi, w, row);
}

/* ---- the submissions' checks on every thread ----
 *
 * With more than one thread, the submissions are
 * taken in batches, their rows copied out of the cells reader's buffer, and
 * three batches are in hand at once: while every thread checks one, each
 * with its own row, findings and scratch, the stage's thread (thread 0 of
 * the team) first reads the next (its rows, their subs.csv.gz rows, their
 * keys) and decides the one before in the order read, then joins the
 * checking.  The work in order, a third of the pass at 1 000 000
 * submissions, no longer leaves the other cores waiting.  The rows are
 * checked a chunk at a time by whichever thread is free; findings are
 * sorted when written (findings.h), so which thread found one does not
 * show.  A checking thread reads only its batch and what nothing changes
 * during the pass (the dictionary, the rules, the roster, the file table):
 * what a row's checks need of the funds pass is copied into its brow. */
#define CHECK_BATCH 4096
#define CHECK_CHUNK 64

struct brow {
	const char *cells;    /* its cells, in the batch's copy */
	uint64_t id, line, errors, row;
	long fi;
	size_t at;            /* its cells' offset in the copy (until it is whole) */
	size_t bad, lines;    /* bad_fields and field_lines: offsets in the batch's text */
	size_t key;           /* and its key (dp_key_make) */
	uint64_t hash;        /* the key's */
	bool form;
	unsigned char fund;   /* v->sub_fund[id] */
	bool bulk_fund;       /* its key's (struct winner) */
	struct winner *w;     /* its key's */
	bool as_read;         /* a candidate whose cells are those read (fill_in) */
	/* then its filed_on, copied while its row is at hand (read again from
	 * the batch's copy when deciding, a batch later, it was a cache miss a
	 * row: 5 % of the stage's thread at 1 000 000) */
	char filed_on[sizeof((struct winner *)0)->filed_on];
};

struct batch {
	struct brow *b;
	size_t m;
	struct dp_buf text;  /* the subs cells and keys the rows name */
	struct dp_buf rows;  /* the rows' cells */
};

struct checker {
	struct dp_deptrow d;
	struct dp_findings fs;
	struct dp_score_result res;
	const char **f;
	size_t *len;
};

/* Cell k of a cells row, unguarded as dp_deptrow_load reads it. */
static const char *cell_at(const char *s, size_t k)
{
	const char *c = dp_cells_cell(s, k);
	return c[0] == '\'' ? dp_text_unguard(c) : c;
}

/* The next batch's rows into bt, with their subs.csv.gz rows (bt->m == 0 at
 * the end).  False on a fault (err set), as pair_next. */
static bool sub_batch(struct vctx *v, struct pair *p, struct batch *bt, struct dp_buf *err)
{
	struct brow *b = bt->b;
	struct dp_buf *text = &bt->text;
	bt->m = 0;
	dp_buf_reset(text);
	dp_buf_reset(&bt->rows);
	while (bt->m < CHECK_BATCH) {
		const char *s;
		size_t n;
		bool got = dp_cells_next(p->ca, &s, &n, NULL, NULL);
		const struct dp_record *rb = dp_rows_next(p->b, err);
		if (!got || !rb || rb->n < 6) {
			if (!got && !rb && dp_cells_whole(p->ca) && !dp_rows_failed(p->b))
				break; /* both at their end */
			val_out_of_step(p, err);
			return false;
		}
		struct brow *r = &b[bt->m++];
		p->row++;
		r->at = bt->rows.len;
		r->row = p->row;
		if (!val_sub_id(v, rb->f[0], dp_work_name(DP_WF_SUBS), &r->id, err) ||
		    (r->fi = val_file_of(v, rb->f[1], dp_work_name(DP_WF_SUBS), err)) < 0)
			return false;
		r->line = strtoull(rb->f[2], NULL, 10);
		r->form = strcmp(rb->f[3], "form") == 0;
		r->errors = strtoull(rb->f[4], NULL, 10);
		r->bad = text->len;
		dp_buf_addz(text, rb->f[5], rb->len[5]);
		r->lines = text->len;
		dp_buf_addz(text, rb->n > 6 ? rb->f[6] : "", rb->n > 6 ? rb->len[6] : 0);
		val_ensure_sub(v, r->id);
		r->fund = v->sub_fund[r->id];
		r->key = text->len;
		dp_key_make(&v->key, cell_at(s, v->col_year), cell_at(s, v->col_code));
		dp_buf_addz(text, v->key.s, v->key.len);
		r->hash = dp_keymap_prefetch(v->keys, v->key.s);
		dp_buf_add(&bt->rows, s, n);
	}
	/* (made for a submission rejected too: a record not set is none) */
	for (size_t i = 0; i < bt->m; i++) {
		b[i].cells = bt->rows.s + b[i].at;
		b[i].w = dp_keymap_put_hashed(v->keys, text->s + b[i].key, b[i].hash, NULL);
		b[i].bulk_fund = b[i].w->bulk_fund;
	}
	return true;
}

static void subinfo_of(const struct vctx *v, const struct brow *r, const struct dp_buf *text,
		       const struct dp_deptrow *d, struct dp_check_site *si)
{
	si->file = val_site_file(v, (long)r->fi);
	si->line = r->line;
	si->field_lines = text->s + r->lines;
	si->code = d->text[DP_F_DEPT_CODE];
	si->year = d->text[DP_F_FISCAL_YEAR];
	si->bad_fields = text->s + r->bad;
	si->errors = r->errors;
}

/* Rows [from, to) of bt checked by c. */
static void check_rows(const struct vctx *v, struct checker *c, size_t ncols, struct batch *bt, size_t from,
		       size_t to)
{
	for (size_t i = from; i < to; i++) {
		struct brow *r = &bt->b[i];
		dp_cells_split(r->cells, ncols, c->f, c->len);
		dp_deptrow_load_cells(&c->d, c->f, c->len, ncols);
		struct dp_check_site si;
		subinfo_of(v, r, &bt->text, &c->d, &si);
		si.fs = &c->fs;
		si.res = &c->res;
		sub_checks(v, &si, &c->d, r->fund, r->bulk_fund);
		r->errors = si.errors;
		struct filled fl;
		fill_in(v, &c->d, si.code, &fl);
		const char *filed_on = c->d.text[DP_F_FILED_ON];
		size_t n = strlen(filed_on);
		/* (a longer one, never normalize's, the slow way) */
		r->as_read = !si.errors && !fl.any && n < sizeof r->filed_on;
		if (r->as_read)
			memcpy(r->filed_on, filed_on, n + 1);
	}
}

/* bt's rows decided in the order read (after their checks). */
static void decide_batch(struct vctx *v, struct pair *p, size_t ncols, const struct batch *bt)
{
	for (size_t i = 0; i < bt->m; i++) {
		const struct brow *r = &bt->b[i];
		if (r->errors || !r->as_read) {
			/* as one thread decides it */
			dp_cells_split(r->cells, ncols, p->cf, p->cl);
			p->ra = &p->rec;
			dp_deptrow_load_text(&p->drow, &p->rec);
			struct dp_check_site si;
			subinfo_of(v, r, &bt->text, &p->drow, &si);
			si.fs = v->fs;
			si.res = &v->res;
			si.errors = r->errors;
			sub_decide(v, p, &si, r->id, r->fi, r->w, r->form, r->row);
			continue;
		}
		/* sub_candidate's first case, found by the checking thread */
		v->read++;
		candidate(v, r->id, r->fi, r->row - 1, r->w, r->line, r->filed_on);
	}
}

static bool pass_subs_batched(struct vctx *v, struct pair *p, const struct dp_record *hdr, struct dp_buf *err)
{
	int nt = omp_get_max_threads();
	size_t ncols = hdr->n;
	struct checker *ck = dp_xcalloc((size_t)nt, sizeof *ck);
	bool ok = true;
	for (int t = 0; t < nt; t++) {
		ok = ok && dp_deptrow_init(&ck[t].d, v->dict, hdr, err);
		dp_score_result_init(&ck[t].res, v->scorer);
		ck[t].f = dp_xcalloc(ncols, sizeof *ck[t].f);
		ck[t].len = dp_xcalloc(ncols, sizeof *ck[t].len);
	}
	struct batch bt[3];
	for (int k = 0; k < 3; k++)
		bt[k] = (struct batch){ dp_xcalloc(CHECK_BATCH, sizeof(struct brow)), 0, DP_BUF_INIT, DP_BUF_INIT };
	/* batch k checked while k + 1 is read and k - 1 decided */
	struct batch *prev = NULL, *cur = &bt[0];
	ok = ok && sub_batch(v, p, cur, err);
	for (int k = 1; ok && cur->m; k = (k + 1) % 3) {
		struct batch *next = &bt[k];
		bool read_ok = true;
		size_t chunks = (cur->m + CHECK_CHUNK - 1) / CHECK_CHUNK, taken = 0;
#pragma omp parallel
		{
			int t = omp_get_thread_num();
			if (t == 0) {
				read_ok = sub_batch(v, p, next, err);
				if (prev)
					decide_batch(v, p, ncols, prev);
			}
			for (;;) {
				size_t c;
#pragma omp atomic capture
				c = taken++;
				if (c >= chunks)
					break;
				size_t to = (c + 1) * CHECK_CHUNK;
				check_rows(v, &ck[t], ncols, cur, c * CHECK_CHUNK, to < cur->m ? to : cur->m);
			}
		}
		for (int t = 0; t < nt; t++)
			dp_findings_move(v->fs, &ck[t].fs);
		ok = read_ok;
		dp_progress_add(&v->prog, cur->m);
		prev = cur;
		cur = next;
	}
	if (ok && prev)
		decide_batch(v, p, ncols, prev);
	for (int t = 0; t < nt; t++) {
		dp_deptrow_free(&ck[t].d);
		dp_findings_free(&ck[t].fs);
		dp_score_result_free(&ck[t].res);
		free(ck[t].f);
		free(ck[t].len);
	}
	free(ck);
	for (int k = 0; k < 3; k++) {
		free(bt[k].b);
		dp_buf_free(&bt[k].text);
		dp_buf_free(&bt[k].rows);
	}
	return ok;
}

bool val_pass_subs_check(struct vctx *v, struct dp_buf *err)
{
	struct pair p;
	bool fault = false;
	struct dp_cells_reader *src = source_cells(v, err);
	if (!src || !val_pair_open(v, &p, NULL, src, DP_WF_SUBS, err)) {
		if (!src)
			memset(&p, 0, sizeof p);
		val_pair_close(&p);
		return false;
	}
	/* the departments' columns, even when no submission is accepted */
	v->sub_cols = dp_xcalloc(p.drow.ncols + 1, sizeof *v->sub_cols);
	v->nsub_cols = p.drow.ncols;
	for (size_t k = 0; k < p.drow.ncols; k++)
		v->sub_cols[k] = dp_dict_field(v->dict, (size_t)p.drow.field[k])->code;
	/* (the header read is these codes: dp_deptrow_init takes no other) */
	char *p_cand = dp_work_path(v->o->work, DP_WF_CANDIDATES);
	v->cand = dp_cells_create(p_cand, v->sub_cols, v->nsub_cols, err);
	free(p_cand);
	if (!v->cand) {
		val_pair_close(&p);
		return false;
	}
	/* (the batches find a row's key by its columns: normalize writes both) */
	bool has_code = false, has_year = false;
	for (size_t k = 0; k < p.drow.ncols; k++) {
		if (p.drow.field[k] == DP_F_DEPT_CODE) {
			v->col_code = k;
			has_code = true;
		} else if (p.drow.field[k] == DP_F_FISCAL_YEAR) {
			v->col_year = k;
			has_year = true;
		}
	}
	if (has_code && has_year && omp_get_max_threads() > 1) {
		struct dp_record hdr = { p.drow.ncols, v->sub_cols, NULL, 1, 0 };
		bool ok = pass_subs_batched(v, &p, &hdr, err);
		val_pair_close(&p);
		return ok;
	}
	while (val_pair_next(&p, err, &fault, true)) {
		struct dp_check_site si;
		uint64_t id;
		long fi;
		if (!sub_info(v, &p, &si, &id, &fi, err)) {
			fault = true;
			break;
		}
		val_ensure_sub(v, id);
		si.res = &v->res;
		/* (made for a submission rejected too: a record not set is none) */
		struct winner *w = val_winner_of(v, si.year, si.code);
		sub_checks(v, &si, &p.drow, v->sub_fund[id], w->bulk_fund);
		sub_decide(v, &p, &si, id, fi, w, strcmp(p.rb->f[3], "form") == 0, p.row);
		dp_progress_add(&v->prog, 1);
	}
	val_pair_close(&p);
	return !fault;
}

