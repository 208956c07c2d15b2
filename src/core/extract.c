/* core/extract.c - see extract.h.  Pure: libc only.
 *
 * One pass over the text with a cursor.  At each position the scanners
 * (URL, CVE, CVSS, version) are tried in turn; a scanner that consumed
 * characters, whether it accepted them or not, moves the cursor past
 * them, so no byte is looked at more than a bounded number of times.
 * Products are compared at word starts only. */
#include <string.h>

#include "extract.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct out {
	char	*buf;
	size_t	 len;
	size_t	 off;
};

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_alnum(unsigned char c)
{
	return is_digit(c) || is_alpha(c);
}

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static unsigned char
upper(unsigned char c)
{
	return (c >= 'a' && c <= 'z') ? (unsigned char)(c - 'a' + 'A') : c;
}

/* 1 if the n bytes at s equal the lower-case ASCII word w, ignoring case. */
static int
ieq(const unsigned char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i] == '\0' || lower(s[i]) != (unsigned char)w[i])
			return 0;
	return w[i] == '\0';
}

/* Copies n bytes (upper-cased when up) into the output; NULL when full. */
static const char *
save(struct out *o, const unsigned char *s, size_t n, int up)
{
	char *d;
	size_t i;

	if (o->buf == NULL || o->off > o->len || n >= o->len - o->off)
		return NULL;
	d = o->buf + o->off;
	for (i = 0; i < n; i++)
		d[i] = (char)(up ? upper(s[i]) : s[i]);
	d[n] = '\0';
	o->off += n + 1;
	return d;
}

/* Adds s[0..n) to list (dedup, bounded). */
static void
add(struct out *o, const char **list, size_t *np, size_t cap,
    const unsigned char *s, size_t n, int up)
{
	const char *p;
	size_t i, j;

	if (*np >= cap)
		return;
	for (i = 0; i < *np; i++) {
		if (strlen(list[i]) != n)
			continue;
		for (j = 0; j < n; j++)
			if ((unsigned char)list[i][j] !=
			    (up ? upper(s[j]) : s[j]))
				break;
		if (j == n)
			return;
	}
	if ((p = save(o, s, n, up)) != NULL)
		list[(*np)++] = p;
}

/* URL at s[i..len): returns the bytes consumed (0 if none starts here). */
static size_t
scan_url(const unsigned char *s, size_t i, size_t len, size_t *urllen)
{
	size_t j, k, start;

	if (len - i >= 8 && ieq(s + i, 8, "https://"))
		start = i + 8;
	else if (len - i >= 7 && ieq(s + i, 7, "http://"))
		start = i + 7;
	else
		return 0;
	for (j = start; j < len; j++) {
		if (s[j] <= ' ' || s[j] == 0x7f || s[j] == '<' ||
		    s[j] == '>' || s[j] == '"' || s[j] == '\'')
			break;
	}
	k = j;
	while (k > start && strchr(".,;:)]", s[k - 1]) != NULL && s[k - 1])
		k--;
	*urllen = (k > start && k - i <= CORE_EXTRACT_URL_MAX) ? k - i : 0;
	return j - i;
}

/* CVE-YYYY-NNNN+ at s[i..): bytes consumed (0 if none). */
static size_t
scan_cve(const unsigned char *s, size_t i, size_t len, size_t *cvelen)
{
	size_t j, n;

	*cvelen = 0;
	if (len - i < 4 || !ieq(s + i, 4, "cve-"))
		return 0;
	for (j = i + 4, n = 0; j < len && is_digit(s[j]); j++)
		n++;
	if (n != 4 || j >= len || s[j] != '-')
		return j - i;
	for (j++, n = 0; j < len && is_digit(s[j]); j++)
		n++;
	if (n >= 4 && n <= 19 && (j >= len || !is_alnum(s[j])))
		*cvelen = j - i;
	return j - i;
}

static int
cvss_char(unsigned char c)
{
	return is_alnum(c) || c == ':' || c == '/' || c == '.';
}

/* CVSS:3.0/…, CVSS:3.1/…, CVSS:4.0/… token: bytes consumed (0 if none). */
static size_t
scan_cvss(const unsigned char *s, size_t i, size_t len, size_t *cvsslen)
{
	size_t j;

	*cvsslen = 0;
	if (len - i < 9 || !ieq(s + i, 5, "cvss:"))
		return 0;
	if (!(ieq(s + i + 5, 4, "3.0/") || ieq(s + i + 5, 4, "3.1/") ||
	    ieq(s + i + 5, 4, "4.0/")))
		return 0;
	for (j = i + 9; j < len && cvss_char(s[j]); j++)
		;
	/* A sentence may end right after the vector. */
	while (j > i + 9 && (s[j - 1] == '.' || s[j - 1] == ':'))
		j--;
	if (j > i + 9 && j - i <= CORE_EXTRACT_CVSS_MAX)
		*cvsslen = j - i;
	return j - i;
}

/* Version at s[i..): [vV]?D+(.D+)+ with an optional -suffix.  Returns the
 * bytes consumed (0 if none starts here); *vo, *vl give the version
 * without the leading v (vl = 0 when rejected). */
static size_t
scan_version(const unsigned char *s, size_t i, size_t len, size_t *vo,
    size_t *vl)
{
	size_t j, start, ncomp, maxdigits, n;
	int prefix = 0, suffix = 0;

	*vl = 0;
	j = i;
	if (s[j] == 'v' || s[j] == 'V') {
		if (j + 1 >= len || !is_digit(s[j + 1]))
			return 0;
		prefix = 1;
		j++;
	}
	if (!is_digit(s[j]))
		return 0;
	start = j;
	ncomp = 0;
	maxdigits = 0;
	for (;;) {
		for (n = 0; j < len && is_digit(s[j]); j++)
			n++;
		ncomp++;
		if (n > maxdigits)
			maxdigits = n;
		if (j + 1 < len && s[j] == '.' && is_digit(s[j + 1])) {
			j++;
			continue;
		}
		break;
	}
	/* suffix: -rc1, -beta2, -1 (a letter run right after, too: 1.2.3rc1) */
	if (j + 1 < len && (s[j] == '-' || s[j] == '+' || s[j] == '~') &&
	    is_alnum(s[j + 1])) {
		for (j++; j < len && (is_alnum(s[j]) ||
		    (s[j] == '.' && j + 1 < len && is_alnum(s[j + 1]))); j++)
			;
		suffix = 1;
	} else if (j < len && is_alpha(s[j])) {
		for (; j < len && is_alnum(s[j]); j++)
			;
		suffix = 1;
	}
	/* Glued to more word characters or to a dash run: not a version. */
	if (j < len && (is_alnum(s[j]) || s[j] == '_' || s[j] == '@'))
		return j - i;
	if (j + 1 < len && s[j] == '.' && is_alnum(s[j + 1]))
		return j - i;	/* 1.2abc.3, 1.2.x */
	if (ncomp < 2 || j - start > CORE_EXTRACT_VER_MAX)
		return j - i;
	if (!prefix && !suffix && ncomp == 4 && maxdigits <= 3)
		return j - i;	/* looks like an IPv4 address */
	*vo = start;
	*vl = j - start;
	return j - i;
}

/* 1 if the product name p matches as a whole word at s[i..). */
static int
match_product(const unsigned char *s, size_t i, size_t len, const char *p)
{
	size_t n, k;

	if (p == NULL || (n = strlen(p)) == 0 || n > len - i)
		return 0;
	for (k = 0; k < n; k++)
		if (lower(s[i + k]) != lower((unsigned char)p[k]))
			return 0;
	if (is_alnum((unsigned char)p[n - 1]) && i + n < len &&
	    (is_alnum(s[i + n]) || s[i + n] == '_'))
		return 0;
	return 1;
}

void
core_extract(const char *text, size_t len, const char *const *products,
    size_t nproducts, char *buf, size_t buflen, struct core_extract *x)
{
	const unsigned char *s = (const unsigned char *)text;
	struct out o;
	size_t i, k, n, tl, vo;
	int wordstart;

	memset(x, 0, sizeof(*x));
	o.buf = buf;
	o.len = buf == NULL ? 0 : buflen;
	o.off = 0;
	if (text == NULL)
		return;

	i = 0;
	while (i < len) {
		wordstart = i == 0 || !(is_alnum(s[i - 1]) || s[i - 1] == '_');

		/* Product names are saved as the caller spells them. */
		if (wordstart && products != NULL && is_alnum(s[i]) &&
		    x->nproducts < NELEM(x->products)) {
			for (k = 0; k < nproducts; k++)
				if (match_product(s, i, len, products[k]))
					add(&o, x->products, &x->nproducts,
					    NELEM(x->products),
					    (const unsigned char *)products[k],
					    strlen(products[k]), 0);
		}
		if (!wordstart) {
			i++;
			continue;
		}
		if ((n = scan_url(s, i, len, &tl)) > 0) {
			if (tl > 0)
				add(&o, x->urls, &x->nurls, NELEM(x->urls),
				    s + i, tl, 0);
			i += n;
			continue;
		}
		if ((n = scan_cve(s, i, len, &tl)) > 0) {
			if (tl > 0)
				add(&o, x->cves, &x->ncves, NELEM(x->cves),
				    s + i, tl, 1);
			i += n;
			continue;
		}
		if ((n = scan_cvss(s, i, len, &tl)) > 0) {
			if (tl > 0)
				add(&o, x->cvss, &x->ncvss, NELEM(x->cvss),
				    s + i, tl, 0);
			i += n;
			continue;
		}
		if ((n = scan_version(s, i, len, &vo, &tl)) > 0) {
			if (tl > 0 && (i == 0 || (s[i - 1] != '.' &&
			    s[i - 1] != '-' && s[i - 1] != '/' &&
			    s[i - 1] != '@')))
				add(&o, x->versions, &x->nversions,
				    NELEM(x->versions), s + vo, tl, 0);
			i += n;
			continue;
		}
		i++;
	}
}
