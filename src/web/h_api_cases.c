/* web/h_api_cases.c - the JSON API over cases for the response team:
 * GET /api/v1/cases, GET /api/v1/cases/<tracking-id>, and the changes
 * (transitions, messages, assignment, scoring, duplicate).  The same
 * rules as the pages: everything goes through web/staff.c. */
#include <stdio.h>
#include <string.h>

#include "core/report.h"
#include "util/log.h"
#include "parse.h"
#include "staff.h"

static json_t *
case_summary(const struct store_queue_row *q)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:I,s:I,s:o}",
	    "id", (json_int_t)q->id, "tracking_id", q->tracking_id,
	    "title", q->title, "state", q->state, "channel", q->channel,
	    "product", q->product, "severity", q->severity,
	    "score", q->score >= 0 ? json_real(q->score) : json_null(),
	    "assignee", q->assignee,
	    "created_at", (json_int_t)q->created_at,
	    "updated_at", (json_int_t)q->updated_at,
	    "due_at", q->due_at ? json_integer(q->due_at) : json_null());
}

int
web_h_api_cases_list(struct req *r)
{
	struct store_queue_filter f;
	struct store_queue_row *rows;
	struct store_state_count *sc;
	size_t n, i, nsc;
	int64_t total = 0;
	const char *bad = NULL;
	long page;
	json_t *arr, *counts;
	int rc;

	if (web_staff_queue_parse(r, &f, &page, &bad) == -1)
		return web_reply_error(r, WE_BAD_REQUEST, bad,
		    util_arena_printf(&r->arena, "The parameter %s is not "
		    "valid.", bad));
	rc = store_queue(r->app->store, &f, &r->arena, &rows, &n, &total);
	if (rc == STORE_NONE) {
		n = 0;
		total = 0;
	} else if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	if (store_state_counts(r->app->store, &r->arena, &sc, &nsc) !=
	    STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, case_summary(&rows[i]));
	counts = json_object();
	for (i = 0; i < nsc; i++)
		json_object_set_new(counts, sc[i].state,
		    json_integer(sc[i].n));
	return web_reply_json(r, 200, json_pack("{s:o,s:I,s:i,s:i,s:o}",
	    "cases", arr, "total", (json_int_t)total, "page", (int)page,
	    "per_page", f.limit, "counts", counts));
}

static json_t *
case_json(struct req *r, const struct store_case *c)
{
	struct store_event *ev;
	struct store_message *msg;
	struct store_attachment *att;
	const struct core_transition *tr[CORE_TRANSITIONS_FROM_MAX];
	size_t nev, nmsg, natt, ntr, i;
	json_t *o, *rep, *arr;
	int k;

	if (store_case_events(r->app->store, c->id, &r->arena, &ev, &nev) !=
	    STORE_OK || store_case_messages(r->app->store, c->id,
	    web_staff_may(r, ACT_CASE_NOTE), &r->arena, &msg, &nmsg) !=
	    STORE_OK || store_case_attachments(r->app->store, c->id,
	    &r->arena, &att, &natt) != STORE_OK)
		return NULL;
	rep = json_object();
	for (k = 0; k < RF__MAX; k++)
		if (k != RF_ATTACHMENTS)
			json_object_set_new(rep, core_report_field_name(k),
			    json_string(c->field[k]));
	o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:i,s:s,s:o,s:s,s:s,s:o,s:o,"
	    "s:I,s:I,s:o,s:o}",
	    "id", (json_int_t)c->id, "tracking_id", c->tracking_id,
	    "state", c->state, "channel", c->channel,
	    "title", c->field[RF_TITLE], "tier", c->tier,
	    "severity", c->severity,
	    "score", c->score >= 0 ? json_real(c->score) : json_null(),
	    "cvss_vector", c->staff_cvss, "cwe", c->staff_cwe,
	    "assignee", c->assignee_id ? json_pack("{s:I,s:s}", "id",
	    (json_int_t)c->assignee_id, "name", c->assignee) : json_null(),
	    "duplicate_of", c->duplicate_of ?
	    json_string(c->duplicate_of_tracking) : json_null(),
	    "created_at", (json_int_t)c->created_at,
	    "updated_at", (json_int_t)c->updated_at,
	    "due_at", c->due_at ? json_integer(c->due_at) : json_null(),
	    "report", rep);
	arr = json_array();
	for (i = 0; i < nev; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}",
		    "at", (json_int_t)ev[i].at, "actor", ev[i].actor,
		    "kind", ev[i].kind, "from", ev[i].from_state,
		    "to", ev[i].to_state, "reason", ev[i].reason));
	json_object_set_new(o, "events", arr);
	arr = json_array();
	for (i = 0; i < nmsg; i++)
		json_array_append_new(arr, json_pack("{s:I,s:I,s:s,s:s,s:s,s:b}",
		    "id", (json_int_t)msg[i].id, "at", (json_int_t)msg[i].at,
		    "author_kind", msg[i].author_kind, "author", msg[i].author,
		    "body", msg[i].body, "internal", msg[i].internal));
	json_object_set_new(o, "messages", arr);
	arr = json_array();
	for (i = 0; i < natt; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:I,s:s,s:I}",
		    "id", (json_int_t)att[i].id, "filename", att[i].filename,
		    "content_type", att[i].content_type,
		    "size", (json_int_t)att[i].size, "sha256", att[i].sha256,
		    "message_id", (json_int_t)att[i].message_id));
	json_object_set_new(o, "attachments", arr);
	ntr = web_staff_transitions(r, c, tr, CORE_TRANSITIONS_FROM_MAX);
	arr = json_array();
	for (i = 0; i < ntr; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s,s:b}", "to",
		    core_state_name(tr[i]->to), "label", tr[i]->label,
		    "needs_reason", tr[i]->needs_reason));
	json_object_set_new(o, "transitions", arr);
	return o;
}

static int
reply_case(struct req *r, const char *tid, unsigned status)
{
	struct store_case c;
	json_t *o;

	if (web_staff_case(r, tid, &c, status == 200) != STAFF_OK)
		return WEB_DONE;
	if ((o = case_json(r, &c)) == NULL)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	return web_reply_json(r, status, o);
}

int
web_h_api_case_get(struct req *r)
{
	return reply_case(r, r->param[0], 200);
}

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

/* A string member: absent → def, wrong type → error reply (*bad = 1). */
static const char *
member(struct req *r, json_t *o, const char *key, const char *def, int *bad)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return def;
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		if (!*bad)
			web_reply_error(r, WE_BAD_JSON, key, util_arena_printf(
			    &r->arena, "%s must be a string.", key));
		*bad = 1;
		return NULL;
	}
	return util_arena_strdup(&r->arena, json_string_value(v));
}

/* Ends a change: a refusal is 409 for state rules, 422 for bad input. */
static int
finish(struct req *r, int rc, const char *msg, enum web_err refusal,
    const char *field, const char *tid)
{
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc == STAFF_REFUSED)
		return web_reply_error(r, refusal, field, msg);
	return reply_case(r, tid, 201);
}

int
web_h_api_case_transition(struct req *r)
{
	struct store_case c;
	const char *to, *reason, *msg = NULL;
	json_t *j;
	int bad = 0, rc;

	if ((j = body_object(r)) == NULL)
		return WEB_DONE;
	to = member(r, j, "to", NULL, &bad);
	reason = member(r, j, "reason", "", &bad);
	json_decref(j);
	if (bad)
		return WEB_DONE;
	if (to == NULL)
		return web_reply_error(r, WE_INVALID, "to",
		    "Give the target state in \"to\".");
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	rc = web_staff_transition(r, &c, to, reason, &msg);
	return finish(r, rc, msg, WE_CONFLICT, "to", r->param[0]);
}

int
web_h_api_case_message(struct req *r)
{
	struct store_case c;
	const char *body, *msg = NULL;
	json_t *j, *v;
	int bad = 0, rc, internal = 0, request_info = 0;

	if ((j = body_object(r)) == NULL)
		return WEB_DONE;
	body = member(r, j, "body", NULL, &bad);
	if (!bad && (v = json_object_get(j, "internal")) != NULL) {
		if (!json_is_boolean(v)) {
			json_decref(j);
			return web_reply_error(r, WE_BAD_JSON, "internal",
			    "internal must be true or false.");
		}
		internal = json_is_true(v);
	}
	if (!bad && (v = json_object_get(j, "request_info")) != NULL) {
		if (!json_is_boolean(v)) {
			json_decref(j);
			return web_reply_error(r, WE_BAD_JSON, "request_info",
			    "request_info must be true or false.");
		}
		request_info = json_is_true(v);
	}
	json_decref(j);
	if (bad)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	rc = web_staff_message(r, &c, body, internal, request_info, &msg);
	return finish(r, rc, msg, request_info && body != NULL &&
	    core_utf8_len(body) > 0 ? WE_CONFLICT : WE_INVALID, "body",
	    r->param[0]);
}

int
web_h_api_case_assign(struct req *r)
{
	struct store_case c;
	const char *who, *msg = NULL;
	json_t *j, *v;
	int bad = 0, rc;
	char num[32];

	if ((j = body_object(r)) == NULL)
		return WEB_DONE;
	v = json_object_get(j, "assignee");
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld",
		    (long long)json_integer_value(v));
		who = util_arena_strdup(&r->arena, num);
	} else
		who = member(r, j, "assignee", "", &bad);
	json_decref(j);
	if (bad)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	rc = web_staff_assign(r, &c, who, &msg);
	return finish(r, rc, msg, WE_INVALID, "assignee", r->param[0]);
}

int
web_h_api_case_scoring(struct req *r)
{
	struct store_case c;
	const char *vec, *cwe, *msg = NULL;
	json_t *j;
	int bad = 0, rc;

	if ((j = body_object(r)) == NULL)
		return WEB_DONE;
	vec = member(r, j, "cvss_vector", "", &bad);
	cwe = member(r, j, "cwe", "", &bad);
	json_decref(j);
	if (bad)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	rc = web_staff_score(r, &c, vec, cwe, &msg);
	if (rc == STAFF_OK)
		return reply_case(r, r->param[0], 200);
	return finish(r, rc, msg, WE_INVALID, "cvss_vector", r->param[0]);
}

int
web_h_api_case_duplicate(struct req *r)
{
	struct store_case c;
	const char *of, *msg = NULL;
	json_t *j;
	int bad = 0, rc;

	if ((j = body_object(r)) == NULL)
		return WEB_DONE;
	of = member(r, j, "of", NULL, &bad);
	json_decref(j);
	if (bad)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	rc = web_staff_duplicate(r, &c, of, &msg);
	return finish(r, rc, msg, WE_CONFLICT, "of", r->param[0]);
}
