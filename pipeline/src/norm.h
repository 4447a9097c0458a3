/* The normalize stage's shared state (normalize.c), for its parts: the
 * rows written (norm_write.c; the records themselves are record.c's) and bulk rows
 * normalized in parallel, streamed files (norm_bulk.c).  Private to those
 * files. */
#ifndef DP_NORM_H
#define DP_NORM_H

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/book.h"
#include "deptperf/csvfile.h"
#include "deptperf/fields.h"
#include "deptperf/filetab.h"
#include "deptperf/findings.h"
#include "deptperf/input.h"
#include "deptperf/memtab.h"
#include "deptperf/recbatch.h"
#include "deptperf/rules.h"
#include "deptperf/shape.h"
#include "deptperf/progress.h"
#include "deptperf/record.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"
#include "deptperf/table.h"
#include "deptperf/text.h"
#include "deptperf/value.h"
#include "deptperf/work.h"


/* Departments' rows as cells (memtab.h): each row's cells NUL-terminated
 * in text, and where each row ends. */
struct cellrows {
	struct dp_buf text;
	size_t *end;
	size_t n, cap;
};

struct writers {
	struct dp_table *subs, *funds, *fundsrc;
	struct cellrows *dcells;          /* the departments' cells being made */
	struct dp_cells_writer *cells;    /* departments.cells, or NULL (a job's: dcells are moved there) */
	int *cols;
	bool *guard;        /* per column: its text may need a formula guard (dp_field_is_guarded;
			     * not numbers and dates, which this stage formatted) */
	size_t ncols;
	uint64_t next_sub;
};

struct ctx {
	const struct dp_dict *dict;
	struct dp_findings *fs;
	struct writers *w;
	const char *file;
	const char *sheet;       /* a workbook's sheet ("" for a CSV file): findings name its cells */
	bool xls;                /* an .xls sheet: a percent's number cannot be told from its fraction */
	size_t file_no;          /* its row in inputs.csv.gz, which subs and fundsrc name it by */
	const char *expect_shape; /* the shape dp-ingest gave it */
	bool shape_changed;      /* its header is not of that shape (reading stopped) */
	enum dp_shape shape;
	struct dp_header hdr;
	bool header_seen;
	uint64_t header_line;
	struct dp_rec_sub s;     /* the submission being assembled (record.h) */
	uint64_t rows, submissions, rejected;
	uint64_t fund_rows, funds_rejected;
	struct bulk_batch *batch;      /* bulk rows go here to be normalized in parallel; NULL: at once */
};



#define BATCH_BYTES ((size_t)1 << 20)
#define BATCH_ROWS 4096
#define SLICES 8

struct file_job;

struct half {
	struct dp_recbatch rows;
	uint64_t base;         /* the id of its first submission */
	bool busy;             /* handed to tasks, not yet appended */
	struct file_job *jobs; /* one per slice */
};

struct bulk_batch {
	struct half h[2];
	int cur;               /* the one being filled */
};

/* One input file being normalized: its own findings and, for a form read
 * in parallel, its own memory tables. */
struct file_job {
	const struct dp_dict *dict;
	struct writers w;
	struct dp_findings fs;
	struct ctx c;
	struct dp_csvfile_result res;
	struct dp_buf e;
	bool mem;
	struct dp_input_pool *pool; /* the reading thread's */
	struct bulk_batch *batch;   /* for a streamed file: its bulk rows in parallel */
	enum dp_encoding enc;       /* what the file was read as last */
	bool rejected_whole;        /* take_back */
	struct {                    /* where the file's rows begin (take_back) */
		unsigned tables;    /* enum tables */
		size_t cells, cells_bytes;
		uint64_t next_sub;
	} mark;
};

/* What the stage's summary line counts. */
struct totals {
	uint64_t subs, rejected, funds, funds_rejected;
	uint64_t files_rejected; /* whole, for a fault found here */
	struct dp_progress *prog; /* files done, for a terminal */
};

/* Streamed files taken at once (their jobs are kept until all are read):
 * a bound, so that a folder of many exports does not hold a job each. */
#define STREAM_FILES 64

/* normalize.c */
/* Records a job's outcome in the file table and the totals. */
int norm_finish_job(struct file_job *j, struct dp_file_row *row, struct totals *tot, struct dp_buf *err);
void norm_job_free(struct file_job *j);
void norm_job_init(struct file_job *j, const struct dp_dict *dict);
/* Reads one file into j's writers and findings (thread-safe for distinct
 * jobs: everything it touches is the job's own). */
void norm_run_job(struct file_job *j, const struct dp_file_row *row, size_t file_no);
/* Moves the rows of a job's memory tables to the end of w's. */
void norm_writers_append(struct writers *w, struct writers *from);

/* norm_write.c */
void norm_cellrows_free(struct cellrows *cr);
/* Appends the rows of cr to w (when there is one) and empties cr. */
void norm_cells_move(struct dp_cells_writer *w, struct cellrows *cr);
/* Writes the submission being assembled and starts a new one. */
void norm_emit_sub(struct ctx *c);
void norm_header_warnings(struct ctx *c, uint64_t line);
int norm_on_bulk_row(struct ctx *c, const struct dp_record *r);
int norm_on_form_row(struct ctx *c, const struct dp_record *r);
/* Puts the sheet and cell before the messages of findings [from, n) of
 * fs, made reading c's sheet: "表1!C17：" (SPEC §2.1). */
void norm_sheet_positions(const struct ctx *c, struct dp_findings *fs, size_t from);

/* norm_bulk.c */
int norm_on_record(void *vctx, const struct dp_record *r);
/* At the end of the file: every row normalized and appended. */
void norm_bulk_finish(struct ctx *c);
void norm_bulk_free(struct bulk_batch *b);
struct bulk_batch *norm_bulk_new(const struct dp_dict *dict, const struct writers *w);
/* A job for a file streamed straight into the tables of w, its bulk rows
 * normalized in parallel with b (NULL: on the reading thread). */
void norm_job_stream_init(struct file_job *j, const struct dp_dict *dict, const struct writers *w,
			    struct bulk_batch *b);
/* The streamed files from..to (bulk exports; no form among them), the
 * funds exports beside the others: they write other tables (a funds row
 * takes no submission id), so each table gets its rows in path order as
 * when read one file after the other, and the second core has a reading
 * thread of its own.  Then each file's outcome, in path order. */
int norm_stream_files(const struct dp_dict *dict, struct writers *w, struct dp_filetab *tab, size_t from,
			size_t to, struct bulk_batch *b, struct bulk_batch *b2, struct dp_findings *fs,
			struct totals *tot, struct dp_buf *err);

#endif
