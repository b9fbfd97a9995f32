#include "db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schema.h"

#define BUSY_TIMEOUT_MS 5000

struct bb_db {
	sqlite3 *sql;
	char *path;
	unsigned char key[BB_KEY_LEN];
};

int db_schema_version(void)
{
	return SCHEMA_VERSION;
}

bb_code db_default_path(char *out, size_t size, bb_err *err)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(out, size, "%s/bbconsole/console.db", xdg);
	else if (home && home[0])
		n = snprintf(out, size, "%s/.local/share/bbconsole/console.db", home);
	else
		return bb_fail(err, BB_DBERR, "Cannot tell where to keep the database: HOME is not "
			       "set; set HOME or pass --db PATH.");
	if (n < 0 || (size_t)n >= size)
		return bb_fail(err, BB_DBERR, "The database path is too long; pass a shorter --db PATH.");
	return BB_OK;
}

/* mkdir -p; only directories we create get 0700, existing ones are left alone. */
static bb_code make_parent_dirs(const char *path, bb_err *err)
{
	char *dir = strdup(path);
	bb_code rc = BB_OK;

	if (!dir)
		return bb_fail(err, BB_DBERR, "Out of memory.");
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			rc = bb_fail(err, BB_DBERR, "Cannot create the directory %s (%s); create it "
				     "or pass another --db PATH.", dir, strerror(errno));
			break;
		}
		*p = '/';
	}
	free(dir);
	return rc;
}

bb_code db_fail(bb_db *db, const char *what, bb_err *err)
{
	int code = db && db->sql ? sqlite3_errcode(db->sql) : SQLITE_ERROR;

	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return bb_fail(err, BB_TEMP, "The database is busy while %s; try again in a moment.",
			       what);
	return bb_fail(err, BB_DBERR, "Database error while %s: %s.", what,
		       db && db->sql ? sqlite3_errmsg(db->sql) : "no database");
}

bb_code db_prepare(bb_db *db, const char *sql, sqlite3_stmt **stmt, bb_err *err)
{
	if (sqlite3_prepare_v2(db->sql, sql, -1, stmt, NULL) != SQLITE_OK)
		return db_fail(db, "preparing a query", err);
	return BB_OK;
}

static void bind_texts(sqlite3_stmt *st, const char *const *params, int n)
{
	for (int i = 0; i < n; i++)
		sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
}

bb_code db_exec_text(bb_db *db, const char *sql, const char *const *params, int n,
		     long *changes, const char *what, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, sql, &st, err);

	if (rc != BB_OK)
		return rc;
	bind_texts(st, params, n);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(db, what, err);
	else if (changes)
		*changes = sqlite3_changes(db->sql);
	sqlite3_finalize(st);
	return rc;
}

bb_code db_query_int(bb_db *db, const char *sql, const char *const *params, int n, long *out,
		     const char *what, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, sql, &st, err);

	*out = 0;
	if (rc != BB_OK)
		return rc;
	bind_texts(st, params, n);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = (long)sqlite3_column_int64(st, 0);
	else
		rc = db_fail(db, what, err);
	sqlite3_finalize(st);
	return rc;
}

bb_code db_finish(bb_db *db, bb_code rc, bb_err *err)
{
	if (rc == BB_OK)
		return db_commit(db, err);
	db_rollback(db);
	return rc;
}

static bb_code exec(bb_db *db, const char *sql, const char *what, bb_err *err)
{
	if (sqlite3_exec(db->sql, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, what, err);
	return BB_OK;
}

bb_code db_begin(bb_db *db, bb_err *err)
{
	return exec(db, "BEGIN IMMEDIATE", "starting a transaction", err);
}

bb_code db_commit(bb_db *db, bb_err *err)
{
	bb_code rc = exec(db, "COMMIT", "saving changes", err);

	if (rc != BB_OK)
		db_rollback(db);
	return rc;
}

void db_rollback(bb_db *db)
{
	if (!sqlite3_get_autocommit(db->sql))
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
}

static int user_version(bb_db *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db->sql, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static bb_code migrate(bb_db *db, bb_err *err)
{
	char pragma[64];
	int v;

	if (db_begin(db, err) != BB_OK)
		return err->code;
	v = user_version(db);
	if (v > SCHEMA_VERSION) {
		db_rollback(db);
		return bb_fail(err, BB_DBERR, "The database %s was written by a newer bbconsole "
			       "(schema %d, this one knows %d); upgrade bbconsole.", db->path, v,
			       SCHEMA_VERSION);
	}
	for (; v >= 0 && v < SCHEMA_VERSION; v++) {
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
		if (exec(db, schema_migrations[v], "upgrading the database", err) != BB_OK ||
		    exec(db, pragma, "upgrading the database", err) != BB_OK) {
			db_rollback(db);
			return err->code;
		}
	}
	if (v < 0) {
		db_rollback(db);
		return bb_fail(err, BB_DBERR, "The file %s is not a bbconsole database; pass "
			       "another --db PATH.", db->path);
	}
	return db_commit(db, err);
}

static bb_code configure(bb_db *db, bb_err *err)
{
	sqlite3_busy_timeout(db->sql, BUSY_TIMEOUT_MS);
	if (exec(db, "PRAGMA foreign_keys = ON", "opening the database", err) != BB_OK)
		return err->code;
	/* For a new database only (later it is a no-op): 16 KiB pages read a
	 * 100,000-stack listing in a quarter of the system calls. */
	if (exec(db, "PRAGMA page_size = 16384", "opening the database", err) != BB_OK)
		return err->code;
	/* WAL lets the console read while a command writes. */
	if (exec(db, "PRAGMA journal_mode = WAL", "opening the database", err) != BB_OK)
		return err->code;
	if (exec(db, "PRAGMA synchronous = NORMAL", "opening the database", err) != BB_OK)
		return err->code;
	/* A small page cache: listings stream through a table once, every page
	 * the cache grows by costs a fresh page fault, and the OS page cache
	 * keeps re-reads cheap. */
	return exec(db, "PRAGMA cache_size = -512", "opening the database", err);
}

static bb_code open_sqlite(bb_db *db, bb_err *err)
{
	mode_t old = umask(077); /* the db, -wal and -shm files: owner only */
	int rc = sqlite3_open_v2(db->path, &db->sql,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 NULL);

	umask(old);
	if (rc != SQLITE_OK)
		return bb_fail(err, BB_DBERR, "Cannot open the database %s (%s); check the path and "
			       "its permissions.", db->path,
			       db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
	if (configure(db, err) != BB_OK) {
		if (err->code != BB_TEMP)
			bb_fail(err, BB_DBERR, "Cannot open the database %s: it is not a bbconsole "
				"database or is damaged; pass another --db PATH.", db->path);
		return err->code;
	}
	return BB_OK;
}

static bb_code load_key(bb_db *db, bb_err *err)
{
	size_t n = strlen(db->path) + 5;
	char *kp = malloc(n);
	bb_code rc;

	if (!kp)
		return bb_fail(err, BB_DBERR, "Out of memory.");
	snprintf(kp, n, "%s.key", db->path);
	rc = secret_load_key(kp, db->key, err);
	free(kp);
	return rc;
}

bb_code db_open(const char *path, bb_db **out, bb_err *err)
{
	bb_db *db = calloc(1, sizeof *db);
	bb_err local;

	if (!err)
		err = &local;
	*out = NULL;
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return bb_fail(err, BB_DBERR, "Out of memory.");
	}
	if (make_parent_dirs(path, err) != BB_OK || open_sqlite(db, err) != BB_OK ||
	    migrate(db, err) != BB_OK || load_key(db, err) != BB_OK) {
		bb_code rc = err->code == BB_OK ? BB_DBERR : err->code;
		db_close(db);
		return rc;
	}
	*out = db;
	return BB_OK;
}

void db_close(bb_db *db)
{
	if (!db)
		return;
	sqlite3_close(db->sql);
	secret_wipe(db->key, sizeof db->key);
	free(db->path);
	free(db);
}

sqlite3 *db_handle(bb_db *db)
{
	return db->sql;
}

const char *db_path(bb_db *db)
{
	return db->path;
}

const unsigned char *db_key(bb_db *db)
{
	return db->key;
}
