/* What every stage shares of its options (stage.h): the rule set it loads.
 * Here, not in a stage's file, so that no stage reaches into another's. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "deptperf/rules.h"
#include "deptperf/scenario.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"

/* The --set options parsed into sets[0..*n) (a heap array the caller
 * frees with free_sets); false with err when one is malformed. */
static bool parse_sets(const struct dp_stage_opts *o, struct dp_rule_set **sets, size_t *n, struct dp_buf *err)
{
	*sets = dp_xcalloc(o->nsets + 1, sizeof **sets);
	for (*n = 0; *n < o->nsets; (*n)++)
		if (!dp_rule_set_parse(o->sets[*n], &(*sets)[*n], err))
			return false;
	return true;
}

static void free_sets(struct dp_rule_set *sets, size_t n)
{
	for (size_t k = 0; k < n; k++)
		dp_rule_set_free(&sets[k]);
	free(sets);
}

struct dp_rules *dp_stage_load_rules(const struct dp_stage_opts *o, int *rc, struct dp_buf *err)
{
	*rc = DP_USAGE;
	struct dp_rule_set *sets;
	size_t n;
	struct dp_rules *r = NULL;
	if (parse_sets(o, &sets, &n, err)) {
		char *def = o->rules ? NULL : dp_rules_default_path();
		bool by_set;
		r = dp_rules_load_set(o->rules ? o->rules : def, sets, n, &by_set, err);
		*rc = r ? DP_OK : by_set ? DP_USAGE : DP_BADCONFIG;
		free(def);
	}
	free_sets(sets, n);
	return r;
}

struct dp_scenarios *dp_stage_load_scenarios(const struct dp_stage_opts *o, struct dp_buf *err)
{
	struct dp_rule_set *sets;
	size_t n;
	struct dp_scenarios *s = NULL;
	if (parse_sets(o, &sets, &n, err)) {
		char *def = o->rules ? NULL : dp_rules_default_path();
		s = dp_scenarios_load(o->scenarios, o->rules ? o->rules : def, sets, n, err);
		free(def);
	}
	free_sets(sets, n);
	return s;
}

