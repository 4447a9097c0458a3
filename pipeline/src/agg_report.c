/* dp-aggregate: report.xlsx (SPEC §6, issue #25 item 1), the run for
 * people: one sheet per published table a finance office reads, with the
 * Chinese headers of headers.c, numbers as numbers (two decimals, money in
 * 万元 with up to four), the header row frozen, an autofilter, and every
 * text from the input stored as text (a cell written as a string is never a
 * formula, so the CSVs' leading ' is taken off).  Then 说明: what each sheet
 * is, the run's parameters and counts.
 *
 * Written with libxlsxwriter in constant-memory mode from the published
 * tables read back row by row: memory does not grow with the run.  A
 * table longer than a sheet (1 048 575 rows under the header) goes on over
 * further sheets, up to MAX_SHEETS; past that (scores at more than about
 * 100 000 departments) its CSV is the place, and 说明 says so.  A run
 * of more than DP_REPORT_MAX_DEPARTMENTS departments (without --report)
 * gets the per-department sheets' first LARGE_RUN_ROWS rows.  The file's
 * dates are fixed and 说明 leaves out the run's id and time, so the same
 * inputs give the same bytes (the manifest records the run). */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "agg.h"
#include "deptperf/csvfile.h"
#include "deptperf/headers.h"
#include "deptperf/text.h"
#include "deptperf/value.h"

#define SHEET_ROWS 1048575u /* data rows under the header */
#define MAX_SHEETS 2        /* per table */

struct sheet_spec {
	const char *table, *name, *meaning;
	bool optional;        /* written only when the run published the table */
	uint64_t max_rows;    /* more: left out, 说明 says where they are (0: no bound but the sheets') */
	uint64_t first_rows;  /* more: only the first ones, 说明 says so (0: no bound) */
	bool per_department;  /* a row (or more) per department: cut to LARGE_RUN_ROWS in a large run */
};

/* A run that ranks more than DP_REPORT_MAX_DEPARTMENTS departments, without
 * --report, gets a workbook whose per-department sheets hold their first
 * rows only (the ranking's best, the first findings …): at about a
 * microsecond a cell, whole sheets would cost seconds at 100 000
 * departments (docs/decisions.md). */
#define LARGE_RUN_ROWS 5000

/* 得分明细 has a row per department and indicator: past this (about 5 000
 * departments) the workbook would take longer to write than the rest of
 * the run, and nobody reads a million score rows in Excel. */
#define SCORES_MAX_ROWS 100000
/* The other per-department tables past the ranking (findings,
 * discrepancies, cost comparisons, yoy, rank stability) show their first
 * rows up to this; the CSV has them all.  Writing a sheet costs about a
 * microsecond a cell. */
#define DETAIL_ROWS 20000

static const struct sheet_spec sheets[] = {
	{ "rankings.csv.gz", "排名", "每个已受理填报的复核总分、等级、排名（并列同名次），自评总分与差额，主管部门内和领域内排名，百分位，以及各汇总指标得分", false, 0, 0, true },
	{ "scores.csv.gz", "得分明细", "每个部门每个指标的满分、复核得分、自评得分、差额、复核扣分、是否适用", false,
	  SCORES_MAX_ROWS, 0, true },
	{ "findings.csv.gz", "问题清单", "每个问题的级别、代码、文件、行号、部门、字段、填报值和处理说明（代码含义见 docs/findings.md）", false, 0, DETAIL_ROWS, true },
	{ "missing.csv.gz", "缺报", "名册中有、但没有已受理填报的部门", true, 0, 0, true },
	{ "summary_grades.csv.gz", "等级分布", "全省及各领域的优、良、中、差个数和占比", false, 0, 0, false },
	{ "summary_indicators.csv.gz", "指标统计", "每个指标的部门数、平均分、中位数、第10/90百分位、最低分、最高分、满分占比", false, 0, 0, false },
	{ "summary_sectors.csv.gz", "领域汇总", "每个所属领域的部门数、平均与中位总分、最高与最低分部门、收支与专项资金合计及支出率", false, 0, 0, false },
	{ "comparisons.csv.gz", "成本比较", "运行成本各项指标及其领域中位数、全省百分位", false, 0, DETAIL_ROWS, true },
	{ "discrepancies.csv.gz", "自评差异", "自评得分与复核得分相差 0.01 分及以上的指标，差额大的在前", false, 0, DETAIL_ROWS, true },
	{ "yoy.csv.gz", "同比", "与上次运行（--prev）相比的总分、排名、等级变化", true, 0, DETAIL_ROWS, true },
	{ "scenario_summary.csv.gz", "情景分析", "每个情景（--scenarios）下等级改变的部门数、排名变化和与基准排名的一致性", true, 0, 0, false },
	{ "rank_stability.csv.gz", "排名稳定性", "每个部门在基准和各情景下的最好、最差排名、可能等级和距等级分界的分差", true, 0, DETAIL_ROWS, true },
};
#define NSHEETS (sizeof sheets / sizeof sheets[0])

struct report {
	struct agg *a;
	lxw_workbook *wb;
	lxw_format *head, *text, *dec2, *money, *whole;
	struct dp_dict *dict;
	uint64_t rows;                 /* data rows written, for the manifest */
	struct dp_buf notes;           /* what 说明 adds: tables left out */
	uint64_t cap;                  /* a large run's rows per per-department sheet, or 0 */
};

static void put_cell(struct report *r, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, enum dp_col_kind k,
		     const char *s)
{
	dp_dec v;
	if (!*s)
		return;
	if (k != DP_COL_TEXT && dp_value_dec(s, &v)) {
		/* for display only: the table's value is the exact one */
		lxw_format *f = k == DP_COL_WHOLE ? r->whole : k == DP_COL_MONEY ? r->money : r->dec2;
		worksheet_write_number(ws, row, col, (double)v / (double)DP_DEC_ONE, f);
		return;
	}
	worksheet_write_string(ws, row, col, dp_text_unguard(s), r->text);
}

static lxw_worksheet *new_sheet(struct report *r, const struct sheet_spec *sp, int part, const char *const *hdr,
				const enum dp_col_kind *kinds, size_t ncols)
{
	char name[64];
	if (part)
		snprintf(name, sizeof name, "%s%d", sp->name, part + 1);
	else
		snprintf(name, sizeof name, "%s", sp->name);
	lxw_worksheet *ws = workbook_add_worksheet(r->wb, name);
	if (!ws)
		return NULL;
	struct dp_buf zh = DP_BUF_INIT;
	for (size_t c = 0; c < ncols; c++) {
		double width = kinds[c] == DP_COL_TEXT ? 16 : 11;
		if (strcmp(hdr[c], "message") == 0 || strcmp(hdr[c], "file") == 0)
			width = 48;
		else if (strcmp(hdr[c], "dept_name") == 0 || strcmp(hdr[c], "label") == 0)
			width = 30;
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width, NULL);
		dp_header_zh(sp->table, hdr[c], r->dict, r->a->rules, &zh);
		worksheet_write_string(ws, 0, (lxw_col_t)c, zh.s, r->head);
	}
	dp_buf_free(&zh);
	worksheet_freeze_panes(ws, 1, 0);
	return ws;
}

/* One table as one or more sheets; false (err) when it cannot be read. */
static bool table_sheets(struct report *r, const struct sheet_spec *sp, struct dp_buf *err)
{
	char *path = dp_path_join(r->a->o->out, sp->table);
	struct stat st;
	if (stat(path, &st) != 0) {
		free(path);
		if (!sp->optional)
			dp_buf_addf(&r->notes, "%s：本次运行没有 %s。\n", sp->name, sp->table);
		return true;
	}
	struct dp_rows *rows = dp_rows_open(path, err);
	free(path);
	if (!rows)
		return false;
	const struct dp_record *rec = dp_rows_next(rows, err);
	if (!rec) {
		bool read = !dp_rows_failed(rows);
		dp_rows_close(rows);
		return read;
	}
	size_t ncols = rec->n;
	char **hdr = dp_xcalloc(ncols + 1, sizeof *hdr);
	enum dp_col_kind *kinds = dp_xcalloc(ncols + 1, sizeof *kinds);
	for (size_t c = 0; c < ncols; c++) {
		hdr[c] = dp_xstrdup(rec->f[c]);
		kinds[c] = dp_header_kind(sp->table, hdr[c], r->dict, r->a->rules);
	}
	if (sp->max_rows) {
		/* its rows counted in the manifest already: a table over the bound is left out whole */
		uint64_t rows_in = 0;
		for (size_t i = 0; i < r->a->npubs; i++)
			if (strcmp(r->a->pubs[i].name, sp->table) == 0)
				rows_in = r->a->pubs[i].info.rows;
		if (rows_in > sp->max_rows) {
			dp_buf_addf(&r->notes, "%s：共 %llu 行，超过本工作簿收录的 %llu 行，未收入；全部见 %s。\n", sp->name,
				    (unsigned long long)rows_in, (unsigned long long)sp->max_rows, sp->table);
			for (size_t c = 0; c < ncols; c++)
				free(hdr[c]);
			free(hdr);
			free(kinds);
			dp_rows_close(rows);
			return true;
		}
	}
	uint64_t first = sp->first_rows;
	if (r->cap && sp->per_department && (!first || first > r->cap))
		first = r->cap;
	int part = 0;
	lxw_worksheet *ws = new_sheet(r, sp, part, (const char *const *)hdr, kinds, ncols);
	uint64_t in_sheet = 0, total = 0;
	bool ok = ws != NULL, cut = false;
	while (ok && (rec = dp_rows_next(rows, err))) {
		if (first && total == first) {
			dp_buf_addf(&r->notes, "%s：只收前 %llu 行（排序同 %s）；全部见 %s。\n", sp->name,
				    (unsigned long long)total, sp->table, sp->table);
			break;
		}
		if (in_sheet == SHEET_ROWS) {
			worksheet_autofilter(ws, 0, 0, (lxw_row_t)in_sheet, (lxw_col_t)(ncols - 1));
			if (++part == MAX_SHEETS) {
				cut = true;
				break;
			}
			ws = new_sheet(r, sp, part, (const char *const *)hdr, kinds, ncols);
			ok = ws != NULL;
			in_sheet = 0;
		}
		in_sheet++;
		total++;
		for (size_t c = 0; c < rec->n && c < ncols; c++)
			put_cell(r, ws, (lxw_row_t)in_sheet, (lxw_col_t)c, kinds[c], rec->f[c]);
	}
	if (ok && !cut && ws)
		worksheet_autofilter(ws, 0, 0, (lxw_row_t)in_sheet, (lxw_col_t)(ncols - 1));
	if (cut)
		dp_buf_addf(&r->notes, "%s：超过 %d 张工作表的行数，只收前 %llu 行；全部见 %s。\n", sp->name, MAX_SHEETS,
			    (unsigned long long)total, sp->table);
	ok = ok && !dp_rows_failed(rows);
	dp_rows_close(rows);
	r->rows += total;
	for (size_t c = 0; c < ncols; c++)
		free(hdr[c]);
	free(hdr);
	free(kinds);
	return ok;
}

/* The Chinese name of a run parameter or count (params.csv.gz,
 * counts.csv.gz), or the code. */
static const char *param_name(const char *code)
{
	static const char *const names[][2] = {
		{ "inputs", "输入" }, { "rule_set", "评分规则文件" }, { "roster", "名册" }, { "adjust", "复核扣分文件" },
		{ "prev", "上次运行（同比）" }, { "set", "规则修改（--set）" }, { "scenarios", "情景文件" },
		{ "csv_bom", "CSV 带 BOM" }, { "headers", "表头" }, { "files", "文件数" },
		{ "files_rejected", "整份退回的文件" }, { "files_skipped", "跳过的文件" },
		{ "submissions_read", "读入的填报" }, { "submissions_accepted", "受理" },
		{ "submissions_rejected", "退回" }, { "submissions_superseded", "被后来的填报替代" },
		{ "funds_read", "读入的专项资金" }, { "funds_accepted", "受理的专项资金" },
		{ "funds_rejected", "退回的专项资金" }, { "funds_orphan", "找不到对应填报的专项资金" },
		{ "funds_with_their_submission", "随所属填报一并处理的专项资金" },
		{ "departments_missing", "缺报部门" },
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(code, names[i][0]) == 0)
			return names[i][1];
	return code;
}

/* 说明: the sheets, then the run's parameters and counts (work tables). */
static void notes_sheet(struct report *r)
{
	lxw_worksheet *ws = workbook_add_worksheet(r->wb, "说明");
	if (!ws)
		return;
	worksheet_set_column(ws, 0, 0, 22, NULL);
	worksheet_set_column(ws, 1, 1, 100, NULL);
	lxw_row_t row = 0;
	worksheet_write_string(ws, row, 0, "工作表", r->head);
	worksheet_write_string(ws, row++, 1, "内容", r->head);
	for (size_t i = 0; i < NSHEETS; i++) {
		worksheet_write_string(ws, row, 0, sheets[i].name, r->text);
		worksheet_write_string(ws, row++, 1, sheets[i].meaning, r->text);
	}
	worksheet_write_string(ws, row, 0, "说明", r->text);
	worksheet_write_string(ws, row++, 1,
			       "本工作簿由 deptperf 生成；各表与同一运行目录中的 CSV 表（.csv.gz）内容相同，分数保留两位小数，金额单位万元。",
			       r->text);
	if (r->notes.len) {
		const char *s = r->notes.s, *nl;
		while ((nl = strchr(s, '\n'))) {
			char *line = dp_xmemdup(s, (size_t)(nl - s));
			worksheet_write_string(ws, row, 0, "注意", r->head);
			worksheet_write_string(ws, row++, 1, line, r->text);
			free(line);
			s = nl + 1;
		}
	}
	row++;
	const struct dp_memtab *kv[] = { &r->a->params, &r->a->counts };
	static const char *const title[] = { "运行参数", "数量（读入 = 受理 + 退回 + 被替代）" };
	for (int t = 0; t < 2; t++) {
		worksheet_write_string(ws, row++, 0, title[t], r->head);
		for (size_t i = 0; kv[t]->ncols >= 2 && i < kv[t]->nrows; i++) {
			const char *k = dp_memtab_raw(kv[t], i, 0), *v = dp_memtab_raw(kv[t], i, 1);
			/* when and how fast it ran change nothing in the tables: left
			 * out, so that the same inputs give the same workbook */
			if (t == 0 && (strcmp(k, "run_id") == 0 || strcmp(k, "published_utc") == 0 ||
				       strcmp(k, "threads") == 0))
				continue;
			worksheet_write_string(ws, row, 0, param_name(k), r->text);
			put_cell(r, ws, row++, 1, t == 1 ? DP_COL_WHOLE : DP_COL_TEXT, v);
		}
		row++;
	}
	worksheet_write_string(ws, row++, 0, "评分规则（指标与参数）", r->head);
	static const char *const method[] = { "下级得分之和", "自评分", "比例", "扣减", "限额" };
	for (size_t i = 0; i < dp_rules_count(r->a->rules); i++) {
		const struct dp_indicator *ind = dp_rules_get(r->a->rules, i);
		struct dp_buf b = DP_BUF_INIT;
		dp_buf_addf(&b, "满分 ");
		dp_dec_format(&b, ind->max, 0, 8);
		dp_buf_addf(&b, "；%s", method[ind->method]);
		if (ind->input)
			dp_buf_addf(&b, "，输入 %s", ind->input);
		if (ind->method == DP_M_RATIO || (ind->method == DP_M_THRESHOLD && !ind->param_field)) {
			dp_buf_adds(&b, "，参数 ");
			dp_dec_format(&b, ind->param, 0, 8);
		} else if (ind->param_field) {
			dp_buf_addf(&b, "，参数 %s", ind->param_field);
		} else if (ind->method == DP_M_DEDUCT) {
			dp_buf_adds(&b, "，目标 ");
			dp_dec_format(&b, ind->target, 0, 8);
			dp_buf_adds(&b, "，每差 1 扣 ");
			dp_dec_format(&b, ind->per, 0, 8);
		}
		struct dp_buf name = DP_BUF_INIT;
		dp_buf_addf(&name, "%s（%s）", ind->label, ind->code);
		worksheet_write_string(ws, row, 0, name.s, r->text);
		worksheet_write_string(ws, row++, 1, b.s, r->text);
		dp_buf_free(&name);
		dp_buf_free(&b);
	}
	for (size_t g = 0; g < dp_rules_grade_count(r->a->rules); g++) {
		const struct dp_grade *gr = dp_rules_grade(r->a->rules, g);
		struct dp_buf b = DP_BUF_INIT;
		dp_buf_adds(&b, "总分 ≥ ");
		dp_dec_format(&b, gr->min, 0, 8);
		worksheet_write_string(ws, row, 0, gr->label, r->text);
		worksheet_write_string(ws, row++, 1, b.s, r->text);
		dp_buf_free(&b);
	}
}

bool agg_report_xlsx(struct agg *a)
{
	char *path = dp_path_join(a->o->out, "report.xlsx");
	/* libxlsxwriter prints its own errors on stderr (compiled in): while it
	 * works, stderr is /dev/null, and a failure is told as this stage's one
	 * line (lxw_strerror), like every other */
	fflush(stderr);
	int saved = dup(2), devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved >= 0 && devnull >= 0)
		dup2(devnull, 2);
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = (char *)a->o->work, .use_zip64 = LXW_TRUE };
	struct report r = { a, workbook_new_opt(path, &opt), NULL, NULL, NULL, NULL, NULL, NULL, 0, DP_BUF_INIT, 0 };
	if (a->tot.nrows > DP_REPORT_MAX_DEPARTMENTS && !a->o->report) {
		r.cap = LARGE_RUN_ROWS;
		a->report_cut = true;
		dp_buf_addf(&r.notes, "本次排名部门超过 %d 个：每个部门一行的工作表只收前 %d 行；加 --report 可收全部。\n",
			    DP_REPORT_MAX_DEPARTMENTS, LARGE_RUN_ROWS);
	}
	struct dp_buf e = DP_BUF_INIT;
	bool ok = r.wb != NULL;
	if (!ok)
		dp_buf_addf(&e, "%s: cannot create the workbook", path);
	if (ok) {
		/* fixed dates: the same run, the same bytes */
		lxw_doc_properties props = { .title = "部门整体支出绩效自评 汇总", .author = "deptperf",
					     .created = 946684800 };
		workbook_set_properties(r.wb, &props);
		r.head = workbook_add_format(r.wb);
		format_set_bold(r.head);
		format_set_bg_color(r.head, 0xDDEBF7);
		format_set_text_wrap(r.head);
		r.text = workbook_add_format(r.wb);
		format_set_num_format(r.text, "@");
		r.dec2 = workbook_add_format(r.wb);
		format_set_num_format(r.dec2, "0.00");
		r.money = workbook_add_format(r.wb);
		format_set_num_format(r.money, "0.00##");
		r.whole = workbook_add_format(r.wb);
		format_set_num_format(r.whole, "0");
		r.dict = dp_dict_new(a->rules);
		for (size_t i = 0; ok && i < NSHEETS; i++)
			ok = table_sheets(&r, &sheets[i], &e);
		if (ok)
			notes_sheet(&r);
		errno = 0;
		lxw_error x = workbook_close(r.wb);
		int why = errno; /* the system's reason, where libxlsxwriter has only its own */
		if (ok && x != LXW_NO_ERROR) {
			dp_buf_addf(&e, "%s: %s", path, lxw_strerror(x));
			if (why)
				dp_buf_addf(&e, " (%s)", strerror(why));
			ok = false;
		}
		dp_dict_free(r.dict);
	}
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	if (devnull >= 0)
		close(devnull);
	if (ok) {
		struct dp_table_info *info = agg_pub_slot(a, "report.xlsx");
		struct stat st;
		info->rows = r.rows;
		info->bytes = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
		if (!dp_sha256_file(path, info->sha256)) {
			dp_buf_addf(&e, "%s: cannot be read back", path);
			ok = false;
		}
	} else {
		unlink(path);
	}
	if (!ok)
		agg_fail(a, &e);
	dp_buf_free(&e);
	dp_buf_free(&r.notes);
	free(path);
	return ok;
}
