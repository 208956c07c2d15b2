/* tests/unit/core/test_gate.c - the release gate: every combination of
 * the input fields against a predicate written out here (not derived
 * from gate.c), the exact sentences for hand-picked cases, and the
 * name tables. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/gate.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The sentences, spelled out once so the hand-picked cases read well. */
#define NO_PATCH	"There is no patch yet."
#define NOT_TESTED	"The current patch has not been tested yet."
#define QUEUED		"The test run is waiting to start."
#define RUNNING		"The test run is still running."
#define RUN_ERROR	"The test run could not finish; it needs to be run again."
#define RUN_FAILED	"The test run failed."
#define REGRESSIONS	"The regression suite failed."
#define NO_REPRO	"The proof of concept does not reproduce on the " \
			"unpatched build."
#define STILL_REPRO	"The proof of concept still reproduces with the patch."
#define NO_SIGNOFF	"No tester has signed off the test run."
#define REJECTED	"The tester rejected the test run."
#define SELF_SIGNED	"The patch's author cannot sign off their own patch."
#define NOT_SENT	"The fix has not been sent to the researcher to verify."
#define NO_ANSWER	"The researcher has not answered yet."
#define NOT_FIXED	"The researcher says the fix does not work."
#define BROKE		"The researcher says the fix broke something."
#define BAD_WAIVER	"A waiver needs a written reason from a release " \
			"manager."

/*
 * The rule of DESIGN.md section 1, written from the text: ready only
 * when there is a patch whose latest run passed with regressions green,
 * the PoC reproducing before and not after, signed PASS by someone other
 * than the author, and the researcher said fixed, or a release manager
 * waived with a reason.
 */
static int
expect_tested(const struct core_gate_input *in)
{
	if (!in->has_patch)
		return 0;
	if (in->run != GATE_RUN_PASSED)
		return 0;
	if (!(in->run_regressions_ok && in->run_pocs_reproduced_before &&
	    in->run_pocs_fixed_after))
		return 0;
	if (in->signoff != GATE_SIGNOFF_PASS || in->signer_is_author)
		return 0;
	return 1;
}

static int
expect_verified(const struct core_gate_input *in)
{
	if (in->verify == GATE_VERIFY_FIXED)
		return 1;
	if (in->verify != GATE_VERIFY_WAIVED)
		return 0;
	return in->waiver_has_reason && in->waiver_by_release_manager;
}

static int
expect_ready(const struct core_gate_input *in)
{
	return expect_tested(in) && expect_verified(in);
}

static int
has_sentence(const struct core_gate_result *res, const char *s)
{
	size_t i;

	for (i = 0; i < res->nunmet; i++)
		if (strcmp(res->unmet[i], s) == 0)
			return 1;
	return 0;
}

/* The sentence the verification alone must produce, or NULL. */
static const char *
expect_verify_sentence(const struct core_gate_input *in)
{
	switch (in->verify) {
	case GATE_VERIFY_NONE:
		return NOT_SENT;
	case GATE_VERIFY_SENT:
		return NO_ANSWER;
	case GATE_VERIFY_NOT_FIXED:
		return NOT_FIXED;
	case GATE_VERIFY_BROKE:
		return BROKE;
	case GATE_VERIFY_WAIVED:
		return in->waiver_has_reason &&
		    in->waiver_by_release_manager ? NULL : BAD_WAIVER;
	default:
		return NULL;
	}
}

/* What must hold of one result besides ok, for any input. */
static void
check_shape(const struct core_gate_input *in,
    const struct core_gate_result *res)
{
	size_t i, j;
	const char *v;

	assert_true(res->ok == 0 || res->ok == 1);
	assert_int_equal(res->ok, res->nunmet == 0);
	assert_true(res->nunmet <= CORE_GATE_MAX_UNMET);
	for (i = 0; i < res->nunmet; i++) {
		assert_non_null(res->unmet[i]);
		/* A sentence: capital first, full stop last. */
		assert_true(res->unmet[i][0] >= 'A' &&
		    res->unmet[i][0] <= 'Z');
		assert_int_equal(res->unmet[i][strlen(res->unmet[i]) - 1],
		    '.');
		for (j = 0; j < i; j++)
			assert_string_not_equal(res->unmet[i],
			    res->unmet[j]);
	}

	if (!in->has_patch) {
		assert_int_equal(res->nunmet, 1);
		assert_string_equal(res->unmet[0], NO_PATCH);
		return;
	}
	assert_false(has_sentence(res, NO_PATCH));

	/* Each fact that blocks the gate is named by its own sentence. */
	v = expect_verify_sentence(in);
	if (v != NULL)
		assert_true(has_sentence(res, v));
	assert_int_equal(has_sentence(res, NOT_TESTED),
	    in->run == GATE_RUN_NONE);
	assert_int_equal(has_sentence(res, RUNNING),
	    in->run == GATE_RUN_RUNNING);
	if (in->run == GATE_RUN_PASSED || in->run == GATE_RUN_FAILED) {
		assert_int_equal(has_sentence(res, REGRESSIONS),
		    !in->run_regressions_ok);
		assert_int_equal(has_sentence(res, NO_REPRO),
		    !in->run_pocs_reproduced_before);
		assert_int_equal(has_sentence(res, STILL_REPRO),
		    !in->run_pocs_fixed_after);
		assert_int_equal(has_sentence(res, NO_SIGNOFF),
		    in->signoff == GATE_SIGNOFF_NONE);
		assert_int_equal(has_sentence(res, REJECTED),
		    in->signoff == GATE_SIGNOFF_FAIL);
		assert_int_equal(has_sentence(res, SELF_SIGNED),
		    in->signoff == GATE_SIGNOFF_PASS &&
		    in->signer_is_author);
	} else {
		/* Nothing to check or sign before a run finished. */
		assert_false(has_sentence(res, REGRESSIONS));
		assert_false(has_sentence(res, NO_SIGNOFF));
		assert_false(has_sentence(res, SELF_SIGNED));
	}
}

static void
test_every_combination(void **state)
{
	struct core_gate_input in;
	struct core_gate_result res;
	int patch, run, reg, before, after, so, author, ver, reason, rm;
	size_t n = 0, nready = 0, ntested = 0;

	(void)state;
	for (patch = 0; patch < 2; patch++)
	for (run = 0; run < GATE_RUN__MAX; run++)
	for (reg = 0; reg < 2; reg++)
	for (before = 0; before < 2; before++)
	for (after = 0; after < 2; after++)
	for (so = 0; so < GATE_SIGNOFF__MAX; so++)
	for (author = 0; author < 2; author++)
	for (ver = 0; ver < GATE_VERIFY__MAX; ver++)
	for (reason = 0; reason < 2; reason++)
	for (rm = 0; rm < 2; rm++) {
		memset(&in, 0, sizeof(in));
		in.has_patch = patch;
		in.run = (enum gate_run)run;
		in.run_regressions_ok = reg;
		in.run_pocs_reproduced_before = before;
		in.run_pocs_fixed_after = after;
		in.signoff = (enum gate_signoff)so;
		in.signer_is_author = author;
		in.verify = (enum gate_verify)ver;
		in.waiver_has_reason = reason;
		in.waiver_by_release_manager = rm;

		/* Garbage in the result must not leak through. */
		memset(&res, 0xa5, sizeof(res));
		core_gate_check(&in, &res);
		if (res.ok != expect_ready(&in))
			fail_msg("patch=%d run=%d reg=%d before=%d after=%d "
			    "signoff=%d author=%d verify=%d reason=%d rm=%d: "
			    "ok=%d, expected %d", patch, run, reg, before,
			    after, so, author, ver, reason, rm, res.ok,
			    expect_ready(&in));
		assert_int_equal(core_gate_tested(&in), expect_tested(&in));
		assert_int_equal(core_gate_verified(&in),
		    expect_verified(&in));
		check_shape(&in, &res);
		n++;
		nready += (size_t)res.ok;
		ntested += (size_t)core_gate_tested(&in);
	}
	/* 2 * 6 * 2^3 * 3 * 2 * 6 * 2^2 */
	assert_int_equal(n, 13824);
	/* Tested: one run/check/sign-off setting, times 6 * 4 verification
	 * settings; ready: of those, FIXED (4) or WAIVED with both (1). */
	assert_int_equal(ntested, 24);
	assert_int_equal(nready, 5);
}

/* Booleans are "non-zero", not just 1. */
static void
test_booleans_nonzero(void **state)
{
	struct core_gate_input in;
	struct core_gate_result res;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.has_patch = 7;
	in.run = GATE_RUN_PASSED;
	in.run_regressions_ok = -1;
	in.run_pocs_reproduced_before = 2;
	in.run_pocs_fixed_after = 100;
	in.signoff = GATE_SIGNOFF_PASS;
	in.verify = GATE_VERIFY_WAIVED;
	in.waiver_has_reason = 3;
	in.waiver_by_release_manager = 4;
	core_gate_check(&in, &res);
	assert_int_equal(res.ok, 1);
	assert_int_equal(core_gate_tested(&in), 1);
	assert_int_equal(core_gate_verified(&in), 1);
}

/* Out-of-range values (a corrupt row) never open the gate. */
static void
test_out_of_range(void **state)
{
	struct core_gate_input good, in;
	struct core_gate_result res;

	(void)state;
	memset(&good, 0, sizeof(good));
	good.has_patch = 1;
	good.run = GATE_RUN_PASSED;
	good.run_regressions_ok = 1;
	good.run_pocs_reproduced_before = 1;
	good.run_pocs_fixed_after = 1;
	good.signoff = GATE_SIGNOFF_PASS;
	good.verify = GATE_VERIFY_FIXED;
	core_gate_check(&good, &res);
	assert_int_equal(res.ok, 1);

	in = good;
	in.run = GATE_RUN__MAX;
	core_gate_check(&in, &res);
	assert_int_equal(res.ok, 0);
	assert_int_equal(res.nunmet, 1);
	assert_string_equal(res.unmet[0],
	    "The test run is in an unknown state.");

	in = good;
	in.signoff = (enum gate_signoff)99;
	core_gate_check(&in, &res);
	assert_int_equal(res.ok, 0);
	assert_int_equal(res.nunmet, 1);
	assert_string_equal(res.unmet[0],
	    "The sign-off is in an unknown state.");

	in = good;
	in.verify = GATE_VERIFY__MAX;
	core_gate_check(&in, &res);
	assert_int_equal(res.ok, 0);
	assert_int_equal(res.nunmet, 1);
	assert_string_equal(res.unmet[0],
	    "The researcher's verification is in an unknown state.");
	assert_int_equal(core_gate_verified(&in), 0);
}

/*
 * Hand-picked cases with their exact lists, in order.  Fields: patch,
 * run, regressions, before, after, signoff, author, verify, reason, rm.
 */
#define MAXS	6
static const struct {
	const char		*name;
	struct core_gate_input	 in;
	const char		*unmet[MAXS];	/* NULL-terminated */
} cases[] = {
	{ "all good, researcher verified",
	    { 1, GATE_RUN_PASSED, 1, 1, 1, GATE_SIGNOFF_PASS, 0,
	    GATE_VERIFY_FIXED, 0, 0 }, { NULL } },
	{ "all good, waived by release manager with reason",
	    { 1, GATE_RUN_PASSED, 1, 1, 1, GATE_SIGNOFF_PASS, 0,
	    GATE_VERIFY_WAIVED, 1, 1 }, { NULL } },
	{ "nothing at all",
	    { 0, GATE_RUN_NONE, 0, 0, 0, GATE_SIGNOFF_NONE, 0,
	    GATE_VERIFY_NONE, 0, 0 }, { NO_PATCH, NULL } },
	{ "no patch, though the rest looks fine",
	    { 0, GATE_RUN_PASSED, 1, 1, 1, GATE_SIGNOFF_PASS, 0,
	    GATE_VERIFY_FIXED, 0, 0 }, { NO_PATCH, NULL } },
	{ "fresh patch, nothing done",
	    { 1, GATE_RUN_NONE, 0, 0, 0, GATE_SIGNOFF_NONE, 0,
	    GATE_VERIFY_NONE, 0, 0 }, { NOT_TESTED, NOT_SENT, NULL } },
	{ "queued, sent to researcher",
	    { 1, GATE_RUN_QUEUED, 0, 0, 0, GATE_SIGNOFF_NONE, 0,
	    GATE_VERIFY_SENT, 0, 0 }, { QUEUED, NO_ANSWER, NULL } },
	{ "running, already fixed per researcher",
	    { 1, GATE_RUN_RUNNING, 0, 0, 0, GATE_SIGNOFF_PASS, 1,
	    GATE_VERIFY_FIXED, 0, 0 }, { RUNNING, NULL } },
	{ "run error",
	    { 1, GATE_RUN_ERROR, 1, 1, 1, GATE_SIGNOFF_NONE, 0,
	    GATE_VERIFY_FIXED, 0, 0 }, { RUN_ERROR, NULL } },
	{ "everything failed",
	    { 1, GATE_RUN_FAILED, 0, 0, 0, GATE_SIGNOFF_FAIL, 0,
	    GATE_VERIFY_NOT_FIXED, 0, 0 },
	    { REGRESSIONS, NO_REPRO, STILL_REPRO, REJECTED, NOT_FIXED,
	    NULL } },
	{ "regressions only, not signed",
	    { 1, GATE_RUN_FAILED, 0, 1, 1, GATE_SIGNOFF_NONE, 0,
	    GATE_VERIFY_FIXED, 0, 0 }, { REGRESSIONS, NO_SIGNOFF, NULL } },
	{ "failed run without a failed check",
	    { 1, GATE_RUN_FAILED, 1, 1, 1, GATE_SIGNOFF_PASS, 0,
	    GATE_VERIFY_FIXED, 0, 0 }, { RUN_FAILED, NULL } },
	{ "PoC misses the fix",
	    { 1, GATE_RUN_FAILED, 1, 1, 0, GATE_SIGNOFF_PASS, 0,
	    GATE_VERIFY_FIXED, 0, 0 }, { STILL_REPRO, NULL } },
	{ "author signed own patch",
	    { 1, GATE_RUN_PASSED, 1, 1, 1, GATE_SIGNOFF_PASS, 1,
	    GATE_VERIFY_FIXED, 0, 0 }, { SELF_SIGNED, NULL } },
	{ "author rejected own patch: a rejection is a rejection",
	    { 1, GATE_RUN_PASSED, 1, 1, 1, GATE_SIGNOFF_FAIL, 1,
	    GATE_VERIFY_FIXED, 0, 0 }, { REJECTED, NULL } },
	{ "fix broke something",
	    { 1, GATE_RUN_PASSED, 1, 1, 1, GATE_SIGNOFF_PASS, 0,
	    GATE_VERIFY_BROKE, 1, 1 }, { BROKE, NULL } },
	{ "waiver without reason",
	    { 1, GATE_RUN_PASSED, 1, 1, 1, GATE_SIGNOFF_PASS, 0,
	    GATE_VERIFY_WAIVED, 0, 1 }, { BAD_WAIVER, NULL } },
	{ "waiver by someone else",
	    { 1, GATE_RUN_PASSED, 1, 1, 1, GATE_SIGNOFF_PASS, 0,
	    GATE_VERIFY_WAIVED, 1, 0 }, { BAD_WAIVER, NULL } },
	{ "PoC never reproduced, self-signed, waiver lacks both",
	    { 1, GATE_RUN_PASSED, 1, 0, 1, GATE_SIGNOFF_PASS, 1,
	    GATE_VERIFY_WAIVED, 0, 0 },
	    { NO_REPRO, SELF_SIGNED, BAD_WAIVER, NULL } },
	{ "waiver fields ignored unless waived",
	    { 1, GATE_RUN_PASSED, 1, 1, 1, GATE_SIGNOFF_PASS, 0,
	    GATE_VERIFY_SENT, 1, 1 }, { NO_ANSWER, NULL } },
};

static void
test_cases(void **state)
{
	struct core_gate_result res;
	size_t i, n;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		core_gate_check(&cases[i].in, &res);
		for (n = 0; n < MAXS && cases[i].unmet[n] != NULL; n++)
			continue;
		if (res.nunmet != n)
			fail_msg("%s: %zu sentences, expected %zu",
			    cases[i].name, res.nunmet, n);
		for (n = 0; n < res.nunmet; n++)
			if (strcmp(res.unmet[n], cases[i].unmet[n]) != 0)
				fail_msg("%s: sentence %zu is \"%s\", "
				    "expected \"%s\"", cases[i].name, n,
				    res.unmet[n], cases[i].unmet[n]);
		assert_int_equal(res.ok, res.nunmet == 0);
	}
}

static const char *const run_names[] = {
	"none", "queued", "running", "passed", "failed", "error",
};
static const char *const signoff_names[] = { "none", "pass", "fail" };
static const char *const verify_names[] = {
	"none", "sent", "fixed", "not_fixed", "broke_something", "waived",
};

static void
test_names(void **state)
{
	size_t i;

	(void)state;
	assert_int_equal(NELEM(run_names), GATE_RUN__MAX);
	assert_int_equal(NELEM(signoff_names), GATE_SIGNOFF__MAX);
	assert_int_equal(NELEM(verify_names), GATE_VERIFY__MAX);

	for (i = 0; i < NELEM(run_names); i++) {
		assert_string_equal(core_gate_run_name((enum gate_run)i),
		    run_names[i]);
		assert_int_equal(core_gate_run_parse(run_names[i]), (int)i);
	}
	for (i = 0; i < NELEM(signoff_names); i++) {
		assert_string_equal(
		    core_gate_signoff_name((enum gate_signoff)i),
		    signoff_names[i]);
		assert_int_equal(core_gate_signoff_parse(signoff_names[i]),
		    (int)i);
	}
	for (i = 0; i < NELEM(verify_names); i++) {
		assert_string_equal(
		    core_gate_verify_name((enum gate_verify)i),
		    verify_names[i]);
		assert_int_equal(core_gate_verify_parse(verify_names[i]),
		    (int)i);
	}

	assert_null(core_gate_run_name(GATE_RUN__MAX));
	assert_null(core_gate_run_name((enum gate_run)-1));
	assert_null(core_gate_signoff_name(GATE_SIGNOFF__MAX));
	assert_null(core_gate_verify_name(GATE_VERIFY__MAX));
	assert_null(core_gate_verify_name((enum gate_verify)1000));
}

static void
test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"", " none", "none ", "None", "FIXED", "fix", "fixedx",
		"broke", "not fixed", "not-fixed", "waive", "passed\n",
		"err", "0", "\xc3\xa9",
	};
	size_t i;

	(void)state;
	assert_int_equal(core_gate_run_parse(NULL), -1);
	assert_int_equal(core_gate_signoff_parse(NULL), -1);
	assert_int_equal(core_gate_verify_parse(NULL), -1);
	for (i = 0; i < NELEM(bad); i++) {
		assert_int_equal(core_gate_verify_parse(bad[i]), -1);
		assert_int_equal(core_gate_run_parse(bad[i]), -1);
		assert_int_equal(core_gate_signoff_parse(bad[i]), -1);
	}
	/* Each table's names belong to it alone. */
	assert_int_equal(core_gate_run_parse("fixed"), -1);
	assert_int_equal(core_gate_verify_parse("passed"), -1);
	assert_int_equal(core_gate_signoff_parse("waived"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_combination),
		cmocka_unit_test(test_booleans_nonzero),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parse_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
