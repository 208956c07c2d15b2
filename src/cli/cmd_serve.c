/* cli/cmd_serve.c - `vigil serve [--listen ADDR:PORT] [--no-worker]` */
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "util/log.h"
#include "web/web.h"
#include "cli.h"

int
cmd_serve(struct cli *c, int argc, char *argv[])
{
	struct web_app app;
	struct store *st;
	const char *listen = c->cfg.listen;
	int i, rc = 1, no_worker = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen = argv[++i];
		else if (strncmp(argv[i], "--listen=", 9) == 0)
			listen = argv[i] + 9;
		else if (strcmp(argv[i], "--no-worker") == 0)
			no_worker = 1;
		else {
			fprintf(stderr, "usage: vigil serve [--listen "
			    "ADDR:PORT] [--no-worker]\n");
			return 2;
		}
	}
	/* No background jobs exist yet; --no-worker is accepted so that
	 * scripts written for scale-out keep working. */
	(void)no_worker;
	if (cli_ensure_db_dir(c->cfg.db_url) == -1 ||
	    (st = cli_store_open(c)) == NULL)
		return 1;
	if (store_migrate(st) < 0) {
		log_err("the database could not be migrated");
		goto out;
	}
	if (web_app_init(&app, &c->cfg, st) == -1)
		goto out;
	rc = web_serve(&app, listen) == 0 ? 0 : 1;
	web_app_release(&app);
out:
	store_close(st);
	return rc;
}
