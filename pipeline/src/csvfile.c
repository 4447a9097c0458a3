#include "deptperf/csvfile.h"

#include <stdlib.h>
#include <string.h>

void dp_csvfile_read(const char *path, enum dp_encoding enc, bool want_sha, dp_record_fn fn, void *ctx,
		     struct dp_csvfile_result *res, struct dp_buf *err)
{
	dp_csvfile_read_pooled(path, enc, want_sha, fn, ctx, NULL, res, err);
}

void dp_csvfile_read_pooled(const char *path, enum dp_encoding enc, bool want_sha, dp_record_fn fn, void *ctx,
			    struct dp_input_pool *pool, struct dp_csvfile_result *res, struct dp_buf *err)
{
	memset(res, 0, sizeof *res);
	struct dp_input *in = dp_input_open_pooled(path, enc, pool, err);
	if (!in) {
		res->status = DP_CF_IOERR;
		return;
	}
	dp_input_hash(in, want_sha);
	struct dp_csv *csv = dp_csv_new(fn, ctx);
	enum dp_csvfile_status st = DP_CF_OK;
	for (;;) {
		const char *p;
		size_t n;
		enum dp_input_status r = dp_input_read(in, &p, &n, err);
		if (r == DP_IN_EOF) {
			int f = dp_csv_finish(csv);
			if (f < 0) {
				st = DP_CF_CSV;
				res->line = dp_csv_error_line(csv);
			} else if (f > 0) {
				st = DP_CF_STOPPED;
				res->stop = f;
			}
			break;
		}
		if (r != DP_IN_DATA) {
			st = r == DP_IN_IOERR ? DP_CF_IOERR : r == DP_IN_CORRUPT ? DP_CF_CORRUPT :
			     r == DP_IN_NUL ? DP_CF_NUL : DP_CF_BADTEXT;
			res->bad_offset = dp_input_bad_offset(in);
			break;
		}
		int f = dp_csv_feed(csv, p, n);
		if (f < 0) {
			st = DP_CF_CSV;
			res->line = dp_csv_error_line(csv);
			break;
		}
		if (f > 0) {
			st = DP_CF_STOPPED;
			res->stop = f;
			break;
		}
	}
	res->status = st;
	res->encoding = dp_input_encoding(in);
	if (want_sha && !dp_input_sha256(in, res->sha256, err))
		res->status = DP_CF_IOERR;
	res->raw_bytes = dp_input_raw_bytes(in);
	dp_csv_free(csv);
	dp_input_close(in);
}

bool dp_csvfile_config_ok(const struct dp_csvfile_result *res, const char *path, bool header_seen,
			  const char *what, struct dp_buf *err)
{
	if (res->status == DP_CF_CSV) {
		dp_buf_addf(err, "%s:%llu: CSV syntax error", path, (unsigned long long)res->line);
		return false;
	}
	if (res->status != DP_CF_OK) {
		if (!err->len)
			dp_buf_addf(err, "%s: unreadable (save it as CSV UTF-8)", path);
		return false;
	}
	if (!header_seen) {
		dp_buf_addf(err, "%s:1: the %s file is empty", path, what);
		return false;
	}
	return true;
}

struct qrec {
	size_t first, n;
	uint64_t line, longest;
};

struct dp_rows {
	char *path;
	struct dp_input *in;
	struct dp_csv *csv;
	struct dp_buf bytes;
	size_t *foff, *flen;
	size_t nf, capf;
	struct qrec *q;
	size_t nq, capq, pos;
	const char **ptr;
	size_t *lens;
	size_t capptr;
	struct dp_record cur;
	bool eof, failed;
};

static int queue_record(void *ctx, const struct dp_record *r)
{
	struct dp_rows *rw = ctx;
	DP_GROW(rw->q, rw->nq, rw->capq);
	rw->q[rw->nq++] = (struct qrec){ rw->nf, r->n, r->line, r->longest };
	for (size_t i = 0; i < r->n; i++) {
		if (rw->nf >= rw->capf) {
			rw->capf = rw->capf ? dp_st_mult(rw->capf, 2) : 256;
			rw->foff = dp_xrealloc(rw->foff, dp_st_mult(rw->capf, sizeof *rw->foff));
			rw->flen = dp_xrealloc(rw->flen, dp_st_mult(rw->capf, sizeof *rw->flen));
		}
		rw->foff[rw->nf] = rw->bytes.len;
		rw->flen[rw->nf] = r->len[i];
		rw->nf++;
		dp_buf_add(&rw->bytes, r->f[i], r->len[i]);
		dp_buf_addc(&rw->bytes, '\0');
	}
	return 0;
}

struct dp_rows *dp_rows_open(const char *path, struct dp_buf *err)
{
	struct dp_input *in = dp_input_open(path, DP_ENC_UTF8, err);
	if (!in)
		return NULL;
	dp_input_hash(in, false);
	struct dp_rows *r = dp_xcalloc(1, sizeof *r);
	r->path = dp_xstrdup(path);
	r->in = in;
	r->csv = dp_csv_new(queue_record, r);
	dp_csv_keep_empty(r->csv);
	return r;
}

const struct dp_record *dp_rows_next(struct dp_rows *r, struct dp_buf *err)
{
	while (r->pos >= r->nq) {
		if (r->eof || r->failed)
			return NULL;
		r->nq = r->pos = r->nf = 0;
		dp_buf_reset(&r->bytes);
		const char *p;
		size_t n;
		enum dp_input_status st = dp_input_read(r->in, &p, &n, err);
		if (st == DP_IN_EOF) {
			r->eof = true;
			if (dp_csv_finish(r->csv) < 0) {
				r->failed = true;
				dp_buf_addf(err, "%s: damaged work file", r->path);
			}
		} else if (st != DP_IN_DATA) {
			r->failed = true;
			dp_buf_addf(err, "%s: damaged work file", r->path);
		} else if (dp_csv_feed(r->csv, p, n) < 0) {
			r->failed = true;
			dp_buf_addf(err, "%s: damaged work file (line %llu)", r->path,
				    (unsigned long long)dp_csv_error_line(r->csv));
		}
	}
	struct qrec *q = &r->q[r->pos++];
	if (q->n > r->capptr) {
		r->capptr = q->n;
		r->ptr = dp_xrealloc(r->ptr, dp_st_mult(q->n, sizeof *r->ptr));
		r->lens = dp_xrealloc(r->lens, dp_st_mult(q->n, sizeof *r->lens));
	}
	for (size_t i = 0; i < q->n; i++) {
		r->ptr[i] = r->bytes.s + r->foff[q->first + i];
		r->lens[i] = r->flen[q->first + i];
	}
	r->cur = (struct dp_record){ q->n, r->ptr, r->lens, q->line, q->longest };
	return &r->cur;
}

bool dp_rows_failed(const struct dp_rows *r)
{
	return r->failed;
}

void dp_rows_close(struct dp_rows *r)
{
	if (!r)
		return;
	dp_input_close(r->in);
	dp_csv_free(r->csv);
	dp_buf_free(&r->bytes);
	free(r->foff);
	free(r->flen);
	free(r->q);
	free(r->ptr);
	free(r->lens);
	free(r->path);
	free(r);
}
