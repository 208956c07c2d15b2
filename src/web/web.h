/* web/web.h - the HTTP layer's internal interface: the application state,
 * the per-request context, the route table and the reply helpers that
 * every handler (web/h_*.c) uses.  Handlers never write SQL: they call
 * store_* functions. */
#ifndef WEB_WEB_H
#define WEB_WEB_H
#include <stddef.h>
#include <time.h>
#include <stdint.h>

#include <jansson.h>

#include "core/report.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"
#include "errors.h"

struct store;
struct tmpl_set;
struct MHD_Connection;

struct static_file {
	char		*name;		/* path below /static/ */
	char		*data;
	size_t		 len;
	const char	*type;
	char		 etag[24];
};

struct web_app {
	const struct config	*cfg;
	struct store		*store;
	struct tmpl_set		*tmpl;
	int			 tls;
	unsigned char		 csrf_key[32];
	struct static_file	*statics;
	size_t			 nstatics;
	struct core_report_limits limits;
	char			 dummy_hash[256];	/* argon2id of nothing */
	char			 base_url[300];	/* for links; no trailing / */
};

/* What a handler returns once it has queued a reply (MHD_YES). */
#define WEB_DONE	1

#define REQ_MAX_HEADERS	8
#define REQ_MAX_PARAMS	3

struct route;

struct req {
	struct arena		 arena;
	struct web_app		*app;
	struct MHD_Connection	*conn;
	const char		*method;
	const char		*url;
	struct buf		 body;
	int			 too_large;
	int			 responded;
	const struct route	*route;
	const char		*param[REQ_MAX_PARAMS];
	const char		*hdr_name[REQ_MAX_HEADERS];
	const char		*hdr_value[REQ_MAX_HEADERS];
	int			 nhdr;
	unsigned		 status;	/* for the access log */
	/* the signed-in member of the team, if any (web/auth.c) */
	int			 authed;
	int			 via_token;	/* Bearer token: no CSRF */
	int64_t			 user_id;
	const char		*user_email;
	const char		*user_name;
	unsigned		 roles;		/* core_roles */
	int			 must_change;	/* one-time password in use */
	char			 session[48];	/* cookie secret: binds CSRF */
	const char		*client_ip;
	void			*scratch;	/* for callbacks */
	/* the report form reused to complete a case (h_track.c) */
	const char		*form_action, *form_csrf, *form_completing;
};

enum route_flags {
	RF_PUBLIC_CACHE	= 1 << 0,	/* cacheable public asset */
};

struct route {
	const char	*method;	/* "GET", "POST", ... */
	const char	*pattern;	/* path; a star matches one segment */
	const char	*action;	/* permission action (never NULL) */
	int		 (*fn)(struct req *);
	unsigned	 flags;
};

extern const struct route web_routes[];
extern const size_t web_nroutes;

/* Matches method+path; returns the route, or NULL with *path_matched set
 * when the path exists under another method (405). */
const struct route *web_route_match(const char *method, const char *path,
	    const char **params, int *path_matched);
/* "GET, POST" for a path that exists (405 replies). */
const char *web_route_allow(const char *path);

/* Request accessors. */
const char	*web_header(struct req *, const char *name);
const char	*web_query(struct req *, const char *name);
void		 web_add_header(struct req *, const char *name,
		    const char *value);
void		 web_set_cookie(struct req *, const char *name,
		    const char *value, const char *path, long max_age);

/* Replies.  Each returns the MHD result for the access handler.  body is
 * copied.  Security headers are added to every response. */
int	web_reply(struct req *, unsigned status, const char *type,
	    const void *body, size_t len);
int	web_reply_buf(struct req *, unsigned status, const char *type,
	    struct buf *);	/* takes the buffer's memory */
int	web_reply_page(struct req *, unsigned status, const char *tmpl,
	    json_t *ctx);	/* steals ctx */
int	web_reply_json(struct req *, unsigned status, json_t *);	/* steals */
int	web_reply_redirect(struct req *, unsigned status, const char *loc);
/* An error: JSON for /api/ paths, an HTML page otherwise. */
int	web_reply_error(struct req *, enum web_err, const char *field,
	    const char *detail);

/* Authentication (web/auth.c): resolves the session cookie or Bearer
 * token into r->authed and friends.  Returns 0, or -1 on a store error. */
int	web_auth_resolve(struct req *);
/* The client's address, for throttling keys. */
const char *web_client_ip(struct req *);
/* The CSRF token of this request's session (65 bytes incl. NUL). */
void	web_auth_csrf(struct req *, char *out65);
/* 1 if got is this session's CSRF token (always 1 for Bearer tokens). */
int	web_auth_csrf_ok(struct req *, const char *got);
/* Records an audit row; -1 when it could not be written (the caller
 * refuses what it was about to show). */
int	web_audit(struct req *, const char *action, int64_t case_id,
	    const char *details);

/* A form post (web/form.c): the parts of a multipart/form-data or
 * application/x-www-form-urlencoded body (urlencoded fields become text
 * parts), at most max_parts of them.  Checks the CSRF token.  Returns 0,
 * or -1 after replying (400, 403 or 415). */
struct web_form {
	struct web_part	*p;
	size_t		 n;
};
int	web_form_read(struct req *, struct web_form *, size_t max_parts);

/* Percent-encodes s for a URL (keeps A-Z a-z 0-9 - _ . ~ /). */
const char *web_url_encode(struct req *, const char *s);

/* Helpers for pages. */
json_t	*web_page_ctx(struct req *, const char *title);
char	*web_markdown_html(struct req *, const char *md);
void	 web_csrf_token(struct req *, const char *bind, char *out65);
int	 web_csrf_ok(struct req *, const char *bind, const char *got);
const char *web_fmt_time(struct req *, int64_t t);

/* The report form, reused on the tracking page to complete a report
 * that came by e-mail (h_report.c). */
int	web_report_complete_form(struct req *, unsigned status,
	    const char *const *fields, const struct core_report_errors *,
	    const char *action, const char *csrf, const char *tracking_id);
int	web_report_read_complete(struct req *, const char **fields,
	    struct core_report_errors *);

/* Handlers, by area. */
int	web_h_index(struct req *);
int	web_h_healthz(struct req *);
int	web_h_static(struct req *);
int	web_h_report_form(struct req *);
int	web_h_report_post(struct req *);
int	web_h_api_report_post(struct req *);
int	web_h_api_report_assess(struct req *);
int	web_h_track_token(struct req *);
int	web_h_track_case(struct req *);
int	web_h_track_message(struct req *);
int	web_h_track_attachment(struct req *);
int	web_h_track_complete_form(struct req *);
int	web_h_track_complete_post(struct req *);
int	web_h_login_form(struct req *);
int	web_h_login_post(struct req *);
int	web_h_logout(struct req *);
int	web_h_cases_list(struct req *);
int	web_h_case_view(struct req *);
int	web_h_case_post_transition(struct req *);
int	web_h_case_post_assign(struct req *);
int	web_h_case_post_scoring(struct req *);
int	web_h_case_post_duplicate(struct req *);
int	web_h_case_post_message(struct req *);
int	web_h_case_attachment(struct req *);
int	web_h_password_form(struct req *);
int	web_h_password_post(struct req *);
int	web_h_products_list(struct req *);
int	web_h_products_post(struct req *);
int	web_h_product_view(struct req *);
int	web_h_product_version_post(struct req *);
int	web_h_case_patch_post(struct req *);
int	web_h_case_poc_post(struct req *);
int	web_h_run_view(struct req *);
int	web_h_run_signoff_post(struct req *);
int	web_h_case_verification_post(struct req *);
int	web_h_case_waive_post(struct req *);
int	web_h_track_verification_post(struct req *);
int	web_h_api_patch_post(struct req *);
int	web_h_api_patches_get(struct req *);
int	web_h_api_poc_post(struct req *);
int	web_h_api_run_get(struct req *);
int	web_h_api_run_signoff(struct req *);
int	web_h_api_verification_post(struct req *);
int	web_h_api_waive_post(struct req *);
int	web_h_api_gate_get(struct req *);
int	web_h_api_products_get(struct req *);
int	web_h_api_products_post(struct req *);
int	web_h_releases_page(struct req *);
/* post-mortems, turnaround, training (issue 7) */
int	web_h_case_postmortem_post(struct req *);
int	web_h_api_postmortem_get(struct req *);
int	web_h_api_postmortem_put(struct req *);
int	web_h_prometheus(struct req *);		/* h_prometheus.c */
/* The request counters and latency histograms per route, in the
 * Prometheus text format (server.c); a label value escaped for it. */
int	web_http_metrics(struct buf *);
void	web_prom_escape(struct buf *, const char *);
int	web_h_metrics_dashboard(struct req *);	/* h_metrics.c */
int	web_h_metrics_csv(struct req *);
int	web_h_api_turnaround(struct req *);
int	web_h_training(struct req *);		/* h_training.c */
int	web_h_api_training(struct req *);
/* The period of a metrics or training page from the query: from/to
 * (YYYY-MM-DD, the last day included) or period=<preset>, default the
 * last full quarter.  Returns 0, or -1 with the field and a message. */
int	web_period(struct req *, time_t now, time_t *from, time_t *to,
	    const char **preset, const char **field, const char **msg);
/* The default period (the last full quarter). */
void	web_period_default(time_t now, time_t *from, time_t *to,
	    const char **preset);
/* The period links, the CSV and JSON links (prefixes ending in ? or &,
 * given from= and to= of ctx's model "m") of a report page. */
void	web_period_ctx(struct req *, json_t *ctx, const char *path,
	    const char *preset, const char *csv, const char *api);
/* Links to the preset periods of the page at path. */
json_t	*web_period_links(struct req *, const char *path,
	    const char *current);
int	web_h_releases_post(struct req *);
int	web_h_release_view(struct req *);
int	web_h_release_case_post(struct req *);
int	web_h_release_publish_post(struct req *);
int	web_h_case_advisory_post(struct req *);
int	web_h_advisories_index(struct req *);
int	web_h_advisory_page(struct req *);
int	web_h_advisories_atom(struct req *);
int	web_h_releases_ics(struct req *);
int	web_h_acknowledgements(struct req *);
int	web_h_security_txt(struct req *);
int	web_h_csaf_provider(struct req *);
int	web_h_csaf_index(struct req *);
int	web_h_csaf_changes(struct req *);
int	web_h_csaf_file(struct req *);
int	web_h_csaf_dir(struct req *);
int	web_h_csaf_year_dir(struct req *);
int	web_h_subscribe_form(struct req *);
int	web_h_subscribe_post(struct req *);
int	web_h_subscribe_confirm(struct req *);
int	web_h_unsubscribe(struct req *);
int	web_h_unsubscribe_post(struct req *);
int	web_h_api_releases_get(struct req *);
int	web_h_api_releases_post(struct req *);
int	web_h_api_release_get(struct req *);
int	web_h_api_release_case_post(struct req *);
int	web_h_api_release_publish(struct req *);
int	web_h_api_advisory_get(struct req *);
int	web_h_api_advisory_put(struct req *);
int	web_h_mail_list(struct req *);
int	web_h_mail_raw(struct req *);
int	web_h_api_cases_list(struct req *);
int	web_h_api_case_get(struct req *);
int	web_h_api_case_transition(struct req *);
int	web_h_api_case_message(struct req *);
int	web_h_api_case_assign(struct req *);
int	web_h_api_case_scoring(struct req *);
int	web_h_api_case_duplicate(struct req *);

/* server.c */
int	web_serve(struct web_app *, const char *listen);
int	web_app_init(struct web_app *, const struct config *, struct store *);
void	web_app_release(struct web_app *);
void	web_request_stop(void);

#endif
