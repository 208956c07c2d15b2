/* core/lifecycle.h - the case lifecycle (DESIGN.md section 1) as one
 * table: the states, the allowed transitions, the roles that may take
 * each, whether the system may take it and whether it needs a written
 * reason.  Pages, API, e-mail and the worker all ask
 * core_transition_check() before changing a case's state; nothing
 * writes a state directly.  Pure: libc only, static data.
 *
 *   new -> triage -> confirmed -> fixing -> testing -> verifying -> ready
 *       -> scheduled -> released -> closed
 *   triage <-> needs_info; testing/verifying/ready/scheduled -> fixing;
 *   new/triage/needs_info -> rejected | duplicate | not_reproducible,
 *   which can be reopened to triage.  closed is final. */
#ifndef CORE_LIFECYCLE_H
#define CORE_LIFECYCLE_H
#include <stddef.h>

#include "perm.h"

enum core_state {
	ST_NEW,
	ST_TRIAGE,
	ST_NEEDS_INFO,
	ST_CONFIRMED,
	ST_FIXING,
	ST_TESTING,
	ST_VERIFYING,
	ST_READY,
	ST_SCHEDULED,
	ST_RELEASED,
	ST_CLOSED,
	ST_REJECTED,
	ST_DUPLICATE,
	ST_NOT_REPRODUCIBLE,
	ST__MAX
};

/* "new", "triage", "needs_info", ..., "not_reproducible" (stored and
 * API names); NULL if s is out of range. */
const char	*core_state_name(enum core_state s);
/* "New", "Triage", "Needs information", ... for staff pages; NULL if s
 * is out of range. */
const char	*core_state_label(enum core_state s);
/* The state named exactly s, or -1. */
int		 core_state_parse(const char *s);
/* 1 for closed, rejected, duplicate and not_reproducible (the case is
 * over, though the last three can be reopened); else 0. */
int		 core_state_is_terminal(enum core_state s);

enum core_actor_kind {
	ACTOR_STAFF,	/* a person with roles */
	ACTOR_SYSTEM,	/* automatic: researcher reply, worker, release timer */
	ACTOR__MAX
};

struct core_transition {
	enum core_state	 from, to;
	core_roles	 roles;		/* staff roles allowed (admin in all) */
	int		 system;	/* 1 if the system actor may take it */
	int		 needs_reason;	/* 1 if a written reason is mandatory */
	const char	*label;		/* button text, e.g. "Start triage" */
};

/* Most transitions out of any one state: sizes core_transitions_from()'s
 * out array. */
#define CORE_TRANSITIONS_FROM_MAX	8

/* The whole table, grouped by from-state in lifecycle order; *n gets
 * its length (n may be NULL). */
const struct core_transition *core_transitions(size_t *n);
/* The table entry for from -> to, whoever takes it, or NULL if there is
 * none. */
const struct core_transition *core_transition_find(enum core_state from,
		    enum core_state to);
/* Checks a proposed transition.  Returns 0 if allowed; otherwise -1 and
 * *why (why may be NULL) is a static message for the person, e.g.
 * "This case cannot go from New to Released.", "Your roles do not allow
 * this transition.", "A reason is required.".  For ACTOR_SYSTEM, roles
 * is ignored.  reason may be NULL or ""; blanks alone do not count. */
int		 core_transition_check(enum core_state from,
		    enum core_state to, enum core_actor_kind actor,
		    core_roles roles, const char *reason, const char **why);
/* Stores in out (at most max entries) the transitions from `from' that
 * this actor may take, in table order, and returns how many it stored.
 * A reason is not checked here: see needs_reason.  For the UI's
 * buttons; max = CORE_TRANSITIONS_FROM_MAX always suffices. */
size_t		 core_transitions_from(enum core_state from,
		    enum core_actor_kind actor, core_roles roles,
		    const struct core_transition **out, size_t max);

#endif
