/* tests/unit/mail/send_main.c - a tiny CLI around mail_send() (and
 * mail_compose()) for tests/integration/test_smtp_send.py.
 *
 * usage: send_main [options] URL FROM TO FILE
 *   FILE is sent as is; with --compose it is the UTF-8 body of a message
 *   built with mail_compose() first.
 * options: --starttls --insecure --user U --password P --helo NAME
 *   --timeout SECONDS --compose --subject S
 * Prints "result R: why" (R = 0, -1 or -2) and exits 0, 1 or 2 likewise;
 * 3 on a usage or setup error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>
#include <gpgme.h>

#include "mail/mail.h"
#include "util/arena.h"
#include "util/crypto.h"

#define MAX_FILE	(32 * 1024 * 1024)

static char *
slurp(const char *path, size_t *lenp)
{
	FILE *f;
	char *p;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if ((p = malloc(MAX_FILE + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(p, 1, MAX_FILE, f);
	fclose(f);
	p[n] = '\0';
	*lenp = n;
	return p;
}

static int
usage(void)
{
	fprintf(stderr, "usage: send_main [--starttls] [--insecure] "
	    "[--user U] [--password P] [--helo H] [--timeout S] [--compose] "
	    "[--subject S] URL FROM TO FILE\n");
	return 3;
}

int
main(int argc, char **argv)
{
	struct mail_smtp cfg;
	struct mail_out m;
	struct arena a;
	const char *subject = "[VIGIL-1] test", *cwhy;
	char why[512], id[128], *data, *msg;
	size_t len, mlen;
	int i, rc, compose = 0;

	memset(&cfg, 0, sizeof(cfg));
	cfg.timeout = 20;
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--starttls") == 0)
			cfg.starttls = 1;
		else if (strcmp(argv[i], "--insecure") == 0)
			cfg.insecure = 1;
		else if (strcmp(argv[i], "--compose") == 0)
			compose = 1;
		else if (i + 1 >= argc)
			return usage();
		else if (strcmp(argv[i], "--user") == 0)
			cfg.user = argv[++i];
		else if (strcmp(argv[i], "--password") == 0)
			cfg.password = argv[++i];
		else if (strcmp(argv[i], "--helo") == 0)
			cfg.helo = argv[++i];
		else if (strcmp(argv[i], "--timeout") == 0)
			cfg.timeout = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--subject") == 0)
			subject = argv[++i];
		else
			return usage();
	}
	if (argc - i != 4)
		return usage();
	cfg.url = argv[i];
	if ((data = slurp(argv[i + 3], &len)) == NULL) {
		perror(argv[i + 3]);
		return 3;
	}
	util_arena_init(&a, 0);
	msg = data;
	mlen = len;
	if (compose) {
		if (util_crypto_init() == -1)
			return 3;
		g_mime_init();
		if (gpgme_check_version(NULL) == NULL)
			return 3;
		mail_message_id(id, sizeof(id), "vigil.test");
		memset(&m, 0, sizeof(m));
		m.from = argv[i + 1];
		m.to = argv[i + 2];
		m.subject = subject;
		m.message_id = id;
		m.loop_id = "vigil-test";
		m.body = data;
		if (mail_compose(&a, &m, &msg, &mlen, &cwhy) == -1) {
			fprintf(stderr, "compose: %s\n", cwhy);
			return 3;
		}
	}
	rc = mail_send(&cfg, argv[i + 1], argv[i + 2], msg, mlen, why,
	    sizeof(why));
	printf("result %d: %s\n", rc, why);
	if (compose)
		g_mime_shutdown();
	util_arena_release(&a);
	free(data);
	return rc == 0 ? 0 : rc == -1 ? 1 : 2;
}
