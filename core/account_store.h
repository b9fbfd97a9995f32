/* account_store.h - the SQL of the table `account` (one row), and the rows
 * a first-time setup writes with it. account.c keeps the rules (names,
 * plans, the audit entry). */
#ifndef BB_ACCOUNT_STORE_H
#define BB_ACCOUNT_STORE_H

#include "account.h"
#include "db.h"

/* 1 when the account row exists (0 also when the database cannot say). */
int account_store_exists(bb_db *db);
/* The account row, the space root and user as its admin; the caller holds
 * the transaction. */
bb_code account_store_init(bb_db *db, const char *ulid, const char *name, const char *plan,
			   const char *base, const char *now, const char *user, bb_err *err);
/* The account into *out (free with account_free); *found 0 when none. */
bb_code account_store_get(bb_db *db, bb_account *out, int *found, bb_err *err);

#endif
