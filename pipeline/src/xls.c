/* .xls workbooks (BIFF, Excel 97–2003) read with FreeXL (book.h).
 *
 * FreeXL reads the whole workbook into memory when it opens it, each sheet
 * as a grid of the size its DIMENSION record claims: the file's size and,
 * before the cells are loaded (freexl_open_info), every sheet's grid are
 * bounded so that a crafted file cannot ask for gigabytes.  FreeXL tells a
 * date cell from a number but gives no other format: a number formatted as
 * a percent is read as the fraction it stores (docs/decisions.md, "Excel
 * workbooks"). */
#include "book_impl.h"

#include <freexl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Cells of one sheet's grid FreeXL may hold (rows × columns): a bulk export
 * of 65 536 rows (BIFF8's most) and 64 columns. */
#define MAX_XLS_CELLS ((uint64_t)65536 * 64)

static const char *freexl_why(int rc)
{
	switch (rc) {
	case FREEXL_FILE_NOT_FOUND:
		return "文件不存在或无法读取";
	case FREEXL_INSUFFICIENT_MEMORY:
		return "内存不足";
	case FREEXL_CRAFTED_FILE:
		return "文件结构被篡改";
	case FREEXL_BIFF_INVALID_SST:
	case FREEXL_BIFF_ILLEGAL_SST_INDEX:
		return "共享字符串表损坏";
	case FREEXL_INVALID_CHARACTER:
	case FREEXL_UNSUPPORTED_CHARSET:
		return "文字编码无法识别";
	default:
		return "不是有效的 Excel 97–2003 工作簿";
	}
}

/* Whether some sheet's grid is past MAX_XLS_CELLS (err says which), from
 * FreeXL's metadata only. */
static bool grid_too_big(const char *path, struct dp_csvfile_result *res, struct dp_buf *err)
{
	const void *h = NULL;
	if (freexl_open_info(path, &h) != FREEXL_OK) {
		freexl_close(h);
		return false; /* (freexl_open says why) */
	}
	unsigned sheets = 0;
	bool big = false;
	if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &sheets) == FREEXL_OK)
		for (unsigned i = 0; i < sheets && i < 65536 && !big; i++) {
			unsigned rows = 0;
			unsigned short cols = 0;
			const char *name = NULL;
			if (freexl_select_active_worksheet(h, (unsigned short)i) != FREEXL_OK ||
			    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
				continue;
			if ((uint64_t)rows * cols > MAX_XLS_CELLS) {
				big = true;
				freexl_get_worksheet_name(h, (unsigned short)i, &name);
				res->status = DP_CF_BOUND;
				res->bound = "part";
				dp_buf_addf(err, "的工作表“%s”声明了 %u 行 × %u 列，超过读取上限 %llu 个单元格", name ? name : "?",
					    rows, (unsigned)cols, (unsigned long long)MAX_XLS_CELLS);
			}
		}
	freexl_close(h);
	return big;
}

bool xls_open(struct dp_book *b, const char *path, struct dp_csvfile_result *res, struct dp_buf *err)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		res->status = DP_CF_IOERR;
		dp_buf_adds(err, "文件无法读取");
		return false;
	}
	if ((uint64_t)st.st_size > DP_BOOK_MAX_XLS) {
		res->status = DP_CF_BOUND;
		res->bound = "part";
		dp_buf_addf(err, "有 %llu 字节，超过 .xls 的读取上限 %llu 字节（.xls 须整个读入内存）：请另存为 .xlsx",
			    (unsigned long long)st.st_size, (unsigned long long)DP_BOOK_MAX_XLS);
		return false;
	}
	if (grid_too_big(path, res, err))
		return false;
	const void *h = NULL;
	int rc = freexl_open(path, &h);
	if (rc != FREEXL_OK) {
		freexl_close(h);
		res->status = rc == FREEXL_FILE_NOT_FOUND ? DP_CF_IOERR : DP_CF_CORRUPT;
		dp_buf_addf(err, "无法作为 .xls 工作簿读取（%s），文件可能已损坏或只是改了扩展名："
				 "请在 Excel 中打开后另存为 .xlsx 再提交", freexl_why(rc));
		return false;
	}
	b->impl = (void *)h;
	unsigned pw = 0, sheets = 0, mode = 0;
	freexl_get_info(h, FREEXL_BIFF_PASSWORD, &pw);
	if (pw == FREEXL_BIFF_OBFUSCATED) {
		res->status = DP_CF_CORRUPT;
		dp_buf_adds(err, "工作簿已加密（设置了打开密码），无法读取：请取消密码后另存为 .xlsx 再提交");
		return false;
	}
	freexl_get_info(h, FREEXL_BIFF_DATEMODE, &mode);
	b->date1904 = mode == FREEXL_BIFF_DATEMODE_1904;
	freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &sheets);
	for (unsigned i = 0; i < sheets && i < 65536; i++) {
		const char *name = NULL;
		freexl_get_worksheet_name(h, (unsigned short)i, &name);
		book_add_sheet(b, name ? name : "", NULL);
	}
	return true;
}

/* The text of one cell, as Excel shows it (book.h), into out. */
static void cell_text(struct dp_buf *out, const FreeXL_CellValue *c)
{
	char num[40];
	switch (c->type) {
	case FREEXL_CELL_INT:
		dp_buf_addf(out, "%d", c->value.int_value);
		break;
	case FREEXL_CELL_DOUBLE:
		/* the stored double, exactly enough to round it as Excel shows it */
		snprintf(num, sizeof num, "%.17g", c->value.double_value);
		if (!dp_xl_number(out, num, strlen(num), DP_XL_PLAIN, false))
			dp_buf_adds(out, num); /* (inf, nan: no cell Excel writes) */
		break;
	case FREEXL_CELL_DATETIME: {
		const char *t = c->value.text_value ? c->value.text_value : "";
		size_t n = strlen(t);
		/* a date with a time of midnight is the date, as an .xlsx's */
		if (n == 19 && strcmp(t + 10, " 00:00:00") == 0)
			n = 10;
		dp_buf_add(out, t, n);
		break;
	}
	case FREEXL_CELL_TEXT:
	case FREEXL_CELL_SST_TEXT:
	case FREEXL_CELL_DATE:
	case FREEXL_CELL_TIME:
		dp_buf_adds(out, c->value.text_value ? c->value.text_value : "");
		break;
	default:
		break;
	}
}

void xls_read(struct dp_book *b, size_t i, dp_record_fn fn, void *ctx, struct dp_csvfile_result *res,
	      struct dp_buf *err)
{
	const void *h = b->impl;
	unsigned rows = 0;
	unsigned short cols = 0;
	if (freexl_select_active_worksheet(h, (unsigned short)i) != FREEXL_OK ||
	    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK) {
		res->status = DP_CF_CORRUPT;
		dp_buf_addf(err, "工作表“%s”无法读取，文件可能已损坏：请在 Excel 中打开后另存为 .xlsx", b->names[i]);
		return;
	}
	if (cols > DP_CSV_MAX_FIELDS) {
		res->status = DP_CF_BOUND;
		res->bound = "fields";
		res->line = 1;
		return;
	}
	struct dp_xl_row r = { 0 };
	struct dp_buf cell = DP_BUF_INIT;
	for (unsigned row = 0; row < rows && res->status == DP_CF_OK; row++) {
		dp_xl_row_start(&r, (uint64_t)row + 1);
		for (unsigned short col = 0; col < cols; col++) {
			FreeXL_CellValue c;
			if (freexl_get_cell_value(h, row, col, &c) != FREEXL_OK)
				continue;
			dp_buf_reset(&cell);
			cell_text(&cell, &c);
			if (cell.len > DP_CSV_MAX_FIELD) {
				res->status = DP_CF_BOUND;
				res->bound = "field";
				res->line = (uint64_t)row + 1;
				break;
			}
			if (cell.len)
				dp_xl_row_set(&r, col, cell.s, cell.len);
		}
		if (res->status != DP_CF_OK || !r.nonblank)
			continue;
		struct dp_record rec = dp_xl_row_record(&r);
		int stop = fn(ctx, &rec);
		if (stop) {
			res->status = DP_CF_STOPPED;
			res->stop = stop;
		}
	}
	dp_buf_free(&cell);
	dp_xl_row_free(&r);
}

void xls_close(struct dp_book *b)
{
	freexl_close(b->impl);
	b->impl = NULL;
}
