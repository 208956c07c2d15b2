/* web/h_releases.c - the release planner and advisory drafts, for the
 * staff pages and the JSON API alike.
 *
 * A release manager creates a release for one of the next windows of the
 * [release] calendar (core/calendar.h, loaded by
 * publish/calendar_load.h), or an out-of-band release with a written
 * justification, and adds cases that passed the release gate
 * (state "ready", web_gate() open); each added case gets an advisory
 * draft pre-filled from the report.  A scheduled release is published at
 * its window by the worker; an out-of-band one when the release manager
 * says so ("Publish now"); either way subscribers get the release notice
 * (publish/jobs.h).  Publishing gives every advisory its ID and
 * revision 1; a later change to a published advisory is a correction: a
 * new revision with a written summary, never a silent edit.
 *
 * The rules are the same for pages and API (the operations below, in the
 * style of staff.c: permission, validation, one store call, which writes
 * the audit row in its transaction).  Pages: a refused form shows its
 * page again with the message beside the form and what was typed still in
 * it (409 lifecycle or gate, 422 bad input); success redirects (303).
 * API: a change answers 201 (PUT 200), errors are the registry's JSON
 * errors; a gate refusal carries the gate's unmet list in error.unmet. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/calendar.h"
#include "core/gate.h"
#include "core/lifecycle.h"
#include "core/perm.h"
#include "core/report.h"
#include "publish/advisory.h"
#include "store/store.h"
#include "util/log.h"
#include "util/tz.h"
#include "publish/calendar_load.h"
#include "publish/jobs.h"
#include "parse.h"
#include "testing.h"

#define NWINDOWS		12	/* windows offered and accepted */
#define MAX_JUSTIFICATION	(8 * 1024)
#define MAX_CHANGE		(2 * 1024)
#define MAX_ADV_TITLE		200	/* characters */
#define MAX_ADV_SUMMARY		(16 * 1024)
#define MAX_ADV_TEXT		(16 * 1024)	/* workarounds and the like */
#define MAX_ADV_ACK		200	/* characters */
#define MAX_ADV_VERSIONS	1000
#define SUMMARY_PREFILL		500	/* characters of the description */
#define MAX_PER_STATE		100	/* cases listed per state */
#define MAX_FORM_PARTS		64

#define NZ(s)	((s) != NULL ? (s) : "")

static void
sets(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, json_string(v ? v : ""));
}

static int
deny(struct req *r, enum core_action a, int64_t case_id)
{
	web_audit(r, "permission.denied", case_id, util_arena_printf(
	    &r->arena, "%s %s (%s)", r->method, r->url, core_action_name(a)));
	web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	return STAFF_REPLIED;
}

/* 1 if s has nothing but white space. */
static int
blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static int
text_ok(const char *s, size_t max_bytes, int multiline)
{
	size_t n = strlen(s);

	return n <= max_bytes && core_text_ok(s, n, multiline);
}

/* s without leading and trailing blanks, in the arena. */
static const char *
trim(struct req *r, const char *s)
{
	const char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		e--;
	return util_arena_strndup(&r->arena, s, (size_t)(e - s));
}

static const char *
state_label(const char *name)
{
	int s = core_state_parse(name ? name : "");

	return s < 0 ? NZ(name) : core_state_label(s);
}

static const char *
severity_label(const char *sev)
{
	static const char *const names[][2] = { { "critical", "Critical" },
	    { "high", "High" }, { "medium", "Medium" }, { "low", "Low" },
	    { "none", "None" } };
	size_t i;

	for (i = 0; sev != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(names[i][0], sev) == 0)
			return names[i][1];
	return "Unscored";
}

/* CSS class suffix: a fixed name, never data. */
static const char *
severity_class(const char *sev)
{
	static const char *const names[] = { "critical", "high", "medium",
	    "low", "none" };
	size_t i;

	for (i = 0; sev != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(names[i], sev) == 0)
			return names[i];
	return "unscored";
}

static const char *const restart_names[PUBLISH_RESTART__MAX] = {
	"none", "service", "machine" };
static const char *const restart_labels[PUBLISH_RESTART__MAX] = {
	"No restart", "Restart of the service", "Restart of the machine" };

static const char *
restart_name(int v)
{
	return v >= 0 && v < PUBLISH_RESTART__MAX ? restart_names[v] : "none";
}

static int
restart_parse(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < PUBLISH_RESTART__MAX; i++)
		if (strcmp(s, restart_names[i]) == 0)
			return i;
	return -1;
}

/* ---- the release calendar ---- */

/* One window of the calendar. */
struct rwin {
	int64_t	 at;		/* UTC */
	int64_t	 notice_at;	/* the notice day at the window's local time */
	int	 off;		/* UTC offset at the window */
	int32_t	 day, notice_day, scheduled;
	int	 shifted;
	char	 iso[40];	/* 2026-12-08T10:00:00-08:00 */
	char	 date[16], notice[16], sched[16];
	char	 local[16];	/* 10:00 */
};

/* "2026-12-08T10:00:00-08:00" (as `vigil calendar' prints it). */
static void
format_instant(int64_t utc, int off, char *buf, size_t len)
{
	int64_t local, sec;
	int y, m, d, utc_z = off % 60 != 0, a;

	if (utc_z)
		off = 0;
	local = utc + off;
	sec = (local % 86400 + 86400) % 86400;
	core_civil_from_days((int32_t)((local - sec) / 86400), &y, &m, &d);
	a = off < 0 ? -off : off;
	if (utc_z)
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
		    (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
	else
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
		    y, m, d, (int)(sec / 3600), (int)(sec / 60 % 60),
		    (int)(sec % 60), off < 0 ? '-' : '+', a / 3600,
		    a / 60 % 60);
}

/* The next windows (at most max) after now, from the [release] keys
 * (publish/calendar_load.h).  Returns how many, or -1 with a sentence in err
 * when the calendar cannot be computed (a bad key, an unknown zone, a
 * bad blackout file). */
static int
next_windows(struct req *r, struct rwin *out, size_t max, char *err,
    size_t errlen)
{
	struct calendar_loaded cl;
	struct core_window w[NWINDOWS + 1];
	int64_t now = (int64_t)time(NULL);
	size_t nw, k, n = 0;
	int hour, minute;

	if (calendar_load(r->app->cfg, &cl, err, errlen) == -1)
		return -1;
	hour = cl.policy.hour;
	minute = cl.policy.minute;
	if (max > NWINDOWS)
		max = NWINDOWS;
	/* one more than asked: today's window may have passed */
	nw = core_calendar_windows(&cl.policy, calendar_today(cl.zone, now),
	    max + 1, w);
	for (k = 0; k < nw && n < max; k++) {
		struct rwin *o = &out[n];
		int y, m, d, noff;

		memset(o, 0, sizeof(*o));
		core_civil_from_days(w[k].day, &y, &m, &d);
		if (util_tz_local_to_utc(cl.zone, y, m, d, hour, minute,
		    &o->at, &o->off) == -1 || o->at <= now)
			continue;
		core_civil_from_days(w[k].notice_day, &y, &m, &d);
		if (util_tz_local_to_utc(cl.zone, y, m, d, hour, minute,
		    &o->notice_at, &noff) == -1)
			continue;
		o->day = w[k].day;
		o->notice_day = w[k].notice_day;
		o->scheduled = w[k].scheduled;
		o->shifted = w[k].shifted;
		format_instant(o->at, o->off, o->iso, sizeof(o->iso));
		if (core_format_date(w[k].day, o->date, sizeof(o->date)) ==
		    -1 || core_format_date(w[k].notice_day, o->notice,
		    sizeof(o->notice)) == -1 || core_format_date(
		    w[k].scheduled, o->sched, sizeof(o->sched)) == -1)
			continue;
		snprintf(o->local, sizeof(o->local), "%02d:%02d", hour,
		    minute);
		n++;
	}
	calendar_loaded_free(&cl);
	return (int)n;
}

static const char *
shift_text(struct req *r, const struct rwin *w)
{
	const char *why = "";

	if (!w->shifted)
		return "";
	if (w->shifted & CORE_SHIFT_BLACKOUT)
		why = "blackout";
	if (w->shifted & CORE_SHIFT_WEEKDAY)
		why = *why ? util_arena_printf(&r->arena, "%s, day not allowed",
		    why) : "day not allowed";
	if (w->shifted & CORE_SHIFT_QUEUE)
		why = *why ? util_arena_printf(&r->arena, "%s, after the "
		    "previous window", why) : "after the previous window";
	return util_arena_printf(&r->arena, "moved from %s: %s", w->sched,
	    why);
}

static const char *const weekday_names[7] = { "Sunday", "Monday",
	"Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" };
static const char *const month_names[12] = { "Jan", "Feb", "Mar", "Apr",
	"May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* ---- releases ---- */

static const char *
release_href(struct req *r, int64_t id)
{
	return util_arena_printf(&r->arena, "/releases/%lld", (long long)id);
}

static json_t *
time_or_null(time_t t)
{
	return t != 0 ? json_integer((json_int_t)t) : json_null();
}

/* The release for the API. */
static json_t *
release_json(struct req *r, const struct store_release *x)
{
	char iso[40];
	json_t *o;

	format_instant((int64_t)x->window_at, 0, iso, sizeof(iso));
	o = json_object();
	json_object_set_new(o, "id", json_integer((json_int_t)x->id));
	sets(o, "kind", x->kind);
	sets(o, "status", x->status);
	json_object_set_new(o, "window_at", json_integer(
	    (json_int_t)x->window_at));
	sets(o, "window_iso", iso);
	json_object_set_new(o, "notice_at", json_integer(
	    (json_int_t)x->notice_at));
	sets(o, "justification", x->justification);
	sets(o, "created_by", x->created_by);
	json_object_set_new(o, "created_at", json_integer(
	    (json_int_t)x->created_at));
	json_object_set_new(o, "published_at", time_or_null(x->published_at));
	json_object_set_new(o, "noticed_at", time_or_null(x->noticed_at));
	json_object_set_new(o, "ncases", json_integer(x->ncases));
	sets(o, "href", release_href(r, x->id));
	return o;
}

static int
is_oob(const struct store_release *x)
{
	return x->kind != NULL && strcmp(x->kind, "out_of_band") == 0;
}

static int
is_planned(const struct store_release *x)
{
	return x->status != NULL && strcmp(x->status, "planned") == 0;
}

/* The release named by a path parameter; 404 (or 503) replied when
 * there is none: STAFF_REPLIED. */
static int
load_release(struct req *r, const char *param, struct store_release *x)
{
	char *end;
	long long id;
	int rc;

	if (param == NULL || *param < '1' || *param > '9' || (errno = 0,
	    id = strtoll(param, &end, 10), *end != '\0') || errno != 0) {
		web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
		return STAFF_REPLIED;
	}
	rc = store_release_get(r->app->store, (int64_t)id, &r->arena, x);
	if (rc == STORE_NONE) {
		web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
		return STAFF_REPLIED;
	}
	if (rc != STORE_OK) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	return STAFF_OK;
}

/* What a refused operation says: the message, the field, and the gate's
 * unmet conditions (add case). */
struct refusal {
	const char		*msg;
	const char		*field;
	const char *const	*unmet;
	size_t			 nunmet;
};

/* Creates a release.  kind "scheduled" with window (unix time of one of
 * the next computed windows), or "out_of_band" with a justification. */
static int
op_release_create(struct req *r, const char *kind, const char *window,
    const char *justification, int64_t *idp, struct refusal *why)
{
	struct store_release *all = NULL;
	struct store_actor who;
	struct rwin w[NWINDOWS];
	time_t now = time(NULL), window_at, notice_at;
	const char *just = "";
	char err[800], *end;
	long long at;
	size_t nall = 0, i;
	int n, rc, found = -1;

	if (!web_staff_may(r, ACT_RELEASE_MANAGE))
		return deny(r, ACT_RELEASE_MANAGE, 0);
	if (kind == NULL || (strcmp(kind, "scheduled") != 0 &&
	    strcmp(kind, "out_of_band") != 0)) {
		why->field = "kind";
		why->msg = "The kind of a release is \"scheduled\" (for a "
		    "release window) or \"out_of_band\".";
		return STAFF_REFUSED;
	}
	if (strcmp(kind, "out_of_band") == 0) {
		if (justification == NULL || blank(justification)) {
			why->field = "justification";
			why->msg = "An out-of-band release needs a written "
			    "justification (for example: exploited in the "
			    "wild).";
			return STAFF_REFUSED;
		}
		if (!text_ok(justification, MAX_JUSTIFICATION, 1)) {
			why->field = "justification";
			why->msg = "The justification must be text of at most "
			    "8 KiB.";
			return STAFF_REFUSED;
		}
		just = justification;
		window_at = notice_at = now;
	} else {
		why->field = "window";
		if (window == NULL || *window < '0' || *window > '9' ||
		    (errno = 0, at = strtoll(window, &end, 10), *end != '\0') ||
		    errno != 0) {
			why->msg = "Choose one of the next release windows.";
			return STAFF_REFUSED;
		}
		if ((n = next_windows(r, w, NWINDOWS, err, sizeof(err))) ==
		    -1) {
			log_warn("release calendar: %s", err);
			why->msg = util_arena_printf(&r->arena, "The release "
			    "calendar cannot be computed: %s", err);
			return STAFF_REFUSED;
		}
		for (i = 0; i < (size_t)n; i++)
			if (w[i].at == (int64_t)at)
				found = (int)i;
		if (found < 0) {
			why->msg = util_arena_printf(&r->arena, "%lld is not "
			    "one of the next %d release windows of the "
			    "calendar.", at, NWINDOWS);
			return STAFF_REFUSED;
		}
		if (store_releases(r->app->store, &r->arena, &all, &nall) !=
		    STORE_OK) {
			web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
			return STAFF_REPLIED;
		}
		for (i = 0; i < nall; i++)
			if (!is_oob(&all[i]) && all[i].window_at ==
			    (time_t)at) {
				why->msg = util_arena_printf(&r->arena,
				    "There is a release for this window "
				    "already: %s.", release_href(r,
				    all[i].id));
				return TESTING_CONFLICT;
			}
		window_at = (time_t)w[found].at;
		notice_at = (time_t)w[found].notice_at;
	}
	web_staff_actor(r, &who);
	rc = store_release_add(r->app->store, kind, window_at, notice_at,
	    just, &who, now, idp);
	if (rc != STORE_OK) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	return STAFF_OK;
}

/* The first n characters of s (at a UTF-8 boundary). */
static const char *
first_chars(struct req *r, const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && k++ == n)
			break;
	return util_arena_strndup(&r->arena, s, i);
}

/* The report's versions on one line ("1.4.2, 1.4.1"). */
static const char *
one_line(struct req *r, const char *s)
{
	struct buf b;
	const char *out;

	util_buf_init(&b, 4096);
	for (; *s != '\0'; s++) {
		if (*s == '\r')
			continue;
		if (*s == '\n' || *s == '\t')
			util_buf_puts(&b, *s == '\n' ? ", " : " ");
		else
			util_buf_printf(&b, "%c", *s);
	}
	out = b.failed || b.data == NULL ? "" : trim(r, b.data);
	util_buf_release(&b);
	return out;
}

/* The acknowledgment as the researcher chose: their credit text, their
 * name when they left it empty, nothing when "anonymous". */
static const char *
acknowledgment_of(const struct store_case *c)
{
	const char *credit = c->field[RF_CREDIT];

	if (credit == NULL || *credit == '\0')
		return NZ(c->field[RF_REPORTER_NAME]);
	if (strcasecmp(credit, "anonymous") == 0)
		return "";
	return credit;
}

/* The gate's verdict on a case as one sentence list. */
static int
gate_unmet(struct req *r, const struct store_case *c, const char ***unmet,
    size_t *n, int *ok)
{
	struct core_gate_result g;
	const char **v;
	size_t i;

	if (web_gate(r, c, &g) == -1)
		return -1;
	if ((v = util_arena_zalloc(&r->arena, (g.nunmet + 2) *
	    sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < g.nunmet; i++)
		v[i] = g.unmet[i];
	*n = g.nunmet;
	*ok = g.ok;
	if (strcmp(c->state, "ready") != 0) {
		v[(*n)++] = util_arena_printf(&r->arena, "The case is in "
		    "state \"%s\", not \"Ready for release\".",
		    state_label(c->state));
		*ok = 0;
	}
	*unmet = v;
	return 0;
}

/* Adds the case (tracking ID) to the release with a draft advisory
 * pre-filled from the report. */
static int
op_release_add_case(struct req *r, const struct store_release *x,
    const char *tid, struct store_case *c, struct refusal *why)
{
	struct store_advisory_draft d;
	struct store_actor who;
	const char **unmet = NULL;
	size_t nunmet = 0, i;
	struct buf b;
	int ok = 0, rc;

	if (!web_staff_may(r, ACT_RELEASE_MANAGE))
		return deny(r, ACT_RELEASE_MANAGE, 0);
	if (tid == NULL || blank(tid)) {
		why->field = "case";
		why->msg = "Give the tracking ID of a case that is ready for "
		    "release.";
		return STAFF_REFUSED;
	}
	if (web_staff_case(r, trim(r, tid), c, 0) != STAFF_OK)
		return STAFF_REPLIED;
	if (!is_planned(x)) {
		why->msg = "This release is published already; cases can "
		    "only be added to a planned release.";
		return TESTING_CONFLICT;
	}
	if (gate_unmet(r, c, &unmet, &nunmet, &ok) == -1) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	if (!ok) {
		why->field = "case";
		why->unmet = unmet;
		why->nunmet = nunmet;
		util_buf_init(&b, 4096);
		util_buf_printf(&b, "%s has not passed the release gate:",
		    c->tracking_id);
		for (i = 0; i < nunmet; i++)
			util_buf_printf(&b, " %s", unmet[i]);
		why->msg = b.failed ? "The case has not passed the release "
		    "gate." : util_arena_strdup(&r->arena, b.data);
		util_buf_release(&b);
		return TESTING_CONFLICT;
	}
	memset(&d, 0, sizeof(d));
	d.title = NZ(c->field[RF_TITLE]);
	d.summary = first_chars(r, NZ(c->field[RF_DESCRIPTION]),
	    SUMMARY_PREFILL);
	d.cve = "";
	d.workarounds = "";
	d.mitigations = "";
	d.known_issues = "";
	d.acknowledgment = acknowledgment_of(c);
	d.affected = one_line(r, NZ(c->field[RF_VERSIONS]));
	d.fixed = "";
	d.restart_required = PUBLISH_RESTART_NONE;
	if (d.summary == NULL || d.affected == NULL) {
		web_reply_error(r, WE_INTERNAL, NULL, NULL);
		return STAFF_REPLIED;
	}
	web_staff_actor(r, &who);
	rc = store_release_add_case(r->app->store, x->id, c->id, &d, &who,
	    time(NULL));
	if (rc == STORE_NONE) {
		why->field = "case";
		why->msg = util_arena_printf(&r->arena, "%s could not be "
		    "added: it is in a release already, or it or the release "
		    "changed in the meantime.", c->tracking_id);
		return TESTING_CONFLICT;
	}
	if (rc != STORE_OK) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	return STAFF_OK;
}

/* Publishes an out-of-band release now. */
static int
op_release_publish(struct req *r, const struct store_release *x,
    struct refusal *why)
{
	const struct config *cfg = r->app->cfg;
	struct store_actor who;
	int rc;

	if (!web_staff_may(r, ACT_RELEASE_MANAGE))
		return deny(r, ACT_RELEASE_MANAGE, 0);
	if (!is_planned(x)) {
		why->msg = "This release is published already.";
		return TESTING_CONFLICT;
	}
	if (!is_oob(x)) {
		why->msg = "A scheduled release is published at its window; "
		    "only an out-of-band release is published by hand.";
		return TESTING_CONFLICT;
	}
	if (x->ncases == 0) {
		why->msg = "Add at least one case before publishing.";
		return TESTING_CONFLICT;
	}
	web_staff_actor(r, &who);
	rc = store_release_publish(r->app->store, x->id, cfg->advisory_prefix,
	    cfg->mail_notify ? cfg->mail_domain : NULL, &who, time(NULL));
	if (rc == STORE_NONE) {
		why->msg = "This release is published already.";
		return TESTING_CONFLICT;
	}
	if (rc != STORE_OK) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	publish_announce(r->app->store, cfg, x->id);
	return STAFF_OK;
}

/* ---- advisories ---- */

/* An edit of an advisory: each field NULL = unchanged. */
struct adv_in {
	const char	*title, *summary, *cve, *workarounds, *mitigations;
	const char	*known_issues, *acknowledgment, *affected, *fixed;
	const char	*restart, *change;
};

/* CVE-YYYY-NNNN with 4 to 19 digits, year from 1999. */
static int
cve_ok(const char *s)
{
	size_t i, n;
	int year;

	if (strncmp(s, "CVE-", 4) != 0)
		return 0;
	s += 4;
	for (i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	year = atoi(s);
	if (year < 1999 || s[4] != '-')
		return 0;
	s += 5;
	for (n = 0; s[n] >= '0' && s[n] <= '9'; n++)
		;
	return s[n] == '\0' && n >= 4 && n <= 19;
}

/* Checks a comma-separated version list: no empty item.  Returns NULL
 * or a message. */
static const char *
versions_check(struct req *r, const char *s, const char *what)
{
	const char *p = s, *e;

	if (!text_ok(s, MAX_ADV_VERSIONS, 0))
		return util_arena_printf(&r->arena, "The %s versions must be "
		    "one line of at most %d bytes.", what, MAX_ADV_VERSIONS);
	if (blank(s))
		return NULL;
	for (;;) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (p == e)
			return util_arena_printf(&r->arena, "The %s versions "
			    "have an empty item: separate versions with "
			    "single commas.", what);
		if (*e == '\0')
			return NULL;
		p = e + 1;
	}
}

/* The first version listed both affected and fixed, or NULL. */
static const char *
versions_overlap(struct req *r, const char *aff, const char *fix)
{
	char *a = util_arena_strdup(&r->arena, aff), *x, *save = NULL;
	char *f, *y, *save2 = NULL;

	if (a == NULL)
		return NULL;
	for (x = strtok_r(a, ",", &save); x != NULL;
	    x = strtok_r(NULL, ",", &save)) {
		const char *tx = trim(r, x);

		if ((f = util_arena_strdup(&r->arena, fix)) == NULL ||
		    tx == NULL)
			return NULL;
		save2 = NULL;
		for (y = strtok_r(f, ",", &save2); y != NULL;
		    y = strtok_r(NULL, ",", &save2)) {
			const char *ty = trim(r, y);
			if (ty != NULL && *ty != '\0' && strcmp(tx, ty) == 0)
				return tx;
		}
	}
	return NULL;
}

/* Edits the draft, or (published) corrects the advisory: a new revision
 * with in->change as its summary. */
static int
op_advisory_update(struct req *r, const struct store_case *c,
    const struct adv_in *in, struct refusal *why)
{
	struct store_advisory cur;
	struct store_advisory_draft d;
	struct store_actor who;
	const char *change = NULL, *dup, *m;
	int rc, published, rs;

	if (!web_staff_may(r, ACT_RELEASE_MANAGE))
		return deny(r, ACT_RELEASE_MANAGE, c->id);
	rc = store_advisory_by_case(r->app->store, c->id, &r->arena, &cur);
	if (rc == STORE_NONE) {
		why->msg = "The case is in no release: add it to a release "
		    "first; its advisory draft is made then.";
		return TESTING_CONFLICT;
	}
	if (rc != STORE_OK) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	published = cur.advisory_id != NULL && *cur.advisory_id != '\0';
	d = cur.d;
#define TAKE(f) do { if (in->f != NULL) d.f = in->f; } while (0)
	TAKE(title);
	TAKE(summary);
	TAKE(workarounds);
	TAKE(mitigations);
	TAKE(known_issues);
	TAKE(acknowledgment);
	TAKE(affected);
	TAKE(fixed);
#undef TAKE
	if (in->cve != NULL && (d.cve = trim(r, in->cve)) == NULL) {
		web_reply_error(r, WE_INTERNAL, NULL, NULL);
		return STAFF_REPLIED;
	}
	d.title = NZ(d.title);
	d.summary = NZ(d.summary);
	d.cve = NZ(d.cve);
	d.workarounds = NZ(d.workarounds);
	d.mitigations = NZ(d.mitigations);
	d.known_issues = NZ(d.known_issues);
	d.acknowledgment = NZ(d.acknowledgment);
	d.affected = NZ(d.affected);
	d.fixed = NZ(d.fixed);

	if (blank(d.title) || !text_ok(d.title, 4 * MAX_ADV_TITLE, 0) ||
	    core_utf8_len(d.title) > MAX_ADV_TITLE) {
		why->field = "title";
		why->msg = "The title must be one line of 1 to 200 characters.";
		return STAFF_REFUSED;
	}
	if (blank(d.summary) || !text_ok(d.summary, MAX_ADV_SUMMARY, 1)) {
		why->field = "summary";
		why->msg = "The summary is required: text of at most 16 KiB.";
		return STAFF_REFUSED;
	}
	if (*d.cve != '\0' && !cve_ok(d.cve)) {
		why->field = "cve";
		why->msg = "A CVE ID looks like CVE-2026-12345 (the year, then "
		    "4 to 19 digits); leave it empty when there is none. Vigil "
		    "does not assign CVE IDs.";
		return STAFF_REFUSED;
	}
	if (!text_ok(d.workarounds, MAX_ADV_TEXT, 1)) {
		why->field = "workarounds";
		why->msg = "The workarounds must be text of at most 16 KiB.";
		return STAFF_REFUSED;
	}
	if (!text_ok(d.mitigations, MAX_ADV_TEXT, 1)) {
		why->field = "mitigations";
		why->msg = "The mitigations must be text of at most 16 KiB.";
		return STAFF_REFUSED;
	}
	if (!text_ok(d.known_issues, MAX_ADV_TEXT, 1)) {
		why->field = "known_issues";
		why->msg = "The known issues must be text of at most 16 KiB.";
		return STAFF_REFUSED;
	}
	if (!text_ok(d.acknowledgment, 4 * MAX_ADV_ACK, 0) ||
	    core_utf8_len(d.acknowledgment) > MAX_ADV_ACK) {
		why->field = "acknowledgment";
		why->msg = "The acknowledgment must be one line of at most 200 "
		    "characters.";
		return STAFF_REFUSED;
	}
	if ((m = versions_check(r, d.affected, "affected")) != NULL) {
		why->field = "affected";
		why->msg = m;
		return STAFF_REFUSED;
	}
	if ((m = versions_check(r, d.fixed, "fixed")) != NULL) {
		why->field = "fixed";
		why->msg = m;
		return STAFF_REFUSED;
	}
	if ((dup = versions_overlap(r, d.affected, d.fixed)) != NULL) {
		why->field = "fixed";
		why->msg = util_arena_printf(&r->arena, "Version \"%s\" is "
		    "listed both affected and fixed.", dup);
		return STAFF_REFUSED;
	}
	if (in->restart != NULL) {
		if ((rs = restart_parse(in->restart)) < 0) {
			why->field = "restart_required";
			why->msg = "Restart required is \"none\", \"service\" "
			    "or \"machine\".";
			return STAFF_REFUSED;
		}
		d.restart_required = rs;
	}
	if (published) {
		if (in->change == NULL || blank(in->change)) {
			why->field = "change";
			why->msg = "The advisory is published: a correction is "
			    "a new revision. Say what changed and why.";
			return STAFF_REFUSED;
		}
		if (!text_ok(in->change, MAX_CHANGE, 1)) {
			why->field = "change";
			why->msg = "What changed must be text of at most 2 "
			    "KiB.";
			return STAFF_REFUSED;
		}
		change = in->change;
	}
	web_staff_actor(r, &who);
	rc = store_advisory_update(r->app->store, c->id, &d, change, &who,
	    time(NULL));
	if (rc == STORE_NONE) {
		why->msg = "The advisory changed in the meantime (it may have "
		    "been published); reload and try again.";
		return TESTING_CONFLICT;
	}
	if (rc != STORE_OK) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	return STAFF_OK;
}

/* The advisory for the API (with its revisions). */
static json_t *
advisory_json(struct req *r, const struct store_case *c,
    const struct store_advisory *a, int *failed)
{
	struct store_revision *rev = NULL;
	size_t nrev = 0, i;
	int published = a->advisory_id != NULL && *a->advisory_id != '\0';
	json_t *o, *revs;

	if (store_advisory_revisions(r->app->store, a->row, &r->arena, &rev,
	    &nrev) != STORE_OK) {
		*failed = 1;
		return NULL;
	}
	revs = json_array();
	for (i = 0; i < nrev; i++)
		json_array_append_new(revs, json_pack("{s:i,s:I,s:s}",
		    "number", rev[i].number, "at", (json_int_t)rev[i].at,
		    "summary", NZ(rev[i].summary)));
	o = json_object();
	sets(o, "tracking_id", c->tracking_id);
	sets(o, "case_state", c->state);
	json_object_set_new(o, "advisory_id", published ?
	    json_string(a->advisory_id) : json_null());
	sets(o, "status", published ? "published" : "draft");
	json_object_set_new(o, "release_id", a->release_id ?
	    json_integer((json_int_t)a->release_id) : json_null());
	json_object_set_new(o, "revision", json_integer(a->revision));
	sets(o, "title", a->d.title);
	sets(o, "summary", a->d.summary);
	json_object_set_new(o, "cve", a->d.cve && *a->d.cve ?
	    json_string(a->d.cve) : json_null());
	sets(o, "workarounds", a->d.workarounds);
	sets(o, "mitigations", a->d.mitigations);
	sets(o, "known_issues", a->d.known_issues);
	sets(o, "acknowledgment", a->d.acknowledgment);
	sets(o, "affected", a->d.affected);
	sets(o, "fixed", a->d.fixed);
	sets(o, "restart_required", restart_name(a->d.restart_required));
	sets(o, "severity", c->severity && *c->severity ? c->severity :
	    "unscored");
	json_object_set_new(o, "cvss_vector", c->staff_cvss &&
	    *c->staff_cvss ? json_string(c->staff_cvss) : json_null());
	json_object_set_new(o, "cvss_score", c->score >= 0 ?
	    json_real(c->score) : json_null());
	json_object_set_new(o, "cwe", c->staff_cwe && *c->staff_cwe ?
	    json_string(c->staff_cwe) : json_null());
	json_object_set_new(o, "published_at", time_or_null(a->published_at));
	json_object_set_new(o, "updated_at", json_integer(
	    (json_int_t)a->updated_at));
	json_object_set_new(o, "url", published ? json_string(
	    util_arena_printf(&r->arena, "/advisories/%s",
	    web_url_encode(r, a->advisory_id))) : json_null());
	json_object_set_new(o, "revisions", revs);
	return o;
}

/* ---- what a release holds ---- */

struct rcase {
	struct store_case	 c;
	struct store_advisory	 a;
	int			 has_adv;
};

struct rview {
	struct store_release	 x;
	struct rcase		*in;		/* cases of the release */
	size_t			 nin;
	struct store_case	*ready;		/* may be added */
	size_t			 nready;
	struct store_case	*notready;	/* confirmed .. verifying */
	const char *const	**why;		/* their unmet lists */
	size_t			*nwhy;
	size_t			 nnot;
};

static int
view_cases(struct req *r, const char *state, struct store_case **out,
    size_t *n, size_t *cap)
{
	struct store_queue_filter f;
	struct store_queue_row *rows = NULL;
	size_t nrows = 0, i;
	int64_t total = 0;
	struct store_case *v;

	memset(&f, 0, sizeof(f));
	f.state = state;
	f.sort = SORT_CREATED_ASC;
	f.limit = MAX_PER_STATE;
	f.now = time(NULL);
	if (store_queue(r->app->store, &f, &r->arena, &rows, &nrows, &total) !=
	    STORE_OK)
		return -1;
	if (*n + nrows > *cap) {
		size_t nc = (*n + nrows) * 2;
		if ((v = util_arena_zalloc(&r->arena, nc * sizeof(*v))) ==
		    NULL)
			return -1;
		if (*n > 0)
			memcpy(v, *out, *n * sizeof(*v));
		*out = v;
		*cap = nc;
	}
	for (i = 0; i < nrows; i++) {
		int rc = store_case_get(r->app->store, rows[i].id, &r->arena,
		    &(*out)[*n]);
		if (rc == STORE_NONE)
			continue;
		if (rc != STORE_OK)
			return -1;
		(*n)++;
	}
	return 0;
}

/* Everything the release page and GET /api/v1/releases/<id> show. */
static int
load_view(struct req *r, struct rview *v)
{
	static const char *const waiting[] = { "ready", "confirmed",
	    "fixing", "testing", "verifying" };
	struct store_case *all = NULL;
	int64_t *ids = NULL;
	size_t nids = 0, nall = 0, cap = 0, i;
	int rc, ok;

	if (store_release_case_ids(r->app->store, v->x.id, &r->arena, &ids,
	    &nids) != STORE_OK)
		return -1;
	if ((v->in = util_arena_zalloc(&r->arena, (nids + 1) *
	    sizeof(*v->in))) == NULL)
		return -1;
	for (i = 0; i < nids; i++) {
		struct rcase *k = &v->in[v->nin];

		rc = store_case_get(r->app->store, ids[i], &r->arena, &k->c);
		if (rc == STORE_NONE)
			continue;
		if (rc != STORE_OK)
			return -1;
		rc = store_advisory_by_case(r->app->store, ids[i], &r->arena,
		    &k->a);
		if (rc != STORE_OK && rc != STORE_NONE)
			return -1;
		k->has_adv = rc == STORE_OK;
		v->nin++;
	}
	/* ready cases first, then the ones on their way */
	for (i = 0; i < sizeof(waiting) / sizeof(waiting[0]); i++)
		if (view_cases(r, waiting[i], &all, &nall, &cap) == -1)
			return -1;
	if ((v->ready = util_arena_zalloc(&r->arena, (nall + 1) *
	    sizeof(*v->ready))) == NULL || (v->notready = util_arena_zalloc(
	    &r->arena, (nall + 1) * sizeof(*v->notready))) == NULL ||
	    (v->why = util_arena_zalloc(&r->arena, (nall + 1) *
	    sizeof(*v->why))) == NULL || (v->nwhy = util_arena_zalloc(
	    &r->arena, (nall + 1) * sizeof(*v->nwhy))) == NULL)
		return -1;
	for (i = 0; i < nall; i++) {
		const char **unmet = NULL;
		size_t nunmet = 0;

		if (gate_unmet(r, &all[i], &unmet, &nunmet, &ok) == -1)
			return -1;
		if (ok) {
			v->ready[v->nready++] = all[i];
			continue;
		}
		if (nunmet == 0)
			unmet[nunmet++] = "The release gate is met: a release "
			    "manager moves the case to Ready for release.";
		v->notready[v->nnot] = all[i];
		v->why[v->nnot] = unmet;
		v->nwhy[v->nnot] = nunmet;
		v->nnot++;
	}
	return 0;
}

static json_t *
strings_json(const char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *
case_brief_json(const struct store_case *c)
{
	return json_pack("{s:s,s:s,s:s,s:s}", "tracking_id", c->tracking_id,
	    "title", NZ(c->field[RF_TITLE]), "state", NZ(c->state),
	    "severity", c->severity && *c->severity ? c->severity :
	    "unscored");
}

/* The release with its cases, for the API. */
static json_t *
view_json(struct req *r, const struct rview *v, int *failed)
{
	json_t *o = release_json(r, &v->x), *a, *e;
	size_t i;

	a = json_array();
	for (i = 0; i < v->nin; i++) {
		e = case_brief_json(&v->in[i].c);
		json_object_set_new(e, "advisory", v->in[i].has_adv ?
		    advisory_json(r, &v->in[i].c, &v->in[i].a, failed) :
		    json_null());
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "cases", a);
	a = json_array();
	for (i = 0; i < v->nready; i++)
		json_array_append_new(a, case_brief_json(&v->ready[i]));
	json_object_set_new(o, "ready", a);
	a = json_array();
	for (i = 0; i < v->nnot; i++) {
		e = case_brief_json(&v->notready[i]);
		json_object_set_new(e, "unmet", strings_json(v->why[i],
		    v->nwhy[i]));
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "not_ready", a);
	return o;
}

/* ---- forms ---- */

/* The one text value of a field (NULL when absent); *bad = 1 after
 * replying 400 when it is sent twice or holds a NUL byte. */
static const char *
field(struct req *r, const struct web_form *f, const char *name, int *bad)
{
	const struct web_part *hit = NULL;
	const char *v;
	size_t i;

	if (*bad)
		return NULL;
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->p[i].name, name) != 0)
			continue;
		if (hit != NULL) {
			web_reply_error(r, WE_DUPLICATE_FIELD, name, NULL);
			*bad = 1;
			return NULL;
		}
		hit = &f->p[i];
	}
	if (hit == NULL)
		return NULL;
	if (memchr(hit->data, '\0', hit->len) != NULL) {
		web_reply_error(r, WE_BAD_FORM, name,
		    "A field contains a NUL byte.");
		*bad = 1;
		return NULL;
	}
	if ((v = util_arena_strndup(&r->arena, hit->data, hit->len)) == NULL) {
		web_reply_error(r, WE_INTERNAL, NULL, NULL);
		*bad = 1;
		return NULL;
	}
	return v;
}

/* CRLF -> LF in form text. */
static const char *
lf(struct req *r, const char *s)
{
	char *o, *w;

	if (s == NULL || strchr(s, '\r') == NULL)
		return s;
	if ((o = util_arena_strdup(&r->arena, s)) == NULL)
		return s;
	for (w = o; *s != '\0'; s++)
		if (!(s[0] == '\r' && s[1] == '\n'))
			*w++ = *s;
	*w = '\0';
	return o;
}

static unsigned
refusal_status(int rc)
{
	return rc == TESTING_CONFLICT ? 409 : 422;
}

/* ---- the planner page ---- */

struct planner_redo {
	const char	*msg;
	const char	*kind, *window, *justification;
};

static json_t *
release_row_ctx(struct req *r, const struct store_release *x)
{
	char iso[40];
	int oob = is_oob(x), planned = is_planned(x);

	format_instant((int64_t)x->window_at, 0, iso, sizeof(iso));
	return json_pack("{s:I,s:s,s:b,s:b,s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s}",
	    "id", (json_int_t)x->id,
	    "href", release_href(r, x->id),
	    "oob", oob, "planned", planned,
	    "kind_label", oob ? "Out of band" : "Scheduled",
	    "status_label", planned ? "Planned" : "Published",
	    "window", web_fmt_time(r, x->window_at),
	    "window_iso", iso,
	    "notice", oob ? "" : web_fmt_time(r, x->notice_at),
	    "ncases", x->ncases,
	    "published", x->published_at ? web_fmt_time(r, x->published_at) :
	    "",
	    "justification", NZ(x->justification));
}

static int
show_planner(struct req *r, const struct planner_redo *d, unsigned status)
{
	struct store_release *all = NULL;
	struct rwin w[NWINDOWS];
	size_t nall = 0, i, k;
	json_t *ctx, *a, *o, *pl, *pub;
	char err[800], csrf[65];
	int n, manage = web_staff_may(r, ACT_RELEASE_MANAGE);
	const char *sel = d && d->window ? d->window : NULL;

	if (store_releases(r->app->store, &r->arena, &all, &nall) != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	if ((ctx = web_page_ctx(r, "Releases")) == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	web_auth_csrf(r, csrf);
	sets(ctx, "csrf", csrf);
	sets(ctx, "zone", r->app->cfg->release_zone);
	n = next_windows(r, w, NWINDOWS, err, sizeof(err));
	if (n == -1) {
		log_warn("release calendar: %s", err);
		sets(ctx, "calendar_error", err);
		n = 0;
	}
	a = json_array();
	for (i = 0; i < (size_t)n; i++) {
		int y, m, dd;
		const char *taken = "";
		char at[32];

		for (k = 0; k < nall; k++)
			if (!is_oob(&all[k]) && all[k].window_at ==
			    (time_t)w[i].at)
				taken = release_href(r, all[k].id);
		core_civil_from_days(w[i].day, &y, &m, &dd);
		snprintf(at, sizeof(at), "%lld", (long long)w[i].at);
		o = json_pack("{s:s,s:s,s:s,s:s,s:i,s:s,s:i,s:s,s:s,s:s,s:s,"
		    "s:s,s:b,s:b}",
		    "at", at, "iso", w[i].iso, "date", w[i].date,
		    "weekday", weekday_names[core_weekday(w[i].day)],
		    "day", dd, "month", month_names[m - 1], "year", y,
		    "local", w[i].local,
		    "utc", web_fmt_time(r, (time_t)w[i].at),
		    "notice", w[i].notice,
		    "notice_weekday", weekday_names[core_weekday(
		    w[i].notice_day)],
		    "shift", shift_text(r, &w[i]),
		    "taken", *taken != '\0',
		    "checked", sel ? strcmp(sel, at) == 0 : (i == 0));
		sets(o, "taken_href", taken);
		json_array_append_new(a, o);
	}
	json_object_set_new(ctx, "windows", a);
	json_object_set_new(ctx, "has_windows", json_boolean(n > 0));

	pl = json_array();
	pub = json_array();
	for (i = 0; i < nall; i++)
		json_array_append_new(is_planned(&all[i]) ? pl : pub,
		    release_row_ctx(r, &all[i]));
	json_object_set_new(ctx, "has_planned", json_boolean(
	    json_array_size(pl) > 0));
	json_object_set_new(ctx, "has_published", json_boolean(
	    json_array_size(pub) > 0));
	json_object_set_new(ctx, "planned", pl);
	json_object_set_new(ctx, "published", pub);

	if (manage) {
		int oob = d && d->kind && strcmp(d->kind, "out_of_band") == 0;

		o = json_pack("{s:s,s:s,s:s}", "justification", d &&
		    d->justification ? d->justification : "",
		    "error_oob", oob && d->msg ? d->msg : "",
		    "error_scheduled", d && !oob && d->msg ? d->msg : "");
		json_object_set_new(ctx, "form", o);
	}
	return web_reply_page(r, status, "releases", ctx);
}

int
web_h_releases_page(struct req *r)
{
	return show_planner(r, NULL, 200);
}

int
web_h_releases_post(struct req *r)
{
	struct planner_redo d;
	struct refusal why;
	struct web_form f;
	int64_t id = 0;
	int bad = 0, rc;

	if (web_form_read(r, &f, MAX_FORM_PARTS) == -1)
		return WEB_DONE;
	memset(&d, 0, sizeof(d));
	memset(&why, 0, sizeof(why));
	d.kind = field(r, &f, "kind", &bad);
	d.window = field(r, &f, "window", &bad);
	d.justification = lf(r, field(r, &f, "justification", &bad));
	if (bad)
		return WEB_DONE;
	rc = op_release_create(r, d.kind, d.window, d.justification, &id,
	    &why);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc != STAFF_OK) {
		d.msg = why.msg;
		return show_planner(r, &d, refusal_status(rc));
	}
	return web_reply_redirect(r, 303, release_href(r, id));
}

/* ---- the release page ---- */

struct release_redo {
	const char		*form;	/* "add", "publish", "advisory" */
	const char		*msg;
	const char		*field;
	const char *const	*unmet;
	size_t			 nunmet;
	const char		*case_tid;	/* add: typed; advisory: whose */
	const struct adv_in	*adv;		/* advisory: typed */
};

static json_t *
revisions_ctx(struct req *r, const struct store_advisory *a)
{
	struct store_revision *rev = NULL;
	size_t nrev = 0, i;
	json_t *v = json_array();

	if (a->row == 0 || store_advisory_revisions(r->app->store, a->row,
	    &r->arena, &rev, &nrev) != STORE_OK)
		return v;
	for (i = 0; i < nrev; i++)
		json_array_append_new(v, json_pack("{s:i,s:s,s:s}",
		    "number", rev[i].number, "at", web_fmt_time(r, rev[i].at),
		    "summary", NZ(rev[i].summary)));
	return v;
}

static json_t *
case_row_ctx(struct req *r, const struct store_case *c)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
	    "tracking_id", c->tracking_id,
	    "href", util_arena_printf(&r->arena, "/cases/%s",
	    web_url_encode(r, c->tracking_id)),
	    "title", NZ(c->field[RF_TITLE]),
	    "state", NZ(c->state),
	    "state_label", state_label(c->state),
	    "severity_label", severity_label(c->severity),
	    "severity_class", severity_class(c->severity),
	    "score", c->score >= 0 ? util_arena_printf(&r->arena, "%.1f",
	    c->score) : "",
	    "product", web_case_product(c));
}

/* One case of the release with its advisory and (for a release manager)
 * the form that edits it. */
static json_t *
in_case_ctx(struct req *r, const struct rcase *k, int manage,
    const struct release_redo *d)
{
	const struct store_advisory *a = &k->a;
	const struct store_advisory_draft *v = &a->d;
	struct store_advisory_draft typed;
	int published = k->has_adv && a->advisory_id && *a->advisory_id;
	int redo = d && d->form && strcmp(d->form, "advisory") == 0 &&
	    d->case_tid && strcmp(d->case_tid, k->c.tracking_id) == 0;
	const struct adv_in *in = redo ? d->adv : NULL;
	int rs = v->restart_required;
	json_t *o = case_row_ctx(r, &k->c), *adv, *form, *err;

	sets(o, "cvss", k->c.staff_cvss);
	sets(o, "cwe", k->c.staff_cwe);
	sets(o, "anchor", util_arena_printf(&r->arena, "case-%s",
	    k->c.tracking_id));
	if (!k->has_adv)
		return o;
	adv = json_object();
	json_object_set_new(adv, "published", json_boolean(published));
	sets(adv, "advisory_id", published ? a->advisory_id : "");
	if (published)
		sets(adv, "public_href", util_arena_printf(&r->arena,
		    "/advisories/%s", web_url_encode(r, a->advisory_id)));
	json_object_set_new(adv, "revision", json_integer(a->revision));
	sets(adv, "title", v->title);
	sets(adv, "summary", v->summary);
	sets(adv, "cve", v->cve);
	sets(adv, "affected", v->affected);
	sets(adv, "fixed", v->fixed);
	sets(adv, "acknowledgment", v->acknowledgment);
	sets(adv, "restart_label", rs >= 0 && rs < PUBLISH_RESTART__MAX ?
	    restart_labels[rs] : "");
	json_object_set_new(adv, "revisions", revisions_ctx(r, a));
	json_object_set_new(adv, "has_revisions", json_boolean(
	    json_array_size(json_object_get(adv, "revisions")) > 0));
	json_object_set_new(o, "advisory", adv);
	if (!manage)
		return o;

	/* the edit form shows what was typed when it was refused */
	typed = *v;
	if (in != NULL) {
#define TYPED(f) do { if (in->f != NULL) typed.f = in->f; } while (0)
		TYPED(title);
		TYPED(summary);
		TYPED(cve);
		TYPED(workarounds);
		TYPED(mitigations);
		TYPED(known_issues);
		TYPED(acknowledgment);
		TYPED(affected);
		TYPED(fixed);
#undef TYPED
		if (in->restart != NULL && restart_parse(in->restart) >= 0)
			rs = restart_parse(in->restart);
	}
	err = json_object();
	if (redo && d->msg)
		sets(err, d->field ? d->field : "form", d->msg);
	form = json_pack("{s:s,s:b,s:s,s:s}",
	    "action", util_arena_printf(&r->arena, "/cases/%s/advisory",
	    web_url_encode(r, k->c.tracking_id)),
	    "correction", published,
	    "change", in && in->change ? in->change : "",
	    "error", redo && d->msg ? d->msg : "");
	sets(form, "id", k->c.tracking_id);
	sets(form, "title", typed.title);
	sets(form, "summary", typed.summary);
	sets(form, "cve", typed.cve);
	sets(form, "workarounds", typed.workarounds);
	sets(form, "mitigations", typed.mitigations);
	sets(form, "known_issues", typed.known_issues);
	sets(form, "acknowledgment", typed.acknowledgment);
	sets(form, "affected", typed.affected);
	sets(form, "fixed", typed.fixed);
	json_object_set_new(form, "restart_none", json_boolean(rs ==
	    PUBLISH_RESTART_NONE || rs < 0 || rs >= PUBLISH_RESTART__MAX));
	json_object_set_new(form, "restart_service", json_boolean(rs ==
	    PUBLISH_RESTART_SERVICE));
	json_object_set_new(form, "restart_machine", json_boolean(rs ==
	    PUBLISH_RESTART_MACHINE));
	json_object_set_new(form, "open", json_boolean(redo));
	json_object_set_new(form, "err", err);
	json_object_set_new(o, "form", form);
	return o;
}

static int
show_release(struct req *r, struct rview *v, const struct release_redo *d,
    unsigned status)
{
	const struct store_release *x = &v->x;
	int manage = web_staff_may(r, ACT_RELEASE_MANAGE);
	int planned = is_planned(x), oob = is_oob(x);
	const char *form = d ? d->form : NULL;
	json_t *ctx, *a, *o;
	char csrf[65];
	size_t i;

	ctx = web_page_ctx(r, util_arena_printf(&r->arena, "Release %lld",
	    (long long)x->id));
	if (ctx == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	web_auth_csrf(r, csrf);
	sets(ctx, "csrf", csrf);
	json_object_set_new(ctx, "release", release_row_ctx(r, x));
	sets(ctx, "created_by", x->created_by);
	sets(ctx, "created", web_fmt_time(r, x->created_at));

	a = json_array();
	for (i = 0; i < v->nin; i++)
		json_array_append_new(a, in_case_ctx(r, &v->in[i], manage &&
		    v->in[i].has_adv, d));
	json_object_set_new(ctx, "cases", a);
	json_object_set_new(ctx, "has_cases", json_boolean(v->nin > 0));

	a = json_array();
	for (i = 0; i < v->nnot; i++) {
		o = case_row_ctx(r, &v->notready[i]);
		json_object_set_new(o, "why", strings_json(v->why[i],
		    v->nwhy[i]));
		json_array_append_new(a, o);
	}
	json_object_set_new(ctx, "not_ready", a);
	json_object_set_new(ctx, "has_not_ready", json_boolean(v->nnot > 0));

	a = json_array();
	for (i = 0; i < v->nready; i++) {
		o = case_row_ctx(r, &v->ready[i]);
		json_object_set_new(o, "selected", json_boolean(form &&
		    strcmp(form, "add") == 0 && d->case_tid &&
		    strcmp(d->case_tid, v->ready[i].tracking_id) == 0));
		json_array_append_new(a, o);
	}
	json_object_set_new(ctx, "ready", a);
	json_object_set_new(ctx, "has_ready", json_boolean(v->nready > 0));

	if (manage && planned) {
		int redo = form && strcmp(form, "add") == 0;

		o = json_pack("{s:s,s:o,s:b}",
		    "error", redo && d->msg ? d->msg : "",
		    "unmet", redo ? strings_json(d->unmet, d->nunmet) :
		    json_array(),
		    "has_unmet", redo && d->nunmet > 0);
		json_object_set_new(ctx, "add_form", o);
	}
	if (manage && planned && oob) {
		int redo = form && strcmp(form, "publish") == 0;

		json_object_set_new(ctx, "publish_form", json_pack(
		    "{s:s,s:b}", "error", redo && d->msg ? d->msg : "",
		    "can", v->nin > 0));
	}
	if (planned && !oob)
		json_object_set_new(ctx, "scheduled_note", json_true());
	return web_reply_page(r, status, "release", ctx);
}

static int
release_page(struct req *r, const char *param, const struct release_redo *d,
    unsigned status)
{
	struct rview v;

	memset(&v, 0, sizeof(v));
	if (load_release(r, param, &v.x) != STAFF_OK)
		return WEB_DONE;
	if (load_view(r, &v) == -1)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	return show_release(r, &v, d, status);
}

int
web_h_release_view(struct req *r)
{
	return release_page(r, r->param[0], NULL, 200);
}

int
web_h_release_case_post(struct req *r)
{
	struct release_redo d;
	struct store_release x;
	struct store_case c;
	struct refusal why;
	struct web_form f;
	const char *tid;
	int bad = 0, rc;

	memset(&c, 0, sizeof(c));
	if (web_form_read(r, &f, MAX_FORM_PARTS) == -1)
		return WEB_DONE;
	tid = field(r, &f, "case", &bad);
	if (bad)
		return WEB_DONE;
	if (load_release(r, r->param[0], &x) != STAFF_OK)
		return WEB_DONE;
	memset(&why, 0, sizeof(why));
	rc = op_release_add_case(r, &x, tid, &c, &why);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc != STAFF_OK) {
		memset(&d, 0, sizeof(d));
		d.form = "add";
		d.msg = why.msg;
		d.unmet = why.unmet;
		d.nunmet = why.nunmet;
		d.case_tid = tid;
		/* the reasons are listed beside the form */
		if (why.nunmet > 0)
			d.msg = util_arena_printf(&r->arena, "%s has not "
			    "passed the release gate and cannot be added:",
			    c.tracking_id);
		return release_page(r, r->param[0], &d, refusal_status(rc));
	}
	return web_reply_redirect(r, 303, util_arena_printf(&r->arena,
	    "%s#case-%s", release_href(r, x.id), web_url_encode(r,
	    c.tracking_id)));
}

int
web_h_release_publish_post(struct req *r)
{
	struct release_redo d;
	struct store_release x;
	struct refusal why;
	struct web_form f;
	int rc;

	if (web_form_read(r, &f, MAX_FORM_PARTS) == -1)
		return WEB_DONE;
	if (load_release(r, r->param[0], &x) != STAFF_OK)
		return WEB_DONE;
	memset(&why, 0, sizeof(why));
	rc = op_release_publish(r, &x, &why);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc != STAFF_OK) {
		memset(&d, 0, sizeof(d));
		d.form = "publish";
		d.msg = why.msg;
		return release_page(r, r->param[0], &d, refusal_status(rc));
	}
	return web_reply_redirect(r, 303, release_href(r, x.id));
}

int
web_h_case_advisory_post(struct req *r)
{
	struct release_redo d;
	struct store_advisory a;
	struct store_case c;
	struct refusal why;
	struct adv_in in;
	struct web_form f;
	const char *rid;
	int bad = 0, rc;

	if (web_form_read(r, &f, MAX_FORM_PARTS) == -1)
		return WEB_DONE;
	memset(&in, 0, sizeof(in));
	in.title = field(r, &f, "title", &bad);
	in.summary = lf(r, field(r, &f, "summary", &bad));
	in.cve = field(r, &f, "cve", &bad);
	in.workarounds = lf(r, field(r, &f, "workarounds", &bad));
	in.mitigations = lf(r, field(r, &f, "mitigations", &bad));
	in.known_issues = lf(r, field(r, &f, "known_issues", &bad));
	in.acknowledgment = field(r, &f, "acknowledgment", &bad);
	in.affected = field(r, &f, "affected", &bad);
	in.fixed = field(r, &f, "fixed", &bad);
	in.restart = field(r, &f, "restart_required", &bad);
	in.change = lf(r, field(r, &f, "change", &bad));
	if (bad)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	memset(&why, 0, sizeof(why));
	rc = op_advisory_update(r, &c, &in, &why);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (store_advisory_by_case(r->app->store, c.id, &r->arena, &a) !=
	    STORE_OK || a.release_id == 0) {
		/* no release to show the form on */
		if (rc != STAFF_OK)
			return web_reply_error(r, rc == TESTING_CONFLICT ?
			    WE_CONFLICT : WE_INVALID, why.field, why.msg);
		return web_reply_redirect(r, 303, util_arena_printf(
		    &r->arena, "/cases/%s", web_url_encode(r,
		    c.tracking_id)));
	}
	rid = util_arena_printf(&r->arena, "%lld", (long long)a.release_id);
	if (rc != STAFF_OK) {
		memset(&d, 0, sizeof(d));
		d.form = "advisory";
		d.msg = why.msg;
		d.field = why.field;
		d.case_tid = c.tracking_id;
		d.adv = &in;
		return release_page(r, rid, &d, refusal_status(rc));
	}
	return web_reply_redirect(r, 303, util_arena_printf(&r->arena,
	    "%s#case-%s", release_href(r, a.release_id), web_url_encode(r,
	    c.tracking_id)));
}

/* ---- the API ---- */

/* Parses the JSON object body; replies on error and returns NULL. */
static json_t *
body_object(struct req *r)
{
	const char *ct = web_header(r, "Content-Type");
	json_error_t err;
	json_t *j;

	if (ct == NULL || !web_media_type_is(ct, "application/json")) {
		web_reply_error(r, WE_MEDIA_TYPE, NULL,
		    "Send application/json.");
		return NULL;
	}
	j = json_loadb(r->body.data ? r->body.data : "", r->body.len,
	    JSON_REJECT_DUPLICATES, &err);
	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		web_reply_error(r, WE_BAD_JSON, NULL, NULL);
		return NULL;
	}
	return j;
}

/* A string member copied to the arena (NULL when absent or null); a
 * wrong type replies 400 and sets *bad. */
static const char *
member(struct req *r, json_t *o, const char *key, int *bad)
{
	json_t *v = json_object_get(o, key);

	if (*bad || v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		web_reply_error(r, WE_BAD_JSON, key, util_arena_printf(
		    &r->arena, "%s must be a string.", key));
		*bad = 1;
		return NULL;
	}
	return util_arena_strdup(&r->arena, json_string_value(v));
}

/* Replies to a refused operation; 0 when it went through. */
static int
refused(struct req *r, int rc, const struct refusal *why)
{
	const struct web_error_info *ei;
	json_t *j;

	if (rc == STAFF_OK)
		return 0;
	if (rc == STAFF_REPLIED)
		return 1;
	if (rc == TESTING_CONFLICT && why->nunmet > 0) {
		ei = web_error(WE_CONFLICT);
		j = json_pack("{s:{s:s,s:i,s:s,s:o,s:o}}", "error", "code",
		    ei->code, "number", ei->number, "message", NZ(why->msg),
		    "field", why->field ? json_string(why->field) :
		    json_null(), "unmet", strings_json(why->unmet,
		    why->nunmet));
		web_reply_json(r, ei->status, j);
		return 1;
	}
	web_reply_error(r, rc == TESTING_CONFLICT ? WE_CONFLICT : WE_INVALID,
	    why->field, why->msg);
	return 1;
}

static int
reply_view(struct req *r, int64_t id, unsigned status)
{
	struct rview v;
	int failed = 0;
	json_t *o;

	memset(&v, 0, sizeof(v));
	if (store_release_get(r->app->store, id, &r->arena, &v.x) !=
	    STORE_OK || load_view(r, &v) == -1)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	o = view_json(r, &v, &failed);
	if (failed) {
		json_decref(o);
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	}
	return web_reply_json(r, status, o);
}

int
web_h_api_releases_get(struct req *r)
{
	struct store_release *all = NULL;
	struct rwin w[NWINDOWS];
	size_t nall = 0, i, k;
	char err[800];
	json_t *o, *a;
	int n;

	if (store_releases(r->app->store, &r->arena, &all, &nall) != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	o = json_object();
	sets(o, "zone", r->app->cfg->release_zone);
	n = next_windows(r, w, NWINDOWS, err, sizeof(err));
	json_object_set_new(o, "calendar_error", n == -1 ? json_string(err) :
	    json_null());
	a = json_array();
	for (i = 0; n > 0 && i < (size_t)n; i++) {
		json_t *e = json_pack("{s:I,s:s,s:s,s:I,s:o}",
		    "at", (json_int_t)w[i].at, "iso", w[i].iso,
		    "notice", w[i].notice,
		    "notice_at", (json_int_t)w[i].notice_at,
		    "release_id", json_null());

		if (w[i].shifted)
			sets(e, "moved", shift_text(r, &w[i]));
		for (k = 0; k < nall; k++)
			if (!is_oob(&all[k]) && all[k].window_at ==
			    (time_t)w[i].at)
				json_object_set_new(e, "release_id",
				    json_integer((json_int_t)all[k].id));
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "windows", a);
	a = json_array();
	for (i = 0; i < nall; i++)
		json_array_append_new(a, release_json(r, &all[i]));
	json_object_set_new(o, "releases", a);
	return web_reply_json(r, 200, o);
}

int
web_h_api_releases_post(struct req *r)
{
	struct refusal why;
	const char *kind, *just, *window = NULL;
	json_t *j, *v;
	int64_t id = 0;
	int bad = 0, rc;

	if ((j = body_object(r)) == NULL)
		return WEB_DONE;
	kind = member(r, j, "kind", &bad);
	just = member(r, j, "justification", &bad);
	v = json_object_get(j, "window");
	if (!bad && v != NULL && !json_is_null(v)) {
		if (json_is_integer(v))
			window = util_arena_printf(&r->arena, "%lld",
			    (long long)json_integer_value(v));
		else if (json_is_string(v))
			window = util_arena_strdup(&r->arena,
			    json_string_value(v));
		else {
			web_reply_error(r, WE_BAD_JSON, "window", "window must "
			    "be the unix time of a release window.");
			bad = 1;
		}
	}
	json_decref(j);
	if (bad)
		return WEB_DONE;
	memset(&why, 0, sizeof(why));
	rc = op_release_create(r, kind, window, just, &id, &why);
	if (refused(r, rc, &why))
		return WEB_DONE;
	return reply_view(r, id, 201);
}

int
web_h_api_release_get(struct req *r)
{
	struct store_release x;

	if (load_release(r, r->param[0], &x) != STAFF_OK)
		return WEB_DONE;
	return reply_view(r, x.id, 200);
}

int
web_h_api_release_case_post(struct req *r)
{
	struct store_release x;
	struct store_case c;
	struct refusal why;
	const char *tid;
	json_t *j;
	int bad = 0, rc;

	if ((j = body_object(r)) == NULL)
		return WEB_DONE;
	tid = member(r, j, "case", &bad);
	json_decref(j);
	if (bad)
		return WEB_DONE;
	if (load_release(r, r->param[0], &x) != STAFF_OK)
		return WEB_DONE;
	memset(&why, 0, sizeof(why));
	rc = op_release_add_case(r, &x, tid, &c, &why);
	if (refused(r, rc, &why))
		return WEB_DONE;
	return reply_view(r, x.id, 201);
}

int
web_h_api_release_publish(struct req *r)
{
	struct store_release x;
	struct refusal why;
	int rc;

	if (load_release(r, r->param[0], &x) != STAFF_OK)
		return WEB_DONE;
	memset(&why, 0, sizeof(why));
	rc = op_release_publish(r, &x, &why);
	if (refused(r, rc, &why))
		return WEB_DONE;
	return reply_view(r, x.id, 201);
}

static int
reply_advisory(struct req *r, const struct store_case *c, unsigned status)
{
	struct store_advisory a;
	int failed = 0, rc;
	json_t *o;

	rc = store_advisory_by_case(r->app->store, c->id, &r->arena, &a);
	if (rc == STORE_NONE)
		return web_reply_error(r, WE_NOT_FOUND, NULL, "The case has no "
		    "advisory: it is in no release.");
	if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	o = advisory_json(r, c, &a, &failed);
	if (o == NULL || failed) {
		json_decref(o);
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	}
	return web_reply_json(r, status, o);
}

int
web_h_api_advisory_get(struct req *r)
{
	struct store_case c;

	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	return reply_advisory(r, &c, 200);
}

int
web_h_api_advisory_put(struct req *r)
{
	struct store_case c;
	struct refusal why;
	struct adv_in in;
	json_t *j;
	int bad = 0, rc;

	if ((j = body_object(r)) == NULL)
		return WEB_DONE;
	memset(&in, 0, sizeof(in));
	in.title = member(r, j, "title", &bad);
	in.summary = member(r, j, "summary", &bad);
	in.cve = member(r, j, "cve", &bad);
	in.workarounds = member(r, j, "workarounds", &bad);
	in.mitigations = member(r, j, "mitigations", &bad);
	in.known_issues = member(r, j, "known_issues", &bad);
	in.acknowledgment = member(r, j, "acknowledgment", &bad);
	in.affected = member(r, j, "affected", &bad);
	in.fixed = member(r, j, "fixed", &bad);
	in.restart = member(r, j, "restart_required", &bad);
	in.change = member(r, j, "change", &bad);
	/* "cve": null clears it */
	if (!bad && json_object_get(j, "cve") != NULL &&
	    json_is_null(json_object_get(j, "cve")))
		in.cve = "";
	json_decref(j);
	if (bad)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	memset(&why, 0, sizeof(why));
	rc = op_advisory_update(r, &c, &in, &why);
	if (refused(r, rc, &why))
		return WEB_DONE;
	return reply_advisory(r, &c, 200);
}
