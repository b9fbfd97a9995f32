/* delivery_read.c - reading deliveries back, for whoever may see the
 * integration's details (delivery.h). */
#include "delivery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integration.h"

#define COLS                                                                             \
	"d.id, d.received_at, d.integration, d.event, d.hook_uuid, d.request_uuid, "     \
	"d.attempt, d.repository, d.branch, d.commit_sha, d.pull_request, d.fork, "      \
	"d.signature, d.outcome, d.status, d.ms, d.answered_at, d.headers"

/* The columns of COLS, in order. */
enum delivery_col {
	COL_ID,
	COL_RECEIVED_AT,
	COL_INTEGRATION,
	COL_EVENT,
	COL_HOOK_UUID,
	COL_REQUEST_UUID,
	COL_ATTEMPT,
	COL_REPOSITORY,
	COL_BRANCH,
	COL_COMMIT,
	COL_PULL_REQUEST,
	COL_FORK,
	COL_SIGNATURE,
	COL_OUTCOME,
	COL_STATUS,
	COL_MS,
	COL_ANSWERED_AT,
	COL_HEADERS
};

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

static bb_code load_runs(bb_db *db, bb_delivery *d, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, "SELECT id FROM run WHERE delivery = ?1 ORDER BY id", &st,
				err);

	if (rc != BB_OK)
		return rc;
	sqlite3_bind_int64(st, 1, d->id);
	while (rc == BB_OK && sqlite3_step(st) == SQLITE_ROW)
		if (strlist_push(&d->runs, (const char *)sqlite3_column_text(st, 0)) != 0)
			rc = bb_oom(err);
	sqlite3_finalize(st);
	return rc;
}

/* Reads a row selected with COLS, and the ids of its runs. */
static bb_code fill(bb_db *db, sqlite3_stmt *st, bb_delivery *d, bb_err *err)
{
	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(st, COL_ID);
	d->received_at = db_column_dup(st, COL_RECEIVED_AT);
	d->integration = db_column_dup(st, COL_INTEGRATION);
	d->event = db_column_dup(st, COL_EVENT);
	d->hook_uuid = db_column_dup(st, COL_HOOK_UUID);
	d->request_uuid = db_column_dup(st, COL_REQUEST_UUID);
	d->attempt = sqlite3_column_int(st, COL_ATTEMPT);
	d->repository = db_column_dup(st, COL_REPOSITORY);
	d->branch = db_column_dup(st, COL_BRANCH);
	d->commit = db_column_dup(st, COL_COMMIT);
	d->pull_request = (long)sqlite3_column_int64(st, COL_PULL_REQUEST);
	d->fork = sqlite3_column_int(st, COL_FORK);
	d->signature = db_column_dup(st, COL_SIGNATURE);
	d->outcome = db_column_dup(st, COL_OUTCOME);
	d->status = sqlite3_column_int(st, COL_STATUS);
	d->ms = (long)sqlite3_column_int64(st, COL_MS);
	d->answered_at = db_column_dup(st, COL_ANSWERED_AT);
	d->headers = db_column_dup(st, COL_HEADERS);
	if (!d->received_at || !d->integration || !d->signature || !d->outcome || !d->headers) {
		delivery_free(d);
		return bb_oom(err);
	}
	return load_runs(db, d, err);
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

static bb_code list_row(sqlite3_stmt *st, void *elem, void *db, bb_err *err)
{
	return fill(db, st, elem, err);
}

static bb_code list_slug(bb_ctx *ctx, const char *slug, long limit, bb_delivery **out,
			 size_t *n, bb_err *err)
{
	static const char sql[] = "SELECT " COLS " FROM delivery d WHERE d.integration = ?1 "
				  "ORDER BY d.id DESC LIMIT ?2";
	sqlite3_stmt *st;
	bb_code rc = db_prepare_texts(ctx->db, sql, (const char *[]){slug}, 1, &st, err);

	if (rc != BB_OK)
		return rc;
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	return db_rows_into(ctx->db, st, sizeof **out, list_row, ctx->db, (void **)out, n,
			    "reading the deliveries", err);
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
	rc = list_slug(ctx, slug, limit, out, n, err);
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

static bb_code read_body(bb_db *db, long long id, char **body, size_t *len, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, "SELECT body FROM delivery_body WHERE delivery = ?1", &st,
				err);

	*body = NULL;
	*len = 0;
	if (rc != BB_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);

		if ((*body = malloc(n + 1))) {
			memcpy(*body, sqlite3_column_blob(st, 0), n);
			(*body)[n] = '\0';
			*len = n;
		} else {
			rc = bb_oom(err);
		}
	}
	sqlite3_finalize(st);
	return rc;
}

static bb_code get_row(bb_ctx *ctx, long long id, bb_delivery *out, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc = db_prepare(ctx->db, "SELECT " COLS " FROM delivery d WHERE d.id = ?1", &st,
				err);
	int step;

	if (rc != BB_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		rc = fill(ctx->db, st, out, err);
	else if (step == SQLITE_DONE)
		rc = bb_fail(err, BB_NOTFOUND, "No delivery has the id %lld (it may be past "
			     "retention); list them with bbconsole deliveries NAME.", id);
	else
		rc = db_fail(ctx->db, "reading the delivery", err);
	sqlite3_finalize(st);
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
		rc = read_body(ctx->db, id, body, body_len ? body_len : &ignored, err);
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

static bb_code count_hours(bb_ctx *ctx, const char *slug, char keys[][BB_TIME_LEN],
			   long counts[BB_DELIVERY_HOURS], bb_err *err)
{
	static const char sql[] = "SELECT substr(received_at, 1, 13), COUNT(*) FROM delivery "
				  "WHERE integration = ?1 AND received_at >= ?2 GROUP BY 1";
	sqlite3_stmt *st;
	bb_code rc = db_prepare(ctx->db, sql, &st, err);

	if (rc != BB_OK)
		return rc;
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, keys[0], -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);

		for (int i = 0; k && i < BB_DELIVERY_HOURS; i++)
			if (strcmp(k, keys[i]) == 0)
				counts[i] = (long)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return BB_OK;
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
	rc = count_hours(ctx, slug, keys, counts, err);
	free(slug);
	return rc;
}

bb_code delivery_stats(bb_ctx *ctx, const char *integration, long days,
		       bb_delivery_stats *out, bb_err *err)
{
	static const char sql[] = "SELECT COUNT(*), "
				  "COALESCE(SUM(outcome = 'accepted' OR outcome = 'duplicate'), 0), "
				  "COALESCE(SUM(signature = 'bad'), 0) FROM delivery "
				  "WHERE integration = ?1 AND received_at >= ?2";
	char now[BB_TIME_LEN], since[BB_TIME_LEN];
	sqlite3_stmt *st;
	char *slug;
	bb_code rc;

	memset(out, 0, sizeof *out);
	util_now(now);
	if (util_time_add(now, -86400L * days, since) != 0)
		return bb_fail(err, BB_INVALID, "The clock reads \"%.32s\", not a time; check "
			       "BBCONSOLE_NOW.", now);
	if ((rc = visible_slug(ctx, integration, &slug, err)) != BB_OK)
		return rc;
	if ((rc = db_prepare(ctx->db, sql, &st, err)) == BB_OK) {
		sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			out->total = (long)sqlite3_column_int64(st, 0);
			out->accepted = (long)sqlite3_column_int64(st, 1);
			out->bad_signature = (long)sqlite3_column_int64(st, 2);
		} else {
			rc = db_fail(ctx->db, "counting the deliveries", err);
		}
		sqlite3_finalize(st);
	}
	free(slug);
	return rc;
}
