/* Gzip CSV tables written atomically, and copied again for publishing
 * (table.h). */
#include "deptperf/table.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deptperf/csvread.h"
#include "deptperf/input.h"
#include "deptperf/stage.h"
#include "deptperf/zpool.h"

/* Rows are gathered into blocks of BLOCK bytes (cut at a row end); each full
 * block goes to the compression pool (zpool.h) as a gzip member of its own
 * while the caller goes on writing rows, and the members are written in
 * order.  The cuts depend on the bytes only, so the file is the same for any
 * thread count; a multi-member gzip file is one file to zcat, zlib and every
 * gzip reader (pigz does the same).  At most RING blocks of a table are in
 * flight: the writer waits for the oldest when the ring is full. */
#define BLOCK (512 * 1024)
#define RING 4
#define FLUSH_AT BLOCK

struct slot {
	struct dp_buf raw;  /* the block */
	struct dp_buf z;    /* its gzip member */
	struct dp_zjob job;
};

struct dp_table {
	int fd;
	char *path, *tmp;
	int level;
	struct sha256_ctx sha;
	bool no_sha;                    /* dp_table_crc_only */
	uint32_t crc;                   /* of the bytes written */
	struct dp_buf pending;          /* rows not yet in a block */
	struct slot ring[RING];
	uint64_t submitted, written;    /* blocks handed to the pool, and written out */
	size_t nfields;                 /* fields in the current row */
	uint64_t rows, bytes;
	bool header_done, failed;
	bool durable;                   /* dp_table_durable */
	int err_no;
	struct {                        /* dp_table_mark */
		uint64_t rows, bytes;
		struct sha256_ctx sha;
		uint32_t crc;
		struct dp_buf pending;  /* (a file's table) a copy; in memory its length is enough */
		size_t pending_len;
	} mark;
};

struct dp_table *dp_table_create(const char *path, int level, struct dp_buf *err)
{
	struct dp_table *t = dp_xcalloc(1, sizeof *t);
	t->path = dp_xstrdup(path);
	struct dp_buf tmp = DP_BUF_INIT;
	dp_buf_addf(&tmp, "%s.tmp", path);
	t->tmp = dp_buf_detach(&tmp);
	t->fd = open(t->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (t->fd < 0) {
		dp_buf_addf(err, "%s: cannot create: %s", t->tmp, strerror(errno));
		free(t->path);
		free(t->tmp);
		free(t);
		return NULL;
	}
	if (level < 0 || level > 9)
		level = 6;
	t->level = level;
	sha256_init(&t->sha);
	return t;
}

static void write_all(struct dp_table *t, const unsigned char *p, size_t n)
{
	if (!t->no_sha)
		sha256_update(&t->sha, n, p);
	t->crc = libdeflate_crc32(t->crc, p, n);
	t->bytes += n;
	if (!t->failed && (t->err_no = dp_write_full(t->fd, p, n)) != 0)
		t->failed = true;
}

/* Waits for the oldest block in flight and writes its member. */
static void write_oldest(struct dp_table *t)
{
	struct slot *sl = &t->ring[t->written % RING];
	if (!dp_zjob_wait(&sl->job) && !t->failed) {
		t->failed = true;
		t->err_no = EIO;
	}
	write_all(t, (const unsigned char *)sl->z.s, sl->z.len);
	dp_buf_reset(&sl->raw);
	t->written++;
}

/* Hands the pending rows to the pool as one block (an empty table still gets
 * one, empty, member); with finish, waits for every block and writes it. */
static void deflate_pending(struct dp_table *t, bool finish)
{
	if (t->pending.len || (finish && !t->submitted)) {
		if (t->submitted - t->written == RING)
			write_oldest(t);
		struct slot *sl = &t->ring[t->submitted % RING];
		struct dp_buf tmp = sl->raw;
		sl->raw = t->pending;
		t->pending = tmp;
		dp_buf_reset(&t->pending);
		sl->job = (struct dp_zjob){ .src = &sl->raw, .dst = &sl->z, .level = t->level };
		dp_zjob_submit(&sl->job);
		t->submitted++;
	}
	while (t->written < t->submitted && (finish || dp_zjob_done(&t->ring[t->written % RING].job)))
		write_oldest(t);
}

struct dp_table *dp_table_mem(void)
{
	struct dp_table *t = dp_xcalloc(1, sizeof *t);
	t->fd = -1;
	t->header_done = true; /* every row counts */
	return t;
}

void dp_table_append(struct dp_table *t, struct dp_table *src)
{
	if (!src->rows && !src->pending.len)
		return; /* t untouched: another thread may be writing it (normalize.c's streams) */
	dp_buf_add(&t->pending, src->pending.s, src->pending.len);
	t->rows += src->rows;
	dp_buf_reset(&src->pending);
	src->rows = 0;
	if (t->pending.len >= FLUSH_AT && t->fd >= 0)
		deflate_pending(t, false);
}

void dp_table_mem_free(struct dp_table *t)
{
	if (!t)
		return;
	dp_buf_free(&t->pending);
	dp_buf_free(&t->mark.pending);
	free(t);
}

void dp_table_put(struct dp_table *t, const char *s, size_t n, bool guard)
{
	if (t->nfields++)
		dp_buf_addc(&t->pending, ',');
	dp_csv_put(&t->pending, s, n, guard);
}

void dp_table_put_plain(struct dp_table *t, const char *s, size_t n)
{
	if (t->nfields++)
		dp_buf_addc(&t->pending, ',');
	dp_buf_add(&t->pending, s, n);
}

void dp_table_puts(struct dp_table *t, const char *s, bool guard)
{
	dp_table_put(t, s ? s : "", s ? strlen(s) : 0, guard);
}

void dp_table_putf(struct dp_table *t, const char *fmt, ...)
{
	struct dp_buf b = DP_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	dp_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	dp_table_put(t, dp_buf_str(&b), b.len, false);
	dp_buf_free(&b);
}

void dp_table_dec(struct dp_table *t, dp_dec v, int min_dec, int max_dec)
{
	if (t->nfields++)
		dp_buf_addc(&t->pending, ',');
	dp_dec_format(&t->pending, v, min_dec, max_dec);
}

void dp_table_putu(struct dp_table *t, unsigned long long v)
{
	if (t->nfields++)
		dp_buf_addc(&t->pending, ',');
	dp_buf_addu(&t->pending, v);
}

void dp_table_puti(struct dp_table *t, long long v)
{
	if (t->nfields++)
		dp_buf_addc(&t->pending, ',');
	if (v < 0)
		dp_buf_addc(&t->pending, '-');
	dp_buf_addu(&t->pending, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
}

void dp_table_fields(struct dp_table *t, const char *s, size_t n)
{
	if (t->nfields++)
		dp_buf_addc(&t->pending, ',');
	dp_buf_add(&t->pending, s, n);
}

void dp_table_line(struct dp_table *t, const char *s, size_t n)
{
	dp_buf_add(&t->pending, s, n);
	t->nfields = 1;
	dp_table_end_row(t);
}

void dp_table_empty(struct dp_table *t)
{
	if (t->nfields++)
		dp_buf_addc(&t->pending, ',');
}

bool dp_table_end_row(struct dp_table *t)
{
	dp_buf_addc(&t->pending, '\n');
	if (t->header_done)
		t->rows++;
	t->header_done = true;
	t->nfields = 0;
	if (t->pending.len >= FLUSH_AT && t->fd >= 0)
		deflate_pending(t, false);
	return !t->failed;
}

void dp_table_header(struct dp_table *t, const char *const *cols)
{
	for (; *cols; cols++)
		dp_table_puts(t, *cols, false);
	dp_table_end_row(t);
}

void dp_table_mark(struct dp_table *t)
{
	/* the blocks before the mark on the disk: the file's length and hash
	 * there are then the table's, and a rewind need only cut the file */
	while (t->fd >= 0 && t->written < t->submitted)
		write_oldest(t);
	t->mark.rows = t->rows;
	t->mark.bytes = t->bytes;
	t->mark.sha = t->sha;
	t->mark.crc = t->crc;
	t->mark.pending_len = t->pending.len;
	if (t->fd >= 0) {
		dp_buf_reset(&t->mark.pending);
		dp_buf_add(&t->mark.pending, t->pending.s, t->pending.len);
	}
}

void dp_table_rewind(struct dp_table *t)
{
	t->rows = t->mark.rows;
	t->nfields = 0;
	if (t->fd < 0) {
		t->pending.len = t->mark.pending_len; /* never handed on: still there */
		if (t->pending.s)
			t->pending.s[t->pending.len] = '\0';
		return;
	}
	while (t->written < t->submitted)
		write_oldest(t); /* the blocks after the mark: waited for, then cut off */
	if (!t->failed && (ftruncate(t->fd, (off_t)t->mark.bytes) != 0 ||
			   lseek(t->fd, (off_t)t->mark.bytes, SEEK_SET) < 0)) {
		t->failed = true;
		t->err_no = errno;
	}
	t->bytes = t->mark.bytes;
	t->sha = t->mark.sha;
	t->crc = t->mark.crc;
	dp_buf_reset(&t->pending);
	dp_buf_add(&t->pending, t->mark.pending.s, t->mark.pending.len);
}

static void free_bufs(struct dp_table *t)
{
	dp_buf_free(&t->pending);
	dp_buf_free(&t->mark.pending);
	/* the pool may still be reading a block (after an abort) */
	for (; t->written < t->submitted; t->written++)
		dp_zjob_wait(&t->ring[t->written % RING].job);
	for (int i = 0; i < RING; i++) {
		dp_buf_free(&t->ring[i].raw);
		dp_buf_free(&t->ring[i].z);
	}
	free(t->path);
	free(t->tmp);
	free(t);
}

bool dp_table_commit(struct dp_table *t, struct dp_table_info *info, struct dp_buf *err)
{
	deflate_pending(t, true);
	bool ok = !t->failed;
	if (ok && t->durable && fsync(t->fd) != 0 && errno != EINVAL) {
		ok = false;
		t->err_no = errno;
	}
	if (close(t->fd) != 0 && ok) {
		ok = false;
		t->err_no = errno;
	}
	if (ok && rename(t->tmp, t->path) != 0) {
		ok = false;
		t->err_no = errno;
	}
	if (!ok) {
		dp_buf_addf(err, "%s: write failed: %s", t->path, strerror(t->err_no));
		unlink(t->tmp);
	} else if (info) {
		info->rows = t->rows;
		info->bytes = t->bytes;
		info->crc32 = t->crc;
		info->sha256[0] = '\0';
		if (!t->no_sha)
			dp_sha256_hex(&t->sha, info->sha256);
	}
	free_bufs(t);
	return ok;
}

void dp_table_crc_only(struct dp_table *t)
{
	t->no_sha = true;
}

void dp_table_durable(struct dp_table *t)
{
	t->durable = true;
}

bool dp_table_commit_if(bool ok, struct dp_table *t, struct dp_table_info *info, struct dp_buf *err)
{
	if (ok)
		return dp_table_commit(t, info, err);
	dp_table_abort(t);
	return false;
}

void dp_table_abort(struct dp_table *t)
{
	if (!t)
		return;
	close(t->fd);
	unlink(t->tmp);
	free_bufs(t);
}

/* The header's cells, collected by libcsv */
struct hdr_cells {
	struct dp_buf text;   /* the new header line */
	const struct dp_table_rewrite *rw;
	bool done;
};

static int on_header(void *ctx, const struct dp_record *r)
{
	struct hdr_cells *h = ctx;
	if (h->done)
		return 0;
	h->done = true;
	struct dp_buf cell = DP_BUF_INIT;
	if (h->rw->bom)
		dp_buf_adds(&h->text, "\xEF\xBB\xBF");
	for (size_t i = 0; i < r->n; i++) {
		dp_buf_reset(&cell);
		if (h->rw->header)
			h->rw->header(r->f[i], &cell, h->rw->ctx);
		else
			dp_buf_add(&cell, r->f[i], r->len[i]);
		if (i)
			dp_buf_addc(&h->text, ',');
		dp_csv_put(&h->text, cell.s ? cell.s : "", cell.len, false);
	}
	dp_buf_addc(&h->text, '\n');
	dp_buf_free(&cell);
	return 0;
}

/* Replaces the header line pending[0, *scan) as rw says. */
static void rewrite_header(struct dp_table *t, size_t *scan, const struct dp_table_rewrite *rw)
{
	struct hdr_cells h = { DP_BUF_INIT, rw, false };
	struct dp_csv *c = dp_csv_new(on_header, &h);
	dp_csv_feed(c, t->pending.s, *scan);
	dp_csv_finish(c);
	dp_csv_free(c);
	struct dp_buf rest = DP_BUF_INIT;
	dp_buf_add(&rest, t->pending.s + *scan, t->pending.len - *scan);
	dp_buf_reset(&t->pending);
	dp_buf_add(&t->pending, h.text.s, h.text.len);
	*scan = t->pending.len;
	dp_buf_add(&t->pending, rest.s, rest.len);
	dp_buf_free(&rest);
	dp_buf_free(&h.text);
}

bool dp_table_recompress(const char *src, const char *dst, int level, struct dp_table_info *info,
			 struct dp_buf *err)
{
	return dp_table_recompress_as(src, dst, level, NULL, info, err);
}

bool dp_table_recompress_as(const char *src, const char *dst, int level, const struct dp_table_rewrite *rw,
			    struct dp_table_info *info, struct dp_buf *err)
{
	struct dp_input *in = dp_input_open(src, DP_ENC_UTF8, err);
	if (!in)
		return false;
	struct dp_table *t = dp_table_create(dst, level, err);
	if (!t) {
		dp_input_close(in);
		return false;
	}
	dp_table_durable(t);
	/* Rows are found by their line ends outside quotes (a quoted cell may
	 * hold a line end; a quote inside one is doubled, so the parity of the
	 * quotes since the row's start tells), and blocks end where
	 * dp_table_end_row would have ended them: after the first row that
	 * brings a block to FLUSH_AT bytes.  The copy is then, byte for byte,
	 * the table written row by row. */
	uint64_t lines = 0;
	struct dp_buf tail = DP_BUF_INIT;
	size_t scan = 0; /* pending[0, scan) is looked at; inq: inside quotes there */
	bool inq = false;
	const char *p;
	size_t n;
	enum dp_input_status st;
	while ((st = dp_input_read(in, &p, &n, err)) == DP_IN_DATA) {
		dp_buf_add(&t->pending, p, n);
		for (;;) {
			char *s = t->pending.s, *end = s + t->pending.len;
			char *nl = memchr(s + scan, '\n', (size_t)(end - (s + scan)));
			char *upto = nl ? nl : end;
			for (const char *q = s + scan; (q = memchr(q, '"', (size_t)(upto - q))); q++)
				inq = !inq;
			scan = (size_t)(upto - s) + (nl != NULL);
			if (!nl)
				break;
			if (inq)
				continue;
			if (++lines == 1 && rw)
				rewrite_header(t, &scan, rw);
			if (scan >= FLUSH_AT) {
				dp_buf_reset(&tail);
				dp_buf_add(&tail, s + scan, t->pending.len - scan);
				t->pending.len = scan;
				t->pending.s[scan] = '\0';
				deflate_pending(t, false);
				dp_buf_add(&t->pending, tail.s, tail.len);
				scan = 0;
			}
		}
	}
	dp_input_close(in);
	dp_buf_free(&tail);
	if (st != DP_IN_EOF) {
		dp_buf_addf(err, "%s: damaged work file", src);
		dp_table_abort(t);
		return false;
	}
	t->rows = lines ? lines - 1 : 0;
	return dp_table_commit(t, info, err);
}
