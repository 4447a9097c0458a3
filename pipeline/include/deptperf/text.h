/* UTF-8 text: validation, SPEC §2.3 text normalization, edit distance.
 * Pure functions; thread-safe. */
#ifndef DEPTPERF_TEXT_H
#define DEPTPERF_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/buf.h"

/* A streaming strict UTF-8 validator (no overlongs, no surrogates, nothing
 * above U+10FFFF).  Zero-initialize, then feed chunks in order. */
struct dp_utf8v {
	uint64_t offset;   /* bytes consumed so far */
	uint64_t seq_start;/* offset of the sequence being completed */
	int need;          /* continuation bytes still expected */
	unsigned char lo, hi; /* allowed range of the next continuation byte */
};

/* Feeds n bytes.  Returns true while everything so far is valid; on the
 * first bad sequence returns false and sets *bad to its byte offset. */
bool dp_utf8v_feed(struct dp_utf8v *v, const unsigned char *p, size_t n, uint64_t *bad);
/* True when the stream ended on a complete sequence; else *bad is set. */
bool dp_utf8v_end(const struct dp_utf8v *v, uint64_t *bad);
/* Whole-buffer check; *bad (may be NULL) gets the offset of the first fault. */
bool dp_utf8_valid(const char *s, size_t n, size_t *bad);

/* The length of the longest prefix of s[0..n) of at most max bytes that
 * ends on a code point boundary (for shortening text in messages). */
size_t dp_utf8_prefix(const char *s, size_t n, size_t max);

/* Appends s as valid UTF-8: a byte that is not part of a valid sequence
 * becomes \xHH (two hex digits) and, with backslash, a backslash becomes
 * \\ — the reversible form of a path read from the disk, which must be
 * written in a UTF-8 table and opened again from it (dp_text_unescape).
 * Without backslash only the invalid bytes are escaped: for messages that
 * quote a path, and idempotent on valid text. */
void dp_text_escape(struct dp_buf *out, const char *s, bool backslash);
/* Appends the bytes that dp_text_escape(…, true) wrote s for. */
void dp_text_unescape(struct dp_buf *out, const char *s);

/* Decodes one code point at *p (valid UTF-8 assumed) and advances *p. */
uint32_t dp_utf8_next(const char **p, const char *end);
void dp_utf8_put(struct dp_buf *b, uint32_t cp);

/* Appends s[0..n) trimmed of ASCII white space and U+3000 at both ends.
 * With fold, U+FF01–U+FF5E become their ASCII twins and U+3000 a space
 * (for labels, numbers, units and codes; never for names and free text). */
void dp_text_norm(struct dp_buf *out, const char *s, size_t n, bool fold);

/* Levenshtein distance over code points, or limit+1 when it exceeds limit. */
size_t dp_edit_distance(const char *a, const char *b, size_t limit);

/* True when text from the input must be written with a leading ' so that a
 * spreadsheet does not read it as a formula (SPEC §6): it starts with =, +,
 * -, @, tab or CR, or a full-width ＝ ＋ － ＠, after any spaces (ASCII or
 * U+3000). */
bool dp_text_needs_guard(const char *s, size_t n);

/* The text as it was before dp_csv_put's guard: skips a leading ' that
 * was added because the rest could start a formula. */
const char *dp_text_unguard(const char *s);

/* True when s is a code of SPEC §3: [0-9A-Za-z_-]{1,32}. */
bool dp_text_is_code(const char *s, size_t n);

#endif
