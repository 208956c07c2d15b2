/* cli/cmd_calendar.c - `vigil calendar [--from YYYY-MM-DD] [--count N]':
 * the next release windows of the [release] policy in vigil.conf, one a
 * line: the window as ISO 8601 local time with its UTC offset, then the
 * advance-notice day, e.g.
 *
 *   2026-12-09T10:00:00-08:00 notice 2026-12-03 (moved from 2026-12-08: blackout)
 *
 * --from defaults to today in the release time zone, --count to 12
 * (1..1000).  The blackout file has one YYYY-MM-DD a line; blank lines
 * and '#' comments (whole-line or after the date) are skipped.  Exit 0;
 * 2 for bad arguments, a bad [release] value, an unknown zone or a bad
 * or unreadable blackout file (naming file:line); 1 if fewer windows
 * could be placed than asked for. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/calendar.h"
#include "util/tz.h"
#include "cli.h"

#define DEFAULT_COUNT	12
#define MAX_COUNT	1000
#define MAX_BLACKOUTS	100000
#define MAX_LINE	256

static int
cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* Reads the blackout file into *out (sorted, without duplicates).
 * Returns 0, or -1 after printing file:line and the reason. */
static int
load_blackouts(const char *path, int32_t **out, size_t *n)
{
	FILE *f;
	char line[MAX_LINE + 2];
	int32_t *v = NULL, day;
	size_t len = 0, cap = 0, i, k;
	int lineno = 0, rc = -1;

	*out = NULL;
	*n = 0;
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "vigil: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line, *e;

		lineno++;
		k = strlen(line);
		if (k > MAX_LINE && line[k - 1] != '\n') {
			fprintf(stderr, "vigil: %s:%d: line too long\n", path,
			    lineno);
			goto out;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if ((e = strchr(p, '#')) == NULL)
			e = p + strlen(p);
		while (e > p && (e[-1] == ' ' || e[-1] == '\t' ||
		    e[-1] == '\n' || e[-1] == '\r'))
			e--;
		if (e == p)
			continue;
		*e = '\0';
		if (core_parse_date(p, &day) == -1) {
			fprintf(stderr, "vigil: %s:%d: '%s' is not a date "
			    "(YYYY-MM-DD)\n", path, lineno, p);
			goto out;
		}
		if (len == cap) {
			int32_t *nv;
			if (cap == MAX_BLACKOUTS) {
				fprintf(stderr, "vigil: %s:%d: more than %d "
				    "blackout days\n", path, lineno,
				    MAX_BLACKOUTS);
				goto out;
			}
			cap = cap ? cap * 2 : 64;
			if (cap > MAX_BLACKOUTS)
				cap = MAX_BLACKOUTS;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				fprintf(stderr, "vigil: out of memory\n");
				goto out;
			}
			v = nv;
		}
		v[len++] = day;
	}
	if (ferror(f)) {
		fprintf(stderr, "vigil: %s: read error\n", path);
		goto out;
	}
	if (len > 0) {
		qsort(v, len, sizeof(*v), cmp_day);
		for (i = 1, k = 1; i < len; i++)
			if (v[i] != v[k - 1])
				v[k++] = v[i];
		len = k;
	}
	*out = v;
	*n = len;
	v = NULL;
	rc = 0;
out:
	free(v);
	fclose(f);
	return rc;
}

/* The [release] keys of the configuration into p; -1 after a message. */
static int
read_policy(const struct config *cfg, struct core_release_policy *p)
{
	const char *why;

	core_release_policy_defaults(p);
	if (core_parse_cadence(cfg->release_cadence, p) == -1) {
		fprintf(stderr, "vigil: [release] cadence '%s' is not valid "
		    "(monthly:N:DAY, monthly:last:DAY or weekly:DAYS)\n",
		    cfg->release_cadence);
		return -1;
	}
	if (core_parse_weekdays(cfg->release_weekdays, &p->allowed_days)
	    == -1) {
		fprintf(stderr, "vigil: [release] weekdays '%s' is not valid "
		    "(e.g. tue-thu or tue,wed,thu)\n", cfg->release_weekdays);
		return -1;
	}
	if (core_parse_hhmm(cfg->release_time, &p->hour, &p->minute) == -1) {
		fprintf(stderr, "vigil: [release] time '%s' is not valid "
		    "(HH:MM)\n", cfg->release_time);
		return -1;
	}
	p->advance_business_days = cfg->release_notice_days;
	if ((why = core_calendar_policy_error(p)) != NULL) {
		fprintf(stderr, "vigil: [release]: %s\n", why);
		return -1;
	}
	return 0;
}

static int
parse_count(const char *s, size_t *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > MAX_COUNT)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* Takes "--name VALUE" or "--name=VALUE" at argv[*i]; NULL if argv[*i]
 * is not --name, "" if the value is missing or empty. */
static const char *
opt_value(int argc, char *argv[], int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc)
		return "";
	return argv[++*i];
}

static void
usage(void)
{
	fprintf(stderr, "usage: vigil calendar [--from YYYY-MM-DD] "
	    "[--count N]\n");
}

/* Today's civil day in zone z. */
static int32_t
today(const struct util_tz *z)
{
	int64_t now = (int64_t)time(NULL);
	int off = 0;

	if (util_tz_offset_at(z, now, &off) == -1)
		off = 0;
	now += off;
	return (int32_t)((now - (now % 86400 + 86400) % 86400) / 86400);
}

/* "2026-12-08T10:00:00-08:00" for the instant utc at offset off; in UTC
 * ("...Z") when the offset is not whole minutes (local mean time before
 * 1900), since RFC 3339 offsets have no seconds. */
static void
format_instant(int64_t utc, int off, char *buf, size_t len)
{
	int64_t local, sec;
	int y, m, d, utc_z = off % 60 != 0, a;

	if (utc_z)
		off = 0;
	local = utc + off;
	sec = (local % 86400 + 86400) % 86400;
	core_civil_from_days((int32_t)((local - sec) / 86400), &y, &m, &d);
	a = off < 0 ? -off : off;
	if (utc_z)
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
		    (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
	else
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
		    y, m, d, (int)(sec / 3600), (int)(sec / 60 % 60),
		    (int)(sec % 60), off < 0 ? '-' : '+', a / 3600,
		    a / 60 % 60);
}

int
cmd_calendar(struct cli *c, int argc, char *argv[])
{
	struct core_release_policy p;
	struct core_window *w = NULL;
	struct util_tz *z = NULL;
	int32_t *blackouts = NULL, from = CORE_DAY_INVALID;
	size_t nblackouts = 0, count = DEFAULT_COUNT, n, k;
	const char *v;
	char err[512];
	int i, rc = 2;

	for (i = 1; i < argc; i++) {
		if ((v = opt_value(argc, argv, &i, "--from")) != NULL) {
			if (*v == '\0') {
				fprintf(stderr, "vigil: --from needs a date\n");
				goto out;
			}
			if (core_parse_date(v, &from) == -1) {
				fprintf(stderr, "vigil: --from '%s' is not a "
				    "date (YYYY-MM-DD)\n", v);
				goto out;
			}
		} else if ((v = opt_value(argc, argv, &i, "--count")) !=
		    NULL) {
			if (*v == '\0') {
				fprintf(stderr, "vigil: --count needs a "
				    "number\n");
				goto out;
			}
			if (parse_count(v, &count) == -1) {
				fprintf(stderr, "vigil: --count '%s' is not a "
				    "number from 1 to %d\n", v, MAX_COUNT);
				goto out;
			}
		} else {
			fprintf(stderr, "vigil: calendar: unknown argument "
			    "'%s'\n", argv[i]);
			usage();
			goto out;
		}
	}
	if (read_policy(&c->cfg, &p) == -1)
		goto out;
	if ((z = util_tz_load(c->cfg.release_zone, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "vigil: [release] zone: %s\n", err);
		goto out;
	}
	if (c->cfg.release_blackouts[0] != '\0' &&
	    load_blackouts(c->cfg.release_blackouts, &blackouts,
	    &nblackouts) == -1)
		goto out;
	p.blackouts = blackouts;
	p.nblackouts = nblackouts;
	if (from == CORE_DAY_INVALID)
		from = today(z);
	if ((w = calloc(count, sizeof(*w))) == NULL) {
		fprintf(stderr, "vigil: out of memory\n");
		rc = 1;
		goto out;
	}
	n = core_calendar_windows(&p, from, count, w);
	for (k = 0; k < n; k++) {
		char when[64], notice[16], sched[16];
		int y, m, d, off;
		int64_t utc;

		core_civil_from_days(w[k].day, &y, &m, &d);
		if (util_tz_local_to_utc(z, y, m, d, p.hour, p.minute, &utc,
		    &off) == -1 ||
		    core_format_date(w[k].notice_day, notice,
		    sizeof(notice)) == -1 ||
		    core_format_date(w[k].scheduled, sched,
		    sizeof(sched)) == -1)
			break;
		format_instant(utc, off, when, sizeof(when));
		printf("%s notice %s", when, notice);
		if (w[k].shifted) {
			const char *sep = "";
			printf(" (moved from %s: ", sched);
			if (w[k].shifted & CORE_SHIFT_BLACKOUT) {
				printf("%sblackout", sep);
				sep = ", ";
			}
			if (w[k].shifted & CORE_SHIFT_WEEKDAY) {
				printf("%sday not allowed", sep);
				sep = ", ";
			}
			if (w[k].shifted & CORE_SHIFT_QUEUE)
				printf("%safter the previous window", sep);
			printf(")");
		}
		printf("\n");
	}
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "vigil: cannot write the calendar\n");
		rc = 1;
		goto out;
	}
	if (k < count) {
		fprintf(stderr, "vigil: only %zu of %zu windows could be "
		    "placed (no allowed day outside the blackouts)\n", k,
		    count);
		rc = 1;
		goto out;
	}
	rc = 0;
out:
	free(w);
	free(blackouts);
	util_tz_free(z);
	return rc;
}
