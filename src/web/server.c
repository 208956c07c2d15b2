/* web/server.c - the libmicrohttpd server: daemon options (thread pool,
 * timeouts, per-IP limit, strict client discipline), the access handler
 * that buffers bodies under a hard limit, the per-request arena released
 * in the completion callback, the reply helpers with the security
 * headers every response carries, and the request counters and latency
 * histograms per route that GET /metrics shows (h_prometheus.c). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/perm.h"
#include "util/crypto.h"
#include "util/log.h"
#include "store/store.h"
#include "tmpl.h"
#include "web.h"

#define ARENA_LIMIT	(256u * 1024 * 1024)

static const char csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

static volatile sig_atomic_t stop_requested;

/* ---- request counters and latency histograms, per route ----
 *
 * One slot per entry of web_routes[] (static files included: they are
 * the route for /static/), plus one for requests no route took (404,
 * 405, a body refused before routing).  Labels come from the route's
 * pattern and method only, never from the requested path: paths carry
 * secret tracking tokens and are unbounded.  The slots are allocated
 * once (web_app_init); a request only adds to atomics. */

/* Upper bounds of the latency buckets, in nanoseconds and as the "le"
 * label; the last bucket is +Inf. */
static const struct {
	uint64_t	 ns;
	const char	*le;
} lat_bounds[] = {
	{ 5000000ull, "0.005" }, { 10000000ull, "0.01" },
	{ 25000000ull, "0.025" }, { 50000000ull, "0.05" },
	{ 100000000ull, "0.1" }, { 250000000ull, "0.25" },
	{ 500000000ull, "0.5" }, { 1000000000ull, "1" },
	{ 2500000000ull, "2.5" }, { 5000000000ull, "5" },
	{ 10000000000ull, "10" },
};
#define NBOUNDS	(sizeof(lat_bounds) / sizeof(lat_bounds[0]))
#define NCLASSES 4		/* 2xx 3xx 4xx 5xx */

struct route_stats {
	atomic_uint_fast64_t	 by_class[NCLASSES];
	atomic_uint_fast64_t	 bucket[NBOUNDS + 1];	/* not cumulative;
							 * last is +Inf */
	atomic_uint_fast64_t	 sum_ns;
};

static struct route_stats *stats;	/* web_nroutes + 1 slots */
#define STATS_NONE	web_nroutes	/* the slot of "no route" */
#define NONE_ROUTE	"(none)"
#define NONE_METHOD	"(any)"

/* What libmicrohttpd keeps per request: the handlers' context and when
 * its first callback came. */
struct conn_req {
	struct req	 r;		/* first: a struct req * is one of these */
	struct timespec	 t0;
};

static void
stats_add(const struct req *r, const struct timespec *t0)
{
	struct route_stats *st;
	struct timespec t1;
	uint64_t ns;
	size_t i, slot;

	if (stats == NULL || r->status < 200 || r->status > 599)
		return;		/* no reply was queued */
	slot = r->route != NULL ? (size_t)(r->route - web_routes) : STATS_NONE;
	if (slot > STATS_NONE)
		abort();	/* our bug: a route outside the table */
	st = &stats[slot];
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = t1.tv_sec < t0->tv_sec ? 0 : (uint64_t)(t1.tv_sec - t0->tv_sec) *
	    1000000000ull + (uint64_t)t1.tv_nsec - (uint64_t)t0->tv_nsec;
	for (i = 0; i < NBOUNDS && ns > lat_bounds[i].ns; i++)
		;
	atomic_fetch_add_explicit(&st->by_class[r->status / 100 - 2], 1,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&st->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&st->sum_ns, ns, memory_order_relaxed);
}

/* A label value with \, " and newline escaped (text format 0.0.4). */
void
web_prom_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			util_buf_putc(b, '\\');
		if (*s == '\n')
			util_buf_puts(b, "\\n");
		else
			util_buf_putc(b, *s);
	}
}

static void
route_labels(struct buf *b, size_t slot)
{
	util_buf_puts(b, "route=\"");
	web_prom_escape(b, slot < STATS_NONE ? web_routes[slot].pattern :
	    NONE_ROUTE);
	util_buf_puts(b, "\",method=\"");
	web_prom_escape(b, slot < STATS_NONE ? web_routes[slot].method :
	    NONE_METHOD);
	util_buf_putc(b, '"');
}

/* Writes vigil_http_requests_total and
 * vigil_http_request_duration_seconds, every route included (zeros
 * too, so that a rate over a route that was idle is defined).  Returns
 * 0, or -1 when the counters do not exist (no web_app_init). */
int
web_http_metrics(struct buf *b)
{
	static const char *const cls[NCLASSES] = { "2xx", "3xx", "4xx", "5xx" };
	uint64_t cum, n;
	size_t slot, i;

	if (stats == NULL)
		return -1;
	util_buf_puts(b, "# HELP vigil_http_requests_total HTTP requests "
	    "answered, by route pattern, method and status class.\n"
	    "# TYPE vigil_http_requests_total counter\n");
	for (slot = 0; slot <= STATS_NONE; slot++)
		for (i = 0; i < NCLASSES; i++) {
			util_buf_puts(b, "vigil_http_requests_total{");
			route_labels(b, slot);
			util_buf_printf(b, ",code_class=\"%s\"} %" PRIu64 "\n",
			    cls[i], (uint64_t)atomic_load_explicit(
			    &stats[slot].by_class[i], memory_order_relaxed));
		}
	util_buf_puts(b, "# HELP vigil_http_request_duration_seconds Time "
	    "from a request's first byte to its completion, by route pattern "
	    "and method.\n"
	    "# TYPE vigil_http_request_duration_seconds histogram\n");
	for (slot = 0; slot <= STATS_NONE; slot++) {
		/* _count is the +Inf bucket, so the two always agree. */
		for (i = 0, cum = 0; i <= NBOUNDS; i++) {
			cum += (uint64_t)atomic_load_explicit(
			    &stats[slot].bucket[i], memory_order_relaxed);
			util_buf_puts(b,
			    "vigil_http_request_duration_seconds_bucket{");
			route_labels(b, slot);
			util_buf_printf(b, ",le=\"%s\"} %" PRIu64 "\n",
			    i < NBOUNDS ? lat_bounds[i].le : "+Inf", cum);
		}
		n = (uint64_t)atomic_load_explicit(&stats[slot].sum_ns,
		    memory_order_relaxed);
		util_buf_puts(b, "vigil_http_request_duration_seconds_sum{");
		route_labels(b, slot);
		util_buf_printf(b, "} %" PRIu64 ".%09" PRIu64 "\n",
		    n / UINT64_C(1000000000), n % UINT64_C(1000000000));
		util_buf_puts(b, "vigil_http_request_duration_seconds_count{");
		route_labels(b, slot);
		util_buf_printf(b, "} %" PRIu64 "\n", cum);
	}
	return 0;
}

void
web_request_stop(void)
{
	stop_requested = 1;
}

const char *
web_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
web_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

void
web_add_header(struct req *r, const char *name, const char *value)
{
	if (r->nhdr >= REQ_MAX_HEADERS) {
		log_err("too many response headers for %s", r->url);
		abort();
	}
	r->hdr_name[r->nhdr] = name;
	r->hdr_value[r->nhdr] = util_arena_strdup(&r->arena, value);
	if (r->hdr_value[r->nhdr] != NULL)
		r->nhdr++;
}

void
web_set_cookie(struct req *r, const char *name, const char *value,
    const char *path, long max_age)
{
	char *c;

	c = util_arena_printf(&r->arena, "%s=%s; Path=%s; Max-Age=%ld; "
	    "HttpOnly; SameSite=Strict%s", name, value, path, max_age,
	    r->app->tls ? "; Secure" : "");
	if (c != NULL)
		web_add_header(r, MHD_HTTP_HEADER_SET_COOKIE, c);
}

static int
queue(struct req *r, unsigned status, struct MHD_Response *resp,
    const char *type)
{
	int i, ret;

	if (resp == NULL)
		return MHD_NO;
	if (type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    type);
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy",
	    "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy",
	    "same-origin");
	if (r->app->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security",
		    "max-age=31536000");
	if (r->route == NULL || !(r->route->flags & RF_PUBLIC_CACHE) ||
	    (status >= 300 && status != 304))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "no-store");
	for (i = 0; i < r->nhdr; i++)
		MHD_add_response_header(resp, r->hdr_name[i], r->hdr_value[i]);
	ret = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	r->status = status;
	r->responded = 1;
	return ret;
}

int
web_reply(struct req *r, unsigned status, const char *type, const void *body,
    size_t len)
{
	return queue(r, status, MHD_create_response_from_buffer(len,
	    (void *)body, MHD_RESPMEM_MUST_COPY), type);
}

int
web_reply_buf(struct req *r, unsigned status, const char *type, struct buf *b)
{
	size_t len;
	char *p;

	if (b->failed) {
		util_buf_release(b);
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	}
	if ((p = util_buf_steal(b, &len)) == NULL)
		return MHD_NO;
	return queue(r, status, MHD_create_response_from_buffer(len, p,
	    MHD_RESPMEM_MUST_FREE), type);
}

int
web_reply_page(struct req *r, unsigned status, const char *name, json_t *ctx)
{
	struct buf b;

	util_buf_init(&b, 16u * 1024 * 1024);
	if (ctx == NULL || web_tmpl_render(r->app->tmpl, name, ctx, &b) == -1) {
		log_err("rendering %s failed", name);
		json_decref(ctx);
		util_buf_release(&b);
		if (strcmp(name, "error") == 0)
			return web_reply(r, 500, "text/plain; charset=utf-8",
			    "internal error\n", 15);
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	}
	json_decref(ctx);
	return web_reply_buf(r, status, "text/html; charset=utf-8", &b);
}

int
web_reply_json(struct req *r, unsigned status, json_t *j)
{
	char *s;

	s = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
	json_decref(j);
	if (s == NULL)
		return web_reply(r, 500, "text/plain; charset=utf-8",
		    "internal error\n", 15);
	return queue(r, status, MHD_create_response_from_buffer(strlen(s), s,
	    MHD_RESPMEM_MUST_FREE), "application/json");
}

int
web_reply_redirect(struct req *r, unsigned status, const char *loc)
{
	web_add_header(r, MHD_HTTP_HEADER_LOCATION, loc);
	return web_reply(r, status, "text/plain; charset=utf-8", "", 0);
}

static int
is_api(const struct req *r)
{
	return strncmp(r->url, "/api/", 5) == 0;
}

int
web_reply_error(struct req *r, enum web_err e, const char *field,
    const char *detail)
{
	const struct web_error_info *ei = web_error(e);
	json_t *j, *ctx;

	if (is_api(r)) {
		j = json_pack("{s:{s:s,s:i,s:s,s:o}}", "error", "code", ei->code,
		    "number", ei->number, "message", detail ? detail :
		    ei->message, "field", field ? json_string(field) :
		    json_null());
		return web_reply_json(r, ei->status, j);
	}
	ctx = web_page_ctx(r, ei->status == 404 ? "Not found" : "Error");
	if (ctx == NULL)
		return web_reply(r, ei->status, "text/plain; charset=utf-8",
		    ei->message, strlen(ei->message));
	json_object_set_new(ctx, "status", json_integer(ei->status));
	json_object_set_new(ctx, "message", json_string(detail ? detail :
	    ei->message));
	json_object_set_new(ctx, "code", json_integer(ei->number));
	return web_reply_page(r, ei->status, "error", ctx);
}

/* ---- static assets, loaded once at start ---- */

static const char *
mime_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL)
		return "application/octet-stream";
	if (strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	if (strcmp(dot, ".ico") == 0)
		return "image/x-icon";
	if (strcmp(dot, ".txt") == 0)
		return "text/plain; charset=utf-8";
	return "application/octet-stream";
}

static int
load_statics(struct web_app *app, const char *dir)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	struct static_file *sf, *n;
	char path[1024];
	unsigned char h[32];
	FILE *f;

	if ((d = opendir(dir)) == NULL) {
		log_err("cannot open static folder %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode) ||
		    st.st_size > 4 * 1024 * 1024)
			continue;
		n = realloc(app->statics, (app->nstatics + 1) * sizeof(*n));
		if (n == NULL)
			goto fail;
		app->statics = n;
		sf = &app->statics[app->nstatics];
		memset(sf, 0, sizeof(*sf));
		sf->name = strdup(de->d_name);
		sf->data = malloc((size_t)st.st_size + 1);
		sf->len = (size_t)st.st_size;
		sf->type = mime_of(de->d_name);
		app->nstatics++;
		if (sf->name == NULL || sf->data == NULL ||
		    (f = fopen(path, "rb")) == NULL)
			goto fail;
		if (fread(sf->data, 1, sf->len, f) != sf->len) {
			fclose(f);
			goto fail;
		}
		fclose(f);
		util_sha256(h, sf->data, sf->len);
		snprintf(sf->etag, sizeof(sf->etag),
		    "\"%02x%02x%02x%02x%02x%02x%02x%02x\"", h[0], h[1], h[2],
		    h[3], h[4], h[5], h[6], h[7]);
	}
	closedir(d);
	return 0;
fail:
	closedir(d);
	log_err("cannot load static file %s", path);
	return -1;
}

int
web_h_static(struct req *r)
{
	const char *name = r->param[0], *inm;
	size_t i;

	for (i = 0; i < r->app->nstatics; i++) {
		struct static_file *sf = &r->app->statics[i];
		if (strcmp(sf->name, name) != 0)
			continue;
		web_add_header(r, MHD_HTTP_HEADER_ETAG, sf->etag);
		web_add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "public, max-age=3600");
		inm = web_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH);
		if (inm != NULL && strcmp(inm, sf->etag) == 0)
			return web_reply(r, 304, NULL, "", 0);
		return queue(r, 200, MHD_create_response_from_buffer(sf->len,
		    sf->data, MHD_RESPMEM_PERSISTENT), sf->type);
	}
	return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
}

/* ---- the access handler ---- */

static void
access_log(struct req *r)
{
	/* Paths that carry a secret token (a tracking link, a subscription's
	 * confirm and unsubscribe links): never log the token. */
	static const char *const secret[] = {
		"/track/", "/subscribe/confirm/", "/unsubscribe/",
	};
	const char *path = r->url;
	size_t i;

	for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
		if (strncmp(r->url, secret[i], strlen(secret[i])) == 0) {
			path = secret[i];
			break;
		}

	log_debug("%s %s%s %u", r->method, path, path == r->url ? "" : "…",
	    r->status);
}

/* The path and query string of the request, for a redirect back to it
 * after sign-in (the query string rebuilt from its decoded arguments). */
static enum MHD_Result
add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct req *r = cls;
	struct buf *b = r->scratch;

	(void)kind;
	util_buf_putc(b, b->len == 0 ? '?' : '&');
	util_buf_puts(b, web_url_encode(r, key));
	if (value != NULL) {
		util_buf_putc(b, '=');
		util_buf_puts(b, web_url_encode(r, value));
	}
	return MHD_YES;
}

static const char *
request_target(struct req *r)
{
	struct buf b;
	const char *out;

	util_buf_init(&b, 2048);
	r->scratch = &b;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_arg, r);
	r->scratch = NULL;
	out = b.failed ? r->url : util_arena_printf(&r->arena, "%s%s", r->url,
	    b.data ? b.data : "");
	util_buf_release(&b);
	return out ? out : r->url;
}

/*
 * Resolves who is asking and applies the permission table to the
 * route's action.  Returns 0 to go on, 1 when a reply was queued.
 * Anonymous callers of staff routes are sent to /login (pages) or get a
 * 401 (API); a signed-in user without the permission gets the same 404
 * as for a missing resource, and the denial is audited.
 */
static int
authorize(struct req *r)
{
	int act = core_action_parse(r->route->action), is_api;
	const char *csrf;
	char *loc;

	if (act < 0) {
		log_err("route %s has an unknown action %s", r->route->pattern,
		    r->route->action);
		abort();	/* our bug: the route table test catches it */
	}
	if (web_auth_resolve(r) == -1) {
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return 1;
	}
	if (core_action_is_public(act))
		return 0;
	is_api = strncmp(r->url, "/api/", 5) == 0;
	if (!r->authed) {
		if (is_api || strcmp(r->method, "GET") != 0) {
			web_add_header(r, "WWW-Authenticate", "Bearer");
			web_reply_error(r, WE_UNAUTHORIZED, NULL, NULL);
			return 1;
		}
		loc = util_arena_printf(&r->arena, "/login?next=%s",
		    web_url_encode(r, request_target(r)));
		web_reply_redirect(r, 303, loc ? loc : "/login");
		return 1;
	}
	/* A one-time password is changed before anything else. */
	if (r->must_change && !r->via_token &&
	    strcmp(r->url, "/account/password") != 0 &&
	    strcmp(r->url, "/logout") != 0) {
		if (is_api) {
			web_reply_error(r, WE_CONFLICT, NULL, "Change the "
			    "one-time password first, at /account/password.");
			return 1;
		}
		web_reply_redirect(r, 303, "/account/password");
		return 1;
	}
	if (!core_perm_allows(r->roles, act)) {
		web_audit(r, "permission.denied", 0, util_arena_printf(
		    &r->arena, "%s %s (%s)", r->method, r->url,
		    r->route->action));
		web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
		return 1;
	}
	/* The API under a session cookie needs the CSRF header for every
	 * change; Bearer tokens are not sent by browsers on their own. */
	if (is_api && !r->via_token && strcmp(r->method, "GET") != 0 &&
	    strcmp(r->method, "HEAD") != 0) {
		csrf = web_header(r, "X-CSRF-Token");
		if (!web_auth_csrf_ok(r, csrf)) {
			web_reply_error(r, WE_CSRF, NULL, NULL);
			return 1;
		}
	}
	return 0;
}

const char *
web_url_encode(struct req *r, const char *s)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t n = strlen(s), i, o = 0;
	char *out = util_arena_alloc(&r->arena, n * 3 + 1);

	if (out == NULL)
		return "";
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~' || c == '/')
			out[o++] = (char)c;
		else {
			out[o++] = '%';
			out[o++] = hx[c >> 4];
			out[o++] = hx[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

/* Counts query arguments whose name or value holds a NUL byte (%00):
 * the C string a handler reads would be cut short there, so such a
 * request is refused as a whole. */
static enum MHD_Result
count_nul(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	int *bad = cls;

	(void)kind;
	if ((key != NULL && strlen(key) != key_size) ||
	    (value != NULL && strlen(value) != value_size))
		(*bad)++;
	return MHD_YES;
}

static enum MHD_Result
dispatch(struct req *r)
{
	int path_matched = 0, rc, bad = 0;
	char allow[64];

	MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND, count_nul,
	    &bad);
	if (bad > 0)
		return (enum MHD_Result)web_reply_error(r, WE_BAD_REQUEST,
		    NULL, "The query string holds a NUL byte.");
	r->route = web_route_match(r->method, r->url, r->param, &path_matched);
	if (r->route == NULL) {
		if (path_matched) {
			snprintf(allow, sizeof(allow), "%s",
			    web_route_allow(r->url));
			web_add_header(r, MHD_HTTP_HEADER_ALLOW, allow);
			return (enum MHD_Result)web_reply_error(r, WE_METHOD,
			    NULL, NULL);
		}
		return (enum MHD_Result)web_reply_error(r, WE_NOT_FOUND, NULL,
		    NULL);
	}
	for (rc = 0; rc < REQ_MAX_PARAMS; rc++)
		if (r->param[rc] != NULL &&
		    (r->param[rc] = util_arena_strdup(&r->arena,
		    r->param[rc])) == NULL)
			return (enum MHD_Result)web_reply_error(r,
			    WE_INTERNAL, NULL, NULL);
	if ((rc = authorize(r)) != 0)
		return (enum MHD_Result)(rc > 0 ? MHD_YES : MHD_NO);
	rc = r->route->fn(r);
	if (!r->responded && rc != MHD_NO)
		rc = web_reply_error(r, WE_INTERNAL, NULL, NULL);
	return (enum MHD_Result)rc;
}

static enum MHD_Result
on_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct web_app *app = cls;
	struct req *r = *con_cls;
	struct conn_req *cr;
	const char *cl;
	unsigned long long n;
	char *end;

	(void)version;
	if (r == NULL) {
		if ((cr = calloc(1, sizeof(*cr))) == NULL)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &cr->t0);
		r = &cr->r;
		util_arena_init(&r->arena, ARENA_LIMIT);
		util_buf_init(&r->body, app->cfg->max_request_body);
		r->app = app;
		r->conn = conn;
		r->method = method;
		r->url = url;
		*con_cls = r;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL) {
			errno = 0;
			n = strtoull(cl, &end, 10);
			if (errno != 0 || *end != '\0' ||
			    n > app->cfg->max_request_body) {
				/* Refuse before reading a byte of the body. */
				r->too_large = 1;
				return (enum MHD_Result)web_reply_error(r,
				    WE_TOO_LARGE, NULL, NULL);
			}
		}
		return MHD_YES;
	}
	if (r->responded) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		if (!r->too_large &&
		    util_buf_append(&r->body, upload, *upload_size) == -1) {
			r->too_large = 1;
			util_buf_release(&r->body);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->too_large)
		return (enum MHD_Result)web_reply_error(r, WE_TOO_LARGE, NULL,
		    NULL);
	return dispatch(r);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;
	struct conn_req *cr;

	(void)cls;
	(void)conn;
	(void)toe;
	if (r == NULL)
		return;
	cr = (struct conn_req *)r;
	stats_add(r, &cr->t0);
	access_log(r);
	util_buf_release(&r->body);
	util_arena_release(&r->arena);
	free(cr);
	*con_cls = NULL;
}

static void
on_panic(void *cls, const char *file, unsigned int line, const char *reason)
{
	(void)cls;
	log_err("libmicrohttpd panic at %s:%u: %s", file, line,
	    reason ? reason : "?");
	abort();
}

int
web_app_init(struct web_app *app, const struct config *cfg, struct store *st)
{
	char err[1024];

	memset(app, 0, sizeof(*app));
	app->cfg = cfg;
	app->store = st;
	app->tls = cfg->tls_cert[0] != '\0';
	util_random(app->csrf_key, sizeof(app->csrf_key));
	/* app->dummy_hash is made at the first sign-in (web/auth.c). */
	app->limits.max_attachment = cfg->max_attachment;
	app->limits.max_attachments = (size_t)cfg->max_attachments;
	if ((app->tmpl = web_tmpl_load_dir(cfg->templates, 1, err,
	    sizeof(err))) == NULL) {
		log_err("templates: %s", err);
		return -1;
	}
	if (load_statics(app, cfg->static_dir) == -1)
		return -1;
	/* The counters are the process's: one server per process. */
	if (stats == NULL &&
	    (stats = calloc(web_nroutes + 1, sizeof(*stats))) == NULL) {
		log_err("cannot allocate the request counters");
		return -1;
	}
	return 0;
}

void
web_app_release(struct web_app *app)
{
	size_t i;

	web_tmpl_set_free(app->tmpl);
	for (i = 0; i < app->nstatics; i++) {
		free(app->statics[i].name);
		free(app->statics[i].data);
	}
	free(app->statics);
	app->statics = NULL;
	app->nstatics = 0;
	free(stats);
	stats = NULL;
}

static char *
read_file(const char *path)
{
	FILE *f;
	char *p;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (p = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		fclose(f);
		return NULL;
	}
	p[n] = '\0';
	fclose(f);
	return p;
}

static int
parse_listen(const char *listen, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	char *end;
	long port;
	size_t hl;

	if (colon == NULL || (hl = (size_t)(colon - listen)) >= sizeof(host))
		return -1;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -1;
	return 0;
}

int
web_serve(struct web_app *app, const char *listen)
{
	const struct config *cfg = app->cfg;
	struct MHD_Daemon *d;
	struct sockaddr_in sa;
	sigset_t set;
	int sig;
	const union MHD_DaemonInfo *info;
	unsigned flags;
	char *cert = NULL, *key = NULL;
	long ncpu;
	int threads;

	if (parse_listen(listen, &sa) == -1) {
		log_err("cannot parse listen address %s (want ADDR:PORT)",
		    listen);
		return -1;
	}
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	threads = cfg->threads > 0 ? cfg->threads : (ncpu > 0 ? (int)ncpu : 2);
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ERROR_LOG;
	if (app->tls) {
		if ((cert = read_file(cfg->tls_cert)) == NULL ||
		    (key = read_file(cfg->tls_key)) == NULL) {
			log_err("cannot read TLS certificate or key");
			free(cert);
			return -1;
		}
		flags |= MHD_USE_TLS;
	}
	/* Block the stop signals in every thread (MHD's inherit the mask);
	 * the main thread waits for them with sigwait(). */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	MHD_set_panic_func(on_panic, NULL);
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_access, app,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->connection_timeout,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)cfg->per_ip_connections,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
	    MHD_OPTION_STRICT_FOR_CLIENT, 1,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
	    app->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
	    MHD_OPTION_HTTPS_MEM_KEY, key,
	    MHD_OPTION_END);
	if (d == NULL) {
		log_err("cannot listen on %s", listen);
		free(cert);
		free(key);
		return -1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	log_info("serving on %s://%s:%u with %d threads",
	    app->tls ? "https" : "http", inet_ntoa(sa.sin_addr),
	    info ? (unsigned)info->port : 0, threads);
	/* Links given to researchers: the configured public URL, else the
	 * address actually bound (port 0 resolved). */
	if (cfg->base_url[0] != '\0')
		snprintf(app->base_url, sizeof(app->base_url), "%s",
		    cfg->base_url);
	else
		snprintf(app->base_url, sizeof(app->base_url), "%s://%s:%u",
		    app->tls ? "https" : "http", inet_ntoa(sa.sin_addr),
		    info ? (unsigned)info->port : 0);
	while (strlen(app->base_url) > 0 &&
	    app->base_url[strlen(app->base_url) - 1] == '/')
		app->base_url[strlen(app->base_url) - 1] = '\0';
	/* Tests parse this line to learn the port when they pass :0. */
	printf("listening on %s:%u\n", inet_ntoa(sa.sin_addr),
	    info ? (unsigned)info->port : 0);
	fflush(stdout);

	while (!stop_requested) {
		if (sigwait(&set, &sig) == 0)
			stop_requested = 1;
	}
	log_info("stopping");
	MHD_stop_daemon(d);
	free(cert);
	free(key);
	return 0;
}
