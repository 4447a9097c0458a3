/* Ranking and statistics of SPEC §6 (rank.h). */
#include "deptperf/rank.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/buf.h"
#include "deptperf/keymap.h"

struct idstr {
	const char *s;
	uint32_t id;       /* in order of first appearance */
};

static int idstr_cmp(const void *p, const void *q)
{
	return strcmp(((const struct idstr *)p)->s, ((const struct idstr *)q)->s);
}

/* id[i] for each string s(i, ctx), i < n, such that id[i] < id[j] exactly
 * when strcmp(s(i), s(j)) < 0: each string is hashed once and only the
 * distinct ones are sorted (a province has a few sectors and parents, and
 * a million departments).  Returns how many are distinct; *sorted, when not
 * NULL, gets them in byte order. */
static size_t string_ids(size_t n, const char *(*s)(const void *, size_t), const void *ctx, uint32_t *id,
			 const char ***sorted)
{
	struct dp_keymap *m = dp_keymap_new(sizeof(uint32_t));
	struct idstr *d = NULL;
	size_t nd = 0, cap = 0;
	for (size_t i = 0; i < n; i++) {
		bool created;
		const char *str = s(ctx, i);
		uint32_t *slot = dp_keymap_put(m, str, &created);
		if (created) {
			DP_GROW(d, nd, cap);
			d[nd] = (struct idstr){ str, (uint32_t)nd };
			*slot = (uint32_t)nd++;
		}
		id[i] = *slot;
	}
	dp_keymap_free(m);
	dp_qsort(d, nd, sizeof *d, idstr_cmp);
	uint32_t *place = dp_xcalloc(nd + 1, sizeof *place);
	for (size_t k = 0; k < nd; k++)
		place[d[k].id] = (uint32_t)k;
	for (size_t i = 0; i < n; i++)
		id[i] = place[id[i]];
	free(place);
	if (sorted) {
		const char **out = dp_xcalloc(nd + 1, sizeof *out);
		for (size_t k = 0; k < nd; k++)
			out[k] = d[k].s;
		*sorted = out;
	}
	free(d);
	return nd;
}

static const char *rk_parent(const void *v, size_t i)
{
	return ((const struct dp_rank *)v)[i].parent;
}

static const char *rk_sector(const void *v, size_t i)
{
	return ((const struct dp_rank *)v)[i].sector;
}

static const char *rk_code(const void *v, size_t i)
{
	return ((const struct dp_rank *)v)[i].code;
}

/* The order of the year: total descending (departments without a total
 * last), then dept_code; the code as its place among the year's codes. */
struct rkey {
	uint64_t total;    /* descending totals as ascending numbers; UINT64_MAX: none */
	uint32_t code;
	uint32_t i;
};

static int rkey_cmp(const void *p, const void *q)
{
	const struct rkey *x = p, *y = q;
	if (x->total != y->total)
		return x->total < y->total ? -1 : 1;
	return (x->code > y->code) - (x->code < y->code);
}

/* Competition ranks (1, 2, 2, 4) of v[ord[0..n)] taken in that order, which
 * is (group, total descending, dept_code), the groups being the parents
 * (by_parent), the sectors (by_sector) or the whole year.  which: the rank
 * written (0 overall, 1 in parent, 2 in sector). */
static void competition(struct dp_rank *v, const size_t *ord, size_t n, bool by_parent, bool by_sector, int which)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		struct dp_rank *x = &v[ord[i]], *p = i ? &v[ord[i - 1]] : NULL;
		if (p && ((by_parent && p->parent_id != x->parent_id) || (by_sector && p->sector_id != x->sector_id)))
			start = i;
		size_t r;
		if (i > start && x->has && p->has && x->total == p->total)
			r = which == 0 ? p->rank : which == 1 ? p->rank_parent : p->rank_sector;
		else
			r = i - start + 1;
		if (!x->has)
			r = 0;
		if (which == 0)
			x->rank = r;
		else if (which == 1)
			x->rank_parent = r;
		else
			x->rank_sector = r;
	}
}

/* Used here for the ranks in parent and sector, and by dp-aggregate for the
 * rows of each sector. */
void dp_rank_by_group(const size_t *ord, size_t n, const uint32_t *group, size_t ngroups, size_t *out, size_t *start)
{
	size_t *at = dp_xcalloc(ngroups + 1, sizeof *at);
	for (size_t j = 0; j < n; j++)
		at[group[ord ? ord[j] : j]]++;
	for (size_t g = 0, pos = 0; g <= ngroups; g++) {
		size_t k = at[g];
		at[g] = pos;
		if (start)
			start[g] = pos;
		pos += k;
	}
	for (size_t j = 0; j < n; j++) {
		size_t e = ord ? ord[j] : j;
		out[at[group[e]]++] = e;
	}
	free(at);
}

size_t dp_rank_year(struct dp_rank *v, size_t n, const char ***sectors)
{
	size_t with = 0;
	for (size_t i = 0; i < n; i++)
		with += v[i].has;
	uint32_t *pid = dp_xcalloc(n + 1, sizeof *pid), *sid = dp_xcalloc(n + 1, sizeof *sid);
	size_t nparents = string_ids(n, rk_parent, v, pid, NULL);
	size_t nsec = string_ids(n, rk_sector, v, sid, sectors);
	for (size_t i = 0; i < n; i++) {
		v[i].parent_id = pid[i];
		v[i].sector_id = sid[i];
	}
	/* dp-score writes totals in dept_code order; else the codes are placed */
	bool coded = true;
	for (size_t i = 1; i < n && coded; i++)
		coded = strcmp(v[i - 1].code, v[i].code) < 0;
	uint32_t *ids = NULL;
	if (!coded) {
		ids = dp_xcalloc(n + 1, sizeof *ids);
		string_ids(n, rk_code, v, ids, NULL);
	}
	struct rkey *k = dp_xcalloc(n + 1, sizeof *k);
	for (size_t i = 0; i < n; i++) {
		/* -total as an unsigned number that keeps the order */
		uint64_t u = (uint64_t)v[i].total ^ ((uint64_t)1 << 63);
		k[i] = (struct rkey){ v[i].has ? ~u : UINT64_MAX, coded ? (uint32_t)i : ids[i], (uint32_t)i };
		if (v[i].has && k[i].total == UINT64_MAX) /* total INT64_MIN, which no score can be */
			k[i].total--;
	}
	free(ids);
	dp_qsort(k, n, sizeof *k, rkey_cmp);
	size_t *ord = dp_xcalloc(n + 1, sizeof *ord), *grp = dp_xcalloc(n + 1, sizeof *grp);
	for (size_t i = 0; i < n; i++)
		ord[i] = k[i].i;
	free(k);
	competition(v, ord, n, false, false, 0);
	dp_rank_by_group(ord, n, pid, nparents, grp, NULL); /* (parent, total, code) */
	competition(v, grp, n, true, false, 1);
	dp_rank_by_group(ord, n, sid, nsec, grp, NULL);    /* (sector, total, code) */
	competition(v, grp, n, false, true, 2);
	free(pid);
	free(sid);
	struct dp_rank *sorted = dp_xcalloc(n + 1, sizeof *sorted);
	for (size_t i = 0; i < n; i++)
		sorted[i] = v[ord[i]];
	memcpy(v, sorted, n * sizeof *v);
	free(sorted);
	free(grp);
	free(ord);
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j + 1 < n && v[j + 1].has && v[i].has && v[j + 1].total == v[i].total)
			j++;
		for (size_t q = i; q <= j; q++)
			v[q].lower = v[q].has ? with - (j + 1) : 0;
		i = j;
	}
	return nsec;
}

void dp_rank_ordered(const dp_dec *total, const bool *has, size_t n, size_t *ord, size_t *rank)
{
	dp_dec *key = dp_xcalloc(n + 1, sizeof *key);
	for (size_t i = 0; i < n; i++) {
		assert(!has[i] || total[i] > INT64_MIN); /* so that −total fits */
		key[i] = has[i] ? -total[i] : INT64_MAX;
	}
	dp_dec_order(key, n, ord); /* stable: ties stay in index order */
	free(key);
	for (size_t j = 0; j < n; j++) {
		size_t i = ord[j], p = j ? ord[j - 1] : 0;
		rank[i] = !has[i] ? 0 : j && has[p] && total[p] == total[i] ? rank[p] : j + 1;
	}
}

dp_dec dp_nearest_rank(const dp_dec *v, size_t n, unsigned pct)
{
	assert(n >= 1 && pct <= 100);
	size_t k = (pct * n + 99) / 100;
	if (k < 1)
		k = 1;
	return v[k - 1];
}

/* ---- Kendall's tau-b (Knight's algorithm) ---- */

struct pair {
	dp_dec x, y;
};

static int pair_cmp(const void *p, const void *q)
{
	const struct pair *a = p, *b = q;
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	return (a->y > b->y) - (a->y < b->y);
}

/* Pairs within runs of equal key: Σ t(t-1)/2 over the runs of v[0..n),
 * sorted so that equal keys are adjacent (same: do two entries tie). */
static uint64_t tied_pairs(const struct pair *v, size_t n, bool both)
{
	uint64_t t = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && (both ? v[j].x == v[i].x && v[j].y == v[i].y : v[j].x == v[i].x))
			j++;
		t += (uint64_t)(j - i) * (j - i - 1) / 2;
		i = j;
	}
	return t;
}

/* Sorts v[0..n) by y, stably, through tmp; returns the number of pairs it
 * swapped (i < j with y[i] > y[j] before). */
static uint64_t sort_y(struct pair *v, struct pair *tmp, size_t n)
{
	if (n < 2)
		return 0;
	size_t h = n / 2;
	uint64_t s = sort_y(v, tmp, h) + sort_y(v + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n) {
		if (v[j].y < v[i].y) {
			s += h - i; /* v[j] goes before every left entry still waiting */
			tmp[k++] = v[j++];
		} else {
			tmp[k++] = v[i++];
		}
	}
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
	return s;
}

bool dp_kendall_tau_b(const dp_dec *x, const dp_dec *y, size_t n, int32_t *tau)
{
	if (n < 2 || n > DP_TAU_MAX)
		return false;
	struct pair *v = dp_xcalloc(n, sizeof *v), *tmp = dp_xcalloc(n, sizeof *tmp);
	for (size_t i = 0; i < n; i++)
		v[i] = (struct pair){ x[i], y[i] };
	dp_qsort(v, n, sizeof *v, pair_cmp);
	uint64_t n0 = (uint64_t)n * (n - 1) / 2;
	uint64_t n1 = tied_pairs(v, n, false), n3 = tied_pairs(v, n, true);
	uint64_t swaps = sort_y(v, tmp, n);
	for (size_t i = 0; i < n; i++) /* ties in y: the pairs as (y, y) */
		v[i].x = v[i].y;
	uint64_t n2 = tied_pairs(v, n, false);
	free(v);
	free(tmp);
	if (n1 == n0 || n2 == n0)
		return false;
	/* concordant − discordant, and the denominator's square */
	int64_t num = (int64_t)(n0 - n1 - n2 + n3) - 2 * (int64_t)swaps;
	dp_u128 den2 = (dp_u128)(n0 - n1) * (n0 - n2);
	/* k = |num| × 10^4 ÷ √den2 rounded half away from zero, exactly: the
	 * largest k with k − ½ ≤ that, i.e. (2k − 1)² × den2 ≤ (2 × 10^4 × |num|)².
	 * |τ| ≤ 1 keeps k ≤ 10^4, and n ≤ DP_TAU_MAX keeps |num| and √den2 below
	 * 8 × 10^14, so both sides below 2^128. */
	dp_u128 a = (dp_u128)(num < 0 ? -num : num) * 20000u;
	dp_u128 a2 = a * a;
	long k = (long)((double)(num < 0 ? -num : num) * 1e4 / sqrt((double)den2) + 0.5);
	if (k > 10000)
		k = 10000;
	while (k < 10000 && (dp_u128)(2 * k + 1) * (dp_u128)(2 * k + 1) * den2 <= a2)
		k++;
	while (k > 0 && (dp_u128)(2 * k - 1) * (dp_u128)(2 * k - 1) * den2 > a2)
		k--;
	*tau = (int32_t)(num < 0 ? -k : k);
	return true;
}
