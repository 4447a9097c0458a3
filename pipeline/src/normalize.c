/* dp-normalize: turn every record of every readable input file into
 * canonical department and special-fund rows (SPEC §2.2–2.3, §3).
 *
 * Files are streamed one record at a time: a form's facts are held until its
 * end (at most 10 000 rows); a bulk row is written as soon as it is read, or,
 * with more than one thread, once the batch it is in has been normalized on
 * every core (see "bulk rows in parallel").
 * It writes the departments as cells (departments.cells, memtab.h), the
 * funds (special_funds.csv.gz) and two work files whose rows match them
 * one to one: subs.csv.gz (where each submission came from: its
 * file's row in inputs.csv.gz and its line; how many errors it has) and
 * fundsrc.csv.gz (the same for each fund).  See docs/work-files.md. */
#include "norm.h"

static const char *const sub_cols[] = { "sub", "file", "line", "shape", "errors", "bad_fields", "field_lines", NULL };
static const char *const fund_cols[] = { "fiscal_year", "dept_code", "fund_name", "fund_alloc",
					 "fund_spent", "fund_selfeval", NULL };
static const char *const fundsrc_cols[] = { "file", "line", "shape", "sub", "errors", "bad_fields", NULL };

static bool open_writers(const struct dp_stage_opts *o, const struct dp_dict *dict, struct writers *w,
			 struct dp_buf *err)
{
	memset(w, 0, sizeof *w);
	static const enum dp_work_file names[3] = { DP_WF_SUBS, DP_WF_FUNDS, DP_WF_FUNDSRC };
	struct dp_table **t[3] = { &w->subs, &w->funds, &w->fundsrc };
	for (int i = 0; i < 3; i++) {
		char *p = dp_work_path(o->work, names[i]);
		*t[i] = dp_table_create(p, DP_NORMALIZED_LEVEL, err);
		free(p);
		if (!*t[i])
			return false;
		dp_table_crc_only(*t[i]); /* (work tables: no one reads their SHA-256) */
	}
	w->dcells = dp_xcalloc(1, sizeof *w->dcells);
	w->cols = dp_xcalloc(dp_dict_count(dict), sizeof *w->cols);
	w->ncols = dp_dict_dept_columns(dict, w->cols);
	w->guard = dp_xcalloc(w->ncols + 1, sizeof *w->guard);
	const char **hdr = dp_xcalloc(w->ncols + 1, sizeof *hdr);
	for (size_t k = 0; k < w->ncols; k++) {
		const struct dp_field *f = dp_dict_field(dict, (size_t)w->cols[k]);
		hdr[k] = f->code;
		bool formatted = f->kind == DP_FK_INT || f->kind == DP_FK_NUMBER || f->kind == DP_FK_DATE ||
				 f->kind == DP_FK_YEAR;
		w->guard[k] = !formatted && dp_field_is_guarded(f);
	}
	char *p = dp_work_tmp(o->work, DP_WF_DEPARTMENTS);
	w->cells = dp_cells_create(p, hdr, w->ncols, err);
	free(p);
	free(hdr);
	dp_table_header(w->subs, sub_cols);
	dp_table_header(w->funds, fund_cols);
	dp_table_header(w->fundsrc, fundsrc_cols);
	return w->cells != NULL;
}

static void abort_writers(struct writers *w)
{
	dp_cells_abort(w->cells);
	norm_cellrows_free(w->dcells);
	dp_table_abort(w->subs);
	dp_table_abort(w->funds);
	dp_table_abort(w->fundsrc);
	free(w->cols);
	free(w->guard);
}

static bool commit_writers(const char *work, struct writers *w, struct dp_buf *err)
{
	char *p = dp_work_path(work, DP_WF_DEPARTMENTS);
	bool ok = dp_cells_commit(w->cells, p, err);
	free(p);
	norm_cellrows_free(w->dcells);
	ok = dp_table_commit_if(ok, w->subs, NULL, err);
	ok = dp_table_commit_if(ok, w->funds, NULL, err);
	ok = dp_table_commit_if(ok, w->fundsrc, NULL, err);
	free(w->cols);
	free(w->guard);
	return ok;
}

#define FORM_BATCH 1024


void norm_job_init(struct file_job *j, const struct dp_dict *dict)
{
	memset(j, 0, sizeof *j);
	j->dict = dict;
	j->w.subs = dp_table_mem();
	j->w.funds = dp_table_mem();
	j->w.fundsrc = dp_table_mem();
	j->w.dcells = dp_xcalloc(1, sizeof *j->w.dcells);
	j->mem = true;
	dp_rec_sub_init(&j->c.s, dp_dict_count(dict));
}

void norm_job_free(struct file_job *j)
{
	if (j->mem) {
		dp_table_mem_free(j->w.subs);
		dp_table_mem_free(j->w.funds);
		dp_table_mem_free(j->w.fundsrc);
		norm_cellrows_free(j->w.dcells);
	}
	dp_rec_sub_free(&j->c.s);
	dp_buf_free(&j->e);
	dp_findings_free(&j->fs);
}

/* ---- a file's rows taken back ----
 *
 * dp-ingest reads a file's header and first record only, so a fault after
 * them (E-CSV, E-ENCODING) is found here, once some of the file's rows are
 * written.  The file is rejected whole (SPEC §2.1), as if none of its rows
 * had been read: the tables it writes are marked at its start and cut back
 * there, and its findings are dropped but that one.  A streamed file writes the real
 * tables, and only its own kind's (the funds exports are read beside the
 * others); a form writes its job's memory tables. */

enum tables { T_DEPT = 1, T_FUNDS = 2 };

static unsigned tables_of(const char *shape)
{
	enum dp_shape s = dp_shape_from_name(shape);
	return s == DP_SHAPE_FORM ? T_DEPT | T_FUNDS : s == DP_SHAPE_BULK_FUND ? T_FUNDS : T_DEPT;
}

static void mark_file(struct file_job *j, const char *shape)
{
	struct writers *w = &j->w;
	j->mark.tables = tables_of(shape);
	j->mark.next_sub = w->next_sub;
	if (j->mark.tables & T_DEPT) {
		j->mark.cells = w->dcells->n;
		j->mark.cells_bytes = w->dcells->text.len;
		dp_table_mark(w->subs);
		dp_cells_mark(w->cells);
	}
	if (j->mark.tables & T_FUNDS) {
		dp_table_mark(w->funds);
		dp_table_mark(w->fundsrc);
	}
}

/* Takes back what job j wrote and found since its file's start. */
static void forget_file(struct file_job *j)
{
	struct writers *w = &j->w;
	if (j->mark.tables & T_DEPT) {
		dp_table_rewind(w->subs);
		dp_cells_rewind(w->cells);
		w->dcells->n = j->mark.cells;
		w->dcells->text.len = j->mark.cells_bytes;
	}
	if (j->mark.tables & T_FUNDS) {
		dp_table_rewind(w->funds);
		dp_table_rewind(w->fundsrc);
	}
	w->next_sub = j->mark.next_sub;
	dp_findings_free(&j->fs);
}

/* The file of job j could not be read whole: none of it is kept but its
 * finding (E-CSV or E-ENCODING; utf8_bad: where UTF-8 stopped, for one
 * read as GB18030 last). */
static void take_back(struct file_job *j, uint64_t utf8_bad)
{
	struct ctx *c = &j->c;
	forget_file(j);
	if (c->shape_changed) /* (only read again as GB18030: see run_job) */
		dp_findings_add(&j->fs, DP_E_ENCODING, c->file, 0, NULL, NULL, NULL, NULL,
				"文件编码前后不一致：表头和第一条记录是 UTF-8，第 %llu 字节起却不是；"
				"整个文件按 GB18030 读取时表头又无法识别，请整个文件另存为“CSV UTF-8”后重新提交",
				(unsigned long long)utf8_bad);
	else if (c->sheet[0])
		dp_book_finding(&j->fs, c->file, c->sheet, &j->res, j->e.s);
	else
		dp_csvfile_finding(&j->fs, c->file, &j->res, j->e.s, utf8_bad);
	c->submissions = c->rejected = c->fund_rows = c->funds_rejected = 0;
	j->rejected_whole = true;
}

/* Whether the file of row is not what dp-ingest read (SPEC §2.1): it
 * vanished or cannot be read now, its header is another, or its bytes'
 * SHA-256 is not the one dp-ingest recorded. */
static bool changed_since_ingest(const struct file_job *j, const struct dp_file_row *row)
{
	if (j->res.status == DP_CF_IOERR || (j->res.status == DP_CF_STOPPED && j->c.shape_changed))
		return true;
	return j->res.sha256[0] && row->sha256[0] && strcmp(j->res.sha256, row->sha256) != 0;
}

/* The file of job j changed while the run read it: none of it is kept,
 * one E-CHANGED says why (E-CHANGED, SPEC §4). */
static void take_back_changed(struct file_job *j, const struct dp_file_row *row)
{
	struct ctx *c = &j->c;
	forget_file(j);
	if (j->res.status == DP_CF_IOERR)
		dp_findings_add(&j->fs, DP_E_CHANGED, c->file, 0, NULL, NULL, NULL, NULL,
				"文件在本次运行读取期间消失或变得无法读取（%s），整个文件退回：请在运行结束后再放入或修改文件",
				j->e.len ? j->e.s : "read error");
	else
		dp_findings_add(&j->fs, DP_E_CHANGED, c->file, 0, NULL, NULL, NULL, NULL,
				"文件在本次运行读取期间被修改（SHA-256 由 %.12s… 变为 %.12s…），整个文件退回，未混用新旧内容："
				"请在运行结束后再放入或修改文件",
				row->sha256, j->res.sha256[0] ? j->res.sha256 : "?");
	c->submissions = c->rejected = c->fund_rows = c->funds_rejected = 0;
	j->rejected_whole = true;
}

/* Reads the file of row as enc into j's writers and findings. */
static void read_file(struct file_job *j, const struct dp_file_row *row, size_t file_no, enum dp_encoding enc)
{
	struct ctx *c = &j->c;
	struct dp_rec_sub keep = c->s;
	memset(c, 0, sizeof *c);
	c->s = keep;
	dp_rec_sub_reset(&c->s, 0);
	c->dict = j->dict;
	c->fs = &j->fs;
	c->w = &j->w;
	c->file = row->file;
	c->sheet = row->sheet;
	enum dp_book_kind book = dp_book_kind_from_name(row->encoding);
	c->xls = book == DP_BOOK_XLS;
	c->file_no = file_no;
	c->expect_shape = row->shape;
	dp_buf_reset(&j->e);
	c->batch = j->batch;
	j->enc = enc;
	/* hashed as read: what is normalized must be what dp-ingest hashed */
	if (book != DP_BOOK_NONE)
		dp_sheet_read(row->file, book, row->sheet, true, norm_on_record, c, &j->res, &j->e);
	else
		dp_csvfile_read_pooled(row->file, enc, true, norm_on_record, c, j->pool, &j->res, &j->e);
	if (c->batch)
		norm_bulk_finish(c);
}

/* Reads one file into j's writers and findings (thread-safe for distinct
 * jobs: everything it touches is the job's own). */
void norm_run_job(struct file_job *j, const struct dp_file_row *row, size_t file_no)
{
	struct ctx *c = &j->c;
	mark_file(j, row->shape);
	j->rejected_whole = false;
	read_file(j, row, file_no, dp_encoding_from_name(row->encoding));
	uint64_t utf8_bad = 0;
	if (j->res.status == DP_CF_BADTEXT && j->enc == DP_ENC_UTF8) {
		/* UTF-8 as far as dp-ingest read it (its first record), not
		 * after: a strict GB18030 decode decides (SPEC §2.1), as there */
		utf8_bad = j->res.bad_offset;
		uint64_t rows = c->rows;
		forget_file(j);
		dp_header_free(&c->hdr);
		read_file(j, row, file_no, DP_ENC_GB18030);
		if (j->res.status == DP_CF_STOPPED && c->shape_changed) {
			/* a header that was UTF-8 text is another as GB18030 */
			take_back(j, utf8_bad);
			c->rows = rows; /* (those read as UTF-8) */
			j->enc = DP_ENC_UTF8;
		}
	} else if (j->res.status == DP_CF_BADTEXT && j->enc == DP_ENC_GB18030) {
		utf8_bad = dp_csvfile_utf8_bad(row->file); /* (where dp-ingest saw it) */
	}
	if (!j->rejected_whole && changed_since_ingest(j, row))
		take_back_changed(j, row);
	else if (!j->rejected_whole && j->res.status != DP_CF_OK && j->res.status != DP_CF_STOPPED &&
		 j->res.status != DP_CF_IOERR)
		take_back(j, utf8_bad);
	else if (j->res.status == DP_CF_OK && c->shape == DP_SHAPE_FORM)
		norm_emit_sub(c);
	if (!j->rejected_whole && c->sheet[0])
		norm_sheet_positions(c, &j->fs, 0);
	dp_header_free(&c->hdr);
}

/* Moves the rows of a job's memory tables to the end of w's. */
void norm_writers_append(struct writers *w, struct writers *from)
{
	norm_cells_move(w->cells, from->dcells);
	dp_table_append(w->subs, from->subs);
	dp_table_append(w->funds, from->funds);
	dp_table_append(w->fundsrc, from->fundsrc);
}


/* Records a job's outcome in the file table and the totals. */
int norm_finish_job(struct file_job *j, struct dp_file_row *row, struct totals *tot, struct dp_buf *err)
{
	struct ctx *c = &j->c;
	dp_progress_add(tot->prog, 1);
	if (!j->rejected_whole && (j->res.status == DP_CF_IOERR || j->res.status == DP_CF_STOPPED)) {
		/* ingest read this file a moment ago */
		dp_buf_addf(err, "%s: changed or unreadable since dp-ingest: %s", row->file,
			    c->shape_changed ? "its header is no longer the one dp-ingest read" :
			    j->e.len ? j->e.s : "read error");
		return DP_IOERR;
	}
	row->rows = c->rows;
	row->submissions = c->submissions;
	if (j->enc != dp_encoding_from_name(row->encoding))
		dp_filetab_set(&row->encoding, dp_encoding_name(j->enc)); /* found GB18030 here */
	if (j->rejected_whole) {
		dp_filetab_set(&row->status, "rejected");
		tot->files_rejected++;
		return DP_OK;
	}
	uint64_t units = c->shape == DP_SHAPE_BULK_FUND ? c->fund_rows : c->submissions;
	uint64_t bad = c->shape == DP_SHAPE_BULK_FUND ? c->funds_rejected : c->rejected;
	dp_filetab_set(&row->status, bad == 0 ? "accepted" : bad == units ? "rejected" : "partly-rejected");
	tot->subs += c->submissions;
	tot->rejected += c->rejected;
	tot->funds += c->fund_rows;
	tot->funds_rejected += c->funds_rejected;
	return DP_OK;
}

/* Normalizes rows [from, to) of h into slice job j (a task). */
int dp_normalize_run(const struct dp_stage_opts *o, struct dp_stage_report *rep, struct dp_buf *err)
{
	if (!dp_work_ready(o->work, DP_WF_INPUTS, err))
		return DP_NOINPUT;
	int lrc;
	struct dp_rules *rules = dp_stage_load_rules(o, &lrc, err);
	if (!rules)
		return lrc;
	struct dp_dict *dict = dp_dict_new(rules);
	struct dp_filetab tab = { 0 };
	struct dp_findings fs = { 0 };
	dp_work_begin(o->work, DP_ST_NORMALIZE);
	char *p_inputs = dp_work_path(o->work, DP_WF_INPUTS);
	char *p_findings = dp_work_path(o->work, DP_WF_FINDINGS);
	int rc = DP_OK;
	struct writers w;
	if (!dp_filetab_load(&tab, p_inputs, err) || !dp_findings_load(&fs, p_findings, err)) {
		dp_buf_adds(err, " (run dp-ingest on this work folder first)");
		rc = DP_IOERR;
		goto out;
	}
	if (!open_writers(o, dict, &w, err)) {
		abort_writers(&w);
		rc = DP_CANTCREATE;
		goto out;
	}
	struct totals tot = { 0 };
	struct dp_progress prog;
	size_t npending = 0;
	for (size_t i = 0; i < tab.n; i++)
		npending += strcmp(tab.v[i].status, "pending") == 0;
	dp_progress_start(&prog, o->on_progress, "dp-normalize", "files", npending);
	tot.prog = &prog;
	struct file_job *jobs = dp_xcalloc(FORM_BATCH, sizeof *jobs);
	int nthreads = omp_get_max_threads();
	struct dp_input_pool **pools = dp_xcalloc((size_t)nthreads, sizeof *pools);
	for (int t = 0; t < nthreads; t++)
		pools[t] = dp_input_pool_new();
	struct bulk_batch *batch = nthreads > 1 ? norm_bulk_new(dict, &w) : NULL, *batch2 = NULL;
	for (size_t k = 0; k < FORM_BATCH; k++) {
		norm_job_init(&jobs[k], dict);
		jobs[k].w.cols = w.cols; /* the column order, shared read-only */
		jobs[k].w.guard = w.guard;
		jobs[k].w.ncols = w.ncols;
	}
	for (size_t i = 0; i < tab.n && rc == DP_OK;) {
		if (strcmp(tab.v[i].status, "pending") != 0) {
			i++;
			continue;
		}
		/* forms, one submission each, are read in parallel in batches and
		 * their rows appended in file order; any other file is streamed */
		size_t nb = 0;
		while (i + nb < tab.n && nb < FORM_BATCH && strcmp(tab.v[i + nb].status, "pending") == 0 &&
		       strcmp(tab.v[i + nb].shape, "form") == 0)
			nb++;
		if (nb == 0 && batch) {
			/* the streamed files up to the next form: the funds exports
			 * and the others read at once, each kind in path order */
			size_t ne = i;
			while (ne < tab.n && ne - i < STREAM_FILES && (strcmp(tab.v[ne].status, "pending") != 0 ||
								      strcmp(tab.v[ne].shape, "form") != 0))
				ne++;
			if (!batch2)
				batch2 = norm_bulk_new(dict, &w);
			rc = norm_stream_files(dict, &w, &tab, i, ne, batch, batch2, &fs, &tot, err);
			i = ne;
			continue;
		}
		if (nb == 0) {
			struct file_job j;
			norm_job_stream_init(&j, dict, &w, NULL);
			norm_run_job(&j, &tab.v[i], i);
			w.next_sub = j.w.next_sub;
			dp_findings_move(&fs, &j.fs);
			rc = norm_finish_job(&j, &tab.v[i], &tot, err);
			norm_job_free(&j);
			i++;
			continue;
		}
		uint64_t base = w.next_sub;
#pragma omp parallel
		{
			int me = omp_get_thread_num();
#pragma omp for schedule(dynamic, 8)
			for (size_t k = 0; k < nb; k++) {
				jobs[k].w.next_sub = base + k;
				jobs[k].pool = pools[me];
				norm_run_job(&jobs[k], &tab.v[i + k], i + k);
			}
		}
		/* the ids went by position, but a form taken back (a fault after
		 * its first record) has none: the forms after it are read
		 * again, here, with the ids that follow on */
		uint64_t next = base;
		for (size_t k = 0; k < nb; k++) {
			if (jobs[k].mark.next_sub != next) {
				forget_file(&jobs[k]);
				jobs[k].w.next_sub = next;
				jobs[k].pool = pools[0];
				norm_run_job(&jobs[k], &tab.v[i + k], i + k);
			}
			next += jobs[k].c.submissions;
		}
		for (size_t k = 0; k < nb && rc == DP_OK; k++) {
			norm_writers_append(&w, &jobs[k].w);
			dp_findings_move(&fs, &jobs[k].fs);
			rc = norm_finish_job(&jobs[k], &tab.v[i + k], &tot, err);
		}
		w.next_sub = next;
		i += nb;
	}
	for (size_t k = 0; k < FORM_BATCH; k++)
		norm_job_free(&jobs[k]);
	free(jobs);
	for (int t = 0; t < nthreads; t++)
		dp_input_pool_free(pools[t]);
	free(pools);
	norm_bulk_free(batch);
	norm_bulk_free(batch2);
	dp_progress_end(&prog);
	if (rc != DP_OK) {
		abort_writers(&w);
		goto out;
	}
	if (!commit_writers(o->work, &w, err) || !dp_filetab_write(&tab, p_inputs, DP_WORK_LEVEL, NULL, err) ||
	    !dp_findings_write(&fs, p_findings, DP_WORK_LEVEL, NULL, err)) {
		rc = DP_CANTCREATE;
		goto out;
	}
	dp_buf_addf(&rep->line, "%llu submissions read (%llu with errors), %llu special funds (%llu with errors)",
		    (unsigned long long)tot.subs, (unsigned long long)tot.rejected, (unsigned long long)tot.funds,
		    (unsigned long long)tot.funds_rejected);
	if (tot.files_rejected)
		dp_buf_addf(&rep->line, ", %llu file(s) rejected whole for a fault past their first record (E-CSV, E-ENCODING)",
			    (unsigned long long)tot.files_rejected);
	if (fs.errors)
		rc = DP_FINDINGS;
out:
	free(p_inputs);
	free(p_findings);
	dp_findings_free(&fs);
	dp_filetab_free(&tab);
	dp_dict_free(dict);
	dp_rules_free(rules);
	return rc;
}

