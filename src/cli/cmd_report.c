/* cli/cmd_report.c - `vigil report training --from DATE --to DATE
 * [--format html|csv|json]': the training report of the post-mortems of
 * the cases released in a period (both days included), on standard
 * output; the same model as /training.  Without --from/--to, --period
 * (default last_quarter) picks the period.  Exit 0, 1 on a store or
 * template error, 2 on bad usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "report/period.h"
#include "report/training.h"
#include "store/store.h"
#include "web/tmpl.h"
#include "cli.h"

static int
usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "vigil report: %s\n", why);
	fprintf(stderr, "usage: vigil report training [--from YYYY-MM-DD "
	    "--to YYYY-MM-DD | --period last_quarter|this_quarter|"
	    "last_90_days|last_12_months|two_years] [--format html|csv|json]\n");
	return 2;
}

static int
write_all(const char *s, size_t n)
{
	return fwrite(s, 1, n, stdout) == n && fflush(stdout) == 0 ? 0 : -1;
}

static int
render_html(struct cli *c, json_t *m)
{
	struct tmpl_set *set;
	struct buf b;
	json_t *ctx;
	char err[512];
	int rc = -1;

	if ((set = web_tmpl_load_dir(c->cfg.templates, 1, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "vigil report: templates: %s\n", err);
		return -1;
	}
	if (report_training_charts(m) == -1) {
		web_tmpl_set_free(set);
		return -1;
	}
	ctx = json_pack("{s:O, s:s}", "m", m, "team", c->cfg.team_name);
	util_buf_init(&b, 64 * 1024 * 1024);
	if (ctx != NULL && web_tmpl_render(set, "training_standalone", ctx,
	    &b) == 0 && !b.failed)
		rc = write_all(b.data, b.len);
	else
		fprintf(stderr, "vigil report: cannot render the report\n");
	util_buf_release(&b);
	json_decref(ctx);
	web_tmpl_set_free(set);
	return rc;
}

int
cmd_report(struct cli *c, int argc, char *argv[])
{
	const char *from = NULL, *to = NULL, *fmt = "html", *period = NULL;
	struct trn_query q;
	struct store *st;
	struct buf b;
	json_t *m = NULL;
	char *out;
	int i, rc = 1, p;

	if (argc < 2 || strcmp(argv[1], "training") != 0)
		return usage(argc < 2 ? "which report?" : "unknown report");
	for (i = 2; i < argc; i++) {
		if (i + 1 >= argc)
			return usage("an option lacks its value");
		if (strcmp(argv[i], "--from") == 0)
			from = argv[++i];
		else if (strcmp(argv[i], "--to") == 0)
			to = argv[++i];
		else if (strcmp(argv[i], "--format") == 0)
			fmt = argv[++i];
		else if (strcmp(argv[i], "--period") == 0)
			period = argv[++i];
		else
			return usage("unknown option");
	}
	if (strcmp(fmt, "html") != 0 && strcmp(fmt, "csv") != 0 &&
	    strcmp(fmt, "json") != 0)
		return usage("--format is html, csv or json");
	memset(&q, 0, sizeof(q));
	if (from != NULL || to != NULL) {
		if (period != NULL)
			return usage("give --from and --to, or --period");
		if ((q.from = report_parse_day(from)) == -1)
			return usage("--from must be a date, YYYY-MM-DD");
		if ((q.to = report_parse_day(to)) == -1)
			return usage("--to must be a date, YYYY-MM-DD");
		q.to += 86400;		/* the last day is included */
		if (q.to <= q.from)
			return usage("--to comes before --from");
	} else {
		if ((p = period ? report_preset_parse(period) :
		    PERIOD_LAST_QUARTER) < 0)
			return usage("unknown --period");
		report_preset_range(p, time(NULL), &q.from, &q.to);
	}
	q.tracking_prefix = c->cfg.tracking_prefix;
	if ((st = cli_store_open(c)) == NULL)
		return 1;
	if (store_schema_version(st) < 6) {
		fprintf(stderr, "vigil report: the database is not migrated; "
		    "run vigil migrate\n");
		goto out;
	}
	if (report_training(st, &q, &m) == -1) {
		fprintf(stderr, "vigil report: cannot read the post-mortems\n");
		goto out;
	}
	if (strcmp(fmt, "json") == 0) {
		if ((out = json_dumps(m, JSON_INDENT(2) | JSON_ENSURE_ASCII)) ==
		    NULL)
			goto out;
		rc = write_all(out, strlen(out)) == 0 &&
		    write_all("\n", 1) == 0 ? 0 : 1;
		free(out);
	} else if (strcmp(fmt, "csv") == 0) {
		util_buf_init(&b, 0);
		rc = report_training_csv(m, &b) == 0 &&
		    write_all(b.data, b.len) == 0 ? 0 : 1;
		util_buf_release(&b);
	} else
		rc = render_html(c, m) == 0 ? 0 : 1;
out:
	json_decref(m);
	store_close(st);
	return rc;
}
