/* Charts as inline SVG (svg.h). */
#include <stdbool.h>
#include <stdio.h>

#include "deptperf/svg.h"
#include "deptperf/html.h"

static void open_svg(struct dp_buf *b, const char *id, const char *title, int w, int h)
{
	dp_buf_adds(b, "<svg id=\"");
	dp_html_text(b, id);
	dp_buf_addf(b, "\" class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"", w, h,
		    w, h);
	dp_html_text(b, title);
	dp_buf_adds(b, "\"><title>");
	dp_html_text(b, title);
	dp_buf_adds(b, "</title>\n");
}

/* <text …>s</text> at x, y, anchored start, middle or end. */
static void text_at(struct dp_buf *b, double x, double y, const char *anchor, const char *s)
{
	dp_buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y, anchor);
	dp_html_text(b, s ? s : "");
	dp_buf_adds(b, "</text>");
}

static void rect(struct dp_buf *b, double x, double y, double w, double h, const char *fill)
{
	dp_buf_adds(b, "<rect x=\"");
	dp_buf_addf(b, "%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"", x, y, w, h);
	dp_html_text(b, fill);
	dp_buf_adds(b, "\"/>");
}

static double largest(const struct dp_svg_bar *v, size_t n, bool magnitude)
{
	double most = 0;
	for (size_t i = 0; i < n; i++) {
		double x = magnitude && v[i].value < 0 ? -v[i].value : v[i].value;
		if (x > most)
			most = x;
	}
	return most > 0 ? most : 1;
}

void dp_svg_columns(struct dp_buf *b, const char *id, const char *title, const struct dp_svg_bar *v, size_t n)
{
	const int left = 40, base = 220, top = 30, bar = 70, gap = 40;
	int w = left + (int)n * (bar + gap), h = 260;
	double most = largest(v, n, false);
	open_svg(b, id, title, w, h);
	dp_buf_addf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", left - 10, base, w - 10, base);
	for (size_t i = 0; i < n; i++) {
		double x = left + (double)i * (bar + gap), bh = v[i].value / most * (base - top - 20);
		rect(b, x, base - bh, bar, bh, v[i].fill);
		text_at(b, x + bar / 2.0, base - bh - 6, "middle", v[i].note);
		text_at(b, x + bar / 2.0, base + 22, "middle", v[i].label);
		dp_buf_addc(b, '\n');
	}
	dp_buf_adds(b, "</svg>\n");
}

void dp_svg_bars(struct dp_buf *b, const char *id, const char *title, const struct dp_svg_bar *v, size_t n)
{
	const int left = 170, width = 460, row = 24;
	int w = left + width + 90, h = (int)n * row + 16;
	double most = largest(v, n, false);
	open_svg(b, id, title, w, h);
	for (size_t i = 0; i < n; i++) {
		double y = 8 + (double)i * row, bw = v[i].value / most * width;
		if (bw < 1)
			bw = 1;
		text_at(b, left - 8, y + 15, "end", v[i].label);
		rect(b, left, y + 2, bw, row - 6, v[i].fill);
		text_at(b, left + bw + 6, y + 15, "start", v[i].note);
		dp_buf_addc(b, '\n');
	}
	dp_buf_adds(b, "</svg>\n");
}

void dp_svg_around_zero(struct dp_buf *b, const char *id, const char *title, const struct dp_svg_bar *v, size_t n)
{
	const int mid = 400, half = 220, row = 22;
	int w = mid + half + 80, h = (int)n * row + 20;
	double most = largest(v, n, true);
	open_svg(b, id, title, w, h);
	dp_buf_addf(b, "<line x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", mid, mid, h);
	for (size_t i = 0; i < n; i++) {
		double y = 6 + (double)i * row, bw = (v[i].value < 0 ? -v[i].value : v[i].value) / most * half;
		bool up = v[i].value >= 0;
		rect(b, up ? mid : mid - bw, y, bw, row - 6, v[i].fill);
		text_at(b, up ? mid - 6 : mid + 6, y + 13, up ? "end" : "start", v[i].label);
		dp_buf_addc(b, '\n');
	}
	dp_buf_adds(b, "</svg>\n");
}

void dp_svg_boxes(struct dp_buf *b, const char *id, const char *title, const struct dp_svg_box *v, size_t n,
		  double from, double to, double step)
{
	const int left = 190, width = 520, row = 26, head = 10;
	int w = left + width + 30, h = head + (int)n * row + 30;
	if (to <= from)
		to = from + 1;
	if (step <= 0)
		step = to - from;
	open_svg(b, id, title, w, h);
#define X(v) (left + ((v) - from) / (to - from) * width)
	for (double t = from; t <= to + step / 1000; t += step) {
		char tick[32];
		snprintf(tick, sizeof tick, "%g", t);
		dp_buf_addf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e3e3e3\"/>", X(t), head, X(t),
			    h - 24);
		text_at(b, X(t), h - 8, "middle", tick);
		dp_buf_addc(b, '\n');
	}
	for (size_t i = 0; i < n; i++) {
		double y = head + (double)i * row + row / 2.0;
		text_at(b, left - 8, y + 4, "end", v[i].label);
		dp_buf_addf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\"/>", X(v[i].min), y,
			    X(v[i].max), y);
		dp_buf_addf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" fill=\"#cfe0f5\" stroke=\"#3b6fb6\"/>",
			    X(v[i].q1), y - 8, X(v[i].q3) - X(v[i].q1));
		dp_buf_addf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#b03a2e\" stroke-width=\"2\"/>",
			    X(v[i].med), y - 8, X(v[i].med), y + 8);
		dp_buf_addf(b, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"transparent\"><title>", left,
			    y - row / 2.0, width, row);
		dp_html_text(b, v[i].tip ? v[i].tip : "");
		dp_buf_adds(b, "</title></rect>\n");
	}
#undef X
	dp_buf_adds(b, "</svg>\n");
}
