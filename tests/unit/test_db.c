/* Unit tests for core/db: creation, permissions, pragmas, migration, locking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "testdb.h"

static long pragma_int(bb_db *db, const char *sql)
{
	sqlite3_stmt *st;
	long v = -1;

	assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void migration_sets_user_version(void **state)
{
	bb_ctx *ctx = testdb_open("alice");

	(void)state;
	assert_true(db_schema_version() >= 1);
	assert_int_equal(pragma_int(ctx->db, "PRAGMA user_version"), db_schema_version());
	testdb_close(ctx);
}

static void wal_and_foreign_keys_are_on(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	sqlite3_stmt *st;

	(void)state;
	assert_int_equal(sqlite3_prepare_v2(db_handle(ctx->db), "PRAGMA journal_mode", -1, &st,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	assert_int_equal(pragma_int(ctx->db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(pragma_int(ctx->db, "PRAGMA page_size"), 16384); /* a new database */
	/* and they bite: a role in a space that does not exist is refused */
	assert_int_not_equal(sqlite3_exec(db_handle(ctx->db), "INSERT INTO role VALUES "
					  "('bob', 'nowhere', 1)", NULL, NULL, NULL), SQLITE_OK);
	testdb_close(ctx);
}

static void reopening_keeps_data_and_version(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	char path[PATH_MAX];
	bb_db *again;

	(void)state;
	testdb_init_account(ctx, NULL);
	snprintf(path, sizeof path, "%s", db_path(ctx->db));
	assert_int_equal(db_open(path, &again, NULL), BB_OK);
	assert_int_equal(pragma_int(again, "SELECT COUNT(*) FROM account"), 1);
	assert_int_equal(pragma_int(again, "PRAGMA user_version"), db_schema_version());
	db_close(again);
	testdb_close(ctx);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 0777;
}

static void files_and_created_dirs_are_owner_only(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	char sub[PATH_MAX], path[PATH_MAX + 32], key[PATH_MAX + 40];
	mode_t old = umask(022); /* a permissive umask must not leak into our files */
	const unsigned char *k;
	bb_db *db;

	(void)state;
	snprintf(sub, sizeof sub, "%s/a", testdb_dir(ctx));
	snprintf(path, sizeof path, "%s/b/console.db", sub);
	snprintf(key, sizeof key, "%s.key", path);
	assert_int_equal(db_open(path, &db, NULL), BB_OK);
	assert_int_equal(db_key_get(db, &k, NULL), BB_OK); /* the key file is made on first use */
	umask(old);
	assert_int_equal(mode_of(sub), 0700);
	snprintf(sub + strlen(sub), sizeof sub - strlen(sub), "/b");
	assert_int_equal(mode_of(sub), 0700);
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(mode_of(key), 0600);
	db_close(db);
	unlink(key);
	unlink(path);
	snprintf(key, sizeof key, "%s-wal", path);
	unlink(key);
	snprintf(key, sizeof key, "%s-shm", path);
	unlink(key);
	rmdir(sub);
	sub[strlen(sub) - 2] = '\0';
	rmdir(sub);
	testdb_close(ctx);
}

static void non_database_file_is_refused(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	char path[PATH_MAX + 32];
	bb_db *db = NULL;
	bb_err err;
	FILE *f;

	(void)state;
	snprintf(path, sizeof path, "%s/notes.txt", testdb_dir(ctx));
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("this is a text file, not a database\n", f);
	fclose(f);
	chmod(path, 0600); /* else refused for its mode, before anyone looks inside */
	assert_int_equal(db_open(path, &db, &err), BB_DBERR);
	assert_null(db);
	assert_non_null(strstr(err.msg, "--db"));
	unlink(path);
	snprintf(path + strlen(path), 8, ".key");
	unlink(path);
	testdb_close(ctx);
}

typedef struct writer {
	bb_db *db;
	volatile int started, done;
	bb_code rc;
} writer;

static void *second_writer(void *arg)
{
	writer *w = arg;

	__atomic_store_n(&w->started, 1, __ATOMIC_SEQ_CST);
	w->rc = db_begin(w->db, NULL);
	if (w->rc == BB_OK)
		w->rc = db_commit(w->db, NULL);
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Polls flag until it is set or the deadline passes; returns the flag. */
static int wait_for(volatile int *flag, double seconds)
{
	double end = now_s() + seconds;
	const struct timespec tick = {0, 1000000};

	while (!__atomic_load_n(flag, __ATOMIC_SEQ_CST) && now_s() < end)
		nanosleep(&tick, NULL);
	return __atomic_load_n(flag, __ATOMIC_SEQ_CST);
}

static void second_writer_waits_for_the_first(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	writer w = {0};
	pthread_t t;

	(void)state;
	assert_int_equal(db_open(db_path(ctx->db), &w.db, NULL), BB_OK);
	assert_int_equal(db_begin(ctx->db, NULL), BB_OK);
	assert_int_equal(pthread_create(&t, NULL, second_writer, &w), 0);
	assert_true(wait_for(&w.started, 10));
	/* while the first holds the write lock the second must not give up */
	assert_false(wait_for(&w.done, 0.3));
	assert_int_equal(sqlite3_exec(db_handle(ctx->db), "INSERT INTO draft VALUES "
				      "('alice', '{}', 'now')", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_commit(ctx->db, NULL), BB_OK);
	assert_true(wait_for(&w.done, 10));
	pthread_join(t, NULL);
	assert_int_equal(w.rc, BB_OK);
	db_close(w.db);
	testdb_close(ctx);
}

static void newer_schema_is_refused(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	char path[PATH_MAX], sql[64];
	bb_db *db = NULL;
	bb_err err;

	(void)state;
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", db_schema_version() + 1);
	assert_int_equal(sqlite3_exec(db_handle(ctx->db), sql, NULL, NULL, NULL), SQLITE_OK);
	snprintf(path, sizeof path, "%s", db_path(ctx->db));
	assert_int_equal(db_open(path, &db, &err), BB_DBERR);
	assert_non_null(strstr(err.msg, "newer"));
	testdb_close(ctx);
}


/* ---- files another user could have planted (issue: trust nothing planted) */

#define OTHER_UID 65534 /* nobody */

static void file_path(const bb_ctx *ctx, const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", testdb_dir(ctx), name);
}

static void write_bytes(const char *path, const char *bytes, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, n), (ssize_t)n);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

/* db_open on path fails with 73 and a sentence containing word. */
static void refused(const char *path, const char *word)
{
	bb_db *db = NULL;
	bb_err err;

	assert_int_equal(db_open(path, &db, &err), BB_DBERR);
	assert_null(db);
	if (!strstr(err.msg, word))
		fail_msg("wanted \"%s\" in: %s", word, err.msg);
}

static void planted_database_is_refused(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	char path[PATH_MAX + 32];

	(void)state;
	/* world-writable, as another user leaves it for us to fill */
	file_path(ctx, "planted.db", path, sizeof path);
	write_bytes(path, "", 0, 0666);
	refused(path, "chmod 600");
	/* owner-only, but someone else's */
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(chown(path, OTHER_UID, OTHER_UID), 0);
	refused(path, "another user");
	unlink(path);
	testdb_close(ctx);
}

static void dangling_link_is_not_followed(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	char link[PATH_MAX + 32], target[PATH_MAX + 32];
	struct stat st;

	(void)state;
	file_path(ctx, "elsewhere.db", target, sizeof target);
	file_path(ctx, "link.db", link, sizeof link);
	assert_int_equal(symlink(target, link), 0);
	refused(link, "symbolic link");
	assert_int_not_equal(lstat(target, &st), 0); /* nothing made where it pointed */
	unlink(link);
	testdb_close(ctx);
}

static void shared_directory_is_refused(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	char dir[PATH_MAX + 32], path[PATH_MAX + 64];
	struct stat st;

	(void)state;
	file_path(ctx, "shared", dir, sizeof dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 01777), 0); /* like /tmp */
	snprintf(path, sizeof path, "%s/console.db", dir);
	refused(path, "chmod go-w");
	assert_int_not_equal(stat(path, &st), 0);
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(chown(dir, OTHER_UID, OTHER_UID), 0);
	refused(path, "belongs to another user");
	assert_int_not_equal(stat(path, &st), 0);
	rmdir(dir);
	testdb_close(ctx);
}

static void planted_key_file_is_refused(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	char key[PATH_MAX + 32];
	const unsigned char *k = NULL;
	bb_err err;

	(void)state;
	/* known bytes, readable by all: whoever wrote them can decrypt */
	file_path(ctx, "console.db.key", key, sizeof key);
	write_bytes(key, "0123456789abcdef0123456789abcdef", 32, 0644);
	assert_int_equal(db_key_get(ctx->db, &k, &err), BB_DBERR);
	assert_null(k);
	assert_non_null(strstr(err.msg, "key file"));
	assert_non_null(strstr(err.msg, "other users"));
	assert_int_equal(chmod(key, 0600), 0);
	assert_int_equal(chown(key, OTHER_UID, OTHER_UID), 0);
	assert_int_equal(db_key_get(ctx->db, &k, &err), BB_DBERR);
	assert_non_null(strstr(err.msg, "another user"));
	testdb_close(ctx);
}

/* ---- the key file and its check value ------------------------------------ */

static void missing_key_file_is_not_replaced(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	char key[PATH_MAX + 32];
	const unsigned char *k;
	struct stat st;
	bb_db *again;
	bb_err err;

	(void)state;
	assert_int_equal(db_key_get(ctx->db, &k, &err), BB_OK); /* stores the check value */
	file_path(ctx, "console.db.key", key, sizeof key);
	assert_int_equal(unlink(key), 0);
	assert_int_equal(db_open(db_path(ctx->db), &again, &err), BB_OK);
	assert_int_equal(db_key_get(again, &k, &err), BB_DBERR);
	assert_non_null(strstr(err.msg, "is missing: restore it from your backup"));
	assert_int_not_equal(stat(key, &st), 0); /* no new key made */
	db_close(again);
	testdb_close(ctx);
}

static void wrong_key_file_is_named(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	char key[PATH_MAX + 32];
	const unsigned char *k;
	bb_db *again;
	bb_err err;

	(void)state;
	assert_int_equal(db_key_get(ctx->db, &k, &err), BB_OK);
	file_path(ctx, "console.db.key", key, sizeof key);
	write_bytes(key, "another database's key, 32 bytes", 32, 0600);
	assert_int_equal(db_open(db_path(ctx->db), &again, &err), BB_OK);
	assert_int_equal(db_key_get(again, &k, &err), BB_DBERR);
	assert_non_null(strstr(err.msg, "does not belong to this database"));
	db_close(again);
	testdb_close(ctx);
}

/* ---- files that are not ours, or newer ----------------------------------- */

static long raw_int(const char *path, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long v = -1;

	assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static void foreign_database_is_left_alone(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	char path[PATH_MAX + 32], other[PATH_MAX + 48];
	struct stat st;
	sqlite3 *h;
	bb_db *db = NULL;
	bb_err err;

	(void)state;
	file_path(ctx, "notes.sqlite", path, sizeof path);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE TABLE note (body TEXT); INSERT INTO note "
				      "VALUES ('keep me')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(db_open_read(path, &db, &err), BB_DBERR);
	assert_non_null(strstr(err.msg, "not a bbconsole database"));
	assert_int_equal(db_open(path, &db, &err), BB_DBERR);
	assert_non_null(strstr(err.msg, "not a bbconsole database"));
	assert_null(db);
	assert_int_equal(raw_int(path, "SELECT COUNT(*) FROM sqlite_schema"), 1);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 0);
	assert_int_equal(raw_int(path, "PRAGMA application_id"), 0);
	snprintf(other, sizeof other, "%s-wal", path);
	assert_int_not_equal(stat(other, &st), 0); /* never switched to WAL */
	snprintf(other, sizeof other, "%s.key", path);
	assert_int_not_equal(stat(other, &st), 0);
	unlink(path);
	testdb_close(ctx);
}

static void our_database_carries_the_application_id(void **state)
{
	bb_ctx *ctx = testdb_open("alice");

	(void)state;
	assert_int_equal(pragma_int(ctx->db, "PRAGMA application_id"), 0x6262636f);
	testdb_close(ctx);
}

static void newer_schema_is_refused_before_any_write(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	char sql[64];
	bb_db *db = NULL;
	bb_err err;
	sqlite3 *h;
	sqlite3_stmt *st;

	(void)state;
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", db_schema_version() + 1);
	assert_int_equal(sqlite3_exec(db_handle(ctx->db), sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db_handle(ctx->db), "PRAGMA journal_mode = DELETE", NULL,
				      NULL, NULL), SQLITE_OK);
	assert_int_equal(db_open(db_path(ctx->db), &db, &err), BB_DBERR);
	assert_non_null(strstr(err.msg, "newer"));
	/* still in rollback-journal mode: the version was read before any write */
	assert_int_equal(sqlite3_open_v2(db_path(ctx->db), &h, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "delete");
	sqlite3_finalize(st);
	sqlite3_close(h);
	testdb_close(ctx);
}

/* ---- locking --------------------------------------------------------------- */

static void readers_do_not_wait_for_a_writer(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	bb_db *reader = NULL;
	bb_err err;
	long n = -1;

	(void)state;
	testdb_init_account(ctx, NULL);
	assert_int_equal(db_begin(ctx->db, NULL), BB_OK); /* a long import holds the lock */
	assert_int_equal(sqlite3_exec(db_handle(ctx->db), "INSERT INTO draft VALUES "
				      "('alice', '{}', 'now')", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_open(db_path(ctx->db), &reader, &err), BB_OK);
	assert_int_equal(db_query_int(reader, "SELECT COUNT(*) FROM account", NULL, 0, &n,
				      "counting", &err), BB_OK);
	assert_int_equal(n, 1);
	db_close(reader);
	assert_int_equal(db_open_read(db_path(ctx->db), &reader, &err), BB_OK);
	db_close(reader);
	db_rollback(ctx->db);
	testdb_close(ctx);
}

static void reader_makes_nothing(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	char path[PATH_MAX + 32];
	struct stat st;
	bb_db *db = NULL;
	bb_err err;

	(void)state;
	file_path(ctx, "none/console.db", path, sizeof path);
	assert_int_equal(db_open_read(path, &db, &err), BB_NOTFOUND);
	assert_non_null(strstr(err.msg, "bbconsole init"));
	file_path(ctx, "none", path, sizeof path);
	assert_int_not_equal(stat(path, &st), 0);
	testdb_close(ctx);
}

/* The value of ?1 read back through a kept statement, or -1 for NULL. */
static long echo_cached(bb_db *db, const char *sql, sqlite3_stmt **out, int bind, long v)
{
	sqlite3_stmt *st;
	long got;

	assert_int_equal(db_prepare_cached(db, sql, &st, NULL), BB_OK);
	if (bind)
		sqlite3_bind_int64(st, 1, v);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	got = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 0);
	*out = st;
	db_release(db, st);
	return got;
}

/* A kept statement is prepared once, comes back reset with its bindings
 * cleared, is never handed out twice while in use, and survives a change of
 * the schema; past the cache's room statements are used once and finalized
 * (LeakSanitizer would see them otherwise). */
static void kept_statements_are_reused_and_reset(void **state)
{
	static const char echo[] = "SELECT ?1";
	static const char count[] = "SELECT count(*) FROM sqlite_schema";
	static const char many[20][24] = {"SELECT 0", "SELECT 1", "SELECT 2", "SELECT 3",
		"SELECT 4", "SELECT 5", "SELECT 6", "SELECT 7", "SELECT 8", "SELECT 9",
		"SELECT 10", "SELECT 11", "SELECT 12", "SELECT 13", "SELECT 14", "SELECT 15",
		"SELECT 16", "SELECT 17", "SELECT 18", "SELECT 19"};
	bb_ctx *ctx = testdb_open("alice");
	sqlite3_stmt *first, *again, *busy, *other;
	long n;

	(void)state;
	assert_int_equal(echo_cached(ctx->db, echo, &first, 1, 42), 42);
	assert_int_equal(echo_cached(ctx->db, echo, &again, 0, 0), -1); /* bindings cleared */
	assert_ptr_equal(first, again);
	assert_false(sqlite3_stmt_busy(first));

	assert_int_equal(db_prepare_cached(ctx->db, count, &busy, NULL), BB_OK);
	assert_int_equal(sqlite3_step(busy), SQLITE_ROW);
	n = sqlite3_column_int64(busy, 0);
	assert_int_equal(db_prepare_cached(ctx->db, count, &other, NULL), BB_OK);
	assert_ptr_not_equal(busy, other); /* in use: a statement of its own */
	db_release(ctx->db, other);
	db_release(ctx->db, busy);

	assert_int_equal(sqlite3_exec(db_handle(ctx->db), "CREATE TABLE extra (x)", NULL, NULL,
				      NULL), SQLITE_OK);
	assert_int_equal(db_prepare_cached(ctx->db, count, &other, NULL), BB_OK);
	assert_ptr_equal(other, busy);
	assert_int_equal(sqlite3_step(other), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(other, 0), n + 1);
	db_release(ctx->db, other);

	for (int i = 0; i < 20; i++)
		assert_int_equal(echo_cached(ctx->db, many[i], &other, 0, 0), i);
	testdb_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migration_sets_user_version),
		cmocka_unit_test(kept_statements_are_reused_and_reset),
		cmocka_unit_test(wal_and_foreign_keys_are_on),
		cmocka_unit_test(reopening_keeps_data_and_version),
		cmocka_unit_test(files_and_created_dirs_are_owner_only),
		cmocka_unit_test(non_database_file_is_refused),
		cmocka_unit_test(second_writer_waits_for_the_first),
		cmocka_unit_test(newer_schema_is_refused),
		cmocka_unit_test(planted_database_is_refused),
		cmocka_unit_test(dangling_link_is_not_followed),
		cmocka_unit_test(shared_directory_is_refused),
		cmocka_unit_test(planted_key_file_is_refused),
		cmocka_unit_test(missing_key_file_is_not_replaced),
		cmocka_unit_test(wrong_key_file_is_named),
		cmocka_unit_test(foreign_database_is_left_alone),
		cmocka_unit_test(our_database_carries_the_application_id),
		cmocka_unit_test(newer_schema_is_refused_before_any_write),
		cmocka_unit_test(readers_do_not_wait_for_a_writer),
		cmocka_unit_test(reader_makes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
