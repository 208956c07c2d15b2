/* cli/cmd_audit.c - `vigil audit verify`: walks the hash chain of the
 * audit log; prints OK and the head hash (to keep off-host), or the first
 * broken row, and exits 1. */
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "cli.h"

int
cmd_audit(struct cli *c, int argc, char *argv[])
{
	struct store *st;
	int64_t bad = 0, rows = 0;
	const char *why = NULL;
	int rc;

	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		fprintf(stderr, "usage: vigil audit verify\n");
		return 2;
	}
	if ((st = cli_store_open(c)) == NULL)
		return 1;
	if (store_schema_version(st) < 2) {
		fprintf(stderr, "vigil: the database has no audit log yet "
		    "(run vigil migrate)\n");
		store_close(st);
		return 1;
	}
	rc = store_audit_verify(st, &bad, &why, &rows);
	store_close(st);
	if (rc == 1) {
		printf("OK: %lld audit rows, chain intact\n", (long long)rows);
		return 0;
	}
	if (rc == 0) {
		printf("BROKEN at row %lld: %s\n", (long long)bad, why);
		return 1;
	}
	fprintf(stderr, "vigil: cannot read the audit log\n");
	return 1;
}
