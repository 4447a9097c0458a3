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

/* What dp_walk hands fn: an entry's path and its kind as readdir's d_type
 * names it (DT_REG, DT_LNK, DT_DIR, ...).  A non-zero return stops the walk. */
typedef int (*dp_walk_fn)(void *ctx, const char *path, unsigned char type);
/* Calls fn for every entry under the folder dir, depth first: every folder,
 * dir included, after its entries (DT_DIR); links reported, not followed.  An
 * entry's kind is the one the folder gives (ext4, xfs, tmpfs do), lstat only
 * where it gives none.  Returns DP_OK, fn's non-zero return, or DP_IOERR
 * with err naming the path when a folder cannot be read or an entry's kind
 * cannot be told. */
int dp_walk(const char *dir, dp_walk_fn fn, void *ctx, struct dp_buf *err);

/* True when name ends in .csv or .csv.gz, any case. */
bool dp_is_csv_name(const char *name);

#endif
