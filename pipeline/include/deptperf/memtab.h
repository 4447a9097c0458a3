/* A work table held in memory: rows of NUL-terminated cells in one arena,
 * for the stages that must sort or join (dp-aggregate).  Memory is the
 * table's text plus 8 bytes per row: a cell is found by stepping over the
 * cells before it, which is cheap for the short rows of work tables and
 * saves 4 bytes a cell (a quarter of a gigabyte for 1 000 000 departments).
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

#endif
