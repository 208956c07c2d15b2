/* tests/unit/util/test_util.c - arena, buffer, encodings, tokens, config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/crypto.h"
#include "util/encode.h"

static void
test_arena(void **state)
{
	struct arena a;
	char *p, *q;
	int i;

	(void)state;
	util_arena_init(&a, 0);
	p = util_arena_strdup(&a, "hello");
	assert_string_equal(p, "hello");
	for (i = 0; i < 1000; i++)
		assert_non_null(util_arena_alloc(&a, 1000));
	q = util_arena_printf(&a, "%d-%s", 42, "x");
	assert_string_equal(q, "42-x");
	assert_true(((uintptr_t)util_arena_alloc(&a, 3) & 15) == 0);
	util_arena_release(&a);

	util_arena_init(&a, 4096);
	assert_non_null(util_arena_alloc(&a, 4000));
	assert_null(util_arena_alloc(&a, 200));	/* over the limit */
	assert_null(util_arena_alloc(&a, SIZE_MAX));
	util_arena_release(&a);
}

static void
test_buf(void **state)
{
	struct buf b;
	char *s;
	size_t n;

	(void)state;
	util_buf_init(&b, 16);
	assert_int_equal(util_buf_puts(&b, "0123456789"), 0);
	assert_int_equal(util_buf_printf(&b, "%s", "abcdef"), 0);
	assert_int_equal(b.len, 16);
	assert_int_equal(util_buf_putc(&b, 'x'), -1);	/* max reached */
	assert_true(b.failed);
	assert_int_equal(util_buf_puts(&b, ""), -1);	/* stays failed */
	util_buf_release(&b);

	util_buf_init(&b, 0);
	util_buf_html_escape(&b, "<a href=\"x\">'&'</a>", 19);
	assert_string_equal(b.data,
	    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
	s = util_buf_steal(&b, &n);
	assert_int_equal(n, strlen(s));
	free(s);
	assert_null(b.data);
}

static void
test_base64(void **state)
{
	static const struct { const char *in, *std, *url; } v[] = {
		{ "", "", "" }, { "f", "Zg==", "Zg" }, { "fo", "Zm8=", "Zm8" },
		{ "foo", "Zm9v", "Zm9v" }, { "foob", "Zm9vYg==", "Zm9vYg" },
		{ "\xfb\xff", "+/8=", "-_8" },
	};
	char out[64];
	unsigned char dec[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		util_b64_encode(out, (const unsigned char *)v[i].in,
		    strlen(v[i].in));
		assert_string_equal(out, v[i].std);
		util_b64url_encode(out, (const unsigned char *)v[i].in,
		    strlen(v[i].in));
		assert_string_equal(out, v[i].url);
		assert_int_equal(util_b64_decode(dec, &n, v[i].std,
		    strlen(v[i].std)), 0);
		assert_int_equal(n, strlen(v[i].in));
		assert_memory_equal(dec, v[i].in, n);
	}
	assert_int_equal(util_b64_decode(dec, &n, "Zm9v\nYg==", 9), 0);
	assert_int_equal(n, 4);
	assert_int_equal(util_b64_decode(dec, &n, "Zm9v!", 5), -1);
	assert_int_equal(util_b64_decode(dec, &n, "Zg==Zg", 6), -1);
	assert_int_equal(util_b64_decode(dec, &n, "Z", 1), -1);
	assert_int_equal(util_b64_decode(dec, &n, "Zh==", 4), -1); /* bits */
}

static void
test_tokens(void **state)
{
	char t1[UTIL_TOKEN_CHARS + 1], t2[UTIL_TOKEN_CHARS + 1];
	unsigned char h1[UTIL_HASH_BYTES], h2[UTIL_HASH_BYTES];
	char pw[32], hash[256];

	(void)state;
	assert_int_equal(util_crypto_init(), 0);
	util_token_new(t1, h1);
	util_token_new(t2, h2);
	assert_int_equal(strlen(t1), UTIL_TOKEN_CHARS);
	assert_string_not_equal(t1, t2);
	assert_int_equal(util_token_hash(t1, h2), 0);
	assert_memory_equal(h1, h2, UTIL_HASH_BYTES);
	/* malformed tokens are refused before any lookup */
	assert_int_equal(util_token_hash("short", h2), -1);
	t2[5] = '/';
	assert_int_equal(util_token_hash(t2, h2), -1);
	assert_int_equal(util_token_hash(
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", h2), -1);
	util_password_new(pw, sizeof(pw));
	assert_int_equal(strlen(pw), 20);
	assert_int_equal(util_password_hash(hash, sizeof(hash), pw), 0);
	assert_true(strncmp(hash, "$argon2id$", 10) == 0);
	assert_true(util_password_verify(hash, pw));
	assert_false(util_password_verify(hash, "wrong password!"));
}

static void
test_sizes(void **state)
{
	size_t n;

	(void)state;
	assert_int_equal(util_parse_size("25M", &n), 0);
	assert_int_equal(n, 25u * 1024 * 1024);
	assert_int_equal(util_parse_size("10MiB", &n), 0);
	assert_int_equal(n, 10u * 1024 * 1024);
	assert_int_equal(util_parse_size("512k", &n), 0);
	assert_int_equal(n, 512u * 1024);
	assert_int_equal(util_parse_size("123", &n), 0);
	assert_int_equal(n, 123);
	assert_int_equal(util_parse_size("-1", &n), -1);
	assert_int_equal(util_parse_size("12X", &n), -1);
	assert_int_equal(util_parse_size("", &n), -1);
	assert_int_equal(util_parse_size("99999999999999999999G", &n), -1);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_config(void **state)
{
	struct config c;
	char err[256], path[] = "/tmp/vigil-conf-XXXXXX";
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	util_config_defaults(&c);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(c.max_request_body, 25u * 1024 * 1024);
	assert_int_equal(c.max_attachment, 10u * 1024 * 1024);

	write_file(path, "[server]\nlisten = 0.0.0.0:9000\n"
	    "max_attachment = 2M\n[cases]\ntracking_prefix = SEC\n");
	assert_int_equal(util_config_load(&c, path, err, sizeof(err)), 0);
	assert_string_equal(c.listen, "0.0.0.0:9000");
	assert_int_equal(c.max_attachment, 2u * 1024 * 1024);
	assert_string_equal(c.tracking_prefix, "SEC");

	write_file(path, "[server]\nlisten = x:1\n\nbogus = 1\n");
	assert_int_equal(util_config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":4: unknown key"));

	write_file(path, "[cases]\ntracking_prefix = bad-prefix\n");
	assert_int_equal(util_config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: invalid value"));

	write_file(path, "[server]\nthreads = many\n");
	assert_int_equal(util_config_load(&c, path, err, sizeof(err)), -1);
	unlink(path);
	assert_int_equal(util_config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
