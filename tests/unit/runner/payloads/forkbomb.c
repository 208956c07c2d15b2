/* payloads/forkbomb.c - hostile: every process forks forever.  The first
 * process reports when fork starts failing; with "forever" it never exits
 * (the wall clock must end it), otherwise it exits after 200 failures and
 * the rest of the bomb must die with the sandbox. */
#include <sys/prctl.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	pid_t top = getpid(), p;
	int forever = argc > 1 && strcmp(argv[1], "forever") == 0;
	int made = 0, failed = 0;

	prctl(PR_SET_NAME, "vigilbomb", 0, 0, 0);
	setvbuf(stdout, NULL, _IONBF, 0);
	for (;;) {
		p = fork();
		if (getpid() != top)
			continue;	/* children: fork again */
		if (p > 0) {
			made++;
			continue;
		}
		if (failed++ == 0)
			printf("fork failed after %d children: %s\n", made,
			    strerror(errno));
		if (!forever && failed >= 200)
			return 0;
	}
}
