/* web/testing.c - see testing.h.  The rules of independent patch testing
 * and researcher verification, for pages and API alike: the permission
 * table first (a denial is audited and looks like 404), then the input,
 * then the state of the case, then one store call (which writes the event
 * and the audit row in the same transaction). */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/gate.h"
#include "core/lifecycle.h"
#include "core/report.h"
#include "util/log.h"
#include "testing.h"

/* ---- small helpers ---- */

static int
deny(struct req *r, enum core_action a, const struct store_case *c)
{
	web_audit(r, "permission.denied", c ? c->id : 0, util_arena_printf(
	    &r->arena, "%s %s (%s)", r->method, r->url, core_action_name(a)));
	web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	return STAFF_REPLIED;
}

static int
unavailable(struct req *r)
{
	web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	return STAFF_REPLIED;
}

static int
blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* Text of 0..max bytes (NULL counts as ""). */
static int
text_ok(const char *s, size_t max, int multiline)
{
	size_t n;

	if (s == NULL)
		return 1;
	n = strlen(s);
	return n <= max && core_text_ok(s, n, multiline);
}

/* 1 if s[0..len) is valid UTF-8 without NUL (any other character is
 * fine: diffs carry form feeds and escape sequences). */
static int
utf8_no_nul(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	unsigned c, need, min;

	while (p < end) {
		c = *p++;
		if (c == 0)
			return 0;
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			min = 0x80;
			c &= 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			min = 0x800;
			c &= 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			min = 0x10000;
			c &= 0x07;
		} else
			return 0;
		if ((size_t)(end - p) < need)
			return 0;
		for (; need > 0; need--, p++) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (*p & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
	}
	return 1;
}

static int
starts(const char *line, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(end - line) >= n && memcmp(line, prefix, n) == 0;
}

/* The next line after the one starting at p, or end. */
static const char *
next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

const char *
web_testing_diff_check(const char *d, size_t len)
{
	const char *p, *end = d + len, *l2, *l3;

	if (len == 0)
		return "The patch is empty.";
	if (len > TESTING_MAX_DIFF)
		return "The patch is larger than 5 MiB.";
	if (!utf8_no_nul(d, len))
		return "The patch must be UTF-8 text without NUL bytes.";
	for (p = d; p < end; p = next_line(p, end)) {
		if (!starts(p, end, "--- "))
			continue;
		l2 = next_line(p, end);
		if (l2 >= end || !starts(l2, end, "+++ "))
			continue;
		l3 = next_line(l2, end);
		if (l3 < end && starts(l3, end, "@@ "))
			return NULL;
	}
	return "This is not a unified diff: expected a \"--- \" line, then "
	    "\"+++ \", then a \"@@ \" hunk header (diff -u or git diff).";
}

const char *
web_testing_ref_check(const char *ref)
{
	size_t n, i;

	if (ref == NULL || (n = strlen(ref)) == 0)
		return "Give the git ref (a branch, tag or commit).";
	if (n > TESTING_MAX_REF)
		return "The git ref is longer than 200 characters.";
	if (ref[0] == '-')
		return "A git ref cannot start with \"-\".";
	if (strstr(ref, "..") != NULL)
		return "A git ref cannot contain \"..\".";
	for (i = 0; i < n; i++) {
		char c = ref[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '/' || c == '-'))
			return "A git ref may contain only letters, digits "
			    "and . _ / -";
	}
	return NULL;
}

const char *
web_testing_oracle_check(const char *o)
{
	regex_t re;
	size_t n;

	if (o == NULL || *o == '\0')
		return "Choose the oracle: crash, nonzero or match:REGEX.";
	if (strcmp(o, "crash") == 0 || strcmp(o, "nonzero") == 0)
		return NULL;
	if (strncmp(o, "match:", 6) != 0)
		return "The oracle must be crash, nonzero or match:REGEX.";
	n = strlen(o + 6);
	if (n == 0 || n > TESTING_MAX_REGEX)
		return "The oracle's regular expression must have 1 to 200 "
		    "characters.";
	if (!core_text_ok(o + 6, n, 0))
		return "The oracle's regular expression must be one line of "
		    "text.";
	if (regcomp(&re, o + 6, REG_EXTENDED | REG_NOSUB) != 0)
		return "The oracle's regular expression is not a valid POSIX "
		    "extended regular expression.";
	regfree(&re);
	return NULL;
}

/* ---- the case's product ---- */

const char *
web_case_product(const struct store_case *c)
{
	return strcmp(c->field[RF_PRODUCT], "other") == 0 ?
	    c->field[RF_PRODUCT_OTHER] : c->field[RF_PRODUCT];
}

int
web_case_plan(struct req *r, const struct store_case *c,
    struct store_product_plan *plan, struct store_version **v, size_t *nv)
{
	const char *name = web_case_product(c);
	int rc;

	*v = NULL;
	*nv = 0;
	if (name == NULL || *name == '\0')
		return STORE_NONE;
	rc = store_product_by_name(r->app->store, name, &r->arena, plan);
	if (rc != STORE_OK)
		return rc;
	/* a product of the report form without a test plan */
	if (plan->test_cmd == NULL || *plan->test_cmd == '\0' ||
	    plan->poc_cmd == NULL || *plan->poc_cmd == '\0')
		return STORE_NONE;
	if (store_versions(r->app->store, plan->id, &r->arena, v, nv) !=
	    STORE_OK)
		return STORE_ERR;
	return STORE_OK;
}

/* ---- the gate ---- */

static enum gate_run
run_state(const char *s)
{
	int k = core_gate_run_parse(s);

	return k < 0 ? GATE_RUN_ERROR : (enum gate_run)k;
}

int
web_gate_facts(struct req *r, const struct store_case *c,
    struct web_gate_facts *f)
{
	struct store_patch *p = NULL;
	struct store_run *runs = NULL;
	size_t np = 0, nr = 0, i, k;
	int rc, queued = 0, running = 0, error = 0, failed = 0;
	int regs = 1, before = 1, after = 1, sfail = 0, spass = 0, author = 0;

	memset(f, 0, sizeof(*f));
	if (store_patches(r->app->store, c->id, &r->arena, &p, &np) !=
	    STORE_OK)
		return -1;
	if (np > 0) {
		f->has_patch = 1;
		f->patch = p[0];
	}
	f->in.has_patch = f->has_patch;
	if (!f->has_patch) {
		core_gate_check(&f->in, &f->res);
		return 0;
	}
	if (store_runs_for_case(r->app->store, c->id, &r->arena, &runs,
	    &nr) != STORE_OK)
		return -1;
	f->runs = nr ? util_arena_alloc(&r->arena, nr * sizeof(*runs)) :
	    NULL;
	if (nr > 0 && f->runs == NULL)
		return -1;
	/* the latest run of the current revision per version (newest
	 * first from the store) */
	for (i = 0; i < nr; i++) {
		if (runs[i].patch_id != f->patch.id)
			continue;
		for (k = 0; k < f->nruns; k++)
			if (f->runs[k].version_id == runs[i].version_id)
				break;
		if (k < f->nruns)
			continue;
		f->runs[f->nruns++] = runs[i];
	}
	if (f->nruns > 0) {
		f->has_run = 1;
		f->run = f->runs[0];
	}
	f->in.run = GATE_RUN_NONE;
	for (i = 0; i < f->nruns; i++) {
		const struct store_run *u = &f->runs[i];

		switch (run_state(u->status)) {
		case GATE_RUN_QUEUED: queued = 1; break;
		case GATE_RUN_RUNNING: running = 1; break;
		case GATE_RUN_FAILED: failed = 1; break;
		case GATE_RUN_PASSED: break;
		default: error = 1; break;
		}
		regs &= u->regressions_ok != 0;
		before &= u->pocs_before_ok != 0;
		after &= u->pocs_after_ok != 0;
		if (u->signoff != NULL && strcmp(u->signoff, "fail") == 0)
			sfail = 1;
		else if (u->signoff != NULL && strcmp(u->signoff, "pass") == 0) {
			spass++;
			if (u->signer_id == f->patch.author_id)
				author = 1;
		}
	}
	if (f->nruns > 0)
		f->in.run = running ? GATE_RUN_RUNNING : queued ?
		    GATE_RUN_QUEUED : error ? GATE_RUN_ERROR : failed ?
		    GATE_RUN_FAILED : GATE_RUN_PASSED;
	f->in.run_regressions_ok = regs;
	f->in.run_pocs_reproduced_before = before;
	f->in.run_pocs_fixed_after = after;
	f->in.signoff = sfail ? GATE_SIGNOFF_FAIL : (f->nruns > 0 &&
	    (size_t)spass == f->nruns) ? GATE_SIGNOFF_PASS : GATE_SIGNOFF_NONE;
	f->in.signer_is_author = author;

	rc = store_verification_current(r->app->store, c->id, &r->arena,
	    &f->ver);
	if (rc == STORE_ERR || rc == STORE_RETRY)
		return -1;
	f->in.verify = GATE_VERIFY_NONE;
	if (rc == STORE_OK && f->ver.patch_id == f->patch.id) {
		f->has_verification = 1;
		if (f->ver.waived_at != 0 || (f->ver.waive_reason != NULL &&
		    *f->ver.waive_reason != '\0')) {
			f->in.verify = GATE_VERIFY_WAIVED;
			f->in.waiver_has_reason = !blank(f->ver.waive_reason);
			/* only verify.waive (release managers, admins)
			 * can write one */
			f->in.waiver_by_release_manager = 1;
		} else if (f->ver.answer == NULL || *f->ver.answer == '\0')
			f->in.verify = GATE_VERIFY_SENT;
		else if (strcmp(f->ver.answer, "fixed") == 0)
			f->in.verify = GATE_VERIFY_FIXED;
		else if (strcmp(f->ver.answer, "not_fixed") == 0)
			f->in.verify = GATE_VERIFY_NOT_FIXED;
		else
			f->in.verify = GATE_VERIFY_BROKE;
		f->deadline_passed = f->ver.deadline != 0 &&
		    time(NULL) > f->ver.deadline;
	}
	core_gate_check(&f->in, &f->res);
	f->tested = core_gate_tested(&f->in);
	return 0;
}

int
web_gate(struct req *r, const struct store_case *c,
    struct core_gate_result *res)
{
	struct web_gate_facts f;

	if (web_gate_facts(r, c, &f) == -1) {
		memset(res, 0, sizeof(*res));
		return -1;
	}
	*res = f.res;
	return 0;
}

/* ---- patches and proofs of concept ---- */

int
web_testing_patch_add(struct req *r, const struct store_case *c,
    const char *kind, const char *content, size_t content_len,
    const char *note, const char *const *versions, size_t nversions,
    int64_t *idp, int *revp, const char **msg)
{
	struct store_product_plan plan;
	struct store_version *v = NULL;
	struct store_actor who;
	const char *why, *body;
	int64_t *ids, id = 0;
	size_t nv = 0, nids = 0, i, k;
	int rc, rev = 0, st;

	if (!web_staff_may(r, ACT_PATCH_UPLOAD))
		return deny(r, ACT_PATCH_UPLOAD, c);
	if (kind == NULL || (strcmp(kind, "diff") != 0 &&
	    strcmp(kind, "gitref") != 0)) {
		*msg = "Choose the kind of patch: an uploaded diff or a git "
		    "ref.";
		return STAFF_REFUSED;
	}
	if (content == NULL)
		content = "";
	if (strcmp(kind, "diff") == 0) {
		if ((why = web_testing_diff_check(content, content_len)) !=
		    NULL) {
			*msg = why;
			return STAFF_REFUSED;
		}
		body = content;
	} else {
		if (content_len != strlen(content) ||
		    (why = web_testing_ref_check(content)) != NULL) {
			*msg = content_len != strlen(content) ?
			    "A git ref cannot contain NUL." : why;
			return STAFF_REFUSED;
		}
		body = content;
	}
	if (!text_ok(note, TESTING_MAX_NOTE, 1)) {
		*msg = "The note must be text of at most 8 KiB.";
		return STAFF_REFUSED;
	}
	st = core_state_parse(c->state);
	if (st < 0 || core_state_is_terminal(st)) {
		*msg = "This case is over: it takes no more patches.";
		return TESTING_CONFLICT;
	}
	rc = web_case_plan(r, c, &plan, &v, &nv);
	if (rc == STORE_NONE) {
		*msg = util_arena_printf(&r->arena, "The product \"%s\" has no "
		    "test plan: add it under Products first.",
		    web_case_product(c));
		return TESTING_CONFLICT;
	}
	if (rc != STORE_OK)
		return unavailable(r);
	if (nversions == 0) {
		*msg = "Choose at least one version of the product to test.";
		return STAFF_REFUSED;
	}
	if ((ids = util_arena_alloc(&r->arena, (nversions + 1) *
	    sizeof(*ids))) == NULL)
		return unavailable(r);
	for (i = 0; i < nversions; i++) {
		for (k = 0; k < nv; k++)
			if (versions[i] != NULL &&
			    strcmp(v[k].name, versions[i]) == 0)
				break;
		if (k == nv) {
			*msg = util_arena_printf(&r->arena, "%s has no version "
			    "\"%.100s\".", plan.name, versions[i] ?
			    versions[i] : "");
			return STAFF_REFUSED;
		}
		for (id = 0; id < (int64_t)nids; id++)
			if (ids[id] == v[k].id)
				break;
		if (id == (int64_t)nids)
			ids[nids++] = v[k].id;
	}
	web_staff_actor(r, &who);
	rc = store_patch_add(r->app->store, c->id, kind, body, note ? note :
	    "", ids, nids, &who, time(NULL), &id, &rev);
	if (rc != STORE_OK)
		return unavailable(r);
	log_info("case %s: patch revision %d (%s) by %s", c->tracking_id, rev,
	    kind, who.name);
	if (idp)
		*idp = id;
	if (revp)
		*revp = rev;
	return STAFF_OK;
}

int
web_testing_poc_add(struct req *r, const struct store_case *c,
    const char *name, const void *data, size_t size, int64_t attachment_id,
    int64_t *idp, const char **msg)
{
	struct store_attachment a;
	struct store_actor who;
	char *clean;
	int64_t id = 0;
	int rc;

	if (!web_staff_may(r, ACT_POC_MANAGE))
		return deny(r, ACT_POC_MANAGE, c);
	if (data == NULL) {
		if (attachment_id <= 0) {
			*msg = "Upload the proof of concept, or pick one of "
			    "the researcher's files.";
			return STAFF_REFUSED;
		}
		rc = store_attachment_get(r->app->store, c->id, attachment_id,
		    &r->arena, &a);
		if (rc == STORE_NONE) {
			*msg = "That file is not attached to this case.";
			return STAFF_REFUSED;
		}
		if (rc != STORE_OK)
			return unavailable(r);
		name = a.filename;
		data = a.data;
		size = a.size;
	}
	if (size == 0) {
		*msg = "The proof of concept is empty.";
		return STAFF_REFUSED;
	}
	if (size > TESTING_MAX_POC) {
		*msg = "The proof of concept is larger than 16 MiB.";
		return STAFF_REFUSED;
	}
	if ((clean = util_arena_alloc(&r->arena, 512)) == NULL)
		return unavailable(r);
	core_filename_sanitize(name ? name : "", clean, 512);
	web_staff_actor(r, &who);
	rc = store_poc_add(r->app->store, c->id, clean, data, size, &who,
	    time(NULL), &id);
	if (rc != STORE_OK)
		return unavailable(r);
	if (idp)
		*idp = id;
	return STAFF_OK;
}

/* ---- runs and sign-off ---- */

int
web_testing_run(struct req *r, const char *param, struct store_run *run,
    struct store_case *c)
{
	char *end;
	long long id;
	int rc;

	if (param == NULL || param[0] < '1' || param[0] > '9' ||
	    strlen(param) > 18) {
		web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
		return STAFF_REPLIED;
	}
	id = strtoll(param, &end, 10);
	if (*end != '\0' || id <= 0) {
		web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
		return STAFF_REPLIED;
	}
	rc = store_run_get(r->app->store, id, &r->arena, run);
	if (rc == STORE_OK)
		rc = store_case_get(r->app->store, run->case_id, &r->arena, c);
	if (rc == STORE_NONE) {
		web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
		return STAFF_REPLIED;
	}
	if (rc != STORE_OK)
		return unavailable(r);
	return STAFF_OK;
}

int
web_testing_is_author(struct req *r, const struct store_run *run)
{
	struct store_patch p;

	if (store_patch_get(r->app->store, run->patch_id, &r->arena, &p) !=
	    STORE_OK)
		return 1;	/* when in doubt, not this tester */
	return p.author_id == r->user_id;
}

static int
run_finished(const char *s)
{
	return s != NULL && (strcmp(s, "passed") == 0 ||
	    strcmp(s, "failed") == 0 || strcmp(s, "error") == 0);
}

int
web_testing_signoff(struct req *r, const struct store_case *c,
    const struct store_run *run, const char *verdict, const char *comment,
    const char **msg)
{
	struct store_actor who;
	int rc;

	if (!web_staff_may(r, ACT_TEST_SIGNOFF))
		return deny(r, ACT_TEST_SIGNOFF, c);
	if (!run_finished(run->status)) {
		*msg = "The run has not finished yet.";
		return TESTING_CONFLICT;
	}
	if (web_testing_is_author(r, run)) {
		web_audit(r, "signoff.refused", c->id, util_arena_printf(
		    &r->arena, "run %lld: the signer wrote the patch",
		    (long long)run->id));
		*msg = "You wrote this patch: another tester must sign it off.";
		return TESTING_CONFLICT;
	}
	if (run->signoff != NULL && *run->signoff != '\0') {
		*msg = "This run is already signed off.";
		return TESTING_CONFLICT;
	}
	if (verdict == NULL || (strcmp(verdict, "pass") != 0 &&
	    strcmp(verdict, "fail") != 0)) {
		*msg = "Choose the verdict: pass or fail.";
		return STAFF_REFUSED;
	}
	if (blank(comment) || !text_ok(comment, TESTING_MAX_COMMENT, 1)) {
		*msg = "Write a comment: text of at most 8 KiB.";
		return STAFF_REFUSED;
	}
	web_staff_actor(r, &who);
	rc = store_run_signoff(r->app->store, run->id, r->user_id, verdict,
	    comment, &who, time(NULL));
	if (rc == STORE_NONE) {
		*msg = "The run changed in the meantime; reload and try again.";
		return TESTING_CONFLICT;
	}
	if (rc != STORE_OK)
		return unavailable(r);
	log_info("run %lld: signed off %s by %s", (long long)run->id, verdict,
	    who.name);
	return STAFF_OK;
}

/* ---- researcher verification ---- */

int
web_testing_verify_send(struct req *r, const struct store_case *c,
    long days, const char **msg)
{
	struct web_gate_facts f;
	struct store_actor who;
	struct store_notify n;
	time_t now = time(NULL), deadline;
	const char *body;
	int st, rc;

	if (!web_staff_may(r, ACT_VERIFY_SEND))
		return deny(r, ACT_VERIFY_SEND, c);
	if (days < 1 || days > TESTING_MAX_DEADLINE) {
		*msg = "The deadline must be 1 to 90 days.";
		return STAFF_REFUSED;
	}
	if (web_gate_facts(r, c, &f) == -1)
		return unavailable(r);
	if (!f.tested) {
		*msg = f.res.nunmet > 0 ? util_arena_printf(&r->arena,
		    "The current patch revision is not tested: %s",
		    f.res.unmet[0]) : "The current patch revision is not "
		    "tested.";
		return TESTING_CONFLICT;
	}
	st = core_state_parse(c->state);
	if (st == ST_TESTING) {
		rc = web_staff_transition(r, c, "verifying",
		    "Sent to the researcher for verification.", msg);
		if (rc == STAFF_REPLIED)
			return rc;
		if (rc == STAFF_REFUSED)
			return TESTING_CONFLICT;
	} else if (st != ST_VERIFYING) {
		*msg = "Only a case in testing or verifying can be sent to "
		    "the researcher.";
		return TESTING_CONFLICT;
	}
	deadline = now + (time_t)days * 86400;
	body = util_arena_printf(&r->arena, "Patch revision %d of %s is "
	    "ready for your verification. Please tell us on your tracking "
	    "page by %s whether it fixes the issue.", f.patch.revision,
	    c->tracking_id, web_fmt_time(r, deadline));
	web_staff_actor(r, &who);
	rc = store_verification_send(r->app->store, c->id, f.patch.id,
	    deadline, &who, web_notify(r, &n, "verification", body, NULL),
	    now, NULL);
	if (rc == STORE_NONE) {
		*msg = "The case changed in the meantime; reload and try again.";
		return TESTING_CONFLICT;
	}
	if (rc != STORE_OK)
		return unavailable(r);
	log_info("case %s: revision %d sent for verification by %s",
	    c->tracking_id, f.patch.revision, who.name);
	return STAFF_OK;
}

int
web_testing_waive(struct req *r, const struct store_case *c,
    const char *reason, const char **msg)
{
	struct web_gate_facts f;
	struct store_actor who;
	int rc;

	if (!web_staff_may(r, ACT_VERIFY_WAIVE))
		return deny(r, ACT_VERIFY_WAIVE, c);
	if (blank(reason) || !text_ok(reason, TESTING_MAX_REASON, 1)) {
		*msg = "Write the reason for waiving: text of at most 8 KiB.";
		return STAFF_REFUSED;
	}
	if (web_gate_facts(r, c, &f) == -1)
		return unavailable(r);
	if (!f.has_verification) {
		*msg = "The current patch revision has not been sent to the "
		    "researcher.";
		return TESTING_CONFLICT;
	}
	if (f.in.verify == GATE_VERIFY_WAIVED) {
		*msg = "Verification is already waived.";
		return TESTING_CONFLICT;
	}
	if (f.in.verify != GATE_VERIFY_SENT) {
		*msg = "The researcher has answered; there is nothing to waive.";
		return TESTING_CONFLICT;
	}
	if (!f.deadline_passed) {
		*msg = util_arena_printf(&r->arena, "The researcher has until "
		    "%s to answer; verification can be waived only after "
		    "that.", web_fmt_time(r, f.ver.deadline));
		return TESTING_CONFLICT;
	}
	web_staff_actor(r, &who);
	rc = store_verification_waive(r->app->store, f.ver.id, reason, &who,
	    time(NULL));
	if (rc == STORE_NONE) {
		*msg = "The verification changed in the meantime; reload and "
		    "try again.";
		return TESTING_CONFLICT;
	}
	if (rc != STORE_OK)
		return unavailable(r);
	return STAFF_OK;
}

/* ---- products and test plans ---- */

static const char *
version_name_check(const char *s)
{
	size_t n, i;

	if (s == NULL || (n = strlen(s)) == 0 || n > 100)
		return "A version name has 1 to 100 characters.";
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-' || c == '+'))
			return "A version name may contain only letters, "
			    "digits and . _ - +";
	}
	return NULL;
}

static const char *
version_ref_check(const char *s)
{
	if (s == NULL || *s == '\0')
		return NULL;	/* the source as it is */
	if (strlen(s) > 1024 || !core_text_ok(s, strlen(s), 0))
		return "A version's ref or tarball is one line of at most "
		    "1024 bytes.";
	if (s[0] == '-')
		return "A version's ref cannot start with \"-\".";
	return NULL;
}

int
web_testing_product_set(struct req *r, const struct web_product_in *in,
    int64_t *idp, const char **msg)
{
	struct store_product_plan p;
	struct store_version *have = NULL;
	size_t nhave = 0, i, k;
	const char *why;
	int64_t id = 0;

	if (!web_staff_may(r, ACT_PRODUCT_MANAGE))
		return deny(r, ACT_PRODUCT_MANAGE, NULL);
	if (blank(in->name) || !text_ok(in->name, 200, 0)) {
		*msg = "Give the product's name: one line of at most 200 bytes.";
		return STAFF_REFUSED;
	}
	if (!text_ok(in->vendor, 200, 0)) {
		*msg = "The vendor is one line of at most 200 bytes.";
		return STAFF_REFUSED;
	}
	if (blank(in->source) || !text_ok(in->source, 1024, 0) ||
	    in->source[0] == '-') {
		*msg = "Give the source: a git repository URL or a folder on "
		    "this host (one line).";
		return STAFF_REFUSED;
	}
	if (!text_ok(in->build, TESTING_MAX_CMD, 0) ||
	    !text_ok(in->test, TESTING_MAX_CMD, 0) ||
	    !text_ok(in->poc, TESTING_MAX_CMD, 0)) {
		*msg = "Each command is one line of at most 4 KiB.";
		return STAFF_REFUSED;
	}
	if (blank(in->test)) {
		*msg = "Give the command that runs the regression suite.";
		return STAFF_REFUSED;
	}
	if (blank(in->poc) || strstr(in->poc, "{poc}") == NULL) {
		*msg = "Give the command that runs a proof of concept; {poc} "
		    "stands for the file.";
		return STAFF_REFUSED;
	}
	if ((why = web_testing_oracle_check(in->oracle)) != NULL) {
		*msg = why;
		return STAFF_REFUSED;
	}
	for (i = 0; i < in->nversions; i++) {
		if ((why = version_name_check(in->vname[i])) != NULL ||
		    (why = version_ref_check(in->vref[i])) != NULL) {
			*msg = why;
			return STAFF_REFUSED;
		}
		for (k = 0; k < i; k++)
			if (strcmp(in->vname[k], in->vname[i]) == 0) {
				*msg = "A version is listed twice.";
				return STAFF_REFUSED;
			}
	}
	memset(&p, 0, sizeof(p));
	p.name = in->name;
	p.vendor = in->vendor ? in->vendor : "";
	p.source = in->source;
	p.build_cmd = in->build ? in->build : "";
	p.test_cmd = in->test;
	p.poc_cmd = in->poc;
	p.oracle = in->oracle;
	if (store_product_plan_set(r->app->store, &p, time(NULL), &id) !=
	    STORE_OK)
		return unavailable(r);
	if (web_audit(r, "product.plan", 0, util_arena_printf(&r->arena,
	    "product %lld %s", (long long)id, in->name)) == -1)
		return unavailable(r);
	if (in->nversions > 0 && store_versions(r->app->store, id, &r->arena,
	    &have, &nhave) != STORE_OK)
		return unavailable(r);
	for (i = 0; i < in->nversions; i++) {
		for (k = 0; k < nhave; k++)
			if (strcmp(have[k].name, in->vname[i]) == 0)
				break;
		if (k < nhave)
			continue;	/* already there */
		if (store_version_add(r->app->store, id, in->vname[i],
		    in->vref[i] ? in->vref[i] : "", time(NULL), NULL) !=
		    STORE_OK)
			return unavailable(r);
	}
	if (idp)
		*idp = id;
	return STAFF_OK;
}

int
web_testing_version_add(struct req *r, int64_t product_id, const char *name,
    const char *ref, const char **msg)
{
	struct store_version *have = NULL;
	size_t nhave = 0, k;
	const char *why;

	if (!web_staff_may(r, ACT_PRODUCT_MANAGE))
		return deny(r, ACT_PRODUCT_MANAGE, NULL);
	if ((why = version_name_check(name)) != NULL ||
	    (why = version_ref_check(ref)) != NULL) {
		*msg = why;
		return STAFF_REFUSED;
	}
	if (store_versions(r->app->store, product_id, &r->arena, &have,
	    &nhave) != STORE_OK)
		return unavailable(r);
	for (k = 0; k < nhave; k++)
		if (strcmp(have[k].name, name) == 0) {
			*msg = "That version exists already.";
			return TESTING_CONFLICT;
		}
	if (store_version_add(r->app->store, product_id, name, ref ? ref : "",
	    time(NULL), NULL) != STORE_OK)
		return unavailable(r);
	if (web_audit(r, "product.version", 0, util_arena_printf(&r->arena,
	    "product %lld version %s", (long long)product_id, name)) == -1)
		return unavailable(r);
	return STAFF_OK;
}

/* ---- JSON ---- */

static json_t *
str(const char *s)
{
	return json_string(s ? s : "");
}

static json_t *
when(time_t t)
{
	return t ? json_integer((json_int_t)t) : json_null();
}

/* s[0..len) as a JSON-safe string: invalid UTF-8, NUL and control
 * characters other than \t \n \r become U+FFFD. */
static json_t *
text_json(struct req *r, const char *s, size_t len)
{
	struct buf b;
	json_t *j;
	size_t i, n;
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL)
		return json_string("");
	util_buf_init(&b, 3 * len + 16);
	for (i = 0; i < len; ) {
		unsigned char c = p[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
			    c == 0x7f)
				util_buf_puts(&b, "\xef\xbf\xbd");
			else
				util_buf_putc(&b, (char)c);
			i++;
			continue;
		}
		n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 :
		    c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		if (n == 0 || i + n > len || !utf8_no_nul(s + i, n)) {
			util_buf_puts(&b, "\xef\xbf\xbd");
			i++;
			continue;
		}
		util_buf_append(&b, s + i, n);
		i += n;
	}
	(void)r;
	j = b.failed ? json_string("") : json_stringn(b.data ? b.data : "",
	    b.len);
	util_buf_release(&b);
	return j ? j : json_string("");
}

json_t *
web_run_json(struct req *r, const struct store_run *u)
{
	json_t *o, *so = json_null();

	if (u->signoff != NULL && *u->signoff != '\0')
		so = json_pack("{s:s,s:I,s:o,s:o}", "verdict", u->signoff,
		    "signer_id", (json_int_t)u->signer_id, "signer",
		    str(u->signer), "comment", str(u->signoff_comment));
	o = json_pack("{s:I,s:I,s:i,s:I,s:o,s:o,s:o,s:o,s:o,s:b,s:b,s:b,"
	    "s:o,s:o,s:o,s:o}",
	    "id", (json_int_t)u->id, "patch_id", (json_int_t)u->patch_id,
	    "revision", u->revision,
	    "version_id", (json_int_t)u->version_id,
	    "version", str(u->version), "status", str(u->status),
	    "queued_at", when(u->queued_at), "started_at", when(u->started_at),
	    "finished_at", when(u->finished_at),
	    "regressions_ok", u->regressions_ok,
	    "pocs_before_ok", u->pocs_before_ok,
	    "pocs_after_ok", u->pocs_after_ok,
	    "summary", str(u->summary),
	    "regression_of", u->regression_of && *u->regression_of ?
	    str(u->regression_of) : json_null(),
	    "signoff", so,
	    "href", json_string(util_arena_printf(&r->arena, "/runs/%lld",
	    (long long)u->id)));
	return o;
}

json_t *
web_step_json(struct req *r, const struct store_step *s)
{
	return json_pack("{s:I,s:i,s:o,s:o,s:i,s:i,s:b,s:b,s:f,s:o}",
	    "id", (json_int_t)s->id, "seq", s->seq, "name", str(s->name),
	    "verdict", str(s->verdict), "exit_status", s->exit_status,
	    "signal", s->signal, "timed_out", s->timed_out,
	    "truncated", s->truncated, "duration", s->duration,
	    "output", text_json(r, s->output, s->output ? s->output_len : 0));
}

json_t *
web_verification_json(struct req *r, const struct store_verification *v)
{
	const char *state;

	(void)r;
	if (v->waived_at != 0 || (v->waive_reason && *v->waive_reason))
		state = "waived";
	else if (v->answer == NULL || *v->answer == '\0')
		state = "sent";
	else
		state = v->answer;
	return json_pack("{s:I,s:I,s:i,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
	    "s:o}",
	    "id", (json_int_t)v->id, "patch_id", (json_int_t)v->patch_id,
	    "revision", v->revision, "state", state,
	    "sent_at", when(v->sent_at), "deadline", when(v->deadline),
	    "reminded_at", when(v->reminded_at),
	    "answer", v->answer && *v->answer ? str(v->answer) : json_null(),
	    "answered_at", when(v->answered_at), "notes", str(v->notes),
	    "waived_by", v->waived_by && *v->waived_by ? str(v->waived_by) :
	    json_null(), "waive_reason", str(v->waive_reason),
	    "waived_at", when(v->waived_at));
}

json_t *
web_plan_json(struct req *r, const struct store_product_plan *p,
    const struct store_version *v, size_t nv)
{
	json_t *a = json_array();
	size_t i;

	(void)r;
	for (i = 0; i < nv; i++)
		json_array_append_new(a, json_pack("{s:I,s:o,s:o}", "id",
		    (json_int_t)v[i].id, "name", str(v[i].name), "ref",
		    str(v[i].ref)));
	return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
	    "id", (json_int_t)p->id, "name", str(p->name),
	    "vendor", str(p->vendor), "source", str(p->source),
	    "build", str(p->build_cmd), "test", str(p->test_cmd),
	    "poc", str(p->poc_cmd), "oracle", str(p->oracle),
	    "versions", a);
}

json_t *
web_gate_json(struct req *r, const struct web_gate_facts *f)
{
	json_t *unmet = json_array(), *runs = json_array();
	size_t i;

	for (i = 0; i < f->res.nunmet; i++)
		json_array_append_new(unmet, json_string(f->res.unmet[i]));
	for (i = 0; i < f->nruns; i++)
		json_array_append_new(runs, web_run_json(r, &f->runs[i]));
	return json_pack("{s:b,s:o,s:b,s:o,s:o,s:o,s:o}",
	    "ok", f->res.ok, "unmet", unmet, "tested", f->tested,
	    "current_revision", f->has_patch ?
	    json_integer(f->patch.revision) : json_null(),
	    "run", f->has_run ? web_run_json(r, &f->run) : json_null(),
	    "runs", runs,
	    "verification", f->has_verification ?
	    web_verification_json(r, &f->ver) : json_null());
}

const char *
web_run_status_label(const char *s)
{
	if (s == NULL)
		return "";
	if (strcmp(s, "queued") == 0)
		return "Queued";
	if (strcmp(s, "running") == 0)
		return "Running";
	if (strcmp(s, "passed") == 0)
		return "Passed";
	if (strcmp(s, "failed") == 0)
		return "Failed";
	if (strcmp(s, "error") == 0)
		return "Error";
	return s;
}

const char *
web_run_status_class(const char *s)
{
	static const char *const names[] = { "queued", "running", "passed",
	    "failed", "error" };
	size_t i;

	for (i = 0; s != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return names[i];
	return "error";
}
