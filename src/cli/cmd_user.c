/* cli/cmd_user.c - `vigil user add|list|disable`: the response team's
 * accounts.  Passwords are 12 to 128 characters, never truncated, hashed
 * with argon2id; without --password-stdin a strong one is generated and
 * printed once. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/perm.h"
#include "core/report.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/crypto.h"
#include "util/log.h"
#include "cli.h"

#define PW_MIN	12
#define PW_MAX	128

static int
usage(void)
{
	fprintf(stderr, "usage: vigil user add --email E --name N --role "
	    "ROLE[,ROLE...] [--password-stdin]\n"
	    "       vigil user list\n"
	    "       vigil user disable E\n"
	    "roles: analyst, engineer, tester, release_manager, admin\n");
	return 2;
}

/* Reads one line from stdin (no newline); -1 if longer than PW_MAX. */
static int
read_password(char *pw, size_t len)
{
	size_t n;

	if (fgets(pw, (int)len, stdin) == NULL)
		return -1;
	n = strlen(pw);
	if (n > 0 && pw[n - 1] == '\n')
		pw[--n] = '\0';
	else if (!feof(stdin))
		return -1;	/* longer than the buffer: never truncate */
	if (n > 0 && pw[n - 1] == '\r')
		pw[--n] = '\0';
	return 0;
}

int
cli_password_ok(const char *pw, const char **why)
{
	size_t n = core_utf8_len(pw);

	if (!core_text_ok(pw, strlen(pw), 0)) {
		*why = "the password must be one line of valid UTF-8";
		return 0;
	}
	if (n < PW_MIN) {
		*why = "the password must have at least 12 characters";
		return 0;
	}
	if (n > PW_MAX) {
		*why = "the password must have at most 128 characters";
		return 0;
	}
	return 1;
}

static int
user_add(struct store *st, int argc, char *argv[])
{
	const char *email = NULL, *name = NULL, *roles = NULL, *why;
	char pw[PW_MAX * 4 + 8], hash[256], canon[CORE_ROLES_FMTLEN];
	struct store_user_new u;
	core_roles set;
	int i, from_stdin = 0, rc;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--email") == 0 && i + 1 < argc)
			email = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			roles = argv[++i];
		else if (strcmp(argv[i], "--password-stdin") == 0)
			from_stdin = 1;
		else
			return usage();
	}
	if (email == NULL || name == NULL || roles == NULL)
		return usage();
	if (!core_email_ok(email)) {
		fprintf(stderr, "vigil: not an e-mail address: %s\n", email);
		return 2;
	}
	if (!core_text_ok(name, strlen(name), 0) || core_utf8_len(name) == 0 ||
	    core_utf8_len(name) > 200) {
		fprintf(stderr, "vigil: the name must be one line of 1 to 200 "
		    "characters\n");
		return 2;
	}
	if (core_roles_parse(roles, &set) == -1 || set == 0) {
		fprintf(stderr, "vigil: unknown role in '%s' (roles: analyst, "
		    "engineer, tester, release_manager, admin)\n", roles);
		return 2;
	}
	core_roles_format(set, canon, sizeof(canon));
	if (from_stdin) {
		if (read_password(pw, sizeof(pw)) == -1) {
			fprintf(stderr, "vigil: no password on standard input, "
			    "or longer than 128 characters\n");
			return 2;
		}
		if (!cli_password_ok(pw, &why)) {
			fprintf(stderr, "vigil: %s\n", why);
			return 2;
		}
	} else
		util_password_new(pw, sizeof(pw));
	if (util_password_hash(hash, sizeof(hash), pw) == -1) {
		fprintf(stderr, "vigil: cannot hash the password\n");
		return 1;
	}
	memset(&u, 0, sizeof(u));
	u.email = email;
	u.name = name;
	u.roles = canon;
	u.password_hash = hash;
	u.now = time(NULL);
	u.must_change = !from_stdin;	/* a generated password is one-time */
	rc = store_user_add(st, &u, NULL);
	if (rc == STORE_NONE) {
		fprintf(stderr, "vigil: an account for %s exists already\n",
		    email);
		return 1;
	}
	if (rc != STORE_OK)
		return 1;
	store_audit_add(st, u.now, "cli", "user.add", 0, email);
	printf("account %s created (roles: %s)\n", email, canon);
	if (!from_stdin)
		printf("one-time password: %s\n(shown once; it must be "
		    "changed at the first sign-in)\n", pw);
	return 0;
}

static int
user_list(struct store *st)
{
	struct store_user *u;
	struct arena ar;
	size_t n, i;

	util_arena_init(&ar, 0);
	if (store_users_list(st, &ar, &u, &n) != STORE_OK) {
		util_arena_release(&ar);
		return 1;
	}
	printf("%-32s %-24s %-28s %s\n", "EMAIL", "NAME", "ROLES", "STATUS");
	for (i = 0; i < n; i++)
		printf("%-32s %-24s %-28s %s\n", u[i].email, u[i].name,
		    u[i].roles, u[i].disabled ? "disabled" : "active");
	util_arena_release(&ar);
	return 0;
}

static int
user_disable(struct store *st, const char *email)
{
	int rc = store_user_disable(st, email, time(NULL));

	if (rc == STORE_NONE) {
		fprintf(stderr, "vigil: no account %s\n", email);
		return 1;
	}
	if (rc != STORE_OK)
		return 1;
	store_audit_add(st, time(NULL), "cli", "user.disable", 0, email);
	printf("account %s disabled\n", email);
	return 0;
}

int
cmd_user(struct cli *c, int argc, char *argv[])
{
	struct store *st;
	int rc;

	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0 &&
	    strcmp(argv[1], "disable") != 0)
		return usage();
	if (strcmp(argv[1], "disable") == 0 && argc != 3)
		return usage();
	if (strcmp(argv[1], "list") == 0 && argc != 2)
		return usage();
	if (cli_ensure_db_dir(c->cfg.db_url) == -1 ||
	    (st = cli_store_open(c)) == NULL)
		return 1;
	if (store_migrate(st) < 0) {
		store_close(st);
		return 1;
	}
	if (strcmp(argv[1], "add") == 0)
		rc = user_add(st, argc - 2, argv + 2);
	else if (strcmp(argv[1], "list") == 0)
		rc = user_list(st);
	else
		rc = user_disable(st, argv[2]);
	store_close(st);
	return rc;
}
