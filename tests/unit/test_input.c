#include <criterion/criterion.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "deptperf/input.h"
#include "deptperf/stage.h"
#include "helpers.h"

static const char text[] = "字段,值\n部门名称,广东省人力资源和社会保障厅\n";

static char *read_all(const char *path, enum dp_encoding enc, enum dp_input_status *st, enum dp_encoding *got,
		      uint64_t *bad)
{
	struct dp_buf err = DP_BUF_INIT, out = DP_BUF_INIT;
	struct dp_input *in = dp_input_open(path, enc, &err);
	cr_assert(in, "%s", dp_buf_str(&err));
	const char *p;
	size_t n;
	while ((*st = dp_input_read(in, &p, &n, &err)) == DP_IN_DATA)
		dp_buf_add(&out, p, n);
	*got = dp_input_encoding(in);
	*bad = dp_input_bad_offset(in);
	dp_input_close(in);
	dp_buf_free(&err);
	return dp_buf_detach(&out);
}

static size_t convert(const char *to, const char *s, char *out, size_t cap)
{
	iconv_t cd = iconv_open(to, "UTF-8");
	cr_assert(cd != (iconv_t)-1);
	char *ip = (char *)s, *op = out;
	size_t il = strlen(s), ol = cap;
	cr_assert(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	iconv_close(cd);
	return cap - ol;
}

Test(input, encodings_decode_to_the_same_text)
{
	char *dir = t_tmpdir();
	char buf[4096];
	struct {
		const char *name;
		enum dp_encoding ask, want;
		const char *bom;
		size_t bomlen;
		const char *iconv_to;
	} cases[] = {
		{ "u8.csv", DP_ENC_AUTO, DP_ENC_UTF8, "", 0, NULL },
		{ "bom.csv", DP_ENC_AUTO, DP_ENC_UTF8_BOM, "\xEF\xBB\xBF", 3, NULL },
		{ "le.csv", DP_ENC_AUTO, DP_ENC_UTF16LE, "\xFF\xFE", 2, "UTF-16LE" },
		{ "be.csv", DP_ENC_AUTO, DP_ENC_UTF16BE, "\xFE\xFF", 2, "UTF-16BE" },
		{ "gb.csv", DP_ENC_GB18030, DP_ENC_GB18030, "", 0, "GB18030" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memcpy(buf, cases[i].bom, cases[i].bomlen);
		size_t n = cases[i].iconv_to ? convert(cases[i].iconv_to, text, buf + cases[i].bomlen, sizeof buf - 4)
					     : (memcpy(buf + cases[i].bomlen, text, strlen(text)), strlen(text));
		char *path = t_write(dir, cases[i].name, buf, n + cases[i].bomlen);
		enum dp_input_status st;
		enum dp_encoding got;
		uint64_t bad;
		char *out = read_all(path, cases[i].ask, &st, &got, &bad);
		cr_expect_eq(st, DP_IN_EOF, "%s", cases[i].name);
		cr_expect_eq(got, cases[i].want, "%s", cases[i].name);
		cr_expect_str_eq(out, text, "%s", cases[i].name);
		free(out);
		free(path);
	}
}

Test(input, gb18030_is_not_utf8)
{
	char *dir = t_tmpdir();
	char buf[4096];
	size_t n = convert("GB18030", text, buf, sizeof buf);
	char *path = t_write(dir, "gb.csv", buf, n);
	enum dp_input_status st;
	enum dp_encoding got;
	uint64_t bad;
	free(read_all(path, DP_ENC_AUTO, &st, &got, &bad));
	cr_expect_eq(st, DP_IN_BADTEXT);
	cr_expect_eq(bad, 0, "字 in GB18030 (D7 D6) is not UTF-8 from its first byte");
}

Test(input, bad_gb18030_reports_the_offset)
{
	char *dir = t_tmpdir();
	char *path = t_write(dir, "bad.csv", "ab,cd\n\x81\x20", 8);
	enum dp_input_status st;
	enum dp_encoding got;
	uint64_t bad;
	free(read_all(path, DP_ENC_GB18030, &st, &got, &bad));
	cr_expect_eq(st, DP_IN_BADTEXT);
	cr_expect_eq(bad, 6);
}

Test(input, nul_byte_is_reported)
{
	char *dir = t_tmpdir();
	char *path = t_write(dir, "nul.csv", "a,b\nc\0d\n", 8);
	enum dp_input_status st;
	enum dp_encoding got;
	uint64_t bad;
	free(read_all(path, DP_ENC_AUTO, &st, &got, &bad));
	cr_expect_eq(st, DP_IN_NUL);
	cr_expect_eq(bad, 5);
}

static void gz_member(const char *path, const char *mode, const char *s)
{
	gzFile g = gzopen(path, mode);
	cr_assert(g);
	gzwrite(g, s, (unsigned)strlen(s));
	gzclose(g);
}

Test(input, multi_member_gzip_and_truncation)
{
	char *dir = t_tmpdir();
	char *path = dp_path_join(dir, "multi.csv.gz");
	gz_member(path, "wb", "a,b\n");
	gz_member(path, "ab", "c,d\n");
	enum dp_input_status st;
	enum dp_encoding got;
	uint64_t bad;
	char *out = read_all(path, DP_ENC_AUTO, &st, &got, &bad);
	cr_expect_eq(st, DP_IN_EOF);
	cr_expect_str_eq(out, "a,b\nc,d\n");
	free(out);
	/* cut the file short: the reader says so instead of ending quietly */
	char *whole = t_read_gz(path);
	free(whole);
	FILE *f = fopen(path, "r+b");
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	cr_assert_eq(truncate(path, size - 6), 0);
	free(read_all(path, DP_ENC_AUTO, &st, &got, &bad));
	cr_expect_eq(st, DP_IN_CORRUPT);
}

Test(input, sha256_of_the_stored_bytes)
{
	char *dir = t_tmpdir();
	char *path = t_writes(dir, "abc.csv", "abc");
	struct dp_buf err = DP_BUF_INIT;
	struct dp_input *in = dp_input_open(path, DP_ENC_AUTO, &err);
	char hex[65];
	cr_assert(dp_input_sha256(in, hex, &err));
	cr_expect_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	dp_input_close(in);
}

/* Reads path through dp_input: every chunk when upto is 0, else chunks
 * until upto bytes were handed out; then the SHA-256 of the whole file. */
static enum dp_input_status hash_reading(const char *path, size_t upto, char hex[65], struct dp_buf *got)
{
	struct dp_buf err = DP_BUF_INIT;
	struct dp_input *in = dp_input_open(path, DP_ENC_AUTO, &err);
	cr_assert(in, "%s", dp_buf_str(&err));
	const char *p;
	size_t n, seen = 0;
	enum dp_input_status st;
	while ((st = dp_input_read(in, &p, &n, &err)) == DP_IN_DATA) {
		/* the chunk is as read while the hasher may be on it */
		if (got)
			dp_buf_add(got, p, n);
		seen += n;
		if (upto && seen >= upto)
			break;
	}
	cr_assert(dp_input_sha256(in, hex, &err), "%s", dp_buf_str(&err));
	dp_input_close(in);
	dp_buf_free(&err);
	return st;
}

/* A large stored UTF-8 file is hashed on a thread of its own (input.c):
 * the hash is the file's whether it is read to its end, left after a few
 * chunks, or refused at a bad byte, and the text handed out is the file's. */
Test(input, sha256_of_a_large_file_read_beside_the_hashing)
{
	char *dir = t_tmpdir();
	static const char row[] = "2021,440000015,广东省人力资源和社会保障厅,3998.13\n";
	size_t n = (20u << 20) / (sizeof row - 1) * (sizeof row - 1); /* whole rows: whole characters */
	char *data = dp_xmalloc(n);
	for (size_t i = 0; i < n; i++)
		data[i] = row[i % (sizeof row - 1)];
	char *path = t_write(dir, "big.csv", data, n);
	char want[65], hex[65];
	cr_assert(dp_sha256_file(path, want));
	struct dp_buf got = DP_BUF_INIT;
	cr_expect_eq(hash_reading(path, 0, hex, &got), DP_IN_EOF);
	cr_expect_str_eq(hex, want);
	cr_assert_eq(got.len, n);
	cr_expect(memcmp(got.s, data, n) == 0, "the text handed out is the file's");
	cr_expect_eq(hash_reading(path, 3u << 20, hex, NULL), DP_IN_DATA);
	cr_expect_str_eq(hex, want, "left after 3 MB: the rest is read and hashed");
	/* a byte that is not UTF-8 at 15 MB */
	data[15u << 20] = (char)0xFF;
	char *bad = t_write(dir, "bad.csv", data, n);
	cr_assert(dp_sha256_file(bad, want));
	cr_expect_eq(hash_reading(bad, 0, hex, NULL), DP_IN_BADTEXT);
	cr_expect_str_eq(hex, want);
	dp_buf_free(&got);
	free(data);
	free(path);
	free(bad);
	free(dir);
}
