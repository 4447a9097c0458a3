/* The validate stage's shared state (validate.c), for its parts: reading
 * the normalized tables in pairs and the funds' pass (val_pass.c), the
 * submissions' pass (val_subs.c), deciding and writing what is accepted
 * (val_write.c).  Private to those files. */
#ifndef DP_VAL_H
#define DP_VAL_H

#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deptperf/book.h"
#include "deptperf/checks.h"
#include "deptperf/copier.h"
#include "deptperf/csvfile.h"
#include "deptperf/deptrow.h"
#include "deptperf/fields.h"
#include "deptperf/filetab.h"
#include "deptperf/findings.h"
#include "deptperf/keymap.h"
#include "deptperf/memtab.h"
#include "deptperf/roster.h"
#include "deptperf/rules.h"
#include "deptperf/shape.h"
#include "deptperf/score.h"
#include "deptperf/spool.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"
#include "deptperf/table.h"
#include "deptperf/progress.h"
#include "deptperf/text.h"
#include "deptperf/uscc.h"
#include "deptperf/value.h"
#include "deptperf/work.h"


enum { ST_CANDIDATE = 0, ST_REJECTED = 1, ST_ACCEPTED = 2, ST_SUPERSEDED = 3 };

#define NOT_SRC UINT64_MAX /* a candidate whose cells are in v->cand */

/* One per distinct (fiscal_year, dept_code): kept small, there may be a
 * million. */
struct winner {
	uint32_t sub;
	int32_t file;
	uint32_t line;
	uint32_t cand;       /* the winner's place among the candidates */
	char filed_on[11];
	bool set;
	bool bulk_fund;      /* some error-free bulk fund row has this key */
	bool roster_seen;
};

/* A rejected record to quarantine: the file index and line (0: the file). */
struct qitem {
	long file;
	uint64_t line;
};

struct vctx {
	const struct dp_stage_opts *o;
	const struct dp_dict *dict;
	const struct dp_rules *rules;
	struct dp_scorer *scorer;
	struct dp_score_result res; /* the submission being checked (dp_score_applicable sets it) */
	struct dp_filetab *tab;
	char **site_file;           /* per row of tab: what a finding's file is while validate runs (val_site_file) */
	struct dp_findings *fs;
	struct dp_progress prog;    /* submissions checked, for a terminal */
	struct dp_keymap *keys;
	struct dp_roster *roster;
	uint64_t nids;              /* the sub ids dp-normalize gave: 0 to nids - 1 (the file table's count) */
	unsigned char *sub_state;   /* per sub id */
	unsigned char *sub_fund;    /* per sub id: 1 has an error-free fund, 2 a fund with errors */
	struct dp_spool *sub_spool;  /* the candidates that lost to a later filing */
	struct dp_cells_writer *cand; /* the cells of the candidates changed from those read, in order */
	uint64_t ncand;              /* candidates */
	uint64_t nlost;              /* of those, spooled when they lost to a later filing */
	bool cand_changed;           /* some candidate's cells are not those read */
	uint64_t *csrc;              /* per candidate: its row in parsed-departments.cells, or NOT_SRC (in cand) */
	size_t capcsrc;
	uint64_t fund_keys;          /* keys with an error-free bulk fund */
	uint64_t fund_keys_won;      /* of those, keys with an accepted submission */
	uint64_t *fund_rej;          /* the rows (from 1) of the bulk funds rejected, in order */
	size_t nfund_rej, capfund_rej;
	const char **sub_cols;       /* the departments columns, NULL-terminated */
	size_t nsub_cols;
	struct dp_buf line;          /* a row being made */
	size_t nsubs, capsubs;
	struct qitem *q;             /* bulk rows to quarantine, and files when no copier runs */
	size_t nq, capq;
	char *rejdir;                /* the quarantine folder, work/rejected */
	unsigned char *qwhole;       /* per file: copied whole by the copier */
	struct dp_copier *copier;    /* rejected forms copied whole, beside the checks */
	bool no_copier;              /* it could not start: copies made at the end */
	uint64_t *file_acc, *file_rej, *file_sup;
	uint64_t read, accepted, rejected, superseded;
	uint64_t funds_read, funds_accepted, funds_rejected, funds_orphan, funds_dropped;
	struct dp_buf key;
	struct dp_buf spkey;     /* a key being cut into its year and code (key_parts) */
	struct dp_checks checks;     /* SPEC §4's checks of a submission, of a fund (checks.h) */
	struct dp_buf last_key;  /* winner_of's last key, and its record */
	struct winner *last;
	size_t col_code, col_year;  /* the departments' dept_code and fiscal_year columns */
};


/* A fundsrc.csv.gz row (file,line,shape,sub,errors,bad_fields).  A fund
 * of a bulk file has no submission id: it belongs to its key. */
struct fsrc {
	uint64_t sub, line, errors;
	long fi;     /* its file's row in the file table */
	const char *bad; /* its bad_fields, in the record read (valid while it is) */
	bool bulk;
};

struct pair {
	struct dp_rows *a, *b;   /* a table and its work-file twin */
	struct dp_cells_reader *ca; /* or a read from its cells (then a is NULL) */
	struct dp_record rec;    /* ca's row */
	const char **cf;
	size_t *cl;
	uint64_t row;            /* rows of a read so far */
	struct dp_deptrow drow;
	const struct dp_record *ra, *rb;
};

/* A candidate that lost to a later filing of its key, spooled until the
 * winners are known: its id and file index, the record of its key (struct
 * winner: records never move, keymap.h), its line and its filed_on.  The
 * file's path, year and code are not spooled: they are the file table's and
 * the key's.  Only these are spooled: a winner's finding and counts come
 * from its key's record (at 1 000 000 submissions, spooling every candidate
 * was 40 MB written and read back, ≈ 5 % of the stage's CPU). */
struct spooled {
	uint64_t id, fi, line;
	struct winner *w;
	const char *file, *year, *code, *filed_on;
};

struct years {
	char **v;
	size_t n, cap;
};

/* validate.c */
void val_ensure_sub(struct vctx *v, uint64_t id);
/* A rejected file (line 0) or bulk row to quarantine.  A whole file is
 * handed to the copier at once (copier.h says why); rows wait for the end,
 * when every rejected row of their file is known. */
void val_quarantine_add(struct vctx *v, long file, uint64_t line);

/* val_pass.c */
/* The input file a work row (subs.csv.gz, fundsrc.csv.gz) came from: its
 * row in inputs.csv.gz, as dp-normalize wrote it.  -1, with err set, when
 * the cell is not one of those rows (work tables of another run). */
long val_file_of(const struct vctx *v, const char *cell, const char *table, struct dp_buf *err);
/* Record s as r; false (err set) for a short row or one of no file. */
bool val_fsrc_of(const struct vctx *v, const struct dp_record *s, struct fsrc *r, struct dp_buf *err);
/* The subinfo of fund r whose row is d: findings to the stage's, its
 * errors dp-normalize's. */
struct dp_check_site val_fund_info(const struct vctx *v, const struct fsrc *r, const struct dp_deptrow *d);
/* key ("<year>\x1f<code>", dp_key_make) copied into b and cut into its
 * year and code; false when it is not such a key. */
bool val_key_parts(struct dp_buf *b, const char *key, const char **year, const char **code);
/* Appends a cell of field f to the line being made, as dp_table_puts would
 * write it. */
void val_line_cell(struct vctx *v, size_t k, int f, const char *s);
void val_pair_close(struct pair *p);
/* Says in err (unless it says something already) why p's tables ended
 * apart: dp-normalize's cells damaged, or tables of two runs. */
void val_out_of_step(const struct pair *p, struct dp_buf *err);
/* Advances both tables; false at the end (or on a fault: err set).  With
 * numbers, the numeric fields are parsed too. */
bool val_pair_next(struct pair *p, struct dp_buf *err, bool *fault, bool numbers);
/* Opens the table at path ta (or, given ca, the cells read instead: ta
 * NULL; ca is then p's, closed with it) and its twin, the work file tb,
 * and reads their headers. */
bool val_pair_open(struct vctx *v, struct pair *p, const char *ta, struct dp_cells_reader *ca, enum dp_work_file tb,
		      struct dp_buf *err);
bool val_pass_funds_check(struct vctx *v, struct dp_buf *err);
/* Appends cell s (n bytes) of field f to the row being made as it will be
 * stored: guarded where the field is (text.h), NUL-terminated, for
 * dp_cells_row (memtab.h). */
void val_row_cell(struct vctx *v, int f, const char *s, size_t n);
void val_spool_loser(struct vctx *v, uint64_t id, long fi, uint64_t line, struct winner *w, const char *filed_on);
/* The next row of the spool (valid until the next call); false at the end,
 * with err set on a fault. */
bool val_spooled_next(struct vctx *v, struct spooled *r, struct dp_buf *err);
/* The submission id of a work row (subs.csv.gz, fundsrc.csv.gz) in *id;
 * false, with err set, for one dp-normalize did not give (work tables of
 * another run, or damaged: the per-id arrays must not grow with it). */
bool val_sub_id(const struct vctx *v, const char *cell, const char *table, uint64_t *id, struct dp_buf *err);
/* The record of (year, code), created when new.  Records never move
 * (keymap.h).  The last key's record is kept: a bulk file's funds come
 * department by department. */
struct winner *val_winner_of(struct vctx *v, const char *year, const char *code);

/* val_subs.c */
bool val_pass_subs_check(struct vctx *v, struct dp_buf *err);

/* val_write.c */
/* Decides the candidates: the winner of each key is accepted (acc[] set,
 * indexed as v->cand's rows and v->csrc), the others, spooled when they
 * lost, superseded and named with the winner. */
bool val_decide_subs(struct vctx *v, unsigned char *acc, struct years *years, struct dp_buf *err);
/* special_funds.csv.gz (DP_OK, else the exit code: DP_IOERR when the
 * parsed table cannot be read again, DP_CANTCREATE when the table cannot be
 * written): the parsed table when every fund read is accepted
 * (writing the same rows again gives the same bytes, as for the
 * departments), else the accepted funds written from a second reading of
 * it, the orphans named.  Nothing about the funds is spooled: in the usual
 * case they were written for nothing (at 1 000 000 bulk submissions 1.5
 * million lines formatted, spooled and read back, ≈ 0.6 s). */
int val_write_funds(struct vctx *v, struct dp_buf *err);
/* departments.cells, the accepted candidates'.  When every submission read
 * is accepted as it was read, it is dp-normalize's (a hard link, else a
 * copy): writing it again would give the same bytes.  Otherwise the
 * accepted rows are written from their cells, v->cand's and dp-normalize's
 * (read again). */
bool val_write_subs(struct vctx *v, const unsigned char *acc, struct dp_buf *err);

/* validate.c */
/* The file of a finding on row fi of the file table: its path, or for a
 * workbook's sheet its path and sheet joined by DP_SHEET_SEP, which
 * val_place_findings turns into the path and a position in the message
 * before the findings are written. */
const char *val_site_file(const struct vctx *v, long fi);
#define DP_SHEET_SEP '\x1f'

#endif
