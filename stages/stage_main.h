/* The shared main of every stage program: options, --help, --version, the
 * report line, exit codes (SPEC §7–8). */
#ifndef DP_STAGE_MAIN_H
#define DP_STAGE_MAIN_H

#include "deptperf/stage.h"

/* Option letters a program accepts, e.g. "iw" for --input and --work. */
#define DP_OPT_INPUT 'i'
#define DP_OPT_WORK 'w'
#define DP_OPT_RULES 'r'
#define DP_OPT_ROSTER 'R'
#define DP_OPT_ADJUST 'a'
#define DP_OPT_OUT 'o'
#define DP_OPT_PREV 'p'
#define DP_OPT_THREADS 't'
#define DP_OPT_RUNID 'I'
#define DP_OPT_GZIP 'g'
#define DP_OPT_KEEP 'k'
#define DP_OPT_LIST_FINDINGS 'L'
#define DP_OPT_QUIET 'q' /* every program takes it */
#define DP_OPT_SET 'S'
#define DP_OPT_SCENARIOS 'C'
#define DP_OPT_LIST_FIELDS 'F'
#define DP_OPT_CSV_BOM 'B'
#define DP_OPT_HEADERS 'H'
#define DP_OPT_REPORT 'X'

/* Parses argv with the options in `accepts` (required ones in `requires`),
 * runs fn and returns the exit code.  usage is the --help text. */
int dp_stage_main(int argc, char **argv, const char *name, const char *accepts, const char *requires,
		  const char *usage, dp_stage_fn fn);

#endif
