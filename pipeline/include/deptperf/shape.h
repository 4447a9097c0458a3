/* The shape of an input file, decided by its header row (SPEC §2.2). */
#ifndef DEPTPERF_SHAPE_H
#define DEPTPERF_SHAPE_H

#include <stddef.h>

#include "deptperf/csvread.h"
#include "deptperf/fields.h"
#include "deptperf/value.h"

enum dp_shape { DP_SHAPE_NONE = 0, DP_SHAPE_FORM, DP_SHAPE_BULK_DEPT, DP_SHAPE_BULK_FUND };

/* "form", "bulk-departments", "bulk-funds", or "". */
const char *dp_shape_name(enum dp_shape s);
enum dp_shape dp_shape_from_name(const char *name);

struct dp_header {
	enum dp_shape shape;
	/* form: the columns of field, value, unit, item (-1 when absent) */
	int col_field, col_value, col_unit, col_item;
	/* bulk: per column, the field index (-1 unknown), its label as
	 * normalized, and the unit written in brackets (NULL when none) */
	size_t ncols;
	int *field;
	char **label;
	char **unit;
	struct dp_unit_hint *hint; /* per column: its unit, looked up once (dp_unit_hint_fixed) */
};

/* Reads a header record.  Returns the shape (DP_SHAPE_NONE when it fits
 * none) and fills h, which the caller frees with dp_header_free. */
enum dp_shape dp_header_parse(const struct dp_dict *d, const struct dp_record *r, struct dp_header *h);
void dp_header_free(struct dp_header *h);
/* The column of h where a finding on field (a field code, or a label the
 * dictionary does not know) has its cell: a form's value column for a
 * field, its field column for a label; a bulk table's column of the field
 * or label.  -1 when there is none (no field: the finding is on a row). */
long dp_header_col(const struct dp_dict *d, const struct dp_header *h, const char *field);
/* Where a finding (code, field, line) is in a sheet whose header h is on
 * header_line, before its message (book.h's dp_sheet_where): the cell of
 * the field, else the row; a form's finding on its header line (its
 * submission as a whole: a missing field, a superseded form) names the
 * sheet only. */
void dp_sheet_finding_where(struct dp_buf *b, const struct dp_dict *d, const struct dp_header *h, uint64_t header_line,
			    const char *sheet, const char *code, const char *field, uint64_t line);

#endif
