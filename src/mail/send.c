/* mail/send.c - mail_send(): one message to one recipient through libcurl
 * SMTP.
 *
 * The message must come from mail_compose(): CRLF line ends only.  A bare
 * CR or LF (the raw material of SMTP smuggling) or a NUL is refused.
 * libcurl dot-stuffs the DATA itself (a line "." goes out as ".."), so
 * nothing here touches the body.
 *
 * Thread safety: curl_global_init() runs once, under pthread_once, the
 * first time mail_send() gets as far as the network; every call has its
 * own easy handle, so mail_send() may run in several threads at once
 * (CURLOPT_NOSIGNAL is set: no SIGALRM for timeouts). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "mail/mail.h"
#include "util/log.h"

#define DEFAULT_TIMEOUT	60L
#define CONNECT_TIMEOUT	30L
#define MAX_URL		1024
#define MAX_LASTLINE	200

/* compose.c; internal to src/mail/ (NULL when the address is acceptable). */
const char	*mail_addr_check(const char *);

static pthread_once_t	 curl_once = PTHREAD_ONCE_INIT;
static CURLcode		 curl_init_rc = CURLE_FAILED_INIT;

static void
curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct upload {
	const char	*data;
	size_t		 len;
	size_t		 off;
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n, room;

	room = size * nmemb;
	n = u->len - u->off;
	if (n > room)
		n = room;
	memcpy(dst, u->data + u->off, n);
	u->off += n;
	return n;
}

/* Keeps the server's first error reply (4xx or 5xx), or else its last
 * reply line, for *why: the QUIT that follows an error must not hide it.
 * Untrusted text: control and 8-bit characters become '?'. */
struct lastline {
	char	 text[MAX_LASTLINE];
	int	 error;
};

static int
debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct lastline *ll = arg;
	size_t i, n;

	(void)h;
	/* Only what the server says: CURLINFO_HEADER_OUT would include the
	 * AUTH exchange. */
	if (type != CURLINFO_HEADER_IN || ll->error)
		return 0;
	for (n = size; n > 0 && (data[n - 1] == '\r' || data[n - 1] == '\n');
	    n--)
		;
	if (n == 0)
		return 0;
	if (n >= sizeof(ll->text))
		n = sizeof(ll->text) - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)data[i];
		ll->text[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	ll->text[n] = '\0';
	ll->error = ll->text[0] == '4' || ll->text[0] == '5';
	return 0;
}

/* CRLF only, no NUL. */
static int
crlf_ok(const char *msg, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (msg[i] == '\0')
			return 0;
		if (msg[i] == '\r' && (i + 1 == len || msg[i + 1] != '\n'))
			return 0;
		if (msg[i] == '\n' && (i == 0 || msg[i - 1] != '\r'))
			return 0;
	}
	return 1;
}

/* The EHLO name: an LDH domain. */
static int
helo_ok(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '.'))
			return 0;
	return n > 0 && n < 254;
}

/* Returns 0 when accepted, -1 temporary failure, -2 permanent failure. */
int
mail_send(const struct mail_smtp *cfg, const char *from_addr,
    const char *to_addr, const char *msg, size_t len, char *why,
    size_t whylen)
{
	CURL *h = NULL;
	CURLcode res;
	struct curl_slist *rcpt = NULL;
	struct upload up;
	struct lastline ll;
	char errbuf[CURL_ERROR_SIZE], url[MAX_URL], path[MAX_URL];
	char mfrom[300], mto[300];
	const char *bad;
	long code = 0, timeout;
	int rc = -1, tls, n;

	if (whylen > 0)
		why[0] = '\0';
	errbuf[0] = '\0';
	ll.text[0] = '\0';
	ll.error = 0;

	/* Problems with the message itself: retrying will not help. */
	if ((bad = mail_addr_check(from_addr)) != NULL ||
	    (bad = mail_addr_check(to_addr)) != NULL) {
		snprintf(why, whylen, "refused: %s", bad);
		rc = -2;
		goto out;
	}
	if (msg == NULL || len == 0 || !crlf_ok(msg, len)) {
		snprintf(why, whylen, "refused: message is empty or has a "
		    "bare CR, bare LF or NUL");
		rc = -2;
		goto out;
	}

	/* Problems with our configuration: -1, so the message waits until
	 * someone fixes it. */
	if (cfg == NULL || cfg->url == NULL) {
		snprintf(why, whylen, "no SMTP server configured");
		goto out;
	}
	if (strncmp(cfg->url, "smtp://", 7) != 0 &&
	    strncmp(cfg->url, "smtps://", 8) != 0) {
		snprintf(why, whylen, "SMTP URL must be smtp:// or smtps://");
		goto out;
	}
	tls = cfg->starttls || strncmp(cfg->url, "smtps://", 8) == 0;
	if (cfg->user != NULL && !tls) {
		/* AUTH PLAIN in the clear would hand the password to anyone
		 * on the path. */
		snprintf(why, whylen, "refusing SMTP AUTH without TLS "
		    "(set starttls or use smtps://)");
		goto out;
	}
	n = snprintf(url, sizeof(url), "%s", cfg->url);
	if (n < 0 || (size_t)n >= sizeof(url)) {
		snprintf(why, whylen, "SMTP URL too long");
		goto out;
	}
	if (cfg->helo != NULL) {
		/* libcurl takes the EHLO name from the URL's path. */
		const char *hostpart = strstr(url, "://") + 3;
		if (!helo_ok(cfg->helo) || strchr(hostpart, '/') != NULL) {
			snprintf(why, whylen, "bad EHLO name or URL with a "
			    "path and a helo name");
			goto out;
		}
		n = snprintf(path, sizeof(path), "%s/%s", url, cfg->helo);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			snprintf(why, whylen, "SMTP URL too long");
			goto out;
		}
		memcpy(url, path, (size_t)n + 1);
	}
	snprintf(mfrom, sizeof(mfrom), "<%s>", from_addr);
	snprintf(mto, sizeof(mto), "<%s>", to_addr);

	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK) {
		snprintf(why, whylen, "curl_global_init: %s",
		    curl_easy_strerror(curl_init_rc));
		goto out;
	}
	if ((h = curl_easy_init()) == NULL ||
	    (rcpt = curl_slist_append(NULL, mto)) == NULL) {
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	up.data = msg;
	up.len = len;
	up.off = 0;
	timeout = cfg->timeout > 0 ? cfg->timeout : DEFAULT_TIMEOUT;

	res = CURLE_OK;
#define SET(opt, val) \
	do { if (res == CURLE_OK) res = curl_easy_setopt(h, opt, val); } while (0)
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_URL, url);
	SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT, timeout);
	SET(CURLOPT_CONNECTTIMEOUT, timeout < CONNECT_TIMEOUT ? timeout :
	    CONNECT_TIMEOUT);
	SET(CURLOPT_MAIL_FROM, mfrom);
	SET(CURLOPT_MAIL_RCPT, rcpt);
	SET(CURLOPT_UPLOAD, 1L);
	SET(CURLOPT_READFUNCTION, read_cb);
	SET(CURLOPT_READDATA, &up);
	SET(CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	SET(CURLOPT_DEBUGFUNCTION, debug_cb);
	SET(CURLOPT_DEBUGDATA, &ll);
	SET(CURLOPT_VERBOSE, 1L);	/* feeds debug_cb; prints nothing */
	if (tls) {
		SET(CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
		SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	}
	if (cfg->insecure) {
		SET(CURLOPT_SSL_VERIFYPEER, 0L);
		SET(CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (cfg->user != NULL) {
		SET(CURLOPT_USERNAME, cfg->user);
		SET(CURLOPT_PASSWORD, cfg->password != NULL ?
		    cfg->password : "");
	}
#undef SET
	if (res != CURLE_OK) {
		snprintf(why, whylen, "curl_easy_setopt: %s",
		    curl_easy_strerror(res));
		goto out;
	}

	res = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (res == CURLE_OK) {
		rc = 0;
		snprintf(why, whylen, "%s", ll.text);
		goto out;
	}
	/* A 5xx reply is permanent, except the ones about us rather than
	 * the message (530 authentication or STARTTLS required, 534/538
	 * mechanism or encryption required, 535 bad credentials): that is
	 * our configuration, and the message should wait for a fix. */
	if (code >= 500 && code <= 599 && res != CURLE_LOGIN_DENIED &&
	    code != 530 && code != 534 && code != 535 && code != 538)
		rc = -2;
	else
		rc = -1;
	snprintf(why, whylen, "%s (curl %d, SMTP %ld%s%s)",
	    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(res), (int)res,
	    code, ll.text[0] != '\0' ? ": " : "", ll.text);
 out:
	curl_slist_free_all(rcpt);
	if (h != NULL)
		curl_easy_cleanup(h);
	if (rc != 0)
		log_info("mail: send to %s: %s", to_addr != NULL ? to_addr : "-",
		    whylen > 0 ? why : "-");
	return rc;
}
