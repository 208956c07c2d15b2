/* publish/calendar_load.c - the [release] policy from the configuration
 * without printing (see calendar_load.h).  The rules are those of
 * cli/cmd_calendar.c, which prints its own messages; the two agree on
 * every input. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish/calendar_load.h"

#define MAX_BLACKOUTS	100000
#define MAX_LINE	256

__attribute__((format(printf, 3, 4)))
static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static int
load_blackouts(const char *path, int32_t **out, size_t *n, char *err,
    size_t errlen)
{
	FILE *f;
	char line[MAX_LINE + 2];
	int32_t *v = NULL, day;
	size_t len = 0, cap = 0, i, k;
	int lineno = 0, rc = -1;

	*out = NULL;
	*n = 0;
	if ((f = fopen(path, "r")) == NULL)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line, *e;

		lineno++;
		k = strlen(line);
		if (k > MAX_LINE && line[k - 1] != '\n') {
			fail(err, errlen, "%s:%d: line too long", path, lineno);
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
			fail(err, errlen, "%s:%d: '%s' is not a date "
			    "(YYYY-MM-DD)", path, lineno, p);
			goto out;
		}
		if (len == cap) {
			int32_t *nv;

			if (cap == MAX_BLACKOUTS) {
				fail(err, errlen, "%s:%d: more than %d "
				    "blackout days", path, lineno,
				    MAX_BLACKOUTS);
				goto out;
			}
			cap = cap ? cap * 2 : 64;
			if (cap > MAX_BLACKOUTS)
				cap = MAX_BLACKOUTS;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				fail(err, errlen, "out of memory");
				goto out;
			}
			v = nv;
		}
		v[len++] = day;
	}
	if (ferror(f)) {
		fail(err, errlen, "%s: read error", path);
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

int
calendar_load(const struct config *cfg, struct calendar_loaded *cl,
    char *err, size_t errlen)
{
	struct core_release_policy *p = &cl->policy;
	const char *why;
	char why_zone[256];

	memset(cl, 0, sizeof(*cl));
	core_release_policy_defaults(p);
	if (core_parse_cadence(cfg->release_cadence, p) == -1)
		return fail(err, errlen, "[release] cadence '%s' is not valid "
		    "(monthly:N:DAY, monthly:last:DAY or weekly:DAYS)",
		    cfg->release_cadence);
	if (core_parse_weekdays(cfg->release_weekdays, &p->allowed_days)
	    == -1)
		return fail(err, errlen, "[release] weekdays '%s' is not "
		    "valid (e.g. tue-thu or tue,wed,thu)",
		    cfg->release_weekdays);
	if (core_parse_hhmm(cfg->release_time, &p->hour, &p->minute) == -1)
		return fail(err, errlen, "[release] time '%s' is not valid "
		    "(HH:MM)",
		    cfg->release_time);
	p->advance_business_days = cfg->release_notice_days;
	if ((why = core_calendar_policy_error(p)) != NULL)
		return fail(err, errlen, "[release]: %s", why);
	if ((cl->zone = util_tz_load(cfg->release_zone, why_zone,
	    sizeof(why_zone))) == NULL)
		return fail(err, errlen, "[release] zone: %s", why_zone);
	if (cfg->release_blackouts[0] != '\0' &&
	    load_blackouts(cfg->release_blackouts, &cl->blackouts,
	    &cl->nblackouts, err, errlen) == -1) {
		util_tz_free(cl->zone);
		cl->zone = NULL;
		return -1;
	}
	p->blackouts = cl->blackouts;
	p->nblackouts = cl->nblackouts;
	return 0;
}

void
calendar_loaded_free(struct calendar_loaded *cl)
{
	if (cl == NULL)
		return;
	free(cl->blackouts);
	util_tz_free(cl->zone);
	cl->blackouts = NULL;
	cl->zone = NULL;
	cl->policy.blackouts = NULL;
	cl->policy.nblackouts = 0;
}

int32_t
calendar_today(const struct util_tz *z, int64_t now)
{
	int off = 0;

	if (util_tz_offset_at(z, now, &off) == -1)
		off = 0;
	now += off;
	return (int32_t)((now - (now % 86400 + 86400) % 86400) / 86400);
}

int
calendar_window_utc(const struct calendar_loaded *cl, int32_t day,
    int64_t *utc)
{
	int y, m, d, off;

	core_civil_from_days(day, &y, &m, &d);
	return util_tz_local_to_utc(cl->zone, y, m, d, cl->policy.hour,
	    cl->policy.minute, utc, &off);
}
