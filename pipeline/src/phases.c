/* A stage's phase times for its report line (stage.h, DP_PHASES). */
#include <stdlib.h>
#include <time.h>

#include "deptperf/stage.h"

static double clock_s(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void dp_phases_start(struct dp_phases *p)
{
	const char *e = getenv("DP_PHASES");
	*p = (struct dp_phases){ e && *e && *e != '0', 0, 0, DP_BUF_INIT };
	if (p->on) {
		p->start = clock_s(CLOCK_MONOTONIC);
		p->cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	}
}

void dp_phase_end(struct dp_phases *p, const char *name)
{
	if (p->on)
		dp_buf_addf(&p->text, "%s%s %.3f/%.3f", p->text.len ? ", " : "", name, clock_s(CLOCK_MONOTONIC) - p->start,
			    clock_s(CLOCK_PROCESS_CPUTIME_ID) - p->cpu);
}

void dp_phases_report(struct dp_phases *p, struct dp_stage_report *rep)
{
	if (p->text.len)
		dp_buf_addf(&rep->line, "; phases (s, wall/CPU): %s", p->text.s);
	dp_buf_free(&p->text);
}
