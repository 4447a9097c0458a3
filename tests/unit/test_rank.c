/* Ranking and statistics of SPEC §6 (rank.h), on hand-made years. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/rank.h"

#define CENTS(c) ((dp_dec)(c) * DP_CENT)

struct in {
	const char *code, *parent, *sector;
	long cents; /* the total in hundredths; < 0: no total */
};
struct want {
	const char *code;
	size_t rank, rank_parent, rank_sector, lower;
};

static void check(const struct in *in, size_t n, const struct want *w, size_t nsec_want, const char *const *sec_want)
{
	struct dp_rank *v = calloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		v[i].row = 100 + i;
		v[i].code = in[i].code;
		v[i].parent = in[i].parent;
		v[i].sector = in[i].sector;
		v[i].has = in[i].cents >= 0;
		v[i].total = v[i].has ? CENTS(in[i].cents) : 0;
	}
	const char **sectors = NULL;
	size_t nsec = dp_rank_year(v, n, &sectors);
	cr_expect_eq(nsec, nsec_want);
	for (size_t k = 0; k < nsec && k < nsec_want; k++)
		cr_expect_str_eq(sectors[k], sec_want[k], "sector %zu", k);
	for (size_t i = 0; i < n; i++) {
		cr_expect_str_eq(v[i].code, w[i].code, "place %zu", i);
		cr_expect_eq(v[i].rank, w[i].rank, "%s: rank %zu", w[i].code, v[i].rank);
		cr_expect_eq(v[i].rank_parent, w[i].rank_parent, "%s: rank in parent %zu", w[i].code, v[i].rank_parent);
		cr_expect_eq(v[i].rank_sector, w[i].rank_sector, "%s: rank in sector %zu", w[i].code, v[i].rank_sector);
		cr_expect_eq(v[i].lower, w[i].lower, "%s: lower %zu", w[i].code, v[i].lower);
		/* the caller's row travels with its entry */
		cr_expect_str_eq(in[v[i].row - 100].code, v[i].code);
		cr_expect_str_eq(sectors[v[i].sector_id], v[i].sector);
	}
	free(sectors);
	free(v);
}

Test(rank, competition_ranks_ties_by_code_and_groups)
{
	/* given out of code order: the codes decide ties, not the input order */
	static const struct in in[] = {
		{ "D", "P1", "教育", 9000 }, { "B", "P2", "公安", 9550 }, { "A", "P1", "教育", 9000 },
		{ "C", "P2", "教育", 9000 }, { "E", "P1", "公安", 8001 }, { "F", "P2", "公安", -1 },
	};
	static const struct want w[] = {
		{ "B", 1, 1, 1, 4 }, { "A", 2, 1, 1, 1 }, { "C", 2, 2, 1, 1 },
		{ "D", 2, 1, 1, 1 }, { "E", 5, 3, 2, 0 }, { "F", 0, 0, 0, 0 },
	};
	static const char *const sec[] = { "公安", "教育" };
	check(in, 6, w, 2, sec);
}

Test(rank, one_department_and_all_tied)
{
	static const struct in one[] = { { "X", "X", "未分类", 1234 } };
	static const struct want w1[] = { { "X", 1, 1, 1, 0 } };
	static const char *const sec[] = { "未分类" };
	check(one, 1, w1, 1, sec);
	static const struct in tied[] = { { "c", "p", "s", 5000 }, { "a", "p", "s", 5000 }, { "b", "p", "s", 5000 } };
	static const struct want wt[] = { { "a", 1, 1, 1, 0 }, { "b", 1, 1, 1, 0 }, { "c", 1, 1, 1, 0 } };
	static const char *const s1[] = { "s" };
	check(tied, 3, wt, 1, s1);
}

Test(rank, totals_that_differ_by_a_cent_are_not_tied)
{
	static const struct in in[] = { { "a", "p", "s", 9694 }, { "b", "p", "s", 9695 }, { "c", "p", "s", 0 } };
	static const struct want w[] = { { "b", 1, 1, 1, 2 }, { "a", 2, 2, 2, 1 }, { "c", 3, 3, 3, 0 } };
	static const char *const sec[] = { "s" };
	check(in, 3, w, 1, sec);
}

Test(rank, nearest_rank_is_the_ceiling_of_q_n)
{
	dp_dec v[10];
	for (int i = 0; i < 10; i++)
		v[i] = CENTS(100 * (i + 1));
	static const struct {
		size_t n;
		unsigned pct;
		int want;
	} cases[] = {
		{ 10, 50, 5 }, { 10, 10, 1 }, { 10, 90, 9 }, { 10, 100, 10 }, { 10, 0, 1 }, { 1, 50, 1 },
		{ 1, 90, 1 },  { 3, 50, 2 },  { 3, 10, 1 },  { 3, 90, 3 },    { 4, 50, 2 }, { 9, 10, 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		cr_expect_eq(dp_nearest_rank(v, cases[i].n, cases[i].pct), CENTS(100 * cases[i].want), "n %zu, p%u", cases[i].n,
			     cases[i].pct);
}

Test(rank, by_group_keeps_the_order_within_a_group)
{
	static const uint32_t group[] = { 2, 0, 1, 0, 2, 1 };
	static const size_t ord[] = { 5, 4, 3, 2, 1, 0 };
	size_t out[6], start[4];
	dp_rank_by_group(ord, 6, group, 3, out, start);
	static const size_t want[] = { 3, 1, 5, 2, 4, 0 };
	for (int i = 0; i < 6; i++)
		cr_expect_eq(out[i], want[i], "place %d", i);
	static const size_t want_start[] = { 0, 2, 4, 6 };
	for (int g = 0; g < 4; g++)
		cr_expect_eq(start[g], want_start[g], "group %d", g);
	dp_rank_by_group(NULL, 6, group, 3, out, NULL);
	static const size_t want_id[] = { 1, 3, 2, 5, 0, 4 };
	for (int i = 0; i < 6; i++)
		cr_expect_eq(out[i], want_id[i], "place %d", i);
}

/* Kendall's tau-b (scenario_summary.csv.gz): hand-made pairs, ties in x, y
 * and both, and the undefined cases. */
static void tau_case(const long *x, const long *y, size_t n, bool defined, int32_t want)
{
	dp_dec *dx = calloc(n + 1, sizeof *dx), *dy = calloc(n + 1, sizeof *dy);
	for (size_t i = 0; i < n; i++) {
		dx[i] = CENTS(x[i]);
		dy[i] = CENTS(y[i]);
	}
	int32_t tau = 12345;
	cr_expect_eq(dp_kendall_tau_b(dx, dy, n, &tau), defined, "n %zu", n);
	if (defined)
		cr_expect_eq(tau, want, "tau %d, want %d", tau, want);
	free(dx);
	free(dy);
}

Test(rank, kendall_tau_b_by_hand)
{
	long up[] = { 1, 2, 3, 4 }, down[] = { 4, 3, 2, 1 };
	tau_case(up, up, 4, true, 10000);
	tau_case(up, down, 4, true, -10000);
	long a[] = { 1, 2, 3 }, b[] = { 1, 3, 2 };
	tau_case(a, b, 3, true, 3333); /* (2 − 1) / 3 */
	long tx[] = { 1, 2, 2, 3 }, ty[] = { 1, 3, 2, 4 };
	tau_case(tx, ty, 4, true, 9129); /* 5 / √30 = 0.91287… */
	long bx[] = { 1, 1, 2, 2 };
	tau_case(bx, bx, 4, true, 10000); /* ties in both, the same pairs */
	/* scipy.stats.kendalltau's example: −0.47140452… */
	long sx[] = { 12, 2, 1, 12, 2 }, sy[] = { 1, 4, 7, 1, 0 };
	tau_case(sx, sy, 5, true, -4714);
	long same[] = { 5, 5, 5 };
	tau_case(same, a, 3, false, 0); /* every x tied */
	tau_case(a, same, 3, false, 0);
	tau_case(a, b, 1, false, 0);
	tau_case(a, b, 0, false, 0);
}

/* Against the definition, O(n²), on pairs with many ties: the result is
 * the exact value rounded half away from zero to 4 decimals. */
Test(rank, kendall_tau_b_is_the_definition_rounded)
{
	unsigned seed = 7;
	for (int round = 0; round < 40; round++) {
		size_t n = 2 + (size_t)round * 7;
		dp_dec *x = calloc(n, sizeof *x), *y = calloc(n, sizeof *y);
		for (size_t i = 0; i < n; i++) {
			x[i] = CENTS(rand_r(&seed) % (3 + round));
			y[i] = CENTS(rand_r(&seed) % 5) + x[i] * (round % 3);
		}
		long long nc = 0, nd = 0, t1 = 0, t2 = 0;
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; j < n; j++) {
				dp_dec ex = x[i] - x[j], ey = y[i] - y[j];
				if (!ex && !ey)
					continue;
				if (!ex)
					t1++;
				else if (!ey)
					t2++;
				else if ((ex > 0) == (ey > 0))
					nc++;
				else
					nd++;
			}
		int32_t tau;
		bool got = dp_kendall_tau_b(x, y, n, &tau);
		long double den = sqrtl((long double)(nc + nd + t1) * (long double)(nc + nd + t2));
		cr_expect_eq(got, den > 0, "round %d", round);
		if (got && den > 0) {
			long double exact = (long double)(nc - nd) / den * 10000.0L;
			cr_expect(fabsl(exact - tau) <= 0.5L + 1e-9L, "round %d: %d for %.6Lf", round, tau, exact);
		}
		free(x);
		free(y);
	}
}
