/* core/report.c - see report.h.  Pure: libc only, no allocation.
 *
 * One table (fields[]) holds each field's name, label, limits and
 * messages; check_field() applies it, then the few rules that are
 * particular to a field (e-mail syntax, product list, CWE, dates, CVSS).
 * core_report_validate() and core_report_tier() share check_field(), so
 * a report is never "basic" while a required field would be refused. */
#include <stdio.h>
#include <string.h>

#include "cvss.h"
#include "cwe.h"
#include "report.h"

#define KIB			1024u
#define SHORT_MAX		200	/* code points, single-line fields */
#define EMAIL_MAX		254	/* bytes, RFC 5321 path limit */
#define LOCAL_MAX		64	/* bytes, local part */
#define LABEL_MAX		63	/* bytes, one DNS label */
#define CVSS_MAX		512	/* bytes; a full v4.0 vector is < 300 */
#define FILENAME_MAX_BYTES	255
#define STEPS_MIN		20	/* code points for the tier */
#define POC_MIN			10
#define ROOT_CAUSE_MIN		20

/* Used when core_report_validate() is given no limits. */
#define DEF_MAX_ATTACHMENT	(10u * KIB * KIB)
#define DEF_MAX_ATTACHMENTS	5

#define PGP_BEGIN	"-----BEGIN PGP PUBLIC KEY BLOCK-----"
#define PGP_END		"-----END PGP PUBLIC KEY BLOCK-----"

struct field {
	const char	*name;
	const char	*label;
	int		 required;
	int		 multiline;
	size_t		 mincp;		/* code points, outer blanks excluded */
	size_t		 maxcp;		/* code points, 0 = no limit */
	size_t		 maxbytes;	/* bytes, 0 = no limit */
	const char	*missing;	/* required and absent */
	const char	*badtext;	/* core_text_ok() refused it */
	const char	*badlen;	/* outside mincp..maxcp / maxbytes */
};

static const struct field fields[RF__MAX] = {
	[RF_REPORTER_NAME] = { "reporter_name", "Your name", 0, 0,
	    0, SHORT_MAX, 0, NULL,
	    "Write your name as plain text on a single line.",
	    "Keep your name to 200 characters or fewer." },
	[RF_REPORTER_EMAIL] = { "reporter_email", "Your e-mail address", 1, 0,
	    0, 0, EMAIL_MAX,
	    "Enter your e-mail address so we can reach you.",
	    "Enter a valid e-mail address, such as name@example.com.",
	    "Enter a valid e-mail address, such as name@example.com." },
	[RF_PGP_KEY] = { "reporter_pgp_key", "Your PGP public key", 0, 1,
	    0, 0, 64 * KIB, NULL,
	    "Paste the PGP key as plain ASCII-armored text.",
	    "The PGP key must be at most 64 KiB." },
	[RF_CREDIT] = { "reporter_credit", "Credit as", 0, 0,
	    0, SHORT_MAX, 0, NULL,
	    "Write the credit line as plain text on a single line.",
	    "Keep the credit line to 200 characters or fewer." },
	[RF_PRODUCT] = { "product", "Product", 1, 0,
	    0, SHORT_MAX, 0,
	    "Choose the affected product, or 'Other' if it is not listed.",
	    "Choose a product from the list, or 'Other'.",
	    "Choose a product from the list, or 'Other'." },
	[RF_PRODUCT_OTHER] = { "product_other", "Product name (if not listed)",
	    0, 0, 0, SHORT_MAX, 0,
	    "Enter the name of the affected product.",
	    "Write the product name as plain text on a single line.",
	    "Keep the product name to 200 characters or fewer." },
	[RF_VERSIONS] = { "versions", "Affected versions", 1, 0,
	    0, 500, 0,
	    "Enter the affected versions, for example 2.4.1 or "
	    "'all before 3.0'.",
	    "Write the affected versions as plain text on a single line.",
	    "Keep the list of affected versions to 500 characters or fewer." },
	[RF_CWE] = { "cwe", "Weakness type (CWE)", 0, 0,
	    0, 0, 16, NULL,
	    "Pick a weakness from the list, or 'I don't know'.",
	    "Pick a weakness from the list, or 'I don't know'." },
	[RF_IMPACT] = { "impact", "Impact", 1, 0,
	    0, 0, 32,
	    "Choose the impact of the issue.",
	    "Choose an impact from the list.",
	    "Choose an impact from the list." },
	[RF_TITLE] = { "title", "Title", 1, 0,
	    5, SHORT_MAX, 0,
	    "Enter a title that sums up the issue in a few words.",
	    "Write the title as plain text on a single line.",
	    "Enter a title of 5 to 200 characters." },
	[RF_DESCRIPTION] = { "description", "Description", 1, 1,
	    20, 0, 64 * KIB,
	    "Describe the issue: what is wrong and what an attacker can do.",
	    "The description contains characters we cannot accept; use "
	    "plain text or Markdown.",
	    "Write a description of at least 20 characters and at most "
	    "64 KiB." },
	[RF_STEPS] = { "steps", "Steps to reproduce", 0, 1,
	    0, 0, 64 * KIB, NULL,
	    "The steps to reproduce contain characters we cannot accept; "
	    "attach binary material as a file.",
	    "Keep the steps to reproduce to 64 KiB or less; attach longer "
	    "material as a file." },
	[RF_POC] = { "poc", "Proof of concept", 0, 1,
	    0, 0, 256 * KIB, NULL,
	    "The proof of concept contains characters we cannot accept; "
	    "attach binary material as a file.",
	    "Keep the proof of concept to 256 KiB or less; attach larger "
	    "material as a file." },
	[RF_ROOT_CAUSE] = { "root_cause", "Root cause", 0, 1,
	    0, 0, 64 * KIB, NULL,
	    "The root-cause analysis contains characters we cannot accept; "
	    "use plain text or Markdown.",
	    "Keep the root-cause analysis to 64 KiB or less." },
	[RF_PUBLICLY_KNOWN] = { "publicly_known", "Publicly known?", 1, 0,
	    0, 0, 3,
	    "Tell us whether the issue is already publicly known.",
	    "Answer yes or no: is the issue already publicly known?",
	    "Answer yes or no: is the issue already publicly known?" },
	[RF_EXPLOITED] = { "exploited", "Exploited in the wild?", 1, 0,
	    0, 0, 3,
	    "Tell us whether the issue is being exploited in the wild.",
	    "Answer yes or no: is the issue being exploited in the wild?",
	    "Answer yes or no: is the issue being exploited in the wild?" },
	[RF_DISCLOSURE_PLANS] = { "disclosure_plans", "Your disclosure plans",
	    0, 1, 0, 0, 8 * KIB, NULL,
	    "Write your disclosure plans as plain text or Markdown.",
	    "Keep your disclosure plans to 8 KiB or less." },
	[RF_DISCLOSURE_DATE] = { "disclosure_date", "Planned disclosure date",
	    0, 0, 0, 0, 10, NULL,
	    "Enter the planned disclosure date as YYYY-MM-DD, for example "
	    "2026-03-31.",
	    "Enter the planned disclosure date as YYYY-MM-DD, for example "
	    "2026-03-31." },
	[RF_CVSS_VECTOR] = { "cvss_vector", "CVSS vector", 0, 0,
	    0, 0, CVSS_MAX, NULL,
	    "Write the CVSS vector as plain text on a single line.",
	    "The CVSS vector is too long." },
	[RF_ATTACHMENTS] = { "attachments", "Attachments", 0, 0,
	    0, 0, 0, NULL, NULL, NULL },
};

static const char *const msg_email_bad =
    "Enter a valid e-mail address, such as name@example.com.";
static const char *const msg_pgp_armor =
    "Paste an ASCII-armored PGP public key, from \"" PGP_BEGIN "\" to \""
    PGP_END "\".";
static const char *const msg_cwe_bad =
    "Pick a weakness from the list, or 'I don't know'.";
static const char *const msg_cvss_bad =
    "Enter a valid CVSS v3.1 or v4.0 vector, or leave the field empty.";
static const char *const msg_att_many =
    "You attached more files than allowed; remove some, or put them "
    "in one archive.";
static const char *const msg_att_empty = "A file you attached is empty.";
static const char *const msg_att_big =
    "A file is larger than the allowed size.";

static const char *const impact_names[IMPACT__MAX] = {
	[IMPACT_RCE] = "rce",
	[IMPACT_EOP] = "eop",
	[IMPACT_INFO_DISCLOSURE] = "info_disclosure",
	[IMPACT_DOS] = "dos",
	[IMPACT_SPOOFING] = "spoofing",
	[IMPACT_TAMPERING] = "tampering",
	[IMPACT_SFB] = "security_feature_bypass",
};

static const char *const impact_labels[IMPACT__MAX] = {
	[IMPACT_RCE] = "Remote code execution",
	[IMPACT_EOP] = "Elevation of privilege",
	[IMPACT_INFO_DISCLOSURE] = "Information disclosure",
	[IMPACT_DOS] = "Denial of service",
	[IMPACT_SPOOFING] = "Spoofing",
	[IMPACT_TAMPERING] = "Tampering",
	[IMPACT_SFB] = "Security feature bypass",
};

static const char *const tier_names[TIER__MAX] = {
	[TIER_INCOMPLETE] = "incomplete",
	[TIER_BASIC] = "basic",
	[TIER_REPRODUCIBLE] = "reproducible",
	[TIER_POC] = "poc",
	[TIER_ROOT_CAUSE] = "root_cause",
};

static const char *const tier_labels[TIER__MAX] = {
	[TIER_INCOMPLETE] = "Incomplete",
	[TIER_BASIC] = "Basic",
	[TIER_REPRODUCIBLE] = "Reproducible",
	[TIER_POC] = "With proof of concept",
	[TIER_ROOT_CAUSE] = "With proof of concept and root cause",
};

static const char *const hint_required =
    "Fill in every required field.";
static const char *const hint_steps =
    "Add step-by-step instructions to reproduce the issue on a fresh "
    "install.";
static const char *const hint_poc =
    "Attach or paste a proof of concept that demonstrates the issue.";
static const char *const hint_root_cause =
    "Explain the root cause (which code is wrong and why) and pick the "
    "weakness type (CWE).";
static const char *const hint_cvss =
    "Add a CVSS v3.1 vector with your assessment of severity.";

const char *
core_report_field_name(enum report_field f)
{
	if ((unsigned)f >= RF__MAX)
		return NULL;
	return fields[f].name;
}

const char *
core_report_field_label(enum report_field f)
{
	if ((unsigned)f >= RF__MAX)
		return NULL;
	return fields[f].label;
}

const char *
core_report_impact_name(enum report_impact i)
{
	if ((unsigned)i >= IMPACT__MAX)
		return NULL;
	return impact_names[i];
}

const char *
core_report_impact_label(enum report_impact i)
{
	if ((unsigned)i >= IMPACT__MAX)
		return NULL;
	return impact_labels[i];
}

int
core_report_impact_parse(const char *s)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < IMPACT__MAX; i++)
		if (strcmp(s, impact_names[i]) == 0)
			return i;
	return -1;
}

const char *
core_report_tier_name(enum report_tier t)
{
	if ((unsigned)t >= TIER__MAX)
		return NULL;
	return tier_names[t];
}

const char *
core_report_tier_label(enum report_tier t)
{
	if ((unsigned)t >= TIER__MAX)
		return NULL;
	return tier_labels[t];
}

/*
 * UTF-8.
 */

/* Decodes one code point of valid UTF-8 (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF) from s[0..n).  Returns its length
 * in bytes and sets *cp, or 0 if the bytes there are not valid UTF-8. */
static size_t
utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned long c;
	size_t len, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (n == 0)
		return 0;
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
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 0;
	if (n < len)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	*cp = c;
	return len;
}

static int
is_bidi_control(unsigned long c)
{
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

int
core_text_ok(const char *s, size_t len, int allow_newlines)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long c;
	size_t i = 0, n;

	if (s == NULL)
		return len == 0;
	while (i < len) {
		if ((n = utf8_decode(p + i, len - i, &c)) == 0)
			return 0;
		i += n;
		if (c == '\t')
			continue;
		/* NEL, LINE and PARAGRAPH SEPARATOR are newlines too. */
		if (c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 ||
		    c == 0x2029) {
			if (!allow_newlines)
				return 0;
			continue;
		}
		/* C0 controls (NUL included) and DEL. */
		if (c < 0x20 || c == 0x7f)
			return 0;
		if (!allow_newlines && is_bidi_control(c))
			return 0;
	}
	return 1;
}

/* Counts the bytes that start a character: the number of code points
 * for valid UTF-8, and a bounded, harmless number for anything else. */
static size_t
cplen(const char *s, size_t n)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			count++;
	return count;
}

size_t
core_utf8_len(const char *s)
{
	if (s == NULL)
		return 0;
	return cplen(s, strlen(s));
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Code points of s without leading and trailing blanks. */
static size_t
cplen_trimmed(const char *s)
{
	size_t b = 0, e = strlen(s);

	while (b < e && is_blank(s[b]))
		b++;
	while (e > b && is_blank(s[e - 1]))
		e--;
	return cplen(s + b, e - b);
}

/* A field is present when it holds something besides blanks. */
static int
present(const char *s)
{
	if (s == NULL)
		return 0;
	for (; *s != '\0'; s++)
		if (!is_blank(*s))
			return 1;
	return 0;
}

/*
 * E-mail: a dot-atom local part (RFC 5322 §3.4.1 without quoted strings
 * or comments) and a host name with at least two labels.  Bytes >= 0x80
 * (RFC 6531 addresses) are accepted in both when the whole is valid
 * UTF-8.
 */

static int
is_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80)
		return 1;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int
is_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c >= 0x80;
}

int
core_email_ok(const char *s)
{
	const unsigned char *p, *at, *label;
	size_t len, llen;
	int nlabels = 0, alldigits;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (len == 0 || len > EMAIL_MAX || !core_text_ok(s, len, 0))
		return 0;
	if ((at = (const unsigned char *)strrchr(s, '@')) == NULL)
		return 0;

	/* Local part: atoms separated by single dots. */
	p = (const unsigned char *)s;
	if (at == p || at - p > LOCAL_MAX || *p == '.' || at[-1] == '.')
		return 0;
	for (; p < at; p++) {
		if (*p == '.') {
			if (p[1] == '.')
				return 0;
		} else if (!is_atext(*p))
			return 0;
	}

	/* Domain: labels of 1..63 bytes, no hyphen at either end. */
	p = at + 1;
	for (;;) {
		label = p;
		alldigits = 1;
		while (*p != '\0' && *p != '.') {
			if (!is_label_char(*p))
				return 0;
			if (*p < '0' || *p > '9')
				alldigits = 0;
			p++;
		}
		llen = (size_t)(p - label);
		if (llen == 0 || llen > LABEL_MAX || label[0] == '-' ||
		    p[-1] == '-')
			return 0;
		nlabels++;
		if (*p == '\0')
			break;
		p++;
	}
	/* A top-level label of digits only is an IP address, not a host. */
	if (nlabels < 2 || alldigits)
		return 0;
	return 1;
}

/*
 * Field rules.
 */

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* YYYY-MM-DD, a real date in the years 2000..2100. */
static int
date_ok(const char *s)
{
	static const int mdays[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int i, y, m, d, dim;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1)
		return 0;
	dim = mdays[m - 1];
	if (m == 2 && is_leap(y))
		dim = 29;
	return d <= dim;
}

static int
pgp_ok(const char *s)
{
	const char *b;

	if ((b = strstr(s, PGP_BEGIN)) == NULL)
		return 0;
	return strstr(b + sizeof(PGP_BEGIN) - 1, PGP_END) != NULL;
}

static int
product_known(const char *s, const struct core_product_list *pl)
{
	size_t i;

	if (strcmp(s, "other") == 0 || pl == NULL)
		return 1;
	for (i = 0; i < pl->n; i++)
		if (pl->names[i] != NULL && strcmp(s, pl->names[i]) == 0)
			return 1;
	return 0;
}

static int
cwe_ok(const char *s)
{
	int id;

	if (strcmp(s, "unknown") == 0)
		return 1;
	return (id = core_cwe_parse(s)) != -1 && core_cwe_find(id) != NULL;
}

static int
yesno_ok(const char *s)
{
	return strcmp(s, "yes") == 0 || strcmp(s, "no") == 0;
}

/* The field-specific rule, once text and length are known to be fine. */
static const char *
check_rule(enum report_field f, const char *s,
    const struct core_product_list *pl)
{
	struct core_cvss cv;
	const char *err = NULL;

	switch (f) {
	case RF_REPORTER_EMAIL:
		return core_email_ok(s) ? NULL : msg_email_bad;
	case RF_PGP_KEY:
		return pgp_ok(s) ? NULL : msg_pgp_armor;
	case RF_PRODUCT:
		return product_known(s, pl) ? NULL : fields[f].badtext;
	case RF_CWE:
		return cwe_ok(s) ? NULL : msg_cwe_bad;
	case RF_IMPACT:
		return core_report_impact_parse(s) != -1 ? NULL :
		    fields[f].badtext;
	case RF_PUBLICLY_KNOWN:
	case RF_EXPLOITED:
		return yesno_ok(s) ? NULL : fields[f].badtext;
	case RF_DISCLOSURE_DATE:
		return date_ok(s) ? NULL : fields[f].badtext;
	case RF_CVSS_VECTOR:
		if (core_cvss_score(s, &cv, &err) == 0)
			return NULL;
		return err != NULL ? err : msg_cvss_bad;
	default:
		return NULL;
	}
}

/* The message for field f of r, or NULL if it is fine.  pl NULL accepts
 * any product name. */
static const char *
check_field(const struct core_report *r, enum report_field f,
    const struct core_product_list *pl)
{
	const struct field *fs = &fields[f];
	const char *s = r->field[f];
	size_t len, cps;
	int required = fs->required;

	if (f == RF_PRODUCT_OTHER)
		required = r->field[RF_PRODUCT] != NULL &&
		    strcmp(r->field[RF_PRODUCT], "other") == 0;
	if (!present(s))
		return required ? fs->missing : NULL;
	len = strlen(s);
	if (!core_text_ok(s, len, fs->multiline))
		return fs->badtext;
	if (fs->maxbytes != 0 && len > fs->maxbytes)
		return fs->badlen;
	if (fs->maxcp != 0 || fs->mincp != 0) {
		cps = fs->maxcp != 0 ? cplen(s, len) : 0;
		if (fs->maxcp != 0 && cps > fs->maxcp)
			return fs->badlen;
		if (fs->mincp != 0 && cplen_trimmed(s) < fs->mincp)
			return fs->badlen;
	}
	return check_rule(f, s, pl);
}

static const char *
check_attachments(const struct core_report *r,
    const struct core_report_limits *lim)
{
	size_t i, maxn = DEF_MAX_ATTACHMENTS, maxsz = DEF_MAX_ATTACHMENT;

	if (lim != NULL) {
		maxn = lim->max_attachments;
		maxsz = lim->max_attachment;
	}
	if (r->attachments == NULL || r->nattachments == 0)
		return NULL;
	if (r->nattachments > maxn)
		return msg_att_many;
	for (i = 0; i < r->nattachments; i++) {
		if (r->attachments[i].size == 0)
			return msg_att_empty;
		if (r->attachments[i].size > maxsz)
			return msg_att_big;
	}
	return NULL;
}

int
core_report_validate(const struct core_report *r,
    const struct core_product_list *pl, const struct core_report_limits *lim,
    struct core_report_errors *errs)
{
	struct core_report_errors local;
	int f;

	if (errs == NULL)
		errs = &local;
	memset(errs, 0, sizeof(*errs));
	for (f = 0; f < RF__MAX; f++) {
		if (f == RF_ATTACHMENTS)
			errs->msg[f] = check_attachments(r, lim);
		else
			errs->msg[f] = check_field(r, (enum report_field)f, pl);
		if (errs->msg[f] != NULL)
			errs->count++;
	}
	return errs->count;
}

/*
 * Tier.
 */

/* 1 if optional field f is valid and holds at least min code points. */
static int
has_text(const struct core_report *r, enum report_field f, size_t min)
{
	return present(r->field[f]) && check_field(r, f, NULL) == NULL &&
	    cplen_trimmed(r->field[f]) >= min;
}

static void
add_hint(const char **hints, size_t nhints, size_t *n, const char *h)
{
	if (*n < nhints)
		hints[(*n)++] = h;
}

enum report_tier
core_report_tier(const struct core_report *r, const char **hints,
    size_t nhints, size_t *nhintsp)
{
	enum report_tier t;
	size_t i, n = 0;
	int complete = 1, steps, poc, rc;

	if (hints == NULL)
		nhints = 0;
	for (i = 0; i < RF__MAX; i++) {
		if (i == RF_ATTACHMENTS)
			continue;
		if ((fields[i].required || i == RF_PRODUCT_OTHER) &&
		    check_field(r, (enum report_field)i, NULL) != NULL)
			complete = 0;
	}
	steps = has_text(r, RF_STEPS, STEPS_MIN);
	poc = has_text(r, RF_POC, POC_MIN);
	if (r->attachments != NULL)
		for (i = 0; i < r->nattachments && !poc; i++)
			if (r->attachments[i].size > 0)
				poc = 1;
	rc = has_text(r, RF_ROOT_CAUSE, ROOT_CAUSE_MIN) &&
	    has_text(r, RF_CWE, 1) && strcmp(r->field[RF_CWE], "unknown") != 0;

	if (!complete)
		t = TIER_INCOMPLETE;
	else if (!steps)
		t = TIER_BASIC;
	else if (!poc)
		t = TIER_REPRODUCIBLE;
	else if (!rc)
		t = TIER_POC;
	else
		t = TIER_ROOT_CAUSE;

	if (!complete)
		add_hint(hints, nhints, &n, hint_required);
	if (!steps)
		add_hint(hints, nhints, &n, hint_steps);
	if (!poc)
		add_hint(hints, nhints, &n, hint_poc);
	if (!rc)
		add_hint(hints, nhints, &n, hint_root_cause);
	if (!present(r->field[RF_CVSS_VECTOR]))
		add_hint(hints, nhints, &n, hint_cvss);
	if (nhintsp != NULL)
		*nhintsp = n;
	return t;
}

/*
 * File names.
 */

/* Code points dropped from file names: C0/C1 controls, DEL, line and
 * paragraph separators, bidi marks, embeddings, overrides and isolates,
 * zero-width characters and the soft hyphen (all of them invisible,
 * line-breaking or reordering). */
static int
fn_drop(unsigned long c)
{
	if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
		return 1;
	if (c == 0xad || c == 0x061c || c == 0x180e)
		return 1;
	if (c >= 0x200b && c <= 0x200f)
		return 1;
	if (c >= 0x2028 && c <= 0x202e)		/* LS, PS, bidi */
		return 1;
	if (c >= 0x2060 && c <= 0x2069)
		return 1;
	return c == 0xfeff;
}

static int
ascii_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* 1 if name's base (up to the first dot, trailing spaces ignored) is a
 * device name Windows reserves: CON, PRN, AUX, NUL, COM0-9, LPT0-9, and
 * COM/LPT with a superscript 1, 2 or 3. */
static int
win_reserved(const char *name)
{
	static const char *const three[] = { "CON", "PRN", "AUX", "NUL" };
	const unsigned char *s = (const unsigned char *)name;
	size_t n = 0, i;
	char up[3];

	while (s[n] != '\0' && s[n] != '.')
		n++;
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n < 3)
		return 0;
	for (i = 0; i < 3; i++)
		up[i] = (char)ascii_upper(s[i]);
	if (n == 3) {
		for (i = 0; i < sizeof(three) / sizeof(three[0]); i++)
			if (memcmp(up, three[i], 3) == 0)
				return 1;
		return 0;
	}
	if (memcmp(up, "COM", 3) != 0 && memcmp(up, "LPT", 3) != 0)
		return 0;
	if (n == 4)
		return s[3] >= '0' && s[3] <= '9';
	/* U+00B9, U+00B2, U+00B3 */
	return n == 5 && s[3] == 0xc2 &&
	    (s[4] == 0xb9 || s[4] == 0xb2 || s[4] == 0xb3);
}

/* Back len off to a code-point boundary of out. */
static size_t
utf8_floor(const char *out, size_t len)
{
	while (len > 0 && ((unsigned char)out[len] & 0xc0) == 0x80)
		len--;
	return len;
}

void
core_filename_sanitize(const char *in, char *out, size_t outlen)
{
	static const char fallback[] = "attachment";
	const unsigned char *p;
	unsigned long c;
	size_t cap, o = 0, n, rest;

	if (out == NULL || outlen == 0)
		return;
	cap = outlen - 1;
	if (cap > FILENAME_MAX_BYTES)
		cap = FILENAME_MAX_BYTES;
	if (in == NULL)
		in = "";

	/* The last component of a Unix, Windows or UNC path. */
	p = (const unsigned char *)in;
	for (n = 0; in[n] != '\0'; n++)
		if (in[n] == '/' || in[n] == '\\')
			p = (const unsigned char *)in + n + 1;
	/* A drive-relative Windows path, "C:name". */
	if (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) &&
	    p[1] == ':')
		p += 2;

	rest = strlen((const char *)p);
	while (rest > 0) {
		if ((n = utf8_decode(p, rest, &c)) == 0) {
			p++;		/* not UTF-8: drop the byte */
			rest--;
			continue;
		}
		if (fn_drop(c) ||
		    (o == 0 && (c == '.' || c == ' '))) {
			p += n;
			rest -= n;
			continue;
		}
		if (o + n > cap)
			break;
		/* Characters Windows refuses, and the quote that would
		 * end a Content-Disposition filename. */
		if (c < 0x80 && strchr("\"*:<>?|", (int)c) != NULL)
			out[o++] = '_';
		else {
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
		rest -= n;
	}
	/* Windows drops trailing dots and spaces: "x.exe." is "x.exe". */
	while (o > 0 && (out[o - 1] == '.' || out[o - 1] == ' '))
		o--;
	out[o] = '\0';

	if (o == 0) {
		n = sizeof(fallback) - 1 < cap ? sizeof(fallback) - 1 : cap;
		memcpy(out, fallback, n);
		out[n] = '\0';
		return;
	}
	if (win_reserved(out) && cap > 1) {
		if (o + 1 > cap)
			o = utf8_floor(out, cap - 1);
		memmove(out + 1, out, o);
		out[0] = '_';
		o++;
		while (o > 1 && (out[o - 1] == '.' || out[o - 1] == ' '))
			o--;
		out[o] = '\0';
	}
}

/*
 * Tracking IDs.
 */

#define PREFIX_MAX	16
#define SEQ_MAX		999999999L
#define YEAR_MIN	1970
#define YEAR_MAX	9999

static size_t
prefix_len(const char *s)
{
	size_t n = 0;

	while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= '0' && s[n] <= '9'))
		n++;
	return n;
}

int
core_tracking_format(char *out, size_t outlen, const char *prefix,
    int year, long seq)
{
	size_t plen;
	int n;

	if (out == NULL || outlen == 0 || prefix == NULL)
		return -1;
	out[0] = '\0';
	plen = prefix_len(prefix);
	if (plen == 0 || plen > PREFIX_MAX || prefix[plen] != '\0')
		return -1;
	if (year < YEAR_MIN || year > YEAR_MAX || seq < 1 || seq > SEQ_MAX)
		return -1;
	n = snprintf(out, outlen, "%s-%04d-%04ld", prefix, year, seq);
	if (n < 0 || (size_t)n >= outlen) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/* prefix NULL accepts any prefix of 1..16 [A-Z0-9]. */
int
core_tracking_parse(const char *s, const char *prefix, int *year,
    long *seq)
{
	size_t plen, i;
	long q = 0;
	int y = 0;

	if (s == NULL)
		return -1;
	if (prefix != NULL) {
		plen = strlen(prefix);
		if (plen == 0 || strncmp(s, prefix, plen) != 0)
			return -1;
	} else {
		plen = prefix_len(s);
		if (plen == 0 || plen > PREFIX_MAX)
			return -1;
	}
	s += plen;
	if (*s++ != '-')
		return -1;
	for (i = 0; i < 4; i++, s++) {
		if (*s < '0' || *s > '9')
			return -1;
		y = y * 10 + (*s - '0');
	}
	if (y < YEAR_MIN || *s++ != '-')
		return -1;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		q = q * 10 + (*s - '0');
		if (q > SEQ_MAX)
			return -1;
	}
	if (*s != '\0' || q < 1)
		return -1;
	if (year != NULL)
		*year = y;
	if (seq != NULL)
		*seq = q;
	return 0;
}
