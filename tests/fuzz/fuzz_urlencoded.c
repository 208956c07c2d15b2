/* tests/fuzz/fuzz_urlencoded.c - web_urlencoded_parse on hostile bodies,
 * plus the query, cookie and header-parameter helpers on the same bytes
 * (as a NUL-terminated string).  The arena is capped at 8 MiB. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "web/parse.h"

#define ARENA_LIMIT	(8 * 1024 * 1024)
#define MAX_FIELDS	64

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_fields(const struct web_field *f, size_t n, size_t len)
{
	size_t i;

	if (n > MAX_FIELDS || (n > 0 && f == NULL))
		abort();
	for (i = 0; i < n; i++) {
		if (f[i].name == NULL || f[i].value == NULL ||
		    f[i].value_len > len ||
		    f[i].value[f[i].value_len] != '\0' ||
		    strlen(f[i].name) > len)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct web_field *f = NULL;
	struct arena a;
	const char *err = NULL, *v;
	char *s;
	size_t n = 1;
	int rc;

	util_arena_init(&a, ARENA_LIMIT);
	rc = web_urlencoded_parse(&a, (const char *)data, size, MAX_FIELDS,
	    &f, &n, &err);
	if (rc == 0)
		check_fields(f, n, size);
	else if (rc != -1 || err == NULL || f != NULL || n != 0)
		abort();

	if ((s = malloc(size + 1)) != NULL) {
		memcpy(s, data, size);
		s[size] = '\0';
		if (web_query_parse(&a, s, MAX_FIELDS, &f, &n, &err) == 0)
			check_fields(f, n, size);
		v = web_cookie_get(&a, s, "sid");
		if (v != NULL && strlen(v) > size)
			abort();
		v = web_header_param(&a, s, "charset");
		if (v != NULL && strlen(v) > size)
			abort();
		(void)web_media_type_is(s, "application/x-www-form-urlencoded");
		free(s);
	}
	util_arena_release(&a);
	return 0;
}
