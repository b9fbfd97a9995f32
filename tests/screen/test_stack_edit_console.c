/* Screen tests of editing and deleting a stack from the stacks screen (`S`
 * from the integrations list): `e` opens the stack form on the stack, Save
 * changes only what was changed, `d` asks with the number of runs and
 * deletes; a read user is refused at once. Results are checked through the
 * command line on the same database. */
#include "test_console_lib.h"

#define SHA "0123456789abcdef0123456789abcdef01234567"

/* Space infra (bob reads it), the default integration "Prod BB", stack web
 * with one run and module vpc, both in infra. */
static int setup(void **state)
{
	cliexec_home *h;

	if (con_setup(state) != 0)
		return -1;
	h = *state;
	cliexec_init(h, NULL);
	setenv("BBCONSOLE_BITBUCKET_API", "http://127.0.0.1:1/2.0", 1);
	CON_CLI(h, "space", "create", "infra");
	CON_CLI(h, "user", "grant", "bob", "--space", "infra", "--role", "read");
	con_integration(h, "Prod BB", NULL, NULL, NULL);
	CON_CLI(h, "stack", "create", "web", "--space", "infra", "--integration", "prod-bb",
		"--repository", "acme/web");
	CON_CLI(h, "stack", "create", "vpc", "--module", "--space", "infra", "--integration",
		"prod-bb", "--repository", "acme/vpc");
	CON_CLI(h, "run", "trigger", "web", "--commit", SHA);
	return 0;
}

static vt *open_stacks(cliexec_home *h, const char *user)
{
	vt *v = con_spawn(h, user, 80, 24, "NO_COLOR=1");

	WAIT(v, "Bitbucket Cloud integrations");
	vt_key(v, "S");
	WAIT(v, "2 stacks and modules");
	WAIT(v, "acme/web");
	return v;
}

/* The stack or module `name` from `stack list --json` (a copy), or NULL. */
static cJSON *listed(cliexec_home *h, const char *kind, const char *name)
{
	cliexec_result r = {0};
	cJSON *doc, *s, *found = NULL;

	cliexec(h, &r, "alice", NULL, "stack", "list", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	cliexec_free(&r);
	cJSON_ArrayForEach(s, doc)
		if (!strcmp(con_jstr(s, "kind"), kind) && !strcmp(con_jstr(s, "name"), name))
			found = cJSON_Duplicate(s, 1);
	cJSON_Delete(doc);
	return found;
}

static void edit_changes_branch_and_root(void **state)
{
	cliexec_home *h = *state;
	vt *v = open_stacks(h, "alice");
	cJSON *s;

	vt_key(v, "G"); /* stack web, after module vpc */
	vt_key(v, "e");
	WAIT(v, "Edit stack web");
	WAIT(v, "[ Save ]");
	vt_key(v, "Tab"); /* branch */
	vt_key(v, "Ctrl-U");
	con_type(v, "release", "Tab");
	con_type(v, "infra/prod", "Tab");
	vt_key(v, "Enter");
	WAIT(v, "Saved stack web.");
	WAIT(v, "release");
	con_quit(v);
	s = listed(h, "stack", "web");
	assert_non_null(s);
	assert_string_equal(con_jstr(s, "branch"), "release");
	assert_string_equal(con_jstr(s, "project_root"), "infra/prod");
	assert_string_equal(con_jstr(s, "repository"), "acme/web");
	cJSON_Delete(s);
}

static void edit_refusal_keeps_the_input(void **state)
{
	cliexec_home *h = *state;
	vt *v = open_stacks(h, "alice");
	cJSON *s;

	vt_key(v, "G");
	vt_key(v, "e");
	WAIT(v, "Edit stack web");
	vt_key(v, "Ctrl-U");
	con_type(v, "not a repo", "Tab");
	vt_key(v, "Tab");
	vt_key(v, "Tab");
	vt_key(v, "Enter");
	WAIT(v, "Not saved");
	WAIT(v, "WORKSPACE/REPO_SLUG");
	vt_key(v, "Enter");
	WAIT(v, "not a repo");
	vt_key(v, "Esc");
	WAIT(v, "Discard the changes?");
	vt_key(v, "Left");
	vt_key(v, "Enter");
	WAIT(v, "2 stacks and modules");
	con_quit(v);
	s = listed(h, "stack", "web");
	assert_string_equal(con_jstr(s, "repository"), "acme/web");
	cJSON_Delete(s);
}

static void delete_asks_then_deletes(void **state)
{
	cliexec_home *h = *state;
	vt *v = open_stacks(h, "alice");
	cJSON *s;

	vt_key(v, "G");
	vt_key(v, "d");
	WAIT(v, "Delete stack");
	WAIT(v, "Its 1 run will be deleted with it.");
	vt_key(v, "Esc"); /* cancel: nothing goes */
	GONE(v, "Delete stack");
	s = listed(h, "stack", "web");
	assert_non_null(s);
	cJSON_Delete(s);
	vt_key(v, "d");
	WAIT(v, "Delete stack");
	vt_key(v, "y");
	WAIT(v, "Deleted stack web and its 1 run.");
	WAIT(v, "1 stack or module");
	GONE(v, "acme/web");
	con_quit(v);
	assert_null(listed(h, "stack", "web"));
	s = listed(h, "module", "vpc");
	assert_non_null(s);
	cJSON_Delete(s);
}

static void read_user_is_refused_at_once(void **state)
{
	cliexec_home *h = *state;
	vt *v = open_stacks(h, "bob");
	cJSON *s;

	vt_key(v, "G");
	vt_key(v, "e");
	WAIT(v, "Changing the stack web needs the admin role in space infra");
	GONE(v, "Edit stack web");
	vt_key(v, "Enter");
	GONE(v, "Not possible");
	vt_key(v, "d");
	WAIT(v, "Deleting the stack web needs the admin role in space infra");
	ABSENT(v, "Its 1 run");
	vt_key(v, "Enter");
	GONE(v, "Not possible");
	con_quit(v);
	s = listed(h, "stack", "web");
	assert_non_null(s);
	cJSON_Delete(s);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, con_teardown)
	const struct CMUnitTest tests[] = {
		T(edit_changes_branch_and_root),
		T(edit_refusal_keeps_the_input),
		T(delete_asks_then_deletes),
		T(read_user_is_refused_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
