/* Batches of CSV records copied out of a reader for other threads
 * (recbatch.h). */
#include "deptperf/recbatch.h"

#include <stdlib.h>
#include <string.h>

static void room(struct dp_recbatch *b, size_t more)
{
	if (b->capfields - b->nfields >= more)
		return;
	size_t cap = b->capfields ? b->capfields : 1024;
	while (cap - b->nfields < more)
		cap = dp_st_mult(cap, 2);
	b->at = dp_xrealloc(b->at, dp_st_mult(cap, sizeof *b->at));
	b->len = dp_xrealloc(b->len, dp_st_mult(cap, sizeof *b->len));
	b->f = dp_xrealloc(b->f, dp_st_mult(cap, sizeof *b->f));
	b->capfields = cap;
}

void dp_recbatch_add(struct dp_recbatch *b, const struct dp_record *r)
{
	DP_GROW(b->rec, b->nrec, b->caprec);
	b->rec[b->nrec++] = (struct dp_recbatch_rec){ b->nfields, r->n, r->line, r->longest };
	if (!r->n)
		return;
	room(b, r->n);
	/* the parser's fields are one piece, NUL-separated (csvread.h): one copy */
	size_t base = b->bytes.len;
	for (size_t j = 0; j < r->n; j++) {
		b->at[b->nfields] = base + (size_t)(r->f[j] - r->f[0]);
		b->len[b->nfields++] = r->len[j];
	}
	dp_buf_add(&b->bytes, r->f[0], (size_t)(r->f[r->n - 1] - r->f[0]) + r->len[r->n - 1] + 1);
}

void dp_recbatch_seal(struct dp_recbatch *b)
{
	for (size_t i = 0; i < b->nfields; i++)
		b->f[i] = b->bytes.s + b->at[i];
}

struct dp_record dp_recbatch_get(const struct dp_recbatch *b, size_t i)
{
	const struct dp_recbatch_rec *x = &b->rec[i];
	return (struct dp_record){ x->n, b->f + x->first, b->len + x->first, x->line, x->longest };
}

void dp_recbatch_clear(struct dp_recbatch *b)
{
	b->nrec = b->nfields = 0;
	dp_buf_reset(&b->bytes);
}

void dp_recbatch_free(struct dp_recbatch *b)
{
	dp_buf_free(&b->bytes);
	free(b->at);
	free(b->len);
	free(b->f);
	free(b->rec);
	memset(b, 0, sizeof *b);
}
