/* Exact decimals and fractions: no binary floating point decides a value.
 *
 * A dp_dec is a signed count of 10^-8 units (DP_DEC_ONE is 1).  Eight
 * decimals hold 元 amounts to the cent after conversion to 万元 and every
 * score, percent and rate of SPEC; a value that needs more is refused, never
 * rounded silently.  A dp_rat is an exact fraction over 128-bit integers, used
 * where SPEC scores a quotient (a ratio, an allocation-weighted mean) before
 * one rounding half away from zero to 0.01.  All functions are pure and
 * thread-safe.
 */
#ifndef DEPTPERF_DECIMAL_H
#define DEPTPERF_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/buf.h"

typedef int64_t dp_dec;
__extension__ typedef __int128 dp_i128;
__extension__ typedef unsigned __int128 dp_u128;

#define DP_DEC_SCALE 8
#define DP_DEC_ONE ((dp_dec)100000000)
#define DP_CENT ((dp_dec)1000000) /* 0.01 */

enum dp_dec_err {
	DP_DEC_OK = 0,
	DP_DEC_SYNTAX,    /* not a number of SPEC §2.3 */
	DP_DEC_PRECISION, /* needs more than 8 decimals */
	DP_DEC_OVERFLOW   /* beyond ±92 233 720 368 */
};

/* Parses s[0..n) as SPEC §2.3 numbers: optional sign, digits with optional
 * thousands separators in groups of three, one decimal point, accounting
 * negatives "(12.50)", exponent form "1.2E+07".  The text must already be
 * trimmed and folded to ASCII (text.h).  Returns DP_DEC_OK and sets *out, or
 * an error and leaves *out alone. */
enum dp_dec_err dp_dec_parse(const char *s, size_t n, dp_dec *out);

/* *out = d × 10^k exactly (k may be negative); DP_DEC_PRECISION when digits
 * would be lost, DP_DEC_OVERFLOW when it does not fit. */
enum dp_dec_err dp_dec_shift(dp_dec d, int k, dp_dec *out);

/* Appends d with at least min_dec and at most max_dec decimals: the shortest
 * exact form in that range, or rounded half away from zero at max_dec. */
void dp_dec_format(struct dp_buf *b, dp_dec d, int min_dec, int max_dec);

/* Rounds d half away from zero to a multiple of 0.01. */
dp_dec dp_dec_round_cent(dp_dec d);
/* Sorts v[0..n) ascending (a radix sort: no comparator calls). */
void dp_dec_sort(dp_dec *v, size_t n);
/* perm[0..n) := the indices of v[0..n) in ascending order of value, equal
 * values in index order (the same radix sort, carrying the indices). */
void dp_dec_order(const dp_dec *v, size_t n, size_t *perm);

/* An exact fraction n/d with d > 0, kept in lowest terms. */
struct dp_rat {
	dp_i128 n, d;
};

struct dp_rat dp_rat_dec(dp_dec v);
struct dp_rat dp_rat_int(int64_t v);
/* The arithmetic returns false on 128-bit overflow (values far beyond any
 * budget) or division by zero; *out is then unspecified. */
bool dp_rat_add(struct dp_rat a, struct dp_rat b, struct dp_rat *out);
bool dp_rat_sub(struct dp_rat a, struct dp_rat b, struct dp_rat *out);
bool dp_rat_mul(struct dp_rat a, struct dp_rat b, struct dp_rat *out);
bool dp_rat_div(struct dp_rat a, struct dp_rat b, struct dp_rat *out);
int dp_rat_cmp(struct dp_rat a, struct dp_rat b);
/* Rounds half away from zero to a multiple of 0.01, as a dp_dec; false when
 * the result does not fit. */
bool dp_rat_round_cent(struct dp_rat r, dp_dec *out);

#endif
