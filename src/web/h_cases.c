/* web/h_cases.c - the staff console: the triage queue (/cases), the case
 * page (/cases/<tracking-id>), its forms and attachment downloads.
 *
 * The dispatcher has signed the user in and checked the route's action
 * before a handler runs.  Every change goes through web/staff.h, which
 * applies the permission table, the lifecycle table and the audit log;
 * this file only reads forms, shows pages and redirects.  A refused form
 * shows the case page again with the message beside that form and what
 * was typed still in it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/cvss.h"
#include "core/cwe.h"
#include "core/lifecycle.h"
#include "core/perm.h"
#include "core/report.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"
#include "parse.h"
#include "staff.h"
#include "testing.h"
#include "web.h"

#define PAGE_SIZE	50
#define MAX_PAGE	10000
#define MAX_Q_BYTES	200
#define MAX_Q_TERMS	10
#define MAX_PARAM	200
#define MAX_FORM_FIELDS	16

/* ---- small helpers ---- */

static void
sets(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, json_string(v ? v : ""));
}

static const char *
state_label(const char *name)
{
	int s = core_state_parse(name ? name : "");

	return s < 0 ? (name ? name : "") : core_state_label(s);
}

static const struct {
	const char *name, *label;
} severities[] = {
	{ "critical", "Critical" }, { "high", "High" },
	{ "medium", "Medium" }, { "low", "Low" }, { "none", "None" },
	{ "unscored", "Unscored" },
};
#define NSEVERITIES	(sizeof(severities) / sizeof(severities[0]))

static const char *
severity_label(const char *sev)
{
	size_t i;

	if (sev == NULL || *sev == '\0')
		return "Unscored";
	for (i = 0; i < NSEVERITIES; i++)
		if (strcasecmp(severities[i].name, sev) == 0)
			return severities[i].label;
	return sev;
}

/* CSS class suffix: a fixed name, never data. */
static const char *
severity_class(const char *sev)
{
	size_t i;

	if (sev == NULL || *sev == '\0')
		return "unscored";
	for (i = 0; i < NSEVERITIES; i++)
		if (strcasecmp(severities[i].name, sev) == 0)
			return severities[i].name;
	return "unscored";
}

static const char *const channels[] = { "web", "api", "email" };
#define NCHANNELS	(sizeof(channels) / sizeof(channels[0]))

static const struct {
	const char *name, *label;
	enum store_sort sort;
} sorts[] = {
	{ "created_desc", "Newest first", SORT_CREATED_DESC },
	{ "created_asc", "Oldest first", SORT_CREATED_ASC },
	{ "updated_desc", "Recently updated", SORT_UPDATED_DESC },
	{ "severity_desc", "Most severe first", SORT_SEVERITY_DESC },
	{ "due_asc", "Due soonest", SORT_DUE_ASC },
};
#define NSORTS	(sizeof(sorts) / sizeof(sorts[0]))

static const char *
fmt_date(struct req *r, time_t t)
{
	struct tm tm;
	char b[16];

	if (gmtime_r(&t, &tm) == NULL)
		return "";
	strftime(b, sizeof(b), "%Y-%m-%d", &tm);
	return util_arena_strdup(&r->arena, b);
}

/* "just now", "5 min", "3 h", "12 days" */
static const char *
fmt_age(struct req *r, time_t then, time_t now)
{
	long long d = (long long)(now - then);

	if (d < 60)
		return "just now";
	if (d < 3600)
		return util_arena_printf(&r->arena, "%lld min", d / 60);
	if (d < 86400)
		return util_arena_printf(&r->arena, "%lld h", d / 3600);
	d /= 86400;
	return util_arena_printf(&r->arena, "%lld day%s", d, d == 1 ? "" : "s");
}

static const char *
fmt_score(struct req *r, double score)
{
	return score < 0 ? "" : util_arena_printf(&r->arena, "%.1f", score);
}

static int
is_open_state(const char *state)
{
	int s = core_state_parse(state);

	/* released: the fix is out, the case is no longer "overdue" (as
	 * the queue's overdue filter) */
	return s >= 0 && !core_state_is_terminal(s) && s != ST_RELEASED;
}

static json_t *
md(struct req *r, const char *text)
{
	char *h;

	if (text == NULL || *text == '\0')
		return json_null();
	h = web_markdown_html(r, text);
	return h ? json_string(h) : json_null();
}

/* ---- the queue ---- */

struct queue_params {
	const char	*state, *product, *severity, *channel, *assignee;
	const char	*q, *sort;
	int		 overdue;
	long		 page;
};

/* A query parameter, "" when absent; NULL (after replying 400) when it
 * is not one line of text of at most MAX_PARAM bytes. */
static const char *
param(struct req *r, const char *name, int *bad)
{
	const char *v = web_query(r, name);

	if (v == NULL)
		return "";
	if (strlen(v) > MAX_PARAM || !core_text_ok(v, strlen(v), 0)) {
		web_reply_error(r, WE_BAD_REQUEST, name, util_arena_printf(
		    &r->arena, "The parameter %s must be one line of text of "
		    "at most %d bytes.", name, MAX_PARAM));
		*bad = 1;
		return NULL;
	}
	return v;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* Builds a safe FTS5 query: every whitespace-separated term as a quoted
 * string (inner quotes doubled), joined by spaces (implicit AND).
 * Returns the query ("" for no terms), or NULL with *why set. */
static const char *
fts_query(struct req *r, const char *q, const char **why)
{
	struct buf b;
	const char *p = q, *out;
	int terms = 0;

	if (strlen(q) > MAX_Q_BYTES) {
		*why = "Search for at most 200 bytes of text.";
		return NULL;
	}
	util_buf_init(&b, 4 * MAX_Q_BYTES + 64);
	while (*p != '\0') {
		while (is_space(*p))
			p++;
		if (*p == '\0')
			break;
		if (++terms > MAX_Q_TERMS) {
			util_buf_release(&b);
			*why = "Search for at most 10 words.";
			return NULL;
		}
		if (b.len > 0)
			util_buf_putc(&b, ' ');
		util_buf_putc(&b, '"');
		for (; *p != '\0' && !is_space(*p); p++) {
			if (*p == '"')
				util_buf_putc(&b, '"');
			util_buf_putc(&b, *p);
		}
		util_buf_putc(&b, '"');
	}
	out = b.failed ? NULL : util_arena_strdup(&r->arena, b.data ?
	    b.data : "");
	util_buf_release(&b);
	if (out == NULL)
		*why = "The search could not be read.";
	return out;
}

/* "/cases?..." with the current filters, one of them replaced (key, or
 * NULL), and the page (0 = none). */
static const char *
queue_href(struct req *r, const struct queue_params *p, const char *key,
    const char *value, long page)
{
	const struct { const char *k, *v; } kv[] = {
		{ "state", p->state }, { "product", p->product },
		{ "severity", p->severity }, { "channel", p->channel },
		{ "assignee", p->assignee },
		{ "overdue", p->overdue ? "1" : "" },
		{ "q", p->q }, { "sort", p->sort },
	};
	struct buf b;
	const char *v, *out;
	size_t i;

	util_buf_init(&b, 8192);
	util_buf_puts(&b, "/cases");
	for (i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		v = key != NULL && strcmp(key, kv[i].k) == 0 ? value : kv[i].v;
		if (v == NULL || *v == '\0')
			continue;
		if (strcmp(kv[i].k, "sort") == 0 &&
		    strcmp(v, "created_desc") == 0)
			continue;
		util_buf_printf(&b, "%c%s=%s", b.len == 6 ? '?' : '&',
		    kv[i].k, web_url_encode(r, v));
	}
	if (page > 1)
		util_buf_printf(&b, "%cpage=%ld", b.len == 6 ? '?' : '&', page);
	out = b.failed ? "/cases" : util_arena_strdup(&r->arena, b.data);
	util_buf_release(&b);
	return out ? out : "/cases";
}

/* Reads and checks the query.  Returns 0, or -1 after replying 400. */
static int
read_queue_params(struct req *r, struct queue_params *p,
    struct store_queue_filter *f)
{
	const char *v, *why = NULL;
	char *end;
	int bad = 0;
	size_t i;

	memset(p, 0, sizeof(*p));
	memset(f, 0, sizeof(*f));
	f->now = time(NULL);
	f->limit = PAGE_SIZE;

	if ((p->state = param(r, "state", &bad)) == NULL)
		return -1;
	if (*p->state != '\0') {
		if (strcmp(p->state, "open") != 0 &&
		    core_state_parse(p->state) < 0)
			goto bad_state;
		f->state = p->state;
	}
	if ((p->product = param(r, "product", &bad)) == NULL)
		return -1;
	if (*p->product != '\0')
		f->product = p->product;
	if ((p->severity = param(r, "severity", &bad)) == NULL)
		return -1;
	if (*p->severity != '\0') {
		for (i = 0; i < NSEVERITIES; i++)
			if (strcmp(severities[i].name, p->severity) == 0)
				break;
		if (i == NSEVERITIES)
			return web_reply_error(r, WE_BAD_REQUEST, "severity",
			    "The severity must be one of critical, high, "
			    "medium, low, none or unscored."), -1;
		f->severity = p->severity;
	}
	if ((p->channel = param(r, "channel", &bad)) == NULL)
		return -1;
	if (*p->channel != '\0') {
		for (i = 0; i < NCHANNELS; i++)
			if (strcmp(channels[i], p->channel) == 0)
				break;
		if (i == NCHANNELS)
			return web_reply_error(r, WE_BAD_REQUEST, "channel",
			    "The channel must be web, api or email."), -1;
		f->channel = p->channel;
	}
	if ((p->assignee = param(r, "assignee", &bad)) == NULL)
		return -1;
	if (*p->assignee != '\0') {
		if (strcmp(p->assignee, "me") == 0)
			f->assignee = r->user_id;
		else if (strcmp(p->assignee, "none") == 0)
			f->assignee = -1;
		else {
			long long id;

			if (p->assignee[0] < '1' || p->assignee[0] > '9')
				goto bad_assignee;
			id = strtoll(p->assignee, &end, 10);
			if (*end != '\0' || id <= 0 || id >= (1LL << 53))
				goto bad_assignee;
			f->assignee = (int64_t)id;
		}
	}
	if ((v = param(r, "overdue", &bad)) == NULL)
		return -1;
	if (strcmp(v, "1") == 0)
		p->overdue = f->overdue = 1;
	else if (*v != '\0' && strcmp(v, "0") != 0)
		return web_reply_error(r, WE_BAD_REQUEST, "overdue",
		    "overdue must be 1 or absent."), -1;
	if ((p->q = web_query(r, "q")) == NULL)
		p->q = "";
	if (strlen(p->q) > MAX_Q_BYTES || !core_text_ok(p->q, strlen(p->q),
	    1) || (f->search = fts_query(r, p->q, &why)) == NULL)
		return web_reply_error(r, WE_BAD_REQUEST, "q", why ? why :
		    "Search for at most 200 bytes of text."), -1;
	if ((p->sort = param(r, "sort", &bad)) == NULL)
		return -1;
	if (*p->sort == '\0')
		p->sort = "created_desc";
	for (i = 0; i < NSORTS; i++)
		if (strcmp(sorts[i].name, p->sort) == 0)
			break;
	if (i == NSORTS)
		return web_reply_error(r, WE_BAD_REQUEST, "sort", "The sort "
		    "order must be created_desc, created_asc, updated_desc, "
		    "severity_desc or due_asc."), -1;
	f->sort = sorts[i].sort;
	if ((v = param(r, "page", &bad)) == NULL)
		return -1;
	p->page = 1;
	if (*v != '\0') {
		if (v[0] < '1' || v[0] > '9' || strlen(v) > 6)
			goto bad_page;
		p->page = strtol(v, &end, 10);
		if (*end != '\0' || p->page < 1 || p->page > MAX_PAGE)
			goto bad_page;
	}
	f->offset = (int)((p->page - 1) * PAGE_SIZE);
	return 0;

bad_state:
	web_reply_error(r, WE_BAD_REQUEST, "state", "The state must be a "
	    "case state (new, triage, needs_info, ...) or open.");
	return -1;
bad_assignee:
	web_reply_error(r, WE_BAD_REQUEST, "assignee", "The assignee must "
	    "be a user id, me or none.");
	return -1;
bad_page:
	web_reply_error(r, WE_BAD_REQUEST, "page", "The page must be a "
	    "number from 1 to 10000.");
	return -1;
}

static json_t *
option(const char *value, const char *label, int selected)
{
	return json_pack("{s:s,s:s,s:b}", "value", value, "label", label,
	    "selected", selected);
}

/* The options of the filter form. */
static int
filter_options(struct req *r, const struct queue_params *p, json_t *ctx)
{
	struct store_product *prods = NULL;
	struct store_user *users = NULL;
	size_t nprod = 0, nusers = 0, i;
	json_t *a;
	int found, s;

	a = json_array();
	json_array_append_new(a, option("open", "Open (not closed)",
	    strcmp(p->state, "open") == 0));
	for (s = 0; s < ST__MAX; s++)
		json_array_append_new(a, option(core_state_name(s),
		    core_state_label(s), strcmp(p->state,
		    core_state_name(s)) == 0));
	json_object_set_new(ctx, "state_options", a);

	a = json_array();
	for (i = 0; i < NSEVERITIES; i++)
		json_array_append_new(a, option(severities[i].name,
		    severities[i].label, strcmp(p->severity,
		    severities[i].name) == 0));
	json_object_set_new(ctx, "severity_options", a);

	a = json_array();
	for (i = 0; i < NCHANNELS; i++)
		json_array_append_new(a, option(channels[i], strcmp(channels[i],
		    "api") == 0 ? "API" : strcmp(channels[i], "web") == 0 ?
		    "Web form" : "E-mail", strcmp(p->channel, channels[i]) == 0));
	json_object_set_new(ctx, "channel_options", a);

	a = json_array();
	for (i = 0; i < NSORTS; i++)
		json_array_append_new(a, option(sorts[i].name, sorts[i].label,
		    strcmp(p->sort, sorts[i].name) == 0));
	json_object_set_new(ctx, "sort_options", a);

	if (store_products_list(r->app->store, &r->arena, &prods, &nprod) !=
	    STORE_OK || store_users_list(r->app->store, &r->arena, &users,
	    &nusers) != STORE_OK)
		return -1;
	a = json_array();
	found = *p->product == '\0';
	for (i = 0; i < nprod; i++) {
		int sel = strcmp(p->product, prods[i].name) == 0;
		found |= sel;
		json_array_append_new(a, option(prods[i].name, prods[i].name,
		    sel));
	}
	if (!found)	/* a product named in "other" */
		json_array_append_new(a, option(p->product, p->product, 1));
	json_object_set_new(ctx, "product_options", a);

	a = json_array();
	json_array_append_new(a, option("me", "Me", strcmp(p->assignee,
	    "me") == 0));
	json_array_append_new(a, option("none", "Unassigned",
	    strcmp(p->assignee, "none") == 0));
	for (i = 0; i < nusers; i++) {
		const char *id = util_arena_printf(&r->arena, "%lld",
		    (long long)users[i].id);
		if (users[i].disabled && strcmp(p->assignee, id) != 0)
			continue;
		json_array_append_new(a, option(id, users[i].name,
		    strcmp(p->assignee, id) == 0));
	}
	json_object_set_new(ctx, "assignee_options", a);
	return 0;
}

/* The state filter links with their counts. */
static int
state_links(struct req *r, const struct queue_params *p, json_t *ctx)
{
	struct store_state_count *sc = NULL;
	size_t n = 0, i;
	int64_t all = 0, open = 0, per[ST__MAX];
	json_t *a;
	int s;

	if (store_state_counts(r->app->store, &r->arena, &sc, &n) != STORE_OK)
		return -1;
	memset(per, 0, sizeof(per));
	for (i = 0; i < n; i++) {
		all += sc[i].n;
		if ((s = core_state_parse(sc[i].state)) < 0)
			continue;
		per[s] += sc[i].n;
		if (!core_state_is_terminal(s))
			open += sc[i].n;
	}
	a = json_array();
	json_array_append_new(a, json_pack("{s:s,s:I,s:s,s:b}", "label", "All",
	    "n", (json_int_t)all, "href", queue_href(r, p, "state", "", 0),
	    "current", *p->state == '\0'));
	json_array_append_new(a, json_pack("{s:s,s:I,s:s,s:b}", "label",
	    "Open", "n", (json_int_t)open, "href", queue_href(r, p, "state",
	    "open", 0), "current", strcmp(p->state, "open") == 0));
	for (s = 0; s < ST__MAX; s++) {
		int cur = strcmp(p->state, core_state_name(s)) == 0;
		if (per[s] == 0 && !cur)
			continue;
		json_array_append_new(a, json_pack("{s:s,s:I,s:s,s:b,s:s}",
		    "label", core_state_label(s), "n", (json_int_t)per[s],
		    "href", queue_href(r, p, "state", core_state_name(s), 0),
		    "current", cur, "state", core_state_name(s)));
	}
	json_object_set_new(ctx, "state_links", a);
	return 0;
}

int
web_h_cases_list(struct req *r)
{
	struct queue_params p;
	struct store_queue_filter f;
	struct store_queue_row *rows = NULL;
	size_t n = 0, i;
	int64_t total = 0, pages;
	json_t *ctx, *a;
	int rc, filtered;

	if (read_queue_params(r, &p, &f) == -1)
		return WEB_DONE;
	rc = store_queue(r->app->store, &f, &r->arena, &rows, &n, &total);
	if (rc == STORE_NONE) {		/* a search the index refused */
		n = 0;
		total = 0;
	} else if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);

	ctx = web_page_ctx(r, "Cases");
	if (ctx == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	if (state_links(r, &p, ctx) == -1 || filter_options(r, &p, ctx) == -1) {
		json_decref(ctx);
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	}
	filtered = *p.state || *p.product || *p.severity || *p.channel ||
	    *p.assignee || p.overdue || *p.q;
	json_object_set_new(ctx, "filter", json_pack(
	    "{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:b}",
	    "state", p.state, "product", p.product, "severity", p.severity,
	    "channel", p.channel, "assignee", p.assignee, "overdue",
	    p.overdue, "q", p.q, "sort", p.sort, "active", filtered));

	a = json_array();
	for (i = 0; i < n; i++) {
		struct store_queue_row *q = &rows[i];
		int overdue = q->due_at != 0 && q->due_at < f.now &&
		    is_open_state(q->state);
		json_t *o = json_object();

		sets(o, "tracking_id", q->tracking_id);
		sets(o, "href", util_arena_printf(&r->arena, "/cases/%s",
		    web_url_encode(r, q->tracking_id)));
		sets(o, "title", q->title);
		sets(o, "state", q->state);
		sets(o, "state_label", state_label(q->state));
		sets(o, "severity_class", severity_class(q->severity));
		sets(o, "severity_label", severity_label(q->severity));
		sets(o, "score", fmt_score(r, q->score));
		sets(o, "product", q->product);
		sets(o, "channel", q->channel);
		sets(o, "assignee", q->assignee);
		sets(o, "created", web_fmt_time(r, q->created_at));
		sets(o, "created_date", fmt_date(r, q->created_at));
		sets(o, "age", fmt_age(r, q->created_at, f.now));
		if (q->due_at != 0)
			sets(o, "due", fmt_date(r, q->due_at));
		json_object_set_new(o, "overdue", json_boolean(overdue));
		json_array_append_new(a, o);
	}
	json_object_set_new(ctx, "rows", a);
	json_object_set_new(ctx, "total", json_integer((json_int_t)total));
	json_object_set_new(ctx, "has_rows", json_boolean(n > 0));
	sets(ctx, "count_text", util_arena_printf(&r->arena, "%lld case%s",
	    (long long)total, total == 1 ? "" : "s"));
	json_object_set_new(ctx, "search_failed", json_boolean(rc ==
	    STORE_NONE));
	pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
	if (n > 0) {
		json_object_set_new(ctx, "from", json_integer(
		    (json_int_t)f.offset + 1));
		json_object_set_new(ctx, "to", json_integer(
		    (json_int_t)f.offset + (json_int_t)n));
	}
	json_object_set_new(ctx, "page", json_integer(p.page));
	json_object_set_new(ctx, "pages", json_integer((json_int_t)pages));
	if (p.page > 1)
		sets(ctx, "prev_href", queue_href(r, &p, NULL, NULL,
		    p.page - 1 < pages ? p.page - 1 : (long)(pages > 0 ?
		    pages : 1)));
	if (p.page < pages)
		sets(ctx, "next_href", queue_href(r, &p, NULL, NULL,
		    p.page + 1));
	sets(ctx, "first_href", queue_href(r, &p, NULL, NULL, 1));
	return web_reply_page(r, 200, "cases", ctx);
}

/* ---- the case page ---- */

/* What a refused form had typed, and why it was refused. */
struct redo {
	const char	*form;		/* "transition", "assign", ... */
	const char	*msg;
	const char	*to;		/* transition */
	const char	*reason;
	const char	*assignee;
	const char	*vector;
	const char	*cwe;
	const char	*of;
	const char	*kind;		/* message */
	const char	*body;
	const struct web_testing_redo *t;	/* "Fix and testing" forms */
	const struct web_pm_redo *pm;		/* the post-mortem form */
};

static int
redo_is(const struct redo *d, const char *form)
{
	return d != NULL && d->form != NULL && strcmp(d->form, form) == 0;
}

/* The body a request for information starts with: what the report
 * lacks, in the words the report form uses. */
static const char *
request_info_text(struct req *r, const struct store_case *c,
    const struct store_attachment *att, size_t natt, int *has_hints)
{
	struct core_report rep;
	struct core_attachment_meta meta[16];
	const char *hints[8];
	size_t nh = 0, i, k = 0;
	struct buf b;
	const char *out;
	int f;

	memset(&rep, 0, sizeof(rep));
	for (f = 0; f < RF__MAX; f++)
		rep.field[f] = f == RF_ATTACHMENTS ? NULL : c->field[f];
	for (i = 0; i < natt && k < sizeof(meta) / sizeof(meta[0]); i++)
		if (att[i].message_id == 0) {
			meta[k].filename = att[i].filename;
			meta[k].content_type = att[i].content_type;
			meta[k].size = att[i].size;
			k++;
		}
	rep.attachments = meta;
	rep.nattachments = k;
	core_report_tier(&rep, hints, sizeof(hints) / sizeof(hints[0]), &nh);
	*has_hints = nh > 0;
	util_buf_init(&b, 8192);
	util_buf_puts(&b, "Thank you for your report. To continue our "
	    "assessment we need more information:\n\n");
	for (i = 0; i < nh; i++)
		util_buf_printf(&b, "- %s\n", hints[i]);
	out = b.failed ? "" : util_arena_strdup(&r->arena, b.data);
	util_buf_release(&b);
	return out ? out : "";
}

/* core_report_field_label() speaks to the researcher ("Your name");
 * the team reads "Name". */
static const char *
staff_label(struct req *r, enum report_field f)
{
	const char *l = core_report_field_label(f);
	char *c;

	if (l == NULL)
		return "";
	if (strncmp(l, "Your ", 5) != 0 || l[5] == '\0')
		return l;
	if ((c = util_arena_strdup(&r->arena, l + 5)) == NULL)
		return l;
	if (c[0] >= 'a' && c[0] <= 'z')
		c[0] = (char)(c[0] - 'a' + 'A');
	return c;
}

static json_t *
report_facts(struct req *r, const struct store_case *c)
{
	static const enum report_field shown[] = {
		RF_PRODUCT, RF_VERSIONS, RF_IMPACT, RF_CWE, RF_CVSS_VECTOR,
		RF_PUBLICLY_KNOWN, RF_EXPLOITED, RF_DISCLOSURE_PLANS,
		RF_DISCLOSURE_DATE,
	};
	json_t *a = json_array(), *o;
	const char *v;
	size_t i;
	int k, id;

	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		enum report_field f = shown[i];
		int mono = 0, yes = 0;

		v = c->field[f];
		switch (f) {
		case RF_PRODUCT:
			if (strcmp(v, "other") == 0)
				v = util_arena_printf(&r->arena, "%s (other)",
				    c->field[RF_PRODUCT_OTHER]);
			break;
		case RF_IMPACT:
			for (k = 0; k < IMPACT__MAX; k++)
				if (strcmp(core_report_impact_name(k), v) == 0)
					v = core_report_impact_label(k);
			break;
		case RF_CWE:
			if ((id = core_cwe_parse(v)) > 0 &&
			    core_cwe_find(id) != NULL)
				v = util_arena_printf(&r->arena, "%s: %s", v,
				    core_cwe_find(id)->name);
			else if (strcmp(v, "unknown") == 0)
				v = "Not known to the researcher";
			break;
		case RF_CVSS_VECTOR:
			mono = 1;
			break;
		case RF_PUBLICLY_KNOWN:
		case RF_EXPLOITED:
			yes = strcmp(v, "yes") == 0;
			v = yes ? "Yes" : strcmp(v, "no") == 0 ? "No" : v;
			break;
		default:
			break;
		}
		o = json_object();
		sets(o, "label", staff_label(r, f));
		sets(o, "name", core_report_field_name(f));
		sets(o, "value", v);
		json_object_set_new(o, "mono", json_boolean(mono));
		json_object_set_new(o, "alert", json_boolean(yes));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
timeline(struct req *r, const struct store_event *ev, size_t nev)
{
	json_t *a = json_array(), *o;
	const char *what, *detail;
	size_t i;

	for (i = 0; i < nev; i++) {
		detail = "";
		if (strcmp(ev[i].kind, "created") == 0)
			what = "Report received";
		else if (strcmp(ev[i].kind, "transition") == 0) {
			what = util_arena_printf(&r->arena, "%s → %s",
			    state_label(ev[i].from_state),
			    state_label(ev[i].to_state));
			detail = ev[i].reason;
		} else if (strcmp(ev[i].kind, "message") == 0) {
			if (strcmp(ev[i].reason, "researcher") == 0)
				what = "The researcher wrote";
			else if (strcmp(ev[i].reason, "internal note") == 0)
				what = "Internal note added";
			else
				what = "Message to the researcher";
		} else if (strcmp(ev[i].kind, "assign") == 0) {
			what = "Assignment changed";
			detail = ev[i].reason;
		} else if (strcmp(ev[i].kind, "score") == 0) {
			what = "Scored";
			detail = ev[i].reason;
		} else if (strcmp(ev[i].kind, "duplicate") == 0) {
			what = "Marked as duplicate";
			detail = ev[i].reason;
		} else if (strcmp(ev[i].kind, "patch") == 0) {
			what = "Patch uploaded";
			detail = ev[i].reason;
		} else if (strcmp(ev[i].kind, "test_run") == 0) {
			what = "Independent test run finished";
			detail = ev[i].reason;
		} else if (strcmp(ev[i].kind, "signoff") == 0) {
			what = "Test run signed off";
			detail = ev[i].reason;
		} else if (strcmp(ev[i].kind, "verification") == 0) {
			what = "Researcher verification";
			detail = ev[i].reason;
		} else if (strcmp(ev[i].kind, "poc") == 0) {
			what = "Proof of concept added";
			detail = ev[i].reason;
		} else {
			what = ev[i].kind;
			detail = ev[i].reason;
		}
		o = json_object();
		sets(o, "at", web_fmt_time(r, ev[i].at));
		sets(o, "actor", ev[i].actor);
		sets(o, "kind", ev[i].kind);
		sets(o, "what", what);
		sets(o, "detail", detail);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
cwe_options(const char *current)
{
	const struct core_cwe *list;
	json_t *o = json_object(), *top = json_array(), *other = json_array();
	size_t n, i;
	int found = current == NULL || *current == '\0';
	char v[32];

	list = core_cwe_list(&n);
	for (i = 0; i < n; i++) {
		int sel;
		snprintf(v, sizeof(v), "CWE-%d", list[i].id);
		sel = current != NULL && strcmp(current, v) == 0;
		found |= sel;
		json_array_append_new(list[i].top25 ? top : other, json_pack(
		    "{s:s,s:s,s:b}", "value", v, "label", list[i].name,
		    "selected", sel));
	}
	json_object_set_new(o, "top25", top);
	json_object_set_new(o, "other", other);
	json_object_set_new(o, "none_selected", json_boolean(current == NULL ||
	    *current == '\0'));
	json_object_set_new(o, "unknown_selected", json_boolean(current &&
	    strcmp(current, "unknown") == 0));
	json_object_set_new(o, "extra", json_string(!found &&
	    strcmp(current, "unknown") != 0 ? current : ""));
	return o;
}

/* CVSS summary of a vector: {vector, score, severity, version} or null. */
static json_t *
cvss_info(struct req *r, const char *vector)
{
	struct core_cvss cv;
	const char *err = NULL;

	if (vector == NULL || *vector == '\0')
		return json_null();
	if (core_cvss_score(vector, &cv, &err) == -1)
		return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "vector", vector,
		    "error", err ? err : "invalid vector", "score", "",
		    "severity", "", "severity_class", "unscored", "version", "");
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "vector", vector,
	    "score", fmt_score(r, cv.score), "severity", cv.severity,
	    "severity_class", severity_class(cv.severity), "version",
	    cv.version == CVSS_V40 ? "4.0" : "3.1", "error", "");
}

/* The case's e-mail: what went out (and whether it arrived at the
 * relay) and what came in (encryption and signature). */
static json_t *
mail_ctx(struct req *r, const struct store_case *c)
{
	struct store_outbox *o = NULL;
	struct store_mail *m = NULL;
	size_t no = 0, nm = 0, i;
	json_t *out = json_array(), *in = json_array();

	if (store_outbox_for_case(r->app->store, c->id, &r->arena, &o, &no) !=
	    STORE_OK)
		no = 0;
	if (store_mail_for_case(r->app->store, c->id, &r->arena, &m, &nm) !=
	    STORE_OK)
		nm = 0;
	for (i = 0; i < no; i++)
		json_array_append_new(out, json_pack(
		    "{s:s,s:s,s:s,s:s,s:i,s:s,s:b,s:b,s:b}",
		    "kind", o[i].kind, "to", o[i].to_addr,
		    "at", web_fmt_time(r, o[i].created_at),
		    "status", o[i].status, "attempts", o[i].attempts,
		    "error", o[i].last_error,
		    "sent", strcmp(o[i].status, "sent") == 0,
		    "failed", strcmp(o[i].status, "failed") == 0,
		    "waiting", strcmp(o[i].status, "pending") == 0 ||
		    strcmp(o[i].status, "sending") == 0));
	for (i = 0; i < nm; i++)
		json_array_append_new(in, json_pack(
		    "{s:I,s:s,s:s,s:s,s:b,s:b,s:s,s:b,s:s}",
		    "id", (json_int_t)m[i].id,
		    "at", web_fmt_time(r, m[i].received_at),
		    "from", m[i].from_addr, "subject", m[i].subject,
		    "encrypted", strcmp(m[i].pgp, "decrypted") == 0,
		    "signed", strcmp(m[i].sig, "valid") == 0 && m[i].sig_whole,
		    "sig", m[i].sig, "partly_signed",
		    strcmp(m[i].sig, "valid") == 0 && !m[i].sig_whole,
		    "fpr", m[i].sig_fpr));
	return json_pack("{s:o,s:o,s:b}", "out", out, "in", in, "any",
	    no + nm > 0);
}

static int
show_case(struct req *r, const struct store_case *c, const struct redo *d,
    unsigned status)
{
	const struct core_transition *tr[CORE_TRANSITIONS_FROM_MAX];
	struct store_event *ev = NULL;
	struct store_message *msg = NULL;
	struct store_attachment *att = NULL;
	struct store_user *users = NULL;
	size_t nev = 0, nmsg = 0, natt = 0, nusers = 0, ntr, i, j;
	json_t *ctx, *a, *o, *files, *err;
	time_t now = time(NULL);
	char csrf[65];
	int may_msg, may_note, st;

	if (store_case_events(r->app->store, c->id, &r->arena, &ev, &nev) !=
	    STORE_OK || store_case_messages(r->app->store, c->id, 1,
	    &r->arena, &msg, &nmsg) != STORE_OK ||
	    store_case_attachments(r->app->store, c->id, &r->arena, &att,
	    &natt) != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	if (web_staff_may(r, ACT_CASE_ASSIGN) && store_users_list(
	    r->app->store, &r->arena, &users, &nusers) != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);

	ctx = web_page_ctx(r, util_arena_printf(&r->arena, "%s: %s",
	    c->tracking_id, c->field[RF_TITLE]));
	if (ctx == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	web_auth_csrf(r, csrf);
	sets(ctx, "csrf", csrf);
	st = core_state_parse(c->state);

	/* the header */
	sets(ctx, "tracking_id", c->tracking_id);
	sets(ctx, "title", c->field[RF_TITLE]);
	sets(ctx, "state", c->state);
	sets(ctx, "state_label", state_label(c->state));
	sets(ctx, "severity_label", severity_label(c->severity));
	sets(ctx, "severity_class", severity_class(c->severity));
	sets(ctx, "score", fmt_score(r, c->score));
	sets(ctx, "channel", c->channel);
	sets(ctx, "created", web_fmt_time(r, c->created_at));
	sets(ctx, "age_ago", now - c->created_at < 60 ? "just now" :
	    util_arena_printf(&r->arena, "%s ago", fmt_age(r, c->created_at,
	    now)));
	sets(ctx, "updated", web_fmt_time(r, c->updated_at));
	sets(ctx, "assignee", c->assignee);
	sets(ctx, "tier", core_report_tier_label(c->tier));
	sets(ctx, "tier_name", core_report_tier_name(c->tier));
	if (c->due_at != 0) {
		sets(ctx, "due", fmt_date(r, c->due_at));
		json_object_set_new(ctx, "overdue", json_boolean(
		    c->due_at < now && is_open_state(c->state)));
	}
	if (c->duplicate_of != 0 && c->duplicate_of_tracking != NULL &&
	    *c->duplicate_of_tracking != '\0') {
		sets(ctx, "duplicate_of", c->duplicate_of_tracking);
		sets(ctx, "duplicate_href", util_arena_printf(&r->arena,
		    "/cases/%s", web_url_encode(r, c->duplicate_of_tracking)));
	}

	/* the report */
	o = json_object();
	json_object_set_new(o, "facts", report_facts(r, c));
	sets(o, "description_label", staff_label(r, RF_DESCRIPTION));
	sets(o, "steps_label", staff_label(r, RF_STEPS));
	sets(o, "poc_label", staff_label(r, RF_POC));
	sets(o, "root_cause_label", staff_label(r, RF_ROOT_CAUSE));
	json_object_set_new(o, "description_html", md(r,
	    c->field[RF_DESCRIPTION]));
	json_object_set_new(o, "steps_html", md(r, c->field[RF_STEPS]));
	json_object_set_new(o, "root_cause_html", md(r,
	    c->field[RF_ROOT_CAUSE]));
	if (*c->field[RF_POC] != '\0')
		sets(o, "poc", c->field[RF_POC]);
	json_object_set_new(ctx, "report", o);

	/* the researcher */
	o = json_object();
	sets(o, "name_label", staff_label(r, RF_REPORTER_NAME));
	sets(o, "email_label", staff_label(r, RF_REPORTER_EMAIL));
	sets(o, "pgp_label", staff_label(r, RF_PGP_KEY));
	sets(o, "credit_label", staff_label(r, RF_CREDIT));
	sets(o, "name", c->field[RF_REPORTER_NAME]);
	sets(o, "email", c->field[RF_REPORTER_EMAIL]);
	if (core_email_ok(c->field[RF_REPORTER_EMAIL]))
		sets(o, "mailto", util_arena_printf(&r->arena, "mailto:%s",
		    web_url_encode(r, c->field[RF_REPORTER_EMAIL])));
	if (*c->field[RF_PGP_KEY] != '\0')
		sets(o, "pgp_key", c->field[RF_PGP_KEY]);
	sets(o, "credit", *c->field[RF_CREDIT] ? c->field[RF_CREDIT] :
	    c->field[RF_REPORTER_NAME]);
	json_object_set_new(o, "credit_default", json_boolean(
	    *c->field[RF_CREDIT] == '\0'));
	json_object_set_new(ctx, "researcher", o);

	/* the files of the report */
	files = json_array();
	for (i = 0; i < natt; i++)
		if (att[i].message_id == 0)
			json_array_append_new(files, json_pack(
			    "{s:I,s:s,s:I,s:s,s:s}", "id",
			    (json_int_t)att[i].id, "name", att[i].filename,
			    "size", (json_int_t)att[i].size, "type",
			    att[i].content_type ? att[i].content_type : "",
			    "sha256", att[i].sha256));
	json_object_set_new(ctx, "has_attachments", json_boolean(
	    json_array_size(files) > 0));
	json_object_set_new(ctx, "attachments", files);

	/* the conversation */
	a = json_array();
	for (i = 0; i < nmsg; i++) {
		int researcher = strcmp(msg[i].author_kind, "researcher") == 0;

		files = json_array();
		for (j = 0; j < natt; j++)
			if (att[j].message_id == msg[i].id)
				json_array_append_new(files, json_pack(
				    "{s:I,s:s,s:I}", "id",
				    (json_int_t)att[j].id, "name",
				    att[j].filename, "size",
				    (json_int_t)att[j].size));
		o = json_object();
		json_object_set_new(o, "id", json_integer(
		    (json_int_t)msg[i].id));
		sets(o, "at", web_fmt_time(r, msg[i].at));
		sets(o, "author", msg[i].author);
		json_object_set_new(o, "researcher", json_boolean(researcher));
		json_object_set_new(o, "internal", json_boolean(
		    msg[i].internal));
		json_object_set_new(o, "body_html", md(r, msg[i].body));
		json_object_set_new(o, "files", files);
		json_array_append_new(a, o);
	}
	json_object_set_new(ctx, "messages", a);
	json_object_set_new(ctx, "timeline", timeline(r, ev, nev));
	json_object_set_new(ctx, "mail", mail_ctx(r, c));
	json_object_set_new(ctx, "testing", web_testing_case_ctx(r, c,
	    d ? d->t : NULL));
	if ((o = web_postmortem_ctx(r, c, d ? d->pm : NULL)) != NULL)
		json_object_set_new(ctx, "postmortem", o);
	/* the case's release and advisory (h_releases.c) */
	if (web_staff_may(r, ACT_RELEASE_VIEW)) {
		struct store_advisory adv;

		if (store_advisory_by_case(r->app->store, c->id, &r->arena,
		    &adv) == STORE_OK) {
			int pub = adv.advisory_id && *adv.advisory_id;

			o = json_pack("{s:s,s:b,s:s,s:s,s:i}",
			    "release_href", util_arena_printf(&r->arena,
			    "/releases/%lld", (long long)adv.release_id),
			    "published", pub,
			    "advisory_id", pub ? adv.advisory_id : "",
			    "public_href", pub ? util_arena_printf(&r->arena,
			    "/advisories/%s", web_url_encode(r,
			    adv.advisory_id)) : "",
			    "revision", adv.revision);
			json_object_set_new(ctx, "advisory", o);
		}
	}

	/* the forms */
	err = json_object();
	if (d != NULL && d->form != NULL && d->msg != NULL)
		sets(err, d->form, d->msg);
	json_object_set_new(ctx, "err", err);

	ntr = web_staff_transitions(r, c, tr, CORE_TRANSITIONS_FROM_MAX);
	a = json_array();
	for (i = 0; i < ntr; i++) {
		const char *to = core_state_name(tr[i]->to);
		int mine = redo_is(d, "transition") && d->to != NULL &&
		    strcmp(d->to, to) == 0;

		o = json_object();
		sets(o, "to", to);
		sets(o, "to_label", core_state_label(tr[i]->to));
		sets(o, "label", tr[i]->label);
		json_object_set_new(o, "needs_reason", json_boolean(
		    tr[i]->needs_reason));
		json_object_set_new(o, "danger", json_boolean(
		    core_state_is_terminal(tr[i]->to) ||
		    tr[i]->to == ST_FIXING));
		sets(o, "reason", mine ? d->reason : "");
		sets(o, "error", mine ? d->msg : "");
		json_object_set_new(o, "via_request", json_boolean(
		    tr[i]->to == ST_NEEDS_INFO && st == ST_TRIAGE &&
		    web_staff_may(r, ACT_CASE_MESSAGE)));
		json_array_append_new(a, o);
	}
	json_object_set_new(ctx, "transitions", a);
	json_object_set_new(ctx, "may_transition", json_boolean(ntr > 0));
	if (redo_is(d, "transition")) {
		/* a refused move the buttons do not offer (any more) */
		int shown = 0;
		for (i = 0; i < ntr; i++)
			if (d->to && strcmp(core_state_name(tr[i]->to),
			    d->to) == 0)
				shown = 1;
		if (!shown)
			sets(ctx, "transition_error", d->msg);
	}

	if (web_staff_may(r, ACT_CASE_ASSIGN)) {
		const char *cur = redo_is(d, "assign") && d->assignee ?
		    d->assignee : NULL;
		int any = 0;

		a = json_array();
		for (i = 0; i < nusers; i++) {
			const char *id = util_arena_printf(&r->arena, "%lld",
			    (long long)users[i].id);
			int sel = cur ? strcmp(cur, id) == 0 :
			    users[i].id == c->assignee_id;
			if (users[i].disabled)
				continue;
			any |= sel;
			json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:b}",
			    "value", id, "name", users[i].name, "email",
			    users[i].email, "selected", sel));
		}
		json_object_set_new(ctx, "assign", json_pack("{s:o,s:b}",
		    "users", a, "none_selected", !any));
	}

	if (web_staff_may(r, ACT_CASE_SCORE)) {
		const char *vec = redo_is(d, "scoring") ? d->vector :
		    c->staff_cvss;
		const char *cwe = redo_is(d, "scoring") ? d->cwe : c->staff_cwe;

		o = json_object();
		sets(o, "vector", vec);
		json_object_set_new(o, "team_cvss", cvss_info(r,
		    c->staff_cvss));
		json_object_set_new(o, "researcher_cvss", cvss_info(r,
		    c->field[RF_CVSS_VECTOR]));
		sets(o, "researcher_cwe", *c->field[RF_CWE] != '\0' &&
		    strcmp(c->field[RF_CWE], "unknown") != 0 ?
		    c->field[RF_CWE] : "");
		json_object_set_new(o, "cwe", cwe_options(cwe));
		if (c->staff_cwe != NULL && *c->staff_cwe != '\0') {
			int id = core_cwe_parse(c->staff_cwe);
			sets(o, "current_cwe", id > 0 && core_cwe_find(id) ?
			    util_arena_printf(&r->arena, "%s: %s",
			    c->staff_cwe, core_cwe_find(id)->name) :
			    c->staff_cwe);
		}
		json_object_set_new(ctx, "scoring", o);
	}

	if (web_staff_may(r, ACT_CASE_DUPLICATE) && st >= 0 &&
	    core_transition_find(st, ST_DUPLICATE) != NULL)
		json_object_set_new(ctx, "duplicate_form", json_pack("{s:s,s:s}",
		    "of", redo_is(d, "duplicate") && d->of ? d->of : "",
		    "example", util_arena_printf(&r->arena, "%s-%.4s-0001",
		    r->app->cfg->tracking_prefix, fmt_date(r, now))));

	may_msg = web_staff_may(r, ACT_CASE_MESSAGE);
	may_note = web_staff_may(r, ACT_CASE_NOTE);
	if (may_msg || may_note) {
		const char *kind = redo_is(d, "message") && d->kind ? d->kind :
		    (may_msg ? "message" : "note");
		o = json_pack("{s:b,s:b,s:b,s:b,s:s}", "may_message", may_msg,
		    "may_note", may_note, "kind_message",
		    strcmp(kind, "message") == 0, "kind_note",
		    strcmp(kind, "note") == 0, "body", redo_is(d, "message") &&
		    d->body ? d->body : "");
		json_object_set_new(ctx, "message_form", o);
	}
	/* Only for those the lifecycle lets move triage -> needs_info. */
	if (may_msg && st == ST_TRIAGE && core_transition_check(ST_TRIAGE,
	    ST_NEEDS_INFO, ACTOR_STAFF, r->roles, "-", NULL) == 0) {
		int hints = 0;
		const char *text = request_info_text(r, c, att, natt, &hints);

		json_object_set_new(ctx, "request_info", json_pack("{s:s,s:b}",
		    "body", redo_is(d, "request_info") && d->body ? d->body :
		    text, "has_hints", hints));
	}
	return web_reply_page(r, status, "case", ctx);
}

int
web_h_case_view(struct req *r)
{
	struct store_case c;

	if (web_staff_case(r, r->param[0], &c, 1) != STAFF_OK)
		return WEB_DONE;
	return show_case(r, &c, NULL, 200);
}

int
web_case_page_redo(struct req *r, const struct store_case *c,
    const struct web_testing_redo *t, unsigned status)
{
	struct redo d;

	memset(&d, 0, sizeof(d));
	d.t = t;
	return show_case(r, c, &d, status);
}

int
web_case_page_pm(struct req *r, const struct store_case *c,
    const struct web_pm_redo *pm, unsigned status)
{
	struct redo d;

	memset(&d, 0, sizeof(d));
	d.pm = pm;
	return show_case(r, c, &d, status);
}

/* ---- the forms ---- */

struct form {
	const char	*name[MAX_FORM_FIELDS];
	const char	*value[MAX_FORM_FIELDS];
	size_t		 n;
};

static const char *
form_get(const struct form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->value[i];
	return NULL;
}

/* Reads an urlencoded body: the names wanted (NULL-terminated list) plus
 * "csrf"; others are ignored.  Checks the CSRF token.  Returns 0, or -1
 * after replying. */
static int
read_form(struct req *r, const char *const *wanted, struct form *out)
{
	struct web_field *fields = NULL;
	size_t n = 0, i, k;
	const char *ct = web_header(r, "Content-Type"), *err = NULL;

	memset(out, 0, sizeof(*out));
	if (ct == NULL || !web_media_type_is(ct,
	    "application/x-www-form-urlencoded")) {
		web_reply_error(r, WE_MEDIA_TYPE, NULL,
		    "Send the form as application/x-www-form-urlencoded.");
		return -1;
	}
	if (web_urlencoded_parse(&r->arena, r->body.data ? r->body.data : "",
	    r->body.len, 64, &fields, &n, &err) == -1) {
		web_reply_error(r, WE_BAD_FORM, NULL, err);
		return -1;
	}
	for (i = 0; i < n; i++) {
		int want = strcmp(fields[i].name, "csrf") == 0;

		for (k = 0; !want && wanted[k] != NULL; k++)
			want = strcmp(fields[i].name, wanted[k]) == 0;
		if (!want)
			continue;
		if (form_get(out, fields[i].name) != NULL) {
			web_reply_error(r, WE_DUPLICATE_FIELD, fields[i].name,
			    NULL);
			return -1;
		}
		if (memchr(fields[i].value, '\0', fields[i].value_len) !=
		    NULL) {
			web_reply_error(r, WE_BAD_FORM, fields[i].name,
			    "A field contains a NUL byte.");
			return -1;
		}
		if (out->n >= MAX_FORM_FIELDS) {
			web_reply_error(r, WE_BAD_FORM, NULL, NULL);
			return -1;
		}
		out->name[out->n] = fields[i].name;
		out->value[out->n] = fields[i].value;
		out->n++;
	}
	if (!web_auth_csrf_ok(r, form_get(out, "csrf"))) {
		web_reply_error(r, WE_CSRF, NULL, NULL);
		return -1;
	}
	return 0;
}

static int
done(struct req *r, const struct store_case *c, const char *fragment)
{
	return web_reply_redirect(r, 303, util_arena_printf(&r->arena,
	    "/cases/%s#%s", web_url_encode(r, c->tracking_id), fragment));
}

static int
blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++)
		if (!is_space(*s))
			return 0;
	return 1;
}

int
web_h_case_post_transition(struct req *r)
{
	static const char *const wanted[] = { "to", "reason", NULL };
	const struct core_transition *t;
	struct store_case c;
	struct form f;
	struct redo d;
	const char *msg = NULL;
	int rc, from, to;

	if (read_form(r, wanted, &f) == -1)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	memset(&d, 0, sizeof(d));
	d.form = "transition";
	d.to = form_get(&f, "to");
	d.reason = form_get(&f, "reason");
	rc = web_staff_transition(r, &c, d.to, d.reason, &msg);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc == STAFF_REFUSED) {
		d.msg = msg ? msg : "This change is not possible.";
		/* a missing reason is bad input; anything else a conflict */
		from = core_state_parse(c.state);
		to = core_state_parse(d.to ? d.to : "");
		t = from >= 0 && to >= 0 ? core_transition_find(from, to) :
		    NULL;
		return show_case(r, &c, &d, (t != NULL && t->needs_reason &&
		    blank(d.reason)) || to < 0 ? 422 : 409);
	}
	return done(r, &c, "actions");
}

int
web_h_case_post_assign(struct req *r)
{
	static const char *const wanted[] = { "assignee", NULL };
	struct store_case c;
	struct form f;
	struct redo d;
	const char *msg = NULL;
	int rc;

	if (read_form(r, wanted, &f) == -1)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	memset(&d, 0, sizeof(d));
	d.form = "assign";
	d.assignee = form_get(&f, "assignee");
	rc = web_staff_assign(r, &c, d.assignee ? d.assignee : "", &msg);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc == STAFF_REFUSED) {
		d.msg = msg ? msg : "The case could not be assigned.";
		return show_case(r, &c, &d, 422);
	}
	return done(r, &c, "assign");
}

int
web_h_case_post_scoring(struct req *r)
{
	static const char *const wanted[] = { "vector", "cwe", NULL };
	struct store_case c;
	struct form f;
	struct redo d;
	const char *msg = NULL;
	char *vec;
	size_t len;
	int rc;

	if (read_form(r, wanted, &f) == -1)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	memset(&d, 0, sizeof(d));
	d.form = "scoring";
	d.vector = form_get(&f, "vector");
	d.cwe = form_get(&f, "cwe");
	/* a vector pasted with blanks around it */
	if (d.vector != NULL && (vec = util_arena_strdup(&r->arena,
	    d.vector)) != NULL) {
		while (is_space(*vec))
			vec++;
		len = strlen(vec);
		while (len > 0 && is_space(vec[len - 1]))
			vec[--len] = '\0';
		d.vector = vec;
	}
	rc = web_staff_score(r, &c, d.vector ? d.vector : "", d.cwe ? d.cwe :
	    "", &msg);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc == STAFF_REFUSED) {
		d.msg = msg ? msg : "The score could not be saved.";
		return show_case(r, &c, &d, 422);
	}
	return done(r, &c, "scoring");
}

int
web_h_case_post_duplicate(struct req *r)
{
	static const char *const wanted[] = { "of", NULL };
	struct store_case c;
	struct form f;
	struct redo d;
	const char *msg = NULL;
	char *of;
	size_t len;
	int rc;

	if (read_form(r, wanted, &f) == -1)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	memset(&d, 0, sizeof(d));
	d.form = "duplicate";
	d.of = form_get(&f, "of");
	if (d.of != NULL && (of = util_arena_strdup(&r->arena, d.of)) !=
	    NULL) {
		while (is_space(*of))
			of++;
		len = strlen(of);
		while (len > 0 && is_space(of[len - 1]))
			of[--len] = '\0';
		d.of = of;
	}
	rc = web_staff_duplicate(r, &c, d.of, &msg);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc == STAFF_REFUSED) {
		d.msg = msg ? msg : "The case could not be marked duplicate.";
		return show_case(r, &c, &d, 422);
	}
	return done(r, &c, "duplicate-of");
}

int
web_h_case_post_message(struct req *r)
{
	static const char *const wanted[] = { "kind", "body", NULL };
	struct store_case c;
	struct form f;
	struct redo d;
	const char *msg = NULL;
	int rc, internal, request_info;

	if (read_form(r, wanted, &f) == -1)
		return WEB_DONE;
	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	memset(&d, 0, sizeof(d));
	d.kind = form_get(&f, "kind");
	d.body = form_get(&f, "body");
	if (d.kind == NULL || (strcmp(d.kind, "message") != 0 &&
	    strcmp(d.kind, "note") != 0 && strcmp(d.kind, "request_info") !=
	    0))
		return web_reply_error(r, WE_BAD_REQUEST, "kind",
		    "kind must be message, note or request_info.");
	internal = strcmp(d.kind, "note") == 0;
	request_info = strcmp(d.kind, "request_info") == 0;
	d.form = request_info ? "request_info" : "message";
	/* blanks alone are no message (staff.c counts them as one) */
	if (blank(d.body)) {
		d.msg = "Write the message first.";
		return show_case(r, &c, &d, 422);
	}
	rc = web_staff_message(r, &c, d.body, internal, request_info, &msg);
	if (rc == STAFF_REPLIED)
		return WEB_DONE;
	if (rc == STAFF_REFUSED) {
		d.msg = msg ? msg : "The message could not be sent.";
		/* an empty message is bad input; a request for information
		 * the case's state does not allow is a conflict */
		return show_case(r, &c, &d, request_info && !blank(d.body) ?
		    409 : 422);
	}
	return done(r, &c, "messages");
}

/* ---- attachments ---- */

/* Content-Disposition with an ASCII fallback and the RFC 5987 name. */
static const char *
disposition(struct req *r, const char *name)
{
	struct buf b;
	const unsigned char *p;
	const char *out;

	util_buf_init(&b, 4096);
	util_buf_puts(&b, "attachment; filename=\"");
	for (p = (const unsigned char *)name; *p; p++)
		util_buf_putc(&b, (*p < 0x20 || *p >= 0x7f || *p == '"' ||
		    *p == '\\' || *p == '%' || *p == ';') ? '_' : (char)*p);
	util_buf_puts(&b, "\"; filename*=UTF-8''");
	for (p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_')
			util_buf_putc(&b, (char)*p);
		else
			util_buf_printf(&b, "%%%02X", *p);
	}
	out = b.failed ? "attachment" : util_arena_strdup(&r->arena, b.data);
	util_buf_release(&b);
	return out ? out : "attachment";
}

int
web_h_case_attachment(struct req *r)
{
	struct store_case c;
	struct store_attachment a;
	char *end;
	long long id;
	int rc;

	if (web_staff_case(r, r->param[0], &c, 0) != STAFF_OK)
		return WEB_DONE;
	if (r->param[1] == NULL || r->param[1][0] < '1' ||
	    r->param[1][0] > '9')
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	id = strtoll(r->param[1], &end, 10);
	if (*end != '\0' || id <= 0)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	rc = store_attachment_get(r->app->store, c.id, id, &r->arena, &a);
	if (rc == STORE_NONE)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (rc != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	/* no trace, no file */
	if (web_audit(r, "attachment.view", c.id, util_arena_printf(
	    &r->arena, "attachment %lld", id)) == -1)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	web_add_header(r, "Content-Disposition", disposition(r,
	    a.filename ? a.filename : "attachment"));
	web_add_header(r, "Content-Security-Policy", "sandbox");
	return web_reply(r, 200, "application/octet-stream", a.data, a.size);
}
