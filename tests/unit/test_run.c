/* run.c, the driver, called as dp-run calls it: the chain of stage
 * programs, the run published whole or not at all.  (Signals, a lock held
 * by another run and a killed stage are e2e run_faults'.) */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deptperf/stage.h"
#include "deptperf/status.h"
#include "helpers.h"

static struct dp_stage_opts opts(const char *const *in, const char *out, const char *bindir)
{
	struct dp_stage_opts o;
	memset(&o, 0, sizeof o);
	o.inputs = in;
	o.ninputs = 1;
	o.out = out;
	o.bindir = bindir;
	o.threads = 2;
	o.gzip_level = 6;
	o.keep = 30;
	o.quiet = true;
	return o;
}

/* Entries of dir whose name starts with prefix. */
static size_t entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0 && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static bool there(const char *dir, const char *name)
{
	char *p = dp_path_join(dir, name);
	bool ok = access(p, F_OK) == 0;
	free(p);
	return ok;
}

Test(run, the_sample_is_published_whole)
{
	setenv("DEPTPERF_RULES_DIR", DP_SOURCE_DIR "/pipeline/rules", 1);
	char *dir = t_tmpdir(), *out = dp_path_join(dir, "out");
	static const char *const in[] = { DP_SOURCE_DIR "/sample-data/inputs" };
	struct dp_stage_opts o = opts(in, out, DP_BIN_DIR);
	o.run_id = "20261208T000000Z";
	struct dp_stage_report rep = { DP_BUF_INIT };
	struct dp_buf err = DP_BUF_INIT;
	int rc = dp_run_chain(&o, &rep, &err);
	cr_assert_eq(rc, DP_FINDINGS, "the sample has error findings: %d %s", rc, dp_buf_str(&err));
	cr_expect(there(out, "latest/manifest.csv"));
	cr_expect(there(out, "runs/20261208T000000Z/rankings.csv.gz"));
	cr_expect(there(out, "runs/20261208T000000Z/rejected"), "the quarantine moved into the run");
	cr_expect_eq(entries(out, ".tmp-"), 0, "the private work folder is gone");
	cr_expect(strstr(dp_buf_str(&rep.line), "published"), "%s", dp_buf_str(&rep.line));
	/* the same id again: refused, the run published stays */
	dp_buf_reset(&rep.line);
	dp_buf_reset(&err);
	rc = dp_run_chain(&o, &rep, &err);
	cr_expect_eq(rc, DP_CANTCREATE, "a run id taken: %d %s", rc, dp_buf_str(&err));
	cr_expect(strstr(dp_buf_str(&err), "already exists"), "%s", dp_buf_str(&err));
	cr_expect(there(out, "runs/20261208T000000Z/rankings.csv.gz"));
	dp_buf_free(&rep.line);
	dp_buf_free(&err);
	free(out);
	free(dir);
}

/* A stage that fails (here a dp-validate that exits 74 at once): its code,
 * its name in the error (with --quiet the error is left empty: the stage
 * said why on stderr), nothing published, nothing left of the run. */
Test(run, a_failed_stage_publishes_nothing)
{
	setenv("DEPTPERF_RULES_DIR", DP_SOURCE_DIR "/pipeline/rules", 1);
	char *dir = t_tmpdir(), *out = dp_path_join(dir, "out"), *bin = dp_path_join(dir, "bin");
	static const char *const names[] = { "dp-ingest", "dp-normalize", "dp-score", "dp-aggregate" };
	cr_assert_eq(mkdir(bin, 0755), 0);
	for (size_t i = 0; i < 4; i++) {
		char *from = dp_path_join(DP_BIN_DIR, names[i]), *to = dp_path_join(bin, names[i]);
		cr_assert_eq(symlink(from, to), 0);
		free(from);
		free(to);
	}
	char *v = t_writes(bin, "dp-validate", "#!/bin/sh\necho 'dp-validate: the disk broke' >&2\nexit 74\n");
	cr_assert_eq(chmod(v, 0755), 0);
	static const char *const in[] = { DP_SOURCE_DIR "/sample-data/inputs" };
	for (int quiet = 0; quiet < 2; quiet++) {
		struct dp_stage_opts o = opts(in, out, bin);
		o.quiet = quiet;
		struct dp_stage_report rep = { DP_BUF_INIT };
		struct dp_buf err = DP_BUF_INIT;
		int rc = dp_run_chain(&o, &rep, &err);
		cr_expect_eq(rc, DP_IOERR, "%d %s", rc, dp_buf_str(&err));
		if (quiet)
			cr_expect_eq(err.len, 0, "%s", dp_buf_str(&err));
		else
			cr_expect(strstr(dp_buf_str(&err), "dp-validate"), "the error names the stage: %s", dp_buf_str(&err));
		cr_expect_not(there(out, "latest"));
		cr_expect_eq(entries(out, ".tmp-"), 0, "the failed run's folder is removed");
		char *runs = dp_path_join(out, "runs");
		cr_expect_eq(entries(runs, ""), 0, "no run in runs/");
		free(runs);
		dp_buf_free(&rep.line);
		dp_buf_free(&err);
	}
	free(v);
	free(bin);
	free(out);
	free(dir);
}

/* What can be checked before any stage is: a --prev that is no run. */
Test(run, a_bad_prev_is_refused_before_any_stage)
{
	char *dir = t_tmpdir(), *out = dp_path_join(dir, "out"), *prev = dp_path_join(dir, "prev");
	cr_assert_eq(mkdir(prev, 0755), 0);
	static const char *const in[] = { DP_SOURCE_DIR "/sample-data/inputs" };
	struct dp_stage_opts o = opts(in, out, DP_BIN_DIR);
	o.prev = prev;
	struct dp_stage_report rep = { DP_BUF_INIT };
	struct dp_buf err = DP_BUF_INIT;
	int rc = dp_run_chain(&o, &rep, &err);
	cr_expect_eq(rc, DP_USAGE, "%d %s", rc, dp_buf_str(&err));
	cr_expect(strstr(dp_buf_str(&err), "manifest.csv"), "%s", dp_buf_str(&err));
	cr_expect_not(there(out, "runs"), "no stage ran");
	dp_buf_free(&rep.line);
	dp_buf_free(&err);
	free(prev);
	free(out);
	free(dir);
}
