/* dp-validate: the checks of SPEC §4 (SPEC §7). */
#include "stage_main.h"

static const char usage[] =
	"usage: dp-validate --work DIR [--rules FILE] [--set CODE.COLUMN=VALUE ...] [--roster FILE] [--threads N]\n"
	"\n"
	"Checks every normalized submission (SPEC §4), keeps the latest filing of\n"
	"each department and year, and leaves in DIR/departments.csv.gz and\n"
	"DIR/special_funds.csv.gz only what is accepted.  Rejected files and rows\n"
	"are copied to DIR/rejected/.  With --roster (CSV dept_code,dept_name,\n"
	"parent_code,sector) it reports missing and unrostered departments.\n"
	"Exit: 0 no error findings, 1 error findings or missing departments,\n"
	"64 bad command line, 65 bad rule set or roster, 73 cannot write DIR,\n"
	"74 I/O error.\n";

int main(int argc, char **argv)
{
	return dp_stage_main(argc, argv, "dp-validate", "wrRtS", "w", usage, dp_validate_run);
}
