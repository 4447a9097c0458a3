/* What-if scenarios (SPEC §6, §7 --scenarios): each a named set of changes
 * to the max or param of the base rule set, scored beside it.
 *
 * A scenarios file is CSV `scenario,code,column,value`, several rows per
 * scenario (they need not be next to each other); a scenario is the base
 * rule set (--rules with every --set) with its rows applied after the
 * --set changes, checked exactly as a rule-set file is (rules.h).  A
 * scenario names its changes once: the same code and column twice with two
 * values is refused; twice with one value is one change.  Scenarios keep
 * the order in which their names first appear.
 *
 * Adding a column that a scenario may change: it is a column of the
 * rule-set file; teach dp_rule_set_parse (rules.c) its name and number, and
 * column_of below.
 */
#ifndef DEPTPERF_SCENARIO_H
#define DEPTPERF_SCENARIO_H

#include <stddef.h>

#include "deptperf/buf.h"
#include "deptperf/rules.h"

#define DP_SCENARIOS_MAX 100      /* scenarios in one file */
#define DP_SCENARIO_NAME_MAX 64   /* bytes of a scenario's name */

struct dp_scenario {
	char *name;
	size_t line;                /* its first row in the file */
	struct dp_rules *rules;     /* the base rule set with its changes */
};

struct dp_scenarios {
	char *path;
	struct dp_scenario *v;
	size_t n;
};

/* Loads the scenarios file path against the base rule set: the file
 * rules_path changed by base[0..nbase) (--set).  NULL, with one line
 * "FILE:LINE: why" in err, when the file cannot be read, has no header
 * `scenario,code,column,value` or no scenario, a row names no scenario, a
 * column other than max or param, a code the rule set lacks, two values
 * for one change, or when a scenario's rule set is refused (the message
 * then also says why, as dp_rules_load_set does).  The caller frees with
 * dp_scenarios_free. */
struct dp_scenarios *dp_scenarios_load(const char *path, const char *rules_path, const struct dp_rule_set *base,
				       size_t nbase, struct dp_buf *err);
void dp_scenarios_free(struct dp_scenarios *s);

#endif
