/* web/tmpl.c - mustache compiler and renderer; see tmpl.h.
 *
 * The compiler is a cursor over the source that keeps an explicit stack of
 * open sections, so hostile nesting cannot exhaust the C stack.  Text is
 * split after each newline, and every node records whether it begins a
 * line of the template: that is where partial and block indentation goes
 * at render time.
 *
 * Whitespace rules, as ~inheritance.json states them:
 * - section, inverted, comment, partial and set-delimiter tags alone on a
 *   line (blanks around them) take the whole line with them;
 * - a parent pair {{<p}}..{{/p}} whose opening tag starts its line and
 *   whose closing tag ends its line is standalone; the blanks before the
 *   opening tag become the indentation of the expanded parent;
 * - inside a parent only blocks count: the text before a block's opening
 *   tag and after its closing tag is ignored, so those sides never stop a
 *   block tag from being standalone;
 * - a block whose opening tag is standalone has intrinsic indentation: the
 *   blanks starting the next line.  They are removed from every line of the
 *   block, and added back wherever the block (or its override) expands;
 * - otherwise a block pair whose opening tag starts its line and whose
 *   closing tag ends its line is indented by the blanks before it, which
 *   stop being literal text (the newline after it stays). */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L	/* strdup, fileno, mkdtemp */
#endif
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/arena.h"
#include "util/buf.h"
#include "web/tmpl.h"

#define MAX_NEST	64		/* open sections in one template */
#define MAX_DEPTH	64		/* nested partial/parent/block expansions */
#define MAX_DELIM	16		/* bytes of a custom delimiter */
#define MAX_STEPS	(1UL << 22)	/* nodes visited by one render */
#define MAX_FILE	(4UL * 1024 * 1024)
#define MAX_INDENT	(64 * 1024)
#define NBUCKETS	64
#define EXT		".mustache"

enum ntype {
	N_TEXT,
	N_VAR,		/* {{x}}: escaped */
	N_RAW,		/* {{{x}}}, {{&x}} */
	N_SECTION,
	N_INVERTED,
	N_PARTIAL,
	N_PARENT,	/* children: the blocks passed to the parent */
	N_BLOCK,	/* children: default content, or the override */
	N__MAX
};

struct node {
	struct node	*next;
	struct node	*child;
	const char	*str;		/* text, or the tag's name */
	size_t		 len;
	char		**path;		/* name split at '.'; none for "." */
	size_t		 npath;
	const char	*indent;	/* partial/parent/block indentation */
	size_t		 indentlen;
	size_t		 line;
	enum ntype	 type;
	int		 bol;		/* begins a line of the template */
};

struct tmpl {
	struct tmpl	*next;
	char		*name;
	char		*label;		/* file or name, for messages */
	struct node	*root;
	struct arena	 arena;
};

struct tmpl_set {
	struct tmpl	*bucket[NBUCKETS];
	int		 strict;
};

struct frame {
	struct node	*owner;		/* NULL for the template itself */
	struct node	**tail;
	const char	*ded;		/* intrinsic indentation to remove */
	size_t		 dedlen;
	struct node	*lead;		/* blank text before the opening tag */
	int		 leftclear;	/* nothing else before the opening tag */
	int		 inparent;	/* a block passed to a parent */
	int		 openbol;	/* line start after the opening tag */
};

struct parser {
	struct arena	*a;
	const char	*label;
	const char	*src;
	size_t		 len;
	size_t		 pos;
	size_t		 line;
	size_t		 bol;		/* offset where the current line starts */
	int		 dedented;	/* current line's indentation removed */
	int		 tainted;	/* a tag already stands on this line */
	int		 pendbol;	/* the next node begins a line */
	struct node	*linetext;	/* text node starting the current line */
	char		 otag[MAX_DELIM + 1];
	char		 ctag[MAX_DELIM + 1];
	size_t		 olen;
	size_t		 clen;
	int		 strict;
	char		*err;
	size_t		 errlen;
	struct frame	 fr[MAX_NEST + 1];
	size_t		 nfr;
};

/* One tag as scanned, before it is interpreted. */
struct tag {
	char		 type;		/* 0 for a variable */
	size_t		 start;		/* offset of the opening delimiter */
	size_t		 end;		/* offset after the closing delimiter */
	size_t		 line;
	const char	*name;		/* trimmed content */
	size_t		 namelen;
	int		 leftclear;
	int		 rightclear;
	size_t		 rend;		/* end of the blanks and newline after */
	int		 rnl;		/* rend is past a newline */
};

struct ctx {
	const json_t	*v;
	const struct ctx *up;
};

/* Blocks passed to the parents being expanded, innermost first. */
struct chain {
	const struct node *args;
	const struct chain *up;
};

struct rstate {
	const struct tmpl_set *set;
	struct buf	*out;
	size_t		 base;		/* out->len when rendering began */
	struct buf	 indent;
	int		 depth;
	unsigned long	 steps;
};

static int	perr(struct parser *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	render_nodes(struct rstate *, const struct node *,
		    const struct ctx *, const struct chain *);

static int
isblank_c(char c)
{
	return c == ' ' || c == '\t';
}

static int
isspace_c(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\f' || c == '\v';
}

static unsigned int
hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h % NBUCKETS;
}

static const struct tmpl *
find(const struct tmpl_set *s, const char *name)
{
	const struct tmpl *t;

	for (t = s->bucket[hash(name)]; t != NULL; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/*
 * Compiler.
 */

static int
perr(struct parser *p, size_t line, const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	if (p->err == NULL || p->errlen == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%zu: %s", p->label, line, msg);
	return -1;
}

static int
nomem(struct parser *p)
{
	return perr(p, p->line, "out of memory");
}

static struct frame *
top(struct parser *p)
{
	return &p->fr[p->nfr - 1];
}

static int
inparentbody(struct parser *p)
{
	struct frame *f = top(p);

	return f->owner != NULL && f->owner->type == N_PARENT;
}

static struct node *
addnode(struct parser *p, enum ntype type, size_t line)
{
	struct frame *f = top(p);
	struct node *n;

	if ((n = util_arena_zalloc(p->a, sizeof(*n))) == NULL)
		return NULL;
	n->type = type;
	n->line = line;
	*f->tail = n;
	f->tail = &n->next;
	return n;
}

/* Text [a, b) of the source; b is past a newline or before a tag. */
static int
text(struct parser *p, size_t a, size_t b)
{
	struct node *n;

	if (inparentbody(p))
		return 0;	/* only blocks count inside a parent */
	if ((n = addnode(p, N_TEXT, p->line)) == NULL ||
	    (n->str = util_arena_strndup(p->a, p->src + a, b - a)) == NULL)
		return nomem(p);
	n->len = b - a;
	n->bol = p->pendbol;
	p->pendbol = 0;
	p->linetext = p->src[b - 1] == '\n' ? NULL : n;
	return 0;
}

static void
newline(struct parser *p, size_t at)
{
	p->pos = at;
	p->line++;
	p->bol = at;
	p->dedented = 0;
	p->tainted = 0;
	p->pendbol = 1;
	p->linetext = NULL;
}

/* Skips the intrinsic indentation of the open blocks at a line start. */
static void
dedent(struct parser *p)
{
	size_t i, k;

	for (i = 0; i < p->nfr; i++)
		for (k = 0; k < p->fr[i].dedlen; k++) {
			if (p->pos >= p->len ||
			    p->src[p->pos] != p->fr[i].ded[k])
				return;
			p->pos++;
		}
}

/* Removes the blanks before a standalone tag; they are returned. */
static void
strip_left(struct parser *p, const char **ws, size_t *wslen)
{
	*ws = "";
	*wslen = 0;
	if (p->linetext == NULL)
		return;
	*ws = p->linetext->str;
	*wslen = p->linetext->len;
	if (p->linetext->bol)
		p->pendbol = 1;
	p->linetext->len = 0;
	p->linetext = NULL;
}

/* Consumes the blanks and newline after a standalone tag. */
static void
strip_right(struct parser *p, const struct tag *t)
{
	if (t->rnl)
		newline(p, t->rend);
	else
		p->pos = t->rend;
}

/* Leaves a tag that is not standalone: the line goes on. */
static void
inline_tag(struct parser *p, const struct tag *t)
{
	p->pos = t->end;
	p->tainted = 1;
}

static int
standalone(struct parser *p, const struct tag *t)
{
	const char *ws;
	size_t wslen;

	if (!t->leftclear || !t->rightclear) {
		inline_tag(p, t);
		return 0;
	}
	strip_left(p, &ws, &wslen);
	strip_right(p, t);
	return 1;
}

static size_t
search(const char *s, size_t from, size_t len, const char *pat, size_t plen)
{
	size_t i;

	for (i = from; i + plen <= len; i++)
		if (s[i] == pat[0] && memcmp(s + i, pat, plen) == 0)
			return i;
	return len;
}

static int
setpath(struct parser *p, struct node *n)
{
	size_t i, k, start;

	if (n->len == 1 && n->str[0] == '.')
		return 0;	/* implicit iterator */
	n->npath = 1;
	for (i = 0; i < n->len; i++)
		if (n->str[i] == '.')
			n->npath++;
	if ((n->path = util_arena_alloc(p->a,
	    n->npath * sizeof(*n->path))) == NULL)
		return nomem(p);
	for (i = start = k = 0; i <= n->len; i++) {
		if (i < n->len && n->str[i] != '.')
			continue;
		if ((n->path[k++] = util_arena_strndup(p->a, n->str + start,
		    i - start)) == NULL)
			return nomem(p);
		start = i + 1;
	}
	return 0;
}

static struct node *
namednode(struct parser *p, const struct tag *t, enum ntype type)
{
	struct node *n;

	if ((n = addnode(p, type, t->line)) == NULL ||
	    (n->str = util_arena_strndup(p->a, t->name, t->namelen)) == NULL) {
		nomem(p);
		return NULL;
	}
	n->len = t->namelen;
	return n;
}

static int
push(struct parser *p, struct node *owner, const struct tag *t)
{
	struct frame *f;

	if (p->nfr > MAX_NEST)
		return perr(p, t->line, "sections nested deeper than %d",
		    MAX_NEST);
	f = &p->fr[p->nfr++];
	memset(f, 0, sizeof(*f));
	f->owner = owner;
	f->tail = &owner->child;
	return 0;
}

static int
setdelim(struct parser *p, const struct tag *t)
{
	const char *s = t->name, *e = t->name + t->namelen, *a, *b;
	size_t alen, blen, i;

	for (a = s; a < e && !isspace_c(*a); a++)
		continue;
	alen = (size_t)(a - s);
	for (b = a; b < e && isspace_c(*b); b++)
		continue;
	blen = (size_t)(e - b);
	if (alen == 0 || blen == 0 || alen > MAX_DELIM || blen > MAX_DELIM)
		return perr(p, t->line, "bad delimiter");
	for (i = 0; i < alen; i++)
		if (s[i] == '=')
			return perr(p, t->line, "bad delimiter");
	for (i = 0; i < blen; i++)
		if (b[i] == '=' || isspace_c(b[i]))
			return perr(p, t->line, "bad delimiter");
	memcpy(p->otag, s, alen);
	p->otag[alen] = '\0';
	p->olen = alen;
	memcpy(p->ctag, b, blen);
	p->ctag[blen] = '\0';
	p->clen = blen;
	return 0;
}

static int
open_tag(struct parser *p, const struct tag *t, enum ntype type)
{
	struct node *n;

	if ((n = namednode(p, t, type)) == NULL)
		return -1;
	if (standalone(p, t))
		n->bol = 0;
	else {
		n->bol = p->pendbol;
		p->pendbol = 0;
	}
	if (setpath(p, n) == -1)
		return -1;
	return push(p, n, t);
}

static int
partial_tag(struct parser *p, const struct tag *t)
{
	struct node *n;
	const char *ws;

	if ((n = namednode(p, t, N_PARTIAL)) == NULL)
		return -1;
	if (t->leftclear && t->rightclear) {
		strip_left(p, &ws, &n->indentlen);
		n->indent = ws;
		strip_right(p, t);
	} else {
		inline_tag(p, t);
		n->bol = p->pendbol;
		p->pendbol = 0;
	}
	return 0;
}

static int
parent_tag(struct parser *p, const struct tag *t)
{
	struct node *n;
	struct frame *f;

	if ((n = namednode(p, t, N_PARENT)) == NULL)
		return -1;
	/* Whether the pair is standalone shows only at its closing tag. */
	if (push(p, n, t) == -1)
		return -1;
	f = top(p);
	f->leftclear = t->leftclear;
	f->lead = t->leftclear ? p->linetext : NULL;
	inline_tag(p, t);
	return 0;
}

static int
block_tag(struct parser *p, const struct tag *t)
{
	struct node *n;
	struct frame *f;
	const char *ws, *ded = "";
	size_t wslen, save, dedlen = 0;
	int inparent = inparentbody(p), isstand;

	if ((n = namednode(p, t, N_BLOCK)) == NULL)
		return -1;
	isstand = t->rightclear && (inparent || t->leftclear);
	if (isstand) {
		if (!inparent)
			strip_left(p, &ws, &wslen);
		strip_right(p, t);
		/* Intrinsic indentation: the blanks starting the next line. */
		save = p->pos;
		dedent(p);
		ded = p->src + p->pos;
		while (p->pos < p->len && isblank_c(p->src[p->pos]))
			p->pos++;
		dedlen = (size_t)(p->src + p->pos - ded);
		p->pos = save;
		n->indent = ded;
		n->indentlen = dedlen;
	} else
		inline_tag(p, t);
	if (push(p, n, t) == -1)
		return -1;
	f = top(p);
	f->ded = ded;
	f->dedlen = dedlen;
	f->inparent = inparent;
	f->leftclear = !isstand && !inparent && t->leftclear;
	f->lead = f->leftclear ? p->linetext : NULL;
	f->openbol = isstand;
	p->pendbol = 1;		/* a block's content begins a line */
	return 0;
}

static int
close_tag(struct parser *p, const struct tag *t)
{
	struct frame *f = top(p);
	struct node *n = f->owner;
	const char *ws;
	size_t wslen;

	if (n == NULL)
		return perr(p, t->line, "unexpected closing tag '%.*s'",
		    (int)(t->namelen > 64 ? 64 : t->namelen), t->name);
	if (n->len != t->namelen || memcmp(n->str, t->name, n->len) != 0)
		return perr(p, t->line, "mismatched closing tag '%.*s' "
		    "(open is '%.*s' from line %zu)",
		    (int)(t->namelen > 64 ? 64 : t->namelen), t->name,
		    (int)(n->len > 64 ? 64 : n->len), n->str, n->line);
	switch (n->type) {
	case N_PARENT:
		p->nfr--;
		p->pendbol = 0;
		if (f->leftclear && t->rightclear) {
			if (f->lead != NULL) {
				n->indent = f->lead->str;
				n->indentlen = f->lead->len;
				f->lead->len = 0;
			}
			strip_right(p, t);
		} else
			inline_tag(p, t);
		break;
	case N_BLOCK:
		p->nfr--;
		if (n->child == NULL)
			p->pendbol = f->openbol;
		if (f->inparent) {
			/* What follows is ignored text of the parent. */
			if (t->leftclear)
				strip_left(p, &ws, &wslen);
			inline_tag(p, t);
			break;
		}
		if (f->leftclear && t->rightclear && f->lead != NULL) {
			n->indent = f->lead->str;
			n->indentlen = f->lead->len;
			f->lead->len = 0;
		}
		standalone(p, t);
		break;
	default:
		/* The closing tag's blanks are in the section's own list. */
		standalone(p, t);
		p->nfr--;
		break;
	}
	return 0;
}

/* Scans the tag at p->pos: its type, name and surroundings. */
static int
scan_tag(struct parser *p, struct tag *t)
{
	const char *close = p->ctag;
	char pat[MAX_DELIM + 2];
	size_t i, from, e, plen, r, nl = 0, lastnl = 0;

	memset(t, 0, sizeof(*t));
	t->start = p->pos;
	t->line = p->line;
	t->leftclear = !p->tainted;
	for (i = p->bol; i < t->start && t->leftclear; i++)
		if (!isblank_c(p->src[i]))
			t->leftclear = 0;
	from = t->start + p->olen;
	if (from < p->len && strchr("#^/!><$=&{", p->src[from]) != NULL &&
	    p->src[from] != '\0') {
		t->type = p->src[from];
		from++;
	}
	plen = 0;
	if (t->type == '{')
		pat[plen++] = '}';
	else if (t->type == '=')
		pat[plen++] = '=';
	memcpy(pat + plen, close, p->clen);
	plen += p->clen;
	if ((e = search(p->src, from, p->len, pat, plen)) == p->len)
		return perr(p, t->line, "unclosed tag");
	t->end = e + plen;
	for (i = t->start; i < t->end; i++)
		if (p->src[i] == '\n') {
			nl++;
			lastnl = i;
		}
	/* Trimmed content. */
	while (from < e && isspace_c(p->src[from]))
		from++;
	while (e > from && isspace_c(p->src[e - 1]))
		e--;
	t->name = p->src + from;
	t->namelen = e - from;
	/* Right side: blanks, then a newline or the end. */
	for (r = t->end; r < p->len && isblank_c(p->src[r]); r++)
		continue;
	if (r == p->len) {
		t->rightclear = 1;
		t->rend = r;
	} else if (p->src[r] == '\n') {
		t->rightclear = t->rnl = 1;
		t->rend = r + 1;
	} else if (p->src[r] == '\r' && r + 1 < p->len &&
	    p->src[r + 1] == '\n') {
		t->rightclear = t->rnl = 1;
		t->rend = r + 2;
	}
	if (nl > 0) {
		/* A tag over several lines (a comment, mostly). */
		p->line += nl;
		p->bol = lastnl + 1;
		p->dedented = 1;
	}
	if (t->type != '!' && t->type != '=' && t->namelen == 0)
		return perr(p, t->line, "empty tag name");
	return 0;
}

static int
tag(struct parser *p)
{
	struct tag t;
	struct node *n;

	if (scan_tag(p, &t) == -1)
		return -1;
	switch (t.type) {
	case '!':
		standalone(p, &t);
		return 0;
	case '=':
		if (setdelim(p, &t) == -1)
			return -1;
		standalone(p, &t);
		return 0;
	case '#':
		return open_tag(p, &t, N_SECTION);
	case '^':
		return open_tag(p, &t, N_INVERTED);
	case '/':
		return close_tag(p, &t);
	case '>':
		return partial_tag(p, &t);
	case '<':
		return parent_tag(p, &t);
	case '$':
		return block_tag(p, &t);
	default:
		break;
	}
	/* Interpolation. */
	if (t.type == '{' || t.type == '&') {
		if (p->strict && (t.namelen < 5 ||
		    memcmp(t.name + t.namelen - 5, "_html", 5) != 0))
			return perr(p, t.line, "unescaped tag for a value not "
			    "marked safe (name must end in _html)");
		n = namednode(p, &t, N_RAW);
	} else
		n = namednode(p, &t, N_VAR);
	if (n == NULL || setpath(p, n) == -1)
		return -1;
	inline_tag(p, &t);
	n->bol = p->pendbol;
	p->pendbol = 0;
	return 0;
}

/* Keeps only the blocks passed to a parent. */
static void
keep_blocks(struct node *parent)
{
	struct node **np = &parent->child;

	while (*np != NULL) {
		if ((*np)->type == N_BLOCK)
			np = &(*np)->next;
		else
			*np = (*np)->next;
	}
}

static void
fix_parents(struct node *n)
{
	for (; n != NULL; n = n->next) {
		if (n->type == N_PARENT)
			keep_blocks(n);
		fix_parents(n->child);
	}
}

static int
parse(struct parser *p, struct node **root)
{
	struct node *rootlist = NULL;
	size_t i, start;
	struct frame *f;

	p->nfr = 1;
	memset(&p->fr[0], 0, sizeof(p->fr[0]));
	p->fr[0].tail = &rootlist;
	memcpy(p->otag, "{{", 3);
	memcpy(p->ctag, "}}", 3);
	p->olen = p->clen = 2;
	p->line = 1;
	p->pendbol = 1;

	while (p->pos < p->len) {
		if (!p->dedented) {
			dedent(p);
			p->dedented = 1;
			continue;
		}
		start = p->pos;
		for (i = start; i < p->len; i++) {
			if (p->src[i] == '\n')
				break;
			if (p->src[i] == p->otag[0] && p->len - i >= p->olen &&
			    memcmp(p->src + i, p->otag, p->olen) == 0)
				break;
		}
		if (i < p->len && p->src[i] == '\n') {
			if (text(p, start, i + 1) == -1)
				return -1;
			newline(p, i + 1);
			continue;
		}
		if (i > start && text(p, start, i) == -1)
			return -1;
		p->pos = i;
		if (i < p->len && tag(p) == -1)
			return -1;
	}
	if (p->nfr > 1) {
		f = top(p);
		return perr(p, f->owner->line, "unclosed %s '%.*s'",
		    f->owner->type == N_PARENT ? "parent" :
		    f->owner->type == N_BLOCK ? "block" : "section",
		    (int)(f->owner->len > 64 ? 64 : f->owner->len),
		    f->owner->str);
	}
	/* Parents: depth is bounded by MAX_NEST per template. */
	fix_parents(rootlist);
	*root = rootlist;
	return 0;
}

static void
tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	util_arena_release(&t->arena);
	free(t);
}

static int
add(struct tmpl_set *s, const char *name, const char *label,
    const char *src, size_t len, char *err, size_t errlen)
{
	struct parser *p;
	struct tmpl *t;
	unsigned int h;

	if (name == NULL || *name == '\0' || (src == NULL && len > 0)) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s:0: bad template name or "
			    "source", label != NULL ? label : "?");
		return -1;
	}
	if (find(s, name) != NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s:0: duplicate template name",
			    label);
		return -1;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (p = calloc(1, sizeof(*p))) == NULL) {
		free(t);
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s:0: out of memory", label);
		return -1;
	}
	util_arena_init(&t->arena, 0);
	p->a = &t->arena;
	p->label = label;
	p->src = src != NULL ? src : "";
	p->len = len;
	p->strict = s->strict;
	p->err = err;
	p->errlen = errlen;
	if ((t->name = util_arena_strdup(&t->arena, name)) == NULL ||
	    (t->label = util_arena_strdup(&t->arena, label)) == NULL) {
		nomem(p);
		goto fail;
	}
	if (parse(p, &t->root) == -1)
		goto fail;
	free(p);
	h = hash(name);
	t->next = s->bucket[h];
	s->bucket[h] = t;
	return 0;
fail:
	free(p);
	tmpl_free(t);
	return -1;
}

struct tmpl_set *
web_tmpl_set_new(int strict)
{
	struct tmpl_set *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->strict = strict;
	return s;
}

void
web_tmpl_set_free(struct tmpl_set *s)
{
	struct tmpl *t, *next;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < NBUCKETS; i++)
		for (t = s->bucket[i]; t != NULL; t = next) {
			next = t->next;
			tmpl_free(t);
		}
	free(s);
}

int
web_tmpl_add(struct tmpl_set *s, const char *name, const char *src,
    size_t len, char *err, size_t errlen)
{
	return add(s, name, name != NULL ? name : "?", src, len, err, errlen);
}

int
web_tmpl_exists(const struct tmpl_set *s, const char *name)
{
	return find(s, name) != NULL;
}

/*
 * Loading a directory.
 */

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns a malloc'd copy of the file, or NULL with errno set. */
static char *
readfile(const char *path, size_t *lenp)
{
	struct stat st;
	FILE *f;
	char *data = NULL;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == -1)
		goto out;
	if (!S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (unsigned long long)st.st_size > MAX_FILE) {
		errno = EFBIG;
		goto out;
	}
	if ((data = malloc((size_t)st.st_size + 1)) == NULL)
		goto out;
	if (fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(data);
		data = NULL;
		errno = EIO;
		goto out;
	}
	data[st.st_size] = '\0';
	*lenp = (size_t)st.st_size;
out:
	fclose(f);
	return data;
}

/* Every partial and parent named in n must exist. */
static int
check_refs(const struct tmpl_set *s, const struct tmpl *t,
    const struct node *n, char *err, size_t errlen)
{
	for (; n != NULL; n = n->next) {
		if ((n->type == N_PARTIAL || n->type == N_PARENT) &&
		    find(s, n->str) == NULL) {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "%s:%zu: %s '%.*s' not "
				    "found", t->label, n->line,
				    n->type == N_PARTIAL ? "partial" : "parent",
				    (int)(n->len > 64 ? 64 : n->len), n->str);
			return -1;
		}
		if (check_refs(s, t, n->child, err, errlen) == -1)
			return -1;
	}
	return 0;
}

struct tmpl_set *
web_tmpl_load_dir(const char *dir, int strict, char *err, size_t errlen)
{
	struct tmpl_set *s = NULL;
	struct dirent *de;
	const struct tmpl *t;
	DIR *d;
	char **names = NULL, **nn, *path = NULL, *src = NULL, *name = NULL;
	size_t n = 0, cap = 0, i, len, el = strlen(EXT), slen;
	int ok = 0;

	if ((d = opendir(dir)) == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s:0: %s", dir, strerror(errno));
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= el ||
		    strcmp(de->d_name + len - el, EXT) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nn = realloc(names, cap * sizeof(*names))) == NULL)
				goto nomem;
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto nomem;
		n++;
	}
	closedir(d);
	d = NULL;
	if (n > 0)
		qsort(names, n, sizeof(*names), cmpstr);
	if ((s = web_tmpl_set_new(strict)) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		len = strlen(dir) + 1 + strlen(names[i]) + 1;
		free(path);
		if ((path = malloc(len)) == NULL)
			goto nomem;
		snprintf(path, len, "%s/%s", dir, names[i]);
		free(src);
		if ((src = readfile(path, &slen)) == NULL) {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "%s:0: %s", path,
				    strerror(errno));
			goto out;
		}
		free(name);
		if ((name = strndup(names[i], strlen(names[i]) - el)) == NULL)
			goto nomem;
		if (add(s, name, path, src, slen, err, errlen) == -1)
			goto out;
	}
	for (i = 0; i < NBUCKETS; i++)
		for (t = s->bucket[i]; t != NULL; t = t->next)
			if (check_refs(s, t, t->root, err, errlen) == -1)
				goto out;
	ok = 1;
	goto out;
nomem:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s:0: out of memory", dir);
out:
	if (d != NULL)
		closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(path);
	free(src);
	free(name);
	if (!ok) {
		web_tmpl_set_free(s);
		return NULL;
	}
	return s;
}

/*
 * Renderer.
 */

static const json_t *
lookup(const struct ctx *c, const struct node *n)
{
	const json_t *v = NULL;
	size_t i;

	if (n->npath == 0)
		return c != NULL ? c->v : NULL;
	for (; c != NULL; c = c->up)
		if (json_is_object(c->v) &&
		    (v = json_object_get(c->v, n->path[0])) != NULL)
			break;
	if (c == NULL)
		return NULL;
	for (i = 1; i < n->npath; i++) {
		if (!json_is_object(v) ||
		    (v = json_object_get(v, n->path[i])) == NULL)
			return NULL;
	}
	return v;
}

static int
truthy(const json_t *v)
{
	if (v == NULL || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	return 1;
}

static int
put_value(struct buf *b, const json_t *v, int escape)
{
	char s[64];
	double d;
	int prec;

	switch (json_typeof(v)) {
	case JSON_STRING:
		if (escape)
			return util_buf_html_escape(b, json_string_value(v),
			    json_string_length(v));
		return util_buf_append(b, json_string_value(v),
		    json_string_length(v));
	case JSON_INTEGER:
		return util_buf_printf(b, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	case JSON_REAL:
		/* The shortest form that reads back as the same number,
		 * in plain decimals (10, not 1e+01) while that is exact. */
		d = json_real_value(v);
		for (prec = 0; prec <= 17 && d > -1e15 && d < 1e15; prec++) {
			snprintf(s, sizeof(s), "%.*f", prec, d);
			if (strtod(s, NULL) == d)
				return util_buf_puts(b, strcmp(s, "-0") == 0 ?
				    "0" : s);
		}
		for (prec = 1; prec <= 17; prec++) {
			snprintf(s, sizeof(s), "%.*g", prec, d);
			if (strtod(s, NULL) == d)
				break;
		}
		return util_buf_puts(b, s);
	case JSON_TRUE:
		return util_buf_puts(b, "true");
	case JSON_FALSE:
		return util_buf_puts(b, "false");
	default:
		return 0;
	}
}

/* Indents a line of the template, unless output is in mid-line. */
static int
indent(struct rstate *st)
{
	struct buf *o = st->out;

	if (st->indent.len == 0)
		return 0;
	if (o->len != st->base && o->data[o->len - 1] != '\n')
		return 0;
	return util_buf_append(o, st->indent.data, st->indent.len);
}

/* Renders nodes (a template or a block) with more indentation. */
static int
expand(struct rstate *st, const struct node *n, const struct ctx *c,
    const struct chain *ch, const char *ind, size_t indlen)
{
	size_t old = st->indent.len;
	int rc;

	if (st->depth >= MAX_DEPTH)
		return -1;
	if (indlen > 0 && util_buf_append(&st->indent, ind, indlen) == -1)
		return -1;
	st->depth++;
	rc = render_nodes(st, n, c, ch);
	st->depth--;
	st->indent.len = old;
	return rc;
}

/* The outermost override of block n, else its default content. */
static const struct node *
block_content(const struct node *n, const struct chain *ch)
{
	const struct node *found = n->child, *a;

	for (; ch != NULL; ch = ch->up)
		for (a = ch->args; a != NULL; a = a->next)
			if (strcmp(a->str, n->str) == 0) {
				found = a->child;
				break;
			}
	return found;
}

static int
section(struct rstate *st, const struct node *n, const struct ctx *c,
    const struct chain *ch)
{
	const json_t *v = lookup(c, n);
	struct ctx sub;
	size_t i;

	if (n->type == N_INVERTED)
		return truthy(v) ? 0 : render_nodes(st, n->child, c, ch);
	if (!truthy(v))
		return 0;
	sub.up = c;
	if (!json_is_array(v)) {
		sub.v = v;
		return render_nodes(st, n->child, &sub, ch);
	}
	for (i = 0; i < json_array_size(v); i++) {
		sub.v = json_array_get(v, i);
		if (render_nodes(st, n->child, &sub, ch) == -1)
			return -1;
	}
	return 0;
}

static int
render_nodes(struct rstate *st, const struct node *n, const struct ctx *c,
    const struct chain *ch)
{
	const struct tmpl *t;
	const json_t *v;
	struct chain link;

	for (; n != NULL; n = n->next) {
		if (++st->steps > MAX_STEPS || st->out->failed)
			return -1;
		/* Expansions indent their own first line. */
		if (n->bol && n->type != N_PARTIAL && n->type != N_PARENT &&
		    n->type != N_BLOCK && (n->type != N_TEXT || n->len > 0) &&
		    indent(st) == -1)
			return -1;
		switch (n->type) {
		case N_TEXT:
			if (util_buf_append(st->out, n->str, n->len) == -1)
				return -1;
			break;
		case N_VAR:
		case N_RAW:
			if ((v = lookup(c, n)) != NULL &&
			    put_value(st->out, v, n->type == N_VAR) == -1)
				return -1;
			break;
		case N_SECTION:
		case N_INVERTED:
			if (section(st, n, c, ch) == -1)
				return -1;
			break;
		case N_PARTIAL:
			if ((t = find(st->set, n->str)) != NULL &&
			    expand(st, t->root, c, ch, n->indent,
			    n->indentlen) == -1)
				return -1;
			break;
		case N_PARENT:
			link.args = n->child;
			link.up = ch;
			if ((t = find(st->set, n->str)) != NULL &&
			    expand(st, t->root, c, &link, n->indent,
			    n->indentlen) == -1)
				return -1;
			break;
		case N_BLOCK:
			if (expand(st, block_content(n, ch), c, ch, n->indent,
			    n->indentlen) == -1)
				return -1;
			break;
		default:
			abort();
		}
	}
	return 0;
}

int
web_tmpl_render(const struct tmpl_set *s, const char *name,
    const json_t *ctx, struct buf *out)
{
	const struct tmpl *t;
	struct rstate st;
	struct ctx root;
	int rc;

	if (s == NULL || name == NULL || out == NULL || out->failed ||
	    (t = find(s, name)) == NULL)
		return -1;
	memset(&st, 0, sizeof(st));
	st.set = s;
	st.out = out;
	st.base = out->len;
	util_buf_init(&st.indent, MAX_INDENT);
	root.v = ctx;
	root.up = NULL;
	rc = render_nodes(&st, t->root, ctx != NULL ? &root : NULL, NULL);
	util_buf_release(&st.indent);
	if (out->failed)
		rc = -1;
	return rc;
}
