/* store/backend.h - what a storage backend implements (private to store/).
 * store.c owns struct store and dispatches each store_* call here. */
#ifndef STORE_BACKEND_H
#define STORE_BACKEND_H
#include "store.h"

struct store_ops {
	const char *scheme;	/* "sqlite" */
	void	*(*open)(const char *path);
	void	 (*close)(void *);
	int	 (*migrate)(void *);
	int	 (*schema_version)(void *);
	int	 (*healthy)(void *);
	int	 (*bulk)(void *, int on);
	int	 (*case_create)(void *, const struct store_new_case *,
		    struct store_case_created *);
	int	 (*case_by_token)(void *, const unsigned char *, struct arena *,
		    struct store_case *);
	int	 (*case_get)(void *, int64_t, struct arena *, struct store_case *);
	int	 (*track_session_add)(void *, int64_t, const unsigned char *,
		    time_t, time_t);
	int	 (*case_by_track_session)(void *, const unsigned char *, time_t,
		    struct arena *, struct store_case *);
	int	 (*case_events)(void *, int64_t, struct arena *,
		    struct store_event **, size_t *);
	int	 (*case_messages)(void *, int64_t, int, struct arena *,
		    struct store_message **, size_t *);
	int	 (*case_attachments)(void *, int64_t, struct arena *,
		    struct store_attachment **, size_t *);
	int	 (*attachment_get)(void *, int64_t, int64_t, struct arena *,
		    struct store_attachment *);
	int	 (*message_add)(void *, const struct store_new_message *,
		    int64_t *);
	int	 (*products_list)(void *, struct arena *, struct store_product **,
		    size_t *);
	int	 (*product_add)(void *, const char *, const char *, time_t,
		    int64_t *);
	int	 (*user_add)(void *, const struct store_user_new *, int64_t *);
	int	 (*user_count)(void *);
	int	 (*case_count)(void *);
	int	 (*user_by_email)(void *, const char *, struct arena *,
		    struct store_user *);
	int	 (*user_get)(void *, int64_t, struct arena *, struct store_user *);
	int	 (*users_list)(void *, struct arena *, struct store_user **,
		    size_t *);
	int	 (*user_disable)(void *, const char *, time_t);
	int	 (*user_set_password)(void *, int64_t, const char *, time_t);
	int	 (*session_add)(void *, const unsigned char *, int64_t, time_t);
	int	 (*session_user)(void *, const unsigned char *, time_t, time_t,
		    time_t, struct arena *, struct store_user *);
	int	 (*session_delete)(void *, const unsigned char *);
	int	 (*sessions_end_others)(void *, int64_t, const unsigned char *);
	int	 (*token_add)(void *, const unsigned char *, int64_t,
		    const char *, time_t);
	int	 (*token_user)(void *, const unsigned char *, time_t,
		    struct arena *, struct store_user *);
	int	 (*login_failure_add)(void *, const char *, time_t);
	int	 (*login_failures)(void *, const char *, time_t);
	int	 (*login_failures_clear)(void *, const char *);
	int	 (*audit_add)(void *, time_t, const char *, const char *, int64_t,
		    const char *);
	int	 (*audit_verify)(void *, int64_t *, const char **, int64_t *);
	int	 (*audit_list)(void *, int64_t, int, struct arena *,
		    struct store_audit **, size_t *);
	int	 (*case_transition)(void *, int64_t, const char *, const char *,
		    const struct store_actor *, const char *,
		    const struct store_notify *, time_t);
	int	 (*case_assign)(void *, int64_t, int64_t,
		    const struct store_actor *, time_t);
	int	 (*case_score)(void *, int64_t, const char *, double,
		    const char *, const char *, time_t,
		    const struct store_actor *, time_t);
	int	 (*case_duplicate)(void *, int64_t, int64_t, const char *,
		    const char *, const struct store_actor *, time_t);
	int	 (*case_message_staff)(void *, int64_t,
		    const struct store_actor *, const char *, int,
		    const char *, const char *, const struct store_notify *,
		    time_t, int64_t *);
	int	 (*case_message_researcher)(void *,
		    const struct store_new_message *, const char *,
		    const char *);
	int	 (*case_complete)(void *, int64_t, const char *const *, int,
		    time_t);
	int	 (*case_by_tracking)(void *, const char *, struct arena *,
		    struct store_case *);
	int	 (*queue)(void *, const struct store_queue_filter *,
		    struct arena *, struct store_queue_row **, size_t *,
		    int64_t *);
	int	 (*queue_prepare_all)(void *);
	int	 (*state_counts)(void *, struct arena *,
		    struct store_state_count **, size_t *);
	int	 (*mail_save)(void *, const void *, size_t, time_t, int64_t *);
	int	 (*mail_update)(void *, int64_t, const struct store_mail_info *);
	int	 (*mail_get)(void *, int64_t, struct arena *, struct store_mail *);
	int	 (*mail_flagged)(void *, int, struct arena *, struct store_mail **,
		    size_t *);
	int	 (*mail_for_case)(void *, int64_t, struct arena *,
		    struct store_mail **, size_t *);
	int	 (*case_by_message_id)(void *, const char *, int64_t *);
	int	 (*autoreplies_since)(void *, const char *, time_t);
	int	 (*case_thread)(void *, int64_t, struct arena *, const char **,
		    const char **);
	int	 (*outbox_claim)(void *, time_t, time_t, int, struct arena *,
		    struct store_outbox **, size_t *);
	int	 (*outbox_result)(void *, int64_t, const char *, time_t,
		    const char *, time_t);
	int	 (*outbox_for_case)(void *, int64_t, struct arena *,
		    struct store_outbox **, size_t *);
	int	 (*outbox_backlog)(void *);
	int	 (*outbox_add)(void *, const struct store_outbox *, time_t);
	int	 (*product_plan_set)(void *, const struct store_product_plan *, time_t, int64_t *idp);
	int	 (*product_plan_get)(void *, int64_t, struct arena *, struct store_product_plan *);
	int	 (*product_by_name)(void *, const char *name, struct arena *, struct store_product_plan *);
	int	 (*version_add)(void *, int64_t, const char *name, const char *ref, time_t, int64_t *idp);
	int	 (*versions)(void *, int64_t, struct arena *, struct store_version **, size_t *);
	int	 (*version_get)(void *, int64_t, struct arena *, struct store_version *);
	int	 (*poc_add)(void *, int64_t, const char *name, const void *data, size_t, const struct store_actor *, time_t, int64_t *idp);
	int	 (*pocs_for_run)(void *, int64_t, int64_t, struct arena *, struct store_poc **, size_t *);
	int	 (*pocs_for_case)(void *, int64_t, struct arena *, struct store_poc **, size_t *);
	int	 (*patch_add)(void *, int64_t, const char *kind, const char *content, const char *note, const int64_t *versions, size_t, const struct store_actor *, time_t, int64_t *idp, int *revision);
	int	 (*patches)(void *, int64_t, struct arena *, struct store_patch **, size_t *);
	int	 (*patch_get)(void *, int64_t, struct arena *, struct store_patch *);
	int	 (*runs_for_case)(void *, int64_t, struct arena *, struct store_run **, size_t *);
	int	 (*run_get)(void *, int64_t, struct arena *, struct store_run *);
	int	 (*run_steps)(void *, int64_t, struct arena *, struct store_step **, size_t *);
	int	 (*run_claim)(void *, time_t, struct arena *, struct store_run *);
	int	 (*run_step_add)(void *, int64_t, const struct store_step *);
	int	 (*run_finish)(void *, int64_t, const char *status, int, int, int, const char *summary, const char *regression_of, time_t);
	int	 (*run_signoff)(void *, int64_t, int64_t, const char *verdict, const char *comment, const struct store_actor *, time_t);
	int	 (*runs_backlog)(void *, int *queued, int *running);
	int	 (*verification_send)(void *, int64_t, int64_t, time_t, const struct store_actor *, const struct store_notify *, time_t, int64_t *idp);
	int	 (*verification_current)(void *, int64_t, struct arena *, struct store_verification *);
	int	 (*verification_answer)(void *, int64_t, const char *answer, const char *notes, const struct store_new_message *files_msg, const char *from_state, const char *to_state, time_t);
	int	 (*verification_waive)(void *, int64_t, const char *reason, const struct store_actor *, time_t);
	int	 (*verifications_due)(void *, time_t, struct arena *, struct store_verification **, size_t *);
	int	 (*verification_reminded)(void *, int64_t, const struct store_notify *, time_t);
	int	 (*release_add)(void *, const char *, time_t, time_t, const char *, const struct store_actor *, time_t, int64_t *);
	int	 (*releases)(void *, struct arena *, struct store_release **, size_t *);
	int	 (*release_get)(void *, int64_t, struct arena *, struct store_release *);
	int	 (*release_add_case)(void *, int64_t, int64_t, const struct store_advisory_draft *, const struct store_actor *, time_t);
	int	 (*release_case_ids)(void *, int64_t, struct arena *, int64_t **, size_t *);
	int	 (*releases_due)(void *, time_t, struct arena *, struct store_release **, size_t *);
	int	 (*releases_notice_due)(void *, time_t, struct arena *, struct store_release **, size_t *);
	int	 (*release_noticed)(void *, int64_t, time_t);
	int	 (*release_publish)(void *, int64_t, const char *, const char *, const struct store_actor *, time_t);
	int	 (*advisory_by_case)(void *, int64_t, struct arena *, struct store_advisory *);
	int	 (*advisory_get)(void *, const char *, struct arena *, struct store_advisory *);
	int	 (*advisories)(void *, struct arena *, struct store_advisory **, size_t *);
	int	 (*advisory_update)(void *, int64_t, const struct store_advisory_draft *, const char *, const struct store_actor *, time_t);
	int	 (*advisory_revisions)(void *, int64_t, struct arena *, struct store_revision **, size_t *);
	int	 (*subscriber_add)(void *, const char *, const char *, const char *, const char *, const char *, time_t);
	int	 (*subscriber_confirm)(void *, const char *, time_t);
	int	 (*subscriber_remove)(void *, const char *, time_t);
	int	 (*subscribers)(void *, struct arena *, struct store_subscriber **, size_t *);
	int	 (*postmortem_put)(void *, const struct store_postmortem *, const struct store_actor *, time_t);
	int	 (*postmortem_get)(void *, int64_t, struct arena *, struct store_postmortem *);
	int	 (*postmortem_scan)(void *, time_t, time_t, int (*)(void *, const struct store_postmortem *), void *);
	int	 (*postmortem_examples)(void *, const char *, time_t, time_t, int, struct arena *, struct store_postmortem **, size_t *);
	int	 (*postmortem_embarrassing)(void *, time_t, time_t, int, struct arena *, struct store_postmortem **, size_t *);
	int	 (*metrics_refresh)(void *);
	int	 (*metrics_scan)(void *, time_t, time_t, int (*)(void *, const struct store_metrics_row *), void *);
	int	 (*metrics_due)(void *, time_t, time_t, int, struct arena *, struct store_queue_row **, size_t *, int64_t *);
	int	 (*gauges)(void *, time_t, struct store_gauges *);
	int	 (*history_add)(void *, const struct store_history_case *, size_t, int64_t *);
};

extern const struct store_ops store_sqlite_ops;
extern int store_pool_size;	/* store_set_pool_size() */

#endif
