/* dp-bench-scoring: the scoring of dp-score alone, for scripts/bench.
 *
 *   dp-bench-scoring --work DIR [--rules FILE] [--threads N] [--runs N]
 *
 * Loads a validated work folder (after dp-validate) exactly as dp-score
 * does, then times only the parallel scoring loop (dp-score's own code,
 * without reading, formatting or compressing), with 1 to N threads (default:
 * the cores available), --runs times each (default 3), and prints the median
 * per thread count with the speed-up over one thread.  It stops with exit
 * status 74 when the results of two thread counts differ.  dp-score's own
 * "scoring" time cannot show the speed-up: its compression threads deflate
 * the previous blocks on the same cores meanwhile.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "deptperf/buf.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"

int main(int argc, char **argv)
{
	struct dp_stage_opts o = { .gzip_level = 6 };
	int runs = 3;
	static const struct option longs[] = { { "work", required_argument, NULL, 'w' },
					       { "rules", required_argument, NULL, 'r' },
					       { "threads", required_argument, NULL, 't' },
					       { "runs", required_argument, NULL, 'n' },
					       { NULL, 0, NULL, 0 } };
	int c;
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'w': o.work = optarg; break;
		case 'r': o.rules = optarg; break;
		case 't': o.threads = atoi(optarg); break;
		case 'n': runs = atoi(optarg); break;
		default: o.work = NULL; optind = argc; break;
		}
	}
	if (!o.work || runs < 1 || o.threads < 0 || optind != argc) {
		fputs("usage: dp-bench-scoring --work DIR [--rules FILE] [--threads N] [--runs N]\n", stderr);
		return DP_USAGE;
	}
	struct dp_buf out = DP_BUF_INIT, err = DP_BUF_INIT;
	int rc = dp_score_bench(&o, runs, &out, &err);
	fputs(dp_buf_str(&out), stdout);
	if (rc != DP_OK)
		fprintf(stderr, "dp-bench-scoring: %s\n", dp_buf_str(&err));
	dp_buf_free(&out);
	dp_buf_free(&err);
	return rc;
}
