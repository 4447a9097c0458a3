/* Writing a gzip-compressed CSV table atomically (SPEC §6).
 *
 * Rows go through libcsv's quoting (csvread.h) into blocks that the
 * compression pool (zpool.h) deflates in the background, each a gzip member
 * with a deterministic header (no name, mtime 0).  The table is written to
 * "<path>.tmp" and renamed onto path only by dp_table_commit, after every
 * write and the close were checked; dp_table_abort removes the partial file.
 * The SHA-256 of the stored bytes is computed as they are written.  One
 * writer per thread.
 */
#ifndef DEPTPERF_TABLE_H
#define DEPTPERF_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/buf.h"
#include "deptperf/decimal.h"

struct dp_table;

struct dp_table_info {
	uint64_t rows;    /* data rows, header excluded */
	uint64_t bytes;   /* stored (compressed) bytes */
	char sha256[65];  /* "" after dp_table_crc_only */
	uint32_t crc32;   /* of the stored bytes */
};

/* Creates path.tmp.  level is the gzip level 1–9 (0: stored, for work files
 * read back at once).  Returns NULL and appends to err on failure. */
struct dp_table *dp_table_create(const char *path, int level, struct dp_buf *err);
/* A table in memory only (no file, no compression): rows written to it are
 * later appended, in order, to a real table with dp_table_append.  For
 * threads that each prepare the rows of one input file. */
struct dp_table *dp_table_mem(void);
/* Moves every row of the memory table src to the end of t; src is emptied
 * and may be reused. */
void dp_table_append(struct dp_table *t, struct dp_table *src);
/* Frees a memory table; NULL does nothing. */
void dp_table_mem_free(struct dp_table *t);
/* Writes the header row from a NULL-terminated list of column names. */
void dp_table_header(struct dp_table *t, const char *const *cols);
/* Appends a field to the current row.  guard: text from the input, which
 * gets a leading ' when it could start a spreadsheet formula. */
void dp_table_put(struct dp_table *t, const char *s, size_t n, bool guard);
/* A cell known to need neither quotes nor a guard (a number or a date the
 * program formatted itself), written as it is. */
void dp_table_put_plain(struct dp_table *t, const char *s, size_t n);
void dp_table_puts(struct dp_table *t, const char *s, bool guard);
void dp_table_putf(struct dp_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An unsigned integer. */
void dp_table_putu(struct dp_table *t, unsigned long long v);
/* A signed integer. */
void dp_table_puti(struct dp_table *t, long long v);
/* A decimal with min_dec..max_dec decimals (decimal.h). */
void dp_table_dec(struct dp_table *t, dp_dec v, int min_dec, int max_dec);
void dp_table_empty(struct dp_table *t);
/* Appends fields made elsewhere: s[0..n) is one field or several, already
 * quoted (and guarded) as dp_table_put writes them and joined by commas
 * (for fields that repeat on many rows: made once, copied each time). */
void dp_table_fields(struct dp_table *t, const char *s, size_t n);
/* Writes a whole row made elsewhere: its fields already quoted (and
 * guarded) as dp_table_put writes them, without the line end. */
void dp_table_line(struct dp_table *t, const char *s, size_t n);
/* Ends the current row.  Returns false (and keeps the error for commit)
 * when writing failed. */
bool dp_table_end_row(struct dp_table *t);
/* The table's SHA-256 is not computed (a fifth of a second per 300 MB):
 * for a work table that only a cells file names (memtab.h), by its CRC-32. */
void dp_table_crc_only(struct dp_table *t);
/* Remembers where the rows written so far end (one mark per table; a new
 * mark replaces the old), so that dp_table_rewind can take back every row
 * written after it: dp-normalize marks each file's start and takes a file's
 * rows back when a CSV error turns up after them.  On a table written to a
 * file, marking waits for the blocks in flight (a few, at most RING) and
 * copies the rows not yet in a block; the blocks' cuts do not change.  No
 * row may be half written. */
void dp_table_mark(struct dp_table *t);
/* Takes back every row written since dp_table_mark: the table is then, byte
 * for byte, what it would be had they never been written. */
void dp_table_rewind(struct dp_table *t);
/* A table handed to users (dp-aggregate's): commit waits for its bytes to
 * be on the disk (fsync) before the rename.  Work tables are not synced: a
 * run that dies is made again from its inputs (docs/decisions.md). */
void dp_table_durable(struct dp_table *t);
/* Finishes, checks, closes and renames.  Returns false and appends to err on
 * any failure, after removing the partial file.  Frees t either way. */
bool dp_table_commit(struct dp_table *t, struct dp_table_info *info, struct dp_buf *err);
/* Copies the gzip table src to dst at level (inflate, deflate again),
 * atomically and durably (for publishing), counting its rows (lines less
 * the header). */
bool dp_table_recompress(const char *src, const char *dst, int level, struct dp_table_info *info,
			 struct dp_buf *err);
/* For tables written together: dp_table_commit when ok (none of them has
 * failed so far), else dp_table_abort, so that err tells the one failure
 * (a full disk refuses every table: one message, not one per table).
 * Returns ok && the commit. */
bool dp_table_commit_if(bool ok, struct dp_table *t, struct dp_table_info *info, struct dp_buf *err);
/* What dp_table_recompress_as changes in the copy: a UTF-8 BOM before the
 * header (--csv-bom), and each header cell as header maps it (--headers
 * zh; NULL: as it is).  The rows are copied as they are. */
struct dp_table_rewrite {
	bool bom;
	void (*header)(const char *col, struct dp_buf *out, void *ctx);
	void *ctx;
};
bool dp_table_recompress_as(const char *src, const char *dst, int level, const struct dp_table_rewrite *rw,
			    struct dp_table_info *info, struct dp_buf *err);
/* Removes the partial file and frees t; NULL does nothing. */
void dp_table_abort(struct dp_table *t);

#endif
