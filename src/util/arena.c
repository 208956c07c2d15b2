/* util/arena.c - see arena.h */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define CHUNK_MIN	(16 * 1024)
#define ALIGN		16

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t off;
	/* data follows, aligned */
	max_align_t data[];
};

void
util_arena_init(struct arena *a, size_t limit)
{
	a->head = NULL;
	a->used_total = 0;
	a->limit = limit;
}

void
util_arena_release(struct arena *a)
{
	struct arena_chunk *c, *n;

	for (c = a->head; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
	a->head = NULL;
	a->used_total = 0;
}

void *
util_arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c;
	size_t want, csize;
	void *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ALIGN)
		return NULL;
	want = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (a->limit != 0 && (want > a->limit || a->used_total > a->limit - want))
		return NULL;
	c = a->head;
	if (c == NULL || c->size - c->off < want) {
		csize = want > CHUNK_MIN ? want : CHUNK_MIN;
		if (c != NULL && c->size * 2 > csize && c->size < 1024 * 1024)
			csize = c->size * 2 > want ? c->size * 2 : want;
		if (csize > SIZE_MAX - sizeof(*c))
			return NULL;
		if ((c = malloc(sizeof(*c) + csize)) == NULL)
			return NULL;
		c->size = csize;
		c->off = 0;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->off;
	c->off += want;
	a->used_total += want;
	return p;
}

void *
util_arena_zalloc(struct arena *a, size_t n)
{
	void *p = util_arena_alloc(a, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

char *
util_arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX || (p = util_arena_alloc(a, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
util_arena_strdup(struct arena *a, const char *s)
{
	return util_arena_strndup(a, s, strlen(s));
}

char *
util_arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (p = util_arena_alloc(a, (size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
