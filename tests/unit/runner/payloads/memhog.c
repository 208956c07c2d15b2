/* payloads/memhog.c - hostile: allocates and touches memory until refused.
 * Prints how far it got; exits 0 when an allocation failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(void)
{
	size_t total = 0, chunk = 16UL << 20;
	char *p;

	setvbuf(stdout, NULL, _IONBF, 0);
	if ((p = malloc(4UL << 30)) == NULL)
		printf("4 GiB at once: refused\n");
	else
		printf("4 GiB at once: granted\n");
	for (;;) {
		if ((p = malloc(chunk)) == NULL) {
			printf("allocation failed after %zu MiB\n",
			    total >> 20);
			return 0;
		}
		memset(p, 1, chunk);
		total += chunk;
		if (total >= (8UL << 30)) {
			printf("ESCAPED: %zu MiB\n", total >> 20);
			return 1;
		}
	}
}
