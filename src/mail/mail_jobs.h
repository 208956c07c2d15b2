/* mail/mail_jobs.h - the two mail jobs built on mail.h and the store:
 * intake of one inbound message (vigil ingest-mail) and delivery of the
 * outbox (the worker).  Plain C types only. */
#ifndef MAIL_MAIL_JOBS_H
#define MAIL_MAIL_JOBS_H
#include <stddef.h>
#include <stdint.h>

struct store;
struct config;

/* What mail_ingest() did with a message. */
struct mail_ingest_result {
	int64_t		 mail_id;
	int64_t		 case_id;	/* 0 = none */
	char		 tracking_id[40];
	const char	*outcome;	/* "new_case", "threaded", "flagged", "ignored" */
	char		 why[256];	/* for "flagged" / "ignored" */
};

/* Set to 1 by mail_ingest() once the raw message is durably stored (a
 * CPU-limit signal handler may then exit 0: the message is kept). */
extern volatile int mail_ingest_stored;

/* Stores raw durably, then parses, threads or opens a case, and queues
 * the acknowledgment.  Returns 0 once the raw message is stored (whatever
 * happened next), -1 when it could not be stored (the MTA must retry). */
int	mail_ingest(struct store *, const struct config *, const char *raw,
	    size_t len, struct mail_ingest_result *);

/* Delivers what is due in the outbox.  once = 1: one sweep, then return
 * the number of messages handled (or -1).  once = 0: sweep every
 * worker_interval seconds until *stop becomes non-zero. */
int	mail_outbox_run(struct store *, const struct config *, int once,
	    volatile int *stop);

#endif
