/* tests/unit/web/test_routes.c - the route table: every route declares
 * its permission action, patterns match as documented, 405 detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "web/web.h"

static void
test_every_route_has_an_action(void **state)
{
	size_t i;

	(void)state;
	assert_true(web_nroutes > 0);
	for (i = 0; i < web_nroutes; i++) {
		assert_non_null(web_routes[i].method);
		assert_non_null(web_routes[i].pattern);
		assert_non_null(web_routes[i].fn);
		if (web_routes[i].action == NULL ||
		    web_routes[i].action[0] == '\0' ||
		    strchr(web_routes[i].action, '.') == NULL)
			fail_msg("route %s %s declares no action",
			    web_routes[i].method, web_routes[i].pattern);
		assert_true(web_routes[i].pattern[0] == '/');
	}
}

static void
test_match(void **state)
{
	const char *p[REQ_MAX_PARAMS] = { 0 };
	const struct route *r;
	int pm;

	(void)state;
	r = web_route_match("GET", "/report", p, &pm);
	assert_non_null(r);
	assert_ptr_equal(r->fn, web_h_report_form);
	r = web_route_match("HEAD", "/report", p, &pm);
	assert_non_null(r);
	r = web_route_match("GET", "/track/abc", p, &pm);
	assert_non_null(r);
	assert_string_equal(p[0], "abc");
	r = web_route_match("GET", "/track/VR-2026-0001/attachments/7", p, &pm);
	assert_non_null(r);
	assert_ptr_equal(r->fn, web_h_track_attachment);
	assert_string_equal(p[0], "VR-2026-0001");
	assert_string_equal(p[1], "7");
	/* a star never matches an empty segment or several segments */
	assert_null(web_route_match("GET", "/track/", p, &pm));
	assert_null(web_route_match("GET", "/track/a/b", p, &pm));
	assert_null(web_route_match("GET", "/static/../vigil.conf", p, &pm));
	assert_null(web_route_match("GET", "/nope", p, &pm));
	assert_false(pm);
	/* a known path under another method is a 405 */
	assert_null(web_route_match("DELETE", "/report", p, &pm));
	assert_true(pm);
	assert_string_equal(web_route_allow("/report"), "GET, POST");
	assert_null(web_route_match("GET", "/api/v1/reports", p, &pm));
	assert_true(pm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_route_has_an_action),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
