/* dp-validate: SPEC §4 over the whole run — each record checked (the
 * checks themselves are checks.c's), resubmissions, the roster, the
 * quarantine of rejected input, and the accounting that proves nothing was
 * lost.
 *
 * The normalized tables are first renamed to parsed-* (so that the stage
 * can run again on the same folder), then each is read once: the funds
 * (checks, which submissions have funds), then the submissions (checks, the
 * winner of each (fiscal_year, dept_code)), from the cells dp-normalize
 * wrote (parsed-departments.cells, memtab.h).  A submission that passes its
 * checks is a candidate: the record of its key keeps the winner so far, and
 * the one that loses to a later filing is spooled (spool.h) to be named
 * superseded; a candidate's cells stay where they were read, or, when the
 * stage fills some in, go to a cells file of candidates.  When all winners
 * are known, the keys' records give the accepted rows and the spool the
 * superseded, with no second read of the table; when every submission is
 * accepted as it was read, departments.cells is dp-normalize's (a link),
 * not written again.  Memory: one small record per
 * distinct key, three bytes per submission and 8 bytes per candidate
 * (docs/memory.md). */
#include "val.h"

void val_ensure_sub(struct vctx *v, uint64_t id)
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
void val_quarantine_add(struct vctx *v, long file, uint64_t line)
{
	if (v->tab->v[file].sheet[0]) {
		/* a workbook is kept whole, once, under its first sheet's row
		 * (its sheets' rows are together: the table is in path order) */
		while (file > 0 && strcmp(v->tab->v[file - 1].file, v->tab->v[file].file) == 0)
			file--;
		line = 0;
	}
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

/* ---- findings in workbooks ---- */

const char *val_site_file(const struct vctx *v, long fi)
{
	return v->site_file[fi];
}

/* Each row's site file (val_site_file): the path, or path, DP_SHEET_SEP
 * and sheet for a workbook's sheet. */
static void site_files(struct vctx *v)
{
	v->site_file = dp_xcalloc(v->tab->n + 1, sizeof *v->site_file);
	for (size_t i = 0; i < v->tab->n; i++) {
		const struct dp_file_row *r = &v->tab->v[i];
		struct dp_buf b = DP_BUF_INIT;
		dp_buf_adds(&b, r->file);
		if (r->sheet[0]) {
			dp_buf_addc(&b, DP_SHEET_SEP);
			dp_buf_adds(&b, r->sheet);
		}
		v->site_file[i] = dp_buf_detach(&b);
	}
}

struct sheet_header {
	const struct dp_dict *dict;
	struct dp_header h;
	uint64_t line;
	bool seen;
};

static int on_sheet_header(void *ctx, const struct dp_record *r)
{
	struct sheet_header *sh = ctx;
	dp_header_parse(sh->dict, r, &sh->h);
	sh->line = r->line;
	sh->seen = true;
	return 1;
}

static int by_file(const void *a, const void *b)
{
	return strcmp(((const struct dp_finding *)a)->file, ((const struct dp_finding *)b)->file);
}

/* f against the path p[0..n): < 0, 0 or > 0 as strcmp. */
static int path_cmp(const char *f, const char *p, size_t n)
{
	int c = strncmp(f, p, n);
	return c ? c : f[n] != '\0';
}

/* The row of the file table whose site file is site (path, DP_SHEET_SEP,
 * sheet; the path path_len bytes), or -1: the table is in the byte order of
 * its paths, a workbook's sheets together. */
static long site_row(const struct vctx *v, const char *site, size_t path_len)
{
	size_t lo = 0, hi = v->tab->n;
	while (lo < hi) { /* the first row whose path is not below site's */
		size_t mid = lo + (hi - lo) / 2;
		if (path_cmp(v->tab->v[mid].file, site, path_len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < v->tab->n && path_cmp(v->tab->v[k].file, site, path_len) == 0; k++)
		if (strcmp(v->site_file[k], site) == 0)
			return (long)k;
	return -1;
}

/* The findings this stage made from index from on: a workbook's site file
 * becomes its path, and the message starts with the sheet and cell (the
 * cell's column from the sheet's header, read again once per sheet with
 * findings: they are sorted by file first, an order dp_findings_write
 * makes anyway) or row. */
static void place_findings(struct vctx *v, size_t from)
{
	struct dp_buf where = DP_BUF_INIT, path = DP_BUF_INIT;
	char *cached = NULL; /* the site file whose header sh holds */
	struct sheet_header sh = { .dict = v->dict };
	dp_qsort(v->fs->v + from, v->fs->n - from, sizeof *v->fs->v, by_file);
	for (size_t i = from; i < v->fs->n; i++) {
		const char *file = v->fs->v[i].file, *sep = strchr(file, DP_SHEET_SEP);
		if (!sep)
			continue;
		if (!cached || strcmp(cached, file) != 0) {
			free(cached);
			cached = dp_xstrdup(file);
			dp_header_free(&sh.h);
			memset(&sh.h, 0, sizeof sh.h);
			sh.seen = false;
			dp_buf_reset(&path);
			dp_buf_add(&path, file, (size_t)(sep - file));
			struct dp_csvfile_result res;
			struct dp_buf e = DP_BUF_INIT;
			long k = site_row(v, file, (size_t)(sep - file));
			if (k >= 0)
				dp_sheet_read(path.s, dp_book_kind_from_name(v->tab->v[k].encoding), sep + 1, false,
					      on_sheet_header, &sh, &res, &e);
			dp_buf_free(&e);
		}
		const struct dp_finding *f = &v->fs->v[i];
		dp_buf_reset(&where);
		if (sh.seen)
			dp_sheet_finding_where(&where, v->dict, &sh.h, sh.line, sep + 1, f->code, f->field, f->line);
		else
			dp_sheet_where(&where, sep + 1, -1, f->line);
		dp_findings_prefix(v->fs, i, path.s, where.s);
	}
	free(cached);
	dp_header_free(&sh.h);
	dp_buf_free(&where);
	dp_buf_free(&path);
}

/* ---- the stage ---- */

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
	char *path = dp_work_path(v->o->work, DP_WF_MISSING);
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
	char *path = dp_work_path(v->o->work, DP_WF_COUNTS);
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
	if (!dp_work_ready(o->work, DP_WF_SUBS, err))
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
	v.rejdir = dp_work_path(o->work, DP_WF_REJECTED);
	v.keys = dp_keymap_new(sizeof(struct winner));
	dp_checks_init(&v.checks, dict, rules, v.scorer);
	int rc = DP_OK;
	uint64_t missing = 0;
	unsigned char *acc = NULL;
	char *p_in = dp_work_parsed(o->work, DP_WF_INPUTS), *p_fi = dp_work_parsed(o->work, DP_WF_FINDINGS);
	dp_work_begin(o->work, DP_ST_VALIDATE);
	bool kept_all = dp_work_keep_parsed(o->work, err);
	if (!kept_all || !dp_filetab_load(&tab, p_in, err) || !dp_findings_load(&fs, p_fi, err)) {
		rc = DP_IOERR;
		goto out;
	}
	size_t normalized_findings = fs.n;
	site_files(&v);
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
			val_quarantine_add(&v, (long)i, 0);
	dp_phase_end(&ph, "setup");
	bool passed = val_pass_funds_check(&v, err);
	dp_phase_end(&ph, "funds");
	uint64_t nsubs = 0;
	for (size_t i = 0; i < v.tab->n; i++)
		nsubs += v.tab->v[i].submissions;
	dp_progress_start(&v.prog, o->on_progress, "dp-validate", "submissions", nsubs);
	passed = passed && val_pass_subs_check(&v, err);
	dp_progress_end(&v.prog);
	if (!passed) {
		rc = DP_IOERR;
		goto out;
	}
	dp_phase_end(&ph, "subs");
	/* a departments.cells of another run must not outlive this one's table */
	char *p_cells = dp_work_path(o->work, DP_WF_DEPARTMENTS);
	unlink(p_cells);
	free(p_cells);
	acc = dp_xcalloc((size_t)v.ncand + 1, 1);
	if (!val_decide_subs(&v, acc, &years, err)) {
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
		subs_ok = val_write_subs(&v, acc, err);
#pragma omp section
		rc = val_write_funds(&v, &ferr);
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
			val_quarantine_add(&v, (long)i, 0); /* refused whole by dp-ingest (not one it could not read) */
	}
	place_findings(&v, normalized_findings);
	char *p_out_in = dp_work_path(o->work, DP_WF_INPUTS), *p_out_fi = dp_work_path(o->work, DP_WF_FINDINGS);
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
	free(v.q);
	free(v.fund_rej);
	free(v.file_acc);
	free(v.file_rej);
	free(v.file_sup);
	for (size_t i = 0; v.site_file && i < tab.n; i++)
		free(v.site_file[i]);
	free(v.site_file);
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

