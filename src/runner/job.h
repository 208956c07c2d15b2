/* runner/job.h - independent test runs: claim a queued run, test the
 * patch revision in the sandbox, store every step.  Also the timers of
 * the verification step (reminders). */
#ifndef RUNNER_JOB_H
#define RUNNER_JOB_H

struct store;
struct config;

/* Runs queued test runs.  once = 1: until none is queued, then returns
 * how many ran (or -1).  once = 0: polls every worker_interval seconds
 * until *stop. */
int	runner_jobs_run(struct store *, const struct config *, int once,
	    volatile int *stop);
/* Reminds researchers whose verification deadline passed (one mail
 * each).  Returns the number reminded, or -1. */
int	runner_timers(struct store *, const struct config *);

#endif
