/* repocache_store.h - the SQL of the table `repo_cache`: the only place that
 * knows its columns. bitbucket_repocache.c keeps the rules (one transaction
 * per replacement, what an empty cache reads as). */
#ifndef BB_REPOCACHE_STORE_H
#define BB_REPOCACHE_STORE_H

#include "bitbucket.h"
#include "db.h"

/* Forgets the cached repositories of an integration. */
bb_code repocache_store_clear(bb_db *db, const char *integration_slug, bb_err *err);
/* Caches repos for an integration, fetched at fetched_at. */
bb_code repocache_store_insert(bb_db *db, const char *integration_slug,
			       const bb_repo_list *repos, const char *fetched_at, bb_err *err);
/* Appends the cached repositories (workspace NULL: all) ordered by full_name
 * to out; fetched_at (may be NULL) receives the time of the rows read. */
bb_code repocache_store_load(bb_db *db, const char *integration_slug, const char *workspace,
			     bb_repo_list *out, char fetched_at[BB_TIME_LEN], bb_err *err);

#endif
