/* run_store.c - the SQL of the table `run` (run_store.h). */
#include "run_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COLS                                                                              \
	"r.id, r.stack, r.stack_kind, r.type, r.commit_sha, r.branch, r.pull_request, "  \
	"r.delivery, r.state, r.created_at, r.updated_at, r.note"

/* The columns of COLS, in order. */
enum run_col {
	COL_ID,
	COL_STACK,
	COL_KIND,
	COL_TYPE,
	COL_COMMIT,
	COL_BRANCH,
	COL_PULL_REQUEST,
	COL_DELIVERY,
	COL_STATE,
	COL_CREATED_AT,
	COL_UPDATED_AT,
	COL_NOTE
};

static bb_code fill(sqlite3_stmt *st, bb_run *r, bb_err *err)
{
	const unsigned char *id = sqlite3_column_text(st, COL_ID);

	memset(r, 0, sizeof *r);
	snprintf(r->id, sizeof r->id, "%s", id ? (const char *)id : "");
	r->stack = db_column_dup(st, COL_STACK);
	r->kind = db_column_dup(st, COL_KIND);
	r->type = db_column_dup(st, COL_TYPE);
	r->commit = db_column_dup(st, COL_COMMIT);
	r->branch = db_column_dup(st, COL_BRANCH);
	r->pull_request = (long)sqlite3_column_int64(st, COL_PULL_REQUEST);
	r->delivery = sqlite3_column_int64(st, COL_DELIVERY);
	r->state = db_column_dup(st, COL_STATE);
	r->created_at = db_column_dup(st, COL_CREATED_AT);
	r->updated_at = db_column_dup(st, COL_UPDATED_AT);
	r->note = db_column_dup(st, COL_NOTE);
	if (!r->stack || !r->kind || !r->type || !r->state || !r->created_at || !r->updated_at) {
		run_free(r);
		return bb_oom(err);
	}
	return BB_OK;
}

static bb_code list_row(sqlite3_stmt *st, void *elem, void *arg, bb_err *err)
{
	(void)arg;
	return fill(st, elem, err);
}

bb_code run_store_list(bb_db *db, const char *kind, const char *stack, const char *spaces,
		       long limit, bb_run **out, size_t *n, bb_err *err)
{
	static const char sql[] =
		"SELECT " COLS " FROM run r JOIN stack s ON s.kind = r.stack_kind AND "
		"s.name = r.stack WHERE s.space IN (SELECT value FROM json_each(?1)) "
		"AND (?2 IS NULL OR r.stack = ?2) AND (?3 IS NULL OR r.stack_kind = ?3) "
		"ORDER BY r.created_at DESC, r.id DESC LIMIT ?4";
	sqlite3_stmt *st;
	bb_code rc = db_prepare_texts(db, sql, (const char *[]){spaces, stack, kind}, 3, &st,
				      err);

	if (rc == BB_OK) {
		sqlite3_bind_int64(st, 4, limit > 0 ? limit : -1);
		rc = db_rows_into(db, st, sizeof **out, list_row, NULL, (void **)out, n,
				  "reading the runs", err);
	}
	if (rc != BB_OK) {
		run_list_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

bb_code run_store_get(bb_db *db, const char *id, bb_run *out, int *found, bb_err *err)
{
	static const char sql[] = "SELECT " COLS " FROM run r WHERE r.id = ?1";
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, sql, &st, err);
	int step;

	memset(out, 0, sizeof *out);
	*found = 0;
	if (rc != BB_OK)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && (rc = fill(st, out, err)) == BB_OK)
		*found = 1;
	else if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = db_fail(db, "reading a run", err);
	sqlite3_finalize(st);
	return rc;
}

static void bind_run(sqlite3_stmt *st, const char *id, const bb_run_input *in)
{
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, in->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, in->stack, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, in->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, in->commit, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, in->branch, -1, SQLITE_STATIC);
	if (in->pull_request > 0)
		sqlite3_bind_int64(st, 7, in->pull_request);
	else
		sqlite3_bind_null(st, 7);
	if (in->delivery > 0)
		sqlite3_bind_int64(st, 8, in->delivery);
	else
		sqlite3_bind_null(st, 8);
	sqlite3_bind_text(st, 9, in->now, -1, SQLITE_STATIC);
}

static bb_code stack_seen_row(sqlite3_stmt *st, void *arg, bb_err *err)
{
	long *v = arg;

	(void)err;
	v[0] = (long)sqlite3_column_int64(st, 0);
	v[1] = (long)sqlite3_column_int64(st, 1);
	return BB_OK;
}

bb_code run_store_stack_seen(bb_db *db, const char *name, const char *spaces, long *all,
			     long *seen, bb_err *err)
{
	static const char sql[] = "SELECT COUNT(*), COALESCE(SUM(space IN (SELECT value FROM "
				  "json_each(?2))), 0) FROM stack WHERE name = ?1";
	long v[2] = {0, 0};
	int found;
	bb_code rc = db_query_one(db, sql, (const char *[]){name, spaces}, 2, stack_seen_row, v,
				  &found, "reading the stack", err);

	*all = v[0], *seen = v[1];
	return rc;
}

typedef struct space_state {
	char **space, **state;
} space_state;

static bb_code space_state_row(sqlite3_stmt *st, void *arg, bb_err *err)
{
	space_state *s = arg;

	*s->space = db_column_dup(st, 0);
	*s->state = db_column_dup(st, 1);
	return *s->space && *s->state ? BB_OK : bb_oom(err);
}

bb_code run_store_space(bb_db *db, const char *id, char **space, char **state, int *found,
			bb_err *err)
{
	static const char sql[] = "SELECT s.space, r.state FROM run r JOIN stack s ON s.kind = "
				  "r.stack_kind AND s.name = r.stack WHERE r.id = ?1";

	*space = *state = NULL;
	return db_query_one(db, sql, (const char *[]){id}, 1, space_state_row,
			    &(space_state){space, state}, found, "reading the run", err);
}

bb_code run_store_set_state(bb_db *db, const char *id, const char *from, const char *to,
			    const char *note, const char *now, long *changed, bb_err *err)
{
	return db_exec_text(db, "UPDATE run SET state = ?2, note = ?3, updated_at = ?4 WHERE "
			    "id = ?1 AND state = ?5", (const char *[]){id, to, note, now, from}, 5,
			    changed, "updating the run", err);
}

bb_code run_store_insert(bb_db *db, const char *id, const bb_run_input *in, sqlite3_stmt **stmt,
			 bb_err *err)
{
	static const char sql[] = "INSERT INTO run (id, stack_kind, stack, type, commit_sha, "
				  "branch, pull_request, delivery, state, created_at, updated_at) "
				  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', ?9, ?9)";
	sqlite3_stmt *own = NULL, *st;
	bb_code rc = BB_OK;

	if (!stmt)
		stmt = &own;
	if (!*stmt && (rc = db_prepare(db, sql, stmt, err)) != BB_OK)
		return rc;
	st = *stmt;
	bind_run(st, id, in);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(db, "creating a run", err);
	sqlite3_reset(st);
	sqlite3_finalize(own);
	return rc;
}
