/* HTML text and the page frame for report.html and the feedback packs
 * (html.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <nettle/base64.h>
#include <nettle/sha2.h>

#include "deptperf/html.h"
#include "deptperf/stage.h"
#include "deptperf/text.h"

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Length of the UTF-8 sequence that its lead byte c starts, or 0. */
static size_t seq_len(unsigned char c)
{
	return c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
}

void dp_html_textn(struct dp_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			size_t k = seq_len(c);
			if (k && i + k <= n && dp_utf8_valid(s + i, k, NULL)) {
				dp_buf_add(b, s + i, k);
				i += k;
			} else {
				dp_buf_adds(b, replacement);
				i++;
			}
			continue;
		}
		switch (c) {
		case '&': dp_buf_adds(b, "&amp;"); break;
		case '<': dp_buf_adds(b, "&lt;"); break;
		case '>': dp_buf_adds(b, "&gt;"); break;
		case '"': dp_buf_adds(b, "&quot;"); break;
		case '\'': dp_buf_adds(b, "&#39;"); break;
		case '\t':
		case '\n': dp_buf_addc(b, (char)c); break;
		default:
			if (c < 0x20 || c == 0x7F)
				dp_buf_adds(b, replacement);
			else
				dp_buf_addc(b, (char)c);
		}
		i++;
	}
}

void dp_html_text(struct dp_buf *b, const char *s)
{
	dp_html_textn(b, s, strlen(s));
}

void dp_html_input(struct dp_buf *b, const char *published)
{
	dp_buf_adds(b, "<bdi>");
	dp_html_text(b, dp_text_unguard(published));
	dp_buf_adds(b, "</bdi>");
}

void dp_html_csp_hash(struct dp_buf *b, const char *s)
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	char enc[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE) + 1];
	sha256_init(&ctx);
	sha256_update(&ctx, strlen(s), (const uint8_t *)s);
	sha256_digest(&ctx, sizeof d, d);
	base64_encode_raw(enc, sizeof d, d);
	enc[sizeof enc - 1] = 0;
	dp_buf_addf(b, "'sha256-%s'", enc);
}

void dp_html_begin(struct dp_buf *b, const char *title, const char *style, const char *script)
{
	dp_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src ");
	dp_html_csp_hash(b, style);
	dp_buf_adds(b, "; script-src ");
	dp_html_csp_hash(b, script);
	dp_buf_adds(b, "; img-src 'none'; base-uri 'none'; form-action 'none'\">\n<title>");
	dp_html_text(b, title);
	dp_buf_adds(b, "</title>\n<style>");
	dp_buf_adds(b, style);
	dp_buf_adds(b, "</style>\n</head>\n<body>\n");
}

void dp_html_end(struct dp_buf *b, const char *script)
{
	dp_buf_adds(b, "<script>");
	dp_buf_adds(b, script);
	dp_buf_adds(b, "</script>\n</body>\n</html>\n");
}

/* Whether name is one Windows keeps for a device, whatever follows a dot,
 * or the feedback folder's own index page. */
static bool reserved(const char *name)
{
	static const char *const dev[] = { "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "index" };
	for (size_t i = 0; i < sizeof dev / sizeof *dev; i++)
		if (strcasecmp(name, dev[i]) == 0)
			return true;
	return strlen(name) == 4 && (strncasecmp(name, "COM", 3) == 0 || strncasecmp(name, "LPT", 3) == 0) &&
	       name[3] >= '0' && name[3] <= '9';
}

void dp_html_page_name(const char *code, const char *suffix, struct dp_buf *out)
{
	dp_buf_reset(out);
	if (dp_text_is_code(code, strlen(code)) && !reserved(code)) {
		dp_buf_addf(out, "%s%s.html", code, suffix);
		return;
	}
	struct sha256_ctx ctx;
	char hex[65];
	sha256_init(&ctx);
	sha256_update(&ctx, strlen(code), (const uint8_t *)code);
	dp_sha256_hex(&ctx, hex);
	dp_buf_addf(out, "x-%.16s%s.html", hex, suffix);
}
