/* report/turnaround.c - the turnaround model (see turnaround.h). */
#include <assert.h>
#include <stdint.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"
#include "report/csv.h"
#include "report/keys.h"
#include "report/period.h"
#include "report/num.h"
#include "report/svg.h"
#include "report/turnaround.h"
#include "store/store.h"
#include "util/arena.h"

/* Durations kept per case: the six phases, received -> released and
 * the researcher's verification time. */
enum { M_TOTAL = METRICS__MAX, M_RESEARCHER, M__MAX };

static const char *const group_names[TAT_BY__MAX] = {
	"severity", "channel", "product"
};

static const char *const phase_labels[M__MAX] = {
	"Received \xe2\x86\x92 acknowledged",
	"Acknowledged \xe2\x86\x92 triaged",
	"Triaged \xe2\x86\x92 fix built",
	"Fix built \xe2\x86\x92 tested",
	"Tested \xe2\x86\x92 verified",
	"Verified \xe2\x86\x92 released",
	"Received \xe2\x86\x92 released (total)",
	"Researcher's verification",
};

static const char *const severities[] = {
	"critical", "high", "medium", "low", "unscored"
};
#define NSEV	5

/* One case, compactly: a million of them fit in ~48 MiB. */
struct trow {
	int32_t		 d[M__MAX];	/* seconds, -1 = not reached */
	uint32_t	 key[TAT_BY__MAX];
	uint16_t	 clar;
	uint8_t		 reissued, reopened;
	uint8_t		 released, in_sla;
};

struct scan {
	struct trow	*rows;
	size_t		 n, cap;
	struct report_keys keys[TAT_BY__MAX];
	int		 failed;
};

const char *
report_tat_group_name(enum tat_group_by g)
{
	return (unsigned)g < TAT_BY__MAX ? group_names[g] : NULL;
}

int
report_tat_group_parse(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < TAT_BY__MAX; i++)
		if (strcmp(s, group_names[i]) == 0)
			return i;
	return -1;
}

static int32_t
clamp32(int64_t v)
{
	if (v < 0)
		return -1;
	return v > INT32_MAX ? INT32_MAX : (int32_t)v;
}

static int
scan_row(void *arg, const struct store_metrics_row *m)
{
	struct scan *s = arg;
	struct trow *t, *nr;
	const char *sev;
	int i;

	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 4096;

		if ((nr = realloc(s->rows, ncap * sizeof(*nr))) == NULL) {
			s->failed = 1;
			return -1;
		}
		s->rows = nr;
		s->cap = ncap;
	}
	t = &s->rows[s->n];
	for (i = 0; i < METRICS__MAX; i++)
		t->d[i] = clamp32(m->phase[i]);
	t->d[M_TOTAL] = clamp32(m->total);
	t->d[M_RESEARCHER] = clamp32(m->researcher);
	sev = *m->severity != '\0' ? m->severity : "unscored";
	for (i = 0; i < NSEV - 1; i++)
		if (strcmp(sev, severities[i]) == 0)
			break;
	t->key[TAT_BY_SEVERITY] = (uint32_t)i;	/* else unscored */
	t->key[TAT_BY_CHANNEL] = report_key_of(&s->keys[TAT_BY_CHANNEL], m->channel);
	t->key[TAT_BY_PRODUCT] = report_key_of(&s->keys[TAT_BY_PRODUCT],
	    *m->product != '\0' ? m->product : "(none)");
	if (t->key[TAT_BY_CHANNEL] == UINT32_MAX ||
	    t->key[TAT_BY_PRODUCT] == UINT32_MAX) {
		s->failed = 1;
		return -1;
	}
	t->clar = m->clarifications > UINT16_MAX ? UINT16_MAX :
	    (uint16_t)m->clarifications;
	t->reissued = m->reissued > 0;
	t->reopened = m->reopened > 0;
	t->released = m->released_at != 0;
	t->in_sla = m->released_at != 0 && m->due_at != 0 &&
	    m->released_at <= m->due_at;
	s->n++;
	return 0;
}

/* ---- the model ---- */

static json_t *
days(int64_t seconds)
{
	if (seconds < 0)
		return json_null();
	/* one decimal: 0.1 day is 2.4 hours */
	return json_real((double)((seconds * 10 + 43200) / 86400) / 10.0);
}

/* A duration for people: "under a minute", "40 min", "2.4 h",
 * "3.5 d"; "–" when not reached. */
static json_t *
human(int64_t sec)
{
	long long t;
	char b[32];

	if (sec < 0)
		return json_string("\xe2\x80\x93");
	if (sec < 60)
		return json_string("under a minute");
	/* rounded like the days of the API: to the nearest tenth */
	if (sec < 3600)
		snprintf(b, sizeof(b), "%lld min", (long long)((sec + 30) / 60));
	else if (sec < 86400 - 180) {
		t = (sec * 10 + 1800) / 3600;
		snprintf(b, sizeof(b), "%lld.%lld h", t / 10, t % 10);
	} else {
		t = (sec * 10 + 43200) / 86400;
		snprintf(b, sizeof(b), "%lld.%lld d", t / 10, t % 10);
	}
	return json_string(b);
}

/* n / d to two decimals (0 when d is 0): 0.07, not 0.0706137... */
static double
ratio(uint64_t n, uint64_t d)
{
	return d ? (double)((n * 100 + d / 2) / d) / 100.0 : 0.0;
}

static json_t *
stats_json(int m, const struct core_metrics_stats *st)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	if (m >= 0) {
		json_object_set_new(o, "phase", json_string(m == M_TOTAL ?
		    "total" : m == M_RESEARCHER ? "researcher" :
		    core_metrics_phase_name((enum core_metrics_phase)m)));
		json_object_set_new(o, "label", json_string(phase_labels[m]));
	}
	json_object_set_new(o, "count", json_integer((json_int_t)st->count));
	json_object_set_new(o, "median_seconds", json_integer(st->median));
	json_object_set_new(o, "p90_seconds", json_integer(st->p90));
	json_object_set_new(o, "median_days", days(st->median));
	json_object_set_new(o, "p90_days", days(st->p90));
	json_object_set_new(o, "median_text", human(st->median));
	json_object_set_new(o, "p90_text", human(st->p90));
	return o;
}

/* Statistics of every duration over the rows idx[0..n) (all rows when
 * idx is NULL) into st[M__MAX]: one pass gathers each duration into its
 * own run of scratch (M__MAX * n values), then a radix selection per
 * duration (core_metrics_stats32). */
static void
stats_of(const struct trow *rows, const uint32_t *idx, size_t n,
    int32_t *scratch, union core_metrics_scratch *hist,
    struct core_metrics_stats *st)
{
	const struct trow *t;
	size_t i;
	int m;

	for (i = 0; i < n; i++) {
		t = &rows[idx ? idx[i] : i];
		for (m = 0; m < M__MAX; m++)
			scratch[(size_t)m * n + i] = t->d[m];
	}
	for (m = 0; m < M__MAX; m++)
		core_metrics_stats32(scratch + (size_t)m * n, n, hist, &st[m]);
}

static json_t *
phases_json(const struct core_metrics_stats *st)
{
	json_t *a = json_array();
	int m;

	for (m = 0; a != NULL && m <= M_TOTAL; m++)
		json_array_append_new(a, stats_json(m, &st[m]));
	return a;
}

struct group_acc {
	size_t		 cases, clar_cases, reissued, reopened;
	size_t		 released, in_sla;
	uint64_t	 rounds;
};

struct order {
	size_t		 cases;
	uint32_t	 k;
};

/* Largest group first; equal sizes in key order. */
static int
cmp_order(const void *a, const void *b)
{
	const struct order *x = a, *y = b;

	if (x->cases != y->cases)
		return x->cases < y->cases ? 1 : -1;
	return (x->k > y->k) - (x->k < y->k);
}

static json_t *
group_json(const char *key, const struct group_acc *g,
    const struct core_metrics_stats *st)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "key", json_string(key));
	json_object_set_new(o, "cases", json_integer((json_int_t)g->cases));
	json_object_set_new(o, "phases", phases_json(st));
	json_object_set_new(o, "total", stats_json(M_TOTAL, &st[M_TOTAL]));
	json_object_set_new(o, "researcher_verification",
	    stats_json(-1, &st[M_RESEARCHER]));
	json_object_set_new(o, "clarification_rounds",
	    json_integer((json_int_t)g->rounds));
	json_object_set_new(o, "cases_with_clarification",
	    json_integer((json_int_t)g->clar_cases));
	json_object_set_new(o, "clarifications_per_case",
	    json_real(ratio(g->rounds, g->cases)));
	json_object_set_new(o, "reissued", json_integer((json_int_t)g->reissued));
	json_object_set_new(o, "reopened", json_integer((json_int_t)g->reopened));
	json_object_set_new(o, "released", json_integer((json_int_t)g->released));
	json_object_set_new(o, "released_within_sla",
	    json_integer((json_int_t)g->in_sla));
	return o;
}

/* One grouping: counting sort of the rows by key, then the statistics of
 * each group over its slice. */
static json_t *
grouping_json(struct scan *s, enum tat_group_by by, int max_groups,
    int32_t *scratch, union core_metrics_scratch *hist, size_t *omitted)
{
	size_t ngroups = by == TAT_BY_SEVERITY ? NSEV : s->keys[by].n;
	struct core_metrics_stats st[M__MAX];
	struct group_acc *acc = NULL;
	uint32_t *idx = NULL;
	struct order *order = NULL;
	size_t *start = NULL, i, g, shown;
	json_t *arr = NULL;

	*omitted = 0;
	if ((arr = json_array()) == NULL)
		return NULL;
	if (ngroups == 0)
		return arr;
	acc = calloc(ngroups, sizeof(*acc));
	start = calloc(ngroups + 1, sizeof(*start));
	order = calloc(ngroups, sizeof(*order));
	idx = malloc((s->n ? s->n : 1) * sizeof(*idx));
	if (acc == NULL || start == NULL || order == NULL || idx == NULL)
		goto fail;
	for (i = 0; i < s->n; i++) {
		const struct trow *t = &s->rows[i];
		struct group_acc *a = &acc[t->key[by]];

		a->cases++;
		a->rounds += t->clar;
		a->clar_cases += t->clar > 0;
		a->reissued += t->reissued;
		a->reopened += t->reopened;
		a->released += t->released;
		a->in_sla += t->in_sla;
	}
	for (g = 0; g < ngroups; g++)
		start[g + 1] = start[g] + acc[g].cases;
	for (i = 0; i < s->n; i++)
		idx[start[s->rows[i].key[by]]++] = (uint32_t)i;
	for (g = ngroups; g > 0; g--)
		start[g] = start[g - 1];
	start[0] = 0;
	for (g = 0; g < ngroups; g++) {
		order[g].k = (uint32_t)g;
		order[g].cases = acc[g].cases;
	}
	/* severities in their own order; channels and products by size */
	if (by != TAT_BY_SEVERITY)
		qsort(order, ngroups, sizeof(*order), cmp_order);
	for (shown = 0, g = 0; g < ngroups; g++) {
		uint32_t k = order[g].k;

		if (acc[k].cases == 0)
			continue;
		if (max_groups > 0 && shown == (size_t)max_groups) {
			(*omitted)++;
			continue;
		}
		stats_of(s->rows, idx + start[k], acc[k].cases, scratch, hist,
		    st);
		if (json_array_append_new(arr, group_json(by == TAT_BY_SEVERITY ?
		    severities[k] : s->keys[by].name[k], &acc[k], st)) == -1)
			goto fail;
		shown++;
	}
	free(acc);
	free(start);
	free(order);
	free(idx);
	return arr;
fail:
	free(acc);
	free(start);
	free(order);
	free(idx);
	json_decref(arr);
	return NULL;
}

static json_t *
due_json(struct store *st, time_t from, time_t until, time_t now, int limit,
    int64_t *total)
{
	struct store_queue_row *rows;
	struct arena ar;
	size_t n, i;
	json_t *a, *o;
	char d[16];

	util_arena_init(&ar, 0);
	if (store_metrics_due(st, from, until, limit, &ar, &rows, &n, total) !=
	    STORE_OK || (a = json_array()) == NULL) {
		util_arena_release(&ar);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if ((o = json_object()) == NULL)
			break;
		report_ymd(d, sizeof(d), rows[i].due_at);
		json_object_set_new(o, "id", json_integer(rows[i].id));
		json_object_set_new(o, "tracking_id",
		    json_string(rows[i].tracking_id));
		json_object_set_new(o, "title", json_string(rows[i].title));
		json_object_set_new(o, "state", json_string(rows[i].state));
		json_object_set_new(o, "severity", json_string(
		    *rows[i].severity ? rows[i].severity : "unscored"));
		json_object_set_new(o, "product", json_string(rows[i].product));
		json_object_set_new(o, "assignee", json_string(rows[i].assignee));
		json_object_set_new(o, "due", json_string(d));
		json_object_set_new(o, "due_at", json_integer(rows[i].due_at));
		json_object_set_new(o, "overdue_days",
		    json_integer(rows[i].due_at < now ?
		    (json_int_t)((now - rows[i].due_at) / 86400) : 0));
		json_object_set_new(o, "days_left",
		    json_integer(rows[i].due_at >= now ?
		    (json_int_t)((rows[i].due_at - now) / 86400) : 0));
		json_array_append_new(a, o);
	}
	util_arena_release(&ar);
	return a;
}

static json_t *
sla_json(struct store *st, const struct tat_query *q)
{
	const int days_of[NSEV] = { q->sla.critical, q->sla.high,
	    q->sla.medium, q->sla.low, q->sla.unscored };
	int limit = q->max_due > 0 ? q->max_due : 100, i;
	json_t *o = json_object(), *t = json_array(), *b, *soon;
	int64_t nb = 0, ns = 0;

	if (o == NULL || t == NULL) {
		json_decref(o);
		json_decref(t);
		return NULL;
	}
	for (i = 0; i < NSEV; i++)
		json_array_append_new(t, json_pack("{s:s, s:s, s:i}",
		    "severity", severities[i], "label", i == NSEV - 1 ?
		    "unscored (to triage)" : severities[i], "days", days_of[i]));
	json_object_set_new(o, "targets", t);
	json_object_set_new(o, "due_soon_days", json_integer(q->sla.due_soon_days));
	b = due_json(st, 0, q->now, q->now, limit, &nb);
	soon = due_json(st, q->now, q->now + (time_t)q->sla.due_soon_days *
	    86400, q->now, limit, &ns);
	if (b == NULL || soon == NULL) {
		json_decref(b);
		json_decref(soon);
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "any_breached", json_boolean(json_array_size(b)));
	json_object_set_new(o, "any_due_soon",
	    json_boolean(json_array_size(soon)));
	json_object_set_new(o, "breached", b);
	json_object_set_new(o, "breached_count", json_integer(nb));
	json_object_set_new(o, "due_soon", soon);
	json_object_set_new(o, "due_soon_count", json_integer(ns));
	return o;
}

/* The element of array arr whose member field is the string key, or
 * NULL. */
static const json_t *
find_by(const json_t *arr, const char *field, const char *key)
{
	const json_t *v;
	const char *s;
	size_t i;

	for (i = 0; i < json_array_size(arr); i++) {
		v = json_array_get(arr, i);
		s = json_string_value(json_object_get(v, field));
		if (s != NULL && strcmp(s, key) == 0)
			return v;
	}
	return NULL;
}

/* The web form against e-mail in one sentence's worth of figures:
 * "comparison": {web: {triage, total, share_with_rounds}, email: ...}
 * when the period has cases of both channels. */
static void
comparison(json_t *model)
{
	static const char *const ch[2] = { "web", "email" };
	const json_t *g, *c;
	json_t *o = json_object(), *e;
	size_t k, found = 0;
	double share;

	if (o == NULL)
		return;
	for (k = 0; k < 2; k++) {
		g = find_by(json_object_get(json_object_get(model, "groups"),
		    "channel"), "key", ch[k]);
		c = find_by(json_object_get(model, "clarifications"),
		    "channel", ch[k]);
		if (g == NULL || c == NULL)
			continue;
		share = json_integer_value(json_object_get(c, "cases")) > 0 ?
		    (double)json_integer_value(json_object_get(c,
		    "cases_with_rounds")) / (double)json_integer_value(
		    json_object_get(c, "cases")) : 0.0;
		e = json_pack("{s:O, s:O, s:f}",
		    "triage", json_object_get(json_array_get(json_object_get(g,
		    "phases"), METRICS_TRIAGE), "median_text"),
		    "total", json_object_get(json_object_get(g, "total"),
		    "median_text"),
		    "share_with_rounds", (double)(long)(share * 1000 + 0.5) /
		    10);
		if (e != NULL) {
			json_object_set_new(o, ch[k], e);
			found++;
		}
	}
	if (found == 2)
		json_object_set_new(model, "comparison", o);
	else
		json_decref(o);
}

int
report_turnaround(struct store *st, const struct tat_query *q, json_t **out)
{
	struct core_metrics_stats all[M__MAX];
	struct scan s;
	int32_t *scratch = NULL;
	union core_metrics_scratch *hist = NULL;
	json_t *model = NULL, *groups, *g, *sla;
	size_t omitted, i;
	char d[16];
	int by, rc = -1;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	if (store_metrics_scan(st, q->from, q->to, scan_row, &s) != STORE_OK ||
	    s.failed)
		goto done;
	if ((scratch = malloc((s.n ? s.n : 1) * M__MAX * sizeof(*scratch))) ==
	    NULL || (hist = malloc(sizeof(*hist))) == NULL)
		goto done;
	stats_of(s.rows, NULL, s.n, scratch, hist, all);
	if ((model = json_object()) == NULL)
		goto done;
	report_ymd(d, sizeof(d), q->from);
	json_object_set_new(model, "from", json_string(d));
	report_ymd(d, sizeof(d), q->to - 1);
	json_object_set_new(model, "to", json_string(d));
	json_object_set_new(model, "cases", json_integer((json_int_t)s.n));
	json_object_set_new(model, "phases", phases_json(all));
	json_object_set_new(model, "total", stats_json(M_TOTAL, &all[M_TOTAL]));
	json_object_set_new(model, "researcher_verification",
	    stats_json(-1, &all[M_RESEARCHER]));
	if ((groups = json_object()) == NULL)
		goto done;
	json_object_set_new(model, "groups", groups);
	for (by = 0; by < TAT_BY__MAX; by++) {
		if (!(q->groups & (1u << by)))
			continue;
		g = grouping_json(&s, (enum tat_group_by)by, q->max_groups > 0 ?
		    q->max_groups : 50, scratch, hist, &omitted);
		if (g == NULL)
			goto done;
		json_object_set_new(groups, group_names[by], g);
		if (omitted > 0) {
			char key[64];

			snprintf(key, sizeof(key), "%s_omitted", group_names[by]);
			json_object_set_new(model, key,
			    json_integer((json_int_t)omitted));
		}
	}
	/* clarification rounds per channel: always, the web form's case */
	{
		json_t *per = json_array(), *ch;
		size_t nch = s.keys[TAT_BY_CHANNEL].n;
		uint64_t *rounds = calloc(nch ? nch : 1, sizeof(*rounds));
		size_t *cases = calloc(nch ? nch : 1, sizeof(*cases));
		size_t *with = calloc(nch ? nch : 1, sizeof(*with));

		if (per == NULL || rounds == NULL || cases == NULL ||
		    with == NULL) {
			json_decref(per);
			free(rounds);
			free(cases);
			free(with);
			goto done;
		}
		for (i = 0; i < s.n; i++) {
			uint32_t k = s.rows[i].key[TAT_BY_CHANNEL];

			cases[k]++;
			rounds[k] += s.rows[i].clar;
			with[k] += s.rows[i].clar > 0;
		}
		for (i = 0; i < nch; i++) {
			ch = json_pack("{s:s, s:I, s:I, s:I, s:f, s:f}",
			    "channel", s.keys[TAT_BY_CHANNEL].name[i],
			    "cases", (json_int_t)cases[i],
			    "rounds", (json_int_t)rounds[i],
			    "cases_with_rounds", (json_int_t)with[i],
			    "per_case", ratio(rounds[i], cases[i]),
			    "share_with_rounds", ratio(with[i], cases[i]));
			json_array_append_new(per, ch);
		}
		free(rounds);
		free(cases);
		free(with);
		json_object_set_new(model, "clarifications", per);
	}
	comparison(model);
	if ((sla = sla_json(st, q)) == NULL)
		goto done;
	json_object_set_new(model, "sla", sla);
	*out = model;
	model = NULL;
	rc = 0;
done:
	json_decref(model);
	free(scratch);
	free(hist);
	free(s.rows);
	for (by = 0; by < TAT_BY__MAX; by++)
		report_keys_free(&s.keys[by]);
#ifdef __GLIBC__
	/* a million rows took ~90 MiB, now freed: give it back rather than
	 * keep it in the heap of the thread that served the request */
	malloc_trim(0);
#endif
	return rc;
}

/* ---- CSV ---- */

static int
csv_phase_rows(struct buf *b, const char *by, const char *group,
    const json_t *phases)
{
	const json_t *p;
	size_t i;
	json_int_t med, p90;

	json_array_foreach(phases, i, p) {
		med = json_integer_value(json_object_get(p, "median_seconds"));
		p90 = json_integer_value(json_object_get(p, "p90_seconds"));
		report_csv_cell(b, by);
		report_csv_cell(b, group);
		report_csv_cell(b, json_string_value(json_object_get(p,
		    "phase")));
		report_csv_int(b, json_integer_value(json_object_get(p,
		    "count")));
		if (med >= 0) {
			report_csv_int(b, med);
			report_csv_int(b, p90);
			report_csv_num(b, (double)med / 86400.0, 2);
			report_csv_num(b, (double)p90 / 86400.0, 2);
		} else {
			report_csv_cell(b, NULL);
			report_csv_cell(b, NULL);
			report_csv_cell(b, NULL);
			report_csv_cell(b, NULL);
		}
		if (report_csv_row_end(b) == -1)
			return -1;
	}
	return 0;
}

int
report_turnaround_csv(const json_t *model, struct buf *b)
{
	static const char *const head[] = { "group_by", "group", "phase",
	    "cases", "median_seconds", "p90_seconds", "median_days",
	    "p90_days" };
	const json_t *groups, *arr, *g;
	const char *by;
	size_t i;

	if (report_csv_bom(b) == -1 ||
	    report_csv_row(b, head, sizeof(head) / sizeof(head[0])) == -1 ||
	    csv_phase_rows(b, "all", "all", json_object_get(model, "phases")) ==
	    -1)
		return -1;
	groups = json_object_get(model, "groups");
	json_object_foreach((json_t *)groups, by, arr) {
		json_array_foreach(arr, i, g) {
			if (csv_phase_rows(b, by, json_string_value(
			    json_object_get(g, "key")),
			    json_object_get(g, "phases")) == -1)
				return -1;
		}
	}
	return b->failed ? -1 : 0;
}

/* ---- charts ---- */

static double
days_val(const json_t *stat, const char *field)
{
	json_int_t v = json_integer_value(json_object_get(stat, field));

	return v < 0 ? -1 : (double)v / 86400.0;
}

int
report_turnaround_charts(json_t *model)
{
	const char *labels[M__MAX];
	double med[M__MAX], p90[M__MAX];
	struct report_series ser[REPORT_SVG_MAX_SERIES];
	double *vals = NULL;
	const char *names[REPORT_SVG_MAX_SERIES];
	const json_t *phases = json_object_get(model, "phases"), *p, *arr, *g;
	struct report_chart ch;
	struct buf b;
	size_t i, n, k;
	int rc = -1;

	util_buf_init(&b, 4 * 1024 * 1024);
	n = 0;
	json_array_foreach(phases, i, p) {
		if (n == METRICS__MAX)
			break;		/* the total has its own chart */
		labels[n] = json_string_value(json_object_get(p, "label"));
		med[n] = days_val(p, "median_seconds");
		p90[n] = days_val(p, "p90_seconds");
		n++;
	}
	ser[0].name = "Median";
	ser[0].values = med;
	ser[1].name = "90th percentile";
	ser[1].values = p90;
	memset(&ch, 0, sizeof(ch));
	ch.caption = "Days per phase";
	ch.unit = "days";
	ch.labels = labels;
	ch.n_labels = n;
	ch.series = ser;
	ch.n_series = 2;
	ch.decimals = 1;
	if (report_svg_bars(&b, &ch) == -1 ||
	    report_keys_svg(model, "chart_phases_html", &b) == -1)
		goto done;

	/* the channels side by side, median per phase */
	arr = json_object_get(json_object_get(model, "groups"), "channel");
	if (json_array_size(arr) > 0) {
		k = json_array_size(arr);
		if (k > REPORT_SVG_MAX_SERIES)
			k = REPORT_SVG_MAX_SERIES;
		if ((vals = calloc(k * METRICS__MAX, sizeof(*vals))) == NULL)
			goto done;
		for (i = 0; i < k; i++) {
			size_t j;

			g = json_array_get(arr, i);
			names[i] = json_string_value(json_object_get(g, "key"));
			for (j = 0; j < n; j++)
				vals[i * METRICS__MAX + j] = days_val(
				    json_array_get(json_object_get(g, "phases"),
				    j), "median_seconds");
			ser[i].name = names[i];
			ser[i].values = vals + i * METRICS__MAX;
		}
		ch.caption = "Median days per phase, by channel";
		ch.n_series = k;
		if (report_svg_bars(&b, &ch) == -1 ||
		    report_keys_svg(model, "chart_channels_html", &b) == -1)
			goto done;
	}
	/* total turnaround per severity */
	arr = json_object_get(json_object_get(model, "groups"), "severity");
	if (json_array_size(arr) > 0) {
		const char *sl[NSEV];
		double sm[NSEV], sp[NSEV];

		k = json_array_size(arr) > NSEV ? NSEV : json_array_size(arr);
		for (i = 0; i < k; i++) {
			const json_t *tot;

			g = json_array_get(arr, i);
			sl[i] = json_string_value(json_object_get(g, "key"));
			tot = json_array_get(json_object_get(g, "phases"),
			    M_TOTAL);
			sm[i] = days_val(tot, "median_seconds");
			sp[i] = days_val(tot, "p90_seconds");
		}
		ser[0].name = "Median";
		ser[0].values = sm;
		ser[1].name = "90th percentile";
		ser[1].values = sp;
		ch.caption = "Days from report to release, by severity";
		ch.labels = sl;
		ch.n_labels = k;
		ch.n_series = 2;
		if (report_svg_bars(&b, &ch) == -1 ||
		    report_keys_svg(model, "chart_severity_html", &b) == -1)
			goto done;
	}
	rc = 0;
done:
	free(vals);
	util_buf_release(&b);
	return rc;
}
