/* report/svg.h - charts drawn by the server as SVG, for the turnaround
 * dashboard and the training report.  Pure: libc and util/buf only.
 *
 * Each function appends one <svg> element to a buffer: SVG 1.1, with
 * xmlns, so the same bytes work inline in an HTML page and as a
 * standalone .svg file.  The element carries role="img", an aria-label
 * and a <title> from the caption, and a viewBox and no width or height,
 * so it scales to its container (give it a width in CSS).  There is no
 * script, no style attribute, no event handler, no link, no external
 * reference and no id (several charts can share one page).
 *
 * Every piece of text is XML-escaped (& < > " ' included) after it is
 * made safe for XML: bytes that are not UTF-8, characters XML 1.0
 * forbids, and bidi embedding/override/isolate controls (U+202A..202E,
 * U+2066..2069) become U+FFFD; control characters and line breaks
 * become a space.  Long labels are cut with an ellipsis; the whole
 * label is in a <title> (a tooltip), itself cut at 200 characters.
 *
 * Styling: colours are presentation attributes (fill, stroke), so a
 * standalone file looks right, and every element has a class the page
 * stylesheet can override them with (CSS wins over the attributes):
 *   svg     chart, plus chart-bars or chart-lines, plus chart-empty
 *           when there is nothing to draw
 *   text    chart-caption, chart-label (categories, periods),
 *           chart-tick (axis values), chart-unit, chart-value (the
 *           number at a bar's end), chart-missing ("n/a"),
 *           chart-legend-label, chart-note, chart-nodata
 *   lines   chart-axis, chart-grid
 *   data    chart-bar (rect), chart-line (polyline), chart-point
 *           (circle), chart-swatch (legend rect), each also chart-sN
 *           with N the series' index (0..7)
 *   groups  chart-legend
 *
 * Values: a value that is NaN, infinite, negative or at least
 * REPORT_SVG_VALUE_MAX is missing: no bar ("n/a" in its place) or no
 * point (the line breaks there).  Zero is a value (a bar of no length,
 * labelled 0).  When no value at all is present, or there is no label
 * or no series, the chart says "No data".  Axes start at 0 and end at
 * a "nice" value, ticked at 1, 2 or 5 x 10^k.
 *
 * Limits: the first REPORT_SVG_MAX_LABELS labels and the first
 * REPORT_SVG_MAX_SERIES series are drawn; a note under the chart says
 * what was left out.  Pick the top N before calling to avoid it.
 *
 * Output depends only on the input (no locale, no clock, no random),
 * and never holds "nan" or "inf" unless the text given does.  Both
 * functions return 0, or -1 once the buffer has failed (see util/buf.h:
 * its maximum reached or out of memory). */
#ifndef REPORT_SVG_H
#define REPORT_SVG_H
#include <stddef.h>

#include "util/buf.h"

#define REPORT_SVG_MAX_LABELS	50
#define REPORT_SVG_MAX_SERIES	8
#define REPORT_SVG_VALUE_MAX	1e12

/* One named series: a value per label of the chart. */
struct report_series {
	const char	*name;		/* in the legend; NULL or "" = none */
	const double	*values;	/* n_labels values (see above);
					 * NULL: all missing */
};

struct report_chart {
	const char			*caption;  /* title, aria-label */
	const char			*unit;	   /* "days", "cases"; or NULL */
	const char *const		*labels;   /* categories or periods */
	size_t				 n_labels;
	const struct report_series	*series;
	size_t				 n_series;
	int				 decimals; /* of value labels, 0..3 */
};

/* Horizontal bars: one row of bars per label (category, e.g. a phase),
 * one bar per series in it (e.g. median and p90), the value at each
 * bar's end; the value axis at the bottom, the unit under it.  With
 * one series it is a plain bar chart, with several a grouped one. */
int	report_svg_bars(struct buf *, const struct report_chart *);

/* Lines over periods: labels are the x axis in order (e.g. "2026 Q1"),
 * each series a line with a point per present value; values on the y
 * axis, the unit above it. */
int	report_svg_lines(struct buf *, const struct report_chart *);

#endif
