/* A hash map from (fiscal_year, dept_code) keys to fixed-size records
 * (keymap.h). */
#include "deptperf/keymap.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/buf.h"

/* A key's record is its value followed by its text, in one piece: a
 * lookup that hits touches the slot and the record, two cache lines, where
 * a key and a value apart from each other and from the slot took three
 * (at a million keys every one is a miss: 1.2 s of dp-validate's 8). */
struct slot {
	uint64_t hash;
	char *rec;   /* NULL: empty */
};

/* Records live in chunks that are never moved (so a value pointer stays
 * valid) nor freed one by one: at a million keys, one malloc per key would
 * cost more than the data. */
#define CHUNK (256 * 1024)

struct chunk {
	struct chunk *next;
	size_t used;
	max_align_t data[];
};

struct dp_keymap {
	struct slot *s;
	size_t cap, n, vsize, koff; /* koff: where a record's key starts */
	struct chunk *chunks;
};

static size_t align_up(size_t n)
{
	return (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
}

static void *arena_alloc(struct dp_keymap *m, size_t n)
{
	n = align_up(n);
	struct chunk *c = m->chunks;
	if (!c || c->used + n > CHUNK) {
		size_t size = n > CHUNK ? n : CHUNK;
		c = dp_xmalloc(dp_st_add(sizeof *c, size));
		c->used = 0;
		c->next = m->chunks;
		m->chunks = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

/* FNV-1a of key, and its length in *len. */
static uint64_t fnv1a(const char *key, size_t *len)
{
	uint64_t h = 1469598103934665603ULL;
	const char *k = key;
	for (; *k; k++) {
		h ^= (unsigned char)*k;
		h *= 1099511628211ULL;
	}
	*len = (size_t)(k - key);
	return h;
}

struct dp_keymap *dp_keymap_new(size_t value_size)
{
	struct dp_keymap *m = dp_xcalloc(1, sizeof *m);
	m->cap = 1024;
	m->s = dp_xcalloc(m->cap, sizeof *m->s);
	m->vsize = value_size;
	m->koff = (value_size + 7) / 8 * 8;
	return m;
}

void dp_keymap_free(struct dp_keymap *m)
{
	if (!m)
		return;
	while (m->chunks) {
		struct chunk *next = m->chunks->next;
		free(m->chunks);
		m->chunks = next;
	}
	free(m->s);
	free(m);
}

static struct slot *find(const struct dp_keymap *m, const char *key, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;
	while (m->s[i].rec && (m->s[i].hash != h || memcmp(m->s[i].rec + m->koff, key, len + 1) != 0))
		i = (i + 1) & mask;
	return &m->s[i];
}

void *dp_keymap_get(const struct dp_keymap *m, const char *key)
{
	size_t len;
	uint64_t h = fnv1a(key, &len);
	return find(m, key, len, h)->rec;
}

/* Moves the slots to a table of cap slots (a power of two). */
static void rehash(struct dp_keymap *m, size_t cap)
{
	struct slot *old = m->s;
	size_t oldcap = m->cap;
	m->cap = cap;
	m->s = dp_xcalloc(m->cap, sizeof *m->s);
	size_t mask = m->cap - 1;
	for (size_t i = 0; i < oldcap; i++) {
		if (!old[i].rec)
			continue;
		size_t j = (size_t)old[i].hash & mask; /* keys are distinct: the first free slot */
		while (m->s[j].rec)
			j = (j + 1) & mask;
		m->s[j] = old[i];
	}
	free(old);
}

/* At most three quarters full. */
static bool fits(size_t n, size_t cap)
{
	return n <= cap / 4 * 3;
}

void dp_keymap_reserve(struct dp_keymap *m, size_t n)
{
	size_t cap = m->cap;
	while (!fits(n, cap))
		cap = dp_st_mult(cap, 2);
	if (cap != m->cap)
		rehash(m, cap);
}

static void *put(struct dp_keymap *m, const char *key, size_t len, uint64_t h, bool *created)
{
	if (!fits(m->n + 1, m->cap))
		rehash(m, dp_st_mult(m->cap, 2));
	struct slot *s = find(m, key, len, h);
	if (created)
		*created = !s->rec;
	if (!s->rec) {
		s->rec = arena_alloc(m, dp_st_add(m->koff, len + 1));
		memset(s->rec, 0, m->vsize);
		memcpy(s->rec + m->koff, key, len + 1);
		s->hash = h;
		m->n++;
	}
	return s->rec;
}

void *dp_keymap_put(struct dp_keymap *m, const char *key, bool *created)
{
	size_t len;
	uint64_t h = fnv1a(key, &len);
	return put(m, key, len, h, created);
}

uint64_t dp_keymap_prefetch(const struct dp_keymap *m, const char *key)
{
	size_t len;
	uint64_t h = fnv1a(key, &len);
	__builtin_prefetch(&m->s[(size_t)h & (m->cap - 1)], 1);
	return h;
}

void *dp_keymap_put_hashed(struct dp_keymap *m, const char *key, uint64_t hash, bool *created)
{
	return put(m, key, strlen(key), hash, created);
}

const char *dp_keymap_key(const struct dp_keymap *m, const void *value)
{
	return (const char *)value + m->koff;
}

void dp_keymap_each(const struct dp_keymap *m, void (*fn)(void *value, const char *key, void *ctx), void *ctx)
{
	/* (a chunk's records lie end to end, each as arena_alloc sized it) */
	for (struct chunk *c = m->chunks; c; c = c->next)
		for (size_t off = 0; off < c->used;) {
			char *rec = (char *)c->data + off;
			const char *key = rec + m->koff;
			fn(rec, key, ctx);
			off += align_up(m->koff + strlen(key) + 1);
		}
}

size_t dp_keymap_count(const struct dp_keymap *m)
{
	return m->n;
}

void dp_key_make(struct dp_buf *b, const char *fiscal_year, const char *dept_code)
{
	dp_buf_reset(b);
	dp_buf_adds(b, fiscal_year);
	dp_buf_addc(b, '\x1f');
	dp_buf_adds(b, dept_code);
}
