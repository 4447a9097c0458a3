/* Finding the input files of a run (SPEC §2.1). */
#ifndef DEPTPERF_DISCOVER_H
#define DEPTPERF_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "deptperf/buf.h"

struct dp_found {
	char *path;
	bool csv;      /* name ends in .csv or .csv.gz, any case */
	/* not a regular file to read: why, for the finding (static text); the
	 * file is then never opened */
	const char *skip;    /* listed as skipped (W-SKIPPED): a FIFO, a socket, a device, a link to a folder,
			      * a dangling link, a link loop */
	char *unreadable;    /* listed as rejected (E-UNREADABLE): why it could not be read (heap) */
};

struct dp_found_list {
	struct dp_found *v;
	size_t n, cap;
};

/* Collects every entry under each path (folders are searched recursively,
 * links to folders are not followed), sorted by the byte order of the path,
 * each once: regular files and links to them to be read, and every other
 * entry with why it is not (skip, unreadable), so that nothing under an
 * input goes unlisted (SPEC §2.1).  A folder that cannot be read is one
 * unreadable entry; the walk goes on.  Returns DP_OK, or DP_NOINPUT when a
 * path given does not exist; err names it. */
int dp_discover(const char *const *paths, size_t n, struct dp_found_list *out, struct dp_buf *err);
void dp_found_list_free(struct dp_found_list *l);

/* What dp_walk hands fn: an entry's path and its kind as readdir's d_type
 * names it (DT_REG, DT_LNK, DT_DIR, ...), or, when walking tolerantly, an
 * entry that could not be read (a folder) or told (type DT_UNKNOWN) with
 * its errno in error (else 0).  A non-zero return stops the walk. */
typedef int (*dp_walk_fn)(void *ctx, const char *path, unsigned char type, int error);
/* Calls fn for every entry under the folder dir, depth first: every folder,
 * dir included, after its entries (DT_DIR); links reported, not followed.  An
 * entry's kind is the one the folder gives (ext4, xfs, tmpfs do), lstat only
 * where it gives none.  Returns DP_OK, fn's non-zero return, or DP_IOERR
 * with err naming the path when a folder cannot be read or an entry's kind
 * cannot be told. */
int dp_walk(const char *dir, dp_walk_fn fn, void *ctx, struct dp_buf *err);
/* The same, but an unreadable folder or an entry whose kind cannot be told
 * goes to fn (type DT_UNKNOWN, error set) instead of ending the walk. */
int dp_walk_tolerant(const char *dir, dp_walk_fn fn, void *ctx, struct dp_buf *err);

/* True when name ends in .csv or .csv.gz, any case. */
bool dp_is_csv_name(const char *name);

#endif
