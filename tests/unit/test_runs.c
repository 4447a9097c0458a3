/* The output folder's runs (runs.h): which ids name a run, publishing (the
 * run renamed in, latest swapped; a run latest cannot point at removed),
 * keeping the newest runs and the current one, clearing a killed run's
 * leftovers, and removing a tree without following a link out of it. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deptperf/runs.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"
#include "helpers.h"

static bool exists(const char *dir, const char *name)
{
	char *p = dp_path_join(dir, name);
	struct stat st;
	bool ok = lstat(p, &st) == 0;
	free(p);
	return ok;
}

static char *mkdir_in(const char *dir, const char *name)
{
	char *p = dp_path_join(dir, name);
	cr_assert_eq(mkdir(p, 0755), 0, "%s", p);
	return p;
}

Test(runs, ids)
{
	static const struct {
		const char *id;
		bool ok;
	} cases[] = {
		{ "20261208T001027Z", true }, { "20261208T001027Z-2", true }, { "nightly_2021.v1", true },
		{ "", false },                { ".hidden", false },          { "..", false },
		{ "a/b", false },             { "../x", false },             { "a b", false },
		{ "运行", false },            { "x\n", false },
		{ "0123456789012345678901234567890123456789012345678901234567890123", true }, /* 64 */
		{ "01234567890123456789012345678901234567890123456789012345678901234", false }, /* 65 */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		cr_expect_eq(dp_run_id_ok(cases[i].id), cases[i].ok, "“%s”", cases[i].id);
}

Test(runs, rm_rf_does_not_follow_links)
{
	char *d = t_tmpdir();
	char *outside = mkdir_in(d, "outside");
	free(t_writes(outside, "keep.txt", "mine"));
	char *tree = mkdir_in(d, "tree");
	free(t_writes(tree, "a/b/c.txt", "x"));
	char *link = dp_path_join(tree, "a/to-outside");
	cr_assert_eq(symlink(outside, link), 0);
	cr_expect(dp_rm_rf(tree));
	cr_expect(!exists(d, "tree"));
	cr_expect(exists(outside, "keep.txt"), "a link was followed out of the tree");
	cr_expect(dp_rm_rf(tree), "removing nothing is done");
	free(link);
	free(tree);
	free(outside);
	free(d);
}

static char *latest_target(const char *out)
{
	char *p = dp_path_join(out, "latest");
	static char buf[PATH_MAX];
	ssize_t n = readlink(p, buf, sizeof buf - 1);
	free(p);
	if (n < 0)
		return NULL;
	buf[n] = 0;
	return buf;
}

Test(runs, publish_swaps_latest)
{
	char *out = t_tmpdir();
	free(mkdir_in(out, "runs"));
	char *pub = mkdir_in(out, ".tmp-1");
	free(t_writes(pub, "manifest.csv", "one"));
	struct dp_buf err = DP_BUF_INIT;
	cr_assert_eq(dp_runs_publish(out, pub, "r1", &err), DP_OK, "%s", dp_buf_str(&err));
	cr_expect_str_eq(latest_target(out), "runs/r1");
	cr_expect(exists(out, "runs/r1/manifest.csv") && !exists(out, ".tmp-1") && !exists(out, ".latest.tmp"));
	free(pub);
	pub = mkdir_in(out, ".tmp-2");
	cr_assert_eq(dp_runs_publish(out, pub, "r2", &err), DP_OK, "%s", dp_buf_str(&err));
	cr_expect_str_eq(latest_target(out), "runs/r2");
	cr_expect(exists(out, "runs/r1"), "the earlier run is kept (pruning is another step)");
	free(pub);
	free(out);
	dp_buf_free(&err);
}

Test(runs, publish_failure_leaves_latest)
{
	char *out = t_tmpdir();
	free(mkdir_in(out, "runs"));
	char *pub = mkdir_in(out, ".tmp-1");
	struct dp_buf err = DP_BUF_INIT;
	cr_assert_eq(dp_runs_publish(out, pub, "r1", &err), DP_OK);
	free(pub);
	/* latest cannot be replaced: a new link cannot be renamed over a folder */
	char *latest = dp_path_join(out, "latest");
	cr_assert_eq(unlink(latest), 0);
	free(mkdir_in(out, "latest"));
	free(t_writes(out, "latest/theirs.txt", "someone's"));
	pub = mkdir_in(out, ".tmp-2");
	cr_expect_eq(dp_runs_publish(out, pub, "r2", &err), DP_CANTCREATE);
	cr_expect(strstr(dp_buf_str(&err), "cannot point latest at runs/r2"), "%s", dp_buf_str(&err));
	cr_expect(strstr(dp_buf_str(&err), "the run was removed"));
	cr_expect(!exists(out, "runs/r2"), "a run latest does not point at was kept");
	cr_expect(exists(out, "latest/theirs.txt") && !exists(out, ".latest.tmp"));
	/* a run folder that cannot be renamed in (its name taken by a file) */
	dp_buf_reset(&err);
	free(t_writes(out, "runs/r3/x", "taken"));
	char *pub3 = mkdir_in(out, ".tmp-3");
	free(t_writes(pub3, "y", "new"));
	cr_expect_eq(dp_runs_publish(out, pub3, "r3", &err), DP_CANTCREATE);
	cr_expect(strstr(dp_buf_str(&err), "cannot publish"), "%s", dp_buf_str(&err));
	cr_expect(exists(out, "runs/r3/x") && exists(out, ".tmp-3/y"), "the taken run or the new one was touched");
	free(pub3);
	free(pub);
	free(latest);
	free(out);
	dp_buf_free(&err);
}

/* A run folder in runs with modification time t. */
static void run_at(const char *runs, const char *name, time_t t)
{
	char *p = mkdir_in(runs, name);
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };
	cr_assert_eq(utimensat(AT_FDCWD, p, ts, 0), 0);
	free(p);
}

Test(runs, prune_keeps_the_newest_and_the_current)
{
	char *runs = t_tmpdir();
	run_at(runs, "a", 1000);
	run_at(runs, "b", 2000);
	run_at(runs, "c", 3000);
	run_at(runs, "d", 3000); /* same time as c: by name, d is newer */
	run_at(runs, "old-current", 500);
	free(t_writes(runs, "notes.txt", "not a run"));
	free(mkdir_in(runs, ".hidden"));
	char *outside = t_tmpdir();
	char *link = dp_path_join(runs, "link-to-elsewhere");
	cr_assert_eq(symlink(outside, link), 0);
	dp_runs_prune(runs, 2, "old-current");
	cr_expect(exists(runs, "c") && exists(runs, "d"), "the two newest were removed");
	cr_expect(!exists(runs, "a") && !exists(runs, "b"), "an old run was kept");
	cr_expect(exists(runs, "old-current"), "the current run was removed");
	cr_expect(exists(runs, "notes.txt") && exists(runs, ".hidden") && exists(runs, "link-to-elsewhere"),
		  "something that is not a run was removed");
	dp_runs_prune(runs, 1, "d");
	cr_expect(exists(runs, "d") && !exists(runs, "c") && !exists(runs, "old-current"));
	free(link);
	free(outside);
	free(runs);
}

Test(runs, clean_stale)
{
	char *out = t_tmpdir();
	free(t_writes(out, ".tmp-20261208T001027Z/work/x.csv.gz", "x"));
	free(t_writes(out, ".tmp-2/a", "y"));
	char *ltmp = dp_path_join(out, ".latest.tmp");
	cr_assert_eq(symlink("runs/gone", ltmp), 0);
	free(mkdir_in(out, "runs"));
	free(t_writes(out, ".tmpfile", "not ours"));
	free(t_writes(out, ".lock", ""));
	dp_runs_clean_stale(out);
	cr_expect(!exists(out, ".tmp-20261208T001027Z") && !exists(out, ".tmp-2") && !exists(out, ".latest.tmp"));
	cr_expect(exists(out, "runs") && exists(out, ".tmpfile") && exists(out, ".lock"));
	free(ltmp);
	free(out);
}
