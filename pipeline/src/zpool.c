/* Blocks compressed into gzip members by background threads (zpool.h). */
#include "deptperf/zpool.h"

#include <libdeflate.h>
#include <omp.h>
#include <pthread.h>

/* One queue of jobs, first in first out, under one mutex: a worker takes the
 * oldest job, compresses it without the lock, and marks it done under the
 * lock.  Jobs are blocks of half a megabyte, so the lock is taken a few
 * thousand times a second at most. */

#define MAX_WORKERS 64
#define NLEVELS 10

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER; /* a job was queued, or stop */
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER; /* a job is done */
static struct dp_zjob *head, *tail;
static pthread_t workers[MAX_WORKERS];
static int nworkers;
static bool stopping;

/* compressors of the thread that compresses in place (no workers) */
static _Thread_local struct libdeflate_compressor *own[NLEVELS];

/* One gzip member of src into dst (replacing its contents) with the
 * compressor *comp, allocated at level on first use.  libdeflate compresses
 * a whole buffer about twice as fast as zlib at the same level; its gzip
 * header has mtime 0 and no name.  Returns false only when it fails. */
static bool gzip_member(struct libdeflate_compressor **comp, int level, const struct dp_buf *src,
			struct dp_buf *dst)
{
	if (!*comp && !(*comp = libdeflate_alloc_compressor(level)))
		return false;
	size_t bound = libdeflate_gzip_compress_bound(*comp, src->len);
	dp_buf_reset(dst);
	dp_buf_grow(dst, bound);
	dst->len = libdeflate_gzip_compress(*comp, src->s ? src->s : "", src->len, dst->s, bound);
	return dst->len > 0;
}

static int clamp_level(int level)
{
	return level < 0 ? 0 : level >= NLEVELS ? NLEVELS - 1 : level;
}

static void *worker(void *arg)
{
	(void)arg;
	struct libdeflate_compressor *comp[NLEVELS] = { 0 };
	pthread_mutex_lock(&mu);
	for (;;) {
		while (!head && !stopping)
			pthread_cond_wait(&work_cv, &mu);
		if (!head)
			break;
		struct dp_zjob *j = head;
		head = j->next;
		if (!head)
			tail = NULL;
		pthread_mutex_unlock(&mu);
		bool ok = gzip_member(&comp[j->level], j->level, j->src, j->dst);
		pthread_mutex_lock(&mu);
		j->ok = ok;
		j->done = true;
		pthread_cond_broadcast(&done_cv);
	}
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < NLEVELS; i++)
		libdeflate_free_compressor(comp[i]);
	return NULL;
}

/* Starts the workers if there are none; called with mu held. */
static void start_workers(int want)
{
	if (want > MAX_WORKERS)
		want = MAX_WORKERS;
	stopping = false;
	while (nworkers < want && pthread_create(&workers[nworkers], NULL, worker, NULL) == 0)
		nworkers++;
}

void dp_zjob_submit(struct dp_zjob *j)
{
	j->level = clamp_level(j->level);
	j->done = false;
	j->ok = false;
	j->next = NULL;
	int want = omp_get_max_threads();
	pthread_mutex_lock(&mu);
	if (want > 1 && !nworkers)
		start_workers(want);
	if (!nworkers) {
		pthread_mutex_unlock(&mu);
		j->ok = gzip_member(&own[j->level], j->level, j->src, j->dst);
		j->done = true;
		return;
	}
	if (tail)
		tail->next = j;
	else
		head = j;
	tail = j;
	pthread_cond_signal(&work_cv);
	pthread_mutex_unlock(&mu);
}

bool dp_zjob_wait(struct dp_zjob *j)
{
	pthread_mutex_lock(&mu);
	while (!j->done)
		pthread_cond_wait(&done_cv, &mu);
	bool ok = j->ok;
	pthread_mutex_unlock(&mu);
	return ok;
}

bool dp_zjob_done(struct dp_zjob *j)
{
	pthread_mutex_lock(&mu);
	bool d = j->done;
	pthread_mutex_unlock(&mu);
	return d;
}

void dp_zpool_stop(void)
{
	pthread_mutex_lock(&mu);
	stopping = true;
	pthread_cond_broadcast(&work_cv);
	int n = nworkers;
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < n; i++)
		pthread_join(workers[i], NULL);
	pthread_mutex_lock(&mu);
	nworkers = 0;
	stopping = false;
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < NLEVELS; i++) {
		libdeflate_free_compressor(own[i]);
		own[i] = NULL;
	}
}
