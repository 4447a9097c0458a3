/* The aggregate stage's shared state and helpers (aggregate.c), for its
 * parts: the tables of one fiscal year (agg_year.c), the discrepancies and
 * year over year (agg_diff.c), and the outputs for people: report.xlsx
 * (agg_report.c), report.html (agg_html.c, agg_html_yoy.c), feedback/
 * (agg_feedback.c), sharing agg_people.c.  Private to those files.
 *
 * Adding an output table:
 *   1. write it in one task from data nothing changes (agg_publish, then
 *      rows, then agg_commit, which lists it in the manifest);
 *   2. if it is per year, open it in agg_open_year_tables and fill it in
 *      agg_per_year; otherwise start its task in dp_aggregate_run;
 *   3. raise MAX_PUBS past the number of tables;
 *   4. add it to SPEC's table in README.md ("What the tables mean"), to
 *      sample-data/expected (scripts/update-golden) and, when it carries
 *      input text, check that text is guarded (e2e formula_guard);
 *   5. if people read it: a sheet in agg_report.c's list, and a section in
 *      report.html (agg_html.c: read it back with agg_read_table, bound its
 *      rows, show input text through agg_td_text) or in the department's
 *      feedback pack (agg_feedback.c).
 */
#ifndef DP_AGG_H
#define DP_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/fields.h"
#include "deptperf/memtab.h"
#include "deptperf/rank.h"
#include "deptperf/rules.h"
#include "deptperf/stage.h"
#include "deptperf/table.h"
#include "deptperf/work.h"

struct pub {
	char *name;
	struct dp_table_info info;
};

#define MAX_PUBS 32 /* the tables of SPEC §6 are 14 */

struct agg {
	const struct dp_stage_opts *o;
	struct dp_rules *rules;
	size_t nind;
	int root;
	struct pub pubs[MAX_PUBS];       /* the tables written (under the critical section agg) */
	size_t npubs;
	struct dp_memtab dep, funds, tot;
	struct dp_memtab counts, params; /* dp-validate's counts and dp-run's parameters (key,value rows), read once */
	int dep_col[DP_F_FIXED_COUNT];   /* departments column of fixed fields */
	size_t *dep_of_tot;             /* departments row of each totals row */
	size_t *dep_order;              /* departments rows in (fiscal_year, dept_code) order */
	struct rowkey *dep_keys;        /* their (fiscal_year, dept_code), in that order */
	int64_t *fund_alloc, *fund_spent; /* per departments row: its accepted funds summed */
	size_t *rank_of_tot;            /* rank of each totals row (0: none) */
	size_t *dep_rank;               /* position of each departments row in (year, code) order */
	size_t *dep_year;               /* index of its fiscal year in year order */
	bool failed;                    /* set, with err, only through fail() */
	size_t more_failures;           /* failures after the first, not told in err */
	bool report_cut;                /* report.xlsx's long sheets cut for the run's size */
	bool feedback_skipped;          /* feedback/ left out for the run's size */
	struct pub *pages;              /* feedback/ files, for the manifest (written by one thread) */
	size_t npages, pages_cap;
	struct dp_buf *err;
};

/* A row's sort columns, found once: a comparison is then one strcmp or
 * three, not a scan along the row for each column of each comparison. */
struct rowkey {
	const char *k[3]; /* unguarded cells; NULL past the last sort column */
	size_t row;
};

struct tables {
	struct dp_table *rank, *grades, *inds, *sectors, *comp;
};

/* Rows written in an order unlike the tables' are written in chunks of
 * CHUNK, each row's text fetched AHEAD rows before its use (aggregate.c). */
#define CHUNK 4096
#define AHEAD 8

void agg_fail(struct agg *a, struct dp_buf *e);
/* Count name of dp-validate's counts.csv.gz (0 when it has none). */
uint64_t agg_count(const struct agg *a, const char *name);
struct dp_table *agg_publish(struct agg *a, const char *name);
struct dp_table_info *agg_pub_slot(struct agg *a, const char *name);
void agg_commit(struct agg *a, struct dp_table *t, const char *name);
void agg_put2(struct dp_table *t, dp_dec v);
void agg_put_rat2(struct dp_table *t, dp_i128 num, dp_i128 den);
int agg_rowkey_cmp(const void *x, const void *y);
struct rowkey *agg_sorted_keys(const struct dp_memtab *t, int c0, int c1, int c2);
size_t *agg_sorted_rows(const struct dp_memtab *t, int c0, int c1, int c2);
void agg_write_memtab(struct agg *a, const struct dp_memtab *t, const size_t *order, const char *name);
bool agg_dec_of(const struct dp_memtab *t, size_t row, int col, dp_dec *v);
void agg_put_mean(struct dp_table *t, const dp_dec *v, size_t n);
const char *agg_dep(const struct agg *a, size_t tot_row, int field);
void agg_locate(const struct dp_memtab *t, const size_t *rows, size_t m, const char **out);
void agg_fetch_ahead(const char *const *text, size_t i, size_t m);
size_t agg_find_dep(const struct agg *a, const char *fy, const char *code, size_t *hint);
bool agg_join(struct agg *a);

/* agg_year.c: the year tables (rankings, summaries, comparisons) */
void agg_open_year_tables(struct agg *a, struct tables *t);
void agg_per_year(struct agg *a, struct tables *t);

/* agg_report.c: report.xlsx from the tables published so far; false (the
 * failure recorded) when it cannot be written.  Past
 * DP_REPORT_MAX_DEPARTMENTS ranked, unless --report, its per-department
 * sheets hold their first rows only (report_cut): a workbook costs about a
 * microsecond a cell, two seconds for the ranking alone at 100 000
 * departments, which a run of that size should not pay unasked
 * (docs/decisions.md). */
#define DP_REPORT_MAX_DEPARTMENTS 20000
bool agg_report_xlsx(struct agg *a);

/* agg_people.c: what report.html and the feedback packs share.  A
 * published table read back: fn gets each data row with the header's
 * column names (up to AGG_MAX_COLS), until it returns false.
 * False (the failure recorded) when it cannot be read; an optional table
 * that is not there is no failure. */
#define AGG_MAX_COLS 64
struct agg_cols {
	size_t n;
	char *name[AGG_MAX_COLS];
};
struct dp_record;
typedef bool (*agg_row_fn)(void *ctx, const struct agg_cols *c, const struct dp_record *rec); /* false: stop */
bool agg_read_table(struct agg *a, const char *dir, const char *name, bool optional, agg_row_fn fn, void *ctx);
int agg_col(const struct agg_cols *c, const char *name); /* -1: none */
const char *agg_cell(const struct agg_cols *c, const struct dp_record *rec, const char *name);
bool agg_cell_dec(const struct agg_cols *c, const struct dp_record *rec, const char *name, dp_dec *v);
/* Writes page as OUT/name and fills info (rows: the page's table rows). */
bool agg_write_page(struct agg *a, const char *name, const struct dp_buf *page, uint64_t rows,
		    struct dp_table_info *info);
/* The rows of a table published so far (its manifest row), or 0. */
uint64_t agg_published_rows(const struct agg *a, const char *name);
extern const char agg_page_style[], agg_page_script[];
/* Table cells of published text: a number as it is (right-aligned), text
 * isolated (html.h); a header row of the program's own words, NULL-ended,
 * that opens <tbody>. */
void agg_td_num(struct dp_buf *b, const char *published);
void agg_td_text(struct dp_buf *b, const char *published);
void agg_th_row(struct dp_buf *b, const char *const *heads);
/* A row of a published table's columns cols (NULL-ended; "#total": a
 * number; "@dept_code": a department code, linked to its feedback page
 * when the run wrote feedback/; else text). */
void agg_tr(const struct agg *a, struct dp_buf *b, const struct agg_cols *c, const struct dp_record *rec,
	    const char *const *cols);
/* A link to the feedback page of code (as published: a guard kept) with
 * suffix ("" for a department's pack, ".units" for a 主管部门's list):
 * <a href="DIR<page name>">code</a>, dir "" from a page in feedback/,
 * "feedback/" from report.html. */
void agg_page_link(struct dp_buf *b, const char *dir, const char *code, const char *suffix);
void agg_dec_text(struct dp_buf *b, dp_dec v);
double agg_dec_double(dp_dec v);

/* agg_html.c: report.html, always (it holds a bounded part of the long
 * tables, whatever the run's size). */
bool agg_report_html(struct agg *a);
/* agg_html_yoy.c: its year over year section, rows counted into *rows. */
void agg_html_yoy(struct agg *a, struct dp_buf *out, uint64_t *rows);

/* agg_feedback.c: feedback/<dept_code>.html per department and
 * feedback/<parent_code>.units.html per 主管部门, up to
 * DP_REPORT_MAX_DEPARTMENTS ranked departments unless --report
 * (feedback_skipped).  Listed in the manifest through a->pages. */
bool agg_feedback(struct agg *a);

/* agg_diff.c */
void agg_discrepancies(struct agg *a);
bool agg_yoy(struct agg *a);

#endif
