/* run.c - runs of stacks and modules: created queued by the receiver,
 * listed for whoever may see the stack (run.h). */
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "space.h"
#include "validate.h"

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

void run_free(bb_run *r)
{
	if (!r)
		return;
	free(r->stack);
	free(r->kind);
	free(r->type);
	free(r->commit);
	free(r->branch);
	free(r->state);
	free(r->created_at);
	free(r->updated_at);
	free(r->note);
	memset(r, 0, sizeof *r);
}

void run_list_free(bb_run *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		run_free(&v[i]);
	free(v);
}

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

/* The spaces where ctx->user may read, as a JSON array for json_each. */
static bb_code readable_spaces(bb_ctx *ctx, char **out, bb_err *err)
{
	return space_names_json(ctx, BB_ROLE_READ, out, NULL, err);
}

/* Refuses a named stack the user may not see, or that does not exist. */
static bb_code check_stack(bb_ctx *ctx, const char *name, const char *spaces, bb_err *err)
{
	static const char sql[] = "SELECT COUNT(*), COALESCE(SUM(space IN (SELECT value FROM "
				  "json_each(?2))), 0) FROM stack WHERE name = ?1";
	char q[BB_QUOTE_SIZE];
	sqlite3_stmt *st;
	bb_code rc = db_prepare(ctx->db, sql, &st, err);
	long all = 0, seen = 0;

	if (rc != BB_OK)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, spaces, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		all = (long)sqlite3_column_int64(st, 0);
		seen = (long)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	validate_quote(name, q, sizeof q);
	if (all == 0)
		return bb_fail(err, BB_NOTFOUND, "No stack or module is named \"%s\"; see bbconsole "
			       "stack list.", q);
	if (seen == 0)
		return bb_fail(err, BB_DENIED, "Seeing the runs of \"%s\" needs the read role in its "
			       "space; ask an admin of that space.", q);
	return BB_OK;
}

static bb_code list_row(sqlite3_stmt *st, void *elem, void *arg, bb_err *err)
{
	(void)arg;
	return fill(st, elem, err);
}

static bb_code query(bb_ctx *ctx, const char *kind, const char *stack, const char *spaces,
		     long limit, bb_run **out, size_t *n, bb_err *err)
{
	static const char sql[] =
		"SELECT " COLS " FROM run r JOIN stack s ON s.kind = r.stack_kind AND "
		"s.name = r.stack WHERE s.space IN (SELECT value FROM json_each(?1)) "
		"AND (?2 IS NULL OR r.stack = ?2) AND (?3 IS NULL OR r.stack_kind = ?3) "
		"ORDER BY r.created_at DESC, r.id DESC LIMIT ?4";
	sqlite3_stmt *st;
	bb_code rc = db_prepare_texts(ctx->db, sql, (const char *[]){spaces, stack, kind}, 3, &st,
				      err);

	if (rc == BB_OK) {
		sqlite3_bind_int64(st, 4, limit > 0 ? limit : -1);
		rc = db_rows_into(ctx->db, st, sizeof **out, list_row, NULL, (void **)out, n,
				  "reading the runs", err);
	}
	if (rc != BB_OK) {
		run_list_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

bb_code run_list(bb_ctx *ctx, const char *stack, long limit, bb_run **out, size_t *n,
		 bb_err *err)
{
	char *spaces = NULL;
	bb_code rc;

	*out = NULL;
	*n = 0;
	if ((rc = space_require_user(ctx, err)) == BB_OK &&
	    (rc = readable_spaces(ctx, &spaces, err)) == BB_OK && stack)
		rc = check_stack(ctx, stack, spaces, err);
	if (rc == BB_OK)
		rc = query(ctx, NULL, stack, spaces, limit, out, n, err);
	free(spaces);
	return rc;
}

bb_code run_last(bb_ctx *ctx, const char *kind, const char *stack, bb_run *out, int *found,
		 bb_err *err)
{
	char *spaces = NULL;
	bb_run *v = NULL;
	size_t n = 0;
	bb_code rc;

	memset(out, 0, sizeof *out);
	*found = 0;
	if ((rc = space_require_user(ctx, err)) == BB_OK)
		rc = readable_spaces(ctx, &spaces, err);
	if (rc == BB_OK)
		rc = query(ctx, kind, stack, spaces, 1, &v, &n, err);
	if (rc == BB_OK && n == 1) {
		*out = v[0];
		*found = 1;
		free(v);
	} else {
		run_list_free(v, n);
	}
	free(spaces);
	return rc;
}

bb_code run_get(bb_db *db, const char *id, bb_run *out, int *found, bb_err *err)
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

bb_code run_create_locked(bb_db *db, const bb_run_input *in, char id_out[BB_ULID_LEN + 1],
			  sqlite3_stmt **stmt, bb_err *err)
{
	static const char sql[] = "INSERT INTO run (id, stack_kind, stack, type, commit_sha, "
				  "branch, pull_request, delivery, state, created_at, updated_at) "
				  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', ?9, ?9)";
	char id[BB_ULID_LEN + 1];
	sqlite3_stmt *own = NULL, *st;
	bb_code rc;

	if (!stmt)
		stmt = &own;
	if ((rc = account_new_ulid(id, err)) != BB_OK ||
	    (!*stmt && (rc = db_prepare(db, sql, stmt, err)) != BB_OK))
		return rc;
	st = *stmt;
	bind_run(st, id, in);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(db, "creating a run", err);
	sqlite3_reset(st);
	sqlite3_finalize(own);
	if (rc == BB_OK && id_out)
		memcpy(id_out, id, sizeof id);
	return rc;
}
