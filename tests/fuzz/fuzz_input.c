/* libFuzzer harness: an input file as dp-ingest and dp-normalize read it
 * (gzip or not, any SPEC §2.1 encoding detected, libcsv in strict mode,
 * the reading bounds of csvread.h), each record's cells taken. */
#include <string.h>

#include "deptperf/csvfile.h"
#include "deptperf/findings.h"
#include "fuzz_common.h"

static int on_record(void *ctx, const struct dp_record *r)
{
	size_t *cells = ctx;
	for (size_t i = 0; i < r->n && i < 8; i++) {
		char *c = dp_record_cell(r, (long)i, i % 2 == 0);
		*cells += strlen(c);
		free(c);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[32];
	int fd = fuzz_file(data, size, path);
	if (fd < 0)
		return 0;
	static const enum dp_encoding encs[] = { DP_ENC_AUTO, DP_ENC_GB18030 };
	for (size_t k = 0; k < 2; k++) {
		size_t cells = 0;
		struct dp_csvfile_result res;
		struct dp_buf err = DP_BUF_INIT;
		dp_csvfile_read(path, encs[k], k == 0, on_record, &cells, &res, &err);
		struct dp_findings fs = { 0 };
		dp_csvfile_finding(&fs, "fuzz.csv", &res, err.s, 0);
		dp_findings_free(&fs);
		dp_buf_free(&err);
	}
	close(fd);
	return 0;
}
