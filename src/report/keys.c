/* report/keys.c - distinct strings numbered in order of appearance. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report/keys.h"
#include "util/buf.h"

static uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

uint32_t
report_key_of(struct report_keys *k, const char *name)
{
	size_t i, j;
	uint32_t *ns;
	char **nn;

	if (k->n * 2 >= k->nslot) {
		size_t nslot = k->nslot ? k->nslot * 2 : 64;

		if ((ns = calloc(nslot, sizeof(*ns))) == NULL)
			return UINT32_MAX;
		for (i = 0; i < k->n; i++) {
			j = hash_str(k->name[i]) & (nslot - 1);
			while (ns[j] != 0)
				j = (j + 1) & (nslot - 1);
			ns[j] = (uint32_t)i + 1;
		}
		free(k->slot);
		k->slot = ns;
		k->nslot = nslot;
	}
	j = hash_str(name) & (k->nslot - 1);
	while (k->slot[j] != 0) {
		if (strcmp(k->name[k->slot[j] - 1], name) == 0)
			return k->slot[j] - 1;
		j = (j + 1) & (k->nslot - 1);
	}
	if (k->n == k->cap) {
		size_t ncap = k->cap ? k->cap * 2 : 16;

		if ((nn = realloc(k->name, ncap * sizeof(*nn))) == NULL)
			return UINT32_MAX;
		k->name = nn;
		k->cap = ncap;
	}
	if ((k->name[k->n] = strdup(name)) == NULL)
		return UINT32_MAX;
	k->slot[j] = (uint32_t)k->n + 1;
	return (uint32_t)k->n++;
}

void
report_keys_free(struct report_keys *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->name[i]);
	free(k->name);
	free(k->slot);
}

int
report_keys_svg(json_t *m, const char *key, struct buf *b)
{
	if (b->failed)
		return -1;
	json_object_set_new(m, key, json_stringn(b->data, b->len));
	util_buf_reset(b);
	return 0;
}
