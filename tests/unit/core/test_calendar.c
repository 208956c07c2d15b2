/* tests/unit/core/test_calendar.c - the release calendar.
 *
 * Expected days come from a naive day counter and a Zeller's-congruence
 * weekday written here (not from calendar.c), plus real Patch Tuesdays
 * (STANDARDS.md section 9).  Window instants across daylight-saving
 * changes go through util/tz (America/Los_Angeles, Europe/Berlin) the way
 * `vigil calendar' does. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/calendar.h"
#include "util/tz.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define SUN	0
#define MON	1
#define TUE	2
#define WED	3
#define THU	4
#define FRI	5
#define SAT	6
#define BIT(d)	(1u << (d))

/* ---- independent references ---- */

static int
ref_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
ref_mdays(int y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };
	return m == 2 && ref_leap(y) ? 29 : md[m - 1];
}

/* Days since 1970-01-01 by counting years and months (y >= 1). */
static int32_t
D(int y, int m, int d)
{
	int32_t n = 0;
	int i;

	for (i = 1970; i < y; i++)
		n += ref_leap(i) ? 366 : 365;
	for (i = y; i < 1970; i++)
		n -= ref_leap(i) ? 366 : 365;
	for (i = 1; i < m; i++)
		n += ref_mdays(y, i);
	return n + d - 1;
}

/* Zeller's congruence, 0 = Sunday. */
static int
ref_weekday(int y, int m, int d)
{
	int k, j, h;

	if (m < 3) {
		m += 12;
		y--;
	}
	k = y % 100;
	j = y / 100;
	h = (d + 13 * (m + 1) / 5 + k + k / 4 + j / 4 + 5 * j) % 7;
	return (h + 6) % 7;
}

static const char *
ds(int32_t day)
{
	static char buf[4][16];
	static int i;

	i = (i + 1) % 4;
	if (core_format_date(day, buf[i], sizeof(buf[i])) == -1)
		snprintf(buf[i], sizeof(buf[i]), "day %ld", (long)day);
	return buf[i];
}

#define assert_day(got, want) do {					\
	int32_t g_ = (got), w_ = (want);				\
	if (g_ != w_)							\
		fail_msg("%s:%d: got %s, want %s", __FILE__, __LINE__,	\
		    ds(g_), ds(w_));					\
} while (0)

/* ---- civil dates ---- */

static void
test_civil(void **state)
{
	static const struct { int y, m, d; int32_t day; int wd; } known[] = {
		{ 1970, 1, 1, 0, THU }, { 1969, 12, 31, -1, WED },
		{ 2000, 2, 29, 11016, TUE }, { 2000, 3, 1, 11017, WED },
		{ 1900, 3, 1, -25508, THU }, { 2026, 12, 8, 20795, TUE },
		{ 2038, 1, 19, 24855, TUE }, { 1, 1, 1, -719162, MON },
		{ 0, 3, 1, -719468, WED }, { 9999, 12, 31, 2932896, FRI },
		{ 2100, 3, 1, 47541, MON },
	};
	int32_t day;
	int y, m, d;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(known); i++) {
		assert_day(core_days_from_civil(known[i].y, known[i].m,
		    known[i].d), known[i].day);
		assert_int_equal(core_civil_from_days(known[i].day, &y, &m, &d),
		    0);
		assert_int_equal(y, known[i].y);
		assert_int_equal(m, known[i].m);
		assert_int_equal(d, known[i].d);
		assert_int_equal(core_weekday(known[i].day), known[i].wd);
	}
	/* every day 1600..2400 against the references, and back */
	for (y = 1600; y <= 2400; y++)
		for (m = 1; m <= 12; m++)
			for (d = 1; d <= ref_mdays(y, m); d++) {
				int y2, m2, d2;
				day = core_days_from_civil(y, m, d);
				if (day != D(y, m, d))
					fail_msg("%04d-%02d-%02d", y, m, d);
				core_civil_from_days(day, &y2, &m2, &d2);
				assert_true(y2 == y && m2 == m && d2 == d);
				assert_int_equal(core_weekday(day),
				    ref_weekday(y, m, d));
			}
	/* whole int32_t range: round trip, weekday steps by one */
	for (day = INT32_MIN; day < INT32_MAX - 9999999; day += 9999991) {
		core_civil_from_days(day, &y, &m, &d);
		if (y >= -1000000 && y <= 1000000)
			assert_day(core_days_from_civil(y, m, d), day);
		assert_int_equal(core_weekday(day + 1),
		    (core_weekday(day) + 1) % 7);
	}
	/* invalid dates */
	assert_day(core_days_from_civil(2026, 2, 29), CORE_DAY_INVALID);
	assert_day(core_days_from_civil(2100, 2, 29), CORE_DAY_INVALID);
	assert_day(core_days_from_civil(2026, 4, 31), CORE_DAY_INVALID);
	assert_day(core_days_from_civil(2026, 0, 1), CORE_DAY_INVALID);
	assert_day(core_days_from_civil(2026, 13, 1), CORE_DAY_INVALID);
	assert_day(core_days_from_civil(2026, 1, 0), CORE_DAY_INVALID);
	assert_day(core_days_from_civil(1000001, 1, 1), CORE_DAY_INVALID);
	assert_day(core_days_from_civil(-1000001, 1, 1), CORE_DAY_INVALID);
}

/* ---- Patch Tuesday ---- */

static void
policy(struct core_release_policy *p)
{
	core_release_policy_defaults(p);
}

/* The default policy is Patch Tuesday: every window of 2024..2030 is the
 * Tuesday among days 8..14, unshifted, with notice on the Thursday
 * before. */
static void
test_second_tuesday_2024_2030(void **state)
{
	struct core_release_policy p;
	struct core_window w[84];
	int y, m, d, i = 0;

	(void)state;
	policy(&p);
	assert_int_equal(core_calendar_windows(&p, D(2024, 1, 1), 84, w), 84);
	for (y = 2024; y <= 2030; y++)
		for (m = 1; m <= 12; m++, i++) {
			for (d = 8; d <= 14; d++)
				if (ref_weekday(y, m, d) == TUE)
					break;
			assert_true(d <= 14);
			assert_day(w[i].day, D(y, m, d));
			assert_day(w[i].scheduled, D(y, m, d));
			assert_int_equal(w[i].shifted, 0);
			assert_day(w[i].notice_day, D(y, m, d) - 5);
			assert_int_equal(ref_weekday(y, m, d - 5), THU);
		}
}

static void
test_known_patch_tuesdays(void **state)
{
	static const struct { int y, m, d; } known[] = {
		{ 2024, 1, 9 }, { 2024, 2, 13 }, { 2024, 10, 8 },
		{ 2024, 12, 10 }, { 2025, 1, 14 }, { 2025, 3, 11 },
		{ 2025, 10, 14 }, { 2025, 12, 9 }, { 2026, 1, 13 },
		{ 2026, 3, 10 }, { 2026, 11, 10 }, { 2026, 12, 8 },
		{ 2027, 6, 8 }, { 2030, 10, 8 },
	};
	struct core_release_policy p;
	struct core_window w;
	size_t i;

	(void)state;
	policy(&p);
	for (i = 0; i < NELEM(known); i++) {
		int32_t day = D(known[i].y, known[i].m, known[i].d);
		/* from the first of the month, and from the day itself */
		assert_int_equal(core_calendar_windows(&p,
		    D(known[i].y, known[i].m, 1), 1, &w), 1);
		assert_day(w.day, day);
		assert_int_equal(core_calendar_windows(&p, day, 1, &w), 1);
		assert_day(w.day, day);
		/* the day after: next month's */
		assert_int_equal(core_calendar_windows(&p, day + 1, 1, &w), 1);
		assert_true(w.day > day + 20);
	}
	/* STANDARDS.md 9: advance notice three business days before, the
	 * Thursday */
	assert_day(core_calendar_notice(&p, D(2026, 12, 8)), D(2026, 12, 3));
	assert_int_equal(ref_weekday(2026, 12, 3), THU);
}

/* Dec -> Jan: the next window after the December one is in January. */
static void
test_year_rollover(void **state)
{
	struct core_release_policy p;
	struct core_window w[3];

	(void)state;
	policy(&p);
	assert_int_equal(core_calendar_windows(&p, D(2026, 12, 9), 3, w), 3);
	assert_day(w[0].day, D(2027, 1, 12));
	assert_day(w[0].notice_day, D(2027, 1, 7));
	assert_day(w[1].day, D(2027, 2, 9));
	assert_day(w[2].day, D(2027, 3, 9));
	/* a notice that falls in the previous year: Tue 2030-01-01 */
	p.cadence = CADENCE_MONTHLY;
	p.nth = 1;
	p.weekday = TUE;
	assert_int_equal(core_calendar_windows(&p, D(2029, 12, 5), 1, w), 1);
	assert_day(w[0].day, D(2030, 1, 1));
	assert_day(w[0].notice_day, D(2029, 12, 27));
}

/* ---- other cadences ---- */

struct cadence_case {
	const char	*cadence;
	unsigned	 allowed;
	int32_t		 from;
	int32_t		 want[12];
	int		 shifted[12];
};

static void
run_cadence(const struct cadence_case *c, size_t n)
{
	struct core_release_policy p;
	struct core_window w[12];
	size_t i, k, cnt;

	for (i = 0; i < n; i++) {
		policy(&p);
		assert_int_equal(core_parse_cadence(c[i].cadence, &p), 0);
		if (c[i].allowed)
			p.allowed_days = c[i].allowed;
		for (cnt = 0; cnt < 12 && c[i].want[cnt] != 0; cnt++)
			;
		assert_int_equal(core_calendar_windows(&p, c[i].from, cnt, w),
		    cnt);
		for (k = 0; k < cnt; k++) {
			if (w[k].day != c[i].want[k] ||
			    w[k].shifted != c[i].shifted[k])
				fail_msg("%s #%zu: got %s/%d, want %s/%d",
				    c[i].cadence, k, ds(w[k].day),
				    w[k].shifted, ds(c[i].want[k]),
				    c[i].shifted[k]);
		}
	}
}

#define WK	CORE_SHIFT_WEEKDAY

static void
test_cadences(void **state)
{
	const struct cadence_case c[] = {
		{ "monthly:last:wed", 0, D(2026, 1, 1), {
		    D(2026, 1, 28), D(2026, 2, 25), D(2026, 3, 25),
		    D(2026, 4, 29), D(2026, 5, 27), D(2026, 6, 24),
		    D(2026, 7, 29), D(2026, 8, 26), D(2026, 9, 30),
		    D(2026, 10, 28), D(2026, 11, 25), D(2026, 12, 30) },
		    { 0 } },
		/* the last Friday is not an allowed day: next Tuesday */
		{ "monthly:last:fri", 0, D(2026, 1, 1), {
		    D(2026, 2, 3), D(2026, 3, 3), D(2026, 3, 31),
		    D(2026, 4, 28), D(2026, 6, 2), D(2026, 6, 30) },
		    { WK, WK, WK, WK, WK, WK } },
		{ "monthly:last:fri", BIT(FRI), D(2026, 10, 1), {
		    D(2026, 10, 30), D(2026, 11, 27), D(2026, 12, 25),
		    D(2027, 1, 29) }, { 0 } },
		/* months without a fifth Tuesday have no window */
		{ "monthly:5:tue", 0, D(2026, 1, 1), {
		    D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 29),
		    D(2026, 12, 29) }, { 0 } },
		{ "monthly:1:thu", 0, D(2026, 1, 1), {
		    D(2026, 1, 1), D(2026, 2, 5), D(2026, 3, 5) }, { 0 } },
		{ "weekly:tue,thu", 0, D(2026, 2, 26), {
		    D(2026, 2, 26), D(2026, 3, 3), D(2026, 3, 5),
		    D(2026, 3, 10), D(2026, 3, 12) }, { 0 } },
		{ "weekly:Wed", 0, D(2026, 12, 28), {
		    D(2026, 12, 30), D(2027, 1, 6), D(2027, 1, 13) },
		    { 0 } },
		/* a Monday release moves to Tuesday; Tuesday's then queues
		 * behind it */
		{ "weekly:mon,tue", 0, D(2026, 3, 2), {
		    D(2026, 3, 3), D(2026, 3, 4), D(2026, 3, 10),
		    D(2026, 3, 11) },
		    { WK, CORE_SHIFT_QUEUE, WK, CORE_SHIFT_QUEUE } },
	};

	(void)state;
	run_cadence(c, NELEM(c));
}

/* ---- blackouts ---- */

static void
test_blackout_shift(void **state)
{
	struct core_release_policy p;
	struct core_window w[4];
	int32_t one[] = { D(2026, 12, 8) };
	int32_t week[] = { D(2026, 12, 8), D(2026, 12, 9), D(2026, 12, 10) };
	int32_t freeze[60];
	size_t i;

	(void)state;
	policy(&p);
	p.blackouts = one;
	p.nblackouts = 1;
	assert_int_equal(core_calendar_windows(&p, D(2026, 11, 20), 2, w), 2);
	assert_day(w[0].day, D(2026, 12, 9));
	assert_day(w[0].scheduled, D(2026, 12, 8));
	assert_int_equal(w[0].shifted, CORE_SHIFT_BLACKOUT);
	/* notice for Wed 12-09: Tue 12-08 is a blackout, so Mon, Fri, Thu */
	assert_day(w[0].notice_day, D(2026, 12, 3));
	assert_day(w[1].day, D(2027, 1, 12));
	assert_int_equal(w[1].shifted, 0);
	/* asked from the blackout day or the day after: still listed */
	assert_int_equal(core_calendar_windows(&p, D(2026, 12, 8), 1, w), 1);
	assert_day(w[0].day, D(2026, 12, 9));
	assert_int_equal(core_calendar_windows(&p, D(2026, 12, 9), 1, w), 1);
	assert_day(w[0].day, D(2026, 12, 9));
	assert_int_equal(core_calendar_windows(&p, D(2026, 12, 10), 1, w), 1);
	assert_day(w[0].day, D(2027, 1, 12));

	/* the whole mid-week blacked out: the next Tuesday */
	p.blackouts = week;
	p.nblackouts = NELEM(week);
	assert_int_equal(core_calendar_windows(&p, D(2026, 12, 1), 1, w), 1);
	assert_day(w[0].day, D(2026, 12, 15));
	assert_int_equal(w[0].shifted, CORE_SHIFT_BLACKOUT);
	assert_day(w[0].notice_day, D(2026, 12, 7));

	/* a freeze 2026-12-01 .. 2027-01-15 (Fri): December's window goes
	 * to Tue 01-19, January's (01-12) queues behind it on Wed 01-20;
	 * both are listed from 2027-01-01, and the same from 2026-11-01 */
	for (i = 0; i < 46; i++)
		freeze[i] = D(2026, 12, 1) + (int32_t)i;
	assert_day(freeze[45], D(2027, 1, 15));
	p.blackouts = freeze;
	p.nblackouts = 46;
	assert_int_equal(core_calendar_windows(&p, D(2027, 1, 1), 3, w), 3);
	assert_day(w[0].day, D(2027, 1, 19));
	assert_day(w[0].scheduled, D(2026, 12, 8));
	assert_int_equal(w[0].shifted, CORE_SHIFT_BLACKOUT);
	assert_day(w[1].day, D(2027, 1, 20));
	assert_day(w[1].scheduled, D(2027, 1, 12));
	assert_int_equal(w[1].shifted, CORE_SHIFT_QUEUE);
	assert_day(w[2].day, D(2027, 2, 9));
	assert_int_equal(w[2].shifted, 0);
	/* notices skip the freeze: for Tue 01-19, Mon 01-18, then back to
	 * Mon 11-30 and Fri 11-27 */
	assert_day(w[0].notice_day, D(2026, 11, 27));
	assert_day(w[1].notice_day, D(2026, 11, 30));
	assert_int_equal(core_calendar_windows(&p, D(2026, 11, 1), 4, w), 4);
	assert_day(w[0].day, D(2026, 11, 10));
	assert_day(w[1].day, D(2027, 1, 19));
	assert_day(w[2].day, D(2027, 1, 20));
	assert_day(w[3].day, D(2027, 2, 9));
}

/* Windows never collapse: three scheduled days a week on the only three
 * allowed days, with one blackout, queue up and stay in order. */
static void
test_queue_in_order(void **state)
{
	struct core_release_policy p;
	struct core_window w[6];
	int32_t b[] = { D(2026, 3, 10) };
	size_t i;

	(void)state;
	policy(&p);
	assert_int_equal(core_parse_cadence("weekly:tue-thu", &p), 0);
	p.blackouts = b;
	p.nblackouts = 1;
	assert_int_equal(core_calendar_windows(&p, D(2026, 3, 9), 6, w), 6);
	assert_day(w[0].day, D(2026, 3, 11));
	assert_int_equal(w[0].shifted, CORE_SHIFT_BLACKOUT);
	assert_day(w[1].day, D(2026, 3, 12));
	assert_day(w[1].scheduled, D(2026, 3, 11));
	assert_int_equal(w[1].shifted, CORE_SHIFT_QUEUE);
	assert_day(w[2].day, D(2026, 3, 17));
	assert_day(w[2].scheduled, D(2026, 3, 12));
	for (i = 1; i < 6; i++) {
		assert_true(w[i].day > w[i - 1].day);
		assert_true(w[i].scheduled > w[i - 1].scheduled);
		assert_true(w[i].day >= w[i].scheduled);
	}
}

/* No allowed day that is not a blackout within 366 days: fewer windows. */
static void
test_no_room(void **state)
{
	struct core_release_policy p;
	struct core_window w[3];
	int32_t b[400];
	size_t i;

	(void)state;
	policy(&p);
	for (i = 0; i < NELEM(b); i++)
		b[i] = D(2026, 1, 1) + (int32_t)i;
	p.blackouts = b;
	p.nblackouts = NELEM(b);
	assert_int_equal(core_calendar_windows(&p, D(2026, 1, 1), 3, w), 0);
	/* before the long blackout: the windows up to it only */
	assert_int_equal(core_calendar_windows(&p, D(2025, 11, 1), 3, w), 2);
	assert_day(w[0].day, D(2025, 11, 11));
	assert_day(w[1].day, D(2025, 12, 9));
}

/* ---- advance notice ---- */

static void
test_notice(void **state)
{
	const struct {
		int	days;
		int32_t	release, want;
	} c[] = {
		{ 3, D(2026, 12, 8), D(2026, 12, 3) },	/* Tue -> Thu */
		{ 3, D(2026, 12, 10), D(2026, 12, 7) },	/* Thu -> Mon */
		{ 3, D(2026, 12, 9), D(2026, 12, 4) },	/* Wed -> Fri */
		{ 0, D(2026, 12, 8), D(2026, 12, 8) },
		{ 1, D(2026, 12, 7), D(2026, 12, 4) },	/* Mon -> Fri */
		{ 1, D(2026, 12, 6), D(2026, 12, 4) },	/* Sun -> Fri */
		{ 5, D(2026, 12, 8), D(2026, 12, 1) },
		/* 10 back from 12-08 skips the Thanksgiving blackouts */
		{ 10, D(2026, 12, 8), D(2026, 11, 20) },
		/* Thanksgiving 11-26 and 11-27 are blackouts */
		{ 3, D(2026, 12, 1), D(2026, 11, 24) },
		{ 1, D(2026, 11, 30), D(2026, 11, 25) },
		/* 01-01 and 12-31 are blackouts: Mon 01-04, Wed, Tue */
		{ 3, D(2027, 1, 5), D(2026, 12, 29) },
		/* 12-24 and 12-25 too: Mon 12-28, Wed 12-23, Tue 12-22 */
		{ 3, D(2026, 12, 29), D(2026, 12, 22) },
		{ 3, D(2027, 1, 12), D(2027, 1, 7) },
	};
	int32_t hol[] = { D(2026, 11, 26), D(2026, 11, 27), D(2026, 12, 24),
	    D(2026, 12, 25), D(2026, 12, 31), D(2027, 1, 1) };
	struct core_release_policy p;
	size_t i;

	(void)state;
	policy(&p);
	p.blackouts = hol;
	p.nblackouts = NELEM(hol);
	for (i = 0; i < NELEM(c); i++) {
		p.advance_business_days = c[i].days;
		if (core_calendar_notice(&p, c[i].release) != c[i].want)
			fail_msg("case %zu: %d days before %s: got %s, want %s",
			    i, c[i].days, ds(c[i].release),
			    ds(core_calendar_notice(&p, c[i].release)),
			    ds(c[i].want));
	}
	/* 12-28 Mon, 12-29 Tue, 12-30 Wed count; 12-31, 01-01 do not */
	p.advance_business_days = 3;
	assert_day(core_calendar_notice(&p, D(2027, 1, 4)), D(2026, 12, 28));
}

/* ---- daylight saving ---- */

struct instant_case {
	const char	*zone;
	const char	*cadence;
	unsigned	 allowed;
	int		 hour, minute;
	int32_t		 from;
	int32_t		 block;		/* one blackout day, or 0 */
	int32_t		 day;		/* the first window */
	int64_t		 utc;
	int		 offset;
};

static void
test_dst_windows(void **state)
{
	const struct instant_case c[] = {
		/* Patch Tuesday 10:00 Pacific: 18:00Z in winter, 17:00Z in
		 * summer (STANDARDS.md 9) */
		{ "America/Los_Angeles", "monthly:2:tue", 0, 10, 0,
		    D(2025, 1, 1), 0, D(2025, 1, 14), 1736877600, -28800 },
		{ "America/Los_Angeles", "monthly:2:tue", 0, 10, 0,
		    D(2025, 3, 1), 0, D(2025, 3, 11), 1741712400, -25200 },
		{ "America/Los_Angeles", "monthly:2:tue", 0, 10, 0,
		    D(2026, 2, 1), 0, D(2026, 2, 10), 1770746400, -28800 },
		{ "America/Los_Angeles", "monthly:2:tue", 0, 10, 0,
		    D(2026, 3, 1), 0, D(2026, 3, 10), 1773162000, -25200 },
		{ "America/Los_Angeles", "monthly:2:tue", 0, 10, 0,
		    D(2026, 10, 1), 0, D(2026, 10, 13), 1791910800, -25200 },
		{ "America/Los_Angeles", "monthly:2:tue", 0, 10, 0,
		    D(2026, 11, 1), 0, D(2026, 11, 10), 1794333600, -28800 },
		/* weekly Tuesdays on both sides of 03-08 and 11-01 */
		{ "America/Los_Angeles", "weekly:tue", 0, 10, 0,
		    D(2026, 3, 2), 0, D(2026, 3, 3), 1772560800, -28800 },
		{ "America/Los_Angeles", "weekly:tue", 0, 10, 0,
		    D(2026, 3, 4), 0, D(2026, 3, 10), 1773162000, -25200 },
		{ "America/Los_Angeles", "weekly:tue", 0, 10, 0,
		    D(2026, 10, 26), 0, D(2026, 10, 27), 1793120400, -25200 },
		{ "America/Los_Angeles", "weekly:tue", 0, 10, 0,
		    D(2026, 10, 28), 0, D(2026, 11, 3), 1793728800, -28800 },
		/* Berlin: 10:00 is 09:00Z (CET) or 08:00Z (CEST) */
		{ "Europe/Berlin", "weekly:tue", 0, 10, 0,
		    D(2026, 3, 24), 0, D(2026, 3, 24), 1774342800, 3600 },
		{ "Europe/Berlin", "weekly:tue", 0, 10, 0,
		    D(2026, 3, 25), 0, D(2026, 3, 31), 1774944000, 7200 },
		{ "Europe/Berlin", "weekly:tue", 0, 10, 0,
		    D(2026, 10, 20), 0, D(2026, 10, 20), 1792483200, 7200 },
		{ "Europe/Berlin", "weekly:tue", 0, 10, 0,
		    D(2026, 10, 21), 0, D(2026, 10, 27), 1793091600, 3600 },
		/* on the change days themselves (Sundays allowed) */
		{ "America/Los_Angeles", "weekly:sun", BIT(SUN), 10, 0,
		    D(2026, 3, 8), 0, D(2026, 3, 8), 1772989200, -25200 },
		{ "America/Los_Angeles", "weekly:sun", BIT(SUN), 10, 0,
		    D(2026, 11, 1), 0, D(2026, 11, 1), 1793556000, -28800 },
		/* 02:30 does not exist on 03-08: 03:30 PDT */
		{ "America/Los_Angeles", "weekly:sun", BIT(SUN), 2, 30,
		    D(2026, 3, 8), 0, D(2026, 3, 8), 1772965800, -25200 },
		/* 01:30 happens twice on 11-01: the first, PDT */
		{ "America/Los_Angeles", "weekly:sun", BIT(SUN), 1, 30,
		    D(2026, 11, 1), 0, D(2026, 11, 1), 1793521800, -25200 },
		{ "Europe/Berlin", "weekly:sun", BIT(SUN), 2, 30,
		    D(2026, 10, 25), 0, D(2026, 10, 25), 1792888200, 7200 },
		{ "Europe/Berlin", "weekly:sun", BIT(SUN), 2, 30,
		    D(2026, 3, 29), 0, D(2026, 3, 29), 1774747800, 7200 },
		/* a blackout on Saturday 10-31 moves the window onto the
		 * fall-back day; 01:30 there is the first (PDT) one */
		{ "America/Los_Angeles", "weekly:sat", BIT(SAT) | BIT(SUN),
		    1, 30, D(2026, 10, 30), D(2026, 10, 31), D(2026, 11, 1),
		    1793521800, -25200 },
		/* a blackout on the fall-back day moves the window to Monday,
		 * in standard time */
		{ "America/Los_Angeles", "weekly:sun", BIT(SUN) | BIT(MON),
		    1, 30, D(2026, 10, 30), D(2026, 11, 1), D(2026, 11, 2),
		    1793611800, -28800 },
		{ "Europe/Berlin", "weekly:sun", BIT(SUN) | BIT(MON),
		    10, 0, D(2026, 10, 24), D(2026, 10, 25), D(2026, 10, 26),
		    1793005200, 3600 },
	};
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(c); i++) {
		struct core_release_policy p;
		struct core_window w;
		struct util_tz *z = util_tz_load(c[i].zone, err, sizeof(err));
		int y, m, d, off;
		int64_t utc;

		if (z == NULL)
			fail_msg("%s", err);
		policy(&p);
		assert_int_equal(core_parse_cadence(c[i].cadence, &p), 0);
		if (c[i].allowed)
			p.allowed_days = c[i].allowed;
		p.hour = c[i].hour;
		p.minute = c[i].minute;
		if (c[i].block) {
			p.blackouts = &c[i].block;
			p.nblackouts = 1;
		}
		assert_int_equal(core_calendar_windows(&p, c[i].from, 1, &w),
		    1);
		assert_day(w.day, c[i].day);
		assert_int_equal(w.shifted, c[i].block ?
		    CORE_SHIFT_BLACKOUT : 0);
		core_civil_from_days(w.day, &y, &m, &d);
		assert_int_equal(util_tz_local_to_utc(z, y, m, d, p.hour,
		    p.minute, &utc, &off), 0);
		if (utc != c[i].utc || off != c[i].offset)
			fail_msg("case %zu (%s %s): got %lld %d, want %lld %d",
			    i, c[i].zone, ds(w.day), (long long)utc, off,
			    (long long)c[i].utc, c[i].offset);
		util_tz_free(z);
	}
}

/* ---- policy and parsers ---- */

static void
test_policy_errors(void **state)
{
	struct core_release_policy p;
	struct core_window w;
	int32_t unsorted[] = { 5, 3 };
	size_t i;

	(void)state;
	for (i = 0; i < 9; i++) {
		policy(&p);
		assert_null(core_calendar_policy_error(&p));
		switch (i) {
		case 0: p.nth = 0; break;
		case 1: p.nth = 6; break;
		case 2: p.weekday = 7; break;
		case 3: p.cadence = CADENCE_WEEKLY; p.weekly_days = 0; break;
		case 4: p.allowed_days = 0; break;
		case 5: p.hour = 24; break;
		case 6: p.minute = -1; break;
		case 7: p.advance_business_days = -1; break;
		case 8: p.blackouts = unsorted; p.nblackouts = 2; break;
		}
		assert_non_null(core_calendar_policy_error(&p));
		assert_int_equal(core_calendar_windows(&p, 20000, 1, &w), 0);
		assert_day(core_calendar_notice(&p, 20000), CORE_DAY_INVALID);
	}
	policy(&p);
	p.nblackouts = 1;
	assert_non_null(core_calendar_policy_error(&p));
	policy(&p);
	assert_int_equal(core_calendar_windows(&p, 20000, 0, &w), 0);
	assert_int_equal(core_calendar_windows(&p, INT32_MAX, 1, &w), 0);
	assert_int_equal(core_calendar_windows(&p, INT32_MIN, 1, &w), 0);
	assert_day(core_calendar_notice(&p, INT32_MIN), CORE_DAY_INVALID);
}

static void
test_parse_date(void **state)
{
	static const struct { const char *s; int32_t day; } good[] = {
		{ "1970-01-01", 0 }, { "2026-12-08", 20795 },
		{ "2024-02-29", 19782 }, { "0000-03-01", -719468 },
		{ "9999-12-31", 2932896 }, { "1969-12-31", -1 },
	};
	static const char *const bad[] = {
		"", "2026-12-8", "2026-1-08", "26-12-08", "2026/12/08",
		"2026-12-08 ", " 2026-12-08", "2026-12-08T10:00", "2026-13-01",
		"2026-00-01", "2026-02-29", "2100-02-29", "2026-04-31",
		"2026-12-00", "+2026-12-08", "2026-12-0a", "20261208",
		"2026--12-08",
	};
	int32_t day = 12345;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(good); i++) {
		assert_int_equal(core_parse_date(good[i].s, &day), 0);
		assert_day(day, good[i].day);
		assert_day(good[i].day, D(
		    (good[i].s[0] - '0') * 1000 + (good[i].s[1] - '0') * 100 +
		    (good[i].s[2] - '0') * 10 + good[i].s[3] - '0',
		    (good[i].s[5] - '0') * 10 + good[i].s[6] - '0',
		    (good[i].s[8] - '0') * 10 + good[i].s[9] - '0'));
	}
	day = 12345;
	for (i = 0; i < NELEM(bad); i++) {
		if (core_parse_date(bad[i], &day) != -1)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(day, 12345);
	}
}

static void
test_format_date(void **state)
{
	char buf[11], small[10];

	(void)state;
	assert_int_equal(core_format_date(D(2026, 12, 8), buf, sizeof(buf)),
	    0);
	assert_string_equal(buf, "2026-12-08");
	assert_int_equal(core_format_date(-719468, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0000-03-01");
	assert_int_equal(core_format_date(2932897, buf, sizeof(buf)), -1);
	assert_int_equal(core_format_date(-719529, buf, sizeof(buf)), -1);
	assert_int_equal(core_format_date(0, small, sizeof(small)), -1);
}

static void
test_parse_weekdays(void **state)
{
	static const struct { const char *s; unsigned want; } good[] = {
		{ "tue,wed,thu", BIT(TUE) | BIT(WED) | BIT(THU) },
		{ "Tue-Thu", BIT(TUE) | BIT(WED) | BIT(THU) },
		{ "TUESDAY-thursday", BIT(TUE) | BIT(WED) | BIT(THU) },
		{ "mon,wed-fri", BIT(MON) | BIT(WED) | BIT(THU) | BIT(FRI) },
		{ "fri-mon", BIT(FRI) | BIT(SAT) | BIT(SUN) | BIT(MON) },
		{ "sun", BIT(SUN) },
		{ "sat-sat", BIT(SAT) },
		{ " tue , thu ", BIT(TUE) | BIT(THU) },
		{ "mon-sun", CORE_DAYS_ALL },
		{ "tue,tue", BIT(TUE) },
		{ "Wednesday", BIT(WED) },
	};
	static const char *const bad[] = {
		"", " ", "tu", "tues", "tuesdays", "tue,", ",tue", "tue,,thu",
		"tue-", "-thu", "tue-thu-fri", "tue thu", "tue;thu", "2",
		"tue-xyz", "mo", "mondayy",
	};
	unsigned m = 99;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(good); i++) {
		if (core_parse_weekdays(good[i].s, &m) != 0 ||
		    m != good[i].want)
			fail_msg("'%s': %#x", good[i].s, m);
	}
	m = 99;
	for (i = 0; i < NELEM(bad); i++) {
		if (core_parse_weekdays(bad[i], &m) != -1)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(m, 99);
	}
}

static void
test_parse_cadence(void **state)
{
	static const struct {
		const char	*s;
		int		 cadence, nth, weekday;
		unsigned	 weekly;
	} good[] = {
		{ "monthly:2:tue", CADENCE_MONTHLY, 2, TUE, 0 },
		{ "Monthly:1:Thursday", CADENCE_MONTHLY, 1, THU, 0 },
		{ "monthly:5:sun", CADENCE_MONTHLY, 5, SUN, 0 },
		{ "monthly:last:wed", CADENCE_MONTHLY, -1, WED, 0 },
		{ "weekly:tue,thu", CADENCE_WEEKLY, 0, 0, BIT(TUE) | BIT(THU) },
		{ "WEEKLY:mon-fri", CADENCE_WEEKLY, 0, 0, 0x3e },
	};
	static const char *const bad[] = {
		"", "monthly", "monthly:", "monthly:2", "monthly:2:",
		"monthly:0:tue", "monthly:6:tue", "monthly:-1:tue",
		"monthly:22:tue", "monthly:last", "monthly:2:tue,wed",
		"monthly:2:tue ", "monthly:first:tue", "weekly", "weekly:",
		"weekly:xyz", "daily:tue", "yearly:1:tue", "monthly 2 tue",
	};
	struct core_release_policy p, before;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(good); i++) {
		policy(&p);
		if (core_parse_cadence(good[i].s, &p) != 0)
			fail_msg("refused '%s'", good[i].s);
		assert_int_equal(p.cadence, good[i].cadence);
		if (good[i].cadence == CADENCE_MONTHLY) {
			assert_int_equal(p.nth, good[i].nth);
			assert_int_equal(p.weekday, good[i].weekday);
		} else
			assert_int_equal(p.weekly_days, good[i].weekly);
		assert_null(core_calendar_policy_error(&p));
	}
	for (i = 0; i < NELEM(bad); i++) {
		policy(&p);
		before = p;
		if (core_parse_cadence(bad[i], &p) != -1)
			fail_msg("accepted '%s'", bad[i]);
		assert_memory_equal(&p, &before, sizeof(p));
	}
}

static void
test_parse_hhmm(void **state)
{
	static const struct { const char *s; int h, m; } good[] = {
		{ "10:00", 10, 0 }, { "9:30", 9, 30 }, { "00:00", 0, 0 },
		{ "23:59", 23, 59 }, { "01:30", 1, 30 },
	};
	static const char *const bad[] = {
		"", "10", "10:0", "10:000", "24:00", "23:60", "100:00",
		":30", "10:30 ", " 10:30", "10.30", "-1:00", "1a:00",
		"10:3a",
	};
	int h = 77, m = 77;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(good); i++) {
		assert_int_equal(core_parse_hhmm(good[i].s, &h, &m), 0);
		assert_int_equal(h, good[i].h);
		assert_int_equal(m, good[i].m);
	}
	h = m = 77;
	for (i = 0; i < NELEM(bad); i++) {
		if (core_parse_hhmm(bad[i], &h, &m) != -1)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(h, 77);
		assert_int_equal(m, 77);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil),
		cmocka_unit_test(test_second_tuesday_2024_2030),
		cmocka_unit_test(test_known_patch_tuesdays),
		cmocka_unit_test(test_year_rollover),
		cmocka_unit_test(test_cadences),
		cmocka_unit_test(test_blackout_shift),
		cmocka_unit_test(test_queue_in_order),
		cmocka_unit_test(test_no_room),
		cmocka_unit_test(test_notice),
		cmocka_unit_test(test_dst_windows),
		cmocka_unit_test(test_policy_errors),
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_format_date),
		cmocka_unit_test(test_parse_weekdays),
		cmocka_unit_test(test_parse_cadence),
		cmocka_unit_test(test_parse_hhmm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
