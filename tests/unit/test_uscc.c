#include <criterion/criterion.h>

#include "deptperf/uscc.h"

Test(uscc, check_character_table)
{
	static const struct {
		const char *code;
		bool ok;
		char expect;
	} cases[] = {
		{ "91350100M000100Y43", true, '3' },  { "91110000600037341L", true, 'L' },
		{ "9111000010169286X1", true, '1' },  { "91350100M000100Y44", false, '3' },
		{ "91350100M000100Y4", false, '\0' }, { "9135010OM000100Y43", false, '\0' }, /* O is not in the alphabet */
		{ "", false, '\0' },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char e = 'x';
		cr_expect_eq(dp_uscc_valid(cases[i].code, &e), cases[i].ok, "%s", cases[i].code);
		cr_expect_eq(e, cases[i].expect, "%s: %c", cases[i].code, e);
	}
}
