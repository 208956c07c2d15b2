/* web/h_metrics.c - the turnaround dashboard (/metrics/dashboard), its
 * JSON API (/api/v1/metrics/turnaround) and CSV export
 * (/metrics/turnaround.csv).  The figures come from report/turnaround.c;
 * this file reads the period and grouping from the query and renders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/period.h"
#include "report/turnaround.h"
#include "util/config.h"
#include "util/log.h"
#include "web.h"

int
web_period(struct req *r, time_t now, time_t *from, time_t *to,
    const char **preset, const char **field, const char **msg)
{
	const char *p = web_query(r, "period"), *f = web_query(r, "from"),
	    *t = web_query(r, "to");
	int i;

	*preset = NULL;
	*field = NULL;
	if ((f != NULL && *f != '\0') || (t != NULL && *t != '\0')) {
		if ((*from = report_parse_day(f)) == -1) {
			*field = "from";
			*msg = "Give the first day as YYYY-MM-DD.";
			return -1;
		}
		if ((*to = report_parse_day(t)) == -1) {
			*field = "to";
			*msg = "Give the last day as YYYY-MM-DD.";
			return -1;
		}
		*to += 86400;		/* the last day is included */
		if (*to <= *from) {
			*field = "to";
			*msg = "The last day comes before the first.";
			return -1;
		}
		if (*to - *from > 20 * 366 * 86400L) {
			*field = "from";
			*msg = "Ask for at most twenty years at a time.";
			return -1;
		}
		return 0;
	}
	if (p == NULL || *p == '\0')
		i = PERIOD_LAST_QUARTER;
	else if ((i = report_preset_parse(p)) < 0) {
		*field = "period";
		*msg = "Unknown period: use last_quarter, this_quarter, "
		    "last_90_days, last_12_months or two_years, or from and to.";
		return -1;
	}
	*preset = report_preset_name(i);
	report_preset_range(i, now, from, to);
	return 0;
}

void
web_period_default(time_t now, time_t *from, time_t *to, const char **preset)
{
	*preset = report_preset_name(PERIOD_LAST_QUARTER);
	report_preset_range(PERIOD_LAST_QUARTER, now, from, to);
}

void
web_period_ctx(struct req *r, json_t *ctx, const char *path,
    const char *preset, const char *csv, const char *api)
{
	const json_t *m = json_object_get(ctx, "m");
	const char *from = json_string_value(json_object_get(m, "from")),
	    *to = json_string_value(json_object_get(m, "to"));

	json_object_set_new(ctx, "periods", web_period_links(r, path,
	    preset));
	json_object_set_new(ctx, "csv_href", json_string(util_arena_printf(
	    &r->arena, "%sfrom=%s&to=%s", csv, from, to)));
	json_object_set_new(ctx, "api_href", json_string(util_arena_printf(
	    &r->arena, "%sfrom=%s&to=%s", api, from, to)));
}

json_t *
web_period_links(struct req *r, const char *path, const char *current)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < PERIOD__MAX; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}",
		    "label", report_preset_label(i),
		    "href", util_arena_printf(&r->arena, "%s?period=%s", path,
		    report_preset_name(i)),
		    "current", current != NULL &&
		    strcmp(current, report_preset_name(i)) == 0));
	return a;
}

static void
query_of(struct req *r, struct tat_query *q, time_t now)
{
	const struct config *cfg = r->app->cfg;

	memset(q, 0, sizeof(*q));
	q->now = now;
	q->sla.critical = cfg->sla_critical;
	q->sla.high = cfg->sla_high;
	q->sla.medium = cfg->sla_medium;
	q->sla.low = cfg->sla_low;
	q->sla.unscored = cfg->sla_triage;
	q->sla.due_soon_days = cfg->sla_due_soon;
}

/* Reads the period and group_by; replies 422 and returns -1 when bad. */
static int
read_query(struct req *r, struct tat_query *q, const char **preset)
{
	const char *field, *msg, *g = web_query(r, "group_by");
	time_t now = time(NULL);
	int by;

	query_of(r, q, now);
	if (web_period(r, now, &q->from, &q->to, preset, &field, &msg) == -1) {
		web_reply_error(r, WE_INVALID, field, msg);
		return -1;
	}
	if (g == NULL || *g == '\0')
		q->groups = (1u << TAT_BY__MAX) - 1;
	else if ((by = report_tat_group_parse(g)) < 0) {
		web_reply_error(r, WE_INVALID, "group_by",
		    "Group by severity, channel or product.");
		return -1;
	} else
		q->groups = 1u << by;
	return 0;
}

static int
compute(struct req *r, const struct tat_query *q, json_t **model)
{
	if (report_turnaround(r->app->store, q, model) == -1) {
		log_err("turnaround: could not compute the figures");
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return -1;
	}
	return 0;
}

int
web_h_api_turnaround(struct req *r)
{
	struct tat_query q;
	const char *preset;
	json_t *m;

	if (read_query(r, &q, &preset) == -1 || compute(r, &q, &m) == -1)
		return WEB_DONE;
	return web_reply_json(r, 200, m);
}

int
web_h_metrics_csv(struct req *r)
{
	struct tat_query q;
	const char *preset;
	struct buf b;
	json_t *m;

	if (read_query(r, &q, &preset) == -1 || compute(r, &q, &m) == -1)
		return WEB_DONE;
	util_buf_init(&b, 64 * 1024 * 1024);
	if (report_turnaround_csv(m, &b) == -1) {
		json_decref(m);
		util_buf_release(&b);
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	}
	web_add_header(r, "Content-Disposition", util_arena_printf(&r->arena,
	    "attachment; filename=\"turnaround-%s-%s.csv\"",
	    json_string_value(json_object_get(m, "from")),
	    json_string_value(json_object_get(m, "to"))));
	json_decref(m);
	return web_reply_buf(r, 200, "text/csv; charset=utf-8", &b);
}

int
web_h_metrics_dashboard(struct req *r)
{
	struct tat_query q;
	const char *preset, *field, *msg;
	json_t *ctx, *m;
	time_t now = time(NULL);

	query_of(r, &q, now);
	q.groups = (1u << TAT_BY__MAX) - 1;
	q.max_groups = 20;
	q.max_due = 50;
	ctx = web_page_ctx(r, "Turnaround");
	if (web_period(r, now, &q.from, &q.to, &preset, &field, &msg) == -1) {
		/* show the default period with the message */
		json_object_set_new(ctx, "period_error", json_string(msg));
		web_period_default(now, &q.from, &q.to, &preset);
	}
	if (compute(r, &q, &m) == -1) {
		json_decref(ctx);
		return WEB_DONE;
	}
	if (report_turnaround_charts(m) == -1) {
		json_decref(m);
		json_decref(ctx);
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	}
	json_object_set_new(ctx, "m", m);
	web_period_ctx(r, ctx, "/metrics/dashboard", preset,
	    "/metrics/turnaround.csv?", "/api/v1/metrics/turnaround?");
	return web_reply_page(r, 200, "metrics", ctx);
}
