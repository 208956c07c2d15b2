/* mail/compose.c - outbound messages: mail_compose(), mail_message_id().
 *
 * Every value that ends up in a header is checked here, before GMime
 * sees it: a CR, LF, NUL (as far as a C string can carry one) or any other
 * control character is refused, never stripped (RT's CVE-2012-4730 and
 * CVE-2013-3373 were header injections through a subject or an address).
 * Addresses must be plain addr-specs; characters a shell would act on are
 * refused as well even though no shell is ever involved (RT's
 * CVE-2011-4458 and OpenSMTPD's CVE-2020-7247 came from exactly that).
 *
 * GMime builds and encodes the message (RFC 2047 for non-ASCII subjects
 * and names, quoted-printable or base64 for the body, so the output is
 * 7-bit).  With a recipient key the text/plain entity is encrypted with
 * GPGME into an RFC 3156 multipart/encrypted body.
 *
 * Thread safety: after mail_init() (g_mime_init, gpgme_check_version)
 * mail_compose() may run in several threads at once; each call has its own
 * GMime objects and its own GPGME context.  A caller-supplied gnupg_home
 * should not be shared by concurrent calls (gpg locks its keyring, but
 * imports into one home from many threads are slow and pointless). */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <gpgme.h>

#include "mail/mail.h"
#include "util/arena.h"
#include "util/crypto.h"
#include "util/encode.h"
#include "util/log.h"

extern char **environ;

#define MAX_TEXT	1024		/* subject, display names */
#define MAX_ADDR	254		/* RFC 5321 path limit minus <> */
#define MAX_LOCAL	64
#define MAX_LABEL	63
#define MAX_ID		250		/* one message id, without <> */
#define MAX_REFS	64		/* ids in References */
#define MAX_LOOP	128		/* X-Vigil-Loop value */
#define MAX_BODY	(16 * 1024 * 1024)
#define MAX_KEY		(1024 * 1024)	/* armored public key */

/* Not in mail.h (it is internal to src/mail/); send.c declares it too. */
const char	*mail_addr_check(const char *);

static const char *
text_check(const char *s, size_t max)
{
	const unsigned char *p;
	size_t n;

	n = strlen(s);
	if (n > max)
		return "header value too long";
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n')
			return "CR or LF in a header value";
		if (*p < 0x20 || *p == 0x7f)
			return "control character in a header value";
		/* C1 controls (NEL is one) and U+2028/U+2029 act as line
		 * breaks in some software. */
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return "control character in a header value";
		if (p[0] == 0xe2 && p[1] == 0x80 &&
		    (p[2] == 0xa8 || p[2] == 0xa9))
			return "line separator in a header value";
		/* GMime passes text that looks like an RFC 2047 encoded-word
		 * through unencoded, and the reader would decode it (into a
		 * CR LF, say): refuse instead. */
		if (p[0] == '=' && p[1] == '?')
			return "\"=?\" (an RFC 2047 encoded-word) in a header value";
	}
	if (!g_utf8_validate(s, (gssize)n, NULL))
		return "header value is not UTF-8";
	return NULL;
}

/* A plain addr-spec: local@domain, dot-atom on both sides, ASCII only.
 * Returns NULL when acceptable, otherwise why not.  Besides what RFC 5322
 * forbids in a dot-atom (spaces, quotes, <>, (), ;, \, controls) this
 * refuses `$`, backtick, `|` and `&`: no shell ever sees an address, but
 * an address that would mean something to one is not worth accepting. */
const char *
mail_addr_check(const char *s)
{
	static const char local_ok[] = "!#%'*+-/=?^_{}~.";
	const char *at, *p, *label;
	size_t n;

	if (s == NULL || *s == '\0')
		return "empty address";
	n = strlen(s);
	if (n > MAX_ADDR)
		return "address too long";
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\r' || c == '\n')
			return "CR or LF in an address";
		if (c < 0x20 || c == 0x7f)
			return "control character in an address";
		if (c >= 0x80)
			return "non-ASCII address";
		if (c == ' ')
			return "space in an address";
		if (strchr("$`;|&()\\", c) != NULL)
			return "shell metacharacter in an address";
		if (strchr("\"<>[],:", c) != NULL)
			return "address is not a plain addr-spec";
	}
	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return "address needs exactly one @";
	if (at == s || (size_t)(at - s) > MAX_LOCAL)
		return "bad local part";
	if (s[0] == '.' || at[-1] == '.')
		return "bad local part";
	for (p = s; p < at; p++) {
		if (!g_ascii_isalnum(*p) && strchr(local_ok, *p) == NULL)
			return "bad character in the local part";
		if (p[0] == '.' && p[1] == '.')
			return "bad local part";
	}
	/* Domain: LDH labels separated by dots. */
	label = at + 1;
	if (*label == '\0')
		return "empty domain";
	for (p = label;; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == label || (size_t)(p - label) > MAX_LABEL ||
			    label[0] == '-' || p[-1] == '-')
				return "bad domain";
			if (*p == '\0')
				break;
			label = p + 1;
		} else if (!g_ascii_isalnum(*p) && *p != '-')
			return "bad character in the domain";
	}
	return NULL;
}

/* A message id without <>: printable ASCII, no specials, one @ in the
 * middle. */
static int
id_ok(const char *s, size_t n)
{
	const char *at = NULL;
	size_t i;

	if (n == 0 || n > MAX_ID)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f)
			return 0;
		if (strchr("<>()[]\\\",;:", c) != NULL)
			return 0;
		if (c == '@') {
			if (at != NULL)
				return 0;
			at = s + i;
		}
	}
	return at != NULL && at != s && at != s + n - 1;
}

/* Splits "Name <addr>", "\"Name\" <addr>" or "addr". */
static const char *
split_from(struct arena *a, const char *from, char **name, char **addr)
{
	const char *lt, *gt, *e;
	const char *why;
	char *nm;
	size_t n;

	if ((why = text_check(from, MAX_TEXT)) != NULL)
		return why;
	lt = strrchr(from, '<');
	if (lt == NULL) {
		*name = NULL;
		*addr = util_arena_strdup(a, from);
		return *addr == NULL ? "out of memory" : NULL;
	}
	gt = strchr(lt, '>');
	if (gt == NULL || gt[1] != '\0' || memchr(from, '<', lt - from) ||
	    memchr(from, '>', lt - from))
		return "From is not \"Name <addr>\"";
	if ((*addr = util_arena_strndup(a, lt + 1, gt - lt - 1)) == NULL)
		return "out of memory";
	for (e = lt; e > from && e[-1] == ' '; e--)
		;
	while (from < e && *from == ' ')
		from++;
	n = e - from;
	if (n >= 2 && from[0] == '"' && from[n - 1] == '"') {
		from++;
		n -= 2;
		if (memchr(from, '"', n) != NULL || memchr(from, '\\', n))
			return "From has a quoted name with escapes";
	}
	if ((nm = util_arena_strndup(a, from, n)) == NULL)
		return "out of memory";
	*name = n > 0 ? nm : NULL;
	return NULL;
}

/* "a b c" -> "<a> <b> <c>", each id checked. */
static const char *
build_refs(struct arena *a, const char *refs, char **out)
{
	const char *p, *e;
	char *o;
	size_t n, len, count = 0;

	len = strlen(refs);
	if (len > MAX_REFS * (MAX_ID + 1))
		return "References too long";
	if ((o = util_arena_alloc(a, len * 3 + 1)) == NULL)
		return "out of memory";
	*out = o;
	for (p = refs; *p != '\0'; p = e) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ' '; e++)
			;
		n = e - p;
		if (!id_ok(p, n))
			return "bad message id in References";
		if (++count > MAX_REFS)
			return "too many References";
		if (o != *out)
			*o++ = ' ';
		*o++ = '<';
		memcpy(o, p, n);
		o += n;
		*o++ = '>';
	}
	*o = '\0';
	if (count == 0)
		*out = NULL;
	return NULL;
}

/* CRLF and lone CR become LF; GMime writes CRLF again. */
static char *
body_lf(struct arena *a, const char *body, size_t n)
{
	char *o, *q;
	size_t i;

	if ((o = util_arena_alloc(a, n + 1)) == NULL)
		return NULL;
	for (i = 0, q = o; i < n; i++) {
		if (body[i] == '\r') {
			*q++ = '\n';
			if (i + 1 < n && body[i + 1] == '\n')
				i++;
		} else
			*q++ = body[i];
	}
	*q = '\0';
	return o;
}

static GMimePart *
new_part(const char *type, const char *subtype, const void *data, size_t n,
    GMimeContentEncoding enc)
{
	GMimePart *part;
	GMimeStream *s;
	GMimeDataWrapper *w;

	part = g_mime_part_new_with_type(type, subtype);
	s = g_mime_stream_mem_new_with_buffer(data, n);
	w = g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, w);
	g_object_unref(w);
	g_object_unref(s);
	if (enc == GMIME_CONTENT_ENCODING_DEFAULT)
		enc = g_mime_part_get_best_content_encoding(part,
		    GMIME_ENCODING_CONSTRAINT_7BIT);
	g_mime_part_set_content_encoding(part, enc);
	return part;
}

/* Serializes obj with CRLF line ends; the caller unrefs the array. */
static GByteArray *
serialize(GMimeObject *obj)
{
	GMimeFormatOptions *fo;
	GMimeStream *s;
	GByteArray *ba;

	fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	s = g_mime_stream_mem_new();
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(s), FALSE);
	if (g_mime_object_write_to_stream(obj, fo, s) == -1) {
		g_mime_format_options_free(fo);
		ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
		g_object_unref(s);
		g_byte_array_unref(ba);
		return NULL;
	}
	g_mime_format_options_free(fo);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	g_object_unref(s);
	return ba;
}

/* ---- GnuPG ---- */

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	if (remove(path) == -1 && errno != ENOENT)
		log_warn("mail: remove %s: %s", path, strerror(errno));
	return 0;
}

/* Stops every GnuPG daemon of a home (gpgconf --kill all), without a
 * shell.  There should be none (the temporary home has no-autostart);
 * this is the belt to that pair of braces. */
static void
kill_daemons(const char *home)
{
	posix_spawn_file_actions_t fa;
	const char *gpgconf;
	char *argv[6];
	pid_t pid;
	int st, rc;

	if ((gpgconf = gpgme_get_dirinfo("gpgconf-name")) == NULL)
		gpgconf = "/usr/bin/gpgconf";
	argv[0] = (char *)"gpgconf";
	argv[1] = (char *)"--homedir";
	argv[2] = (char *)home;
	argv[3] = (char *)"--kill";
	argv[4] = (char *)"all";
	argv[5] = NULL;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawn(&pid, gpgconf, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		log_warn("mail: spawn %s: %s", gpgconf, strerror(rc));
		return;
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
}

/* Creates a private temporary GnuPG home in path. */
static const char *
tmp_home(char *path, size_t len)
{
	static const char conf[] = "no-autostart\n";
	const char *tmp;
	char file[300];
	int fd, n;

	tmp = getenv("TMPDIR");
	if (tmp == NULL || *tmp != '/' || strlen(tmp) > 64)
		tmp = "/tmp";
	n = snprintf(path, len, "%s/vigil-gpg-XXXXXX", tmp);
	if (n < 0 || (size_t)n >= len)
		return "temporary GnuPG home: path too long";
	if (mkdtemp(path) == NULL) {
		log_warn("mail: mkdtemp %s: %s", path, strerror(errno));
		return "cannot create a temporary GnuPG home";
	}
	/* Never start gpg-agent or dirmngr: importing a public key and
	 * encrypting need neither (gpg's import would start the agent). */
	n = snprintf(file, sizeof(file), "%s/gpg.conf", path);
	if (n < 0 || (size_t)n >= sizeof(file) || (fd = open(file,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) == -1)
		goto fail;
	if (write(fd, conf, sizeof(conf) - 1) != (ssize_t)sizeof(conf) - 1) {
		close(fd);
		goto fail;
	}
	if (close(fd) == -1)
		goto fail;
	return NULL;
 fail:
	log_warn("mail: %s/gpg.conf: %s", path, strerror(errno));
	nftw(path, rm_entry, 8, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	return "cannot write gpg.conf";
}

static int
key_can_encrypt(gpgme_key_t k)
{
	gpgme_subkey_t sk;

	if (k->revoked || k->expired || k->disabled || k->invalid)
		return 0;
	for (sk = k->subkeys; sk != NULL; sk = sk->next)
		if (sk->can_encrypt && !sk->revoked && !sk->expired &&
		    !sk->disabled && !sk->invalid)
			return 1;
	return 0;
}

/* Encrypts (plain, n) to the one key in armored; *ct and *ctlen are gpgme
 * memory (gpgme_free). */
static const char *
gpg_encrypt(const char *home, const char *armored, const void *plain,
    size_t n, char **ct, size_t *ctlen)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t kd = NULL, pd = NULL, cd = NULL;
	gpgme_import_result_t ir;
	gpgme_import_status_t is;
	gpgme_encrypt_result_t er;
	gpgme_key_t key = NULL, keys[2];
	gpgme_error_t err;
	const char *why = NULL, *fpr = NULL;

	*ct = NULL;
	if ((err = gpgme_new(&ctx)) != 0 ||
	    (err = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP)) != 0 ||
	    (err = gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP,
	    NULL, home)) != 0) {
		log_warn("mail: gpgme: %s", gpgme_strerror(err));
		why = "GnuPG is not available";
		goto out;
	}
	gpgme_set_armor(ctx, 1);
	gpgme_set_offline(ctx, 1);
	gpgme_set_keylist_mode(ctx, GPGME_KEYLIST_MODE_LOCAL);

	if ((err = gpgme_data_new_from_mem(&kd, armored, strlen(armored),
	    0)) != 0 || (err = gpgme_op_import(ctx, kd)) != 0) {
		why = "the researcher's PGP key cannot be read";
		goto out;
	}
	ir = gpgme_op_import_result(ctx);
	if (ir == NULL || ir->considered == 0 || ir->imports == NULL) {
		why = "the researcher's PGP key cannot be read";
		goto out;
	}
	if (ir->considered > 1) {
		why = "the PGP key block holds more than one key";
		goto out;
	}
	if (ir->secret_read > 0) {
		why = "the PGP key block holds a secret key";
		goto out;
	}
	for (is = ir->imports; is != NULL; is = is->next) {
		if (is->result != 0 || is->fpr == NULL) {
			why = "the researcher's PGP key cannot be imported";
			goto out;
		}
		if (fpr != NULL && strcmp(fpr, is->fpr) != 0) {
			why = "the PGP key block holds more than one key";
			goto out;
		}
		fpr = is->fpr;
	}
	if ((err = gpgme_get_key(ctx, fpr, &key, 0)) != 0 || key == NULL ||
	    !key_can_encrypt(key)) {
		why = "the researcher's PGP key cannot encrypt";
		goto out;
	}

	keys[0] = key;
	keys[1] = NULL;
	if ((err = gpgme_data_new_from_mem(&pd, plain, n, 0)) != 0 ||
	    (err = gpgme_data_new(&cd)) != 0) {
		why = "out of memory";
		goto out;
	}
	/* ALWAYS_TRUST: the key came with the report, there is no web of
	 * trust to consult; NO_ENCRYPT_TO: exactly this key, whatever a
	 * gpg.conf in a caller's home says. */
	err = gpgme_op_encrypt(ctx, keys, GPGME_ENCRYPT_ALWAYS_TRUST |
	    GPGME_ENCRYPT_NO_ENCRYPT_TO, pd, cd);
	er = gpgme_op_encrypt_result(ctx);
	if (err != 0 || er == NULL || er->invalid_recipients != NULL) {
		log_warn("mail: encrypt to %s: %s", fpr, gpgme_strerror(err));
		why = "the researcher's PGP key cannot encrypt";
		goto out;
	}
	*ct = gpgme_data_release_and_get_mem(cd, ctlen);
	cd = NULL;
	if (*ct == NULL || *ctlen == 0) {
		why = "encryption produced nothing";
		goto out;
	}
 out:
	if (why != NULL && *ct != NULL) {
		gpgme_free(*ct);
		*ct = NULL;
	}
	gpgme_data_release(cd);
	gpgme_data_release(pd);
	gpgme_data_release(kd);
	if (key != NULL)
		gpgme_key_unref(key);
	gpgme_release(ctx);
	return why;
}

static const char pgp_prologue[] =
    "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)";

/* Wraps inner into an RFC 3156 multipart/encrypted. */
static const char *
encrypt_entity(const struct mail_out *m, GMimeObject *inner,
    GMimeObject **outer)
{
	GMimeMultipartEncrypted *mpe;
	GMimePart *ver, *data;
	GByteArray *plain = NULL;
	char home[256], *ct = NULL;
	const char *why = NULL, *h;
	size_t ctlen = 0;
	int temp = 0;

	*outer = NULL;
	if (strlen(m->pgp_key) > MAX_KEY)
		return "the researcher's PGP key is too large";
	if (strstr(m->pgp_key, "-----BEGIN PGP PUBLIC KEY BLOCK-----") == NULL)
		return "the researcher's PGP key is not an armored public key";
	if (strstr(m->pgp_key, "PRIVATE KEY BLOCK") != NULL)
		return "the PGP key block holds a secret key";
	if ((plain = serialize(inner)) == NULL)
		return "cannot serialize the message";
	if ((h = m->gnupg_home) == NULL) {
		if ((why = tmp_home(home, sizeof(home))) != NULL) {
			g_byte_array_unref(plain);
			return why;
		}
		h = home;
		temp = 1;
	}
	why = gpg_encrypt(h, m->pgp_key, plain->data, plain->len, &ct, &ctlen);
	/* The plaintext entity may be a vulnerability report. */
	explicit_bzero(plain->data, plain->len);
	g_byte_array_unref(plain);
	if (temp) {
		kill_daemons(home);
		if (nftw(home, rm_entry, 8, FTW_DEPTH | FTW_PHYS | FTW_MOUNT)
		    == -1)
			log_warn("mail: remove %s: %s", home, strerror(errno));
	}
	if (why != NULL)
		return why;

	mpe = g_mime_multipart_encrypted_new();
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(mpe),
	    "protocol", "application/pgp-encrypted");
	g_mime_multipart_set_prologue(GMIME_MULTIPART(mpe), pgp_prologue);
	g_mime_multipart_set_boundary(GMIME_MULTIPART(mpe), NULL);
	ver = new_part("application", "pgp-encrypted", "Version: 1\n", 11,
	    GMIME_CONTENT_ENCODING_7BIT);
	g_mime_object_set_header(GMIME_OBJECT(ver), "Content-Description",
	    "PGP/MIME version identification", NULL);
	data = new_part("application", "octet-stream", ct, ctlen,
	    GMIME_CONTENT_ENCODING_7BIT);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(data), "name",
	    "encrypted.asc");
	g_mime_object_set_header(GMIME_OBJECT(data), "Content-Description",
	    "OpenPGP encrypted message", NULL);
	g_mime_object_set_disposition(GMIME_OBJECT(data), "inline");
	g_mime_part_set_filename(data, "encrypted.asc");
	gpgme_free(ct);
	g_mime_multipart_add(GMIME_MULTIPART(mpe), GMIME_OBJECT(ver));
	g_mime_multipart_add(GMIME_MULTIPART(mpe), GMIME_OBJECT(data));
	g_object_unref(ver);
	g_object_unref(data);
	*outer = GMIME_OBJECT(mpe);
	return NULL;
}

/* ---- the message ---- */

static void
add_mailbox(GMimeMessage *msg, GMimeAddressType t, const char *name,
    const char *addr)
{
	InternetAddress *ia;

	ia = internet_address_mailbox_new(name != NULL && *name != '\0' ?
	    name : NULL, addr);
	internet_address_set_charset(ia, "utf-8");
	internet_address_list_add(g_mime_message_get_addresses(msg, t), ia);
	g_object_unref(ia);
}

/* Everything that reaches a header, checked before GMime sees it. */
static const char *
check_out(struct arena *a, const struct mail_out *m, char **from_name,
    char **from_addr, char **refs)
{
	const char *why;
	const char *p;

	if (m->from == NULL || m->to == NULL || m->message_id == NULL)
		return "From, To and Message-ID are required";
	if (m->loop_id == NULL || *m->loop_id == '\0')
		return "the loop id is required";
	if ((why = split_from(a, m->from, from_name, from_addr)) != NULL)
		return why;
	if (*from_name != NULL && (why = text_check(*from_name, MAX_TEXT)))
		return why;
	if ((why = mail_addr_check(*from_addr)) != NULL)
		return why;
	if ((why = text_check(m->to, MAX_TEXT)) != NULL ||
	    (why = mail_addr_check(m->to)) != NULL)
		return why;
	if (m->to_name != NULL && (why = text_check(m->to_name, MAX_TEXT)))
		return why;
	if (m->reply_to != NULL && ((why = text_check(m->reply_to, MAX_TEXT))
	    || (why = mail_addr_check(m->reply_to))))
		return why;
	if (m->subject != NULL && (why = text_check(m->subject, MAX_TEXT)))
		return why;
	if ((why = text_check(m->message_id, MAX_ID)) != NULL)
		return why;
	if (!id_ok(m->message_id, strlen(m->message_id)))
		return "bad Message-ID";
	if (m->in_reply_to != NULL) {
		if ((why = text_check(m->in_reply_to, MAX_ID)) != NULL)
			return why;
		if (!id_ok(m->in_reply_to, strlen(m->in_reply_to)))
			return "bad In-Reply-To";
	}
	*refs = NULL;
	if (m->references != NULL) {
		if ((why = text_check(m->references, MAX_REFS *
		    (MAX_ID + 1))) != NULL)
			return why;
		if ((why = build_refs(a, m->references, refs)) != NULL)
			return why;
	}
	if (m->auto_submitted != NULL) {
		if (*m->auto_submitted == '\0' ||
		    strlen(m->auto_submitted) > 64)
			return "bad Auto-Submitted";
		for (p = m->auto_submitted; *p != '\0'; p++)
			if (!g_ascii_isalnum(*p) && *p != '-')
				return "bad Auto-Submitted";
	}
	if (m->list_unsubscribe != NULL) {
		if ((why = text_check(m->list_unsubscribe, 900)) != NULL)
			return why;
		if (strncmp(m->list_unsubscribe, "https://", 8) != 0 &&
		    strncmp(m->list_unsubscribe, "http://", 7) != 0)
			return "bad List-Unsubscribe";
		for (p = m->list_unsubscribe; *p != '\0'; p++)
			if ((unsigned char)*p <= 0x20 || (unsigned char)*p >=
			    0x7f || *p == '<' || *p == '>' || *p == ',')
				return "bad List-Unsubscribe";
	}
	if ((why = text_check(m->loop_id, MAX_LOOP)) != NULL)
		return why;
	for (p = m->loop_id; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return "bad loop id";
	return NULL;
}

/* Copies ba into the arena after checking that it is 7-bit with CRLF
 * line ends only. */
static const char *
to_arena(struct arena *a, const GByteArray *ba, char **out, size_t *outlen)
{
	const unsigned char *d = ba->data;
	size_t i, n = ba->len;
	char *o;

	for (i = 0; i < n; i++) {
		if (d[i] == '\r' && (i + 1 == n || d[i + 1] != '\n'))
			return "internal error: bare CR in the output";
		if (d[i] == '\n' && (i == 0 || d[i - 1] != '\r'))
			return "internal error: bare LF in the output";
		if (d[i] == '\0' || d[i] >= 0x80)
			return "internal error: 8-bit output";
	}
	if (n == 0 || (o = util_arena_alloc(a, n + 1)) == NULL)
		return "out of memory";
	memcpy(o, d, n);
	o[n] = '\0';
	*out = o;
	*outlen = n;
	return NULL;
}

int
mail_compose(struct arena *a, const struct mail_out *m, char **out,
    size_t *outlen, const char **why)
{
	GMimeMessage *msg = NULL;
	GMimeObject *body = NULL, *enc = NULL;
	GMimePart *text;
	GDateTime *dt;
	GByteArray *ba = NULL;
	char *from_name, *from_addr, *refs, *lf, *v;
	const char *bodytext;
	size_t blen;
	int rc = -1;

	*out = NULL;
	*outlen = 0;
	*why = NULL;
	if ((*why = check_out(a, m, &from_name, &from_addr, &refs)) != NULL)
		goto out;
	bodytext = m->body != NULL ? m->body : "";
	if ((blen = strlen(bodytext)) > MAX_BODY) {
		*why = "body too large";
		goto out;
	}
	if (!g_utf8_validate(bodytext, (gssize)blen, NULL)) {
		*why = "body is not UTF-8";
		goto out;
	}
	if ((lf = body_lf(a, bodytext, blen)) == NULL) {
		*why = "out of memory";
		goto out;
	}

	text = new_part("text", "plain", lf, strlen(lf),
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(text),
	    "charset", "utf-8");
	body = GMIME_OBJECT(text);
	if (m->pgp_key != NULL) {
		if ((*why = encrypt_entity(m, body, &enc)) != NULL)
			goto out;
	}

	msg = g_mime_message_new(FALSE);
	add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, from_name, from_addr);
	add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, m->to_name, m->to);
	if (m->reply_to != NULL)
		add_mailbox(msg, GMIME_ADDRESS_TYPE_REPLY_TO, NULL,
		    m->reply_to);
	/* The subject stays in the clear even when the body is encrypted:
	 * it carries the tracking ID only, and the caller keeps
	 * vulnerability details out of subjects. */
	g_mime_message_set_subject(msg, m->subject != NULL ? m->subject : "",
	    "utf-8");
	dt = g_date_time_new_from_unix_utc(m->date != 0 ? (gint64)m->date :
	    (gint64)time(NULL));
	if (dt == NULL) {
		*why = "bad date";
		goto out;
	}
	g_mime_message_set_date(msg, dt);
	g_date_time_unref(dt);
	g_mime_message_set_message_id(msg, m->message_id);
	if (m->in_reply_to != NULL) {
		if ((v = util_arena_printf(a, "<%s>", m->in_reply_to)) == NULL) {
			*why = "out of memory";
			goto out;
		}
		g_mime_object_set_header(GMIME_OBJECT(msg), "In-Reply-To", v,
		    NULL);
	}
	if (refs != NULL)
		g_mime_object_set_header(GMIME_OBJECT(msg), "References", refs,
		    NULL);
	if (m->auto_submitted != NULL)
		g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted",
		    m->auto_submitted, NULL);
	if (m->list_unsubscribe != NULL) {
		if ((v = util_arena_printf(a, "<%s>", m->list_unsubscribe)) ==
		    NULL) {
			*why = "out of memory";
			goto out;
		}
		g_mime_object_set_header(GMIME_OBJECT(msg), "List-Unsubscribe",
		    v, NULL);
		g_mime_object_set_header(GMIME_OBJECT(msg),
		    "List-Unsubscribe-Post", "List-Unsubscribe=One-Click", NULL);
	}
	g_mime_object_set_header(GMIME_OBJECT(msg), "X-Vigil-Loop", m->loop_id,
	    NULL);
	g_mime_message_set_mime_part(msg, enc != NULL ? enc : body);

	if ((ba = serialize(GMIME_OBJECT(msg))) == NULL) {
		*why = "cannot serialize the message";
		goto out;
	}
	if ((*why = to_arena(a, ba, out, outlen)) != NULL)
		goto out;
	rc = 0;
 out:
	if (ba != NULL) {
		explicit_bzero(ba->data, ba->len);
		g_byte_array_unref(ba);
	}
	if (msg != NULL)
		g_object_unref(msg);
	if (enc != NULL)
		g_object_unref(enc);
	if (body != NULL)
		g_object_unref(body);
	if (rc == -1 && *why != NULL)
		log_info("mail: compose %s: %s", m->message_id != NULL &&
		    strlen(m->message_id) < 300 ? m->message_id : "-", *why);
	return rc;
}

void
mail_message_id(char *out, size_t outlen, const char *domain)
{
	unsigned char r[16];
	char h[sizeof(r) * 2 + 1];
	int n;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (domain == NULL || *domain == '\0')
		return;		/* mail_compose refuses the empty id */
	util_random(r, sizeof(r));
	util_hex_encode(h, r, sizeof(r));
	n = snprintf(out, outlen, "%s@%s", h, domain);
	if (n < 0 || (size_t)n >= outlen)
		out[0] = '\0';
}

/*
 * 1 if fpr (a signer's fingerprint, or a 16-hex key ID) belongs to the
 * armored public key block (its primary key or a subkey), 0 if not or if
 * the block cannot be read.  The block is listed in a throw-away GnuPG
 * home, never imported into the team's.
 */
int
mail_key_matches(const char *armored, const char *fpr)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t kd = NULL;
	gpgme_key_t key = NULL;
	gpgme_subkey_t sk;
	char home[512];
	size_t fl;
	int match = 0;

	if (armored == NULL || fpr == NULL || (fl = strlen(fpr)) < 16 ||
	    strstr(armored, "BEGIN PGP PUBLIC KEY BLOCK") == NULL ||
	    tmp_home(home, sizeof(home)) != NULL)
		return 0;
	if (gpgme_new(&ctx) != 0 || gpgme_set_protocol(ctx,
	    GPGME_PROTOCOL_OpenPGP) != 0 || gpgme_ctx_set_engine_info(ctx,
	    GPGME_PROTOCOL_OpenPGP, NULL, home) != 0)
		goto out;
	gpgme_set_offline(ctx, 1);
	if (gpgme_data_new_from_mem(&kd, armored, strlen(armored), 0) != 0 ||
	    gpgme_op_keylist_from_data_start(ctx, kd, 0) != 0)
		goto out;
	while (!match && gpgme_op_keylist_next(ctx, &key) == 0) {
		for (sk = key->subkeys; sk != NULL && !match; sk = sk->next) {
			/* a full fingerprint, or its last 16 digits (key ID) */
			if (sk->fpr != NULL && strlen(sk->fpr) >= fl &&
			    strcasecmp(sk->fpr + strlen(sk->fpr) - fl, fpr) == 0)
				match = 1;
		}
		gpgme_key_unref(key);
		key = NULL;
	}
	gpgme_op_keylist_end(ctx);
 out:
	gpgme_data_release(kd);
	if (ctx != NULL)
		gpgme_release(ctx);
	kill_daemons(home);
	nftw(home, rm_entry, 8, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	return match;
}
