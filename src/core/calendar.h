/* core/calendar.h - the release calendar: when security releases go out
 * and when their advance notice is due (STANDARDS.md section 9: Patch
 * Tuesday is the second Tuesday, ~10:00 Pacific; the advance notification
 * three business days before, the Thursday).
 *
 * Works on civil days only: a day is the number of days since 1970-01-01
 * in the proleptic Gregorian calendar (1970-01-01 is 0, 1969-12-31 is
 * -1), with no time zone.  The instant of a window is the caller's job:
 * util_tz_local_to_utc(zone, date of day, hour:minute), which handles
 * daylight-saving changes.  Pure: libc only, no I/O, no allocation, no
 * global state. */
#ifndef CORE_CALENDAR_H
#define CORE_CALENDAR_H
#include <stddef.h>
#include <stdint.h>

/* Returned by the functions giving a day when there is none. */
#define CORE_DAY_INVALID	INT32_MIN

/* Bit of weekday d (0 = Sunday .. 6 = Saturday) in a day mask. */
#define CORE_DAY_BIT(d)		(1u << (d))
#define CORE_DAYS_ALL		0x7fu

enum core_cadence {
	CADENCE_MONTHLY,	/* the nth weekday of every month */
	CADENCE_WEEKLY,		/* every weekly_days day */
	CADENCE__MAX
};

struct core_release_policy {
	enum core_cadence cadence;
	int		 nth;		/* monthly: 1..5, or -1 = last; a month
					 * without a 5th such day has no window */
	int		 weekday;	/* monthly: 0 = Sunday .. 6 */
	unsigned	 weekly_days;	/* weekly: CORE_DAY_BIT per weekday */
	unsigned	 allowed_days;	/* days a release may happen on */
	int		 hour, minute;	/* local time of the window */
	int		 advance_business_days;	/* 0..365 */
	const int32_t	*blackouts;	/* days, ascending (duplicates allowed) */
	size_t		 nblackouts;
};

/* Why a window is not on its scheduled day (bits of core_window.shifted). */
#define CORE_SHIFT_BLACKOUT	0x1	/* the scheduled day is a blackout */
#define CORE_SHIFT_WEEKDAY	0x2	/* its weekday is not allowed */
#define CORE_SHIFT_QUEUE	0x4	/* the previous window was moved onto
					 * or past it */

struct core_window {
	int32_t	day;		/* civil day of the release */
	int32_t	notice_day;	/* advance-notice day */
	int	shifted;	/* 0, or CORE_SHIFT_* bits */
	int32_t	scheduled;	/* the day the cadence gave */
};

/* Monthly on the second Tuesday, allowed Tuesday to Thursday, 10:00, three
 * business days of notice, no blackouts. */
void	core_release_policy_defaults(struct core_release_policy *);
/* NULL if the policy is usable, else what is wrong with it (a sentence). */
const char *core_calendar_policy_error(const struct core_release_policy *);

/*
 * Fills out with the first `count' release windows whose release day is
 * on or after from_day, in order; returns how many were written (fewer
 * only for an invalid policy, when no allowed non-blackout day exists
 * within 366 days after a scheduled day, or at the end of the calendar).
 *
 * Each scheduled day (from the cadence) becomes a window.  A window whose
 * day is a blackout or not an allowed weekday moves to the next allowed
 * day that is not a blackout.  Windows never merge and never swap: if a
 * window moved onto or past the next scheduled day, that next window
 * starts from the day after it (CORE_SHIFT_QUEUE) and so on, so every
 * scheduled release keeps its own, later, window.  With a weekly cadence
 * that uses every allowed day this pushes all later windows back one slot;
 * such a queue is followed from the scheduled days of the 366 days before
 * from_day, so results agree for any from_day unless a queue lasts more
 * than a year.  A window moved from before from_day onto or after it is
 * included.
 */
size_t	core_calendar_windows(const struct core_release_policy *,
	    int32_t from_day, size_t count, struct core_window *out);

/* The day advance_business_days business days before release_day, where a
 * business day is Monday to Friday and not a blackout (0 days: the
 * release day itself).  CORE_DAY_INVALID for an invalid policy. */
int32_t	core_calendar_notice(const struct core_release_policy *,
	    int32_t release_day);

/* Civil date of a day.  Always 0 (every int32_t day is a date). */
int	core_civil_from_days(int32_t day, int *y, int *m, int *d);
/* Day of y-m-d; CORE_DAY_INVALID unless m is 1..12, d within the month and
 * y within -1000000..1000000. */
int32_t	core_days_from_civil(int y, int m, int d);
/* 0 = Sunday .. 6 = Saturday. */
int	core_weekday(int32_t day);

/* Parsers: 0, or -1 leaving the output untouched.
 *   date:     exactly YYYY-MM-DD, a real date ("2026-02-29" fails);
 *   weekdays: a comma list of days or ranges, "tue,wed,thu", "Tue-Thu",
 *             "mon,wed-fri"; names of 3 letters or in full, any case; a
 *             range may wrap ("fri-mon"); spaces around items allowed;
 *   cadence:  "monthly:N:DAY" (N 1..5), "monthly:last:DAY",
 *             "weekly:DAYS" (DAYS as for weekdays); sets cadence, nth,
 *             weekday or weekly_days only;
 *   hhmm:     "H:MM" or "HH:MM", 00:00..23:59. */
int	core_parse_date(const char *, int32_t *);
int	core_parse_weekdays(const char *, unsigned *);
int	core_parse_cadence(const char *, struct core_release_policy *);
int	core_parse_hhmm(const char *, int *h, int *m);
/* "YYYY-MM-DD" into buf (11 bytes or more); -1 outside years 0..9999 or if
 * buf is too small. */
int	core_format_date(int32_t day, char *buf, size_t len);

#endif
