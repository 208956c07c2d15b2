/* util/tz.h - IANA time zones from the system's TZif files, without TZ,
 * tzset() or any other global state: a zone is an object, loaded once and
 * then read from any number of threads.
 *
 * The reader takes TZif version 1 to 4 (RFC 8536).  For version 2 and up
 * it reads only the 64-bit section and the footer: a POSIX TZ string
 * (std offset [dst [offset] [,start[/time],end[/time]]], dates Mm.w.d, Jn
 * or n, times up to +-167 hours as RFC 8536 allows) that gives local time
 * after the last transition in the table.  Instants before the first
 * transition use time type 0.  Zones with leap-second records (right/...)
 * are refused.
 *
 * Offsets are seconds east of UTC (Los Angeles in winter: -28800), and
 * instants are seconds since 1970-01-01T00:00:00Z, without leap seconds. */
#ifndef UTIL_TZ_H
#define UTIL_TZ_H
#include <stddef.h>
#include <stdint.h>

/* Where util_tz_load() looks. */
#define UTIL_TZ_DIR	"/usr/share/zoneinfo"

struct util_tz;

/* Loads the zone `name' ("America/Los_Angeles") from UTIL_TZ_DIR.  The
 * name must be 1..255 characters of [A-Za-z0-9_+-/], with no leading,
 * trailing or doubled '/' (so no "..", no absolute path).  Returns NULL
 * with a message in err (naming the zone) when the name is refused, the
 * file is missing or it is not a valid TZif file. */
struct util_tz	*util_tz_load(const char *name, char *err, size_t errlen);
/* The same from another folder (tests, a bundled tzdata); dir is trusted,
 * name is checked as above. */
struct util_tz	*util_tz_load_from(const char *dir, const char *name,
		    char *err, size_t errlen);
/* A zone from a POSIX TZ string alone ("CET-1CEST,M3.5.0,M10.5.0/3").  A
 * string with a DST name but no rule gets the US rule M3.2.0,M11.1.0, as
 * glibc does.  NULL with a message on a malformed string. */
struct util_tz	*util_tz_posix(const char *spec, char *err, size_t errlen);
/* NULL is a no-op. */
void		 util_tz_free(struct util_tz *);

/* The offset in force at the instant utc.  0, or -1 if utc is outside
 * years -1000000..1000000. */
int	util_tz_offset_at(const struct util_tz *, int64_t utc, int *offset);

/* The instant at which the wall clock in the zone reads y-mo-d h:mi:00,
 * and the offset in force then.
 *   - In a gap (the clock jumps forward), the time moves forward by the
 *     length of the gap: 02:30 on the US spring-forward day is 03:30
 *     daylight time (the instant 02:30 standard time would be).
 *   - An ambiguous time (the clock goes back) is its first occurrence,
 *     i.e. the earlier instant: 01:30 on the US fall-back day is 01:30
 *     daylight time.
 * Returns 0, or -1 for an invalid date or time (month 1..12, day within
 * the month, hour 0..23, minute 0..59, year -1000000..1000000). */
int	util_tz_local_to_utc(const struct util_tz *, int y, int mo, int d,
	    int h, int mi, int64_t *utc, int *offset_seconds);

#endif
