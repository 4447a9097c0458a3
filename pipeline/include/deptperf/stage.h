/* The stages of the pipeline, one library function each (SPEC §7).
 *
 * A stage program (stages/dp-*.c) parses its command line into a
 * dp_stage_opts, calls its function here, prints the report line and maps
 * the returned status to its exit code.  The functions never print and never
 * exit; on a status >= 64, err holds the one line to show.
 *
 * Adding a stage:
 *   1. declare `int dp_<name>_run(const struct dp_stage_opts *, struct
 *      dp_stage_report *, struct dp_buf *err)` below and implement it in
 *      pipeline/src/<name>.c, reading and writing only the work folder;
 *   2. add stages/dp-<name>.c, a main that fills dp_stage_opts through
 *      dp_stage_main() (stages/stage_main.h) with the options it accepts;
 *   3. list it in stages/CMakeLists.txt and, if it belongs to the chain, in
 *      the chain table of pipeline/src/run.c;
 *   4. name its work files in work.h (the stage that makes them: what a
 *      stage starting removes follows) and document them in
 *      docs/work-files.md; its options in README.md; add
 *      tests/unit/test_<name>.c and an e2e case.
 */
#ifndef DEPTPERF_STAGE_H
#define DEPTPERF_STAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "deptperf/buf.h"

#define DP_WORK_LEVEL 1  /* gzip level of work files that never leave the run */
/* dp-normalize's other tables (subs, special_funds, fundsrc): stored too,
 * which costs disk, not time (docs/decisions.md). */
#define DP_NORMALIZED_LEVEL 0

struct dp_stage_opts {
	const char *work;           /* the work folder */
	const char *const *inputs;  /* dp-ingest, dp-run: --input paths */
	size_t ninputs;
	const char *rules;          /* --rules, or NULL for the default set */
	const char *const *sets;    /* --set CODE.COLUMN=VALUE, applied to the rules */
	size_t nsets;
	const char *scenarios;      /* --scenarios FILE: rule-set variants scored beside the base */
	const char *roster;         /* --roster */
	const char *adjust;         /* --adjust */
	const char *out;            /* dp-aggregate: the run folder; dp-run: --out */
	const char *prev;           /* --prev */
	const char *run_id;         /* dp-run: --run-id */
	const char *bindir;         /* dp-run: where the stage programs are */
	int threads;                /* 0: the cores available */
	int gzip_level;             /* published tables, 1–9 (default 6) */
	int keep;                   /* dp-run: runs kept (default 30) */
	bool progress;              /* stderr is a terminal (and not --quiet) */
	void (*on_stage)(const char *stage); /* dp-run: called as each stage starts (NULL: none) */
	void (*on_progress)(const char *line); /* a long stage's progress (progress.h; NULL: none) */
	bool csv_bom;               /* --csv-bom: published CSVs start with a UTF-8 BOM */
	bool headers_zh;            /* --headers zh: published CSVs have Chinese headers */
	bool report;                /* --report: report.xlsx and feedback/ whole whatever the run's size */
	bool quiet;                 /* --quiet: a report line only for a problem; dp-run
				     * leaves err empty when a stage failed (it said why) */
};

struct dp_stage_report {
	struct dp_buf line;         /* one summary line for the log */
};

typedef int (*dp_stage_fn)(const struct dp_stage_opts *, struct dp_stage_report *, struct dp_buf *);

int dp_ingest_run(const struct dp_stage_opts *o, struct dp_stage_report *rep, struct dp_buf *err);
int dp_normalize_run(const struct dp_stage_opts *o, struct dp_stage_report *rep, struct dp_buf *err);
int dp_validate_run(const struct dp_stage_opts *o, struct dp_stage_report *rep, struct dp_buf *err);
int dp_score_run(const struct dp_stage_opts *o, struct dp_stage_report *rep, struct dp_buf *err);
int dp_aggregate_run(const struct dp_stage_opts *o, struct dp_stage_report *rep, struct dp_buf *err);
/* For scripts/bench (scripts/dp-bench-scoring.c): loads a validated work folder
 * as dp-score does, then times the scoring loop alone, without reading,
 * formatting or writing, for 1 to omp_get_max_threads() threads, runs times
 * each; one line per thread count in out.  Fails when the results differ
 * between thread counts. */
int dp_score_bench(const struct dp_stage_opts *o, int runs, struct dp_buf *out, struct dp_buf *err);
/* dp-run (run.c): runs the chain on a private work folder inside OUT and
 * publishes it.  Each stage is a child process that dies with the caller,
 * even by kill -9 (PR_SET_PDEATHSIG); the lock on OUT is never inherited.
 * While it runs, SIGINT, SIGTERM and SIGHUP (unless the caller ignores
 * them) are blocked and taken: one passes to the running stage, which is
 * waited for, the unfinished run is removed and the result is
 * DP_SIGNALLED + the signal.  Not thread-safe: it forks and changes the
 * calling thread's signal mask and SIGCHLD's disposition for its duration. */
int dp_run_chain(const struct dp_stage_opts *o, struct dp_stage_report *rep, struct dp_buf *err);

/* With DP_PHASES set in the environment (not "0"), a stage notes the end
 * of each of its phases, and dp_phases_report adds them to its report
 * line: "; phases (s, wall/CPU): funds 0.520/0.981, subs …" (seconds since
 * the stage began, and the CPU of all its threads by then).  For timing a
 * stage's parts without patching it (docs/benchmarks.md); without the
 * variable it costs a getenv. */
struct dp_phases {
	bool on;
	double start, cpu;
	struct dp_buf text;
};
void dp_phases_start(struct dp_phases *p);
void dp_phase_end(struct dp_phases *p, const char *name);
/* Appends the phases noted to rep's line, and frees them. */
void dp_phases_report(struct dp_phases *p, struct dp_stage_report *rep);

struct dp_rules;
/* Loads --rules, or the default rule set, changed by the --set options;
 * NULL with err when refused, *rc then DP_USAGE (a --set is to blame) or
 * DP_BADCONFIG (the file). */
struct dp_rules *dp_stage_load_rules(const struct dp_stage_opts *o, int *rc, struct dp_buf *err);
struct dp_scenarios;
/* Loads --scenarios against the rule set dp_stage_load_rules loads (which
 * the caller has loaded first, so a refusal here is the scenarios file's:
 * DP_BADCONFIG); NULL with err. */
struct dp_scenarios *dp_stage_load_scenarios(const struct dp_stage_opts *o, struct dp_buf *err);

/* The path DIR/NAME as a heap string. */
char *dp_path_join(const char *dir, const char *name);
/* Copies a file through "<to>.tmp" and a rename; false with err. */
bool dp_copy_file(const char *from, const char *to, struct dp_buf *err);
/* The same, but only when the bytes copied have the SHA-256 want (64 hex
 * digits): *same tells whether they had (when not, nothing is left at to
 * and the result is true).  bytes, when not NULL, gets their number. */
bool dp_copy_file_checked(const char *from, const char *to, const char *want, bool *same, uint64_t *bytes,
			  struct dp_buf *err);
/* For a quarantine: a copy of an input file only if it is still the bytes
 * it was judged by (SHA-256 want; NULL: any).  A file changed since, or
 * gone or unreadable, is left out: nothing at to, true.  False (err) only
 * when the copy cannot be written. */
bool dp_copy_file_as_read(const char *from, const char *to, const char *want, struct dp_buf *err);
/* Writes p[0..n) as the file path, through "<path>.tmp" and a rename (with
 * sync, flushed to disk first); false with err. */
bool dp_write_file(const char *path, const void *p, size_t n, bool sync, struct dp_buf *err);
struct sha256_ctx;
/* Finishes ctx (nettle) and writes its digest as 64 lowercase hex digits. */
void dp_sha256_hex(struct sha256_ctx *ctx, char hex[65]);
/* The SHA-256 of the file path, as dp_sha256_hex writes it; false when it
 * cannot be read. */
bool dp_sha256_file(const char *path, char hex[65]);
/* Writes all n bytes of p to fd, again after EINTR; 0, or the errno. */
int dp_write_full(int fd, const void *p, size_t n);
/* fsync of every file under path and of every folder, path itself too, up
 * to waiters at once (a journalling file system commits the waits that
 * overlap together); false with err naming the first that failed.  Links
 * are not followed. */
bool dp_sync_tree(const char *path, int waiters, struct dp_buf *err);
/* mkdir -p; returns false with err. */
bool dp_mkdirs(const char *dir, struct dp_buf *err);
/* The version string of the project. */
const char *dp_version(void);

#endif
