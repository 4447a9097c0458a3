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

static void add(struct dp_found_list *out, const char *path)
{
	DP_GROW(out->v, out->n, out->cap);
	const char *base = strrchr(path, '/');
	out->v[out->n].path = dp_xstrdup(path);
	out->v[out->n].csv = dp_is_csv_name(base ? base + 1 : path);
	out->n++;
}

/* A file mode as readdir's d_type names it (DT_FIFO for any kind not read). */
static unsigned char type_of(mode_t m)
{
	return S_ISDIR(m) ? DT_DIR : S_ISREG(m) ? DT_REG : S_ISLNK(m) ? DT_LNK : DT_FIFO;
}

int dp_walk(const char *dir, dp_walk_fn fn, void *ctx, struct dp_buf *err)
{
	DIR *d = opendir(dir);
	if (!d) {
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
			dp_buf_addf(err, "%s: cannot stat: %s", p.s, strerror(errno));
			rc = DP_IOERR;
		} else if (type == DT_DIR) {
			rc = dp_walk(p.s, fn, ctx, err);
		} else {
			rc = fn(ctx, p.s, type);
		}
		dp_buf_free(&p);
		errno = 0;
	}
	if (rc == DP_OK && errno) {
		dp_buf_addf(err, "%s: cannot read folder: %s", dir, strerror(errno));
		rc = DP_IOERR;
	}
	closedir(d);
	return rc == DP_OK ? fn(ctx, dir, DT_DIR) : rc;
}

/* A regular file found, or a link to one (a link to a folder is not
 * followed). */
static int found(void *ctx, const char *path, unsigned char type)
{
	struct dp_found_list *out = ctx;
	struct stat t;
	if (type == DT_REG || (type == DT_LNK && stat(path, &t) == 0 && S_ISREG(t.st_mode)))
		add(out, path);
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
		int rc = DP_OK;
		if (S_ISDIR(st.st_mode))
			rc = dp_walk(paths[i], found, out, err);
		else
			add(out, paths[i]);
		if (rc != DP_OK)
			return rc;
	}
	dp_qsort(out->v, out->n, sizeof *out->v, cmp);
	/* the same file named twice (an --input inside another) is read once */
	size_t k = 0;
	for (size_t i = 0; i < out->n; i++) {
		if (k && strcmp(out->v[k - 1].path, out->v[i].path) == 0) {
			free(out->v[i].path);
			continue;
		}
		out->v[k++] = out->v[i];
	}
	out->n = k;
	return DP_OK;
}

void dp_found_list_free(struct dp_found_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	memset(l, 0, sizeof *l);
}
