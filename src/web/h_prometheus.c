/* web/h_prometheus.c - GET /metrics: the Prometheus text exposition
 * format, version 0.0.4.  The HTTP families (requests by route, method
 * and status class; latency histograms) come from the counters in
 * server.c; the rest is read when scraped: cases per lifecycle state,
 * the outbox, queued and running test runs and SLA breaches from the
 * store, the build's version, and the process's resident memory and
 * start time from /proc.  Every family has its # HELP and # TYPE lines
 * and every label set it can have, zeros included.  Staff only (the
 * route's action metrics.view); never cached (server.c's default). */
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/lifecycle.h"
#include "store/store.h"
#include "util/log.h"
#include "web.h"

#define PROM_TYPE	"text/plain; version=0.0.4; charset=utf-8"
#define PROM_MAX	(4u * 1024 * 1024)

/* The index order of store_gauges.sla_breached_sev[]. */
static const char *const severities[] = {
	"critical", "high", "medium", "low", "unscored",
};
_Static_assert(sizeof(severities) / sizeof(severities[0]) ==
    sizeof(((struct store_gauges *)0)->sla_breached_sev) / sizeof(int64_t),
    "one severity name per store_gauges.sla_breached_sev[] entry");

static void
family(struct buf *b, const char *name, const char *type, const char *help)
{
	util_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/* name{label="value"} n */
static void
sample1(struct buf *b, const char *name, const char *label,
    const char *value, int64_t n)
{
	util_buf_printf(b, "%s{%s=\"", name, label);
	web_prom_escape(b, value);
	util_buf_printf(b, "\"} %" PRId64 "\n", n);
}

static void
gauge(struct buf *b, const char *name, const char *help, int64_t n)
{
	family(b, name, "gauge", help);
	util_buf_printf(b, "%s %" PRId64 "\n", name, n);
}

/* Reads a small /proc file; returns its length, or -1. */
static ssize_t
proc_read(const char *path, char *out, size_t size)
{
	FILE *f;
	size_t n;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(out, 1, size - 1, f);
	fclose(f);
	out[n] = '\0';
	return (ssize_t)n;
}

/* Resident set size in bytes, or -1. */
static int64_t
resident_bytes(void)
{
	char s[128];
	long long pages, rss;
	long pg = sysconf(_SC_PAGESIZE);

	if (pg <= 0 || proc_read("/proc/self/statm", s, sizeof(s)) <= 0 ||
	    sscanf(s, "%lld %lld", &pages, &rss) != 2 || rss < 0)
		return -1;
	return (int64_t)rss * pg;
}

/* The boot time from /proc/stat's "btime" line, or 0.  Read a piece at
 * a time: the "intr" line before it can be tens of kilobytes long. */
static unsigned long long
boot_time(void)
{
	char line[256];
	unsigned long long btime = 0;
	int at_start = 1;
	FILE *f;

	if ((f = fopen("/proc/stat", "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (at_start && sscanf(line, "btime %llu", &btime) == 1)
			break;
		at_start = strchr(line, '\n') != NULL;
	}
	fclose(f);
	return btime;
}

/* When the process started, in seconds since the epoch: the boot time
 * plus field 22 of /proc/self/stat (clock ticks after boot); -1 when
 * unknown. */
static double
start_time(void)
{
	char s[1024];
	const char *p;
	unsigned long long start, btime;
	long hz = sysconf(_SC_CLK_TCK);
	int field;

	if (hz <= 0 || proc_read("/proc/self/stat", s, sizeof(s)) <= 0 ||
	    (p = strrchr(s, ')')) == NULL)
		return -1;
	/* After ") " comes field 3 (state); step to field 22. */
	for (field = 2; field < 22; field++)
		if ((p = strchr(p + 1, ' ')) == NULL)
			return -1;
	if (sscanf(p, " %llu", &start) != 1 || (btime = boot_time()) == 0)
		return -1;
	return (double)btime + (double)start / (double)hz;
}

static int
cases_by_state(struct req *r, struct buf *b)
{
	struct store_state_count *sc;
	size_t n, i;
	int s;
	int64_t count;

	if (store_state_counts(r->app->store, &r->arena, &sc, &n) != STORE_OK)
		return -1;
	family(b, "vigil_cases", "gauge", "Cases in each lifecycle state.");
	for (s = 0; s < ST__MAX; s++) {
		const char *name = core_state_name((enum core_state)s);
		for (i = 0, count = 0; i < n; i++)
			if (strcmp(sc[i].state, name) == 0)
				count += sc[i].n;
		sample1(b, "vigil_cases", "state", name, count);
	}
	return 0;
}

static void
process_metrics(struct buf *b)
{
	int64_t rss = resident_bytes();
	double t0 = start_time();

	if (rss >= 0)
		gauge(b, "process_resident_memory_bytes",
		    "Resident memory size in bytes.", rss);
	if (t0 >= 0) {
		family(b, "process_start_time_seconds", "gauge",
		    "Start time of the process since unix epoch in seconds.");
		util_buf_printf(b, "process_start_time_seconds %.2f\n", t0);
	}
}

int
web_h_prometheus(struct req *r)
{
	struct store_gauges g;
	struct buf b;
	size_t i;

	memset(&g, 0, sizeof(g));
	if (store_gauges(r->app->store, time(NULL), &g) < 0)
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	util_buf_init(&b, PROM_MAX);
	if (web_http_metrics(&b) == -1 || cases_by_state(r, &b) == -1) {
		log_err("/metrics: the request counters or the cases per "
		    "state are not available");
		util_buf_release(&b);
		return web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
	}
	gauge(&b, "vigil_outbox_backlog", "Outgoing mail waiting to be sent "
	    "(pending or being sent).", g.outbox_backlog);
	gauge(&b, "vigil_outbox_failed", "Outgoing mail that failed for good.",
	    g.outbox_failed);
	family(&b, "vigil_test_runs", "gauge", "Patch test runs waiting or "
	    "running, by status.");
	sample1(&b, "vigil_test_runs", "status", "queued", g.runs_queued);
	sample1(&b, "vigil_test_runs", "status", "running", g.runs_running);
	gauge(&b, "vigil_sla_breaches", "Open cases past their due date.",
	    g.sla_breached);
	family(&b, "vigil_sla_breaches_by_severity", "gauge", "Open cases "
	    "past their due date, by severity.");
	for (i = 0; i < sizeof(severities) / sizeof(severities[0]); i++)
		sample1(&b, "vigil_sla_breaches_by_severity", "severity",
		    severities[i], g.sla_breached_sev[i]);
	family(&b, "vigil_build_info", "gauge", "The running build; always 1.");
	sample1(&b, "vigil_build_info", "version", VIGIL_VERSION, 1);
	process_metrics(&b);
	return web_reply_buf(r, 200, PROM_TYPE, &b);
}
