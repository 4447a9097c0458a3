/* dp-readbook: what deptperf reads in a workbook (book.h) — every sheet,
 * or the one named, as CSV lines "sheet,row,cells…" on stdout; the reader's
 * status on stderr.  For the e2e tests and for a clerk's question "what
 * does deptperf see in my file?".
 *
 *   dp-readbook BOOK.xlsx|BOOK.xls [SHEET]
 *
 * Exit 0 when every sheet read was read whole, 65 when the workbook or a
 * sheet cannot be read (the reason on stderr), 64 on a bad command line. */
#include <stdio.h>
#include <string.h>

#include "deptperf/book.h"

struct out {
	const char *sheet;
	struct dp_buf line;
};

static int on_row(void *ctx, const struct dp_record *r)
{
	struct out *o = ctx;
	dp_buf_reset(&o->line);
	dp_csv_put(&o->line, o->sheet, strlen(o->sheet), false);
	dp_buf_addf(&o->line, ",%llu", (unsigned long long)r->line);
	for (size_t k = 0; k < r->n; k++) {
		dp_buf_addc(&o->line, ',');
		dp_csv_put(&o->line, r->f[k], r->len[k], false);
	}
	puts(dp_buf_str(&o->line));
	return 0;
}

static const char *status_name(enum dp_csvfile_status s)
{
	static const char *n[] = { "ok", "stopped", "ioerr", "corrupt", "badtext", "nul", "csv", "bound" };
	return (size_t)s < sizeof n / sizeof n[0] ? n[s] : "?";
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3 || strcmp(argv[1], "--help") == 0) {
		puts("usage: dp-readbook BOOK.xlsx|BOOK.xls [SHEET]");
		return argc == 2 ? 0 : 64;
	}
	enum dp_book_kind k = dp_book_kind_of_path(argv[1]);
	struct dp_csvfile_result res = { 0 };
	struct dp_buf err = DP_BUF_INIT;
	struct dp_book *b = k ? dp_book_open(argv[1], k, &res, &err) : NULL;
	if (!b) {
		fprintf(stderr, "%s: %s (bound %s): %s\n", argv[1], status_name(res.status), res.bound ? res.bound : "-",
			k ? dp_buf_str(&err) : "not .xlsx or .xls");
		dp_buf_free(&err);
		return 65;
	}
	int rc = 0;
	struct out o = { 0 };
	for (size_t i = 0; i < dp_book_sheets(b); i++) {
		o.sheet = dp_book_sheet_name(b, i);
		if (argc == 3 && strcmp(argv[2], o.sheet) != 0)
			continue;
		if (dp_book_sheet_skip(b, i)) {
			fprintf(stderr, "%s: skipped: %s\n", o.sheet, dp_book_sheet_skip(b, i));
			continue;
		}
		dp_buf_reset(&err);
		dp_book_read(b, i, on_row, &o, &res, &err);
		if (res.status != DP_CF_OK) {
			fprintf(stderr, "%s: %s (bound %s, row %llu): %s\n", o.sheet, status_name(res.status),
				res.bound ? res.bound : "-", (unsigned long long)res.line, dp_buf_str(&err));
			rc = 65;
		}
	}
	dp_buf_free(&o.line);
	dp_buf_free(&err);
	dp_book_close(b);
	return rc;
}
