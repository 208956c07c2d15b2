/* report/turnaround.h - where the days go: the turnaround of cases,
 * phase by phase (received -> acknowledged -> triaged -> fix built ->
 * tested -> verified -> released), as median and 90th percentile over
 * the cases received in a period, overall and per severity, channel and
 * product; clarification rounds per channel; the researcher's
 * verification time; the SLA targets with the open cases in breach or
 * due soon.  Reads case_metrics through store_metrics_scan() (one range
 * scan) and computes the order statistics with core_metrics_stats()
 * (linear time), so a million cases take well under a second.
 *
 * The model is a jansson object (the JSON API answers it as is, the
 * dashboard renders it with a template) and a CSV export. */
#ifndef REPORT_TURNAROUND_H
#define REPORT_TURNAROUND_H
#include <time.h>

#include <jansson.h>

#include "util/buf.h"

struct store;

enum tat_group_by {
	TAT_BY_SEVERITY,
	TAT_BY_CHANNEL,
	TAT_BY_PRODUCT,
	TAT_BY__MAX
};

/* "severity", "channel", "product"; NULL if out of range. */
const char	*report_tat_group_name(enum tat_group_by);
/* The grouping named s, or -1. */
int		 report_tat_group_parse(const char *s);

/* SLA targets (days per severity) and the "due soon" horizon. */
struct tat_sla {
	int	 critical, high, medium, low, unscored;
	int	 due_soon_days;
};

struct tat_query {
	time_t		 from, to;	/* cases received in [from, to) */
	time_t		 now;		/* for SLA breach / due soon */
	unsigned	 groups;	/* bit (1 << enum tat_group_by) each */
	int		 max_groups;	/* per grouping, largest first; 0 = 50 */
	int		 max_due;	/* cases listed in breach / due soon;
					 * 0 = 100 */
	struct tat_sla	 sla;
};

/* Builds the model into *out (a new reference; json_decref it):
 *   { "from", "to" (YYYY-MM-DD), "cases",
 *     "phases": [ {phase, label, count, median_seconds, p90_seconds,
 *                  median_days, p90_days} x6 + total ],
 *     "researcher_verification": {count, median_..., p90_...},
 *     "groups": { "severity": [ {key, cases, phases: [...], total,
 *                 clarification_rounds, cases_with_clarification,
 *                 clarifications_per_case, reissued, reopened,
 *                 released, released_within_sla}... ], ... },
 *     "clarifications": [ per channel {channel, cases, rounds,
 *                 cases_with_rounds, per_case} ],
 *     "sla": { "targets": [{severity, days}], "breached": [...],
 *              "due_soon": [...], "breached_count", "due_soon_count" } }
 * Medians are -1 (and days null) where no case reached the phase.
 * Returns 0, or -1 (store error or out of memory). */
int		 report_turnaround(struct store *, const struct tat_query *,
		    json_t **out);

/* The model as CSV: one row per grouping, group and phase
 * (group_by,group,phase,cases,median_seconds,p90_seconds,median_days,
 * p90_days), the overall rows first with group_by "all".  Text cells
 * are neutralised against formula injection (report/csv.h).  Returns 0
 * or -1. */
int		 report_turnaround_csv(const json_t *model, struct buf *out);

/* The dashboard's charts as SVG into *_html members of the model:
 * "chart_phases_html" (median and p90 per phase), "chart_channels_html"
 * (median per phase, one series per channel) when grouped by channel,
 * "chart_severity_html" (median total per severity).  Returns 0 or -1. */
int		 report_turnaround_charts(json_t *model);

#endif
