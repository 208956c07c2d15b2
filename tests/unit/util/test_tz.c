/* tests/unit/util/test_tz.c - the TZif reader against glibc.
 *
 * glibc's localtime_r with TZ set (here only: the test is one thread) is
 * the oracle: for many instants in several zones util_tz_offset_at()
 * must give tm_gmtoff, and util_tz_local_to_utc() of the wall-clock time
 * glibc shows must come back to an instant glibc shows with the same wall
 * clock, the first one if there are two.  POSIX TZ strings (the TZif
 * footer rules Mm.w.d, Jn, n, negative and >24 h times) are checked the
 * same way.  Gaps and overlaps have hand-written cases; names, truncated
 * and corrupt files are rejected without a crash. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/tz.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define FROM_1902	(-2145916800)	/* 1902-01-01 */
/* glibc applies POSIX TZ rules only from 1970 on (compute_change counts
 * years up from the epoch), so TZ strings are compared from 1971. */
#define FROM_1971	31536000

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* Instants (multiples of 60 s) from `from' (1902 or later) to 2100, a
 * dense stretch around now, and the steps between them chosen so samples
 * drift through all hours of the day. */
static size_t
instants(int64_t from, int64_t **out)
{
	size_t n = 0, cap = 200000;
	int64_t t, *v = malloc(cap * sizeof(*v));

	assert_non_null(v);
	for (t = from; t < 4102444800 && n < cap; t += 86400 + 7 * 3600
	    + 13 * 60)
		v[n++] = t;
	for (t = 1704067200; t < 1893456000 && n < cap; t += 3 * 3600 + 17 * 60)
		v[n++] = t;
	*out = v;
	return n;
}

/* Compares z with glibc under TZ=tzname over the sample instants from
 * `from' on, both directions. */
static void
check_against_glibc(const struct util_tz *z, const char *tzname,
    int64_t from)
{
	int64_t *v, r;
	size_t n, i;
	int off, off2;

	set_tz(tzname);
	n = instants(from, &v);
	for (i = 0; i < n; i++) {
		time_t t = (time_t)v[i], tr;
		struct tm tm, tm2;

		assert_non_null(localtime_r(&t, &tm));
		assert_int_equal(util_tz_offset_at(z, v[i], &off), 0);
		if (off != tm.tm_gmtoff)
			fail_msg("%s at %lld: offset %d, glibc %ld", tzname,
			    (long long)v[i], off, tm.tm_gmtoff);
		assert_int_equal(util_tz_local_to_utc(z, tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, &r,
		    &off2), 0);
		tr = (time_t)r;
		assert_non_null(localtime_r(&tr, &tm2));
		if (tm2.tm_year != tm.tm_year || tm2.tm_mon != tm.tm_mon ||
		    tm2.tm_mday != tm.tm_mday || tm2.tm_hour != tm.tm_hour ||
		    tm2.tm_min != tm.tm_min || r > v[i] ||
		    off2 != tm2.tm_gmtoff)
			fail_msg("%s: local time of %lld maps to %lld",
			    tzname, (long long)v[i], (long long)r);
	}
	free(v);
	unsetenv("TZ");
	tzset();
}

static void
test_zones_vs_glibc(void **state)
{
	static const char *const zones[] = {
		"America/Los_Angeles", "Europe/Berlin", "Australia/Lord_Howe",
		"Asia/Kolkata", "UTC", "America/Sao_Paulo", "Pacific/Chatham",
		"America/Nuuk", "Africa/Casablanca", "Pacific/Apia",
	};
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(zones); i++) {
		struct util_tz *z = util_tz_load(zones[i], err, sizeof(err));
		if (z == NULL)
			fail_msg("%s", err);
		check_against_glibc(z, zones[i], FROM_1902);
		util_tz_free(z);
	}
}

static void
test_posix_vs_glibc(void **state)
{
	static const char *const specs[] = {
		"EST5EDT,M3.2.0,M11.1.0",
		"CET-1CEST,M3.5.0,M10.5.0/3",
		"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
		"AEST-10AEDT,M10.1.0,M4.1.0/3",
		"NZST-12NZDT,M9.5.0,M4.1.0/3",
		"XXX3YYY,J60/2,J300/2",		/* Jn: never counts Feb 29 */
		"XXX3YYY,59/2,299/2",		/* n: counts Feb 29 */
		"IST-5:30",
		"<-03>3<-02>,M3.5.0/-2,M10.5.0/-1",	/* negative times */
		"AAA1BBB0:30,M4.5.6/26,M9.1.1/30:15",
		"<+0545>-5:45",
	};
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(specs); i++) {
		struct util_tz *z = util_tz_posix(specs[i], err, sizeof(err));
		if (z == NULL)
			fail_msg("%s", err);
		check_against_glibc(z, specs[i], FROM_1971);
		util_tz_free(z);
	}
}

/* "DST all year" as tzcode writes it (RFC 8536 section 3.3.1): the end,
 * Dec 31 25:00 DST, is the next start, Jan 1 00:00 standard.  glibc
 * drops to standard time for the first hours of each UTC year here, so
 * this one is checked by hand. */
static void
test_posix_all_year_dst(void **state)
{
	static const int64_t at[] = {
		31536000,	/* 1971-01-01T00:00Z, Dec 31 19:00 local */
		31553999, 31554000, 31554001,	/* the end/start instant */
		1767225600,	/* 2026-01-01T00:00Z */
		1767243600,	/* 2026-01-01T05:00Z */
		1783000000, 4102444800,
	};
	char err[256];
	struct util_tz *z = util_tz_posix("EST5EDT,0/0,J365/25", err,
	    sizeof(err));
	int64_t u;
	size_t i;
	int off;

	(void)state;
	assert_non_null(z);
	for (i = 0; i < NELEM(at); i++) {
		assert_int_equal(util_tz_offset_at(z, at[i], &off), 0);
		assert_int_equal(off, -14400);
	}
	/* no gap at the new year: 2026-01-01 00:30 EDT */
	assert_int_equal(util_tz_local_to_utc(z, 2026, 1, 1, 0, 30, &u, &off),
	    0);
	assert_int_equal(u, 1767241800);
	assert_int_equal(off, -14400);
	util_tz_free(z);
}

/* A DST name without a rule gets the US rule (glibc instead copies the
 * rules of the posixrules file when there is one, so no oracle here). */
static void
test_posix_default_rule(void **state)
{
	char err[256];
	struct util_tz *a = util_tz_posix("XST8XDT", err, sizeof(err));
	struct util_tz *b = util_tz_posix("XST8XDT,M3.2.0,M11.1.0", err,
	    sizeof(err));
	int64_t t;
	int oa, ob;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (t = 0; t < 4102444800; t += 3 * 86400 + 3541) {
		assert_int_equal(util_tz_offset_at(a, t, &oa), 0);
		assert_int_equal(util_tz_offset_at(b, t, &ob), 0);
		assert_int_equal(oa, ob);
	}
	assert_int_equal(util_tz_offset_at(a, 1784016000, &oa), 0);
	assert_int_equal(oa, -25200);
	util_tz_free(a);
	util_tz_free(b);
}

static void
test_posix_rejects(void **state)
{
	static const char *const bad[] = {
		"", "PST", "PS8", "P8", "<AB>3", "PST25", "PST8PDT,",
		"PST8PDT,M3.2.0", "PST8PDT,M13.1.0,M11.1.0",
		"PST8PDT,M0.1.0,M11.1.0", "PST8PDT,M3.6.0,M11.1.0",
		"PST8PDT,M3.0.0,M11.1.0", "PST8PDT,M3.2.7,M11.1.0",
		"PST8PDT,J0,J300", "PST8PDT,J366,J300", "PST8PDT,366,300",
		"PST8PDT,M3.2.0/168,M11.1.0", "PST8PDT,M3.2.0,M11.1.0x",
		"PST8:60", "PST8PDT,M3.2.0,,M11.1.0", "PST 8",
		("<A\x01" "B>3"),
	};
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		struct util_tz *z = util_tz_posix(bad[i], err, sizeof(err));
		if (z != NULL)
			fail_msg("accepted '%s'", bad[i]);
		assert_non_null(strstr(err, "not a valid POSIX TZ string"));
	}
}

struct wall {
	const char	*zone;
	int		 y, mo, d, h, mi;
	int64_t		 utc;
	int		 offset;
};

/* Hand-worked cases: plain times, gaps (moved forward by the gap),
 * ambiguous times (first occurrence). */
static const struct wall walls[] = {
	/* Patch Tuesday, STANDARDS.md section 9 */
	{ "America/Los_Angeles", 2025, 1, 14, 10, 0, 1736877600, -28800 },
	{ "America/Los_Angeles", 2025, 3, 11, 10, 0, 1741712400, -25200 },
	{ "America/Los_Angeles", 2026, 12, 8, 10, 0, 1796752800, -28800 },
	/* spring forward 2026-03-08 02:00 -> 03:00 */
	{ "America/Los_Angeles", 2026, 3, 8, 1, 59, 1772963940, -28800 },
	{ "America/Los_Angeles", 2026, 3, 8, 2, 0, 1772964000, -25200 },
	{ "America/Los_Angeles", 2026, 3, 8, 2, 30, 1772965800, -25200 },
	{ "America/Los_Angeles", 2026, 3, 8, 3, 0, 1772964000, -25200 },
	{ "America/Los_Angeles", 2026, 3, 8, 3, 30, 1772965800, -25200 },
	/* fall back 2026-11-01 02:00 -> 01:00: 01:30 is PDT first */
	{ "America/Los_Angeles", 2026, 11, 1, 0, 59, 1793519940, -25200 },
	{ "America/Los_Angeles", 2026, 11, 1, 1, 0, 1793520000, -25200 },
	{ "America/Los_Angeles", 2026, 11, 1, 1, 30, 1793521800, -25200 },
	{ "America/Los_Angeles", 2026, 11, 1, 2, 0, 1793527200, -28800 },
	/* Berlin 2026: gap 03-29 02:00-03:00, overlap 10-25 02:00-03:00 */
	{ "Europe/Berlin", 2026, 3, 29, 2, 30, 1774747800, 7200 },
	{ "Europe/Berlin", 2026, 3, 29, 3, 0, 1774746000, 7200 },
	{ "Europe/Berlin", 2026, 10, 25, 2, 30, 1792888200, 7200 },
	{ "Europe/Berlin", 2026, 10, 25, 3, 0, 1792893600, 3600 },
	{ "Europe/Berlin", 2026, 1, 13, 10, 0, 1768294800, 3600 },
	{ "Europe/Berlin", 2026, 7, 14, 10, 0, 1784016000, 7200 },
	/* Lord Howe: +10:30, +11 from the first Sunday of October 02:00
	 * (30-minute gap), back on the first Sunday of April 02:00 */
	{ "Australia/Lord_Howe", 2026, 10, 4, 2, 15, 1791042300, 39600 },
	{ "Australia/Lord_Howe", 2026, 10, 4, 2, 30, 1791041400, 39600 },
	{ "Australia/Lord_Howe", 2026, 4, 5, 1, 45, 1775313900, 39600 },
	{ "Australia/Lord_Howe", 2026, 4, 5, 2, 0, 1775316600, 37800 },
	{ "Asia/Kolkata", 2026, 3, 8, 2, 30, 1772917200, 19800 },
	{ "UTC", 2026, 3, 8, 2, 30, 1772937000, 0 },
	{ "UTC", 1969, 12, 31, 23, 59, -60, 0 },
	{ "UTC", 2000, 2, 29, 12, 0, 951825600, 0 },
	/* past the last transition of a fat file: the footer rule */
	{ "America/Los_Angeles", 2100, 3, 14, 2, 30, 4108703400, -25200 },
	{ "America/Los_Angeles", 2100, 11, 7, 1, 30, 4129259400, -25200 },
};

static void
test_walls(void **state)
{
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(walls); i++) {
		const struct wall *w = &walls[i];
		struct util_tz *z = util_tz_load(w->zone, err, sizeof(err));
		int64_t utc;
		int off;

		if (z == NULL)
			fail_msg("%s", err);
		assert_int_equal(util_tz_local_to_utc(z, w->y, w->mo, w->d,
		    w->h, w->mi, &utc, &off), 0);
		if (utc != w->utc || off != w->offset)
			fail_msg("case %zu %s %04d-%02d-%02d %02d:%02d: got "
			    "%lld %d, want %lld %d", i, w->zone, w->y, w->mo,
			    w->d, w->h, w->mi, (long long)utc, off,
			    (long long)w->utc, w->offset);
		util_tz_free(z);
	}
}

static void
test_bad_wall_times(void **state)
{
	static const int bad[][5] = {
		{ 2026, 13, 1, 10, 0 }, { 2026, 0, 1, 10, 0 },
		{ 2026, 2, 29, 10, 0 }, { 2026, 4, 31, 10, 0 },
		{ 2026, 1, 0, 10, 0 }, { 2026, 1, 1, 24, 0 },
		{ 2026, 1, 1, -1, 0 }, { 2026, 1, 1, 10, 60 },
		{ 1000001, 1, 1, 0, 0 }, { -1000001, 1, 1, 0, 0 },
	};
	char err[256];
	struct util_tz *z = util_tz_load("Europe/Berlin", err, sizeof(err));
	int64_t utc = 42;
	int off = 42;
	size_t i;

	(void)state;
	assert_non_null(z);
	for (i = 0; i < NELEM(bad); i++)
		assert_int_equal(util_tz_local_to_utc(z, bad[i][0], bad[i][1],
		    bad[i][2], bad[i][3], bad[i][4], &utc, &off), -1);
	assert_int_equal(utc, 42);
	assert_int_equal(util_tz_offset_at(z, INT64_MAX, &off), -1);
	assert_int_equal(util_tz_offset_at(z, INT64_MIN, &off), -1);
	assert_int_equal(off, 42);
	/* the ends of the range still work */
	assert_int_equal(util_tz_local_to_utc(z, 1000000, 12, 31, 23, 59,
	    &utc, &off), 0);
	assert_int_equal(util_tz_local_to_utc(z, -1000000, 1, 1, 0, 0, &utc,
	    &off), 0);
	util_tz_free(z);
	util_tz_free(NULL);
}

static void
test_bad_names(void **state)
{
	static const struct {
		const char	*name;
		const char	*why;
	} bad[] = {
		{ "", "not a valid time zone name" },
		{ "/etc/passwd", "not a valid time zone name" },
		{ "../etc/passwd", "not a valid time zone name" },
		{ "America/../UTC", "not a valid time zone name" },
		{ "America//Los_Angeles", "not a valid time zone name" },
		{ "America/", "not a valid time zone name" },
		{ "America/Los Angeles", "not a valid time zone name" },
		{ "zone.tab", "not a valid time zone name" },
		{ "UTC\n", "not a valid time zone name" },
		{ "Mars/Olympus_Mons", "unknown time zone" },
		{ "America", "unknown time zone" },
		{ "Nowhere", "unknown time zone" },
	};
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		err[0] = '\0';
		if (util_tz_load(bad[i].name, err, sizeof(err)) != NULL)
			fail_msg("loaded '%s'", bad[i].name);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("'%s': %s", bad[i].name, err);
	}
}

/* ---- hand-made TZif files ---- */

static char tmpdir[64];

static void
put32(FILE *f, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24),
	    (unsigned char)(v >> 16), (unsigned char)(v >> 8),
	    (unsigned char)v };

	fwrite(b, 1, 4, f);
}

static void
put64(FILE *f, int64_t v)
{
	put32(f, (uint32_t)((uint64_t)v >> 32));
	put32(f, (uint32_t)v);
}

static void
header(FILE *f, char version, uint32_t timecnt, uint32_t typecnt,
    uint32_t charcnt)
{
	static const unsigned char zero[15];

	fwrite("TZif", 1, 4, f);
	fputc(version, f);
	fwrite(zero, 1, 15, f);
	put32(f, 0);		/* isutcnt */
	put32(f, 0);		/* isstdcnt */
	put32(f, 0);		/* leapcnt */
	put32(f, timecnt);
	put32(f, typecnt);
	put32(f, charcnt);
}

/* A version-2 file: a minimal v1 block, then the 64-bit data. */
static void
write_v2(const char *name, size_t n, const int64_t *trans,
    const unsigned char *idx, size_t ntypes, const int32_t *offs,
    const char *footer)
{
	char path[128];
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_non_null(f = fopen(path, "wb"));
	header(f, '2', 0, 1, 1);
	put32(f, 0);
	fputc(0, f);
	fputc(0, f);
	fputc(0, f);
	header(f, '2', (uint32_t)n, (uint32_t)ntypes, 4);
	for (i = 0; i < n; i++)
		put64(f, trans[i]);
	for (i = 0; i < n; i++)
		fputc(idx[i], f);
	for (i = 0; i < ntypes; i++) {
		put32(f, (uint32_t)offs[i]);
		fputc(i > 0, f);
		fputc(0, f);
	}
	fwrite("ABC", 1, 4, f);
	fprintf(f, "\n%s\n", footer);
	fclose(f);
}

static void
write_bytes(const char *name, const unsigned char *b, size_t n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(b, 1, n, f), n);
	fclose(f);
}

static unsigned char *
read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = malloc(1 << 20);

	assert_non_null(f);
	assert_non_null(b);
	*n = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vigil-tz-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	/* only files this test made, in its own mkdtemp folder */
	snprintf(cmd, sizeof(cmd), "%s/x", tmpdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/Footer_Only", tmpdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/Old_Table", tmpdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/V1", tmpdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/Not_Tzif", tmpdir);
	unlink(cmd);
	rmdir(tmpdir);
	return 0;
}

/* A file with no transitions and only a footer (how "slim" files end),
 * and one whose table stops in 2006 so the footer takes over after. */
static void
test_footer_files(void **state)
{
	static const int32_t offs[] = { -28800, -25200 };
	/* US transitions of 2005 and 2006 (old rule: April..October) */
	static const int64_t trans[] = { 1112522400, 1130662800,
	    1143972000, 1162112400 };
	static const unsigned char idx[] = { 1, 0, 1, 0 };
	char err[256];
	struct util_tz *z;

	(void)state;
	write_v2("Footer_Only", 0, NULL, NULL, 1, offs,
	    "PST8PDT,M3.2.0,M11.1.0");
	z = util_tz_load_from(tmpdir, "Footer_Only", err, sizeof(err));
	if (z == NULL)
		fail_msg("%s", err);
	check_against_glibc(z, "PST8PDT,M3.2.0,M11.1.0", FROM_1971);
	util_tz_free(z);

	write_v2("Old_Table", NELEM(trans), trans, idx, 2, offs,
	    "PST8PDT,M3.2.0,M11.1.0");
	z = util_tz_load_from(tmpdir, "Old_Table", err, sizeof(err));
	if (z == NULL)
		fail_msg("%s", err);
	{
		int off;
		/* 2006-04-01 12:00Z: PST by the table (old rule) */
		assert_int_equal(util_tz_offset_at(z, 1143892800, &off), 0);
		assert_int_equal(off, -28800);
		/* the table's last change, 2006-10-29 09:00Z, and around */
		assert_int_equal(util_tz_offset_at(z, 1162112399, &off), 0);
		assert_int_equal(off, -25200);
		assert_int_equal(util_tz_offset_at(z, 1162112400, &off), 0);
		assert_int_equal(off, -28800);
		/* 2006-11-06 12:00Z: PST by the footer */
		assert_int_equal(util_tz_offset_at(z, 1162814400, &off), 0);
		assert_int_equal(off, -28800);
		/* 2007-03-12 12:00Z: PDT by the footer (new rule) */
		assert_int_equal(util_tz_offset_at(z, 1173700800, &off), 0);
		assert_int_equal(off, -25200);
		/* 1990: before the table, type 0 */
		assert_int_equal(util_tz_offset_at(z, 647913600, &off), 0);
		assert_int_equal(off, -28800);
	}
	util_tz_free(z);
}

/* The v1 (32-bit) block of the system file, alone, read as version 1. */
static void
test_v1_file(void **state)
{
	char err[256];
	size_t n;
	unsigned char *b = read_all(UTIL_TZ_DIR "/Europe/Berlin", &n);
	struct util_tz *z;
	int off;

	(void)state;
	assert_true(n > 44);
	b[4] = 0;
	write_bytes("V1", b, n);	/* the rest is ignored */
	free(b);
	z = util_tz_load_from(tmpdir, "V1", err, sizeof(err));
	if (z == NULL)
		fail_msg("%s", err);
	set_tz("Europe/Berlin");
	{
		int64_t t;
		for (t = -2000000000; t < 2100000000; t += 86400 * 3 + 3671) {
			time_t tt = (time_t)t;
			struct tm tm;
			localtime_r(&tt, &tm);
			assert_int_equal(util_tz_offset_at(z, t, &off), 0);
			assert_int_equal(off, tm.tm_gmtoff);
		}
	}
	unsetenv("TZ");
	tzset();
	util_tz_free(z);
}

/* Every truncation of a real file is refused; every one-byte change is
 * either refused or loads (no crash, no read past the end: ASan). */
static void
test_truncated_and_corrupt(void **state)
{
	static const char *const files[] = { "America/Los_Angeles",
	    "Australia/Lord_Howe" };
	char err[256], path[128];
	size_t n, len, i, f;
	unsigned char *b;
	struct util_tz *z;

	(void)state;
	for (f = 0; f < NELEM(files); f++) {
		snprintf(path, sizeof(path), "%s/%s", UTIL_TZ_DIR, files[f]);
		b = read_all(path, &n);
		for (len = 0; len < n; len++) {
			write_bytes("x", b, len);
			z = util_tz_load_from(tmpdir, "x", err, sizeof(err));
			if (z != NULL)
				fail_msg("%s cut at %zu loaded", files[f], len);
		}
		for (i = 0; i < n; i += 3) {
			unsigned char keep = b[i];
			int off;
			int64_t u;

			b[i] ^= (unsigned char)(0x55 + i);
			write_bytes("x", b, n);
			z = util_tz_load_from(tmpdir, "x", err, sizeof(err));
			if (z != NULL) {
				util_tz_offset_at(z, 1790000000, &off);
				util_tz_local_to_utc(z, 2026, 11, 1, 1, 30,
				    &u, &off);
				util_tz_free(z);
			}
			b[i] = keep;
		}
		free(b);
	}
	write_bytes("Not_Tzif", (const unsigned char *)"hello, world\n", 13);
	assert_null(util_tz_load_from(tmpdir, "Not_Tzif", err, sizeof(err)));
	assert_non_null(strstr(err, "not a TZif file"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zones_vs_glibc),
		cmocka_unit_test(test_posix_vs_glibc),
		cmocka_unit_test(test_posix_all_year_dst),
		cmocka_unit_test(test_posix_default_rule),
		cmocka_unit_test(test_posix_rejects),
		cmocka_unit_test(test_walls),
		cmocka_unit_test(test_bad_wall_times),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_footer_files),
		cmocka_unit_test(test_v1_file),
		cmocka_unit_test(test_truncated_and_corrupt),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
