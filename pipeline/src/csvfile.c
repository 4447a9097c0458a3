#include "deptperf/csvfile.h"

#include <string.h>

void dp_csvfile_read(const char *path, enum dp_encoding enc, bool want_sha, dp_record_fn fn, void *ctx,
		     struct dp_csvfile_result *res, struct dp_buf *err)
{
	memset(res, 0, sizeof *res);
	struct dp_input *in = dp_input_open(path, enc, err);
	if (!in) {
		res->status = DP_CF_IOERR;
		return;
	}
	struct dp_csv *csv = dp_csv_new(fn, ctx);
	enum dp_csvfile_status st = DP_CF_OK;
	for (;;) {
		const char *p;
		size_t n;
		enum dp_input_status r = dp_input_read(in, &p, &n, err);
		if (r == DP_IN_EOF) {
			int f = dp_csv_finish(csv);
			if (f < 0) {
				st = DP_CF_CSV;
				res->line = dp_csv_error_line(csv);
			} else if (f > 0) {
				st = DP_CF_STOPPED;
				res->stop = f;
			}
			break;
		}
		if (r != DP_IN_DATA) {
			st = r == DP_IN_IOERR ? DP_CF_IOERR : r == DP_IN_CORRUPT ? DP_CF_CORRUPT :
			     r == DP_IN_NUL ? DP_CF_NUL : DP_CF_BADTEXT;
			res->bad_offset = dp_input_bad_offset(in);
			break;
		}
		int f = dp_csv_feed(csv, p, n);
		if (f < 0) {
			st = DP_CF_CSV;
			res->line = dp_csv_error_line(csv);
			break;
		}
		if (f > 0) {
			st = DP_CF_STOPPED;
			res->stop = f;
			break;
		}
	}
	res->status = st;
	res->encoding = dp_input_encoding(in);
	if (want_sha && !dp_input_sha256(in, res->sha256, err))
		res->status = DP_CF_IOERR;
	res->raw_bytes = dp_input_raw_bytes(in);
	dp_csv_free(csv);
	dp_input_close(in);
}
