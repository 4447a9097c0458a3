/* dp-ingest: find the input files, hash them, decide their encoding and
 * shape (SPEC §2.1–2.2).  Every byte of a file is hashed, but only its
 * header and first record are read (decoded and parsed): enough for the
 * encoding, the shape and a file with no data row.  dp-normalize reads the
 * rest, once, and reports what is wrong there — a CSV error, a byte that is
 * not text, a damaged gzip stream — or decides, as here, that a file whose
 * first record was UTF-8 and whose rest is not is GB18030 (reading and
 * parsing a 275 MB export twice was a third of ingest and normalize's
 * time).  A workbook's every sheet is read the same way (its header and
 * first row), and the workbook becomes a row per sheet.  Files are read in
 * parallel; each file's result goes to its own slot and findings list, and
 * both are merged in path order after the loop, so the output does not
 * depend on the thread count. */
#include <errno.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "deptperf/book.h"
#include "deptperf/csvfile.h"
#include "deptperf/discover.h"
#include "deptperf/fields.h"
#include "deptperf/filetab.h"
#include "deptperf/findings.h"
#include "deptperf/shape.h"
#include "deptperf/progress.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"
#include "deptperf/work.h"

struct scan {
	const struct dp_dict *dict;
	bool header_seen;
	struct dp_header hdr;
	uint64_t rows; /* 0 or 1: reading ends at the first record */
};

static int on_record(void *ctx, const struct dp_record *r)
{
	struct scan *s = ctx;
	if (!s->header_seen) {
		s->header_seen = true;
		dp_header_parse(s->dict, r, &s->hdr);
		/* a file of no known shape need not be read further */
		return s->hdr.shape == DP_SHAPE_NONE ? 2 : 0;
	}
	s->rows++;
	return 3; /* the rest is dp-normalize's to read (dp_input_sha256 hashes it) */
}

/* A sheet of a workbook: read (its shape), or skipped, or rejected. */
struct sheet_slot {
	char *name;
	enum dp_shape shape;
	const char *status; /* "pending", "skipped" or "rejected" */
};

struct slot {
	char sha256[65];
	uint64_t bytes;
	enum dp_encoding enc;
	enum dp_shape shape;
	bool rejected;
	struct dp_findings fs;
	enum dp_book_kind book;     /* a workbook: its sheets, unless rejected whole */
	struct sheet_slot *sheets;
	size_t nsheets;
};

static void header_list(struct dp_buf *b, const struct dp_header *h)
{
	for (size_t i = 0; i < h->ncols && i < 8; i++)
		dp_buf_addf(b, "%s%s", i ? "," : "", h->label[i]);
	if (h->ncols > 8)
		dp_buf_adds(b, ",…");
}

/* E-UNREADABLE: a file or folder under an input that cannot be read. */
static void unreadable_finding(struct dp_findings *fs, const char *path, const char *why)
{
	dp_findings_add(fs, DP_E_UNREADABLE, path, 0, NULL, NULL, NULL, NULL,
			"无法读取（%s），其中的填报未读取：请运维人员检查权限后重新运行", why);
}

static void scan_file(const struct dp_dict *dict, const char *path, struct dp_input_pool *pool, struct slot *s)
{
	struct scan sc = { dict, false, { 0 }, 0 };
	struct dp_csvfile_result res;
	struct dp_buf e = DP_BUF_INIT;
	dp_csvfile_read_pooled(path, DP_ENC_AUTO, true, on_record, &sc, pool, &res, &e);
	uint64_t utf8_bad = res.bad_offset;
	if (res.status == DP_CF_BADTEXT && res.encoding == DP_ENC_UTF8) {
		/* not UTF-8: a strict GB18030 decode decides (SPEC §2.1) */
		dp_header_free(&sc.hdr);
		memset(&sc, 0, sizeof sc);
		sc.dict = dict;
		dp_buf_reset(&e);
		dp_csvfile_read_pooled(path, DP_ENC_GB18030, true, on_record, &sc, pool, &res, &e);
	}
	memcpy(s->sha256, res.sha256, sizeof s->sha256); /* ("" when unreadable: nothing to quarantine) */
	s->bytes = res.raw_bytes;
	s->enc = res.encoding;
	s->shape = sc.hdr.shape;
	switch (res.status) {
	case DP_CF_OK:
	case DP_CF_STOPPED:
		break;
	case DP_CF_IOERR:
		/* one file that cannot be read costs that file, not the batch */
		unreadable_finding(&s->fs, path, e.len ? e.s : "read error");
		s->rejected = true;
		s->sha256[0] = '\0';
		break;
	default:
		s->rejected = dp_csvfile_finding(&s->fs, path, &res, e.s, utf8_bad);
		break;
	}
	if (!s->rejected) {
		if (!sc.header_seen) {
			s->rejected = true;
			dp_findings_add(&s->fs, DP_E_SHAPE, path, 0, NULL, NULL, NULL, NULL,
					"文件为空（没有表头也没有数据），请检查导出是否成功");
		} else if (sc.hdr.shape == DP_SHAPE_NONE) {
			s->rejected = true;
			struct dp_buf h = DP_BUF_INIT;
			header_list(&h, &sc.hdr);
			dp_findings_add(&s->fs, DP_E_SHAPE, path, 1, NULL, NULL, NULL, h.s,
					"表头“%s”不是可识别的格式：单户表应为“字段,值,单位,分项”，"
					"批量表的列名应为字段名称（如 部门代码、年度、收入合计），专项资金表应含 专项资金名称、部门代码、年度",
					h.s);
			dp_buf_free(&h);
		} else if (sc.rows == 0) {
			s->rejected = true;
			dp_findings_add(&s->fs, DP_E_SHAPE, path, 1, NULL, NULL, NULL, NULL,
					"文件只有表头，没有数据行，请检查导出是否完整");
		}
	}
	dp_header_free(&sc.hdr);
	dp_buf_free(&e);
}

/* Reads the header and first record of every sheet of a workbook (SPEC
 * §2.1): a sheet that fits no shape, is empty or is no table (a chart) is
 * skipped with a warning naming it; a workbook that cannot be read, or has
 * no sheet to read, is rejected whole. */
static void scan_book(const struct dp_dict *dict, const char *path, struct slot *s)
{
	struct dp_csvfile_result res = { 0 };
	struct dp_buf e = DP_BUF_INIT, why = DP_BUF_INIT;
	struct dp_book *b = dp_book_open_hashed(path, s->book, &res, &e);
	memcpy(s->sha256, res.sha256, sizeof s->sha256);
	s->bytes = res.raw_bytes;
	if (!b) {
		if (res.status == DP_CF_IOERR) {
			unreadable_finding(&s->fs, path, e.len ? e.s : "read error");
			s->sha256[0] = '\0'; /* (nothing to quarantine) */
		}
		else
			dp_book_finding(&s->fs, path, NULL, &res, e.s);
		s->rejected = true;
		dp_buf_free(&e);
		return;
	}
	size_t n = dp_book_sheets(b), read = 0;
	s->sheets = dp_xcalloc(n ? n : 1, sizeof *s->sheets);
	s->nsheets = n;
	struct dp_findings sheet_fs = { 0 };
	for (size_t i = 0; i < n && !s->rejected; i++) {
		struct sheet_slot *sh = &s->sheets[i];
		const char *name = dp_book_sheet_name(b, i);
		sh->name = dp_xstrdup(name);
		sh->status = "skipped";
		if (dp_book_sheet_skip(b, i)) {
			dp_findings_add(&sheet_fs, DP_W_SKIPPED, path, 0, NULL, NULL, NULL, NULL, "工作表“%s”：%s，未读取", name,
					dp_book_sheet_skip(b, i));
			dp_buf_addf(&why, "%s“%s”（%s）", why.len ? "、" : "", name, dp_book_sheet_skip(b, i));
			continue;
		}
		struct scan sc = { dict, false, { 0 }, 0 };
		dp_buf_reset(&e);
		dp_book_read(b, i, on_record, &sc, &res, &e);
		if (res.status != DP_CF_OK && res.status != DP_CF_STOPPED) {
			/* a damaged sheet, or one past a bound: the workbook is rejected */
			dp_book_finding(&s->fs, path, name, &res, e.s);
			s->rejected = true;
		} else if (!sc.header_seen) {
			dp_findings_add(&sheet_fs, DP_W_SKIPPED, path, 0, NULL, NULL, NULL, NULL, "工作表“%s”是空的，未读取", name);
			dp_buf_addf(&why, "%s“%s”（空）", why.len ? "、" : "", name);
		} else if (sc.hdr.shape == DP_SHAPE_NONE) {
			struct dp_buf h = DP_BUF_INIT;
			header_list(&h, &sc.hdr);
			dp_findings_add(&sheet_fs, DP_W_SKIPPED, path, 1, NULL, NULL, NULL, h.s,
					"工作表“%s”的表头“%s”不是可识别的格式，未读取（单户表应为“字段,值,单位,分项”，"
					"批量表的列名应为字段名称）；如是填报数据，请改正表头后重新提交", name, h.s);
			dp_buf_addf(&why, "%s“%s”（表头“%s”不可识别）", why.len ? "、" : "", name, h.s);
			dp_buf_free(&h);
		} else if (sc.rows == 0) {
			sh->status = "rejected";
			sh->shape = sc.hdr.shape;
			dp_findings_add(&sheet_fs, DP_E_SHAPE, path, 1, NULL, NULL, NULL, NULL,
					"工作表“%s”只有表头，没有数据行，请检查是否填写完整", name);
			read++;
		} else {
			sh->status = "pending";
			sh->shape = sc.hdr.shape;
			read++;
		}
		dp_header_free(&sc.hdr);
	}
	if (!s->rejected && read == 0) {
		s->rejected = true;
		dp_findings_add(&s->fs, DP_E_SHAPE, path, 0, NULL, NULL, NULL, NULL,
				n ? "工作簿中没有可读取的数据表：%s，请检查是否选错了文件" :
				    "工作簿中没有工作表%s，请检查是否选错了文件", why.s ? why.s : "");
	}
	if (s->rejected) { /* one row for the workbook, its finding only */
		dp_findings_free(&sheet_fs);
	} else {
		dp_findings_move(&s->fs, &sheet_fs);
	}
	dp_book_close(b);
	dp_buf_free(&e);
	dp_buf_free(&why);
}

/* W-SKIPPED for a file whose name is not .csv, .csv.gz, .xlsx or .xls
 * (SPEC §2.1). */
static void skipped_finding(struct dp_findings *fs, const char *path)
{
	dp_findings_add(fs, DP_W_SKIPPED, path, 0, NULL, NULL, NULL, NULL,
			"不是 .csv、.csv.gz、.xlsx 或 .xls 文件，未读取；如是填报表，请另存为 .xlsx 或 CSV UTF-8 后重新提交");
}

int dp_ingest_run(const struct dp_stage_opts *o, struct dp_stage_report *rep, struct dp_buf *err)
{
	if (!dp_mkdirs(o->work, err))
		return DP_CANTCREATE;
	dp_work_begin(o->work, DP_ST_INGEST);
	struct dp_found_list found = { 0 };
	int rc = dp_discover(o->inputs, o->ninputs, &found, err);
	if (rc != DP_OK) {
		dp_found_list_free(&found);
		return rc;
	}
	size_t ncsv = 0, nbooks = 0;
	for (size_t i = 0; i < found.n; i++) {
		ncsv += found.v[i].csv && !found.v[i].skip;
		nbooks += !found.v[i].csv && !found.v[i].skip && !found.v[i].unreadable &&
			  dp_book_kind_of_path(found.v[i].path) != DP_BOOK_NONE;
	}
	if (ncsv + nbooks == 0) {
		dp_buf_addf(err, "no .csv, .csv.gz, .xlsx or .xls file under the %zu input path(s)", o->ninputs);
		dp_found_list_free(&found);
		return DP_NOINPUT;
	}
	struct dp_dict *dict = dp_dict_new(NULL);
	struct slot *slots = dp_xcalloc(found.n, sizeof *slots);
	if (o->threads > 0)
		omp_set_num_threads(o->threads);
	struct dp_progress prog;
	dp_progress_start(&prog, o->on_progress, "dp-ingest", "files", found.n);
#pragma omp parallel
	{
	struct dp_input_pool *pool = dp_input_pool_new();
	/* one file at a time: in chunks of 16 the two files of a bulk export
	 * (departments and funds) went to one thread, one after the other */
#pragma omp for schedule(dynamic, 1)
	for (size_t i = 0; i < found.n; i++) {
		const struct dp_found *f = &found.v[i];
		if (f->unreadable) {
			unreadable_finding(&slots[i].fs, f->path, f->unreadable);
			slots[i].rejected = true;
		} else if (f->skip) { /* never opened */
			dp_findings_add(&slots[i].fs, DP_W_SKIPPED, f->path, 0, NULL, NULL, NULL, NULL,
					"%s：不是可读取的文件，从未打开；如应是填报表，请放入普通文件", f->skip);
		} else if (f->csv) {
			scan_file(dict, f->path, pool, &slots[i]);
		} else if ((slots[i].book = dp_book_kind_of_path(f->path)) != DP_BOOK_NONE) {
			scan_book(dict, f->path, &slots[i]);
		} else {
			/* listed as skipped, with its hash, so nothing goes unseen */
			struct dp_buf e = DP_BUF_INIT;
			struct dp_input *in = dp_input_open(f->path, DP_ENC_UTF8, &e);
			if (!in || !dp_input_sha256(in, slots[i].sha256, &e)) {
				slots[i].sha256[0] = '\0';
				unreadable_finding(&slots[i].fs, f->path, e.len ? e.s : "read error");
				slots[i].rejected = true;
			} else {
				slots[i].bytes = dp_input_raw_bytes(in);
				skipped_finding(&slots[i].fs, f->path);
			}
			dp_input_close(in);
			dp_buf_free(&e);
		}
		dp_progress_add(&prog, 1);
	}
	dp_input_pool_free(pool);
	}
	dp_progress_end(&prog);
	struct dp_filetab tab = { 0 };
	struct dp_findings fs = { 0 };
	size_t rejected = 0, skipped = 0, nsheets = 0;
	rc = DP_OK;
	for (size_t i = 0; i < found.n; i++) {
		struct slot *s = &slots[i];
		if (s->book && !s->rejected) {
			/* a row per sheet */
			for (size_t k = 0; k < s->nsheets; k++) {
				struct dp_file_row *r = dp_filetab_add(&tab, found.v[i].path);
				dp_filetab_set_sheet(&tab, r, s->sheets[k].name);
				memcpy(r->sha256, s->sha256, sizeof r->sha256);
				r->bytes = s->bytes;
				dp_filetab_set(&r->encoding, dp_book_kind_name(s->book));
				dp_filetab_set(&r->shape, dp_shape_name(s->sheets[k].shape));
				dp_filetab_set(&r->status, s->sheets[k].status);
				skipped += strcmp(s->sheets[k].status, "skipped") == 0;
				rejected += strcmp(s->sheets[k].status, "rejected") == 0;
				free(s->sheets[k].name);
			}
			free(s->sheets);
			nsheets += s->nsheets;
			dp_findings_move(&fs, &s->fs);
			continue;
		}
		if (s->sheets) {
			for (size_t k = 0; k < s->nsheets; k++)
				free(s->sheets[k].name);
			free(s->sheets);
		}
		struct dp_file_row *r = dp_filetab_add(&tab, found.v[i].path);
		memcpy(r->sha256, s->sha256, sizeof r->sha256);
		r->bytes = s->bytes;
		if (s->rejected) {
			/* rows: dp-normalize's count (0 for a file rejected here) */
			dp_filetab_set(&r->status, "rejected");
			rejected++;
		} else if (!found.v[i].csv || found.v[i].skip) {
			dp_filetab_set(&r->status, "skipped");
			skipped++;
		}
		if (s->book && r->sha256[0])
			dp_filetab_set(&r->encoding, dp_book_kind_name(s->book));
		if (found.v[i].csv && !found.v[i].skip && r->sha256[0]) {
			dp_filetab_set(&r->encoding, dp_encoding_name(s->enc));
			dp_filetab_set(&r->shape, dp_shape_name(s->shape));
		}
		dp_findings_move(&fs, &s->fs);
	}
	if (rc == DP_OK) {
		char *p1 = dp_work_path(o->work, DP_WF_INPUTS), *p2 = dp_work_path(o->work, DP_WF_FINDINGS);
		if (!dp_filetab_write(&tab, p1, DP_WORK_LEVEL, NULL, err) || !dp_findings_write(&fs, p2, DP_WORK_LEVEL, NULL, err))
			rc = DP_CANTCREATE;
		free(p1);
		free(p2);
	}
	dp_buf_addf(&rep->line, "%zu files: %zu csv, %zu workbooks (%zu sheets), %zu rejected whole, %zu skipped "
				 "(not .csv/.csv.gz/.xlsx/.xls, not a regular file, or a sheet that is no table)",
		    found.n, ncsv, nbooks, nsheets, rejected, skipped);
	if (rc == DP_OK && fs.errors)
		rc = DP_FINDINGS;
	dp_findings_free(&fs);
	dp_filetab_free(&tab);
	free(slots);
	dp_dict_free(dict);
	dp_found_list_free(&found);
	return rc;
}
