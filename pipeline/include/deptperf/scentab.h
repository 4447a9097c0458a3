/* The scenario tables of SPEC §6, published by dp-aggregate when dp-score
 * scored scenarios (--scenarios): scenarios.csv.gz, scenario_summary.csv.gz
 * and rank_stability.csv.gz, from the work folder's scenario_totals.csv.gz
 * (each submission's base and scenario totals and grades, in (fiscal_year,
 * dept_code) order) and scenarios.csv (the scenarios' names).
 *
 * Ranks are those of rankings.csv.gz (rank.h: competition ranks within a
 * fiscal year, ties by dept_code), computed on each scenario's totals.  The
 * work table is read one fiscal year at a time: memory is that year's
 * submissions × (scenarios + 1) totals, 10 bytes each, plus a rank record
 * per submission.
 */
#ifndef DEPTPERF_SCENTAB_H
#define DEPTPERF_SCENTAB_H

#include "deptperf/buf.h"
#include "deptperf/rules.h"
#include "deptperf/table.h"

#define DP_SCENTAB_TABLES 3

struct dp_scentab_pub {
	const char *name;             /* a static string */
	struct dp_table_info info;
};

/* Writes the three tables into out at gzip level (durably, as published
 * tables are), the grade bands being those of rules (the base rule set:
 * a scenario changes numbers, not the bands' names).  Returns the number
 * of tables written into pub[0..DP_SCENTAB_TABLES): 0 when the work
 * folder has no scenarios (and any such table left in out is removed), or
 * -1 with err when a table cannot be read or written (none is left). */
int dp_scentab_publish(const char *work, const char *out, const struct dp_rules *rules, int level,
		       struct dp_scentab_pub pub[DP_SCENTAB_TABLES], struct dp_buf *err);

#endif
