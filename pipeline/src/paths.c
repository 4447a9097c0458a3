/* Files and folders for every stage: joins, copies, atomic writes, fsync,
 * SHA-256 and CRC-32 of files (stage.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "deptperf/discover.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"

#ifndef DP_VERSION
#define DP_VERSION "0.0.0"
#endif

char *dp_path_join(const char *dir, const char *name)
{
	struct dp_buf b = DP_BUF_INIT;
	size_t n = strlen(dir);
	dp_buf_add(&b, dir, n);
	if (n && dir[n - 1] != '/')
		dp_buf_addc(&b, '/');
	dp_buf_adds(&b, name);
	return dp_buf_detach(&b);
}

bool dp_mkdirs(const char *dir, struct dp_buf *err)
{
	char *p = dp_xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			dp_buf_addf(err, "%s: cannot create folder: %s", p, strerror(errno));
			free(p);
			return false;
		}
		*s = '/';
	}
	bool ok = mkdir(p, 0755) == 0 || errno == EEXIST;
	if (!ok)
		dp_buf_addf(err, "%s: cannot create folder: %s", p, strerror(errno));
	struct stat st;
	if (ok && (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))) {
		dp_buf_addf(err, "%s: not a folder", p);
		ok = false;
	}
	free(p);
	return ok;
}

const char *dp_version(void)
{
	return DP_VERSION;
}

void dp_sha256_hex(struct sha256_ctx *ctx, char hex[65])
{
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_digest(ctx, sizeof d, d);
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof d; i++) {
		hex[2 * i] = hx[d[i] >> 4];
		hex[2 * i + 1] = hx[d[i] & 15];
	}
	hex[64] = '\0';
}

/* Reads in to its end, hashing what it reads into sha and writing it to
 * out, each when not NULL; false when a write failed.  *total gets the
 * bytes read. */
static bool pass_through(FILE *in, FILE *out, struct sha256_ctx *sha, uint64_t *total)
{
	char buf[65536];
	size_t n;
	bool ok = true;
	*total = 0;
	while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0) {
		if (sha)
			sha256_update(sha, n, (const uint8_t *)buf);
		if (out)
			ok = fwrite(buf, 1, n, out) == n;
		*total += n;
	}
	return ok;
}

bool dp_sha256_file(const char *path, char hex[65])
{
	FILE *in = fopen(path, "rb");
	if (!in)
		return false;
	struct sha256_ctx sha;
	sha256_init(&sha);
	uint64_t total;
	pass_through(in, NULL, &sha, &total);
	bool ok = !ferror(in);
	fclose(in);
	dp_sha256_hex(&sha, hex);
	return ok;
}

/* dp_copy_file_checked, and with gone_ok a source that cannot be opened
 * is not the bytes wanted either (*same false, true returned). */
static bool copy_file(const char *from, const char *to, const char *want, bool *same, uint64_t *bytes, bool gone_ok,
		      struct dp_buf *err)
{
	FILE *in = fopen(from, "rb");
	if (!in && gone_ok) {
		/* gone or unreadable: not the bytes wanted, and nothing copied */
		if (same)
			*same = false;
		if (bytes)
			*bytes = 0;
		return true;
	}
	if (!in) {
		dp_buf_addf(err, "%s: cannot read: %s", from, strerror(errno));
		return false;
	}
	struct dp_buf tmp = DP_BUF_INIT;
	dp_buf_addf(&tmp, "%s.tmp", to);
	FILE *out = fopen(tmp.s, "wb");
	bool ok = out != NULL;
	struct sha256_ctx sha;
	sha256_init(&sha);
	uint64_t total = 0;
	ok = ok && pass_through(in, out, want ? &sha : NULL, &total);
	bool read_ok = !ferror(in);
	ok = ok && read_ok;
	if (out && fclose(out) != 0)
		ok = false;
	fclose(in);
	bool match = true;
	if (ok && want) {
		char got[65];
		dp_sha256_hex(&sha, got);
		match = strcmp(got, want) == 0;
	}
	if (same)
		*same = match;
	if (bytes)
		*bytes = total;
	if (ok && match && rename(tmp.s, to) != 0)
		ok = false;
	if (!ok)
		dp_buf_addf(err, "%s: cannot %s: %s", read_ok ? to : from, read_ok ? "write" : "read", strerror(errno));
	if (!ok || !match)
		unlink(tmp.s);
	dp_buf_free(&tmp);
	return ok;
}

bool dp_write_file(const char *path, const void *p, size_t n, bool sync, struct dp_buf *err)
{
	struct dp_buf tmp = DP_BUF_INIT;
	dp_buf_addf(&tmp, "%s.tmp", path);
	FILE *f = fopen(tmp.s, "wb");
	bool ok = f && fwrite(p, 1, n, f) == n;
	if (f && sync && (fflush(f) != 0 || fsync(fileno(f)) != 0))
		ok = false;
	if (f && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp.s, path) != 0)
		ok = false;
	if (!ok) {
		dp_buf_addf(err, "%s: cannot write: %s", path, strerror(errno));
		unlink(tmp.s);
	}
	dp_buf_free(&tmp);
	return ok;
}

bool dp_copy_file_checked(const char *from, const char *to, const char *want, bool *same, uint64_t *bytes,
			  struct dp_buf *err)
{
	return copy_file(from, to, want, same, bytes, false, err);
}

bool dp_copy_file_as_read(const char *from, const char *to, const char *want, struct dp_buf *err)
{
	return copy_file(from, to, want, NULL, NULL, want != NULL, err);
}

bool dp_copy_file(const char *from, const char *to, struct dp_buf *err)
{
	return copy_file(from, to, NULL, NULL, NULL, false, err);
}

int dp_write_full(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The files and folders of a tree, found by dp_walk and synced by
 * dp_sync_tree's waiters, each taking the next path. */
struct sync_list {
	char **path;
	size_t n, cap;
	atomic_size_t next;
	pthread_mutex_t mu;
	int err;        /* the first failure's errno, 0 when none */
	const char *at; /* and its path */
};

/* A file or folder to flush (a link holds no data of its own; a run folder
 * has none) */
static int sync_add(void *ctx, const char *path, unsigned char type, int error)
{
	(void)error; /* dp_walk, not tolerant: never set */
	struct sync_list *l = ctx;
	if (type == DT_REG || type == DT_DIR) {
		DP_GROW(l->path, l->n, l->cap);
		l->path[l->n++] = dp_xstrdup(path);
	}
	return DP_OK;
}

static void *sync_waiter(void *arg)
{
	struct sync_list *l = arg;
	for (size_t i; (i = atomic_fetch_add(&l->next, 1)) < l->n;) {
		int fd = open(l->path[i], O_RDONLY | O_CLOEXEC);
		int e = fd < 0 || fsync(fd) != 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		if (e) {
			pthread_mutex_lock(&l->mu);
			if (!l->err) {
				l->err = e;
				l->at = l->path[i];
			}
			pthread_mutex_unlock(&l->mu);
		}
	}
	return NULL;
}

bool dp_sync_tree(const char *path, int waiters, struct dp_buf *err)
{
	struct sync_list l;
	memset(&l, 0, sizeof l);
	atomic_init(&l.next, 0);
	pthread_mutex_init(&l.mu, NULL);
	/* (the walk gives each folder after its entries) */
	bool ok = dp_walk(path, sync_add, &l, err) == DP_OK;
	if (ok) {
		size_t nw = waiters < 1 ? 1 : (size_t)waiters;
		if (nw > l.n)
			nw = l.n;
		pthread_t *th = dp_xcalloc(nw, sizeof *th);
		size_t started = 1; /* this thread is the first waiter */
		while (started < nw && pthread_create(&th[started], NULL, sync_waiter, &l) == 0)
			started++;
		sync_waiter(&l);
		for (size_t i = 1; i < started; i++)
			pthread_join(th[i], NULL);
		free(th);
		ok = l.err == 0;
		if (!ok)
			dp_buf_addf(err, "%s: cannot flush it to disk: %s", l.at, strerror(l.err));
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.path[i]);
	free(l.path);
	pthread_mutex_destroy(&l.mu);
	return ok;
}
