/* bitbucket_repocache.c - the repositories last discovered per integration
 * (table repo_cache), so a listing can show them at once and refresh in the
 * background. */
#include "bitbucket.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bb_code insert_all(bb_db *db, const char *slug, const bb_repo_list *repos,
			  const char *fetched_at, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc = BB_OK;

	if (db_prepare(db, "INSERT OR REPLACE INTO repo_cache (integration, full_name, workspace, "
		       "slug, name, is_private, mainbranch, updated_on, fetched_at) "
		       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err))
		return err ? err->code : BB_DBERR;
	for (size_t i = 0; i < repos->n && rc == BB_OK; i++) {
		const bb_repo *r = &repos->v[i];

		sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, r->full_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, r->workspace, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, r->slug, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, r->name, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 6, r->is_private != 0);
		sqlite3_bind_text(st, 7, r->mainbranch, -1, SQLITE_STATIC); /* NULL binds NULL */
		sqlite3_bind_text(st, 8, r->updated_on, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, fetched_at, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(db, "saving the repository cache", err);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

bb_code bitbucket_cache_store(bb_db *db, const char *integration_slug, const bb_repo_list *repos,
			      const char *fetched_at, bb_err *err)
{
	bb_code rc;

	if (db_begin(db, err))
		return err ? err->code : BB_DBERR;
	rc = db_exec_text(db, "DELETE FROM repo_cache WHERE integration = ?1",
			  (const char *[]){integration_slug}, 1, NULL, "clearing the repository cache",
			  err);
	if (rc == BB_OK)
		rc = insert_all(db, integration_slug, repos, fetched_at, err);
	return db_finish(db, rc, err);
}

static int row_to_repo(sqlite3_stmt *st, bb_repo *r)
{
	memset(r, 0, sizeof *r);
	r->full_name = db_column_dup(st, 0);
	r->workspace = db_column_dup(st, 1);
	r->slug = db_column_dup(st, 2);
	r->name = db_column_dup(st, 3);
	r->is_private = sqlite3_column_int(st, 4);
	r->mainbranch = db_column_dup(st, 5);
	r->updated_on = db_column_dup(st, 6);
	return r->full_name && r->workspace && r->slug && r->name ? 0 : -1;
}

static bb_code repo_row(sqlite3_stmt *st, void *elem, void *fetched_at, bb_err *err)
{
	if (row_to_repo(st, elem) != 0)
		return bb_oom(err);
	if (fetched_at && sqlite3_column_text(st, 7))
		snprintf(fetched_at, BB_TIME_LEN, "%s", (const char *)sqlite3_column_text(st, 7));
	return BB_OK;
}

bb_code bitbucket_cache_load(bb_db *db, const char *integration_slug, const char *workspace,
			     bb_repo_list *out, char fetched_at[BB_TIME_LEN], bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc;

	memset(out, 0, sizeof *out);
	if (fetched_at)
		fetched_at[0] = '\0';
	if (db_prepare(db, "SELECT full_name, workspace, slug, name, is_private, mainbranch, "
		       "updated_on, fetched_at FROM repo_cache WHERE integration = ? "
		       "AND (?2 IS NULL OR workspace = ?2) ORDER BY full_name", &st, err))
		return err ? err->code : BB_DBERR;
	sqlite3_bind_text(st, 1, integration_slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, workspace, -1, SQLITE_STATIC);
	rc = db_rows_into(db, st, sizeof *out->v, repo_row, fetched_at, (void **)&out->v, &out->n,
			  "reading the repository cache", err);
	if (rc)
		bitbucket_repos_free(out);
	return rc;
}
