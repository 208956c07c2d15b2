/* core/postmortem.c - post-mortem fields, rules and anonymisation. */
#include <assert.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "cwe.h"
#include "postmortem.h"
#include "report.h"

static const struct {
	const char	*name, *label;
} fields[PMF__MAX] = {
	[PMF_CWE] =		{ "cwe", "Root cause (CWE)" },
	[PMF_COMPONENT] =	{ "component", "Component" },
	[PMF_INTRODUCED_IN] =	{ "introduced_in", "Introduced in (version or commit)" },
	[PMF_HOW_FOUND] =	{ "how_found", "How it was found" },
	[PMF_PRACTICE] =	{ "practice", "Practice that should have caught it" },
	[PMF_REGRESSION_OF] =	{ "regression_of", "Regression of (earlier case)" },
	[PMF_REISSUED] =	{ "reissued", "Patch re-issued" },
	[PMF_ROOT_CAUSE] =	{ "root_cause", "What went wrong" },
	[PMF_FIX] =		{ "fix", "How it was fixed" },
	[PMF_LESSONS] =		{ "lessons", "Lessons learned" },
	[PMF_TAGS] =		{ "tags", "Training tags" },
};

static const struct {
	const char	*name, *label;
} practices[PRACTICE__MAX] = {
	[PRACTICE_DESIGN_REVIEW] =	{ "design_review", "Design review" },
	[PRACTICE_CODE_REVIEW] =	{ "code_review", "Code review" },
	[PRACTICE_STATIC_ANALYSIS] =	{ "static_analysis", "Static analysis" },
	[PRACTICE_FUZZING] =		{ "fuzzing", "Fuzzing" },
	[PRACTICE_TESTING] =		{ "testing", "Testing" },
	[PRACTICE_DEPENDENCY_UPDATE] =	{ "dependency_update", "Dependency update" },
	[PRACTICE_OTHER] =		{ "other", "Other" },
};

const char *
core_pm_field_name(enum pm_field f)
{
	return (unsigned)f < PMF__MAX ? fields[f].name : NULL;
}

const char *
core_pm_field_label(enum pm_field f)
{
	return (unsigned)f < PMF__MAX ? fields[f].label : NULL;
}

const char *
core_pm_practice_name(enum pm_practice p)
{
	return (unsigned)p < PRACTICE__MAX ? practices[p].name : NULL;
}

const char *
core_pm_practice_label(enum pm_practice p)
{
	return (unsigned)p < PRACTICE__MAX ? practices[p].label : NULL;
}

int
core_pm_practice_parse(const char *s)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < PRACTICE__MAX; i++)
		if (strcmp(s, practices[i].name) == 0)
			return i;
	return -1;
}

static int
blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* A one-line or multi-line text field: NULL if fine, else why. */
static const char *
text_check(const char *s, int multiline, const char *bad, const char *long_)
{
	size_t len = strlen(s);

	if (len > (multiline ? (size_t)PM_MAX_TEXT : (size_t)PM_MAX_LINE))
		return long_;
	if (!core_text_ok(s, len, multiline))
		return bad;
	return NULL;
}

int
core_pm_validate(const char *const *v, const char **err)
{
	char tags[PM_TAGS_LEN];
	int i, n = 0;

	for (i = 0; i < PMF__MAX; i++)
		err[i] = NULL;
	if (blank(v[PMF_CWE]))
		err[PMF_CWE] = "Give the root cause as a CWE, e.g. CWE-787.";
	else if (core_cwe_parse(v[PMF_CWE]) < 0)
		err[PMF_CWE] = "Write the CWE as CWE- and its number, e.g. "
		    "CWE-787.";
	if (blank(v[PMF_COMPONENT]))
		err[PMF_COMPONENT] = "Name the component the flaw was in.";
	else
		err[PMF_COMPONENT] = text_check(v[PMF_COMPONENT], 0,
		    "The component must be one line of text.",
		    "Keep the component to 200 bytes or less.");
	if (!blank(v[PMF_INTRODUCED_IN]))
		err[PMF_INTRODUCED_IN] = text_check(v[PMF_INTRODUCED_IN], 0,
		    "Give the version or commit as one line of text.",
		    "Keep the version or commit to 200 bytes or less.");
	if (blank(v[PMF_HOW_FOUND]))
		err[PMF_HOW_FOUND] = "Say how the flaw was found.";
	else
		err[PMF_HOW_FOUND] = text_check(v[PMF_HOW_FOUND], 0,
		    "Say how it was found in one line of text.",
		    "Keep how it was found to 200 bytes or less.");
	if (blank(v[PMF_PRACTICE]))
		err[PMF_PRACTICE] = "Choose the practice that should have "
		    "caught it.";
	else if (core_pm_practice_parse(v[PMF_PRACTICE]) < 0)
		err[PMF_PRACTICE] = "Choose one of the listed practices.";
	if (!blank(v[PMF_REGRESSION_OF]))
		err[PMF_REGRESSION_OF] = text_check(v[PMF_REGRESSION_OF], 0,
		    "Give the earlier case's tracking ID, e.g. VR-2025-0042.",
		    "Give the earlier case's tracking ID, e.g. VR-2025-0042.");
	if (blank(v[PMF_REISSUED]) || (strcmp(v[PMF_REISSUED], "yes") != 0 &&
	    strcmp(v[PMF_REISSUED], "no") != 0))
		err[PMF_REISSUED] = "Answer yes or no: did the patch have to "
		    "be re-issued?";
	if (blank(v[PMF_ROOT_CAUSE]))
		err[PMF_ROOT_CAUSE] = "Describe what went wrong.";
	else
		err[PMF_ROOT_CAUSE] = text_check(v[PMF_ROOT_CAUSE], 1,
		    "Describe what went wrong in plain text or Markdown.",
		    "Keep what went wrong to 16 KiB or less.");
	if (blank(v[PMF_FIX]))
		err[PMF_FIX] = "Describe how it was fixed.";
	else
		err[PMF_FIX] = text_check(v[PMF_FIX], 1,
		    "Describe the fix in plain text or Markdown.",
		    "Keep the fix to 16 KiB or less.");
	if (blank(v[PMF_LESSONS]))
		err[PMF_LESSONS] = "Write down the lessons learned.";
	else
		err[PMF_LESSONS] = text_check(v[PMF_LESSONS], 1,
		    "Write the lessons in plain text or Markdown.",
		    "Keep the lessons to 16 KiB or less.");
	if (!blank(v[PMF_TAGS]) && (strlen(v[PMF_TAGS]) > 4 * PM_TAGS_LEN ||
	    core_pm_tags_normalize(v[PMF_TAGS], tags, sizeof(tags)) == -1))
		err[PMF_TAGS] = "Give at most 10 tags of up to 32 letters, "
		    "digits or dashes, separated by commas.";
	for (i = 0; i < PMF__MAX; i++)
		if (err[i] != NULL)
			n++;
	return n;
}

int
core_pm_tags_normalize(const char *in, char *out, size_t outlen)
{
	char tag[PM_MAX_TAG + 1];
	const char *p, *end, *f;
	size_t len, olen = 0, ntags = 0, i;
	unsigned char ch;

	assert(outlen >= PM_TAGS_LEN);
	out[0] = '\0';
	if (in == NULL)
		return 0;
	for (p = in; ; p = end + 1) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		while (p < end && isspace((unsigned char)*p))
			p++;
		len = (size_t)(end - p);
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		if (len > PM_MAX_TAG)
			goto bad;
		for (i = 0; i < len; i++) {
			ch = (unsigned char)p[i];
			if (isalnum(ch))
				tag[i] = (char)tolower(ch);
			else if (ch == ' ' || ch == '\t' || ch == '_')
				tag[i] = '-';
			else if (ch == '-' || ch == '.' || ch == '+' ||
			    ch == '#')
				tag[i] = (char)ch;
			else
				goto bad;
		}
		tag[len] = '\0';
		if (len > 0) {
			/* skip a duplicate */
			for (f = out; *f != '\0'; f += strcspn(f, ",") +
			    (f[strcspn(f, ",")] == ',')) {
				if (strncmp(f, tag, len) == 0 &&
				    (f[len] == ',' || f[len] == '\0'))
					break;
			}
			if (*f == '\0') {
				if (++ntags > PM_MAX_TAGS)
					goto bad;
				if (olen > 0)
					out[olen++] = ',';
				memcpy(out + olen, tag, len + 1);
				olen += len;
			}
		}
		if (*end == '\0')
			break;
	}
	return 0;
bad:
	out[0] = '\0';
	return -1;
}

/* ---- anonymisation ---- */

static int
email_char(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '-' || c == '+' ||
	    c == '%';
}

/* Length of an e-mail address starting at s (s at its first byte), or
 * 0.  start = 1 when s is not preceded by an address character. */
static size_t
email_at(const char *s)
{
	size_t i = 0, at, dot = 0, k;

	while (email_char((unsigned char)s[i]))
		i++;
	if (i == 0 || s[i] != '@')
		return 0;
	at = i++;
	while (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '.')
		i++;
	while (i > at + 1 && s[i - 1] == '.')
		i--;	/* a full stop ends the sentence, not the domain */
	for (k = at + 1; k < i; k++)
		if (s[k] == '.')
			dot = k;
	if (dot <= at + 1 || dot >= i - 1)
		return 0;
	return i;
}

static size_t
url_at(const char *s)
{
	static const char *const schemes[] = { "https://", "http://",
	    "ftp://", "www." };
	size_t i, k, n;

	for (k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++) {
		n = strlen(schemes[k]);
		if (strncasecmp(s, schemes[k], n) == 0)
			break;
	}
	if (k == sizeof(schemes) / sizeof(schemes[0]))
		return 0;
	for (i = n; s[i] != '\0' && !isspace((unsigned char)s[i]) &&
	    s[i] != '<' && s[i] != '>' && s[i] != '"' && s[i] != ')'; i++)
		;
	while (i > n && strchr(".,;:!?'", s[i - 1]) != NULL)
		i--;
	return i > n ? i : 0;
}

static size_t
tracking_at(const char *s, const char *prefix)
{
	size_t n = strlen(prefix), i;

	if (n == 0 || strncmp(s, prefix, n) != 0 || s[n] != '-')
		return 0;
	for (i = n + 1; i < n + 5; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	if (s[i] != '-' || !isdigit((unsigned char)s[i + 1]))
		return 0;
	for (i++; isdigit((unsigned char)s[i]); i++)
		;
	return i;
}

static int
name_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '-' ||
	    c == '_' || c == '.';
}

/* Length of the whole name at s, case-insensitive; a blank in the name
 * matches any run of blanks and line breaks, or one '-', '_' or '.'
 * (a name written across lines, or made into a tag).  0 if none. */
static size_t
whole_name_at(const char *s, const char *name)
{
	size_t i = 0, j = 0;

	while (name[j] != '\0') {
		if (name[j] == ' ') {
			while (name[j] == ' ')
				j++;
			if (s[i] == '-' || s[i] == '_' || s[i] == '.')
				i++;
			else if (name_sep(s[i]))
				while (name_sep(s[i]) && s[i] != '-' &&
				    s[i] != '_' && s[i] != '.')
					i++;
			else
				return 0;
			continue;
		}
		if (tolower((unsigned char)s[i]) !=
		    tolower((unsigned char)name[j]))
			return 0;
		i++;
		j++;
	}
	return isalnum((unsigned char)s[i]) ? 0 : i;
}

/* The reporter's whole name, or one part of it (4 bytes or more,
 * capitalised, as written: "Rita" alone is still Rita). */
static size_t
name_at(const char *s, const char *const *names, size_t n)
{
	const char *p, *e;
	size_t k, len;

	for (k = 0; k < n; k++) {
		if (names[k] == NULL || strlen(names[k]) < 3)
			continue;
		if ((len = whole_name_at(s, names[k])) > 0)
			return len;
	}
	for (k = 0; k < n; k++) {
		if (names[k] == NULL || strchr(names[k], '@') != NULL)
			continue;
		for (p = names[k]; *p != '\0'; p = e) {
			while (*p == ' ')
				p++;
			for (e = p; *e != '\0' && *e != ' '; e++)
				;
			len = (size_t)(e - p);
			if (len >= 4 && isupper((unsigned char)*p) &&
			    strncmp(s, p, len) == 0 &&
			    !isalnum((unsigned char)s[len]))
				return len;
		}
	}
	return 0;
}

static void
put(char *out, size_t outlen, size_t *o, const char *s, size_t n)
{
	size_t room = outlen - 1 - *o;

	if (n > room) {
		n = room;
		/* never cut a UTF-8 sequence */
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
}

size_t
core_pm_anonymise(const char *text, const char *const *names, size_t n,
    const char *prefix, char *out, size_t outlen)
{
	const char *s = text;
	size_t o = 0, k;
	int word = 1, addr = 1;

	assert(outlen > 0);
	out[0] = '\0';
	if (text == NULL)
		return 0;
	/* An address may start after anything that cannot be part of one;
	 * a link, a case number or a name after anything but a letter or
	 * a digit (so "_Rita_", "-VR-2026-0001" and "(https://..." are
	 * found too). */
	while (*s != '\0' && o < outlen - 1) {
		k = 0;
		if (addr && (k = email_at(s)) > 0)
			put(out, outlen, &o, "[address]", 9);
		else if (word) {
			if ((k = url_at(s)) > 0)
				put(out, outlen, &o, "[link]", 6);
			else if ((k = tracking_at(s, prefix ? prefix : "")) >
			    0)
				put(out, outlen, &o, "[case]", 6);
			else if ((k = name_at(s, names, n)) > 0)
				put(out, outlen, &o, "[reporter]", 10);
		}
		if (k > 0) {
			/* what follows a replacement starts afresh, so an
			 * address glued to it is still found */
			s += k;
			word = addr = 1;
			continue;
		}
		word = !isalnum((unsigned char)*s) &&
		    (unsigned char)*s < 0x80;
		addr = !email_char((unsigned char)*s);
		put(out, outlen, &o, s, 1);
		s++;
	}
	if (*s != '\0') {
		/* truncated: drop an incomplete last character */
		size_t j = o, need;
		unsigned char lead;

		while (j > 0 && ((unsigned char)out[j - 1] & 0xC0) == 0x80)
			j--;
		if (j > 0 && (lead = (unsigned char)out[j - 1]) >= 0xC0) {
			need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
			if (o - (j - 1) < need) {
				o = j - 1;
				out[o] = '\0';
			}
		}
	}
	return o;
}
