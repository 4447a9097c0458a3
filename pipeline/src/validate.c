/* dp-validate: SPEC §4 over the whole run — each record checked (the
 * checks themselves are checks.c's), resubmissions, the roster, the
 * quarantine of rejected input, and the accounting that proves nothing was
 * lost.
 *
 * The normalized tables are first renamed to parsed-*.csv.gz (so that the
 * stage can run again on the same folder), then each is read once: the funds
 * (checks, which submissions have funds), then the submissions (checks, the
 * winner of each (fiscal_year, dept_code)).  The submissions are read from
 * the cells dp-normalize wrote beside its table (parsed-departments.cells,
 * memtab.h) when they are that table's, else by parsing the table.  A
 * submission that passes its checks is a candidate: the record of its key
 * keeps the winner so far, and the one that loses to a later filing is
 * spooled (spool.h) to be named superseded; a candidate's cells stay where
 * they were read, or, when the stage fills some in (or there are no cells
 * of dp-normalize's), go to a cells file of candidates.  When all winners
 * are known, the keys' records give the accepted rows and the spool the
 * superseded, with no second inflate and parse; when every submission is
 * accepted as it was read, departments.csv.gz and departments.cells are
 * dp-normalize's (links), not written again.  Memory: one small record per
 * distinct key, three bytes per submission and 8 bytes per candidate
 * (docs/work-files.md). */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deptperf/checks.h"
#include "deptperf/copier.h"
#include "deptperf/csvfile.h"
#include "deptperf/deptrow.h"
#include "deptperf/fields.h"
#include "deptperf/filetab.h"
#include "deptperf/findings.h"
#include "deptperf/keymap.h"
#include "deptperf/memtab.h"
#include "deptperf/roster.h"
#include "deptperf/rules.h"
#include "deptperf/shape.h"
#include "deptperf/score.h"
#include "deptperf/spool.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"
#include "deptperf/table.h"
#include "deptperf/progress.h"
#include "deptperf/text.h"
#include "deptperf/uscc.h"
#include "deptperf/value.h"

enum { ST_CANDIDATE = 0, ST_REJECTED = 1, ST_ACCEPTED = 2, ST_SUPERSEDED = 3 };

#define NOT_SRC UINT64_MAX /* a candidate whose cells are in v->cand */

/* One per distinct (fiscal_year, dept_code): kept small, there may be a
 * million. */
struct winner {
	uint32_t sub;
	int32_t file;
	uint32_t line;
	uint32_t cand;       /* the winner's place among the candidates */
	char filed_on[11];
	bool set;
	bool bulk_fund;      /* some error-free bulk fund row has this key */
	bool roster_seen;
};

/* A rejected record to quarantine: the file index and line (0: the file). */
struct qitem {
	long file;
	uint64_t line;
};

struct vctx {
	const struct dp_stage_opts *o;
	const struct dp_dict *dict;
	const struct dp_rules *rules;
	struct dp_scorer *scorer;
	struct dp_score_result res; /* the submission being checked (dp_score_applicable sets it) */
	struct dp_filetab *tab;
	struct dp_findings *fs;
	struct dp_progress prog;    /* submissions checked, for a terminal */
	struct dp_keymap *keys;
	struct dp_roster *roster;
	uint64_t nids;              /* the sub ids dp-normalize gave: 0 to nids - 1 (the file table's count) */
	unsigned char *sub_state;   /* per sub id */
	unsigned char *sub_fund;    /* per sub id: 1 has an error-free fund, 2 a fund with errors */
	struct dp_spool *sub_spool;  /* the candidates that lost to a later filing */
	struct dp_cells_writer *cand; /* the candidates' cells, in order (with src: the changed ones only) */
	uint64_t ncand;              /* candidates */
	uint64_t nlost;              /* of those, spooled when they lost to a later filing */
	bool cand_changed;           /* some candidate's cells are not those read */
	bool src;                    /* the departments read from normalize's cells (parsed-departments.cells) */
	uint64_t *csrc;              /* with src, per candidate: its row there, or NOT_SRC (its cells are in cand) */
	size_t capcsrc;
	uint64_t fund_keys;          /* keys with an error-free bulk fund */
	uint64_t fund_keys_won;      /* of those, keys with an accepted submission */
	uint64_t *fund_rej;          /* the rows (from 1) of the bulk funds rejected, in order */
	size_t nfund_rej, capfund_rej;
	const char **sub_cols;       /* the departments columns, NULL-terminated */
	size_t nsub_cols;
	struct dp_buf line;          /* a row being made */
	struct dp_buf csv;           /* a candidate's CSV line */
	size_t nsubs, capsubs;
	struct qitem *q;             /* bulk rows to quarantine, and files when no copier runs */
	size_t nq, capq;
	char *rejdir;                /* the quarantine folder, work/rejected */
	unsigned char *qwhole;       /* per file: copied whole by the copier */
	struct dp_copier *copier;    /* rejected forms copied whole, beside the checks */
	bool no_copier;              /* it could not start: copies made at the end */
	uint64_t *file_acc, *file_rej, *file_sup;
	uint64_t read, accepted, rejected, superseded;
	uint64_t funds_read, funds_accepted, funds_rejected, funds_orphan, funds_dropped;
	struct dp_buf key;
	struct dp_buf spkey;     /* a key being cut into its year and code (key_parts) */
	struct dp_checks checks;     /* SPEC §4's checks of a submission, of a fund (checks.h) */
	struct dp_buf last_key;  /* winner_of's last key, and its record */
	struct winner *last;
	size_t col_code, col_year;  /* the departments' dept_code and fiscal_year columns */
};

static void ensure_sub(struct vctx *v, uint64_t id)
{
	while (id >= v->capsubs) {
		size_t old = v->capsubs;
		v->capsubs = v->capsubs ? dp_st_mult(v->capsubs, 2) : 4096;
		v->sub_state = dp_xrealloc(v->sub_state, v->capsubs);
		v->sub_fund = dp_xrealloc(v->sub_fund, v->capsubs);
		memset(v->sub_state + old, 0, v->capsubs - old);
		memset(v->sub_fund + old, 0, v->capsubs - old);
	}
	if (id >= v->nsubs)
		v->nsubs = id + 1;
}

static char *safe_name(long idx, const char *path, const char *suffix);

/* The copier, started (and rejected/ made) at the first rejected file; NULL
 * when it cannot start: the files are then copied at the end by quarantine(),
 * which reports a folder it cannot make. */
static struct dp_copier *copier_of(struct vctx *v)
{
	if (!v->copier && !v->no_copier) {
		struct dp_buf e = DP_BUF_INIT;
		v->copier = dp_mkdirs(v->rejdir, &e) ? dp_copier_start(&e) : NULL;
		v->no_copier = !v->copier;
		dp_buf_free(&e);
	}
	return v->copier;
}

/* Waits for the copier's copies, if it runs; false (err set, when not NULL)
 * when one failed. */
static bool copier_done(struct vctx *v, struct dp_buf *err)
{
	if (!v->copier)
		return true;
	struct dp_buf e = DP_BUF_INIT;
	bool ok = dp_copier_finish(v->copier, &e);
	v->copier = NULL;
	if (!ok && err)
		dp_buf_add(err, e.s, e.len);
	dp_buf_free(&e);
	return ok;
}

/* A rejected file (line 0) or bulk row to quarantine.  A whole file is
 * handed to the copier at once (copier.h says why); rows wait for the end,
 * when every rejected row of their file is known. */
static void quarantine_add(struct vctx *v, long file, uint64_t line)
{
	if (line == 0 && copier_of(v)) {
		if (!v->qwhole)
			v->qwhole = dp_xcalloc(v->tab->n + 1, 1);
		if (!v->qwhole[file]) {
			v->qwhole[file] = 1;
			char *name = safe_name(file, v->tab->v[file].file, ""), *to = dp_path_join(v->rejdir, name);
			/* what was judged, or nothing (E-CHANGED: it changed or went) */
			dp_copier_add(v->copier, v->tab->v[file].file, to, v->tab->v[file].sha256);
			free(to);
			free(name);
		}
		return;
	}
	DP_GROW(v->q, v->nq, v->capq);
	v->q[v->nq++] = (struct qitem){ file, line };
}

/* ---- the passes ---- */

struct pair {
	struct dp_rows *a, *b;   /* a table and its work-file twin */
	struct dp_cells_reader *ca; /* or a read from its cells (then a is NULL) */
	struct dp_record rec;    /* ca's row */
	const char **cf;
	size_t *cl;
	uint64_t row;            /* rows of a read so far */
	struct dp_deptrow drow;
	const struct dp_record *ra, *rb;
};

/* Opens table ta (or, given ca, its cells) and its twin tb, and reads
 * their headers. */
static bool pair_open(struct vctx *v, struct pair *p, const char *ta, struct dp_cells_reader *ca, const char *tb,
		      struct dp_buf *err)
{
	memset(p, 0, sizeof *p);
	char *pa = dp_path_join(v->o->work, ta), *pb = dp_path_join(v->o->work, tb);
	p->ca = ca;
	p->a = ca ? NULL : dp_rows_open(pa, err);
	p->b = p->a || ca ? dp_rows_open(pb, err) : NULL;
	free(pa);
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
		dp_buf_addf(err, "%s: empty work file", ta);
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
static bool pair_next(struct pair *p, struct dp_buf *err, bool *fault, bool numbers)
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
		if (!err->len)
			dp_buf_adds(err, "work tables out of step (rerun dp-normalize)");
		*fault = true;
	}
	return false;
}

static void pair_close(struct pair *p)
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
static long file_of(const struct vctx *v, const char *cell, const char *table, struct dp_buf *err)
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
static bool sub_id(const struct vctx *v, const char *cell, const char *table, uint64_t *id, struct dp_buf *err)
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

/* A fundsrc.csv.gz row (file,line,shape,sub,errors,bad_fields).  A fund
 * of a bulk file has no submission id: it belongs to its key. */
struct fsrc {
	uint64_t sub, line, errors;
	long fi;     /* its file's row in the file table */
	const char *bad; /* its bad_fields, in the record read (valid while it is) */
	bool bulk;
};

/* Record s as r; false (err set) for a short row or one of no file. */
static bool fsrc_of(const struct vctx *v, const struct dp_record *s, struct fsrc *r, struct dp_buf *err)
{
	if (s->n < 6) {
		if (!err->len)
			dp_buf_adds(err, "work tables out of step (rerun dp-normalize)");
		return false;
	}
	if ((r->fi = file_of(v, s->f[0], "fundsrc.csv.gz", err)) < 0)
		return false;
	r->line = strtoull(s->f[1], NULL, 10);
	r->bulk = s->len[3] == 0;
	r->sub = 0;
	if (!r->bulk && !sub_id(v, s->f[3], "fundsrc.csv.gz", &r->sub, err))
		return false;
	r->errors = strtoull(s->f[4], NULL, 10);
	r->bad = s->f[5];
	return true;
}

/* The subinfo of fund r whose row is d: findings to the stage's, its
 * errors dp-normalize's. */
static struct dp_check_site fund_info(const struct vctx *v, const struct fsrc *r, const struct dp_deptrow *d)
{
	return (struct dp_check_site){ .file = v->tab->v[r->fi].file,
				 .line = r->line,
				 .code = d->text[DP_F_DEPT_CODE],
				 .year = d->text[DP_F_FISCAL_YEAR],
				 .bad_fields = r->bad,
				 .errors = r->errors,
				 .fs = v->fs }; /* (a fund's checks score nothing) */
}

/* Appends a cell of field f to the line being made, as dp_table_puts would
 * write it. */
static void line_cell(struct vctx *v, size_t k, int f, const char *s)
{
	if (k)
		dp_buf_addc(&v->line, ',');
	dp_csv_put(&v->line, s, strlen(s), dp_field_is_guarded(dp_dict_field(v->dict, (size_t)f)));
}

/* Appends cell s (n bytes) of field f to the row being made as it will be
 * stored: guarded where the field is (text.h), NUL-terminated; row_csv makes the
 * CSV line, dp_cells_row takes it as it is (memtab.h). */
static void row_cell(struct vctx *v, int f, const char *s, size_t n)
{
	if (dp_field_is_guarded(dp_dict_field(v->dict, (size_t)f)) && dp_text_needs_guard(s, n))
		dp_buf_addc(&v->line, '\'');
	dp_buf_addz(&v->line, s, n);
}

/* The CSV line of the cells s[0..n) (row_cell's), in v->csv. */
static void row_csv(struct vctx *v, const char *s, size_t n)
{
	dp_buf_reset(&v->csv);
	for (const char *p = s, *end = s + n; p < end;) {
		size_t k = strlen(p);
		if (p != s)
			dp_buf_addc(&v->csv, ',');
		dp_csv_put(&v->csv, p, k, false); /* guarded already */
		p += k + 1;
	}
}

/* A candidate that lost to a later filing of its key, spooled until the
 * winners are known: its id and file index, the record of its key (struct
 * winner: records never move, keymap.h), its line and its filed_on.  The
 * file's path, year and code are not spooled: they are the file table's and
 * the key's.  Only these are spooled: a winner's finding and counts come
 * from its key's record (at 1 000 000 submissions, spooling every candidate
 * was 40 MB written and read back, ≈ 5 % of the stage's CPU). */
struct spooled {
	uint64_t id, fi, line;
	struct winner *w;
	const char *file, *year, *code, *filed_on;
};

static void spool_loser(struct vctx *v, uint64_t id, long fi, uint64_t line, struct winner *w, const char *filed_on)
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
static bool key_parts(struct dp_buf *b, const char *key, const char **year, const char **code)
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
static bool spooled_next(struct vctx *v, struct spooled *r, struct dp_buf *err)
{
	const char *const *f;
	const size_t *len;
	size_t n;
	while (dp_spool_next(v->sub_spool, &f, &len, &n, err)) {
		long fi = n == 5 ? (long)dp_spool_u(f[1]) : -1;
		struct winner *w = n == 5 ? (struct winner *)(uintptr_t)dp_spool_u(f[2]) : NULL;
		const char *year, *code;
		if (!w || !key_parts(&v->spkey, dp_keymap_key(v->keys, w), &year, &code))
			continue;
		*r = (struct spooled){ dp_spool_u(f[0]),
				       (uint64_t)fi,
				       dp_spool_u(f[3]),
				       w,
				       fi >= 0 && (size_t)fi < v->tab->n ? v->tab->v[fi].file : "?",
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
static struct winner *winner_of(struct vctx *v, const char *year, const char *code)
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

static bool pass_funds_check(struct vctx *v, struct dp_buf *err)
{
	struct pair p;
	bool fault = false;
	if (!pair_open(v, &p, "parsed-special_funds.csv.gz", NULL, "fundsrc.csv.gz", err)) {
		pair_close(&p);
		return false;
	}
	struct fund_keys *keys = dp_xcalloc(1, sizeof *keys);
	while (pair_next(&p, err, &fault, true)) {
		struct fsrc r;
		if (!fsrc_of(v, p.rb, &r, err)) {
			fault = true;
			break;
		}
		struct dp_check_site si = fund_info(v, &r, &p.drow);
		dp_check_fund(&v->checks, &si, &p.drow, r.bulk);
		v->funds_read++;
		if (!r.bulk) {
			ensure_sub(v, r.sub);
			v->sub_fund[r.sub] |= si.errors ? 2 : 1;
			continue;
		}
		if (si.errors) {
			v->funds_rejected++;
			v->file_rej[r.fi]++;
			quarantine_add(v, r.fi, r.line);
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
	pair_close(&p);
	return !fault;
}

/* subs columns: sub,file,line,shape,errors,bad_fields,field_lines; the
 * file's row in the file table in *fi.  False (err set) for a row of no
 * file or of an id dp-normalize did not give. */
static bool sub_info(const struct vctx *v, const struct pair *p, struct dp_check_site *si, uint64_t *id, long *fi,
		     struct dp_buf *err)
{
	if (!sub_id(v, p->rb->f[0], "subs.csv.gz", id, err) ||
	    (*fi = file_of(v, p->rb->f[1], "subs.csv.gz", err)) < 0)
		return false;
	si->file = v->tab->v[*fi].file;
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

/* The cells a candidate's row d will have in departments.csv.gz that may
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

/* A candidate, in the order read: its place (with dp-normalize's cells,
 * its row there in v->csrc, src, or NOT_SRC when its cells are in v->cand)
 * and its key's competition: it wins when it is the first, or later
 * (later()); the one that loses is spooled. */
static void candidate(struct vctx *v, uint64_t id, long fi, uint64_t src, struct winner *w, uint64_t line,
		      const char *filed_on)
{
	uint64_t c = v->ncand++;
	if (v->src) {
		DP_GROW(v->csrc, c, v->capcsrc);
		v->csrc[c] = src;
	}
	if (w->set && !later(w, filed_on, fi, line)) {
		spool_loser(v, id, fi, line, w, filed_on);
		return;
	}
	if (w->set)
		spool_loser(v, w->sub, w->file, w->line, w, w->filed_on);
	v->fund_keys_won += !w->set && w->bulk_fund;
	w->set = true;
	w->sub = (uint32_t)id;
	w->file = (int32_t)fi;
	w->line = (uint32_t)line;
	w->cand = (uint32_t)c;
	snprintf(w->filed_on, sizeof w->filed_on, "%s", filed_on);
}

/* A submission that passed its checks: a candidate, with the cells it will
 * have in departments.csv.gz (fill_in) in v->cand when they are not the
 * cells read (and noted).  row: its row in the table read, from 1. */
static void sub_candidate(struct vctx *v, const struct pair *p, const struct dp_check_site *si, uint64_t id, long fi,
			    struct winner *w, uint64_t row)
{
	struct filled fl;
	fill_in(v, &p->drow, si->code, &fl);
	const char *parent = fl.parent, *sector = fl.sector, *pname = fl.pname;
	const char *const *t = p->drow.text;
	uint64_t src = NOT_SRC;
	if (v->src && !fl.any && p->ra->n == p->drow.ncols) {
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
		row_cell(v, f, c, c == raw && k < p->ra->n ? p->ra->len[k] : strlen(c));
		/* (without a change so far the row has all its cells) */
		if (!changed && (c != raw || v->line.len - at != p->ra->len[k] + 1))
			changed = v->line.len - at != p->ra->len[k] + 1 || memcmp(v->line.s + at, raw, p->ra->len[k]) != 0;
	}
	v->cand_changed |= changed;
	if (v->src && !changed)
		src = row - 1;
	else
		dp_cells_row(v->cand, v->line.s, v->line.len);
	candidate(v, id, fi, src, w, si->line, t[DP_F_FILED_ON]);
}

/* normalize's cells of parsed-departments.csv.gz, when it left them and
 * they are that table's (memtab.h); NULL otherwise, and the table is
 * parsed.  v->src says which. */
static struct dp_cells_reader *source_cells(struct vctx *v)
{
	char *pt = dp_path_join(v->o->work, "parsed-departments.csv.gz");
	char *pc = dp_path_join(v->o->work, "parsed-departments.cells");
	struct dp_cells_reader *r = dp_cells_open(pc, pt);
	v->src = r != NULL;
	free(pt);
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
	quarantine_add(v, fi, form ? 0 : line);
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
 * With normalize's cells and more than one thread, the submissions are
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
			if (!err->len)
				dp_buf_adds(err, "work tables out of step (rerun dp-normalize)");
			return false;
		}
		struct brow *r = &b[bt->m++];
		p->row++;
		r->at = bt->rows.len;
		r->row = p->row;
		if (!sub_id(v, rb->f[0], "subs.csv.gz", &r->id, err) ||
		    (r->fi = file_of(v, rb->f[1], "subs.csv.gz", err)) < 0)
			return false;
		r->line = strtoull(rb->f[2], NULL, 10);
		r->form = strcmp(rb->f[3], "form") == 0;
		r->errors = strtoull(rb->f[4], NULL, 10);
		r->bad = text->len;
		dp_buf_addz(text, rb->f[5], rb->len[5]);
		r->lines = text->len;
		dp_buf_addz(text, rb->n > 6 ? rb->f[6] : "", rb->n > 6 ? rb->len[6] : 0);
		ensure_sub(v, r->id);
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
	si->file = v->tab->v[r->fi].file;
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

static bool pass_subs_check(struct vctx *v, struct dp_buf *err)
{
	struct pair p;
	bool fault = false;
	if (!pair_open(v, &p, "parsed-departments.csv.gz", source_cells(v), "subs.csv.gz", err)) {
		pair_close(&p);
		return false;
	}
	/* the columns of departments.csv.gz, even when no submission is accepted */
	v->sub_cols = dp_xcalloc(p.drow.ncols + 1, sizeof *v->sub_cols);
	v->nsub_cols = p.drow.ncols;
	for (size_t k = 0; k < p.drow.ncols; k++)
		v->sub_cols[k] = dp_dict_field(v->dict, (size_t)p.drow.field[k])->code;
	/* (the header read is these codes: dp_deptrow_init takes no other) */
	char *p_cand = dp_path_join(v->o->work, "candidates.cells.tmp");
	v->cand = dp_cells_create(p_cand, v->sub_cols, v->nsub_cols, err);
	free(p_cand);
	if (!v->cand) {
		pair_close(&p);
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
	if (p.ca && has_code && has_year && omp_get_max_threads() > 1) {
		struct dp_record hdr = { p.drow.ncols, v->sub_cols, NULL, 1, 0 };
		bool ok = pass_subs_batched(v, &p, &hdr, err);
		pair_close(&p);
		return ok;
	}
	while (pair_next(&p, err, &fault, true)) {
		struct dp_check_site si;
		uint64_t id;
		long fi;
		if (!sub_info(v, &p, &si, &id, &fi, err)) {
			fault = true;
			break;
		}
		ensure_sub(v, id);
		si.res = &v->res;
		/* (made for a submission rejected too: a record not set is none) */
		struct winner *w = winner_of(v, si.year, si.code);
		sub_checks(v, &si, &p.drow, v->sub_fund[id], w->bulk_fund);
		sub_decide(v, &p, &si, id, fi, w, strcmp(p.rb->f[3], "form") == 0, p.row);
		dp_progress_add(&v->prog, 1);
	}
	pair_close(&p);
	return !fault;
}

struct years {
	char **v;
	size_t n, cap;
};

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
	if (w->cand >= v->ncand || !key_parts(&v->spkey, key, &year, &code)) {
		ws->bad = true;
		return;
	}
	ws->acc[w->cand] = 1;
	v->sub_state[w->sub] = ST_ACCEPTED;
	v->accepted++;
	v->file_acc[w->file]++;
	years_add(ws->years, year);
	const char *file = v->tab->v[w->file].file;
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
static bool decide_subs(struct vctx *v, unsigned char *acc, struct years *years, struct dp_buf *err)
{
	if (!dp_spool_rewind(v->sub_spool, err))
		return false;
	struct spooled r;
	uint64_t lost = 0;
	while (spooled_next(v, &r, err)) {
		lost++;
		struct winner *w = r.w;
		v->sub_state[r.id] = ST_SUPERSEDED;
		v->superseded++;
		if (r.fi < v->tab->n)
			v->file_sup[r.fi]++;
		const char *wf = w->file >= 0 ? v->tab->v[w->file].file : "?";
		dp_findings_add(v->fs, DP_W_SUPERSEDED, r.file, r.line, r.code, r.year, "filed_on", r.filed_on,
				"已被同一部门同一年度的后一次填报取代（%s 第 %llu 行，填报日期 %s），本次填报不计分", wf,
				(unsigned long long)w->line, w->filed_on);
	}
	struct winners ws = { v, acc, years, false };
	dp_keymap_each(v->keys, winner_accepted, &ws);
	size_t in_cand = 0;
	for (size_t k = 0; k < v->ncand; k++)
		in_cand += !v->csrc || v->csrc[k] == NOT_SRC;
	if (!err->len && (ws.bad || lost != v->nlost || v->accepted + v->superseded != v->ncand ||
			  in_cand != dp_cells_nrows(v->cand)))
		dp_buf_adds(err, "dp-validate: the spool of candidates is out of step");
	return !err->len;
}

/* The accepted candidates' rows, in order, to departments.csv.gz and a
 * cells file: each candidate's cells are either a row of v->cand or (with
 * v->src) a row of normalize's cells, which rd reads. */
struct accepted_out {
	struct vctx *v;
	const unsigned char *acc;
	struct dp_table *csv;          /* or NULL */
	struct dp_cells_writer *cells; /* or NULL */
	struct dp_cells_reader *rd;    /* with v->src */
	uint64_t rd_rows;              /* rows rd has read */
	size_t next;                   /* the next candidate */
	bool failed;                   /* rd ended early */
};

static void write_accepted(struct accepted_out *o, const char *s, size_t n)
{
	if (!o->acc[o->next++])
		return;
	if (o->csv) {
		row_csv(o->v, s, n);
		dp_table_line(o->csv, o->v->csv.s, o->v->csv.len);
	}
	if (o->cells)
		dp_cells_row(o->cells, s, n);
}

/* The candidates from o->next on whose cells are normalize's, up to the
 * next one in v->cand. */
static void write_from_source(struct accepted_out *o)
{
	const uint64_t *src = o->v->csrc;
	while (src && o->next < o->v->ncand && src[o->next] != NOT_SRC && !o->failed) {
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

/* departments.csv.gz and departments.cells, from the accepted candidates.
 * When every submission read is accepted as it was read, the table is the
 * parsed one (a hard link, else a copy): writing it again would give the
 * same bytes; so are its cells, normalize's when it left them.  Otherwise
 * the accepted rows are written from their cells (v->cand's, and
 * normalize's with v->src).  Without normalize's cells, v->cand holds every
 * candidate and is departments.cells unless some were superseded.  A cells
 * file that cannot be made costs the stages after this one time, not the
 * run: it is left out. */
static bool write_subs(struct vctx *v, const unsigned char *acc, struct dp_buf *err)
{
	char *p_dep = dp_path_join(v->o->work, "departments.csv.gz");
	char *p_parsed = dp_path_join(v->o->work, "parsed-departments.csv.gz");
	char *p_cells = dp_path_join(v->o->work, "departments.cells");
	char *p_pcells = dp_path_join(v->o->work, "parsed-departments.cells");
	char *p_tmp = dp_path_join(v->o->work, "departments.cells.tmp");
	struct dp_buf cerr = DP_BUF_INIT;
	uint32_t crc = 0; /* the table's, for its cells */
	bool as_read = !v->rejected && !v->superseded && !v->cand_changed, ok = true;
	struct accepted_out o = { v, acc, NULL, NULL, NULL, 0, 0, false };
	/* a cells file of its own unless it is v->cand (every candidate
	 * accepted) or normalize's (every row as read) */
	bool fresh = !as_read && (v->superseded || v->src);
	if (fresh)
		o.cells = dp_cells_create(p_tmp, v->sub_cols, v->nsub_cols, &cerr);
	if (!as_read) {
		if (v->src && !(o.rd = dp_cells_open(p_pcells, p_parsed))) {
			dp_buf_addf(err, "%s: cannot read again", p_pcells);
			ok = false;
		} else if (!(o.csv = dp_table_create(p_dep, DP_CELLS_TABLE_LEVEL, err))) {
			ok = false;
		} else {
			dp_table_crc_only(o.csv); /* its cells name it by its CRC-32 */
			dp_table_header(o.csv, v->sub_cols);
		}
	}
	if (ok && o.csv) {
		ok = dp_cells_each(v->cand, write_changed, &o, err);
		write_from_source(&o);
		if (ok && (o.failed || o.next != v->ncand)) {
			dp_buf_addf(err, "%s: shorter than when it was read", v->src ? p_pcells : "candidates.cells.tmp");
			ok = false;
		}
	}
	if (!ok) {
		dp_table_abort(o.csv);
	} else if (o.csv) {
		struct dp_table_info info;
		ok = dp_table_commit(o.csv, &info, err);
		crc = info.crc32;
	} else {
		/* (with v->src departments.cells is dp-normalize's, linked below:
		 * no cells are committed, so the table need not be hashed) */
		ok = link_parsed(p_parsed, p_dep, err) && (v->src || dp_crc32_file(p_dep, &crc));
		if (!ok && !err->len)
			dp_buf_addf(err, "%s: cannot read back: %s", p_dep, strerror(errno));
	}
	dp_cells_close(o.rd);
	struct dp_cells_writer *final = fresh ? o.cells : v->src ? NULL : v->cand;
	if (final != v->cand)
		dp_cells_abort(v->cand);
	v->cand = NULL;
	if (ok && as_read && v->src)
		link_parsed(p_pcells, p_cells, &cerr); /* normalize's cells are this table's */
	else if (ok && final)
		dp_cells_commit(final, p_cells, p_dep, crc, &cerr);
	else
		dp_cells_abort(final);
	dp_buf_free(&cerr);
	free(p_dep);
	free(p_parsed);
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
static int write_funds(struct vctx *v, struct dp_buf *err)
{
	char *p_fun = dp_path_join(v->o->work, "special_funds.csv.gz");
	char *p_parsed = dp_path_join(v->o->work, "parsed-special_funds.csv.gz");
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
	if (!pair_open(v, &p, "parsed-special_funds.csv.gz", NULL, "fundsrc.csv.gz", err)) {
		pair_close(&p);
		dp_table_abort(out);
		return DP_IOERR;
	}
	static const char *const cols[] = { "fiscal_year", "dept_code", "fund_name", "fund_alloc",
					    "fund_spent", "fund_selfeval", NULL };
	dp_table_header(out, cols);
	size_t rej = 0;
	while (pair_next(&p, err, &fault, false)) {
		/* rejected, and counted, when checked: by dp-normalize or by
		 * check_fund (fundsrc's errors are dp-normalize's only) */
		if (rej < v->nfund_rej && v->fund_rej[rej] == p.row) {
			rej++;
			continue;
		}
		struct fsrc r;
		if (!fsrc_of(v, p.rb, &r, err)) {
			fault = true;
			break;
		}
		struct dp_check_site si = fund_info(v, &r, &p.drow);
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
			line_cell(v, k, p.drow.field[k], k < p.ra->n ? p.ra->f[k] : "");
		dp_table_line(out, v->line.s, v->line.len);
	}
	pair_close(&p);
	if (fault || err->len) {
		dp_table_abort(out);
		return DP_IOERR;
	}
	return dp_table_commit(out, NULL, err) ? DP_OK : DP_CANTCREATE;
}

/* ---- quarantine ---- */

static char *safe_name(long idx, const char *path, const char *suffix)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	struct dp_buf b = DP_BUF_INIT;
	dp_buf_addf(&b, "%04ld-", idx);
	for (const char *c = base; *c; c++) {
		unsigned char u = (unsigned char)*c;
		bool ok = u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
			  u == '-' || u == '_' || (u == '.' && c != base);
		dp_buf_addc(&b, ok ? (char)u : '_');
	}
	dp_buf_adds(&b, suffix);
	return dp_buf_detach(&b);
}

struct extract {
	const struct qitem *q;
	size_t n, pos;
	bool header_done;
	FILE *out;
	bool ok;
	struct dp_buf line;
};

static int on_extract(void *ctx, const struct dp_record *r)
{
	struct extract *x = ctx;
	bool take = !x->header_done;
	x->header_done = true;
	while (x->pos < x->n && x->q[x->pos].line < r->line)
		x->pos++;
	if (x->pos < x->n && x->q[x->pos].line == r->line)
		take = true;
	if (!take)
		return 0;
	dp_buf_reset(&x->line);
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			dp_buf_addc(&x->line, ',');
		dp_csv_put(&x->line, r->f[i], r->len[i], false);
	}
	dp_buf_addc(&x->line, '\n');
	if (fwrite(x->line.s, 1, x->line.len, x->out) != x->line.len)
		x->ok = false;
	return 0;
}

/* Bulk rows are written under their header as UTF-8 CSV, for the clerk to
 * open, correct and send again. */
static bool extract_rows(const struct dp_file_row *f, const struct qitem *q, size_t n, const char *to,
			 struct dp_buf *err)
{
	struct dp_buf tmp = DP_BUF_INIT;
	dp_buf_addf(&tmp, "%s.tmp", to);
	struct extract x = { q, n, 0, false, fopen(tmp.s, "wb"), true, DP_BUF_INIT };
	if (!x.out) {
		dp_buf_addf(err, "%s: cannot write: %s", to, strerror(errno));
		dp_buf_free(&tmp);
		return false;
	}
	fputs("\xEF\xBB\xBF", x.out); /* a BOM, so that Excel opens it as UTF-8 */
	struct dp_csvfile_result res;
	struct dp_buf e = DP_BUF_INIT;
	dp_csvfile_read(f->file, dp_encoding_from_name(f->encoding), false, on_extract, &x, &res, &e);
	bool ok = x.ok && res.status == DP_CF_OK;
	if (fclose(x.out) != 0)
		ok = false;
	if (ok && rename(tmp.s, to) != 0)
		ok = false;
	if (!ok) {
		dp_buf_addf(err, "%s: cannot quarantine rows: %s", f->file, e.len ? e.s : strerror(errno));
		unlink(tmp.s);
	}
	dp_buf_free(&e);
	dp_buf_free(&tmp);
	dp_buf_free(&x.line);
	return ok;
}

static int qcmp(const void *a, const void *b)
{
	const struct qitem *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static bool quarantine(struct vctx *v, struct dp_buf *err)
{
	bool ok = dp_mkdirs(v->rejdir, err);
	dp_qsort(v->q, v->nq, sizeof *v->q, qcmp);
	for (size_t i = 0; ok && i < v->nq;) {
		size_t j = i;
		while (j < v->nq && v->q[j].file == v->q[i].file)
			j++;
		if (v->qwhole && v->qwhole[v->q[i].file]) { /* the copier has it whole */
			i = j;
			continue;
		}
		const struct dp_file_row *f = &v->tab->v[v->q[i].file];
		bool whole = v->q[i].line == 0;
		char *name = safe_name(v->q[i].file, f->file, whole ? "" : ".rejected-rows.csv");
		char *to = dp_path_join(v->rejdir, name);
		ok = whole ? dp_copy_file_as_read(f->file, to, f->sha256[0] ? f->sha256 : NULL, err) :
			     extract_rows(f, v->q + i, j - i, to, err);
		free(name);
		free(to);
		i = j;
	}
	return ok;
}

/* ---- the stage ---- */

static const char *const kept[] = { "departments.csv.gz", "special_funds.csv.gz", "inputs.csv.gz",
				    "findings.csv.gz" };

void dp_validate_forget(const char *work)
{
	for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
		struct dp_buf p = DP_BUF_INIT;
		dp_buf_addf(&p, "%s/parsed-%s", work, kept[i]);
		unlink(p.s);
		dp_buf_free(&p);
	}
	/* the cells of a table about to be made again (normalize's, or the
	 * accepted ones validate wrote) */
	static const char *const cells[] = { "parsed-departments.cells", "departments.cells" };
	for (size_t i = 0; i < 2; i++) {
		char *p = dp_path_join(work, cells[i]);
		unlink(p);
		free(p);
	}
}

/* Renames work/name to parsed-name unless that is there already (a run
 * again).  err NULL: a file that may be missing (dp-normalize's cells). */
static bool keep_parsed(const char *work, const char *name, struct dp_buf *err)
{
	char *from = dp_path_join(work, name);
	struct dp_buf to = DP_BUF_INIT;
	dp_buf_addf(&to, "%s/parsed-%s", work, name);
	bool ok = true;
	if (access(to.s, F_OK) != 0 && rename(from, to.s) != 0 && err) {
		dp_buf_addf(err, "%s: %s (run dp-normalize first)", from, strerror(errno));
		ok = false;
	}
	free(from);
	dp_buf_free(&to);
	return ok;
}

static const char *final_status(const struct vctx *v, size_t i)
{
	uint64_t acc = v->file_acc[i], rej = v->file_rej[i], sup = v->file_sup[i];
	uint64_t total = acc + rej + sup;
	if (!total)
		return NULL;
	if (rej == total)
		return "rejected";
	if (rej)
		return "partly-rejected";
	if (!acc)
		return "superseded";
	return "accepted";
}

static bool write_missing(struct vctx *v, const struct years *years, uint64_t *missing, struct dp_buf *err)
{
	char *path = dp_path_join(v->o->work, "missing.csv.gz");
	if (!v->roster) {
		unlink(path);
		free(path);
		return true;
	}
	struct dp_table *t = dp_table_create(path, DP_WORK_LEVEL, err);
	free(path);
	if (!t)
		return false;
	static const char *const cols[] = { "fiscal_year", "dept_code", "dept_name", "parent_code", "sector", NULL };
	dp_table_header(t, cols);
	for (size_t y = 0; y < years->n; y++) {
		for (size_t i = 0; i < v->roster->n; i++) {
			const struct dp_roster_entry *e = &v->roster->v[i];
			dp_key_make(&v->key, years->v[y], e->dept_code);
			const struct winner *w = dp_keymap_get(v->keys, v->key.s);
			if (w && w->set)
				continue;
			(*missing)++;
			dp_findings_add(v->fs, DP_W_MISSING, v->roster->path, e->line, e->dept_code, years->v[y],
					"dept_code", e->dept_code,
					"名册中的部门 %s（%s）没有 %s 年度的有效自评表：请催报，或核对其提交是否被拒收",
					e->dept_code, e->dept_name, years->v[y]);
			dp_table_puts(t, years->v[y], false);
			dp_table_puts(t, e->dept_code, true);
			dp_table_puts(t, e->dept_name, true);
			dp_table_puts(t, e->parent_code, true);
			dp_table_puts(t, e->sector, true);
			dp_table_end_row(t);
		}
	}
	return dp_table_commit(t, NULL, err);
}

static int years_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool write_counts(const struct vctx *v, uint64_t missing, struct dp_buf *err)
{
	char *path = dp_path_join(v->o->work, "counts.csv.gz");
	struct dp_table *t = dp_table_create(path, DP_WORK_LEVEL, err);
	free(path);
	if (!t)
		return false;
	static const char *const cols[] = { "count", "value", NULL };
	dp_table_header(t, cols);
	size_t files = v->tab->n, frej = 0, fskip = 0;
	for (size_t i = 0; i < files; i++) {
		frej += strcmp(v->tab->v[i].status, "rejected") == 0;
		fskip += strcmp(v->tab->v[i].status, "skipped") == 0;
	}
	const struct { const char *k; uint64_t n; } rows[] = {
		{ "files", files }, { "files_rejected", frej }, { "files_skipped", fskip },
		{ "submissions_read", v->read }, { "submissions_accepted", v->accepted },
		{ "submissions_rejected", v->rejected }, { "submissions_superseded", v->superseded },
		{ "funds_read", v->funds_read }, { "funds_accepted", v->funds_accepted },
		{ "funds_rejected", v->funds_rejected }, { "funds_orphan", v->funds_orphan },
		{ "funds_with_their_submission", v->funds_dropped }, { "departments_missing", missing },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		dp_table_puts(t, rows[i].k, false);
		dp_table_putu(t, rows[i].n);
		dp_table_end_row(t);
	}
	return dp_table_commit(t, NULL, err);
}

int dp_validate_run(const struct dp_stage_opts *o, struct dp_stage_report *rep, struct dp_buf *err)
{
	struct vctx v;
	memset(&v, 0, sizeof v);
	v.o = o;
	struct dp_phases ph;
	dp_phases_start(&ph);
	if (!dp_stage_ready(o, "subs.csv.gz", "dp-normalize", err))
		return DP_NOINPUT;
	int lrc;
	struct dp_rules *rules = dp_stage_load_rules(o, &lrc, err);
	if (!rules)
		return lrc;
	if (o->roster && !(v.roster = dp_roster_load(o->roster, err))) {
		dp_rules_free(rules);
		return DP_BADCONFIG;
	}
	struct dp_dict *dict = dp_dict_new(rules);
	struct dp_filetab tab = { 0 };
	struct dp_findings fs = { 0 };
	struct years years = { 0 };
	v.dict = dict;
	v.rules = rules;
	v.scorer = dp_scorer_new(rules, dict);
	dp_score_result_init(&v.res, v.scorer);
	v.tab = &tab;
	v.fs = &fs;
	v.rejdir = dp_path_join(o->work, "rejected");
	v.keys = dp_keymap_new(sizeof(struct winner));
	dp_checks_init(&v.checks, dict, rules, v.scorer);
	int rc = DP_OK;
	uint64_t missing = 0;
	unsigned char *acc = NULL;
	char *p_in = dp_path_join(o->work, "parsed-inputs.csv.gz"), *p_fi = dp_path_join(o->work, "parsed-findings.csv.gz");
	bool kept_all = true;
	for (size_t i = 0; kept_all && i < sizeof kept / sizeof kept[0]; i++)
		kept_all = keep_parsed(o->work, kept[i], err);
	/* and normalize's cells of its departments, when it left them (a cells
	 * file is used only for the table it names: memtab.h; none: the table
	 * is parsed) */
	if (kept_all)
		keep_parsed(o->work, "departments.cells", NULL);
	if (!kept_all || !dp_filetab_load(&tab, p_in, err) || !dp_findings_load(&fs, p_fi, err)) {
		rc = DP_IOERR;
		goto out;
	}
	/* as many keys at most, but for orphan funds' (a count past 2^26 in a
	 * damaged inputs.csv.gz only means the map grows as it goes) */
	uint64_t nsub = 0;
	for (size_t i = 0; i < tab.n; i++) {
		nsub += tab.v[i].submissions < ((uint64_t)1 << 26) ? tab.v[i].submissions : (uint64_t)1 << 26;
		v.nids = tab.v[i].submissions < UINT64_MAX - v.nids ? v.nids + tab.v[i].submissions : UINT64_MAX;
	}
	dp_keymap_reserve(v.keys, (size_t)(nsub < ((uint64_t)1 << 26) ? nsub : (uint64_t)1 << 26));
	v.file_acc = dp_xcalloc(tab.n + 1, sizeof(uint64_t));
	v.file_rej = dp_xcalloc(tab.n + 1, sizeof(uint64_t));
	v.file_sup = dp_xcalloc(tab.n + 1, sizeof(uint64_t));
	if (!(v.sub_spool = dp_spool_new(o->work, err))) {
		rc = DP_CANTCREATE;
		goto out;
	}
	/* the forms dp-normalize rejected go to the copier now, so that its
	 * copies (slow on some file systems: copier.h) start beside the funds
	 * pass, not in the submissions': a form is quarantined whole, and one
	 * whose submission dp-normalize found in error is rejected whatever the
	 * checks find.  (Not every file with no submission: a bulk funds file
	 * whose every row is in error keeps its rows, not a copy, below.) */
	for (size_t i = 0; i < tab.n; i++)
		if (strcmp(tab.v[i].status, "rejected") == 0 && strcmp(tab.v[i].shape, dp_shape_name(DP_SHAPE_FORM)) == 0)
			quarantine_add(&v, (long)i, 0);
	dp_phase_end(&ph, "setup");
	bool passed = pass_funds_check(&v, err);
	dp_phase_end(&ph, "funds");
	uint64_t nsubs = 0;
	for (size_t i = 0; i < v.tab->n; i++)
		nsubs += v.tab->v[i].submissions;
	dp_progress_start(&v.prog, o->on_progress, "dp-validate", "submissions", nsubs);
	passed = passed && pass_subs_check(&v, err);
	dp_progress_end(&v.prog);
	if (!passed) {
		rc = DP_IOERR;
		goto out;
	}
	dp_phase_end(&ph, "subs");
	/* a departments.cells of another run must not outlive this one's table */
	char *p_cells = dp_path_join(o->work, "departments.cells");
	unlink(p_cells);
	free(p_cells);
	acc = dp_xcalloc((size_t)v.ncand + 1, 1);
	if (!decide_subs(&v, acc, &years, err)) {
		rc = DP_IOERR;
		goto out;
	}
	dp_phase_end(&ph, "decide");
	/* the two tables at once: they share nothing (write_funds alone adds
	 * findings); each is a full read and write when some submission was
	 * not accepted (100 000 forms: ≈ 0.1 s each) */
	struct dp_buf ferr = DP_BUF_INIT;
	bool subs_ok = true;
#pragma omp parallel sections num_threads(2) if (omp_get_max_threads() > 1)
	{
#pragma omp section
		subs_ok = write_subs(&v, acc, err);
#pragma omp section
		rc = write_funds(&v, &ferr);
	}
	if (!subs_ok)
		rc = DP_CANTCREATE;
	else if (rc != DP_OK)
		dp_buf_add(err, ferr.s, ferr.len);
	dp_buf_free(&ferr);
	if (rc != DP_OK)
		goto out;
	dp_phase_end(&ph, "tables");
	dp_qsort(years.v, years.n, sizeof *years.v, years_cmp);
	for (size_t i = 0; i < tab.n; i++) {
		const char *st = final_status(&v, i);
		if (st)
			dp_filetab_set(&tab.v[i].status, st);
		else if (strcmp(tab.v[i].status, "rejected") == 0 && tab.v[i].sha256[0])
			quarantine_add(&v, (long)i, 0); /* refused whole by dp-ingest (not one it could not read) */
	}
	char *p_out_in = dp_path_join(o->work, "inputs.csv.gz"), *p_out_fi = dp_path_join(o->work, "findings.csv.gz");
	bool ok = write_missing(&v, &years, &missing, err) && quarantine(&v, err) &&
		  dp_filetab_write(&tab, p_out_in, DP_WORK_LEVEL, NULL, err) && write_counts(&v, missing, err) &&
		  dp_findings_write(&fs, p_out_fi, DP_WORK_LEVEL, NULL, err);
	free(p_out_in);
	free(p_out_fi);
	dp_phase_end(&ph, "findings");
	ok = copier_done(&v, ok ? err : NULL) && ok;
	dp_phase_end(&ph, "copies");
	if (!ok) {
		rc = DP_CANTCREATE;
		goto out;
	}
	dp_buf_addf(&rep->line,
		    "%zu files, %llu submissions read: %llu accepted + %llu rejected + %llu superseded; "
		    "%llu special funds: %llu accepted, %llu rejected, %llu orphan; %llu errors, %llu warnings",
		    tab.n, (unsigned long long)v.read, (unsigned long long)v.accepted, (unsigned long long)v.rejected,
		    (unsigned long long)v.superseded, (unsigned long long)v.funds_read,
		    (unsigned long long)v.funds_accepted, (unsigned long long)v.funds_rejected,
		    (unsigned long long)v.funds_orphan, (unsigned long long)fs.errors, (unsigned long long)fs.warnings);
	if (v.roster)
		dp_buf_addf(&rep->line, "; %llu rostered departments missing", (unsigned long long)missing);
	dp_phases_report(&ph, rep);
	if (fs.errors || missing)
		rc = DP_FINDINGS;
out:
	dp_buf_free(&ph.text);
	copier_done(&v, NULL); /* after a failure: its copies waited for, not reported */
	free(v.qwhole);
	free(v.rejdir);
	dp_checks_free(&v.checks);
	free(p_in);
	free(p_fi);
	for (size_t i = 0; i < years.n; i++)
		free(years.v[i]);
	free(years.v);
	free(v.sub_state);
	free(v.sub_fund);
	dp_spool_free(v.sub_spool);
	dp_cells_abort(v.cand);
	free(v.csrc);
	free(acc);
	free(v.sub_cols);
	dp_buf_free(&v.line);
	dp_buf_free(&v.csv);
	free(v.q);
	free(v.fund_rej);
	free(v.file_acc);
	free(v.file_rej);
	free(v.file_sup);
	dp_buf_free(&v.key);
	dp_buf_free(&v.last_key);
	dp_buf_free(&v.spkey);
	dp_keymap_free(v.keys);
	dp_score_result_free(&v.res);
	dp_scorer_free(v.scorer);
	dp_roster_free(v.roster);
	dp_findings_free(&fs);
	dp_filetab_free(&tab);
	dp_dict_free(dict);
	dp_rules_free(rules);
	return rc;
}
