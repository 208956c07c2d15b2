/* cli/cmd_demo.c - `vigil demo`: loads a small, realistic data set (the
 * products a researcher can pick and a few reports in different shapes),
 * and on a database without accounts creates an admin account whose
 * one-time password is printed once.  Loading twice adds nothing. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/report.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/crypto.h"
#include "util/log.h"
#include "cli.h"

static const struct {
	const char *name, *vendor;
} products[] = {
	{ "Vigil Demo Router", "Example Networks" },
	{ "libtinyparse", "Example Networks" },
	{ "Acme Customer Portal", "Acme Corp" },
	{ "Acme Mobile App", "Acme Corp" },
};

struct demo_case {
	const char *field[RF__MAX];
	const char *attachment_name;
	const char *attachment;
};

static const struct demo_case cases[] = {
	{ .field = {
	    [RF_REPORTER_NAME] = "Ada Researcher",
	    [RF_REPORTER_EMAIL] = "ada@research.example",
	    [RF_CREDIT] = "Ada R. of Example Labs",
	    [RF_PRODUCT] = "libtinyparse",
	    [RF_VERSIONS] = "1.4.0 - 1.4.2",
	    [RF_CWE] = "CWE-787",
	    [RF_IMPACT] = "rce",
	    [RF_TITLE] = "Heap buffer overflow in tp_parse_header()",
	    [RF_DESCRIPTION] = "`tp_parse_header()` copies the header name "
	    "into a fixed 64-byte buffer without checking its length.\n\n"
	    "A header name longer than 64 bytes overwrites the heap.",
	    [RF_STEPS] = "1. Build libtinyparse 1.4.2 with ASan.\n"
	    "2. Run `tp_cat poc.txt`.\n3. ASan reports a heap-buffer-overflow "
	    "write in tp_parse_header.",
	    [RF_POC] = "python3 -c 'print(\"A\"*200 + \": x\")' > poc.txt",
	    [RF_ROOT_CAUSE] = "The length check compares against the "
	    "destination size minus one only for values, not for names.",
	    [RF_PUBLICLY_KNOWN] = "no",
	    [RF_EXPLOITED] = "no",
	    [RF_DISCLOSURE_PLANS] = "I plan to publish a write-up 90 days "
	    "after this report.",
	    [RF_DISCLOSURE_DATE] = "2027-03-01",
	    [RF_CVSS_VECTOR] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  }, "poc.txt",
	  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	  "AAAAAAAAAAAAAAAA: x\n" },
	{ .field = {
	    [RF_REPORTER_NAME] = "",
	    [RF_REPORTER_EMAIL] = "anon@mail.example",
	    [RF_CREDIT] = "anonymous",
	    [RF_PRODUCT] = "Acme Customer Portal",
	    [RF_VERSIONS] = "portal.acme.example as of 2026-11",
	    [RF_CWE] = "CWE-79",
	    [RF_IMPACT] = "spoofing",
	    [RF_TITLE] = "Stored XSS in the support ticket subject",
	    [RF_DESCRIPTION] = "The ticket subject is rendered without "
	    "escaping on the agent dashboard, so a customer can run script "
	    "in an agent's session.",
	    [RF_STEPS] = "1. Open a ticket with the subject "
	    "`<img src=x onerror=alert(document.domain)>`.\n2. Log in as an "
	    "agent and open the dashboard.",
	    [RF_PUBLICLY_KNOWN] = "no",
	    [RF_EXPLOITED] = "no",
	  }, NULL, NULL },
	{ .field = {
	    [RF_REPORTER_NAME] = "Bo Tester",
	    [RF_REPORTER_EMAIL] = "bo@example.org",
	    [RF_PRODUCT] = "other",
	    [RF_PRODUCT_OTHER] = "Acme Legacy FTP Gateway",
	    [RF_VERSIONS] = "3.x",
	    [RF_CWE] = "unknown",
	    [RF_IMPACT] = "dos",
	    [RF_TITLE] = "Gateway crashes on a long USER command",
	    [RF_DESCRIPTION] = "Sending a USER command of a few kilobytes "
	    "makes the gateway restart.",
	    [RF_PUBLICLY_KNOWN] = "yes",
	    [RF_EXPLOITED] = "no",
	  }, NULL, NULL },
};

static int
create_admin(struct store *st)
{
	struct store_user_new u;
	char pw[32], hash[256];
	int rc;

	util_password_new(pw, sizeof(pw));
	if (util_password_hash(hash, sizeof(hash), pw) == -1) {
		log_err("cannot hash the admin password");
		return -1;
	}
	memset(&u, 0, sizeof(u));
	u.email = "admin@vigil.localhost";
	u.name = "Administrator";
	u.roles = "admin";
	u.password_hash = hash;
	u.now = time(NULL);
	u.must_change = 1;
	rc = store_user_add(st, &u, NULL);
	if (rc != STORE_OK)
		return rc == STORE_NONE ? 0 : -1;
	printf("admin account: %s\none-time password: %s\n"
	    "(shown once; it must be changed at the first sign-in)\n",
	    u.email, pw);
	return 0;
}

/* Reads a small file of the demo tree; NULL if missing. */
static char *
slurp(struct arena *a, const char *dir, const char *name, size_t *lenp)
{
	char path[PATH_MAX], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    n > 1024 * 1024 || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = util_arena_alloc(a, (size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	if (lenp != NULL)
		*lenp = (size_t)n;
	return buf;
}

/*
 * Independent patch testing, shown on the demo's first case: the
 * product libtinyparse gets the test plan of demo/tinyparse (a small C
 * library with a real stack overflow and a regression suite), the case
 * the researcher's proof of concept, and an engineer three patch
 * revisions: one that misses the PoC, one that breaks a regression test
 * and a correct one.  The worker tests them on its own.
 */
static int
demo_testing(struct store *st, const struct config *cfg, int64_t case_id)
{
	struct store_product_plan pl;
	struct store_user_new u;
	struct store_actor who;
	struct store_user eng;
	struct arena a;
	char src[PATH_MAX], pw[32], hash[256];
	const char *names[3] = { "misses-poc.diff", "breaks-tests.diff",
	    "correct.diff" };
	const char *notes[3] = { "Make the name buffer larger.",
	    "Reject long names; normalise header names.",
	    "Reject header names longer than the buffer." };
	const char *steps[3][2] = { { "new", "triage" }, { "triage",
	    "confirmed" }, { "confirmed", "fixing" } };
	int64_t pid, vid;
	size_t len;
	char *poc, *diff;
	int i, rc = -1;

	(void)cfg;
	if (realpath("demo/tinyparse", src) == NULL) {
		printf("demo/tinyparse not found here: no patch-testing demo\n");
		return 0;
	}
	util_arena_init(&a, 0);
	memset(&pl, 0, sizeof(pl));
	pl.name = "libtinyparse";
	pl.vendor = "Example Networks";
	pl.source = src;
	pl.build_cmd = "make";
	pl.test_cmd = "make check";
	pl.poc_cmd = "./tp_cat {poc}";
	pl.oracle = "crash";
	if (store_product_plan_set(st, &pl, time(NULL), &pid) != STORE_OK ||
	    store_version_add(st, pid, "1.4.2", "", time(NULL), &vid) !=
	    STORE_OK)
		goto out;
	util_password_new(pw, sizeof(pw));
	if (util_password_hash(hash, sizeof(hash), pw) == -1)
		goto out;
	memset(&u, 0, sizeof(u));
	u.email = "engineer@vigil.localhost";
	u.name = "Demo Engineer";
	u.roles = "engineer";
	u.password_hash = hash;
	u.now = time(NULL);
	u.must_change = 1;
	if (store_user_add(st, &u, NULL) == STORE_ERR ||
	    store_user_by_email(st, u.email, &a, &eng) != STORE_OK)
		goto out;
	who.user_id = eng.id;
	who.name = eng.email;
	for (i = 0; i < 3; i++)
		store_case_transition(st, case_id, steps[i][0], steps[i][1],
		    &who, "demo", NULL, time(NULL));
	if ((poc = slurp(&a, src, "poc/long-name.txt", &len)) == NULL ||
	    store_poc_add(st, case_id, "long-name.txt", poc, len, &who,
	    time(NULL), NULL) != STORE_OK)
		goto out;
	for (i = 0; i < 3; i++) {
		char name[64];
		snprintf(name, sizeof(name), "patches/%s", names[i]);
		if ((diff = slurp(&a, src, name, NULL)) == NULL ||
		    store_patch_add(st, case_id, "diff", diff, notes[i], &vid,
		    1, &who, time(NULL) + i, NULL, NULL) != STORE_OK)
			goto out;
	}
	printf("demo patch testing: 3 patch revisions of VR case %lld queued "
	    "for the worker\n", (long long)case_id);
	rc = 0;
out:
	util_arena_release(&a);
	return rc;
}

int
cmd_demo(struct cli *c, int argc, char *argv[])
{
	struct store *st;
	struct store_new_case nc;
	struct store_case_created out;
	struct store_attachment att;
	struct core_report rep;
	char token[UTIL_TOKEN_CHARS + 1];
	const char *f[RF__MAX];
	size_t i, nh;
	int k, rc = 1, users, ncases;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: vigil demo\n");
		return 2;
	}
	if (cli_ensure_db_dir(c->cfg.db_url) == -1 ||
	    (st = cli_store_open(c)) == NULL)
		return 1;
	if (store_migrate(st) < 0)
		goto out;
	users = store_user_count(st);
	ncases = store_case_count(st);
	for (i = 0; i < sizeof(products) / sizeof(products[0]); i++)
		if (store_product_add(st, products[i].name, products[i].vendor,
		    time(NULL), NULL) == STORE_ERR)
			goto out;
	if (users == 0 && create_admin(st) == -1)
		goto out;
	if (ncases > 0) {
		printf("demo data already present (%d cases)\n", ncases);
		rc = 0;
		goto out;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (k = 0; k < RF__MAX; k++) {
			f[k] = cases[i].field[k] ? cases[i].field[k] : "";
			rep.field[k] = cases[i].field[k];
		}
		memset(&att, 0, sizeof(att));
		rep.attachments = NULL;
		rep.nattachments = 0;
		memset(&nc, 0, sizeof(nc));
		if (cases[i].attachment != NULL) {
			att.filename = cases[i].attachment_name;
			att.content_type = "text/plain";
			att.data = cases[i].attachment;
			att.size = strlen(cases[i].attachment);
			util_sha256_hex(att.sha256, att.data, att.size);
			nc.attachments = &att;
			nc.nattachments = 1;
		}
		nc.tracking_prefix = c->cfg.tracking_prefix;
		nc.channel = "web";
		nc.now = time(NULL) - (time_t)(3 - i) * 86400;
		nc.state = "new";
		nc.due_at = nc.now + (time_t)c->cfg.sla_triage * 86400;
		nc.field = f;
		nc.tier = (int)core_report_tier(&rep, NULL, 0, &nh);
		util_token_new(token, nc.token_hash);
		if (store_case_create(st, &nc, &out) != STORE_OK)
			goto out;
		printf("demo case %s: /track/%s\n", out.tracking_id, token);
		if (i == 0 && demo_testing(st, &c->cfg, out.id) == -1)
			goto out;
	}
	rc = 0;
out:
	store_close(st);
	return rc;
}
