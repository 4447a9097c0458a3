/* .xlsx workbooks (Office Open XML) read with libzip and expat (book.h).
 *
 * Opening reads the small parts whole through expat: the package's
 * relationships, the workbook (its sheets, in order, and its date system),
 * the workbook's relationships (where each sheet's part is) and the styles
 * (which cell formats are percents and dates).  A sheet is parsed as it is
 * inflated (xlsx_sheet.c): only the shared strings, which any cell may
 * name, are held whole (bounded).
 * Every part's inflated bytes are counted against its stored size as they
 * come (a zip's own sizes can lie), and a part with a DTD is refused before
 * any entity is defined. */
#include "xlsx_impl.h"

#include <errno.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>


/* ---- one part through expat ---- */

static unsigned long salt_value;

static void draw_salt(void)
{
	unsigned long s = 0;
	while (s == 0) /* (0 asks expat to draw its own) */
		if (getrandom(&s, sizeof s, 0) != (ssize_t)sizeof s)
			s = (unsigned long)time(NULL) ^ (unsigned long)getpid();
	salt_value = s;
}


void xlsx_halt(struct parse *ps, enum dp_csvfile_status st)
{
	if (ps->st == DP_CF_OK)
		ps->st = st;
	XML_StopParser(ps->p, XML_FALSE);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	struct parse *ps = ud;
	dp_buf_addf(&ps->why, "工作簿的 %s 含有 DTD 声明（可用于实体膨胀或读取外部文件），不是 Excel 保存的文件，拒绝读取："
			      "请在 Excel 中打开后另存为 .xlsx", ps->part);
	xlsx_halt(ps, DP_CF_CORRUPT);
}

const char *xlsx_local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

/* The attribute whose local name is want, or NULL. */
const char *xlsx_attr(const XML_Char **a, const char *want)
{
	for (; a && a[0]; a += 2)
		if (strcmp(xlsx_local(a[0]), want) == 0)
			return a[1];
	return NULL;
}

/* The sentence of libzip's error code e, into a buffer of the caller's.
 * Only the code is taken from libzip's error: the fuzzer met a file whose
 * zip_file_strerror freed a string libzip had not set (libzip 1.7.3). */
static const char *zip_why(int code, char *buf, size_t cap)
{
	zip_error_t e;
	zip_error_init_with_code(&e, code);
	snprintf(buf, cap, "%s", zip_error_strerror(&e));
	zip_error_fini(&e);
	return buf;
}

/* Inflates the next bytes of part name (f) into buf: their count, 0 at its
 * end, or -1 with ps's status and why set when the part is damaged or
 * inflates past its bound (max, or DP_BOOK_MAX_PART when 0; past
 * DP_BOOK_RATIO_FROM, DP_BOOK_MAX_RATIO × its stored size).  *got counts
 * the part's inflated bytes. */
static zip_int64_t inflate_chunk(zip_file_t *f, char *buf, size_t cap, const char *name, uint64_t stored, uint64_t max,
				 uint64_t *got, struct parse *ps)
{
	char why[128];
	zip_int64_t n = zip_fread(f, buf, cap);
	if (n < 0) {
		ps->st = DP_CF_CORRUPT;
		dp_buf_addf(&ps->why, "工作簿的 %s 在解压到第 %llu 字节时出错（%s），文件已损坏：请在 Excel 中打开后另存为 .xlsx",
			    name, (unsigned long long)*got, zip_why(zip_error_code_zip(zip_file_get_error(f)), why, sizeof why));
		return -1;
	}
	*got += (uint64_t)n;
	max = max ? max : DP_BOOK_MAX_PART;
	if (*got > max || (*got > DP_BOOK_RATIO_FROM && *got > stored * DP_BOOK_MAX_RATIO)) {
		ps->st = DP_CF_BOUND;
		ps->bound = "part";
		dp_buf_addf(&ps->why, "的 %s 解压到 %llu 字节仍未结束（压缩时 %llu 字节；上限 %llu 字节，超过 %llu 字节后不得超过压缩大小的 %d 倍），"
				      "可能是压缩炸弹或损坏的文件",
			    name, (unsigned long long)*got, (unsigned long long)stored, (unsigned long long)max,
			    (unsigned long long)DP_BOOK_RATIO_FROM, DP_BOOK_MAX_RATIO);
		return -1;
	}
	return n;
}

/* After XML_Parse failed on part name: the reason, unless a handler gave one. */
static void xml_failed(struct parse *ps, const char *name)
{
	if (ps->st != DP_CF_OK)
		return;
	ps->st = DP_CF_CORRUPT;
	dp_buf_addf(&ps->why, "工作簿的 %s 不是有效的 XML（第 %lu 行：%s），文件已损坏：请在 Excel 中打开后另存为 .xlsx", name,
		    (unsigned long)XML_GetCurrentLineNumber(ps->p), XML_ErrorString(XML_GetErrorCode(ps->p)));
}

/* Reads part name of x's zip through ps->p.  Returns false with res and
 * err set when it is missing (unless optional), damaged, past a bound (its
 * inflated bytes: max, or DP_BOOK_MAX_PART when 0) or stopped by a
 * handler. */
static bool parse_part_max(struct xlsx *x, const char *name, bool optional, uint64_t max, struct parse *ps,
			   struct dp_csvfile_result *res, struct dp_buf *err)
{
	ps->part = name;
	char why[128];
	zip_int64_t idx = zip_name_locate(x->z, name, ZIP_FL_NOCASE);
	if (idx < 0) {
		if (optional)
			return true;
		res->status = DP_CF_CORRUPT;
		dp_buf_addf(err, "不是完整的 .xlsx 工作簿（缺少 %s），可能已损坏：请在 Excel 中打开后另存为 .xlsx", name);
		return false;
	}
	zip_stat_t zs;
	zip_stat_init(&zs);
	if (zip_stat_index(x->z, (zip_uint64_t)idx, 0, &zs) == 0 && (zs.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    zs.encryption_method != ZIP_EM_NONE) {
		res->status = DP_CF_CORRUPT;
		dp_buf_adds(err, "工作簿已加密（设置了打开密码），无法读取：请取消密码后另存为 .xlsx 再提交");
		return false;
	}
	uint64_t stored = (zs.valid & ZIP_STAT_COMP_SIZE) ? zs.comp_size : 0;
	zip_file_t *f = zip_fopen_index(x->z, (zip_uint64_t)idx, 0);
	if (!f) {
		res->status = DP_CF_CORRUPT;
		dp_buf_addf(err, "工作簿的 %s 无法解压（%s），文件可能已损坏：请在 Excel 中打开后另存为 .xlsx", name,
			    zip_why(zip_error_code_zip(zip_get_error(x->z)), why, sizeof why));
		return false;
	}
	char buf[16384]; /* (on the stack: the styles are read from inside a sheet's handler) */
	uint64_t got = 0;
	for (;;) {
		zip_int64_t n = inflate_chunk(f, buf, sizeof buf, name, stored, max, &got, ps);
		if (n < 0)
			break;
		if (XML_Parse(ps->p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
			xml_failed(ps, name);
			break;
		}
		if (n == 0)
			break;
	}
	zip_fclose(f);
	if (ps->st == DP_CF_OK)
		return true;
	res->status = ps->st;
	res->stop = ps->stop;
	res->bound = ps->bound;
	res->line = ps->line;
	dp_buf_add(err, ps->why.s ? ps->why.s : "", ps->why.len);
	return false;
}

bool xlsx_parse_part(struct xlsx *x, const char *name, bool optional, struct parse *ps,
		       struct dp_csvfile_result *res, struct dp_buf *err)
{
	return parse_part_max(x, name, optional, 0, ps, res, err);
}

/* The salt of expat's hash tables, random once per process: expat draws one
 * from the kernel for every parser it starts otherwise (a system call per
 * part: a sixth of reading 100 000 small workbooks). */
static unsigned long hash_salt(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, draw_salt);
	return salt_value;
}

/* Readies x's parser (one per workbook, reset between its parts: a parser
 * made and freed per part was most of expat's time on small workbooks) for
 * a part read with these handlers. */
void xlsx_parse_init(struct xlsx *x, struct parse *ps, void *ud, XML_StartElementHandler start,
		       XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	memset(ps, 0, sizeof *ps);
	if (x->p)
		XML_ParserReset(x->p, NULL);
	else
		x->p = XML_ParserCreate(NULL);
	if (!x->p)
		abort(); /* (expat's only failure: no memory, as dp_xmalloc) */
	ps->p = x->p;
	XML_SetHashSalt(ps->p, hash_salt());
	XML_SetUserData(ps->p, ud);
	XML_SetStartDoctypeDeclHandler(ps->p, on_doctype);
	XML_SetElementHandler(ps->p, start, end);
	if (text)
		XML_SetCharacterDataHandler(ps->p, text);
}

void xlsx_parse_free(struct parse *ps)
{
	dp_buf_free(&ps->why); /* (the parser is the workbook's) */
}

/* ---- the small parts ---- */

struct rel {
	char *id, *target, *type;
};

struct small {
	struct parse ps;       /* first: the handlers' user data is this */
	struct xlsx *x;
	struct dp_book *b;
	/* relationships */
	struct rel *rels;
	size_t nrels, caprels;
	/* workbook: the sheets' names and relationship ids */
	char **ids;
	size_t nids, capids;
	/* styles: the kind of each number format the file defines, by its id
	 * (ids above 65 535, which Excel never writes, are left General) */
	bool in_xfs;
	unsigned char *fmt_kind; /* 65 536 entries, FMT_NONE where not defined */
};

#define FMT_IDS 65536
#define FMT_NONE 0xFF

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct small *s = ud;
	if (strcmp(xlsx_local(name), "Relationship") != 0)
		return;
	const char *id = xlsx_attr(a, "Id"), *target = xlsx_attr(a, "Target"), *type = xlsx_attr(a, "Type");
	if (!id || !target)
		return;
	if (s->nrels >= 2 * (size_t)DP_BOOK_MAX_ENTRIES) {
		s->ps.bound = "part";
		dp_buf_addf(&s->ps.why, "有超过 %d 个关系（relationships）", 2 * DP_BOOK_MAX_ENTRIES);
		xlsx_halt(&s->ps, DP_CF_BOUND);
		return;
	}
	DP_GROW(s->rels, s->nrels, s->caprels);
	s->rels[s->nrels++] = (struct rel){ dp_xstrdup(id), dp_xstrdup(target), dp_xstrdup(type ? type : "") };
}

static void XMLCALL no_end(void *ud, const XML_Char *name)
{
	(void)ud, (void)name;
}

static void XMLCALL book_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct small *s = ud;
	const char *n = xlsx_local(name);
	if (strcmp(n, "workbookPr") == 0) {
		const char *d = xlsx_attr(a, "date1904");
		s->b->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
	} else if (strcmp(n, "sheet") == 0) {
		const char *sn = xlsx_attr(a, "name"), *id = xlsx_attr(a, "id");
		if (s->b->n >= DP_BOOK_MAX_ENTRIES) {
			s->ps.bound = "part";
			dp_buf_addf(&s->ps.why, "有超过 %d 个工作表", DP_BOOK_MAX_ENTRIES);
			xlsx_halt(&s->ps, DP_CF_BOUND);
			return;
		}
		book_add_sheet(s->b, sn ? sn : "", NULL);
		DP_GROW(s->ids, s->nids, s->capids);
		s->ids[s->nids++] = dp_xstrdup(id ? id : "");
	}
}

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct small *s = ud;
	const char *n = xlsx_local(name);
	if (strcmp(n, "cellXfs") == 0) {
		s->in_xfs = true;
	} else if (strcmp(n, "numFmt") == 0) {
		const char *id = xlsx_attr(a, "numFmtId"), *code = xlsx_attr(a, "formatCode");
		unsigned long fid = id ? strtoul(id, NULL, 10) : FMT_IDS;
		if (!code || fid >= FMT_IDS)
			return;
		if (!s->fmt_kind) {
			s->fmt_kind = dp_xmalloc(FMT_IDS);
			memset(s->fmt_kind, FMT_NONE, FMT_IDS);
		}
		s->fmt_kind[fid] = (unsigned char)dp_xl_code_fmt(code);
	} else if (strcmp(n, "xf") == 0 && s->in_xfs) {
		const char *id = xlsx_attr(a, "numFmtId");
		unsigned long fid = id ? strtoul(id, NULL, 10) : 0;
		enum dp_xl_fmt k = fid < FMT_IDS ? dp_xl_builtin_fmt((unsigned)fid) : DP_XL_PLAIN;
		if (s->fmt_kind && fid < FMT_IDS && s->fmt_kind[fid] != FMT_NONE) /* a format the file defines wins */
			k = (enum dp_xl_fmt)s->fmt_kind[fid];
		struct xlsx *x = s->x;
		DP_GROW(x->xf, x->nxf, x->capxf);
		x->xf[x->nxf++] = k;
	}
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
	struct small *s = ud;
	if (strcmp(xlsx_local(name), "cellXfs") == 0)
		s->in_xfs = false;
}

static void rels_clear(struct small *s)
{
	for (size_t i = 0; i < s->nrels; i++) {
		free(s->rels[i].id);
		free(s->rels[i].target);
		free(s->rels[i].type);
	}
	s->nrels = 0;
}

static bool ends_with(const char *s, const char *end)
{
	size_t a = strlen(s), b = strlen(end);
	return a >= b && strcmp(s + a - b, end) == 0;
}

/* The part a relationship's target names, from the folder dir ("xl/"). */
static char *resolve(const char *dir, const char *target)
{
	if (target[0] == '/')
		return dp_xstrdup(target + 1);
	struct dp_buf b = DP_BUF_INIT;
	dp_buf_adds(&b, dir);
	dp_buf_adds(&b, target);
	return dp_buf_detach(&b);
}

/* Reads one small part with the handlers given, into s. */
static bool small_part(struct small *s, const char *name, bool optional, XML_StartElementHandler start,
		       XML_EndElementHandler end, struct dp_csvfile_result *res, struct dp_buf *err)
{
	xlsx_parse_init(s->x, &s->ps, s, start, end, NULL);
	bool ok = parse_part_max(s->x, name, optional, DP_BOOK_MAX_SMALL, &s->ps, res, err);
	xlsx_parse_free(&s->ps);
	return ok;
}

/* The package's parts: the workbook, its sheets and their parts, the styles. */
static bool read_structure(struct dp_book *b, struct xlsx *x, struct dp_csvfile_result *res, struct dp_buf *err)
{
	struct small s = { .x = x, .b = b };
	/* the workbook where every spreadsheet program puts it, else where the
	 * package's relationships say (a part less to read per workbook) */
	bool usual = zip_name_locate(x->z, "xl/workbook.xml", ZIP_FL_NOCASE) >= 0;
	bool ok = usual || small_part(&s, "_rels/.rels", true, rels_start, no_end, res, err);
	char *book = NULL;
	for (size_t i = 0; ok && i < s.nrels; i++)
		if (ends_with(s.rels[i].type, "/officeDocument"))
			book = resolve("", s.rels[i].target);
	if (!book)
		book = dp_xstrdup("xl/workbook.xml");
	rels_clear(&s);
	/* the workbook's folder, and its relationships beside it */
	const char *slash = strrchr(book, '/');
	char *dir = dp_xmemdup(book, slash ? (size_t)(slash - book + 1) : 0);
	struct dp_buf relname = DP_BUF_INIT;
	dp_buf_addf(&relname, "%s_rels/%s.rels", dir, slash ? slash + 1 : book);
	ok = ok && small_part(&s, book, false, book_start, no_end, res, err) &&
	     small_part(&s, relname.s, false, rels_start, no_end, res, err);
	x->part = dp_xcalloc(b->n ? b->n : 1, sizeof *x->part);
	for (size_t i = 0; ok && i < b->n; i++) {
		for (size_t k = 0; k < s.nrels; k++) {
			if (strcmp(s.rels[k].id, s.ids[i]) != 0)
				continue;
			if (ends_with(s.rels[k].type, "/worksheet"))
				x->part[i] = resolve(dir, s.rels[k].target);
			else
				b->skip[i] = ends_with(s.rels[k].type, "/chartsheet") ? "图表工作表，没有数据表" :
											   "不是普通工作表（宏表或对话框表）";
		}
		if (!x->part[i] && !b->skip[i])
			b->skip[i] = "工作簿中找不到该工作表的内容";
	}
	/* the styles and the shared strings: where the workbook says, else the usual places */
	char *styles = NULL;
	for (size_t k = 0; k < s.nrels; k++) {
		char **to = ends_with(s.rels[k].type, "/styles") ? &styles :
			    ends_with(s.rels[k].type, "/sharedStrings") ? &x->sst_part : NULL;
		if (to && !*to)
			*to = resolve(dir, s.rels[k].target);
	}
	rels_clear(&s);
	if (!styles) {
		struct dp_buf b2 = DP_BUF_INIT;
		dp_buf_addf(&b2, "%sstyles.xml", dir);
		styles = dp_buf_detach(&b2);
	}
	x->styles_part = styles;
	dp_buf_free(&relname);
	for (size_t i = 0; i < s.nids; i++)
		free(s.ids[i]);
	free(s.ids);
	free(s.rels);
	free(s.fmt_kind);
	free(dir);
	free(book);
	return ok;
}

/* Reads the styles: which cell formats are percents and dates.  Called at
 * the first number cell with a style, from inside the sheet's handler: with
 * a parser of its own (the workbook's is reading the sheet).  A cell without
 * a style is General (style 0, as Excel writes it): a workbook of unstyled
 * numbers — dp-ingest's header and first row of most forms — never reads
 * them. */
bool xlsx_load_styles(struct dp_book *b, struct xlsx *x, struct dp_csvfile_result *res, struct dp_buf *err)
{
	x->styles_loaded = true;
	struct small s = { .x = x, .b = b };
	XML_Parser sheets = x->p;
	x->p = NULL;
	bool ok = small_part(&s, x->styles_part, true, styles_start, styles_end, res, err);
	if (x->p)
		XML_ParserFree(x->p);
	x->p = sheets;
	free(s.fmt_kind);
	return ok;
}

/* ---- the shared strings ---- */

/* Appends text, decoding OOXML's _xHHHH_ escapes (a CR is _x000D_). */
void xlsx_add_escaped(struct dp_buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned cp = 0;
		if (s[i] == '_' && i + 6 < n && s[i + 1] == 'x' && s[i + 6] == '_' &&
		    sscanf(s + i + 2, "%4x", &cp) == 1 && strspn(s + i + 2, "0123456789abcdefABCDEF") >= 4) {
			char u[4];
			int k = 0;
			if (cp < 0x80) {
				u[k++] = (char)cp;
			} else if (cp < 0x800) {
				u[k++] = (char)(0xC0 | cp >> 6);
				u[k++] = (char)(0x80 | (cp & 0x3F));
			} else {
				u[k++] = (char)(0xE0 | cp >> 12);
				u[k++] = (char)(0x80 | (cp >> 6 & 0x3F));
				u[k++] = (char)(0x80 | (cp & 0x3F));
			}
			if (cp) /* (a NUL is no text: left out) */
				dp_buf_add(out, u, (size_t)k);
			i += 6;
		} else {
			dp_buf_addc(out, s[i]);
		}
	}
}

struct sst {
	struct parse ps;
	struct xlsx *x;
	int depth_t, depth_rph;
	bool in_si;
	struct dp_buf cur;
};

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	(void)a;
	struct sst *s = ud;
	const char *n = xlsx_local(name);
	if (strcmp(n, "si") == 0) {
		s->in_si = true;
		dp_buf_reset(&s->cur);
	} else if (strcmp(n, "rPh") == 0) {
		s->depth_rph++; /* phonetic runs (furigana): not the cell's text */
	} else if (strcmp(n, "t") == 0 && s->in_si) {
		s->depth_t++;
	}
}

static void sst_enough(struct sst *s);

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	struct sst *s = ud;
	const char *n = xlsx_local(name);
	if (strcmp(n, "si") == 0) {
		struct xlsx *x = s->x;
		s->in_si = false;
		DP_GROW(x->sst_at, x->nsst, x->capsst);
		x->sst_at[x->nsst++] = x->sst.len;
		size_t before = x->sst.len;
		xlsx_add_escaped(&x->sst, s->cur.s ? s->cur.s : "", s->cur.len);
		dp_buf_addc(&x->sst, '\0');
		x->sst_bytes += x->sst.len - before + sizeof *x->sst_at;
		if (x->sst_bytes > DP_BOOK_MAX_STRINGS) {
			s->ps.bound = "part";
			dp_buf_addf(&s->ps.why, "的共享字符串超过 %llu 字节", (unsigned long long)DP_BOOK_MAX_STRINGS);
			xlsx_halt(&s->ps, DP_CF_BOUND);
		} else {
			sst_enough(s);
		}
	} else if (strcmp(n, "rPh") == 0) {
		s->depth_rph--;
	} else if (strcmp(n, "t") == 0 && s->depth_t > 0) {
		s->depth_t--;
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *t, int len)
{
	struct sst *s = ud;
	if (s->depth_t > 0 && s->depth_rph == 0 && s->cur.len < DP_CSV_MAX_FIELD + 1)
		dp_buf_add(&s->cur, t, (size_t)len); /* (longer: cut, and the cell is past its bound) */
}

/* The shared strings are read as far as the cells read so far name them:
 * dp-ingest, which reads a sheet's first two rows, reads the first few
 * strings of a form, not its every label; a parser of their own, suspended
 * (resumable) once the string wanted is there, and resumed when a cell names
 * a later one. */
struct sst_stream {
	struct sst s;            /* its handlers' state; s.ps.p is its parser */
	zip_file_t *f;
	uint64_t stored, got;    /* the part's stored and inflated bytes */
	size_t want;             /* suspend once more strings than this are read */
	bool suspended, final, done;
	char buf[16384];         /* the bytes being parsed (kept while suspended) */
};

/* sst_end's stop: the string wanted is read. */
static void sst_enough(struct sst *s)
{
	struct sst_stream *ss = (struct sst_stream *)s;
	if (s->ps.st == DP_CF_OK && s->x->nsst > ss->want)
		XML_StopParser(s->ps.p, XML_TRUE);
}

/* Opens the shared strings' part for sst_upto: x->sst_in, whose parse's
 * status says when it cannot be (every later sst_upto then fails as well). */
static void sst_open(struct xlsx *x)
{
	struct sst_stream *ss = x->sst_in = dp_xcalloc(1, sizeof *ss);
	char why[128];
	ss->s.x = x;
	struct parse *ps = &ss->s.ps;
	ps->part = x->sst_part;
	zip_int64_t idx = zip_name_locate(x->z, x->sst_part, ZIP_FL_NOCASE);
	if (idx < 0) {
		ss->done = true; /* (no strings: a cell naming one is damaged) */
		return;
	}
	zip_stat_t zs;
	zip_stat_init(&zs);
	if (zip_stat_index(x->z, (zip_uint64_t)idx, 0, &zs) == 0 && (zs.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    zs.encryption_method != ZIP_EM_NONE) {
		dp_buf_adds(&ps->why, "工作簿已加密（设置了打开密码），无法读取：请取消密码后另存为 .xlsx 再提交");
		ps->st = DP_CF_CORRUPT;
		return;
	}
	ss->stored = (zs.valid & ZIP_STAT_COMP_SIZE) ? zs.comp_size : 0;
	if (!(ss->f = zip_fopen_index(x->z, (zip_uint64_t)idx, 0))) {
		dp_buf_addf(&ps->why, "工作簿的 %s 无法解压（%s），文件可能已损坏：请在 Excel 中打开后另存为 .xlsx",
			    x->sst_part, zip_why(zip_error_code_zip(zip_get_error(x->z)), why, sizeof why));
		ps->st = DP_CF_CORRUPT;
		return;
	}
	ps->p = XML_ParserCreate(NULL);
	if (!ps->p)
		abort(); /* (expat's only failure: no memory, as dp_xmalloc) */
	XML_SetHashSalt(ps->p, hash_salt());
	XML_SetUserData(ps->p, &ss->s);
	XML_SetStartDoctypeDeclHandler(ps->p, on_doctype);
	XML_SetElementHandler(ps->p, sst_start, sst_end);
	XML_SetCharacterDataHandler(ps->p, sst_text);
}

/* Reads the shared strings until string k is there or they end.  False,
 * with fail's status, bound and why set (the sheet's parse, which the caller
 * halts), when they are damaged, hostile or past a bound. */
bool xlsx_sst_upto(struct xlsx *x, size_t k, struct parse *fail)
{
	if (!x->sst_part)
		return true;
	if (!x->sst_in)
		sst_open(x);
	struct sst_stream *ss = x->sst_in;
	struct parse *ps = &ss->s.ps;
	ss->want = k;
	while (x->nsst <= k && !ss->done && ps->st == DP_CF_OK) {
		enum XML_Status st;
		if (ss->suspended) {
			ss->suspended = false;
			st = XML_ResumeParser(ps->p);
		} else {
			zip_int64_t n = inflate_chunk(ss->f, ss->buf, sizeof ss->buf, x->sst_part, ss->stored, 0, &ss->got, ps);
			if (n < 0)
				break;
			ss->final = n == 0;
			st = XML_Parse(ps->p, ss->buf, (int)n, ss->final);
		}
		if (st == XML_STATUS_SUSPENDED) {
			ss->suspended = true;
		} else if (st == XML_STATUS_ERROR) {
			xml_failed(ps, x->sst_part);
		} else if (ss->final) {
			ss->done = true;
		}
	}
	if (ps->st == DP_CF_OK)
		return true;
	fail->st = ps->st;
	fail->bound = ps->bound;
	dp_buf_add(&fail->why, ps->why.s ? ps->why.s : "", ps->why.len);
	return false;
}

static void sst_close(struct xlsx *x)
{
	struct sst_stream *ss = x->sst_in;
	if (!ss)
		return;
	if (ss->f)
		zip_fclose(ss->f);
	if (ss->s.ps.p)
		XML_ParserFree(ss->s.ps.p);
	dp_buf_free(&ss->s.ps.why);
	dp_buf_free(&ss->s.cur);
	free(ss);
	x->sst_in = NULL;
}

/* ---- the workbook ---- */

/* The first bytes of an OLE2 compound file: what an encrypted .xlsx is (or an
 * .xls renamed). */
static bool is_compound_file(const char *path)
{
	static const unsigned char magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
	unsigned char head[8] = { 0 };
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	size_t n = fread(head, 1, sizeof head, f);
	fclose(f);
	return n == sizeof head && memcmp(head, magic, sizeof magic) == 0;
}

/* A zip opened from the n bytes of data (taken), or NULL with *ze set. */
static zip_t *open_memory(void *data, size_t n, int *ze)
{
	zip_error_t e;
	zip_error_init(&e);
	zip_source_t *src = zip_source_buffer_create(data, n, 1, &e);
	zip_t *z = NULL;
	if (!src) {
		free(data);
	} else if (!(z = zip_open_from_source(src, ZIP_RDONLY, &e))) {
		zip_source_free(src); /* (frees data) */
	}
	*ze = zip_error_code_zip(&e);
	zip_error_fini(&e);
	return z;
}

bool xlsx_open(struct dp_book *b, const char *path, void *data, size_t n, struct dp_csvfile_result *res,
	       struct dp_buf *err)
{
	int ze = 0;
	b->in_memory = data != NULL;
	zip_t *z = data ? open_memory(data, n, &ze) : zip_open(path, ZIP_RDONLY, &ze);
	if (!z) {
		zip_error_t e;
		zip_error_init_with_code(&e, ze);
		if (ze == ZIP_ER_OPEN || ze == ZIP_ER_READ || ze == ZIP_ER_MEMORY || ze == ZIP_ER_NOENT) {
			res->status = DP_CF_IOERR;
			dp_buf_adds(err, zip_error_strerror(&e));
		} else if (ze == ZIP_ER_NOZIP && is_compound_file(path)) {
			res->status = DP_CF_CORRUPT;
			dp_buf_adds(err, "工作簿已加密（设置了打开密码），或是改了扩展名的 .xls 文件，无法读取："
					 "请取消密码后另存为 .xlsx 再提交");
		} else {
			res->status = DP_CF_CORRUPT;
			dp_buf_addf(err, "不是有效的 .xlsx 工作簿（%s），文件可能已损坏或只是改了扩展名："
					 "请在 Excel 中打开后另存为 .xlsx 再提交",
				    zip_error_strerror(&e));
		}
		zip_error_fini(&e);
		return false;
	}
	struct xlsx *x = dp_xcalloc(1, sizeof *x);
	x->z = z;
	b->impl = x;
	if (zip_get_num_entries(z, 0) > DP_BOOK_MAX_ENTRIES) {
		res->status = DP_CF_BOUND;
		res->bound = "part";
		dp_buf_addf(err, "有 %lld 个部件，超过上限 %d", (long long)zip_get_num_entries(z, 0), DP_BOOK_MAX_ENTRIES);
		return false;
	}
	return read_structure(b, x, res, err);
}

void xlsx_close(struct dp_book *b)
{
	struct xlsx *x = b->impl;
	if (x->p)
		XML_ParserFree(x->p);
	zip_discard(x->z);
	for (size_t i = 0; x->part && i < b->n; i++)
		free(x->part[i]);
	free(x->part);
	free(x->xf);
	sst_close(x);
	free(x->sst_part);
	free(x->styles_part);
	dp_buf_free(&x->sst);
	free(x->sst_at);
	free(x);
	b->impl = NULL;
}
