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
};

extern const struct store_ops store_sqlite_ops;

#endif
