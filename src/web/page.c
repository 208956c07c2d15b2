/* web/page.c - what every page shares: the base template context,
 * Markdown rendering (cmark, safe mode: raw HTML and dangerous URLs are
 * dropped), CSRF tokens and time formatting. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmark.h>

#include "util/crypto.h"
#include "web.h"

json_t *
web_page_ctx(struct req *r, const char *title)
{
	json_t *ctx;

	char csrf[65];

	ctx = json_pack("{s:s,s:s}", "title", title ? title : "Vigil",
	    "team", r->app->cfg->team_name);
	if (ctx != NULL && r->authed && !r->via_token) {
		web_auth_csrf(r, csrf);
		json_object_set_new(ctx, "staff", json_pack("{s:s,s:s,s:s}",
		    "name", r->user_name ? r->user_name : "",
		    "email", r->user_email ? r->user_email : "",
		    "csrf", csrf));
	}
	return ctx;
}

char *
web_markdown_html(struct req *r, const char *md)
{
	char *html, *copy;

	/* CMARK_OPT_SAFE is the default in cmark >= 0.29 (raw HTML and
	 * javascript:/vbscript:/file:/data: links are removed); it is set
	 * explicitly so an older library behaves the same. */
	html = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_SAFE |
	    CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_NOBREAKS);
	if (html == NULL)
		return NULL;
	copy = util_arena_strdup(&r->arena, html);
	free(html);
	return copy;
}

void
web_csrf_token(struct req *r, const char *bind, char *out)
{
	util_mac_hex(out, r->app->csrf_key, sizeof(r->app->csrf_key), bind,
	    strlen(bind));
}

int
web_csrf_ok(struct req *r, const char *bind, const char *got)
{
	char want[65];

	if (got == NULL || strlen(got) != 64)
		return 0;
	web_csrf_token(r, bind, want);
	return util_ct_equal(want, got, 64);
}

const char *
web_fmt_time(struct req *r, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char b[32];

	gmtime_r(&tt, &tm);
	strftime(b, sizeof(b), "%Y-%m-%d %H:%M UTC", &tm);
	return util_arena_strdup(&r->arena, b);
}
