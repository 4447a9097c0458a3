/* libFuzzer harness: one value normalized for every field of the
 * dictionary (SPEC §2.3: numbers, units, dates, codes, text), with and
 * without a unit hint taken from its first bytes; the decimal and date
 * parsers alone; text escaping and its reverse. */
#include <string.h>

#include "deptperf/date.h"
#include "deptperf/decimal.h"
#include "deptperf/fields.h"
#include "deptperf/text.h"
#include "deptperf/value.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dp_dict *dict;
	if (!dict)
		dict = dp_dict_new(NULL);
	const char *s = (const char *)data;
	dp_dec d;
	if (dp_dec_parse(s, size, &d) == DP_DEC_OK) {
		struct dp_buf b = DP_BUF_INIT;
		dp_dec_format(&b, d, 0, 8);
		dp_dec back;
		if (dp_dec_parse(b.s, b.len, &back) != DP_DEC_OK || back != d)
			abort(); /* a decimal formatted must read back as itself */
		dp_buf_free(&b);
	}
	char iso[11];
	dp_date_parse(s, size, iso);
	size_t split = size ? data[0] % (size + 1) : 0;
	for (size_t i = 0; i < dp_dict_count(dict); i++) {
		struct dp_buf out = DP_BUF_INIT, why = DP_BUF_INIT;
		dp_value_norm(dp_dict_field(dict, i), s, size, NULL, &out, &why);
		struct dp_unit_hint h = { .text = s, .len = split };
		dp_value_norm(dp_dict_field(dict, i), s + split, size - split, &h, &out, &why);
		dp_buf_free(&out);
		dp_buf_free(&why);
	}
	char *z = strndup(s, size);
	struct dp_buf e = DP_BUF_INIT, back = DP_BUF_INIT;
	dp_text_escape(&e, z, true);
	dp_text_unescape(&back, dp_buf_str(&e));
	if (strcmp(dp_buf_str(&back), z) != 0 || !dp_utf8_valid(dp_buf_str(&e), e.len, NULL))
		abort(); /* escaping must give UTF-8 and be reversible */
	dp_buf_free(&e);
	dp_buf_free(&back);
	free(z);
	return 0;
}
