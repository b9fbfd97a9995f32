/* account_store.c - the SQL of the table `account` (account_store.h). */
#include "account_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "space.h"

#define ACCOUNT_COLS "ulid, name, plan, webhook_base, created_at, created_by"

/* The columns of ACCOUNT_COLS, in order. */
enum account_col {
	COL_ULID,
	COL_NAME,
	COL_PLAN,
	COL_WEBHOOK_BASE,
	COL_CREATED_AT,
	COL_CREATED_BY
};

int account_store_exists(bb_db *db)
{
	sqlite3_stmt *st;
	int found = 0;

	if (db_prepare(db, "SELECT 1 FROM account", &st, NULL) != BB_OK)
		return 0;
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

bb_code account_store_init(bb_db *db, const char *ulid, const char *name, const char *plan,
			   const char *base, const char *now, const char *user, bb_err *err)
{
	const char *acc[] = {ulid, name, plan, base, now, user};
	const char *root[] = {BB_ROOT_SPACE, now, user};
	const char *role[] = {user, BB_ROOT_SPACE};
	bb_code rc;

	if ((rc = db_exec_text(db, "INSERT INTO account (id, " ACCOUNT_COLS ") "
			       "VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)", acc, 6, NULL,
			       "saving the account", err)) != BB_OK ||
	    (rc = db_exec_text(db, "INSERT INTO space (name, parent, inherit, created_at, "
			       "created_by) VALUES (?1, NULL, 1, ?2, ?3)", root, 3, NULL,
			       "creating the space root", err)) != BB_OK)
		return rc;
	return db_exec_text(db, "INSERT INTO role (login, space, role) VALUES (?1, ?2, 3)", role, 2,
			    NULL, "making you admin of root", err);
}

static char *dup_col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return strdup(s ? (const char *)s : "");
}

static bb_code account_row(sqlite3_stmt *st, void *arg, bb_err *err)
{
	bb_account *out = arg;

	snprintf(out->id, sizeof out->id, "%s", (const char *)sqlite3_column_text(st, COL_ULID));
	out->name = dup_col(st, COL_NAME);
	out->plan = dup_col(st, COL_PLAN);
	out->webhook_base = dup_col(st, COL_WEBHOOK_BASE);
	snprintf(out->created_at, sizeof out->created_at, "%s",
		 (const char *)sqlite3_column_text(st, COL_CREATED_AT));
	out->created_by = dup_col(st, COL_CREATED_BY);
	return out->name && out->plan && out->webhook_base && out->created_by ? BB_OK
										: bb_oom(err);
}

bb_code account_store_get(bb_db *db, bb_account *out, int *found, bb_err *err)
{
	bb_code rc;

	memset(out, 0, sizeof *out);
	rc = db_query_one(db, "SELECT " ACCOUNT_COLS " FROM account WHERE id = 1", NULL, 0,
			  account_row, out, found, "reading the account", err);
	if (rc != BB_OK)
		account_free(out);
	return rc;
}
