/* Units of SPEC §2.3 and the powers of ten between them (units.h). */
#include "deptperf/units.h"

#include <string.h>

/* U: a unit's name with its length, which a lookup compares first (it runs
 * for every number read with a unit) */
#define U(name, kind, shift) { name, sizeof name - 1, kind, shift }
static const struct {
	const char *name;
	size_t len;
	enum dp_unit_kind kind;
	int shift;
} units[] = {
	U("万元", DP_UK_MONEY, 0),    U("元", DP_UK_MONEY, -4),   U("千元", DP_UK_MONEY, -1),
	U("百万元", DP_UK_MONEY, 2),  U("亿元", DP_UK_MONEY, 4),  U("%", DP_UK_PERCENT, 0),
	U("百分比", DP_UK_PERCENT, 0), U("分", DP_UK_SCORE, 0),    U("个", DP_UK_COUNT, 0),
	U("人", DP_UK_COUNT, 0),      U("次", DP_UK_COUNT, 0),    U("项", DP_UK_COUNT, 0),
	U("平方米", DP_UK_AREA, 0),   U("㎡", DP_UK_AREA, 0),     U("m2", DP_UK_AREA, 0),
	U("元/平方米", DP_UK_UNITCOST, 0), U("元/㎡", DP_UK_UNITCOST, 0), U("元/m2", DP_UK_UNITCOST, 0),
	U("万元/人", DP_UK_MONEY, 0),
};
#undef U

bool dp_unit_lookup(const char *u, size_t n, enum dp_unit_kind *kind, int *shift)
{
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (units[i].len == n && memcmp(units[i].name, u, n) == 0) {
			*kind = units[i].kind;
			*shift = units[i].shift;
			return true;
		}
	}
	return false;
}

void dp_unit_split(const char *s, size_t n, size_t *num_len)
{
	size_t i = 0;
	while (i < n) {
		char c = s[i];
		bool numeric = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == ',' ||
			       c == '(' || c == ')' || c == ' ';
		/* an exponent letter counts only between a digit and a sign or digit */
		if ((c == 'e' || c == 'E') && i > 0 && i + 1 < n && s[i - 1] >= '0' && s[i - 1] <= '9' &&
		    ((s[i + 1] >= '0' && s[i + 1] <= '9') || s[i + 1] == '+' || s[i + 1] == '-'))
			numeric = true;
		if (!numeric)
			break;
		i++;
	}
	while (i > 0 && s[i - 1] == ' ')
		i--;
	*num_len = i;
}

const char *dp_unit_default_name(enum dp_unit_kind k)
{
	switch (k) {
	case DP_UK_MONEY: return "万元";
	case DP_UK_PERCENT: return "%";
	case DP_UK_SCORE: return "分";
	case DP_UK_COUNT: return "个";
	case DP_UK_AREA: return "平方米";
	case DP_UK_UNITCOST: return "元/平方米";
	default: return "";
	}
}
