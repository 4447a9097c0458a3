/* One record of an input file made canonical (SPEC §2.2–2.3, §3): a form's
 * row (字段, 值, 单位, 分项) or a bulk row (a department, or a special fund),
 * each value normalized by its field (value.h) and set on the submission
 * being assembled, with a finding for each value that is wrong, given
 * twice, or of an unknown field.  Pure: no I/O; what a record makes is the
 * submission's state and the findings added to the caller's list.  The
 * stage (normalize.c) reads the files, decides when a submission ends and
 * writes its rows.
 *
 * A dp_rec_sub is used by one thread; the dictionary and header are only
 * read, so threads may share them. */
#ifndef DEPTPERF_RECORD_H
#define DEPTPERF_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/buf.h"
#include "deptperf/csvread.h"
#include "deptperf/fields.h"
#include "deptperf/findings.h"
#include "deptperf/shape.h"

/* What a file's records are read with: the same for all of them. */
struct dp_rec_in {
	const struct dp_dict *dict;
	const struct dp_header *hdr;  /* the file's header row (dp_header_parse) */
	enum dp_shape shape;          /* its shape */
	const char *file;             /* the findings' file */
	bool xls;                     /* an .xls sheet: a percent's number cannot be told from its fraction */
};

enum { DP_FUND_ALLOC, DP_FUND_SPENT, DP_FUND_SELFEVAL, DP_FUND_NVALS };

/* A special fund of a form (its rows grouped by 分项 or name), or a bulk
 * fund row. */
struct dp_rec_fund {
	struct dp_buf name;
	struct dp_buf val[DP_FUND_NVALS];
	uint64_t line;
	size_t errors;
	bool bad[DP_FUND_NVALS];
};

/* The submission (or bulk fund row) being assembled. */
struct dp_rec_sub {
	size_t nfields;
	struct dp_buf *val;           /* per field of the dictionary: its canonical text, "" when not given */
	uint64_t *line_of;            /* per field: the line it was given on (0: not given, or a fund's) */
	bool *bad;                    /* per field: its value was wrong */
	size_t errors;                /* error findings of the submission so far */
	size_t findings_from;         /* its findings start there in the caller's list */
	uint64_t line;                /* a bulk row's line; a form's header line */
	struct dp_rec_fund *funds;
	size_t nfunds, capfunds;
	bool too_long;                /* a form past DP_REC_MAX_FORM_ROWS rows was said so */
	struct dp_buf out, why, shown; /* scratch, reused for every value */
};

#define DP_REC_MAX_FORM_ROWS 10000

void dp_rec_sub_init(struct dp_rec_sub *s, size_t nfields);
/* Empties s for the next submission, whose findings start at findings_from. */
void dp_rec_sub_reset(struct dp_rec_sub *s, size_t findings_from);
void dp_rec_sub_free(struct dp_rec_sub *s);
/* The fund of s named name, made (on line) when it is new. */
struct dp_rec_fund *dp_rec_fund_of(struct dp_rec_sub *s, const char *name, uint64_t line);
void dp_rec_fund_clear(struct dp_rec_fund *f);

/* Row r of a form (in->shape DP_SHAPE_FORM), its rows so far counted in
 * rows (r included): the field its 字段 names set from its 值 and 单位 on s,
 * or its fund's value; findings to fs.  Past DP_REC_MAX_FORM_ROWS rows, one
 * E-TOO-LONG and nothing else. */
void dp_rec_form_row(const struct dp_rec_in *in, struct dp_rec_sub *s, const struct dp_record *r, uint64_t rows,
		     struct dp_findings *fs);
/* Bulk row r (a department's or a fund's, by in->shape): every column of a
 * known field set on s (emptied before by the caller); findings to fs. */
void dp_rec_bulk_row(const struct dp_rec_in *in, struct dp_rec_sub *s, const struct dp_record *r,
		     struct dp_findings *fs);
/* The warnings of a bulk header read on line: unknown labels, fund columns
 * in a departments' export. */
void dp_rec_header_warnings(const struct dp_rec_in *in, uint64_t line, struct dp_findings *fs);

#endif
