/* Unit tests for core/account: first-time setup, the account id, plans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "audit.h"
#include "space.h"
#include "testdb.h"

#define WEBHOOKS "https://webhooks.acme.example"
#define CROCKFORD "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The 48-bit time of a ULID: its first 10 digits. */
static uint64_t ulid_ms(const char *id)
{
	uint64_t v = 0;

	for (int i = 0; i < 10; i++)
		v = v * 32 + (uint64_t)(strchr(CROCKFORD, id[i]) - CROCKFORD);
	return v;
}

static void ulid_has_the_right_shape(void **state)
{
	char a[BB_ULID_LEN + 1], b[BB_ULID_LEN + 1];
	uint64_t before = now_ms(), after;

	(void)state;
	assert_int_equal(account_new_ulid(a, NULL), BB_OK);
	assert_int_equal(account_new_ulid(b, NULL), BB_OK);
	after = now_ms();
	assert_int_equal(strlen(a), 26);
	assert_int_equal(strspn(a, CROCKFORD), 26);
	assert_true(a[0] <= '7'); /* 128 bits in 130: the top digit is at most 7 */
	assert_true(ulid_ms(a) >= before && ulid_ms(a) <= after);
	assert_string_not_equal(a + 10, b + 10); /* 80 random bits */
}

static void init_creates_account_root_and_admin(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	bb_account acc;
	bb_space root;
	bb_role r;

	(void)state;
	assert_int_equal(account_init(ctx, "  Acme  ", NULL, WEBHOOKS "/", NULL), BB_OK);
	assert_int_equal(account_get(ctx, &acc, NULL), BB_OK);
	assert_string_equal(acc.name, "Acme");
	assert_string_equal(acc.plan, "free");
	assert_string_equal(acc.webhook_base, WEBHOOKS); /* trailing '/' dropped */
	assert_string_equal(acc.created_by, "alice");
	assert_int_equal(strlen(acc.id), 26);
	account_free(&acc);
	assert_int_equal(space_get(ctx, BB_ROOT_SPACE, &root, NULL), BB_OK);
	assert_null(root.parent);
	assert_int_equal(root.inherit, 1);
	space_free(&root);
	assert_int_equal(space_role_of(ctx, "alice", BB_ROOT_SPACE, &r, NULL), BB_OK);
	assert_int_equal(r, BB_ROLE_ADMIN);
	testdb_close(ctx);
}

static void account_id_is_stable(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	bb_account a, b;
	bb_err err;

	(void)state;
	testdb_init_account(ctx, "business");
	assert_int_equal(account_get(ctx, &a, NULL), BB_OK);
	assert_int_equal(account_init(ctx, "Other", NULL, WEBHOOKS, &err), BB_INVALID);
	assert_non_null(strstr(err.msg, "already set up"));
	assert_int_equal(account_get(ctx, &b, NULL), BB_OK);
	assert_string_equal(a.id, b.id);
	assert_string_equal(b.name, "Acme");
	assert_string_equal(b.plan, "business");
	account_free(&a);
	account_free(&b);
	testdb_close(ctx);
}

static void get_without_account_says_how_to_set_up(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	bb_account acc;
	bb_err err;

	(void)state;
	assert_int_equal(account_get(ctx, &acc, &err), BB_NOTFOUND);
	assert_non_null(strstr(err.msg, "bbconsole init --account NAME --webhook-base URL"));
	testdb_close(ctx);
}

static void init_refuses_bad_fields(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	bb_account acc;
	bb_err err;

	(void)state;
	assert_int_equal(account_init(ctx, "Acme", "gold", WEBHOOKS, &err), BB_INVALID);
	assert_non_null(strstr(err.msg, "plan"));
	assert_int_equal(account_init(ctx, "Acme", NULL, "http://webhooks.acme.example", NULL),
			 BB_INVALID);
	assert_int_equal(account_init(ctx, "", NULL, WEBHOOKS, NULL), BB_INVALID);
	assert_int_equal(account_init(ctx, "Ac\x1bme", NULL, WEBHOOKS, NULL), BB_INVALID);
	testdb_as(ctx, "");
	assert_int_equal(account_init(ctx, "Acme", NULL, WEBHOOKS, NULL), BB_INVALID);
	assert_int_equal(account_get(ctx, &acc, NULL), BB_NOTFOUND);
	testdb_close(ctx);
}

static void init_is_one_transaction(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	bb_space root;
	bb_account acc;

	(void)state;
	/* make the last step (the audit entry) fail: nothing may remain */
	assert_int_equal(sqlite3_exec(db_handle(ctx->db), "CREATE TRIGGER no_audit BEFORE "
				      "INSERT ON audit BEGIN SELECT RAISE(ABORT, 'no'); END",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(account_init(ctx, "Acme", NULL, WEBHOOKS, NULL), BB_OK);
	assert_int_equal(account_get(ctx, &acc, NULL), BB_NOTFOUND);
	assert_int_equal(space_get(ctx, BB_ROOT_SPACE, &root, NULL), BB_NOTFOUND);
	assert_true(sqlite3_get_autocommit(db_handle(ctx->db))); /* no transaction left open */
	testdb_close(ctx);
}

static int find_action(const bb_audit_entry *e, void *arg)
{
	char **found = arg;

	if (strcmp(e->action, "account.init") == 0) {
		*found = strdup(e->details);
		return 1;
	}
	return 0;
}

static void init_is_audited(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	char *details = NULL;

	(void)state;
	testdb_init_account(ctx, "cloud");
	assert_int_equal(audit_each(ctx, 0, find_action, &details, NULL), BB_OK);
	assert_non_null(details);
	assert_non_null(strstr(details, "\"plan\":\"cloud\""));
	free(details);
	testdb_close(ctx);
}

static void plans(void **state)
{
	(void)state;
	assert_true(account_plan_valid("free"));
	assert_true(account_plan_valid("cloud"));
	assert_true(account_plan_valid("business"));
	assert_true(account_plan_valid("enterprise"));
	assert_false(account_plan_valid("Free"));
	assert_false(account_plan_valid(NULL));
	assert_false(account_plan_allows_aggregated("free"));
	assert_false(account_plan_allows_aggregated("cloud"));
	assert_true(account_plan_allows_aggregated("business"));
	assert_true(account_plan_allows_aggregated("enterprise"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ulid_has_the_right_shape),
		cmocka_unit_test(init_creates_account_root_and_admin),
		cmocka_unit_test(account_id_is_stable),
		cmocka_unit_test(get_without_account_says_how_to_set_up),
		cmocka_unit_test(init_refuses_bad_fields),
		cmocka_unit_test(init_is_one_transaction),
		cmocka_unit_test(init_is_audited),
		cmocka_unit_test(plans),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
