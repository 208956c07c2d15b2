/* cli/demo_history.h - a generated case history for demos and benchmarks
 * (`vigil demo --history N`): N whole cases spread over the two years
 * before `now', with their lifecycle events, verification, release and
 * post-mortem, drawn from a seeded PRNG.
 *
 * This part is pure: it fills struct store_history_case (store/store.h,
 * the types only) from the PRNG and never touches a database, so the
 * unit test can check every case it makes.  cmd_demo.c feeds the cases
 * to store_history_add() in batches.
 *
 * Cases come out in created_at order.  A regression's post-mortem
 * points at an earlier generated case, which the generator knows only
 * by its number (0, 1, ... in the order made): cli_history_next() says
 * which, and the caller puts the case id the store gave that case into
 * the post-mortem with cli_history_link() (store_history_add() hands
 * the ids back). */
#ifndef CLI_DEMO_HISTORY_H
#define CLI_DEMO_HISTORY_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store/store.h"

struct arena;

#define CLI_HISTORY_SPAN	((time_t)730 * 86400)	/* two years */

struct cli_history_params {
	uint64_t	 seed;
	size_t		 n;		/* cases to make */
	time_t		 now;		/* nothing happens after it */
	time_t		 span;		/* created in [now - span, now); 0 =
					 * CLI_HISTORY_SPAN */
	const char	*tracking_prefix;
	/* [sla] days per severity; due_at = created_at + days */
	int		 sla_triage, sla_critical, sla_high, sla_medium,
			 sla_low;
	int		 verify_days;	/* then a release manager waives */
	/* Release windows (UTC instants), ascending, covering the span and
	 * a few months after now; cli_history_windows() makes a default. */
	const time_t	*windows;
	size_t		 nwindows;
};

/* No earlier case (cli_history_next()'s regress). */
#define CLI_HISTORY_NONE	SIZE_MAX

struct cli_history;

/* NULL on a bad parameter (n == 0, no windows, no prefix) or when out
 * of memory.  The windows are copied. */
struct cli_history *cli_history_new(const struct cli_history_params *);
/* NULL is a no-op. */
void		 cli_history_free(struct cli_history *);
/* Fills out[0..max) with the next cases, oldest first; their strings and
 * arrays come from a.  regress (NULL, or max entries) gets, per case,
 * the number of the earlier case its post-mortem is a regression of, or
 * CLI_HISTORY_NONE; that earlier case may be among the same out[].
 * Returns how many (0 once all n were made, or when the arena fails).
 * The output does not depend on how the cases are cut into batches. */
size_t		 cli_history_next(struct cli_history *, struct arena *a,
		    struct store_history_case *out, size_t max,
		    size_t *regress);
/* Sets the regression_of of c's post-mortem (made by cli_history_next)
 * to the case id `id'. */
void		 cli_history_link(struct store_history_case *c, int64_t id);
/* How many cases were made so far. */
size_t		 cli_history_count(const struct cli_history *);

/* The i-th product the history uses (the demo's four and four more),
 * its vendor in *vendor (vendor may be NULL); NULL past the last. */
const char	*cli_history_product(size_t i, const char **vendor);

/* Default release windows without a time zone file: the second Tuesday
 * of every month at 18:00 UTC (10:00 or 11:00 in Los Angeles), from the
 * month of `from' to `to'.  Returns how many were stored (at most max). */
size_t		 cli_history_windows(time_t from, time_t to, time_t *out,
		    size_t max);

#endif
