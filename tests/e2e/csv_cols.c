/* csv_cols FILE.csv.gz COLUMN…: prints the named columns of every data row,
 * tab-separated, in the file's order, for the e2e scripts to compare tables
 * with awk without splitting CSV themselves (a name may hold a comma).
 * Exit 2 when the file cannot be read or lacks a column. */
#include <stdio.h>
#include <string.h>

#include "deptperf/csvfile.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: csv_cols FILE.csv.gz COLUMN...\n");
		return 2;
	}
	struct dp_buf err = DP_BUF_INIT;
	struct dp_rows *r = dp_rows_open(argv[1], &err);
	if (!r) {
		fprintf(stderr, "csv_cols: %s\n", dp_buf_str(&err));
		return 2;
	}
	size_t want = (size_t)argc - 2, at[64];
	if (want > 64)
		return 2;
	const struct dp_record *rec;
	bool header = true;
	while ((rec = dp_rows_next(r, &err))) {
		if (header) {
			for (size_t k = 0; k < want; k++) {
				at[k] = rec->n;
				for (size_t c = 0; c < rec->n; c++)
					if (strcmp(rec->f[c], argv[2 + k]) == 0)
						at[k] = c;
				if (at[k] == rec->n) {
					fprintf(stderr, "csv_cols: %s has no column %s\n", argv[1], argv[2 + k]);
					return 2;
				}
			}
			header = false;
			continue;
		}
		for (size_t k = 0; k < want; k++)
			printf("%s%s", k ? "\t" : "", at[k] < rec->n ? rec->f[at[k]] : "");
		putchar('\n');
	}
	if (dp_rows_failed(r)) {
		fprintf(stderr, "csv_cols: %s: %s\n", argv[1], dp_buf_str(&err));
		return 2;
	}
	dp_rows_close(r);
	dp_buf_free(&err);
	return fflush(stdout) == 0 ? 0 : 2;
}
