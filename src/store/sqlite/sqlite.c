/* store/sqlite/sqlite.c - the SQLite backend.
 *
 * A pool of connections (readers run in parallel under WAL; writers
 * serialise on BEGIN IMMEDIATE with a busy timeout).  Every statement is
 * in the enum-indexed table below and is prepared on every connection at
 * open, once the schema is current; a typo fails the start.  Durability:
 * synchronous=FULL, so a COMMIT that returned means the data is on disk.
 * Only tx_write() retries a transaction; nothing else loops on BUSY. */
#include <assert.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/report.h"
#include "util/arena.h"
#include "util/log.h"
#include "store/backend.h"
#include "migrations.h"

#define POOL_MAX	32
#define BUSY_MS		10000
#define TX_ATTEMPTS	50

enum q {
	Q_SEQ_NEXT,
	Q_CASE_INSERT,
	Q_TOKEN_INSERT,
	Q_ATT_INSERT,
	Q_EVENT_INSERT,
	Q_CASE_BY_ID,
	Q_CASE_ID_BY_TOKEN,
	Q_TSESS_INSERT,
	Q_CASE_ID_BY_TSESS,
	Q_EVENTS_BY_CASE,
	Q_MESSAGES_BY_CASE,
	Q_ATTS_BY_CASE,
	Q_ATT_GET,
	Q_MESSAGE_INSERT,
	Q_CASE_TOUCH,
	Q_PRODUCTS_LIST,
	Q_PRODUCT_INSERT,
	Q_USER_INSERT,
	Q_USER_COUNT,
	Q_CASE_COUNT,
	Q__MAX
};

#define CASE_FIELDS \
	"reporter_name, reporter_email, pgp_key, credit, product, " \
	"product_other, versions, cwe, impact, title, description, steps, " \
	"poc, root_cause, publicly_known, exploited, disclosure_plans, " \
	"disclosure_date, cvss_vector"
#define NCASE_FIELDS	19	/* every enum report_field but RF_ATTACHMENTS */

static const char *const qsql[Q__MAX] = {
	[Q_SEQ_NEXT] =
	    "INSERT INTO tracking_seq (prefix, year, last) VALUES (?1, ?2, 1) "
	    "ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1 "
	    "RETURNING last",
	[Q_CASE_INSERT] =
	    "INSERT INTO cases (tracking_id, state, channel, tier, product_id, "
	    CASE_FIELDS ", created_at, updated_at) VALUES (?1, ?2, ?3, ?4, "
	    "(SELECT id FROM products WHERE name = ?9), "
	    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
	    "?19, ?20, ?21, ?22, ?23, ?24, ?24)",
	[Q_TOKEN_INSERT] =
	    "INSERT INTO case_tokens (hash, case_id, created_at) "
	    "VALUES (?1, ?2, ?3)",
	[Q_ATT_INSERT] =
	    "INSERT INTO attachments (case_id, message_id, filename, "
	    "content_type, size, sha256, data, created_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[Q_EVENT_INSERT] =
	    "INSERT INTO events (case_id, at, actor, kind, from_state, "
	    "to_state, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[Q_CASE_BY_ID] =
	    "SELECT c.id, c.tracking_id, c.state, c.channel, c.tier, "
	    "coalesce(c.duplicate_of, 0), coalesce(d.tracking_id, ''), "
	    "c.created_at, c.updated_at, "
	    "c.reporter_name, c.reporter_email, c.pgp_key, c.credit, c.product, "
	    "c.product_other, c.versions, c.cwe, c.impact, c.title, "
	    "c.description, c.steps, c.poc, c.root_cause, c.publicly_known, "
	    "c.exploited, c.disclosure_plans, c.disclosure_date, c.cvss_vector "
	    "FROM cases c LEFT JOIN cases d ON d.id = c.duplicate_of "
	    "WHERE c.id = ?1",
	[Q_CASE_ID_BY_TOKEN] =
	    "SELECT case_id FROM case_tokens WHERE hash = ?1 "
	    "AND revoked_at IS NULL",
	[Q_TSESS_INSERT] =
	    "INSERT INTO track_sessions (hash, case_id, created_at, expires_at) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[Q_CASE_ID_BY_TSESS] =
	    "SELECT s.case_id FROM track_sessions s "
	    "WHERE s.hash = ?1 AND s.expires_at > ?2 AND EXISTS (SELECT 1 "
	    "FROM case_tokens t WHERE t.case_id = s.case_id "
	    "AND t.revoked_at IS NULL)",
	[Q_EVENTS_BY_CASE] =
	    "SELECT at, actor, kind, from_state, to_state, reason FROM events "
	    "WHERE case_id = ?1 ORDER BY at, id",
	[Q_MESSAGES_BY_CASE] =
	    "SELECT id, at, author_kind, author, body, internal FROM messages "
	    "WHERE case_id = ?1 AND (internal = 0 OR ?2) ORDER BY at, id",
	[Q_ATTS_BY_CASE] =
	    "SELECT id, filename, content_type, size, sha256, "
	    "coalesce(message_id, 0), created_at FROM attachments "
	    "WHERE case_id = ?1 ORDER BY id",
	[Q_ATT_GET] =
	    "SELECT id, filename, content_type, size, sha256, "
	    "coalesce(message_id, 0), created_at, data FROM attachments "
	    "WHERE case_id = ?1 AND id = ?2",
	[Q_MESSAGE_INSERT] =
	    "INSERT INTO messages (case_id, at, author_kind, author, body, "
	    "internal) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_CASE_TOUCH] =
	    "UPDATE cases SET updated_at = ?2 WHERE id = ?1",
	[Q_PRODUCTS_LIST] =
	    "SELECT id, name, vendor FROM products ORDER BY name",
	[Q_PRODUCT_INSERT] =
	    "INSERT INTO products (name, vendor, created_at) VALUES (?1, ?2, ?3)",
	[Q_USER_INSERT] =
	    "INSERT INTO users (email, name, roles, password_hash, created_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_USER_COUNT] = "SELECT count(*) FROM users",
	[Q_CASE_COUNT] = "SELECT count(*) FROM cases",
};

struct conn {
	sqlite3		*db;
	sqlite3_stmt	*st[Q__MAX];
	struct conn	*next_free;
};

struct sq {
	char		*path;
	struct conn	 conns[POOL_MAX];
	int		 nconns;
	int		 prepared;
	struct conn	*free_list;
	pthread_mutex_t	 mtx;
	pthread_cond_t	 cv;
};

static int
exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_err("sqlite: %s: %s", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
conn_open(struct conn *c, const char *path)
{
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		log_err("sqlite: cannot open %s: %s", path,
		    c->db ? sqlite3_errmsg(c->db) : "out of memory");
		return -1;
	}
	sqlite3_busy_timeout(c->db, BUSY_MS);
	sqlite3_extended_result_codes(c->db, 1);
	if (exec(c->db, "PRAGMA journal_mode=WAL") == -1 ||
	    exec(c->db, "PRAGMA synchronous=FULL") == -1 ||
	    exec(c->db, "PRAGMA foreign_keys=ON") == -1 ||
	    exec(c->db, "PRAGMA temp_store=MEMORY") == -1)
		return -1;
	return 0;
}

static int
conn_prepare(struct conn *c)
{
	int i;

	for (i = 0; i < Q__MAX; i++) {
		assert(qsql[i] != NULL);
		if (sqlite3_prepare_v3(c->db, qsql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &c->st[i], NULL) != SQLITE_OK) {
			log_err("sqlite: preparing statement %d: %s", i,
			    sqlite3_errmsg(c->db));
			return -1;
		}
	}
	return 0;
}

static int
version_of(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = 0;

	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(version), 0) FROM "
	    "schema_migrations", -1, &st, NULL) != SQLITE_OK)
		return 0;	/* no table yet */
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
prepare_all(struct sq *s)
{
	int i;

	if (s->prepared)
		return 0;
	for (i = 0; i < s->nconns; i++)
		if (conn_prepare(&s->conns[i]) == -1)
			return -1;
	s->prepared = 1;
	return 0;
}

static void sq_close(void *);

static void *
sq_open(const char *path)
{
	struct sq *s;
	long ncpu;
	int i;

	if (*path == '\0') {
		log_err("sqlite: empty database path");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL || (s->path = strdup(path)) == NULL) {
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->mtx, NULL);
	pthread_cond_init(&s->cv, NULL);
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	s->nconns = ncpu > 0 ? (int)ncpu * 2 + 2 : 4;
	if (s->nconns > POOL_MAX)
		s->nconns = POOL_MAX;
	for (i = 0; i < s->nconns; i++) {
		if (conn_open(&s->conns[i], path) == -1) {
			s->nconns = i + 1;
			sq_close(s);
			return NULL;
		}
		s->conns[i].next_free = s->free_list;
		s->free_list = &s->conns[i];
	}
	if (version_of(s->conns[0].db) == SQLITE_NMIGRATIONS &&
	    prepare_all(s) == -1) {
		sq_close(s);
		return NULL;
	}
	return s;
}

static void
sq_close(void *p)
{
	struct sq *s = p;
	int i, j;

	if (s == NULL)
		return;
	for (i = 0; i < s->nconns; i++) {
		for (j = 0; j < Q__MAX; j++)
			sqlite3_finalize(s->conns[i].st[j]);
		sqlite3_close(s->conns[i].db);
	}
	pthread_mutex_destroy(&s->mtx);
	pthread_cond_destroy(&s->cv);
	free(s->path);
	free(s);
}

static struct conn *
acquire(struct sq *s)
{
	struct conn *c;

	if (!s->prepared) {
		log_err("sqlite: the database schema is not current; "
		    "run `vigil migrate`");
		return NULL;
	}
	pthread_mutex_lock(&s->mtx);
	while (s->free_list == NULL)
		pthread_cond_wait(&s->cv, &s->mtx);
	c = s->free_list;
	s->free_list = c->next_free;
	pthread_mutex_unlock(&s->mtx);
	return c;
}

static void
release(struct sq *s, struct conn *c)
{
	int i;

	for (i = 0; i < Q__MAX; i++) {
		sqlite3_reset(c->st[i]);
		sqlite3_clear_bindings(c->st[i]);
	}
	pthread_mutex_lock(&s->mtx);
	c->next_free = s->free_list;
	s->free_list = c;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mtx);
}

static int
is_busy(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

/*
 * Runs fn inside BEGIN IMMEDIATE ... COMMIT, retrying the whole
 * transaction while the database is busy (the only retry loop of the
 * backend).  fn returns STORE_OK/STORE_NONE to commit, STORE_ERR to roll
 * back, STORE_RETRY to roll back and try again.  Returns fn's result
 * once committed, or STORE_ERR.
 */
static int
tx_write(struct sq *s, int (*fn)(struct conn *, void *), void *arg)
{
	struct conn *c;
	int attempt, rc, src;

	if ((c = acquire(s)) == NULL)
		return STORE_ERR;
	for (attempt = 0; attempt < TX_ATTEMPTS; attempt++) {
		if (attempt > 0)
			usleep(1000u * (unsigned)(attempt < 20 ? attempt : 20));
		src = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		if (is_busy(src))
			continue;
		if (src != SQLITE_OK) {
			log_err("sqlite: BEGIN: %s", sqlite3_errmsg(c->db));
			rc = STORE_ERR;
			goto out;
		}
		rc = fn(c, arg);
		if (rc == STORE_ERR || rc == STORE_RETRY) {
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
			if (rc == STORE_ERR)
				goto out;
			continue;
		}
		while (is_busy(src = sqlite3_exec(c->db, "COMMIT", NULL, NULL,
		    NULL)))
			usleep(1000);
		if (src == SQLITE_OK)
			goto out;
		log_err("sqlite: COMMIT: %s", sqlite3_errmsg(c->db));
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		rc = STORE_ERR;
		goto out;
	}
	log_err("sqlite: database stayed busy; giving up after %d attempts",
	    TX_ATTEMPTS);
	rc = STORE_ERR;
out:
	release(s, c);
	return rc;
}

/* Maps a failed step: busy → retry the transaction, else hard error. */
static int
step_fail(struct conn *c, int rc, const char *what)
{
	if (is_busy(rc))
		return STORE_RETRY;
	log_err("sqlite: %s: %s", what, sqlite3_errmsg(c->db));
	return STORE_ERR;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

static const char *
col_text(struct arena *a, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	int n = sqlite3_column_bytes(st, i);

	return util_arena_strndup(a, t ? (const char *)t : "", (size_t)n);
}

static int
step_done(struct conn *c, enum q q, const char *what)
{
	int rc = sqlite3_step(c->st[q]);

	sqlite3_reset(c->st[q]);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return STORE_OK;
	return step_fail(c, rc, what);
}

/* ---- migrations ---- */

static int
sq_migrate(void *p)
{
	struct sq *s = p;
	sqlite3 *db = s->conns[0].db;
	sqlite3_stmt *st;
	int v, applied = 0;
	char *msg;

	if (exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)") == -1)
		return -1;
	for (;;) {
		if (exec(db, "BEGIN IMMEDIATE") == -1)
			return -1;
		v = version_of(db);
		if (v >= SQLITE_NMIGRATIONS) {
			exec(db, "COMMIT");
			break;
		}
		msg = NULL;
		if (sqlite3_exec(db, sqlite_migrations[v], NULL, NULL, &msg) !=
		    SQLITE_OK) {
			log_err("sqlite: migration %d failed: %s", v + 1,
			    msg ? msg : "?");
			sqlite3_free(msg);
			exec(db, "ROLLBACK");
			return -1;
		}
		if (sqlite3_prepare_v2(db, "INSERT INTO schema_migrations "
		    "(version, applied_at) VALUES (?1, ?2)", -1, &st, NULL) !=
		    SQLITE_OK) {
			exec(db, "ROLLBACK");
			return -1;
		}
		sqlite3_bind_int(st, 1, v + 1);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			exec(db, "ROLLBACK");
			return -1;
		}
		sqlite3_finalize(st);
		if (exec(db, "COMMIT") == -1) {
			exec(db, "ROLLBACK");
			return -1;
		}
		log_info("applied migration %d", v + 1);
		applied++;
	}
	if (prepare_all(s) == -1)
		return -1;
	return applied;
}

static int
sq_schema_version(void *p)
{
	struct sq *s = p;

	return version_of(s->conns[0].db);
}

static int
count_query(struct sq *s, enum q q)
{
	struct conn *c;
	int n = -1;

	if ((c = acquire(s)) == NULL)
		return -1;
	if (sqlite3_step(c->st[q]) == SQLITE_ROW)
		n = sqlite3_column_int(c->st[q], 0);
	release(s, c);
	return n;
}

static int
sq_healthy(void *p)
{
	return count_query(p, Q_USER_COUNT) >= 0;
}

static int sq_user_count(void *p) { return count_query(p, Q_USER_COUNT); }
static int sq_case_count(void *p) { return count_query(p, Q_CASE_COUNT); }

/* ---- cases ---- */

struct create_arg {
	const struct store_new_case	*nc;
	struct store_case_created	*out;
};

static int
insert_attachments(struct conn *c, int64_t case_id, int64_t message_id,
    const struct store_attachment *at, size_t n, time_t now)
{
	sqlite3_stmt *st = c->st[Q_ATT_INSERT];
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, case_id);
		if (message_id > 0)
			sqlite3_bind_int64(st, 2, message_id);
		else
			sqlite3_bind_null(st, 2);
		bind_text(st, 3, at[i].filename);
		bind_text(st, 4, at[i].content_type);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)at[i].size);
		bind_text(st, 6, at[i].sha256);
		sqlite3_bind_blob64(st, 7, at[i].data ? at[i].data : "",
		    at[i].size, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, (sqlite3_int64)now);
		if ((rc = step_done(c, Q_ATT_INSERT, "insert attachment")) !=
		    STORE_OK)
			return rc;
	}
	return STORE_OK;
}

static int
insert_event(struct conn *c, int64_t case_id, time_t at, const char *actor,
    const char *kind, const char *from, const char *to, const char *reason)
{
	sqlite3_stmt *st = c->st[Q_EVENT_INSERT];

	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)at);
	bind_text(st, 3, actor);
	bind_text(st, 4, kind);
	bind_text(st, 5, from);
	bind_text(st, 6, to);
	bind_text(st, 7, reason);
	return step_done(c, Q_EVENT_INSERT, "insert event");
}

static int
create_fn(struct conn *c, void *p)
{
	struct create_arg *a = p;
	const struct store_new_case *nc = a->nc;
	sqlite3_stmt *st;
	struct tm tm;
	time_t now = nc->now;
	int64_t seq, id;
	int rc, i, year;

	gmtime_r(&now, &tm);
	year = tm.tm_year + 1900;
	st = c->st[Q_SEQ_NEXT];
	bind_text(st, 1, nc->tracking_prefix);
	sqlite3_bind_int(st, 2, year);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return step_fail(c, rc, "tracking sequence");
	}
	seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (core_tracking_format(a->out->tracking_id,
	    sizeof(a->out->tracking_id), nc->tracking_prefix, year, seq) == -1) {
		log_err("tracking id does not fit");
		return STORE_ERR;
	}

	st = c->st[Q_CASE_INSERT];
	bind_text(st, 1, a->out->tracking_id);
	bind_text(st, 2, nc->state);
	bind_text(st, 3, nc->channel);
	sqlite3_bind_int(st, 4, nc->tier);
	for (i = 0; i < NCASE_FIELDS; i++)
		bind_text(st, 5 + i, nc->field[i]);
	sqlite3_bind_int64(st, 24, (sqlite3_int64)now);
	if ((rc = step_done(c, Q_CASE_INSERT, "insert case")) != STORE_OK)
		return rc;
	id = sqlite3_last_insert_rowid(c->db);

	st = c->st[Q_TOKEN_INSERT];
	sqlite3_bind_blob(st, 1, nc->token_hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	if ((rc = step_done(c, Q_TOKEN_INSERT, "insert token")) != STORE_OK)
		return rc;
	if ((rc = insert_attachments(c, id, 0, nc->attachments,
	    nc->nattachments, now)) != STORE_OK)
		return rc;
	if ((rc = insert_event(c, id, now, "researcher", "created", "",
	    nc->state, nc->channel)) != STORE_OK)
		return rc;
	a->out->id = id;
	return STORE_OK;
}

static int
sq_case_create(void *p, const struct store_new_case *nc,
    struct store_case_created *out)
{
	struct create_arg a = { nc, out };

	_Static_assert(RF__MAX == NCASE_FIELDS + 1,
	    "case columns must follow enum report_field");
	return tx_write(p, create_fn, &a);
}

static int
load_case(struct conn *c, int64_t id, struct arena *ar, struct store_case *out)
{
	sqlite3_stmt *st = c->st[Q_CASE_BY_ID];
	const char **f;
	int rc, i;

	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return STORE_NONE;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		log_err("sqlite: load case: %s", sqlite3_errmsg(c->db));
		return STORE_ERR;
	}
	if ((f = util_arena_zalloc(ar, sizeof(*f) * RF__MAX)) == NULL) {
		sqlite3_reset(st);
		return STORE_ERR;
	}
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->tracking_id = col_text(ar, st, 1);
	out->state = col_text(ar, st, 2);
	out->channel = col_text(ar, st, 3);
	out->tier = sqlite3_column_int(st, 4);
	out->duplicate_of = sqlite3_column_int64(st, 5);
	out->duplicate_of_tracking = col_text(ar, st, 6);
	out->created_at = (time_t)sqlite3_column_int64(st, 7);
	out->updated_at = (time_t)sqlite3_column_int64(st, 8);
	for (i = 0; i < NCASE_FIELDS; i++)
		f[i] = col_text(ar, st, 9 + i);
	f[RF_ATTACHMENTS] = "";
	out->field = f;
	sqlite3_reset(st);
	for (i = 0; i < RF__MAX; i++)
		if (f[i] == NULL)
			return STORE_ERR;
	return STORE_OK;
}

static int
sq_case_get(void *p, int64_t id, struct arena *ar, struct store_case *out)
{
	struct conn *c;
	int rc;

	if ((c = acquire(p)) == NULL)
		return STORE_ERR;
	rc = load_case(c, id, ar, out);
	release(p, c);
	return rc;
}

/* Looks up a case id by a hash in a token table, then loads the case. */
static int
case_by_hash(struct sq *s, enum q q, const unsigned char *hash, time_t now,
    struct arena *ar, struct store_case *out)
{
	struct conn *c;
	sqlite3_stmt *st;
	int64_t id = 0;
	int rc;

	if ((c = acquire(s)) == NULL)
		return STORE_ERR;
	st = c->st[q];
	sqlite3_bind_blob(st, 1, hash, STORE_HASH_LEN, SQLITE_STATIC);
	if (q == Q_CASE_ID_BY_TSESS)
		sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		rc = load_case(c, id, ar, out);
	else if (rc == SQLITE_DONE)
		rc = STORE_NONE;
	else {
		log_err("sqlite: token lookup: %s", sqlite3_errmsg(c->db));
		rc = STORE_ERR;
	}
	release(s, c);
	return rc;
}

static int
sq_case_by_token(void *p, const unsigned char *hash, struct arena *ar,
    struct store_case *out)
{
	return case_by_hash(p, Q_CASE_ID_BY_TOKEN, hash, 0, ar, out);
}

static int
sq_case_by_track_session(void *p, const unsigned char *hash, time_t now,
    struct arena *ar, struct store_case *out)
{
	return case_by_hash(p, Q_CASE_ID_BY_TSESS, hash, now, ar, out);
}

struct tsess_arg {
	int64_t case_id;
	const unsigned char *hash;
	time_t now, expires;
};

static int
tsess_fn(struct conn *c, void *p)
{
	struct tsess_arg *a = p;
	sqlite3_stmt *st = c->st[Q_TSESS_INSERT];

	sqlite3_bind_blob(st, 1, a->hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, a->case_id);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)a->now);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)a->expires);
	return step_done(c, Q_TSESS_INSERT, "insert tracking session");
}

static int
sq_track_session_add(void *p, int64_t case_id, const unsigned char *hash,
    time_t now, time_t expires)
{
	struct tsess_arg a = { case_id, hash, now, expires };

	return tx_write(p, tsess_fn, &a);
}

/* Runs a list query: bind id (and an int), calls row() per row. */
static int
list_query(struct sq *s, enum q q, int64_t id, int iarg, struct arena *ar,
    void **items, size_t *n, size_t itemsz,
    int (*row)(sqlite3_stmt *, struct arena *, void *))
{
	struct conn *c;
	sqlite3_stmt *st;
	size_t cap = 16, cnt = 0;
	char *arr, *narr;
	int rc;

	if ((c = acquire(s)) == NULL)
		return STORE_ERR;
	st = c->st[q];
	if (id >= 0)
		sqlite3_bind_int64(st, 1, id);
	if (iarg >= 0)
		sqlite3_bind_int(st, 2, iarg);
	arr = util_arena_alloc(ar, cap * itemsz);
	rc = STORE_OK;
	while (arr != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			if ((narr = util_arena_alloc(ar, 2 * cap * itemsz)) ==
			    NULL) {
				arr = NULL;
				break;
			}
			memcpy(narr, arr, cap * itemsz);
			arr = narr;
			cap *= 2;
		}
		if (row(st, ar, arr + cnt * itemsz) == -1) {
			arr = NULL;
			break;
		}
		cnt++;
	}
	sqlite3_reset(st);
	if (arr == NULL)
		rc = STORE_ERR;
	else if (rc != SQLITE_DONE) {
		log_err("sqlite: list query %d: %s", (int)q,
		    sqlite3_errmsg(c->db));
		rc = STORE_ERR;
	} else
		rc = STORE_OK;
	release(s, c);
	*items = arr;
	*n = cnt;
	return rc;
}

static int
event_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_event *e = p;

	e->at = (time_t)sqlite3_column_int64(st, 0);
	e->actor = col_text(ar, st, 1);
	e->kind = col_text(ar, st, 2);
	e->from_state = col_text(ar, st, 3);
	e->to_state = col_text(ar, st, 4);
	e->reason = col_text(ar, st, 5);
	return e->reason == NULL ? -1 : 0;
}

static int
sq_case_events(void *p, int64_t id, struct arena *ar, struct store_event **ev,
    size_t *n)
{
	return list_query(p, Q_EVENTS_BY_CASE, id, -1, ar, (void **)ev, n,
	    sizeof(**ev), event_row);
}

static int
message_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_message *m = p;

	m->id = sqlite3_column_int64(st, 0);
	m->at = (time_t)sqlite3_column_int64(st, 1);
	m->author_kind = col_text(ar, st, 2);
	m->author = col_text(ar, st, 3);
	m->body = col_text(ar, st, 4);
	m->internal = sqlite3_column_int(st, 5);
	return m->body == NULL ? -1 : 0;
}

static int
sq_case_messages(void *p, int64_t id, int internal, struct arena *ar,
    struct store_message **m, size_t *n)
{
	return list_query(p, Q_MESSAGES_BY_CASE, id, internal ? 1 : 0, ar,
	    (void **)m, n, sizeof(**m), message_row);
}

static int
att_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_attachment *a = p;
	const unsigned char *h;

	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	a->filename = col_text(ar, st, 1);
	a->content_type = col_text(ar, st, 2);
	a->size = (size_t)sqlite3_column_int64(st, 3);
	if ((h = sqlite3_column_text(st, 4)) != NULL)
		snprintf(a->sha256, sizeof(a->sha256), "%s", (const char *)h);
	a->message_id = sqlite3_column_int64(st, 5);
	a->created_at = (time_t)sqlite3_column_int64(st, 6);
	return a->content_type == NULL ? -1 : 0;
}

static int
sq_case_attachments(void *p, int64_t id, struct arena *ar,
    struct store_attachment **at, size_t *n)
{
	return list_query(p, Q_ATTS_BY_CASE, id, -1, ar, (void **)at, n,
	    sizeof(**at), att_row);
}

static int
sq_attachment_get(void *p, int64_t case_id, int64_t id, struct arena *ar,
    struct store_attachment *out)
{
	struct conn *c;
	sqlite3_stmt *st;
	const void *blob;
	void *copy;
	int rc;

	if ((c = acquire(p)) == NULL)
		return STORE_ERR;
	st = c->st[Q_ATT_GET];
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = att_row(st, ar, out) == -1 ? STORE_ERR : STORE_OK;
		blob = sqlite3_column_blob(st, 7);
		out->size = (size_t)sqlite3_column_bytes(st, 7);
		if (rc == STORE_OK && (copy = util_arena_alloc(ar, out->size))
		    != NULL) {
			if (out->size > 0)
				memcpy(copy, blob, out->size);
			out->data = copy;
		} else
			rc = STORE_ERR;
	} else if (rc == SQLITE_DONE)
		rc = STORE_NONE;
	else {
		log_err("sqlite: attachment: %s", sqlite3_errmsg(c->db));
		rc = STORE_ERR;
	}
	sqlite3_reset(st);
	release(p, c);
	return rc;
}

struct msg_arg {
	const struct store_new_message *m;
	int64_t id;
};

static int
message_fn(struct conn *c, void *p)
{
	struct msg_arg *a = p;
	const struct store_new_message *m = a->m;
	sqlite3_stmt *st = c->st[Q_MESSAGE_INSERT];
	int rc;

	sqlite3_bind_int64(st, 1, m->case_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)m->now);
	bind_text(st, 3, m->author_kind);
	bind_text(st, 4, m->author);
	bind_text(st, 5, m->body);
	sqlite3_bind_int(st, 6, m->internal ? 1 : 0);
	if ((rc = step_done(c, Q_MESSAGE_INSERT, "insert message")) != STORE_OK)
		return rc;
	a->id = sqlite3_last_insert_rowid(c->db);
	if ((rc = insert_attachments(c, m->case_id, a->id, m->attachments,
	    m->nattachments, m->now)) != STORE_OK)
		return rc;
	if ((rc = insert_event(c, m->case_id, m->now, m->author, "message",
	    "", "", m->internal ? "internal note" : m->author_kind)) != STORE_OK)
		return rc;
	st = c->st[Q_CASE_TOUCH];
	sqlite3_bind_int64(st, 1, m->case_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)m->now);
	return step_done(c, Q_CASE_TOUCH, "touch case");
}

static int
sq_message_add(void *p, const struct store_new_message *m, int64_t *idp)
{
	struct msg_arg a = { m, 0 };
	int rc;

	rc = tx_write(p, message_fn, &a);
	if (rc == STORE_OK && idp != NULL)
		*idp = a.id;
	return rc;
}

/* ---- products and users ---- */

static int
product_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_product *pr = p;

	pr->id = sqlite3_column_int64(st, 0);
	pr->name = col_text(ar, st, 1);
	pr->vendor = col_text(ar, st, 2);
	return pr->vendor == NULL ? -1 : 0;
}

static int
sq_products_list(void *p, struct arena *ar, struct store_product **pr,
    size_t *n)
{
	return list_query(p, Q_PRODUCTS_LIST, -1, -1, ar, (void **)pr, n,
	    sizeof(**pr), product_row);
}

struct prod_arg {
	const char *name, *vendor;
	time_t now;
	int64_t id;
};

static int
product_fn(struct conn *c, void *p)
{
	struct prod_arg *a = p;
	sqlite3_stmt *st = c->st[Q_PRODUCT_INSERT];
	int rc;

	bind_text(st, 1, a->name);
	bind_text(st, 2, a->vendor);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)a->now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return STORE_NONE;	/* exists already */
	if (rc != SQLITE_DONE)
		return step_fail(c, rc, "insert product");
	a->id = sqlite3_last_insert_rowid(c->db);
	return STORE_OK;
}

static int
sq_product_add(void *p, const char *name, const char *vendor, time_t now,
    int64_t *idp)
{
	struct prod_arg a = { name, vendor, now, 0 };
	int rc;

	rc = tx_write(p, product_fn, &a);
	if (rc == STORE_OK && idp != NULL)
		*idp = a.id;
	return rc;
}

struct user_arg {
	const struct store_user_new *u;
	int64_t id;
};

static int
user_fn(struct conn *c, void *p)
{
	struct user_arg *a = p;
	sqlite3_stmt *st = c->st[Q_USER_INSERT];
	int rc;

	bind_text(st, 1, a->u->email);
	bind_text(st, 2, a->u->name);
	bind_text(st, 3, a->u->roles);
	bind_text(st, 4, a->u->password_hash);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)a->u->now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return STORE_NONE;
	if (rc != SQLITE_DONE)
		return step_fail(c, rc, "insert user");
	a->id = sqlite3_last_insert_rowid(c->db);
	return STORE_OK;
}

static int
sq_user_add(void *p, const struct store_user_new *u, int64_t *idp)
{
	struct user_arg a = { u, 0 };
	int rc;

	rc = tx_write(p, user_fn, &a);
	if (rc == STORE_OK && idp != NULL)
		*idp = a.id;
	return rc;
}

const struct store_ops store_sqlite_ops = {
	.scheme = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.migrate = sq_migrate,
	.schema_version = sq_schema_version,
	.healthy = sq_healthy,
	.case_create = sq_case_create,
	.case_by_token = sq_case_by_token,
	.case_get = sq_case_get,
	.track_session_add = sq_track_session_add,
	.case_by_track_session = sq_case_by_track_session,
	.case_events = sq_case_events,
	.case_messages = sq_case_messages,
	.case_attachments = sq_case_attachments,
	.attachment_get = sq_attachment_get,
	.message_add = sq_message_add,
	.products_list = sq_products_list,
	.product_add = sq_product_add,
	.user_add = sq_user_add,
	.user_count = sq_user_count,
	.case_count = sq_case_count,
};
