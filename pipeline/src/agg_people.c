/* dp-aggregate: what report.html and the feedback packs share — reading a
 * published table back row by row with its columns found by name, writing
 * a page and recording it for the manifest, and the page's look. */
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "agg.h"
#include "deptperf/csvfile.h"
#include "deptperf/csvread.h"
#include "deptperf/html.h"
#include "deptperf/text.h"
#include "deptperf/value.h"

bool agg_read_table(struct agg *a, const char *dir, const char *name, bool optional, agg_row_fn fn, void *ctx)
{
	char *path = dp_path_join(dir, name);
	struct dp_buf e = DP_BUF_INIT;
	struct dp_rows *rows = dp_rows_open(path, &e);
	free(path);
	if (!rows) {
		bool ok = optional;
		if (!ok)
			agg_fail(a, &e);
		dp_buf_free(&e);
		return ok;
	}
	const struct dp_record *rec = dp_rows_next(rows, &e);
	struct agg_cols cols = { 0 };
	if (rec) {
		cols.n = rec->n < AGG_MAX_COLS ? rec->n : AGG_MAX_COLS;
		for (size_t c = 0; c < cols.n; c++)
			cols.name[c] = dp_xstrdup(rec->f[c]);
		while ((rec = dp_rows_next(rows, &e)) && fn(ctx, &cols, rec))
			;
	}
	bool ok = !dp_rows_failed(rows);
	if (!ok)
		agg_fail(a, &e);
	dp_rows_close(rows);
	for (size_t c = 0; c < cols.n; c++)
		free(cols.name[c]);
	dp_buf_free(&e);
	return ok;
}

uint64_t agg_published_rows(const struct agg *a, const char *name)
{
	for (size_t i = 0; i < a->npubs; i++)
		if (strcmp(a->pubs[i].name, name) == 0)
			return a->pubs[i].info.rows;
	return 0;
}

int agg_col(const struct agg_cols *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->name[i], name) == 0)
			return (int)i;
	return -1;
}

const char *agg_cell(const struct agg_cols *c, const struct dp_record *rec, const char *name)
{
	int i = agg_col(c, name);
	return i >= 0 && (size_t)i < rec->n ? rec->f[i] : "";
}

bool agg_cell_dec(const struct agg_cols *c, const struct dp_record *rec, const char *name, dp_dec *v)
{
	return dp_value_dec(agg_cell(c, rec, name), v);
}

bool agg_write_page(struct agg *a, const char *name, const struct dp_buf *page, uint64_t rows,
		    struct dp_table_info *info)
{
	char *path = dp_path_join(a->o->out, name);
	struct dp_buf e = DP_BUF_INIT;
	bool ok = dp_write_file(path, page->s, page->len, false, &e);
	free(path);
	if (!ok) {
		agg_fail(a, &e);
		dp_buf_free(&e);
		return false;
	}
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	sha256_update(&ctx, page->len, (const uint8_t *)page->s);
	memset(info, 0, sizeof *info);
	dp_sha256_hex(&ctx, info->sha256);
	info->rows = rows;
	info->bytes = page->len;
	return true;
}

/* One look for every page: readable on a laptop and on paper, tables that
 * scroll on their own, charts that scale to the width. */
const char agg_page_style[] =
	"body{font-family:\"Microsoft YaHei\",\"PingFang SC\",\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",sans-serif;"
	"margin:0 auto;max-width:1100px;padding:0 16px 48px;color:#222;line-height:1.5}"
	"h1{font-size:24px;margin:24px 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:2px solid #3b6fb6;"
	"padding-bottom:4px}h3{font-size:16px;margin:20px 0 6px}"
	"nav a{margin-right:12px}p.note{color:#666;font-size:13px}"
	"table{border-collapse:collapse;font-size:13px;margin:6px 0}"
	"th,td{border:1px solid #ccc;padding:3px 7px;vertical-align:top}th{background:#ddebf7;text-align:left}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.nw{white-space:nowrap}tr.gap td{background:#f4f4f4;text-align:center}"
	".scroll{max-height:520px;overflow:auto}"
	".cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #ccc;border-radius:6px;padding:8px 14px;"
	"min-width:120px}.card b{display:block;font-size:22px}"
	".bad{color:#b03a2e}.warn{color:#9a6700}.good{color:#1e7b34}"
	"svg{max-width:100%;height:auto;font-size:12px}svg text{fill:#222}"
	"input[type=search]{font-size:14px;padding:4px 8px;width:320px}"
	"@media print{.scroll{max-height:none;overflow:visible}nav,input{display:none}}";

/* Tells the test (and anyone who opens the console) that the page's
 * script ran to its end; a page error is kept on <body> for the same. */
#define AGG_SCRIPT_HEAD                                                                                            \
	"(function(){'use strict';"                                                                                 \
	"window.addEventListener('error',function(e){document.body.setAttribute('data-error',String(e.message));});"
#define AGG_SCRIPT_TAIL "document.body.setAttribute('data-ready','1');})();"

/* The ranking's search box: a row stays shown when its text holds what
 * was typed, case folded.  A link to report.html#q=<text> opens the page
 * searched for that text (and the browser test searches so). */
const char agg_page_script[] =
	AGG_SCRIPT_HEAD
	"var q=document.getElementById('search');"
	"function find(){var v=q.value.trim().toLowerCase();"
	"var rows=document.querySelectorAll('table.searchable tbody tr');var shown=0;"
	"for(var i=0;i<rows.length;i++){var hit=v===''||rows[i].textContent.toLowerCase().indexOf(v)>=0;"
	"rows[i].hidden=!hit;if(hit)shown++;}"
	"var c=document.getElementById('search-count');if(c)c.textContent=v===''?'':'找到 '+shown+' 行';}"
	"if(q){q.addEventListener('input',find);"
	"if(location.hash.indexOf('#q=')===0){q.value=decodeURIComponent(location.hash.slice(3));find();}}" AGG_SCRIPT_TAIL;

void agg_td_num(struct dp_buf *b, const char *published)
{
	dp_buf_adds(b, "<td class=\"n\">");
	dp_html_text(b, dp_text_unguard(published));
	dp_buf_adds(b, "</td>");
}

void agg_td_text(struct dp_buf *b, const char *published)
{
	dp_buf_adds(b, "<td>");
	dp_html_input(b, published);
	dp_buf_adds(b, "</td>");
}

void agg_page_link(struct dp_buf *b, const char *dir, const char *code, const char *suffix)
{
	struct dp_buf name = DP_BUF_INIT;
	dp_html_page_name(dp_text_unguard(code), suffix, &name);
	dp_buf_addf(b, "<a href=\"%s", dir);
	dp_html_text(b, name.s);
	dp_buf_adds(b, "\">");
	dp_html_input(b, code);
	dp_buf_adds(b, "</a>");
	dp_buf_free(&name);
}

void agg_tr(const struct agg *a, struct dp_buf *b, const struct agg_cols *c, const struct dp_record *rec,
	    const char *const *cols)
{
	dp_buf_adds(b, "<tr>");
	for (; *cols; cols++) {
		if (**cols == '#') {
			agg_td_num(b, agg_cell(c, rec, *cols + 1));
		} else if (**cols == '@' && a->npages) {
			/* a department code, linked to its pack in feedback/ */
			dp_buf_adds(b, "<td>");
			agg_page_link(b, "feedback/", agg_cell(c, rec, *cols + 1), "");
			dp_buf_adds(b, "</td>");
		} else {
			agg_td_text(b, agg_cell(c, rec, *cols + (**cols == '@')));
		}
	}
	dp_buf_adds(b, "</tr>\n");
}

void agg_th_row(struct dp_buf *b, const char *const *heads)
{
	dp_buf_adds(b, "<thead><tr>");
	for (; *heads; heads++)
		dp_buf_addf(b, "<th>%s</th>", *heads);
	dp_buf_adds(b, "</tr></thead>\n<tbody>\n");
}

void agg_dec_text(struct dp_buf *b, dp_dec v)
{
	dp_dec_format(b, v, 2, 2);
}

double agg_dec_double(dp_dec v)
{
	return (double)v / (double)DP_DEC_ONE; /* a position on a chart, never a value shown */
}
