/*
 * publish/advisory.h — the plain-C advisory model and the document
 * generators built on it (CSAF 2.0 in csaf.c, CVE Record Format 5.1 in
 * cve.c).
 *
 * The model borrows every string: the generators copy what they need into
 * the json_t they return, so the caller's storage (an arena, a row) may
 * go away afterwards.  The caller owns the returned json_t (json_decref).
 *
 * Generators refuse, with a message in err, anything that would make a
 * document that fails its validator (OASIS strict schema + mandatory
 * tests; the bundled CVE JSON schema): a missing field, a date that is not
 * RFC 3339 with a time zone, revisions out of order, a severity that does
 * not match the score, a version listed both affected and fixed, ...
 */
#ifndef PUBLISH_ADVISORY_H
#define PUBLISH_ADVISORY_H

#include <stddef.h>

#include <jansson.h>

/*
 * One product.  A version string is either a single version ("2.4.0") or a
 * range.  Ranges are recognised by the words CSAF test 6.1.31 forbids in a
 * product_version ("<", ">", "before", "all", "versions", ...) or a
 * "vers:" prefix.  Ranges of the forms "<X", "<=X", ">=A <B", ">=A, <=B"
 * and "vers:<scheme>/>=A|<B" are understood exactly (CSAF gets a
 * vers:generic range, CVE a version/lessThan entry); any other range text
 * is carried verbatim.
 */
struct publish_product {
	const char		*name;
	const char		*vendor;
	const char *const	*affected;	/* version strings */
	size_t			 naffected;
	const char *const	*fixed;		/* version strings */
	size_t			 nfixed;
};

struct publish_revision {
	int		 number;	/* 1, 2, 3 ... in order */
	const char	*date;		/* RFC 3339, e.g. 2026-12-08T18:00:00Z */
	const char	*summary;
};

/* Values of publish_advisory.restart_required. */
enum publish_restart {
	PUBLISH_RESTART_NONE = 0,	/* CSAF restart_required "none" */
	PUBLISH_RESTART_SERVICE = 1,	/* "service" */
	PUBLISH_RESTART_MACHINE = 2,	/* "machine" */
	PUBLISH_RESTART__MAX
};

struct publish_advisory {
	const char	*id;		/* VIGIL-2026-0001 */
	const char	*title;
	const char	*summary;
	const char	*publisher_name;
	const char	*publisher_namespace;	/* https URL */
	const char	*publisher_contact;	/* or NULL */
	const char	*lang;		/* "en"; NULL means "en" */
	const struct publish_product *products;
	size_t		 nproducts;
	const char	*cve;		/* may be NULL */
	const char	*cwe_id;	/* "CWE-787" or NULL */
	const char	*cwe_name;	/* official CWE name; needed with cwe_id */
	const char	*cvss_vector;	/* CVSS:3.1/..., CVSS:3.0/..., CVSS:4.0/... or NULL */
	double		 cvss_score;	/* base score of cvss_vector */
	const char	*cvss_severity;	/* "HIGH" etc.; NULL: derived from the score */
	const char	*workarounds;	/* or NULL */
	const char	*mitigations;	/* or NULL */
	int		 restart_required;	/* enum publish_restart; <0: not stated */
	const char	*known_issues;	/* or NULL */
	const char	*acknowledgment;	/* as the researcher chose; NULL: anonymous */
	const struct publish_revision *revisions;	/* oldest first */
	size_t		 nrevisions;
	const char	*initial_release_date;	/* NULL: the first revision's date */
	const char	*current_release_date;	/* NULL: the last revision's date */
	const char	*status;	/* "final" or "interim" */
	const char	*advisory_url;	/* the HTML page, https */
	const char	*tracking_generator;	/* "Vigil 0.1.0" or NULL */
};

/* ---- CSAF 2.0 (csaf.c) ---- */

/*
 * A CSAF 2.0 document, category csaf_security_advisory.  NULL with a
 * message in err when the advisory cannot make a valid document.
 */
json_t	*publish_csaf(const struct publish_advisory *, char *err,
	    size_t errlen);

/*
 * CSAF §5.1 file name of a tracking id: lower-case, each run of characters
 * outside [+-a-z0-9] becomes one "_", then ".json".
 * "Example Company - 2019-YH3234" -> "example_company_-_2019-yh3234.json".
 * 0, or -1 when the id is NULL/empty or out is too small.
 */
int	 publish_csaf_filename(const char *tracking_id, char *out,
	    size_t outlen);

/*
 * Path of the document below the provider's /.well-known/csaf/ directory
 * (§7.1.11: one folder per year of initial_release_date, TLP:WHITE only):
 * "white/2026/vigil-2026-0001.json".  0 or -1.
 */
int	 publish_csaf_path(const char *tracking_id,
	    const char *initial_release_date, char *out, size_t outlen);

/*
 * The document's canonical URL, used as its "self" reference: the origin
 * of advisory_url + "/.well-known/csaf/" + publish_csaf_path().  0 or -1.
 */
int	 publish_csaf_url(const struct publish_advisory *, char *out,
	    size_t outlen);

/* ---- CVE Record Format 5.1 (cve.c) ---- */

/*
 * A published CVE record (dataVersion 5.1) for the advisory's CVE ID,
 * assigned by the CNA with the UUID cna_org_id.  NULL with a message in
 * err when the advisory has no CVE ID or cannot make a valid record.
 */
json_t	*publish_cve(const struct publish_advisory *, const char *cna_org_id,
	    char *err, size_t errlen);

/* ---- shared (csaf.c) ---- */

/*
 * The documents serialised as files are written: keys sorted, two-space
 * indent, reals printed with the shortest form that reads back (9.8, not
 * 9.8000000000000007).  Free with free(); NULL on allocation failure.
 */
char	*publish_dumps(const json_t *);

/*
 * Checks shared by both generators (fields present, dates, revisions,
 * products, CVSS, CWE).  0, or -1 with a message in err.
 */
int	 publish_check(const struct publish_advisory *, char *err,
	    size_t errlen);

/*
 * Seconds since the epoch (UTC) of an RFC 3339 date-time with a time zone
 * ("2026-12-08T18:00:00Z", "...+02:00", optional fraction); the fraction
 * goes to *nsec when not NULL.  0, or -1 when malformed.
 */
int	 publish_rfc3339(const char *, long long *sec, long *nsec);

/* A version string split as described above struct publish_product. */
struct publish_range {
	int	 kind;		/* PUBLISH_V_* */
	char	 lo[128];	/* inclusive lower bound, "" when none */
	char	 hi[128];	/* upper bound, "" when none */
	int	 hi_incl;	/* hi is <= rather than < */
	char	 scheme[32];	/* vers scheme ("generic" when not given) */
};
enum { PUBLISH_V_SINGLE, PUBLISH_V_RANGE, PUBLISH_V_TEXT };
void	 publish_range_parse(const char *version, struct publish_range *);

/* CVSS severity band of a base score: "NONE" ... "CRITICAL". */
const char *publish_severity(double score);

/* The CVSS version of a vector: "3.1", "3.0", "4.0", or NULL. */
const char *publish_cvss_version(const char *vector);

#endif /* PUBLISH_ADVISORY_H */
