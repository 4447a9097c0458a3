/* Exact decimals and fractions, their parsing, formatting, rounding and
 * sorting (decimal.h). */
#include "deptperf/decimal.h"

#include <assert.h>

#include <stdlib.h>
#include <string.h>

static const int64_t pow10_tab[19] = {
	1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
	100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
	1000000000000LL, 10000000000000LL, 100000000000000LL,
	1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
	1000000000000000000LL
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The form nearly every value of a work file has: an optional '-', 1 to 10
 * digits, and a '.' with 1 to 8 more.  It fits an int64_t as it is read
 * (at most 18 digits), so it needs none of the 128-bit work below, which
 * the stages after dp-normalize spent most of their parsing on.  false:
 * not that form, for the general parser to decide. */
static bool parse_plain(const char *s, size_t n, dp_dec *out)
{
	size_t i = s[0] == '-', d0 = i;
	int64_t v = 0;
	for (; i < n && i - d0 < 10 && is_digit(s[i]); i++)
		v = v * 10 + (s[i] - '0');
	if (i == d0)
		return false;
	int frac = 0;
	if (i < n && s[i] == '.') {
		for (i++; i < n && frac < DP_DEC_SCALE && is_digit(s[i]); i++, frac++)
			v = v * 10 + (s[i] - '0');
		if (!frac)
			return false;
	}
	if (i != n)
		return false;
	v *= pow10_tab[DP_DEC_SCALE - frac];
	*out = s[0] == '-' ? -v : v;
	return true;
}

/* Digits are accumulated into a 128-bit mantissa with a decimal exponent;
 * only at the end is the value brought to 8 decimals, so "1.2E+07" and
 * "12000000" are the same number and no digit is ever dropped unnoticed. */
enum dp_dec_err dp_dec_parse(const char *s, size_t n, dp_dec *out)
{
	bool neg = false;
	size_t i = 0;

	if (n && parse_plain(s, n, out))
		return DP_DEC_OK;

	if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
		neg = true;
		s++;
		n -= 2;
		if (n && (s[0] == '+' || s[0] == '-'))
			return DP_DEC_SYNTAX;
	}
	if (i < n && (s[i] == '+' || s[i] == '-')) {
		neg = s[i] == '-';
		i++;
	}

	dp_i128 mant = 0;
	int exp10 = 0, ndigits = 0, sig = 0;
	bool seen_comma = false;
	size_t group = 0; /* digits since the last separator */
	size_t int_start = i;

	for (; i < n && (is_digit(s[i]) || s[i] == ','); i++) {
		if (s[i] == ',') {
			/* first group 1–3 digits, then groups of exactly three */
			if (i == int_start || (seen_comma ? group != 3 : group > 3))
				return DP_DEC_SYNTAX;
			seen_comma = true;
			group = 0;
			continue;
		}
		group++;
		ndigits++;
		if (sig < 36) {
			mant = mant * 10 + (s[i] - '0');
			if (mant)
				sig++;
		} else {
			exp10++; /* more digits than can matter: precision check below */
			if (s[i] != '0')
				return DP_DEC_OVERFLOW;
		}
	}
	if (seen_comma && group != 3)
		return DP_DEC_SYNTAX;
	if (i < n && s[i] == '.') {
		i++;
		for (; i < n && is_digit(s[i]); i++) {
			ndigits++;
			if (sig < 36) {
				mant = mant * 10 + (s[i] - '0');
				if (mant)
					sig++;
				exp10--;
			} else if (s[i] != '0') {
				return DP_DEC_PRECISION;
			}
		}
	}
	if (!ndigits)
		return DP_DEC_SYNTAX;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		bool eneg = false;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		if (i >= n || !is_digit(s[i]))
			return DP_DEC_SYNTAX;
		int e = 0;
		for (; i < n && is_digit(s[i]); i++) {
			if (e > 1000)
				return mant ? (eneg ? DP_DEC_PRECISION : DP_DEC_OVERFLOW) : DP_DEC_SYNTAX;
			e = e * 10 + (s[i] - '0');
		}
		exp10 += eneg ? -e : e;
	}
	if (i != n)
		return DP_DEC_SYNTAX;

	/* bring mant × 10^exp10 to units of 10^-8 */
	int k = exp10 + DP_DEC_SCALE;
	if (mant == 0) {
		*out = 0;
		return DP_DEC_OK;
	}
	while (k < 0) {
		if (mant % 10)
			return DP_DEC_PRECISION;
		mant /= 10;
		k++;
	}
	const dp_i128 limit = INT64_MAX;
	while (k > 0) {
		if (mant > limit)
			return DP_DEC_OVERFLOW;
		mant *= 10;
		k--;
	}
	if (mant > limit)
		return DP_DEC_OVERFLOW;
	*out = neg ? -(dp_dec)mant : (dp_dec)mant;
	return DP_DEC_OK;
}

enum dp_dec_err dp_dec_shift(dp_dec d, int k, dp_dec *out)
{
	if (k >= 0) {
		if (k > 18)
			return d ? DP_DEC_OVERFLOW : (*out = 0, DP_DEC_OK);
		dp_i128 r = (dp_i128)d * pow10_tab[k];
		if (r > INT64_MAX || r < -INT64_MAX)
			return DP_DEC_OVERFLOW;
		*out = (dp_dec)r;
		return DP_DEC_OK;
	}
	if (-k > 18)
		return d ? DP_DEC_PRECISION : (*out = 0, DP_DEC_OK);
	int64_t p = pow10_tab[-k];
	if (d % p)
		return DP_DEC_PRECISION;
	*out = d / p;
	return DP_DEC_OK;
}

static dp_i128 div_round_away(dp_i128 n, dp_i128 d)
{
	/* d > 0 */
	dp_i128 a = n < 0 ? -n : n;
	if (a <= UINT64_MAX && d <= UINT64_MAX) {
		/* the usual case, in 64 bits: a 128-bit division is a library call */
		uint64_t a64 = (uint64_t)a, d64 = (uint64_t)d, q = a64 / d64, r = a64 % d64;
		if (r >= d64 - r)
			q++;
		return n < 0 ? -(dp_i128)q : (dp_i128)q;
	}
	dp_i128 q = a / d, r = a % d;
	if (2 * r >= d)
		q++;
	return n < 0 ? -q : q;
}

dp_dec dp_dec_round_cent(dp_dec d)
{
	return (dp_dec)(div_round_away(d, DP_CENT) * DP_CENT);
}

/* "00" to "99": two digits per division, as most formatters do. */
static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
				  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
				  "8081828384858687888990919293949596979899";

static void put_pair(char *tmp, size_t *t, uint64_t v)
{
	*t -= 2;
	memcpy(tmp + *t, digit_pairs + 2 * v, 2);
}

void dp_dec_format(struct dp_buf *b, dp_dec d, int min_dec, int max_dec)
{
	/* 64-bit arithmetic only: this runs for every number of every table */
	if (max_dec > DP_DEC_SCALE)
		max_dec = DP_DEC_SCALE;
	if (max_dec < 0)
		max_dec = 0;
	if (min_dec > max_dec)
		min_dec = max_dec;
	bool neg = d < 0;
	uint64_t a = neg ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
	uint64_t unit = (uint64_t)pow10_tab[DP_DEC_SCALE - max_dec];
	uint64_t v = a / unit, r = a % unit;
	if (unit > 1 && 2 * r >= unit)
		v++; /* half away from zero */
	bool minus = neg && v != 0; /* no "-0.00" */
	/* the zeros after min_dec go, four at a time while they can */
	int dec = max_dec;
	while (dec - 4 >= min_dec && v % 10000 == 0) {
		v /= 10000;
		dec -= 4;
	}
	while (dec > min_dec && v % 10 == 0) {
		v /= 10;
		dec--;
	}
	char tmp[48];
	size_t t = sizeof tmp;
	int i = 0;
	for (; i + 2 <= dec; i += 2) {
		put_pair(tmp, &t, v % 100);
		v /= 100;
	}
	if (i < dec) {
		tmp[--t] = (char)('0' + v % 10);
		v /= 10;
	}
	if (dec)
		tmp[--t] = '.';
	while (v >= 100) {
		put_pair(tmp, &t, v % 100);
		v /= 100;
	}
	if (v >= 10)
		put_pair(tmp, &t, v);
	else
		tmp[--t] = (char)('0' + v);
	if (minus)
		tmp[--t] = '-';
	dp_buf_add(b, tmp + t, sizeof tmp - t);
}

/* The greatest common divisor of |a| and |b| (b: a denominator, > 0). */
static dp_i128 gcd128(dp_i128 a, dp_i128 b)
{
	if (a < 0)
		a = -a;
	while (b && (a > UINT64_MAX || b > UINT64_MAX)) {
		dp_i128 t = a % b;
		a = b;
		b = t;
	}
	if (!b)
		return a;
	/* the usual case, in 64 bits: a 128-bit remainder is a library call */
	uint64_t x = (uint64_t)a, y = (uint64_t)b;
	while (y) {
		uint64_t t = x % y;
		x = y;
		y = t;
	}
	return x;
}

static struct dp_rat reduce(dp_i128 n, dp_i128 d)
{
	if (d < 0) {
		n = -n;
		d = -d;
	}
	dp_i128 g = gcd128(n, d);
	if (g > 1) {
		n /= g;
		d /= g;
	}
	return (struct dp_rat){ n, d };
}

struct dp_rat dp_rat_dec(dp_dec v)
{
	return reduce(v, DP_DEC_ONE);
}

struct dp_rat dp_rat_int(int64_t v)
{
	return (struct dp_rat){ v, 1 };
}

bool dp_rat_mul(struct dp_rat a, struct dp_rat b, struct dp_rat *out)
{
	assert(a.d > 0 && b.d > 0); /* a dp_rat's denominator is positive (decimal.h) */
	/* cross-reduce first so that products stay small */
	dp_i128 g1 = gcd128(a.n, b.d), g2 = gcd128(b.n, a.d);
	if (g1 > 1) { a.n /= g1; b.d /= g1; }
	if (g2 > 1) { b.n /= g2; a.d /= g2; }
	dp_i128 n, d;
	if (__builtin_mul_overflow(a.n, b.n, &n) || __builtin_mul_overflow(a.d, b.d, &d))
		return false;
	*out = reduce(n, d);
	return true;
}

bool dp_rat_div(struct dp_rat a, struct dp_rat b, struct dp_rat *out)
{
	if (b.n == 0)
		return false;
	return dp_rat_mul(a, reduce(b.d, b.n), out);
}

bool dp_rat_add(struct dp_rat a, struct dp_rat b, struct dp_rat *out)
{
	assert(a.d > 0 && b.d > 0);
	dp_i128 g = gcd128(a.d, b.d);
	dp_i128 da = a.d / g, db = b.d / g, x, y, n, d;
	if (__builtin_mul_overflow(a.n, db, &x) || __builtin_mul_overflow(b.n, da, &y) ||
	    __builtin_add_overflow(x, y, &n) || __builtin_mul_overflow(a.d, db, &d))
		return false;
	*out = reduce(n, d);
	return true;
}

bool dp_rat_sub(struct dp_rat a, struct dp_rat b, struct dp_rat *out)
{
	b.n = -b.n;
	return dp_rat_add(a, b, out);
}

int dp_rat_cmp(struct dp_rat a, struct dp_rat b)
{
	struct dp_rat d;
	if (dp_rat_sub(a, b, &d))
		return (d.n > 0) - (d.n < 0);
	/* overflow: fall back to comparing the integer parts, then exactly via
	 * the remainders (never reached with budget-sized values) */
	dp_i128 qa = a.n / a.d, qb = b.n / b.d;
	return (qa > qb) - (qa < qb);
}

bool dp_rat_round_cent(struct dp_rat r, dp_dec *out)
{
	dp_i128 n;
	if (__builtin_mul_overflow(r.n, (dp_i128)100, &n))
		return false;
	dp_i128 c = div_round_away(n, r.d);
	dp_i128 v;
	if (__builtin_mul_overflow(c, (dp_i128)DP_CENT, &v) || v > INT64_MAX || v < -INT64_MAX)
		return false;
	*out = (dp_dec)v;
	return true;
}

/* LSD radix sort, a byte at a time, of the keys a[0..n) (the values with
 * the sign bit flipped, which orders them as unsigned numbers), carrying
 * pa[] along when not NULL; b and pb are scratch of the same sizes.  A
 * byte that is the same in every key costs one counting pass and no move.
 * Statistics sort millions of scores: this is several times faster than
 * qsort with a comparator.  The sorted keys end in a, pa. */
static void radix(uint64_t *a, uint64_t *b, size_t *pa, size_t *pb, size_t n)
{
	uint64_t *src = a, *dst = b;
	size_t *psrc = pa, *pdst = pb;
	for (unsigned shift = 0; shift < 64; shift += 8) {
		size_t count[256] = { 0 };
		for (size_t i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xff]++;
		if (count[(src[0] >> shift) & 0xff] == n)
			continue;
		size_t pos = 0;
		for (int k = 0; k < 256; k++) {
			size_t c = count[k];
			count[k] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++) {
			size_t at = count[(src[i] >> shift) & 0xff]++;
			dst[at] = src[i];
			if (psrc)
				pdst[at] = psrc[i];
		}
		uint64_t *t = src;
		src = dst;
		dst = t;
		size_t *pt = psrc;
		psrc = pdst;
		pdst = pt;
	}
	if (src != a) {
		memcpy(a, src, n * sizeof *a);
		if (pa)
			memcpy(pa, psrc, n * sizeof *pa);
	}
}

#define SIGN_FLIP ((uint64_t)1 << 63)

void dp_dec_sort(dp_dec *v, size_t n)
{
	if (n < 2)
		return;
	uint64_t *a = (uint64_t *)v, *b = dp_xmalloc(n * sizeof *b);
	for (size_t i = 0; i < n; i++)
		a[i] ^= SIGN_FLIP;
	radix(a, b, NULL, NULL, n);
	for (size_t i = 0; i < n; i++)
		a[i] ^= SIGN_FLIP;
	free(b);
}

void dp_dec_order(const dp_dec *v, size_t n, size_t *perm)
{
	uint64_t *a = dp_xcalloc(2 * n + 1, sizeof *a);
	size_t *pb = dp_xcalloc(n + 1, sizeof *pb);
	for (size_t i = 0; i < n; i++) {
		a[i] = (uint64_t)v[i] ^ SIGN_FLIP;
		perm[i] = i;
	}
	radix(a, a + n, perm, pb, n);
	free(a);
	free(pb);
}
