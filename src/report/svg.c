/* report/svg.c - see svg.h.
 *
 * Layout is in viewBox units (640 wide), rounded to whole units; text is
 * measured roughly (CHAR_W a character), which is enough to place the
 * legend and decide how many period labels fit. */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "num.h"
#include "svg.h"

#define W		640	/* viewBox width */
#define PAD		16	/* outer margin */
#define CAPTION_Y	22
#define LEGEND_Y	46	/* baseline of the first legend row */
#define LEGEND_ROW	18
#define SWATCH		10
#define CHAR_W		7	/* rough width of a 12-unit character */

#define CAPTION_CP	80	/* characters shown before the ellipsis */
#define LABEL_CP	24
#define PERIOD_CP	10
#define LEGEND_CP	28
#define UNIT_CP		32
#define TITLE_CP	200	/* <title> texts */

/* bars */
#define BAR_LEFT	176	/* bars start here; labels end 8 before */
#define BAR_RIGHT	56	/* room for the value at a bar's end */
#define BAR_H		14
#define BAR_GAP		10	/* between two categories */
/* lines */
#define LINE_LEFT	64	/* y axis; tick values end 6 before */
#define LINE_RIGHT	24
#define LINE_PLOT_H	240
#define PERIOD_GAP	12	/* between two period labels */

#define C_TEXT		"#1b1f24"
#define C_MUTED		"#5b6470"
#define C_GRID		"#d8dde3"

#define FFFD		"\xEF\xBF\xBD"
#define ELLIPSIS	"\xE2\x80\xA6"

/* Okabe-Ito based: distinguishable with the common colour blindnesses;
 * the first is the site's accent colour. */
static const char *const palette[REPORT_SVG_MAX_SERIES] = {
	"#0b5cad", "#e69f00", "#009e73", "#cc79a7",
	"#56b4e9", "#d55e00", "#5b6470", "#8c564b",
};

/* The sizes of what is drawn, after the limits. */
struct shape {
	size_t	 nl, ns;	/* labels and series drawn */
	size_t	 present;	/* values present among them */
	double	 vmax;		/* largest present value */
	int	 legend;	/* 1 if any drawn series has a name */
};

/* A value axis from 0 to max, ticked every step. */
struct axis {
	double	 max, step;
	int	 nticks;	/* max / step */
	int	 decimals;	/* of the tick values */
};

/* Legend entries placed in rows. */
struct legend {
	int	 x[REPORT_SVG_MAX_SERIES], row[REPORT_SVG_MAX_SERIES];
	int	 rows;
};

/*
 * Text.
 */

/* Decodes the character at s (n > 0 bytes left) into *cp and its length
 * into *len, as it will be written (see svg.h): returns 1 when *cp
 * replaces what is there (a space or U+FFFD), 0 when it is the
 * character itself. */
static int
next_char(const unsigned char *s, size_t n, unsigned long *cp, size_t *len)
{
	unsigned long c;
	size_t need, i;

	*len = 1;
	if (s[0] < 0x80) {
		*cp = s[0];
		if (s[0] < 0x20 || s[0] == 0x7f) {
			*cp = ' ';
			return 1;
		}
		return 0;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 1;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 2;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3;
		c = s[0] & 0x07;
	} else
		goto bad;
	if (n <= need)
		goto bad;
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((need == 2 && c < 0x800) || (need == 3 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		goto bad;
	*len = need + 1;
	*cp = c;
	if (c <= 0x9f || c == 0x2028 || c == 0x2029) {	/* C1, LS, PS */
		*cp = ' ';
		return 1;
	}
	if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	    c == 0xfffe || c == 0xffff) {
		*cp = 0xfffd;
		return 1;
	}
	return 0;
bad:
	*cp = 0xfffd;
	return 1;
}

/* Characters in s as written, counting no further than stop. */
static size_t
text_len(const char *s, size_t stop)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strnlen(s, 4 * stop), len, count = 0;	/* 4: UTF-8 */
	unsigned long cp;

	while (n > 0 && count < stop) {
		next_char(p, n, &cp, &len);
		p += len;
		n -= len;
		count++;
	}
	return count;
}

/* Appends s (NULL = "") made safe and XML-escaped, cut to max characters
 * with an ellipsis as the last one. */
static void
put_text(struct buf *b, const char *s, size_t max)
{
	const unsigned char *p, *run;
	size_t n, len, count = 0, keep;
	unsigned long cp;
	int cut;

	if (s == NULL)
		return;
	cut = text_len(s, max + 1) > max;
	keep = cut ? max - 1 : max;
	p = run = (const unsigned char *)s;
	n = strnlen(s, 4 * keep);	/* keep characters are within */
	while (n > 0 && count < keep) {
		if (next_char(p, n, &cp, &len)) {
			util_buf_html_escape(b, (const char *)run,
			    (size_t)(p - run));
			util_buf_puts(b, cp == ' ' ? " " : FFFD);
			run = p + len;
		}
		p += len;
		n -= len;
		count++;
	}
	util_buf_html_escape(b, (const char *)run, (size_t)(p - run));
	if (cut)
		util_buf_puts(b, ELLIPSIS);
}

/* A <text> element with the given attributes holding s cut to max
 * characters; when cut, inside a <g> whose <title> has all of s. */
static void
put_label(struct buf *b, const char *attrs, const char *s, size_t max)
{
	int cut = s != NULL && text_len(s, max + 1) > max;

	if (cut) {
		util_buf_puts(b, "<g><title>");
		put_text(b, s, TITLE_CP);
		util_buf_puts(b, "</title>");
	}
	util_buf_printf(b, "<text %s>", attrs);
	put_text(b, s, max);
	util_buf_puts(b, "</text>");
	if (cut)
		util_buf_puts(b, "</g>");
}

static void
put_num(struct buf *b, double v, int decimals)
{
	char s[REPORT_NUM_LEN];

	util_buf_append(b, s, report_num_format(s, v, decimals));
}

/*
 * Numbers and scales.
 */

static int
present(double v)
{
	return isfinite(v) && v >= 0 && v < REPORT_SVG_VALUE_MAX;
}

/* Value i of series j; NaN (missing) when the series has no values. */
static double
value(const struct report_chart *c, size_t j, size_t i)
{
	return c->series[j].values != NULL ? c->series[j].values[i] : NAN;
}

/* v rounded to a whole viewBox unit (v is small and not negative). */
static int
unit(double v)
{
	return (int)(v + 0.5);
}

static void
measure(const struct report_chart *c, struct shape *s)
{
	size_t i, j;
	double v;

	memset(s, 0, sizeof(*s));
	s->nl = c->n_labels < REPORT_SVG_MAX_LABELS ? c->n_labels :
	    REPORT_SVG_MAX_LABELS;
	s->ns = c->n_series < REPORT_SVG_MAX_SERIES ? c->n_series :
	    REPORT_SVG_MAX_SERIES;
	for (j = 0; j < s->ns; j++) {
		if (c->series[j].name != NULL && c->series[j].name[0] != '\0')
			s->legend = 1;
		for (i = 0; i < s->nl; i++) {
			v = value(c, j, i);
			if (!present(v))
				continue;
			s->present++;
			if (v > s->vmax)
				s->vmax = v;
		}
	}
}

/* The smallest 0..max axis holding vmax, ticked at 1, 2 or 5 x 10^k,
 * about five ticks.  All values zero: 0..1; the shortest is 0..0.001. */
static void
nice_axis(double vmax, struct axis *ax)
{
	double raw, mag = 1, q;
	int k = 0, f;

	if (vmax < 0.001)
		vmax = vmax > 0 ? 0.001 : 1;
	raw = vmax / 5;
	while (mag * 10 <= raw) {
		mag *= 10;
		k++;
	}
	while (mag > raw) {
		mag /= 10;
		k--;
	}
	q = raw / mag;			/* in [1, 10) */
	f = q <= 1 ? 1 : q <= 2 ? 2 : q <= 5 ? 5 : 10;
	if (f == 10) {
		f = 1;
		mag *= 10;
		k++;
	}
	ax->step = f * mag;
	ax->decimals = k < 0 ? -k : 0;
	q = vmax / ax->step - 1e-9;
	ax->nticks = (int)q;
	if (ax->nticks < q)
		ax->nticks++;
	if (ax->nticks < 1)
		ax->nticks = 1;
	ax->max = ax->nticks * ax->step;
}

/* Places the legend entries left to right, wrapping; returns its rows
 * (0 without a legend). */
static int
place_legend(const struct report_chart *c, const struct shape *s,
    struct legend *lg)
{
	size_t j;
	int x = PAD, w;

	memset(lg, 0, sizeof(*lg));
	if (!s->legend)
		return 0;
	lg->rows = 1;
	for (j = 0; j < s->ns; j++) {
		w = SWATCH + 6 + (int)text_len(c->series[j].name != NULL ?
		    c->series[j].name : "", LEGEND_CP) * CHAR_W + 18;
		if (x > PAD && x + w > W - PAD) {
			x = PAD;
			lg->rows++;
		}
		lg->x[j] = x;
		lg->row[j] = lg->rows - 1;
		x += w;
	}
	return lg->rows;
}

/* The y where the plot starts, under the caption and the legend. */
static int
plot_top(const struct legend *lg)
{
	return lg->rows > 0 ? LEGEND_Y + (lg->rows - 1) * LEGEND_ROW + 20 :
	    CAPTION_Y + 20;
}

/*
 * Pieces.
 */

static void
open_svg(struct buf *b, const struct report_chart *c, const char *kind,
    int height)
{
	const char *caption = c->caption != NULL && c->caption[0] != '\0' ?
	    c->caption : "Chart";

	util_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "version=\"1.1\" class=\"chart %s\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"", kind, W, height);
	put_text(b, caption, TITLE_CP);
	util_buf_puts(b, "\" font-family=\"sans-serif\" font-size=\"12\">"
	    "<title>");
	put_text(b, caption, TITLE_CP);
	util_buf_puts(b, "</title>\n<text class=\"chart-caption\" x=\"16\" "
	    "y=\"22\" font-size=\"14\" font-weight=\"bold\" fill=\"" C_TEXT
	    "\">");
	put_text(b, caption, CAPTION_CP);
	util_buf_puts(b, "</text>\n");
}

static void
put_legend(struct buf *b, const struct report_chart *c,
    const struct shape *s, const struct legend *lg)
{
	char attrs[160];
	size_t j;
	int y;

	if (lg->rows == 0)
		return;
	util_buf_puts(b, "<g class=\"chart-legend\">");
	for (j = 0; j < s->ns; j++) {
		y = LEGEND_Y + lg->row[j] * LEGEND_ROW;
		util_buf_printf(b, "<rect class=\"chart-swatch chart-s%zu\" "
		    "x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		    "fill=\"%s\"/>", j, lg->x[j], y - SWATCH, SWATCH, SWATCH,
		    palette[j]);
		snprintf(attrs, sizeof(attrs), "class=\"chart-legend-label\" "
		    "x=\"%d\" y=\"%d\" fill=\"" C_TEXT "\"",
		    lg->x[j] + SWATCH + 6, y);
		put_label(b, attrs, c->series[j].name, LEGEND_CP);
	}
	util_buf_puts(b, "</g>\n");
}

/* "label, series: value unit", for a bar's or a point's <title>. */
static void
put_value_title(struct buf *b, const struct report_chart *c, size_t i,
    size_t j, double v, int decimals)
{
	const char *name = c->series[j].name;

	util_buf_puts(b, "<title>");
	put_text(b, c->labels[i], TITLE_CP);
	if (name != NULL && name[0] != '\0') {
		util_buf_puts(b, ", ");
		put_text(b, name, TITLE_CP);
	}
	util_buf_puts(b, ": ");
	put_num(b, v, decimals);
	if (c->unit != NULL && c->unit[0] != '\0') {
		util_buf_putc(b, ' ');
		put_text(b, c->unit, TITLE_CP);
	}
	util_buf_puts(b, "</title>");
}

static void
put_line(struct buf *b, const char *class, int x1, int y1, int x2, int y2)
{
	util_buf_printf(b, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
	    "y2=\"%d\" stroke=\"%s\"/>", class, x1, y1, x2, y2,
	    strcmp(class, "chart-grid") == 0 ? C_GRID : C_MUTED);
}

/* What the limits left out, as a line at y (20 units tall). */
static void
put_note(struct buf *b, const struct report_chart *c, const struct shape *s,
    const char *what, int y)
{
	if (s->nl == c->n_labels && s->ns == c->n_series)
		return;
	util_buf_printf(b, "<text class=\"chart-note\" x=\"%d\" y=\"%d\" "
	    "fill=\"" C_MUTED "\">Showing", PAD, y);
	if (s->nl < c->n_labels)
		util_buf_printf(b, " the first %zu of %zu %s", s->nl,
		    c->n_labels, what);
	if (s->ns < c->n_series)
		util_buf_printf(b, "%s the first %zu of %zu series",
		    s->nl < c->n_labels ? " and" : "", s->ns, c->n_series);
	util_buf_puts(b, ".</text>\n");
}

static int
nodata(struct buf *b, const struct report_chart *c, const char *kind)
{
	char cls[48];

	snprintf(cls, sizeof(cls), "%s chart-empty", kind);
	open_svg(b, c, cls, 100);
	util_buf_printf(b, "<text class=\"chart-nodata\" x=\"%d\" y=\"66\" "
	    "text-anchor=\"middle\" fill=\"" C_MUTED "\">No data</text>\n"
	    "</svg>\n", W / 2);
	return b->failed ? -1 : 0;
}

/* What both charts work out first.  Returns 1 when the chart is done
 * ("No data" drawn), 0 when it is to be drawn, -1 when b failed. */
static int
plan(struct buf *b, const struct report_chart *c, const char *kind,
    struct shape *s, struct axis *ax, struct legend *lg, int *decimals)
{
	assert(c != NULL);
	assert(c->n_labels == 0 || c->labels != NULL);
	assert(c->n_series == 0 || c->series != NULL);
	if (b->failed)
		return -1;
	measure(c, s);
	if (s->nl == 0 || s->ns == 0 || s->present == 0)
		return nodata(b, c, kind) == -1 ? -1 : 1;
	*decimals = c->decimals < 0 ? 0 : c->decimals > 3 ? 3 : c->decimals;
	nice_axis(s->vmax, ax);
	place_legend(c, s, lg);
	return 0;
}

/*
 * Charts.
 */

int
report_svg_bars(struct buf *b, const struct report_chart *c)
{
	struct shape s;
	struct axis ax;
	struct legend lg;
	char attrs[160];
	size_t i, j;
	int top, bottom, height, band, plot_w, x, y, w, t, decimals, rc;
	double v;

	if ((rc = plan(b, c, "chart-bars", &s, &ax, &lg, &decimals)) != 0)
		return rc == 1 ? 0 : -1;
	top = plot_top(&lg);
	band = (int)s.ns * BAR_H + BAR_GAP;
	bottom = top + (int)s.nl * band;
	plot_w = W - BAR_LEFT - BAR_RIGHT;
	height = bottom + 44;
	if (s.nl < c->n_labels || s.ns < c->n_series)
		height += 20;

	open_svg(b, c, "chart-bars", height);
	put_legend(b, c, &s, &lg);
	for (t = 0; t <= ax.nticks; t++) {
		x = BAR_LEFT + unit((double)t * plot_w / ax.nticks);
		if (t > 0)
			put_line(b, "chart-grid", x, top, x, bottom);
		util_buf_printf(b, "<text class=\"chart-tick\" x=\"%d\" "
		    "y=\"%d\" text-anchor=\"middle\" fill=\"" C_MUTED "\">",
		    x, bottom + 16);
		put_num(b, t * ax.step, ax.decimals);
		util_buf_puts(b, "</text>\n");
	}
	for (i = 0; i < s.nl; i++) {
		y = top + (int)i * band + BAR_GAP / 2;
		snprintf(attrs, sizeof(attrs), "class=\"chart-label\" x=\"%d\" "
		    "y=\"%d\" text-anchor=\"end\" fill=\"" C_TEXT "\"",
		    BAR_LEFT - 8, y + (int)s.ns * BAR_H / 2 + 4);
		put_label(b, attrs, c->labels[i], LABEL_CP);
		util_buf_putc(b, '\n');
		for (j = 0; j < s.ns; j++, y += BAR_H) {
			v = value(c, j, i);
			if (!present(v)) {
				util_buf_printf(b, "<text class=\"chart-missing\" "
				    "x=\"%d\" y=\"%d\" fill=\"" C_MUTED "\">n/a"
				    "</text>\n", BAR_LEFT + 4, y + BAR_H - 3);
				continue;
			}
			w = unit(v / ax.max * plot_w);
			util_buf_printf(b, "<rect class=\"chart-bar chart-s%zu\" "
			    "x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
			    "fill=\"%s\">", j, BAR_LEFT, y + 1, w, BAR_H - 2,
			    palette[j]);
			put_value_title(b, c, i, j, v, decimals);
			util_buf_printf(b, "</rect><text class=\"chart-value\" "
			    "x=\"%d\" y=\"%d\" fill=\"" C_TEXT "\">",
			    BAR_LEFT + w + 4, y + BAR_H - 3);
			put_num(b, v, decimals);
			util_buf_puts(b, "</text>\n");
		}
	}
	put_line(b, "chart-axis", BAR_LEFT, top, BAR_LEFT, bottom);
	put_line(b, "chart-axis", BAR_LEFT, bottom, BAR_LEFT + plot_w, bottom);
	util_buf_printf(b, "\n<text class=\"chart-unit\" x=\"%d\" y=\"%d\" "
	    "text-anchor=\"middle\" fill=\"" C_MUTED "\">",
	    BAR_LEFT + plot_w / 2, bottom + 34);
	put_text(b, c->unit, UNIT_CP);
	util_buf_puts(b, "</text>\n");
	put_note(b, c, &s, "categories", bottom + 56);
	util_buf_puts(b, "</svg>\n");
	return b->failed ? -1 : 0;
}

int
report_svg_lines(struct buf *b, const struct report_chart *c)
{
	struct shape s;
	struct axis ax;
	struct legend lg;
	char attrs[160];
	size_t i, j, every, run;
	int top, bottom, height, plot_w, y, t, w, decimals, rc;
	double v;

	if ((rc = plan(b, c, "chart-lines", &s, &ax, &lg, &decimals)) != 0)
		return rc == 1 ? 0 : -1;
	top = plot_top(&lg) + 16;	/* the unit stands above the axis */
	bottom = top + LINE_PLOT_H;
	plot_w = W - LINE_LEFT - LINE_RIGHT;
	height = bottom + 32;
	if (s.nl < c->n_labels || s.ns < c->n_series)
		height += 20;
	/* label every period when the longest fits, else every `every'th */
	for (i = 0, w = 0; i < s.nl; i++)
		if ((t = (int)text_len(c->labels[i] != NULL ? c->labels[i] :
		    "", PERIOD_CP)) > w)
			w = t;
	w = w * CHAR_W + PERIOD_GAP;
	every = (s.nl * (size_t)w + (size_t)plot_w - 1) / (size_t)plot_w;
	if (every < 1)
		every = 1;

#define PX(i)	(LINE_LEFT + unit(((double)(i) + 0.5) * plot_w / s.nl))
#define PY(v)	(bottom - unit((v) / ax.max * LINE_PLOT_H))
	open_svg(b, c, "chart-lines", height);
	put_legend(b, c, &s, &lg);
	util_buf_printf(b, "<text class=\"chart-unit\" x=\"%d\" y=\"%d\" "
	    "text-anchor=\"end\" fill=\"" C_MUTED "\">", LINE_LEFT - 6,
	    top - 10);
	put_text(b, c->unit, UNIT_CP);
	util_buf_puts(b, "</text>\n");
	for (t = 0; t <= ax.nticks; t++) {
		y = bottom - unit((double)t * LINE_PLOT_H / ax.nticks);
		if (t > 0)
			put_line(b, "chart-grid", LINE_LEFT, y,
			    LINE_LEFT + plot_w, y);
		util_buf_printf(b, "<text class=\"chart-tick\" x=\"%d\" "
		    "y=\"%d\" text-anchor=\"end\" fill=\"" C_MUTED "\">",
		    LINE_LEFT - 6, y + 4);
		put_num(b, t * ax.step, ax.decimals);
		util_buf_puts(b, "</text>\n");
	}
	for (i = 0; i < s.nl; i += every) {
		snprintf(attrs, sizeof(attrs), "class=\"chart-label\" x=\"%d\" "
		    "y=\"%d\" text-anchor=\"middle\" fill=\"" C_TEXT "\"",
		    PX(i), bottom + 18);
		put_label(b, attrs, c->labels[i], PERIOD_CP);
		util_buf_putc(b, '\n');
	}
	put_line(b, "chart-axis", LINE_LEFT, top, LINE_LEFT, bottom);
	put_line(b, "chart-axis", LINE_LEFT, bottom, LINE_LEFT + plot_w,
	    bottom);
	util_buf_putc(b, '\n');
	for (j = 0; j < s.ns; j++) {
		/* one polyline per run of two or more present values */
		for (i = 0; i < s.nl; i += run > 0 ? run : 1) {
			for (run = 0; i + run < s.nl &&
			    present(value(c, j, i + run)); run++)
				continue;
			if (run < 2)
				continue;
			util_buf_printf(b, "<polyline class=\"chart-line "
			    "chart-s%zu\" fill=\"none\" stroke=\"%s\" "
			    "stroke-width=\"2\" points=\"", j, palette[j]);
			for (t = 0; t < (int)run; t++) {
				v = value(c, j, i + (size_t)t);
				util_buf_printf(b, "%s%d,%d", t > 0 ? " " : "",
				    PX(i + (size_t)t), PY(v));
			}
			util_buf_puts(b, "\"/>\n");
		}
		for (i = 0; i < s.nl; i++) {
			v = value(c, j, i);
			if (!present(v))
				continue;
			util_buf_printf(b, "<circle class=\"chart-point "
			    "chart-s%zu\" cx=\"%d\" cy=\"%d\" r=\"3\" "
			    "fill=\"%s\">", j, PX(i), PY(v), palette[j]);
			put_value_title(b, c, i, j, v, decimals);
			util_buf_puts(b, "</circle>\n");
		}
	}
#undef PX
#undef PY
	put_note(b, c, &s, "periods", bottom + 48);
	util_buf_puts(b, "</svg>\n");
	return b->failed ? -1 : 0;
}
