/* web/form.c - an HTML form post read into one list of parts, whichever
 * of the two encodings the browser chose, with its CSRF token checked. */
#include <string.h>

#include "parse.h"
#include "web.h"

int
web_form_read(struct req *r, struct web_form *f, size_t max_parts)
{
	struct web_multipart_limits lim = { max_parts, 8192 };
	struct web_field *fields = NULL;
	const char *ct = web_header(r, "Content-Type"), *err = NULL, *csrf;
	const char *body = r->body.data ? r->body.data : "";
	size_t n = 0, i;

	memset(f, 0, sizeof(*f));
	if (ct != NULL && web_media_type_is(ct, "multipart/form-data")) {
		if (web_multipart_parse(&r->arena, ct, body, r->body.len, &lim,
		    &f->p, &f->n, &err) == -1) {
			web_reply_error(r, WE_BAD_FORM, NULL, err);
			return -1;
		}
	} else if (ct != NULL && web_media_type_is(ct,
	    "application/x-www-form-urlencoded")) {
		if (web_urlencoded_parse(&r->arena, body, r->body.len,
		    max_parts, &fields, &n, &err) == -1) {
			web_reply_error(r, WE_BAD_FORM, NULL, err);
			return -1;
		}
		if (n > 0 && (f->p = util_arena_zalloc(&r->arena,
		    n * sizeof(*f->p))) == NULL) {
			web_reply_error(r, WE_INTERNAL, NULL, NULL);
			return -1;
		}
		for (i = 0; i < n; i++) {
			f->p[i].name = fields[i].name;
			f->p[i].data = fields[i].value;
			f->p[i].len = fields[i].value_len;
			f->p[i].content_type = "text/plain";
		}
		f->n = n;
	} else {
		web_reply_error(r, WE_MEDIA_TYPE, NULL, "Send the form as "
		    "multipart/form-data or application/x-www-form-urlencoded.");
		return -1;
	}
	csrf = NULL;
	for (i = 0; i < f->n; i++)
		if (strcmp(f->p[i].name, "csrf") == 0 && f->p[i].filename ==
		    NULL) {
			csrf = util_arena_strndup(&r->arena, f->p[i].data,
			    f->p[i].len);
			break;
		}
	if (!web_auth_csrf_ok(r, csrf)) {
		web_reply_error(r, WE_CSRF, NULL, NULL);
		return -1;
	}
	return 0;
}
