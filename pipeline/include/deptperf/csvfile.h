/* Reading a whole CSV file, plain or gzip, in any SPEC §2.1 encoding, as
 * records (input.h + csvread.h).  Memory stays bounded by the longest
 * record.  Thread-safe for distinct calls. */
#ifndef DEPTPERF_CSVFILE_H
#define DEPTPERF_CSVFILE_H

#include <stdint.h>

#include "deptperf/csvread.h"
#include "deptperf/input.h"

enum dp_csvfile_status {
	DP_CF_OK = 0,
	DP_CF_STOPPED,  /* the callback returned non-zero: see stop */
	DP_CF_IOERR,    /* cannot open or read: err */
	DP_CF_CORRUPT,  /* damaged gzip: err, bad_offset */
	DP_CF_BADTEXT,  /* not valid in the encoding: bad_offset */
	DP_CF_NUL,      /* a NUL byte: bad_offset */
	DP_CF_CSV,      /* CSV syntax error: line */
	DP_CF_BOUND     /* past a bound of csvread.h: bound, line, bad_offset (of the text) */
};

struct dp_csvfile_result {
	enum dp_csvfile_status status;
	int stop;                /* the callback's value for DP_CF_STOPPED */
	enum dp_encoding encoding;
	uint64_t bad_offset;
	uint64_t line;           /* DP_CF_CSV, DP_CF_BOUND: line of the fault */
	const char *bound;       /* DP_CF_BOUND: which (dp_csv_bound) */
	uint64_t raw_bytes;      /* bytes of the stored file */
	char sha256[65];         /* when asked for, else "" */
};

/* Reads path as enc and calls fn for every record, within the bounds of
 * csvread.h.  want_sha: hash the whole stored file (read to its end even
 * after an error). */
void dp_csvfile_read(const char *path, enum dp_encoding enc, bool want_sha, dp_record_fn fn, void *ctx,
		     struct dp_csvfile_result *res, struct dp_buf *err);
/* The same, reading through the buffers of pool (input.h). */
void dp_csvfile_read_pooled(const char *path, enum dp_encoding enc, bool want_sha, dp_record_fn fn, void *ctx,
			    struct dp_input_pool *pool, struct dp_csvfile_result *res, struct dp_buf *err);

struct dp_findings;
/* Adds the finding of a file that res did not read whole (E-ENCODING or
 * E-CSV, SPEC §2.1), why being the reader's sentence (a damaged gzip
 * stream) and utf8_bad, for a file read as GB18030, where reading it as
 * UTF-8 failed.  False, and nothing added, for a status that is no
 * finding (read, stopped, unreadable).  dp-ingest finds the faults in a
 * file's header and first record, dp-normalize those after them. */
bool dp_csvfile_finding(struct dp_findings *fs, const char *path, const struct dp_csvfile_result *res,
			const char *why, uint64_t utf8_bad);
/* Where path, read as dp-ingest reads it first (a BOM, else UTF-8), stops
 * being valid text; 0 when it does not. */
uint64_t dp_csvfile_utf8_bad(const char *path);

/* After reading a configuration file (rule set, roster, adjust file): false
 * with "FILE:LINE: why" in err when res is not a clean read or the file had
 * no header (what names the file for the message, in Chinese: "名册", …). */
bool dp_csvfile_config_ok(const struct dp_csvfile_result *res, const char *path, bool header_seen,
			  const char *what, struct dp_buf *err);

/* A pull reader over a UTF-8 work table, for reading two tables in
 * lockstep.  With more than one thread (omp_get_max_threads()) a thread of
 * its own inflates and parses the next records while the caller works on
 * the current ones; the records are the same either way.  Memory: a few
 * batches of about 128 KiB of fields. */
struct dp_rows;
struct dp_rows *dp_rows_open(const char *path, struct dp_buf *err);
/* The next record (valid until the next call), or NULL at the end or on an
 * error (dp_rows_failed tells; err gets the reason). */
const struct dp_record *dp_rows_next(struct dp_rows *r, struct dp_buf *err);
bool dp_rows_failed(const struct dp_rows *r);
void dp_rows_close(struct dp_rows *r);

#endif
