/* Rows of departments.csv.gz read back into field values (deptrow.h). */
#include "deptperf/deptrow.h"

#include <stdlib.h>
#include <string.h>

#include "deptperf/text.h"

bool dp_deptrow_init(struct dp_deptrow *d, const struct dp_dict *dict, const struct dp_record *hdr,
		     struct dp_buf *err)
{
	memset(d, 0, sizeof *d);
	d->dict = dict;
	d->ncols = hdr->n;
	d->field = dp_xcalloc(hdr->n, sizeof *d->field);
	d->num = dp_xcalloc(hdr->n + 1, sizeof *d->num);
	size_t nf = dp_dict_count(dict);
	d->text = dp_xcalloc(nf, sizeof *d->text);
	d->val = dp_xcalloc(nf, sizeof *d->val);
	d->has = dp_xcalloc(nf, sizeof *d->has);
	for (size_t i = 0; i < nf; i++)
		d->text[i] = "";
	for (size_t i = 0; i < hdr->n; i++) {
		d->field[i] = dp_dict_find_code(dict, hdr->f[i]);
		if (d->field[i] < 0) {
			dp_buf_addf(err, "departments.csv.gz has a column “%s” the rule set does not know "
					 "(normalize and validate must use the same --rules)", hdr->f[i]);
			return false;
		}
		d->num[i] = dp_field_is_number(dp_dict_field(dict, (size_t)d->field[i]));
	}
	return true;
}

/* f[0..n): the row's cells, NUL-terminated ("" when empty), and their
 * lengths when len is not NULL (a number's is not measured again).  Only the
 * header's fields are cleared: no other is ever set (a funds row has 6 of
 * the dictionary's fields, and clearing them all was most of its loading). */
static void load(struct dp_deptrow *d, const char *const *f, const size_t *len, size_t n, bool numbers)
{
	for (size_t i = 0; i < d->ncols; i++) {
		int fi = d->field[i];
		if (fi >= 0) {
			d->text[fi] = "";
			d->has[fi] = false;
			d->val[fi] = 0;
		}
	}
	for (size_t i = 0; i < n && i < d->ncols; i++) {
		int fi = d->field[i];
		if (fi < 0 || !f[i][0] || (d->want && !d->want[fi]))
			continue;
		/* (only a cell starting with ' can be guarded) */
		d->text[fi] = f[i][0] == '\'' ? dp_text_unguard(f[i]) : f[i];
		if (numbers && d->num[i])
			d->has[fi] = dp_dec_parse(f[i], len ? len[i] : strlen(f[i]), &d->val[fi]) == DP_DEC_OK;
		else
			d->has[fi] = true;
	}
}

void dp_deptrow_load(struct dp_deptrow *d, const struct dp_record *r)
{
	load(d, r->f, r->len, r->n, true);
}

void dp_deptrow_load_cells(struct dp_deptrow *d, const char *const *cells, const size_t *len, size_t n)
{
	load(d, cells, len, n, true);
}

void dp_deptrow_load_text(struct dp_deptrow *d, const struct dp_record *r)
{
	load(d, r->f, r->len, r->n, false);
}

void dp_deptrow_only(struct dp_deptrow *d, const bool *want)
{
	d->want = want;
}

void dp_deptrow_free(struct dp_deptrow *d)
{
	free(d->field);
	free(d->num);
	free(d->text);
	free(d->val);
	free(d->has);
	memset(d, 0, sizeof *d);
}
