/* tests/unit/core/cvss_diff_main.c - scores CVSS vectors read one a line
 * on stdin for tests/integration/cvss_diff.mjs, which compares them with
 * the npm package ae-cvss-calculator.  Prints one line per input:
 *
 *	vector TAB base TAB temporal-or-threat TAB environmental
 *	vector TAB ERR
 *
 * v3.1: the base, temporal and environmental scores of the struct.
 * v4.0: the CVSS-B score (the vector without threat and environmental
 * metrics), the CVSS-BT score (without environmental metrics) and the
 * score of the whole vector (CVSS-B/BT/BE/BTE), so that three scores of
 * every random vector are compared, as ae reports all of them. */
#include <stdio.h>
#include <string.h>

#include "core/cvss.h"

#define LINEMAX	4096

/* Copies the v4.0 vector in without the metrics that drop selects
 * (1: environmental, 2: threat and environmental). */
static void
strip40(const char *in, char *out, size_t size, int drop)
{
	static const char *const env[] = { "CR", "IR", "AR", "MAV", "MAC",
	    "MAT", "MPR", "MUI", "MVC", "MVI", "MVA", "MSC", "MSI", "MSA",
	    NULL };
	const char *p, *q, *colon;
	size_t len = 0, n, k;
	int skip;

	for (p = in; *p != '\0'; p = *q == '\0' ? q : q + 1) {
		for (q = p; *q != '\0' && *q != '/'; q++)
			continue;
		colon = memchr(p, ':', (size_t)(q - p));
		skip = 0;
		if (colon != NULL && p != in) {
			n = (size_t)(colon - p);
			for (k = 0; env[k] != NULL; k++)
				if (strlen(env[k]) == n &&
				    memcmp(p, env[k], n) == 0)
					skip = 1;
			if (drop == 2 && n == 1 && *p == 'E')
				skip = 1;
		}
		if (skip)
			continue;
		n = (size_t)(q - p);
		if (len + n + 2 >= size)
			break;
		if (len > 0)
			out[len++] = '/';
		memcpy(out + len, p, n);
		len += n;
	}
	out[len] = '\0';
}

int
main(void)
{
	char line[LINEMAX], tmp[LINEMAX];
	struct core_cvss c, b, bt;
	const char *err;
	size_t n;
	int c2;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(stdin)) {
			while ((c2 = getchar()) != EOF && c2 != '\n')
				continue;
			printf("%s\tERR\n", line);
			continue;
		}
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (core_cvss_score(line, &c, &err) == -1) {
			printf("%s\tERR\n", line);
			continue;
		}
		if (c.version == CVSS_V31) {
			printf("%s\t%.1f\t%.1f\t%.1f\n", line, c.base,
			    c.temporal, c.environmental);
			continue;
		}
		strip40(line, tmp, sizeof(tmp), 2);
		if (core_cvss_score(tmp, &b, &err) == -1) {
			printf("%s\tERR\n", line);
			continue;
		}
		strip40(line, tmp, sizeof(tmp), 1);
		if (core_cvss_score(tmp, &bt, &err) == -1) {
			printf("%s\tERR\n", line);
			continue;
		}
		printf("%s\t%.1f\t%.1f\t%.1f\n", line, b.score, bt.score,
		    c.score);
	}
	return 0;
}
