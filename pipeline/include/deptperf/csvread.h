/* CSV records through libcsv in strict mode, with physical line numbers.
 *
 * libcsv knows byte offsets only, so the reader feeds it one physical line
 * at a time and remembers on which line each record started (SPEC §2.1: the
 * line of a message is the 1-based line on which the record starts).  Field
 * bytes are copied inside libcsv's callback (its pointer dies after it).
 * Records whose fields are all empty (blank lines) are skipped.  One reader
 * per thread.
 */
#ifndef DEPTPERF_CSVREAD_H
#define DEPTPERF_CSVREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/buf.h"

struct dp_record {
	size_t n;           /* fields */
	const char **f;     /* NUL-terminated field texts (may hold no NUL) */
	const size_t *len;  /* their lengths */
	uint64_t line;      /* line on which the record starts */
	size_t longest;     /* length of the longest field */
};

/* Called once per record; return non-zero to stop parsing (the value is
 * handed back by dp_csv_feed/dp_csv_finish).  A record of dp_csv has its
 * fields one after another in one buffer, each followed by its NUL: the
 * bytes from f[0] to the NUL of f[n - 1] are the whole record. */
typedef int (*dp_record_fn)(void *ctx, const struct dp_record *r);
/* A callback's return that goes on reading but hands over the records after
 * this one without their fields (n and line only; f and len NULL, longest
 * 0): for a reader that only counts them (dp-ingest after the header),
 * which saves copying every field's bytes. */
#define DP_CSV_COUNT_REST (-2)

struct dp_csv;

struct dp_csv *dp_csv_new(dp_record_fn fn, void *ctx);
/* Keeps records whose fields are all empty (for work tables, whose rows
 * must stay aligned); only truly empty lines are skipped then. */
void dp_csv_keep_empty(struct dp_csv *c);
/* The bounds of an input file, checked while it streams (SPEC §2.1,
 * docs/decisions.md "Bounds"): reading stops at the first one passed.  A
 * field longer than SPEC's 4 096 bytes but within DP_CSV_MAX_FIELD is read,
 * and rejects its submission only (value.c). */
#define DP_CSV_MAX_FIELD ((size_t)64 << 10)          /* bytes of one field */
#define DP_CSV_MAX_RECORD ((size_t)1 << 20)          /* bytes of one record's fields */
#define DP_CSV_MAX_FIELDS 4096                       /* fields of one record */
#define DP_CSV_MAX_RECORDS ((uint64_t)5000000)       /* records of one file */
#define DP_CSV_MAX_TEXT ((uint64_t)2 << 30)          /* bytes of text of one file (inflated, decoded) */
/* Checks the bounds above from now on (input files; not work tables). */
void dp_csv_bounded(struct dp_csv *c);
/* A dp_csv_feed/dp_csv_finish return: a bound was passed; dp_csv_error_line
 * and dp_csv_bound tell which and where. */
#define DP_CSV_PAST_BOUND (-3)
/* Which bound was passed ("field", "record", "fields", "records", "text"),
 * or NULL; *offset gets the byte of the text where reading stopped. */
const char *dp_csv_bound(const struct dp_csv *c, uint64_t *offset);

/* Feeds n bytes.  Returns 0, the callback's non-zero value, -1 on a CSV
 * syntax error (dp_csv_error_line() tells where), or DP_CSV_PAST_BOUND. */
int dp_csv_feed(struct dp_csv *c, const char *p, size_t n);
/* Ends the input: flushes the last record; -1 if a quoted field is open. */
int dp_csv_finish(struct dp_csv *c);
uint64_t dp_csv_error_line(const struct dp_csv *c);
/* Physical lines seen so far. */
uint64_t dp_csv_lines(const struct dp_csv *c);
void dp_csv_free(struct dp_csv *c);

/* Cell i of a record (a negative i or one past the end: ""), trimmed and,
 * with fold, folded to ASCII (text.h), as a heap string the caller frees. */
char *dp_record_cell(const struct dp_record *r, long i, bool fold);

/* Appends one field to a CSV line being built: quoted through libcsv's
 * csv_write when it holds a comma, quote, CR, LF or edge space; prefixed
 * with ' when guard is set and the text could start a spreadsheet formula. */
void dp_csv_put(struct dp_buf *line, const char *s, size_t n, bool guard);

#endif
