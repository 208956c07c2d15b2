/* report/period.c - report periods (see period.h). */
#include <stdio.h>
#include <string.h>

#include "report/period.h"

static const struct {
	const char	*name, *label;
} presets[PERIOD__MAX] = {
	[PERIOD_LAST_QUARTER] =		{ "last_quarter", "Last quarter" },
	[PERIOD_THIS_QUARTER] =		{ "this_quarter", "This quarter" },
	[PERIOD_LAST_90_DAYS] =		{ "last_90_days", "Last 90 days" },
	[PERIOD_LAST_12_MONTHS] =	{ "last_12_months", "Last 12 months" },
	[PERIOD_TWO_YEARS] =		{ "two_years", "Two years" },
};

static time_t
utc_midnight(int y, int m, int d)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return timegm(&tm);
}

void
report_ymd(char *out, size_t len, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d", &tm);
}

time_t
report_parse_day(const char *s)
{
	int y, m, d, n = 0;
	struct tm tm;
	time_t t;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	for (n = 0; n < 10; n++)
		if (n != 4 && n != 7 && (s[n] < '0' || s[n] > '9'))
			return -1;
	t = utc_midnight(y, m, d);
	gmtime_r(&t, &tm);
	if (tm.tm_mday != d || tm.tm_mon != m - 1)
		return -1;	/* 2026-02-30 */
	return t;
}

const char *
report_preset_name(enum report_preset p)
{
	return (unsigned)p < PERIOD__MAX ? presets[p].name : NULL;
}

const char *
report_preset_label(enum report_preset p)
{
	return (unsigned)p < PERIOD__MAX ? presets[p].label : NULL;
}

int
report_preset_parse(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < PERIOD__MAX; i++)
		if (strcmp(s, presets[i].name) == 0)
			return i;
	return -1;
}

void
report_preset_range(enum report_preset p, time_t now, time_t *from,
    time_t *to)
{
	struct tm tm;
	time_t tomorrow;
	int q, y;

	gmtime_r(&now, &tm);
	y = tm.tm_year + 1900;
	q = tm.tm_mon / 3;
	tomorrow = utc_midnight(y, tm.tm_mon + 1, tm.tm_mday) + 86400;
	switch (p) {
	case PERIOD_LAST_QUARTER:
		if (q == 0) {
			y--;
			q = 3;
		} else
			q--;
		*from = utc_midnight(y, q * 3 + 1, 1);
		*to = q == 3 ? utc_midnight(y + 1, 1, 1) :
		    utc_midnight(y, q * 3 + 4, 1);
		break;
	case PERIOD_THIS_QUARTER:
		*from = utc_midnight(y, q * 3 + 1, 1);
		*to = tomorrow;
		break;
	case PERIOD_LAST_90_DAYS:
	case PERIOD_LAST_12_MONTHS:
	case PERIOD_TWO_YEARS:
	default:
		*to = tomorrow;
		*from = tomorrow - (p == PERIOD_LAST_90_DAYS ? 90 :
		    p == PERIOD_LAST_12_MONTHS ? 365 : 730) * (time_t)86400;
		break;
	}
}
