/* What every stage shares of its options (stage.h): the rule set it loads.
 * Here, not in a stage's file, so that no stage reaches into another's. */
#include <stdlib.h>

#include "deptperf/rules.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"

struct dp_rules *dp_stage_load_rules(const struct dp_stage_opts *o, int *rc, struct dp_buf *err)
{
	*rc = DP_BADCONFIG;
	struct dp_rule_set *sets = dp_xcalloc(o->nsets + 1, sizeof *sets);
	size_t n = 0;
	for (; n < o->nsets; n++) {
		if (!dp_rule_set_parse(o->sets[n], &sets[n], err)) {
			*rc = DP_USAGE;
			break;
		}
	}
	struct dp_rules *r = NULL;
	if (n == o->nsets) {
		char *def = o->rules ? NULL : dp_rules_default_path();
		bool by_set;
		r = dp_rules_load_set(o->rules ? o->rules : def, sets, n, &by_set, err);
		if (!r && by_set)
			*rc = DP_USAGE;
		free(def);
	}
	for (size_t k = 0; k < n; k++)
		dp_rule_set_free(&sets[k]);
	free(sets);
	if (r)
		*rc = DP_OK;
	return r;
}
