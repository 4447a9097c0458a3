/* UTF-8 text: validation, normalization, the formula guard, reversible
 * escaping, edit distance (text.h). */
#include "deptperf/text.h"

#include <string.h>

bool dp_utf8v_feed(struct dp_utf8v *v, const unsigned char *p, size_t n, uint64_t *bad)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		if (v->need) {
			if (c < v->lo || c > v->hi) {
				*bad = v->seq_start;
				return false;
			}
			v->lo = 0x80;
			v->hi = 0xBF;
			v->need--;
			i++;
			continue;
		}
		if (c < 0x80) {
			/* the common case: skip a run of ASCII, eight bytes at a time */
			i++;
			while (i + 8 <= n) {
				uint64_t w;
				memcpy(&w, p + i, 8);
				if (w & 0x8080808080808080u)
					break;
				i += 8;
			}
			while (i < n && p[i] < 0x80)
				i++;
			continue;
		}
		v->seq_start = v->offset + i;
		v->lo = 0x80;
		v->hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			v->need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			v->need = 2;
			if (c == 0xE0)
				v->lo = 0xA0;
			else if (c == 0xED)
				v->hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			v->need = 3;
			if (c == 0xF0)
				v->lo = 0x90;
			else if (c == 0xF4)
				v->hi = 0x8F;
		} else {
			*bad = v->seq_start;
			return false;
		}
		i++;
	}
	v->offset += n;
	return true;
}

bool dp_utf8v_end(const struct dp_utf8v *v, uint64_t *bad)
{
	if (v->need) {
		*bad = v->seq_start;
		return false;
	}
	return true;
}

bool dp_utf8_valid(const char *s, size_t n, size_t *bad)
{
	struct dp_utf8v v = { 0 };
	uint64_t off = 0;
	bool ok = dp_utf8v_feed(&v, (const unsigned char *)s, n, &off) && dp_utf8v_end(&v, &off);
	if (!ok && bad)
		*bad = (size_t)off;
	return ok;
}

/* The length of the valid UTF-8 sequence at s[0..n), or 0. */
static size_t valid_seq(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
	return len && len <= n && (len == 1 || dp_utf8_valid(s, len, NULL)) ? len : 0;
}

void dp_text_escape(struct dp_buf *out, const char *s, bool backslash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t k = valid_seq(s + i, n - i);
		if (!k) {
			unsigned char c = (unsigned char)s[i++];
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
			dp_buf_add(out, e, 4);
			continue;
		}
		if (backslash && s[i] == '\\')
			dp_buf_addc(out, '\\');
		dp_buf_add(out, s + i, k);
		i += k;
	}
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

void dp_text_unescape(struct dp_buf *out, const char *s)
{
	for (size_t i = 0; s[i];) {
		if (s[i] == '\\' && s[i + 1] == '\\') {
			dp_buf_addc(out, '\\');
			i += 2;
		} else if (s[i] == '\\' && s[i + 1] == 'x' && hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0) {
			dp_buf_addc(out, (char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3])));
			i += 4;
		} else {
			dp_buf_addc(out, s[i++]);
		}
	}
}

uint32_t dp_utf8_next(const char **pp, const char *end)
{
	const unsigned char *p = (const unsigned char *)*pp;
	uint32_t c = *p++;
	int more = 0;
	if (c >= 0xF0) {
		c &= 0x07;
		more = 3;
	} else if (c >= 0xE0) {
		c &= 0x0F;
		more = 2;
	} else if (c >= 0xC0) {
		c &= 0x1F;
		more = 1;
	}
	while (more-- && (const char *)p < end)
		c = (c << 6) | (*p++ & 0x3F);
	*pp = (const char *)p;
	return c;
}

void dp_utf8_put(struct dp_buf *b, uint32_t cp)
{
	char t[4];
	size_t n;
	if (cp < 0x80) {
		t[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		t[0] = (char)(0xC0 | (cp >> 6));
		t[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		t[0] = (char)(0xE0 | (cp >> 12));
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		t[0] = (char)(0xF0 | (cp >> 18));
		t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	dp_buf_add(b, t, n);
}

static bool is_ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* U+3000 is E3 80 80 in UTF-8. */
static bool is_ideo_space(const char *p, const char *end)
{
	return end - p >= 3 && (unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 &&
	       (unsigned char)p[2] == 0x80;
}

void dp_text_norm(struct dp_buf *out, const char *s, size_t n, bool fold)
{
	const char *p = s, *end = s + n;
	for (;;) {
		if (p < end && is_ascii_space((unsigned char)*p))
			p++;
		else if (is_ideo_space(p, end))
			p += 3;
		else
			break;
	}
	for (;;) {
		if (end > p && is_ascii_space((unsigned char)end[-1]))
			end--;
		else if (end - p >= 3 && is_ideo_space(end - 3, end))
			end -= 3;
		else
			break;
	}
	if (!fold) {
		dp_buf_add(out, p, (size_t)(end - p));
		return;
	}
	/* folding only shortens (three bytes to one), so the grown buffer holds
	 * the result: bytes are stored directly, runs of those that start no
	 * folded character copied at once */
	dp_buf_grow(out, (size_t)(end - p));
	char *w = out->s + out->len;
	while (p < end) {
		const char *q = p;
		while (q < end && (unsigned char)*q != 0xEF && (unsigned char)*q != 0xE3)
			q++;
		if (q > p) {
			memcpy(w, p, (size_t)(q - p));
			w += q - p;
			p = q;
			continue;
		}
		unsigned char c = (unsigned char)*p;
		/* U+FF01–U+FF5E: EF BC 81–EF BC BF and EF BD 80–EF BD 9E */
		if (c == 0xEF && end - p >= 3) {
			unsigned char c1 = (unsigned char)p[1], c2 = (unsigned char)p[2];
			if (c1 == 0xBC && c2 >= 0x81 && c2 <= 0xBF) {
				*w++ = (char)(c2 - 0x81 + 0x21);
				p += 3;
				continue;
			}
			if (c1 == 0xBD && c2 >= 0x80 && c2 <= 0x9E) {
				*w++ = (char)(c2 - 0x80 + 0x60);
				p += 3;
				continue;
			}
		}
		if (is_ideo_space(p, end)) {
			*w++ = ' ';
			p += 3;
			continue;
		}
		*w++ = (char)c;
		p++;
	}
	out->len = (size_t)(w - out->s);
	out->s[out->len] = '\0';
}

size_t dp_edit_distance(const char *a, const char *b, size_t limit)
{
	uint32_t ca[64], cb[64];
	size_t na = 0, nb = 0;
	const char *p = a, *ea = a + strlen(a);
	while (p < ea) {
		if (na == 64)
			return limit + 1;
		ca[na++] = dp_utf8_next(&p, ea);
	}
	const char *q = b, *eb = b + strlen(b);
	while (q < eb) {
		if (nb == 64)
			return limit + 1;
		cb[nb++] = dp_utf8_next(&q, eb);
	}
	if ((na > nb ? na - nb : nb - na) > limit)
		return limit + 1;
	size_t row[65];
	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0], best = i;
		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j];
			size_t v = diag + (ca[i - 1] != cb[j - 1]);
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > limit)
			return limit + 1;
	}
	return row[nb] > limit ? limit + 1 : row[nb];
}

bool dp_text_needs_guard(const char *s, size_t n)
{
	/* (a switch, not strchr: called twice for every text cell written;
	 * most cells end at their first byte) */
	for (size_t i = 0; i < n;) {
		const unsigned char *u = (const unsigned char *)s + i;
		switch (u[0]) {
		case '=': case '+': case '-': case '@': case '\t': case '\r':
			return true;
		case ' ':
			i++;
			continue;
		case 0xE3: /* U+3000, the ideographic space, is passed over too */
			if (i + 2 < n && u[1] == 0x80 && u[2] == 0x80) {
				i += 3;
				continue;
			}
			return false;
		case 0xEF: /* the full-width ＝ ＋ － ＠ (U+FF1D, FF0B, FF0D, FF20) */
			return i + 2 < n && ((u[1] == 0xBC && (u[2] == 0x9D || u[2] == 0x8B || u[2] == 0x8D)) ||
					     (u[1] == 0xBC && u[2] == 0xA0));
		default:
			return false;
		}
	}
	return false;
}

bool dp_text_is_code(const char *s, size_t n)
{
	if (n < 1 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

const char *dp_text_unguard(const char *s)
{
	return s[0] == '\'' && dp_text_needs_guard(s + 1, strlen(s + 1)) ? s + 1 : s;
}

size_t dp_utf8_prefix(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}
