/* A copier: files copied by a thread of its own, in the order given, while
 * the caller goes on.
 *
 * For dp-validate's quarantine: each rejected form is copied whole into
 * rejected/, and creating a file can be slow (docs/benchmarks.md, "Why the
 * code is shaped so"); copied here, the copies overlap the checking.
 *
 * Each copy is dp_copy_file_as_read's (to.tmp, then renamed).  After a failure the
 * copier copies nothing more; dp_copier_finish reports the first failure.
 */
#ifndef DEPTPERF_COPIER_H
#define DEPTPERF_COPIER_H

#include <stdbool.h>

#include "deptperf/buf.h"

struct dp_copier;

/* A copier with its thread started; NULL (err set) when no thread can be. */
struct dp_copier *dp_copier_start(struct dp_buf *err);
/* Queues a copy of from to to (the strings copied).  With want (64 hex
 * digits, or NULL), only bytes of that SHA-256 are copied: a file that
 * changed or vanished since it was hashed is left out, not a failure
 * (dp_copy_file_as_read). */
void dp_copier_add(struct dp_copier *c, const char *from, const char *to, const char *want);
/* Waits for every queued copy; false (err set to the first failure's
 * reason) when one failed.  Frees the copier. */
bool dp_copier_finish(struct dp_copier *c, struct dp_buf *err);

#endif
