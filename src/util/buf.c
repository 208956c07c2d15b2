/* util/buf.c - see buf.h */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
util_buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
util_buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

void
util_buf_reset(struct buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static int
grow(struct buf *b, size_t add)
{
	size_t need, ncap;
	char *p;

	if (b->failed)
		return -1;
	if (add > SIZE_MAX - b->len - 1)
		goto fail;
	need = b->len + add + 1;
	if (b->max != 0 && need - 1 > b->max)
		goto fail;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2) {
			ncap = need;
			break;
		}
		ncap *= 2;
	}
	if ((p = realloc(b->data, ncap)) == NULL)
		goto fail;
	b->data = p;
	b->cap = ncap;
	return 0;
fail:
	b->failed = 1;
	return -1;
}

int
util_buf_append(struct buf *b, const void *p, size_t n)
{
	if (grow(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
util_buf_puts(struct buf *b, const char *s)
{
	return util_buf_append(b, s, strlen(s));
}

int
util_buf_putc(struct buf *b, char c)
{
	return util_buf_append(b, &c, 1);
}

int
util_buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int
util_buf_html_escape(struct buf *b, const char *s, size_t n)
{
	size_t i, start = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if (util_buf_append(b, s + start, i - start) == -1 ||
		    util_buf_puts(b, rep) == -1)
			return -1;
		start = i + 1;
	}
	return util_buf_append(b, s + start, n - start);
}

char *
util_buf_steal(struct buf *b, size_t *lenp)
{
	char *p;

	if (b->data == NULL && util_buf_append(b, "", 0) == -1)
		return NULL;
	p = b->data;
	if (lenp != NULL)
		*lenp = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
