#include "deptperf/memtab.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deptperf/csvfile.h"
#include "deptperf/stage.h"
#include "deptperf/text.h"

bool dp_memtab_load(struct dp_memtab *t, const char *path, bool optional, struct dp_buf *err)
{
	memset(t, 0, sizeof *t);
	if (optional && access(path, F_OK) != 0)
		return true;
	struct dp_rows *r = dp_rows_open(path, err);
	if (!r)
		return false;
	const struct dp_record *rec = dp_rows_next(r, err);
	if (!rec) {
		dp_rows_close(r);
		dp_buf_addf(err, "%s: empty work file", path);
		return false;
	}
	t->ncols = rec->n;
	t->cols = dp_xcalloc(rec->n, sizeof *t->cols);
	for (size_t i = 0; i < rec->n; i++)
		t->cols[i] = dp_xstrdup(rec->f[i]);
	while ((rec = dp_rows_next(r, err))) {
		if (t->nrows >= t->caprows) {
			t->caprows = t->caprows ? dp_st_mult(t->caprows, 2) : 1024;
			t->row_off = dp_xrealloc(t->row_off, dp_st_mult(t->caprows, sizeof *t->row_off));
		}
		size_t row = t->nrows++;
		t->row_off[row] = t->arena.len;
		for (size_t c = 0; c < t->ncols; c++) {
			/* a NUL inside a cell would shift the cells after it */
			size_t n = c < rec->n ? strnlen(rec->f[c], rec->len[c]) : 0;
			dp_buf_addz(&t->arena, rec->f[c < rec->n ? c : 0], n);
		}
	}
	bool ok = !dp_rows_failed(r);
	dp_rows_close(r);
	return ok;
}

/* The cell after the one at p.  Most cells are a few bytes or empty, too
 * short for a call to rawmemchr to pay (dp-aggregate at 1 000 000: 47 ->
 * 41 s of CPU with this loop). */
static inline const char *next_cell(const char *p)
{
	while (*p)
		p++;
	return p + 1;
}

const char *dp_memtab_raw(const struct dp_memtab *t, size_t row, size_t col)
{
	if (row >= t->nrows || col >= t->ncols)
		return "";
	const char *p = t->arena.s + t->row_off[row];
	for (size_t c = 0; c < col; c++)
		p = next_cell(p);
	return p;
}

void dp_memtab_split(const struct dp_memtab *t, size_t row, const char **cells)
{
	const char *p = t->arena.s + t->row_off[row];
	for (size_t c = 0; c < t->ncols; c++) {
		cells[c] = p;
		p = next_cell(p);
	}
}

const char *dp_memtab_cell(const struct dp_memtab *t, size_t row, size_t col)
{
	return dp_text_unguard(dp_memtab_raw(t, row, col));
}

int dp_memtab_col(const struct dp_memtab *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return (int)i;
	return -1;
}

void dp_memtab_free(struct dp_memtab *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	free(t->cols);
	free(t->row_off);
	if (t->map)
		munmap(t->map, t->map_len);
	else
		dp_buf_free(&t->arena);
	memset(t, 0, sizeof *t);
}

/* ---- cells files ---- */

#define CELLS_MAGIC "DPCELLS1"

struct cells_footer {
	char magic[8];
	uint64_t ncols, nrows;
	uint64_t body;          /* bytes of cells, the header row's included */
	char sha256[64];        /* of the gzip table copied, in hex */
};

struct dp_cells_writer {
	FILE *f;
	char *tmp;              /* the file being written */
	uint64_t ncols, body;
	uint64_t *off;          /* each data row's offset in the body */
	size_t nrows, cap;
};

struct dp_cells_writer *dp_cells_create(const char *path, const char *const *cols, size_t ncols,
					struct dp_buf *err)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		dp_buf_addf(err, "%s: cannot create: %s", path, strerror(errno));
		return NULL;
	}
	/* large writes: a cells file is hundreds of megabytes at 1 000 000
	 * rows, and a write(2) of stdio's 4 KiB each cost dp-validate ≈ 0.5 s
	 * of system time on this machine */
	setvbuf(f, NULL, _IOFBF, 1u << 20);
	struct dp_cells_writer *w = dp_xcalloc(1, sizeof *w);
	w->f = f;
	w->tmp = dp_xstrdup(path);
	w->ncols = ncols;
	for (size_t c = 0; c < ncols; c++) {
		size_t n = strlen(cols[c]) + 1;
		fwrite(cols[c], 1, n, f);
		w->body += n;
	}
	return w;
}

void dp_cells_row(struct dp_cells_writer *w, const char *s, size_t n)
{
	DP_GROW(w->off, w->nrows, w->cap);
	w->off[w->nrows++] = w->body;
	fwrite(s, 1, n, w->f);
	w->body += n;
}

static void cells_free(struct dp_cells_writer *w)
{
	free(w->off);
	free(w->tmp);
	free(w);
}

size_t dp_cells_nrows(const struct dp_cells_writer *w)
{
	return w->nrows;
}

static bool read_at(int fd, void *p, size_t n, off_t at)
{
	while (n) {
		ssize_t r = pread(fd, p, n, at);
		if (r <= 0)
			return false;
		p = (char *)p + r;
		n -= (size_t)r;
		at += r;
	}
	return true;
}

#define EACH_CHUNK (4u << 20)

bool dp_cells_each(struct dp_cells_writer *w, bool (*fn)(void *ctx, size_t row, const char *s, size_t n),
		   void *ctx, struct dp_buf *err)
{
	if (fflush(w->f) != 0 || ferror(w->f)) {
		dp_buf_addf(err, "%s: cannot write: %s", w->tmp, strerror(errno));
		return false;
	}
	int fd = open(w->tmp, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		dp_buf_addf(err, "%s: cannot read back: %s", w->tmp, strerror(errno));
		return false;
	}
	/* buf holds the bytes [at, at + have) of the body */
	struct dp_buf buf = DP_BUF_INIT;
	uint64_t at = w->nrows ? w->off[0] : w->body, have = 0;
	bool ok = true;
	errno = 0;
	for (size_t i = 0; i < w->nrows; i++) {
		uint64_t end = i + 1 < w->nrows ? w->off[i + 1] : w->body;
		if (end > at + have) { /* keep the row's start, read on from there */
			uint64_t keep = at + have - w->off[i];
			if (keep)
				memmove(buf.s, buf.s + (w->off[i] - at), (size_t)keep);
			at = w->off[i];
			uint64_t want = end - at > EACH_CHUNK ? end - at : EACH_CHUNK;
			if (want > w->body - at)
				want = w->body - at;
			dp_buf_grow(&buf, (size_t)want);
			if (!(ok = read_at(fd, buf.s + keep, (size_t)(want - keep), (off_t)(at + keep))))
				break;
			have = want;
		}
		if (!fn(ctx, i, buf.s + (w->off[i] - at), (size_t)(end - w->off[i])))
			break;
	}
	if (!ok)
		dp_buf_addf(err, "%s: cannot read back: %s", w->tmp, errno ? strerror(errno) : "short file");
	close(fd);
	dp_buf_free(&buf);
	return ok;
}

bool dp_cells_commit(struct dp_cells_writer *w, const char *path, const char *table_sha256, struct dp_buf *err)
{
	struct cells_footer ft;
	memset(&ft, 0, sizeof ft);
	memcpy(ft.magic, CELLS_MAGIC, sizeof ft.magic);
	ft.ncols = w->ncols;
	ft.nrows = w->nrows;
	ft.body = w->body;
	memcpy(ft.sha256, table_sha256, sizeof ft.sha256);
	if (w->nrows)
		fwrite(w->off, sizeof *w->off, w->nrows, w->f);
	fwrite(&ft, sizeof ft, 1, w->f);
	bool ok = !ferror(w->f);
	ok = fclose(w->f) == 0 && ok;
	if (ok && rename(w->tmp, path) != 0)
		ok = false;
	if (!ok) {
		dp_buf_addf(err, "%s: cannot write: %s", w->tmp, strerror(errno));
		unlink(w->tmp);
	}
	cells_free(w);
	return ok;
}

void dp_cells_abort(struct dp_cells_writer *w)
{
	if (!w)
		return;
	fclose(w->f);
	unlink(w->tmp);
	cells_free(w);
}

/* Whether the offsets and the body are such that every walk of a row's
 * cells stays inside the body: rows in order, each after a NUL, and the
 * last with all its cells (a walk past a short row's end goes on into the
 * rows after it, and ends in the last). */
static bool cells_sound(const struct cells_footer *ft, const uint64_t *off, const char *body, size_t hdr)
{
	for (uint64_t i = 0; i < ft->nrows; i++)
		if (off[i] < (i ? off[i - 1] + 1 : hdr) || off[i] >= ft->body || body[off[i] - 1])
			return false;
	if (!ft->nrows)
		return true;
	const char *p = body + off[ft->nrows - 1], *end = body + ft->body;
	for (uint64_t c = 0; c < ft->ncols; c++) {
		const char *z = p < end ? memchr(p, '\0', (size_t)(end - p)) : NULL;
		if (!z)
			return false;
		p = z + 1;
	}
	return true;
}

/* The file is mapped, not read: its pages come from the page cache at once,
 * where reading it into fresh memory took a page fault per 4 KiB (1.3 s for
 * 300 MB on the virtual machines this was measured on; 0.1 s mapped). */
bool dp_memtab_load_cells(struct dp_memtab *t, const char *path, const char *table_sha256)
{
	memset(t, 0, sizeof *t);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	struct cells_footer ft;
	bool ok = fstat(fd, &st) == 0 && (uint64_t)st.st_size >= sizeof ft &&
		  read_at(fd, &ft, sizeof ft, st.st_size - (off_t)sizeof ft) &&
		  memcmp(ft.magic, CELLS_MAGIC, sizeof ft.magic) == 0 && strlen(table_sha256) == sizeof ft.sha256 &&
		  memcmp(ft.sha256, table_sha256, sizeof ft.sha256) == 0 && ft.ncols > 0 && ft.ncols < 100000 &&
		  ft.body > 0 && ft.body <= (uint64_t)st.st_size - sizeof ft &&
		  ft.nrows <= ((uint64_t)st.st_size - sizeof ft - ft.body) / sizeof(uint64_t) &&
		  (uint64_t)st.st_size - sizeof ft - ft.body == ft.nrows * sizeof(uint64_t);
	uint64_t *off = NULL;
	if (ok) {
		t->map_len = (size_t)ft.body;
		t->map = mmap(NULL, t->map_len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (t->map == MAP_FAILED)
			t->map = NULL;
		off = dp_xcalloc((size_t)ft.nrows + 1, sizeof *off);
		ok = t->map && read_at(fd, off, (size_t)ft.nrows * sizeof *off, (off_t)ft.body);
	}
	close(fd);
	if (ok) {
		const char *body = t->map;
		size_t hdr = 0;
		t->ncols = (size_t)ft.ncols;
		t->cols = dp_xcalloc(t->ncols, sizeof *t->cols);
		for (size_t c = 0; c < t->ncols && ok; c++) {
			size_t n = strnlen(body + hdr, (size_t)ft.body - hdr);
			ok = hdr + n < ft.body;
			t->cols[c] = dp_xmemdup(body + hdr, n);
			hdr += n + 1;
		}
		ok = ok && cells_sound(&ft, off, body, hdr);
	}
	if (!ok) {
		free(off);
		dp_memtab_free(t);
		return false;
	}
	t->arena.s = t->map;
	t->arena.len = t->arena.cap = t->map_len;
	/* row_off is size_t: the same as uint64_t here, copied otherwise */
	if (sizeof(size_t) == sizeof(uint64_t)) {
		t->row_off = (size_t *)(void *)off;
	} else {
		t->row_off = dp_xcalloc((size_t)ft.nrows + 1, sizeof *t->row_off);
		for (uint64_t i = 0; i < ft.nrows; i++)
			t->row_off[i] = (size_t)off[i];
		free(off);
	}
	t->nrows = t->caprows = (size_t)ft.nrows;
	return true;
}

bool dp_memtab_load_cells_of(struct dp_memtab *t, const char *cells_path, const char *table_path)
{
	char sha[65];
	memset(t, 0, sizeof *t);
	/* (no need to hash the table when there is no cells file) */
	return access(cells_path, R_OK) == 0 && dp_sha256_file(table_path, sha) &&
	       dp_memtab_load_cells(t, cells_path, sha);
}

void dp_memtab_release_before(const struct dp_memtab *t, size_t row)
{
	if (!t->map || row == 0 || row > t->nrows)
		return;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t end = t->row_off[row] / page * page;
	if (end)
		madvise(t->map, end, MADV_DONTNEED); /* advice: a failure only keeps the pages */
}
