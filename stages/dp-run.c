/* dp-run: the whole chain, published atomically (SPEC §6–8). */
#include "stage_main.h"

static const char usage[] =
	"usage: dp-run --input PATH [--input PATH ...] --out DIR\n"
	"              [--rules FILE] [--roster FILE] [--adjust FILE] [--prev RUN_DIR]\n"
	"              [--threads N] [--run-id ID] [--gzip-level 1-9] [--keep N] [--quiet]\n"
	"              [--set CODE.COLUMN=VALUE ...]\n"
	"       dp-run --list-findings\n"
	"\n"
	"Runs dp-ingest, dp-normalize, dp-validate, dp-score and dp-aggregate on the\n"
	"inputs and publishes the run as DIR/runs/<run-id>, then points DIR/latest at\n"
	"it.  Nothing appears under DIR/runs until the run is complete; a failed or\n"
	"killed run leaves DIR/latest as it was.  A second dp-run on the same DIR\n"
	"exits 75 at once.  The newest --keep runs are kept (default 30).\n"
	"\n"
	"Exit codes: 0 published, no error findings; 1 published, with error findings\n"
	"or missing departments; 64 bad command line; 65 bad rule set, roster or\n"
	"adjust file; 66 no input found; 73 cannot create output; 74 I/O error;\n"
	"75 another run holds the lock; 128 + the signal (129, 130, 143) stopped by\n"
	"SIGHUP, SIGINT or SIGTERM: the stage was stopped, the unfinished run removed.\n"
	"\n"
	"--set CODE.COLUMN=VALUE changes one max or param of the rule set (a grade\n"
	"row's max is its lower bound), e.g. --set exec_rate.param=60; repeatable.  The\n"
	"changed set is checked as a rule-set file is: --set special_perf.max=12.5\n"
	"alone is refused (exit 64) because special no longer adds up.\n"
	"\n"
	"--list-findings prints the catalogue of finding codes (what each means and\n"
	"what to do, in Chinese and English; docs/findings.md is the same text).\n"
	"\n"
	"--quiet: nothing on stderr when the run is clean, one line when it needs a\n"
	"person (exit 1 or a failure).  Nightly from cron, which mails what a job\n"
	"prints (so only the nights that need someone):\n"
	"  30 2 * * *  deptperf  /usr/local/bin/dp-run --quiet --input /srv/deptperf/in \\\n"
	"      --out /srv/deptperf/out --roster /srv/deptperf/roster.csv\n"
	"\n"
	"Or with a systemd timer (deptperf.service + deptperf.timer):\n"
	"  [Service]\n"
	"  Type=oneshot\n"
	"  ExecStart=/usr/local/bin/dp-run --quiet --input /srv/deptperf/in --out /srv/deptperf/out\n"
	"  SuccessExitStatus=1\n"
	"  [Timer]\n"
	"  OnCalendar=*-*-* 02:30:00\n"
	"  Persistent=true\n";

int main(int argc, char **argv)
{
	return dp_stage_main(argc, argv, "dp-run", "iorRaptIgkLS", "io", usage, dp_run_chain);
}
