/* web/staff.h - what the response team can do to a case, shared by the
 * HTML pages (h_cases.c) and the JSON API (h_api_cases.c) so that both
 * follow exactly the same rules: the permission table, the lifecycle
 * table (core/lifecycle.h), the audit log.  Nothing here writes SQL or
 * HTML. */
#ifndef WEB_STAFF_H
#define WEB_STAFF_H
#include "core/lifecycle.h"
#include "core/perm.h"
#include "store/store.h"
#include "web.h"

/* Results of the operations below. */
enum staff_rc {
	STAFF_REPLIED = -1,	/* an error reply was queued (404, 503...) */
	STAFF_OK = 0,		/* done */
	STAFF_REFUSED = 1,	/* refused; *msg says why, for the user */
};

/* Loads the case named by a tracking ID for the signed-in user; on
 * failure replies 404 (no existence oracle) or 503.  With audit_view, a
 * "case.view" audit row records that this user read the report. */
int	web_staff_case(struct req *, const char *tracking_id,
	    struct store_case *, int audit_view);

/* The transitions this user may take from the case's state (buttons). */
size_t	web_staff_transitions(struct req *, const struct store_case *,
	    const struct core_transition **out, size_t max);

int	web_staff_transition(struct req *, const struct store_case *,
	    const char *to, const char *reason, const char **msg);
/* assignee: a user id, an e-mail, or "" / "0" to unassign. */
int	web_staff_assign(struct req *, const struct store_case *,
	    const char *assignee, const char **msg);
/* vector: CVSS 3.1 or 4.0, or "" to clear; cwe: "CWE-n", "" to clear. */
int	web_staff_score(struct req *, const struct store_case *,
	    const char *vector, const char *cwe, const char **msg);
/* of: the tracking ID of the original case. */
int	web_staff_duplicate(struct req *, const struct store_case *,
	    const char *of, const char **msg);
/* A message to the researcher, an internal note (internal=1), or a
 * request for information (request_info=1: a message to the researcher
 * that also moves the case from triage to needs_info). */
int	web_staff_message(struct req *, const struct store_case *,
	    const char *body, int internal, int request_info,
	    const char **msg);

/* Writes the post-mortem of a released (or closed) case from v (index
 * enum pm_field, core/postmortem.h); err[PMF__MAX] gets a message per
 * bad field.  (h_postmortem.c) */
int	web_staff_postmortem(struct req *, const struct store_case *,
	    const char *const *v, const char **err, const char **msg);
/* 1 if the case has a post-mortem, 0 if not, -1 on a store error. */
int	web_postmortem_exists(struct req *, const struct store_case *);
/* What a refused post-mortem form had typed, and why. */
struct web_pm_redo {
	const char	*v[11];		/* PMF__MAX */
	const char	*err[11];
	const char	*msg;
};
/* The post-mortem section of the case page (NULL before release). */
json_t	*web_postmortem_ctx(struct req *, const struct store_case *,
	    const struct web_pm_redo *);
/* The case page again, with the post-mortem form as typed (h_cases.c). */
int	web_case_page_pm(struct req *, const struct store_case *,
	    const struct web_pm_redo *, unsigned status);

/* The queue's query parameters (state, product, severity, channel,
 * assignee, overdue, q, sort, page, per_page), validated.  Returns 0, or
 * -1 with *bad naming the first invalid parameter. */
int	web_staff_queue_parse(struct req *, struct store_queue_filter *,
	    long *page, const char **bad);
/* A safe FTS5 query from words typed by a person: each word a quoted
 * phrase (quotes doubled), at most 10, all required. */
const char *web_staff_fts_query(struct req *, const char *q);

/* Fills n for an e-mail to the researcher of kind ("ack", "message",
 * "request_info", "status") with a fresh Message-ID; returns n, or NULL
 * when mail is turned off ([mail] notify = no). */
const struct store_notify *web_notify(struct req *, struct store_notify *n,
	    const char *kind, const char *body, const char *secret);

/* 1 if the user may take this action (the permission table). */
int	web_staff_may(struct req *, enum core_action);
/* The acting user, for the store. */
void	web_staff_actor(struct req *, struct store_actor *);

#endif
