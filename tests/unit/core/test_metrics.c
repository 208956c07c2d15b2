/* tests/unit/core/test_metrics.c - turnaround maths: phase durations of
 * hand-written case histories with expected values computed by hand,
 * and the nearest-rank median / p90 against hand-picked arrays and a
 * naive implementation written out here (fixed seed). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/metrics.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Expected phase durations, in enum order, then the total. */
struct expect {
	int64_t		 ack, triage, fix, test, verify, release, total;
	unsigned	 reissued, reopened, clarifications;
};

static void
check(int64_t created, int64_t ack, const struct core_metrics_transition *tr,
    size_t n, const struct expect *e)
{
	struct core_metrics_case c;

	memset(&c, 0xa5, sizeof(c));	/* everything must be written */
	core_metrics_case(created, ack, tr, n, &c);
	assert_int_equal(c.phase[METRICS_ACK], e->ack);
	assert_int_equal(c.phase[METRICS_TRIAGE], e->triage);
	assert_int_equal(c.phase[METRICS_FIX], e->fix);
	assert_int_equal(c.phase[METRICS_TEST], e->test);
	assert_int_equal(c.phase[METRICS_VERIFY], e->verify);
	assert_int_equal(c.phase[METRICS_RELEASE], e->release);
	assert_int_equal(c.total, e->total);
	assert_int_equal(c.reissued, e->reissued);
	assert_int_equal(c.reopened, e->reopened);
	assert_int_equal(c.clarifications, e->clarifications);
}

/* Received 1000, acknowledged 1100, every phase once. */
static const struct core_metrics_transition straight[] = {
	{ 1050, ST_NEW, ST_TRIAGE },
	{ 1300, ST_TRIAGE, ST_CONFIRMED },
	{ 1400, ST_CONFIRMED, ST_FIXING },
	{ 2000, ST_FIXING, ST_TESTING },
	{ 2500, ST_TESTING, ST_VERIFYING },
	{ 3000, ST_VERIFYING, ST_READY },
	{ 3100, ST_READY, ST_SCHEDULED },
	{ 4000, ST_SCHEDULED, ST_RELEASED },
	{ 4100, ST_RELEASED, ST_CLOSED },
};

static void
test_straight_line(void **state)
{
	/* 1100-1000, 1300-1100, 2000-1300, 2500-2000, 3000-2500,
	 * 4000-3000, 4000-1000 */
	const struct expect e = { 100, 200, 700, 500, 500, 1000, 3000,
	    0, 0, 0 };

	(void)state;
	check(1000, 1100, straight, NELEM(straight), &e);
}

static void
test_no_ack(void **state)
{
	/* Triage runs from received: 1300-1000. */
	const struct expect e = { -1, 300, 700, 500, 500, 1000, 3000,
	    0, 0, 0 };

	(void)state;
	check(1000, 0, straight, NELEM(straight), &e);
}

static void
test_not_released(void **state)
{
	/* The straight line up to verifying (5 transitions). */
	const struct expect e = { 100, 200, 700, 500, -1, -1, -1, 0, 0, 0 };
	const struct expect none = { -1, -1, -1, -1, -1, -1, -1, 0, 0, 0 };
	const struct expect acked = { 10, -1, -1, -1, -1, -1, -1, 0, 0, 0 };

	(void)state;
	check(1000, 1100, straight, 5, &e);
	check(1000, 0, NULL, 0, &none);
	check(1000, 1010, straight, 1, &acked);
}

static void
test_needs_info_rounds(void **state)
{
	static const struct core_metrics_transition tr[] = {
		{ 5, ST_NEW, ST_TRIAGE },
		{ 20, ST_TRIAGE, ST_NEEDS_INFO },
		{ 50, ST_NEEDS_INFO, ST_TRIAGE },
		{ 60, ST_TRIAGE, ST_NEEDS_INFO },
		{ 100, ST_NEEDS_INFO, ST_TRIAGE },
		{ 150, ST_TRIAGE, ST_CONFIRMED },
		{ 160, ST_CONFIRMED, ST_FIXING },
		{ 200, ST_FIXING, ST_TESTING },
		/* Not a lifecycle edge: after triage, so not counted. */
		{ 210, ST_TESTING, ST_NEEDS_INFO },
	};
	/* 10-0, 150-10, 200-150 */
	const struct expect e = { 10, 140, 50, -1, -1, -1, -1, 0, 0, 2 };
	/* Not triaged yet: every round so far counts. */
	const struct expect open = { 10, -1, -1, -1, -1, -1, -1, 0, 0, 2 };

	(void)state;
	check(0, 10, tr, NELEM(tr), &e);
	check(0, 10, tr, 5, &open);
}

static void
test_reissued(void **state)
{
	static const struct core_metrics_transition tr[] = {
		{ 1, ST_NEW, ST_TRIAGE },
		{ 10, ST_TRIAGE, ST_CONFIRMED },
		{ 20, ST_CONFIRMED, ST_FIXING },
		{ 30, ST_FIXING, ST_TESTING },
		{ 40, ST_TESTING, ST_FIXING },
		{ 50, ST_FIXING, ST_TESTING },
		{ 60, ST_TESTING, ST_VERIFYING },
		{ 70, ST_VERIFYING, ST_READY },
		{ 100, ST_READY, ST_RELEASED },
	};
	/* First entry into testing (30): 30-10; then 60-30. */
	const struct expect e = { 5, 5, 20, 30, 10, 30, 100, 1, 0, 0 };
	static const struct core_metrics_transition tr2[] = {
		{ 10, ST_TRIAGE, ST_CONFIRMED },
		{ 20, ST_CONFIRMED, ST_FIXING },
		{ 30, ST_FIXING, ST_TESTING },
		{ 40, ST_TESTING, ST_VERIFYING },
		{ 50, ST_VERIFYING, ST_FIXING },
		{ 60, ST_FIXING, ST_TESTING },
		{ 70, ST_TESTING, ST_VERIFYING },
		{ 80, ST_VERIFYING, ST_READY },
		{ 90, ST_READY, ST_SCHEDULED },
		{ 95, ST_SCHEDULED, ST_FIXING },
		{ 96, ST_FIXING, ST_TESTING },
		{ 97, ST_TESTING, ST_VERIFYING },
		{ 98, ST_VERIFYING, ST_READY },
		{ 99, ST_READY, ST_SCHEDULED },
		{ 120, ST_SCHEDULED, ST_RELEASED },
		/* Not returns to fixing. */
		{ 121, ST_CONFIRMED, ST_FIXING },
		{ 122, ST_FIXING, ST_FIXING },
	};
	/* No ack: 10-0; 30-10; 40-30; 80-40; 120-80. */
	const struct expect e2 = { -1, 10, 20, 10, 40, 40, 120, 2, 0, 0 };

	(void)state;
	check(0, 5, tr, NELEM(tr), &e);
	check(0, 0, tr2, NELEM(tr2), &e2);
}

static void
test_reopened(void **state)
{
	static const struct core_metrics_transition tr[] = {
		{ 20, ST_NEW, ST_TRIAGE },
		{ 30, ST_TRIAGE, ST_REJECTED },
		{ 100, ST_REJECTED, ST_TRIAGE },
		{ 110, ST_TRIAGE, ST_NEEDS_INFO },
		{ 120, ST_NEEDS_INFO, ST_DUPLICATE },
		{ 130, ST_DUPLICATE, ST_TRIAGE },
		{ 140, ST_TRIAGE, ST_NOT_REPRODUCIBLE },
		{ 150, ST_NOT_REPRODUCIBLE, ST_TRIAGE },
		{ 200, ST_TRIAGE, ST_CONFIRMED },
	};
	/* 10-0, 200-10 */
	const struct expect e = { 10, 190, -1, -1, -1, -1, -1, 0, 3, 1 };

	(void)state;
	check(0, 10, tr, NELEM(tr), &e);
}

static void
test_first_confirmed_overall(void **state)
{
	/* Not lifecycle edges, but the rule is the first confirmation
	 * overall, and a later reopen does not move it. */
	static const struct core_metrics_transition tr[] = {
		{ 100, ST_TRIAGE, ST_CONFIRMED },
		{ 200, ST_CONFIRMED, ST_REJECTED },
		{ 300, ST_REJECTED, ST_TRIAGE },
		{ 350, ST_TRIAGE, ST_NEEDS_INFO },
		{ 400, ST_NEEDS_INFO, ST_CONFIRMED },
		{ 500, ST_FIXING, ST_TESTING },
	};
	const struct expect e = { -1, 100, 400, -1, -1, -1, -1, 0, 1, 0 };

	(void)state;
	check(0, 0, tr, NELEM(tr), &e);
}

static void
test_clock_skew(void **state)
{
	static const struct core_metrics_transition tr[] = {
		{ 800, ST_TRIAGE, ST_CONFIRMED },	/* before the ack */
		{ 1000, ST_CONFIRMED, ST_FIXING },
		{ 1500, ST_FIXING, ST_TESTING },
		{ 1400, ST_TESTING, ST_VERIFYING },	/* before testing */
		{ 1600, ST_VERIFYING, ST_READY },
		{ 1550, ST_READY, ST_RELEASED },	/* before ready */
	};
	/* ack 900 < 1000: 0; 800-900: 0; 1500-800; 1400-1500: 0;
	 * 1600-1400; 1550-1600: 0; total 1550-1000. */
	const struct expect e = { 0, 0, 700, 0, 200, 0, 550, 0, 0, 0 };
	/* Released before received. */
	static const struct core_metrics_transition back[] = {
		{ 10, ST_SCHEDULED, ST_RELEASED },
	};
	const struct expect eb = { -1, -1, -1, -1, -1, 0, 0, 0, 0, 0 };

	(void)state;
	check(1000, 900, tr, NELEM(tr), &e);
	check(1000, 0, back, NELEM(back), &eb);
}

static void
test_skipped_phases(void **state)
{
	/* No testing or verifying: those phases are -1 and verify runs
	 * from the triaged milestone (the latest reached). */
	static const struct core_metrics_transition tr[] = {
		{ 100, ST_TRIAGE, ST_CONFIRMED },
		{ 200, ST_CONFIRMED, ST_FIXING },
		{ 500, ST_FIXING, ST_READY },
		{ 600, ST_READY, ST_RELEASED },
		{ 700, ST__MAX, ST__MAX },		/* out of range: ignored */
		{ 800, (enum core_state)-1, ST_FIXING },
	};
	const struct expect e = { -1, 100, -1, -1, 400, 100, 600, 0, 0, 0 };
	/* Released without anything before it. */
	const struct expect only = { -1, -1, -1, -1, -1, 600, 600, 0, 0, 0 };

	(void)state;
	check(0, 0, tr, NELEM(tr), &e);
	check(0, 0, tr + 3, 1, &only);
}

static void
test_extreme_times(void **state)
{
	static const struct core_metrics_transition tr[] = {
		{ INT64_MAX, ST_TRIAGE, ST_CONFIRMED },
		{ INT64_MIN, ST_CONFIRMED, ST_FIXING },
		{ INT64_MIN, ST_FIXING, ST_TESTING },
		{ INT64_MAX, ST_TESTING, ST_VERIFYING },
		{ INT64_MAX, ST_VERIFYING, ST_READY },
		{ INT64_MAX, ST_READY, ST_RELEASED },
	};
	/* Saturated at INT64_MAX, never overflowing. */
	const struct expect e = { INT64_MAX, 0, 0, INT64_MAX, 0, 0,
	    INT64_MAX, 0, 0, 0 };

	(void)state;
	check(INT64_MIN, INT64_MAX, tr, NELEM(tr), &e);
}

static void
test_phase_names(void **state)
{
	(void)state;
	assert_string_equal(core_metrics_phase_name(METRICS_ACK), "ack");
	assert_string_equal(core_metrics_phase_name(METRICS_RELEASE),
	    "release");
	assert_null(core_metrics_phase_name(METRICS__MAX));
	assert_null(core_metrics_phase_name((enum core_metrics_phase)-1));
}

/* Percentiles -------------------------------------------------------- */

static void
stats(int64_t *v, size_t n, size_t count, int64_t median, int64_t p90)
{
	struct core_metrics_stats s;

	core_metrics_stats(v, n, &s);
	assert_int_equal(s.count, count);
	assert_int_equal(s.median, median);
	assert_int_equal(s.p90, p90);
}

static void
test_pct_empty(void **state)
{
	int64_t all[] = { -1, -1, -1 };

	(void)state;
	stats(NULL, 0, 0, -1, -1);
	assert_int_equal(core_metrics_percentile(NULL, 0, 50), -1);
	stats(all, NELEM(all), 0, -1, -1);
	assert_int_equal(core_metrics_percentile(all, NELEM(all), 90), -1);
}

static void
test_pct_one_two(void **state)
{
	int64_t one[] = { 42 };
	int64_t two[] = { 20, 10 };
	int64_t zero[] = { 0 };

	(void)state;
	stats(one, 1, 1, 42, 42);
	assert_int_equal(core_metrics_percentile(one, 1, 0), 42);
	assert_int_equal(core_metrics_percentile(one, 1, 100), 42);
	/* Median rank ceil(1) = 1, p90 rank ceil(1.8) = 2. */
	stats(two, 2, 2, 10, 20);
	stats(zero, 1, 1, 0, 0);	/* 0 is a value, not "missing" */
}

static void
test_pct_ten_eleven(void **state)
{
	int64_t ten[] = { 70, 10, 100, 40, 90, 20, 60, 30, 80, 50 };
	int64_t eleven[] = { 11, 3, 7, 1, 9, 5, 2, 10, 4, 8, 6 };

	(void)state;
	/* Ranks 5 and 9. */
	stats(ten, NELEM(ten), 10, 50, 90);
	assert_int_equal(core_metrics_percentile(ten, 10, 0), 10);
	assert_int_equal(core_metrics_percentile(ten, 10, 10), 10);
	assert_int_equal(core_metrics_percentile(ten, 10, 11), 20);
	assert_int_equal(core_metrics_percentile(ten, 10, 91), 100);
	assert_int_equal(core_metrics_percentile(ten, 10, 100), 100);
	assert_int_equal(core_metrics_percentile(ten, 10, 1000), 100);
	/* Ranks ceil(5.5) = 6 and ceil(9.9) = 10. */
	stats(eleven, NELEM(eleven), 11, 6, 10);
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* a and b hold the same values, in any order. */
static void
same_values(const int64_t *a, const int64_t *b, size_t n)
{
	int64_t x[64], y[64];

	assert_true(n <= NELEM(x));
	memcpy(x, a, n * sizeof(*a));
	memcpy(y, b, n * sizeof(*b));
	qsort(x, n, sizeof(*x), cmp64);
	qsort(y, n, sizeof(*y), cmp64);
	assert_memory_equal(x, y, n * sizeof(*x));
}

static void
test_pct_mixed_dup(void **state)
{
	int64_t mixed[] = { -1, 30, -1, 10, 20, -1 };
	const int64_t orig[] = { -1, 30, -1, 10, 20, -1 };
	int64_t dup[] = { 5, 5, 5, 1, 5 };
	int64_t neg[] = { INT64_MIN, -7, 3 };

	(void)state;
	/* m = 3: ranks 2 and 3. */
	stats(mixed, NELEM(mixed), 3, 20, 30);
	/* reordered in place: the values first, nothing lost */
	assert_true(mixed[0] >= 0 && mixed[1] >= 0 && mixed[2] >= 0);
	same_values(mixed, orig, NELEM(orig));
	/* 1 5 5 5 5: ranks 3 and 5. */
	stats(dup, NELEM(dup), 5, 5, 5);
	/* Every negative is "not reached". */
	stats(neg, NELEM(neg), 1, 3, 3);
}

static void
test_pct_large(void **state)
{
	int64_t v[] = { INT64_MAX, INT64_MAX - 1, 0, INT64_MAX - 2,
	    INT64_MIN, -1 };

	(void)state;
	/* 0, MAX-2, MAX-1, MAX: ranks 2 and ceil(3.6) = 4. */
	stats(v, NELEM(v), 4, INT64_MAX - 2, INT64_MAX);
}

/* xorshift64*: the same sequence on every libc. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

/* Naive: keep the non-negative values, insertion sort, walk to the
 * smallest rank r with r/m >= p/100. */
static int64_t
naive(const int64_t *v, size_t n, unsigned p)
{
	int64_t	 w[64];
	size_t	 m = 0, i, j, r;

	assert_true(n <= NELEM(w));
	for (i = 0; i < n; i++) {
		if (v[i] < 0)
			continue;
		for (j = m; j > 0 && w[j - 1] > v[i]; j--)
			w[j] = w[j - 1];
		w[j] = v[i];
		m++;
	}
	if (m == 0)
		return -1;
	for (r = 1; r < m && 100 * r < p * m; r++)
		;
	return w[r - 1];
}

static void
test_pct_random(void **state)
{
	uint64_t seed = UINT64_C(0x5eed2026);
	int64_t	 v[64], w[64], orig[64];
	size_t	 iter, n, i, negs;
	struct core_metrics_stats s;
	unsigned p;

	(void)state;
	for (iter = 0; iter < 1000; iter++) {
		n = rnd(&seed) % 65;
		negs = 0;
		for (i = 0; i < n; i++) {
			uint64_t r = rnd(&seed);

			switch (r % 4) {
			case 0:
				v[i] = -1;
				negs++;
				break;
			case 1:		/* small: many duplicates */
				v[i] = (int64_t)(r >> 8) % 8;
				break;
			case 2:		/* near the top */
				v[i] = INT64_MAX - (int64_t)((r >> 8) % 4);
				break;
			default:
				v[i] = (int64_t)(r >> 1);
				break;
			}
		}
		memcpy(orig, v, n * sizeof(v[0]));
		memcpy(w, v, n * sizeof(v[0]));

		core_metrics_stats(w, n, &s);
		assert_int_equal(s.count, n - negs);
		assert_int_equal(s.median, naive(orig, n, 50));
		assert_int_equal(s.p90, naive(orig, n, 90));
		same_values(w, orig, n);
		for (i = 0; i < s.count; i++)
			assert_true(w[i] >= 0);

		p = (unsigned)(rnd(&seed) % 101);
		memcpy(w, orig, n * sizeof(v[0]));
		assert_int_equal(core_metrics_percentile(w, n, p),
		    naive(orig, n, p));
	}
}

/* The selection against a full sort over large arrays: many
 * duplicates, already sorted, reversed, all equal, random. */
static void
test_pct_big(void **state)
{
	static int64_t v[20000], w[20000];
	uint64_t seed = UINT64_C(0xb16b00b5);
	struct core_metrics_stats s;
	size_t n, i, m, r50, r90;
	int shape;

	(void)state;
	for (shape = 0; shape < 5; shape++) {
		for (n = 1; n <= NELEM(v); n = n * 3 + 7) {
			for (i = 0; i < n; i++) {
				uint64_t r = rnd(&seed);

				v[i] = shape == 0 ? (int64_t)(r % 5) :
				    shape == 1 ? (int64_t)i :
				    shape == 2 ? (int64_t)(n - i) :
				    shape == 3 ? 7 : (r % 7 == 0 ? -1 :
				    (int64_t)(r >> 20));
			}
			memcpy(w, v, n * sizeof(*v));
			core_metrics_stats(v, n, &s);
			qsort(w, n, sizeof(*w), cmp64);
			for (i = 0; i < n && w[i] < 0; i++)
				;
			m = n - i;
			assert_int_equal(s.count, m);
			if (m == 0)
				continue;
			r50 = (m * 50 + 99) / 100;
			r90 = (m * 90 + 99) / 100;
			assert_int_equal(s.median, w[i + (r50 ? r50 : 1) - 1]);
			assert_int_equal(s.p90, w[i + (r90 ? r90 : 1) - 1]);
		}
	}
}

/* The radix selection gives what the quickselect gives, over shapes
 * that stress it: values in one high bucket, across buckets, the top
 * of the 31-bit range, duplicates, negatives, empty. */
static void
test_stats32(void **state)
{
	static int32_t v[200000];
	static int64_t w[200000];
	static union core_metrics_scratch hist;
	uint64_t seed = UINT64_C(0x32b175);
	struct core_metrics_stats a, b;
	size_t n, i;
	int shape;

	(void)state;
	core_metrics_stats32(NULL, 0, &hist, &a);
	assert_int_equal(a.count, 0);
	assert_int_equal(a.median, -1);
	for (shape = 0; shape < 6; shape++) {
		for (n = 1; n <= NELEM(v); n = n * 2 + 3) {
			for (i = 0; i < n; i++) {
				uint64_t r = rnd(&seed);

				v[i] = shape == 0 ? (int32_t)(r % 60000) :
				    shape == 1 ? (int32_t)(r >> 33) :
				    shape == 2 ? INT32_MAX - (int32_t)(r % 3) :
				    shape == 3 ? (int32_t)(r % 4) * 65536 :
				    shape == 4 ? (r % 3 == 0 ? -1 :
				    (int32_t)(r % 86400 * 30)) : -1;
				w[i] = v[i];
			}
			core_metrics_stats32(v, n, &hist, &a);
			core_metrics_stats(w, n, &b);
			assert_int_equal(a.count, b.count);
			assert_int_equal(a.median, b.median);
			assert_int_equal(a.p90, b.p90);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_straight_line),
		cmocka_unit_test(test_no_ack),
		cmocka_unit_test(test_not_released),
		cmocka_unit_test(test_needs_info_rounds),
		cmocka_unit_test(test_reissued),
		cmocka_unit_test(test_reopened),
		cmocka_unit_test(test_first_confirmed_overall),
		cmocka_unit_test(test_clock_skew),
		cmocka_unit_test(test_skipped_phases),
		cmocka_unit_test(test_extreme_times),
		cmocka_unit_test(test_phase_names),
		cmocka_unit_test(test_pct_empty),
		cmocka_unit_test(test_pct_one_two),
		cmocka_unit_test(test_pct_ten_eleven),
		cmocka_unit_test(test_pct_mixed_dup),
		cmocka_unit_test(test_pct_large),
		cmocka_unit_test(test_pct_random),
		cmocka_unit_test(test_pct_big),
		cmocka_unit_test(test_stats32),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
