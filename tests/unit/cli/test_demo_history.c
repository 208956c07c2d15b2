/* tests/unit/cli/test_demo_history.c - the generated history of `vigil
 * demo --history' (cli/demo_history.c), without a database: every case
 * is a legal path through the lifecycle table in time order, closed
 * cases carry a post-mortem that agrees with the events, severities
 * agree with the CVSS vectors and due dates with the SLA, the shares of
 * a fixed seed are near their targets (e-mail needs clarification far
 * more often than the web form), the report and post-mortem texts fit
 * the case's CWE and start with a capital, and the same seed gives the
 * same history whatever the batch size. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/demo_history.h"
#include "core/calendar.h"
#include "core/cvss.h"
#include "core/cwe.h"
#include "core/lifecycle.h"
#include "util/arena.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define DAY		((time_t)86400)
#define N		4000

struct run {
	struct arena			 a;
	struct store_history_case	*c;
	size_t				*reg;
	size_t				 n;
};

static time_t windows[64];
static size_t nwindows;

static time_t
test_now(void)
{
	/* 2026-06-16 12:00 UTC */
	return (time_t)core_days_from_civil(2026, 6, 16) * DAY + 12 * 3600;
}

static void
params(struct cli_history_params *p, uint64_t seed, size_t n)
{
	time_t now = test_now();

	memset(p, 0, sizeof(*p));
	p->seed = seed;
	p->n = n;
	p->now = now;
	p->tracking_prefix = "VR";
	p->sla_triage = 3;
	p->sla_critical = 7;
	p->sla_high = 30;
	p->sla_medium = 90;
	p->sla_low = 180;
	p->verify_days = 7;
	if (nwindows == 0)
		nwindows = cli_history_windows(now - CLI_HISTORY_SPAN - 31 * DAY,
		    now + 400 * DAY, windows, NELEM(windows));
	p->windows = windows;
	p->nwindows = nwindows;
}

/* All n cases of a seed, asked for `batch' at a time. */
static void
generate(struct run *r, uint64_t seed, size_t n, size_t batch)
{
	struct cli_history_params p;
	struct cli_history *h;
	size_t got;

	params(&p, seed, n);
	assert_non_null(h = cli_history_new(&p));
	util_arena_init(&r->a, 0);
	assert_non_null(r->c = calloc(n, sizeof(*r->c)));
	assert_non_null(r->reg = calloc(n, sizeof(*r->reg)));
	r->n = 0;
	while ((got = cli_history_next(h, &r->a, r->c + r->n,
	    n - r->n < batch ? n - r->n : batch, r->reg + r->n)) > 0)
		r->n += got;
	assert_int_equal(r->n, n);
	assert_int_equal(cli_history_count(h), n);
	assert_int_equal(cli_history_next(h, &r->a, r->c, 1, NULL), 0);
	cli_history_free(h);
}

static void
run_free(struct run *r)
{
	util_arena_release(&r->a);
	free(r->c);
	free(r->reg);
}

static int
st(const char *s)
{
	int v = core_state_parse(s);

	assert_true(v >= 0);
	return v;
}

/* The time of the first event into state `to', or 0. */
static time_t
first_into(const struct store_history_case *c, const char *to)
{
	size_t i;

	for (i = 1; i < c->nev; i++)
		if (strcmp(c->ev[i].to, to) == 0)
			return c->ev[i].at;
	return 0;
}

static unsigned
count_into(const struct store_history_case *c, const char *to)
{
	unsigned n = 0;
	size_t i;

	for (i = 1; i < c->nev; i++)
		if (strcmp(c->ev[i].to, to) == 0)
			n++;
	return n;
}

/* Entries into fixing from testing, verifying, ready or scheduled. */
static unsigned
reissues(const struct store_history_case *c)
{
	unsigned n = 0;
	size_t i;

	for (i = 1; i < c->nev; i++)
		if (strcmp(c->ev[i].to, "fixing") == 0 &&
		    strcmp(c->ev[i].from, "confirmed") != 0)
			n++;
	return n;
}

static int
is_window(time_t t)
{
	size_t i;

	for (i = 0; i < nwindows; i++)
		if (windows[i] == t)
			return 1;
	return 0;
}

static void
test_legal_paths(void **state)
{
	struct run r;
	time_t now = test_now(), prev_created = 0;
	size_t i, k;

	(void)state;
	generate(&r, 42, N, 500);
	for (i = 0; i < r.n; i++) {
		const struct store_history_case *c = &r.c[i];

		assert_true(c->created_at >= now - CLI_HISTORY_SPAN);
		assert_true(c->created_at < now);
		assert_true(c->created_at >= prev_created);
		prev_created = c->created_at;
		assert_string_equal(c->tracking_prefix, "VR");
		assert_true(c->nev >= 1);
		assert_string_equal(c->ev[0].from, "");
		assert_string_equal(c->ev[0].to, "new");
		assert_int_equal(c->ev[0].at, c->created_at);
		for (k = 1; k < c->nev; k++) {
			const struct store_history_event *e = &c->ev[k];
			const char *why = NULL;
			int sys = strcmp(e->actor, "system") == 0;

			assert_string_equal(e->from, c->ev[k - 1].to);
			if (core_transition_find(st(e->from), st(e->to)) ==
			    NULL)
				fail_msg("case %zu: %s -> %s is not in the "
				    "lifecycle", i, e->from, e->to);
			/* and the actor may take it, with a reason where one
			 * is needed */
			if (core_transition_check(st(e->from), st(e->to),
			    sys ? ACTOR_SYSTEM : ACTOR_STAFF,
			    CORE_ROLES_ALL & ~CORE_ROLE_BIT(ROLE_ADMIN),
			    e->reason, &why) == -1)
				fail_msg("case %zu: %s -> %s by %s: %s", i,
				    e->from, e->to, e->actor, why);
			assert_true(e->at >= c->ev[k - 1].at);
			assert_true(e->at <= now);
		}
		assert_string_equal(c->state, c->ev[c->nev - 1].to);
	}
	run_free(&r);
}

static void
test_postmortems(void **state)
{
	static const char *const practices[] = { "design_review",
	    "code_review", "static_analysis", "fuzzing", "testing",
	    "dependency_update", "other" };
	struct run r;
	time_t now = test_now(), rel;
	size_t i, k, npm = 0, nreg = 0, old = 0, old_closed = 0;

	(void)state;
	generate(&r, 42, N, 333);
	for (i = 0; i < r.n; i++) {
		const struct store_history_case *c = &r.c[i];
		const struct store_postmortem *pm = c->pm;

		rel = first_into(c, "released");
		if (rel != 0 && rel <= now - 30 * DAY) {
			old++;
			old_closed += strcmp(c->state, "closed") == 0;
		}
		if (strcmp(c->state, "closed") == 0)
			assert_non_null(pm);
		if (pm == NULL) {
			assert_int_equal(r.reg[i], CLI_HISTORY_NONE);
			continue;
		}
		npm++;
		assert_true(strcmp(c->state, "released") == 0 ||
		    strcmp(c->state, "closed") == 0);
		assert_true(rel != 0);
		assert_int_equal(pm->released_at, rel);
		assert_true(pm->created_at > rel);
		assert_true(pm->created_at <= now);
		if (strcmp(c->state, "closed") == 0)
			assert_true(pm->created_at <= first_into(c, "closed"));
		assert_string_equal(pm->cwe, c->cwe);
		assert_true(pm->component[0] != '\0');
		assert_true(pm->introduced_in[0] != '\0');
		assert_true(pm->how_found[0] != '\0');
		assert_true(pm->root_cause[0] != '\0');
		assert_true(pm->fix[0] != '\0');
		assert_true(pm->lessons[0] != '\0');
		assert_true(pm->tags[0] != '\0');
		assert_true(pm->author[0] != '\0');
		for (k = 0; k < NELEM(practices); k++)
			if (strcmp(pm->practice, practices[k]) == 0)
				break;
		assert_true(k < NELEM(practices));
		assert_int_equal(pm->reissued != 0, reissues(c) > 0);
		assert_int_equal(pm->regression_of, 0);
		if (r.reg[i] != CLI_HISTORY_NONE) {
			const struct store_history_case *t = &r.c[r.reg[i]];
			time_t trel = first_into(t, "released");

			nreg++;
			assert_true(r.reg[i] < i);
			assert_string_equal(t->product, c->product);
			assert_true(trel != 0 && trel < c->created_at);
			assert_non_null(strstr(pm->tags, "regression"));
		}
	}
	/* ~5% regressions among post-mortems; most released cases older
	 * than a month are closed */
	assert_true(npm > N / 3);
	assert_true(nreg * 100 > npm * 1 && nreg * 100 < npm * 10);
	assert_true(old_closed * 100 >= old * 80);

	/* cli_history_link() fills regression_of */
	for (i = 0; i < r.n && r.reg[i] == CLI_HISTORY_NONE; i++)
		;
	assert_true(i < r.n);
	cli_history_link(&r.c[i], 4242);
	assert_int_equal(r.c[i].pm->regression_of, 4242);
	run_free(&r);
}

static void
test_scores_and_due(void **state)
{
	static const struct { const char *sev; int days; } sla[] = {
	    { "critical", 7 }, { "high", 30 }, { "medium", 90 },
	    { "low", 180 }, { "", 3 } };
	struct run r;
	struct core_cvss cv;
	const char *err;
	char lower[16];
	size_t i, k, top25 = 0;
	int id;

	(void)state;
	generate(&r, 42, N, N);
	for (i = 0; i < r.n; i++) {
		const struct store_history_case *c = &r.c[i];

		for (k = 0; k < NELEM(sla); k++)
			if (strcmp(c->severity, sla[k].sev) == 0)
				break;
		assert_true(k < NELEM(sla));
		assert_int_equal(c->due_at, c->created_at +
		    (time_t)sla[k].days * DAY);
		if (c->severity[0] == '\0') {
			assert_string_equal(c->cvss, "");
			assert_true(c->score < 0);
		} else {
			assert_int_equal(core_cvss_score(c->cvss, &cv, &err), 0);
			assert_int_equal(cv.version, CVSS_V31);
			for (k = 0; cv.severity[k] != '\0' && k + 1 <
			    sizeof(lower); k++)
				lower[k] = (char)(cv.severity[k] | 0x20);
			lower[k] = '\0';
			assert_string_equal(lower, c->severity);
			assert_true(c->score == cv.base);
		}
		assert_true((id = core_cwe_parse(c->cwe)) > 0);
		assert_non_null(core_cwe_find(id));
		top25 += core_cwe_top25_rank(id) > 0;
		assert_true(c->title[0] != '\0' && c->description[0] != '\0');
		for (k = 0; cli_history_product(k, NULL) != NULL; k++)
			if (strcmp(c->product, cli_history_product(k, NULL)) ==
			    0)
				break;
		assert_non_null(cli_history_product(k, NULL));
		assert_true(c->versions[0] != '\0');
		assert_non_null(strstr(c->reporter_email, "@example.net"));
	}
	assert_true(top25 * 100 > r.n * 60);
	run_free(&r);
}

static double
share(size_t part, size_t whole)
{
	return whole == 0 ? 0 : (double)part / (double)whole;
}

static void
test_distribution(void **state)
{
	struct run r;
	time_t now = test_now();
	size_t i, k, ks, chan[3] = { 0 }, sev[5] = { 0 }, triaged[3] = { 0 },
	    clar[3] = { 0 }, decided = 0, old = 0, tested = 0, reissued = 0,
	    reopened = 0, open_recent = 0, recent = 0, on_window = 0,
	    planned = 0, acks = 0, ack_late = 0, verified = 0;
	static const char *const chans[] = { "web", "email", "api" };
	static const char *const sevs[] = { "critical", "high", "medium",
	    "low", "" };
	int64_t crit_total = 0, low_total = 0;
	size_t ncrit = 0, nlow = 0;

	(void)state;
	generate(&r, 42, N, 1000);
	for (i = 0; i < r.n; i++) {
		const struct store_history_case *c = &r.c[i];
		int s = st(c->state);
		time_t rel = first_into(c, "released");

		for (k = 0; k < 3 && strcmp(c->channel, chans[k]) != 0; k++)
			;
		assert_true(k < 3);
		chan[k]++;
		if (first_into(c, "triage") != 0) {
			triaged[k]++;
			clar[k] += count_into(c, "needs_info") > 0;
		}
		if (k == 1) {
			assert_true(c->acked_at == 0 ||
			    c->acked_at >= c->created_at + 60);
			if (c->acked_at != 0) {
				acks++;
				ack_late += c->acked_at > c->created_at + DAY;
				assert_true(c->acked_at <=
				    c->created_at + 3 * DAY);
			}
		}
		for (ks = 0; ks < 5 && strcmp(c->severity, sevs[ks]) != 0;
		    ks++)
			;
		assert_true(ks < 5);
		sev[ks]++;
		if (c->created_at < now - 90 * DAY) {
			old++;
			decided += count_into(c, "rejected") +
			    count_into(c, "duplicate") +
			    count_into(c, "not_reproducible") > 0;
		}
		for (k = 1; k < c->nev; k++)
			reopened += strcmp(c->ev[k].to, "triage") == 0 &&
			    core_state_is_terminal(st(c->ev[k].from));
		if (first_into(c, "testing") != 0) {
			tested++;
			reissued += reissues(c) > 0;
		}
		if (i >= r.n - r.n / 20) {
			recent++;
			open_recent += !core_state_is_terminal(s) &&
			    s != ST_RELEASED;
		}
		if (rel != 0 && (ks == 2 || ks == 3)) {
			planned++;
			on_window += is_window(rel);
		}
		if (rel != 0 && rel < now - 200 * DAY) {
			if (ks == 0) {
				crit_total += rel - c->created_at;
				ncrit++;
			} else if (ks == 3) {
				low_total += rel - c->created_at;
				nlow++;
			}
		}
		if (c->verify_answered != 0) {
			verified++;
			assert_true(c->verify_sent != 0 &&
			    c->verify_answered > c->verify_sent);
		}
	}
	/* channels web 60 / e-mail 30 / api 10; severities 5/25/45/20/5 */
	assert_true(share(chan[0], r.n) > 0.56 && share(chan[0], r.n) < 0.64);
	assert_true(share(chan[1], r.n) > 0.26 && share(chan[1], r.n) < 0.34);
	assert_true(share(chan[2], r.n) > 0.07 && share(chan[2], r.n) < 0.13);
	assert_true(share(sev[0], r.n) > 0.03 && share(sev[0], r.n) < 0.07);
	assert_true(share(sev[2], r.n) > 0.41 && share(sev[2], r.n) < 0.49);
	assert_true(share(sev[4], r.n) > 0.03 && share(sev[4], r.n) < 0.07);
	/* clarification rounds: ~45% of e-mail, ~10% of web reports */
	assert_true(share(clar[1], triaged[1]) > 0.37 &&
	    share(clar[1], triaged[1]) < 0.53);
	assert_true(share(clar[0], triaged[0]) > 0.06 &&
	    share(clar[0], triaged[0]) < 0.14);
	assert_true(share(clar[1], triaged[1]) >
	    2 * share(clar[0], triaged[0]));
	/* the acknowledgment of an e-mail: minutes to hours */
	assert_true(acks > 0 && ack_late * 10 < acks);
	/* ~12% rejected, duplicate or not reproducible; a few reopened */
	assert_true(share(decided, old) > 0.08 && share(decided, old) < 0.16);
	assert_true(reopened > 0);
	/* ~7% re-issued patches */
	assert_true(share(reissued, tested) > 0.04 &&
	    share(reissued, tested) < 0.11);
	/* the newest cases are mostly still open */
	assert_true(open_recent * 100 > recent * 30);
	/* medium and low releases go out in the release windows */
	assert_true(planned > 0 && on_window == planned);
	/* critical cases are fixed in days, low ones in months */
	assert_true(ncrit > 0 && nlow > 0);
	assert_true(crit_total / (int64_t)ncrit < 14 * DAY);
	assert_true(low_total / (int64_t)nlow > 45 * DAY);
	assert_true(verified > 0);
	run_free(&r);
}

/* Case-insensitive strstr. */
static int
has_word(const char *s, const char *w)
{
	size_t i, k, n = strlen(w);

	for (i = 0; s[i] != '\0'; i++) {
		for (k = 0; k < n && s[i + k] != '\0'; k++)
			if ((s[i + k] | 0x20) != (w[k] | 0x20) &&
			    s[i + k] != w[k])
				break;
		if (k == n)
			return 1;
	}
	return 0;
}

/* 1 if s holds one of the '|'-separated words of any. */
static int
has_any(const char *s, const char *any)
{
	char w[64];
	const char *p, *e;
	size_t n;

	for (p = any;; p = e + 1) {
		e = strchr(p, '|');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		assert_true(n > 0 && n < sizeof(w));
		memcpy(w, p, n);
		w[n] = '\0';
		if (has_word(s, w))
			return 1;
		if (e == NULL)
			return 0;
	}
}

static int
capital(const char *s)
{
	return s[0] >= 'A' && s[0] <= 'Z';
}

/* Per CWE family, words that every text about it (description, root
 * cause, fix, lessons) has one of. */
static const struct family {
	int		 ids[4];
	const char	*words;
} families[] = {
	{ { 787, 122, 121 }, "write|overflow|bound" },
	{ { 119 }, "bound|buffer|memory" },
	{ { 125 }, "read|bound" },
	{ { 416 }, "after free|freed" },
	{ { 415 }, "double free|freed|frees" },
	{ { 190 }, "integer|overflow|wrap" },
	{ { 476 }, "NULL" },
	{ { 134 }, "format" },
	{ { 79 }, "escap|script|HTML" },
	{ { 89 }, "SQL|query" },
	{ { 78, 77 }, "command|shell" },
	{ { 94 }, "eval|code" },
	{ { 1336 }, "template" },
	{ { 611 }, "external entit|XML|DTD" },
	{ { 93 }, "CRLF|header|line break" },
	{ { 862, 863 }, "authoriz|permission|role" },
	{ { 639 }, "owner|owns|authoriz|access|object reference" },
	{ { 269 }, "privilege" },
	{ { 352 }, "request forgery|CSRF|token|origin" },
	{ { 287, 306 }, "authenticat|sign in|token|login|password" },
	{ { 798 }, "hard-coded|password|credential" },
	{ { 384, 613 }, "session" },
	{ { 307 }, "attempt|brute|rate limit|rate-limit|lockout" },
	{ { 295 }, "certificate" },
	{ { 327 }, "algorithm" },
	{ { 330 }, "random|predict" },
	{ { 347 }, "signature" },
	{ { 312, 319 }, "cleartext|encrypt|TLS" },
	{ { 400 }, "resource|limit|exhaust" },
	{ { 770 }, "allocat|limit" },
	{ { 1333 }, "regular expression|backtrack" },
	{ { 835 }, "loop" },
	{ { 674 }, "recurs|depth|nest" },
	{ { 776 }, "entit|expansion" },
	{ { 362 }, "race|concurren|lock|thread" },
	{ { 401 }, "leak|free" },
	{ { 22 }, "path|director|.." },
	{ { 434 }, "upload" },
	{ { 59 }, "link" },
	{ { 732 }, "permission|mode|readable" },
	{ { 377 }, "temporary" },
	{ { 502 }, "deserializ" },
	{ { 918 }, "request forgery|URL|internal" },
	{ { 200 }, "expos|disclos|field" },
	{ { 209 }, "error|stack trace" },
	{ { 532 }, "log" },
	{ { 601 }, "redirect" },
	{ { 20 }, "validat" },
	{ { 1321 }, "prototype|__proto__" },
	{ { 915 }, "mass assign|field" },
};

static const struct family *
family_of(int id)
{
	size_t i, k;

	for (i = 0; i < NELEM(families); i++)
		for (k = 0; k < NELEM(families[i].ids) &&
		    families[i].ids[k] != 0; k++)
			if (families[i].ids[k] == id)
				return &families[i];
	return NULL;
}

/* Every report and post-mortem text is about the case's own CWE and
 * starts with a capital letter. */
static void
test_texts_fit_cwe(void **state)
{
	static const char *const checked[] = { "description", "root cause",
	    "fix", "lessons" };
	struct run r;
	const struct family *f;
	const char *text[4];
	int seen[2000] = { 0 }, ids = 0, with_pm = 0, id;
	size_t i, k, npm = 0, ndep = 0;

	(void)state;
	generate(&r, 42, 5 * N, 5 * N);
	for (i = 0; i < r.n; i++) {
		const struct store_history_case *c = &r.c[i];
		const struct store_postmortem *pm = c->pm;
		int dep;

		id = core_cwe_parse(c->cwe);
		assert_true(id > 0 && id < (int)NELEM(seen));
		if ((f = family_of(id)) == NULL)
			fail_msg("case %zu: %s has no keyword family in this "
			    "test", i, c->cwe);
		if (seen[id] == 0)
			ids++;
		seen[id] |= 1;
		if (!capital(c->title) || !capital(c->description))
			fail_msg("case %zu: not capitalised: \"%s\" / \"%s\"",
			    i, c->title, c->description);
		text[0] = c->description;
		text[1] = text[2] = text[3] = NULL;
		dep = 0;
		if (pm != NULL) {
			npm++;
			if ((seen[id] & 2) == 0)
				with_pm++;
			seen[id] |= 2;
			/* a bundled library's flaw: only the root cause
			 * names the weakness */
			dep = strstr(pm->tags, "dependencies") != NULL;
			ndep += dep;
			text[1] = pm->root_cause;
			if (!dep) {
				text[2] = pm->fix;
				text[3] = pm->lessons;
			}
			if (!capital(pm->root_cause) || !capital(pm->fix) ||
			    !capital(pm->lessons))
				fail_msg("case %zu: not capitalised: \"%s\" / "
				    "\"%s\" / \"%s\"", i, pm->root_cause,
				    pm->fix, pm->lessons);
		}
		for (k = 0; k < NELEM(text); k++)
			if (text[k] != NULL && !has_any(text[k], f->words))
				fail_msg("case %zu: %s: the %s does not say "
				    "any of %s: \"%s\"", i, c->cwe, checked[k],
				    f->words, text[k]);
	}
	/* the seed reaches every CWE of the table, nearly all of them in a
	 * post-mortem, and some bundled-library post-mortems */
	for (i = 0; i < NELEM(families); i++)
		for (k = 0; k < NELEM(families[i].ids) &&
		    families[i].ids[k] != 0; k++)
			if (seen[families[i].ids[k]] == 0)
				fail_msg("CWE-%d never drawn",
				    families[i].ids[k]);
	assert_true(with_pm * 10 >= ids * 9);
	assert_true(npm > r.n / 3 && ndep > 0);
	run_free(&r);
}

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* 1 if the two histories are the same, field by field. */
static int
same(const struct run *x, const struct run *y)
{
	size_t i, k;

	if (x->n != y->n)
		return 0;
	for (i = 0; i < x->n; i++) {
		const struct store_history_case *a = &x->c[i], *b = &y->c[i];

		if (!same_str(a->channel, b->channel) ||
		    !same_str(a->severity, b->severity) ||
		    !same_str(a->cvss, b->cvss) || !same_str(a->cwe, b->cwe) ||
		    a->score != b->score ||
		    !same_str(a->product, b->product) ||
		    !same_str(a->versions, b->versions) ||
		    !same_str(a->title, b->title) ||
		    !same_str(a->description, b->description) ||
		    !same_str(a->reporter_name, b->reporter_name) ||
		    !same_str(a->reporter_email, b->reporter_email) ||
		    !same_str(a->state, b->state) ||
		    a->created_at != b->created_at || a->due_at != b->due_at ||
		    a->acked_at != b->acked_at ||
		    a->verify_sent != b->verify_sent ||
		    a->verify_answered != b->verify_answered ||
		    a->nev != b->nev || x->reg[i] != y->reg[i] ||
		    (a->pm == NULL) != (b->pm == NULL))
			return 0;
		for (k = 0; k < a->nev; k++)
			if (a->ev[k].at != b->ev[k].at ||
			    !same_str(a->ev[k].actor, b->ev[k].actor) ||
			    !same_str(a->ev[k].from, b->ev[k].from) ||
			    !same_str(a->ev[k].to, b->ev[k].to) ||
			    !same_str(a->ev[k].reason, b->ev[k].reason))
				return 0;
		if (a->pm != NULL && (!same_str(a->pm->cwe, b->pm->cwe) ||
		    !same_str(a->pm->component, b->pm->component) ||
		    !same_str(a->pm->introduced_in, b->pm->introduced_in) ||
		    !same_str(a->pm->how_found, b->pm->how_found) ||
		    !same_str(a->pm->practice, b->pm->practice) ||
		    !same_str(a->pm->root_cause, b->pm->root_cause) ||
		    !same_str(a->pm->fix, b->pm->fix) ||
		    !same_str(a->pm->lessons, b->pm->lessons) ||
		    !same_str(a->pm->tags, b->pm->tags) ||
		    !same_str(a->pm->author, b->pm->author) ||
		    a->pm->reissued != b->pm->reissued ||
		    a->pm->released_at != b->pm->released_at ||
		    a->pm->created_at != b->pm->created_at))
			return 0;
	}
	return 1;
}

static void
test_same_seed_same_history(void **state)
{
	struct run x, y, z;

	(void)state;
	generate(&x, 7, 1500, 1500);
	generate(&y, 7, 1500, 7);	/* batch size does not matter */
	generate(&z, 8, 1500, 1500);
	assert_true(same(&x, &y));
	assert_false(same(&x, &z));
	run_free(&x);
	run_free(&y);
	run_free(&z);
}

static void
test_small_and_bad(void **state)
{
	struct cli_history_params p;
	struct run r;

	(void)state;
	params(&p, 1, 0);
	assert_null(cli_history_new(&p));	/* n == 0 */
	params(&p, 1, 5);
	p.nwindows = 0;
	assert_null(cli_history_new(&p));
	params(&p, 1, 5);
	p.tracking_prefix = NULL;
	assert_null(cli_history_new(&p));
	cli_history_free(NULL);
	/* one case: in the span, legal */
	generate(&r, 1, 1, 10);
	assert_true(r.c[0].nev >= 1);
	run_free(&r);
}

/* Eight products, the demo's four among them, each with a vendor. */
static void
test_products(void **state)
{
	static const char *const demo[] = { "Vigil Demo Router",
	    "libtinyparse", "Acme Customer Portal", "Acme Mobile App" };
	const char *name, *vendor;
	size_t i, k, found = 0;

	(void)state;
	for (i = 0; (name = cli_history_product(i, &vendor)) != NULL; i++) {
		assert_true(vendor != NULL && vendor[0] != '\0');
		for (k = 0; k < NELEM(demo); k++)
			found += strcmp(name, demo[k]) == 0;
	}
	assert_int_equal(i, 8);
	assert_int_equal(found, NELEM(demo));
	assert_null(cli_history_product(8, NULL));
}

static void
test_windows(void **state)
{
	time_t w[30];
	size_t n, i;
	int y, m, d;
	int32_t day;

	(void)state;
	/* 2026: second Tuesdays Jan 13, Feb 10, Mar 10 ... */
	n = cli_history_windows((time_t)core_days_from_civil(2026, 1, 1) * DAY,
	    (time_t)core_days_from_civil(2026, 12, 31) * DAY, w, NELEM(w));
	assert_int_equal(n, 12);
	for (i = 0; i < n; i++) {
		day = (int32_t)(w[i] / DAY);
		assert_int_equal(w[i] % DAY, 18 * 3600);
		assert_int_equal(core_weekday(day), 2);
		core_civil_from_days(day, &y, &m, &d);
		assert_int_equal(m, (int)i + 1);
		assert_true(d >= 8 && d <= 14);
	}
	core_civil_from_days((int32_t)(w[0] / DAY), &y, &m, &d);
	assert_int_equal(d, 13);
	assert_int_equal(cli_history_windows(0, DAY * 400, w, 2), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_legal_paths),
		cmocka_unit_test(test_postmortems),
		cmocka_unit_test(test_scores_and_due),
		cmocka_unit_test(test_distribution),
		cmocka_unit_test(test_texts_fit_cwe),
		cmocka_unit_test(test_same_seed_same_history),
		cmocka_unit_test(test_small_and_bad),
		cmocka_unit_test(test_products),
		cmocka_unit_test(test_windows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
