/* draft.c - per-user wizard drafts in the `draft` table. */
#include "draft.h"

#include <stdlib.h>

#include "util.h"

bb_code draft_save(bb_ctx *ctx, const char *json, bb_err *err)
{
	sqlite3_stmt *st;
	char now[BB_TIME_LEN];
	bb_code rc;

	util_now(now);
	if ((rc = db_prepare(ctx->db, "INSERT OR REPLACE INTO draft (login, data, saved_at) "
			     "VALUES (?1, ?2, ?3)", &st, err)) != BB_OK)
		return rc;
	sqlite3_bind_text(st, 1, ctx->user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(ctx->db, "saving the draft", err);
	sqlite3_finalize(st);
	return rc;
}

bb_code draft_load(bb_ctx *ctx, char **json, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc;
	int step;

	*json = NULL;
	if ((rc = db_prepare(ctx->db, "SELECT data FROM draft WHERE login = ?1", &st, err)) != BB_OK)
		return rc;
	sqlite3_bind_text(st, 1, ctx->user, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*json = util_strdup((const char *)sqlite3_column_text(st, 0));
		if (!*json)
			rc = bb_oom(err);
	} else if (step != SQLITE_DONE) {
		rc = db_fail(ctx->db, "reading the draft", err);
	}
	sqlite3_finalize(st);
	return rc;
}

bb_code draft_delete(bb_ctx *ctx, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc;

	if ((rc = db_prepare(ctx->db, "DELETE FROM draft WHERE login = ?1", &st, err)) != BB_OK)
		return rc;
	sqlite3_bind_text(st, 1, ctx->user, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(ctx->db, "deleting the draft", err);
	sqlite3_finalize(st);
	return rc;
}
