/* Unit tests for core/audit: recording, reading newest first, who may read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "space.h"
#include "testdb.h"

typedef struct seen {
	int n, stop_after;
	char actions[8][32];
	char last_user[32], last_at[40], last_details[64];
} seen;

static int collect(const bb_audit_entry *e, void *arg)
{
	seen *s = arg;

	if (s->n < 8)
		snprintf(s->actions[s->n], sizeof s->actions[0], "%s", e->action);
	snprintf(s->last_user, sizeof s->last_user, "%s", e->user);
	snprintf(s->last_at, sizeof s->last_at, "%s", e->at);
	snprintf(s->last_details, sizeof s->last_details, "%s", e->details);
	s->n++;
	return s->stop_after && s->n >= s->stop_after;
}

static void entries_come_newest_first_with_limit(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	seen s = {0};

	(void)state;
	testdb_init_account(ctx, NULL); /* entry 1: account.init */
	assert_int_equal(audit_record(ctx, "test.one", "x:1", "{\"a\":1}", NULL), BB_OK);
	assert_int_equal(audit_record(ctx, "test.two", "x:2", NULL, NULL), BB_OK);
	assert_int_equal(audit_each(ctx, 0, collect, &s, NULL), BB_OK);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.actions[0], "test.two");
	assert_string_equal(s.actions[1], "test.one");
	assert_string_equal(s.actions[2], "account.init");
	memset(&s, 0, sizeof s);
	assert_int_equal(audit_each(ctx, 2, collect, &s, NULL), BB_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.actions[1], "test.one");
	testdb_close(ctx);
}

static void callback_can_stop_the_walk(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	seen s = {.stop_after = 1};

	(void)state;
	testdb_init_account(ctx, NULL);
	assert_int_equal(audit_record(ctx, "test.one", "x:1", NULL, NULL), BB_OK);
	assert_int_equal(audit_each(ctx, 0, collect, &s, NULL), BB_OK);
	assert_int_equal(s.n, 1);
	testdb_close(ctx);
}

static void entry_has_user_time_and_default_details(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	seen s = {.stop_after = 1};

	(void)state;
	testdb_init_account(ctx, NULL);
	setenv("BBCONSOLE_NOW", "2026-01-02T03:04:05.006Z", 1);
	testdb_as(ctx, "bob"); /* recording needs no role: callers check first */
	assert_int_equal(audit_record(ctx, "test.one", "x:1", NULL, NULL), BB_OK);
	unsetenv("BBCONSOLE_NOW");
	testdb_as(ctx, "alice");
	assert_int_equal(audit_each(ctx, 0, collect, &s, NULL), BB_OK);
	assert_string_equal(s.last_user, "bob");
	assert_string_equal(s.last_at, "2026-01-02T03:04:05.006Z");
	assert_string_equal(s.last_details, "{}");
	testdb_close(ctx);
}

static void only_root_admins_read_the_log(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	seen s = {0};
	bb_err err;

	(void)state;
	testdb_init_account(ctx, NULL);
	assert_int_equal(space_create(ctx, "dev", NULL, 1, NULL), BB_OK);
	assert_int_equal(space_grant(ctx, "bob", "dev", BB_ROLE_ADMIN, NULL), BB_OK);
	assert_int_equal(space_grant(ctx, "carol", BB_ROOT_SPACE, BB_ROLE_WRITE, NULL), BB_OK);
	testdb_as(ctx, "bob");
	assert_int_equal(audit_each(ctx, 0, collect, &s, &err), BB_DENIED);
	assert_non_null(strstr(err.msg, "admin"));
	assert_non_null(strstr(err.msg, "root"));
	assert_int_equal(s.n, 0);
	testdb_as(ctx, "carol");
	assert_int_equal(audit_each(ctx, 0, collect, &s, NULL), BB_DENIED);
	assert_int_equal(space_grant(ctx, "dave", BB_ROOT_SPACE, BB_ROLE_ADMIN, NULL), BB_DENIED);
	testdb_as(ctx, "alice");
	assert_int_equal(space_grant(ctx, "dave", BB_ROOT_SPACE, BB_ROLE_ADMIN, NULL), BB_OK);
	testdb_as(ctx, "dave");
	assert_int_equal(audit_each(ctx, 0, collect, &s, NULL), BB_OK);
	assert_true(s.n >= 5);
	testdb_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entries_come_newest_first_with_limit),
		cmocka_unit_test(callback_can_stop_the_walk),
		cmocka_unit_test(entry_has_user_time_and_default_details),
		cmocka_unit_test(only_root_admins_read_the_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
