/* util/log.h - logging to stderr, one line per event, UTC timestamps.
 * Control characters in formatted output are escaped (no log injection). */
#ifndef UTIL_LOG_H
#define UTIL_LOG_H

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG__MAX };

void	util_log_set_level(enum log_level);
void	util_log(enum log_level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define log_err(...)	util_log(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	util_log(LOG_WARN, __VA_ARGS__)
#define log_info(...)	util_log(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	util_log(LOG_DEBUG, __VA_ARGS__)

#endif
