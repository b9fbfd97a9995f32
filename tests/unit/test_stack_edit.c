/* Unit tests for core/stack_edit: stack_update and stack_delete, their
 * permission rules, field rules, kind lookup, audit entries and runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "integration.h"
#include "space.h"
#include "stack.h"
#include "testdb.h"

static void ok(bb_code rc, const bb_err *err)
{
	if (rc != BB_OK)
		fail_msg("expected ok, got %s: %s", testdb_code_name(rc), err->msg);
}

/* dev (bob reads it, carol administers it) with integration "Dev BB";
 * stack web and module web in dev. */
static int setup(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	bb_integration_input in = {.name = "Dev BB", .space = "dev", .email = "ops@acme.example",
				   .token = "ATATT3-token-1"};
	bb_stack s = {.name = "web", .space = "dev", .integration = "dev-bb",
		      .repository = "acme/web"};
	bb_err err;

	testdb_init_account(ctx, NULL);
	ok(space_create(ctx, "dev", NULL, 1, &err), &err);
	ok(space_grant(ctx, "bob", "dev", BB_ROLE_READ, &err), &err);
	ok(space_grant(ctx, "carol", "dev", BB_ROLE_ADMIN, &err), &err);
	ok(integration_create(ctx, &in, NULL, &err), &err);
	ok(stack_create(ctx, &s, &err), &err);
	s.kind = "module";
	s.repository = "acme/tf-web";
	ok(stack_create(ctx, &s, &err), &err);
	*state = ctx;
	return 0;
}

static int teardown(void **state)
{
	testdb_close(*state);
	return 0;
}

typedef struct seen {
	const char *kind;
	char repository[64], branch[64], root[64];
	int hits;
} seen;

static int seen_row(const bb_stack *s, void *arg)
{
	seen *sn = arg;

	if (strcmp(s->kind, sn->kind) != 0 || strcmp(s->name, "web") != 0)
		return 0;
	snprintf(sn->repository, sizeof sn->repository, "%s", s->repository);
	snprintf(sn->branch, sizeof sn->branch, "%s", s->branch);
	snprintf(sn->root, sizeof sn->root, "%s", s->project_root);
	sn->hits++;
	return 0;
}

static seen look(bb_ctx *ctx, const char *kind)
{
	seen sn = {.kind = kind};
	bb_err err;

	testdb_as(ctx, "alice");
	ok(stack_each(ctx, NULL, seen_row, &sn, &err), &err);
	return sn;
}

static int newest_row(const bb_audit_entry *e, void *arg)
{
	snprintf(arg, 512, "%s %s %s", e->action, e->target, e->details);
	return 1;
}

/* The newest audit entry, read as alice (admin of root). */
static bb_code newest(bb_ctx *ctx, char *out, bb_err *err)
{
	testdb_as(ctx, "alice");
	return audit_each(ctx, 1, newest_row, out, err);
}

static void update_changes_only_what_differs(void **state)
{
	bb_ctx *ctx = *state;
	bb_stack_change ch = {.branch = "release", .project_root = "infra"};
	char last[512];
	bb_err err;
	int n = -1;
	seen sn;

	testdb_as(ctx, "carol");
	ok(stack_update(ctx, NULL, "web", &ch, &n, &err), &err);
	assert_int_equal(n, 2);
	sn = look(ctx, "stack");
	assert_string_equal(sn.branch, "release");
	assert_string_equal(sn.root, "infra");
	assert_string_equal(sn.repository, "acme/web");
	assert_string_equal(look(ctx, "module").branch, "main");
	ok(newest(ctx, last, &err), &err);
	assert_string_equal(last, "stack.update stack:web {\"branch\":\"release\",\"project_root\":"
			    "\"infra\",\"previous\":{\"branch\":\"main\",\"project_root\":\"\"}}");
	/* the same again: nothing changes, nothing is audited */
	testdb_as(ctx, "carol");
	ok(stack_update(ctx, NULL, "web", &ch, &n, &err), &err);
	assert_int_equal(n, 0);
	ok(newest(ctx, last, &err), &err);
	assert_non_null(strstr(last, "\"previous\":{\"branch\":\"main\""));
}

static void update_refuses(void **state)
{
	bb_ctx *ctx = *state;
	bb_stack_change none = {0}, bad_branch = {.branch = "a..b"},
			bad_repo = {.repository = "x", .branch = "ok"}, good = {.branch = "next"};
	bb_err err;

	assert_int_equal(stack_update(ctx, NULL, "web", &none, NULL, &err), BB_INVALID);
	assert_int_equal(stack_update(ctx, NULL, "web", &bad_branch, NULL, &err), BB_INVALID);
	assert_int_equal(stack_update(ctx, NULL, "web", &bad_repo, NULL, &err), BB_INVALID);
	assert_string_equal(look(ctx, "stack").branch, "main");
	assert_int_equal(stack_update(ctx, "module", "nothere", &good, NULL, &err), BB_NOTFOUND);
	assert_int_equal(stack_update(ctx, "thing", "web", &good, NULL, &err), BB_INVALID);
	testdb_as(ctx, "bob");
	assert_int_equal(stack_update(ctx, NULL, "web", &good, NULL, &err), BB_DENIED);
	assert_non_null(strstr(err.msg, "admin role in space dev"));
	testdb_as(ctx, "dave"); /* no role at all */
	assert_int_equal(stack_update(ctx, NULL, "web", &good, NULL, &err), BB_DENIED);
	assert_string_equal(look(ctx, "stack").branch, "main");
}

static void delete_previews_then_deletes_with_runs(void **state)
{
	bb_ctx *ctx = *state;
	const char *p[] = {"stack", "web"};
	bb_stack_removal r;
	char last[512];
	long runs = -1;
	bb_err err;

	ok(db_exec_text(ctx->db, "INSERT INTO run (id, stack_kind, stack, type, state, "
			"created_at, updated_at) VALUES ('01R', ?1, ?2, 'tracked', 'queued', "
			"'t', 't')", p, 2, NULL, "adding a run", &err), &err);
	testdb_as(ctx, "bob");
	assert_int_equal(stack_delete(ctx, NULL, "web", 0, &r, &err), BB_DENIED);
	testdb_as(ctx, "carol");
	ok(stack_delete(ctx, NULL, "web", 0, &r, &err), &err);
	assert_string_equal(r.kind, "stack");
	assert_int_equal(r.runs, 1);
	assert_int_equal(look(ctx, "stack").hits, 1); /* a preview deletes nothing */
	testdb_as(ctx, "carol");
	ok(stack_delete(ctx, NULL, "web", 1, &r, &err), &err);
	assert_int_equal(look(ctx, "stack").hits, 0);
	assert_int_equal(look(ctx, "module").hits, 1);
	ok(db_query_int(ctx->db, "SELECT COUNT(*) FROM run", NULL, 0, &runs, "counting", &err),
	   &err);
	assert_int_equal(runs, 0);
	ok(newest(ctx, last, &err), &err);
	assert_non_null(strstr(last, "stack.delete stack:web"));
	assert_non_null(strstr(last, "\"runs\":1"));
	/* the name now finds the module (no stack has it any more) */
	ok(stack_delete(ctx, NULL, "web", 0, &r, &err), &err);
	assert_string_equal(r.kind, "module");
	ok(stack_delete(ctx, "module", "web", 1, &r, &err), &err);
	assert_int_equal(stack_delete(ctx, NULL, "web", 1, &r, &err), BB_NOTFOUND);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(update_changes_only_what_differs),
		T(update_refuses),
		T(delete_previews_then_deletes_with_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
