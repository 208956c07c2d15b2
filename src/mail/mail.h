/* mail/mail.h - e-mail in and out.  GLib, GMime and GPGME stay inside
 * src/mail/: this header uses plain C types only.  All strings handed out
 * live in the caller's arena.
 *
 * Inbound: mail_parse() turns one raw RFC 5322 message into a struct
 * mail_msg (decrypting PGP/MIME and inline PGP with the team's key,
 * verifying signatures).  HTML is turned into text, never rendered.
 * Outbound: mail_compose() builds a message (headers through GMime, CR/LF
 * in any header value refused), optionally encrypted to the recipient's
 * key; mail_send() delivers it through libcurl SMTP. */
#ifndef MAIL_MAIL_H
#define MAIL_MAIL_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct arena;

/* Call once per process before anything else here (GMime, GPGME). */
int	mail_init(void);
void	mail_shutdown(void);

struct mail_attachment {
	const char	*filename;	/* as sent (untrusted; sanitize before use) */
	const char	*content_type;	/* "type/subtype" */
	const unsigned char *data;
	size_t		 size;
	int		 encrypted;	/* came out of an encrypted part */
};

enum mail_pgp {
	MAIL_PGP_NONE,		/* not encrypted */
	MAIL_PGP_DECRYPTED,	/* encrypted, decrypted with the team's key */
	MAIL_PGP_FAILED,	/* encrypted, could not decrypt (no key, no MDC,
				 * damaged): kept raw, flagged for a person */
};

enum mail_sig {
	MAIL_SIG_NONE,		/* no signature */
	MAIL_SIG_VALID,		/* good signature (key known to the keyring) */
	MAIL_SIG_BAD,		/* signature does not verify */
	MAIL_SIG_UNKNOWN_KEY,	/* signed by a key not in the keyring */
};

struct mail_msg {
	/* envelope-ish headers, decoded (RFC 2047) to UTF-8 */
	const char	*message_id;	/* without <>; NULL if missing */
	const char	*in_reply_to;	/* without <>; NULL if missing */
	const char	**references;	/* without <>, oldest first */
	size_t		 nreferences;
	const char	*from_addr;	/* addr-spec, lower-cased domain; NULL if none */
	const char	*from_name;	/* display name or "" */
	const char	*reply_to;	/* addr-spec or NULL */
	const char	**recipients;	/* To, Cc, Delivered-To, X-Original-To addr-specs */
	size_t		 nrecipients;
	const char	*subject;	/* "" if missing */
	time_t		 date;		/* 0 if missing or unparseable */
	/* RFC 3834 and list headers: when set, never auto-reply */
	int		 auto_submitted;	/* Auto-Submitted other than "no" */
	int		 bulk;		/* Precedence bulk/junk/list, List-Id, List-Unsubscribe */
	int		 our_loop;	/* carries our X-Vigil-Loop header */
	/* content */
	const char	*text;		/* text/plain preferred; HTML turned into text */
	int		 text_from_html;
	struct mail_attachment *attachments;
	size_t		 nattachments;
	/* PGP */
	enum mail_pgp	 pgp;
	const char	*pgp_error;	/* why decryption failed, for a person */
	enum mail_sig	 sig;
	const char	*sig_fpr;	/* signer's fingerprint (hex, upper case) */
	int		 sig_whole;	/* 1 only if the signature covers the whole body */
	/* parse trouble (not fatal): why a person should look */
	const char	*flag;
};

struct mail_limits {
	size_t		 max_parts;	/* default 500 */
	int		 max_depth;	/* default 32 */
	size_t		 max_headers;	/* default 1000 */
	size_t		 max_attachment;/* default 10 MiB */
};

/* Parses raw into msg.  gnupg_home: the team's GnuPG home, or NULL (then
 * encrypted mail is MAIL_PGP_FAILED and signatures MAIL_SIG_UNKNOWN_KEY).
 * Returns 0, or -1 when the message cannot be parsed at all (*why says
 * why); the caller keeps the raw message either way. */
int	mail_parse(struct arena *, const char *raw, size_t len,
	    const struct mail_limits *, const char *gnupg_home,
	    struct mail_msg *msg, const char **why);

/* ---- outbound ---- */

struct mail_out {
	const char	*from;		/* "Product Security <security@example.org>" or addr */
	const char	*to;		/* addr-spec */
	const char	*to_name;	/* display name or NULL */
	const char	*reply_to;	/* addr-spec or NULL (the case's plus-address) */
	const char	*subject;	/* UTF-8; encoded as needed */
	const char	*message_id;	/* without <> */
	const char	*in_reply_to;	/* without <>, or NULL */
	const char	*references;	/* space-separated ids without <>, or NULL */
	const char	*auto_submitted;/* "auto-replied", "auto-generated" or NULL */
	const char	*loop_id;	/* value of X-Vigil-Loop (our instance id) */
	const char	*list_unsubscribe;/* http(s) URL for List-Unsubscribe
					 * (+ RFC 8058 one-click), or NULL */
	const char	*body;		/* text/plain UTF-8 */
	const char	*pgp_key;	/* recipient's armored public key, or NULL */
	const char	*gnupg_home;	/* for encryption; NULL = a temporary one */
	time_t		 date;
};

/* Composes the message into *out (arena, CRLF line ends).  Returns 0, or
 * -1 with *why: a CR or LF in a header value, an address that is not an
 * addr-spec, a PGP key that cannot be used. */
int	mail_compose(struct arena *, const struct mail_out *, char **out,
	    size_t *outlen, const char **why);

struct mail_smtp {
	const char	*url;		/* smtp://host:port or smtps:// */
	int		 starttls;	/* 1 = require STARTTLS on smtp:// */
	int		 insecure;	/* 1 = do not verify the server's cert (tests) */
	const char	*user, *password;	/* NULL = no AUTH */
	const char	*helo;		/* domain for EHLO, or NULL */
	long		 timeout;	/* seconds */
};

/* Delivers one message.  Returns 0 when the server accepted it, -1 on a
 * temporary failure (retry later), -2 on a permanent one (5xx); *why
 * says what the server or the network said. */
int	mail_send(const struct mail_smtp *, const char *from_addr,
	    const char *to_addr, const char *msg, size_t len,
	    char *why, size_t whylen);

/* 1 if fpr (a signer's fingerprint or key ID) is the primary key or a
 * subkey of the armored public key block. */
int	mail_key_matches(const char *armored, const char *fpr);

/* A fresh Message-ID "random@domain" (without <>). */
void	mail_message_id(char *out, size_t outlen, const char *domain);

#endif
