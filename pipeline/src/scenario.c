/* The scenarios file (scenario.h): read whole (it is a few rows), checked,
 * grouped by scenario, and each scenario's rule set loaded by the same
 * loader as --set, so a scenario is refused for exactly what a rule-set
 * file would be. */
#include "deptperf/scenario.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "deptperf/csvfile.h"
#include "deptperf/text.h"

struct row {
	char *scenario, *code, *column, *value;
	uint64_t line;
};

struct load {
	const char *path;
	struct row *v;
	size_t n, cap;
	bool header, failed;
	struct dp_buf *err;
};

static int on_row(void *ctx, const struct dp_record *rec)
{
	struct load *l = ctx;
	if (!l->header) {
		l->header = true;
		static const char *const want[] = { "scenario", "code", "column", "value" };
		for (size_t i = 0; i < 4; i++) {
			char *h = dp_record_cell(rec, (long)i, true);
			bool ok = strcmp(h, want[i]) == 0;
			free(h);
			if (!ok) {
				dp_buf_addf(l->err, "%s:%llu: 表头应为 scenario,code,column,value", l->path,
					    (unsigned long long)rec->line);
				l->failed = true;
				return 1;
			}
		}
		return 0;
	}
	DP_GROW(l->v, l->n, l->cap);
	struct row *r = &l->v[l->n++];
	r->scenario = dp_record_cell(rec, 0, false); /* a name: trimmed, not folded */
	r->code = dp_record_cell(rec, 1, true);
	r->column = dp_record_cell(rec, 2, true);
	r->value = dp_record_cell(rec, 3, true);
	r->line = rec->line;
	return 0;
}

/* The rule-set file's column a scenario row changes, or 0. */
static int column_of(const char *name)
{
	if (strcasecmp(name, "max") == 0)
		return 3;
	if (strcasecmp(name, "param") == 0)
		return 6;
	return 0;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > DP_SCENARIO_NAME_MAX || !dp_utf8_valid(s, n, NULL))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* Row i checked alone and against the rows before it; false with err. */
static bool check_row(const struct load *l, size_t i, struct dp_buf *err)
{
	const struct row *r = &l->v[i];
	unsigned long long line = (unsigned long long)r->line;
	if (!name_ok(r->scenario)) {
		dp_buf_addf(err, "%s:%llu: 情景名称“%s”应为 1–%d 字节、不含控制字符的文本",
			    l->path, line, r->scenario, DP_SCENARIO_NAME_MAX);
		return false;
	}
	if (!column_of(r->column)) {
		dp_buf_addf(err, "%s:%llu: 列“%s”不可修改（只能改 max 或 param）", l->path, line,
			    r->column);
		return false;
	}
	if (!*r->code || !*r->value) {
		dp_buf_addf(err, "%s:%llu: %s 为空（每行：scenario,code,column,value）", l->path, line,
			    !*r->code ? "code" : "value");
		return false;
	}
	for (size_t k = 0; k < i; k++) {
		const struct row *p = &l->v[k];
		if (strcmp(p->scenario, r->scenario) == 0 && strcmp(p->code, r->code) == 0 &&
		    column_of(p->column) == column_of(r->column) && strcmp(p->value, r->value) != 0) {
			dp_buf_addf(err, "%s:%llu: 情景“%s”在本行把 %s.%s 设为“%s”，第 %llu 行却设为“%s”", l->path,
				    line, r->scenario, r->code, r->column, r->value, (unsigned long long)p->line,
				    p->value);
			return false;
		}
	}
	return true;
}

/* Loads scenario s (its rows first..): the base changes, then its own. */
static bool load_one(const struct load *l, struct dp_scenario *s, size_t first, const char *rules_path,
		     const struct dp_rule_set *base, size_t nbase, struct dp_buf *err)
{
	struct dp_rule_set *sets = dp_xcalloc(nbase + l->n + 1, sizeof *sets);
	size_t n = 0;
	for (size_t k = 0; k < nbase; k++)
		sets[n++] = base[k]; /* borrowed: not freed below */
	for (size_t i = first; i < l->n; i++) {
		const struct row *r = &l->v[i];
		if (strcmp(r->scenario, s->name) != 0)
			continue;
		struct dp_rule_set *x = &sets[n++];
		x->code = r->code;
		x->column = column_of(r->column);
		x->value = r->value;
		struct dp_buf nm = DP_BUF_INIT;
		dp_buf_addf(&nm, "%s:%llu %s.%s=%s", l->path, (unsigned long long)r->line, r->code, r->column, r->value);
		x->name = dp_buf_detach(&nm);
	}
	struct dp_buf why = DP_BUF_INIT;
	s->rules = dp_rules_load_set(rules_path, sets, n, NULL, &why);
	if (!s->rules)
		dp_buf_addf(err, "%s:%zu: 情景“%s”不成立：%s", l->path, s->line, s->name, dp_buf_str(&why));
	dp_buf_free(&why);
	for (size_t k = nbase; k < n; k++)
		free(sets[k].name);
	free(sets);
	return s->rules != NULL;
}

struct dp_scenarios *dp_scenarios_load(const char *path, const char *rules_path, const struct dp_rule_set *base,
				       size_t nbase, struct dp_buf *err)
{
	struct load l = { path, NULL, 0, 0, false, false, err };
	struct dp_csvfile_result res;
	dp_csvfile_read(path, DP_ENC_AUTO, false, on_row, &l, &res, err);
	struct dp_scenarios *out = dp_xcalloc(1, sizeof *out);
	out->path = dp_xstrdup(path);
	bool ok = !l.failed && dp_csvfile_config_ok(&res, path, l.header, "情景", err);
	if (ok && !l.n) {
		dp_buf_addf(err, "%s: 没有任何情景（每项修改一行：scenario,code,column,value）", path);
		ok = false;
	}
	for (size_t i = 0; ok && i < l.n; i++)
		ok = check_row(&l, i, err);
	/* the scenarios in the order their names first appear */
	for (size_t i = 0; ok && i < l.n; i++) {
		bool seen = false;
		for (size_t k = 0; k < out->n && !seen; k++)
			seen = strcmp(out->v[k].name, l.v[i].scenario) == 0;
		if (seen)
			continue;
		if (out->n == DP_SCENARIOS_MAX) {
			dp_buf_addf(err, "%s:%llu: 情景超过 %d 个", path, (unsigned long long)l.v[i].line,
				    DP_SCENARIOS_MAX);
			ok = false;
			break;
		}
		out->v = dp_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		struct dp_scenario *s = &out->v[out->n++];
		s->name = dp_xstrdup(l.v[i].scenario);
		s->line = (size_t)l.v[i].line;
		s->rules = NULL;
		ok = load_one(&l, s, i, rules_path, base, nbase, err);
	}
	for (size_t i = 0; i < l.n; i++) {
		free(l.v[i].scenario);
		free(l.v[i].code);
		free(l.v[i].column);
		free(l.v[i].value);
	}
	free(l.v);
	if (!ok) {
		dp_scenarios_free(out);
		return NULL;
	}
	return out;
}

void dp_scenarios_free(struct dp_scenarios *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		dp_rules_free(s->v[i].rules);
	}
	free(s->v);
	free(s->path);
	free(s);
}
