/* Growable byte buffers, checked sizes, and the exit-code advice (buf.h,
 * status.h). */
#include "deptperf/buf.h"
#include "deptperf/status.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
	/* The one place the library gives up: see buf.h. */
	fputs("deptperf: out of memory\n", stderr);
	abort();
}

void *dp_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *dp_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *dp_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *dp_xmemdup(const void *p, size_t n)
{
	char *s = dp_xmalloc(dp_st_add(n, 1));
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

char *dp_xstrdup(const char *s)
{
	return dp_xmemdup(s, strlen(s));
}

size_t dp_st_mult(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b)
		oom();
	return a * b;
}

size_t dp_st_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b)
		oom();
	return a + b;
}

void dp_buf_grow(struct dp_buf *b, size_t extra)
{
	size_t need = dp_st_add(dp_st_add(b->len, extra), 1);
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = dp_st_mult(cap, 2);
	b->s = dp_xrealloc(b->s, cap);
	b->cap = cap;
	b->s[b->len] = '\0';
}

void dp_buf_adds(struct dp_buf *b, const char *s)
{
	dp_buf_add(b, s, strlen(s));
}

void dp_buf_vaddf(struct dp_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	dp_buf_grow(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void dp_buf_addf(struct dp_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dp_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void dp_buf_addu(struct dp_buf *b, unsigned long long v)
{
	char t[24];
	size_t i = sizeof t;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	dp_buf_add(b, t + i, sizeof t - i);
}

const char *dp_buf_str(const struct dp_buf *b)
{
	return b->s ? b->s : "";
}

char *dp_buf_detach(struct dp_buf *b)
{
	char *s = b->s ? b->s : dp_xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void dp_buf_free(struct dp_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

const char *dp_status_advice(int status)
{
	switch (status) {
	case DP_OK: return "published";
	case DP_FINDINGS: return "published with error findings or missing departments: read findings.csv.gz";
	case DP_USAGE: return "bad command line: see --help";
	case DP_BADCONFIG: return "fix the rule set, roster, adjust or scenarios file named above and run again";
	case DP_NOINPUT: return "no input found: check the --input paths";
	case DP_CANTCREATE: return "cannot create the output: check that the folder exists, is writable and the disk has room";
	case DP_IOERR: return "I/O error: check the disk and the file named above, then run again";
	case DP_LOCKED: return "another run holds the lock on this --out folder: wait for it to finish";
	default:
		return status > 128 ? "nothing was published and latest is as it was: run again when ready" :
				      "unexpected failure";
	}
}

int dp_status_worse(int a, int b)
{
	if (a >= 64)
		return a;
	if (b >= 64)
		return b;
	return a > b ? a : b;
}

void dp_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}
