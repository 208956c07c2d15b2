/* tests/unit/core/test_cwe.c - the CWE list: order, Top 25, lookups,
 * parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/cwe.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The 2024 CWE Top 25, in rank order. */
static const int top25_2024[25] = {
	79, 787, 89, 352, 22, 125, 78, 416, 862, 434, 94, 20, 77, 287, 269,
	502, 200, 863, 918, 119, 476, 798, 190, 400, 306
};

/* Others the form must offer. */
static const int others[] = {
	120, 121, 122, 124, 126, 131, 134, 170, 191, 203, 208, 209, 284,
	285, 295, 297, 307, 311, 319, 326, 327, 330, 338, 345, 347, 362, 367,
	384, 401, 415, 426, 444, 457, 459, 522, 532, 601, 611, 613, 639, 668,
	674, 681, 704, 732, 754, 770, 772, 776, 823, 824, 835, 843, 908, 913,
	915, 943, 1021, 1236, 1321, 1333
};

static void
test_list_sorted(void **state)
{
	const struct core_cwe *l;
	size_t n, i;

	(void)state;
	l = core_cwe_list(&n);
	assert_non_null(l);
	assert_true(n >= 25 + 30);
	for (i = 0; i < n; i++) {
		assert_true(l[i].id > 0 && l[i].id <= 9999);
		assert_non_null(l[i].name);
		assert_true(strlen(l[i].name) > 3);
		assert_true(l[i].top25 == 0 || l[i].top25 == 1);
		if (i > 0)
			assert_true(l[i - 1].id < l[i].id);
	}
	assert_ptr_equal(core_cwe_list(NULL), l);
}

static void
test_top25(void **state)
{
	const struct core_cwe *l, *c;
	size_t n, i, marked = 0;

	(void)state;
	l = core_cwe_list(&n);
	for (i = 0; i < n; i++)
		marked += (size_t)l[i].top25;
	assert_int_equal(marked, 25);
	for (i = 0; i < NELEM(top25_2024); i++) {
		c = core_cwe_find(top25_2024[i]);
		assert_non_null(c);
		assert_int_equal(c->id, top25_2024[i]);
		assert_int_equal(c->top25, 1);
		assert_int_equal(core_cwe_top25_rank(top25_2024[i]),
		    (int)i + 1);
	}
	assert_int_equal(core_cwe_top25_rank(120), 0);
	assert_int_equal(core_cwe_top25_rank(0), 0);
	assert_int_equal(core_cwe_top25_rank(-1), 0);
}

static void
test_others(void **state)
{
	const struct core_cwe *c;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(others); i++) {
		c = core_cwe_find(others[i]);
		if (c == NULL)
			fail_msg("CWE-%d missing", others[i]);
		assert_int_equal(c->top25, 0);
	}
}

static void
test_names(void **state)
{
	static const struct {
		int id;
		const char *name;
	} t[] = {
		{ 79, "Improper Neutralization of Input During Web Page "
		    "Generation ('Cross-site Scripting')" },
		{ 787, "Out-of-bounds Write" },
		{ 416, "Use After Free" },
		{ 352, "Cross-Site Request Forgery (CSRF)" },
		{ 918, "Server-Side Request Forgery (SSRF)" },
		{ 190, "Integer Overflow or Wraparound" },
		{ 1333, "Inefficient Regular Expression Complexity" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++)
		assert_string_equal(core_cwe_find(t[i].id)->name, t[i].name);
}

static void
test_find_missing(void **state)
{
	static const int t[] = { -1, 0, 1, 21, 80, 9999, 10000, 2147483647 };
	size_t i, n;
	const struct core_cwe *l;

	(void)state;
	for (i = 0; i < NELEM(t); i++)
		assert_null(core_cwe_find(t[i]));
	/* Every entry is found, first and last included. */
	l = core_cwe_list(&n);
	for (i = 0; i < n; i++)
		assert_ptr_equal(core_cwe_find(l[i].id), &l[i]);
}

static void
test_parse(void **state)
{
	static const struct {
		const char *s;
		int id;
	} t[] = {
		{ "CWE-79", 79 },
		{ "CWE-1", 1 },
		{ "CWE-1333", 1333 },
		{ "CWE-9999", 9999 },	/* syntax only */
		{ "CWE-12345", -1 },
		{ "CWE-079", -1 },
		{ "CWE-0", -1 },
		{ "CWE-", -1 },
		{ "CWE", -1 },
		{ "", -1 },
		{ "cwe-79", -1 },
		{ "CWE 79", -1 },
		{ "CWE-79 ", -1 },
		{ " CWE-79", -1 },
		{ "CWE-79x", -1 },
		{ "CWE--79", -1 },
		{ "CWE-+79", -1 },
		{ "79", -1 },
		{ "CWE-７９", -1 },	/* fullwidth digits */
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++)
		if (core_cwe_parse(t[i].s) != t[i].id)
			fail_msg("parse \"%s\": %d, want %d", t[i].s,
			    core_cwe_parse(t[i].s), t[i].id);
	assert_int_equal(core_cwe_parse(NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_sorted),
		cmocka_unit_test(test_top25),
		cmocka_unit_test(test_others),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_find_missing),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
