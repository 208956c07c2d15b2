/*
 * publish_main — writes sample advisories as CSAF 2.0 and CVE 5.1 JSON so
 * the conformance scripts can check them:
 *
 *   publish_main OUTDIR
 *     OUTDIR/csaf/<CSAF file name>   one per sample
 *     OUTDIR/cve/<CVE-ID>.json       one per sample with a CVE ID
 *
 * then tests/integration/csaf_validate.mjs OUTDIR/csaf and
 * tests/integration/cve_validate.mjs OUTDIR/cve.  Exit 0, or 1
 * when a generator refused a sample (or accepted one it must refuse).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "publish/advisory.h"

#define NS	"https://vigil.example.org"
#define ORG	"b3476cb9-2e3d-41a6-98d0-0f47421a65b6"

/* 1: CVSS 3.1, CVE, CWE, two products of one vendor, ranges, 3 revisions. */
static const char *const a1_srv_aff[] = { "2.3.0", "2.3.1", "2.4.0" };
static const char *const a1_srv_fix[] = { "2.4.1", "2.5.0" };
static const char *const a1_cli_aff[] = { "<1.9.3" };
static const char *const a1_cli_fix[] = { "1.9.3" };
static const struct publish_product a1_products[] = {
	{ "Widget Server", "Example Corp", a1_srv_aff, 3, a1_srv_fix, 2 },
	{ "Widget Client", "Example Corp", a1_cli_aff, 1, a1_cli_fix, 1 },
};
static const struct publish_revision a1_revs[] = {
	{ 1, "2026-12-08T18:00:00Z", "Initial release" },
	{ 2, "2026-12-09T09:30:00Z", "Added Widget Client" },
	{ 3, "2026-12-15T12:00:00Z", "Fixed version 2.5.0 released" },
};
static const struct publish_advisory a1 = {
	.id = "VIGIL-2026-0001",
	.title = "Heap buffer overflow in Widget Server request parser",
	.summary = "A crafted request header makes Widget Server write past "
	    "the end of a heap buffer, which lets a remote attacker run "
	    "code as the server user.",
	.publisher_name = "Vigil Example PSIRT",
	.publisher_namespace = NS,
	.publisher_contact = "security@vigil.example.org",
	.lang = "en",
	.products = a1_products, .nproducts = 2,
	.cve = "CVE-2026-12345",
	.cwe_id = "CWE-787", .cwe_name = "Out-of-bounds Write",
	.cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	.cvss_score = 9.8, .cvss_severity = "CRITICAL",
	.workarounds = "Put a proxy in front that drops request headers "
	    "longer than 8 KiB.",
	.mitigations = "Run the server without network exposure.",
	.restart_required = PUBLISH_RESTART_SERVICE,
	.known_issues = "Version 2.4.1 logs a harmless warning at start.",
	.acknowledgment = "Jane Doe of Example Research",
	.revisions = a1_revs, .nrevisions = 3,
	.initial_release_date = "2026-12-08T18:00:00Z",
	.current_release_date = "2026-12-15T12:00:00Z",
	.status = "final",
	.advisory_url = NS "/advisories/VIGIL-2026-0001",
	.tracking_generator = "Vigil 0.1.0",
};

/* 2: CVSS 4.0, anonymous researcher, interim, one revision. */
static const char *const a2_aff[] = { "3.0.0", "3.0.1" };
static const char *const a2_fix[] = { "3.0.2" };
static const struct publish_product a2_products[] = {
	{ "Gadget Hub", "Example Corp", a2_aff, 2, a2_fix, 1 },
};
static const struct publish_revision a2_revs[] = {
	{ 1, "2026-11-02T08:00:00Z", "Initial release" },
};
static const struct publish_advisory a2 = {
	.id = "VIGIL-2026-0002",
	.title = "Authentication bypass in Gadget Hub pairing",
	.summary = "The pairing endpoint of Gadget Hub accepts an empty "
	    "token, so anyone on the network can take over the hub.",
	.publisher_name = "Vigil Example PSIRT",
	.publisher_namespace = NS,
	.products = a2_products, .nproducts = 1,
	.cve = "CVE-2026-20001",
	.cwe_id = "CWE-287", .cwe_name = "Improper Authentication",
	.cvss_vector = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/"
	    "SC:N/SI:N/SA:N",
	.cvss_score = 9.3, .cvss_severity = "CRITICAL",
	.restart_required = PUBLISH_RESTART_MACHINE,
	.revisions = a2_revs, .nrevisions = 1,
	.status = "interim",
	.advisory_url = NS "/advisories/VIGIL-2026-0002",
	.tracking_generator = "Vigil 0.1.0",
};

/*
 * 3: no CVE, CVSS 3.1 medium, two vendors, a vers: range, a product with
 * no fix yet and a product with no version list; time zone offsets.
 */
static const char *const a3_lib_aff[] = { "vers:semver/>=1.0.0|<1.4.2" };
static const char *const a3_lib_fix[] = { "1.4.2" };
static const char *const a3_app_aff[] = { "5.1", "5.2",
    "all versions before 5.0" };
static const struct publish_product a3_products[] = {
	{ "libpath", "Path Project", a3_lib_aff, 1, a3_lib_fix, 1 },
	{ "Docs Viewer", "Example Corp", a3_app_aff, 3, NULL, 0 },
	{ "Docs Appliance", "Example Corp", NULL, 0, NULL, 0 },
};
static const struct publish_revision a3_revs[] = {
	{ 1, "2026-10-01T10:00:00+02:00", "Initial release" },
	{ 2, "2026-10-01T10:00:00Z", "Clarified affected versions" },
};
static const struct publish_advisory a3 = {
	.id = "VIGIL-2026-0003",
	.title = "Path traversal in document download",
	.summary = "A \"../\" sequence in the file parameter escapes the "
	    "document root and reads any file the service can read.",
	.publisher_name = "Vigil Example PSIRT",
	.publisher_namespace = NS,
	.lang = "en-US",
	.products = a3_products, .nproducts = 3,
	.cwe_id = "CWE-22",
	.cwe_name = "Improper Limitation of a Pathname to a Restricted "
	    "Directory ('Path Traversal')",
	.cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",
	.cvss_score = 6.5,
	.workarounds = "Deny requests whose file parameter contains \"..\".",
	.restart_required = -1,
	.acknowledgment = "Łukasz Müller",
	.revisions = a3_revs, .nrevisions = 2,
	.status = "final",
	.advisory_url = NS "/advisories/VIGIL-2026-0003?lang=en#top",
};

/* 4: no CVSS, no CWE, a tracking id that needs the file name rule. */
static const char *const a4_aff[] = { "1.0", "1.1", "<=0.9" };
static const char *const a4_fix[] = { ">=1.2" };
static const struct publish_product a4_products[] = {
	{ "Sprocket", "ACME", a4_aff, 3, a4_fix, 1 },
};
static const struct publish_revision a4_revs[] = {
	{ 1, "2026-01-05T00:00:00.123Z", "Initial release" },
	{ 2, "2026-01-06T00:00:00Z", "Typo" },
	{ 3, "2026-01-06T00:00:00Z", "Credit added" },
	{ 4, "2026-02-01T00:00:00Z", "Final" },
};
static const struct publish_advisory a4 = {
	.id = "ACME Corp:SA 2026/04",
	.title = "Sprocket leaks session cookies to third-party sites",
	.summary = "Sprocket sends its session cookie with cross-site "
	    "requests.",
	.publisher_name = "ACME PSIRT",
	.publisher_namespace = "https://acme.example.com/",
	.products = a4_products, .nproducts = 1,
	.cve = "CVE-2026-1000004",
	.restart_required = PUBLISH_RESTART_NONE,
	.acknowledgment = "R. Searcher",
	.revisions = a4_revs, .nrevisions = 4,
	.current_release_date = "2026-03-01T00:00:00Z",
	.status = "final",
	.advisory_url = "https://acme.example.com/sa/2026-04.html",
	.tracking_generator = "Vigil",
};

static const struct publish_advisory *const samples[] = { &a1, &a2, &a3,
    &a4 };

static int
write_json(const char *dir, const char *sub, const char *name,
    const json_t *doc)
{
	char	 path[4096];
	char	*s;
	FILE	*f;
	int	 rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		perror(path);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	if ((s = publish_dumps(doc)) == NULL)
		return -1;
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		free(s);
		return -1;
	}
	if (fputs(s, f) == EOF || fputc('\n', f) == EOF)
		rc = -1;
	if (fclose(f) == EOF)
		rc = -1;
	free(s);
	if (rc == 0)
		printf("wrote %s\n", path);
	return rc;
}

int
main(int argc, char *argv[])
{
	char	 err[256], name[512];
	json_t	*doc;
	size_t	 i;
	int	 rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
		return 2;
	}
	if (mkdir(argv[1], 0755) == -1 && errno != EEXIST) {
		perror(argv[1]);
		return 1;
	}
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct publish_advisory *a = samples[i];

		if ((doc = publish_csaf(a, err, sizeof(err))) == NULL) {
			fprintf(stderr, "%s: CSAF: %s\n", a->id, err);
			rc = 1;
		} else {
			if (publish_csaf_filename(a->id, name,
			    sizeof(name)) == -1 ||
			    write_json(argv[1], "csaf", name, doc) == -1)
				rc = 1;
			json_decref(doc);
		}
		doc = publish_cve(a, ORG, err, sizeof(err));
		if (a->cve == NULL) {
			if (doc != NULL) {
				fprintf(stderr, "%s: CVE record made without "
				    "a CVE ID\n", a->id);
				json_decref(doc);
				rc = 1;
			}
			continue;
		}
		if (doc == NULL) {
			fprintf(stderr, "%s: CVE: %s\n", a->id, err);
			rc = 1;
			continue;
		}
		snprintf(name, sizeof(name), "%s.json", a->cve);
		if (write_json(argv[1], "cve", name, doc) == -1)
			rc = 1;
		json_decref(doc);
	}
	return rc;
}
