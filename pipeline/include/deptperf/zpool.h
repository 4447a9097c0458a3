/* Compressing blocks into gzip members in the background.
 *
 * A table writer (table.h) hands each full block to the pool and goes on
 * producing rows while worker threads deflate it; it later waits for the
 * blocks in order and writes them.  Which thread compresses a block does not
 * change its bytes, so a file is the same for any number of workers.
 *
 * The pool has as many workers as OpenMP would use (omp_get_max_threads(),
 * which --threads sets), started at the first job.  With one thread there
 * are no workers: dp_zjob_submit compresses at once, in the caller.
 */
#ifndef DEPTPERF_ZPOOL_H
#define DEPTPERF_ZPOOL_H

#include <stdbool.h>

#include "deptperf/buf.h"

struct dp_zjob {
	const struct dp_buf *src; /* the block: read-only until the job is done */
	struct dp_buf *dst;       /* receives one whole gzip member */
	int level;                /* 0–9 */
	/* owned by the pool */
	bool done, ok;
	struct dp_zjob *next;
};

/* Queues j (src, dst and level set); returns at once unless the pool has no
 * workers, in which case j is done on return. */
void dp_zjob_submit(struct dp_zjob *j);
/* Waits until j is done; returns whether it compressed. */
bool dp_zjob_wait(struct dp_zjob *j);
/* Whether j is done, without waiting. */
bool dp_zjob_done(struct dp_zjob *j);
/* Stops the workers and frees what they hold; the pool starts again at the
 * next job.  No job may be pending. */
void dp_zpool_stop(void);

#endif
