/* dp-run: the nightly driver (SPEC §6–8).
 *
 * It takes a lock on --out (flock, never waits), runs each stage as its own
 * program on a private work folder inside OUT/.tmp-<id>, then publishes:
 * fsync of every file, rename of the finished run folder into OUT/runs/<id>,
 * and an atomic swap of the OUT/latest symlink.  A run that fails or is
 * killed leaves `latest` as it was; whatever it left under OUT/.tmp-* is
 * removed by the next run, which holds the lock. */
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "deptperf/adjust.h"
#include "deptperf/roster.h"
#include "deptperf/rules.h"
#include "deptperf/runs.h"
#include "deptperf/scenario.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"
#include "deptperf/table.h"
#include "deptperf/text.h"
#include "deptperf/work.h"

extern char **environ;

/* fsyncs in flight at once when the run folder is flushed (they wait on the
 * disk, not a core, so --threads does not bound them): on ext4 here, 2 000
 * files of 3 KB took 0.50 s one at a time, 0.24 s four at a time, 0.11 s
 * sixteen, 0.22 s sixty-four. */
enum { SYNC_WAITERS = 16 };

/* The signals that stop a run (SPEC §8): while dp_run_chain runs they are
 * blocked and taken with sigwaitinfo beside the stages' SIGCHLD, so none is
 * lost between two checks and no handler runs in the middle of the library.
 * A signal the caller ignores (nohup, a shell's background job) stays
 * ignored. */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

struct sigwatch {
	sigset_t watch; /* SIGCHLD and the stop signals taken */
	sigset_t stops; /* the stop signals taken */
	sigset_t old;   /* the caller's mask, given back at the end and to each stage */
	struct sigaction old_chld;
	int got;        /* the first stop signal received, or 0 */
};

static void sigwatch_begin(struct sigwatch *w)
{
	memset(w, 0, sizeof *w);
	sigemptyset(&w->watch);
	sigemptyset(&w->stops);
	for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++) {
		struct sigaction sa;
		if (sigaction(stop_signals[i], NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			continue;
		sigaddset(&w->stops, stop_signals[i]);
		sigaddset(&w->watch, stop_signals[i]);
	}
	sigaddset(&w->watch, SIGCHLD);
	/* an ignored SIGCHLD would reap the stages before wait4 could */
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &w->old_chld);
	pthread_sigmask(SIG_BLOCK, &w->watch, &w->old);
}

/* The stop signal received so far (taking one that is pending), or 0. */
static int sigwatch_stop(struct sigwatch *w)
{
	if (!w->got) {
		struct timespec zero = { 0, 0 };
		int sig = sigtimedwait(&w->stops, NULL, &zero);
		if (sig > 0)
			w->got = sig;
	}
	return w->got;
}

static void sigwatch_end(struct sigwatch *w)
{
	/* one that came while the run was being published was not acted on:
	 * the run was complete; take it, or unblocking it would kill dp-run
	 * before it says so */
	sigwatch_stop(w);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	struct timespec zero = { 0, 0 };
	while (sigtimedwait(&chld, NULL, &zero) > 0)
		;
	pthread_sigmask(SIG_SETMASK, &w->old, NULL);
	sigaction(SIGCHLD, &w->old_chld, NULL);
}

static void stopped_by(struct sigwatch *w, const char *during, struct dp_buf *err)
{
	dp_buf_addf(err, "stopped by SIG%s during %s: the unfinished run was removed", sigabbrev_np(w->got),
		    during);
}

/* The environment of a stage: dp-run's, plus two settings measured to
 * help, each unless the caller set it (then the caller's is kept).
 *
 * OMP_WAIT_POLICY=PASSIVE: the stages switch between parallel loops and
 * work on one thread many times a second; by default libgomp's idle threads
 * spin for a while at each switch, on the cores the read-ahead and
 * compression threads need (dp-score at 1 000 000: 20.5 -> 19.3 s of CPU,
 * 11.3 -> 11.0 s).
 *
 * GLIBC_TUNABLES=glibc.malloc.hugetlb=1, with tuned (dp-validate, dp-score
 * and dp-aggregate): glibc's malloc asks for transparent huge pages for its
 * large blocks.  They fill tens to hundreds of megabytes at 1 000 000, and
 * on the virtual machines measured a page fault per 4 KiB made filling
 * fresh memory 25-40 times slower (300 MB: 1.0-1.3 s against 0.03-0.10 s;
 * dp-aggregate 16.1-16.4 -> 15.1-15.5 s; dp-validate about 0.5 s less, 175
 * -> 180 MB).  Not the streaming stages: their few megabytes gain nothing
 * and whole 2 MiB pages raised their peaks (dp-normalize of 100 000 forms 61
 * -> 72 MB).
 *
 * A heap array of pointers into environ and static strings, NULL-ended. */
static char **stage_env(bool tuned)
{
	static char omp[] = "OMP_WAIT_POLICY=PASSIVE", thp[] = "GLIBC_TUNABLES=glibc.malloc.hugetlb=1";
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = dp_xcalloc(n + 3, sizeof *env);
	memcpy(env, environ, n * sizeof *env);
	if (!getenv("OMP_WAIT_POLICY"))
		env[n++] = omp;
	if (tuned && !getenv("GLIBC_TUNABLES"))
		env[n++] = thp;
	return env;
}

/* Starts prog with argv; its pid, or -1 with err.  The stage gets the
 * caller's signal mask and dies with dp-run, whatever kills dp-run (even
 * kill -9): an orphan would write on into a run folder that nobody will
 * publish, and the next run would remove it under its feet. */
static pid_t start_stage(const char *prog, char **argv, char **envp, const struct sigwatch *w, struct dp_buf *err)
{
	/* exec's errno comes back through a pipe that exec closes */
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0) {
		dp_buf_addf(err, "cannot start %s: %s", prog, strerror(errno));
		return -1;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		int e = 0;
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
			e = errno;
		else if (getppid() != parent) /* dp-run died before the line above */
			_exit(127);
		if (!e) {
			pthread_sigmask(SIG_SETMASK, &w->old, NULL);
			execve(prog, argv, envp);
			e = errno;
		}
		ssize_t unused = write(fds[1], &e, sizeof e);
		(void)unused;
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0) {
		dp_buf_addf(err, "cannot start %s: %s", prog, strerror(errno));
		close(fds[0]);
		return -1;
	}
	int e = 0;
	ssize_t n;
	while ((n = read(fds[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	close(fds[0]);
	if (n == (ssize_t)sizeof e) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		dp_buf_addf(err, "cannot start %s: %s", prog, strerror(e));
		return -1;
	}
	return pid;
}

/* Runs one stage program; returns its exit code, DP_IOERR when it could not
 * be started or died of a signal, or 128 + the stop signal that dp-run
 * received (passed on to the stage, which was waited for).  *peak_kb gets
 * its peak memory. */
static int run_stage(const struct dp_stage_opts *o, const char *name, const char *const *args, char **envp,
		     struct sigwatch *w, long *peak_kb, struct dp_buf *err)
{
	if (sigwatch_stop(w)) {
		stopped_by(w, name, err);
		return DP_SIGNALLED + w->got;
	}
	char *prog = dp_path_join(o->bindir ? o->bindir : ".", name);
	size_t n = 0;
	while (args[n])
		n++;
	char **argv = dp_xcalloc(n + 2, sizeof *argv);
	argv[0] = prog;
	for (size_t i = 0; i < n; i++)
		argv[i + 1] = (char *)args[i];
	if (o->on_stage)
		o->on_stage(name);
	pid_t pid = start_stage(prog, argv, envp, w, err);
	free(argv);
	free(prog);
	if (pid < 0)
		return DP_IOERR;
	int status;
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	for (;;) {
		int sig = sigwaitinfo(&w->watch, NULL);
		if (sig < 0)
			continue; /* EINTR: a signal outside the set */
		if (sig != SIGCHLD) {
			/* passed on; the stage's end is still waited for */
			if (!w->got)
				w->got = sig;
			kill(pid, sig);
			continue;
		}
		pid_t got = wait4(pid, &status, WNOHANG, &ru);
		if (got == pid)
			break;
		if (got < 0 && errno != EINTR) {
			dp_buf_addf(err, "lost %s: %s", name, strerror(errno));
			return DP_IOERR;
		}
	}
	*peak_kb = ru.ru_maxrss;
	if (w->got) {
		stopped_by(w, name, err);
		return DP_SIGNALLED + w->got;
	}
	if (WIFSIGNALED(status)) {
		dp_buf_addf(err, "%s was killed by signal %d (SIG%s)", name, WTERMSIG(status),
			    sigabbrev_np(WTERMSIG(status)));
		return DP_IOERR;
	}
	int rc = WEXITSTATUS(status);
	if (rc >= 64) {
		/* quiet: the stage's own line is the one line of the problem */
		if (!o->quiet)
			dp_buf_addf(err, "%s failed (exit %d, its message is above); nothing was published", name, rc);
	} else if (rc != DP_OK && rc != DP_FINDINGS) {
		dp_buf_addf(err, "%s failed (exit %d); nothing was published", name, rc);
		rc = DP_IOERR;
	}
	return rc;
}

struct argv {
	const char **v;
	size_t n, cap;
};

static void arg(struct argv *a, const char *s)
{
	DP_GROW(a->v, a->n, a->cap);
	a->v[a->n++] = s;
	DP_GROW(a->v, a->n, a->cap);
	a->v[a->n] = NULL;
}

static void arg2(struct argv *a, const char *k, const char *v)
{
	if (!v)
		return;
	arg(a, k);
	arg(a, v);
}

/* Refuses a bad rule set, roster, adjust or scenarios file or --prev before
 * any work. */
static int precheck(const struct dp_stage_opts *o, struct dp_buf *err)
{
	int rc;
	struct dp_rules *r = dp_stage_load_rules(o, &rc, err);
	if (!r)
		return rc;
	if (o->roster) {
		struct dp_roster *ro = dp_roster_load(o->roster, err);
		if (!ro)
			rc = DP_BADCONFIG;
		dp_roster_free(ro);
	}
	if (rc == DP_OK && o->adjust) {
		struct dp_adjustments *a = dp_adjust_load(o->adjust, r, err);
		if (!a)
			rc = DP_BADCONFIG;
		dp_adjust_free(a);
	}
	if (rc == DP_OK && o->scenarios) {
		struct dp_scenarios *s = dp_stage_load_scenarios(o, err);
		if (!s)
			rc = DP_BADCONFIG;
		dp_scenarios_free(s);
	}
	dp_rules_free(r);
	if (rc == DP_OK && o->prev) {
		char *m = dp_path_join(o->prev, "manifest.csv");
		if (access(m, R_OK) != 0) {
			dp_buf_addf(err, "--prev %s is not a deptperf run folder (it has no manifest.csv)", o->prev);
			rc = DP_USAGE;
		}
		free(m);
	}
	return rc;
}

static bool write_params(const struct dp_stage_opts *o, const char *work, const char *id, struct dp_buf *err)
{
	char *p = dp_work_path(work, DP_WF_PARAMS);
	struct dp_table *t = dp_table_create(p, DP_WORK_LEVEL, err);
	free(p);
	if (!t)
		return false;
	static const char *const cols[] = { "parameter", "value", NULL };
	dp_table_header(t, cols);
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	struct dp_buf inputs = DP_BUF_INIT;
	for (size_t i = 0; i < o->ninputs; i++) {
		if (i)
			dp_buf_addc(&inputs, ';');
		dp_text_escape(&inputs, o->inputs[i], true); /* a path need not be UTF-8 */
	}
	char threads[16];
	snprintf(threads, sizeof threads, "%d", o->threads);
	struct dp_buf sets = DP_BUF_INIT;
	for (size_t k = 0; k < o->nsets; k++)
		dp_buf_addf(&sets, "%s%s", k ? ";" : "", o->sets[k]);
	char *rules = o->rules ? dp_xstrdup(o->rules) : dp_rules_default_path();
	const char *rows[][2] = { { "run_id", id },
				  { "published_utc", when },
				  { "inputs", inputs.s },
				  { "rule_set", rules },
				  { "roster", o->roster ? o->roster : "" },
				  { "adjust", o->adjust ? o->adjust : "" },
				  { "prev", o->prev ? o->prev : "" },
				  { "threads", o->threads ? threads : "all cores" },
				  { "set", sets.s },
				  { "scenarios", o->scenarios ? o->scenarios : "" },
				  { "csv_bom", o->csv_bom ? "yes" : "no" },
				  { "headers", o->headers_zh ? "zh" : "codes" } };
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		dp_table_puts(t, rows[i][0], false);
		dp_table_puts(t, rows[i][1] ? rows[i][1] : "", true);
		dp_table_end_row(t);
	}
	free(rules);
	dp_buf_free(&inputs);
	dp_buf_free(&sets);
	return dp_table_commit(t, NULL, err);
}

static int chain(const struct dp_stage_opts *o, struct sigwatch *w, struct dp_stage_report *rep, struct dp_buf *err)
{
	if (o->run_id && !dp_run_id_ok(o->run_id)) {
		dp_buf_addf(err, "--run-id “%s” may hold only letters, digits, '-', '_' and '.', up to 64", o->run_id);
		return DP_USAGE;
	}
	int rc = precheck(o, err);
	if (rc != DP_OK)
		return rc;
	if (!dp_mkdirs(o->out, err))
		return DP_CANTCREATE;
	char *lockp = dp_path_join(o->out, ".lock");
	/* close-on-exec: a stage never holds the lock (it dies with dp-run,
	 * start_stage), so a killed dp-run never keeps the next run out */
	int lock = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(lockp);
	if (lock < 0) {
		dp_buf_addf(err, "%s: cannot create the lock file: %s", o->out, strerror(errno));
		return DP_CANTCREATE;
	}
	if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
		dp_buf_addf(err, "%s is locked by another dp-run", o->out);
		close(lock);
		return DP_LOCKED;
	}
	dp_runs_clean_stale(o->out);
	/* latest is the link this program keeps; anything else there is
	 * someone's, never replaced (nor a run made that could not be
	 * pointed at) */
	char *latest_path = dp_path_join(o->out, "latest");
	struct stat lst;
	bool foreign = lstat(latest_path, &lst) == 0 && !S_ISLNK(lst.st_mode);
	free(latest_path);
	if (foreign) {
		dp_buf_addf(err, "%s/latest is a %s, not the link dp-run keeps: move it away, then run again", o->out,
			    S_ISDIR(lst.st_mode) ? "folder" : "file");
		close(lock);
		return DP_CANTCREATE;
	}
	char *runs = dp_path_join(o->out, "runs");
	if (!dp_mkdirs(runs, err)) {
		free(runs);
		close(lock);
		return DP_CANTCREATE;
	}
	/* the run id: given, or the UTC time; a taken default gets a suffix */
	struct dp_buf id = DP_BUF_INIT;
	if (o->run_id) {
		dp_buf_adds(&id, o->run_id);
	} else {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
		dp_buf_adds(&id, stamp);
	}
	char *final = dp_path_join(runs, id.s);
	for (int k = 2; access(final, F_OK) == 0; k++) {
		if (o->run_id) {
			dp_buf_addf(err, "run %s already exists in %s: choose another --run-id", id.s, runs);
			free(final);
			free(runs);
			dp_buf_free(&id);
			close(lock);
			return DP_CANTCREATE;
		}
		free(final);
		struct dp_buf alt = DP_BUF_INIT;
		dp_buf_addf(&alt, "%s-%d", id.s, k);
		final = dp_path_join(runs, alt.s);
		if (access(final, F_OK) != 0) {
			dp_buf_free(&id);
			id = alt;
		} else {
			dp_buf_free(&alt);
		}
	}
	struct dp_buf tmpname = DP_BUF_INIT;
	dp_buf_addf(&tmpname, ".tmp-%s", id.s);
	char *tmp = dp_path_join(o->out, tmpname.s);
	char *work = dp_path_join(tmp, "work"), *pub = dp_path_join(tmp, id.s);
	dp_buf_free(&tmpname);
	if (!dp_mkdirs(work, err)) {
		rc = DP_CANTCREATE;
		goto out;
	}
	char threads[16], level[4];
	snprintf(threads, sizeof threads, "%d", o->threads);
	snprintf(level, sizeof level, "%d", o->gzip_level);
	const char *th = o->threads ? threads : NULL;
	struct argv a[5];
	memset(a, 0, sizeof a);
	for (size_t i = 0; i < o->ninputs; i++)
		arg2(&a[0], "--input", o->inputs[i]);
	arg2(&a[0], "--work", work);
	arg2(&a[0], "--threads", th);
	for (int s = 0; s < 5 && o->quiet; s++)
		arg(&a[s], "--quiet");
	arg2(&a[1], "--work", work);
	arg2(&a[1], "--rules", o->rules);
	for (size_t k = 0; k < o->nsets; k++)
		for (int st = 1; st <= 3; st++)
			arg2(&a[st], "--set", o->sets[k]);
	arg2(&a[1], "--threads", th);
	arg2(&a[2], "--work", work);
	arg2(&a[2], "--rules", o->rules);
	arg2(&a[2], "--roster", o->roster);
	arg2(&a[2], "--threads", th);
	arg2(&a[3], "--work", work);
	arg2(&a[3], "--rules", o->rules);
	arg2(&a[3], "--adjust", o->adjust);
	arg2(&a[3], "--scenarios", o->scenarios);
	arg2(&a[3], "--threads", th);
	arg2(&a[3], "--gzip-level", level);
	arg2(&a[4], "--work", work);
	arg2(&a[4], "--out", pub);
	arg2(&a[4], "--prev", o->prev);
	if (o->csv_bom)
		arg(&a[4], "--csv-bom");
	if (o->headers_zh)
		arg2(&a[4], "--headers", "zh");
	if (o->report)
		arg(&a[4], "--report");
	arg2(&a[4], "--gzip-level", level);
	arg2(&a[4], "--threads", th);
	static const char *const stages[5] = { "dp-ingest", "dp-normalize", "dp-validate", "dp-score", "dp-aggregate" };
	char **env_stream = stage_env(false), **env_tuned = stage_env(true);
	int worst = DP_OK;
	long peak[5] = { 0 };
	for (int s = 0; s < 5 && worst < 64; s++) {
		if (s == 4 && !write_params(o, work, id.s, err)) {
			worst = DP_CANTCREATE;
			break;
		}
		int r = run_stage(o, stages[s], a[s].v, s >= 2 ? env_tuned : env_stream, w, &peak[s], err);
		/* dp-ingest's 1 only says some files were refused; it goes on */
		worst = dp_status_worse(worst, r);
	}
	free(env_stream);
	free(env_tuned);
	for (int s = 0; s < 5; s++)
		free(a[s].v);
	if (worst >= 64) {
		rc = worst;
		goto out;
	}
	/* the quarantine travels with the run */
	char *rej_from = dp_work_path(work, DP_WF_REJECTED), *rej_to = dp_path_join(pub, "rejected");
	bool stuck = access(rej_from, F_OK) == 0 && rename(rej_from, rej_to) != 0;
	free(rej_from);
	free(rej_to);
	if (stuck) {
		dp_buf_addf(err, "%s: cannot finish the run folder: %s", pub, strerror(errno));
		rc = DP_CANTCREATE;
		goto out;
	}
	/* every file of the run on disk before it is published: the
	 * quarantine's files (one per rejected submission, 1 978 of the 100 000
	 * forms) waited for one at a time took 0.5-0.7 s; ext4 commits waits
	 * that overlap together */
	if (!dp_sync_tree(pub, SYNC_WAITERS, err)) {
		rc = DP_CANTCREATE;
		goto out;
	}
	/* the last moment a stop signal is acted on: from here the run is
	 * published, which takes milliseconds */
	if (sigwatch_stop(w)) {
		stopped_by(w, "the publishing", err);
		rc = DP_SIGNALLED + w->got;
		goto out;
	}
	rc = dp_runs_publish(o->out, pub, id.s, err);
	if (rc == DP_OK) {
		dp_runs_prune(runs, o->keep, id.s);
		dp_buf_addf(&rep->line, "published %s (latest → runs/%s)%s; peak memory MB:", final, id.s,
			    worst == DP_FINDINGS ? "; error findings or missing departments: read findings.csv.gz" : "");
		for (int s = 0; s < 5; s++)
			dp_buf_addf(&rep->line, " %s %ld", stages[s] + 3, (peak[s] + 512) / 1024);
		rc = worst;
	}
out:
	dp_rm_rf(tmp);
	free(tmp);
	free(work);
	free(pub);
	free(final);
	free(runs);
	dp_buf_free(&id);
	close(lock);
	return rc;
}

int dp_run_chain(const struct dp_stage_opts *o, struct dp_stage_report *rep, struct dp_buf *err)
{
	struct sigwatch w;
	sigwatch_begin(&w);
	int rc = chain(o, &w, rep, err);
	sigwatch_end(&w);
	if (rc < 64 && w.got)
		dp_buf_addf(&rep->line, "; SIG%s came while the run was being published: it was finished first",
			    sigabbrev_np(w.got));
	return rc;
}
