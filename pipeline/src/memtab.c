/* Work tables held in memory, and the cells files that carry the departments
 * between stages (memtab.h). */
#include "deptperf/memtab.h"

#include <assert.h>
#include <aio.h>
#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
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

const char *dp_cells_cell(const char *row, size_t k)
{
	while (k--)
		row = next_cell(row);
	return row;
}

void dp_cells_split(const char *row, size_t ncols, const char **f, size_t *len)
{
	for (size_t c = 0; c < ncols; c++) {
		const char *next = next_cell(row);
		f[c] = row;
		len[c] = (size_t)(next - row) - 1;
		row = next;
	}
}

const char *dp_memtab_raw(const struct dp_memtab *t, size_t row, size_t col)
{
	if (row >= t->nrows || col >= t->ncols)
		return "";
	return dp_cells_cell(t->arena.s + t->row_off[row], col);
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
	assert(row < t->nrows && col < t->ncols);
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

#define CELLS_MAGIC "DPCELLS5"

struct cells_footer {
	char magic[8];
	uint64_t ncols, nrows;
	uint64_t body;          /* bytes of cells, the header row's included */
	uint32_t own_crc32;     /* of this file's bytes before the footer: the body and the offsets */
	uint32_t zero;          /* (no padding left unset: the footer is written as it is) */
};
_Static_assert(sizeof(struct cells_footer) == 40, "the footer is written as its bytes: no padding");

/* The body is written in blocks of CELLS_BLOCK bytes by glibc's POSIX AIO
 * (aio_write: its own thread), CELLS_NBUF in flight: copying hundreds of
 * megabytes into the page cache is then not the caller's time (dp-validate's
 * one thread is its stage; at 1 000 000 rows this was 0.5–1.5 s of it,
 * depending on how fresh the machine's free pages are). */
#define CELLS_BLOCK (256u << 10)
#define CELLS_NBUF 4
/* Row offsets are kept in memory OFF_CHUNK at a time, the others in a file
 * of their own (unlinked: gone when the writer is), so that a writer's
 * memory does not grow with its rows (dp-normalize streams). */
#define OFF_CHUNK 32768

struct dp_cells_writer {
	int fd;
	char *tmp;              /* the file being written */
	uint64_t ncols, body, hdr; /* hdr: the header row's bytes */
	uint64_t off[OFF_CHUNK]; /* the last rows' offsets in the body */
	size_t noff;            /* of them */
	int offd;               /* the earlier offsets, or -1 before there are any */
	uint64_t offs_out;      /* offsets in offd */
	size_t nrows;
	struct dp_buf buf[CELLS_NBUF];
	struct aiocb cb[CELLS_NBUF];
	bool busy[CELLS_NBUF];  /* cb[i] is in flight */
	int cur;                /* the block being filled */
	uint64_t at;            /* where it goes in the file */
	int err_no;             /* the first failure, 0 for none */
	uint64_t mark_body, mark_offs; /* dp_cells_mark: the body's end, and the offsets before it */
	size_t mark_rows;
	uint32_t crc;           /* of the blocks sent so far (cells_flush) */
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
	w->crc = libdeflate_crc32(w->crc, b->s, b->len);
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
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666); /* (read: dp_cells_rewind) */
	if (fd < 0) {
		dp_buf_addf(err, "%s: cannot create: %s", path, strerror(errno));
		return NULL;
	}
	struct dp_cells_writer *w = dp_xcalloc(1, sizeof *w);
	w->fd = fd;
	w->offd = -1;
	w->tmp = dp_xstrdup(path);
	w->ncols = ncols;
	for (int i = 0; i < CELLS_NBUF; i++)
		dp_buf_grow(&w->buf[i], CELLS_BLOCK + 4096);
	for (size_t c = 0; c < ncols; c++) {
		size_t n = strlen(cols[c]) + 1;
		cells_add(w, cols[c], n);
		w->body += n;
	}
	w->hdr = w->body;
	return w;
}

/* Moves the offsets in memory to the end of the offsets' file. */
static void offsets_out(struct dp_cells_writer *w)
{
	if (w->offd < 0) {
		struct dp_buf p = DP_BUF_INIT;
		dp_buf_addf(&p, "%s.off", w->tmp);
		w->offd = open(p.s, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (w->offd >= 0)
			unlink(p.s);
		dp_buf_free(&p);
	}
	if (w->offd < 0 ||
	    !write_at(w->offd, (const char *)w->off, w->noff * sizeof *w->off, w->offs_out * sizeof *w->off)) {
		if (!w->err_no)
			w->err_no = errno ? errno : EIO;
	}
	w->offs_out += w->noff;
	w->noff = 0;
}

void dp_cells_row(struct dp_cells_writer *w, const char *s, size_t n)
{
	if (w->noff == OFF_CHUNK)
		offsets_out(w);
	w->off[w->noff++] = w->body;
	w->nrows++;
	cells_add(w, s, n);
	w->body += n;
}

static void cells_free(struct dp_cells_writer *w)
{
	for (int i = 0; i < CELLS_NBUF; i++)
		dp_buf_free(&w->buf[i]);
	if (w->offd >= 0)
		close(w->offd);
	free(w->tmp);
	free(w);
}

size_t dp_cells_nrows(const struct dp_cells_writer *w)
{
	return w->nrows;
}

static bool read_at(int fd, void *p, size_t n, off_t at);

/* *crc continued over the bytes [at, at + n) of fd; false when they cannot
 * be read. */
static bool crc_of(int fd, uint64_t at, uint64_t n, uint32_t *crc)
{
	static _Thread_local char buf[1u << 16];
	while (n) {
		size_t k = n < sizeof buf ? (size_t)n : sizeof buf;
		if (!read_at(fd, buf, k, (off_t)at))
			return false;
		*crc = libdeflate_crc32(*crc, buf, k);
		at += k;
		n -= k;
	}
	return true;
}

void dp_cells_mark(struct dp_cells_writer *w)
{
	if (!w)
		return;
	w->mark_body = w->body;
	w->mark_rows = w->nrows;
	w->mark_offs = w->offs_out + w->noff;
}

void dp_cells_rewind(struct dp_cells_writer *w)
{
	if (!w)
		return;
	/* the writes after the mark finished (their buffers free), then the
	 * file cut where the body ended: the footer goes at the file's end */
	cells_drain(w);
	if (ftruncate(w->fd, (off_t)w->mark_body) != 0 && !w->err_no)
		w->err_no = errno ? errno : EIO;
	w->body = w->at = w->mark_body;
	w->nrows = w->mark_rows;
	/* (the file's CRC so far is of blocks now cut: read what is left) */
	w->crc = 0;
	if (!crc_of(w->fd, 0, w->mark_body, &w->crc) && !w->err_no)
		w->err_no = errno ? errno : EIO;
	if (w->mark_offs >= w->offs_out) {
		w->noff = (size_t)(w->mark_offs - w->offs_out);
	} else {
		/* offsets after the mark went to the offsets' file: the next
		 * ones are written over them (that file is read up to offs_out) */
		w->offs_out = w->mark_offs;
		w->noff = 0;
	}
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

/* Rows of a cells file read in order, each found by its cells' NULs (a row
 * has ncols cells), from the body's bytes [at, end) of fd: the memory is
 * one buffer of a few megabytes, whatever the file's size. */
struct rowstream {
	int fd;
	uint64_t ncols, end;
	uint64_t at;            /* the file offset of buf.s[0] */
	struct dp_buf buf;      /* buf.len bytes read, from pos on not yet handed out */
	size_t pos;
	bool failed;            /* a read failed, or a row ran past the end */
	uint32_t crc;           /* of the bytes read */
};

static void rowstream_init(struct rowstream *r, int fd, uint64_t ncols, uint64_t from, uint64_t end)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->ncols = ncols;
	r->at = from;
	r->end = end;
}

/* Where n cells from p end (past the n-th NUL), or NULL when e comes first
 * (e: the end of the bytes to look at).  Eight bytes at a time where the
 * byte order allows: rows of a hundred cells of a few bytes each, scanned
 * a byte at a time, were a tenth of dp-validate's work in order. */
static const char *skip_cells(const char *p, const char *e, uint64_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
	while (n && e - p >= 8) {
		uint64_t x;
		memcpy(&x, p, 8);
		/* 0x80 in each byte of x that is zero, and nowhere else (no
		 * carry crosses a byte: each is at most 0x7F + 0x7F) */
		uint64_t z = ~(((x & low7) + low7) | x | low7);
		uint64_t zeros = ((z >> 7) * 0x0101010101010101ULL) >> 56;
		if (zeros < n) {
			n -= zeros;
			p += 8;
			continue;
		}
		while (--n)
			z &= z - 1; /* (the zeros before the n-th) */
		return p + (__builtin_ctzll(z) >> 3) + 1;
	}
#endif
	for (; n && p < e; p++)
		if (!*p)
			n--;
	return n ? NULL : p;
}

/* The next row's cells (n bytes at *s, valid until the next call), and
 * with f and len each cell and its length; false at the end of the body, or
 * when it is damaged (r->failed). */
static bool rowstream_next(struct rowstream *r, const char **s, size_t *n, const char **f, size_t *len)
{
	for (;;) {
		if (r->pos < r->buf.len) {
			/* cells are a few bytes: a loop, not memchr (next_cell); the
			 * buffer's own NUL after its bytes stops it.  Without f, the
			 * row's end only (skip_cells). */
			const char *p = r->buf.s + r->pos, *e = r->buf.s + r->buf.len;
			uint64_t c = 0;
			if (!f) {
				const char *end = skip_cells(p, e, r->ncols);
				c = end ? r->ncols : 0;
				p = end;
			}
			for (; f && c < r->ncols; c++) {
				const char *cell = p;
				while (*p)
					p++;
				if (p == e)
					break;
				f[c] = cell;
				len[c] = (size_t)(p - cell);
				p++;
			}
			if (c == r->ncols) {
				*s = r->buf.s + r->pos;
				*n = (size_t)(p - *s);
				r->pos = (size_t)(p - r->buf.s);
				return true;
			}
		}
		/* no whole row left in the buffer: keep what there is, read on */
		uint64_t done = r->at + r->buf.len;
		if (done >= r->end) {
			r->failed = r->pos != r->buf.len; /* bytes that are not a whole row */
			return false;
		}
		size_t keep = r->buf.len - r->pos;
		if (keep)
			memmove(r->buf.s, r->buf.s + r->pos, keep);
		r->at += r->pos;
		r->pos = 0;
		r->buf.len = keep;
		uint64_t want = r->end - done < EACH_CHUNK ? r->end - done : EACH_CHUNK;
		dp_buf_grow(&r->buf, (size_t)want);
		if (!read_at(r->fd, r->buf.s + keep, (size_t)want, (off_t)done)) {
			r->failed = true;
			return false;
		}
		r->crc = libdeflate_crc32(r->crc, r->buf.s + keep, (size_t)want);
		r->buf.len = keep + (size_t)want;
		r->buf.s[r->buf.len] = '\0';
	}
}

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
	struct rowstream r;
	rowstream_init(&r, fd, w->ncols, w->hdr, w->body);
	const char *s;
	size_t n, i = 0;
	errno = 0;
	while (i < w->nrows && rowstream_next(&r, &s, &n, NULL, NULL) && fn(ctx, i, s, n))
		i++;
	bool ok = !r.failed;
	if (!ok)
		dp_buf_addf(err, "%s: cannot read back: %s", w->tmp, errno ? strerror(errno) : "short file");
	close(fd);
	dp_buf_free(&r.buf);
	return ok;
}

struct dp_cells_reader {
	struct rowstream rs;    /* its fd and ncols are the file's */
	char **cols;
	uint64_t nrows, read;
	uint32_t own_crc32;     /* the footer's */
};

/* The cells file path opened, its footer in *ft, when the footer is whole
 * and its counts fit the file's size; -1 otherwise, err saying why. */
static int open_cells(const char *path, struct cells_footer *ft, struct dp_buf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		dp_buf_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	bool ok = fstat(fd, &st) == 0 && (uint64_t)st.st_size >= sizeof *ft &&
		  read_at(fd, ft, sizeof *ft, st.st_size - (off_t)sizeof *ft) &&
		  memcmp(ft->magic, CELLS_MAGIC, sizeof ft->magic) == 0 && ft->ncols > 0 && ft->ncols < 100000 &&
		  ft->body > 0 && ft->body <= (uint64_t)st.st_size - sizeof *ft &&
		  ft->nrows <= ((uint64_t)st.st_size - sizeof *ft - ft->body) / sizeof(uint64_t) &&
		  (uint64_t)st.st_size - sizeof *ft - ft->body == ft->nrows * sizeof(uint64_t);
	if (!ok) {
		dp_buf_addf(err, "%s: not a whole cells file of this version (%s)", path, CELLS_MAGIC);
		close(fd);
		return -1;
	}
	return fd;
}

struct dp_cells_reader *dp_cells_open(const char *path, struct dp_buf *err)
{
	struct cells_footer ft;
	int fd = open_cells(path, &ft, err);
	if (fd < 0)
		return NULL;
	struct dp_cells_reader *r = dp_xcalloc(1, sizeof *r);
	r->nrows = ft.nrows;
	r->own_crc32 = ft.own_crc32;
	rowstream_init(&r->rs, fd, ft.ncols, 0, ft.body);
	const char *h;
	size_t n;
	if (!rowstream_next(&r->rs, &h, &n, NULL, NULL)) { /* the header row */
		dp_buf_addf(err, "%s: cannot read its header row", path);
		dp_cells_close(r);
		return NULL;
	}
	r->cols = dp_xcalloc((size_t)ft.ncols + 1, sizeof *r->cols);
	for (size_t c = 0; c < ft.ncols; c++) {
		r->cols[c] = dp_xstrdup(h);
		h += strlen(h) + 1;
	}
	return r;
}

size_t dp_cells_ncols(const struct dp_cells_reader *r)
{
	return (size_t)r->rs.ncols;
}

const char *const *dp_cells_cols(const struct dp_cells_reader *r)
{
	return (const char *const *)r->cols;
}

bool dp_cells_next(struct dp_cells_reader *r, const char **s, size_t *n, const char **f, size_t *len)
{
	if (r->read == r->nrows || !rowstream_next(&r->rs, s, n, f, len))
		return false;
	r->read++;
	return true;
}

bool dp_cells_whole(struct dp_cells_reader *r)
{
	const char *s;
	size_t n;
	if (r->read != r->nrows || r->rs.failed || rowstream_next(&r->rs, &s, &n, NULL, NULL) || r->rs.failed)
		return false;
	/* and its bytes those written: the body's read, then the offsets' */
	uint32_t crc = r->rs.crc;
	return crc_of(r->rs.fd, r->rs.end, r->nrows * sizeof(uint64_t), &crc) && crc == r->own_crc32;
}

void dp_cells_close(struct dp_cells_reader *r)
{
	if (!r)
		return;
	close(r->rs.fd);
	dp_buf_free(&r->rs.buf);
	for (size_t c = 0; r->cols && c < r->rs.ncols; c++)
		free(r->cols[c]);
	free(r->cols);
	free(r);
}

bool dp_cells_commit(struct dp_cells_writer *w, const char *path, struct dp_buf *err)
{
	struct cells_footer ft;
	memset(&ft, 0, sizeof ft);
	memcpy(ft.magic, CELLS_MAGIC, sizeof ft.magic);
	ft.ncols = w->ncols;
	ft.nrows = w->nrows;
	ft.body = w->body;
	/* the offsets and the footer after the body, in blocks as it is */
	char chunk[OFF_CHUNK / 4 * sizeof(uint64_t)];
	uint64_t spilled = w->offs_out * sizeof *w->off;
	for (uint64_t at = 0; at < spilled && !w->err_no;) {
		size_t k = spilled - at < sizeof chunk ? (size_t)(spilled - at) : sizeof chunk;
		if (read_at(w->offd, chunk, k, (off_t)at))
			cells_add(w, chunk, k);
		else
			w->err_no = errno ? errno : EIO;
		at += k;
	}
	cells_add(w, (const char *)w->off, w->noff * sizeof *w->off);
	cells_flush(w); /* (w->crc is then of every byte before the footer) */
	ft.own_crc32 = w->crc;
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
bool dp_memtab_load_cells(struct dp_memtab *t, const char *path, struct dp_buf *err)
{
	memset(t, 0, sizeof *t);
	struct cells_footer ft;
	int fd = open_cells(path, &ft, err);
	if (fd < 0)
		return false;
	t->map_len = (size_t)ft.body;
	t->map = mmap(NULL, t->map_len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (t->map == MAP_FAILED)
		t->map = NULL;
	uint64_t *off = dp_xcalloc((size_t)ft.nrows + 1, sizeof *off);
	bool ok = t->map && read_at(fd, off, (size_t)ft.nrows * sizeof *off, (off_t)ft.body);
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
		ok = ok && cells_sound(&ft, off, body, hdr) &&
		     libdeflate_crc32(libdeflate_crc32(0, body, (size_t)ft.body), off,
				      (size_t)ft.nrows * sizeof *off) == ft.own_crc32;
	}
	if (!ok) {
		dp_buf_addf(err, "%s: damaged (its bytes are not those written)", path);
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

void dp_memtab_release_before(const struct dp_memtab *t, size_t row)
{
	if (!t->map || row == 0 || row > t->nrows)
		return;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t end = t->row_off[row] / page * page;
	if (end)
		madvise(t->map, end, MADV_DONTNEED); /* advice: a failure only keeps the pages */
}
