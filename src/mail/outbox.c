/* mail/outbox.c - the outbox worker.  Claims due messages (a claim is a
 * transaction, so several workers on one database never send a message
 * twice), writes each text from the case it belongs to, composes it
 * (encrypted to the researcher's key when they gave one), sends it through
 * the relay and records the outcome: sent, retry later with exponential
 * back-off (1 minute doubling up to 6 hours), or failed. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/lifecycle.h"
#include "core/report.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/log.h"
#include "mail.h"
#include "mail_jobs.h"

#define CLAIM_MAX	16
#define STALE_SECONDS	600	/* a claim older than this is retried */
#define BACKOFF_MAX	(6 * 3600)

static time_t
backoff(int attempts)
{
	time_t d = 60;

	while (--attempts > 0 && d < BACKOFF_MAX)
		d *= 2;
	return d > BACKOFF_MAX ? BACKOFF_MAX : d;
}

/* security@example.org + VR-2026-0001 -> security+VR-2026-0001@example.org */
static const char *
plus_address(struct arena *a, const char *address, const char *tid)
{
	const char *at = strchr(address, '@');

	if (at == NULL || tid == NULL || *tid == '\0')
		return address;
	return util_arena_printf(a, "%.*s+%s%s", (int)(at - address), address,
	    tid, at);
}

/* The address inside "Name <addr>" or the string itself. */
static const char *
bare_address(struct arena *a, const char *from)
{
	const char *lt = strrchr(from, '<'), *gt;

	if (lt == NULL || (gt = strchr(lt, '>')) == NULL)
		return from;
	return util_arena_strndup(a, lt + 1, (size_t)(gt - lt - 1));
}

static const char *
state_words(const char *state)
{
	int st = core_state_parse(state);

	switch (st) {
	case ST_CONFIRMED:
		return "We have reproduced the issue you reported and are "
		    "working on a fix.";
	case ST_VERIFYING:
		return "A fix is ready for you to verify. Please open your "
		    "tracking page to try it and tell us whether it resolves "
		    "the issue.";
	case ST_RELEASED:
		return "The fix has been released, with its advisory.";
	case ST_REJECTED:
		return "After review, we concluded that this report does not "
		    "describe a security vulnerability in our products.";
	case ST_NOT_REPRODUCIBLE:
		return "We could not reproduce the issue with the information "
		    "we have. If you can add details, please reply.";
	case ST_CLOSED:
		return "This case is now closed. Thank you for your help.";
	default:
		return "The status of your report has changed.";
	}
}

/* For a mailed report: what the report form would still ask for.
 * Writes the list and returns how many fields are missing. */
static int
missing_fields(struct buf *b, const struct store_case *c)
{
	struct core_report rep;
	struct core_report_errors errs;
	int k, n = 0;

	if (strcmp(c->channel, "email") != 0)
		return 0;
	for (k = 0; k < RF__MAX; k++)
		rep.field[k] = c->field[k];
	rep.attachments = NULL;
	rep.nattachments = 0;
	core_report_validate(&rep, NULL, NULL, &errs);
	for (k = 0; k < RF__MAX; k++) {
		if (errs.msg[k] == NULL || k == RF_ATTACHMENTS)
			continue;
		if (n++ == 0)
			util_buf_puts(b, "To act on it quickly we still need:\n");
		util_buf_printf(b, "  - %s\n", core_report_field_label(k));
	}
	if (n > 0)
		util_buf_putc(b, '\n');
	return n;
}

/* Subject and body of one message.  Subjects carry the tracking ID and
 * never the report's title: they travel in the clear even when the body
 * is encrypted. */
static int
write_text(struct arena *a, const struct config *cfg,
    const struct store_outbox *o, const struct store_case *c,
    const char **subject, const char **body)
{
	struct buf b;
	const char *tid = c ? c->tracking_id : "";
	const char *base = cfg->base_url[0] ? cfg->base_url : "";

	util_buf_init(&b, 1024 * 1024);
	util_buf_printf(&b, "Hello%s%s,\n\n", o->to_name[0] ? " " : "",
	    o->to_name);
	if (strcmp(o->kind, "ack") == 0) {
		*subject = util_arena_printf(a, "[%s] Your report has been "
		    "received", tid);
		util_buf_printf(&b, "Thank you for your report. It has the "
		    "tracking number %s.\n\n", tid);
		if (c != NULL && missing_fields(&b, c) > 0 &&
		    o->secret[0] != '\0' && base[0] != '\0')
			util_buf_printf(&b, "You can complete it in one step "
			    "on our report form, already filled in with what "
			    "your e-mail said:\n\n  %s/track/%s?next=complete"
			    "\n\n", base, o->secret);
		if (o->secret[0] != '\0' && base[0] != '\0')
			util_buf_printf(&b, "You can follow it, and write to "
			    "us, on your private tracking page:\n\n  %s/track/"
			    "%s\n\nKeep these links to yourself: anyone who "
			    "has them can read the case.\n\n", base, o->secret);
		util_buf_printf(&b, "We will look at it shortly and tell you "
		    "what happens next. To add anything, reply to this "
		    "e-mail; keep %s in the subject.\n", tid);
	} else if (strcmp(o->kind, "message") == 0 ||
	    strcmp(o->kind, "request_info") == 0) {
		*subject = strcmp(o->kind, "request_info") == 0 ?
		    util_arena_printf(a, "[%s] A question about your report",
		    tid) : util_arena_printf(a, "[%s] A message about your "
		    "report", tid);
		util_buf_puts(&b, o->body);
		util_buf_printf(&b, "\n\nReply to this e-mail to answer; keep "
		    "%s in the subject.\n", tid);
	} else if (strcmp(o->kind, "verification") == 0) {
		*subject = util_arena_printf(a, "[%s] Please verify the fix",
		    tid);
		util_buf_puts(&b, "A fix for the issue you reported has passed "
		    "our independent testing. Before we release it, please "
		    "check that it resolves the issue: the patch is on your "
		    "tracking page, where you can answer \"fixed\", \"not "
		    "fixed\" or \"fixed, but it broke something\", with notes "
		    "and files.\n");
		if (o->body[0] != '\0')
			util_buf_printf(&b, "\n%s\n", o->body);
	} else if (strcmp(o->kind, "verification_reminder") == 0) {
		*subject = util_arena_printf(a, "[%s] Reminder: please verify "
		    "the fix", tid);
		util_buf_puts(&b, "We are still waiting for your answer about "
		    "the fix we sent you. Please open your tracking page and "
		    "tell us whether it resolves the issue.\n");
	} else if (strcmp(o->kind, "advisory_published") == 0) {
		*subject = util_arena_printf(a, "[%s] The advisory is "
		    "published", tid);
		util_buf_printf(&b, "The fix for the issue you reported has "
		    "been released with advisory %s:\n\n  %s/advisories/%s\n\n"
		    "Thank you for your help.\n", o->body, base, o->body);
	} else if (strcmp(o->kind, "release_notice") == 0 ||
	    strcmp(o->kind, "release_published") == 0 ||
	    strcmp(o->kind, "subscribe_confirm") == 0) {
		*subject = strcmp(o->kind, "release_notice") == 0 ?
		    util_arena_printf(a, "%s: advance notice of a security "
		    "release", cfg->team_name) : strcmp(o->kind,
		    "release_published") == 0 ? util_arena_printf(a, "%s: "
		    "security release published", cfg->team_name) :
		    util_arena_printf(a, "%s: confirm your subscription",
		    cfg->team_name);
		util_buf_reset(&b);
		util_buf_puts(&b, o->body);
		util_buf_putc(&b, '\n');
	} else if (strcmp(o->kind, "status") == 0) {
		*subject = util_arena_printf(a, "[%s] Status update", tid);
		util_buf_printf(&b, "%s\n", state_words(c ? c->state : ""));
		if (o->body[0] != '\0')
			util_buf_printf(&b, "\n%s\n", o->body);
	} else {
		*subject = util_arena_printf(a, "[%s] %s", tid, o->kind);
		util_buf_puts(&b, o->body);
		util_buf_putc(&b, '\n');
	}
	util_buf_printf(&b, "\n-- \n%s\n", cfg->team_name);
	*body = b.failed ? NULL : util_arena_strdup(a, b.data);
	util_buf_release(&b);
	return *subject && *body ? 0 : -1;
}

/* A Message-ID we can repeat in In-Reply-To/References: a researcher's
 * mail client may have made one compose refuses, and one odd ID must not
 * stop every reply of the case. */
static int
usable_id(const char *id)
{
	size_t n = 0, at = 0;

	for (; id != NULL && id[n] != '\0'; n++) {
		unsigned char ch = (unsigned char)id[n];
		if (ch <= 0x20 || ch >= 0x7f || strchr("<>()[]\\\",;:", ch))
			return 0;
		if (ch == '@')
			at++;
	}
	return n > 0 && n <= 250 && at == 1;
}

/* Delivers one claimed message; records the outcome. */
static void
deliver(struct store *st, const struct config *cfg, const struct mail_smtp *smtp,
    const struct store_outbox *o, time_t now)
{
	struct arena a;
	struct store_case c, *cp = NULL;
	struct mail_out m;
	const char *why = NULL, *first = "", *last = "", *subject, *body;
	char *raw, err[512];
	size_t len;
	int rc;

	util_arena_init(&a, 64u * 1024 * 1024);
	/* idempotent; only this thread uses mail_* in a server */
	if (mail_init() == -1) {
		store_outbox_result(st, o->id, "pending", now + 60,
		    "cannot initialise GMime", now);
		goto out;
	}
	if (o->case_id > 0 && store_case_get(st, o->case_id, &a, &c) ==
	    STORE_OK) {
		cp = &c;
		store_case_thread(st, o->case_id, &a, &first, &last);
	}
	if (write_text(&a, cfg, o, cp, &subject, &body) == -1) {
		store_outbox_result(st, o->id, "failed", now, "out of memory",
		    now);
		goto out;
	}
	memset(&m, 0, sizeof(m));
	m.from = cfg->mail_from;
	m.to = o->to_addr;
	m.to_name = o->to_name[0] ? o->to_name : NULL;
	m.reply_to = plus_address(&a, cfg->mail_address, cp ?
	    cp->tracking_id : NULL);
	m.subject = subject;
	m.message_id = o->message_id;
	/* the thread: the case's first message and the latest one */
	if (!usable_id(first))
		first = "";
	if (!usable_id(last))
		last = "";
	if (last[0] != '\0' && strcmp(last, o->message_id) != 0)
		m.in_reply_to = last;
	if (first[0] != '\0' && strcmp(first, o->message_id) != 0)
		m.references = m.in_reply_to && strcmp(first, last) != 0 ?
		    util_arena_printf(&a, "%s %s", first, last) : first;
	m.auto_submitted = strcmp(o->kind, "ack") == 0 ? "auto-replied" :
	    strcmp(o->kind, "status") == 0 ? "auto-generated" : NULL;
	m.loop_id = cfg->mail_domain;
	/* mails to subscribers carry their unsubscribe link (the token is
	 * the row's secret, cleared once the mail is sent) */
	if ((strcmp(o->kind, "release_notice") == 0 ||
	    strcmp(o->kind, "release_published") == 0 ||
	    strcmp(o->kind, "subscribe_confirm") == 0) &&
	    o->secret[0] != '\0' && (strncmp(cfg->base_url, "https://", 8)
	    == 0 || strncmp(cfg->base_url, "http://", 7) == 0)) {
		m.list_unsubscribe = util_arena_printf(&a, "%s/unsubscribe/%s",
		    cfg->base_url, o->secret);
		m.auto_submitted = "auto-generated";
	}
	m.body = body;
	m.pgp_key = o->pgp_key[0] ? o->pgp_key : NULL;
	m.gnupg_home = NULL;	/* a throw-away keyring per message */
	m.date = now;
	/* A display name compose refuses (it came from the researcher)
	 * must not stop the mail: try once more without it. */
	rc = mail_compose(&a, &m, &raw, &len, &why);
	if (rc == -1 && m.to_name != NULL) {
		m.to_name = NULL;
		rc = mail_compose(&a, &m, &raw, &len, &why);
	}
	if (rc == -1) {
		/* a message that cannot be composed never will be */
		log_warn("outbox %lld: cannot compose: %s", (long long)o->id,
		    why ? why : "?");
		store_outbox_result(st, o->id, "failed", now, why ? why :
		    "cannot compose", now);
		goto out;
	}
	rc = mail_send(smtp, bare_address(&a, cfg->mail_from), o->to_addr,
	    raw, len, err, sizeof(err));
	if (rc == 0) {
		store_outbox_result(st, o->id, "sent", now, "", now);
		log_info("outbox %lld: sent %s to %s", (long long)o->id,
		    o->kind, o->to_addr);
	} else if (rc == -1 && o->attempts < cfg->mail_max_attempts) {
		store_outbox_result(st, o->id, "pending",
		    now + backoff(o->attempts), err, now);
		log_warn("outbox %lld: attempt %d failed, will retry: %s",
		    (long long)o->id, o->attempts, err);
	} else {
		store_outbox_result(st, o->id, "failed", now, err, now);
		log_warn("outbox %lld: given up: %s", (long long)o->id, err);
	}
out:
	util_arena_release(&a);
}

static int
sweep(struct store *st, const struct config *cfg, const struct mail_smtp *smtp)
{
	struct arena a;
	struct store_outbox *o;
	size_t n = 0, i;
	int total = 0;
	time_t now;

	for (;;) {
		util_arena_init(&a, 0);
		now = time(NULL);
		if (store_outbox_claim(st, now, STALE_SECONDS, CLAIM_MAX, &a,
		    &o, &n) != STORE_OK) {
			util_arena_release(&a);
			return -1;
		}
		for (i = 0; i < n; i++)
			deliver(st, cfg, smtp, &o[i], now);
		util_arena_release(&a);
		total += (int)n;
		if (n < CLAIM_MAX)
			return total;
	}
}

int
mail_outbox_run(struct store *st, const struct config *cfg, int once,
    volatile int *stop)
{
	struct mail_smtp smtp;
	char password[256];
	int n, slept;

	if (util_config_smtp_password(cfg, password, sizeof(password)) == -1)
		return -1;
	memset(&smtp, 0, sizeof(smtp));
	smtp.url = cfg->smtp_url;
	smtp.starttls = cfg->smtp_starttls;
	smtp.insecure = cfg->smtp_insecure;
	smtp.user = cfg->smtp_user[0] ? cfg->smtp_user : NULL;
	smtp.password = password[0] ? password : NULL;
	smtp.helo = cfg->mail_domain;
	smtp.timeout = 60;
	if (once)
		return sweep(st, cfg, &smtp);
	while (stop == NULL || !*stop) {
		if ((n = sweep(st, cfg, &smtp)) < 0)
			log_warn("outbox: sweep failed; retrying later");
		for (slept = 0; slept < cfg->worker_interval * 10 &&
		    (stop == NULL || !*stop); slept++)
			usleep(100000);
	}
	return 0;
}
