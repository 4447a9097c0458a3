/* Rule sets (SPEC §5.1): loaded and checked, changed by --set, the default
 * one found, grade bands (rules.h). */
#include "deptperf/rules.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deptperf/csvfile.h"
#include "deptperf/csvread.h"
#include "deptperf/fields.h"
#include "deptperf/text.h"

#ifndef DP_SOURCE_RULES_DIR
#define DP_SOURCE_RULES_DIR ""
#endif
#ifndef DP_INSTALL_RULES_DIR
#define DP_INSTALL_RULES_DIR "/usr/local/share/deptperf/rules"
#endif

struct dp_rules {
	char *path;
	struct dp_indicator *ind;
	size_t n, cap;
	struct dp_grade *grades;
	size_t ngrades, capgrades;
	int root;
	int *post;
	char *text;          /* dp_rules_load_set: the changed file's CSV, else NULL */
};

struct load {
	struct dp_rules *r;
	struct dp_buf *err;
	size_t row;
	bool header_seen, failed;
	char **parents; /* parent code per indicator, resolved after reading */
};

__attribute__((format(printf, 2, 3)))
static int fail(struct load *l, const char *fmt, ...)
{
	va_list ap;
	dp_buf_addf(l->err, "%s:%zu: ", l->r->path, l->row);
	va_start(ap, fmt);
	dp_buf_vaddf(l->err, fmt, ap);
	va_end(ap);
	l->failed = true;
	return 1;
}

/* A grade row: its label lists the band's names, "优|优秀" (SPEC §5.1); a
 * name may not be empty nor belong to another band. */
static int add_grade(struct load *l, const char *label, dp_dec min)
{
	struct dp_rules *r = l->r;
	struct dp_grade g = { NULL, NULL, 0, min };
	size_t cap = 0;
	for (const char *p = label;;) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		char *name = dp_xmemdup(p, n);
		int other = n ? dp_rules_grade_named(r, name) : -1;
		bool twice = false;
		for (size_t k = 0; k < g.nnames; k++)
			twice = twice || strcmp(g.names[k], name) == 0;
		if (!n || other >= 0 || twice) {
			int rc = !n ? fail(l, "等级名称“%s”中有空的名称（多个名称用 | 分隔，如 优|优秀）", label) :
				      fail(l, "等级名称“%s”已用于另一个等级", name);
			free(name);
			for (size_t k = 0; k < g.nnames; k++)
				free(g.names[k]);
			free(g.names);
			return rc;
		}
		DP_GROW(g.names, g.nnames, cap);
		g.names[g.nnames++] = name;
		if (!bar)
			break;
		p = bar + 1;
	}
	g.label = g.names[0];
	DP_GROW(r->grades, r->ngrades, r->capgrades);
	r->grades[r->ngrades++] = g;
	return 0;
}

int dp_rules_grade_named(const struct dp_rules *r, const char *name)
{
	for (size_t i = 0; i < r->ngrades; i++)
		for (size_t k = 0; k < r->grades[i].nnames; k++)
			if (strcmp(r->grades[i].names[k], name) == 0)
				return (int)i;
	return -1;
}

static bool parse_num(const char *s, dp_dec *out)
{
	struct dp_buf b = DP_BUF_INIT;
	dp_text_norm(&b, s, strlen(s), true);
	bool ok = b.len && dp_dec_parse(b.s, b.len, out) == DP_DEC_OK;
	dp_buf_free(&b);
	return ok;
}

static int parse_deduct(struct load *l, struct dp_indicator *ind, const char *param)
{
	/* target=T;per=P, in either order */
	bool have_t = false, have_p = false;
	char *copy = dp_xstrdup(param), *save = NULL;
	for (char *tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq)
			break;
		*eq = '\0';
		char *k = tok, *v = eq + 1;
		while (*k == ' ')
			k++;
		if (strcmp(k, "target") == 0 || strcmp(k, "target ") == 0)
			have_t = parse_num(v, &ind->target);
		else if (strcmp(k, "per") == 0 || strcmp(k, "per ") == 0)
			have_p = parse_num(v, &ind->per);
	}
	free(copy);
	if (!have_t || !have_p || ind->per < 0)
		return fail(l, "指标 %s 的 deduct 参数“%s”应为 target=数值;per=非负数值", ind->code, param);
	return 0;
}

static int on_row(void *ctx, const struct dp_record *rec)
{
	struct load *l = ctx;
	l->row++;
	if (!l->header_seen) {
		static const char *want[] = { "code", "parent", "label", "max", "method", "input", "param" };
		for (size_t i = 0; i < 7; i++) {
			char *h = dp_record_cell(rec, i, false);
			bool ok = strcmp(h, want[i]) == 0;
			free(h);
			if (!ok)
				return fail(l, "表头应为 code,parent,label,max,method,input,param");
		}
		l->header_seen = true;
		return 0;
	}
	struct dp_rules *r = l->r;
	char *code = dp_record_cell(rec, 0, false), *parent = dp_record_cell(rec, 1, false), *label = dp_record_cell(rec, 2, false), *max = dp_record_cell(rec, 3, false),
	     *method = dp_record_cell(rec, 4, false), *input = dp_record_cell(rec, 5, false), *param = dp_record_cell(rec, 6, false);
	int rc = 0;
	dp_dec maxv = 0;
	if (!parse_num(max, &maxv) || maxv < 0) {
		rc = fail(l, "max“%s”不是非负数", max);
		goto out;
	}
	if (strcmp(method, "grade") == 0) {
		if (*parent) {
			rc = fail(l, "grade 行（%s）的 parent 应为空，而不是“%s”", code, parent);
			goto out;
		}
		rc = add_grade(l, *label ? label : code, maxv);
		goto out;
	}
	if (!dp_text_is_code(code, strlen(code))) {
		rc = fail(l, "指标代码“%s”不合规（应为 1–32 位字母、数字、_ 或 -）", code);
		goto out;
	}
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->ind[i].code, code) == 0) {
			rc = fail(l, "指标代码 %s 重复", code);
			goto out;
		}
	DP_GROW(r->ind, r->n, r->cap);
	l->parents = dp_xrealloc(l->parents, dp_st_mult(r->cap, sizeof *l->parents));
	struct dp_indicator *ind = &r->ind[r->n];
	memset(ind, 0, sizeof *ind);
	ind->code = code;
	ind->label = label;
	code = label = NULL;
	ind->max = maxv;
	ind->row = l->row;
	ind->parent = -1;
	l->parents[r->n] = parent;
	parent = NULL;
	r->n++;
	if (!*ind->label) {
		free(ind->label);
		ind->label = dp_xstrdup(ind->code);
	}
	if (strcmp(method, "sum") == 0) {
		ind->method = DP_M_SUM;
	} else if (strcmp(method, "self") == 0) {
		ind->method = DP_M_SELF;
	} else if (strcmp(method, "ratio") == 0 || strcmp(method, "deduct") == 0 ||
		   strcmp(method, "threshold") == 0) {
		ind->method = method[0] == 'r' ? DP_M_RATIO : method[0] == 'd' ? DP_M_DEDUCT : DP_M_THRESHOLD;
		if (!dp_field_is_rule_input(input)) {
			rc = fail(l, "指标 %s 的输入字段“%s”不是可用于评分的数值字段", ind->code, input);
			goto out;
		}
		ind->input = dp_xstrdup(input);
		if (ind->method == DP_M_RATIO) {
			if (!parse_num(param, &ind->param) || ind->param <= 0)
				rc = fail(l, "指标 %s 的 ratio 参数“%s”应为正数", ind->code, param);
		} else if (ind->method == DP_M_DEDUCT) {
			rc = parse_deduct(l, ind, param);
		} else if (!parse_num(param, &ind->param)) {
			if (!dp_field_is_rule_input(param))
				rc = fail(l, "指标 %s 的 threshold 参数“%s”既不是数值也不是字段代码", ind->code, param);
			else
				ind->param_field = dp_xstrdup(param);
		}
	} else {
		rc = fail(l, "未知的评分方法“%s”（可用 sum、self、ratio、deduct、threshold、grade）", method);
	}
out:
	free(code);
	free(parent);
	free(label);
	free(max);
	free(method);
	free(input);
	free(param);
	return rc;
}

static int grade_cmp(const void *a, const void *b)
{
	const struct dp_grade *x = a, *y = b;
	return (x->min < y->min) - (x->min > y->min);
}

/* Resolves parents, finds the root, refuses cycles and sums whose max is
 * not their children's, and orders the tree children-first. */
static bool link_tree(struct load *l)
{
	struct dp_rules *r = l->r;
	r->root = -1;
	for (size_t i = 0; i < r->n; i++) {
		struct dp_indicator *ind = &r->ind[i];
		l->row = ind->row;
		if (!*l->parents[i]) {
			if (r->root >= 0) {
				fail(l, "第二个根指标 %s（根已是 %s）", ind->code, r->ind[r->root].code);
				return false;
			}
			r->root = (int)i;
			continue;
		}
		int p = dp_rules_find(r, l->parents[i]);
		if (p < 0) {
			fail(l, "指标 %s 的上级“%s”不存在", ind->code, l->parents[i]);
			return false;
		}
		ind->parent = p;
		struct dp_indicator *pi = &r->ind[p];
		pi->children = dp_xrealloc(pi->children, dp_st_mult(pi->nchildren + 1, sizeof(int)));
		pi->children[pi->nchildren++] = (int)i;
	}
	if (r->root < 0) {
		l->row = 1;
		fail(l, "没有根指标（parent 为空的非 grade 行）");
		return false;
	}
	/* cycle check: every indicator must reach the root within n steps */
	for (size_t i = 0; i < r->n; i++) {
		int p = (int)i;
		size_t steps = 0;
		while (p >= 0 && steps <= r->n) {
			p = r->ind[p].parent;
			steps++;
		}
		if (p >= 0) {
			l->row = r->ind[i].row;
			fail(l, "指标 %s 的上级关系形成环", r->ind[i].code);
			return false;
		}
	}
	for (size_t i = 0; i < r->n; i++) {
		struct dp_indicator *ind = &r->ind[i];
		l->row = ind->row;
		if (ind->method == DP_M_SUM) {
			if (!ind->nchildren) {
				fail(l, "sum 指标 %s 没有下级指标", ind->code);
				return false;
			}
			dp_dec s = 0;
			for (size_t c = 0; c < ind->nchildren; c++)
				s += r->ind[ind->children[c]].max;
			if (s != ind->max) {
				struct dp_buf a = DP_BUF_INIT, b = DP_BUF_INIT;
				dp_dec_format(&a, ind->max, 0, 8);
				dp_dec_format(&b, s, 0, 8);
				dp_buf_addf(l->err, "%s:%zu: sum 指标 %s 的满分 %s 不等于下级满分之和 %s", r->path,
					    ind->row, ind->code, a.s, b.s);
				l->failed = true;
				dp_buf_free(&a);
				dp_buf_free(&b);
				return false;
			}
		} else if (ind->nchildren) {
			fail(l, "只有 sum 指标可以有下级，%s 不是 sum", ind->code);
			return false;
		}
	}
	/* children-first order: iterative post-order from the root */
	r->post = dp_xcalloc(r->n, sizeof(int));
	size_t k = 0;
	int *stack = dp_xcalloc(r->n + 1, sizeof(int));
	size_t *next = dp_xcalloc(r->n, sizeof(size_t));
	size_t sp = 0;
	stack[sp++] = r->root;
	while (sp) {
		int top = stack[sp - 1];
		if (next[top] < r->ind[top].nchildren) {
			stack[sp++] = r->ind[top].children[next[top]++];
		} else {
			r->post[k++] = top;
			sp--;
		}
	}
	free(stack);
	free(next);
	if (k != r->n) {
		l->row = 1;
		fail(l, "有指标不在根之下");
		return false;
	}
	dp_qsort(r->grades, r->ngrades, sizeof *r->grades, grade_cmp);
	return true;
}

/* Loads the rule set path names, or, given text, that text (the file as
 * --set changed it, dp_rules_load_set), the messages naming path. */
static struct dp_rules *load_from(const char *path, const char *text, struct dp_buf *err)
{
	struct dp_rules *r = dp_xcalloc(1, sizeof *r);
	r->path = dp_xstrdup(path);
	struct load l = { r, err, 0, false, false, NULL };
	bool ok;
	if (text) {
		/* CSV this file wrote from records it read: only on_row can refuse it */
		struct dp_csv *c = dp_csv_new(on_row, &l);
		ok = dp_csv_feed(c, text, strlen(text)) == 0 && dp_csv_finish(c) == 0 && !l.failed;
		dp_csv_free(c);
	} else {
		struct dp_csvfile_result res;
		dp_csvfile_read(path, DP_ENC_AUTO, false, on_row, &l, &res, err);
		ok = !l.failed && dp_csvfile_config_ok(&res, path, l.header_seen, "评分规则", err);
	}
	if (ok)
		ok = link_tree(&l);
	for (size_t i = 0; i < r->n; i++)
		free(l.parents[i]);
	free(l.parents);
	if (!ok) {
		dp_rules_free(r);
		return NULL;
	}
	return r;
}

struct dp_rules *dp_rules_load(const char *path, struct dp_buf *err)
{
	return load_from(path, NULL, err);
}

bool dp_rule_set_parse(const char *arg, struct dp_rule_set *out, struct dp_buf *err)
{
	memset(out, 0, sizeof *out);
	const char *eq = strchr(arg, '=');
	const char *dot = eq ? memrchr(arg, '.', (size_t)(eq - arg)) : NULL;
	if (!eq || !dot || dot == arg) {
		dp_buf_addf(err, "--set “%s”: write CODE.COLUMN=VALUE, e.g. exec_rate.param=60", arg);
		return false;
	}
	size_t cn = (size_t)(eq - dot - 1);
	if (cn == 3 && strncmp(dot + 1, "max", 3) == 0) {
		out->column = 3;
	} else if (cn == 5 && strncmp(dot + 1, "param", 5) == 0) {
		out->column = 6;
	} else {
		dp_buf_addf(err, "--set “%s”: the column “%.*s” cannot be set (only max or param)", arg, (int)cn, dot + 1);
		return false;
	}
	out->code = dp_xmemdup(arg, (size_t)(dot - arg));
	out->value = dp_xstrdup(eq + 1);
	struct dp_buf name = DP_BUF_INIT;
	dp_buf_addf(&name, "--set %s", arg);
	out->name = dp_buf_detach(&name);
	return true;
}

void dp_rule_set_free(struct dp_rule_set *s)
{
	free(s->code);
	free(s->value);
	free(s->name);
	memset(s, 0, sizeof *s);
}

struct rewrite {
	const struct dp_rule_set *sets;
	size_t n;
	size_t *used;        /* per set: rows it changed */
	struct dp_buf text;  /* the file, changed, as CSV */
	bool header;
};

/* Each record of the file as a CSV line, with the changes of its row (the
 * row whose code, column 0, a change names; the header is left alone). */
static int rewrite_row(void *ctx, const struct dp_record *rec)
{
	struct rewrite *w = ctx;
	char *code = w->header ? dp_record_cell(rec, 0, false) : NULL;
	w->header = true;
	size_t ncol = rec->n < 7 ? 7 : rec->n;
	for (size_t c = 0; c < ncol; c++) {
		const char *cell = c < rec->n ? rec->f[c] : "";
		size_t len = c < rec->n ? rec->len[c] : 0;
		for (size_t k = 0; k < w->n && code; k++) {
			if ((int)c == w->sets[k].column && strcmp(code, w->sets[k].code) == 0) {
				cell = w->sets[k].value;
				len = strlen(cell);
				w->used[k]++;
			}
		}
		if (c)
			dp_buf_addc(&w->text, ',');
		dp_csv_put(&w->text, cell, len, false);
	}
	dp_buf_addc(&w->text, '\n');
	free(code);
	return 0;
}

struct dp_rules *dp_rules_load_set(const char *path, const struct dp_rule_set *sets, size_t n, bool *by_set,
				   struct dp_buf *err)
{
	if (by_set)
		*by_set = false;
	if (!n)
		return dp_rules_load(path, err);
	struct rewrite w = { sets, n, dp_xcalloc(n, sizeof *w.used), DP_BUF_INIT, false };
	struct dp_csvfile_result res;
	dp_csvfile_read(path, DP_ENC_AUTO, false, rewrite_row, &w, &res, err);
	struct dp_rules *r = NULL;
	if (!dp_csvfile_config_ok(&res, path, w.header, "评分规则", err))
		goto out;
	for (size_t k = 0; k < n; k++) {
		if (!w.used[k]) {
			dp_buf_addf(err, "%s：%s 中没有指标或等级行“%s”", sets[k].name, path, sets[k].code);
			if (by_set)
				*by_set = true;
			goto out;
		}
	}
	/* the changed file is checked as a file is, by the same loader */
	r = load_from(path, dp_buf_str(&w.text), err);
	if (r) {
		r->text = dp_buf_detach(&w.text);
	} else {
		dp_buf_adds(err, "（评分规则经 ");
		for (size_t k = 0; k < n; k++)
			dp_buf_addf(err, "%s%s", k ? "、" : "", sets[k].name);
		dp_buf_adds(err, " 修改）");
		if (by_set) {
			struct dp_buf e2 = DP_BUF_INIT;
			struct dp_rules *plain = dp_rules_load(path, &e2);
			*by_set = plain != NULL;
			dp_rules_free(plain);
			dp_buf_free(&e2);
		}
	}
out:
	free(w.used);
	dp_buf_free(&w.text);
	return r;
}

const char *dp_rules_text(const struct dp_rules *r)
{
	return r->text;
}

void dp_rules_free(struct dp_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->ind[i].code);
		free(r->ind[i].label);
		free(r->ind[i].input);
		free(r->ind[i].param_field);
		free(r->ind[i].children);
	}
	for (size_t i = 0; i < r->ngrades; i++) {
		for (size_t k = 0; k < r->grades[i].nnames; k++)
			free(r->grades[i].names[k]);
		free(r->grades[i].names);
	}
	free(r->ind);
	free(r->grades);
	free(r->post);
	free(r->path);
	free(r->text);
	free(r);
}

/* The folder of the running program, or NULL (a heap string). */
static char *exe_dir(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0 || n >= (ssize_t)sizeof buf - 1)
		return NULL;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return dp_xstrdup(buf);
}

char *dp_rules_default_path(void)
{
	static const char name[] = "guangdong-2021.csv";
	char *exe = exe_dir();
	/* a program of this build tree reads the source tree's rules; any
	 * other, its installation's: never a checkout's by accident */
	size_t nb = strlen(DP_BUILD_DIR);
	bool in_build = exe && strncmp(exe, DP_BUILD_DIR, nb) == 0 && (exe[nb] == '/' || exe[nb] == '\0');
	struct dp_buf rel = DP_BUF_INIT;
	if (exe && !in_build)
		dp_buf_addf(&rel, "%s/../%s", exe, DP_RULES_REL_DIR);
	free(exe);
	const char *dirs[] = { getenv("DEPTPERF_RULES_DIR"), in_build ? DP_SOURCE_RULES_DIR : rel.s,
			       DP_INSTALL_RULES_DIR };
	char *found = NULL;
	for (size_t i = 0; i < 3 && !found; i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		struct dp_buf b = DP_BUF_INIT;
		dp_buf_addf(&b, "%s/%s", dirs[i], name);
		char *p = dp_buf_detach(&b);
		if (access(p, R_OK) == 0)
			found = p;
		else if (i == 0)
			found = p; /* what the operator named is what is read, or refused */
		else
			free(p);
	}
	dp_buf_free(&rel);
	/* none there: the first that should have been, for the message */
	if (!found) {
		struct dp_buf b = DP_BUF_INIT;
		dp_buf_addf(&b, "%s/%s", in_build ? DP_SOURCE_RULES_DIR : DP_INSTALL_RULES_DIR, name);
		found = dp_buf_detach(&b);
	}
	return found;
}

const char *dp_rules_path(const struct dp_rules *r) { return r->path; }
size_t dp_rules_count(const struct dp_rules *r) { return r->n; }
const struct dp_indicator *dp_rules_get(const struct dp_rules *r, size_t i) { return &r->ind[i]; }
int dp_rules_root(const struct dp_rules *r) { return r->root; }
const int *dp_rules_postorder(const struct dp_rules *r) { return r->post; }
size_t dp_rules_grade_count(const struct dp_rules *r) { return r->ngrades; }
const struct dp_grade *dp_rules_grade(const struct dp_rules *r, size_t i) { return &r->grades[i]; }

int dp_rules_find(const struct dp_rules *r, const char *code)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->ind[i].code, code) == 0)
			return (int)i;
	return -1;
}

const char *dp_rules_grade_of(const struct dp_rules *r, dp_dec total)
{
	for (size_t i = 0; i < r->ngrades; i++)
		if (total >= r->grades[i].min)
			return r->grades[i].label;
	return "";
}

bool dp_rules_grade_margin(const struct dp_rules *r, dp_dec total, dp_dec *margin)
{
	bool any = false;
	for (size_t i = 0; i < r->ngrades; i++) {
		if (r->grades[i].min <= 0)
			continue;
		dp_dec d = total - r->grades[i].min;
		if (d < 0)
			d = -d;
		if (!any || d < *margin)
			*margin = d;
		any = true;
	}
	return any;
}
