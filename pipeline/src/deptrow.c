#include "deptperf/deptrow.h"

#include <stdlib.h>
#include <string.h>

#include "deptperf/text.h"
#include "deptperf/value.h"

bool dp_deptrow_init(struct dp_deptrow *d, const struct dp_dict *dict, const struct dp_record *hdr,
		     struct dp_buf *err)
{
	memset(d, 0, sizeof *d);
	d->dict = dict;
	d->ncols = hdr->n;
	d->field = dp_xcalloc(hdr->n, sizeof *d->field);
	size_t nf = dp_dict_count(dict);
	d->text = dp_xcalloc(nf, sizeof *d->text);
	d->val = dp_xcalloc(nf, sizeof *d->val);
	d->has = dp_xcalloc(nf, sizeof *d->has);
	for (size_t i = 0; i < hdr->n; i++) {
		d->field[i] = dp_dict_find_code(dict, hdr->f[i]);
		if (d->field[i] < 0) {
			dp_buf_addf(err, "departments.csv.gz has a column “%s” the rule set does not know "
					 "(normalize and validate must use the same --rules)", hdr->f[i]);
			return false;
		}
	}
	return true;
}

/* f[0..n): the row's cells, NUL-terminated ("" when empty). */
static void load(struct dp_deptrow *d, const char *const *f, size_t n, bool numbers)
{
	size_t nf = dp_dict_count(d->dict);
	for (size_t i = 0; i < nf; i++) {
		d->text[i] = "";
		d->has[i] = false;
		d->val[i] = 0;
	}
	for (size_t i = 0; i < n && i < d->ncols; i++) {
		int fi = d->field[i];
		if (fi < 0 || !f[i][0] || (d->want && !d->want[fi]))
			continue;
		const struct dp_field *fd = dp_dict_field(d->dict, (size_t)fi);
		d->text[fi] = dp_text_unguard(f[i]);
		if (numbers && (fd->kind == DP_FK_NUMBER || fd->kind == DP_FK_INT || fd->kind == DP_FK_YEAR))
			d->has[fi] = dp_value_dec(f[i], &d->val[fi]);
		else
			d->has[fi] = true;
	}
}

void dp_deptrow_load(struct dp_deptrow *d, const struct dp_record *r)
{
	load(d, r->f, r->n, true);
}

void dp_deptrow_load_cells(struct dp_deptrow *d, const char *const *cells, size_t n)
{
	load(d, cells, n, true);
}

void dp_deptrow_load_text(struct dp_deptrow *d, const struct dp_record *r)
{
	load(d, r->f, r->n, false);
}

void dp_deptrow_only(struct dp_deptrow *d, const bool *want)
{
	d->want = want;
}

void dp_deptrow_free(struct dp_deptrow *d)
{
	free(d->field);
	free(d->text);
	free(d->val);
	free(d->has);
	memset(d, 0, sizeof *d);
}
