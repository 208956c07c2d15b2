/* publish/build.c - the publish model of a stored advisory (see
 * publish/build.h). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/cvss.h"
#include "core/cwe.h"
#include "core/report.h"
#include "publish/build.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/config.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION	"0.0.0"
#endif

#define MAX_VERSIONS	256

__attribute__((format(printf, 3, 4)))
static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static const char *
nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

/* s without leading and trailing white space, as an arena copy. */
static char *
trimmed(struct arena *a, const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return util_arena_strndup(a, s, n);
}

/* Splits a comma-separated version list.  An item that starts with '<'
 * right after one that starts with '>' is the upper bound of that range
 * (">=1.0, <1.4") and is joined back to it.  Returns 0, or -1 when out of
 * memory. */
static int
split_versions(struct arena *a, const char *list, const char *const **out,
    size_t *n)
{
	const char **v;
	const char *p, *e;
	char *item, *joined;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (list == NULL || *list == '\0')
		return 0;
	if ((v = util_arena_zalloc(a, MAX_VERSIONS * sizeof(*v))) == NULL)
		return -1;
	for (p = list; *p != '\0' && k < MAX_VERSIONS; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ",");
		if ((item = trimmed(a, p, (size_t)(e - p))) == NULL)
			return -1;
		if (*item == '\0')
			continue;
		if (item[0] == '<' && k > 0 && v[k - 1][0] == '>' &&
		    strchr(v[k - 1], '<') == NULL) {
			if ((joined = util_arena_printf(a, "%s, %s", v[k - 1],
			    item)) == NULL)
				return -1;
			v[k - 1] = joined;
			continue;
		}
		v[k++] = item;
	}
	*out = v;
	*n = k;
	return 0;
}

void
publish_format_utc(long long t, char *out, size_t outlen)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, outlen, "1970-01-01T00:00:00Z");
}

/* Percent-encodes anything but unreserved characters (RFC 3986). */
static char *
url_segment(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *o, *q;

	if ((o = util_arena_alloc(a, strlen(s) * 3 + 1)) == NULL)
		return NULL;
	for (q = o; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			*q++ = (char)c;
		else {
			*q++ = '%';
			*q++ = hex[c >> 4];
			*q++ = hex[c & 15];
		}
	}
	*q = '\0';
	return o;
}

static const char *
strip_slash(struct arena *a, const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == '/')
		n--;
	return util_arena_strndup(a, s, n);
}

/* The researcher's credit: NULL for "anonymous" or nothing. */
static const char *
credit_of(const struct store_advisory *adv, const struct store_case *c)
{
	const char *s;

	if ((s = nonempty(adv->d.acknowledgment)) != NULL)
		return strcasecmp(s, "anonymous") == 0 ? NULL : s;
	if (c == NULL || c->field == NULL)
		return NULL;
	s = c->field[RF_CREDIT];
	if (s != NULL && strcasecmp(s, "anonymous") == 0)
		return NULL;
	if (nonempty(s) == NULL)
		s = c->field[RF_REPORTER_NAME];
	return nonempty(s);
}

int
publish_build(struct store *st, const struct config *cfg,
    const struct store_advisory *adv, struct arena *a,
    struct publish_advisory *out, char *err, size_t errlen)
{
	struct store_case c;
	struct store_product *prods = NULL;
	struct store_revision *revs = NULL;
	struct publish_product *pp;
	struct publish_revision *pr;
	struct core_cvss cv;
	const struct core_cwe *cwe;
	const char *vec, *cerr, *pname, *base, *ns;
	char norm[CORE_CVSS_MAXLEN + 1], date[32];
	size_t nprods = 0, nrevs = 0, i;
	int rc, id;

	memset(out, 0, sizeof(*out));
	if (adv == NULL || nonempty(adv->advisory_id) == NULL)
		return fail(err, errlen, "the advisory is not published");
	rc = store_case_get(st, adv->case_id, a, &c);
	if (rc == STORE_NONE)
		return fail(err, errlen, "the case of advisory %s is missing",
		    adv->advisory_id);
	if (rc != STORE_OK)
		return fail(err, errlen, "store error reading the case of %s",
		    adv->advisory_id);
	if (store_advisory_revisions(st, adv->row, a, &revs, &nrevs) ==
	    STORE_ERR)
		return fail(err, errlen, "store error reading the revisions "
		    "of %s", adv->advisory_id);
	if (store_products_list(st, a, &prods, &nprods) == STORE_ERR)
		return fail(err, errlen, "store error reading the products");

	out->id = adv->advisory_id;
	out->title = adv->d.title != NULL ? adv->d.title : "";
	out->summary = adv->d.summary != NULL ? adv->d.summary : "";
	out->publisher_name = cfg->publisher_name[0] != '\0' ?
	    cfg->publisher_name : cfg->team_name;
	out->publisher_namespace = strip_slash(a, cfg->publisher_namespace);
	if (cfg->policy_contact[0] != '\0')
		out->publisher_contact = cfg->policy_contact;
	else if (cfg->mail_address[0] != '\0')
		out->publisher_contact = cfg->mail_address;
	out->lang = "en";
	out->cve = nonempty(adv->d.cve);
	out->workarounds = nonempty(adv->d.workarounds);
	out->mitigations = nonempty(adv->d.mitigations);
	out->known_issues = nonempty(adv->d.known_issues);
	out->restart_required = adv->d.restart_required;
	out->acknowledgment = credit_of(adv, &c);
	out->status = "final";
	out->tracking_generator = "Vigil " VIGIL_VERSION;

	/* The product. */
	if ((pp = util_arena_zalloc(a, sizeof(*pp))) == NULL)
		goto oom;
	pname = c.field[RF_PRODUCT];
	if (pname == NULL || *pname == '\0' || strcmp(pname, "other") == 0)
		pname = nonempty(c.field[RF_PRODUCT_OTHER]);
	pp->name = pname != NULL ? pname : "";
	pp->vendor = out->publisher_name;
	for (i = 0; i < nprods; i++)
		if (prods[i].name != NULL && strcmp(prods[i].name,
		    pp->name) == 0 && nonempty(prods[i].vendor) != NULL) {
			pp->vendor = prods[i].vendor;
			break;
		}
	if (split_versions(a, adv->d.affected, &pp->affected,
	    &pp->naffected) == -1 ||
	    split_versions(a, adv->d.fixed, &pp->fixed, &pp->nfixed) == -1)
		goto oom;
	out->products = pp;
	out->nproducts = 1;

	/* CVSS: the team's vector, else the researcher's. */
	vec = nonempty(c.staff_cvss);
	if (vec == NULL)
		vec = nonempty(c.field[RF_CVSS_VECTOR]);
	if (vec != NULL && core_cvss_score(vec, &cv, &cerr) == 0) {
		if (core_cvss_normalize(vec, norm, sizeof(norm), &cerr) == 0)
			vec = norm;
		if ((out->cvss_vector = util_arena_strdup(a, vec)) == NULL)
			goto oom;
		out->cvss_score = cv.base;
		out->cvss_severity = NULL;
	}

	/* CWE: the team's, when it is in the catalogue. */
	if (nonempty(c.staff_cwe) != NULL &&
	    (id = core_cwe_parse(c.staff_cwe)) > 0 &&
	    (cwe = core_cwe_find(id)) != NULL) {
		if ((out->cwe_id = util_arena_printf(a, "CWE-%d", id)) == NULL)
			goto oom;
		out->cwe_name = cwe->name;
	}

	/* Revisions, oldest first. */
	if (nrevs > 0) {
		if ((pr = util_arena_zalloc(a, nrevs * sizeof(*pr))) == NULL)
			goto oom;
		for (i = 0; i < nrevs; i++) {
			publish_format_utc((long long)revs[i].at, date,
			    sizeof(date));
			pr[i].number = revs[i].number;
			pr[i].summary = revs[i].summary;
			if ((pr[i].date = util_arena_strdup(a, date)) == NULL)
				goto oom;
		}
		out->revisions = pr;
		out->nrevisions = nrevs;
	}

	/* The HTML page: https only (CSAF). */
	base = cfg->base_url;
	ns = out->publisher_namespace;
	if (strncmp(base, "https://", 8) != 0 || base[8] == '\0')
		base = ns;
	if (base == NULL || (base = strip_slash(a, base)) == NULL ||
	    (out->advisory_url = util_arena_printf(a, "%s/advisories/%s",
	    base, url_segment(a, adv->advisory_id))) == NULL)
		goto oom;
	return 0;
oom:
	return fail(err, errlen, "out of memory");
}
