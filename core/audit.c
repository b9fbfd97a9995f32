#include "audit.h"

#include <stdint.h>
#include <stdlib.h>

#include <cJSON.h>

#include "space.h"
#include "util.h"

bb_code audit_record(bb_ctx *ctx, const char *action, const char *target,
		     const char *details_json, bb_err *err)
{
	sqlite3_stmt *st;
	char now[BB_TIME_LEN];
	bb_code rc = BB_OK;

	util_now(now);
	if ((rc = db_prepare(ctx->db, "INSERT INTO audit (at, user, action, target, details) "
			     "VALUES (?1, ?2, ?3, ?4, ?5)", &st, err)) != BB_OK)
		return rc;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, ctx->user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, target, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, details_json ? details_json : "{}", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(ctx->db, "writing the audit log", err);
	sqlite3_finalize(st);
	return rc;
}

bb_code audit_record_json(bb_ctx *ctx, const char *action, const char *target,
			  struct cJSON *details, bb_err *err)
{
	char *json = details ? cJSON_PrintUnformatted(details) : NULL;
	bb_code rc;

	cJSON_Delete(details);
	if (!json)
		return bb_oom(err);
	rc = audit_record(ctx, action, target, json, err);
	free(json);
	return rc;
}

/* The audit log tells who did what everywhere: admins of root only. */
static bb_code may_read(bb_ctx *ctx, bb_err *err)
{
	return space_need(ctx, BB_ROOT_SPACE, BB_ROLE_ADMIN, "Reading the audit log", err);
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : "";
}

bb_code audit_each(bb_ctx *ctx, long limit, bb_audit_fn fn, void *arg, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc;
	int step;

	if ((rc = may_read(ctx, err)) != BB_OK)
		return rc;
	if ((rc = db_prepare(ctx->db, "SELECT id, at, user, action, target, details FROM audit "
			     "ORDER BY id DESC LIMIT ?1", &st, err)) != BB_OK)
		return rc;
	sqlite3_bind_int64(st, 1, limit > 0 ? limit : -1);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		/* the strings belong to the statement until the next step; the
		 * entry's fields are not const only because callers' own entries
		 * own theirs */
		bb_audit_entry e = {
			.id = (long)sqlite3_column_int64(st, 0),
			.at = (char *)(uintptr_t)col(st, 1),
			.user = (char *)(uintptr_t)col(st, 2),
			.action = (char *)(uintptr_t)col(st, 3),
			.target = (char *)(uintptr_t)col(st, 4),
			.details = (char *)(uintptr_t)col(st, 5),
		};
		if (fn(&e, arg))
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = db_fail(ctx->db, "reading the audit log", err);
	sqlite3_finalize(st);
	return rc;
}
