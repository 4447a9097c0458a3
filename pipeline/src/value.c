/* One input value made canonical by its field's kind and unit (value.h). */
#include "deptperf/value.h"

#include <string.h>

#include "deptperf/date.h"
#include "deptperf/text.h"

static const char *dec_err_text(enum dp_dec_err e)
{
	switch (e) {
	case DP_DEC_PRECISION: return "小数位数过多（最多 8 位，元换算为万元后）";
	case DP_DEC_OVERFLOW: return "数值过大";
	default: return "不是有效的数字（可写 1234.56、1,234.56、(12.50) 或 1.2E+07）";
	}
}

static const char *unit_kind_text(enum dp_unit_kind k)
{
	switch (k) {
	case DP_UK_MONEY: return "金额（元、千元、万元、亿元）";
	case DP_UK_PERCENT: return "百分比（%）";
	case DP_UK_SCORE: return "分";
	case DP_UK_COUNT: return "数量（个、人、次、项）";
	case DP_UK_AREA: return "面积（平方米）";
	case DP_UK_UNITCOST: return "元/平方米";
	default: return "无单位";
	}
}

struct dp_unit_hint dp_unit_hint_fixed(const char *text)
{
	struct dp_unit_hint h = { text, text ? strlen(text) : 0, true, true, false, DP_UK_NONE, 0 };
	if (text)
		h.known = dp_unit_lookup(text, h.len, &h.kind, &h.shift);
	return h;
}

/* dp_unit_lookup of the hint's normalized text hs[0..hn), or what it
 * found when the hint was made. */
static bool hint_lookup(const struct dp_unit_hint *h, const char *hs, size_t hn, enum dp_unit_kind *kind, int *shift)
{
	if (!h->looked_up)
		return dp_unit_lookup(hs, hn, kind, shift);
	*kind = h->kind;
	*shift = h->shift;
	return h->known;
}

/* Resolves the unit of a numeric value: inline, hinted, or the default. */
static enum dp_code resolve_unit(const struct dp_field *f, const char *inl, size_t inl_n,
				const struct dp_unit_hint *hint, int *shift, struct dp_buf *why)
{
	/* the hint's normalized text hs[0..hn): as it came, or normalized here */
	struct dp_buf norm = DP_BUF_INIT;
	const char *hs = hint ? hint->text : NULL;
	size_t hn = hs ? hint->len : 0;
	if (hs && !hint->normalized) {
		dp_text_norm(&norm, hint->text, hint->len, true);
		hs = norm.s;
		hn = norm.len;
	}
	const char *u = NULL;
	size_t un = 0;
	if (inl_n && hn) {
		/* both given: they must name the same unit */
		enum dp_unit_kind k1, k2;
		int s1, s2;
		if (!dp_unit_lookup(inl, inl_n, &k1, &s1) || !hint_lookup(hint, hs, hn, &k2, &s2) || k1 != k2 ||
		    s1 != s2) {
			dp_buf_addf(why, "数值自带单位“%.*s”与单位栏“%.*s”不一致，请只保留一个", (int)inl_n, inl,
				    (int)hn, hs);
			dp_buf_free(&norm);
			return DP_E_UNIT;
		}
	}
	if (inl_n) {
		u = inl;
		un = inl_n;
	} else if (hn) {
		u = hs;
		un = hn;
	}
	*shift = 0;
	if (u) {
		enum dp_unit_kind k;
		if (!(u == hs ? hint_lookup(hint, hs, hn, &k, shift) : dp_unit_lookup(u, un, &k, shift))) {
			dp_buf_addf(why, "未知单位“%.*s”，%s应使用%s", (int)un, u, f->label, unit_kind_text(f->unit));
			dp_buf_free(&norm);
			return DP_E_UNIT;
		}
		if (k != f->unit) {
			dp_buf_addf(why, "单位“%.*s”不适用于%s，应使用%s", (int)un, u, f->label, unit_kind_text(f->unit));
			dp_buf_free(&norm);
			return DP_E_UNIT;
		}
	}
	dp_buf_free(&norm);
	return DP_NO_CODE;
}

/* Whether s[0..n) is already what dp_dec_format writes for its value: an
 * integer (format 0, 0) or a number with 2 to 8 decimals, no trailing zero
 * past the second (format 2, 8); no sign but a minus, no leading zero, no
 * "-0", at most 10 integer digits (well inside dp_dec).  Most values of a
 * bulk export are written so, and parsing and formatting them again was a
 * tenth of dp-normalize's instructions; the unit test compares both ways. */
static bool canonical(const char *s, size_t n, bool integer)
{
	size_t i = n && s[0] == '-', d0 = i;
	bool nonzero = false;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		nonzero |= s[i] != '0';
	size_t nd = i - d0;
	if (nd < 1 || nd > 10 || (nd > 1 && s[d0] == '0'))
		return false;
	if (integer)
		return i == n && (nonzero || d0 == 0);
	if (i >= n || s[i] != '.')
		return false;
	size_t f0 = ++i;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		nonzero |= s[i] != '0';
	size_t nf = i - f0;
	return i == n && nf >= 2 && nf <= 8 && (nf == 2 || s[n - 1] != '0') && (nonzero || d0 == 0);
}

enum dp_code dp_value_norm(const struct dp_field *f, const char *raw, size_t n, const struct dp_unit_hint *hint,
			  struct dp_buf *out, struct dp_buf *why)
{
	dp_buf_reset(out);
	if (n > DP_MAX_FIELD_BYTES) {
		dp_buf_addf(why, "%s 的内容长 %zu 字节，超过上限 4096 字节", f->label, n);
		return DP_E_TOO_LONG;
	}
	/* most numbers of a bulk export are written as they will be kept, with
	 * no unit but the header's: then normalizing the text (a copy), finding
	 * the number's end (all of it) and scanning it again give it back as it
	 * is, which these lines do in one pass (a fifth of dp-normalize's time
	 * went on values; the unit tests compare both ways) */
	if ((f->kind == DP_FK_INT || f->kind == DP_FK_NUMBER) && canonical(raw, n, f->kind == DP_FK_INT)) {
		int shift = 0;
		if (hint && hint->text) {
			if (hint->looked_up && hint->known && hint->kind == f->unit) {
				shift = hint->shift; /* the header's unit, of the field's kind */
			} else {
				enum dp_code code = resolve_unit(f, raw + n, 0, hint, &shift, why);
				if (code)
					return code;
			}
		}
		if (shift == 0) {
			dp_buf_add(out, raw, n);
			return DP_NO_CODE;
		}
	}
	/* the normalized text goes to out first; a value that needs converting
	 * is read from it, then out is rewritten with the canonical form */
	bool fold = f->kind != DP_FK_TEXT && f->kind != DP_FK_GRADE;
	dp_text_norm(out, raw, n, fold);
	if (!out->len || f->kind == DP_FK_TEXT || f->kind == DP_FK_GRADE)
		return DP_NO_CODE;
	char *v = out->s;
	size_t vn = out->len;
	switch (f->kind) {
	case DP_FK_CODE:
		if (!dp_text_is_code(v, vn)) {
			dp_buf_addf(why, "%s“%s”不合规：只能是 1–32 位字母、数字、下划线或连字符", f->label, v);
			return DP_E_CODE;
		}
		return DP_NO_CODE;
	case DP_FK_USCC:
		for (size_t i = 0; i < vn; i++)
			if (v[i] >= 'a' && v[i] <= 'z')
				v[i] = (char)(v[i] - 'a' + 'A');
		return DP_NO_CODE;
	case DP_FK_DATE: {
		char iso[11];
		if (!dp_date_parse(v, vn, iso)) {
			dp_buf_addf(why, "%s“%s”不是有效日期（可写 2022年6月6日、2022-06-06、2022/6/6、20220606）",
				    f->label, v);
			return DP_E_DATE;
		}
		dp_buf_reset(out);
		dp_buf_adds(out, iso);
		return DP_NO_CODE;
	}
	case DP_FK_YEAR: {
		size_t len = vn;
		if (len > 3 && memcmp(v + len - 3, "年", 3) == 0)
			len -= 3;
		dp_dec d;
		if (dp_dec_parse(v, len, &d) != DP_DEC_OK || d % DP_DEC_ONE) {
			dp_buf_addf(why, "%s“%s”应为四位年份，如 2021", f->label, v);
			return DP_E_NUMBER;
		}
		dp_buf_reset(out);
		dp_dec_format(out, d, 0, 0);
		return DP_NO_CODE;
	}
	default:
		break;
	}
	/* DP_FK_INT, DP_FK_NUMBER */
	size_t num_n;
	dp_unit_split(v, vn, &num_n);
	const char *inl = v + num_n;
	size_t inl_n = vn - num_n;
	while (inl_n && *inl == ' ') {
		inl++;
		inl_n--;
	}
	int shift = 0;
	if (!num_n && v[0] == '=') {
		/* a workbook's formula saved without its value (book.h) */
		dp_buf_addf(why, "%s“%s”是没有保存计算结果的公式：请在 Excel 中重新计算（F9）并保存后重新提交", f->label, v);
		return DP_E_NUMBER;
	}
	if (!num_n) {
		dp_buf_addf(why, "%s“%s”%s", f->label, v, dec_err_text(DP_DEC_SYNTAX));
		return DP_E_NUMBER;
	}
	enum dp_unit_kind uk;
	int us;
	if (inl_n && strpbrk(inl, "0123456789") && !dp_unit_lookup(inl, inl_n, &uk, &us)) {
		/* "3998.O3": a mistyped number, not a unit */
		dp_buf_addf(why, "%s“%s”%s", f->label, v, dec_err_text(DP_DEC_SYNTAX));
		return DP_E_NUMBER;
	}
	enum dp_code code = resolve_unit(f, inl, inl_n, hint, &shift, why);
	if (code)
		return code;
	if (shift == 0 && canonical(v, num_n, f->kind == DP_FK_INT)) {
		out->len = num_n; /* v is out's text: the number, without its unit */
		out->s[num_n] = '\0';
		return DP_NO_CODE;
	}
	dp_dec d;
	enum dp_dec_err e = dp_dec_parse(v, num_n, &d);
	if (e == DP_DEC_OK)
		e = dp_dec_shift(d, shift, &d);
	if (e != DP_DEC_OK) {
		dp_buf_addf(why, "%s“%s”%s", f->label, v, dec_err_text(e));
		return DP_E_NUMBER;
	}
	if (f->kind == DP_FK_INT && d % DP_DEC_ONE) {
		dp_buf_addf(why, "%s“%s”应为整数", f->label, v);
		return DP_E_NUMBER;
	}
	dp_buf_reset(out);
	if (f->kind == DP_FK_INT)
		dp_dec_format(out, d, 0, 0);
	else
		dp_dec_format(out, d, 2, 8);
	return DP_NO_CODE;
}

bool dp_value_dec(const char *s, dp_dec *out)
{
	return *s && dp_dec_parse(s, strlen(s), out) == DP_DEC_OK;
}
