/* cli/main.c - `vigil COMMAND`: global options, then the commands table
 * (one file per subcommand, cli/cmd_<name>.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "util/crypto.h"
#include "util/log.h"
#include "cli.h"

const struct command cli_commands[] = {
	{ "serve", cmd_serve, "serve [--listen ADDR:PORT] [--no-worker]",
	    "serve the web interface and API" },
	{ "migrate", cmd_migrate, "migrate",
	    "create or upgrade the database schema" },
	{ "demo", cmd_demo, "demo [--history N [--seed S]]",
	    "load demo data (and N generated cases over two years); create an "
	    "admin account on an empty database" },
	{ "ingest-mail", cmd_ingest_mail, "ingest-mail [--mbox FILE]",
	    "take one e-mail on stdin (from the MTA), or import an mbox" },
	{ "worker", cmd_worker, "worker [--once]",
	    "run the background jobs (mail, test runs) without the server" },
	{ "report", cmd_report, "report training [--from D --to D | --period P] [--format html|csv|json]",
	    "the training report of a period's post-mortems" },
	{ "export", cmd_export, "export csaf|cve --advisory ID",
	    "print a published advisory as CSAF 2.0 or a CVE JSON 5.1 record" },
	{ "product", cmd_product, "product add|list ...",
	    "products and their test plans" },
	{ "user", cmd_user, "user add|list|disable ...",
	    "manage the response team's accounts" },
	{ "token", cmd_token, "token create --user E [--name LABEL]",
	    "create an API token (printed once)" },
	{ "audit", cmd_audit, "audit verify",
	    "check the audit log's hash chain" },
	{ "calendar", cmd_calendar, "calendar [--from YYYY-MM-DD] [--count N]",
	    "print the next release windows and advance-notice days" },
	{ "routes", cmd_routes, "routes",
	    "print the route table with the roles allowed on each route" },
	{ "version", cmd_version, "version", "print the version" },
	{ "help", cmd_help, "help [COMMAND]", "show this help" },
	{ NULL, NULL, NULL, NULL },
};

struct store *
cli_store_open(struct cli *c)
{
	return store_open(c->cfg.db_url);
}

int
cli_ensure_db_dir(const char *url)
{
	char dir[1024], *slash;

	if (strncmp(url, "sqlite:", 7) != 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s", url + 7);
	if ((slash = strrchr(dir, '/')) == NULL)
		return 0;
	*slash = '\0';
	if (dir[0] == '\0')
		return 0;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		log_err("cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Removes --config/--db (either "--x V" or "--x=V") from argv wherever
 * they appear; returns the new argc, or -1 on a missing value. */
static int
take_globals(int argc, char *argv[], const char **config, const char **db)
{
	int i, o = 0;

	for (i = 0; i < argc; i++) {
		const char **dst = NULL;
		const char *opt = argv[i];
		if (strncmp(opt, "--config", 8) == 0 &&
		    (opt[8] == '\0' || opt[8] == '='))
			dst = config;
		else if (strncmp(opt, "--db", 4) == 0 &&
		    (opt[4] == '\0' || opt[4] == '='))
			dst = db;
		if (dst == NULL) {
			argv[o++] = argv[i];
			continue;
		}
		if ((opt = strchr(opt, '=')) != NULL)
			*dst = opt + 1;
		else if (i + 1 < argc)
			*dst = argv[++i];
		else
			return -1;
	}
	argv[o] = NULL;
	return o;
}

int
main(int argc, char *argv[])
{
	struct cli c;
	const char *config = NULL, *db = NULL;
	char err[1024];
	int i;

	memset(&c, 0, sizeof(c));
	c.argv0 = argv[0];
	util_config_defaults(&c.cfg);
	if ((argc = take_globals(argc - 1, argv + 1, &config, &db)) == -1) {
		fprintf(stderr, "vigil: --config and --db need a value\n");
		return 2;
	}
	argv++;
	if (config == NULL && access("vigil.conf", R_OK) == 0)
		config = "vigil.conf";
	if (config != NULL) {
		if (util_config_load(&c.cfg, config, err, sizeof(err)) == -1) {
			fprintf(stderr, "vigil: %s\n", err);
			return 2;
		}
		c.config_path = config;
	}
	if (db != NULL) {
		if (strlen(db) >= sizeof(c.cfg.db_url)) {
			fprintf(stderr, "vigil: --db is too long\n");
			return 2;
		}
		snprintf(c.cfg.db_url, sizeof(c.cfg.db_url), "%s", db);
	}
	util_log_set_level(c.cfg.log_level);
	if (util_crypto_init() == -1)
		return 1;
	if (argc == 0)
		return cmd_help(&c, 0, argv) == 0 ? 2 : 2;
	for (i = 0; cli_commands[i].name != NULL; i++)
		if (strcmp(cli_commands[i].name, argv[0]) == 0)
			return cli_commands[i].fn(&c, argc, argv);
	if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)
		return cmd_help(&c, 0, argv);
	if (strcmp(argv[0], "--version") == 0)
		return cmd_version(&c, argc, argv);
	fprintf(stderr, "vigil: unknown command '%s' (see `vigil help`)\n",
	    argv[0]);
	return 2;
}
