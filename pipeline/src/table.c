#include "deptperf/table.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "deptperf/csvread.h"
#include "deptperf/input.h"

#define FLUSH_AT (128 * 1024)
#define ZOUT (256 * 1024)

struct dp_table {
	int fd;
	char *path, *tmp;
	z_stream zs;
	struct sha256_ctx sha;
	struct dp_buf pending; /* rows not yet deflated */
	size_t nfields;        /* fields in the current row */
	uint64_t rows, bytes;
	bool header_done, failed;
	int err_no;
	unsigned char *zout;
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
	/* windowBits 31: gzip wrapper; zlib writes mtime 0 and no name */
	if (deflateInit2(&t->zs, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		dp_buf_addf(err, "%s: zlib cannot start", path);
		close(t->fd);
		unlink(t->tmp);
		free(t->path);
		free(t->tmp);
		free(t);
		return NULL;
	}
	sha256_init(&t->sha);
	t->zout = dp_xmalloc(ZOUT);
	return t;
}

static void write_all(struct dp_table *t, const unsigned char *p, size_t n)
{
	sha256_update(&t->sha, n, p);
	t->bytes += n;
	while (n && !t->failed) {
		ssize_t w = write(t->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			t->failed = true;
			t->err_no = errno;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void deflate_pending(struct dp_table *t, int flush)
{
	t->zs.next_in = (unsigned char *)t->pending.s;
	t->zs.avail_in = (uInt)t->pending.len;
	int r;
	do {
		t->zs.next_out = t->zout;
		t->zs.avail_out = ZOUT;
		r = deflate(&t->zs, flush);
		write_all(t, t->zout, ZOUT - t->zs.avail_out);
	} while (t->zs.avail_out == 0 || (flush == Z_FINISH && r != Z_STREAM_END && r != Z_STREAM_ERROR));
	dp_buf_reset(&t->pending);
}

void dp_table_put(struct dp_table *t, const char *s, size_t n, bool guard)
{
	if (t->nfields++)
		dp_buf_addc(&t->pending, ',');
	dp_csv_put(&t->pending, s, n, guard);
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
	if (t->pending.len >= FLUSH_AT)
		deflate_pending(t, Z_NO_FLUSH);
	return !t->failed;
}

void dp_table_header(struct dp_table *t, const char *const *cols)
{
	for (; *cols; cols++)
		dp_table_puts(t, *cols, false);
	dp_table_end_row(t);
}

bool dp_table_commit(struct dp_table *t, struct dp_table_info *info, struct dp_buf *err)
{
	deflate_pending(t, Z_FINISH);
	deflateEnd(&t->zs);
	bool ok = !t->failed;
	if (ok && fsync(t->fd) != 0 && errno != EINVAL) {
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
		uint8_t d[SHA256_DIGEST_SIZE];
		sha256_digest(&t->sha, sizeof d, d);
		for (size_t i = 0; i < sizeof d; i++)
			snprintf(info->sha256 + 2 * i, 3, "%02x", d[i]);
	}
	dp_buf_free(&t->pending);
	free(t->zout);
	free(t->path);
	free(t->tmp);
	free(t);
	return ok;
}

void dp_table_abort(struct dp_table *t)
{
	if (!t)
		return;
	deflateEnd(&t->zs);
	close(t->fd);
	unlink(t->tmp);
	dp_buf_free(&t->pending);
	free(t->zout);
	free(t->path);
	free(t->tmp);
	free(t);
}

bool dp_table_recompress(const char *src, const char *dst, int level, struct dp_table_info *info,
			 struct dp_buf *err)
{
	struct dp_input *in = dp_input_open(src, DP_ENC_UTF8, err);
	if (!in)
		return false;
	struct dp_table *t = dp_table_create(dst, level, err);
	if (!t) {
		dp_input_close(in);
		return false;
	}
	uint64_t lines = 0;
	const char *p;
	size_t n;
	enum dp_input_status st;
	while ((st = dp_input_read(in, &p, &n, err)) == DP_IN_DATA) {
		for (const char *q = p; (q = memchr(q, '\n', (size_t)(p + n - q))); q++)
			lines++;
		dp_buf_add(&t->pending, p, n);
		if (t->pending.len >= FLUSH_AT)
			deflate_pending(t, Z_NO_FLUSH);
	}
	dp_input_close(in);
	if (st != DP_IN_EOF) {
		dp_buf_addf(err, "%s: damaged work file", src);
		dp_table_abort(t);
		return false;
	}
	t->rows = lines ? lines - 1 : 0;
	return dp_table_commit(t, info, err);
}
