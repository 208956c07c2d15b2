/* publish/jobs.c - see jobs.h.
 *
 * The advance notice tells IT staff what is coming without saying what it
 * fixes: how many advisories, the highest severity, the products, and
 * whether a restart is needed.  Publication moves the release's cases to
 * "released" with their advisory IDs (the store does it in one
 * transaction, with the researchers' mails), then subscribers get the
 * release notice with links.  Every subscriber mail can unsubscribe. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "publish/calendar_load.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/crypto.h"
#include "util/log.h"
#include "jobs.h"

static int
severity_rank(const char *s)
{
	static const char *const order[] = { "none", "low", "medium", "high",
	    "critical" };
	int i;

	for (i = 0; i < 5; i++)
		if (strcasecmp(s, order[i]) == 0)
			return i + 1;
	return 0;
}

/* 1 if the subscriber wants mail about product (empty list = all). */
static int
wants(const char *list, const char *product)
{
	const char *p = list, *end;
	size_t n = strlen(product);

	if (list == NULL || *list == '\0')
		return 1;
	while (*p != '\0') {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) == n && strncasecmp(p, product, n) == 0)
			return 1;
		p = *end ? end + 1 : end;
	}
	return 0;
}

struct summary {
	int		 n, top, restart;
	char		 products[1024];
	const char	*names[64];
	size_t		 nnames;
};

static void
summarize(struct store *st, struct arena *a, int64_t release_id,
    struct summary *s, struct store_case *cases, size_t *ncases)
{
	int64_t *ids;
	size_t n, i, j;
	struct store_advisory adv;
	const char *prod;

	memset(s, 0, sizeof(*s));
	*ncases = 0;
	if (store_release_case_ids(st, release_id, a, &ids, &n) != STORE_OK)
		return;
	for (i = 0; i < n && *ncases < 64; i++) {
		struct store_case *c = &cases[*ncases];
		if (store_case_get(st, ids[i], a, c) != STORE_OK)
			continue;
		(*ncases)++;
		s->n++;
		if (severity_rank(c->severity) > s->top)
			s->top = severity_rank(c->severity);
		if (store_advisory_by_case(st, c->id, a, &adv) == STORE_OK &&
		    adv.d.restart_required > 0)
			s->restart = 1;
		prod = strcmp(c->field[4], "other") == 0 ? c->field[5] :
		    c->field[4];	/* RF_PRODUCT, RF_PRODUCT_OTHER */
		for (j = 0; j < s->nnames; j++)
			if (strcmp(s->names[j], prod) == 0)
				break;
		if (j == s->nnames && s->nnames < 64) {
			s->names[s->nnames++] = prod;
			snprintf(s->products + strlen(s->products),
			    sizeof(s->products) - strlen(s->products), "%s%s",
			    s->nnames > 1 ? ", " : "", prod);
		}
	}
}

static const char *
severity_word(int rank)
{
	static const char *const w[] = { "not rated", "none", "low", "medium",
	    "high", "critical" };

	return w[rank >= 0 && rank <= 5 ? rank : 0];
}

/* One mail per subscriber who wants any of the release's products. */
static void
mail_subscribers(struct store *st, const struct config *cfg, struct arena *a,
    const struct summary *s, const char *kind, const char *text)
{
	struct store_subscriber *subs;
	struct store_outbox o;
	size_t n, i, j;
	char msgid[200];
	const char *body;
	int any;

	if (!cfg->mail_notify || store_subscribers(st, a, &subs, &n) !=
	    STORE_OK)
		return;
	for (i = 0; i < n; i++) {
		for (any = 0, j = 0; j < s->nnames && !any; j++)
			any = wants(subs[i].products, s->names[j]);
		if (!any)
			continue;
		body = util_arena_printf(a, "%s\n\nTo stop these messages: "
		    "%s/unsubscribe/%s\n", text, cfg->base_url,
		    subs[i].token);
		util_message_id(msgid, sizeof(msgid), cfg->mail_domain);
		memset(&o, 0, sizeof(o));
		o.kind = kind;
		o.to_addr = subs[i].email;
		o.to_name = "";
		o.pgp_key = "";
		o.body = body ? body : text;
		o.secret = subs[i].token;	/* List-Unsubscribe */
		o.message_id = msgid;
		store_outbox_add(st, &o, time(NULL));
	}
}

static void
notice(struct store *st, const struct config *cfg, const struct store_release *r)
{
	struct store_case cases[64];
	struct summary s;
	struct arena a;
	size_t nc;
	struct calendar_loaded cl;
	char when[128], err[256];
	struct tm tm;
	time_t t = r->window_at;
	int off = 0;
	const char *text;

	util_arena_init(&a, 0);
	summarize(st, &a, r->id, &s, cases, &nc);
	/* the window in the release calendar's zone, as /releases shows it */
	if (calendar_load(cfg, &cl, err, sizeof(err)) == 0 &&
	    util_tz_offset_at(cl.zone, r->window_at, &off) == 0) {
		t = (time_t)(r->window_at + off);
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
		snprintf(when + strlen(when), sizeof(when) - strlen(when),
		    " %s (UTC%c%02d:%02d)", cfg->release_zone, off < 0 ? '-' :
		    '+', (off < 0 ? -off : off) / 3600,
		    (off < 0 ? -off : off) / 60 % 60);
	} else {
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	}
	if (cl.zone != NULL)
		calendar_loaded_free(&cl);
	text = util_arena_printf(&a, "Advance notice: security release on "
	    "%s.\n\nAdvisories: %d\nHighest severity: %s\nAffected products: "
	    "%s\nRestart required: %s\n\nDetails are published with the "
	    "release; the calendar of releases is at %s/releases.ics.",
	    when, s.n, severity_word(s.top), s.products[0] ? s.products :
	    "(none yet)", s.restart ? "yes" : "no", cfg->base_url);
	/* A release with no case yet is noticed when its first case comes
	 * (late, but IT staff still hear of it before the window). */
	if (text != NULL && s.n > 0) {
		mail_subscribers(st, cfg, &a, &s, "release_notice", text);
		store_release_noticed(st, r->id, time(NULL));
		log_info("release %lld: advance notice (%d advisories)",
		    (long long)r->id, s.n);
	}
	util_arena_release(&a);
}

static void
publish(struct store *st, const struct config *cfg,
    const struct store_release *r)
{
	struct store_actor sys = { 0, "system" };
	int rc;

	rc = store_release_publish(st, r->id, cfg->advisory_prefix,
	    cfg->mail_notify ? cfg->mail_domain : NULL, &sys, time(NULL));
	if (rc != STORE_OK) {
		if (rc == STORE_ERR)
			log_err("release %lld: could not publish",
			    (long long)r->id);
		return;
	}
	log_info("release %lld published", (long long)r->id);
	publish_announce(st, cfg, r->id);
}

void
publish_announce(struct store *st, const struct config *cfg,
    int64_t release_id)
{
	struct store_case cases[64];
	struct store_advisory adv;
	struct summary s;
	struct arena a;
	struct buf b;
	size_t nc, i;

	util_arena_init(&a, 0);
	summarize(st, &a, release_id, &s, cases, &nc);
	util_buf_init(&b, 64 * 1024);
	util_buf_printf(&b, "A security release has been published: %d "
	    "advisor%s.\n\n", s.n, s.n == 1 ? "y" : "ies");
	for (i = 0; i < nc; i++)
		if (store_advisory_by_case(st, cases[i].id, &a, &adv) ==
		    STORE_OK && adv.advisory_id[0] != '\0')
			util_buf_printf(&b, "%s (%s): %s\n  %s/advisories/%s\n",
			    adv.advisory_id, cases[i].severity[0] ?
			    cases[i].severity : "not rated", adv.d.title,
			    cfg->base_url, adv.advisory_id);
	util_buf_printf(&b, "\nAll advisories: %s/advisories (Atom: "
	    "%s/advisories.atom; CSAF: %s/.well-known/csaf/"
	    "provider-metadata.json)", cfg->base_url, cfg->base_url,
	    cfg->base_url);
	if (!b.failed && s.n > 0)
		mail_subscribers(st, cfg, &a, &s, "release_published", b.data);
	util_buf_release(&b);
	util_arena_release(&a);
}

int
publish_timers(struct store *st, const struct config *cfg)
{
	struct store_release *r;
	struct arena a;
	size_t n, i;
	int done = 0;

	util_arena_init(&a, 0);
	if (store_releases_notice_due(st, time(NULL), &a, &r, &n) ==
	    STORE_OK)
		for (i = 0; i < n; i++, done++)
			notice(st, cfg, &r[i]);
	if (store_releases_due(st, time(NULL), &a, &r, &n) == STORE_OK)
		for (i = 0; i < n; i++, done++)
			publish(st, cfg, &r[i]);
	util_arena_release(&a);
	return done;
}
