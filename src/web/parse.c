/* web/parse.c - see parse.h.
 *
 * Cursor parsers over (pointer, end) ranges: every loop is bounded by an
 * end pointer, nothing relies on NUL termination of the input, and each
 * byte of a body is visited a bounded number of times (no quadratic
 * rescans).  Reading order: small helpers, header parameters, multipart,
 * urlencoded, cookies. */
#include <stdint.h>
#include <string.h>

#include "util/arena.h"
#include "web/parse.h"

#define BOUNDARY_MAX	70
#define PARTS_INITIAL	8

#define E_MP_CTYPE \
	"Malformed multipart body: the Content-Type is not multipart/form-data."
#define E_MP_NOBOUND	"Malformed multipart body: missing boundary."
#define E_MP_BADBOUND \
	"Malformed multipart body: invalid boundary (1 to 70 characters)."
#define E_MP_DUPBOUND \
	"Malformed multipart body: more than one boundary parameter."
#define E_MP_CTPARAM \
	"Malformed multipart body: malformed Content-Type parameters."
#define E_MP_TRUNC \
	"Malformed multipart body: truncated (closing boundary missing)."
#define E_MP_EOL	"Malformed multipart body: lines must end in CRLF."
#define E_MP_PARTS	"Malformed multipart body: too many parts."
#define E_MP_HDRBIG	"Malformed multipart body: part headers too large."
#define E_MP_HDREND \
	"Malformed multipart body: part headers not ended by an empty line."
#define E_MP_HDRNUL	"Malformed multipart body: NUL byte in part headers."
#define E_MP_FOLD \
	"Malformed multipart body: folded part headers are not supported."
#define E_MP_HDRBAD \
	"Malformed multipart body: malformed part header line."
#define E_MP_DUPHDR	"Malformed multipart body: duplicate part header."
#define E_MP_NOCD \
	"Malformed multipart body: part without Content-Disposition."
#define E_MP_NOTFD \
	"Malformed multipart body: part Content-Disposition is not form-data."
#define E_MP_CDBAD \
	"Malformed multipart body: malformed Content-Disposition parameters."
#define E_MP_NONAME	"Malformed multipart body: part without a name."
#define E_MP_DUPPARAM \
	"Malformed multipart body: duplicate Content-Disposition parameter."
#define E_MP_NAMENUL \
	"Malformed multipart body: NUL in a part name or file name."
#define E_MP_FNSTAR \
	"Malformed multipart body: malformed filename* parameter."
#define E_MP_FNCHARSET \
	"Malformed multipart body: unsupported filename* character set."
#define E_MP_FNUTF8 \
	"Malformed multipart body: filename* is not valid UTF-8."
#define E_NOMEM \
	"Request too large: out of memory for this request."
#define E_UE_ESCAPE	"Malformed form data: invalid percent escape."
#define E_UE_NAMENUL	"Malformed form data: NUL in a field name."
#define E_UE_FIELDS	"Malformed form data: too many fields."

/* What follows "--boundary" on a candidate boundary line. */
enum delim {
	DL_NONE,	/* not a boundary line: the text is data */
	DL_NEXT,	/* boundary line, a part follows */
	DL_LAST,	/* closing boundary */
	DL_BADEOL,	/* boundary line ended by a bare LF or CR */
	DL_TRUNC,	/* input ended: no (complete) boundary line */
	DL__MAX
};

static int
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 2046 bchars (space allowed, but not as the last character). */
static int
is_bchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("'()+_,-./:=? ", c) != NULL;
}

/* Control characters other than HTAB. */
static int
is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static unsigned char
lc(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Case-insensitive: does [s, s+n) equal the string t? */
static int
ci_eq(const char *s, size_t n, const char *t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i] == '\0' || lc(s[i]) != lc(t[i]))
			return 0;
	return t[n] == '\0';
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static const char *
skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *
trim_ows_end(const char *s, const char *e)
{
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return e;
}

/*
 * Splits the leading type ("form-data", "text/plain") off a header value
 * in [p, end): sets *ts and *tl to it, without surrounding whitespace,
 * and returns where the parameters begin.
 */
static const char *
type_split(const char *p, const char *end, const char **ts, size_t *tl)
{
	p = skip_ows(p, end);
	*ts = p;
	while (p < end && *p != ';' && *p != ' ' && *p != '\t')
		p++;
	*tl = (size_t)(p - *ts);
	return p;
}

/*
 * Reads a quoted-string starting at the '"' at p, not past end.  On
 * success returns the byte after the closing quote and, if out is not
 * NULL, writes the unescaped contents there (room for *outlen bytes is
 * needed: call once with out NULL to learn *outlen).  Returns NULL on an
 * unterminated string or a control character.
 */
static const char *
quoted_read(const char *p, const char *end, char *out, size_t *outlen)
{
	size_t n = 0;
	unsigned char c;

	for (p++; p < end; p++) {
		c = (unsigned char)*p;
		if (c == '"') {
			*outlen = n;
			return p + 1;
		}
		if (c == '\\') {
			if (++p == end)
				return NULL;
			c = (unsigned char)*p;
		}
		if (is_ctl(c))
			return NULL;
		if (out != NULL)
			out[n] = (char)c;
		n++;
	}
	return NULL;
}

/*
 * Scans the parameters in [p, end) - the rest of a header value after its
 * type: *( OWS ";" OWS [ token OWS "=" OWS ( token / quoted-string ) ] ).
 * Returns -1 on a syntax error anywhere or an exhausted arena, else the
 * number of parameters named want (case-insensitive); the first one's
 * value is stored, unquoted and NUL-terminated, in *out / *outlen.
 */
static int
param_scan(struct arena *a, const char *p, const char *end,
    const char *want, char **out, size_t *outlen)
{
	const char *ns, *ne, *vs, *ve;
	size_t vlen;
	int found = 0, quoted, match;

	for (;;) {
		p = skip_ows(p, end);
		if (p == end)
			return found;
		if (*p != ';')
			return -1;
		p = skip_ows(p + 1, end);
		if (p == end || *p == ';')
			continue;
		ns = p;
		while (p < end && is_tchar((unsigned char)*p))
			p++;
		ne = p;
		if (ns == ne)
			return -1;
		p = skip_ows(p, end);
		if (p == end || *p != '=')
			return -1;
		p = skip_ows(p + 1, end);
		vs = p;
		if (p < end && *p == '"') {
			quoted = 1;
			if ((p = quoted_read(p, end, NULL, &vlen)) == NULL)
				return -1;
		} else {
			quoted = 0;
			while (p < end && is_tchar((unsigned char)*p))
				p++;
			if (p == vs)
				return -1;
			vlen = (size_t)(p - vs);
		}
		ve = p;
		match = ci_eq(ns, (size_t)(ne - ns), want);
		if (match && found++ == 0) {
			if (vlen == SIZE_MAX ||
			    (*out = util_arena_alloc(a, vlen + 1)) == NULL)
				return -1;
			if (quoted)
				(void)quoted_read(vs, ve, *out, &vlen);
			else
				memcpy(*out, vs, vlen);
			(*out)[vlen] = '\0';
			*outlen = vlen;
		}
	}
}

int
web_media_type_is(const char *content_type, const char *type)
{
	const char *end, *p, *ts;
	size_t tl;

	if (content_type == NULL || type == NULL)
		return 0;
	end = content_type + strlen(content_type);
	p = type_split(content_type, end, &ts, &tl);
	p = skip_ows(p, end);
	if (p != end && *p != ';')
		return 0;
	return tl > 0 && ci_eq(ts, tl, type);
}

const char *
web_header_param(struct arena *a, const char *value, const char *param)
{
	const char *end, *p, *ts;
	char *out = NULL;
	size_t tl, olen;

	if (value == NULL || param == NULL)
		return NULL;
	end = value + strlen(value);
	p = type_split(value, end, &ts, &tl);
	if (param_scan(a, p, end, param, &out, &olen) <= 0)
		return NULL;
	return out;
}

/* ---- multipart/form-data ---- */

/* Classifies what follows the boundary text at p (see enum delim);
 * for DL_NEXT and DL_LAST *next is the first byte after the line. */
static enum delim
delim_tail(const char *p, const char *end, const char **next)
{
	if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
		*next = p + 2;
		return DL_LAST;
	}
	p = skip_ows(p, end);
	if (p == end)
		return DL_TRUNC;
	if (*p == '\n')
		return DL_BADEOL;
	if (*p != '\r')
		return DL_NONE;
	if (end - p < 2)
		return DL_TRUNC;
	if (p[1] != '\n')
		return DL_BADEOL;
	*next = p + 2;
	return DL_NEXT;
}

/*
 * Finds the next boundary line at or after body + from: delim is
 * CRLF "--" boundary, dlen bytes.  Boundary text that does not form a
 * boundary line is data.  Sets *at to the CR that starts the delimiter.
 */
static enum delim
delim_find(const char *body, size_t len, size_t from, const char *delim,
    size_t dlen, const char **at, const char **next)
{
	const char *end = body + len, *q;
	enum delim k;
	size_t i;

	for (i = from; i <= len && len - i >= dlen; i++) {
		q = memchr(body + i, '\r', len - i - dlen + 1);
		if (q == NULL)
			break;
		i = (size_t)(q - body);
		if (memcmp(q, delim, dlen) != 0)
			continue;
		if ((k = delim_tail(q + dlen, end, next)) == DL_NONE)
			continue;
		*at = q;
		return k;
	}
	return DL_TRUNC;
}

/*
 * Decodes an RFC 5987 ext-value (charset'lang'pct-encoded) into a
 * NUL-terminated UTF-8 arena string.  Returns NULL with *err set.
 */
static char *
ext_value_decode(struct arena *a, const char *s, size_t n, const char **err)
{
	const char *end = s + n, *cs, *q;
	size_t csl, o = 0, i, j, need;
	unsigned char c, c1;
	int latin1, h, l;
	char *out;

	cs = s;
	if ((q = memchr(s, '\'', n)) == NULL) {
		*err = E_MP_FNSTAR;
		return NULL;
	}
	csl = (size_t)(q - cs);
	if (ci_eq(cs, csl, "utf-8"))
		latin1 = 0;
	else if (ci_eq(cs, csl, "iso-8859-1"))
		latin1 = 1;
	else {
		*err = E_MP_FNCHARSET;
		return NULL;
	}
	q++;
	if ((q = memchr(q, '\'', (size_t)(end - q))) == NULL) {
		*err = E_MP_FNSTAR;
		return NULL;
	}
	q++;
	if ((size_t)(end - q) > (SIZE_MAX - 1) / 2 ||
	    (out = util_arena_alloc(a, (size_t)(end - q) * 2 + 1)) == NULL) {
		*err = E_NOMEM;
		return NULL;
	}
	for (; q < end; q++) {
		c = (unsigned char)*q;
		if (c == '%') {
			if (end - q < 3 ||
			    (h = hexval((unsigned char)q[1])) < 0 ||
			    (l = hexval((unsigned char)q[2])) < 0) {
				*err = E_MP_FNSTAR;
				return NULL;
			}
			c = (unsigned char)(h << 4 | l);
			q += 2;
			if (c == '\0') {
				*err = E_MP_NAMENUL;
				return NULL;
			}
		} else if (!is_tchar(c) || c == '\'' || c == '*') {
			*err = E_MP_FNSTAR;
			return NULL;
		}
		if (latin1 && c >= 0x80) {
			out[o++] = (char)(0xc0 | c >> 6);
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	if (latin1)
		return out;

	/* Well-formed UTF-8 only: no overlongs, surrogates or > U+10FFFF. */
	for (i = 0; i < o; i += need) {
		c = (unsigned char)out[i];
		if (c < 0x80) {
			need = 1;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 2;
		else if (c >= 0xe0 && c <= 0xef)
			need = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 4;
		else
			goto bad;
		if (o - i < need)
			goto bad;
		for (j = 1; j < need; j++)
			if (((unsigned char)out[i + j] & 0xc0) != 0x80)
				goto bad;
		c1 = (unsigned char)out[i + 1];
		if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) ||
		    (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f))
			goto bad;
	}
	return out;
bad:
	*err = E_MP_FNUTF8;
	return NULL;
}

/* Parses Content-Disposition [s, e) into p->name and p->filename. */
static int
disposition_parse(struct arena *a, const char *s, const char *e,
    struct web_part *p, const char **err)
{
	const char *q, *ts;
	char *v = NULL;
	size_t tl, vl = 0;
	int r;

	q = type_split(s, e, &ts, &tl);
	if (!ci_eq(ts, tl, "form-data")) {
		*err = E_MP_NOTFD;
		return -1;
	}

	if ((r = param_scan(a, q, e, "name", &v, &vl)) == -1) {
		*err = E_MP_CDBAD;
		return -1;
	} else if (r > 1) {
		*err = E_MP_DUPPARAM;
		return -1;
	} else if (r == 0 || vl == 0) {
		*err = E_MP_NONAME;
		return -1;
	}
	if (memchr(v, '\0', vl) != NULL) {
		*err = E_MP_NAMENUL;
		return -1;
	}
	p->name = v;

	if ((r = param_scan(a, q, e, "filename*", &v, &vl)) > 1) {
		*err = E_MP_DUPPARAM;
		return -1;
	} else if (r == 1) {
		if ((p->filename = ext_value_decode(a, v, vl, err)) == NULL)
			return -1;
	}
	if ((r = param_scan(a, q, e, "filename", &v, &vl)) > 1) {
		*err = E_MP_DUPPARAM;
		return -1;
	} else if (r == 1 && p->filename == NULL) {
		if (memchr(v, '\0', vl) != NULL) {
			*err = E_MP_NAMENUL;
			return -1;
		}
		p->filename = v;
	}
	return 0;
}

/*
 * Parses one part, [s, e) being everything between the CRLF ending its
 * boundary line and the CRLF starting the next one.
 */
static int
part_parse(struct arena *a, const char *s, const char *e, size_t maxhdr,
    struct web_part *p, const char **err)
{
	const char *q = s, *ls, *ns, *vs, *ve;
	const char *cds = NULL, *cde = NULL, *cts = NULL, *cte = NULL;

	memset(p, 0, sizeof(*p));
	for (;;) {
		ls = q;
		while (q < e && !is_ctl((unsigned char)*q))
			q++;
		if ((size_t)(q - s) > maxhdr) {
			*err = E_MP_HDRBIG;
			return -1;
		}
		if (q == e) {
			*err = E_MP_HDREND;
			return -1;
		}
		if (*q == '\0') {
			*err = E_MP_HDRNUL;
			return -1;
		}
		if (*q == '\n' ||
		    (*q == '\r' && (e - q < 2 || q[1] != '\n'))) {
			*err = E_MP_EOL;
			return -1;
		}
		if (*q != '\r') {
			/* another control character */
			*err = E_MP_HDRBAD;
			return -1;
		}
		if (q == ls)
			break;		/* the empty line */
		if ((size_t)(q + 2 - s) > maxhdr) {
			*err = E_MP_HDRBIG;
			return -1;
		}
		if (*ls == ' ' || *ls == '\t') {
			*err = E_MP_FOLD;
			return -1;
		}
		ns = ls;
		while (ns < q && is_tchar((unsigned char)*ns))
			ns++;
		if (ns == ls || ns == q || *ns != ':') {
			*err = E_MP_HDRBAD;
			return -1;
		}
		vs = skip_ows(ns + 1, q);
		ve = trim_ows_end(vs, q);
		if (ci_eq(ls, (size_t)(ns - ls), "content-disposition")) {
			if (cds != NULL) {
				*err = E_MP_DUPHDR;
				return -1;
			}
			cds = vs;
			cde = ve;
		} else if (ci_eq(ls, (size_t)(ns - ls), "content-type")) {
			if (cts != NULL) {
				*err = E_MP_DUPHDR;
				return -1;
			}
			cts = vs;
			cte = ve;
		}
		q += 2;
	}
	p->data = q + 2;
	p->len = (size_t)(e - p->data);

	if (cds == NULL) {
		*err = E_MP_NOCD;
		return -1;
	}
	if (disposition_parse(a, cds, cde, p, err) == -1)
		return -1;
	if (cts != NULL && cte > cts)
		p->content_type = util_arena_strndup(a, cts,
		    (size_t)(cte - cts));
	else if (p->filename != NULL)
		p->content_type = "application/octet-stream";
	else
		p->content_type = "text/plain";
	if (p->content_type == NULL) {
		*err = E_NOMEM;
		return -1;
	}
	return 0;
}

/* Appends *p to the growing array *v of *n elements (capacity *cap). */
static int
parts_push(struct arena *a, struct web_part **v, size_t *n, size_t *cap,
    const struct web_part *p)
{
	struct web_part *nv;
	size_t ncap;

	if (*n == *cap) {
		ncap = *cap == 0 ? PARTS_INITIAL : *cap * 2;
		if (ncap < *cap || ncap > SIZE_MAX / sizeof(**v))
			return -1;
		if ((nv = util_arena_alloc(a, ncap * sizeof(**v))) == NULL)
			return -1;
		if (*n > 0)
			memcpy(nv, *v, *n * sizeof(**v));
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = *p;
	return 0;
}

int
web_multipart_parse(struct arena *a, const char *content_type,
    const char *body, size_t len, const struct web_multipart_limits *lim,
    struct web_part **parts, size_t *nparts, const char **err)
{
	struct web_part part, *v = NULL;
	const char *end, *ts, *q, *at = NULL, *next = NULL;
	char *b, *delim;
	size_t maxparts, maxhdr, tl, bl, dlen, n = 0, cap = 0, i;
	enum delim k;
	int r;

	*parts = NULL;
	*nparts = 0;
	maxparts = lim != NULL ? lim->max_parts : WEB_MULTIPART_MAX_PARTS;
	maxhdr = lim != NULL ? lim->max_header_bytes :
	    WEB_MULTIPART_MAX_HEADER_BYTES;
	if (body == NULL || len == 0) {
		body = "";
		len = 0;
	}

	if (!web_media_type_is(content_type, "multipart/form-data")) {
		*err = E_MP_CTYPE;
		return -1;
	}
	end = content_type + strlen(content_type);
	q = type_split(content_type, end, &ts, &tl);
	if ((r = param_scan(a, q, end, "boundary", &b, &bl)) == -1) {
		*err = E_MP_CTPARAM;
		return -1;
	} else if (r == 0) {
		*err = E_MP_NOBOUND;
		return -1;
	} else if (r > 1) {
		*err = E_MP_DUPBOUND;
		return -1;
	}
	if (bl == 0 || bl > BOUNDARY_MAX || b[bl - 1] == ' ') {
		*err = E_MP_BADBOUND;
		return -1;
	}
	for (i = 0; i < bl; i++)
		if (!is_bchar((unsigned char)b[i])) {
			*err = E_MP_BADBOUND;
			return -1;
		}

	/* delim = CRLF "--" boundary */
	dlen = bl + 4;
	if ((delim = util_arena_alloc(a, dlen)) == NULL) {
		*err = E_NOMEM;
		return -1;
	}
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, b, bl);

	/* The first boundary line may start the body (no CRLF before it). */
	end = body + len;
	k = DL_NONE;
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		k = delim_tail(body + dlen - 2, end, &next);
	if (k == DL_NONE)
		k = delim_find(body, len, 0, delim, dlen, &at, &next);

	while (k == DL_NEXT) {
		q = next;
		k = delim_find(body, len, (size_t)(q - body), delim, dlen,
		    &at, &next);
		if (k != DL_NEXT && k != DL_LAST)
			break;
		if (n >= maxparts) {
			*err = E_MP_PARTS;
			return -1;
		}
		if (part_parse(a, q, at, maxhdr, &part, err) == -1)
			return -1;
		if (parts_push(a, &v, &n, &cap, &part) == -1) {
			*err = E_NOMEM;
			return -1;
		}
	}
	if (k == DL_BADEOL) {
		*err = E_MP_EOL;
		return -1;
	}
	if (k != DL_LAST) {
		*err = E_MP_TRUNC;
		return -1;
	}
	*parts = v;
	*nparts = n;
	return 0;
}

/* ---- urlencoded ---- */

/* Decodes [s, s+n) ('+' is space, %XX) into out; -1 on a bad escape. */
static int
form_decode(const char *s, size_t n, char *out, size_t *outlen)
{
	size_t i, o = 0;
	int h, l;

	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%') {
			if (n - i < 3 ||
			    (h = hexval((unsigned char)s[i + 1])) < 0 ||
			    (l = hexval((unsigned char)s[i + 2])) < 0)
				return -1;
			out[o++] = (char)(h << 4 | l);
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}

int
web_urlencoded_parse(struct arena *a, const char *body, size_t len,
    size_t max_fields, struct web_field **fields, size_t *nfields,
    const char **err)
{
	struct web_field *v;
	const char *p, *end, *e, *eq;
	size_t count = 0, n = 0, nl, vl;
	char *name, *value;

	*fields = NULL;
	*nfields = 0;
	if (body == NULL || len == 0)
		return 0;
	end = body + len;

	/* Count first: the limit holds before anything is allocated. */
	for (p = body; ; p = e + 1) {
		if ((e = memchr(p, '&', (size_t)(end - p))) == NULL)
			e = end;
		if (e > p && ++count > max_fields) {
			*err = E_UE_FIELDS;
			return -1;
		}
		if (e == end)
			break;
	}
	if (count == 0)
		return 0;
	if (count > SIZE_MAX / sizeof(*v) ||
	    (v = util_arena_alloc(a, count * sizeof(*v))) == NULL) {
		*err = E_NOMEM;
		return -1;
	}

	for (p = body; ; p = e + 1) {
		if ((e = memchr(p, '&', (size_t)(end - p))) == NULL)
			e = end;
		/* Here e < end: count says that a pair follows. */
		if (e == p)
			continue;
		if ((eq = memchr(p, '=', (size_t)(e - p))) == NULL)
			eq = e;
		nl = (size_t)(eq - p);
		vl = eq < e ? (size_t)(e - eq - 1) : 0;
		if ((name = util_arena_alloc(a, nl + 1)) == NULL ||
		    (value = util_arena_alloc(a, vl + 1)) == NULL) {
			*err = E_NOMEM;
			return -1;
		}
		if (form_decode(p, nl, name, &nl) == -1 ||
		    form_decode(eq < e ? eq + 1 : e, vl, value, &vl) == -1) {
			*err = E_UE_ESCAPE;
			return -1;
		}
		if (memchr(name, '\0', nl) != NULL) {
			*err = E_UE_NAMENUL;
			return -1;
		}
		v[n].name = name;
		v[n].value = value;
		v[n].value_len = vl;
		if (++n == count)
			break;
	}
	*fields = v;
	*nfields = n;
	return 0;
}

int
web_query_parse(struct arena *a, const char *query, size_t max_fields,
    struct web_field **fields, size_t *nfields, const char **err)
{
	return web_urlencoded_parse(a, query,
	    query == NULL ? 0 : strlen(query), max_fields, fields, nfields,
	    err);
}

/* ---- cookies ---- */

const char *
web_cookie_get(struct arena *a, const char *h, const char *name)
{
	const char *p, *s, *e, *eq, *ne, *vs, *ve;
	size_t nlen;

	if (h == NULL || name == NULL || (nlen = strlen(name)) == 0)
		return NULL;
	for (p = h; *p != '\0'; ) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		s = p;
		while (*p != '\0' && *p != ';')
			p++;
		e = p;
		if ((eq = memchr(s, '=', (size_t)(e - s))) == NULL)
			continue;
		ne = trim_ows_end(s, eq);
		if ((size_t)(ne - s) != nlen || memcmp(s, name, nlen) != 0)
			continue;
		vs = skip_ows(eq + 1, e);
		ve = trim_ows_end(vs, e);
		if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
			vs++;
			ve--;
		}
		return util_arena_strndup(a, vs, (size_t)(ve - vs));
	}
	return NULL;
}
