/* tests/unit/core/test_postmortem.c - the post-mortem's fields and rules,
 * tag normalisation and the anonymisation of training material. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/postmortem.h"

static void
good(const char **v)
{
	memset(v, 0, sizeof(*v) * PMF__MAX);
	v[PMF_CWE] = "CWE-787";
	v[PMF_COMPONENT] = "parser";
	v[PMF_HOW_FOUND] = "external researcher report";
	v[PMF_PRACTICE] = "fuzzing";
	v[PMF_REISSUED] = "no";
	v[PMF_ROOT_CAUSE] = "A length field was trusted.";
	v[PMF_FIX] = "Bounds check.";
	v[PMF_LESSONS] = "Fuzz the parser.";
}

static void
test_valid(void **state)
{
	const char *v[PMF__MAX], *err[PMF__MAX];
	int i;

	(void)state;
	good(v);
	assert_int_equal(core_pm_validate(v, err), 0);
	for (i = 0; i < PMF__MAX; i++)
		assert_null(err[i]);
	v[PMF_INTRODUCED_IN] = "4f2a9c1";
	v[PMF_REGRESSION_OF] = "VR-2025-0042";
	v[PMF_TAGS] = "memory-safety, parsing";
	v[PMF_REISSUED] = "yes";
	assert_int_equal(core_pm_validate(v, err), 0);
}

static void
test_each_field(void **state)
{
	static const struct {
		enum pm_field	 f;
		const char	*value;
	} bad[] = {
		{ PMF_CWE, NULL }, { PMF_CWE, "  " }, { PMF_CWE, "787" },
		{ PMF_CWE, "CWE-0787" }, { PMF_CWE, "CWE-12345" },
		{ PMF_COMPONENT, NULL }, { PMF_COMPONENT, "a\nb" },
		{ PMF_INTRODUCED_IN, "v1\r\n" },
		{ PMF_HOW_FOUND, "" }, { PMF_PRACTICE, "review" },
		{ PMF_PRACTICE, "Fuzzing" }, { PMF_PRACTICE, NULL },
		{ PMF_REISSUED, "maybe" }, { PMF_REISSUED, NULL },
		{ PMF_ROOT_CAUSE, "\t \n" }, { PMF_FIX, NULL },
		{ PMF_LESSONS, "bad \x01 byte" },
		{ PMF_TAGS, "a,b,c,d,e,f,g,h,i,j,k" },
		{ PMF_TAGS, "semi;colon" },
		{ PMF_TAGS, "abcdefghijklmnopqrstuvwxyzabcdefg" },
		{ PMF_COMPONENT, "\xe2\x80\xae" "evil" },	/* bidi override */
	};
	const char *v[PMF__MAX], *err[PMF__MAX];
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		good(v);
		v[bad[i].f] = bad[i].value;
		assert_int_equal(core_pm_validate(v, err), 1);
		for (k = 0; k < PMF__MAX; k++)
			if (k == (int)bad[i].f)
				assert_non_null(err[k]);
			else
				assert_null(err[k]);
	}
	/* everything missing: every required field named */
	memset(v, 0, sizeof(v));
	assert_int_equal(core_pm_validate(v, err), 8);
}

static void
test_lengths(void **state)
{
	static char line[PM_MAX_LINE + 2], text[PM_MAX_TEXT + 2];
	const char *v[PMF__MAX], *err[PMF__MAX];

	(void)state;
	memset(line, 'x', sizeof(line) - 1);
	memset(text, 'y', sizeof(text) - 1);
	good(v);
	line[PM_MAX_LINE] = '\0';
	text[PM_MAX_TEXT] = '\0';
	v[PMF_COMPONENT] = line;
	v[PMF_LESSONS] = text;
	assert_int_equal(core_pm_validate(v, err), 0);
	line[PM_MAX_LINE] = 'x';
	text[PM_MAX_TEXT] = 'y';
	assert_int_equal(core_pm_validate(v, err), 2);
	assert_non_null(err[PMF_COMPONENT]);
	assert_non_null(err[PMF_LESSONS]);
}

static void
test_practices(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < PRACTICE__MAX; i++) {
		assert_int_equal(core_pm_practice_parse(
		    core_pm_practice_name(i)), i);
		assert_non_null(core_pm_practice_label(i));
	}
	assert_null(core_pm_practice_name(PRACTICE__MAX));
	assert_int_equal(core_pm_practice_parse(NULL), -1);
	assert_int_equal(core_pm_practice_parse(""), -1);
	for (i = 0; i < PMF__MAX; i++)
		assert_non_null(core_pm_field_name(i));
}

static void
tags(const char *in, int rc, const char *want)
{
	char out[PM_TAGS_LEN];

	assert_int_equal(core_pm_tags_normalize(in, out, sizeof(out)), rc);
	assert_string_equal(out, want);
}

static void
test_tags(void **state)
{
	(void)state;
	tags("", 0, "");
	tags(NULL, 0, "");
	tags(" Input Validation , parsing,,PARSING ", 0,
	    "input-validation,parsing");
	tags("C++, C#, node.js, snake_case", 0, "c++,c#,node.js,snake-case");
	tags("a,b,c,d,e,f,g,h,i,j", 0, "a,b,c,d,e,f,g,h,i,j");
	tags("a,b,c,d,e,f,g,h,i,j,k", -1, "");
	tags("a,b,c,d,e,f,g,h,i,j,a,b", 0, "a,b,c,d,e,f,g,h,i,j");
	tags("ok, <script>", -1, "");
	tags("ab, abc, a", 0, "ab,abc,a");	/* prefixes are not duplicates */
}

static void
anon(const char *in, const char *want)
{
	const char *names[] = { "Jane Researcher", "J. R. Hacker", "ab" };
	char out[512];

	assert_int_equal(core_pm_anonymise(in, names, 3, "VR", out,
	    sizeof(out)), strlen(want));
	assert_string_equal(out, want);
}

static void
test_anonymise(void **state)
{
	char small[11];

	(void)state;
	anon("plain text stays", "plain text stays");
	anon("Mail jane.r+x@mail.example.net now.",
	    "Mail [address] now.");
	anon("see https://evil.example/a?b=1, or www.example.org/x).",
	    "see [link], or [link]).");
	anon("like VR-2026-0007 and VR-2025-12345 but not XVR-2026-1 or "
	    "VR-26-1", "like [case] and [case] but not XVR-2026-1 or VR-26-1");
	anon("Thanks to jane researcher and J. R. Hacker!",
	    "Thanks to [reporter] and [reporter]!");
	/* names inside words and names too short are left alone */
	anon("Janet Researchers abstract ab", "Janet Researchers abstract ab");
	anon("user@localhost is no address", "user@localhost is no address");
	/* Markdown and punctuation around them */
	anon("Found by _Jane Researcher_ (see __VR-2021-5045__ and "
	    "_https://poc.example/m_); thanks -Jane Researcher.",
	    "Found by _[reporter]_ (see __[case]__ and _[link]); thanks "
	    "-[reporter].");
	/* across lines, as a tag, a part alone */
	anon("by Jane\n  Researcher", "by [reporter]");
	anon("jane-researcher,parsing", "[reporter],parsing");
	anon("Jane said so; Hacker too", "[reporter] said so; [reporter] too");
	anon("Researcher and researcher", "[reporter] and researcher");
	/* truncation keeps whole characters */
	assert_int_equal(core_pm_anonymise("caf\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	    NULL, 0, "VR", small, sizeof(small)), 9);
	assert_string_equal(small, "caf\xc3\xa9\xc3\xa9\xc3\xa9");
	assert_int_equal(core_pm_anonymise(NULL, NULL, 0, "VR", small,
	    sizeof(small)), 0);
	assert_string_equal(small, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_each_field),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_practices),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_anonymise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
