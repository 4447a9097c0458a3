/* check_expect EXPECT.csv WORK_DIR: compares what dp-gen says must become
 * of every submission with what dp-validate made of it.  Prints each
 * difference; exits 1 when there is one.
 *   rejected   → an error finding with the injected code in that file (and,
 *                for bulk files, on that line), and not in departments.cells
 *   superseded → W-SUPERSEDED at that file and line
 *   accepted   → no error or W-SUPERSEDED there, and its key in departments
 * and: submissions read = accepted + rejected + superseded, each matching
 * the expected counts; funds read = accepted + rejected + orphan + left out
 * with their submission, and special_funds.csv.gz has the accepted ones;
 * every input file listed in inputs.csv.gz once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/keymap.h"
#include "deptperf/memtab.h"
#include "deptperf/stage.h"

static struct dp_memtab load(const char *dir, const char *name)
{
	struct dp_memtab t;
	struct dp_buf err = DP_BUF_INIT;
	char *p = name ? dp_path_join(dir, name) : dp_xstrdup(dir);
	size_t n = strlen(p);
	bool cells = n > 6 && strcmp(p + n - 6, ".cells") == 0;
	if (!(cells ? dp_memtab_load_cells(&t, p, &err) : dp_memtab_load(&t, p, false, &err))) {
		fprintf(stderr, "check_expect: %s\n", dp_buf_str(&err));
		exit(2);
	}
	free(p);
	return t;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: check_expect EXPECT.csv WORK_DIR\n");
		return 2;
	}
	struct dp_memtab ex = load(argv[1], NULL), fi = load(argv[2], "findings.csv.gz"),
			 dep = load(argv[2], "departments.cells"), cnt = load(argv[2], "counts.csv.gz"),
			 inp = load(argv[2], "inputs.csv.gz"), funds = load(argv[2], "special_funds.csv.gz");
	/* findings by "file\x1fline\x1fcode" and by "file\x1f*\x1fcode" */
	struct dp_keymap *seen = dp_keymap_new(1);
	struct dp_buf k = DP_BUF_INIT;
	for (size_t i = 0; i < fi.nrows; i++) {
		const char *file = dp_memtab_cell(&fi, i, 2), *line = dp_memtab_cell(&fi, i, 3),
			   *code = dp_memtab_cell(&fi, i, 1);
		bool err = strcmp(dp_memtab_cell(&fi, i, 0), "error") == 0;
		const char *lines[2] = { line, "*" };
		for (int j = 0; j < 2; j++) {
			dp_buf_reset(&k);
			dp_buf_addf(&k, "%s\x1f%s\x1f%s", file, lines[j], code);
			dp_keymap_put(seen, k.s, NULL);
			if (err) {
				dp_buf_reset(&k);
				dp_buf_addf(&k, "%s\x1f%s\x1f(error)", file, lines[j]);
				dp_keymap_put(seen, k.s, NULL);
			}
		}
	}
	struct dp_keymap *accepted = dp_keymap_new(1);
	for (size_t i = 0; i < dep.nrows; i++) {
		dp_key_make(&k, dp_memtab_cell(&dep, i, 0), dp_memtab_cell(&dep, i, 1));
		dp_keymap_put(accepted, k.s, NULL);
	}
	size_t bad = 0, want[3] = { 0, 0, 0 };
#define HAS(file, line, code) (dp_buf_reset(&k), dp_buf_addf(&k, "%s\x1f%s\x1f%s", file, line, code), dp_keymap_get(seen, k.s) != NULL)
	for (size_t i = 0; i < ex.nrows; i++) {
		const char *file = dp_memtab_cell(&ex, i, 0), *line = dp_memtab_cell(&ex, i, 1),
			   *code = dp_memtab_cell(&ex, i, 2), *year = dp_memtab_cell(&ex, i, 3),
			   *what = dp_memtab_cell(&ex, i, 4), *fault = dp_memtab_cell(&ex, i, 5);
		bool form = strcmp(line, "1") == 0;
		const char *at = form ? "*" : line;
		if (!strcmp(what, "rejected")) {
			want[1]++;
			if (!HAS(file, at, fault)) {
				printf("%s:%s: expected %s, not found\n", file, line, fault);
				bad++;
			}
		} else if (!strcmp(what, "superseded")) {
			want[2]++;
			if (!HAS(file, line, "W-SUPERSEDED") || HAS(file, at, "(error)")) {
				printf("%s:%s: expected W-SUPERSEDED only\n", file, line);
				bad++;
			}
		} else {
			want[0]++;
			dp_key_make(&k, year, code);
			bool in = dp_keymap_get(accepted, k.s) != NULL;
			if (HAS(file, at, "(error)") || HAS(file, line, "W-SUPERSEDED") || !in) {
				printf("%s:%s: expected accepted (%s %s), in departments: %s\n", file, line, code, year,
				       in ? "yes" : "no");
				bad++;
			}
		}
	}
	unsigned long long got[4] = { 0, 0, 0, 0 };
	static const char *names[4] = { "submissions_accepted", "submissions_rejected", "submissions_superseded",
					"submissions_read" };
	for (size_t i = 0; i < cnt.nrows; i++)
		for (int j = 0; j < 4; j++)
			if (!strcmp(dp_memtab_cell(&cnt, i, 0), names[j]))
				got[j] = strtoull(dp_memtab_cell(&cnt, i, 1), NULL, 10);
	printf("expected accepted %zu rejected %zu superseded %zu; got %llu + %llu + %llu = %llu read\n", want[0],
	       want[1], want[2], got[0], got[1], got[2], got[3]);
	if (got[0] + got[1] + got[2] != got[3] || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] ||
	    got[3] != ex.nrows) {
		printf("counts do not add up\n");
		bad++;
	}
	unsigned long long fg[5] = { 0, 0, 0, 0, 0 };
	static const char *fnames[5] = { "funds_accepted", "funds_rejected", "funds_orphan",
					 "funds_with_their_submission", "funds_read" };
	for (size_t i = 0; i < cnt.nrows; i++)
		for (int j = 0; j < 5; j++)
			if (!strcmp(dp_memtab_cell(&cnt, i, 0), fnames[j]))
				fg[j] = strtoull(dp_memtab_cell(&cnt, i, 1), NULL, 10);
	printf("funds: %llu + %llu + %llu + %llu = %llu read; %zu in special_funds.csv.gz\n", fg[0], fg[1], fg[2],
	       fg[3], fg[4], funds.nrows);
	if (fg[0] + fg[1] + fg[2] + fg[3] != fg[4] || fg[0] != funds.nrows) {
		printf("the funds' counts do not add up\n");
		bad++;
	}
	for (size_t i = 1; i < inp.nrows; i++)
		if (!strcmp(dp_memtab_cell(&inp, i, 0), dp_memtab_cell(&inp, i - 1, 0))) {
			printf("%s listed twice in inputs.csv.gz\n", dp_memtab_cell(&inp, i, 0));
			bad++;
		}
	printf("%zu differences\n", bad);
	dp_buf_free(&k);
	dp_keymap_free(seen);
	dp_keymap_free(accepted);
	dp_memtab_free(&ex);
	dp_memtab_free(&fi);
	dp_memtab_free(&dep);
	dp_memtab_free(&cnt);
	dp_memtab_free(&inp);
	dp_memtab_free(&funds);
	return bad ? 1 : 0;
}
