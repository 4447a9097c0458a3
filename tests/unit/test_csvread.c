#include <criterion/criterion.h>
#include <string.h>

#include "deptperf/csvread.h"

struct seen {
	struct dp_buf out;
};

/* Renders each record as "line:field|field|…\n". */
static int collect(void *ctx, const struct dp_record *r)
{
	struct seen *s = ctx;
	dp_buf_addf(&s->out, "%llu:", (unsigned long long)r->line);
	for (size_t i = 0; i < r->n; i++)
		dp_buf_addf(&s->out, "%s%s", i ? "|" : "", r->f[i]);
	dp_buf_addc(&s->out, '\n');
	return 0;
}

static const struct {
	const char *csv;
	const char *want;     /* NULL: a syntax error on err_line */
	uint64_t err_line;
} cases[] = {
	{ "a,b\nc,d\n", "1:a|b\n2:c|d\n", 0 },
	{ "a,b\r\nc,d\r\n", "1:a|b\n2:c|d\n", 0 },
	{ "a,b\n\n\nc,d", "1:a|b\n4:c|d\n", 0 },
	{ "\"x,y\",\"he said \"\"hi\"\"\"\nz,w\n", "1:x,y|he said \"hi\"\n2:z|w\n", 0 },
	{ "\"multi\nline\",2\nnext,3\n", "1:multi\nline|2\n3:next|3\n", 0 },
	{ "a,b\n,,\nc,d\n", "1:a|b\n3:c|d\n", 0 },
	{ "字段,值\n部门名称,广东\n", "1:字段|值\n2:部门名称|广东\n", 0 },
	{ "a,b\nc,d\"e\nf,g\n", NULL, 2 },
	{ "a,b\n\"open,c\nd,e\n", NULL, 2 },
};

Test(csvread, every_chunk_size)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = strlen(cases[i].csv);
		for (size_t chunk = 1; chunk <= n; chunk++) {
			struct seen s = { DP_BUF_INIT };
			struct dp_csv *c = dp_csv_new(collect, &s);
			int rc = 0;
			for (size_t off = 0; off < n && rc == 0; off += chunk)
				rc = dp_csv_feed(c, cases[i].csv + off, off + chunk > n ? n - off : chunk);
			if (rc == 0)
				rc = dp_csv_finish(c);
			if (cases[i].want) {
				cr_expect_eq(rc, 0, "case %zu chunk %zu", i, chunk);
				cr_expect_str_eq(dp_buf_str(&s.out), cases[i].want, "case %zu chunk %zu", i, chunk);
			} else {
				cr_expect_eq(rc, -1, "case %zu chunk %zu", i, chunk);
				cr_expect_eq(dp_csv_error_line(c), cases[i].err_line, "case %zu chunk %zu: line %llu", i,
					     chunk, (unsigned long long)dp_csv_error_line(c));
			}
			dp_csv_free(c);
			dp_buf_free(&s.out);
		}
	}
}

/* The first record whole, then each record's line and number of fields;
 * with count_rest, asks for the rest without their fields. */
struct counting {
	struct dp_buf out;
	bool count_rest, first_done, fields_given;
};

static int count_after_first(void *ctx, const struct dp_record *r)
{
	struct counting *s = ctx;
	if (!s->first_done) {
		s->first_done = true;
		for (size_t i = 0; i < r->n; i++)
			dp_buf_addf(&s->out, "%s%s", i ? "|" : "", r->f[i]);
		dp_buf_addc(&s->out, '\n');
		return s->count_rest ? DP_CSV_COUNT_REST : 0;
	}
	s->fields_given |= r->f != NULL;
	dp_buf_addf(&s->out, "%llu:#%zu\n", (unsigned long long)r->line, r->n);
	return 0;
}

/* Records counted without their fields are the records read with them:
 * the same lines and numbers of fields, blank lines skipped, the same
 * syntax errors, at every chunk size. */
Test(csvread, count_rest_gives_the_same_records_without_fields)
{
	bool reference_fields = false;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = strlen(cases[i].csv);
		for (size_t chunk = 1; chunk <= n; chunk++) {
			struct counting s[2] = { { DP_BUF_INIT, false, false, false }, { DP_BUF_INIT, true, false, false } };
			int rc[2];
			uint64_t err_line[2];
			for (int k = 0; k < 2; k++) {
				struct dp_csv *c = dp_csv_new(count_after_first, &s[k]);
				rc[k] = 0;
				for (size_t off = 0; off < n && rc[k] == 0; off += chunk)
					rc[k] = dp_csv_feed(c, cases[i].csv + off, off + chunk > n ? n - off : chunk);
				if (rc[k] == 0)
					rc[k] = dp_csv_finish(c);
				err_line[k] = dp_csv_error_line(c);
				dp_csv_free(c);
			}
			cr_expect_eq(rc[1], rc[0], "case %zu chunk %zu", i, chunk);
			cr_expect_str_eq(dp_buf_str(&s[1].out), dp_buf_str(&s[0].out), "case %zu chunk %zu", i, chunk);
			if (rc[0] < 0)
				cr_expect_eq(err_line[1], err_line[0], "case %zu chunk %zu", i, chunk);
			reference_fields |= s[0].fields_given;
			cr_expect_not(s[1].fields_given, "case %zu chunk %zu: fields after DP_CSV_COUNT_REST", i, chunk);
			dp_buf_free(&s[0].out);
			dp_buf_free(&s[1].out);
		}
	}
	cr_expect(reference_fields, "the reader without DP_CSV_COUNT_REST gave no fields: the test tests nothing");
}

static int stop_at_two(void *ctx, const struct dp_record *r)
{
	(void)ctx;
	return r->line == 2 ? 7 : 0;
}

Test(csvread, callback_stops_the_parse)
{
	struct dp_csv *c = dp_csv_new(stop_at_two, NULL);
	cr_expect_eq(dp_csv_feed(c, "a\nb\nc\n", 6), 7);
	dp_csv_free(c);
}

Test(csvread, put_quotes_only_when_needed_and_guards_formulas)
{
	static const struct {
		const char *in;
		bool guard;
		const char *out;
	} put[] = {
		{ "plain", true, "plain" },    { "a,b", false, "\"a,b\"" },      { "say \"x\"", false, "\"say \"\"x\"\"\"" },
		{ "=SUM(A1)", true, "'=SUM(A1)" }, { "=1,2", true, "\"'=1,2\"" }, { "-3", false, "-3" },
		{ "line\nbreak", false, "\"line\nbreak\"" }, { " lead", false, "\" lead\"" },
	};
	for (size_t i = 0; i < sizeof put / sizeof put[0]; i++) {
		struct dp_buf b = DP_BUF_INIT;
		dp_csv_put(&b, put[i].in, strlen(put[i].in), put[i].guard);
		cr_expect_str_eq(b.s, put[i].out, "case %zu", i);
		dp_buf_free(&b);
	}
}

/* Feeds text in chunks of `chunk` bytes to a bounded reader; the return of
 * the feed or finish that ended it.  *records gets the records handed over. */
static int feed_bounded(const char *text, size_t n, size_t chunk, size_t *records, struct dp_csv **out)
{
	struct seen s = { DP_BUF_INIT };
	struct dp_csv *c = dp_csv_new(collect, &s);
	dp_csv_bounded(c);
	int r = 0;
	for (size_t at = 0; at < n && !r; at += chunk)
		r = dp_csv_feed(c, text + at, at + chunk > n ? n - at : chunk);
	if (!r)
		r = dp_csv_finish(c);
	*records = 0;
	for (size_t i = 0; i < s.out.len; i++)
		*records += s.out.s[i] == '\n' && (i + 1 == s.out.len || s.out.s[i + 1] != '\n');
	dp_buf_free(&s.out);
	*out = c;
	return r;
}

Test(csvread, bounds_stop_the_reading_where_they_are_passed)
{
	static const size_t chunks[] = { 1, 7, 4096, 1 << 20 };
	/* a field of 64 KiB + 1 on line 2, quoted (spanning lines) and not */
	size_t big = DP_CSV_MAX_FIELD + 1;
	for (int quoted = 0; quoted < 2; quoted++) {
		struct dp_buf t = DP_BUF_INIT;
		dp_buf_adds(&t, "a,b\nx,");
		if (quoted)
			dp_buf_addc(&t, '"');
		for (size_t i = 0; i < big; i++)
			dp_buf_addc(&t, i % 1000 == 999 && quoted ? '\n' : 'y');
		dp_buf_adds(&t, quoted ? "\"\nlast,1\n" : "\nlast,1\n");
		for (size_t k = 0; k < sizeof chunks / sizeof *chunks; k++) {
			struct dp_csv *c;
			size_t recs;
			int r = feed_bounded(t.s, t.len, chunks[k], &recs, &c);
			uint64_t at;
			cr_expect_eq(r, DP_CSV_PAST_BOUND, "quoted %d, chunk %zu: %d", quoted, chunks[k], r);
			cr_expect_str_eq(dp_csv_bound(c, &at) ? dp_csv_bound(c, &at) : "(none)", "field");
			cr_expect_eq(dp_csv_error_line(c), 2, "quoted %d, chunk %zu", quoted, chunks[k]);
			/* stopped within the field, having held no more of it */
			cr_expect(at > 6 && at <= 6 + DP_CSV_MAX_FIELD + 1, "stopped at %llu", (unsigned long long)at);
			cr_expect_eq(recs, 1, "only the header was handed over");
			dp_csv_free(c);
		}
		dp_buf_free(&t);
	}
	/* a field of 5 000 bytes is no bound's: read (value.c rejects its submission) */
	struct dp_buf t = DP_BUF_INIT;
	dp_buf_adds(&t, "a,b\nx,");
	for (int i = 0; i < 5000; i++)
		dp_buf_addc(&t, 'y');
	dp_buf_adds(&t, "\n");
	struct dp_csv *c;
	size_t recs;
	cr_expect_eq(feed_bounded(t.s, t.len, 4096, &recs, &c), 0);
	cr_expect_eq(recs, 2);
	dp_csv_free(c);
	/* too many fields in one record */
	dp_buf_reset(&t);
	dp_buf_adds(&t, "h\n");
	for (int i = 0; i < DP_CSV_MAX_FIELDS + 1; i++)
		dp_buf_adds(&t, i ? ",f" : "f");
	dp_buf_adds(&t, "\n");
	uint64_t at;
	cr_expect_eq(feed_bounded(t.s, t.len, 4096, &recs, &c), DP_CSV_PAST_BOUND);
	cr_expect_str_eq(dp_csv_bound(c, &at), "fields");
	cr_expect_eq(dp_csv_error_line(c), 2);
	dp_csv_free(c);
	/* a record's bytes: 20 fields of 60 000 */
	dp_buf_reset(&t);
	for (int f = 0; f < 20; f++) {
		if (f)
			dp_buf_addc(&t, ',');
		for (int i = 0; i < 60000; i++)
			dp_buf_addc(&t, 'z');
	}
	dp_buf_adds(&t, "\n");
	cr_expect_eq(feed_bounded(t.s, t.len, 1 << 16, &recs, &c), DP_CSV_PAST_BOUND);
	cr_expect_str_eq(dp_csv_bound(c, &at), "record");
	cr_expect_eq(dp_csv_error_line(c), 1);
	dp_csv_free(c);
	dp_buf_free(&t);
	/* an unbounded reader (work tables) reads them all */
	struct seen s = { DP_BUF_INIT };
	struct dp_csv *u = dp_csv_new(collect, &s);
	struct dp_buf w = DP_BUF_INIT;
	dp_buf_adds(&w, "a\n");
	for (size_t i = 0; i < DP_CSV_MAX_FIELD * 2; i++)
		dp_buf_addc(&w, 'q');
	dp_buf_adds(&w, "\n");
	cr_expect_eq(dp_csv_feed(u, w.s, w.len), 0);
	cr_expect_eq(dp_csv_finish(u), 0);
	dp_csv_free(u);
	dp_buf_free(&w);
	dp_buf_free(&s.out);
}
