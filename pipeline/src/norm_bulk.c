/* dp-normalize: bulk rows in parallel, and files streamed.
 *
 * A bulk file is parsed by one thread, but its rows, each a submission or a
 * fund of its own, are normalized by all: the records are copied into a
 * batch, a full batch is cut into slices normalized as OpenMP tasks into
 * memory tables and findings of their own (as a form is), and the slices
 * are appended in order.  The rows, ids and findings are those one thread
 * gives.  There are two batches: the reading thread fills one while the
 * tasks work on the other.  Memory: two batches and their slices' rows,
 * whatever the file's size. */

#include "norm.h"


static void bulk_flush(struct ctx *c);

/* The callback of a file's reader: the header decides the shape, then
 * each record goes to the form's or the bulk rows' code. */
int norm_on_record(void *vctx, const struct dp_record *r)
{
	struct ctx *c = vctx;
	if (!c->header_seen) {
		c->header_seen = true;
		c->header_line = r->line;
		c->shape = dp_header_parse(c->dict, r, &c->hdr);
		c->s.line = r->line;
		if (c->shape != DP_SHAPE_FORM)
			norm_header_warnings(c, r->line);
		c->s.findings_from = c->fs->n;
		/* another shape than dp-ingest saw: the file changed since (and
		 * its rows would go to tables its stream did not mark) */
		c->shape_changed = strcmp(dp_shape_name(c->shape), c->expect_shape) != 0;
		return c->shape_changed ? 2 : 0;
	}
	c->rows++;
	if (c->shape == DP_SHAPE_FORM)
		return norm_on_form_row(c, r);
	if (!c->batch)
		return norm_on_bulk_row(c, r);
	struct dp_recbatch *rows = &c->batch->h[c->batch->cur].rows;
	dp_recbatch_add(rows, r);
	if (rows->nrec >= BATCH_ROWS || rows->bytes.len >= BATCH_BYTES)
		bulk_flush(c);
	return 0;
}


static void bulk_slice(const struct ctx *c, struct half *h, struct file_job *j, size_t from, size_t to)
{
	struct ctx *jc = &j->c;
	jc->dict = c->dict;
	jc->file = c->file;
	jc->file_no = c->file_no;
	jc->shape = c->shape;
	jc->hdr = c->hdr; /* read only */
	jc->fs = &j->fs;
	jc->w = &j->w;
	/* a row is a submission with an id unless it is a fund (on_bulk_row) */
	j->w.next_sub = h->base + (c->shape != DP_SHAPE_BULK_FUND ? from : 0);
	dp_rec_sub_reset(&jc->s, 0);
	for (size_t i = from; i < to; i++) {
		struct dp_record r = dp_recbatch_get(&h->rows, i);
		norm_on_bulk_row(jc, &r);
	}
}

/* Appends the slices of h, whose tasks are done, in order. */
static void bulk_append(struct ctx *c, struct half *h)
{
	if (!h->busy)
		return;
	for (int k = 0; k < SLICES; k++) {
		struct file_job *j = &h->jobs[k];
		struct ctx *jc = &j->c;
		norm_writers_append(c->w, &j->w);
		dp_findings_move(c->fs, &j->fs);
		c->submissions += jc->submissions;
		c->rejected += jc->rejected;
		c->fund_rows += jc->fund_rows;
		c->funds_rejected += jc->funds_rejected;
		jc->submissions = jc->rejected = jc->fund_rows = jc->funds_rejected = 0;
	}
	h->busy = false;
	dp_recbatch_clear(&h->rows);
}

/* Hands the batch being filled to tasks once the other one's tasks (the
 * only ones running) are done, then appends that one while these run (the
 * other threads are not left waiting for the copy), and fills it next. */
static void bulk_flush(struct ctx *c)
{
	struct bulk_batch *b = c->batch;
	struct half *h = &b->h[b->cur], *prev = &b->h[1 - b->cur];
	if (prev->busy) {
#pragma omp taskwait
	}
	size_t n = h->rows.nrec;
	if (n) {
		dp_recbatch_seal(&h->rows);
		h->base = c->w->next_sub;
		if (c->shape != DP_SHAPE_BULK_FUND)
			c->w->next_sub += n;
		h->busy = true;
		for (int k = 0; k < SLICES; k++) {
			size_t from = n * (size_t)k / SLICES, to = n * (size_t)(k + 1) / SLICES;
			struct file_job *j = &h->jobs[k];
#pragma omp task firstprivate(from, to, j, h) shared(c)
			bulk_slice(c, h, j, from, to);
		}
	}
	bulk_append(c, prev);
	if (n)
		b->cur = 1 - b->cur;
}

/* At the end of the file: every row normalized and appended. */
void norm_bulk_finish(struct ctx *c)
{
	bulk_flush(c);
#pragma omp taskwait
	bulk_append(c, &c->batch->h[0]); /* (the one still busy: the last) */
	bulk_append(c, &c->batch->h[1]);
}

struct bulk_batch *norm_bulk_new(const struct dp_dict *dict, const struct writers *w)
{
	struct bulk_batch *b = dp_xcalloc(1, sizeof *b);
	for (int x = 0; x < 2; x++) {
		b->h[x].jobs = dp_xcalloc(SLICES, sizeof *b->h[x].jobs);
		for (int k = 0; k < SLICES; k++) {
			norm_job_init(&b->h[x].jobs[k], dict);
			b->h[x].jobs[k].w.cols = w->cols;
			b->h[x].jobs[k].w.guard = w->guard;
			b->h[x].jobs[k].w.ncols = w->ncols;
		}
	}
	return b;
}

void norm_bulk_free(struct bulk_batch *b)
{
	if (!b)
		return;
	for (int x = 0; x < 2; x++) {
		struct half *h = &b->h[x];
		for (int k = 0; k < SLICES; k++)
			norm_job_free(&h->jobs[k]);
		free(h->jobs);
		dp_recbatch_free(&h->rows);
	}
	free(b);
}


/* A job for a file streamed straight into the tables of w, its bulk rows
 * normalized in parallel with b (NULL: on the reading thread). */
void norm_job_stream_init(struct file_job *j, const struct dp_dict *dict, const struct writers *w,
			    struct bulk_batch *b)
{
	memset(j, 0, sizeof *j);
	j->dict = dict;
	j->w = *w;
	dp_rec_sub_init(&j->c.s, dp_dict_count(dict));
	j->batch = b;
}

/* Reads files from..to of tab that are pending and of kind funds (the
 * bulk funds exports) or not, in path order, into w's tables: a stream. */
static void stream_kind(const struct dp_dict *dict, struct writers *w, struct dp_filetab *tab, size_t from,
			size_t to, bool funds, struct bulk_batch *b, struct file_job *jobs)
{
	for (size_t k = from; k < to; k++) {
		if (strcmp(tab->v[k].status, "pending") != 0 || (strcmp(tab->v[k].shape, "bulk-funds") == 0) != funds)
			continue;
		struct file_job *j = &jobs[k - from];
		norm_job_stream_init(j, dict, w, b);
		norm_run_job(j, &tab->v[k], k);
		w->next_sub = j->w.next_sub;
	}
}

/* The streamed files from..to (bulk exports; no form among them), the
 * funds exports beside the others: they write other tables (a funds row
 * takes no submission id), so each table gets its rows in path order as
 * when read one file after the other, and the second core has a reading
 * thread of its own.  Then each file's outcome, in path order. */
int norm_stream_files(const struct dp_dict *dict, struct writers *w, struct dp_filetab *tab, size_t from,
			size_t to, struct bulk_batch *b, struct bulk_batch *b2, struct dp_findings *fs,
			struct totals *tot, struct dp_buf *err)
{
	struct file_job *jobs = dp_xcalloc(to - from, sizeof *jobs);
	struct writers wf = *w;
	/* each stream a task of its own, so that a stream's waits for its
	 * rows' tasks (bulk_append) are not waits for the other stream; no
	 * taskwait here: libgomp's runs only the waiting task's children, so a
	 * thread done with one stream would sit idle beside the other's rows,
	 * where at the barrier it takes any task */
#pragma omp parallel
#pragma omp single
	{
#pragma omp task
		stream_kind(dict, w, tab, from, to, false, b, jobs);
#pragma omp task
		stream_kind(dict, &wf, tab, from, to, true, b2, jobs);
	}
	int rc = DP_OK;
	for (size_t k = from; k < to; k++) {
		struct file_job *j = &jobs[k - from];
		if (!j->dict)
			continue; /* not pending */
		dp_findings_move(fs, &j->fs);
		if (rc == DP_OK)
			rc = norm_finish_job(j, &tab->v[k], tot, err);
		norm_job_free(j);
	}
	free(jobs);
	return rc;
}

