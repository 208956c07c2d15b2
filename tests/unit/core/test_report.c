/* tests/unit/core/test_report.c - report validation, tiers and hints,
 * UTF-8 and text rules, e-mail syntax, file-name sanitizing, tracking
 * IDs.  Table-driven; every rule has its rejects. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/report.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define KIB		1024

/* Expected messages (copied, so that a changed message is noticed). */
#define M_NAME_TEXT	"Write your name as plain text on a single line."
#define M_NAME_LEN	"Keep your name to 200 characters or fewer."
#define M_EMAIL_MISS	"Enter your e-mail address so we can reach you."
#define M_EMAIL_BAD	"Enter a valid e-mail address, such as " \
			    "name@example.com."
#define M_PGP_TEXT	"Paste the PGP key as plain ASCII-armored text."
#define M_PGP_LEN	"The PGP key must be at most 64 KiB."
#define M_PGP_ARMOR	"Paste an ASCII-armored PGP public key, from " \
			    "\"-----BEGIN PGP PUBLIC KEY BLOCK-----\" to " \
			    "\"-----END PGP PUBLIC KEY BLOCK-----\"."
#define M_CREDIT_TEXT	"Write the credit line as plain text on a single line."
#define M_CREDIT_LEN	"Keep the credit line to 200 characters or fewer."
#define M_PROD_MISS	"Choose the affected product, or 'Other' if it is " \
			    "not listed."
#define M_PROD_BAD	"Choose a product from the list, or 'Other'."
#define M_OTHER_MISS	"Enter the name of the affected product."
#define M_OTHER_TEXT	"Write the product name as plain text on a single line."
#define M_OTHER_LEN	"Keep the product name to 200 characters or fewer."
#define M_VER_MISS	"Enter the affected versions, for example 2.4.1 or " \
			    "'all before 3.0'."
#define M_VER_TEXT	"Write the affected versions as plain text on a " \
			    "single line."
#define M_VER_LEN	"Keep the list of affected versions to 500 " \
			    "characters or fewer."
#define E_CWE		"Pick a weakness from the list, or 'I don't know'."
#define M_IMP_MISS	"Choose the impact of the issue."
#define M_IMP_BAD	"Choose an impact from the list."
#define M_TITLE_MISS	"Enter a title that sums up the issue in a few words."
#define M_TITLE_TEXT	"Write the title as plain text on a single line."
#define M_TITLE_LEN	"Enter a title of 5 to 200 characters."
#define M_DESC_MISS	"Describe the issue: what is wrong and what an " \
			    "attacker can do."
#define M_DESC_TEXT	"The description contains characters we cannot " \
			    "accept; use plain text or Markdown."
#define M_DESC_LEN	"Write a description of at least 20 characters and " \
			    "at most 64 KiB."
#define M_STEPS_TEXT	"The steps to reproduce contain characters we " \
			    "cannot accept; attach binary material as a file."
#define M_STEPS_LEN	"Keep the steps to reproduce to 64 KiB or less; " \
			    "attach longer material as a file."
#define M_POC_TEXT	"The proof of concept contains characters we " \
			    "cannot accept; attach binary material as a file."
#define M_POC_LEN	"Keep the proof of concept to 256 KiB or less; " \
			    "attach larger material as a file."
#define M_RC_TEXT	"The root-cause analysis contains characters we " \
			    "cannot accept; use plain text or Markdown."
#define M_RC_LEN	"Keep the root-cause analysis to 64 KiB or less."
#define M_PUB_MISS	"Tell us whether the issue is already publicly known."
#define M_PUB_BAD	"Answer yes or no: is the issue already publicly " \
			    "known?"
#define M_EXP_MISS	"Tell us whether the issue is being exploited in " \
			    "the wild."
#define M_EXP_BAD	"Answer yes or no: is the issue being exploited in " \
			    "the wild?"
#define M_PLANS_TEXT	"Write your disclosure plans as plain text or " \
			    "Markdown."
#define M_PLANS_LEN	"Keep your disclosure plans to 8 KiB or less."
#define M_DATE		"Enter the planned disclosure date as YYYY-MM-DD, " \
			    "for example 2026-03-31."
#define M_CVSS_TEXT	"Write the CVSS vector as plain text on a single line."
#define M_CVSS_LEN	"The CVSS vector is too long."
#define M_ATT_MANY	"You attached more files than allowed; remove some, " \
			    "or put them in one archive."
#define M_ATT_EMPTY	"A file you attached is empty."
#define M_ATT_BIG	"A file is larger than the allowed size."

#define H_REQUIRED	"Fill in every required field."
#define H_STEPS		"Add step-by-step instructions to reproduce the " \
			    "issue on a fresh install."
#define H_POC		"Attach or paste a proof of concept that " \
			    "demonstrates the issue."
#define H_RC		"Explain the root cause (which code is wrong and " \
			    "why) and pick the weakness type (CWE)."
#define H_CVSS		"Add a CVSS v3.1 vector with your assessment of " \
			    "severity."

/* Any message at all (the CVSS module words its own). */
static const char ANY_ERROR[] = "(any error)";

#define PGP_KEY	"-----BEGIN PGP PUBLIC KEY BLOCK-----\r\n\r\n" \
		"mDMEZc1xYRYJKwYBBAHaRw8BAQdAexample\r\n" \
		"-----END PGP PUBLIC KEY BLOCK-----\r\n"
#define CVSS_OK	"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

static const char *const product_names[] = { "Vigil", "Vigil Mail Gateway" };
static const struct core_product_list products = { product_names, 2 };
static const struct core_report_limits limits = { 10 * KIB * KIB, 3 };

/* A report that is valid and complete at the root-cause tier. */
static void
full_report(struct core_report *r)
{
	memset(r, 0, sizeof(*r));
	r->field[RF_REPORTER_NAME] = "Ada Lovelace";
	r->field[RF_REPORTER_EMAIL] = "ada@example.org";
	r->field[RF_PGP_KEY] = PGP_KEY;
	r->field[RF_CREDIT] = "anonymous";
	r->field[RF_PRODUCT] = "Vigil";
	r->field[RF_VERSIONS] = "1.0 to 1.4.2";
	r->field[RF_CWE] = "CWE-79";
	r->field[RF_IMPACT] = "info_disclosure";
	r->field[RF_TITLE] = "Stored XSS in the advisory preview";
	r->field[RF_DESCRIPTION] = "The advisory preview renders the "
	    "summary without escaping it.\n\nAn attacker ...";
	r->field[RF_STEPS] = "1. Install 1.4.2.\n2. Create an advisory.\n"
	    "3. Open the preview.";
	r->field[RF_POC] = "<script>alert(1)</script>";
	r->field[RF_ROOT_CAUSE] = "web/render.c passes the summary through "
	    "the raw {{{ }}} tag.";
	r->field[RF_PUBLICLY_KNOWN] = "no";
	r->field[RF_EXPLOITED] = "no";
	r->field[RF_DISCLOSURE_PLANS] = "Blog post 90 days after the report.";
	r->field[RF_DISCLOSURE_DATE] = "2026-06-30";
	r->field[RF_CVSS_VECTOR] = CVSS_OK;
}

/* Only the required fields. */
static void
basic_report(struct core_report *r)
{
	memset(r, 0, sizeof(*r));
	r->field[RF_REPORTER_EMAIL] = "ada@example.org";
	r->field[RF_PRODUCT] = "Vigil";
	r->field[RF_VERSIONS] = "1.4.2";
	r->field[RF_IMPACT] = "rce";
	r->field[RF_TITLE] = "RCE via upload";
	r->field[RF_DESCRIPTION] = "Uploading a file with a crafted name runs "
	    "code.";
	r->field[RF_PUBLICLY_KNOWN] = "no";
	r->field[RF_EXPLOITED] = "yes";
}

/* prefix + count x unit + suffix, or NULL when all three are NULL. */
static char *
build(const char *prefix, const char *unit, size_t count, const char *suffix)
{
	size_t pl, ul, sl, i;
	char *s, *p;

	if (prefix == NULL && unit == NULL && suffix == NULL)
		return NULL;
	pl = prefix != NULL ? strlen(prefix) : 0;
	ul = unit != NULL ? strlen(unit) : 0;
	sl = suffix != NULL ? strlen(suffix) : 0;
	s = p = malloc(pl + ul * count + sl + 1);
	assert_non_null(s);
	memcpy(p, prefix != NULL ? prefix : "", pl);
	p += pl;
	for (i = 0; i < count; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, suffix != NULL ? suffix : "", sl);
	p[sl] = '\0';
	return s;
}

struct fcase {
	enum report_field f;
	const char	*prefix;
	const char	*unit;		/* repeated count times */
	size_t		 count;
	const char	*suffix;
	const char	*want;		/* NULL = valid */
};

#define V(f, s, want)	{ f, s, NULL, 0, NULL, want }
#define NUL_(f, want)	{ f, NULL, NULL, 0, NULL, want }
#define R(f, p, u, n, s, want)	{ f, p, u, n, s, want }

static const struct fcase fcases[] = {
	/* reporter name */
	NUL_(RF_REPORTER_NAME, NULL),
	V(RF_REPORTER_NAME, "", NULL),
	V(RF_REPORTER_NAME, "   ", NULL),
	V(RF_REPORTER_NAME, "Zoë Ångström 黄", NULL),
	V(RF_REPORTER_NAME, "Ada\tLovelace", NULL),
	R(RF_REPORTER_NAME, NULL, "a", 200, NULL, NULL),
	R(RF_REPORTER_NAME, NULL, "a", 201, NULL, M_NAME_LEN),
	R(RF_REPORTER_NAME, NULL, "é", 200, NULL, NULL),
	R(RF_REPORTER_NAME, NULL, "é", 201, NULL, M_NAME_LEN),
	V(RF_REPORTER_NAME, "Ada\nLovelace", M_NAME_TEXT),
	V(RF_REPORTER_NAME, "Ada\rLovelace", M_NAME_TEXT),
	V(RF_REPORTER_NAME, "Ada\x01", M_NAME_TEXT),
	V(RF_REPORTER_NAME, "Ada\x1b[31m", M_NAME_TEXT),
	V(RF_REPORTER_NAME, "Ada\x7f", M_NAME_TEXT),
	V(RF_REPORTER_NAME, "Ada\xff", M_NAME_TEXT),
	V(RF_REPORTER_NAME, "Ada \xe2\x80\xae" "ecalevoL", M_NAME_TEXT),
	/* e-mail */
	NUL_(RF_REPORTER_EMAIL, M_EMAIL_MISS),
	V(RF_REPORTER_EMAIL, "", M_EMAIL_MISS),
	V(RF_REPORTER_EMAIL, " \t ", M_EMAIL_MISS),
	V(RF_REPORTER_EMAIL, "a@b.c", NULL),
	V(RF_REPORTER_EMAIL, "first.last+tag@mail.example.co.uk", NULL),
	V(RF_REPORTER_EMAIL, "o'brien@example.ie", NULL),
	V(RF_REPORTER_EMAIL, "x!#$%&*/=?^_`{|}~-@example.com", NULL),
	V(RF_REPORTER_EMAIL, "jörg@bücher.de", NULL),
	V(RF_REPORTER_EMAIL, "a@xn--bcher-kva.de", NULL),
	V(RF_REPORTER_EMAIL, "a@b", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a@localhost", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "@example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a@", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a@@example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a@b@example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, ".a@example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a.@example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a..b@example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a b@example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, " a@example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "\"a\"@example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a(comment)@example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a<b>@example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a,b@example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a;b@example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a\\b@example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a@-example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a@example-.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a@example..com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a@.example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a@example.com.", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a@exa_mple.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a@ex ample.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a@1.2.3.4", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a@[1.2.3.4]", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a@example.com\n", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a@example.com\r\nBcc: x@y.z", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a\xc0\xae" "b@example.com", M_EMAIL_BAD),
	V(RF_REPORTER_EMAIL, "a\xe2\x80\xae" "b@example.com", M_EMAIL_BAD),
	R(RF_REPORTER_EMAIL, NULL, "a", 64, "@example.com", NULL),
	R(RF_REPORTER_EMAIL, NULL, "a", 65, "@example.com", M_EMAIL_BAD),
	R(RF_REPORTER_EMAIL, "a@", "b", 63, ".com", NULL),
	R(RF_REPORTER_EMAIL, "a@", "b", 64, ".com", M_EMAIL_BAD),
	/* 2 + 62 * 4 + 4 = 254 bytes, then 258 */
	R(RF_REPORTER_EMAIL, "a@", "bcd.", 62, "com", NULL),
	R(RF_REPORTER_EMAIL, "a@", "bcd.", 63, "com", M_EMAIL_BAD),
	/* PGP key */
	NUL_(RF_PGP_KEY, NULL),
	V(RF_PGP_KEY, PGP_KEY, NULL),
	V(RF_PGP_KEY, "Comment: mine\n" PGP_KEY, NULL),
	V(RF_PGP_KEY, "0x1234ABCD", M_PGP_ARMOR),
	V(RF_PGP_KEY, "-----BEGIN PGP PUBLIC KEY BLOCK-----\nabc\n",
	    M_PGP_ARMOR),
	V(RF_PGP_KEY, "abc\n-----END PGP PUBLIC KEY BLOCK-----\n", M_PGP_ARMOR),
	V(RF_PGP_KEY, "-----END PGP PUBLIC KEY BLOCK-----\n"
	    "-----BEGIN PGP PUBLIC KEY BLOCK-----\n", M_PGP_ARMOR),
	V(RF_PGP_KEY, "-----BEGIN PGP PRIVATE KEY BLOCK-----\nabc\n"
	    "-----END PGP PRIVATE KEY BLOCK-----\n", M_PGP_ARMOR),
	V(RF_PGP_KEY, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\x01\n"
	    "-----END PGP PUBLIC KEY BLOCK-----\n", M_PGP_TEXT),
	R(RF_PGP_KEY, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n", "A", 64 * KIB
	    - 36 - 1 - 35, "\n-----END PGP PUBLIC KEY BLOCK-----", NULL),
	R(RF_PGP_KEY, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n", "A", 64 * KIB
	    - 36 - 1 - 35 + 1, "\n-----END PGP PUBLIC KEY BLOCK-----",
	    M_PGP_LEN),
	/* credit */
	V(RF_CREDIT, "anonymous", NULL),
	V(RF_CREDIT, "", NULL),
	V(RF_CREDIT, "Ada Lovelace (Analytical Engines Ltd)", NULL),
	V(RF_CREDIT, "Ada\nLovelace", M_CREDIT_TEXT),
	V(RF_CREDIT, "\xe2\x81\xa6" "Ada", M_CREDIT_TEXT),
	R(RF_CREDIT, NULL, "a", 200, NULL, NULL),
	R(RF_CREDIT, NULL, "a", 201, NULL, M_CREDIT_LEN),
	/* product */
	NUL_(RF_PRODUCT, M_PROD_MISS),
	V(RF_PRODUCT, "", M_PROD_MISS),
	V(RF_PRODUCT, "Vigil Mail Gateway", NULL),
	V(RF_PRODUCT, "vigil", M_PROD_BAD),
	V(RF_PRODUCT, "Vigil ", M_PROD_BAD),
	V(RF_PRODUCT, "Other", M_PROD_BAD),
	V(RF_PRODUCT, "Vigil\n", M_PROD_BAD),
	R(RF_PRODUCT, NULL, "a", 201, NULL, M_PROD_BAD),
	/* product_other, with product = "Vigil": checked only as text */
	V(RF_PRODUCT_OTHER, "Some other thing", NULL),
	V(RF_PRODUCT_OTHER, "Some\nother", M_OTHER_TEXT),
	R(RF_PRODUCT_OTHER, NULL, "a", 201, NULL, M_OTHER_LEN),
	/* versions */
	NUL_(RF_VERSIONS, M_VER_MISS),
	V(RF_VERSIONS, "  ", M_VER_MISS),
	V(RF_VERSIONS, "all before 3.0", NULL),
	V(RF_VERSIONS, "1.0\n1.1", M_VER_TEXT),
	V(RF_VERSIONS, "1.0\xe2\x80\xab", M_VER_TEXT),
	R(RF_VERSIONS, NULL, "1", 500, NULL, NULL),
	R(RF_VERSIONS, NULL, "1", 501, NULL, M_VER_LEN),
	/* CWE */
	NUL_(RF_CWE, NULL),
	V(RF_CWE, "", NULL),
	V(RF_CWE, "unknown", NULL),
	V(RF_CWE, "CWE-787", NULL),
	V(RF_CWE, "CWE-20", NULL),
	V(RF_CWE, "CWE-1333", NULL),
	V(RF_CWE, "CWE-9999", E_CWE),
	V(RF_CWE, "CWE-1", E_CWE),
	V(RF_CWE, "CWE-12345", E_CWE),
	V(RF_CWE, "CWE-079", E_CWE),
	V(RF_CWE, "cwe-79", E_CWE),
	V(RF_CWE, "CWE-79 ", E_CWE),
	V(RF_CWE, "CWE-", E_CWE),
	V(RF_CWE, "79", E_CWE),
	V(RF_CWE, "Unknown", E_CWE),
	V(RF_CWE, "CWE-79\n", E_CWE),
	R(RF_CWE, "CWE-", "0", 20, "79", E_CWE),
	/* impact */
	NUL_(RF_IMPACT, M_IMP_MISS),
	V(RF_IMPACT, "rce", NULL),
	V(RF_IMPACT, "eop", NULL),
	V(RF_IMPACT, "info_disclosure", NULL),
	V(RF_IMPACT, "dos", NULL),
	V(RF_IMPACT, "spoofing", NULL),
	V(RF_IMPACT, "tampering", NULL),
	V(RF_IMPACT, "security_feature_bypass", NULL),
	V(RF_IMPACT, "RCE", M_IMP_BAD),
	V(RF_IMPACT, "rce ", M_IMP_BAD),
	V(RF_IMPACT, "Remote code execution", M_IMP_BAD),
	V(RF_IMPACT, "xss", M_IMP_BAD),
	R(RF_IMPACT, NULL, "r", 1000, NULL, M_IMP_BAD),
	/* title */
	NUL_(RF_TITLE, M_TITLE_MISS),
	V(RF_TITLE, "\n\n", M_TITLE_MISS),
	V(RF_TITLE, "abcd", M_TITLE_LEN),
	V(RF_TITLE, "abcde", NULL),
	V(RF_TITLE, "  abcd  ", M_TITLE_LEN),
	V(RF_TITLE, "ab\tde", NULL),
	V(RF_TITLE, "ÄÖÜßé", NULL),
	V(RF_TITLE, "😀😀😀😀", M_TITLE_LEN),
	V(RF_TITLE, "😀😀😀😀😀", NULL),
	R(RF_TITLE, NULL, "t", 200, NULL, NULL),
	R(RF_TITLE, NULL, "t", 201, NULL, M_TITLE_LEN),
	R(RF_TITLE, NULL, "€", 200, NULL, NULL),
	R(RF_TITLE, NULL, "€", 201, NULL, M_TITLE_LEN),
	V(RF_TITLE, "Heap\noverflow", M_TITLE_TEXT),
	V(RF_TITLE, "Heap\roverflow", M_TITLE_TEXT),
	V(RF_TITLE, "Heap overflow\x7f", M_TITLE_TEXT),
	V(RF_TITLE, "Heap overflow\x0b", M_TITLE_TEXT),
	V(RF_TITLE, "U+202A \xe2\x80\xaa", M_TITLE_TEXT),
	V(RF_TITLE, "U+202B \xe2\x80\xab", M_TITLE_TEXT),
	V(RF_TITLE, "U+202C \xe2\x80\xac", M_TITLE_TEXT),
	V(RF_TITLE, "U+202D \xe2\x80\xad", M_TITLE_TEXT),
	V(RF_TITLE, "U+202E \xe2\x80\xae", M_TITLE_TEXT),
	V(RF_TITLE, "U+2066 \xe2\x81\xa6", M_TITLE_TEXT),
	V(RF_TITLE, "U+2067 \xe2\x81\xa7", M_TITLE_TEXT),
	V(RF_TITLE, "U+2068 \xe2\x81\xa8", M_TITLE_TEXT),
	V(RF_TITLE, "U+2069 \xe2\x81\xa9", M_TITLE_TEXT),
	V(RF_TITLE, "U+2028 \xe2\x80\xa8", M_TITLE_TEXT),
	V(RF_TITLE, "U+2029 \xe2\x80\xa9", M_TITLE_TEXT),
	V(RF_TITLE, "U+0085 \xc2\x85", M_TITLE_TEXT),
	V(RF_TITLE, "U+00A0 \xc2\xa0", NULL),
	V(RF_TITLE, "U+206A \xe2\x81\xaa", NULL),
	/* description, and the UTF-8 rules */
	NUL_(RF_DESCRIPTION, M_DESC_MISS),
	V(RF_DESCRIPTION, "0123456789012345678", M_DESC_LEN),
	V(RF_DESCRIPTION, "01234567890123456789", NULL),
	V(RF_DESCRIPTION, "\n\n0123456789012345678\n\n", M_DESC_LEN),
	V(RF_DESCRIPTION, "Line one is here.\r\nLine two\tis too.\n", NULL),
	V(RF_DESCRIPTION, "Bidi is allowed here: \xe2\x80\xae txt", NULL),
	V(RF_DESCRIPTION, "Colours: \x1b[31mred\x1b[0m, ok?", M_DESC_TEXT),
	V(RF_DESCRIPTION, "A bell \x07 rings in the description", M_DESC_TEXT),
	V(RF_DESCRIPTION, "Overlong slash \xc0\xaf in here, no", M_DESC_TEXT),
	V(RF_DESCRIPTION, "Overlong NUL \xc0\x80 in here, no", M_DESC_TEXT),
	V(RF_DESCRIPTION, "Overlong 3 \xe0\x80\xaf in here, no", M_DESC_TEXT),
	V(RF_DESCRIPTION, "Overlong 3 \xe0\x9f\xbf in here, no", M_DESC_TEXT),
	V(RF_DESCRIPTION, "Overlong 4 \xf0\x80\x80\xaf here, no", M_DESC_TEXT),
	V(RF_DESCRIPTION, "Overlong 4 \xf0\x8f\xbf\xbf here, no", M_DESC_TEXT),
	V(RF_DESCRIPTION, "High surrogate \xed\xa0\x80 here", M_DESC_TEXT),
	V(RF_DESCRIPTION, "Low surrogate \xed\xbf\xbf here", M_DESC_TEXT),
	V(RF_DESCRIPTION, "Past U+10FFFF \xf4\x90\x80\x80 here", M_DESC_TEXT),
	V(RF_DESCRIPTION, "F5 lead byte \xf5\x80\x80\x80 here", M_DESC_TEXT),
	V(RF_DESCRIPTION, "5-byte form \xf8\x88\x80\x80\x80 here", M_DESC_TEXT),
	V(RF_DESCRIPTION, "FE and FF \xfe\xff bytes here", M_DESC_TEXT),
	V(RF_DESCRIPTION, "Lone continuation \x80 byte", M_DESC_TEXT),
	V(RF_DESCRIPTION, "Truncated at the end \xe2\x82", M_DESC_TEXT),
	V(RF_DESCRIPTION, "Truncated in the \xe2\x82 middle", M_DESC_TEXT),
	V(RF_DESCRIPTION, "Truncated 4-byte \xf0\x9f\x98 x", M_DESC_TEXT),
	V(RF_DESCRIPTION, "Last before surrogates \xed\x9f\xbf ok", NULL),
	V(RF_DESCRIPTION, "First after surrogates \xee\x80\x80 ok", NULL),
	V(RF_DESCRIPTION, "Smallest 3-byte \xe0\xa0\x80 is ok", NULL),
	V(RF_DESCRIPTION, "Smallest 4-byte \xf0\x90\x80\x80 is ok", NULL),
	V(RF_DESCRIPTION, "Largest U+10FFFF \xf4\x8f\xbf\xbf is ok", NULL),
	V(RF_DESCRIPTION, "Noncharacter \xef\xbf\xbe is valid UTF-8", NULL),
	R(RF_DESCRIPTION, NULL, "d", 64 * KIB, NULL, NULL),
	R(RF_DESCRIPTION, NULL, "d", 64 * KIB + 1, NULL, M_DESC_LEN),
	/* steps, PoC, root cause, disclosure plans */
	V(RF_STEPS, "1. a\n2. b", NULL),
	V(RF_STEPS, "1. a\x02", M_STEPS_TEXT),
	R(RF_STEPS, NULL, "s", 64 * KIB, NULL, NULL),
	R(RF_STEPS, NULL, "s", 64 * KIB + 1, NULL, M_STEPS_LEN),
	V(RF_POC, "curl -d @x http://h/", NULL),
	V(RF_POC, "\xde\xad\xbe\xef", M_POC_TEXT),
	R(RF_POC, NULL, "p", 256 * KIB, NULL, NULL),
	R(RF_POC, NULL, "p", 256 * KIB + 1, NULL, M_POC_LEN),
	V(RF_ROOT_CAUSE, "x", NULL),
	V(RF_ROOT_CAUSE, "\x1f", M_RC_TEXT),
	R(RF_ROOT_CAUSE, NULL, "r", 64 * KIB, NULL, NULL),
	R(RF_ROOT_CAUSE, NULL, "r", 64 * KIB + 1, NULL, M_RC_LEN),
	V(RF_DISCLOSURE_PLANS, "Talk at a conference.\n", NULL),
	V(RF_DISCLOSURE_PLANS, "\x0c", M_PLANS_TEXT),
	R(RF_DISCLOSURE_PLANS, NULL, "x", 8 * KIB, NULL, NULL),
	R(RF_DISCLOSURE_PLANS, NULL, "x", 8 * KIB + 1, NULL, M_PLANS_LEN),
	/* yes / no */
	NUL_(RF_PUBLICLY_KNOWN, M_PUB_MISS),
	V(RF_PUBLICLY_KNOWN, "yes", NULL),
	V(RF_PUBLICLY_KNOWN, "no", NULL),
	V(RF_PUBLICLY_KNOWN, "Yes", M_PUB_BAD),
	V(RF_PUBLICLY_KNOWN, "true", M_PUB_BAD),
	V(RF_PUBLICLY_KNOWN, "1", M_PUB_BAD),
	V(RF_PUBLICLY_KNOWN, "yes ", M_PUB_BAD),
	V(RF_PUBLICLY_KNOWN, "nope", M_PUB_BAD),
	NUL_(RF_EXPLOITED, M_EXP_MISS),
	V(RF_EXPLOITED, " ", M_EXP_MISS),
	V(RF_EXPLOITED, "yes", NULL),
	V(RF_EXPLOITED, "no", NULL),
	V(RF_EXPLOITED, "NO", M_EXP_BAD),
	V(RF_EXPLOITED, "maybe", M_EXP_BAD),
	/* disclosure date */
	NUL_(RF_DISCLOSURE_DATE, NULL),
	V(RF_DISCLOSURE_DATE, "2026-03-31", NULL),
	V(RF_DISCLOSURE_DATE, "2000-01-01", NULL),
	V(RF_DISCLOSURE_DATE, "2100-12-31", NULL),
	V(RF_DISCLOSURE_DATE, "2024-02-29", NULL),
	V(RF_DISCLOSURE_DATE, "2000-02-29", NULL),	/* 400-year rule */
	V(RF_DISCLOSURE_DATE, "2100-02-29", M_DATE),	/* 100-year rule */
	V(RF_DISCLOSURE_DATE, "2023-02-29", M_DATE),
	V(RF_DISCLOSURE_DATE, "2024-02-30", M_DATE),
	V(RF_DISCLOSURE_DATE, "2026-04-30", NULL),
	V(RF_DISCLOSURE_DATE, "2026-04-31", M_DATE),
	V(RF_DISCLOSURE_DATE, "2026-06-31", M_DATE),
	V(RF_DISCLOSURE_DATE, "2026-09-31", M_DATE),
	V(RF_DISCLOSURE_DATE, "2026-11-31", M_DATE),
	V(RF_DISCLOSURE_DATE, "2026-12-32", M_DATE),
	V(RF_DISCLOSURE_DATE, "2026-01-00", M_DATE),
	V(RF_DISCLOSURE_DATE, "2026-00-10", M_DATE),
	V(RF_DISCLOSURE_DATE, "2026-13-01", M_DATE),
	V(RF_DISCLOSURE_DATE, "1999-12-31", M_DATE),
	V(RF_DISCLOSURE_DATE, "2101-01-01", M_DATE),
	V(RF_DISCLOSURE_DATE, "2026-4-1", M_DATE),
	V(RF_DISCLOSURE_DATE, "2026/04/01", M_DATE),
	V(RF_DISCLOSURE_DATE, "2026-04-01T00:00", M_DATE),
	V(RF_DISCLOSURE_DATE, "2026-04-0a", M_DATE),
	V(RF_DISCLOSURE_DATE, "+026-04-01", M_DATE),
	V(RF_DISCLOSURE_DATE, "01.04.2026", M_DATE),
	V(RF_DISCLOSURE_DATE, "2026-04-01\n", M_DATE),
	/* CVSS: the messages belong to core_cvss_score() */
	NUL_(RF_CVSS_VECTOR, NULL),
	V(RF_CVSS_VECTOR, CVSS_OK, NULL),
	V(RF_CVSS_VECTOR, "CVSS:3.1/AV:N", ANY_ERROR),
	V(RF_CVSS_VECTOR, "high", ANY_ERROR),
	V(RF_CVSS_VECTOR, "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", ANY_ERROR),
	V(RF_CVSS_VECTOR, CVSS_OK "\n", M_CVSS_TEXT),
	R(RF_CVSS_VECTOR, CVSS_OK, "/", 600, NULL, M_CVSS_LEN),
};

static void
test_fields(void **state)
{
	struct core_report r;
	struct core_report_errors e;
	const struct fcase *c;
	char *v;
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < NELEM(fcases); i++) {
		c = &fcases[i];
		full_report(&r);
		v = build(c->prefix, c->unit, c->count, c->suffix);
		r.field[c->f] = v;
		n = core_report_validate(&r, &products, &limits, &e);
		if (c->want == NULL && e.msg[c->f] != NULL)
			fail_msg("case %zu (%s): unexpected \"%s\"", i,
			    core_report_field_name(c->f), e.msg[c->f]);
		if (c->want != NULL && e.msg[c->f] == NULL)
			fail_msg("case %zu (%s): accepted", i,
			    core_report_field_name(c->f));
		if (c->want != NULL && c->want != ANY_ERROR &&
		    strcmp(c->want, e.msg[c->f]) != 0)
			fail_msg("case %zu (%s): \"%s\", want \"%s\"", i,
			    core_report_field_name(c->f), e.msg[c->f],
			    c->want);
		/* Nothing else is affected. */
		assert_int_equal(n, c->want != NULL);
		assert_int_equal(e.count, n);
		free(v);
	}
}

static void
test_valid_reports(void **state)
{
	struct core_report r;
	struct core_report_errors e;
	int f;

	(void)state;
	full_report(&r);
	assert_int_equal(core_report_validate(&r, &products, &limits, &e), 0);
	for (f = 0; f < RF__MAX; f++)
		assert_null(e.msg[f]);
	basic_report(&r);
	assert_int_equal(core_report_validate(&r, &products, &limits, &e), 0);
	/* errs and limits are optional; no product list accepts any name */
	assert_int_equal(core_report_validate(&r, &products, NULL, NULL), 0);
	r.field[RF_PRODUCT] = "Something else";
	assert_int_equal(core_report_validate(&r, NULL, NULL, &e), 0);
	assert_int_equal(core_report_validate(&r, &products, NULL, &e), 1);
	assert_string_equal(e.msg[RF_PRODUCT], M_PROD_BAD);
}

static void
test_empty_report(void **state)
{
	static const enum report_field required[] = {
		RF_REPORTER_EMAIL, RF_PRODUCT, RF_VERSIONS, RF_IMPACT,
		RF_TITLE, RF_DESCRIPTION, RF_PUBLICLY_KNOWN, RF_EXPLOITED,
	};
	struct core_report r;
	struct core_report_errors e;
	size_t i;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&e, 0xff, sizeof(e));	/* validate clears it */
	assert_int_equal(core_report_validate(&r, &products, &limits, &e),
	    (int)NELEM(required));
	assert_int_equal(e.count, (int)NELEM(required));
	for (i = 0; i < NELEM(required); i++)
		assert_non_null(e.msg[required[i]]);
	assert_string_equal(e.msg[RF_REPORTER_EMAIL], M_EMAIL_MISS);
	assert_string_equal(e.msg[RF_TITLE], M_TITLE_MISS);
	assert_null(e.msg[RF_PRODUCT_OTHER]);
	assert_null(e.msg[RF_ATTACHMENTS]);
}

static void
test_product_other(void **state)
{
	struct core_report r;
	struct core_report_errors e;

	(void)state;
	basic_report(&r);
	r.field[RF_PRODUCT] = "other";
	assert_int_equal(core_report_validate(&r, &products, &limits, &e), 1);
	assert_string_equal(e.msg[RF_PRODUCT_OTHER], M_OTHER_MISS);
	r.field[RF_PRODUCT_OTHER] = "   ";
	assert_int_equal(core_report_validate(&r, &products, &limits, &e), 1);
	assert_string_equal(e.msg[RF_PRODUCT_OTHER], M_OTHER_MISS);
	r.field[RF_PRODUCT_OTHER] = "FooCMS";
	assert_int_equal(core_report_validate(&r, &products, &limits, &e), 0);
	r.field[RF_PRODUCT_OTHER] = "Foo\nCMS";
	assert_int_equal(core_report_validate(&r, &products, &limits, &e), 1);
	assert_string_equal(e.msg[RF_PRODUCT_OTHER], M_OTHER_TEXT);
	/* several errors count once per field */
	r.field[RF_TITLE] = "x";
	r.field[RF_EXPLOITED] = "perhaps";
	assert_int_equal(core_report_validate(&r, &products, &limits, &e), 3);
	assert_int_equal(e.count, 3);
	assert_string_equal(e.msg[RF_TITLE], M_TITLE_LEN);
	assert_string_equal(e.msg[RF_EXPLOITED], M_EXP_BAD);
}

static void
test_attachments(void **state)
{
	static const struct {
		size_t n;
		size_t sizes[5];
		size_t max, maxn;
		const char *want;
	} t[] = {
		{ 0, { 0 }, 100, 3, NULL },
		{ 1, { 1 }, 100, 3, NULL },
		{ 1, { 100 }, 100, 3, NULL },
		{ 1, { 101 }, 100, 3, M_ATT_BIG },
		{ 1, { 0 }, 100, 3, M_ATT_EMPTY },
		{ 3, { 1, 2, 3 }, 100, 3, NULL },
		{ 4, { 1, 2, 3, 4 }, 100, 3, M_ATT_MANY },
		{ 3, { 1, 200, 3 }, 100, 3, M_ATT_BIG },
		{ 3, { 1, 2, 0 }, 100, 3, M_ATT_EMPTY },
		{ 1, { 1 }, 100, 0, M_ATT_MANY },
		{ 2, { (size_t)-1, 1 }, 100, 3, M_ATT_BIG },
	};
	struct core_attachment_meta m[5];
	struct core_report_limits lim;
	struct core_report r;
	struct core_report_errors e;
	size_t i, j;
	int n;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		basic_report(&r);
		for (j = 0; j < t[i].n; j++) {
			m[j].filename = "../../poc.html";
			m[j].content_type = "text/html";
			m[j].size = t[i].sizes[j];
		}
		r.attachments = m;
		r.nattachments = t[i].n;
		lim.max_attachment = t[i].max;
		lim.max_attachments = t[i].maxn;
		n = core_report_validate(&r, &products, &lim, &e);
		assert_int_equal(n, t[i].want != NULL);
		if (t[i].want == NULL)
			assert_null(e.msg[RF_ATTACHMENTS]);
		else if (e.msg[RF_ATTACHMENTS] == NULL ||
		    strcmp(e.msg[RF_ATTACHMENTS], t[i].want) != 0)
			fail_msg("case %zu: \"%s\"", i,
			    e.msg[RF_ATTACHMENTS] ? e.msg[RF_ATTACHMENTS] :
			    "(none)");
	}
	/* Default limits: 5 files of 10 MiB. */
	basic_report(&r);
	for (j = 0; j < 5; j++)
		m[j].size = 10 * KIB * KIB;
	r.attachments = m;
	r.nattachments = 5;
	assert_int_equal(core_report_validate(&r, NULL, NULL, &e), 0);
	m[4].size++;
	assert_int_equal(core_report_validate(&r, NULL, NULL, &e), 1);
	assert_string_equal(e.msg[RF_ATTACHMENTS], M_ATT_BIG);
	/* No array: nothing attached, whatever the count says. */
	r.attachments = NULL;
	assert_int_equal(core_report_validate(&r, NULL, NULL, &e), 0);
}

/*
 * Tiers and hints.
 */

enum mod {
	T_END, T_FULL, T_BASIC, T_NO_EMAIL, T_BAD_EMAIL, T_OTHER,
	T_OTHER_NAMED, T_STEPS, T_SHORT_STEPS, T_BAD_STEPS, T_POC,
	T_SHORT_POC, T_FILE, T_EMPTY_FILE, T_RC, T_SHORT_RC, T_CWE,
	T_CWE_UNKNOWN, T_CWE_BAD, T_CVSS, T_NO_CVSS, T_NO_STEPS, T_NO_POC,
	T_NO_RC, T_NO_CWE, T_BAD_TITLE, T_NO_IMPACT,
};

static const struct core_attachment_meta att_one = { "poc.py", "text/x-python",
    1234 };
static const struct core_attachment_meta att_empty = { "poc.py",
    "text/x-python", 0 };

static void
apply(struct core_report *r, enum mod m)
{
	switch (m) {
	case T_END:
		break;
	case T_FULL:
		full_report(r);
		break;
	case T_BASIC:
		basic_report(r);
		break;
	case T_NO_EMAIL:
		r->field[RF_REPORTER_EMAIL] = NULL;
		break;
	case T_BAD_EMAIL:
		r->field[RF_REPORTER_EMAIL] = "ada at example.org";
		break;
	case T_OTHER:
		r->field[RF_PRODUCT] = "other";
		break;
	case T_OTHER_NAMED:
		r->field[RF_PRODUCT] = "other";
		r->field[RF_PRODUCT_OTHER] = "FooCMS";
		break;
	case T_STEPS:
		r->field[RF_STEPS] = "1. Log in.\n2. Upload x.\n3. Boom.";
		break;
	case T_SHORT_STEPS:
		r->field[RF_STEPS] = "  Just upload it.  ";	/* 15 */
		break;
	case T_BAD_STEPS:
		r->field[RF_STEPS] = "1. Log in.\n2. Upload \x01.\n3. Boom.";
		break;
	case T_POC:
		r->field[RF_POC] = "curl -F f=@x";
		break;
	case T_SHORT_POC:
		r->field[RF_POC] = "curl x";
		break;
	case T_FILE:
		r->attachments = &att_one;
		r->nattachments = 1;
		break;
	case T_EMPTY_FILE:
		r->attachments = &att_empty;
		r->nattachments = 1;
		break;
	case T_RC:
		r->field[RF_ROOT_CAUSE] = "upload.c trusts the client's name.";
		break;
	case T_SHORT_RC:
		r->field[RF_ROOT_CAUSE] = "bad name check";
		break;
	case T_CWE:
		r->field[RF_CWE] = "CWE-22";
		break;
	case T_CWE_UNKNOWN:
		r->field[RF_CWE] = "unknown";
		break;
	case T_CWE_BAD:
		r->field[RF_CWE] = "CWE-4242";
		break;
	case T_CVSS:
		r->field[RF_CVSS_VECTOR] = CVSS_OK;
		break;
	case T_NO_CVSS:
		r->field[RF_CVSS_VECTOR] = "";
		break;
	case T_NO_STEPS:
		r->field[RF_STEPS] = NULL;
		break;
	case T_NO_POC:
		r->field[RF_POC] = NULL;
		break;
	case T_NO_RC:
		r->field[RF_ROOT_CAUSE] = NULL;
		break;
	case T_NO_CWE:
		r->field[RF_CWE] = NULL;
		break;
	case T_BAD_TITLE:
		r->field[RF_TITLE] = "RCE";
		break;
	case T_NO_IMPACT:
		r->field[RF_IMPACT] = "";
		break;
	}
}

static const struct {
	enum mod	 mods[6];
	enum report_tier tier;
	const char	*hints[6];
} tcases[] = {
	{ { T_FULL }, TIER_ROOT_CAUSE, { NULL } },
	{ { T_FULL, T_NO_CVSS }, TIER_ROOT_CAUSE, { H_CVSS } },
	{ { T_BASIC }, TIER_BASIC, { H_STEPS, H_POC, H_RC, H_CVSS } },
	{ { T_BASIC, T_CVSS }, TIER_BASIC, { H_STEPS, H_POC, H_RC } },
	{ { T_BASIC, T_STEPS }, TIER_REPRODUCIBLE, { H_POC, H_RC, H_CVSS } },
	{ { T_BASIC, T_SHORT_STEPS }, TIER_BASIC,
	    { H_STEPS, H_POC, H_RC, H_CVSS } },
	{ { T_BASIC, T_BAD_STEPS }, TIER_BASIC,
	    { H_STEPS, H_POC, H_RC, H_CVSS } },
	{ { T_BASIC, T_STEPS, T_POC }, TIER_POC, { H_RC, H_CVSS } },
	{ { T_BASIC, T_STEPS, T_SHORT_POC }, TIER_REPRODUCIBLE,
	    { H_POC, H_RC, H_CVSS } },
	{ { T_BASIC, T_STEPS, T_FILE }, TIER_POC, { H_RC, H_CVSS } },
	{ { T_BASIC, T_STEPS, T_EMPTY_FILE }, TIER_REPRODUCIBLE,
	    { H_POC, H_RC, H_CVSS } },
	{ { T_BASIC, T_STEPS, T_POC, T_RC, T_CWE }, TIER_ROOT_CAUSE,
	    { H_CVSS } },
	{ { T_BASIC, T_STEPS, T_POC, T_RC, T_CWE, T_CVSS }, TIER_ROOT_CAUSE,
	    { NULL } },
	{ { T_BASIC, T_STEPS, T_FILE, T_RC, T_CWE }, TIER_ROOT_CAUSE,
	    { H_CVSS } },
	{ { T_BASIC, T_STEPS, T_POC, T_RC }, TIER_POC, { H_RC, H_CVSS } },
	{ { T_BASIC, T_STEPS, T_POC, T_RC, T_CWE_UNKNOWN }, TIER_POC,
	    { H_RC, H_CVSS } },
	{ { T_BASIC, T_STEPS, T_POC, T_RC, T_CWE_BAD }, TIER_POC,
	    { H_RC, H_CVSS } },
	{ { T_BASIC, T_STEPS, T_POC, T_SHORT_RC, T_CWE }, TIER_POC,
	    { H_RC, H_CVSS } },
	{ { T_BASIC, T_STEPS, T_POC, T_CWE }, TIER_POC, { H_RC, H_CVSS } },
	/* Tiers do not skip a level, but hints name every gap. */
	{ { T_BASIC, T_POC, T_RC, T_CWE }, TIER_BASIC, { H_STEPS, H_CVSS } },
	{ { T_BASIC, T_STEPS, T_RC, T_CWE }, TIER_REPRODUCIBLE,
	    { H_POC, H_CVSS } },
	{ { T_FULL, T_NO_STEPS }, TIER_BASIC, { H_STEPS } },
	{ { T_FULL, T_NO_POC }, TIER_REPRODUCIBLE, { H_POC } },
	{ { T_FULL, T_NO_RC }, TIER_POC, { H_RC } },
	{ { T_FULL, T_NO_CWE }, TIER_POC, { H_RC } },
	/* Incomplete, however good the rest is. */
	{ { T_FULL, T_NO_EMAIL }, TIER_INCOMPLETE, { H_REQUIRED } },
	{ { T_FULL, T_BAD_EMAIL }, TIER_INCOMPLETE, { H_REQUIRED } },
	{ { T_FULL, T_BAD_TITLE }, TIER_INCOMPLETE, { H_REQUIRED } },
	{ { T_FULL, T_NO_IMPACT, T_NO_CVSS }, TIER_INCOMPLETE,
	    { H_REQUIRED, H_CVSS } },
	{ { T_FULL, T_OTHER }, TIER_INCOMPLETE, { H_REQUIRED } },
	{ { T_FULL, T_OTHER_NAMED }, TIER_ROOT_CAUSE, { NULL } },
	{ { T_BASIC, T_NO_EMAIL }, TIER_INCOMPLETE,
	    { H_REQUIRED, H_STEPS, H_POC, H_RC, H_CVSS } },
};

static void
test_tiers(void **state)
{
	struct core_report r;
	const char *hints[8];
	size_t i, j, n, want;

	(void)state;
	for (i = 0; i < NELEM(tcases); i++) {
		memset(&r, 0, sizeof(r));
		for (j = 0; j < NELEM(tcases[i].mods) &&
		    tcases[i].mods[j] != T_END; j++)
			apply(&r, tcases[i].mods[j]);
		memset(hints, 0, sizeof(hints));
		n = 99;
		if (core_report_tier(&r, hints, NELEM(hints), &n) !=
		    tcases[i].tier)
			fail_msg("case %zu: tier %s, want %s", i,
			    core_report_tier_name(core_report_tier(&r, NULL,
			    0, NULL)), core_report_tier_name(tcases[i].tier));
		for (want = 0; want < NELEM(tcases[i].hints) &&
		    tcases[i].hints[want] != NULL; want++)
			;
		if (n != want)
			fail_msg("case %zu: %zu hints, want %zu", i, n, want);
		for (j = 0; j < n; j++)
			assert_string_equal(hints[j], tcases[i].hints[j]);
		assert_null(hints[n]);
	}
}

static void
test_tier_hint_room(void **state)
{
	struct core_report r;
	const char *hints[2] = { NULL, NULL };
	size_t n = 99;

	(void)state;
	basic_report(&r);
	/* Room for one: the most important comes first. */
	assert_int_equal(core_report_tier(&r, hints, 1, &n), TIER_BASIC);
	assert_int_equal(n, 1);
	assert_string_equal(hints[0], H_STEPS);
	assert_null(hints[1]);
	/* No room, no array, no count. */
	assert_int_equal(core_report_tier(&r, hints, 0, &n), TIER_BASIC);
	assert_int_equal(n, 0);
	assert_int_equal(core_report_tier(&r, NULL, 5, &n), TIER_BASIC);
	assert_int_equal(n, 0);
	assert_int_equal(core_report_tier(&r, NULL, 0, NULL), TIER_BASIC);
	memset(&r, 0, sizeof(r));
	assert_int_equal(core_report_tier(&r, NULL, 0, NULL),
	    TIER_INCOMPLETE);
}

/* A valid report always has a tier above incomplete, and vice versa. */
static void
test_tier_matches_validate(void **state)
{
	struct core_report r;
	size_t i, j;
	int valid;
	enum report_tier t;

	(void)state;
	for (i = 0; i < NELEM(tcases); i++) {
		memset(&r, 0, sizeof(r));
		for (j = 0; j < NELEM(tcases[i].mods) &&
		    tcases[i].mods[j] != T_END; j++)
			apply(&r, tcases[i].mods[j]);
		t = core_report_tier(&r, NULL, 0, NULL);
		valid = core_report_validate(&r, &products, &limits, NULL) == 0;
		if (valid)
			assert_int_not_equal(t, TIER_INCOMPLETE);
		if (t == TIER_INCOMPLETE)
			assert_false(valid);
	}
}

/*
 * Names and labels.
 */

static void
test_names(void **state)
{
	static const char *const fnames[RF__MAX] = {
		"reporter_name", "reporter_email", "reporter_pgp_key",
		"reporter_credit", "product", "product_other", "versions",
		"cwe", "impact", "title", "description", "steps", "poc",
		"root_cause", "publicly_known", "exploited",
		"disclosure_plans", "disclosure_date", "cvss_vector",
		"attachments",
	};
	static const char *const inames[IMPACT__MAX] = {
		"rce", "eop", "info_disclosure", "dos", "spoofing",
		"tampering", "security_feature_bypass",
	};
	static const char *const ilabels[IMPACT__MAX] = {
		"Remote code execution", "Elevation of privilege",
		"Information disclosure", "Denial of service", "Spoofing",
		"Tampering", "Security feature bypass",
	};
	static const char *const tnames[TIER__MAX] = {
		"incomplete", "basic", "reproducible", "poc", "root_cause",
	};
	static const char *const tlabels[TIER__MAX] = {
		"Incomplete", "Basic", "Reproducible", "With proof of concept",
		"With proof of concept and root cause",
	};
	size_t i;

	(void)state;
	for (i = 0; i < RF__MAX; i++) {
		assert_string_equal(core_report_field_name(i), fnames[i]);
		assert_non_null(core_report_field_label(i));
		assert_true(strlen(core_report_field_label(i)) > 2);
	}
	assert_string_equal(core_report_field_label(RF_REPORTER_NAME),
	    "Your name");
	assert_null(core_report_field_name(RF__MAX));
	assert_null(core_report_field_label(RF__MAX));
	assert_null(core_report_field_name((enum report_field)-1));
	for (i = 0; i < IMPACT__MAX; i++) {
		assert_string_equal(core_report_impact_name(i), inames[i]);
		assert_string_equal(core_report_impact_label(i), ilabels[i]);
		assert_int_equal(core_report_impact_parse(inames[i]), (int)i);
	}
	assert_null(core_report_impact_name(IMPACT__MAX));
	assert_null(core_report_impact_label(IMPACT__MAX));
	assert_int_equal(core_report_impact_parse(NULL), -1);
	assert_int_equal(core_report_impact_parse(""), -1);
	assert_int_equal(core_report_impact_parse("Spoofing"), -1);
	assert_int_equal(core_report_impact_parse("dos\n"), -1);
	for (i = 0; i < TIER__MAX; i++) {
		assert_string_equal(core_report_tier_name(i), tnames[i]);
		assert_string_equal(core_report_tier_label(i), tlabels[i]);
	}
	assert_null(core_report_tier_name(TIER__MAX));
	assert_null(core_report_tier_label(TIER__MAX));
}

/*
 * Text and UTF-8 directly.
 */

static void
test_text_ok(void **state)
{
	static const struct {
		const char *s;
		size_t len;		/* 0 = strlen */
		int ml, sl;		/* multi-line ok, single-line ok */
	} t[] = {
		{ "", 0, 1, 1 },
		{ "plain", 0, 1, 1 },
		{ "tab\there", 0, 1, 1 },
		{ "nl\n", 0, 1, 0 },
		{ "cr\r", 0, 1, 0 },
		{ "nul\0x", 5, 0, 0 },
		{ "\x01", 0, 0, 0 },
		{ "\x1f", 0, 0, 0 },
		{ "\x7f", 0, 0, 0 },
		{ "\xc2\x80", 0, 1, 1 },	/* U+0080: valid UTF-8 */
		{ "\xc2\x85", 0, 1, 0 },	/* NEL */
		{ "\xe2\x80\xa8", 0, 1, 0 },	/* LINE SEPARATOR */
		{ "\xe2\x80\xa9", 0, 1, 0 },	/* PARAGRAPH SEPARATOR */
		{ "\xc2\xa0", 0, 1, 1 },
		{ "\xc1\xbf", 0, 0, 0 },	/* overlong 2-byte */
		{ "\xc0\x80", 0, 0, 0 },
		{ "\xe0\x9f\xbf", 0, 0, 0 },	/* overlong 3-byte */
		{ "\xf0\x8f\xbf\xbf", 0, 0, 0 },	/* overlong 4-byte */
		{ "\xed\xa0\x80", 0, 0, 0 },	/* U+D800 */
		{ "\xed\xb0\x80", 0, 0, 0 },	/* U+DC00 */
		{ "\xed\xa0\xbd\xed\xb8\x80", 0, 0, 0 },	/* CESU-8 */
		{ "\xf4\x90\x80\x80", 0, 0, 0 },	/* U+110000 */
		{ "\xf7\xbf\xbf\xbf", 0, 0, 0 },
		{ "\xf4\x8f\xbf\xbf", 0, 1, 1 },	/* U+10FFFF */
		{ "\xe2\x82\xac", 0, 1, 1 },
		{ "\xe2\x82\xac", 2, 0, 0 },	/* cut by len */
		{ "\xe2\x82\xac", 1, 0, 0 },
		{ "\xe2\x28\xa1", 0, 0, 0 },	/* bad continuation */
		{ "\xc3", 0, 0, 0 },
		{ "\x80", 0, 0, 0 },
		{ "\xbf", 0, 0, 0 },
		{ "\xff", 0, 0, 0 },
		{ "\xe2\x80\xae", 0, 1, 0 },	/* RLO */
		{ "\xe2\x81\xa9", 0, 1, 0 },	/* PDI */
		{ "\xe2\x80\x8f", 0, 1, 1 },	/* RLM: not an override */
		{ "\xe2\x80\x8b", 0, 1, 1 },	/* ZWSP */
	};
	size_t i, len;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		len = t[i].len != 0 ? t[i].len : strlen(t[i].s);
		if (core_text_ok(t[i].s, len, 1) != t[i].ml ||
		    core_text_ok(t[i].s, len, 0) != t[i].sl)
			fail_msg("case %zu: %d/%d", i,
			    core_text_ok(t[i].s, len, 1),
			    core_text_ok(t[i].s, len, 0));
	}
	assert_int_equal(core_text_ok(NULL, 0, 0), 1);
	assert_int_equal(core_text_ok(NULL, 1, 0), 0);
}

static void
test_utf8_len(void **state)
{
	(void)state;
	assert_int_equal(core_utf8_len(NULL), 0);
	assert_int_equal(core_utf8_len(""), 0);
	assert_int_equal(core_utf8_len("abc"), 3);
	assert_int_equal(core_utf8_len("é€😀"), 3);
	assert_int_equal(core_utf8_len("a\xf4\x8f\xbf\xbf" "b"), 3);
	/* invalid input: bounded by the byte count, never past it */
	assert_true(core_utf8_len("\x80\x80\xff") <= 3);
}

static void
test_email(void **state)
{
	(void)state;
	assert_int_equal(core_email_ok(NULL), 0);
	assert_int_equal(core_email_ok(""), 0);
	assert_int_equal(core_email_ok("a@example.com"), 1);
	assert_int_equal(core_email_ok("a@example.com "), 0);
	assert_int_equal(core_email_ok("a\t@example.com"), 0);
	assert_int_equal(core_email_ok("a@exam\xffple.com"), 0);
	assert_int_equal(core_email_ok("a@123"), 0);
	assert_int_equal(core_email_ok("a@123.example"), 1);
}

/*
 * File names.
 */

static void
test_filename(void **state)
{
	static const struct {
		const char *in;
		const char *want;
	} t[] = {
		{ "report.pdf", "report.pdf" },
		{ "poc with spaces.py", "poc with spaces.py" },
		{ "rapport-été.pdf", "rapport-été.pdf" },
		{ "日本語.txt", "日本語.txt" },
		{ "../../etc/passwd", "passwd" },
		{ "..\\..\\windows\\win.ini", "win.ini" },
		{ "..\\../.\\x", "x" },
		{ "/etc/passwd", "passwd" },
		{ "\\\\server\\share\\x.txt", "x.txt" },
		{ "//server/share/x.txt", "x.txt" },
		{ "\\\\?\\C:\\x.txt", "x.txt" },
		{ "C:\\Users\\ada\\poc.py", "poc.py" },
		{ "C:poc.py", "poc.py" },
		{ "C:", "attachment" },
		{ "file.txt:stream", "file.txt_stream" },
		{ "a\"b.txt", "a_b.txt" },
		{ "a<b>c|d?e*f", "a_b_c_d_e_f" },
		{ "a\r\nb.txt", "ab.txt" },
		{ "a\tb\x01\x1f\x7f.txt", "ab.txt" },
		{ "a\xc2\x85" "b", "ab" },		/* NEL, a C1 control */
		{ "evil\xe2\x80\xaetxt.exe", "eviltxt.exe" },	/* RLO */
		{ "a\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad" "b",
		    "ab" },
		{ "a\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9" "b",
		    "ab" },
		{ "a\xe2\x80\x8e\xe2\x80\x8f" "b", "ab" },	/* LRM RLM */
		{ "a\xe2\x80\xa8\xe2\x80\xa9" "b", "ab" },	/* LS PS */
		{ "a\xe2\x80\x8b" "b", "ab" },		/* ZWSP */
		{ "a\xe2\x80\x8c" "b", "ab" },		/* ZWNJ */
		{ "a\xe2\x80\x8d" "b", "ab" },		/* ZWJ */
		{ "a\xe2\x81\xa0" "b", "ab" },		/* WJ */
		{ "\xef\xbb\xbfpoc.txt", "poc.txt" },	/* BOM */
		{ "a\xc2\xad" "b", "ab" },		/* soft hyphen */
		{ "\xff\xfepoc.txt", "poc.txt" },
		{ "a\xc0\xaf" "b", "ab" },		/* overlong '/' */
		{ "a\xed\xa0\x80" "b", "ab" },		/* surrogate */
		{ "a\xf4\x90\x80\x80" "b", "ab" },	/* > U+10FFFF */
		{ "a\xe2\x82", "a" },			/* truncated */
		{ ".htaccess", "htaccess" },
		{ "...x", "x" },
		{ ". . .x", "x" },
		{ "  x", "x" },
		{ ".\xe2\x80\x8b.x", "x" },
		{ "x.exe.", "x.exe" },
		{ "x.exe . .", "x.exe" },
		{ "a..b", "a..b" },
		{ "", "attachment" },
		{ ".", "attachment" },
		{ "..", "attachment" },
		{ "dir/", "attachment" },
		{ "dir\\", "attachment" },
		{ "/", "attachment" },
		{ "\xe2\x80\x8b", "attachment" },
		{ "\r\n", "attachment" },
		{ "\xff", "attachment" },
		{ "CON", "_CON" },
		{ "con.txt", "_con.txt" },
		{ "Prn.tar.gz", "_Prn.tar.gz" },
		{ "aux", "_aux" },
		{ "NUL", "_NUL" },
		{ "nul.", "_nul" },
		{ "AUX .txt", "_AUX .txt" },
		{ "COM1", "_COM1" },
		{ "com9.log", "_com9.log" },
		{ "COM0", "_COM0" },
		{ "LPT1", "_LPT1" },
		{ "Lpt9.txt", "_Lpt9.txt" },
		{ "COM\xc2\xb9", "_COM\xc2\xb9" },
		{ "LPT\xc2\xb3.txt", "_LPT\xc2\xb3.txt" },
		{ "COM10", "COM10" },
		{ "COMA", "COMA" },
		{ "CONSOLE.txt", "CONSOLE.txt" },
		{ "xCON", "xCON" },
		{ "CO", "CO" },
		{ "dir/CON", "_CON" },
		{ ".CON", "_CON" },
	};
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		memset(out, 'X', sizeof(out));
		core_filename_sanitize(t[i].in, out, sizeof(out));
		if (strcmp(out, t[i].want) != 0)
			fail_msg("case %zu: \"%s\", want \"%s\"", i, out,
			    t[i].want);
		assert_true(core_text_ok(out, strlen(out), 0));
	}
	core_filename_sanitize(NULL, out, sizeof(out));
	assert_string_equal(out, "attachment");
	core_filename_sanitize("x", NULL, 10);		/* no crash */
	out[0] = 'Q';
	core_filename_sanitize("x", out, 0);
	assert_int_equal(out[0], 'Q');
}

static void
test_filename_long(void **state)
{
	static const struct {
		const char *prefix;
		const char *unit;
		size_t count;
		size_t outlen;
		size_t want;		/* bytes */
		const char *first;	/* expected start */
	} t[] = {
		{ "", "a", 255, 256, 255, "aaa" },
		{ "", "a", 300, 256, 255, "aaa" },
		{ "", "a", 300, 1024, 255, "aaa" },
		{ "", "a", 100, 64, 63, "aaa" },
		{ "a", "é", 128, 256, 255, "aé" },	/* 1 + 127 * 2 */
		{ "", "é", 128, 256, 254, "é" },	/* 127 * 2 */
		{ "", "€", 86, 256, 255, "€" },	/* 85 * 3 */
		{ "aa", "€", 86, 256, 254, "aa€" },	/* 2 + 84 * 3 */
		{ "", "😀", 64, 256, 252, "😀" },	/* 63 * 4 */
		{ "", "😀", 64, 64, 60, "😀" },	/* 15 * 4 */
		{ "", ".", 300, 256, 10, "attachment" },
		{ "dir/", "\xe2\x80\x8b", 300, 256, 10, "attachment" },
		/* reserved name at full length: still 255 with the "_" */
		{ "CON.", "a", 251, 256, 255, "_CON.aaa" },
		{ "CON.", "€", 100, 256, 254, "_CON.€" },	/* 1+4+83*3 */
	};
	char out[1024], *in;
	size_t i, j, pl, ul;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		pl = strlen(t[i].prefix);
		ul = strlen(t[i].unit);
		in = malloc(pl + ul * t[i].count + 1);
		assert_non_null(in);
		memcpy(in, t[i].prefix, pl);
		for (j = 0; j < t[i].count; j++)
			memcpy(in + pl + j * ul, t[i].unit, ul);
		in[pl + ul * t[i].count] = '\0';
		memset(out, 'X', sizeof(out));
		core_filename_sanitize(in, out, t[i].outlen);
		if (strlen(out) != t[i].want)
			fail_msg("case %zu: %zu bytes, want %zu", i,
			    strlen(out), t[i].want);
		assert_memory_equal(out, t[i].first, strlen(t[i].first));
		assert_true(core_text_ok(out, strlen(out), 0));
		free(in);
	}
}

/*
 * Tracking IDs.
 */

static void
test_tracking_format(void **state)
{
	static const struct {
		const char *prefix;
		int year;
		long seq;
		size_t outlen;
		const char *want;	/* NULL = -1 */
	} t[] = {
		{ "VR", 2026, 1, 64, "VR-2026-0001" },
		{ "VR", 2026, 42, 64, "VR-2026-0042" },
		{ "VR", 2026, 9999, 64, "VR-2026-9999" },
		{ "VR", 2026, 10000, 64, "VR-2026-10000" },
		{ "VR", 2026, 999999999, 64, "VR-2026-999999999" },
		{ "VR", 1970, 1, 64, "VR-1970-0001" },
		{ "VR", 9999, 1, 64, "VR-9999-0001" },
		{ "VIGIL2", 2026, 7, 64, "VIGIL2-2026-0007" },
		{ "ABCDEFGHIJKLMNOP", 2026, 1, 64,
		    "ABCDEFGHIJKLMNOP-2026-0001" },
		{ "VR", 2026, 1, 13, "VR-2026-0001" },
		{ "VR", 2026, 1, 12, NULL },
		{ "VR", 2026, 1, 1, NULL },
		{ "VR", 2026, 0, 64, NULL },
		{ "VR", 2026, -1, 64, NULL },
		{ "VR", 2026, 1000000000, 64, NULL },
		{ "VR", 1969, 1, 64, NULL },
		{ "VR", 10000, 1, 64, NULL },
		{ "VR", -2026, 1, 64, NULL },
		{ "", 2026, 1, 64, NULL },
		{ "vr", 2026, 1, 64, NULL },
		{ "V-R", 2026, 1, 64, NULL },
		{ "VR ", 2026, 1, 64, NULL },
		{ "ÄR", 2026, 1, 64, NULL },
		{ "ABCDEFGHIJKLMNOPQ", 2026, 1, 64, NULL },
		{ NULL, 2026, 1, 64, NULL },
	};
	char out[64];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		rc = core_tracking_format(out, t[i].outlen, t[i].prefix,
		    t[i].year, t[i].seq);
		if (t[i].want == NULL) {
			if (rc != -1)
				fail_msg("case %zu: accepted \"%s\"", i, out);
			continue;
		}
		if (rc != 0)
			fail_msg("case %zu: refused", i);
		assert_string_equal(out, t[i].want);
	}
	assert_int_equal(core_tracking_format(NULL, 64, "VR", 2026, 1), -1);
}

static void
test_tracking_parse(void **state)
{
	static const struct {
		const char *s;
		const char *prefix;
		int ok, year;
		long seq;
	} t[] = {
		{ "VR-2026-0001", "VR", 1, 2026, 1 },
		{ "VR-2026-1", "VR", 1, 2026, 1 },
		{ "VR-2026-000001", "VR", 1, 2026, 1 },
		{ "VR-2026-0000000000000000000000000042", "VR", 1, 2026, 42 },
		{ "VR-2026-12345", "VR", 1, 2026, 12345 },
		{ "VR-2026-999999999", "VR", 1, 2026, 999999999 },
		{ "VR-1970-0001", "VR", 1, 1970, 1 },
		{ "VR-9999-0001", "VR", 1, 9999, 1 },
		{ "ABC1-2030-0007", NULL, 1, 2030, 7 },
		{ "ABCDEFGHIJKLMNOP-2030-0007", NULL, 1, 2030, 7 },
		{ "ABCDEFGHIJKLMNOPQ-2030-0007", NULL, 0, 0, 0 },
		{ "abc-2030-0007", NULL, 0, 0, 0 },
		{ "-2030-0007", NULL, 0, 0, 0 },
		{ "VR-2026-0001x", "VR", 0, 0, 0 },
		{ "VR-2026-0001 ", "VR", 0, 0, 0 },
		{ "VR-2026-0001\n", "VR", 0, 0, 0 },
		{ " VR-2026-0001", "VR", 0, 0, 0 },
		{ "VR-2026-0001-1", "VR", 0, 0, 0 },
		{ "VR-2026-", "VR", 0, 0, 0 },
		{ "VR-2026", "VR", 0, 0, 0 },
		{ "VR-", "VR", 0, 0, 0 },
		{ "VR", "VR", 0, 0, 0 },
		{ "", "VR", 0, 0, 0 },
		{ "VR-2026-0000", "VR", 0, 0, 0 },
		{ "VR-2026-0", "VR", 0, 0, 0 },
		{ "VR-2026-1000000000", "VR", 0, 0, 0 },
		{ "VR-2026-99999999999999999999999", "VR", 0, 0, 0 },
		{ "VR-2026--1", "VR", 0, 0, 0 },
		{ "VR-2026-+1", "VR", 0, 0, 0 },
		{ "VR-2026- 1", "VR", 0, 0, 0 },
		{ "VR-1969-0001", "VR", 0, 0, 0 },
		{ "VR-0000-0001", "VR", 0, 0, 0 },
		{ "VR-026-0001", "VR", 0, 0, 0 },
		{ "VR-20260-001", "VR", 0, 0, 0 },
		{ "VR-2O26-0001", "VR", 0, 0, 0 },
		{ "VR_2026_0001", "VR", 0, 0, 0 },
		{ "VR2026-0001", "VR", 0, 0, 0 },
		{ "VRX-2026-0001", "VR", 0, 0, 0 },
		{ "XX-2026-0001", "VR", 0, 0, 0 },
		{ "vr-2026-0001", "VR", 0, 0, 0 },
		{ "VR-2026-0001", "", 0, 0, 0 },
		{ "VR-2026-\xd9\xa1", "VR", 0, 0, 0 },	/* Arabic-Indic 1 */
	};
	size_t i;
	int year, rc;
	long seq;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		year = -7;
		seq = -7;
		rc = core_tracking_parse(t[i].s, t[i].prefix, &year, &seq);
		if (rc != (t[i].ok ? 0 : -1))
			fail_msg("case %zu \"%s\": rc %d", i, t[i].s, rc);
		if (!t[i].ok) {
			/* outputs untouched on failure */
			assert_int_equal(year, -7);
			assert_int_equal(seq, -7);
			continue;
		}
		assert_int_equal(year, t[i].year);
		assert_int_equal(seq, t[i].seq);
	}
	assert_int_equal(core_tracking_parse(NULL, "VR", &year, &seq), -1);
	assert_int_equal(core_tracking_parse("VR-2026-0001", "VR", NULL,
	    NULL), 0);
}

static void
test_tracking_roundtrip(void **state)
{
	static const int years[] = { 1970, 2000, 2026, 9999 };
	static const long seqs[] = { 1, 9, 10, 999, 1000, 9999, 10000,
	    123456, 99999999, 999999999 };
	static const char *const prefixes[] = { "VR", "X", "SEC0",
	    "ABCDEFGHIJKLMNOP" };
	char out[64];
	size_t a, b, c;
	int year;
	long seq;

	(void)state;
	for (a = 0; a < NELEM(prefixes); a++)
		for (b = 0; b < NELEM(years); b++)
			for (c = 0; c < NELEM(seqs); c++) {
				assert_int_equal(core_tracking_format(out,
				    sizeof(out), prefixes[a], years[b],
				    seqs[c]), 0);
				assert_true(strlen(out) >= strlen(prefixes[a])
				    + 1 + 4 + 1 + 4);
				assert_int_equal(core_tracking_parse(out,
				    prefixes[a], &year, &seq), 0);
				assert_int_equal(year, years[b]);
				assert_int_equal(seq, seqs[c]);
				assert_int_equal(core_tracking_parse(out, NULL,
				    &year, &seq), 0);
			}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_valid_reports),
		cmocka_unit_test(test_empty_report),
		cmocka_unit_test(test_product_other),
		cmocka_unit_test(test_attachments),
		cmocka_unit_test(test_tiers),
		cmocka_unit_test(test_tier_hint_room),
		cmocka_unit_test(test_tier_matches_validate),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_text_ok),
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_filename),
		cmocka_unit_test(test_filename_long),
		cmocka_unit_test(test_tracking_format),
		cmocka_unit_test(test_tracking_parse),
		cmocka_unit_test(test_tracking_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
