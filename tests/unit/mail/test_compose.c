/* tests/unit/mail/test_compose.c - mail_compose() and mail_message_id():
 * headers parsed back with GMime, CRLF everywhere, every header injection
 * refused (RT's CVE-2012-4730 / CVE-2013-3373, the CVE-2011-4458 address
 * cases), threading headers, and PGP/MIME encryption to a key generated
 * here and decrypted back. */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gmime/gmime.h>
#include <gpgme.h>

#include "mail/mail.h"
#include "util/arena.h"
#include "util/crypto.h"
#include "util/log.h"

extern char **environ;

#define DATE	1700000000	/* Tue, 14 Nov 2023 22:13:20 +0000 */

static void
base(struct mail_out *m)
{
	memset(m, 0, sizeof(*m));
	m->from = "Product Security <security@example.org>";
	m->to = "researcher@example.net";
	m->to_name = "Ada Researcher";
	m->reply_to = "security+case-17@example.org";
	m->subject = "[VIGIL-17] Your report";
	m->message_id = "0123abcd@example.org";
	m->loop_id = "vigil-test-1";
	m->body = "Hello,\n\nthank you.\n";
	m->date = DATE;
}

static GMimeMessage *
parse(const char *raw, size_t n)
{
	GMimeStream *s;
	GMimeParser *p;
	GMimeMessage *msg;

	s = g_mime_stream_mem_new_with_buffer(raw, n);
	p = g_mime_parser_new_with_stream(s);
	msg = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	g_object_unref(s);
	assert_non_null(msg);
	return msg;
}

/* Decoded content of a part, CRs removed; g_free the result. */
static char *
part_text(GMimePart *part)
{
	GMimeDataWrapper *w;
	GMimeStream *s;
	GByteArray *ba;
	char *t;
	size_t i, o;

	w = g_mime_part_get_content(part);
	assert_non_null(w);
	s = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, s);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	t = g_malloc(ba->len + 1);
	for (i = o = 0; i < ba->len; i++)
		if (ba->data[i] != '\r')
			t[o++] = (char)ba->data[i];
	t[o] = '\0';
	g_object_unref(s);
	return t;
}

static void
assert_crlf_7bit(const char *s, size_t n)
{
	size_t i;

	assert_int_equal(strlen(s), n);
	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			assert_true(i > 0 && s[i - 1] == '\r');
		if (s[i] == '\r')
			assert_true(i + 1 < n && s[i + 1] == '\n');
		assert_true((unsigned char)s[i] < 0x80);
	}
	assert_true(n >= 2 && s[n - 2] == '\r' && s[n - 1] == '\n');
}

/* The raw value of header name (first occurrence, unfolded is not
 * needed for the short ones we look at); NULL if absent. */
static char *
raw_header(const char *msg, const char *name)
{
	const char *p, *e, *end;
	size_t nl = strlen(name);

	end = strstr(msg, "\r\n\r\n");
	assert_non_null(end);
	for (p = msg; p < end; p = e + 2) {
		e = strstr(p, "\r\n");
		if ((size_t)(e - p) > nl && strncasecmp(p, name, nl) == 0 &&
		    p[nl] == ':')
			return g_strndup(p + nl + 2, e - p - nl - 2);
	}
	return NULL;
}

static void
test_headers(void **state)
{
	struct arena a;
	struct mail_out m;
	GMimeMessage *msg;
	InternetAddressList *l;
	InternetAddress *ia;
	GMimeObject *body;
	GMimeReferences *refs;
	GDateTime *dt;
	const char *why;
	char *out, *t, *raw;
	size_t n;

	(void)state;
	util_arena_init(&a, 0);
	base(&m);
	m.subject = "[VIGIL-17] Über die Lücke — 脆弱性 \"quoted\", commas";
	m.to_name = "O'Brien, \"Bob\" Jürgen";
	m.from = "\"Product Security, Example\" <security@example.org>";
	m.in_reply_to = "orig.1@mail.example.net";
	m.references = "first@example.net  orig.1@mail.example.net";
	m.auto_submitted = "auto-replied";
	m.body = "Grüße,\n.\n.leading dot\nline\n";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	assert_null(why);
	assert_crlf_7bit(out, n);

	msg = parse(out, n);
	l = g_mime_message_get_from(msg);
	assert_int_equal(internet_address_list_length(l), 1);
	ia = internet_address_list_get_address(l, 0);
	assert_string_equal(internet_address_get_name(ia),
	    "Product Security, Example");
	assert_string_equal(internet_address_mailbox_get_addr(
	    INTERNET_ADDRESS_MAILBOX(ia)), "security@example.org");
	l = g_mime_message_get_to(msg);
	assert_int_equal(internet_address_list_length(l), 1);
	ia = internet_address_list_get_address(l, 0);
	assert_string_equal(internet_address_get_name(ia), m.to_name);
	assert_string_equal(internet_address_mailbox_get_addr(
	    INTERNET_ADDRESS_MAILBOX(ia)), "researcher@example.net");
	l = g_mime_message_get_reply_to(msg);
	assert_int_equal(internet_address_list_length(l), 1);
	assert_string_equal(internet_address_mailbox_get_addr(
	    INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(l, 0))),
	    "security+case-17@example.org");
	assert_string_equal(g_mime_message_get_subject(msg), m.subject);
	dt = g_mime_message_get_date(msg);
	assert_non_null(dt);
	assert_int_equal(g_date_time_to_unix(dt), DATE);
	assert_string_equal(g_mime_message_get_message_id(msg),
	    "0123abcd@example.org");
	assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(msg),
	    "In-Reply-To"), "<orig.1@mail.example.net>");
	refs = g_mime_references_parse(NULL, g_mime_object_get_header(
	    GMIME_OBJECT(msg), "References"));
	assert_int_equal(g_mime_references_length(refs), 2);
	assert_string_equal(g_mime_references_get_message_id(refs, 0),
	    "first@example.net");
	assert_string_equal(g_mime_references_get_message_id(refs, 1),
	    "orig.1@mail.example.net");
	g_mime_references_free(refs);
	assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(msg),
	    "Auto-Submitted"), "auto-replied");
	assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(msg),
	    "X-Vigil-Loop"), "vigil-test-1");
	assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(msg),
	    "MIME-Version"), "1.0");
	body = g_mime_message_get_mime_part(msg);
	assert_true(GMIME_IS_PART(body));
	assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(
	    body), "text", "plain"));
	assert_string_equal(g_mime_object_get_content_type_parameter(body,
	    "charset"), "utf-8");
	assert_true(g_mime_part_get_content_encoding(GMIME_PART(body)) ==
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    g_mime_part_get_content_encoding(GMIME_PART(body)) ==
	    GMIME_CONTENT_ENCODING_BASE64);
	t = part_text(GMIME_PART(body));
	assert_string_equal(t, m.body);
	g_free(t);

	/* Non-ASCII went out as RFC 2047 UTF-8 encoded-words. */
	raw = raw_header(out, "Subject");
	assert_non_null(raw);
	assert_non_null(strcasestr(raw, "=?utf-8?"));
	g_free(raw);
	raw = raw_header(out, "Date");
	assert_string_equal(raw, "Tue, 14 Nov 2023 22:13:20 +0000");
	g_free(raw);
	raw = raw_header(out, "Message-ID");
	assert_string_equal(raw, "<0123abcd@example.org>");
	g_free(raw);
	g_object_unref(msg);

	/* Optional headers absent when not given. */
	base(&m);
	m.reply_to = NULL;
	m.to_name = NULL;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	assert_null(raw_header(out, "Reply-To"));
	assert_null(raw_header(out, "In-Reply-To"));
	assert_null(raw_header(out, "References"));
	assert_null(raw_header(out, "Auto-Submitted"));
	raw = raw_header(out, "To");
	assert_string_equal(raw, "researcher@example.net");
	g_free(raw);
	m.subject = NULL;	/* an empty Subject */
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	assert_crlf_7bit(out, n);
	msg = parse(out, n);
	assert_true(g_mime_message_get_subject(msg) == NULL ||
	    *g_mime_message_get_subject(msg) == '\0');
	g_object_unref(msg);
	/* Plain ASCII body: 7bit, which GMime leaves implicit. */
	raw = raw_header(out, "Content-Transfer-Encoding");
	assert_true(raw == NULL || strcmp(raw, "7bit") == 0);
	g_free(raw);
	util_arena_release(&a);
}

static void
test_body(void **state)
{
	struct arena a;
	struct mail_out m;
	GMimeMessage *msg;
	const char *why;
	char *out, *t, *big;
	size_t n;

	(void)state;
	util_arena_init(&a, 0);
	base(&m);
	/* CRLF and lone CR normalised; dots untouched (SMTP dot-stuffing is
	 * libcurl's job, not ours). */
	m.body = "a\r\n.\r\nb\rc\n..\n";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	assert_crlf_7bit(out, n);
	assert_non_null(strstr(out, "\r\n\r\na\r\n.\r\nb\r\nc\r\n..\r\n"));
	msg = parse(out, n);
	t = part_text(GMIME_PART(g_mime_message_get_mime_part(msg)));
	assert_string_equal(t, "a\n.\nb\nc\n..\n");
	g_free(t);
	g_object_unref(msg);

	/* Invalid UTF-8 body refused; empty body fine. */
	m.body = "caf\xe9\n";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	assert_non_null(why);
	m.body = NULL;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);

	/* A 2000-character line: encoded so no line exceeds 998. */
	big = util_arena_alloc(&a, 2002);
	memset(big, 'x', 2000);
	big[2000] = '\n';
	big[2001] = '\0';
	m.body = big;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	assert_crlf_7bit(out, n);
	{
		const char *p = out, *e;
		while ((e = strstr(p, "\r\n")) != NULL) {
			assert_true(e - p <= 998);
			p = e + 2;
		}
	}
	util_arena_release(&a);
}

enum field { F_SUBJECT, F_TO_NAME, F_FROM, F_TO, F_REPLY_TO, F_MSGID,
    F_IRT, F_REFS, F_LOOP, F_AUTO, F_UNSUB, F__MAX };

static const char *const field_names[F__MAX] = { "subject", "to_name",
    "from", "to", "reply_to", "message_id", "in_reply_to", "references",
    "loop_id", "auto_submitted", "list_unsubscribe" };

static void
set_field(struct mail_out *m, enum field f, const char *v)
{
	switch (f) {
	case F_SUBJECT: m->subject = v; break;
	case F_TO_NAME: m->to_name = v; break;
	case F_FROM: m->from = v; break;
	case F_TO: m->to = v; break;
	case F_REPLY_TO: m->reply_to = v; break;
	case F_MSGID: m->message_id = v; break;
	case F_IRT: m->in_reply_to = v; break;
	case F_REFS: m->references = v; break;
	case F_LOOP: m->loop_id = v; break;
	case F_AUTO: m->auto_submitted = v; break;
	case F_UNSUB: m->list_unsubscribe = v; break;
	default: fail();
	}
}

/* A valid value for the field with the payload inserted. */
static char *
with_payload(struct arena *a, enum field f, const char *payload)
{
	switch (f) {
	case F_FROM:
		return util_arena_printf(a, "Security%s <security@example.org>",
		    payload);
	case F_TO:
	case F_REPLY_TO:
		return util_arena_printf(a, "r@example.net%s", payload);
	case F_MSGID:
	case F_IRT:
		return util_arena_printf(a, "a1@example.org%s", payload);
	case F_REFS:
		return util_arena_printf(a, "a1@example.org b2@example.org%s",
		    payload);
	case F_AUTO:
		return util_arena_printf(a, "auto-replied%s", payload);
	case F_LOOP:
		return util_arena_printf(a, "vigil-1%s", payload);
	case F_UNSUB:
		return util_arena_printf(a, "https://vigil.example/unsubscribe/"
		    "tok%s", payload);
	default:
		return util_arena_printf(a, "[VIGIL-1] hi%s", payload);
	}
}

static void
test_injection(void **state)
{
	/* RT CVE-2012-4730 / CVE-2013-3373: CR, LF, lone CR in a subject or
	 * an address; the rest are variations. */
	static const char *const payloads[] = {
		"\r\nBcc: victim@evil.example",
		"\nBcc: victim@evil.example",
		"\rBcc: victim@evil.example",
		"\r\n\r\nInjected body",
		"\n\nInjected body",
		"\r\n Bcc: folded@evil.example",
		"\r",
		"\n",
		"\tBcc: x",
		"\x01",
		"\x1b[31m",
		"\x7f",
		"\xc2\x85" "Bcc: nel@evil.example",	/* U+0085 NEL */
		"\xe2\x80\xa8" "Bcc: ls@evil.example",	/* U+2028 */
		" =?utf-8?q?a=0D=0ABcc:_x@evil.example?=",
	};
	struct arena a;
	struct mail_out m;
	const char *why;
	char *out, *v;
	size_t i, n;
	int f;

	(void)state;
	util_arena_init(&a, 0);
	for (f = 0; f < F__MAX; f++) {
		for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
			base(&m);
			v = with_payload(&a, (enum field)f, payloads[i]);
			set_field(&m, (enum field)f, v);
			out = (char *)"untouched";
			why = NULL;
			if (mail_compose(&a, &m, &out, &n, &why) != -1) {
				print_error("accepted %s payload %zu\n",
				    field_names[f], i);
				fail();
			}
			assert_null(out);
			assert_int_equal(n, 0);
			assert_non_null(why);
			if (i < 8 && f != F_FROM && f != F_TO && f != F_REPLY_TO
			    && f != F_MSGID && f != F_IRT && f != F_REFS &&
			    f != F_AUTO && f != F_LOOP && f != F_UNSUB)
				assert_non_null(strstr(why, "CR or LF"));
		}
	}
	/* The value itself is fine: the test above refused the payloads,
	 * not the fields. */
	for (f = 0; f < F__MAX; f++) {
		base(&m);
		set_field(&m, (enum field)f, with_payload(&a, (enum field)f,
		    ""));
		assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	}

	/* A NUL ends a C string: nothing after it can reach the message. */
	base(&m);
	m.subject = "[VIGIL-1] a\0\r\nBcc: victim@evil.example";
	m.to_name = "Ada\0\r\nBcc: victim@evil.example";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	assert_null(strstr(out, "Bcc"));
	assert_null(strstr(out, "victim"));
	util_arena_release(&a);
}

static void
test_addresses(void **state)
{
	static const char *const bad[] = {
		"$USER@example.org", "a$(id)@example.org", "${IFS}@example.org",
		"a`id`@example.org", "`reboot`@example.org",
		"a;rm -rf@example.org", "a;b@example.org", "a|b@example.org",
		"a&b@example.org", "a(b)@example.org", "a\\b@example.org",
		"a b@example.org", " a@example.org", "a@example.org ",
		"\"a\"@example.org", "\"a b\"@example.org",
		"<a@example.org>", "a@example.org>", "a<b@example.org",
		"Name <a@example.org>", "a@b@example.org", "@example.org",
		"a@", "a", "", "a@-example.org", "a@example-.org",
		"a@example..org", "a@.example.org", "a..b@example.org",
		".a@example.org", "a.@example.org", "a@[127.0.0.1]",
		"a,b@example.org", "a:b@example.org", "\xc3\xbc@example.org",
		"a@ex\xc3\xa4mple.org", "a@exa_mple.org",
		"a@example.org,b@example.org",
		/* the (rejected) RCPT TO of CVE-2020-7247 */
		";sleep 66;@example.org",
	};
	static const char *const good[] = {
		"a@example.org", "first.last+tag@sub.example.org",
		"o'brien@example.ie", "root@localhost", "x_y-z=1@ex-ample.com",
		"UPPER@EXAMPLE.ORG", "a!#%*/?^{}~@example.org",
	};
	struct arena a;
	struct mail_out m;
	const char *why;
	char *out, long_local[80], long_addr[300];
	size_t i, n;
	int k;

	(void)state;
	util_arena_init(&a, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (k = 0; k < 3; k++) {
			base(&m);
			if (k == 0)
				m.to = bad[i];
			else if (k == 1)
				m.reply_to = bad[i];
			else
				m.from = util_arena_printf(&a, "Sec <%s>",
				    bad[i]);
			if (mail_compose(&a, &m, &out, &n, &why) != -1) {
				print_error("accepted address %s (%d)\n",
				    bad[i], k);
				fail();
			}
			assert_non_null(why);
		}
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		base(&m);
		m.to = good[i];
		m.reply_to = good[i];
		m.from = good[i];
		if (mail_compose(&a, &m, &out, &n, &why) != 0) {
			print_error("refused address %s: %s\n", good[i], why);
			fail();
		}
	}
	/* Lengths: local part 64, address 254. */
	memset(long_local, 'a', 65);
	snprintf(long_local + 65, sizeof(long_local) - 65, "@example.org");
	base(&m);
	m.to = long_local;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	memcpy(long_local + 1, "@example.org", 13);	/* "a@example.org" */
	m.to = long_local;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	memcpy(long_addr, "a@", 2);
	for (i = 2; i < 255; i++)
		long_addr[i] = (i % 60 == 0) ? '.' : 'b';
	long_addr[255] = '\0';	/* 255 characters */
	m.to = long_addr;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	long_addr[254] = '\0';
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);

	/* From forms. */
	base(&m);
	m.from = "security@example.org";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	m.from = "\"Product Security\" <security@example.org>";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	m.from = "Product <a@example.org> <b@example.org>";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	m.from = "Product <a@example.org";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	m.from = "Product <a@example.org> x";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	m.from = "\"Pro\\\"duct\" <a@example.org>";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	util_arena_release(&a);
}

static void
test_ids(void **state)
{
	static const char *const bad[] = {
		"no-at-sign", "a b@example.org", "<a@example.org>",
		"a@example.org>", "a@", "@example.org", "a@b@example.org",
		"a\x01@example.org", "a(b)@example.org", "a\"b@example.org",
		"a,b@example.org", "a\\b@example.org", "\xc3\xa4@example.org",
		"",
	};
	struct arena a;
	struct mail_out m;
	GMimeMessage *msg;
	GMimeReferences *refs;
	const char *why;
	char *out, *raw, longid[300];
	size_t i, n;

	(void)state;
	util_arena_init(&a, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		base(&m);
		m.message_id = bad[i];
		assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
		base(&m);
		m.in_reply_to = bad[i];
		assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
		base(&m);
		m.references = util_arena_printf(&a, "ok@example.org %s",
		    bad[i]);
		if (*bad[i] != '\0')
			assert_int_equal(mail_compose(&a, &m, &out, &n, &why),
			    -1);
	}
	memset(longid, 'x', 251);
	memcpy(longid + 240, "@example.org", 13);	/* 252 characters */
	base(&m);
	m.message_id = longid;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);

	/* Threading: a long References list folds but parses back whole. */
	base(&m);
	m.in_reply_to = "c3@example.net";
	m.references = " a1@example.net b2@example.net  c3@example.net ";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	raw = raw_header(out, "References");
	assert_string_equal(raw,
	    "<a1@example.net> <b2@example.net> <c3@example.net>");
	g_free(raw);
	m.references = util_arena_printf(&a, "%s %s %s %s %s %s",
	    "0123456789abcdef0123456789abcdef@example.org",
	    "1123456789abcdef0123456789abcdef@example.org",
	    "2123456789abcdef0123456789abcdef@example.org",
	    "3123456789abcdef0123456789abcdef@example.org",
	    "4123456789abcdef0123456789abcdef@example.org",
	    "5123456789abcdef0123456789abcdef@example.org");
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	assert_crlf_7bit(out, n);
	msg = parse(out, n);
	refs = g_mime_references_parse(NULL, g_mime_object_get_header(
	    GMIME_OBJECT(msg), "References"));
	assert_int_equal(g_mime_references_length(refs), 6);
	assert_string_equal(g_mime_references_get_message_id(refs, 5),
	    "5123456789abcdef0123456789abcdef@example.org");
	g_mime_references_free(refs);
	g_object_unref(msg);
	/* Only spaces: no References header. */
	m.references = "   ";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	assert_null(raw_header(out, "References"));

	/* Required fields. */
	base(&m);
	m.from = NULL;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	base(&m);
	m.to = NULL;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	base(&m);
	m.message_id = NULL;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	base(&m);
	m.loop_id = NULL;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	base(&m);
	m.loop_id = "has space";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	base(&m);
	m.auto_submitted = "auto-replied; x=y";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	util_arena_release(&a);
}

/* Mails to subscribers: List-Unsubscribe with the link in angle brackets
 * and the RFC 8058 one-click header; only http(s) URLs without spaces,
 * brackets or commas (one URL, no injected second one). */
static void
test_list_unsubscribe(void **state)
{
	static const char *const bad[] = {
		"mailto:unsub@example.org", "javascript:alert(1)",
		"https://a.example/u>, <https://evil.example/",
		"https://a.example/u,https://evil.example/",
		"https://a.example/a b", "", "https://a.example/\x7f",
	};
	struct arena a;
	struct mail_out m;
	GMimeMessage *msg;
	const char *why, *h;
	char *out;
	size_t n, i;

	(void)state;
	util_arena_init(&a, 0);
	base(&m);
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	assert_null(strstr(out, "List-Unsubscribe"));
	m.list_unsubscribe = "https://vigil.example/unsubscribe/"
	    "AbC_dEf-0123456789abcdefghijklmnopqrstuvwxyz";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	msg = parse(out, n);
	h = g_mime_object_get_header(GMIME_OBJECT(msg), "List-Unsubscribe");
	assert_non_null(h);
	assert_string_equal(h, "<https://vigil.example/unsubscribe/"
	    "AbC_dEf-0123456789abcdefghijklmnopqrstuvwxyz>");
	h = g_mime_object_get_header(GMIME_OBJECT(msg),
	    "List-Unsubscribe-Post");
	assert_non_null(h);
	assert_string_equal(h, "List-Unsubscribe=One-Click");
	g_object_unref(msg);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		base(&m);
		m.list_unsubscribe = bad[i];
		if (mail_compose(&a, &m, &out, &n, &why) != -1) {
			print_error("accepted List-Unsubscribe %zu\n", i);
			fail();
		}
	}
	util_arena_release(&a);
}

static void
test_message_id(void **state)
{
	struct arena a;
	struct mail_out m;
	const char *why;
	char id1[128], id2[128], small[20], *out;
	size_t i, n;

	(void)state;
	mail_message_id(id1, sizeof(id1), "example.org");
	mail_message_id(id2, sizeof(id2), "example.org");
	assert_int_equal(strlen(id1), 32 + 1 + 11);
	for (i = 0; i < 32; i++)
		assert_non_null(strchr("0123456789abcdef", id1[i]));
	assert_string_equal(id1 + 32, "@example.org");
	assert_string_not_equal(id1, id2);
	mail_message_id(small, sizeof(small), "example.org");
	assert_string_equal(small, "");
	mail_message_id(small, sizeof(small), NULL);
	assert_string_equal(small, "");

	util_arena_init(&a, 0);
	base(&m);
	m.message_id = id1;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	m.message_id = small;	/* "" */
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	util_arena_release(&a);

	/* An arena at its limit: -1, not a crash. */
	util_arena_init(&a, 128);
	base(&m);
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	assert_non_null(why);
	util_arena_release(&a);
}

/* ---- PGP ---- */

static char researcher_home[64];
static char *researcher_key;		/* armored public key (g_malloc) */
static char researcher_fpr[64];

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	remove(path);
	return 0;
}

static void
rm_rf(const char *dir)
{
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void
gpgconf_kill(const char *home)
{
	char *argv[] = { (char *)"gpgconf", (char *)"--homedir", (char *)home,
	    (char *)"--kill", (char *)"all", NULL };
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, "gpgconf", NULL, NULL, argv, environ) == 0)
		waitpid(pid, &st, 0);
}

/* Is a gpg-agent (or any GnuPG daemon) running whose command line
 * mentions needle?  The same as pgrep -f "gpg-agent.*needle". */
static int
agent_running(const char *needle)
{
	DIR *d;
	struct dirent *de;
	char path[300], buf[4096];
	ssize_t r, i;
	int fd, found = 0;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		if ((fd = open(path, O_RDONLY)) == -1)
			continue;
		r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (r <= 0)
			continue;
		for (i = 0; i < r; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[r] = '\0';
		if ((strstr(buf, "gpg-agent") || strstr(buf, "dirmngr")) &&
		    strstr(buf, needle))
			found = 1;
	}
	closedir(d);
	return found;
}

/* Number of entries in $TMPDIR (or /tmp) starting with vigil-gpg-. */
static int
count_tmp_homes(void)
{
	const char *tmp = getenv("TMPDIR");
	DIR *d;
	struct dirent *de;
	int n = 0;

	if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	if ((d = opendir(tmp)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "vigil-gpg-", 10) == 0)
			n++;
	closedir(d);
	return n;
}

static gpgme_ctx_t
ctx_for(const char *home)
{
	gpgme_ctx_t ctx;

	assert_int_equal(gpgme_new(&ctx), 0);
	assert_int_equal(gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP,
	    NULL, home), 0);
	gpgme_set_armor(ctx, 1);
	return ctx;
}

/* Creates a key in home; returns its fingerprint (static). */
static const char *
make_key(const char *home, const char *uid, const char *algo,
    unsigned long expires, unsigned int flags)
{
	static char fpr[64];
	gpgme_ctx_t ctx = ctx_for(home);
	gpgme_genkey_result_t r;
	gpgme_error_t err;

	err = gpgme_op_createkey(ctx, uid, algo, 0, expires, NULL,
	    flags | GPGME_CREATE_NOPASSWD | GPGME_CREATE_FORCE);
	if (err != 0)
		print_error("createkey: %s\n", gpgme_strerror(err));
	assert_int_equal(err, 0);
	r = gpgme_op_genkey_result(ctx);
	assert_non_null(r);
	assert_non_null(r->fpr);
	snprintf(fpr, sizeof(fpr), "%s", r->fpr);
	gpgme_release(ctx);
	return fpr;
}

/* Armored export of the given keys; g_free the result. */
static char *
export_keys(const char *home, const char **pats)
{
	gpgme_ctx_t ctx = ctx_for(home);
	gpgme_data_t d;
	char *mem, *s;
	size_t n;

	assert_int_equal(gpgme_data_new(&d), 0);
	assert_int_equal(gpgme_op_export_ext(ctx, pats, 0, d), 0);
	mem = gpgme_data_release_and_get_mem(d, &n);
	assert_true(n > 0);
	s = g_strndup(mem, n);
	gpgme_free(mem);
	gpgme_release(ctx);
	return s;
}

static int
pgp_setup(void **state)
{
	const char *pats[2];

	(void)state;
	snprintf(researcher_home, sizeof(researcher_home),
	    "/tmp/vt-researcher-XXXXXX");
	if (mkdtemp(researcher_home) == NULL)
		return -1;
	snprintf(researcher_fpr, sizeof(researcher_fpr), "%s",
	    make_key(researcher_home, "Ada Researcher <researcher@example.net>",
	    "default", 0, 0));
	pats[0] = researcher_fpr;
	pats[1] = NULL;
	researcher_key = export_keys(researcher_home, pats);
	return 0;
}

static int
pgp_teardown(void **state)
{
	(void)state;
	gpgconf_kill(researcher_home);
	rm_rf(researcher_home);
	g_free(researcher_key);
	return 0;
}

/* Decrypts the octet-stream part with the researcher's home; g_free. */
static char *
decrypt_with(const char *home, const char *armored, size_t n,
    int *recipient_ok)
{
	gpgme_ctx_t ctx = ctx_for(home);
	gpgme_data_t c, p;
	gpgme_decrypt_result_t r;
	gpgme_recipient_t rc;
	char *mem, *s;
	size_t len;
	int nrc = 0;

	assert_int_equal(gpgme_data_new_from_mem(&c, armored, n, 0), 0);
	assert_int_equal(gpgme_data_new(&p), 0);
	assert_int_equal(gpgme_op_decrypt(ctx, c, p), 0);
	r = gpgme_op_decrypt_result(ctx);
	assert_non_null(r);
	for (rc = r->recipients; rc != NULL; rc = rc->next)
		nrc++;
	*recipient_ok = nrc == 1 && r->unsupported_algorithm == NULL;
	gpgme_data_release(c);
	mem = gpgme_data_release_and_get_mem(p, &len);
	s = g_strndup(mem, len);
	gpgme_free(mem);
	gpgme_release(ctx);
	return s;
}

static void
check_encrypted(const char *out, size_t n, const struct mail_out *m)
{
	GMimeMessage *msg;
	GMimeObject *top, *inner;
	GMimeMultipart *mp;
	GMimePart *ver, *data;
	GMimeStream *s;
	GMimeParser *p;
	char *t, *plain;
	int ok;

	assert_crlf_7bit(out, n);
	/* Nothing of the body in the clear; the subject is. */
	assert_null(strstr(out, "Top secret"));
	msg = parse(out, n);
	assert_string_equal(g_mime_message_get_subject(msg), m->subject);
	top = g_mime_message_get_mime_part(msg);
	assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(
	    top), "multipart", "encrypted"));
	assert_string_equal(g_mime_object_get_content_type_parameter(top,
	    "protocol"), "application/pgp-encrypted");
	mp = GMIME_MULTIPART(top);
	assert_int_equal(g_mime_multipart_get_count(mp), 2);
	ver = GMIME_PART(g_mime_multipart_get_part(mp, 0));
	assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(
	    GMIME_OBJECT(ver)), "application", "pgp-encrypted"));
	t = part_text(ver);
	assert_string_equal(t, "Version: 1\n");
	g_free(t);
	data = GMIME_PART(g_mime_multipart_get_part(mp, 1));
	assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(
	    GMIME_OBJECT(data)), "application", "octet-stream"));
	t = part_text(data);
	assert_non_null(strstr(t, "-----BEGIN PGP MESSAGE-----"));

	plain = decrypt_with(researcher_home, t, strlen(t), &ok);
	assert_true(ok);
	g_free(t);
	/* The plaintext is the whole text/plain entity. */
	s = g_mime_stream_mem_new_with_buffer(plain, strlen(plain));
	p = g_mime_parser_new_with_stream(s);
	inner = g_mime_parser_construct_part(p, NULL);
	assert_non_null(inner);
	assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(
	    inner), "text", "plain"));
	assert_string_equal(g_mime_object_get_content_type_parameter(inner,
	    "charset"), "utf-8");
	t = part_text(GMIME_PART(inner));
	assert_string_equal(t, m->body);
	g_free(t);
	g_object_unref(inner);
	g_object_unref(p);
	g_object_unref(s);
	g_free(plain);
	g_object_unref(msg);
}

static void
test_encrypt(void **state)
{
	struct arena a;
	struct mail_out m;
	const char *why;
	char *out, home[64], conf[100];
	FILE *f;
	size_t n;
	int before;

	(void)state;
	util_arena_init(&a, 0);
	before = count_tmp_homes();
	base(&m);
	m.body = "Top secret: the overflow is in parse_header().\n"
	    "Grüße\n.\n";
	m.pgp_key = researcher_key;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	check_encrypted(out, n, &m);
	/* The temporary home is gone, and no agent was left behind. */
	assert_int_equal(count_tmp_homes(), before);
	assert_false(agent_running("vigil-gpg-"));
	/* ...and the check does see agents: key generation started one. */
	assert_true(agent_running(researcher_home));

	/* A home of the caller's.  gpg's import starts that home's agent
	 * unless its gpg.conf says no-autostart (as the team's should, if
	 * it is to have no agent). */
	snprintf(home, sizeof(home), "/tmp/vt-team-XXXXXX");
	assert_non_null(mkdtemp(home));
	snprintf(conf, sizeof(conf), "%s/gpg.conf", home);
	assert_non_null(f = fopen(conf, "w"));
	fputs("no-autostart\n", f);
	fclose(f);
	m.gnupg_home = home;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	check_encrypted(out, n, &m);
	/* and again: the key is already there */
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), 0);
	check_encrypted(out, n, &m);
	assert_false(agent_running(home));
	gpgconf_kill(home);
	rm_rf(home);

	/* Header checks still come first. */
	m.gnupg_home = NULL;
	m.subject = "x\r\nBcc: a@b.example";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	util_arena_release(&a);
}

/* The outbox worker may compose in several threads at once. */
static void *
compose_thread(void *arg)
{
	struct arena a;
	struct mail_out m;
	GMimeMessage *msg;
	const char *why;
	char *out, id[128];
	size_t n;
	int i, encrypted = *(int *)arg, bad = 0;

	util_arena_init(&a, 0);
	for (i = 0; i < (encrypted ? 2 : 25); i++) {
		base(&m);
		mail_message_id(id, sizeof(id), "example.org");
		m.message_id = id;
		m.subject = "[VIGIL-9] Grüße — 脆弱性";
		if (encrypted)
			m.pgp_key = researcher_key;
		if (mail_compose(&a, &m, &out, &n, &why) != 0) {
			bad++;
			continue;
		}
		msg = parse(out, n);
		if (strcmp(g_mime_message_get_subject(msg), m.subject) != 0 ||
		    strcmp(g_mime_message_get_message_id(msg), id) != 0)
			bad++;
		g_object_unref(msg);
	}
	util_arena_release(&a);
	return (void *)(intptr_t)bad;
}

static void
test_threads(void **state)
{
	pthread_t t[6];
	int kinds[6] = { 0, 0, 0, 0, 1, 1 };
	void *r;
	int i, before = count_tmp_homes();

	(void)state;
	for (i = 0; i < 6; i++)
		assert_int_equal(pthread_create(&t[i], NULL, compose_thread,
		    &kinds[i]), 0);
	for (i = 0; i < 6; i++) {
		assert_int_equal(pthread_join(t[i], &r), 0);
		assert_int_equal((intptr_t)r, 0);
	}
	assert_int_equal(count_tmp_homes(), before);
	assert_false(agent_running("vigil-gpg-"));
}

static void
test_encrypt_bad_keys(void **state)
{
	struct arena a;
	struct mail_out m;
	const char *why, *pats[3];
	char *out, *signonly, *expired, *two, home[64], fpr2[64];
	size_t n;
	int before;

	(void)state;
	util_arena_init(&a, 0);
	before = count_tmp_homes();
	snprintf(home, sizeof(home), "/tmp/vt-other-XXXXXX");
	assert_non_null(mkdtemp(home));

	/* A sign-only key. */
	pats[0] = make_key(home, "Sign Only <s@example.net>", "ed25519", 0,
	    GPGME_CREATE_SIGN);
	pats[1] = NULL;
	signonly = export_keys(home, pats);
	base(&m);
	m.pgp_key = signonly;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	assert_string_equal(why, "the researcher's PGP key cannot encrypt");
	assert_null(out);

	/* An expired key. */
	pats[0] = make_key(home, "Expired <e@example.net>", "default", 1, 0);
	snprintf(fpr2, sizeof(fpr2), "%s", pats[0]);
	expired = export_keys(home, pats);
	sleep(2);
	m.pgp_key = expired;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	assert_string_equal(why, "the researcher's PGP key cannot encrypt");

	/* Two keys in one block. */
	pats[0] = researcher_fpr;
	pats[1] = fpr2;
	pats[2] = NULL;
	two = g_strconcat(researcher_key, expired, NULL);
	m.pgp_key = two;
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	assert_string_equal(why, "the PGP key block holds more than one key");

	/* Garbage, a secret key block, nothing. */
	m.pgp_key = "not a key";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	m.pgp_key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n"
	    "-----END PGP PUBLIC KEY BLOCK-----\n";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	m.pgp_key = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nAAAA\n"
	    "-----END PGP PRIVATE KEY BLOCK-----\n";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);
	m.pgp_key = "";
	assert_int_equal(mail_compose(&a, &m, &out, &n, &why), -1);

	assert_int_equal(count_tmp_homes(), before);
	assert_false(agent_running("vigil-gpg-"));
	gpgconf_kill(home);
	rm_rf(home);
	g_free(signonly);
	g_free(expired);
	g_free(two);
	util_arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_message_id),
		cmocka_unit_test(test_list_unsubscribe),
	};
	const struct CMUnitTest pgp_tests[] = {
		cmocka_unit_test(test_encrypt),
		cmocka_unit_test(test_encrypt_bad_keys),
		cmocka_unit_test(test_threads),
	};
	int rc;

	util_log_set_level(LOG_ERR);	/* refusals log at info */
	/* Until init.c exists: what mail_init() will do. */
	if (util_crypto_init() == -1)
		return 1;
	g_mime_init();
	if (gpgme_check_version(NULL) == NULL)
		return 1;
	rc = cmocka_run_group_tests_name("mail_compose", tests, NULL, NULL);
	rc += cmocka_run_group_tests_name("mail_compose_pgp", pgp_tests,
	    pgp_setup, pgp_teardown);
	g_mime_shutdown();
	return rc != 0;
}
