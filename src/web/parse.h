/* web/parse.h - parsers for hostile request input: multipart/form-data
 * and urlencoded bodies, query strings, cookies, media types and header
 * parameters.
 *
 * Every parser works on a buffer and an explicit length, never reads past
 * it, accepts NUL bytes in bodies, and takes all memory from the
 * per-request arena (an exhausted arena is an error, never a crash).
 * Errors come back as static messages fit to show a person; the caller
 * answers 400 and logs. */
#ifndef WEB_PARSE_H
#define WEB_PARSE_H
#include <stddef.h>

struct arena;

/* One urlencoded or query pair.  name and value are NUL-terminated arena
 * copies; value may contain NUL bytes (from %00), value_len is
 * authoritative.  name never contains NUL. */
struct web_field {
	const char	*name;
	const char	*value;
	size_t		 value_len;
};

/*
 * One multipart/form-data part.
 * name: Content-Disposition name=, NUL-terminated, never empty.
 * filename: NULL if not a file part; else the raw client file name,
 *   decoded (filename*= preferred over filename=), NUL-terminated, may be
 *   "".  Not sanitized: that is core_filename_sanitize's job.
 * content_type: the part's Content-Type, or "text/plain" by default
 *   ("application/octet-stream" for files).
 * data, len: the contents, pointing INTO the body (zero copy).
 */
struct web_part {
	const char	*name;
	const char	*filename;
	const char	*content_type;
	const char	*data;
	size_t		 len;
};

/* max_header_bytes counts a part's header lines with their CRLFs, not
 * the empty line that ends them. */
struct web_multipart_limits {
	size_t	max_parts;		/* more parts is an error */
	size_t	max_header_bytes;	/* per part */
};

/* Used when the limits argument is NULL. */
#define WEB_MULTIPART_MAX_PARTS		256
#define WEB_MULTIPART_MAX_HEADER_BYTES	8192

/*
 * Parses a multipart/form-data body (RFC 7578, RFC 2046 §5.1).
 * content_type is the request's Content-Type header value; its media type
 * must be multipart/form-data with one boundary parameter of 1..70
 * characters from the RFC 2046 set.
 *
 * Strict framing: lines end in CRLF (a bare LF on a boundary line or in
 * part headers is an error; an LF-only body thus fails).  Preamble and
 * epilogue are ignored.  A boundary line is CRLF "--" boundary, optional
 * spaces/tabs, then CRLF (or "--" for the last one); boundary text that
 * is not such a line is data.  The closing boundary is required.
 * Part headers: names case-insensitive, no folding, no NUL or bare CR/LF;
 * Content-Disposition (exactly one) must be form-data with a non-empty
 * name; duplicate parameters are errors.  filename*= (RFC 5987, charset
 * UTF-8 or ISO-8859-1, converted to UTF-8) wins over filename=; quoted
 * values take backslash escapes; filename= is otherwise returned raw
 * (no percent decoding).  A NUL in a decoded name or file name is an
 * error.  Nested multipart parts are one opaque part.  Parts with the
 * same name are returned separately, in body order.
 *
 * Returns 0 with *parts and *nparts set (*parts is NULL when there are no
 * parts), or -1 with *err a static message.  limits may be NULL.
 */
int	 web_multipart_parse(struct arena *, const char *content_type,
	    const char *body, size_t len, const struct web_multipart_limits *,
	    struct web_part **parts, size_t *nparts, const char **err);

/*
 * application/x-www-form-urlencoded: '&' separates pairs, empty pairs are
 * skipped, the first '=' splits name from value (no '=' gives an empty
 * value), '+' is a space, %XX is decoded (a bad escape is an error).
 * NUL in a value is kept (see value_len); in a name it is an error.
 * More than max_fields pairs is an error.  Returns 0 with *fields and *nfields
 * set (*fields is NULL when there are none), or -1 with *err.
 */
int	 web_urlencoded_parse(struct arena *, const char *body, size_t len,
	    size_t max_fields, struct web_field **fields, size_t *nfields,
	    const char **err);

/* Query string (the part after '?', NUL-terminated; NULL means empty):
 * same rules as web_urlencoded_parse. */
int	 web_query_parse(struct arena *, const char *query,
	    size_t max_fields, struct web_field **fields, size_t *nfields,
	    const char **err);

/*
 * Returns the value of cookie `name` (case-sensitive) from a Cookie header
 * as an arena copy, or NULL if absent (or the arena is exhausted).
 * Pairs are split on ';' with optional whitespace; a value in double
 * quotes is returned without them; the first of duplicates wins.
 */
const char *web_cookie_get(struct arena *, const char *cookie_header,
	    const char *name);

/*
 * Returns 1 if the media type of a Content-Type header value equals type
 * (case-insensitive; parameters and surrounding whitespace ignored), else
 * 0.  NULL content_type gives 0.
 */
int	 web_media_type_is(const char *content_type, const char *type);

/*
 * Returns parameter `param` (case-insensitive) of a header value such as
 * Content-Type or Content-Disposition ("type; a=b; c=\"d\""), unquoted
 * with backslash escapes removed, as an arena copy; NULL if absent, if
 * the value is malformed anywhere, or if the arena is exhausted.  The
 * first of duplicate parameters wins.
 */
const char *web_header_param(struct arena *, const char *value,
	    const char *param);

#endif
