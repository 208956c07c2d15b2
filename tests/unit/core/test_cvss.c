/* tests/unit/core/test_cvss.c - core/cvss: every test vector of
 * STANDARDS.md §3-5, edge cases of parsing, and a table of rejects. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "core/cvss.h"

#define V31B	"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
#define V40B	"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"

struct valid {
	const char	*vector;
	double		 base, temporal, env, score;
	const char	*severity;
	const char	*nomenclature;	/* v4.0 only */
};

/* v3.1: base / temporal / environmental as FIRST's cvsscalc31.js, except
 * that without environmental metrics the environmental score is the
 * temporal one (STANDARDS.md §3; see score31 in cvss.c). */
static const struct valid valid31[] = {
	/* STANDARDS.md §5 */
	{ V31B, 9.8, 9.8, 9.8, 9.8, "Critical", NULL },
	{ "CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H",
	    6.5, 6.5, 6.5, 6.5, "Medium", NULL },
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N",
	    3.8, 3.8, 3.8, 3.8, "Low", NULL },
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:F/RL:X",
	    3.8, 3.7, 3.7, 3.7, "Low", NULL },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
	    7.5, 7.5, 7.5, 7.5, "High", NULL },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
	    6.1, 6.1, 6.1, 6.1, "Medium", NULL },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:L/A:H/E:F/RL:U/RC:R",
	    9.9, 9.3, 9.3, 9.3, "Critical", NULL },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/"
	    "CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H",
	    9.3, 8.9, 9.5, 9.5, "Critical", NULL },
	/* any order is valid (§3) */
	{ "CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N",
	    9.8, 9.8, 9.8, 9.8, "Critical", NULL },
	{ "CVSS:3.1/RC:R/AV:N/AC:L/E:F/PR:L/UI:N/S:C/C:H/I:L/A:H/RL:U",
	    9.9, 9.3, 9.3, 9.3, "Critical", NULL },
	/* explicit X everywhere = omitted */
	{ V31B "/E:X/RL:X/RC:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/MPR:X/MUI:X/"
	    "MS:X/MC:X/MI:X/MA:X", 9.8, 9.8, 9.8, 9.8, "Critical", NULL },
	/* no impact: 0.0, None */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N",
	    0.0, 0.0, 0.0, 0.0, "None", NULL },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N",
	    0.0, 0.0, 0.0, 0.0, "None", NULL },
	/* environmental can lower to 0 */
	{ V31B "/MC:N/MI:N/MA:N", 9.8, 9.8, 0.0, 0.0, "None", NULL },
	/* S:C, no environmental metrics: cvsscalc31.js would say 9.7 for
	 * the environmental score; we report the temporal (= base). */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H",
	    9.6, 9.6, 9.6, 9.6, "Critical", NULL },
	/* ... and a neutral CR:M defines the environmental group: 9.7, as
	 * cvsscalc31.js and ae-cvss-calculator. */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H/CR:M",
	    9.6, 9.6, 9.7, 9.7, "Critical", NULL },
	/* MS changes PR weights (MPR from PR when X) */
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H/MS:C",
	    8.8, 8.8, 10.0, 10.0, "Critical", NULL },
	/* MISS cap 0.915 */
	{ V31B "/CR:H/IR:H/AR:H", 9.8, 9.8, 9.8, 9.8, "Critical", NULL },
	/* low scores */
	{ "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N/E:U/RL:O/RC:U",
	    1.6, 1.3, 1.3, 1.3, "Low", NULL },
};

/* v4.0: one score (base = temporal = environmental = score). */
static const struct valid valid40[] = {
	/* STANDARDS.md §5 */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	    9.3, 0, 0, 0, "Critical", "CVSS-B" },
	{ V40B, 10.0, 0, 0, 0, "Critical", "CVSS-B" },
	{ V40B "/E:U", 9.1, 0, 0, 0, "Critical", "CVSS-BT" },
	{ V40B "/MVI:L/MSA:S", 9.8, 0, 0, 0, "Critical", "CVSS-BE" },
	{ V40B "/E:U/MVI:L/MSA:S", 9.0, 0, 0, 0, "Critical", "CVSS-BTE" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:H/SA:H",
	    7.9, 0, 0, 0, "High", "CVSS-B" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N",
	    5.1, 0, 0, 0, "Medium", "CVSS-B" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/"
	    "E:A", 5.1, 0, 0, 0, "Medium", "CVSS-BT" },
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L/"
	    "E:P", 4.5, 0, 0, 0, "Medium", "CVSS-BT" },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:A/VC:N/VI:N/VA:L/SC:H/SI:H/SA:H/"
	    "CR:H/IR:H/AR:M/MAV:N/MAC:L/MAT:P/MPR:L/MUI:A/MVC:N/MVI:H/MVA:L/"
	    "MSC:L/MSI:S/MSA:H", 8.5, 0, 0, 0, "High", "CVSS-BE" },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L/"
	    "E:A/S:P/AU:Y/R:A/V:D/RE:L/U:Red", 5.4, 0, 0, 0, "Medium",
	    "CVSS-BT" },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:N/VC:N/VI:N/VA:H/SC:H/SI:H/SA:H/"
	    "CR:L/IR:L/AR:L", 5.8, 0, 0, 0, "Medium", "CVSS-BE" },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/"
	    "E:U", 0.4, 0, 0, 0, "Low", "CVSS-BT" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L",
	    9.2, 0, 0, 0, "Critical", "CVSS-B" },
	/* rounding edge: raw 8.5499999999999989, epsilon rule gives 8.6 */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H",
	    8.6, 0, 0, 0, "High", "CVSS-B" },
	/* the BT sample without its E:P (ae-cvss-calculator) */
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L",
	    5.4, 0, 0, 0, "Medium", "CVSS-B" },
	/* all impacts N: 0.0 */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
	    0.0, 0, 0, 0, "None", "CVSS-B" },
	/* ... unless a modified impact is not N */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/"
	    "MVC:H", 8.7, 0, 0, 0, "High", "CVSS-BE" },
	/* explicit X everywhere = omitted; supplemental never scores */
	{ V40B "/E:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/"
	    "MVI:X/MVA:X/MSC:X/MSI:X/MSA:X/S:X/AU:X/R:X/V:X/RE:X/U:X",
	    10.0, 0, 0, 0, "Critical", "CVSS-B" },
	{ V40B "/S:N/AU:N/R:I/V:C/RE:H/U:Clear", 10.0, 0, 0, 0, "Critical",
	    "CVSS-B" },
	{ V40B "/U:Amber", 10.0, 0, 0, 0, "Critical", "CVSS-B" },
	/* lowest macrovector */
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L/"
	    "E:U/CR:L/IR:L/AR:L", 0.1, 0, 0, 0, "Low", "CVSS-BTE" },
};

static void
check_valid(const struct valid *t, enum cvss_version ver)
{
	struct core_cvss c;
	const char *err = NULL;

	if (core_cvss_score(t->vector, &c, &err) != 0)
		fail_msg("%s: rejected: %s", t->vector, err);
	assert_int_equal(c.version, ver);
	if (ver == CVSS_V31) {
		if (fabs(c.base - t->base) > 1e-9 ||
		    fabs(c.temporal - t->temporal) > 1e-9 ||
		    fabs(c.environmental - t->env) > 1e-9 ||
		    fabs(c.score - t->score) > 1e-9)
			fail_msg("%s: got %.1f/%.1f/%.1f score %.1f, want "
			    "%.1f/%.1f/%.1f score %.1f", t->vector, c.base,
			    c.temporal, c.environmental, c.score, t->base,
			    t->temporal, t->env, t->score);
		assert_null(c.nomenclature);
	} else {
		if (fabs(c.score - t->base) > 1e-9 ||
		    c.base != c.score || c.temporal != c.score ||
		    c.environmental != c.score)
			fail_msg("%s: got %.1f (%.1f/%.1f/%.1f), want %.1f",
			    t->vector, c.score, c.base, c.temporal,
			    c.environmental, t->base);
		assert_string_equal(c.nomenclature, t->nomenclature);
	}
	assert_string_equal(c.severity, t->severity);
}

static void
test_valid31(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid31) / sizeof(valid31[0]); i++)
		check_valid(&valid31[i], CVSS_V31);
}

static void
test_valid40(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid40) / sizeof(valid40[0]); i++)
		check_valid(&valid40[i], CVSS_V40);
}

struct invalid {
	const char	*vector;
	const char	*err;	/* exact message, or NULL: any */
};

static const struct invalid invalid[] = {
	{ "", "CVSS vector is empty." },
	/* prefix */
	{ "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	    "CVSS vector must start with CVSS:3.1/ or CVSS:4.0/." },
	{ "cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	    "CVSS vector must start with CVSS:3.1/ or CVSS:4.0/." },
	{ "CVSS:3.1", "CVSS vector must start with CVSS:3.1/ or CVSS:4.0/." },
	{ "CVSS:3.1AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	    "CVSS vector must start with CVSS:3.1/ or CVSS:4.0/." },
	{ "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
	    "CVSS vector must start with CVSS:3.1/ or CVSS:4.0/." },
	{ "CVSS:4/AV:N", "CVSS vector must start with CVSS:3.1/ or "
	    "CVSS:4.0/." },
	/* v3.0: its environmental formula differs (§3), not accepted */
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	    "CVSS 3.0 vectors are not accepted; score the vulnerability "
	    "with CVSS 3.1 (CVSS:3.1/...)." },
	{ "CVSS:3.1/", "CVSS 3.1 vector has no metrics after CVSS:3.1/." },
	{ "CVSS:4.0/", "CVSS 4.0 vector has no metrics after CVSS:4.0/." },
	/* missing base metrics */
	{ "CVSS:3.1/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	    "CVSS 3.1 vector is missing the base metric AV." },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
	    "CVSS 3.1 vector is missing the base metric A." },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/E:F",
	    "CVSS 3.1 vector is missing the base metric S." },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/SC:H/SI:H/SA:H",
	    "CVSS 4.0 vector is missing the base metric VA." },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H",
	    "CVSS 4.0 vector is missing the base metric SA." },
	/* duplicates */
	{ V31B "/A:H", "CVSS 3.1 vector gives the metric A more than once." },
	{ V31B "/E:F/E:F",
	    "CVSS 3.1 vector gives the metric E more than once." },
	{ V31B "/MAV:X/MAV:N",
	    "CVSS 3.1 vector gives the metric MAV more than once." },
	{ V40B "/E:A/E:A",
	    "CVSS 4.0 vector gives the metric E more than once." },
	{ "CVSS:4.0/AV:N/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/"
	    "SA:H", "CVSS 4.0 vector gives the metric AV more than once." },
	/* unknown values */
	{ "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	    "CVSS 3.1 vector has an invalid value for AV (allowed: N, A, L, "
	    "P)." },
	{ "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", NULL },
	{ "CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", NULL },
	{ "CVSS:3.1/AV:NN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", NULL },
	{ "CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", NULL },
	{ "CVSS:3.1/AV:N:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", NULL },
	/* FIRST's regex admits PR:U and MPR:U; no weight exists */
	{ "CVSS:3.1/AV:N/AC:L/PR:U/UI:N/S:U/C:H/I:H/A:H",
	    "CVSS 3.1 vector has an invalid value for PR (allowed: N, L, "
	    "H)." },
	{ V31B "/MPR:U", NULL },
	{ V31B "/E:A", NULL },
	{ V31B "/CR:N", NULL },
	{ V40B "/E:F", "CVSS 4.0 vector has an invalid value for E (allowed: "
	    "X, A, P, U)." },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:S/SA:H",
	    "CVSS 4.0 vector has an invalid value for SI (allowed: H, L, "
	    "N)." },
	{ V40B "/MSC:S", NULL },
	{ V40B "/U:clear", NULL },
	{ V40B "/U:RED", NULL },
	{ V40B "/U:C", NULL },
	{ V40B "/S:U", NULL },	/* v4.0 S is Safety: X, N, P */
	/* unknown metrics */
	{ V31B "/Z:N", "CVSS 3.1 vector has an unknown metric (names are "
	    "case-sensitive)." },
	{ "CVSS:3.1/av:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", NULL },
	{ V31B "/AT:N", NULL },		/* v4.0 metric */
	{ V40B "/RL:X", "CVSS 4.0 vector has an unknown metric (names are "
	    "case-sensitive)." },
	{ V40B "/:N", NULL },
	/* syntax */
	{ V31B "/", "CVSS 3.1 vector ends with a slash." },
	{ V40B "/", "CVSS 4.0 vector ends with a slash." },
	{ "CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	    "CVSS 3.1 vector has an empty metric (two slashes in a row)." },
	{ "CVSS:3.1//AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", NULL },
	{ "CVSS:3.1/AV/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	    "CVSS 3.1 vector has a part without a colon (expected "
	    "METRIC:VALUE)." },
	{ "CVSS:3.1/AV=N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	    "CVSS vector contains a character that is not allowed (only "
	    "letters, digits, ':', '/' and '.')." },
	{ "(" V31B ")", NULL },
	{ V31B "\xc3\xa9", NULL },
	/* whitespace is never trimmed */
	{ " " V31B, "CVSS vector contains whitespace." },
	{ V31B " ", "CVSS vector contains whitespace." },
	{ V31B "\n", "CVSS vector contains whitespace." },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/\tA:H",
	    "CVSS vector contains whitespace." },
	{ "CVSS: 3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	    "CVSS vector contains whitespace." },
	/* v4.0 order is fixed (§4.1); v3.1 order is free */
	{ "CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
	    "CVSS 4.0 vector has the metric AV out of order (the "
	    "specification fixes the order)." },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/"
	    "CR:H/E:A", "CVSS 4.0 vector has the metric E out of order (the "
	    "specification fixes the order)." },
	{ "CVSS:4.0/E:A/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/"
	    "SA:H", NULL },
	{ V40B "/U:Red/S:N", NULL },
	{ V40B "/MSA:H/MSI:H", NULL },
	/* other versions' prefixes on the wrong metrics */
	{ "CVSS:4.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", NULL },
	{ "CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
	    NULL },
};

static void
test_invalid(void **state)
{
	struct core_cvss c;
	const char *err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		err = NULL;
		if (core_cvss_score(invalid[i].vector, &c, &err) != -1)
			fail_msg("accepted: \"%s\"", invalid[i].vector);
		assert_non_null(err);
		if (invalid[i].err != NULL &&
		    strcmp(err, invalid[i].err) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"",
			    invalid[i].vector, err, invalid[i].err);
	}
}

static void
test_null_and_long(void **state)
{
	struct core_cvss c;
	const char *err = NULL;
	char buf[4096];
	size_t n;

	(void)state;
	assert_int_equal(core_cvss_score(NULL, &c, &err), -1);
	assert_string_equal(err, "CVSS vector is empty.");

	/* A NULL err is allowed. */
	assert_int_equal(core_cvss_score("", &c, NULL), -1);

	/* A valid vector followed by many explicit X metrics is too long
	 * long before any duplicate is seen. */
	memcpy(buf, V31B, sizeof(V31B));
	for (n = strlen(buf); n + 5 <= sizeof(buf); n += 4)
		memcpy(buf + n, "/E:X", 5);
	err = NULL;
	assert_int_equal(core_cvss_score(buf, &c, &err), -1);
	assert_string_equal(err, "CVSS vector is too long.");

	/* Exactly CORE_CVSS_MAXLEN characters is still parsed (and here
	 * rejected for the duplicate), one more is too long. */
	memset(buf, 'A', sizeof(buf));
	memcpy(buf, V31B "/E:X/E:X", sizeof(V31B "/E:X/E:X") - 1);
	buf[CORE_CVSS_MAXLEN] = '\0';
	err = NULL;
	assert_int_equal(core_cvss_score(buf, &c, &err), -1);
	assert_string_equal(err,
	    "CVSS 3.1 vector gives the metric E more than once.");
	buf[CORE_CVSS_MAXLEN] = 'A';
	buf[CORE_CVSS_MAXLEN + 1] = '\0';
	err = NULL;
	assert_int_equal(core_cvss_score(buf, &c, &err), -1);
	assert_string_equal(err, "CVSS vector is too long.");

	/* The longest valid v4.0 vector fits easily. */
	err = NULL;
	assert_int_equal(core_cvss_score(V40B "/E:U/CR:M/IR:M/AR:M/MAV:P/"
	    "MAC:H/MAT:P/MPR:H/MUI:A/MVC:L/MVI:L/MVA:L/MSC:L/MSI:L/MSA:L/S:N/"
	    "AU:N/R:U/V:C/RE:H/U:Green", &c, &err), 0);
}

static void
test_roundup(void **state)
{
	(void)state;
	/* STANDARDS.md §3, Appendix A */
	assert_true(core_cvss_roundup(4.02) == 4.1);
	assert_true(core_cvss_roundup(4.00) == 4.0);
	assert_true(core_cvss_roundup(1.200003) == 1.2);
	assert_true(core_cvss_roundup(0.1 + 0.2) == 0.3);
	assert_true(core_cvss_roundup(0.0) == 0.0);
	assert_true(core_cvss_roundup(10.0) == 10.0);
	assert_true(core_cvss_roundup(9.000011) == 9.1);
}

static void
test_severity(void **state)
{
	(void)state;
	assert_string_equal(core_cvss_severity(0.0), "None");
	assert_string_equal(core_cvss_severity(0.1), "Low");
	assert_string_equal(core_cvss_severity(3.9), "Low");
	assert_string_equal(core_cvss_severity(4.0), "Medium");
	assert_string_equal(core_cvss_severity(6.9), "Medium");
	assert_string_equal(core_cvss_severity(7.0), "High");
	assert_string_equal(core_cvss_severity(8.9), "High");
	assert_string_equal(core_cvss_severity(9.0), "Critical");
	assert_string_equal(core_cvss_severity(10.0), "Critical");
}

static void
test_normalize(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ V31B, V31B },
		{ "CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N", V31B },
		{ "CVSS:3.1/MA:L/CR:X/RC:R/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/"
		    "A:H/E:X", V31B "/RC:R/MA:L" },
		{ V40B "/E:X/CR:H/MSI:X/U:Clear", V40B "/CR:H/U:Clear" },
	};
	char buf[CORE_CVSS_MAXLEN + 1], small[16];
	const char *err;
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err = NULL;
		n = core_cvss_normalize(t[i].in, buf, sizeof(buf), &err);
		if (n < 0)
			fail_msg("%s: %s", t[i].in, err);
		assert_string_equal(buf, t[i].out);
		assert_int_equal(n, (int)strlen(t[i].out));
	}
	err = NULL;
	assert_int_equal(core_cvss_normalize(V31B, small, sizeof(small),
	    &err), -1);
	assert_non_null(err);
	err = NULL;
	assert_int_equal(core_cvss_normalize(V31B "/", buf, sizeof(buf),
	    &err), -1);
	assert_string_equal(err, "CVSS 3.1 vector ends with a slash.");
	/* exactly enough room */
	assert_int_equal(core_cvss_normalize(V31B, buf, sizeof(V31B),
	    &err), (int)sizeof(V31B) - 1);
	assert_int_equal(core_cvss_normalize(V31B, buf, sizeof(V31B) - 1,
	    &err), -1);
}

static void
test_metric(void **state)
{
	const char *err = NULL;

	(void)state;
	assert_string_equal(core_cvss_metric(V31B "/E:F", "AV", &err), "N");
	assert_string_equal(core_cvss_metric(V31B "/E:F", "E", &err), "F");
	assert_string_equal(core_cvss_metric(V31B, "MAV", &err), "X");
	assert_string_equal(core_cvss_metric(V40B "/U:Amber", "U", &err),
	    "Amber");
	assert_string_equal(core_cvss_metric(V40B, "MSI", &err), "X");
	assert_null(core_cvss_metric(V40B, "RL", &err));
	assert_string_equal(err, "CVSS 4.0 has no metric of that name.");
	err = NULL;
	assert_null(core_cvss_metric(V31B "/", "AV", &err));
	assert_string_equal(err, "CVSS 3.1 vector ends with a slash.");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid31),
		cmocka_unit_test(test_valid40),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_null_and_long),
		cmocka_unit_test(test_roundup),
		cmocka_unit_test(test_severity),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_metric),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
