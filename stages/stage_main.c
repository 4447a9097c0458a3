/* The shared main of every stage program (stage_main.h): options, --help,
 * --version, the progress line, the report line and the exit code. */
#include "stage_main.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <malloc.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deptperf/catalog.h"
#include "deptperf/fields.h"
#include "deptperf/rules.h"
#include "deptperf/status.h"
#include "deptperf/zpool.h"

static bool parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

/* The test hook of tests/e2e/run_faults.sh: with DP_TEST_HOLD=NAME:FIFO in
 * the environment, the program NAME, once its options are parsed and before
 * it touches its work folder, writes its pid and a newline into FIFO (the
 * open waits for the test to read) and then waits for a signal, doing
 * nothing else.  A kill "while dp-score runs" then hits dp-score by
 * construction, not by the luck of polling.  Without the variable it costs a
 * getenv.  Returns only when the hook cannot announce itself. */
static int hold_if_asked(const char *name)
{
	const char *h = getenv("DP_TEST_HOLD");
	size_t n = strlen(name);
	if (!h || strncmp(h, name, n) != 0 || h[n] != ':')
		return DP_OK;
	int fd = open(h + n + 1, O_WRONLY | O_CLOEXEC);
	char line[32];
	int len = snprintf(line, sizeof line, "%ld\n", (long)getpid());
	if (fd < 0 || dp_write_full(fd, line, (size_t)len) != 0) {
		fprintf(stderr, "%s: DP_TEST_HOLD: cannot write to %s: %s\n", name, h + n + 1, strerror(errno));
		return DP_IOERR;
	}
	close(fd);
	for (;;)
		pause();
}

/* --list-fields: the dictionary of the default rule set as Markdown into
 * b; false with the reason in b when the rule set cannot be loaded */
static bool list_fields(struct dp_buf *b)
{
	char *path = dp_rules_default_path();
	struct dp_rules *r = dp_rules_load(path, b);
	free(path);
	if (!r)
		return false;
	struct dp_dict *d = dp_dict_new(r);
	dp_dict_markdown(d, b);
	dp_dict_free(d);
	dp_rules_free(r);
	return true;
}

/* dp-run on a terminal: which stage runs now */
static void say_stage(const char *stage)
{
	fprintf(stderr, "dp-run: running %s …\n", stage);
}

/* a long stage's progress on a terminal: one line, drawn over */
static void draw_progress(const char *line)
{
	if (line)
		fprintf(stderr, "\r%s\033[K", line);
	else
		fputs("\r\033[K", stderr);
}

static int usage_error(const char *name, const char *msg)
{
	fprintf(stderr, "%s: %s; see %s --help\n", name, msg, name);
	return DP_USAGE;
}

int dp_stage_main(int argc, char **argv, const char *name, const char *accepts, const char *requires,
		  const char *usage, dp_stage_fn fn)
{
	static const struct option all[] = {
		{ "input", required_argument, NULL, DP_OPT_INPUT },
		{ "work", required_argument, NULL, DP_OPT_WORK },
		{ "rules", required_argument, NULL, DP_OPT_RULES },
		{ "roster", required_argument, NULL, DP_OPT_ROSTER },
		{ "adjust", required_argument, NULL, DP_OPT_ADJUST },
		{ "out", required_argument, NULL, DP_OPT_OUT },
		{ "prev", required_argument, NULL, DP_OPT_PREV },
		{ "threads", required_argument, NULL, DP_OPT_THREADS },
		{ "run-id", required_argument, NULL, DP_OPT_RUNID },
		{ "gzip-level", required_argument, NULL, DP_OPT_GZIP },
		{ "keep", required_argument, NULL, DP_OPT_KEEP },
		{ "list-findings", no_argument, NULL, DP_OPT_LIST_FINDINGS },
		{ "list-fields", no_argument, NULL, DP_OPT_LIST_FIELDS },
		{ "quiet", no_argument, NULL, DP_OPT_QUIET },
		{ "set", required_argument, NULL, DP_OPT_SET },
		{ "scenarios", required_argument, NULL, DP_OPT_SCENARIOS },
		{ "csv-bom", no_argument, NULL, DP_OPT_CSV_BOM },
		{ "headers", required_argument, NULL, DP_OPT_HEADERS },
		{ "report", no_argument, NULL, DP_OPT_REPORT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	/* Reading 100 000 small files makes glibc give memory back to the kernel
	 * and take it again for every file (brk, page faults: a third of the
	 * time).  Keep what was freed; the peak is what it is anyway. */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	struct dp_stage_opts o;
	memset(&o, 0, sizeof o);
	o.gzip_level = 6;
	o.keep = 30;
	o.progress = isatty(2);
	const char **inputs = dp_xcalloc((size_t)argc + 1, sizeof *inputs);
	const char **sets = dp_xcalloc((size_t)argc + 1, sizeof *sets);
	int c;
	opterr = 0;
	int li;
	while ((li = -1, c = getopt_long(argc, argv, ":", all, &li)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			free(inputs);
			free(sets);
			return DP_OK;
		}
		if (c == 'V') {
			printf("%s (deptperf) %s\n", name, dp_version());
			free(inputs);
			free(sets);
			return DP_OK;
		}
		if ((c == DP_OPT_LIST_FINDINGS || c == DP_OPT_LIST_FIELDS) && strchr(accepts, c)) {
			struct dp_buf b = DP_BUF_INIT;
			if (c == DP_OPT_LIST_FINDINGS) {
				dp_catalog_markdown(&b);
			} else if (!list_fields(&b)) {
				fprintf(stderr, "%s: %s\n", name, dp_buf_str(&b));
				dp_buf_free(&b);
				free(inputs);
				free(sets);
				return DP_BADCONFIG;
			}
			fputs(dp_buf_str(&b), stdout);
			dp_buf_free(&b);
			free(inputs);
			free(sets);
			return fflush(stdout) == 0 && !ferror(stdout) ? DP_OK : DP_IOERR;
		}
		if (c == '?' || c == ':' || (c != DP_OPT_QUIET && !strchr(accepts, c))) {
			/* name the option: the word as typed, or the long name */
			struct dp_buf m = DP_BUF_INIT;
			const char *typed = argv[optind - 1];
			if (c == ':')
				dp_buf_addf(&m, "option “%s” needs a value", typed);
			else if (c == '?')
				dp_buf_addf(&m, "unknown option “%s”", typed);
			else
				dp_buf_addf(&m, "%s does not take --%s", name, li >= 0 ? all[li].name : typed);
			int rc = usage_error(name, m.s);
			dp_buf_free(&m);
			free(inputs);
			free(sets);
			return rc;
		}
		switch (c) {
		case DP_OPT_INPUT: inputs[o.ninputs++] = optarg; break;
		case DP_OPT_WORK: o.work = optarg; break;
		case DP_OPT_RULES: o.rules = optarg; break;
		case DP_OPT_ROSTER: o.roster = optarg; break;
		case DP_OPT_ADJUST: o.adjust = optarg; break;
		case DP_OPT_OUT: o.out = optarg; break;
		case DP_OPT_PREV: o.prev = optarg; break;
		case DP_OPT_RUNID: o.run_id = optarg; break;
		case DP_OPT_QUIET: o.quiet = true; break;
		case DP_OPT_SET: sets[o.nsets++] = optarg; break;
		case DP_OPT_SCENARIOS: o.scenarios = optarg; break;
		case DP_OPT_CSV_BOM: o.csv_bom = true; break;
		case DP_OPT_REPORT: o.report = true; break;
		case DP_OPT_HEADERS:
			if (strcmp(optarg, "zh") != 0 && strcmp(optarg, "codes") != 0) {
				free(inputs);
				free(sets);
				return usage_error(name, "--headers takes zh (Chinese headers) or codes (the default)");
			}
			o.headers_zh = strcmp(optarg, "zh") == 0;
			break;
		case DP_OPT_THREADS:
			if (!parse_int(optarg, 1, 1024, &o.threads)) {
				free(inputs);
				free(sets);
				return usage_error(name, "--threads takes a whole number from 1 to 1024");
			}
			break;
		case DP_OPT_GZIP:
			if (!parse_int(optarg, 1, 9, &o.gzip_level)) {
				free(inputs);
				free(sets);
				return usage_error(name, "--gzip-level takes 1 to 9");
			}
			break;
		case DP_OPT_KEEP:
			if (!parse_int(optarg, 1, 100000, &o.keep)) {
				free(inputs);
				free(sets);
				return usage_error(name, "--keep takes a whole number of runs, at least 1");
			}
			break;
		}
	}
	if (optind < argc) {
		struct dp_buf m = DP_BUF_INIT;
		dp_buf_addf(&m, "unexpected argument “%s” (options take the form --name VALUE)", argv[optind]);
		int rc = usage_error(name, m.s);
		dp_buf_free(&m);
		free(inputs);
		free(sets);
		return rc;
	}
	o.progress = o.progress && !o.quiet;
	if (o.progress) {
		o.on_stage = say_stage;
		o.on_progress = draw_progress;
	}
	o.inputs = inputs;
	o.sets = sets;
	if (o.threads > 0)
		omp_set_num_threads(o.threads);
	for (const char *r = requires; *r; r++) {
		bool have = (*r == DP_OPT_INPUT && o.ninputs) || (*r == DP_OPT_WORK && o.work) ||
			    (*r == DP_OPT_OUT && o.out);
		if (!have) {
			free(inputs);
			free(sets);
			return usage_error(name, *r == DP_OPT_INPUT ? "--input is required" :
						 *r == DP_OPT_WORK ? "--work is required" : "--out is required");
		}
	}
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		o.bindir = dirname(self);
	}
	int held = hold_if_asked(name);
	if (held != DP_OK) {
		free(inputs);
		free(sets);
		return held;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct dp_stage_report rep = { DP_BUF_INIT };
	struct dp_buf err = DP_BUF_INIT;
	int rc = fn(&o, &rep, &err);
	dp_zpool_stop();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* one line per program: what it did, or what went wrong and what to do */
	/* --quiet: a stage says nothing but its failures (dp-run, which
	 * passes it on, speaks for the chain); dp-run says one line when the
	 * run needs a person (exit 1), none when it is clean */
	bool is_run = strcmp(name, "dp-run") == 0;
	if (rc < 64 && rep.line.len && (!o.quiet || (is_run && rc != DP_OK)))
		fprintf(stderr, "%s: %s (%.2f s)%s\n", name, rep.line.s, secs,
			rc == DP_FINDINGS && !is_run ? "; exit 1: error findings, read findings.csv.gz" : "");
	/* a stage without its input: the message says which stage runs first */
	const char *advice = rc == DP_NOINPUT && !strchr(accepts, DP_OPT_INPUT) ? "nothing done" : dp_status_advice(rc);
	if (rc >= 64 && (err.len || !o.quiet)) /* quiet dp-run: its stage has said it */
		fprintf(stderr, "%s: %s; %s\n", name, err.len ? err.s : "failed", advice);
	dp_buf_free(&rep.line);
	dp_buf_free(&err);
	free(inputs);
	free(sets);
	return rc;
}
