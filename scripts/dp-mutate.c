/* dp-mutate: a seeded damage of an input file, for the e2e test that feeds
 * damaged inputs to the chain (tests/e2e/fuzz_inputs.sh) and for anyone
 * hunting a crash by hand.
 *
 *   dp-mutate --seed N [--edits K] IN OUT
 *
 * Reads IN (inflated first when it is gzip), makes K edits (default 1–6,
 * chosen by the seed): a byte changed, a token inserted (a quote, a comma,
 * a line break, a NUL, a BOM, a huge or negative number, a UTF-16 mark), a
 * span deleted, the file cut, a span repeated elsewhere, a line repeated;
 * and writes OUT, gzip again when OUT ends in .gz.  The same arguments
 * always give the same bytes. */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "deptperf/buf.h"

static uint64_t next(uint64_t *s)
{
	/* splitmix64, as dp-gen */
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static size_t below(uint64_t *s, size_t n)
{
	return n ? (size_t)(next(s) % n) : 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* s[at, at + n) replaced by p[0, m) */
static void splice(struct dp_buf *b, size_t at, size_t n, const char *p, size_t m)
{
	struct dp_buf o = DP_BUF_INIT;
	dp_buf_add(&o, b->s, at);
	dp_buf_add(&o, p, m);
	dp_buf_add(&o, b->s + at + n, b->len - at - n);
	dp_buf_free(b);
	*b = o;
}

static void edit(struct dp_buf *b, uint64_t *s)
{
	static const char *const tokens[] = { "\"", ",", "\n", "\r\n", "\0", "\xef\xbb\xbf", "\"\"", "-1e308",
					      "99999999999999999999", "\xff\xfe", "=1+1", "，", "万元" };
	size_t at = below(s, b->len);
	switch (below(s, 6)) {
	case 0:
		if (b->len)
			b->s[at] = (char)next(s);
		break;
	case 1: {
		const char *t = tokens[below(s, sizeof tokens / sizeof tokens[0])];
		splice(b, at, 0, t, t[0] ? strlen(t) : 1);
		break;
	}
	case 2: {
		size_t n = 1 + below(s, 50);
		splice(b, at, n < b->len - at ? n : b->len - at, "", 0);
		break;
	}
	case 3:
		b->len = at; /* cut */
		break;
	case 4: {
		size_t from = below(s, b->len), n = 1 + below(s, 200);
		n = n < b->len - from ? n : b->len - from;
		char *copy = dp_xmemdup(b->s + from, n);
		splice(b, at, 0, copy, n);
		free(copy);
		break;
	}
	default: {
		/* a whole line repeated somewhere else */
		const char *start = b->s + at;
		while (start > b->s && start[-1] != '\n')
			start--;
		const char *end = memchr(b->s + at, '\n', b->len - at);
		size_t n = (size_t)((end ? end + 1 : b->s + b->len) - start);
		char *line = dp_xmemdup(start, n);
		size_t to = below(s, b->len);
		while (to > 0 && b->s[to - 1] != '\n')
			to--;
		splice(b, to, 0, line, n);
		free(line);
	}
	}
}

int main(int argc, char **argv)
{
	uint64_t seed = 1;
	long edits = 0;
	static const struct option opts[] = { { "seed", required_argument, NULL, 's' },
					      { "edits", required_argument, NULL, 'e' },
					      { NULL, 0, NULL, 0 } };
	for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
		if (c == 's')
			seed = strtoull(optarg, NULL, 10);
		else if (c == 'e')
			edits = strtol(optarg, NULL, 10);
		else
			return 64;
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: dp-mutate --seed N [--edits K] IN OUT\n");
		return 64;
	}
	const char *in = argv[optind], *out = argv[optind + 1];
	gzFile g = gzopen(in, "rb"); /* (reads plain files as they are) */
	if (!g) {
		fprintf(stderr, "dp-mutate: cannot read %s\n", in);
		return 66;
	}
	struct dp_buf b = DP_BUF_INIT;
	char chunk[65536];
	for (int n; (n = gzread(g, chunk, sizeof chunk)) > 0;)
		dp_buf_add(&b, chunk, (size_t)n);
	gzclose(g);
	uint64_t s = seed;
	if (edits <= 0)
		edits = 1 + (long)below(&s, 6);
	for (long i = 0; i < edits && b.len; i++)
		edit(&b, &s);
	bool gz = ends_with(out, ".gz");
	gzFile w = gz ? gzopen(out, "wb6") : NULL;
	FILE *f = gz ? NULL : fopen(out, "wb");
	bool ok = gz ? w && (b.len == 0 || gzwrite(w, b.s, (unsigned)b.len) == (int)b.len) && gzclose(w) == Z_OK
		     : f && fwrite(b.s, 1, b.len, f) == b.len && fclose(f) == 0;
	dp_buf_free(&b);
	if (!ok) {
		fprintf(stderr, "dp-mutate: cannot write %s\n", out);
		return 73;
	}
	return 0;
}
