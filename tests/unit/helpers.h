/* Helpers shared by the unit tests: temporary folders and files, running
 * stages on them, reading back findings. */
#ifndef DP_TEST_HELPERS_H
#define DP_TEST_HELPERS_H

#include <stdbool.h>
#include <stddef.h>

#include "deptperf/findings.h"

/* A fresh temporary folder, removed with what it holds when the test
 * process exits (kept when DP_KEEP_TEST_DIRS is set).  Returns a heap
 * string. */
char *t_tmpdir(void);
/* Writes n bytes to dir/name (creating folders); returns the path. */
char *t_write(const char *dir, const char *name, const void *data, size_t n);
char *t_writes(const char *dir, const char *name, const char *text);
/* Reads a whole gzip or plain file into a heap string. */
char *t_read_gz(const char *path);
/* A cells file (memtab.h: the departments in a work folder) as the CSV
 * text a published table of its rows holds, header first. */
char *t_read_cells(const char *path);
/* Runs ingest, normalize and (if upto >= 3) validate, (>= 4) score on the
 * inputs folder into work; returns the last stage's status. */
int t_chain(const char *inputs, const char *work, int upto, const char *roster);
/* Loads work/findings.csv.gz. */
void t_findings(const char *work, struct dp_findings *fs);
/* The number of findings with this code (and, if file_part is not NULL,
 * whose file contains it). */
size_t t_count(const struct dp_findings *fs, const char *code, const char *file_part);
/* The seed form of SPEC §2.2 as CSV text. */
extern const char t_seed_form[];
/* The seed form with one "字段,值,单位,分项" row replaced (label matched at
 * the start of a line), or a row appended when replacement is NULL-label. */
char *t_seed_with(const char *label, const char *new_row);

#endif
