/* A work table held in memory: rows of NUL-terminated cells in one arena,
 * for the stages that must sort or join (dp-aggregate).  Memory is the
 * table's text plus 8 bytes per row: a cell is found by stepping over the
 * cells before it, which is cheap for the short rows of work tables and
 * saves 4 bytes a cell.
 * Read-only after loading; threads may share it. */
#ifndef DEPTPERF_MEMTAB_H
#define DEPTPERF_MEMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/buf.h"

struct dp_memtab {
	size_t ncols, nrows;
	char **cols;           /* header names */
	struct dp_buf arena;
	size_t *row_off;       /* per row: offset of its first cell in the arena */
	size_t caprows;
	void *map;             /* a cells file mapped (the arena's text), or NULL */
	size_t map_len;
};

/* Loads path (header + rows); a missing file is an error unless optional,
 * when it loads as an empty table with no columns. */
bool dp_memtab_load(struct dp_memtab *t, const char *path, bool optional, struct dp_buf *err);
/* The cell, unguarded (text.h); "" beyond a short row. */
const char *dp_memtab_cell(const struct dp_memtab *t, size_t row, size_t col);
/* The cell exactly as stored (a formula guard kept). */
const char *dp_memtab_raw(const struct dp_memtab *t, size_t row, size_t col);
/* Every cell of a row, in one pass: cells[0..ncols) (as stored). */
void dp_memtab_split(const struct dp_memtab *t, size_t row, const char **cells);
/* Column index by name, or -1. */
int dp_memtab_col(const struct dp_memtab *t, const char *name);
void dp_memtab_free(struct dp_memtab *t);

/* ---- cells files ----
 *
 * The departments' table between stages (docs/work-files.md): the only
 * form the work folder holds it in, from dp-normalize (every submission
 * parsed) and dp-validate (the accepted ones) to dp-score and dp-aggregate.
 * Loading one is a read or a map, where a gzip CSV table costs inflating
 * and parsing every field.  The file holds each row's cells NUL-terminated,
 * the header row first, then each data row's offset, then a 40-byte footer:
 * the magic "DPCELLS5", the columns, the rows, the cells' bytes, and the
 * CRC-32 of every byte before the footer, so that a file damaged since it
 * was written is refused (as a gzip table's own CRC-32 refuses it).  A cell
 * is the text the published CSV field holds (a formula guard kept, text.h).
 * Native byte order: a work file, read on the machine that wrote it. */
struct dp_cells_writer;

/* Creates the file path (a temporary name: dp_cells_commit gives it its
 * own) with the header row cols[0..ncols); NULL (err set) on failure.  The
 * rows are written in 256 KiB blocks by a thread of glibc's POSIX AIO, not
 * the caller's, and the writer's memory does not grow with them (their
 * offsets wait in a file of their own until commit). */
struct dp_cells_writer *dp_cells_create(const char *path, const char *const *cols, size_t ncols,
					struct dp_buf *err);
/* Appends a row: s[0..n) is its cells, each NUL-terminated, as many as the
 * header has. */
void dp_cells_row(struct dp_cells_writer *w, const char *s, size_t n);
/* The rows appended so far, read back in order from the file (not mapped:
 * the memory is one buffer of the longest row or a few megabytes): fn gets
 * each row's index and cells, and stops the walk by returning false.  For a
 * writer that is also its caller's spool (dp-validate's candidates).  False
 * (err set) when the file cannot be written or read back. */
bool dp_cells_each(struct dp_cells_writer *w, bool (*fn)(void *ctx, size_t row, const char *s, size_t n),
		   void *ctx, struct dp_buf *err);
size_t dp_cells_nrows(const struct dp_cells_writer *w);
/* Remembers the rows appended so far; dp_cells_rewind takes back every row
 * appended after (waiting for their writes, and cutting the file there), as
 * dp_table_mark and dp_table_rewind do for a gzip table.  NULL
 * does nothing. */
void dp_cells_mark(struct dp_cells_writer *w);
void dp_cells_rewind(struct dp_cells_writer *w);
/* Writes the offsets and the footer, closes and renames onto path.  False
 * (err set, nothing left behind) on failure.  Frees w either way. */
bool dp_cells_commit(struct dp_cells_writer *w, const char *path, struct dp_buf *err);
/* Removes the partial file and frees w; NULL does nothing. */
void dp_cells_abort(struct dp_cells_writer *w);
/* A cells file read once, in order, for a stage that streams (dp-validate
 * reading the departments dp-normalize wrote): memory is a buffer of a few
 * megabytes, not the file.  Rows are found by their cells' NULs; the footer
 * is checked at opening, the rows' count, the body's end and the CRC-32 by
 * dp_cells_whole. */
struct dp_cells_reader;
/* NULL (err set) when path is missing or is not a whole cells file. */
struct dp_cells_reader *dp_cells_open(const char *path, struct dp_buf *err);
size_t dp_cells_ncols(const struct dp_cells_reader *r);
/* The header row's names, ncols of them. */
const char *const *dp_cells_cols(const struct dp_cells_reader *r);
/* The next row: *s holds its ncols cells, each NUL-terminated, n bytes in
 * all, valid until the next call; f and len, when not NULL, get each cell
 * and its length (ncols of them).  False after the last row, or at a
 * damaged or unreadable row (then dp_cells_whole is false). */
bool dp_cells_next(struct dp_cells_reader *r, const char **s, size_t *n, const char **f, size_t *len);
/* Cell k of a row of cells as dp_cells_next hands it (k < the columns). */
const char *dp_cells_cell(const char *row, size_t k);
/* f[0..ncols) and len: every cell of such a row and its length. */
void dp_cells_split(const char *row, size_t ncols, const char **f, size_t *len);
/* After dp_cells_next returned false: whether every row the footer counts
 * was read, nothing else was in the body, and the file's bytes are those
 * written (its own CRC-32, the offsets read for it here). */
bool dp_cells_whole(struct dp_cells_reader *r);
void dp_cells_close(struct dp_cells_reader *r);

/* Loads (maps) the cells file path into t when it is whole and its bytes
 * those written (its CRC-32); false otherwise (t empty, err set). */
bool dp_memtab_load_cells(struct dp_memtab *t, const char *path, struct dp_buf *err);
/* For a caller that reads a mapped table's rows once, in order: lets the
 * kernel take back the memory of the rows before row (they are read again
 * from the file if touched after; a table not mapped is left alone).  Keeps
 * a stage's peak at what it has copied, not that plus the whole file. */
void dp_memtab_release_before(const struct dp_memtab *t, size_t row);

#endif
