/* publish/build.h - the publish model (publish/advisory.h) of a stored,
 * published advisory: its draft fields, its revisions, its case (product,
 * CVSS, CWE, the researcher's credit) and the configuration (publisher,
 * URLs).  Used by the public pages and feeds (web/h_advisories.c). */
#ifndef PUBLISH_BUILD_H
#define PUBLISH_BUILD_H
#include <stddef.h>

#include "publish/advisory.h"

struct store;
struct config;
struct arena;
struct store_advisory;

/*
 * Fills *out from the advisory a (as store_advisory_get/store_advisories
 * return it).  Every string of *out, and its product and revision
 * arrays, are allocated from the arena.
 *
 *   id, title, summary, cve, workarounds, mitigations, known_issues,
 *   restart_required  <- a->advisory_id, a->d.*  ("" becomes NULL)
 *   products          <- one product: the case's product (or its "other"
 *                        name), vendor from the product list (default the
 *                        publisher name); affected/fixed versions from
 *                        a->d.affected / a->d.fixed, comma-separated lists
 *                        (">=1.0, <1.4" stays one range: an item starting
 *                        with '<' after one starting with '>' is joined to
 *                        it)
 *   cvss_*            <- the case's staff_cvss, or else the researcher's
 *                        vector; scored with core_cvss_score (base score;
 *                        severity derived).  A vector that does not score
 *                        is left out.
 *   cwe_id/cwe_name   <- the case's staff_cwe when it is in the catalogue
 *                        (core_cwe_find)
 *   acknowledgment    <- a->d.acknowledgment, or else the case's credit
 *                        (empty credit: the reporter's name); never when
 *                        either is "anonymous"
 *   revisions         <- store_advisory_revisions, dates RFC 3339 UTC
 *   publisher_*       <- [advisories] publisher_name (default team_name),
 *                        publisher_namespace; contact = [security] contact
 *                        or the [mail] address
 *   advisory_url      <- base_url + "/advisories/<ID>" when base_url is
 *                        https; otherwise publisher_namespace +
 *                        "/advisories/<ID>", since CSAF wants https URLs
 *                        (a server run on plain http, e.g. behind a TLS
 *                        proxy whose base_url was not set, or in tests)
 *   status "final", lang "en", tracking_generator "Vigil <version>"
 *
 * Does not run publish_check: the HTML page shows what there is; the
 * CSAF generator refuses what would not validate.  Returns 0, or -1 with
 * a message in err (a store error, the case missing, out of memory).
 */
int	publish_build(struct store *, const struct config *,
	    const struct store_advisory *, struct arena *,
	    struct publish_advisory *out, char *err, size_t errlen);

/* "2026-12-08T18:00:00Z" of t, into out (21 bytes or more). */
void	publish_format_utc(long long t, char *out, size_t outlen);

#endif
