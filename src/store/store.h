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
};

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

#endif
