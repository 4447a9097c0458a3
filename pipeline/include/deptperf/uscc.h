/* The 统一社会信用代码 check character of GB 32100-2015.  Pure. */
#ifndef DEPTPERF_USCC_H
#define DEPTPERF_USCC_H

#include <stdbool.h>

/* True when s is 18 characters of the code's alphabet (0-9 and A–Y without
 * I, O, S, V, Z) whose last one is the check character of the first 17.
 * *expected (may be NULL) gets the right check character, or '\0' when the
 * first 17 are not of the alphabet or s is not 18 long. */
bool dp_uscc_valid(const char *s, char *expected);

#endif
