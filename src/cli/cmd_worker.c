/* cli/cmd_worker.c - `vigil worker [--once]`: the background jobs
 * without the web server (delivery of the outbox).  --once delivers what
 * is due and exits. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "mail/mail.h"
#include "mail/mail_jobs.h"
#include "runner/job.h"
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

struct job_arg {
	struct store		*st;
	const struct config	*cfg;
};

static void *
runner_thread(void *p)
{
	struct job_arg *a = p;

	runner_jobs_run(a->st, a->cfg, 0, &stop);
	return NULL;
}

/* Mail delivery in this thread, test runs in another (they are long). */
static int
run_both(struct store *st, const struct config *cfg)
{
	struct job_arg a = { st, cfg };
	pthread_t t;
	int rc;

	if (pthread_create(&t, NULL, runner_thread, &a) != 0)
		return -1;
	rc = mail_outbox_run(st, cfg, 0, &stop);
	stop = 1;
	pthread_join(t, NULL);
	return rc;
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
	if (once) {
		/* test runs first: they may queue mail */
		int runs = runner_jobs_run(st, &c->cfg, 1, &stop);
		if (runs >= 0)
			printf("ran %d test run%s\n", runs, runs == 1 ? "" :
			    "s");
		rc = mail_outbox_run(st, &c->cfg, 1, &stop);
		if (rc >= 0)
			printf("delivered or retried %d message%s; %d "
			    "waiting\n", rc, rc == 1 ? "" : "s",
			    store_outbox_backlog(st));
		if (runs < 0)
			rc = -1;
	} else
		rc = run_both(st, &c->cfg);
	mail_shutdown();
	store_close(st);
	return rc < 0 ? 1 : 0;
}
