#include <criterion/criterion.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* readdir is wrapped for this program (tests/CMakeLists.txt): with
 * hide_types, every entry comes without its type, as some file systems
 * give them, and the walk must ask lstat instead. */
struct dirent *__real_readdir(DIR *d);
struct dirent *__wrap_readdir(DIR *d);
static bool hide_types;
struct dirent *__wrap_readdir(DIR *d)
{
	struct dirent *e = __real_readdir(d);
	if (e && hide_types)
		e->d_type = DT_UNKNOWN;
	return e;
}

/* Links to files are read; links to folders not followed, dangling links,
 * link loops and FIFOs listed with why they are not read (SPEC §2.1: nothing
 * under an input goes unlisted); the same with the entries' types given by
 * the folder or found by lstat. */
static void walk_kinds(void)
{
	char *dir = t_tmpdir();
	char *f = t_writes(dir, "real/f.csv", "x");
	t_writes(dir, "real/sub/g.csv", "x");
	char *link_file = dp_path_join(dir, "in/link.csv"), *link_dir = dp_path_join(dir, "in/linkdir");
	char *dangling = dp_path_join(dir, "in/gone.csv"), *fifo = dp_path_join(dir, "in/pipe.csv");
	char *sub = dp_path_join(dir, "real/sub"), *in = dp_path_join(dir, "in");
	t_writes(dir, "in/own.csv", "x");
	cr_assert_eq(symlink(f, link_file), 0);
	cr_assert_eq(symlink(sub, link_dir), 0);
	cr_assert_eq(symlink("/nonexistent/x.csv", dangling), 0);
	cr_assert_eq(mkfifo(fifo, 0644), 0);
	char *loop = dp_path_join(dir, "in/loop.csv");
	cr_assert_eq(symlink("loop.csv", loop), 0);
	struct dp_found_list l = { 0 };
	struct dp_buf err = DP_BUF_INIT;
	const char *paths[1] = { in };
	cr_assert_eq(dp_discover(paths, 1, &l, &err), DP_OK, "%s", err.s ? err.s : "");
	/* in byte order: gone.csv, link.csv, linkdir, loop.csv, own.csv, pipe.csv */
	static const struct {
		const char *name, *skip; /* a part of why it is skipped; NULL: read */
	} want[] = { { "in/gone.csv", "悬空链接" }, { "in/link.csv", NULL },         { "in/linkdir", "指向文件夹的链接" },
		     { "in/loop.csv", "链接循环" }, { "in/own.csv", NULL }, { "in/pipe.csv", "命名管道" } };
	cr_assert_eq(l.n, 6, "%zu found", l.n);
	for (size_t i = 0; i < 6; i++) {
		cr_expect(strstr(l.v[i].path, want[i].name), "%zu: %s", i, l.v[i].path);
		cr_expect_null(l.v[i].unreadable, "%s", l.v[i].path);
		if (want[i].skip)
			cr_expect(l.v[i].skip && strstr(l.v[i].skip, want[i].skip), "%s: %s", l.v[i].path,
				  l.v[i].skip ? l.v[i].skip : "read");
		else
			cr_expect_null(l.v[i].skip, "%s: %s", l.v[i].path, l.v[i].skip);
	}
	dp_found_list_free(&l);
	dp_buf_free(&err);
	free(f);
	free(link_file);
	free(link_dir);
	free(dangling);
	free(fifo);
	free(loop);
	free(sub);
	free(in);
	free(dir);
}

Test(discover, kinds_of_entries_as_the_folder_types_them)
{
	hide_types = false;
	walk_kinds();
}

Test(discover, kinds_of_entries_found_by_lstat)
{
	hide_types = true;
	walk_kinds();
}
