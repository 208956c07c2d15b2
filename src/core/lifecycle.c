/* core/lifecycle.c - see lifecycle.h.  The table `transitions' below is
 * the lifecycle; tests/unit/core/test_lifecycle.c checks every
 * (from, to, role, actor) against a list written out there
 * independently, so a new transition goes into both. */
#include <string.h>

#include "lifecycle.h"

#define AN	CORE_ROLE_BIT(ROLE_ANALYST)
#define EN	CORE_ROLE_BIT(ROLE_ENGINEER)
#define TE	CORE_ROLE_BIT(ROLE_TESTER)
#define RM	CORE_ROLE_BIT(ROLE_RELEASE_MANAGER)
#define AD	CORE_ROLE_BIT(ROLE_ADMIN)

/* Labels as macros, so that the "cannot go" messages below are string
 * literals built at compile time (static, nothing formatted at run
 * time, safe from any thread). */
#define L_NEW		"New"
#define L_TRIAGE	"Triage"
#define L_NEEDS_INFO	"Needs information"
#define L_CONFIRMED	"Confirmed"
#define L_FIXING	"Fixing"
#define L_TESTING	"Testing"
#define L_VERIFYING	"Verifying"
#define L_READY		"Ready for release"
#define L_SCHEDULED	"Scheduled"
#define L_RELEASED	"Released"
#define L_CLOSED	"Closed"
#define L_REJECTED	"Rejected"
#define L_DUPLICATE	"Duplicate"
#define L_NOT_REPRO	"Not reproducible"

static const struct {
	const char	*name;
	const char	*label;
	int		 terminal;
} states[ST__MAX] = {
	[ST_NEW] =		{ "new", L_NEW, 0 },
	[ST_TRIAGE] =		{ "triage", L_TRIAGE, 0 },
	[ST_NEEDS_INFO] =	{ "needs_info", L_NEEDS_INFO, 0 },
	[ST_CONFIRMED] =	{ "confirmed", L_CONFIRMED, 0 },
	[ST_FIXING] =		{ "fixing", L_FIXING, 0 },
	[ST_TESTING] =		{ "testing", L_TESTING, 0 },
	[ST_VERIFYING] =	{ "verifying", L_VERIFYING, 0 },
	[ST_READY] =		{ "ready", L_READY, 0 },
	[ST_SCHEDULED] =	{ "scheduled", L_SCHEDULED, 0 },
	[ST_RELEASED] =		{ "released", L_RELEASED, 0 },
	[ST_CLOSED] =		{ "closed", L_CLOSED, 1 },
	[ST_REJECTED] =		{ "rejected", L_REJECTED, 1 },
	[ST_DUPLICATE] =	{ "duplicate", L_DUPLICATE, 1 },
	[ST_NOT_REPRODUCIBLE] =	{ "not_reproducible", L_NOT_REPRO, 1 },
};

/*
 * The lifecycle.  Admin may take every staff transition (break-glass);
 * it is written into each row so the table alone is the truth.
 * Separation of duties: the engineer who builds the patch sends it to
 * testing but cannot pass it (testing -> verifying is the tester's or
 * the analyst's); only the release manager opens the release gate.
 * The system actor takes a transition when the researcher replies, when
 * the researcher reports the fix does not work, and on the release
 * timer.
 */
static const struct core_transition transitions[] = {
	{ ST_NEW, ST_TRIAGE, AN | AD, 0, 0, "Start triage" },
	{ ST_NEW, ST_REJECTED, AN | AD, 0, 1, "Reject (spam/invalid)" },
	{ ST_NEW, ST_DUPLICATE, AN | AD, 0, 0, "Mark duplicate" },

	/* The reason of triage -> needs_info says what is missing; it is
	 * what the researcher is asked. */
	{ ST_TRIAGE, ST_NEEDS_INFO, AN | AD, 0, 1, "Request information" },
	{ ST_TRIAGE, ST_CONFIRMED, AN | AD, 0, 0, "Confirm" },
	{ ST_TRIAGE, ST_REJECTED, AN | AD, 0, 1, "Reject" },
	{ ST_TRIAGE, ST_DUPLICATE, AN | AD, 0, 0, "Mark duplicate" },
	{ ST_TRIAGE, ST_NOT_REPRODUCIBLE, AN | AD, 0, 1,
	    "Not reproducible" },

	/* System: the researcher replied.  The other two: the researcher
	 * never answered. */
	{ ST_NEEDS_INFO, ST_TRIAGE, AN | AD, 1, 0, "Back to triage" },
	{ ST_NEEDS_INFO, ST_REJECTED, AN | AD, 0, 1, "Reject (no answer)" },
	{ ST_NEEDS_INFO, ST_NOT_REPRODUCIBLE, AN | AD, 0, 1,
	    "Not reproducible" },

	{ ST_CONFIRMED, ST_FIXING, EN | AN | AD, 0, 0, "Start fixing" },

	{ ST_FIXING, ST_TESTING, EN | AD, 0, 0, "Send to testing" },

	{ ST_TESTING, ST_FIXING, TE | EN | AD, 0, 1, "Test failed" },
	{ ST_TESTING, ST_VERIFYING, AN | RM | AD, 0, 0,
	    "Send to researcher" },

	/* System: the researcher said the fix does not work; their words
	 * are the reason.  verifying -> ready is the release gate: a later
	 * rule in the core adds its conditions (passing independent test
	 * run signed off by a tester who is not the author, researcher
	 * verification or a written waiver); this row only says who. */
	{ ST_VERIFYING, ST_FIXING, AN | AD, 1, 1, "Not fixed" },
	{ ST_VERIFYING, ST_READY, RM | AD, 0, 0, "Ready for release" },

	/* System: the release calendar schedules and releases. */
	{ ST_READY, ST_SCHEDULED, RM | AD, 1, 0, "Schedule" },
	{ ST_READY, ST_FIXING, RM | AD, 0, 1, "Pull back" },
	{ ST_SCHEDULED, ST_FIXING, RM | AD, 0, 1, "Pull from release" },
	{ ST_SCHEDULED, ST_RELEASED, RM | AD, 1, 0, "Release" },

	/* The post-mortem requirement comes with the post-mortem issue. */
	{ ST_RELEASED, ST_CLOSED, RM | AD, 0, 0, "Close" },

	/* Reopening a decision needs its reason; closed is final. */
	{ ST_REJECTED, ST_TRIAGE, AN | AD, 0, 1, "Reopen" },
	{ ST_DUPLICATE, ST_TRIAGE, AN | AD, 0, 0, "Not a duplicate" },
	{ ST_NOT_REPRODUCIBLE, ST_TRIAGE, AN | AD, 0, 1, "Reopen" },
};

#define NTRANSITIONS	(sizeof(transitions) / sizeof(transitions[0]))

/* "This case cannot go from <from> to <to>." for every pair, indexed
 * [from][to]; the row order must follow enum core_state. */
#define NOGO(f, t)	"This case cannot go from " f " to " t "."
#define NOGO_ROW(f)	{ NOGO(f, L_NEW), NOGO(f, L_TRIAGE), \
	NOGO(f, L_NEEDS_INFO), NOGO(f, L_CONFIRMED), NOGO(f, L_FIXING), \
	NOGO(f, L_TESTING), NOGO(f, L_VERIFYING), NOGO(f, L_READY), \
	NOGO(f, L_SCHEDULED), NOGO(f, L_RELEASED), NOGO(f, L_CLOSED), \
	NOGO(f, L_REJECTED), NOGO(f, L_DUPLICATE), NOGO(f, L_NOT_REPRO) }

static const char *const nogo[ST__MAX][ST__MAX] = {
	[ST_NEW] = NOGO_ROW(L_NEW),
	[ST_TRIAGE] = NOGO_ROW(L_TRIAGE),
	[ST_NEEDS_INFO] = NOGO_ROW(L_NEEDS_INFO),
	[ST_CONFIRMED] = NOGO_ROW(L_CONFIRMED),
	[ST_FIXING] = NOGO_ROW(L_FIXING),
	[ST_TESTING] = NOGO_ROW(L_TESTING),
	[ST_VERIFYING] = NOGO_ROW(L_VERIFYING),
	[ST_READY] = NOGO_ROW(L_READY),
	[ST_SCHEDULED] = NOGO_ROW(L_SCHEDULED),
	[ST_RELEASED] = NOGO_ROW(L_RELEASED),
	[ST_CLOSED] = NOGO_ROW(L_CLOSED),
	[ST_REJECTED] = NOGO_ROW(L_REJECTED),
	[ST_DUPLICATE] = NOGO_ROW(L_DUPLICATE),
	[ST_NOT_REPRODUCIBLE] = NOGO_ROW(L_NOT_REPRO),
};

static const char msg_unknown_state[] = "Unknown case state.";
static const char msg_unknown_actor[] = "Unknown actor.";
static const char msg_same[] = "The case is already in this state.";
static const char msg_roles[] = "Your roles do not allow this transition.";
static const char msg_system[] =
    "This transition cannot be taken automatically.";
static const char msg_reason[] = "A reason is required.";

const char *
core_state_name(enum core_state s)
{
	if ((unsigned)s >= ST__MAX)
		return NULL;
	return states[s].name;
}

const char *
core_state_label(enum core_state s)
{
	if ((unsigned)s >= ST__MAX)
		return NULL;
	return states[s].label;
}

int
core_state_parse(const char *s)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < ST__MAX; i++)
		if (strcmp(s, states[i].name) == 0)
			return i;
	return -1;
}

int
core_state_is_terminal(enum core_state s)
{
	if ((unsigned)s >= ST__MAX)
		return 0;
	return states[s].terminal;
}

const struct core_transition *
core_transitions(size_t *n)
{
	if (n != NULL)
		*n = NTRANSITIONS;
	return transitions;
}

const struct core_transition *
core_transition_find(enum core_state from, enum core_state to)
{
	size_t i;

	for (i = 0; i < NTRANSITIONS; i++)
		if (transitions[i].from == from && transitions[i].to == to)
			return &transitions[i];
	return NULL;
}

/* 1 if this actor may take t (reason aside). */
static int
actor_may(const struct core_transition *t, enum core_actor_kind actor,
    core_roles roles)
{
	if (actor == ACTOR_SYSTEM)
		return t->system;
	if (!core_perm_allows(roles, ACT_CASE_TRANSITION))
		return 0;
	return (roles & CORE_ROLES_ALL & t->roles) != 0;
}

/* 1 if s holds something other than blanks. */
static int
has_text(const char *s)
{
	if (s == NULL)
		return 0;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 1;
	return 0;
}

int
core_transition_check(enum core_state from, enum core_state to,
    enum core_actor_kind actor, core_roles roles, const char *reason,
    const char **why)
{
	const struct core_transition *t;
	const char *msg;

	if ((unsigned)from >= ST__MAX || (unsigned)to >= ST__MAX)
		msg = msg_unknown_state;
	else if ((unsigned)actor >= ACTOR__MAX)
		msg = msg_unknown_actor;
	else if (from == to)
		msg = msg_same;
	else if ((t = core_transition_find(from, to)) == NULL)
		msg = nogo[from][to];
	else if (!actor_may(t, actor, roles))
		msg = actor == ACTOR_SYSTEM ? msg_system : msg_roles;
	else if (t->needs_reason && !has_text(reason))
		msg = msg_reason;
	else
		return 0;
	if (why != NULL)
		*why = msg;
	return -1;
}

size_t
core_transitions_from(enum core_state from, enum core_actor_kind actor,
    core_roles roles, const struct core_transition **out, size_t max)
{
	size_t i, n = 0;

	if ((unsigned)from >= ST__MAX || (unsigned)actor >= ACTOR__MAX)
		return 0;
	for (i = 0; i < NTRANSITIONS && n < max; i++)
		if (transitions[i].from == from &&
		    actor_may(&transitions[i], actor, roles))
			out[n++] = &transitions[i];
	return n;
}
