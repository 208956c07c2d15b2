/* web/h_report.c - the public report form (/report), its JSON twin
 * (POST /api/v1/reports) and the completeness check the form's script
 * calls (POST /api/v1/reports/assess).
 *
 * Both paths fill one struct report_input, run core_report_validate()
 * and store nothing unless the whole report is valid.  A form with
 * errors is shown again with everything typed kept (files included, as
 * hidden fields) and a message beside each field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/cwe.h"
#include "core/report.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/encode.h"
#include "util/log.h"
#include "parse.h"
#include "staff.h"
#include "web.h"

#define MAX_FORM_PARTS	64

struct report_input {
	const char			*field[RF__MAX];
	struct store_attachment		 att[64];
	struct core_attachment_meta	 meta[64];
	size_t				 natt;
	int				 too_many_files;
	int				 check_only;	/* "Check my report" */
};

static int
field_index(const char *name)
{
	int i;

	for (i = 0; i < RF__MAX; i++)
		if (i != RF_ATTACHMENTS &&
		    strcmp(core_report_field_name(i), name) == 0)
			return i;
	return -1;
}

static int
add_attachment(struct req *r, struct report_input *in, const char *filename,
    const char *type, const char *data, size_t len)
{
	struct store_attachment *a;
	char *name;

	if (in->natt >= sizeof(in->att) / sizeof(in->att[0])) {
		in->too_many_files = 1;
		return 0;
	}
	if ((name = util_arena_alloc(&r->arena, 512)) == NULL)
		return -1;
	core_filename_sanitize(filename, name, 512);
	a = &in->att[in->natt];
	memset(a, 0, sizeof(*a));
	a->filename = name;
	/* The client's type is only a label: files are always served as
	 * downloads, never rendered.  Keep it only if it looks sane. */
	a->content_type = (type != NULL && strlen(type) < 128 &&
	    core_text_ok(type, strlen(type), 0) && strchr(type, '/') != NULL) ?
	    util_arena_strdup(&r->arena, type) : "application/octet-stream";
	a->data = data;
	a->size = len;
	util_sha256_hex(a->sha256, data, len);
	in->meta[in->natt].filename = name;
	in->meta[in->natt].content_type = a->content_type;
	in->meta[in->natt].size = len;
	in->natt++;
	return 0;
}

/* A file kept from an earlier submission of the form:
 * base64(name) "." base64(type) "." base64(data). */
static int
add_kept(struct req *r, struct report_input *in, const char *v, size_t len)
{
	const char *d1, *d2, *end = v + len;
	unsigned char *name, *type, *data;
	size_t nl, tl, dl;

	if ((d1 = memchr(v, '.', len)) == NULL ||
	    (d2 = memchr(d1 + 1, '.', (size_t)(end - d1 - 1))) == NULL)
		return -1;
	name = util_arena_alloc(&r->arena, (size_t)(d1 - v) + 4);
	type = util_arena_alloc(&r->arena, (size_t)(d2 - d1) + 4);
	data = util_arena_alloc(&r->arena, (size_t)(end - d2) + 4);
	if (name == NULL || type == NULL || data == NULL ||
	    util_b64_decode(name, &nl, v, (size_t)(d1 - v)) == -1 ||
	    util_b64_decode(type, &tl, d1 + 1, (size_t)(d2 - d1 - 1)) == -1 ||
	    util_b64_decode(data, &dl, d2 + 1, (size_t)(end - d2 - 1)) == -1)
		return -1;
	name[nl] = '\0';
	type[tl] = '\0';
	if (strlen((char *)name) != nl || strlen((char *)type) != tl)
		return -1;
	return add_attachment(r, in, (char *)name, (char *)type,
	    (char *)data, dl);
}

/* Fills in from a multipart or urlencoded form body.  Returns 0, or -1
 * after replying with an error. */
static int
read_form(struct req *r, struct report_input *in)
{
	const char *ct = web_header(r, "Content-Type"), *err = NULL;
	struct web_multipart_limits lim = { MAX_FORM_PARTS, 8192 };
	struct web_part *parts = NULL;
	struct web_field *fields = NULL;
	size_t n = 0, i;
	int idx;

	memset(in, 0, sizeof(*in));
	if (ct != NULL && web_media_type_is(ct, "multipart/form-data")) {
		if (web_multipart_parse(&r->arena, ct, r->body.data ?
		    r->body.data : "", r->body.len, &lim, &parts, &n,
		    &err) == -1) {
			web_reply_error(r, WE_BAD_FORM, NULL, err);
			return -1;
		}
	} else if (ct != NULL && web_media_type_is(ct,
	    "application/x-www-form-urlencoded")) {
		if (web_urlencoded_parse(&r->arena, r->body.data ?
		    r->body.data : "", r->body.len, MAX_FORM_PARTS, &fields, &n,
		    &err) == -1) {
			web_reply_error(r, WE_BAD_FORM, NULL, err);
			return -1;
		}
		if ((parts = util_arena_zalloc(&r->arena,
		    sizeof(*parts) * (n + 1))) == NULL)
			return -1;
		for (i = 0; i < n; i++) {
			parts[i].name = fields[i].name;
			parts[i].data = fields[i].value;
			parts[i].len = fields[i].value_len;
		}
	} else {
		web_reply_error(r, WE_MEDIA_TYPE, NULL,
		    "Send the form as multipart/form-data.");
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct web_part *p = &parts[i];
		if (strcmp(p->name, "attachments") == 0 && p->filename != NULL) {
			if (p->filename[0] == '\0' && p->len == 0)
				continue;	/* an empty file input */
			if (add_attachment(r, in, p->filename, p->content_type,
			    p->data, p->len) == -1)
				return -1;
			continue;
		}
		if (strcmp(p->name, "kept") == 0) {
			if (add_kept(r, in, p->data, p->len) == -1) {
				web_reply_error(r, WE_BAD_FORM, NULL,
				    "A kept file could not be read.");
				return -1;
			}
			continue;
		}
		if (strcmp(p->name, "action") == 0) {
			in->check_only = p->len == 5 &&
			    memcmp(p->data, "check", 5) == 0;
			continue;
		}
		if ((idx = field_index(p->name)) == -1 || p->filename != NULL)
			continue;	/* unknown fields are ignored */
		if (in->field[idx] != NULL) {
			web_reply_error(r, WE_DUPLICATE_FIELD, p->name, NULL);
			return -1;
		}
		if (memchr(p->data, '\0', p->len) != NULL) {
			web_reply_error(r, WE_BAD_FORM, p->name,
			    "A field contains a NUL byte.");
			return -1;
		}
		in->field[idx] = util_arena_strndup(&r->arena, p->data, p->len);
		if (in->field[idx] == NULL)
			return -1;
	}
	return 0;
}

static void
load_products(struct req *r, struct core_product_list *pl,
    struct store_product **prods, size_t *nprod)
{
	const char **names;
	size_t i;

	pl->names = NULL;
	pl->n = 0;
	*prods = NULL;
	*nprod = 0;
	if (store_products_list(r->app->store, &r->arena, prods, nprod) !=
	    STORE_OK)
		return;
	if ((names = util_arena_alloc(&r->arena, sizeof(*names) *
	    (*nprod + 1))) == NULL)
		return;
	for (i = 0; i < *nprod; i++)
		names[i] = (*prods)[i].name;
	pl->names = names;
	pl->n = *nprod;
}

static int
validate(struct req *r, struct report_input *in, struct core_report *rep,
    struct core_report_errors *errs)
{
	struct core_product_list pl;
	struct store_product *prods;
	size_t nprod;
	int i;

	for (i = 0; i < RF__MAX; i++)
		rep->field[i] = in->field[i];
	rep->attachments = in->meta;
	rep->nattachments = in->natt;
	load_products(r, &pl, &prods, &nprod);
	core_report_validate(rep, &pl, &r->app->limits, errs);
	if (in->too_many_files && errs->msg[RF_ATTACHMENTS] == NULL) {
		errs->msg[RF_ATTACHMENTS] = "Too many files are attached.";
		errs->count++;
	}
	return errs->count;
}

static const char *
base_url(struct req *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", r->app->base_url);
	return buf;
}

/* Creates the case.  Returns STORE_OK and fills out/token. */
static int
create_case(struct req *r, struct report_input *in, const char *channel,
    struct store_case_created *out, char *token)
{
	struct store_new_case nc;
	struct store_notify n;
	const char *f[RF__MAX];
	int i, tier;
	size_t nh;

	for (i = 0; i < RF__MAX; i++)
		f[i] = in->field[i] ? in->field[i] : "";
	{
		struct core_report rep;
		for (i = 0; i < RF__MAX; i++)
			rep.field[i] = in->field[i];
		rep.attachments = in->meta;
		rep.nattachments = in->natt;
		tier = (int)core_report_tier(&rep, NULL, 0, &nh);
	}
	memset(&nc, 0, sizeof(nc));
	nc.tracking_prefix = r->app->cfg->tracking_prefix;
	nc.channel = channel;
	nc.now = time(NULL);
	nc.due_at = nc.now + (time_t)r->app->cfg->sla_triage * 86400;
	nc.state = "new";
	nc.field = f;
	nc.tier = tier;
	nc.attachments = in->att;
	nc.nattachments = in->natt;
	nc.notify = web_notify(r, &n, "ack", "", NULL);
	util_token_new(token, nc.token_hash);
	return store_case_create(r->app->store, &nc, out);
}

/* ---- the HTML form ---- */

static json_t *
options_ctx(struct req *r, struct report_input *in)
{
	json_t *ctx = json_object(), *arr, *o;
	const struct core_cwe *cw;
	struct core_product_list pl;
	struct store_product *prods;
	size_t n, i, nprod;
	const char *sel;
	char val[32];
	int k;

	/* products */
	load_products(r, &pl, &prods, &nprod);
	sel = in->field[RF_PRODUCT];
	arr = json_array();
	for (i = 0; i < nprod; i++)
		json_array_append_new(arr, json_pack("{s:s,s:b}", "name",
		    prods[i].name, "selected", sel != NULL &&
		    strcmp(sel, prods[i].name) == 0));
	json_object_set_new(ctx, "products", arr);
	json_object_set_new(ctx, "product_other_selected", json_boolean(
	    sel != NULL && strcmp(sel, "other") == 0));

	/* weaknesses: the Top 25 first, then the rest */
	sel = in->field[RF_CWE];
	cw = core_cwe_list(&n);
	for (k = 0; k < 2; k++) {
		arr = json_array();
		for (i = 0; i < n; i++) {
			const struct core_cwe *e = &cw[i];
			if (k == 0) {
				/* the Top 25 in rank order */
				size_t j;
				for (j = 0; j < n; j++)
					if (core_cwe_top25_rank(cw[j].id) ==
					    (int)i + 1)
						break;
				if (j == n)
					continue;
				e = &cw[j];
			} else if (e->top25)
				continue;
			snprintf(val, sizeof(val), "CWE-%d", e->id);
			o = json_pack("{s:s,s:s,s:b}", "value", val, "label",
			    e->name, "selected", sel != NULL &&
			    strcmp(sel, val) == 0);
			json_array_append_new(arr, o);
		}
		json_object_set_new(ctx, k == 0 ? "cwe_top25" : "cwe_other",
		    arr);
	}
	json_object_set_new(ctx, "cwe_unknown_selected", json_boolean(
	    sel != NULL && strcmp(sel, "unknown") == 0));

	/* impacts */
	sel = in->field[RF_IMPACT];
	arr = json_array();
	for (k = 0; k < IMPACT__MAX; k++)
		json_array_append_new(arr, json_pack("{s:s,s:s,s:b}", "value",
		    core_report_impact_name(k), "label",
		    core_report_impact_label(k), "selected", sel != NULL &&
		    strcmp(sel, core_report_impact_name(k)) == 0));
	json_object_set_new(ctx, "impacts", arr);

	/* yes/no questions */
	for (k = 0; k < 2; k++) {
		int f = k == 0 ? RF_PUBLICLY_KNOWN : RF_EXPLOITED;
		const char *v = in->field[f];
		char key[48];
		snprintf(key, sizeof(key), "%s_yes", core_report_field_name(f));
		json_object_set_new(ctx, key, json_boolean(v != NULL &&
		    strcmp(v, "yes") == 0));
		snprintf(key, sizeof(key), "%s_no", core_report_field_name(f));
		json_object_set_new(ctx, key, json_boolean(v != NULL &&
		    strcmp(v, "no") == 0));
	}
	json_object_set_new(ctx, "credit_anonymous", json_boolean(
	    in->field[RF_CREDIT] != NULL &&
	    strcmp(in->field[RF_CREDIT], "anonymous") == 0));
	return ctx;
}

static json_t *
tier_ctx(struct report_input *in)
{
	struct core_report rep;
	const char *hints[8];
	size_t nh, i;
	enum report_tier t;
	json_t *h, *o;
	int k;

	for (k = 0; k < RF__MAX; k++)
		rep.field[k] = in->field[k];
	rep.attachments = in->meta;
	rep.nattachments = in->natt;
	t = core_report_tier(&rep, hints, 8, &nh);
	h = json_array();
	for (i = 0; i < nh; i++)
		json_array_append_new(h, json_string(hints[i]));
	o = json_pack("{s:s,s:s,s:i,s:i,s:o}", "name", core_report_tier_name(t),
	    "label", core_report_tier_label(t), "level", (int)t, "max",
	    TIER__MAX - 1, "hints", h);
	return o;
}

static int
show_form(struct req *r, unsigned status, struct report_input *in,
    const struct core_report_errors *errs, int checked)
{
	json_t *ctx, *vals, *emap, *elist, *kept, *opts;
	const char *key, *fname;
	json_t *v;
	size_t i, dl;
	int k;
	char *enc, *p;

	if ((ctx = web_page_ctx(r, "Report a vulnerability")) == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	vals = json_object();
	emap = json_object();
	elist = json_array();
	for (k = 0; k < RF__MAX; k++) {
		fname = core_report_field_name(k);
		if (in->field[k] != NULL)
			json_object_set_new(vals, fname,
			    json_string(in->field[k]));
		if (errs != NULL && errs->msg[k] != NULL) {
			json_object_set_new(emap, fname,
			    json_string(errs->msg[k]));
			json_array_append_new(elist, json_pack("{s:s,s:s,s:s}",
			    "field", fname, "label", core_report_field_label(k),
			    "message", errs->msg[k]));
		}
	}
	json_object_set_new(ctx, "v", vals);
	json_object_set_new(ctx, "err", emap);
	json_object_set_new(ctx, "errors", elist);
	json_object_set_new(ctx, "has_errors", json_boolean(
	    json_array_size(elist) > 0));
	json_object_set_new(ctx, "checked", json_boolean(checked &&
	    json_array_size(elist) == 0));
	kept = json_array();
	for (i = 0; i < in->natt; i++) {
		struct store_attachment *a = &in->att[i];
		size_t nl = strlen(a->filename), tl = strlen(a->content_type);
		dl = UTIL_B64_LEN(nl) + UTIL_B64_LEN(tl) +
		    UTIL_B64_LEN(a->size) + 4;
		if ((enc = util_arena_alloc(&r->arena, dl)) == NULL)
			break;
		p = enc;
		p += util_b64_encode(p, (const unsigned char *)a->filename, nl);
		*p++ = '.';
		p += util_b64_encode(p, (const unsigned char *)a->content_type,
		    tl);
		*p++ = '.';
		util_b64_encode(p, a->data, a->size);
		json_array_append_new(kept, json_pack("{s:s,s:s,s:I}", "value",
		    enc, "name", a->filename, "size", (json_int_t)a->size));
	}
	json_object_set_new(ctx, "kept", kept);
	json_object_set_new(ctx, "tier", tier_ctx(in));
	opts = options_ctx(r, in);
	json_object_foreach(opts, key, v)
		json_object_set(ctx, key, v);
	json_decref(opts);
	json_object_set_new(ctx, "max_attachment_mib", json_integer(
	    (json_int_t)(r->app->cfg->max_attachment / (1024 * 1024))));
	json_object_set_new(ctx, "max_attachments",
	    json_integer(r->app->cfg->max_attachments));
	if (r->form_action != NULL) {
		json_object_set_new(ctx, "form_action",
		    json_string(r->form_action));
		json_object_set_new(ctx, "form_csrf",
		    json_string(r->form_csrf));
		json_object_set_new(ctx, "completing",
		    json_string(r->form_completing));
	}
	return web_reply_page(r, status, "report", ctx);
}

/* The report form for completing an existing case (tracking page): the
 * case's fields pre-filled, posting to `action` with a CSRF token. */
int
web_report_complete_form(struct req *r, unsigned status,
    const char *const *fields, const struct core_report_errors *errs,
    const char *action, const char *csrf, const char *tracking_id)
{
	struct report_input *in;
	int k;

	if ((in = util_arena_zalloc(&r->arena, sizeof(*in))) == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	for (k = 0; k < RF__MAX; k++)
		in->field[k] = fields[k] && *fields[k] ? fields[k] : NULL;
	r->form_action = action;
	r->form_csrf = csrf;
	r->form_completing = tracking_id;
	return show_form(r, status, in, errs, 0);
}

/* Reads the form of a completed report: fields into out (arena strings,
 * NULL when absent), attachments ignored; validates it.  Returns the
 * number of invalid fields, or -1 after replying with an error. */
int
web_report_read_complete(struct req *r, const char **out,
    struct core_report_errors *errs)
{
	struct report_input *in;
	struct core_report rep;
	int k;

	if ((in = util_arena_alloc(&r->arena, sizeof(*in))) == NULL) {
		web_reply_error(r, WE_INTERNAL, NULL, NULL);
		return -1;
	}
	if (read_form(r, in) == -1) {
		if (!r->responded)
			web_reply_error(r, WE_INTERNAL, NULL, NULL);
		return -1;
	}
	in->natt = 0;
	for (k = 0; k < RF__MAX; k++)
		out[k] = in->field[k];
	return validate(r, in, &rep, errs);
}

int
web_h_report_form(struct req *r)
{
	struct report_input *in;

	if ((in = util_arena_zalloc(&r->arena, sizeof(*in))) == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	return show_form(r, 200, in, NULL, 0);
}

int
web_h_report_post(struct req *r)
{
	struct report_input *in;
	struct core_report rep;
	struct core_report_errors errs;
	struct store_case_created out;
	char token[UTIL_TOKEN_CHARS + 1], base[300];
	json_t *ctx;

	if ((in = util_arena_alloc(&r->arena, sizeof(*in))) == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	if (read_form(r, in) == -1)
		return r->responded ? WEB_DONE : web_reply_error(r,
		    WE_INTERNAL, NULL, NULL);
	if (validate(r, in, &rep, &errs) > 0)
		return show_form(r, in->check_only ? 200 : 422, in, &errs,
		    in->check_only);
	if (in->check_only)
		return show_form(r, 200, in, &errs, 1);
	if (create_case(r, in, "web", &out, token) != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	log_info("case %s created (web, %zu attachments)", out.tracking_id,
	    in->natt);
	ctx = web_page_ctx(r, "Report received");
	json_object_set_new(ctx, "tracking_id", json_string(out.tracking_id));
	json_object_set_new(ctx, "track_url", json_string(util_arena_printf(
	    &r->arena, "%s/track/%s", base_url(r, base, sizeof(base)),
	    token)));
	json_object_set_new(ctx, "email",
	    json_string(in->field[RF_REPORTER_EMAIL]));
	return web_reply_page(r, 201, "report_done", ctx);
}

/* ---- the JSON API ---- */

static const char *
json_str(struct req *r, json_t *o, const char *key, int *bad)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_string(v)) {
		if (strlen(json_string_value(v)) != json_string_length(v)) {
			*bad = 1;	/* embedded NUL */
			return NULL;
		}
		return util_arena_strdup(&r->arena, json_string_value(v));
	}
	*bad = 1;
	return NULL;
}

/* Fills in from a JSON body.  Returns 0, or -1 after replying. */
static int
read_json(struct req *r, struct report_input *in)
{
	const char *ct = web_header(r, "Content-Type"), *s;
	json_error_t jerr;
	json_t *root, *rep, *v, *a;
	struct core_product_list pl;
	struct store_product *prods;
	size_t i, nprod;
	int bad = 0, k;
	static const char *const top[] = { "product", "versions", "cwe",
	    "impact", "title", "description", "steps", "poc", "root_cause",
	    "disclosure_plans", "disclosure_date", "cvss_vector" };
	static const int topf[] = { RF_PRODUCT, RF_VERSIONS, RF_CWE, RF_IMPACT,
	    RF_TITLE, RF_DESCRIPTION, RF_STEPS, RF_POC, RF_ROOT_CAUSE,
	    RF_DISCLOSURE_PLANS, RF_DISCLOSURE_DATE, RF_CVSS_VECTOR };

	memset(in, 0, sizeof(*in));
	if (ct == NULL || !web_media_type_is(ct, "application/json")) {
		web_reply_error(r, WE_MEDIA_TYPE, NULL,
		    "Send the report as application/json.");
		return -1;
	}
	root = json_loadb(r->body.data ? r->body.data : "", r->body.len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		web_reply_error(r, WE_BAD_JSON, NULL, root ? "The body must "
		    "be a JSON object." : util_arena_printf(&r->arena,
		    "The request body is not valid JSON: %s (line %d).",
		    jerr.text, jerr.line));
		return -1;
	}
	rep = json_object_get(root, "reporter");
	if (rep != NULL && !json_is_object(rep)) {
		json_decref(root);
		web_reply_error(r, WE_BAD_JSON, "reporter",
		    "reporter must be an object.");
		return -1;
	}
	if (rep != NULL) {
		in->field[RF_REPORTER_NAME] = json_str(r, rep, "name", &bad);
		in->field[RF_REPORTER_EMAIL] = json_str(r, rep, "email", &bad);
		in->field[RF_PGP_KEY] = json_str(r, rep, "pgp_key", &bad);
		in->field[RF_CREDIT] = json_str(r, rep, "credit", &bad);
	}
	for (k = 0; k < (int)(sizeof(top) / sizeof(top[0])); k++) {
		v = json_object_get(root, top[k]);
		if (topf[k] == RF_VERSIONS && json_is_array(v)) {
			struct buf b;
			util_buf_init(&b, 4096);
			json_array_foreach(v, i, a) {
				if (!json_is_string(a)) {
					bad = 1;
					break;
				}
				if (i > 0)
					util_buf_puts(&b, ", ");
				util_buf_puts(&b, json_string_value(a));
			}
			in->field[RF_VERSIONS] = b.data ? util_arena_strdup(
			    &r->arena, b.data) : NULL;
			util_buf_release(&b);
			continue;
		}
		in->field[topf[k]] = json_str(r, root, top[k], &bad);
		if (bad) {
			json_decref(root);
			web_reply_error(r, WE_BAD_JSON, top[k], util_arena_printf(
			    &r->arena, "%s must be a string.", top[k]));
			return -1;
		}
	}
	for (k = 0; k < 2; k++) {
		const char *key = k == 0 ? "publicly_known" : "exploited";
		v = json_object_get(root, key);
		if (v == NULL || json_is_null(v))
			continue;
		if (!json_is_boolean(v)) {
			json_decref(root);
			web_reply_error(r, WE_BAD_JSON, key, util_arena_printf(
			    &r->arena, "%s must be true or false.", key));
			return -1;
		}
		in->field[k == 0 ? RF_PUBLICLY_KNOWN : RF_EXPLOITED] =
		    json_is_true(v) ? "yes" : "no";
	}
	if (bad) {
		json_decref(root);
		web_reply_error(r, WE_BAD_JSON, "reporter",
		    "reporter fields must be strings.");
		return -1;
	}
	/* A product the list does not know is reported as "other". */
	if ((s = in->field[RF_PRODUCT]) != NULL && *s != '\0' &&
	    strcmp(s, "other") != 0) {
		load_products(r, &pl, &prods, &nprod);
		for (i = 0; i < pl.n; i++)
			if (strcasecmp(pl.names[i], s) == 0)
				break;
		if (i == pl.n) {
			in->field[RF_PRODUCT_OTHER] = s;
			in->field[RF_PRODUCT] = "other";
		} else
			in->field[RF_PRODUCT] = pl.names[i];
	}
	v = json_object_get(root, "attachments");
	if (v != NULL && !json_is_array(v)) {
		json_decref(root);
		web_reply_error(r, WE_BAD_JSON, "attachments",
		    "attachments must be an array.");
		return -1;
	}
	json_array_foreach(v, i, a) {
		const char *fn, *ty, *d;
		unsigned char *data;
		size_t dl, len;
		fn = json_string_value(json_object_get(a, "filename"));
		ty = json_string_value(json_object_get(a, "content_type"));
		d = json_string_value(json_object_get(a, "data_base64"));
		if (!json_is_object(a) || fn == NULL || d == NULL) {
			json_decref(root);
			web_reply_error(r, WE_BAD_JSON, "attachments",
			    "Each attachment needs filename and data_base64.");
			return -1;
		}
		len = strlen(d);
		if (len / 4 * 3 > r->app->cfg->max_attachment + 3) {
			json_decref(root);
			web_reply_error(r, WE_TOO_LARGE, "attachments",
			    "An attachment is larger than allowed.");
			return -1;
		}
		if ((data = util_arena_alloc(&r->arena, len / 4 * 3 + 4)) ==
		    NULL || util_b64_decode(data, &dl, d, len) == -1) {
			json_decref(root);
			web_reply_error(r, WE_BAD_JSON, "attachments",
			    "data_base64 is not valid base64.");
			return -1;
		}
		if (add_attachment(r, in, fn, ty, (char *)data, dl) == -1) {
			json_decref(root);
			return -1;
		}
	}
	json_decref(root);
	return 0;
}

static json_t *
errors_json(const struct core_report_errors *errs)
{
	json_t *arr = json_array();
	int k;

	for (k = 0; k < RF__MAX; k++)
		if (errs->msg[k] != NULL)
			json_array_append_new(arr, json_pack("{s:s,s:s}",
			    "field", core_report_field_name(k), "message",
			    errs->msg[k]));
	return arr;
}

int
web_h_api_report_post(struct req *r)
{
	const struct web_error_info *ei = web_error(WE_VALIDATION);
	struct report_input *in;
	struct core_report rep;
	struct core_report_errors errs;
	struct store_case_created out;
	char token[UTIL_TOKEN_CHARS + 1], base[300];
	int k;

	if ((in = util_arena_alloc(&r->arena, sizeof(*in))) == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	if (read_json(r, in) == -1)
		return r->responded ? WEB_DONE : web_reply_error(r,
		    WE_INTERNAL, NULL, NULL);
	if (validate(r, in, &rep, &errs) > 0) {
		for (k = 0; k < RF__MAX && errs.msg[k] == NULL; k++)
			;
		return web_reply_json(r, ei->status, json_pack(
		    "{s:{s:s,s:i,s:s,s:s,s:o}}", "error", "code", ei->code,
		    "number", ei->number, "message", errs.msg[k], "field",
		    core_report_field_name(k), "errors", errors_json(&errs)));
	}
	if (create_case(r, in, "api", &out, token) != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	log_info("case %s created (api, %zu attachments)", out.tracking_id,
	    in->natt);
	return web_reply_json(r, 201, json_pack("{s:I,s:s,s:s,s:s}", "id",
	    (json_int_t)out.id, "tracking_id", out.tracking_id, "track_url",
	    util_arena_printf(&r->arena, "%s/track/%s",
	    base_url(r, base, sizeof(base)), token), "state", "new"));
}

int
web_h_api_report_assess(struct req *r)
{
	struct report_input *in;
	struct core_report rep;
	struct core_report_errors errs;
	json_t *t;

	if ((in = util_arena_alloc(&r->arena, sizeof(*in))) == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	if (read_json(r, in) == -1)
		return r->responded ? WEB_DONE : web_reply_error(r,
		    WE_INTERNAL, NULL, NULL);
	validate(r, in, &rep, &errs);
	t = tier_ctx(in);
	json_object_set_new(t, "errors", errors_json(&errs));
	return web_reply_json(r, 200, t);
}
