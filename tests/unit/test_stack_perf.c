/* Unit tests for what makes stacks fast at scale: migration 3 (stack rebuilt
 * WITHOUT ROWID, its indexes and count triggers made again), the listing
 * that skips the visibility check only when every space is visible, and the
 * in-memory search index that must select what core's filter selects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
		fail_msg("expected ok, got %s: %s", testdb_code_name(rc), err->msg);
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
	assert_int_equal(chmod(path, 0600), 0); /* sqlite3_open follows the umask */
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
	ok(space_grant(ctx, "bob", "dev", BB_ROLE_READ, &err), &err);
	ok(space_grant(ctx, "bob", "lab", BB_ROLE_READ, &err), &err);
	testdb_as(ctx, "bob");
	assert_int_equal(listed(ctx), 2); /* every space but root */
	testdb_as(ctx, ADMIN);
	ok(space_grant(ctx, "bob", "root", BB_ROLE_READ, &err), &err);
	testdb_as(ctx, "bob");
	assert_int_equal(listed(ctx), 3);
	testdb_close(ctx);
}

/* "kind:name," of each stack, appended to a buffer. */
typedef struct names {
	char text[2048];
} names;

static int add_name(const bb_stack *s, void *arg)
{
	names *v = arg;
	size_t len = strlen(v->text);

	snprintf(v->text + len, sizeof v->text - len, "%s:%s,", s->kind, s->name);
	return 0;
}

/* The index selects exactly what core's LIKE filter selects, in its order. */
static void index_filters_like_core(void **state)
{
	static const char *const texts[] = {"", "a", "A", "web", "WEB-", "%", "_", "\\", "o_d",
					    "ops bb", "acme/", "dev", "lab", "zzz", "é", "É",
					    "main", "old bb", "b%c"};
	bb_ctx *ctx = testdb_open(ADMIN);
	bb_integration_input in = {.name = "Ops BB", .is_default = 1, .email = "ops@acme.example",
				   .token = "ATATT3-token-1"};
	const char *stacks[][3] = {{"Web-Front", "root", "acme/web"}, {"web_api", "dev", "acme/api"},
				   {"b%c", "dev", "acme/pct"}, {"back\\slash", "lab", "acme/x"},
				   {"Café", "root", "acme/cafe"}, {"o-d", "lab", "other/od"}};
	bb_stack_index *ix = NULL;
	bb_err err;
	long detached = 0;

	(void)state;
	testdb_init_account(ctx, NULL);
	ok(space_create(ctx, "dev", NULL, 1, &err), &err);
	ok(space_create(ctx, "lab", NULL, 1, &err), &err);
	ok(integration_create(ctx, &in, NULL, &err), &err);
	in.name = "Old BB", in.is_default = 0, in.space = "root";
	ok(integration_create(ctx, &in, NULL, &err), &err);
	for (size_t i = 0; i < sizeof stacks / sizeof stacks[0]; i++) {
		bb_stack s = {.kind = i % 2 ? "module" : "stack", .name = stacks[i][0],
			      .space = stacks[i][1], .repository = stacks[i][2],
			      .integration = i < 3 ? "ops-bb" : "old-bb"};
		ok(stack_create(ctx, &s, &err), &err);
	}
	ok(integration_delete(ctx, "Old BB", &detached, &err), &err);
	assert_int_equal(detached, 3);
	ok(stack_index_build(ctx, NULL, &ix, &err), &err);
	for (int only = 0; only < 2; only++)
		for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
			bb_stack_filter f = {.detached_only = only, .text = texts[i]};
			names core = {{0}}, mem = {{0}};
			long n = -1, got = stack_index_select(ix, texts[i], only);

			ok(stack_count(ctx, &f, &n, &err), &err);
			ok(stack_each(ctx, &f, add_name, &core, &err), &err);
			ok(stack_index_each(ctx, ix, 0, 0, add_name, &mem, &err), &err);
			if (got != n || strcmp(core.text, mem.text) != 0)
				fail_msg("\"%s\" (detached only %d): core %ld [%s], index %ld [%s]",
					 texts[i], only, n, core.text, got, mem.text);
		}
	/* a window of the selection */
	{
		names mem = {{0}};

		assert_int_equal(stack_index_select(ix, "acme", 0), 5);
		ok(stack_index_each(ctx, ix, 1, 2, add_name, &mem, &err), &err);
		assert_string_equal(mem.text, "module:web_api,stack:Café,");
	}
	stack_index_free(ix);
	/* only visible stacks are indexed */
	ok(space_grant(ctx, "bob", "lab", BB_ROLE_READ, &err), &err);
	testdb_as(ctx, "bob");
	ok(stack_index_build(ctx, NULL, &ix, &err), &err);
	assert_int_equal(stack_index_select(ix, NULL, 0), 2);
	stack_index_free(ix);
	testdb_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(upgrade_from_schema_2_keeps_stacks_and_counts),
		cmocka_unit_test(all_spaces_visible_is_the_only_shortcut),
		cmocka_unit_test(index_filters_like_core),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
