/* web/h_track.c - the researcher's view of their case.
 *
 * GET /track/<token>: the secret link.  The token (256 bits, stored only
 * as a SHA-256) is swapped for a tracking cookie scoped to the case's
 * path, and the browser is redirected to /track/<tracking-id>, a URL
 * without the secret, so it never lands in history, logs or Referer.
 * Every lookup that fails, for whatever reason, answers the same 404. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/lifecycle.h"
#include "core/report.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/encode.h"
#include "util/log.h"
#include "parse.h"
#include "web.h"

#define MAX_MESSAGE	(64 * 1024)
#define MAX_VERIFY_NOTES	(64 * 1024)

static const struct {
	const char *state, *label, *text;
} researcher_states[] = {
	{ "new", "Received", "Your report has arrived. The team will "
	    "acknowledge and triage it shortly." },
	{ "triage", "In triage", "The team is assessing your report." },
	{ "needs_info", "Waiting for you", "The team has asked you a "
	    "question. Please answer below." },
	{ "confirmed", "Confirmed", "The team reproduced the issue." },
	{ "fixing", "Fix in progress", "A fix is being built." },
	{ "testing", "Fix in testing", "The fix is being tested "
	    "independently." },
	{ "verifying", "Waiting for your verification", "Please check "
	    "whether the fix resolves the issue." },
	{ "ready", "Fix ready", "The fix is ready for release." },
	{ "scheduled", "Release scheduled", "The fix is scheduled for a "
	    "release." },
	{ "released", "Released", "The fix and its advisory are public." },
	{ "closed", "Closed", "This case is closed." },
	{ "rejected", "Not a vulnerability", "The team concluded this is "
	    "not a security vulnerability." },
	{ "duplicate", "Duplicate", "This issue was already reported." },
	{ "not_reproducible", "Not reproducible", "The team could not "
	    "reproduce the issue." },
};

static const char *
state_label(const char *state, const char **text)
{
	size_t i;

	for (i = 0; i < sizeof(researcher_states) /
	    sizeof(researcher_states[0]); i++)
		if (strcmp(researcher_states[i].state, state) == 0) {
			*text = researcher_states[i].text;
			return researcher_states[i].label;
		}
	*text = "";
	return state;
}

static const char *
cookie_name(struct req *r, const char *tracking_id)
{
	return util_arena_printf(&r->arena, "%svt_%s",
	    r->app->tls ? "__Secure-" : "", tracking_id);
}

/* The case this request's tracking cookie opens, if it is tracking_id's.
 * Returns STORE_OK, STORE_NONE (→ 404) or STORE_ERR. */
static int
case_from_cookie(struct req *r, const char *tracking_id, struct store_case *c,
    const char **secret)
{
	unsigned char hash[UTIL_HASH_BYTES];
	const char *cookie, *v;
	int rc;

	if (core_tracking_parse(tracking_id, r->app->cfg->tracking_prefix,
	    &(int){0}, &(long){0}) == -1)
		return STORE_NONE;
	if ((cookie = web_header(r, "Cookie")) == NULL ||
	    (v = web_cookie_get(&r->arena, cookie, cookie_name(r,
	    tracking_id))) == NULL || util_token_hash(v, hash) == -1)
		return STORE_NONE;
	rc = store_case_by_track_session(r->app->store, hash, time(NULL),
	    &r->arena, c);
	if (rc != STORE_OK)
		return rc;
	/* A valid cookie of another case never opens this one. */
	if (strcmp(c->tracking_id, tracking_id) != 0)
		return STORE_NONE;
	*secret = v;
	return STORE_OK;
}

static int
swap_token(struct req *r, const char *token)
{
	unsigned char hash[UTIL_HASH_BYTES], shash[UTIL_HASH_BYTES];
	char secret[UTIL_TOKEN_CHARS + 1];
	struct store_case c;
	time_t now = time(NULL);
	long max_age = (long)r->app->cfg->track_cookie_days * 86400;
	const char *loc, *next;
	int rc;

	if (util_token_hash(token, hash) == -1)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	rc = store_case_by_token(r->app->store, hash, &r->arena, &c);
	if (rc == STORE_NONE) {
		log_warn("tracking link lookup failed");
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	}
	if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	util_token_new(secret, shash);
	if (store_track_session_add(r->app->store, c.id, shash, now,
	    now + max_age) != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	loc = util_arena_printf(&r->arena, "/track/%s", c.tracking_id);
	web_set_cookie(r, cookie_name(r, c.tracking_id), secret, loc, max_age);
	/* the acknowledgment of a mailed report links to the completion
	 * form directly; nothing else may be named here (no open redirect) */
	next = web_query(r, "next");
	if (next != NULL && strcmp(next, "complete") == 0)
		return web_reply_redirect(r, 303, util_arena_printf(&r->arena,
		    "%s/complete", loc));
	return web_reply_redirect(r, 303, loc);
}

static json_t *
md(struct req *r, const char *text)
{
	char *h;

	if (text == NULL || *text == '\0')
		return json_null();
	h = web_markdown_html(r, text);
	return h ? json_string(h) : json_null();
}

static json_t *verification_ctx(struct req *, const struct store_case *,
    const char *);
static int show_case_v(struct req *, struct store_case *, const char *,
    const char *, const char *);

static int
show_case(struct req *r, struct store_case *c, const char *secret,
    const char *error)
{
	return show_case_v(r, c, secret, error, NULL);
}

static int
show_case_v(struct req *r, struct store_case *c, const char *secret,
    const char *error, const char *verify_error)
{
	struct store_event *ev;
	struct store_message *msg;
	struct store_attachment *att;
	size_t nev, nmsg, natt, i, j;
	json_t *ctx, *arr, *o, *files;
	const char *label, *text, *impact = c->field[RF_IMPACT];
	char csrf[65];
	int k;

	if (store_case_events(r->app->store, c->id, &r->arena, &ev, &nev) !=
	    STORE_OK || store_case_messages(r->app->store, c->id, 0,
	    &r->arena, &msg, &nmsg) != STORE_OK ||
	    store_case_attachments(r->app->store, c->id, &r->arena, &att,
	    &natt) != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	ctx = web_page_ctx(r, c->tracking_id);
	label = state_label(c->state, &text);
	json_object_set_new(ctx, "tracking_id", json_string(c->tracking_id));
	json_object_set_new(ctx, "state", json_string(c->state));
	json_object_set_new(ctx, "state_label", json_string(label));
	json_object_set_new(ctx, "state_text", json_string(text));
	json_object_set_new(ctx, "created", json_string(web_fmt_time(r,
	    c->created_at)));
	if (c->duplicate_of != 0)
		json_object_set_new(ctx, "duplicate_of",
		    json_string(c->duplicate_of_tracking));
	for (k = 0; k < IMPACT__MAX; k++)
		if (strcmp(core_report_impact_name(k), impact) == 0)
			impact = core_report_impact_label(k);
	json_object_set_new(ctx, "report", json_pack(
	    "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,"
	    "s:o,s:o}",
	    "title", c->field[RF_TITLE],
	    "product", strcmp(c->field[RF_PRODUCT], "other") == 0 ?
	    c->field[RF_PRODUCT_OTHER] : c->field[RF_PRODUCT],
	    "versions", c->field[RF_VERSIONS],
	    "cwe", c->field[RF_CWE],
	    "impact", impact,
	    "cvss_vector", c->field[RF_CVSS_VECTOR],
	    "publicly_known", strcmp(c->field[RF_PUBLICLY_KNOWN], "yes") == 0 ?
	    "Yes" : "No",
	    "exploited", strcmp(c->field[RF_EXPLOITED], "yes") == 0 ?
	    "Yes" : "No",
	    "disclosure_plans", c->field[RF_DISCLOSURE_PLANS],
	    "disclosure_date", c->field[RF_DISCLOSURE_DATE],
	    "reporter_name", c->field[RF_REPORTER_NAME],
	    "reporter_email", c->field[RF_REPORTER_EMAIL],
	    "credit", c->field[RF_CREDIT],
	    "description_html", md(r, c->field[RF_DESCRIPTION]),
	    "steps_html", md(r, c->field[RF_STEPS]),
	    "root_cause_html", md(r, c->field[RF_ROOT_CAUSE]),
	    "poc", *c->field[RF_POC] ? json_string(c->field[RF_POC]) :
	    json_null()));
	/* A report that is missing something (a mailed one, typically)
	 * can be completed here while the team has not started on it. */
	if (strcmp(c->state, "new") == 0 || strcmp(c->state, "triage") == 0 ||
	    strcmp(c->state, "needs_info") == 0) {
		struct core_report rep;
		struct core_report_errors errs;
		const char *hints[8];
		size_t nh;
		json_t *miss = json_array();

		for (k = 0; k < RF__MAX; k++)
			rep.field[k] = c->field[k];
		rep.attachments = NULL;
		rep.nattachments = 0;
		core_report_validate(&rep, NULL, &r->app->limits, &errs);
		for (k = 0; k < RF__MAX; k++)
			if (errs.msg[k] != NULL && k != RF_ATTACHMENTS)
				json_array_append_new(miss, json_string(
				    core_report_field_label(k)));
		core_report_tier(&rep, hints, 8, &nh);
		if (json_array_size(miss) > 0 || c->tier < TIER_POC)
			json_object_set_new(ctx, "complete", json_pack(
			    "{s:o,s:b}", "missing", miss, "incomplete",
			    json_array_size(miss) > 0));
		else
			json_decref(miss);
	}
	json_object_set_new(ctx, "tier", json_string(
	    core_report_tier_label(c->tier)));

	arr = json_array();
	for (i = 0; i < nev; i++) {
		const char *what;
		if (strcmp(ev[i].kind, "created") == 0)
			what = "Report received";
		else if (strcmp(ev[i].kind, "transition") == 0)
			what = util_arena_printf(&r->arena, "Status: %s",
			    state_label(ev[i].to_state, &text));
		else if (strcmp(ev[i].kind, "message") == 0 &&
		    strcmp(ev[i].reason, "researcher") == 0)
			what = "You sent a message";
		else if (strcmp(ev[i].kind, "message") == 0 &&
		    strcmp(ev[i].reason, "staff") == 0)
			what = "The team sent a message";
		else if (strcmp(ev[i].kind, "verification") == 0 &&
		    strcmp(ev[i].reason, "sent to the researcher") == 0)
			what = "The fix was sent to you for verification";
		else if (strcmp(ev[i].kind, "verification") == 0 &&
		    (strcmp(ev[i].reason, "fixed") == 0 ||
		    strcmp(ev[i].reason, "not_fixed") == 0 ||
		    strcmp(ev[i].reason, "broke_something") == 0))
			what = "You answered the verification";
		else
			continue;	/* staff-only events */
		json_array_append_new(arr, json_pack("{s:s,s:s}", "at",
		    web_fmt_time(r, ev[i].at), "what", what));
	}
	json_object_set_new(ctx, "timeline", arr);

	files = json_array();
	for (i = 0; i < natt; i++)
		if (att[i].message_id == 0)
			json_array_append_new(files, json_pack(
			    "{s:I,s:s,s:I,s:s}", "id", (json_int_t)att[i].id,
			    "name", att[i].filename, "size",
			    (json_int_t)att[i].size, "sha256", att[i].sha256));
	json_object_set_new(ctx, "has_attachments",
	    json_boolean(json_array_size(files) > 0));
	json_object_set_new(ctx, "attachments", files);

	arr = json_array();
	for (i = 0; i < nmsg; i++) {
		files = json_array();
		for (j = 0; j < natt; j++)
			if (att[j].message_id == msg[i].id)
				json_array_append_new(files, json_pack(
				    "{s:I,s:s,s:I}", "id",
				    (json_int_t)att[j].id, "name",
				    att[j].filename, "size",
				    (json_int_t)att[j].size));
		o = json_pack("{s:s,s:s,s:b,s:o,s:o}", "at", web_fmt_time(r,
		    msg[i].at), "author", strcmp(msg[i].author_kind,
		    "researcher") == 0 ? "You" : r->app->cfg->team_name,
		    "from_team", strcmp(msg[i].author_kind, "staff") == 0,
		    "body_html", md(r, msg[i].body), "files", files);
		json_array_append_new(arr, o);
	}
	json_object_set_new(ctx, "messages", arr);
	web_csrf_token(r, secret, csrf);
	json_object_set_new(ctx, "csrf", json_string(csrf));
	if (error != NULL)
		json_object_set_new(ctx, "form_error", json_string(error));
	json_object_set_new(ctx, "max_attachment_mib", json_integer(
	    (json_int_t)(r->app->cfg->max_attachment / (1024 * 1024))));
	json_object_set_new(ctx, "verification", verification_ctx(r, c,
	    verify_error));
	return web_reply_page(r, error || verify_error ? 422 : 200, "track",
	    ctx);
}

int
web_h_track_token(struct req *r)
{
	struct store_case c;
	const char *secret;
	int rc;

	if (strlen(r->param[0]) == UTIL_TOKEN_CHARS)
		return swap_token(r, r->param[0]);
	rc = case_from_cookie(r, r->param[0], &c, &secret);
	if (rc == STORE_NONE)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	return show_case(r, &c, secret, NULL);
}

int
web_h_track_message(struct req *r)
{
	struct web_multipart_limits lim = { 32, 8192 };
	struct store_attachment att[16];
	struct store_new_message nm;
	struct store_case c;
	struct web_part *parts = NULL;
	const char *secret, *ct, *err = NULL, *csrf = NULL, *body = NULL;
	size_t n = 0, i, natt = 0;
	char *name;
	int rc;

	rc = case_from_cookie(r, r->param[0], &c, &secret);
	if (rc == STORE_NONE)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	ct = web_header(r, "Content-Type");
	if (ct == NULL || !web_media_type_is(ct, "multipart/form-data"))
		return web_reply_error(r, WE_MEDIA_TYPE, NULL,
		    "Send the form as multipart/form-data.");
	if (web_multipart_parse(&r->arena, ct, r->body.data ? r->body.data :
	    "", r->body.len, &lim, &parts, &n, &err) == -1)
		return web_reply_error(r, WE_BAD_FORM, NULL, err);
	for (i = 0; i < n; i++) {
		if (strcmp(parts[i].name, "csrf") == 0 && csrf == NULL)
			csrf = util_arena_strndup(&r->arena, parts[i].data,
			    parts[i].len);
		else if (strcmp(parts[i].name, "body") == 0 &&
		    parts[i].filename == NULL) {
			if (body != NULL)
				return web_reply_error(r, WE_DUPLICATE_FIELD,
				    "body", NULL);
			body = util_arena_strndup(&r->arena, parts[i].data,
			    parts[i].len);
			if (body == NULL || strlen(body) != parts[i].len)
				return web_reply_error(r, WE_BAD_FORM, "body",
				    "The message contains a NUL byte.");
		} else if (strcmp(parts[i].name, "attachments") == 0 &&
		    parts[i].filename != NULL) {
			if (parts[i].filename[0] == '\0' && parts[i].len == 0)
				continue;
			if (natt >= (size_t)r->app->cfg->max_attachments ||
			    natt >= sizeof(att) / sizeof(att[0]))
				return show_case(r, &c, secret,
				    "Too many files are attached.");
			if (parts[i].len > r->app->cfg->max_attachment)
				return show_case(r, &c, secret,
				    "A file is larger than the allowed size.");
			if ((name = util_arena_alloc(&r->arena, 512)) == NULL)
				return web_reply_error(r, WE_INTERNAL, NULL,
				    NULL);
			core_filename_sanitize(parts[i].filename, name, 512);
			memset(&att[natt], 0, sizeof(att[natt]));
			att[natt].filename = name;
			att[natt].content_type = "application/octet-stream";
			att[natt].data = parts[i].data;
			att[natt].size = parts[i].len;
			util_sha256_hex(att[natt].sha256, parts[i].data,
			    parts[i].len);
			natt++;
		}
	}
	if (!web_csrf_ok(r, secret, csrf))
		return web_reply_error(r, WE_CSRF, NULL, NULL);
	if (body == NULL || core_utf8_len(body) == 0 ||
	    !core_text_ok(body, strlen(body), 1))
		return show_case(r, &c, secret, "Write a message (plain text "
		    "or Markdown).");
	if (strlen(body) > MAX_MESSAGE)
		return show_case(r, &c, secret, "The message is longer than "
		    "64 KiB; attach long material as a file.");
	memset(&nm, 0, sizeof(nm));
	nm.case_id = c.id;
	nm.now = time(NULL);
	nm.author_kind = "researcher";
	nm.author = *c.field[RF_REPORTER_NAME] ? c.field[RF_REPORTER_NAME] :
	    "researcher";
	nm.body = body;
	nm.attachments = att;
	nm.nattachments = natt;
	/* A reply to a question moves the case back to triage by itself,
	 * if the lifecycle table lets the system take that step. */
	{
		const char *why;
		int auto_back = core_transition_check(ST_NEEDS_INFO, ST_TRIAGE,
		    ACTOR_SYSTEM, 0, "the researcher replied", &why) == 0;
		if (store_case_message_researcher(r->app->store, &nm,
		    auto_back ? "needs_info" : NULL,
		    auto_back ? "triage" : NULL) != STORE_OK)
			return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	}
	return web_reply_redirect(r, 303, util_arena_printf(&r->arena,
	    "/track/%s#messages", c.tracking_id));
}

/* Content-Disposition with an ASCII fallback and the RFC 5987 name. */
static const char *
disposition(struct req *r, const char *name)
{
	struct buf b;
	const unsigned char *p;
	const char *out;

	util_buf_init(&b, 4096);
	util_buf_puts(&b, "attachment; filename=\"");
	for (p = (const unsigned char *)name; *p; p++)
		util_buf_putc(&b, (*p < 0x20 || *p >= 0x7f || *p == '"' ||
		    *p == '\\' || *p == '%' || *p == ';') ? '_' : (char)*p);
	util_buf_puts(&b, "\"; filename*=UTF-8''");
	for (p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_')
			util_buf_putc(&b, (char)*p);
		else
			util_buf_printf(&b, "%%%02X", *p);
	}
	out = b.failed ? "attachment" : util_arena_strdup(&r->arena, b.data);
	util_buf_release(&b);
	return out ? out : "attachment";
}

/* Completing a report: the form pre-filled with what the case holds. */
int
web_h_track_complete_form(struct req *r)
{
	struct store_case c;
	const char *secret;
	char csrf[65];
	int rc;

	rc = case_from_cookie(r, r->param[0], &c, &secret);
	if (rc == STORE_NONE)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	web_csrf_token(r, secret, csrf);
	return web_report_complete_form(r, 200, c.field, NULL,
	    util_arena_printf(&r->arena, "/track/%s/complete", c.tracking_id),
	    util_arena_strdup(&r->arena, csrf), c.tracking_id);
}

int
web_h_track_complete_post(struct req *r)
{
	struct store_case c;
	struct core_report_errors errs;
	struct core_report rep;
	const char *secret, *f[RF__MAX], *csrf;
	char token[65];
	size_t nh;
	int rc, k;

	rc = case_from_cookie(r, r->param[0], &c, &secret);
	if (rc == STORE_NONE)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	/* the CSRF field first: read_form ignores fields it does not know */
	csrf = NULL;
	{
		const char *ct = web_header(r, "Content-Type"), *err = NULL;
		struct web_part *parts = NULL;
		size_t n = 0, i;
		if (ct != NULL && web_media_type_is(ct, "multipart/form-data") &&
		    web_multipart_parse(&r->arena, ct, r->body.data ?
		    r->body.data : "", r->body.len, NULL, &parts, &n, &err) ==
		    0)
			for (i = 0; i < n; i++)
				if (strcmp(parts[i].name, "csrf") == 0 &&
				    csrf == NULL)
					csrf = util_arena_strndup(&r->arena,
					    parts[i].data, parts[i].len);
	}
	if (!web_csrf_ok(r, secret, csrf))
		return web_reply_error(r, WE_CSRF, NULL, NULL);
	if ((rc = web_report_read_complete(r, f, &errs)) < 0)
		return WEB_DONE;
	if (rc > 0) {
		web_csrf_token(r, secret, token);
		return web_report_complete_form(r, 422, f, &errs,
		    util_arena_printf(&r->arena, "/track/%s/complete",
		    c.tracking_id), util_arena_strdup(&r->arena, token),
		    c.tracking_id);
	}
	for (k = 0; k < RF__MAX; k++) {
		rep.field[k] = f[k];
		if (f[k] == NULL)
			f[k] = "";
	}
	rep.attachments = NULL;
	rep.nattachments = 0;
	rc = store_case_complete(r->app->store, c.id, f,
	    (int)core_report_tier(&rep, NULL, 0, &nh), time(NULL));
	if (rc == STORE_NONE)
		return show_case(r, &c, secret, "The team has started work on "
		    "this report: write to them below instead.");
	if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	return web_reply_redirect(r, 303, util_arena_printf(&r->arena,
	    "/track/%s", c.tracking_id));
}

int
web_h_track_attachment(struct req *r)
{
	struct store_case c;
	struct store_attachment a;
	const char *secret;
	char *end;
	long long id;
	int rc;

	rc = case_from_cookie(r, r->param[0], &c, &secret);
	if (rc == STORE_NONE)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	id = strtoll(r->param[1], &end, 10);
	if (*end != '\0' || id <= 0)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	rc = store_attachment_get(r->app->store, c.id, id, &r->arena, &a);
	if (rc == STORE_NONE)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	web_add_header(r, "Content-Disposition", disposition(r, a.filename));
	web_add_header(r, "Content-Security-Policy", "sandbox");
	return web_reply(r, 200, "application/octet-stream", a.data, a.size);
}

/* ---- verification of the fix by the researcher ---- */

static const char *
answer_label(const char *a)
{
	if (a == NULL || *a == '\0')
		return "";
	if (strcmp(a, "fixed") == 0)
		return "The fix works";
	if (strcmp(a, "not_fixed") == 0)
		return "Not fixed";
	if (strcmp(a, "broke_something") == 0)
		return "Fixed, but it broke something";
	return a;
}

/* The verification box: the pending fix (the diff inline, or the git
 * ref), or what the researcher answered; null when nothing was sent. */
static json_t *
verification_ctx(struct req *r, const struct store_case *c,
    const char *error)
{
	struct store_verification v;
	struct store_patch p;
	int rc, pending, waived;

	rc = store_verification_current(r->app->store, c->id, &r->arena, &v);
	if (rc != STORE_OK)
		return json_null();
	waived = v.waived_at != 0 || (v.waive_reason && *v.waive_reason);
	pending = !waived && (v.answer == NULL || *v.answer == '\0');
	if (!pending)
		return (v.answer && *v.answer) ? json_pack(
		    "{s:b,s:s,s:s,s:i,s:s}", "pending", 0, "answer",
		    answer_label(v.answer), "answered", web_fmt_time(r,
		    v.answered_at), "revision", v.revision, "error",
		    error ? error : "") : json_null();
	if (store_patch_get(r->app->store, v.patch_id, &r->arena, &p) !=
	    STORE_OK)
		return json_null();
	return json_pack("{s:b,s:i,s:s,s:b,s:b,s:s,s:s,s:s,s:s}",
	    "pending", 1, "revision", v.revision,
	    "deadline", web_fmt_time(r, v.deadline),
	    "overdue", v.deadline != 0 && time(NULL) > v.deadline,
	    "is_diff", p.kind && strcmp(p.kind, "diff") == 0,
	    "content", p.content ? p.content : "",
	    "product", strcmp(c->field[RF_PRODUCT], "other") == 0 ?
	    c->field[RF_PRODUCT_OTHER] : c->field[RF_PRODUCT],
	    "note", p.note ? p.note : "",
	    "error", error ? error : "");
}

int
web_h_track_verification_post(struct req *r)
{
	struct web_multipart_limits lim = { 32, 8192 };
	struct store_attachment att[16];
	struct store_new_message nm;
	struct store_verification v;
	struct store_case c;
	struct web_part *parts = NULL;
	const char *secret, *ct, *err = NULL, *csrf = NULL, *notes = NULL;
	const char *answer = NULL, *from = NULL, *to = NULL, *why, *label;
	size_t n = 0, i, natt = 0;
	char *name;
	int rc;

	rc = case_from_cookie(r, r->param[0], &c, &secret);
	if (rc == STORE_NONE)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	ct = web_header(r, "Content-Type");
	if (ct == NULL || !web_media_type_is(ct, "multipart/form-data"))
		return web_reply_error(r, WE_MEDIA_TYPE, NULL,
		    "Send the form as multipart/form-data.");
	if (web_multipart_parse(&r->arena, ct, r->body.data ? r->body.data :
	    "", r->body.len, &lim, &parts, &n, &err) == -1)
		return web_reply_error(r, WE_BAD_FORM, NULL, err);
	for (i = 0; i < n; i++) {
		if (strcmp(parts[i].name, "csrf") == 0 && csrf == NULL)
			csrf = util_arena_strndup(&r->arena, parts[i].data,
			    parts[i].len);
		else if ((strcmp(parts[i].name, "notes") == 0 ||
		    strcmp(parts[i].name, "answer") == 0) &&
		    parts[i].filename == NULL) {
			const char **dst = parts[i].name[0] == 'n' ? &notes :
			    &answer;
			if (*dst != NULL)
				return web_reply_error(r, WE_DUPLICATE_FIELD,
				    parts[i].name, NULL);
			*dst = util_arena_strndup(&r->arena, parts[i].data,
			    parts[i].len);
			if (*dst == NULL || strlen(*dst) != parts[i].len)
				return web_reply_error(r, WE_BAD_FORM,
				    parts[i].name, "A field contains a NUL "
				    "byte.");
		} else if (strcmp(parts[i].name, "attachments") == 0 &&
		    parts[i].filename != NULL) {
			if (parts[i].filename[0] == '\0' && parts[i].len == 0)
				continue;
			if (natt >= (size_t)r->app->cfg->max_attachments ||
			    natt >= sizeof(att) / sizeof(att[0]))
				return show_case_v(r, &c, secret, NULL,
				    "Too many files are attached.");
			if (parts[i].len > r->app->cfg->max_attachment)
				return show_case_v(r, &c, secret, NULL,
				    "A file is larger than the allowed size.");
			if ((name = util_arena_alloc(&r->arena, 512)) == NULL)
				return web_reply_error(r, WE_INTERNAL, NULL,
				    NULL);
			core_filename_sanitize(parts[i].filename, name, 512);
			memset(&att[natt], 0, sizeof(att[natt]));
			att[natt].filename = name;
			att[natt].content_type = "application/octet-stream";
			att[natt].data = parts[i].data;
			att[natt].size = parts[i].len;
			util_sha256_hex(att[natt].sha256, parts[i].data,
			    parts[i].len);
			natt++;
		}
	}
	if (!web_csrf_ok(r, secret, csrf))
		return web_reply_error(r, WE_CSRF, NULL, NULL);
	if (answer == NULL || (strcmp(answer, "fixed") != 0 &&
	    strcmp(answer, "not_fixed") != 0 &&
	    strcmp(answer, "broke_something") != 0))
		return show_case_v(r, &c, secret, NULL, "Tell us whether the "
		    "fix works: fixed, not fixed, or fixed but it broke "
		    "something.");
	if (notes == NULL)
		notes = "";
	if (strlen(notes) > MAX_VERIFY_NOTES)
		return show_case_v(r, &c, secret, NULL, "The notes are longer "
		    "than 64 KiB; attach long material as a file.");
	if (!core_text_ok(notes, strlen(notes), 1))
		return show_case_v(r, &c, secret, NULL, "The notes must be "
		    "plain text.");
	if (strcmp(answer, "fixed") != 0 && core_utf8_len(notes) == 0)
		return show_case_v(r, &c, secret, NULL, "Please describe what "
		    "still fails or what broke.");
	rc = store_verification_current(r->app->store, c.id, &r->arena, &v);
	if (rc == STORE_ERR || rc == STORE_RETRY)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	if (rc != STORE_OK || (v.answer && *v.answer) || v.waived_at != 0 ||
	    (v.waive_reason && *v.waive_reason))
		return show_case_v(r, &c, secret, NULL, "There is no fix "
		    "waiting for your verification.");
	/* "not fixed" and "broke something" send the case back to fixing
	 * by themselves, if the lifecycle table lets the system do it. */
	if (strcmp(answer, "fixed") != 0 && core_transition_check(
	    ST_VERIFYING, ST_FIXING, ACTOR_SYSTEM, 0,
	    "the researcher says the fix does not work", &why) == 0) {
		from = "verifying";
		to = "fixing";
	}
	label = answer_label(answer);
	memset(&nm, 0, sizeof(nm));
	nm.case_id = c.id;
	nm.now = time(NULL);
	nm.author_kind = "researcher";
	nm.author = *c.field[RF_REPORTER_NAME] ? c.field[RF_REPORTER_NAME] :
	    "researcher";
	nm.body = *notes ? util_arena_printf(&r->arena, "**Verification of "
	    "revision %d: %s.**\n\n%s", v.revision, label, notes) :
	    util_arena_printf(&r->arena, "**Verification of revision %d: "
	    "%s.**", v.revision, label);
	if (nm.body == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	nm.attachments = att;
	nm.nattachments = natt;
	rc = store_verification_answer(r->app->store, v.id, answer, notes, &nm,
	    from, to, nm.now);
	if (rc == STORE_NONE)
		return show_case_v(r, &c, secret, NULL, "There is no fix "
		    "waiting for your verification.");
	if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	log_info("case %s: the researcher answered the verification: %s",
	    c.tracking_id, answer);
	return web_reply_redirect(r, 303, util_arena_printf(&r->arena,
	    "/track/%s#verification", c.tracking_id));
}
