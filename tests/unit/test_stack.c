/* Unit tests for core/stack: stacks and modules, their integrations, import. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integration.h"
#include "space.h"
#include "stack.h"
#include "testdb.h"

#define ADMIN "alice"

/* ---- helpers ------------------------------------------------------------------ */

static void ok(bb_code rc, const bb_err *err)
{
	if (rc != BB_OK)
		fail_msg("expected ok, got %s: %s", testdb_code_name(rc), err->msg);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
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

static void must_integration(bb_ctx *ctx, const char *name, const char *space)
{
	bb_integration_input in = {.name = name, .is_default = space == NULL, .space = space,
				   .email = "ops@acme.example", .token = "ATATT3-token-1"};
	bb_err err;

	ok(integration_create(ctx, &in, NULL, &err), &err);
}

static bb_stack stack(const char *name, const char *space, const char *integ)
{
	bb_stack s = {.name = name, .space = space, .integration = integ,
		      .repository = "acme/infra"};
	return s;
}

static void must_stack(bb_ctx *ctx, const char *name, const char *space, const char *integ)
{
	bb_stack s = stack(name, space, integ);
	bb_err err;

	ok(stack_create(ctx, &s, &err), &err);
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

/* The tree used by most tests: root > dev (inherits) > dev-sub (inherits),
 * root > dev > lab (does not inherit), root > ops. Integrations: the default
 * "Main", "Dev BB" in dev, "Ops BB" in ops. */
static bb_ctx *setup(void)
{
	bb_ctx *ctx = testdb_open(ADMIN);

	testdb_init_account(ctx, NULL);
	must_space(ctx, "dev", NULL, 1);
	must_space(ctx, "dev-sub", "dev", 1);
	must_space(ctx, "lab", "dev", 0);
	must_space(ctx, "ops", NULL, 1);
	must_integration(ctx, "Main", NULL);
	must_integration(ctx, "Dev BB", "dev");
	must_integration(ctx, "Ops BB", "ops");
	return ctx;
}

/* Collects "kind:name" of each stack into a comma-separated string. */
typedef struct seen {
	char text[4096];
	int n;
	int stop_after;
	bb_stack last;
	char branch[64], project_root[64];
} seen;

static int collect(const bb_stack *s, void *arg)
{
	seen *v = arg;
	size_t len = strlen(v->text);

	snprintf(v->text + len, sizeof v->text - len, "%s%s:%s", len ? "," : "", s->kind, s->name);
	snprintf(v->branch, sizeof v->branch, "%s", s->branch);
	snprintf(v->project_root, sizeof v->project_root, "%s", s->project_root);
	v->n++;
	return v->stop_after && v->n >= v->stop_after;
}

static const char *list(bb_ctx *ctx, const bb_stack_filter *f, seen *v)
{
	bb_err err;
	long n;

	memset(v, 0, sizeof *v);
	ok(stack_each(ctx, f, collect, v, &err), &err);
	if (!f || (!f->limit && !f->offset)) {
		ok(stack_count(ctx, f, &n, &err), &err);
		assert_int_equal(n, v->n);
	}
	return v->text;
}

/* ---- creating ------------------------------------------------------------------- */

static void create_and_list_in_kind_then_name_order(void **state)
{
	bb_ctx *ctx = setup();
	bb_stack m = stack("net", "dev", "dev-bb");
	char action[64];
	seen v;
	bb_err err;
	sqlite3_stmt *st;

	(void)state;
	must_stack(ctx, "web", "dev", "Dev BB");
	must_stack(ctx, "api", "ops", "main");
	m.kind = "module";
	m.branch = "release";
	m.project_root = "modules/net";
	ok(stack_create(ctx, &m, &err), &err);
	assert_string_equal(list(ctx, NULL, &v), "module:net,stack:api,stack:web");
	assert_string_equal(v.branch, "main");
	assert_string_equal(v.project_root, "");
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack WHERE name = 'web' AND "
				    "integration = 'dev-bb'"), 1);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack WHERE name = 'net' AND "
				    "branch = 'release' AND project_root = 'modules/net'"), 1);
	assert_int_equal(sqlite3_prepare_v2(db_handle(ctx->db), "SELECT action FROM audit ORDER "
					    "BY id DESC LIMIT 1", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(action, sizeof action, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_string_equal(action, "stack.create");
	testdb_close(ctx);
}

static void name_is_unique_per_kind(void **state)
{
	bb_ctx *ctx = setup();
	bb_stack s = stack("web", "dev", "main");
	bb_err err;

	(void)state;
	ok(stack_create(ctx, &s, &err), &err);
	assert_int_equal(stack_create(ctx, &s, &err), BB_INVALID);
	assert_contains(err.msg, "exists already");
	s.kind = "module";
	ok(stack_create(ctx, &s, &err), &err);
	s.kind = "thing";
	s.name = "other";
	assert_int_equal(stack_create(ctx, &s, &err), BB_INVALID);
	testdb_close(ctx);
}

static void invalid_fields_are_refused(void **state)
{
	bb_ctx *ctx = setup();
	bb_stack s;
	bb_err err;
	char longname[80];

	(void)state;
	memset(longname, 'x', 65);
	longname[65] = '\0';
	s = stack("  ", "dev", "main");
	assert_int_equal(stack_create(ctx, &s, &err), BB_INVALID);
	s = stack(longname, "dev", "main");
	assert_int_equal(stack_create(ctx, &s, &err), BB_INVALID);
	s = stack("bell\a", "dev", "main");
	assert_int_equal(stack_create(ctx, &s, &err), BB_INVALID);
	s = stack("ok", "dev", "main");
	s.repository = "no-slash";
	assert_int_equal(stack_create(ctx, &s, &err), BB_INVALID);
	s = stack("ok", "dev", "main");
	s.branch = "has space";
	assert_int_equal(stack_create(ctx, &s, &err), BB_INVALID);
	s = stack("ok", "dev", "main");
	s.project_root = "../escape";
	assert_int_equal(stack_create(ctx, &s, &err), BB_INVALID);
	s.project_root = "a/../../b";
	assert_int_equal(stack_create(ctx, &s, &err), BB_INVALID);
	s.project_root = "/abs";
	assert_int_equal(stack_create(ctx, &s, &err), BB_INVALID);
	s.project_root = "tab\there";
	assert_int_equal(stack_create(ctx, &s, &err), BB_INVALID);
	s = stack("ok", "dev", NULL);
	assert_int_equal(stack_create(ctx, &s, &err), BB_INVALID);
	assert_contains(err.msg, "needs an integration");
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack"), 0);
	s = stack("ok", "dev", "main");
	s.project_root = "infra/..prod/x..y";
	ok(stack_create(ctx, &s, &err), &err);
	testdb_close(ctx);
}

static void space_must_exist_and_user_be_admin(void **state)
{
	bb_ctx *ctx = setup();
	bb_stack s = stack("web", "nowhere", "main");
	bb_err err;

	(void)state;
	assert_int_equal(stack_create(ctx, &s, &err), BB_NOTFOUND);
	must_grant(ctx, "bob", "dev", BB_ROLE_WRITE);
	must_grant(ctx, "bob", "ops", BB_ROLE_ADMIN);
	testdb_as(ctx, "bob");
	s.space = "dev";
	assert_int_equal(stack_create(ctx, &s, &err), BB_DENIED);
	assert_contains(err.msg, "admin role in space dev");
	s.space = "ops";
	ok(stack_create(ctx, &s, &err), &err);
	testdb_close(ctx);
}

static void integration_must_exist_and_be_visible(void **state)
{
	bb_ctx *ctx = setup();
	bb_stack s = stack("web", "ops", "Nope");
	bb_err err;

	(void)state;
	assert_int_equal(stack_create(ctx, &s, &err), BB_NOTFOUND);
	assert_contains(err.msg, "\"Nope\"");
	/* bob, admin of ops only, cannot see Dev BB: it is not found for him */
	must_grant(ctx, "bob", "ops", BB_ROLE_ADMIN);
	testdb_as(ctx, "bob");
	s.integration = "dev-bb";
	assert_int_equal(stack_create(ctx, &s, &err), BB_NOTFOUND);
	s.integration = "Ops BB";
	ok(stack_create(ctx, &s, &err), &err);
	testdb_close(ctx);
}

static void integration_must_be_usable_in_the_space(void **state)
{
	bb_ctx *ctx = setup();
	bb_stack s = stack("web", "lab", "Dev BB");
	bb_err err;

	(void)state;
	must_stack(ctx, "a", "dev", "dev-bb");
	must_stack(ctx, "b", "dev-sub", "dev-bb");   /* inherits from dev */
	assert_int_equal(stack_create(ctx, &s, &err), BB_INVALID);
	assert_string_equal(err.msg, "The integration \"Dev BB\" lives in space dev, which space "
			    "lab does not inherit from; pick an integration usable in lab.");
	s.space = "ops";
	assert_int_equal(stack_create(ctx, &s, &err), BB_INVALID);
	s.space = "root"; /* a parent cannot use its child's integration */
	assert_int_equal(stack_create(ctx, &s, &err), BB_INVALID);
	must_stack(ctx, "c", "lab", "main");          /* the default: usable everywhere */
	testdb_close(ctx);
}

/* ---- listing -------------------------------------------------------------------- */

static void listing_shows_only_readable_spaces(void **state)
{
	bb_ctx *ctx = setup();
	seen v;

	(void)state;
	must_stack(ctx, "a", "dev", "main");
	must_stack(ctx, "b", "dev-sub", "main");
	must_stack(ctx, "c", "ops", "main");
	must_stack(ctx, "d", "root", "main");
	must_grant(ctx, "bob", "dev", BB_ROLE_READ);
	testdb_as(ctx, "bob");
	assert_string_equal(list(ctx, NULL, &v), "stack:a,stack:b");
	testdb_as(ctx, "nobody");
	{
		long n;
		bb_err err;

		assert_int_equal(stack_count(ctx, NULL, &n, &err), BB_DENIED);
	}
	testdb_close(ctx);
}

static void filters_select_and_page(void **state)
{
	bb_ctx *ctx = setup();
	bb_stack_filter f = {0};
	bb_stack s = stack("Web-Frontend", "ops", "Ops BB");
	bb_err err;
	seen v;

	(void)state;
	must_stack(ctx, "a", "dev", "main");
	must_stack(ctx, "b", "dev-sub", "dev-bb");
	must_stack(ctx, "c", "ops", "ops-bb");
	s.repository = "acme/Frontend-App";
	ok(stack_create(ctx, &s, &err), &err);
	ok(integration_delete(ctx, "Ops BB", NULL, &err), &err);
	/* names sort as bytes (upper case first), the order of the primary key */
	f.detached_only = 1;
	assert_string_equal(list(ctx, &f, &v), "stack:Web-Frontend,stack:c");
	memset(&f, 0, sizeof f);
	f.detached_from = "Ops BB";
	assert_string_equal(list(ctx, &f, &v), "stack:Web-Frontend,stack:c");
	memset(&f, 0, sizeof f);
	f.integration = "Dev BB";
	assert_string_equal(list(ctx, &f, &v), "stack:b");
	f.integration = "main";
	assert_string_equal(list(ctx, &f, &v), "stack:a");
	memset(&f, 0, sizeof f);
	f.text = "FRONTEND";
	assert_string_equal(list(ctx, &f, &v), "stack:Web-Frontend");
	f.text = "dev-s"; /* the space */
	assert_string_equal(list(ctx, &f, &v), "stack:b");
	f.text = "ops b"; /* the name it was detached from */
	assert_string_equal(list(ctx, &f, &v), "stack:Web-Frontend,stack:c");
	f.text = "dev-bb"; /* the integration */
	assert_string_equal(list(ctx, &f, &v), "stack:b");
	f.text = "%";     /* not a LIKE pattern */
	assert_string_equal(list(ctx, &f, &v), "");
	memset(&f, 0, sizeof f);
	f.space = "dev";
	assert_string_equal(list(ctx, &f, &v), "stack:a");
	memset(&f, 0, sizeof f);
	f.offset = 1;
	f.limit = 2;
	assert_string_equal(list(ctx, &f, &v), "stack:a,stack:b");
	memset(&f, 0, sizeof f);
	memset(&v, 0, sizeof v);
	v.stop_after = 2;
	ok(stack_each(ctx, NULL, collect, &v, &err), &err);
	assert_string_equal(v.text, "stack:Web-Frontend,stack:a");
	testdb_close(ctx);
}

/* ---- changing the integration ------------------------------------------------------ */

static void set_integration_attaches_and_clears_detached_from(void **state)
{
	bb_ctx *ctx = setup();
	bb_stack_filter f = {.detached_only = 1};
	bb_err err;
	long n;

	(void)state;
	must_stack(ctx, "web", "ops", "ops-bb");
	ok(integration_delete(ctx, "ops-bb", NULL, &err), &err);
	ok(stack_count(ctx, &f, &n, &err), &err);
	assert_int_equal(n, 1);
	assert_int_equal(stack_set_integration(ctx, NULL, "web", "Dev BB", &err), BB_INVALID);
	assert_contains(err.msg, "does not inherit");
	ok(stack_set_integration(ctx, NULL, "web", "Main", &err), &err);
	ok(stack_count(ctx, &f, &n, &err), &err);
	assert_int_equal(n, 0);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack WHERE integration = 'main' "
				    "AND detached_from IS NULL"), 1);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM audit WHERE action = "
				    "'stack.set_integration'"), 1);
	assert_int_equal(stack_set_integration(ctx, NULL, "nope", "Main", &err), BB_NOTFOUND);
	assert_int_equal(stack_set_integration(ctx, "module", "web", "Main", &err), BB_NOTFOUND);
	testdb_close(ctx);
}

static void set_integration_needs_admin_of_the_stack_space(void **state)
{
	bb_ctx *ctx = setup();
	bb_err err;

	(void)state;
	must_stack(ctx, "web", "ops", "ops-bb");
	must_grant(ctx, "bob", "ops", BB_ROLE_WRITE);
	must_grant(ctx, "carol", "dev", BB_ROLE_ADMIN);
	testdb_as(ctx, "bob");
	assert_int_equal(stack_set_integration(ctx, NULL, "web", "Main", &err), BB_DENIED);
	testdb_as(ctx, "carol"); /* cannot even see it */
	assert_int_equal(stack_set_integration(ctx, NULL, "web", "Main", &err), BB_NOTFOUND);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack WHERE integration = "
				    "'ops-bb'"), 1);
	testdb_close(ctx);
}

static void set_integration_prefers_the_stack_over_the_module(void **state)
{
	bb_ctx *ctx = setup();
	bb_stack m = stack("web", "dev", "main");
	bb_err err;

	(void)state;
	m.kind = "module";
	ok(stack_create(ctx, &m, &err), &err);
	must_stack(ctx, "web", "dev", "main");
	ok(stack_set_integration(ctx, NULL, "web", "dev-bb", &err), &err);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack WHERE kind = 'stack' AND "
				    "integration = 'dev-bb'"), 1);
	ok(stack_set_integration(ctx, "module", "web", "dev-bb", &err), &err);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack WHERE integration = "
				    "'dev-bb'"), 2);
	testdb_close(ctx);
}

static void reattach_moves_what_is_usable_and_permitted(void **state)
{
	bb_ctx *ctx = setup();
	bb_err err;
	long n = -1;

	(void)state;
	must_integration(ctx, "Shared", "dev");
	must_stack(ctx, "a", "dev", "shared");
	must_stack(ctx, "b", "dev-sub", "shared");
	must_stack(ctx, "c", "lab", "main");
	ok(integration_delete(ctx, "Shared", &n, &err), &err);
	assert_int_equal(n, 2);
	/* and one in lab, detached from the same name */
	assert_int_equal(sqlite3_exec(db_handle(ctx->db), "UPDATE stack SET integration = NULL, "
				      "detached_from = 'Shared' WHERE name = 'c'", NULL, NULL,
				      NULL), SQLITE_OK);
	must_integration(ctx, "Shared", "dev");
	must_grant(ctx, "bob", "dev-sub", BB_ROLE_ADMIN);
	must_grant(ctx, "bob", "dev", BB_ROLE_READ);
	testdb_as(ctx, "bob");
	ok(stack_reattach(ctx, "Shared", "shared", &n, &err), &err);
	assert_int_equal(n, 1); /* b: bob is admin of dev-sub only */
	testdb_as(ctx, ADMIN);
	ok(stack_reattach(ctx, "Shared", "Shared", &n, &err), &err);
	assert_int_equal(n, 1); /* a; c is in lab, which does not inherit */
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack WHERE integration = 'shared' "
				    "AND detached_from IS NULL"), 2);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack WHERE detached_from = "
				    "'Shared'"), 1);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM audit WHERE action = "
				    "'stack.reattach'"), 2);
	assert_int_equal(stack_reattach(ctx, "Shared", "Nope", &n, &err), BB_NOTFOUND);
	testdb_close(ctx);
}

/* ---- import --------------------------------------------------------------------------- */

static void import_stores_every_line(void **state)
{
	bb_ctx *ctx = setup();
	const char *text =
		"{\"name\": \"a\", \"space\": \"dev\", \"integration\": \"dev-bb\", "
		"\"repository\": \"acme/a\"}\n"
		"\n"
		"   \r\n"
		"{\"kind\": \"module\", \"name\": \"m\", \"space\": \"ops\", \"integration\": "
		"\"Main\", \"repository\": \"acme/m\", \"branch\": \"dev\", \"project_root\": "
		"\"mods\", \"created_at\": \"ignored\"}\r\n"
		"{\"name\": \"old\", \"space\": \"ops\", \"integration\": null, "
		"\"detached_from\": \"Gone\", \"repository\": \"acme/old\"}";
	long n = -1;
	bb_err err;

	(void)state;
	ok(stack_import(ctx, text, strlen(text), &n, &err), &err);
	assert_int_equal(n, 3);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack WHERE kind = 'stack' AND "
				    "name = 'a' AND branch = 'main'"), 1);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack WHERE kind = 'module' AND "
				    "branch = 'dev' AND project_root = 'mods' AND integration = "
				    "'main'"), 1);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack WHERE detached_from = "
				    "'Gone' AND integration IS NULL"), 1);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM audit WHERE action = "
				    "'stack.import' AND details = '{\"count\":3}'"), 1);
	testdb_close(ctx);
}

/* A line far longer than any stack is refused once its limit is read, so the
 * memory used stays bounded whatever the file holds. */
static void import_refuses_an_endless_line(void **state)
{
	static const char first[] =
		"{\"name\":\"a\",\"space\":\"dev\",\"integration\":\"main\",\"repository\":\"x/a\"}\n"
		"{\"name\":\"b\",\"description\":\"";
	size_t len = sizeof first - 1 + 4 * BB_IMPORT_LINE_MAX;
	char *text = malloc(len + 1);
	bb_ctx *ctx = setup();
	long n = -1;
	bb_err err;

	(void)state;
	assert_non_null(text);
	memcpy(text, first, sizeof first - 1);
	memset(text + sizeof first - 1, 'x', len - (sizeof first - 1));
	text[len] = '\0';
	assert_int_equal(stack_import(ctx, text, len, &n, &err), BB_INVALID);
	assert_non_null(strstr(err.msg, "Line 2 is longer than"));
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack"), 0);
	free(text);
	testdb_close(ctx);
}

static void import_is_all_or_nothing_and_names_the_line(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"{\"name\":\"a\",\"space\":\"dev\",\"integration\":\"main\",\"repository\":\"x/a\"}\n"
		 "\n"
		 "{\"name\":\"b\",\"space\":\"lab\",\"integration\":\"dev-bb\",\"repository\":\"x/b\"}",
		 "Line 3: The integration \"Dev BB\" lives in space dev"},
		{"{\"name\":\"a\",\"space\":\"dev\",\"integration\":\"main\",\"repository\":\"x/a\"}\n"
		 "not json", "Line 2: "},
		{"{\"name\":\"a\",\"space\":\"dev\",\"integration\":\"main\",\"repository\":\"x/a\"}\n"
		 "{\"name\":\"a\",\"space\":\"dev\",\"integration\":\"main\",\"repository\":\"x/a\"}",
		 "Line 2: A stack named \"a\" exists already"},
		{"{\"name\": 5}", "Line 1: the field \"name\" must be a string."},
		{"[1,2]", "Line 1: "},
		{"{\"name\":\"a\",\"space\":\"dev\",\"integration\":\"main\",\"repository\":\"bad\"}",
		 "Line 1: The repository"},
		/* a typo, or a field of something else, is not dropped in silence */
		{"{\"name\":\"a\",\"space\":\"dev\",\"integration\":\"main\",\"repository\":\"x/a\"}\n"
		 "{\"name\":\"b\",\"space\":\"dev\",\"integration\":\"main\",\"repository\":\"x/b\","
		 "\"description\":\"a long story\"}",
		 "Line 2: the field \"description\" is not a stack field"},
	};
	bb_ctx *ctx = setup();
	long n = -1;
	bb_err err;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_not_equal(stack_import(ctx, bad[i].text, strlen(bad[i].text), &n, &err),
				     BB_OK);
		assert_int_equal(n, 0);
		if (strncmp(err.msg, bad[i].want, strlen(bad[i].want)) != 0)
			fail_msg("case %zu: \"%s\" does not start with \"%s\"", i, err.msg,
				 bad[i].want);
		assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack"), 0);
	}
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM audit WHERE action = "
				    "'stack.import'"), 0);
	testdb_close(ctx);
}

static void import_checks_permissions_per_line(void **state)
{
	bb_ctx *ctx = setup();
	const char *text =
		"{\"name\":\"a\",\"space\":\"ops\",\"integration\":\"main\",\"repository\":\"x/a\"}\n"
		"{\"name\":\"b\",\"space\":\"dev\",\"integration\":\"main\",\"repository\":\"x/b\"}\n";
	long n = -1;
	bb_err err;

	(void)state;
	must_grant(ctx, "bob", "ops", BB_ROLE_ADMIN);
	must_grant(ctx, "bob", "dev", BB_ROLE_WRITE);
	testdb_as(ctx, "bob");
	assert_int_equal(stack_import(ctx, text, strlen(text), &n, &err), BB_DENIED);
	assert_contains(err.msg, "Line 2: ");
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack"), 0);
	testdb_close(ctx);
}

/* Many lines over few spaces and integrations: the per-space and
 * per-integration answers are reused, and the result is exact. */
static void import_many_lines(void **state)
{
	enum { LINES = 5000 };
	const char *spaces[] = {"dev", "dev-sub", "ops", "lab"};
	const char *integ[] = {"dev-bb", "Dev BB", "main", "Main"};
	size_t cap = LINES * 128, len = 0;
	char *text = malloc(cap);
	bb_stack_filter f = {.space = "dev-sub"};
	bb_ctx *ctx = setup();
	long n = -1;
	bb_err err;

	(void)state;
	assert_non_null(text);
	for (int i = 0; i < LINES; i++) {
		int s = i % 4, k = s == 2 || s == 3 ? 2 + (i & 1) : i & 1;

		len += (size_t)snprintf(text + len, cap - len, "{\"name\":\"s%05d\",\"space\":\"%s\","
					"\"integration\":\"%s\",\"repository\":\"acme/r%d\"}\n", i,
					spaces[s], integ[k], i);
	}
	ok(stack_import(ctx, text, len, &n, &err), &err);
	assert_int_equal(n, LINES);
	ok(stack_count(ctx, &f, &n, &err), &err);
	assert_int_equal(n, LINES / 4);
	assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM stack WHERE integration = "
				    "'dev-bb'"), LINES / 2);
	free(text);
	testdb_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_and_list_in_kind_then_name_order),
		cmocka_unit_test(name_is_unique_per_kind),
		cmocka_unit_test(invalid_fields_are_refused),
		cmocka_unit_test(space_must_exist_and_user_be_admin),
		cmocka_unit_test(integration_must_exist_and_be_visible),
		cmocka_unit_test(integration_must_be_usable_in_the_space),
		cmocka_unit_test(listing_shows_only_readable_spaces),
		cmocka_unit_test(filters_select_and_page),
		cmocka_unit_test(set_integration_attaches_and_clears_detached_from),
		cmocka_unit_test(set_integration_needs_admin_of_the_stack_space),
		cmocka_unit_test(set_integration_prefers_the_stack_over_the_module),
		cmocka_unit_test(reattach_moves_what_is_usable_and_permitted),
		cmocka_unit_test(import_stores_every_line),
		cmocka_unit_test(import_is_all_or_nothing_and_names_the_line),
		cmocka_unit_test(import_refuses_an_endless_line),
		cmocka_unit_test(import_checks_permissions_per_line),
		cmocka_unit_test(import_many_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
