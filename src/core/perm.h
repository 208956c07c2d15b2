/* core/perm.h - staff roles and the permission matrix: which role may
 * perform which action.  One table (role x action) in perm.c and one
 * function that reads it.  Pure: libc only, static data.
 *
 * Researchers have no role: they act through public actions (the report
 * form, their /track/<token> link) and see only their own cases, which
 * the capability token, not this matrix, enforces.  Which state change a
 * staff member may make is decided by the lifecycle table (lifecycle.h);
 * here case.transition only says "may use the transition buttons". */
#ifndef CORE_PERM_H
#define CORE_PERM_H
#include <stddef.h>

enum core_role {
	ROLE_ANALYST,		/* triage, researcher contact, scoring */
	ROLE_ENGINEER,		/* builds patches */
	ROLE_TESTER,		/* tests patches independently */
	ROLE_RELEASE_MANAGER,	/* release gate, schedule, release */
	ROLE_ADMIN,		/* everything, plus users, tokens, audit */
	ROLE__MAX
};

/* A set of roles: bit (1u << role) for each role held.  0 = no staff
 * account (a researcher or an anonymous visitor).  Bits at or above
 * ROLE__MAX are ignored by every function below. */
typedef unsigned core_roles;

#define CORE_ROLE_BIT(r)	(1u << (unsigned)(r))
#define CORE_ROLES_ALL		((1u << ROLE__MAX) - 1u)
/* Enough room for core_roles_format() of every role, NUL included. */
#define CORE_ROLES_FMTLEN	64

/* "analyst", "engineer", "tester", "release_manager", "admin";
 * NULL if r is out of range. */
const char	*core_role_name(enum core_role r);
/* The role named exactly s (case-sensitive), or -1. */
int		 core_role_parse(const char *s);
/* Parses a comma-separated list such as "analyst,tester" (blanks around
 * names tolerated) into *out.  Returns 0, or -1 (and leaves *out alone)
 * if s is NULL or empty, a name is unknown or empty, or one repeats. */
int		 core_roles_parse(const char *s, core_roles *out);
/* Writes the roles as "analyst,tester" (canonical enum order, no blanks)
 * into out, always NUL-terminated when outlen > 0.  If the list does not
 * fit, out is "" (never a partial list); CORE_ROLES_FMTLEN always fits. */
void		 core_roles_format(core_roles roles, char *out, size_t outlen);

enum core_action {
	ACT_PUBLIC_VIEW,	/* public pages, advisories, feeds */
	ACT_REPORT_CREATE,	/* submit a report */
	ACT_TRACK_VIEW,		/* researcher's view of own case (token) */
	ACT_TRACK_REPLY,	/* researcher's reply on own case (token) */
	ACT_STAFF_LOGIN,	/* the login form itself */
	ACT_STAFF_VIEW,		/* any staff page: dashboard, logout, own account */
	ACT_CASE_LIST,
	ACT_CASE_VIEW,
	ACT_CASE_TRANSITION,	/* then the lifecycle table decides per transition */
	ACT_CASE_ASSIGN,
	ACT_CASE_SCORE,		/* CVSS, severity */
	ACT_CASE_MESSAGE,	/* a message to the researcher */
	ACT_CASE_NOTE,		/* an internal note */
	ACT_CASE_DUPLICATE,	/* link a case as duplicate of another */
	ACT_ATTACHMENT_VIEW,
	ACT_USER_MANAGE,
	ACT_TOKEN_MANAGE,
	ACT_AUDIT_VIEW,
	ACT_PRODUCT_VIEW,	/* products, versions, test plans */
	ACT_PRODUCT_MANAGE,	/* add or change products and test plans */
	ACT_PATCH_UPLOAD,	/* attach a patch revision to a case */
	ACT_POC_MANAGE,		/* add a proof of concept to a case */
	ACT_RUN_VIEW,		/* test runs and their logs */
	ACT_TEST_SIGNOFF,	/* sign off a test run (never one's own patch) */
	ACT_VERIFY_SEND,	/* send the fix to the researcher to verify */
	ACT_VERIFY_WAIVE,	/* waive the researcher's verification */
	ACT_RELEASE_VIEW,	/* the release planner, advisory drafts */
	ACT_RELEASE_MANAGE,	/* create releases, add cases, edit and
				 * correct advisories, publish */
	ACT_METRICS_VIEW,	/* turnaround dashboard and its API, /metrics,
				 * the training report */
	ACT_POSTMORTEM_WRITE,	/* write a released case's post-mortem */
	ACT__MAX
};

/* Dotted names: "public.view", "case.transition", ...; NULL if a is out
 * of range. */
const char	*core_action_name(enum core_action a);
/* The action named exactly s, or -1. */
int		 core_action_parse(const char *s);
/* 1 if the action needs no staff account (public.view, report.create,
 * track.view, track.reply, staff.login), else 0 (also when out of
 * range). */
int		 core_action_is_public(enum core_action a);
/* 1 if any role in roles may perform a.  Public actions: always 1.
 * roles == 0 (no account): public actions only.  0 if a is out of
 * range. */
int		 core_perm_allows(core_roles roles, enum core_action a);

#endif
