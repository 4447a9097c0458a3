/* Dates of SPEC §2.3: 2022年6月6日, 2022-06-06, 2022/6/6, 2022.6.6, 20220606
 * and Excel serial numbers (1900 system), with calendar checks.  Pure. */
#ifndef DEPTPERF_DATE_H
#define DEPTPERF_DATE_H

#include <stdbool.h>
#include <stddef.h>

/* Parses s[0..n) (trimmed, folded to ASCII).  Returns true and writes the
 * ISO form "YYYY-MM-DD" plus NUL into iso, or false. */
bool dp_date_parse(const char *s, size_t n, char iso[11]);

#endif
