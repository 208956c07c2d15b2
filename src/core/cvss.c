/* core/cvss.c - CVSS v3.1 and v4.0: parse, validate and score.
 *
 * Parsing is one pass over the string with a cursor; each version is a
 * table of metrics (name, allowed values, messages) in the order of its
 * specification.  Scoring follows FIRST's reference code operation by
 * operation, in double, so that the last bit of every intermediate value
 * (and hence every rounding decision) agrees with it:
 *   v3.1: cvsscalc31.js (specification Appendix A Roundup);
 *   v4.0: cvss_score.js / cvss_lookup.js / max_composed.js /
 *         max_severity.js, with the 1e-6 epsilon before the final rounding
 *         (STANDARDS.md §4.2 "Rounding").
 * Pure: libc and libm only, no allocation, no I/O. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "core/cvss.h"

/* Scores must match the reference to the last bit, so no fused
 * multiply-add: clang contracts by default, GCC does not in ISO C mode
 * (-std=c11) but does with -std=gnu11 on FMA targets (build with
 * -ffp-contract=off there). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#define MAXMETRICS	32

struct metric {
	const char		*name;
	const char *const	*values;	/* NULL-terminated */
	const char		*e_missing;	/* NULL: optional metric */
	const char		*e_twice;
	const char		*e_value;
	const char		*e_order;	/* NULL: any order */
};

struct version {
	enum cvss_version	 id;
	const char		*prefix;
	const struct metric	*metrics;
	size_t			 nmetrics;
	const char		*e_nometrics;
	const char		*e_trailing;
	const char		*e_empty;
	const char		*e_colon;
	const char		*e_unknown;
};

struct vec {
	const struct version	*ver;
	const char		*val[MAXMETRICS];	/* NULL: not given */
};

/* ---- CVSS v3.1 metric table (specification §6, Table 15 order) ---- */

enum m3 {
	M3_AV, M3_AC, M3_PR, M3_UI, M3_S, M3_C, M3_I, M3_A,
	M3_E, M3_RL, M3_RC,
	M3_CR, M3_IR, M3_AR, M3_MAV, M3_MAC, M3_MPR, M3_MUI, M3_MS,
	M3_MC, M3_MI, M3_MA,
	M3__MAX
};

static const char *const v3_av[] = { "N", "A", "L", "P", NULL };
static const char *const v3_ac[] = { "L", "H", NULL };
static const char *const v3_pr[] = { "N", "L", "H", NULL };
static const char *const v3_ui[] = { "N", "R", NULL };
static const char *const v3_s[] = { "U", "C", NULL };
static const char *const v3_cia[] = { "H", "L", "N", NULL };
static const char *const v3_e[] = { "X", "H", "F", "P", "U", NULL };
static const char *const v3_rl[] = { "X", "U", "W", "T", "O", NULL };
static const char *const v3_rc[] = { "X", "C", "R", "U", NULL };
static const char *const v3_req[] = { "X", "H", "M", "L", NULL };
static const char *const v3_mav[] = { "X", "N", "A", "L", "P", NULL };
static const char *const v3_mac[] = { "X", "L", "H", NULL };
static const char *const v3_mpr[] = { "X", "N", "L", "H", NULL };
static const char *const v3_mui[] = { "X", "N", "R", NULL };
static const char *const v3_ms[] = { "X", "U", "C", NULL };
static const char *const v3_mcia[] = { "X", "N", "L", "H", NULL };

#define E3_TWICE(n)	"CVSS 3.1 vector gives the metric " n " more than once."
#define E3_VALUE(n, a)	"CVSS 3.1 vector has an invalid value for " n \
			" (allowed: " a ")."
#define B3(n, v, a)	{ n, v, "CVSS 3.1 vector is missing the base metric " \
			    n ".", E3_TWICE(n), E3_VALUE(n, a), NULL }
#define O3(n, v, a)	{ n, v, NULL, E3_TWICE(n), E3_VALUE(n, a), NULL }

static const struct metric metrics31[M3__MAX] = {
	B3("AV", v3_av, "N, A, L, P"),
	B3("AC", v3_ac, "L, H"),
	B3("PR", v3_pr, "N, L, H"),
	B3("UI", v3_ui, "N, R"),
	B3("S", v3_s, "U, C"),
	B3("C", v3_cia, "H, L, N"),
	B3("I", v3_cia, "H, L, N"),
	B3("A", v3_cia, "H, L, N"),
	O3("E", v3_e, "X, H, F, P, U"),
	O3("RL", v3_rl, "X, U, W, T, O"),
	O3("RC", v3_rc, "X, C, R, U"),
	O3("CR", v3_req, "X, H, M, L"),
	O3("IR", v3_req, "X, H, M, L"),
	O3("AR", v3_req, "X, H, M, L"),
	O3("MAV", v3_mav, "X, N, A, L, P"),
	O3("MAC", v3_mac, "X, L, H"),
	O3("MPR", v3_mpr, "X, N, L, H"),
	O3("MUI", v3_mui, "X, N, R"),
	O3("MS", v3_ms, "X, U, C"),
	O3("MC", v3_mcia, "X, N, L, H"),
	O3("MI", v3_mcia, "X, N, L, H"),
	O3("MA", v3_mcia, "X, N, L, H"),
};

static const struct version v31 = {
	CVSS_V31, "CVSS:3.1/", metrics31, M3__MAX,
	"CVSS 3.1 vector has no metrics after CVSS:3.1/.",
	"CVSS 3.1 vector ends with a slash.",
	"CVSS 3.1 vector has an empty metric (two slashes in a row).",
	"CVSS 3.1 vector has a part without a colon (expected METRIC:VALUE).",
	"CVSS 3.1 vector has an unknown metric (names are case-sensitive).",
};

/* ---- CVSS v4.0 metric table (specification Table 23, fixed order) ---- */

enum m4 {
	M4_AV, M4_AC, M4_AT, M4_PR, M4_UI,
	M4_VC, M4_VI, M4_VA, M4_SC, M4_SI, M4_SA,
	M4_E,
	M4_CR, M4_IR, M4_AR,
	M4_MAV, M4_MAC, M4_MAT, M4_MPR, M4_MUI,
	M4_MVC, M4_MVI, M4_MVA, M4_MSC, M4_MSI, M4_MSA,
	M4_S, M4_AU, M4_R, M4_V, M4_RE, M4_U,
	M4__MAX
};

static const char *const v4_av[] = { "N", "A", "L", "P", NULL };
static const char *const v4_ac[] = { "L", "H", NULL };
static const char *const v4_at[] = { "N", "P", NULL };
static const char *const v4_pr[] = { "N", "L", "H", NULL };
static const char *const v4_ui[] = { "N", "P", "A", NULL };
static const char *const v4_cia[] = { "H", "L", "N", NULL };
static const char *const v4_e[] = { "X", "A", "P", "U", NULL };
static const char *const v4_req[] = { "X", "H", "M", "L", NULL };
static const char *const v4_mav[] = { "X", "N", "A", "L", "P", NULL };
static const char *const v4_mac[] = { "X", "L", "H", NULL };
static const char *const v4_mat[] = { "X", "N", "P", NULL };
static const char *const v4_mpr[] = { "X", "N", "L", "H", NULL };
static const char *const v4_mui[] = { "X", "N", "P", "A", NULL };
static const char *const v4_mcia[] = { "X", "N", "L", "H", NULL };
static const char *const v4_msia[] = { "X", "N", "L", "H", "S", NULL };
static const char *const v4_s[] = { "X", "N", "P", NULL };
static const char *const v4_au[] = { "X", "N", "Y", NULL };
static const char *const v4_r[] = { "X", "A", "U", "I", NULL };
static const char *const v4_v[] = { "X", "D", "C", NULL };
static const char *const v4_re[] = { "X", "L", "M", "H", NULL };
static const char *const v4_u[] = { "X", "Clear", "Green", "Amber", "Red",
	NULL };

#define E4_TWICE(n)	"CVSS 4.0 vector gives the metric " n " more than once."
#define E4_VALUE(n, a)	"CVSS 4.0 vector has an invalid value for " n \
			" (allowed: " a ")."
#define E4_ORDER(n)	"CVSS 4.0 vector has the metric " n " out of order " \
			"(the specification fixes the order)."
#define B4(n, v, a)	{ n, v, "CVSS 4.0 vector is missing the base metric " \
			    n ".", E4_TWICE(n), E4_VALUE(n, a), E4_ORDER(n) }
#define O4(n, v, a)	{ n, v, NULL, E4_TWICE(n), E4_VALUE(n, a), \
			    E4_ORDER(n) }

static const struct metric metrics40[M4__MAX] = {
	B4("AV", v4_av, "N, A, L, P"),
	B4("AC", v4_ac, "L, H"),
	B4("AT", v4_at, "N, P"),
	B4("PR", v4_pr, "N, L, H"),
	B4("UI", v4_ui, "N, P, A"),
	B4("VC", v4_cia, "H, L, N"),
	B4("VI", v4_cia, "H, L, N"),
	B4("VA", v4_cia, "H, L, N"),
	B4("SC", v4_cia, "H, L, N"),
	B4("SI", v4_cia, "H, L, N"),
	B4("SA", v4_cia, "H, L, N"),
	O4("E", v4_e, "X, A, P, U"),
	O4("CR", v4_req, "X, H, M, L"),
	O4("IR", v4_req, "X, H, M, L"),
	O4("AR", v4_req, "X, H, M, L"),
	O4("MAV", v4_mav, "X, N, A, L, P"),
	O4("MAC", v4_mac, "X, L, H"),
	O4("MAT", v4_mat, "X, N, P"),
	O4("MPR", v4_mpr, "X, N, L, H"),
	O4("MUI", v4_mui, "X, N, P, A"),
	O4("MVC", v4_mcia, "X, N, L, H"),
	O4("MVI", v4_mcia, "X, N, L, H"),
	O4("MVA", v4_mcia, "X, N, L, H"),
	O4("MSC", v4_mcia, "X, N, L, H"),
	O4("MSI", v4_msia, "X, N, L, H, S"),
	O4("MSA", v4_msia, "X, N, L, H, S"),
	O4("S", v4_s, "X, N, P"),
	O4("AU", v4_au, "X, N, Y"),
	O4("R", v4_r, "X, A, U, I"),
	O4("V", v4_v, "X, D, C"),
	O4("RE", v4_re, "X, L, M, H"),
	O4("U", v4_u, "X, Clear, Green, Amber, Red"),
};

static const struct version v40 = {
	CVSS_V40, "CVSS:4.0/", metrics40, M4__MAX,
	"CVSS 4.0 vector has no metrics after CVSS:4.0/.",
	"CVSS 4.0 vector ends with a slash.",
	"CVSS 4.0 vector has an empty metric (two slashes in a row).",
	"CVSS 4.0 vector has a part without a colon (expected METRIC:VALUE).",
	"CVSS 4.0 vector has an unknown metric (names are case-sensitive).",
};

/* ---- parsing ---- */

static int
is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int
is_vector_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == ':' || c == '/' || c == '.';
}

static int
span_eq(const char *p, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(p, s, n) == 0;
}

/* Parses s into v.  Returns 0, or -1 with *err set. */
static int
parse(const char *s, struct vec *v, const char **err)
{
	const struct version *ver;
	const struct metric *m;
	const char *p, *q, *colon;
	size_t len, i, j;
	int last = -1;

	memset(v, 0, sizeof(*v));
	if (s == NULL || s[0] == '\0') {
		*err = "CVSS vector is empty.";
		return -1;
	}
	for (len = 0; s[len] != '\0'; len++) {
		if (len >= CORE_CVSS_MAXLEN) {
			*err = "CVSS vector is too long.";
			return -1;
		}
		if (is_space((unsigned char)s[len])) {
			*err = "CVSS vector contains whitespace.";
			return -1;
		}
		if (!is_vector_char((unsigned char)s[len])) {
			*err = "CVSS vector contains a character that is "
			    "not allowed (only letters, digits, ':', '/' "
			    "and '.').";
			return -1;
		}
	}

	if (strncmp(s, v31.prefix, strlen(v31.prefix)) == 0)
		ver = &v31;
	else if (strncmp(s, v40.prefix, strlen(v40.prefix)) == 0)
		ver = &v40;
	else if (strncmp(s, "CVSS:3.0/", 9) == 0) {
		/* v3.0 has a different environmental formula (§3). */
		*err = "CVSS 3.0 vectors are not accepted; score the "
		    "vulnerability with CVSS 3.1 (CVSS:3.1/...).";
		return -1;
	} else {
		*err = "CVSS vector must start with CVSS:3.1/ or CVSS:4.0/.";
		return -1;
	}
	v->ver = ver;

	p = s + strlen(ver->prefix);
	if (*p == '\0') {
		*err = ver->e_nometrics;
		return -1;
	}
	for (;;) {
		for (q = p, colon = NULL; *q != '\0' && *q != '/'; q++)
			if (colon == NULL && *q == ':')
				colon = q;
		if (q == p) {
			*err = *q == '\0' ? ver->e_trailing : ver->e_empty;
			return -1;
		}
		if (colon == NULL) {
			*err = ver->e_colon;
			return -1;
		}
		for (i = 0; i < ver->nmetrics; i++)
			if (span_eq(p, (size_t)(colon - p),
			    ver->metrics[i].name))
				break;
		if (i == ver->nmetrics) {
			*err = ver->e_unknown;
			return -1;
		}
		m = &ver->metrics[i];
		if (v->val[i] != NULL) {
			*err = m->e_twice;
			return -1;
		}
		if (m->e_order != NULL && (int)i < last) {
			*err = m->e_order;
			return -1;
		}
		for (j = 0; m->values[j] != NULL; j++)
			if (span_eq(colon + 1, (size_t)(q - colon - 1),
			    m->values[j]))
				break;
		if (m->values[j] == NULL) {
			*err = m->e_value;
			return -1;
		}
		v->val[i] = m->values[j];
		last = (int)i;
		if (*q == '\0')
			break;
		p = q + 1;
	}

	for (i = 0; i < ver->nmetrics; i++)
		if (ver->metrics[i].e_missing != NULL && v->val[i] == NULL) {
			*err = ver->metrics[i].e_missing;
			return -1;
		}
	return 0;
}

/* The value of metric i as one character; 'X' when not given.  (Only the
 * supplemental U has longer values, and no score reads it.) */
static char
val(const struct vec *v, int i)
{
	return v->val[i] == NULL ? 'X' : v->val[i][0];
}

/* ---- rounding ---- */

/* JavaScript's Math.round for the non-negative values used here: the
 * nearest integer, halves upwards.  floor(x + 0.5) would be wrong when
 * the addition itself rounds. */
static double
js_round(double x)
{
	double r;

	r = floor(x);
	if (x - r >= 0.5)
		r += 1.0;
	return r;
}

/* v3.1 Appendix A Roundup, as cvsscalc31.js. */
double
core_cvss_roundup(double x)
{
	double i;

	i = js_round(x * 100000.0);
	if (fmod(i, 10000.0) == 0.0)
		return i / 100000.0;
	return (floor(i / 10000.0) + 1.0) / 10.0;
}

/* v4.0 rounding to one decimal, with the epsilon of §4.2. */
static double
round1_eps(double x)
{
	return js_round((x + 1e-6) * 10.0) / 10.0;
}

const char *
core_cvss_severity(double score)
{
	/* Scores have one decimal; compare half a step away from each
	 * band edge so that binary representation cannot matter. */
	if (score < 0.05)
		return "None";
	if (score < 3.95)
		return "Low";
	if (score < 6.95)
		return "Medium";
	if (score < 8.95)
		return "High";
	return "Critical";
}

/* ---- CVSS v3.1 scoring (cvsscalc31.js) ---- */

static double
w_av(char c)
{
	switch (c) {
	case 'N':
		return 0.85;
	case 'A':
		return 0.62;
	case 'L':
		return 0.55;
	default:
		return 0.2;
	}
}

static double
w_ac(char c)
{
	return c == 'L' ? 0.77 : 0.44;
}

static double
w_pr(char c, char scope)
{
	switch (c) {
	case 'N':
		return 0.85;
	case 'L':
		return scope == 'C' ? 0.68 : 0.62;
	default:
		return scope == 'C' ? 0.5 : 0.27;
	}
}

static double
w_ui(char c)
{
	return c == 'N' ? 0.85 : 0.62;
}

static double
w_cia(char c)
{
	switch (c) {
	case 'H':
		return 0.56;
	case 'L':
		return 0.22;
	default:
		return 0.0;
	}
}

static double
w_e(char c)
{
	switch (c) {
	case 'F':
		return 0.97;
	case 'P':
		return 0.94;
	case 'U':
		return 0.91;
	default:	/* X, H */
		return 1.0;
	}
}

static double
w_rl(char c)
{
	switch (c) {
	case 'W':
		return 0.97;
	case 'T':
		return 0.96;
	case 'O':
		return 0.95;
	default:	/* X, U */
		return 1.0;
	}
}

static double
w_rc(char c)
{
	switch (c) {
	case 'R':
		return 0.96;
	case 'U':
		return 0.92;
	default:	/* X, C */
		return 1.0;
	}
}

static double
w_req(char c)
{
	switch (c) {
	case 'H':
		return 1.5;
	case 'L':
		return 0.5;
	default:	/* X, M */
		return 1.0;
	}
}

/* Modified metric mod if given and not X, else base metric base. */
static char
mod3(const struct vec *v, int mod, int base)
{
	char c;

	c = val(v, mod);
	return c == 'X' ? val(v, base) : c;
}

static void
score31(const struct vec *v, struct core_cvss *out)
{
	double iss, impact, expl, base, temporal;
	double miss, mimpact, mexpl, menv, env, we, wrl, wrc;
	char s, ms;
	int i, has_t = 0, has_e = 0;

	s = val(v, M3_S);
	iss = 1 - ((1 - w_cia(val(v, M3_C))) * (1 - w_cia(val(v, M3_I))) *
	    (1 - w_cia(val(v, M3_A))));
	if (s == 'U')
		impact = 6.42 * iss;
	else
		impact = 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15);
	expl = 8.22 * w_av(val(v, M3_AV)) * w_ac(val(v, M3_AC)) *
	    w_pr(val(v, M3_PR), s) * w_ui(val(v, M3_UI));
	if (impact <= 0)
		base = 0;
	else if (s == 'U')
		base = core_cvss_roundup(fmin(expl + impact, 10));
	else
		base = core_cvss_roundup(fmin(1.08 * (expl + impact), 10));

	we = w_e(val(v, M3_E));
	wrl = w_rl(val(v, M3_RL));
	wrc = w_rc(val(v, M3_RC));
	temporal = core_cvss_roundup(base * we * wrl * wrc);

	/* Environmental score.  cvsscalc31.js computes it even when no
	 * environmental metric is given; with S:C its modified-impact
	 * formula ((MISS*0.9731-0.02)^13) then differs from the base one
	 * ((ISS-0.02)^15) and 80 of the 2,592 base vectors come out 0.1
	 * higher (CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H: base 9.6,
	 * "environmental" 9.7).  STANDARDS.md §3 says that without
	 * temporal/environmental metrics Temporal = Env = Base, and
	 * ae-cvss-calculator reports no environmental score then; so when
	 * every environmental metric is Not Defined we report the temporal
	 * score (which is the base score when no temporal metric is
	 * given either). */
	ms = mod3(v, M3_MS, M3_S);
	miss = fmin(1 - ((1 - w_cia(mod3(v, M3_MC, M3_C)) *
	    w_req(val(v, M3_CR))) *
	    (1 - w_cia(mod3(v, M3_MI, M3_I)) * w_req(val(v, M3_IR))) *
	    (1 - w_cia(mod3(v, M3_MA, M3_A)) * w_req(val(v, M3_AR)))), 0.915);
	if (ms == 'U')
		mimpact = 6.42 * miss;
	else
		mimpact = 7.52 * (miss - 0.029) -
		    3.25 * pow(miss * 0.9731 - 0.02, 13);
	mexpl = 8.22 * w_av(mod3(v, M3_MAV, M3_AV)) *
	    w_ac(mod3(v, M3_MAC, M3_AC)) *
	    w_pr(mod3(v, M3_MPR, M3_PR), ms) *
	    w_ui(mod3(v, M3_MUI, M3_UI));
	if (mimpact <= 0)
		env = 0;
	else {
		if (ms == 'U')
			menv = core_cvss_roundup(fmin(mimpact + mexpl, 10));
		else
			menv = core_cvss_roundup(fmin(1.08 *
			    (mimpact + mexpl), 10));
		env = core_cvss_roundup(menv * we * wrl * wrc);
	}

	for (i = M3_E; i <= M3_RC; i++)
		if (val(v, i) != 'X')
			has_t = 1;
	for (i = M3_CR; i <= M3_MA; i++)
		if (val(v, i) != 'X')
			has_e = 1;

	out->base = base;
	out->temporal = temporal;
	out->environmental = has_e ? env : temporal;
	out->score = has_e ? env : has_t ? temporal : base;
	out->nomenclature = NULL;
}

/* ---- CVSS v4.0 scoring (cvss_score.js) ---- */

/* MacroVector scores (cvss_lookup.js, STANDARDS.md §4.2).  Row
 * (EQ1 * 2 + EQ2) * 5 + joint, joint = EQ3EQ6 in 00 01 10 11 21;
 * column EQ4 * 3 + EQ5. */
static const double lookup40[30][9] = {
	/* EQ1 0, EQ2 0 */
	{ 10.0, 9.8, 9.5, 10.0, 9.3, 9.1, 9.3, 8.9, 8.1 },
	{ 9.9, 9.5, 9.2, 9.6, 8.7, 8.1, 9.0, 8.0, 6.8 },
	{ 9.8, 9.5, 9.0, 9.3, 8.9, 8.1, 8.8, 7.8, 6.9 },
	{ 9.5, 9.2, 8.4, 9.2, 8.1, 6.5, 8.0, 7.0, 4.8 },
	{ 9.2, 8.2, 7.2, 7.9, 6.9, 5.0, 6.9, 5.5, 2.7 },
	/* EQ1 0, EQ2 1 */
	{ 9.9, 9.5, 9.2, 9.5, 9.0, 8.4, 9.2, 8.2, 7.2 },
	{ 9.7, 9.2, 8.5, 9.1, 8.3, 7.1, 8.1, 7.1, 5.3 },
	{ 9.5, 9.2, 8.5, 9.2, 8.0, 7.0, 8.4, 7.1, 5.0 },
	{ 9.3, 8.5, 7.3, 8.2, 7.2, 5.9, 7.0, 5.2, 3.0 },
	{ 8.6, 7.5, 5.2, 7.1, 5.2, 2.9, 6.3, 2.9, 1.7 },
	/* EQ1 1, EQ2 0 */
	{ 9.8, 9.4, 9.1, 9.4, 8.6, 7.7, 8.7, 7.4, 6.3 },
	{ 9.5, 8.7, 8.1, 8.9, 7.4, 6.4, 7.5, 6.3, 4.9 },
	{ 9.4, 8.8, 7.6, 8.6, 7.4, 5.9, 7.2, 5.7, 5.2 },
	{ 8.9, 7.7, 6.7, 7.6, 5.8, 5.0, 5.7, 5.2, 2.5 },
	{ 8.3, 7.0, 5.4, 6.5, 5.8, 2.6, 5.3, 2.1, 1.3 },
	/* EQ1 1, EQ2 1 */
	{ 9.5, 8.8, 7.6, 9.0, 7.5, 6.1, 7.7, 6.8, 5.2 },
	{ 9.0, 7.6, 7.0, 7.7, 6.2, 5.3, 6.6, 5.9, 3.0 },
	{ 8.9, 7.6, 6.2, 7.4, 5.7, 4.7, 6.1, 5.7, 2.4 },
	{ 7.8, 6.7, 5.8, 5.9, 5.7, 2.3, 5.2, 2.9, 1.6 },
	{ 7.1, 5.9, 3.0, 5.8, 2.6, 1.5, 2.3, 1.3, 0.6 },
	/* EQ1 2, EQ2 0 */
	{ 9.3, 8.6, 7.5, 8.6, 7.4, 5.6, 7.0, 5.2, 4.0 },
	{ 8.7, 7.2, 5.8, 7.4, 6.1, 3.4, 5.4, 4.0, 2.2 },
	{ 8.5, 7.4, 6.2, 7.2, 5.5, 4.6, 5.3, 3.4, 1.9 },
	{ 7.5, 5.5, 5.1, 5.7, 4.1, 1.9, 3.6, 1.9, 0.8 },
	{ 6.4, 5.1, 2.0, 4.7, 2.1, 1.1, 2.4, 0.9, 0.4 },
	/* EQ1 2, EQ2 1 */
	{ 8.8, 7.3, 6.0, 7.3, 5.9, 4.1, 5.4, 4.5, 2.0 },
	{ 7.5, 5.3, 5.0, 5.5, 4.0, 2.0, 4.3, 2.2, 1.1 },
	{ 7.5, 5.8, 4.0, 6.1, 4.8, 2.0, 4.6, 1.7, 0.8 },
	{ 5.5, 4.5, 2.1, 5.1, 1.8, 0.9, 1.8, 0.7, 0.2 },
	{ 5.3, 2.4, 1.4, 2.4, 1.2, 0.5, 1.0, 0.3, 0.1 },
};

/* Score of a MacroVector, or -1 when it does not exist. */
static double
macro40(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6)
{
	int joint;

	if (eq3 == 0 && eq6 == 0)
		joint = 0;
	else if (eq3 == 0 && eq6 == 1)
		joint = 1;
	else if (eq3 == 1 && eq6 == 0)
		joint = 2;
	else if (eq3 == 1 && eq6 == 1)
		joint = 3;
	else if (eq3 == 2 && eq6 == 1)
		joint = 4;
	else
		return -1;
	if (eq1 < 0 || eq1 > 2 || eq2 < 0 || eq2 > 1 || eq4 < 0 || eq4 > 2 ||
	    eq5 < 0 || eq5 > 2)
		return -1;
	return lookup40[(eq1 * 2 + eq2) * 5 + joint][eq4 * 3 + eq5];
}

/* Effective value (§4.2): the modified metric when given and not X,
 * E X -> A, CR/IR/AR X -> H. */
static char
eff40(const struct vec *v, int i)
{
	char c;

	switch (i) {
	case M4_E:
		c = val(v, i);
		return c == 'X' ? 'A' : c;
	case M4_CR:
	case M4_IR:
	case M4_AR:
		c = val(v, i);
		return c == 'X' ? 'H' : c;
	default:
		break;
	}
	/* MAV..MSA are in the same order as AV..SA. */
	c = val(v, i - M4_AV + M4_MAV);
	return c == 'X' ? val(v, i) : c;
}

/* Severity level of a value (step 0.1, cvss_score.js *_levels). */
static double
level40(int i, char c)
{
	switch (i) {
	case M4_AV:
		return c == 'N' ? 0.0 : c == 'A' ? 0.1 : c == 'L' ? 0.2 : 0.3;
	case M4_PR:
		return c == 'N' ? 0.0 : c == 'L' ? 0.1 : 0.2;
	case M4_UI:
		return c == 'N' ? 0.0 : c == 'P' ? 0.1 : 0.2;
	case M4_AC:
		return c == 'L' ? 0.0 : 0.1;
	case M4_AT:
		return c == 'N' ? 0.0 : 0.1;
	case M4_VC:
	case M4_VI:
	case M4_VA:
		return c == 'H' ? 0.0 : c == 'L' ? 0.1 : 0.2;
	case M4_SC:
		return c == 'H' ? 0.1 : c == 'L' ? 0.2 : 0.3;
	case M4_SI:
	case M4_SA:
		return c == 'S' ? 0.0 : c == 'H' ? 0.1 : c == 'L' ? 0.2 : 0.3;
	default:	/* CR, IR, AR */
		return c == 'H' ? 0.0 : c == 'M' ? 0.1 : 0.2;
	}
}

/* Highest-severity vectors of each MacroVector level (max_composed.js),
 * in the reference's order. */
static const char *const max_eq1[3][3] = {	/* AV PR UI */
	{ "NNN", NULL, NULL },
	{ "ANN", "NLN", "NNP" },
	{ "PNN", "ALP", NULL },
};
static const char *const max_eq2[2][2] = {	/* AC AT */
	{ "LN", NULL },
	{ "HN", "LP" },
};
static const char *const max_eq36[5][5] = {	/* VC VI VA CR IR AR */
	{ "HHHHHH", NULL, NULL, NULL, NULL },			/* 00 */
	{ "HHLMMH", "HHHMMM", NULL, NULL, NULL },		/* 01 */
	{ "LHHHHH", "HLHHHH", NULL, NULL, NULL },		/* 10 */
	{ "LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM" },	/* 11 */
	{ "LLLHHH", NULL, NULL, NULL, NULL },			/* 21 */
};
static const char *const max_eq4[3] = { "HSS", "HHH", "LLL" };	/* SC SI SA */

/* MacroVector depths in steps (max_severity.js). */
static const int depth_eq1[3] = { 1, 4, 5 };
static const int depth_eq2[2] = { 1, 2 };
static const int depth_eq36[5] = { 7, 6, 8, 8, 10 };
static const int depth_eq4[3] = { 6, 5, 4 };

static const int order40[14] = {
	M4_AV, M4_PR, M4_UI, M4_AC, M4_AT, M4_VC, M4_VI, M4_VA,
	M4_SC, M4_SI, M4_SA, M4_CR, M4_IR, M4_AR
};

/* Fills d with the distances, in order40, of the effective values e from
 * the highest-severity vector made of s1 (AV PR UI), s2 (AC AT), s36
 * (VC VI VA CR IR AR) and s4 (SC SI SA).  Returns 1 if none is negative. */
static int
distances(const char *e, const char *s1, const char *s2, const char *s36,
    const char *s4, double *d)
{
	char mx[14];
	int k, ok = 1;

	memcpy(mx, s1, 3);
	memcpy(mx + 3, s2, 2);
	memcpy(mx + 5, s36, 3);
	memcpy(mx + 8, s4, 3);
	memcpy(mx + 11, s36 + 3, 3);
	for (k = 0; k < 14; k++) {
		d[k] = level40(order40[k], e[order40[k]]) -
		    level40(order40[k], mx[k]);
		if (d[k] < 0)
			ok = 0;
	}
	return ok;
}

static double
score40(const struct vec *v)
{
	char e[M4__MAX];
	double d[14], value, lower, left, right, step = 0.1;
	double avail, part[5], mean;
	int eq1, eq2, eq3, eq4, eq5, eq6, joint, i, a, b, c, n;

	memset(e, 'X', sizeof(e));
	for (i = M4_AV; i <= M4_SA; i++)
		e[i] = eff40(v, i);
	for (i = M4_E; i <= M4_AR; i++)
		e[i] = eff40(v, i);

	if (e[M4_VC] == 'N' && e[M4_VI] == 'N' && e[M4_VA] == 'N' &&
	    e[M4_SC] == 'N' && e[M4_SI] == 'N' && e[M4_SA] == 'N')
		return 0.0;

	/* MacroVector. */
	if (e[M4_AV] == 'N' && e[M4_PR] == 'N' && e[M4_UI] == 'N')
		eq1 = 0;
	else if ((e[M4_AV] == 'N' || e[M4_PR] == 'N' || e[M4_UI] == 'N') &&
	    e[M4_AV] != 'P')
		eq1 = 1;
	else
		eq1 = 2;
	eq2 = e[M4_AC] == 'L' && e[M4_AT] == 'N' ? 0 : 1;
	if (e[M4_VC] == 'H' && e[M4_VI] == 'H')
		eq3 = 0;
	else if (e[M4_VC] == 'H' || e[M4_VI] == 'H' || e[M4_VA] == 'H')
		eq3 = 1;
	else
		eq3 = 2;
	if (e[M4_SI] == 'S' || e[M4_SA] == 'S')
		eq4 = 0;
	else if (e[M4_SC] == 'H' || e[M4_SI] == 'H' || e[M4_SA] == 'H')
		eq4 = 1;
	else
		eq4 = 2;
	eq5 = e[M4_E] == 'A' ? 0 : e[M4_E] == 'P' ? 1 : 2;
	eq6 = (e[M4_CR] == 'H' && e[M4_VC] == 'H') ||
	    (e[M4_IR] == 'H' && e[M4_VI] == 'H') ||
	    (e[M4_AR] == 'H' && e[M4_VA] == 'H') ? 0 : 1;
	joint = eq3 == 0 ? eq6 : eq3 == 1 ? 2 + eq6 : 4;

	value = macro40(eq1, eq2, eq3, eq4, eq5, eq6);

	/* The first highest-severity vector not below the vector scored;
	 * if none fits, the reference keeps the last one tried. */
	for (a = 0; a < 3 && max_eq1[eq1][a] != NULL; a++)
		for (b = 0; b < 2 && max_eq2[eq2][b] != NULL; b++)
			for (c = 0; c < 5 && max_eq36[joint][c] != NULL; c++)
				if (distances(e, max_eq1[eq1][a],
				    max_eq2[eq2][b], max_eq36[joint][c],
				    max_eq4[eq4], d))
					goto found;
found:
	/* Next lower MacroVectors and the proportional distances. */
	n = 0;
	memset(part, 0, sizeof(part));

	lower = macro40(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
	if (lower >= 0) {
		n++;
		avail = value - lower;
		part[0] = avail * ((d[0] + d[1] + d[2]) /
		    (depth_eq1[eq1] * step));
	}
	lower = macro40(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
	if (lower >= 0) {
		n++;
		avail = value - lower;
		part[1] = avail * ((d[3] + d[4]) / (depth_eq2[eq2] * step));
	}
	if (eq3 == 0 && eq6 == 0) {
		left = macro40(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
		right = macro40(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
		lower = left > right ? left : right;
	} else if (eq3 == 1 && eq6 == 0)
		lower = macro40(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
	else if (eq6 == 1 && eq3 < 2)
		lower = macro40(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
	else
		lower = -1;
	if (lower >= 0) {
		n++;
		avail = value - lower;
		part[2] = avail * ((d[5] + d[6] + d[7] + d[11] + d[12] +
		    d[13]) / (depth_eq36[joint] * step));
	}
	lower = macro40(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
	if (lower >= 0) {
		n++;
		avail = value - lower;
		part[3] = avail * ((d[8] + d[9] + d[10]) /
		    (depth_eq4[eq4] * step));
	}
	/* EQ5 has no distance inside a MacroVector: it counts, adds 0. */
	lower = macro40(eq1, eq2, eq3, eq4, eq5 + 1, eq6);
	if (lower >= 0)
		n++;

	mean = 0;
	if (n > 0)
		mean = (part[0] + part[1] + part[2] + part[3] + part[4]) / n;
	value -= mean;
	if (value < 0)
		value = 0;
	if (value > 10)
		value = 10;
	return round1_eps(value);
}

static void
fill40(const struct vec *v, struct core_cvss *out)
{
	int i, has_t, has_e = 0;

	has_t = val(v, M4_E) != 'X';
	for (i = M4_CR; i <= M4_MSA; i++)
		if (val(v, i) != 'X')
			has_e = 1;
	out->base = score40(v);
	out->temporal = out->base;
	out->environmental = out->base;
	out->score = out->base;
	out->nomenclature = has_t && has_e ? "CVSS-BTE" : has_t ? "CVSS-BT" :
	    has_e ? "CVSS-BE" : "CVSS-B";
}

/* ---- public ---- */

int
core_cvss_score(const char *vector, struct core_cvss *out, const char **err)
{
	struct vec v;
	const char *dummy;

	if (err == NULL)
		err = &dummy;
	if (parse(vector, &v, err) == -1)
		return -1;
	memset(out, 0, sizeof(*out));
	out->version = v.ver->id;
	if (v.ver->id == CVSS_V31)
		score31(&v, out);
	else
		fill40(&v, out);
	out->severity = core_cvss_severity(out->score);
	return 0;
}

int
core_cvss_normalize(const char *vector, char *buf, size_t size,
    const char **err)
{
	struct vec v;
	const char *dummy;
	size_t i, len, nl, vl;

	if (err == NULL)
		err = &dummy;
	if (parse(vector, &v, err) == -1)
		return -1;
	len = strlen(v.ver->prefix);
	if (len >= size) {
		*err = "Buffer too small for the CVSS vector.";
		return -1;
	}
	memcpy(buf, v.ver->prefix, len);
	for (i = 0; i < v.ver->nmetrics; i++) {
		if (v.val[i] == NULL || strcmp(v.val[i], "X") == 0)
			continue;
		nl = strlen(v.ver->metrics[i].name);
		vl = strlen(v.val[i]);
		/* '/' only between metrics: the prefix ends with one. */
		if (buf[len - 1] != '/') {
			if (len + 1 >= size)
				goto small;
			buf[len++] = '/';
		}
		if (len + nl + 1 + vl >= size)
			goto small;
		memcpy(buf + len, v.ver->metrics[i].name, nl);
		len += nl;
		buf[len++] = ':';
		memcpy(buf + len, v.val[i], vl);
		len += vl;
	}
	buf[len] = '\0';
	return (int)len;
small:
	*err = "Buffer too small for the CVSS vector.";
	return -1;
}

const char *
core_cvss_metric(const char *vector, const char *metric, const char **err)
{
	struct vec v;
	const char *dummy;
	size_t i;

	if (err == NULL)
		err = &dummy;
	if (parse(vector, &v, err) == -1)
		return NULL;
	for (i = 0; metric != NULL && i < v.ver->nmetrics; i++)
		if (strcmp(v.ver->metrics[i].name, metric) == 0)
			return v.val[i] == NULL ? "X" : v.val[i];
	*err = v.ver->id == CVSS_V31 ? "CVSS 3.1 has no metric of that name." :
	    "CVSS 4.0 has no metric of that name.";
	return NULL;
}
