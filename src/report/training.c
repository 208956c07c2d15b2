/* report/training.c - the training report model (see training.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cwe.h"
#include "core/postmortem.h"
#include "report/csv.h"
#include "report/keys.h"
#include "report/period.h"
#include "report/svg.h"
#include "report/training.h"
#include "store/store.h"
#include "util/arena.h"

#define MAX_QUARTERS	64	/* 16 years of quarters */
#define TREND_CWES	5

struct tscan {
	struct report_keys	 cwe, comp;
	size_t			*ncwe, *ncomp;	/* counts per key */
	size_t			 capcwe, capcomp;
	size_t			 practice[PRACTICE__MAX];
	size_t			 total, regressions, reissued;
	/* per quarter: total and per CWE key (grown with the keys) */
	int			 q0;		/* first quarter index */
	int			 nq;
	size_t			 qtotal[MAX_QUARTERS];
	size_t			*qcwe[MAX_QUARTERS];
	size_t			 qcap[MAX_QUARTERS];
	size_t			 qpractice[MAX_QUARTERS][PRACTICE__MAX];
	int			 failed;
};

static int
quarter_of(time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 4 + tm.tm_mon / 3;
}

/* Makes counts[k] addressable (zero-filled growth). */
static int
grow(size_t **counts, size_t *cap, uint32_t k)
{
	size_t ncap;
	size_t *n;

	if (k < *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap <= k)
		ncap *= 2;
	if ((n = realloc(*counts, ncap * sizeof(*n))) == NULL)
		return -1;
	memset(n + *cap, 0, (ncap - *cap) * sizeof(*n));
	*counts = n;
	*cap = ncap;
	return 0;
}

static int
tscan_row(void *arg, const struct store_postmortem *pm)
{
	struct tscan *s = arg;
	uint32_t kc, kp;
	int p, q;

	kc = report_key_of(&s->cwe, pm->cwe);
	kp = report_key_of(&s->comp, pm->component);
	if (kc == UINT32_MAX || kp == UINT32_MAX ||
	    grow(&s->ncwe, &s->capcwe, kc) == -1 ||
	    grow(&s->ncomp, &s->capcomp, kp) == -1)
		goto fail;
	s->ncwe[kc]++;
	s->ncomp[kp]++;
	if ((p = core_pm_practice_parse(pm->practice)) < 0)
		p = PRACTICE_OTHER;
	s->practice[p]++;
	s->total++;
	s->regressions += pm->regression_of != 0;
	s->reissued += pm->reissued != 0;
	q = quarter_of(pm->released_at) - s->q0;
	if (q >= 0 && q < s->nq) {
		if (grow(&s->qcwe[q], &s->qcap[q], kc) == -1)
			goto fail;
		s->qtotal[q]++;
		s->qcwe[q][kc]++;
		s->qpractice[q][p]++;
	}
	return 0;
fail:
	s->failed = 1;
	return -1;
}

struct rank {
	size_t		 n;
	uint32_t	 k;
};

static int
cmp_rank(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return (x->k > y->k) - (x->k < y->k);
}

/* The keys of counts[0..n) by count, largest first (caller frees). */
static struct rank *
ranked(const size_t *counts, size_t n)
{
	struct rank *r = malloc((n ? n : 1) * sizeof(*r));
	size_t i;

	if (r == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		r[i].n = counts[i];
		r[i].k = (uint32_t)i;
	}
	qsort(r, n, sizeof(*r), cmp_rank);
	return r;
}

static double
share(size_t n, size_t total)
{
	return total ? (double)((n * 1000 + total / 2) / total) / 10.0 : 0.0;
}

static const char *
cwe_name(const char *cwe)
{
	const struct core_cwe *c = core_cwe_find(core_cwe_parse(cwe));

	return c ? c->name : "";
}

static json_t *
anon(const struct store_postmortem *pm, const char *text, const char *prefix)
{
	const char *names[3] = { pm->reporter_name, pm->credit,
	    pm->reporter_email };
	size_t len = strlen(text) + 1;
	char *out;
	json_t *j;

	/* the replacements are at most 10 bytes for at least 3 */
	len = len * 4 + 16;
	if ((out = malloc(len)) == NULL)
		return NULL;
	core_pm_anonymise(text, names, 3, prefix, out, len);
	j = json_string(out);
	free(out);
	return j;
}

static json_t *
examples_json(struct store *st, const struct trn_query *q, json_t *weak,
    int nweak)
{
	json_t *arr = json_array(), *w, *items, *o;
	struct store_postmortem *pm;
	struct arena ar;
	size_t n, i;
	int k;

	if (arr == NULL)
		return NULL;
	for (k = 0; k < nweak; k++) {
		const char *cwe;

		w = json_array_get(weak, (size_t)k);
		cwe = json_string_value(json_object_get(w, "cwe"));
		util_arena_init(&ar, 0);
		if (store_postmortem_examples(st, cwe, q->from, q->to,
		    q->examples > 0 ? q->examples : 3, &ar, &pm, &n) !=
		    STORE_OK) {
			util_arena_release(&ar);
			json_decref(arr);
			return NULL;
		}
		items = json_array();
		for (i = 0; items != NULL && i < n; i++) {
			o = json_object();
			json_object_set_new(o, "component",
			    anon(&pm[i], pm[i].component, q->tracking_prefix));
			json_object_set_new(o, "practice",
			    json_string(pm[i].practice));
			json_object_set_new(o, "practice_label", json_string(
			    core_pm_practice_label(core_pm_practice_parse(
			    pm[i].practice)) ? core_pm_practice_label(
			    core_pm_practice_parse(pm[i].practice)) : "Other"));
			json_object_set_new(o, "root_cause",
			    anon(&pm[i], pm[i].root_cause, q->tracking_prefix));
			json_object_set_new(o, "fix",
			    anon(&pm[i], pm[i].fix, q->tracking_prefix));
			json_object_set_new(o, "lessons",
			    anon(&pm[i], pm[i].lessons, q->tracking_prefix));
			json_object_set_new(o, "tags",
			    anon(&pm[i], pm[i].tags, q->tracking_prefix));
			json_array_append_new(items, o);
		}
		util_arena_release(&ar);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o*}",
		    "cwe", cwe, "name", cwe_name(cwe), "items", items));
	}
	return arr;
}

static json_t *
embarrassing_json(struct store *st, const struct trn_query *q)
{
	struct store_postmortem *pm;
	struct arena ar;
	json_t *arr;
	size_t n, i;
	char d[16];

	util_arena_init(&ar, 0);
	if (store_postmortem_embarrassing(st, q->from, q->to, q->list > 0 ?
	    q->list : 50, &ar, &pm, &n) != STORE_OK ||
	    (arr = json_array()) == NULL) {
		util_arena_release(&ar);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		report_ymd(d, sizeof(d), pm[i].released_at);
		json_array_append_new(arr, json_pack(
		    "{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s}",
		    "tracking_id", pm[i].tracking_id,
		    "case_id", (json_int_t)pm[i].case_id,
		    "cwe", pm[i].cwe, "name", cwe_name(pm[i].cwe),
		    "component", pm[i].component,
		    "practice", pm[i].practice,
		    "regression_of", pm[i].regression_of_tracking,
		    "reissued", pm[i].reissued != 0,
		    "released", d));
	}
	util_arena_release(&ar);
	return arr;
}

int
report_training(struct store *st, const struct trn_query *q, json_t **out)
{
	struct tscan s;
	struct rank *rc = NULL, *rp = NULL;
	json_t *m = NULL, *a, *o;
	size_t i, top = q->top > 0 ? (size_t)q->top : 10, n;
	char d[16], ql[16];
	int qi, ret = -1, ntrend;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	s.q0 = quarter_of(q->from);
	s.nq = quarter_of(q->to - 1) - s.q0 + 1;
	if (s.nq < 1)
		s.nq = 1;
	if (s.nq > MAX_QUARTERS) {
		/* keep the latest quarters */
		s.q0 += s.nq - MAX_QUARTERS;
		s.nq = MAX_QUARTERS;
	}
	if (store_postmortem_scan(st, q->from, q->to, tscan_row, &s) !=
	    STORE_OK || s.failed)
		goto done;
	if ((rc = ranked(s.ncwe, s.cwe.n)) == NULL ||
	    (rp = ranked(s.ncomp, s.comp.n)) == NULL ||
	    (m = json_object()) == NULL)
		goto done;
	report_ymd(d, sizeof(d), q->from);
	json_object_set_new(m, "from", json_string(d));
	report_ymd(d, sizeof(d), q->to - 1);
	json_object_set_new(m, "to", json_string(d));
	json_object_set_new(m, "postmortems", json_integer((json_int_t)s.total));

	a = json_array();
	n = s.cwe.n < top ? s.cwe.n : top;
	for (i = 0; i < n; i++) {
		const char *cwe = s.cwe.name[rc[i].k];

		json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:f, s:i}",
		    "cwe", cwe, "name", cwe_name(cwe),
		    "count", (json_int_t)rc[i].n,
		    "share", share(rc[i].n, s.total),
		    "top25_rank", core_cwe_top25_rank(core_cwe_parse(cwe))));
	}
	json_object_set_new(m, "weaknesses", a);
	json_object_set_new(m, "weaknesses_total",
	    json_integer((json_int_t)s.cwe.n));

	a = json_array();
	n = s.comp.n < top ? s.comp.n : top;
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:I, s:f}",
		    "component", s.comp.name[rp[i].k],
		    "count", (json_int_t)rp[i].n,
		    "share", share(rp[i].n, s.total)));
	json_object_set_new(m, "components", a);
	json_object_set_new(m, "components_total",
	    json_integer((json_int_t)s.comp.n));

	a = json_array();
	for (i = 0; i < PRACTICE__MAX; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:f}",
		    "practice", core_pm_practice_name(i),
		    "label", core_pm_practice_label(i),
		    "count", (json_int_t)s.practice[i],
		    "share", share(s.practice[i], s.total)));
	json_object_set_new(m, "practices", a);

	json_object_set_new(m, "regressions",
	    json_integer((json_int_t)s.regressions));
	json_object_set_new(m, "reissued", json_integer((json_int_t)s.reissued));
	if ((a = embarrassing_json(st, q)) == NULL)
		goto done;
	json_object_set_new(m, "any_embarrassing",
	    json_boolean(json_array_size(a) > 0));
	json_object_set_new(m, "embarrassing", a);

	/* per quarter: the total, the top weaknesses, the practices */
	ntrend = s.cwe.n < TREND_CWES ? (int)s.cwe.n : TREND_CWES;
	a = json_array();
	for (qi = 0; qi < s.nq; qi++) {
		json_t *wk = json_object(), *pr = json_object();
		int k;

		snprintf(ql, sizeof(ql), "%d Q%d", (s.q0 + qi) / 4,
		    (s.q0 + qi) % 4 + 1);
		for (k = 0; k < ntrend; k++) {
			uint32_t key = rc[k].k;

			json_object_set_new(wk, s.cwe.name[key], json_integer(
			    key < s.qcap[qi] ? (json_int_t)s.qcwe[qi][key] : 0));
		}
		for (k = 0; k < PRACTICE__MAX; k++)
			json_object_set_new(pr, core_pm_practice_name(k),
			    json_integer((json_int_t)s.qpractice[qi][k]));
		o = json_pack("{s:s, s:I, s:o, s:o}", "quarter", ql,
		    "total", (json_int_t)s.qtotal[qi], "weaknesses", wk,
		    "practices", pr);
		json_array_append_new(a, o);
	}
	json_object_set_new(m, "quarters", a);

	if ((a = examples_json(st, q, json_object_get(m, "weaknesses"),
	    ntrend)) == NULL)
		goto done;
	json_object_set_new(m, "examples", a);
	*out = m;
	m = NULL;
	ret = 0;
done:
	json_decref(m);
	free(rc);
	free(rp);
	report_keys_free(&s.cwe);
	report_keys_free(&s.comp);
	free(s.ncwe);
	free(s.ncomp);
	for (qi = 0; qi < MAX_QUARTERS; qi++)
		free(s.qcwe[qi]);
	return ret;
}

/* ---- CSV ---- */

static void
csv_counts(struct buf *b, const char *section, const json_t *arr,
    const char *keyf, const char *labelf)
{
	const json_t *o;
	size_t i;

	json_array_foreach(arr, i, o) {
		report_csv_cell(b, section);
		report_csv_cell(b, json_string_value(json_object_get(o, keyf)));
		report_csv_cell(b, labelf ? json_string_value(
		    json_object_get(o, labelf)) : NULL);
		report_csv_int(b, json_integer_value(json_object_get(o,
		    "count")));
		report_csv_num(b, json_real_value(json_object_get(o, "share")),
		    1);
		report_csv_row_end(b);
	}
}

int
report_training_csv(const json_t *m, struct buf *b)
{
	static const char *const head[] = { "section", "key", "label",
	    "count", "share_percent" };
	static const char *const head2[] = { "tracking_id", "cwe",
	    "component", "practice", "regression_of", "reissued", "released" };
	const json_t *o;
	size_t i;

	report_csv_bom(b);
	report_csv_row(b, head, 5);
	csv_counts(b, "weakness", json_object_get(m, "weaknesses"), "cwe",
	    "name");
	csv_counts(b, "component", json_object_get(m, "components"),
	    "component", NULL);
	csv_counts(b, "practice", json_object_get(m, "practices"),
	    "practice", "label");
	json_array_foreach(json_object_get(m, "quarters"), i, o) {
		report_csv_cell(b, "quarter");
		report_csv_cell(b, json_string_value(json_object_get(o,
		    "quarter")));
		report_csv_cell(b, NULL);
		report_csv_int(b, json_integer_value(json_object_get(o,
		    "total")));
		report_csv_cell(b, NULL);
		report_csv_row_end(b);
	}
	report_csv_cell(b, "regressions");
	report_csv_cell(b, NULL);
	report_csv_cell(b, NULL);
	report_csv_int(b, json_integer_value(json_object_get(m,
	    "regressions")));
	report_csv_cell(b, NULL);
	report_csv_row_end(b);
	report_csv_cell(b, "reissued");
	report_csv_cell(b, NULL);
	report_csv_cell(b, NULL);
	report_csv_int(b, json_integer_value(json_object_get(m, "reissued")));
	report_csv_cell(b, NULL);
	report_csv_row_end(b);
	report_csv_row_end(b);
	report_csv_row(b, head2, 7);
	json_array_foreach(json_object_get(m, "embarrassing"), i, o) {
		report_csv_cell(b, json_string_value(json_object_get(o,
		    "tracking_id")));
		report_csv_cell(b, json_string_value(json_object_get(o, "cwe")));
		report_csv_cell(b, json_string_value(json_object_get(o,
		    "component")));
		report_csv_cell(b, json_string_value(json_object_get(o,
		    "practice")));
		report_csv_cell(b, json_string_value(json_object_get(o,
		    "regression_of")));
		report_csv_cell(b, json_is_true(json_object_get(o, "reissued")) ?
		    "yes" : "no");
		report_csv_cell(b, json_string_value(json_object_get(o,
		    "released")));
		report_csv_row_end(b);
	}
	return b->failed ? -1 : 0;
}

/* ---- charts ---- */

int
report_training_charts(json_t *m)
{
	const char *labels[REPORT_SVG_MAX_LABELS];
	double v[REPORT_SVG_MAX_LABELS];
	double tv[TREND_CWES][MAX_QUARTERS];
	const char *ql[MAX_QUARTERS];
	struct report_series ser[TREND_CWES];
	struct report_chart ch;
	const json_t *arr, *o;
	struct buf b;
	size_t i, n, k, nq;
	int rc = -1;

	util_buf_init(&b, 4 * 1024 * 1024);
	memset(&ch, 0, sizeof(ch));
	ch.labels = labels;
	ch.series = ser;
	ch.n_series = 1;
	ch.unit = "cases";

	arr = json_object_get(m, "weaknesses");
	n = 0;
	json_array_foreach(arr, i, o) {
		if (n == REPORT_SVG_MAX_LABELS)
			break;
		labels[n] = json_string_value(json_object_get(o, "cwe"));
		v[n++] = (double)json_integer_value(json_object_get(o, "count"));
	}
	ser[0].name = "Cases";
	ser[0].values = v;
	ch.caption = "Top weaknesses";
	ch.n_labels = n;
	if (report_svg_bars(&b, &ch) == -1 ||
	    report_keys_svg(m, "chart_weaknesses_html", &b) == -1)
		goto done;

	arr = json_object_get(m, "practices");
	n = 0;
	json_array_foreach(arr, i, o) {
		labels[n] = json_string_value(json_object_get(o, "label"));
		v[n++] = (double)json_integer_value(json_object_get(o, "count"));
	}
	ch.caption = "The practice that should have caught it";
	ch.n_labels = n;
	if (report_svg_bars(&b, &ch) == -1 ||
	    report_keys_svg(m, "chart_practices_html", &b) == -1)
		goto done;

	/* trends: the top weaknesses per quarter */
	arr = json_object_get(m, "quarters");
	nq = json_array_size(arr) < MAX_QUARTERS ? json_array_size(arr) :
	    MAX_QUARTERS;
	n = json_array_size(json_object_get(m, "weaknesses"));
	if (n > TREND_CWES)
		n = TREND_CWES;
	for (k = 0; k < n; k++) {
		const char *cwe = json_string_value(json_object_get(
		    json_array_get(json_object_get(m, "weaknesses"), k), "cwe"));

		for (i = 0; i < nq; i++)
			tv[k][i] = (double)json_integer_value(json_object_get(
			    json_object_get(json_array_get(arr, i),
			    "weaknesses"), cwe));
		ser[k].name = cwe;
		ser[k].values = tv[k];
	}
	for (i = 0; i < nq; i++)
		ql[i] = json_string_value(json_object_get(json_array_get(arr,
		    i), "quarter"));
	ch.caption = "Top weaknesses per quarter";
	ch.labels = ql;
	ch.n_labels = nq;
	ch.n_series = n;
	if (report_svg_lines(&b, &ch) == -1 ||
	    report_keys_svg(m, "chart_trends_html", &b) == -1)
		goto done;
	rc = 0;
done:
	util_buf_release(&b);
	return rc;
}
