/* The output folder's runs (SPEC §6–7): OUT/runs/<id> for each published
 * run, OUT/latest the link to the newest, OUT/.tmp-<id> a run being made.
 * What dp-run does to them, apart from running the stages (run.c): check
 * an id, publish a finished run folder atomically, keep the newest runs,
 * clear what a killed run left.  Not thread-safe: one dp-run holds the
 * folder's lock while it calls these. */
#ifndef DEPTPERF_RUNS_H
#define DEPTPERF_RUNS_H

#include <stdbool.h>

#include "deptperf/buf.h"

/* Whether id can name a run folder: 1–64 of [0-9A-Za-z._-], not starting
 * with a dot (no "..", no hidden name, no path). */
bool dp_run_id_ok(const char *id);

/* Removes path and, when it is a folder, everything in it; a symbolic link
 * is removed, never followed.  True when nothing is left (or there was
 * nothing). */
bool dp_rm_rf(const char *path);

/* Publishes the finished run folder pub as OUT/runs/<id> (a rename on the
 * same file system), then points OUT/latest at runs/<id> by renaming a new
 * link over the old one, so that a reader sees the old run or the new one,
 * never neither; each folder flushed to disk after.  On failure (err set,
 * DP_CANTCREATE) latest is as it was, and a run folder that was renamed
 * but could not be pointed at is removed: nobody takes it for a published
 * run.  DP_OK on success. */
int dp_runs_publish(const char *out, const char *pub, const char *id, struct dp_buf *err);

/* Keeps the `keep` newest run folders of runs (by modification time, then
 * name), and `current` whatever its age; removes the others.  Files and
 * names starting with a dot are left alone. */
void dp_runs_prune(const char *runs, int keep, const char *current);

/* Removes what a killed run left in out: .tmp-* folders and .latest.tmp. */
void dp_runs_clean_stale(const char *out);

#endif
