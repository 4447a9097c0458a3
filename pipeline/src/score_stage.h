/* The score stage's loading of a validated work folder (score_load.c), for
 * the stage (scorestage.c).  Private to those files. */
#ifndef DP_SCORE_STAGE_H
#define DP_SCORE_STAGE_H

#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deptperf/adjust.h"
#include "deptperf/asis.h"
#include "deptperf/csvfile.h"
#include "deptperf/deptrow.h"
#include "deptperf/fields.h"
#include "deptperf/findings.h"
#include "deptperf/keymap.h"
#include "deptperf/memtab.h"
#include "deptperf/rules.h"
#include "deptperf/scenario.h"
#include "deptperf/score.h"
#include "deptperf/progress.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"
#include "deptperf/table.h"
#include "deptperf/text.h"
#include "deptperf/value.h"
#include "deptperf/work.h"


/* The accepted submissions as dp-score holds them: only the numeric fields
 * the rule set reads, compactly. */
struct subs {
	size_t n, cap;
	size_t nneed;
	int *need;               /* dict indices the rules read */
	bool *want;              /* per dict field: parsed from departments.cells */
	dp_dec *val;             /* n × nneed */
	unsigned char *has;      /* n × nneed */
	size_t *fy, *code;       /* offsets into names */
	struct dp_buf names;
	const struct dp_fund_sums **funds;
};


/* The numeric fields the scorers read (kept per submission), and every
 * field parsed from departments.cells: those and the key. */
void score_need_fields(struct subs *s, const struct dp_dict *d, struct dp_scorer *const *scorers, size_t nscorers);
/* The findings so far, the funds and the submissions, read at once; false
 * with err when a table cannot be read. */
bool score_load_all(const struct dp_stage_opts *o, const struct dp_dict *dict, struct dp_findings *fs,
		    struct dp_keymap *funds, struct subs *s, struct dp_buf *err);
/* qsort_r order of submissions (indices into s, the ctx): (fiscal_year,
 * dept_code), then load order. */
int score_order_cmp(const void *a, const void *b, void *ctx);

#endif
