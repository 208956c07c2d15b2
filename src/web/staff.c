/* web/staff.c - the case operations of the response team; see staff.h.
 * Every check happens here, on the server, for pages and API alike:
 * the permission table for the action, the lifecycle table for the state
 * change, then one store transaction that also writes the event and the
 * audit row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/cvss.h"
#include "core/cwe.h"
#include "core/report.h"
#include "util/crypto.h"
#include "util/log.h"
#include "staff.h"
#include "testing.h"

#define MAX_STAFF_MESSAGE	(64 * 1024)
#define MAX_REASON		(8 * 1024)

int
web_staff_may(struct req *r, enum core_action a)
{
	return r->authed && core_perm_allows(r->roles, a);
}

/* A denial inside a route the user may reach: the same 404 as anywhere,
 * and the same audit row. */
static int
deny(struct req *r, enum core_action a, const struct store_case *c)
{
	web_audit(r, "permission.denied", c ? c->id : 0, util_arena_printf(
	    &r->arena, "%s %s (%s)", r->method, r->url, core_action_name(a)));
	web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	return STAFF_REPLIED;
}

void
web_staff_actor(struct req *r, struct store_actor *a)
{
	a->user_id = r->user_id;
	a->name = r->user_email ? r->user_email : "?";
}

int
web_staff_case(struct req *r, const char *tid, struct store_case *c,
    int audit_view)
{
	int rc, year;
	long seq;

	if (tid == NULL || core_tracking_parse(tid,
	    r->app->cfg->tracking_prefix, &year, &seq) == -1) {
		web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
		return STAFF_REPLIED;
	}
	rc = store_case_by_tracking(r->app->store, tid, &r->arena, c);
	if (rc == STORE_NONE) {
		web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
		return STAFF_REPLIED;
	}
	if (rc != STORE_OK) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	/* Reading a report leaves a trace; no trace, no report. */
	if (audit_view && store_audit_add(r->app->store, time(NULL),
	    r->user_email, "case.view", c->id, "read the report") != STORE_OK) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	return STAFF_OK;
}

const struct store_notify *
web_notify(struct req *r, struct store_notify *n, const char *kind,
    const char *body, const char *secret)
{
	char *id;

	if (!r->app->cfg->mail_notify ||
	    (id = util_arena_alloc(&r->arena, 200)) == NULL)
		return NULL;
	util_message_id(id, 200, r->app->cfg->mail_domain);
	n->kind = kind;
	n->body = body ? body : "";
	n->secret = secret;
	n->message_id = id;
	return n;
}

/* The states a researcher hears about by e-mail when a case enters them
 * (questions and duplicates have their own messages). */
static int
researcher_hears(int st)
{
	return st == ST_CONFIRMED || st == ST_VERIFYING || st == ST_RELEASED ||
	    st == ST_REJECTED || st == ST_NOT_REPRODUCIBLE || st == ST_CLOSED;
}

size_t
web_staff_transitions(struct req *r, const struct store_case *c,
    const struct core_transition **out, size_t max)
{
	int st = core_state_parse(c->state);
	const struct core_transition *all[CORE_TRANSITIONS_FROM_MAX];
	size_t n, i, k = 0;

	if (st < 0 || !web_staff_may(r, ACT_CASE_TRANSITION))
		return 0;
	n = core_transitions_from(st, ACTOR_STAFF, r->roles, all,
	    CORE_TRANSITIONS_FROM_MAX);
	for (i = 0; i < n && k < max; i++) {
		/* "duplicate" needs the original: it has its own form */
		if (all[i]->to == ST_DUPLICATE)
			continue;
		out[k++] = all[i];
	}
	return k;
}

static int
text_ok(const char *s, size_t max, int multiline)
{
	return s != NULL && strlen(s) <= max &&
	    core_text_ok(s, strlen(s), multiline);
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

int
web_staff_transition(struct req *r, const struct store_case *c,
    const char *to, const char *reason, const char **msg)
{
	struct store_actor who;
	struct store_notify n;
	int from, dst, rc;

	if (!web_staff_may(r, ACT_CASE_TRANSITION))
		return deny(r, ACT_CASE_TRANSITION, c);
	if (reason != NULL && !text_ok(reason, MAX_REASON, 1)) {
		*msg = "The reason must be text of at most 8 KiB.";
		return STAFF_REFUSED;
	}
	from = core_state_parse(c->state);
	if (to == NULL || (dst = core_state_parse(to)) < 0) {
		*msg = "Unknown state.";
		return STAFF_REFUSED;
	}
	if (dst == ST_DUPLICATE) {
		*msg = "To mark a duplicate, give the original case's "
		    "tracking ID.";
		return STAFF_REFUSED;
	}
	if (from < 0 || core_transition_check(from, dst, ACTOR_STAFF,
	    r->roles, reason, msg) == -1)
		return STAFF_REFUSED;
	/* The release gate: no case reaches "ready" without a tested patch
	 * the researcher verified (or a written waiver). */
	if (dst == ST_READY) {
		struct core_gate_result g;
		struct buf b;
		size_t i;

		if (web_gate(r, c, &g) == -1) {
			web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
			return STAFF_REPLIED;
		}
		if (!g.ok) {
			util_buf_init(&b, 4096);
			util_buf_puts(&b, "The release gate is not met:");
			for (i = 0; i < g.nunmet; i++)
				util_buf_printf(&b, " %s", g.unmet[i]);
			*msg = b.failed ? "The release gate is not met." :
			    util_arena_strdup(&r->arena, b.data);
			util_buf_release(&b);
			return STAFF_REFUSED;
		}
	}
	/* Every released case leaves its lessons behind before it closes. */
	if (dst == ST_CLOSED) {
		if ((rc = web_postmortem_exists(r, c)) == -1) {
			web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
			return STAFF_REPLIED;
		}
		if (rc == 0) {
			*msg = "Write the post-mortem before closing the case.";
			return STAFF_REFUSED;
		}
	}
	web_staff_actor(r, &who);
	rc = store_case_transition(r->app->store, c->id, c->state, to, &who,
	    reason ? reason : "", researcher_hears(dst) ? web_notify(r, &n,
	    "status", "", NULL) : NULL, time(NULL));
	if (rc == STORE_NONE) {
		*msg = "The case changed in the meantime; reload and try again.";
		return STAFF_REFUSED;
	}
	if (rc != STORE_OK) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	log_info("case %s: %s -> %s by %s", c->tracking_id, c->state, to,
	    who.name);
	return STAFF_OK;
}

int
web_staff_assign(struct req *r, const struct store_case *c,
    const char *assignee, const char **msg)
{
	struct store_actor who;
	struct store_user u;
	int64_t id = 0;
	char *end;
	int rc;

	if (!web_staff_may(r, ACT_CASE_ASSIGN))
		return deny(r, ACT_CASE_ASSIGN, c);
	if (assignee != NULL && *assignee != '\0' &&
	    strcmp(assignee, "0") != 0 && strcmp(assignee, "none") != 0) {
		if (strchr(assignee, '@') != NULL)
			rc = store_user_by_email(r->app->store, assignee,
			    &r->arena, &u);
		else {
			id = strtoll(assignee, &end, 10);
			rc = (*end != '\0' || id <= 0) ? STORE_NONE :
			    store_user_get(r->app->store, id, &r->arena, &u);
		}
		if (rc == STORE_ERR) {
			web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
			return STAFF_REPLIED;
		}
		if (rc != STORE_OK || u.disabled) {
			*msg = "No active account by that name.";
			return STAFF_REFUSED;
		}
		id = u.id;
	}
	web_staff_actor(r, &who);
	rc = store_case_assign(r->app->store, c->id, id, &who, time(NULL));
	if (rc == STORE_NONE) {
		*msg = "No active account by that name.";
		return STAFF_REFUSED;
	}
	if (rc != STORE_OK) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	return STAFF_OK;
}

static int
sla_days(const struct config *cfg, const char *severity)
{
	if (strcmp(severity, "Critical") == 0)
		return cfg->sla_critical;
	if (strcmp(severity, "High") == 0)
		return cfg->sla_high;
	if (strcmp(severity, "Medium") == 0)
		return cfg->sla_medium;
	if (strcmp(severity, "Low") == 0 || strcmp(severity, "None") == 0)
		return cfg->sla_low;
	return cfg->sla_triage;
}

int
web_staff_score(struct req *r, const struct store_case *c,
    const char *vector, const char *cwe, const char **msg)
{
	struct store_actor who;
	struct core_cvss cv;
	const char *err = NULL, *sev = "";
	char sevl[16];
	double score = -1;
	int rc, id;
	size_t i;

	if (!web_staff_may(r, ACT_CASE_SCORE))
		return deny(r, ACT_CASE_SCORE, c);
	if (vector == NULL)
		vector = "";
	if (cwe == NULL)
		cwe = "";
	if (*vector != '\0') {
		if (!text_ok(vector, 512, 0) ||
		    core_cvss_score(vector, &cv, &err) == -1) {
			*msg = err ? err : "Enter a valid CVSS vector.";
			return STAFF_REFUSED;
		}
		score = cv.score;
		sev = cv.severity;
	}
	if (*cwe != '\0' && strcmp(cwe, "unknown") != 0 &&
	    ((id = core_cwe_parse(cwe)) < 0 || core_cwe_find(id) == NULL)) {
		*msg = "Pick a weakness (CWE) from the list.";
		return STAFF_REFUSED;
	}
	/* severities are stored in lower case: "critical", ... */
	for (i = 0; sev[i] != '\0' && i < sizeof(sevl) - 1; i++)
		sevl[i] = (char)(sev[i] >= 'A' && sev[i] <= 'Z' ? sev[i] + 32 :
		    sev[i]);
	sevl[i] = '\0';
	web_staff_actor(r, &who);
	rc = store_case_score(r->app->store, c->id, vector, score, sevl, cwe,
	    c->created_at + (time_t)sla_days(r->app->cfg, sev) * 86400, &who,
	    time(NULL));
	if (rc != STORE_OK) {
		web_reply_error(r, rc == STORE_NONE ? WE_NOT_FOUND :
		    WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	return STAFF_OK;
}

int
web_staff_duplicate(struct req *r, const struct store_case *c, const char *of,
    const char **msg)
{
	struct store_actor who;
	struct store_case orig;
	int from, rc, year;
	long seq;

	if (!web_staff_may(r, ACT_CASE_DUPLICATE))
		return deny(r, ACT_CASE_DUPLICATE, c);
	if (of == NULL || core_tracking_parse(of, r->app->cfg->tracking_prefix,
	    &year, &seq) == -1) {
		*msg = "Give the tracking ID of the original case.";
		return STAFF_REFUSED;
	}
	rc = store_case_by_tracking(r->app->store, of, &r->arena, &orig);
	if (rc == STORE_ERR) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	if (rc != STORE_OK) {
		*msg = "There is no case with that tracking ID.";
		return STAFF_REFUSED;
	}
	if (orig.id == c->id) {
		*msg = "A case cannot duplicate itself.";
		return STAFF_REFUSED;
	}
	if (orig.duplicate_of == c->id) {
		*msg = "That case is already a duplicate of this one.";
		return STAFF_REFUSED;
	}
	from = core_state_parse(c->state);
	if (from < 0 || core_transition_check(from, ST_DUPLICATE, ACTOR_STAFF,
	    r->roles, NULL, msg) == -1)
		return STAFF_REFUSED;
	web_staff_actor(r, &who);
	rc = store_case_duplicate(r->app->store, c->id, orig.id, c->state,
	    "duplicate", &who, time(NULL));
	if (rc == STORE_NONE) {
		*msg = "The case changed in the meantime; reload and try again.";
		return STAFF_REFUSED;
	}
	if (rc != STORE_OK) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	return STAFF_OK;
}

int
web_staff_message(struct req *r, const struct store_case *c, const char *body,
    int internal, int request_info, const char **msg)
{
	struct store_actor who;
	struct store_notify n;
	const char *from = NULL, *to = NULL;
	int st, rc;

	if (!web_staff_may(r, internal ? ACT_CASE_NOTE : ACT_CASE_MESSAGE))
		return deny(r, internal ? ACT_CASE_NOTE : ACT_CASE_MESSAGE, c);
	if (body == NULL || blank(body) ||
	    !text_ok(body, MAX_STAFF_MESSAGE, 1)) {
		*msg = "Write the message: text of at most 64 KiB.";
		return STAFF_REFUSED;
	}
	if (request_info) {
		if (internal) {
			*msg = "A request for information goes to the "
			    "researcher, not into an internal note.";
			return STAFF_REFUSED;
		}
		st = core_state_parse(c->state);
		if (st < 0 || core_transition_check(st, ST_NEEDS_INFO,
		    ACTOR_STAFF, r->roles, body, msg) == -1)
			return STAFF_REFUSED;
		from = c->state;
		to = "needs_info";
	}
	web_staff_actor(r, &who);
	rc = store_case_message_staff(r->app->store, c->id, &who, body,
	    internal, from, to, internal ? NULL : web_notify(r, &n,
	    request_info ? "request_info" : "message", body, NULL), time(NULL),
	    NULL);
	if (rc == STORE_NONE) {
		*msg = "The case changed in the meantime; reload and try again.";
		return STAFF_REFUSED;
	}
	if (rc != STORE_OK) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	return STAFF_OK;
}

/* ---- the queue's query parameters, for the page and the API ---- */

static int
one_of(const char *v, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(v, list[i]) == 0)
			return (int)i;
	return -1;
}

const char *
web_staff_fts_query(struct req *r, const char *q)
{
	struct buf b;
	const char *p = q, *start;
	int terms = 0;
	const char *out;

	util_buf_init(&b, 1024);
	while (*p != '\0' && terms < 10) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' &&
		    *p != '\r')
			p++;
		if (terms++ > 0)
			util_buf_putc(&b, ' ');
		util_buf_putc(&b, '"');
		for (; start < p; start++) {
			if (*start == '"')
				util_buf_putc(&b, '"');
			util_buf_putc(&b, *start);
		}
		util_buf_putc(&b, '"');
	}
	out = (b.failed || b.data == NULL) ? NULL :
	    util_arena_strdup(&r->arena, b.data);
	util_buf_release(&b);
	return out;
}

int
web_staff_queue_parse(struct req *r, struct store_queue_filter *f,
    long *page, const char **bad)
{
	static const char *const sorts[] = { "created_desc", "created_asc",
	    "updated_desc", "severity_desc", "due_asc", NULL };
	static const char *const sevs[] = { "critical", "high", "medium",
	    "low", "none", "unscored", NULL };
	static const char *const channels[] = { "web", "api", "email", NULL };
	const char *v;
	char *end;
	long n;
	int k;

	memset(f, 0, sizeof(*f));
	f->now = time(NULL);
	f->limit = 50;
	*page = 1;
	if ((v = web_query(r, "state")) != NULL && *v != '\0') {
		if (strcmp(v, "open") != 0 && core_state_parse(v) < 0)
			goto bad_state;
		f->state = v;
	}
	if ((v = web_query(r, "product")) != NULL && *v != '\0') {
		if (!text_ok(v, 200, 0)) {
			*bad = "product";
			return -1;
		}
		f->product = v;
	}
	if ((v = web_query(r, "severity")) != NULL && *v != '\0') {
		if (one_of(v, sevs) < 0) {
			*bad = "severity";
			return -1;
		}
		f->severity = v;
	}
	if ((v = web_query(r, "channel")) != NULL && *v != '\0') {
		if (one_of(v, channels) < 0) {
			*bad = "channel";
			return -1;
		}
		f->channel = v;
	}
	if ((v = web_query(r, "assignee")) != NULL && *v != '\0') {
		if (strcmp(v, "me") == 0)
			f->assignee = r->user_id;
		else if (strcmp(v, "none") == 0)
			f->assignee = -1;
		else {
			n = strtol(v, &end, 10);
			if (*end != '\0' || n <= 0 || n > 1000000000L) {
				*bad = "assignee";
				return -1;
			}
			f->assignee = n;
		}
	}
	if ((v = web_query(r, "overdue")) != NULL && *v != '\0') {
		if (strcmp(v, "1") != 0 && strcmp(v, "0") != 0) {
			*bad = "overdue";
			return -1;
		}
		f->overdue = v[0] == '1';
	}
	if ((v = web_query(r, "q")) != NULL && *v != '\0') {
		if (!text_ok(v, 200, 0)) {
			*bad = "q";
			return -1;
		}
		f->search = web_staff_fts_query(r, v);
	}
	if ((v = web_query(r, "sort")) != NULL && *v != '\0') {
		if ((k = one_of(v, sorts)) < 0) {
			*bad = "sort";
			return -1;
		}
		f->sort = (enum store_sort)k;
	}
	if ((v = web_query(r, "page")) != NULL && *v != '\0') {
		n = strtol(v, &end, 10);
		if (*end != '\0' || n < 1 || n > 100000) {
			*bad = "page";
			return -1;
		}
		*page = n;
	}
	if ((v = web_query(r, "per_page")) != NULL && *v != '\0') {
		n = strtol(v, &end, 10);
		if (*end != '\0' || n < 1 || n > 200) {
			*bad = "per_page";
			return -1;
		}
		f->limit = (int)n;
	}
	f->offset = (int)((*page - 1) * f->limit);
	return 0;
bad_state:
	*bad = "state";
	return -1;
}
