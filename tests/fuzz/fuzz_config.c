/* libFuzzer harness: the configuration files (SPEC §5.1, §7): the first
 * byte chooses a rule set, a roster, an adjust file or a scenarios file
 * (against the default rule set); the rest is the file.  Each is loaded or
 * refused with a message, never more. */
#include "deptperf/adjust.h"
#include "deptperf/roster.h"
#include "deptperf/rules.h"
#include "deptperf/scenario.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char path[32];
	int fd = fuzz_file(data + 1, size - 1, path);
	if (fd < 0)
		return 0;
	struct dp_buf err = DP_BUF_INIT;
	switch (data[0] % 4) {
	case 0:
		dp_rules_free(dp_rules_load(path, &err));
		break;
	case 1:
		dp_roster_free(dp_roster_load(path, &err));
		break;
	case 3: {
		char *def = dp_rules_default_path();
		dp_scenarios_free(dp_scenarios_load(path, def, NULL, 0, &err));
		free(def);
		break;
	}
	default: {
		static struct dp_rules *rules;
		if (!rules) {
			char *def = dp_rules_default_path();
			rules = dp_rules_load(def, &err);
			free(def);
			if (!rules)
				abort();
		}
		dp_adjust_free(dp_adjust_load(path, rules, &err));
		break;
	}
	}
	dp_buf_free(&err);
	close(fd);
	return 0;
}
