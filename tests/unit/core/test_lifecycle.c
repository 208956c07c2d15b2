/* tests/unit/core/test_lifecycle.c - the case lifecycle: every
 * (from, to) pair, every set of roles and both actors against a list of
 * allowed transitions written out here (not derived from lifecycle.c),
 * so a new transition must be added to both. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/lifecycle.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Roles as in DESIGN.md; admin may take every staff transition, which
 * expected_allows() adds, so it is not written below. */
#define AN	(1u << 0)
#define EN	(1u << 1)
#define TE	(1u << 2)
#define RM	(1u << 3)
#define ADMIN	(1u << 4)

#define SYS	1	/* the system actor may take it */
#define WHY	1	/* a reason is required */

static const struct {
	enum core_state	 from, to;
	unsigned	 roles;
	int		 system;
	int		 reason;
	const char	*label;
} expect[] = {
	{ ST_NEW, ST_TRIAGE, AN, 0, 0, "Start triage" },
	{ ST_NEW, ST_REJECTED, AN, 0, WHY, "Reject (spam/invalid)" },
	{ ST_NEW, ST_DUPLICATE, AN, 0, 0, "Mark duplicate" },
	{ ST_TRIAGE, ST_NEEDS_INFO, AN, 0, WHY, "Request information" },
	{ ST_TRIAGE, ST_CONFIRMED, AN, 0, 0, "Confirm" },
	{ ST_TRIAGE, ST_REJECTED, AN, 0, WHY, "Reject" },
	{ ST_TRIAGE, ST_DUPLICATE, AN, 0, 0, "Mark duplicate" },
	{ ST_TRIAGE, ST_NOT_REPRODUCIBLE, AN, 0, WHY, "Not reproducible" },
	{ ST_NEEDS_INFO, ST_TRIAGE, AN, SYS, 0, "Back to triage" },
	{ ST_NEEDS_INFO, ST_REJECTED, AN, 0, WHY, "Reject (no answer)" },
	{ ST_NEEDS_INFO, ST_NOT_REPRODUCIBLE, AN, 0, WHY,
	    "Not reproducible" },
	{ ST_CONFIRMED, ST_FIXING, EN | AN, 0, 0, "Start fixing" },
	{ ST_FIXING, ST_TESTING, EN, 0, 0, "Send to testing" },
	{ ST_TESTING, ST_FIXING, TE | EN, 0, WHY, "Test failed" },
	{ ST_TESTING, ST_VERIFYING, AN | RM, 0, 0, "Send to researcher" },
	{ ST_VERIFYING, ST_FIXING, AN, SYS, WHY, "Not fixed" },
	{ ST_VERIFYING, ST_READY, RM, 0, 0, "Ready for release" },
	{ ST_READY, ST_SCHEDULED, RM, SYS, 0, "Schedule" },
	{ ST_READY, ST_FIXING, RM, 0, WHY, "Pull back" },
	{ ST_SCHEDULED, ST_FIXING, RM, 0, WHY, "Pull from release" },
	{ ST_SCHEDULED, ST_RELEASED, RM, SYS, 0, "Release" },
	{ ST_RELEASED, ST_CLOSED, RM, 0, 0, "Close" },
	{ ST_REJECTED, ST_TRIAGE, AN, 0, WHY, "Reopen" },
	{ ST_NOT_REPRODUCIBLE, ST_TRIAGE, AN, 0, WHY, "Reopen" },
	{ ST_DUPLICATE, ST_TRIAGE, AN, 0, 0, "Not a duplicate" },
};

static const struct {
	enum core_state	 s;
	const char	*name;
	const char	*label;
	int		 terminal;
} states[] = {
	{ ST_NEW, "new", "New", 0 },
	{ ST_TRIAGE, "triage", "Triage", 0 },
	{ ST_NEEDS_INFO, "needs_info", "Needs information", 0 },
	{ ST_CONFIRMED, "confirmed", "Confirmed", 0 },
	{ ST_FIXING, "fixing", "Fixing", 0 },
	{ ST_TESTING, "testing", "Testing", 0 },
	{ ST_VERIFYING, "verifying", "Verifying", 0 },
	{ ST_READY, "ready", "Ready for release", 0 },
	{ ST_SCHEDULED, "scheduled", "Scheduled", 0 },
	{ ST_RELEASED, "released", "Released", 0 },
	{ ST_CLOSED, "closed", "Closed", 1 },
	{ ST_REJECTED, "rejected", "Rejected", 1 },
	{ ST_DUPLICATE, "duplicate", "Duplicate", 1 },
	{ ST_NOT_REPRODUCIBLE, "not_reproducible", "Not reproducible", 1 },
};

/* The expected row for from -> to, or -1. */
static int
expect_find(int from, int to)
{
	size_t i;

	for (i = 0; i < NELEM(expect); i++)
		if ((int)expect[i].from == from && (int)expect[i].to == to)
			return (int)i;
	return -1;
}

/* Expected verdict (reason given). */
static int
expect_allows(int row, enum core_actor_kind actor, unsigned roles)
{
	if (row < 0)
		return 0;
	if (actor == ACTOR_SYSTEM)
		return expect[row].system;
	return (roles & (expect[row].roles | ADMIN)) != 0;
}

static void
test_tables_complete(void **state)
{
	size_t i;

	(void)state;
	assert_int_equal(NELEM(states), ST__MAX);
	for (i = 0; i < NELEM(states); i++)
		assert_int_equal(states[i].s, (int)i);
	assert_int_equal(CORE_ROLE_BIT(ROLE_ANALYST), AN);
	assert_int_equal(CORE_ROLE_BIT(ROLE_ENGINEER), EN);
	assert_int_equal(CORE_ROLE_BIT(ROLE_TESTER), TE);
	assert_int_equal(CORE_ROLE_BIT(ROLE_RELEASE_MANAGER), RM);
	assert_int_equal(CORE_ROLE_BIT(ROLE_ADMIN), ADMIN);
}

/* The core's table has exactly the expected rows, admin in each. */
static void
test_table_matches(void **state)
{
	const struct core_transition *t;
	size_t n, i, j;
	int row;

	(void)state;
	t = core_transitions(&n);
	assert_non_null(t);
	assert_int_equal(n, NELEM(expect));
	assert_ptr_equal(core_transitions(NULL), t);
	for (i = 0; i < n; i++) {
		row = expect_find((int)t[i].from, (int)t[i].to);
		if (row < 0)
			fail_msg("unexpected transition %s -> %s",
			    core_state_name(t[i].from),
			    core_state_name(t[i].to));
		assert_int_equal(t[i].roles, expect[row].roles | ADMIN);
		assert_int_equal(t[i].system, expect[row].system);
		assert_int_equal(t[i].needs_reason, expect[row].reason);
		assert_non_null(t[i].label);
		assert_true(strlen(t[i].label) > 0);
		assert_string_equal(t[i].label, expect[row].label);
		assert_ptr_equal(core_transition_find(t[i].from, t[i].to),
		    &t[i]);
		for (j = 0; j < i; j++)		/* no pair twice */
			assert_false(t[j].from == t[i].from &&
			    t[j].to == t[i].to);
	}
}

/* Every (from, to) x every set of roles x both actors, with a reason. */
static void
test_every_pair(void **state)
{
	const char *why;
	unsigned roles;
	int from, to, row, want, got, actor;

	(void)state;
	for (from = 0; from < ST__MAX; from++)
	for (to = 0; to < ST__MAX; to++)
	for (actor = 0; actor < 2; actor++)
	for (roles = 0; roles < 32; roles++) {
		row = expect_find(from, to);
		want = expect_allows(row, (enum core_actor_kind)actor,
		    roles);
		why = NULL;
		got = core_transition_check((enum core_state)from,
		    (enum core_state)to, (enum core_actor_kind)actor, roles,
		    "because", &why);
		if (got != (want ? 0 : -1))
			fail_msg("%s -> %s, %s, roles 0x%x: got %d",
			    states[from].name, states[to].name,
			    actor ? "system" : "staff", roles, got);
		if (want)
			assert_null(why);
		else {
			assert_non_null(why);
			assert_true(strlen(why) > 0);
		}
		if (row < 0)
			assert_null(core_transition_find(
			    (enum core_state)from, (enum core_state)to));
	}
}

/* The messages say why. */
static void
test_messages(void **state)
{
	char buf[128];
	const char *why;
	int from, to;

	(void)state;
	for (from = 0; from < ST__MAX; from++)
		for (to = 0; to < ST__MAX; to++) {
			if (from == to || expect_find(from, to) >= 0)
				continue;
			snprintf(buf, sizeof(buf),
			    "This case cannot go from %s to %s.",
			    states[from].label, states[to].label);
			assert_int_equal(core_transition_check(
			    (enum core_state)from, (enum core_state)to,
			    ACTOR_STAFF, CORE_ROLES_ALL, "x", &why), -1);
			assert_string_equal(why, buf);
		}
	assert_int_equal(core_transition_check(ST_NEW, ST_RELEASED,
	    ACTOR_STAFF, ADMIN, "x", &why), -1);
	assert_string_equal(why, "This case cannot go from New to Released.");
	assert_int_equal(core_transition_check(ST_NEW, ST_TRIAGE,
	    ACTOR_STAFF, TE, NULL, &why), -1);
	assert_string_equal(why, "Your roles do not allow this transition.");
	assert_int_equal(core_transition_check(ST_NEW, ST_REJECTED,
	    ACTOR_STAFF, AN, "", &why), -1);
	assert_string_equal(why, "A reason is required.");
	/* Roles are checked before the reason. */
	assert_int_equal(core_transition_check(ST_NEW, ST_REJECTED,
	    ACTOR_STAFF, EN, "", &why), -1);
	assert_string_equal(why, "Your roles do not allow this transition.");
	/* why may be NULL. */
	assert_int_equal(core_transition_check(ST_NEW, ST_RELEASED,
	    ACTOR_STAFF, AN, NULL, NULL), -1);
	assert_int_equal(core_transition_check(ST_NEW, ST_TRIAGE,
	    ACTOR_STAFF, AN, NULL, NULL), 0);
}

/* Reasons: mandatory where marked, for staff and system alike; blanks
 * are no reason; optional elsewhere. */
static void
test_reasons(void **state)
{
	static const char *const none[] = { NULL, "", " ", "\t \r\n" };
	const char *why;
	unsigned roles;
	size_t i, k;
	int actor;

	(void)state;
	for (i = 0; i < NELEM(expect); i++)
	for (actor = 0; actor < 2; actor++) {
		roles = actor == ACTOR_SYSTEM ? 0 : expect[i].roles;
		if (actor == ACTOR_SYSTEM && !expect[i].system)
			continue;
		for (k = 0; k < NELEM(none); k++) {
			why = NULL;
			if (core_transition_check(expect[i].from, expect[i].to,
			    (enum core_actor_kind)actor, roles, none[k],
			    &why) != (expect[i].reason ? -1 : 0))
				fail_msg("%s -> %s: reason %zu",
				    states[expect[i].from].name,
				    states[expect[i].to].name, k);
			if (expect[i].reason)
				assert_string_equal(why,
				    "A reason is required.");
		}
		assert_int_equal(core_transition_check(expect[i].from,
		    expect[i].to, (enum core_actor_kind)actor, roles,
		    " it crashes ", NULL), 0);
	}
}

static void
test_refusals(void **state)
{
	const char *why;
	int s, to;

	(void)state;
	/* Same state: never, whoever asks. */
	for (s = 0; s < ST__MAX; s++) {
		assert_int_equal(core_transition_check((enum core_state)s,
		    (enum core_state)s, ACTOR_STAFF, CORE_ROLES_ALL, "x",
		    &why), -1);
		assert_int_equal(core_transition_check((enum core_state)s,
		    (enum core_state)s, ACTOR_SYSTEM, 0, "x", &why), -1);
	}
	/* Closed is final. */
	for (to = 0; to < ST__MAX; to++) {
		assert_int_equal(core_transition_check(ST_CLOSED,
		    (enum core_state)to, ACTOR_STAFF, CORE_ROLES_ALL, "x",
		    NULL), -1);
		assert_int_equal(core_transition_check(ST_CLOSED,
		    (enum core_state)to, ACTOR_SYSTEM, 0, "x", NULL), -1);
	}
	/* No roles, or only unknown bits: nothing. */
	assert_int_equal(core_transition_check(ST_NEW, ST_TRIAGE,
	    ACTOR_STAFF, 0, "x", &why), -1);
	assert_int_equal(core_transition_check(ST_NEW, ST_TRIAGE,
	    ACTOR_STAFF, ~CORE_ROLES_ALL, "x", &why), -1);
	/* The system ignores roles. */
	assert_int_equal(core_transition_check(ST_NEW, ST_TRIAGE,
	    ACTOR_SYSTEM, CORE_ROLES_ALL, "x", &why), -1);
	assert_int_equal(core_transition_check(ST_READY, ST_SCHEDULED,
	    ACTOR_SYSTEM, 0, NULL, &why), 0);
	/* Out of range. */
	assert_int_equal(core_transition_check(ST__MAX, ST_TRIAGE,
	    ACTOR_STAFF, CORE_ROLES_ALL, "x", &why), -1);
	assert_non_null(why);
	assert_int_equal(core_transition_check(ST_NEW, ST__MAX,
	    ACTOR_STAFF, CORE_ROLES_ALL, "x", &why), -1);
	assert_int_equal(core_transition_check((enum core_state)-1,
	    ST_TRIAGE, ACTOR_STAFF, CORE_ROLES_ALL, "x", &why), -1);
	assert_int_equal(core_transition_check(ST_NEW, ST_TRIAGE,
	    ACTOR__MAX, CORE_ROLES_ALL, "x", &why), -1);
	assert_int_equal(core_transition_check(ST_NEW, ST_TRIAGE,
	    (enum core_actor_kind)-1, CORE_ROLES_ALL, "x", &why), -1);
	assert_null(core_transition_find(ST__MAX, ST_TRIAGE));
}

static void
test_states(void **state)
{
	static const char *const bad[] = {
		"", "New", "NEW", " new", "new ", "needs-info", "needsinfo",
		"ready_for_release", "open", "not reproducible",
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(states); i++) {
		assert_string_equal(core_state_name(states[i].s),
		    states[i].name);
		assert_string_equal(core_state_label(states[i].s),
		    states[i].label);
		assert_int_equal(core_state_parse(states[i].name),
		    states[i].s);
		assert_int_equal(core_state_is_terminal(states[i].s),
		    states[i].terminal);
	}
	assert_int_equal(core_state_parse(NULL), -1);
	for (i = 0; i < NELEM(bad); i++)
		if (core_state_parse(bad[i]) != -1)
			fail_msg("state \"%s\" accepted", bad[i]);
	assert_null(core_state_name(ST__MAX));
	assert_null(core_state_label(ST__MAX));
	assert_null(core_state_name((enum core_state)-1));
	assert_int_equal(core_state_is_terminal(ST__MAX), 0);
	assert_int_equal(core_state_is_terminal((enum core_state)-1), 0);
}

/* Every state but closed has a way out for staff; no state has more
 * ways out than CORE_TRANSITIONS_FROM_MAX. */
static void
test_reachability(void **state)
{
	const struct core_transition *out[ST__MAX];
	int s;
	size_t n;

	(void)state;
	for (s = 0; s < ST__MAX; s++) {
		n = core_transitions_from((enum core_state)s, ACTOR_STAFF,
		    CORE_ROLES_ALL, out, NELEM(out));
		if (s == ST_CLOSED)
			assert_int_equal(n, 0);
		else
			assert_true(n > 0);
		assert_true(n <= CORE_TRANSITIONS_FROM_MAX);
	}
}

/* The UI's buttons. */
static void
test_from(void **state)
{
	static const struct {
		enum core_state		 from;
		enum core_actor_kind	 actor;
		unsigned		 roles;
		enum core_state		 to[6];	/* ST__MAX ends */
	} cases[] = {
		{ ST_NEW, ACTOR_STAFF, AN,
		    { ST_TRIAGE, ST_REJECTED, ST_DUPLICATE, ST__MAX } },
		{ ST_NEW, ACTOR_STAFF, EN | TE | RM, { ST__MAX } },
		{ ST_NEW, ACTOR_SYSTEM, CORE_ROLES_ALL, { ST__MAX } },
		{ ST_TRIAGE, ACTOR_STAFF, ADMIN,
		    { ST_NEEDS_INFO, ST_CONFIRMED, ST_REJECTED,
		    ST_DUPLICATE, ST_NOT_REPRODUCIBLE, ST__MAX } },
		{ ST_NEEDS_INFO, ACTOR_SYSTEM, 0, { ST_TRIAGE, ST__MAX } },
		{ ST_TESTING, ACTOR_STAFF, EN, { ST_FIXING, ST__MAX } },
		{ ST_TESTING, ACTOR_STAFF, TE, { ST_FIXING, ST__MAX } },
		{ ST_TESTING, ACTOR_STAFF, RM, { ST_VERIFYING, ST__MAX } },
		{ ST_TESTING, ACTOR_STAFF, AN, { ST_VERIFYING, ST__MAX } },
		{ ST_VERIFYING, ACTOR_STAFF, RM, { ST_READY, ST__MAX } },
		{ ST_VERIFYING, ACTOR_SYSTEM, 0, { ST_FIXING, ST__MAX } },
		{ ST_SCHEDULED, ACTOR_SYSTEM, 0, { ST_RELEASED, ST__MAX } },
		{ ST_SCHEDULED, ACTOR_STAFF, RM,
		    { ST_FIXING, ST_RELEASED, ST__MAX } },
		{ ST_CLOSED, ACTOR_STAFF, CORE_ROLES_ALL, { ST__MAX } },
		{ ST_DUPLICATE, ACTOR_STAFF, AN | EN, { ST_TRIAGE, ST__MAX } },
		{ ST__MAX, ACTOR_STAFF, CORE_ROLES_ALL, { ST__MAX } },
		{ ST_NEW, ACTOR__MAX, CORE_ROLES_ALL, { ST__MAX } },
	};
	const struct core_transition *out[CORE_TRANSITIONS_FROM_MAX];
	size_t i, j, n, want;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		for (want = 0; cases[i].to[want] != ST__MAX; want++)
			continue;
		n = core_transitions_from(cases[i].from, cases[i].actor,
		    cases[i].roles, out, NELEM(out));
		if (n != want)
			fail_msg("case %zu: %zu transitions, want %zu", i, n,
			    want);
		for (j = 0; j < n; j++) {
			assert_int_equal(out[j]->from, cases[i].from);
			assert_int_equal(out[j]->to, cases[i].to[j]);
		}
	}
	/* max limits what is stored. */
	n = core_transitions_from(ST_TRIAGE, ACTOR_STAFF, AN, out, 2);
	assert_int_equal(n, 2);
	assert_int_equal(out[0]->to, ST_NEEDS_INFO);
	assert_int_equal(out[1]->to, ST_CONFIRMED);
	assert_int_equal(core_transitions_from(ST_TRIAGE, ACTOR_STAFF, AN,
	    NULL, 0), 0);
}

/* core_transitions_from agrees with core_transition_check everywhere. */
static void
test_from_agrees(void **state)
{
	const struct core_transition *out[CORE_TRANSITIONS_FROM_MAX];
	unsigned roles;
	size_t n, j;
	int from, to, actor, listed;

	(void)state;
	for (from = 0; from < ST__MAX; from++)
	for (actor = 0; actor < 2; actor++)
	for (roles = 0; roles < 32; roles++) {
		n = core_transitions_from((enum core_state)from,
		    (enum core_actor_kind)actor, roles, out, NELEM(out));
		for (to = 0; to < ST__MAX; to++) {
			listed = 0;
			for (j = 0; j < n; j++)
				if ((int)out[j]->to == to)
					listed = 1;
			assert_int_equal(listed, core_transition_check(
			    (enum core_state)from, (enum core_state)to,
			    (enum core_actor_kind)actor, roles, "x",
			    NULL) == 0);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_complete),
		cmocka_unit_test(test_table_matches),
		cmocka_unit_test(test_every_pair),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_reachability),
		cmocka_unit_test(test_from),
		cmocka_unit_test(test_from_agrees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
