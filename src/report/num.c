/* report/num.c - see num.h. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "num.h"

/* 2^52: from here on every double is a whole number. */
#define WHOLE_FROM	4503599627370496.0

size_t
report_num_format(char out[REPORT_NUM_LEN], double v, int decimals)
{
	double a, ip, fr;
	int64_t scale = 1, f = 0;
	int i, n;
	const char *sign;

	out[0] = '\0';
	if (!isfinite(v))
		return 0;
	if (decimals < 0)
		decimals = 0;
	if (decimals > REPORT_NUM_DECIMALS_MAX)
		decimals = REPORT_NUM_DECIMALS_MAX;
	for (i = 0; i < decimals; i++)
		scale *= 10;

	a = v < 0 ? -v : v;
	if (a >= WHOLE_FROM) {
		ip = a;
		fr = 0;
	} else {
		ip = (double)(int64_t)a;	/* exact: a < 2^52 */
		fr = a - ip;			/* exact, in [0, 1) */
	}
	f = (int64_t)(fr * (double)scale + 0.5);
	if (f >= scale) {			/* 0.996 at 2 places: carry */
		f -= scale;
		ip += 1;
	}
	sign = (v < 0 && (ip != 0 || f != 0)) ? "-" : "";
	/* %.0f of a whole number prints no decimal point, so it is the same
	 * in every locale; the fraction is an integer. */
	if (decimals == 0)
		n = snprintf(out, REPORT_NUM_LEN, "%s%.0f", sign, ip);
	else
		n = snprintf(out, REPORT_NUM_LEN, "%s%.0f.%0*" PRId64, sign, ip,
		    decimals, f);
	if (n < 0 || n >= REPORT_NUM_LEN) {	/* cannot happen: sized above */
		out[0] = '\0';
		return 0;
	}
	return (size_t)n;
}
