/* cells_csv FILE.cells [COLUMN…]: prints a cells file (memtab.h: the
 * departments between stages) as the CSV text its rows would be in a
 * published table — a header line, then each row — or, with COLUMNs, those
 * columns of every data row tab-separated as csv_cols prints them.  For the
 * e2e scripts, which compare work files with `cmp` and awk.  Exit 2 when the
 * file is not a whole cells file or lacks a column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/csvread.h"
#include "deptperf/memtab.h"

static void put_line(struct dp_buf *line, const char *const *cells, size_t n)
{
	dp_buf_reset(line);
	for (size_t c = 0; c < n; c++) {
		if (c)
			dp_buf_addc(line, ',');
		dp_csv_put(line, cells[c], strlen(cells[c]), false); /* (guarded as stored) */
	}
	dp_buf_addc(line, '\n');
	fwrite(line->s, 1, line->len, stdout);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: cells_csv FILE.cells [COLUMN...]\n");
		return 2;
	}
	struct dp_buf err = DP_BUF_INIT, line = DP_BUF_INIT;
	struct dp_memtab t;
	if (!dp_memtab_load_cells(&t, argv[1], &err)) {
		fprintf(stderr, "cells_csv: %s\n", dp_buf_str(&err));
		return 2;
	}
	size_t want = (size_t)argc - 2, at[64];
	if (want > 64)
		return 2;
	for (size_t k = 0; k < want; k++) {
		int c = dp_memtab_col(&t, argv[2 + k]);
		if (c < 0) {
			fprintf(stderr, "cells_csv: %s has no column %s\n", argv[1], argv[2 + k]);
			return 2;
		}
		at[k] = (size_t)c;
	}
	if (!want)
		put_line(&line, (const char *const *)t.cols, t.ncols);
	const char **cells = dp_xcalloc(t.ncols + 1, sizeof *cells);
	for (size_t r = 0; r < t.nrows; r++) {
		dp_memtab_split(&t, r, cells);
		if (!want) {
			put_line(&line, cells, t.ncols);
			continue;
		}
		for (size_t k = 0; k < want; k++)
			printf("%s%s", k ? "\t" : "", dp_memtab_raw(&t, r, at[k]));
		putchar('\n');
	}
	free(cells);
	dp_memtab_free(&t);
	dp_buf_free(&line);
	dp_buf_free(&err);
	return fflush(stdout) == 0 ? 0 : 2;
}
