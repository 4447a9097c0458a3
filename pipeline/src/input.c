/* One input file as a stream of UTF-8 bytes: gzip, encodings, the SHA-256 of
 * what was read (input.h). */
#include "deptperf/input.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <libdeflate.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "deptperf/stage.h"
#include "deptperf/text.h"

#define RAW_CHUNK (256 * 1024)
#define OUT_CHUNK (512 * 1024)
/* dp_input_members: compressed bytes kept ahead (growing up to ZIN_MAX for a
 * member that does not fit), and the largest member inflated whole */
#define ZIN_AHEAD (1024 * 1024)
#define ZIN_MAX (4 * 1024 * 1024)
#define MEMBER_MAX (2 * 1024 * 1024)
/* A stored UTF-8 file at least this large is hashed by a thread of its own
 * (struct hasher) */
#define HASH_THREAD_MIN ((off_t)8 * 1024 * 1024)

/* SHA-256 on a thread of its own, one chunk behind the reader: a large
 * bulk export's one reading thread is its stage's longest path (dp-normalize
 * parses it there and hands the rows to the others), and hashing was a
 * tenth of it.  The chunk handed over is the one the caller parses next, so
 * it stays as it is until the next read, which first waits for its hash.
 * Only for stored UTF-8 files: there nothing else moves a chunk's bytes
 * (iconv's carry and gzip's input buffer would). */
struct hasher {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct sha256_ctx *sha;
	const unsigned char *p; /* the chunk being hashed, or NULL */
	size_t n;
	bool quit;
};

struct dp_input_pool {
	unsigned char *raw, *plain;
	char *out;
	iconv_t cd[3];  /* GB18030, UTF-16LE, UTF-16BE: opened once per pool */
};

struct dp_input {
	struct dp_input_pool *pool;  /* borrowed, or NULL: own buffers */
	int fd;
	bool gz, gz_done, eof;
	z_stream zs;
	struct sha256_ctx sha;
	uint64_t raw_bytes;  /* stored bytes read */
	uint64_t plain_off;  /* offset of plain[0] in the decompressed file */
	size_t bom;
	uint64_t bad_offset;
	enum dp_encoding enc;
	bool enc_fixed, validate, hash;
	bool big;            /* stored and large: may use a hasher */
	struct hasher *hs;   /* started at the first chunk it may take */
	struct dp_utf8v v;
	iconv_t cd;
	unsigned char *raw;  /* RAW_CHUNK */
	unsigned char *plain;/* RAW_CHUNK decompressed, plus iconv carry */
	size_t carry;        /* undecoded bytes kept at the start of plain */
	char *out;           /* OUT_CHUNK for iconv output */
	const char *path;
	/* dp_input_members: whole members through libdeflate until ld_off */
	struct libdeflate_decompressor *ld;
	bool ld_off, raw_eof;
	unsigned char *zin;  /* compressed bytes read: zin[zpos..zlen) not yet inflated */
	size_t zpos, zlen, zcap;
	unsigned char *mem;  /* the last member: mem[mpos..mlen) not yet handed out */
	size_t mpos, mlen;
};

const char *dp_encoding_name(enum dp_encoding e)
{
	switch (e) {
	case DP_ENC_UTF8: return "utf-8";
	case DP_ENC_UTF8_BOM: return "utf-8-bom";
	case DP_ENC_UTF16LE: return "utf-16le";
	case DP_ENC_UTF16BE: return "utf-16be";
	case DP_ENC_GB18030: return "gb18030";
	default: return "";
	}
}

enum dp_encoding dp_encoding_from_name(const char *name)
{
	static const enum dp_encoding all[] = { DP_ENC_UTF8, DP_ENC_UTF8_BOM, DP_ENC_UTF16LE, DP_ENC_UTF16BE,
						DP_ENC_GB18030 };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(dp_encoding_name(all[i]), name) == 0)
			return all[i];
	return DP_ENC_AUTO;
}

static bool has_gz_suffix(const char *path)
{
	size_t n = strlen(path);
	return n >= 3 && strcasecmp(path + n - 3, ".gz") == 0;
}

struct dp_input_pool *dp_input_pool_new(void)
{
	struct dp_input_pool *p = dp_xcalloc(1, sizeof *p);
	p->raw = dp_xmalloc(RAW_CHUNK);
	p->plain = dp_xmalloc(2 * RAW_CHUNK);
	p->out = dp_xmalloc(OUT_CHUNK);
	for (int i = 0; i < 3; i++)
		p->cd[i] = (iconv_t)-1;
	return p;
}

void dp_input_pool_free(struct dp_input_pool *p)
{
	if (!p)
		return;
	free(p->raw);
	free(p->plain);
	free(p->out);
	for (int i = 0; i < 3; i++)
		if (p->cd[i] != (iconv_t)-1)
			iconv_close(p->cd[i]);
	free(p);
}

struct dp_input *dp_input_open(const char *path, enum dp_encoding enc, struct dp_buf *err)
{
	return dp_input_open_pooled(path, enc, NULL, err);
}

struct dp_input *dp_input_open_pooled(const char *path, enum dp_encoding enc, struct dp_input_pool *pool,
				      struct dp_buf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		dp_buf_addf(err, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	struct dp_input *in = dp_xcalloc(1, sizeof *in);
	in->fd = fd;
	in->path = path;
	in->gz = has_gz_suffix(path);
	in->enc = enc;
	in->cd = (iconv_t)-1;
	in->hash = true;
	in->pool = pool;
	if (pool) {
		in->raw = pool->raw;
		in->plain = pool->plain;
		in->out = pool->out;
	} else {
		in->raw = dp_xmalloc(RAW_CHUNK);
		in->plain = dp_xmalloc(2 * RAW_CHUNK);
		in->out = dp_xmalloc(OUT_CHUNK);
	}
	sha256_init(&in->sha);
	struct stat st;
	in->big = !in->gz && fstat(fd, &st) == 0 && st.st_size >= HASH_THREAD_MIN;
	if (in->gz && inflateInit2(&in->zs, 15 + 16) != Z_OK) {
		dp_buf_addf(err, "%s: zlib cannot start", path);
		dp_input_close(in);
		return NULL;
	}
	return in;
}

static void *hasher_main(void *arg)
{
	struct hasher *h = arg;
	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (!h->p && !h->quit)
			pthread_cond_wait(&h->cv, &h->mu);
		if (!h->p)
			break;
		pthread_mutex_unlock(&h->mu);
		sha256_update(h->sha, h->n, h->p);
		pthread_mutex_lock(&h->mu);
		h->p = NULL;
		pthread_cond_broadcast(&h->cv);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* Returns once every chunk handed to the hasher is hashed. */
static void hash_wait(struct dp_input *in)
{
	struct hasher *h = in->hs;
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	while (h->p)
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
}

/* Whether the file's chunks go to a hasher: a large stored file of UTF-8. */
static bool hashed_apart(const struct dp_input *in)
{
	return in->big && in->enc_fixed && in->validate;
}

/* Hashes p[0..n): on the hasher when the file may use one (started here
 * the first time; when it cannot be, here), else at once. */
static void hash_chunk(struct dp_input *in, const unsigned char *p, size_t n)
{
	if (hashed_apart(in) && !in->hs) {
		struct hasher *h = dp_xcalloc(1, sizeof *h);
		h->sha = &in->sha;
		pthread_mutex_init(&h->mu, NULL);
		pthread_cond_init(&h->cv, NULL);
		if (pthread_create(&h->th, NULL, hasher_main, h) == 0) {
			in->hs = h;
		} else {
			pthread_mutex_destroy(&h->mu);
			pthread_cond_destroy(&h->cv);
			free(h);
			in->big = false;
		}
	}
	struct hasher *h = in->hs;
	if (!h || !n) {
		sha256_update(&in->sha, n, p);
		return;
	}
	pthread_mutex_lock(&h->mu);
	h->p = p;
	h->n = n;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

static void hasher_stop(struct dp_input *in)
{
	struct hasher *h = in->hs;
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->quit = true;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->th, NULL);
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->cv);
	free(h);
	in->hs = NULL;
}

/* Reads the next chunk of stored bytes into dst and hashes it: returns the
 * count, 0 at EOF, -1 on error.  apart: dst is not the buffer of the chunk
 * before, so the read need not wait for its hashing (the hand-over does). */
static ssize_t read_chunk(struct dp_input *in, unsigned char *dst, bool apart, struct dp_buf *err)
{
	if (!apart)
		hash_wait(in); /* the chunk before may be where this one goes */
	for (;;) {
		ssize_t r = read(in->fd, dst, RAW_CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			dp_buf_addf(err, "%s: read error: %s", in->path, strerror(errno));
			return -1;
		}
		if (in->hash) {
			hash_wait(in);
			hash_chunk(in, dst, (size_t)r);
		}
		in->raw_bytes += (uint64_t)r;
		return r;
	}
}

static ssize_t read_raw_into(struct dp_input *in, unsigned char *dst, struct dp_buf *err)
{
	return read_chunk(in, dst, false, err);
}

static ssize_t read_raw(struct dp_input *in, struct dp_buf *err)
{
	return read_raw_into(in, in->raw, err);
}

void dp_input_members(struct dp_input *in)
{
	if (!in->gz || in->ld || !(in->ld = libdeflate_alloc_decompressor()))
		return;
	in->mem = dp_xmalloc(MEMBER_MAX);
}

/* Reads until zin holds at least want bytes not yet inflated, or the file
 * ends; false on a read error. */
static bool fill_zin(struct dp_input *in, size_t want, struct dp_buf *err)
{
	if (in->zpos) {
		memmove(in->zin, in->zin + in->zpos, in->zlen - in->zpos);
		in->zlen -= in->zpos;
		in->zpos = 0;
	}
	if (in->zcap < want + RAW_CHUNK) {
		in->zcap = want + RAW_CHUNK;
		in->zin = dp_xrealloc(in->zin, in->zcap);
	}
	while (!in->raw_eof && in->zlen < want) {
		ssize_t r = read_raw_into(in, in->zin + in->zlen, err);
		if (r < 0)
			return false;
		in->raw_eof = r == 0;
		in->zlen += (size_t)r;
	}
	return true;
}

/* The next bytes of whole members (dp_input_members): 1 with *got bytes at
 * dst, 0 at the end, -1 on a read error, 2 when zlib is to go on from the
 * first byte not inflated. */
static int member_plain(struct dp_input *in, unsigned char *dst, size_t *got, struct dp_buf *err)
{
	size_t want = ZIN_AHEAD;
	while (in->mpos == in->mlen) {
		if (in->zlen - in->zpos < want && !in->raw_eof && !fill_zin(in, want, err))
			return -1;
		if (in->zpos == in->zlen)
			return 0; /* every member inflated (or an empty file, as zlib sees it) */
		size_t used, made;
		enum libdeflate_result r = libdeflate_gzip_decompress_ex(in->ld, in->zin + in->zpos, in->zlen - in->zpos,
									 in->mem, MEMBER_MAX, &used, &made);
		if (r == LIBDEFLATE_SUCCESS) {
			in->zpos += used;
			in->mpos = 0;
			in->mlen = made;
			continue;
		}
		/* a member cut by the end of what was read: read further, once
		 * or twice; anything else is zlib's to inflate or to report */
		if (r == LIBDEFLATE_INSUFFICIENT_SPACE || in->raw_eof || want >= ZIN_MAX) {
			in->ld_off = true;
			in->zs.next_in = in->zin + in->zpos;
			in->zs.avail_in = (uInt)(in->zlen - in->zpos);
			return 2;
		}
		want *= 2;
	}
	size_t n = in->mlen - in->mpos < RAW_CHUNK ? in->mlen - in->mpos : RAW_CHUNK;
	memcpy(dst, in->mem + in->mpos, n);
	in->mpos += n;
	*got = n;
	return 1;
}

/* Fills plain[carry..] with up to RAW_CHUNK decompressed bytes. */
static enum dp_input_status next_plain(struct dp_input *in, size_t *got, struct dp_buf *err)
{
	unsigned char *dst = in->plain + in->carry;
	if (in->ld && !in->ld_off) {
		int m = member_plain(in, dst, got, err);
		if (m < 2)
			return m > 0 ? DP_IN_DATA : m == 0 ? DP_IN_EOF : DP_IN_IOERR;
	}
	if (!in->gz) {
		ssize_t r = read_raw_into(in, dst, err);
		if (r < 0)
			return DP_IN_IOERR;
		if (r == 0)
			return DP_IN_EOF;
		*got = (size_t)r;
		return DP_IN_DATA;
	}
	in->zs.next_out = dst;
	in->zs.avail_out = RAW_CHUNK;
	while (in->zs.avail_out == RAW_CHUNK) {
		if (in->zs.avail_in == 0) {
			ssize_t r = read_raw(in, err);
			if (r < 0)
				return DP_IN_IOERR;
			if (r == 0) {
				if (in->gz_done || in->raw_bytes == 0)
					break;
				dp_buf_addf(err, "gzip 数据不完整（文件在第 %llu 字节处被截断），请重新导出或重新上传该文件",
					    (unsigned long long)in->raw_bytes);
				in->bad_offset = in->raw_bytes;
				return DP_IN_CORRUPT;
			}
			in->zs.next_in = in->raw;
			in->zs.avail_in = (uInt)r;
		}
		if (in->gz_done) {
			/* another member follows (multi-member gzip, SPEC §2.1) */
			if (inflateReset(&in->zs) != Z_OK)
				return DP_IN_IOERR;
			in->gz_done = false;
		}
		int zr = inflate(&in->zs, Z_NO_FLUSH);
		if (zr == Z_STREAM_END) {
			in->gz_done = true;
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			dp_buf_addf(err, "gzip 数据损坏（%s，压缩文件第 %llu 字节附近），请重新导出或重新上传该文件",
				    in->zs.msg ? in->zs.msg : "inflate error",
				    (unsigned long long)(in->raw_bytes - in->zs.avail_in));
			in->bad_offset = in->raw_bytes - in->zs.avail_in;
			return DP_IN_CORRUPT;
		}
	}
	*got = RAW_CHUNK - in->zs.avail_out;
	return *got ? DP_IN_DATA : DP_IN_EOF;
}

static bool open_iconv(struct dp_input *in, struct dp_buf *err)
{
	const char *from = in->enc == DP_ENC_UTF16LE ? "UTF-16LE" :
			   in->enc == DP_ENC_UTF16BE ? "UTF-16BE" : "GB18030";
	int k = in->enc == DP_ENC_UTF16LE ? 1 : in->enc == DP_ENC_UTF16BE ? 2 : 0;
	if (in->pool && in->pool->cd[k] != (iconv_t)-1) {
		/* a pooled descriptor: back to its initial state */
		in->cd = in->pool->cd[k];
		iconv(in->cd, NULL, NULL, NULL, NULL);
		return true;
	}
	in->cd = iconv_open("UTF-8", from);
	if (in->pool && in->cd != (iconv_t)-1)
		in->pool->cd[k] = in->cd;
	if (in->cd == (iconv_t)-1) {
		dp_buf_addf(err, "iconv cannot convert from %s: %s", from, strerror(errno));
		return false;
	}
	return true;
}

static size_t strip_bom(struct dp_input *in, unsigned char *p, size_t n)
{
	/* decides the encoding at the first bytes of the file */
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		in->enc = DP_ENC_UTF8_BOM;
		return 3;
	}
	if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
		in->enc = DP_ENC_UTF16LE;
		return 2;
	}
	if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		in->enc = DP_ENC_UTF16BE;
		return 2;
	}
	return 0;
}

enum dp_input_status dp_input_read(struct dp_input *in, const char **p, size_t *n, struct dp_buf *err)
{
	for (;;) {
		if (in->eof)
			return DP_IN_EOF;
		size_t got = 0;
		enum dp_input_status st = next_plain(in, &got, err);
		if (st < 0)
			return st;
		size_t skip = 0;
		if (!in->enc_fixed) {
			if (in->enc != DP_ENC_GB18030 && in->enc != DP_ENC_UTF8)
				skip = strip_bom(in, in->plain, got);
			if (in->enc == DP_ENC_AUTO)
				in->enc = DP_ENC_UTF8;
			in->validate = in->enc == DP_ENC_UTF8 || in->enc == DP_ENC_UTF8_BOM;
			if (!in->validate && !open_iconv(in, err))
				return DP_IN_IOERR;
			in->enc_fixed = true;
			in->bom = skip;
		}
		if (st == DP_IN_EOF) {
			in->eof = true;
			if (in->carry) {
				in->bad_offset = in->plain_off;
				dp_buf_addf(err, "文件末尾的 %zu 个字节不是完整的 %s 字符", in->carry,
					    dp_encoding_name(in->enc));
				return DP_IN_BADTEXT;
			}
			if (in->validate && !dp_utf8v_end(&in->v, &in->bad_offset)) {
				in->bad_offset += in->bom;
				return DP_IN_BADTEXT;
			}
			return DP_IN_EOF;
		}
		/* plain[0..carry) holds undecoded bytes of the last chunk */
		unsigned char *src = in->plain + skip;
		size_t len = in->carry + got - skip;
		uint64_t src_off = in->plain_off + skip;
		if (in->cd == (iconv_t)-1) {
			void *nul = memchr(src, 0, len);
			if (nul) {
				in->bad_offset = src_off + (uint64_t)((unsigned char *)nul - src);
				return DP_IN_NUL;
			}
			if (in->validate && !dp_utf8v_feed(&in->v, src, len, &in->bad_offset)) {
				in->bad_offset += in->bom;
				return DP_IN_BADTEXT;
			}
			in->plain_off = src_off + len;
			if (!len)
				continue;
			*p = (const char *)src;
			*n = len;
			return DP_IN_DATA;
		}
		char *ip = (char *)src, *op = in->out;
		size_t il = len, ol = OUT_CHUNK;
		size_t r = iconv(in->cd, &ip, &il, &op, &ol);
		size_t consumed = (size_t)(ip - (char *)src);
		if (r == (size_t)-1 && errno == EILSEQ) {
			in->bad_offset = src_off + consumed;
			return DP_IN_BADTEXT;
		}
		/* EINVAL (a sequence cut by the chunk end) and E2BIG leave bytes
		 * that are decoded with the next chunk */
		memmove(in->plain, ip, il);
		in->carry = il;
		in->plain_off = src_off + consumed;
		size_t outn = (size_t)(op - in->out);
		if (memchr(in->out, 0, outn)) {
			in->bad_offset = in->plain_off;
			return DP_IN_NUL;
		}
		if (!outn)
			continue;
		*p = in->out;
		*n = outn;
		return DP_IN_DATA;
	}
}

void dp_input_hash(struct dp_input *in, bool on)
{
	hash_wait(in);
	in->hash = on;
}

enum dp_encoding dp_input_encoding(const struct dp_input *in)
{
	return in->enc;
}

uint64_t dp_input_bad_offset(const struct dp_input *in)
{
	return in->bad_offset;
}

uint64_t dp_input_raw_bytes(const struct dp_input *in)
{
	return in->raw_bytes;
}

bool dp_input_sha256(struct dp_input *in, char hex[65], struct dp_buf *err)
{
	/* the rest is only hashed (dp-ingest reads a file's first record):
	 * with a hasher, each chunk is read into the other buffer while it
	 * hashes the one before, so the file's time is its hashing's */
	unsigned char *spare = in->hash && hashed_apart(in) ? dp_xmalloc(RAW_CHUNK) : NULL;
	unsigned char *buf[2] = { in->raw, spare };
	/* (the hasher may still be on the chunk in in->raw: the spare first) */
	for (int k = 1;; k ^= 1) {
		ssize_t r = spare ? read_chunk(in, buf[k], true, err) : read_raw(in, err);
		if (r <= 0) {
			hash_wait(in);
			free(spare);
			if (r < 0)
				return false;
			break;
		}
	}
	dp_sha256_hex(&in->sha, hex);
	return true;
}

void dp_input_close(struct dp_input *in)
{
	if (!in)
		return;
	hasher_stop(in);
	if (in->gz)
		inflateEnd(&in->zs);
	if (in->ld)
		libdeflate_free_decompressor(in->ld);
	free(in->zin);
	free(in->mem);
	if (in->cd != (iconv_t)-1 && !in->pool)
		iconv_close(in->cd);
	close(in->fd);
	if (!in->pool) {
		free(in->raw);
		free(in->plain);
		free(in->out);
	}
	free(in);
}
