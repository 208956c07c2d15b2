/* core/calendar.c - see calendar.h.  The civil-date conversions are
 * Howard Hinnant's days_from_civil / civil_from_days (eras of 400 years,
 * March-based years), done in 64 bits. */
#include <stdint.h>
#include <string.h>

#include "calendar.h"

#define MAX_YEAR	1000000
/* Windows are computed only between these days (about years +-999000),
 * so the arithmetic below never nears the ends of int32_t. */
#define CAL_MIN		(-365000000)
#define CAL_MAX		365000000
#define LOOKBACK	366	/* days before from_day a queue is followed */
#define MAX_MOVE	366	/* days a window may move */

/* ---- civil dates ---- */

static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int64_t y, int m)
{
	static const int md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && is_leap(y) ? 29 : md[m - 1];
}

int32_t
core_days_from_civil(int y, int m, int d)
{
	int64_t yy = y, era, yoe, doy, doe;

	if (y < -MAX_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1 ||
	    d > month_days(y, m))
		return CORE_DAY_INVALID;
	yy -= m <= 2;
	era = floordiv(yy, 400);
	yoe = yy - era * 400;				/* 0..399 */
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;	/* 0..365 */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* 0..146096 */
	return (int32_t)(era * 146097 + doe - 719468);
}

int
core_civil_from_days(int32_t day, int *y, int *m, int *d)
{
	int64_t z = (int64_t)day + 719468, era, doe, yoe, doy, mp;

	era = floordiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
	return 0;
}

int
core_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday */
	return (int)((((int64_t)day % 7) + 7 + 4) % 7);
}

/* ---- the policy ---- */

void
core_release_policy_defaults(struct core_release_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->cadence = CADENCE_MONTHLY;
	p->nth = 2;
	p->weekday = 2;
	p->weekly_days = CORE_DAY_BIT(2);
	p->allowed_days = CORE_DAY_BIT(2) | CORE_DAY_BIT(3) | CORE_DAY_BIT(4);
	p->hour = 10;
	p->minute = 0;
	p->advance_business_days = 3;
}

const char *
core_calendar_policy_error(const struct core_release_policy *p)
{
	size_t i;

	switch (p->cadence) {
	case CADENCE_MONTHLY:
		if (!((p->nth >= 1 && p->nth <= 5) || p->nth == -1))
			return "The week of the month must be 1 to 5 or last.";
		if (p->weekday < 0 || p->weekday > 6)
			return "The weekday must be 0 (Sunday) to 6.";
		break;
	case CADENCE_WEEKLY:
		if (p->weekly_days == 0 || (p->weekly_days & ~CORE_DAYS_ALL))
			return "A weekly cadence needs at least one weekday.";
		break;
	default:
		return "Unknown cadence.";
	}
	if (p->allowed_days == 0 || (p->allowed_days & ~CORE_DAYS_ALL))
		return "At least one weekday must be allowed for releases.";
	if (p->hour < 0 || p->hour > 23 || p->minute < 0 || p->minute > 59)
		return "The release time must be 00:00 to 23:59.";
	if (p->advance_business_days < 0 || p->advance_business_days > 365)
		return "The advance notice must be 0 to 365 business days.";
	if (p->nblackouts > 0 && p->blackouts == NULL)
		return "Blackout days are missing.";
	for (i = 1; i < p->nblackouts; i++)
		if (p->blackouts[i] < p->blackouts[i - 1])
			return "Blackout days must be in ascending order.";
	return NULL;
}

static int
is_blackout(const struct core_release_policy *p, int32_t day)
{
	size_t lo = 0, hi = p->nblackouts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->blackouts[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->nblackouts && p->blackouts[lo] == day;
}

static int
is_allowed(const struct core_release_policy *p, int32_t day)
{
	return (p->allowed_days & CORE_DAY_BIT(core_weekday(day))) != 0;
}

/* The monthly window of year y, month m; CORE_DAY_INVALID if that month
 * has none (no 5th such weekday). */
static int32_t
month_window(const struct core_release_policy *p, int y, int m)
{
	int32_t first = core_days_from_civil(y, m, 1), day;
	int mdays = month_days(y, m);

	if (p->nth == -1) {
		int32_t last = first + mdays - 1;
		return last - (core_weekday(last) - p->weekday + 7) % 7;
	}
	day = first + (p->weekday - core_weekday(first) + 7) % 7 +
	    7 * (p->nth - 1);
	return day < first + mdays ? day : CORE_DAY_INVALID;
}

/* The first scheduled day on or after day; CORE_DAY_INVALID past CAL_MAX. */
static int32_t
scheduled_from(const struct core_release_policy *p, int32_t day)
{
	int y, m, d, i;
	int32_t w;

	if (day > CAL_MAX)
		return CORE_DAY_INVALID;
	if (p->cadence == CADENCE_WEEKLY) {
		for (i = 0; i < 7; i++, day++)
			if (p->weekly_days & CORE_DAY_BIT(core_weekday(day)))
				return day;
		return CORE_DAY_INVALID;	/* policy checked: unreachable */
	}
	core_civil_from_days(day, &y, &m, &d);
	/* Any weekday occurs a 5th time within 12 months. */
	for (i = 0; i < 14; i++) {
		w = month_window(p, y, m);
		if (w != CORE_DAY_INVALID && w >= day)
			return w;
		if (++m == 13) {
			m = 1;
			y++;
		}
	}
	return CORE_DAY_INVALID;
}

/* The first day on or after day that is allowed and not a blackout. */
static int32_t
settle(const struct core_release_policy *p, int32_t day)
{
	int i;

	for (i = 0; i <= MAX_MOVE; i++, day++)
		if (is_allowed(p, day) && !is_blackout(p, day))
			return day;
	return CORE_DAY_INVALID;
}

static int32_t
notice(const struct core_release_policy *p, int32_t day)
{
	int left = p->advance_business_days, wd;

	while (left > 0) {
		if (day <= CAL_MIN - 2 * MAX_MOVE)
			return CORE_DAY_INVALID;
		day--;
		wd = core_weekday(day);
		if (wd >= 1 && wd <= 5 && !is_blackout(p, day))
			left--;
	}
	return day;
}

int32_t
core_calendar_notice(const struct core_release_policy *p,
    int32_t release_day)
{
	if (core_calendar_policy_error(p) != NULL)
		return CORE_DAY_INVALID;
	return notice(p, release_day);
}

size_t
core_calendar_windows(const struct core_release_policy *p, int32_t from_day,
    size_t count, struct core_window *out)
{
	int32_t sched, day, prev = CORE_DAY_INVALID;
	size_t n = 0;
	int why;

	if (core_calendar_policy_error(p) != NULL || from_day < CAL_MIN ||
	    from_day > CAL_MAX)
		return 0;
	sched = scheduled_from(p, from_day - LOOKBACK);
	while (n < count && sched != CORE_DAY_INVALID) {
		why = 0;
		day = sched;
		if (prev != CORE_DAY_INVALID && day <= prev) {
			why |= CORE_SHIFT_QUEUE;
			day = prev + 1;
		} else {
			if (is_blackout(p, day))
				why |= CORE_SHIFT_BLACKOUT;
			if (!is_allowed(p, day))
				why |= CORE_SHIFT_WEEKDAY;
		}
		if ((day = settle(p, day)) == CORE_DAY_INVALID)
			break;
		if (day >= from_day) {
			out[n].day = day;
			out[n].notice_day = notice(p, day);
			out[n].shifted = why;
			out[n].scheduled = sched;
			n++;
		}
		prev = day;
		sched = scheduled_from(p, sched + 1);
	}
	return n;
}

/* ---- parsers ---- */

static const char *const day_names[7] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday",
};

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
is_alpha(int c)
{
	c = lower(c);
	return c >= 'a' && c <= 'z';
}

/* A day name at *pp (3 letters or the full name); advances past it. */
static int
parse_dayname(const char **pp, int *wd)
{
	const char *p = *pp;
	size_t n = 0, i, j;

	while (is_alpha(p[n]))
		n++;
	for (i = 0; i < 7; i++) {
		if (n != 3 && n != strlen(day_names[i]))
			continue;
		for (j = 0; j < n && lower(p[j]) == day_names[i][j]; j++)
			;
		if (j == n) {
			*wd = (int)i;
			*pp = p + n;
			return 0;
		}
	}
	return -1;
}

static const char *
skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int
core_parse_weekdays(const char *p, unsigned *out)
{
	unsigned mask = 0;
	int a, b;

	for (;;) {
		p = skip_blank(p);
		if (parse_dayname(&p, &a) == -1)
			return -1;
		b = a;
		p = skip_blank(p);
		if (*p == '-') {
			p = skip_blank(p + 1);
			if (parse_dayname(&p, &b) == -1)
				return -1;
			p = skip_blank(p);
		}
		for (;;) {
			mask |= CORE_DAY_BIT(a);
			if (a == b)
				break;
			a = (a + 1) % 7;
		}
		if (*p == '\0')
			break;
		if (*p++ != ',')
			return -1;
	}
	*out = mask;
	return 0;
}

static int
prefix_ci(const char *s, const char *word)
{
	size_t i;

	for (i = 0; word[i] != '\0'; i++)
		if (lower(s[i]) != word[i])
			return 0;
	return 1;
}

int
core_parse_cadence(const char *s, struct core_release_policy *p)
{
	const char *q;
	unsigned days;
	int nth, wd;

	if (prefix_ci(s, "weekly:")) {
		if (core_parse_weekdays(s + 7, &days) == -1)
			return -1;
		p->cadence = CADENCE_WEEKLY;
		p->weekly_days = days;
		return 0;
	}
	if (!prefix_ci(s, "monthly:"))
		return -1;
	q = s + 8;
	if (prefix_ci(q, "last:")) {
		nth = -1;
		q += 5;
	} else if (q[0] >= '1' && q[0] <= '5' && q[1] == ':') {
		nth = q[0] - '0';
		q += 2;
	} else
		return -1;
	if (parse_dayname(&q, &wd) == -1 || *q != '\0')
		return -1;
	p->cadence = CADENCE_MONTHLY;
	p->nth = nth;
	p->weekday = wd;
	return 0;
}

static int
digit(int c)
{
	return c >= '0' && c <= '9';
}

int
core_parse_hhmm(const char *s, int *h, int *m)
{
	int hh, mm;

	if (!digit(s[0]))
		return -1;
	hh = s[0] - '0';
	s++;
	if (digit(s[0])) {
		hh = hh * 10 + s[0] - '0';
		s++;
	}
	if (s[0] != ':' || !digit(s[1]) || !digit(s[2]) || s[3] != '\0')
		return -1;
	mm = (s[1] - '0') * 10 + s[2] - '0';
	if (hh > 23 || mm > 59)
		return -1;
	*h = hh;
	*m = mm;
	return 0;
}

int
core_parse_date(const char *s, int32_t *out)
{
	int i, v[3] = { 0, 0, 0 };
	static const int pos[10] = { 0, 0, 0, 0, -1, 1, 1, -1, 2, 2 };
	int32_t day;

	for (i = 0; i < 10; i++) {
		if (pos[i] == -1) {
			if (s[i] != '-')
				return -1;
		} else if (digit(s[i]))
			v[pos[i]] = v[pos[i]] * 10 + s[i] - '0';
		else
			return -1;
	}
	if (s[10] != '\0')
		return -1;
	if ((day = core_days_from_civil(v[0], v[1], v[2])) == CORE_DAY_INVALID)
		return -1;
	*out = day;
	return 0;
}

int
core_format_date(int32_t day, char *buf, size_t len)
{
	int y, m, d, i;
	char tmp[11];

	core_civil_from_days(day, &y, &m, &d);
	if (y < 0 || y > 9999 || len < sizeof(tmp))
		return -1;
	for (i = 3; i >= 0; i--, y /= 10)
		tmp[i] = (char)('0' + y % 10);
	tmp[4] = '-';
	tmp[5] = (char)('0' + m / 10);
	tmp[6] = (char)('0' + m % 10);
	tmp[7] = '-';
	tmp[8] = (char)('0' + d / 10);
	tmp[9] = (char)('0' + d % 10);
	tmp[10] = '\0';
	memcpy(buf, tmp, sizeof(tmp));
	return 0;
}
