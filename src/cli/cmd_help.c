/* cli/cmd_help.c - `vigil help [COMMAND]` */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int
cmd_help(struct cli *c, int argc, char *argv[])
{
	int i;

	(void)c;
	if (argc > 1) {
		for (i = 0; cli_commands[i].name != NULL; i++)
			if (strcmp(cli_commands[i].name, argv[1]) == 0) {
				printf("usage: vigil [--config FILE] [--db URL] "
				    "%s\n  %s\n", cli_commands[i].usage,
				    cli_commands[i].summary);
				return 0;
			}
		fprintf(stderr, "vigil: no such command '%s'\n", argv[1]);
		return 2;
	}
	printf("usage: vigil [--config FILE] [--db URL] COMMAND [ARGS]\n\n"
	    "Global options:\n"
	    "  --config FILE  configuration file (default ./vigil.conf if "
	    "present)\n"
	    "  --db URL       database, e.g. sqlite:var/vigil.db\n\n"
	    "Commands:\n");
	for (i = 0; cli_commands[i].name != NULL; i++)
		printf("  %-44s %s\n", cli_commands[i].usage,
		    cli_commands[i].summary);
	printf("\nSee vigil(1) and vigil.conf(5).\n");
	return 0;
}
