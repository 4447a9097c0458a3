#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "deptperf/copier.h"
#include "deptperf/stage.h"
#include "helpers.h"

/* dir/<stem><i, 3 digits><tail> */
static char *path_of(const char *dir, const char *stem, int i, const char *tail)
{
	struct dp_buf b = DP_BUF_INIT;
	dp_buf_addf(&b, "%s/%s%03d%s", dir, stem, i, tail);
	return dp_buf_detach(&b);
}

Test(copier, copies_every_file_it_is_given)
{
	char *src = t_tmpdir(), *dst = t_tmpdir();
	struct dp_buf err = DP_BUF_INIT;
	struct dp_copier *c = dp_copier_start(&err);
	cr_assert(c, "%s", dp_buf_str(&err));
	/* more files than the queue holds at first, each with its own bytes;
	 * one empty and one of a few megabytes */
	const int n = 300;
	char *big = malloc(3 << 20);
	memset(big, 'z', 3 << 20);
	for (int i = 0; i < n; i++) {
		char text[64];
		int len = snprintf(text, sizeof text, "第%d份,%d\n", i, i * 7);
		char name[32];
		snprintf(name, sizeof name, "f%03d.csv", i);
		char *from = i == 5 ? t_write(src, name, "", 0) :
			     i == 9 ? t_write(src, name, big, 3 << 20) : t_write(src, name, text, (size_t)len);
		char *to = path_of(dst, "q", i, ".csv");
		dp_copier_add(c, from, to, NULL);
		free(from);
		free(to);
	}
	cr_assert(dp_copier_finish(c, &err), "%s", dp_buf_str(&err));
	cr_expect_eq(err.len, 0);
	for (int i = 0; i < n; i++) {
		char *to = path_of(dst, "q", i, ".csv");
		char *got = t_read_gz(to);
		char want[64];
		snprintf(want, sizeof want, "第%d份,%d\n", i, i * 7);
		if (i == 5)
			cr_expect_str_eq(got, "");
		else if (i == 9)
			cr_expect(strlen(got) == (3u << 20) && got[0] == 'z' && got[(3 << 20) - 1] == 'z');
		else
			cr_expect_str_eq(got, want, "file %d", i);
		char *tmp = path_of(dst, "q", i, ".csv.tmp");
		cr_expect(access(tmp, F_OK) != 0, "no %s left", tmp);
		free(tmp);
		free(got);
		free(to);
	}
	free(big);
	free(src);
	free(dst);
	dp_buf_free(&err);
}

Test(copier, nothing_given_is_no_error)
{
	struct dp_buf err = DP_BUF_INIT;
	struct dp_copier *c = dp_copier_start(&err);
	cr_assert(c);
	cr_expect(dp_copier_finish(c, &err));
	cr_expect_eq(err.len, 0);
	dp_buf_free(&err);
}

Test(copier, the_first_failure_is_reported_and_stops_the_copies)
{
	char *src = t_tmpdir(), *dst = t_tmpdir();
	struct dp_buf err = DP_BUF_INIT;
	struct dp_copier *c = dp_copier_start(&err);
	cr_assert(c);
	char *a = t_writes(src, "a.csv", "a\n"), *b = t_writes(src, "b.csv", "b\n");
	char *ok1 = path_of(dst, "ok", 1, ".csv"), *ok3 = path_of(dst, "ok", 3, ".csv");
	char *missing = path_of(src, "gone", 2, ".csv");
	char *nodir = path_of(dst, "no-such-folder/x", 4, ".csv");
	dp_copier_add(c, a, ok1, NULL);
	dp_copier_add(c, missing, ok3, NULL); /* cannot be read */
	dp_copier_add(c, b, nodir, NULL);     /* cannot be written */
	dp_copier_add(c, b, ok3, NULL);
	cr_expect_not(dp_copier_finish(c, &err));
	cr_expect(strstr(dp_buf_str(&err), "gone002.csv") && strstr(dp_buf_str(&err), "cannot read"),
		  "the first failure, by name: %s", dp_buf_str(&err));
	cr_expect(!strstr(dp_buf_str(&err), "no-such-folder"), "one failure reported: %s", dp_buf_str(&err));
	cr_expect(access(ok1, F_OK) == 0, "copied before the failure");
	cr_expect(access(ok3, F_OK) != 0, "nothing copied after it");
	free(a);
	free(b);
	free(ok1);
	free(ok3);
	free(missing);
	free(nodir);
	free(src);
	free(dst);
	dp_buf_free(&err);
}

Test(copier, with_a_hash_only_those_bytes_are_copied)
{
	char *src = t_tmpdir(), *dst = t_tmpdir();
	struct dp_buf err = DP_BUF_INIT;
	struct dp_copier *c = dp_copier_start(&err);
	cr_assert(c);
	char *a = t_writes(src, "a.csv", "a\n"), *b = t_writes(src, "b.csv", "b\n");
	char ha[65], hb[65];
	cr_assert(dp_sha256_file(a, ha) && dp_sha256_file(b, hb));
	char *to1 = path_of(dst, "k", 1, ".csv"), *to2 = path_of(dst, "k", 2, ".csv"), *to3 = path_of(dst, "k", 3, ".csv");
	char *gone = path_of(src, "gone", 9, ".csv");
	dp_copier_add(c, a, to1, ha);   /* as hashed: copied */
	dp_copier_add(c, b, to2, ha);   /* changed since: left out */
	dp_copier_add(c, gone, to3, hb); /* vanished: left out, no failure */
	cr_expect(dp_copier_finish(c, &err), "%s", dp_buf_str(&err));
	cr_expect(access(to1, F_OK) == 0);
	cr_expect(access(to2, F_OK) != 0, "a changed file was copied");
	cr_expect(access(to3, F_OK) != 0);
	free(a);
	free(b);
	free(to1);
	free(to2);
	free(to3);
	free(gone);
	free(src);
	free(dst);
	dp_buf_free(&err);
}
