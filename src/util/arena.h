/* util/arena.h - bump allocator: many small allocations freed at once.
 * Used as the per-request memory pool of the web server and by core
 * functions that need to hand memory back to their caller. */
#ifndef UTIL_ARENA_H
#define UTIL_ARENA_H
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t used_total;	/* bytes handed out, for accounting */
	size_t limit;		/* 0 = unlimited; otherwise allocation fails past it */
};

void	 util_arena_init(struct arena *, size_t limit);
void	 util_arena_release(struct arena *);	/* frees every chunk */
/* Returns NULL only when the limit is reached or malloc fails. */
void	*util_arena_alloc(struct arena *, size_t);
void	*util_arena_zalloc(struct arena *, size_t);
char	*util_arena_strdup(struct arena *, const char *);
char	*util_arena_strndup(struct arena *, const char *, size_t);
char	*util_arena_printf(struct arena *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
