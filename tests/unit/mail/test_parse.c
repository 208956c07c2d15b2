/* tests/unit/mail/test_parse.c - mail_parse() against the golden corpus
 * (tests/golden/mail/NAME.eml -> NAME.json, read in place from
 * $GOLDEN_DIR or found relative to the source tree), plus behaviours that
 * need other limits or no keyring.  The PGP cases use a copy of the
 * committed team keyring (tests/golden/mail/gnupg-team/) in a temporary
 * GnuPG home; the gpg-agent started there is stopped at the end.
 *
 * GOLDEN_UPDATE=1 rewrites the .json files from the current results
 * (review the diff before committing). */
#if !defined(_GNU_SOURCE)
#define _GNU_SOURCE	/* mkdtemp, nftw, setenv */
#endif
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <jansson.h>

#include "mail/mail.h"
#include "util/arena.h"

extern char **environ;

static char golden[4096];
static char home[256];		/* temporary copy of gnupg-team, or "" */
static int update;

static int
isdir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* $GOLDEN_DIR, else tests/golden/mail from the current directory, its
 * parent, or the project root found through __FILE__. */
static int
golden_dir(char *dst, size_t dstlen)
{
	const char *env = getenv("GOLDEN_DIR"), *me = __FILE__, *cut;
	const char *rel = "tests/golden/mail";

	if (env != NULL && *env != '\0') {
		snprintf(dst, dstlen, "%s", env);
		return isdir(dst);
	}
	snprintf(dst, dstlen, "%s", rel);
	if (isdir(dst))
		return 1;
	snprintf(dst, dstlen, "../%s", rel);
	if (isdir(dst))
		return 1;
	if ((cut = strstr(me, "tests/unit/mail/")) != NULL) {
		snprintf(dst, dstlen, "%.*s%s", (int)(cut - me), me, rel);
		if (isdir(dst))
			return 1;
	}
	return 0;
}

static char *
slurp(const char *path, size_t *lenp)
{
	FILE *f;
	char *d;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (d = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(d, 1, (size_t)n, f) != (size_t)n) {
		free(d);
		fclose(f);
		return NULL;
	}
	fclose(f);
	d[n] = '\0';
	*lenp = (size_t)n;
	return d;
}

static int
copy_file(const char *from, const char *to)
{
	char *d;
	size_t n;
	int fd, rc = -1;

	if ((d = slurp(from, &n)) == NULL)
		return -1;
	if ((fd = open(to, O_WRONLY | O_CREAT | O_EXCL, 0600)) != -1) {
		if (write(fd, d, n) == (ssize_t)n)
			rc = 0;
		close(fd);
	}
	free(d);
	return rc;
}

/* Copies gnupg-team into a fresh 0700 directory. */
static int
make_home(void)
{
	char src[4600], dst[4600];
	struct dirent *de;
	DIR *dir;

	snprintf(home, sizeof(home), "/tmp/vigil-test-gnupg.XXXXXX");
	if (mkdtemp(home) == NULL)
		return -1;
	snprintf(src, sizeof(src), "%s/gnupg-team/pubring.kbx", golden);
	snprintf(dst, sizeof(dst), "%s/pubring.kbx", home);
	if (copy_file(src, dst) == -1)
		return -1;
	snprintf(src, sizeof(src), "%s/gnupg-team/trustdb.gpg", golden);
	snprintf(dst, sizeof(dst), "%s/trustdb.gpg", home);
	if (copy_file(src, dst) == -1)
		return -1;
	snprintf(dst, sizeof(dst), "%s/private-keys-v1.d", home);
	if (mkdir(dst, 0700) == -1)
		return -1;
	snprintf(src, sizeof(src), "%s/gnupg-team/private-keys-v1.d", golden);
	if ((dir = opendir(src)) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(src, sizeof(src), "%s/gnupg-team/private-keys-v1.d/%s",
		    golden, de->d_name);
		snprintf(dst, sizeof(dst), "%s/private-keys-v1.d/%s", home,
		    de->d_name);
		if (copy_file(src, dst) == -1) {
			closedir(dir);
			return -1;
		}
	}
	closedir(dir);
	return 0;
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(p);
	return 0;
}

/* gpgconf --kill gpg-agent for our home, then removes it. */
static void
drop_home(void)
{
	char *argv[] = { "gpgconf", "--kill", "gpg-agent", NULL };
	char *envp[] = { NULL, NULL };
	char env[300];
	pid_t pid;
	int st;

	if (home[0] == '\0')
		return;
	snprintf(env, sizeof(env), "GNUPGHOME=%s", home);
	envp[0] = env;
	if (posix_spawnp(&pid, "gpgconf", NULL, NULL, argv, envp) == 0)
		waitpid(pid, &st, 0);
	nftw(home, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	home[0] = '\0';
}

static void
sha256_hex(const unsigned char *d, size_t n, char *out65)
{
	gchar *h = g_compute_checksum_for_data(G_CHECKSUM_SHA256, d, n);

	snprintf(out65, 65, "%s", h);
	g_free(h);
}

static json_t *
jstr(const char *s)
{
	return s == NULL ? json_null() : json_string(s);
}

static json_t *
msg_json(const struct mail_msg *m)
{
	static const char *pgp[] = { "none", "decrypted", "failed" };
	static const char *sig[] = { "none", "valid", "bad", "unknown_key" };
	json_t *o = json_object(), *a, *t;
	char hex[65];
	size_t i;

	json_object_set_new(o, "message_id", jstr(m->message_id));
	json_object_set_new(o, "in_reply_to", jstr(m->in_reply_to));
	a = json_array();
	for (i = 0; i < m->nreferences; i++)
		json_array_append_new(a, jstr(m->references[i]));
	json_object_set_new(o, "references", a);
	json_object_set_new(o, "from_addr", jstr(m->from_addr));
	json_object_set_new(o, "from_name", jstr(m->from_name));
	json_object_set_new(o, "reply_to", jstr(m->reply_to));
	a = json_array();
	for (i = 0; i < m->nrecipients; i++)
		json_array_append_new(a, jstr(m->recipients[i]));
	json_object_set_new(o, "recipients", a);
	json_object_set_new(o, "subject", jstr(m->subject));
	json_object_set_new(o, "date", json_integer((json_int_t)m->date));
	json_object_set_new(o, "auto_submitted",
	    json_boolean(m->auto_submitted));
	json_object_set_new(o, "bulk", json_boolean(m->bulk));
	json_object_set_new(o, "our_loop", json_boolean(m->our_loop));
	json_object_set_new(o, "text", jstr(m->text));
	json_object_set_new(o, "text_from_html",
	    json_boolean(m->text_from_html));
	a = json_array();
	for (i = 0; i < m->nattachments; i++) {
		t = json_object();
		json_object_set_new(t, "filename",
		    jstr(m->attachments[i].filename));
		json_object_set_new(t, "content_type",
		    jstr(m->attachments[i].content_type));
		json_object_set_new(t, "size",
		    json_integer((json_int_t)m->attachments[i].size));
		sha256_hex(m->attachments[i].data, m->attachments[i].size, hex);
		json_object_set_new(t, "sha256", json_string(hex));
		json_object_set_new(t, "encrypted",
		    json_boolean(m->attachments[i].encrypted));
		json_array_append_new(a, t);
	}
	json_object_set_new(o, "attachments", a);
	json_object_set_new(o, "pgp", json_string(pgp[m->pgp]));
	json_object_set_new(o, "pgp_error", jstr(m->pgp_error));
	json_object_set_new(o, "sig", json_string(sig[m->sig]));
	json_object_set_new(o, "sig_fpr", jstr(m->sig_fpr));
	json_object_set_new(o, "sig_whole", json_boolean(m->sig_whole));
	json_object_set_new(o, "flag", jstr(m->flag));
	return o;
}

/* Valid UTF-8 without NUL (GLib's validator as a second opinion). */
static int
text_ok(const char *s)
{
	return s == NULL || g_utf8_validate(s, -1, NULL);
}

static void
check_invariants(const struct mail_msg *m)
{
	size_t i;

	assert_true(text_ok(m->subject));
	assert_true(text_ok(m->from_name));
	assert_true(text_ok(m->text));
	assert_non_null(m->text);
	assert_non_null(m->subject);
	assert_non_null(m->from_name);
	assert_true(text_ok(m->flag));
	for (i = 0; i < m->nrecipients; i++) {
		assert_non_null(strchr(m->recipients[i], '@'));
		assert_true(text_ok(m->recipients[i]));
	}
	for (i = 0; i < m->nreferences; i++) {
		assert_null(strchr(m->references[i], '<'));
		assert_null(strchr(m->references[i], '>'));
	}
	for (i = 0; i < m->nattachments; i++) {
		assert_non_null(m->attachments[i].filename);
		assert_true(text_ok(m->attachments[i].filename));
		assert_non_null(m->attachments[i].content_type);
	}
	if (m->pgp == MAIL_PGP_FAILED) {
		assert_non_null(m->pgp_error);
		assert_string_equal(m->text, "");
	}
	if (m->sig_whole)
		assert_int_equal(m->sig, MAIL_SIG_VALID);
}

static void
show_diff(const json_t *want, const json_t *got)
{
	const char *k;
	json_t *v;
	char *a, *b;

	json_object_foreach((json_t *)got, k, v) {
		if (json_equal(v, json_object_get(want, k)))
			continue;
		a = json_dumps(json_object_get(want, k), JSON_ENCODE_ANY);
		b = json_dumps(v, JSON_ENCODE_ANY);
		fprintf(stderr, "  %s:\n    want %.400s\n    got  %.400s\n", k,
		    a == NULL ? "(none)" : a, b == NULL ? "?" : b);
		free(a);
		free(b);
	}
}

static void
test_golden(void **state)
{
	const char *name = *state, *why = NULL;
	struct arena a;
	struct mail_msg m;
	char path[4200];
	char *raw;
	size_t len;
	json_t *got, *want;
	json_error_t jerr;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.eml", golden, name);
	raw = slurp(path, &len);
	assert_non_null(raw);
	util_arena_init(&a, 256u * 1024 * 1024);
	rc = mail_parse(&a, raw, len, NULL, home[0] ? home : NULL, &m, &why);
	if (rc == 0) {
		check_invariants(&m);
		got = msg_json(&m);
	} else {
		assert_non_null(why);
		got = json_pack("{s:s}", "error", why);
	}
	snprintf(path, sizeof(path), "%s/%s.json", golden, name);
	if (update) {
		assert_int_equal(json_dump_file(got, path,
		    JSON_INDENT(2) | JSON_SORT_KEYS), 0);
		want = json_incref(got);
	} else {
		want = json_load_file(path, 0, &jerr);
		if (want == NULL)
			fail_msg("%s: %s", path, jerr.text);
	}
	if (!json_equal(want, got)) {
		fprintf(stderr, "%s differs from %s:\n", name, path);
		show_diff(want, got);
		fail();
	}
	json_decref(want);
	json_decref(got);
	util_arena_release(&a);
	free(raw);
}

/* ---- behaviours outside the corpus ---- */

static int
parse_file(struct arena *a, const char *name, const struct mail_limits *l,
    const char *gnupg_home, struct mail_msg *m)
{
	char path[4200];
	const char *why;
	char *raw;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", golden, name);
	raw = slurp(path, &len);
	assert_non_null(raw);
	rc = mail_parse(a, raw, len, l, gnupg_home, m, &why);
	/* the message must not point into raw: scribble over it */
	memset(raw, 'Z', len);
	free(raw);
	return rc;
}

static void
test_attachment_limit(void **state)
{
	struct mail_limits l = { 500, 32, 1000, 100 };
	struct arena a;
	struct mail_msg m;

	(void)state;
	util_arena_init(&a, 0);
	assert_int_equal(parse_file(&a, "attachments.eml", &l, NULL, &m), 0);
	check_invariants(&m);
	/* poc.py (148 bytes) and the message/rfc822 are over 100 bytes */
	assert_int_equal(m.nattachments, 2);
	assert_string_equal(m.attachments[0].content_type, "image/png");
	assert_non_null(m.flag);
	assert_non_null(strstr(m.flag, "attachment over the size limit"));
	util_arena_release(&a);
}

static void
test_small_limits(void **state)
{
	struct mail_limits l = { 3, 2, 10, 1024 };
	struct arena a;
	struct mail_msg m;

	(void)state;
	util_arena_init(&a, 0);
	assert_int_equal(parse_file(&a, "many-parts.eml", &l, NULL, &m), 0);
	check_invariants(&m);
	assert_true(m.nattachments <= 2);
	assert_non_null(strstr(m.flag, "too many MIME parts"));
	assert_int_equal(parse_file(&a, "deep-nesting.eml", &l, NULL, &m), 0);
	assert_non_null(strstr(m.flag, "MIME nesting too deep"));
	assert_string_equal(m.text, "level 1");
	assert_int_equal(parse_file(&a, "plain.eml", &l, NULL, &m), 0);
	assert_null(m.flag);
	util_arena_release(&a);
}

/* Without a keyring nothing is decrypted and no signature is "valid". */
static void
test_no_keyring(void **state)
{
	struct arena a;
	struct mail_msg m;

	(void)state;
	util_arena_init(&a, 0);
	assert_int_equal(parse_file(&a, "pgp-mime-encrypted.eml", NULL, NULL,
	    &m), 0);
	check_invariants(&m);
	assert_int_equal(m.pgp, MAIL_PGP_FAILED);
	assert_string_equal(m.pgp_error, "no team keyring configured");
	assert_int_equal(m.nattachments, 0);
	assert_int_equal(parse_file(&a, "pgp-mime-signed.eml", NULL, NULL,
	    &m), 0);
	check_invariants(&m);
	assert_int_equal(m.sig, MAIL_SIG_UNKNOWN_KEY);
	assert_int_equal(m.sig_whole, 0);
	assert_non_null(strstr(m.text, "The whole body is signed."));
	assert_int_equal(parse_file(&a, "pgp-clearsigned.eml", NULL, NULL,
	    &m), 0);
	assert_int_equal(m.sig, MAIL_SIG_UNKNOWN_KEY);
	util_arena_release(&a);
}

/* A missing home is the environment failing: PGP fails closed. */
static void
test_bad_keyring(void **state)
{
	struct arena a;
	struct mail_msg m;

	(void)state;
	util_arena_init(&a, 0);
	assert_int_equal(parse_file(&a, "pgp-mime-encrypted.eml", NULL,
	    "/nonexistent/vigil-gnupg", &m), 0);
	check_invariants(&m);
	assert_int_equal(m.pgp, MAIL_PGP_FAILED);
	util_arena_release(&a);
}

static void
test_arena_limit(void **state)
{
	struct arena a;
	struct mail_msg m;

	(void)state;
	util_arena_init(&a, 64 * 1024);
	assert_int_equal(parse_file(&a, "long-header.eml", NULL, NULL, &m), 0);
	check_invariants(&m);
	util_arena_release(&a);
	util_arena_init(&a, 4 * 1024);
	assert_int_equal(parse_file(&a, "many-parts.eml", NULL, NULL, &m), -1);
	util_arena_release(&a);
}

static void
test_refuse(void **state)
{
	static const char *const bad[] = { "", "hello world\n", "\n\n\n",
	    ": no name\n\nx", "\x89PNG\r\n", "From nobody\n", "From x\nbad\n" };
	struct arena a;
	struct mail_msg m;
	const char *why;
	size_t i;

	(void)state;
	util_arena_init(&a, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(mail_parse(&a, bad[i], strlen(bad[i]), NULL,
		    NULL, &m, &why), -1);
		assert_non_null(why);
	}
	/* a single header field and nothing else is still a message */
	assert_int_equal(mail_parse(&a, "Subject: x", 10, NULL, NULL, &m,
	    &why), 0);
	assert_string_equal(m.subject, "x");
	assert_null(m.from_addr);
	assert_int_equal(mail_parse(&a, "From x\nSubject: y\n\nbody", 23,
	    NULL, NULL, &m, &why), 0);
	assert_string_equal(m.text, "body");
	util_arena_release(&a);
}

/* Hostile addresses finish quickly (GMime's parser is linear). */
static void
test_address_redos(void **state)
{
	struct arena a;
	struct mail_msg m;
	const char *why;
	GString *s;
	clock_t t0;
	int i;

	(void)state;
	s = g_string_new("From: ");
	for (i = 0; i < 20000; i++)
		g_string_append(s, "\"a\\\"@(((((<");
	g_string_append(s, "\nTo: ");
	for (i = 0; i < 20000; i++)
		g_string_append(s, "a@b.c,=?utf-8?q?x?=<");
	g_string_append(s, "\nSubject: redos\n\nbody\n");
	util_arena_init(&a, 0);
	t0 = clock();
	assert_int_equal(mail_parse(&a, s->str, s->len, NULL, NULL, &m, &why),
	    0);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	check_invariants(&m);
	util_arena_release(&a);
	g_string_free(s, TRUE);
}

/* The same message parsed twice gives the same result (no hidden state),
 * and a parse with GPGME leaves no plaintext behind on failure. */
static void
test_repeat(void **state)
{
	struct arena a;
	struct mail_msg m1, m2;
	json_t *j1, *j2;

	(void)state;
	util_arena_init(&a, 0);
	assert_int_equal(parse_file(&a, "attachments.eml", NULL, NULL, &m1), 0);
	assert_int_equal(parse_file(&a, "attachments.eml", NULL, NULL, &m2), 0);
	j1 = msg_json(&m1);
	j2 = msg_json(&m2);
	assert_true(json_equal(j1, j2));
	json_decref(j1);
	json_decref(j2);
	util_arena_release(&a);
}

static int
by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int
main(void)
{
	const struct CMUnitTest unit[] = {
		cmocka_unit_test(test_attachment_limit),
		cmocka_unit_test(test_small_limits),
		cmocka_unit_test(test_no_keyring),
		cmocka_unit_test(test_bad_keyring),
		cmocka_unit_test(test_arena_limit),
		cmocka_unit_test(test_refuse),
		cmocka_unit_test(test_address_redos),
		cmocka_unit_test(test_repeat),
	};
	struct CMUnitTest *tests;
	char **names = NULL, *dot;
	struct dirent *de;
	DIR *dir;
	size_t n = 0, cap = 0, i;
	int fails;

	if (!golden_dir(golden, sizeof(golden))) {
		fprintf(stderr, "golden corpus not found (set GOLDEN_DIR)\n");
		return 1;
	}
	update = getenv("GOLDEN_UPDATE") != NULL;
	if (mail_init() == -1)
		return 1;
	if (make_home() == -1) {
		fprintf(stderr, "cannot set up the test GnuPG home\n");
		drop_home();
		return 1;
	}
	if ((dir = opendir(golden)) == NULL)
		return 1;
	while ((de = readdir(dir)) != NULL) {
		if ((dot = strrchr(de->d_name, '.')) == NULL ||
		    strcmp(dot, ".eml") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			assert_non_null(names);
		}
		names[n++] = strndup(de->d_name, (size_t)(dot - de->d_name));
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), by_name);
	tests = calloc(n + 1, sizeof(*tests));
	for (i = 0; i < n; i++) {
		tests[i].name = names[i];
		tests[i].test_func = test_golden;
		tests[i].initial_state = names[i];
	}
	fails = _cmocka_run_group_tests("golden", tests, n, NULL, NULL);
	fails += cmocka_run_group_tests_name("mail_parse", unit, NULL, NULL);
	drop_home();
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(tests);
	mail_shutdown();
	return fails == 0 ? 0 : 1;
}
