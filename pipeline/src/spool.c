/* A temporary spool of records written once and read back once (spool.h). */
#include "deptperf/spool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deptperf/stage.h"

/* On disk a record is its byte length (uint32), then each string as its
 * length (uint32) and its bytes.  The file is the machine's own, read back
 * by the process that wrote it: native byte order. */

#define IOBUF (1 << 20)

struct dp_spool {
	int fd;
	struct dp_buf out;   /* unwritten bytes; the open record from rec_start */
	size_t rec_start;
	struct dp_buf in;    /* bytes read and not yet consumed, from in_pos */
	size_t in_pos;
	bool in_eof, failed;
	int err_no;
	struct dp_buf rec;   /* the current record, strings NUL-terminated */
	const char **f;      /* its strings, and their lengths */
	size_t *len;
	size_t nf, capf, caplen;
};

struct dp_spool *dp_spool_new(const char *dir, struct dp_buf *err)
{
	char *tmpl = dp_path_join(dir, ".spool-XXXXXX");
	int fd = mkstemp(tmpl);
	if (fd < 0) {
		dp_buf_addf(err, "%s: cannot create a temporary file: %s", dir, strerror(errno));
		free(tmpl);
		return NULL;
	}
	unlink(tmpl);
	free(tmpl);
	struct dp_spool *s = dp_xcalloc(1, sizeof *s);
	s->fd = fd;
	return s;
}

static void flush_out(struct dp_spool *s, size_t upto)
{
	if (!s->failed && (s->err_no = dp_write_full(s->fd, s->out.s, upto)) != 0)
		s->failed = true;
	memmove(s->out.s, s->out.s + upto, s->out.len - upto);
	s->out.len -= upto;
	s->out.s[s->out.len] = '\0';
	s->rec_start -= upto;
}

static void put_u32(struct dp_buf *b, uint32_t v)
{
	dp_buf_add(b, (const char *)&v, sizeof v);
}

void dp_spool_put(struct dp_spool *s, const char *p, size_t n)
{
	if (s->out.len == s->rec_start) /* first string: room for the record length */
		put_u32(&s->out, 0);
	put_u32(&s->out, (uint32_t)n);
	dp_buf_add(&s->out, p, n);
}

void dp_spool_puts(struct dp_spool *s, const char *p)
{
	dp_spool_put(s, p ? p : "", p ? strlen(p) : 0);
}

void dp_spool_putu(struct dp_spool *s, uint64_t v)
{
	dp_spool_put(s, (const char *)&v, sizeof v);
}

uint64_t dp_spool_u(const char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

void dp_spool_end(struct dp_spool *s)
{
	if (s->out.len == s->rec_start)
		put_u32(&s->out, 0);
	uint32_t n = (uint32_t)(s->out.len - s->rec_start - sizeof n);
	memcpy(s->out.s + s->rec_start, &n, sizeof n);
	s->rec_start = s->out.len;
	if (s->out.len >= IOBUF)
		flush_out(s, s->out.len);
}

bool dp_spool_rewind(struct dp_spool *s, struct dp_buf *err)
{
	if (s->out.len)
		flush_out(s, s->out.len);
	if (!s->failed && lseek(s->fd, 0, SEEK_SET) != 0) {
		s->failed = true;
		s->err_no = errno;
	}
	if (s->failed) {
		dp_buf_addf(err, "cannot write a temporary file in the work folder: %s", strerror(s->err_no));
		return false;
	}
	dp_buf_free(&s->out);
	dp_buf_reset(&s->in);
	s->in_pos = 0;
	s->in_eof = false;
	return true;
}

/* Makes at least want unread bytes available; false at the end or on error. */
static bool fill(struct dp_spool *s, size_t want)
{
	while (s->in.len - s->in_pos < want) {
		if (s->in_eof || s->failed)
			return false;
		if (s->in_pos) {
			memmove(s->in.s, s->in.s + s->in_pos, s->in.len - s->in_pos);
			s->in.len -= s->in_pos;
			s->in_pos = 0;
		}
		size_t room = want > IOBUF ? want : IOBUF;
		dp_buf_grow(&s->in, room);
		ssize_t r = read(s->fd, s->in.s + s->in.len, room);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			s->failed = true;
			s->err_no = errno;
			return false;
		}
		if (r == 0)
			s->in_eof = true;
		s->in.len += (size_t)r;
	}
	return true;
}

bool dp_spool_next(struct dp_spool *s, const char *const **f, const size_t **len, size_t *n,
		   struct dp_buf *err)
{
	uint32_t size;
	if (!fill(s, sizeof size))
		goto end;
	memcpy(&size, s->in.s + s->in_pos, sizeof size);
	if (!fill(s, sizeof size + size)) {
		if (!s->failed) {
			s->failed = true;
			s->err_no = EIO; /* a record cut short */
		}
		goto end;
	}
	const char *p = s->in.s + s->in_pos + sizeof size, *e = p + size;
	s->in_pos += sizeof size + size;
	/* copy the strings out, each with a NUL, and point at them */
	dp_buf_reset(&s->rec);
	dp_buf_grow(&s->rec, size + size / 4 + 16);
	s->nf = 0;
	while (p + sizeof size <= e) {
		uint32_t k;
		memcpy(&k, p, sizeof k);
		p += sizeof k;
		if (k > (size_t)(e - p))
			break;
		DP_GROW(s->len, s->nf, s->caplen);
		s->len[s->nf++] = k;
		dp_buf_addz(&s->rec, p, k);
		p += k;
	}
	/* the pointers last: s->rec may have moved while it grew */
	if (s->capf < s->caplen) {
		s->capf = s->caplen;
		s->f = dp_xrealloc(s->f, s->capf * sizeof *s->f);
	}
	const char *q = s->rec.s;
	for (size_t i = 0; i < s->nf; i++) {
		s->f[i] = q;
		q += s->len[i] + 1;
	}
	*f = s->f;
	*len = s->len;
	*n = s->nf;
	return true;
end:
	if (s->failed)
		dp_buf_addf(err, "cannot read back a temporary file in the work folder: %s", strerror(s->err_no));
	return false;
}

void dp_spool_free(struct dp_spool *s)
{
	if (!s)
		return;
	close(s->fd);
	dp_buf_free(&s->out);
	dp_buf_free(&s->in);
	dp_buf_free(&s->rec);
	free(s->f);
	free(s->len);
	free(s);
}
