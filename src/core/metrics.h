/* core/metrics.h - turnaround maths for the metrics dashboard: how long
 * one case spent in each phase, from its event history, and order
 * statistics (median, 90th percentile) over many cases' durations.
 * Pure: libc only, no I/O, no allocation (the caller passes every
 * array).
 *
 * Milestones of a case, in lifecycle order (core/lifecycle.h):
 *
 *   received   created_at
 *   acked      the acknowledged time (0 = never acknowledged)
 *   triaged    the first entry into ST_CONFIRMED, overall (not the first
 *              after the last reopen: a case confirmed, then somehow
 *              rejected and reopened keeps its first confirmation)
 *   fix built  the first entry into ST_TESTING after `triaged'
 *   tested     the first entry into ST_VERIFYING after `fix built'
 *   verified   the first entry into ST_READY after `tested'
 *   released   the first entry into ST_RELEASED after `verified'
 *
 * "After" is by position in the transition array (time order, as the
 * events table stores it); when the previous milestone was not reached
 * the search starts after the latest milestone that was.  An "entry into
 * S" is a transition with to == S and from != S.  So a repeated phase
 * (testing -> fixing -> testing) keeps its FIRST entry as the milestone.
 *
 * Each phase runs from the latest milestone reached before its end
 * milestone to that end milestone.  Its duration is -1 when the end
 * milestone was not reached (a skipped or not yet reached phase); the
 * next phase then starts from the latest milestone reached before it,
 * e.g. without an ack, triage runs from received.  A phase whose end
 * comes before its start (clock skew, or an ack recorded after the
 * confirmation) is clamped to 0.  Differences that would overflow
 * int64_t saturate at INT64_MAX. */
#ifndef CORE_METRICS_H
#define CORE_METRICS_H
#include <stddef.h>
#include <stdint.h>

#include "lifecycle.h"

/* One row of a case's events: a state change at a time (seconds). */
struct core_metrics_transition {
	int64_t		 at;
	enum core_state	 from, to;
};

/* The phases, each named by where it ends. */
enum core_metrics_phase {
	METRICS_ACK,		/* received -> acknowledged */
	METRICS_TRIAGE,		/* acknowledged (or received) -> triaged */
	METRICS_FIX,		/* triaged -> fix built (testing) */
	METRICS_TEST,		/* fix built -> tested (verifying) */
	METRICS_VERIFY,		/* tested -> verified (ready) */
	METRICS_RELEASE,	/* verified -> released */
	METRICS__MAX
};

struct core_metrics_case {
	int64_t		 phase[METRICS__MAX]; /* seconds, or -1: not reached */
	int64_t		 total;		/* received -> released, or -1 */
	unsigned	 reissued;	/* entries into ST_FIXING from testing,
					 * verifying, ready or scheduled */
	unsigned	 reopened;	/* rejected, duplicate or
					 * not_reproducible -> triage */
	unsigned	 clarifications; /* entries into ST_NEEDS_INFO before
					 * the triaged milestone (all of them
					 * when it was not reached) */
};

/* Fills *out from a case's history: created_at, ack (0 = none) and
 * the n transitions of tr in time order (tr may be NULL when n is 0).
 * Out-of-range states in tr are never milestones nor counted. */
void		 core_metrics_case(int64_t created_at, int64_t ack,
		    const struct core_metrics_transition *tr, size_t n,
		    struct core_metrics_case *out);

/* "ack", "triage", "fix", "test", "verify", "release"; NULL if p is out
 * of range. */
const char	*core_metrics_phase_name(enum core_metrics_phase p);

/* Order statistics of durations.  Negative entries (-1: phase not
 * reached) are ignored.  Nearest-rank method: over the m >= 1 values
 * left, sorted ascending, the p-th percentile is the value at rank
 * ceil(p/100 * m) (1-based), so the median is the lower middle value of
 * an even m and p90 of 10 values is the 9th.  p = 0 gives the minimum,
 * p > 100 is taken as 100. */
struct core_metrics_stats {
	size_t		 count;		/* values used (non-negative) */
	int64_t		 median;	/* p50, or -1 if count is 0 */
	int64_t		 p90;		/* or -1 if count is 0 */
};

/* Sorts vals[0..n) IN PLACE, ascending (qsort; the ignored negative
 * entries end up first) and returns the p-th percentile of its
 * non-negative values, or -1 if there are none.  vals may be NULL when n
 * is 0.  Copy durations into a scratch array first to keep their order. */
int64_t		 core_metrics_percentile(int64_t *vals, size_t n,
		    unsigned p);

/* The same order statistics without a sort: reorders vals[0..n) in
 * place (non-negative values first, then two quickselects, linear time
 * on average) and fills *out: count, median and p90 by the nearest-rank
 * rule above. */
void		 core_metrics_stats(int64_t *vals, size_t n,
		    struct core_metrics_stats *out);

/* The same statistics for durations that fit 31 bits (seconds up to
 * 68 years; the turnaround model keeps them so), without changing
 * vals[0..n): up to CORE_METRICS_SMALL values are copied into the
 * scratch and selected as above; more are counted by a radix selection
 * in three passes.  Equal to core_metrics_stats() on the same values. */
#define CORE_METRICS_SMALL	49152
union core_metrics_scratch {
	int64_t		 v[CORE_METRICS_SMALL];
	uint32_t	 hist[65536 + 32768];	/* low 16 bits, high 15 */
};
void		 core_metrics_stats32(const int32_t *vals, size_t n,
		    union core_metrics_scratch *scratch,
		    struct core_metrics_stats *out);

#endif
