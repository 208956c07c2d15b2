/* report/keys.h - what the report models share: distinct strings
 * (products, CWEs, components) numbered 0, 1, 2... in order of first
 * appearance (an open hash, so a million lookups stay cheap), and
 * charts put into a model. */
#ifndef REPORT_KEYS_H
#define REPORT_KEYS_H
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/buf.h"

struct report_keys {
	char		**name;		/* name[i] is key i */
	size_t		 n, cap;
	uint32_t	*slot;		/* index + 1, 0 = empty */
	size_t		 nslot;
};

/* The number of name in k (zero-initialise k first), added if new;
 * UINT32_MAX when out of memory. */
uint32_t	 report_key_of(struct report_keys *k, const char *name);
void		 report_keys_free(struct report_keys *k);

/* Moves a drawn chart (b's bytes) into the JSON model m as member key
 * (a "*_html" name) and empties b.  Returns 0, or -1 if b failed. */
int		 report_keys_svg(json_t *m, const char *key, struct buf *b);

#endif
