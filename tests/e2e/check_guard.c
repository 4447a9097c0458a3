/* check_guard FILE.csv.gz…: fails (exit 1, naming file, line and column)
 * when a published cell would be read by a spreadsheet as a formula: text
 * that dp_text_needs_guard finds dangerous (=, +, -, @, tab, CR, the
 * full-width ＝ ＋ － ＠, after spaces) without the leading ' of SPEC §6.  A
 * cell that is a number ("-0.67", a negative delta) is a number, not
 * text. */
#include <stdio.h>
#include <string.h>

#include "deptperf/csvfile.h"
#include "deptperf/decimal.h"
#include "deptperf/text.h"

int main(int argc, char **argv)
{
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		struct dp_buf err = DP_BUF_INIT;
		struct dp_rows *r = dp_rows_open(argv[i], &err);
		if (!r) {
			fprintf(stderr, "check_guard: %s\n", dp_buf_str(&err));
			return 2;
		}
		const struct dp_record *rec;
		unsigned long long cells = 0;
		while ((rec = dp_rows_next(r, &err))) {
			for (size_t c = 0; c < rec->n; c++, cells++) {
				dp_dec d;
				if (!dp_text_needs_guard(rec->f[c], rec->len[c]) ||
				    dp_dec_parse(rec->f[c], rec->len[c], &d) == DP_DEC_OK)
					continue;
				fprintf(stderr, "%s:%llu: column %zu: “%s” would be read as a formula\n", argv[i],
					(unsigned long long)rec->line, c + 1, rec->f[c]);
				bad = 1;
			}
		}
		if (dp_rows_failed(r)) {
			fprintf(stderr, "check_guard: %s: %s\n", argv[i], dp_buf_str(&err));
			return 2;
		}
		dp_rows_close(r);
		dp_buf_free(&err);
		if (!cells) {
			fprintf(stderr, "check_guard: %s: no cells\n", argv[i]);
			return 2;
		}
	}
	return bad;
}
