#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "deptperf/stage.h"

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

bool dp_copy_file(const char *from, const char *to, struct dp_buf *err)
{
	FILE *in = fopen(from, "rb");
	if (!in) {
		dp_buf_addf(err, "%s: cannot read: %s", from, strerror(errno));
		return false;
	}
	struct dp_buf tmp = DP_BUF_INIT;
	dp_buf_addf(&tmp, "%s.tmp", to);
	FILE *out = fopen(tmp.s, "wb");
	bool ok = out != NULL;
	char buf[65536];
	size_t n;
	while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
		ok = fwrite(buf, 1, n, out) == n;
	ok = ok && !ferror(in);
	if (out && fclose(out) != 0)
		ok = false;
	fclose(in);
	if (ok && rename(tmp.s, to) != 0)
		ok = false;
	if (!ok) {
		dp_buf_addf(err, "%s: cannot write: %s", to, strerror(errno));
		unlink(tmp.s);
	}
	dp_buf_free(&tmp);
	return ok;
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
