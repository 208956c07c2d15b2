/* web/h_mail.c - e-mail that needs a person: messages Vigil kept but
 * could not turn into a case (unreadable, undecryptable, no sender, our
 * own mail come back), and their raw form as a download. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "web.h"

int
web_h_mail_list(struct req *r)
{
	struct store_mail *m;
	size_t n, i;
	json_t *ctx, *arr;

	if (store_mail_flagged(r->app->store, 200, &r->arena, &m, &n) !=
	    STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	ctx = web_page_ctx(r, "E-mail that needs a person");
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack(
		    "{s:I,s:s,s:s,s:s,s:s,s:I}", "id", (json_int_t)m[i].id,
		    "at", web_fmt_time(r, m[i].received_at),
		    "from", m[i].from_addr[0] ? m[i].from_addr : "(unknown)",
		    "subject", m[i].subject[0] ? m[i].subject : "(none)",
		    "why", m[i].flag[0] ? m[i].flag : "stored, but it could not "
		    "be processed (it took too long, or the intake stopped)",
		    "size", (json_int_t)m[i].size));
	json_object_set_new(ctx, "mails", arr);
	json_object_set_new(ctx, "count", json_integer((json_int_t)n));
	return web_reply_page(r, 200, "mail", ctx);
}

int
web_h_mail_raw(struct req *r)
{
	struct store_mail m;
	char *end, name[64];
	long long id;
	int rc;

	id = strtoll(r->param[0], &end, 10);
	if (*end != '\0' || id <= 0)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	rc = store_mail_get(r->app->store, id, &r->arena, &m);
	if (rc == STORE_NONE)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (rc != STORE_OK || web_audit(r, "mail.raw", m.case_id,
	    util_arena_printf(&r->arena, "raw mail %lld", id)) == -1)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	snprintf(name, sizeof(name), "attachment; filename=\"mail-%lld.eml\"",
	    id);
	web_add_header(r, "Content-Disposition", name);
	web_add_header(r, "Content-Security-Policy", "sandbox");
	return web_reply(r, 200, "application/octet-stream", m.raw, m.size);
}
