/* report/csv.c - see csv.h. */
#include <inttypes.h>
#include <string.h>

#include "csv.h"
#include "num.h"

#define BOM_LEN	(sizeof(REPORT_CSV_BOM) - 1)

/* 1 if the next cell is the first of its row. */
static int
row_start(const struct buf *b)
{
	if (b->len == 0)
		return 1;
	if (b->data[b->len - 1] == '\n')
		return 1;
	return b->len == BOM_LEN && memcmp(b->data, REPORT_CSV_BOM,
	    BOM_LEN) == 0;
}

/* Writes the comma before a cell that is not its row's first. */
static int
separate(struct buf *b)
{
	if (b->failed)
		return -1;
	return row_start(b) ? 0 : util_buf_putc(b, ',');
}

/* An empty cell.  First in its row it is written "" so that the next
 * cell still sees it (and a row of one empty cell is not a blank line). */
static int
empty(struct buf *b)
{
	if (b->failed)
		return -1;
	return row_start(b) ? util_buf_puts(b, "\"\"") : util_buf_putc(b, ',');
}

/* 1 if a spreadsheet could take s for a formula (see csv.h). */
static int
formula_like(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p == ' ' || *p == '\n')
		p++;
	switch (*p) {
	case '=': case '+': case '-': case '@': case '\t': case '\r':
		return 1;
	case 0xEF:	/* U+FF0B +, U+FF0D -, U+FF1D =: EF BC xx; U+FF20 @ */
		return p[1] == 0xBC && (p[2] == 0x8B || p[2] == 0x8D ||
		    p[2] == 0x9D || p[2] == 0xA0);
	default:
		return 0;
	}
}

int
report_csv_bom(struct buf *b)
{
	if (b->failed)
		return -1;
	return b->len == 0 ? util_buf_puts(b, REPORT_CSV_BOM) : 0;
}

int
report_csv_cell(struct buf *b, const char *s)
{
	const char *p, *q;
	int quote;

	if (s == NULL || *s == '\0')
		return empty(b);
	if (separate(b) == -1)
		return -1;
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		util_buf_putc(b, '"');
	if (formula_like(s))
		util_buf_putc(b, '\'');
	if (quote) {
		for (p = s; (q = strchr(p, '"')) != NULL; p = q + 1) {
			util_buf_append(b, p, (size_t)(q - p + 1));
			util_buf_putc(b, '"');	/* the quote, doubled */
		}
		util_buf_puts(b, p);
		util_buf_putc(b, '"');
	} else
		util_buf_puts(b, s);
	return b->failed ? -1 : 0;
}

int
report_csv_num(struct buf *b, double v, int decimals)
{
	char num[REPORT_NUM_LEN];
	size_t n;

	if ((n = report_num_format(num, v, decimals)) == 0)
		return empty(b);
	if (separate(b) == -1)
		return -1;
	return util_buf_append(b, num, n);
}

int
report_csv_int(struct buf *b, int64_t v)
{
	if (separate(b) == -1)
		return -1;
	return util_buf_printf(b, "%" PRId64, v);
}

int
report_csv_row_end(struct buf *b)
{
	return util_buf_append(b, "\r\n", 2);
}

int
report_csv_row(struct buf *b, const char *const *cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (report_csv_cell(b, cells[i]) == -1)
			return -1;
	return report_csv_row_end(b);
}
