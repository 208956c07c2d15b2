/* tests/fuzz/fuzz_postmortem.c - libFuzzer target for the post-mortem
 * input rules (core/postmortem.h) and the report period parser
 * (report/period.h).  The input is split at NUL bytes into the eleven
 * post-mortem fields, the rest going to the tag normaliser, the
 * anonymiser and the day parser.  Checks: validation returns the number
 * of messages it set; a normalised tag list is valid, normalises to
 * itself and only holds allowed bytes; anonymised text is NUL-terminated
 * within its buffer, never longer, keeps no e-mail address of the names
 * given, and is valid UTF-8 when the input was; a parsed day formats
 * back to itself.  Without libFuzzer, replay_main.c replays
 * tests/fuzz/corpus/postmortem/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/postmortem.h"
#include "core/report.h"
#include "report/period.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(int cond)
{
	if (!cond)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *v[PMF__MAX], *err[PMF__MAX];
	char *s, *p, *end, tags[PM_TAGS_LEN], tags2[PM_TAGS_LEN], day[16];
	char small[24], *big;
	const char *names[2] = { "Jane Researcher", "jane@example.net" };
	size_t i, n, len;
	int k, bad;
	time_t t;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	end = s + size;
	p = s;
	for (k = 0; k < PMF__MAX; k++) {
		v[k] = p < end ? p : NULL;
		if (p < end)
			p += strlen(p) + 1;
	}
	n = (size_t)core_pm_validate(v, err);
	for (k = 0, bad = 0; k < PMF__MAX; k++)
		bad += err[k] != NULL;
	check((size_t)bad == n);

	if (core_pm_tags_normalize(s, tags, sizeof(tags)) == 0) {
		check(strlen(tags) < sizeof(tags));
		check(core_pm_tags_normalize(tags, tags2, sizeof(tags2)) == 0);
		check(strcmp(tags, tags2) == 0);
		for (i = 0; tags[i] != '\0'; i++)
			check((tags[i] >= 'a' && tags[i] <= 'z') ||
			    (tags[i] >= '0' && tags[i] <= '9') ||
			    strchr("-.+#,", tags[i]) != NULL);
	} else
		check(tags[0] == '\0');

	len = strlen(s);
	if ((big = malloc(len * 4 + 16)) != NULL) {
		n = core_pm_anonymise(s, names, 2, "VR", big, len * 4 + 16);
		check(n == strlen(big));
		check(strstr(big, "jane@example.net") == NULL);
		if (core_text_ok(s, len, 1))
			check(core_text_ok(big, n, 1));
		free(big);
	}
	n = core_pm_anonymise(s, names, 2, "VR", small, sizeof(small));
	check(n < sizeof(small) && n == strlen(small));
	if (core_text_ok(s, len, 1))
		check(core_text_ok(small, n, 1));

	if ((t = report_parse_day(s)) != -1) {
		report_ymd(day, sizeof(day), t);
		check(strcmp(day, s) == 0);
	}
	free(s);
	return 0;
}
