/* What xlsx.c (the workbook, its small parts, the shared strings, expat's
 * set-up) shares with xlsx_sheet.c (a sheet streamed into records).
 * Private to those two files. */
#ifndef DP_XLSX_IMPL_H
#define DP_XLSX_IMPL_H

#include <expat.h>
#include <zip.h>

#include "book_impl.h"

struct xlsx {
	zip_t *z;
	XML_Parser p;           /* reset for each part */
	char **part;            /* per sheet: its part's name, or NULL */
	enum dp_xl_fmt *xf;     /* per cell format (cellXfs): how a number shows */
	size_t nxf, capxf;
	char *sst_part;         /* the shared strings' part, or NULL */
	char *styles_part;      /* the styles' part, read at the first cell with a style (xlsx_load_styles) */
	bool styles_loaded;
	struct dp_buf sst;      /* the shared strings, each followed by its NUL */
	size_t *sst_at, nsst, capsst;
	uint64_t sst_bytes;     /* their memory: text and offsets (DP_BOOK_MAX_STRINGS) */
	struct sst_stream *sst_in; /* the shared strings' part, read as far as the cells need it */
};

/* What a part's handlers share: the parser, and why they stopped it. */
struct parse {
	XML_Parser p;
	const char *part;           /* the part being read, for messages */
	enum dp_csvfile_status st;  /* DP_CF_OK while all is well */
	int stop;                   /* the record callback's value */
	const char *bound;
	uint64_t line;
	struct dp_buf why;
};

/* Stops ps's parser, remembering the first reason st. */
void xlsx_halt(struct parse *ps, enum dp_csvfile_status st);
/* An element's or attribute's name without its namespace prefix. */
const char *xlsx_local(const char *name);
/* Attribute want (by its local name) of a, or NULL. */
const char *xlsx_attr(const XML_Char **a, const char *want);
/* Readies x's parser for a part read with these handlers (ud: their data). */
void xlsx_parse_init(struct xlsx *x, struct parse *ps, void *ud, XML_StartElementHandler start,
		     XML_EndElementHandler end, XML_CharacterDataHandler text);
/* Inflates the part name and parses it as it comes, within the parts'
 * bounds; false (res and err set) when it failed or was stopped. */
bool xlsx_parse_part(struct xlsx *x, const char *name, bool optional, struct parse *ps,
		     struct dp_csvfile_result *res, struct dp_buf *err);
void xlsx_parse_free(struct parse *ps);
/* The styles, read at the first cell that has one; false (res, err set)
 * when they cannot be. */
bool xlsx_load_styles(struct dp_book *b, struct xlsx *x, struct dp_csvfile_result *res, struct dp_buf *err);
/* Appends s[0..n), its _xHHHH_ escapes decoded (Excel's way of storing a
 * control character). */
void xlsx_add_escaped(struct dp_buf *out, const char *s, size_t n);
/* Reads the shared strings until string k is in x->sst (or there are no
 * more); false when reading them failed (fail says why). */
bool xlsx_sst_upto(struct xlsx *x, size_t k, struct parse *fail);

#endif
