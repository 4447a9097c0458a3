/* dp-score: recompute the scores of every accepted submission (SPEC §7). */
#include "stage_main.h"

static const char usage[] =
	"usage: dp-score --work DIR [--rules FILE] [--set CODE.COLUMN=VALUE ...] [--adjust FILE]\n"
	"                [--threads N] [--gzip-level 1-9]\n"
	"\n"
	"Scores every accepted submission in DIR by the rule set (default: the\n"
	"Guangdong 2021 set) with exact decimal arithmetic, in parallel, and writes\n"
	"DIR/scores.csv.gz (one row per submission and indicator).  --adjust takes\n"
	"review deductions: CSV dept_code,fiscal_year,indicator,deduction,reason.\n"
	"--threads defaults to the cores available; the output is the same for any.\n"
	"--gzip-level (default 6) is that of scores.csv.gz, published as it is when\n"
	"dp-aggregate uses the same level.\n"
	"Exit: 0 no error findings, 1 error findings, 64 bad command line,\n"
	"65 bad rule set or adjust file, 73 cannot write DIR, 74 I/O error.\n";

int main(int argc, char **argv)
{
	return dp_stage_main(argc, argv, "dp-score", "wratgS", "w", usage, dp_score_run);
}
