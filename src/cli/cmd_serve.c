/* cli/cmd_serve.c - `vigil serve [--listen ADDR:PORT] [--no-worker]` */
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "mail/mail.h"
#include "mail/mail_jobs.h"
#include "runner/job.h"
#include "store/store.h"
#include "util/log.h"
#include "web/web.h"
#include "cli.h"

static pthread_t worker;
static volatile int worker_stop;

struct worker_arg {
	struct store		*st;
	const struct config	*cfg;
};

static pthread_t runner;

static void *
worker_main(void *p)
{
	struct worker_arg *a = p;

	mail_outbox_run(a->st, a->cfg, 0, &worker_stop);
	return NULL;
}

static void *
runner_main(void *p)
{
	struct worker_arg *a = p;

	runner_jobs_run(a->st, a->cfg, 0, &worker_stop);
	return NULL;
}

/* The background jobs run as a thread of the server. */
static int
start_worker(struct store *st, const struct config *cfg)
{
	static struct worker_arg a;
	sigset_t set, old;
	int rc;

	/* GMime and GPGME are set up by the outbox thread when it first has
	 * mail to send (an idle server does not carry them). */
	a.st = st;
	a.cfg = cfg;
	/* the worker never takes the stop signals: the main thread does */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	rc = pthread_create(&worker, NULL, worker_main, &a);
	if (rc == 0 && (rc = pthread_create(&runner, NULL, runner_main,
	    &a)) != 0) {
		worker_stop = 1;
		pthread_join(worker, NULL);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		log_err("cannot start the worker thread");
		return -1;
	}
	return 0;
}

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
	/* Few malloc arenas: the server's threads share two instead of one
	 * each (less memory held idle, no difference in speed here). */
	mallopt(M_ARENA_MAX, 2);
	if (cli_ensure_db_dir(c->cfg.db_url) == -1 ||
	    (st = cli_store_open(c)) == NULL)
		return 1;
	if (store_migrate(st) < 0) {
		log_err("the database could not be migrated");
		goto out;
	}
	if (web_app_init(&app, &c->cfg, st) == -1)
		goto out;
	if (!no_worker && start_worker(st, &c->cfg) == -1)
		goto out_app;
	/* start-up allocations (templates compiled, the argon2 work area of
	 * the dummy hash) are done: give the memory back */
	malloc_trim(0);
	rc = web_serve(&app, listen) == 0 ? 0 : 1;
	if (!no_worker) {
		worker_stop = 1;
		pthread_join(worker, NULL);
		pthread_join(runner, NULL);
		mail_shutdown();
	}
out_app:
	web_app_release(&app);
out:
	store_close(st);
	return rc;
}
