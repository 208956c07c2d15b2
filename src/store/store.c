/* store/store.c - picks a backend by URL scheme and dispatches to it. */
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "backend.h"

struct store {
	const struct store_ops	*ops;
	void			*impl;
};

static const struct store_ops *const backends[] = {
	&store_sqlite_ops,
};

struct store *
store_open(const char *url)
{
	struct store *s;
	size_t i, n;
	const char *colon;

	if (url == NULL || (colon = strchr(url, ':')) == NULL) {
		log_err("database URL must look like sqlite:PATH");
		return NULL;
	}
	n = (size_t)(colon - url);
	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		if (strlen(backends[i]->scheme) != n ||
		    strncmp(backends[i]->scheme, url, n) != 0)
			continue;
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return NULL;
		s->ops = backends[i];
		if ((s->impl = s->ops->open(colon + 1)) == NULL) {
			free(s);
			return NULL;
		}
		return s;
	}
	log_err("unsupported database URL scheme in %s", url);
	return NULL;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	s->ops->close(s->impl);
	free(s);
}

int store_migrate(struct store *s) { return s->ops->migrate(s->impl); }
int store_schema_version(struct store *s) { return s->ops->schema_version(s->impl); }
int store_healthy(struct store *s) { return s->ops->healthy(s->impl); }
int store_user_count(struct store *s) { return s->ops->user_count(s->impl); }
int store_case_count(struct store *s) { return s->ops->case_count(s->impl); }

int
store_is_empty(struct store *s)
{
	return store_user_count(s) == 0 && store_case_count(s) == 0;
}

int
store_case_create(struct store *s, const struct store_new_case *nc,
    struct store_case_created *out)
{
	return s->ops->case_create(s->impl, nc, out);
}

int
store_case_by_token(struct store *s, const unsigned char *h, struct arena *a,
    struct store_case *c)
{
	return s->ops->case_by_token(s->impl, h, a, c);
}

int
store_case_get(struct store *s, int64_t id, struct arena *a,
    struct store_case *c)
{
	return s->ops->case_get(s->impl, id, a, c);
}

int
store_track_session_add(struct store *s, int64_t case_id,
    const unsigned char *h, time_t now, time_t expires)
{
	return s->ops->track_session_add(s->impl, case_id, h, now, expires);
}

int
store_case_by_track_session(struct store *s, const unsigned char *h,
    time_t now, struct arena *a, struct store_case *c)
{
	return s->ops->case_by_track_session(s->impl, h, now, a, c);
}

int
store_case_events(struct store *s, int64_t id, struct arena *a,
    struct store_event **ev, size_t *n)
{
	return s->ops->case_events(s->impl, id, a, ev, n);
}

int
store_case_messages(struct store *s, int64_t id, int internal,
    struct arena *a, struct store_message **m, size_t *n)
{
	return s->ops->case_messages(s->impl, id, internal, a, m, n);
}

int
store_case_attachments(struct store *s, int64_t id, struct arena *a,
    struct store_attachment **at, size_t *n)
{
	return s->ops->case_attachments(s->impl, id, a, at, n);
}

int
store_attachment_get(struct store *s, int64_t case_id, int64_t id,
    struct arena *a, struct store_attachment *at)
{
	return s->ops->attachment_get(s->impl, case_id, id, a, at);
}

int
store_message_add(struct store *s, const struct store_new_message *m,
    int64_t *idp)
{
	return s->ops->message_add(s->impl, m, idp);
}

int
store_products_list(struct store *s, struct arena *a,
    struct store_product **p, size_t *n)
{
	return s->ops->products_list(s->impl, a, p, n);
}

int
store_product_add(struct store *s, const char *name, const char *vendor,
    time_t now, int64_t *idp)
{
	return s->ops->product_add(s->impl, name, vendor, now, idp);
}

int
store_user_add(struct store *s, const struct store_user_new *u, int64_t *idp)
{
	return s->ops->user_add(s->impl, u, idp);
}
