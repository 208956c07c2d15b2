/* core/cvss.h - CVSS v3.1 and v4.0 vectors: parse, validate and score
 * exactly as FIRST's specifications (see ../shared/STANDARDS.md §3-5).
 * Pure: libc only. */
#ifndef CORE_CVSS_H
#define CORE_CVSS_H
#include <stddef.h>

enum cvss_version { CVSS_V31 = 31, CVSS_V40 = 40 };

struct core_cvss {
	enum cvss_version version;
	double	base;		/* base score (v4.0: the CVSS-B/BT/BE/BTE score) */
	double	temporal;	/* v3.1 temporal score; v4.0: same as base */
	double	environmental;	/* v3.1 environmental score; v4.0: same as base */
	double	score;		/* the most specific score for the metrics given */
	const char *severity;	/* "None", "Low", "Medium", "High", "Critical" of score */
	const char *nomenclature; /* v4.0: "CVSS-B", "CVSS-BT", "CVSS-BE", "CVSS-BTE"; v3.1: NULL */
};

/* Longest vector accepted, in bytes without the NUL.  Every valid vector
 * is far shorter (a v4.0 vector with all 32 metrics has under 200). */
#define CORE_CVSS_MAXLEN	512

/* Parses and scores vector. Returns 0, or -1 with *err set to a static
 * message for a person ("CVSS 3.1 vector is missing the base metric
 * AV."). */
int	core_cvss_score(const char *vector, struct core_cvss *out,
	    const char **err);

/* Writes the canonical form of vector into buf (size bytes): metrics in
 * the specification's order, those Not Defined (X) left out.  Returns the
 * length written, or -1 with *err set (invalid vector, or buf too small;
 * CORE_CVSS_MAXLEN + 1 bytes are always enough). */
int	core_cvss_normalize(const char *vector, char *buf, size_t size,
	    const char **err);

/* Looks up one metric's value ("AV", "MSI", "E", "U", ...) in a valid
 * vector.  Returns the value as a static string ("N", "Clear"), "X" for an
 * optional metric the vector leaves out, or NULL if the vector is invalid
 * (*err set) or the metric does not exist in its version (*err set). */
const char *core_cvss_metric(const char *vector, const char *metric,
	    const char **err);

/* CVSS v3.1 Roundup (specification Appendix A): the smallest number with
 * one decimal that is >= x, computed on integers so that 4.000001 gives
 * 4.0 and 0.1 + 0.2 gives 0.3. */
double	core_cvss_roundup(double x);

/* The qualitative rating of a score (Table 14 / Table 22): "None", "Low",
 * "Medium", "High" or "Critical". */
const char *core_cvss_severity(double score);

#endif
