/* libFuzzer harness: a workbook as dp-ingest and dp-normalize read it — the
 * bytes opened as an .xlsx (libzip, expat, the part and cell bounds of
 * book.h) and as an .xls (FreeXL, its size and grid bounds), every sheet
 * read, each record's cells taken, the finding of a workbook that cannot
 * be read made. */
#include <string.h>

#include "deptperf/book.h"
#include "deptperf/findings.h"
#include "fuzz_common.h"

static int on_record(void *ctx, const struct dp_record *r)
{
	size_t *cells = ctx;
	for (size_t i = 0; i < r->n; i++)
		*cells += r->len[i] + (r->f[i][r->len[i]] == '\0');
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[32];
	int fd = fuzz_file(data, size, path);
	if (fd < 0)
		return 0;
	static const enum dp_book_kind kinds[] = { DP_BOOK_XLSX, DP_BOOK_XLS };
	for (size_t k = 0; k < 2; k++) {
		struct dp_csvfile_result res = { 0 };
		struct dp_buf err = DP_BUF_INIT;
		struct dp_findings fs = { 0 };
		struct dp_book *b = dp_book_open(path, kinds[k], &res, &err);
		size_t cells = 0;
		for (size_t i = 0; b && i < dp_book_sheets(b); i++) {
			dp_buf_reset(&err);
			dp_book_read(b, i, on_record, &cells, &res, &err);
			dp_book_finding(&fs, "fuzz.xlsx", dp_book_sheet_name(b, i), &res, err.s);
		}
		if (!b)
			dp_book_finding(&fs, "fuzz.xlsx", NULL, &res, err.s);
		dp_book_close(b);
		dp_findings_free(&fs);
		dp_buf_free(&err);
	}
	close(fd);
	return 0;
}
