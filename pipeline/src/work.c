/* The work folder's files by name, and what each stage removes, keeps and
 * needs of them (work.h). */
#include "deptperf/work.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deptperf/asis.h"
#include "deptperf/runs.h"
#include "deptperf/stage.h"

static const struct {
	const char *name;
	enum dp_work_stage by; /* the stage that makes it first */
	bool kept;             /* rewritten by dp-validate, which keeps the earlier one as parsed-<name> */
} files[DP_WF_COUNT] = {
	[DP_WF_INPUTS] = { "inputs.csv.gz", DP_ST_INGEST, true },
	[DP_WF_FINDINGS] = { "findings.csv.gz", DP_ST_INGEST, true },
	[DP_WF_DEPARTMENTS] = { "departments.cells", DP_ST_NORMALIZE, true },
	[DP_WF_FUNDS] = { "special_funds.csv.gz", DP_ST_NORMALIZE, true },
	[DP_WF_SUBS] = { "subs.csv.gz", DP_ST_NORMALIZE, false },
	[DP_WF_FUNDSRC] = { "fundsrc.csv.gz", DP_ST_NORMALIZE, false },
	[DP_WF_COUNTS] = { "counts.csv.gz", DP_ST_VALIDATE, false },
	[DP_WF_MISSING] = { "missing.csv.gz", DP_ST_VALIDATE, false },
	[DP_WF_REJECTED] = { "rejected", DP_ST_VALIDATE, false },
	[DP_WF_CANDIDATES] = { "candidates.cells.tmp", DP_ST_VALIDATE, false },
	[DP_WF_SCORES] = { "scores.csv.gz", DP_ST_SCORE, false },
	[DP_WF_TOTALS] = { "totals.csv.gz", DP_ST_SCORE, false },
	[DP_WF_DELTAS] = { "deltas.csv.gz", DP_ST_SCORE, false },
	[DP_WF_ADJUSTMENTS] = { "adjustments.csv.gz", DP_ST_SCORE, false },
	[DP_WF_RULES] = { "rules.csv", DP_ST_SCORE, false },
	[DP_WF_SCENARIO_TOTALS] = { "scenario_totals.csv.gz", DP_ST_SCORE, false },
	[DP_WF_SCENARIOS] = { "scenarios.csv", DP_ST_SCORE, false },
	[DP_WF_PARAMS] = { "params.csv.gz", DP_ST_DRIVER, false },
};

static const char *const stage_names[] = { "dp-ingest", "dp-normalize", "dp-validate", "dp-score", "dp-aggregate",
					   "dp-run" };

const char *dp_work_name(enum dp_work_file f)
{
	assert(f < DP_WF_COUNT && files[f].name);
	return files[f].name;
}

static char *joined(const char *work, const char *before, enum dp_work_file f, const char *after)
{
	struct dp_buf b = DP_BUF_INIT;
	dp_buf_addf(&b, "%s/%s%s%s", work, before, dp_work_name(f), after);
	return dp_buf_detach(&b);
}

char *dp_work_path(const char *work, enum dp_work_file f)
{
	return joined(work, "", f, "");
}

char *dp_work_tmp(const char *work, enum dp_work_file f)
{
	return joined(work, "", f, ".tmp");
}

char *dp_work_parsed(const char *work, enum dp_work_file f)
{
	assert(files[f].kept);
	return joined(work, "parsed-", f, "");
}

void dp_work_begin(const char *work, enum dp_work_stage s)
{
	for (int f = 0; f < DP_WF_COUNT; f++) {
		if (files[f].kept && s < DP_ST_VALIDATE) {
			char *p = dp_work_parsed(work, (enum dp_work_file)f);
			unlink(p);
			free(p);
		}
		/* the quarantine of the files read before (dp-validate run again
		 * on the same tables copies the same files over their copies) */
		if (f == DP_WF_REJECTED && s < DP_ST_VALIDATE) {
			char *p = dp_work_path(work, DP_WF_REJECTED);
			dp_rm_rf(p);
			free(p);
		}
		if (files[f].by <= s || files[f].by == DP_ST_DRIVER || f == DP_WF_REJECTED)
			continue;
		char *p = dp_work_path(work, (enum dp_work_file)f);
		unlink(p);
		free(p);
		if (f == DP_WF_SCORES)
			dp_asis_forget(work, dp_work_name(DP_WF_SCORES));
	}
}

bool dp_work_ready(const char *work, enum dp_work_file f, struct dp_buf *err)
{
	char *p = dp_work_path(work, f);
	bool ok = access(p, F_OK) == 0 || errno != ENOENT; /* another failure: the stage's reading says it */
	if (!ok)
		dp_buf_addf(err, "%s has no %s: run %s on this work folder first", work, dp_work_name(f),
			    stage_names[files[f].by]);
	free(p);
	return ok;
}

bool dp_work_keep_parsed(const char *work, struct dp_buf *err)
{
	for (int f = 0; f < DP_WF_COUNT; f++) {
		if (!files[f].kept)
			continue;
		char *from = dp_work_path(work, (enum dp_work_file)f), *to = dp_work_parsed(work, (enum dp_work_file)f);
		bool ok = access(to, F_OK) == 0 || rename(from, to) == 0;
		if (!ok)
			dp_buf_addf(err, "%s: %s (run %s first)", from, strerror(errno), stage_names[files[f].by]);
		free(from);
		free(to);
		if (!ok)
			return false;
	}
	return true;
}
