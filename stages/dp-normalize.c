/* dp-normalize: canonical department and special-fund tables (SPEC §7). */
#include "stage_main.h"

static const char usage[] =
	"usage: dp-normalize --work DIR [--rules FILE] [--set CODE.COLUMN=VALUE ...] [--threads N]\n"
	"\n"
	"Reads every file dp-ingest accepted and writes DIR/departments.csv.gz and\n"
	"DIR/special_funds.csv.gz (every submission parsed, before checks), with\n"
	"every parse problem in DIR/findings.csv.gz.  --rules names the rule set\n"
	"whose indicator labels (\"预算编制得分\") the self-scores use; the default is\n"
	"the Guangdong 2021 set.\n"
	"Exit: 0 no error findings, 1 error findings, 64 bad command line,\n"
	"65 bad rule set, 73 cannot write DIR, 74 I/O error.\n";

int main(int argc, char **argv)
{
	return dp_stage_main(argc, argv, "dp-normalize", "wrtS", "w", usage, dp_normalize_run);
}
