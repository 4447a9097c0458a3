/* dp-aggregate: the published tables (SPEC §6–7). */
#include "stage_main.h"

static const char usage[] =
	"usage: dp-aggregate --work DIR --out RUN_DIR [--prev RUN_DIR] [--gzip-level 1-9] [--threads N]\n"
	"                    [--csv-bom] [--headers zh] [--report]\n"
	"\n"
	"Writes every table of SPEC §6 into RUN_DIR from a scored work folder:\n"
	"rankings, summaries, discrepancies, comparisons, the accepted data, the\n"
	"findings, and manifest.csv (rows, bytes and SHA-256 of every table).  With\n"
	"--prev (an earlier run folder) it adds yoy.csv.gz.  --csv-bom and --headers zh\n"
	"make the tables Excel-friendly: a UTF-8 BOM, Chinese column headers.\n"
	"For people: report.html, report.xlsx (the tables as one workbook) and\n"
	"feedback/ (a page per department and per 主管部门); past 20 000 departments\n"
	"ranked the workbook's per-department sheets hold 5 000 rows and feedback/ is\n"
	"left out, unless --report.\n"
	"Exit: 0 no error findings, 1 error findings or missing departments,\n"
	"64 bad command line or --prev, 73 cannot write RUN_DIR, 74 I/O error.\n";

int main(int argc, char **argv)
{
	return dp_stage_main(argc, argv, "dp-aggregate", "wopgtBHX", "wo", usage, dp_aggregate_run);
}
