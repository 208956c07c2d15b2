/* tests/unit/web/test_parse.c - web/parse.c: multipart, urlencoded,
 * cookies, media types, header parameters.  Table-driven; every table
 * holds rejects as well as accepts (SECURITY.md §3.2 "Multipart"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/arena.h"
#include "web/parse.h"

#define ARENA_LIMIT	(8 * 1024 * 1024)
/* body and length, NULs kept */
#define S(x)		x, sizeof(x) - 1
#define CT		"multipart/form-data; boundary=XyZ"
#define CD(n) \
	"Content-Disposition: form-data; name=\"" n "\"\r\n"
#define MPE		"Malformed multipart body: "
#define NOP		{ { NULL, NULL, NULL, NULL, 0 } }
#define NOF		{ { NULL, NULL, 0 } }
#define REJ(e)		MPE e, 0, NOP	/* a reject: error prefix */
#define UREJ(e)		"Malformed form data: " e, 0, NOF
#define B10		"1234567890"
#define B70		B10 B10 B10 B10 B10 B10 B10

/* ---- multipart ---- */

struct exp_part {
	const char	*name;
	const char	*filename;	/* NULL: not a file part */
	const char	*ctype;
	const char	*data;
	size_t		 len;
};

struct mp_case {
	const char	*what;
	const char	*ctype;
	const char	*body;
	size_t		 blen;
	const char	*err;		/* NULL: parses, else prefix */
	size_t		 nparts;
	struct exp_part	 p[3];
};

static const struct mp_case mp_cases[] = {
	{ "one field", CT,
	  S("--XyZ\r\n" CD("a") "\r\nhello\r\n--XyZ--\r\n"), NULL, 1,
	  {{ "a", NULL, "text/plain", S("hello") }} },
	{ "file part with type", CT,
	  S("--XyZ\r\n"
	  "Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n"
	  "Content-Type: text/x-diff\r\n\r\n"
	  "line1\r\nline2\r\n--XyZ--"), NULL, 1,
	  {{ "f", "a.txt", "text/x-diff", S("line1\r\nline2") }} },
	{ "preamble and epilogue ignored", CT,
	  S("This is a preamble.\r\n--XyZ\r\n" CD("a") "\r\nv\r\n--XyZ--\r\n"
	  "epilogue --XyZ\r\n" CD("b") "\r\nnot a part\r\n"), NULL, 1,
	  {{ "a", NULL, "text/plain", S("v") }} },
	{ "boundary text inside data is data", CT,
	  S("--XyZ\r\n" CD("a") "\r\n--XyZ x--XyZ\r\n\r\n--XyZZ\r\n"
	  "--XyZ\tq\r\n--XyZ--"), NULL, 1,
	  {{ "a", NULL, "text/plain",
	  S("--XyZ x--XyZ\r\n\r\n--XyZZ\r\n--XyZ\tq") }} },
	{ "duplicate names: separate parts in order", CT,
	  S("--XyZ\r\n" CD("role") "\r\nuser\r\n--XyZ\r\n" CD("role")
	  "\r\nadmin\r\n--XyZ\r\n" CD("x") "\r\n\r\n--XyZ--"), NULL, 3,
	  {{ "role", NULL, "text/plain", S("user") },
	  { "role", NULL, "text/plain", S("admin") },
	  { "x", NULL, "text/plain", S("") }} },
	{ "filename* UTF-8", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\nd\r\n--XyZ--"),
	  NULL, 1,
	  {{ "f", "\xe2\x82\xac rates.txt", "application/octet-stream",
	  S("d") }} },
	{ "filename* preferred over filename", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename=\"fallback.txt\"; filename*=utf-8'en'r%C3%A9sum%C3%A9.pdf"
	  "\r\n\r\nd\r\n--XyZ--"), NULL, 1,
	  {{ "f", "r\xc3\xa9sum\xc3\xa9.pdf", "application/octet-stream",
	  S("d") }} },
	{ "filename* ISO-8859-1 becomes UTF-8", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename*=ISO-8859-1''%A3.txt\r\n\r\nd\r\n--XyZ--"), NULL, 1,
	  {{ "f", "\xc2\xa3.txt", "application/octet-stream", S("d") }} },
	{ "filename* unknown charset", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename*=KOI8-R''%C1\r\n\r\nd\r\n--XyZ--"), REJ("unsupported") },
	{ "filename* bad escape", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename*=UTF-8''a%G1\r\n\r\nd\r\n--XyZ--"),
	  REJ("malformed filename*") },
	{ "filename* without quotes", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename*=UTF-8%41\r\n\r\nd\r\n--XyZ--"),
	  REJ("malformed filename*") },
	{ "filename* NUL", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename*=UTF-8''a%00.php\r\n\r\nd\r\n--XyZ--"), REJ("NUL") },
	{ "filename* overlong UTF-8 slash", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename*=UTF-8''..%C0%AFx\r\n\r\nd\r\n--XyZ--"),
	  REJ("filename* is not") },
	{ "filename* UTF-8 surrogate", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename*=UTF-8''%ED%A0%80\r\n\r\nd\r\n--XyZ--"),
	  REJ("filename* is not") },
	{ "filename* 4-byte UTF-8", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename*=UTF-8''%F0%9F%98%80\r\n\r\nd\r\n--XyZ--"), NULL, 1,
	  {{ "f", "\xf0\x9f\x98\x80", "application/octet-stream", S("d") }} },
	{ "filename* truncated UTF-8", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename*=UTF-8''a%E2%82\r\n\r\nd\r\n--XyZ--"),
	  REJ("filename* is not") },
	{ "filename* bad continuation byte", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename*=UTF-8''%E2%41%41\r\n\r\nd\r\n--XyZ--"),
	  REJ("filename* is not") },
	{ "filename* byte F5", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename*=UTF-8''%F5%80%80%80\r\n\r\nd\r\n--XyZ--"),
	  REJ("filename* is not") },
	{ "filename* without any quote", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename*=UTF-8\r\n\r\nd\r\n--XyZ--"), REJ("malformed filename*") },
	{ "filename* with a raw space", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename*=\"UTF-8''a b\"\r\n\r\nd\r\n--XyZ--"),
	  REJ("malformed filename*") },
	{ "filename* twice", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename*=UTF-8''a; filename*=UTF-8''b\r\n\r\nd\r\n--XyZ--"),
	  REJ("duplicate Content-Disposition parameter") },
	{ "../ file name returned raw", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename=\"../../etc/passwd\"\r\n\r\nd\r\n--XyZ--"), NULL, 1,
	  {{ "f", "../../etc/passwd", "application/octet-stream", S("d") }} },
	{ "..\\ file name, quoted-pair unescaped", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename=\"..\\\\..\\\\boot.ini\"\r\n\r\nd\r\n--XyZ--"), NULL, 1,
	  {{ "f", "..\\..\\boot.ini", "application/octet-stream", S("d") }} },
	{ "filename is not percent-decoded", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename=\"a%2F..%00b\"\r\n\r\nd\r\n--XyZ--"), NULL, 1,
	  {{ "f", "a%2F..%00b", "application/octet-stream", S("d") }} },
	{ "empty filename is a file part", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; filename=\"\""
	  "\r\n\r\n\r\n--XyZ--"), NULL, 1,
	  {{ "f", "", "application/octet-stream", S("") }} },
	{ "UTF-8 bytes in quoted filename kept", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=f; "
	  "filename=\"\xe2\x80\xaetxt.exe\"\r\n\r\nd\r\n--XyZ--"), NULL, 1,
	  {{ "f", "\xe2\x80\xaetxt.exe", "application/octet-stream",
	  S("d") }} },
	{ "CRLF in name", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\nb\"\r\n\r\n"
	  "d\r\n--XyZ--"), REJ("") },
	{ "NUL in name", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n\r\n"
	  "d\r\n--XyZ--"), REJ("NUL byte in part headers") },
	{ "NUL in filename", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=a; "
	  "filename=\"x\0.php\"\r\n\r\nd\r\n--XyZ--"), REJ("NUL byte") },
	{ "control character in header", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=\"a\x1b\"\r\n\r\n"
	  "d\r\n--XyZ--"), REJ("malformed part header") },
	{ "bare CR in header", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=a\rX: y\r\n\r\n"
	  "d\r\n--XyZ--"), REJ("lines must end in CRLF") },
	{ "escaped quote in name", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=\"a\\\"b\"\r\n\r\n"
	  "d\r\n--XyZ--"), NULL, 1,
	  {{ "a\"b", NULL, "text/plain", S("d") }} },
	{ "empty body", CT, S(""), REJ("truncated") },
	{ "only preamble", CT, S("just some text\r\nno boundary\r\n"),
	  REJ("truncated") },
	{ "final boundary missing", CT,
	  S("--XyZ\r\n" CD("a") "\r\nhello"), REJ("truncated") },
	{ "final boundary cut", CT,
	  S("--XyZ\r\n" CD("a") "\r\nhello\r\n--XyZ"), REJ("truncated") },
	{ "final boundary cut after dash", CT,
	  S("--XyZ\r\n" CD("a") "\r\nhello\r\n--XyZ-"), REJ("truncated") },
	{ "boundary line cut in padding", CT,
	  S("--XyZ\r\n" CD("a") "\r\nhello\r\n--XyZ  "), REJ("truncated") },
	{ "boundary line cut after CR", CT,
	  S("--XyZ\r\n" CD("a") "\r\nhello\r\n--XyZ\r"), REJ("truncated") },
	{ "only a closing boundary: no parts", CT, S("--XyZ--\r\n"), NULL, 0,
	  NOP },
	{ "LF-only body", CT,
	  S("--XyZ\nContent-Disposition: form-data; name=\"a\"\n\nv\n"
	  "--XyZ--\n"),
	  REJ("lines must end in CRLF") },
	{ "LF-only part headers", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\n\nv\r\n"
	  "--XyZ--"), REJ("lines must end in CRLF") },
	{ "bare CR after boundary", CT,
	  S("--XyZ\rContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n"
	  "--XyZ--"), REJ("lines must end in CRLF") },
	{ "transport padding after boundary", CT,
	  S("--XyZ \t\r\n" CD("a") "\r\nv\r\n--XyZ  \r\n" CD("b")
	  "\r\nw\r\n--XyZ--"), NULL, 2,
	  {{ "a", NULL, "text/plain", S("v") },
	  { "b", NULL, "text/plain", S("w") }} },
	{ "binary data with NUL and lone CR", CT,
	  S("--XyZ\r\n" CD("bin") "\r\n\0\r\0\r\r\n-\r\n--\r\n--XyZ--"),
	  NULL, 1,
	  {{ "bin", NULL, "text/plain", S("\0\r\0\r\r\n-\r\n--") }} },
	{ "no boundary parameter", "multipart/form-data",
	  S("--XyZ\r\n" CD("a") "\r\nv\r\n--XyZ--"), REJ("missing boundary") },
	{ "empty boundary", "multipart/form-data; boundary=\"\"",
	  S("--\r\n" CD("a") "\r\nv\r\n----"), REJ("invalid boundary") },
	{ "71-char boundary", "multipart/form-data; boundary=" B70 "1",
	  S("--" B70 "1--"), REJ("invalid boundary") },
	{ "70-char boundary", "multipart/form-data; boundary=" B70,
	  S("--" B70 "\r\n" CD("a") "\r\nv\r\n--" B70 "--"), NULL, 1,
	  {{ "a", NULL, "text/plain", S("v") }} },
	{ "boundary with CRLF", "multipart/form-data; boundary=\"a\r\nb\"",
	  S("--a\r\nb--"), REJ("malformed Content-Type") },
	{ "boundary with forbidden char",
	  "multipart/form-data; boundary=\"a@b\"",
	  S("--a@b--"), REJ("invalid boundary") },
	{ "boundary ending in space", "multipart/form-data; boundary=\"ab \"",
	  S("--ab --"), REJ("invalid boundary") },
	{ "quoted boundary with space", "Multipart/Form-Data; charset=utf-8; "
	  "BOUNDARY=\"a b:c\"",
	  S("--a b:c\r\n" CD("a") "\r\nv\r\n--a b:c--"), NULL, 1,
	  {{ "a", NULL, "text/plain", S("v") }} },
	{ "duplicate boundary", "multipart/form-data; boundary=XyZ; boundary=Q",
	  S("--XyZ--"), REJ("more than one boundary") },
	{ "not multipart/form-data", "multipart/mixed; boundary=XyZ",
	  S("--XyZ--"), REJ("the Content-Type") },
	{ "no content type", NULL, S("--XyZ--"),
	  REJ("the Content-Type") },
	{ "header folding", CT,
	  S("--XyZ\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\n"
	  "v\r\n--XyZ--"), REJ("folded") },
	{ "no Content-Disposition", CT,
	  S("--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--"),
	  REJ("part without Content-Disposition") },
	{ "Content-Disposition not form-data", CT,
	  S("--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nv\r\n"
	  "--XyZ--"), REJ("part Content-Disposition is not") },
	{ "no name", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; filename=a\r\n\r\nv\r\n"
	  "--XyZ--"), REJ("part without a name") },
	{ "empty name", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nv\r\n"
	  "--XyZ--"), REJ("part without a name") },
	{ "duplicate name parameter", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\n"
	  "v\r\n--XyZ--"), REJ("duplicate Content-Disposition parameter") },
	{ "duplicate filename parameter", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=a; filename=x; "
	  "FileName=y.php\r\n\r\nv\r\n--XyZ--"),
	  REJ("duplicate Content-Disp") },
	{ "duplicate Content-Disposition", CT,
	  S("--XyZ\r\n" CD("a") CD("b") "\r\nv\r\n--XyZ--"),
	  REJ("duplicate part header") },
	{ "duplicate Content-Type", CT,
	  S("--XyZ\r\n" CD("a") "Content-Type: a/b\r\ncontent-type: c/d\r\n"
	  "\r\nv\r\n--XyZ--"), REJ("duplicate part header") },
	{ "unterminated quoted name", CT,
	  S("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n"
	  "--XyZ--"), REJ("malformed Content-Disposition") },
	{ "header line without colon", CT,
	  S("--XyZ\r\n" CD("a") "garbage\r\n\r\nv\r\n--XyZ--"),
	  REJ("malformed part header") },
	{ "headers not ended", CT,
	  S("--XyZ\r\n" CD("a") "--XyZ--"), REJ("part headers not ended") },
	{ "header names case-insensitive", CT,
	  S("--XyZ\r\nCONTENT-DISPOSITION:FORM-DATA;NAME=n;FILENAME=x.bin\r\n"
	  "content-TYPE:  image/png  \r\nX-Other: ignored\r\n\r\n"
	  "\x89PNG\r\n--XyZ--"), NULL, 1,
	  {{ "n", "x.bin", "image/png", S("\x89PNG") }} },
	{ "nested multipart is one opaque part", CT,
	  S("--XyZ\r\n" CD("files")
	  "Content-Type: multipart/mixed; boundary=inner\r\n\r\n"
	  "--inner\r\nContent-Disposition: file; filename=a\r\n\r\nA\r\n"
	  "--inner--\r\n--XyZ--"), NULL, 1,
	  {{ "files", NULL, "multipart/mixed; boundary=inner",
	  S("--inner\r\nContent-Disposition: file; filename=a\r\n\r\nA\r\n"
	  "--inner--") }} },
};

static void
mp_check(const struct mp_case *c, const struct web_part *parts, size_t n,
    const char *body, size_t blen)
{
	size_t i;

	if (n != c->nparts)
		fail_msg("%s: %zu parts, want %zu", c->what, n, c->nparts);
	for (i = 0; i < n; i++) {
		assert_string_equal(parts[i].name, c->p[i].name);
		if (c->p[i].filename == NULL)
			assert_null(parts[i].filename);
		else
			assert_string_equal(parts[i].filename,
			    c->p[i].filename);
		assert_string_equal(parts[i].content_type, c->p[i].ctype);
		assert_int_equal(parts[i].len, c->p[i].len);
		assert_memory_equal(parts[i].data, c->p[i].data, c->p[i].len);
		assert_true(parts[i].data >= body &&
		    parts[i].data + parts[i].len <= body + blen);
	}
}

static void
test_multipart_table(void **state)
{
	const struct web_multipart_limits lim = { 16, 1024 };
	const struct mp_case *c;
	struct web_part *parts;
	struct arena a;
	const char *err;
	char *body;
	size_t i, n;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(mp_cases) / sizeof(mp_cases[0]); i++) {
		c = &mp_cases[i];
		/* Exact-size heap copy: ASan sees any read past the end. */
		body = malloc(c->blen == 0 ? 1 : c->blen);
		assert_non_null(body);
		memcpy(body, c->body, c->blen);
		util_arena_init(&a, ARENA_LIMIT);
		err = NULL;
		rc = web_multipart_parse(&a, c->ctype, body, c->blen, &lim,
		    &parts, &n, &err);
		if (c->err == NULL) {
			if (rc != 0)
				fail_msg("%s: %s", c->what, err);
			mp_check(c, parts, n, body, c->blen);
		} else {
			if (rc != -1)
				fail_msg("%s: accepted", c->what);
			assert_non_null(err);
			if (strncmp(err, c->err, strlen(c->err)) != 0)
				fail_msg("%s: got \"%s\", want \"%s...\"",
				    c->what, err, c->err);
			assert_null(parts);
			assert_int_equal(n, 0);
		}
		util_arena_release(&a);
		free(body);
	}
}

/* Builds a body of n parts named p0, p1, ... into a malloc'd buffer. */
static char *
many_parts(size_t n, size_t *len)
{
	size_t cap = n * 80 + 16, off = 0, i;
	char *b;
	int w;

	assert_non_null(b = malloc(cap));
	for (i = 0; i < n; i++) {
		w = snprintf(b + off, cap - off, "--XyZ\r\nContent-Disposition:"
		    " form-data; name=\"p%zu\"\r\n\r\n%zu\r\n", i, i);
		assert_true(w > 0 && (size_t)w < cap - off);
		off += (size_t)w;
	}
	memcpy(b + off, "--XyZ--", 7);
	*len = off + 7;
	return b;
}

static void
test_multipart_10k_parts(void **state)
{
	struct web_multipart_limits lim = { 1000, 1024 };
	struct web_part *parts;
	struct arena a;
	const char *err = NULL;
	char *body, want[32];
	size_t len, n, i;

	(void)state;
	body = many_parts(10000, &len);
	util_arena_init(&a, ARENA_LIMIT);
	assert_int_equal(web_multipart_parse(&a, CT, body, len, &lim,
	    &parts, &n, &err), -1);
	assert_string_equal(err, "Malformed multipart body: too many parts.");
	util_arena_release(&a);

	/* Allowed when the limit says so; order kept. */
	lim.max_parts = 10000;
	util_arena_init(&a, ARENA_LIMIT);
	assert_int_equal(web_multipart_parse(&a, CT, body, len, &lim,
	    &parts, &n, &err), 0);
	assert_int_equal(n, 10000);
	for (i = 0; i < n; i += 997) {
		snprintf(want, sizeof(want), "p%zu", i);
		assert_string_equal(parts[i].name, want);
	}
	util_arena_release(&a);

	/* Exactly at the limit, and one over. */
	lim.max_parts = 3;
	free(body);
	body = many_parts(3, &len);
	util_arena_init(&a, ARENA_LIMIT);
	assert_int_equal(web_multipart_parse(&a, CT, body, len, &lim,
	    &parts, &n, &err), 0);
	assert_int_equal(n, 3);
	lim.max_parts = 2;
	assert_int_equal(web_multipart_parse(&a, CT, body, len, &lim,
	    &parts, &n, &err), -1);
	util_arena_release(&a);

	/* A small arena runs out: a clean error, not a crash. */
	free(body);
	body = many_parts(5000, &len);
	lim.max_parts = 10000;
	util_arena_init(&a, 64 * 1024);
	assert_int_equal(web_multipart_parse(&a, CT, body, len, &lim,
	    &parts, &n, &err), -1);
	assert_non_null(strstr(err, "out of memory"));
	util_arena_release(&a);
	free(body);
}

static void
test_multipart_huge_header(void **state)
{
	const char *pre = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n"
	    "X-Pad: ";
	const char *post = "\r\n\r\nv\r\n--XyZ--";
	struct web_multipart_limits lim = { 8, 8192 };
	struct web_part *parts;
	struct arena a;
	const char *err = NULL;
	size_t plen = strlen(pre), qlen = strlen(post), len, pad = 100000;
	size_t hdr, n;
	char *body;

	(void)state;
	len = plen + pad + qlen;
	assert_non_null(body = malloc(len));
	memcpy(body, pre, plen);
	memset(body + plen, 'x', pad);
	memcpy(body + plen + pad, post, qlen);

	util_arena_init(&a, ARENA_LIMIT);
	assert_int_equal(web_multipart_parse(&a, CT, body, len, &lim,
	    &parts, &n, &err), -1);
	assert_string_equal(err,
	    "Malformed multipart body: part headers too large.");

	/* Header bytes: both lines with CRLFs, after the boundary line. */
	hdr = plen - 7 + pad + 2;
	lim.max_header_bytes = hdr;
	assert_int_equal(web_multipart_parse(&a, CT, body, len, &lim,
	    &parts, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(parts[0].len, 1);
	lim.max_header_bytes = hdr - 1;
	assert_int_equal(web_multipart_parse(&a, CT, body, len, &lim,
	    &parts, &n, &err), -1);

	/* NULL limits: the defaults (8 KiB of headers). */
	assert_int_equal(web_multipart_parse(&a, CT, body, len, NULL,
	    &parts, &n, &err), -1);
	util_arena_release(&a);
	free(body);
}

/* ---- urlencoded ---- */

struct exp_field {
	const char	*name;
	const char	*value;
	size_t		 len;
};

struct ue_case {
	const char	*what;
	const char	*body;
	size_t		 blen;
	size_t		 max;
	const char	*err;		/* NULL: must parse */
	size_t		 n;
	struct exp_field f[3];
};

static const struct ue_case ue_cases[] = {
	{ "two pairs", S("a=1&b=22"), 8, NULL, 2,
	  {{ "a", S("1") }, { "b", S("22") }} },
	{ "plus is space", S("full+name=J+Doe"), 8, NULL, 1,
	  {{ "full name", S("J Doe") }} },
	{ "percent escapes", S("%41%62=%2B%26%3d%c3%A9"), 8, NULL, 1,
	  {{ "Ab", S("+&=\xc3\xa9") }} },
	{ "%zz", S("a=%zz"), 8, UREJ("invalid percent") },
	{ "%0", S("a=%0"), 8, UREJ("invalid percent") },
	{ "% at end", S("a=%"), 8, UREJ("invalid percent") },
	{ "%0 before &", S("a=%0&b=1"), 8, UREJ("invalid") },
	{ "bad escape in name", S("%g0=1"), 8, UREJ("invalid") },
	{ "%00 in value kept", S("a=x%00y"), 8, NULL, 1,
	  {{ "a", S("x\0y") }} },
	{ "%00 in name", S("a%00b=1"), 8, UREJ("NUL") },
	{ "raw NUL in value kept", S("a=x\0y&b"), 8, NULL, 2,
	  {{ "a", S("x\0y") }, { "b", S("") }} },
	{ "empty pairs skipped", S("&&a=1&&&b=&"), 8, NULL, 2,
	  {{ "a", S("1") }, { "b", S("") }} },
	{ "empty body", S(""), 8, NULL, 0, NOF },
	{ "only separators", S("&&&"), 0, NULL, 0, NOF },
	{ "no equals sign", S("flag"), 8, NULL, 1, {{ "flag", S("") }} },
	{ "first = splits", S("a=b=c"), 8, NULL, 1, {{ "a", S("b=c") }} },
	{ "empty name kept", S("=x"), 8, NULL, 1, {{ "", S("x") }} },
	{ "duplicates in order", S("id=1&id=2&id=3"), 8, NULL, 3,
	  {{ "id", S("1") }, { "id", S("2") }, { "id", S("3") }} },
	{ "at max_fields", S("a&b&c"), 3, NULL, 3,
	  {{ "a", S("") }, { "b", S("") }, { "c", S("") }} },
	{ "over max_fields", S("a&b&c"), 2, UREJ("too many") },
	{ "max_fields 0", S("a=1"), 0, UREJ("too many") },
};

static void
test_urlencoded_table(void **state)
{
	const struct ue_case *c;
	struct web_field *f;
	struct arena a;
	const char *err;
	char *body;
	size_t i, j, n;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(ue_cases) / sizeof(ue_cases[0]); i++) {
		c = &ue_cases[i];
		body = malloc(c->blen == 0 ? 1 : c->blen);
		assert_non_null(body);
		memcpy(body, c->body, c->blen);
		util_arena_init(&a, ARENA_LIMIT);
		err = NULL;
		rc = web_urlencoded_parse(&a, body, c->blen, c->max, &f, &n,
		    &err);
		if (c->err == NULL) {
			if (rc != 0)
				fail_msg("%s: %s", c->what, err);
			if (n != c->n)
				fail_msg("%s: %zu fields", c->what, n);
			if (n == 0)
				assert_null(f);
			for (j = 0; j < n; j++) {
				assert_string_equal(f[j].name, c->f[j].name);
				assert_int_equal(f[j].value_len, c->f[j].len);
				assert_memory_equal(f[j].value, c->f[j].value,
				    c->f[j].len + 1);
			}
		} else {
			if (rc != -1)
				fail_msg("%s: accepted", c->what);
			if (strncmp(err, c->err, strlen(c->err)) != 0)
				fail_msg("%s: got \"%s\"", c->what, err);
			assert_null(f);
			assert_int_equal(n, 0);
		}
		util_arena_release(&a);
		free(body);
	}
}

static void
test_query(void **state)
{
	struct web_field *f;
	struct arena a;
	const char *err = NULL;
	size_t n;

	(void)state;
	util_arena_init(&a, ARENA_LIMIT);
	assert_int_equal(web_query_parse(&a, NULL, 4, &f, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(web_query_parse(&a, "q=cve+2024&page=2", 4, &f, &n,
	    &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].value, "cve 2024");
	assert_string_equal(f[1].name, "page");
	assert_int_equal(web_query_parse(&a, "q=%", 4, &f, &n, &err), -1);
	util_arena_release(&a);
}

/* ---- cookies ---- */

static const struct {
	const char	*header;
	const char	*name;
	const char	*want;		/* NULL: absent */
} cookie_cases[] = {
	{ "a=1; b=2", "b", "2" },
	{ "a=1;b=2", "a", "1" },
	{ "a=1;b=2", "b", "2" },
	{ "  a = 1 ;  b=2  ", "a", "1" },
	{ "sid=\"quoted value\"", "sid", "quoted value" },
	{ "sid=\"", "sid", "\"" },
	{ "sid=\"\"", "sid", "" },
	{ "s=first; s=second", "s", "first" },
	{ "xs=1; s=2", "s", "2" },
	{ "sess=1", "ss", NULL },
	{ "sess=1", "sess2", NULL },
	{ "A=1", "a", NULL },
	{ "flag; a=1", "flag", NULL },
	{ "flag; a=1", "a", "1" },
	{ "a=", "a", "" },
	{ "a=b=c", "a", "b=c" },
	{ ";;; ;a=1;;", "a", "1" },
	{ "__Host-vigil_sid=abc123; theme=dark", "__Host-vigil_sid", "abc123" },
	{ "", "a", NULL },
	{ NULL, "a", NULL },
	{ "a=1", "", NULL },
	{ "a=1", NULL, NULL },
};

static void
test_cookie_table(void **state)
{
	struct arena a;
	const char *v;
	size_t i;

	(void)state;
	util_arena_init(&a, ARENA_LIMIT);
	for (i = 0; i < sizeof(cookie_cases) / sizeof(cookie_cases[0]); i++) {
		v = web_cookie_get(&a, cookie_cases[i].header,
		    cookie_cases[i].name);
		if (cookie_cases[i].want == NULL) {
			if (v != NULL)
				fail_msg("case %zu: got \"%s\"", i, v);
		} else {
			if (v == NULL)
				fail_msg("case %zu: absent", i);
			assert_string_equal(v, cookie_cases[i].want);
		}
	}
	util_arena_release(&a);
}

/* ---- media types ---- */

static const struct {
	const char	*ct;
	const char	*type;
	int		 want;
} media_cases[] = {
	{ "application/json", "application/json", 1 },
	{ "Application/JSON; charset=utf-8", "application/json", 1 },
	{ " \tapplication/json \t", "application/json", 1 },
	{ "application/json ; charset=x", "application/json", 1 },
	{ "application/json;", "application/json", 1 },
	{ "application/json;garbage\"", "application/json", 1 },
	{ "application/jsonx", "application/json", 0 },
	{ "application/json x", "application/json", 0 },
	{ "application/jso", "application/json", 0 },
	{ "text/html", "application/json", 0 },
	{ "", "application/json", 0 },
	{ ";", "", 0 },
	{ NULL, "application/json", 0 },
	{ "multipart/form-data; boundary=x", "multipart/form-data", 1 },
};

static void
test_media_type_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(media_cases) / sizeof(media_cases[0]); i++)
		if (web_media_type_is(media_cases[i].ct, media_cases[i].type) !=
		    media_cases[i].want)
			fail_msg("case %zu: \"%s\"", i, media_cases[i].ct);
}

/* ---- header parameters ---- */

static const struct {
	const char	*value;
	const char	*param;
	const char	*want;		/* NULL: absent or malformed */
} param_cases[] = {
	{ "multipart/form-data; boundary=abc", "boundary", "abc" },
	{ "multipart/form-data;boundary=abc", "boundary", "abc" },
	{ "multipart/form-data; BOUNDARY=abc", "boundary", "abc" },
	{ "multipart/form-data; boundary=\"a b\"", "boundary", "a b" },
	{ "form-data; name=\"a\\\"b\\\\c\"", "name", "a\"b\\c" },
	{ "form-data; name=\"\"", "name", "" },
	{ "form-data; name=\"x;y=z\"; y=1", "y", "1" },
	{ "form-data; name=\"f\"; filename=\"x.txt\"", "filename", "x.txt" },
	{ "attachment; filename*=UTF-8''a", "filename", NULL },
	{ "attachment; filename*=UTF-8''a", "filename*", "UTF-8''a" },
	{ "text/plain; charset=UTF-8", "charset", "UTF-8" },
	{ "text/plain; charset = utf-8 ", "charset", "utf-8" },
	{ "text/plain;; ;charset=x;", "charset", "x" },
	{ "text/plain; a=1; a=2", "a", "1" },
	{ "text/plain; charset=x", "boundary", NULL },
	{ "text/plain", "charset", NULL },
	{ "text/plain; charset=\"x", "charset", NULL },
	{ "text/plain; charset=\"x\\", "charset", NULL },
	{ "text/plain; charset=\"x\"y", "charset", NULL },
	{ "text/plain; =x", "charset", NULL },
	{ "text/plain; charset", "charset", NULL },
	{ "text/plain; charset=", "charset", NULL },
	{ "text/plain; charset=a b", "charset", NULL },
	{ "text/plain; charset=\"a\rb\"", "charset", NULL },
	{ "text/plain; q=1; charset=utf-8 garbage", "q", NULL },
	{ NULL, "charset", NULL },
	{ "text/plain; charset=x", NULL, NULL },
};

static void
test_header_param_table(void **state)
{
	struct arena a;
	const char *v;
	size_t i;

	(void)state;
	util_arena_init(&a, ARENA_LIMIT);
	for (i = 0; i < sizeof(param_cases) / sizeof(param_cases[0]); i++) {
		v = web_header_param(&a, param_cases[i].value,
		    param_cases[i].param);
		if (param_cases[i].want == NULL) {
			if (v != NULL)
				fail_msg("case %zu: got \"%s\"", i, v);
		} else {
			if (v == NULL)
				fail_msg("case %zu: absent", i);
			assert_string_equal(v, param_cases[i].want);
		}
	}
	util_arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multipart_table),
		cmocka_unit_test(test_multipart_10k_parts),
		cmocka_unit_test(test_multipart_huge_header),
		cmocka_unit_test(test_urlencoded_table),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_cookie_table),
		cmocka_unit_test(test_media_type_table),
		cmocka_unit_test(test_header_param_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
