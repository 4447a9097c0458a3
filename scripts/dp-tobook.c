/* dp-tobook: CSV files as the sheets of one .xlsx, cells typed as a clerk's
 * Excel types them — for sample-data/workbooks, the e2e tests and the
 * benchmark of Excel input (issue #24).
 *
 *   dp-tobook --out BOOK.xlsx [--inline] [--formulas] [NAME=]FILE.csv ...
 *   dp-tobook --each DIR [--inline] [--formulas] FILE.csv ...
 *
 * Each CSV (any encoding deptperf reads) becomes a sheet, named NAME or
 * after the file.  A cell that is a plain decimal of at most 15 significant
 * digits (and no leading zero: codes stay text) becomes a number, "38.12%"
 * a number 0.3812 formatted as a percent, "2022-01-15" a date serial
 * formatted as a date; anything else a string.  --inline writes strings
 * inline and streams the rows (libxlsxwriter's constant memory: how a big
 * export is made), else they go to the shared strings as Excel does;
 * --formulas writes every number as a
 * formula with its cached value (=3998.03, value 3998.03).  A CSV longer
 * than a sheet goes on on sheets "NAME (2)", … under its header.  --each writes
 * each CSV file as a workbook of its own in DIR (its sheet Sheet1, its name
 * the file's up to the first dot): 100 000 forms in one process.  The
 * workbook's bytes depend on its inputs only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "deptperf/csvfile.h"
#include "deptperf/recbatch.h"

struct conv {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *pct[8], *date;
	bool formulas, inline_strings;
	lxw_row_t row;
	int failed;
	const char *name;       /* the sheet's, and its continuations' "NAME (2)", … */
	int part;
	struct dp_recbatch header; /* the CSV's header, repeated atop each continuation */
};

/* A plain decimal: -?digits(.digits)?, no leading zero before more digits,
 * at most 15 significant digits. */
static bool plain_number(const char *s, size_t n)
{
	size_t i = s[0] == '-', digits = 0, lead = 0;
	bool point = false, any = false;
	if (i + 1 < n && s[i] == '0' && s[i + 1] != '.')
		return false;
	for (; i < n; i++) {
		if (s[i] == '.' && !point) {
			point = true;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (s[i] == '0' && digits == 0)
			lead++;
		else
			digits++;
		any = true;
	}
	return any && digits <= 15 && s[n - 1] != '.';
}

/* "38.12%" as the text of 0.3812 (the point moved by hand: no double
 * arithmetic) and its count of decimals; false when not such a percent. */
static bool percent(const char *s, size_t n, char *out, size_t cap, int *decimals)
{
	if (n < 2 || s[n - 1] != '%' || !plain_number(s, n - 1))
		return false;
	const char *dot = memchr(s, '.', n - 1);
	*decimals = dot ? (int)(s + n - 1 - dot - 1) : 0;
	snprintf(out, cap, "%.*se-2", (int)(n - 1), s);
	return true;
}

static bool iso_date(const char *s, size_t n, lxw_datetime *dt)
{
	int y, m, d;
	char tail;
	if (n != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	*dt = (lxw_datetime){ .year = y, .month = m, .day = d };
	return true;
}

static int on_row(void *ctx, const struct dp_record *r);

/* A CSV longer than a sheet (1 048 576 rows) goes on on the next, under
 * its header again, as an exporter splits it. */
static bool next_sheet(struct conv *c)
{
	char name[40];
	snprintf(name, sizeof name, "%.24s (%d)", c->name, ++c->part);
	c->ws = workbook_add_worksheet(c->wb, name);
	c->row = 0;
	if (!c->ws)
		return false;
	struct dp_record h = dp_recbatch_get(&c->header, 0);
	return on_row(c, &h) == 0;
}

static int on_row(void *ctx, const struct dp_record *r)
{
	struct conv *c = ctx;
	if (c->row == 0 && c->part == 1 && c->header.nrec == 0) {
		dp_recbatch_add(&c->header, r);
		dp_recbatch_seal(&c->header);
	}
	if (c->row == 1048576 && !next_sheet(c)) {
		c->failed = 1;
		return 1;
	}
	for (size_t k = 0; k < r->n; k++) {
		const char *s = r->f[k];
		size_t n = r->len[k];
		lxw_col_t col = (lxw_col_t)k;
		char num[96];
		int dec;
		lxw_datetime dt;
		lxw_error e = LXW_NO_ERROR;
		if (n == 0)
			continue;
		if (plain_number(s, n)) {
			double v = strtod(s, NULL);
			if (c->formulas) {
				char f[80];
				snprintf(f, sizeof f, "=%.*s", (int)n, s);
				e = worksheet_write_formula_num(c->ws, c->row, col, f, NULL, v);
			} else {
				e = worksheet_write_number(c->ws, c->row, col, v, NULL);
			}
		} else if (n < 60 && percent(s, n, num, sizeof num, &dec)) {
			e = worksheet_write_number(c->ws, c->row, col, strtod(num, NULL), c->pct[dec < 8 ? dec : 7]);
		} else if (iso_date(s, n, &dt)) {
			e = worksheet_write_datetime(c->ws, c->row, col, &dt, c->date);
		} else {
			e = worksheet_write_string(c->ws, c->row, col, s, NULL);
		}
		if (e != LXW_NO_ERROR) {
			fprintf(stderr, "dp-tobook: row %u: %s\n", (unsigned)c->row + 1, lxw_strerror(e));
			c->failed = 1;
			return 1;
		}
	}
	c->row++;
	return 0;
}

static int count_row(void *ctx, const struct dp_record *r)
{
	(void)ctx, (void)r;
	return 0;
}

/* Writes the workbook out of the CSV files args[0..n) ("[NAME=]FILE"); 0 or
 * an exit code. */
static int convert(const char *out, char **args, int n, bool inline_strings, bool formulas)
{
	lxw_workbook_options opt = { .constant_memory = inline_strings ? LXW_TRUE : LXW_FALSE, .use_zip64 = LXW_TRUE };
	struct conv c = { .wb = workbook_new_opt(out, &opt), .formulas = formulas };
	if (!c.wb) {
		fprintf(stderr, "dp-tobook: cannot create %s\n", out);
		return 73;
	}
	lxw_doc_properties props = { .author = "dp-tobook", .created = 946684800 };
	workbook_set_properties(c.wb, &props);
	static const char *pct[8] = { "0%", "0.0%", "0.00%", "0.000%", "0.0000%", "0.00000%", "0.000000%", "0.0000000%" };
	for (int k = 0; k < 8; k++) {
		c.pct[k] = workbook_add_format(c.wb);
		format_set_num_format(c.pct[k], pct[k]);
	}
	c.date = workbook_add_format(c.wb);
	format_set_num_format(c.date, "yyyy-mm-dd");
	for (int i = 0; i < n && !c.failed; i++) {
		char *arg = args[i], *eq = strchr(arg, '='), *path = eq ? eq + 1 : arg, name[32];
		if (eq) {
			snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
		} else {
			const char *base = strrchr(path, '/');
			snprintf(name, sizeof name, "%.31s", base ? base + 1 : path);
			char *dot = strchr(name, '.');
			if (dot)
				*dot = '\0';
		}
		c.ws = workbook_add_worksheet(c.wb, name);
		c.row = 0;
		c.name = name;
		c.part = 1;
		dp_recbatch_clear(&c.header);
		if (!c.ws) {
			fprintf(stderr, "dp-tobook: cannot add sheet \"%s\"\n", name);
			c.failed = 1;
			break;
		}
		struct dp_csvfile_result res;
		struct dp_buf err = DP_BUF_INIT;
		/* the encoding first, as dp-ingest decides it (a BOM, UTF-8, else GB18030) */
		enum dp_encoding enc = DP_ENC_AUTO;
		dp_csvfile_read(path, enc, false, count_row, NULL, &res, &err);
		if (res.status == DP_CF_BADTEXT && res.encoding == DP_ENC_UTF8)
			enc = DP_ENC_GB18030;
		dp_buf_reset(&err);
		dp_csvfile_read(path, enc, false, on_row, &c, &res, &err);
		if (res.status != DP_CF_OK) {
			fprintf(stderr, "dp-tobook: %s: cannot read (%s)\n", path, err.len ? err.s : "not CSV");
			c.failed = 1;
		}
		dp_buf_free(&err);
	}
	dp_recbatch_free(&c.header);
	lxw_error e = workbook_close(c.wb);
	if (e != LXW_NO_ERROR) {
		fprintf(stderr, "dp-tobook: %s: %s\n", out, lxw_strerror(e));
		return 74;
	}
	return c.failed ? 65 : 0;
}

int main(int argc, char **argv)
{
	const char *out = NULL, *each = NULL;
	bool inline_strings = false, formulas = false;
	int first = argc;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "--each") == 0 && i + 1 < argc)
			each = argv[++i];
		else if (strcmp(argv[i], "--inline") == 0)
			inline_strings = true;
		else if (strcmp(argv[i], "--formulas") == 0)
			formulas = true;
		else if (strcmp(argv[i], "--help") == 0) {
			puts("usage: dp-tobook --out BOOK.xlsx [--inline] [--formulas] [NAME=]FILE.csv ...\n"
			     "       dp-tobook --each DIR [--inline] [--formulas] FILE.csv ...");
			return 0;
		} else {
			first = i;
			break;
		}
	}
	if ((!out == !each) || first >= argc) {
		fprintf(stderr, "dp-tobook: --out or --each, and at least one CSV file, are required; see --help\n");
		return 64;
	}
	if (out)
		return convert(out, argv + first, argc - first, inline_strings, formulas);
	/* each file a workbook of one sheet, Sheet1, named after the file; a
	 * file that is not CSV is left out and named (a fault file) */
	int skipped = 0;
	for (int i = first; i < argc; i++) {
		const char *base = strrchr(argv[i], '/');
		base = base ? base + 1 : argv[i];
		size_t n = strcspn(base, ".");
		char path[4096], arg[4200];
		snprintf(path, sizeof path, "%s/%.*s.xlsx", each, (int)n, base);
		snprintf(arg, sizeof arg, "Sheet1=%s", argv[i]);
		char *one[1] = { arg };
		int rc = convert(path, one, 1, inline_strings, formulas);
		if (rc == 65) {
			remove(path);
			skipped++;
		} else if (rc) {
			return rc;
		}
	}
	if (skipped)
		fprintf(stderr, "dp-tobook: %d file(s) not CSV, left out\n", skipped);
	return 0;
}
