/* publish/jobs.h - the release timers: advance notices to subscribers on
 * a release's notice date, and publication at its window. */
#ifndef PUBLISH_JOBS_H
#define PUBLISH_JOBS_H

#include <stdint.h>

struct store;
struct config;

/* Sends due advance notices and publishes due releases; returns how many
 * releases were noticed or published, or -1. */
int	publish_timers(struct store *, const struct config *);

/* Mails the release notice (its advisories with links) to the confirmed
 * subscribers who want one of its products; after any publication, timed
 * or by hand. */
void	publish_announce(struct store *, const struct config *,
	    int64_t release_id);

#endif
