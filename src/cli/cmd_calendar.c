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
#include "publish/calendar_load.h"
#include "util/tz.h"
#include "cli.h"

#define DEFAULT_COUNT	12
#define MAX_COUNT	1000

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
	struct calendar_loaded cl;
	const struct util_tz *z = NULL;
	int32_t from = CORE_DAY_INVALID;
	size_t count = DEFAULT_COUNT, n, k;
	const char *v;
	char err[512];
	int i, rc = 2, loaded = 0;

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
	if (calendar_load(&c->cfg, &cl, err, sizeof(err)) == -1) {
		fprintf(stderr, "vigil: %s\n", err);
		goto out;
	}
	loaded = 1;
	p = cl.policy;
	z = cl.zone;
	if (from == CORE_DAY_INVALID)
		from = calendar_today(z, (int64_t)time(NULL));
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
	if (loaded)
		calendar_loaded_free(&cl);
	return rc;
}
