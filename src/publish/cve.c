/*
 * publish/cve.c — a published CVE record (CVE JSON 5.1) from the advisory
 * model: cveMetadata plus the CNA container (descriptions, affected,
 * problemTypes, metrics, workarounds, solutions, references, credits).
 * Valid against the bundled CVE_Record_Format schema.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish/advisory.h"

/* Length limits of the CVE schema. */
#define MAX_TITLE	256
#define MAX_TEXT	4096
#define MAX_VENDOR	512
#define MAX_PRODUCT	2048
#define MAX_VERSION	1024
#define MAX_URL		2048

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

/* UUID version 4, as the schema's uuidType pattern wants. */
static int
uuid4_ok(const char *s)
{
	size_t	 i;

	if (s == NULL || strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i]))
			return 0;
	}
	return s[14] == '4' && strchr("89abAB", s[19]) != NULL;
}

/* The schema's language pattern, and English ("en", "en-US"). */
static int
english_ok(const char *s)
{
	size_t	 n;

	if (strncasecmp(s, "en", 2) != 0)
		return 0;
	s += 2;
	if (*s == '\0')
		return 1;
	if (*s != '-' && *s != '_')
		return 0;
	s++;
	n = strlen(s);
	if (n == 4) {
		for (; *s != '\0'; s++)
			if (!isalpha((unsigned char)*s))
				return 0;
		return 1;
	}
	if (n == 2)
		return isalpha((unsigned char)s[0]) &&
		    isalpha((unsigned char)s[1]);
	if (n == 3)
		return isdigit((unsigned char)s[0]) &&
		    isdigit((unsigned char)s[1]) &&
		    isdigit((unsigned char)s[2]);
	return 0;
}

static int
too_long(const char *what, const char *s, size_t max, char *err,
    size_t errlen)
{
	if (s != NULL && strlen(s) > max)
		return fail(err, errlen, "%s is longer than %zu bytes for a "
		    "CVE record", what, max);
	return 0;
}

static int
check(const struct publish_advisory *a, const char *org, char *err,
    size_t errlen)
{
	const struct publish_product *p;
	size_t		 i, j;

	if (a == NULL)
		return fail(err, errlen, "no advisory");
	if (empty(a->cve))
		return fail(err, errlen, "advisory %s has no CVE ID",
		    a->id == NULL ? "" : a->id);
	if (!uuid4_ok(org))
		return fail(err, errlen, "CNA org id is not a UUID v4");
	if (publish_check(a, err, errlen) == -1)
		return -1;
	if (a->lang != NULL && !english_ok(a->lang))
		return fail(err, errlen, "a CVE record needs an English "
		    "description; lang is \"%s\"", a->lang);
	if (too_long("title", a->title, MAX_TITLE, err, errlen) ||
	    too_long("summary", a->summary, MAX_TEXT, err, errlen) ||
	    too_long("workarounds", a->workarounds, MAX_TEXT, err, errlen) ||
	    too_long("mitigations", a->mitigations, MAX_TEXT, err, errlen) ||
	    too_long("acknowledgment", a->acknowledgment, MAX_TEXT, err,
	    errlen) ||
	    too_long("advisory_url", a->advisory_url, MAX_URL, err, errlen) ||
	    too_long("cwe_name", a->cwe_name, MAX_TEXT - 16, err, errlen))
		return -1;
	for (i = 0; i < a->nproducts; i++) {
		p = &a->products[i];
		if (too_long("vendor", p->vendor, MAX_VENDOR, err, errlen) ||
		    too_long("product", p->name, MAX_PRODUCT, err, errlen))
			return -1;
		for (j = 0; j < p->naffected; j++)
			if (too_long("version", p->affected[j], MAX_VERSION,
			    err, errlen))
				return -1;
		for (j = 0; j < p->nfixed; j++)
			if (too_long("version", p->fixed[j], MAX_VERSION, err,
			    errlen))
				return -1;
	}
	return 0;
}

/* ---- building; allocation failures latch b->oom ---- */

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

/* {lang, value} */
static json_t *
text(struct bld *b, const char *lang, const char *value)
{
	json_t	*o = obj(b);

	sets(b, o, "lang", lang);
	sets(b, o, "value", value);
	return o;
}

static json_t *
version_entry(struct bld *b, const char *v, const char *status)
{
	struct publish_range r;
	json_t	*o = obj(b);

	publish_range_parse(v, &r);
	if (r.kind != PUBLISH_V_RANGE) {
		sets(b, o, "version", v);
		sets(b, o, "status", status);
		return o;
	}
	sets(b, o, "version", r.lo[0] != '\0' ? r.lo : "0");
	if (r.hi[0] == '\0')
		sets(b, o, "lessThan", "*");
	else
		sets(b, o, r.hi_incl ? "lessThanOrEqual" : "lessThan", r.hi);
	sets(b, o, "status", status);
	sets(b, o, "versionType", strcmp(r.scheme, "generic") == 0 ?
	    "custom" : r.scheme);
	return o;
}

/*
 * Appends v unless an equal entry is there already: "<2" and "< 2" make
 * the same entry, and the schema wants versions[] items unique.
 */
static void
push_unique(struct bld *b, json_t *l, json_t *v)
{
	size_t	 i;

	for (i = 0; v != NULL && i < json_array_size(l); i++)
		if (json_equal(json_array_get(l, i), v)) {
			json_decref(v);
			return;
		}
	push(b, l, v);
}

static json_t *
affected(struct bld *b, const struct publish_advisory *a)
{
	const struct publish_product *p;
	json_t	*l = arr(b), *o, *vs;
	size_t	 i, j;

	for (i = 0; i < a->nproducts; i++) {
		p = &a->products[i];
		o = obj(b);
		sets(b, o, "vendor", p->vendor);
		sets(b, o, "product", p->name);
		if (p->naffected + p->nfixed == 0) {
			sets(b, o, "defaultStatus", "affected");
			push(b, l, o);
			continue;
		}
		vs = arr(b);
		for (j = 0; j < p->naffected; j++)
			push_unique(b, vs, version_entry(b, p->affected[j],
			    "affected"));
		for (j = 0; j < p->nfixed; j++)
			push_unique(b, vs, version_entry(b, p->fixed[j],
			    "unaffected"));
		set(b, o, "versions", vs);
		sets(b, o, "defaultStatus", "unknown");
		push(b, l, o);
	}
	return l;
}

/* "Update Vendor Product to version 1.2.4 or 2.0.1." per fixed product. */
static json_t *
solutions(struct bld *b, const struct publish_advisory *a, const char *lang,
    char *err, size_t errlen)
{
	const struct publish_product *p;
	json_t	*l = arr(b);
	char	*s, *s2;
	size_t	 i, j;
	int	 n;

	for (i = 0; i < a->nproducts; i++) {
		p = &a->products[i];
		if (p->nfixed == 0)
			continue;
		n = asprintf(&s, "Update %s %s to version %s", p->vendor,
		    p->name, p->fixed[0]);
		for (j = 1; n != -1 && j < p->nfixed; j++) {
			n = asprintf(&s2, "%s%s %s", s, j + 1 == p->nfixed ?
			    " or" : ",", p->fixed[j]);
			free(s);
			s = n == -1 ? NULL : s2;
		}
		if (n != -1) {
			n = asprintf(&s2, "%s.", s);
			free(s);
			s = n == -1 ? NULL : s2;
		}
		if (n == -1) {
			b->oom = 1;
			continue;
		}
		if (strlen(s) > MAX_TEXT) {
			fail(err, errlen, "solution for %s is longer than "
			    "%d bytes", p->name, MAX_TEXT);
			b->oom = 1;
		} else
			push(b, l, text(b, lang, s));
		free(s);
	}
	if (json_array_size(l) == 0) {
		json_decref(l);
		return NULL;
	}
	return l;
}

static json_t *
cvss_metric(struct bld *b, const struct publish_advisory *a, const char *lang)
{
	const char	*ver = publish_cvss_version(a->cvss_vector);
	const char	*key;
	json_t		*l, *m, *sc, *c;

	if (ver == NULL)
		return NULL;
	key = strcmp(ver, "4.0") == 0 ? "cvssV4_0" :
	    strcmp(ver, "3.1") == 0 ? "cvssV3_1" : "cvssV3_0";
	l = arr(b);
	m = obj(b);
	sets(b, m, "format", "CVSS");
	sc = arr(b);
	push(b, sc, text(b, lang, "GENERAL"));
	set(b, m, "scenarios", sc);
	c = obj(b);
	sets(b, c, "version", ver);
	sets(b, c, "vectorString", a->cvss_vector);
	set(b, c, "baseScore", json_real(round(a->cvss_score * 10) / 10));
	sets(b, c, "baseSeverity", publish_severity(a->cvss_score));
	set(b, m, key, c);
	push(b, l, m);
	return l;
}

static json_t *
problem_types(struct bld *b, const struct publish_advisory *a,
    const char *lang)
{
	json_t	*l = arr(b), *pt = obj(b), *ds = arr(b), *d = obj(b);
	char	*s;

	sets(b, d, "lang", lang);
	if (a->cwe_id != NULL) {
		if (asprintf(&s, "%s %s", a->cwe_id, a->cwe_name) == -1) {
			b->oom = 1;
		} else {
			sets(b, d, "description", s);
			free(s);
		}
		sets(b, d, "cweId", a->cwe_id);
		sets(b, d, "type", "CWE");
	} else {
		sets(b, d, "description", "n/a");
		sets(b, d, "type", "text");
	}
	push(b, ds, d);
	set(b, pt, "descriptions", ds);
	push(b, l, pt);
	return l;
}

json_t *
publish_cve(const struct publish_advisory *a, const char *org, char *err,
    size_t errlen)
{
	struct bld	 b = { 0 };
	json_t		*rec, *meta, *cna, *pm, *l, *o, *x;
	const char	*lang, *init, *cur;
	char		 csaf[2048];

	if (check(a, org, err, errlen) == -1)
		return NULL;
	lang = a->lang != NULL ? a->lang : "en";
	init = a->initial_release_date != NULL ? a->initial_release_date :
	    a->revisions[0].date;
	cur = a->current_release_date != NULL ? a->current_release_date :
	    a->revisions[a->nrevisions - 1].date;
	if (err != NULL && errlen > 0)
		err[0] = '\0';

	rec = obj(&b);
	sets(&b, rec, "dataType", "CVE_RECORD");
	sets(&b, rec, "dataVersion", "5.1");

	meta = obj(&b);
	sets(&b, meta, "cveId", a->cve);
	sets(&b, meta, "assignerOrgId", org);
	sets(&b, meta, "state", "PUBLISHED");
	sets(&b, meta, "datePublished", init);
	sets(&b, meta, "dateUpdated", cur);
	set(&b, rec, "cveMetadata", meta);

	cna = obj(&b);
	pm = obj(&b);
	sets(&b, pm, "orgId", org);
	sets(&b, pm, "dateUpdated", cur);
	set(&b, cna, "providerMetadata", pm);
	sets(&b, cna, "title", a->title);
	sets(&b, cna, "datePublic", init);

	l = arr(&b);
	push(&b, l, text(&b, lang, a->summary));
	set(&b, cna, "descriptions", l);

	set(&b, cna, "affected", affected(&b, a));
	set(&b, cna, "problemTypes", problem_types(&b, a, lang));
	if (a->cvss_vector != NULL)
		set(&b, cna, "metrics", cvss_metric(&b, a, lang));

	if (!empty(a->workarounds) || !empty(a->mitigations)) {
		l = arr(&b);
		if (!empty(a->workarounds))
			push(&b, l, text(&b, lang, a->workarounds));
		if (!empty(a->mitigations) && (empty(a->workarounds) ||
		    strcmp(a->workarounds, a->mitigations) != 0))
			push(&b, l, text(&b, lang, a->mitigations));
		set(&b, cna, "workarounds", l);
	}
	if ((l = solutions(&b, a, lang, err, errlen)) != NULL)
		set(&b, cna, "solutions", l);

	l = arr(&b);
	o = obj(&b);
	sets(&b, o, "url", a->advisory_url);
	sets(&b, o, "name", a->id);
	x = arr(&b);
	push(&b, x, str(&b, "vendor-advisory"));
	set(&b, o, "tags", x);
	push(&b, l, o);
	if (publish_csaf_url(a, csaf, sizeof(csaf)) == 0 &&
	    strlen(csaf) <= MAX_URL) {
		o = obj(&b);
		sets(&b, o, "url", csaf);
		sets(&b, o, "name", "CSAF");
		x = arr(&b);
		push(&b, x, str(&b, "vendor-advisory"));
		set(&b, o, "tags", x);
		push(&b, l, o);
	}
	set(&b, cna, "references", l);

	l = arr(&b);
	o = obj(&b);
	sets(&b, o, "lang", lang);
	sets(&b, o, "value", !empty(a->acknowledgment) ? a->acknowledgment :
	    "an anonymous researcher");
	sets(&b, o, "type", "finder");
	push(&b, l, o);
	set(&b, cna, "credits", l);

	if (!empty(a->tracking_generator)) {
		o = obj(&b);
		sets(&b, o, "engine", a->tracking_generator);
		set(&b, cna, "x_generator", o);
	}

	o = obj(&b);
	set(&b, o, "cna", cna);
	set(&b, rec, "containers", o);
	if (b.oom) {
		json_decref(rec);
		if (err != NULL && errlen > 0 && err[0] == '\0')
			fail(err, errlen, "out of memory");
		return NULL;
	}
	return rec;
}
