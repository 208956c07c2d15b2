/* tests/fuzz/fuzz_tmpl.c - compiles the input as a mustache template, in
 * strict and in lax mode, and renders it against a small fixed context
 * into a buffer of at most 1 MiB.  The input is also added as partial "p"
 * and a fixed parent "layout" is present, so self-recursion, partials and
 * inheritance are all reachable from the input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "util/buf.h"
#include "web/tmpl.h"

#define MAX_INPUT	(64 * 1024)
#define MAX_OUT		(1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char context[] =
    "{\"a\":1,\"b\":\"<x & 'y'>\",\"r\":1.5,\"t\":true,\"f\":false,"
    "\"n\":null,\"e\":\"\",\"s_html\":\"<b>safe</b>\","
    "\"list\":[1,\"two\",{\"c\":true,\"b\":\"inner\"},[3]],"
    "\"obj\":{\"d\":\"e\",\"l\":[],\"obj\":{\"x\":\"deep\"}}}";

static const char layout[] =
    "<{{$title}}T{{/title}}>\n"
    "  {{$body}}\n"
    "  default {{b}}\n"
    "  {{/body}}\n"
    "{{>p}}\n";

static void
one(const char *src, size_t len, int strict, const json_t *ctx)
{
	struct tmpl_set *s;
	struct buf out;
	char err[256];

	if ((s = web_tmpl_set_new(strict)) == NULL)
		return;
	(void)web_tmpl_add(s, "layout", layout, sizeof(layout) - 1, err,
	    sizeof(err));
	if (web_tmpl_add(s, "main", src, len, err, sizeof(err)) == 0) {
		(void)web_tmpl_add(s, "p", src, len, err, sizeof(err));
		util_buf_init(&out, MAX_OUT);
		(void)web_tmpl_render(s, "main", ctx, &out);
		if (out.len > MAX_OUT)
			__builtin_trap();
		util_buf_release(&out);
	} else if (strchr(err, ':') == NULL)
		__builtin_trap();	/* errors always say where */
	web_tmpl_set_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *ctx;

	if (size > MAX_INPUT)
		return 0;
	if ((ctx = json_loads(context, 0, NULL)) == NULL)
		return 0;
	one((const char *)data, size, 0, ctx);
	one((const char *)data, size, 1, ctx);
	json_decref(ctx);
	return 0;
}
