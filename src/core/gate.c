/* core/gate.c - see gate.h. */
#include <assert.h>
#include <string.h>

#include "gate.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const run_names[] = {
	"none", "queued", "running", "passed", "failed", "error",
};

static const char *const signoff_names[] = {
	"none", "pass", "fail",
};

static const char *const verify_names[] = {
	"none", "sent", "fixed", "not_fixed", "broke_something", "waived",
};

/* One name per enum value, checked at compile time. */
typedef char run_names_complete[
    NELEM(run_names) == GATE_RUN__MAX ? 1 : -1];
typedef char signoff_names_complete[
    NELEM(signoff_names) == GATE_SIGNOFF__MAX ? 1 : -1];
typedef char verify_names_complete[
    NELEM(verify_names) == GATE_VERIFY__MAX ? 1 : -1];

static int
run_finished(enum gate_run r)
{
	return r == GATE_RUN_PASSED || r == GATE_RUN_FAILED;
}

int
core_gate_tested(const struct core_gate_input *in)
{
	assert(in != NULL);
	return in->has_patch &&
	    in->run == GATE_RUN_PASSED &&
	    in->run_regressions_ok &&
	    in->run_pocs_reproduced_before &&
	    in->run_pocs_fixed_after &&
	    in->signoff == GATE_SIGNOFF_PASS &&
	    !in->signer_is_author;
}

int
core_gate_verified(const struct core_gate_input *in)
{
	assert(in != NULL);
	if (in->verify == GATE_VERIFY_FIXED)
		return 1;
	return in->verify == GATE_VERIFY_WAIVED &&
	    in->waiver_has_reason && in->waiver_by_release_manager;
}

static void
unmet(struct core_gate_result *res, const char *sentence)
{
	/* At most 5 are ever listed: overflowing is our bug. */
	assert(res->nunmet < CORE_GATE_MAX_UNMET);
	if (res->nunmet < CORE_GATE_MAX_UNMET)
		res->unmet[res->nunmet++] = sentence;
}

static void
check_run(const struct core_gate_input *in, struct core_gate_result *res)
{
	switch (in->run) {
	case GATE_RUN_NONE:
		unmet(res, "The current patch has not been tested yet.");
		return;
	case GATE_RUN_QUEUED:
		unmet(res, "The test run is waiting to start.");
		return;
	case GATE_RUN_RUNNING:
		unmet(res, "The test run is still running.");
		return;
	case GATE_RUN_ERROR:
		unmet(res, "The test run could not finish; "
		    "it needs to be run again.");
		return;
	case GATE_RUN_PASSED:
	case GATE_RUN_FAILED:
		break;
	default:
		unmet(res, "The test run is in an unknown state.");
		return;
	}

	if (!in->run_regressions_ok)
		unmet(res, "The regression suite failed.");
	if (!in->run_pocs_reproduced_before)
		unmet(res, "The proof of concept does not reproduce on the "
		    "unpatched build.");
	if (!in->run_pocs_fixed_after)
		unmet(res, "The proof of concept still reproduces with the "
		    "patch.");
	if (in->run == GATE_RUN_FAILED && in->run_regressions_ok &&
	    in->run_pocs_reproduced_before && in->run_pocs_fixed_after)
		unmet(res, "The test run failed.");
}

static void
check_signoff(const struct core_gate_input *in, struct core_gate_result *res)
{
	if (!run_finished(in->run))
		return;
	switch (in->signoff) {
	case GATE_SIGNOFF_NONE:
		unmet(res, "No tester has signed off the test run.");
		break;
	case GATE_SIGNOFF_PASS:
		if (in->signer_is_author)
			unmet(res, "The patch's author cannot sign off their "
			    "own patch.");
		break;
	case GATE_SIGNOFF_FAIL:
		unmet(res, "The tester rejected the test run.");
		break;
	default:
		unmet(res, "The sign-off is in an unknown state.");
		break;
	}
}

static void
check_verify(const struct core_gate_input *in, struct core_gate_result *res)
{
	switch (in->verify) {
	case GATE_VERIFY_NONE:
		unmet(res, "The fix has not been sent to the researcher to "
		    "verify.");
		break;
	case GATE_VERIFY_SENT:
		unmet(res, "The researcher has not answered yet.");
		break;
	case GATE_VERIFY_FIXED:
		break;
	case GATE_VERIFY_NOT_FIXED:
		unmet(res, "The researcher says the fix does not work.");
		break;
	case GATE_VERIFY_BROKE:
		unmet(res, "The researcher says the fix broke something.");
		break;
	case GATE_VERIFY_WAIVED:
		if (!in->waiver_has_reason || !in->waiver_by_release_manager)
			unmet(res, "A waiver needs a written reason from a "
			    "release manager.");
		break;
	default:
		unmet(res, "The researcher's verification is in an unknown "
		    "state.");
		break;
	}
}

void
core_gate_check(const struct core_gate_input *in,
    struct core_gate_result *res)
{
	assert(in != NULL && res != NULL);
	memset(res, 0, sizeof(*res));

	if (!in->has_patch) {
		/* Tests, sign-off and verification are of a revision. */
		unmet(res, "There is no patch yet.");
		return;
	}
	check_run(in, res);
	check_signoff(in, res);
	check_verify(in, res);

	res->ok = res->nunmet == 0;
	/* The sentences and the two predicates must agree. */
	assert(res->ok == (core_gate_tested(in) && core_gate_verified(in)));
}

static int
parse(const char *const *names, size_t n, const char *s)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
core_gate_run_name(enum gate_run r)
{
	return (unsigned)r < GATE_RUN__MAX ? run_names[r] : NULL;
}

int
core_gate_run_parse(const char *s)
{
	return parse(run_names, NELEM(run_names), s);
}

const char *
core_gate_signoff_name(enum gate_signoff s)
{
	return (unsigned)s < GATE_SIGNOFF__MAX ? signoff_names[s] : NULL;
}

int
core_gate_signoff_parse(const char *s)
{
	return parse(signoff_names, NELEM(signoff_names), s);
}

const char *
core_gate_verify_name(enum gate_verify v)
{
	return (unsigned)v < GATE_VERIFY__MAX ? verify_names[v] : NULL;
}

int
core_gate_verify_parse(const char *s)
{
	return parse(verify_names, NELEM(verify_names), s);
}
