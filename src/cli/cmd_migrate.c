/* cli/cmd_migrate.c - `vigil migrate`: applies pending migrations. */
#include <stdio.h>

#include "store/store.h"
#include "cli.h"

int
cmd_migrate(struct cli *c, int argc, char *argv[])
{
	struct store *st;
	int n;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: vigil migrate\n");
		return 2;
	}
	if (cli_ensure_db_dir(c->cfg.db_url) == -1 ||
	    (st = cli_store_open(c)) == NULL)
		return 1;
	n = store_migrate(st);
	if (n >= 0)
		printf("database at schema version %d (%d migration%s "
		    "applied)\n", store_schema_version(st), n, n == 1 ? "" :
		    "s");
	store_close(st);
	return n < 0 ? 1 : 0;
}
