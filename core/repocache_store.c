/* repocache_store.c - the SQL of the table `repo_cache` (repocache_store.h). */
#include "repocache_store.h"

#include <stdio.h>
#include <string.h>

#define COLS "full_name, workspace, slug, name, is_private, mainbranch, updated_on, fetched_at"

/* The columns of COLS, in order. */
enum repocache_col {
	COL_FULL_NAME,
	COL_WORKSPACE,
	COL_SLUG,
	COL_NAME,
	COL_PRIVATE,
	COL_MAINBRANCH,
	COL_UPDATED_ON,
	COL_FETCHED_AT
};

bb_code repocache_store_clear(bb_db *db, const char *integration_slug, bb_err *err)
{
	return db_exec_text(db, "DELETE FROM repo_cache WHERE integration = ?1",
			    (const char *[]){integration_slug}, 1, NULL,
			    "clearing the repository cache", err);
}

bb_code repocache_store_insert(bb_db *db, const char *integration_slug,
			       const bb_repo_list *repos, const char *fetched_at, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc = BB_OK;

	if (db_prepare(db, "INSERT OR REPLACE INTO repo_cache (integration, " COLS ") "
		       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err))
		return err ? err->code : BB_DBERR;
	for (size_t i = 0; i < repos->n && rc == BB_OK; i++) {
		const bb_repo *r = &repos->v[i];

		sqlite3_bind_text(st, 1, integration_slug, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2 + COL_FULL_NAME, r->full_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2 + COL_WORKSPACE, r->workspace, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2 + COL_SLUG, r->slug, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2 + COL_NAME, r->name, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2 + COL_PRIVATE, r->is_private != 0);
		/* NULL binds NULL */
		sqlite3_bind_text(st, 2 + COL_MAINBRANCH, r->mainbranch, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2 + COL_UPDATED_ON, r->updated_on, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2 + COL_FETCHED_AT, fetched_at, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(db, "saving the repository cache", err);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

static bb_code repo_row(sqlite3_stmt *st, void *elem, void *fetched_at, bb_err *err)
{
	bb_repo *r = elem;

	memset(r, 0, sizeof *r);
	r->full_name = db_column_dup(st, COL_FULL_NAME);
	r->workspace = db_column_dup(st, COL_WORKSPACE);
	r->slug = db_column_dup(st, COL_SLUG);
	r->name = db_column_dup(st, COL_NAME);
	r->is_private = sqlite3_column_int(st, COL_PRIVATE);
	r->mainbranch = db_column_dup(st, COL_MAINBRANCH);
	r->updated_on = db_column_dup(st, COL_UPDATED_ON);
	if (!r->full_name || !r->workspace || !r->slug || !r->name)
		return bb_oom(err);
	if (fetched_at && sqlite3_column_text(st, COL_FETCHED_AT))
		snprintf(fetched_at, BB_TIME_LEN, "%s",
			 (const char *)sqlite3_column_text(st, COL_FETCHED_AT));
	return BB_OK;
}

bb_code repocache_store_load(bb_db *db, const char *integration_slug, const char *workspace,
			     bb_repo_list *out, char fetched_at[BB_TIME_LEN], bb_err *err)
{
	sqlite3_stmt *st;

	if (db_prepare(db, "SELECT " COLS " FROM repo_cache WHERE integration = ? "
		       "AND (?2 IS NULL OR workspace = ?2) ORDER BY full_name", &st, err))
		return err ? err->code : BB_DBERR;
	sqlite3_bind_text(st, 1, integration_slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, workspace, -1, SQLITE_STATIC);
	return db_rows_into(db, st, sizeof *out->v, repo_row, fetched_at, (void **)&out->v, &out->n,
			    "reading the repository cache", err);
}
