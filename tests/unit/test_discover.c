#include <criterion/criterion.h>
#include <string.h>

#include "deptperf/discover.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"
#include "helpers.h"

Test(discover, recursive_sorted_once)
{
	char *dir = t_tmpdir();
	t_writes(dir, "b/2.CSV", "x");
	t_writes(dir, "b/1.csv.GZ", "x");
	t_writes(dir, "a.csv", "x");
	t_writes(dir, "notes.txt", "x");
	t_writes(dir, "c/d/e.csv", "x");
	struct dp_found_list l = { 0 };
	struct dp_buf err = DP_BUF_INIT;
	char *again = dp_path_join(dir, "a.csv");
	const char *paths[2] = { dir, again };
	cr_assert_eq(dp_discover(paths, 2, &l, &err), DP_OK);
	cr_assert_eq(l.n, 5, "a.csv named twice is read once");
	static const char *want[] = { "a.csv", "b/1.csv.GZ", "b/2.CSV", "c/d/e.csv", "notes.txt" };
	for (size_t i = 0; i < 5; i++) {
		cr_expect(strstr(l.v[i].path, want[i]), "%s", l.v[i].path);
		cr_expect_eq(l.v[i].csv, i < 4);
	}
	dp_found_list_free(&l);
	const char *none[1] = { "/nonexistent/x" };
	cr_expect_eq(dp_discover(none, 1, &l, &err), DP_NOINPUT);
}
