/* inputs.csv.gz: one row per input file (SPEC §6), kept by every stage. */
#ifndef DEPTPERF_FILETAB_H
#define DEPTPERF_FILETAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/buf.h"

struct dp_file_row {
	const char *file;  /* in the table's own memory */
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
