#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>

#include "deptperf/buf.h"
#include "deptperf/keymap.h"

Test(keymap, put_get_and_growth)
{
	struct dp_keymap *m = dp_keymap_new(sizeof(long));
	struct dp_buf k = DP_BUF_INIT;
	for (long i = 0; i < 50000; i++) {
		char code[16];
		snprintf(code, sizeof code, "44%07ld", i);
		dp_key_make(&k, i % 2 ? "2021" : "2022", code);
		bool created;
		*(long *)dp_keymap_put(m, k.s, &created) = i;
		cr_assert(created);
	}
	cr_expect_eq(dp_keymap_count(m), 50000);
	/* a prefetch is a hint: it finds, makes and moves nothing */
	dp_key_make(&k, "2021", "440000777");
	dp_keymap_prefetch(m, k.s);
	dp_key_make(&k, "2023", "440000777");
	dp_keymap_prefetch(m, k.s);
	cr_expect_null(dp_keymap_get(m, k.s));
	cr_expect_eq(dp_keymap_count(m), 50000);
	dp_key_make(&k, "2021", "440000777");
	cr_expect_eq(*(long *)dp_keymap_get(m, k.s), 777);
	dp_key_make(&k, "2022", "440000777");
	cr_expect_null(dp_keymap_get(m, k.s));
	bool created = true;
	dp_key_make(&k, "2021", "440000777");
	void *v = dp_keymap_put(m, k.s, &created);
	cr_expect(!created);
	cr_expect_str_eq(dp_keymap_key(m, v), "2021\x1f" "440000777", "a value's key");
	dp_key_make(&k, "2022", "440049998");
	cr_expect_str_eq(dp_keymap_key(m, dp_keymap_get(m, k.s)), k.s);
	dp_buf_free(&k);
	dp_keymap_free(m);
}

/* Reserving room keeps every key and value (values never move: callers
 * keep pointers to them), before and after the map grows past the room. */
Test(keymap, reserve_keeps_keys_and_values)
{
	struct dp_keymap *m = dp_keymap_new(sizeof(long));
	struct dp_buf k = DP_BUF_INIT;
	long *first[100];
	for (long i = 0; i < 100; i++) {
		char code[16];
		snprintf(code, sizeof code, "%ld", i);
		dp_key_make(&k, "2021", code);
		first[i] = dp_keymap_put(m, k.s, NULL);
		*first[i] = i;
	}
	dp_keymap_reserve(m, 30000);
	dp_keymap_reserve(m, 10); /* never shrinks */
	for (long i = 100; i < 50000; i++) {
		char code[16];
		snprintf(code, sizeof code, "%ld", i);
		dp_key_make(&k, "2021", code);
		bool created;
		*(long *)dp_keymap_put(m, k.s, &created) = i;
		cr_assert(created);
	}
	cr_expect_eq(dp_keymap_count(m), 50000);
	for (long i = 0; i < 50000; i += 7) {
		char code[16];
		snprintf(code, sizeof code, "%ld", i);
		dp_key_make(&k, "2021", code);
		long *v = dp_keymap_get(m, k.s);
		cr_assert_not_null(v, "key %ld lost", i);
		cr_expect_eq(*v, i);
		if (i < 100)
			cr_expect_eq(v, first[i], "the value of key %ld moved", i);
	}
	dp_buf_free(&k);
	dp_keymap_free(m);
}

/* The key of department 44<i> in 2021. */
static void key_of(struct dp_buf *k, long i)
{
	char code[16];
	snprintf(code, sizeof code, "44%07ld", i);
	dp_key_make(k, "2021", code);
}

/* A key put with the hash its prefetch gave is the key put plainly: the same
 * record found by get and by put, before and after the map grows (the hash
 * is the key's, not the map's); a new key put so is created once. */
Test(keymap, put_with_the_prefetched_hash_is_put)
{
	struct dp_keymap *m = dp_keymap_new(sizeof(long));
	struct dp_buf k = DP_BUF_INIT;
	for (long i = 0; i < 20000; i++) {
		key_of(&k, i);
		uint64_t h = dp_keymap_prefetch(m, k.s);
		bool created;
		long *v = i % 2 ? dp_keymap_put_hashed(m, k.s, h, &created) : dp_keymap_put(m, k.s, &created);
		cr_assert(created, "key %ld", i);
		*v = i;
	}
	cr_expect_eq(dp_keymap_count(m), 20000);
	for (long i = 0; i < 20000; i += 3) {
		key_of(&k, i);
		long *got = dp_keymap_get(m, k.s);
		cr_assert_not_null(got, "key %ld lost", i);
		cr_expect_eq(*got, i);
		bool created = true;
		struct dp_keymap *fresh = dp_keymap_new(sizeof(long)); /* another map: the same hash */
		uint64_t h = dp_keymap_prefetch(fresh, k.s);
		dp_keymap_free(fresh);
		cr_expect_eq(dp_keymap_put_hashed(m, k.s, h, &created), got, "key %ld found again", i);
		cr_expect(!created);
	}
	cr_expect_eq(dp_keymap_count(m), 20000);
	dp_buf_free(&k);
	dp_keymap_free(m);
}

struct seen {
	const struct dp_keymap *m;
	unsigned char *count; /* per value */
	size_t visits;
	bool mismatch;
};

static void visit(void *value, const char *key, void *ctx)
{
	struct seen *s = ctx;
	long i = *(long *)value;
	s->visits++;
	s->mismatch |= dp_keymap_key(s->m, value) != key || dp_keymap_get(s->m, key) != value;
	s->count[i]++;
	*(long *)value = -i; /* fn may change the value */
}

/* Every key visited once, with its own value, across chunks of keys of
 * every length: short ones, ones of odd lengths around the records'
 * alignment, and keys longer than a chunk (a chunk of their own). */
Test(keymap, each_visits_every_key_once)
{
	struct dp_keymap *m = dp_keymap_new(sizeof(long));
	struct dp_buf k = DP_BUF_INIT, code = DP_BUF_INIT;
	enum { N = 40000 };
	for (long i = 0; i < N; i++) {
		dp_buf_reset(&code);
		dp_buf_addf(&code, "%ld-", i);
		size_t pad = i % 1000 == 999 ? 300000 : (size_t)(i % 37);
		for (size_t j = 0; j < pad; j++)
			dp_buf_addc(&code, (char)('a' + j % 26));
		dp_key_make(&k, "2021", code.s);
		*(long *)dp_keymap_put(m, k.s, NULL) = i;
	}
	struct seen s = { m, dp_xcalloc(N, 1), 0, false };
	dp_keymap_each(m, visit, &s);
	cr_expect_eq(s.visits, N);
	cr_expect(!s.mismatch, "each value comes with its own key");
	for (long i = 0; i < N; i++)
		cr_expect_eq(s.count[i], 1, "key %ld visited %d times", i, s.count[i]);
	dp_buf_reset(&code);
	dp_buf_addf(&code, "%ld-", 5L);
	for (size_t j = 0; j < 5; j++)
		dp_buf_addc(&code, (char)('a' + j % 26));
	dp_key_make(&k, "2021", code.s);
	cr_expect_eq(*(long *)dp_keymap_get(m, k.s), -5, "the value changed by fn");
	free(s.count);
	dp_buf_free(&k);
	dp_buf_free(&code);
	dp_keymap_free(m);
	m = dp_keymap_new(1);
	dp_keymap_each(m, visit, NULL); /* an empty map: fn never called */
	dp_keymap_free(m);
}
