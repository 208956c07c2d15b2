/* report/period.h - the periods reports are asked for: days written
 * YYYY-MM-DD (UTC) and the preset periods (last quarter, ...).  Pure:
 * libc only. */
#ifndef REPORT_PERIOD_H
#define REPORT_PERIOD_H
#include <stddef.h>
#include <time.h>

/* t as "YYYY-MM-DD" (UTC) into out (at least 11 bytes). */
void		 report_ymd(char *out, size_t len, time_t t);
/* "YYYY-MM-DD" (a real date, years 1970..9999) as UTC midnight, or -1. */
time_t		 report_parse_day(const char *s);

enum report_preset {
	PERIOD_LAST_QUARTER,	/* the last full calendar quarter */
	PERIOD_THIS_QUARTER,	/* from its first day to today */
	PERIOD_LAST_90_DAYS,
	PERIOD_LAST_12_MONTHS,	/* 365 days */
	PERIOD_TWO_YEARS,	/* 730 days */
	PERIOD__MAX
};
/* "last_quarter", ...; "Last quarter", ...; NULL if out of range. */
const char	*report_preset_name(enum report_preset);
const char	*report_preset_label(enum report_preset);
int		 report_preset_parse(const char *s);	/* or -1 */
/* [*from, *to) of the preset at `now' (days in UTC; "today" included). */
void		 report_preset_range(enum report_preset, time_t now,
		    time_t *from, time_t *to);

#endif
