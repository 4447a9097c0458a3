/* CSV records through libcsv in strict mode, with physical line numbers and
 * the reading bounds (csvread.h). */
#include "deptperf/csvread.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/text.h"

struct dp_csv {
	struct csv_parser p;
	dp_record_fn fn;
	void *ctx;
	struct dp_buf bytes;   /* the fields of the record, NUL-separated */
	size_t *off, *len;
	const char **ptr;
	size_t nf, cap;
	size_t longest;
	bool nonempty;         /* some field of the record has bytes */
	bool keep_empty;
	bool count_only;       /* DP_CSV_COUNT_REST: fields not kept */
	bool at_start;         /* no byte of the next record seen yet */
	uint64_t line;         /* physical line being fed */
	uint64_t rec_line;
	uint64_t err_line;
	int stop;              /* callback's non-zero return */
	bool bounded;          /* dp_csv_bounded */
	const char *past;      /* the bound passed, or NULL */
	uint64_t fed;          /* bytes of text fed so far */
	uint64_t records;      /* records handed over */
	size_t rec_bytes;      /* bytes of the record's fields so far (counting only: not kept) */
};

/* libcsv's buffer of the field being read grows through this: a field past
 * DP_CSV_MAX_FIELD is refused there, before it is held (csv_parse then
 * stops with CSV_ENOMEM), so a 3 GB field costs 64 KiB, not 3 GB. */
static void *bounded_realloc(void *p, size_t n)
{
	return n > DP_CSV_MAX_FIELD ? NULL : realloc(p, n);
}

void dp_csv_bounded(struct dp_csv *c)
{
	c->bounded = true;
	csv_set_realloc_func(&c->p, bounded_realloc);
}

const char *dp_csv_bound(const struct dp_csv *c, uint64_t *offset)
{
	*offset = c->fed;
	return c->past;
}

static void on_field(void *s, size_t n, void *data)
{
	struct dp_csv *c = data;
	if (c->bounded && !c->past) {
		c->rec_bytes += n;
		if (c->nf + 1 > DP_CSV_MAX_FIELDS)
			c->past = "fields";
		else if (c->rec_bytes > DP_CSV_MAX_RECORD)
			c->past = "record";
	}
	if (c->past)
		return; /* nothing more is kept: reading stops after this call */
	if (c->count_only) {
		c->nf++;
		c->nonempty = c->nonempty || n;
		return;
	}
	if (c->nf >= c->cap) {
		c->cap = c->cap ? dp_st_mult(c->cap, 2) : 64;
		c->off = dp_xrealloc(c->off, dp_st_mult(c->cap, sizeof *c->off));
		c->len = dp_xrealloc(c->len, dp_st_mult(c->cap, sizeof *c->len));
		c->ptr = dp_xrealloc(c->ptr, dp_st_mult(c->cap, sizeof *c->ptr));
	}
	c->off[c->nf] = c->bytes.len;
	c->len[c->nf] = n;
	dp_buf_addz(&c->bytes, s, n);
	c->nf++;
	if (n)
		c->nonempty = true;
	if (n > c->longest)
		c->longest = n;
}

static void on_record(int term, void *data)
{
	(void)term;
	struct dp_csv *c = data;
	if (c->bounded && !c->past && ++c->records > DP_CSV_MAX_RECORDS)
		c->past = "records";
	if ((c->nonempty || (c->keep_empty && c->nf > 1)) && !c->stop && !c->past) {
		struct dp_record r = { c->nf, NULL, NULL, c->rec_line, 0 };
		if (!c->count_only) {
			for (size_t i = 0; i < c->nf; i++)
				c->ptr[i] = c->bytes.s + c->off[i];
			r = (struct dp_record){ c->nf, c->ptr, c->len, c->rec_line, c->longest };
		}
		int ret = c->fn(c->ctx, &r);
		if (ret == DP_CSV_COUNT_REST) {
			c->count_only = true;
			ret = 0;
		}
		c->stop = ret;
	}
	c->nf = 0;
	c->rec_bytes = 0;
	c->longest = 0;
	c->nonempty = false;
	c->at_start = true;
	dp_buf_reset(&c->bytes);
}

struct dp_csv *dp_csv_new(dp_record_fn fn, void *ctx)
{
	struct dp_csv *c = dp_xcalloc(1, sizeof *c);
	if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		free(c);
		return NULL;
	}
	c->fn = fn;
	c->ctx = ctx;
	c->at_start = true;
	c->line = 1;
	return c;
}

static bool only_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

static int feed_line(struct dp_csv *c, const char *p, size_t n)
{
	if (c->at_start && !only_space(p, n)) {
		c->rec_line = c->line;
		c->at_start = false;
	}
	size_t done = csv_parse(&c->p, p, n, on_field, on_record, c);
	if (c->stop)
		return c->stop;
	if (done != n && c->bounded && csv_error(&c->p) == CSV_ENOMEM)
		c->past = "field";
	c->fed += done;
	if (c->past) {
		c->err_line = c->at_start ? c->line : c->rec_line;
		return DP_CSV_PAST_BOUND;
	}
	if (done != n) {
		c->err_line = c->line;
		return -1;
	}
	return 0;
}

void dp_csv_keep_empty(struct dp_csv *c)
{
	c->keep_empty = true;
}

int dp_csv_feed(struct dp_csv *c, const char *p, size_t n)
{
	if (c->bounded && c->fed + n > DP_CSV_MAX_TEXT) {
		/* the text before the bound is still read */
		size_t room = c->fed < DP_CSV_MAX_TEXT ? (size_t)(DP_CSV_MAX_TEXT - c->fed) : 0;
		int r = room ? dp_csv_feed(c, p, room) : 0;
		if (r)
			return r;
		c->past = "text";
		c->err_line = c->line;
		return DP_CSV_PAST_BOUND;
	}
	const char *end = p + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t seg = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		int r = feed_line(c, p, seg);
		if (r)
			return r;
		if (nl)
			c->line++;
		p += seg;
	}
	return 0;
}

int dp_csv_finish(struct dp_csv *c)
{
	if (c->past)
		return DP_CSV_PAST_BOUND;
	int f = csv_fini(&c->p, on_field, on_record, c);
	if (c->past) { /* the last record passed one */
		c->err_line = c->rec_line;
		return DP_CSV_PAST_BOUND;
	}
	if (f != 0) {
		c->err_line = c->rec_line ? c->rec_line : c->line;
		return -1;
	}
	return c->stop;
}

uint64_t dp_csv_error_line(const struct dp_csv *c)
{
	return c->err_line;
}

uint64_t dp_csv_lines(const struct dp_csv *c)
{
	return c->line;
}

void dp_csv_free(struct dp_csv *c)
{
	if (!c)
		return;
	csv_free(&c->p);
	dp_buf_free(&c->bytes);
	free(c->off);
	free(c->len);
	free(c->ptr);
	free(c);
}

void dp_csv_put(struct dp_buf *line, const char *s, size_t n, bool guard)
{
	bool quote = n && (s[0] == ' ' || s[n - 1] == ' ' || s[0] == '\t');
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	bool g = guard && dp_text_needs_guard(s, n);
	if (!quote && !g) {
		dp_buf_add(line, s, n);
		return;
	}
	if (g) {
		/* the guard goes inside the quotes so the field stays one field */
		struct dp_buf t = DP_BUF_INIT;
		dp_buf_addc(&t, '\'');
		dp_buf_add(&t, s, n);
		dp_csv_put(line, t.s, t.len, false);
		dp_buf_free(&t);
		return;
	}
	/* csv_write needs at most 2n + 2 bytes */
	size_t need = dp_st_add(dp_st_mult(n, 2), 2);
	dp_buf_grow(line, need);
	size_t w = csv_write(line->s + line->len, need, s, n);
	line->len += w;
	line->s[line->len] = '\0';
}

char *dp_record_cell(const struct dp_record *r, long i, bool fold)
{
	struct dp_buf b = DP_BUF_INIT;
	if (i >= 0 && (size_t)i < r->n)
		dp_text_norm(&b, r->f[i], r->len[i], fold);
	return dp_buf_detach(&b);
}
