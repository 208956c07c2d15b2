/* tests/unit/report/svg_sample.c - writes charts for check_svg.py to
 * parse with a real XML parser: a few fixed ones (the dashboard's shapes,
 * hostile text, no data, the limits) and random ones (chart_gen.h).
 *
 * usage: svg_sample DIR [COUNT [SEED]]
 * Writes DIR/NAME.KIND.N.svg, where KIND is bars or lines and N the
 * number of bars or points the chart must draw.  Exit 0, or 1 with a
 * message on failure. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/svg.h"
#include "chart_gen.h"

static const char *dir;

static int
emit(const char *name, int lines, const struct report_chart *c,
    size_t expect)
{
	struct buf b;
	char path[4096];
	FILE *f;
	int rc = -1;

	util_buf_init(&b, 0);
	if ((lines ? report_svg_lines : report_svg_bars)(&b, c) == -1) {
		fprintf(stderr, "svg_sample: %s: drawing failed\n", name);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s.%s.%zu.svg", dir, name,
	    lines ? "lines" : "bars", expect);
	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "svg_sample: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0) {
		fprintf(stderr, "svg_sample: %s: write failed\n", path);
		goto out;
	}
	rc = 0;
out:
	util_buf_release(&b);
	return rc;
}

static int
fixed(void)
{
	static const char *const phases[] = {
		"ack", "triage", "fix", "test", "verify", "release",
	};
	static const char *const quarters[] = {
		"2025 Q3", "2025 Q4", "2026 Q1", "2026 Q2",
	};
	static const char *const hostile[] = {
		"<script>alert(1)</script>", "\" onload=\"alert(1)",
		"a & b ]]> <!-- x -->", "bad \xff\xfe \xed\xa0\x80 \x01\x1b",
		"\342\200\256fdp.exe",	/* U+202E, then "fdp.exe" */
		"a very long label that goes on and on and on past any limit",
	};
	static const double med[] = { 0.5, 2, 7.25, 3, NAN, 12 };
	static const double p90[] = { 1, 5, 20.5, -1, 4, 30 };
	static const double zero[6];
	static const double q1[] = { 3, 8, 5, 13 }, q2[] = { 1, NAN, 2, 2 };
	const struct report_series two[] = {
		{ "median", med }, { "p90", p90 },
	};
	const struct report_series evil[] = {
		{ "<img src=x onerror=alert(1)>", med }, { "\"'&<>", p90 },
	};
	const struct report_series z = { "median", zero };
	const struct report_series cwe[] = {
		{ "CWE-79", q1 }, { "CWE-787", q2 },
	};
	const struct report_chart c_phase = {
		"Turnaround per phase", "days", phases, 6, two, 2, 1,
	};
	const struct report_chart c_evil = {
		"</title><script>alert(1)</script>", "\"><svg onload=x>",
		hostile, 6, evil, 2, 0,
	};
	const struct report_chart c_zero = {
		"All zero", "days", phases, 6, &z, 1, 0,
	};
	const struct report_chart c_none = {
		"Nothing yet", "days", NULL, 0, NULL, 0, 0,
	};
	const struct report_chart c_cwe = {
		"Weaknesses per quarter", "cases", quarters, 4, cwe, 2, 0,
	};

	return emit("phases", 0, &c_phase, 10) | emit("phases", 1, &c_phase,
	    10) | emit("hostile", 0, &c_evil, 10) | emit("hostile", 1, &c_evil,
	    10) | emit("zero", 0, &c_zero, 6) | emit("zero", 1, &c_zero, 6) |
	    emit("nodata", 0, &c_none, 0) | emit("nodata", 1, &c_none, 0) |
	    emit("cwe", 1, &c_cwe, 7) | emit("cwe", 0, &c_cwe, 7);
}

int
main(int argc, char *argv[])
{
	static struct gen g;
	char name[32];
	unsigned long i, n = 300;
	int lines;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: svg_sample DIR [COUNT [SEED]]\n");
		return 1;
	}
	dir = argv[1];
	if (argc > 2)
		n = strtoul(argv[2], NULL, 10);
	g.seed = argc > 3 ? strtoull(argv[3], NULL, 0) : 0x5eed5a3c1e;
	if (g.seed == 0)
		g.seed = 1;
	printf("svg_sample: seed %#" PRIx64 "\n", g.seed);
	if (fixed() != 0)
		return 1;
	for (i = 0; i < n; i++) {
		gen_chart(&g);
		lines = (int)(i % 2);
		snprintf(name, sizeof(name), "random-%04lu", i);
		if (emit(name, lines, &g.chart, g.present) != 0)
			return 1;
	}
	return 0;
}
