/* tests/unit/publish/test_csaf.c - CSAF 2.0 and CVE 5.1 generators: the
 * §5.1 file name rule, required fields, revision numbering, product id
 * consistency, CVSS 4.0, no CVE, anonymous researcher, and what the
 * generators must refuse.  Conformance against the real validators is
 * tests/integration/test_publish.py. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "publish/advisory.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define ORG		"b3476cb9-2e3d-41a6-98d0-0f47421a65b6"

static const char *const srv_aff[] = { "2.3.0", "2.4.0", "2.4.0" };
static const char *const srv_fix[] = { "2.4.1" };
static const char *const cli_aff[] = { "<1.9.3" };
static const char *const cli_fix[] = { "1.9.3", "2.0.0" };
static const struct publish_product products[] = {
	{ "Widget Server", "Example Corp", srv_aff, 3, srv_fix, 1 },
	{ "Widget Client", "Example Corp", cli_aff, 1, cli_fix, 2 },
	{ "Gizmo", "Other Inc", NULL, 0, NULL, 0 },
};
static const struct publish_revision revs[] = {
	{ 1, "2026-12-08T18:00:00Z", "Initial release" },
	{ 2, "2026-12-09T09:30:00Z", "Added Widget Client" },
	{ 3, "2026-12-15T12:00:00Z", "Fix released" },
};

static struct publish_advisory
base(void)
{
	struct publish_advisory a = {
		.id = "VIGIL-2026-0001",
		.title = "Heap overflow in Widget Server",
		.summary = "A long header overflows a heap buffer.",
		.publisher_name = "Vigil Example PSIRT",
		.publisher_namespace = "https://vigil.example.org",
		.publisher_contact = "security@vigil.example.org",
		.lang = "en",
		.products = products, .nproducts = NELEM(products),
		.cve = "CVE-2026-12345",
		.cwe_id = "CWE-787", .cwe_name = "Out-of-bounds Write",
		.cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		.cvss_score = 9.8, .cvss_severity = "CRITICAL",
		.workarounds = "Drop long headers at the proxy.",
		.mitigations = "Keep the server off the Internet.",
		.restart_required = PUBLISH_RESTART_SERVICE,
		.known_issues = "None.",
		.acknowledgment = "Jane Doe",
		.revisions = revs, .nrevisions = NELEM(revs),
		.initial_release_date = "2026-12-08T18:00:00Z",
		.current_release_date = "2026-12-15T12:00:00Z",
		.status = "final",
		.advisory_url = "https://vigil.example.org/advisories/"
		    "VIGIL-2026-0001",
		.tracking_generator = "Vigil 0.1.0",
	};
	return a;
}

/* The string at a path of object keys / array indexes ("#3"). */
static const char *
sat(const json_t *j, const char *path)
{
	char		 buf[256], *p, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = strtok_r(buf, "/", &save); p != NULL && j != NULL;
	    p = strtok_r(NULL, "/", &save))
		j = p[0] == '#' ? json_array_get(j, strtoul(p + 1, NULL, 10)) :
		    json_object_get(j, p);
	return json_string_value(j);
}

static const json_t *
jat(const json_t *j, const char *path)
{
	char		 buf[256], *p, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = strtok_r(buf, "/", &save); p != NULL && j != NULL;
	    p = strtok_r(NULL, "/", &save))
		j = p[0] == '#' ? json_array_get(j, strtoul(p + 1, NULL, 10)) :
		    json_object_get(j, p);
	return j;
}

/* ---- file name rule ---- */

static void
test_filename_table(void **state)
{
	static const struct {
		const char *id, *want;
	} t[] = {
		{ "VIGIL-2026-0001", "vigil-2026-0001.json" },
		{ "Example Company - 2019-YH3234",
		    "example_company_-_2019-yh3234.json" },
		{ "RHBA-2019:0024", "rhba-2019_0024.json" },
		{ "cisco-sa-20190513-secureboot",
		    "cisco-sa-20190513-secureboot.json" },
		{ "a+b", "a+b.json" },
		{ "a_b", "a_b.json" },
		{ "a__b", "a_b.json" },
		{ "a. /:b", "a_b.json" },
		{ " x ", "_x_.json" },
		{ "ABC", "abc.json" },
		{ "Ärger-1", "_rger-1.json" },	/* UTF-8 bytes: one run */
		{ "x\xc3\xa4\xc3\xb6y", "x_y.json" },
		{ "...", "_.json" },
	};
	char	 out[128];
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		assert_int_equal(publish_csaf_filename(t[i].id, out,
		    sizeof(out)), 0);
		if (strcmp(out, t[i].want) != 0)
			fail_msg("\"%s\" -> \"%s\", want \"%s\"", t[i].id,
			    out, t[i].want);
	}
}

static void
test_filename_rejects(void **state)
{
	char	 out[32];

	(void)state;
	assert_int_equal(publish_csaf_filename(NULL, out, sizeof(out)), -1);
	assert_int_equal(publish_csaf_filename("", out, sizeof(out)), -1);
	/* "abc.json" needs 9 bytes with the NUL. */
	assert_int_equal(publish_csaf_filename("abc", out, 8), -1);
	assert_int_equal(publish_csaf_filename("abc", out, 9), 0);
	assert_string_equal(out, "abc.json");
	assert_int_equal(publish_csaf_filename("abc", out, 0), -1);
}

static void
test_path_and_url(void **state)
{
	struct publish_advisory a = base();
	char	 out[256];

	(void)state;
	assert_int_equal(publish_csaf_path("VIGIL-2026-0001",
	    "2026-12-08T18:00:00Z", out, sizeof(out)), 0);
	assert_string_equal(out, "white/2026/vigil-2026-0001.json");
	assert_int_equal(publish_csaf_path("X", "2026-12-08", out,
	    sizeof(out)), -1);
	assert_int_equal(publish_csaf_url(&a, out, sizeof(out)), 0);
	assert_string_equal(out, "https://vigil.example.org/.well-known/"
	    "csaf/white/2026/vigil-2026-0001.json");
	a.advisory_url = "https://h.example:8443?x#y";
	assert_int_equal(publish_csaf_url(&a, out, sizeof(out)), 0);
	assert_string_equal(out, "https://h.example:8443/.well-known/csaf/"
	    "white/2026/vigil-2026-0001.json");
	assert_int_equal(publish_csaf_url(&a, out, 20), -1);
}

/* ---- CSAF document ---- */

static void
test_required_fields(void **state)
{
	struct publish_advisory a = base();
	char	 err[256] = "";
	json_t	*d;

	(void)state;
	d = publish_csaf(&a, err, sizeof(err));
	if (d == NULL)
		fail_msg("publish_csaf: %s", err);
	assert_string_equal(sat(d, "document/category"),
	    "csaf_security_advisory");
	assert_string_equal(sat(d, "document/csaf_version"), "2.0");
	assert_string_equal(sat(d, "document/title"), a.title);
	assert_string_equal(sat(d, "document/lang"), "en");
	assert_string_equal(sat(d, "document/publisher/category"), "vendor");
	assert_string_equal(sat(d, "document/publisher/name"),
	    a.publisher_name);
	assert_string_equal(sat(d, "document/publisher/namespace"),
	    a.publisher_namespace);
	assert_string_equal(sat(d, "document/publisher/contact_details"),
	    a.publisher_contact);
	assert_string_equal(sat(d, "document/distribution/tlp/label"),
	    "WHITE");
	assert_string_equal(sat(d, "document/tracking/id"), a.id);
	assert_string_equal(sat(d, "document/tracking/status"), "final");
	assert_string_equal(sat(d, "document/tracking/generator/engine/name"),
	    "Vigil");
	assert_string_equal(sat(d,
	    "document/tracking/generator/engine/version"), "0.1.0");
	assert_string_equal(sat(d, "document/notes/#0/category"), "summary");
	assert_string_equal(sat(d, "document/notes/#1/text"), "None.");
	/* self reference: the .json at its canonical place */
	assert_string_equal(sat(d, "document/references/#0/category"),
	    "self");
	assert_string_equal(sat(d, "document/references/#0/url"),
	    "https://vigil.example.org/.well-known/csaf/white/2026/"
	    "vigil-2026-0001.json");
	assert_string_equal(sat(d, "document/references/#1/url"),
	    a.advisory_url);
	assert_non_null(jat(d, "product_tree/branches"));
	assert_int_equal(json_array_size(jat(d, "vulnerabilities")), 1);
	assert_string_equal(sat(d, "vulnerabilities/#0/cve"), a.cve);
	assert_string_equal(sat(d, "vulnerabilities/#0/cwe/id"), "CWE-787");
	assert_string_equal(sat(d, "vulnerabilities/#0/cwe/name"),
	    "Out-of-bounds Write");
	assert_string_equal(sat(d, "vulnerabilities/#0/notes/#0/category"),
	    "description");
	assert_non_null(jat(d, "vulnerabilities/#0/product_status/"
	    "known_affected"));
	assert_non_null(jat(d, "vulnerabilities/#0/product_status/fixed"));
	assert_string_equal(sat(d,
	    "vulnerabilities/#0/scores/#0/cvss_v3/version"), "3.1");
	assert_string_equal(sat(d,
	    "vulnerabilities/#0/scores/#0/cvss_v3/vectorString"),
	    a.cvss_vector);
	assert_true(json_real_value(jat(d,
	    "vulnerabilities/#0/scores/#0/cvss_v3/baseScore")) == 9.8);
	assert_string_equal(sat(d,
	    "vulnerabilities/#0/scores/#0/cvss_v3/baseSeverity"), "CRITICAL");
	assert_string_equal(sat(d,
	    "vulnerabilities/#0/acknowledgments/#0/names/#0"), "Jane Doe");
	json_decref(d);
}

static void
test_revisions(void **state)
{
	struct publish_advisory a = base();
	char	 err[256] = "";
	json_t	*d;
	size_t	 i;
	char	 num[8];

	(void)state;
	d = publish_csaf(&a, err, sizeof(err));
	assert_non_null(d);
	assert_string_equal(sat(d, "document/tracking/version"), "3");
	assert_int_equal(json_array_size(jat(d,
	    "document/tracking/revision_history")), 3);
	for (i = 0; i < 3; i++) {
		char	 path[64];

		snprintf(path, sizeof(path),
		    "document/tracking/revision_history/#%zu/number", i);
		snprintf(num, sizeof(num), "%zu", i + 1);
		assert_string_equal(sat(d, path), num);
		snprintf(path, sizeof(path),
		    "document/tracking/revision_history/#%zu/date", i);
		assert_string_equal(sat(d, path), revs[i].date);
	}
	assert_string_equal(sat(d, "document/tracking/initial_release_date"),
	    revs[0].date);
	assert_string_equal(sat(d, "document/tracking/current_release_date"),
	    "2026-12-15T12:00:00Z");
	json_decref(d);

	/* Dates default to the first and last revision. */
	a.initial_release_date = a.current_release_date = NULL;
	a.nrevisions = 2;
	d = publish_csaf(&a, err, sizeof(err));
	assert_non_null(d);
	assert_string_equal(sat(d, "document/tracking/version"), "2");
	assert_string_equal(sat(d, "document/tracking/current_release_date"),
	    revs[1].date);
	json_decref(d);
}

static void
test_revision_rejects(void **state)
{
	static const struct publish_revision skip[] = {
		{ 1, "2026-01-01T00:00:00Z", "a" },
		{ 3, "2026-01-02T00:00:00Z", "b" },
	};
	static const struct publish_revision zero[] = {
		{ 0, "2026-01-01T00:00:00Z", "a" },
	};
	static const struct publish_revision order[] = {
		{ 1, "2026-01-02T00:00:00Z", "a" },
		{ 2, "2026-01-01T23:59:59Z", "b" },
	};
	/* 00:30+01:00 is 23:30Z the day before: earlier than revision 1 */
	static const struct publish_revision tz[] = {
		{ 1, "2026-01-01T23:45:00Z", "a" },
		{ 2, "2026-01-02T00:30:00+01:00", "b" },
	};
	static const struct publish_revision notz[] = {
		{ 1, "2026-01-01T00:00:00", "a" },
	};
	static const struct publish_revision feb30[] = {
		{ 1, "2026-02-30T00:00:00Z", "a" },
	};
	static const struct publish_revision nosum[] = {
		{ 1, "2026-01-01T00:00:00Z", "" },
	};
	static const struct {
		const struct publish_revision *r;
		size_t n;
	} t[] = {
		{ skip, 2 }, { zero, 1 }, { order, 2 }, { tz, 2 },
		{ notz, 1 }, { feb30, 1 }, { nosum, 1 }, { NULL, 0 },
	};
	struct publish_advisory a;
	char	 err[256];
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		a = base();
		a.revisions = t[i].r;
		a.nrevisions = t[i].n;
		a.initial_release_date = a.current_release_date = NULL;
		err[0] = '\0';
		if (publish_csaf(&a, err, sizeof(err)) != NULL)
			fail_msg("revision case %zu accepted", i);
		assert_true(err[0] != '\0');
	}
	a = base();
	a.initial_release_date = "2026-12-08T18:00:01Z";
	assert_null(publish_csaf(&a, err, sizeof(err)));
	assert_non_null(strstr(err, "initial_release_date"));
	a = base();
	a.current_release_date = "2026-12-15T11:59:59Z";
	assert_null(publish_csaf(&a, err, sizeof(err)));
	assert_non_null(strstr(err, "current_release_date"));
	/* Same instant, other zone: fine. */
	a = base();
	a.initial_release_date = "2026-12-08T19:00:00+01:00";
	{
		json_t *d = publish_csaf(&a, err, sizeof(err));

		assert_non_null(d);
		json_decref(d);
	}
}

/* Collect every product_id defined in the tree. */
static void
defined_ids(const json_t *branches, json_t *set)
{
	const json_t	*b, *p;
	size_t		 i;

	json_array_foreach(branches, i, b) {
		if ((p = json_object_get(b, "product")) != NULL) {
			const char *id = sat(p, "product_id");

			assert_non_null(id);
			if (json_object_get(set, id) != NULL)
				fail_msg("product id %s defined twice", id);
			json_object_set_new(set, id, json_true());
			/* CSAF 6.1.31: no ranges in product_version */
			if (strcmp(sat(b, "category"), "product_version") == 0)
				assert_null(strpbrk(sat(b, "name"), "<>"));
		}
		if ((p = json_object_get(b, "branches")) != NULL)
			defined_ids(p, set);
		assert_int_equal(json_object_size(b), 3);
	}
}

static void
all_defined(const json_t *list, const json_t *set)
{
	const json_t	*v;
	size_t		 i;

	assert_true(json_is_array(list));
	assert_true(json_array_size(list) > 0);
	json_array_foreach(list, i, v)
		if (json_object_get(set, json_string_value(v)) == NULL)
			fail_msg("product id %s referenced, not defined",
			    json_string_value(v));
}

static void
test_product_ids(void **state)
{
	struct publish_advisory a = base();
	char		 err[256];
	json_t		*d, *set;
	const json_t	*ka, *fx, *rem, *r, *v, *w;
	size_t		 i, j, k, nvendor_fix = 0;

	(void)state;
	d = publish_csaf(&a, err, sizeof(err));
	assert_non_null(d);
	set = json_object();
	defined_ids(jat(d, "product_tree/branches"), set);
	/* 2 + 1 (duplicate 2.4.0 folded) server, 1 + 2 client, 1 gizmo */
	assert_int_equal(json_object_size(set), 7);
	/* vendor branches: one per vendor */
	assert_int_equal(json_array_size(jat(d, "product_tree/branches")), 2);
	assert_string_equal(sat(d,
	    "product_tree/branches/#0/branches/#1/branches/#0/category"),
	    "product_version_range");
	assert_string_equal(sat(d,
	    "product_tree/branches/#0/branches/#1/branches/#0/name"),
	    "vers:generic/<1.9.3");
	assert_string_equal(sat(d,
	    "product_tree/branches/#1/branches/#0/category"), "product_name");

	ka = jat(d, "vulnerabilities/#0/product_status/known_affected");
	fx = jat(d, "vulnerabilities/#0/product_status/fixed");
	all_defined(ka, set);
	all_defined(fx, set);
	assert_int_equal(json_array_size(ka), 4);
	assert_int_equal(json_array_size(fx), 3);
	json_array_foreach(ka, i, v)
		json_array_foreach(fx, j, w)
			assert_string_not_equal(json_string_value(v),
			    json_string_value(w));
	all_defined(jat(d, "vulnerabilities/#0/scores/#0/products"), set);
	assert_true(json_equal(jat(d, "vulnerabilities/#0/scores/#0/products"),
	    ka));

	rem = jat(d, "vulnerabilities/#0/remediations");
	json_array_foreach(rem, i, r) {
		const char *cat = sat(r, "category");

		all_defined(json_object_get(r, "product_ids"), set);
		assert_non_null(sat(r, "details"));
		if (strcmp(cat, "vendor_fix") == 0) {
			int hasfix = 0;

			nvendor_fix++;
			assert_string_equal(sat(r, "restart_required/category"),
			    "service");
			json_array_foreach(json_object_get(r, "product_ids"),
			    j, v)
				json_array_foreach(fx, k, w)
					if (json_equal(v, w))
						hasfix = 1;
			assert_true(hasfix);
		}
	}
	assert_int_equal(nvendor_fix, 2);
	/* server, client, gizmo (none_available), workaround, mitigation */
	assert_int_equal(json_array_size(rem), 5);
	assert_string_equal(sat(rem, "#2/category"), "none_available");
	assert_string_equal(sat(rem, "#3/category"), "workaround");
	assert_string_equal(sat(rem, "#4/category"), "mitigation");
	json_decref(set);
	json_decref(d);
}

static void
test_cvss4(void **state)
{
	struct publish_advisory a = base();
	char		 err[256];
	json_t		*d;
	const json_t	*n, *v;
	size_t		 i;
	int		 found = 0;

	(void)state;
	a.cvss_vector = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/"
	    "SC:N/SI:N/SA:N";
	a.cvss_score = 9.3;
	a.cvss_severity = "critical";
	d = publish_csaf(&a, err, sizeof(err));
	if (d == NULL)
		fail_msg("%s", err);
	assert_null(jat(d, "vulnerabilities/#0/scores"));
	n = jat(d, "vulnerabilities/#0/notes");
	json_array_foreach(n, i, v)
		if (strstr(sat(v, "text"), a.cvss_vector) != NULL)
			found = 1;
	assert_true(found);
	json_decref(d);

	d = publish_cve(&a, ORG, err, sizeof(err));
	if (d == NULL)
		fail_msg("%s", err);
	assert_string_equal(sat(d,
	    "containers/cna/metrics/#0/cvssV4_0/version"), "4.0");
	assert_string_equal(sat(d,
	    "containers/cna/metrics/#0/cvssV4_0/baseSeverity"), "CRITICAL");
	assert_true(json_real_value(jat(d,
	    "containers/cna/metrics/#0/cvssV4_0/baseScore")) == 9.3);
	assert_null(jat(d, "containers/cna/metrics/#0/cvssV3_1"));
	json_decref(d);
}

static void
test_no_cve(void **state)
{
	struct publish_advisory a = base();
	char	 err[256] = "";
	json_t	*d;

	(void)state;
	a.cve = NULL;
	d = publish_csaf(&a, err, sizeof(err));
	assert_non_null(d);
	assert_null(jat(d, "vulnerabilities/#0/cve"));
	assert_string_equal(sat(d, "vulnerabilities/#0/ids/#0/text"), a.id);
	json_decref(d);
	assert_null(publish_cve(&a, ORG, err, sizeof(err)));
	assert_non_null(strstr(err, "CVE"));
}

static void
test_anonymous(void **state)
{
	struct publish_advisory a = base();
	char		 err[256];
	json_t		*d, *c;
	const char	*s;

	(void)state;
	a.acknowledgment = NULL;
	d = publish_csaf(&a, err, sizeof(err));
	assert_non_null(d);
	assert_null(jat(d, "vulnerabilities/#0/acknowledgments/#0/names"));
	s = sat(d, "vulnerabilities/#0/acknowledgments/#0/summary");
	assert_non_null(s);
	assert_non_null(strstr(s, "anonymous"));
	c = publish_cve(&a, ORG, err, sizeof(err));
	assert_non_null(c);
	assert_string_equal(sat(c, "containers/cna/credits/#0/value"),
	    "an anonymous researcher");
	json_decref(c);
	json_decref(d);
	/* "" is anonymous too, never an empty name */
	a.acknowledgment = "";
	d = publish_csaf(&a, err, sizeof(err));
	assert_non_null(d);
	assert_null(jat(d, "vulnerabilities/#0/acknowledgments/#0/names"));
	json_decref(d);
}

static void
test_csaf_rejects(void **state)
{
	static const char *const dup[] = { "1.0" };
	static const struct publish_product both[] = {
		{ "P", "V", dup, 1, dup, 1 },
	};
	static const struct publish_product twice[] = {
		{ "P", "V", dup, 1, NULL, 0 },
		{ "P", "V", NULL, 0, NULL, 0 },
	};
	static const char *const lt2[] = { "<2" }, *const lt2b[] = { "< 2" };
	static const struct publish_product both_range[] = {
		{ "P", "V", lt2, 1, lt2b, 1 },
	};
	static const struct publish_product noname[] = {
		{ "", "V", NULL, 0, NULL, 0 },
	};
	struct publish_advisory a;
	char	 err[256];
	int	 i;

	(void)state;
	for (i = 0; i < 23; i++) {
		a = base();
		switch (i) {
		case 0: a.cvss_severity = "HIGH"; break;
		case 1: a.cvss_vector = "CVSS:2.0/AV:N"; break;
		case 2: a.cvss_score = 10.5; break;
		case 3: a.products = both; a.nproducts = 1; break;
		case 4: a.products = twice; a.nproducts = 2; break;
		case 5: a.cwe_id = "CWE-0787"; break;
		case 6: a.cwe_name = NULL; break;
		case 7: a.status = "draft"; break;
		case 8: a.publisher_namespace = "http://x.example"; break;
		case 9: a.cve = "CVE-26-1"; break;
		case 10: a.title = "bad \xff UTF-8"; break;
		case 11: a.nproducts = 0; break;
		case 12: a.id = " VIGIL-1"; break;
		case 13: a.id = NULL; break;
		case 14: a.summary = ""; break;
		case 15: a.advisory_url = "javascript:alert(1)"; break;
		case 16: a.lang = "english!"; break;
		case 17: a.products = noname; a.nproducts = 1; break;
		case 18: a.restart_required = PUBLISH_RESTART__MAX; break;
		case 19: a.cve = "CVE-2026-123"; break;
		case 20: a.advisory_url = "https://x.example/a b"; break;
		case 21: a.id = "VIGIL\n1"; break;
		case 22: a.products = both_range; a.nproducts = 1; break;
		}
		err[0] = '\0';
		if (publish_csaf(&a, err, sizeof(err)) != NULL)
			fail_msg("case %d accepted", i);
		if (err[0] == '\0')
			fail_msg("case %d: no message", i);
	}
	assert_null(publish_csaf(NULL, err, sizeof(err)));
}

/* ---- CVE record ---- */

static void
test_cve_shape(void **state)
{
	struct publish_advisory a = base();
	char		 err[256];
	json_t		*c;
	const json_t	*aff;

	(void)state;
	c = publish_cve(&a, ORG, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(sat(c, "dataType"), "CVE_RECORD");
	assert_string_equal(sat(c, "dataVersion"), "5.1");
	assert_string_equal(sat(c, "cveMetadata/cveId"), a.cve);
	assert_string_equal(sat(c, "cveMetadata/assignerOrgId"), ORG);
	assert_string_equal(sat(c, "cveMetadata/state"), "PUBLISHED");
	assert_string_equal(sat(c, "cveMetadata/datePublished"),
	    a.initial_release_date);
	assert_string_equal(sat(c, "containers/cna/providerMetadata/orgId"),
	    ORG);
	assert_string_equal(sat(c, "containers/cna/title"), a.title);
	assert_string_equal(sat(c, "containers/cna/descriptions/#0/lang"),
	    "en");
	assert_string_equal(sat(c, "containers/cna/descriptions/#0/value"),
	    a.summary);
	aff = jat(c, "containers/cna/affected");
	assert_int_equal(json_array_size(aff), 3);
	assert_string_equal(sat(aff, "#0/vendor"), "Example Corp");
	/* 2.3.0, 2.4.0 (dup folded), fixed 2.4.1 */
	assert_int_equal(json_array_size(jat(aff, "#0/versions")), 3);
	assert_string_equal(sat(aff, "#0/versions/#2/status"), "unaffected");
	assert_string_equal(sat(aff, "#1/versions/#0/version"), "0");
	assert_string_equal(sat(aff, "#1/versions/#0/lessThan"), "1.9.3");
	assert_string_equal(sat(aff, "#1/versions/#0/versionType"), "custom");
	assert_string_equal(sat(aff, "#1/versions/#0/status"), "affected");
	assert_string_equal(sat(aff, "#2/defaultStatus"), "affected");
	assert_string_equal(sat(c,
	    "containers/cna/problemTypes/#0/descriptions/#0/cweId"),
	    "CWE-787");
	assert_string_equal(sat(c,
	    "containers/cna/metrics/#0/cvssV3_1/vectorString"),
	    a.cvss_vector);
	assert_string_equal(sat(c, "containers/cna/references/#0/url"),
	    a.advisory_url);
	assert_string_equal(sat(c, "containers/cna/references/#0/tags/#0"),
	    "vendor-advisory");
	assert_string_equal(sat(c, "containers/cna/credits/#0/value"),
	    "Jane Doe");
	assert_int_equal(json_array_size(jat(c, "containers/cna/workarounds")),
	    2);
	assert_non_null(jat(c, "containers/cna/solutions"));
	json_decref(c);

	/* No CWE: still a problem type; no CVSS: no metrics. */
	a.cwe_id = a.cwe_name = NULL;
	a.cvss_vector = NULL;
	c = publish_cve(&a, ORG, err, sizeof(err));
	assert_non_null(c);
	assert_string_equal(sat(c,
	    "containers/cna/problemTypes/#0/descriptions/#0/description"),
	    "n/a");
	assert_null(jat(c, "containers/cna/metrics"));
	json_decref(c);
}

static void
test_cve_versions_unique(void **state)
{
	static const char *const aff[] = { "<2", "< 2", "1.0", "1.0" };
	static const struct publish_product p[] = {
		{ "P", "V", aff, 4, NULL, 0 },
	};
	struct publish_advisory a = base();
	char	 err[256];
	json_t	*c, *d;

	(void)state;
	a.products = p;
	a.nproducts = 1;
	c = publish_cve(&a, ORG, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(json_array_size(jat(c,
	    "containers/cna/affected/#0/versions")), 2);
	json_decref(c);
	d = publish_csaf(&a, err, sizeof(err));
	assert_non_null(d);
	/* "1.0" twice is one product, "<2" and "< 2" another */
	assert_int_equal(json_array_size(jat(d,
	    "vulnerabilities/#0/product_status/known_affected")), 2);
	json_decref(d);
}

static void
test_cve_rejects(void **state)
{
	struct publish_advisory a = base();
	char	 err[256], title[300];

	(void)state;
	assert_null(publish_cve(&a, "not-a-uuid", err, sizeof(err)));
	/* version nibble must be 4 */
	assert_null(publish_cve(&a, "b3476cb9-2e3d-11a6-98d0-0f47421a65b6",
	    err, sizeof(err)));
	a.lang = "de";
	assert_null(publish_cve(&a, ORG, err, sizeof(err)));
	assert_non_null(strstr(err, "English"));
	a = base();
	memset(title, 'x', sizeof(title) - 1);
	title[sizeof(title) - 1] = '\0';
	a.title = title;
	assert_null(publish_cve(&a, ORG, err, sizeof(err)));
	a = base();
	a.cvss_severity = "LOW";
	assert_null(publish_cve(&a, ORG, err, sizeof(err)));
	assert_null(publish_cve(NULL, ORG, err, sizeof(err)));
}

/* ---- helpers ---- */

static void
test_range_parse(void **state)
{
	static const struct {
		const char *in;
		int kind;
		const char *lo, *hi;
		int incl;
		const char *scheme;
	} t[] = {
		{ "1.2.3", PUBLISH_V_SINGLE, "", "", 0, "" },
		{ "2.0 beta", PUBLISH_V_SINGLE, "", "", 0, "" },
		{ "<1.9.3", PUBLISH_V_RANGE, "", "1.9.3", 0, "generic" },
		{ "<= 0.9", PUBLISH_V_RANGE, "", "0.9", 1, "generic" },
		{ ">=1.0 <2.0", PUBLISH_V_RANGE, "1.0", "2.0", 0, "generic" },
		{ ">=1.0, <=1.4", PUBLISH_V_RANGE, "1.0", "1.4", 1, "generic" },
		{ ">=3", PUBLISH_V_RANGE, "3", "", 0, "generic" },
		{ "vers:semver/>=1.0.0|<1.4.2", PUBLISH_V_RANGE, "1.0.0",
		    "1.4.2", 0, "semver" },
		{ "vers:npm/<2", PUBLISH_V_RANGE, "", "2", 0, "npm" },
		{ "all versions before 5.0", PUBLISH_V_TEXT, "", "", 0,
		    "generic" },
		{ "prior to 3", PUBLISH_V_TEXT, "", "", 0, "generic" },
		{ "Versions 1-3", PUBLISH_V_TEXT, "", "", 0, "generic" },
		{ ">1.0", PUBLISH_V_TEXT, "", "", 0, "generic" },
		{ "<1 <2", PUBLISH_V_TEXT, "", "", 0, "generic" },
		{ "vers:/<2", PUBLISH_V_TEXT, "", "", 0, "generic" },
		{ "<", PUBLISH_V_TEXT, "", "", 0, "generic" },
	};
	struct publish_range r;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		publish_range_parse(t[i].in, &r);
		if (r.kind != t[i].kind || strcmp(r.lo, t[i].lo) != 0 ||
		    strcmp(r.hi, t[i].hi) != 0 || r.hi_incl != t[i].incl ||
		    strcmp(r.scheme, t[i].scheme) != 0)
			fail_msg("\"%s\": kind %d lo \"%s\" hi \"%s\" incl %d "
			    "scheme \"%s\"", t[i].in, r.kind, r.lo, r.hi,
			    r.hi_incl, r.scheme);
	}
}

static void
test_rfc3339(void **state)
{
	static const struct {
		const char *s;
		long long sec;	/* -1: reject */
	} t[] = {
		{ "2026-12-08T18:00:00Z", 1796752800LL },
		{ "2026-12-08T19:00:00+01:00", 1796752800LL },
		{ "2026-12-08T17:00:00.5-01:00", 1796752800LL },
		{ "2024-02-29T00:00:00Z", 1709164800LL },
		{ "2026-02-29T00:00:00Z", -1 },
		{ "2026-12-08T18:00:00", -1 },
		{ "2026-12-08 18:00:00Z", -1 },
		{ "2026-12-08T24:00:00Z", -1 },
		{ "2026-12-08T18:00:60Z", -1 },
		{ "2026-12-08T18:00:00z", -1 },
		{ "2026-12-08T18:00:00+0100", -1 },
		{ "2026-12-08T18:00:00.Z", -1 },
		{ "1899-12-31T00:00:00Z", -1 },
		{ "", -1 },
	};
	long long sec;
	size_t	 i;
	int	 rc;

	(void)state;
	assert_int_equal(publish_rfc3339("1970-01-01T00:00:00Z", &sec, NULL),
	    0);
	assert_true(sec == 0);
	for (i = 0; i < NELEM(t); i++) {
		rc = publish_rfc3339(t[i].s, &sec, NULL);
		if (t[i].sec == -1) {
			if (rc != -1)
				fail_msg("\"%s\" accepted", t[i].s);
		} else if (rc != 0 || sec != t[i].sec)
			fail_msg("\"%s\": rc %d sec %lld, want %lld", t[i].s,
			    rc, sec, t[i].sec);
	}
	assert_int_equal(publish_rfc3339(NULL, &sec, NULL), -1);
}

static void
test_severity_and_dumps(void **state)
{
	struct publish_advisory a = base();
	char	 err[256], *s;
	json_t	*d;

	(void)state;
	assert_string_equal(publish_severity(0.0), "NONE");
	assert_string_equal(publish_severity(0.1), "LOW");
	assert_string_equal(publish_severity(3.9), "LOW");
	assert_string_equal(publish_severity(4.0), "MEDIUM");
	assert_string_equal(publish_severity(6.9), "MEDIUM");
	assert_string_equal(publish_severity(7.0), "HIGH");
	assert_string_equal(publish_severity(8.9), "HIGH");
	assert_string_equal(publish_severity(9.0), "CRITICAL");
	assert_string_equal(publish_cvss_version("CVSS:3.0/AV:N"), "3.0");
	assert_null(publish_cvss_version("AV:N/AC:L"));
	d = publish_csaf(&a, err, sizeof(err));
	assert_non_null(d);
	s = publish_dumps(d);
	assert_non_null(s);
	assert_non_null(strstr(s, "\"baseScore\": 9.8,"));
	/* keys sorted: "document" before "product_tree" */
	assert_true(strstr(s, "\"document\"") < strstr(s, "\"product_tree\""));
	free(s);
	json_decref(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filename_table),
		cmocka_unit_test(test_filename_rejects),
		cmocka_unit_test(test_path_and_url),
		cmocka_unit_test(test_required_fields),
		cmocka_unit_test(test_revisions),
		cmocka_unit_test(test_revision_rejects),
		cmocka_unit_test(test_product_ids),
		cmocka_unit_test(test_cvss4),
		cmocka_unit_test(test_no_cve),
		cmocka_unit_test(test_anonymous),
		cmocka_unit_test(test_csaf_rejects),
		cmocka_unit_test(test_cve_shape),
		cmocka_unit_test(test_cve_versions_unique),
		cmocka_unit_test(test_cve_rejects),
		cmocka_unit_test(test_range_parse),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_severity_and_dumps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
