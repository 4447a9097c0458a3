/* The roster of departments expected to file (--roster, SPEC §7):
 * CSV dept_code,dept_name,parent_code,sector (Chinese labels accepted). */
#ifndef DEPTPERF_ROSTER_H
#define DEPTPERF_ROSTER_H

#include <stddef.h>
#include <stdint.h>

#include "deptperf/buf.h"

struct dp_roster_entry {
	char *dept_code, *dept_name, *parent_code, *sector;
	uint64_t line;
};

struct dp_roster {
	char *path;
	struct dp_roster_entry *v;  /* sorted by dept_code */
	size_t n, cap;
};

/* Loads a roster; NULL with "FILE:LINE: why" in err when it is malformed
 * (no dept_code column, a bad or repeated code, a CSV fault). */
struct dp_roster *dp_roster_load(const char *path, struct dp_buf *err);
const struct dp_roster_entry *dp_roster_find(const struct dp_roster *r, const char *dept_code);
void dp_roster_free(struct dp_roster *r);

#endif
