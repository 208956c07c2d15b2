/* report/training.h - the secure-coding training report: what the
 * post-mortems of the cases released in a period teach.  Top
 * weaknesses (CWE), components, the practices that should have caught
 * the flaws, the regressions and re-issued patches (counted and
 * listed), trends per quarter, charts, and anonymised examples per
 * weakness (what went wrong, how it was fixed, the lessons: no
 * reporter, no address, no link, no tracking id) for course material.
 *
 * One range scan of the post-mortems (store_postmortem_scan) does the
 * counting; examples and the list are small indexed reads. */
#ifndef REPORT_TRAINING_H
#define REPORT_TRAINING_H
#include <time.h>

#include <jansson.h>

#include "util/buf.h"

struct store;

struct trn_query {
	time_t		 from, to;	/* cases released in [from, to) */
	const char	*tracking_prefix; /* masked in examples: "VR" */
	int		 top;		/* weaknesses/components listed; 0 = 10 */
	int		 examples;	/* per weakness; 0 = 3 */
	int		 list;		/* regressions/re-issued listed; 0 = 50 */
};

/* The model (a new reference):
 *   { from, to, postmortems,
 *     weaknesses: [{cwe, name, count, share, top25_rank}],
 *     components: [{component, count, share}],
 *     practices: [{practice, label, count, share}] (all of them),
 *     regressions, reissued, embarrassing: [{tracking_id, case_id,
 *        cwe, component, practice, regression_of, reissued, released}],
 *     quarters: [{quarter, total, weaknesses: {CWE: n}}],
 *     examples: [{cwe, name, items: [{component, practice, root_cause,
 *        fix, lessons, tags}]}] }
 * Returns 0 or -1. */
int	report_training(struct store *, const struct trn_query *,
	    json_t **out);
/* One CSV of the counts: section,key,label,count,share rows for
 * weaknesses, components, practices, quarters, then the embarrassing
 * list; text neutralised against formula injection. */
int	report_training_csv(const json_t *model, struct buf *out);
/* chart_weaknesses_html, chart_practices_html, chart_trends_html. */
int	report_training_charts(json_t *model);

#endif
