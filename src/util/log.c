/* util/log.c - see log.h */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

static enum log_level max_level = LOG_INFO;
static const char *const names[LOG__MAX] = { "error", "warn", "info", "debug" };

void
util_log_set_level(enum log_level l)
{
	max_level = l;
}

void
util_log(enum log_level l, const char *fmt, ...)
{
	char msg[2048], out[4096 + 64], ts[32];
	va_list ap;
	size_t i, o = 0;
	struct tm tm;
	time_t now;

	if (l > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (i = 0; msg[i] != '\0' && o < sizeof(out) - 8; i++) {
		unsigned char c = (unsigned char)msg[i];
		if (c < 0x20 || c == 0x7f || c == '\\') {
			o += (size_t)snprintf(out + o, sizeof(out) - o, "\\x%02x", c);
		} else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s vigil[%s] %s\n", ts, names[l], out);
}
