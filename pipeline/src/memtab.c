#include "deptperf/memtab.h"

#include <aio.h>
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

/* The body is written in blocks of CELLS_BLOCK bytes by glibc's POSIX AIO
 * (aio_write: its own thread), CELLS_NBUF in flight: copying hundreds of
 * megabytes into the page cache is then not the caller's time (dp-validate's
 * one thread is its stage; at 1 000 000 rows this was 0.5–1.5 s of it,
 * depending on how fresh the machine's free pages are). */
#define CELLS_BLOCK (1u << 20)
#define CELLS_NBUF 4

struct dp_cells_writer {
	int fd;
	char *tmp;              /* the file being written */
	uint64_t ncols, body;
	uint64_t *off;          /* each data row's offset in the body */
	size_t nrows, cap;
	struct dp_buf buf[CELLS_NBUF];
	struct aiocb cb[CELLS_NBUF];
	bool busy[CELLS_NBUF];  /* cb[i] is in flight */
	int cur;                /* the block being filled */
	uint64_t at;            /* where it goes in the file */
	int err_no;             /* the first failure, 0 for none */
};

static bool write_at(int fd, const char *p, size_t n, uint64_t at)
{
	while (n) {
		ssize_t r = pwrite(fd, p, n, (off_t)at);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
		at += (uint64_t)r;
	}
	return true;
}

/* Waits for block i, then empties it; a short write is finished here. */
static void cells_wait(struct dp_cells_writer *w, int i)
{
	if (!w->busy[i])
		return;
	const struct aiocb *list[1] = { &w->cb[i] };
	int e;
	while ((e = aio_error(&w->cb[i])) == EINPROGRESS)
		aio_suspend(list, 1, NULL);
	ssize_t r = aio_return(&w->cb[i]);
	w->busy[i] = false;
	if (e && !w->err_no)
		w->err_no = e;
	else if (!e && (size_t)r < w->cb[i].aio_nbytes &&
		 !write_at(w->fd, w->buf[i].s + r, w->cb[i].aio_nbytes - (size_t)r,
			   (uint64_t)w->cb[i].aio_offset + (uint64_t)r) &&
		 !w->err_no)
		w->err_no = errno ? errno : EIO;
	w->buf[i].len = 0;
}

/* Sends the block being filled on its way and makes the next one ready. */
static void cells_flush(struct dp_cells_writer *w)
{
	struct dp_buf *b = &w->buf[w->cur];
	if (!b->len)
		return;
	struct aiocb *cb = &w->cb[w->cur];
	memset(cb, 0, sizeof *cb);
	cb->aio_fildes = w->fd;
	cb->aio_offset = (off_t)w->at;
	cb->aio_buf = b->s;
	cb->aio_nbytes = b->len;
	cb->aio_sigevent.sigev_notify = SIGEV_NONE;
	if (aio_write(cb) == 0)
		w->busy[w->cur] = true;
	else if (!write_at(w->fd, b->s, b->len, w->at) && !w->err_no) /* no AIO: write it now */
		w->err_no = errno ? errno : EIO;
	if (!w->busy[w->cur])
		b->len = 0;
	w->at += cb->aio_nbytes;
	w->cur = (w->cur + 1) % CELLS_NBUF;
	cells_wait(w, w->cur);
}

/* Every byte appended so far is in the file (or err_no says why not). */
static bool cells_drain(struct dp_cells_writer *w)
{
	cells_flush(w);
	for (int i = 0; i < CELLS_NBUF; i++)
		cells_wait(w, i);
	return !w->err_no;
}

static void cells_add(struct dp_cells_writer *w, const char *s, size_t n)
{
	dp_buf_add(&w->buf[w->cur], s, n);
	if (w->buf[w->cur].len >= CELLS_BLOCK)
		cells_flush(w);
}

struct dp_cells_writer *dp_cells_create(const char *path, const char *const *cols, size_t ncols,
					struct dp_buf *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		dp_buf_addf(err, "%s: cannot create: %s", path, strerror(errno));
		return NULL;
	}
	struct dp_cells_writer *w = dp_xcalloc(1, sizeof *w);
	w->fd = fd;
	w->tmp = dp_xstrdup(path);
	w->ncols = ncols;
	for (int i = 0; i < CELLS_NBUF; i++)
		dp_buf_grow(&w->buf[i], CELLS_BLOCK + 4096);
	for (size_t c = 0; c < ncols; c++) {
		size_t n = strlen(cols[c]) + 1;
		cells_add(w, cols[c], n);
		w->body += n;
	}
	return w;
}

void dp_cells_row(struct dp_cells_writer *w, const char *s, size_t n)
{
	DP_GROW(w->off, w->nrows, w->cap);
	w->off[w->nrows++] = w->body;
	cells_add(w, s, n);
	w->body += n;
}

static void cells_free(struct dp_cells_writer *w)
{
	for (int i = 0; i < CELLS_NBUF; i++)
		dp_buf_free(&w->buf[i]);
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
	if (!cells_drain(w)) {
		dp_buf_addf(err, "%s: cannot write: %s", w->tmp, strerror(w->err_no));
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
	/* the offsets and the footer after the body, in blocks as it is */
	for (size_t i = 0; i < w->nrows; i++)
		cells_add(w, (const char *)&w->off[i], sizeof *w->off);
	cells_add(w, (const char *)&ft, sizeof ft);
	bool ok = cells_drain(w);
	if (!ok)
		errno = w->err_no;
	ok = close(w->fd) == 0 && ok;
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
	for (int i = 0; i < CELLS_NBUF; i++) /* (the buffers must outlive the writes) */
		cells_wait(w, i);
	close(w->fd);
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
