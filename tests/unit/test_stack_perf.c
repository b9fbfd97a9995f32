/* Unit tests for what makes stacks fast at scale: migration 3 (stack rebuilt
 * WITHOUT ROWID, its indexes and count triggers made again) and the listing
 * that skips the visibility check only when every space is visible. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "integration.h"
#include "schema.h"
#include "space.h"
#include "stack.h"
#include "testdb.h"

#define ADMIN "alice"

static void ok(bb_code rc, const bb_err *err)
{
	if (rc != BB_OK)
		fail_msg("expected ok, got %s: %s", bb_code_name(rc), err->msg);
}

static void exec(sqlite3 *sql, const char *text)
{
	char *msg = NULL;

	if (sqlite3_exec(sql, text, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", text, msg ? msg : "?");
}

static long number(sqlite3 *sql, const char *text)
{
	sqlite3_stmt *st;
	long n = -1;

	assert_int_equal(sqlite3_prepare_v2(sql, text, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* A database left at schema 2 by an older bbconsole: two integrations, three
 * stacks (one detached), counts as its triggers kept them. */
static void write_schema_2(const char *path)
{
	sqlite3 *sql;

	assert_int_equal(sqlite3_open(path, &sql), SQLITE_OK);
	exec(sql, "PRAGMA foreign_keys = ON");
	exec(sql, schema_migrations[0]);
	exec(sql, schema_migrations[1]);
	exec(sql, "INSERT INTO space VALUES ('root', NULL, 1, 't', 'alice');"
	     "INSERT INTO space VALUES ('dev', 'root', 1, 't', 'alice');"
	     "INSERT INTO integration (slug, name, type, space, email, token_enc,"
	     " token_updated_at, secret_enc, created_at, created_by, updated_at, updated_by)"
	     " VALUES ('a', 'A', 'default', 'root', 'e', x'00', 't', x'00', 't', 'u', 't', 'u'),"
	     " ('b', 'B', 'space', 'dev', 'e', x'00', 't', x'00', 't', 'u', 't', 'u');"
	     "INSERT INTO stack (kind, name, space, integration, repository, created_at)"
	     " VALUES ('stack', 'web', 'dev', 'a', 'acme/web', 't1'),"
	     " ('module', 'net', 'root', 'b', 'acme/net', 't2');"
	     "INSERT INTO stack (kind, name, space, repository, detached_from, created_at)"
	     " VALUES ('stack', 'old', 'root', 'acme/old', 'Gone', 't3');"
	     "PRAGMA user_version = 2;");
	sqlite3_close(sql);
}

static void upgrade_from_schema_2_keeps_stacks_and_counts(void **state)
{
	bb_ctx *scratch = testdb_open(ADMIN);
	char path[4200];
	bb_db *db = NULL;
	sqlite3 *sql;
	bb_err err;

	(void)state;
	snprintf(path, sizeof path, "%s/old.db", testdb_dir(scratch));
	write_schema_2(path);
	ok(db_open(path, &db, &err), &err);
	sql = db_handle(db);
	assert_int_equal(number(sql, "PRAGMA user_version"), db_schema_version());
	/* every row and field carried over */
	assert_int_equal(number(sql, "SELECT COUNT(*) FROM stack WHERE "
				"(kind = 'stack' AND name = 'web' AND space = 'dev' AND integration = 'a'"
				" AND repository = 'acme/web' AND branch = 'main' AND created_at = 't1')"
				" OR (kind = 'module' AND name = 'net' AND integration = 'b')"
				" OR (name = 'old' AND integration IS NULL AND detached_from = 'Gone')"), 3);
	/* keyed by (kind, name) with no rowid */
	assert_int_not_equal(sqlite3_exec(sql, "SELECT rowid FROM stack", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_equal(number(sql, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index'"
				" AND tbl_name = 'stack' AND name IN ('stack_integration',"
				" 'stack_detached', 'stack_space')"), 3);
	/* counts unchanged by the rebuild, and kept by the triggers made again */
	assert_int_equal(number(sql, "SELECT stacks FROM integration WHERE slug = 'a'"), 1);
	assert_int_equal(number(sql, "SELECT stacks FROM integration WHERE slug = 'b'"), 1);
	exec(sql, "INSERT INTO stack (kind, name, space, integration, repository, created_at)"
	     " VALUES ('stack', 'api', 'root', 'a', 'acme/api', 't4')");
	exec(sql, "UPDATE stack SET integration = 'a' WHERE name = 'net'");
	assert_int_equal(number(sql, "SELECT stacks FROM integration WHERE slug = 'a'"), 3);
	assert_int_equal(number(sql, "SELECT stacks FROM integration WHERE slug = 'b'"), 0);
	exec(sql, "DELETE FROM stack WHERE name = 'web'");
	assert_int_equal(number(sql, "SELECT stacks FROM integration WHERE slug = 'a'"), 2);
	/* foreign keys still bite on the new table */
	assert_int_not_equal(sqlite3_exec(sql, "INSERT INTO stack (kind, name, space, repository,"
					  " created_at) VALUES ('stack', 'x', 'nowhere', 'a/b', 't')",
					  NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(number(sql, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);
	db_close(db);
	testdb_close(scratch);
}

static int count_row(const bb_stack *s, void *arg)
{
	(void)s;
	(*(long *)arg)++;
	return 0;
}

static long listed(bb_ctx *ctx)
{
	bb_err err;
	long rows = 0, n = -1;

	ok(stack_each(ctx, NULL, count_row, &rows, &err), &err);
	ok(stack_count(ctx, NULL, &n, &err), &err);
	assert_int_equal(rows, n);
	return n;
}

/* Reading every space lists everything; missing one space hides its stacks. */
static void all_spaces_visible_is_the_only_shortcut(void **state)
{
	bb_ctx *ctx = testdb_open(ADMIN);
	bb_integration_input in = {.name = "Main", .is_default = 1, .email = "ops@acme.example",
				   .token = "ATATT3-token-1"};
	bb_stack s = {.name = "a", .space = "root", .integration = "Main",
		      .repository = "acme/infra"};
	bb_err err;

	(void)state;
	testdb_init_account(ctx, NULL);
	ok(space_create(ctx, "dev", NULL, 1, &err), &err);
	ok(space_create(ctx, "lab", NULL, 1, &err), &err);
	ok(integration_create(ctx, &in, NULL, &err), &err);
	ok(stack_create(ctx, &s, &err), &err);
	s.name = "b", s.space = "dev";
	ok(stack_create(ctx, &s, &err), &err);
	s.name = "c", s.space = "lab";
	ok(stack_create(ctx, &s, &err), &err);
	assert_int_equal(listed(ctx), 3);
	ok(user_grant(ctx, "bob", "dev", BB_ROLE_READ, &err), &err);
	ok(user_grant(ctx, "bob", "lab", BB_ROLE_READ, &err), &err);
	testdb_as(ctx, "bob");
	assert_int_equal(listed(ctx), 2); /* every space but root */
	testdb_as(ctx, ADMIN);
	ok(user_grant(ctx, "bob", "root", BB_ROLE_READ, &err), &err);
	testdb_as(ctx, "bob");
	assert_int_equal(listed(ctx), 3);
	testdb_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(upgrade_from_schema_2_keeps_stacks_and_counts),
		cmocka_unit_test(all_spaces_visible_is_the_only_shortcut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
