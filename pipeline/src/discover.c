/* The input files of a run found, and every other path under an input
 * accounted for (discover.h). */
#include "deptperf/discover.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "deptperf/status.h"

bool dp_is_csv_name(const char *name)
{
	size_t n = strlen(name);
	return (n > 4 && strcasecmp(name + n - 4, ".csv") == 0) ||
	       (n > 7 && strcasecmp(name + n - 7, ".csv.gz") == 0);
}

static struct dp_found *add(struct dp_found_list *out, const char *path)
{
	DP_GROW(out->v, out->n, out->cap);
	const char *base = strrchr(path, '/');
	struct dp_found *f = &out->v[out->n++];
	memset(f, 0, sizeof *f);
	f->path = dp_xstrdup(path);
	f->csv = dp_is_csv_name(base ? base + 1 : path);
	return f;
}

/* A file mode as readdir's d_type names it (DT_FIFO for any kind not read). */
static unsigned char type_of(mode_t m)
{
	return S_ISDIR(m) ? DT_DIR : S_ISREG(m) ? DT_REG : S_ISLNK(m) ? DT_LNK : DT_FIFO;
}

static int walk(const char *dir, dp_walk_fn fn, void *ctx, bool tolerant, struct dp_buf *err)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (tolerant)
			return fn(ctx, dir, DT_UNKNOWN, errno);
		dp_buf_addf(err, "%s: cannot read folder: %s", dir, strerror(errno));
		return DP_IOERR;
	}
	int rc = DP_OK;
	struct dirent *e;
	errno = 0;
	while (rc == DP_OK && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		struct dp_buf p = DP_BUF_INIT;
		size_t dl = strlen(dir);
		dp_buf_add(&p, dir, dl);
		if (dl && dir[dl - 1] != '/')
			dp_buf_addc(&p, '/');
		dp_buf_adds(&p, e->d_name);
		/* the entry's type as the folder gives it (ext4, xfs, tmpfs do):
		 * an lstat per file was most of a walk of 100 000 forms (0.4 s) */
		unsigned char type = e->d_type;
		struct stat st;
		if (type == DT_UNKNOWN && lstat(p.s, &st) == 0)
			type = type_of(st.st_mode);
		if (type == DT_UNKNOWN) {
			if (tolerant) {
				rc = fn(ctx, p.s, DT_UNKNOWN, errno);
			} else {
				dp_buf_addf(err, "%s: cannot stat: %s", p.s, strerror(errno));
				rc = DP_IOERR;
			}
		} else if (type == DT_DIR) {
			rc = walk(p.s, fn, ctx, tolerant, err);
		} else {
			rc = fn(ctx, p.s, type, 0);
		}
		dp_buf_free(&p);
		errno = 0;
	}
	if (rc == DP_OK && errno) {
		if (tolerant) {
			rc = fn(ctx, dir, DT_UNKNOWN, errno);
		} else {
			dp_buf_addf(err, "%s: cannot read folder: %s", dir, strerror(errno));
			rc = DP_IOERR;
		}
	}
	closedir(d);
	return rc == DP_OK ? fn(ctx, dir, DT_DIR, 0) : rc;
}

int dp_walk(const char *dir, dp_walk_fn fn, void *ctx, struct dp_buf *err)
{
	return walk(dir, fn, ctx, false, err);
}

int dp_walk_tolerant(const char *dir, dp_walk_fn fn, void *ctx, struct dp_buf *err)
{
	return walk(dir, fn, ctx, true, err);
}

/* What an entry of kind m is (not a regular file, not a folder), for the
 * finding that says it was not read. */
static const char *not_read(mode_t m, bool linked)
{
	if (S_ISFIFO(m))
		return linked ? "指向命名管道（FIFO）的链接" : "命名管道（FIFO）";
	if (S_ISSOCK(m))
		return linked ? "指向套接字的链接" : "套接字（socket）";
	if (S_ISCHR(m) || S_ISBLK(m))
		return linked ? "指向设备的链接" : "设备文件";
	if (S_ISDIR(m))
		return "指向文件夹的链接（不跟随；要读其中的文件，请把该文件夹直接作为 --input 给出）";
	return "不是普通文件";
}

/* Every entry under a folder: a regular file or a link to one is read; a
 * folder is walked (a link to one is not followed, so no loop can be
 * walked); anything else is listed with why (SPEC §2.1). */
static int found(void *ctx, const char *path, unsigned char type, int error)
{
	struct dp_found_list *out = ctx;
	if (type == DT_DIR)
		return DP_OK;
	if (type == DT_UNKNOWN) {
		add(out, path)->unreadable = dp_xstrdup(strerror(error));
		return DP_OK;
	}
	if (type == DT_REG) {
		add(out, path);
		return DP_OK;
	}
	struct stat t;
	if (type != DT_LNK) {
		if (lstat(path, &t) != 0) /* gone since the folder was read */
			add(out, path)->unreadable = dp_xstrdup(strerror(errno));
		else
			add(out, path)->skip = not_read(t.st_mode, false);
		return DP_OK;
	}
	if (stat(path, &t) == 0) {
		struct dp_found *f = add(out, path);
		if (!S_ISREG(t.st_mode))
			f->skip = not_read(t.st_mode, true);
	} else if (errno == ENOENT) {
		add(out, path)->skip = "悬空链接（指向的文件不存在）";
	} else if (errno == ELOOP) {
		add(out, path)->skip = "链接循环（链接最终指向自身）";
	} else {
		add(out, path)->unreadable = dp_xstrdup(strerror(errno));
	}
	return DP_OK;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(((const struct dp_found *)a)->path, ((const struct dp_found *)b)->path);
}

int dp_discover(const char *const *paths, size_t n, struct dp_found_list *out, struct dp_buf *err)
{
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(paths[i], &st) != 0) {
			dp_buf_addf(err, "%s: %s", paths[i], strerror(errno));
			return errno == ENOENT || errno == ENOTDIR ? DP_NOINPUT : DP_IOERR;
		}
		/* a path given is followed (stat), a link to a folder too: it was
		 * named on purpose */
		int rc = DP_OK;
		if (S_ISDIR(st.st_mode))
			rc = dp_walk_tolerant(paths[i], found, out, err);
		else if (S_ISREG(st.st_mode))
			add(out, paths[i]);
		else
			add(out, paths[i])->skip = not_read(st.st_mode, false);
		if (rc != DP_OK)
			return rc;
	}
	dp_qsort(out->v, out->n, sizeof *out->v, cmp);
	/* the same file named twice (an --input inside another) is read once */
	size_t k = 0;
	for (size_t i = 0; i < out->n; i++) {
		if (k && strcmp(out->v[k - 1].path, out->v[i].path) == 0) {
			free(out->v[i].path);
			free(out->v[i].unreadable);
			continue;
		}
		out->v[k++] = out->v[i];
	}
	out->n = k;
	return DP_OK;
}

void dp_found_list_free(struct dp_found_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].unreadable);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}
