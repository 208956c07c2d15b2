/* tinyparse.c - see tinyparse.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinyparse.h"

/* RFC 9110 token characters. */
static int
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static char *
dupn(const char *s, size_t n)
{
	char *p;

	if ((p = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Drops the blanks around s[0..*n), returning the new start. */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && is_blank(s[0])) {
		s++;
		(*n)--;
	}
	while (*n > 0 && is_blank(s[*n - 1]))
		(*n)--;
	return s;
}

void
tp_doc_init(struct tp_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
}

void
tp_doc_free(struct tp_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->n; i++) {
		free(doc->hdrs[i].name);
		free(doc->hdrs[i].value);
	}
	free(doc->hdrs);
	tp_doc_init(doc);
}

int
tp_parse_header(const char *line, size_t len, struct tp_header *out,
    const char **err)
{
	char name[TP_NAME_MAX];
	const char *colon, *value;
	size_t namelen, valuelen, i;

	memset(out, 0, sizeof(*out));
	if ((colon = memchr(line, ':', len)) == NULL) {
		*err = "missing colon";
		return -1;
	}
	namelen = (size_t)(colon - line);
	if (namelen == 0) {
		*err = "empty name";
		return -1;
	}
	memcpy(name, line, namelen);
	name[namelen] = '\0';
	for (i = 0; i < namelen; i++)
		if (!is_tchar((unsigned char)name[i])) {
			*err = "invalid character in name";
			return -1;
		}

	valuelen = len - namelen - 1;
	value = trim(colon + 1, &valuelen);
	if (memchr(value, '\0', valuelen) != NULL) {
		*err = "NUL byte in value";
		return -1;
	}

	out->name = dupn(name, namelen);
	out->value = dupn(value, valuelen);
	if (out->name == NULL || out->value == NULL) {
		free(out->name);
		free(out->value);
		memset(out, 0, sizeof(*out));
		*err = "out of memory";
		return -1;
	}
	return 0;
}

/* Appends a continuation line to h's value, joined by one space. */
static int
fold(struct tp_header *h, const char *s, size_t n)
{
	size_t old;
	char *p;

	s = trim(s, &n);
	if (n == 0)
		return 0;
	if (memchr(s, '\0', n) != NULL)
		return -1;
	old = strlen(h->value);
	if ((p = realloc(h->value, old + 1 + n + 1)) == NULL)
		return -1;
	if (old > 0)
		p[old++] = ' ';
	memcpy(p + old, s, n);
	p[old + n] = '\0';
	h->value = p;
	return 0;
}

static int
push(struct tp_doc *doc, const struct tp_header *h)
{
	struct tp_header *p;
	size_t cap;

	if (doc->n == doc->cap) {
		cap = doc->cap == 0 ? 8 : doc->cap * 2;
		if ((p = realloc(doc->hdrs, cap * sizeof(*p))) == NULL)
			return -1;
		doc->hdrs = p;
		doc->cap = cap;
	}
	doc->hdrs[doc->n++] = *h;
	return 0;
}

int
tp_parse(const char *buf, size_t len, struct tp_doc *doc,
    struct tp_error *err)
{
	struct tp_header h;
	const char *p, *end, *nl;
	size_t n, lineno = 0;

	err->line = 0;
	err->msg = NULL;
	for (p = buf, end = buf + len; p < end; p = nl == NULL ? end : nl + 1) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl == NULL ? end : nl) - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;

		if (n == 0) {
			doc->has_body = 1;
			doc->body_off = nl == NULL ? len : (size_t)(nl + 1 - buf);
			doc->body_len = len - doc->body_off;
			return 0;
		}

		err->line = lineno;
		if (is_blank(p[0])) {
			if (doc->n == 0) {
				err->msg = "continuation line without a header";
				return -1;
			}
			if (fold(&doc->hdrs[doc->n - 1], p, n) == -1) {
				err->msg = "bad continuation line";
				return -1;
			}
			continue;
		}
		if (tp_parse_header(p, n, &h, &err->msg) == -1)
			return -1;
		h.line = lineno;
		if (push(doc, &h) == -1) {
			free(h.name);
			free(h.value);
			err->msg = "out of memory";
			return -1;
		}
	}
	err->line = 0;
	return 0;
}

int
tp_parse_file(const char *path, struct tp_doc *doc, struct tp_error *err)
{
	FILE *f;
	char *buf;
	size_t len;
	int rc = -1;

	err->line = 0;
	if ((f = fopen(path, "rb")) == NULL) {
		err->msg = strerror(errno);
		return -1;
	}
	if ((buf = malloc(TP_FILE_MAX + 1)) == NULL) {
		err->msg = "out of memory";
		goto out;
	}
	len = fread(buf, 1, TP_FILE_MAX + 1, f);
	if (ferror(f))
		err->msg = "read error";
	else if (len > TP_FILE_MAX)
		err->msg = "file too large";
	else
		rc = tp_parse(buf, len, doc, err);
	free(buf);
out:
	fclose(f);
	return rc;
}

const char *
tp_get(const struct tp_doc *doc, const char *name)
{
	size_t i, k;
	const char *a;

	for (i = 0; i < doc->n; i++) {
		a = doc->hdrs[i].name;
		for (k = 0; a[k] != '\0' && lower(a[k]) == lower(name[k]); k++)
			continue;
		if (a[k] == '\0' && name[k] == '\0')
			return doc->hdrs[i].value;
	}
	return NULL;
}
