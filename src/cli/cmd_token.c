/* cli/cmd_token.c - `vigil token create --user E [--name LABEL]`: an API
 * token for scripts, printed once and stored only as a hash; used as
 * `Authorization: Bearer TOKEN`. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/crypto.h"
#include "cli.h"

int
cmd_token(struct cli *c, int argc, char *argv[])
{
	const char *email = NULL, *name = "api";
	char tok[UTIL_TOKEN_CHARS + 1];
	unsigned char h[UTIL_HASH_BYTES];
	struct store_user u;
	struct store *st;
	struct arena ar;
	int i, rc = 1;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--user") == 0 && i + 1 < argc)
			email = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else
			email = NULL, i = argc;
	}
	if (argc < 2 || strcmp(argv[1], "create") != 0 || email == NULL) {
		fprintf(stderr, "usage: vigil token create --user E "
		    "[--name LABEL]\n");
		return 2;
	}
	if (cli_ensure_db_dir(c->cfg.db_url) == -1 ||
	    (st = cli_store_open(c)) == NULL)
		return 1;
	util_arena_init(&ar, 0);
	if (store_migrate(st) < 0)
		goto out;
	if ((i = store_user_by_email(st, email, &ar, &u)) != STORE_OK ||
	    u.disabled) {
		fprintf(stderr, "vigil: no active account %s\n", email);
		goto out;
	}
	util_token_new(tok, h);
	if (store_token_add(st, h, u.id, name, time(NULL)) != STORE_OK)
		goto out;
	store_audit_add(st, time(NULL), "cli", "token.create", 0, email);
	printf("%s\n", tok);
	fprintf(stderr, "token for %s (shown once; use it as "
	    "'Authorization: Bearer TOKEN')\n", email);
	rc = 0;
out:
	util_arena_release(&ar);
	store_close(st);
	return rc;
}
