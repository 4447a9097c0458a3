#include <criterion/criterion.h>
#include <string.h>

#include "deptperf/date.h"

Test(date, forms_and_calendar)
{
	static const struct {
		const char *in;
		const char *iso; /* NULL: refused */
	} cases[] = {
		{ "2022年6月6日", "2022-06-06" }, { "2022-06-06", "2022-06-06" }, { "2022/6/6", "2022-06-06" },
		{ "2022.6.6", "2022-06-06" },     { "20220606", "2022-06-06" },   { "44718", "2022-06-06" },
		{ "1", "1900-01-01" },            { "59", "1900-02-28" },         { "61", "1900-03-01" },
		{ "60", NULL },                    /* Excel's 1900-02-29 never was */
		{ "2022年2月30日", NULL },        { "2021-02-29", NULL },          { "2024-02-29", "2024-02-29" },
		{ "2022-13-01", NULL },           { "2022-6", NULL },              { "6/6/2022", NULL },
		{ "2022-06-06x", NULL },          { "", NULL },                    { "2022年6月6", "2022-06-06" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char iso[11] = "";
		bool ok = dp_date_parse(cases[i].in, strlen(cases[i].in), iso);
		cr_expect_eq(ok, cases[i].iso != NULL, "%s", cases[i].in);
		if (ok && cases[i].iso)
			cr_expect_str_eq(iso, cases[i].iso, "%s", cases[i].in);
	}
}
