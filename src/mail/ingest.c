/* mail/ingest.c - one inbound message, from the MTA's pipe to a case.
 *
 * 1. The raw bytes are stored durably before anything looks at them;
 *    only a failure there makes the MTA retry (EX_TEMPFAIL).
 * 2. GMime parses it (mail/parse.c), PGP included.  Whatever cannot be
 *    read is kept raw and flagged for a person.
 * 3. A message that names a case - [VR-2026-0001] in the subject, a
 *    Message-ID of ours in In-Reply-To/References, or the case's
 *    plus-address - joins it when its sender is the case's reporter;
 *    otherwise it opens a new case that notes the possible link.
 * 4. A new report gets what can be extracted (CVE IDs, CVSS vectors,
 *    product names, versions, URLs) and an acknowledgment, unless the
 *    mail is automatic, bulk or list mail (RFC 3834) or the sender had
 *    one in the last 24 hours. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/cvss.h"
#include "core/extract.h"
#include "core/lifecycle.h"
#include "core/report.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/crypto.h"
#include "util/log.h"
#include "mail.h"
#include "mail_jobs.h"

#define MAX_ATTACHMENTS	64
#define ACK_WINDOW	(24 * 3600)

/* Finds PREFIX-YYYY-N in s (bracketed or not); copies it to out. */
static int
find_tracking_id(const char *s, const char *prefix, char *out, size_t outlen)
{
	size_t pl = strlen(prefix), i, n;
	int year;
	long seq;

	for (; s != NULL && *s != '\0'; s++) {
		if (strncmp(s, prefix, pl) != 0 || s[pl] != '-')
			continue;
		for (n = pl + 1; n < 40 && (isdigit((unsigned char)s[n]) ||
		    s[n] == '-'); n++)
			;
		if (n >= outlen)
			continue;
		memcpy(out, s, n);
		out[n] = '\0';
		/* trailing '-' is not part of it */
		for (i = n; i > 0 && out[i - 1] == '-'; i--)
			out[i - 1] = '\0';
		if (core_tracking_parse(out, prefix, &year, &seq) == 0)
			return 0;
	}
	return -1;
}

/* local+TID@domain among the recipients, for our address local@domain. */
static int
find_plus_address(const struct mail_msg *m, const char *address,
    const char *prefix, char *out, size_t outlen)
{
	const char *at = strchr(address, '@'), *r, *plus, *rat;
	size_t ll, i;

	if (at == NULL)
		return -1;
	ll = (size_t)(at - address);
	for (i = 0; i < m->nrecipients; i++) {
		r = m->recipients[i];
		if (strncasecmp(r, address, ll) != 0 || r[ll] != '+')
			continue;
		plus = r + ll + 1;
		if ((rat = strchr(plus, '@')) == NULL ||
		    strcasecmp(rat, at) != 0 || (size_t)(rat - plus) >= outlen)
			continue;
		memcpy(out, plus, (size_t)(rat - plus));
		out[rat - plus] = '\0';
		if (strncmp(out, prefix, strlen(prefix)) == 0)
			return 0;
	}
	return -1;
}

static int
same_address(const char *a, const char *b)
{
	return a != NULL && b != NULL && *a != '\0' && strcasecmp(a, b) == 0;
}

/* Attachments of the message as the store wants them. */
static size_t
attachments(struct arena *ar, const struct mail_msg *m,
    struct store_attachment *att, struct core_attachment_meta *meta)
{
	size_t i, n = 0;
	char *name;

	for (i = 0; i < m->nattachments && n < MAX_ATTACHMENTS; i++) {
		const struct mail_attachment *x = &m->attachments[i];
		if ((name = util_arena_alloc(ar, 512)) == NULL)
			break;
		core_filename_sanitize(x->filename ? x->filename : "", name,
		    512);
		memset(&att[n], 0, sizeof(att[n]));
		att[n].filename = name;
		att[n].content_type = x->content_type && core_text_ok(
		    x->content_type, strlen(x->content_type), 0) &&
		    strlen(x->content_type) < 128 ? x->content_type :
		    "application/octet-stream";
		att[n].data = x->data;
		att[n].size = x->size;
		util_sha256_hex(att[n].sha256, x->data, x->size);
		meta[n].filename = name;
		meta[n].content_type = att[n].content_type;
		meta[n].size = x->size;
		n++;
	}
	return n;
}

/* A single line of at most max code points, cut at a UTF-8 boundary. */
static const char *
one_line(struct arena *ar, const char *s, size_t max)
{
	char *out, *p;
	size_t cp = 0, i;

	if ((out = util_arena_strdup(ar, s ? s : "")) == NULL)
		return "";
	for (p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	for (i = 0; out[i] != '\0'; i++) {
		if (((unsigned char)out[i] & 0xc0) != 0x80 && cp++ == max) {
			out[i] = '\0';
			break;
		}
	}
	return out;
}

static const char *
join(struct arena *ar, const char *const *v, size_t n, const char *sep)
{
	struct buf b;
	const char *out;
	size_t i;

	util_buf_init(&b, 64 * 1024);
	for (i = 0; i < n; i++) {
		if (i > 0)
			util_buf_puts(&b, sep);
		util_buf_puts(&b, v[i]);
	}
	out = b.data && !b.failed ? util_arena_strdup(ar, b.data) : "";
	util_buf_release(&b);
	return out ? out : "";
}

static const char *
sig_name(enum mail_sig s)
{
	switch (s) {
	case MAIL_SIG_VALID: return "valid";
	case MAIL_SIG_BAD: return "bad";
	case MAIL_SIG_UNKNOWN_KEY: return "unknown_key";
	default: return "none";
	}
}

static const char *
pgp_name(enum mail_pgp p)
{
	switch (p) {
	case MAIL_PGP_DECRYPTED: return "decrypted";
	case MAIL_PGP_FAILED: return "failed";
	default: return "none";
	}
}

static void
info_from(struct store_mail_info *mi, const struct mail_msg *m)
{
	memset(mi, 0, sizeof(*mi));
	mi->message_id = m->message_id ? m->message_id : "";
	mi->from_addr = m->from_addr ? m->from_addr : "";
	mi->subject = m->subject ? m->subject : "";
	mi->flag = "";
	mi->pgp = pgp_name(m->pgp);
	mi->sig = sig_name(m->sig);
	mi->sig_fpr = m->sig_fpr ? m->sig_fpr : "";
	mi->sig_whole = m->sig_whole;
}

static int
flag(struct store *st, int64_t id, const struct mail_msg *m, const char *why,
    const char *status, struct mail_ingest_result *res)
{
	struct store_mail_info mi;

	if (m != NULL)
		info_from(&mi, m);
	else
		memset(&mi, 0, sizeof(mi));
	mi.status = status;
	mi.flag = why;
	if (mi.message_id == NULL) {
		mi.message_id = mi.from_addr = mi.subject = "";
		mi.pgp = mi.sig = mi.sig_fpr = "";
	}
	res->outcome = status;
	snprintf(res->why, sizeof(res->why), "%s", why);
	log_info("mail %lld %s: %s", (long long)id, status, why);
	return store_mail_update(st, id, &mi) == STORE_ERR ? -1 : 0;
}

/* Joins the message to case c as the researcher's message. */
static int
join_case(struct store *st, struct arena *ar, int64_t mail_id,
    const struct mail_msg *m, const struct store_case *c,
    struct mail_ingest_result *res)
{
	struct store_attachment att[MAX_ATTACHMENTS];
	struct core_attachment_meta meta[MAX_ATTACHMENTS];
	struct store_new_message nm;
	struct store_mail_info mi;
	const char *why;
	int back;

	memset(&nm, 0, sizeof(nm));
	nm.case_id = c->id;
	nm.channel = "email";
	nm.mail_id = mail_id;
	nm.now = time(NULL);
	nm.author_kind = "researcher";
	nm.author = m->from_name && *m->from_name ? m->from_name :
	    m->from_addr;
	nm.body = m->text && *m->text ? m->text : "(empty message)";
	nm.nattachments = attachments(ar, m, att, meta);
	nm.attachments = att;
	back = core_transition_check(ST_NEEDS_INFO, ST_TRIAGE, ACTOR_SYSTEM, 0,
	    "the researcher replied", &why) == 0;
	if (store_case_message_researcher(st, &nm, back ? "needs_info" : NULL,
	    back ? "triage" : NULL) != STORE_OK)
		return -1;
	info_from(&mi, m);
	mi.status = "threaded";
	mi.case_id = c->id;
	res->outcome = "threaded";
	res->case_id = c->id;
	snprintf(res->tracking_id, sizeof(res->tracking_id), "%s",
	    c->tracking_id);
	log_info("mail %lld joins %s", (long long)mail_id, c->tracking_id);
	return store_mail_update(st, mail_id, &mi) == STORE_ERR ? -1 : 0;
}

/* Opens a new case from the message. */
static int
new_case(struct store *st, const struct config *cfg, struct arena *ar,
    int64_t mail_id, const struct mail_msg *m, const char *possible_link,
    struct mail_ingest_result *res)
{
	struct store_attachment att[MAX_ATTACHMENTS];
	struct core_attachment_meta meta[MAX_ATTACHMENTS];
	struct store_new_case nc;
	struct store_case_created out;
	struct store_notify n;
	struct store_mail_info mi;
	struct store_product *prods = NULL;
	struct core_extract ex;
	struct core_report rep;
	struct core_cvss cv;
	const char *f[RF__MAX], **pnames = NULL, *cerr, *text;
	char *exbuf, token[UTIL_TOKEN_CHARS + 1], msgid[200];
	size_t nprod = 0, i, nh, natt;
	struct buf note;
	int k, ack;

	memset(f, 0, sizeof(f));
	text = m->text && *m->text ? m->text : "";
	if (store_products_list(st, ar, &prods, &nprod) == STORE_OK &&
	    (pnames = util_arena_alloc(ar, sizeof(*pnames) * (nprod + 1))) !=
	    NULL)
		for (i = 0; i < nprod; i++)
			pnames[i] = prods[i].name;
	if ((exbuf = util_arena_alloc(ar, 16384)) == NULL)
		return -1;
	core_extract(text, strlen(text), pnames, pnames ? nprod : 0, exbuf,
	    16384, &ex);

	f[RF_REPORTER_NAME] = one_line(ar, m->from_name, 200);
	f[RF_REPORTER_EMAIL] = m->from_addr;
	f[RF_TITLE] = m->subject && *m->subject ? one_line(ar, m->subject,
	    200) : "(no subject)";
	f[RF_DESCRIPTION] = *text ? text : "(the e-mail had no readable text)";
	if (ex.nproducts > 0)
		f[RF_PRODUCT] = ex.products[0];
	else {
		f[RF_PRODUCT] = "other";
		f[RF_PRODUCT_OTHER] = "";
	}
	f[RF_VERSIONS] = one_line(ar, join(ar, ex.versions, ex.nversions,
	    ", "), 500);
	for (i = 0; i < ex.ncvss; i++)
		if (core_cvss_score(ex.cvss[i], &cv, &cerr) == 0) {
			f[RF_CVSS_VECTOR] = ex.cvss[i];
			break;
		}
	for (k = 0; k < RF__MAX; k++) {
		if (f[k] == NULL)
			f[k] = "";
		rep.field[k] = f[k];
	}
	natt = attachments(ar, m, att, meta);
	rep.attachments = meta;
	rep.nattachments = natt;

	/* What a person should know about this mail, as an internal note. */
	util_buf_init(&note, 64 * 1024);
	util_buf_puts(&note, "Received by e-mail");
	if (m->pgp == MAIL_PGP_DECRYPTED)
		util_buf_puts(&note, ", encrypted to the team's key");
	if (m->sig == MAIL_SIG_VALID)
		util_buf_printf(&note, ", signed by %s%s", m->sig_fpr,
		    m->sig_whole ? "" : " (the signature does not cover the "
		    "whole message)");
	else if (m->sig != MAIL_SIG_NONE)
		util_buf_printf(&note, ", signature %s", sig_name(m->sig));
	util_buf_puts(&note, ".\n");
	if (m->text_from_html)
		util_buf_puts(&note, "The message was HTML only; it is shown "
		    "as text.\n");
	if (ex.ncves)
		util_buf_printf(&note, "CVE IDs mentioned: %s\n",
		    join(ar, ex.cves, ex.ncves, ", "));
	if (ex.nurls)
		util_buf_printf(&note, "URLs: %s\n", join(ar, ex.urls,
		    ex.nurls, " "));
	if (ex.ncvss)
		util_buf_printf(&note, "CVSS vectors: %s\n", join(ar, ex.cvss,
		    ex.ncvss, " "));
	if (possible_link != NULL)
		util_buf_printf(&note, "Possibly about %s, but the sender is "
		    "not that case's reporter.\n", possible_link);
	if (m->flag != NULL)
		util_buf_printf(&note, "Parsing: %s\n", m->flag);

	/* RFC 3834: no automatic answer to automatic, bulk or list mail,
	 * and at most one a day to a sender. */
	ack = cfg->mail_notify && !m->auto_submitted && !m->bulk &&
	    !m->our_loop && m->from_addr != NULL &&
	    store_autoreplies_since(st, m->from_addr, time(NULL) -
	    ACK_WINDOW) == 0;

	memset(&nc, 0, sizeof(nc));
	nc.tracking_prefix = cfg->tracking_prefix;
	nc.channel = "email";
	nc.now = time(NULL);
	nc.due_at = nc.now + (time_t)cfg->sla_triage * 86400;
	nc.state = "new";
	nc.field = f;
	nc.tier = (int)core_report_tier(&rep, NULL, 0, &nh);
	nc.attachments = att;
	nc.nattachments = natt;
	nc.mail_id = mail_id;
	nc.note = note.failed ? NULL : note.data;
	util_token_new(token, nc.token_hash);
	if (ack) {
		util_message_id(msgid, sizeof(msgid), cfg->mail_domain);
		n.kind = "ack";
		n.body = "";
		n.secret = token;
		n.message_id = msgid;
		nc.notify = &n;
	}
	if (store_case_create(st, &nc, &out) != STORE_OK) {
		util_buf_release(&note);
		return -1;
	}
	util_buf_release(&note);
	info_from(&mi, m);
	mi.status = "new_case";
	mi.case_id = out.id;
	res->outcome = "new_case";
	res->case_id = out.id;
	snprintf(res->tracking_id, sizeof(res->tracking_id), "%s",
	    out.tracking_id);
	log_info("mail %lld opens %s%s", (long long)mail_id, out.tracking_id,
	    ack ? "" : " (no acknowledgment)");
	return store_mail_update(st, mail_id, &mi) == STORE_ERR ? -1 : 0;
}

volatile int mail_ingest_stored;

int
mail_ingest(struct store *st, const struct config *cfg, const char *raw,
    size_t len, struct mail_ingest_result *res)
{
	struct mail_limits lim = { 500, 32, 1000, 0 };
	struct arena ar;
	struct mail_msg m;
	struct store_case c;
	const char *why = NULL, *link = NULL;
	char tid[48];
	int64_t id, case_id = 0;
	size_t i;
	int rc, have = 0;

	memset(res, 0, sizeof(*res));
	mail_ingest_stored = 0;
	if (store_mail_save(st, raw, len, time(NULL), &id) != STORE_OK)
		return -1;		/* the MTA retries */
	mail_ingest_stored = 1;
	res->mail_id = id;
	lim.max_attachment = cfg->max_attachment;
	util_arena_init(&ar, 512u * 1024 * 1024);
	memset(&m, 0, sizeof(m));
	if (mail_parse(&ar, raw, len, &lim, cfg->gnupg_home[0] ?
	    cfg->gnupg_home : NULL, &m, &why) == -1) {
		rc = flag(st, id, NULL, why ? why : "not a mail message",
		    "flagged", res);
		goto out;
	}
	if (m.our_loop) {
		rc = flag(st, id, &m, "our own mail came back (a bounce or a "
		    "loop); no answer sent", "flagged", res);
		goto out;
	}
	if (m.pgp == MAIL_PGP_FAILED) {
		rc = flag(st, id, &m, m.pgp_error ? m.pgp_error :
		    "encrypted, and it could not be decrypted", "flagged", res);
		goto out;
	}
	if (m.from_addr == NULL || !core_email_ok(m.from_addr)) {
		rc = flag(st, id, &m, "no usable sender address", "flagged",
		    res);
		goto out;
	}

	/* Which case does it name? */
	if ((find_tracking_id(m.subject, cfg->tracking_prefix, tid,
	    sizeof(tid)) == 0 || find_plus_address(&m, cfg->mail_address,
	    cfg->tracking_prefix, tid, sizeof(tid)) == 0) &&
	    store_case_by_tracking(st, tid, &ar, &c) == STORE_OK)
		have = 1;
	if (!have && m.in_reply_to != NULL &&
	    store_case_by_message_id(st, m.in_reply_to, &case_id) ==
	    STORE_OK && store_case_get(st, case_id, &ar, &c) == STORE_OK)
		have = 1;
	for (i = m.nreferences; !have && i > 0; i--)
		if (store_case_by_message_id(st, m.references[i - 1],
		    &case_id) == STORE_OK && store_case_get(st, case_id, &ar,
		    &c) == STORE_OK)
			have = 1;
	if (have) {
		/* Only the reporter joins their case: their address, or a
		 * good signature over the whole message by the PGP key they
		 * gave with the report. */
		if (same_address(m.from_addr, c.field[RF_REPORTER_EMAIL]) ||
		    (m.sig == MAIL_SIG_VALID && m.sig_whole &&
		    m.sig_fpr != NULL && *c.field[RF_PGP_KEY] != '\0' &&
		    mail_key_matches(c.field[RF_PGP_KEY], m.sig_fpr))) {
			rc = join_case(st, &ar, id, &m, &c, res);
			goto out;
		}
		link = util_arena_strdup(&ar, c.tracking_id);
	}
	rc = new_case(st, cfg, &ar, id, &m, link, res);
out:
	util_arena_release(&ar);
	/* The raw message is stored: whatever failed after that is for a
	 * person, not for the MTA. */
	if (rc == -1 && res->outcome == NULL) {
		res->outcome = "flagged";
		snprintf(res->why, sizeof(res->why), "could not be processed; "
		    "kept raw");
		store_mail_update(st, id, &(struct store_mail_info){ "flagged",
		    0, "", "", "", res->why, "", "", "", 0 });
	}
	return 0;
}
