/* db.h - the embedded SQLite database: open, migrate, transactions.
 *
 * One database per account. Opening creates the directory (0700) and the
 * database (0600); the key file that encrypts secrets at rest (0600, beside
 * the database as "<db>.key") is read or made on first use. A database, key
 * file or directory that another user owns or may write, or a link in their
 * place, is refused (safefile.h). The schema is versioned by PRAGMA
 * user_version and marked by PRAGMA application_id; a file that is not
 * recognised as ours, or is newer, is refused before anything is written. */
#ifndef BB_DB_H
#define BB_DB_H

#include <sqlite3.h>
#include <stddef.h>

#include "error.h"
#include "secret.h"

typedef struct bb_db bb_db;

/* The default path: $XDG_DATA_HOME/bbconsole/console.db, else
 * ~/.local/share/bbconsole/console.db. Returns BB_DBERR if neither
 * XDG_DATA_HOME nor HOME is set. */
bb_code db_default_path(char *out, size_t size, bb_err *err);

/* Opens (creating if needed) and migrates the database at path. A database
 * at the current version takes no lock: readers never wait for a writer. */
bb_code db_open(const char *path, bb_db **out, bb_err *err);
/* The same for a command that only reads: nothing is created (BB_NOTFOUND
 * when there is no database yet) and nothing is written, except the
 * migration of an older bbconsole database. */
bb_code db_open_read(const char *path, bb_db **out, bb_err *err);
/* For a command that writes to a database that must exist already: like
 * db_open, but BB_NOTFOUND (and nothing created) when there is none. */
bb_code db_open_existing(const char *path, bb_db **out, bb_err *err);
void db_close(bb_db *db);

sqlite3 *db_handle(bb_db *db);
/* 1 when the database answers a read of its tables (a health check). */
int db_reachable(bb_db *db);
/* A malloc'd copy of text column i of the current row; NULL for NULL (or
 * when out of memory). */
char *db_column_dup(sqlite3_stmt *st, int i);
const char *db_path(bb_db *db);
/* The key that encrypts secrets at rest (BB_KEY_LEN bytes), loaded on first
 * use and checked against the check value stored in the database. A missing
 * key file is made anew only while nothing is encrypted; otherwise BB_DBERR
 * ("restore it from your backup"). */
bb_code db_key_get(bb_db *db, const unsigned char **key, bb_err *err);
/* Decrypts a value stored encrypted under this database's key (secret.h's
 * format) into *plain (free with secret_free). */
bb_code db_decrypt(bb_db *db, const void *blob, size_t len, char **plain, bb_err *err);

/* BEGIN IMMEDIATE: takes the write lock at once, so two writers queue on the
 * busy timeout instead of failing half way. */
bb_code db_begin(bb_db *db, bb_err *err);
bb_code db_commit(bb_db *db, bb_err *err);
void db_rollback(bb_db *db);

/* Ends the transaction db_begin started: commits when rc is BB_OK, else rolls
 * back. Returns the outcome (a commit that fails rolls back too). */
bb_code db_finish(bb_db *db, bb_code rc, bb_err *err);

/* Runs sql with text parameters ?1..?n (NULL binds NULL), expecting no rows;
 * *changes (may be NULL) receives the number of rows changed. `what` names
 * the work in the error sentence ("deleting the space"). */
bb_code db_exec_text(bb_db *db, const char *sql, const char *const *params, int n,
		     long *changes, const char *what, bb_err *err);

/* The same with a statement kept prepared (db_prepare_cached). */
bb_code db_exec_cached(bb_db *db, const char *sql, const char *const *params, int n,
		       long *changes, const char *what, bb_err *err);

/* SQLite's data_version: it changes when another connection (another
 * process) committed since the last call on this one, never for our own
 * commits; the console compares it to know when to reload. */
bb_code db_data_version(bb_db *db, long *out, bb_err *err);
/* The integer in the first column of the first row of sql, with text
 * parameters as db_exec_text. */
bb_code db_query_int(bb_db *db, const char *sql, const char *const *params, int n, long *out,
		     const char *what, bb_err *err);

/* Prepares sql or fails with a BB_DBERR sentence. */
bb_code db_prepare(bb_db *db, const char *sql, sqlite3_stmt **stmt, bb_err *err);
/* The same, kept prepared for the connection's life, for a statement run
 * many times (for every delivery): sql must have static storage (its address
 * is the key). Give the statement back with db_release, or to db_step_done,
 * db_each_row or db_rows_into, never to sqlite3_finalize. */
bb_code db_prepare_cached(bb_db *db, const char *sql, sqlite3_stmt **stmt, bb_err *err);
/* Ends the use of a statement: a kept one is reset (bindings cleared) for
 * its next use, any other finalized. */
void db_release(bb_db *db, sqlite3_stmt *st);
/* The same, binding text parameters ?1..?n as db_exec_text does. */
bb_code db_prepare_texts(bb_db *db, const char *sql, const char *const *params, int n,
			 sqlite3_stmt **stmt, bb_err *err);
/* db_prepare_cached, binding text parameters the same way. */
bb_code db_cached_texts(bb_db *db, const char *sql, const char *const *params, int n,
			sqlite3_stmt **stmt, bb_err *err);

/* Reads the current row of a statement; anything but BB_OK stops the
 * reading and is returned (with err set by the reader). */
typedef bb_code (*db_row_fn)(sqlite3_stmt *st, void *arg, bb_err *err);

/* Steps the prepared st to its end, handing every row to fn, then releases
 * it (db_release; st may be NULL: nothing is read). A step that fails is db_fail(what). */
bb_code db_each_row(bb_db *db, sqlite3_stmt *st, db_row_fn fn, void *arg, const char *what,
		    bb_err *err);

/* Prepares sql, binds text parameters ?1..?n as db_exec_text does, and reads
 * every row with fn (db_each_row). */
bb_code db_query_rows(bb_db *db, const char *sql, const char *const *params, int n,
		      db_row_fn fn, void *arg, const char *what, bb_err *err);

/* The same reading the first row only, if any: *found says whether there
 * was one (fn is then called once). */
bb_code db_query_one(bb_db *db, const char *sql, const char *const *params, int n,
		     db_row_fn fn, void *arg, int *found, const char *what, bb_err *err);

/* Steps the prepared st once: *found says whether there was a row (fn is
 * then called once); st is released (db_release). */
bb_code db_first_row(bb_db *db, sqlite3_stmt *st, db_row_fn fn, void *arg, int *found,
		     const char *what, bb_err *err);

/* A db_row_fn appending the text of column 0 to the bb_strlist arg. */
bb_code db_row_text(sqlite3_stmt *st, void *list, bb_err *err);

/* Steps st once, expecting no rows, and releases it (db_release); *changes (may be NULL)
 * receives the number of rows changed. A failed step is db_fail(what). */
bb_code db_step_done(bb_db *db, sqlite3_stmt *st, long *changes, const char *what,
		     bb_err *err);

/* Fills one element of a list from the current row. */
typedef bb_code (*db_fill_fn)(sqlite3_stmt *st, void *elem, void *arg, bb_err *err);

/* Reads every row of the prepared st (db_each_row) into a growing array of
 * elements of `size` bytes appended to *v, *n: each is zeroed and counted
 * before fill runs, so one whose fill failed is freed with the others by the
 * caller's list free. */
bb_code db_rows_into(bb_db *db, sqlite3_stmt *st, size_t size, db_fill_fn fill, void *arg,
		     void **v, size_t *n, const char *what, bb_err *err);

/* Makes room for one more element in a growable array of *cap elements of
 * size bytes, *n of them used (doubling, from 16). -1 when out of memory. */
int db_grow(void **v, size_t *cap, size_t n, size_t size);

/* Turns the last SQLite error into a bb_err: BUSY/LOCKED become BB_TEMP
 * ("the database is busy; try again"), anything else BB_DBERR. `what` names
 * the operation ("saving the integration"). */
bb_code db_fail(bb_db *db, const char *what, bb_err *err);

/* The schema version this build migrates to. */
int db_schema_version(void);

#endif
