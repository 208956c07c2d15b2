/* payloads/net.c - hostile: tries to reach the host's 127.0.0.1:PORT (a
 * listener the test opened outside) and to open a netlink socket.
 * Prints one line per attempt; exits 0 if everything was blocked. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	int fd, escaped = 0;

	if (argc != 2)
		return 2;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)strtol(argv[1], NULL, 10));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		printf("tcp socket: blocked (%s)\n", strerror(errno));
	else if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		printf("tcp connect: blocked (%s)\n", strerror(errno));
	else {
		printf("tcp connect: ESCAPED\n");
		escaped = 1;
	}
	if ((fd = socket(AF_NETLINK, SOCK_RAW, 0)) == -1)
		printf("netlink: blocked (%s)\n", strerror(errno));
	else {
		printf("netlink: ESCAPED\n");
		escaped = 1;
	}
	return escaped;
}
