/* Workbooks (book.h): a cell's number as Excel shows it (15 significant
 * digits rounded half away from zero, percents, dates of both systems and
 * Excel's 1900-02-29, times), number formats by id and by code, cell
 * references, positions, and the committed sample workbooks read through
 * both readers. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "deptperf/book.h"

#define WB DP_SOURCE_DIR "/sample-data/workbooks/"

static const char *shown(const char *v, enum dp_xl_fmt fmt, bool d1904)
{
	static struct dp_buf b = DP_BUF_INIT;
	dp_buf_reset(&b);
	if (!dp_xl_number(&b, v, strlen(v), fmt, d1904))
		return NULL;
	return dp_buf_str(&b);
}

Test(book, numbers)
{
	static const struct {
		const char *v;
		enum dp_xl_fmt fmt;
		bool d1904;
		const char *want; /* NULL: not a number */
	} cases[] = {
		{ "3998.0300000000002", DP_XL_PLAIN, false, "3998.03" },  /* a double's 17 digits */
		{ "0.38119999999999998", DP_XL_PERCENT, false, "38.12%" },
		{ "1.0915000000000001", DP_XL_PERCENT, false, "109.15%" },
		{ "0", DP_XL_PERCENT, false, "0%" },
		{ "2E-3", DP_XL_PLAIN, false, "0.002" },
		{ "1.5E+20", DP_XL_PLAIN, false, "150000000000000000000" },
		{ "-0", DP_XL_PLAIN, false, "0" },
		{ "-2.5", DP_XL_PLAIN, false, "-2.5" },
		{ "007.50", DP_XL_PLAIN, false, "7.5" },
		{ "123456789012345678", DP_XL_PLAIN, false, "123456789012346000" }, /* 15 digits, …345|678 up */
		{ "0.1234567890123455", DP_XL_PLAIN, false, "0.123456789012346" },  /* half away from zero */
		{ "-0.1234567890123455", DP_XL_PLAIN, false, "-0.123456789012346" },
		{ "0.1234567890123454", DP_XL_PLAIN, false, "0.123456789012345" },
		{ "9.9999999999999999", DP_XL_PLAIN, false, "10" },                  /* the carry moves the point */
		{ "44718", DP_XL_DATE, false, "2022-06-06" },
		{ "43256", DP_XL_DATE, true, "2022-06-06" },                         /* 1904 system */
		{ "1", DP_XL_DATE, false, "1900-01-01" },
		{ "59", DP_XL_DATE, false, "1900-02-28" },
		{ "60", DP_XL_DATE, false, "1900-02-29" },                           /* Excel's day that was not */
		{ "61", DP_XL_DATE, false, "1900-03-01" },
		{ "0", DP_XL_DATE, true, "0" },                                      /* no date: the number */
		{ "2958465", DP_XL_DATE, false, "9999-12-31" },
		{ "2958466", DP_XL_DATE, false, "2958466" },                         /* past Excel's last day */
		{ "-1", DP_XL_DATE, false, "-1" },
		{ "44718.5", DP_XL_DATE, false, "2022-06-06 12:00:00" },
		{ "44718.999999999", DP_XL_DATETIME, false, "2022-06-07" },          /* rounds to the next midnight */
		{ "44718", DP_XL_DATETIME, false, "2022-06-06" },
		{ "0.75", DP_XL_TIME, false, "18:00:00" },
		{ "1.5", DP_XL_TIME, false, "36:00:00" },
		{ "1E-30", DP_XL_DATE, false, "0.000000000000000000000000000001" }, /* no second: the number */
		{ "abc", DP_XL_PLAIN, false, NULL },
		{ "", DP_XL_PLAIN, false, NULL },
		{ "1e", DP_XL_PLAIN, false, NULL },
		{ "1.2.3", DP_XL_PLAIN, false, NULL },
		{ "--1", DP_XL_PLAIN, false, NULL },
		{ "1E999", DP_XL_PLAIN, false, NULL },
		{ " 1", DP_XL_PLAIN, false, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = shown(cases[i].v, cases[i].fmt, cases[i].d1904);
		if (!cases[i].want)
			cr_expect_null(got, "\"%s\" is no number, got \"%s\"", cases[i].v, got);
		else
			cr_expect(got && strcmp(got, cases[i].want) == 0, "\"%s\" (format %d) shows \"%s\", want \"%s\"",
				  cases[i].v, cases[i].fmt, got ? got : "(none)", cases[i].want);
	}
}

Test(book, formats)
{
	static const struct {
		const char *code;
		enum dp_xl_fmt want;
	} codes[] = {
		{ "0.00%", DP_XL_PERCENT },
		{ "0%", DP_XL_PERCENT },
		{ "yyyy\"年\"m\"月\"d\"日\"", DP_XL_DATE },
		{ "yyyy-mm-dd;@", DP_XL_DATE },
		{ "mmm", DP_XL_DATE },
		{ "m/d/yy h:mm", DP_XL_DATETIME },
		{ "h:mm", DP_XL_TIME },
		{ "[h]:mm:ss", DP_XL_TIME },
		{ "h:mm AM/PM", DP_XL_TIME },
		{ "General", DP_XL_PLAIN },
		{ "0.0E+00", DP_XL_PLAIN },
		{ "[Red]0.00", DP_XL_PLAIN },
		{ "\"m\"0", DP_XL_PLAIN },        /* quoted: a word */
		{ "0.00\\d", DP_XL_PLAIN },       /* escaped */
		{ "[$-804]0.00", DP_XL_PLAIN },
		{ "@", DP_XL_PLAIN },
		{ "0.00;[Red]-0.00%", DP_XL_PLAIN }, /* the first section decides */
	};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		cr_expect_eq(dp_xl_code_fmt(codes[i].code), codes[i].want, "format \"%s\"", codes[i].code);
	static const struct {
		unsigned id;
		enum dp_xl_fmt want;
	} ids[] = { { 0, DP_XL_PLAIN }, { 4, DP_XL_PLAIN }, { 9, DP_XL_PERCENT }, { 10, DP_XL_PERCENT },
		    { 14, DP_XL_DATE }, { 20, DP_XL_TIME }, { 22, DP_XL_DATETIME }, { 31, DP_XL_DATE },
		    { 32, DP_XL_TIME }, { 49, DP_XL_PLAIN }, { 57, DP_XL_DATE } };
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		cr_expect_eq(dp_xl_builtin_fmt(ids[i].id), ids[i].want, "built-in format %u", ids[i].id);
}

Test(book, positions)
{
	static const struct {
		size_t col;
		uint64_t row;
		const char *want;
	} refs[] = { { 0, 1, "A1" }, { 25, 2, "Z2" }, { 26, 3, "AA3" }, { 701, 4, "ZZ4" },
		     { 702, 5, "AAA5" }, { 16383, 1048576, "XFD1048576" } };
	struct dp_buf b = DP_BUF_INIT;
	for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
		dp_buf_reset(&b);
		dp_cell_ref(&b, refs[i].col, refs[i].row);
		cr_expect_str_eq(dp_buf_str(&b), refs[i].want);
	}
	dp_buf_reset(&b);
	dp_sheet_where(&b, "表1", 2, 17);
	cr_expect_str_eq(dp_buf_str(&b), "表1!C17：");
	dp_buf_reset(&b);
	dp_sheet_where(&b, "表1", -1, 17);
	cr_expect_str_eq(dp_buf_str(&b), "表1!第 17 行：");
	dp_buf_reset(&b);
	dp_sheet_where(&b, "表1", 2, 0);
	cr_expect_str_eq(dp_buf_str(&b), "工作表“表1”：");
	dp_buf_free(&b);
	cr_expect_eq(dp_book_kind_of_path("a/b.XLSX"), DP_BOOK_XLSX);
	cr_expect_eq(dp_book_kind_of_path("b.xls"), DP_BOOK_XLS);
	cr_expect_eq(dp_book_kind_of_path("b.xlsm"), DP_BOOK_NONE);
	cr_expect_eq(dp_book_kind_of_path("x.xls/b"), DP_BOOK_NONE);
	cr_expect_eq(dp_book_kind_from_name(dp_book_kind_name(DP_BOOK_XLS)), DP_BOOK_XLS);
}

struct rows {
	size_t n;
	char first[4][64];
	uint64_t line[4];
};

static int keep(void *ctx, const struct dp_record *r)
{
	struct rows *x = ctx;
	if (x->n < 4) {
		snprintf(x->first[x->n], sizeof x->first[0], "%s|%s", r->n ? r->f[0] : "", r->n > 1 ? r->f[1] : "");
		x->line[x->n] = r->line;
	}
	x->n++;
	return 0;
}

Test(book, sample_workbooks)
{
	struct dp_csvfile_result res;
	struct dp_buf err = DP_BUF_INIT;
	struct dp_book *b = dp_book_open(WB "bulk/export-2021.xlsx", DP_BOOK_XLSX, &res, &err);
	cr_assert(b, "%s", dp_buf_str(&err));
	cr_assert_eq(dp_book_sheets(b), 2);
	cr_expect_str_eq(dp_book_sheet_name(b, 0), "部门");
	cr_expect_str_eq(dp_book_sheet_name(b, 1), "专项资金");
	cr_expect_eq(dp_book_sheet_find(b, "专项资金"), 1);
	cr_expect_eq(dp_book_sheet_find(b, "none"), -1);
	struct rows r = { 0 };
	dp_book_read(b, 0, keep, &r, &res, &err);
	cr_expect_eq(res.status, DP_CF_OK, "%s", dp_buf_str(&err));
	cr_expect_eq(r.n, 11); /* the header and 10 departments */
	cr_expect_str_eq(r.first[0], "部门代码|部门名称");
	cr_expect_str_eq(r.first[1], "445000100|广东省教育系统第5000001预算单位");
	cr_expect_eq(r.line[1], 2);
	dp_book_close(b);

	/* an .xls, by sheet name, hashed */
	memset(&r, 0, sizeof r);
	dp_sheet_read(WB "forms/gen-06-440000105-0.xls", DP_BOOK_XLS, "表1", true, keep, &r, &res, &err);
	cr_expect_eq(res.status, DP_CF_OK, "%s", dp_buf_str(&err));
	cr_expect_str_eq(r.first[0], "字段|值");
	cr_expect_str_eq(r.first[1], "单位代码|440000105");
	cr_expect_eq(strlen(res.sha256), 64);
	/* a sheet that is not there is a read error (the file changed) */
	dp_buf_reset(&err);
	dp_sheet_read(WB "forms/gen-06-440000105-0.xls", DP_BOOK_XLS, "表2", false, keep, &r, &res, &err);
	cr_expect_eq(res.status, DP_CF_IOERR);
	cr_expect(strstr(dp_buf_str(&err), "表2") != NULL, "%s", dp_buf_str(&err));
	dp_buf_free(&err);
}

Test(book, row_assembly)
{
	struct dp_xl_row r = { 0 };
	dp_xl_row_start(&r, 7);
	cr_expect_not(r.nonblank);
	dp_xl_row_set(&r, 2, "c", 1); /* A and B skipped: empty */
	dp_xl_row_set(&r, 4, "eee", 3);
	struct dp_record rec = dp_xl_row_record(&r);
	cr_assert_eq(rec.n, 5);
	cr_expect_str_eq(rec.f[0], "");
	cr_expect_str_eq(rec.f[2], "c");
	cr_expect_str_eq(rec.f[3], "");
	cr_expect_str_eq(rec.f[4], "eee");
	cr_expect_eq(rec.len[4], 3);
	cr_expect_eq(rec.line, 7);
	cr_expect_eq(rec.longest, 3);
	cr_expect(r.nonblank);
	/* one piece, each field followed by its NUL, as dp_recbatch_add wants */
	cr_expect_eq(rec.f[4] - rec.f[0], 1 + 1 + 2 + 1);
	dp_xl_row_free(&r);
}

/* A sheet's cell text is counted across its rows (a row started again
 * keeps the count) and bounded against the workbook's size only past
 * DP_BOOK_RATIO_FROM: a string bomb is refused, a large honest export of a
 * large file is not. */
Test(book, sheet_text_bounded_by_the_file)
{
	static const struct {
		uint64_t text, file;
		bool over;
	} cases[] = {
		{ DP_BOOK_RATIO_FROM, 1000, false },               /* up to the floor, whatever the file */
		{ DP_BOOK_RATIO_FROM + 4000, 1000, true },          /* past it, 1 000 bytes allow 100 000 */
		{ DP_BOOK_RATIO_FROM + 4000, 3000000, false },      /* 300 MB of text from a 3 MB file */
		{ (uint64_t)301 << 20, (uint64_t)3 << 20, true },  /* past 100 × */
		{ (uint64_t)1 << 30, (uint64_t)20 << 20, false },  /* 1 GB from 20 MB: an export of short cells */
		{ DP_BOOK_RATIO_FROM + 4000, 0, true },             /* a size not known */
	};
	static char cell[4000];
	memset(cell, 'A', sizeof cell);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct dp_xl_row r = { 0 };
		uint64_t line = 1;
		/* in whole cells of 4 000 bytes, 64 to a row, then the rest */
		for (uint64_t done = 0; done < cases[i].text;) {
			dp_xl_row_start(&r, line++);
			for (size_t c = 0; c < 64 && done < cases[i].text; c++) {
				size_t n = cases[i].text - done < sizeof cell ? (size_t)(cases[i].text - done) : sizeof cell;
				dp_xl_row_set(&r, c, cell, n);
				done += n;
			}
		}
		cr_expect_eq(r.sheet_text, cases[i].text, "case %zu: counted", i);
		cr_expect_eq(dp_xl_text_over(&r, cases[i].file), cases[i].over, "case %zu", i);
		dp_xl_row_free(&r);
	}
}
