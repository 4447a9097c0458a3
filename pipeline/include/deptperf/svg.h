/* Charts as inline SVG for report.html (SPEC §6): bars, horizontal bars,
 * bars around zero and box plots, written as text into a dp_buf.  Pure: no
 * I/O, no state; every label goes through dp_html_text (html.h), so input
 * text is shown, never markup.  Values are doubles because they only place
 * marks: a number shown is the caller's text (`note`, `tip`), formatted
 * from the exact decimal.
 *
 * Each chart is <svg id="ID" class="chart" role="img" aria-label="TITLE">
 * with a <title>, scaled by its viewBox to the page's width. */
#ifndef DEPTPERF_SVG_H
#define DEPTPERF_SVG_H

#include <stddef.h>

#include "deptperf/buf.h"

struct dp_svg_bar {
	const char *label;  /* under a column; left of a bar; beside a bar around zero */
	const char *note;   /* over a column; right of a bar (the value as text) */
	double value;       /* ≥ 0, but for dp_svg_around_zero */
	const char *fill;   /* a CSS colour the program chose ("#3b6fb6") */
};

/* Vertical bars, the tallest the chart's height. */
void dp_svg_columns(struct dp_buf *b, const char *id, const char *title, const struct dp_svg_bar *v, size_t n);
/* Horizontal bars, one a row, the longest the chart's width. */
void dp_svg_bars(struct dp_buf *b, const char *id, const char *title, const struct dp_svg_bar *v, size_t n);
/* Horizontal bars from a middle line: a positive value to the right, its
 * label left of the line; a negative one to the left, labelled right. */
void dp_svg_around_zero(struct dp_buf *b, const char *id, const char *title, const struct dp_svg_bar *v, size_t n);

struct dp_svg_box {
	const char *label;
	double min, q1, med, q3, max;
	const char *tip;    /* shown on hover: the five numbers as text */
};

/* A box plot a row: whiskers from min to max, a box from q1 to q3, the
 * median a red mark; an axis from `from` to `to` with a line every `step`. */
void dp_svg_boxes(struct dp_buf *b, const char *id, const char *title, const struct dp_svg_box *v, size_t n,
		  double from, double to, double step);

#endif
