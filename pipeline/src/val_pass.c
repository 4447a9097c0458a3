/* dp-validate: the normalized tables read in pairs (a table and where its
 * rows came from), the spool of superseded filings, and the funds' pass. */
#include "val.h"

/* ---- the passes ---- */


bool val_pair_open(struct vctx *v, struct pair *p, const char *ta, struct dp_cells_reader *ca, enum dp_work_file tb,
		      struct dp_buf *err)
{
	memset(p, 0, sizeof *p);
	char *pb = dp_work_path(v->o->work, tb);
	p->ca = ca;
	p->a = ca ? NULL : dp_rows_open(ta, err);
	p->b = p->a || ca ? dp_rows_open(pb, err) : NULL;
	free(pb);
	if (!p->b)
		return false;
	const struct dp_record *h = NULL;
	if (ca) {
		size_t n = dp_cells_ncols(ca);
		p->cf = dp_xcalloc(n, sizeof *p->cf);
		p->cl = dp_xcalloc(n, sizeof *p->cl);
		const char *const *cols = dp_cells_cols(ca);
		for (size_t k = 0; k < n; k++) {
			p->cf[k] = cols[k];
			p->cl[k] = strlen(cols[k]);
		}
		p->rec = (struct dp_record){ n, p->cf, p->cl, 1, 0 };
		h = &p->rec;
	} else {
		h = dp_rows_next(p->a, err);
	}
	if (!h || !dp_rows_next(p->b, err)) {
		dp_buf_addf(err, "%s: empty work file", ca ? dp_work_name(tb) : ta);
		return false;
	}
	return dp_deptrow_init(&p->drow, v->dict, h, err);
}

/* The next row of p->ca as a record, or NULL. */
static const struct dp_record *cells_record(struct pair *p)
{
	const char *s;
	size_t n;
	if (!dp_cells_next(p->ca, &s, &n, p->cf, p->cl))
		return NULL;
	p->rec.line = p->row + 2;
	return &p->rec;
}

/* Advances both tables; false at the end (or on a fault: err set).  With
 * numbers, the numeric fields are parsed too. */
bool val_pair_next(struct pair *p, struct dp_buf *err, bool *fault, bool numbers)
{
	p->ra = p->ca ? cells_record(p) : dp_rows_next(p->a, err);
	p->rb = dp_rows_next(p->b, err);
	if (p->ra && p->rb && p->rb->n >= 6) {
		p->row++;
		if (numbers)
			dp_deptrow_load(&p->drow, p->ra);
		else
			dp_deptrow_load_text(&p->drow, p->ra);
		return true;
	}
	bool a_failed = p->ca ? !dp_cells_whole(p->ca) : dp_rows_failed(p->a);
	if (p->ra || p->rb || a_failed || dp_rows_failed(p->b)) {
		val_out_of_step(p, err);
		*fault = true;
	}
	return false;
}

void val_out_of_step(const struct pair *p, struct dp_buf *err)
{
	if (err->len)
		return;
	if (p->ca && !dp_cells_whole(p->ca))
		dp_buf_addf(err, "parsed-%s: damaged or cut short since dp-normalize wrote it (rerun dp-normalize)",
			    dp_work_name(DP_WF_DEPARTMENTS));
	else
		dp_buf_adds(err, "work tables out of step (rerun dp-normalize)");
}

void val_pair_close(struct pair *p)
{
	dp_rows_close(p->a);
	dp_cells_close(p->ca);
	dp_rows_close(p->b);
	free(p->cf);
	free(p->cl);
	dp_deptrow_free(&p->drow);
}

/* The input file a work row (subs.csv.gz, fundsrc.csv.gz) came from: its
 * row in inputs.csv.gz, as dp-normalize wrote it.  -1, with err set, when
 * the cell is not one of those rows (work tables of another run). */
long val_file_of(const struct vctx *v, const char *cell, const char *table, struct dp_buf *err)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(cell, &end, 10);
	if (end != cell && !*end && !errno && n < v->tab->n)
		return (long)n;
	if (!err->len)
		dp_buf_addf(err, "%s: file “%s” is not a row of inputs.csv.gz (rerun dp-normalize)", table, cell);
	return -1;
}

/* The submission id of a work row (subs.csv.gz, fundsrc.csv.gz) in *id;
 * false, with err set, for one dp-normalize did not give (work tables of
 * another run, or damaged: the per-id arrays must not grow with it). */
bool val_sub_id(const struct vctx *v, const char *cell, const char *table, uint64_t *id, struct dp_buf *err)
{
	char *end;
	errno = 0;
	*id = strtoull(cell, &end, 10);
	if (end != cell && !*end && !errno && *id < v->nids)
		return true;
	if (!err->len)
		dp_buf_addf(err, "%s: submission “%s” is not one of the %llu dp-normalize read (rerun dp-normalize)",
			    table, cell, (unsigned long long)v->nids);
	return false;
}


/* Record s as r; false (err set) for a short row or one of no file. */
bool val_fsrc_of(const struct vctx *v, const struct dp_record *s, struct fsrc *r, struct dp_buf *err)
{
	if (s->n < 6) {
		if (!err->len)
			dp_buf_adds(err, "work tables out of step (rerun dp-normalize)");
		return false;
	}
	if ((r->fi = val_file_of(v, s->f[0], dp_work_name(DP_WF_FUNDSRC), err)) < 0)
		return false;
	r->line = strtoull(s->f[1], NULL, 10);
	r->bulk = s->len[3] == 0;
	r->sub = 0;
	if (!r->bulk && !val_sub_id(v, s->f[3], dp_work_name(DP_WF_FUNDSRC), &r->sub, err))
		return false;
	r->errors = strtoull(s->f[4], NULL, 10);
	r->bad = s->f[5];
	return true;
}

/* The subinfo of fund r whose row is d: findings to the stage's, its
 * errors dp-normalize's. */
struct dp_check_site val_fund_info(const struct vctx *v, const struct fsrc *r, const struct dp_deptrow *d)
{
	return (struct dp_check_site){ .file = val_site_file(v, (long)r->fi),
				 .line = r->line,
				 .code = d->text[DP_F_DEPT_CODE],
				 .year = d->text[DP_F_FISCAL_YEAR],
				 .bad_fields = r->bad,
				 .errors = r->errors,
				 .fs = v->fs }; /* (a fund's checks score nothing) */
}

/* Appends a cell of field f to the line being made, as dp_table_puts would
 * write it. */
void val_line_cell(struct vctx *v, size_t k, int f, const char *s)
{
	if (k)
		dp_buf_addc(&v->line, ',');
	dp_csv_put(&v->line, s, strlen(s), dp_field_is_guarded(dp_dict_field(v->dict, (size_t)f)));
}

/* Appends cell s (n bytes) of field f to the row being made as it will be
 * stored: guarded where the field is (text.h), NUL-terminated, for
 * dp_cells_row (memtab.h). */
void val_row_cell(struct vctx *v, int f, const char *s, size_t n)
{
	if (dp_field_is_guarded(dp_dict_field(v->dict, (size_t)f)) && dp_text_needs_guard(s, n))
		dp_buf_addc(&v->line, '\'');
	dp_buf_addz(&v->line, s, n);
}



void val_spool_loser(struct vctx *v, uint64_t id, long fi, uint64_t line, struct winner *w, const char *filed_on)
{
	struct dp_spool *sp = v->sub_spool;
	dp_spool_putu(sp, id);
	dp_spool_putu(sp, (uint64_t)fi);
	dp_spool_putu(sp, (uint64_t)(uintptr_t)w);
	dp_spool_putu(sp, line);
	dp_spool_puts(sp, filed_on);
	dp_spool_end(sp);
	v->nlost++;
}

/* key ("<year>\x1f<code>", dp_key_make) copied into b and cut into its
 * year and code; false when it is not such a key. */
bool val_key_parts(struct dp_buf *b, const char *key, const char **year, const char **code)
{
	dp_buf_reset(b);
	dp_buf_adds(b, key);
	char *sep = strchr(b->s, '\x1f');
	if (!sep)
		return false;
	*sep = '\0';
	*year = b->s;
	*code = sep + 1;
	return true;
}

/* The next row of the spool (valid until the next call); false at the end,
 * with err set on a fault. */
bool val_spooled_next(struct vctx *v, struct spooled *r, struct dp_buf *err)
{
	const char *const *f;
	const size_t *len;
	size_t n;
	while (dp_spool_next(v->sub_spool, &f, &len, &n, err)) {
		long fi = n == 5 ? (long)dp_spool_u(f[1]) : -1;
		struct winner *w = n == 5 ? (struct winner *)(uintptr_t)dp_spool_u(f[2]) : NULL;
		const char *year, *code;
		if (!w || !val_key_parts(&v->spkey, dp_keymap_key(v->keys, w), &year, &code))
			continue;
		*r = (struct spooled){ dp_spool_u(f[0]),
				       (uint64_t)fi,
				       dp_spool_u(f[3]),
				       w,
				       fi >= 0 && (size_t)fi < v->tab->n ? val_site_file(v, fi) : "?",
				       year,
				       code,
				       f[4] };
		return true;
	}
	return false;
}

/* The record of (year, code), created when new.  Records never move
 * (keymap.h).  The last key's record is kept: a bulk file's funds come
 * department by department. */
struct winner *val_winner_of(struct vctx *v, const char *year, const char *code)
{
	dp_key_make(&v->key, year, code);
	if (v->last && v->key.len == v->last_key.len && memcmp(v->key.s, v->last_key.s, v->key.len) == 0)
		return v->last;
	v->last = dp_keymap_put(v->keys, v->key.s, NULL);
	dp_buf_reset(&v->last_key);
	dp_buf_add(&v->last_key, v->key.s, v->key.len);
	return v->last;
}

/* The keys of error-free bulk funds, marked in batches: each key's slot is
 * prefetched as its row is read and the records are made (in the order
 * read) when the batch is full, so that the searches, a wait on memory each
 * at a million keys, overlap. */
#define KEY_BATCH 4096

struct fund_keys {
	struct dp_buf text; /* the keys, NUL-terminated */
	size_t n, last;     /* the last key's offset */
	uint64_t hash[KEY_BATCH];
};

static void fund_keys_flush(struct vctx *v, struct fund_keys *k)
{
	const char *key = k->text.s;
	for (size_t i = 0; i < k->n; i++, key += strlen(key) + 1) {
		struct winner *w = dp_keymap_put_hashed(v->keys, key, k->hash[i], NULL);
		v->fund_keys += !w->bulk_fund;
		w->bulk_fund = true;
	}
	k->n = 0;
	dp_buf_reset(&k->text);
}

bool val_pass_funds_check(struct vctx *v, struct dp_buf *err)
{
	struct pair p;
	bool fault = false;
	char *pa = dp_work_parsed(v->o->work, DP_WF_FUNDS);
	bool opened = val_pair_open(v, &p, pa, NULL, DP_WF_FUNDSRC, err);
	free(pa);
	if (!opened) {
		val_pair_close(&p);
		return false;
	}
	struct fund_keys *keys = dp_xcalloc(1, sizeof *keys);
	while (val_pair_next(&p, err, &fault, true)) {
		struct fsrc r;
		if (!val_fsrc_of(v, p.rb, &r, err)) {
			fault = true;
			break;
		}
		struct dp_check_site si = val_fund_info(v, &r, &p.drow);
		dp_check_fund(&v->checks, &si, &p.drow, r.bulk);
		v->funds_read++;
		if (!r.bulk) {
			val_ensure_sub(v, r.sub);
			v->sub_fund[r.sub] |= si.errors ? 2 : 1;
			continue;
		}
		if (si.errors) {
			v->funds_rejected++;
			v->file_rej[r.fi]++;
			val_quarantine_add(v, r.fi, r.line);
			DP_GROW(v->fund_rej, v->nfund_rej, v->capfund_rej);
			v->fund_rej[v->nfund_rej++] = p.row;
			continue;
		}
		v->file_acc[r.fi]++;
		dp_key_make(&v->key, si.year, si.code);
		/* (a department's funds come one after the other: its key once) */
		if (keys->n && strcmp(keys->text.s + keys->last, v->key.s) == 0)
			continue;
		keys->last = keys->text.len;
		dp_buf_addz(&keys->text, v->key.s, v->key.len);
		keys->hash[keys->n] = dp_keymap_prefetch(v->keys, v->key.s);
		if (++keys->n == KEY_BATCH)
			fund_keys_flush(v, keys);
	}
	fund_keys_flush(v, keys);
	dp_buf_free(&keys->text);
	free(keys);
	val_pair_close(&p);
	return !fault;
}

/* subs columns: sub,file,line,shape,errors,bad_fields,field_lines; the
 * file's row in the file table in *fi.  False (err set) for a row of no
 * file or of an id dp-normalize did not give. */
