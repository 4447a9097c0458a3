/* Work tables published as they were written, when their gzip level is the
 * run's (asis.h). */
#include "deptperf/asis.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deptperf/stage.h"

static char *info_path(const char *work, const char *name)
{
	struct dp_buf b = DP_BUF_INIT;
	dp_buf_addf(&b, "%s/%s.info", work, name);
	return b.s;
}

void dp_asis_forget(const char *work, const char *name)
{
	char *p = info_path(work, name);
	unlink(p);
	free(p);
}

bool dp_asis_record(const char *work, const char *name, int level, const struct dp_table_info *info,
		    struct dp_buf *err)
{
	char *p = info_path(work, name);
	struct dp_buf b = DP_BUF_INIT;
	dp_buf_addf(&b, "gzip_level,rows,sha256\n%d,%" PRIu64 ",%s\n", level, info->rows, info->sha256);
	bool ok = dp_write_file(p, b.s, b.len, false, err);
	free(p);
	dp_buf_free(&b);
	return ok;
}

/* The record of work/name, false when there is none or it is malformed. */
static bool read_record(const char *work, const char *name, int *level, uint64_t *rows, char sha[65])
{
	char *p = info_path(work, name);
	FILE *f = fopen(p, "rb");
	free(p);
	if (!f)
		return false;
	char line[256];
	bool ok = fgets(line, sizeof line, f) && strcmp(line, "gzip_level,rows,sha256\n") == 0 &&
		  fgets(line, sizeof line, f);
	fclose(f);
	if (!ok)
		return false;
	char *end;
	long lv = strtol(line, &end, 10);
	if (end == line || *end != ',' || lv < 1 || lv > 9)
		return false;
	const char *r = end + 1;
	errno = 0;
	unsigned long long n = strtoull(r, &end, 10);
	if (end == r || *end != ',' || errno)
		return false;
	const char *h = end + 1;
	size_t hl = strspn(h, "0123456789abcdef");
	if (hl != 64 || (h[64] != '\n' && h[64] != '\0'))
		return false;
	*level = (int)lv;
	*rows = n;
	memcpy(sha, h, 64);
	sha[64] = '\0';
	return true;
}

enum dp_asis_result dp_asis_publish(const char *work, const char *name, int level, const char *dst,
				    struct dp_table_info *info, struct dp_buf *err)
{
	int lv;
	uint64_t rows;
	char want[65];
	if (!read_record(work, name, &lv, &rows, want) || lv != level)
		return DP_ASIS_NO;
	char *src = dp_path_join(work, name);
	bool same;
	uint64_t bytes;
	bool ok = dp_copy_file_checked(src, dst, want, &same, &bytes, err);
	free(src);
	if (!ok)
		return DP_ASIS_FAILED;
	if (!same)
		return DP_ASIS_NO; /* changed since it was recorded */
	info->rows = rows;
	info->bytes = bytes;
	memcpy(info->sha256, want, 65);
	return DP_ASIS_COPIED;
}
