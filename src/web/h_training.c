/* web/h_training.c - the training report (/training, /api/v1/training,
 * /training?format=csv): what the post-mortems of a period teach.  The
 * model comes from report/training.c; `vigil report training' renders
 * the same model. */
#include <string.h>
#include <time.h>

#include "report/training.h"
#include "util/config.h"
#include "util/log.h"
#include "web.h"

static int
model_of(struct req *r, json_t **m, const char **preset, json_t *ctx)
{
	struct trn_query q;
	const char *field, *msg;
	time_t now = time(NULL);

	memset(&q, 0, sizeof(q));
	if (web_period(r, now, &q.from, &q.to, preset, &field, &msg) == -1) {
		if (ctx == NULL) {
			web_reply_error(r, WE_INVALID, field, msg);
			return -1;
		}
		json_object_set_new(ctx, "period_error", json_string(msg));
		web_period_default(now, &q.from, &q.to, preset);
	}
	q.tracking_prefix = r->app->cfg->tracking_prefix;
	if (report_training(r->app->store, &q, m) == -1) {
		log_err("training report: could not compute it");
		json_decref(ctx);
		web_reply_error(r, WE_UNAVAILABLE, NULL, NULL);
		return -1;
	}
	return 0;
}

int
web_h_api_training(struct req *r)
{
	const char *preset;
	json_t *m;

	if (model_of(r, &m, &preset, NULL) == -1)
		return WEB_DONE;
	return web_reply_json(r, 200, m);
}

int
web_h_training(struct req *r)
{
	const char *preset, *fmt = web_query(r, "format");
	struct buf b;
	json_t *ctx, *m;

	if (fmt != NULL && strcmp(fmt, "csv") == 0) {
		if (model_of(r, &m, &preset, NULL) == -1)
			return WEB_DONE;
		util_buf_init(&b, 64 * 1024 * 1024);
		if (report_training_csv(m, &b) == -1) {
			json_decref(m);
			util_buf_release(&b);
			return web_reply_error(r, WE_INTERNAL, NULL, NULL);
		}
		web_add_header(r, "Content-Disposition", util_arena_printf(
		    &r->arena, "attachment; filename=\"training-%s-%s.csv\"",
		    json_string_value(json_object_get(m, "from")),
		    json_string_value(json_object_get(m, "to"))));
		json_decref(m);
		return web_reply_buf(r, 200, "text/csv; charset=utf-8", &b);
	}
	if (fmt != NULL && *fmt != '\0' && strcmp(fmt, "html") != 0)
		return web_reply_error(r, WE_INVALID, "format",
		    "Ask for format=html or format=csv.");
	ctx = web_page_ctx(r, "Training report");
	if (model_of(r, &m, &preset, ctx) == -1)
		return WEB_DONE;
	if (report_training_charts(m) == -1) {
		json_decref(m);
		json_decref(ctx);
		return web_reply_error(r, WE_INTERNAL, NULL, NULL);
	}
	json_object_set_new(ctx, "m", m);
	json_object_set_new(ctx, "links", json_true());
	web_period_ctx(r, ctx, "/training", preset, "/training?format=csv&",
	    "/api/v1/training?");
	return web_reply_page(r, 200, "training", ctx);
}
