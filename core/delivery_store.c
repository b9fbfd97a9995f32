/* delivery_store.c - the SQL of the tables `delivery` and `delivery_body`
 * (delivery_store.h). */
#include "delivery_store.h"

#include <stdio.h>
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

/* ---- recording, in the writer's transaction ------------------------------------- */

static const char dup_sql[] = "SELECT 1 FROM delivery WHERE integration = ?1 AND "
			      "request_uuid = ?2 AND outcome = 'accepted' LIMIT 1";
static const char ins_sql[] =
	"INSERT INTO delivery (integration, received_at, event, hook_uuid, request_uuid, "
	"attempt, repository, branch, commit_sha, pull_request, fork, signature, outcome, "
	"status, ms, answered_at, headers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	"?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
static const char body_sql[] = "INSERT INTO delivery_body (delivery, body) VALUES (?1, ?2)";
static const char stacks_sql[] = "SELECT kind, name, branch FROM stack WHERE integration = ?1 "
				 "AND repository = ?2";

/* The columns of stacks_sql, in order. */
enum stack_col { STACK_KIND, STACK_NAME, STACK_BRANCH };

void delivery_store_batch_end(delivery_store_batch *b)
{
	sqlite3_finalize(b->dup);
	sqlite3_finalize(b->ins);
	sqlite3_finalize(b->body);
	sqlite3_finalize(b->stacks);
	/* ending twice (after a failed begin) finalizes nothing twice */
	memset(b, 0, sizeof *b);
}

bb_code delivery_store_batch_begin(bb_db *db, delivery_store_batch *b, bb_err *err)
{
	memset(b, 0, sizeof *b);
	b->db = db;
	if (db_prepare(db, dup_sql, &b->dup, err) != BB_OK ||
	    db_prepare(db, ins_sql, &b->ins, err) != BB_OK ||
	    db_prepare(db, body_sql, &b->body, err) != BB_OK ||
	    db_prepare(db, stacks_sql, &b->stacks, err) != BB_OK) {
		delivery_store_batch_end(b);
		return err->code;
	}
	return BB_OK;
}

int delivery_store_is_duplicate(delivery_store_batch *b, const char *slug,
				const char *request_uuid)
{
	int dup;

	sqlite3_bind_text(b->dup, 1, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->dup, 2, request_uuid, -1, SQLITE_STATIC);
	dup = sqlite3_step(b->dup) == SQLITE_ROW;
	sqlite3_reset(b->dup);
	return dup;
}

static void bind_opt_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_row(sqlite3_stmt *st, const bb_delivery_job *job, const delivery_store_row *r)
{
	const char *vals[] = {job->slug, job->received_at, job->event, job->hook_uuid,
			      job->request_uuid};

	for (int i = 0; i < 5; i++)
		bind_opt_text(st, i + 1, vals[i]);
	sqlite3_bind_int64(st, 6, job->attempt);
	bind_opt_text(st, 7, job->payload.repository);
	bind_opt_text(st, 8, r->branch);
	bind_opt_text(st, 9, r->commit);
	if (job->payload.pull_request > 0)
		sqlite3_bind_int64(st, 10, job->payload.pull_request);
	else
		sqlite3_bind_null(st, 10);
	sqlite3_bind_int(st, 11, job->payload.fork);
	sqlite3_bind_text(st, 12, job->signature, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, job->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 14, job->status);
	sqlite3_bind_int64(st, 15, r->ms);
	sqlite3_bind_text(st, 16, r->answered_at, -1, SQLITE_STATIC);
	bind_opt_text(st, 17, r->headers);
}

bb_code delivery_store_insert(delivery_store_batch *b, const bb_delivery_job *job,
			      const delivery_store_row *r, long long *id, bb_err *err)
{
	int step;

	*id = 0;
	bind_row(b->ins, job, r);
	step = sqlite3_step(b->ins);
	sqlite3_reset(b->ins);
	sqlite3_clear_bindings(b->ins);
	if (step == SQLITE_CONSTRAINT)
		return BB_OK;
	if (step != SQLITE_DONE)
		return db_fail(b->db, "recording a delivery", err);
	*id = sqlite3_last_insert_rowid(db_handle(b->db));
	return BB_OK;
}

bb_code delivery_store_keep_body(delivery_store_batch *b, long long id, const char *body,
				 size_t len, bb_err *err)
{
	int step;

	sqlite3_bind_int64(b->body, 1, id);
	sqlite3_bind_blob(b->body, 2, body, (int)len, SQLITE_STATIC);
	step = sqlite3_step(b->body);
	sqlite3_reset(b->body);
	if (step != SQLITE_DONE)
		return db_fail(b->db, "keeping a delivery's body", err);
	return BB_OK;
}

void delivery_store_each_stack(delivery_store_batch *b, const char *slug,
			       const char *repository, delivery_store_stack_fn fn, void *arg)
{
	sqlite3_stmt *st = b->stacks;

	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, repository, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (fn((const char *)sqlite3_column_text(st, STACK_KIND),
		       (const char *)sqlite3_column_text(st, STACK_NAME),
		       (const char *)sqlite3_column_text(st, STACK_BRANCH), arg))
			break;
	sqlite3_reset(st);
}

/* ---- retention ----------------------------------------------------------------- */

/* The columns of the retention query, in order. */
enum retention_col { KEEP_SLUG, KEEP_COUNT, KEEP_DAYS };

bb_code delivery_store_each_retention(bb_db *db, const char *slug,
				      delivery_store_retention_fn fn, void *arg, bb_err *err)
{
	static const char sql[] = "SELECT slug, keep_deliveries, keep_days FROM integration "
				  "WHERE ?1 IS NULL OR slug = ?1";
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, sql, &st, err);

	if (rc != BB_OK)
		return rc;
	bind_opt_text(st, 1, slug);
	while (rc == BB_OK && sqlite3_step(st) == SQLITE_ROW)
		rc = fn((const char *)sqlite3_column_text(st, KEEP_SLUG),
			(long)sqlite3_column_int64(st, KEEP_COUNT),
			(long)sqlite3_column_int64(st, KEEP_DAYS), arg, err);
	sqlite3_finalize(st);
	return rc;
}

bb_code delivery_store_trim(bb_db *db, const char *slug, long keep, const char *cutoff,
			    bb_err *err)
{
	static const char by_count[] =
		"DELETE FROM delivery WHERE integration = ?1 AND id <= (SELECT id FROM delivery "
		"WHERE integration = ?1 ORDER BY id DESC LIMIT 1 OFFSET CAST(?2 AS INTEGER))";
	static const char by_age[] = "DELETE FROM delivery WHERE integration = ?1 AND "
				     "received_at < ?2";
	char skip[24];

	snprintf(skip, sizeof skip, "%ld", keep);
	if (db_exec_text(db, by_count, (const char *[]){slug, skip}, 2, NULL,
			 "applying the retention", err) != BB_OK)
		return err->code;
	return db_exec_text(db, by_age, (const char *[]){slug, cutoff}, 2, NULL,
			    "applying the retention", err);
}
