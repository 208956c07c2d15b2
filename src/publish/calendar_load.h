/* publish/calendar_load.h - the [release] section of vigil.conf as a release
 * policy (core/calendar.h) and its time zone, shared by `vigil
 * calendar', the releases pages and releases.ics: cadence, weekdays, HH:MM time,
 * advance notice days, an IANA zone and an optional blackout file (one
 * YYYY-MM-DD a line, blank lines and '#' comments skipped). */
#ifndef PUBLISH_CALENDAR_LOAD_H
#define PUBLISH_CALENDAR_LOAD_H
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "util/config.h"
#include "util/tz.h"

struct calendar_loaded {
	struct core_release_policy policy;	/* blackouts point into ... */
	int32_t		*blackouts;		/* ... this (malloc'd) */
	size_t		 nblackouts;
	struct util_tz	*zone;
};

/* Fills cl from cfg.  0, or -1 with a sentence in err (nothing to free). */
int	calendar_load(const struct config *, struct calendar_loaded *,
	    char *err, size_t errlen);
void	calendar_loaded_free(struct calendar_loaded *);
/* Today's civil day in the zone. */
int32_t	calendar_today(const struct util_tz *, int64_t now);
/* The UTC instant of window day `day' at the policy's local time; 0 or
 * -1. */
int	calendar_window_utc(const struct calendar_loaded *, int32_t day,
	    int64_t *utc);

#endif
