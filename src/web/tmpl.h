/* web/tmpl.h - mustache templates, compiled once, rendered many times.
 *
 * A set holds named templates; partials ({{>x}}) and parents ({{<x}})
 * name other templates of the same set.  Templates are compiled to a node
 * tree when added; rendering walks the tree and never re-parses.  The full
 * mustache spec is followed (interpolation, sections, inverted sections,
 * comments, partials, set delimiters, standalone lines, inheritance with
 * block reindentation), except lambdas and dynamic names.
 *
 * Values: strings as is; integers without decimals; reals in the shortest
 * form that reads back the same (1.21); true/false as words; null, arrays
 * and objects as nothing.  {{x}} escapes & < > " ' (' as &#39;).
 * Sections: missing, null, false, "" and [] are falsy; a list repeats the
 * section per element, any other value is pushed on the context stack.
 *
 * Strict sets (production) refuse {{{x}}} and {{&x}} at compile time unless
 * the name's last segment ends in "_html", the convention for values the
 * code marked safe (rendered Markdown, tested helpers).
 *
 * A set is read-only once built: any number of threads may render from it
 * at once.  Adding templates must not race with rendering. */
#ifndef WEB_TMPL_H
#define WEB_TMPL_H
#include <stddef.h>

#include <jansson.h>

#include "util/buf.h"

struct tmpl_set;

struct tmpl_set	*web_tmpl_set_new(int strict);
/* Compile src as template `name`.  Returns 0, or -1 and writes
 * "NAME:LINE: reason" into err (a duplicate name is an error too). */
int		 web_tmpl_add(struct tmpl_set *, const char *name,
		    const char *src, size_t len, char *err, size_t errlen);
/* Load every *.mustache file of dir (name = file name without .mustache),
 * compile each, then check every partial and parent referenced exists.
 * Returns NULL and "PATH:LINE: reason" in err on the first problem. */
struct tmpl_set	*web_tmpl_load_dir(const char *dir, int strict, char *err,
		    size_t errlen);
/* Returns 1 if the set holds template `name`, else 0. */
int		 web_tmpl_exists(const struct tmpl_set *, const char *name);
/* Render template `name` with context ctx (may be NULL), appending to out.
 * Returns 0, or -1 on error: unknown template, out of memory or out's
 * maximum reached, more than 64 nested partials/parents/blocks, or more
 * than a fixed number of rendering steps.  A missing partial renders as
 * nothing (the spec's rule; web_tmpl_load_dir refuses those). */
int		 web_tmpl_render(const struct tmpl_set *, const char *name,
		    const json_t *ctx, struct buf *out);
void		 web_tmpl_set_free(struct tmpl_set *);

#endif
