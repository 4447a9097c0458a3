#include <criterion/criterion.h>
#include <string.h>

#include "deptperf/text.h"

static const struct {
	const char *s;
	bool ok;
	size_t bad;
} utf8_cases[] = {
	{ "plain ascii", true, 0 },
	{ "部门代码", true, 0 },
	{ "\xF0\x9F\x98\x80", true, 0 },
	{ "ab\x80", false, 2 },
	{ "a\xC0\xAF", false, 1 },          /* overlong */
	{ "\xED\xA0\x80", false, 0 },       /* surrogate */
	{ "\xF4\x90\x80\x80", false, 0 },   /* above U+10FFFF */
	{ "xyz\xE9\x83", false, 3 },        /* cut short at the end */
	{ "\xB2\xBF\xC3\xC5", false, 0 },   /* GB18030 部门 */
};

Test(text, utf8_validation)
{
	for (size_t i = 0; i < sizeof utf8_cases / sizeof utf8_cases[0]; i++) {
		size_t bad = 99;
		bool ok = dp_utf8_valid(utf8_cases[i].s, strlen(utf8_cases[i].s), &bad);
		cr_expect_eq(ok, utf8_cases[i].ok, "case %zu", i);
		if (!ok)
			cr_expect_eq(bad, utf8_cases[i].bad, "case %zu: offset %zu", i, bad);
	}
}

Test(text, utf8_validation_streams_across_chunks)
{
	const char *s = "收入合计，万元";
	size_t n = strlen(s);
	for (size_t cut = 1; cut < n; cut++) {
		struct dp_utf8v v = { 0 };
		uint64_t bad;
		cr_expect(dp_utf8v_feed(&v, (const unsigned char *)s, cut, &bad));
		cr_expect(dp_utf8v_feed(&v, (const unsigned char *)s + cut, n - cut, &bad));
		cr_expect(dp_utf8v_end(&v, &bad), "cut at %zu", cut);
	}
}

/* ASCII is skipped eight bytes at a time: a bad byte, or a good sequence,
 * at every offset of a long ASCII run, and chunks cut at every place. */
Test(text, utf8_validation_in_and_after_long_ascii_runs)
{
	char s[64];
	for (size_t at = 0; at + 3 < sizeof s; at++) {
		memset(s, 'a', sizeof s);
		memcpy(s + at, "\xE6\x94\xB6", 3); /* 收 */
		size_t bad = 99;
		cr_expect(dp_utf8_valid(s, sizeof s, &bad), "good at %zu", at);
		s[at] = (char)0xFF;
		cr_expect_not(dp_utf8_valid(s, sizeof s, &bad));
		cr_expect_eq(bad, at, "0xFF at %zu, reported at %zu", at, bad);
		s[at] = (char)0xE6;
		s[at + 2] = 'a'; /* a sequence cut short */
		cr_expect_not(dp_utf8_valid(s, sizeof s, &bad));
		cr_expect_eq(bad, at, "short sequence at %zu, reported at %zu", at, bad);
		for (size_t cut = 1; cut < sizeof s; cut += 5) {
			struct dp_utf8v v = { 0 };
			uint64_t b64 = 0;
			bool ok = dp_utf8v_feed(&v, (const unsigned char *)s, cut, &b64) &&
				  dp_utf8v_feed(&v, (const unsigned char *)s + cut, sizeof s - cut, &b64);
			cr_expect_not(ok, "cut at %zu", cut);
			cr_expect_eq(b64, at, "cut at %zu: reported at %llu", cut, (unsigned long long)b64);
		}
	}
}

/* Fields appended with their NUL, then bytes one by one, across growth. */
Test(text, buffer_fields_and_bytes)
{
	struct dp_buf b = DP_BUF_INIT;
	for (int i = 0; i < 100; i++) {
		dp_buf_addz(&b, "abc", (size_t)(i % 4));
		dp_buf_addc(&b, 'x');
	}
	dp_buf_addz(&b, NULL, 0);
	size_t want = 0;
	for (int i = 0; i < 100; i++)
		want += (size_t)(i % 4) + 2;
	cr_assert_eq(b.len, want + 1);
	cr_expect_eq(b.s[b.len], '\0');
	cr_expect_eq(b.s[b.len - 1], '\0');
	cr_expect_eq(memcmp(b.s, "\0xa\0xab\0xabc\0x\0x", 16), 0);
	dp_buf_free(&b);
}

static const struct {
	const char *in;
	bool fold;
	const char *out;
} norm_cases[] = {
	{ "  收入合计 ", false, "收入合计" },
	{ "\xE3\x80\x80收入合计\xE3\x80\x80", false, "收入合计" },
	{ "１２３．４５", true, "123.45" },
	{ "１２３．４５", false, "１２３．４５" },
	{ "支出合计（万元）", true, "支出合计(万元)" },
	{ "\t38.12％ ", true, "38.12%" },
	{ "Ａｂｃ～", true, "Abc~" },
	{ "", true, "" },
	{ "   ", true, "" },
	/* inside the text an ideographic space folds to a space; the other
	 * characters starting E3 or EF stay as they are */
	{ "甲\xE3\x80\x80乙", true, "甲 乙" },
	{ "甲\xE3\x80\x80乙", false, "甲\xE3\x80\x80乙" },
	{ "、。「」", true, "、。「」" },
	{ "\xEF\xBF\xBD" "１", true, "\xEF\xBF\xBD" "1" },
	{ "ｚ｛｜｝～\xEF\xBD\x9F", true, "z{|}~\xEF\xBD\x9F" },
	{ "ab\xEF", true, "ab\xEF" },
};

Test(text, normalization)
{
	for (size_t i = 0; i < sizeof norm_cases / sizeof norm_cases[0]; i++) {
		struct dp_buf b = DP_BUF_INIT;
		dp_text_norm(&b, norm_cases[i].in, strlen(norm_cases[i].in), norm_cases[i].fold);
		cr_expect_str_eq(dp_buf_str(&b), norm_cases[i].out, "case %zu", i);
		/* appended after what the buffer holds */
		dp_buf_reset(&b);
		dp_buf_adds(&b, "前缀,");
		dp_text_norm(&b, norm_cases[i].in, strlen(norm_cases[i].in), norm_cases[i].fold);
		cr_expect(strncmp(dp_buf_str(&b), "前缀,", strlen("前缀,")) == 0 &&
				  strcmp(dp_buf_str(&b) + strlen("前缀,"), norm_cases[i].out) == 0 &&
				  b.len == strlen("前缀,") + strlen(norm_cases[i].out),
			  "case %zu after a prefix: %s", i, dp_buf_str(&b));
		dp_buf_free(&b);
	}
}

Test(text, edit_distance_counts_code_points)
{
	cr_expect_eq(dp_edit_distance("收入合计", "收入合计", 2), 0);
	cr_expect_eq(dp_edit_distance("收入合记", "收入合计", 2), 1);
	cr_expect_eq(dp_edit_distance("收入总计额", "收入合计", 2), 2);
	cr_expect_eq(dp_edit_distance("完全不同的字段", "收入合计", 2), 3);
	cr_expect_eq(dp_edit_distance("", "ab", 5), 2);
}

Test(text, guard_and_codes)
{
	cr_expect(dp_text_needs_guard("=1+1", 4));
	cr_expect(dp_text_needs_guard("-5", 2));
	cr_expect(dp_text_needs_guard("@x", 2));
	cr_expect(dp_text_needs_guard("\tx", 2));
	cr_expect(dp_text_needs_guard("+1", 2));
	cr_expect(dp_text_needs_guard("\r", 1));
	cr_expect(!dp_text_needs_guard("\0=", 2), "a NUL first is not a formula");
	cr_expect(!dp_text_needs_guard("a=b", 3));
	cr_expect(!dp_text_needs_guard("广东", 6));
	/* after leading spaces, and the full-width forms (SPEC §6) */
	cr_expect(dp_text_needs_guard("  =1+1", 6));
	cr_expect(dp_text_needs_guard("\xe3\x80\x80=1", 5), "after U+3000");
	cr_expect(dp_text_needs_guard("＝1+1", 6));
	cr_expect(dp_text_needs_guard(" ＋1", 4));
	cr_expect(dp_text_needs_guard("－1", 4));
	cr_expect(dp_text_needs_guard("＠x", 4));
	cr_expect(!dp_text_needs_guard("   ", 3));
	cr_expect(!dp_text_needs_guard(" a=", 3));
	cr_expect(!dp_text_needs_guard("（1）", 9), "a full-width parenthesis is text");
	cr_expect(!dp_text_needs_guard("\xef\xbc", 2), "a cut ＝ is not one");
	cr_expect(!dp_text_needs_guard("\xe3\x80", 2));
	cr_expect_str_eq(dp_text_unguard("'＝1"), "＝1");
	cr_expect_str_eq(dp_text_unguard("' =1"), " =1");
	cr_expect_str_eq(dp_text_unguard("'a"), "'a");
	cr_expect(!dp_text_needs_guard("", 0));
	cr_expect_str_eq(dp_text_unguard("'=1"), "=1");
	cr_expect_str_eq(dp_text_unguard("'abc"), "'abc");
	cr_expect(dp_text_is_code("440000015", 9));
	cr_expect(dp_text_is_code("A_b-9", 5));
	cr_expect(!dp_text_is_code("44/01", 5));
	cr_expect(!dp_text_is_code("../../x", 7));
	cr_expect(!dp_text_is_code("", 0));
	cr_expect(!dp_text_is_code("123456789012345678901234567890123", 33));
}

Test(text, escape_is_valid_utf8_and_reversible)
{
	static const char *const names[] = { "plain.csv", "广东省.csv", "bad\xff\xfe.csv", "back\\slash.csv",
					     "\\x41 literally", "cut\xe4\xb8", "\xc0\xaf overlong", "\xed\xa0\x80 surrogate",
					     "" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		struct dp_buf e = DP_BUF_INIT, back = DP_BUF_INIT;
		dp_text_escape(&e, names[i], true);
		cr_expect(dp_utf8_valid(dp_buf_str(&e), e.len, NULL), "%zu: escaped is not UTF-8", i);
		dp_text_unescape(&back, dp_buf_str(&e));
		cr_expect_str_eq(dp_buf_str(&back), names[i], "%zu: not reversed", i);
		dp_buf_free(&e);
		dp_buf_free(&back);
	}
	struct dp_buf e = DP_BUF_INIT;
	dp_text_escape(&e, "a\xff\\b", true);
	cr_expect_str_eq(dp_buf_str(&e), "a\\xFF\\\\b");
	dp_buf_reset(&e);
	/* for messages: only the invalid bytes, and valid text unchanged */
	dp_text_escape(&e, "文件 a\\b\xfe", false);
	cr_expect_str_eq(dp_buf_str(&e), "文件 a\\b\\xFE");
	dp_buf_reset(&e);
	dp_text_escape(&e, "文件 a\\b\\xFE", false);
	cr_expect_str_eq(dp_buf_str(&e), "文件 a\\b\\xFE", "idempotent on valid text");
	dp_buf_free(&e);
}
