/* A spool: records of byte strings written once, in order, to a temporary
 * file, then read back once, in order.
 *
 * For a stage that must see all of a table before it can decide about its
 * rows (dp-validate: the winner of a resubmission is known only at the end)
 * and would otherwise inflate and parse the table a second time.  Records are
 * length-prefixed, so reading one back costs a copy, not a CSV parse.  The
 * file is created in a given folder (the work folder: space is there) and
 * unlinked at once, so it disappears with the process whatever happens.
 * Memory: two buffers of a megabyte, whatever the number of records.
 */
#ifndef DEPTPERF_SPOOL_H
#define DEPTPERF_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/buf.h"

struct dp_spool;

/* A new, empty spool in dir; NULL (err set) when no file can be made. */
struct dp_spool *dp_spool_new(const char *dir, struct dp_buf *err);
/* Appends one string to the record being written. */
void dp_spool_put(struct dp_spool *s, const char *p, size_t n);
void dp_spool_puts(struct dp_spool *s, const char *p);
void dp_spool_putu(struct dp_spool *s, uint64_t v);
/* Ends the record being written. */
void dp_spool_end(struct dp_spool *s);
/* Switches from writing to reading, from the first record.  False (err set)
 * when a write failed. */
bool dp_spool_rewind(struct dp_spool *s, struct dp_buf *err);
/* The next record: its strings in f[0..*n) with their lengths (each also
 * NUL-terminated), valid until the next call.  False at the end, or on a
 * read error (then err is set). */
bool dp_spool_next(struct dp_spool *s, const char *const **f, const size_t **len, size_t *n,
		   struct dp_buf *err);
/* A string of the current record read back as a number written with
 * dp_spool_putu. */
uint64_t dp_spool_u(const char *p);
/* Closes and frees; NULL does nothing. */
void dp_spool_free(struct dp_spool *s);

#endif
