/* The GB 32100 check character of a 统一社会信用代码 (uscc.h). */
#include "deptperf/uscc.h"

#include <string.h>

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int value_of(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

bool dp_uscc_valid(const char *s, char *expected)
{
	if (expected)
		*expected = '\0';
	if (strlen(s) != 18)
		return false;
	/* weights are 3^i mod 31 */
	int sum = 0, w = 1;
	for (int i = 0; i < 17; i++) {
		int v = value_of(s[i]);
		if (v < 0)
			return false;
		sum += v * w;
		w = w * 3 % 31;
	}
	int check = (31 - sum % 31) % 31;
	if (expected)
		*expected = alphabet[check];
	return s[17] == alphabet[check];
}
