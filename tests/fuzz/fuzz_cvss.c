/* tests/fuzz/fuzz_cvss.c - libFuzzer target for core/cvss.  The input is
 * one NUL-terminated string.  Checks: every score of a valid vector lies
 * in [0, 10] with one decimal; the severity matches the score; a rejected
 * vector gets a message; the normalized form of a valid vector is itself
 * valid, normalizes to itself and scores the same.  Without libFuzzer,
 * replay_main.c replays tests/fuzz/corpus/cvss/. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cvss.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static void
check_score(double s)
{
	check(s >= 0.0 && s <= 10.0);
	check(fabs(s * 10.0 - floor(s * 10.0 + 0.5)) < 1e-9);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "AV", "E", "MSI", "U", "MS",
	    "ZZ" };
	struct core_cvss c, c2;
	char *s, norm[CORE_CVSS_MAXLEN + 1], norm2[CORE_CVSS_MAXLEN + 1];
	const char *err = NULL, *m;
	size_t i;
	int n;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (core_cvss_score(s, &c, &err) == -1) {
		check(err != NULL && err[0] != '\0');
		check(core_cvss_normalize(s, norm, sizeof(norm), &err) == -1);
		free(s);
		return 0;
	}
	check(c.version == CVSS_V31 || c.version == CVSS_V40);
	check_score(c.base);
	check_score(c.temporal);
	check_score(c.environmental);
	check_score(c.score);
	check(strcmp(c.severity, core_cvss_severity(c.score)) == 0);
	check((c.version == CVSS_V40) == (c.nomenclature != NULL));
	check(strlen(s) <= CORE_CVSS_MAXLEN);

	n = core_cvss_normalize(s, norm, sizeof(norm), &err);
	check(n > 0 && (size_t)n == strlen(norm));
	check(core_cvss_score(norm, &c2, &err) == 0);
	check(c2.version == c.version && c2.base == c.base &&
	    c2.temporal == c.temporal &&
	    c2.environmental == c.environmental && c2.score == c.score);
	check(core_cvss_normalize(norm, norm2, sizeof(norm2), &err) == n);
	check(strcmp(norm, norm2) == 0);

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		m = core_cvss_metric(s, names[i], &err);
		check(m != NULL || err != NULL);
	}
	free(s);
	return 0;
}
