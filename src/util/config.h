/* util/config.h - vigil.conf (INI, parsed with inih).  Every key is
 * documented in vigil.conf.example and vigil.conf(5). */
#ifndef UTIL_CONFIG_H
#define UTIL_CONFIG_H
#include <stddef.h>

struct config {
	/* [server] */
	char	 listen[128];		/* ADDR:PORT */
	char	 base_url[256];		/* public URL used in links */
	int	 threads;		/* 0 = number of CPUs */
	int	 connection_timeout;	/* seconds */
	int	 per_ip_connections;
	int	 max_connections;
	size_t	 max_request_body;	/* bytes */
	size_t	 max_attachment;	/* bytes */
	int	 max_attachments;
	char	 tls_cert[512];
	char	 tls_key[512];
	char	 templates[512];	/* template folder */
	char	 static_dir[512];	/* static assets folder */
	/* [db] */
	char	 db_url[512];
	/* [cases] */
	char	 tracking_prefix[17];
	int	 track_cookie_days;
	/* [sla] days allowed per severity; "triage" for unscored reports */
	int	 sla_triage;
	int	 sla_critical;
	int	 sla_high;
	int	 sla_medium;
	int	 sla_low;
	int	 sla_due_soon;		/* days: "due soon" on the dashboard */
	/* [mail] */
	char	 mail_from[256];	/* From: of outgoing mail */
	char	 mail_address[256];	/* the inbound address (plus-addresses derive) */
	char	 mail_domain[128];	/* for Message-IDs */
	char	 smtp_url[256];
	int	 smtp_starttls;
	int	 smtp_insecure;
	char	 smtp_user[128];
	char	 smtp_password_file[512];
	char	 gnupg_home[512];
	size_t	 max_message;		/* largest inbound message */
	int	 mail_notify;		/* 0 = queue no mail at all */
	int	 worker_interval;	/* seconds between outbox sweeps */
	int	 mail_max_attempts;	/* then the message is marked failed */
	/* [sandbox] limits of every command of a test run */
	char	 sandbox_dir[512];	/* where run trees are made */
	int	 sandbox_cpu;		/* seconds */
	int	 sandbox_wall;		/* seconds */
	size_t	 sandbox_memory;
	int	 sandbox_procs;
	size_t	 sandbox_output;
	size_t	 sandbox_tmpfs;
	int	 verify_days;		/* researcher verification deadline */
	/* [log] */
	int	 log_level;		/* enum log_level */
	/* [security] */
	char	 team_name[128];
	char	 policy_contact[256];	/* security.txt Contact: mailto: or https: */
	char	 sec_encryption[256];	/* security.txt Encryption: URL of the key */
	char	 sec_policy[256];	/* Policy: URL; default base_url + "/" */
	char	 sec_languages[64];	/* Preferred-Languages: "en" */
	int	 sec_expires_days;	/* Expires: now + this many days */
	/* [advisories] */
	char	 advisory_prefix[17];	/* VIGIL -> VIGIL-2026-0001 */
	char	 publisher_name[128];	/* CSAF publisher; default team_name */
	char	 publisher_namespace[256];	/* CSAF: https URL of the vendor */
	char	 cna_org_id[40];	/* CVE records: the CNA's org UUID */
	/* [release] the release calendar (core/calendar.h); the strings are
	 * checked where they are used (vigil calendar) */
	char	 release_cadence[64];	/* monthly:2:tue, monthly:last:wed,
					 * weekly:tue,thu */
	char	 release_weekdays[64];	/* allowed days: tue-thu */
	char	 release_time[8];	/* HH:MM local */
	char	 release_zone[64];	/* IANA name */
	char	 release_blackouts[512];	/* file of YYYY-MM-DD; "" = none */
	int	 release_notice_days;	/* business days of advance notice */
};

void	util_config_defaults(struct config *);
/* Reads path over the current values.  Returns 0, -1 with a message
 * naming the file and line on the first bad or unknown key. */
int	util_config_load(struct config *, const char *path, char *err,
	    size_t errlen);
/* The SMTP password from smtp_password_file (first line), into out;
 * "" when no file is set.  -1 if the file cannot be read. */
int	util_config_smtp_password(const struct config *, char *out,
	    size_t outlen);
/* Parses "25M", "10MiB", "512k", "1048576" into bytes; -1 on error. */
int	util_parse_size(const char *, size_t *);

#endif
