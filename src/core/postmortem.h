/* core/postmortem.h - the post-mortem every released case needs before
 * it can close: the fields, their rules, the practices that should have
 * caught a flaw, and the anonymisation of a post-mortem's text for
 * training material.  Pure: libc only, no allocation. */
#ifndef CORE_POSTMORTEM_H
#define CORE_POSTMORTEM_H
#include <stddef.h>

enum pm_field {
	PMF_CWE,		/* root cause: "CWE-787" (required) */
	PMF_COMPONENT,		/* "parser" (required, one line) */
	PMF_INTRODUCED_IN,	/* version or commit (optional, one line) */
	PMF_HOW_FOUND,		/* "external researcher" (required, one line) */
	PMF_PRACTICE,		/* enum pm_practice name (required) */
	PMF_REGRESSION_OF,	/* earlier case's tracking id (optional;
				 * the caller checks it exists) */
	PMF_REISSUED,		/* "yes" / "no" (required) */
	PMF_ROOT_CAUSE,		/* what went wrong (required, text) */
	PMF_FIX,		/* how it was fixed (required, text) */
	PMF_LESSONS,		/* lessons learned (required, text) */
	PMF_TAGS,		/* training tags, comma-separated (optional) */
	PMF__MAX
};

/* The practice that should have caught the flaw. */
enum pm_practice {
	PRACTICE_DESIGN_REVIEW,
	PRACTICE_CODE_REVIEW,
	PRACTICE_STATIC_ANALYSIS,
	PRACTICE_FUZZING,
	PRACTICE_TESTING,
	PRACTICE_DEPENDENCY_UPDATE,
	PRACTICE_OTHER,
	PRACTICE__MAX
};

#define PM_MAX_LINE	200		/* bytes of a one-line field */
#define PM_MAX_TEXT	(16 * 1024)	/* bytes of a text field */
#define PM_MAX_TAGS	10
#define PM_MAX_TAG	32		/* bytes of one tag */
/* Enough for any normalised tag list, NUL included. */
#define PM_TAGS_LEN	(PM_MAX_TAGS * (PM_MAX_TAG + 1))

/* "cwe", "component", ... (form and JSON names); NULL if out of range. */
const char	*core_pm_field_name(enum pm_field);
/* "Root cause (CWE)", ...; NULL if out of range. */
const char	*core_pm_field_label(enum pm_field);
/* "design_review", ...; NULL if out of range. */
const char	*core_pm_practice_name(enum pm_practice);
/* "Design review", ...; NULL if out of range. */
const char	*core_pm_practice_label(enum pm_practice);
/* The practice named exactly s, or -1. */
int		 core_pm_practice_parse(const char *s);

/* Checks every field of v (index enum pm_field; NULL = absent).  err
 * (PMF__MAX entries) receives a static message per bad field or NULL.
 * Returns the number of bad fields.  Blanks alone count as absent. */
int		 core_pm_validate(const char *const *v, const char **err);

/* Normalises a tag list: split at commas, trim, lower-case ASCII,
 * blanks and underscores become '-', empty tags dropped, duplicates
 * dropped, joined by ","; out (outlen >= PM_TAGS_LEN) is always
 * NUL-terminated.  Returns 0, or -1 (out "") if there are more than
 * PM_MAX_TAGS tags, a tag longer than PM_MAX_TAG or a character other
 * than letters, digits, '-', '_', '.', '+', '#' and blanks. */
int		 core_pm_tags_normalize(const char *in, char *out,
		    size_t outlen);

/* Anonymises text for training material into out (always
 * NUL-terminated, truncated at a character boundary if needed): every
 * e-mail address becomes "[address]", every URL "[link]", every
 * tracking id PREFIX-YYYY-NNNN of `prefix' "[case]", and each of the n
 * names (the reporter's name, credit, address) "[reporter]": the whole
 * name case-insensitively, its blanks matching any run of blanks and
 * line breaks or one '-', '_' or '.' (so a tag "jane-doe" too), and
 * each capitalised part of 4 bytes or more as written ("Jane" alone).
 * Names shorter than 3 bytes are ignored.  Matches start after any
 * character that is not a letter or digit (Markdown "_Jane_" included).
 * Returns the length of out. */
size_t		 core_pm_anonymise(const char *text, const char *const *names,
		    size_t n, const char *prefix, char *out, size_t outlen);

#endif
