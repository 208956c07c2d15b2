/* web/auth.c - the response team's sign-in: the login form, sessions
 * (256-bit secrets stored hashed, HttpOnly SameSite=Strict cookies,
 * 30 minutes idle / 12 hours absolute, rotated at every login, ended on
 * the server at logout), API tokens (Authorization: Bearer), CSRF tokens
 * bound to the session, and login throttling per account and per IP.
 *
 * An unknown account, a wrong password and a disabled account get the
 * same answer after the same work: the password is always checked
 * against an argon2id hash, a dummy one when there is no usable account. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "core/perm.h"
#include "core/report.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/log.h"
#include "parse.h"
#include "web.h"

#define SESSION_IDLE		(30 * 60)
#define SESSION_ABSOLUTE	(12 * 60 * 60)
#define THROTTLE_WINDOW		(60 * 60)
#define THROTTLE_ACCOUNT	10	/* failures per account per hour */
#define THROTTLE_IP		100	/* failures per IP per hour */
#define LOGIN_COOKIE		"vigil_login"

static const char *client_ip(struct req *);

static const char *
session_cookie(struct req *r)
{
	return r->app->tls ? "__Host-vigil_session" : "vigil_session";
}

const char *
web_client_ip(struct req *r)
{
	return client_ip(r);
}

static const char *
client_ip(struct req *r)
{
	const union MHD_ConnectionInfo *ci;
	char buf[INET6_ADDRSTRLEN];
	const struct sockaddr *sa;

	if (r->client_ip != NULL)
		return r->client_ip;
	ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	sa = ci ? ci->client_addr : NULL;
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    buf, sizeof(buf));
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->
		    sin6_addr, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "unknown");
	r->client_ip = util_arena_strdup(&r->arena, buf);
	return r->client_ip ? r->client_ip : "unknown";
}

static void
set_user(struct req *r, const struct store_user *u)
{
	core_roles roles = 0;

	if (core_roles_parse(u->roles, &roles) == -1)
		roles = 0;	/* a damaged row grants nothing */
	r->authed = 1;
	r->user_id = u->id;
	r->user_email = u->email;
	r->user_name = u->name;
	r->roles = roles;
	r->must_change = u->must_change;
}

int
web_auth_resolve(struct req *r)
{
	unsigned char hash[UTIL_HASH_BYTES];
	struct store_user u;
	const char *h, *cookie, *v;
	int rc;

	h = web_header(r, "Authorization");
	if (h != NULL && strncmp(h, "Bearer ", 7) == 0) {
		if (util_token_hash(h + 7, hash) == -1)
			return 0;
		rc = store_token_user(r->app->store, hash, time(NULL),
		    &r->arena, &u);
		if (rc == STORE_ERR)
			return -1;
		if (rc == STORE_OK) {
			set_user(r, &u);
			r->via_token = 1;
		}
		return 0;
	}
	if ((cookie = web_header(r, "Cookie")) == NULL ||
	    (v = web_cookie_get(&r->arena, cookie, session_cookie(r))) == NULL ||
	    util_token_hash(v, hash) == -1)
		return 0;
	rc = store_session_user(r->app->store, hash, time(NULL), SESSION_IDLE,
	    SESSION_ABSOLUTE, &r->arena, &u);
	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_OK) {
		set_user(r, &u);
		snprintf(r->session, sizeof(r->session), "%s", v);
	}
	return 0;
}

void
web_auth_csrf(struct req *r, char *out)
{
	util_mac_hex(out, (const unsigned char *)r->session,
	    strlen(r->session), "vigil-csrf:staff", 16);
}

int
web_auth_csrf_ok(struct req *r, const char *got)
{
	char want[65];

	if (r->via_token)
		return 1;
	if (!r->authed || r->session[0] == '\0' || got == NULL ||
	    strlen(got) != 64)
		return 0;
	web_auth_csrf(r, want);
	return util_ct_equal(want, got, 64);
}

int
web_audit(struct req *r, const char *action, int64_t case_id,
    const char *details)
{
	const char *actor = r->authed ? r->user_email :
	    util_arena_printf(&r->arena, "anonymous@%s", client_ip(r));

	if (store_audit_add(r->app->store, time(NULL), actor ? actor : "?",
	    action, case_id, details) != STORE_OK) {
		log_err("audit: could not record %s", action);
		return -1;
	}
	return 0;
}

/* The argon2id hash checked when there is no usable account, made once
 * (at the first sign-in: an idle server does not pay for it). */
static pthread_mutex_t dummy_mtx = PTHREAD_MUTEX_INITIALIZER;

static int
dummy_hash(struct web_app *app)
{
	char pw[32];
	int rc = 0;

	pthread_mutex_lock(&dummy_mtx);
	if (app->dummy_hash[0] == '\0') {
		util_password_new(pw, sizeof(pw));
		rc = util_password_hash(app->dummy_hash,
		    sizeof(app->dummy_hash), pw);
	}
	pthread_mutex_unlock(&dummy_mtx);
	return rc;
}

/* ---- the login form ---- */

/* A `next` target is accepted only as a local path. */
static const char *
safe_next(const char *next)
{
	size_t i;

	if (next == NULL || next[0] != '/' || next[1] == '/' ||
	    next[1] == '\\' || strlen(next) > 512)
		return "/cases";
	for (i = 0; next[i] != '\0'; i++)
		if ((unsigned char)next[i] < 0x21 || next[i] == '\\' ||
		    (unsigned char)next[i] >= 0x7f)
			return "/cases";
	return next;
}

static const char *
login_secret(struct req *r, int create)
{
	const char *cookie, *v;
	char *t;
	unsigned char h[UTIL_HASH_BYTES];

	if ((cookie = web_header(r, "Cookie")) != NULL &&
	    (v = web_cookie_get(&r->arena, cookie, LOGIN_COOKIE)) != NULL &&
	    util_token_hash(v, h) == 0)
		return v;
	if (!create || (t = util_arena_alloc(&r->arena,
	    UTIL_TOKEN_CHARS + 1)) == NULL)
		return NULL;
	util_token_new(t, h);
	web_set_cookie(r, LOGIN_COOKIE, t, "/login", 3600);
	return t;
}

static int
show_login(struct req *r, unsigned status, const char *secret,
    const char *email, const char *next, const char *error)
{
	json_t *ctx = web_page_ctx(r, "Sign in");
	char csrf[65];

	util_mac_hex(csrf, (const unsigned char *)secret, strlen(secret),
	    "vigil-csrf:login", 16);
	json_object_set_new(ctx, "csrf", json_string(csrf));
	json_object_set_new(ctx, "next", json_string(safe_next(next)));
	if (email != NULL)
		json_object_set_new(ctx, "email", json_string(email));
	if (error != NULL)
		json_object_set_new(ctx, "error", json_string(error));
	return web_reply_page(r, status, "login", ctx);
}

int
web_h_login_form(struct req *r)
{
	const char *secret = login_secret(r, 1);

	if (secret == NULL)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	return show_login(r, 200, secret, NULL, web_query(r, "next"), NULL);
}

static const char *
field(struct web_field *f, size_t n, const char *name, int *dup)
{
	const char *v = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0) {
			if (v != NULL)
				*dup = 1;
			v = f[i].value;
			if (strlen(v) != f[i].value_len)
				*dup = 1;	/* NUL inside: refuse */
		}
	return v;
}

int
web_h_login_post(struct req *r)
{
	struct web_field *f = NULL;
	struct store_user u;
	const char *secret, *email, *pw, *csrf, *next, *err = NULL, *ct;
	char want[65], key[300], lower[260], sid[UTIL_TOKEN_CHARS + 1];
	unsigned char sh[UTIL_HASH_BYTES];
	size_t n = 0, i;
	int dup = 0, rc, ok;
	time_t now = time(NULL);

	ct = web_header(r, "Content-Type");
	if (ct == NULL || !web_media_type_is(ct,
	    "application/x-www-form-urlencoded"))
		return web_reply_error(r, WE_MEDIA_TYPE, NULL, NULL);
	if (web_urlencoded_parse(&r->arena, r->body.data ? r->body.data : "",
	    r->body.len, 16, &f, &n, &err) == -1)
		return web_reply_error(r, WE_BAD_FORM, NULL, err);
	email = field(f, n, "email", &dup);
	pw = field(f, n, "password", &dup);
	csrf = field(f, n, "csrf", &dup);
	next = field(f, n, "next", &dup);
	if (dup)
		return web_reply_error(r, WE_DUPLICATE_FIELD, NULL, NULL);
	if ((secret = login_secret(r, 0)) == NULL)
		return web_reply_error(r, WE_CSRF, NULL, NULL);
	util_mac_hex(want, (const unsigned char *)secret, strlen(secret),
	    "vigil-csrf:login", 16);
	if (csrf == NULL || strlen(csrf) != 64 ||
	    !util_ct_equal(want, csrf, 64))
		return web_reply_error(r, WE_CSRF, NULL, NULL);
	if (email == NULL || pw == NULL || *email == '\0' || *pw == '\0' ||
	    strlen(email) > 254 || strlen(pw) > 1024)
		return show_login(r, 401, secret, email, next,
		    "Enter your e-mail address and password.");
	for (i = 0; email[i] != '\0' && i < sizeof(lower) - 1; i++)
		lower[i] = (char)tolower((unsigned char)email[i]);
	lower[i] = '\0';

	/* Throttling: per account, then per IP. */
	snprintf(key, sizeof(key), "account:%s", lower);
	if (store_login_failures(r->app->store, key, now - THROTTLE_WINDOW) >=
	    THROTTLE_ACCOUNT) {
		web_audit(r, "login.throttled", 0, "account");
		return show_login(r, 429, secret, email, next,
		    "Too many failed attempts. Try again later.");
	}
	snprintf(key, sizeof(key), "ip:%s", client_ip(r));
	if (store_login_failures(r->app->store, key, now - THROTTLE_WINDOW) >=
	    THROTTLE_IP) {
		web_audit(r, "login.throttled", 0, "ip");
		return show_login(r, 429, secret, email, next,
		    "Too many failed attempts. Try again later.");
	}

	rc = store_user_by_email(r->app->store, lower, &r->arena, &u);
	if (rc == STORE_ERR)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	if (dummy_hash(r->app) == -1)
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	/* Always one argon2id verification, whatever the account. */
	ok = util_password_verify(rc == STORE_OK ? u.password_hash :
	    r->app->dummy_hash, pw);
	if (rc != STORE_OK || u.disabled || strlen(pw) > 128)
		ok = 0;
	if (!ok) {
		snprintf(key, sizeof(key), "account:%s", lower);
		store_login_failure_add(r->app->store, key, now);
		snprintf(key, sizeof(key), "ip:%s", client_ip(r));
		store_login_failure_add(r->app->store, key, now);
		web_audit(r, "login.failed", 0, util_arena_printf(&r->arena,
		    "account %s", lower));
		return show_login(r, 401, secret, email, next,
		    "Wrong e-mail address or password.");
	}
	/* A new session id at every login (no fixation). */
	util_token_new(sid, sh);
	if (store_session_add(r->app->store, sh, u.id, now) != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	snprintf(key, sizeof(key), "account:%s", lower);
	store_login_failures_clear(r->app->store, key);
	set_user(r, &u);
	snprintf(r->session, sizeof(r->session), "%s", sid);
	web_audit(r, "login", 0, "password");
	web_set_cookie(r, session_cookie(r), sid, "/", SESSION_ABSOLUTE);
	web_set_cookie(r, LOGIN_COOKIE, "", "/login", 0);
	return web_reply_redirect(r, 303, u.must_change ? "/account/password" :
	    safe_next(next));
}

int
web_h_logout(struct req *r)
{
	struct web_field *f = NULL;
	const char *err = NULL, *csrf;
	unsigned char h[UTIL_HASH_BYTES];
	size_t n = 0;
	int dup = 0;

	if (web_urlencoded_parse(&r->arena, r->body.data ? r->body.data : "",
	    r->body.len, 8, &f, &n, &err) == -1)
		return web_reply_error(r, WE_BAD_FORM, NULL, err);
	csrf = field(f, n, "csrf", &dup);
	if (dup || !web_auth_csrf_ok(r, csrf))
		return web_reply_error(r, WE_CSRF, NULL, NULL);
	if (r->session[0] != '\0' && util_token_hash(r->session, h) == 0 &&
	    store_session_delete(r->app->store, h) != STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	web_audit(r, "logout", 0, "");
	web_set_cookie(r, session_cookie(r), "", "/", 0);
	return web_reply_redirect(r, 303, "/login");
}

/* ---- changing one's password ---- */

static int
show_password(struct req *r, unsigned status, const char *error)
{
	json_t *ctx = web_page_ctx(r, "Change your password");

	json_object_set_new(ctx, "must_change", json_boolean(r->must_change));
	if (error != NULL)
		json_object_set_new(ctx, "error", json_string(error));
	return web_reply_page(r, status, "password", ctx);
}

int
web_h_password_form(struct req *r)
{
	if (r->via_token)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	return show_password(r, 200, NULL);
}

/* 12 to 128 characters, one line of valid UTF-8, never truncated. */
static const char *
password_problem(const char *pw)
{
	size_t n;

	if (!core_text_ok(pw, strlen(pw), 0))
		return "The password must be one line of text.";
	n = core_utf8_len(pw);
	if (n < 12)
		return "The new password needs at least 12 characters.";
	if (n > 128)
		return "The new password may have at most 128 characters.";
	return NULL;
}

int
web_h_password_post(struct req *r)
{
	struct web_field *f = NULL;
	struct store_user u;
	const char *err = NULL, *cur, *pw, *pw2, *csrf, *why;
	char hash[256];
	unsigned char sh[UTIL_HASH_BYTES];
	size_t n = 0;
	int dup = 0;

	if (r->via_token)
		return web_reply_error(r, WE_NOT_FOUND, NULL, NULL);
	if (web_urlencoded_parse(&r->arena, r->body.data ? r->body.data : "",
	    r->body.len, 8, &f, &n, &err) == -1)
		return web_reply_error(r, WE_BAD_FORM, NULL, err);
	cur = field(f, n, "current", &dup);
	pw = field(f, n, "password", &dup);
	pw2 = field(f, n, "confirm", &dup);
	csrf = field(f, n, "csrf", &dup);
	if (dup)
		return web_reply_error(r, WE_DUPLICATE_FIELD, NULL, NULL);
	if (!web_auth_csrf_ok(r, csrf))
		return web_reply_error(r, WE_CSRF, NULL, NULL);
	if (cur == NULL || pw == NULL || pw2 == NULL)
		return show_password(r, 422, "Fill in every field.");
	if (store_user_by_email(r->app->store, r->user_email, &r->arena, &u) !=
	    STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	if (strlen(cur) > 1024 || !util_password_verify(u.password_hash, cur)) {
		web_audit(r, "password.change_failed", 0, "wrong current password");
		return show_password(r, 422, "The current password is wrong.");
	}
	if ((why = password_problem(pw)) != NULL)
		return show_password(r, 422, why);
	if (strcmp(pw, pw2) != 0)
		return show_password(r, 422, "The two new passwords differ.");
	if (strcmp(pw, cur) == 0)
		return show_password(r, 422, "Choose a password you have not "
		    "used here.");
	if (util_password_hash(hash, sizeof(hash), pw) == -1 ||
	    store_user_set_password(r->app->store, u.id, hash, time(NULL)) !=
	    STORE_OK)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	/* Every other session of this account ends (ASVS 3.3.3). */
	if (util_token_hash(r->session, sh) == 0)
		store_sessions_end_others(r->app->store, u.id, sh);
	web_audit(r, "password.change", 0, "");
	return web_reply_redirect(r, 303, "/cases");
}
