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
	    0 };
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
		cmocka_unit_test(test_bad_url),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
