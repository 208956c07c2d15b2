/* store/store.h - the storage interface.  Backend-neutral: no SQLite or
 * PostgreSQL type appears here.  store.c picks the backend from the URL
 * scheme ("sqlite:PATH"; "postgres://..." later) and dispatches through
 * struct store_ops.
 *
 * Return convention of lookups (STYLE.md): STORE_ERR (-2) hard error,
 * STORE_RETRY (-1) transient (busy; only store_* retries internally, so
 * callers normally never see it), STORE_NONE (0) not found, STORE_OK (1)
 * found / done.  Strings handed out are allocated from the caller's arena. */
#ifndef STORE_STORE_H
#define STORE_STORE_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct arena;

enum store_rc { STORE_ERR = -2, STORE_RETRY = -1, STORE_NONE = 0, STORE_OK = 1 };

#define STORE_HASH_LEN	32	/* SHA-256 / BLAKE2b-256 of secret tokens */

struct store;

struct store_attachment {
	int64_t		 id;
	const char	*filename;	/* sanitized display name */
	const char	*content_type;
	size_t		 size;
	char		 sha256[65];	/* hex */
	const void	*data;		/* only filled by store_attachment_get */
	int64_t		 message_id;	/* 0 = part of the report */
	time_t		 created_at;
};

/* An e-mail to the researcher, written to the outbox in the same
 * transaction as the change that causes it.  The recipient (address,
 * name, PGP key) is the case's reporter. */
struct store_notify {
	const char	*kind;		/* "ack", "message", "request_info", "status" */
	const char	*body;		/* the team's text, or "" */
	const char	*secret;	/* a tracking-link token to include once, or NULL */
	const char	*message_id;	/* pre-generated, without <> */
};

/* A new report, validated by core_report_validate() beforehand. */
struct store_new_case {
	const char	*tracking_prefix;	/* "VR" */
	const char	*channel;		/* "web", "api", "email" */
	time_t		 now;
	const char	*state;			/* "new" */
	/* report fields, index = enum report_field (core/report.h) */
	const char	*const *field;
	int		 tier;			/* enum report_tier */
	const struct store_attachment *attachments; /* data + sizes + names */
	size_t		 nattachments;
	unsigned char	 token_hash[STORE_HASH_LEN];	/* researcher link */
	time_t		 due_at;		/* 0 = none */
	int64_t		 mail_id;		/* the e-mail it came from, or 0 */
	const struct store_notify *notify;	/* acknowledgment, or NULL */
	const char	*note;			/* an internal note, or NULL */
};

struct store_case_created {
	int64_t		 id;
	char		 tracking_id[40];
};

struct store_case {
	int64_t		 id;
	const char	*tracking_id;
	const char	*state;
	const char	*channel;
	const char	*const *field;	/* enum report_field index, never NULL entries ("" when absent) */
	int		 tier;
	int64_t		 duplicate_of;	/* 0 = none */
	const char	*duplicate_of_tracking;
	time_t		 created_at;
	time_t		 updated_at;
	/* staff fields */
	int64_t		 assignee_id;	/* 0 = unassigned */
	const char	*assignee;	/* name, "" when unassigned */
	const char	*staff_cvss;	/* the team's vector */
	const char	*staff_cwe;
	const char	*severity;	/* "" = unscored */
	double		 score;		/* -1 = unscored */
	time_t		 due_at;	/* 0 = none */
};

struct store_event {
	time_t		 at;
	const char	*actor;		/* "researcher", "system", a user e-mail */
	const char	*kind;		/* "created", "transition", "message" ... */
	const char	*from_state;
	const char	*to_state;
	const char	*reason;
};

struct store_message {
	int64_t		 id;
	time_t		 at;
	const char	*author_kind;	/* "researcher" / "staff" */
	const char	*author;	/* display name */
	const char	*body;
	int		 internal;
};

struct store_new_message {
	int64_t		 case_id;
	const char	*channel;	/* "web" (default) or "email" */
	int64_t		 mail_id;	/* the e-mail it came from, or 0 */
	time_t		 now;
	const char	*author_kind;
	const char	*author;
	const char	*body;
	int		 internal;
	const struct store_attachment *attachments;
	size_t		 nattachments;
};

struct store_product {
	int64_t		 id;
	const char	*name;
	const char	*vendor;
};

struct store_user_new {
	const char	*email;
	const char	*name;
	const char	*roles;		/* comma-separated */
	const char	*password_hash;	/* argon2id string */
	time_t		 now;
	int		 must_change;	/* the password is a one-time one */
};

/* Connections each store_open() keeps; 0 (default) = sized to the CPUs.
 * One-shot commands (ingest-mail) use 1. */
void		 store_set_pool_size(int);
/* Open/close.  url: "sqlite:PATH".  Returns NULL with a message logged. */
struct store	*store_open(const char *url);
void		 store_close(struct store *);
/* Applies every pending migration, each in its own transaction.
 * Returns the number applied, or -1. */
int		 store_migrate(struct store *);
int		 store_schema_version(struct store *);
/* 1 if the database has never had demo data loaded / no users. */
int		 store_is_empty(struct store *);
int		 store_healthy(struct store *);
/* Bulk mode for imports (vigil ingest-mail --mbox): commits stop waiting
 * for the disk one by one; store_bulk_end() makes everything durable at
 * once.  Never used where an acknowledgment promises durability. */
int		 store_bulk_begin(struct store *);
int		 store_bulk_end(struct store *);

/* Cases.  create: one transaction (tracking id allocation, case, token,
 * attachments, first event); returns STORE_OK only once durably committed. */
int	store_case_create(struct store *, const struct store_new_case *,
	    struct store_case_created *);
/* By researcher token hash (a link token or a tracking cookie). */
int	store_case_by_token(struct store *, const unsigned char *hash,
	    struct arena *, struct store_case *);
int	store_case_get(struct store *, int64_t id, struct arena *,
	    struct store_case *);
/* Tracking-cookie sessions: a new random secret bound to the case. */
int	store_track_session_add(struct store *, int64_t case_id,
	    const unsigned char *hash, time_t now, time_t expires);
int	store_case_by_track_session(struct store *, const unsigned char *hash,
	    time_t now, struct arena *, struct store_case *);
int	store_case_events(struct store *, int64_t case_id, struct arena *,
	    struct store_event **, size_t *);
/* include_internal = 0 for anything a researcher sees. */
int	store_case_messages(struct store *, int64_t case_id,
	    int include_internal, struct arena *, struct store_message **,
	    size_t *);
int	store_case_attachments(struct store *, int64_t case_id,
	    struct arena *, struct store_attachment **, size_t *);
/* Only an attachment that belongs to case_id is returned. */
int	store_attachment_get(struct store *, int64_t case_id, int64_t id,
	    struct arena *, struct store_attachment *);
int	store_message_add(struct store *, const struct store_new_message *,
	    int64_t *idp);

/* Products. */
int	store_products_list(struct store *, struct arena *,
	    struct store_product **, size_t *);
int	store_product_add(struct store *, const char *name, const char *vendor,
	    time_t now, int64_t *idp);

/* Users (accounts of the response team). */
int	store_user_add(struct store *, const struct store_user_new *,
	    int64_t *idp);
int	store_user_count(struct store *);

/* Counters for the demo loader and tests. */
int	store_case_count(struct store *);

/* ---- the response team (issue: staff console) ---- */

struct store_user {
	int64_t		 id;
	const char	*email;
	const char	*name;
	const char	*roles;		/* "analyst,tester" */
	const char	*password_hash;	/* only filled by store_user_by_email */
	int		 disabled;
	int		 must_change;	/* a one-time password: change it first */
	time_t		 created_at;
};

int	store_user_by_email(struct store *, const char *email, struct arena *,
	    struct store_user *);
int	store_user_get(struct store *, int64_t id, struct arena *,
	    struct store_user *);
int	store_users_list(struct store *, struct arena *, struct store_user **,
	    size_t *);
/* STORE_NONE if no such user. */
int	store_user_disable(struct store *, const char *email, time_t now);
int	store_user_set_password(struct store *, int64_t id, const char *hash,
	    time_t now);

/* Sessions (hash of the cookie secret) and API tokens (hash of the
 * bearer secret).  Lookups return the user only while valid; a session
 * lookup also slides its idle expiry. */
int	store_session_add(struct store *, const unsigned char *hash,
	    int64_t user_id, time_t now);
int	store_session_user(struct store *, const unsigned char *hash,
	    time_t now, time_t idle, time_t absolute, struct arena *,
	    struct store_user *);
int	store_session_delete(struct store *, const unsigned char *hash);
/* Ends every session of the user but `keep` (NULL: all of them). */
int	store_sessions_end_others(struct store *, int64_t user_id,
	    const unsigned char *keep);
int	store_token_add(struct store *, const unsigned char *hash,
	    int64_t user_id, const char *name, time_t now);
int	store_token_user(struct store *, const unsigned char *hash,
	    time_t now, struct arena *, struct store_user *);

/* Login throttling: failures recorded per key ("account:<email>",
 * "ip:<addr>"); count since `since`. */
int	store_login_failure_add(struct store *, const char *key, time_t now);
int	store_login_failures(struct store *, const char *key, time_t since);
int	store_login_failures_clear(struct store *, const char *key);

/* The audit log: append-only, hash-chained.  Each row stores
 * hash = SHA-256(prev_hash || at || actor || action || case_id || details). */
struct store_audit {
	int64_t		 id;
	time_t		 at;
	const char	*actor;
	const char	*action;
	int64_t		 case_id;
	const char	*details;
	unsigned char	 prev_hash[STORE_HASH_LEN];
	unsigned char	 hash[STORE_HASH_LEN];
};
int	store_audit_add(struct store *, time_t now, const char *actor,
	    const char *action, int64_t case_id, const char *details);
/* Walks the chain; returns 1 when intact, 0 when broken (*bad_id = first
 * broken row, *why = static reason), STORE_ERR on error. */
int	store_audit_verify(struct store *, int64_t *bad_id, const char **why,
	    int64_t *rows);
int	store_audit_list(struct store *, int64_t case_id, int limit,
	    struct arena *, struct store_audit **, size_t *);
void	store_audit_hash(unsigned char *out, const unsigned char *prev,
	    const struct store_audit *);

/* Case changes by staff: each runs in one transaction together with its
 * event and its audit row. */
struct store_actor {
	int64_t		 user_id;	/* 0 = system */
	const char	*name;		/* e-mail, or "system"/"researcher" */
};
/* Moves from `from` to `to` only if the case is still in `from`
 * (STORE_NONE otherwise: someone else moved it). */
int	store_case_transition(struct store *, int64_t case_id,
	    const char *from, const char *to, const struct store_actor *,
	    const char *reason, const struct store_notify *, time_t now);
/* assignee 0 = unassigned. */
int	store_case_assign(struct store *, int64_t case_id, int64_t assignee,
	    const struct store_actor *, time_t now);
int	store_case_score(struct store *, int64_t case_id, const char *vector,
	    double score, const char *severity, const char *cwe, time_t due_at,
	    const struct store_actor *, time_t now);
/* Links case_id to `of` and, when to is not NULL, moves it from `from`
 * to `to` in the same transaction. */
int	store_case_duplicate(struct store *, int64_t case_id, int64_t of,
	    const char *from, const char *to, const struct store_actor *,
	    time_t now);
/* A staff message (internal or to the researcher) and, when to_state is
 * not NULL, a transition from from_state in the same transaction. */
int	store_case_message_staff(struct store *, int64_t case_id,
	    const struct store_actor *, const char *body, int internal,
	    const char *from_state, const char *to_state,
	    const struct store_notify *, time_t now, int64_t *idp);
/* The researcher writes; if the case waits in from_state it moves to
 * to_state (system actor) in the same transaction. */
int	store_case_message_researcher(struct store *,
	    const struct store_new_message *, const char *from_state,
	    const char *to_state);
/* The researcher completes their report (a mailed one, say): every
 * report field and the tier are replaced, while the case is still new,
 * in triage or waiting for information (STORE_NONE otherwise). */
int	store_case_complete(struct store *, int64_t case_id,
	    const char *const *field, int tier, time_t now);
int	store_case_by_tracking(struct store *, const char *tracking_id,
	    struct arena *, struct store_case *);

/* The triage queue. */
enum store_sort {
	SORT_CREATED_DESC, SORT_CREATED_ASC, SORT_UPDATED_DESC,
	SORT_SEVERITY_DESC, SORT_DUE_ASC, SORT__MAX
};
struct store_queue_filter {
	const char	*state;		/* NULL = any; "open" = not terminal */
	const char	*product;
	const char	*severity;	/* "critical", ..., "unscored" */
	const char	*channel;
	int64_t		 assignee;	/* 0 = any, -1 = unassigned */
	int		 overdue;	/* 1 = only overdue (due_at < now) */
	const char	*search;	/* full-text (already an FTS5 query) */
	enum store_sort	 sort;
	int		 limit, offset;
	time_t		 now;
};
struct store_queue_row {
	int64_t		 id;
	const char	*tracking_id;
	const char	*title;
	const char	*state;
	const char	*channel;
	const char	*product;
	const char	*severity;
	double		 score;		/* -1 = unscored */
	const char	*assignee;	/* name or "" */
	time_t		 created_at, updated_at, due_at;
};
int	store_queue(struct store *, const struct store_queue_filter *,
	    struct arena *, struct store_queue_row **, size_t *, int64_t *total);
/* Prepares every statement the queue can use; returns how many failed. */
int	store_queue_prepare_all(struct store *);
struct store_state_count { const char *state; int64_t n; };
int	store_state_counts(struct store *, struct arena *,
	    struct store_state_count **, size_t *);

/* ---- e-mail ---- */

/* Stores a raw inbound message durably (its own transaction) before
 * anything else looks at it. */
int	store_mail_save(struct store *, const void *raw, size_t len,
	    time_t now, int64_t *idp);
struct store_mail_info {
	const char	*status;	/* "threaded", "new_case", "flagged", "ignored" */
	int64_t		 case_id;	/* 0 = none */
	const char	*message_id, *from_addr, *subject, *flag;
	const char	*pgp, *sig, *sig_fpr;
	int		 sig_whole;
};
int	store_mail_update(struct store *, int64_t id,
	    const struct store_mail_info *);
struct store_mail {
	int64_t		 id;
	time_t		 received_at;
	size_t		 size;
	const char	*status, *message_id, *from_addr, *subject, *flag;
	const char	*pgp, *sig, *sig_fpr;
	int		 sig_whole;
	int64_t		 case_id;
	const void	*raw;		/* only from store_mail_get */
};
int	store_mail_get(struct store *, int64_t id, struct arena *,
	    struct store_mail *);
/* Messages that need a person (status "flagged"), newest first. */
int	store_mail_flagged(struct store *, int limit, struct arena *,
	    struct store_mail **, size_t *);
/* The mails of a case (signature and encryption status for staff). */
int	store_mail_for_case(struct store *, int64_t case_id, struct arena *,
	    struct store_mail **, size_t *);
/* The case a Message-ID belongs to: one we sent, or one we received. */
int	store_case_by_message_id(struct store *, const char *msgid,
	    int64_t *case_id);
/* Automatic replies sent to addr since `since` (RFC 3834 rate limit). */
int	store_autoreplies_since(struct store *, const char *addr, time_t since);
/* The first and the latest Message-ID of a case's thread (either may be
 * "" when there is none). */
int	store_case_thread(struct store *, int64_t case_id, struct arena *,
	    const char **first, const char **last);

/* The outbox. */
struct store_outbox {
	int64_t		 id;
	int64_t		 case_id;
	const char	*kind;
	time_t		 created_at;
	const char	*to_addr, *to_name, *pgp_key, *body, *secret;
	const char	*message_id;
	const char	*status;	/* pending, sending, sent, failed */
	int		 attempts;
	time_t		 next_attempt_at, sent_at;
	const char	*last_error;
};
/* Claims up to max due messages (pending and due, or stuck in "sending"
 * for more than `stale` seconds) for this worker. */
int	store_outbox_claim(struct store *, time_t now, time_t stale, int max,
	    struct arena *, struct store_outbox **, size_t *);
/* Records a delivery attempt: status "sent", "failed" (given up) or
 * "pending" (retry at next_at).  A sent message's secret is erased. */
int	store_outbox_result(struct store *, int64_t id, const char *status,
	    time_t next_at, const char *error, time_t now);
int	store_outbox_for_case(struct store *, int64_t case_id, struct arena *,
	    struct store_outbox **, size_t *);
/* Messages pending or being sent. */
int	store_outbox_backlog(struct store *);
/* An e-mail not tied to a case (e.g. to a subscriber); recipient given. */
int	store_outbox_add(struct store *, const struct store_outbox *,
	    time_t now);

/* ---- independent patch testing ---- */

struct store_product_plan {
	int64_t		 id;
	const char	*name, *vendor;
	const char	*source;	/* git repository or folder on the host */
	const char	*build_cmd, *test_cmd, *poc_cmd;	/* poc: "{poc}" = the file */
	const char	*oracle;	/* "crash", "nonzero" or "match:REGEX" */
};
struct store_version {
	int64_t		 id;
	int64_t		 product_id;
	const char	*name;		/* "1.4.2" */
	const char	*ref;		/* git ref, or a tarball path, or "" (the folder as is) */
};
int	store_product_plan_set(struct store *, const struct store_product_plan *,
	    time_t now, int64_t *idp);	/* insert or update by name */
int	store_product_plan_get(struct store *, int64_t id, struct arena *,
	    struct store_product_plan *);
int	store_product_by_name(struct store *, const char *name, struct arena *,
	    struct store_product_plan *);
int	store_version_add(struct store *, int64_t product_id, const char *name,
	    const char *ref, time_t now, int64_t *idp);
int	store_versions(struct store *, int64_t product_id, struct arena *,
	    struct store_version **, size_t *);
int	store_version_get(struct store *, int64_t id, struct arena *,
	    struct store_version *);

/* Proofs of concept: the case's, and every PoC of the product that was
 * part of a passed run (regression memory). */
struct store_poc {
	int64_t		 id;
	int64_t		 case_id;
	const char	*case_tracking;
	const char	*name;
	const void	*data;
	size_t		 size;
	int		 regression;	/* from an earlier, fixed case */
};
int	store_poc_add(struct store *, int64_t case_id, const char *name,
	    const void *data, size_t size, const struct store_actor *,
	    time_t now, int64_t *idp);
/* The case's PoCs, then the product's regression PoCs of other cases. */
int	store_pocs_for_run(struct store *, int64_t case_id, int64_t product_id,
	    struct arena *, struct store_poc **, size_t *);
int	store_pocs_for_case(struct store *, int64_t case_id, struct arena *,
	    struct store_poc **, size_t *);

struct store_patch {
	int64_t		 id;
	int64_t		 case_id;
	int		 revision;
	int64_t		 author_id;
	const char	*author;	/* name */
	const char	*kind;		/* "diff" or "gitref" */
	const char	*content;	/* the diff, or the ref */
	const char	*note;
	time_t		 created_at;
};
/* A new revision (its number is the next of the case) for the given
 * versions, with one queued test run per version, in one transaction. */
int	store_patch_add(struct store *, int64_t case_id, const char *kind,
	    const char *content, const char *note, const int64_t *versions,
	    size_t nversions, const struct store_actor *, time_t now,
	    int64_t *idp, int *revision);
int	store_patches(struct store *, int64_t case_id, struct arena *,
	    struct store_patch **, size_t *);	/* newest first */
int	store_patch_get(struct store *, int64_t id, struct arena *,
	    struct store_patch *);

struct store_run {
	int64_t		 id;
	int64_t		 patch_id;
	int		 revision;
	int64_t		 case_id;
	int64_t		 version_id;
	const char	*version;	/* name */
	const char	*status;	/* queued, running, passed, failed, error */
	time_t		 queued_at, started_at, finished_at;
	int		 regressions_ok, pocs_before_ok, pocs_after_ok;
	const char	*summary;	/* for people */
	const char	*regression_of;	/* tracking IDs whose PoC reproduced again */
	/* the sign-off, if any */
	const char	*signoff;	/* "", "pass", "fail" */
	int64_t		 signer_id;
	const char	*signer;
	const char	*signoff_comment;
};
struct store_step {
	int64_t		 id;
	int		 seq;
	const char	*name;		/* "build (unpatched)", "poc long-name.txt (unpatched)", ... */
	const char	*verdict;	/* "ok", "failed", "reproduced", "not_reproduced", "killed" */
	int		 exit_status, signal, timed_out, truncated;
	double		 duration;
	const char	*output;
	size_t		 output_len;
};
int	store_runs_for_case(struct store *, int64_t case_id, struct arena *,
	    struct store_run **, size_t *);	/* newest first */
int	store_run_get(struct store *, int64_t id, struct arena *,
	    struct store_run *);
int	store_run_steps(struct store *, int64_t run_id, struct arena *,
	    struct store_step **, size_t *);
/* Claims the oldest queued run (queued -> running). STORE_NONE if none. */
int	store_run_claim(struct store *, time_t now, struct arena *,
	    struct store_run *);
int	store_run_step_add(struct store *, int64_t run_id,
	    const struct store_step *);
/* Finishes a run; when it passed, the PoCs it ran become regression
 * memory of the product. */
int	store_run_finish(struct store *, int64_t run_id, const char *status,
	    int regressions_ok, int pocs_before_ok, int pocs_after_ok,
	    const char *summary, const char *regression_of, time_t now);
/* Sign-off by a tester: STORE_NONE if the run is not finished. */
int	store_run_signoff(struct store *, int64_t run_id, int64_t tester,
	    const char *verdict, const char *comment,
	    const struct store_actor *, time_t now);
/* Queued and running runs (for /metrics and the queue). */
int	store_runs_backlog(struct store *, int *queued, int *running);

/* Researcher verification of a patch revision. */
struct store_verification {
	int64_t		 id;
	int64_t		 case_id;
	int64_t		 patch_id;
	int		 revision;
	time_t		 sent_at, deadline, reminded_at;
	const char	*answer;	/* "", fixed, not_fixed, broke_something */
	time_t		 answered_at;
	const char	*notes;
	const char	*waived_by;
	const char	*waive_reason;
	time_t		 waived_at;
};
int	store_verification_send(struct store *, int64_t case_id,
	    int64_t patch_id, time_t deadline, const struct store_actor *,
	    const struct store_notify *, time_t now, int64_t *idp);
/* The latest verification of the case (STORE_NONE if never sent). */
int	store_verification_current(struct store *, int64_t case_id,
	    struct arena *, struct store_verification *);
/* The researcher's answer; with to_state (fixing) the case moves there
 * from from_state in the same transaction (system actor). */
int	store_verification_answer(struct store *, int64_t verification_id,
	    const char *answer, const char *notes,
	    const struct store_new_message *files_msg, const char *from_state,
	    const char *to_state, time_t now);
int	store_verification_waive(struct store *, int64_t verification_id,
	    const char *reason, const struct store_actor *, time_t now);
/* Verifications past their deadline with no answer and no reminder. */
int	store_verifications_due(struct store *, time_t now, struct arena *,
	    struct store_verification **, size_t *);
int	store_verification_reminded(struct store *, int64_t id,
	    const struct store_notify *, time_t now);

/* ---- releases, advisories, subscribers ---- */

struct store_release {
	int64_t		 id;
	const char	*kind;		/* "scheduled" or "out_of_band" */
	time_t		 window_at;	/* when it is published (UTC) */
	time_t		 notice_at;	/* advance notice to subscribers */
	const char	*status;	/* "planned" or "published" */
	const char	*justification;	/* why out of band */
	const char	*created_by;
	time_t		 created_at, published_at, noticed_at;
	int		 ncases;
};
struct store_advisory_draft {
	const char	*title, *summary, *cve, *workarounds, *mitigations;
	const char	*known_issues, *acknowledgment, *affected, *fixed;
	int		 restart_required;	/* enum publish_restart */
};
struct store_advisory {
	int64_t		 row;
	const char	*advisory_id;	/* "" until published */
	int64_t		 case_id;
	int64_t		 release_id;
	struct store_advisory_draft d;
	int		 revision;	/* current revision, 0 = draft */
	time_t		 published_at, updated_at;
};
struct store_revision {
	int		 number;
	time_t		 at;
	const char	*summary;
};
struct store_subscriber {
	int64_t		 id;
	const char	*email, *products, *token;
	time_t		 confirmed_at;
};

int	store_release_add(struct store *, const char *kind, time_t window_at,
	    time_t notice_at, const char *justification,
	    const struct store_actor *, time_t now, int64_t *idp);
int	store_releases(struct store *, struct arena *, struct store_release **,
	    size_t *);		/* latest window first */
int	store_release_get(struct store *, int64_t id, struct arena *,
	    struct store_release *);
/* Puts a case that is "ready" into a planned release: ready ->
 * scheduled, and its advisory draft.  STORE_NONE when the case is not
 * ready any more, is in a release already, or the release is not
 * planned. */
int	store_release_add_case(struct store *, int64_t release_id,
	    int64_t case_id, const struct store_advisory_draft *,
	    const struct store_actor *, time_t now);
int	store_release_case_ids(struct store *, int64_t release_id,
	    struct arena *, int64_t **, size_t *);
/* Planned releases whose window has come / whose notice date has come
 * without a notice sent. */
int	store_releases_due(struct store *, time_t now, struct arena *,
	    struct store_release **, size_t *);
int	store_releases_notice_due(struct store *, time_t now, struct arena *,
	    struct store_release **, size_t *);
int	store_release_noticed(struct store *, int64_t id, time_t now);
/* Publishes: each case of the release gets its advisory ID
 * (PREFIX-YEAR-NNNN) and revision 1, moves scheduled -> released, and
 * its researcher an e-mail; the release is published.  One transaction. */
int	store_release_publish(struct store *, int64_t id, const char *prefix,
	    const char *mail_domain, const struct store_actor *, time_t now);
int	store_advisory_by_case(struct store *, int64_t case_id, struct arena *,
	    struct store_advisory *);
int	store_advisory_get(struct store *, const char *advisory_id,
	    struct arena *, struct store_advisory *);
/* Published advisories, newest first. */
int	store_advisories(struct store *, struct arena *,
	    struct store_advisory **, size_t *);
/* Edits the draft (change == NULL, before publication), or corrects a
 * published advisory: a new revision with `change` as its summary. */
int	store_advisory_update(struct store *, int64_t case_id,
	    const struct store_advisory_draft *, const char *change,
	    const struct store_actor *, time_t now);
int	store_advisory_revisions(struct store *, int64_t row, struct arena *,
	    struct store_revision **, size_t *);
/* Subscribers (double opt-in): add queues the confirmation mail (body
 * given) in the same transaction; STORE_NONE if already confirmed. */
int	store_subscriber_add(struct store *, const char *email,
	    const char *products, const char *token, const char *mail_body,
	    const char *message_id, time_t now);
int	store_subscriber_confirm(struct store *, const char *token, time_t now);
int	store_subscriber_remove(struct store *, const char *token, time_t now);
int	store_subscribers(struct store *, struct arena *,
	    struct store_subscriber **, size_t *);	/* confirmed, active */


/* ---- post-mortems and turnaround metrics (issue 7) ---- */

/* Which practice should have caught the flaw; validated by
 * core_postmortem_validate() (core/postmortem.h). */
struct store_postmortem {
	int64_t		 case_id;
	const char	*tracking_id;	/* filled by get/examples */
	const char	*cwe;		/* root cause, "CWE-79" */
	const char	*component;
	const char	*introduced_in;	/* version or commit */
	const char	*how_found;
	const char	*practice;	/* "code_review", ... */
	int64_t		 regression_of;	/* the earlier case, 0 = none */
	const char	*regression_of_tracking; /* "" when none */
	int		 reissued;	/* the patch had to be re-issued */
	const char	*root_cause;	/* what went wrong, in words */
	const char	*fix;		/* how it was fixed */
	const char	*lessons;
	const char	*tags;		/* training tags, comma-separated */
	const char	*author;
	const char	*reporter_name;	/* filled by get/examples: for */
	const char	*reporter_email; /* anonymising training material */
	const char	*credit;
	time_t		 released_at;	/* the case's first release */
	time_t		 created_at, updated_at;
};

/* Saves (creates or replaces) the post-mortem of a released or closed
 * case, with an event and an audit row.  released_at is taken from the
 * case's history.  STORE_NONE when the case is not released/closed. */
int	store_postmortem_put(struct store *, const struct store_postmortem *,
	    const struct store_actor *, time_t now);
int	store_postmortem_get(struct store *, int64_t case_id, struct arena *,
	    struct store_postmortem *);
/* Every post-mortem of a case released in [from, to), oldest release
 * first; the row's strings live until fn returns; tracking ids, texts and
 * author are not filled (NULL).  fn returns 0 to go on, -1 to stop. */
int	store_postmortem_scan(struct store *, time_t from, time_t to,
	    int (*fn)(void *, const struct store_postmortem *), void *arg);
/* The latest `limit` post-mortems with this CWE released in [from, to),
 * every field filled. */
int	store_postmortem_examples(struct store *, const char *cwe,
	    time_t from, time_t to, int limit, struct arena *,
	    struct store_postmortem **, size_t *);
/* The latest `limit` regressions or re-issued patches in [from, to). */
int	store_postmortem_embarrassing(struct store *, time_t from, time_t to,
	    int limit, struct arena *, struct store_postmortem **, size_t *);

/* One case as the turnaround dashboard sees it: its milestones turned
 * into phase durations by core_metrics_case().  Kept up to date in
 * table case_metrics: every write that can change them marks the case,
 * and store_metrics_scan() recomputes marked cases first. */
struct store_metrics_row {
	int64_t		 case_id;
	time_t		 received_at;
	const char	*channel;	/* "web", "api", "email" */
	const char	*severity;	/* "" = unscored */
	const char	*product;	/* the product named in the report */
	const char	*state;
	int64_t		 phase[6];	/* enum core_metrics_phase; -1 = not reached */
	int64_t		 total;		/* received -> released, -1 */
	int64_t		 researcher;	/* verification sent -> answered, -1 */
	unsigned	 clarifications, reissued, reopened;
	time_t		 released_at;	/* 0 = not released */
	time_t		 due_at;	/* 0 = none */
};
/* Brings case_metrics up to date (the marked cases only). */
int	store_metrics_refresh(struct store *);
/* Refreshes, then calls fn for every case received in [from, to), in
 * received order; strings live until fn returns.  fn returns 0 to go on,
 * -1 to stop. */
int	store_metrics_scan(struct store *, time_t from, time_t to,
	    int (*fn)(void *, const struct store_metrics_row *), void *arg);
/* Open cases (not released, closed, rejected, duplicate or not
 * reproducible) due in [from, until), soonest first, at most `limit`;
 * *total gets how many there are in all. */
int	store_metrics_due(struct store *, time_t from, time_t until,
	    int limit, struct arena *, struct store_queue_row **, size_t *,
	    int64_t *total);

/* Figures for /metrics (Prometheus). */
struct store_gauges {
	int64_t		 outbox_backlog;	/* pending + sending */
	int64_t		 outbox_failed;
	int64_t		 runs_queued, runs_running;
	int64_t		 sla_breached;		/* open cases past due */
	int64_t		 sla_breached_sev[5];	/* critical, high, medium,
						 * low, unscored */
};
int	store_gauges(struct store *, time_t now, struct store_gauges *);

/* Generated history (vigil demo --history): whole cases with their
 * events written in one go, in bulk transactions. */
struct store_history_event {
	time_t		 at;
	const char	*actor;
	const char	*from, *to;	/* a transition; from "" = "created" */
	const char	*reason;
};
struct store_history_case {
	const char	*tracking_prefix;
	const char	*channel, *severity, *cvss, *cwe;
	double		 score;		/* CVSS base score; -1 = unscored */
	const char	*product, *versions, *title, *description;
	const char	*reporter_name, *reporter_email;
	const char	*state;		/* the state after the last event */
	time_t		 created_at, due_at;
	time_t		 acked_at;	/* e-mail: when the acknowledgment left */
	time_t		 verify_sent, verify_answered; /* 0 = none */
	const struct store_history_event *ev;
	size_t		 nev;
	const struct store_postmortem *pm;	/* or NULL */
};
/* Inserts n cases (with events, an acknowledgment row in the outbox
 * marked sent for e-mail, the verification sent/answered events, a
 * post-mortem) in one transaction, then computes their metrics.  Each
 * case gets a tracking id of its created_at year; ids (may be NULL)
 * receives the n new case ids, so that a later batch can point a
 * post-mortem's regression_of (a case id) at an earlier case.  A
 * post-mortem's released_at is taken from the first transition to
 * "released" in ev. */
int	store_history_add(struct store *, const struct store_history_case *,
	    size_t n, int64_t *ids);

#endif
