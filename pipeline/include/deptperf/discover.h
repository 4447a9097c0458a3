/* Finding the input files of a run (SPEC §2.1). */
#ifndef DEPTPERF_DISCOVER_H
#define DEPTPERF_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "deptperf/buf.h"

struct dp_found {
	char *path;
	bool csv;      /* name ends in .csv or .csv.gz, any case */
};

struct dp_found_list {
	struct dp_found *v;
	size_t n, cap;
};

/* Collects the regular files under each path (folders are searched
 * recursively, symlinked folders are not followed), sorted by the byte order
 * of the path, each once.  Returns DP_OK, DP_NOINPUT when a path does not
 * exist, or DP_IOERR when a folder cannot be read; err names the path. */
int dp_discover(const char *const *paths, size_t n, struct dp_found_list *out, struct dp_buf *err);
void dp_found_list_free(struct dp_found_list *l);

/* True when name ends in .csv or .csv.gz, any case. */
bool dp_is_csv_name(const char *name);

#endif
