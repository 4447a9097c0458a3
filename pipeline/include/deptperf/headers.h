/* Chinese column headers for the published tables (--headers zh, SPEC §6):
 * a field's Chinese name from the dictionary, an indicator's label from the
 * rule set, and the project's own words for the other columns.  A pure
 * lookup: no I/O.
 *
 * Adding a column to a published table: give it its Chinese name and its
 * kind in the table of headers.c (e2e excel_safe fails on a header left in
 * English).
 */
#ifndef DEPTPERF_HEADERS_H
#define DEPTPERF_HEADERS_H

#include "deptperf/buf.h"
#include "deptperf/fields.h"
#include "deptperf/rules.h"

/* The Chinese header of column col of the published table named table
 * ("rankings.csv.gz": a few codes mean another thing in one table, as max
 * in summary_indicators) into out (reset); the code itself when it has
 * none.  d and r: the run's dictionary and rule set. */
void dp_header_zh(const char *table, const char *col, const struct dp_dict *d, const struct dp_rules *r,
		  struct dp_buf *out);

/* What a column's cells are, for a workbook (report.xlsx): text, a score
 * or rate with two decimals, money in 万元, or a whole number. */
enum dp_col_kind { DP_COL_TEXT, DP_COL_DEC2, DP_COL_MONEY, DP_COL_WHOLE };
enum dp_col_kind dp_header_kind(const char *table, const char *col, const struct dp_dict *d,
				const struct dp_rules *r);

/* Whether header cell cell (a leading UTF-8 BOM ignored) names column col
 * of table, by its code or by its Chinese header: how a run reads an
 * earlier run's tables (--prev) whatever headers it was published with. */
bool dp_header_is(const char *table, const char *cell, const char *col, const struct dp_dict *d,
		  const struct dp_rules *r);

#endif
