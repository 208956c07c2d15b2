/* core/gate.h - the release gate (DESIGN.md section 1): a case may enter
 * `ready' only when its current patch revision is tested and the fix is
 * verified.
 *
 *   tested:   a test run of the current revision that passed (regression
 *             suite green, every proof of concept reproduces on the
 *             unpatched build and none on the patched build), signed off
 *             PASS by a tester who did not write the patch;
 *   verified: the researcher says the fix works, or a release manager
 *             (or admin) waived verification with a written reason.
 *
 * The caller gathers the facts (store/, runner/) into a core_gate_input;
 * core_gate_check() says whether the gate is open and, if not, lists every
 * unmet condition as a sentence the UI shows as is.  Pure: libc only, no
 * I/O, no allocation. */
#ifndef CORE_GATE_H
#define CORE_GATE_H
#include <stddef.h>

/* State of the latest test run of the current patch revision. */
enum gate_run {
	GATE_RUN_NONE,		/* never run */
	GATE_RUN_QUEUED,	/* waiting for a worker */
	GATE_RUN_RUNNING,
	GATE_RUN_PASSED,	/* finished; every check passed */
	GATE_RUN_FAILED,	/* finished; some check failed */
	GATE_RUN_ERROR,		/* could not finish (build, sandbox, timeout) */
	GATE_RUN__MAX
};

/* A tester's verdict on that run. */
enum gate_signoff {
	GATE_SIGNOFF_NONE,
	GATE_SIGNOFF_PASS,
	GATE_SIGNOFF_FAIL,
	GATE_SIGNOFF__MAX
};

/* The researcher's verification of the current revision. */
enum gate_verify {
	GATE_VERIFY_NONE,	/* not sent */
	GATE_VERIFY_SENT,	/* waiting for the answer */
	GATE_VERIFY_FIXED,
	GATE_VERIFY_NOT_FIXED,
	GATE_VERIFY_BROKE,	/* fixed but broke something */
	GATE_VERIFY_WAIVED,	/* see waiver_* below */
	GATE_VERIFY__MAX
};

/* The booleans are 0 or non-zero.  The run_* and signoff fields are read
 * only for a finished run (PASSED or FAILED), the signer only for a
 * PASS sign-off, the waiver_* fields only for GATE_VERIFY_WAIVED;
 * everything but has_patch only when has_patch is set. */
struct core_gate_input {
	int		 has_patch;	/* a current patch revision exists */
	enum gate_run	 run;		/* latest test run of the current revision */
	int		 run_regressions_ok;	/* regression suite passed in that run */
	int		 run_pocs_reproduced_before; /* every PoC reproduced on
					 * the unpatched build */
	int		 run_pocs_fixed_after;	/* no PoC reproduces on the patched
					 * build (incl. old cases' PoCs of the
					 * product) */
	enum gate_signoff signoff;	/* sign-off of that run */
	int		 signer_is_author; /* the signer wrote the patch */
	enum gate_verify verify;	/* researcher verification of the
					 * current revision */
	int		 waiver_has_reason; /* GATE_VERIFY_WAIVED: a written
					 * reason exists */
	int		 waiver_by_release_manager; /* the waiver was given by a
					 * release manager (or admin) */
};

/* Most sentences core_gate_check() can list (it lists at most 5). */
#define CORE_GATE_MAX_UNMET	8

struct core_gate_result {
	int		 ok;		/* 1: the case may enter ready */
	size_t		 nunmet;	/* 0 if and only if ok */
	const char	*unmet[CORE_GATE_MAX_UNMET]; /* static sentences for
					 * people, in checklist order: patch,
					 * test run, sign-off, verification */
};

/* Fills *res for in.  Without a patch, the one sentence is "There is no
 * patch yet."  Otherwise it lists what is missing from the test run
 * (one sentence for a run not finished or in error; one per failed check
 * of a finished run), then from the sign-off of a finished run, then from
 * the verification.  An out-of-range enum value counts as unmet. */
void		 core_gate_check(const struct core_gate_input *in,
		    struct core_gate_result *res);

/* 1 if the patch revision is "tested": a passing run (regressions ok,
 * PoCs reproduced before, fixed after) and a PASS sign-off by a tester
 * who is not its author; else 0. */
int		 core_gate_tested(const struct core_gate_input *in);

/* 1 if the fix counts as verified: the researcher says fixed, or a
 * release manager waived verification with a written reason; else 0. */
int		 core_gate_verified(const struct core_gate_input *in);

/* Stored and API names: "none", "queued", "running", "passed", "failed",
 * "error"; NULL if r is out of range. */
const char	*core_gate_run_name(enum gate_run r);
/* The run state named exactly s, or -1 (also for NULL). */
int		 core_gate_run_parse(const char *s);

/* "none", "pass", "fail"; NULL if s is out of range. */
const char	*core_gate_signoff_name(enum gate_signoff s);
/* The sign-off named exactly s, or -1 (also for NULL). */
int		 core_gate_signoff_parse(const char *s);

/* "none", "sent", "fixed", "not_fixed", "broke_something", "waived";
 * NULL if v is out of range. */
const char	*core_gate_verify_name(enum gate_verify v);
/* The verification named exactly s, or -1 (also for NULL). */
int		 core_gate_verify_parse(const char *s);

#endif
