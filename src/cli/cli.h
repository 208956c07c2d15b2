/* cli/cli.h - what every subcommand gets: the loaded configuration. */
#ifndef CLI_CLI_H
#define CLI_CLI_H
#include "util/config.h"

struct store;

struct cli {
	struct config	cfg;
	const char	*config_path;	/* NULL if none was read */
	const char	*argv0;
};

struct command {
	const char	*name;
	int		 (*fn)(struct cli *, int argc, char *argv[]);
	const char	*usage;
	const char	*summary;
};

extern const struct command cli_commands[];

/* Opens the store named by the configuration; logs and returns NULL on
 * failure. */
struct store	*cli_store_open(struct cli *);
/* Creates the folder that holds a sqlite: database if it is missing. */
int		 cli_ensure_db_dir(const char *url);

int	cmd_serve(struct cli *, int, char *[]);
int	cmd_migrate(struct cli *, int, char *[]);
int	cmd_demo(struct cli *, int, char *[]);
int	cmd_version(struct cli *, int, char *[]);
int	cmd_help(struct cli *, int, char *[]);
int	cmd_user(struct cli *, int, char *[]);
int	cmd_token(struct cli *, int, char *[]);
int	cmd_audit(struct cli *, int, char *[]);
int	cmd_routes(struct cli *, int, char *[]);
int	cmd_ingest_mail(struct cli *, int, char *[]);
int	cmd_worker(struct cli *, int, char *[]);
int	cmd_product(struct cli *, int, char *[]);
int	cmd_export(struct cli *, int, char *[]);
int	cmd_report(struct cli *, int, char *[]);
int	cmd_calendar(struct cli *, int, char *[]);
/* 1 if o is crash, nonzero or match:REGEX with a valid regex. */
int	cli_oracle_ok(const char *o);
/* 1 if pw is an acceptable password (12..128 characters). */
int	cli_password_ok(const char *pw, const char **why);

#endif
