/* web/routes.c - the route table.  Every route names the permission
 * action it needs; a unit test fails for a route without one.  '*'
 * matches exactly one non-empty path segment and is captured. */
#include <stdio.h>
#include <string.h>

#include "web.h"

const struct route web_routes[] = {
	{ "GET",  "/",				"public.view",	web_h_index, 0 },
	{ "GET",  "/healthz",			"public.view",	web_h_healthz, 0 },
	{ "GET",  "/static/*",			"public.view",	web_h_static, RF_PUBLIC_CACHE },
	{ "GET",  "/report",			"report.create", web_h_report_form, 0 },
	{ "POST", "/report",			"report.create", web_h_report_post, 0 },
	{ "POST", "/api/v1/reports",		"report.create", web_h_api_report_post, 0 },
	{ "POST", "/api/v1/reports/assess",	"report.create", web_h_api_report_assess, 0 },
	{ "GET",  "/track/*",			"track.view",	web_h_track_token, 0 },
	{ "POST", "/track/*/messages",		"track.reply",	web_h_track_message, 0 },
	{ "GET",  "/track/*/attachments/*",	"track.view",	web_h_track_attachment, 0 },
	{ "GET",  "/track/*/complete",		"track.view",	web_h_track_complete_form, 0 },
	{ "POST", "/track/*/complete",		"track.reply",	web_h_track_complete_post, 0 },
	{ "GET",  "/login",			"staff.login",	web_h_login_form, 0 },
	{ "POST", "/login",			"staff.login",	web_h_login_post, 0 },
	{ "POST", "/logout",			"staff.view",	web_h_logout, 0 },
	{ "GET",  "/account/password",		"staff.view",	web_h_password_form, 0 },
	{ "POST", "/account/password",		"staff.view",	web_h_password_post, 0 },
	{ "GET",  "/cases",			"case.list",	web_h_cases_list, 0 },
	{ "GET",  "/cases/*",			"case.view",	web_h_case_view, 0 },
	{ "POST", "/cases/*/transition",	"case.transition", web_h_case_post_transition, 0 },
	{ "POST", "/cases/*/assign",		"case.assign",	web_h_case_post_assign, 0 },
	{ "POST", "/cases/*/scoring",		"case.score",	web_h_case_post_scoring, 0 },
	{ "POST", "/cases/*/duplicate",		"case.duplicate", web_h_case_post_duplicate, 0 },
	{ "POST", "/cases/*/messages",		"case.note",	web_h_case_post_message, 0 },
	{ "GET",  "/cases/*/attachments/*",	"attachment.view", web_h_case_attachment, 0 },
	{ "GET",  "/products",			"product.view",	web_h_products_list, 0 },
	{ "POST", "/products",			"product.manage", web_h_products_post, 0 },
	{ "GET",  "/products/*",		"product.view",	web_h_product_view, 0 },
	{ "POST", "/products/*/versions",	"product.manage", web_h_product_version_post, 0 },
	{ "POST", "/cases/*/patches",		"patch.upload",	web_h_case_patch_post, 0 },
	{ "POST", "/cases/*/pocs",		"poc.manage",	web_h_case_poc_post, 0 },
	{ "GET",  "/runs/*",			"run.view",	web_h_run_view, 0 },
	{ "POST", "/runs/*/signoff",		"test.signoff",	web_h_run_signoff_post, 0 },
	{ "POST", "/cases/*/verification",	"verify.send",	web_h_case_verification_post, 0 },
	{ "POST", "/cases/*/verification/waive", "verify.waive", web_h_case_waive_post, 0 },
	{ "POST", "/track/*/verification",	"track.reply",	web_h_track_verification_post, 0 },
	{ "GET",  "/releases",			"release.view",	web_h_releases_page, 0 },
	{ "POST", "/releases",			"release.manage", web_h_releases_post, 0 },
	{ "GET",  "/releases/*",		"release.view",	web_h_release_view, 0 },
	{ "POST", "/releases/*/cases",		"release.manage", web_h_release_case_post, 0 },
	{ "POST", "/releases/*/publish",	"release.manage", web_h_release_publish_post, 0 },
	{ "POST", "/cases/*/advisory",		"release.manage", web_h_case_advisory_post, 0 },
	{ "GET",  "/advisories",		"public.view",	web_h_advisories_index, 0 },
	{ "GET",  "/advisories/*",		"public.view",	web_h_advisory_page, 0 },
	{ "GET",  "/advisories.atom",		"public.view",	web_h_advisories_atom, 0 },
	{ "GET",  "/releases.ics",		"public.view",	web_h_releases_ics, 0 },
	{ "GET",  "/acknowledgements",		"public.view",	web_h_acknowledgements, 0 },
	{ "GET",  "/.well-known/security.txt",	"public.view",	web_h_security_txt, 0 },
	{ "GET",  "/.well-known/csaf/provider-metadata.json", "public.view", web_h_csaf_provider, 0 },
	{ "GET",  "/.well-known/csaf/white/index.txt", "public.view", web_h_csaf_index, 0 },
	{ "GET",  "/.well-known/csaf/white/changes.csv", "public.view", web_h_csaf_changes, 0 },
	{ "GET",  "/.well-known/csaf/white/",	"public.view",	web_h_csaf_dir, 0 },
	{ "GET",  "/.well-known/csaf/white/*/",	"public.view",	web_h_csaf_year_dir, 0 },
	{ "GET",  "/.well-known/csaf/white/*/*", "public.view",	web_h_csaf_file, 0 },
	{ "GET",  "/subscribe",			"public.view",	web_h_subscribe_form, 0 },
	{ "POST", "/subscribe",			"public.view",	web_h_subscribe_post, 0 },
	{ "GET",  "/subscribe/confirm/*",	"public.view",	web_h_subscribe_confirm, 0 },
	{ "GET",  "/unsubscribe/*",		"public.view",	web_h_unsubscribe, 0 },
	{ "POST", "/unsubscribe/*",		"public.view",	web_h_unsubscribe_post, 0 },
	{ "GET",  "/mail",			"case.list",	web_h_mail_list, 0 },
	{ "GET",  "/mail/*/raw",		"case.view",	web_h_mail_raw, 0 },
	{ "GET",  "/api/v1/cases",		"case.list",	web_h_api_cases_list, 0 },
	{ "GET",  "/api/v1/cases/*",		"case.view",	web_h_api_case_get, 0 },
	{ "POST", "/api/v1/cases/*/transitions", "case.transition", web_h_api_case_transition, 0 },
	{ "POST", "/api/v1/cases/*/messages",	"case.note",	web_h_api_case_message, 0 },
	{ "POST", "/api/v1/cases/*/assign",	"case.assign",	web_h_api_case_assign, 0 },
	{ "PUT",  "/api/v1/cases/*/scoring",	"case.score",	web_h_api_case_scoring, 0 },
	{ "POST", "/api/v1/cases/*/duplicate",	"case.duplicate", web_h_api_case_duplicate, 0 },
	{ "POST", "/api/v1/cases/*/patches",	"patch.upload",	web_h_api_patch_post, 0 },
	{ "GET",  "/api/v1/cases/*/patches",	"run.view",	web_h_api_patches_get, 0 },
	{ "POST", "/api/v1/cases/*/pocs",	"poc.manage",	web_h_api_poc_post, 0 },
	{ "GET",  "/api/v1/test-runs/*",	"run.view",	web_h_api_run_get, 0 },
	{ "POST", "/api/v1/test-runs/*/signoff", "test.signoff", web_h_api_run_signoff, 0 },
	{ "POST", "/api/v1/cases/*/verification", "verify.send", web_h_api_verification_post, 0 },
	{ "POST", "/api/v1/cases/*/verification/waive", "verify.waive", web_h_api_waive_post, 0 },
	{ "GET",  "/api/v1/cases/*/gate",	"case.view",	web_h_api_gate_get, 0 },
	{ "GET",  "/api/v1/products",		"product.view",	web_h_api_products_get, 0 },
	{ "GET",  "/api/v1/releases",		"release.view",	web_h_api_releases_get, 0 },
	{ "POST", "/api/v1/releases",		"release.manage", web_h_api_releases_post, 0 },
	{ "GET",  "/api/v1/releases/*",		"release.view",	web_h_api_release_get, 0 },
	{ "POST", "/api/v1/releases/*/cases",	"release.manage", web_h_api_release_case_post, 0 },
	{ "POST", "/api/v1/releases/*/publish",	"release.manage", web_h_api_release_publish, 0 },
	{ "GET",  "/api/v1/cases/*/advisory",	"release.view",	web_h_api_advisory_get, 0 },
	{ "PUT",  "/api/v1/cases/*/advisory",	"release.manage", web_h_api_advisory_put, 0 },
	{ "POST", "/api/v1/products",		"product.manage", web_h_api_products_post, 0 },
	{ "POST", "/cases/*/postmortem",	"postmortem.write", web_h_case_postmortem_post, 0 },
	{ "GET",  "/api/v1/cases/*/postmortem",	"case.view",	web_h_api_postmortem_get, 0 },
	{ "PUT",  "/api/v1/cases/*/postmortem",	"postmortem.write", web_h_api_postmortem_put, 0 },
	{ "GET",  "/metrics",			"metrics.view",	web_h_prometheus, 0 },
	{ "GET",  "/metrics/dashboard",		"metrics.view",	web_h_metrics_dashboard, 0 },
	{ "GET",  "/metrics/turnaround.csv",	"metrics.view",	web_h_metrics_csv, 0 },
	{ "GET",  "/api/v1/metrics/turnaround",	"metrics.view",	web_h_api_turnaround, 0 },
	{ "GET",  "/training",			"metrics.view",	web_h_training, 0 },
	{ "GET",  "/api/v1/training",		"metrics.view",	web_h_api_training, 0 },
};
const size_t web_nroutes = sizeof(web_routes) / sizeof(web_routes[0]);

/* Matches one pattern against a path; fills params. */
static int
match(const char *pat, const char *path, const char **params, int *np)
{
	static __thread char segs[REQ_MAX_PARAMS][256];
	const char *slash;
	size_t n;

	*np = 0;
	for (n = 0; n < REQ_MAX_PARAMS; n++)
		params[n] = NULL;
	while (*pat != '\0' && *path != '\0') {
		if (*pat == '*') {
			slash = strchr(path, '/');
			n = slash ? (size_t)(slash - path) : strlen(path);
			if (n == 0 || n >= sizeof(segs[0]) ||
			    *np >= REQ_MAX_PARAMS)
				return 0;
			memcpy(segs[*np], path, n);
			segs[*np][n] = '\0';
			params[*np] = segs[*np];
			(*np)++;
			path += n;
			pat++;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	return *pat == '\0' && *path == '\0';
}

const struct route *
web_route_match(const char *method, const char *path, const char **params,
    int *path_matched)
{
	const char *tmp[REQ_MAX_PARAMS] = { NULL };
	size_t i;
	int np;

	*path_matched = 0;
	for (i = 0; i < web_nroutes; i++) {
		if (!match(web_routes[i].pattern, path, tmp, &np))
			continue;
		if (strcmp(web_routes[i].method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 &&
		    strcmp(web_routes[i].method, "GET") == 0)) {
			memcpy(params, tmp, sizeof(tmp));
			return &web_routes[i];
		}
		*path_matched = 1;
	}
	return NULL;
}

const char *
web_route_allow(const char *path)
{
	static __thread char out[64];
	const char *tmp[REQ_MAX_PARAMS] = { NULL };
	size_t i, o = 0;
	int np;

	out[0] = '\0';
	for (i = 0; i < web_nroutes; i++) {
		if (!match(web_routes[i].pattern, path, tmp, &np))
			continue;
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s",
		    o ? ", " : "", web_routes[i].method);
		if (o >= sizeof(out))
			break;
	}
	return out;
}
