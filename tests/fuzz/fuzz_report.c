/* tests/fuzz/fuzz_report.c - core/report on hostile forms.  The input is
 * split on NUL bytes: the first RF_ATTACHMENTS pieces are the text
 * fields in enum order, each later piece a fake attachment (4 bytes of
 * little-endian size, then the file name).  Runs validate, tier,
 * file-name sanitizing, tracking IDs, CWE and e-mail parsing on the
 * pieces, and aborts when an invariant breaks:
 *   - validate's return, errs.count and the messages agree;
 *   - the tier is "incomplete" exactly when a required field has an error;
 *   - a sanitized name is non-empty single-line UTF-8 of <= 255 bytes with
 *     no path separator, no leading dot, no trailing dot or space;
 *   - a parsed tracking ID formats and parses back to the same values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cwe.h"
#include "core/report.h"

#define MAX_ATT		16

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const product_names[] = { "Vigil", "Vigil Mail Gateway" };
static const struct core_product_list products = { product_names, 2 };
static const struct core_report_limits limits = { 1024 * 1024, 4 };

static int
required(int f)
{
	switch (f) {
	case RF_REPORTER_EMAIL:
	case RF_PRODUCT:
	case RF_PRODUCT_OTHER:	/* when product is "other" */
	case RF_VERSIONS:
	case RF_IMPACT:
	case RF_TITLE:
	case RF_DESCRIPTION:
	case RF_PUBLICLY_KNOWN:
	case RF_EXPLOITED:
		return 1;
	default:
		return 0;
	}
}

static void
check_errors(const struct core_report_errors *e, int rc)
{
	int f, n = 0;

	for (f = 0; f < RF__MAX; f++)
		if (e->msg[f] != NULL) {
			if (e->msg[f][0] == '\0')
				abort();
			n++;
		}
	if (n != rc || e->count != rc)
		abort();
}

static void
check_filename(const char *in, size_t outlen)
{
	char out[300];
	size_t n;

	memset(out, 'X', sizeof(out));
	core_filename_sanitize(in, out, outlen);
	if (out[outlen] != 'X')		/* wrote past outlen */
		abort();
	n = strlen(out);
	if (n == 0 || n > 255 || n >= outlen)
		abort();
	if (!core_text_ok(out, n, 0) || strchr(out, '/') != NULL ||
	    strchr(out, '\\') != NULL || out[0] == '.' ||
	    out[n - 1] == '.' || out[n - 1] == ' ')
		abort();
}

static void
check_tracking(const char *s, const char *prefix)
{
	char buf[64];
	int year, y2;
	long seq, s2;

	if (core_tracking_parse(s, prefix, &year, &seq) != 0)
		return;
	if (year < 1970 || year > 9999 || seq < 1 || seq > 999999999)
		abort();
	if (prefix == NULL)
		return;
	if (core_tracking_format(buf, sizeof(buf), prefix, year, seq) != 0 ||
	    core_tracking_parse(buf, prefix, &y2, &s2) != 0 ||
	    y2 != year || s2 != seq)
		abort();
}

static void
check_piece(const char *s)
{
	int id;

	check_filename(s, 64);
	check_filename(s, 256);
	check_tracking(s, "VR");
	check_tracking(s, NULL);
	id = core_cwe_parse(s);
	if (id != -1 && (id < 1 || id > 9999))
		abort();
	(void)core_cwe_find(id);
	(void)core_email_ok(s);
	(void)core_report_impact_parse(s);
	if (core_utf8_len(s) > strlen(s))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct core_attachment_meta att[MAX_ATT];
	struct core_report r;
	struct core_report_errors e;
	const char *hints[8];
	enum report_tier t;
	char *buf, *p, *end;
	size_t nh, i;
	int f, rc, incomplete;

	(void)core_text_ok((const char *)data, size, 1);
	(void)core_text_ok((const char *)data, size, 0);

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	end = buf + size;

	memset(&r, 0, sizeof(r));
	p = buf;
	for (f = 0; f < RF_ATTACHMENTS && p <= end; f++) {
		r.field[f] = p;
		p += strlen(p) + 1;
	}
	for (i = 0; i < MAX_ATT && p <= end; i++) {
		size_t len = strlen(p), sz = 0, k;

		for (k = 0; k < 4 && k < len; k++)
			sz |= (size_t)(unsigned char)p[k] << (8 * k);
		att[i].size = sz;
		att[i].content_type = "application/octet-stream";
		att[i].filename = len > 4 ? p + 4 : "";
		p += len + 1;
	}
	r.attachments = att;
	r.nattachments = i;

	rc = core_report_validate(&r, &products, &limits, &e);
	check_errors(&e, rc);
	rc = core_report_validate(&r, NULL, NULL, &e);
	check_errors(&e, rc);

	nh = 99;
	t = core_report_tier(&r, hints, sizeof(hints) / sizeof(hints[0]), &nh);
	if ((unsigned)t >= TIER__MAX || nh > sizeof(hints) / sizeof(hints[0]))
		abort();
	for (i = 0; i < nh; i++)
		if (hints[i] == NULL)
			abort();
	if (core_report_tier_name(t) == NULL)
		abort();
	/* e is from validate without a product list, like the tier. */
	incomplete = 0;
	for (f = 0; f < RF__MAX; f++)
		if (required(f) && e.msg[f] != NULL)
			incomplete = 1;
	if (incomplete != (t == TIER_INCOMPLETE))
		abort();

	for (f = 0; f < RF_ATTACHMENTS; f++)
		if (r.field[f] != NULL)
			check_piece(r.field[f]);
	for (i = 0; i < r.nattachments; i++)
		check_piece(att[i].filename);
	free(buf);
	return 0;
}
