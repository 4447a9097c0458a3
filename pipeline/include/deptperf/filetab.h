/* inputs.csv.gz: one row per input file (SPEC §6), kept by every stage. */
#ifndef DEPTPERF_FILETAB_H
#define DEPTPERF_FILETAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/buf.h"

struct dp_file_row {
	char *file;
	char sha256[65];
	uint64_t bytes;
	char *encoding;    /* "" when not read */
	char *shape;       /* "" when not decided */
	uint64_t rows, submissions;
	char *status;      /* pending, accepted, partly-rejected, rejected, superseded, skipped */
};

struct dp_filetab {
	struct dp_file_row *v;
	size_t n, cap;
};

/* Adds a row; strings are copied. */
struct dp_file_row *dp_filetab_add(struct dp_filetab *t, const char *file);
void dp_filetab_set(char **field, const char *value);
bool dp_filetab_load(struct dp_filetab *t, const char *path, struct dp_buf *err);
struct dp_table_info;
/* Writes the table; info (may be NULL) gets rows, bytes and SHA-256. */
bool dp_filetab_write(const struct dp_filetab *t, const char *path, int level, struct dp_table_info *info,
		      struct dp_buf *err);
void dp_filetab_free(struct dp_filetab *t);

#endif
