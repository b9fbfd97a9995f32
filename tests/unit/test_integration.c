/* Unit tests for core/integration: the rules of SPEC section 1 for integrations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "audit.h"
#include "integration.h"
#include "space.h"
#include "stack.h"
#include "testdb.h"

#define TOKEN "ATATT3xFfGF0-test-token-0123456789abcdef"
#define ADMIN "alice"

/* ---- helpers ------------------------------------------------------------------ */

static bb_ctx *setup_plan(const char *plan)
{
	bb_ctx *ctx = testdb_open(ADMIN);

	testdb_init_account(ctx, plan);
	return ctx;
}

static void ok(bb_code rc, const bb_err *err)
{
	if (rc != BB_OK)
		fail_msg("expected ok, got %s: %s", testdb_code_name(rc), err->msg);
}

static bb_integration_input input(const char *name, const char *space)
{
	bb_integration_input in = {
		.name = name,
		.is_default = space == NULL,
		.space = space,
		.email = "ops@acme.example",
		.token = TOKEN,
	};
	return in;
}

static bb_code create(bb_ctx *ctx, const char *name, const char *space, bb_err *err)
{
	bb_integration_input in = input(name, space);

	return integration_create(ctx, &in, NULL, err);
}

static void must_create(bb_ctx *ctx, const char *name, const char *space)
{
	bb_err err;

	ok(create(ctx, name, space, &err), &err);
}

static void must_space(bb_ctx *ctx, const char *name, const char *parent, int inherit)
{
	bb_err err;

	ok(space_create(ctx, name, parent, inherit, &err), &err);
}

static void must_grant(bb_ctx *ctx, const char *login, const char *space, bb_role role)
{
	bb_err err;

	ok(space_grant(ctx, login, space, role, &err), &err);
}

static void must_stack(bb_ctx *ctx, const char *name, const char *space, const char *integ)
{
	bb_stack s = {.name = name, .space = space, .integration = integ,
		      .repository = "acme/infra"};
	bb_err err;

	ok(stack_create(ctx, &s, &err), &err);
}

/* The newest audit entry, read straight from the table. */
static void last_audit(bb_ctx *ctx, char *action, char *target, char *details, size_t size)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db_handle(ctx->db), "SELECT action, target, details "
					    "FROM audit ORDER BY id DESC LIMIT 1", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(action, size, "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(target, size, "%s", (const char *)sqlite3_column_text(st, 1));
	snprintf(details, size, "%s", (const char *)sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
}

static long count_rows(bb_ctx *ctx, const char *sql)
{
	sqlite3_stmt *st;
	long n;

	assert_int_equal(sqlite3_prepare_v2(db_handle(ctx->db), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

/* ---- creating -------------------------------------------------------------------- */

static void create_fills_every_field(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_strlist labels = {0}, ws = {0};
	bb_integration_input in = input("  Prod BB  ", NULL);
	bb_integration it;
	bb_account acc;
	char want[256];
	bb_err err;

	(void)state;
	strlist_push(&labels, "team-a");
	strlist_push(&labels, " team-a ");
	strlist_push(&labels, "prod");
	strlist_push(&ws, "acme");
	strlist_push(&ws, "ACME");
	in.labels = &labels;
	in.workspaces = &ws;
	in.description = "Line one\n\tLine two";
	ok(integration_create(ctx, &in, &it, &err), &err);
	ok(account_get(ctx, &acc, &err), &err);
	snprintf(want, sizeof want, "https://webhooks.acme.example/bitbucket-cloud/%s/integration/"
		 "prod-bb", acc.id);
	assert_string_equal(it.name, "Prod BB");
	assert_string_equal(it.slug, "prod-bb");
	assert_string_equal(it.type, "default");
	assert_string_equal(it.space, "root");
	assert_string_equal(it.email, "ops@acme.example");
	assert_string_equal(it.webhook_endpoint, want);
	assert_null(it.webhook_secret);
	assert_int_equal(it.labels.n, 2);
	assert_string_equal(it.labels.v[1], "prod");
	assert_int_equal(it.workspaces.n, 1);
	assert_string_equal(it.description, "Line one\n\tLine two");
	assert_string_equal(it.vcs_checks, "individual");
	assert_int_equal(it.token_set, 1);
	assert_non_null(it.token_updated_at);
	assert_string_equal(it.created_by, ADMIN);
	assert_int_equal(it.version, 1);
	assert_int_equal(it.details_visible, 1);
	integration_free(&it);
	account_free(&acc);
	strlist_free(&labels);
	strlist_free(&ws);
	testdb_close(ctx);
}

static void create_is_audited_without_the_token(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	char action[512], target[512], details[512];

	(void)state;
	must_create(ctx, "Prod BB", NULL);
	last_audit(ctx, action, target, details, sizeof details);
	assert_string_equal(action, "integration.create");
	assert_string_equal(target, "integration:prod-bb");
	assert_contains(details, "\"token\":\"set\"");
	assert_null(strstr(details, TOKEN));
	testdb_close(ctx);
}

static void invalid_fields_are_refused(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_strlist bad_ws = {0}, bad_labels = {0};
	bb_integration_input in;
	bb_err err;

	(void)state;
	assert_int_equal(create(ctx, "   ", NULL, &err), BB_INVALID);
	assert_int_equal(create(ctx, "---", NULL, &err), BB_INVALID);
	in = input("A", NULL);
	in.email = "not-an-address";
	assert_int_equal(integration_create(ctx, &in, NULL, &err), BB_INVALID);
	assert_contains(err.msg, "email");
	in = input("A", NULL);
	in.token = "ATBBabcdefghijklmnopqrstuvwx";
	assert_int_equal(integration_create(ctx, &in, NULL, &err), BB_INVALID);
	assert_contains(err.msg, "app password");
	assert_null(strstr(err.msg, "ATBB"));
	in = input("A", NULL);
	in.description = "bell\a";
	assert_int_equal(integration_create(ctx, &in, NULL, &err), BB_INVALID);
	in = input("A", NULL);
	strlist_push(&bad_labels, "a,b");
	in.labels = &bad_labels;
	assert_int_equal(integration_create(ctx, &in, NULL, &err), BB_INVALID);
	in = input("A", NULL);
	strlist_push(&bad_ws, "has space");
	in.workspaces = &bad_ws;
	assert_int_equal(integration_create(ctx, &in, NULL, &err), BB_INVALID);
	assert_contains(err.msg, "workspace");
	in = input("A", NULL);
	in.vcs_checks = "sometimes";
	assert_int_equal(integration_create(ctx, &in, NULL, &err), BB_INVALID);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM integration"), 0);
	strlist_free(&bad_ws);
	strlist_free(&bad_labels);
	testdb_close(ctx);
}

static void slug_conflict_names_the_holder(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	char holder[128];
	bb_err err;

	(void)state;
	must_space(ctx, "dev", NULL, 1);
	must_create(ctx, "Prod BB", NULL);
	assert_int_equal(create(ctx, "prod-bb", "dev", &err), BB_INVALID);
	assert_string_equal(err.msg, "The name \"prod-bb\" gives the slug prod-bb, already used by "
			    "the integration \"Prod BB\"; choose another name.");
	assert_int_equal(integration_slug_taken(ctx, "PROD  bb!", holder, sizeof holder), 1);
	assert_string_equal(holder, "Prod BB");
	assert_int_equal(integration_slug_taken(ctx, "Staging", holder, sizeof holder), 0);
	testdb_close(ctx);
}

static void second_default_is_refused(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	int allowed = 1;
	bb_err err;

	(void)state;
	ok(integration_default_allowed(ctx, &allowed, &err), &err);
	assert_int_equal(allowed, 1);
	must_create(ctx, "Main", NULL);
	assert_int_equal(create(ctx, "Other", NULL, &err), BB_INVALID);
	assert_contains(err.msg, "\"Main\"");
	assert_int_equal(integration_default_allowed(ctx, &allowed, &err), BB_OK);
	assert_int_equal(allowed, 0);
	assert_contains(err.msg, "\"Main\"");
	testdb_close(ctx);
}

static void default_needs_admin_of_root(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	int allowed = 1;
	bb_err err;

	(void)state;
	must_space(ctx, "dev", NULL, 1);
	must_grant(ctx, "bob", "dev", BB_ROLE_ADMIN);
	must_grant(ctx, "bob", "root", BB_ROLE_WRITE);
	testdb_as(ctx, "bob");
	assert_int_equal(create(ctx, "Main", NULL, &err), BB_DENIED);
	assert_contains(err.msg, "admin role in space root");
	assert_int_equal(integration_default_allowed(ctx, &allowed, &err), BB_OK);
	assert_int_equal(allowed, 0);
	assert_contains(err.msg, "admin");
	must_create(ctx, "Dev BB", "dev");
	testdb_close(ctx);
}

static void space_integration_needs_space_and_its_admin(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_err err;

	(void)state;
	must_space(ctx, "dev", NULL, 1);
	must_space(ctx, "ops", NULL, 1);
	assert_int_equal(create(ctx, "X", "nowhere", &err), BB_NOTFOUND);
	must_grant(ctx, "bob", "dev", BB_ROLE_WRITE);
	must_grant(ctx, "bob", "ops", BB_ROLE_ADMIN);
	testdb_as(ctx, "bob");
	assert_int_equal(create(ctx, "X", "dev", &err), BB_DENIED);
	assert_contains(err.msg, "admin role in space dev");
	must_create(ctx, "X", "ops");
	testdb_as(ctx, "mallory");
	assert_int_equal(create(ctx, "Y", "ops", &err), BB_DENIED);
	testdb_close(ctx);
}

static void aggregated_checks_need_a_business_plan(void **state)
{
	bb_ctx *ctx = setup_plan("free");
	bb_integration_input in = input("Main", NULL);
	bb_integration_update up = {.vcs_checks = "all"};
	bb_err err;

	(void)state;
	in.vcs_checks = "aggregated";
	assert_int_equal(integration_create(ctx, &in, NULL, &err), BB_INVALID);
	assert_contains(err.msg, "business");
	assert_contains(err.msg, "free");
	in.vcs_checks = "individual";
	ok(integration_create(ctx, &in, NULL, &err), &err);
	assert_int_equal(integration_update(ctx, "Main", &up, &err), BB_INVALID);
	testdb_close(ctx);

	ctx = setup_plan("business");
	in.vcs_checks = "aggregated";
	ok(integration_create(ctx, &in, NULL, &err), &err);
	ok(integration_update(ctx, "Main", &up, &err), &err);
	testdb_close(ctx);
}

/* ---- secrets ---------------------------------------------------------------------- */

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (!f)
		return NULL;
	do {
		unsigned char *grown = realloc(buf, cap + 65536);

		assert_non_null(grown);
		buf = grown;
		cap += 65536;
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	return buf;
}

static void assert_file_lacks(bb_ctx *ctx, const char *file, const char *a, const char *b)
{
	char path[4096];
	size_t len;
	unsigned char *data;

	snprintf(path, sizeof path, "%s/%s", testdb_dir(ctx), file);
	data = slurp(path, &len);
	if (!data)
		return; /* no -wal after a checkpoint: nothing to leak */
	assert_null(memmem(data, len, a, strlen(a)));
	assert_null(memmem(data, len, b, strlen(b)));
	assert_null(memmem(data, len, b, 16)); /* not even a prefix of the secret */
	free(data);
}

static void token_and_secret_never_stored_in_plain_text(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_integration it;
	bb_integration_update up = {.token = "ATATT3xFfGF0-second-token-value-xyz"};
	char secret[65];
	bb_err err;

	(void)state;
	must_create(ctx, "Prod BB", NULL);
	ok(integration_get(ctx, "Prod BB", 1, &it, &err), &err);
	snprintf(secret, sizeof secret, "%s", it.webhook_secret);
	integration_free(&it);
	ok(integration_update(ctx, "prod-bb", &up, &err), &err);
	/* the database file and its write-ahead log, raw, while open */
	assert_file_lacks(ctx, "console.db", TOKEN, secret);
	assert_file_lacks(ctx, "console.db-wal", TOKEN, secret);
	assert_file_lacks(ctx, "console.db-wal", up.token, secret);
	assert_file_lacks(ctx, "console.db", up.token, secret);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM audit WHERE details LIKE "
				    "'%ATATT3%'"), 0);
	testdb_close(ctx);
}

static void recreated_name_keeps_endpoint_gets_new_secret(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_integration a, b;
	bb_err err;

	(void)state;
	must_create(ctx, "Prod BB", NULL);
	ok(integration_get(ctx, "Prod BB", 1, &a, &err), &err);
	ok(integration_delete(ctx, "Prod BB", NULL, &err), &err);
	must_create(ctx, "Prod BB", NULL);
	ok(integration_get(ctx, "prod-bb", 1, &b, &err), &err);
	assert_string_equal(a.webhook_endpoint, b.webhook_endpoint);
	assert_memory_equal(a.webhook_endpoint, b.webhook_endpoint, strlen(a.webhook_endpoint));
	assert_int_equal(strlen(a.webhook_secret), 64);
	assert_int_equal(strspn(b.webhook_secret, "0123456789abcdef"), 64);
	assert_string_not_equal(a.webhook_secret, b.webhook_secret);
	integration_free(&a);
	integration_free(&b);
	testdb_close(ctx);
}

static void reveal_is_audited(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	char action[512], target[512], details[512];
	bb_integration it;
	long before = count_rows(ctx, "SELECT COUNT(*) FROM audit");
	bb_err err;

	(void)state;
	must_create(ctx, "Prod BB", NULL);
	ok(integration_get(ctx, "Prod BB", 0, &it, &err), &err);
	assert_null(it.webhook_secret);
	integration_free(&it);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM audit"), before + 1);
	ok(integration_get(ctx, "Prod BB", 1, &it, &err), &err);
	assert_non_null(it.webhook_secret);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM audit"), before + 2);
	last_audit(ctx, action, target, details, sizeof details);
	assert_string_equal(action, "integration.reveal_secret");
	assert_string_equal(target, "integration:prod-bb");
	assert_null(strstr(details, it.webhook_secret));
	integration_free(&it);
	testdb_close(ctx);
}

static void reader_sees_no_details_and_cannot_reveal(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_integration it, *v;
	char *email = NULL, *token = NULL;
	size_t n;
	bb_err err;

	(void)state;
	must_create(ctx, "Prod BB", NULL);
	must_grant(ctx, "bob", "root", BB_ROLE_READ);
	testdb_as(ctx, "bob");
	ok(integration_get(ctx, "Prod BB", 0, &it, &err), &err);
	assert_int_equal(it.details_visible, 0);
	assert_null(it.email);
	assert_null(it.webhook_endpoint);
	assert_null(it.token_updated_at);
	assert_int_equal(it.token_set, 1);
	integration_free(&it);
	assert_int_equal(integration_get(ctx, "Prod BB", 1, &it, &err), BB_DENIED);
	assert_contains(err.msg, "admin role in space root");
	ok(integration_list(ctx, &v, &n, &err), &err);
	assert_int_equal(n, 1);
	assert_null(v[0].email);
	assert_int_equal(v[0].details_visible, 0);
	integration_list_free(v, n);
	assert_int_equal(integration_credentials(ctx, "Prod BB", &email, &token, &err), BB_DENIED);
	assert_null(token);
	testdb_close(ctx);
}

static void credentials_decrypt_for_admins(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	char *email, *token;
	bb_err err;

	(void)state;
	must_create(ctx, "Prod BB", NULL);
	ok(integration_credentials(ctx, "prod-bb", &email, &token, &err), &err);
	assert_string_equal(email, "ops@acme.example");
	assert_string_equal(token, TOKEN);
	free(email);
	secret_free(token);
	testdb_close(ctx);
}

/* ---- listing and visibility --------------------------------------------------------- */

static int has(const bb_integration *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return 1;
	return 0;
}

static void list_shows_what_the_user_may_list(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_integration *v, it;
	size_t n;
	bb_err err;

	(void)state;
	must_space(ctx, "dev", NULL, 1);
	must_space(ctx, "ops", NULL, 1);
	must_create(ctx, "zeta", NULL);
	must_create(ctx, "Alpha", "dev");
	must_create(ctx, "beta", "ops");
	must_stack(ctx, "s1", "dev", "alpha");
	must_stack(ctx, "s2", "dev", "zeta");
	must_stack(ctx, "s3", "ops", "zeta");
	ok(integration_list(ctx, &v, &n, &err), &err);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].name, "Alpha");
	assert_string_equal(v[1].name, "beta");
	assert_string_equal(v[2].name, "zeta");
	assert_int_equal(v[0].stacks, 1);
	assert_int_equal(v[1].stacks, 0);
	assert_int_equal(v[2].stacks, 2);
	assert_int_equal(v[0].details_visible, 1);
	integration_list_free(v, n);

	must_grant(ctx, "bob", "dev", BB_ROLE_READ);
	must_grant(ctx, "carol", "ops", BB_ROLE_ADMIN);
	testdb_as(ctx, "bob");
	ok(integration_list(ctx, &v, &n, &err), &err);
	assert_int_equal(n, 2);
	assert_true(has(v, n, "Alpha") && has(v, n, "zeta"));
	assert_int_equal(v[0].details_visible, 0);
	integration_list_free(v, n);
	assert_int_equal(integration_get(ctx, "beta", 0, &it, &err), BB_DENIED);
	assert_contains(err.msg, "read role in space ops");

	testdb_as(ctx, "carol");
	ok(integration_list(ctx, &v, &n, &err), &err);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "beta");
	assert_int_equal(v[0].details_visible, 1);
	assert_non_null(v[0].email);
	assert_int_equal(v[1].details_visible, 0); /* zeta: the default, details for root admins */
	integration_list_free(v, n);

	testdb_as(ctx, "stranger");
	assert_int_equal(integration_list(ctx, &v, &n, &err), BB_DENIED);
	testdb_close(ctx);
}

static void get_finds_by_name_or_slug(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_integration it;
	bb_err err;

	(void)state;
	must_create(ctx, "Prod BB", NULL);
	ok(integration_get(ctx, "prod-bb", 0, &it, &err), &err);
	integration_free(&it);
	ok(integration_get(ctx, "Prod BB", 0, &it, &err), &err);
	integration_free(&it);
	assert_int_equal(integration_get(ctx, "Nope", 0, &it, &err), BB_NOTFOUND);
	assert_contains(err.msg, "\"Nope\"");
	testdb_close(ctx);
}

static void endpoint_preview_works_before_creation(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_integration it;
	char *preview;
	bb_err err;

	(void)state;
	ok(integration_endpoint_for(ctx, " My Prod/BB ", &preview, &err), &err);
	assert_contains(preview, "/integration/my-prod-bb");
	assert_int_equal(strncmp(preview, "https://webhooks.acme.example/bitbucket-cloud/", 46), 0);
	must_create(ctx, " My Prod/BB ", NULL);
	ok(integration_get(ctx, "my-prod-bb", 0, &it, &err), &err);
	assert_string_equal(preview, it.webhook_endpoint);
	free(preview);
	integration_free(&it);
	assert_int_equal(integration_endpoint_for(ctx, "???", &preview, &err), BB_INVALID);
	testdb_close(ctx);
}

/* ---- updating ----------------------------------------------------------------------- */

static void update_changes_editable_fields_and_audits(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_strlist labels = {0};
	bb_integration_update up = {.email = "new@acme.example", .token = "ATATT3-newtoken-abc",
				    .has_labels = 1, .labels = &labels};
	char action[1024], target[1024], details[1024];
	bb_integration it;
	char *email, *token;
	bb_err err;

	(void)state;
	strlist_push(&labels, "x");
	must_create(ctx, "Prod BB", NULL);
	testdb_as(ctx, ADMIN);
	ok(integration_update(ctx, "Prod BB", &up, &err), &err);
	ok(integration_get(ctx, "prod-bb", 0, &it, &err), &err);
	assert_string_equal(it.email, "new@acme.example");
	assert_int_equal(it.labels.n, 1);
	assert_int_equal(it.version, 2);
	assert_string_equal(it.updated_by, ADMIN);
	assert_string_equal(it.name, "Prod BB");
	integration_free(&it);
	ok(integration_credentials(ctx, "prod-bb", &email, &token, &err), &err);
	assert_string_equal(token, "ATATT3-newtoken-abc");
	free(email);
	secret_free(token);
	last_audit(ctx, action, target, details, sizeof details);
	assert_string_equal(action, "integration.update");
	assert_contains(details, "\"email\":\"new@acme.example\"");
	assert_contains(details, "\"token\":\"changed\"");
	assert_contains(details, "\"labels\"");
	assert_null(strstr(details, "newtoken"));
	assert_null(strstr(details, "description"));
	strlist_free(&labels);
	testdb_close(ctx);
}

static void update_refuses_invalid_values(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_integration_update bad_email = {.email = "nope"};
	bb_integration_update bad_token = {.token = "has space"};
	bb_integration it;
	bb_err err;

	(void)state;
	must_create(ctx, "Prod BB", NULL);
	assert_int_equal(integration_update(ctx, "Prod BB", &bad_email, &err), BB_INVALID);
	assert_int_equal(integration_update(ctx, "Prod BB", &bad_token, &err), BB_INVALID);
	ok(integration_get(ctx, "Prod BB", 0, &it, &err), &err);
	assert_int_equal(it.version, 1);
	integration_free(&it);
	testdb_close(ctx);
}

static void token_change_stamps_its_time_and_no_change_writes_nothing(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_strlist same = {0};
	bb_integration_update token = {.token = "ATATT3-another-token"};
	bb_integration_update nothing = {.email = " ops@acme.example ", .has_labels = 1,
					 .labels = &same, .vcs_checks = "individual"};
	long entries;
	bb_integration it;
	bb_err err;

	(void)state;
	setenv("BBCONSOLE_NOW", "2030-01-01T00:00:00.000Z", 1);
	must_create(ctx, "Prod BB", NULL);
	entries = count_rows(ctx, "SELECT COUNT(*) FROM audit");
	ok(integration_update(ctx, "Prod BB", &nothing, &err), &err);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM audit"), entries);
	setenv("BBCONSOLE_NOW", "2030-01-02T00:00:00.000Z", 1);
	ok(integration_update(ctx, "Prod BB", &token, &err), &err);
	unsetenv("BBCONSOLE_NOW");
	ok(integration_get(ctx, "Prod BB", 0, &it, &err), &err);
	assert_string_equal(it.token_updated_at, "2030-01-02T00:00:00.000Z");
	assert_string_equal(it.created_at, "2030-01-01T00:00:00.000Z");
	assert_int_equal(it.version, 2);
	integration_free(&it);
	testdb_close(ctx);
}

static void stale_update_is_refused(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_integration_update up = {.description = "first"};
	bb_integration it;
	char opened_at[64];
	long opened;
	bb_err err;

	(void)state;
	/* fixed clocks: the two writes must get different times */
	setenv("BBCONSOLE_NOW", "2030-01-01T00:00:00.000Z", 1);
	must_create(ctx, "Prod BB", NULL);
	ok(integration_get(ctx, "Prod BB", 0, &it, &err), &err);
	opened = it.version;
	snprintf(opened_at, sizeof opened_at, "%s", it.updated_at);
	integration_free(&it);
	up.expect_version = opened;
	setenv("BBCONSOLE_NOW", "2030-01-01T00:00:01.000Z", 1);
	ok(integration_update(ctx, "Prod BB", &up, &err), &err);
	up.description = "second";
	assert_int_equal(integration_update(ctx, "Prod BB", &up, &err), BB_TEMP);
	assert_string_equal(err.msg, "The integration \"Prod BB\" was changed by someone else since "
			    "you opened it; reload and try again.");
	up.expect_version = 0;
	up.expect_updated_at = opened_at;
	assert_int_equal(integration_update(ctx, "Prod BB", &up, &err), BB_TEMP);
	/* even when nothing would change, a stale form is refused */
	up.description = "first";
	assert_int_equal(integration_update(ctx, "Prod BB", &up, &err), BB_TEMP);
	unsetenv("BBCONSOLE_NOW");
	ok(integration_get(ctx, "Prod BB", 0, &it, &err), &err);
	assert_string_equal(it.description, "first");
	assert_int_equal(it.version, 2);
	integration_free(&it);
	testdb_close(ctx);
}

static void space_moves_need_admin_of_both_and_keep_stacks_usable(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_integration_update to_ops = {.space = "ops"}, to_dev = {.space = "dev"};
	bb_integration it;
	bb_err err;

	(void)state;
	must_space(ctx, "dev", NULL, 1);
	must_space(ctx, "ops", NULL, 1);
	must_space(ctx, "sub", "dev", 1);
	must_create(ctx, "Main", NULL);
	must_create(ctx, "Dev BB", "dev");
	assert_int_equal(integration_update(ctx, "Main", &to_ops, &err), BB_INVALID);
	assert_contains(err.msg, "root");
	must_grant(ctx, "bob", "dev", BB_ROLE_ADMIN);
	must_grant(ctx, "bob", "ops", BB_ROLE_WRITE);
	testdb_as(ctx, "bob");
	assert_int_equal(integration_update(ctx, "Dev BB", &to_ops, &err), BB_DENIED);
	assert_contains(err.msg, "space ops");
	must_stack(ctx, "web", "sub", "dev-bb");
	testdb_as(ctx, ADMIN);
	assert_int_equal(integration_update(ctx, "Dev BB", &to_ops, &err), BB_INVALID);
	assert_contains(err.msg, "sub");
	ok(stack_set_integration(ctx, NULL, "web", "Main", &err), &err);
	ok(integration_update(ctx, "Dev BB", &to_ops, &err), &err);
	ok(integration_get(ctx, "Dev BB", 0, &it, &err), &err);
	assert_string_equal(it.space, "ops");
	integration_free(&it);
	testdb_as(ctx, "bob"); /* admin of dev, not of ops where it lives now */
	assert_int_equal(integration_update(ctx, "Dev BB", &to_dev, &err), BB_DENIED);
	testdb_close(ctx);
}

static void rotate_gives_new_secret_and_audits(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	char action[512], target[512], details[512], fresh[65];
	bb_integration a, b;
	bb_err err;

	(void)state;
	must_create(ctx, "Prod BB", NULL);
	ok(integration_get(ctx, "Prod BB", 1, &a, &err), &err);
	ok(integration_rotate_secret(ctx, "Prod BB", fresh, &err), &err);
	last_audit(ctx, action, target, details, sizeof details);
	assert_string_equal(action, "integration.rotate_secret");
	assert_null(strstr(details, fresh));
	ok(integration_get(ctx, "Prod BB", 1, &b, &err), &err);
	assert_string_equal(b.webhook_secret, fresh);
	assert_string_not_equal(a.webhook_secret, fresh);
	assert_int_equal(b.version, a.version + 1);
	integration_free(&a);
	integration_free(&b);
	must_grant(ctx, "bob", "root", BB_ROLE_WRITE);
	testdb_as(ctx, "bob");
	assert_int_equal(integration_rotate_secret(ctx, "Prod BB", fresh, &err), BB_DENIED);
	testdb_close(ctx);
}

/* ---- deleting ------------------------------------------------------------------------ */

static void delete_detaches_stacks_and_keeps_the_name(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_stack_filter detached = {.detached_from = "Prod BB"};
	char action[512], target[512], details[512];
	bb_integration it;
	long n = -1, count;
	bb_err err;

	(void)state;
	must_space(ctx, "dev", NULL, 1);
	must_create(ctx, "Prod BB", NULL);
	must_create(ctx, "Other", "dev");
	must_stack(ctx, "a", "root", "prod-bb");
	must_stack(ctx, "b", "dev", "Prod BB");
	must_stack(ctx, "c", "dev", "other");
	assert_int_equal(sqlite3_exec(db_handle(ctx->db), "INSERT INTO repo_cache VALUES "
				      "('prod-bb', 'acme/x', 'acme', 'x', 'x', 1, 'main', NULL, "
				      "'now')", NULL, NULL, NULL), SQLITE_OK);
	ok(integration_delete(ctx, "Prod BB", &n, &err), &err);
	assert_int_equal(n, 2);
	ok(stack_count(ctx, &detached, &count, &err), &err);
	assert_int_equal(count, 2);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack WHERE integration IS NULL "
				    "AND detached_from = 'Prod BB'"), 2);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack"), 3);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM repo_cache"), 0);
	assert_int_equal(integration_get(ctx, "Prod BB", 0, &it, &err), BB_NOTFOUND);
	last_audit(ctx, action, target, details, sizeof details);
	assert_string_equal(action, "integration.delete");
	assert_contains(details, "\"detached\":2");
	testdb_close(ctx);
}

static void delete_needs_admin(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	long n = -1;
	bb_err err;

	(void)state;
	must_create(ctx, "Prod BB", NULL);
	must_grant(ctx, "bob", "root", BB_ROLE_WRITE);
	testdb_as(ctx, "bob");
	assert_int_equal(integration_delete(ctx, "Prod BB", &n, &err), BB_DENIED);
	assert_int_equal(n, 0);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM integration"), 1);
	testdb_close(ctx);
}

static void verification_is_recorded_without_a_version_bump(void **state)
{
	bb_ctx *ctx = setup_plan(NULL);
	bb_integration it;
	bb_err err;

	(void)state;
	must_create(ctx, "Prod BB", NULL);
	ok(integration_get(ctx, "Prod BB", 0, &it, &err), &err);
	assert_int_equal(it.verify_known, 0);
	integration_free(&it);
	ok(integration_record_verify(ctx, "Prod BB", 1, "Reaches 2 workspaces.", &err), &err);
	ok(integration_get(ctx, "Prod BB", 0, &it, &err), &err);
	assert_int_equal(it.verify_known, 1);
	assert_int_equal(it.verify_ok, 1);
	assert_string_equal(it.verify_message, "Reaches 2 workspaces.");
	assert_non_null(it.verified_at);
	assert_int_equal(it.version, 1);
	integration_free(&it);
	testdb_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_fills_every_field),
		cmocka_unit_test(create_is_audited_without_the_token),
		cmocka_unit_test(invalid_fields_are_refused),
		cmocka_unit_test(slug_conflict_names_the_holder),
		cmocka_unit_test(second_default_is_refused),
		cmocka_unit_test(default_needs_admin_of_root),
		cmocka_unit_test(space_integration_needs_space_and_its_admin),
		cmocka_unit_test(aggregated_checks_need_a_business_plan),
		cmocka_unit_test(token_and_secret_never_stored_in_plain_text),
		cmocka_unit_test(recreated_name_keeps_endpoint_gets_new_secret),
		cmocka_unit_test(reveal_is_audited),
		cmocka_unit_test(reader_sees_no_details_and_cannot_reveal),
		cmocka_unit_test(credentials_decrypt_for_admins),
		cmocka_unit_test(list_shows_what_the_user_may_list),
		cmocka_unit_test(get_finds_by_name_or_slug),
		cmocka_unit_test(endpoint_preview_works_before_creation),
		cmocka_unit_test(update_changes_editable_fields_and_audits),
		cmocka_unit_test(update_refuses_invalid_values),
		cmocka_unit_test(token_change_stamps_its_time_and_no_change_writes_nothing),
		cmocka_unit_test(stale_update_is_refused),
		cmocka_unit_test(space_moves_need_admin_of_both_and_keep_stacks_usable),
		cmocka_unit_test(rotate_gives_new_secret_and_audits),
		cmocka_unit_test(delete_detaches_stacks_and_keeps_the_name),
		cmocka_unit_test(delete_needs_admin),
		cmocka_unit_test(verification_is_recorded_without_a_version_bump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
