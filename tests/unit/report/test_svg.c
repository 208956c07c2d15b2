/* tests/unit/report/test_svg.c - the SVG charts: what is drawn for given
 * data (bars and points counted, missing values, zero, no data), hostile
 * text escaped, long labels cut, the limits, nice axis ticks, no
 * "nan"/"inf", the same bytes every time.  Well-formedness under a real
 * XML parser is tests/unit/report/check_svg.py (test report/svg-xml). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "report/svg.h"
#include "chart_gen.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const phases[] = {
	"ack", "triage", "fix", "test", "verify", "release",
};

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* 1 if s (n bytes) is in the NULL-terminated list. */
static int
listed(const char *const *list, const char *s, size_t n)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == n && memcmp(*list, s, n) == 0)
			return 1;
	return 0;
}

/* At p, an entity we write: &amp; &lt; &gt; &quot; &#39;.  Returns its
 * length, 0 if it is not one. */
static size_t
entity(const char *p)
{
	static const char *const ent[] = {
		"&amp;", "&lt;", "&gt;", "&quot;", "&#39;",
	};
	size_t i;

	for (i = 0; i < NELEM(ent); i++)
		if (strncmp(p, ent[i], strlen(ent[i])) == 0)
			return strlen(ent[i]);
	return 0;
}

/* The markup, checked the strict way: only our elements and attributes,
 * tags nested, attribute values double-quoted, '<' only in tags, '&'
 * only in entities, '>' only ending tags; the text valid UTF-8 with no
 * control character but the newline between elements. */
static void
check_tags(const char *svg)
{
	static const char *const elems[] = {
		"svg", "title", "text", "g", "rect", "line", "polyline",
		"circle", NULL,
	};
	static const char *const attrs[] = {
		"xmlns", "version", "class", "viewBox", "role", "aria-label",
		"font-family", "font-size", "font-weight", "x", "y", "x1",
		"y1", "x2", "y2", "width", "height", "fill", "stroke",
		"stroke-width", "points", "cx", "cy", "r", "text-anchor",
		NULL,
	};
	const char *stack[64], *p = svg, *name;
	size_t depth = 0, n, len[64], e;
	const unsigned char *u;

	while (*p != '\0') {
		if (*p == '&') {
			assert_true((e = entity(p)) > 0);
			p += e;
			continue;
		}
		assert_true(*p != '>');
		if (*p != '<') {
			u = (const unsigned char *)p;
			assert_true(*u >= 0x20 || *u == '\n');
			assert_true(*u != 0x7f);
			p++;
			continue;
		}
		if (p[1] == '/') {		/* end tag */
			name = p + 2;
			n = strspn(name, "abcdefghijklmnopqrstuvwxyz");
			assert_true(depth > 0);
			depth--;
			assert_int_equal(n, len[depth]);
			assert_memory_equal(name, stack[depth], n);
			assert_int_equal(name[n], '>');
			p = name + n + 1;
			continue;
		}
		name = p + 1;
		n = strspn(name, "abcdefghijklmnopqrstuvwxyz");
		assert_true(listed(elems, name, n));
		assert_true(depth > 0 || (n == 3 && p == svg));
		p = name + n;
		for (;;) {
			if (*p == '>' || strncmp(p, "/>", 2) == 0)
				break;
			assert_int_equal(*p++, ' ');
			e = strspn(p, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789");
			assert_true(listed(attrs, p, e));
			p += e;
			assert_true(strncmp(p, "=\"", 2) == 0);
			for (p += 2; *p != '"'; p++) {
				assert_true(*p != '\0' && *p != '<' &&
				    *p != '>' && (unsigned char)*p >= 0x20);
				if (*p == '&') {
					assert_true((e = entity(p)) > 0);
					p += e - 1;
				}
			}
			p++;
		}
		if (*p == '>') {
			assert_true(depth < NELEM(stack));
			stack[depth] = name;
			len[depth++] = n;
			p++;
		} else
			p += 2;
	}
	assert_int_equal(depth, 0);
	/* valid UTF-8: every lead byte followed by its continuation bytes */
	for (u = (const unsigned char *)svg; *u != '\0'; ) {
		n = *u < 0x80 ? 0 : *u >= 0xf0 ? 3 : *u >= 0xe0 ? 2 :
		    *u >= 0xc2 ? 1 : 9;
		assert_true(n < 4);
		for (u++; n > 0; n--, u++)
			assert_int_equal(*u & 0xc0, 0x80);
	}
}

/* What every chart must be, whatever its data. */
static void
check_common(const char *svg)
{
	assert_non_null(svg);
	assert_true(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" ",
	    40) == 0);
	assert_non_null(strstr(svg, " role=\"img\""));
	assert_non_null(strstr(svg, " aria-label=\""));
	assert_non_null(strstr(svg, " viewBox=\"0 0 640 "));
	assert_non_null(strstr(svg, "><title>"));
	assert_int_equal(count(svg, "<svg"), 1);
	assert_int_equal(count(svg, "</svg>"), 1);
	assert_string_equal(svg + strlen(svg) - 7, "</svg>\n");
	/* nothing active, nothing external, nothing the CSP refuses */
	assert_null(strcasestr(svg, "<script"));
	assert_null(strcasestr(svg, "href"));
	assert_null(strcasestr(svg, "url("));
	assert_null(strcasestr(svg, " style="));
	assert_null(strcasestr(svg, "<foreignObject"));
	check_tags(svg);
}

/* No "nan", "inf" in any case: only for charts whose text holds none. */
static void
check_no_nan(const char *svg)
{
	assert_null(strcasestr(svg, "nan"));
	assert_null(strcasestr(svg, "inf"));
}

static void
draw(struct buf *b, int lines, const struct report_chart *c)
{
	util_buf_reset(b);
	assert_int_equal((lines ? report_svg_lines : report_svg_bars)(b, c),
	    0);
	check_common(b->data);
}

static void
test_bars(void **state)
{
	static const double med[] = { 0.5, 2, 7.25, 3, 1, 12 };
	static const double p90[] = { 1, 5, 20.5, 6, 4, 30 };
	const struct report_series s[] = {
		{ "median", med }, { "p90", p90 },
	};
	const struct report_chart c = {
		"Turnaround per phase", "days", phases, NELEM(phases), s, 2, 1,
	};
	struct buf b;

	(void)state;
	util_buf_init(&b, 0);
	draw(&b, 0, &c);
	check_no_nan(b.data);
	assert_non_null(strstr(b.data, "class=\"chart chart-bars\""));
	assert_non_null(strstr(b.data, "aria-label=\"Turnaround per phase\""));
	assert_non_null(strstr(b.data, "<title>Turnaround per phase</title>"));
	assert_int_equal(count(b.data, "<rect class=\"chart-bar "), 12);
	assert_int_equal(count(b.data, "class=\"chart-bar chart-s0\""), 6);
	assert_int_equal(count(b.data, "class=\"chart-bar chart-s1\""), 6);
	assert_int_equal(count(b.data, "<rect class=\"chart-swatch "), 2);
	assert_int_equal(count(b.data, "class=\"chart-value\""), 12);
	assert_int_equal(count(b.data, "class=\"chart-label\""), 6);
	assert_int_equal(count(b.data, "chart-missing"), 0);
	assert_non_null(strstr(b.data, ">median</text>"));
	assert_non_null(strstr(b.data, ">p90</text>"));
	assert_non_null(strstr(b.data, "<title>fix, p90: 20.5 days</title>"));
	assert_non_null(strstr(b.data, ">7.3</text>"));	/* 1 decimal */
	assert_non_null(strstr(b.data, ">days</text>"));
	assert_non_null(strstr(b.data, " fill=\"#0b5cad\""));
	/* the longest bar is the axis' end (30 of 0..30): 408 units */
	assert_non_null(strstr(b.data, "width=\"408\""));
	util_buf_release(&b);
}

static void
test_bars_one_series_no_name(void **state)
{
	static const double v[] = { 3, 1 };
	static const char *const l[] = { "web", "e-mail" };
	const struct report_series s = { NULL, v };
	const struct report_chart c = { "By channel", NULL, l, 2, &s, 1, 0 };
	struct buf b;

	(void)state;
	util_buf_init(&b, 0);
	draw(&b, 0, &c);
	assert_int_equal(count(b.data, "<rect class=\"chart-bar "), 2);
	assert_null(strstr(b.data, "chart-legend"));	/* nothing to name */
	assert_non_null(strstr(b.data, "<title>web: 3</title>"));
	util_buf_release(&b);
}

/* NaN, infinities, negatives and too large values draw no bar. */
static void
test_missing(void **state)
{
	const double a[] = { NAN, -1, 2, INFINITY, -INFINITY, 1e12, 0, 4 };
	const double z[] = { -0.0, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
	static const char *const l[] = { "a", "b", "c", "d", "e", "f", "g",
	    "h" };
	const struct report_series s[] = { { "x", a }, { "y", z } };
	const struct report_chart c = { "Gaps", "d", l, 8, s, 2, 2 };
	struct buf b;

	(void)state;
	util_buf_init(&b, 0);
	draw(&b, 0, &c);
	check_no_nan(b.data);
	/* present: 2, 0, 4 of a; -0.0 of z (zero) */
	assert_int_equal(count(b.data, "<rect class=\"chart-bar "), 4);
	assert_int_equal(count(b.data, ">n/a</text>"), 12);
	assert_non_null(strstr(b.data, "<title>a, y: 0.00 d</title>"));
	draw(&b, 1, &c);
	check_no_nan(b.data);
	assert_int_equal(count(b.data, "<circle "), 4);
	assert_int_equal(count(b.data, "<polyline "), 1);	/* 0, 4 */
	util_buf_release(&b);
}

/* All zero: every bar is there, of no length, on a 0..1 axis. */
static void
test_all_zero(void **state)
{
	static const double v[6];
	const struct report_series s = { "median", v };
	const struct report_chart c = { "Zero", "days", phases, 6, &s, 1, 0 };
	struct buf b;

	(void)state;
	util_buf_init(&b, 0);
	draw(&b, 0, &c);
	check_no_nan(b.data);
	assert_int_equal(count(b.data, "<rect class=\"chart-bar "), 6);
	assert_int_equal(count(b.data, "width=\"0\""), 6);
	assert_int_equal(count(b.data, "class=\"chart-tick\""), 6);
	assert_non_null(strstr(b.data, ">0.2</text>"));
	assert_non_null(strstr(b.data, ">1.0</text>"));
	assert_null(strstr(b.data, "No data"));
	draw(&b, 1, &c);
	check_no_nan(b.data);
	assert_int_equal(count(b.data, "<circle "), 6);
	assert_int_equal(count(b.data, "<polyline "), 1);
	util_buf_release(&b);
}

static void
test_no_data(void **state)
{
	static const double nan6[] = { NAN, NAN, -1, NAN, NAN, NAN };
	const struct report_series s = { "median", nan6 };
	const struct report_series none[] = { { "a", NULL }, { "b", NULL } };
	const struct report_chart cases[] = {
		{ "No categories", "days", NULL, 0, &s, 1, 0 },
		{ "No series", "days", phases, 6, NULL, 0, 0 },
		{ "Nothing present", "days", phases, 6, &s, 1, 0 },
		{ "No values", "days", phases, 6, none, 2, 0 },
		{ NULL, NULL, NULL, 0, NULL, 0, 0 },
	};
	struct buf b;
	size_t i;
	int lines;

	(void)state;
	util_buf_init(&b, 0);
	for (lines = 0; lines < 2; lines++)
		for (i = 0; i < NELEM(cases); i++) {
			draw(&b, lines, &cases[i]);
			check_no_nan(b.data);
			assert_non_null(strstr(b.data, ">No data</text>"));
			assert_non_null(strstr(b.data, " chart-empty\""));
			assert_null(strstr(b.data, "<rect"));
			assert_null(strstr(b.data, "<circle"));
		}
	/* no caption: still a title and an aria-label */
	assert_non_null(strstr(b.data, "aria-label=\"Chart\""));
	assert_non_null(strstr(b.data, "<title>Chart</title>"));
	util_buf_release(&b);
}

/* Text from people: escaped everywhere, made safe for XML. */
static void
test_hostile(void **state)
{
	static const char *const l[] = {
		"<script>alert(1)</script>",
		"\" onload=\"alert(1)",
		"a & b",
		"it's <b>",
		"bad\xff\xfe utf8 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80",
		"ctl\x01\x1b[31m\x7f tab\tnl\ncr\r",
		"bidi \xe2\x80\xae evil \xe2\x81\xa6",
		"&amp; &#60; ]]> <![CDATA[ x ]]> <!-- c --> <?pi?>",
	};
	static const double v[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const struct report_series s[] = {
		{ "<img src=x onerror=alert(1)>", v }, { "\"'&<>", v },
	};
	const struct report_chart c = {
		"</title><script>alert(1)</script>", "\"><svg onload=x>",
		l, NELEM(l), s, 2, 0,
	};
	struct buf b;
	int lines;

	(void)state;
	util_buf_init(&b, 0);
	for (lines = 0; lines < 2; lines++) {
		draw(&b, lines, &c);
		assert_int_equal(count(b.data, "<svg"), 1);
		assert_int_equal(count(b.data, "<title>"),
		    count(b.data, "</title>"));
		assert_null(strstr(b.data, "<img"));
		assert_null(strstr(b.data, "<b>"));
		assert_null(strstr(b.data, "<!"));
		assert_null(strstr(b.data, "<?"));
		assert_null(strstr(b.data, "]]>"));
		assert_null(strstr(b.data, "\" onload"));
		assert_null(strstr(b.data, "\xff"));
		assert_null(strstr(b.data, "\x1b"));
		assert_null(strstr(b.data, "\x7f"));
		assert_null(strstr(b.data, "\r"));
		assert_null(strstr(b.data, "\t"));
		assert_null(strstr(b.data, "\xe2\x80\xae"));
		assert_null(strstr(b.data, "\xe2\x81\xa6"));
		assert_null(strstr(b.data, "\xed\xa0\x80"));
		assert_non_null(strstr(b.data, "&lt;script&gt;alert(1)"
		    "&lt;/script&gt;"));
		assert_non_null(strstr(b.data, "&quot; onload=&quot;"));
		assert_non_null(strstr(b.data, "a &amp; b"));
		assert_non_null(strstr(b.data, "it&#39;s &lt;b&gt;"));
		assert_non_null(strstr(b.data, "&quot;&#39;&amp;&lt;&gt;"));
		assert_non_null(strstr(b.data, "&amp;amp; &amp;#60;"));
		assert_non_null(strstr(b.data, "aria-label=\"&lt;/title&gt;"
		    "&lt;script&gt;"));
		/* every bad byte one U+FFFD; controls a space */
		assert_non_null(strstr(b.data, "bad\xef\xbf\xbd\xef\xbf\xbd "
		    "utf8 \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd"
		    "\xef\xbf\xbd \xef\xbf\xbd"));
		assert_non_null(strstr(b.data, "ctl  [31m  tab nl"));
		assert_non_null(strstr(b.data, "bidi \xef\xbf\xbd evil "
		    "\xef\xbf\xbd"));
	}
	util_buf_release(&b);
}

/* A long label is cut with an ellipsis, at a character boundary; all of
 * it is in a <title>. */
static void
test_long_label(void **state)
{
	char lng[400], cut[64], whole[640];
	static const double v[] = { 1, 2 };
	const char *l[2];
	const struct report_series s = { NULL, v };
	const struct report_chart c = { "Long", NULL, l, 2, &s, 1, 0 };
	struct buf b;
	size_t i;

	(void)state;
	/* "é" 150 times: two bytes each */
	for (i = 0; i < 150; i++)
		memcpy(lng + 2 * i, "\xc3\xa9", 2);
	lng[300] = '\0';
	l[0] = lng;
	l[1] = "exactly twenty-four chr";	/* 23: not cut */
	util_buf_init(&b, 0);
	draw(&b, 0, &c);
	/* 23 characters and the ellipsis */
	memcpy(cut, lng, 46);
	strcpy(cut + 46, "\xe2\x80\xa6</text>");
	assert_non_null(strstr(b.data, cut));
	/* the whole label in the tooltip of the text */
	snprintf(whole, sizeof(whole), "<g><title>%s</title><text", lng);
	assert_non_null(strstr(b.data, whole));
	/* the bar's title holds it too */
	snprintf(whole, sizeof(whole), "<title>%s: 1</title>", lng);
	assert_non_null(strstr(b.data, whole));
	assert_non_null(strstr(b.data, ">exactly twenty-four chr</text>"));
	assert_int_equal(count(b.data, "\xe2\x80\xa6"), 1);
	/* lines: period labels are cut shorter */
	draw(&b, 1, &c);
	memcpy(cut, lng, 18);
	strcpy(cut + 18, "\xe2\x80\xa6</text>");
	assert_non_null(strstr(b.data, cut));
	util_buf_release(&b);
}

/* 50 labels and 8 series at most, and a note saying so. */
static void
test_limits(void **state)
{
	static char names[80][16];
	static const char *labels[80];
	static double v[80];
	struct report_series s[12];
	struct report_chart c = { "Many", "cases", labels, 50, s, 1, 0 };
	struct buf b;
	size_t i;

	(void)state;
	for (i = 0; i < 80; i++) {
		snprintf(names[i], sizeof(names[i]), "CWE-%zu", i + 1);
		labels[i] = names[i];
		v[i] = (double)(i % 7);
	}
	for (i = 0; i < 12; i++) {
		s[i].name = names[i];
		s[i].values = v;
	}
	util_buf_init(&b, 0);
	draw(&b, 0, &c);
	assert_int_equal(count(b.data, "<rect class=\"chart-bar "), 50);
	assert_null(strstr(b.data, "Showing"));
	c.n_labels = 73;
	draw(&b, 0, &c);
	assert_int_equal(count(b.data, "<rect class=\"chart-bar "), 50);
	assert_non_null(strstr(b.data, ">CWE-50</text>"));
	assert_null(strstr(b.data, ">CWE-51</text>"));
	assert_non_null(strstr(b.data,
	    ">Showing the first 50 of 73 categories.</text>"));
	c.n_series = 12;
	draw(&b, 0, &c);
	assert_int_equal(count(b.data, "<rect class=\"chart-bar "), 400);
	assert_int_equal(count(b.data, "<rect class=\"chart-swatch "), 8);
	assert_non_null(strstr(b.data, ">Showing the first 50 of 73 "
	    "categories and the first 8 of 12 series.</text>"));
	c.n_labels = 8;
	draw(&b, 1, &c);
	assert_int_equal(count(b.data, "<circle "), 64);
	assert_int_equal(count(b.data, "<polyline "), 8);
	assert_non_null(strstr(b.data,
	    ">Showing the first 8 of 12 series.</text>"));
	c.n_labels = 80;
	draw(&b, 1, &c);
	assert_int_equal(count(b.data, "<circle "), 400);
	assert_non_null(strstr(b.data,
	    ">Showing the first 50 of 80 periods and the first 8 of 12 "
	    "series.</text>"));
	/* 50 periods do not all fit under the axis: "CWE-NN" is about
	 * 6 * 7 + 12 units wide, the axis 552: every 5th */
	assert_int_equal(count(b.data, "class=\"chart-label\""), 10);
	util_buf_release(&b);
}

/* The tick values of the chart, joined by spaces. */
static void
ticks(const char *svg, char *out, size_t outlen)
{
	const char *p = svg, *e;
	size_t n = 0;

	out[0] = '\0';
	while ((p = strstr(p, "class=\"chart-tick\"")) != NULL) {
		p = strchr(p, '>') + 1;
		e = strchr(p, '<');
		n += (size_t)snprintf(out + n, outlen - n, "%s%.*s",
		    n > 0 ? " " : "", (int)(e - p), p);
		assert_true(n < outlen);
	}
}

static void
test_nice_ticks(void **state)
{
	static const struct {
		double		 max;
		const char	*ticks;
	} t[] = {
		{ 1, "0.0 0.2 0.4 0.6 0.8 1.0" },
		{ 7.3, "0 2 4 6 8" },
		{ 10, "0 2 4 6 8 10" },
		{ 12, "0 5 10 15" },
		{ 93, "0 20 40 60 80 100" },
		{ 100, "0 20 40 60 80 100" },
		{ 101, "0 50 100 150" },
		{ 0.37, "0.0 0.1 0.2 0.3 0.4" },
		/* the smallest axis is 0..0.001 */
		{ 0.0004, "0.0000 0.0002 0.0004 0.0006 0.0008 0.0010" },
		{ 3, "0 1 2 3" },
		{ 1234567, "0 500000 1000000 1500000" },
		{ 9.99e11, "0 200000000000 400000000000 600000000000 "
		  "800000000000 1000000000000" },
	};
	static const char *const l[] = { "a", "b" };
	double v[2];
	const struct report_series s = { NULL, v };
	const struct report_chart c = { "T", NULL, l, 2, &s, 1, 0 };
	struct buf b;
	char got[256];
	size_t i;
	int lines;

	(void)state;
	util_buf_init(&b, 0);
	for (i = 0; i < NELEM(t); i++)
		for (lines = 0; lines < 2; lines++) {
			print_message("max %g\n", t[i].max);
			v[0] = t[i].max / 3;
			v[1] = t[i].max;
			draw(&b, lines, &c);
			ticks(b.data, got, sizeof(got));
			assert_string_equal(got, t[i].ticks);
		}
	util_buf_release(&b);
}

static void
test_lines(void **state)
{
	static const char *const q[] = {
		"2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4",
		"2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4",
	};
	const double a[] = { 3, 5, 2, 8, 13, 4, 4, 1 };
	const double d[] = { 1, NAN, 2, 3, NAN, 5, NAN, NAN };
	const double e[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	const struct report_series s[] = {
		{ "CWE-79", a }, { "CWE-787", d }, { "CWE-22", e },
	};
	const struct report_chart c = {
		"Weaknesses per quarter", "cases", q, NELEM(q), s, 3, 0,
	};
	struct buf b;
	size_t i;
	char want[64];

	(void)state;
	util_buf_init(&b, 0);
	draw(&b, 1, &c);
	check_no_nan(b.data);
	assert_non_null(strstr(b.data, "class=\"chart chart-lines\""));
	assert_int_equal(count(b.data, "<circle "), 8 + 4 + 8);
	/* a: one run; d: 2..3 (one run, 1 and 5 are alone); e: one run */
	assert_int_equal(count(b.data, "<polyline "), 3);
	assert_int_equal(count(b.data, "<rect class=\"chart-swatch "), 3);
	for (i = 0; i < NELEM(q); i++) {
		snprintf(want, sizeof(want), ">%s</text>", q[i]);
		assert_non_null(strstr(b.data, want));
	}
	assert_non_null(strstr(b.data,
	    "<title>2026 Q1, CWE-79: 13 cases</title>"));
	assert_non_null(strstr(b.data, ">cases</text>"));
	/* the first point of a: x at the middle of the first of 8 slots
	 * (64 + 552/16 = 98.5 -> 99), y = bottom - 3/15 of 240 */
	assert_non_null(strstr(b.data, "points=\"99,"));
	util_buf_release(&b);
}

/* The same input gives the same bytes, in any locale. */
static void
test_deterministic(void **state)
{
	static const double v[] = { 0.25, 1.5, 2.75, 1e-3, 9.5, 4 };
	const struct report_series s = { "median", v };
	const struct report_chart c = { "D", "days", phases, 6, &s, 1, 2 };
	struct buf b1, b2;
	int lines;

	(void)state;
	util_buf_init(&b1, 0);
	util_buf_init(&b2, 0);
	for (lines = 0; lines < 2; lines++) {
		draw(&b1, lines, &c);
		if (setlocale(LC_ALL, "de_DE.UTF-8") == NULL &&
		    setlocale(LC_ALL, "fr_FR.UTF-8") == NULL)
			print_message("no comma-decimal locale here\n");
		draw(&b2, lines, &c);
		setlocale(LC_ALL, "C");
		assert_string_equal(b1.data, b2.data);
		assert_non_null(strstr(b1.data, lines ? ": 2.75 days<" :
		    ">2.75</text>"));
		assert_null(strstr(b1.data, "2,75"));
	}
	util_buf_release(&b1);
	util_buf_release(&b2);
}

static void
test_full_buffer(void **state)
{
	static const double v[] = { 1, 2, 3, 4, 5, 6 };
	const struct report_series s = { "median", v };
	const struct report_chart c = { "F", "days", phases, 6, &s, 1, 0 };
	struct buf b;

	(void)state;
	util_buf_init(&b, 300);
	assert_int_equal(report_svg_bars(&b, &c), -1);
	assert_int_equal(report_svg_lines(&b, &c), -1);	/* stays failed */
	util_buf_release(&b);
	util_buf_init(&b, 0);
	assert_int_equal(report_svg_bars(&b, &c), 0);
	assert_true(b.len > 300);
	util_buf_release(&b);
}

/* Random labels and values: every chart passes check_tags, draws a bar
 * (or a point) per present value, and says "nan"/"inf" nowhere. */
static void
test_random(void **state)
{
	static struct gen g;
	struct buf b;
	int i, lines;

	(void)state;
	g.seed = 0x5eed0f5c0ffee;
	util_buf_init(&b, 0);
	for (i = 0; i < 2000; i++) {
		gen_chart(&g);
		for (lines = 0; lines < 2; lines++) {
			draw(&b, lines, &g.chart);
			check_no_nan(b.data);
			assert_int_equal(count(b.data, lines ? "<circle " :
			    "<rect class=\"chart-bar "), g.present);
			assert_int_equal(strstr(b.data, ">No data</text>") !=
			    NULL, g.present == 0);
		}
	}
	util_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_bars_one_series_no_name),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_all_zero),
		cmocka_unit_test(test_no_data),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_long_label),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_nice_ticks),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_full_buffer),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
