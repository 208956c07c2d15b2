/* tests/unit/core/test_perm.c - the permission matrix, cell by cell,
 * against a table written out here (not derived from perm.c), plus role
 * and action names, parsing and formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/perm.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The expected matrix.  Columns: analyst, engineer, tester,
 * release_manager, admin.  A public action is allowed to everybody,
 * with or without an account. */
static const struct {
	enum core_action a;
	const char	*name;
	int		 public;
	int		 allow[5];
} expect[] = {
	/*                                         AN EN TE RM AD */
	{ ACT_PUBLIC_VIEW, "public.view", 1,	{ 1, 1, 1, 1, 1 } },
	{ ACT_REPORT_CREATE, "report.create", 1, { 1, 1, 1, 1, 1 } },
	{ ACT_TRACK_VIEW, "track.view", 1,	{ 1, 1, 1, 1, 1 } },
	{ ACT_TRACK_REPLY, "track.reply", 1,	{ 1, 1, 1, 1, 1 } },
	{ ACT_STAFF_LOGIN, "staff.login", 1,	{ 1, 1, 1, 1, 1 } },
	{ ACT_STAFF_VIEW, "staff.view", 0,	{ 1, 1, 1, 1, 1 } },
	{ ACT_CASE_LIST, "case.list", 0,	{ 1, 1, 1, 1, 1 } },
	{ ACT_CASE_VIEW, "case.view", 0,	{ 1, 1, 1, 1, 1 } },
	{ ACT_CASE_TRANSITION, "case.transition", 0, { 1, 1, 1, 1, 1 } },
	{ ACT_CASE_ASSIGN, "case.assign", 0,	{ 1, 0, 0, 1, 1 } },
	{ ACT_CASE_SCORE, "case.score", 0,	{ 1, 0, 0, 0, 1 } },
	{ ACT_CASE_MESSAGE, "case.message", 0,	{ 1, 1, 0, 1, 1 } },
	{ ACT_CASE_NOTE, "case.note", 0,	{ 1, 1, 1, 1, 1 } },
	{ ACT_CASE_DUPLICATE, "case.duplicate", 0, { 1, 0, 0, 0, 1 } },
	{ ACT_ATTACHMENT_VIEW, "attachment.view", 0, { 1, 1, 1, 1, 1 } },
	{ ACT_USER_MANAGE, "user.manage", 0,	{ 0, 0, 0, 0, 1 } },
	{ ACT_TOKEN_MANAGE, "token.manage", 0,	{ 0, 0, 0, 0, 1 } },
	{ ACT_AUDIT_VIEW, "audit.view", 0,	{ 0, 0, 0, 0, 1 } },
	{ ACT_PRODUCT_VIEW, "product.view", 0,	{ 1, 1, 1, 1, 1 } },
	{ ACT_PRODUCT_MANAGE, "product.manage", 0, { 0, 0, 0, 1, 1 } },
	{ ACT_PATCH_UPLOAD, "patch.upload", 0,	{ 0, 1, 0, 0, 1 } },
	{ ACT_POC_MANAGE, "poc.manage", 0,	{ 1, 1, 0, 0, 1 } },
	{ ACT_RUN_VIEW, "run.view", 0,		{ 1, 1, 1, 1, 1 } },
	{ ACT_TEST_SIGNOFF, "test.signoff", 0,	{ 0, 0, 1, 0, 1 } },
	{ ACT_VERIFY_SEND, "verify.send", 0,	{ 1, 0, 0, 1, 1 } },
	{ ACT_VERIFY_WAIVE, "verify.waive", 0,	{ 0, 0, 0, 1, 1 } },
	{ ACT_RELEASE_VIEW, "release.view", 0,	{ 1, 1, 1, 1, 1 } },
	{ ACT_RELEASE_MANAGE, "release.manage", 0, { 0, 0, 0, 1, 1 } },
	{ ACT_METRICS_VIEW, "metrics.view", 0, { 1, 1, 1, 1, 1 } },
	{ ACT_POSTMORTEM_WRITE, "postmortem.write", 0, { 1, 1, 0, 1, 1 } },
};

static const struct {
	enum core_role	 r;
	const char	*name;
} role_names[] = {
	{ ROLE_ANALYST, "analyst" },
	{ ROLE_ENGINEER, "engineer" },
	{ ROLE_TESTER, "tester" },
	{ ROLE_RELEASE_MANAGER, "release_manager" },
	{ ROLE_ADMIN, "admin" },
};

/* Expected verdict for a set, from the table above. */
static int
expect_allows(size_t row, unsigned set)
{
	size_t r;

	if (expect[row].public)
		return 1;
	for (r = 0; r < 5; r++)
		if ((set & (1u << r)) && expect[row].allow[r])
			return 1;
	return 0;
}

static void
test_table_complete(void **state)
{
	size_t i;

	(void)state;
	assert_int_equal(NELEM(expect), ACT__MAX);
	assert_int_equal(NELEM(role_names), ROLE__MAX);
	assert_int_equal(ROLE__MAX, 5);
	for (i = 0; i < NELEM(expect); i++)
		assert_int_equal(expect[i].a, (int)i);
	for (i = 0; i < NELEM(role_names); i++)
		assert_int_equal(role_names[i].r, (int)i);
	assert_int_equal(CORE_ROLES_ALL, 0x1f);
}

/* Every cell: one role at a time. */
static void
test_every_cell(void **state)
{
	size_t i, r;

	(void)state;
	for (i = 0; i < NELEM(expect); i++)
		for (r = 0; r < ROLE__MAX; r++) {
			int want = expect[i].public || expect[i].allow[r];
			int got = core_perm_allows(CORE_ROLE_BIT(r),
			    expect[i].a);
			if (got != want)
				fail_msg("%s as %s: got %d, want %d",
				    expect[i].name, role_names[r].name, got,
				    want);
		}
}

/* No account: public actions only. */
static void
test_no_role(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(expect); i++) {
		assert_int_equal(core_perm_allows(0, expect[i].a),
		    expect[i].public);
		/* Bits above the known roles count for nothing. */
		assert_int_equal(core_perm_allows(1u << ROLE__MAX,
		    expect[i].a), expect[i].public);
		assert_int_equal(core_perm_allows(~CORE_ROLES_ALL,
		    expect[i].a), expect[i].public);
	}
}

/* Every set of roles: allowed if any member is. */
static void
test_every_set(void **state)
{
	unsigned set;
	size_t i;

	(void)state;
	for (set = 0; set < 32; set++)
		for (i = 0; i < NELEM(expect); i++)
			if (core_perm_allows(set, expect[i].a) !=
			    expect_allows(i, set))
				fail_msg("%s with roles 0x%x", expect[i].name,
				    set);
}

static void
test_multi_role(void **state)
{
	core_roles et = CORE_ROLE_BIT(ROLE_ENGINEER) |
	    CORE_ROLE_BIT(ROLE_TESTER);
	core_roles tr = CORE_ROLE_BIT(ROLE_TESTER) |
	    CORE_ROLE_BIT(ROLE_RELEASE_MANAGER);

	(void)state;
	assert_true(core_perm_allows(et, ACT_CASE_MESSAGE));
	assert_false(core_perm_allows(et, ACT_CASE_ASSIGN));
	assert_false(core_perm_allows(et, ACT_CASE_SCORE));
	assert_true(core_perm_allows(tr, ACT_CASE_ASSIGN));
	assert_true(core_perm_allows(tr, ACT_CASE_MESSAGE));
	assert_false(core_perm_allows(tr, ACT_CASE_DUPLICATE));
	assert_false(core_perm_allows(tr, ACT_USER_MANAGE));
	assert_true(core_perm_allows(CORE_ROLES_ALL, ACT_AUDIT_VIEW));
}

static void
test_out_of_range(void **state)
{
	(void)state;
	assert_false(core_perm_allows(CORE_ROLES_ALL, ACT__MAX));
	assert_false(core_perm_allows(CORE_ROLES_ALL, (enum core_action)-1));
	assert_false(core_action_is_public(ACT__MAX));
	assert_false(core_action_is_public((enum core_action)-1));
	assert_null(core_action_name(ACT__MAX));
	assert_null(core_action_name((enum core_action)-1));
	assert_null(core_role_name(ROLE__MAX));
	assert_null(core_role_name((enum core_role)-1));
}

static void
test_action_names(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(expect); i++) {
		assert_string_equal(core_action_name(expect[i].a),
		    expect[i].name);
		assert_int_equal(core_action_parse(expect[i].name),
		    expect[i].a);
		assert_int_equal(core_action_is_public(expect[i].a),
		    expect[i].public);
	}
	assert_int_equal(core_action_parse(NULL), -1);
	assert_int_equal(core_action_parse(""), -1);
	assert_int_equal(core_action_parse("case"), -1);
	assert_int_equal(core_action_parse("Case.view"), -1);
	assert_int_equal(core_action_parse("case.view "), -1);
	assert_int_equal(core_action_parse("case_view"), -1);
}

static void
test_role_names(void **state)
{
	static const char *const bad[] = {
		"", "Admin", "ADMIN", " admin", "admin ", "release-manager",
		"releasemanager", "root", "reporter", "analyst,tester",
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(role_names); i++) {
		assert_string_equal(core_role_name(role_names[i].r),
		    role_names[i].name);
		assert_int_equal(core_role_parse(role_names[i].name),
		    role_names[i].r);
	}
	assert_int_equal(core_role_parse(NULL), -1);
	for (i = 0; i < NELEM(bad); i++)
		if (core_role_parse(bad[i]) != -1)
			fail_msg("role \"%s\" accepted", bad[i]);
}

static void
test_roles_parse(void **state)
{
	static const struct {
		const char	*in;
		core_roles	 want;
	} good[] = {
		{ "analyst", 0x01 },
		{ "admin", 0x10 },
		{ "analyst,tester", 0x05 },
		{ "tester,analyst", 0x05 },
		{ " analyst , tester ", 0x05 },
		{ "analyst,\ttester", 0x05 },
		{ "release_manager,engineer", 0x0a },
		{ "admin,release_manager,tester,engineer,analyst", 0x1f },
	};
	static const char *const bad[] = {
		"", " ", ",", "Admin", "analyst,,x", "analyst,,tester",
		"analyst,", ",analyst", "analyst,analyst",
		"analyst, tester ,analyst", "analyst tester", "analyst;tester",
		"root", "analyst,root", "admin,Admin", "analyst,\n",
	};
	core_roles r;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(good); i++) {
		r = 0xdead;
		if (core_roles_parse(good[i].in, &r) != 0)
			fail_msg("\"%s\" rejected", good[i].in);
		assert_int_equal(r, good[i].want);
	}
	for (i = 0; i < NELEM(bad); i++) {
		r = 0xdead;
		if (core_roles_parse(bad[i], &r) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_int_equal(r, 0xdead);	/* untouched */
	}
	assert_int_equal(core_roles_parse(NULL, &r), -1);
	assert_int_equal(core_roles_parse("admin", NULL), -1);
}

static void
test_roles_format(void **state)
{
	static const struct {
		core_roles	 in;
		const char	*want;
	} cases[] = {
		{ 0, "" },
		{ 0x01, "analyst" },
		{ 0x05, "analyst,tester" },
		{ 0x18, "release_manager,admin" },
		{ 0x1f, "analyst,engineer,tester,release_manager,admin" },
		{ 0x20 | 0x02, "engineer" },	/* unknown bits dropped */
	};
	char buf[CORE_ROLES_FMTLEN];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		memset(buf, 'x', sizeof(buf));
		core_roles_format(cases[i].in, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
}

/* Every set formats and parses back to itself. */
static void
test_roles_round_trip(void **state)
{
	char buf[CORE_ROLES_FMTLEN];
	core_roles set, back;

	(void)state;
	for (set = 1; set < 32; set++) {
		core_roles_format(set, buf, sizeof(buf));
		assert_true(strlen(buf) > 0);
		assert_int_equal(core_roles_parse(buf, &back), 0);
		assert_int_equal(back, set);
	}
	core_roles_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	assert_int_equal(core_roles_parse(buf, &back), -1);
}

/* Too small a buffer gives "", never a partial list or an overflow. */
static void
test_roles_format_small(void **state)
{
	char buf[32];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	core_roles_format(0x05, buf, 15);	/* "analyst,tester" + NUL */
	assert_string_equal(buf, "analyst,tester");
	memset(buf, 'x', sizeof(buf));
	core_roles_format(0x05, buf, 14);
	assert_string_equal(buf, "");
	assert_int_equal(buf[1], 'x');
	memset(buf, 'x', sizeof(buf));
	core_roles_format(0x05, buf, 8);	/* "analyst" fits, not more */
	assert_string_equal(buf, "");
	memset(buf, 'x', sizeof(buf));
	core_roles_format(0x01, buf, 1);
	assert_string_equal(buf, "");
	memset(buf, 'x', sizeof(buf));
	core_roles_format(0x01, buf, 0);
	assert_int_equal(buf[0], 'x');
	core_roles_format(0x01, NULL, 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_complete),
		cmocka_unit_test(test_every_cell),
		cmocka_unit_test(test_no_role),
		cmocka_unit_test(test_every_set),
		cmocka_unit_test(test_multi_role),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_action_names),
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_roles_parse),
		cmocka_unit_test(test_roles_format),
		cmocka_unit_test(test_roles_round_trip),
		cmocka_unit_test(test_roles_format_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
