/* A batch of CSV records copied out of a reader, so that other threads can
 * work on them while the reader goes on: the read-ahead of work tables
 * (dp_rows, csvfile.h) and dp-normalize's bulk rows normalized on every
 * core.
 *
 * Fill it with dp_recbatch_add on one thread, dp_recbatch_seal it, then any
 * thread may dp_recbatch_get its records until it is cleared or added to.
 * Memory: the records' bytes and 24 bytes per field, kept for reuse. */
#ifndef DEPTPERF_RECBATCH_H
#define DEPTPERF_RECBATCH_H

#include <stddef.h>

#include "deptperf/buf.h"
#include "deptperf/csvread.h"

struct dp_recbatch_rec {
	size_t first, n;   /* its fields: [first, first + n) of the batch */
	uint64_t line;
	size_t longest;
};

struct dp_recbatch {
	struct dp_buf bytes;   /* the fields, each followed by its NUL */
	size_t *at, *len;      /* per field: offset in bytes, length */
	const char **f;        /* per field: its text, once sealed */
	size_t nfields, capfields;
	struct dp_recbatch_rec *rec;
	size_t nrec, caprec;
};

#define DP_RECBATCH_INIT { DP_BUF_INIT, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }

/* Copies r (its fields, lengths, line) to the end of b.  r's fields must
 * be one piece, each followed by its NUL, as dp_csv hands them (csvread.h). */
void dp_recbatch_add(struct dp_recbatch *b, const struct dp_record *r);
/* Makes the records readable by dp_recbatch_get. */
void dp_recbatch_seal(struct dp_recbatch *b);
/* Record i < b->nrec of a sealed batch (pointing into b). */
struct dp_record dp_recbatch_get(const struct dp_recbatch *b, size_t i);
/* Empties b, keeping its memory. */
void dp_recbatch_clear(struct dp_recbatch *b);
void dp_recbatch_free(struct dp_recbatch *b);

#endif
