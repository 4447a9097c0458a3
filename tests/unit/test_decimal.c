#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "deptperf/decimal.h"

static const struct {
	const char *in;
	enum dp_dec_err err;
	const char *out; /* formatted with 0..8 decimals */
} parse_cases[] = {
	{ "0", DP_DEC_OK, "0" },
	{ "3998.03", DP_DEC_OK, "3998.03" },
	{ "-12.5", DP_DEC_OK, "-12.5" },
	{ "+7", DP_DEC_OK, "7" },
	{ "1,234,567.89", DP_DEC_OK, "1234567.89" },
	{ "(12.50)", DP_DEC_OK, "-12.5" },
	{ "1.2E+07", DP_DEC_OK, "12000000" },
	{ "1.2e7", DP_DEC_OK, "12000000" },
	{ "2.5E-3", DP_DEC_OK, "0.0025" },
	{ ".5", DP_DEC_OK, "0.5" },
	{ "12.", DP_DEC_OK, "12" },
	{ "0.00000001", DP_DEC_OK, "0.00000001" },
	{ "0.000000001", DP_DEC_PRECISION, NULL },
	{ "1,23", DP_DEC_SYNTAX, NULL },
	{ "1234,567", DP_DEC_SYNTAX, NULL },
	{ ",123", DP_DEC_SYNTAX, NULL },
	{ "12,345,67", DP_DEC_SYNTAX, NULL },
	{ "1.2.3", DP_DEC_SYNTAX, NULL },
	{ "", DP_DEC_SYNTAX, NULL },
	{ "-", DP_DEC_SYNTAX, NULL },
	{ "abc", DP_DEC_SYNTAX, NULL },
	{ "1e", DP_DEC_SYNTAX, NULL },
	{ "(-1)", DP_DEC_SYNTAX, NULL },
	{ "12 34", DP_DEC_SYNTAX, NULL },
	{ "99999999999999", DP_DEC_OVERFLOW, NULL },
	{ "1E+30", DP_DEC_OVERFLOW, NULL },
	/* at the edges of the plain form (up to 10 + 8 digits) parsed without
	 * 128-bit arithmetic, and just past them */
	{ "9999999999.99999999", DP_DEC_OK, "9999999999.99999999" },
	{ "-9999999999.99999999", DP_DEC_OK, "-9999999999.99999999" },
	{ "92233720368.54775807", DP_DEC_OK, "92233720368.54775807" },
	{ "92233720368.54775808", DP_DEC_OVERFLOW, NULL },
	{ "0.123456789", DP_DEC_PRECISION, NULL },
	{ "0.123456780", DP_DEC_OK, "0.12345678" },
	{ "-0", DP_DEC_OK, "0" },
	{ "-0.00", DP_DEC_OK, "0" },
	{ "0007.50", DP_DEC_OK, "7.5" },
	{ "-.5", DP_DEC_OK, "-0.5" },
	{ "-12.", DP_DEC_OK, "-12" },
	{ "--1", DP_DEC_SYNTAX, NULL },
	{ "1-", DP_DEC_SYNTAX, NULL },
	{ "1.5-", DP_DEC_SYNTAX, NULL },
	{ "1.-5", DP_DEC_SYNTAX, NULL },
};

Test(decimal, parse_table)
{
	for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
		dp_dec d = 0;
		enum dp_dec_err e = dp_dec_parse(parse_cases[i].in, strlen(parse_cases[i].in), &d);
		cr_expect_eq(e, parse_cases[i].err, "%s: error %d, want %d", parse_cases[i].in, e, parse_cases[i].err);
		if (parse_cases[i].out && e == DP_DEC_OK) {
			struct dp_buf b = DP_BUF_INIT;
			dp_dec_format(&b, d, 0, 8);
			cr_expect_str_eq(b.s, parse_cases[i].out, "%s", parse_cases[i].in);
			dp_buf_free(&b);
		}
	}
}

/* The plain form's quick parse and the general one agree: a leading '+'
 * or parentheses (which mean minus) send a string to the general parser. */
Test(decimal, plain_form_parses_like_the_general_parser)
{
	static const char alphabet[] = "0123456789.-9";
	uint64_t x = 2463534242u;
	char s[40], g[44];
	for (int k = 0; k < 200000; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		size_t n = 1 + x % 22;
		uint64_t y = x;
		for (size_t i = 0; i < n; i++) {
			s[i] = alphabet[y % 13];
			y = y / 13 ? y / 13 : x * 2654435761u + i;
		}
		s[n] = '\0';
		if (s[0] == '-')
			snprintf(g, sizeof g, "(%s)", s + 1);
		else
			snprintf(g, sizeof g, "+%s", s);
		dp_dec a = 0, b = 0;
		enum dp_dec_err ea = dp_dec_parse(s, n, &a), eb = dp_dec_parse(g, strlen(g), &b);
		if (ea == DP_DEC_OK || eb == DP_DEC_OK) {
			cr_assert_eq(ea, eb, "%s: %d, general %d", s, ea, eb);
			cr_assert_eq(a, b, "%s", s);
		}
	}
}

static const struct {
	dp_dec v;
	int min, max;
	const char *out;
} format_cases[] = {
	{ 0, 2, 2, "0.00" },
	{ 12345000000, 2, 4, "123.45" },
	{ 39980300, 2, 4, "0.3998" },       /* 3998.03 元 in 万元, four decimals: rounded */
	{ 39980300, 2, 8, "0.399803" },     /* exact */
	{ 500000, 2, 2, "0.01" },           /* 0.005 half away from zero */
	{ -500000, 2, 2, "-0.01" },
	{ 499999, 2, 2, "0.00" },
	{ 100 * 100000000LL, 0, 0, "100" },
};

Test(decimal, format_table)
{
	for (size_t i = 0; i < sizeof format_cases / sizeof format_cases[0]; i++) {
		struct dp_buf b = DP_BUF_INIT;
		dp_dec_format(&b, format_cases[i].v, format_cases[i].min, format_cases[i].max);
		cr_expect_str_eq(b.s, format_cases[i].out, "case %zu", i);
		dp_buf_free(&b);
	}
}

/* The formatter against the plainest reference (digits by printf from the
 * rounded 128-bit value, zeros stripped one by one): edge values and
 * 100 000 pseudo-random ones, every (min, max) from 0 to 8. */
static void reference_format(char *out, size_t cap, dp_dec d, int min, int max)
{
	dp_i128 a = d < 0 ? -(dp_i128)d : (dp_i128)d, unit = 1;
	for (int k = 0; k < 8 - max; k++)
		unit *= 10;
	dp_i128 v = a / unit;
	if (2 * (a % unit) >= unit)
		v++;
	char digits[64];
	snprintf(digits, sizeof digits, "%0*llu", max + 1, (unsigned long long)v);
	size_t n = strlen(digits);
	int dec = max;
	while (dec > min && digits[n - 1] == '0') {
		digits[--n] = '\0';
		dec--;
	}
	snprintf(out, cap, "%s%.*s%s%s", d < 0 && v != 0 ? "-" : "", (int)(n - (size_t)dec), digits, dec ? "." : "",
		 digits + n - (size_t)dec);
}

Test(decimal, format_agrees_with_a_reference_everywhere)
{
	static const dp_dec edge[] = { 0, 1, -1, 5, 49999999, 50000000, 99999999, 100000000, 399762000000,
				       1000000000000, -1000000000000, 123456789012345678, INT64_MAX, INT64_MIN + 1,
				       4999, 5000, -5000, 999999995000000, 10, 100, 1000, 10000, 100000 };
	uint64_t x = 88172645463325252ULL;
	struct dp_buf b = DP_BUF_INIT;
	char want[80];
	for (size_t i = 0; i < 100000 + sizeof edge / sizeof *edge; i++) {
		dp_dec d;
		if (i < sizeof edge / sizeof *edge) {
			d = edge[i];
		} else {
			x ^= x << 13; /* xorshift64 */
			x ^= x >> 7;
			x ^= x << 17;
			/* spread over every magnitude, many with trailing zeros */
			d = (dp_dec)(x >> (x % 50 + 1)) / (dp_dec)((x >> 60) % 2 ? 1 : 10000);
			if (x & 1)
				d = -d;
		}
		for (int max = 0; max <= 8; max++)
			for (int min = 0; min <= max; min++) {
				dp_buf_reset(&b);
				dp_dec_format(&b, d, min, max);
				reference_format(want, sizeof want, d, min, max);
				if (strcmp(b.s, want) != 0)
					cr_assert_fail("%lld with %d..%d decimals: %s, not %s", (long long)d, min, max, b.s, want);
			}
	}
	dp_buf_free(&b);
}

Test(decimal, shift_units)
{
	dp_dec d, out;
	cr_assert_eq(dp_dec_parse("3998.03", 7, &d), DP_DEC_OK);
	cr_expect_eq(dp_dec_shift(d, -4, &out), DP_DEC_OK); /* 元 → 万元 */
	cr_expect_eq(out, 39980300);
	cr_expect_eq(dp_dec_shift(d, 4, &out), DP_DEC_OK); /* 亿元 → 万元 */
	cr_expect_eq(out, 399803000000LL * 10000);
	cr_assert_eq(dp_dec_parse("0.123", 5, &d), DP_DEC_OK);
	cr_expect_eq(dp_dec_shift(d, -6, &out), DP_DEC_PRECISION);
}

Test(decimal, round_half_away_at_the_edges)
{
	static const struct {
		int64_t n, d;
		dp_dec cents; /* result in 10^-8 */
	} cases[] = {
		{ 1, 3, 33000000 },            /* 0.333… → 0.33 */
		{ 2, 3, 67000000 },            /* 0.666… → 0.67 */
		{ 1005, 100000, 1000000 },     /* 0.01005 → 0.01 */
		{ 125, 10000, 1000000 },       /* 0.0125 → 0.01 */
		{ 15, 1000, 2000000 },         /* 0.015 exactly → 0.02 */
		{ -15, 1000, -2000000 },       /* -0.015 → -0.02 */
		{ 14661, 1000, 1466000000 },   /* 14.661 → 14.66 (the seed's 专项资金绩效) */
		{ 30496, 10000, 305000000 },   /* 3.0496 → 3.05 (the seed's 支出率) */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct dp_rat r = { cases[i].n, cases[i].d };
		dp_dec v;
		cr_assert(dp_rat_round_cent(r, &v));
		cr_expect_eq(v, cases[i].cents, "case %zu: %lld", i, (long long)v);
	}
	cr_expect_eq(dp_dec_round_cent(1500000), 2000000);
	cr_expect_eq(dp_dec_round_cent(-1500000), -2000000);
	cr_expect_eq(dp_dec_round_cent(1499999), 1000000);
}

Test(decimal, round_half_away_beyond_64_bits)
{
	/* numerators and denominators past 64 bits take the 128-bit division,
	 * the rest a 64-bit one: both must round the same way at the half */
	const dp_i128 big = (dp_i128)1 << 70;
	static const struct {
		int64_t n, d;
	} halves[] = { { 15, 1000 }, { -15, 1000 }, { 1, 3 }, { 2, 3 }, { 5, 1000 }, { -5, 1000 } };
	for (size_t i = 0; i < sizeof halves / sizeof halves[0]; i++) {
		struct dp_rat small = { halves[i].n, halves[i].d };
		struct dp_rat scaled = { (dp_i128)halves[i].n * big, (dp_i128)halves[i].d * big };
		dp_dec a, b;
		cr_assert(dp_rat_round_cent(small, &a));
		cr_assert(dp_rat_round_cent(scaled, &b));
		cr_expect_eq(a, b, "case %zu: %lld in 64 bits, %lld in 128", i, (long long)a, (long long)b);
	}
	/* (2^64 - 1) / (2·10^10): the numerator ×100 leaves 64 bits; 92233720368.55 → …69 */
	struct dp_rat edge = { (dp_i128)UINT64_MAX, (dp_i128)2 * 100 * DP_DEC_ONE };
	dp_dec v;
	cr_assert(dp_rat_round_cent(edge, &v));
	cr_expect_eq(v, ((dp_dec)(UINT64_MAX / 2 / DP_DEC_ONE) + 1) * DP_CENT);
}

Test(decimal, rational_arithmetic)
{
	struct dp_rat a = dp_rat_int(1), b = dp_rat_int(3), c;
	cr_assert(dp_rat_div(a, b, &c));
	cr_expect(c.n == 1 && c.d == 3);
	cr_assert(dp_rat_add(c, c, &c));
	cr_assert(dp_rat_add(c, dp_rat_div(a, b, &b) ? b : b, &c));
	cr_expect(c.n == 1 && c.d == 1, "1/3 + 1/3 + 1/3 is exactly 1");
	cr_expect_eq(dp_rat_cmp(dp_rat_dec(DP_DEC_ONE), dp_rat_int(1)), 0);
	cr_expect(!dp_rat_div(a, dp_rat_int(0), &c), "division by zero is refused");
}

Test(decimal, fractions_reduce_exactly_in_and_beyond_64_bits)
{
	/* n = g·p, d = g·q with p, q coprime: reduced to p/q whatever the size
	 * of g (the common divisor is found in 64 bits once both fit) */
	const dp_i128 big = (dp_i128)1 << 70;
	const struct { dp_i128 g, p, q; } t[] = {
		{ 1, 7, 3 },          { 6, 5, 7 },          { 1000000007, -11, 13 },
		{ big, 3, 4 },        { big * 3, -1, 2 },   { (dp_i128)UINT64_MAX, 17, 19 },
		{ 12, big + 1, 7 },   { 1, -(big + 1), 3 }, { 100000000, 1, 100000000 },
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		struct dp_rat r = { t[i].g * t[i].p, t[i].g * t[i].q }, out;
		cr_assert(dp_rat_mul(r, dp_rat_int(1), &out), "case %zu", i);
		cr_expect(out.n == t[i].p && out.d == t[i].q, "case %zu: not reduced to p/q", i);
	}
}

static int i64_cmp(const void *x, const void *y)
{
	dp_dec a = *(const dp_dec *)x, b = *(const dp_dec *)y;
	return (a > b) - (a < b);
}

Test(decimal, sort_orders_like_a_comparison_sort)
{
	/* negatives, zero, duplicates, the extremes, values that differ only
	 * in a high byte and values that share every byte but the lowest */
	size_t n = 5000;
	dp_dec *v = malloc(n * sizeof *v), *w = malloc(n * sizeof *w);
	uint64_t x = 88172645463325252u;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		switch (i % 5) {
		case 0: v[i] = (dp_dec)(x % 20000) - 10000; break;
		case 1: v[i] = (dp_dec)x; break;
		case 2: v[i] = (dp_dec)(x % 7) * 100000000; break;
		case 3: v[i] = i % 2 ? INT64_MAX : INT64_MIN; break;
		default: v[i] = (dp_dec)((x & 0xff) << 48); break;
		}
	}
	memcpy(w, v, n * sizeof *v);
	dp_dec_sort(v, n);
	qsort(w, n, sizeof *w, i64_cmp);
	cr_expect_eq(memcmp(v, w, n * sizeof *v), 0);
	dp_dec one = -5;
	dp_dec_sort(&one, 1);
	cr_expect_eq(one, -5);
	dp_dec_sort(NULL, 0);
	dp_dec same[3] = { 7, 7, 7 };
	dp_dec_sort(same, 3);
	cr_expect(same[0] == 7 && same[2] == 7);
	/* dp_dec_order on the unsorted values: w is v sorted, and equal
	 * values keep their index order */
	size_t *perm = malloc(n * sizeof *perm);
	memcpy(v, w, n * sizeof *v);
	for (size_t i = 0; i < n; i++) { /* back to an unsorted order */
		size_t j = (i * 7919) % n;
		dp_dec t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
	dp_dec_order(v, n, perm);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(v[perm[i]], w[i], "place %zu", i);
		if (i)
			cr_assert(v[perm[i - 1]] != v[perm[i]] || perm[i - 1] < perm[i], "ties out of index order at %zu", i);
	}
	dp_dec_order(same, 3, perm);
	cr_expect(perm[0] == 0 && perm[1] == 1 && perm[2] == 2);
	dp_dec_order(&one, 1, perm);
	cr_expect_eq(perm[0], 0);
	dp_dec_order(NULL, 0, perm);
	free(perm);
	free(v);
	free(w);
}
