#include "deptperf/asis.h"

#include <errno.h>
#include <inttypes.h>
#include <nettle/sha2.h>
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
	char *p = info_path(work, name), *tmp = NULL;
	struct dp_buf b = DP_BUF_INIT, t = DP_BUF_INIT;
	dp_buf_addf(&b, "gzip_level,rows,sha256\n%d,%" PRIu64 ",%s\n", level, info->rows, info->sha256);
	dp_buf_addf(&t, "%s.tmp", p);
	tmp = t.s;
	FILE *f = fopen(tmp, "wb");
	bool ok = f && fwrite(b.s, 1, b.len, f) == b.len;
	if (f && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp, p) != 0)
		ok = false;
	if (!ok) {
		dp_buf_addf(err, "%s: cannot write: %s", p, strerror(errno));
		unlink(tmp);
	}
	free(p);
	dp_buf_free(&b);
	dp_buf_free(&t);
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
	struct dp_buf t = DP_BUF_INIT;
	dp_buf_addf(&t, "%s.tmp", dst);
	FILE *in = fopen(src, "rb"), *out = in ? fopen(t.s, "wb") : NULL;
	enum dp_asis_result r = DP_ASIS_FAILED;
	const char *what = in ? t.s : src;
	if (in && out) {
		struct sha256_ctx sha;
		sha256_init(&sha);
		static const size_t chunk = 1 << 20;
		char *buf = dp_xmalloc(chunk);
		uint64_t bytes = 0;
		size_t n;
		bool ok = true;
		while (ok && (n = fread(buf, 1, chunk, in)) > 0) {
			sha256_update(&sha, n, (const uint8_t *)buf);
			ok = fwrite(buf, 1, n, out) == n;
			bytes += n;
		}
		free(buf);
		if (ferror(in))
			what = src, ok = false;
		if (fclose(out) != 0)
			ok = false;
		out = NULL;
		uint8_t d[SHA256_DIGEST_SIZE];
		sha256_digest(&sha, sizeof d, d);
		char got[65];
		for (size_t i = 0; i < sizeof d; i++)
			snprintf(got + 2 * i, 3, "%02x", d[i]);
		if (ok && strcmp(got, want) != 0) {
			r = DP_ASIS_NO; /* changed since it was recorded */
		} else if (ok && rename(t.s, dst) == 0) {
			r = DP_ASIS_COPIED;
			info->rows = rows;
			info->bytes = bytes;
			memcpy(info->sha256, got, 65);
		} else if (ok) {
			what = dst;
		}
	}
	if (r == DP_ASIS_FAILED)
		dp_buf_addf(err, "%s: cannot %s: %s", what, what == src ? "read" : "write", strerror(errno));
	if (out)
		fclose(out);
	if (in)
		fclose(in);
	if (r != DP_ASIS_COPIED)
		unlink(t.s);
	free(src);
	dp_buf_free(&t);
	return r;
}
