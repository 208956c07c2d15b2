/* core/metrics.c - see metrics.h. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const phase_names[] = {
	"ack", "triage", "fix", "test", "verify", "release",
};

/* One name per enum value, checked at compile time. */
typedef char phase_names_complete[
    NELEM(phase_names) == METRICS__MAX ? 1 : -1];

/* The state whose first entry ends each phase after METRICS_ACK. */
static const enum core_state phase_end[METRICS__MAX] = {
	[METRICS_ACK] = ST__MAX,	/* not a transition: the ack time */
	[METRICS_TRIAGE] = ST_CONFIRMED,
	[METRICS_FIX] = ST_TESTING,
	[METRICS_TEST] = ST_VERIFYING,
	[METRICS_VERIFY] = ST_READY,
	[METRICS_RELEASE] = ST_RELEASED,
};

/* end - start, clamped to 0 when negative and saturated at INT64_MAX,
 * without signed overflow. */
static int64_t
span(int64_t start, int64_t end)
{
	uint64_t d;

	if (end <= start)
		return 0;
	d = (uint64_t)end - (uint64_t)start;	/* exact modulo 2^64, < 2^64 */
	return d > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)d;
}

static int
is_entry(const struct core_metrics_transition *t, enum core_state s)
{
	return t->to == s && t->from != s;
}

static int
is_reissue(const struct core_metrics_transition *t)
{
	if (!is_entry(t, ST_FIXING))
		return 0;
	switch (t->from) {
	case ST_TESTING:
	case ST_VERIFYING:
	case ST_READY:
	case ST_SCHEDULED:
		return 1;
	default:
		return 0;
	}
}

static int
is_reopen(const struct core_metrics_transition *t)
{
	if (t->to != ST_TRIAGE)
		return 0;
	return t->from == ST_REJECTED || t->from == ST_DUPLICATE ||
	    t->from == ST_NOT_REPRODUCIBLE;
}

void
core_metrics_case(int64_t created_at, int64_t ack,
    const struct core_metrics_transition *tr, size_t n,
    struct core_metrics_case *out)
{
	int64_t	 last;		/* time of the latest milestone reached */
	size_t	 from;		/* where the next milestone search starts */
	size_t	 triaged_at;	/* index of the triaged milestone, or n */
	size_t	 i;
	int	 k;

	assert(out != NULL && (tr != NULL || n == 0));
	memset(out, 0, sizeof(*out));

	last = created_at;
	if (ack != 0) {
		out->phase[METRICS_ACK] = span(created_at, ack);
		last = ack;
	} else
		out->phase[METRICS_ACK] = -1;

	from = 0;
	triaged_at = n;
	for (k = METRICS_TRIAGE; k < METRICS__MAX; k++) {
		for (i = from; i < n; i++)
			if (is_entry(&tr[i], phase_end[k]))
				break;
		if (i == n) {
			out->phase[k] = -1;
			continue;
		}
		out->phase[k] = span(last, tr[i].at);
		last = tr[i].at;
		from = i + 1;
		if (k == METRICS_TRIAGE)
			triaged_at = i;
		if (k == METRICS_RELEASE)
			out->total = span(created_at, tr[i].at);
	}
	if (out->phase[METRICS_RELEASE] < 0)
		out->total = -1;

	for (i = 0; i < n; i++) {
		if (is_reissue(&tr[i]))
			out->reissued++;
		if (is_reopen(&tr[i]))
			out->reopened++;
		if (i < triaged_at && is_entry(&tr[i], ST_NEEDS_INFO))
			out->clarifications++;
	}
}

const char *
core_metrics_phase_name(enum core_metrics_phase p)
{
	return (unsigned)p < METRICS__MAX ? phase_names[p] : NULL;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Sorts vals and returns the index of its first non-negative value. */
static size_t
sort_values(int64_t *vals, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	assert(vals != NULL);
	qsort(vals, n, sizeof(vals[0]), cmp_i64);
	for (i = 0; i < n && vals[i] < 0; i++)
		;
	return i;
}

/* The p-th percentile of the m >= 1 sorted values at v: rank
 * ceil(p * m / 100), at least 1, computed without overflowing size_t. */
static int64_t
nearest_rank(const int64_t *v, size_t m, unsigned p)
{
	size_t rank;

	assert(m >= 1);
	if (p > 100)
		p = 100;
	rank = (m / 100) * p + ((m % 100) * p + 99) / 100;
	if (rank < 1)
		rank = 1;
	assert(rank <= m);
	return v[rank - 1];
}

int64_t
core_metrics_percentile(int64_t *vals, size_t n, unsigned p)
{
	size_t first;

	first = sort_values(vals, n);
	if (first == n)
		return -1;
	return nearest_rank(vals + first, n - first, p);
}

/* Moves the non-negative values of vals[0..n) to its front and returns
 * how many there are. */
static size_t
keep_values(int64_t *vals, size_t n)
{
	size_t i, m = 0;
	int64_t t;

	for (i = 0; i < n; i++)
		if (vals[i] >= 0) {
			t = vals[m];
			vals[m++] = vals[i];
			vals[i] = t;
		}
	return m;
}

/* Quickselect (Hoare partition, median-of-three pivot): reorders
 * v[lo..hi] so that v[k] holds the value a full sort would put there,
 * with nothing larger before it and nothing smaller after it. */
static void
select_kth(int64_t *v, size_t lo, size_t hi, size_t k)
{
	int64_t pivot, t;
	size_t i, j, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		/* order v[lo], v[mid], v[hi]; the pivot is their median */
		if (v[mid] < v[lo]) { t = v[mid]; v[mid] = v[lo]; v[lo] = t; }
		if (v[hi] < v[lo]) { t = v[hi]; v[hi] = v[lo]; v[lo] = t; }
		if (v[hi] < v[mid]) { t = v[hi]; v[hi] = v[mid]; v[mid] = t; }
		pivot = v[mid];
		i = lo;
		j = hi;
		for (;;) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i >= j)
				break;
			t = v[i]; v[i] = v[j]; v[j] = t;
			i++;
			j--;
		}
		/* now v[lo..j] <= pivot <= v[j+1..hi] */
		if (k <= j)
			hi = j;
		else
			lo = j + 1;
	}
}

static size_t
rank_of(size_t m, unsigned p)
{
	size_t rank;

	if (p > 100)
		p = 100;
	rank = (m / 100) * p + ((m % 100) * p + 99) / 100;
	return rank < 1 ? 1 : rank;
}

void
core_metrics_stats(int64_t *vals, size_t n, struct core_metrics_stats *out)
{
	size_t m, r50, r90;

	assert(out != NULL);
	assert(n == 0 || vals != NULL);
	m = keep_values(vals, n);
	out->count = m;
	if (m == 0) {
		out->median = out->p90 = -1;
		return;
	}
	/* Two selections instead of a sort: linear time, which matters over
	 * a million cases.  The p90 rank is at or above the median's, so
	 * the second selection only looks above the first. */
	r50 = rank_of(m, 50) - 1;
	r90 = rank_of(m, 90) - 1;
	select_kth(vals, 0, m - 1, r50);
	out->median = vals[r50];
	if (r90 > r50)
		select_kth(vals, r50 + 1, m - 1, r90);
	out->p90 = vals[r90];
}

/* The value at 0-based rank r among the non-negative values: the high
 * 16 bits from hist (already counted), then a pass for the low 16 bits
 * within that bucket. */
static int32_t
radix_rank(const int32_t *vals, size_t n, uint32_t *hist, size_t r,
    const uint32_t *high)
{
	uint32_t hi = 0, want;
	size_t below = 0, i;

	while (below + high[hi] <= r)
		below += high[hi++];
	want = hi;
	r -= below;
	memset(hist, 0, 65536 * sizeof(*hist));
	for (i = 0; i < n; i++)
		if (vals[i] >= 0 && ((uint32_t)vals[i] >> 16) == want)
			hist[(uint32_t)vals[i] & 0xFFFF]++;
	for (i = 0, below = 0; below + hist[i] <= r; i++)
		below += hist[i];
	return (int32_t)((want << 16) | (uint32_t)i);
}

void
core_metrics_stats32(const int32_t *vals, size_t n,
    union core_metrics_scratch *scratch, struct core_metrics_stats *out)
{
	uint32_t *hist, *high;
	size_t i, m = 0;

	assert(out != NULL && (n == 0 || (vals != NULL && scratch != NULL)));
	if (n <= CORE_METRICS_SMALL) {
		/* a few values: the quickselect on a copy is quicker than
		 * clearing histograms */
		for (i = 0; i < n; i++)
			if (vals[i] >= 0)
				scratch->v[m++] = vals[i];
		core_metrics_stats(m ? scratch->v : NULL, m, out);
		return;
	}
	/* The high halves fit 15 bits: counted in the last 32768 entries
	 * of the histogram; the first 65536 serve the second pass. */
	hist = scratch->hist;
	high = hist + 65536;
	memset(high, 0, 32768 * sizeof(*high));
	for (i = 0; i < n; i++)
		if (vals[i] >= 0) {
			high[(uint32_t)vals[i] >> 16]++;
			m++;
		}
	out->count = m;
	if (m == 0) {
		out->median = out->p90 = -1;
		return;
	}
	out->median = radix_rank(vals, n, hist, rank_of(m, 50) - 1, high);
	out->p90 = radix_rank(vals, n, hist, rank_of(m, 90) - 1, high);
}
