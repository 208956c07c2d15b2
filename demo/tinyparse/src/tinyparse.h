/* tinyparse.h - a tiny parser for "Key: value" header blocks, the format
 * of HTTP and mail headers:
 *
 *	Content-Type: text/plain
 *	X-Folded: first part
 *	  continued here
 *	<empty line>
 *	body...
 *
 * A header is a name (letters, digits and !#$%&'*+-.^_`|~), a colon and
 * a value; blanks around the value are dropped.  A line that starts with
 * a space or tab continues the previous value (joined with one space).
 * Lines end in LF or CRLF.  The first empty line ends the headers; what
 * follows is the body, which tinyparse does not look into. */
#ifndef TINYPARSE_H
#define TINYPARSE_H
#include <stddef.h>

#define TP_VERSION	"1.2.0"

/* Room for a header name, its NUL included. */
#define TP_NAME_MAX	64
/* Largest input tp_parse_file() reads. */
#define TP_FILE_MAX	(1024 * 1024)

struct tp_header {
	char	*name;		/* as written */
	char	*value;		/* trimmed, folded lines joined */
	size_t	 line;		/* 1-based line of the name */
};

struct tp_doc {
	struct tp_header *hdrs;
	size_t		 n, cap;
	int		 has_body;	/* an empty line ended the headers */
	size_t		 body_off;	/* offset of the body in the input */
	size_t		 body_len;
};

struct tp_error {
	size_t		 line;		/* 1-based; 0 if not about one line */
	const char	*msg;		/* static, e.g. "missing colon" */
};

void	tp_doc_init(struct tp_doc *doc);
/* Frees what doc holds and makes it empty again. */
void	tp_doc_free(struct tp_doc *doc);

/* Parses one header line (len bytes, no line end, not a continuation)
 * into *out, whose name and value are then allocated (free them, or let
 * tp_doc_free() do it).  Returns 0, or -1 with *err set. */
int	tp_parse_header(const char *line, size_t len, struct tp_header *out,
	    const char **err);

/* Parses a whole header block into doc (initialised by the caller).
 * Returns 0, or -1 with *err filled and doc holding the headers parsed
 * before the error. */
int	tp_parse(const char *buf, size_t len, struct tp_doc *doc,
	    struct tp_error *err);

/* Reads path (at most TP_FILE_MAX bytes) and parses it as tp_parse(). */
int	tp_parse_file(const char *path, struct tp_doc *doc,
	    struct tp_error *err);

/* The value of the first header named name (case-insensitive), or
 * NULL. */
const char *tp_get(const struct tp_doc *doc, const char *name);

#endif
