/* publish/jobs.h - the release timers: advance notices to subscribers on
 * a release's notice date, and publication at its window. */
#ifndef PUBLISH_JOBS_H
#define PUBLISH_JOBS_H

struct store;
struct config;

/* Sends due advance notices and publishes due releases; returns how many
 * releases were noticed or published, or -1. */
int	publish_timers(struct store *, const struct config *);

#endif
