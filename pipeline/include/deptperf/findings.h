/* Findings (SPEC §4): what a clerk reads to fix a submission.
 *
 * A dp_findings is an in-memory list that a stage fills and writes, merged
 * with the findings of the stages before it, sorted by file, line, code (then
 * by every other column, so the order never depends on threads).  One list
 * per thread; dp_findings_move merges.
 */
#ifndef DEPTPERF_FINDINGS_H
#define DEPTPERF_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/buf.h"
#include "deptperf/catalog.h"

struct dp_finding {
	bool error;          /* error or warning */
	char *code;          /* E-CSV, W-OVERSPENT, ... */
	char *file;
	uint64_t line;       /* 0: the whole file */
	char *dept_code, *fiscal_year, *field, *value, *message;
};

struct dp_findings {
	struct dp_finding *v;
	size_t n, cap;
	size_t errors, warnings;
};

/* Adds a finding of code (catalog.h); strings are copied (NULL is ""); the
 * message is printf-formatted.  The severity is the catalogue's. */
void dp_findings_add(struct dp_findings *fs, enum dp_code code, const char *file, uint64_t line,
		     const char *dept_code, const char *fiscal_year, const char *field, const char *value,
		     const char *fmt, ...) __attribute__((format(printf, 9, 10)));
/* Moves every finding of src to dst; src is left empty. */
void dp_findings_move(struct dp_findings *dst, struct dp_findings *src);
/* Fills dept_code/fiscal_year of findings [from, n) that have none. */
void dp_findings_set_key(struct dp_findings *fs, size_t from, const char *dept_code, const char *fiscal_year);
/* Puts prefix before the message of finding i (a workbook's sheet and
 * cell: "表1!C17：") and, when file is not NULL, makes file its file. */
void dp_findings_prefix(struct dp_findings *fs, size_t i, const char *file, const char *prefix);
/* Reads a findings.csv.gz written by dp_findings_write and adds its rows.
 * A missing file adds nothing.  Returns false with err on a damaged file. */
bool dp_findings_load(struct dp_findings *fs, const char *path, struct dp_buf *err);
/* Sorts and writes path (findings.csv.gz) atomically. */
struct dp_table_info;
bool dp_findings_write(struct dp_findings *fs, const char *path, int level, struct dp_table_info *info,
		       struct dp_buf *err);
void dp_findings_free(struct dp_findings *fs);

#endif
