/* cli/cmd_version.c - `vigil version` */
#include <stdio.h>

#include <microhttpd.h>
#include <sqlite3.h>

#include "cli.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.1.0"
#endif

int
cmd_version(struct cli *c, int argc, char *argv[])
{
	(void)c;
	(void)argc;
	(void)argv;
	printf("vigil %s (libmicrohttpd %s, SQLite %s)\n", VIGIL_VERSION,
	    MHD_get_version(), sqlite3_libversion());
	return 0;
}
