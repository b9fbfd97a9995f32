/* delivery_store.c - the SQL of the tables `delivery` and `delivery_body`
 * (delivery_store.h). */
#include "delivery_store.h"

#include <stdlib.h>
#include <string.h>

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

static bb_code list_row(sqlite3_stmt *st, void *elem, void *db, bb_err *err)
{
	return fill(db, st, elem, err);
}

bb_code delivery_store_list(bb_db *db, const char *slug, long limit, bb_delivery **out,
			    size_t *n, bb_err *err)
{
	static const char sql[] = "SELECT " COLS " FROM delivery d WHERE d.integration = ?1 "
				  "ORDER BY d.id DESC LIMIT ?2";
	sqlite3_stmt *st;
	bb_code rc = db_prepare_texts(db, sql, (const char *[]){slug}, 1, &st, err);

	if (rc != BB_OK)
		return rc;
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	return db_rows_into(db, st, sizeof **out, list_row, db, (void **)out, n,
			    "reading the deliveries", err);
}

bb_code delivery_store_body(bb_db *db, long long id, char **body, size_t *len, bb_err *err)
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

bb_code delivery_store_get(bb_db *db, long long id, bb_delivery *out, int *found, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, "SELECT " COLS " FROM delivery d WHERE d.id = ?1", &st, err);
	int step;

	*found = 0;
	if (rc != BB_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*found = 1;
		rc = fill(db, st, out, err);
	} else if (step != SQLITE_DONE) {
		rc = db_fail(db, "reading the delivery", err);
	}
	sqlite3_finalize(st);
	return rc;
}

bb_code delivery_store_count_hours(bb_db *db, const char *slug, char keys[][BB_TIME_LEN],
				   long counts[BB_DELIVERY_HOURS], bb_err *err)
{
	static const char sql[] = "SELECT substr(received_at, 1, 13), COUNT(*) FROM delivery "
				  "WHERE integration = ?1 AND received_at >= ?2 GROUP BY 1";
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, sql, &st, err);

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

bb_code delivery_store_stats(bb_db *db, const char *slug, const char *since,
			     bb_delivery_stats *out, bb_err *err)
{
	static const char sql[] = "SELECT COUNT(*), "
				  "COALESCE(SUM(outcome = 'accepted' OR outcome = 'duplicate'), 0), "
				  "COALESCE(SUM(signature = 'bad'), 0) FROM delivery "
				  "WHERE integration = ?1 AND received_at >= ?2";
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, sql, &st, err);

	if (rc != BB_OK)
		return rc;
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->total = (long)sqlite3_column_int64(st, 0);
		out->accepted = (long)sqlite3_column_int64(st, 1);
		out->bad_signature = (long)sqlite3_column_int64(st, 2);
	} else {
		rc = db_fail(db, "counting the deliveries", err);
	}
	sqlite3_finalize(st);
	return rc;
}
