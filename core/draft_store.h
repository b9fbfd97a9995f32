/* draft_store.h - the SQL of the table `draft`: the only place that knows
 * its columns. draft.c keeps the rules (whose draft, what "now" is). */
#ifndef BB_DRAFT_STORE_H
#define BB_DRAFT_STORE_H

#include "db.h"

/* Stores json as login's draft saved at `at`, replacing any earlier one. */
bb_code draft_store_save(bb_db *db, const char *login, const char *json, const char *at,
			 bb_err *err);
/* *json receives login's draft (malloc'd), or NULL when there is none. */
bb_code draft_store_load(bb_db *db, const char *login, char **json, bb_err *err);
/* Forgets login's draft (no error when there is none). */
bb_code draft_store_delete(bb_db *db, const char *login, bb_err *err);

#endif
