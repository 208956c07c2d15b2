/* web/errors.c - see errors.h.  Numbers are stable: never reuse one. */
#include "errors.h"

static const struct web_error_info errors[WE__MAX] = {
	[WE_BAD_REQUEST] = { 1000, "bad_request", 400,
	    "The request could not be understood." },
	[WE_NOT_FOUND] = { 1001, "not_found", 404,
	    "There is nothing here." },
	[WE_METHOD] = { 1002, "method_not_allowed", 405,
	    "This method is not allowed here." },
	[WE_TOO_LARGE] = { 1003, "too_large", 413,
	    "The request is larger than this server accepts." },
	[WE_MEDIA_TYPE] = { 1004, "unsupported_media_type", 415,
	    "This content type is not accepted here." },
	[WE_BAD_JSON] = { 1005, "bad_json", 400,
	    "The request body is not valid JSON." },
	[WE_BAD_FORM] = { 1006, "bad_form", 400,
	    "The form data could not be read." },
	[WE_VALIDATION] = { 1007, "validation_failed", 422,
	    "Some fields need attention." },
	[WE_DUPLICATE_FIELD] = { 1008, "duplicate_field", 400,
	    "A field was sent more than once." },
	[WE_CSRF] = { 1009, "csrf_failed", 403,
	    "The form has expired. Reload the page and try again." },
	[WE_INTERNAL] = { 1010, "internal_error", 500,
	    "Something went wrong on our side. Nothing was saved; "
	    "please try again." },
	[WE_UNAVAILABLE] = { 1011, "unavailable", 503,
	    "The service is temporarily unavailable. Please try again "
	    "in a minute." },
	[WE_UNAUTHORIZED] = { 1012, "unauthorized", 401,
	    "Sign in first." },
	[WE_CONFLICT] = { 1013, "conflict", 409,
	    "The case does not allow this now." },
	[WE_INVALID] = { 1014, "invalid", 422,
	    "The value is not valid." },
};

const struct web_error_info *
web_error(enum web_err e)
{
	if ((unsigned)e >= WE__MAX)
		e = WE_INTERNAL;
	return &errors[e];
}
