/* Unit tests for core/space: the tree, roles and their inheritance, the
 * usability of space integrations, and who may change what. */
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

#define OK(call) assert_int_equal((call), BB_OK)

/* alice is admin of root. Tree:
 *   root - dev (inherit) - team (inherit) - app (inherit)
 *        - prod (no inherit) - edge (inherit) */
static int setup(void **state)
{
	bb_ctx *ctx = testdb_open("alice");

	testdb_init_account(ctx, NULL);
	OK(space_create(ctx, "dev", NULL, 1, NULL));
	OK(space_create(ctx, "team", "dev", 1, NULL));
	OK(space_create(ctx, "app", "team", 1, NULL));
	OK(space_create(ctx, "prod", BB_ROOT_SPACE, 0, NULL));
	OK(space_create(ctx, "edge", "prod", 1, NULL));
	*state = ctx;
	return 0;
}

static int teardown(void **state)
{
	testdb_close(*state);
	return 0;
}

static bb_role role(bb_ctx *ctx, const char *login, const char *space)
{
	bb_role r = BB_ROLE_NONE;

	OK(space_role_of(ctx, login, space, &r, NULL));
	return r;
}

static int usable(bb_ctx *ctx, const char *in, int is_default, const char *stack)
{
	int ok = -1;

	OK(space_usable(ctx, in, is_default, stack, &ok, NULL));
	return ok;
}

static int count_entry(const bb_audit_entry *e, void *arg)
{
	(void)e;
	++*(long *)arg;
	return 0;
}

static long audit_entries(bb_ctx *ctx)
{
	char user[sizeof ctx->user];
	long n = 0;

	snprintf(user, sizeof user, "%s", ctx->user);
	testdb_as(ctx, "alice");
	OK(audit_each(ctx, 0, count_entry, &n, NULL));
	testdb_as(ctx, user);
	return n;
}

static void role_names_round_trip(void **state)
{
	(void)state;
	for (bb_role r = BB_ROLE_READ; r <= BB_ROLE_ADMIN; r++)
		assert_int_equal(space_role_parse(space_role_name(r)), r);
	assert_string_equal(space_role_name(BB_ROLE_NONE), "none");
	assert_int_equal(space_role_parse("owner"), BB_ROLE_NONE);
	assert_int_equal(space_role_parse(NULL), BB_ROLE_NONE);
}

static void role_holds_in_descendants_whatever_inherit(void **state)
{
	bb_ctx *ctx = *state;

	OK(space_grant(ctx, "bob", BB_ROOT_SPACE, BB_ROLE_READ, NULL));
	assert_int_equal(role(ctx, "bob", "edge"), BB_ROLE_READ); /* below prod, inherit off */
	OK(space_grant(ctx, "carol", "prod", BB_ROLE_WRITE, NULL));
	assert_int_equal(role(ctx, "carol", "edge"), BB_ROLE_WRITE);
	assert_int_equal(role(ctx, "carol", BB_ROOT_SPACE), BB_ROLE_NONE); /* not upwards */
	assert_int_equal(role(ctx, "carol", "dev"), BB_ROLE_NONE);
}

static void strongest_role_on_the_path_wins(void **state)
{
	bb_ctx *ctx = *state;

	OK(space_grant(ctx, "bob", BB_ROOT_SPACE, BB_ROLE_READ, NULL));
	OK(space_grant(ctx, "bob", "team", BB_ROLE_ADMIN, NULL));
	OK(space_grant(ctx, "bob", "app", BB_ROLE_READ, NULL));
	assert_int_equal(role(ctx, "bob", "dev"), BB_ROLE_READ);
	assert_int_equal(role(ctx, "bob", "team"), BB_ROLE_ADMIN);
	assert_int_equal(role(ctx, "bob", "app"), BB_ROLE_ADMIN); /* a weaker grant below */
}

static void root_admin_is_admin_everywhere(void **state)
{
	bb_ctx *ctx = *state;
	const char *all[] = {"root", "dev", "team", "app", "prod", "edge"};
	int ok;

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		assert_int_equal(role(ctx, "alice", all[i]), BB_ROLE_ADMIN);
		OK(space_may(ctx, all[i], BB_ROLE_ADMIN, &ok, NULL));
		assert_true(ok);
	}
}

static void role_of_unknown_space_is_not_found(void **state)
{
	bb_ctx *ctx = *state;
	bb_role r;
	bb_err err;

	assert_int_equal(space_role_of(ctx, "alice", "nowhere", &r, &err), BB_NOTFOUND);
	assert_non_null(strstr(err.msg, "nowhere"));
}

static void usable_in_own_space_and_inheriting_descendants(void **state)
{
	bb_ctx *ctx = *state;

	assert_true(usable(ctx, "dev", 0, "dev"));
	assert_true(usable(ctx, "dev", 0, "team"));
	assert_true(usable(ctx, "dev", 0, "app"));
	assert_false(usable(ctx, "team", 0, "dev")); /* not upwards */
	assert_false(usable(ctx, "dev", 0, "prod")); /* not sideways */
	assert_false(usable(ctx, "dev", 0, BB_ROOT_SPACE));
}

static void usable_chain_broken_by_a_non_inheriting_space(void **state)
{
	bb_ctx *ctx = *state;

	/* prod does not inherit: a root integration cannot reach prod or edge */
	assert_false(usable(ctx, BB_ROOT_SPACE, 0, "prod"));
	assert_false(usable(ctx, BB_ROOT_SPACE, 0, "edge"));
	assert_true(usable(ctx, "prod", 0, "edge")); /* prod's own flag is not on the path */
	assert_true(usable(ctx, BB_ROOT_SPACE, 0, "app"));
	/* a middle space without inherit breaks the chain below it */
	OK(space_create(ctx, "mid", "dev", 0, NULL));
	OK(space_create(ctx, "leaf", "mid", 1, NULL));
	assert_true(usable(ctx, "mid", 0, "leaf"));
	assert_false(usable(ctx, "dev", 0, "leaf"));
}

static void default_integrations_are_usable_everywhere(void **state)
{
	bb_ctx *ctx = *state;
	int ok;

	assert_true(usable(ctx, BB_ROOT_SPACE, 1, "edge"));
	assert_true(usable(ctx, BB_ROOT_SPACE, 1, "app"));
	assert_int_equal(space_usable(ctx, BB_ROOT_SPACE, 1, "nowhere", &ok, NULL), BB_NOTFOUND);
}

static void create_needs_admin_of_the_parent(void **state)
{
	bb_ctx *ctx = *state;
	bb_err err;

	OK(space_grant(ctx, "bob", "dev", BB_ROLE_WRITE, NULL));
	OK(space_grant(ctx, "carol", "team", BB_ROLE_ADMIN, NULL));
	testdb_as(ctx, "bob");
	assert_int_equal(space_create(ctx, "x", "dev", 1, &err), BB_DENIED);
	assert_non_null(strstr(err.msg, "admin role in space dev"));
	assert_non_null(strstr(err.msg, "you (bob) have write"));
	assert_int_equal(space_create(ctx, "y", NULL, 1, &err), BB_DENIED); /* parent = root */
	assert_non_null(strstr(err.msg, "space root"));
	assert_non_null(strstr(err.msg, "no role"));
	testdb_as(ctx, "carol");
	assert_int_equal(space_create(ctx, "z", "dev", 1, NULL), BB_DENIED);
	OK(space_create(ctx, "z", "app", 1, NULL)); /* admin of team holds in app */
}

static void create_checks_name_parent_and_uniqueness(void **state)
{
	bb_ctx *ctx = *state;
	bb_space s;
	bb_err err;

	assert_int_equal(space_create(ctx, "Dev Team", NULL, 1, NULL), BB_INVALID);
	assert_int_equal(space_create(ctx, "dev", "prod", 1, &err), BB_INVALID);
	assert_non_null(strstr(err.msg, "exists"));
	assert_int_equal(space_create(ctx, "new", "nowhere", 1, NULL), BB_NOTFOUND);
	OK(space_create(ctx, "new", NULL, 0, NULL));
	OK(space_get(ctx, "new", &s, NULL));
	assert_string_equal(s.parent, BB_ROOT_SPACE);
	assert_int_equal(s.inherit, 0);
	space_free(&s);
}

static void delete_refuses_root_and_non_empty_spaces(void **state)
{
	bb_ctx *ctx = *state;
	sqlite3 *sql = db_handle(ctx->db);
	bb_err err;

	assert_int_equal(space_delete(ctx, BB_ROOT_SPACE, &err), BB_INVALID);
	assert_non_null(strstr(err.msg, "root"));
	assert_int_equal(space_delete(ctx, "team", &err), BB_INVALID); /* holds app */
	assert_non_null(strstr(err.msg, "1 child spaces"));
	assert_int_equal(sqlite3_exec(sql, "INSERT INTO integration (slug, name, type, space, "
				      "email, token_enc, token_updated_at, secret_enc, created_at, "
				      "created_by, updated_at, updated_by) VALUES ('i', 'i', 'space', "
				      "'app', 'a@b.co', x'00', 't', x'00', 't', 'a', 't', 'a')",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(space_delete(ctx, "app", &err), BB_INVALID);
	assert_non_null(strstr(err.msg, "1 integrations"));
	assert_int_equal(sqlite3_exec(sql, "INSERT INTO stack (kind, name, space, repository, "
				      "created_at) VALUES ('stack', 's', 'edge', 'a/b', 't')",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(space_delete(ctx, "edge", &err), BB_INVALID);
	assert_non_null(strstr(err.msg, "1 stacks"));
	assert_int_equal(space_delete(ctx, "nowhere", NULL), BB_NOTFOUND);
}

static void delete_drops_roles_and_needs_admin_of_parent(void **state)
{
	bb_ctx *ctx = *state;
	bb_grant *g;
	size_t n;
	bb_space s;

	OK(space_grant(ctx, "bob", "app", BB_ROLE_ADMIN, NULL));
	testdb_as(ctx, "bob");
	assert_int_equal(space_delete(ctx, "app", NULL), BB_DENIED); /* admin of app only */
	testdb_as(ctx, "alice");
	OK(space_delete(ctx, "app", NULL));
	assert_int_equal(space_get(ctx, "app", &s, NULL), BB_NOTFOUND);
	OK(space_grant_list(ctx, &g, &n, NULL));
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(g[i].space, "app");
	space_grant_list_free(g, n);
}

static void grant_needs_admin_of_the_parent(void **state)
{
	bb_ctx *ctx = *state;
	bb_err err;

	OK(space_grant(ctx, "bob", "dev", BB_ROLE_ADMIN, NULL));
	testdb_as(ctx, "bob");
	/* admin of dev may grant in dev's children, not in dev itself */
	assert_int_equal(space_grant(ctx, "carol", "dev", BB_ROLE_READ, &err), BB_DENIED);
	assert_non_null(strstr(err.msg, "Granting roles in space dev"));
	assert_non_null(strstr(err.msg, "admin role in space root"));
	OK(space_grant(ctx, "carol", "team", BB_ROLE_READ, NULL));
	assert_int_equal(space_revoke(ctx, "carol", "team", NULL), BB_OK);
	assert_int_equal(space_grant(ctx, "carol", BB_ROOT_SPACE, BB_ROLE_READ, NULL), BB_DENIED);
}

static void grant_replaces_an_existing_role(void **state)
{
	bb_ctx *ctx = *state;
	bb_grant *g;
	size_t n, found = 0;

	OK(space_grant(ctx, "bob", "dev", BB_ROLE_ADMIN, NULL));
	OK(space_grant(ctx, "bob", "dev", BB_ROLE_READ, NULL));
	assert_int_equal(role(ctx, "bob", "dev"), BB_ROLE_READ);
	OK(space_grant_list(ctx, &g, &n, NULL));
	for (size_t i = 0; i < n; i++)
		found += strcmp(g[i].login, "bob") == 0;
	assert_int_equal(found, 1);
	space_grant_list_free(g, n);
}

static void grant_validates_login_and_role(void **state)
{
	bb_ctx *ctx = *state;

	assert_int_equal(space_grant(ctx, "bo b", "dev", BB_ROLE_READ, NULL), BB_INVALID);
	assert_int_equal(space_grant(ctx, "", "dev", BB_ROLE_READ, NULL), BB_INVALID);
	assert_int_equal(space_grant(ctx, "bob\x1b", "dev", BB_ROLE_READ, NULL), BB_INVALID);
	assert_int_equal(space_grant(ctx, "bob", "dev", BB_ROLE_NONE, NULL), BB_INVALID);
	assert_int_equal(space_grant(ctx, "bob", "nowhere", BB_ROLE_READ, NULL), BB_NOTFOUND);
}

static void last_admin_of_root_is_protected(void **state)
{
	bb_ctx *ctx = *state;
	bb_err err;

	assert_int_equal(space_revoke(ctx, "alice", BB_ROOT_SPACE, &err), BB_INVALID);
	assert_non_null(strstr(err.msg, "last admin"));
	assert_int_equal(space_grant(ctx, "alice", BB_ROOT_SPACE, BB_ROLE_WRITE, NULL), BB_INVALID);
	assert_int_equal(role(ctx, "alice", BB_ROOT_SPACE), BB_ROLE_ADMIN);
	OK(space_grant(ctx, "bob", BB_ROOT_SPACE, BB_ROLE_ADMIN, NULL));
	OK(space_revoke(ctx, "alice", BB_ROOT_SPACE, NULL));
	testdb_as(ctx, "bob");
	assert_int_equal(space_revoke(ctx, "bob", BB_ROOT_SPACE, NULL), BB_INVALID);
}

static void revoke_of_a_missing_grant_is_not_found(void **state)
{
	bb_ctx *ctx = *state;
	bb_err err;

	OK(space_grant(ctx, "bob", "dev", BB_ROLE_READ, NULL));
	assert_int_equal(space_revoke(ctx, "bob", "team", &err), BB_NOTFOUND);
	assert_non_null(strstr(err.msg, "parent"));
	OK(space_revoke(ctx, "bob", "dev", NULL));
	assert_int_equal(role(ctx, "bob", "team"), BB_ROLE_NONE);
}

static void require_user_refuses_strangers(void **state)
{
	bb_ctx *ctx = *state;
	bb_err err;

	OK(space_require_user(ctx, NULL));
	OK(space_grant(ctx, "bob", "edge", BB_ROLE_READ, NULL));
	testdb_as(ctx, "bob");
	OK(space_require_user(ctx, NULL)); /* any role anywhere makes a user */
	testdb_as(ctx, "mallory");
	assert_int_equal(space_require_user(ctx, &err), BB_DENIED);
	assert_non_null(strstr(err.msg, "You (mallory) have no role"));
	assert_non_null(strstr(err.msg, "bbconsole user grant mallory --space"));
}

static void require_user_without_account_says_set_up(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	bb_err err;

	(void)state;
	assert_int_equal(space_require_user(ctx, &err), BB_NOTFOUND);
	assert_non_null(strstr(err.msg, "bbconsole init"));
	testdb_close(ctx);
}

static void changes_are_audited_refusals_are_not(void **state)
{
	bb_ctx *ctx = *state;
	long before = audit_entries(ctx);

	OK(space_create(ctx, "qa", NULL, 1, NULL));
	OK(space_grant(ctx, "bob", "qa", BB_ROLE_WRITE, NULL));
	OK(space_revoke(ctx, "bob", "qa", NULL));
	OK(space_delete(ctx, "qa", NULL));
	assert_int_equal(audit_entries(ctx), before + 4);
	assert_int_equal(space_create(ctx, "dev", NULL, 1, NULL), BB_INVALID);
	assert_int_equal(space_revoke(ctx, "alice", BB_ROOT_SPACE, NULL), BB_INVALID);
	testdb_as(ctx, "bob");
	assert_int_equal(space_create(ctx, "qa2", NULL, 1, NULL), BB_DENIED);
	assert_int_equal(audit_entries(ctx), before + 4);
}

typedef struct last_entry {
	char action[32], target[64], details[256];
} last_entry;

static int keep_first(const bb_audit_entry *e, void *arg)
{
	last_entry *l = arg;

	snprintf(l->action, sizeof l->action, "%s", e->action);
	snprintf(l->target, sizeof l->target, "%s", e->target);
	snprintf(l->details, sizeof l->details, "%s", e->details);
	return 1;
}

static void audit_entries_name_action_target_and_change(void **state)
{
	bb_ctx *ctx = *state;
	last_entry l;

	OK(space_grant(ctx, "bob", "dev", BB_ROLE_READ, NULL));
	OK(space_grant(ctx, "bob", "dev", BB_ROLE_WRITE, NULL));
	OK(audit_each(ctx, 1, keep_first, &l, NULL));
	assert_string_equal(l.action, "role.grant");
	assert_string_equal(l.target, "role:bob@dev");
	assert_non_null(strstr(l.details, "\"role\":\"write\""));
	assert_non_null(strstr(l.details, "\"previous\":\"read\""));
	OK(space_create(ctx, "qa", "dev", 0, NULL));
	OK(audit_each(ctx, 1, keep_first, &l, NULL));
	assert_string_equal(l.action, "space.create");
	assert_string_equal(l.target, "space:qa");
	assert_non_null(strstr(l.details, "\"inherit\":false"));
}

static void list_puts_parents_before_children(void **state)
{
	bb_ctx *ctx = *state;
	bb_space *v;
	size_t n;

	OK(space_create(ctx, "aaa", "prod", 1, NULL)); /* sorts before its parent by name */
	OK(space_list(ctx, &v, &n, NULL));
	assert_int_equal(n, 7);
	assert_string_equal(v[0].name, BB_ROOT_SPACE);
	for (size_t i = 1; i < n; i++) {
		size_t p = 0;

		while (p < i && strcmp(v[p].name, v[i].parent) != 0)
			p++;
		assert_true(p < i);
	}
	assert_string_equal(v[1].name, "dev"); /* siblings by name */
	space_list_free(v, n);
}

static void list_where_keeps_spaces_with_the_role(void **state)
{
	bb_ctx *ctx = *state;
	bb_space *v;
	size_t n;

	OK(space_grant(ctx, "bob", "dev", BB_ROLE_ADMIN, NULL));
	OK(space_grant(ctx, "bob", "prod", BB_ROLE_READ, NULL));
	testdb_as(ctx, "bob");
	OK(space_list_where(ctx, BB_ROLE_ADMIN, &v, &n, NULL));
	assert_int_equal(n, 3);
	assert_string_equal(v[0].name, "dev");
	assert_string_equal(v[1].name, "team");
	assert_string_equal(v[2].name, "app");
	space_list_free(v, n);
	OK(space_list_where(ctx, BB_ROLE_READ, &v, &n, NULL));
	assert_int_equal(n, 5);
	space_list_free(v, n);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(role_names_round_trip),
		T(role_holds_in_descendants_whatever_inherit),
		T(strongest_role_on_the_path_wins),
		T(root_admin_is_admin_everywhere),
		T(role_of_unknown_space_is_not_found),
		T(usable_in_own_space_and_inheriting_descendants),
		T(usable_chain_broken_by_a_non_inheriting_space),
		T(default_integrations_are_usable_everywhere),
		T(create_needs_admin_of_the_parent),
		T(create_checks_name_parent_and_uniqueness),
		T(delete_refuses_root_and_non_empty_spaces),
		T(delete_drops_roles_and_needs_admin_of_parent),
		T(grant_needs_admin_of_the_parent),
		T(grant_replaces_an_existing_role),
		T(grant_validates_login_and_role),
		T(last_admin_of_root_is_protected),
		T(revoke_of_a_missing_grant_is_not_found),
		T(require_user_refuses_strangers),
		cmocka_unit_test(require_user_without_account_says_set_up),
		T(changes_are_audited_refusals_are_not),
		T(audit_entries_name_action_target_and_change),
		T(list_puts_parents_before_children),
		T(list_where_keeps_spaces_with_the_role),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
