/* tests/fuzz/fuzz_multipart.c - web_multipart_parse on hostile bodies.
 * Input: the first line is the request's Content-Type (a trailing CR is
 * dropped), the rest is the body; an input without a newline is all body
 * under a fixed Content-Type.  Checks that parts lie inside the body and
 * that results are consistent; the arena is capped at 8 MiB. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "web/parse.h"

#define ARENA_LIMIT	(8 * 1024 * 1024)
#define DEFAULT_CT	"multipart/form-data; boundary=XyZ"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_parts(const struct web_part *parts, size_t n, const char *body,
    size_t len, const struct web_multipart_limits *lim)
{
	size_t i;

	if (n > lim->max_parts || (n > 0 && parts == NULL))
		abort();
	for (i = 0; i < n; i++) {
		if (parts[i].name == NULL || parts[i].name[0] == '\0' ||
		    parts[i].content_type == NULL)
			abort();
		if (parts[i].filename != NULL)
			(void)strlen(parts[i].filename);
		if (parts[i].data < body || parts[i].len > len ||
		    (size_t)(parts[i].data - body) > len - parts[i].len)
			abort();
		if (i > 0 && parts[i].data < parts[i - 1].data +
		    parts[i - 1].len)
			abort();	/* parts are in body order */
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct web_multipart_limits lim = { 64, 1024 };
	struct web_part *parts = NULL;
	struct arena a;
	const char *body, *err = NULL, *nl;
	char *ct;
	size_t len, ctlen, n = 1;
	int rc;

	nl = memchr(data, '\n', size);
	if (nl != NULL) {
		ctlen = (size_t)(nl - (const char *)data);
		body = nl + 1;
		len = size - ctlen - 1;
		if (ctlen > 0 && data[ctlen - 1] == '\r')
			ctlen--;
		if ((ct = malloc(ctlen + 1)) == NULL)
			return 0;
		memcpy(ct, data, ctlen);
		ct[ctlen] = '\0';
	} else {
		body = (const char *)data;
		len = size;
		if ((ct = malloc(sizeof(DEFAULT_CT))) == NULL)
			return 0;
		memcpy(ct, DEFAULT_CT, sizeof(DEFAULT_CT));
	}

	util_arena_init(&a, ARENA_LIMIT);
	rc = web_multipart_parse(&a, ct, body, len, &lim, &parts, &n, &err);
	if (rc == 0)
		check_parts(parts, n, body, len, &lim);
	else if (rc != -1 || err == NULL || parts != NULL || n != 0)
		abort();

	/* The header helpers on the same hostile line. */
	(void)web_media_type_is(ct, "multipart/form-data");
	(void)web_header_param(&a, ct, "boundary");
	(void)web_cookie_get(&a, ct, "boundary");
	util_arena_release(&a);
	free(ct);
	return 0;
}
