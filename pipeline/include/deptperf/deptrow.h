/* Reading rows of departments.csv.gz back into field values. */
#ifndef DEPTPERF_DEPTROW_H
#define DEPTPERF_DEPTROW_H

#include <stdbool.h>
#include <stddef.h>

#include "deptperf/buf.h"
#include "deptperf/csvread.h"
#include "deptperf/decimal.h"
#include "deptperf/fields.h"

struct dp_deptrow {
	const struct dp_dict *dict;
	size_t ncols;
	int *field;          /* dict index per column (-1: a column this dict lacks) */
	bool *num;           /* per column: a number (parsed by dp_deptrow_load) */
	/* per dict field, for the current row */
	const char **text;   /* the cell ("" when absent), unguarded */
	dp_dec *val;         /* numeric fields */
	bool *has;           /* given (non-empty and, if numeric, parsed) */
	const bool *want;    /* per dict field: load it (NULL: every field) */
};

/* Reads the header record; false with err when a column is unknown. */
bool dp_deptrow_init(struct dp_deptrow *d, const struct dp_dict *dict, const struct dp_record *hdr,
		     struct dp_buf *err);
/* Loads one row into text/val/has (pointers into r: valid while r is). */
void dp_deptrow_load(struct dp_deptrow *d, const struct dp_record *r);
/* The same for a row given as its cells (a cells file's, memtab.h):
 * cells[0..n), each NUL-terminated, and their lengths len[0..n) (NULL:
 * measured where needed). */
void dp_deptrow_load_cells(struct dp_deptrow *d, const char *const *cells, const size_t *len, size_t n);
/* The same for text only: has[] says non-empty, val[] is not filled (for
 * passes that copy rows and need no arithmetic). */
void dp_deptrow_load_text(struct dp_deptrow *d, const struct dp_record *r);
/* From now on loads only the fields k with want[k] (want[] per dict field,
 * kept by the caller); the others stay "" and not given.  For a reader
 * that needs a few fields of every row (dp-score). */
void dp_deptrow_only(struct dp_deptrow *d, const bool *want);
void dp_deptrow_free(struct dp_deptrow *d);

#endif
