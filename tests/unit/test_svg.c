/* Charts as SVG (svg.h): labels are text whatever they hold, the largest
 * value spans the chart, a box plot's marks sit where its numbers say, a
 * negative bar goes left. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "deptperf/svg.h"

/* The n-th (from 0) value of attribute attr="…" in s, as a number. */
static double attr(const char *s, const char *attr_name, int n)
{
	char key[32];
	snprintf(key, sizeof key, " %s=\"", attr_name);
	const char *p = s;
	for (int i = 0; i <= n; i++) {
		p = strstr(p, key);
		cr_assert(p, "no %d-th %s in %s", n, attr_name, s);
		p += strlen(key);
	}
	return atof(p);
}

Test(svg, labels_are_text)
{
	struct dp_buf b = DP_BUF_INIT;
	struct dp_svg_bar v[] = { { "</text><script>x()</script>", "1 & 2", 1, "#123456" } };
	dp_svg_bars(&b, "id\"><script>", "a < b", v, 1);
	cr_expect(!strstr(b.s, "<script>"), "%s", b.s);
	cr_expect(strstr(b.s, "&lt;/text&gt;&lt;script&gt;x()&lt;/script&gt;</text>"));
	cr_expect(strstr(b.s, ">1 &amp; 2</text>"));
	cr_expect(strstr(b.s, "<svg id=\"id&quot;&gt;&lt;script&gt;\""));
	cr_expect(strstr(b.s, "<title>a &lt; b</title>"));
	dp_buf_free(&b);
}

Test(svg, bars_scale_to_the_largest)
{
	struct dp_buf b = DP_BUF_INIT;
	struct dp_svg_bar v[] = { { "a", "10", 10, "#111" }, { "b", "40", 40, "#222" }, { "c", "0", 0, "#333" } };
	dp_svg_bars(&b, "x", "t", v, 3);
	/* rect widths: 460 × 10/40, 460, and at least 1 for a zero */
	cr_expect_float_eq(attr(b.s, "width", 1), 115.0, 0.05);
	cr_expect_float_eq(attr(b.s, "width", 2), 460.0, 0.05);
	cr_expect_float_eq(attr(b.s, "width", 3), 1.0, 0.05);
	dp_buf_reset(&b);
	dp_svg_columns(&b, "x", "t", v, 3);
	/* heights (after the svg's own): the tallest 170 (220 − 30 − 20), the others in proportion */
	cr_expect_float_eq(attr(b.s, "height", 1), 42.5, 0.05);
	cr_expect_float_eq(attr(b.s, "height", 2), 170.0, 0.05);
	cr_expect_float_eq(attr(b.s, "height", 3), 0.0, 0.05);
	dp_buf_free(&b);
}

Test(svg, around_zero)
{
	struct dp_buf b = DP_BUF_INIT;
	struct dp_svg_bar v[] = { { "up", NULL, 2, "#1" }, { "down", NULL, -4, "#2" } };
	dp_svg_around_zero(&b, "x", "t", v, 2);
	/* the rise starts at the middle line (400), 110 long; the fall ends there, 220 long */
	cr_expect_float_eq(attr(b.s, "x", 0), 400.0, 0.05);
	cr_expect_float_eq(attr(b.s, "width", 1), 110.0, 0.05);
	cr_expect_float_eq(attr(b.s, "x", 2), 180.0, 0.05);
	cr_expect_float_eq(attr(b.s, "width", 2), 220.0, 0.05);
	cr_expect(strstr(b.s, "text-anchor=\"end\">up</text>") && strstr(b.s, "text-anchor=\"start\">down</text>"));
	dp_buf_free(&b);
}

Test(svg, box_marks)
{
	struct dp_buf b = DP_BUF_INIT;
	struct dp_svg_box v[] = { { "教育（3）", 80, 85, 90, 95, 100, "最低 80.00" } };
	dp_svg_boxes(&b, "x", "t", v, 1, 80, 100, 10);
	/* the axis 80–100 over 520 from 190: ticks at 190, 450, 710 */
	cr_expect(strstr(b.s, ">80</text>") && strstr(b.s, ">90</text>") && strstr(b.s, ">100</text>"));
	const char *box = strstr(b.s, "fill=\"#cfe0f5\"");
	cr_assert(box);
	cr_expect(strstr(b.s, "<rect x=\"320.0\" y=\"15.0\" width=\"260.0\""), "the box is not q1 to q3: %s", b.s);
	cr_expect(strstr(b.s, "<line x1=\"190.0\" y1=\"23.0\" x2=\"710.0\""), "the whiskers are not min to max");
	cr_expect(strstr(b.s, "<line x1=\"450.0\" y1=\"15.0\" x2=\"450.0\""), "the median is not at 90");
	cr_expect(strstr(b.s, "<title>最低 80.00</title>"));
	dp_buf_free(&b);
}
