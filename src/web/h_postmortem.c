/* web/h_postmortem.c - the post-mortem of a released case: its section
 * on the case page, the form post, the JSON API, and the rule that a
 * case cannot close without one (web_staff_transition asks
 * web_postmortem_exists; the store refuses too). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/cwe.h"
#include "core/metrics.h"
#include "core/postmortem.h"
#include "util/log.h"
#include "parse.h"
#include "staff.h"
#include "testing.h"
#include "web.h"

#define MAX_PM_PARTS	32

_Static_assert(PMF__MAX == sizeof(((struct web_pm_redo *)0)->v) /
    sizeof(((struct web_pm_redo *)0)->v[0]), "web_pm_redo matches pm_field");

static int
released(const struct store_case *c)
{
	return strcmp(c->state, "released") == 0 ||
	    strcmp(c->state, "closed") == 0;
}

int
web_postmortem_exists(struct req *r, const struct store_case *c)
{
	struct store_postmortem pm;
	int rc = store_postmortem_get(r->app->store, c->id, &r->arena, &pm);

	return rc == STORE_OK ? 1 : rc == STORE_NONE ? 0 : -1;
}

int
web_staff_postmortem(struct req *r, const struct store_case *c,
    const char *const *v, const char **err, const char **msg)
{
	struct store_postmortem pm;
	struct store_case reg;
	struct store_actor who;
	char tags[PM_TAGS_LEN];
	int rc, i;

	for (i = 0; i < PMF__MAX; i++)
		err[i] = NULL;
	if (!web_staff_may(r, ACT_POSTMORTEM_WRITE)) {
		web_audit(r, "permission.denied", c->id, util_arena_printf(
		    &r->arena, "%s %s (postmortem.write)", r->method, r->url));
		web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
		return STAFF_REPLIED;
	}
	if (!released(c)) {
		*msg = "A post-mortem is written once the case is released.";
		return STAFF_REFUSED;
	}
	if (core_pm_validate(v, err) > 0) {
		*msg = "Some fields need attention.";
		return STAFF_REFUSED;
	}
	memset(&pm, 0, sizeof(pm));
	pm.case_id = c->id;
	if (v[PMF_REGRESSION_OF] != NULL && *v[PMF_REGRESSION_OF] != '\0') {
		const char *tid = v[PMF_REGRESSION_OF];

		while (*tid == ' ')
			tid++;
		rc = store_case_by_tracking(r->app->store, tid, &r->arena,
		    &reg);
		if (rc == STORE_ERR) {
			web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
			return STAFF_REPLIED;
		}
		if (rc != STORE_OK || reg.id == c->id ||
		    reg.created_at > c->created_at) {
			err[PMF_REGRESSION_OF] = rc != STORE_OK ?
			    "No case has this tracking ID." :
			    reg.id == c->id ?
			    "A case cannot be a regression of itself." :
			    "A regression is of an earlier case.";
			*msg = "Some fields need attention.";
			return STAFF_REFUSED;
		}
		pm.regression_of = reg.id;
	}
	core_pm_tags_normalize(v[PMF_TAGS], tags, sizeof(tags));
	pm.cwe = v[PMF_CWE];
	pm.component = v[PMF_COMPONENT];
	pm.introduced_in = v[PMF_INTRODUCED_IN] ? v[PMF_INTRODUCED_IN] : "";
	pm.how_found = v[PMF_HOW_FOUND];
	pm.practice = v[PMF_PRACTICE];
	pm.reissued = strcmp(v[PMF_REISSUED], "yes") == 0;
	pm.root_cause = v[PMF_ROOT_CAUSE];
	pm.fix = v[PMF_FIX];
	pm.lessons = v[PMF_LESSONS];
	pm.tags = tags;
	web_staff_actor(r, &who);
	rc = store_postmortem_put(r->app->store, &pm, &who, time(NULL));
	if (rc == STORE_NONE) {
		*msg = "The case changed in the meantime; reload and try again.";
		return STAFF_REFUSED;
	}
	if (rc != STORE_OK) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return STAFF_REPLIED;
	}
	log_info("case %s: post-mortem written by %s", c->tracking_id,
	    who.name);
	return STAFF_OK;
}

/* ---- the case page ---- */

static const char *const how_found_hints[] = {
	"external researcher report", "internal testing", "internal fuzzing",
	"code review", "static analysis", "customer report",
	"incident response", "bug bounty",
};

/* Re-issued: the patch went back to fixing after testing began, by the
 * one definition the turnaround figures use (core/metrics.h). */
static int
was_reissued(struct req *r, const struct store_case *c)
{
	struct core_metrics_transition *tr;
	struct core_metrics_case m;
	struct store_event *ev;
	size_t n, i, k = 0;
	int f, t;

	if (store_case_events(r->app->store, c->id, &r->arena, &ev, &n) !=
	    STORE_OK || (tr = util_arena_alloc(&r->arena,
	    (n ? n : 1) * sizeof(*tr))) == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		if (strcmp(ev[i].kind, "transition") != 0 ||
		    (f = core_state_parse(ev[i].from_state)) < 0 ||
		    (t = core_state_parse(ev[i].to_state)) < 0)
			continue;
		tr[k].at = ev[i].at;
		tr[k].from = (enum core_state)f;
		tr[k++].to = (enum core_state)t;
	}
	core_metrics_case(c->created_at, 0, k ? tr : NULL, k, &m);
	return m.reissued > 0;
}

json_t *
web_postmortem_ctx(struct req *r, const struct store_case *c,
    const struct web_pm_redo *d)
{
	struct store_postmortem pm;
	const char *v[PMF__MAX];
	const struct core_cwe *list;
	json_t *o, *a, *e;
	size_t n, i;
	int rc, have, k;
	char csrf[65];

	if (!released(c))
		return NULL;
	rc = store_postmortem_get(r->app->store, c->id, &r->arena, &pm);
	if (rc == STORE_ERR)
		return NULL;
	have = rc == STORE_OK;
	o = json_object();
	json_object_set_new(o, "written", json_boolean(have));
	if (have) {
		json_object_set_new(o, "saved", json_pack(
		    "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:s,s:s,s:s}",
		    "cwe", pm.cwe, "cwe_name", core_cwe_find(core_cwe_parse(
		    pm.cwe)) ? core_cwe_find(core_cwe_parse(pm.cwe))->name : "",
		    "component", pm.component,
		    "introduced_in", pm.introduced_in,
		    "how_found", pm.how_found,
		    "practice", core_pm_practice_label(core_pm_practice_parse(
		    pm.practice)) ? core_pm_practice_label(
		    core_pm_practice_parse(pm.practice)) : pm.practice,
		    "regression_of", pm.regression_of_tracking,
		    "reissued", pm.reissued != 0,
		    "root_cause", pm.root_cause, "fix", pm.fix,
		    "lessons", pm.lessons, "tags", pm.tags,
		    "author", pm.author,
		    "updated", web_fmt_time(r, pm.updated_at)));
	}
	if (!web_staff_may(r, ACT_POSTMORTEM_WRITE))
		return o;
	/* the form: what was typed, else what is saved, else defaults */
	for (k = 0; k < PMF__MAX; k++)
		v[k] = d != NULL ? d->v[k] : NULL;
	if (d == NULL && have) {
		v[PMF_CWE] = pm.cwe;
		v[PMF_COMPONENT] = pm.component;
		v[PMF_INTRODUCED_IN] = pm.introduced_in;
		v[PMF_HOW_FOUND] = pm.how_found;
		v[PMF_PRACTICE] = pm.practice;
		v[PMF_REGRESSION_OF] = pm.regression_of_tracking;
		v[PMF_REISSUED] = pm.reissued ? "yes" : "no";
		v[PMF_ROOT_CAUSE] = pm.root_cause;
		v[PMF_FIX] = pm.fix;
		v[PMF_LESSONS] = pm.lessons;
		v[PMF_TAGS] = pm.tags;
	} else if (d == NULL) {
		v[PMF_CWE] = *c->staff_cwe ? c->staff_cwe :
		    c->field[RF_CWE] && strncmp(c->field[RF_CWE], "CWE-", 4)
		    == 0 ? c->field[RF_CWE] : "";
		v[PMF_HOW_FOUND] = "external researcher report";
		v[PMF_REISSUED] = was_reissued(r, c) ? "yes" : "no";
		v[PMF_ROOT_CAUSE] = c->field[RF_ROOT_CAUSE];
	}
	e = json_object();
	for (k = 0; k < PMF__MAX; k++) {
		json_object_set_new(o, core_pm_field_name(k),
		    json_string(v[k] ? v[k] : ""));
		if (d != NULL && d->err[k] != NULL)
			json_object_set_new(e, core_pm_field_name(k),
			    json_string(d->err[k]));
	}
	json_object_set_new(o, "err", e);
	if (d != NULL && d->msg != NULL)
		json_object_set_new(o, "msg", json_string(d->msg));
	a = json_array();
	for (k = 0; k < PRACTICE__MAX; k++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}",
		    "value", core_pm_practice_name(k),
		    "label", core_pm_practice_label(k),
		    "selected", v[PMF_PRACTICE] != NULL && strcmp(
		    v[PMF_PRACTICE], core_pm_practice_name(k)) == 0));
	json_object_set_new(o, "practices", a);
	json_object_set_new(o, "reissued_yes", json_boolean(
	    v[PMF_REISSUED] != NULL && strcmp(v[PMF_REISSUED], "yes") == 0));
	json_object_set_new(o, "reissued_no", json_boolean(
	    v[PMF_REISSUED] != NULL && strcmp(v[PMF_REISSUED], "no") == 0));
	a = json_array();
	list = core_cwe_list(&n);
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s}", "value",
		    util_arena_printf(&r->arena, "CWE-%d", list[i].id),
		    "label", list[i].name));
	json_object_set_new(o, "cwes", a);
	a = json_array();
	for (i = 0; i < sizeof(how_found_hints) / sizeof(how_found_hints[0]);
	    i++)
		json_array_append_new(a, json_string(how_found_hints[i]));
	json_object_set_new(o, "how_found_hints", a);
	web_auth_csrf(r, csrf);
	json_object_set_new(o, "csrf", json_string(csrf));
	json_object_set_new(o, "form", json_true());
	json_object_set_new(o, "action", json_string(util_arena_printf(
	    &r->arena, "/cases/%s/postmortem", web_url_encode(r,
	    c->tracking_id))));
	return o;
}

/* A text part as a string, CR LF as LF; NULL (replied) on a NUL byte. */
static const char *
part_text(struct req *r, const struct web_part *p)
{
	char *out, *o;
	size_t i;

	if (memchr(p->data, '\0', p->len) != NULL) {
		web_reply_error(r, WE_BAD_FORM, p->name,
		    "A field contains a NUL byte.");
		return NULL;
	}
	if ((out = util_arena_alloc(&r->arena, p->len + 1)) == NULL) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return NULL;
	}
	for (i = 0, o = out; i < p->len; i++)
		if (!(p->data[i] == '\r' && i + 1 < p->len &&
		    p->data[i + 1] == '\n'))
			*o++ = p->data[i];
	*o = '\0';
	return out;
}

int
web_h_case_postmortem_post(struct req *r)
{
	struct web_pm_redo d;
	struct store_case c;
	struct web_form f;
	const char *msg = NULL;
	size_t i;
	int k, rc;

	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	if (web_form_read(r, &f, MAX_PM_PARTS) == -1)
		return WEB_DONE;
	memset(&d, 0, sizeof(d));
	for (i = 0; i < f.n; i++)
		for (k = 0; k < PMF__MAX; k++)
			if (f.p[i].name != NULL && strcmp(f.p[i].name,
			    core_pm_field_name(k)) == 0 && f.p[i].filename == NULL) {
				if (d.v[k] != NULL)
					return web_reply_error(r,
					    WE_DUPLICATE_FIELD,
					    core_pm_field_name(k), NULL);
				if ((d.v[k] = part_text(r, &f.p[i])) == NULL)
					return WEB_DONE;
			}
	rc = web_staff_postmortem(r, &c, d.v, d.err, &msg);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc == STAFF_OK)
		return web_reply_redirect(r, 303, util_arena_printf(&r->arena,
		    "/cases/%s#postmortem", web_url_encode(r, c.tracking_id)));
	if (!released(&c))
		return web_reply_error(r, WE_CONFLICT, NULL, msg);
	d.msg = msg;
	return web_case_page_pm(r, &c, &d, 422);
}

/* ---- the API ---- */

static json_t *
pm_json(const struct store_postmortem *pm)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:b,s:s,s:s,s:s,"
	    "s:s,s:s,s:I,s:I}",
	    "tracking_id", pm->tracking_id, "cwe", pm->cwe,
	    "component", pm->component, "introduced_in", pm->introduced_in,
	    "how_found", pm->how_found, "practice", pm->practice,
	    "regression_of", *pm->regression_of_tracking ?
	    json_string(pm->regression_of_tracking) : json_null(),
	    "reissued", pm->reissued != 0, "root_cause", pm->root_cause,
	    "fix", pm->fix, "lessons", pm->lessons, "tags", pm->tags,
	    "author", pm->author, "released_at", (json_int_t)pm->released_at,
	    "updated_at", (json_int_t)pm->updated_at);
}

int
web_h_api_postmortem_get(struct req *r)
{
	struct store_postmortem pm;
	struct store_case c;
	int rc;

	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	rc = store_postmortem_get(r->app->store, c.id, &r->arena, &pm);
	if (rc == STORE_NONE)
		return web_reply_error(r, WE_NOT_FOUND, NULL,
		    "This case has no post-mortem yet.");
	if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	return web_reply_json(r, 200, pm_json(&pm));
}

int
web_h_api_postmortem_put(struct req *r)
{
	const char *v[PMF__MAX], *err[PMF__MAX], *msg = NULL, *ct;
	struct store_postmortem pm;
	struct store_case c;
	json_error_t jerr;
	json_t *j, *x, *errs;
	int k, rc;

	ct = web_header(r, "Content-Type");
	if (ct == NULL || !web_media_type_is(ct, "application/json"))
		return web_reply_error(r, WE_MEDIA_TYPE, NULL,
		    "Send application/json.");
	j = json_loadb(r->body.data ? r->body.data : "", r->body.len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		return web_reply_error(r, WE_BAD_JSON, NULL, NULL);
	}
	for (k = 0; k < PMF__MAX; k++) {
		x = json_object_get(j, core_pm_field_name(k));
		v[k] = NULL;
		if (k == PMF_REISSUED && json_is_boolean(x))
			v[k] = json_is_true(x) ? "yes" : "no";
		else if (x != NULL && !json_is_null(x)) {
			if (!json_is_string(x) || strlen(json_string_value(x))
			    != json_string_length(x)) {
				json_decref(j);
				return web_reply_error(r, WE_BAD_JSON,
				    core_pm_field_name(k), util_arena_printf(
				    &r->arena, "%s must be a string.",
				    core_pm_field_name(k)));
			}
			v[k] = util_arena_strdup(&r->arena,
			    json_string_value(x));
		}
	}
	json_decref(j);
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	rc = web_staff_postmortem(r, &c, v, err, &msg);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc == STAFF_REFUSED) {
		for (k = 0; k < PMF__MAX; k++)
			if (err[k] != NULL)
				break;
		if (k == PMF__MAX)
			return web_reply_error(r, WE_CONFLICT, NULL, msg);
		/* the first bad field in the error, all of them listed */
		errs = json_object();
		for (k = 0; k < PMF__MAX; k++)
			if (err[k] != NULL)
				json_object_set_new(errs, core_pm_field_name(k),
				    json_string(err[k]));
		for (k = 0; err[k] == NULL; k++)
			;
		return web_reply_json(r, web_error(WE_INVALID)->status,
		    json_pack("{s:{s:s,s:i,s:s,s:s,s:o}}", "error", "code",
		    web_error(WE_INVALID)->code, "number",
		    web_error(WE_INVALID)->number, "message", err[k], "field",
		    core_pm_field_name(k), "fields", errs));
	}
	if (store_postmortem_get(r->app->store, c.id, &r->arena, &pm) !=
	    STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	return web_reply_json(r, 200, pm_json(&pm));
}
