/* core/extract.h - pulls CVE IDs, CVSS vectors, URLs, version strings and
 * known product names out of free text (a report, an e-mail body).  Pure:
 * libc only, no regular expressions; one linear pass with explicit
 * bounds, so hostile input costs O(len * nproducts). */
#ifndef CORE_EXTRACT_H
#define CORE_EXTRACT_H
#include <stddef.h>

#define CORE_EXTRACT_URL_MAX	2048	/* longer URLs are skipped */
#define CORE_EXTRACT_VER_MAX	64	/* longer version tokens are skipped */
#define CORE_EXTRACT_CVSS_MAX	512	/* longer CVSS tokens are skipped */

struct core_extract {
	const char	*cves[16];	/* "CVE-2024-12345", upper case */
	size_t		 ncves;
	const char	*cvss[4];	/* "CVSS:3.1/AV:N/..." as written */
	size_t		 ncvss;
	const char	*urls[16];	/* http(s)://..., trailing .,;:)] cut */
	size_t		 nurls;
	const char	*versions[16];	/* "1.4.2", "2.0.0-rc1" (leading v dropped) */
	size_t		 nversions;
	const char	*products[8];	/* the matching entries of products[] */
	size_t		 nproducts;
};

/* Scans text (len bytes; NUL bytes are treated as separators) and fills
 * out.  Every string is copied into buf (buflen bytes, NUL-separated);
 * when buf or an array is full, further finds are dropped.  Each list is
 * deduplicated and in order of first appearance.  products: names to look
 * for (case-insensitive, whole words), may be NULL when nproducts is 0.
 * Versions: digits with at least one dot and an optional suffix
 * ("-rc1", "-beta2"); all-numeric a.b.c.d (IPv4 addresses) are skipped,
 * as is anything inside a URL. */
void	core_extract(const char *text, size_t len,
	    const char *const *products, size_t nproducts, char *buf,
	    size_t buflen, struct core_extract *out);

#endif
