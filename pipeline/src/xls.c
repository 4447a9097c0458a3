/* .xls workbooks (BIFF, Excel 97–2003) read with FreeXL (book.h).
 *
 * FreeXL is not safe on crafted files (the fuzzer found a stack underflow in
 * its text conversion, Debian's 1.0.6), so it never runs in the stage's
 * process: each open and each sheet read is a child process, forked, that
 * opens the workbook with FreeXL and writes what it found to a pipe in
 * frames the parent checks (every length bounded); a child that dies, is
 * killed by its CPU limit or writes nonsense makes the workbook rejected
 * (E-ENCODING), and the stage goes on.  The child closes every descriptor
 * but the pipe and stderr, and exits with _exit.
 *
 * FreeXL reads the whole workbook into memory, each sheet as a grid of the
 * size its DIMENSION record claims: the file's size and, from its metadata
 * before the cells are loaded, every sheet's grid are bounded.  FreeXL
 * tells a date cell from a number but gives no other format: a number
 * formatted as a percent is the fraction it stores (record.c refuses
 * one that could be; docs/decisions.md "Excel workbooks"). */
#include "book_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <freexl.h>
#include <iconv.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Cells of one sheet's grid FreeXL may hold (rows × columns): a bulk export
 * of 65 536 rows (BIFF8's most) and 64 columns. */
#define MAX_XLS_CELLS ((uint64_t)65536 * 64)
#define MAX_XLS_ROWS 65536u /* BIFF8's own grid: Excel 97–2003 */
#define MAX_XLS_COLS 256u
/* CPU seconds a child may take (a crafted file could loop). */
#define CHILD_CPU_SECONDS 60

/* The frames a child writes: a byte, then its fields. */
enum { F_SHEET = 'S', F_MODE = 'M', F_ROW = 'R', F_CELL = 'C', F_FAIL = 'F', F_DONE = 'D' };

/* ---- the child ---- */

struct out {
	int fd;
	char buf[65536];
	size_t n;
};

static void flush(struct out *o)
{
	for (size_t at = 0; at < o->n;) {
		ssize_t w = write(o->fd, o->buf + at, o->n - at);
		if (w <= 0)
			_exit(3); /* the parent stopped reading */
		at += (size_t)w;
	}
	o->n = 0;
}

static void put(struct out *o, const void *p, size_t n)
{
	const char *s = p;
	while (n) {
		if (o->n == sizeof o->buf)
			flush(o);
		size_t k = sizeof o->buf - o->n < n ? sizeof o->buf - o->n : n;
		memcpy(o->buf + o->n, s, k);
		o->n += k;
		s += k;
		n -= k;
	}
}

static void put_u32(struct out *o, uint32_t v)
{
	put(o, &v, sizeof v);
}

static void put_text(struct out *o, char tag, const char *s, size_t n)
{
	put(o, &tag, 1);
	put_u32(o, (uint32_t)n);
	put(o, s, n);
}

static _Noreturn void finish(struct out *o, char tag)
{
	put(o, &tag, 1);
	flush(o);
	_exit(0);
}

/* A failure: status (enum dp_csvfile_status), bound (or ""), row, sentence. */
static _Noreturn void fail(struct out *o, uint32_t status, const char *bound, uint32_t row, const char *why)
{
	char tag = F_FAIL;
	put(o, &tag, 1);
	put_u32(o, status);
	put_u32(o, row);
	put_text(o, 'b', bound, strlen(bound));
	put_text(o, 'w', why, strlen(why));
	finish(o, F_DONE);
}

static const char *freexl_why(int rc)
{
	switch (rc) {
	case FREEXL_FILE_NOT_FOUND:
		return "文件不存在或无法读取";
	case FREEXL_INSUFFICIENT_MEMORY:
		return "内存不足";
	case FREEXL_CRAFTED_FILE:
		return "文件结构被篡改";
	case FREEXL_BIFF_INVALID_SST:
	case FREEXL_BIFF_ILLEGAL_SST_INDEX:
		return "共享字符串表损坏";
	case FREEXL_INVALID_CHARACTER:
	case FREEXL_UNSUPPORTED_CHARSET:
		return "文字编码无法识别";
	default:
		return "不是有效的 Excel 97–2003 工作簿";
	}
}

static void unreadable(struct out *o, int rc)
{
	char why[300];
	snprintf(why, sizeof why, "无法作为 .xls 工作簿读取（%s），文件可能已损坏或只是改了扩展名："
				  "请在 Excel 中打开后另存为 .xlsx 再提交", freexl_why(rc));
	fail(o, rc == FREEXL_FILE_NOT_FOUND ? DP_CF_IOERR : DP_CF_CORRUPT, "", 0, why);
}

/* Fails when some sheet's grid is past MAX_XLS_CELLS, MAX_XLS_ROWS or
 * MAX_XLS_COLS, from FreeXL's metadata only. */
static void check_grids(struct out *o, const char *path)
{
	const void *h = NULL;
	int rc = freexl_open_info(path, &h);
	if (rc != FREEXL_OK)
		unreadable(o, rc);
	unsigned sheets = 0;
	freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &sheets);
	for (unsigned i = 0; i < sheets && i < 65536; i++) {
		unsigned rows = 0;
		unsigned short cols = 0;
		const char *name = NULL;
		/* each bound alone: a sheet of 2 437 611 537 rows and no column
		 * passes the product, and its empty rows alone were 12 GB of
		 * frames (fuzz_book) */
		if (freexl_select_active_worksheet(h, (unsigned short)i) != FREEXL_OK ||
		    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK ||
		    ((uint64_t)rows * cols <= MAX_XLS_CELLS && rows <= MAX_XLS_ROWS && cols <= MAX_XLS_COLS))
			continue;
		freexl_get_worksheet_name(h, (unsigned short)i, &name);
		char why[400];
		snprintf(why, sizeof why, "的工作表“%.100s”声明了 %u 行 × %u 列，超过读取上限（%u 行、%u 列、共 %llu 个单元格）",
			 name ? name : "?", rows, (unsigned)cols, MAX_XLS_ROWS, MAX_XLS_COLS,
			 (unsigned long long)MAX_XLS_CELLS);
		fail(o, DP_CF_BOUND, "part", 0, why);
	}
	freexl_close(h);
}

static const void *child_open(struct out *o, const char *path)
{
	check_grids(o, path);
	const void *h = NULL;
	int rc = freexl_open(path, &h);
	if (rc != FREEXL_OK)
		unreadable(o, rc);
	unsigned pw = 0;
	freexl_get_info(h, FREEXL_BIFF_PASSWORD, &pw);
	if (pw == FREEXL_BIFF_OBFUSCATED)
		fail(o, DP_CF_CORRUPT, "", 0, "工作簿已加密（设置了打开密码），无法读取：请取消密码后另存为 .xlsx 再提交");
	return h;
}

/* The text of one cell, as Excel shows it (book.h), into b. */
static void cell_text(struct dp_buf *b, const FreeXL_CellValue *c)
{
	char num[40];
	switch (c->type) {
	case FREEXL_CELL_INT:
		dp_buf_addf(b, "%d", c->value.int_value);
		break;
	case FREEXL_CELL_DOUBLE:
		/* the stored double, exactly enough to round it as Excel shows it */
		snprintf(num, sizeof num, "%.17g", c->value.double_value);
		if (!dp_xl_number(b, num, strlen(num), DP_XL_PLAIN, false))
			dp_buf_adds(b, num); /* (inf, nan: no cell Excel writes) */
		break;
	case FREEXL_CELL_DATETIME: {
		const char *t = c->value.text_value ? c->value.text_value : "";
		size_t n = strlen(t);
		/* a date with a time of midnight is the date, as an .xlsx's */
		dp_buf_add(b, t, n == 19 && strcmp(t + 10, " 00:00:00") == 0 ? 10 : n);
		break;
	}
	case FREEXL_CELL_TEXT:
	case FREEXL_CELL_SST_TEXT:
	case FREEXL_CELL_DATE:
	case FREEXL_CELL_TIME:
		dp_buf_adds(b, c->value.text_value ? c->value.text_value : "");
		break;
	default:
		break;
	}
}

/* The child's work: the sheets' names and date system (sheet < 0), or the
 * rows of sheet, as frames on o.  Never returns. */
static _Noreturn void child(struct out *o, const char *path, long sheet)
{
	const void *h = child_open(o, path);
	if (sheet < 0) {
		unsigned sheets = 0, mode = 0;
		freexl_get_info(h, FREEXL_BIFF_DATEMODE, &mode);
		char tag = F_MODE;
		put(o, &tag, 1);
		put_u32(o, mode == FREEXL_BIFF_DATEMODE_1904);
		freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &sheets);
		for (unsigned i = 0; i < sheets && i < 65536; i++) {
			const char *name = NULL;
			freexl_get_worksheet_name(h, (unsigned short)i, &name);
			put_text(o, F_SHEET, name ? name : "", name ? strnlen(name, 1024) : 0);
		}
		finish(o, F_DONE);
	}
	unsigned rows = 0;
	unsigned short cols = 0;
	if (freexl_select_active_worksheet(h, (unsigned short)sheet) != FREEXL_OK ||
	    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
		fail(o, DP_CF_CORRUPT, "", 0, "工作表无法读取，文件可能已损坏：请在 Excel 中打开后另存为 .xlsx");
	if (cols > DP_CSV_MAX_FIELDS)
		fail(o, DP_CF_BOUND, "fields", 1, "");
	struct dp_buf cell = DP_BUF_INIT;
	for (unsigned row = 0; row < rows; row++) {
		char tag = F_ROW;
		put(o, &tag, 1);
		put_u32(o, row + 1);
		for (unsigned short col = 0; col < cols; col++) {
			FreeXL_CellValue c;
			if (freexl_get_cell_value(h, row, col, &c) != FREEXL_OK)
				continue;
			dp_buf_reset(&cell);
			cell_text(&cell, &c);
			if (cell.len > DP_CSV_MAX_FIELD)
				fail(o, DP_CF_BOUND, "field", row + 1, "");
			if (!cell.len)
				continue;
			tag = F_CELL;
			put(o, &tag, 1);
			put_u32(o, col);
			put_text(o, 't', cell.s, cell.len);
		}
	}
	finish(o, F_DONE);
}

/* ---- the parent ---- */

struct in {
	int fd;
	char buf[65536];
	size_t at, n;
	bool eof;
};

static bool get(struct in *i, void *p, size_t n)
{
	char *d = p;
	while (n) {
		if (i->at == i->n) {
			ssize_t r = read(i->fd, i->buf, sizeof i->buf);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return false;
			i->at = 0;
			i->n = (size_t)r;
		}
		size_t k = i->n - i->at < n ? i->n - i->at : n;
		memcpy(d, i->buf + i->at, k);
		i->at += k;
		d += k;
		n -= k;
	}
	return true;
}

static bool get_u32(struct in *i, uint32_t *v)
{
	return get(i, v, sizeof *v);
}

/* A text frame's tag and bytes (at most max) into b. */
static bool get_text(struct in *i, struct dp_buf *b, size_t max)
{
	char tag;
	uint32_t n;
	if (!get(i, &tag, 1) || !get_u32(i, &n) || n > max)
		return false;
	dp_buf_reset(b);
	dp_buf_grow(b, n + 1);
	if (!get(i, b->s, n))
		return false;
	b->len = n;
	b->s[n] = '\0';
	return true;
}

struct kid {
	pid_t pid;
	struct in in;
};

/* FreeXL converts text with iconv, whose conversion modules are loaded
 * (dlopen) on first use: loaded here once, in the parent, and kept, so that
 * a child forked beside the stage's other threads never loads one. */
static const char *const conversions[] = { "UTF-16LE", "CP1252", "CP936", "CP950", "CP932", "ISO-8859-1" };
static iconv_t loaded[sizeof conversions / sizeof conversions[0]]; /* kept open: never unloaded */

static void load_conversions(void)
{
	for (size_t i = 0; i < sizeof conversions / sizeof conversions[0]; i++)
		loaded[i] = iconv_open("UTF-8", conversions[i]);
}

/* Starts the child for path (sheet < 0: the sheets' list).  False, with
 * res and err set, when it cannot. */
static bool spawn(struct kid *k, const char *path, long sheet, struct dp_csvfile_result *res, struct dp_buf *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load_conversions);
	/* the file opened here, and read by the child as /proc/self/fd/4 */
	int file = open(path, O_RDONLY | O_CLOEXEC), p[2] = { -1, -1 };
	if (file < 0 || pipe2(p, O_CLOEXEC) != 0) {
		res->status = DP_CF_IOERR;
		dp_buf_addf(err, "%s", strerror(errno));
		if (file >= 0)
			close(file);
		return false;
	}
	fflush(NULL);
	k->pid = fork();
	if (k->pid < 0) {
		close(p[0]);
		close(p[1]);
		close(file);
		res->status = DP_CF_IOERR;
		dp_buf_addf(err, "无法启动 .xls 读取进程：%s", strerror(errno));
		return false;
	}
	if (k->pid == 0) {
		/* only stderr, the pipe (3) and the file (4) stay open; no core
		 * file, a CPU limit */
		int w = fcntl(p[1], F_DUPFD, 10), f = fcntl(file, F_DUPFD, 10);
		if (w < 0 || f < 0 || dup2(w, 3) < 0 || dup2(f, 4) < 0)
			_exit(4);
		close_range(5, ~0U, 0);
		struct rlimit cpu = { CHILD_CPU_SECONDS, CHILD_CPU_SECONDS + 1 }, core = { 0, 0 };
		setrlimit(RLIMIT_CPU, &cpu);
		setrlimit(RLIMIT_CORE, &core);
		static struct out o;
		o.fd = 3;
		child(&o, "/proc/self/fd/4", sheet);
	}
	close(file);
	close(p[1]);
	memset(&k->in, 0, sizeof k->in);
	k->in.fd = p[0];
	return true;
}

/* Ends the child (killed when the parent stopped reading early); its
 * status for the message: true when it exited 0. */
static bool reap(struct kid *k, bool kill_it)
{
	if (kill_it)
		kill(k->pid, SIGKILL);
	close(k->in.fd);
	int st = 0;
	while (waitpid(k->pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* A failure frame into res and err. */
static void read_fail(struct kid *k, struct dp_csvfile_result *res, struct dp_buf *err)
{
	uint32_t status = 0, row = 0;
	struct dp_buf bound = DP_BUF_INIT, why = DP_BUF_INIT;
	if (!get_u32(&k->in, &status) || !get_u32(&k->in, &row) || !get_text(&k->in, &bound, 16) ||
	    !get_text(&k->in, &why, 1024) || status > DP_CF_BOUND) {
		res->status = DP_CF_CORRUPT;
		dp_buf_adds(err, "读取 .xls 工作簿时出错，文件可能已损坏：请在 Excel 中打开后另存为 .xlsx 再提交");
	} else {
		res->status = (enum dp_csvfile_status)status;
		res->line = row;
		static const char *const bounds[] = { "part", "field", "fields", "record", "records" };
		for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++)
			if (strcmp(bound.s, bounds[b]) == 0)
				res->bound = bounds[b];
		dp_buf_add(err, why.s, why.len);
	}
	dp_buf_free(&bound);
	dp_buf_free(&why);
}

/* The child died or wrote what no child writes. */
static void crashed(struct dp_csvfile_result *res, struct dp_buf *err)
{
	res->status = DP_CF_CORRUPT;
	dp_buf_reset(err);
	dp_buf_adds(err, "无法作为 .xls 工作簿读取（读取时出错：文件结构异常，可能已损坏或是蓄意构造的），"
			 "请在 Excel 中打开后另存为 .xlsx 再提交");
}

bool xls_open(struct dp_book *b, const char *path, struct dp_csvfile_result *res, struct dp_buf *err)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		res->status = DP_CF_IOERR;
		dp_buf_addf(err, "%s", strerror(errno));
		return false;
	}
	if ((uint64_t)st.st_size > DP_BOOK_MAX_XLS) {
		res->status = DP_CF_BOUND;
		res->bound = "part";
		dp_buf_addf(err, "有 %llu 字节，超过 .xls 的读取上限 %llu 字节（.xls 须整个读入内存）：请另存为 .xlsx",
			    (unsigned long long)st.st_size, (unsigned long long)DP_BOOK_MAX_XLS);
		return false;
	}
	struct kid k;
	if (!spawn(&k, path, -1, res, err))
		return false;
	bool ok = true, done = false;
	struct dp_buf name = DP_BUF_INIT;
	while (ok && !done) {
		char tag;
		uint32_t mode;
		if (!get(&k.in, &tag, 1))
			ok = false;
		else if (tag == F_MODE && get_u32(&k.in, &mode))
			b->date1904 = mode != 0;
		else if (tag == F_SHEET && get_u32(&k.in, &mode) && mode <= 1024) {
			dp_buf_reset(&name);
			dp_buf_grow(&name, mode + 1);
			ok = get(&k.in, name.s, mode);
			name.len = mode;
			name.s[mode] = '\0';
			if (ok)
				book_add_sheet(b, name.s, NULL);
		} else if (tag == F_FAIL) {
			read_fail(&k, res, err);
			ok = false;
			done = true;
		} else {
			ok = tag == F_DONE;
			done = true;
		}
	}
	dp_buf_free(&name);
	bool clean = reap(&k, false);
	if (!done || (ok && !clean)) {
		crashed(res, err);
		ok = false;
	}
	return ok;
}

void xls_read(struct dp_book *b, size_t i, dp_record_fn fn, void *ctx, struct dp_csvfile_result *res,
	      struct dp_buf *err)
{
	struct kid k;
	if (!spawn(&k, b->path, (long)i, res, err))
		return;
	struct dp_xl_row r = { 0 };
	struct dp_buf cell = DP_BUF_INIT;
	bool row_open = false, done = false, bad = false, stopped = false;
	uint32_t last_col = 0;
	while (!done && !bad) {
		char tag;
		uint32_t v;
		if (!get(&k.in, &tag, 1)) {
			bad = true;
		} else if (tag == F_ROW || tag == F_DONE) {
			if (row_open && r.nonblank) {
				struct dp_record rec = dp_xl_row_record(&r);
				int stop = fn(ctx, &rec);
				if (stop) {
					res->status = DP_CF_STOPPED;
					res->stop = stop;
					stopped = done = true;
					break;
				}
			}
			if (tag == F_DONE) {
				done = true;
			} else if (!get_u32(&k.in, &v) || v <= r.line) {
				bad = true;
			} else {
				dp_xl_row_start(&r, v);
				row_open = true;
				last_col = 0;
			}
		} else if (tag == F_CELL && row_open && get_u32(&k.in, &v) && (v >= last_col || r.n == 0) &&
			   v < DP_CSV_MAX_FIELDS && get_text(&k.in, &cell, DP_CSV_MAX_FIELD)) {
			if ((size_t)v < r.n) {
				bad = true;
			} else {
				dp_xl_row_set(&r, v, cell.s, cell.len);
				last_col = v + 1;
				const char *bound = r.text.len > DP_CSV_MAX_RECORD ? "record" :
						    dp_xl_text_over(&r, b->bytes) ? "text" : NULL;
				if (bound) { /* (the child is stopped, as for a record callback's stop) */
					res->status = DP_CF_BOUND;
					res->bound = bound;
					res->line = r.line;
					stopped = done = true;
				}
			}
		} else if (tag == F_FAIL) {
			read_fail(&k, res, err);
			done = true;
		} else {
			bad = true;
		}
	}
	bool clean = reap(&k, stopped);
	if (bad || (!stopped && res->status == DP_CF_OK && !clean))
		crashed(res, err);
	dp_buf_free(&cell);
	dp_xl_row_free(&r);
}

void xls_close(struct dp_book *b)
{
	b->impl = NULL; /* (a child per read: nothing is held) */
}
