/* report/num.h - numbers written the same way everywhere in reports:
 * plain decimal ("1234.5", "-3", "0.25"), '.' as the decimal point
 * whatever the locale, no grouping, no exponent, never "nan" or "inf",
 * never "-0".  Pure: libc only. */
#ifndef REPORT_NUM_H
#define REPORT_NUM_H
#include <stddef.h>

#define REPORT_NUM_DECIMALS_MAX	9
/* Enough for any double: 309 integer digits, sign, point, 9 decimals. */
#define REPORT_NUM_LEN		336

/* Writes v rounded half away from zero to `decimals' places (clamped to
 * 0..REPORT_NUM_DECIMALS_MAX) into out (REPORT_NUM_LEN bytes) and
 * returns its length.  A NaN or infinite v writes "" and returns 0.
 * Trailing zeros are kept: (2.5, 2) is "2.50". */
size_t	report_num_format(char out[REPORT_NUM_LEN], double v, int decimals);

#endif
