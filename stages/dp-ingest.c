/* dp-ingest: find, hash and check the input files (SPEC §7). */
#include "stage_main.h"

static const char usage[] =
	"usage: dp-ingest --input PATH [--input PATH ...] --work DIR [--threads N]\n"
	"\n"
	"Finds every .csv, .csv.gz, .xlsx and .xls file under the inputs (folders are\n"
	"searched recursively), records its SHA-256, size, encoding and shape (each\n"
	"sheet's, for a workbook), and checks its header.  Writes DIR/inputs.csv.gz and\n"
	"DIR/findings.csv.gz.\n"
	"Exit: 0 no error findings, 1 error findings, 64 bad command line,\n"
	"66 no input found, 73 cannot create DIR, 74 I/O error.\n";

int main(int argc, char **argv)
{
	return dp_stage_main(argc, argv, "dp-ingest", "iwt", "iw", usage, dp_ingest_run);
}
