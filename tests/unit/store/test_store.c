/* tests/unit/store/test_store.c - the SQLite backend through the
 * backend-neutral interface: migrations, case creation in one
 * transaction, tracking-id sequence, tokens, isolation between cases,
 * and concurrent writers that never see a busy database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/report.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/crypto.h"

static char dir[] = "/tmp/vigil-store-XXXXXX";
static char url[256];

static const char *const fields[RF__MAX] = {
	[RF_REPORTER_NAME] = "Ada", [RF_REPORTER_EMAIL] = "ada@example.org",
	[RF_PRODUCT] = "libx", [RF_VERSIONS] = "1.0", [RF_IMPACT] = "rce",
	[RF_TITLE] = "Overflow in x", [RF_DESCRIPTION] = "A long enough description.",
	[RF_PUBLICLY_KNOWN] = "no", [RF_EXPLOITED] = "no",
};

static int
setup(void **state)
{
	struct store *s;

	(void)state;
	util_crypto_init();
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(url, sizeof(url), "sqlite:%s/t.db", dir);
	if ((s = store_open(url)) == NULL)
		return -1;
	if (store_migrate(s) < 1)
		return -1;
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	store_close(*state);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
new_case(struct store *s, unsigned char *hash, struct store_case_created *out,
    const struct store_attachment *att, size_t natt)
{
	struct store_new_case nc;
	char token[UTIL_TOKEN_CHARS + 1];

	memset(&nc, 0, sizeof(nc));
	nc.tracking_prefix = "VR";
	nc.channel = "web";
	nc.now = time(NULL);
	nc.state = "new";
	nc.field = (const char *const *)fields;
	nc.tier = TIER_BASIC;
	nc.attachments = att;
	nc.nattachments = natt;
	util_token_new(token, nc.token_hash);
	if (hash != NULL)
		memcpy(hash, nc.token_hash, STORE_HASH_LEN);
	return store_case_create(s, &nc, out);
}

static void
test_migrate_idempotent(void **state)
{
	struct store *s = *state;

	assert_int_equal(store_migrate(s), 0);
	assert_true(store_schema_version(s) >= 1);
	assert_true(store_healthy(s));
}

static void
test_create_and_read(void **state)
{
	struct store *s = *state;
	struct store_case_created a, b;
	struct store_case c;
	struct store_attachment att = { 0 }, *list, got;
	struct store_event *ev;
	unsigned char h[STORE_HASH_LEN], bad[STORE_HASH_LEN] = { 0 };
	struct arena ar;
	size_t n;
	char year[16];
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	snprintf(year, sizeof(year), "%d", tm.tm_year + 1900);
	util_arena_init(&ar, 0);
	att.filename = "poc.py";
	att.content_type = "text/x-python";
	att.data = "print(1)\n";
	att.size = 9;
	snprintf(att.sha256, sizeof(att.sha256), "%064d", 0);
	assert_int_equal(new_case(s, h, &a, &att, 1), STORE_OK);
	assert_int_equal(new_case(s, NULL, &b, NULL, 0), STORE_OK);
	assert_true(strncmp(a.tracking_id, "VR-", 3) == 0);
	assert_non_null(strstr(a.tracking_id, year));
	assert_string_not_equal(a.tracking_id, b.tracking_id);

	assert_int_equal(store_case_by_token(s, h, &ar, &c), STORE_OK);
	assert_int_equal(c.id, a.id);
	assert_string_equal(c.state, "new");
	assert_string_equal(c.field[RF_TITLE], "Overflow in x");
	assert_string_equal(c.field[RF_STEPS], "");
	assert_int_equal(store_case_by_token(s, bad, &ar, &c), STORE_NONE);

	assert_int_equal(store_case_events(s, a.id, &ar, &ev, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].kind, "created");
	assert_string_equal(ev[0].to_state, "new");

	assert_int_equal(store_case_attachments(s, a.id, &ar, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].filename, "poc.py");
	assert_int_equal(store_attachment_get(s, a.id, list[0].id, &ar, &got),
	    STORE_OK);
	assert_int_equal(got.size, 9);
	assert_memory_equal(got.data, "print(1)\n", 9);
	/* the attachment of case a is not reachable through case b */
	assert_int_equal(store_attachment_get(s, b.id, list[0].id, &ar, &got),
	    STORE_NONE);
	util_arena_release(&ar);
}

static void
test_track_sessions(void **state)
{
	struct store *s = *state;
	struct store_case_created a;
	struct store_case c;
	unsigned char h[STORE_HASH_LEN], sh[STORE_HASH_LEN];
	char t[UTIL_TOKEN_CHARS + 1];
	struct arena ar;
	time_t now = time(NULL);

	util_arena_init(&ar, 0);
	assert_int_equal(new_case(s, h, &a, NULL, 0), STORE_OK);
	util_token_new(t, sh);
	assert_int_equal(store_track_session_add(s, a.id, sh, now, now + 60),
	    STORE_OK);
	assert_int_equal(store_case_by_track_session(s, sh, now, &ar, &c),
	    STORE_OK);
	assert_int_equal(c.id, a.id);
	/* expired */
	assert_int_equal(store_case_by_track_session(s, sh, now + 61, &ar, &c),
	    STORE_NONE);
	util_arena_release(&ar);
}

static void
test_messages(void **state)
{
	struct store *s = *state;
	struct store_case_created a;
	struct store_new_message m;
	struct store_message *list;
	struct arena ar;
	size_t n;

	util_arena_init(&ar, 0);
	assert_int_equal(new_case(s, NULL, &a, NULL, 0), STORE_OK);
	memset(&m, 0, sizeof(m));
	m.case_id = a.id;
	m.now = time(NULL);
	m.author_kind = "researcher";
	m.author = "Ada";
	m.body = "hello";
	assert_int_equal(store_message_add(s, &m, NULL), STORE_OK);
	m.author_kind = "staff";
	m.body = "internal";
	m.internal = 1;
	assert_int_equal(store_message_add(s, &m, NULL), STORE_OK);
	assert_int_equal(store_case_messages(s, a.id, 0, &ar, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].body, "hello");
	assert_int_equal(store_case_messages(s, a.id, 1, &ar, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	util_arena_release(&ar);
}

#define WRITERS	8
#define PER	40

static void *
writer(void *p)
{
	struct store *s = p;
	struct store_case_created out;
	int i;
	intptr_t fails = 0;

	for (i = 0; i < PER; i++)
		if (new_case(s, NULL, &out, NULL, 0) != STORE_OK)
			fails++;
	return (void *)fails;
}

static void
test_concurrent_writers(void **state)
{
	struct store *s = *state, *s2;
	pthread_t th[WRITERS];
	void *rv;
	int i, before, fails = 0;

	/* Half the writers go through a second handle (another "process"). */
	s2 = store_open(url);
	assert_non_null(s2);
	before = store_case_count(s);
	for (i = 0; i < WRITERS; i++)
		pthread_create(&th[i], NULL, writer, i % 2 ? s : s2);
	for (i = 0; i < WRITERS; i++) {
		pthread_join(th[i], &rv);
		fails += (int)(intptr_t)rv;
	}
	assert_int_equal(fails, 0);
	assert_int_equal(store_case_count(s), before + WRITERS * PER);
	store_close(s2);
}

static void
test_products_and_users(void **state)
{
	struct store *s = *state;
	struct store_product *p;
	struct store_user_new u = { "a@example.org", "A", "admin", "$argon2id$x",
	    0, 0 };
	struct arena ar;
	size_t n;

	util_arena_init(&ar, 0);
	assert_int_equal(store_product_add(s, "Zeta", "V", 0, NULL), STORE_OK);
	assert_int_equal(store_product_add(s, "alpha", "V", 0, NULL), STORE_OK);
	assert_int_equal(store_product_add(s, "ZETA", "V", 0, NULL),
	    STORE_NONE);
	assert_int_equal(store_products_list(s, &ar, &p, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(p[0].name, "alpha");
	assert_int_equal(store_user_add(s, &u, NULL), STORE_OK);
	assert_int_equal(store_user_add(s, &u, NULL), STORE_NONE);
	assert_int_equal(store_user_count(s), 1);
	util_arena_release(&ar);
}

/* Opens the database file directly, to play the attacker who edits it. */
static void
tamper(const char *sql)
{
	sqlite3 *db;
	char *err = NULL;

	assert_int_equal(sqlite3_open(url + 7, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("tamper: %s: %s", sql, err);
	sqlite3_close(db);
}

static int
try_sql(const char *sql)
{
	sqlite3 *db;
	int rc;

	assert_int_equal(sqlite3_open(url + 7, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static void
add_rows(struct store *s, int n)
{
	char d[32];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(d, sizeof(d), "row %d", i);
		assert_int_equal(store_audit_add(s, 1000 + i, "ana@example.org",
		    "case.view", i + 1, d), STORE_OK);
	}
}

static void
test_audit_chain(void **state)
{
	struct store *s = *state;
	int64_t bad, rows, first;
	const char *why;

	add_rows(s, 5);
	assert_int_equal(store_audit_verify(s, &bad, &why, &rows), 1);
	assert_true(rows >= 5);

	/* The database refuses UPDATE and DELETE on the audit table. */
	assert_int_not_equal(try_sql("UPDATE audit SET details = 'x'"),
	    SQLITE_OK);
	assert_int_not_equal(try_sql("DELETE FROM audit"), SQLITE_OK);

	/* An attacker who drops the triggers and edits a row is caught. */
	tamper("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;");
	tamper("UPDATE audit SET details = 'nothing to see' WHERE id = "
	    "(SELECT max(id) - 2 FROM audit)");
	assert_int_equal(store_audit_verify(s, &bad, &why, &rows), 0);
	assert_non_null(strstr(why, "edited"));
	first = bad;
	tamper("UPDATE audit SET details = (SELECT 'row 2') WHERE id = "
	    "(SELECT max(id) - 2 FROM audit)");
	assert_int_equal(store_audit_verify(s, &bad, &why, &rows), 1);

	/* A deleted row in the middle. */
	tamper("CREATE TABLE keep AS SELECT * FROM audit");
	tamper("DELETE FROM audit WHERE id = (SELECT max(id) - 3 FROM audit)");
	assert_int_equal(store_audit_verify(s, &bad, &why, &rows), 0);
	assert_int_equal(bad, first);
	assert_non_null(strstr(why, "deleted"));
	tamper("DELETE FROM audit; INSERT INTO audit SELECT * FROM keep");
	assert_int_equal(store_audit_verify(s, &bad, &why, &rows), 1);

	/* Two rows swapped (their ids exchanged). */
	tamper("UPDATE audit SET id = -1 WHERE id = (SELECT max(id) FROM keep);"
	    "UPDATE audit SET id = (SELECT max(id) FROM keep) WHERE id = "
	    "(SELECT max(id) - 1 FROM keep);"
	    "UPDATE audit SET id = (SELECT max(id) - 1 FROM keep) WHERE id = -1");
	assert_int_equal(store_audit_verify(s, &bad, &why, &rows), 0);
	tamper("DELETE FROM audit; INSERT INTO audit SELECT * FROM keep");
	assert_int_equal(store_audit_verify(s, &bad, &why, &rows), 1);

	/* The last rows cut off: the recorded head no longer matches. */
	tamper("DELETE FROM audit WHERE id > (SELECT max(id) - 2 FROM audit)");
	assert_int_equal(store_audit_verify(s, &bad, &why, &rows), 0);
	assert_non_null(strstr(why, "head"));
	tamper("DELETE FROM audit; INSERT INTO audit SELECT * FROM keep;"
	    "DROP TABLE keep");
	assert_int_equal(store_audit_verify(s, &bad, &why, &rows), 1);
}

static void
test_sessions_tokens_throttle(void **state)
{
	struct store *s = *state;
	struct store_user_new nu = { "sess@example.org", "S", "analyst",
	    "$argon2id$x", 0, 0 };
	struct store_user u;
	unsigned char h[STORE_HASH_LEN], t[STORE_HASH_LEN];
	char txt[UTIL_TOKEN_CHARS + 1];
	struct arena ar;
	int64_t id;
	time_t now = 1000000;

	util_arena_init(&ar, 0);
	assert_int_equal(store_user_add(s, &nu, &id), STORE_OK);
	util_token_new(txt, h);
	assert_int_equal(store_session_add(s, h, id, now), STORE_OK);
	assert_int_equal(store_session_user(s, h, now + 10, 1800, 43200, &ar,
	    &u), STORE_OK);
	assert_string_equal(u.email, "sess@example.org");
	/* idle: 30 minutes after the last use */
	assert_int_equal(store_session_user(s, h, now + 10 + 1801, 1800, 43200,
	    &ar, &u), STORE_NONE);
	/* sliding: used every 20 minutes it lives on ... */
	assert_int_equal(store_session_user(s, h, now + 1200, 1800, 43200, &ar,
	    &u), STORE_OK);
	assert_int_equal(store_session_user(s, h, now + 2400, 1800, 43200, &ar,
	    &u), STORE_OK);
	/* ... but never past 12 hours */
	assert_int_equal(store_session_user(s, h, now + 43201, 43200 * 2,
	    43200 * 100, &ar, &u), STORE_OK);
	assert_int_equal(store_session_user(s, h, now + 43201, 43200 * 2,
	    43200, &ar, &u), STORE_NONE);
	assert_int_equal(store_session_delete(s, h), STORE_OK);
	assert_int_equal(store_session_user(s, h, now + 10, 1800, 43200, &ar,
	    &u), STORE_NONE);

	util_token_new(txt, t);
	assert_int_equal(store_token_add(s, t, id, "ci", now), STORE_OK);
	assert_int_equal(store_token_user(s, t, now, &ar, &u), STORE_OK);
	/* a disabled account's sessions and tokens stop working */
	assert_int_equal(store_session_add(s, h, id, now), STORE_OK);
	assert_int_equal(store_user_disable(s, "sess@example.org", now),
	    STORE_OK);
	assert_int_equal(store_token_user(s, t, now, &ar, &u), STORE_NONE);
	assert_int_equal(store_session_user(s, h, now + 1, 1800, 43200, &ar,
	    &u), STORE_NONE);

	assert_int_equal(store_login_failures(s, "ip:1.2.3.4", 0), 0);
	assert_int_equal(store_login_failure_add(s, "ip:1.2.3.4", now),
	    STORE_OK);
	assert_int_equal(store_login_failure_add(s, "ip:1.2.3.4", now + 5),
	    STORE_OK);
	assert_int_equal(store_login_failures(s, "ip:1.2.3.4", now), 2);
	assert_int_equal(store_login_failures(s, "ip:1.2.3.4", now + 1), 1);
	assert_int_equal(store_login_failures_clear(s, "ip:1.2.3.4"), STORE_OK);
	assert_int_equal(store_login_failures(s, "ip:1.2.3.4", 0), 0);
	util_arena_release(&ar);
}

static void
test_transitions_and_queue(void **state)
{
	struct store *s = *state;
	struct store_case_created a;
	struct store_actor who = { 0, "ana@example.org" };
	struct store_queue_filter f;
	struct store_queue_row *rows;
	struct store_case c;
	struct store_event *ev;
	struct arena ar;
	size_t n;
	int64_t total;

	util_arena_init(&ar, 0);
	/* every shape of the queue's SQL prepares */
	assert_int_equal(store_queue_prepare_all(s), 0);
	assert_int_equal(new_case(s, NULL, &a, NULL, 0), STORE_OK);
	assert_int_equal(store_case_transition(s, a.id, "new", "triage", &who,
	    "", NULL, time(NULL) + 5), STORE_OK);
	/* optimistic: the case is no longer in "new" */
	assert_int_equal(store_case_transition(s, a.id, "new", "rejected", &who,
	    "spam", NULL, time(NULL) + 6), STORE_NONE);
	assert_int_equal(store_case_get(s, a.id, &ar, &c), STORE_OK);
	assert_string_equal(c.state, "triage");
	assert_int_equal(store_case_events(s, a.id, &ar, &ev, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ev[1].from_state, "new");
	assert_string_equal(ev[1].to_state, "triage");
	assert_string_equal(ev[1].actor, "ana@example.org");

	assert_int_equal(store_case_score(s, a.id, "CVSS:3.1/AV:N/AC:L/PR:N/"
	    "UI:N/S:U/C:H/I:H/A:H", 9.8, "critical", "CWE-787", 100, &who, 7),
	    STORE_OK);
	memset(&f, 0, sizeof(f));
	f.severity = "critical";
	f.limit = 10;
	f.now = 101;
	assert_int_equal(store_queue(s, &f, &ar, &rows, &n, &total), STORE_OK);
	assert_int_equal(total, 1);
	assert_int_equal(rows[0].id, a.id);
	f.overdue = 1;
	assert_int_equal(store_queue(s, &f, &ar, &rows, &n, &total), STORE_OK);
	assert_int_equal(total, 1);
	f.now = 99;
	assert_int_equal(store_queue(s, &f, &ar, &rows, &n, &total), STORE_OK);
	assert_int_equal(total, 0);
	memset(&f, 0, sizeof(f));
	f.search = "\"Overflow\"";
	f.state = "triage";
	assert_int_equal(store_queue(s, &f, &ar, &rows, &n, &total), STORE_OK);
	assert_true(total >= 1);
	f.search = "\"nosuchword\"";
	assert_int_equal(store_queue(s, &f, &ar, &rows, &n, &total), STORE_OK);
	assert_int_equal(total, 0);
	/* a malformed search expression is "no result", not an error */
	f.search = "\"unterminated";
	assert_int_equal(store_queue(s, &f, &ar, &rows, &n, &total),
	    STORE_NONE);
	util_arena_release(&ar);
}


struct collect {
	struct store_metrics_row	 rows[8];
	int64_t				 ids[8];
	char				 sev[8][16], product[8][16];
	size_t				 n;
};

static int
collect_row(void *arg, const struct store_metrics_row *m)
{
	struct collect *c = arg;

	if (c->n < 8) {
		c->rows[c->n] = *m;	/* its strings live until we return */
		c->ids[c->n] = m->case_id;
		snprintf(c->sev[c->n], sizeof(c->sev[0]), "%s", m->severity);
		snprintf(c->product[c->n], sizeof(c->product[0]), "%s",
		    m->product);
		c->n++;
	}
	return 0;
}

static int
count_pm(void *arg, const struct store_postmortem *pm)
{
	(*(int *)arg)++;
	assert_string_equal(pm->cwe, "CWE-787");
	return 0;
}

/* History in, turnaround figures out; post-mortems; no close without one;
 * a later change is seen by the next scan (the triggers mark it). */
static void
test_metrics_and_postmortems(void **state)
{
	struct store *s = *state;
	const time_t t0 = 1700000000, D = 86400;
	const struct store_history_event ev[] = {
		{ t0, "researcher", "", "new", "" },
		{ t0 + 1 * D, "ana", "new", "triage", "" },
		{ t0 + 2 * D, "ana", "triage", "needs_info", "" },
		{ t0 + 3 * D, "system", "needs_info", "triage", "" },
		{ t0 + 4 * D, "ana", "triage", "confirmed", "" },
		{ t0 + 5 * D, "ana", "confirmed", "fixing", "" },
		{ t0 + 7 * D, "eve", "fixing", "testing", "" },
		{ t0 + 8 * D, "tom", "testing", "fixing", "" },
		{ t0 + 9 * D, "eve", "fixing", "testing", "" },
		{ t0 + 10 * D, "tom", "testing", "verifying", "" },
		{ t0 + 12 * D, "ana", "verifying", "ready", "" },
		{ t0 + 13 * D, "rm", "ready", "scheduled", "" },
		{ t0 + 20 * D, "rm", "scheduled", "released", "" },
	};
	struct store_postmortem pm, got;
	struct store_history_case h[2];
	struct store_actor who = { 0, "ana@example.org" };
	struct store_gauges g, g0;
	struct collect c;
	struct arena ar;
	int64_t ids[2];
	int n = 0;

	util_arena_init(&ar, 0);
	memset(h, 0, sizeof(h));
	memset(&pm, 0, sizeof(pm));
	pm.cwe = "CWE-787";
	pm.component = "parser";
	pm.how_found = "fuzzing";
	pm.practice = "fuzzing";
	pm.root_cause = pm.fix = pm.lessons = "text";
	pm.reissued = 1;
	h[0].tracking_prefix = h[1].tracking_prefix = "VR";
	h[0].channel = "email";
	h[0].severity = "high";
	h[0].score = 8.1;
	h[0].cvss = "";
	h[0].product = "libx";
	h[0].title = "first";
	h[0].state = "released";
	h[0].created_at = t0;
	h[0].due_at = t0 + 30 * D;
	h[0].acked_at = t0 + 3600;
	h[0].verify_sent = t0 + 10 * D;
	h[0].verify_answered = t0 + 11 * D;
	h[0].ev = ev;
	h[0].nev = sizeof(ev) / sizeof(ev[0]);
	h[1] = h[0];
	h[1].channel = "web";
	h[1].title = "second";
	h[1].state = "triage";
	h[1].created_at = t0 + 1000;
	h[1].nev = 2;
	h[1].verify_sent = 0;
	h[1].pm = NULL;
	h[0].pm = &pm;
	assert_int_equal(store_history_add(s, h, 2, ids), STORE_OK);

	memset(&c, 0, sizeof(c));
	assert_int_equal(store_metrics_scan(s, t0, t0 + 2000, collect_row, &c),
	    STORE_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.ids[0], ids[0]);
	/* e-mail: acknowledged when the mail left */
	assert_int_equal(c.rows[0].phase[0], 3600);
	assert_int_equal(c.rows[0].phase[1], 4 * D - 3600);
	assert_int_equal(c.rows[0].phase[2], 3 * D);	/* first testing */
	assert_int_equal(c.rows[0].phase[3], 3 * D);
	assert_int_equal(c.rows[0].phase[4], 2 * D);
	assert_int_equal(c.rows[0].phase[5], 8 * D);
	assert_int_equal(c.rows[0].total, 20 * D);
	assert_int_equal(c.rows[0].researcher, 1 * D);
	assert_int_equal(c.rows[0].clarifications, 1);
	assert_int_equal(c.rows[0].reissued, 1);
	assert_int_equal(c.rows[0].released_at, t0 + 20 * D);
	assert_string_equal(c.sev[0], "high");
	assert_string_equal(c.product[0], "libx");
	/* web: acknowledged on the spot; never triaged */
	assert_int_equal(c.rows[1].phase[0], 0);
	assert_int_equal(c.rows[1].phase[1], -1);
	assert_int_equal(c.rows[1].total, -1);

	/* the history's post-mortem, dated by the release */
	assert_int_equal(store_postmortem_get(s, ids[0], &ar, &got), STORE_OK);
	assert_int_equal(got.released_at, t0 + 20 * D);
	assert_int_equal(store_postmortem_scan(s, t0, t0 + 30 * D, count_pm,
	    &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_postmortem_get(s, ids[1], &ar, &got),
	    STORE_NONE);
	/* no post-mortem for a case that is not released */
	pm.case_id = ids[1];
	assert_int_equal(store_postmortem_put(s, &pm, &who, t0), STORE_NONE);

	/* a later transition is seen by the next scan */
	assert_int_equal(store_case_transition(s, ids[1], "triage",
	    "confirmed", &who, "", NULL, t0 + 1000 + 2 * D), STORE_OK);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_metrics_scan(s, t0, t0 + 2000, collect_row, &c),
	    STORE_OK);
	assert_int_equal(c.rows[1].phase[1], 2 * D);

	/* open and past due: one more SLA breach (cases of the other
	 * tests in this database were due long before) */
	assert_int_equal(store_gauges(s, t0 + 29 * D, &g0), STORE_OK);
	assert_int_equal(store_gauges(s, t0 + 31 * D, &g), STORE_OK);
	assert_int_equal(g.sla_breached - g0.sla_breached, 1);
	assert_int_equal(g.sla_breached_sev[1] - g0.sla_breached_sev[1], 1);
	util_arena_release(&ar);
}

/* A released case closes only with its post-mortem. */
static void
test_close_needs_postmortem(void **state)
{
	struct store *s = *state;
	const struct store_history_event ev[] = {
		{ 1000, "researcher", "", "new", "" },
		{ 2000, "rm", "scheduled", "released", "" },
	};
	struct store_history_case h;
	struct store_postmortem pm;
	struct store_actor who = { 0, "rm@example.org" };
	int64_t id;

	memset(&h, 0, sizeof(h));
	h.tracking_prefix = "VR";
	h.channel = "web";
	h.severity = "";
	h.product = "libx";
	h.title = "released";
	h.state = "released";
	h.created_at = 1000;
	h.ev = ev;
	h.nev = 2;
	assert_int_equal(store_history_add(s, &h, 1, &id), STORE_OK);
	assert_int_equal(store_case_transition(s, id, "released", "closed",
	    &who, "", NULL, 3000), STORE_NONE);
	memset(&pm, 0, sizeof(pm));
	pm.case_id = id;
	pm.cwe = "CWE-79";
	pm.component = "web";
	pm.how_found = "code review";
	pm.practice = "code_review";
	pm.root_cause = pm.fix = pm.lessons = "text";
	pm.regression_of = id;		/* itself: refused */
	assert_int_equal(store_postmortem_put(s, &pm, &who, 2500), STORE_NONE);
	pm.regression_of = 0;
	assert_int_equal(store_postmortem_put(s, &pm, &who, 2500), STORE_OK);
	assert_int_equal(store_case_transition(s, id, "released", "closed",
	    &who, "", NULL, 3000), STORE_OK);
}

static void
test_bad_url(void **state)
{
	(void)state;
	assert_null(store_open("mysql://x"));
	assert_null(store_open("nothing"));
	assert_null(store_open("sqlite:"));
	assert_null(store_open("sqlite:/nonexistent-dir/x/y.db"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate_idempotent),
		cmocka_unit_test(test_create_and_read),
		cmocka_unit_test(test_track_sessions),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_concurrent_writers),
		cmocka_unit_test(test_products_and_users),
		cmocka_unit_test(test_audit_chain),
		cmocka_unit_test(test_sessions_tokens_throttle),
		cmocka_unit_test(test_transitions_and_queue),
		cmocka_unit_test(test_metrics_and_postmortems),
		cmocka_unit_test(test_close_needs_postmortem),
		cmocka_unit_test(test_bad_url),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
