/* Progress of a long stage for a person at a terminal (issue #31 item 7):
 * "dp-normalize: 45 000 of 100 000 files, 12 000/s, about 5 s left",
 * handed to a callback a few times a second at most.  The library never
 * prints: the stage program's callback (stages/stage_main.c) draws it on
 * one updating line when stderr is a terminal, and passes none for cron,
 * a pipe or --quiet, so that the stage then pays one test of a pointer.
 * dp_progress_add may be called from any thread.
 */
#ifndef DEPTPERF_PROGRESS_H
#define DEPTPERF_PROGRESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* Shows line, or clears what was shown when line is NULL. */
typedef void (*dp_progress_fn)(const char *line);

struct dp_progress {
	dp_progress_fn show;       /* NULL: off */
	const char *stage, *unit;  /* "dp-normalize", "files" */
	uint64_t total;            /* 0: unknown */
	uint64_t done;             /* atomically added to */
	double start, last;        /* seconds (monotonic) */
	double interval;           /* between two lines: 0.25 s, or DP_PROGRESS_INTERVAL_MS */
	bool shown;
	uint64_t drawn;            /* the count of the last line drawn */
	pthread_mutex_t lock;      /* one thread draws at a time; the others go on */
};

/* Starts counting total units (0: unknown) of unit. */
void dp_progress_start(struct dp_progress *p, dp_progress_fn show, const char *stage, const char *unit,
		       uint64_t total);
/* n more units done; draws when the interval has passed since the last line. */
void dp_progress_add(struct dp_progress *p, uint64_t n);
/* Draws the final count if a line was drawn but not that one, then clears
 * the line (the stage's report follows). */
void dp_progress_end(struct dp_progress *p);

#endif
