/* The work folder: every file's name, the stage that makes it, and its life
 * cycle (docs/work-files.md lists the files and their columns).
 *
 * A stage reads and writes the work folder only through these names, so no
 * stage spells another's files.  The life cycle:
 *   - a stage starting (dp_work_begin) removes what the stages after it
 *     made, and the copies dp-validate keeps: those were made from the
 *     files this stage is about to make again, and must not be read with
 *     them (dp-score on an old validation, dp-validate on old copies, a
 *     quarantine holding a file no longer rejected);
 *   - dp-validate rewrites four tables it reads (inputs, findings, the
 *     departments and the funds): it first keeps the earlier stages' as
 *     parsed-<name> (dp_work_keep_parsed), so that it can run again on the
 *     same folder and read what dp-normalize wrote, not what it wrote;
 *   - a stage that needs an earlier stage's file asks dp_work_ready, which
 *     names the stage to run first.
 * Functions here do I/O on the work folder only; they never print.
 *
 * Adding a work file: add it to enum dp_work_file and to the table in
 * work.c (name, stage), and to docs/work-files.md. */
#ifndef DEPTPERF_WORK_H
#define DEPTPERF_WORK_H

#include <stdbool.h>

#include "deptperf/buf.h"

/* The stages, in the order they run. */
enum dp_work_stage { DP_ST_INGEST, DP_ST_NORMALIZE, DP_ST_VALIDATE, DP_ST_SCORE, DP_ST_AGGREGATE, DP_ST_DRIVER };

enum dp_work_file {
	DP_WF_INPUTS,           /* inputs.csv.gz: ingest, rewritten by normalize and validate */
	DP_WF_FINDINGS,         /* findings.csv.gz: ingest, rewritten by normalize, validate, score */
	DP_WF_DEPARTMENTS,      /* departments.cells (memtab.h): normalize, rewritten by validate */
	DP_WF_FUNDS,            /* special_funds.csv.gz: normalize, rewritten by validate */
	DP_WF_SUBS,             /* subs.csv.gz: normalize */
	DP_WF_FUNDSRC,          /* fundsrc.csv.gz: normalize */
	DP_WF_COUNTS,           /* counts.csv.gz: validate */
	DP_WF_MISSING,          /* missing.csv.gz: validate, with a roster */
	DP_WF_REJECTED,         /* rejected/ (a folder): validate */
	DP_WF_CANDIDATES,       /* candidates.cells.tmp: validate, while it runs */
	DP_WF_SCORES,           /* scores.csv.gz (and its .info, asis.h): score */
	DP_WF_TOTALS,           /* totals.csv.gz: score */
	DP_WF_DELTAS,           /* deltas.csv.gz: score */
	DP_WF_ADJUSTMENTS,      /* adjustments.csv.gz: score, with --adjust */
	DP_WF_RULES,            /* rules.csv: score */
	DP_WF_SCENARIO_TOTALS,  /* scenario_totals.csv.gz: score, with --scenarios */
	DP_WF_SCENARIOS,        /* scenarios.csv: score, with --scenarios */
	DP_WF_PARAMS,           /* params.csv.gz: the driver (dp-run), for the manifest */
	DP_WF_COUNT
};

/* The file's name in the work folder. */
const char *dp_work_name(enum dp_work_file f);
/* work/name (a heap string). */
char *dp_work_path(const char *work, enum dp_work_file f);
/* work/name.tmp, where a file is written before it is renamed to its name
 * (a heap string). */
char *dp_work_tmp(const char *work, enum dp_work_file f);
/* work/parsed-name: dp-validate's copy of an earlier stage's table it
 * rewrites (a heap string). */
char *dp_work_parsed(const char *work, enum dp_work_file f);

/* Stage s starts on work: removes the files of every stage after s (not
 * the driver's), and, unless s is after dp-normalize, dp-validate's kept
 * copies and the quarantine (rejected/): they are of the files read
 * before.  What cannot be removed is left (the stage that reads it next is
 * refused by dp_work_ready or its checks). */
void dp_work_begin(const char *work, enum dp_work_stage s);
/* Whether work/f is there; false with err naming the stage to run first. */
bool dp_work_ready(const char *work, enum dp_work_file f, struct dp_buf *err);
/* dp-validate: renames each table it rewrites to parsed-<name>, unless the
 * copy is there already (dp-validate running again on the folder).  False
 * (err set) when one is in neither place. */
bool dp_work_keep_parsed(const char *work, struct dp_buf *err);

#endif
