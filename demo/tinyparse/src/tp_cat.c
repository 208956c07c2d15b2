/* tp_cat.c - prints the headers of a file, one "Name: value" a line
 * (folded values joined), then a summary line.
 *
 *	tp_cat FILE		all headers
 *	tp_cat -g NAME FILE	the value of the first header NAME
 *
 * Exit status: 0 done, 1 no header NAME (-g), 2 the file could not be
 * read or parsed, 64 usage. */
#include <stdio.h>
#include <string.h>

#include "tinyparse.h"

/* Leak checking needs ptrace, which sandboxes often deny; a leak is not
 * what this demo is about.  Memory errors are still caught. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

static int
usage(void)
{
	fprintf(stderr, "usage: tp_cat [-g name] file\n");
	return 64;
}

int
main(int argc, char *argv[])
{
	struct tp_doc doc;
	struct tp_error err;
	const char *get = NULL, *path, *v;
	size_t i;
	int rc = 0;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("tp_cat (tinyparse) %s\n", TP_VERSION);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "-g") == 0)
		get = argv[2];
	else if (argc != 2 || argv[1][0] == '-')
		return usage();
	path = argv[argc - 1];

	tp_doc_init(&doc);
	if (tp_parse_file(path, &doc, &err) == -1) {
		if (err.line > 0)
			fprintf(stderr, "tp_cat: %s:%zu: %s\n", path, err.line,
			    err.msg);
		else
			fprintf(stderr, "tp_cat: %s: %s\n", path, err.msg);
		tp_doc_free(&doc);
		return 2;
	}

	if (get != NULL) {
		if ((v = tp_get(&doc, get)) != NULL)
			printf("%s\n", v);
		else {
			fprintf(stderr, "tp_cat: %s: no header %s\n", path, get);
			rc = 1;
		}
	} else {
		for (i = 0; i < doc.n; i++)
			printf("%s: %s\n", doc.hdrs[i].name, doc.hdrs[i].value);
		printf("-- %zu header%s, ", doc.n, doc.n == 1 ? "" : "s");
		if (doc.has_body)
			printf("body %zu bytes\n", doc.body_len);
		else
			printf("no body\n");
	}
	tp_doc_free(&doc);
	return rc;
}
