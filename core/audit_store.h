/* audit_store.h - the SQL of the table `audit`: the only place that knows
 * its columns. audit.c keeps the rules (who may read it, what "now" is). */
#ifndef BB_AUDIT_STORE_H
#define BB_AUDIT_STORE_H

#include "audit.h"
#include "db.h"

/* Appends one entry; details is a JSON object (never NULL). */
bb_code audit_store_insert(bb_db *db, const char *at, const char *user, const char *action,
			   const char *target, const char *details, bb_err *err);
/* The entries newest first (limit 0: all), each to fn until it returns
 * non-zero; the strings of an entry live during the call only. */
bb_code audit_store_each(bb_db *db, long limit, bb_audit_fn fn, void *arg, bb_err *err);

#endif
