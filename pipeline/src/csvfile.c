/* Whole CSV files read as records in any encoding of SPEC §2.1; the reader
 * of work tables ahead of its caller (csvfile.h). */
#include "deptperf/csvfile.h"

#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/findings.h"
#include "deptperf/recbatch.h"

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
	dp_csv_bounded(csv);
	enum dp_csvfile_status st = DP_CF_OK;
	for (;;) {
		const char *p;
		size_t n;
		enum dp_input_status r = dp_input_read(in, &p, &n, err);
		if (r == DP_IN_EOF) {
			int f = dp_csv_finish(csv);
			if (f == DP_CSV_PAST_BOUND) {
				st = DP_CF_BOUND;
				res->line = dp_csv_error_line(csv);
				res->bound = dp_csv_bound(csv, &res->bad_offset);
			} else if (f < 0) {
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
		if (f == DP_CSV_PAST_BOUND) {
			st = DP_CF_BOUND;
			res->line = dp_csv_error_line(csv);
			res->bound = dp_csv_bound(csv, &res->bad_offset);
			break;
		}
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

/* E-TOO-LONG for a file past a bound of csvread.h: which, where reading
 * stopped, and what a clerk may do. */
static void bound_finding(struct dp_findings *fs, const char *path, const struct dp_csvfile_result *res)
{
	unsigned long long line = res->line, at = res->bad_offset;
	const char *b = res->bound ? res->bound : "";
	if (strcmp(b, "field") == 0)
		dp_findings_add(fs, DP_E_TOO_LONG, path, res->line, NULL, NULL, NULL, NULL,
				"第 %llu 行有一个单元格超过 %zu 字节（字段上限 4096 字节），在文本第 %llu 字节处停止读取，"
				"整个文件退回：请检查是否把整段文字或整张表粘进了一个单元格",
				line, DP_CSV_MAX_FIELD, at);
	else if (strcmp(b, "fields") == 0 || strcmp(b, "record") == 0)
		dp_findings_add(fs, DP_E_TOO_LONG, path, res->line, NULL, NULL, NULL, NULL,
				"第 %llu 行超过 %s（上限 %d 列、%zu 字节），在文本第 %llu 字节处停止读取，整个文件退回："
				"请检查分隔符和引号", line, strcmp(b, "fields") == 0 ? "列数上限" : "一行的字节上限",
				DP_CSV_MAX_FIELDS, DP_CSV_MAX_RECORD, at);
	else
		dp_findings_add(fs, DP_E_TOO_LONG, path, res->line, NULL, NULL, NULL, NULL,
				"文件超过%s（上限 %llu 行、%llu 字节文本），在第 %llu 行、文本第 %llu 字节处停止读取，"
				"整个文件退回：请把数据分成几个文件提交",
				strcmp(b, "records") == 0 ? "行数上限" : "大小上限", (unsigned long long)DP_CSV_MAX_RECORDS,
				(unsigned long long)DP_CSV_MAX_TEXT, line, at);
}

bool dp_csvfile_finding(struct dp_findings *fs, const char *path, const struct dp_csvfile_result *res,
			const char *why, uint64_t utf8_bad)
{
	switch (res->status) {
	case DP_CF_CORRUPT:
		dp_findings_add(fs, DP_E_ENCODING, path, 0, NULL, NULL, NULL, NULL, "%s", why ? why : "");
		return true;
	case DP_CF_NUL:
		dp_findings_add(fs, DP_E_ENCODING, path, 0, NULL, NULL, NULL, NULL,
				"文件第 %llu 字节是 NUL（零字节）：这不是文本 CSV（可能是 Excel 原始文件或无 BOM 的 UTF-16），"
				"请在 Excel 中另存为“CSV UTF-8”后重新提交",
				(unsigned long long)res->bad_offset);
		return true;
	case DP_CF_BADTEXT:
		if (res->encoding == DP_ENC_GB18030)
			dp_findings_add(fs, DP_E_ENCODING, path, 0, NULL, NULL, NULL, NULL,
					"文件编码无法识别：第 %llu 字节起不是有效的 UTF-8，第 %llu 字节起也不是有效的 GB18030，"
					"请另存为“CSV UTF-8”后重新提交",
					(unsigned long long)utf8_bad, (unsigned long long)res->bad_offset);
		else
			dp_findings_add(fs, DP_E_ENCODING, path, 0, NULL, NULL, NULL, NULL,
					"文件标明为 %s（BOM），但第 %llu 字节起不是有效的 %s 文本，请另存为“CSV UTF-8”后重新提交",
					dp_encoding_name(res->encoding), (unsigned long long)res->bad_offset,
					dp_encoding_name(res->encoding));
		return true;
	case DP_CF_CSV:
		dp_findings_add(fs, DP_E_CSV, path, res->line, NULL, NULL, NULL, NULL,
				"第 %llu 行 CSV 格式错误（引号不成对，或引号出现在未加引号的字段中间），"
				"请检查该行的双引号后重新提交",
				(unsigned long long)res->line);
		return true;
	case DP_CF_BOUND:
		bound_finding(fs, path, res);
		return true;
	default:
		return false;
	}
}

uint64_t dp_csvfile_utf8_bad(const char *path)
{
	struct dp_buf e = DP_BUF_INIT;
	struct dp_input *in = dp_input_open(path, DP_ENC_AUTO, &e);
	uint64_t at = 0;
	if (in) {
		dp_input_hash(in, false);
		const char *p;
		size_t n;
		enum dp_input_status st;
		while ((st = dp_input_read(in, &p, &n, &e)) == DP_IN_DATA)
			;
		if (st == DP_IN_BADTEXT)
			at = dp_input_bad_offset(in);
		dp_input_close(in);
	}
	dp_buf_free(&e);
	return at;
}

bool dp_csvfile_config_ok(const struct dp_csvfile_result *res, const char *path, bool header_seen,
			  const char *what, struct dp_buf *err)
{
	if (res->status == DP_CF_CSV) {
		dp_buf_addf(err, "%s:%llu: CSV 格式错误（引号不成对或多余）", path, (unsigned long long)res->line);
		return false;
	}
	if (res->status != DP_CF_OK) {
		if (!err->len)
			dp_buf_addf(err, "%s: 无法读取（请另存为 CSV UTF-8）", path);
		return false;
	}
	if (!header_seen) {
		dp_buf_addf(err, "%s:1: %s文件为空", path, what);
		return false;
	}
	return true;
}

/* dp_rows decodes a table in batches of about BATCH bytes of fields.  With
 * more than one thread (omp_get_max_threads(), which --threads sets) a
 * thread of its own inflates and parses the next batches while the caller
 * works on the current one: a ring of NBATCH batches, handed over in order
 * under one mutex (a few hundred hand-overs a second).  With one thread the
 * caller decodes each batch itself when it needs it.  Either way the records
 * and their order are the same. */
#define BATCH (128 * 1024)
#define NBATCH 3

struct batch {
	struct dp_recbatch rows;
	bool last;             /* nothing follows: the end of the table, or a failure */
	bool failed;
	struct dp_buf err;     /* why it failed */
};

struct dp_rows {
	char *path;
	struct dp_input *in;
	struct dp_csv *csv;
	struct batch ring[NBATCH];
	struct batch *fill;              /* the batch being filled (the parser's callback) */
	uint64_t filled, used;           /* batches decoded, and handed back by the caller */
	bool holding;                    /* the caller holds ring[used % NBATCH] */
	size_t pos;                      /* next record of the held batch */
	bool threaded, stop;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct dp_record cur;
	bool eof, failed;
};

static int queue_record(void *ctx, const struct dp_record *r)
{
	dp_recbatch_add(&((struct dp_rows *)ctx)->fill->rows, r);
	return 0;
}

/* Decodes the next records of the table into b, until it holds BATCH bytes
 * or the table ends or fails (b->last). */
static void decode_batch(struct dp_rows *r, struct batch *b)
{
	dp_recbatch_clear(&b->rows);
	r->fill = b;
	while (b->rows.bytes.len < BATCH && !b->last) {
		const char *p;
		size_t n;
		enum dp_input_status st = dp_input_read(r->in, &p, &n, &b->err);
		if (st == DP_IN_EOF) {
			b->last = true;
			if (dp_csv_finish(r->csv) < 0) {
				b->failed = true;
				dp_buf_addf(&b->err, "%s: damaged work file", r->path);
			}
		} else if (st != DP_IN_DATA) {
			b->last = b->failed = true;
			dp_buf_addf(&b->err, "%s%s: damaged work file", b->err.len ? "; " : "", r->path);
		} else if (dp_csv_feed(r->csv, p, n) < 0) {
			b->last = b->failed = true;
			dp_buf_addf(&b->err, "%s: damaged work file (line %llu)", r->path,
				    (unsigned long long)dp_csv_error_line(r->csv));
		}
	}
	dp_recbatch_seal(&b->rows);
}

static void *decoder(void *arg)
{
	struct dp_rows *r = arg;
	bool last = false;
	while (!last) {
		pthread_mutex_lock(&r->mu);
		while (!r->stop && r->filled - r->used == NBATCH)
			pthread_cond_wait(&r->cv, &r->mu);
		bool stop = r->stop;
		pthread_mutex_unlock(&r->mu);
		if (stop)
			break;
		/* the caller holds at most ring[used % NBATCH], never this one */
		struct batch *b = &r->ring[r->filled % NBATCH];
		decode_batch(r, b);
		last = b->last;
		pthread_mutex_lock(&r->mu);
		r->filled++;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
	return NULL;
}

struct dp_rows *dp_rows_open(const char *path, struct dp_buf *err)
{
	struct dp_input *in = dp_input_open(path, DP_ENC_UTF8, err);
	if (!in)
		return NULL;
	dp_input_hash(in, false);
	dp_input_members(in);
	struct dp_rows *r = dp_xcalloc(1, sizeof *r);
	r->path = dp_xstrdup(path);
	r->in = in;
	r->csv = dp_csv_new(queue_record, r);
	dp_csv_keep_empty(r->csv);
	if (omp_get_max_threads() > 1) {
		pthread_mutex_init(&r->mu, NULL);
		pthread_cond_init(&r->cv, NULL);
		r->threaded = pthread_create(&r->thread, NULL, decoder, r) == 0;
		if (!r->threaded) {
			pthread_mutex_destroy(&r->mu);
			pthread_cond_destroy(&r->cv);
		}
	}
	return r;
}

/* Hands the held batch back and takes the next one (waiting for the decoder,
 * or decoding it here when there is none). */
static struct batch *next_batch(struct dp_rows *r)
{
	if (!r->threaded) {
		decode_batch(r, &r->ring[0]);
		r->holding = true;
		return &r->ring[0];
	}
	pthread_mutex_lock(&r->mu);
	if (r->holding)
		r->used++;
	pthread_cond_broadcast(&r->cv);
	while (r->filled == r->used)
		pthread_cond_wait(&r->cv, &r->mu);
	pthread_mutex_unlock(&r->mu);
	r->holding = true;
	return &r->ring[r->used % NBATCH];
}

const struct dp_record *dp_rows_next(struct dp_rows *r, struct dp_buf *err)
{
	struct batch *b = r->holding ? &r->ring[r->threaded ? r->used % NBATCH : 0] : NULL;
	while (!b || r->pos >= b->rows.nrec) {
		if (b && b->last) {
			if (!r->eof) {
				r->eof = true;
				r->failed = b->failed;
				if (b->err.len)
					dp_buf_add(err, b->err.s, b->err.len);
			}
			return NULL;
		}
		b = next_batch(r);
		r->pos = 0;
	}
	r->cur = dp_recbatch_get(&b->rows, r->pos++);
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
	if (r->threaded) {
		pthread_mutex_lock(&r->mu);
		r->stop = true;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thread, NULL);
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->cv);
	}
	dp_input_close(r->in);
	dp_csv_free(r->csv);
	for (size_t i = 0; i < NBATCH; i++) {
		struct batch *b = &r->ring[i];
		dp_recbatch_free(&b->rows);
		dp_buf_free(&b->err);
	}
	free(r->path);
	free(r);
}
