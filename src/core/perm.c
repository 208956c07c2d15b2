/* core/perm.c - see perm.h.  The permission matrix is the table
 * `actions' below: one row per action, the roles allowed as a bit set.
 * Every cell is checked by tests/unit/core/test_perm.c against a table
 * written out there independently; change both together. */
#include <string.h>

#include "perm.h"

#define AN	CORE_ROLE_BIT(ROLE_ANALYST)
#define EN	CORE_ROLE_BIT(ROLE_ENGINEER)
#define TE	CORE_ROLE_BIT(ROLE_TESTER)
#define RM	CORE_ROLE_BIT(ROLE_RELEASE_MANAGER)
#define AD	CORE_ROLE_BIT(ROLE_ADMIN)
#define STAFF	(AN | EN | TE | RM | AD)

static const char *const role_names[ROLE__MAX] = {
	[ROLE_ANALYST] = "analyst",
	[ROLE_ENGINEER] = "engineer",
	[ROLE_TESTER] = "tester",
	[ROLE_RELEASE_MANAGER] = "release_manager",
	[ROLE_ADMIN] = "admin",
};

static const struct {
	const char	*name;
	int		 public;	/* needs no staff account */
	core_roles	 roles;		/* staff roles allowed (non-public) */
} actions[ACT__MAX] = {
	/*
	 * Public: anyone, with or without an account.  track.* are further
	 * limited to the holder of the case's capability token, which the
	 * web layer checks; staff.login is the login form itself.
	 */
	[ACT_PUBLIC_VIEW] =	{ "public.view", 1, 0 },
	[ACT_REPORT_CREATE] =	{ "report.create", 1, 0 },
	[ACT_TRACK_VIEW] =	{ "track.view", 1, 0 },
	[ACT_TRACK_REPLY] =	{ "track.reply", 1, 0 },
	[ACT_STAFF_LOGIN] =	{ "staff.login", 1, 0 },

	/*
	 * Every staff role reads every case: engineers and testers need
	 * the report, the proof of concept and its attachments to do their
	 * work, and internal notes are how the roles talk to each other.
	 * case.transition only opens the door: the lifecycle table says
	 * which transitions each role may take.
	 */
	[ACT_STAFF_VIEW] =	{ "staff.view", 0, STAFF },
	[ACT_CASE_LIST] =	{ "case.list", 0, STAFF },
	[ACT_CASE_VIEW] =	{ "case.view", 0, STAFF },
	[ACT_CASE_TRANSITION] =	{ "case.transition", 0, STAFF },
	[ACT_CASE_NOTE] =	{ "case.note", 0, STAFF },
	[ACT_ATTACHMENT_VIEW] =	{ "attachment.view", 0, STAFF },

	/*
	 * Assigning work is a coordination job: the analyst who owns the
	 * case and the release manager who plans the release.  Engineers
	 * and testers do not assign (a tester must not pick the patch it
	 * will judge, nor an engineer its own tester).
	 */
	[ACT_CASE_ASSIGN] =	{ "case.assign", 0, AN | RM | AD },

	/* Severity drives SLA targets and publication: triage owns it. */
	[ACT_CASE_SCORE] =	{ "case.score", 0, AN | AD },

	/*
	 * Talking to the researcher: analysts, engineers (technical
	 * questions about the report) and release managers (dates).
	 * Testers do not: separation of duties keeps the independent
	 * tester's verdict free of outside influence, and the researcher's
	 * own verification of the fix is a separate step (verifying).
	 */
	[ACT_CASE_MESSAGE] =	{ "case.message", 0, AN | EN | RM | AD },

	/* Marking duplicates merges cases: a triage decision. */
	[ACT_CASE_DUPLICATE] =	{ "case.duplicate", 0, AN | AD },

	/* Accounts, API tokens and the audit log: admin only. */
	[ACT_USER_MANAGE] =	{ "user.manage", 0, AD },
	[ACT_TOKEN_MANAGE] =	{ "token.manage", 0, AD },
	[ACT_AUDIT_VIEW] =	{ "audit.view", 0, AD },

	/* Products and their test plans: every role reads them; the
	 * commands in a plan run on the test workers, so only release
	 * managers and admins write them. */
	[ACT_PRODUCT_VIEW] =	{ "product.view", 0, STAFF },
	[ACT_PRODUCT_MANAGE] =	{ "product.manage", 0, RM | AD },
	/* Engineers write patches; analysts and engineers collect the
	 * proofs of concept a patch is tested against. */
	[ACT_PATCH_UPLOAD] =	{ "patch.upload", 0, EN | AD },
	[ACT_POC_MANAGE] =	{ "poc.manage", 0, AN | EN | AD },
	[ACT_RUN_VIEW] =	{ "run.view", 0, STAFF },
	/* Independent testing: testers sign off (the store refuses a
	 * tester who wrote the patch, whatever the roles). */
	[ACT_TEST_SIGNOFF] =	{ "test.signoff", 0, TE | AD },
	/* The fix goes to the researcher from the analyst who talks to them
	 * or the release manager who plans the release (the same roles as
	 * the lifecycle's testing -> verifying): not from its engineer, not
	 * from the tester who judged it. */
	[ACT_VERIFY_SEND] =	{ "verify.send", 0, AN | RM | AD },
	/* Shipping without the researcher's word: release managers. */
	[ACT_VERIFY_WAIVE] =	{ "verify.waive", 0, RM | AD },
	/* Releases: every role sees the plan; release managers make it. */
	[ACT_RELEASE_VIEW] =	{ "release.view", 0, STAFF },
	[ACT_RELEASE_MANAGE] =	{ "release.manage", 0, RM | AD },
	/* Turnaround figures and the training report are for the whole
	 * team: they hold no report text beyond released cases. */
	[ACT_METRICS_VIEW] =	{ "metrics.view", 0, STAFF },
	/* The post-mortem is written by whoever knows the fix: engineers,
	 * the analyst who handled the case, the release manager. */
	[ACT_POSTMORTEM_WRITE] = { "postmortem.write", 0, AN | EN | RM | AD },
};

const char *
core_role_name(enum core_role r)
{
	if ((unsigned)r >= ROLE__MAX)
		return NULL;
	return role_names[r];
}

int
core_role_parse(const char *s)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < ROLE__MAX; i++)
		if (strcmp(s, role_names[i]) == 0)
			return i;
	return -1;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The role whose name is exactly the n bytes at s, or -1. */
static int
role_parse_n(const char *s, size_t n)
{
	int i;

	for (i = 0; i < ROLE__MAX; i++)
		if (strlen(role_names[i]) == n &&
		    memcmp(s, role_names[i], n) == 0)
			return i;
	return -1;
}

int
core_roles_parse(const char *s, core_roles *out)
{
	const char *p, *start, *end;
	core_roles set = 0;
	int r;

	if (s == NULL || out == NULL)
		return -1;
	p = s;
	for (;;) {
		while (is_blank(*p))
			p++;
		start = p;
		while (*p != '\0' && *p != ',')
			p++;
		end = p;
		while (end > start && is_blank(end[-1]))
			end--;
		if (end == start)
			return -1;		/* empty name */
		r = role_parse_n(start, (size_t)(end - start));
		if (r < 0)
			return -1;
		if (set & CORE_ROLE_BIT(r))
			return -1;		/* duplicate */
		set |= CORE_ROLE_BIT(r);
		if (*p == '\0')
			break;
		p++;				/* past ',' */
	}
	*out = set;
	return 0;
}

void
core_roles_format(core_roles roles, char *out, size_t outlen)
{
	size_t len = 0, n;
	int i;

	if (out == NULL || outlen == 0)
		return;
	/* Measure first: nothing is written unless all of it fits. */
	for (i = 0; i < ROLE__MAX; i++)
		if (roles & CORE_ROLE_BIT(i))
			len += (len > 0) + strlen(role_names[i]);
	if (len >= outlen) {
		out[0] = '\0';
		return;
	}
	len = 0;
	for (i = 0; i < ROLE__MAX; i++) {
		if (!(roles & CORE_ROLE_BIT(i)))
			continue;
		if (len > 0)
			out[len++] = ',';
		n = strlen(role_names[i]);
		memcpy(out + len, role_names[i], n);
		len += n;
	}
	out[len] = '\0';
}

const char *
core_action_name(enum core_action a)
{
	if ((unsigned)a >= ACT__MAX)
		return NULL;
	return actions[a].name;
}

int
core_action_parse(const char *s)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < ACT__MAX; i++)
		if (strcmp(s, actions[i].name) == 0)
			return i;
	return -1;
}

int
core_action_is_public(enum core_action a)
{
	if ((unsigned)a >= ACT__MAX)
		return 0;
	return actions[a].public;
}

int
core_perm_allows(core_roles roles, enum core_action a)
{
	if ((unsigned)a >= ACT__MAX)
		return 0;
	if (actions[a].public)
		return 1;
	return (roles & CORE_ROLES_ALL & actions[a].roles) != 0;
}
