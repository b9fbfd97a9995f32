/* delivery_store.h - the SQL of the tables `delivery` and `delivery_body`:
 * the only place that knows their columns. delivery_read.c keeps the rules
 * (who may see an integration's deliveries, which hours and days count). */
#ifndef BB_DELIVERY_STORE_H
#define BB_DELIVERY_STORE_H

#include "db.h"
#include "delivery.h"

/* The deliveries of integration slug newest first, at most limit (0: all),
 * appended to *out, *n with the ids of their runs. */
bb_code delivery_store_list(bb_db *db, const char *slug, long limit, bb_delivery **out,
			    size_t *n, bb_err *err);
/* One delivery by id with its runs; *found 0 when none. */
bb_code delivery_store_get(bb_db *db, long long id, bb_delivery *out, int *found, bb_err *err);
/* The raw body kept for delivery id (malloc'd, NUL-terminated), NULL when
 * none was kept. */
bb_code delivery_store_body(bb_db *db, long long id, char **body, size_t *len, bb_err *err);
/* counts[i] receives how many deliveries of slug arrived in the hour keys[i]
 * ("YYYY-MM-DDTHH", oldest first). */
bb_code delivery_store_count_hours(bb_db *db, const char *slug, char keys[][BB_TIME_LEN],
				   long counts[BB_DELIVERY_HOURS], bb_err *err);
/* The totals of slug's deliveries received since `since`. */
bb_code delivery_store_stats(bb_db *db, const char *slug, const char *since,
			     bb_delivery_stats *out, bb_err *err);

/* The statements that record deliveries, prepared once per batch in the
 * writer's transaction. */
typedef struct delivery_store_batch {
	bb_db *db;
	sqlite3_stmt *dup, *ins, *body, *stacks;
} delivery_store_batch;

/* What a delivery's row holds beyond its job: the reference it is about,
 * how long it took, when it was answered, its headers (JSON text). */
typedef struct delivery_store_row {
	const char *branch, *commit;
	long long ms;
	const char *answered_at, *headers;
} delivery_store_row;

bb_code delivery_store_batch_begin(bb_db *db, delivery_store_batch *b, bb_err *err);
/* Finalizes the statements; may be called again. */
void delivery_store_batch_end(delivery_store_batch *b);
/* 1 when slug already accepted a delivery with this request uuid. */
int delivery_store_is_duplicate(delivery_store_batch *b, const char *slug,
				const char *request_uuid);
/* Inserts job's row; *id receives its id, 0 when a constraint refused it
 * (the integration went away since the check). */
bb_code delivery_store_insert(delivery_store_batch *b, const bb_delivery_job *job,
			      const delivery_store_row *r, long long *id, bb_err *err);
/* Keeps the raw body of delivery id. */
bb_code delivery_store_keep_body(delivery_store_batch *b, long long id, const char *body,
				 size_t len, bb_err *err);
/* Called for each stack or module of slug tracking repository (its tracked
 * branch may be NULL); non-zero stops. */
typedef int (*delivery_store_stack_fn)(const char *kind, const char *name, const char *branch,
				       void *arg);
void delivery_store_each_stack(delivery_store_batch *b, const char *slug,
			       const char *repository, delivery_store_stack_fn fn, void *arg);

/* Called with the retention of each integration (slug NULL: all); anything
 * but BB_OK stops and is returned. */
typedef bb_code (*delivery_store_retention_fn)(const char *slug, long keep, long days,
					       void *arg, bb_err *err);
bb_code delivery_store_each_retention(bb_db *db, const char *slug,
				      delivery_store_retention_fn fn, void *arg, bb_err *err);
/* Deletes slug's deliveries beyond the newest keep and those received
 * before cutoff. */
bb_code delivery_store_trim(bb_db *db, const char *slug, long keep, const char *cutoff,
			    bb_err *err);

#endif
