/*
 * publish/csaf.c — CSAF 2.0 documents (profile csaf_security_advisory)
 * from the advisory model, plus the checks and helpers both generators
 * share.
 *
 * Shape (passes the OASIS strict schema and the mandatory tests):
 *   document   category, csaf_version, publisher, title, lang,
 *              distribution (TLP:WHITE), notes (summary, known issues),
 *              references (self -> the .json, external -> the HTML page),
 *              tracking (id, status, version = newest revision number,
 *              revision_history, both dates, generator), aggregate_severity
 *   product_tree  vendor -> product_name -> product_version(_range)
 *   vulnerabilities[1]  cve, cwe, ids, title, notes (description, CVSS 4.0),
 *              product_status (known_affected, fixed), remediations
 *              (vendor_fix / none_available, workaround, mitigation),
 *              scores (cvss_v3 on the affected products), references,
 *              acknowledgments, release_date
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish/advisory.h"

#define TLP_URL	"https://www.first.org/tlp/"

__attribute__((format(printf, 3, 4)))
static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
empty(const char *s)
{
	return s == NULL || *s == '\0';
}

/* ---------------------------------------------------------------- */
/* Shared helpers                                                   */

char *
publish_dumps(const json_t *doc)
{
	return json_dumps(doc, JSON_SORT_KEYS | JSON_INDENT(2) |
	    JSON_REAL_PRECISION(15));
}

static int
digits(const char *s, int n, int *out)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long long
days_from_civil(int y, int m, int d)
{
	long long	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
publish_rfc3339(const char *s, long long *sec, long *nsec)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int	 y, mo, d, h, mi, se, oh, om, dim, i;
	long	 ns = 0;
	long long t;
	const char *p;

	if (s == NULL || strlen(s) < 20)
		return -1;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) || s[10] != 'T' ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) ||
	    s[16] != ':' || digits(s + 17, 2, &se))
		return -1;
	/* The CVE schema's timestamp pattern admits 1900-2999 only. */
	if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || h > 23 || mi > 59 ||
	    se > 59)
		return -1;
	dim = mdays[mo - 1];
	if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		dim = 29;
	if (d < 1 || d > dim)
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (i = 0; isdigit((unsigned char)*p); p++, i++)
			if (i < 9)
				ns = ns * 10 + (*p - '0');
		for (; i < 9; i++)
			ns *= 10;
	}
	t = days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + se;
	if (p[0] == 'Z' && p[1] == '\0') {
		/* UTC */
	} else if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6 &&
	    digits(p + 1, 2, &oh) == 0 && p[3] == ':' &&
	    digits(p + 4, 2, &om) == 0 && oh <= 23 && om <= 59) {
		if (p[0] == '+')
			t -= oh * 3600LL + om * 60LL;
		else
			t += oh * 3600LL + om * 60LL;
	} else
		return -1;
	if (sec != NULL)
		*sec = t;
	if (nsec != NULL)
		*nsec = ns;
	return 0;
}

/* -1, 0, 1 like strcmp, for two valid RFC 3339 dates. */
static int
datecmp(const char *a, const char *b)
{
	long long	 sa = 0, sb = 0;
	long		 na = 0, nb = 0;

	(void)publish_rfc3339(a, &sa, &na);
	(void)publish_rfc3339(b, &sb, &nb);
	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (na != nb)
		return na < nb ? -1 : 1;
	return 0;
}

const char *
publish_severity(double score)
{
	if (score < 0.05)
		return "NONE";
	if (score < 3.95)
		return "LOW";
	if (score < 6.95)
		return "MEDIUM";
	if (score < 8.95)
		return "HIGH";
	return "CRITICAL";
}

const char *
publish_cvss_version(const char *v)
{
	if (v == NULL)
		return NULL;
	if (strncmp(v, "CVSS:3.1/", 9) == 0)
		return "3.1";
	if (strncmp(v, "CVSS:3.0/", 9) == 0)
		return "3.0";
	if (strncmp(v, "CVSS:4.0/", 9) == 0)
		return "4.0";
	return NULL;
}

/* Words CSAF test 6.1.31 treats as a range inside a product_version. */
static int
range_text(const char *s)
{
	static const char *const words[] = { "after", "all", "before",
	    "earlier", "later", "prior", "versions" };
	const char	*p, *q;
	size_t		 i, n;

	if (strncmp(s, "vers:", 5) == 0 || strpbrk(s, "<>") != NULL)
		return 1;
	for (p = s; *p != '\0'; p = q) {
		while (isspace((unsigned char)*p))
			p++;
		for (q = p; *q != '\0' && !isspace((unsigned char)*q); q++)
			continue;
		n = (size_t)(q - p);
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strlen(words[i]) == n &&
			    strncasecmp(p, words[i], n) == 0)
				return 1;
	}
	return 0;
}

/*
 * One "op version" constraint from *pp, stopping at any of stop.
 * 0 and advances, -1 when malformed.
 */
static int
constraint(const char **pp, const char *stop, char op[3], char *ver,
    size_t verlen)
{
	const char	*p = *pp, *q;
	size_t		 n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	while ((*p == '<' || *p == '>' || *p == '=' || *p == '!') && n < 2)
		op[n++] = *p++;
	op[n] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	for (q = p; *q != '\0' && strchr(stop, *q) == NULL &&
	    strchr("<>=!", *q) == NULL; q++)
		continue;
	if (q == p || (size_t)(q - p) >= verlen)
		return -1;
	memcpy(ver, p, (size_t)(q - p));
	ver[q - p] = '\0';
	*pp = q;
	return 0;
}

void
publish_range_parse(const char *s, struct publish_range *r)
{
	const char	*p, *stop;
	char		 op[3], ver[128];
	int		 nlo = 0, nhi = 0;
	size_t		 n;

	memset(r, 0, sizeof(*r));
	if (s == NULL || !range_text(s)) {
		r->kind = PUBLISH_V_SINGLE;
		return;
	}
	r->kind = PUBLISH_V_TEXT;
	snprintf(r->scheme, sizeof(r->scheme), "%s", "generic");
	if (strncmp(s, "vers:", 5) == 0) {
		p = strchr(s + 5, '/');
		n = p == NULL ? 0 : (size_t)(p - (s + 5));
		if (n == 0 || n >= sizeof(r->scheme))
			return;
		memcpy(r->scheme, s + 5, n);
		r->scheme[n] = '\0';
		p++;
		stop = "|";
	} else {
		p = s;
		stop = " \t,";
	}
	for (;;) {
		while (*p != '\0' && strchr(stop, *p) != NULL)
			p++;
		if (*p == '\0')
			break;
		if (constraint(&p, stop, op, ver, sizeof(ver)) == -1)
			goto text;
		if (strcmp(op, ">=") == 0 && nlo++ == 0)
			memcpy(r->lo, ver, sizeof(r->lo));
		else if ((strcmp(op, "<") == 0 || strcmp(op, "<=") == 0) &&
		    nhi++ == 0) {
			memcpy(r->hi, ver, sizeof(r->hi));
			r->hi_incl = op[1] == '=';
		} else
			goto text;
	}
	if (nlo + nhi == 0)
		goto text;
	r->kind = PUBLISH_V_RANGE;
	return;
text:
	r->lo[0] = r->hi[0] = '\0';
	r->hi_incl = 0;
}

static int
utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t	 c;
	int		 n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 1;
			c = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			c = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			c = *p & 0x07;
		} else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (p[i] & 0x3f);
		}
		if ((n == 1 && c < 0x80) || (n == 2 && c < 0x800) ||
		    (n == 3 && c < 0x10000) || c > 0x10ffff ||
		    (c >= 0xd800 && c <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

static int
lang_ok(const char *s)
{
	const char	*p = s;
	size_t		 n;

	for (n = 0; isalpha((unsigned char)*p); p++)
		n++;
	if (n < 2 || n > 3)
		return 0;
	while (*p == '-') {
		for (p++, n = 0; isalnum((unsigned char)*p); p++)
			n++;
		if (n < 1 || n > 8)
			return 0;
	}
	return *p == '\0';
}

static int
pattern_id(const char *s, const char *prefix, int mind, int maxd)
{
	size_t	 n = strlen(prefix), i;

	if (strncmp(s, prefix, n) != 0)
		return 0;
	for (i = 0; s[n + i] != '\0'; i++)
		if (!isdigit((unsigned char)s[n + i]))
			return 0;
	return (int)i >= mind && (int)i <= maxd;
}

static int
text_ok(const char *what, const char *s, int required, char *err,
    size_t errlen)
{
	if (empty(s))
		return required ? fail(err, errlen, "%s is missing", what) : 0;
	if (!utf8_ok(s))
		return fail(err, errlen, "%s is not valid UTF-8", what);
	return 0;
}

/* Equal versions, ranges compared by their bounds ("<2" == "< 2"). */
static int
same_version(const char *x, const char *y)
{
	struct publish_range rx, ry;

	if (strcmp(x, y) == 0)
		return 1;
	publish_range_parse(x, &rx);
	publish_range_parse(y, &ry);
	return rx.kind == PUBLISH_V_RANGE && ry.kind == PUBLISH_V_RANGE &&
	    strcmp(rx.lo, ry.lo) == 0 && strcmp(rx.hi, ry.hi) == 0 &&
	    rx.hi_incl == ry.hi_incl && strcmp(rx.scheme, ry.scheme) == 0;
}

static int
check_products(const struct publish_advisory *a, char *err, size_t errlen)
{
	const struct publish_product *p, *q;
	size_t		 i, j, k, l;

	if (a->nproducts == 0 || a->products == NULL)
		return fail(err, errlen, "no products");
	for (i = 0; i < a->nproducts; i++) {
		p = &a->products[i];
		if (text_ok("product name", p->name, 1, err, errlen) ||
		    text_ok("product vendor", p->vendor, 1, err, errlen))
			return -1;
		for (j = 0; j < i; j++) {
			q = &a->products[j];
			if (strcmp(p->vendor, q->vendor) == 0 &&
			    strcmp(p->name, q->name) == 0)
				return fail(err, errlen, "product %s %s is "
				    "listed twice", p->vendor, p->name);
		}
		if ((p->naffected > 0 && p->affected == NULL) ||
		    (p->nfixed > 0 && p->fixed == NULL))
			return fail(err, errlen, "product %s: version list "
			    "is NULL", p->name);
		for (k = 0; k < p->naffected; k++)
			if (text_ok("affected version", p->affected[k], 1,
			    err, errlen))
				return -1;
		for (k = 0; k < p->nfixed; k++) {
			if (text_ok("fixed version", p->fixed[k], 1, err,
			    errlen))
				return -1;
			for (l = 0; l < p->naffected; l++)
				if (same_version(p->fixed[k], p->affected[l]))
					return fail(err, errlen, "product %s: "
					    "version %s is both affected and "
					    "fixed", p->name, p->fixed[k]);
		}
	}
	return 0;
}

static int
check_revisions(const struct publish_advisory *a, char *err, size_t errlen)
{
	const struct publish_revision *r;
	const char	*first, *last, *init, *cur;
	size_t		 i;

	if (a->nrevisions == 0 || a->revisions == NULL)
		return fail(err, errlen, "no revisions");
	for (i = 0; i < a->nrevisions; i++) {
		r = &a->revisions[i];
		if (r->number != (int)i + 1)
			return fail(err, errlen, "revision %zu has number %d, "
			    "expected %zu", i + 1, r->number, i + 1);
		if (publish_rfc3339(r->date, NULL, NULL) == -1)
			return fail(err, errlen, "revision %d: date \"%s\" is "
			    "not RFC 3339 with a time zone", r->number,
			    r->date == NULL ? "" : r->date);
		if (text_ok("revision summary", r->summary, 1, err, errlen))
			return -1;
		if (i > 0 && datecmp(r->date, r[-1].date) < 0)
			return fail(err, errlen, "revision %d is dated before "
			    "revision %d", r->number, r[-1].number);
	}
	first = a->revisions[0].date;
	last = a->revisions[a->nrevisions - 1].date;
	init = a->initial_release_date != NULL ? a->initial_release_date :
	    first;
	cur = a->current_release_date != NULL ? a->current_release_date : last;
	if (publish_rfc3339(init, NULL, NULL) == -1)
		return fail(err, errlen, "initial_release_date is not "
		    "RFC 3339 with a time zone");
	if (publish_rfc3339(cur, NULL, NULL) == -1)
		return fail(err, errlen, "current_release_date is not "
		    "RFC 3339 with a time zone");
	if (datecmp(init, first) != 0)
		return fail(err, errlen, "initial_release_date differs from "
		    "the first revision's date");
	if (datecmp(cur, last) < 0)
		return fail(err, errlen, "current_release_date is before the "
		    "last revision");
	return 0;
}

static int
check_cvss(const struct publish_advisory *a, char *err, size_t errlen)
{
	const char	*p, *band;

	if (a->cvss_vector == NULL)
		return 0;
	if (publish_cvss_version(a->cvss_vector) == NULL)
		return fail(err, errlen, "unsupported CVSS vector \"%s\"",
		    a->cvss_vector);
	for (p = a->cvss_vector; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr(":/.", *p) == NULL)
			return fail(err, errlen, "malformed CVSS vector");
	if (!(a->cvss_score >= 0.0 && a->cvss_score <= 10.0))
		return fail(err, errlen, "CVSS score out of range");
	band = publish_severity(a->cvss_score);
	if (a->cvss_severity != NULL &&
	    strcasecmp(a->cvss_severity, band) != 0)
		return fail(err, errlen, "CVSS severity %s does not match "
		    "score %.1f (%s)", a->cvss_severity, a->cvss_score, band);
	return 0;
}

int
publish_check(const struct publish_advisory *a, char *err, size_t errlen)
{
	const char	*s;

	if (a == NULL)
		return fail(err, errlen, "no advisory");
	if (text_ok("id", a->id, 1, err, errlen) ||
	    text_ok("title", a->title, 1, err, errlen) ||
	    text_ok("summary", a->summary, 1, err, errlen) ||
	    text_ok("publisher_name", a->publisher_name, 1, err, errlen) ||
	    text_ok("publisher_namespace", a->publisher_namespace, 1, err,
	    errlen) ||
	    text_ok("publisher_contact", a->publisher_contact, 0, err,
	    errlen) ||
	    text_ok("advisory_url", a->advisory_url, 1, err, errlen) ||
	    text_ok("cwe_name", a->cwe_name, 0, err, errlen) ||
	    text_ok("workarounds", a->workarounds, 0, err, errlen) ||
	    text_ok("mitigations", a->mitigations, 0, err, errlen) ||
	    text_ok("known_issues", a->known_issues, 0, err, errlen) ||
	    text_ok("acknowledgment", a->acknowledgment, 0, err, errlen) ||
	    text_ok("tracking_generator", a->tracking_generator, 0, err,
	    errlen))
		return -1;
	for (s = a->id; *s != '\0'; s++)
		if (iscntrl((unsigned char)*s))
			return fail(err, errlen, "id holds a control "
			    "character");
	if (isspace((unsigned char)a->id[0]) ||
	    isspace((unsigned char)a->id[strlen(a->id) - 1]))
		return fail(err, errlen, "id has leading or trailing space");
	if (strncmp(a->publisher_namespace, "https://", 8) != 0 ||
	    a->publisher_namespace[8] == '\0')
		return fail(err, errlen, "publisher_namespace is not an "
		    "https URL");
	if (strncmp(a->advisory_url, "https://", 8) != 0 ||
	    a->advisory_url[8] == '\0' || a->advisory_url[8] == '/')
		return fail(err, errlen, "advisory_url is not an https URL");
	for (s = a->advisory_url; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || *s == '"' || *s == '<' ||
		    *s == '>' || *s == '\\' || (unsigned char)*s >= 0x7f)
			return fail(err, errlen, "advisory_url holds a "
			    "character not allowed in a URI");
	if (a->lang != NULL && !lang_ok(a->lang))
		return fail(err, errlen, "lang \"%s\" is not a language tag",
		    a->lang);
	if (a->status == NULL || (strcmp(a->status, "final") != 0 &&
	    strcmp(a->status, "interim") != 0))
		return fail(err, errlen, "status must be final or interim");
	if (a->cve != NULL) {
		size_t	 n = strlen(a->cve), i;
		int	 ok = n >= 13 && n <= 28 && strncmp(a->cve, "CVE-",
		    4) == 0 && a->cve[8] == '-';

		for (i = 4; ok && i < n; i++)
			if (i != 8 && !isdigit((unsigned char)a->cve[i]))
				ok = 0;
		if (!ok)
			return fail(err, errlen, "cve \"%s\" is not a CVE ID",
			    a->cve);
	}
	if (a->cwe_id != NULL) {
		if (!pattern_id(a->cwe_id, "CWE-", 1, 6) ||
		    a->cwe_id[4] == '0')
			return fail(err, errlen, "cwe_id \"%s\" is not a CWE "
			    "ID", a->cwe_id);
		if (empty(a->cwe_name))
			return fail(err, errlen, "cwe_id without cwe_name");
	}
	if (a->restart_required >= PUBLISH_RESTART__MAX)
		return fail(err, errlen, "bad restart_required value");
	if (check_cvss(a, err, errlen) || check_revisions(a, err, errlen) ||
	    check_products(a, err, errlen))
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- */
/* File name and location                                           */

int
publish_csaf_filename(const char *id, char *out, size_t outlen)
{
	size_t	 n = 0;
	int	 run = 0;
	char	 c;

	if (id == NULL || *id == '\0' || out == NULL)
		return -1;
	for (; *id != '\0'; id++) {
		c = (char)tolower((unsigned char)*id);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '+' || c == '-') {
			run = 0;
		} else if (run)
			continue;
		else {
			run = 1;
			c = '_';
		}
		if (n + 1 >= outlen)
			return -1;
		out[n++] = c;
	}
	if (n + sizeof(".json") > outlen)
		return -1;
	memcpy(out + n, ".json", sizeof(".json"));
	return 0;
}

int
publish_csaf_path(const char *id, const char *initial, char *out,
    size_t outlen)
{
	char	 name[512];
	int	 n;

	if (publish_rfc3339(initial, NULL, NULL) == -1 ||
	    publish_csaf_filename(id, name, sizeof(name)) == -1)
		return -1;
	n = snprintf(out, outlen, "white/%.4s/%s", initial, name);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int
publish_csaf_url(const struct publish_advisory *a, char *out, size_t outlen)
{
	const char	*host, *end, *init;
	char		 path[600];
	int		 n;

	if (a == NULL || a->advisory_url == NULL || a->nrevisions == 0 ||
	    a->revisions == NULL ||
	    strncmp(a->advisory_url, "https://", 8) != 0)
		return -1;
	init = a->initial_release_date != NULL ? a->initial_release_date :
	    a->revisions[0].date;
	if (publish_csaf_path(a->id, init, path, sizeof(path)) == -1)
		return -1;
	host = a->advisory_url + 8;
	end = host + strcspn(host, "/?#");
	if (end == host)
		return -1;
	n = snprintf(out, outlen, "https://%.*s/.well-known/csaf/%s",
	    (int)(end - host), host, path);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* ---------------------------------------------------------------- */
/* Building                                                         */

/* Allocation failures latch b->oom; the caller checks once at the end. */
struct bld {
	int	 oom;
};

static json_t *
obj(struct bld *b)
{
	json_t	*o = json_object();

	if (o == NULL)
		b->oom = 1;
	return o;
}

static json_t *
arr(struct bld *b)
{
	json_t	*o = json_array();

	if (o == NULL)
		b->oom = 1;
	return o;
}

static json_t *
str(struct bld *b, const char *s)
{
	json_t	*o = json_string(s);

	if (o == NULL)
		b->oom = 1;
	return o;
}

static void
set(struct bld *b, json_t *o, const char *key, json_t *v)
{
	if (o == NULL || v == NULL || json_object_set_new(o, key, v) == -1) {
		json_decref(v);
		b->oom = 1;
	}
}

static void
sets(struct bld *b, json_t *o, const char *key, const char *s)
{
	set(b, o, key, str(b, s));
}

static void
push(struct bld *b, json_t *a, json_t *v)
{
	if (a == NULL || v == NULL || json_array_append_new(a, v) == -1) {
		json_decref(v);
		b->oom = 1;
	}
}

static json_t *
note(struct bld *b, const char *category, const char *title,
    const char *text)
{
	json_t	*n = obj(b);

	sets(b, n, "category", category);
	if (title != NULL)
		sets(b, n, "title", title);
	sets(b, n, "text", text);
	return n;
}

/* One product id: a version of a product, or the product itself. */
struct pid {
	size_t		 prod;
	int		 fixed;
	const char	*version;	/* NULL: the product as a whole */
	char		 id[32];
};

struct pids {
	struct pid	*v;
	size_t		 n;
};

static int
pids_build(const struct publish_advisory *a, struct pids *t)
{
	const struct publish_product *p;
	const char	*ver;
	size_t		 i, j, k, total = 0;
	int		 fx;

	for (i = 0; i < a->nproducts; i++)
		total += a->products[i].naffected + a->products[i].nfixed + 1;
	if ((t->v = calloc(total, sizeof(*t->v))) == NULL)
		return -1;
	t->n = 0;
	for (i = 0; i < a->nproducts; i++) {
		p = &a->products[i];
		if (p->naffected + p->nfixed == 0) {
			t->v[t->n].prod = i;
			snprintf(t->v[t->n].id, sizeof(t->v[t->n].id),
			    "CSAFPID-%04zu", t->n + 1);
			t->n++;
			continue;
		}
		for (fx = 0; fx < 2; fx++) {
			for (j = 0; j < (fx ? p->nfixed : p->naffected); j++) {
				ver = fx ? p->fixed[j] : p->affected[j];
				for (k = 0; k < t->n; k++)
					if (t->v[k].prod == i &&
					    t->v[k].fixed == fx &&
					    same_version(t->v[k].version, ver))
						break;
				if (k < t->n)
					continue;	/* duplicate */
				t->v[t->n].prod = i;
				t->v[t->n].fixed = fx;
				t->v[t->n].version = ver;
				snprintf(t->v[t->n].id, sizeof(t->v[t->n].id),
				    "CSAFPID-%04zu", t->n + 1);
				t->n++;
			}
		}
	}
	return 0;
}

/* Product ids of product prod (SIZE_MAX: all) with the fixed flag. */
static json_t *
pid_list(struct bld *b, const struct pids *t, size_t prod, int fixed)
{
	json_t	*l = arr(b);
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if ((prod == SIZE_MAX || t->v[i].prod == prod) &&
		    t->v[i].fixed == fixed)
			push(b, l, str(b, t->v[i].id));
	return l;
}

static json_t *
product_branch(struct bld *b, const struct publish_advisory *a,
    const struct pids *t, size_t prod)
{
	const struct publish_product *p = &a->products[prod];
	struct publish_range r;
	json_t		*br, *kids, *vb, *fp;
	char		*full, name[300];
	size_t		 i;
	int		 n;

	br = obj(b);
	sets(b, br, "category", "product_name");
	sets(b, br, "name", p->name);
	kids = arr(b);
	for (i = 0; i < t->n; i++) {
		if (t->v[i].prod != prod)
			continue;
		fp = obj(b);
		if (t->v[i].version == NULL) {
			n = asprintf(&full, "%s %s", p->vendor, p->name);
			if (n == -1)
				full = NULL;
			sets(b, fp, "name", full == NULL ? "" : full);
			sets(b, fp, "product_id", t->v[i].id);
			free(full);
			if (full == NULL)
				b->oom = 1;
			set(b, br, "product", fp);
			json_decref(kids);
			return br;
		}
		/* A parsed range is named the vers way; the rest as given. */
		publish_range_parse(t->v[i].version, &r);
		name[0] = '\0';
		if (r.kind == PUBLISH_V_RANGE &&
		    strncmp(t->v[i].version, "vers:", 5) != 0)
			snprintf(name, sizeof(name), "vers:generic/%s%s%s%s%s",
			    r.lo[0] != '\0' ? ">=" : "", r.lo,
			    r.lo[0] != '\0' && r.hi[0] != '\0' ? "|" : "",
			    r.hi[0] == '\0' ? "" : r.hi_incl ? "<=" : "<",
			    r.hi);
		vb = obj(b);
		sets(b, vb, "category", r.kind == PUBLISH_V_SINGLE ?
		    "product_version" : "product_version_range");
		sets(b, vb, "name", name[0] != '\0' ? name : t->v[i].version);
		n = asprintf(&full, "%s %s %s", p->vendor, p->name,
		    t->v[i].version);
		if (n == -1)
			full = NULL;
		sets(b, fp, "name", full == NULL ? "" : full);
		if (full == NULL)
			b->oom = 1;
		free(full);
		sets(b, fp, "product_id", t->v[i].id);
		set(b, vb, "product", fp);
		push(b, kids, vb);
	}
	set(b, br, "branches", kids);
	return br;
}

static json_t *
product_tree(struct bld *b, const struct publish_advisory *a,
    const struct pids *t)
{
	json_t	*tree = obj(b), *vendors = arr(b), *vb, *kids;
	size_t	 i, j;

	for (i = 0; i < a->nproducts; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(a->products[j].vendor,
			    a->products[i].vendor) == 0)
				break;
		if (j < i)
			continue;	/* vendor already has its branch */
		vb = obj(b);
		sets(b, vb, "category", "vendor");
		sets(b, vb, "name", a->products[i].vendor);
		kids = arr(b);
		for (j = i; j < a->nproducts; j++)
			if (strcmp(a->products[j].vendor,
			    a->products[i].vendor) == 0)
				push(b, kids, product_branch(b, a, t, j));
		set(b, vb, "branches", kids);
		push(b, vendors, vb);
	}
	set(b, tree, "branches", vendors);
	return tree;
}

static const char *const restart_names[PUBLISH_RESTART__MAX] = {
	[PUBLISH_RESTART_NONE] = "none",
	[PUBLISH_RESTART_SERVICE] = "service",
	[PUBLISH_RESTART_MACHINE] = "machine",
};

static json_t *
restart(struct bld *b, int r)
{
	json_t	*o;

	if (r < 0 || r >= PUBLISH_RESTART__MAX)
		return NULL;
	o = obj(b);
	sets(b, o, "category", restart_names[r]);
	return o;
}

static void
remediations(struct bld *b, json_t *vuln, const struct publish_advisory *a,
    const struct pids *t)
{
	const struct publish_product *p;
	json_t		*rems = arr(b), *r, *ids, *rr;
	char		*details;
	size_t		 i, j, naff = 0;
	int		 n;

	for (i = 0; i < t->n; i++)
		if (!t->v[i].fixed)
			naff++;
	for (i = 0; i < a->nproducts; i++) {
		p = &a->products[i];
		r = obj(b);
		ids = pid_list(b, t, i, 0);
		if (p->nfixed > 0) {
			json_t	*fixed = pid_list(b, t, i, 1);

			/* The affected versions and the fixed ones. */
			if (ids != NULL && fixed != NULL &&
			    json_array_extend(ids, fixed) == -1)
				b->oom = 1;
			json_decref(fixed);
			sets(b, r, "category", "vendor_fix");
			details = NULL;
			n = asprintf(&details, "Update %s %s to version %s",
			    p->vendor, p->name, p->fixed[0]);
			for (j = 1; n != -1 && j < p->nfixed; j++) {
				char	*d2;

				n = asprintf(&d2, "%s%s %s", details,
				    j + 1 == p->nfixed ? " or" : ",",
				    p->fixed[j]);
				free(details);
				details = n == -1 ? NULL : d2;
			}
			if (n == -1 || details == NULL) {
				b->oom = 1;
				free(details);
				details = NULL;
			}
			sets(b, r, "details", details == NULL ? "" : details);
			free(details);
			sets(b, r, "url", a->advisory_url);
		} else {
			sets(b, r, "category", "none_available");
			sets(b, r, "details", "No fixed version is available "
			    "yet.");
		}
		set(b, r, "product_ids", ids);
		if ((rr = restart(b, a->restart_required)) != NULL &&
		    p->nfixed > 0)
			set(b, r, "restart_required", rr);
		else
			json_decref(rr);
		push(b, rems, r);
	}
	if (!empty(a->workarounds)) {
		r = obj(b);
		sets(b, r, "category", "workaround");
		sets(b, r, "details", a->workarounds);
		set(b, r, "product_ids", pid_list(b, t, SIZE_MAX, naff == 0));
		push(b, rems, r);
	}
	if (!empty(a->mitigations)) {
		r = obj(b);
		sets(b, r, "category", "mitigation");
		sets(b, r, "details", a->mitigations);
		set(b, r, "product_ids", pid_list(b, t, SIZE_MAX, naff == 0));
		push(b, rems, r);
	}
	set(b, vuln, "remediations", rems);
}

static json_t *
vulnerability(struct bld *b, const struct publish_advisory *a,
    const struct pids *t, const char *init)
{
	json_t		*v = obj(b), *notes, *st, *o, *l, *refs, *ack;
	const char	*ver;
	char		*text;
	size_t		 i, naff = 0;

	for (i = 0; i < t->n; i++)
		if (!t->v[i].fixed)
			naff++;
	sets(b, v, "title", a->title);
	if (a->cve != NULL)
		sets(b, v, "cve", a->cve);
	l = arr(b);
	o = obj(b);
	sets(b, o, "system_name", a->publisher_name);
	sets(b, o, "text", a->id);
	push(b, l, o);
	set(b, v, "ids", l);
	if (a->cwe_id != NULL) {
		o = obj(b);
		sets(b, o, "id", a->cwe_id);
		sets(b, o, "name", a->cwe_name);
		set(b, v, "cwe", o);
	}
	sets(b, v, "release_date", init);

	notes = arr(b);
	push(b, notes, note(b, "description", "Description", a->summary));
	ver = publish_cvss_version(a->cvss_vector);
	if (ver != NULL && strcmp(ver, "4.0") == 0) {
		/* CSAF 2.0 has no cvss_v4 score object. */
		if (asprintf(&text, "%s (base score %.1f, %s)", a->cvss_vector,
		    a->cvss_score, publish_severity(a->cvss_score)) == -1) {
			b->oom = 1;
		} else {
			push(b, notes, note(b, "other", "CVSS v4.0", text));
			free(text);
		}
	}
	set(b, v, "notes", notes);

	st = obj(b);
	if (naff > 0)
		set(b, st, "known_affected", pid_list(b, t, SIZE_MAX, 0));
	if (naff < t->n)
		set(b, st, "fixed", pid_list(b, t, SIZE_MAX, 1));
	set(b, v, "product_status", st);

	remediations(b, v, a, t);

	if (ver != NULL && strcmp(ver, "4.0") != 0 && naff > 0) {
		json_t	*scores = arr(b), *sc = obj(b), *cv = obj(b);

		set(b, sc, "products", pid_list(b, t, SIZE_MAX, 0));
		sets(b, cv, "version", ver);
		sets(b, cv, "vectorString", a->cvss_vector);
		set(b, cv, "baseScore", json_real(round(a->cvss_score * 10) /
		    10));
		sets(b, cv, "baseSeverity", publish_severity(a->cvss_score));
		set(b, sc, "cvss_v3", cv);
		push(b, scores, sc);
		set(b, v, "scores", scores);
	}

	refs = arr(b);
	o = obj(b);
	sets(b, o, "category", "external");
	sets(b, o, "summary", "Advisory");
	sets(b, o, "url", a->advisory_url);
	push(b, refs, o);
	set(b, v, "references", refs);

	l = arr(b);
	ack = obj(b);
	if (!empty(a->acknowledgment)) {
		json_t	*names = arr(b);

		push(b, names, str(b, a->acknowledgment));
		set(b, ack, "names", names);
		sets(b, ack, "summary", "for reporting this vulnerability");
	} else
		sets(b, ack, "summary", "Reported by a researcher who "
		    "chose to remain anonymous.");
	push(b, l, ack);
	set(b, v, "acknowledgments", l);
	return v;
}

/* "Vigil 0.1.0" -> engine {name "Vigil", version "0.1.0"} */
static json_t *
generator(struct bld *b, const char *g)
{
	json_t		*gen = obj(b), *eng = obj(b);
	const char	*sp = strrchr(g, ' ');
	char		*name;

	if (sp != NULL && sp != g && sp[1] != '\0' &&
	    isdigit((unsigned char)sp[1])) {
		if ((name = strndup(g, (size_t)(sp - g))) == NULL)
			b->oom = 1;
		else {
			sets(b, eng, "name", name);
			free(name);
		}
		sets(b, eng, "version", sp + 1);
	} else
		sets(b, eng, "name", g);
	set(b, gen, "engine", eng);
	return gen;
}

static json_t *
document(struct bld *b, const struct publish_advisory *a, const char *init,
    const char *cur, const char *self)
{
	json_t	*d = obj(b), *o, *o2, *l;
	char	 num[16];
	size_t	 i;

	sets(b, d, "category", "csaf_security_advisory");
	sets(b, d, "csaf_version", "2.0");
	sets(b, d, "title", a->title);
	sets(b, d, "lang", a->lang != NULL ? a->lang : "en");

	o = obj(b);
	sets(b, o, "category", "vendor");
	sets(b, o, "name", a->publisher_name);
	sets(b, o, "namespace", a->publisher_namespace);
	if (!empty(a->publisher_contact))
		sets(b, o, "contact_details", a->publisher_contact);
	set(b, d, "publisher", o);

	o = obj(b);
	o2 = obj(b);
	sets(b, o2, "label", "WHITE");
	sets(b, o2, "url", TLP_URL);
	set(b, o, "tlp", o2);
	set(b, d, "distribution", o);

	if (a->cvss_vector != NULL) {
		o = obj(b);
		sets(b, o, "text", publish_severity(a->cvss_score));
		set(b, d, "aggregate_severity", o);
	}

	l = arr(b);
	push(b, l, note(b, "summary", "Summary", a->summary));
	if (!empty(a->known_issues))
		push(b, l, note(b, "general", "Known issues", a->known_issues));
	set(b, d, "notes", l);

	l = arr(b);
	o = obj(b);
	sets(b, o, "category", "self");
	sets(b, o, "summary", "This CSAF document");
	sets(b, o, "url", self);
	push(b, l, o);
	o = obj(b);
	sets(b, o, "category", "external");
	sets(b, o, "summary", "Advisory (HTML)");
	sets(b, o, "url", a->advisory_url);
	push(b, l, o);
	set(b, d, "references", l);

	o = obj(b);
	sets(b, o, "id", a->id);
	sets(b, o, "status", a->status);
	snprintf(num, sizeof(num), "%d", a->revisions[a->nrevisions - 1].number);
	sets(b, o, "version", num);
	sets(b, o, "initial_release_date", init);
	sets(b, o, "current_release_date", cur);
	l = arr(b);
	for (i = 0; i < a->nrevisions; i++) {
		o2 = obj(b);
		snprintf(num, sizeof(num), "%d", a->revisions[i].number);
		sets(b, o2, "number", num);
		sets(b, o2, "date", a->revisions[i].date);
		sets(b, o2, "summary", a->revisions[i].summary);
		push(b, l, o2);
	}
	set(b, o, "revision_history", l);
	if (!empty(a->tracking_generator))
		set(b, o, "generator", generator(b, a->tracking_generator));
	set(b, d, "tracking", o);
	return d;
}

json_t *
publish_csaf(const struct publish_advisory *a, char *err, size_t errlen)
{
	struct bld	 b = { 0 };
	struct pids	 t = { NULL, 0 };
	json_t		*doc, *vulns;
	const char	*init, *cur;
	char		 self[2048];

	if (publish_check(a, err, errlen) == -1)
		return NULL;
	init = a->initial_release_date != NULL ? a->initial_release_date :
	    a->revisions[0].date;
	cur = a->current_release_date != NULL ? a->current_release_date :
	    a->revisions[a->nrevisions - 1].date;
	if (publish_csaf_url(a, self, sizeof(self)) == -1) {
		fail(err, errlen, "cannot make the document's URL");
		return NULL;
	}
	if (pids_build(a, &t) == -1) {
		fail(err, errlen, "out of memory");
		return NULL;
	}
	doc = obj(&b);
	set(&b, doc, "document", document(&b, a, init, cur, self));
	set(&b, doc, "product_tree", product_tree(&b, a, &t));
	vulns = arr(&b);
	push(&b, vulns, vulnerability(&b, a, &t, init));
	set(&b, doc, "vulnerabilities", vulns);
	free(t.v);
	if (b.oom) {
		json_decref(doc);
		fail(err, errlen, "out of memory");
		return NULL;
	}
	return doc;
}
