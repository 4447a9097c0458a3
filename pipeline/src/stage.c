/* What every stage shares of its options (stage.h): the rule set it loads.
 * Here, not in a stage's file, so that no stage reaches into another's. */
#include <stdlib.h>

#include "deptperf/rules.h"
#include "deptperf/stage.h"

struct dp_rules *dp_stage_load_rules(const struct dp_stage_opts *o, struct dp_buf *err)
{
	char *def = o->rules ? NULL : dp_rules_default_path();
	struct dp_rules *r = dp_rules_load(o->rules ? o->rules : def, err);
	free(def);
	return r;
}
