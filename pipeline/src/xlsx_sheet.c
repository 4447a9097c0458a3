/* An .xlsx sheet streamed into records (book.h): parsed as it is inflated,
 * 64 KiB at a time, each row handed over at its </row>, each cell given as
 * Excel shows it; a sheet out of order, a cell naming a string that is not
 * there, or text past a bound stops the sheet (xlsx.c has the workbook). */
#include "xlsx_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sheet {
	struct parse ps;
	struct dp_book *b;
	struct xlsx *x;
	const char *name;
	dp_record_fn fn;
	void *ctx;
	bool in_data, in_row, in_cell, in_is;
	int depth_rph;
	enum { IN_NONE, IN_V, IN_T, IN_F } collect;
	uint64_t row, records;
	long col;             /* the last cell's column in the row, -1 before it */
	long cell_col;
	char type[12];
	unsigned style;
	struct dp_buf v, t, f, out;
	struct dp_xl_row r;
};

/* The sheet is damaged at the current cell: why says how. */
static void fail_cell(struct sheet *s, const char *why)
{
	struct dp_buf ref = DP_BUF_INIT;
	dp_cell_ref(&ref, s->cell_col >= 0 ? (size_t)s->cell_col : 0, s->row);
	dp_buf_addf(&s->ps.why, "工作表“%s”的单元格 %s %s，文件不是 Excel 正常保存的或已损坏：请在 Excel 中打开后另存为 .xlsx",
		    s->name, ref.s, why);
	dp_buf_free(&ref);
	s->ps.line = s->row;
	xlsx_halt(&s->ps, DP_CF_CORRUPT);
}

static void past(struct sheet *s, const char *bound)
{
	s->ps.bound = bound;
	s->ps.line = s->row;
	xlsx_halt(&s->ps, DP_CF_BOUND);
}

/* The column of a reference such as "C17" (and its row in *row, 0 if none), or -1. */
static long ref_col(const char *ref, uint64_t *row)
{
	long col = 0;
	const char *p = ref;
	for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++) {
		col = col * 26 + ((*p & ~0x20) - 'A' + 1);
		if (col > 1 << 20)
			return -1;
	}
	if (p == ref)
		return -1;
	*row = strtoull(p, NULL, 10);
	return col - 1;
}

/* The elements of a sheet that matter, by local name (a sheet is mostly
 * c and v: told by their first letter, not by a chain of strcmp). */
enum el { EL_OTHER, EL_SHEETDATA, EL_ROW, EL_C, EL_V, EL_F, EL_IS, EL_T, EL_RPH };

static enum el el_of(const char *name)
{
	const char *n = xlsx_local(name);
	switch (n[0]) {
	case 'c':
		return n[1] ? EL_OTHER : EL_C;
	case 'v':
		return n[1] ? EL_OTHER : EL_V;
	case 'f':
		return n[1] ? EL_OTHER : EL_F;
	case 't':
		return n[1] ? EL_OTHER : EL_T;
	case 'r':
		return strcmp(n, "row") == 0 ? EL_ROW : strcmp(n, "rPh") == 0 ? EL_RPH : EL_OTHER;
	case 'i':
		return strcmp(n, "is") == 0 ? EL_IS : EL_OTHER;
	case 's':
		return strcmp(n, "sheetData") == 0 ? EL_SHEETDATA : EL_OTHER;
	default:
		return EL_OTHER;
	}
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct sheet *s = ud;
	enum el e = el_of(name);
	if (e == EL_SHEETDATA) {
		s->in_data = true;
	} else if (!s->in_data) {
		return;
	} else if (e == EL_ROW) {
		const char *r = xlsx_attr(a, "r");
		uint64_t row = r ? strtoull(r, NULL, 10) : s->row + 1;
		s->cell_col = -1;
		if (row <= s->row || row == 0) {
			s->ps.line = row;
			dp_buf_addf(&s->ps.why, "工作表“%s”的第 %llu 行出现在第 %llu 行之后，行的顺序错乱：文件不是 Excel 正常保存的，"
						"请在 Excel 中打开后另存为 .xlsx", s->name, (unsigned long long)row,
				    (unsigned long long)s->row);
			xlsx_halt(&s->ps, DP_CF_CORRUPT);
			return;
		}
		s->row = row;
		if (row > DP_BOOK_MAX_ROWS) {
			past(s, "records");
			return;
		}
		s->in_row = true;
		s->col = -1;
		dp_xl_row_start(&s->r, row);
	} else if (e == EL_C) {
		if (!s->in_row) {
			fail_cell(s, "不在任何行中");
			return;
		}
		const char *r = NULL, *t = NULL, *st = NULL; /* its attributes r, t, s, in one pass */
		for (const XML_Char **p = a; p && p[0]; p += 2) {
			const char *an = xlsx_local(p[0]);
			if (an[0] == '\0' || an[1] != '\0')
				continue;
			if (an[0] == 'r')
				r = p[1];
			else if (an[0] == 't')
				t = p[1];
			else if (an[0] == 's')
				st = p[1];
		}
		uint64_t row = s->row;
		long col = r ? ref_col(r, &row) : s->col + 1;
		s->cell_col = col;
		if (col < 0 || (r && row != s->row) || col <= s->col) {
			fail_cell(s, col < 0 ? "的引用无法识别" : row != s->row ? "不在它所在的行中" :
								  "排在它右边的单元格之后（顺序错乱）");
			return;
		}
		if ((size_t)col >= DP_CSV_MAX_FIELDS) {
			past(s, "fields");
			return;
		}
		s->col = col;
		s->in_cell = true;
		snprintf(s->type, sizeof s->type, "%s", t ? t : "n");
		s->style = st ? (unsigned)strtoul(st, NULL, 10) : 0;
		dp_buf_reset(&s->v);
		dp_buf_reset(&s->t);
		dp_buf_reset(&s->f);
	} else if (!s->in_cell) {
		return;
	} else if (e == EL_V) {
		s->collect = IN_V;
	} else if (e == EL_F) {
		s->collect = IN_F;
	} else if (e == EL_IS) {
		s->in_is = true;
	} else if (e == EL_RPH) {
		s->depth_rph++;
	} else if (e == EL_T && s->in_is && s->depth_rph == 0) {
		s->collect = IN_T;
	}
}

/* The text of the cell just ended, into s->out. */
static void cell_text(struct sheet *s)
{
	struct dp_buf *o = &s->out;
	dp_buf_reset(o);
	const char *v = s->v.s ? s->v.s : "";
	if (strcmp(s->type, "s") == 0) {
		char *end;
		unsigned long long k = strtoull(v, &end, 10);
		if (s->v.len && !*end && k >= s->x->nsst && k < SIZE_MAX && !xlsx_sst_upto(s->x, (size_t)k, &s->ps)) {
			s->ps.line = s->row;
			xlsx_halt(&s->ps, s->ps.st);
			return;
		}
		if (!s->v.len || *end || k >= s->x->nsst) {
			char why[80];
			snprintf(why, sizeof why, "引用了不存在的共享字符串（编号 %.20s，共 %zu 个）", v, s->x->nsst);
			fail_cell(s, why);
			return;
		}
		dp_buf_adds(o, s->x->sst.s + s->x->sst_at[k]);
	} else if (strcmp(s->type, "inlineStr") == 0) {
		xlsx_add_escaped(o, s->t.s ? s->t.s : "", s->t.len);
	} else if (strcmp(s->type, "b") == 0) {
		if (s->v.len)
			dp_buf_adds(o, strcmp(v, "0") == 0 ? "FALSE" : "TRUE");
	} else if (strcmp(s->type, "n") == 0) {
		if (s->style && s->v.len && !s->x->styles_loaded) {
			struct dp_csvfile_result r = { 0 };
			if (!xlsx_load_styles(s->b, s->x, &r, &s->ps.why)) {
				s->ps.bound = r.bound;
				s->ps.line = s->row;
				xlsx_halt(&s->ps, r.status);
				return;
			}
		}
		enum dp_xl_fmt fmt = s->style < s->x->nxf ? s->x->xf[s->style] : DP_XL_PLAIN;
		if (s->v.len && !dp_xl_number(o, v, s->v.len, fmt, s->b->date1904))
			dp_buf_add(o, v, s->v.len);
		else if (!s->v.len && s->f.len) { /* a formula saved without its value */
			dp_buf_addc(o, '=');
			dp_buf_add(o, s->f.s, s->f.len);
		}
	} else if (strcmp(s->type, "d") == 0) { /* an ISO 8601 date: its day, when at midnight */
		size_t n = s->v.len;
		if (n > 10 && v[10] == 'T' && strspn(v + 11, "0:.") == n - 11)
			n = 10;
		dp_buf_add(o, v, n);
	} else { /* str (a formula's text), e (#DIV/0!) */
		xlsx_add_escaped(o, v, s->v.len);
		if (!s->v.len && s->f.len) {
			dp_buf_addc(o, '=');
			dp_buf_add(o, s->f.s, s->f.len);
		}
	}
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	struct sheet *s = ud;
	if (!s->in_data)
		return;
	enum el e = el_of(name);
	if (e == EL_SHEETDATA) {
		s->in_data = false;
	} else if (e == EL_V || e == EL_F || (e == EL_T && s->collect == IN_T)) {
		s->collect = IN_NONE;
	} else if (e == EL_IS) {
		s->in_is = false;
	} else if (e == EL_RPH) {
		s->depth_rph--;
	} else if (e == EL_C && s->in_cell) {
		s->in_cell = false;
		cell_text(s);
		if (s->ps.st != DP_CF_OK)
			return;
		if (s->out.len > DP_CSV_MAX_FIELD) {
			past(s, "field");
			return;
		}
		if (s->out.len)
			dp_xl_row_set(&s->r, (size_t)s->col, s->out.s, s->out.len);
		if (s->r.text.len > DP_CSV_MAX_RECORD)
			past(s, "record");
		else if (dp_xl_text_over(&s->r, s->b->bytes))
			past(s, "text");
	} else if (e == EL_ROW && s->in_row) {
		s->in_row = false;
		if (!s->r.nonblank)
			return;
		if (++s->records > DP_CSV_MAX_RECORDS) {
			past(s, "records");
			return;
		}
		struct dp_record rec = dp_xl_row_record(&s->r);
		int stop = s->fn(s->ctx, &rec);
		if (stop) {
			s->ps.stop = stop;
			xlsx_halt(&s->ps, DP_CF_STOPPED);
		}
	}
}

static void XMLCALL sheet_text(void *ud, const XML_Char *t, int len)
{
	struct sheet *s = ud;
	struct dp_buf *b = s->collect == IN_V ? &s->v : s->collect == IN_T ? &s->t : s->collect == IN_F ? &s->f : NULL;
	if (!b)
		return;
	if (b->len + (size_t)len > DP_CSV_MAX_FIELD + 1) {
		if (s->collect != IN_F) /* (a long formula matters only if it has no value) */
			past(s, "field");
		return;
	}
	dp_buf_add(b, t, (size_t)len);
}

void xlsx_read(struct dp_book *b, size_t i, dp_record_fn fn, void *ctx, struct dp_csvfile_result *res,
	       struct dp_buf *err)
{
	struct xlsx *x = b->impl;
	const char *part = x->part[i];
	struct sheet s = { .b = b, .x = x, .name = b->names[i], .fn = fn, .ctx = ctx, .col = -1, .cell_col = -1 };
	xlsx_parse_init(x, &s.ps, &s, sheet_start, sheet_end, sheet_text);
	xlsx_parse_part(x, part, false, &s.ps, res, err);
	xlsx_parse_free(&s.ps);
	dp_buf_free(&s.v);
	dp_buf_free(&s.t);
	dp_buf_free(&s.f);
	dp_buf_free(&s.out);
	dp_xl_row_free(&s.r);
}
