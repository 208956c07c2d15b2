/* web/h_patches.c - the staff pages of independent patch testing:
 * products and their test plans (/products, /products/<id>), the forms of
 * the case page's "Fix and testing" section (patches, proofs of concept,
 * verification, waiver), and test runs (/runs/<id>) with the sign-off.
 *
 * The rules live in web/testing.c, shared with the API; this file reads
 * forms, shows pages and redirects.  A refused form shows its page again
 * with the message beside the form and what was typed still in it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/gate.h"
#include "core/lifecycle.h"
#include "core/perm.h"
#include "core/report.h"
#include "store/store.h"
#include "util/log.h"
#include "parse.h"
#include "testing.h"

#define MAX_FORM_PARTS	64

static void
sets(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, json_string(v ? v : ""));
}

/* ---- forms (read by web_form_read) ---- */

/* The one text value of a field ("" for an empty file input counts as
 * absent).  Returns the value (NULL when absent) with *len; *bad = 1
 * after replying 400 when it is sent twice or holds a NUL (text only). */
static const char *
field(struct req *r, const struct web_form *f, const char *name, size_t *len,
    int text, int *bad)
{
	const struct web_part *hit = NULL;
	const char *v;
	size_t i;

	if (*bad)
		return NULL;
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->p[i].name, name) != 0)
			continue;
		if (f->p[i].filename != NULL && f->p[i].filename[0] == '\0' &&
		    f->p[i].len == 0)
			continue;	/* an empty file input */
		if (hit != NULL) {
			web_reply_error(r, WE_DUPLICATE_FIELD, name, NULL);
			*bad = 1;
			return NULL;
		}
		hit = &f->p[i];
	}
	if (hit == NULL)
		return NULL;
	if (text && memchr(hit->data, '\0', hit->len) != NULL) {
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
	if (len)
		*len = hit->len;
	return v;
}

static const struct web_part *
file_part(const struct web_form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->p[i].name, name) == 0 && f->p[i].filename !=
		    NULL && !(f->p[i].filename[0] == '\0' && f->p[i].len == 0))
			return &f->p[i];
	return NULL;
}

/* Every value of a repeated field (checkboxes). */
static const char **
values(struct req *r, const struct web_form *f, const char *name, size_t *np)
{
	const char **out;
	size_t i, k = 0;

	*np = 0;
	if ((out = util_arena_zalloc(&r->arena, (f->n + 1) *
	    sizeof(*out))) == NULL)
		return NULL;
	for (i = 0; i < f->n; i++)
		if (strcmp(f->p[i].name, name) == 0 && f->p[i].filename ==
		    NULL && memchr(f->p[i].data, '\0', f->p[i].len) == NULL)
			out[k++] = util_arena_strndup(&r->arena, f->p[i].data,
			    f->p[i].len);
	*np = k;
	return out;
}

static unsigned
refusal_status(int rc)
{
	return rc == TESTING_CONFLICT ? 409 : 422;
}

static int
to_case(struct req *r, const struct store_case *c, const char *fragment)
{
	return web_reply_redirect(r, 303, util_arena_printf(&r->arena,
	    "/cases/%s#%s", web_url_encode(r, c->tracking_id), fragment));
}

/* ---- the case page's "Fix and testing" section ---- */

static const char *
verdict_class(const char *v)
{
	if (v == NULL)
		return "none";
	if (strcmp(v, "pass") == 0)
		return "pass";
	if (strcmp(v, "fail") == 0)
		return "fail";
	return "none";
}

static json_t *
run_row(struct req *r, const struct store_run *u)
{
	int signed_off = u->signoff != NULL && *u->signoff != '\0';

	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:s}",
	    "id", (json_int_t)u->id,
	    "href", util_arena_printf(&r->arena, "/runs/%lld",
	    (long long)u->id),
	    "version", u->version ? u->version : "",
	    "status", web_run_status_class(u->status),
	    "status_label", web_run_status_label(u->status),
	    "summary", u->summary ? u->summary : "",
	    "signed", signed_off,
	    "signoff_class", verdict_class(u->signoff),
	    "signoff_label", !signed_off ? "" : strcmp(u->signoff, "pass") ==
	    0 ? "signed off: pass" : "signed off: fail",
	    "signer", u->signer ? u->signer : "",
	    "regression_of", u->regression_of ? u->regression_of : "");
}

static const char *
answer_label(const char *a)
{
	if (a == NULL || *a == '\0')
		return "";
	if (strcmp(a, "fixed") == 0)
		return "Fixed";
	if (strcmp(a, "not_fixed") == 0)
		return "Not fixed";
	if (strcmp(a, "broke_something") == 0)
		return "Fixed, but it broke something";
	return a;
}

json_t *
web_testing_case_ctx(struct req *r, const struct store_case *c,
    const struct web_testing_redo *d)
{
	struct web_gate_facts g;
	struct store_product_plan plan;
	struct store_version *v = NULL;
	struct store_patch *p = NULL;
	struct store_run *runs = NULL;
	struct store_poc *pocs = NULL;
	struct store_attachment *att = NULL;
	size_t nv = 0, np = 0, nr = 0, npoc = 0, natt = 0, i, k;
	json_t *t, *a, *o, *rr, *err, *unmet;
	int rc, st = core_state_parse(c->state), has_plan;
	const char *form = d ? d->form : NULL;

	if (web_gate_facts(r, c, &g) == -1 ||
	    store_patches(r->app->store, c->id, &r->arena, &p, &np) !=
	    STORE_OK || store_runs_for_case(r->app->store, c->id, &r->arena,
	    &runs, &nr) != STORE_OK || store_pocs_for_case(r->app->store,
	    c->id, &r->arena, &pocs, &npoc) != STORE_OK ||
	    store_case_attachments(r->app->store, c->id, &r->arena, &att,
	    &natt) != STORE_OK)
		return json_pack("{s:b}", "failed", 1);
	rc = web_case_plan(r, c, &plan, &v, &nv);
	if (rc == STORE_ERR || rc == STORE_RETRY)
		return json_pack("{s:b}", "failed", 1);
	has_plan = rc == STORE_OK;

	t = json_object();
	err = json_object();
	if (form != NULL && d->msg != NULL)
		sets(err, form, d->msg);
	json_object_set_new(t, "err", err);
	sets(t, "product", web_case_product(c));
	json_object_set_new(t, "has_plan", json_boolean(has_plan));
	if (has_plan)
		sets(t, "plan_href", util_arena_printf(&r->arena,
		    "/products/%lld", (long long)plan.id));

	/* the gate */
	unmet = json_array();
	for (i = 0; i < g.res.nunmet; i++)
		json_array_append_new(unmet, json_string(g.res.unmet[i]));
	json_object_set_new(t, "gate", json_pack("{s:b,s:o,s:b}", "ok",
	    g.res.ok, "unmet", unmet, "tested", g.tested));

	/* the patch revisions with their runs */
	a = json_array();
	for (i = 0; i < np; i++) {
		rr = json_array();
		for (k = 0; k < nr; k++)
			if (runs[k].patch_id == p[i].id)
				json_array_append_new(rr, run_row(r, &runs[k]));
		o = json_pack("{s:I,s:i,s:s,s:s,s:b,s:s,s:s,s:s,s:b,s:o,s:b}",
		    "id", (json_int_t)p[i].id, "revision", p[i].revision,
		    "author", p[i].author ? p[i].author : "",
		    "kind", p[i].kind ? p[i].kind : "",
		    "is_diff", p[i].kind && strcmp(p[i].kind, "diff") == 0,
		    "content", p[i].content ? p[i].content : "",
		    "note", p[i].note ? p[i].note : "",
		    "created", web_fmt_time(r, p[i].created_at),
		    "current", i == 0, "runs", rr,
		    "has_runs", json_array_size(rr) > 0);
		json_array_append_new(a, o);
	}
	json_object_set_new(t, "patches", a);
	json_object_set_new(t, "has_patches", json_boolean(np > 0));

	/* the upload form */
	if (web_staff_may(r, ACT_PATCH_UPLOAD) && st >= 0 &&
	    !core_state_is_terminal(st) && has_plan) {
		int redo = form && strcmp(form, "patch") == 0;
		const char *kind = redo && d->kind ? d->kind : "diff";

		a = json_array();
		for (i = 0; i < nv; i++) {
			int on = !redo && nv == 1;
			for (k = 0; redo && k < d->nversions; k++)
				if (d->versions[k] &&
				    strcmp(d->versions[k], v[i].name) == 0)
					on = 1;
			json_array_append_new(a, json_pack(
			    "{s:s,s:s,s:b,s:I}", "name", v[i].name, "ref",
			    v[i].ref ? v[i].ref : "", "checked", on, "id",
			    (json_int_t)v[i].id));
		}
		json_object_set_new(t, "upload", json_pack(
		    "{s:o,s:b,s:b,s:b,s:s,s:s}", "versions", a,
		    "has_versions", nv > 0,
		    "kind_diff", strcmp(kind, "gitref") != 0,
		    "kind_gitref", strcmp(kind, "gitref") == 0,
		    "ref", redo && d->ref ? d->ref : "",
		    "note", redo && d->note ? d->note : ""));
	}

	/* proofs of concept */
	a = json_array();
	for (i = 0; i < npoc; i++)
		json_array_append_new(a, json_pack("{s:I,s:s,s:I,s:b,s:s}",
		    "id", (json_int_t)pocs[i].id, "name", pocs[i].name ?
		    pocs[i].name : "", "size", (json_int_t)pocs[i].size,
		    "regression", pocs[i].regression, "case_tracking",
		    pocs[i].case_tracking ? pocs[i].case_tracking : ""));
	json_object_set_new(t, "pocs", a);
	json_object_set_new(t, "has_pocs", json_boolean(npoc > 0));
	if (web_staff_may(r, ACT_POC_MANAGE) && st >= 0 &&
	    !core_state_is_terminal(st)) {
		a = json_array();
		for (i = 0; i < natt; i++)
			json_array_append_new(a, json_pack("{s:I,s:s,s:I}",
			    "id", (json_int_t)att[i].id, "name",
			    att[i].filename ? att[i].filename : "", "size",
			    (json_int_t)att[i].size));
		json_object_set_new(t, "poc_form", json_pack("{s:o,s:b}",
		    "attachments", a, "has_attachments", natt > 0));
	}

	/* verification */
	if (g.has_verification) {
		const struct store_verification *ver = &g.ver;
		int waived = g.in.verify == GATE_VERIFY_WAIVED;

		o = json_pack("{s:i,s:s,s:s,s:b,s:b,s:s,s:s,s:s,s:s,s:s,s:s,"
		    "s:b,s:b}",
		    "revision", ver->revision,
		    "sent", web_fmt_time(r, ver->sent_at),
		    "deadline", ver->deadline ? web_fmt_time(r,
		    ver->deadline) : "",
		    "overdue", g.deadline_passed && g.in.verify ==
		    GATE_VERIFY_SENT,
		    "waiting", g.in.verify == GATE_VERIFY_SENT,
		    "answer", answer_label(ver->answer),
		    "answer_class", ver->answer && strcmp(ver->answer,
		    "fixed") == 0 ? "pass" : "fail",
		    "answered", ver->answered_at ? web_fmt_time(r,
		    ver->answered_at) : "",
		    "notes", ver->notes ? ver->notes : "",
		    "waived_by", ver->waived_by ? ver->waived_by : "",
		    "waive_reason", ver->waive_reason ? ver->waive_reason : "",
		    "waived", waived,
		    "reminded", ver->reminded_at != 0);
		json_object_set_new(t, "verification", o);
	}
	if (web_staff_may(r, ACT_VERIFY_SEND) && g.has_patch) {
		int redo = form && strcmp(form, "verify") == 0;
		int can = g.tested && (st == ST_TESTING || st == ST_VERIFYING);
		const char *why = !g.tested ? "The current revision must be "
		    "tested first: a passing run signed off by a tester who "
		    "did not write it." : "";

		json_object_set_new(t, "send_form", json_pack(
		    "{s:b,s:s,s:s,s:i,s:b}", "can", can, "why", why,
		    "days", redo && d->days ? d->days : "7",
		    "revision", g.patch.revision,
		    "again", g.has_verification));
	}
	if (web_staff_may(r, ACT_VERIFY_WAIVE) && g.has_verification &&
	    g.in.verify == GATE_VERIFY_SENT) {
		int redo = form && strcmp(form, "waive") == 0;

		json_object_set_new(t, "waive_form", json_pack(
		    "{s:b,s:s,s:s}", "can", g.deadline_passed, "reason",
		    redo && d->reason ? d->reason : "", "deadline",
		    web_fmt_time(r, g.ver.deadline)));
	}
	return t;
}

/* ---- case forms ---- */

int
web_h_case_patch_post(struct req *r)
{
	struct web_testing_redo d;
	struct store_case c;
	struct web_form f;
	const struct web_part *fp;
	const char *kind, *content = NULL, *msg = NULL;
	size_t len = 0;
	int bad = 0, rc;

	if (web_form_read(r, &f, MAX_FORM_PARTS) == -1)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	memset(&d, 0, sizeof(d));
	d.form = "patch";
	kind = field(r, &f, "kind", NULL, 1, &bad);
	d.kind = kind;
	d.ref = field(r, &f, "ref", NULL, 1, &bad);
	d.note = field(r, &f, "note", NULL, 1, &bad);
	if (bad)
		return WEB_DONE;
	d.versions = values(r, &f, "versions", &d.nversions);
	if (kind != NULL && strcmp(kind, "diff") == 0) {
		/* a file, or pasted text in a field of the same name */
		if ((fp = file_part(&f, "diff")) != NULL) {
			content = fp->data;
			len = fp->len;
		} else if ((content = field(r, &f, "diff", &len, 0, &bad)) ==
		    NULL && bad)
			return WEB_DONE;
		if (content != NULL && (content = util_arena_strndup(
		    &r->arena, content, len)) == NULL)
			return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	} else if (kind != NULL && strcmp(kind, "gitref") == 0) {
		content = d.ref;
		len = content ? strlen(content) : 0;
	}
	rc = web_testing_patch_add(r, &c, kind, content, len, d.note,
	    d.versions, d.nversions, NULL, NULL, &msg);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc != STAFF_OK) {
		d.msg = msg ? msg : "The patch could not be added.";
		return web_case_page_redo(r, &c, &d, refusal_status(rc));
	}
	return to_case(r, &c, "testing");
}

int
web_h_case_poc_post(struct req *r)
{
	struct web_testing_redo d;
	struct store_case c;
	struct web_form f;
	const struct web_part *fp;
	const char *aid, *msg = NULL;
	long long id = 0;
	char *end;
	int bad = 0, rc;

	if (web_form_read(r, &f, MAX_FORM_PARTS) == -1)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	memset(&d, 0, sizeof(d));
	d.form = "poc";
	fp = file_part(&f, "file");
	aid = field(r, &f, "attachment", NULL, 1, &bad);
	if (bad)
		return WEB_DONE;
	if (fp == NULL && aid != NULL && *aid != '\0') {
		id = strtoll(aid, &end, 10);
		if (*end != '\0' || id <= 0)
			id = -1;
	}
	if (fp != NULL)
		rc = web_testing_poc_add(r, &c, fp->filename, fp->data,
		    fp->len, 0, NULL, &msg);
	else
		rc = web_testing_poc_add(r, &c, NULL, NULL, 0, id, NULL, &msg);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc != STAFF_OK) {
		d.msg = msg ? msg : "The proof of concept could not be added.";
		return web_case_page_redo(r, &c, &d, refusal_status(rc));
	}
	return to_case(r, &c, "pocs");
}

int
web_h_case_verification_post(struct req *r)
{
	struct web_testing_redo d;
	struct store_case c;
	struct web_form f;
	const char *msg = NULL;
	char *end;
	long days = TESTING_DEADLINE_DAYS;
	int bad = 0, rc;

	if (web_form_read(r, &f, MAX_FORM_PARTS) == -1)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	memset(&d, 0, sizeof(d));
	d.form = "verify";
	d.days = field(r, &f, "deadline_days", NULL, 1, &bad);
	if (bad)
		return WEB_DONE;
	if (d.days != NULL && *d.days != '\0') {
		days = strtol(d.days, &end, 10);
		if (*end != '\0' || d.days[0] < '0' || d.days[0] > '9')
			days = -1;
	}
	rc = web_testing_verify_send(r, &c, days, &msg);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc != STAFF_OK) {
		d.msg = msg ? msg : "The fix could not be sent.";
		return web_case_page_redo(r, &c, &d, refusal_status(rc));
	}
	return to_case(r, &c, "verification");
}

int
web_h_case_waive_post(struct req *r)
{
	struct web_testing_redo d;
	struct store_case c;
	struct web_form f;
	const char *msg = NULL;
	int bad = 0, rc;

	if (web_form_read(r, &f, MAX_FORM_PARTS) == -1)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	memset(&d, 0, sizeof(d));
	d.form = "waive";
	d.reason = field(r, &f, "reason", NULL, 1, &bad);
	if (bad)
		return WEB_DONE;
	rc = web_testing_waive(r, &c, d.reason, &msg);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc != STAFF_OK) {
		d.msg = msg ? msg : "Verification could not be waived.";
		return web_case_page_redo(r, &c, &d, refusal_status(rc));
	}
	return to_case(r, &c, "verification");
}

/* ---- test runs ---- */

static const char *
step_verdict_label(const char *v)
{
	if (v == NULL)
		return "";
	if (strcmp(v, "ok") == 0)
		return "OK";
	if (strcmp(v, "failed") == 0)
		return "Failed";
	if (strcmp(v, "reproduced") == 0)
		return "Reproduced";
	if (strcmp(v, "not_reproduced") == 0)
		return "Not reproduced";
	if (strcmp(v, "killed") == 0)
		return "Killed";
	return v;
}

static const char *
step_verdict_class(const char *v)
{
	static const char *const names[] = { "ok", "failed", "reproduced",
	    "not_reproduced", "killed" };
	size_t i;

	for (i = 0; v != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i]) == 0)
			return names[i];
	return "failed";
}

/* The IDs of regression_of ("VR-2024-0001, VR-2024-0007") as links. */
static json_t *
regressions(struct req *r, const char *s)
{
	json_t *a = json_array();
	const char *p = s, *start;
	char *id;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		start = p;
		while (*p != '\0' && *p != ' ' && *p != ',' && *p != '\t')
			p++;
		if (p == start)
			break;
		if ((id = util_arena_strndup(&r->arena, start,
		    (size_t)(p - start))) == NULL)
			break;
		json_array_append_new(a, json_pack("{s:s,s:s}", "id", id,
		    "href", util_arena_printf(&r->arena, "/cases/%s",
		    web_url_encode(r, id))));
	}
	return a;
}

static int
show_run(struct req *r, const struct store_run *u, const struct store_case *c,
    const char *verdict, const char *comment, const char *error,
    unsigned status)
{
	struct store_step *steps = NULL;
	struct store_patch patch;
	size_t ns = 0, i;
	json_t *ctx, *a, *o, *regs;
	char csrf[65], dur[32];
	int finished, author, signed_off, rc;

	if (store_run_steps(r->app->store, u->id, &r->arena, &steps, &ns) !=
	    STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	rc = store_patch_get(r->app->store, u->patch_id, &r->arena, &patch);
	if (rc != STORE_OK)
		return web_reply_error(r, rc == STORE_NONE ? WE_NOT_FOUND :
		    WE_UNAVAILABLE, NULL, NULL);
	ctx = web_page_ctx(r, util_arena_printf(&r->arena, "Test run %lld: "
	    "%s revision %d", (long long)u->id, c->tracking_id, u->revision));
	if (ctx == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	web_auth_csrf(r, csrf);
	sets(ctx, "csrf", csrf);
	finished = u->status && (strcmp(u->status, "passed") == 0 ||
	    strcmp(u->status, "failed") == 0 || strcmp(u->status, "error") ==
	    0);
	author = patch.author_id == r->user_id;
	signed_off = u->signoff != NULL && *u->signoff != '\0';

	o = json_pack("{s:I,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,"
	    "s:b,s:b,s:b,s:b}",
	    "id", (json_int_t)u->id,
	    "status", web_run_status_class(u->status),
	    "status_label", web_run_status_label(u->status),
	    "version", u->version ? u->version : "",
	    "revision", u->revision,
	    "tracking_id", c->tracking_id,
	    "case_href", util_arena_printf(&r->arena, "/cases/%s#testing",
	    web_url_encode(r, c->tracking_id)),
	    "title", c->field[RF_TITLE],
	    "author", patch.author ? patch.author : "",
	    "queued", u->queued_at ? web_fmt_time(r, u->queued_at) : "",
	    "started", u->started_at ? web_fmt_time(r, u->started_at) : "",
	    "finished", u->finished_at ? web_fmt_time(r, u->finished_at) : "",
	    "summary", u->summary ? u->summary : "",
	    "finished_run", finished,
	    "regressions_ok", u->regressions_ok,
	    "pocs_before_ok", u->pocs_before_ok,
	    "pocs_after_ok", u->pocs_after_ok);
	json_object_set_new(o, "pending", json_boolean(!finished));
	json_object_set_new(ctx, "run", o);
	regs = regressions(r, u->regression_of);
	json_object_set_new(ctx, "has_regressions", json_boolean(
	    json_array_size(regs) > 0));
	json_object_set_new(ctx, "regressions", regs);

	a = json_array();
	for (i = 0; i < ns; i++) {
		o = web_step_json(r, &steps[i]);
		if (o == NULL)
			continue;
		snprintf(dur, sizeof(dur), "%.2f s", steps[i].duration);
		sets(o, "duration_text", dur);
		sets(o, "verdict_label", step_verdict_label(steps[i].verdict));
		sets(o, "verdict_class", step_verdict_class(steps[i].verdict));
		json_object_set_new(o, "has_signal", json_boolean(
		    steps[i].signal != 0));
		json_object_set_new(o, "has_output", json_boolean(
		    steps[i].output != NULL && steps[i].output_len > 0));
		json_array_append_new(a, o);
	}
	json_object_set_new(ctx, "steps", a);
	json_object_set_new(ctx, "has_steps", json_boolean(ns > 0));

	if (signed_off)
		json_object_set_new(ctx, "signoff", json_pack(
		    "{s:s,s:s,s:s,s:s}", "verdict", verdict_class(u->signoff),
		    "verdict_label", strcmp(u->signoff, "pass") == 0 ?
		    "Pass" : "Fail", "signer", u->signer ? u->signer : "",
		    "comment", u->signoff_comment ? u->signoff_comment : ""));
	if (web_staff_may(r, ACT_TEST_SIGNOFF) && !signed_off) {
		if (author)
			sets(ctx, "signoff_blocked", "You wrote this patch: "
			    "another tester must sign it off.");
		else if (!finished)
			sets(ctx, "signoff_blocked", "The run has not finished "
			    "yet; sign it off once it has.");
		if (!author && finished)
			json_object_set_new(ctx, "signoff_form", json_pack(
			    "{s:b,s:b,s:s}", "pass", verdict != NULL &&
			    strcmp(verdict, "pass") == 0, "fail",
			    verdict != NULL && strcmp(verdict, "fail") == 0,
			    "comment", comment ? comment : ""));
	}
	if (error != NULL)
		sets(ctx, "signoff_error", error);
	return web_reply_page(r, status, "run", ctx);
}

int
web_h_run_view(struct req *r)
{
	struct store_run u;
	struct store_case c;

	if (web_testing_run(r, r->param[0], &u, &c) != STAFF_OK)
		return WEB_DONE;
	return show_run(r, &u, &c, NULL, NULL, NULL, 200);
}

int
web_h_run_signoff_post(struct req *r)
{
	struct store_run u;
	struct store_case c;
	struct web_form f;
	const char *verdict, *comment, *msg = NULL;
	int bad = 0, rc;

	if (web_form_read(r, &f, MAX_FORM_PARTS) == -1)
		return WEB_DONE;
	if (web_testing_run(r, r->param[0], &u, &c) != STAFF_OK)
		return WEB_DONE;
	verdict = field(r, &f, "verdict", NULL, 1, &bad);
	comment = field(r, &f, "comment", NULL, 1, &bad);
	if (bad)
		return WEB_DONE;
	rc = web_testing_signoff(r, &c, &u, verdict, comment, &msg);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc != STAFF_OK)
		return show_run(r, &u, &c, verdict, comment, msg ? msg :
		    "The sign-off could not be saved.", refusal_status(rc));
	return web_reply_redirect(r, 303, util_arena_printf(&r->arena,
	    "/runs/%lld#signoff", (long long)u.id));
}

/* ---- products ---- */

struct product_redo {
	const char	*msg;
	struct web_product_in in;
	const char	*vname, *vref;	/* the add-a-version form */
};

static json_t *
product_form(const struct product_redo *d, const struct store_product_plan *p)
{
	const struct web_product_in *in = d ? &d->in : NULL;

#define PICK(f, pf) (in && in->f ? in->f : p && p->pf ? p->pf : "")
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b}",
	    "name", PICK(name, name), "vendor", PICK(vendor, vendor),
	    "source", PICK(source, source), "build", PICK(build, build_cmd),
	    "test", PICK(test, test_cmd), "poc", PICK(poc, poc_cmd),
	    "oracle", PICK(oracle, oracle),
	    "error", d && d->msg ? d->msg : "", "edit", p != NULL);
#undef PICK
}

static int
show_products(struct req *r, const struct product_redo *d, unsigned status)
{
	struct store_product *prods = NULL;
	struct store_product_plan plan;
	struct store_version *v;
	size_t n = 0, nv, i, k;
	json_t *ctx, *a, *vs;
	int rc;

	if (store_products_list(r->app->store, &r->arena, &prods, &n) !=
	    STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	ctx = web_page_ctx(r, "Products");
	if (ctx == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	a = json_array();
	for (i = 0; i < n; i++) {
		int has_plan = 0;

		v = NULL;
		nv = 0;
		rc = store_product_plan_get(r->app->store, prods[i].id,
		    &r->arena, &plan);
		if (rc == STORE_ERR || rc == STORE_RETRY ||
		    store_versions(r->app->store, prods[i].id, &r->arena, &v,
		    &nv) != STORE_OK) {
			json_decref(ctx);
			json_decref(a);
			return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		}
		has_plan = rc == STORE_OK && plan.test_cmd != NULL &&
		    *plan.test_cmd != '\0';
		vs = json_array();
		for (k = 0; k < nv; k++)
			json_array_append_new(vs, json_string(v[k].name));
		json_array_append_new(a, json_pack(
		    "{s:I,s:s,s:s,s:s,s:o,s:b,s:b,s:s}",
		    "id", (json_int_t)prods[i].id, "name", prods[i].name,
		    "vendor", prods[i].vendor ? prods[i].vendor : "",
		    "href", util_arena_printf(&r->arena, "/products/%lld",
		    (long long)prods[i].id), "versions", vs,
		    "has_versions", nv > 0, "has_plan", has_plan,
		    "oracle", has_plan && plan.oracle ? plan.oracle : ""));
	}
	json_object_set_new(ctx, "products", a);
	json_object_set_new(ctx, "has_products", json_boolean(n > 0));
	if (web_staff_may(r, ACT_PRODUCT_MANAGE)) {
		char csrf[65];

		web_auth_csrf(r, csrf);
		sets(ctx, "csrf", csrf);
		json_object_set_new(ctx, "form", product_form(d, NULL));
	}
	return web_reply_page(r, status, "products", ctx);
}

int
web_h_products_list(struct req *r)
{
	return show_products(r, NULL, 200);
}

static int
product_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	if (s == NULL || s[0] < '1' || s[0] > '9' || strlen(s) > 18)
		return -1;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v <= 0)
		return -1;
	*id = v;
	return 0;
}

static int
show_product(struct req *r, int64_t id, const struct product_redo *d,
    unsigned status)
{
	struct store_product_plan p;
	struct store_version *v = NULL;
	size_t nv = 0, i;
	json_t *ctx, *a, *o;
	char csrf[65];
	int rc;

	rc = store_product_plan_get(r->app->store, id, &r->arena, &p);
	if (rc == STORE_NONE)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (rc != STORE_OK || store_versions(r->app->store, id, &r->arena, &v,
	    &nv) != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	ctx = web_page_ctx(r, p.name);
	if (ctx == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	o = web_plan_json(r, &p, v, nv);
	json_object_set_new(o, "has_plan", json_boolean(p.test_cmd != NULL &&
	    *p.test_cmd != '\0'));
	json_object_set_new(o, "has_versions", json_boolean(nv > 0));
	json_object_set_new(ctx, "product", o);
	if (web_staff_may(r, ACT_PRODUCT_MANAGE)) {
		web_auth_csrf(r, csrf);
		sets(ctx, "csrf", csrf);
		json_object_set_new(ctx, "form", product_form(d &&
		    d->vname == NULL ? d : NULL, &p));
		o = json_pack("{s:s,s:s,s:s}", "name", d && d->vname ?
		    d->vname : "", "ref", d && d->vref ? d->vref : "",
		    "error", d && d->vname && d->msg ? d->msg : "");
		json_object_set_new(ctx, "version_form", o);
	}
	a = json_object_get(json_object_get(ctx, "product"), "versions");
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		o = json_array_get(a, i);
		json_object_set_new(o, "has_ref", json_boolean(
		    json_string_length(json_object_get(o, "ref")) > 0));
	}
	return web_reply_page(r, status, "product", ctx);
}

int
web_h_product_view(struct req *r)
{
	int64_t id;

	if (product_id(r->param[0], &id) == -1)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	return show_product(r, id, NULL, 200);
}

int
web_h_products_post(struct req *r)
{
	struct product_redo d;
	struct web_form f;
	const char *msg = NULL, *from;
	int64_t id = 0, back = 0;
	int bad = 0, rc;

	if (web_form_read(r, &f, MAX_FORM_PARTS) == -1)
		return WEB_DONE;
	memset(&d, 0, sizeof(d));
	d.in.name = field(r, &f, "name", NULL, 1, &bad);
	d.in.vendor = field(r, &f, "vendor", NULL, 1, &bad);
	d.in.source = field(r, &f, "source", NULL, 1, &bad);
	d.in.build = field(r, &f, "build", NULL, 1, &bad);
	d.in.test = field(r, &f, "test", NULL, 1, &bad);
	d.in.poc = field(r, &f, "poc", NULL, 1, &bad);
	d.in.oracle = field(r, &f, "oracle", NULL, 1, &bad);
	from = field(r, &f, "product_id", NULL, 1, &bad);
	if (bad)
		return WEB_DONE;
	if (from != NULL && *from != '\0' && product_id(from, &back) == -1)
		return web_reply_error(r, WE_BAD_FORM, "product_id", NULL);
	rc = web_testing_product_set(r, &d.in, &id, &msg);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc != STAFF_OK) {
		d.msg = msg ? msg : "The product could not be saved.";
		return back ? show_product(r, back, &d, refusal_status(rc)) :
		    show_products(r, &d, refusal_status(rc));
	}
	return web_reply_redirect(r, 303, util_arena_printf(&r->arena,
	    "/products/%lld", (long long)id));
}

int
web_h_product_version_post(struct req *r)
{
	struct store_product_plan p;
	struct product_redo d;
	struct web_form f;
	const char *msg = NULL;
	int64_t id;
	int bad = 0, rc;

	if (web_form_read(r, &f, MAX_FORM_PARTS) == -1)
		return WEB_DONE;
	if (product_id(r->param[0], &id) == -1)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	rc = store_product_plan_get(r->app->store, id, &r->arena, &p);
	if (rc == STORE_NONE)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	memset(&d, 0, sizeof(d));
	d.vname = field(r, &f, "name", NULL, 1, &bad);
	d.vref = field(r, &f, "ref", NULL, 1, &bad);
	if (bad)
		return WEB_DONE;
	if (d.vname == NULL)
		d.vname = "";
	rc = web_testing_version_add(r, id, d.vname, d.vref, &msg);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc != STAFF_OK) {
		d.msg = msg ? msg : "The version could not be added.";
		return show_product(r, id, &d, refusal_status(rc));
	}
	return web_reply_redirect(r, 303, util_arena_printf(&r->arena,
	    "/products/%lld#versions", (long long)id));
}
