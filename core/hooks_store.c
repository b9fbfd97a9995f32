/* hooks_store.c - the SQL of the table `hook` (and of what a hooks run
 * reads from integration and stack). */
#include "hooks_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "secret.h"

bb_code hooks_store_secret(bb_ctx *ctx, const char *slug, char **secret, long *gen, bb_err *err)
{
	static const char sql[] = "SELECT secret_enc, secret_gen FROM integration WHERE slug = ?1";
	sqlite3_stmt *st;
	bb_code rc;

	*secret = NULL;
	if ((rc = db_prepare(ctx->db, sql, &st, err)) != BB_OK)
		return rc;
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = bb_fail(err, BB_NOTFOUND, "The integration %s no longer exists.", slug);
	else if ((rc = db_decrypt(ctx->db, sqlite3_column_blob(st, 0),
				      (size_t)sqlite3_column_bytes(st, 0), secret, err)) == BB_OK)
		*gen = (long)sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	return rc;
}

bb_code hooks_store_repositories(bb_ctx *ctx, const char *slug, bb_strlist *out, bb_err *err)
{
	static const char sql[] = "SELECT DISTINCT repository FROM stack WHERE integration = ?1 "
				  "ORDER BY repository";

	return db_query_rows(ctx->db, sql, (const char *[]){slug}, 1, db_row_text, out,
			     "reading the repositories of the stacks", err);
}

static int row_fill(sqlite3_stmt *st, hook_row *r)
{
	memset(r, 0, sizeof *r);
	r->workspace = strcmp((const char *)sqlite3_column_text(st, 0), "workspace") == 0;
	r->subject = db_column_dup(st, 1);
	r->uuid = db_column_dup(st, 2);
	r->gen = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(st, 3);
	r->state = hooks_state_of((const char *)sqlite3_column_text(st, 4));
	r->events_missing = db_column_dup(st, 5);
	r->detail = db_column_dup(st, 6);
	snprintf(r->checked_at, sizeof r->checked_at, "%s", (const char *)sqlite3_column_text(st, 7));
	return r->subject && r->events_missing && r->detail ? 0 : -1;
}

static void row_free(hook_row *r)
{
	free(r->subject);
	free(r->uuid);
	free(r->events_missing);
	free(r->detail);
}

void hooks_rows_free(hook_rows *r)
{
	UTIL_FREE_EACH(r->v, r->n, row_free);
	r->v = NULL;
	r->n = 0;
}

const hook_row *hooks_rows_find(const hook_rows *r, int workspace, const char *subject)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].workspace == workspace && strcmp(r->v[i].subject, subject) == 0)
			return &r->v[i];
	return NULL;
}

static bb_code hook_row_of(sqlite3_stmt *st, void *elem, void *arg, bb_err *err)
{
	(void)arg;
	return row_fill(st, elem) == 0 ? BB_OK : bb_oom(err);
}

bb_code hooks_store_rows(bb_ctx *ctx, const char *slug, hook_rows *out, bb_err *err)
{
	static const char sql[] = "SELECT level, subject, hook_uuid, secret_gen, state, "
				  "events_missing, detail, checked_at FROM hook WHERE integration = ?1";
	sqlite3_stmt *st;
	bb_code rc;

	memset(out, 0, sizeof *out);
	if ((rc = db_prepare_texts(ctx->db, sql, (const char *[]){slug}, 1, &st, err)) == BB_OK)
		rc = db_rows_into(ctx->db, st, sizeof *out->v, hook_row_of, NULL, (void **)&out->v,
				  &out->n, "reading the webhook states", err);
	if (rc != BB_OK)
		hooks_rows_free(out);
	return rc;
}

static char *events_json(const bb_strlist *l)
{
	static const bb_strlist none = {0};

	return strlist_to_json(l ? l : &none);
}

bb_code hooks_store_put(bb_ctx *ctx, const char *slug, const hook_put *p, bb_err *err)
{
	/* ?9 = 1: bbconsole wrote (or removed) the hook, so uuid and generation change */
	static const char sql[] =
		"INSERT INTO hook (integration, level, subject, hook_uuid, secret_gen, state, "
		"events_missing, detail, checked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?10) "
		"ON CONFLICT (integration, level, subject) DO UPDATE SET state = excluded.state, "
		"events_missing = excluded.events_missing, detail = excluded.detail, "
		"checked_at = excluded.checked_at, "
		"hook_uuid = CASE WHEN ?9 THEN excluded.hook_uuid ELSE hook.hook_uuid END, "
		"secret_gen = CASE WHEN ?9 THEN excluded.secret_gen ELSE hook.secret_gen END";
	char *ev = events_json(p->events_missing);
	sqlite3_stmt *st;
	bb_code rc;

	if (!ev)
		return bb_oom(err);
	if ((rc = db_prepare(ctx->db, sql, &st, err)) != BB_OK) {
		free(ev);
		return rc;
	}
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->workspace ? "workspace" : "repository", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->subject, -1, SQLITE_STATIC);
	if (p->written && p->uuid)
		sqlite3_bind_text(st, 4, p->uuid, -1, SQLITE_STATIC);
	if (p->written && p->uuid && p->gen >= 0)
		sqlite3_bind_int64(st, 5, p->gen);
	sqlite3_bind_text(st, 6, hooks_state_name(p->state), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, ev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, p->detail ? p->detail : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, p->written);
	sqlite3_bind_text(st, 10, p->checked_at, -1, SQLITE_STATIC);
	rc = db_step_done(ctx->db, st, NULL, "saving the webhook state", err);
	free(ev);
	return rc;
}

bb_code hooks_store_broken(bb_ctx *ctx, bb_strlist *out, bb_err *err)
{
	static const char sql[] = "SELECT integration || char(9) || subject FROM hook "
				  "WHERE level = 'repository' AND state NOT IN ('ok', 'covered', 'unchecked')";

	return db_query_rows(ctx->db, sql, NULL, 0, db_row_text, out,
			     "reading the webhook states", err);
}
