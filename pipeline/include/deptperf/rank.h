/* Ranking and statistics of SPEC §6: competition ranks (1, 2, 2, 4) on the
 * total, descending, within a fiscal year, ties listed by dept_code; ranks
 * within a 主管部门 and within a sector; the share of departments with a
 * lower total (percentile); nearest-rank quantiles; Kendall's tau-b between
 * two rankings (the scenarios of §6).  Pure functions over
 * caller-owned arrays: no I/O, thread-safe on distinct arrays.
 */
#ifndef DEPTPERF_RANK_H
#define DEPTPERF_RANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/decimal.h"

/* One submission of a year.  The caller fills the inputs; dp_rank_year
 * fills the rest. */
struct dp_rank {
	/* inputs */
	size_t row;                    /* the caller's, carried along */
	dp_dec total;
	bool has;                      /* false: no total (ranked last, rank 0) */
	const char *code, *parent, *sector;
	/* outputs */
	uint32_t parent_id, sector_id; /* the place of parent, sector among the year's, in byte order */
	size_t rank, rank_parent, rank_sector;
	size_t lower;                  /* departments of the year with a lower total */
};

/* Ranks v[0..n), one fiscal year, and sorts v into (rank, dept_code) order:
 * total descending, entries without a total last, ties by the byte order of
 * code (codes are distinct within a year).  rank_parent and rank_sector are
 * the same ranking within each parent and sector.  Returns the number of
 * distinct sectors; *sectors (when not NULL) gets them in byte order, a
 * heap array of pointers into v's strings, which the caller frees.  One
 * comparison sort of numbers, then a counting sort per grouping: no string
 * is compared more than once per distinct value.  Never fails. */
size_t dp_rank_year(struct dp_rank *v, size_t n, const char ***sectors);

/* The competition ranks alone, for entries already in their tie order
 * (dept_code order, as dp-score writes a year): ord[0..n) gets the entries
 * in rank order (total descending, those without one last, ties in index
 * order) and rank[entry] its rank, 0 without a total.  On a year in
 * dept_code order, the ranks and order of dp_rank_year, without its
 * groupings; a radix sort, O(n). */
void dp_rank_ordered(const dp_dec *total, const bool *has, size_t n, size_t *ord, size_t *rank);

/* A counting sort: out[0..n) gets the entries ord[0..n) (ord NULL: 0..n-1)
 * in order of group[entry] < ngroups, keeping their order within a group;
 * start (ngroups + 1 places, may be NULL) gets where each group begins in
 * out, start[ngroups] = n. */
void dp_rank_by_group(const size_t *ord, size_t n, const uint32_t *group, size_t ngroups, size_t *out,
		      size_t *start);

/* The nearest-rank quantile of sorted v[0..n), n >= 1: the ⌈q·n⌉-th
 * smallest, q = pct / 100 (at least the first). */
dp_dec dp_nearest_rank(const dp_dec *v, size_t n, unsigned pct);

/* Kendall's tau-b of the pairs (x[i], y[i]), i < n, ties included, in
 * O(n log n) (Knight 1966: a sort by x then y, and a merge sort by y that
 * counts the pairs it swaps).  *tau gets it rounded half away from zero to
 * 4 decimals, exactly (an integer of 10^-4: 10000 is 1).  False when it is
 * undefined: fewer than two pairs, or every x or every y the same; and
 * past DP_TAU_MAX pairs, where the exact rounding would overflow. */
#define DP_TAU_MAX 40000000
bool dp_kendall_tau_b(const dp_dec *x, const dp_dec *y, size_t n, int32_t *tau);

#endif
