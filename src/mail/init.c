/* mail/init.c - process-wide set-up of GMime and GPGME for src/mail/.
 * Not thread-safe: call mail_init() once, before any other thread uses
 * mail_*, and mail_shutdown() after the last use (ingest-mail is a
 * short-lived single-threaded process). */
#include <gmime/gmime.h>
#include <gpgme.h>

#include "mail.h"

static int initialized;

int
mail_init(void)
{
	if (initialized)
		return 0;
	/* GPGME must be told the library version it was built with. */
	if (gpgme_check_version(GPGME_VERSION) == NULL)
		return -1;
	/* The engine (gpg) is looked up on first use, only for mail that
	 * has PGP in it: asking now costs every ingest-mail process five
	 * fork/execs.  Without a gpg binary parsing still works; PGP fails
	 * closed. */
	g_mime_init();
	initialized = 1;
	return 0;
}

void
mail_shutdown(void)
{
	if (!initialized)
		return;
	g_mime_shutdown();
	initialized = 0;
}
