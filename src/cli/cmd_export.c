/* cli/cmd_export.c - `vigil export csaf|cve --advisory ID`: an advisory
 * as a CSAF 2.0 document or, per CVE ID, a CVE JSON 5.1 record, on
 * standard output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish/advisory.h"
#include "publish/build.h"
#include "store/store.h"
#include "util/arena.h"
#include "cli.h"

static int
usage(void)
{
	fprintf(stderr, "usage: vigil export csaf|cve --advisory ID\n");
	return 2;
}

int
cmd_export(struct cli *c, int argc, char *argv[])
{
	struct publish_advisory pa;
	struct store_advisory adv;
	struct store *st;
	struct arena ar;
	const char *id = NULL;
	char err[256], *out;
	json_t *doc;
	int rc = 1, cve;

	if (argc != 4 || strcmp(argv[2], "--advisory") != 0)
		return usage();
	if (strcmp(argv[1], "csaf") == 0)
		cve = 0;
	else if (strcmp(argv[1], "cve") == 0)
		cve = 1;
	else
		return usage();
	id = argv[3];
	if ((st = cli_store_open(c)) == NULL)
		return 1;
	util_arena_init(&ar, 0);
	if (store_schema_version(st) < 5 ||
	    store_advisory_get(st, id, &ar, &adv) != STORE_OK) {
		fprintf(stderr, "vigil: no published advisory %s\n", id);
		goto out;
	}
	if (publish_build(st, &c->cfg, &adv, &ar, &pa, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "vigil: %s: %s\n", id, err);
		goto out;
	}
	doc = cve ? publish_cve(&pa, c->cfg.cna_org_id, err, sizeof(err)) :
	    publish_csaf(&pa, err, sizeof(err));
	if (doc == NULL) {
		fprintf(stderr, "vigil: %s: %s\n", id, err);
		goto out;
	}
	out = publish_dumps(doc);
	json_decref(doc);
	if (out == NULL)
		goto out;
	fputs(out, stdout);
	fputc('\n', stdout);
	free(out);
	rc = 0;
out:
	util_arena_release(&ar);
	store_close(st);
	return rc;
}
