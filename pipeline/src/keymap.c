#include "deptperf/keymap.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/buf.h"

struct slot {
	char *key;   /* NULL: empty */
	uint64_t hash;
	void *value;
};

/* Keys and values live in chunks that are never moved (so a value pointer
 * stays valid) nor freed one by one: at a million keys, one malloc per key
 * and per value would cost more than the data. */
#define CHUNK (256 * 1024)

struct chunk {
	struct chunk *next;
	size_t used;
	max_align_t data[];
};

struct dp_keymap {
	struct slot *s;
	size_t cap, n, vsize;
	struct chunk *chunks;
};

static void *arena_alloc(struct dp_keymap *m, size_t n)
{
	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
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

static uint64_t fnv1a(const char *k)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *k; k++) {
		h ^= (unsigned char)*k;
		h *= 1099511628211ULL;
	}
	return h;
}

struct dp_keymap *dp_keymap_new(size_t value_size)
{
	struct dp_keymap *m = dp_xcalloc(1, sizeof *m);
	m->cap = 1024;
	m->s = dp_xcalloc(m->cap, sizeof *m->s);
	m->vsize = value_size;
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

static struct slot *find(const struct dp_keymap *m, const char *key, uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;
	while (m->s[i].key && (m->s[i].hash != h || strcmp(m->s[i].key, key) != 0))
		i = (i + 1) & mask;
	return &m->s[i];
}

void *dp_keymap_get(const struct dp_keymap *m, const char *key)
{
	struct slot *s = find(m, key, fnv1a(key));
	return s->key ? s->value : NULL;
}

static void grow(struct dp_keymap *m)
{
	struct slot *old = m->s;
	size_t oldcap = m->cap;
	m->cap = dp_st_mult(m->cap, 2);
	m->s = dp_xcalloc(m->cap, sizeof *m->s);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*find(m, old[i].key, old[i].hash) = old[i];
	free(old);
}

void *dp_keymap_put(struct dp_keymap *m, const char *key, bool *created)
{
	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	uint64_t h = fnv1a(key);
	struct slot *s = find(m, key, h);
	if (created)
		*created = !s->key;
	if (!s->key) {
		size_t kl = strlen(key) + 1;
		s->key = arena_alloc(m, kl);
		memcpy(s->key, key, kl);
		s->hash = h;
		s->value = arena_alloc(m, m->vsize ? m->vsize : 1);
		memset(s->value, 0, m->vsize);
		m->n++;
	}
	return s->value;
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
