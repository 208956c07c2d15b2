/* tests/unit/report/test_csv.c - the CSV writer: RFC 4180 quoting,
 * formula neutralisation for every trigger (CWE-1236), numbers that stay
 * numbers, empty cells, row ends, the byte order mark and a full
 * buffer.  Expected bytes are spelled out, not derived from csv.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "report/csv.h"
#include "report/num.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* One text cell alone on its row: what the file holds. */
static const struct {
	const char	*in;
	const char	*out;
} cells[] = {
	/* plain */
	{ "abc", "abc\r\n" },
	{ "CWE-79", "CWE-79\r\n" },		/* '-' inside is fine */
	{ "a b", "a b\r\n" },
	{ "it's", "it's\r\n" },
	{ "caf\xc3\xa9", "caf\xc3\xa9\r\n" },
	/* RFC 4180 quoting */
	{ "a,b", "\"a,b\"\r\n" },
	{ "say \"hi\"", "\"say \"\"hi\"\"\"\r\n" },
	{ "\"", "\"\"\"\"\r\n" },
	{ "\"\"", "\"\"\"\"\"\"\r\n" },
	{ "line1\nline2", "\"line1\nline2\"\r\n" },
	{ "line1\r\nline2", "\"line1\r\nline2\"\r\n" },
	{ "end\r", "\"end\r\"\r\n" },
	/* every formula trigger gets a quote in front */
	{ "=1+1", "'=1+1\r\n" },
	{ "+1", "'+1\r\n" },
	{ "-1", "'-1\r\n" },			/* text, not the number */
	{ "@SUM(A1)", "'@SUM(A1)\r\n" },
	{ "\t=1", "'\t=1\r\n" },
	{ "\tx", "'\tx\r\n" },
	{ "\rx", "\"'\rx\"\r\n" },		/* CR: neutralised and quoted */
	{ "=HYPERLINK(\"http://x\",\"y\")",
	  "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n" },
	{ "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0\r\n" },
	{ "-", "'-\r\n" },
	{ "=", "'=\r\n" },
	/* looked past: leading spaces and line feeds */
	{ " =1+1", "' =1+1\r\n" },
	{ "   @x", "'   @x\r\n" },
	{ "\n=1", "\"'\n=1\"\r\n" },
	{ " \n -2", "\"' \n -2\"\r\n" },
	{ "  plain", "  plain\r\n" },
	/* full-width forms */
	{ "\xef\xbc\x9d" "1+1", "'\xef\xbc\x9d" "1+1\r\n" },	/* = */
	{ "\xef\xbc\x8b" "1", "'\xef\xbc\x8b" "1\r\n" },	/* + */
	{ "\xef\xbc\x8d" "1", "'\xef\xbc\x8d" "1\r\n" },	/* - */
	{ "\xef\xbc\xa0" "x", "'\xef\xbc\xa0" "x\r\n" },	/* @ */
	{ "\xef\xbc\x91", "\xef\xbc\x91\r\n" },	/* full-width 1: not */
	{ "\xef\xbc", "\xef\xbc\r\n" },		/* cut short: not */
	/* the quote itself does not trigger (already neutral) */
	{ "'=1", "'=1\r\n" },
	/* not triggers */
	{ "1+1", "1+1\r\n" },
	{ "a=b", "a=b\r\n" },
	{ "x@y.org", "x@y.org\r\n" },
	{ "%1", "%1\r\n" },
};

static char *
one_cell(struct buf *b, const char *s)
{
	util_buf_reset(b);
	assert_int_equal(report_csv_cell(b, s), 0);
	assert_int_equal(report_csv_row_end(b), 0);
	return b->data;
}

static void
test_cells(void **state)
{
	struct buf b;
	size_t i;

	(void)state;
	util_buf_init(&b, 0);
	for (i = 0; i < NELEM(cells); i++) {
		print_message("cell %zu\n", i);
		assert_string_equal(one_cell(&b, cells[i].in), cells[i].out);
	}
	util_buf_release(&b);
}

/* Every trigger byte, alone, after spaces, at the start of a quoted
 * cell: the written cell's text (quotes removed) starts with '. */
static void
test_every_prefix(void **state)
{
	static const char triggers[] = "=+-@\t\r";
	static const char *const lead[] = { "", " ", "  ", "\n", " \n " };
	static const char *const tail[] = { "", "1", "A1,B1", "\"x\"", "\n" };
	char in[64];
	const char *p;
	struct buf b;
	size_t t, l, k;

	(void)state;
	util_buf_init(&b, 0);
	for (t = 0; t < sizeof(triggers) - 1; t++)
		for (l = 0; l < NELEM(lead); l++)
			for (k = 0; k < NELEM(tail); k++) {
				snprintf(in, sizeof(in), "%s%c%s", lead[l],
				    triggers[t], tail[k]);
				p = one_cell(&b, in);
				if (*p == '"')
					p++;
				assert_int_equal(*p, '\'');
			}
	util_buf_release(&b);
}

static void
test_numbers(void **state)
{
	struct buf b;

	(void)state;
	util_buf_init(&b, 0);
	report_csv_num(&b, -1, 0);
	report_csv_int(&b, -1);
	report_csv_cell(&b, "-1");
	report_csv_num(&b, 2.5, 1);
	report_csv_num(&b, 2.25, 1);		/* 2.25 is exact: half up */
	report_csv_num(&b, -2.25, 1);		/* half away from zero */
	report_csv_num(&b, 0.996, 2);		/* carry into the integer */
	report_csv_num(&b, -0.0001, 2);		/* no "-0.00" */
	report_csv_num(&b, 3, 2);
	report_csv_num(&b, 1e20, 0);
	report_csv_int(&b, INT64_MIN);
	report_csv_int(&b, INT64_MAX);
	report_csv_row_end(&b);
	assert_string_equal(b.data, "-1,-1,'-1,2.5,2.3,-2.3,1.00,0.00,3.00,"
	    "100000000000000000000,-9223372036854775808,"
	    "9223372036854775807\r\n");
	util_buf_release(&b);
}

/* NaN and infinities are empty cells; never "nan" or "inf". */
static void
test_non_finite(void **state)
{
	struct buf b;

	(void)state;
	util_buf_init(&b, 0);
	report_csv_cell(&b, "a");
	report_csv_num(&b, NAN, 2);
	report_csv_num(&b, INFINITY, 0);
	report_csv_num(&b, -INFINITY, 0);
	report_csv_cell(&b, "z");
	report_csv_row_end(&b);
	/* first in its row: "" keeps the row's shape */
	report_csv_num(&b, NAN, 1);
	report_csv_num(&b, 1, 0);
	report_csv_row_end(&b);
	assert_string_equal(b.data, "a,,,,z\r\n\"\",1\r\n");
	util_buf_release(&b);
}

static void
test_rows_and_empty(void **state)
{
	static const char *const head[] = { "phase", "median", NULL, "p90" };
	struct buf b;

	(void)state;
	util_buf_init(&b, 0);
	assert_int_equal(report_csv_row(&b, head, NELEM(head)), 0);
	report_csv_cell(&b, "ack");
	report_csv_num(&b, 1.5, 1);
	report_csv_cell(&b, "");
	report_csv_num(&b, 3, 1);
	report_csv_row_end(&b);
	report_csv_cell(&b, NULL);		/* first and empty */
	report_csv_cell(&b, "x");
	report_csv_row_end(&b);
	report_csv_cell(&b, "");		/* a row of one empty cell */
	report_csv_row_end(&b);
	report_csv_row_end(&b);			/* a row of no cell */
	report_csv_cell(&b, "a\nb");		/* a cell ending in a newline */
	report_csv_cell(&b, "c\n");		/* ... is still not a row end */
	report_csv_cell(&b, "d");
	report_csv_row_end(&b);
	assert_string_equal(b.data,
	    "phase,median,,p90\r\n"
	    "ack,1.5,,3.0\r\n"
	    "\"\",x\r\n"
	    "\"\"\r\n"
	    "\r\n"
	    "\"a\nb\",\"c\n\",d\r\n");
	util_buf_release(&b);
}

static void
test_bom(void **state)
{
	struct buf b;

	(void)state;
	util_buf_init(&b, 0);
	assert_int_equal(report_csv_bom(&b), 0);
	report_csv_cell(&b, "a");		/* first after the BOM */
	report_csv_cell(&b, "b");
	report_csv_row_end(&b);
	assert_int_equal(report_csv_bom(&b), 0);	/* not empty: nothing */
	assert_string_equal(b.data, "\xef\xbb\xbf" "a,b\r\n");
	util_buf_release(&b);
}

/* A full buffer fails and stays failed; nothing is half written past
 * the maximum. */
static void
test_full(void **state)
{
	struct buf b;

	(void)state;
	util_buf_init(&b, 8);
	assert_int_equal(report_csv_cell(&b, "abcdef"), 0);
	assert_int_equal(report_csv_cell(&b, "ghijkl"), -1);
	assert_int_equal(report_csv_num(&b, 1, 0), -1);
	assert_int_equal(report_csv_int(&b, 1), -1);
	assert_int_equal(report_csv_row_end(&b), -1);
	assert_true(b.failed);
	assert_true(b.len <= 8);
	util_buf_release(&b);
}

static void
test_num_format(void **state)
{
	static const struct {
		double		 v;
		int		 d;
		const char	*out;
	} t[] = {
		{ 0, 0, "0" }, { -0.0, 1, "0.0" }, { 0.5, 0, "1" },
		{ -0.5, 0, "-1" }, { 0.49, 0, "0" }, { -0.4, 0, "0" },
		{ 1234567.891, 2, "1234567.89" }, { 1.5, -3, "2" },
		{ 1.5, 99, "1.500000000" }, { 0.1, 3, "0.100" },
		{ 9.9999, 3, "10.000" }, { 4503599627370497.0, 2,
		  "4503599627370497.00" }, { 1e-300, 2, "0.00" },
		{ -1e-300, 0, "0" },
	};
	char out[REPORT_NUM_LEN], want[REPORT_NUM_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		print_message("num %zu\n", i);
		assert_int_equal(report_num_format(out, t[i].v, t[i].d),
		    strlen(t[i].out));
		assert_string_equal(out, t[i].out);
	}
	assert_int_equal(report_num_format(out, NAN, 2), 0);
	assert_string_equal(out, "");
	assert_int_equal(report_num_format(out, -INFINITY, 0), 0);
	/* huge: every digit, as the C library writes a whole number */
	snprintf(want, sizeof(want), "-%.0f", 1e300);
	assert_int_equal(report_num_format(out, -1e300, 3), strlen(want) + 4);
	assert_memory_equal(out, want, strlen(want));
	assert_string_equal(out + strlen(want), ".000");
	/* the longest there is fits */
	assert_true(report_num_format(out, -1.7976931348623157e308, 9) <
	    REPORT_NUM_LEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_non_finite),
		cmocka_unit_test(test_rows_and_empty),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_num_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
