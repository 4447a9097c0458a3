/* Excel workbooks read as tables (SPEC §2.1): every sheet of an .xlsx
 * (libzip + expat, xlsx.c) or an .xls (FreeXL, xls.c) is handed over as CSV
 * records are (csvread.h), so that the shapes and the normalization of a
 * workbook are those of a CSV file: a record per non-blank row, its fields
 * the cells A, B, C, … ("" where a row has no cell), its line the row's
 * number in the sheet.  A cell is given as Excel shows it: a number to at
 * most 15 significant digits and never in exponent form, a number
 * formatted as a percent as "38.12%", as a date as "2022-01-15" (1900 and
 * 1904 date systems), a boolean as TRUE/FALSE, an error as "#DIV/0!", a
 * formula by its cached value, and a formula saved without one as its text
 * "=SUM(B2:B5)" (so a number field says it is not a number).
 *
 * Every read is bounded while it streams (docs/decisions.md "Bounds"): the
 * bounds of csvread.h per cell, row and sheet, and for an .xlsx the parts'
 * inflated sizes (DP_BOOK_MAX_PART, DP_BOOK_MAX_RATIO, DP_BOOK_MAX_SMALL),
 * the number of zip entries and sheets, and the shared strings, which are
 * the only thing held whole; and for both a sheet's cell text against the
 * file's size (dp_xl_text_over).  An
 * .xls is read by FreeXL, which holds the whole workbook: its size is
 * bounded (DP_BOOK_MAX_XLS).  A DTD in any part (entity expansion, external
 * entities) refuses the workbook.
 *
 * A dp_book is used by one thread; distinct books are independent. */
#ifndef DEPTPERF_BOOK_H
#define DEPTPERF_BOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/buf.h"
#include "deptperf/csvfile.h"
#include "deptperf/csvread.h"

enum dp_book_kind { DP_BOOK_NONE = 0, DP_BOOK_XLSX, DP_BOOK_XLS };

/* By the name's ending (.xlsx, .xls, any case). */
enum dp_book_kind dp_book_kind_of_path(const char *path);
/* "xlsx", "xls" (the word in inputs.csv.gz's encoding column), or "". */
const char *dp_book_kind_name(enum dp_book_kind k);
enum dp_book_kind dp_book_kind_from_name(const char *name);

/* Bounds of a workbook, beside csvread.h's. */
#define DP_BOOK_MAX_ENTRIES 10000                     /* zip entries of an .xlsx */
#define DP_BOOK_MAX_PART ((uint64_t)4 << 30)          /* inflated bytes of one part */
#define DP_BOOK_RATIO_FROM ((uint64_t)256 << 20)      /* past this many inflated bytes, */
#define DP_BOOK_MAX_RATIO 100                         /* a part may be at most this × its stored size */
#define DP_BOOK_MAX_STRINGS ((uint64_t)256 << 20)     /* bytes of the shared strings held in memory (text and offsets) */
#define DP_BOOK_MAX_SMALL ((uint64_t)64 << 20)        /* inflated bytes of the workbook, its relationships, its styles */
#define DP_BOOK_MAX_XLS ((uint64_t)64 << 20)          /* bytes of an .xls file (FreeXL reads it whole) */
#define DP_BOOK_MAX_ROWS ((uint64_t)1 << 20)          /* rows of a sheet, as Excel */
/* A sheet's cell text, all rows together, past DP_BOOK_RATIO_FROM bytes may
 * be at most DP_BOOK_MAX_RATIO × the workbook file's size: a string bomb
 * (one long shared string repeated in every cell, or an .xls SST entry)
 * makes gigabytes of text from a small file, within every bound above. */

struct dp_book;

/* Opens the workbook path of kind k.  NULL when it cannot be read as one,
 * with res->status DP_CF_IOERR (the file cannot be read), DP_CF_CORRUPT (a
 * damaged, encrypted or hostile workbook: err holds a sentence for the
 * clerk, in Chinese) or DP_CF_BOUND (res->bound names which).  The caller
 * owns the result: dp_book_close. */
struct dp_book *dp_book_open(const char *path, enum dp_book_kind k, struct dp_csvfile_result *res,
			     struct dp_buf *err);
/* The same, and the SHA-256 of the whole file into res->sha256 and its size
 * into res->raw_bytes, from the bytes read: an .xlsx of up to
 * DP_BOOK_IN_MEMORY bytes is read once into memory, hashed there and opened
 * from there (one read of a small form, and what is hashed is what is
 * read); a larger one, or an .xls, is hashed and then opened. */
struct dp_book *dp_book_open_hashed(const char *path, enum dp_book_kind k, struct dp_csvfile_result *res,
				    struct dp_buf *err);
#define DP_BOOK_IN_MEMORY ((uint64_t)16 << 20)
size_t dp_book_sheets(const struct dp_book *b);
const char *dp_book_sheet_name(const struct dp_book *b, size_t i);
/* Why sheet i is no table (a chart sheet), or NULL. */
const char *dp_book_sheet_skip(const struct dp_book *b, size_t i);
/* The sheet named name, or -1. */
long dp_book_sheet_find(const struct dp_book *b, const char *name);
/* Reads sheet i, calling fn for every non-blank row.  res->status: DP_CF_OK,
 * DP_CF_STOPPED (fn's value in res->stop), DP_CF_IOERR, DP_CF_CORRUPT
 * (err), DP_CF_BOUND (res->bound: "field", "fields", "record", "records",
 * "part"; res->line the row).  res->sha256 is left as it is. */
void dp_book_read(struct dp_book *b, size_t i, dp_record_fn fn, void *ctx, struct dp_csvfile_result *res,
		  struct dp_buf *err);
void dp_book_close(struct dp_book *b);

/* Reads the sheet named sheet of the workbook path, as dp_book_read, with
 * res->sha256 the SHA-256 of the whole file when want_sha (the file is
 * hashed first, the workbook then read).  A sheet that is no longer there
 * is DP_CF_IOERR. */
void dp_sheet_read(const char *path, enum dp_book_kind k, const char *sheet, bool want_sha, dp_record_fn fn,
		   void *ctx, struct dp_csvfile_result *res, struct dp_buf *err);

struct dp_findings;
/* The finding of a workbook res did not read whole (E-ENCODING, E-TOO-LONG),
 * as dp_csvfile_finding for a CSV file; sheet may be NULL. */
bool dp_book_finding(struct dp_findings *fs, const char *path, const char *sheet,
		     const struct dp_csvfile_result *res, const char *why);

/* Appends the cell reference of column col (0 = A) and row: "C17". */
void dp_cell_ref(struct dp_buf *b, size_t col, uint64_t row);
/* Appends where a finding is in a workbook, before its message: "表1!C17：",
 * "表1!第 17 行：" when col < 0, "工作表“表1”：" when line is 0 (SPEC §2.1). */
void dp_sheet_where(struct dp_buf *b, const char *sheet, long col, uint64_t line);

/* ---- cells, for the readers (book.c) ---- */

/* How a number cell is shown, by its format. */
enum dp_xl_fmt { DP_XL_PLAIN = 0, DP_XL_PERCENT, DP_XL_DATE, DP_XL_DATETIME, DP_XL_TIME };
/* The format of Excel's built-in number format id. */
enum dp_xl_fmt dp_xl_builtin_fmt(unsigned id);
/* The format of a format code such as "0.00%" or "yyyy\"年\"m\"月\"d\"日\"". */
enum dp_xl_fmt dp_xl_code_fmt(const char *code);
/* Appends the number literal v[0..n) (as an .xlsx stores it: "0.38119999999999998",
 * "1E-3") as Excel shows it in format fmt, date1904 choosing the date
 * system.  False, nothing appended, when v is not a number literal. */
bool dp_xl_number(struct dp_buf *out, const char *v, size_t n, enum dp_xl_fmt fmt, bool date1904);

/* A row being assembled from its cells, then handed over as a record. */
struct dp_xl_row {
	struct dp_buf text;   /* the cells' texts, each followed by its NUL */
	size_t *at, *len;     /* per column: where its text is */
	const char **f;
	size_t n, cap;        /* columns so far (the last cell's + 1) */
	uint64_t line;
	size_t longest;
	bool nonblank;
	uint64_t sheet_text;  /* bytes of cell text set since the sheet began (the row zeroed then) */
};
void dp_xl_row_start(struct dp_xl_row *r, uint64_t line);
/* Sets column col, after every column set so far, to s[0..n). */
void dp_xl_row_set(struct dp_xl_row *r, size_t col, const char *s, size_t n);
/* Whether the sheet's cell text so far is past its bound for a workbook
 * file of file_bytes (see DP_BOOK_MAX_ROWS). */
bool dp_xl_text_over(const struct dp_xl_row *r, uint64_t file_bytes);
/* The row as a record (valid until the row changes). */
struct dp_record dp_xl_row_record(struct dp_xl_row *r);
void dp_xl_row_free(struct dp_xl_row *r);

#endif
