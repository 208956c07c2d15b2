/* core/report.h - a vulnerability report as submitted by a researcher,
 * its validation rules and its completeness tier.  Pure: libc only.
 * The web form, the JSON API and (later) mail intake fill a
 * struct core_report and call core_report_validate(); nothing is stored
 * unless it returns 0. */
#ifndef CORE_REPORT_H
#define CORE_REPORT_H
#include <stddef.h>

/* Every field a researcher can fill in; the order is the form's order.
 * The names (core_report_field_name) are the form and JSON field names. */
enum report_field {
	RF_REPORTER_NAME,	/* reporter.name, optional, <= 200 */
	RF_REPORTER_EMAIL,	/* reporter.email, required, <= 254, addr-spec */
	RF_PGP_KEY,		/* reporter.pgp_key, optional armored public key, <= 64 KiB */
	RF_CREDIT,		/* reporter.credit: name to credit, "anonymous", or empty (= reporter name) */
	RF_PRODUCT,		/* product name from the list, or "other" */
	RF_PRODUCT_OTHER,	/* required when product is "other", <= 200 */
	RF_VERSIONS,		/* affected versions, required, <= 500 */
	RF_CWE,			/* "CWE-79" style or "unknown"; optional (raises the tier) */
	RF_IMPACT,		/* one of core_report_impacts, required */
	RF_TITLE,		/* required, 5..200 chars, one line */
	RF_DESCRIPTION,		/* Markdown, required, 20 .. 64 KiB */
	RF_STEPS,		/* steps to reproduce, optional, <= 64 KiB */
	RF_POC,			/* proof of concept text, optional, <= 256 KiB */
	RF_ROOT_CAUSE,		/* root-cause analysis, optional, <= 64 KiB */
	RF_PUBLICLY_KNOWN,	/* "yes" / "no", required */
	RF_EXPLOITED,		/* "yes" / "no", required */
	RF_DISCLOSURE_PLANS,	/* optional, <= 8 KiB */
	RF_DISCLOSURE_DATE,	/* optional YYYY-MM-DD, a real calendar date */
	RF_CVSS_VECTOR,		/* optional CVSS:3.1/... (or CVSS:4.0/...), syntax checked */
	RF_ATTACHMENTS,		/* pseudo-field for attachment errors */
	RF__MAX
};

enum report_impact {
	IMPACT_RCE, IMPACT_EOP, IMPACT_INFO_DISCLOSURE, IMPACT_DOS,
	IMPACT_SPOOFING, IMPACT_TAMPERING, IMPACT_SFB, IMPACT__MAX
};

/* Completeness tiers, lowest first (MSRC-style quality levels). */
enum report_tier {
	TIER_INCOMPLETE,	/* required fields missing */
	TIER_BASIC,		/* required fields present */
	TIER_REPRODUCIBLE,	/* + steps to reproduce */
	TIER_POC,		/* + a proof of concept (text or a file) */
	TIER_ROOT_CAUSE,	/* + root-cause analysis and a CWE */
	TIER__MAX
};

struct core_attachment_meta {
	const char	*filename;	/* as sent by the client, untrusted */
	const char	*content_type;	/* as sent by the client, untrusted */
	size_t		 size;
};

/* Strings are NUL-terminated UTF-8 as received (NULL or "" = absent).
 * The validator never modifies them. */
struct core_report {
	const char	*field[RF__MAX];
	const struct core_attachment_meta *attachments;
	size_t		 nattachments;
};

struct core_report_limits {
	size_t		 max_attachment;	/* bytes, per file */
	size_t		 max_attachments;	/* count */
};

/* One message per field; NULL = that field is fine.  Messages are static
 * strings meant for the researcher ("Enter a title of 5 to 200 characters."). */
struct core_report_errors {
	const char	*msg[RF__MAX];
	int		 count;
};

/* The list of product names offered in the form ("other" is always valid). */
struct core_product_list {
	const char *const *names;
	size_t		 n;
};

const char	*core_report_field_name(enum report_field);	/* "reporter_name", ... */
const char	*core_report_field_label(enum report_field);	/* "Your name", ... */
const char	*core_report_impact_name(enum report_impact);	/* "rce", ... */
const char	*core_report_impact_label(enum report_impact);	/* "Remote code execution", ... */
int		 core_report_impact_parse(const char *);	/* -1 if unknown */
const char	*core_report_tier_name(enum report_tier);	/* "basic", ... */
const char	*core_report_tier_label(enum report_tier);

/* Returns the number of invalid fields (0 = valid); fills errs. */
int	core_report_validate(const struct core_report *,
	    const struct core_product_list *, const struct core_report_limits *,
	    struct core_report_errors *errs);

/* Tier of a report (valid or not) and, in hints (up to nhints), static
 * sentences telling the researcher what would raise it. Returns the tier. */
enum report_tier core_report_tier(const struct core_report *,
	    const char **hints, size_t nhints, size_t *nhintsp);

/* 1 if s is valid UTF-8 without NUL, DEL and C0 controls other than
 * \t \n \r.  allow_newlines=0 also refuses line breaks (\n \r NEL
 * U+2028 U+2029) and bidi overrides (U+202A..U+202E, U+2066..U+2069). */
int	core_text_ok(const char *s, size_t len, int allow_newlines);
/* Number of Unicode code points in valid UTF-8. */
size_t	core_utf8_len(const char *s);

/* 1 if s is a plausible e-mail addr-spec (local@domain, no spaces, no
 * control characters, no quotes, <= 254 bytes). */
int	core_email_ok(const char *s);

/* Writes a safe display name for an uploaded file into out (size outlen,
 * at least 64): path components dropped, control/bidi/zero-width chars
 * removed, leading dots removed, truncated to 255 bytes at a UTF-8
 * boundary, "attachment" when nothing is left. */
void	core_filename_sanitize(const char *in, char *out, size_t outlen);

/* Tracking IDs: PREFIX-YYYY-NNNN (sequence zero-padded to 4, grows as
 * needed). prefix: 1..16 chars of [A-Z0-9]. Returns -1 if it doesn't fit. */
int	core_tracking_format(char *out, size_t outlen, const char *prefix,
	    int year, long seq);
/* Parses PREFIX-YYYY-N+; returns 0 and fills year/seq, or -1. */
int	core_tracking_parse(const char *s, const char *prefix, int *year,
	    long *seq);

#endif
