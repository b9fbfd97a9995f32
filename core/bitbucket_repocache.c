/* bitbucket_repocache.c - the repositories last discovered per integration
 * (table repo_cache), so a listing can show them at once and refresh in the
 * background. The SQL is in repocache_store.c. */
#include "bitbucket.h"

#include <string.h>

#include "repocache_store.h"

bb_code bitbucket_cache_store(bb_db *db, const char *integration_slug, const bb_repo_list *repos,
			      const char *fetched_at, bb_err *err)
{
	bb_code rc;

	if (db_begin(db, err))
		return err ? err->code : BB_DBERR;
	rc = repocache_store_clear(db, integration_slug, err);
	if (rc == BB_OK)
		rc = repocache_store_insert(db, integration_slug, repos, fetched_at, err);
	return db_finish(db, rc, err);
}

bb_code bitbucket_cache_load(bb_db *db, const char *integration_slug, const char *workspace,
			     bb_repo_list *out, char fetched_at[BB_TIME_LEN], bb_err *err)
{
	bb_code rc;

	memset(out, 0, sizeof *out);
	if (fetched_at)
		fetched_at[0] = '\0';
	rc = repocache_store_load(db, integration_slug, workspace, out, fetched_at, err);
	if (rc)
		bitbucket_repos_free(out);
	return rc;
}
