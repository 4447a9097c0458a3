/* The output folder's runs: ids, publishing, keeping, cleaning (runs.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "deptperf/runs.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"

bool dp_rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) == 0;
	DIR *d = opendir(path);
	if (!d)
		return false;
	bool ok = true;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = dp_path_join(path, e->d_name);
		ok = dp_rm_rf(p) && ok;
		free(p);
	}
	closedir(d);
	return rmdir(path) == 0 && ok;
}

static bool sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = fsync(fd) == 0;
	close(fd);
	return ok;
}

bool dp_run_id_ok(const char *id)
{
	size_t n = strlen(id);
	if (!n || n > 64 || id[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
		      c == '_' || c == '.'))
			return false;
	}
	return true;
}

int dp_runs_publish(const char *out, const char *pub, const char *id, struct dp_buf *err)
{
	char *runs = dp_path_join(out, "runs");
	char *final = dp_path_join(runs, id);
	int rc = DP_OK;
	if (rename(pub, final) != 0 || !sync_dir(runs)) {
		dp_buf_addf(err, "%s: cannot publish: %s", final, strerror(errno));
		free(runs);
		free(final);
		return DP_CANTCREATE;
	}
	struct dp_buf target = DP_BUF_INIT;
	dp_buf_addf(&target, "runs/%s", id);
	char *ltmp = dp_path_join(out, ".latest.tmp"), *latest = dp_path_join(out, "latest");
	unlink(ltmp);
	bool swapped = symlink(target.s, ltmp) == 0 && rename(ltmp, latest) == 0;
	if (!swapped) {
		int e = errno;
		unlink(ltmp);
		/* a run latest does not point at was not published: removed, so
		 * that nobody takes it for one and --keep counts published runs */
		dp_rm_rf(final);
		sync_dir(runs);
		dp_buf_addf(err, "%s: cannot point latest at %s (%s); the run was removed", out, target.s, strerror(e));
		rc = DP_CANTCREATE;
	} else if (!sync_dir(out)) {
		dp_buf_addf(err, "%s: latest points at %s, but the folder could not be flushed to disk: %s", out, target.s,
			    strerror(errno));
		rc = DP_CANTCREATE;
	}
	free(ltmp);
	free(latest);
	free(runs);
	free(final);
	dp_buf_free(&target);
	return rc;
}

struct run_dir {
	char *name;
	time_t mtime;
};

static int run_dir_cmp(const void *p, const void *q)
{
	const struct run_dir *x = p, *y = q;
	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->name, y->name);
}

void dp_runs_prune(const char *runs, int keep, const char *current)
{
	DIR *d = opendir(runs);
	if (!d)
		return;
	struct run_dir *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = dp_path_join(runs, e->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			DP_GROW(v, n, cap);
			v[n].name = dp_xstrdup(e->d_name);
			v[n].mtime = st.st_mtime;
			n++;
		}
		free(p);
	}
	closedir(d);
	dp_qsort(v, n, sizeof *v, run_dir_cmp);
	for (size_t i = 0; i < n; i++) {
		if (n - i > (size_t)keep && strcmp(v[i].name, current) != 0) {
			char *p = dp_path_join(runs, v[i].name);
			dp_rm_rf(p);
			free(p);
		}
		free(v[i].name);
	}
	free(v);
}

void dp_runs_clean_stale(const char *out)
{
	DIR *d = opendir(out);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, ".tmp-", 5) == 0 || strcmp(e->d_name, ".latest.tmp") == 0) {
			char *p = dp_path_join(out, e->d_name);
			dp_rm_rf(p);
			free(p);
		}
	}
	closedir(d);
}
