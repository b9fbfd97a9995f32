#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "privs.h"
#include "secret.h"
#include "safefile.h"
#include "schema.h"
#include "util.h"

#define BUSY_TIMEOUT_MS 5000

/* PRAGMA application_id of a bbconsole database ("bbco"): a file without it
 * is not ours to migrate (databases from before it are recognised by their
 * tables). */
#define APPLICATION_ID 0x6262636f

/* Encrypted under the key and stored beside the secrets: a key file that
 * does not decrypt it belongs to another database. */
static const char key_check_text[] = "bbconsole key check 1";

/* Statements kept prepared for the connection's life: the few the receiver's
 * writer runs for every delivery, where preparing cost more than running. */
#define CACHE_MAX 16

typedef struct cached {
	const char *sql; /* the key: a string with static storage */
	sqlite3_stmt *st;
} cached;

struct bb_db {
	sqlite3 *sql;
	cached cache[CACHE_MAX];
	int ncache;
	char *path;
	int readonly;  /* opened for a command that never writes */
	int create;    /* may create the file and its directories (init, the console) */
	int key_ready; /* key loaded and checked */
	unsigned char key[BB_KEY_LEN];
};

int db_schema_version(void)
{
	return SCHEMA_VERSION;
}

bb_code db_default_path(char *out, size_t size, bb_err *err)
{
	int rc = privs_xdg_path("XDG_DATA_HOME", ".local/share", "bbconsole/console.db", out,
				size);

	if (rc > 0)
		return bb_fail(err, BB_DBERR, "Cannot tell where to keep the database: HOME is not "
			       "set; set HOME or pass --db PATH.");
	if (rc < 0)
		return bb_fail(err, BB_DBERR, "The database path is too long; pass a shorter --db PATH.");
	return BB_OK;
}

/* mkdir -p; only directories we create get 0700, existing ones are left alone. */
static bb_code make_parent_dirs(const char *path, bb_err *err)
{
	char *dir = strdup(path);
	bb_code rc = BB_OK;

	if (!dir)
		return bb_oom(err);
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

/* An error of the file system rather than of the data: a read-only or
 * unwritable place, or a full disk. Said as such, so that nobody deletes a
 * healthy database for it. */
static bb_code fs_fail(bb_db *db, int code, int sys, bb_err *err)
{
	if (code != SQLITE_IOERR && code != SQLITE_CANTOPEN)
		sys = 0; /* SQLite keeps the errno of an older failure: not this one's */
	if (code == SQLITE_FULL || sys == ENOSPC || sys == EFBIG || sys == EDQUOT)
		return bb_fail(err, BB_DBERR, "There is no space left to write the database %s; "
			       "free some disk space and try again.", db->path);
	if (code == SQLITE_READONLY || code == SQLITE_PERM || code == SQLITE_CANTOPEN ||
	    sys == EACCES || sys == EROFS || sys == EPERM)
		return bb_fail(err, BB_DBERR, "Cannot write the database %s or its directory "
			       "(%s); check that both are writable by you.", db->path,
			       strerror(sys ? sys : EACCES));
	/* the errno may be gone by now (a rollback ran since); a failed write
	 * is still a failed write */
	if (sqlite3_extended_errcode(db->sql) == SQLITE_IOERR_WRITE ||
	    sqlite3_extended_errcode(db->sql) == SQLITE_IOERR_FSYNC)
		return bb_fail(err, BB_DBERR, "Writing the database %s failed: there may be no "
			       "space left on its disk, or the disk has an error; free some space "
			       "or check the disk, and try again.", db->path);
	return BB_OK;
}

bb_code db_fail(bb_db *db, const char *what, bb_err *err)
{
	int code = db && db->sql ? sqlite3_errcode(db->sql) & 0xff : SQLITE_ERROR;
	int sys = db && db->sql ? sqlite3_system_errno(db->sql) : 0;

	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return bb_fail(err, BB_TEMP, "The database is busy while %s; try again in a moment.",
			       what);
	if (db && db->sql && fs_fail(db, code, sys, err) != BB_OK)
		return BB_DBERR;
	if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
		return bb_fail(err, BB_DBERR, "The file %s is not a bbconsole database or is "
			       "damaged; pass another --db PATH or restore it from your backup.",
			       db->path);
	return bb_fail(err, BB_DBERR, "Database error while %s: %s.", what,
		       db && db->sql ? sqlite3_errmsg(db->sql) : "no database");
}

bb_code db_prepare(bb_db *db, const char *sql, sqlite3_stmt **stmt, bb_err *err)
{
	if (sqlite3_prepare_v2(db->sql, sql, -1, stmt, NULL) != SQLITE_OK)
		return db_fail(db, "preparing a query", err);
	return BB_OK;
}

bb_code db_prepare_cached(bb_db *db, const char *sql, sqlite3_stmt **stmt, bb_err *err)
{
	for (int i = 0; i < db->ncache; i++)
		if (db->cache[i].sql == sql && !sqlite3_stmt_busy(db->cache[i].st)) {
			*stmt = db->cache[i].st;
			return BB_OK;
		}
	if (sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) !=
	    SQLITE_OK)
		return db_fail(db, "preparing a query", err);
	if (db->ncache < CACHE_MAX) /* else used once, as db_prepare's */
		db->cache[db->ncache++] = (cached){sql, *stmt};
	return BB_OK;
}

void db_release(bb_db *db, sqlite3_stmt *st)
{
	for (int i = 0; st && i < db->ncache; i++)
		if (db->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	sqlite3_finalize(st);
}

static void bind_texts(sqlite3_stmt *st, const char *const *params, int n)
{
	for (int i = 0; i < n; i++)
		sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
}

bb_code db_step_done(bb_db *db, sqlite3_stmt *st, long *changes, const char *what,
		     bb_err *err)
{
	bb_code rc = BB_OK;

	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(db, what, err);
	else if (changes)
		*changes = sqlite3_changes(db->sql);
	db_release(db, st);
	return rc;
}

bb_code db_exec_text(bb_db *db, const char *sql, const char *const *params, int n,
		     long *changes, const char *what, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, sql, &st, err);

	if (rc != BB_OK)
		return rc;
	bind_texts(st, params, n);
	return db_step_done(db, st, changes, what, err);
}

bb_code db_exec_cached(bb_db *db, const char *sql, const char *const *params, int n,
		       long *changes, const char *what, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc = db_cached_texts(db, sql, params, n, &st, err);

	return rc == BB_OK ? db_step_done(db, st, changes, what, err) : rc;
}

bb_code db_each_row(bb_db *db, sqlite3_stmt *st, db_row_fn fn, void *arg, const char *what,
		    bb_err *err)
{
	bb_code rc = BB_OK;
	int step;

	if (!st)
		return BB_OK;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = fn(st, arg, err)) != BB_OK)
			break;
	if (rc == BB_OK && step != SQLITE_DONE)
		rc = db_fail(db, what, err);
	db_release(db, st);
	return rc;
}

bb_code db_prepare_texts(bb_db *db, const char *sql, const char *const *params, int n,
			 sqlite3_stmt **stmt, bb_err *err)
{
	bb_code rc = db_prepare(db, sql, stmt, err);

	if (rc == BB_OK)
		bind_texts(*stmt, params, n);
	return rc;
}

bb_code db_cached_texts(bb_db *db, const char *sql, const char *const *params, int n,
			sqlite3_stmt **stmt, bb_err *err)
{
	bb_code rc = db_prepare_cached(db, sql, stmt, err);

	if (rc == BB_OK)
		bind_texts(*stmt, params, n);
	return rc;
}

bb_code db_query_rows(bb_db *db, const char *sql, const char *const *params, int n,
		      db_row_fn fn, void *arg, const char *what, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc = db_prepare_texts(db, sql, params, n, &st, err);

	return rc == BB_OK ? db_each_row(db, st, fn, arg, what, err) : rc;
}

bb_code db_first_row(bb_db *db, sqlite3_stmt *st, db_row_fn fn, void *arg, int *found,
		     const char *what, bb_err *err)
{
	bb_code rc = BB_OK;
	int step;

	*found = 0;
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		*found = 1;
		rc = fn(st, arg, err);
	} else if (step != SQLITE_DONE) {
		rc = db_fail(db, what, err);
	}
	db_release(db, st);
	return rc;
}

bb_code db_query_one(bb_db *db, const char *sql, const char *const *params, int n,
		     db_row_fn fn, void *arg, int *found, const char *what, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc = db_prepare_texts(db, sql, params, n, &st, err);

	*found = 0;
	return rc == BB_OK ? db_first_row(db, st, fn, arg, found, what, err) : rc;
}

bb_code db_row_text(sqlite3_stmt *st, void *list, bb_err *err)
{
	if (strlist_push(list, (const char *)sqlite3_column_text(st, 0)) != 0)
		return bb_oom(err);
	return BB_OK;
}

typedef struct into {
	void **v;
	size_t *n, cap, size;
	db_fill_fn fill;
	void *arg;
} into;

static bb_code into_row(sqlite3_stmt *st, void *arg, bb_err *err)
{
	into *t = arg;
	char *elem;

	if (db_grow(t->v, &t->cap, *t->n, t->size) != 0)
		return bb_oom(err);
	elem = (char *)*t->v + *t->n * t->size;
	memset(elem, 0, t->size);
	(*t->n)++;
	return t->fill(st, elem, t->arg, err);
}

bb_code db_rows_into(bb_db *db, sqlite3_stmt *st, size_t size, db_fill_fn fill, void *arg,
		     void **v, size_t *n, const char *what, bb_err *err)
{
	into t = {v, n, *n, size, fill, arg};

	return db_each_row(db, st, into_row, &t, what, err);
}

int db_grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t c;
	void *nv;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 16;
	if (!(nv = realloc(*v, c * size)))
		return -1;
	*v = nv;
	*cap = c;
	return 0;
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

bb_code db_data_version(bb_db *db, long *out, bb_err *err)
{
	return db_query_int(db, "PRAGMA data_version", NULL, 0, out, "read the change counter", err);
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

/* The integer a PRAGMA answers, or -1 when it cannot be read (not a
 * database). */
static long pragma_int(bb_db *db, const char *pragma)
{
	sqlite3_stmt *st;
	long v = -1;

	if (sqlite3_prepare_v2(db->sql, pragma, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static bb_code not_ours(bb_db *db, bb_err *err)
{
	return bb_fail(err, BB_DBERR, "The file %s is not a bbconsole database, so it is left as "
		       "it is; pass another --db PATH.", db->path);
}

/* Whether the file is a bbconsole database, read without writing: our
 * application_id, or (from before it) no id but our tables. *version gets
 * its user_version. */
static bb_code recognise(bb_db *db, long *version, bb_err *err)
{
	long app = pragma_int(db, "PRAGMA application_id");
	long tables;

	*version = pragma_int(db, "PRAGMA user_version");
	if (app < 0 || *version < 0)
		return db_fail(db, "reading the database", err);
	if (app == APPLICATION_ID)
		return BB_OK;
	tables = pragma_int(db, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND "
			    "name IN ('account', 'space', 'role', 'integration', 'stack', 'audit')");
	if (app == 0 && *version >= 1 && tables == 6)
		return BB_OK;
	return not_ours(db, err);
}

static bb_code newer(bb_db *db, long v, bb_err *err)
{
	return bb_fail(err, BB_DBERR, "The database %s was written by a newer bbconsole (schema "
		       "%ld, this one knows %d); upgrade bbconsole.", db->path, v, SCHEMA_VERSION);
}

/* Brings the schema to SCHEMA_VERSION under the write lock; another process
 * may have done it meanwhile, so the version is read again inside. */
static bb_code migrate(bb_db *db, bb_err *err)
{
	char pragma[64];
	long v;

	if (db_begin(db, err) != BB_OK)
		return err->code;
	v = pragma_int(db, "PRAGMA user_version");
	if (v > SCHEMA_VERSION) {
		db_rollback(db);
		return newer(db, v, err);
	}
	for (; v >= 0 && v < SCHEMA_VERSION; v++) {
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %ld", v + 1);
		if (exec(db, schema_migrations[v], "upgrading the database", err) != BB_OK ||
		    exec(db, pragma, "upgrading the database", err) != BB_OK) {
			db_rollback(db);
			return err->code;
		}
	}
	snprintf(pragma, sizeof pragma, "PRAGMA application_id = %d", APPLICATION_ID);
	if (v < 0 || exec(db, pragma, "upgrading the database", err) != BB_OK) {
		db_rollback(db);
		return v < 0 ? not_ours(db, err) : err->code;
	}
	return db_commit(db, err);
}

/* Settings of this connection only: nothing here writes to the file. */
static bb_code configure(bb_db *db, bb_err *err)
{
	sqlite3_busy_timeout(db->sql, BUSY_TIMEOUT_MS);
	if (exec(db, "PRAGMA foreign_keys = ON", "opening the database", err) != BB_OK)
		return err->code;
	if (exec(db, "PRAGMA synchronous = NORMAL", "opening the database", err) != BB_OK)
		return err->code;
	/* A small page cache: listings stream through a table once, every page
	 * the cache grows by costs a fresh page fault, and the OS page cache
	 * keeps re-reads cheap. */
	return exec(db, "PRAGMA cache_size = -512", "opening the database", err);
}

/* A new, empty file: the settings that stay with the file, then the schema. */
static bb_code create_schema(bb_db *db, bb_err *err)
{
	/* 16 KiB pages read a 100,000-stack listing in a quarter of the system
	 * calls; only a file without tables can still take them. */
	if (exec(db, "PRAGMA page_size = 16384", "creating the database", err) != BB_OK)
		return err->code;
	/* WAL lets the console read while a command writes. */
	if (exec(db, "PRAGMA journal_mode = WAL", "creating the database", err) != BB_OK)
		return err->code;
	return migrate(db, err);
}

/* Recognise, check the version, and only then write: a migration when the
 * schema is old, WAL for a writer of an old file still without it. A
 * database at the current version takes no lock at all here. */
static bb_code prepare_schema(bb_db *db, int is_new, bb_err *err)
{
	long v;
	char mode[16] = "";
	sqlite3_stmt *st;

	if (is_new)
		return create_schema(db, err);
	if (recognise(db, &v, err) != BB_OK)
		return err->code;
	if (v > SCHEMA_VERSION)
		return newer(db, v, err);
	/* a reader leaves an old file without the id alone; the next writer adds it */
	if (v < SCHEMA_VERSION ||
	    (!db->readonly && pragma_int(db, "PRAGMA application_id") != APPLICATION_ID)) {
		if (migrate(db, err) != BB_OK)
			return err->code;
	}
	if (db->readonly || sqlite3_prepare_v2(db->sql, "PRAGMA journal_mode", -1, &st, NULL))
		return BB_OK;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(mode, sizeof mode, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (strcmp(mode, "wal") != 0)
		return exec(db, "PRAGMA journal_mode = WAL", "opening the database", err);
	return BB_OK;
}

/* Checks the file by name, without following a link: whose it is and who
 * else may read it (a writer creates it when missing, owner-only). SQLite
 * then opens the same path with NOFOLLOW, which no one else can replace
 * since the directory is checked too; the inode is compared after. *is_new:
 * the file is empty. */
static bb_code check_file(bb_db *db, int *is_new, struct stat *st, bb_err *err)
{
	bb_code rc = safefile_check_dir_of(db->path, err);
	int fd;

	if (rc == BB_OK)
		rc = safefile_lstat(db->path, "database", st, err);
	if (rc == BB_NOTFOUND && db->create) {
		/* a new file: no connection of ours can hold a lock on it yet */
		fd = safefile_open(db->path, O_RDWR | O_CREAT | O_EXCL, "database", err);
		rc = fd < 0 ? err->code : fstat(fd, st) == 0 ? BB_OK
			: bb_fail(err, BB_DBERR, "Cannot examine the database %s (%s).", db->path,
				  strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (rc == BB_NOTFOUND)
		return bb_fail(err, BB_NOTFOUND, "There is no database at %s yet; run `bbconsole "
			       "init --account NAME --webhook-base URL` first.", db->path);
	if (rc != BB_OK)
		return rc;
	*is_new = st->st_size == 0;
	if (*is_new && !db->create)
		return bb_fail(err, BB_NOTFOUND, "The database %s is empty; run `bbconsole init "
			       "--account NAME --webhook-base URL` first.", db->path);
	return BB_OK;
}

static bb_code open_sqlite(bb_db *db, bb_err *err)
{
	struct stat checked, now;
	int is_new = 0, rc;
	mode_t old;

	if (check_file(db, &is_new, &checked, err) != BB_OK)
		return err->code;
	old = umask(077); /* the -wal and -shm files: owner only */
	rc = sqlite3_open_v2(db->path, &db->sql,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, NULL);
	umask(old);
	if (rc != SQLITE_OK) {
		if (db->sql && fs_fail(db, rc & 0xff, sqlite3_system_errno(db->sql), err) != BB_OK)
			return BB_DBERR;
		return bb_fail(err, BB_DBERR, "Cannot open the database %s (%s); check the path and "
			       "its permissions.", db->path,
			       db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
	}
	if (lstat(db->path, &now) != 0 || now.st_ino != checked.st_ino ||
	    now.st_dev != checked.st_dev)
		return bb_fail(err, BB_DBERR, "The database %s was replaced while it was opened; "
			       "check who else writes to its directory.", db->path);
	if (configure(db, err) != BB_OK)
		return err->code;
	return prepare_schema(db, is_new, err);
}

static char *key_path(const bb_db *db)
{
	size_t n = strlen(db->path) + 5;
	char *kp = malloc(n);

	if (kp)
		snprintf(kp, n, "%s.key", db->path);
	return kp;
}

/* 1 when the database holds something encrypted under a key file. */
static int has_encrypted(bb_db *db)
{
	long n = pragma_int(db, "SELECT (SELECT COUNT(*) FROM integration) + "
			    "(SELECT COUNT(*) FROM keycheck)");

	return n != 0; /* unreadable counts as yes: never make a key then */
}

/* Compares the key with the stored check value, or stores one. */
static bb_code check_key(bb_db *db, const char *kp, bb_err *err)
{
	sqlite3_stmt *st;
	unsigned char *blob = NULL;
	size_t len = 0;
	char *plain = NULL;
	bb_code rc = db_prepare(db, "SELECT value FROM keycheck WHERE id = 1", &st, err);

	if (rc != BB_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (secret_decrypt(db->key, sqlite3_column_blob(st, 0),
				   (size_t)sqlite3_column_bytes(st, 0), &plain, err) != BB_OK ||
		    strcmp(plain, key_check_text) != 0)
			rc = bb_fail(err, BB_DBERR, "The key file %s does not belong to this database "
				     "(it fails the stored check); restore the right one from your "
				     "backup.", kp);
		secret_free(plain);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	if (db->readonly)
		return BB_OK;
	rc = secret_encrypt(db->key, key_check_text, strlen(key_check_text), &blob, &len, err);
	if (rc == BB_OK && (rc = db_prepare(db, "INSERT OR IGNORE INTO keycheck (id, value) "
					    "VALUES (1, ?1)", &st, err)) == BB_OK) {
		sqlite3_bind_blob(st, 1, blob, (int)len, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(db, "saving the key check", err);
		sqlite3_finalize(st);
	}
	free(blob);
	return rc;
}

/* Reads the key file; makes one only while nothing is encrypted yet, since
 * a new key cannot read the secrets of the old one. */
static bb_code load_key(bb_db *db, bb_err *err)
{
	char *kp = key_path(db);
	bb_code rc;

	if (!kp)
		return bb_oom(err);
	rc = secret_read_key(kp, db->key, err);
	if (rc == BB_NOTFOUND && has_encrypted(db))
		rc = bb_fail(err, BB_DBERR, "The key file %s is missing: restore it from your backup "
			     "(the stored tokens and secrets cannot be read without it).", kp);
	else if (rc == BB_NOTFOUND)
		rc = secret_create_key(kp, db->key, err);
	if (rc == BB_OK)
		rc = check_key(db, kp, err);
	if (rc != BB_OK)
		secret_wipe(db->key, sizeof db->key);
	free(kp);
	return rc;
}

bb_code db_key_get(bb_db *db, const unsigned char **key, bb_err *err)
{
	bb_err local;

	if (!err)
		err = &local;
	*key = NULL;
	if (!db->key_ready) {
		if (load_key(db, err) != BB_OK)
			return err->code;
		db->key_ready = 1;
	}
	*key = db->key;
	return BB_OK;
}

static bb_code open_mode(const char *path, int readonly, int create, bb_db **out,
			 bb_err *err)
{
	bb_db *db = calloc(1, sizeof *db);
	bb_err local;

	if (!err)
		err = &local;
	bb_err_clear(err);
	*out = NULL;
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return bb_oom(err);
	}
	db->readonly = readonly;
	db->create = create;
	if ((create && make_parent_dirs(path, err) != BB_OK) || open_sqlite(db, err) != BB_OK) {
		bb_code rc = err->code == BB_OK ? BB_DBERR : err->code;
		db_close(db);
		return rc;
	}
	*out = db;
	return BB_OK;
}

bb_code db_open(const char *path, bb_db **out, bb_err *err)
{
	return open_mode(path, 0, 1, out, err);
}

bb_code db_open_existing(const char *path, bb_db **out, bb_err *err)
{
	return open_mode(path, 0, 0, out, err);
}

bb_code db_open_read(const char *path, bb_db **out, bb_err *err)
{
	return open_mode(path, 1, 0, out, err);
}

void db_close(bb_db *db)
{
	if (!db)
		return;
	for (int i = 0; i < db->ncache; i++)
		sqlite3_finalize(db->cache[i].st);
	sqlite3_close(db->sql);
	secret_wipe(db->key, sizeof db->key);
	free(db->path);
	free(db);
}

char *db_column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? strdup((const char *)t) : NULL;
}

sqlite3 *db_handle(bb_db *db)
{
	return db->sql;
}

int db_reachable(bb_db *db)
{
	return sqlite3_exec(db->sql, "SELECT 1 FROM account", NULL, NULL, NULL) == SQLITE_OK;
}

const char *db_path(bb_db *db)
{
	return db->path;
}

bb_code db_decrypt(bb_db *db, const void *blob, size_t len, char **plain, bb_err *err)
{
	const unsigned char *key;
	bb_code rc = db_key_get(db, &key, err);

	*plain = NULL;
	if (rc != BB_OK)
		return rc;
	return secret_decrypt(key, blob, len, plain, err);
}
