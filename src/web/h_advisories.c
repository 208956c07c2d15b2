/* web/h_advisories.c - the public publishing side: published advisories
 * as HTML pages and CSAF 2.0 documents, the CSAF provider directory
 * (STANDARDS.md §1.7), security.txt (RFC 9116), the Atom feed of
 * advisories (RFC 4287), the release calendar as iCalendar (RFC 5545),
 * the acknowledgements page and the advisory mailing list (double
 * opt-in).
 *
 * Only published advisories (an advisory ID and revision 1 or later) are
 * ever shown; a draft is a 404 like an unknown ID.  The CSAF text of an
 * advisory is made once per request by publish_csaf() + publish_dumps();
 * the generator is deterministic, so /advisories/<ID>.json, the provider
 * path /.well-known/csaf/white/<year>/<file>.json and the hash in
 * <file>.json.sha256 always agree byte for byte.
 *
 * Feeds are written by hand: XML text goes through xml_escape() (the five
 * special characters, and anything XML 1.0 cannot carry replaced), and
 * iCalendar TEXT through ics_text() with lines folded at 75 octets
 * without splitting a UTF-8 sequence.
 *
 * Subscribing never tells whether an address was already subscribed, and
 * a confirmation or unsubscribe link answers the same page whether or not
 * its token exists.  The token is kept in plain text (subscribers.token):
 * it only manages a subscription, and the unsubscribe link of every
 * advisory mail must be made from it. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/calendar.h"
#include "core/report.h"
#include "publish/advisory.h"
#include "publish/build.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/log.h"
#include "publish/calendar_load.h"
#include "parse.h"
#include "web.h"

#define ICS_WINDOWS	12	/* calendar windows in releases.ics */
#define MAX_PRODUCTS_SELECTED	64

/* ------------------------------------------------------------------ */
/* Advisories: loading and the CSAF text                                */

struct item {
	const struct store_advisory	*s;
	struct publish_advisory		 pa;
	const char			*initial;	/* RFC 3339 */
	const char			*current;
	char				 path[600];	/* white/2026/x.json */
};

/* A published advisory's model.  0, or -1 (logged). */
static int
item_build(struct req *r, const struct store_advisory *s, struct item *it)
{
	char err[256];

	memset(it, 0, sizeof(*it));
	it->s = s;
	if (s->advisory_id == NULL || s->advisory_id[0] == '\0' ||
	    s->revision < 1)
		return -1;
	if (publish_build(r->app->store, r->app->cfg, s, &r->arena, &it->pa,
	    err, sizeof(err)) == -1) {
		log_err("advisory %s: %s", s->advisory_id, err);
		return -1;
	}
	if (it->pa.nrevisions == 0) {
		log_err("advisory %s has no revisions", s->advisory_id);
		return -1;
	}
	it->initial = it->pa.revisions[0].date;
	it->current = it->pa.revisions[it->pa.nrevisions - 1].date;
	if (publish_csaf_path(s->advisory_id, it->initial, it->path,
	    sizeof(it->path)) == -1) {
		log_err("advisory %s: no CSAF file name", s->advisory_id);
		return -1;
	}
	return 0;
}

/* Every published advisory that builds, newest first.  0, or -1 on a
 * store error. */
static int
items_load(struct req *r, struct item **out, size_t *nout)
{
	struct store_advisory *a = NULL;
	struct item *v;
	size_t n = 0, i, k = 0;

	*out = NULL;
	*nout = 0;
	if (store_advisories(r->app->store, &r->arena, &a, &n) == STORE_ERR)
		return -1;
	if (n == 0)
		return 0;
	if ((v = util_arena_zalloc(&r->arena, n * sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (item_build(r, &a[i], &v[k]) == 0)
			k++;
	*out = v;
	*nout = k;
	return 0;
}

/* The CSAF document as served: an arena copy of publish_dumps().  0, or
 * -1 (logged). */
static int
csaf_text(struct req *r, const struct item *it, const char **text,
    size_t *len)
{
	json_t *doc;
	char err[512], *s;

	if ((doc = publish_csaf(&it->pa, err, sizeof(err))) == NULL) {
		log_err("advisory %s: no CSAF document: %s", it->pa.id, err);
		return -1;
	}
	s = publish_dumps(doc);
	json_decref(doc);
	if (s == NULL)
		return -1;
	*len = strlen(s);
	*text = util_arena_strndup(&r->arena, s, *len);
	free(s);
	return *text == NULL ? -1 : 0;
}

/* "https://host:port" of a URL (its scheme and authority). */
static const char *
origin_of(struct req *r, const char *url)
{
	const char *p = strstr(url, "://");

	if (p == NULL)
		return url;
	p += 3;
	p += strcspn(p, "/?#");
	return util_arena_strndup(&r->arena, url, (size_t)(p - url));
}

/* The host (authority) of base_url, for iCalendar UIDs. */
static const char *
host_of(struct req *r)
{
	const char *p = strstr(r->app->base_url, "://");

	p = p != NULL ? p + 3 : r->app->base_url;
	return util_arena_strndup(&r->arena, p, strcspn(p, "/?#"));
}

/* A configuration value fit for one line: up to the first CR or LF. */
static const char *
one_line(struct req *r, const char *s)
{
	const char *o = util_arena_strndup(&r->arena, s, strcspn(s, "\r\n"));

	return o != NULL ? o : "";
}

/* "High" for "HIGH". */
static const char *
severity_label(struct req *r, const struct publish_advisory *pa)
{
	const char *s;
	char *o;
	size_t i;

	if (pa->cvss_vector == NULL)
		return NULL;
	s = pa->cvss_severity != NULL ? pa->cvss_severity :
	    publish_severity(pa->cvss_score);
	if (s == NULL || (o = util_arena_strdup(&r->arena, s)) == NULL)
		return NULL;
	for (i = 1; o[i] != '\0'; i++)
		o[i] = (char)tolower((unsigned char)o[i]);
	return o;
}

/* "high" for "High" (CSS class). */
static const char *
lower(struct req *r, const char *s)
{
	char *o;
	size_t i;

	if (s == NULL || (o = util_arena_strdup(&r->arena, s)) == NULL)
		return NULL;
	for (i = 0; o[i] != '\0'; i++)
		o[i] = (char)tolower((unsigned char)o[i]);
	return o;
}

/* "2026-12-08 18:00 UTC" of an RFC 3339 date. */
static const char *
show_date(struct req *r, const char *rfc3339)
{
	long long t;

	if (publish_rfc3339(rfc3339, &t, NULL) == -1)
		return rfc3339;
	return web_fmt_time(r, (int64_t)t);
}

static json_t *
str_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? json_string(s) : json_null();
}

static const char *
md_or_null(struct req *r, const char *md)
{
	return md != NULL && *md != '\0' ? web_markdown_html(r, md) : NULL;
}

/* ------------------------------------------------------------------ */
/* HTML pages                                                           */

static json_t *
item_summary_json(struct req *r, const struct item *it)
{
	const char *enc = web_url_encode(r, it->pa.id);
	json_t *o;

	o = json_object();
	json_object_set_new(o, "id", json_string(it->pa.id));
	json_object_set_new(o, "title", json_string(it->pa.title));
	json_object_set_new(o, "severity", str_or_null(severity_label(r,
	    &it->pa)));
	json_object_set_new(o, "sev_class", str_or_null(lower(r,
	    severity_label(r, &it->pa))));
	json_object_set_new(o, "cve", str_or_null(it->pa.cve));
	json_object_set_new(o, "published", json_string(show_date(r,
	    it->initial)));
	json_object_set_new(o, "updated", json_string(show_date(r,
	    it->current)));
	json_object_set_new(o, "revised", json_boolean(
	    it->pa.nrevisions > 1));
	json_object_set_new(o, "href", json_string(util_arena_printf(
	    &r->arena, "/advisories/%s", enc)));
	json_object_set_new(o, "json_href", json_string(util_arena_printf(
	    &r->arena, "/advisories/%s.json", enc)));
	return o;
}

int
web_h_advisories_index(struct req *r)
{
	struct item *v;
	size_t n, i;
	json_t *ctx, *arr;

	if (items_load(r, &v, &n) == -1)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	ctx = web_page_ctx(r, "Security advisories");
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, item_summary_json(r, &v[i]));
	json_object_set_new(ctx, "advisories", arr);
	json_object_set_new(ctx, "count", json_integer((json_int_t)n));
	json_object_set_new(ctx, "has_advisories", json_boolean(n > 0));
	return web_reply_page(r, 200, "advisories", ctx);
}

static json_t *
versions_json(const char *const *v, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_string(v[i]));
	return arr;
}

static const char *
restart_label(int v)
{
	switch (v) {
	case PUBLISH_RESTART_NONE:
		return "No";
	case PUBLISH_RESTART_SERVICE:
		return "Yes: the affected service must be restarted";
	case PUBLISH_RESTART_MACHINE:
		return "Yes: the machine must be restarted";
	default:
		return NULL;
	}
}

static int
advisory_html(struct req *r, const struct item *it)
{
	const struct publish_advisory *pa = &it->pa;
	const char *enc = web_url_encode(r, pa->id);
	json_t *ctx, *prods, *revs, *p;
	size_t i;

	ctx = web_page_ctx(r, util_arena_printf(&r->arena, "%s: %s", pa->id,
	    pa->title));
	if (ctx == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	json_object_set_new(ctx, "id", json_string(pa->id));
	json_object_set_new(ctx, "adv_title", json_string(pa->title));
	json_object_set_new(ctx, "cve", str_or_null(pa->cve));
	json_object_set_new(ctx, "severity", str_or_null(severity_label(r,
	    pa)));
	json_object_set_new(ctx, "sev_class", str_or_null(lower(r,
	    severity_label(r, pa))));
	if (pa->cvss_vector != NULL) {
		json_object_set_new(ctx, "cvss_vector",
		    json_string(pa->cvss_vector));
		json_object_set_new(ctx, "cvss_score", json_string(
		    util_arena_printf(&r->arena, "%.1f", pa->cvss_score)));
	}
	json_object_set_new(ctx, "cwe_id", str_or_null(pa->cwe_id));
	json_object_set_new(ctx, "cwe_name", str_or_null(pa->cwe_name));
	json_object_set_new(ctx, "summary_html", str_or_null(md_or_null(r,
	    pa->summary)));
	json_object_set_new(ctx, "workarounds_html", str_or_null(md_or_null(r,
	    pa->workarounds)));
	json_object_set_new(ctx, "mitigations_html", str_or_null(md_or_null(r,
	    pa->mitigations)));
	json_object_set_new(ctx, "known_issues_html", str_or_null(md_or_null(
	    r, pa->known_issues)));
	json_object_set_new(ctx, "restart", str_or_null(restart_label(
	    pa->restart_required)));
	json_object_set_new(ctx, "acknowledgment",
	    str_or_null(pa->acknowledgment));
	json_object_set_new(ctx, "revised", json_boolean(pa->nrevisions > 1));
	json_object_set_new(ctx, "published", json_string(show_date(r,
	    it->initial)));
	json_object_set_new(ctx, "updated", json_string(show_date(r,
	    it->current)));
	json_object_set_new(ctx, "json_href", json_string(util_arena_printf(
	    &r->arena, "/advisories/%s.json", enc)));
	json_object_set_new(ctx, "csaf_href", json_string(util_arena_printf(
	    &r->arena, "/.well-known/csaf/%s", it->path)));
	prods = json_array();
	for (i = 0; i < pa->nproducts; i++) {
		const struct publish_product *pp = &pa->products[i];

		p = json_object();
		json_object_set_new(p, "name", json_string(pp->name));
		json_object_set_new(p, "vendor", json_string(pp->vendor));
		json_object_set_new(p, "affected", versions_json(pp->affected,
		    pp->naffected));
		json_object_set_new(p, "fixed", versions_json(pp->fixed,
		    pp->nfixed));
		json_object_set_new(p, "no_fix", json_boolean(
		    pp->nfixed == 0));
		json_array_append_new(prods, p);
	}
	json_object_set_new(ctx, "products", prods);
	revs = json_array();
	for (i = 0; i < pa->nrevisions; i++)
		json_array_append_new(revs, json_pack("{s:i,s:s,s:s}",
		    "number", pa->revisions[i].number,
		    "date", show_date(r, pa->revisions[i].date),
		    "summary", pa->revisions[i].summary ?
		    pa->revisions[i].summary : ""));
	json_object_set_new(ctx, "revisions", revs);
	return web_reply_page(r, 200, "advisory", ctx);
}

/* GET /advisories/<ID> and /advisories/<ID>.json */
int
web_h_advisory_page(struct req *r)
{
	struct store_advisory a;
	struct item it;
	const char *id = r->param[0], *text;
	size_t n = strlen(id), len;
	int json = 0, rc;

	if (n > 5 && strcmp(id + n - 5, ".json") == 0) {
		json = 1;
		id = util_arena_strndup(&r->arena, id, n - 5);
		if (id == NULL)
			return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	}
	rc = store_advisory_get(r->app->store, id, &r->arena, &a);
	if (rc == STORE_ERR || rc == STORE_RETRY)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	/* Drafts have no advisory ID; a published one has revision >= 1. */
	if (rc != STORE_OK || a.advisory_id == NULL ||
	    strcmp(a.advisory_id, id) != 0 || a.revision < 1 ||
	    a.published_at == 0)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (item_build(r, &a, &it) == -1)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	if (!json)
		return advisory_html(r, &it);
	if (csaf_text(r, &it, &text, &len) == -1)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	return web_reply(r, 200, "application/json", text, len);
}

struct credit {
	const char	*name;
	json_t		*advisories;
};

static int
cmp_credit(const void *x, const void *y)
{
	const struct credit *a = x, *b = y;

	return strcasecmp(a->name, b->name);
}

int
web_h_acknowledgements(struct req *r)
{
	struct item *v;
	struct credit *c;
	size_t n, i, k, nc = 0;
	json_t *ctx, *arr;

	if (items_load(r, &v, &n) == -1)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	if ((c = util_arena_zalloc(&r->arena, (n + 1) * sizeof(*c))) == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	for (i = 0; i < n; i++) {
		const char *who = v[i].pa.acknowledgment;

		if (who == NULL || *who == '\0')
			continue;
		for (k = 0; k < nc; k++)
			if (strcmp(c[k].name, who) == 0)
				break;
		if (k == nc) {
			c[nc].name = who;
			c[nc].advisories = json_array();
			nc++;
		}
		json_array_append_new(c[k].advisories, json_pack(
		    "{s:s,s:s,s:s}", "id", v[i].pa.id, "title", v[i].pa.title,
		    "href", util_arena_printf(&r->arena, "/advisories/%s",
		    web_url_encode(r, v[i].pa.id))));
	}
	qsort(c, nc, sizeof(*c), cmp_credit);
	ctx = web_page_ctx(r, "Acknowledgements");
	arr = json_array();
	for (k = 0; k < nc; k++)
		json_array_append_new(arr, json_pack("{s:s,s:o}", "name",
		    c[k].name, "advisories", c[k].advisories));
	json_object_set_new(ctx, "credits", arr);
	return web_reply_page(r, 200, "acknowledgements", ctx);
}

/* ------------------------------------------------------------------ */
/* security.txt and the CSAF provider directory                         */

int
web_h_security_txt(struct req *r)
{
	const struct config *cfg = r->app->cfg;
	const char *base = r->app->base_url;
	struct buf b;
	char exp[32];

	util_buf_init(&b, 64 * 1024);
	publish_format_utc((long long)time(NULL) +
	    (long long)cfg->sec_expires_days * 86400, exp, sizeof(exp));
	util_buf_printf(&b, "# Security contact of %s (RFC 9116).\n",
	    one_line(r, cfg->team_name));
	if (cfg->policy_contact[0] != '\0')
		util_buf_printf(&b, "Contact: %s\n",
		    one_line(r, cfg->policy_contact));
	else if (cfg->mail_address[0] != '\0')
		util_buf_printf(&b, "Contact: mailto:%s\n",
		    one_line(r, cfg->mail_address));
	else
		util_buf_printf(&b, "Contact: %s/report\n", base);
	util_buf_printf(&b, "Expires: %s\n", exp);
	if (cfg->sec_encryption[0] != '\0')
		util_buf_printf(&b, "Encryption: %s\n",
		    one_line(r, cfg->sec_encryption));
	util_buf_printf(&b, "Acknowledgments: %s/acknowledgements\n", base);
	if (cfg->sec_languages[0] != '\0')
		util_buf_printf(&b, "Preferred-Languages: %s\n",
		    one_line(r, cfg->sec_languages));
	util_buf_printf(&b, "Canonical: %s/.well-known/security.txt\n", base);
	if (cfg->sec_policy[0] != '\0')
		util_buf_printf(&b, "Policy: %s\n", one_line(r,
		    cfg->sec_policy));
	else
		util_buf_printf(&b, "Policy: %s/\n", base);
	util_buf_printf(&b, "CSAF: %s/.well-known/csaf/provider-metadata.json"
	    "\n", base);
	return web_reply_buf(r, 200, "text/plain; charset=utf-8", &b);
}

/* CSAF §7.1.7: provider-metadata.json (role csaf_provider: a folder per
 * year, index.txt, changes.csv; TLP:WHITE only). */
int
web_h_csaf_provider(struct req *r)
{
	const struct config *cfg = r->app->cfg;
	const char *base = r->app->base_url, *latest = NULL, *ns;
	struct item *v;
	size_t n, i, len;
	json_t *doc;
	char now[32], *s, *nsc;
	long long t, tl = 0;
	int ret;

	if (items_load(r, &v, &n) == -1)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	for (i = 0; i < n; i++)
		if (publish_rfc3339(v[i].current, &t, NULL) == 0 &&
		    (latest == NULL || t > tl)) {
			latest = v[i].current;
			tl = t;
		}
	if (latest == NULL) {
		publish_format_utc((long long)time(NULL), now, sizeof(now));
		latest = now;
	}
	ns = cfg->publisher_namespace;
	if ((nsc = util_arena_strdup(&r->arena, ns)) == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	for (len = strlen(nsc); len > 0 && nsc[len - 1] == '/'; len--)
		nsc[len - 1] = '\0';
	doc = json_pack("{s:s,s:[{s:s}],s:s,s:b,s:s,s:b,s:{s:s,s:s,s:s},"
	    "s:s}",
	    "canonical_url", util_arena_printf(&r->arena,
	    "%s/.well-known/csaf/provider-metadata.json", base),
	    "distributions", "directory_url", util_arena_printf(&r->arena,
	    "%s/.well-known/csaf/white/", base),
	    "last_updated", latest,
	    "list_on_CSAF_aggregators", 0,
	    "metadata_version", "2.0",
	    "mirror_on_CSAF_aggregators", 0,
	    "publisher", "category", "vendor",
	    "name", cfg->publisher_name[0] != '\0' ? cfg->publisher_name :
	    cfg->team_name, "namespace", nsc,
	    "role", "csaf_provider");
	if (doc == NULL || (s = publish_dumps(doc)) == NULL) {
		json_decref(doc);
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	}
	json_decref(doc);
	ret = web_reply(r, 200, "application/json", s, strlen(s));
	free(s);
	return ret;
}

/* "2026/x.json" of "white/2026/x.json". */
static const char *
rel_path(const struct item *it)
{
	return it->path + strlen("white/");
}

int
web_h_csaf_index(struct req *r)
{
	struct item *v;
	struct buf b;
	size_t n, i;

	if (items_load(r, &v, &n) == -1)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	util_buf_init(&b, 16u * 1024 * 1024);
	for (i = 0; i < n; i++)
		util_buf_printf(&b, "%s\n", rel_path(&v[i]));
	return web_reply_buf(r, 200, "text/plain; charset=utf-8", &b);
}

/*
 * Directory listings of the CSAF distribution (CSAF 2.0 §7.1.14): the
 * year folders under white/, and the documents of a year.  Names are
 * [0-9] years and [+-a-z0-9_] file names, so they need no escaping, but
 * go through the HTML escaper all the same.
 */
static int
listing(struct req *r, const char *year)
{
	struct item *v;
	struct buf b;
	size_t n, i, j, yl = year ? strlen(year) : 0;
	const char *p, *slash;
	int dup;

	if (items_load(r, &v, &n) == -1)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	util_buf_init(&b, 4u * 1024 * 1024);
	util_buf_puts(&b, "<!doctype html>\n<html lang=\"en\"><head><meta "
	    "charset=\"utf-8\"><title>CSAF</title></head><body><ul>\n");
	for (i = 0; i < n; i++) {
		p = rel_path(&v[i]);		/* 2026/x.json */
		if ((slash = strchr(p, '/')) == NULL)
			continue;
		if (year == NULL) {
			for (dup = 0, j = 0; j < i && !dup; j++)
				dup = strncmp(rel_path(&v[j]), p,
				    (size_t)(slash - p) + 1) == 0;
			if (dup)
				continue;
			util_buf_puts(&b, "<li><a href=\"");
			util_buf_html_escape(&b, p, (size_t)(slash - p));
			util_buf_puts(&b, "/\">");
			util_buf_html_escape(&b, p, (size_t)(slash - p));
			util_buf_puts(&b, "/</a></li>\n");
			continue;
		}
		if ((size_t)(slash - p) != yl || strncmp(p, year, yl) != 0)
			continue;
		for (j = 0; j < 2; j++) {
			util_buf_puts(&b, "<li><a href=\"");
			util_buf_html_escape(&b, slash + 1, strlen(slash + 1));
			util_buf_puts(&b, j ? ".sha256\">" : "\">");
			util_buf_html_escape(&b, slash + 1, strlen(slash + 1));
			util_buf_puts(&b, j ? ".sha256</a></li>\n" :
			    "</a></li>\n");
		}
	}
	util_buf_puts(&b, "</ul></body></html>\n");
	return web_reply_buf(r, 200, "text/html; charset=utf-8", &b);
}

int
web_h_csaf_dir(struct req *r)
{
	return listing(r, NULL);
}

int
web_h_csaf_year_dir(struct req *r)
{
	const char *y = r->param[0];
	size_t i;

	for (i = 0; y[i] != '\0'; i++)
		if (y[i] < '0' || y[i] > '9' || i >= 4)
			return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (i != 4)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	return listing(r, y);
}

static int
cmp_current_desc(const void *x, const void *y)
{
	const struct item *a = x, *b = y;
	long long ta = 0, tb = 0;

	publish_rfc3339(a->current, &ta, NULL);
	publish_rfc3339(b->current, &tb, NULL);
	if (ta != tb)
		return ta < tb ? 1 : -1;
	return strcmp(b->path, a->path);
}

int
web_h_csaf_changes(struct req *r)
{
	struct item *v;
	struct buf b;
	size_t n, i;

	if (items_load(r, &v, &n) == -1)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	if (n > 0)
		qsort(v, n, sizeof(*v), cmp_current_desc);
	util_buf_init(&b, 16u * 1024 * 1024);
	/* Paths and dates hold no '"' (file names are [+-a-z0-9_]). */
	for (i = 0; i < n; i++)
		util_buf_printf(&b, "\"%s\",\"%s\"\n", rel_path(&v[i]),
		    v[i].current);
	return web_reply_buf(r, 200, "text/csv; charset=utf-8", &b);
}

/* GET /.well-known/csaf/white/<year>/<file>.json[.sha256] */
int
web_h_csaf_file(struct req *r)
{
	struct item *v;
	const char *year = r->param[0], *file = r->param[1], *text;
	char want[600], hex[65];
	size_t n, i, len, fl = strlen(file);
	int sha = 0;

	if (fl > 7 && strcmp(file + fl - 7, ".sha256") == 0) {
		sha = 1;
		fl -= 7;
	}
	if (fl <= 5 || strncmp(file + fl - 5, ".json", 5) != 0 ||
	    snprintf(want, sizeof(want), "white/%s/%.*s", year, (int)fl,
	    file) >= (int)sizeof(want))
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (items_load(r, &v, &n) == -1)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	for (i = 0; i < n; i++)
		if (strcmp(v[i].path, want) == 0)
			break;
	if (i == n)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (csaf_text(r, &v[i], &text, &len) == -1)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	if (!sha)
		return web_reply(r, 200, "application/json", text, len);
	util_sha256_hex(hex, text, len);
	text = util_arena_printf(&r->arena, "%s  %s\n", hex,
	    strrchr(v[i].path, '/') + 1);
	if (text == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	return web_reply(r, 200, "text/plain; charset=utf-8", text,
	    strlen(text));
}

/* ------------------------------------------------------------------ */
/* Atom                                                                 */

/* Length of the valid UTF-8 sequence at s (1..4), or 0. */
static size_t
utf8_len(const unsigned char *s, unsigned *cp)
{
	unsigned c = s[0], v;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 ||
	    v > 0x10ffff)) || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/* XML character data or attribute value: & < > " ' escaped; characters
 * XML 1.0 does not allow (controls other than tab, LF and CR, U+FFFE,
 * U+FFFF) and invalid UTF-8 become U+FFFD; CR becomes LF. */
static void
xml_escape(struct buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned cp;
	size_t n;

	while (s != NULL && *s != '\0') {
		n = utf8_len(s, &cp);
		if (n == 0) {
			util_buf_puts(b, "\xef\xbf\xbd");
			s++;
			continue;
		}
		switch (cp) {
		case '&':
			util_buf_puts(b, "&amp;");
			break;
		case '<':
			util_buf_puts(b, "&lt;");
			break;
		case '>':
			util_buf_puts(b, "&gt;");
			break;
		case '"':
			util_buf_puts(b, "&quot;");
			break;
		case '\'':
			util_buf_puts(b, "&apos;");
			break;
		case '\r':
			util_buf_putc(b, '\n');
			if (s[1] == '\n')
				s++;
			break;
		default:
			if ((cp < 0x20 && cp != '\t' && cp != '\n') ||
			    cp == 0xfffe || cp == 0xffff || (cp >= 0x7f &&
			    cp < 0xa0))
				util_buf_puts(b, "\xef\xbf\xbd");
			else
				util_buf_append(b, s, n);
		}
		s += n;
	}
}

static void
xml_elem(struct buf *b, const char *indent, const char *name,
    const char *text)
{
	util_buf_printf(b, "%s<%s>", indent, name);
	xml_escape(b, text);
	util_buf_printf(b, "</%s>\n", name);
}

int
web_h_advisories_atom(struct req *r)
{
	const char *base = r->app->base_url, *latest = NULL, *url;
	const struct config *cfg = r->app->cfg;
	struct item *v;
	struct buf b;
	size_t n, i;
	char now[32];
	long long t, tl = 0;

	if (items_load(r, &v, &n) == -1)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	for (i = 0; i < n; i++)
		if (publish_rfc3339(v[i].current, &t, NULL) == 0 &&
		    (latest == NULL || t > tl)) {
			latest = v[i].current;
			tl = t;
		}
	if (latest == NULL) {
		publish_format_utc((long long)time(NULL), now, sizeof(now));
		latest = now;
	}
	util_buf_init(&b, 32u * 1024 * 1024);
	util_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
	xml_elem(&b, "  ", "id", util_arena_printf(&r->arena,
	    "%s/advisories", base));
	xml_elem(&b, "  ", "title", util_arena_printf(&r->arena,
	    "%s: security advisories", cfg->team_name));
	xml_elem(&b, "  ", "updated", latest);
	util_buf_puts(&b, "  <link rel=\"self\" type=\"application/atom+xml\""
	    " href=\"");
	xml_escape(&b, util_arena_printf(&r->arena, "%s/advisories.atom",
	    base));
	util_buf_puts(&b, "\"/>\n  <link rel=\"alternate\" type=\"text/html\""
	    " href=\"");
	xml_escape(&b, util_arena_printf(&r->arena, "%s/advisories", base));
	util_buf_puts(&b, "\"/>\n  <author>\n");
	xml_elem(&b, "    ", "name", cfg->publisher_name[0] != '\0' ?
	    cfg->publisher_name : cfg->team_name);
	util_buf_puts(&b, "  </author>\n");
	for (i = 0; i < n; i++) {
		const struct publish_advisory *pa = &v[i].pa;
		const char *enc = web_url_encode(r, pa->id);

		url = util_arena_printf(&r->arena, "%s/advisories/%s", base,
		    enc);
		util_buf_puts(&b, "  <entry>\n");
		xml_elem(&b, "    ", "id", url);
		xml_elem(&b, "    ", "title", util_arena_printf(&r->arena,
		    "%s: %s", pa->id, pa->title));
		xml_elem(&b, "    ", "published", v[i].initial);
		xml_elem(&b, "    ", "updated", v[i].current);
		util_buf_puts(&b, "    <link rel=\"alternate\" "
		    "type=\"text/html\" href=\"");
		xml_escape(&b, url);
		util_buf_puts(&b, "\"/>\n    <link rel=\"related\" "
		    "type=\"application/json\" href=\"");
		xml_escape(&b, util_arena_printf(&r->arena, "%s.json", url));
		util_buf_puts(&b, "\"/>\n");
		if (pa->cve != NULL) {
			util_buf_puts(&b, "    <category term=\"");
			xml_escape(&b, pa->cve);
			util_buf_puts(&b, "\"/>\n");
		}
		util_buf_puts(&b, "    <summary type=\"text\">");
		xml_escape(&b, pa->summary);
		util_buf_puts(&b, "</summary>\n  </entry>\n");
	}
	util_buf_puts(&b, "</feed>\n");
	return web_reply_buf(r, 200, "application/atom+xml; charset=utf-8",
	    &b);
}

/* ------------------------------------------------------------------ */
/* iCalendar                                                            */

/* Appends one content line, folded so that no line is longer than 75
 * octets (CRLF + one space before each continuation), never inside a
 * UTF-8 sequence, and ends it with CRLF. */
static void
ics_line(struct buf *b, const char *line)
{
	const unsigned char *s = (const unsigned char *)(line ? line : "");
	size_t used = 0, n;
	unsigned cp;

	while (*s != '\0') {
		if ((n = utf8_len(s, &cp)) == 0)
			n = 1;	/* ics_text never lets these through */
		if (used + n > 75) {
			util_buf_puts(b, "\r\n ");
			used = 1;
		}
		util_buf_append(b, s, n);
		used += n;
		s += n;
	}
	util_buf_puts(b, "\r\n");
}

/* "NAME:" + value as iCalendar TEXT (\\ \; \, \n escaped; other
 * controls and invalid UTF-8 dropped), folded. */
static void
ics_text(struct buf *b, const char *name, const char *value)
{
	struct buf l;
	const unsigned char *s = (const unsigned char *)(value ? value : "");
	unsigned cp;
	size_t n;

	util_buf_init(&l, 0);
	util_buf_printf(&l, "%s:", name);
	while (*s != '\0') {
		if ((n = utf8_len(s, &cp)) == 0) {
			s++;
			continue;
		}
		if (cp == '\\' || cp == ';' || cp == ',') {
			util_buf_putc(&l, '\\');
			util_buf_putc(&l, (char)cp);
		} else if (cp == '\n')
			util_buf_puts(&l, "\\n");
		else if (cp >= 0x20 && cp != 0x7f)
			util_buf_append(&l, s, n);
		s += n;
	}
	ics_line(b, l.data ? l.data : "");
	util_buf_release(&l);
}

static void
ics_stamp(int64_t t, char *out, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y%m%dT%H%M%SZ", &tm);
}

struct ics_event {
	int64_t		 at;
	int32_t		 window_day;	/* calendar window, or ... */
	int64_t		 release_id;	/* ... a planned release (> 0) */
	int32_t		 notice_day;	/* CORE_DAY_INVALID when unknown */
};

static int
cmp_event(const void *x, const void *y)
{
	const struct ics_event *a = x, *b = y;

	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return (a->release_id > b->release_id) - (a->release_id <
	    b->release_id);
}

int
web_h_releases_ics(struct req *r)
{
	const struct config *cfg = r->app->cfg;
	struct calendar_loaded cl;
	struct core_window w[ICS_WINDOWS + 2];
	struct store_release *rel = NULL;
	struct ics_event *ev;
	struct buf b;
	size_t nrel = 0, nw = 0, nev = 0, i, k;
	int64_t now = (int64_t)time(NULL), utc;
	const char *host = host_of(r);
	char err[256], stamp[32], when[32], day[16];
	int have_cal;

	if (store_releases(r->app->store, &r->arena, &rel, &nrel) ==
	    STORE_ERR)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	have_cal = calendar_load(cfg, &cl, err, sizeof(err)) == 0;
	if (!have_cal)
		log_warn("releases.ics: no calendar windows: %s", err);
	else
		nw = core_calendar_windows(&cl.policy, calendar_today(cl.zone,
		    now), ICS_WINDOWS + 1, w);
	ev = util_arena_zalloc(&r->arena, (nrel + nw + 1) * sizeof(*ev));
	if (ev == NULL) {
		if (have_cal)
			calendar_loaded_free(&cl);
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	}
	for (i = 0; i < nrel; i++) {
		if (strcmp(rel[i].status, "planned") != 0 ||
		    (int64_t)rel[i].window_at < now)
			continue;
		ev[nev].at = (int64_t)rel[i].window_at;
		ev[nev].release_id = rel[i].id;
		ev[nev].notice_day = CORE_DAY_INVALID;
		nev++;
	}
	for (i = 0, k = 0; i < nw && k < ICS_WINDOWS; i++) {
		size_t j;

		if (calendar_window_utc(&cl, w[i].day, &utc) == -1 ||
		    utc < now)
			continue;
		k++;
		/* A planned release in this window stands for it. */
		for (j = 0; j < nev; j++)
			if (ev[j].release_id > 0 && ev[j].at == utc)
				break;
		if (j < nev)
			continue;
		ev[nev].at = utc;
		ev[nev].window_day = w[i].day;
		ev[nev].notice_day = w[i].notice_day;
		nev++;
	}
	if (have_cal)
		calendar_loaded_free(&cl);
	qsort(ev, nev, sizeof(*ev), cmp_event);

	util_buf_init(&b, 4u * 1024 * 1024);
	ics_stamp(now, stamp, sizeof(stamp));
	ics_line(&b, "BEGIN:VCALENDAR");
	ics_line(&b, "VERSION:2.0");
	ics_line(&b, "PRODID:-//Vigil//Security release calendar//EN");
	ics_line(&b, "CALSCALE:GREGORIAN");
	ics_line(&b, "METHOD:PUBLISH");
	ics_text(&b, "X-WR-CALNAME", util_arena_printf(&r->arena,
	    "%s: security releases", cfg->team_name));
	for (i = 0; i < nev; i++) {
		ics_line(&b, "BEGIN:VEVENT");
		if (ev[i].release_id > 0)
			ics_text(&b, "UID", util_arena_printf(&r->arena,
			    "release-%lld@%s", (long long)ev[i].release_id,
			    host));
		else {
			core_format_date(ev[i].window_day, day, sizeof(day));
			ics_text(&b, "UID", util_arena_printf(&r->arena,
			    "window-%.4s%.2s%.2s@%s", day, day + 5, day + 8,
			    host));
		}
		ics_line(&b, util_arena_printf(&r->arena, "DTSTAMP:%s",
		    stamp));
		ics_stamp(ev[i].at, when, sizeof(when));
		ics_line(&b, util_arena_printf(&r->arena, "DTSTART:%s", when));
		ics_text(&b, "SUMMARY", "Security release");
		if (ev[i].notice_day != CORE_DAY_INVALID &&
		    core_format_date(ev[i].notice_day, day, sizeof(day)) == 0)
			ics_text(&b, "DESCRIPTION", util_arena_printf(
			    &r->arena, "A scheduled security release window "
			    "of %s. Advance notice to subscribers on %s.",
			    cfg->team_name, day));
		else
			ics_text(&b, "DESCRIPTION", util_arena_printf(
			    &r->arena, "A planned security release of %s.",
			    cfg->team_name));
		ics_text(&b, "URL", util_arena_printf(&r->arena,
		    "%s/advisories", r->app->base_url));
		ics_line(&b, "TRANSP:TRANSPARENT");
		ics_line(&b, "END:VEVENT");
	}
	ics_line(&b, "END:VCALENDAR");
	return web_reply_buf(r, 200, "text/calendar; charset=utf-8", &b);
}

/* ------------------------------------------------------------------ */
/* Subscriptions                                                        */

static json_t *
products_json(struct req *r, const char *const *picked, size_t npicked)
{
	struct store_product *p = NULL;
	size_t n = 0, i, k;
	json_t *arr = json_array();

	if (store_products_list(r->app->store, &r->arena, &p, &n) !=
	    STORE_OK)
		return arr;
	for (i = 0; i < n; i++) {
		int on = 0;

		for (k = 0; k < npicked; k++)
			if (strcmp(picked[k], p[i].name) == 0)
				on = 1;
		json_array_append_new(arr, json_pack("{s:s,s:s,s:b}", "name",
		    p[i].name, "id", util_arena_printf(&r->arena,
		    "product-%lld", (long long)p[i].id), "checked", on));
	}
	return arr;
}

static int
subscribe_page(struct req *r, unsigned status, const char *mode,
    const char *email, const char *error, const char *const *picked,
    size_t npicked)
{
	json_t *ctx = web_page_ctx(r, "Security advisories by e-mail");

	if (ctx == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	json_object_set_new(ctx, mode, json_true());
	json_object_set_new(ctx, "email", str_or_null(email));
	json_object_set_new(ctx, "error", str_or_null(error));
	if (strcmp(mode, "form") == 0) {
		json_t *p = products_json(r, picked, npicked);

		json_object_set_new(ctx, "has_products", json_boolean(
		    json_array_size(p) > 0));
		json_object_set_new(ctx, "products", p);
	}
	return web_reply_page(r, status, "subscribe", ctx);
}

int
web_h_subscribe_form(struct req *r)
{
	return subscribe_page(r, 200, "form", NULL, NULL, NULL, 0);
}

/* 1 when a browser's Origin header names another site. */
static int
cross_origin(struct req *r)
{
	const char *o = web_header(r, "Origin");

	if (o == NULL)
		return 0;
	return strcasecmp(o, origin_of(r, r->app->base_url)) != 0;
}

int
web_h_subscribe_post(struct req *r)
{
	const struct config *cfg = r->app->cfg;
	struct web_field *f = NULL;
	struct store_product *prods = NULL;
	const char *email = NULL, *ct, *err = NULL, *picked[
	    MAX_PRODUCTS_SELECTED];
	char token[UTIL_TOKEN_CHARS + 1], mid[256], *body, *plist;
	unsigned char hash[UTIL_HASH_BYTES];
	size_t n = 0, i, k, npicked = 0, nprods = 0;
	struct buf pl;
	int rc;

	ct = web_header(r, "Content-Type");
	if (ct == NULL || !web_media_type_is(ct,
	    "application/x-www-form-urlencoded"))
		return web_reply_error(r, WE_MEDIA_TYPE, NULL, NULL);
	if (cross_origin(r))
		return web_reply_error(r, WE_CSRF, NULL, NULL);
	if (web_urlencoded_parse(&r->arena, r->body.data ? r->body.data : "",
	    r->body.len, MAX_PRODUCTS_SELECTED + 8, &f, &n, &err) == -1)
		return web_reply_error(r, WE_BAD_FORM, NULL, err);
	if (store_products_list(r->app->store, &r->arena, &prods, &nprods) ==
	    STORE_ERR)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	for (i = 0; i < n; i++) {
		if (strlen(f[i].value) != f[i].value_len)
			return web_reply_error(r, WE_BAD_FORM, NULL, NULL);
		if (strcmp(f[i].name, "email") == 0) {
			if (email != NULL)
				return web_reply_error(r, WE_DUPLICATE_FIELD,
				    "email", NULL);
			email = f[i].value;
		} else if (strcmp(f[i].name, "product") == 0) {
			/* Only names from the product list count. */
			for (k = 0; k < nprods; k++)
				if (strcmp(prods[k].name, f[i].value) == 0)
					break;
			if (k == nprods || npicked == MAX_PRODUCTS_SELECTED)
				continue;
			for (k = 0; k < npicked; k++)
				if (strcmp(picked[k], f[i].value) == 0)
					break;
			if (k == npicked)
				picked[npicked++] = f[i].value;
		}
	}
	while (email != NULL && (*email == ' ' || *email == '\t'))
		email++;
	if (email != NULL) {
		char *e = util_arena_strdup(&r->arena, email);
		size_t el;

		if (e == NULL)
			return web_reply_error(r, WE_INTERNAL, NULL, NULL);
		for (el = strlen(e); el > 0 && (e[el - 1] == ' ' ||
		    e[el - 1] == '\t'); el--)
			e[el - 1] = '\0';
		email = e;
	}
	if (email == NULL || *email == '\0' || !core_email_ok(email))
		return subscribe_page(r, 422, "form", email,
		    "Enter a valid e-mail address.", picked, npicked);

	util_buf_init(&pl, 64 * 1024);
	for (i = 0; i < npicked; i++) {
		if (i > 0)
			util_buf_putc(&pl, ',');
		util_buf_puts(&pl, picked[i]);
	}
	plist = util_arena_strdup(&r->arena, pl.data ? pl.data : "");
	util_buf_release(&pl);
	if (plist == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	util_token_new(token, hash);
	util_message_id(mid, sizeof(mid), cfg->mail_domain);
	body = util_arena_printf(&r->arena,
	    "Hello,\n\n"
	    "someone, hopefully you, asked to receive the security advisories "
	    "of %s at this address%s%s.\n\n"
	    "To confirm, open this link:\n\n  %s/subscribe/confirm/%s\n\n"
	    "If you did not ask for this, ignore this message: nothing more "
	    "will be sent to you.\n\n"
	    "You can unsubscribe at any time:\n\n  %s/unsubscribe/%s\n",
	    cfg->team_name, npicked > 0 ? " (products: " : "",
	    npicked > 0 ? util_arena_printf(&r->arena, "%s)", plist) : "",
	    r->app->base_url, token, r->app->base_url, token);
	if (body == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	/* No mail bombing through us: at most 3 confirmation mails a day to
	 * one address and 20 an hour from one client; past that the same
	 * answer, and nothing is sent. */
	{
		char key[320], low[260];
		size_t li;
		time_t now = time(NULL);

		for (li = 0; email[li] != '\0' && li < sizeof(low) - 1; li++)
			low[li] = (char)tolower((unsigned char)email[li]);
		low[li] = '\0';
		snprintf(key, sizeof(key), "subscribe:addr:%s", low);
		if (store_login_failures(r->app->store, key, now - 86400) >= 3)
			return subscribe_page(r, 200, "sent", NULL, NULL, NULL,
			    0);
		store_login_failure_add(r->app->store, key, now);
		snprintf(key, sizeof(key), "subscribe:ip:%s",
		    web_client_ip(r));
		if (store_login_failures(r->app->store, key, now - 3600) >= 20)
			return subscribe_page(r, 200, "sent", NULL, NULL, NULL,
			    0);
		store_login_failure_add(r->app->store, key, now);
	}
	rc = store_subscriber_add(r->app->store, email, plist, token, body,
	    mid, time(NULL));
	explicit_bzero(token, sizeof(token));
	if (rc == STORE_ERR || rc == STORE_RETRY)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	/* New, pending or already confirmed: the same answer. */
	return subscribe_page(r, 200, "sent", NULL, NULL, NULL, 0);
}

/* 1 if the token has the shape of util_token_new's text. */
static int
token_shape_ok(const char *t)
{
	unsigned char h[UTIL_HASH_BYTES];

	return t != NULL && util_token_hash(t, h) == 0;
}

int
web_h_subscribe_confirm(struct req *r)
{
	const char *t = r->param[0];

	if (token_shape_ok(t) && store_subscriber_confirm(r->app->store, t,
	    time(NULL)) == STORE_ERR)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	return subscribe_page(r, 200, "confirmed", NULL, NULL, NULL, 0);
}

int
web_h_unsubscribe(struct req *r)
{
	json_t *ctx = web_page_ctx(r, "Unsubscribe");

	if (ctx == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	json_object_set_new(ctx, "unsubscribe", json_true());
	json_object_set_new(ctx, "action", json_string(util_arena_printf(
	    &r->arena, "/unsubscribe/%s", web_url_encode(r, r->param[0]))));
	return web_reply_page(r, 200, "subscribe", ctx);
}

/* The button of the page above, or a one-click unsubscribe (RFC 8058:
 * a POST of "List-Unsubscribe=One-Click" by the mail provider). */
int
web_h_unsubscribe_post(struct req *r)
{
	const char *t = r->param[0];

	if (cross_origin(r))
		return web_reply_error(r, WE_CSRF, NULL, NULL);
	if (token_shape_ok(t) && store_subscriber_remove(r->app->store, t,
	    time(NULL)) == STORE_ERR)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	return subscribe_page(r, 200, "unsubscribed", NULL, NULL, NULL, 0);
}
