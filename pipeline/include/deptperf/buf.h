/* A growable byte buffer, always NUL-terminated (git's strbuf, smaller).
 *
 * A zeroed struct is an empty buffer.  Functions abort() only when memory is
 * exhausted: the pipeline has no sensible way to go on without it, and a
 * half-written table is worse than a stopped stage (the driver then leaves
 * `latest` untouched).  Not thread-safe per buffer; distinct buffers are
 * independent.
 */
#ifndef DEPTPERF_BUF_H
#define DEPTPERF_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct dp_buf {
	char *s;     /* NUL-terminated; NULL while nothing was ever added */
	size_t len;
	size_t cap;
};

#define DP_BUF_INIT { NULL, 0, 0 }

void dp_buf_grow(struct dp_buf *b, size_t extra);
static inline void dp_buf_add(struct dp_buf *b, const void *p, size_t n);
void dp_buf_adds(struct dp_buf *b, const char *s);
void dp_buf_addf(struct dp_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dp_buf_vaddf(struct dp_buf *b, const char *fmt, va_list ap);
/* Appends v in decimal (printf's %llu without printf). */
void dp_buf_addu(struct dp_buf *b, unsigned long long v);
static inline void dp_buf_reset(struct dp_buf *b);
/* The contents as a C string; "" for an empty buffer. */
const char *dp_buf_str(const struct dp_buf *b);
/* Hands the heap string to the caller (who frees it) and empties b. */
char *dp_buf_detach(struct dp_buf *b);
void dp_buf_free(struct dp_buf *b);

/* Checked size arithmetic (git's st_mult): abort() on overflow. */
size_t dp_st_mult(size_t a, size_t b);
size_t dp_st_add(size_t a, size_t b);
/* malloc/realloc/strdup that abort() on exhaustion. */
void *dp_xmalloc(size_t n);
void *dp_xcalloc(size_t n, size_t size);
void *dp_xrealloc(void *p, size_t n);
char *dp_xstrdup(const char *s);
char *dp_xmemdup(const void *p, size_t n); /* adds a NUL */

/* qsort that also takes an empty array, which may be NULL (qsort's
 * arguments must not be NULL even when n is 0). */
void dp_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* Grows an array `a` of `n` used / `cap` allocated elements to hold one more. */
#define DP_GROW(a, n, cap)                                                   \
	do {                                                                 \
		if ((n) >= (cap)) {                                          \
			(cap) = (cap) ? dp_st_mult((cap), 2) : 16;           \
			(a) = dp_xrealloc((a), dp_st_mult((cap), sizeof(*(a)))); \
		}                                                            \
	} while (0)

/* Appends p[0..n) and a NUL that counts in len: NUL-separated fields.
 * Inline, as this and dp_buf_addc run for every field or byte read. */
static inline void dp_buf_addz(struct dp_buf *b, const void *p, size_t n)
{
	if (b->cap - b->len < 2 || n > b->cap - b->len - 2)
		dp_buf_grow(b, dp_st_add(n, 1));
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len++] = '\0';
	b->s[b->len] = '\0';
}

/* Inline too: dp-normalize adds and empties tens of millions of fields. */
static inline void dp_buf_add(struct dp_buf *b, const void *p, size_t n)
{
	if (b->cap - b->len < 1 || n > b->cap - b->len - 1)
		dp_buf_grow(b, n);
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static inline void dp_buf_reset(struct dp_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

static inline void dp_buf_addc(struct dp_buf *b, char c)
{
	if (b->len + 2 > b->cap)
		dp_buf_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

#endif
