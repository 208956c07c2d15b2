/* tests/unit/report/chart_gen.h - random charts for the property tests
 * of report/svg (test_svg.c checks them itself, svg_sample.c writes them
 * for a real XML parser).  Labels are built from hostile pieces and
 * random bytes (no letters that could spell "nan" or "inf"); values
 * mix ordinary numbers with NaN, infinities, negatives, zero and huge.
 * Header-only, static: include it once per program. */
#ifndef CHART_GEN_H
#define CHART_GEN_H
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "report/svg.h"

#define GEN_LABELS	60	/* beyond REPORT_SVG_MAX_LABELS */
#define GEN_SERIES	11	/* beyond REPORT_SVG_MAX_SERIES */
#define GEN_TEXT	160

struct gen {
	uint64_t		 seed;
	char			 text[GEN_LABELS + GEN_SERIES + 2][GEN_TEXT];
	const char		*labels[GEN_LABELS];
	double			 values[GEN_SERIES][GEN_LABELS];
	struct report_series	 series[GEN_SERIES];
	struct report_chart	 chart;
	size_t			 present;	/* values drawn */
};

/* xorshift64* */
static uint64_t
gen_rnd(struct gen *g)
{
	g->seed ^= g->seed >> 12;
	g->seed ^= g->seed << 25;
	g->seed ^= g->seed >> 27;
	return g->seed * 2685821657736338717ULL;
}

static void
gen_text(struct gen *g, char *out)
{
	static const char *const piece[] = {
		"<", ">", "&", "\"", "'", "&amp;", "]]>", "<!--", "<?x?>",
		"<script>", "\" on=\"", " ", "  ", "\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9f\x94\x92", "\xe2\x80\xae", "\xe2\x81\xa6", "\xef\xbf\xbe",
		"\xed\xa0\x80", "\xc0\xaf", "Q1", "2026", "CWE-79", "a", "-",
		"=", "@", "\t", "\r\n", "\x85", "\xc2\x85",
	};
	size_t n = 0, want, len;
	const char *p;
	char byte[2];

	want = (size_t)(gen_rnd(g) % 5 == 0 ? GEN_TEXT - 8 : gen_rnd(g) % 30);
	while (n < want) {
		if (gen_rnd(g) % 4 == 0) {
			/* a control or high byte, never a letter */
			byte[0] = (char)(gen_rnd(g) % 2 ? 1 + gen_rnd(g) % 31 :
			    0x80 + gen_rnd(g) % 128);
			byte[1] = '\0';
			p = byte;
		} else
			p = piece[gen_rnd(g) % (sizeof(piece) / sizeof(piece[0]))];
		len = strlen(p);
		if (n + len >= GEN_TEXT)
			break;
		memcpy(out + n, p, len);
		n += len;
	}
	out[n] = '\0';
}

static double
gen_value(struct gen *g)
{
	switch (gen_rnd(g) % 12) {
	case 0: return NAN;
	case 1: return gen_rnd(g) % 2 ? INFINITY : -INFINITY;
	case 2: return -(double)(gen_rnd(g) % 1000) / 7;
	case 3: return 0;
	case 4: return (double)(gen_rnd(g) % 1000000) * 1e9;	/* huge */
	case 5: return (double)(gen_rnd(g) % 1000) / 1e6;	/* tiny */
	default: return (double)(gen_rnd(g) % 100000) / 100;
	}
}

/* A random chart in g->chart; g->present counts the values drawn. */
static void
gen_chart(struct gen *g)
{
	size_t i, j, t = 0, nl, ns;
	double v;

	memset(&g->chart, 0, sizeof(g->chart));
	nl = (size_t)(gen_rnd(g) % 8 == 0 ? gen_rnd(g) % (GEN_LABELS + 1) :
	    gen_rnd(g) % 13);
	ns = (size_t)(gen_rnd(g) % 8 == 0 ? gen_rnd(g) % (GEN_SERIES + 1) :
	    gen_rnd(g) % 4);
	gen_text(g, g->text[t]);
	g->chart.caption = gen_rnd(g) % 10 == 0 ? NULL : g->text[t];
	t++;
	gen_text(g, g->text[t]);
	g->chart.unit = gen_rnd(g) % 4 == 0 ? NULL : g->text[t];
	t++;
	for (i = 0; i < nl; i++) {
		gen_text(g, g->text[t]);
		g->labels[i] = g->text[t++];
	}
	g->present = 0;
	for (j = 0; j < ns; j++) {
		gen_text(g, g->text[t]);
		g->series[j].name = gen_rnd(g) % 5 == 0 ? NULL : g->text[t];
		t++;
		for (i = 0; i < nl; i++) {
			v = g->values[j][i] = gen_value(g);
			if (i < REPORT_SVG_MAX_LABELS &&
			    j < REPORT_SVG_MAX_SERIES && isfinite(v) &&
			    v >= 0 && v < REPORT_SVG_VALUE_MAX)
				g->present++;
		}
		g->series[j].values = g->values[j];
	}
	g->chart.labels = g->labels;
	g->chart.n_labels = nl;
	g->chart.series = g->series;
	g->chart.n_series = ns;
	g->chart.decimals = (int)(gen_rnd(g) % 6) - 1;
}

#endif
