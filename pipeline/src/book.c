/* Excel workbooks as tables (book.h): what the .xlsx and .xls readers share
 * — a sheet's list, a cell shown as Excel shows it (numbers, percents,
 * dates), a row assembled from its cells — and reading one sheet of a file
 * by name, which is what the stages call. */
#include "book_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deptperf/findings.h"
#include "deptperf/stage.h"

enum dp_book_kind dp_book_kind_of_path(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot || strchr(dot, '/'))
		return DP_BOOK_NONE;
	return strcasecmp(dot, ".xlsx") == 0 ? DP_BOOK_XLSX : strcasecmp(dot, ".xls") == 0 ? DP_BOOK_XLS :
											    DP_BOOK_NONE;
}

const char *dp_book_kind_name(enum dp_book_kind k)
{
	return k == DP_BOOK_XLSX ? "xlsx" : k == DP_BOOK_XLS ? "xls" : "";
}

enum dp_book_kind dp_book_kind_from_name(const char *name)
{
	return strcmp(name, "xlsx") == 0 ? DP_BOOK_XLSX : strcmp(name, "xls") == 0 ? DP_BOOK_XLS : DP_BOOK_NONE;
}

void book_add_sheet(struct dp_book *b, const char *name, const char *skip)
{
	size_t cap = b->cap;
	DP_GROW(b->names, b->n, b->cap);
	if (b->cap != cap) /* (grown with the names) */
		b->skip = dp_xrealloc(b->skip, b->cap * sizeof *b->skip);
	b->names[b->n] = dp_xstrdup(name);
	b->skip[b->n++] = skip;
}

/* Opens path (from data[0..n) when data is not NULL: taken). */
static struct dp_book *book_open(const char *path, enum dp_book_kind k, void *data, size_t n,
				 struct dp_csvfile_result *res, struct dp_buf *err)
{
	struct dp_book *b = dp_xcalloc(1, sizeof *b);
	b->kind = k;
	b->path = dp_xstrdup(path);
	struct stat st;
	b->bytes = data ? (uint64_t)n : stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
	bool ok = k == DP_BOOK_XLSX ? xlsx_open(b, path, data, n, res, err) :
		  k == DP_BOOK_XLS ? xls_open(b, path, res, err) : false;
	if (!ok) {
		if (res->status == DP_CF_OK)
			res->status = DP_CF_IOERR;
		dp_book_close(b);
		return NULL;
	}
	return b;
}

struct dp_book *dp_book_open(const char *path, enum dp_book_kind k, struct dp_csvfile_result *res,
			     struct dp_buf *err)
{
	return book_open(path, k, NULL, 0, res, err);
}

/* Reads the whole file fd (st_size bytes, at most DP_BOOK_IN_MEMORY) into
 * a buffer; NULL, errno set, when it cannot or the file grew. */
static void *read_whole(int fd, size_t size)
{
	char *p = dp_xmalloc(size + 1);
	size_t got = 0;
	for (;;) {
		ssize_t r = read(fd, p + got, size + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(p);
			return NULL;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got > size) { /* it grew since fstat: read it as a large file */
			free(p);
			errno = EAGAIN;
			return NULL;
		}
	}
	if (got != size) {
		free(p);
		errno = EAGAIN;
		return NULL;
	}
	return p;
}

struct dp_book *dp_book_open_hashed(const char *path, enum dp_book_kind k, struct dp_csvfile_result *res,
				    struct dp_buf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		res->status = DP_CF_IOERR;
		dp_buf_addf(err, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	res->raw_bytes = (uint64_t)st.st_size;
	void *data = NULL;
	if (k == DP_BOOK_XLSX && (uint64_t)st.st_size <= DP_BOOK_IN_MEMORY)
		data = read_whole(fd, (size_t)st.st_size);
	close(fd);
	if (data) {
		struct sha256_ctx sha;
		sha256_init(&sha);
		sha256_update(&sha, (size_t)st.st_size, data);
		dp_sha256_hex(&sha, res->sha256);
		return book_open(path, k, data, (size_t)st.st_size, res, err);
	}
	if (!dp_sha256_file(path, res->sha256)) {
		res->status = DP_CF_IOERR;
		dp_buf_addf(err, "%s", strerror(errno));
		return NULL;
	}
	return book_open(path, k, NULL, 0, res, err);
}

size_t dp_book_sheets(const struct dp_book *b)
{
	return b->n;
}

const char *dp_book_sheet_name(const struct dp_book *b, size_t i)
{
	return i < b->n ? b->names[i] : "";
}

const char *dp_book_sheet_skip(const struct dp_book *b, size_t i)
{
	return i < b->n ? b->skip[i] : NULL;
}

long dp_book_sheet_find(const struct dp_book *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->names[i], name) == 0)
			return (long)i;
	return -1;
}

void dp_book_read(struct dp_book *b, size_t i, dp_record_fn fn, void *ctx, struct dp_csvfile_result *res,
		  struct dp_buf *err)
{
	res->status = DP_CF_OK;
	res->stop = 0;
	res->line = 0;
	res->bound = NULL;
	if (i >= b->n || b->skip[i]) {
		res->status = DP_CF_IOERR;
		dp_buf_addf(err, "工作表“%s”不是数据表", dp_book_sheet_name(b, i));
		return;
	}
	if (b->kind == DP_BOOK_XLSX)
		xlsx_read(b, i, fn, ctx, res, err);
	else
		xls_read(b, i, fn, ctx, res, err);
}

void dp_book_close(struct dp_book *b)
{
	if (!b)
		return;
	if (b->impl)
		(b->kind == DP_BOOK_XLSX ? xlsx_close : xls_close)(b);
	for (size_t i = 0; i < b->n; i++)
		free(b->names[i]);
	free(b->names);
	free(b->skip);
	free(b->path);
	free(b);
}

void dp_sheet_read(const char *path, enum dp_book_kind k, const char *sheet, bool want_sha, dp_record_fn fn,
		   void *ctx, struct dp_csvfile_result *res, struct dp_buf *err)
{
	memset(res, 0, sizeof *res);
	struct stat before, after;
	if (stat(path, &before) != 0) {
		res->status = DP_CF_IOERR;
		dp_buf_addf(err, "%s", strerror(errno));
		return;
	}
	res->raw_bytes = (uint64_t)before.st_size;
	/* hashed as read (a small .xlsx), or first, then read: a file changed in
	 * between has another size or time afterwards (E-CHANGED) */
	struct dp_book *b = want_sha ? dp_book_open_hashed(path, k, res, err) : dp_book_open(path, k, res, err);
	if (!b)
		return;
	bool in_memory = b->in_memory;
	long i = dp_book_sheet_find(b, sheet);
	if (i < 0) {
		res->status = DP_CF_IOERR;
		dp_buf_addf(err, "工作表“%s”已不在工作簿中", sheet);
	} else {
		dp_book_read(b, (size_t)i, fn, ctx, res, err);
	}
	dp_book_close(b);
	if (want_sha && !in_memory && (stat(path, &after) != 0 || after.st_size != before.st_size ||
			 after.st_mtim.tv_sec != before.st_mtim.tv_sec || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec)) {
		/* no longer the bytes hashed */
		res->status = DP_CF_IOERR;
		dp_buf_reset(err);
		dp_buf_adds(err, "文件在读取期间被修改");
	}
}

bool dp_book_finding(struct dp_findings *fs, const char *path, const char *sheet,
		     const struct dp_csvfile_result *res, const char *why)
{
	struct dp_buf where = DP_BUF_INIT;
	if (sheet && sheet[0])
		dp_buf_addf(&where, "工作表“%s”", sheet);
	else
		dp_buf_adds(&where, "工作簿");
	unsigned long long line = res->line;
	const char *b = res->bound ? res->bound : "";
	bool added = true;
	if (res->status == DP_CF_CORRUPT)
		dp_findings_add(fs, DP_E_ENCODING, path, 0, NULL, NULL, NULL, NULL, "%s", why ? why : "");
	else if (res->status != DP_CF_BOUND)
		added = false;
	else if (strcmp(b, "field") == 0)
		dp_findings_add(fs, DP_E_TOO_LONG, path, line, NULL, NULL, NULL, NULL,
				"%s第 %llu 行有一个单元格超过 %zu 字节（字段上限 4096 字节），停止读取，整个文件退回："
				"请检查是否把整段文字粘进了一个单元格",
				where.s, line, DP_CSV_MAX_FIELD);
	else if (strcmp(b, "fields") == 0 || strcmp(b, "record") == 0)
		dp_findings_add(fs, DP_E_TOO_LONG, path, line, NULL, NULL, NULL, NULL,
				"%s第 %llu 行超过%s（上限 %d 列、%zu 字节），停止读取，整个文件退回", where.s, line,
				strcmp(b, "fields") == 0 ? "列数上限" : "一行的字节上限", DP_CSV_MAX_FIELDS, DP_CSV_MAX_RECORD);
	else if (strcmp(b, "text") == 0)
		dp_findings_add(fs, DP_E_TOO_LONG, path, line, NULL, NULL, NULL, NULL,
				"%s到第 %llu 行为止的单元格文字合计已超过工作簿文件大小的 %d 倍（且超过 %llu MB），"
				"停止读取，整个文件退回：很可能是同一段文字被复制进了大量单元格，请检查后重新保存，"
				"或把数据分成几个文件提交",
				where.s, line, DP_BOOK_MAX_RATIO, (unsigned long long)(DP_BOOK_RATIO_FROM >> 20));
	else if (strcmp(b, "records") == 0)
		dp_findings_add(fs, DP_E_TOO_LONG, path, line, NULL, NULL, NULL, NULL,
				"%s超过 %llu 行（Excel 的上限），在第 %llu 行停止读取，整个文件退回：请把数据分成几个文件提交",
				where.s, (unsigned long long)DP_BOOK_MAX_ROWS, line);
	else
		dp_findings_add(fs, DP_E_TOO_LONG, path, line, NULL, NULL, NULL, NULL,
				"%s%s，停止读取，整个文件退回：请在 Excel 中打开后另存为 .xlsx 再提交，"
				"或把数据分成几个文件", where.s, why && why[0] ? why : "超过读取上限");
	dp_buf_free(&where);
	return added;
}

void dp_cell_ref(struct dp_buf *b, size_t col, uint64_t row)
{
	char letters[8];
	int n = 0;
	for (size_t c = col + 1; c > 0 && n < 8; c = (c - 1) / 26)
		letters[n++] = (char)('A' + (c - 1) % 26);
	while (n > 0)
		dp_buf_addc(b, letters[--n]);
	dp_buf_addu(b, row);
}

void dp_sheet_where(struct dp_buf *b, const char *sheet, long col, uint64_t line)
{
	if (line == 0)
		dp_buf_addf(b, "工作表“%s”：", sheet);
	else if (col >= 0)
		dp_buf_addf(b, "%s!", sheet), dp_cell_ref(b, (size_t)col, line), dp_buf_adds(b, "：");
	else
		dp_buf_addf(b, "%s!第 %llu 行：", sheet, (unsigned long long)line);
}

/* ---- cells shown as Excel shows them ---- */

enum dp_xl_fmt dp_xl_builtin_fmt(unsigned id)
{
	if (id == 9 || id == 10)
		return DP_XL_PERCENT;
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 54) || id == 57 ||
	    id == 58)
		return DP_XL_DATE;
	if (id == 22)
		return DP_XL_DATETIME;
	if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47) || id == 55 || id == 56)
		return DP_XL_TIME;
	return DP_XL_PLAIN;
}

enum dp_xl_fmt dp_xl_code_fmt(const char *code)
{
	bool date = false, time = false, month = false, pct = false;
	for (const char *p = code; *p && *p != ';'; p++) {
		char c = *p;
		if (c == '"') { /* quoted text: 年, 月, 日 as words, not formats */
			const char *q = strchr(p + 1, '"');
			if (!q)
				break;
			p = q;
		} else if (c == '\\' || c == '_' || c == '*') {
			if (!p[1])
				break;
			p++;
		} else if (c == '[') { /* [h] elapsed time; [Red], [$-804], [DBNum1] say nothing */
			const char *q = strchr(p, ']');
			if (!q)
				break;
			if (strchr("hHmMsS", p[1]) && q > p + 1) {
				bool all = true;
				for (const char *r = p + 1; r < q; r++)
					all = all && strchr("hHmMsS", *r);
				time = time || all;
			}
			p = q;
		} else if (c == 'y' || c == 'Y' || c == 'd' || c == 'D') {
			date = true;
		} else if (c == 'h' || c == 'H' || c == 's' || c == 'S') {
			time = true;
		} else if (c == 'm' || c == 'M') {
			month = true;
		} else if (c == '%') {
			pct = true;
		} else if (c == 'G' && strncasecmp(p, "General", 7) == 0) {
			p += 6;
		} else if ((c == 'A' || c == 'a') && strncasecmp(p, "AM/PM", 5) == 0) {
			time = true;
			p += 4;
		}
	}
	/* m is a month beside a date or alone, a minute beside h or s */
	date = date || (month && !time);
	if (date)
		return time ? DP_XL_DATETIME : DP_XL_DATE;
	if (time)
		return DP_XL_TIME;
	return pct ? DP_XL_PERCENT : DP_XL_PLAIN;
}

/* A number literal as digits and a decimal exponent: the value is
 * 0.d[0]d[1]… × 10^exp, d without leading or trailing zeros (empty: 0). */
struct num {
	char d[24];
	int nd, exp;
	bool neg;
};

/* Parses v[0..n) and rounds it half away from zero to 15 significant
 * digits, as Excel shows a number; false for anything else. */
static bool parse_num(const char *v, size_t n, struct num *x)
{
	memset(x, 0, sizeof *x);
	size_t i = 0;
	if (i < n && (v[i] == '-' || v[i] == '+'))
		x->neg = v[i++] == '-';
	int point = -1, lead = 0, digits = 0;
	bool any = false;
	char keep[24];
	int nkeep = 0, round_digit = -1;
	for (; i < n; i++) {
		char c = v[i];
		if (c == '.' && point < 0) {
			point = digits;
			continue;
		}
		if (c < '0' || c > '9')
			break;
		any = true;
		if (c == '0' && nkeep == 0) { /* leading zeros move the point only */
			lead++;
			digits++;
			continue;
		}
		if (nkeep < 15)
			keep[nkeep++] = c;
		else if (round_digit < 0)
			round_digit = c - '0';
		digits++;
	}
	if (!any)
		return false;
	long e = 0;
	if (i < n && (v[i] == 'e' || v[i] == 'E')) {
		i++;
		bool eneg = false;
		if (i < n && (v[i] == '-' || v[i] == '+'))
			eneg = v[i++] == '-';
		if (i >= n || v[i] < '0' || v[i] > '9')
			return false;
		for (; i < n && v[i] >= '0' && v[i] <= '9'; i++)
			if (e < 100000)
				e = e * 10 + (v[i] - '0');
		if (eneg)
			e = -e;
	}
	if (i != n || e > 400 || e < -400)
		return false;
	if (point < 0)
		point = digits;
	x->exp = point - lead + (int)e;
	if (round_digit >= 5) { /* half away from zero: the magnitude up */
		int k = nkeep - 1;
		while (k >= 0 && keep[k] == '9')
			keep[k--] = '0';
		if (k < 0) {
			keep[0] = '1';
			memset(keep + 1, '0', (size_t)nkeep - 1);
			x->exp++;
		} else {
			keep[k]++;
		}
	}
	while (nkeep > 0 && keep[nkeep - 1] == '0')
		nkeep--;
	memcpy(x->d, keep, (size_t)nkeep);
	x->nd = nkeep;
	if (nkeep == 0)
		x->neg = false, x->exp = 0;
	return true;
}

/* Appends x in plain notation. */
static void put_num(struct dp_buf *out, const struct num *x)
{
	if (x->nd == 0) {
		dp_buf_addc(out, '0');
		return;
	}
	if (x->neg)
		dp_buf_addc(out, '-');
	if (x->exp <= 0) {
		dp_buf_adds(out, "0.");
		for (int k = 0; k < -x->exp; k++)
			dp_buf_addc(out, '0');
		dp_buf_add(out, x->d, (size_t)x->nd);
	} else if (x->nd <= x->exp) {
		dp_buf_add(out, x->d, (size_t)x->nd);
		for (int k = x->nd; k < x->exp; k++)
			dp_buf_addc(out, '0');
	} else {
		dp_buf_add(out, x->d, (size_t)x->exp);
		dp_buf_addc(out, '.');
		dp_buf_add(out, x->d + x->exp, (size_t)(x->nd - x->exp));
	}
}

/* Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long)yoe + era * 400 + (*m <= 2);
}

/* A date or time serial (x >= 0) shown as fmt; false when out of Excel's
 * range (then shown as a number). */
static bool put_serial(struct dp_buf *out, const struct num *x, enum dp_xl_fmt fmt, bool date1904)
{
	if (x->neg || x->exp > 7)
		return false;
	unsigned long long day = 0, frac = 0, scale = 1;
	for (int k = 0; k < x->exp; k++)
		day = day * 10 + (unsigned long long)(k < x->nd ? x->d[k] - '0' : 0);
	/* the fraction's first 15 decimals (a second is 0.0000116 of a day) */
	int places = 0;
	for (int k = x->exp < 0 ? x->exp : 0; k < 0 && places < 15; k++, places++)
		scale *= 10; /* leading zeros of the fraction */
	for (int k = x->exp > 0 ? x->exp : 0; k < x->nd && places < 15; k++, places++) {
		frac = frac * 10 + (unsigned long long)(x->d[k] - '0');
		scale *= 10;
	}
	/* seconds of the day, frac / scale × 86 400 rounded half up, exact in
	 * 64 bits: 86 400 = 864 × 100, and scale (10^k, k <= 15) keeps 100 when
	 * k >= 2 */
	unsigned long long secs;
	if (scale >= 100)
		secs = (2 * frac * 864 + scale / 100) / (2 * (scale / 100));
	else
		secs = (2 * frac * 86400 + scale) / (2 * scale);
	if (secs >= 86400) {
		day++;
		secs -= 86400;
	}
	if (day > 2958465)
		return false; /* past 9999-12-31 */
	if (fmt == DP_XL_TIME || day == 0) {
		if (fmt != DP_XL_TIME && secs == 0)
			return false; /* serial 0 as a date: shown as the number */
		unsigned long long h = day * 24 + secs / 3600;
		dp_buf_addf(out, "%02llu:%02llu:%02llu", h, secs / 60 % 60, secs % 60);
		return true;
	}
	long y;
	unsigned m, d;
	if (!date1904 && day == 60) { /* Excel's 1900-02-29, a day that was not */
		y = 1900, m = 2, d = 29;
	} else {
		long base = date1904 ? days_from_civil(1904, 1, 1) :
				       days_from_civil(1899, 12, day < 60 ? 31 : 30);
		civil_from_days(base + (long)day, &y, &m, &d);
	}
	dp_buf_addf(out, "%04ld-%02u-%02u", y, m, d);
	if (secs)
		dp_buf_addf(out, " %02llu:%02llu:%02llu", secs / 3600, secs / 60 % 60, secs % 60);
	return true;
}

bool dp_xl_number(struct dp_buf *out, const char *v, size_t n, enum dp_xl_fmt fmt, bool date1904)
{
	struct num x;
	if (!parse_num(v, n, &x))
		return false;
	if ((fmt == DP_XL_DATE || fmt == DP_XL_DATETIME || fmt == DP_XL_TIME) && put_serial(out, &x, fmt, date1904))
		return true;
	if (fmt == DP_XL_PERCENT) {
		if (x.nd)
			x.exp += 2;
		put_num(out, &x);
		dp_buf_addc(out, '%');
		return true;
	}
	put_num(out, &x);
	return true;
}

/* ---- a row ---- */

void dp_xl_row_start(struct dp_xl_row *r, uint64_t line)
{
	dp_buf_reset(&r->text);
	r->n = 0;
	r->line = line;
	r->longest = 0;
	r->nonblank = false;
}

static void row_put(struct dp_xl_row *r, const char *s, size_t n)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->at = dp_xrealloc(r->at, r->cap * sizeof *r->at);
		r->len = dp_xrealloc(r->len, r->cap * sizeof *r->len);
	}
	r->at[r->n] = r->text.len;
	r->len[r->n++] = n;
	dp_buf_addz(&r->text, s, n);
}

void dp_xl_row_set(struct dp_xl_row *r, size_t col, const char *s, size_t n)
{
	while (r->n < col)
		row_put(r, "", 0);
	row_put(r, s, n);
	r->sheet_text += n;
	if (n > r->longest)
		r->longest = n;
	r->nonblank = r->nonblank || n > 0; /* (a blank row is one of empty cells, as a blank CSV line) */
}

bool dp_xl_text_over(const struct dp_xl_row *r, uint64_t file_bytes)
{
	return r->sheet_text > DP_BOOK_RATIO_FROM && r->sheet_text / DP_BOOK_MAX_RATIO >= file_bytes;
}

struct dp_record dp_xl_row_record(struct dp_xl_row *r)
{
	r->f = dp_xrealloc(r->f, (r->n ? r->n : 1) * sizeof *r->f);
	for (size_t k = 0; k < r->n; k++)
		r->f[k] = r->text.s + r->at[k];
	return (struct dp_record){ .n = r->n, .f = r->f, .len = r->len, .line = r->line, .longest = r->longest };
}

void dp_xl_row_free(struct dp_xl_row *r)
{
	dp_buf_free(&r->text);
	free(r->at);
	free(r->len);
	free(r->f);
	memset(r, 0, sizeof *r);
}
