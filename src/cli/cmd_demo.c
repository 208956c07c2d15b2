/* cli/cmd_demo.c - `vigil demo [--history N] [--seed S]`: loads a small,
 * realistic data set (the products a researcher can pick and a few
 * reports in different shapes), and on a database without accounts
 * creates an admin account whose one-time password is printed once.
 * Loading twice adds nothing.
 *
 * --history N also adds N generated cases spread over the two years
 * before now (demo_history.c), with their events, verifications,
 * releases and post-mortems, so the turnaround dashboard and the
 * training report have something to show; on a database that already
 * has the demo too (each run adds N more).  --seed S picks another
 * history; the default seed is fixed, so runs are reproducible. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/calendar.h"
#include "core/report.h"
#include "publish/calendar_load.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/crypto.h"
#include "util/log.h"
#include "cli.h"
#include "demo_history.h"

#define HISTORY_MAX	10000000	/* cases per run */
#define HISTORY_BATCH	2000		/* cases per store_history_add() */
#define HISTORY_SEED	20260707u	/* the default --seed */
#define MAX_WINDOWS	2000

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

/* ---- vigil demo --history ---- */

/* Parses a decimal number 0..max; 0 or -1. */
static int
parse_num(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

/* Adds the history's products that the store does not have yet. */
static int
ensure_products(struct store *st, time_t now)
{
	struct store_product *have;
	struct arena a;
	const char *name, *vendor;
	size_t nhave, i, k;
	int rc = -1;

	util_arena_init(&a, 0);
	if (store_products_list(st, &a, &have, &nhave) == STORE_ERR)
		goto out;
	for (i = 0; (name = cli_history_product(i, &vendor)) != NULL; i++) {
		for (k = 0; k < nhave; k++)
			if (strcmp(have[k].name, name) == 0)
				break;
		if (k == nhave && store_product_add(st, name, vendor, now,
		    NULL) == STORE_ERR)
			goto out;
	}
	rc = 0;
out:
	util_arena_release(&a);
	return rc;
}

/* The release windows of [release] in vigil.conf from `from' to `to', or
 * the default second Tuesdays when the calendar cannot be loaded (no
 * time zone files).  Returns how many were stored in out. */
static size_t
release_windows(const struct config *cfg, time_t from, time_t to,
    time_t *out, size_t max)
{
	struct calendar_loaded cl;
	struct core_window *win;
	char err[256];
	int64_t utc;
	size_t n = 0, got, i;

	if (calendar_load(cfg, &cl, err, sizeof(err)) == -1) {
		fprintf(stderr, "history: %s; releases on the second "
		    "Tuesday, 18:00 UTC\n", err);
		return cli_history_windows(from, to, out, max);
	}
	if ((win = calloc(max, sizeof(*win))) != NULL) {
		got = core_calendar_windows(&cl.policy,
		    calendar_today(cl.zone, from), max, win);
		for (i = 0; i < got && n < max; i++) {
			if (calendar_window_utc(&cl, win[i].day, &utc) == -1)
				continue;
			if ((time_t)utc > to)
				break;
			if (n == 0 || (time_t)utc > out[n - 1])
				out[n++] = (time_t)utc;
		}
		free(win);
	}
	calendar_loaded_free(&cl);
	if (n == 0)
		n = cli_history_windows(from, to, out, max);
	return n;
}

static double
elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* store_history_add() of out[0..n), cases number first.. */
static int
add_cases(struct store *st, struct store_history_case *out, size_t n,
    size_t first, int64_t *ids)
{
	if (n > 0 && store_history_add(st, out, n, ids + first) < 0) {
		log_err("history: storing cases %zu..%zu failed", first + 1,
		    first + n);
		return -1;
	}
	return 0;
}

/* Stores out[0..n), cases number first.. of the history, recording
 * their ids in ids[first..].  A post-mortem that is a regression of
 * another case (regress[]) gets that case's id: the cases are cut
 * before one whose earlier case is among them, so that the id is known
 * when it is needed. */
static int
store_batch(struct store *st, struct store_history_case *out, size_t n,
    const size_t *regress, size_t first, int64_t *ids)
{
	size_t from = 0, i;

	for (i = 0; i < n; i++) {
		if (regress[i] == CLI_HISTORY_NONE)
			continue;
		if (regress[i] >= first + from) {
			if (add_cases(st, out + from, i - from, first + from,
			    ids) == -1)
				return -1;
			from = i;
		}
		cli_history_link(&out[i], ids[regress[i]]);
	}
	return add_cases(st, out + from, n - from, first + from, ids);
}

/* Generates n cases and stores them in batches. */
static int
history(struct cli *c, struct store *st, size_t n, uint64_t seed)
{
	struct cli_history_params p;
	struct cli_history *h = NULL;
	struct store_history_case *batch = NULL;
	struct timespec t0;
	struct arena a;
	time_t now = time(NULL), *windows = NULL;
	int64_t *ids = NULL;
	size_t *regress = NULL, got, done = 0, next_pct = 10;
	int rc = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	util_arena_init(&a, 0);
	if (ensure_products(st, now) == -1)
		goto out;
	memset(&p, 0, sizeof(p));
	p.seed = seed;
	p.n = n;
	p.now = now;
	p.span = CLI_HISTORY_SPAN;
	p.tracking_prefix = c->cfg.tracking_prefix;
	p.sla_triage = c->cfg.sla_triage;
	p.sla_critical = c->cfg.sla_critical;
	p.sla_high = c->cfg.sla_high;
	p.sla_medium = c->cfg.sla_medium;
	p.sla_low = c->cfg.sla_low;
	p.verify_days = c->cfg.verify_days;
	if ((windows = calloc(MAX_WINDOWS, sizeof(*windows))) == NULL ||
	    (ids = calloc(n, sizeof(*ids))) == NULL ||
	    (regress = calloc(HISTORY_BATCH, sizeof(*regress))) == NULL ||
	    (batch = calloc(HISTORY_BATCH, sizeof(*batch))) == NULL) {
		log_err("history: out of memory");
		goto out;
	}
	p.windows = windows;
	p.nwindows = release_windows(&c->cfg, now - p.span - 31 * 86400,
	    now + 400 * 86400, windows, MAX_WINDOWS);
	if ((h = cli_history_new(&p)) == NULL) {
		log_err("history: cannot set up the generator");
		goto out;
	}
	while (done < n) {
		if ((got = cli_history_next(h, &a, batch, HISTORY_BATCH,
		    regress)) == 0) {
			log_err("history: out of memory");
			goto out;
		}
		if (store_batch(st, batch, got, regress, done, ids) == -1)
			goto out;
		done += got;
		util_arena_release(&a);
		util_arena_init(&a, 0);
		if (n >= 20000 && done * 100 >= next_pct * n) {
			fprintf(stderr, "history: %zu of %zu cases (%zu%%), "
			    "%.1f s\n", done, n, done * 100 / n, elapsed(&t0));
			while (next_pct * n <= done * 100)
				next_pct += 10;
		}
	}
	printf("history: %zu cases over two years (seed %" PRIu64 ") in "
	    "%.1f s\n", n, seed, elapsed(&t0));
	rc = 0;
out:
	cli_history_free(h);
	free(batch);
	free(regress);
	free(ids);
	free(windows);
	util_arena_release(&a);
	return rc;
}

static void
demo_usage(void)
{
	fprintf(stderr, "usage: vigil demo [--history N] [--seed S]\n");
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
	uint64_t nhistory = 0, seed = HISTORY_SEED;
	int k, rc = 1, users, ncases;

	for (k = 1; k < argc; k++) {
		const char *opt = argv[k], *v;
		uint64_t *dst, max;

		if (strncmp(opt, "--history", 9) == 0 &&
		    (opt[9] == '\0' || opt[9] == '=')) {
			dst = &nhistory;
			max = HISTORY_MAX;
			v = opt[9] == '=' ? opt + 10 : NULL;
		} else if (strncmp(opt, "--seed", 6) == 0 &&
		    (opt[6] == '\0' || opt[6] == '=')) {
			dst = &seed;
			max = UINT64_MAX;
			v = opt[6] == '=' ? opt + 7 : NULL;
		} else {
			demo_usage();
			return 2;
		}
		if (v == NULL && k + 1 < argc)
			v = argv[++k];
		if (parse_num(v, max, dst) == -1) {
			fprintf(stderr, "vigil demo: %s needs a number%s\n",
			    opt, dst == &nhistory ? " (1 to 10000000)" : "");
			return 2;
		}
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
		goto more;
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
more:
	if (nhistory > 0 && history(c, st, (size_t)nhistory, seed) == -1)
		goto out;
	rc = 0;
out:
	store_close(st);
	return rc;
}
