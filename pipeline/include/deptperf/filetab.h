/* inputs.csv.gz: one row per input file (SPEC §6), kept by every stage —
 * and per sheet of a workbook (book.h): a workbook's sheets are a row each,
 * file the workbook's path and sheet the sheet's name, in the workbook's
 * order; a workbook none of whose sheets is read is one row with no sheet.
 * The column sheet is written only when some row has one, so that a run of
 * CSV files has SPEC §6's columns exactly. */
#ifndef DEPTPERF_FILETAB_H
#define DEPTPERF_FILETAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/buf.h"

struct dp_file_row {
	const char *file;  /* in the table's own memory */
	const char *sheet; /* a workbook's sheet, in the table's own memory; "" for a CSV file */
	char sha256[65];
	uint64_t bytes;
	/* each one of a few fixed words (dp_filetab_set), not copied per row */
	const char *encoding;    /* "" when not read */
	const char *shape;       /* "" when not decided */
	uint64_t rows, submissions;
	const char *status;      /* pending, accepted, partly-rejected, rejected, superseded, skipped */
};

struct dp_filetab {
	struct dp_file_row *v;
	size_t n, cap;
	/* the files' paths, in blocks that never move: not an allocation per
	 * path (a run may read 100 000 forms) */
	char **blocks;
	size_t nblocks, capblocks, used; /* used: bytes of the last block */
};

/* Adds a row (pending, nothing read); the path is copied. */
struct dp_file_row *dp_filetab_add(struct dp_filetab *t, const char *file);
/* Sets the sheet of row r (copied into t). */
void dp_filetab_set_sheet(struct dp_filetab *t, struct dp_file_row *r, const char *sheet);
/* Sets *field to the word value: an encoding name (dp_encoding_name), a
 * shape name (dp_shape_name), a status above, or "".  False, *field left
 * as it was, for any other text. */
bool dp_filetab_set(const char **field, const char *value);
bool dp_filetab_load(struct dp_filetab *t, const char *path, struct dp_buf *err);
struct dp_table_info;
/* Writes the table; info (may be NULL) gets rows, bytes and SHA-256. */
bool dp_filetab_write(const struct dp_filetab *t, const char *path, int level, struct dp_table_info *info,
		      struct dp_buf *err);
void dp_filetab_free(struct dp_filetab *t);

#endif
