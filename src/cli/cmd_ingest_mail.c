/* cli/cmd_ingest_mail.c - `vigil ingest-mail [--mbox FILE]`: what an MTA
 * pipes each incoming message into (see docs/mail.md).
 *
 * Exit 0 once the message is stored, also when it could not be parsed
 * (then it is flagged for a person); 75 (EX_TEMPFAIL) when it could not
 * be stored, so the MTA retries; 65 (EX_DATAERR) for a message over
 * [mail] max_message, so the MTA bounces it; 2 on a usage error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "mail/mail.h"
#include "mail/mail_jobs.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"
#include "cli.h"

#define EX_DATAERR	65
#define EX_TEMPFAIL	75

static int
usage(void)
{
	fprintf(stderr, "usage: vigil ingest-mail [--mbox FILE]\n");
	return 2;
}

/* Reads all of fd into b; -1 on a read error, -2 when over max. */
static int
slurp(FILE *f, struct buf *b, size_t max)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b->len + n > max)
			return -2;
		if (util_buf_append(b, chunk, n) == -1)
			return -1;
	}
	return ferror(f) ? -1 : 0;
}

static void
report(const struct mail_ingest_result *r)
{
	if (r->case_id != 0)
		printf("mail %lld: %s %s\n", (long long)r->mail_id, r->outcome,
		    r->tracking_id);
	else
		printf("mail %lld: %s: %s\n", (long long)r->mail_id,
		    r->outcome ? r->outcome : "stored", r->why);
}

/*
 * An mbox: messages start at lines "From " after a blank line (or at the
 * start); ">From " lines inside were escaped by the writer (mboxrd) and
 * lose one '>'.  Each message goes through the same path as a piped one,
 * so replies thread into the case their first message opened.
 */
static int
import_mbox(struct store *st, const struct config *cfg, const char *path)
{
	struct mail_ingest_result r;
	struct buf all, msg;
	FILE *f;
	const char *p, *end, *line, *nl;
	size_t ll;
	int n = 0, failed = 0, in_msg = 0, rc;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "vigil: cannot open %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	util_buf_init(&all, 0);
	rc = slurp(f, &all, (size_t)-1 / 2);
	fclose(f);
	if (rc != 0) {
		fprintf(stderr, "vigil: cannot read %s\n", path);
		util_buf_release(&all);
		return 1;
	}
	util_buf_init(&msg, cfg->max_message);
	/* An import can be run again: commit without a sync per message,
	 * and make it all durable at the end. */
	store_bulk_begin(st);
	p = all.data ? all.data : "";
	end = p + all.len;
	for (line = p; line < end; line = nl) {
		nl = memchr(line, '\n', (size_t)(end - line));
		nl = nl ? nl + 1 : end;
		ll = (size_t)(nl - line);
		/* a From_ line after a blank line (LF or CRLF mboxes) */
		if (ll >= 5 && memcmp(line, "From ", 5) == 0 &&
		    (line == p || (line >= p + 2 && line[-2] == '\n') ||
		    (line >= p + 3 && line[-2] == '\r' && line[-3] == '\n') ||
		    !in_msg)) {
			if (in_msg && msg.len > 0) {
				if (mail_ingest(st, cfg, msg.data, msg.len,
				    &r) == -1)
					failed++;
				else {
					report(&r);
					n++;
				}
			}
			util_buf_reset(&msg);
			in_msg = 1;
			continue;	/* the From_ line is not part of it */
		}
		if (!in_msg)
			continue;
		/* mboxrd: ">From " -> "From ", ">>From " -> ">From " */
		if (ll > 1 && line[0] == '>') {
			const char *q = line;
			while (q < nl && *q == '>')
				q++;
			if (nl - q >= 5 && memcmp(q, "From ", 5) == 0) {
				line++;
				ll--;
			}
		}
		if (util_buf_append(&msg, line, ll) == -1) {
			fprintf(stderr, "vigil: a message in %s is over "
			    "max_message; skipped\n", path);
			util_buf_reset(&msg);
			in_msg = 0;
			failed++;
		}
	}
	if (in_msg && msg.len > 0) {
		if (mail_ingest(st, cfg, msg.data, msg.len, &r) == -1)
			failed++;
		else {
			report(&r);
			n++;
		}
	}
	if (store_bulk_end(st) == -1)
		failed++;
	util_buf_release(&msg);
	util_buf_release(&all);
	printf("imported %d message%s%s\n", n, n == 1 ? "" : "s",
	    failed ? " (some failed)" : "");
	return failed ? 1 : 0;
}

#define CPU_SECONDS	10	/* per message (SECURITY.md: 5 s is the goal) */

/* Past its CPU budget a message is left as stored-but-unprocessed (the
 * E-mail page lists it for a person); before it is stored, the MTA must
 * try again. */
static void
on_xcpu(int sig)
{
	static const char msg[] = "vigil: ingest-mail: CPU time limit; the "
	    "message is kept for a person\n";

	(void)sig;
	if (mail_ingest_stored) {
		(void)!write(2, msg, sizeof(msg) - 1);
		_exit(0);
	}
	_exit(EX_TEMPFAIL);
}

int
cmd_ingest_mail(struct cli *c, int argc, char *argv[])
{
	struct mail_ingest_result r;
	struct store *st;
	struct buf b;
	const char *mbox = NULL;
	int rc;

	if (argc == 3 && strcmp(argv[1], "--mbox") == 0)
		mbox = argv[2];
	else if (argc != 1)
		return usage();
	store_set_pool_size(1);
	if (cli_ensure_db_dir(c->cfg.db_url) == -1 ||
	    (st = cli_store_open(c)) == NULL)
		return EX_TEMPFAIL;
	if (store_schema_version(st) < 3 && store_migrate(st) < 0) {
		store_close(st);
		return EX_TEMPFAIL;
	}
	if (mail_init() == -1) {
		store_close(st);
		return EX_TEMPFAIL;
	}
	if (mbox != NULL) {
		rc = import_mbox(st, &c->cfg, mbox);
		goto out;
	}
	{
		struct rlimit rl;
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_xcpu;
		sigaction(SIGXCPU, &sa, NULL);
		if (getrlimit(RLIMIT_CPU, &rl) == 0 &&
		    (rl.rlim_cur == RLIM_INFINITY ||
		    rl.rlim_cur > CPU_SECONDS)) {
			rl.rlim_cur = CPU_SECONDS;
			if (rl.rlim_max != RLIM_INFINITY &&
			    rl.rlim_max < rl.rlim_cur)
				rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_CPU, &rl);
		}
	}
	util_buf_init(&b, 0);
	rc = slurp(stdin, &b, c->cfg.max_message);
	if (rc == -2) {
		fprintf(stderr, "vigil: message larger than max_message "
		    "(%zu bytes)\n", c->cfg.max_message);
		util_buf_release(&b);
		rc = EX_DATAERR;
		goto out;
	}
	if (rc == -1) {
		fprintf(stderr, "vigil: cannot read the message\n");
		util_buf_release(&b);
		rc = EX_TEMPFAIL;
		goto out;
	}
	if (mail_ingest(st, &c->cfg, b.data ? b.data : "", b.len, &r) == -1) {
		fprintf(stderr, "vigil: the message could not be stored; "
		    "the MTA should retry\n");
		rc = EX_TEMPFAIL;
	} else {
		report(&r);
		rc = 0;
	}
	util_buf_release(&b);
out:
	mail_shutdown();
	store_close(st);
	return rc;
}
