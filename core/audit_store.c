/* audit_store.c - the SQL of the table `audit` (audit_store.h). */
#include "audit_store.h"

#include <stdint.h>

#define AUDIT_COLS "id, at, user, action, target, details"

enum audit_col { COL_ID, COL_AT, COL_USER, COL_ACTION, COL_TARGET, COL_DETAILS };

bb_code audit_store_insert(bb_db *db, const char *at, const char *user, const char *action,
			   const char *target, const char *details, bb_err *err)
{
	return db_exec_text(db, "INSERT INTO audit (at, user, action, target, details) "
			    "VALUES (?1, ?2, ?3, ?4, ?5)",
			    (const char *[]){at, user, action, target, details}, 5, NULL,
			    "writing the audit log", err);
}

/* The text of column i, "" for NULL; not const only because callers' own
 * entries own their fields. */
static char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return (char *)(uintptr_t)(s ? (const char *)s : "");
}

bb_code audit_store_each(bb_db *db, long limit, bb_audit_fn fn, void *arg, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc;
	int step;

	if ((rc = db_prepare(db, "SELECT " AUDIT_COLS " FROM audit ORDER BY id DESC LIMIT ?1", &st,
			     err)) != BB_OK)
		return rc;
	sqlite3_bind_int64(st, 1, limit > 0 ? limit : -1);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		/* the strings belong to the statement until the next step */
		bb_audit_entry e = {
			.id = (long)sqlite3_column_int64(st, COL_ID),
			.at = col(st, COL_AT),
			.user = col(st, COL_USER),
			.action = col(st, COL_ACTION),
			.target = col(st, COL_TARGET),
			.details = col(st, COL_DETAILS),
		};
		if (fn(&e, arg))
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = db_fail(db, "reading the audit log", err);
	sqlite3_finalize(st);
	return rc;
}
