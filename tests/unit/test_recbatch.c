#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "deptperf/recbatch.h"

/* Record i: i % 7 fields, field j of it "r<i>f<j>" repeated j times, some
 * empty, one long. */
static void make(size_t i, struct dp_buf *bytes, const char **f, size_t *len, struct dp_record *r)
{
	size_t n = i % 7;
	dp_buf_reset(bytes);
	size_t at[8];
	for (size_t j = 0; j < n; j++) {
		at[j] = bytes->len;
		size_t reps = i % 50 == 3 && j == 1 ? 2000 : j;
		for (size_t k = 0; k < reps; k++)
			dp_buf_addf(bytes, "r%zuf%zu", i, j);
		len[j] = bytes->len - at[j];
		dp_buf_addc(bytes, '\0');
	}
	for (size_t j = 0; j < n; j++)
		f[j] = bytes->s + at[j];
	*r = (struct dp_record){ n, f, len, 1000 + 3 * i, 0 };
}

static void check(const struct dp_recbatch *b, size_t first, size_t count)
{
	struct dp_buf bytes = DP_BUF_INIT;
	const char *f[8];
	size_t len[8];
	cr_assert_eq(b->nrec, count);
	for (size_t i = 0; i < count; i++) {
		struct dp_record want, got = dp_recbatch_get(b, i);
		make(first + i, &bytes, f, len, &want);
		cr_assert_eq(got.n, want.n, "record %zu", first + i);
		cr_assert_eq(got.line, want.line);
		for (size_t j = 0; j < want.n; j++) {
			cr_assert_eq(got.len[j], want.len[j], "record %zu field %zu", first + i, j);
			cr_assert(memcmp(got.f[j], want.f[j], want.len[j] + 1) == 0, "record %zu field %zu", first + i, j);
		}
	}
	dp_buf_free(&bytes);
}

/* Adds records first..first+count-1 to b and seals it; the source of each
 * is overwritten by the next. */
static void fill(struct dp_recbatch *b, size_t first, size_t count)
{
	struct dp_buf bytes = DP_BUF_INIT;
	const char *f[8];
	size_t len[8];
	struct dp_record r;
	for (size_t i = first; i < first + count; i++) {
		make(i, &bytes, f, len, &r);
		dp_recbatch_add(b, &r);
	}
	dp_recbatch_seal(b);
	dp_buf_free(&bytes);
}

Test(recbatch, records_come_back_as_they_went_in)
{
	struct dp_recbatch b = DP_RECBATCH_INIT;
	/* enough to grow every array several times */
	fill(&b, 0, 5000);
	check(&b, 0, 5000);
	/* cleared and filled again with fewer: nothing of the first left */
	dp_recbatch_clear(&b);
	cr_expect_eq(b.nrec, 0);
	fill(&b, 7000, 100);
	check(&b, 7000, 100);
	dp_recbatch_free(&b);
	dp_recbatch_free(&b); /* twice is harmless */
}
