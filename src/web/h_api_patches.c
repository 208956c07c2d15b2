/* web/h_api_patches.c - the JSON API of independent patch testing:
 * patches, proofs of concept, test runs and their sign-off, researcher
 * verification and its waiver, the release gate, products and their
 * test plans.  The same rules as the pages (web/testing.c); errors are
 * the registry's JSON errors (web_reply_error), a change answers 201. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/report.h"
#include "util/encode.h"
#include "util/log.h"
#include "parse.h"
#include "testing.h"

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
	    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		web_reply_error(r, WE_BAD_JSON, NULL, NULL);
		return NULL;
	}
	return j;
}

/* A string member copied to the arena: absent or null → def, wrong type
 * → error reply (*bad = 1).  *lenp gets the length (NUL bytes kept in
 * the copy only when allow_nul; otherwise a NUL is an error). */
static const char *
member(struct req *r, json_t *o, const char *key, const char *def,
    size_t *lenp, int allow_nul, int *bad)
{
	json_t *v = json_object_get(o, key);
	char *s;
	size_t n;

	if (*bad)
		return NULL;
	if (v == NULL || json_is_null(v)) {
		if (lenp)
			*lenp = def ? strlen(def) : 0;
		return def;
	}
	if (!json_is_string(v)) {
		web_reply_error(r, WE_BAD_JSON, key, util_arena_printf(
		    &r->arena, "%s must be a string.", key));
		*bad = 1;
		return NULL;
	}
	n = json_string_length(v);
	if (!allow_nul && strlen(json_string_value(v)) != n) {
		web_reply_error(r, WE_INVALID, key, util_arena_printf(
		    &r->arena, "%s contains a NUL character.", key));
		*bad = 1;
		return NULL;
	}
	if ((s = util_arena_alloc(&r->arena, n + 1)) == NULL) {
		web_reply_error(r, WE_TOO_LARGE, key, NULL);
		*bad = 1;
		return NULL;
	}
	memcpy(s, json_string_value(v), n);
	s[n] = '\0';
	if (lenp)
		*lenp = n;
	return s;
}

/* Ends a change that was refused or replied; 0 when it went through. */
static int
refused(struct req *r, int rc, const char *msg, const char *field)
{
	if (rc == STAFF_REPLIED)
		return 1;
	if (rc == TESTING_CONFLICT) {
		web_reply_error(r, WE_CONFLICT, field, msg);
		return 1;
	}
	if (rc != STAFF_OK) {
		web_reply_error(r, WE_INVALID, field, msg);
		return 1;
	}
	return 0;
}

static json_t *
patch_json(struct req *r, const struct store_patch *p,
    const struct store_run *runs, size_t nr)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < nr; i++)
		if (runs[i].patch_id == p->id)
			json_array_append_new(a, web_run_json(r, &runs[i]));
	return json_pack("{s:I,s:i,s:I,s:s,s:s,s:s,s:s,s:I,s:o}",
	    "id", (json_int_t)p->id, "revision", p->revision,
	    "author_id", (json_int_t)p->author_id,
	    "author", p->author ? p->author : "",
	    "kind", p->kind ? p->kind : "",
	    "content", p->content ? p->content : "",
	    "note", p->note ? p->note : "",
	    "created_at", (json_int_t)p->created_at, "runs", a);
}

/* {"patches": [...]} newest first, or one patch (id) with status. */
static int
reply_patches(struct req *r, const struct store_case *c, int64_t only,
    unsigned status)
{
	struct store_patch *p = NULL;
	struct store_run *runs = NULL;
	size_t np = 0, nr = 0, i;
	json_t *a;

	if (store_patches(r->app->store, c->id, &r->arena, &p, &np) !=
	    STORE_OK || store_runs_for_case(r->app->store, c->id, &r->arena,
	    &runs, &nr) != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	if (only != 0) {
		for (i = 0; i < np; i++)
			if (p[i].id == only)
				return web_reply_json(r, status, patch_json(r,
				    &p[i], runs, nr));
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	}
	a = json_array();
	for (i = 0; i < np; i++)
		json_array_append_new(a, patch_json(r, &p[i], runs, nr));
	return web_reply_json(r, status, json_pack("{s:s,s:o}",
	    "tracking_id", c->tracking_id, "patches", a));
}

int
web_h_api_patches_get(struct req *r)
{
	struct store_case c;

	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	return reply_patches(r, &c, 0, 200);
}

int
web_h_api_patch_post(struct req *r)
{
	struct store_case c;
	const char *kind, *content = NULL, *note, *msg = NULL;
	const char **versions = NULL;
	size_t len = 0, nv = 0, i;
	json_t *j, *va;
	int64_t id = 0;
	int bad = 0, rc;

	if ((j = body_object(r)) == NULL)
		return WEB_DONE;
	kind = member(r, j, "kind", NULL, NULL, 0, &bad);
	note = member(r, j, "note", "", NULL, 0, &bad);
	if (!bad && kind != NULL && strcmp(kind, "diff") == 0)
		content = member(r, j, "diff", NULL, &len, 1, &bad);
	else if (!bad && kind != NULL && strcmp(kind, "gitref") == 0)
		content = member(r, j, "ref", NULL, &len, 0, &bad);
	va = json_object_get(j, "versions");
	if (!bad && va != NULL && !json_is_array(va)) {
		web_reply_error(r, WE_BAD_JSON, "versions",
		    "versions must be an array of version names.");
		bad = 1;
	}
	if (!bad && va != NULL) {
		nv = json_array_size(va);
		if (nv > 100 || (versions = util_arena_zalloc(&r->arena,
		    (nv + 1) * sizeof(*versions))) == NULL) {
			web_reply_error(r, WE_INVALID, "versions",
			    "At most 100 versions.");
			bad = 1;
		}
		for (i = 0; !bad && i < nv; i++) {
			json_t *e = json_array_get(va, i);
			if (!json_is_string(e)) {
				web_reply_error(r, WE_BAD_JSON, "versions",
				    "versions must be an array of version "
				    "names.");
				bad = 1;
			} else
				versions[i] = util_arena_strdup(&r->arena,
				    json_string_value(e));
		}
	}
	json_decref(j);
	if (bad)
		return WEB_DONE;
	if (kind != NULL && strcmp(kind, "diff") != 0 &&
	    strcmp(kind, "gitref") != 0)
		return web_reply_error(r, WE_INVALID, "kind", "The kind of a "
		    "patch is \"diff\" or \"gitref\".");
	if (kind != NULL && content == NULL)
		return web_reply_error(r, WE_INVALID, strcmp(kind, "gitref") ==
		    0 ? "ref" : "diff", strcmp(kind, "gitref") == 0 ?
		    "Give the git ref in \"ref\"." :
		    "Give the unified diff in \"diff\".");
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	rc = web_testing_patch_add(r, &c, kind, content, len, note,
	    versions, nv, &id, NULL, &msg);
	if (refused(r, rc, msg, kind == NULL ? "kind" : NULL))
		return WEB_DONE;
	return reply_patches(r, &c, id, 201);
}

int
web_h_api_poc_post(struct req *r)
{
	struct store_case c;
	const char *name, *b64, *msg = NULL;
	unsigned char *data = NULL;
	size_t blen = 0, dlen = 0;
	json_int_t aid = 0;
	json_t *j, *v;
	int64_t id = 0;
	int bad = 0, rc;

	if ((j = body_object(r)) == NULL)
		return WEB_DONE;
	name = member(r, j, "name", NULL, NULL, 0, &bad);
	b64 = member(r, j, "data_base64", NULL, &blen, 0, &bad);
	v = json_object_get(j, "attachment_id");
	if (!bad && v != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			web_reply_error(r, WE_BAD_JSON, "attachment_id",
			    "attachment_id must be a positive integer.");
			bad = 1;
		} else
			aid = json_integer_value(v);
	}
	json_decref(j);
	if (bad)
		return WEB_DONE;
	if (b64 != NULL && aid != 0)
		return web_reply_error(r, WE_INVALID, "attachment_id",
		    "Send either data_base64 or attachment_id.");
	if (b64 != NULL) {
		if (name == NULL || *name == '\0')
			return web_reply_error(r, WE_INVALID, "name",
			    "Give the file name in \"name\".");
		if ((data = util_arena_alloc(&r->arena, blen * 3 / 4 + 3)) ==
		    NULL)
			return web_reply_error(r, WE_TOO_LARGE, NULL, NULL);
		if (util_b64_decode(data, &dlen, b64, blen) == -1)
			return web_reply_error(r, WE_INVALID, "data_base64",
			    "data_base64 is not valid base64.");
	} else if (aid == 0)
		return web_reply_error(r, WE_INVALID, "data_base64",
		    "Send the file in data_base64 (with name), or "
		    "attachment_id.");
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	rc = web_testing_poc_add(r, &c, name, data, dlen, (int64_t)aid, &id,
	    &msg);
	if (refused(r, rc, msg, b64 ? "data_base64" : "attachment_id"))
		return WEB_DONE;
	return web_reply_json(r, 201, json_pack("{s:I,s:s}", "id",
	    (json_int_t)id, "tracking_id", c.tracking_id));
}

static int
reply_run(struct req *r, const struct store_run *u,
    const struct store_case *c, unsigned status)
{
	struct store_step *steps = NULL;
	size_t ns = 0, i;
	json_t *o, *a;

	if (store_run_steps(r->app->store, u->id, &r->arena, &steps, &ns) !=
	    STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	if ((o = web_run_json(r, u)) == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	a = json_array();
	for (i = 0; i < ns; i++)
		json_array_append_new(a, web_step_json(r, &steps[i]));
	json_object_set_new(o, "steps", a);
	json_object_set_new(o, "tracking_id", json_string(c->tracking_id));
	return web_reply_json(r, status, o);
}

int
web_h_api_run_get(struct req *r)
{
	struct store_run u;
	struct store_case c;

	if (web_testing_run(r, r->param[0], &u, &c) != STAFF_OK)
		return WEB_DONE;
	return reply_run(r, &u, &c, 200);
}

int
web_h_api_run_signoff(struct req *r)
{
	struct store_run u;
	struct store_case c;
	const char *verdict, *comment, *msg = NULL;
	json_t *j;
	int bad = 0, rc;

	if ((j = body_object(r)) == NULL)
		return WEB_DONE;
	verdict = member(r, j, "verdict", NULL, NULL, 0, &bad);
	comment = member(r, j, "comment", NULL, NULL, 0, &bad);
	json_decref(j);
	if (bad)
		return WEB_DONE;
	if (web_testing_run(r, r->param[0], &u, &c) != STAFF_OK)
		return WEB_DONE;
	rc = web_testing_signoff(r, &c, &u, verdict, comment, &msg);
	if (refused(r, rc, msg, rc == STAFF_REFUSED ? (verdict == NULL ||
	    (strcmp(verdict, "pass") != 0 && strcmp(verdict, "fail") != 0) ?
	    "verdict" : "comment") : NULL))
		return WEB_DONE;
	if (store_run_get(r->app->store, u.id, &r->arena, &u) != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	return reply_run(r, &u, &c, 201);
}

static int
reply_gate(struct req *r, const struct store_case *c, unsigned status)
{
	struct web_gate_facts f;
	json_t *o;

	if (web_gate_facts(r, c, &f) == -1)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	if ((o = web_gate_json(r, &f)) == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	json_object_set_new(o, "tracking_id", json_string(c->tracking_id));
	return web_reply_json(r, status, o);
}

int
web_h_api_gate_get(struct req *r)
{
	struct store_case c;

	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	return reply_gate(r, &c, 200);
}

int
web_h_api_verification_post(struct req *r)
{
	struct store_case c;
	const char *msg = NULL;
	json_int_t days = TESTING_DEADLINE_DAYS;
	json_t *j, *v;
	int rc;

	if ((j = body_object(r)) == NULL)
		return WEB_DONE;
	v = json_object_get(j, "deadline_days");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_integer(v)) {
			json_decref(j);
			return web_reply_error(r, WE_BAD_JSON, "deadline_days",
			    "deadline_days must be an integer.");
		}
		days = json_integer_value(v);
	}
	json_decref(j);
	if (days < 1 || days > TESTING_MAX_DEADLINE)
		return web_reply_error(r, WE_INVALID, "deadline_days",
		    "The deadline must be 1 to 90 days.");
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	rc = web_testing_verify_send(r, &c, (long)days, &msg);
	if (refused(r, rc, msg, NULL))
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	return reply_gate(r, &c, 201);
}

int
web_h_api_waive_post(struct req *r)
{
	struct store_case c;
	const char *reason, *msg = NULL;
	json_t *j;
	int bad = 0, rc;

	if ((j = body_object(r)) == NULL)
		return WEB_DONE;
	reason = member(r, j, "reason", NULL, NULL, 0, &bad);
	json_decref(j);
	if (bad)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	rc = web_testing_waive(r, &c, reason, &msg);
	if (refused(r, rc, msg, rc == STAFF_REFUSED ? "reason" : NULL))
		return WEB_DONE;
	return reply_gate(r, &c, 201);
}

/* ---- products ---- */

static json_t *
product_json(struct req *r, int64_t id, int *rcp)
{
	struct store_product_plan p;
	struct store_version *v = NULL;
	size_t nv = 0;

	*rcp = store_product_plan_get(r->app->store, id, &r->arena, &p);
	if (*rcp != STORE_OK)
		return NULL;
	if (store_versions(r->app->store, id, &r->arena, &v, &nv) !=
	    STORE_OK) {
		*rcp = STORE_ERR;
		return NULL;
	}
	return web_plan_json(r, &p, v, nv);
}

int
web_h_api_products_get(struct req *r)
{
	struct store_product *prods = NULL;
	size_t n = 0, i;
	json_t *a, *o;
	int rc;

	if (store_products_list(r->app->store, &r->arena, &prods, &n) !=
	    STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	a = json_array();
	for (i = 0; i < n; i++) {
		o = product_json(r, prods[i].id, &rc);
		if (rc == STORE_NONE)
			continue;
		if (o == NULL) {
			json_decref(a);
			return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		}
		json_array_append_new(a, o);
	}
	return web_reply_json(r, 200, json_pack("{s:o}", "products", a));
}

int
web_h_api_products_post(struct req *r)
{
	struct web_product_in in;
	const char **vn = NULL, **vr = NULL, *msg = NULL;
	json_t *j, *va, *e;
	size_t nv = 0, i;
	int64_t id = 0;
	int bad = 0, rc;

	if ((j = body_object(r)) == NULL)
		return WEB_DONE;
	memset(&in, 0, sizeof(in));
	in.name = member(r, j, "name", NULL, NULL, 0, &bad);
	in.vendor = member(r, j, "vendor", "", NULL, 0, &bad);
	in.source = member(r, j, "source", NULL, NULL, 0, &bad);
	in.build = member(r, j, "build", "", NULL, 0, &bad);
	in.test = member(r, j, "test", NULL, NULL, 0, &bad);
	in.poc = member(r, j, "poc", NULL, NULL, 0, &bad);
	in.oracle = member(r, j, "oracle", NULL, NULL, 0, &bad);
	va = json_object_get(j, "versions");
	if (!bad && va != NULL && !json_is_null(va)) {
		if (!json_is_array(va) || (nv = json_array_size(va)) > 100) {
			web_reply_error(r, WE_BAD_JSON, "versions", "versions "
			    "must be an array of at most 100 {\"name\", "
			    "\"ref\"} objects.");
			bad = 1;
		} else if ((vn = util_arena_zalloc(&r->arena, (nv + 1) *
		    sizeof(*vn))) == NULL || (vr = util_arena_zalloc(
		    &r->arena, (nv + 1) * sizeof(*vr))) == NULL) {
			web_reply_error(r, WE_INTERNAL, NULL, NULL);
			bad = 1;
		}
		for (i = 0; !bad && i < nv; i++) {
			e = json_array_get(va, i);
			if (!json_is_object(e)) {
				web_reply_error(r, WE_BAD_JSON, "versions",
				    "Each version is an object {\"name\", "
				    "\"ref\"}.");
				bad = 1;
				break;
			}
			vn[i] = member(r, e, "name", NULL, NULL, 0, &bad);
			vr[i] = member(r, e, "ref", "", NULL, 0, &bad);
		}
	}
	json_decref(j);
	if (bad)
		return WEB_DONE;
	in.vname = vn;
	in.vref = vr;
	in.nversions = nv;
	rc = web_testing_product_set(r, &in, &id, &msg);
	if (refused(r, rc, msg, NULL))
		return WEB_DONE;
	if ((j = product_json(r, id, &rc)) == NULL)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	return web_reply_json(r, 201, j);
}
