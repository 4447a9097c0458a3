/* The work folder's life cycle (work.h): names, what a stage starting
 * removes, what dp-validate keeps, and the stage named when a file is
 * missing. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deptperf/asis.h"
#include "deptperf/stage.h"
#include "deptperf/work.h"
#include "helpers.h"

static bool there(const char *work, const char *name)
{
	char *p = dp_path_join(work, name);
	bool ok = access(p, F_OK) == 0;
	free(p);
	return ok;
}

/* Every file of a full run's work folder, each holding its name. */
static void full_folder(const char *work)
{
	for (int f = 0; f < DP_WF_COUNT; f++) {
		const char *n = dp_work_name((enum dp_work_file)f);
		if (f == DP_WF_REJECTED) {
			free(t_writes(work, "rejected/a.csv", "a"));
			continue;
		}
		free(t_writes(work, n, n));
	}
	static const char *const parsed[] = { "parsed-inputs.csv.gz", "parsed-findings.csv.gz",
					      "parsed-departments.cells", "parsed-special_funds.csv.gz" };
	for (size_t i = 0; i < 4; i++)
		free(t_writes(work, parsed[i], parsed[i]));
	free(t_writes(work, "scores.csv.gz.info", "gzip_level,rows,sha256\n6,1,x\n"));
}

Test(work, names_and_paths)
{
	cr_expect_str_eq(dp_work_name(DP_WF_DEPARTMENTS), "departments.cells");
	cr_expect_str_eq(dp_work_name(DP_WF_FUNDS), "special_funds.csv.gz");
	char *p = dp_work_path("/w", DP_WF_COUNTS), *t = dp_work_tmp("/w", DP_WF_DEPARTMENTS),
	     *k = dp_work_parsed("/w", DP_WF_INPUTS);
	cr_expect_str_eq(p, "/w/counts.csv.gz");
	cr_expect_str_eq(t, "/w/departments.cells.tmp");
	cr_expect_str_eq(k, "/w/parsed-inputs.csv.gz");
	free(p);
	free(t);
	free(k);
	/* names are distinct */
	for (int a = 0; a < DP_WF_COUNT; a++)
		for (int b = a + 1; b < DP_WF_COUNT; b++)
			cr_expect_str_neq(dp_work_name((enum dp_work_file)a), dp_work_name((enum dp_work_file)b));
}

/* A stage starting removes what the stages after it made (stale: made from
 * what it is about to make again) and, before dp-validate, dp-validate's
 * kept copies and the quarantine; its own files, the earlier stages' and
 * the driver's stay. */
Test(work, a_stage_starting_removes_the_later_stages_files)
{
	struct {
		enum dp_work_stage s;
		const char *gone[12], *kept[12];
	} cases[] = {
		{ DP_ST_INGEST,
		  { "departments.cells", "subs.csv.gz", "counts.csv.gz", "totals.csv.gz", "scores.csv.gz",
		    "scores.csv.gz.info", "parsed-departments.cells", "parsed-inputs.csv.gz", "rules.csv", "rejected",
		    NULL },
		  { "inputs.csv.gz", "findings.csv.gz", "params.csv.gz", NULL } },
		{ DP_ST_NORMALIZE,
		  { "counts.csv.gz", "missing.csv.gz", "candidates.cells.tmp", "scenario_totals.csv.gz",
		    "parsed-special_funds.csv.gz", "parsed-findings.csv.gz", "rejected", NULL },
		  { "inputs.csv.gz", "departments.cells", "fundsrc.csv.gz", "params.csv.gz", NULL } },
		{ DP_ST_VALIDATE,
		  { "scores.csv.gz", "scores.csv.gz.info", "totals.csv.gz", "deltas.csv.gz", "adjustments.csv.gz",
		    "scenarios.csv", NULL },
		  { "parsed-departments.cells", "parsed-inputs.csv.gz", "departments.cells", "counts.csv.gz",
		    "subs.csv.gz", "rejected/a.csv", NULL } },
		{ DP_ST_SCORE,
		  { NULL },
		  { "scores.csv.gz", "scores.csv.gz.info", "totals.csv.gz", "counts.csv.gz", "rejected/a.csv", NULL } },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char *dir = t_tmpdir(), *work = dp_path_join(dir, "work");
		full_folder(work);
		dp_work_begin(work, cases[c].s);
		for (size_t i = 0; cases[c].gone[i]; i++)
			cr_expect_not(there(work, cases[c].gone[i]), "stage %d: %s is still there", (int)cases[c].s,
				      cases[c].gone[i]);
		for (size_t i = 0; cases[c].kept[i]; i++)
			cr_expect(there(work, cases[c].kept[i]), "stage %d: %s was removed", (int)cases[c].s,
				  cases[c].kept[i]);
		free(work);
		free(dir);
	}
}

Test(work, a_missing_file_names_the_stage_to_run)
{
	char *dir = t_tmpdir();
	struct dp_buf e = DP_BUF_INIT;
	cr_expect_not(dp_work_ready(dir, DP_WF_COUNTS, &e));
	cr_expect(e.s && strstr(e.s, "counts.csv.gz") && strstr(e.s, "run dp-validate on this work folder first"), "%s",
		  e.s ? e.s : "");
	dp_buf_reset(&e);
	cr_expect_not(dp_work_ready(dir, DP_WF_DEPARTMENTS, &e));
	cr_expect(e.s && strstr(e.s, "run dp-normalize"), "%s", e.s ? e.s : "");
	free(t_writes(dir, "totals.csv.gz", "x"));
	dp_buf_reset(&e);
	cr_expect(dp_work_ready(dir, DP_WF_TOTALS, &e));
	cr_expect_eq(e.len, 0);
	dp_buf_free(&e);
	free(dir);
}

static char *read_text(const char *work, const char *name)
{
	char *p = dp_path_join(work, name), *s = t_read_gz(p);
	free(p);
	return s;
}

/* dp-validate keeps the four tables it rewrites as parsed-<name>; run
 * again, it keeps the copies it has (what dp-normalize wrote), not what it
 * wrote since; a table in neither place is an error naming it. */
Test(work, validate_keeps_what_it_rewrites_once)
{
	char *work = t_tmpdir();
	static const char *const kept[] = { "inputs.csv.gz", "findings.csv.gz", "departments.cells",
					    "special_funds.csv.gz" };
	for (size_t i = 0; i < 4; i++)
		free(t_writes(work, kept[i], "normalize's"));
	struct dp_buf e = DP_BUF_INIT;
	cr_assert(dp_work_keep_parsed(work, &e), "%s", e.s);
	for (size_t i = 0; i < 4; i++) {
		cr_expect_not(there(work, kept[i]), "%s was not renamed", kept[i]);
		char name[64];
		snprintf(name, sizeof name, "parsed-%s", kept[i]);
		free(t_writes(work, kept[i], "validate's"));
		char *s = read_text(work, name);
		cr_expect_str_eq(s, "normalize's");
		free(s);
	}
	cr_assert(dp_work_keep_parsed(work, &e), "%s", e.s);
	for (size_t i = 0; i < 4; i++) {
		char name[64];
		snprintf(name, sizeof name, "parsed-%s", kept[i]);
		char *s = read_text(work, name), *t = read_text(work, kept[i]);
		cr_expect_str_eq(s, "normalize's", "run again: %s", name);
		cr_expect_str_eq(t, "validate's", "run again: %s", kept[i]);
		free(s);
		free(t);
	}
	char *other = t_tmpdir();
	free(t_writes(other, "inputs.csv.gz", "x"));
	cr_expect_not(dp_work_keep_parsed(other, &e));
	cr_expect(e.s && strstr(e.s, "findings.csv.gz") && strstr(e.s, "run dp-ingest first"), "%s", e.s ? e.s : "");
	dp_buf_free(&e);
	free(other);
	free(work);
}
