/* util/tz.c - see tz.h.  TZif layout from RFC 8536; POSIX TZ strings
 * from POSIX.1 (XBD 8.3) with the RFC 8536 extensions (hours -167..167
 * in rule times). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tz.h"

#define MAX_FILE	(1024 * 1024)	/* real TZif files are < 4 KiB */
#define MAX_OFFSET	(26 * 3600)	/* |UT offset| we accept */
#define MAX_YEAR	1000000
#define DAY		86400
/* seconds since the epoch of year +-MAX_YEAR, rounded down */
#define MAX_INSTANT	((int64_t)MAX_YEAR * 366 * DAY)

struct ttype {
	int32_t	off;		/* seconds east of UTC */
	int	isdst;
};

/* One end of a DST period in a POSIX TZ rule. */
struct rdate {
	char	kind;		/* 'J' (1..365, no Feb 29), 'N' (0..365), 'M' */
	int	n, m, w, d;
	int32_t	secs;		/* local time of day, -167h..167h */
};

struct prule {
	int32_t		std_off, dst_off;	/* seconds east of UTC */
	int		has_dst;
	struct rdate	start, end;
};

struct util_tz {
	int64_t		*trans;		/* ascending */
	unsigned char	*idx;		/* type of each transition */
	size_t		 ntrans;
	struct ttype	*types;
	size_t		 ntypes;
	int		 has_rule;	/* footer present and not empty */
	struct prule	 rule;
};

/* ---- civil dates (kept here: util must not depend on core) ---- */

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

/* Days since 1970-01-01 of y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floordiv(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t
year_of_day(int64_t z)
{
	int64_t era, doe, yoe, y, doy, mp;

	z += 719468;
	era = floordiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	return mp >= 10 ? y + 1 : y;
}

/* 0 = Sunday */
static int
weekday(int64_t day)
{
	return (int)(((day % 7) + 7 + 4) % 7);
}

/* ---- POSIX TZ strings ---- */

static int
isalpha_c(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
isdigit_c(int c)
{
	return c >= '0' && c <= '9';
}

/* A zone abbreviation: 3+ letters, or <...> of letters, digits, + and -. */
static int
parse_abbr(const char **pp)
{
	const char *p = *pp;
	size_t n = 0;

	if (*p == '<') {
		for (p++; *p != '>'; p++, n++)
			if (!(isalpha_c(*p) || isdigit_c(*p) || *p == '+' ||
			    *p == '-'))
				return -1;
		p++;
	} else
		for (; isalpha_c(*p); p++)
			n++;
	if (n < 3)
		return -1;
	*pp = p;
	return 0;
}

/* Up to `digits' decimal digits (at least one) into *v, at most max. */
static int
parse_num(const char **pp, int digits, int max, int *v)
{
	const char *p = *pp;
	int n = 0, x = 0;

	while (isdigit_c(*p) && n < digits) {
		x = x * 10 + (*p++ - '0');
		n++;
	}
	if (n == 0 || x > max)
		return -1;
	*v = x;
	*pp = p;
	return 0;
}

/* [+-]hh[:mm[:ss]] into seconds; hours at most maxh. */
static int
parse_hms(const char **pp, int maxh, int32_t *out)
{
	const char *p = *pp;
	int sign = 1, h, m = 0, s = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (parse_num(&p, 3, maxh, &h) == -1)
		return -1;
	if (*p == ':') {
		p++;
		if (parse_num(&p, 2, 59, &m) == -1)
			return -1;
		if (*p == ':') {
			p++;
			if (parse_num(&p, 2, 59, &s) == -1)
				return -1;
		}
	}
	*out = sign * (h * 3600 + m * 60 + s);
	*pp = p;
	return 0;
}

static int
parse_rdate(const char **pp, struct rdate *r)
{
	const char *p = *pp;

	memset(r, 0, sizeof(*r));
	if (*p == 'J') {
		p++;
		r->kind = 'J';
		if (parse_num(&p, 3, 365, &r->n) == -1 || r->n < 1)
			return -1;
	} else if (*p == 'M') {
		p++;
		r->kind = 'M';
		if (parse_num(&p, 2, 12, &r->m) == -1 || r->m < 1 ||
		    *p++ != '.' || parse_num(&p, 1, 5, &r->w) == -1 ||
		    r->w < 1 || *p++ != '.' || parse_num(&p, 1, 6, &r->d) == -1)
			return -1;
	} else {
		r->kind = 'N';
		if (parse_num(&p, 3, 365, &r->n) == -1)
			return -1;
	}
	r->secs = 7200;
	if (*p == '/') {
		p++;
		if (parse_hms(&p, 167, &r->secs) == -1)
			return -1;
	}
	*pp = p;
	return 0;
}

static int
parse_posix(const char *s, struct prule *r)
{
	const char *p = s;
	int32_t v;

	memset(r, 0, sizeof(*r));
	if (parse_abbr(&p) == -1 || parse_hms(&p, 24, &v) == -1)
		return -1;
	r->std_off = -v;
	r->dst_off = r->std_off;
	if (*p == '\0')
		return 0;
	if (parse_abbr(&p) == -1)
		return -1;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if (parse_hms(&p, 24, &v) == -1)
			return -1;
		r->dst_off = -v;
	}
	if (*p == '\0') {
		/* glibc's default: the US rule */
		const char *us = ",M3.2.0,M11.1.0";
		p = us;
	}
	if (*p++ != ',' || parse_rdate(&p, &r->start) == -1 ||
	    *p++ != ',' || parse_rdate(&p, &r->end) == -1 || *p != '\0')
		return -1;
	return 0;
}

/* Local wall-clock seconds (as if UTC) at which the rule date r falls in
 * year y. */
static int64_t
rdate_local(const struct rdate *r, int64_t y)
{
	int64_t day;

	switch (r->kind) {
	case 'J':
		day = days_from_civil(y, 1, 1) + r->n - 1;
		if (is_leap(y) && r->n >= 60)
			day++;
		break;
	case 'N':
		day = days_from_civil(y, 1, 1) + r->n;
		break;
	default: {
		int64_t first = days_from_civil(y, r->m, 1);
		int mdays = month_days(y, r->m);

		day = first + (r->d - weekday(first) + 7) % 7 +
		    7 * (r->w - 1);
		while (day >= first + mdays)
			day -= 7;
		break;
	}
	}
	return day * DAY + r->secs;
}

/* The rule's events of years y-2..y+2 in a fixed order: for each year,
 * its end (back to standard time) then its start (to DST).  On equal
 * instants the later-listed event wins, so "EST5EDT,0/0,J365/25" is DST
 * all year. */
#define NEVENTS	10
static void
rule_events(const struct prule *r, int64_t y, int64_t at[NEVENTS],
    int dst[NEVENTS])
{
	int i;

	for (i = 0; i < 5; i++) {
		at[2 * i] = rdate_local(&r->end, y - 2 + i) - r->dst_off;
		dst[2 * i] = 0;
		at[2 * i + 1] = rdate_local(&r->start, y - 2 + i) - r->std_off;
		dst[2 * i + 1] = 1;
	}
}

static int64_t
rule_year(const struct prule *r, int64_t t)
{
	return year_of_day(floordiv(t + r->std_off, DAY));
}

static int32_t
rule_offset(const struct prule *r, int64_t t)
{
	int64_t at[NEVENTS], best = INT64_MIN;
	int dst[NEVENTS], i, isdst = 0;

	if (!r->has_dst)
		return r->std_off;
	rule_events(r, rule_year(r, t), at, dst);
	for (i = 0; i < NEVENTS; i++)
		if (at[i] <= t && at[i] >= best) {
			best = at[i];
			isdst = dst[i];
		}
	return isdst ? r->dst_off : r->std_off;
}

/* The first rule event after t; 0 if there is none. */
static int
rule_next(const struct prule *r, int64_t t, int64_t *next)
{
	int64_t at[NEVENTS], best = INT64_MAX;
	int dst[NEVENTS], i;

	if (!r->has_dst)
		return 0;
	rule_events(r, rule_year(r, t), at, dst);
	for (i = 0; i < NEVENTS; i++)
		if (at[i] > t && at[i] < best)
			best = at[i];
	*next = best;
	return best != INT64_MAX;
}

/* ---- lookups ---- */

/* Index of the first transition > t (ntrans if none). */
static size_t
upper(const struct util_tz *z, int64_t t)
{
	size_t lo = 0, hi = z->ntrans;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int32_t
offset_at(const struct util_tz *z, int64_t t)
{
	size_t i;

	if (z->ntrans == 0)
		return z->has_rule ? rule_offset(&z->rule, t) : z->types[0].off;
	if (t < z->trans[0])
		return z->types[0].off;
	if (t > z->trans[z->ntrans - 1] && z->has_rule)
		return rule_offset(&z->rule, t);
	i = upper(z, t);
	return z->types[z->idx[i - 1]].off;
}

/* The first instant after t at which the offset may change; 0 if none. */
static int
next_change(const struct util_tz *z, int64_t t, int64_t *next)
{
	size_t i;

	if (z->ntrans > 0 && t < z->trans[z->ntrans - 1]) {
		i = upper(z, t);
		*next = z->trans[i];
		return 1;
	}
	return z->has_rule ? rule_next(&z->rule, t, next) : 0;
}

int
util_tz_offset_at(const struct util_tz *z, int64_t utc, int *offset)
{
	if (utc < -MAX_INSTANT || utc > MAX_INSTANT)
		return -1;
	*offset = offset_at(z, utc);
	return 0;
}

int
util_tz_local_to_utc(const struct util_tz *z, int y, int mo, int d, int h,
    int mi, int64_t *utc, int *offset_seconds)
{
	int64_t local, seg, end, t, u;
	int32_t off, off2;
	int i;

	if (y < -MAX_YEAR || y > MAX_YEAR || mo < 1 || mo > 12 || d < 1 ||
	    d > month_days(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59)
		return -1;
	local = days_from_civil(y, mo, d) * DAY + h * 3600 + mi * 60;
	/*
	 * Walk the stretches of constant offset that cover every instant
	 * that could read `local' (offsets are within +-26 h).  The first
	 * stretch where local - offset falls inside is the answer (the
	 * earliest, so the first occurrence of an ambiguous time).  If
	 * local - offset lands past a change, and local - new offset lands
	 * before it, local is in the gap: keep the old offset's instant.
	 */
	seg = local - MAX_OFFSET - 1;
	end = local + MAX_OFFSET + 1;
	off = offset_at(z, seg);
	for (i = 0; i < 100000; i++) {
		if (!next_change(z, seg, &t) || t > end)
			t = INT64_MAX;
		u = local - off;
		if (u >= seg && u < t) {
			*utc = u;
			*offset_seconds = off;
			return 0;
		}
		if (t == INT64_MAX)
			break;
		off2 = offset_at(z, t);
		if (u >= t && local - off2 < t) {
			*utc = u;
			*offset_seconds = offset_at(z, u);
			return 0;
		}
		seg = t;
		off = off2;
	}
	return -1;	/* unreachable with a valid zone */
}

/* ---- TZif ---- */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct hdr {
	int		version;	/* 1..4 */
	uint32_t	isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int
read_hdr(const unsigned char *b, size_t len, struct hdr *h)
{
	if (len < 44 || memcmp(b, "TZif", 4) != 0)
		return -1;
	if (b[4] == 0)
		h->version = 1;
	else if (b[4] >= '2' && b[4] <= '4')
		h->version = b[4] - '0';
	else
		return -1;
	h->isutcnt = be32(b + 20);
	h->isstdcnt = be32(b + 24);
	h->leapcnt = be32(b + 28);
	h->timecnt = be32(b + 32);
	h->typecnt = be32(b + 36);
	h->charcnt = be32(b + 40);
	if (h->typecnt == 0 || h->typecnt > 256 || h->charcnt == 0 ||
	    (h->isutcnt != 0 && h->isutcnt != h->typecnt) ||
	    (h->isstdcnt != 0 && h->isstdcnt != h->typecnt) ||
	    h->timecnt > MAX_FILE || h->leapcnt > MAX_FILE ||
	    h->charcnt > MAX_FILE)
		return -1;
	return 0;
}

/* Size of the data block after a header; tsize is 4 or 8. */
static uint64_t
block_size(const struct hdr *h, int tsize)
{
	return (uint64_t)h->timecnt * (uint64_t)(tsize + 1) +
	    (uint64_t)h->typecnt * 6 + h->charcnt +
	    (uint64_t)h->leapcnt * (uint64_t)(tsize + 4) + h->isstdcnt +
	    h->isutcnt;
}

static const char *
parse_tzif(struct util_tz *z, const unsigned char *b, size_t len)
{
	struct hdr h;
	const unsigned char *p;
	int tsize = 4;
	uint64_t bs;
	size_t i;

	if (read_hdr(b, len, &h) == -1)
		return "not a TZif file";
	bs = block_size(&h, 4);
	if (h.version >= 2) {
		if (bs > len - 44)
			return "truncated TZif file";
		b += 44 + bs;
		len -= 44 + (size_t)bs;
		if (read_hdr(b, len, &h) == -1)
			return "bad TZif version 2+ header";
		tsize = 8;
		bs = block_size(&h, 8);
	}
	if (bs > len - 44)
		return "truncated TZif file";
	if (h.leapcnt != 0)
		return "leap-second zones are not supported";
	p = b + 44;
	z->ntrans = h.timecnt;
	z->ntypes = h.typecnt;
	if ((z->trans = calloc(h.timecnt + 1, sizeof(*z->trans))) == NULL ||
	    (z->idx = calloc(h.timecnt + 1, 1)) == NULL ||
	    (z->types = calloc(h.typecnt, sizeof(*z->types))) == NULL)
		return "out of memory";
	for (i = 0; i < h.timecnt; i++, p += tsize) {
		z->trans[i] = tsize == 8 ? be64(p) : (int32_t)be32(p);
		if (i > 0 && z->trans[i] <= z->trans[i - 1])
			return "TZif transitions out of order";
	}
	for (i = 0; i < h.timecnt; i++, p++) {
		if (*p >= h.typecnt)
			return "bad TZif transition type";
		z->idx[i] = *p;
	}
	for (i = 0; i < h.typecnt; i++, p += 6) {
		int32_t off = (int32_t)be32(p);
		if (off < -MAX_OFFSET || off > MAX_OFFSET || p[4] > 1 ||
		    p[5] >= h.charcnt)
			return "bad TZif time type";
		z->types[i].off = off;
		z->types[i].isdst = p[4];
	}
	p += h.charcnt + h.isstdcnt + h.isutcnt;
	if (h.version >= 2) {
		const unsigned char *nl;
		char foot[256];
		size_t n, rest = len - (size_t)(p - b);

		if (rest < 2 || p[0] != '\n' ||
		    (nl = memchr(p + 1, '\n', rest - 1)) == NULL)
			return "bad TZif footer";
		n = (size_t)(nl - (p + 1));
		if (n >= sizeof(foot))
			return "TZif footer too long";
		memcpy(foot, p + 1, n);
		foot[n] = '\0';
		if (n > 0) {
			if (parse_posix(foot, &z->rule) == -1)
				return "bad TZ string in the TZif footer";
			z->has_rule = 1;
		}
	}
	return NULL;
}

static struct util_tz *
tz_new(void)
{
	return calloc(1, sizeof(struct util_tz));
}

void
util_tz_free(struct util_tz *z)
{
	if (z == NULL)
		return;
	free(z->trans);
	free(z->idx);
	free(z->types);
	free(z);
}

static int
name_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > 255 || name[0] == '/' || name[n - 1] == '/')
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];
		if (!(isalpha_c(c) || isdigit_c(c) || c == '_' || c == '+' ||
		    c == '-' || c == '/'))
			return 0;
		if (c == '/' && name[i + 1] == '/')
			return 0;
	}
	return 1;	/* no '.' at all, so no ".." */
}

/* Reads all of path (a regular file, at most MAX_FILE bytes). */
static unsigned char *
slurp(const char *path, size_t *len, const char **why)
{
	FILE *f;
	struct stat st;
	unsigned char *b = NULL;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL) {
		*why = errno == ENOENT ? "unknown time zone" :
		    "cannot open the zone file";
		return NULL;
	}
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode)) {
		*why = "unknown time zone";
		goto out;
	}
	if (st.st_size > MAX_FILE) {
		*why = "zone file too large";
		goto out;
	}
	if ((b = malloc((size_t)st.st_size + 1)) == NULL) {
		*why = "out of memory";
		goto out;
	}
	n = fread(b, 1, (size_t)st.st_size + 1, f);
	if (ferror(f) || n != (size_t)st.st_size) {
		*why = "cannot read the zone file";
		free(b);
		b = NULL;
		goto out;
	}
	*len = n;
out:
	fclose(f);
	return b;
}

struct util_tz *
util_tz_load_from(const char *dir, const char *name, char *err,
    size_t errlen)
{
	struct util_tz *z = NULL;
	unsigned char *b = NULL;
	const char *why = NULL;
	char path[1024];
	size_t len = 0;
	int n;

	if (!name_ok(name)) {
		snprintf(err, errlen, "'%.64s' is not a valid time zone name",
		    name);
		return NULL;
	}
	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(err, errlen, "%s: path too long", name);
		return NULL;
	}
	if ((b = slurp(path, &len, &why)) == NULL)
		goto out;
	if ((z = tz_new()) == NULL) {
		why = "out of memory";
		goto out;
	}
	if ((why = parse_tzif(z, b, len)) != NULL) {
		util_tz_free(z);
		z = NULL;
	}
out:
	free(b);
	if (z == NULL)
		snprintf(err, errlen, "%s: %s", name, why);
	return z;
}

struct util_tz *
util_tz_load(const char *name, char *err, size_t errlen)
{
	return util_tz_load_from(UTIL_TZ_DIR, name, err, errlen);
}

struct util_tz *
util_tz_posix(const char *spec, char *err, size_t errlen)
{
	struct util_tz *z;

	if ((z = tz_new()) == NULL ||
	    (z->types = calloc(1, sizeof(*z->types))) == NULL) {
		snprintf(err, errlen, "out of memory");
		util_tz_free(z);
		return NULL;
	}
	if (strlen(spec) > 255 || parse_posix(spec, &z->rule) == -1) {
		snprintf(err, errlen, "'%.64s' is not a valid POSIX TZ string",
		    spec);
		util_tz_free(z);
		return NULL;
	}
	z->ntypes = 1;
	z->types[0].off = z->rule.std_off;
	z->has_rule = 1;
	return z;
}
