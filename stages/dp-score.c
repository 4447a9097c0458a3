/* dp-score: recompute the scores of every accepted submission (SPEC §7). */
#include "stage_main.h"

static const char usage[] =
	"usage: dp-score --work DIR [--rules FILE] [--set CODE.COLUMN=VALUE ...] [--adjust FILE]\n"
	"                [--scenarios FILE] [--threads N] [--gzip-level 1-9]\n"
	"\n"
	"Scores every accepted submission in DIR by the rule set (default: the\n"
	"Guangdong 2021 set) with exact decimal arithmetic, in parallel, and writes\n"
	"DIR/scores.csv.gz (one row per submission and indicator).  --adjust takes\n"
	"review deductions: CSV dept_code,fiscal_year,indicator,deduction,reason.\n"
	"--threads defaults to the cores available; the output is the same for any.\n"
	"--gzip-level (default 6) is that of scores.csv.gz, published as it is when\n"
	"dp-aggregate uses the same level.  --scenarios FILE (CSV\n"
	"scenario,code,column,value) scores each scenario's rule set too, into\n"
	"DIR/scenario_totals.csv.gz, which dp-aggregate publishes as scenarios.\n"
	"Exit: 0 no error findings, 1 error findings, 64 bad command line,\n"
	"65 bad rule set, adjust or scenarios file, 73 cannot write DIR, 74 I/O error.\n";

int main(int argc, char **argv)
{
	return dp_stage_main(argc, argv, "dp-score", "wratgSC", "w", usage, dp_score_run);
}
