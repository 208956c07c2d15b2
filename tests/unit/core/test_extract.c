/* tests/unit/core/test_extract.c - core_extract(): CVE IDs, CVSS vectors,
 * URLs, versions and product names out of free text; table-driven, with
 * rejects, full buffers and adversarial long inputs (linear time). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/extract.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

enum kind { CVE, CVSS, URL, VER, PROD };

struct tcase {
	enum kind	 kind;
	const char	*text;
	const char	*want[5];	/* NULL-terminated; none = no finds */
};

static const char *const products[] = { "libfoo", "Widget", "Apache HTTP Server",
	"C++", "foo-bar" };

static const struct tcase cases[] = {
	/* CVE */
	{ CVE, "see CVE-2024-1234.", { "CVE-2024-1234" } },
	{ CVE, "cve-2024-12345 and Cve-2023-0001", { "CVE-2024-12345",
	    "CVE-2023-0001" } },
	{ CVE, "CVE-2024-1234 CVE-2024-1234 cve-2024-1234", { "CVE-2024-1234" } },
	{ CVE, "(CVE-2021-44228)", { "CVE-2021-44228" } },
	{ CVE, "CVE-2024-123", { NULL } },		/* 3 digits */
	{ CVE, "CVE-24-1234", { NULL } },
	{ CVE, "CVE-20245-1234", { NULL } },
	{ CVE, "XCVE-2024-1234", { NULL } },		/* inside a word */
	{ CVE, "CVE-2024-1234x", { NULL } },
	{ CVE, "CVE-2024-12345678901234567890", { NULL } }, /* 20 digits */
	{ CVE, "CVE_2024_1234 CVE 2024 1234", { NULL } },
	{ CVE, "https://nvd.nist.gov/vuln/detail/CVE-2024-1111", { NULL } },
	/* CVSS */
	{ CVSS, "Score CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H.",
	    { "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" } },
	{ CVSS, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	    { "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" } },
	{ CVSS, "(CVSS:3.0/AV:L/AC:H)", { "CVSS:3.0/AV:L/AC:H" } },
	{ CVSS, "CVSS:2.0/AV:N", { NULL } },
	{ CVSS, "CVSS:3.1/", { NULL } },
	{ CVSS, "CVSS:3.1", { NULL } },
	{ CVSS, "xCVSS:3.1/AV:N", { NULL } },
	/* URL */
	{ URL, "see https://example.org/a?b=1&c=2.", { "https://example.org/a?b=1&c=2" } },
	{ URL, "(http://example.org/x)", { "http://example.org/x" } },
	{ URL, "<https://example.org/>", { "https://example.org/" } },
	{ URL, "\"https://a.example/'q'\"", { "https://a.example/" } },
	{ URL, "HTTPS://EXAMPLE.ORG/Path], next", { "HTTPS://EXAMPLE.ORG/Path" } },
	{ URL, "https://a.example/1 https://a.example/1 http://b.example",
	    { "https://a.example/1", "http://b.example" } },
	{ URL, "https:// nothing", { NULL } },
	{ URL, "https://.;:)]", { NULL } },
	{ URL, "ftp://example.org javascript:alert(1) xhttps://e.example",
	    { NULL } },
	/* versions */
	{ VER, "libfoo 1.4.2 is affected", { "1.4.2" } },
	{ VER, "fixed in v2.0.0-rc1, not in V1.9", { "2.0.0-rc1", "1.9" } },
	{ VER, "version 3.2.", { "3.2" } },
	{ VER, "2.1.0-beta2 and 2.1.0+build.5 and 1.2.3rc1",
	    { "2.1.0-beta2", "2.1.0+build.5", "1.2.3rc1" } },
	{ VER, "host 192.168.1.1 and 10.0.0.254", { NULL } },
	{ VER, "v10.0.0.1 is a version", { "10.0.0.1" } },
	{ VER, "1.2.3.4.5", { "1.2.3.4.5" } },
	{ VER, "42 and 7 apples", { NULL } },
	{ VER, "abc1.2 x_1.2 1.2abc.3", { NULL } },
	{ VER, "1.2 1.2 (1.2)", { "1.2" } },
	{ VER, "very vague v.2", { NULL } },
	{ VER, "CVE-2024-1234 is not a version", { NULL } },
	{ VER, "https://example.org/v1.2.3/x 4.5", { "4.5" } },
	{ VER, "user@1.2.3 1.2.3@x", { NULL } },
	/* products */
	{ PROD, "a bug in LIBFOO and in widget", { "libfoo", "Widget" } },
	{ PROD, "libfoobar widgets mylibfoo", { NULL } },
	{ PROD, "apache http server 2.4", { "Apache HTTP Server" } },
	{ PROD, "c++ and foo-bar.", { "C++", "foo-bar" } },
	{ PROD, "libfoo libfoo Libfoo", { "libfoo" } },
	{ PROD, "https://libfoo.example/", { NULL } },
};

static void
check_list(const char *text, const char *const *got, size_t n,
    const char *const *want)
{
	size_t i, nwant = 0;

	while (nwant < 5 && want[nwant] != NULL)
		nwant++;
	if (n != nwant) {
		for (i = 0; i < n; i++)
			fprintf(stderr, "  got[%zu] = \"%s\"\n", i, got[i]);
		fail_msg("\"%s\": %zu finds, want %zu", text, n, nwant);
	}
	for (i = 0; i < n; i++)
		if (strcmp(got[i], want[i]) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", text,
			    got[i], want[i]);
}

static void
test_table(void **state)
{
	struct core_extract x;
	char buf[4096];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		const struct tcase *t = &cases[i];

		core_extract(t->text, strlen(t->text), products,
		    NELEM(products), buf, sizeof(buf), &x);
		switch (t->kind) {
		case CVE:
			check_list(t->text, x.cves, x.ncves, t->want);
			break;
		case CVSS:
			check_list(t->text, x.cvss, x.ncvss, t->want);
			break;
		case URL:
			check_list(t->text, x.urls, x.nurls, t->want);
			break;
		case VER:
			check_list(t->text, x.versions, x.nversions, t->want);
			break;
		case PROD:
			check_list(t->text, x.products, x.nproducts, t->want);
			break;
		}
	}
}

static void
test_mixed(void **state)
{
	const char *t = "Heap overflow in libfoo 1.4.2 (CVE-2026-12345), "
	    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H; PoC at "
	    "https://researcher.example/poc.py. Server 10.1.2.3.";
	struct core_extract x;
	char buf[512];

	(void)state;
	core_extract(t, strlen(t), products, NELEM(products), buf,
	    sizeof(buf), &x);
	assert_int_equal(x.ncves, 1);
	assert_string_equal(x.cves[0], "CVE-2026-12345");
	assert_int_equal(x.ncvss, 1);
	assert_int_equal(x.nurls, 1);
	assert_string_equal(x.urls[0], "https://researcher.example/poc.py");
	assert_int_equal(x.nversions, 1);
	assert_string_equal(x.versions[0], "1.4.2");
	assert_int_equal(x.nproducts, 1);
	assert_string_equal(x.products[0], "libfoo");
	/* every string lies inside buf */
	assert_true(x.cves[0] >= buf && x.cves[0] < buf + sizeof(buf));
	assert_true(x.products[0] >= buf && x.products[0] < buf + sizeof(buf));
}

/* NUL bytes inside the text separate tokens; len is what counts. */
static void
test_nul_and_len(void **state)
{
	const char t[] = "CVE-2024-1111\0CVE-2024-2222 1.2";
	struct core_extract x;
	char buf[256];

	(void)state;
	core_extract(t, sizeof(t) - 1, NULL, 0, buf, sizeof(buf), &x);
	assert_int_equal(x.ncves, 2);
	assert_int_equal(x.nversions, 1);
	/* len cuts the text: "CVE-2024-11" is not an ID */
	core_extract(t, 11, NULL, 0, buf, sizeof(buf), &x);
	assert_int_equal(x.ncves, 0);
	core_extract(NULL, 0, NULL, 0, buf, sizeof(buf), &x);
	assert_int_equal(x.ncves + x.nurls + x.nversions, 0);
	core_extract("1.2", 3, NULL, 0, NULL, 0, &x);
	assert_int_equal(x.nversions, 0);
}

static void
test_caps(void **state)
{
	char text[8192], buf[65536];
	struct core_extract x;
	size_t off = 0;
	int i;

	(void)state;
	for (i = 0; i < 40; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
		    "CVE-2024-%04d https://e.example/%d %d.%d ", 1000 + i, i, i,
		    i);
	core_extract(text, off, NULL, 0, buf, sizeof(buf), &x);
	assert_int_equal(x.ncves, 16);
	assert_int_equal(x.nurls, 16);
	assert_int_equal(x.nversions, 16);
	assert_string_equal(x.cves[15], "CVE-2024-1015");
	/* a tiny buffer: only what fits, nothing overflows */
	memset(buf, 'Q', sizeof(buf));
	core_extract(text, off, NULL, 0, buf, 20, &x);
	assert_int_equal(x.ncves, 1);
	assert_int_equal(buf[20], 'Q');
	assert_int_equal(x.nurls, 0);
	/* a buffer too small even for one */
	core_extract(text, off, NULL, 0, buf, 5, &x);
	assert_int_equal(x.ncves + x.nurls, 0);
	assert_int_equal(x.nversions, 1);	/* "0.0" fits */
	assert_string_equal(x.versions[0], "0.0");
}

static void
test_long_tokens(void **state)
{
	struct core_extract x;
	char buf[8192], *t;
	size_t n = 10000, i;

	(void)state;
	t = malloc(n + 64);
	assert_non_null(t);
	memcpy(t, "https://e.example/", 18);
	memset(t + 18, 'a', n - 18);
	core_extract(t, n, NULL, 0, buf, sizeof(buf), &x);
	assert_int_equal(x.nurls, 0);		/* over 2048 bytes */
	for (i = 0; i < n; i++)
		t[i] = (i % 2) ? '.' : '1';
	core_extract(t, n, NULL, 0, buf, sizeof(buf), &x);
	assert_int_equal(x.nversions, 0);	/* over 64 bytes */
	free(t);
}

/* Inputs built to make naive scanners rescan: each must stay linear.
 * 4 MiB of each takes well under a second; quadratic would take hours. */
static void
test_adversarial(void **state)
{
	static const char *const units[] = { "CVE-2024-", "1.", "v1.",
	    "http", "https:/", "CVSS:3.1", "CVSS:3.1/", "libfo", "lib",
	    "C+", "apache http ", "1.2.3.", "&", "-", "a", "9", "CVE-",
	    "Apache HTTP Serve", "1.2-" };
	const size_t n = 4u * 1024 * 1024;
	struct core_extract x;
	char buf[4096], *t;
	size_t i, j, ul;
	clock_t t0;
	double secs;

	(void)state;
	t = malloc(n);
	assert_non_null(t);
	for (i = 0; i < NELEM(units); i++) {
		ul = strlen(units[i]);
		for (j = 0; j < n; j++)
			t[j] = units[i][j % ul];
		t0 = clock();
		core_extract(t, n, products, NELEM(products), buf,
		    sizeof(buf), &x);
		secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
		if (secs > 2.0)
			fail_msg("unit \"%s\": %.2fs", units[i], secs);
	}
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_nul_and_len),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_long_tokens),
		cmocka_unit_test(test_adversarial),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
