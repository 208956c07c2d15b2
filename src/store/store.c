/* store/store.c - picks a backend by URL scheme and dispatches to it. */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#include "util/crypto.h"
#include "util/log.h"
#include "backend.h"

struct store {
	const struct store_ops	*ops;
	void			*impl;
};

static const struct store_ops *const backends[] = {
	&store_sqlite_ops,
};

int store_pool_size;	/* read by the backends */

void
store_set_pool_size(int n)
{
	store_pool_size = n;
}

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
int store_bulk_begin(struct store *s) { return s->ops->bulk(s->impl, 1); }
int store_bulk_end(struct store *s) { return s->ops->bulk(s->impl, 0); }
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

/* ---- the response team ---- */

int
store_user_by_email(struct store *s, const char *email, struct arena *a,
    struct store_user *u)
{
	return s->ops->user_by_email(s->impl, email, a, u);
}

int
store_user_get(struct store *s, int64_t id, struct arena *a,
    struct store_user *u)
{
	return s->ops->user_get(s->impl, id, a, u);
}

int
store_users_list(struct store *s, struct arena *a, struct store_user **u,
    size_t *n)
{
	return s->ops->users_list(s->impl, a, u, n);
}

int
store_user_disable(struct store *s, const char *email, time_t now)
{
	return s->ops->user_disable(s->impl, email, now);
}

int
store_user_set_password(struct store *s, int64_t id, const char *hash,
    time_t now)
{
	return s->ops->user_set_password(s->impl, id, hash, now);
}

int
store_session_add(struct store *s, const unsigned char *h, int64_t uid,
    time_t now)
{
	return s->ops->session_add(s->impl, h, uid, now);
}

int
store_session_user(struct store *s, const unsigned char *h, time_t now,
    time_t idle, time_t absolute, struct arena *a, struct store_user *u)
{
	return s->ops->session_user(s->impl, h, now, idle, absolute, a, u);
}

int
store_session_delete(struct store *s, const unsigned char *h)
{
	return s->ops->session_delete(s->impl, h);
}

int
store_sessions_end_others(struct store *s, int64_t uid,
    const unsigned char *keep)
{
	return s->ops->sessions_end_others(s->impl, uid, keep);
}

int
store_token_add(struct store *s, const unsigned char *h, int64_t uid,
    const char *name, time_t now)
{
	return s->ops->token_add(s->impl, h, uid, name, now);
}

int
store_token_user(struct store *s, const unsigned char *h, time_t now,
    struct arena *a, struct store_user *u)
{
	return s->ops->token_user(s->impl, h, now, a, u);
}

int
store_login_failure_add(struct store *s, const char *key, time_t now)
{
	return s->ops->login_failure_add(s->impl, key, now);
}

int
store_login_failures(struct store *s, const char *key, time_t since)
{
	return s->ops->login_failures(s->impl, key, since);
}

int
store_login_failures_clear(struct store *s, const char *key)
{
	return s->ops->login_failures_clear(s->impl, key);
}

int
store_audit_add(struct store *s, time_t now, const char *actor,
    const char *action, int64_t case_id, const char *details)
{
	return s->ops->audit_add(s->impl, now, actor, action, case_id,
	    details);
}

int
store_audit_verify(struct store *s, int64_t *bad, const char **why,
    int64_t *rows)
{
	return s->ops->audit_verify(s->impl, bad, why, rows);
}

int
store_audit_list(struct store *s, int64_t case_id, int limit, struct arena *a,
    struct store_audit **out, size_t *n)
{
	return s->ops->audit_list(s->impl, case_id, limit, a, out, n);
}

static void
put_u64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

/* SHA-256 over prev_hash and the row's fields, each string prefixed by
 * its length, so no two different rows serialise alike. */
void
store_audit_hash(unsigned char *out, const unsigned char *prev,
    const struct store_audit *a)
{
	const char *str[3] = { a->actor, a->action, a->details };
	unsigned char num[8];
	struct buf b;
	size_t i, len;

	util_buf_init(&b, 0);
	util_buf_append(&b, prev, STORE_HASH_LEN);
	put_u64(num, (uint64_t)a->at);
	util_buf_append(&b, num, 8);
	put_u64(num, (uint64_t)a->case_id);
	util_buf_append(&b, num, 8);
	for (i = 0; i < 3; i++) {
		len = str[i] ? strlen(str[i]) : 0;
		put_u64(num, (uint64_t)len);
		util_buf_append(&b, num, 8);
		util_buf_append(&b, str[i] ? str[i] : "", len);
	}
	if (b.failed)
		abort();	/* out of memory while hashing: cannot continue */
	util_sha256(out, b.data, b.len);
	util_buf_release(&b);
}

int
store_case_transition(struct store *s, int64_t id, const char *from,
    const char *to, const struct store_actor *who, const char *reason,
    const struct store_notify *n, time_t now)
{
	return s->ops->case_transition(s->impl, id, from, to, who, reason, n,
	    now);
}

int
store_case_assign(struct store *s, int64_t id, int64_t assignee,
    const struct store_actor *who, time_t now)
{
	return s->ops->case_assign(s->impl, id, assignee, who, now);
}

int
store_case_score(struct store *s, int64_t id, const char *vector, double score,
    const char *severity, const char *cwe, time_t due_at,
    const struct store_actor *who, time_t now)
{
	return s->ops->case_score(s->impl, id, vector, score, severity, cwe,
	    due_at, who, now);
}

int
store_case_duplicate(struct store *s, int64_t id, int64_t of, const char *from,
    const char *to, const struct store_actor *who, time_t now)
{
	return s->ops->case_duplicate(s->impl, id, of, from, to, who, now);
}

int
store_case_message_staff(struct store *s, int64_t id,
    const struct store_actor *who, const char *body, int internal,
    const char *from, const char *to, const struct store_notify *n,
    time_t now, int64_t *idp)
{
	return s->ops->case_message_staff(s->impl, id, who, body, internal,
	    from, to, n, now, idp);
}

int
store_case_message_researcher(struct store *s,
    const struct store_new_message *m, const char *from, const char *to)
{
	return s->ops->case_message_researcher(s->impl, m, from, to);
}

int
store_case_complete(struct store *s, int64_t id, const char *const *f,
    int tier, time_t now)
{
	return s->ops->case_complete(s->impl, id, f, tier, now);
}

int
store_case_by_tracking(struct store *s, const char *tid, struct arena *a,
    struct store_case *c)
{
	return s->ops->case_by_tracking(s->impl, tid, a, c);
}

int
store_queue(struct store *s, const struct store_queue_filter *f,
    struct arena *a, struct store_queue_row **rows, size_t *n, int64_t *total)
{
	return s->ops->queue(s->impl, f, a, rows, n, total);
}

int
store_state_counts(struct store *s, struct arena *a,
    struct store_state_count **c, size_t *n)
{
	return s->ops->state_counts(s->impl, a, c, n);
}

int
store_queue_prepare_all(struct store *s)
{
	return s->ops->queue_prepare_all(s->impl);
}

/* ---- e-mail ---- */

int
store_mail_save(struct store *s, const void *raw, size_t len, time_t now,
    int64_t *idp)
{
	return s->ops->mail_save(s->impl, raw, len, now, idp);
}

int
store_mail_update(struct store *s, int64_t id, const struct store_mail_info *m)
{
	return s->ops->mail_update(s->impl, id, m);
}

int
store_mail_get(struct store *s, int64_t id, struct arena *a,
    struct store_mail *m)
{
	return s->ops->mail_get(s->impl, id, a, m);
}

int
store_mail_flagged(struct store *s, int limit, struct arena *a,
    struct store_mail **m, size_t *n)
{
	return s->ops->mail_flagged(s->impl, limit, a, m, n);
}

int
store_mail_for_case(struct store *s, int64_t case_id, struct arena *a,
    struct store_mail **m, size_t *n)
{
	return s->ops->mail_for_case(s->impl, case_id, a, m, n);
}

int
store_case_by_message_id(struct store *s, const char *msgid, int64_t *case_id)
{
	return s->ops->case_by_message_id(s->impl, msgid, case_id);
}

int
store_autoreplies_since(struct store *s, const char *addr, time_t since)
{
	return s->ops->autoreplies_since(s->impl, addr, since);
}

int
store_case_thread(struct store *s, int64_t case_id, struct arena *a,
    const char **first, const char **last)
{
	return s->ops->case_thread(s->impl, case_id, a, first, last);
}

int
store_outbox_claim(struct store *s, time_t now, time_t stale, int max,
    struct arena *a, struct store_outbox **o, size_t *n)
{
	return s->ops->outbox_claim(s->impl, now, stale, max, a, o, n);
}

int
store_outbox_result(struct store *s, int64_t id, const char *status,
    time_t next_at, const char *error, time_t now)
{
	return s->ops->outbox_result(s->impl, id, status, next_at, error, now);
}

int
store_outbox_for_case(struct store *s, int64_t case_id, struct arena *a,
    struct store_outbox **o, size_t *n)
{
	return s->ops->outbox_for_case(s->impl, case_id, a, o, n);
}

int
store_outbox_backlog(struct store *s)
{
	return s->ops->outbox_backlog(s->impl);
}

int
store_outbox_add(struct store *s, const struct store_outbox *o, time_t now)
{
	return s->ops->outbox_add(s->impl, o, now);
}

/* ---- independent patch testing ---- */

int
store_product_plan_set(struct store *s, const struct store_product_plan *a1, time_t now, int64_t *idp)
{
	return s->ops->product_plan_set(s->impl, a1, now, idp);
}

int
store_product_plan_get(struct store *s, int64_t id, struct arena *a2, struct store_product_plan *a3)
{
	return s->ops->product_plan_get(s->impl, id, a2, a3);
}

int
store_product_by_name(struct store *s, const char *name, struct arena *a2, struct store_product_plan *a3)
{
	return s->ops->product_by_name(s->impl, name, a2, a3);
}

int
store_version_add(struct store *s, int64_t product_id, const char *name, const char *ref, time_t now, int64_t *idp)
{
	return s->ops->version_add(s->impl, product_id, name, ref, now, idp);
}

int
store_versions(struct store *s, int64_t product_id, struct arena *a2, struct store_version **a3, size_t *a4)
{
	return s->ops->versions(s->impl, product_id, a2, a3, a4);
}

int
store_version_get(struct store *s, int64_t id, struct arena *a2, struct store_version *a3)
{
	return s->ops->version_get(s->impl, id, a2, a3);
}

int
store_poc_add(struct store *s, int64_t case_id, const char *name, const void *data, size_t size, const struct store_actor *a5, time_t now, int64_t *idp)
{
	return s->ops->poc_add(s->impl, case_id, name, data, size, a5, now, idp);
}

int
store_pocs_for_run(struct store *s, int64_t case_id, int64_t product_id, struct arena *a3, struct store_poc **a4, size_t *a5)
{
	return s->ops->pocs_for_run(s->impl, case_id, product_id, a3, a4, a5);
}

int
store_pocs_for_case(struct store *s, int64_t case_id, struct arena *a2, struct store_poc **a3, size_t *a4)
{
	return s->ops->pocs_for_case(s->impl, case_id, a2, a3, a4);
}

int
store_patch_add(struct store *s, int64_t case_id, const char *kind, const char *content, const char *note, const int64_t *versions, size_t nversions, const struct store_actor *a7, time_t now, int64_t *idp, int *revision)
{
	return s->ops->patch_add(s->impl, case_id, kind, content, note, versions, nversions, a7, now, idp, revision);
}

int
store_patches(struct store *s, int64_t case_id, struct arena *a2, struct store_patch **a3, size_t *a4)
{
	return s->ops->patches(s->impl, case_id, a2, a3, a4);
}

int
store_patch_get(struct store *s, int64_t id, struct arena *a2, struct store_patch *a3)
{
	return s->ops->patch_get(s->impl, id, a2, a3);
}

int
store_runs_for_case(struct store *s, int64_t case_id, struct arena *a2, struct store_run **a3, size_t *a4)
{
	return s->ops->runs_for_case(s->impl, case_id, a2, a3, a4);
}

int
store_run_get(struct store *s, int64_t id, struct arena *a2, struct store_run *a3)
{
	return s->ops->run_get(s->impl, id, a2, a3);
}

int
store_run_steps(struct store *s, int64_t run_id, struct arena *a2, struct store_step **a3, size_t *a4)
{
	return s->ops->run_steps(s->impl, run_id, a2, a3, a4);
}

int
store_run_claim(struct store *s, time_t now, struct arena *a2, struct store_run *a3)
{
	return s->ops->run_claim(s->impl, now, a2, a3);
}

int
store_run_step_add(struct store *s, int64_t run_id, const struct store_step *a2)
{
	return s->ops->run_step_add(s->impl, run_id, a2);
}

int
store_run_finish(struct store *s, int64_t run_id, const char *status, int regressions_ok, int pocs_before_ok, int pocs_after_ok, const char *summary, const char *regression_of, time_t now)
{
	return s->ops->run_finish(s->impl, run_id, status, regressions_ok, pocs_before_ok, pocs_after_ok, summary, regression_of, now);
}

int
store_run_signoff(struct store *s, int64_t run_id, int64_t tester, const char *verdict, const char *comment, const struct store_actor *a5, time_t now)
{
	return s->ops->run_signoff(s->impl, run_id, tester, verdict, comment, a5, now);
}

int
store_runs_backlog(struct store *s, int *queued, int *running)
{
	return s->ops->runs_backlog(s->impl, queued, running);
}

int
store_verification_send(struct store *s, int64_t case_id, int64_t patch_id, time_t deadline, const struct store_actor *a4, const struct store_notify *a5, time_t now, int64_t *idp)
{
	return s->ops->verification_send(s->impl, case_id, patch_id, deadline, a4, a5, now, idp);
}

int
store_verification_current(struct store *s, int64_t case_id, struct arena *a2, struct store_verification *a3)
{
	return s->ops->verification_current(s->impl, case_id, a2, a3);
}

int
store_verification_answer(struct store *s, int64_t verification_id, const char *answer, const char *notes, const struct store_new_message *files_msg, const char *from_state, const char *to_state, time_t now)
{
	return s->ops->verification_answer(s->impl, verification_id, answer, notes, files_msg, from_state, to_state, now);
}

int
store_verification_waive(struct store *s, int64_t verification_id, const char *reason, const struct store_actor *a3, time_t now)
{
	return s->ops->verification_waive(s->impl, verification_id, reason, a3, now);
}

int
store_verifications_due(struct store *s, time_t now, struct arena *a2, struct store_verification **a3, size_t *a4)
{
	return s->ops->verifications_due(s->impl, now, a2, a3, a4);
}

int
store_verification_reminded(struct store *s, int64_t id, const struct store_notify *a2, time_t now)
{
	return s->ops->verification_reminded(s->impl, id, a2, now);
}

/* ---- releases, advisories, subscribers ---- */

int
store_release_add(struct store *s, const char *kind, time_t window_at, time_t notice_at, const char *justification, const struct store_actor *a5, time_t now, int64_t *idp)
{
	return s->ops->release_add(s->impl, kind, window_at, notice_at, justification, a5, now, idp);
}

int
store_releases(struct store *s, struct arena *a1, struct store_release **a2, size_t *a3)
{
	return s->ops->releases(s->impl, a1, a2, a3);
}

int
store_release_get(struct store *s, int64_t id, struct arena *a2, struct store_release *a3)
{
	return s->ops->release_get(s->impl, id, a2, a3);
}

int
store_release_add_case(struct store *s, int64_t release_id, int64_t case_id, const struct store_advisory_draft *a3, const struct store_actor *a4, time_t now)
{
	return s->ops->release_add_case(s->impl, release_id, case_id, a3, a4, now);
}

int
store_release_case_ids(struct store *s, int64_t release_id, struct arena *a2, int64_t **a3, size_t *a4)
{
	return s->ops->release_case_ids(s->impl, release_id, a2, a3, a4);
}

int
store_releases_due(struct store *s, time_t now, struct arena *a2, struct store_release **a3, size_t *a4)
{
	return s->ops->releases_due(s->impl, now, a2, a3, a4);
}

int
store_releases_notice_due(struct store *s, time_t now, struct arena *a2, struct store_release **a3, size_t *a4)
{
	return s->ops->releases_notice_due(s->impl, now, a2, a3, a4);
}

int
store_release_noticed(struct store *s, int64_t id, time_t now)
{
	return s->ops->release_noticed(s->impl, id, now);
}

int
store_release_publish(struct store *s, int64_t id, const char *prefix, const char *mail_domain, const struct store_actor *a4, time_t now)
{
	return s->ops->release_publish(s->impl, id, prefix, mail_domain, a4, now);
}

int
store_advisory_by_case(struct store *s, int64_t case_id, struct arena *a2, struct store_advisory *a3)
{
	return s->ops->advisory_by_case(s->impl, case_id, a2, a3);
}

int
store_advisory_get(struct store *s, const char *advisory_id, struct arena *a2, struct store_advisory *a3)
{
	return s->ops->advisory_get(s->impl, advisory_id, a2, a3);
}

int
store_advisories(struct store *s, struct arena *a1, struct store_advisory **a2, size_t *a3)
{
	return s->ops->advisories(s->impl, a1, a2, a3);
}

int
store_advisory_update(struct store *s, int64_t case_id, const struct store_advisory_draft *a2, const char *change, const struct store_actor *a4, time_t now)
{
	return s->ops->advisory_update(s->impl, case_id, a2, change, a4, now);
}

int
store_advisory_revisions(struct store *s, int64_t row, struct arena *a2, struct store_revision **a3, size_t *a4)
{
	return s->ops->advisory_revisions(s->impl, row, a2, a3, a4);
}

int
store_subscriber_add(struct store *s, const char *email, const char *products, const char *token, const char *mail_body, const char *message_id, time_t now)
{
	return s->ops->subscriber_add(s->impl, email, products, token, mail_body, message_id, now);
}

int
store_subscriber_confirm(struct store *s, const char *token, time_t now)
{
	return s->ops->subscriber_confirm(s->impl, token, now);
}

int
store_subscriber_remove(struct store *s, const char *token, time_t now)
{
	return s->ops->subscriber_remove(s->impl, token, now);
}

int
store_subscribers(struct store *s, struct arena *a1, struct store_subscriber **a2, size_t *a3)
{
	return s->ops->subscribers(s->impl, a1, a2, a3);
}

/* ---- post-mortems and turnaround metrics ---- */

int
store_postmortem_put(struct store *s, const struct store_postmortem *pm,
    const struct store_actor *who, time_t now)
{
	return s->ops->postmortem_put(s->impl, pm, who, now);
}

int
store_postmortem_get(struct store *s, int64_t case_id, struct arena *ar,
    struct store_postmortem *out)
{
	return s->ops->postmortem_get(s->impl, case_id, ar, out);
}

int
store_postmortem_scan(struct store *s, time_t from, time_t to,
    int (*fn)(void *, const struct store_postmortem *), void *arg)
{
	return s->ops->postmortem_scan(s->impl, from, to, fn, arg);
}

int
store_postmortem_examples(struct store *s, const char *cwe, time_t from,
    time_t to, int limit, struct arena *ar, struct store_postmortem **out,
    size_t *n)
{
	return s->ops->postmortem_examples(s->impl, cwe, from, to, limit, ar,
	    out, n);
}

int
store_postmortem_embarrassing(struct store *s, time_t from, time_t to,
    int limit, struct arena *ar, struct store_postmortem **out, size_t *n)
{
	return s->ops->postmortem_embarrassing(s->impl, from, to, limit, ar,
	    out, n);
}

int
store_metrics_refresh(struct store *s)
{
	return s->ops->metrics_refresh(s->impl);
}

int
store_metrics_scan(struct store *s, time_t from, time_t to,
    int (*fn)(void *, const struct store_metrics_row *), void *arg)
{
	return s->ops->metrics_scan(s->impl, from, to, fn, arg);
}

int
store_metrics_due(struct store *s, time_t from, time_t until, int limit,
    struct arena *ar, struct store_queue_row **out, size_t *n, int64_t *total)
{
	return s->ops->metrics_due(s->impl, from, until, limit, ar, out, n,
	    total);
}

int
store_gauges(struct store *s, time_t now, struct store_gauges *g)
{
	return s->ops->gauges(s->impl, now, g);
}

int
store_history_add(struct store *s, const struct store_history_case *hc,
    size_t n, int64_t *ids)
{
	return s->ops->history_add(s->impl, hc, n, ids);
}
