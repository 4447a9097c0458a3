/* paths.c's dp_sync_tree, with fsync wrapped at link time
 * (tests/CMakeLists.txt): which files and folders are flushed, how many
 * waits overlap, and what a failure says. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "deptperf/stage.h"
#include "helpers.h"

/* what the wrapped fsync saw: the inode of each call, how many were in
 * flight at most; a file whose inode is fail_ino fails with EIO */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static ino_t synced[256];
static size_t nsynced;
static atomic_int in_flight, most;
static ino_t fail_ino;
static atomic_bool want_company;

int __real_fsync(int fd);
int __wrap_fsync(int fd);
int __wrap_fsync(int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0) /* no cr_assert: this runs on the waiters' threads */
		abort();
	int now = atomic_fetch_add(&in_flight, 1) + 1;
	for (int m = atomic_load(&most); now > m && !atomic_compare_exchange_weak(&most, &m, now);)
		;
	/* long enough for the other waiters to start theirs; with several
	 * waiters, the first wait lasts until a second has started (up to
	 * 10 s), so that a busy machine's late threads do not decide whether
	 * they overlapped */
	nanosleep(&(struct timespec){ .tv_nsec = 3000000 }, NULL);
	for (int i = 0; i < 10000 && atomic_load(&want_company) && atomic_load(&most) < 2; i++)
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	pthread_mutex_lock(&mu);
	if (nsynced == sizeof synced / sizeof *synced)
		abort();
	synced[nsynced++] = st.st_ino;
	pthread_mutex_unlock(&mu);
	atomic_fetch_sub(&in_flight, 1);
	if (st.st_ino == fail_ino) {
		errno = EIO;
		return -1;
	}
	return __real_fsync(fd);
}

static void reset(void)
{
	nsynced = 0;
	atomic_store(&most, 0);
	fail_ino = 0;
}

static ino_t ino(const char *path)
{
	struct stat st;
	cr_assert(lstat(path, &st) == 0, "%s", path);
	return st.st_ino;
}

static size_t times_synced(const char *path)
{
	ino_t i = ino(path);
	size_t n = 0;
	for (size_t k = 0; k < nsynced; k++)
		n += synced[k] == i;
	return n;
}

Test(sync_tree, every_file_and_folder_once_links_not_followed)
{
	char *d = t_tmpdir();
	char *root = dp_path_join(d, "run");
	char *a = t_writes(root, "a.csv", "x\n");
	char *b = t_writes(root, "rejected/one/b.csv", "y\n");
	char *c = t_writes(root, "rejected/c.csv", "z\n");
	char *outside = t_writes(d, "outside.csv", "o\n");
	char *link = dp_path_join(root, "link");
	cr_assert(symlink(outside, link) == 0);
	char *rej = dp_path_join(root, "rejected"), *one = dp_path_join(rej, "one");
	reset();
	struct dp_buf err = DP_BUF_INIT;
	cr_assert(dp_sync_tree(root, 4, &err), "%s", err.s);
	const char *each[] = { root, a, b, c, rej, one };
	for (size_t i = 0; i < sizeof each / sizeof *each; i++)
		cr_expect_eq(times_synced(each[i]), 1, "%s synced %zu times", each[i], times_synced(each[i]));
	cr_expect_eq(times_synced(outside), 0, "the link was followed");
	cr_expect_eq(nsynced, 6);
}

Test(sync_tree, waits_overlap_up_to_the_number_given)
{
	char *root = dp_path_join(t_tmpdir(), "run");
	char name[32];
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "f%02d.csv", i);
		t_writes(root, name, "x\n");
	}
	static const int waiters[] = { 1, 4, 16 };
	for (size_t k = 0; k < 3; k++) {
		reset();
		atomic_store(&want_company, waiters[k] > 1);
		struct dp_buf err = DP_BUF_INIT;
		cr_assert(dp_sync_tree(root, waiters[k], &err), "%s", err.s);
		atomic_store(&want_company, false);
		cr_expect_eq(nsynced, 41);
		int m = atomic_load(&most);
		cr_expect(m <= waiters[k], "%d in flight with %d waiters", m, waiters[k]);
		/* 41 waits of 3 ms each: the waiters started overlap */
		cr_expect(waiters[k] == 1 ? m == 1 : m >= 2, "%d in flight with %d waiters", m, waiters[k]);
	}
}

Test(sync_tree, a_failure_names_its_file_and_the_others_are_still_flushed)
{
	char *root = dp_path_join(t_tmpdir(), "run");
	char *good = t_writes(root, "good.csv", "x\n");
	char *bad = t_writes(root, "rejected/bad.csv", "y\n");
	reset();
	fail_ino = ino(bad);
	struct dp_buf err = DP_BUF_INIT;
	cr_assert_not(dp_sync_tree(root, 2, &err));
	cr_expect(err.s && strstr(err.s, "rejected/bad.csv") && strstr(err.s, strerror(EIO)), "%s", err.s);
	cr_expect_eq(times_synced(good), 1);
	cr_expect_eq(times_synced(root), 1);

	reset();
	struct dp_buf err2 = DP_BUF_INIT;
	cr_assert_not(dp_sync_tree(dp_path_join(root, "absent"), 2, &err2));
	cr_expect(err2.s && strstr(err2.s, "absent: cannot read folder"), "%s", err2.s);
}
