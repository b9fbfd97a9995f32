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
	bb_db *db;

	(void)state;
	snprintf(sub, sizeof sub, "%s/a", testdb_dir(ctx));
	snprintf(path, sizeof path, "%s/b/console.db", sub);
	snprintf(key, sizeof key, "%s.key", path);
	assert_int_equal(db_open(path, &db, NULL), BB_OK);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migration_sets_user_version),
		cmocka_unit_test(wal_and_foreign_keys_are_on),
		cmocka_unit_test(reopening_keeps_data_and_version),
		cmocka_unit_test(files_and_created_dirs_are_owner_only),
		cmocka_unit_test(non_database_file_is_refused),
		cmocka_unit_test(second_writer_waits_for_the_first),
		cmocka_unit_test(newer_schema_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
