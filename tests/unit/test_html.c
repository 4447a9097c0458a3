/* HTML text and the page frame (html.h): any input text renders as itself —
 * markup characters, a closing </script>, quotes in an attribute, bytes
 * that are not UTF-8, control characters — and the page's policy allows
 * exactly its own style and script by their hashes. */
#include <criterion/criterion.h>
#include <string.h>

#include "deptperf/html.h"

static char *text(const char *s)
{
	struct dp_buf b = DP_BUF_INIT;
	dp_html_text(&b, s);
	return b.s ? dp_buf_detach(&b) : dp_xstrdup("");
}

Test(html, escapes_markup)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "广东省教育厅", "广东省教育厅" },
		{ "A&B <b>", "A&amp;B &lt;b&gt;" },
		{ "</script><script>alert(1)</script>", "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "\" onload=\"x", "&quot; onload=&quot;x" },
		{ "it's", "it&#39;s" },
		{ "&amp;", "&amp;amp;" },                          /* an entity shows as typed */
		{ "a\tb\nc", "a\tb\nc" },
		{ "a\rb\x01" "c\x7f", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD" }, /* controls: U+FFFD */
		{ "\xF0\xA0\x80\x80\xF0\x9F\x98\x80", "\xF0\xA0\x80\x80\xF0\x9F\x98\x80" }, /* 4-byte characters kept */
		{ "\xE2\x80\xAE" "abc", "\xE2\x80\xAE" "abc" },    /* U+202E kept (callers isolate it in <bdi>) */
		{ "a\xFF" "b", "a\xEF\xBF\xBD" "b" },              /* not UTF-8 */
		{ "\xE5\xB9", "\xEF\xBF\xBD\xEF\xBF\xBD" },        /* a sequence cut short */
		{ "\xC0\xBC", "\xEF\xBF\xBD\xEF\xBF\xBD" },        /* an overlong '<' is no '<' */
		{ "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" }, /* a surrogate */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = text(cases[i].in);
		cr_expect_str_eq(got, cases[i].out, "case %zu", i);
		free(got);
	}
}

Test(html, input_text_unguarded_and_isolated)
{
	struct dp_buf b = DP_BUF_INIT;
	dp_html_input(&b, "'=HYPERLINK(\"x\")"); /* as a published CSV cell holds it */
	cr_expect_str_eq(b.s, "<bdi>=HYPERLINK(&quot;x&quot;)</bdi>");
	dp_buf_free(&b);
}

Test(html, policy_hashes)
{
	struct dp_buf b = DP_BUF_INIT;
	dp_html_csp_hash(&b, "");
	/* SHA-256 of nothing, as every CSP reference gives it */
	cr_expect_str_eq(b.s, "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
	dp_buf_reset(&b);
	dp_html_begin(&b, "<t>", "p{}", "x();");
	dp_html_end(&b, "x();");
	struct dp_buf h = DP_BUF_INIT;
	dp_html_csp_hash(&h, "p{}");
	cr_expect(strstr(b.s, h.s), "the style's hash is not in the policy");
	dp_buf_reset(&h);
	dp_html_csp_hash(&h, "x();");
	cr_expect(strstr(b.s, h.s), "the script's hash is not in the policy");
	cr_expect(strstr(b.s, "default-src 'none'"));
	cr_expect(strstr(b.s, "<title>&lt;t&gt;</title>"));
	cr_expect(strstr(b.s, "<style>p{}</style>") && strstr(b.s, "<script>x();</script>"));
	cr_expect(strstr(b.s, "<meta charset=\"utf-8\">"));
	dp_buf_free(&b);
	dp_buf_free(&h);
}

Test(html, page_names)
{
	static const struct {
		const char *code, *suffix, *name;
	} cases[] = {
		{ "440000015", "", "440000015.html" },
		{ "F01", ".units", "F01.units.html" },
		/* sha256sum of the code's bytes, its first 16 hex digits */
		{ "../x", "", "x-d6b96a97d147daaa.html" },
		{ "", "", "x-e3b0c44298fc1c14.html" },
		{ "a/b", ".units", "x-c14cddc033f64b9d.units.html" },
		{ "con", "", "x-1143da2bc54c495c.html" },
		{ "COM1", "", "x-6eac394becc8817c.html" },
		{ "COM10", "", "COM10.html" },           /* no device */
		{ "CONSOLE", "", "CONSOLE.html" },
		{ "Index", "", "x-39c3be1198a2fddf.html" },    /* the folder's index.html */
		{ "index", ".units", "x-1bc04b5291c26a46.units.html" },
		{ "012345678901234567890123456789012", "", "x-fb17f8f400d53d50.html" }, /* 33 characters */
	};
	struct dp_buf b = DP_BUF_INIT;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		dp_html_page_name(cases[i].code, cases[i].suffix, &b);
		cr_expect_str_eq(b.s, cases[i].name, "case %zu (%s)", i, cases[i].code);
	}
	dp_buf_free(&b);
}
