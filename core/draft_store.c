/* draft_store.c - the SQL of the table `draft` (draft_store.h). */
#include "draft_store.h"

#include <stdlib.h>

#include "util.h"

/* The columns read back, in order. */
enum draft_col { COL_DATA };

bb_code draft_store_save(bb_db *db, const char *login, const char *json, const char *at,
			 bb_err *err)
{
	return db_exec_text(db, "INSERT OR REPLACE INTO draft (login, data, saved_at) "
			    "VALUES (?1, ?2, ?3)", (const char *[]){login, json, at}, 3, NULL,
			    "saving the draft", err);
}

static bb_code data_row(sqlite3_stmt *st, void *json, bb_err *err)
{
	char **out = json;

	*out = util_strdup((const char *)sqlite3_column_text(st, COL_DATA));
	return *out ? BB_OK : bb_oom(err);
}

bb_code draft_store_load(bb_db *db, const char *login, char **json, bb_err *err)
{
	int found;

	*json = NULL;
	return db_query_one(db, "SELECT data FROM draft WHERE login = ?1", (const char *[]){login},
			    1, data_row, json, &found, "reading the draft", err);
}

bb_code draft_store_delete(bb_db *db, const char *login, bb_err *err)
{
	return db_exec_text(db, "DELETE FROM draft WHERE login = ?1", (const char *[]){login}, 1,
			    NULL, "deleting the draft", err);
}
