/* A hash map from a string key to a caller-defined fixed-size value (open
 * addressing, FNV-1a), used for (fiscal_year, dept_code) keys.  Memory grows
 * with the number of distinct keys only.  One map per thread. */
#ifndef DEPTPERF_KEYMAP_H
#define DEPTPERF_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dp_keymap;

/* value_size bytes of zeroed value come with every new key. */
struct dp_keymap *dp_keymap_new(size_t value_size);
void dp_keymap_free(struct dp_keymap *m);
/* The value of key, or NULL. */
void *dp_keymap_get(const struct dp_keymap *m, const char *key);
/* The value of key, created zeroed when new (*created tells, may be NULL). */
void *dp_keymap_put(struct dp_keymap *m, const char *key, bool *created);
size_t dp_keymap_count(const struct dp_keymap *m);
/* Starts loading the slot where key's search begins into the cache, for a
 * caller that knows its next keys: at a million keys each search waits on
 * memory, and searches started apart wait together.  Returns the key's
 * hash, for dp_keymap_put_hashed (it is the same for any map). */
uint64_t dp_keymap_prefetch(const struct dp_keymap *m, const char *key);
/* dp_keymap_put of a key whose hash dp_keymap_prefetch gave (hashing a
 * million keys twice was a tenth of dp-validate's work in order). */
void *dp_keymap_put_hashed(struct dp_keymap *m, const char *key, uint64_t hash, bool *created);
/* The key of a value dp_keymap_put returned. */
const char *dp_keymap_key(const struct dp_keymap *m, const void *value);
/* Calls fn with each value and its key, in no set order: a walk through
 * the records as they lie in memory, not through the slots (at a million
 * keys a walk through the slots waits on memory at every key).  fn may
 * change the value, not the map. */
void dp_keymap_each(const struct dp_keymap *m, void (*fn)(void *value, const char *key, void *ctx), void *ctx);
/* Makes room for n keys in all, so that the map does not grow (and move
 * every slot) until it holds more: for a caller that knows about how many
 * there will be. */
void dp_keymap_reserve(struct dp_keymap *m, size_t n);

/* The key of a submission: "<fiscal_year>\x1f<dept_code>" into b (reset). */
struct dp_buf;
void dp_key_make(struct dp_buf *b, const char *fiscal_year, const char *dept_code);

#endif
