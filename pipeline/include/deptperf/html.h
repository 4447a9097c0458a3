/* HTML for people (report.html, the feedback packs, SPEC §6): text from the
 * input written so that it renders as itself, and the page around it.  No
 * I/O: everything goes to a dp_buf.
 *
 * A page is self-contained and offline: its one style sheet and its one
 * script are inline, and its Content-Security-Policy allows exactly those
 * two (by their SHA-256) and nothing from anywhere else, so that a page
 * that a bug let some input text into as markup could still not run it or
 * fetch anything. */
#ifndef DEPTPERF_HTML_H
#define DEPTPERF_HTML_H

#include "deptperf/buf.h"

/* Appends s as HTML text (also fit for an attribute's quoted value): & < >
 * " ' as character references; a byte that is not UTF-8, and a control
 * character other than tab and line feed, as U+FFFD; everything else as
 * it is (4-byte characters and bidirectional marks included: callers that
 * show input text wrap it in <bdi> so that a right-to-left mark cannot
 * reorder the cells around it). */
void dp_html_text(struct dp_buf *b, const char *s);
/* The same for n bytes of s. */
void dp_html_textn(struct dp_buf *b, const char *s, size_t n);
/* Appends <bdi>text</bdi> for input text read back from a published table:
 * its formula guard (dp_text_unguard) taken off, escaped as above. */
void dp_html_input(struct dp_buf *b, const char *published);

/* Appends the page's start: doctype, a Chinese <head> with title, the
 * style sheet and the policy that allows it and script (both hashed), and
 * <body>.  script is written at the page's end by dp_html_end. */
void dp_html_begin(struct dp_buf *b, const char *title, const char *style, const char *script);
/* Appends <script>script</script> and the page's end. */
void dp_html_end(struct dp_buf *b, const char *script);

/* The file name of the page of code (a department's), with suffix before
 * ".html", into out (reset): the code itself when it is a code of SPEC §3
 * ([0-9A-Za-z_-]{1,32}) and not a name Windows keeps for a device (CON,
 * NUL, COM1…: the packs are copied to shares) nor "index" (the folder's
 * index.html), whatever the case; otherwise x-<the first 16
 * hex digits of the code's SHA-256>, so that no text can name a file
 * elsewhere ("../x") or one the file system treats specially. */
void dp_html_page_name(const char *code, const char *suffix, struct dp_buf *out);

/* Appends "'sha256-<base64>'" of s, a Content-Security-Policy source. */
void dp_html_csp_hash(struct dp_buf *b, const char *s);

#endif
