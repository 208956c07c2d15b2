/* cli/cmd_product.c - `vigil product add|list`: products and their test
 * plans (how to build, how to run the regression suite, how to run a
 * proof of concept and when it counts as reproducing). */
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/report.h"
#include "store/store.h"
#include "util/arena.h"
#include "cli.h"

static int
usage(void)
{
	fprintf(stderr, "usage: vigil product add --name N [--vendor V] "
	    "--source PATH --build CMD --test CMD --poc CMD\n"
	    "                         [--oracle crash|nonzero|match:REGEX] "
	    "[--version NAME[=REF]]...\n"
	    "       vigil product list\n"
	    "REF: a git ref of the source repository, a tarball, or nothing "
	    "(the folder as it is)\n");
	return 2;
}

int
cli_oracle_ok(const char *o)
{
	regex_t re;

	if (strcmp(o, "crash") == 0 || strcmp(o, "nonzero") == 0)
		return 1;
	if (strncmp(o, "match:", 6) != 0 || strlen(o) > 206 || o[6] == '\0')
		return 0;
	if (regcomp(&re, o + 6, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	regfree(&re);
	return 1;
}

static int
add(struct store *st, int argc, char *argv[])
{
	struct store_product_plan pl;
	const char *versions[64];
	char name[256], *eq;
	int64_t id;
	int i, nv = 0;

	memset(&pl, 0, sizeof(pl));
	pl.vendor = "";
	pl.oracle = "crash";
	for (i = 0; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (v == NULL)
			return usage();
		if (strcmp(argv[i], "--name") == 0)
			pl.name = v;
		else if (strcmp(argv[i], "--vendor") == 0)
			pl.vendor = v;
		else if (strcmp(argv[i], "--source") == 0)
			pl.source = v;
		else if (strcmp(argv[i], "--build") == 0)
			pl.build_cmd = v;
		else if (strcmp(argv[i], "--test") == 0)
			pl.test_cmd = v;
		else if (strcmp(argv[i], "--poc") == 0)
			pl.poc_cmd = v;
		else if (strcmp(argv[i], "--oracle") == 0)
			pl.oracle = v;
		else if (strcmp(argv[i], "--version") == 0 && nv < 64)
			versions[nv++] = v;
		else
			return usage();
		i++;
	}
	if (pl.name == NULL || pl.source == NULL || pl.build_cmd == NULL ||
	    pl.test_cmd == NULL || pl.poc_cmd == NULL)
		return usage();
	if (!core_text_ok(pl.name, strlen(pl.name), 0) ||
	    core_utf8_len(pl.name) == 0 || core_utf8_len(pl.name) > 200) {
		fprintf(stderr, "vigil: the name must be one line of 1 to 200 "
		    "characters\n");
		return 2;
	}
	if (pl.source[0] != '/') {
		fprintf(stderr, "vigil: --source must be an absolute path\n");
		return 2;
	}
	if (strstr(pl.poc_cmd, "{poc}") == NULL) {
		fprintf(stderr, "vigil: --poc must contain {poc}, the place of "
		    "the proof-of-concept file\n");
		return 2;
	}
	if (!cli_oracle_ok(pl.oracle)) {
		fprintf(stderr, "vigil: --oracle is crash, nonzero or "
		    "match:REGEX (an extended regular expression)\n");
		return 2;
	}
	if (store_product_plan_set(st, &pl, time(NULL), &id) != STORE_OK)
		return 1;
	for (i = 0; i < nv; i++) {
		snprintf(name, sizeof(name), "%s", versions[i]);
		if ((eq = strchr(name, '=')) != NULL)
			*eq++ = '\0';
		if (store_version_add(st, id, name, eq ? eq : "", time(NULL),
		    NULL) == STORE_ERR)
			return 1;
	}
	printf("product %s (id %lld) with %d version%s\n", pl.name,
	    (long long)id, nv, nv == 1 ? "" : "s");
	return 0;
}

static int
list(struct store *st)
{
	struct store_product *p;
	struct store_product_plan pl;
	struct store_version *v;
	struct arena ar;
	size_t n, nv, i, j;

	util_arena_init(&ar, 0);
	if (store_products_list(st, &ar, &p, &n) != STORE_OK) {
		util_arena_release(&ar);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (store_product_plan_get(st, p[i].id, &ar, &pl) != STORE_OK ||
		    store_versions(st, p[i].id, &ar, &v, &nv) != STORE_OK)
			continue;
		printf("%s\t%s\n", pl.name, pl.vendor);
		if (pl.build_cmd[0] != '\0')
			printf("  source %s\n  build  %s\n  test   %s\n"
			    "  poc    %s\n  oracle %s\n", pl.source,
			    pl.build_cmd, pl.test_cmd, pl.poc_cmd, pl.oracle);
		for (j = 0; j < nv; j++)
			printf("  version %s%s%s\n", v[j].name,
			    v[j].ref[0] ? " = " : "", v[j].ref);
	}
	util_arena_release(&ar);
	return 0;
}

int
cmd_product(struct cli *c, int argc, char *argv[])
{
	struct store *st;
	int rc;

	if (argc < 2 || (strcmp(argv[1], "add") != 0 &&
	    strcmp(argv[1], "list") != 0))
		return usage();
	if (cli_ensure_db_dir(c->cfg.db_url) == -1 ||
	    (st = cli_store_open(c)) == NULL)
		return 1;
	if (store_migrate(st) < 0) {
		store_close(st);
		return 1;
	}
	rc = strcmp(argv[1], "add") == 0 ? add(st, argc - 2, argv + 2) :
	    list(st);
	store_close(st);
	return rc;
}
