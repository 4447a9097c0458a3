/* The progress line (progress.h). */
#include "deptperf/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void dp_progress_start(struct dp_progress *p, dp_progress_fn show, const char *stage, const char *unit,
		       uint64_t total)
{
	p->show = show;
	p->stage = stage;
	p->unit = unit;
	p->total = total;
	p->done = 0;
	p->start = p->last = now();
	p->shown = false;
	/* the tests draw every step (0); a person needs no more than four a second */
	const char *ms = getenv("DP_PROGRESS_INTERVAL_MS");
	p->interval = ms && *ms ? atof(ms) / 1000.0 : 0.25;
	pthread_mutex_init(&p->lock, NULL);
}

/* "12 345 678" */
static void grouped(char *out, size_t cap, uint64_t v)
{
	char digits[32];
	int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
	size_t k = 0;
	for (int i = 0; i < n && k + 2 < cap; i++) {
		if (i && (n - i) % 3 == 0)
			out[k++] = ' ';
		out[k++] = digits[i];
	}
	out[k] = '\0';
}

static void draw(struct dp_progress *p, uint64_t done, double t)
{
	char line[256], d[32], tot[32], r[32];
	double secs = t - p->start, rate = secs > 0 ? (double)done / secs : 0;
	grouped(d, sizeof d, done);
	grouped(r, sizeof r, (uint64_t)(rate + 0.5));
	if (p->total) {
		grouped(tot, sizeof tot, p->total);
		int n = snprintf(line, sizeof line, "%s: %s of %s %s, %s/s", p->stage, d, tot, p->unit, r);
		if (rate > 0 && done < p->total && n > 0 && (size_t)n < sizeof line)
			snprintf(line + n, sizeof line - (size_t)n, ", about %.0f s left",
				 (double)(p->total - done) / rate + 0.5);
	} else {
		snprintf(line, sizeof line, "%s: %s %s, %s/s", p->stage, d, p->unit, r);
	}
	p->show(line);
	p->shown = true;
	p->drawn = done;
}

void dp_progress_add(struct dp_progress *p, uint64_t n)
{
	if (!p->show)
		return;
	uint64_t done = __atomic_add_fetch(&p->done, n, __ATOMIC_RELAXED);
	double t = now(), last;
	__atomic_load(&p->last, &last, __ATOMIC_RELAXED);
	if (t - last < p->interval)
		return;
	if (pthread_mutex_trylock(&p->lock) != 0)
		return; /* another thread is drawing */
	if (t - p->last >= p->interval) {
		__atomic_store(&p->last, &t, __ATOMIC_RELAXED);
		draw(p, done, t);
	}
	pthread_mutex_unlock(&p->lock);
}

void dp_progress_end(struct dp_progress *p)
{
	if (!p->show)
		return;
	if (p->shown && p->drawn != p->done)
		draw(p, p->done, now()); /* the last step, which a thread drawing may have skipped */
	if (p->shown)
		p->show(NULL);
	pthread_mutex_destroy(&p->lock);
	p->show = NULL;
}
