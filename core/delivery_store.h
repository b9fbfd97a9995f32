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

#endif
