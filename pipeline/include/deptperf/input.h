/* Reading one input file as a stream of UTF-8 bytes (SPEC §2.1).
 *
 * The bytes of a file (plain, or gzip with any number of members, chosen by
 * the name ending in .gz) are hashed with SHA-256 as they are read and
 * decoded to UTF-8 from the file's encoding.  Memory is a few fixed-size
 * buffers whatever the file's size.  A dp_input is used by one thread;
 * distinct inputs are independent.
 */
#ifndef DEPTPERF_INPUT_H
#define DEPTPERF_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/buf.h"

enum dp_encoding {
	DP_ENC_AUTO = 0, /* BOM, else UTF-8 (validated), see dp_input_read */
	DP_ENC_UTF8,
	DP_ENC_UTF8_BOM,
	DP_ENC_UTF16LE,
	DP_ENC_UTF16BE,
	DP_ENC_GB18030
};

/* The name written in inputs.csv.gz: "utf-8", "utf-8-bom", "utf-16le",
 * "utf-16be", "gb18030". */
const char *dp_encoding_name(enum dp_encoding e);
/* The encoding of such a name; DP_ENC_AUTO for any other text. */
enum dp_encoding dp_encoding_from_name(const char *name);

enum dp_input_status {
	DP_IN_DATA = 1,      /* *p, *n hold decoded bytes */
	DP_IN_EOF = 0,
	DP_IN_IOERR = -1,    /* the file could not be read: err says why */
	DP_IN_CORRUPT = -2,  /* truncated or damaged gzip data */
	DP_IN_BADTEXT = -3,  /* not valid in the encoding: bad_offset is set */
	DP_IN_NUL = -4       /* a NUL byte: bad_offset is set */
};

struct dp_input;

/* The buffers of one reader, kept across files: a thread that reads many
 * small files passes its pool to dp_input_open and the memory is allocated
 * once, not per file.  One pool per thread; dp_input_pool_free(NULL) does
 * nothing. */
struct dp_input_pool;
struct dp_input_pool *dp_input_pool_new(void);
void dp_input_pool_free(struct dp_input_pool *p);

/* Opens path for reading as encoding enc (DP_ENC_AUTO: a BOM decides, else
 * UTF-8, validated as it is read).  Returns NULL and appends to err when
 * the file cannot be opened.  The caller owns the result: dp_input_close. */
struct dp_input *dp_input_open(const char *path, enum dp_encoding enc, struct dp_buf *err);
/* The same with the buffers of pool (which must outlive the input). */
struct dp_input *dp_input_open_pooled(const char *path, enum dp_encoding enc, struct dp_input_pool *pool,
				      struct dp_buf *err);

/* Gives the next decoded bytes (valid until the next call).  On an error
 * status, err holds a sentence and dp_input_bad_offset() the byte offset of
 * the fault in the decompressed file, where one applies. */
enum dp_input_status dp_input_read(struct dp_input *in, const char **p, size_t *n, struct dp_buf *err);

/* Hashing is on by default; switch it off (before the first read) when the
 * SHA-256 is not wanted. */
void dp_input_hash(struct dp_input *in, bool on);
/* The file is a table deptperf wrote (csvfile.h's dp_rows): gzip members of
 * a few hundred KiB each, which are inflated whole with libdeflate, faster
 * than zlib's stream.  A member that does not fit the buffers, or anything
 * libdeflate refuses, goes to zlib from there on, with zlib's messages.
 * Call before the first read. */
void dp_input_members(struct dp_input *in);
enum dp_encoding dp_input_encoding(const struct dp_input *in);
uint64_t dp_input_bad_offset(const struct dp_input *in);
/* Bytes of the file as stored (compressed size for gzip) read so far. */
uint64_t dp_input_raw_bytes(const struct dp_input *in);
/* Reads the rest of the stored file into the hash and writes the SHA-256 of
 * the whole stored file as 64 lowercase hex digits plus NUL into hex. */
bool dp_input_sha256(struct dp_input *in, char hex[65], struct dp_buf *err);
void dp_input_close(struct dp_input *in);

#endif
