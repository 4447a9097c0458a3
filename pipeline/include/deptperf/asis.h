/* A work table written once at the published gzip level, which dp-aggregate
 * publishes as it is instead of inflating and deflating it again:
 * scores.csv.gz, the largest table, written by dp-score.  The stage that
 * writes such a table records its level, rows and SHA-256 beside it in
 * WORK/<name>.info; dp-aggregate copies the table when the level is the one
 * it publishes at and the bytes are still those recorded (checked while
 * copying), and writes it itself otherwise.  Why only this table:
 * docs/benchmarks.md, "Why the code is shaped so". */
#ifndef DEPTPERF_ASIS_H
#define DEPTPERF_ASIS_H

#include <stdbool.h>

#include "deptperf/buf.h"
#include "deptperf/table.h"

/* Removes the record of work/name (before writing the table again, so that
 * a stage that fails half-way leaves none behind). */
void dp_asis_forget(const char *work, const char *name);
/* Records that work/name was written at level, with info. */
bool dp_asis_record(const char *work, const char *name, int level, const struct dp_table_info *info,
		    struct dp_buf *err);

enum dp_asis_result {
	DP_ASIS_COPIED,   /* dst is work/name; info filled */
	DP_ASIS_NO,       /* no record, another level, or other bytes: write dst yourself */
	DP_ASIS_FAILED    /* could not read or write: err says why */
};

/* Copies work/name to dst (through dst.tmp and a rename) if it was recorded
 * at level and its SHA-256 is still the recorded one. */
enum dp_asis_result dp_asis_publish(const char *work, const char *name, int level, const char *dst,
				    struct dp_table_info *info, struct dp_buf *err);

#endif
