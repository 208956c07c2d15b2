/* web/errors.h - the one registry of error codes: a stable number, the
 * HTTP status and the message shown to people.  Pages, API and CLI use it. */
#ifndef WEB_ERRORS_H
#define WEB_ERRORS_H

enum web_err {
	WE_BAD_REQUEST,
	WE_NOT_FOUND,
	WE_METHOD,
	WE_TOO_LARGE,
	WE_MEDIA_TYPE,
	WE_BAD_JSON,
	WE_BAD_FORM,
	WE_VALIDATION,
	WE_DUPLICATE_FIELD,
	WE_CSRF,
	WE_INTERNAL,
	WE_UNAVAILABLE,
	WE_UNAUTHORIZED,
	WE_CONFLICT,
	WE_INVALID,
	WE__MAX
};

struct web_error_info {
	int		 number;	/* stable, documented in docs/API.md */
	const char	*code;		/* machine-readable, e.g. "not_found" */
	unsigned	 status;	/* HTTP status */
	const char	*message;	/* for people */
};

const struct web_error_info *web_error(enum web_err);

#endif
