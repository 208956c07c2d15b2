/* util/config.c - see config.h */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "config.h"
#include "log.h"

void
util_config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
	c->threads = 0;
	c->connection_timeout = 10;
	c->per_ip_connections = 64;
	c->max_connections = 1024;
	c->max_request_body = 25u * 1024 * 1024;
	c->max_attachment = 10u * 1024 * 1024;
	c->max_attachments = 10;
	snprintf(c->templates, sizeof(c->templates), "templates");
	snprintf(c->static_dir, sizeof(c->static_dir), "static");
	snprintf(c->db_url, sizeof(c->db_url), "sqlite:var/vigil.db");
	snprintf(c->tracking_prefix, sizeof(c->tracking_prefix), "VR");
	c->track_cookie_days = 30;
	snprintf(c->mail_from, sizeof(c->mail_from),
	    "Product Security Team <security@localhost>");
	snprintf(c->mail_address, sizeof(c->mail_address),
	    "security@localhost");
	snprintf(c->mail_domain, sizeof(c->mail_domain), "localhost");
	snprintf(c->smtp_url, sizeof(c->smtp_url), "smtp://127.0.0.1:25");
	snprintf(c->gnupg_home, sizeof(c->gnupg_home), "var/gnupg");
	c->max_message = 35u * 1024 * 1024;
	c->mail_notify = 1;
	c->worker_interval = 5;
	c->mail_max_attempts = 12;
	snprintf(c->sandbox_dir, sizeof(c->sandbox_dir), "var/runs");
	c->sandbox_cpu = 120;
	c->sandbox_wall = 300;
	c->sandbox_memory = 1024u * 1024 * 1024;
	c->sandbox_procs = 128;
	c->sandbox_output = 1024u * 1024;
	c->sandbox_tmpfs = 64u * 1024 * 1024;
	c->verify_days = 7;
	c->sla_triage = 3;
	c->sla_critical = 7;
	c->sla_high = 30;
	c->sla_medium = 90;
	c->sla_low = 180;
	c->sla_due_soon = 7;
	c->log_level = LOG_INFO;
	snprintf(c->team_name, sizeof(c->team_name), "Product Security Team");
	snprintf(c->sec_languages, sizeof(c->sec_languages), "en");
	c->sec_expires_days = 180;
	snprintf(c->advisory_prefix, sizeof(c->advisory_prefix), "VIGIL");
	snprintf(c->publisher_namespace, sizeof(c->publisher_namespace),
	    "https://psirt.example.org");
	snprintf(c->cna_org_id, sizeof(c->cna_org_id),
	    "00000000-0000-4000-8000-000000000000");
	snprintf(c->release_cadence, sizeof(c->release_cadence),
	    "monthly:2:tue");
	snprintf(c->release_weekdays, sizeof(c->release_weekdays), "tue-thu");
	snprintf(c->release_time, sizeof(c->release_time), "10:00");
	snprintf(c->release_zone, sizeof(c->release_zone),
	    "America/Los_Angeles");
	c->release_notice_days = 3;
}

int
util_parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v, mul = 1;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (strcasecmp(end, "") == 0 || strcasecmp(end, "b") == 0)
		mul = 1;
	else if (strcasecmp(end, "k") == 0 || strcasecmp(end, "kib") == 0)
		mul = 1024;
	else if (strcasecmp(end, "m") == 0 || strcasecmp(end, "mib") == 0)
		mul = 1024 * 1024;
	else if (strcasecmp(end, "g") == 0 || strcasecmp(end, "gib") == 0)
		mul = 1024ull * 1024 * 1024;
	else
		return -1;
	if (v > (unsigned long long)SIZE_MAX / mul)
		return -1;
	*out = (size_t)(v * mul);
	return 0;
}

static int
parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int
parse_bool(const char *v, int *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
	    strcmp(v, "0") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

static int
copy(char *dst, size_t n, const char *v)
{
	if (strlen(v) >= n)
		return -1;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

struct load_ctx {
	struct config	*c;
	const char	*why;
};

#define KEY(sec, k)	(strcmp(section, sec) == 0 && strcmp(name, k) == 0)

static int
handler(void *user, const char *section, const char *name, const char *v)
{
	struct load_ctx *lc = user;
	struct config *c = lc->c;
	int r = -1;

	if (KEY("server", "listen"))
		r = copy(c->listen, sizeof(c->listen), v);
	else if (KEY("server", "base_url"))
		r = copy(c->base_url, sizeof(c->base_url), v);
	else if (KEY("server", "threads"))
		r = parse_int(v, 0, 256, &c->threads);
	else if (KEY("server", "connection_timeout"))
		r = parse_int(v, 1, 3600, &c->connection_timeout);
	else if (KEY("server", "per_ip_connections"))
		r = parse_int(v, 1, 100000, &c->per_ip_connections);
	else if (KEY("server", "max_connections"))
		r = parse_int(v, 1, 100000, &c->max_connections);
	else if (KEY("server", "max_request_body"))
		r = util_parse_size(v, &c->max_request_body);
	else if (KEY("server", "max_attachment"))
		r = util_parse_size(v, &c->max_attachment);
	else if (KEY("server", "max_attachments"))
		r = parse_int(v, 0, 1000, &c->max_attachments);
	else if (KEY("server", "tls_cert"))
		r = copy(c->tls_cert, sizeof(c->tls_cert), v);
	else if (KEY("server", "tls_key"))
		r = copy(c->tls_key, sizeof(c->tls_key), v);
	else if (KEY("server", "templates"))
		r = copy(c->templates, sizeof(c->templates), v);
	else if (KEY("server", "static"))
		r = copy(c->static_dir, sizeof(c->static_dir), v);
	else if (KEY("db", "url"))
		r = copy(c->db_url, sizeof(c->db_url), v);
	else if (KEY("cases", "tracking_prefix")) {
		size_t i, n = strlen(v);
		r = (n >= 1 && n <= 16) ? 0 : -1;
		for (i = 0; i < n && r == 0; i++)
			if (!((v[i] >= 'A' && v[i] <= 'Z') ||
			    (v[i] >= '0' && v[i] <= '9')))
				r = -1;
		if (r == 0)
			r = copy(c->tracking_prefix,
			    sizeof(c->tracking_prefix), v);
	} else if (KEY("cases", "track_cookie_days"))
		r = parse_int(v, 1, 3650, &c->track_cookie_days);
	else if (KEY("mail", "from"))
		r = copy(c->mail_from, sizeof(c->mail_from), v);
	else if (KEY("mail", "address"))
		r = strchr(v, '@') ? copy(c->mail_address,
		    sizeof(c->mail_address), v) : -1;
	else if (KEY("mail", "domain"))
		r = copy(c->mail_domain, sizeof(c->mail_domain), v);
	else if (KEY("mail", "smtp_url"))
		r = copy(c->smtp_url, sizeof(c->smtp_url), v);
	else if (KEY("mail", "smtp_starttls"))
		r = parse_bool(v, &c->smtp_starttls);
	else if (KEY("mail", "smtp_insecure"))
		r = parse_bool(v, &c->smtp_insecure);
	else if (KEY("mail", "smtp_user"))
		r = copy(c->smtp_user, sizeof(c->smtp_user), v);
	else if (KEY("mail", "smtp_password_file"))
		r = copy(c->smtp_password_file, sizeof(c->smtp_password_file),
		    v);
	else if (KEY("mail", "gnupg_home"))
		r = copy(c->gnupg_home, sizeof(c->gnupg_home), v);
	else if (KEY("mail", "max_message"))
		r = util_parse_size(v, &c->max_message);
	else if (KEY("mail", "notify"))
		r = parse_bool(v, &c->mail_notify);
	else if (KEY("mail", "worker_interval"))
		r = parse_int(v, 1, 3600, &c->worker_interval);
	else if (KEY("mail", "max_attempts"))
		r = parse_int(v, 1, 100, &c->mail_max_attempts);
	else if (KEY("sandbox", "dir"))
		r = copy(c->sandbox_dir, sizeof(c->sandbox_dir), v);
	else if (KEY("sandbox", "cpu_seconds"))
		r = parse_int(v, 1, 86400, &c->sandbox_cpu);
	else if (KEY("sandbox", "wall_seconds"))
		r = parse_int(v, 1, 86400, &c->sandbox_wall);
	else if (KEY("sandbox", "memory"))
		r = util_parse_size(v, &c->sandbox_memory);
	else if (KEY("sandbox", "max_procs"))
		r = parse_int(v, 1, 100000, &c->sandbox_procs);
	else if (KEY("sandbox", "max_output"))
		r = util_parse_size(v, &c->sandbox_output);
	else if (KEY("sandbox", "tmpfs"))
		r = util_parse_size(v, &c->sandbox_tmpfs);
	else if (KEY("cases", "verify_days"))
		r = parse_int(v, 1, 365, &c->verify_days);
	else if (KEY("sla", "triage"))
		r = parse_int(v, 1, 3650, &c->sla_triage);
	else if (KEY("sla", "critical"))
		r = parse_int(v, 1, 3650, &c->sla_critical);
	else if (KEY("sla", "high"))
		r = parse_int(v, 1, 3650, &c->sla_high);
	else if (KEY("sla", "medium"))
		r = parse_int(v, 1, 3650, &c->sla_medium);
	else if (KEY("sla", "low"))
		r = parse_int(v, 1, 3650, &c->sla_low);
	else if (KEY("sla", "due_soon"))
		r = parse_int(v, 1, 365, &c->sla_due_soon);
	else if (KEY("log", "level")) {
		static const char *const lv[] = { "error", "warn", "info",
		    "debug" };
		int i;
		for (i = 0; i < 4; i++)
			if (strcmp(v, lv[i]) == 0) {
				c->log_level = i;
				r = 0;
			}
	} else if (KEY("security", "team_name"))
		r = copy(c->team_name, sizeof(c->team_name), v);
	else if (KEY("security", "contact"))
		r = copy(c->policy_contact, sizeof(c->policy_contact), v);
	else if (KEY("security", "encryption"))
		r = copy(c->sec_encryption, sizeof(c->sec_encryption), v);
	else if (KEY("security", "policy"))
		r = copy(c->sec_policy, sizeof(c->sec_policy), v);
	else if (KEY("security", "preferred_languages"))
		r = copy(c->sec_languages, sizeof(c->sec_languages), v);
	else if (KEY("security", "expires_days"))
		r = parse_int(v, 1, 366, &c->sec_expires_days);
	else if (KEY("advisories", "prefix")) {
		size_t i, n = strlen(v);
		r = (n >= 1 && n <= 16) ? 0 : -1;
		for (i = 0; i < n && r == 0; i++)
			if (!((v[i] >= 'A' && v[i] <= 'Z') ||
			    (v[i] >= '0' && v[i] <= '9')))
				r = -1;
		if (r == 0)
			r = copy(c->advisory_prefix,
			    sizeof(c->advisory_prefix), v);
	} else if (KEY("advisories", "publisher_name"))
		r = copy(c->publisher_name, sizeof(c->publisher_name), v);
	else if (KEY("advisories", "publisher_namespace"))
		r = strncmp(v, "https://", 8) == 0 ? copy(
		    c->publisher_namespace, sizeof(c->publisher_namespace), v) :
		    -1;
	else if (KEY("advisories", "cna_org_id"))
		r = strlen(v) == 36 ? copy(c->cna_org_id,
		    sizeof(c->cna_org_id), v) : -1;
	else if (KEY("release", "cadence"))
		r = copy(c->release_cadence, sizeof(c->release_cadence), v);
	else if (KEY("release", "weekdays"))
		r = copy(c->release_weekdays, sizeof(c->release_weekdays), v);
	else if (KEY("release", "time"))
		r = copy(c->release_time, sizeof(c->release_time), v);
	else if (KEY("release", "zone"))
		r = copy(c->release_zone, sizeof(c->release_zone), v);
	else if (KEY("release", "blackouts"))
		r = copy(c->release_blackouts, sizeof(c->release_blackouts), v);
	else if (KEY("release", "advance_notice_days"))
		r = parse_int(v, 0, 60, &c->release_notice_days);
	else {
		lc->why = "unknown key";
		return 0;
	}
	if (r == -1)
		lc->why = "invalid value";
	return r == 0;
}

int
util_config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	struct load_ctx lc = { c, NULL };
	int line;

	line = ini_parse(path, handler, &lc);
	if (line == -1) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	if (line != 0) {
		snprintf(err, errlen, "%s:%d: %s", path, line,
		    lc.why ? lc.why : "syntax error");
		return -1;
	}
	return 0;
}

int
util_config_smtp_password(const struct config *c, char *out, size_t outlen)
{
	FILE *f;
	size_t n;

	out[0] = '\0';
	if (c->smtp_password_file[0] == '\0')
		return 0;
	if ((f = fopen(c->smtp_password_file, "r")) == NULL) {
		log_err("cannot read %s", c->smtp_password_file);
		return -1;
	}
	if (fgets(out, (int)outlen, f) == NULL)
		out[0] = '\0';
	fclose(f);
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 0;
}
