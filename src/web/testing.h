/* web/testing.h - independent patch testing, researcher verification
 * and the release gate, shared by the pages (h_patches.c, h_track.c) and
 * the API (h_api_patches.c).  The same rules for both; every change
 * audited.
 *
 * The operations below follow staff.h: they check the permission table
 * (a denial is audited and answered 404), validate, call one store
 * function and return STAFF_OK, STAFF_REPLIED (an error reply was
 * queued), STAFF_REFUSED (bad input: 422, *msg says why) or
 * TESTING_CONFLICT (the case or run does not allow it now: 409). */
#ifndef WEB_TESTING_H
#define WEB_TESTING_H
#include "core/gate.h"
#include "staff.h"

#define TESTING_CONFLICT	2	/* beside enum staff_rc */

#define TESTING_MAX_DIFF	(5 * 1024 * 1024)
#define TESTING_MAX_REF		200
#define TESTING_MAX_NOTE	(8 * 1024)
#define TESTING_MAX_COMMENT	(8 * 1024)
#define TESTING_MAX_REASON	(8 * 1024)
#define TESTING_MAX_NOTES	(64 * 1024)
#define TESTING_MAX_POC		(16 * 1024 * 1024)
#define TESTING_MAX_CMD		4096
#define TESTING_MAX_REGEX	200
#define TESTING_DEADLINE_DAYS	7	/* researcher verification */
#define TESTING_MAX_DEADLINE	90

/* Evaluates the release gate of a case from the store (its current
 * patch revision, that revision's latest run and sign-off, the current
 * verification).  Returns 0, or -1 on a store error. */
int	web_gate(struct req *, const struct store_case *,
	    struct core_gate_result *);

/* Everything web_gate() looked at, for pages and the API. */
struct web_gate_facts {
	struct core_gate_input	 in;
	struct core_gate_result	 res;
	int			 tested;	/* core_gate_tested() */
	int			 has_patch;
	struct store_patch	 patch;		/* the current revision */
	struct store_run	*runs;		/* its latest run per version */
	size_t			 nruns;
	int			 has_run;
	struct store_run	 run;		/* the newest of those */
	int			 has_verification; /* of the current revision */
	struct store_verification ver;
	int			 deadline_passed;
};
int	web_gate_facts(struct req *, const struct store_case *,
	    struct web_gate_facts *);

/* The case's product as the report names it ("other": the free text). */
const char *web_case_product(const struct store_case *);
/* The case's product with a test plan and its versions.  Returns
 * STORE_OK, STORE_NONE (no such product) or STORE_ERR. */
int	web_case_plan(struct req *, const struct store_case *,
	    struct store_product_plan *, struct store_version **, size_t *);

/* Input checks; each returns NULL when fine, else a message. */
const char *web_testing_diff_check(const char *, size_t);
const char *web_testing_ref_check(const char *);
const char *web_testing_oracle_check(const char *);

/* A new patch revision.  kind "diff" (content: the unified diff) or
 * "gitref" (content: the ref); versions: names of the product's
 * versions.  On success *idp, *revp are set (may be NULL). */
int	web_testing_patch_add(struct req *, const struct store_case *,
	    const char *kind, const char *content, size_t content_len,
	    const char *note, const char *const *versions, size_t nversions,
	    int64_t *idp, int *revp, const char **msg);
/* A proof of concept: data, or (data NULL) the case's attachment
 * attachment_id. */
int	web_testing_poc_add(struct req *, const struct store_case *,
	    const char *name, const void *data, size_t size,
	    int64_t attachment_id, int64_t *idp, const char **msg);
/* The run named by a path parameter, for the signed-in user (404 or
 * 503 replied on failure: STAFF_REPLIED). */
int	web_testing_run(struct req *, const char *param, struct store_run *,
	    struct store_case *);
/* 1 if the user wrote the run's patch revision. */
int	web_testing_is_author(struct req *, const struct store_run *);
int	web_testing_signoff(struct req *, const struct store_case *,
	    const struct store_run *, const char *verdict,
	    const char *comment, const char **msg);
/* deadline_days: 1..90. */
int	web_testing_verify_send(struct req *, const struct store_case *,
	    long deadline_days, const char **msg);
int	web_testing_waive(struct req *, const struct store_case *,
	    const char *reason, const char **msg);

/* A product and its plan from the fields of a form or a JSON body;
 * versions as name/ref pairs (may be 0). */
struct web_product_in {
	const char	*name, *vendor, *source, *build, *test, *poc, *oracle;
	const char	*const *vname;
	const char	*const *vref;
	size_t		 nversions;
};
int	web_testing_product_set(struct req *, const struct web_product_in *,
	    int64_t *idp, const char **msg);
int	web_testing_version_add(struct req *, int64_t product_id,
	    const char *name, const char *ref, const char **msg);

/* JSON for the API and the page contexts. */
json_t	*web_run_json(struct req *, const struct store_run *);
json_t	*web_step_json(struct req *, const struct store_step *);
json_t	*web_verification_json(struct req *,
	    const struct store_verification *);
json_t	*web_plan_json(struct req *, const struct store_product_plan *,
	    const struct store_version *, size_t);
/* {"ok", "unmet", "tested", "current_revision", "run", "verification"} */
json_t	*web_gate_json(struct req *, const struct web_gate_facts *);

/* What a refused form of the case page's "Fix and testing" section had
 * typed, and why it was refused.  form: "patch", "poc", "verify",
 * "waive". */
struct web_testing_redo {
	const char	*form;
	const char	*msg;
	const char	*kind, *ref, *note;	/* patch */
	const char	**versions;
	size_t		 nversions;
	const char	*days;			/* verify */
	const char	*reason;		/* waive */
};
/* The "testing" object of the case page's context (h_patches.c). */
json_t	*web_testing_case_ctx(struct req *, const struct store_case *,
	    const struct web_testing_redo *);
/* Shows the case page again with d's message beside its form
 * (h_cases.c). */
int	web_case_page_redo(struct req *, const struct store_case *,
	    const struct web_testing_redo *, unsigned status);

/* "Queued", "Running", "Passed", ... and a CSS class suffix (fixed
 * names, never data). */
const char *web_run_status_label(const char *status);
const char *web_run_status_class(const char *status);

#endif
