/* cli/cmd_worker.c - `vigil worker [--once]`: the background jobs
 * without the web server (delivery of the outbox).  --once delivers what
 * is due and exits. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "mail/mail.h"
#include "mail/mail_jobs.h"
#include "store/store.h"
#include "util/log.h"
#include "cli.h"

static volatile int stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int
cmd_worker(struct cli *c, int argc, char *argv[])
{
	struct sigaction sa;
	struct store *st;
	int once = 0, rc;

	if (argc == 2 && strcmp(argv[1], "--once") == 0)
		once = 1;
	else if (argc != 1) {
		fprintf(stderr, "usage: vigil worker [--once]\n");
		return 2;
	}
	if (cli_ensure_db_dir(c->cfg.db_url) == -1 ||
	    (st = cli_store_open(c)) == NULL)
		return 1;
	if (store_migrate(st) < 0 || mail_init() == -1) {
		store_close(st);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rc = mail_outbox_run(st, &c->cfg, once, &stop);
	if (once && rc >= 0)
		printf("delivered or retried %d message%s; %d waiting\n", rc,
		    rc == 1 ? "" : "s", store_outbox_backlog(st));
	mail_shutdown();
	store_close(st);
	return rc < 0 ? 1 : 0;
}
