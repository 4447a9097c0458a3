/* Normalizing one input value to its canonical text (SPEC §2.3).
 * Pure; thread-safe. */
#ifndef DEPTPERF_VALUE_H
#define DEPTPERF_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "deptperf/buf.h"
#include "deptperf/catalog.h"
#include "deptperf/fields.h"

/* A unit known before the value is read: a bulk header's "(元)" or a form's
 * unit column. */
struct dp_unit_hint {
	const char *text;   /* as written, for messages; NULL: none */
	size_t len;
	bool normalized;    /* text is dp_text_norm's already (a bulk header's unit, the
			     * same for every row): not normalized again per value */
	bool looked_up;     /* known, kind and shift are dp_unit_lookup's of text: */
	bool known;         /* looked up once, not per value */
	enum dp_unit_kind kind;
	int shift;
};

/* The hint of a bulk header's unit, text as dp_text_norm gives it (NULL:
 * none), normalized and looked up once for all its rows. */
struct dp_unit_hint dp_unit_hint_fixed(const char *text);

#define DP_MAX_FIELD_BYTES 4096

/* Normalizes raw[0..n) for field f, with an optional unit hint (NULL:
 * none; passed by address: built per value and passed by value, its bytes
 * were read back before their stores had landed, a tenth of dp-normalize's
 * loop over a bulk row's cells went in that stall).  out is
 * reset; on success the function returns NULL and out holds the canonical
 * text (empty when the value is empty).  On failure returns the finding code (E-NUMBER, E-UNIT, E-DATE,
 * E-CODE, E-TOO-LONG, E-RANGE) and appends a clerk's message to why. */
enum dp_code dp_value_norm(const struct dp_field *f, const char *raw, size_t n, const struct dp_unit_hint *hint,
			  struct dp_buf *out, struct dp_buf *why);

/* Parses a canonical decimal written by dp_value_norm. */
bool dp_value_dec(const char *s, dp_dec *out);

#endif
