/* tests/fuzz/fuzz_mail.c - libFuzzer target for mail_parse(): any bytes,
 * no keyring (so no gpg process is ever started), an arena capped at
 * 64 MiB.  Checks the result's invariants: valid UTF-8 without NUL in
 * every text field, recipients are addr-specs, a failed decryption has
 * an error and no text.  Without libFuzzer, replay_main.c replays
 * tests/fuzz/corpus/mail/ (seeded from tests/golden/mail/ *.eml). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"
#include "util/arena.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(int cond)
{
	if (!cond)
		abort();
}

/* Valid UTF-8 (no overlongs, surrogates or > U+10FFFF), no NUL. */
static void
check_utf8(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	size_t i, k, n;

	if (s == NULL)
		return;
	for (i = 0; u[i] != '\0'; i += n) {
		if (u[i] < 0x80) {
			n = 1;
			continue;
		}
		if (u[i] >= 0xc2 && u[i] <= 0xdf) {
			n = 2;
			cp = u[i] & 0x1f;
		} else if (u[i] >= 0xe0 && u[i] <= 0xef) {
			n = 3;
			cp = u[i] & 0x0f;
		} else {
			check(u[i] >= 0xf0 && u[i] <= 0xf4);
			n = 4;
			cp = u[i] & 0x07;
		}
		for (k = 1; k < n; k++) {
			check((u[i + k] & 0xc0) == 0x80);
			cp = (cp << 6) | (u[i + k] & 0x3f);
		}
		check(!(n == 3 && cp < 0x800) && !(n == 4 && cp < 0x10000));
		check(cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialized;
	struct arena a;
	struct mail_msg m;
	const char *why = NULL;
	size_t i;

	if (!initialized) {
		check(mail_init() == 0);
		initialized = 1;
	}
	util_arena_init(&a, 64u * 1024 * 1024);
	if (mail_parse(&a, (const char *)data, size, NULL, NULL, &m,
	    &why) == -1) {
		check(why != NULL && why[0] != '\0');
		util_arena_release(&a);
		return 0;
	}
	check(m.subject != NULL && m.from_name != NULL && m.text != NULL);
	check_utf8(m.subject);
	check_utf8(m.from_name);
	check_utf8(m.text);
	check_utf8(m.flag);
	check_utf8(m.message_id);
	check_utf8(m.in_reply_to);
	check(m.pgp != MAIL_PGP_DECRYPTED);	/* no keyring */
	check(m.sig != MAIL_SIG_VALID && m.sig_whole == 0);
	if (m.pgp == MAIL_PGP_FAILED)
		check(m.pgp_error != NULL && m.text[0] == '\0');
	for (i = 0; i < m.nreferences; i++) {
		check_utf8(m.references[i]);
		check(strchr(m.references[i], '<') == NULL);
	}
	for (i = 0; i < m.nrecipients; i++) {
		check_utf8(m.recipients[i]);
		check(strchr(m.recipients[i], '@') != NULL);
	}
	for (i = 0; i < m.nattachments; i++) {
		check_utf8(m.attachments[i].filename);
		check_utf8(m.attachments[i].content_type);
		check(m.attachments[i].size <= 10u * 1024 * 1024);
		if (m.attachments[i].size > 0)
			check(m.attachments[i].data[0] ==
			    m.attachments[i].data[0]);
	}
	util_arena_release(&a);
	return 0;
}
