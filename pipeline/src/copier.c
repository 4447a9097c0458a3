/* The quarantine's copies, made by a thread of their own (copier.h). */
#include "deptperf/copier.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/stage.h"

struct job {
	char *from, *to;
	char want[65]; /* "" for any bytes */
};

struct dp_copier {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *q;      /* queued, taken from next */
	size_t n, cap, next;
	bool closed;        /* nothing more will be added */
	bool failed;
	struct dp_buf err;  /* the first failure */
};

static void *run(void *arg)
{
	struct dp_copier *c = arg;
	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (c->next == c->n && !c->closed)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->next == c->n)
			break;
		struct job j = c->q[c->next++];
		bool skip = c->failed;
		pthread_mutex_unlock(&c->mu);
		struct dp_buf e = DP_BUF_INIT;
		bool ok = skip || dp_copy_file_as_read(j.from, j.to, j.want[0] ? j.want : NULL, &e);
		pthread_mutex_lock(&c->mu);
		if (!ok && !c->failed) {
			c->failed = true;
			dp_buf_add(&c->err, e.s ? e.s : "", e.len);
		}
		dp_buf_free(&e);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

struct dp_copier *dp_copier_start(struct dp_buf *err)
{
	struct dp_copier *c = dp_xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	int e = pthread_create(&c->th, NULL, run, c);
	if (e) {
		dp_buf_addf(err, "cannot start a thread: %s", strerror(e));
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
		free(c);
		return NULL;
	}
	return c;
}

void dp_copier_add(struct dp_copier *c, const char *from, const char *to, const char *want)
{
	struct job j = { dp_xstrdup(from), dp_xstrdup(to), "" };
	if (want)
		snprintf(j.want, sizeof j.want, "%s", want);
	pthread_mutex_lock(&c->mu);
	DP_GROW(c->q, c->n, c->cap);
	c->q[c->n++] = j;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

bool dp_copier_finish(struct dp_copier *c, struct dp_buf *err)
{
	pthread_mutex_lock(&c->mu);
	c->closed = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->th, NULL);
	bool ok = !c->failed;
	if (!ok)
		dp_buf_add(err, c->err.s, c->err.len);
	for (size_t i = 0; i < c->n; i++) {
		free(c->q[i].from);
		free(c->q[i].to);
	}
	free(c->q);
	dp_buf_free(&c->err);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
	return ok;
}
