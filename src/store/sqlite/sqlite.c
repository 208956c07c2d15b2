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

#include "core/lifecycle.h"
#include "core/metrics.h"
#include "core/report.h"
#include "util/arena.h"
#include "util/crypto.h"
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
	Q_USER_BY_EMAIL,
	Q_USER_BY_ID,
	Q_USERS_LIST,
	Q_USER_DISABLE,
	Q_USER_SET_PASSWORD,
	Q_SESSION_INSERT,
	Q_SESSION_USER,
	Q_SESSION_TOUCH,
	Q_SESSION_DELETE,
	Q_SESSIONS_PURGE,
	Q_SESSIONS_OTHERS,
	Q_TOKEN_API_INSERT,
	Q_TOKEN_API_USER,
	Q_LOGIN_FAIL_INSERT,
	Q_LOGIN_FAIL_COUNT,
	Q_LOGIN_FAIL_CLEAR,
	Q_AUDIT_LAST,
	Q_AUDIT_INSERT,
	Q_AUDIT_HEAD_SET,
	Q_AUDIT_HEAD_GET,
	Q_AUDIT_ALL,
	Q_AUDIT_BY_CASE,
	Q_CASE_STATE_SET,
	Q_CASE_ASSIGN,
	Q_CASE_SCORE,
	Q_CASE_DUPLICATE,
	Q_CASE_STATE_OF,
	Q_CASE_ID_BY_TRACKING,
	Q_STATE_COUNTS,
	Q_OUTBOX_FROM_CASE,
	Q_OUTBOX_ADD,
	Q_OUTBOX_CLAIM,
	Q_OUTBOX_RESULT,
	Q_OUTBOX_BY_CASE,
	Q_OUTBOX_BACKLOG,
	Q_MAIL_SAVE,
	Q_MAIL_UPDATE,
	Q_MAIL_GET,
	Q_MAIL_FLAGGED,
	Q_MAIL_BY_CASE,
	Q_CASE_BY_MSGID,
	Q_AUTOREPLIES,
	Q_THREAD_FIRST,
	Q_THREAD_LAST,
	Q_NOTE_INSERT,
	Q_CASE_SET_MAIL,
	Q_PLAN_UPSERT,
	Q_PLAN_GET,
	Q_PLAN_BY_NAME,
	Q_VERSION_ADD,
	Q_VERSIONS,
	Q_VERSION_GET,
	Q_POC_ADD,
	Q_POCS_FOR_RUN,
	Q_POCS_FOR_CASE,
	Q_POCS_MARK_PASSED,
	Q_PATCH_NEXT_REV,
	Q_PATCH_INSERT,
	Q_RUN_INSERT,
	Q_PATCHES,
	Q_PATCH_GET,
	Q_RUNS_FOR_CASE,
	Q_RUN_GET,
	Q_RUN_CLAIM,
	Q_RUN_REQUEUE,
	Q_STEP_ADD,
	Q_STEPS,
	Q_RUN_FINISH,
	Q_RUN_FACTS,
	Q_SIGNOFF_INSERT,
	Q_RUNS_BACKLOG,
	Q_VERIF_INSERT,
	Q_VERIF_CURRENT,
	Q_VERIF_ANSWER,
	Q_VERIF_WAIVE,
	Q_VERIF_DUE,
	Q_VERIF_REMINDED,
	Q_VERIF_CASE,
	Q_CASE_COMPLETE,
	Q_REL_INSERT,
	Q_RELS,
	Q_REL_GET,
	Q_REL_STATUS,
	Q_REL_CASE_SET,
	Q_ADV_DRAFT,
	Q_REL_CASE_IDS,
	Q_RELS_DUE,
	Q_RELS_NOTICE_DUE,
	Q_REL_NOTICED,
	Q_ADV_SEQ,
	Q_ADV_ASSIGN,
	Q_ADV_REV_INSERT,
	Q_REL_PUBLISHED,
	Q_ADV_BY_CASE,
	Q_ADV_GET,
	Q_ADVS,
	Q_ADV_UPDATE,
	Q_ADV_REVS,
	Q_ADV_ROW_OF_CASE,
	Q_SUB_ADD,
	Q_SUB_CONFIRM,
	Q_SUB_REMOVE,
	Q_SUBS,
	Q_PM_UPSERT,
	Q_PM_GET,
	Q_PM_SCAN,
	Q_PM_EXAMPLES,
	Q_PM_EMBARRASSING,
	Q_PM_CASE,
	Q_DIRTY_BATCH,
	Q_DIRTY_DEL,
	Q_MX_CASE,
	Q_MX_TRANS,
	Q_MX_ACK,
	Q_MX_RESEARCHER,
	Q_MX_UPSERT,
	Q_MX_SCAN,
	Q_MX_DUE,
	Q_MX_DUE_COUNT,
	Q_GAUGE_OUTBOX,
	Q_GAUGE_SLA,
	Q_HIST_CASE,
	Q_HIST_ACK,
	Q_HIST_CASE_ID,
	Q__MAX
};

/*
 * The queue's statements.  One statement per "shape" (which filters are
 * set, the sort order, page or count), so that every filter is a plain
 * constraint the planner can serve from an index; a single statement
 * with "?1 IS NULL OR ..." for every filter scanned the whole table.
 * The SQL text is assembled from the fixed fragments below only (no
 * request data ever reaches it); a shape is prepared the first time a
 * connection needs it and kept, and a unit test prepares every shape, so
 * a typo fails the tests, never a request.
 */
enum qf {
	QF_STATE = 1 << 0, QF_OPEN = 1 << 1, QF_PRODUCT = 1 << 2,
	QF_SEVERITY = 1 << 3, QF_CHANNEL = 1 << 4, QF_ASSIGNEE = 1 << 5,
	QF_UNASSIGNED = 1 << 6, QF_OVERDUE = 1 << 7, QF_FTS = 1 << 8,
	QF__ALL = (1 << 9) - 1
};
#define QV_SHAPES	(QF__ALL + 1)
#define QV_MAX		(QV_SHAPES * (SORT__MAX + 1))

#define CASE_FIELDS \
	"reporter_name, reporter_email, pgp_key, credit, product, " \
	"product_other, versions, cwe, impact, title, description, steps, " \
	"poc, root_cause, publicly_known, exploited, disclosure_plans, " \
	"disclosure_date, cvss_vector"
#define NCASE_FIELDS	19	/* every enum report_field but RF_ATTACHMENTS */

#define OPEN_STATES \
	"('new', 'triage', 'needs_info', 'confirmed', 'fixing', 'testing', " \
	"'verifying', 'ready', 'scheduled')"
#define PM_SELECT \
	"SELECT p.case_id, c.tracking_id, p.cwe, p.component, " \
	"p.introduced_in, p.how_found, p.practice, " \
	"coalesce(p.regression_of, 0), coalesce(r.tracking_id, ''), " \
	"p.reissued, p.root_cause, p.fix, p.lessons, p.tags, p.author, " \
	"p.released_at, p.created_at, p.updated_at, c.reporter_name, " \
	"c.reporter_email, c.credit FROM post_mortems p " \
	"JOIN cases c ON c.id = p.case_id " \
	"LEFT JOIN cases r ON r.id = p.regression_of "

static const char *const qsql[Q__MAX] = {
	[Q_SEQ_NEXT] =
	    "INSERT INTO tracking_seq (prefix, year, last) VALUES (?1, ?2, 1) "
	    "ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1 "
	    "RETURNING last",
	[Q_CASE_INSERT] =
	    "INSERT INTO cases (tracking_id, state, channel, tier, product_id, "
	    CASE_FIELDS ", created_at, updated_at, due_at) VALUES (?1, ?2, ?3, "
	    "?4, (SELECT id FROM products WHERE name = ?9), "
	    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
	    "?19, ?20, ?21, ?22, ?23, ?24, ?24, nullif(?25, 0))",
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
	    "c.exploited, c.disclosure_plans, c.disclosure_date, c.cvss_vector, "
	    "coalesce(c.assignee_id, 0), coalesce(u.name, ''), c.staff_cvss, "
	    "c.staff_cwe, c.severity, c.score, coalesce(c.due_at, 0) "
	    "FROM cases c LEFT JOIN cases d ON d.id = c.duplicate_of "
	    "LEFT JOIN users u ON u.id = c.assignee_id "
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
	    "internal, channel, mail_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "coalesce(?7, 'web'), nullif(?8, 0))",
	[Q_CASE_TOUCH] =
	    "UPDATE cases SET updated_at = ?2 WHERE id = ?1",
	[Q_PRODUCTS_LIST] =
	    "SELECT id, name, vendor FROM products ORDER BY name",
	[Q_PRODUCT_INSERT] =
	    "INSERT INTO products (name, vendor, created_at) VALUES (?1, ?2, ?3)",
	[Q_USER_INSERT] =
	    "INSERT INTO users (email, name, roles, password_hash, created_at, "
	    "must_change) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_USER_COUNT] = "SELECT count(*) FROM users",
	[Q_CASE_COUNT] = "SELECT count(*) FROM cases",
	[Q_USER_BY_EMAIL] =
	    "SELECT id, email, name, roles, password_hash, disabled, created_at, "
	    "must_change FROM users WHERE email = ?1",
	[Q_USER_BY_ID] =
	    "SELECT id, email, name, roles, '', disabled, created_at, "
	    "must_change FROM users WHERE id = ?1",
	[Q_USERS_LIST] =
	    "SELECT id, email, name, roles, '', disabled, created_at, "
	    "must_change FROM users ORDER BY email",
	[Q_USER_DISABLE] =
	    "UPDATE users SET disabled = 1 WHERE email = ?1",
	[Q_USER_SET_PASSWORD] =
	    "UPDATE users SET password_hash = ?2, must_change = 0 WHERE id = ?1",
	[Q_SESSION_INSERT] =
	    "INSERT INTO sessions (hash, user_id, created_at, last_seen) "
	    "VALUES (?1, ?2, ?3, ?3)",
	[Q_SESSION_USER] =
	    "SELECT u.id, u.email, u.name, u.roles, '', u.disabled, "
	    "u.created_at, u.must_change, s.last_seen FROM sessions s "
	    "JOIN users u ON u.id = s.user_id "
	    "WHERE s.hash = ?1 AND s.created_at > ?2 AND s.last_seen > ?3 "
	    "AND u.disabled = 0",
	[Q_SESSION_TOUCH] =
	    "UPDATE sessions SET last_seen = ?2 WHERE hash = ?1",
	[Q_SESSION_DELETE] =
	    "DELETE FROM sessions WHERE hash = ?1",
	[Q_SESSIONS_OTHERS] =
	    "DELETE FROM sessions WHERE user_id = ?1 AND hash <> ?2",
	[Q_SESSIONS_PURGE] =
	    "DELETE FROM sessions WHERE created_at <= ?1 OR last_seen <= ?2",
	[Q_TOKEN_API_INSERT] =
	    "INSERT INTO api_tokens (hash, user_id, name, created_at) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[Q_TOKEN_API_USER] =
	    "SELECT u.id, u.email, u.name, u.roles, '', u.disabled, "
	    "u.created_at, 0 FROM api_tokens t JOIN users u ON u.id = t.user_id "
	    "WHERE t.hash = ?1 AND t.revoked_at IS NULL AND u.disabled = 0",
	[Q_LOGIN_FAIL_INSERT] =
	    "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
	[Q_LOGIN_FAIL_COUNT] =
	    "SELECT count(*) FROM login_failures WHERE key = ?1 AND at >= ?2",
	[Q_LOGIN_FAIL_CLEAR] =
	    "DELETE FROM login_failures WHERE key = ?1",
	[Q_AUDIT_LAST] =
	    "SELECT hash FROM audit ORDER BY id DESC LIMIT 1",
	[Q_AUDIT_INSERT] =
	    "INSERT INTO audit (at, actor, action, case_id, details, "
	    "prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[Q_AUDIT_HEAD_SET] =
	    "INSERT INTO audit_head (id, rows, hash) VALUES (1, 1, ?1) "
	    "ON CONFLICT (id) DO UPDATE SET rows = rows + 1, hash = ?1",
	[Q_AUDIT_HEAD_GET] =
	    "SELECT rows, hash FROM audit_head WHERE id = 1",
	[Q_AUDIT_ALL] =
	    "SELECT id, at, actor, action, case_id, details, prev_hash, hash "
	    "FROM audit ORDER BY id",
	[Q_AUDIT_BY_CASE] =
	    "SELECT id, at, actor, action, case_id, details, prev_hash, hash "
	    "FROM audit WHERE case_id = ?1 ORDER BY id DESC LIMIT ?2",
	[Q_CASE_STATE_SET] =
	    "UPDATE cases SET state = ?3, updated_at = ?4 "
	    "WHERE id = ?1 AND state = ?2 AND (?3 <> 'closed' OR EXISTS "
	    "(SELECT 1 FROM post_mortems WHERE case_id = ?1))",
	[Q_CASE_ASSIGN] =
	    "UPDATE cases SET assignee_id = nullif(?2, 0), updated_at = ?3 "
	    "WHERE id = ?1",
	[Q_CASE_SCORE] =
	    "UPDATE cases SET staff_cvss = ?2, score = ?3, severity = ?4, "
	    "staff_cwe = ?5, due_at = nullif(?6, 0), updated_at = ?7 "
	    "WHERE id = ?1",
	[Q_CASE_DUPLICATE] =
	    "UPDATE cases SET duplicate_of = nullif(?2, 0), updated_at = ?3 "
	    "WHERE id = ?1",
	[Q_CASE_STATE_OF] =
	    "SELECT state FROM cases WHERE id = ?1",
	[Q_CASE_ID_BY_TRACKING] =
	    "SELECT id FROM cases WHERE tracking_id = ?1",
	[Q_STATE_COUNTS] =
	    "SELECT state, n FROM state_counts WHERE n > 0 ORDER BY state",
	[Q_OUTBOX_FROM_CASE] =
	    "INSERT INTO outbox (case_id, kind, created_at, to_addr, to_name, "
	    "pgp_key, body, secret, message_id, next_attempt_at) "
	    "SELECT id, ?2, ?3, reporter_email, reporter_name, pgp_key, ?4, ?5, "
	    "?6, ?3 FROM cases WHERE id = ?1 AND reporter_email <> ''",
	[Q_OUTBOX_ADD] =
	    "INSERT INTO outbox (case_id, kind, created_at, to_addr, to_name, "
	    "pgp_key, body, secret, message_id, next_attempt_at) "
	    "VALUES (nullif(?1, 0), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?3)",
	[Q_OUTBOX_CLAIM] =
	    "UPDATE outbox SET status = 'sending', claimed_at = ?1, "
	    "attempts = attempts + 1 WHERE id IN (SELECT id FROM outbox "
	    "WHERE (status = 'pending' AND next_attempt_at <= ?1) OR "
	    "(status = 'sending' AND claimed_at < ?2) "
	    "ORDER BY next_attempt_at, id LIMIT ?3) "
	    "RETURNING id, coalesce(case_id, 0), kind, created_at, to_addr, "
	    "to_name, pgp_key, body, secret, message_id, status, attempts, "
	    "next_attempt_at, coalesce(sent_at, 0), last_error",
	[Q_OUTBOX_RESULT] =
	    "UPDATE outbox SET status = ?2, next_attempt_at = ?3, "
	    "last_error = ?4, claimed_at = NULL, "
	    "sent_at = CASE WHEN ?2 = 'sent' THEN ?5 ELSE sent_at END, "
	    "secret = CASE WHEN ?2 = 'pending' THEN secret ELSE '' END "
	    "WHERE id = ?1",
	[Q_OUTBOX_BY_CASE] =
	    "SELECT id, coalesce(case_id, 0), kind, created_at, to_addr, "
	    "to_name, '', body, '', message_id, status, attempts, "
	    "next_attempt_at, coalesce(sent_at, 0), last_error FROM outbox "
	    "WHERE case_id = ?1 ORDER BY id",
	[Q_OUTBOX_BACKLOG] =
	    "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')",
	[Q_MAIL_SAVE] =
	    "INSERT INTO inbound_mail (received_at, raw, size, sha256) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[Q_MAIL_UPDATE] =
	    "UPDATE inbound_mail SET status = ?2, case_id = nullif(?3, 0), "
	    "message_id = ?4, from_addr = ?5, subject = ?6, flag = ?7, "
	    "pgp = ?8, sig = ?9, sig_fpr = ?10, sig_whole = ?11 WHERE id = ?1",
	[Q_MAIL_GET] =
	    "SELECT id, received_at, size, status, message_id, from_addr, "
	    "subject, flag, pgp, sig, sig_fpr, sig_whole, "
	    "coalesce(case_id, 0), raw FROM inbound_mail WHERE id = ?1",
	[Q_MAIL_FLAGGED] =
	    "SELECT id, received_at, size, status, message_id, from_addr, "
	    "subject, flag, pgp, sig, sig_fpr, sig_whole, "
	    "coalesce(case_id, 0) FROM inbound_mail WHERE status = 'flagged' "
	    "OR (status = 'stored' AND received_at < unixepoch() - 60) "
	    "ORDER BY id DESC LIMIT ?2",
	[Q_MAIL_BY_CASE] =
	    "SELECT id, received_at, size, status, message_id, from_addr, "
	    "subject, flag, pgp, sig, sig_fpr, sig_whole, "
	    "coalesce(case_id, 0) FROM inbound_mail WHERE case_id = ?1 "
	    "ORDER BY id",
	[Q_CASE_BY_MSGID] =
	    "SELECT case_id FROM outbox WHERE message_id = ?1 AND case_id IS "
	    "NOT NULL UNION ALL SELECT case_id FROM inbound_mail WHERE "
	    "message_id = ?1 AND case_id IS NOT NULL LIMIT 1",
	[Q_AUTOREPLIES] =
	    "SELECT count(*) FROM outbox WHERE to_addr = ?1 COLLATE NOCASE "
	    "AND kind = 'ack' AND created_at >= ?2",
	[Q_THREAD_FIRST] =
	    "SELECT m FROM (SELECT message_id AS m, received_at AS t, 0 AS o "
	    "FROM inbound_mail WHERE case_id = ?1 AND message_id <> '' "
	    "UNION ALL SELECT message_id, created_at, 1 FROM outbox "
	    "WHERE case_id = ?1) ORDER BY t, o LIMIT 1",
	[Q_THREAD_LAST] =
	    "SELECT m FROM (SELECT message_id AS m, received_at AS t, 0 AS o, "
	    "id FROM inbound_mail WHERE case_id = ?1 AND message_id <> '' "
	    "UNION ALL SELECT message_id, created_at, 1, id FROM outbox "
	    "WHERE case_id = ?1 AND status = 'sent') "
	    "ORDER BY t DESC, o DESC, id DESC LIMIT 1",
	[Q_NOTE_INSERT] =
	    "INSERT INTO messages (case_id, at, author_kind, author, body, "
	    "internal, channel) VALUES (?1, ?2, 'staff', 'system', ?3, 1, 'web')",
	[Q_CASE_SET_MAIL] =
	    "UPDATE cases SET mail_id = ?2 WHERE id = ?1",
	[Q_PLAN_UPSERT] =
	    "INSERT INTO products (name, vendor, created_at, source, build_cmd, "
	    "test_cmd, poc_cmd, oracle) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
	    "ON CONFLICT (name) DO UPDATE SET vendor = excluded.vendor, "
	    "source = excluded.source, build_cmd = excluded.build_cmd, "
	    "test_cmd = excluded.test_cmd, poc_cmd = excluded.poc_cmd, "
	    "oracle = excluded.oracle RETURNING id",
	[Q_PLAN_GET] =
	    "SELECT id, name, vendor, source, build_cmd, test_cmd, poc_cmd, "
	    "oracle FROM products WHERE id = ?1",
	[Q_PLAN_BY_NAME] =
	    "SELECT id, name, vendor, source, build_cmd, test_cmd, poc_cmd, "
	    "oracle FROM products WHERE name = ?1",
	[Q_VERSION_ADD] =
	    "INSERT INTO product_versions (product_id, name, ref, created_at) "
	    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (product_id, name) DO UPDATE "
	    "SET ref = excluded.ref RETURNING id",
	[Q_VERSIONS] =
	    "SELECT id, product_id, name, ref FROM product_versions "
	    "WHERE product_id = ?1 ORDER BY name",
	[Q_VERSION_GET] =
	    "SELECT id, product_id, name, ref FROM product_versions "
	    "WHERE id = ?1",
	[Q_POC_ADD] =
	    "INSERT INTO pocs (case_id, name, data, created_at, created_by) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_POCS_FOR_RUN] =
	    "SELECT p.id, p.case_id, c.tracking_id, p.name, p.data, "
	    "p.case_id <> ?1 FROM pocs p JOIN cases c ON c.id = p.case_id "
	    "WHERE p.case_id = ?1 OR (p.passed_run_id IS NOT NULL AND "
	    "c.product_id = ?2) ORDER BY p.case_id <> ?1, p.id",
	[Q_POCS_FOR_CASE] =
	    "SELECT p.id, p.case_id, c.tracking_id, p.name, p.data, 0 "
	    "FROM pocs p JOIN cases c ON c.id = p.case_id WHERE p.case_id = ?1 "
	    "ORDER BY p.id",
	[Q_POCS_MARK_PASSED] =
	    "UPDATE pocs SET passed_run_id = ?2 WHERE case_id = ?1 AND "
	    "passed_run_id IS NULL",
	[Q_PATCH_NEXT_REV] =
	    "SELECT coalesce(max(revision), 0) + 1 FROM patches "
	    "WHERE case_id = ?1",
	[Q_PATCH_INSERT] =
	    "INSERT INTO patches (case_id, revision, author_id, kind, content, "
	    "note, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[Q_RUN_INSERT] =
	    "INSERT INTO test_runs (patch_id, version_id, queued_at) "
	    "SELECT ?1, id, ?3 FROM product_versions WHERE id = ?2",
	[Q_PATCHES] =
	    "SELECT p.id, p.case_id, p.revision, p.author_id, u.name, p.kind, "
	    "p.content, p.note, p.created_at FROM patches p JOIN users u "
	    "ON u.id = p.author_id WHERE p.case_id = ?1 ORDER BY p.revision DESC",
	[Q_PATCH_GET] =
	    "SELECT p.id, p.case_id, p.revision, p.author_id, u.name, p.kind, "
	    "p.content, p.note, p.created_at FROM patches p JOIN users u "
	    "ON u.id = p.author_id WHERE p.id = ?1",
	[Q_RUNS_FOR_CASE] = "SELECT r.id, r.patch_id, p.revision, p.case_id, r.version_id, v.name, " \
	    "r.status, r.queued_at, coalesce(r.started_at, 0), " \
	    "coalesce(r.finished_at, 0), r.regressions_ok, r.pocs_before_ok, " \
	    "r.pocs_after_ok, r.summary, r.regression_of, " \
	    "coalesce(s.verdict, ''), coalesce(s.tester_id, 0), " \
	    "coalesce(u.name, ''), coalesce(s.comment, '') FROM test_runs r " \
	    "JOIN patches p ON p.id = r.patch_id " \
	    "JOIN product_versions v ON v.id = r.version_id " \
	    "LEFT JOIN signoffs s ON s.run_id = r.id " \
	    "LEFT JOIN users u ON u.id = s.tester_id " "WHERE p.case_id = ?1 ORDER BY r.id DESC",
	[Q_RUN_GET] = "SELECT r.id, r.patch_id, p.revision, p.case_id, r.version_id, v.name, " \
	    "r.status, r.queued_at, coalesce(r.started_at, 0), " \
	    "coalesce(r.finished_at, 0), r.regressions_ok, r.pocs_before_ok, " \
	    "r.pocs_after_ok, r.summary, r.regression_of, " \
	    "coalesce(s.verdict, ''), coalesce(s.tester_id, 0), " \
	    "coalesce(u.name, ''), coalesce(s.comment, '') FROM test_runs r " \
	    "JOIN patches p ON p.id = r.patch_id " \
	    "JOIN product_versions v ON v.id = r.version_id " \
	    "LEFT JOIN signoffs s ON s.run_id = r.id " \
	    "LEFT JOIN users u ON u.id = s.tester_id " "WHERE r.id = ?1",
	[Q_RUN_CLAIM] =
	    "UPDATE test_runs SET status = 'running', started_at = ?1 "
	    "WHERE id = (SELECT id FROM test_runs WHERE status = 'queued' "
	    "ORDER BY queued_at, id LIMIT 1) RETURNING id",
	[Q_RUN_REQUEUE] =
	    "UPDATE test_runs SET status = 'queued' WHERE status = 'running' "
	    "AND started_at < ?1",
	[Q_STEP_ADD] =
	    "INSERT INTO test_steps (run_id, seq, name, verdict, exit_status, "
	    "signal, timed_out, truncated, duration, output) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[Q_STEPS] =
	    "SELECT id, seq, name, verdict, exit_status, signal, timed_out, "
	    "truncated, duration, output FROM test_steps WHERE run_id = ?1 "
	    "ORDER BY seq",
	[Q_RUN_FINISH] =
	    "UPDATE test_runs SET status = ?2, finished_at = ?3, "
	    "regressions_ok = ?4, pocs_before_ok = ?5, pocs_after_ok = ?6, "
	    "summary = ?7, regression_of = ?8 WHERE id = ?1",
	[Q_RUN_FACTS] =
	    "SELECT r.status, p.author_id, p.case_id FROM test_runs r "
	    "JOIN patches p ON p.id = r.patch_id WHERE r.id = ?1",
	[Q_SIGNOFF_INSERT] =
	    "INSERT INTO signoffs (run_id, tester_id, verdict, comment, at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_RUNS_BACKLOG] =
	    "SELECT coalesce(sum(status = 'queued'), 0), "
	    "coalesce(sum(status = 'running'), 0) FROM test_runs "
	    "WHERE status IN ('queued', 'running')",
	[Q_VERIF_INSERT] =
	    "INSERT INTO verifications (case_id, patch_id, sent_at, deadline) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[Q_VERIF_CURRENT] = "SELECT v.id, v.case_id, v.patch_id, p.revision, v.sent_at, " \
	    "v.deadline, coalesce(v.reminded_at, 0), v.answer, " \
	    "coalesce(v.answered_at, 0), v.notes, v.waived_by, v.waive_reason, " \
	    "coalesce(v.waived_at, 0) FROM verifications v " \
	    "JOIN patches p ON p.id = v.patch_id " "WHERE v.case_id = ?1 ORDER BY v.id DESC LIMIT 1",
	[Q_VERIF_ANSWER] =
	    "UPDATE verifications SET answer = ?2, notes = ?3, answered_at = ?4 "
	    "WHERE id = ?1 AND answer = '' AND waived_at IS NULL",
	[Q_VERIF_WAIVE] =
	    "UPDATE verifications SET waived_by = ?2, waive_reason = ?3, "
	    "waived_at = ?4 WHERE id = ?1 AND waived_at IS NULL",
	[Q_VERIF_DUE] = "SELECT v.id, v.case_id, v.patch_id, p.revision, v.sent_at, " \
	    "v.deadline, coalesce(v.reminded_at, 0), v.answer, " \
	    "coalesce(v.answered_at, 0), v.notes, v.waived_by, v.waive_reason, " \
	    "coalesce(v.waived_at, 0) FROM verifications v " \
	    "JOIN patches p ON p.id = v.patch_id " "WHERE v.answer = '' AND v.waived_at IS NULL AND "
	    "v.reminded_at IS NULL AND v.deadline <= ?2 ORDER BY v.id",
	[Q_VERIF_REMINDED] =
	    "UPDATE verifications SET reminded_at = ?2 WHERE id = ?1",
	[Q_VERIF_CASE] =
	    "SELECT case_id FROM verifications WHERE id = ?1",
	[Q_REL_INSERT] =
	    "INSERT INTO releases (kind, window_at, notice_at, justification, "
	    "created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_RELS] = "SELECT r.id, r.kind, r.window_at, r.notice_at, r.status, " \
	    "r.justification, r.created_by, r.created_at, " \
	    "coalesce(r.published_at, 0), coalesce(r.noticed_at, 0), " \
	    "(SELECT count(*) FROM cases WHERE release_id = r.id) " \
	    "FROM releases r " "ORDER BY r.window_at DESC, r.id DESC",
	[Q_REL_GET] = "SELECT r.id, r.kind, r.window_at, r.notice_at, r.status, " \
	    "r.justification, r.created_by, r.created_at, " \
	    "coalesce(r.published_at, 0), coalesce(r.noticed_at, 0), " \
	    "(SELECT count(*) FROM cases WHERE release_id = r.id) " \
	    "FROM releases r " "WHERE r.id = ?1",
	[Q_REL_STATUS] =
	    "SELECT status FROM releases WHERE id = ?1",
	[Q_REL_CASE_SET] =
	    "UPDATE cases SET release_id = ?2 WHERE id = ?1 AND "
	    "release_id IS NULL AND state = 'ready'",
	[Q_ADV_DRAFT] =
	    "INSERT INTO advisories (case_id, release_id, title, summary, cve, "
	    "workarounds, mitigations, known_issues, acknowledgment, affected, "
	    "fixed, restart_required, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (case_id) DO "
	    "UPDATE SET release_id = excluded.release_id",
	[Q_REL_CASE_IDS] =
	    "SELECT id FROM cases WHERE release_id = ?1 ORDER BY id",
	[Q_RELS_DUE] = "SELECT r.id, r.kind, r.window_at, r.notice_at, r.status, " \
	    "r.justification, r.created_by, r.created_at, " \
	    "coalesce(r.published_at, 0), coalesce(r.noticed_at, 0), " \
	    "(SELECT count(*) FROM cases WHERE release_id = r.id) " \
	    "FROM releases r " "WHERE r.status = 'planned' AND r.kind = 'scheduled' AND r.window_at <= ?2 "
	    "ORDER BY r.window_at",
	[Q_RELS_NOTICE_DUE] = "SELECT r.id, r.kind, r.window_at, r.notice_at, r.status, " \
	    "r.justification, r.created_by, r.created_at, " \
	    "coalesce(r.published_at, 0), coalesce(r.noticed_at, 0), " \
	    "(SELECT count(*) FROM cases WHERE release_id = r.id) " \
	    "FROM releases r " "WHERE r.status = 'planned' AND r.kind = 'scheduled' AND r.noticed_at IS NULL "
	    "AND r.notice_at <= ?2 ORDER BY r.window_at",
	[Q_REL_NOTICED] =
	    "UPDATE releases SET noticed_at = ?2 WHERE id = ?1",
	[Q_ADV_SEQ] =
	    "INSERT INTO advisory_seq (prefix, year, last) VALUES (?1, ?2, 1) "
	    "ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1 "
	    "RETURNING last",
	[Q_ADV_ASSIGN] =
	    "UPDATE advisories SET advisory_id = ?2, published_at = ?3, "
	    "updated_at = ?3 WHERE case_id = ?1 AND advisory_id IS NULL "
	    "RETURNING id",
	[Q_ADV_REV_INSERT] =
	    "INSERT INTO advisory_revisions (advisory_row, number, at, summary) "
	    "VALUES (?1, (SELECT coalesce(max(number), 0) + 1 FROM "
	    "advisory_revisions WHERE advisory_row = ?1), ?2, ?3)",
	[Q_REL_PUBLISHED] =
	    "UPDATE releases SET status = 'published', published_at = ?2 "
	    "WHERE id = ?1 AND status = 'planned'",
	[Q_ADV_BY_CASE] = "SELECT a.id, coalesce(a.advisory_id, ''), a.case_id, " \
	    "coalesce(a.release_id, 0), a.title, a.summary, a.cve, " \
	    "a.workarounds, a.mitigations, a.known_issues, a.acknowledgment, " \
	    "a.affected, a.fixed, a.restart_required, " \
	    "(SELECT coalesce(max(number), 0) FROM advisory_revisions " \
	    "WHERE advisory_row = a.id), coalesce(a.published_at, 0), " \
	    "a.updated_at FROM advisories a " "WHERE a.case_id = ?1",
	[Q_ADV_GET] = "SELECT a.id, coalesce(a.advisory_id, ''), a.case_id, " \
	    "coalesce(a.release_id, 0), a.title, a.summary, a.cve, " \
	    "a.workarounds, a.mitigations, a.known_issues, a.acknowledgment, " \
	    "a.affected, a.fixed, a.restart_required, " \
	    "(SELECT coalesce(max(number), 0) FROM advisory_revisions " \
	    "WHERE advisory_row = a.id), coalesce(a.published_at, 0), " \
	    "a.updated_at FROM advisories a " "WHERE a.advisory_id = ?1",
	[Q_ADVS] = "SELECT a.id, coalesce(a.advisory_id, ''), a.case_id, " \
	    "coalesce(a.release_id, 0), a.title, a.summary, a.cve, " \
	    "a.workarounds, a.mitigations, a.known_issues, a.acknowledgment, " \
	    "a.affected, a.fixed, a.restart_required, " \
	    "(SELECT coalesce(max(number), 0) FROM advisory_revisions " \
	    "WHERE advisory_row = a.id), coalesce(a.published_at, 0), " \
	    "a.updated_at FROM advisories a " "WHERE a.advisory_id IS NOT NULL "
	    "ORDER BY a.published_at DESC, a.id DESC",
	[Q_ADV_UPDATE] =
	    "UPDATE advisories SET title = ?2, summary = ?3, cve = ?4, "
	    "workarounds = ?5, mitigations = ?6, known_issues = ?7, "
	    "acknowledgment = ?8, affected = ?9, fixed = ?10, "
	    "restart_required = ?11, updated_at = ?12 WHERE case_id = ?1 "
	    "AND ((?13 = 0 AND advisory_id IS NULL) OR "
	    "(?13 = 1 AND advisory_id IS NOT NULL)) RETURNING id",
	[Q_ADV_REVS] =
	    "SELECT number, at, summary FROM advisory_revisions "
	    "WHERE advisory_row = ?1 ORDER BY number",
	[Q_ADV_ROW_OF_CASE] =
	    "SELECT id FROM advisories WHERE case_id = ?1",
	[Q_SUB_ADD] =
	    "INSERT INTO subscribers (email, products, token, created_at) "
	    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (email) DO UPDATE SET "
	    "products = excluded.products, token = excluded.token, "
	    "confirmed_at = NULL, unsubscribed_at = NULL "
	    "WHERE confirmed_at IS NULL OR "
	    "unsubscribed_at IS NOT NULL",
	[Q_SUB_CONFIRM] =
	    "UPDATE subscribers SET confirmed_at = ?2 WHERE token = ?1 AND "
	    "unsubscribed_at IS NULL",
	[Q_SUB_REMOVE] =
	    "UPDATE subscribers SET unsubscribed_at = ?2 WHERE token = ?1 AND "
	    "unsubscribed_at IS NULL",
	[Q_SUBS] =
	    "SELECT id, email, products, token, confirmed_at FROM subscribers "
	    "WHERE confirmed_at IS NOT NULL AND unsubscribed_at IS NULL "
	    "ORDER BY id",
	[Q_PM_UPSERT] =
	    "INSERT INTO post_mortems (case_id, cwe, component, introduced_in, "
	    "how_found, practice, regression_of, reissued, root_cause, fix, "
	    "lessons, tags, author, released_at, created_at, updated_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, nullif(?7, 0), ?8, ?9, ?10, ?11, "
	    "?12, ?13, ?14, ?15, ?15) ON CONFLICT (case_id) DO UPDATE SET "
	    "cwe = excluded.cwe, component = excluded.component, "
	    "introduced_in = excluded.introduced_in, "
	    "how_found = excluded.how_found, practice = excluded.practice, "
	    "regression_of = excluded.regression_of, "
	    "reissued = excluded.reissued, root_cause = excluded.root_cause, "
	    "fix = excluded.fix, lessons = excluded.lessons, "
	    "tags = excluded.tags, author = excluded.author, "
	    "released_at = excluded.released_at, "
	    "updated_at = excluded.updated_at",
	[Q_PM_GET] = PM_SELECT "WHERE p.case_id = ?1",
	[Q_PM_SCAN] =
	    "SELECT released_at, cwe, component, practice, "
	    "coalesce(regression_of, 0), reissued FROM post_mortems "
	    "WHERE released_at >= ?1 AND released_at < ?2 ORDER BY released_at",
	[Q_PM_EXAMPLES] = PM_SELECT "WHERE p.cwe = ?1 AND p.released_at >= ?2 "
	    "AND p.released_at < ?3 ORDER BY p.released_at DESC LIMIT ?4",
	[Q_PM_EMBARRASSING] = PM_SELECT "WHERE (p.regression_of IS NOT NULL OR "
	    "p.reissued <> 0) AND p.released_at >= ?1 AND p.released_at < ?2 "
	    "ORDER BY p.released_at DESC LIMIT ?3",
	/* the case's state and its first release (a post-mortem needs one) */
	[Q_PM_CASE] =
	    "SELECT state, (SELECT min(at) FROM events WHERE case_id = ?1 AND "
	    "kind = 'transition' AND to_state = 'released') FROM cases "
	    "WHERE id = ?1",
	[Q_DIRTY_BATCH] = "SELECT case_id FROM metrics_dirty LIMIT ?1",
	[Q_DIRTY_DEL] = "DELETE FROM metrics_dirty WHERE case_id = ?1",
	[Q_MX_CASE] =
	    "SELECT created_at, channel, severity, CASE WHEN product = 'other' "
	    "AND product_other <> '' THEN product_other ELSE product END, "
	    "state, coalesce(due_at, 0) FROM cases WHERE id = ?1",
	[Q_MX_TRANS] =
	    "SELECT at, from_state, to_state FROM events WHERE case_id = ?1 "
	    "AND kind = 'transition' ORDER BY at, id",
	/* acknowledged: the acknowledgment mail left, or the team wrote to
	 * the researcher, whichever came first */
	[Q_MX_ACK] =
	    "SELECT min(x) FROM (SELECT min(sent_at) AS x FROM outbox "
	    "WHERE case_id = ?1 AND kind = 'ack' AND sent_at IS NOT NULL "
	    "UNION ALL SELECT min(at) FROM messages WHERE case_id = ?1 AND "
	    "author_kind = 'staff' AND internal = 0)",
	/* the researcher's verification time: the fix first sent to them ->
	 * their first answer (the system records it) */
	[Q_MX_RESEARCHER] =
	    "SELECT (SELECT min(e.at) FROM events e WHERE e.case_id = ?1 AND "
	    "e.kind = 'verification' AND e.actor = 'system' AND "
	    "e.reason <> 'sent to the researcher' AND e.at >= s.at) "
	    "- s.at FROM (SELECT min(at) AS at FROM events WHERE case_id = ?1 "
	    "AND kind = 'verification' AND reason = 'sent to the researcher') s",
	[Q_MX_UPSERT] =
	    "INSERT OR REPLACE INTO case_metrics (received_at, case_id, "
	    "channel, severity, product, state, figures) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7)",
	[Q_MX_SCAN] =
	    "SELECT received_at, case_id, channel, severity, product, state, "
	    "figures FROM case_metrics WHERE received_at >= ?1 AND "
	    "received_at < ?2",
	[Q_MX_DUE] =
	    "SELECT c.id, c.tracking_id, c.title, c.state, c.channel, "
	    "CASE WHEN c.product = 'other' AND c.product_other <> '' THEN "
	    "c.product_other ELSE c.product END, c.severity, c.score, "
	    "coalesce(u.name, ''), c.created_at, c.updated_at, c.due_at "
	    "FROM cases c LEFT JOIN users u ON u.id = c.assignee_id "
	    "WHERE c.state IN " OPEN_STATES " AND c.due_at >= ?3 AND "
	    "c.due_at < ?1 ORDER BY c.due_at, c.id LIMIT ?2",
	[Q_MX_DUE_COUNT] =
	    "SELECT count(*) FROM cases WHERE state IN " OPEN_STATES " AND "
	    "due_at >= ?2 AND due_at < ?1",
	[Q_GAUGE_OUTBOX] =
	    "SELECT coalesce(sum(status IN ('pending', 'sending')), 0), "
	    "coalesce(sum(status = 'failed'), 0) FROM outbox "
	    "WHERE status IN ('pending', 'sending', 'failed')",
	[Q_GAUGE_SLA] =
	    "SELECT severity, count(*) FROM cases WHERE state IN " OPEN_STATES
	    " AND due_at < ?1 GROUP BY severity",
	[Q_HIST_CASE] =
	    "INSERT INTO cases (tracking_id, state, channel, tier, product_id, "
	    CASE_FIELDS ", created_at, updated_at, due_at, staff_cvss, "
	    "staff_cwe, severity, score) VALUES (?1, ?2, ?3, 2, "
	    "(SELECT id FROM products WHERE name = ?4), ?5, ?6, '', ?7, ?4, '', "
	    "?8, ?9, '', ?10, ?11, 'See the report.', '', '', 'no', 'no', '', "
	    "'', ?12, "
	    "?13, ?14, nullif(?15, 0), ?12, ?9, ?16, ?17)",
	[Q_HIST_ACK] =
	    "INSERT INTO outbox (case_id, kind, created_at, to_addr, to_name, "
	    "message_id, status, attempts, next_attempt_at, sent_at) VALUES "
	    "(?1, 'ack', ?2, ?3, ?4, ?5, 'sent', 1, ?2, ?6)",
	[Q_HIST_CASE_ID] = "SELECT id FROM cases WHERE tracking_id = ?1",
	[Q_CASE_COMPLETE] =
	    "UPDATE cases SET reporter_name = ?3, reporter_email = ?4, "
	    "pgp_key = ?5, credit = ?6, product = ?7, product_other = ?8, "
	    "versions = ?9, cwe = ?10, impact = ?11, title = ?12, "
	    "description = ?13, steps = ?14, poc = ?15, root_cause = ?16, "
	    "publicly_known = ?17, exploited = ?18, disclosure_plans = ?19, "
	    "disclosure_date = ?20, cvss_vector = ?21, tier = ?2, "
	    "product_id = (SELECT id FROM products WHERE name = ?7), "
	    "updated_at = ?22 WHERE id = ?1 AND state IN ('new', 'triage', "
	    "'needs_info')",
};

struct conn {
	sqlite3		*db;
	sqlite3_stmt	*st[Q__MAX];
	sqlite3_stmt	**qv;		/* QV_MAX, prepared on first use */
	int		 prepared;	/* st[] prepared */
	struct conn	*next_free;
};

#define TERMINAL_STATES \
	"('closed', 'rejected', 'duplicate', 'not_reproducible')"
#define CLOSED_STATES \
	"('closed', 'rejected', 'duplicate', 'not_reproducible', 'released')"

static const char *const sort_sql[SORT__MAX] = {
	[SORT_CREATED_DESC] = "c.created_at DESC, c.id DESC",
	[SORT_CREATED_ASC] = "c.created_at ASC, c.id ASC",
	[SORT_UPDATED_DESC] = "c.updated_at DESC, c.id DESC",
	[SORT_SEVERITY_DESC] = "c.score DESC, c.created_at DESC",
	[SORT_DUE_ASC] = "coalesce(c.due_at, 9223372036854775807) ASC, "
	    "c.created_at ASC",
};

/* ?1 state ?2 product ?3 severity ?4 channel ?5 assignee ?6 now
 * ?7 fts query ?8 limit ?9 offset */
static const struct {
	enum qf		 bit;
	const char	*sql;
} qfrag[] = {
	{ QF_STATE,	"c.state = ?1" },
	{ QF_OPEN,	"c.state NOT IN " TERMINAL_STATES },
	{ QF_PRODUCT,	"(c.product = ?2 OR (c.product = 'other' AND "
			"c.product_other = ?2))" },
	{ QF_SEVERITY,	"c.severity = ?3" },
	{ QF_CHANNEL,	"c.channel = ?4" },
	{ QF_ASSIGNEE,	"c.assignee_id = ?5" },
	{ QF_UNASSIGNED, "c.assignee_id IS NULL" },
	{ QF_OVERDUE,	"c.due_at < ?6 AND c.state NOT IN " CLOSED_STATES },
	{ QF_FTS,	"c.id IN (SELECT rowid FROM cases_fts WHERE "
			"cases_fts MATCH ?7)" },
};

/*
 * A page query sorts and cuts the page on the ids alone (the filters and
 * sort keys are in covering indexes), then reads just the page's rows:
 * sorting whole rows meant reading every matching row from the table.
 */
static void
queue_sql(char *out, size_t len, unsigned shape, int sort, int count)
{
	char where[1024];
	size_t i, o = 0;
	int n = 0;

	for (i = 0; i < sizeof(qfrag) / sizeof(qfrag[0]); i++)
		if (shape & qfrag[i].bit)
			o += (size_t)snprintf(where + o, sizeof(where) - o,
			    "%s%s", n++ ? " AND " : "", qfrag[i].sql);
	if (n == 0)
		snprintf(where, sizeof(where), "1");
	if (count) {
		snprintf(out, len, "SELECT count(*) FROM cases c WHERE %s",
		    where);
		return;
	}
	snprintf(out, len, "SELECT c.id, c.tracking_id, c.title, c.state, "
	    "c.channel, CASE WHEN c.product = 'other' THEN c.product_other "
	    "ELSE c.product END, c.severity, c.score, "
	    "coalesce((SELECT name FROM users WHERE id = c.assignee_id), ''), "
	    "c.created_at, c.updated_at, coalesce(c.due_at, 0) "
	    "FROM (SELECT c.id AS qid FROM cases c WHERE %s ORDER BY %s "
	    "LIMIT ?8 OFFSET ?9) AS q JOIN cases c ON c.id = q.qid "
	    "ORDER BY %s", where, sort_sql[sort], sort_sql[sort]);
}

/* The prepared statement of a shape, prepared on first use. */
static sqlite3_stmt *
queue_stmt(struct conn *c, unsigned shape, int sort, int count)
{
	size_t i = (size_t)shape * (SORT__MAX + 1) + (size_t)(count ?
	    SORT__MAX : sort);
	char sql[2048];

	if (c->qv[i] == NULL) {
		queue_sql(sql, sizeof(sql), shape, sort, count);
		if (sqlite3_prepare_v3(c->db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &c->qv[i], NULL) != SQLITE_OK) {
			log_err("sqlite: preparing queue statement %zu: %s", i,
			    sqlite3_errmsg(c->db));
			c->qv[i] = NULL;
		}
	}
	return c->qv[i];
}

struct sq {
	char		*path;
	struct conn	 conns[POOL_MAX];
	int		 nconns;
	int		 prepared;
	struct conn	*free_list;
	pthread_mutex_t	 mtx;
	pthread_cond_t	 cv;
	/* One writer at a time inside this process: threads queue here, in
	 * order, instead of sleeping in SQLite's busy handler (whose back-off
	 * of up to 100 ms starved writers under load).  Other processes are
	 * still kept apart by BEGIN IMMEDIATE and the busy timeout. */
	pthread_mutex_t	 wmtx;
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
	if ((c->qv = calloc(QV_MAX, sizeof(*c->qv))) == NULL)
		return -1;
	sqlite3_busy_timeout(c->db, BUSY_MS);
	sqlite3_extended_result_codes(c->db, 1);
	if (exec(c->db, "PRAGMA journal_mode=WAL") == -1 ||
	    exec(c->db, "PRAGMA synchronous=FULL") == -1 ||
	    exec(c->db, "PRAGMA foreign_keys=ON") == -1 ||
	    exec(c->db, "PRAGMA temp_store=MEMORY") == -1 ||
	    exec(c->db, "PRAGMA cache_size=-1024") == -1)
		return -1;
	return 0;
}

/* Checks that every statement prepares (a typo or a stale schema stops
 * the start) and keeps none: statements are prepared on first use per
 * connection (stmt()), so an idle server holds only those it ran. */
static int
conn_prepare(struct conn *c)
{
	sqlite3_stmt *st;
	int i;

	for (i = 0; i < Q__MAX; i++) {
		assert(qsql[i] != NULL);
		if (sqlite3_prepare_v2(c->db, qsql[i], -1, &st, NULL) !=
		    SQLITE_OK) {
			log_err("sqlite: preparing statement %d: %s", i,
			    sqlite3_errmsg(c->db));
			return -1;
		}
		sqlite3_finalize(st);
	}
	c->prepared = 1;
	return 0;
}

/* Statement q of connection c, prepared on first use; NULL (logged) only
 * when SQLite runs out of memory, since every statement prepared at open
 * (a NULL statement makes the SQLite calls fail with SQLITE_MISUSE). */
static sqlite3_stmt *
stmt(struct conn *c, enum q q)
{
	if (c->st[q] == NULL && sqlite3_prepare_v3(c->db, qsql[q], -1,
	    SQLITE_PREPARE_PERSISTENT, &c->st[q], NULL) != SQLITE_OK) {
		log_err("sqlite: preparing statement %d: %s", (int)q,
		    sqlite3_errmsg(c->db));
		c->st[q] = NULL;
	}
	return c->st[q];
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

	/* Every statement is prepared at open on the first connection, so a
	 * typo stops the start; the other connections prepare theirs when
	 * first used (an idle server keeps one or two sets, not all). */
	if (s->prepared)
		return 0;
	(void)i;
	if (conn_prepare(&s->conns[0]) == -1)
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
	pthread_mutex_init(&s->wmtx, NULL);
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	s->nconns = store_pool_size > 0 ? store_pool_size :
	    ncpu > 0 ? (int)ncpu + 2 : 4;
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
		for (j = 0; s->conns[i].qv != NULL && j < QV_MAX; j++)
			sqlite3_finalize(s->conns[i].qv[j]);
		free(s->conns[i].qv);
		sqlite3_close(s->conns[i].db);
	}
	pthread_mutex_destroy(&s->mtx);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->wmtx);
	free(s->path);
	free(s);
}

static void release(struct sq *, struct conn *);

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

	for (i = 0; i < Q__MAX; i++)
		if (c->st[i] != NULL) {
			sqlite3_reset(c->st[i]);
			sqlite3_clear_bindings(c->st[i]);
		}
	for (i = 0; i < QV_MAX; i++)
		if (c->qv[i] != NULL) {
			sqlite3_reset(c->qv[i]);
			sqlite3_clear_bindings(c->qv[i]);
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
	pthread_mutex_lock(&s->wmtx);
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
	pthread_mutex_unlock(&s->wmtx);
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
	int rc = sqlite3_step(stmt(c, q));

	sqlite3_reset(stmt(c, q));
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return STORE_OK;
	return step_fail(c, rc, what);
}

/* ---- migrations ---- */

static int	sq_metrics_refresh(void *);

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
	/* migration 6 marks every case: compute their turnaround figures
	 * now rather than on the first dashboard read */
	if (sq_metrics_refresh(s) != STORE_OK)
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
	if (sqlite3_step(stmt(c, q)) == SQLITE_ROW)
		n = sqlite3_column_int(stmt(c, q), 0);
	release(s, c);
	return n;
}

static int
sq_healthy(void *p)
{
	return count_query(p, Q_USER_COUNT) >= 0;
}

/* Bulk imports: synchronous=NORMAL (WAL commits are still atomic), then
 * a full checkpoint, which writes and syncs everything, and FULL again. */
static int
sq_bulk(void *p, int on)
{
	struct sq *s = p;
	int i, rc = 0;

	pthread_mutex_lock(&s->wmtx);
	for (i = 0; i < s->nconns; i++)
		if (exec(s->conns[i].db, on ? "PRAGMA synchronous=NORMAL" :
		    "PRAGMA synchronous=FULL") == -1)
			rc = -1;
	if (!on && exec(s->conns[0].db, "PRAGMA wal_checkpoint(FULL)") == -1)
		rc = -1;
	pthread_mutex_unlock(&s->wmtx);
	return rc;
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
	sqlite3_stmt *st = stmt(c, Q_ATT_INSERT);
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
	sqlite3_stmt *st = stmt(c, Q_EVENT_INSERT);

	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)at);
	bind_text(st, 3, actor);
	bind_text(st, 4, kind);
	bind_text(st, 5, from);
	bind_text(st, 6, to);
	bind_text(st, 7, reason);
	return step_done(c, Q_EVENT_INSERT, "insert event");
}

/* Queues an e-mail to the case's reporter in the current transaction. */
static int
outbox_tx(struct conn *c, int64_t case_id, const struct store_notify *n,
    time_t now)
{
	sqlite3_stmt *st = stmt(c, Q_OUTBOX_FROM_CASE);

	if (n == NULL)
		return STORE_OK;
	sqlite3_bind_int64(st, 1, case_id);
	bind_text(st, 2, n->kind);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	bind_text(st, 4, n->body);
	bind_text(st, 5, n->secret);
	bind_text(st, 6, n->message_id);
	return step_done(c, Q_OUTBOX_FROM_CASE, "queue e-mail");
}

static int
note_tx(struct conn *c, int64_t case_id, const char *note, time_t now)
{
	sqlite3_stmt *st = stmt(c, Q_NOTE_INSERT);

	if (note == NULL || *note == '\0')
		return STORE_OK;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	bind_text(st, 3, note);
	return step_done(c, Q_NOTE_INSERT, "insert note");
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
	st = stmt(c, Q_SEQ_NEXT);
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

	st = stmt(c, Q_CASE_INSERT);
	bind_text(st, 1, a->out->tracking_id);
	bind_text(st, 2, nc->state);
	bind_text(st, 3, nc->channel);
	sqlite3_bind_int(st, 4, nc->tier);
	for (i = 0; i < NCASE_FIELDS; i++)
		bind_text(st, 5 + i, nc->field[i]);
	sqlite3_bind_int64(st, 24, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 25, (sqlite3_int64)nc->due_at);
	if ((rc = step_done(c, Q_CASE_INSERT, "insert case")) != STORE_OK)
		return rc;
	id = sqlite3_last_insert_rowid(c->db);

	st = stmt(c, Q_TOKEN_INSERT);
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
	if (nc->mail_id > 0) {
		st = stmt(c, Q_CASE_SET_MAIL);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, nc->mail_id);
		if ((rc = step_done(c, Q_CASE_SET_MAIL, "case mail")) !=
		    STORE_OK)
			return rc;
	}
	if ((rc = note_tx(c, id, nc->note, now)) != STORE_OK ||
	    (rc = outbox_tx(c, id, nc->notify, now)) != STORE_OK)
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
	sqlite3_stmt *st = stmt(c, Q_CASE_BY_ID);
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
	out->assignee_id = sqlite3_column_int64(st, 28);
	out->assignee = col_text(ar, st, 29);
	out->staff_cvss = col_text(ar, st, 30);
	out->staff_cwe = col_text(ar, st, 31);
	out->severity = col_text(ar, st, 32);
	out->score = sqlite3_column_double(st, 33);
	out->due_at = (time_t)sqlite3_column_int64(st, 34);
	sqlite3_reset(st);
	for (i = 0; i < RF__MAX; i++)
		if (f[i] == NULL)
			return STORE_ERR;
	if (out->severity == NULL || out->assignee == NULL)
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
	st = stmt(c, q);
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
	sqlite3_stmt *st = stmt(c, Q_TSESS_INSERT);

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

/* Steps a bound statement into an arena array of itemsz-sized rows. */
static int
rows_into(sqlite3_stmt *st, struct arena *ar, void **items, size_t *n,
    size_t itemsz, int (*row)(sqlite3_stmt *, struct arena *, void *))
{
	size_t cap = 8, cnt = 0;
	char *arr, *narr;
	int rc;

	arr = util_arena_zalloc(ar, cap * itemsz);
	while (arr != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			if ((narr = util_arena_zalloc(ar, 2 * cap * itemsz)) ==
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
	*items = arr;
	*n = arr != NULL ? cnt : 0;
	if (arr == NULL)
		return STORE_ERR;
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

/* Runs a list query: bind id (and an int), calls row() per row. */
static int
list_query(struct sq *s, enum q q, int64_t id, int iarg, struct arena *ar,
    void **items, size_t *n, size_t itemsz,
    int (*row)(sqlite3_stmt *, struct arena *, void *))
{
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((c = acquire(s)) == NULL)
		return STORE_ERR;
	st = stmt(c, q);
	if (id >= 0)
		sqlite3_bind_int64(st, 1, id);
	if (iarg >= 0)
		sqlite3_bind_int(st, 2, iarg);
	rc = rows_into(st, ar, items, n, itemsz, row);
	if (rc != STORE_OK)
		log_err("sqlite: list query %d: %s", (int)q,
		    sqlite3_errmsg(c->db));
	release(s, c);
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
	st = stmt(c, Q_ATT_GET);
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
	sqlite3_stmt *st = stmt(c, Q_MESSAGE_INSERT);
	int rc;

	sqlite3_bind_int64(st, 1, m->case_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)m->now);
	bind_text(st, 3, m->author_kind);
	bind_text(st, 4, m->author);
	bind_text(st, 5, m->body);
	sqlite3_bind_int(st, 6, m->internal ? 1 : 0);
	if (m->channel != NULL)
		bind_text(st, 7, m->channel);
	sqlite3_bind_int64(st, 8, m->mail_id);
	if ((rc = step_done(c, Q_MESSAGE_INSERT, "insert message")) != STORE_OK)
		return rc;
	a->id = sqlite3_last_insert_rowid(c->db);
	if ((rc = insert_attachments(c, m->case_id, a->id, m->attachments,
	    m->nattachments, m->now)) != STORE_OK)
		return rc;
	if ((rc = insert_event(c, m->case_id, m->now, m->author, "message",
	    "", "", m->internal ? "internal note" : m->author_kind)) != STORE_OK)
		return rc;
	st = stmt(c, Q_CASE_TOUCH);
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
	sqlite3_stmt *st = stmt(c, Q_PRODUCT_INSERT);
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
	sqlite3_stmt *st = stmt(c, Q_USER_INSERT);
	int rc;

	bind_text(st, 1, a->u->email);
	bind_text(st, 2, a->u->name);
	bind_text(st, 3, a->u->roles);
	bind_text(st, 4, a->u->password_hash);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)a->u->now);
	sqlite3_bind_int(st, 6, a->u->must_change ? 1 : 0);
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

/* ---- the audit log ---- */

/* Appends one audit row inside the current write transaction. */
static int
audit_tx(struct conn *c, time_t now, const char *actor, const char *action,
    int64_t case_id, const char *details)
{
	struct store_audit a;
	sqlite3_stmt *st = stmt(c, Q_AUDIT_LAST);
	const void *h;
	int rc;

	memset(&a, 0, sizeof(a));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		h = sqlite3_column_blob(st, 0);
		if (h == NULL || sqlite3_column_bytes(st, 0) != STORE_HASH_LEN) {
			sqlite3_reset(st);
			log_err("sqlite: audit chain head is malformed");
			return STORE_ERR;
		}
		memcpy(a.prev_hash, h, STORE_HASH_LEN);
	} else if (rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return step_fail(c, rc, "audit head");
	}
	sqlite3_reset(st);
	a.at = now;
	a.actor = actor ? actor : "";
	a.action = action;
	a.case_id = case_id;
	a.details = details ? details : "";
	store_audit_hash(a.hash, a.prev_hash, &a);
	st = stmt(c, Q_AUDIT_INSERT);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	bind_text(st, 2, a.actor);
	bind_text(st, 3, a.action);
	sqlite3_bind_int64(st, 4, case_id);
	bind_text(st, 5, a.details);
	sqlite3_bind_blob(st, 6, a.prev_hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, a.hash, STORE_HASH_LEN, SQLITE_STATIC);
	if ((rc = step_done(c, Q_AUDIT_INSERT, "insert audit")) != STORE_OK)
		return rc;
	st = stmt(c, Q_AUDIT_HEAD_SET);
	sqlite3_bind_blob(st, 1, a.hash, STORE_HASH_LEN, SQLITE_STATIC);
	return step_done(c, Q_AUDIT_HEAD_SET, "audit head");
}

struct audit_arg {
	time_t now;
	const char *actor, *action, *details;
	int64_t case_id;
};

static int
audit_fn(struct conn *c, void *p)
{
	struct audit_arg *a = p;

	return audit_tx(c, a->now, a->actor, a->action, a->case_id,
	    a->details);
}

static int
sq_audit_add(void *p, time_t now, const char *actor, const char *action,
    int64_t case_id, const char *details)
{
	struct audit_arg a = { now, actor, action, details, case_id };

	return tx_write(p, audit_fn, &a);
}

static int
audit_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_audit *a = p;
	const void *h;

	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	a->at = (time_t)sqlite3_column_int64(st, 1);
	a->actor = col_text(ar, st, 2);
	a->action = col_text(ar, st, 3);
	a->case_id = sqlite3_column_int64(st, 4);
	a->details = col_text(ar, st, 5);
	if ((h = sqlite3_column_blob(st, 6)) != NULL &&
	    sqlite3_column_bytes(st, 6) == STORE_HASH_LEN)
		memcpy(a->prev_hash, h, STORE_HASH_LEN);
	if ((h = sqlite3_column_blob(st, 7)) != NULL &&
	    sqlite3_column_bytes(st, 7) == STORE_HASH_LEN)
		memcpy(a->hash, h, STORE_HASH_LEN);
	return a->details == NULL ? -1 : 0;
}

static int
sq_audit_list(void *p, int64_t case_id, int limit, struct arena *ar,
    struct store_audit **out, size_t *n)
{
	return list_query(p, Q_AUDIT_BY_CASE, case_id, limit, ar, (void **)out,
	    n, sizeof(**out), audit_row);
}

static int
sq_audit_verify(void *p, int64_t *bad_id, const char **why, int64_t *rows)
{
	struct sq *s = p;
	struct conn *c;
	struct store_audit a;
	struct arena ar;
	unsigned char prev[STORE_HASH_LEN] = { 0 }, want[STORE_HASH_LEN];
	int64_t n = 0, head_rows = -1, last_id = 0;
	unsigned char head[STORE_HASH_LEN] = { 0 };
	const void *h;
	sqlite3_stmt *st;
	int rc, result = 1;

	*bad_id = 0;
	*why = NULL;
	if ((c = acquire(s)) == NULL)
		return STORE_ERR;
	/* One read transaction: a consistent snapshot of chain and head. */
	sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL);
	st = stmt(c, Q_AUDIT_HEAD_GET);
	if (sqlite3_step(st) == SQLITE_ROW) {
		head_rows = sqlite3_column_int64(st, 0);
		if ((h = sqlite3_column_blob(st, 1)) != NULL &&
		    sqlite3_column_bytes(st, 1) == STORE_HASH_LEN)
			memcpy(head, h, STORE_HASH_LEN);
	}
	sqlite3_reset(st);
	st = stmt(c, Q_AUDIT_ALL);
	util_arena_init(&ar, 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (audit_row(st, &ar, &a) == -1) {
			result = STORE_ERR;
			break;
		}
		n++;
		if (memcmp(a.prev_hash, prev, STORE_HASH_LEN) != 0) {
			*bad_id = a.id;
			*why = "the row does not follow the previous row "
			    "(a row was deleted, inserted or reordered)";
			result = 0;
			break;
		}
		store_audit_hash(want, a.prev_hash, &a);
		if (memcmp(want, a.hash, STORE_HASH_LEN) != 0) {
			*bad_id = a.id;
			*why = "the row's content does not match its hash "
			    "(the row was edited)";
			result = 0;
			break;
		}
		memcpy(prev, a.hash, STORE_HASH_LEN);
		last_id = a.id;
		util_arena_release(&ar);
	}
	util_arena_release(&ar);
	sqlite3_reset(st);
	if (result == 1 && rc != SQLITE_DONE)
		result = STORE_ERR;
	if (result == 1 && ((n == 0 && head_rows > 0) || (n > 0 &&
	    (head_rows != n || memcmp(head, prev, STORE_HASH_LEN) != 0)))) {
		*bad_id = last_id + 1;
		*why = "the chain does not end at the recorded head "
		    "(rows were removed from the end, or the head was altered)";
		result = 0;
	}
	sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	release(s, c);
	*rows = n;
	return result;
}

/* ---- users, sessions, tokens, throttling ---- */

static int
user_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_user *u = p;

	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(st, 0);
	u->email = col_text(ar, st, 1);
	u->name = col_text(ar, st, 2);
	u->roles = col_text(ar, st, 3);
	u->password_hash = col_text(ar, st, 4);
	u->disabled = sqlite3_column_int(st, 5);
	u->created_at = (time_t)sqlite3_column_int64(st, 6);
	u->must_change = sqlite3_column_int(st, 7);
	return u->password_hash == NULL ? -1 : 0;
}

/* Runs a one-row query bound to a text or a blob or an int64 key. */
static int
one_row(struct sq *s, enum q q, const char *text, const void *blob,
    int64_t id, struct arena *ar, void *out,
    int (*row)(sqlite3_stmt *, struct arena *, void *))
{
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((c = acquire(s)) == NULL)
		return STORE_ERR;
	st = stmt(c, q);
	if (text != NULL)
		bind_text(st, 1, text);
	else if (blob != NULL)
		sqlite3_bind_blob(st, 1, blob, STORE_HASH_LEN, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = row(st, ar, out) == -1 ? STORE_ERR : STORE_OK;
	else if (rc == SQLITE_DONE)
		rc = STORE_NONE;
	else {
		log_err("sqlite: query %d: %s", (int)q, sqlite3_errmsg(c->db));
		rc = STORE_ERR;
	}
	sqlite3_reset(st);
	release(s, c);
	return rc;
}

static int
sq_user_by_email(void *p, const char *email, struct arena *ar,
    struct store_user *u)
{
	return one_row(p, Q_USER_BY_EMAIL, email, NULL, 0, ar, u, user_row);
}

static int
sq_user_get(void *p, int64_t id, struct arena *ar, struct store_user *u)
{
	return one_row(p, Q_USER_BY_ID, NULL, NULL, id, ar, u, user_row);
}

static int
sq_users_list(void *p, struct arena *ar, struct store_user **u, size_t *n)
{
	return list_query(p, Q_USERS_LIST, -1, -1, ar, (void **)u, n,
	    sizeof(**u), user_row);
}

/* A generic one-statement write: binds are described by a format,
 * 't' text, 'b' hash blob, 'i' int64, 'd' double. */
struct simple_arg {
	enum q q;
	const char *fmt;
	const void *v[12];
	int64_t i[12];
	double d[12];
	int changes;
};

static int
simple_fn(struct conn *c, void *p)
{
	struct simple_arg *a = p;
	sqlite3_stmt *st = stmt(c, a->q);
	int k, rc;

	for (k = 0; a->fmt[k] != '\0'; k++) {
		switch (a->fmt[k]) {
		case 't':
			bind_text(st, k + 1, a->v[k]);
			break;
		case 'b':
			sqlite3_bind_blob(st, k + 1, a->v[k], STORE_HASH_LEN,
			    SQLITE_STATIC);
			break;
		case 'd':
			sqlite3_bind_double(st, k + 1, a->d[k]);
			break;
		default:
			sqlite3_bind_int64(st, k + 1, a->i[k]);
		}
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return step_fail(c, rc, "write");
	a->changes = sqlite3_changes(c->db);
	return STORE_OK;
}

static int
simple_write(struct sq *s, struct simple_arg *a)
{
	int rc = tx_write(s, simple_fn, a);

	if (rc == STORE_OK && a->changes == 0)
		return STORE_NONE;
	return rc;
}

static int
sq_user_disable(void *p, const char *email, time_t now)
{
	struct simple_arg a = { .q = Q_USER_DISABLE, .fmt = "t",
	    .v = { email } };

	(void)now;
	return simple_write(p, &a);
}

static int
sq_user_set_password(void *p, int64_t id, const char *hash, time_t now)
{
	struct simple_arg a = { .q = Q_USER_SET_PASSWORD, .fmt = "it",
	    .i = { id }, .v = { NULL, hash } };

	(void)now;
	return simple_write(p, &a);
}

static int
sq_session_add(void *p, const unsigned char *hash, int64_t user_id,
    time_t now)
{
	struct simple_arg a = { .q = Q_SESSION_INSERT, .fmt = "bii",
	    .v = { hash }, .i = { 0, user_id, (int64_t)now } };

	return simple_write(p, &a);
}

static int
sq_session_delete(void *p, const unsigned char *hash)
{
	struct simple_arg a = { .q = Q_SESSION_DELETE, .fmt = "b",
	    .v = { hash } };
	int rc = simple_write(p, &a);

	return rc == STORE_NONE ? STORE_OK : rc;
}

static int
sq_session_user(void *p, const unsigned char *hash, time_t now, time_t idle,
    time_t absolute, struct arena *ar, struct store_user *u)
{
	struct sq *s = p;
	struct conn *c;
	sqlite3_stmt *st;
	time_t last = 0;
	int rc;

	if ((c = acquire(s)) == NULL)
		return STORE_ERR;
	st = stmt(c, Q_SESSION_USER);
	sqlite3_bind_blob(st, 1, hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(now - absolute));
	sqlite3_bind_int64(st, 3, (sqlite3_int64)(now - idle));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = user_row(st, ar, u) == -1 ? STORE_ERR : STORE_OK;
		last = (time_t)sqlite3_column_int64(st, 8);
	} else if (rc == SQLITE_DONE)
		rc = STORE_NONE;
	else
		rc = STORE_ERR;
	sqlite3_reset(st);
	release(s, c);
	/* Slide the idle expiry, at most once a minute (each write is an
	 * fsync). */
	if (rc == STORE_OK && now - last >= 60) {
		struct simple_arg a = { .q = Q_SESSION_TOUCH, .fmt = "bi",
		    .v = { hash }, .i = { 0, (int64_t)now } };
		if (simple_write(s, &a) == STORE_ERR)
			return STORE_ERR;
	}
	return rc;
}

static int
sq_sessions_end_others(void *p, int64_t user_id, const unsigned char *keep)
{
	static const unsigned char none[STORE_HASH_LEN];
	struct simple_arg a = { .q = Q_SESSIONS_OTHERS, .fmt = "ib",
	    .i = { user_id }, .v = { NULL, keep ? keep : none } };
	int rc = simple_write(p, &a);

	return rc == STORE_NONE ? STORE_OK : rc;
}

static int
sq_token_add(void *p, const unsigned char *hash, int64_t user_id,
    const char *name, time_t now)
{
	struct simple_arg a = { .q = Q_TOKEN_API_INSERT, .fmt = "biti",
	    .v = { hash, NULL, name }, .i = { 0, user_id, 0, (int64_t)now } };

	return simple_write(p, &a);
}

static int
sq_token_user(void *p, const unsigned char *hash, time_t now,
    struct arena *ar, struct store_user *u)
{
	(void)now;
	return one_row(p, Q_TOKEN_API_USER, NULL, hash, 0, ar, u, user_row);
}

static int
sq_login_failure_add(void *p, const char *key, time_t now)
{
	struct simple_arg a = { .q = Q_LOGIN_FAIL_INSERT, .fmt = "ti",
	    .v = { key }, .i = { 0, (int64_t)now } };

	return simple_write(p, &a);
}

/* The count of statement q's rows for (key, since); -1 on error. */
static int
count_since(void *p, enum q q, const char *key, time_t since)
{
	struct sq *s = p;
	struct conn *c;
	sqlite3_stmt *st;
	int n = -1;

	if ((c = acquire(s)) == NULL)
		return -1;
	st = stmt(c, q);
	bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)since);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	release(s, c);
	return n;
}

static int
sq_login_failures(void *p, const char *key, time_t since)
{
	return count_since(p, Q_LOGIN_FAIL_COUNT, key, since);
}

static int
sq_login_failures_clear(void *p, const char *key)
{
	struct simple_arg a = { .q = Q_LOGIN_FAIL_CLEAR, .fmt = "t",
	    .v = { key } };
	int rc = simple_write(p, &a);

	return rc == STORE_NONE ? STORE_OK : rc;
}

/* ---- staff changes to cases ---- */

static int
insert_event_audit(struct conn *c, int64_t case_id, time_t now,
    const struct store_actor *who, const char *kind, const char *from,
    const char *to, const char *reason, const char *audit_details)
{
	int rc;

	if ((rc = insert_event(c, case_id, now, who->name, kind, from, to,
	    reason)) != STORE_OK)
		return rc;
	return audit_tx(c, now, who->name, kind, case_id, audit_details);
}

struct change_arg {
	int64_t case_id, other;
	const char *from, *to, *reason, *text, *text2, *text3;
	double d;
	time_t now, due;
	const struct store_actor *who;
	int internal;
	int64_t id;
	const struct store_new_message *msg;
	const struct store_notify *notify;
};

static int
transition_tx(struct conn *c, struct change_arg *a, const char *from,
    const char *to, const struct store_actor *who, const char *reason)
{
	sqlite3_stmt *st = stmt(c, Q_CASE_STATE_SET);
	char details[256];
	int rc;

	sqlite3_bind_int64(st, 1, a->case_id);
	bind_text(st, 2, from);
	bind_text(st, 3, to);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)a->now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return step_fail(c, rc, "transition");
	if (sqlite3_changes(c->db) == 0)
		return STORE_NONE;	/* no longer in `from` */
	snprintf(details, sizeof(details), "%s -> %s", from, to);
	if ((rc = insert_event_audit(c, a->case_id, a->now, who, "transition",
	    from, to, reason, details)) != STORE_OK)
		return rc;
	return outbox_tx(c, a->case_id, a->notify, a->now);
}

static int
transition_fn(struct conn *c, void *p)
{
	struct change_arg *a = p;
	int rc = transition_tx(c, a, a->from, a->to, a->who, a->reason);

	/* STORE_NONE: nothing changed; commit the empty transaction. */
	return rc;
}

static int
sq_case_transition(void *p, int64_t case_id, const char *from, const char *to,
    const struct store_actor *who, const char *reason,
    const struct store_notify *notify, time_t now)
{
	struct change_arg a = { .case_id = case_id, .from = from, .to = to,
	    .who = who, .reason = reason, .now = now, .notify = notify };

	return tx_write(p, transition_fn, &a);
}

static int
assign_fn(struct conn *c, void *p)
{
	struct change_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_CASE_ASSIGN);
	char details[64];
	int rc;

	sqlite3_bind_int64(st, 1, a->case_id);
	sqlite3_bind_int64(st, 2, a->other);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)a->now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return step_fail(c, rc, "assign");
	if (sqlite3_changes(c->db) == 0)
		return STORE_NONE;
	snprintf(details, sizeof(details), "assignee user %lld",
	    (long long)a->other);
	return insert_event_audit(c, a->case_id, a->now, a->who, "assign", "",
	    "", a->text ? a->text : "", details);
}

static int
sq_case_assign(void *p, int64_t case_id, int64_t assignee,
    const struct store_actor *who, time_t now)
{
	struct change_arg a = { .case_id = case_id, .other = assignee,
	    .who = who, .now = now };
	struct store_user u;
	struct arena ar;
	int rc;

	util_arena_init(&ar, 0);
	if (assignee != 0) {
		rc = sq_user_get(p, assignee, &ar, &u);
		if (rc != STORE_OK || u.disabled) {
			util_arena_release(&ar);
			return rc == STORE_ERR ? STORE_ERR : STORE_NONE;
		}
		a.text = util_arena_printf(&ar, "assigned to %s", u.name);
	} else
		a.text = "unassigned";
	rc = tx_write(p, assign_fn, &a);
	util_arena_release(&ar);
	return rc;
}

static int
score_fn(struct conn *c, void *p)
{
	struct change_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_CASE_SCORE);
	char *details;
	int rc;

	sqlite3_bind_int64(st, 1, a->case_id);
	bind_text(st, 2, a->text);
	sqlite3_bind_double(st, 3, a->d);
	bind_text(st, 4, a->text2);
	bind_text(st, 5, a->text3);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)a->due);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)a->now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return step_fail(c, rc, "score");
	if (sqlite3_changes(c->db) == 0)
		return STORE_NONE;
	details = sqlite3_mprintf("cvss %s score %.1f severity %s cwe %s",
	    a->text, a->d, a->text2, a->text3);
	if (details == NULL)
		return STORE_ERR;
	rc = insert_event_audit(c, a->case_id, a->now, a->who, "score", "", "",
	    details, details);
	sqlite3_free(details);
	return rc;
}

static int
sq_case_score(void *p, int64_t case_id, const char *vector, double score,
    const char *severity, const char *cwe, time_t due_at,
    const struct store_actor *who, time_t now)
{
	struct change_arg a = { .case_id = case_id, .text = vector,
	    .d = score, .text2 = severity, .text3 = cwe, .due = due_at,
	    .who = who, .now = now };

	return tx_write(p, score_fn, &a);
}

static int
duplicate_fn(struct conn *c, void *p)
{
	struct change_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_CASE_DUPLICATE);
	char details[64];
	int rc;

	sqlite3_bind_int64(st, 1, a->case_id);
	sqlite3_bind_int64(st, 2, a->other);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)a->now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return step_fail(c, rc, "duplicate");
	if (sqlite3_changes(c->db) == 0)
		return STORE_NONE;
	snprintf(details, sizeof(details), "duplicate of case %lld",
	    (long long)a->other);
	if ((rc = insert_event_audit(c, a->case_id, a->now, a->who,
	    "duplicate", "", "", details, details)) != STORE_OK)
		return rc;
	if (a->from != NULL && a->to != NULL)
		return transition_tx(c, a, a->from, a->to, a->who, details);
	return STORE_OK;
}

static int
sq_case_duplicate(void *p, int64_t case_id, int64_t of, const char *from,
    const char *to, const struct store_actor *who, time_t now)
{
	struct change_arg a = { .case_id = case_id, .other = of, .who = who,
	    .now = now, .from = from, .to = to };

	if (of == case_id)
		return STORE_NONE;
	return tx_write(p, duplicate_fn, &a);
}

static int
staff_message_fn(struct conn *c, void *p)
{
	struct change_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_MESSAGE_INSERT);
	int rc;

	const struct store_notify *n = a->notify;

	a->notify = NULL;	/* one e-mail: the message, not the transition */
	if (a->from != NULL && a->to != NULL &&
	    (rc = transition_tx(c, a, a->from, a->to, a->who,
	    a->text)) != STORE_OK)
		return rc;
	a->notify = n;
	if ((rc = outbox_tx(c, a->case_id, a->internal ? NULL : n, a->now)) !=
	    STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, a->case_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)a->now);
	bind_text(st, 3, "staff");
	bind_text(st, 4, a->who->name);
	bind_text(st, 5, a->text);
	sqlite3_bind_int(st, 6, a->internal ? 1 : 0);
	if ((rc = step_done(c, Q_MESSAGE_INSERT, "insert message")) != STORE_OK)
		return rc;
	a->id = sqlite3_last_insert_rowid(c->db);
	st = stmt(c, Q_CASE_TOUCH);
	sqlite3_bind_int64(st, 1, a->case_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)a->now);
	if ((rc = step_done(c, Q_CASE_TOUCH, "touch case")) != STORE_OK)
		return rc;
	return insert_event_audit(c, a->case_id, a->now, a->who, "message",
	    "", "", a->internal ? "internal note" : "staff",
	    a->internal ? "internal note" : "message to researcher");
}

static int
sq_case_message_staff(void *p, int64_t case_id, const struct store_actor *who,
    const char *body, int internal, const char *from_state,
    const char *to_state, const struct store_notify *notify, time_t now,
    int64_t *idp)
{
	struct change_arg a = { .case_id = case_id, .who = who, .text = body,
	    .internal = internal, .from = from_state, .to = to_state,
	    .now = now, .notify = notify };
	int rc;

	rc = tx_write(p, staff_message_fn, &a);
	if (rc == STORE_OK && idp != NULL)
		*idp = a.id;
	return rc;
}

static int
researcher_message_fn(struct conn *c, void *p)
{
	struct change_arg *a = p;
	struct msg_arg m = { a->msg, 0 };
	struct store_actor sys = { 0, "system" };
	sqlite3_stmt *st;
	int rc;

	if ((rc = message_fn(c, &m)) != STORE_OK)
		return rc;
	a->id = m.id;
	if (a->from == NULL || a->to == NULL)
		return STORE_OK;
	/* Only if the case waits in `from`: a state test, not an error. */
	st = stmt(c, Q_CASE_STATE_OF);
	sqlite3_bind_int64(st, 1, a->case_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st,
	    0), a->from) == 0) {
		sqlite3_reset(st);
		rc = transition_tx(c, a, a->from, a->to, &sys,
		    "the researcher replied");
		return rc == STORE_NONE ? STORE_OK : rc;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    step_fail(c, rc, "case state");
}

static int
sq_case_message_researcher(void *p, const struct store_new_message *m,
    const char *from_state, const char *to_state)
{
	struct change_arg a = { .case_id = m->case_id, .msg = m,
	    .from = from_state, .to = to_state, .now = m->now };

	return tx_write(p, researcher_message_fn, &a);
}

static int
id_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	(void)ar;
	*(int64_t *)p = sqlite3_column_int64(st, 0);
	return 0;
}

struct complete_arg {
	int64_t case_id;
	const char *const *f;
	int tier;
	time_t now;
};

static int
complete_fn(struct conn *c, void *p)
{
	struct complete_arg *a = p;
	struct store_actor who = { 0, "researcher" };
	sqlite3_stmt *st = stmt(c, Q_CASE_COMPLETE);
	int i, rc;

	sqlite3_bind_int64(st, 1, a->case_id);
	sqlite3_bind_int(st, 2, a->tier);
	for (i = 0; i < NCASE_FIELDS; i++)
		bind_text(st, 3 + i, a->f[i]);
	sqlite3_bind_int64(st, 22, (sqlite3_int64)a->now);
	if ((rc = step_done(c, Q_CASE_COMPLETE, "complete")) != STORE_OK)
		return rc;
	if (sqlite3_changes(c->db) == 0)
		return STORE_NONE;
	return insert_event_audit(c, a->case_id, a->now, &who, "completed",
	    "", "", "the researcher completed the report",
	    "report completed by the researcher");
}

static int
sq_case_complete(void *p, int64_t case_id, const char *const *f, int tier,
    time_t now)
{
	struct complete_arg a = { case_id, f, tier, now };

	return tx_write(p, complete_fn, &a);
}

static int
sq_case_by_tracking(void *p, const char *tid, struct arena *ar,
    struct store_case *out)
{
	int64_t id;
	int rc;

	rc = one_row(p, Q_CASE_ID_BY_TRACKING, tid, NULL, 0, ar, &id, id_row);
	if (rc != STORE_OK)
		return rc;
	return sq_case_get(p, id, ar, out);
}

/* ---- the queue ---- */

static unsigned
queue_shape(const struct store_queue_filter *f)
{
	unsigned shape = 0;

	if (f->state != NULL)
		shape |= strcmp(f->state, "open") == 0 ? QF_OPEN : QF_STATE;
	if (f->product != NULL)
		shape |= QF_PRODUCT;
	if (f->severity != NULL)
		shape |= QF_SEVERITY;
	if (f->channel != NULL)
		shape |= QF_CHANNEL;
	if (f->assignee > 0)
		shape |= QF_ASSIGNEE;
	else if (f->assignee < 0)
		shape |= QF_UNASSIGNED;
	if (f->overdue)
		shape |= QF_OVERDUE;
	if (f->search != NULL && *f->search != '\0')
		shape |= QF_FTS;
	return shape;
}

static void
queue_bind(sqlite3_stmt *st, const struct store_queue_filter *f)
{
	const char *sev = f->severity;

	if (sev != NULL && strcmp(sev, "unscored") == 0)
		sev = "";
	if (f->state)
		bind_text(st, 1, f->state);
	if (f->product)
		bind_text(st, 2, f->product);
	if (sev)
		bind_text(st, 3, sev);
	if (f->channel)
		bind_text(st, 4, f->channel);
	if (f->assignee > 0)
		sqlite3_bind_int64(st, 5, f->assignee);
	if (f->overdue)
		sqlite3_bind_int64(st, 6, (sqlite3_int64)f->now);
	if (f->search)
		bind_text(st, 7, f->search);
}

/* The total for a filter on the state alone, from the counters kept by
 * triggers: -1 when the filter has more than the state. */
static int64_t
counted_total(struct conn *c, const struct store_queue_filter *f,
    unsigned shape)
{
	sqlite3_stmt *st = stmt(c, Q_STATE_COUNTS);
	int64_t total = 0;
	const char *name;
	int rc;

	if ((shape & ~(unsigned)(QF_STATE | QF_OPEN)) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		if (name == NULL)
			continue;
		if ((shape & QF_STATE) ? strcmp(name, f->state) == 0 :
		    (shape & QF_OPEN) ? strcmp(name, "closed") != 0 &&
		    strcmp(name, "rejected") != 0 &&
		    strcmp(name, "duplicate") != 0 &&
		    strcmp(name, "not_reproducible") != 0 : 1)
			total += sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? total : -1;
}

static int
sq_queue(void *p, const struct store_queue_filter *f, struct arena *ar,
    struct store_queue_row **rows, size_t *nrows, int64_t *total)
{
	struct sq *s = p;
	struct conn *c;
	sqlite3_stmt *st;
	struct store_queue_row *out;
	unsigned shape = queue_shape(f);
	int sort = f->sort < SORT__MAX ? (int)f->sort : 0, rc, limit;
	size_t n = 0;

	limit = f->limit > 0 && f->limit <= 500 ? f->limit : 50;
	if ((out = util_arena_zalloc(ar, sizeof(*out) * (size_t)limit)) ==
	    NULL)
		return STORE_ERR;
	if ((c = acquire(s)) == NULL)
		return STORE_ERR;
	if ((st = queue_stmt(c, shape, sort, 0)) == NULL) {
		release(s, c);
		return STORE_ERR;
	}
	queue_bind(st, f);
	sqlite3_bind_int(st, 8, limit);
	sqlite3_bind_int(st, 9, f->offset > 0 ? f->offset : 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < (size_t)limit) {
		struct store_queue_row *r = &out[n++];
		r->id = sqlite3_column_int64(st, 0);
		r->tracking_id = col_text(ar, st, 1);
		r->title = col_text(ar, st, 2);
		r->state = col_text(ar, st, 3);
		r->channel = col_text(ar, st, 4);
		r->product = col_text(ar, st, 5);
		r->severity = col_text(ar, st, 6);
		r->score = sqlite3_column_double(st, 7);
		r->assignee = col_text(ar, st, 8);
		r->created_at = sqlite3_column_int64(st, 9);
		r->updated_at = sqlite3_column_int64(st, 10);
		r->due_at = sqlite3_column_int64(st, 11);
		if (r->assignee == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		rc = STORE_OK;
		if ((*total = counted_total(c, f, shape)) < 0) {
			if ((st = queue_stmt(c, shape, 0, 1)) == NULL)
				rc = STORE_ERR;
			else {
				queue_bind(st, f);
				if (sqlite3_step(st) == SQLITE_ROW)
					*total = sqlite3_column_int64(st, 0);
				else
					rc = STORE_NONE;
				sqlite3_reset(st);
			}
		}
	} else {
		/* a malformed search expression lands here */
		log_warn("sqlite: queue: %s", sqlite3_errmsg(c->db));
		rc = (rc & 0xff) == SQLITE_ERROR ? STORE_NONE : STORE_ERR;
	}
	release(s, c);
	*rows = out;
	*nrows = n;
	return rc;
}

/* Prepares every shape of the queue on one connection (for the tests):
 * returns the number that failed. */
static int
sq_queue_prepare_all(void *p)
{
	struct sq *s = p;
	struct conn *c;
	unsigned shape;
	int sort, bad = 0;

	if ((c = acquire(s)) == NULL)
		return -1;
	for (shape = 0; shape < QV_SHAPES; shape++) {
		if ((shape & QF_STATE) && (shape & QF_OPEN))
			continue;
		if ((shape & QF_ASSIGNEE) && (shape & QF_UNASSIGNED))
			continue;
		for (sort = 0; sort <= SORT__MAX; sort++)
			if (queue_stmt(c, shape, sort == SORT__MAX ? 0 : sort,
			    sort == SORT__MAX) == NULL)
				bad++;
	}
	release(s, c);
	return bad;
}

static int
count_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_state_count *sc = p;

	sc->state = col_text(ar, st, 0);
	sc->n = sqlite3_column_int64(st, 1);
	return sc->state == NULL ? -1 : 0;
}

static int
sq_state_counts(void *p, struct arena *ar, struct store_state_count **out,
    size_t *n)
{
	return list_query(p, Q_STATE_COUNTS, -1, -1, ar, (void **)out, n,
	    sizeof(**out), count_row);
}

/* ---- e-mail ---- */

struct mail_save_arg {
	const void *raw;
	size_t len;
	time_t now;
	int64_t id;
};

static int
mail_save_fn(struct conn *c, void *p)
{
	struct mail_save_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_MAIL_SAVE);
	char hex[65];
	int rc;

	util_sha256_hex(hex, a->raw, a->len);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)a->now);
	sqlite3_bind_blob64(st, 2, a->len ? a->raw : "", a->len,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)a->len);
	bind_text(st, 4, hex);
	if ((rc = step_done(c, Q_MAIL_SAVE, "save mail")) != STORE_OK)
		return rc;
	a->id = sqlite3_last_insert_rowid(c->db);
	return STORE_OK;
}

static int
sq_mail_save(void *p, const void *raw, size_t len, time_t now, int64_t *idp)
{
	struct mail_save_arg a = { raw, len, now, 0 };
	int rc = tx_write(p, mail_save_fn, &a);

	if (rc == STORE_OK && idp != NULL)
		*idp = a.id;
	return rc;
}

static int
sq_mail_update(void *p, int64_t id, const struct store_mail_info *m)
{
	struct simple_arg a = { .q = Q_MAIL_UPDATE, .fmt = "itittttttti",
	    .i = { id, 0, m->case_id, 0, 0, 0, 0, 0, 0, 0, m->sig_whole },
	    .v = { NULL, m->status, NULL, m->message_id, m->from_addr,
	    m->subject, m->flag, m->pgp, m->sig, m->sig_fpr } };

	return simple_write(p, &a);
}

static int
mail_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_mail *m = p;

	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(st, 0);
	m->received_at = (time_t)sqlite3_column_int64(st, 1);
	m->size = (size_t)sqlite3_column_int64(st, 2);
	m->status = col_text(ar, st, 3);
	m->message_id = col_text(ar, st, 4);
	m->from_addr = col_text(ar, st, 5);
	m->subject = col_text(ar, st, 6);
	m->flag = col_text(ar, st, 7);
	m->pgp = col_text(ar, st, 8);
	m->sig = col_text(ar, st, 9);
	m->sig_fpr = col_text(ar, st, 10);
	m->sig_whole = sqlite3_column_int(st, 11);
	m->case_id = sqlite3_column_int64(st, 12);
	return m->sig_fpr == NULL ? -1 : 0;
}

static int
mail_row_raw(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_mail *m = p;
	const void *blob;
	void *copy;
	int n;

	if (mail_row(st, ar, p) == -1)
		return -1;
	blob = sqlite3_column_blob(st, 13);
	n = sqlite3_column_bytes(st, 13);
	if ((copy = util_arena_alloc(ar, (size_t)n + 1)) == NULL)
		return -1;
	if (n > 0)
		memcpy(copy, blob, (size_t)n);
	((char *)copy)[n] = '\0';
	m->raw = copy;
	m->size = (size_t)n;
	return 0;
}

static int
sq_mail_get(void *p, int64_t id, struct arena *ar, struct store_mail *m)
{
	return one_row(p, Q_MAIL_GET, NULL, NULL, id, ar, m, mail_row_raw);
}

static int
sq_mail_flagged(void *p, int limit, struct arena *ar, struct store_mail **m,
    size_t *n)
{
	return list_query(p, Q_MAIL_FLAGGED, -1, limit, ar, (void **)m, n,
	    sizeof(**m), mail_row);
}

static int
sq_mail_for_case(void *p, int64_t case_id, struct arena *ar,
    struct store_mail **m, size_t *n)
{
	return list_query(p, Q_MAIL_BY_CASE, case_id, -1, ar, (void **)m, n,
	    sizeof(**m), mail_row);
}

static int
sq_case_by_message_id(void *p, const char *msgid, int64_t *case_id)
{
	struct arena ar;
	int rc;

	util_arena_init(&ar, 0);
	rc = one_row(p, Q_CASE_BY_MSGID, msgid, NULL, 0, &ar, case_id, id_row);
	util_arena_release(&ar);
	return rc;
}

static int
sq_autoreplies_since(void *p, const char *addr, time_t since)
{
	return count_since(p, Q_AUTOREPLIES, addr, since);
}

static int
text_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	*(const char **)p = col_text(ar, st, 0);
	return *(const char **)p == NULL ? -1 : 0;
}

static int
sq_case_thread(void *p, int64_t case_id, struct arena *ar, const char **first,
    const char **last)
{
	int rc;

	*first = *last = "";
	rc = one_row(p, Q_THREAD_FIRST, NULL, NULL, case_id, ar, first,
	    text_row);
	if (rc == STORE_ERR)
		return rc;
	rc = one_row(p, Q_THREAD_LAST, NULL, NULL, case_id, ar, last,
	    text_row);
	return rc == STORE_ERR ? rc : STORE_OK;
}

static int
outbox_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_outbox *o = p;

	memset(o, 0, sizeof(*o));
	o->id = sqlite3_column_int64(st, 0);
	o->case_id = sqlite3_column_int64(st, 1);
	o->kind = col_text(ar, st, 2);
	o->created_at = (time_t)sqlite3_column_int64(st, 3);
	o->to_addr = col_text(ar, st, 4);
	o->to_name = col_text(ar, st, 5);
	o->pgp_key = col_text(ar, st, 6);
	o->body = col_text(ar, st, 7);
	o->secret = col_text(ar, st, 8);
	o->message_id = col_text(ar, st, 9);
	o->status = col_text(ar, st, 10);
	o->attempts = sqlite3_column_int(st, 11);
	o->next_attempt_at = (time_t)sqlite3_column_int64(st, 12);
	o->sent_at = (time_t)sqlite3_column_int64(st, 13);
	o->last_error = col_text(ar, st, 14);
	return o->last_error == NULL ? -1 : 0;
}

struct claim_arg {
	time_t now, stale;
	int max;
	struct arena *ar;
	struct store_outbox *out;
	size_t n;
};

static int
claim_fn(struct conn *c, void *p)
{
	struct claim_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_OUTBOX_CLAIM);
	int rc;

	a->n = 0;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)a->now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(a->now - a->stale));
	sqlite3_bind_int(st, 3, a->max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && a->n < (size_t)a->max)
		if (outbox_row(st, a->ar, &a->out[a->n++]) == -1) {
			sqlite3_reset(st);
			return STORE_ERR;
		}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return step_fail(c, rc, "claim outbox");
	return STORE_OK;
}

static int
sq_outbox_claim(void *p, time_t now, time_t stale, int max, struct arena *ar,
    struct store_outbox **out, size_t *n)
{
	struct claim_arg a = { now, stale, max > 0 ? max : 1, ar, NULL, 0 };
	int rc;

	if ((a.out = util_arena_zalloc(ar, sizeof(*a.out) * (size_t)a.max)) ==
	    NULL)
		return STORE_ERR;
	rc = tx_write(p, claim_fn, &a);
	*out = a.out;
	*n = rc == STORE_OK ? a.n : 0;
	return rc;
}

static int
sq_outbox_result(void *p, int64_t id, const char *status, time_t next_at,
    const char *error, time_t now)
{
	struct simple_arg a = { .q = Q_OUTBOX_RESULT, .fmt = "ititi",
	    .i = { id, 0, (int64_t)next_at, 0, (int64_t)now },
	    .v = { NULL, status, NULL, error ? error : "" } };

	return simple_write(p, &a);
}

static int
sq_outbox_for_case(void *p, int64_t case_id, struct arena *ar,
    struct store_outbox **out, size_t *n)
{
	return list_query(p, Q_OUTBOX_BY_CASE, case_id, -1, ar, (void **)out,
	    n, sizeof(**out), outbox_row);
}

static int
sq_outbox_backlog(void *p)
{
	return count_query(p, Q_OUTBOX_BACKLOG);
}

static int
sq_outbox_add(void *p, const struct store_outbox *o, time_t now)
{
	struct simple_arg a = { .q = Q_OUTBOX_ADD, .fmt = "ititttttt",
	    .i = { o->case_id, 0, (int64_t)now },
	    .v = { NULL, o->kind, NULL, o->to_addr, o->to_name, o->pgp_key,
	    o->body, o->secret, o->message_id } };

	return simple_write(p, &a);
}

/* ---- independent patch testing ---- */

static int
plan_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_product_plan *pl = p;

	pl->id = sqlite3_column_int64(st, 0);
	pl->name = col_text(ar, st, 1);
	pl->vendor = col_text(ar, st, 2);
	pl->source = col_text(ar, st, 3);
	pl->build_cmd = col_text(ar, st, 4);
	pl->test_cmd = col_text(ar, st, 5);
	pl->poc_cmd = col_text(ar, st, 6);
	pl->oracle = col_text(ar, st, 7);
	return pl->oracle == NULL ? -1 : 0;
}

struct plan_arg {
	const struct store_product_plan *pl;
	time_t now;
	int64_t id;
};

static int
plan_fn(struct conn *c, void *p)
{
	struct plan_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_PLAN_UPSERT);
	int rc;

	bind_text(st, 1, a->pl->name);
	bind_text(st, 2, a->pl->vendor);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)a->now);
	bind_text(st, 4, a->pl->source);
	bind_text(st, 5, a->pl->build_cmd);
	bind_text(st, 6, a->pl->test_cmd);
	bind_text(st, 7, a->pl->poc_cmd);
	bind_text(st, 8, a->pl->oracle ? a->pl->oracle : "crash");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		a->id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return step_fail(c, rc, "product plan");
	return STORE_OK;
}

static int
sq_product_plan_set(void *p, const struct store_product_plan *pl, time_t now,
    int64_t *idp)
{
	struct plan_arg a = { pl, now, 0 };
	int rc = tx_write(p, plan_fn, &a);

	if (rc == STORE_OK && idp != NULL)
		*idp = a.id;
	return rc;
}

static int
sq_product_plan_get(void *p, int64_t id, struct arena *ar,
    struct store_product_plan *pl)
{
	return one_row(p, Q_PLAN_GET, NULL, NULL, id, ar, pl, plan_row);
}

static int
sq_product_by_name(void *p, const char *name, struct arena *ar,
    struct store_product_plan *pl)
{
	return one_row(p, Q_PLAN_BY_NAME, name, NULL, 0, ar, pl, plan_row);
}

struct ver_arg {
	int64_t product_id;
	const char *name, *ref;
	time_t now;
	int64_t id;
};

static int
ver_fn(struct conn *c, void *p)
{
	struct ver_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_VERSION_ADD);
	int rc;

	sqlite3_bind_int64(st, 1, a->product_id);
	bind_text(st, 2, a->name);
	bind_text(st, 3, a->ref);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)a->now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		a->id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return STORE_NONE;
	if (rc != SQLITE_ROW)
		return step_fail(c, rc, "product version");
	return STORE_OK;
}

static int
sq_version_add(void *p, int64_t product_id, const char *name, const char *ref,
    time_t now, int64_t *idp)
{
	struct ver_arg a = { product_id, name, ref, now, 0 };
	int rc = tx_write(p, ver_fn, &a);

	if (rc == STORE_OK && idp != NULL)
		*idp = a.id;
	return rc;
}

static int
version_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_version *v = p;

	v->id = sqlite3_column_int64(st, 0);
	v->product_id = sqlite3_column_int64(st, 1);
	v->name = col_text(ar, st, 2);
	v->ref = col_text(ar, st, 3);
	return v->ref == NULL ? -1 : 0;
}

static int
sq_versions(void *p, int64_t product_id, struct arena *ar,
    struct store_version **v, size_t *n)
{
	return list_query(p, Q_VERSIONS, product_id, -1, ar, (void **)v, n,
	    sizeof(**v), version_row);
}

static int
sq_version_get(void *p, int64_t id, struct arena *ar, struct store_version *v)
{
	return one_row(p, Q_VERSION_GET, NULL, NULL, id, ar, v, version_row);
}

struct poc_arg {
	int64_t case_id;
	const char *name;
	const void *data;
	size_t size;
	const struct store_actor *who;
	time_t now;
	int64_t id;
};

static int
poc_fn(struct conn *c, void *p)
{
	struct poc_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_POC_ADD);
	int rc;

	sqlite3_bind_int64(st, 1, a->case_id);
	bind_text(st, 2, a->name);
	sqlite3_bind_blob64(st, 3, a->size ? a->data : "", a->size,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)a->now);
	bind_text(st, 5, a->who->name);
	if ((rc = step_done(c, Q_POC_ADD, "add poc")) != STORE_OK)
		return rc;
	a->id = sqlite3_last_insert_rowid(c->db);
	return insert_event_audit(c, a->case_id, a->now, a->who, "poc", "",
	    "", a->name, a->name);
}

static int
sq_poc_add(void *p, int64_t case_id, const char *name, const void *data,
    size_t size, const struct store_actor *who, time_t now, int64_t *idp)
{
	struct poc_arg a = { case_id, name, data, size, who, now, 0 };
	int rc = tx_write(p, poc_fn, &a);

	if (rc == STORE_OK && idp != NULL)
		*idp = a.id;
	return rc;
}

static int
poc_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_poc *x = p;
	const void *blob;
	void *copy;
	int n;

	x->id = sqlite3_column_int64(st, 0);
	x->case_id = sqlite3_column_int64(st, 1);
	x->case_tracking = col_text(ar, st, 2);
	x->name = col_text(ar, st, 3);
	blob = sqlite3_column_blob(st, 4);
	n = sqlite3_column_bytes(st, 4);
	if ((copy = util_arena_alloc(ar, (size_t)n + 1)) == NULL)
		return -1;
	if (n > 0)
		memcpy(copy, blob, (size_t)n);
	x->data = copy;
	x->size = (size_t)n;
	x->regression = sqlite3_column_int(st, 5);
	return x->name == NULL ? -1 : 0;
}

static int
sq_pocs_for_run(void *p, int64_t case_id, int64_t product_id,
    struct arena *ar, struct store_poc **out, size_t *n)
{
	/* list_query binds ?2 as an int: product ids stay small */
	return list_query(p, Q_POCS_FOR_RUN, case_id, (int)product_id, ar,
	    (void **)out, n, sizeof(**out), poc_row);
}

static int
sq_pocs_for_case(void *p, int64_t case_id, struct arena *ar,
    struct store_poc **out, size_t *n)
{
	return list_query(p, Q_POCS_FOR_CASE, case_id, -1, ar, (void **)out, n,
	    sizeof(**out), poc_row);
}

struct patch_arg {
	int64_t case_id;
	const char *kind, *content, *note;
	const int64_t *versions;
	size_t nversions;
	const struct store_actor *who;
	time_t now;
	int64_t id;
	int revision;
};

static int
patch_fn(struct conn *c, void *p)
{
	struct patch_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_PATCH_NEXT_REV);
	char details[64];
	size_t i;
	int rc, runs = 0;

	sqlite3_bind_int64(st, 1, a->case_id);
	rc = sqlite3_step(st);
	a->revision = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return step_fail(c, rc, "next revision");
	st = stmt(c, Q_PATCH_INSERT);
	sqlite3_bind_int64(st, 1, a->case_id);
	sqlite3_bind_int(st, 2, a->revision);
	sqlite3_bind_int64(st, 3, a->who->user_id);
	bind_text(st, 4, a->kind);
	bind_text(st, 5, a->content);
	bind_text(st, 6, a->note);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)a->now);
	if ((rc = step_done(c, Q_PATCH_INSERT, "add patch")) != STORE_OK)
		return rc;
	a->id = sqlite3_last_insert_rowid(c->db);
	for (i = 0; i < a->nversions; i++) {
		st = stmt(c, Q_RUN_INSERT);
		sqlite3_bind_int64(st, 1, a->id);
		sqlite3_bind_int64(st, 2, a->versions[i]);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)a->now);
		if ((rc = step_done(c, Q_RUN_INSERT, "queue run")) != STORE_OK)
			return rc;
		runs += sqlite3_changes(c->db);
	}
	if (runs == 0)
		return STORE_ERR;	/* no such version: caller's bug */
	snprintf(details, sizeof(details), "revision %d, %d test run%s",
	    a->revision, runs, runs == 1 ? "" : "s");
	return insert_event_audit(c, a->case_id, a->now, a->who, "patch", "",
	    "", details, details);
}

static int
sq_patch_add(void *p, int64_t case_id, const char *kind, const char *content,
    const char *note, const int64_t *versions, size_t nversions,
    const struct store_actor *who, time_t now, int64_t *idp, int *revision)
{
	struct patch_arg a = { case_id, kind, content, note, versions,
	    nversions, who, now, 0, 0 };
	int rc = tx_write(p, patch_fn, &a);

	if (rc == STORE_OK) {
		if (idp != NULL)
			*idp = a.id;
		if (revision != NULL)
			*revision = a.revision;
	}
	return rc;
}

static int
patch_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_patch *x = p;

	x->id = sqlite3_column_int64(st, 0);
	x->case_id = sqlite3_column_int64(st, 1);
	x->revision = sqlite3_column_int(st, 2);
	x->author_id = sqlite3_column_int64(st, 3);
	x->author = col_text(ar, st, 4);
	x->kind = col_text(ar, st, 5);
	x->content = col_text(ar, st, 6);
	x->note = col_text(ar, st, 7);
	x->created_at = (time_t)sqlite3_column_int64(st, 8);
	return x->note == NULL ? -1 : 0;
}

static int
sq_patches(void *p, int64_t case_id, struct arena *ar,
    struct store_patch **out, size_t *n)
{
	return list_query(p, Q_PATCHES, case_id, -1, ar, (void **)out, n,
	    sizeof(**out), patch_row);
}

static int
sq_patch_get(void *p, int64_t id, struct arena *ar, struct store_patch *x)
{
	return one_row(p, Q_PATCH_GET, NULL, NULL, id, ar, x, patch_row);
}

static int
run_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_run *r = p;

	r->id = sqlite3_column_int64(st, 0);
	r->patch_id = sqlite3_column_int64(st, 1);
	r->revision = sqlite3_column_int(st, 2);
	r->case_id = sqlite3_column_int64(st, 3);
	r->version_id = sqlite3_column_int64(st, 4);
	r->version = col_text(ar, st, 5);
	r->status = col_text(ar, st, 6);
	r->queued_at = (time_t)sqlite3_column_int64(st, 7);
	r->started_at = (time_t)sqlite3_column_int64(st, 8);
	r->finished_at = (time_t)sqlite3_column_int64(st, 9);
	r->regressions_ok = sqlite3_column_int(st, 10);
	r->pocs_before_ok = sqlite3_column_int(st, 11);
	r->pocs_after_ok = sqlite3_column_int(st, 12);
	r->summary = col_text(ar, st, 13);
	r->regression_of = col_text(ar, st, 14);
	r->signoff = col_text(ar, st, 15);
	r->signer_id = sqlite3_column_int64(st, 16);
	r->signer = col_text(ar, st, 17);
	r->signoff_comment = col_text(ar, st, 18);
	return r->signoff_comment == NULL ? -1 : 0;
}

static int
sq_runs_for_case(void *p, int64_t case_id, struct arena *ar,
    struct store_run **out, size_t *n)
{
	return list_query(p, Q_RUNS_FOR_CASE, case_id, -1, ar, (void **)out, n,
	    sizeof(**out), run_row);
}

static int
sq_run_get(void *p, int64_t id, struct arena *ar, struct store_run *r)
{
	return one_row(p, Q_RUN_GET, NULL, NULL, id, ar, r, run_row);
}

static int
step_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_step *x = p;
	const void *blob;
	char *copy;
	int n;

	x->id = sqlite3_column_int64(st, 0);
	x->seq = sqlite3_column_int(st, 1);
	x->name = col_text(ar, st, 2);
	x->verdict = col_text(ar, st, 3);
	x->exit_status = sqlite3_column_int(st, 4);
	x->signal = sqlite3_column_int(st, 5);
	x->timed_out = sqlite3_column_int(st, 6);
	x->truncated = sqlite3_column_int(st, 7);
	x->duration = sqlite3_column_double(st, 8);
	blob = sqlite3_column_blob(st, 9);
	n = sqlite3_column_bytes(st, 9);
	if ((copy = util_arena_alloc(ar, (size_t)n + 1)) == NULL)
		return -1;
	if (n > 0)
		memcpy(copy, blob, (size_t)n);
	copy[n] = '\0';
	x->output = copy;
	x->output_len = (size_t)n;
	return x->verdict == NULL ? -1 : 0;
}

static int
sq_run_steps(void *p, int64_t run_id, struct arena *ar,
    struct store_step **out, size_t *n)
{
	return list_query(p, Q_STEPS, run_id, -1, ar, (void **)out, n,
	    sizeof(**out), step_row);
}

struct claim_run_arg {
	time_t now;
	int64_t id;
};

static int
claim_run_fn(struct conn *c, void *p)
{
	struct claim_run_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_RUN_REQUEUE);
	int rc;

	/* a run left "running" by a worker that died is queued again */
	sqlite3_bind_int64(st, 1, (sqlite3_int64)(a->now - 6 * 3600));
	if ((rc = step_done(c, Q_RUN_REQUEUE, "requeue")) != STORE_OK)
		return rc;
	st = stmt(c, Q_RUN_CLAIM);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)a->now);
	rc = sqlite3_step(st);
	a->id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return step_fail(c, rc, "claim run");
	return rc == SQLITE_ROW ? STORE_OK : STORE_NONE;
}

static int
sq_run_claim(void *p, time_t now, struct arena *ar, struct store_run *r)
{
	struct claim_run_arg a = { now, 0 };
	int rc = tx_write(p, claim_run_fn, &a);

	if (rc != STORE_OK)
		return rc;
	return sq_run_get(p, a.id, ar, r);
}

struct step_arg {
	int64_t run_id;
	const struct store_step *x;
};

static int
step_fn(struct conn *c, void *p)
{
	struct step_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_STEP_ADD);

	sqlite3_bind_int64(st, 1, a->run_id);
	sqlite3_bind_int(st, 2, a->x->seq);
	bind_text(st, 3, a->x->name);
	bind_text(st, 4, a->x->verdict);
	sqlite3_bind_int(st, 5, a->x->exit_status);
	sqlite3_bind_int(st, 6, a->x->signal);
	sqlite3_bind_int(st, 7, a->x->timed_out);
	sqlite3_bind_int(st, 8, a->x->truncated);
	sqlite3_bind_double(st, 9, a->x->duration);
	sqlite3_bind_blob64(st, 10, a->x->output_len ? a->x->output : "",
	    a->x->output_len, SQLITE_STATIC);
	return step_done(c, Q_STEP_ADD, "add step");
}

static int
sq_run_step_add(void *p, int64_t run_id, const struct store_step *x)
{
	struct step_arg a = { run_id, x };

	return tx_write(p, step_fn, &a);
}

struct finish_arg {
	int64_t run_id;
	const char *status, *summary, *regression_of;
	int reg, before, after;
	time_t now;
};

static int
finish_fn(struct conn *c, void *p)
{
	struct finish_arg *a = p;
	struct store_actor sys = { 0, "system" };
	sqlite3_stmt *st = stmt(c, Q_RUN_FACTS);
	int64_t case_id = 0;
	char details[96];
	int rc;

	sqlite3_bind_int64(st, 1, a->run_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		case_id = sqlite3_column_int64(st, 2);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? STORE_NONE : step_fail(c, rc,
		    "run facts");
	st = stmt(c, Q_RUN_FINISH);
	sqlite3_bind_int64(st, 1, a->run_id);
	bind_text(st, 2, a->status);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)a->now);
	sqlite3_bind_int(st, 4, a->reg);
	sqlite3_bind_int(st, 5, a->before);
	sqlite3_bind_int(st, 6, a->after);
	bind_text(st, 7, a->summary);
	bind_text(st, 8, a->regression_of);
	if ((rc = step_done(c, Q_RUN_FINISH, "finish run")) != STORE_OK)
		return rc;
	/* a passed run's PoCs join the product's regression memory */
	if (strcmp(a->status, "passed") == 0) {
		st = stmt(c, Q_POCS_MARK_PASSED);
		sqlite3_bind_int64(st, 1, case_id);
		sqlite3_bind_int64(st, 2, a->run_id);
		if ((rc = step_done(c, Q_POCS_MARK_PASSED, "regression pocs")) !=
		    STORE_OK)
			return rc;
	}
	snprintf(details, sizeof(details), "test run %lld %s",
	    (long long)a->run_id, a->status);
	return insert_event_audit(c, case_id, a->now, &sys, "test_run", "", "",
	    details, details);
}

static int
sq_run_finish(void *p, int64_t run_id, const char *status, int reg,
    int before, int after, const char *summary, const char *regression_of,
    time_t now)
{
	struct finish_arg a = { run_id, status, summary, regression_of, reg,
	    before, after, now };

	return tx_write(p, finish_fn, &a);
}

struct signoff_arg {
	int64_t run_id, tester;
	const char *verdict, *comment;
	const struct store_actor *who;
	time_t now;
};

static int
signoff_fn(struct conn *c, void *p)
{
	struct signoff_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_RUN_FACTS);
	const unsigned char *status;
	int64_t author = 0, case_id = 0;
	char details[96];
	int rc, finished = 0;

	sqlite3_bind_int64(st, 1, a->run_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		status = sqlite3_column_text(st, 0);
		finished = status != NULL && (strcmp((const char *)status,
		    "passed") == 0 || strcmp((const char *)status, "failed") ==
		    0 || strcmp((const char *)status, "error") == 0);
		author = sqlite3_column_int64(st, 1);
		case_id = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? STORE_NONE : step_fail(c, rc,
		    "run facts");
	/* Separation of duties, enforced where the data is. */
	if (!finished || author == a->tester)
		return STORE_NONE;
	st = stmt(c, Q_SIGNOFF_INSERT);
	sqlite3_bind_int64(st, 1, a->run_id);
	sqlite3_bind_int64(st, 2, a->tester);
	bind_text(st, 3, a->verdict);
	bind_text(st, 4, a->comment);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)a->now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return STORE_NONE;	/* signed off already */
	if (rc != SQLITE_DONE)
		return step_fail(c, rc, "sign-off");
	snprintf(details, sizeof(details), "test run %lld signed off: %s",
	    (long long)a->run_id, a->verdict);
	return insert_event_audit(c, case_id, a->now, a->who, "signoff", "",
	    "", a->comment, details);
}

static int
sq_run_signoff(void *p, int64_t run_id, int64_t tester, const char *verdict,
    const char *comment, const struct store_actor *who, time_t now)
{
	struct signoff_arg a = { run_id, tester, verdict, comment, who, now };

	return tx_write(p, signoff_fn, &a);
}

static int
sq_runs_backlog(void *p, int *queued, int *running)
{
	struct sq *s = p;
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	*queued = *running = 0;
	if ((c = acquire(s)) == NULL)
		return STORE_ERR;
	st = stmt(c, Q_RUNS_BACKLOG);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*queued = sqlite3_column_int(st, 0);
		*running = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	release(s, c);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERR;
}

static int
verif_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_verification *v = p;

	v->id = sqlite3_column_int64(st, 0);
	v->case_id = sqlite3_column_int64(st, 1);
	v->patch_id = sqlite3_column_int64(st, 2);
	v->revision = sqlite3_column_int(st, 3);
	v->sent_at = (time_t)sqlite3_column_int64(st, 4);
	v->deadline = (time_t)sqlite3_column_int64(st, 5);
	v->reminded_at = (time_t)sqlite3_column_int64(st, 6);
	v->answer = col_text(ar, st, 7);
	v->answered_at = (time_t)sqlite3_column_int64(st, 8);
	v->notes = col_text(ar, st, 9);
	v->waived_by = col_text(ar, st, 10);
	v->waive_reason = col_text(ar, st, 11);
	v->waived_at = (time_t)sqlite3_column_int64(st, 12);
	return v->waive_reason == NULL ? -1 : 0;
}

struct verif_arg {
	int64_t case_id, patch_id, id;
	time_t deadline, now;
	const struct store_actor *who;
	const struct store_notify *notify;
	const char *answer, *notes, *from, *to, *reason;
	const struct store_new_message *msg;
};

static int
verif_send_fn(struct conn *c, void *p)
{
	struct verif_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_VERIF_INSERT);
	int rc;

	sqlite3_bind_int64(st, 1, a->case_id);
	sqlite3_bind_int64(st, 2, a->patch_id);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)a->now);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)a->deadline);
	if ((rc = step_done(c, Q_VERIF_INSERT, "verification")) != STORE_OK)
		return rc;
	a->id = sqlite3_last_insert_rowid(c->db);
	if ((rc = insert_event_audit(c, a->case_id, a->now, a->who,
	    "verification", "", "", "sent to the researcher",
	    "fix sent to the researcher")) != STORE_OK)
		return rc;
	return outbox_tx(c, a->case_id, a->notify, a->now);
}

static int
sq_verification_send(void *p, int64_t case_id, int64_t patch_id,
    time_t deadline, const struct store_actor *who,
    const struct store_notify *notify, time_t now, int64_t *idp)
{
	struct verif_arg a = { .case_id = case_id, .patch_id = patch_id,
	    .deadline = deadline, .now = now, .who = who, .notify = notify };
	int rc = tx_write(p, verif_send_fn, &a);

	if (rc == STORE_OK && idp != NULL)
		*idp = a.id;
	return rc;
}

static int
sq_verification_current(void *p, int64_t case_id, struct arena *ar,
    struct store_verification *v)
{
	return one_row(p, Q_VERIF_CURRENT, NULL, NULL, case_id, ar, v,
	    verif_row);
}

static int
verif_answer_fn(struct conn *c, void *p)
{
	struct verif_arg *a = p;
	struct store_actor sys = { 0, "system" };
	struct change_arg ch;
	struct msg_arg m;
	sqlite3_stmt *st = stmt(c, Q_VERIF_CASE);
	int rc;

	sqlite3_bind_int64(st, 1, a->id);
	rc = sqlite3_step(st);
	a->case_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? STORE_NONE : step_fail(c, rc,
		    "verification case");
	st = stmt(c, Q_VERIF_ANSWER);
	sqlite3_bind_int64(st, 1, a->id);
	bind_text(st, 2, a->answer);
	bind_text(st, 3, a->notes);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)a->now);
	if ((rc = step_done(c, Q_VERIF_ANSWER, "answer")) != STORE_OK)
		return rc;
	if (sqlite3_changes(c->db) == 0)
		return STORE_NONE;	/* answered or waived already */
	if (a->msg != NULL) {
		memset(&m, 0, sizeof(m));
		m.m = a->msg;
		if ((rc = message_fn(c, &m)) != STORE_OK)
			return rc;
	}
	if ((rc = insert_event_audit(c, a->case_id, a->now, &sys,
	    "verification", "", "", a->answer, a->answer)) != STORE_OK)
		return rc;
	if (a->from != NULL && a->to != NULL) {
		memset(&ch, 0, sizeof(ch));
		ch.case_id = a->case_id;
		ch.now = a->now;
		rc = transition_tx(c, &ch, a->from, a->to, &sys,
		    "the researcher says the fix does not work");
		return rc == STORE_NONE ? STORE_OK : rc;
	}
	return STORE_OK;
}

static int
sq_verification_answer(void *p, int64_t id, const char *answer,
    const char *notes, const struct store_new_message *msg, const char *from,
    const char *to, time_t now)
{
	struct verif_arg a = { .id = id, .answer = answer, .notes = notes,
	    .msg = msg, .from = from, .to = to, .now = now };

	return tx_write(p, verif_answer_fn, &a);
}

static int
verif_waive_fn(struct conn *c, void *p)
{
	struct verif_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_VERIF_CASE);
	int rc;

	sqlite3_bind_int64(st, 1, a->id);
	rc = sqlite3_step(st);
	a->case_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? STORE_NONE : step_fail(c, rc,
		    "verification case");
	st = stmt(c, Q_VERIF_WAIVE);
	sqlite3_bind_int64(st, 1, a->id);
	bind_text(st, 2, a->who->name);
	bind_text(st, 3, a->reason);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)a->now);
	if ((rc = step_done(c, Q_VERIF_WAIVE, "waive")) != STORE_OK)
		return rc;
	if (sqlite3_changes(c->db) == 0)
		return STORE_NONE;
	return insert_event_audit(c, a->case_id, a->now, a->who,
	    "verification", "", "", a->reason, "verification waived");
}

static int
sq_verification_waive(void *p, int64_t id, const char *reason,
    const struct store_actor *who, time_t now)
{
	struct verif_arg a = { .id = id, .reason = reason, .who = who,
	    .now = now };

	return tx_write(p, verif_waive_fn, &a);
}

static int
sq_verifications_due(void *p, time_t now, struct arena *ar,
    struct store_verification **out, size_t *n)
{
	struct sq *s = p;
	struct conn *c;
	sqlite3_stmt *st;
	size_t cap = 16;
	int rc;

	*n = 0;
	if ((*out = util_arena_alloc(ar, sizeof(**out) * cap)) == NULL ||
	    (c = acquire(s)) == NULL)
		return STORE_ERR;
	st = stmt(c, Q_VERIF_DUE);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < cap)
		if (verif_row(st, ar, &(*out)[(*n)++]) == -1)
			break;
	sqlite3_reset(st);
	release(s, c);
	return STORE_OK;
}

static int
verif_remind_fn(struct conn *c, void *p)
{
	struct verif_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_VERIF_REMINDED);
	int rc;

	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)a->now);
	if ((rc = step_done(c, Q_VERIF_REMINDED, "reminded")) != STORE_OK)
		return rc;
	return outbox_tx(c, a->case_id, a->notify, a->now);
}

static int
sq_verification_reminded(void *p, int64_t id, const struct store_notify *n,
    time_t now)
{
	struct verif_arg a = { .id = id, .notify = n, .now = now };
	struct arena ar;
	int rc;

	util_arena_init(&ar, 0);
	rc = one_row(p, Q_VERIF_CASE, NULL, NULL, id, &ar, &a.case_id, id_row);
	util_arena_release(&ar);
	if (rc != STORE_OK)
		return rc;
	return tx_write(p, verif_remind_fn, &a);
}

/* ---- releases, advisories, subscribers ---- */

static int
release_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_release *r = p;

	r->id = sqlite3_column_int64(st, 0);
	r->kind = col_text(ar, st, 1);
	r->window_at = (time_t)sqlite3_column_int64(st, 2);
	r->notice_at = (time_t)sqlite3_column_int64(st, 3);
	r->status = col_text(ar, st, 4);
	r->justification = col_text(ar, st, 5);
	r->created_by = col_text(ar, st, 6);
	r->created_at = (time_t)sqlite3_column_int64(st, 7);
	r->published_at = (time_t)sqlite3_column_int64(st, 8);
	r->noticed_at = (time_t)sqlite3_column_int64(st, 9);
	r->ncases = sqlite3_column_int(st, 10);
	return r->created_by == NULL ? -1 : 0;
}

struct rel_arg {
	const char *kind, *justification;
	time_t window_at, notice_at, now;
	const struct store_actor *who;
	int64_t id, case_id;
	const struct store_advisory_draft *d;
	const char *prefix, *domain, *change;
};

static int
rel_add_fn(struct conn *c, void *p)
{
	struct rel_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_REL_INSERT);
	char details[128];
	int rc;

	bind_text(st, 1, a->kind);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)a->window_at);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)a->notice_at);
	bind_text(st, 4, a->justification);
	bind_text(st, 5, a->who->name);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)a->now);
	if ((rc = step_done(c, Q_REL_INSERT, "release")) != STORE_OK)
		return rc;
	a->id = sqlite3_last_insert_rowid(c->db);
	snprintf(details, sizeof(details), "release %lld (%s)",
	    (long long)a->id, a->kind);
	return audit_tx(c, a->now, a->who->name, "release.create", 0, details);
}

static int
sq_release_add(void *p, const char *kind, time_t window_at, time_t notice_at,
    const char *justification, const struct store_actor *who, time_t now,
    int64_t *idp)
{
	struct rel_arg a = { .kind = kind, .justification = justification,
	    .window_at = window_at, .notice_at = notice_at, .now = now,
	    .who = who };
	int rc = tx_write(p, rel_add_fn, &a);

	if (rc == STORE_OK && idp != NULL)
		*idp = a.id;
	return rc;
}

static int
sq_releases(void *p, struct arena *ar, struct store_release **r, size_t *n)
{
	return list_query(p, Q_RELS, -1, -1, ar, (void **)r, n, sizeof(**r),
	    release_row);
}

static int
sq_release_get(void *p, int64_t id, struct arena *ar, struct store_release *r)
{
	return one_row(p, Q_REL_GET, NULL, NULL, id, ar, r, release_row);
}

static int
bind_draft(sqlite3_stmt *st, int first, const struct store_advisory_draft *d)
{
	bind_text(st, first, d->title);
	bind_text(st, first + 1, d->summary);
	bind_text(st, first + 2, d->cve);
	bind_text(st, first + 3, d->workarounds);
	bind_text(st, first + 4, d->mitigations);
	bind_text(st, first + 5, d->known_issues);
	bind_text(st, first + 6, d->acknowledgment);
	bind_text(st, first + 7, d->affected);
	bind_text(st, first + 8, d->fixed);
	sqlite3_bind_int(st, first + 9, d->restart_required);
	return first + 10;
}

static int
rel_case_fn(struct conn *c, void *p)
{
	struct rel_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_REL_STATUS);
	const unsigned char *status;
	char details[64];
	int rc, planned = 0, i;

	sqlite3_bind_int64(st, 1, a->id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		status = sqlite3_column_text(st, 0);
		planned = status != NULL && strcmp((const char *)status,
		    "planned") == 0;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return step_fail(c, rc, "release status");
	if (!planned)
		return STORE_NONE;
	st = stmt(c, Q_REL_CASE_SET);
	sqlite3_bind_int64(st, 1, a->case_id);
	sqlite3_bind_int64(st, 2, a->id);
	if ((rc = step_done(c, Q_REL_CASE_SET, "release case")) != STORE_OK)
		return rc;
	if (sqlite3_changes(c->db) == 0)
		return STORE_NONE;
	st = stmt(c, Q_ADV_DRAFT);
	sqlite3_bind_int64(st, 1, a->case_id);
	sqlite3_bind_int64(st, 2, a->id);
	i = bind_draft(st, 3, a->d);
	sqlite3_bind_int64(st, i, (sqlite3_int64)a->now);
	if ((rc = step_done(c, Q_ADV_DRAFT, "advisory draft")) != STORE_OK)
		return rc;
	{
		struct change_arg ch;
		memset(&ch, 0, sizeof(ch));
		ch.case_id = a->case_id;
		ch.now = a->now;
		snprintf(details, sizeof(details), "release %lld",
		    (long long)a->id);
		rc = transition_tx(c, &ch, "ready", "scheduled", a->who,
		    details);
	}
	return rc;
}

static int
sq_release_add_case(void *p, int64_t release_id, int64_t case_id,
    const struct store_advisory_draft *d, const struct store_actor *who,
    time_t now)
{
	struct rel_arg a = { .id = release_id, .case_id = case_id, .d = d,
	    .who = who, .now = now };

	return tx_write(p, rel_case_fn, &a);
}

static int
id64_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	(void)ar;
	*(int64_t *)p = sqlite3_column_int64(st, 0);
	return 0;
}

static int
sq_release_case_ids(void *p, int64_t id, struct arena *ar, int64_t **ids,
    size_t *n)
{
	return list_query(p, Q_REL_CASE_IDS, id, -1, ar, (void **)ids, n,
	    sizeof(**ids), id64_row);
}

/* Releases by a time bound (?2 as int64). */
static int
rel_due(struct sq *s, enum q q, time_t now, struct arena *ar,
    struct store_release **out, size_t *n)
{
	struct conn *c;
	sqlite3_stmt *st;
	size_t cap = 32;

	*n = 0;
	if ((*out = util_arena_alloc(ar, sizeof(**out) * cap)) == NULL ||
	    (c = acquire(s)) == NULL)
		return STORE_ERR;
	st = stmt(c, q);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	while (*n < cap && sqlite3_step(st) == SQLITE_ROW)
		if (release_row(st, ar, &(*out)[(*n)++]) == -1)
			break;
	sqlite3_reset(st);
	release(s, c);
	return STORE_OK;
}

static int
sq_releases_due(void *p, time_t now, struct arena *ar,
    struct store_release **r, size_t *n)
{
	return rel_due(p, Q_RELS_DUE, now, ar, r, n);
}

static int
sq_releases_notice_due(void *p, time_t now, struct arena *ar,
    struct store_release **r, size_t *n)
{
	return rel_due(p, Q_RELS_NOTICE_DUE, now, ar, r, n);
}

static int
sq_release_noticed(void *p, int64_t id, time_t now)
{
	struct simple_arg a = { .q = Q_REL_NOTICED, .fmt = "ii",
	    .i = { id, (int64_t)now } };

	return simple_write(p, &a);
}

static int
publish_fn(struct conn *c, void *p)
{
	struct rel_arg *a = p;
	sqlite3_stmt *st;
	struct store_notify n;
	struct change_arg ch;
	int64_t ids[512], row, seq;
	size_t nids = 0, i;
	char advid[64], msgid[200];
	struct tm tm;
	time_t now = a->now;
	int rc, year;

	gmtime_r(&now, &tm);
	year = tm.tm_year + 1900;
	st = stmt(c, Q_REL_CASE_IDS);
	sqlite3_bind_int64(st, 1, a->id);
	while (nids < 512 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[nids++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	st = stmt(c, Q_REL_PUBLISHED);
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	if ((rc = step_done(c, Q_REL_PUBLISHED, "publish")) != STORE_OK)
		return rc;
	if (sqlite3_changes(c->db) == 0)
		return STORE_NONE;	/* published already */
	for (i = 0; i < nids; i++) {
		st = stmt(c, Q_ADV_SEQ);
		bind_text(st, 1, a->prefix);
		sqlite3_bind_int(st, 2, year);
		rc = sqlite3_step(st);
		seq = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (rc != SQLITE_ROW)
			return step_fail(c, rc, "advisory sequence");
		if (core_tracking_format(advid, sizeof(advid), a->prefix, year,
		    seq) == -1)
			return STORE_ERR;
		st = stmt(c, Q_ADV_ASSIGN);
		sqlite3_bind_int64(st, 1, ids[i]);
		bind_text(st, 2, advid);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
		rc = sqlite3_step(st);
		row = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return step_fail(c, rc, "advisory id");
		if (row == 0)
			continue;	/* no draft: nothing to publish */
		st = stmt(c, Q_ADV_REV_INSERT);
		sqlite3_bind_int64(st, 1, row);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
		bind_text(st, 3, "Initial publication.");
		if ((rc = step_done(c, Q_ADV_REV_INSERT, "revision")) !=
		    STORE_OK)
			return rc;
		memset(&ch, 0, sizeof(ch));
		ch.case_id = ids[i];
		ch.now = now;
		if (a->domain != NULL) {
			util_message_id(msgid, sizeof(msgid), a->domain);
			n.kind = "advisory_published";
			n.body = advid;
			n.secret = NULL;
			n.message_id = msgid;
			ch.notify = &n;
		}
		rc = transition_tx(c, &ch, "scheduled", "released", a->who,
		    advid);
		if (rc == STORE_ERR || rc == STORE_RETRY)
			return rc;
	}
	return audit_tx(c, now, a->who->name, "release.publish", 0, "release");
}

static int
sq_release_publish(void *p, int64_t id, const char *prefix,
    const char *domain, const struct store_actor *who, time_t now)
{
	struct rel_arg a = { .id = id, .prefix = prefix, .domain = domain,
	    .who = who, .now = now };

	return tx_write(p, publish_fn, &a);
}

static int
adv_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_advisory *x = p;

	x->row = sqlite3_column_int64(st, 0);
	x->advisory_id = col_text(ar, st, 1);
	x->case_id = sqlite3_column_int64(st, 2);
	x->release_id = sqlite3_column_int64(st, 3);
	x->d.title = col_text(ar, st, 4);
	x->d.summary = col_text(ar, st, 5);
	x->d.cve = col_text(ar, st, 6);
	x->d.workarounds = col_text(ar, st, 7);
	x->d.mitigations = col_text(ar, st, 8);
	x->d.known_issues = col_text(ar, st, 9);
	x->d.acknowledgment = col_text(ar, st, 10);
	x->d.affected = col_text(ar, st, 11);
	x->d.fixed = col_text(ar, st, 12);
	x->d.restart_required = sqlite3_column_int(st, 13);
	x->revision = sqlite3_column_int(st, 14);
	x->published_at = (time_t)sqlite3_column_int64(st, 15);
	x->updated_at = (time_t)sqlite3_column_int64(st, 16);
	return x->d.fixed == NULL ? -1 : 0;
}

static int
sq_advisory_by_case(void *p, int64_t case_id, struct arena *ar,
    struct store_advisory *x)
{
	return one_row(p, Q_ADV_BY_CASE, NULL, NULL, case_id, ar, x, adv_row);
}

static int
sq_advisory_get(void *p, const char *id, struct arena *ar,
    struct store_advisory *x)
{
	return one_row(p, Q_ADV_GET, id, NULL, 0, ar, x, adv_row);
}

static int
sq_advisories(void *p, struct arena *ar, struct store_advisory **x,
    size_t *n)
{
	return list_query(p, Q_ADVS, -1, -1, ar, (void **)x, n, sizeof(**x),
	    adv_row);
}

static int
adv_update_fn(struct conn *c, void *p)
{
	struct rel_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_ADV_UPDATE);
	int64_t row = 0;
	int rc, i;

	sqlite3_bind_int64(st, 1, a->case_id);
	i = bind_draft(st, 2, a->d);
	sqlite3_bind_int64(st, i, (sqlite3_int64)a->now);
	sqlite3_bind_int(st, i + 1, a->change != NULL ? 1 : 0);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		row = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return step_fail(c, rc, "advisory update");
	if (row == 0)
		return STORE_NONE;
	if (a->change != NULL) {
		/* a correction is a new revision, never a silent edit */
		st = stmt(c, Q_ADV_REV_INSERT);
		sqlite3_bind_int64(st, 1, row);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)a->now);
		bind_text(st, 3, a->change);
		if ((rc = step_done(c, Q_ADV_REV_INSERT, "revision")) !=
		    STORE_OK)
			return rc;
	}
	return insert_event_audit(c, a->case_id, a->now, a->who, "advisory",
	    "", "", a->change ? a->change : "draft edited", a->change ?
	    "advisory corrected" : "advisory draft edited");
}

static int
sq_advisory_update(void *p, int64_t case_id,
    const struct store_advisory_draft *d, const char *change,
    const struct store_actor *who, time_t now)
{
	struct rel_arg a = { .case_id = case_id, .d = d, .change = change,
	    .who = who, .now = now };

	return tx_write(p, adv_update_fn, &a);
}

static int
rev_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_revision *r = p;

	r->number = sqlite3_column_int(st, 0);
	r->at = (time_t)sqlite3_column_int64(st, 1);
	r->summary = col_text(ar, st, 2);
	return r->summary == NULL ? -1 : 0;
}

static int
sq_advisory_revisions(void *p, int64_t row, struct arena *ar,
    struct store_revision **r, size_t *n)
{
	return list_query(p, Q_ADV_REVS, row, -1, ar, (void **)r, n,
	    sizeof(**r), rev_row);
}

struct sub_arg {
	const char *email, *products, *token, *body, *msgid;
	time_t now;
	int changes;
};

static int
sub_add_fn(struct conn *c, void *p)
{
	struct sub_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_SUB_ADD);
	int rc;

	bind_text(st, 1, a->email);
	bind_text(st, 2, a->products);
	bind_text(st, 3, a->token);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)a->now);
	if ((rc = step_done(c, Q_SUB_ADD, "subscriber")) != STORE_OK)
		return rc;
	if (sqlite3_changes(c->db) == 0)
		return STORE_NONE;	/* confirmed and active already */
	st = stmt(c, Q_OUTBOX_ADD);
	sqlite3_bind_int64(st, 1, 0);
	bind_text(st, 2, "subscribe_confirm");
	sqlite3_bind_int64(st, 3, (sqlite3_int64)a->now);
	bind_text(st, 4, a->email);
	bind_text(st, 5, "");
	bind_text(st, 6, "");
	bind_text(st, 7, a->body);
	bind_text(st, 8, a->token);	/* for List-Unsubscribe */
	bind_text(st, 9, a->msgid);
	return step_done(c, Q_OUTBOX_ADD, "confirmation mail");
}

static int
sq_subscriber_add(void *p, const char *email, const char *products,
    const char *token, const char *body, const char *msgid, time_t now)
{
	struct sub_arg a = { email, products, token, body, msgid, now, 0 };

	return tx_write(p, sub_add_fn, &a);
}

static int
sq_subscriber_confirm(void *p, const char *token, time_t now)
{
	struct simple_arg a = { .q = Q_SUB_CONFIRM, .fmt = "ti",
	    .v = { token }, .i = { 0, (int64_t)now } };

	return simple_write(p, &a);
}

static int
sq_subscriber_remove(void *p, const char *token, time_t now)
{
	struct simple_arg a = { .q = Q_SUB_REMOVE, .fmt = "ti",
	    .v = { token }, .i = { 0, (int64_t)now } };

	return simple_write(p, &a);
}

static int
sub_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_subscriber *x = p;

	x->id = sqlite3_column_int64(st, 0);
	x->email = col_text(ar, st, 1);
	x->products = col_text(ar, st, 2);
	x->token = col_text(ar, st, 3);
	x->confirmed_at = (time_t)sqlite3_column_int64(st, 4);
	return x->token == NULL ? -1 : 0;
}

static int
sq_subscribers(void *p, struct arena *ar, struct store_subscriber **x,
    size_t *n)
{
	return list_query(p, Q_SUBS, -1, -1, ar, (void **)x, n, sizeof(**x),
	    sub_row);
}

/* ---- post-mortems and turnaround metrics ---- */

static int
pm_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_postmortem *x = p;

	x->case_id = sqlite3_column_int64(st, 0);
	x->tracking_id = col_text(ar, st, 1);
	x->cwe = col_text(ar, st, 2);
	x->component = col_text(ar, st, 3);
	x->introduced_in = col_text(ar, st, 4);
	x->how_found = col_text(ar, st, 5);
	x->practice = col_text(ar, st, 6);
	x->regression_of = sqlite3_column_int64(st, 7);
	x->regression_of_tracking = col_text(ar, st, 8);
	x->reissued = sqlite3_column_int(st, 9);
	x->root_cause = col_text(ar, st, 10);
	x->fix = col_text(ar, st, 11);
	x->lessons = col_text(ar, st, 12);
	x->tags = col_text(ar, st, 13);
	x->author = col_text(ar, st, 14);
	x->released_at = (time_t)sqlite3_column_int64(st, 15);
	x->created_at = (time_t)sqlite3_column_int64(st, 16);
	x->updated_at = (time_t)sqlite3_column_int64(st, 17);
	x->reporter_name = col_text(ar, st, 18);
	x->reporter_email = col_text(ar, st, 19);
	x->credit = col_text(ar, st, 20);
	return x->credit == NULL ? -1 : 0;
}

static int
pm_write(struct conn *c, const struct store_postmortem *pm,
    time_t released_at, const char *author, time_t now)
{
	sqlite3_stmt *st = stmt(c, Q_PM_UPSERT);

	sqlite3_bind_int64(st, 1, pm->case_id);
	bind_text(st, 2, pm->cwe);
	bind_text(st, 3, pm->component);
	bind_text(st, 4, pm->introduced_in);
	bind_text(st, 5, pm->how_found);
	bind_text(st, 6, pm->practice);
	sqlite3_bind_int64(st, 7, pm->regression_of);
	sqlite3_bind_int(st, 8, pm->reissued != 0);
	bind_text(st, 9, pm->root_cause);
	bind_text(st, 10, pm->fix);
	bind_text(st, 11, pm->lessons);
	bind_text(st, 12, pm->tags);
	bind_text(st, 13, author);
	sqlite3_bind_int64(st, 14, (sqlite3_int64)released_at);
	sqlite3_bind_int64(st, 15, (sqlite3_int64)now);
	return step_done(c, Q_PM_UPSERT, "post-mortem");
}

struct pm_arg {
	const struct store_postmortem	*pm;
	const struct store_actor	*who;
	time_t				 now;
};

static int
pm_put_fn(struct conn *c, void *p)
{
	struct pm_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_PM_CASE);
	const char *state;
	time_t released = 0;
	int rc, ok;

	sqlite3_bind_int64(st, 1, a->pm->case_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? STORE_NONE :
		    step_fail(c, rc, "post-mortem case");
	}
	state = (const char *)sqlite3_column_text(st, 0);
	ok = state != NULL && (strcmp(state, "released") == 0 ||
	    strcmp(state, "closed") == 0) &&
	    sqlite3_column_type(st, 1) != SQLITE_NULL;
	if (ok)
		released = (time_t)sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	if (!ok)
		return STORE_NONE;
	if (a->pm->regression_of == a->pm->case_id)
		return STORE_NONE;
	if ((rc = pm_write(c, a->pm, released, a->who->name, a->now)) !=
	    STORE_OK)
		return rc;
	return insert_event_audit(c, a->pm->case_id, a->now, a->who,
	    "postmortem", "", "", "post-mortem written",
	    "post-mortem written");
}

static int
sq_postmortem_put(void *p, const struct store_postmortem *pm,
    const struct store_actor *who, time_t now)
{
	struct pm_arg a = { pm, who, now };

	return tx_write(p, pm_put_fn, &a);
}

static int
sq_postmortem_get(void *p, int64_t case_id, struct arena *ar,
    struct store_postmortem *out)
{
	return one_row(p, Q_PM_GET, NULL, NULL, case_id, ar, out, pm_row);
}

static int
sq_postmortem_scan(void *p, time_t from, time_t to,
    int (*fn)(void *, const struct store_postmortem *), void *arg)
{
	struct sq *s = p;
	struct store_postmortem x;
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((c = acquire(s)) == NULL)
		return STORE_ERR;
	st = stmt(c, Q_PM_SCAN);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)to);
	memset(&x, 0, sizeof(x));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		x.released_at = (time_t)sqlite3_column_int64(st, 0);
		x.cwe = (const char *)sqlite3_column_text(st, 1);
		x.component = (const char *)sqlite3_column_text(st, 2);
		x.practice = (const char *)sqlite3_column_text(st, 3);
		x.regression_of = sqlite3_column_int64(st, 4);
		x.reissued = sqlite3_column_int(st, 5);
		if (x.cwe == NULL || x.component == NULL || x.practice == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (fn(arg, &x) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		log_err("sqlite: post-mortem scan: %s", sqlite3_errmsg(c->db));
	sqlite3_reset(st);
	release(s, c);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

/* Post-mortems released in [from, to), newest first, at most limit:
 * those of one CWE (Q_PM_EXAMPLES, cwe given) or the regressions and
 * re-issued patches (Q_PM_EMBARRASSING, cwe NULL). */
static int
pm_list(struct sq *s, enum q q, const char *cwe, time_t from, time_t to,
    int limit, struct arena *ar, struct store_postmortem **out, size_t *n)
{
	struct conn *c;
	sqlite3_stmt *st;
	int i = 1, rc;

	if ((c = acquire(s)) == NULL)
		return STORE_ERR;
	st = stmt(c, q);
	if (cwe != NULL)
		bind_text(st, i++, cwe);
	sqlite3_bind_int64(st, i++, (sqlite3_int64)from);
	sqlite3_bind_int64(st, i++, (sqlite3_int64)to);
	sqlite3_bind_int(st, i, limit);
	rc = rows_into(st, ar, (void **)out, n, sizeof(**out), pm_row);
	release(s, c);
	return rc;
}

static int
sq_postmortem_examples(void *p, const char *cwe, time_t from, time_t to,
    int limit, struct arena *ar, struct store_postmortem **out, size_t *n)
{
	return pm_list(p, Q_PM_EXAMPLES, cwe ? cwe : "", from, to, limit, ar,
	    out, n);
}

static int
sq_postmortem_embarrassing(void *p, time_t from, time_t to, int limit,
    struct arena *ar, struct store_postmortem **out, size_t *n)
{
	return pm_list(p, Q_PM_EMBARRASSING, NULL, from, to, limit, ar, out,
	    n);
}

/* case_metrics.figures: the six phases, the total and the researcher's
 * time as 32-bit seconds (-1 = not reached; 68 years at most), the
 * clarification, re-issue and reopen counts as 32-bit numbers, then
 * released_at and due_at as 64-bit: little-endian, 60 bytes. */
#define MX_FIGURES	60

static void
put32(unsigned char *p, int64_t v)
{
	uint32_t u = (uint32_t)(v < 0 ? -1 : v > INT32_MAX ? INT32_MAX :
	    (int32_t)v);

	p[0] = (unsigned char)u;
	p[1] = (unsigned char)(u >> 8);
	p[2] = (unsigned char)(u >> 16);
	p[3] = (unsigned char)(u >> 24);
}

static int64_t
get32(const unsigned char *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

static void
mx_pack(unsigned char *f, const struct store_metrics_row *m)
{
	int i;

	for (i = 0; i < 6; i++)
		put32(f + 4 * i, m->phase[i]);
	put32(f + 24, m->total);
	put32(f + 28, m->researcher);
	put32(f + 32, m->clarifications);
	put32(f + 36, m->reissued);
	put32(f + 40, m->reopened);
	for (i = 0; i < 8; i++) {
		f[44 + i] = (unsigned char)((uint64_t)m->released_at >> (8 * i));
		f[52 + i] = (unsigned char)((uint64_t)m->due_at >> (8 * i));
	}
}

/* 0, or -1 when the blob is not one of ours. */
static int
mx_unpack(const unsigned char *f, int len, struct store_metrics_row *m)
{
	uint64_t r = 0, d = 0;
	int i;

	if (f == NULL || len != MX_FIGURES)
		return -1;
	for (i = 0; i < 6; i++)
		m->phase[i] = get32(f + 4 * i);
	m->total = get32(f + 24);
	m->researcher = get32(f + 28);
	m->clarifications = (unsigned)get32(f + 32);
	m->reissued = (unsigned)get32(f + 36);
	m->reopened = (unsigned)get32(f + 40);
	for (i = 7; i >= 0; i--) {
		r = r << 8 | f[44 + i];
		d = d << 8 | f[52 + i];
	}
	m->released_at = (time_t)r;
	m->due_at = (time_t)d;
	return 0;
}

/* Recomputes one case's row of case_metrics from its history (in the
 * current write transaction) and clears its mark.  tr/cap: a scratch
 * array the caller keeps across calls. */
static int
mx_case(struct conn *c, int64_t id, struct core_metrics_transition **tr,
    size_t *cap)
{
	sqlite3_stmt *st = stmt(c, Q_MX_CASE);
	struct core_metrics_case m;
	struct store_metrics_row row;
	unsigned char fig[MX_FIGURES];
	struct core_metrics_transition *ntr;
	/* product: the report form allows 200 characters, 800 bytes */
	char channel[16], severity[16], state[32], product[1024];
	const char *t;
	int64_t created, due, ack = 0, researcher = -1, released = 0;
	size_t n = 0;
	int rc, f, i;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return step_fail(c, rc, "metrics case");
		goto done;	/* no such case: just drop the mark */
	}
	created = sqlite3_column_int64(st, 0);
	t = (const char *)sqlite3_column_text(st, 1);
	snprintf(channel, sizeof(channel), "%s", t ? t : "");
	t = (const char *)sqlite3_column_text(st, 2);
	snprintf(severity, sizeof(severity), "%s", t ? t : "");
	t = (const char *)sqlite3_column_text(st, 3);
	snprintf(product, sizeof(product), "%s", t ? t : "");
	t = (const char *)sqlite3_column_text(st, 4);
	snprintf(state, sizeof(state), "%s", t ? t : "");
	due = sqlite3_column_int64(st, 5);
	sqlite3_reset(st);

	st = stmt(c, Q_MX_TRANS);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 64;

			if ((ntr = realloc(*tr, ncap * sizeof(**tr))) ==
			    NULL) {
				sqlite3_reset(st);
				return STORE_ERR;
			}
			*tr = ntr;
			*cap = ncap;
		}
		(*tr)[n].at = sqlite3_column_int64(st, 0);
		f = core_state_parse((const char *)sqlite3_column_text(st, 1));
		(*tr)[n].from = f < 0 ? ST__MAX : (enum core_state)f;
		f = core_state_parse((const char *)sqlite3_column_text(st, 2));
		(*tr)[n].to = f < 0 ? ST__MAX : (enum core_state)f;
		if (released == 0 && (*tr)[n].to == ST_RELEASED)
			released = (*tr)[n].at;
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return step_fail(c, rc, "metrics events");

	/* A web form or API submission is acknowledged on the spot: the
	 * reporter gets the tracking number and link in the answer. */
	if (strcmp(channel, "email") != 0)
		ack = created;
	else {
		st = stmt(c, Q_MX_ACK);
		sqlite3_bind_int64(st, 1, id);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL)
			ack = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW)
			return step_fail(c, rc, "metrics ack");
	}
	st = stmt(c, Q_MX_RESEARCHER);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		researcher = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return step_fail(c, rc, "metrics verification");

	core_metrics_case(created, ack, n ? *tr : NULL, n, &m);
	memset(&row, 0, sizeof(row));
	for (i = 0; i < METRICS__MAX; i++)
		row.phase[i] = m.phase[i];
	row.total = m.total;
	row.researcher = researcher;
	row.clarifications = m.clarifications;
	row.reissued = m.reissued;
	row.reopened = m.reopened;
	row.released_at = (time_t)released;
	row.due_at = (time_t)due;
	mx_pack(fig, &row);
	st = stmt(c, Q_MX_UPSERT);
	sqlite3_bind_int64(st, 1, created);
	sqlite3_bind_int64(st, 2, id);
	bind_text(st, 3, channel);
	bind_text(st, 4, severity);
	bind_text(st, 5, product);
	bind_text(st, 6, state);
	sqlite3_bind_blob(st, 7, fig, MX_FIGURES, SQLITE_STATIC);
	if ((rc = step_done(c, Q_MX_UPSERT, "metrics row")) != STORE_OK)
		return rc;
done:
	st = stmt(c, Q_DIRTY_DEL);
	sqlite3_bind_int64(st, 1, id);
	return step_done(c, Q_DIRTY_DEL, "metrics mark");
}

#define MX_BATCH	2000

struct mx_arg {
	int	 more;		/* out: marks left after this batch */
};

static int
mx_refresh_fn(struct conn *c, void *p)
{
	struct mx_arg *a = p;
	sqlite3_stmt *st = stmt(c, Q_DIRTY_BATCH);
	struct core_metrics_transition *tr = NULL;
	int64_t ids[MX_BATCH];
	size_t n = 0, i, cap = 0;
	int rc;

	sqlite3_bind_int(st, 1, MX_BATCH);
	while (n < MX_BATCH && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (n < MX_BATCH && rc != SQLITE_DONE)
		return step_fail(c, rc, "metrics marks");
	a->more = n == MX_BATCH;
	rc = STORE_OK;
	for (i = 0; i < n && rc == STORE_OK; i++)
		rc = mx_case(c, ids[i], &tr, &cap);
	free(tr);
	return rc;
}

static int
sq_metrics_refresh(void *p)
{
	struct sq *s = p;
	struct mx_arg a;
	struct conn *c;
	int rc;

	/* Most reads find nothing to do: look without taking the writer
	 * lock first. */
	if ((c = acquire(s)) == NULL)
		return STORE_ERR;
	sqlite3_bind_int(stmt(c, Q_DIRTY_BATCH), 1, 1);
	rc = sqlite3_step(stmt(c, Q_DIRTY_BATCH));
	sqlite3_reset(stmt(c, Q_DIRTY_BATCH));
	release(s, c);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	do {
		a.more = 0;
		if ((rc = tx_write(s, mx_refresh_fn, &a)) != STORE_OK)
			return rc;
	} while (a.more);
	return STORE_OK;
}

static int
sq_metrics_scan(void *p, time_t from, time_t to,
    int (*fn)(void *, const struct store_metrics_row *), void *arg)
{
	struct sq *s = p;
	struct store_metrics_row x;
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = sq_metrics_refresh(s)) != STORE_OK)
		return rc;
	if ((c = acquire(s)) == NULL)
		return STORE_ERR;
	st = stmt(c, Q_MX_SCAN);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		x.received_at = (time_t)sqlite3_column_int64(st, 0);
		x.case_id = sqlite3_column_int64(st, 1);
		x.channel = (const char *)sqlite3_column_text(st, 2);
		x.severity = (const char *)sqlite3_column_text(st, 3);
		x.product = (const char *)sqlite3_column_text(st, 4);
		x.state = (const char *)sqlite3_column_text(st, 5);
		if (x.channel == NULL || x.severity == NULL ||
		    x.product == NULL || x.state == NULL ||
		    mx_unpack(sqlite3_column_blob(st, 6),
		    sqlite3_column_bytes(st, 6), &x) == -1) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (fn(arg, &x) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		log_err("sqlite: metrics scan: %s", sqlite3_errmsg(c->db));
	sqlite3_reset(st);
	release(s, c);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

static int
due_row(sqlite3_stmt *st, struct arena *ar, void *p)
{
	struct store_queue_row *r = p;

	r->id = sqlite3_column_int64(st, 0);
	r->tracking_id = col_text(ar, st, 1);
	r->title = col_text(ar, st, 2);
	r->state = col_text(ar, st, 3);
	r->channel = col_text(ar, st, 4);
	r->product = col_text(ar, st, 5);
	r->severity = col_text(ar, st, 6);
	r->score = sqlite3_column_double(st, 7);
	r->assignee = col_text(ar, st, 8);
	r->created_at = (time_t)sqlite3_column_int64(st, 9);
	r->updated_at = (time_t)sqlite3_column_int64(st, 10);
	r->due_at = (time_t)sqlite3_column_int64(st, 11);
	return r->assignee == NULL ? -1 : 0;
}

static int
sq_metrics_due(void *p, time_t from, time_t until, int limit,
    struct arena *ar, struct store_queue_row **out, size_t *n, int64_t *total)
{
	struct sq *s = p;
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((c = acquire(s)) == NULL)
		return STORE_ERR;
	st = stmt(c, Q_MX_DUE);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)until);
	sqlite3_bind_int(st, 2, limit);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)from);
	rc = rows_into(st, ar, (void **)out, n, sizeof(**out), due_row);
	st = stmt(c, Q_MX_DUE_COUNT);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)until);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)from);
	if (rc == STORE_OK && sqlite3_step(st) == SQLITE_ROW)
		*total = sqlite3_column_int64(st, 0);
	else
		rc = STORE_ERR;
	sqlite3_reset(st);
	release(s, c);
	return rc;
}

static int
sq_gauges(void *p, time_t now, struct store_gauges *g)
{
	static const char *const sev[5] = { "critical", "high", "medium",
	    "low", "" };
	struct sq *s = p;
	struct conn *c;
	sqlite3_stmt *st;
	const char *name;
	int rc = STORE_OK, r, i;

	memset(g, 0, sizeof(*g));
	if ((c = acquire(s)) == NULL)
		return STORE_ERR;
	st = stmt(c, Q_GAUGE_OUTBOX);
	if (sqlite3_step(st) == SQLITE_ROW) {
		g->outbox_backlog = sqlite3_column_int64(st, 0);
		g->outbox_failed = sqlite3_column_int64(st, 1);
	} else
		rc = STORE_ERR;
	sqlite3_reset(st);
	st = stmt(c, Q_RUNS_BACKLOG);
	if (sqlite3_step(st) == SQLITE_ROW) {
		g->runs_queued = sqlite3_column_int64(st, 0);
		g->runs_running = sqlite3_column_int64(st, 1);
	} else
		rc = STORE_ERR;
	sqlite3_reset(st);
	st = stmt(c, Q_GAUGE_SLA);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		for (i = 0; i < 5; i++)
			if (name != NULL && strcmp(name, sev[i]) == 0)
				break;
		if (i == 5)
			i = 4;	/* anything else counts as unscored */
		g->sla_breached_sev[i] += sqlite3_column_int64(st, 1);
		g->sla_breached += sqlite3_column_int64(st, 1);
	}
	if (r != SQLITE_DONE)
		rc = STORE_ERR;
	sqlite3_reset(st);
	if (rc != STORE_OK)
		log_err("sqlite: gauges: %s", sqlite3_errmsg(c->db));
	release(s, c);
	return rc;
}

struct hist_arg {
	const struct store_history_case	*hc;
	size_t				 n;
	int64_t				*ids;
};

static int
hist_one(struct conn *c, const struct store_history_case *h, int64_t *idp,
    struct core_metrics_transition **tr, size_t *cap)
{
	static const struct store_actor researcher = { 0, "researcher" };
	sqlite3_stmt *st;
	struct tm tm;
	char tracking[40], mid[64];
	int64_t seq, id;
	time_t released = 0;
	size_t i;
	int rc;

	gmtime_r(&h->created_at, &tm);
	st = stmt(c, Q_SEQ_NEXT);
	bind_text(st, 1, h->tracking_prefix);
	sqlite3_bind_int(st, 2, tm.tm_year + 1900);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return step_fail(c, rc, "tracking sequence");
	}
	seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (core_tracking_format(tracking, sizeof(tracking),
	    h->tracking_prefix, tm.tm_year + 1900, seq) == -1)
		return STORE_ERR;
	st = stmt(c, Q_HIST_CASE);
	bind_text(st, 1, tracking);
	bind_text(st, 2, h->state);
	bind_text(st, 3, h->channel);
	bind_text(st, 4, h->product);
	bind_text(st, 5, h->reporter_name);
	bind_text(st, 6, h->reporter_email);
	bind_text(st, 7, h->reporter_name);
	bind_text(st, 8, h->versions);
	bind_text(st, 9, h->cwe);
	bind_text(st, 10, h->title);
	bind_text(st, 11, h->description);
	bind_text(st, 12, h->cvss);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)h->created_at);
	sqlite3_bind_int64(st, 14, (sqlite3_int64)(h->nev > 0 ?
	    h->ev[h->nev - 1].at : h->created_at));
	sqlite3_bind_int64(st, 15, (sqlite3_int64)h->due_at);
	bind_text(st, 16, h->severity);
	sqlite3_bind_double(st, 17, h->severity != NULL &&
	    *h->severity != '\0' ? h->score : -1);
	if ((rc = step_done(c, Q_HIST_CASE, "history case")) != STORE_OK)
		return rc;
	id = sqlite3_last_insert_rowid(c->db);
	*idp = id;
	if ((rc = insert_event(c, id, h->created_at, "researcher", "created",
	    "", "new", "")) != STORE_OK)
		return rc;
	for (i = 0; i < h->nev; i++) {
		const struct store_history_event *e = &h->ev[i];

		if (e->from == NULL || *e->from == '\0')
			continue;	/* "created" is written above */
		if ((rc = insert_event(c, id, e->at, e->actor ? e->actor :
		    "system", "transition", e->from, e->to, e->reason ?
		    e->reason : "")) != STORE_OK)
			return rc;
		if (released == 0 && strcmp(e->to, "released") == 0)
			released = e->at;
	}
	if (h->verify_sent != 0) {
		if ((rc = insert_event(c, id, h->verify_sent, "analyst",
		    "verification", "", "", "sent to the researcher")) !=
		    STORE_OK)
			return rc;
		if (h->verify_answered != 0 && (rc = insert_event(c, id,
		    h->verify_answered, "system", "verification", "", "",
		    "fixed")) != STORE_OK)
			return rc;
	}
	if (strcmp(h->channel, "email") == 0 && h->acked_at != 0) {
		st = stmt(c, Q_HIST_ACK);
		snprintf(mid, sizeof(mid), "history.%s@vigil.invalid",
		    tracking);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)h->created_at);
		bind_text(st, 3, h->reporter_email);
		bind_text(st, 4, h->reporter_name);
		bind_text(st, 5, mid);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)h->acked_at);
		if ((rc = step_done(c, Q_HIST_ACK, "history ack")) != STORE_OK)
			return rc;
	}
	if (h->pm != NULL && released != 0) {
		struct store_postmortem pm = *h->pm;

		pm.case_id = id;
		if ((rc = pm_write(c, &pm, released, pm.author ? pm.author :
		    researcher.name, released)) != STORE_OK)
			return rc;
	}
	return mx_case(c, id, tr, cap);
}

static int
hist_fn(struct conn *c, void *p)
{
	struct hist_arg *a = p;
	struct core_metrics_transition *tr = NULL;
	size_t i, cap = 0;
	int64_t id;
	int rc = STORE_OK;

	for (i = 0; i < a->n && rc == STORE_OK; i++) {
		rc = hist_one(c, &a->hc[i], &id, &tr, &cap);
		if (a->ids != NULL)
			a->ids[i] = id;
	}
	free(tr);
	return rc;
}

static int
sq_history_add(void *p, const struct store_history_case *hc, size_t n,
    int64_t *ids)
{
	struct hist_arg a = { hc, n, ids };

	return tx_write(p, hist_fn, &a);
}

const struct store_ops store_sqlite_ops = {
	.scheme = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.migrate = sq_migrate,
	.schema_version = sq_schema_version,
	.healthy = sq_healthy,
	.bulk = sq_bulk,
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
	.user_by_email = sq_user_by_email,
	.user_get = sq_user_get,
	.users_list = sq_users_list,
	.user_disable = sq_user_disable,
	.user_set_password = sq_user_set_password,
	.session_add = sq_session_add,
	.session_user = sq_session_user,
	.session_delete = sq_session_delete,
	.sessions_end_others = sq_sessions_end_others,
	.token_add = sq_token_add,
	.token_user = sq_token_user,
	.login_failure_add = sq_login_failure_add,
	.login_failures = sq_login_failures,
	.login_failures_clear = sq_login_failures_clear,
	.audit_add = sq_audit_add,
	.audit_verify = sq_audit_verify,
	.audit_list = sq_audit_list,
	.case_transition = sq_case_transition,
	.case_assign = sq_case_assign,
	.case_score = sq_case_score,
	.case_duplicate = sq_case_duplicate,
	.case_message_staff = sq_case_message_staff,
	.case_message_researcher = sq_case_message_researcher,
	.case_by_tracking = sq_case_by_tracking,
	.case_complete = sq_case_complete,
	.queue = sq_queue,
	.queue_prepare_all = sq_queue_prepare_all,
	.state_counts = sq_state_counts,
	.mail_save = sq_mail_save,
	.mail_update = sq_mail_update,
	.mail_get = sq_mail_get,
	.mail_flagged = sq_mail_flagged,
	.mail_for_case = sq_mail_for_case,
	.case_by_message_id = sq_case_by_message_id,
	.autoreplies_since = sq_autoreplies_since,
	.case_thread = sq_case_thread,
	.outbox_claim = sq_outbox_claim,
	.outbox_result = sq_outbox_result,
	.outbox_for_case = sq_outbox_for_case,
	.outbox_backlog = sq_outbox_backlog,
	.outbox_add = sq_outbox_add,
	.product_plan_set = sq_product_plan_set,
	.product_plan_get = sq_product_plan_get,
	.product_by_name = sq_product_by_name,
	.version_add = sq_version_add,
	.versions = sq_versions,
	.version_get = sq_version_get,
	.poc_add = sq_poc_add,
	.pocs_for_run = sq_pocs_for_run,
	.pocs_for_case = sq_pocs_for_case,
	.patch_add = sq_patch_add,
	.patches = sq_patches,
	.patch_get = sq_patch_get,
	.runs_for_case = sq_runs_for_case,
	.run_get = sq_run_get,
	.run_steps = sq_run_steps,
	.run_claim = sq_run_claim,
	.run_step_add = sq_run_step_add,
	.run_finish = sq_run_finish,
	.run_signoff = sq_run_signoff,
	.runs_backlog = sq_runs_backlog,
	.verification_send = sq_verification_send,
	.verification_current = sq_verification_current,
	.verification_answer = sq_verification_answer,
	.verification_waive = sq_verification_waive,
	.verifications_due = sq_verifications_due,
	.verification_reminded = sq_verification_reminded,
	.release_add = sq_release_add,
	.releases = sq_releases,
	.release_get = sq_release_get,
	.release_add_case = sq_release_add_case,
	.release_case_ids = sq_release_case_ids,
	.releases_due = sq_releases_due,
	.releases_notice_due = sq_releases_notice_due,
	.release_noticed = sq_release_noticed,
	.release_publish = sq_release_publish,
	.advisory_by_case = sq_advisory_by_case,
	.advisory_get = sq_advisory_get,
	.advisories = sq_advisories,
	.advisory_update = sq_advisory_update,
	.advisory_revisions = sq_advisory_revisions,
	.subscriber_add = sq_subscriber_add,
	.subscriber_confirm = sq_subscriber_confirm,
	.subscriber_remove = sq_subscriber_remove,
	.subscribers = sq_subscribers,
	.postmortem_put = sq_postmortem_put,
	.postmortem_get = sq_postmortem_get,
	.postmortem_scan = sq_postmortem_scan,
	.postmortem_examples = sq_postmortem_examples,
	.postmortem_embarrassing = sq_postmortem_embarrassing,
	.metrics_refresh = sq_metrics_refresh,
	.metrics_scan = sq_metrics_scan,
	.metrics_due = sq_metrics_due,
	.gauges = sq_gauges,
	.history_add = sq_history_add,
};
