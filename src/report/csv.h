/* report/csv.h - CSV exports (RFC 4180) that are safe to open in a
 * spreadsheet.  Pure: libc and util/buf only.
 *
 * A row is cells written one after the other, then report_csv_row_end.
 * The comma between cells is written for the caller: a cell is the first
 * of its row when the buffer is empty, holds only the byte order mark,
 * or ends with a row end.  So build a CSV in a buffer of its own,
 * starting empty, and write nothing else into it.  Lines end in CRLF.
 * An empty cell is written as nothing, or as "" when it is the first of
 * its row (so that the next cell's comma is not lost).
 *
 * Text cells are quoted when they hold a comma, a double quote, CR or LF
 * (quotes doubled inside), and neutralised against formula injection
 * (CWE-1236, the OWASP "CSV Injection" advice): a text cell whose first
 * character is = + - @ TAB or CR gets a single quote ' in front, so a
 * spreadsheet shows it as text instead of evaluating it.  Two
 * additions to OWASP's list, because they cost nothing:
 *   - leading spaces and line feeds are looked past (" =1+1" and
 *     "\n=1+1" are neutralised): Google Sheets and LibreOffice's
 *     "trim spaces" import drop them before deciding what a cell is;
 *   - the full-width forms U+FF1D U+FF0B U+FF0D U+FF20 (＝ ＋ － ＠),
 *     which some spreadsheet input paths fold to their ASCII twins.
 * Text is therefore changed only by that one leading quote.
 *
 * Numbers are not text: report_csv_num and report_csv_int write them
 * plain, so -1 stays the number -1 (a text cell "-1" becomes '-1).
 * Write every number a report computes through them, and every string
 * that came from a person (titles, names, labels) through
 * report_csv_cell, even when it looks like a number.
 *
 * Every function returns 0, or -1 once the buffer has failed (its
 * maximum reached or out of memory; see util/buf.h). */
#ifndef REPORT_CSV_H
#define REPORT_CSV_H
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* UTF-8 byte order mark: lets Excel read the file as UTF-8. */
#define REPORT_CSV_BOM	"\xEF\xBB\xBF"

/* Writes the byte order mark; only into an empty buffer (else nothing). */
int	report_csv_bom(struct buf *);
/* One text field; NULL is an empty cell. */
int	report_csv_cell(struct buf *, const char *);
/* One number, rounded half away from zero to decimals places (0..9, see
 * report/num.h); NaN and infinities are an empty cell. */
int	report_csv_num(struct buf *, double, int decimals);
/* One whole number. */
int	report_csv_int(struct buf *, int64_t);
/* Ends the row (CRLF).  A row with no cell is an empty line. */
int	report_csv_row_end(struct buf *);
/* A whole row of n text cells, row end included (e.g. the header). */
int	report_csv_row(struct buf *, const char *const *cells, size_t n);

#endif
