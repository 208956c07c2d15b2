/* mail/parse.c - mail_parse(): one raw RFC 5322 message into a struct
 * mail_msg.  GMime parses; GPGME decrypts and verifies with the team's
 * GnuPG home.  Everything handed out is copied into the caller's arena;
 * every GObject and GPGME object is released before returning.
 *
 * Reading order: mail_parse() at the bottom, then walk() (the iterative
 * tree walk with the part, depth and header caps), the PGP helpers
 * (pgp_*), body selection (pick_body) and the text helpers (clean,
 * to_utf8, html_text).
 *
 * EFAIL rules (SECURITY.md 1.5): each encrypted part or inline block is
 * decrypted alone and its plaintext never joined with anything else;
 * a message without MDC fails closed; decrypted HTML is only turned
 * into text.  Signatures come from GPGME's structured results only. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gmime/gmime.h>
#include <gpgme.h>

#include "mail.h"
#include "util/arena.h"
#include "util/buf.h"

#define KIB		1024u
#define MIB		(1024u * 1024u)
#define HDR_VALUE_MAX	(16 * KIB)	/* decoded header strings cut here */
#define HDR_LINE_FLAG	(64 * KIB)	/* a longer raw header line is flagged */
#define PLAIN_MAX	(64 * MIB)	/* largest decrypted or verified output */
#define MAX_LAYERS	3		/* nested encryption layers */
#define MAX_REFS	128		/* References kept (the newest) */
#define MAX_RCPTS	256
#define FLAG_MAX	512

#define DEF_MAX_PARTS	500
#define DEF_MAX_DEPTH	32
#define DEF_MAX_HEADERS	1000
#define DEF_MAX_ATT	(10 * MIB)

#define PGP_MSG_BEGIN	"-----BEGIN PGP MESSAGE-----"
#define PGP_MSG_END	"-----END PGP MESSAGE-----"
#define PGP_SIG_BEGIN	"-----BEGIN PGP SIGNED MESSAGE-----"
#define PGP_SIG_END	"-----END PGP SIGNATURE-----"

struct item {
	GMimeObject	*obj;
	int		 depth;		/* 1 = the message's top-level part */
	int		 encrypted;	/* inside decrypted content */
	int		 layers;	/* encryption layers around it */
	int		 whole;		/* is the whole body (see sig_whole) */
	GMimeObject	*alt;		/* nearest multipart/alternative */
};

struct cand {
	struct cand	*next;
	const char	*text;		/* UTF-8, cleaned */
	size_t		 len;
	int		 html;
	int		 encrypted;
	GMimeObject	*alt;
};

struct att {
	struct att	*next;
	struct mail_attachment a;
};

struct pctx {
	struct arena	*a;
	struct mail_limits lim;
	const char	*home;
	struct mail_msg	*msg;
	GMimeParserOptions *popts;
	GPtrArray	*owned;		/* GObjects to unref at the end */
	gpgme_ctx_t	 gctx;
	int		 gctx_failed;
	struct item	*stack;
	size_t		 nstack, capstack;
	size_t		 nparts, nheaders;
	struct cand	*cands, **candtail;
	struct att	*atts, **atttail;
	size_t		 natts;
	int		 sig_seen;
	int		 oom;
	int		 stop;		/* a cap was hit: process no more parts */
	unsigned int	 warn;		/* GMime parser warnings seen */
	char		 flag[FLAG_MAX];
	size_t		 flaglen;
};

/* ---- small helpers ---- */

static void
flag(struct pctx *c, const char *why)
{
	size_t n = strlen(why);

	if (c->flaglen > 0 && strstr(c->flag, why) != NULL)
		return;
	if (c->flaglen + n + 3 >= sizeof(c->flag))
		return;
	if (c->flaglen > 0) {
		memcpy(c->flag + c->flaglen, "; ", 2);
		c->flaglen += 2;
	}
	memcpy(c->flag + c->flaglen, why, n);
	c->flaglen += n;
	c->flag[c->flaglen] = '\0';
}

static void *
amem(struct pctx *c, const void *p, size_t n)
{
	char *d;

	if ((d = util_arena_alloc(c->a, n + 1)) == NULL) {
		c->oom = 1;
		return NULL;
	}
	if (n > 0)
		memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

static int
ascii_ieq(const char *a, const char *b)
{
	return g_ascii_strcasecmp(a, b) == 0;
}

/* First token of a header value (up to ';', space), lower-cased in tok. */
static void
first_token(const char *v, char *tok, size_t toklen)
{
	size_t i = 0;

	while (*v == ' ' || *v == '\t')
		v++;
	while (*v != '\0' && *v != ';' && *v != ' ' && *v != '\t' &&
	    *v != '(' && i + 1 < toklen)
		tok[i++] = g_ascii_tolower(*v++);
	tok[i] = '\0';
}

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static size_t
utf8_put(uint32_t cp, char *d)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xc0 | (cp >> 6));
		d[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xe0 | (cp >> 12));
		d[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		d[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | (cp >> 18));
	d[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	d[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	d[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

#define REPL	"\xef\xbf\xbd"	/* U+FFFD */

/* Copies s into the arena as valid UTF-8 without NUL: invalid bytes and
 * controls become U+FFFD.  oneline (headers): C0 controls and DEL become
 * a space, bidi overrides and U+2028/9 become U+FFFD, the result is cut
 * at max bytes (UTF-8 boundary).  Text: CR LF
 * and lone CR become LF, tab and LF are kept. */
static char *
clean(struct pctx *c, const char *s, size_t n, int oneline, size_t max,
    size_t *outlen)
{
	const unsigned char *u = (const unsigned char *)s;
	char *d;
	size_t i, o, k;
	uint32_t cp;

	if (max > 0 && n > max)
		n = max;	/* every input byte gives at least one out */
	if (n > (SIZE_MAX - 1) / 3) {
		c->oom = 1;
		return NULL;
	}
	if ((d = util_arena_alloc(c->a, n * 3 + 1)) == NULL) {
		c->oom = 1;
		return NULL;
	}
	for (i = 0, o = 0; i < n; ) {
		if (max > 0 && o + 4 > max)
			break;
		k = utf8_seq(u + i, n - i, &cp);
		if (k == 0) {
			memcpy(d + o, REPL, 3);
			o += 3;
			i++;
			continue;
		}
		if (cp < 0x20 || cp == 0x7f) {
			if (oneline)
				d[o++] = ' ';
			else if (cp == '\t' || cp == '\n')
				d[o++] = (char)cp;
			else if (cp == '\r') {
				d[o++] = '\n';
				if (i + 1 < n && u[i + 1] == '\n')
					i++;
			} else {
				memcpy(d + o, REPL, 3);
				o += 3;
			}
			i++;
			continue;
		}
		if (oneline && ((cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
		    cp == 0x2029)) {
			/* bidi overrides and line separators: one line,
			 * shown as it reads */
			memcpy(d + o, REPL, 3);
			o += 3;
			i += k;
			continue;
		}
		memcpy(d + o, u + i, k);
		o += k;
		i += k;
	}
	d[o] = '\0';
	if (outlen != NULL)
		*outlen = o;
	return d;
}

static const char *
hdr_clean(struct pctx *c, const char *s)
{
	if (s == NULL)
		return NULL;
	return clean(c, s, strlen(s), 1, HDR_VALUE_MAX, NULL);
}

/* Converts n bytes in charset to clean UTF-8 text. */
static char *
to_utf8(struct pctx *c, const char *s, size_t n, const char *charset,
    size_t *outlen)
{
	struct buf b;
	iconv_t cd;
	char out[4096], *ip, *op, *r;
	size_t il, ol, rc;

	if (charset == NULL || ascii_ieq(charset, "utf-8") ||
	    ascii_ieq(charset, "utf8") || ascii_ieq(charset, "us-ascii") ||
	    ascii_ieq(charset, "ascii"))
		return clean(c, s, n, 0, 0, outlen);
	cd = g_mime_iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1) {
		flag(c, "unknown charset");
		return clean(c, s, n, 0, 0, outlen);
	}
	util_buf_init(&b, 0);
	ip = (char *)s;
	il = n;
	while (il > 0) {
		op = out;
		ol = sizeof(out);
		rc = iconv(cd, &ip, &il, &op, &ol);
		util_buf_append(&b, out, (size_t)(op - out));
		if (rc != (size_t)-1)
			continue;
		if (errno == E2BIG)
			continue;
		/* EILSEQ, EINVAL: one byte replaced, go on */
		util_buf_append(&b, REPL, 3);
		ip++;
		il--;
	}
	op = out;
	ol = sizeof(out);
	if (iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1)
		util_buf_append(&b, out, (size_t)(op - out));
	g_mime_iconv_close(cd);
	if (b.failed) {
		util_buf_release(&b);
		c->oom = 1;
		return NULL;
	}
	r = clean(c, b.data == NULL ? "" : b.data, b.len, 0, 0, outlen);
	util_buf_release(&b);
	return r;
}

/* ---- HTML to text (never rendered, nothing fetched) ---- */

struct html {
	struct buf	*o;
	int		 space;		/* a space is pending */
	int		 nl;		/* newlines pending */
};

static void
h_flush(struct html *h)
{
	if (h->o->len == 0) {
		h->space = h->nl = 0;
		return;
	}
	if (h->nl > 0) {
		while (h->nl-- > 0)
			util_buf_putc(h->o, '\n');
	} else if (h->space && h->o->data[h->o->len - 1] != '\n')
		util_buf_putc(h->o, ' ');
	h->space = h->nl = 0;
}

static void
h_put(struct html *h, const char *s, size_t n)
{
	h_flush(h);
	util_buf_append(h->o, s, n);
}

static void
h_break(struct html *h, int n)
{
	if (h->nl < n)
		h->nl = n;
}

static const struct {
	const char	*name;
	uint32_t	 cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", ' ' }, { "copy", 0xa9 },
	{ "reg", 0xae }, { "trade", 0x2122 }, { "hellip", 0x2026 },
	{ "mdash", 0x2014 }, { "ndash", 0x2013 }, { "lsquo", 0x2018 },
	{ "rsquo", 0x2019 }, { "ldquo", 0x201c }, { "rdquo", 0x201d },
	{ "laquo", 0xab }, { "raquo", 0xbb }, { "bull", 0x2022 },
	{ "middot", 0xb7 }, { "euro", 0x20ac }, { "pound", 0xa3 },
	{ "yen", 0xa5 }, { "cent", 0xa2 }, { "sect", 0xa7 }, { "deg", 0xb0 },
	{ "plusmn", 0xb1 }, { "times", 0xd7 }, { "divide", 0xf7 },
	{ "para", 0xb6 }, { "shy", 0xad }, { "zwnj", 0x200c },
	{ "zwj", 0x200d }, { "larr", 0x2190 }, { "rarr", 0x2192 },
	{ "aacute", 0xe1 }, { "agrave", 0xe0 }, { "acirc", 0xe2 },
	{ "auml", 0xe4 }, { "eacute", 0xe9 }, { "egrave", 0xe8 },
	{ "ecirc", 0xea }, { "euml", 0xeb }, { "iacute", 0xed },
	{ "iuml", 0xef }, { "oacute", 0xf3 }, { "ocirc", 0xf4 },
	{ "ouml", 0xf6 }, { "uacute", 0xfa }, { "ugrave", 0xf9 },
	{ "uuml", 0xfc }, { "ccedil", 0xe7 }, { "ntilde", 0xf1 },
	{ "szlig", 0xdf }, { "Auml", 0xc4 }, { "Ouml", 0xd6 },
	{ "Uuml", 0xdc }, { "Eacute", 0xc9 },
};

/* Entity at s[0..n) (s[0] == '&'): UTF-8 into d (>= 4 bytes).  Returns
 * the bytes consumed, or 0 if this is not an entity. */
static size_t
entity(const char *s, size_t n, char *d, size_t *dl)
{
	size_t i, j, k;
	uint32_t cp = 0;
	int hex = 0, digits = 0;

	if (n < 3)
		return 0;
	if (s[1] == '#') {
		i = 2;
		if (s[i] == 'x' || s[i] == 'X') {
			hex = 1;
			i++;
		}
		for (; i < n && i < 12; i++) {
			int v;

			if (s[i] >= '0' && s[i] <= '9')
				v = s[i] - '0';
			else if (hex && s[i] >= 'a' && s[i] <= 'f')
				v = s[i] - 'a' + 10;
			else if (hex && s[i] >= 'A' && s[i] <= 'F')
				v = s[i] - 'A' + 10;
			else
				break;
			if (cp <= 0x10ffff)
				cp = cp * (hex ? 16 : 10) + (uint32_t)v;
			digits++;
		}
		if (digits == 0)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			cp = 0xfffd;
		*dl = utf8_put(cp, d);
		return i;
	}
	for (i = 1; i < n && i < 10 && g_ascii_isalnum(s[i]); i++)
		;
	for (k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
		j = strlen(entities[k].name);
		if (j == i - 1 && strncmp(s + 1, entities[k].name, j) == 0) {
			*dl = utf8_put(entities[k].cp, d);
			return (i < n && s[i] == ';') ? i + 1 : i;
		}
	}
	return 0;
}

/* Case-insensitive search for the ASCII word w in s[from..n). */
static size_t
ifind(const char *s, size_t from, size_t n, const char *w)
{
	size_t wl = strlen(w), i;

	if (wl > n)
		return n;
	for (i = from; i + wl <= n; i++)
		if (g_ascii_strncasecmp(s + i, w, wl) == 0)
			return i;
	return n;
}

/* Appends s[0..n) with entities decoded to b. */
static void
decode_attr(struct buf *b, const char *s, size_t n)
{
	char d[4];
	size_t i, k, dl;

	for (i = 0; i < n; ) {
		if (s[i] == '&' && (k = entity(s + i, n - i, d, &dl)) > 0) {
			util_buf_append(b, d, dl);
			i += k;
		} else
			util_buf_putc(b, s[i++]);
	}
}

static int
tag_is(const char *name, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(name, *list) == 0)
			return 1;
	return 0;
}

static void
html_text(const char *s, size_t n, struct buf *o)
{
	static const char *const para[] = { "p", "h1", "h2", "h3", "h4",
	    "h5", "h6", "blockquote", "table", "ul", "ol", "pre", "hr",
	    "dl", NULL };
	static const char *const line[] = { "div", "tr", "li", "dt", "dd",
	    "section", "article", "header", "footer", "nav", "address",
	    "form", "fieldset", NULL };
	static const char *const skip[] = { "script", "style", "title",
	    "template", "head", NULL };
	struct html h = { o, 0, 0 };
	struct buf href;
	char name[16], d[4], close[20];
	size_t i = 0, j, k, nl, dl, vs, ve, textstart = 0;
	int closing, pre = 0, inlink = 0;
	char q;

	util_buf_init(&href, 8 * KIB);
	while (i < n) {
		if (s[i] != '<') {
			if (s[i] == '&' && (k = entity(s + i, n - i, d, &dl)) > 0) {
				if (dl == 1 && d[0] == ' ' && !pre)
					h.space = 1;
				else
					h_put(&h, d, dl);
				i += k;
			} else if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
			    s[i] == '\r' || s[i] == '\f') {
				if (pre && s[i] == '\n') {
					h_flush(&h);
					util_buf_putc(o, '\n');
				} else if (pre && s[i] != '\r')
					h_put(&h, s + i, 1);
				else if (!pre)
					h.space = 1;
				i++;
			} else {
				for (j = i + 1; j < n && s[j] != '<' && s[j] != '&' &&
				    s[j] != ' ' && s[j] != '\t' && s[j] != '\n' &&
				    s[j] != '\r' && s[j] != '\f'; j++)
					;
				h_put(&h, s + i, j - i);
				i = j;
			}
			continue;
		}
		/* a comment, <!DOCTYPE>, <![CDATA[, <?xml */
		if (n - i >= 4 && strncmp(s + i, "<!--", 4) == 0) {
			k = ifind(s, i + 4, n, "-->");
			i = k >= n ? n : k + 3;
			continue;
		}
		if (i + 1 < n && (s[i + 1] == '!' || s[i + 1] == '?')) {
			for (j = i + 1; j < n && s[j] != '>'; j++)
				;
			i = j + 1;
			continue;
		}
		j = i + 1;
		closing = j < n && s[j] == '/';
		if (closing)
			j++;
		for (k = 0; j < n && g_ascii_isalnum(s[j]); j++)
			if (k + 1 < sizeof(name))
				name[k++] = g_ascii_tolower(s[j]);
		name[k] = '\0';
		if (k == 0) {
			/* "a < b": not a tag */
			h_put(&h, "<", 1);
			i++;
			continue;
		}
		/* attributes, up to '>' outside quotes; keep href= */
		vs = ve = 0;
		while (j < n && s[j] != '>') {
			if (s[j] == '"' || s[j] == '\'') {
				q = s[j];
				for (j++; j < n && s[j] != q; j++)
					;
				j++;
				continue;
			}
			if (!closing && strcmp(name, "a") == 0 &&
			    n - j > 5 && (j == 0 || !g_ascii_isalnum(s[j - 1])) &&
			    g_ascii_strncasecmp(s + j, "href", 4) == 0) {
				for (k = j + 4; k < n && (s[k] == ' ' ||
				    s[k] == '\t' || s[k] == '\n' || s[k] == '\r'); k++)
					;
				if (k < n && s[k] == '=') {
					for (k++; k < n && (s[k] == ' ' ||
					    s[k] == '\t' || s[k] == '\n'); k++)
						;
					if (k < n && (s[k] == '"' || s[k] == '\'')) {
						q = s[k];
						vs = k + 1;
						for (ve = vs; ve < n && s[ve] != q; ve++)
							;
						j = ve < n ? ve + 1 : n;
					} else {
						vs = k;
						for (ve = vs; ve < n && s[ve] != '>' &&
						    s[ve] != ' ' && s[ve] != '\t' &&
						    s[ve] != '\n'; ve++)
							;
						j = ve;
					}
					continue;
				}
			}
			j++;
		}
		i = j < n ? j + 1 : n;

		if (!closing && tag_is(name, skip)) {
			/* drop everything up to </name> */
			nl = (size_t)snprintf(close, sizeof(close), "</%s", name);
			(void)nl;
			k = ifind(s, i, n, close);
			for (j = k; j < n && s[j] != '>'; j++)
				;
			i = j < n ? j + 1 : n;
			continue;
		}
		if (strcmp(name, "br") == 0) {
			h.space = 0;
			h_flush(&h);
			util_buf_putc(o, '\n');
		} else if (tag_is(name, para))
			h_break(&h, 2);
		else if (tag_is(name, line))
			h_break(&h, 1);
		else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
			h.space = 1;
		if (strcmp(name, "pre") == 0)
			pre = !closing;
		if (strcmp(name, "li") == 0 && !closing)
			h_put(&h, "- ", 2);
		if (strcmp(name, "a") == 0 && !closing) {
			util_buf_reset(&href);
			inlink = 0;
			if (ve > vs) {
				decode_attr(&href, s + vs, ve - vs);
				if (!href.failed && href.len > 0 &&
				    href.data[0] != '#') {
					inlink = 1;
					h_flush(&h);
					textstart = o->len;
				}
			}
		} else if (strcmp(name, "a") == 0 && closing && inlink) {
			inlink = 0;
			/* "text (url)" unless the text is the url */
			k = o->len - textstart;
			if (o->data != NULL && !(k == href.len &&
			    memcmp(o->data + textstart, href.data, k) == 0) &&
			    !(href.len > 7 && strncmp(href.data, "mailto:", 7) == 0 &&
			    k == href.len - 7 &&
			    memcmp(o->data + textstart, href.data + 7, k) == 0)) {
				if (k > 0)
					util_buf_putc(o, ' ');
				util_buf_putc(o, '(');
				util_buf_append(o, href.data, href.len);
				util_buf_putc(o, ')');
			}
		}
	}
	util_buf_release(&href);
}

/* ---- GMime helpers ---- */

static void
on_warning(gint64 off, GMimeParserWarning w, const gchar *item, gpointer ud)
{
	struct pctx *c = ud;

	(void)off;
	(void)item;
	if ((unsigned int)w < 32)
		c->warn |= 1u << w;
}

static void
own(struct pctx *c, gpointer obj)
{
	g_ptr_array_add(c->owned, obj);
}

/* Decoded content of a leaf part into the arena. */
static int
part_bytes(struct pctx *c, GMimePart *p, const char **data, size_t *len)
{
	GMimeDataWrapper *dw;
	GMimeStream *mem;
	GByteArray *ba;

	*data = "";
	*len = 0;
	if ((dw = g_mime_part_get_content(p)) == NULL)
		return 0;
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(dw, mem);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	if (ba != NULL && ba->len > 0) {
		if ((*data = amem(c, ba->data, ba->len)) == NULL) {
			g_object_unref(mem);
			return -1;
		}
		*len = ba->len;
	}
	g_object_unref(mem);
	return 0;
}

/* An object serialized as it came (CRLF line ends when crlf) into the
 * arena. */
static int
obj_bytes(struct pctx *c, GMimeObject *obj, int crlf, const char **data,
    size_t *len)
{
	GMimeStream *mem, *f;
	GMimeFilter *filt;
	GByteArray *ba;

	*data = "";
	*len = 0;
	mem = g_mime_stream_mem_new();
	if (crlf) {
		f = g_mime_stream_filter_new(mem);
		filt = g_mime_filter_unix2dos_new(FALSE);
		g_mime_stream_filter_add(GMIME_STREAM_FILTER(f), filt);
		g_object_unref(filt);
		g_mime_object_write_to_stream(obj, NULL, f);
		g_mime_stream_flush(f);
		g_object_unref(f);
	} else
		g_mime_object_write_to_stream(obj, NULL, mem);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	if (ba != NULL && ba->len > 0) {
		if ((*data = amem(c, ba->data, ba->len)) == NULL) {
			g_object_unref(mem);
			return -1;
		}
		*len = ba->len;
	}
	g_object_unref(mem);
	return 0;
}

/* "type/subtype", lower case. */
static const char *
mime_type(struct pctx *c, GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *t, *s;
	char *m, *p;

	if (ct == NULL)
		return "application/octet-stream";
	t = g_mime_content_type_get_media_type(ct);
	s = g_mime_content_type_get_media_subtype(ct);
	if (t == NULL || s == NULL)
		return "application/octet-stream";
	m = util_arena_printf(c->a, "%s/%s", t, s);
	if (m == NULL) {
		c->oom = 1;
		return "application/octet-stream";
	}
	for (p = m; *p != '\0'; p++)
		*p = g_ascii_tolower(*p);
	return hdr_clean(c, m);
}

static const char *
param(GMimeObject *obj, const char *name)
{
	return g_mime_object_get_content_type_parameter(obj, name);
}

static void
add_att(struct pctx *c, const char *filename, const char *ctype,
    const char *data, size_t len, int encrypted)
{
	struct att *t;

	if (len > c->lim.max_attachment) {
		flag(c, "attachment over the size limit dropped");
		return;
	}
	if ((t = util_arena_zalloc(c->a, sizeof(*t))) == NULL) {
		c->oom = 1;
		return;
	}
	t->a.filename = filename == NULL ? "" : hdr_clean(c, filename);
	t->a.content_type = ctype;
	t->a.data = (const unsigned char *)data;
	t->a.size = len;
	t->a.encrypted = encrypted;
	*c->atttail = t;
	c->atttail = &t->next;
	c->natts++;
}

static void
add_cand(struct pctx *c, const char *text, size_t len, int html,
    int encrypted, GMimeObject *alt)
{
	struct cand *k;

	if ((k = util_arena_zalloc(c->a, sizeof(*k))) == NULL) {
		c->oom = 1;
		return;
	}
	k->text = text;
	k->len = len;
	k->html = html;
	k->encrypted = encrypted;
	k->alt = alt;
	*c->candtail = k;
	c->candtail = &k->next;
}

static int
push(struct pctx *c, const struct item *it)
{
	struct item *n;
	size_t cap;

	if (it->depth > c->lim.max_depth) {
		flag(c, "MIME nesting too deep; deeper parts dropped");
		return 0;
	}
	if (c->nparts >= c->lim.max_parts) {
		flag(c, "too many MIME parts; the rest dropped");
		return 0;
	}
	if (c->nstack == c->capstack) {
		cap = c->capstack == 0 ? 32 : c->capstack * 2;
		if ((n = realloc(c->stack, cap * sizeof(*n))) == NULL) {
			c->oom = 1;
			return -1;
		}
		c->stack = n;
		c->capstack = cap;
	}
	c->stack[c->nstack++] = *it;
	c->nparts++;
	return 0;
}

/* ---- PGP ---- */

static ssize_t
sink_write(void *h, const void *p, size_t n)
{
	struct buf *b = h;

	if (util_buf_append(b, p, n) == -1) {
		errno = EFBIG;
		return -1;
	}
	return (ssize_t)n;
}

static gpgme_ctx_t
pgp_ctx(struct pctx *c)
{
	gpgme_ctx_t g;

	if (c->gctx != NULL || c->gctx_failed || c->home == NULL)
		return c->gctx;
	if (gpgme_new(&g) != GPG_ERR_NO_ERROR) {
		c->gctx_failed = 1;
		return NULL;
	}
	if (gpgme_set_protocol(g, GPGME_PROTOCOL_OpenPGP) != GPG_ERR_NO_ERROR ||
	    gpgme_ctx_set_engine_info(g, GPGME_PROTOCOL_OpenPGP, NULL,
	    c->home) != GPG_ERR_NO_ERROR) {
		gpgme_release(g);
		c->gctx_failed = 1;
		return NULL;
	}
	gpgme_set_armor(g, 0);
	gpgme_set_offline(g, 1);	/* never fetch keys */
	/* never ask for a passphrase: symmetric or locked keys fail */
	gpgme_set_pinentry_mode(g, GPGME_PINENTRY_MODE_CANCEL);
	gpgme_set_ctx_flag(g, "no-symkey-cache", "1");
	c->gctx = g;
	return g;
}

static char *
upper_hex(struct pctx *c, const char *s)
{
	char *d;
	size_t i;

	if (s == NULL || *s == '\0')
		return NULL;
	if ((d = amem(c, s, strlen(s))) == NULL)
		return NULL;
	for (i = 0; d[i] != '\0'; i++) {
		if (!g_ascii_isxdigit(d[i]))
			return NULL;
		d[i] = g_ascii_toupper(d[i]);
	}
	return d;
}

static void
set_sig(struct pctx *c, enum mail_sig s, const char *fpr, int whole)
{
	struct mail_msg *m = c->msg;

	if (!c->sig_seen) {
		c->sig_seen = 1;
		m->sig = s;
		m->sig_fpr = fpr;
		/* "whole" only means something for a good signature */
		m->sig_whole = whole && s == MAIL_SIG_VALID;
		return;
	}
	flag(c, "more than one signature");
	m->sig_whole = 0;
	if (s == MAIL_SIG_BAD || (s == MAIL_SIG_UNKNOWN_KEY &&
	    m->sig == MAIL_SIG_VALID)) {
		m->sig = s;
		m->sig_fpr = fpr;
	}
}

/* Records the first signature of the last verify operation. */
static void
pgp_sigs(struct pctx *c, gpgme_ctx_t g, int whole)
{
	gpgme_verify_result_t vr;
	gpgme_signature_t s;
	enum mail_sig st;
	gpgme_err_code_t code;

	if ((vr = gpgme_op_verify_result(g)) == NULL ||
	    (s = vr->signatures) == NULL)
		return;
	if (s->next != NULL)
		flag(c, "more than one signature");
	code = gpgme_err_code(s->status);
	if (code == GPG_ERR_NO_PUBKEY)
		st = MAIL_SIG_UNKNOWN_KEY;
	else if (code == GPG_ERR_NO_ERROR && !(s->summary & GPGME_SIGSUM_RED))
		st = MAIL_SIG_VALID;
	else
		st = MAIL_SIG_BAD;
	set_sig(c, st, upper_hex(c, s->fpr), whole);
}

static void
pgp_failed(struct pctx *c, const char *why)
{
	c->msg->pgp = MAIL_PGP_FAILED;
	if (c->msg->pgp_error == NULL)
		c->msg->pgp_error = why;
	flag(c, "encrypted content could not be decrypted");
}

/* Decrypts (and verifies) one encrypted block.  Returns 0 with the
 * plaintext in the arena, or -1 (c->msg->pgp set to FAILED). */
static int
pgp_decrypt(struct pctx *c, const char *in, size_t inlen, int whole,
    const char **out, size_t *outlen)
{
	struct gpgme_data_cbs cbs = { NULL, sink_write, NULL, NULL };
	gpgme_ctx_t g;
	gpgme_data_t din = NULL, dout = NULL;
	gpgme_decrypt_result_t dr;
	gpgme_error_t err;
	struct buf b;
	int rc = -1;

	*out = "";
	*outlen = 0;
	if (c->home == NULL) {
		pgp_failed(c, "no team keyring configured");
		return -1;
	}
	if ((g = pgp_ctx(c)) == NULL) {
		pgp_failed(c, "GnuPG is not available");
		return -1;
	}
	util_buf_init(&b, PLAIN_MAX);
	if (gpgme_data_new_from_mem(&din, in, inlen, 0) != GPG_ERR_NO_ERROR ||
	    gpgme_data_new_from_cbs(&dout, &cbs, &b) != GPG_ERR_NO_ERROR) {
		pgp_failed(c, "GnuPG data setup failed");
		goto out;
	}
	err = gpgme_op_decrypt_ext(g, GPGME_DECRYPT_VERIFY, din, dout);
	dr = gpgme_op_decrypt_result(g);
	if (b.failed && b.len >= PLAIN_MAX) {
		pgp_failed(c, "decrypted content over 64 MiB");
		goto out;
	}
	if (err != GPG_ERR_NO_ERROR) {
		const char *m = util_arena_printf(c->a, "decryption failed: %s",
		    gpgme_strerror(err));

		pgp_failed(c, m == NULL ? "decryption failed" : m);
		goto out;
	}
	/* Fail closed without integrity protection (EFAIL). */
	if (dr == NULL || dr->legacy_cipher_nomdc) {
		pgp_failed(c, "message is not integrity protected (no MDC)");
		goto out;
	}
	if (dr->unsupported_algorithm != NULL) {
		pgp_failed(c, "unsupported algorithm");
		goto out;
	}
	if (b.failed) {
		pgp_failed(c, "out of memory while decrypting");
		goto out;
	}
	if ((*out = amem(c, b.data == NULL ? "" : b.data, b.len)) == NULL)
		goto out;
	*outlen = b.len;
	pgp_sigs(c, g, whole);
	if (c->msg->pgp == MAIL_PGP_NONE)
		c->msg->pgp = MAIL_PGP_DECRYPTED;
	rc = 0;
 out:
	/* On failure nothing of the (partial) plaintext is kept. */
	if (b.data != NULL)
		memset(b.data, 0, b.len);
	util_buf_release(&b);
	gpgme_data_release(dout);
	gpgme_data_release(din);
	return rc;
}

/* Verifies a detached signature (sig over data) or, with data NULL, a
 * clearsigned block sig whose plaintext goes to *out. */
static void
pgp_verify(struct pctx *c, const char *data, size_t len, const char *sig,
    size_t siglen, int whole, const char **out, size_t *outlen)
{
	struct gpgme_data_cbs cbs = { NULL, sink_write, NULL, NULL };
	gpgme_ctx_t g;
	gpgme_data_t dsig = NULL, dtext = NULL, dout = NULL;
	gpgme_error_t err;
	struct buf b;

	if (out != NULL) {
		*out = NULL;
		*outlen = 0;
	}
	if (c->home == NULL || (g = pgp_ctx(c)) == NULL) {
		set_sig(c, MAIL_SIG_UNKNOWN_KEY, NULL, whole);
		return;
	}
	util_buf_init(&b, PLAIN_MAX);
	if (gpgme_data_new_from_mem(&dsig, sig, siglen, 0) != GPG_ERR_NO_ERROR)
		goto fail;
	if (data != NULL) {
		if (gpgme_data_new_from_mem(&dtext, data, len, 0) !=
		    GPG_ERR_NO_ERROR)
			goto fail;
		err = gpgme_op_verify(g, dsig, dtext, NULL);
	} else {
		if (gpgme_data_new_from_cbs(&dout, &cbs, &b) != GPG_ERR_NO_ERROR)
			goto fail;
		err = gpgme_op_verify(g, dsig, NULL, dout);
	}
	if (err != GPG_ERR_NO_ERROR || b.failed)
		goto fail;
	if (gpgme_op_verify_result(g) == NULL ||
	    gpgme_op_verify_result(g)->signatures == NULL)
		goto fail;
	pgp_sigs(c, g, whole);
	if (out != NULL && b.data != NULL) {
		*out = amem(c, b.data, b.len);
		*outlen = b.len;
	}
	goto out;
 fail:
	set_sig(c, MAIL_SIG_BAD, NULL, 0);
	flag(c, "signature could not be checked");
 out:
	util_buf_release(&b);
	gpgme_data_release(dout);
	gpgme_data_release(dtext);
	gpgme_data_release(dsig);
}

/* Offset of marker at the start of a line in s[0..n), or n. */
static size_t
find_line(const char *s, size_t n, const char *marker)
{
	size_t ml = strlen(marker), i;

	for (i = 0; i + ml <= n; i++) {
		if ((i == 0 || s[i - 1] == '\n') &&
		    memcmp(s + i, marker, ml) == 0)
			return i;
		/* jump to the next line */
		while (i < n && s[i] != '\n')
			i++;
	}
	return n;
}

/* Offset just past the line that holds marker, from start; or n. */
static size_t
block_end(const char *s, size_t n, size_t start, const char *marker)
{
	size_t e = find_line(s + start, n - start, marker);

	if (e == n - start)
		return n;
	e += start;
	while (e < n && s[e] != '\n')
		e++;
	return e < n ? e + 1 : n;
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

/* A text/plain body: inline PGP decrypted (each block alone), clearsigned
 * text verified, then added as a candidate. */
static void
text_plain(struct pctx *c, const struct item *it, const char *t, size_t n)
{
	const char *pt;
	size_t b, e, ptl;
	int enc = it->encrypted, layers = it->layers, whole = it->whole;

	while ((b = find_line(t, n, PGP_MSG_BEGIN)) < n) {
		if (layers >= MAX_LAYERS) {
			pgp_failed(c, "more than 3 nested encryption layers");
			return;
		}
		e = block_end(t, n, b, PGP_MSG_END);
		if (!blank(t, b) || !blank(t + e, n - e)) {
			flag(c, "text outside the inline PGP block ignored");
			whole = 0;
		}
		if (pgp_decrypt(c, t + b, e - b, whole, &pt, &ptl) == -1)
			return;
		if ((t = clean(c, pt, ptl, 0, 0, &n)) == NULL)
			return;
		enc = 1;
		layers++;
	}
	if ((b = find_line(t, n, PGP_SIG_BEGIN)) < n) {
		e = block_end(t, n, b, PGP_SIG_END);
		if (!blank(t, b) || !blank(t + e, n - e)) {
			flag(c, "text outside the signed block");
			pgp_verify(c, NULL, 0, t + b, e - b, 0, &pt, &ptl);
		} else {
			pgp_verify(c, NULL, 0, t + b, e - b, whole, &pt, &ptl);
			if (pt != NULL &&
			    (pt = clean(c, pt, ptl, 0, 0, &ptl)) != NULL) {
				t = pt;
				n = ptl;
			}
		}
	}
	add_cand(c, t, n, 0, enc, it->alt);
}

/* ---- the walk ---- */

static void
leaf(struct pctx *c, const struct item *it)
{
	GMimeObject *obj = it->obj;
	GMimeContentDisposition *disp;
	const char *fname, *ct, *data, *t;
	size_t len, tl;
	int is_att;

	ct = mime_type(c, obj);
	fname = g_mime_part_get_filename(GMIME_PART(obj));
	disp = g_mime_object_get_content_disposition(obj);
	is_att = disp != NULL && g_mime_content_disposition_is_attachment(disp);
	if (part_bytes(c, GMIME_PART(obj), &data, &len) == -1)
		return;
	if (!is_att && fname == NULL && (strcmp(ct, "text/plain") == 0 ||
	    strcmp(ct, "text/html") == 0)) {
		if ((t = to_utf8(c, data, len, param(obj, "charset"),
		    &tl)) == NULL)
			return;
		if (ct[5] == 'p')
			text_plain(c, it, t, tl);
		else
			add_cand(c, t, tl, 1, it->encrypted, it->alt);
		return;
	}
	add_att(c, fname, ct, data, len, it->encrypted);
}

static void
encrypted(struct pctx *c, const struct item *it)
{
	GMimeMultipart *mp = GMIME_MULTIPART(it->obj);
	GMimeObject *content, *inner;
	GMimeParser *parser;
	GMimeStream *mem;
	struct item child;
	const char *data, *pt;
	size_t len, ptl;

	if (it->layers >= MAX_LAYERS) {
		pgp_failed(c, "more than 3 nested encryption layers");
		return;
	}
	if (g_mime_multipart_get_count(mp) < 2 ||
	    (content = g_mime_multipart_get_part(mp,
	    GMIME_MULTIPART_ENCRYPTED_CONTENT)) == NULL ||
	    !GMIME_IS_PART(content)) {
		pgp_failed(c, "malformed PGP/MIME message");
		return;
	}
	if (part_bytes(c, GMIME_PART(content), &data, &len) == -1)
		return;
	if (pgp_decrypt(c, data, len, it->whole, &pt, &ptl) == -1)
		return;
	/* The plaintext is a MIME entity of its own. */
	mem = g_mime_stream_mem_new_with_buffer(pt, ptl);
	parser = g_mime_parser_new_with_stream(mem);
	g_object_unref(mem);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	inner = g_mime_parser_construct_part(parser, c->popts);
	g_object_unref(parser);
	if (inner == NULL) {
		const char *t = clean(c, pt, ptl, 0, 0, &len);

		if (t != NULL)
			add_cand(c, t, len, 0, 1, NULL);
		return;
	}
	own(c, inner);
	child = *it;
	child.obj = inner;
	child.depth = it->depth + 1;
	child.encrypted = 1;
	child.layers = it->layers + 1;
	child.alt = NULL;
	push(c, &child);
}

static void
signed_part(struct pctx *c, const struct item *it)
{
	GMimeMultipart *mp = GMIME_MULTIPART(it->obj);
	GMimeObject *content, *sig;
	struct item child;
	const char *data, *sdata;
	size_t len, slen;

	if (g_mime_multipart_get_count(mp) < 2 ||
	    (content = g_mime_multipart_get_part(mp,
	    GMIME_MULTIPART_SIGNED_CONTENT)) == NULL ||
	    (sig = g_mime_multipart_get_part(mp,
	    GMIME_MULTIPART_SIGNED_SIGNATURE)) == NULL ||
	    !GMIME_IS_PART(sig)) {
		set_sig(c, MAIL_SIG_BAD, NULL, 0);
		flag(c, "malformed PGP/MIME signature");
		return;
	}
	/* RFC 3156 5: the content as sent, with CRLF line ends. */
	if (obj_bytes(c, content, 1, &data, &len) == -1 ||
	    part_bytes(c, GMIME_PART(sig), &sdata, &slen) == -1)
		return;
	pgp_verify(c, data, len, sdata, slen, it->whole, NULL, NULL);
	child = *it;
	child.obj = content;
	child.depth = it->depth + 1;
	push(c, &child);
}

static void
multipart(struct pctx *c, const struct item *it)
{
	GMimeMultipart *mp = GMIME_MULTIPART(it->obj);
	GMimeContentType *ct = g_mime_object_get_content_type(it->obj);
	struct item child;
	int n, i, room, isalt;

	n = g_mime_multipart_get_count(mp);
	if (n <= 0)
		return;
	isalt = ct != NULL &&
	    g_mime_content_type_is_type(ct, "multipart", "alternative");
	child = *it;
	child.depth = it->depth + 1;
	child.whole = it->whole && n == 1;
	if (isalt)
		child.alt = it->obj;
	if (child.depth > c->lim.max_depth) {
		flag(c, "MIME nesting too deep; deeper parts dropped");
		return;
	}
	room = (size_t)n > c->lim.max_parts - c->nparts ?
	    (int)(c->lim.max_parts - c->nparts) : n;
	if (room < n)
		flag(c, "too many MIME parts; the rest dropped");
	/* reverse, so that they come off the stack in order */
	for (i = room - 1; i >= 0; i--) {
		child.obj = g_mime_multipart_get_part(mp, i);
		if (child.obj != NULL && push(c, &child) == -1)
			return;
	}
}

static void
message_part(struct pctx *c, const struct item *it)
{
	GMimeMessage *m = g_mime_message_part_get_message(
	    GMIME_MESSAGE_PART(it->obj));
	GMimeContentDisposition *disp;
	const char *data = "", *fname = NULL;
	size_t len = 0;

	if (m != NULL && obj_bytes(c, GMIME_OBJECT(m), 0, &data, &len) == -1)
		return;
	disp = g_mime_object_get_content_disposition(it->obj);
	if (disp != NULL)
		fname = g_mime_content_disposition_get_parameter(disp,
		    "filename");
	if (fname == NULL)
		fname = param(it->obj, "name");
	add_att(c, fname, mime_type(c, it->obj), data, len, it->encrypted);
}

static void
walk(struct pctx *c, GMimeObject *root)
{
	struct item it;
	GMimeHeaderList *hl;
	const char *proto;

	memset(&it, 0, sizeof(it));
	it.obj = root;
	it.depth = 1;
	it.whole = 1;
	if (push(c, &it) == -1)
		return;
	while (c->nstack > 0 && !c->oom) {
		it = c->stack[--c->nstack];
		if ((hl = g_mime_object_get_header_list(it.obj)) != NULL)
			c->nheaders += (size_t)g_mime_header_list_get_count(hl);
		if (c->nheaders > c->lim.max_headers) {
			flag(c, "too many header fields; the rest dropped");
			break;
		}
		if (GMIME_IS_MULTIPART_ENCRYPTED(it.obj)) {
			proto = param(it.obj, "protocol");
			if (proto != NULL &&
			    ascii_ieq(proto, "application/pgp-encrypted")) {
				encrypted(c, &it);
				continue;
			}
		}
		if (GMIME_IS_MULTIPART_SIGNED(it.obj)) {
			proto = param(it.obj, "protocol");
			if (proto != NULL &&
			    ascii_ieq(proto, "application/pgp-signature")) {
				signed_part(c, &it);
				continue;
			}
		}
		if (GMIME_IS_MULTIPART(it.obj))
			multipart(c, &it);
		else if (GMIME_IS_MESSAGE_PART(it.obj))
			message_part(c, &it);
		else if (GMIME_IS_PART(it.obj))
			leaf(c, &it);
	}
}

/* ---- body selection ---- */

static int
rank(const struct cand *k)
{
	return (k->encrypted ? 2 : 0) + (k->html ? 0 : 1);
}

static void
pick_body(struct pctx *c)
{
	struct cand *k, *best = NULL;
	struct buf b;

	for (k = c->cands; k != NULL; k = k->next)
		if (best == NULL || rank(k) > rank(best))
			best = k;
	if (best == NULL)
		return;
	if (best->html) {
		util_buf_init(&b, 0);
		html_text(best->text, best->len, &b);
		if (b.failed)
			c->oom = 1;
		else
			c->msg->text = clean(c, b.data == NULL ? "" : b.data,
			    b.len, 0, 0, NULL);
		util_buf_release(&b);
		c->msg->text_from_html = 1;
	} else
		c->msg->text = best->text;
	/* The others: alternatives of the body are dropped, the rest are
	 * kept apart as attachments, never joined to the body. */
	for (k = c->cands; k != NULL; k = k->next) {
		if (k == best)
			continue;
		if (k->alt != NULL && (k->alt == best->alt || k->html))
			continue;
		if (best->encrypted && !k->encrypted)
			flag(c, "unencrypted text beside encrypted content "
			    "kept apart");
		else
			flag(c, "more than one body part");
		add_att(c, NULL, k->html ? "text/html" : "text/plain",
		    k->text, k->len, k->encrypted);
	}
}

/* ---- headers ---- */

/* addr-spec of a mailbox, domain lower-cased; NULL if unusable. */
static const char *
addr_spec(struct pctx *c, InternetAddress *ia)
{
	const char *addr, *at;
	char *d;
	size_t i, n;

	if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
		return NULL;
	addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	if (addr == NULL || (n = strlen(addr)) == 0 || n > 254 ||
	    (at = strrchr(addr, '@')) == NULL || at == addr || at[1] == '\0')
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)addr[i];

		if (ch <= ' ' || ch == 0x7f || ch == '"' || ch == '<' ||
		    ch == '>' || ch == '\\' || ch == ',')
			return NULL;
	}
	if ((d = amem(c, addr, n)) == NULL)
		return NULL;
	for (i = (size_t)(at - addr) + 1; i < n; i++)
		d[i] = g_ascii_tolower(d[i]);
	if (clean(c, d, n, 1, 0, NULL) == NULL || strstr(d, REPL) != NULL)
		return NULL;
	return d;
}

static void
add_rcpt(const char **list, size_t *np, const char *a)
{
	size_t i;

	if (a == NULL || *np >= MAX_RCPTS)
		return;
	for (i = 0; i < *np; i++)
		if (g_ascii_strcasecmp(list[i], a) == 0)
			return;
	list[(*np)++] = a;
}

static void
add_list(struct pctx *c, const char **list, size_t *np,
    InternetAddressList *l)
{
	InternetAddress *ia;
	InternetAddressList *mem;
	int i, j;

	if (l == NULL)
		return;
	for (i = 0; i < internet_address_list_length(l); i++) {
		ia = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			mem = internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia));
			for (j = 0; mem != NULL &&
			    j < internet_address_list_length(mem); j++)
				add_rcpt(list, np, addr_spec(c,
				    internet_address_list_get_address(mem, j)));
		} else
			add_rcpt(list, np, addr_spec(c, ia));
	}
}

/* A message id without <>; NULL when empty or not a plain token. */
static const char *
strip_id(struct pctx *c, const char *id)
{
	size_t i, n;

	if (id == NULL || (n = strlen(id)) == 0 || n > 998)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)id[i];

		if (ch <= ' ' || ch >= 0x7f || ch == '<' || ch == '>' ||
		    ch == '"' || ch == '\\')
			return NULL;
	}
	return amem(c, id, n);
}

static void
headers(struct pctx *c, GMimeMessage *m)
{
	struct mail_msg *msg = c->msg;
	GMimeObject *obj = GMIME_OBJECT(m);
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	GMimeHeader *h;
	GMimeReferences *refs;
	InternetAddressList *l;
	InternetAddress *ia;
	GDateTime *dt;
	const char *v, *name, **rcpts;
	char tok[32];
	size_t nr = 0;
	int i, n, first, count;

	msg->message_id = strip_id(c, g_mime_message_get_message_id(m));
	if ((v = g_mime_object_get_header(obj, "In-Reply-To")) != NULL &&
	    (refs = g_mime_references_parse(c->popts, v)) != NULL) {
		if (g_mime_references_length(refs) > 0)
			msg->in_reply_to = strip_id(c,
			    g_mime_references_get_message_id(refs, 0));
		g_mime_references_free(refs);
	}
	if ((v = g_mime_object_get_header(obj, "References")) != NULL &&
	    (refs = g_mime_references_parse(c->popts, v)) != NULL) {
		count = g_mime_references_length(refs);
		first = count > MAX_REFS ? count - MAX_REFS : 0;
		msg->references = util_arena_zalloc(c->a,
		    sizeof(char *) * (size_t)(count - first + 1));
		if (msg->references == NULL)
			c->oom = 1;
		for (i = first; msg->references != NULL && i < count; i++) {
			v = strip_id(c, g_mime_references_get_message_id(refs,
			    i));
			if (v != NULL)
				msg->references[msg->nreferences++] = v;
		}
		g_mime_references_free(refs);
	}

	l = g_mime_message_get_from(m);
	if (l != NULL && internet_address_list_length(l) > 0) {
		ia = internet_address_list_get_address(l, 0);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			msg->from_addr = addr_spec(c, ia);
			v = internet_address_get_name(ia);
			if (v != NULL)
				msg->from_name = hdr_clean(c, v);
			if (msg->from_addr == NULL)
				flag(c, "From address unusable");
		}
	}
	if (msg->from_name == NULL)
		msg->from_name = "";
	l = g_mime_message_get_reply_to(m);
	if (l != NULL && internet_address_list_length(l) > 0)
		msg->reply_to = addr_spec(c,
		    internet_address_list_get_address(l, 0));

	if ((rcpts = util_arena_zalloc(c->a, sizeof(char *) * MAX_RCPTS)) ==
	    NULL) {
		c->oom = 1;
		return;
	}
	add_list(c, rcpts, &nr, g_mime_message_get_to(m));
	add_list(c, rcpts, &nr, g_mime_message_get_cc(m));
	n = hl == NULL ? 0 : g_mime_header_list_get_count(hl);
	for (i = 0; i < n; i++) {
		h = g_mime_header_list_get_header_at(hl, i);
		name = g_mime_header_get_name(h);
		v = g_mime_header_get_value(h);
		if (name == NULL || v == NULL)
			continue;
		if (ascii_ieq(name, "Delivered-To") ||
		    ascii_ieq(name, "X-Original-To")) {
			l = internet_address_list_parse(c->popts, v);
			if (l != NULL) {
				add_list(c, rcpts, &nr, l);
				g_object_unref(l);
			}
		} else if (ascii_ieq(name, "Auto-Submitted")) {
			first_token(v, tok, sizeof(tok));
			if (strcmp(tok, "no") != 0)
				msg->auto_submitted = 1;
		} else if (ascii_ieq(name, "Precedence")) {
			first_token(v, tok, sizeof(tok));
			if (strcmp(tok, "bulk") == 0 ||
			    strcmp(tok, "junk") == 0 || strcmp(tok, "list") == 0)
				msg->bulk = 1;
		} else if (ascii_ieq(name, "List-Id") ||
		    ascii_ieq(name, "List-Unsubscribe"))
			msg->bulk = 1;
		else if (ascii_ieq(name, "X-Vigil-Loop"))
			msg->our_loop = 1;
	}
	msg->recipients = rcpts;
	msg->nrecipients = nr;

	v = g_mime_message_get_subject(m);
	msg->subject = v == NULL ? "" : hdr_clean(c, v);
	if (msg->subject == NULL)
		msg->subject = "";
	if ((dt = g_mime_message_get_date(m)) != NULL)
		msg->date = (time_t)g_date_time_to_unix(dt);
}

/* 1 if raw starts like a message: an optional mbox "From " line, then a
 * header field name and a colon.  Also scans the header block for the
 * longest line and the number of fields. */
static int
looks_like_message(struct pctx *c, const char *raw, size_t len)
{
	size_t i = 0, ls, fields = 0, longest = 0;
	unsigned char ch;

	if (len >= 5 && memcmp(raw, "From ", 5) == 0) {
		while (i < len && raw[i] != '\n')
			i++;
		i++;
	}
	for (ls = i; i < len; i++) {
		ch = (unsigned char)raw[i];
		if (ch == ':')
			break;
		if (ch <= ' ' || ch >= 0x7f)
			return 0;
	}
	if (i >= len || i == ls)
		return 0;
	/* header block: count fields, find the longest line */
	for (i = ls; i < len; ) {
		ls = i;
		while (i < len && raw[i] != '\n')
			i++;
		if (i - ls > longest)
			longest = i - ls;
		if (i - ls == 0 || (i - ls == 1 && raw[ls] == '\r'))
			break;
		if (raw[ls] != ' ' && raw[ls] != '\t')
			fields++;
		i++;
	}
	if (longest > HDR_LINE_FLAG)
		flag(c, "header line over 64 KiB");
	if (fields > c->lim.max_headers)
		flag(c, "too many header fields; the rest dropped");
	return 1;
}

static void
finish(struct pctx *c)
{
	struct mail_msg *m = c->msg;
	struct att *t;
	size_t i;

	if (c->warn & ((1u << GMIME_CRIT_INVALID_HEADER_NAME) |
	    (1u << GMIME_CRIT_CONFLICTING_HEADER) |
	    (1u << GMIME_CRIT_CONFLICTING_PARAMETER) |
	    (1u << GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY) |
	    (1u << GMIME_CRIT_NESTING_OVERFLOW) |
	    (1u << GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT)))
		flag(c, "MIME structure damaged");
	if (c->warn & (1u << GMIME_WARN_TRUNCATED_MESSAGE))
		flag(c, "message truncated");
	if (c->natts > 0) {
		m->attachments = util_arena_zalloc(c->a,
		    sizeof(*m->attachments) * c->natts);
		if (m->attachments == NULL) {
			c->oom = 1;
			return;
		}
		for (t = c->atts, i = 0; t != NULL; t = t->next, i++)
			m->attachments[i] = t->a;
		m->nattachments = c->natts;
	}
	if (m->text == NULL)
		m->text = "";
	if (m->pgp == MAIL_PGP_FAILED) {
		/* never show plaintext from half a message as its body */
		m->text = "";
		m->text_from_html = 0;
	}
	if (c->flaglen > 0)
		m->flag = amem(c, c->flag, c->flaglen);
}

int
mail_parse(struct arena *a, const char *raw, size_t len,
    const struct mail_limits *lim, const char *gnupg_home,
    struct mail_msg *msg, const char **why)
{
	struct pctx c;
	GMimeStream *mem = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *m = NULL;
	GMimeObject *root;
	const char *dummy;
	int rc = -1;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	memset(msg, 0, sizeof(*msg));
	msg->subject = msg->from_name = msg->text = "";
	memset(&c, 0, sizeof(c));
	c.a = a;
	c.msg = msg;
	c.home = gnupg_home;
	c.candtail = &c.cands;
	c.atttail = &c.atts;
	c.lim.max_parts = DEF_MAX_PARTS;
	c.lim.max_depth = DEF_MAX_DEPTH;
	c.lim.max_headers = DEF_MAX_HEADERS;
	c.lim.max_attachment = DEF_MAX_ATT;
	if (lim != NULL) {
		if (lim->max_parts > 0)
			c.lim.max_parts = lim->max_parts;
		if (lim->max_depth > 0)
			c.lim.max_depth = lim->max_depth;
		if (lim->max_headers > 0)
			c.lim.max_headers = lim->max_headers;
		if (lim->max_attachment > 0)
			c.lim.max_attachment = lim->max_attachment;
	}
	if (raw == NULL || len == 0) {
		*why = "empty message";
		return -1;
	}
	if (!looks_like_message(&c, raw, len)) {
		*why = "not an e-mail message (no header fields)";
		return -1;
	}

	c.owned = g_ptr_array_new_with_free_func(g_object_unref);
	c.popts = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(c.popts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(c.popts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(c.popts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_allow_addresses_without_domain(c.popts,
	    FALSE);
	g_mime_parser_options_set_warning_callback(c.popts, on_warning, &c);

	mem = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(mem);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	g_mime_parser_set_respect_content_length(parser, FALSE);
	m = g_mime_parser_construct_message(parser, c.popts);
	if (m == NULL) {
		*why = "no parsable message";
		goto out;
	}
	headers(&c, m);
	if ((root = g_mime_message_get_mime_part(m)) != NULL)
		walk(&c, root);
	if (!c.oom)
		pick_body(&c);
	if (!c.oom)
		finish(&c);
	if (c.oom) {
		*why = "message too large for the memory limit";
		goto out;
	}
	rc = 0;
 out:
	if (c.gctx != NULL)
		gpgme_release(c.gctx);
	free(c.stack);
	if (m != NULL)
		g_object_unref(m);
	if (parser != NULL)
		g_object_unref(parser);
	if (mem != NULL)
		g_object_unref(mem);
	g_ptr_array_free(c.owned, TRUE);
	g_mime_parser_options_free(c.popts);
	if (rc == -1)
		memset(msg, 0, sizeof(*msg));
	return rc;
}
