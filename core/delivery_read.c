/* delivery_read.c - reading deliveries back, for whoever may see the
 * integration's details (delivery.h); the SQL is in delivery_store.c. */
#include "delivery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delivery_store.h"
#include "integration.h"

void delivery_free(bb_delivery *d)
{
	if (!d)
		return;
	free(d->received_at);
	free(d->integration);
	free(d->event);
	free(d->hook_uuid);
	free(d->request_uuid);
	free(d->repository);
	free(d->branch);
	free(d->commit);
	free(d->signature);
	free(d->outcome);
	free(d->answered_at);
	free(d->headers);
	strlist_free(&d->runs);
	memset(d, 0, sizeof *d);
}

void delivery_list_free(bb_delivery *v, size_t n)
{
	UTIL_FREE_EACH(v, n, delivery_free);
}

/* The slug of integration when ctx->user may see its details. */
static bb_code visible_slug(bb_ctx *ctx, const char *integration, char **slug, bb_err *err)
{
	bb_integration it;
	bb_code rc = integration_get(ctx, integration, 0, &it, err);

	*slug = NULL;
	if (rc != BB_OK)
		return rc;
	if (!it.details_visible)
		rc = bb_fail(err, BB_DENIED, "Seeing the deliveries of \"%s\" needs the admin role "
			     "in space %s; ask an admin of %s.", it.name, it.space, it.space);
	else if (!(*slug = strdup(it.slug)))
		rc = bb_oom(err);
	integration_free(&it);
	return rc;
}

bb_code delivery_list(bb_ctx *ctx, const char *integration, long limit, bb_delivery **out,
		      size_t *n, bb_err *err)
{
	char *slug;
	bb_code rc;

	*out = NULL;
	*n = 0;
	if ((rc = visible_slug(ctx, integration, &slug, err)) != BB_OK)
		return rc;
	rc = delivery_store_list(ctx->db, slug, limit, out, n, err);
	if (rc != BB_OK) {
		delivery_list_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	free(slug);
	return rc;
}

bb_code delivery_last(bb_ctx *ctx, const char *integration, bb_delivery *out, int *found,
		      bb_err *err)
{
	bb_delivery *v = NULL;
	size_t n = 0;
	bb_code rc = delivery_list(ctx, integration, 1, &v, &n, err);

	*found = rc == BB_OK && n == 1;
	if (*found) {
		*out = v[0];
		free(v);
		return BB_OK;
	}
	memset(out, 0, sizeof *out);
	delivery_list_free(v, n);
	return rc;
}

static bb_code get_row(bb_ctx *ctx, long long id, bb_delivery *out, bb_err *err)
{
	int found;
	bb_code rc = delivery_store_get(ctx->db, id, out, &found, err);

	if (rc == BB_OK && !found)
		rc = bb_fail(err, BB_NOTFOUND, "No delivery has the id %lld (it may be past "
			     "retention); list them with bbconsole deliveries NAME.", id);
	return rc;
}

bb_code delivery_get(bb_ctx *ctx, long long id, bb_delivery *out, char **body,
		     size_t *body_len, bb_err *err)
{
	char *slug = NULL;
	size_t ignored;
	bb_code rc;

	memset(out, 0, sizeof *out);
	if (body)
		*body = NULL;
	if ((rc = get_row(ctx, id, out, err)) != BB_OK)
		return rc;
	rc = visible_slug(ctx, out->integration, &slug, err);
	free(slug);
	if (rc == BB_OK && body)
		rc = delivery_store_body(ctx->db, id, body, body_len ? body_len : &ignored, err);
	if (rc != BB_OK)
		delivery_free(out);
	return rc;
}

/* The start of the hour `back` hours before now's, as "YYYY-MM-DDTHH". */
static int hour_key(const char *now, int back, char out[BB_TIME_LEN])
{
	if (util_time_add(now, -3600L * back, out) != 0)
		return -1;
	out[13] = '\0';
	return 0;
}

bb_code delivery_hourly(bb_ctx *ctx, const char *integration, long counts[BB_DELIVERY_HOURS],
			bb_err *err)
{
	char now[BB_TIME_LEN], keys[BB_DELIVERY_HOURS][BB_TIME_LEN];
	char *slug;
	bb_code rc;

	memset(counts, 0, sizeof(long) * BB_DELIVERY_HOURS);
	util_now(now);
	for (int i = 0; i < BB_DELIVERY_HOURS; i++)
		if (hour_key(now, BB_DELIVERY_HOURS - 1 - i, keys[i]) != 0)
			return bb_fail(err, BB_INVALID, "The clock reads \"%.32s\", not a time; "
				       "check BBCONSOLE_NOW.", now);
	if ((rc = visible_slug(ctx, integration, &slug, err)) != BB_OK)
		return rc;
	rc = delivery_store_count_hours(ctx->db, slug, keys, counts, err);
	free(slug);
	return rc;
}

bb_code delivery_stats(bb_ctx *ctx, const char *integration, long days,
		       bb_delivery_stats *out, bb_err *err)
{
	char now[BB_TIME_LEN], since[BB_TIME_LEN];
	char *slug;
	bb_code rc;

	memset(out, 0, sizeof *out);
	util_now(now);
	if (util_time_add(now, -86400L * days, since) != 0)
		return bb_fail(err, BB_INVALID, "The clock reads \"%.32s\", not a time; check "
			       "BBCONSOLE_NOW.", now);
	if ((rc = visible_slug(ctx, integration, &slug, err)) != BB_OK)
		return rc;
	rc = delivery_store_stats(ctx->db, slug, since, out, err);
	free(slug);
	return rc;
}
