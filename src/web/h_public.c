/* web/h_public.c - the public home page and the health check. */
#include <string.h>

#include "store/store.h"
#include "web.h"

int
web_h_index(struct req *r)
{
	json_t *ctx = web_page_ctx(r, "Report a security vulnerability");

	return web_reply_page(r, 200, "index", ctx);
}

int
web_h_healthz(struct req *r)
{
	if (!store_healthy(r->app->store))
		return web_reply(r, 503, "text/plain; charset=utf-8",
		    "database unavailable\n", 21);
	return web_reply(r, 200, "text/plain; charset=utf-8", "ok\n", 3);
}
