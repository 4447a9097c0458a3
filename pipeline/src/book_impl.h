/* What book.c shares with its two readers, xlsx.c and xls.c.  Private to
 * those files. */
#ifndef DP_BOOK_IMPL_H
#define DP_BOOK_IMPL_H

#include "deptperf/book.h"

struct dp_book {
	enum dp_book_kind kind;
	char *path;
	bool in_memory;       /* read from the bytes hashed (dp_book_open_hashed) */
	uint64_t bytes;       /* the file's size (0 if unknown): the bound of a sheet's text */
	char **names;         /* the sheets' names, in the workbook's order */
	const char **skip;    /* per sheet: why it is no table (static text), or NULL */
	size_t n, cap;
	bool date1904;
	void *impl;           /* the reader's own */
};

/* Adds a sheet to b's list (name copied). */
void book_add_sheet(struct dp_book *b, const char *name, const char *skip);

/* Opens path, or, when data is not NULL, its n bytes read (xlsx_open takes
 * them: freed with the workbook). */
bool xlsx_open(struct dp_book *b, const char *path, void *data, size_t n, struct dp_csvfile_result *res,
	       struct dp_buf *err);
void xlsx_read(struct dp_book *b, size_t i, dp_record_fn fn, void *ctx, struct dp_csvfile_result *res,
	       struct dp_buf *err);
void xlsx_close(struct dp_book *b);

bool xls_open(struct dp_book *b, const char *path, struct dp_csvfile_result *res, struct dp_buf *err);
void xls_read(struct dp_book *b, size_t i, dp_record_fn fn, void *ctx, struct dp_csvfile_result *res,
	      struct dp_buf *err);
void xls_close(struct dp_book *b);

#endif
