/* util/buf.h - growable byte buffer with a hard maximum size.
 * Every append checks the maximum; once exceeded the buffer is marked
 * failed and further appends are ignored (check util_buf_failed once). */
#ifndef UTIL_BUF_H
#define UTIL_BUF_H
#include <stddef.h>

struct buf {
	char	*data;		/* always NUL-terminated when non-NULL */
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* 0 = no maximum */
	int	 failed;	/* allocation failure or max exceeded */
};

void	 util_buf_init(struct buf *, size_t max);
void	 util_buf_release(struct buf *);
void	 util_buf_reset(struct buf *);	/* len = 0, keeps memory */
int	 util_buf_append(struct buf *, const void *, size_t);
int	 util_buf_puts(struct buf *, const char *);
int	 util_buf_putc(struct buf *, char);
int	 util_buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends s with & < > " ' replaced by HTML entities. */
int	 util_buf_html_escape(struct buf *, const char *, size_t);
/* Hands the data to the caller (malloc'd, NUL-terminated); buffer resets. */
char	*util_buf_steal(struct buf *, size_t *lenp);

#endif
