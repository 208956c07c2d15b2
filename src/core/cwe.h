/* core/cwe.h - the weaknesses (MITRE CWE) a researcher can pick in the
 * report form: the 2024 CWE Top 25 plus other common ones for C and web
 * products.  Pure: libc only, static data. */
#ifndef CORE_CWE_H
#define CORE_CWE_H
#include <stddef.h>

struct core_cwe {
	int		 id;		/* 79 for CWE-79 */
	const char	*name;		/* the official CWE name */
	int		 top25;		/* 1 if in the 2024 CWE Top 25 */
};

/* The whole list, sorted by id; *n receives its length (n may be NULL). */
const struct core_cwe	*core_cwe_list(size_t *n);
/* The entry for id, or NULL if it is not in the list. */
const struct core_cwe	*core_cwe_find(int id);
/* Parses "CWE-N" (N: 1..4 digits, no leading zero); returns N, or -1.
 * Syntax only: use core_cwe_find() to see whether N is in the list. */
int			 core_cwe_parse(const char *s);
/* Rank 1..25 of id in the 2024 CWE Top 25, or 0 if not in it. */
int			 core_cwe_top25_rank(int id);

#endif
