/* Screen tests of runs on the stacks screen: T triggers a tracked run at the
 * head of the stack's branch (asked from the fake Bitbucket server in the
 * background), refused on a detached stack and for a user without write;
 * the details panel lists the stack's runs and the state of their statuses. */
#include "test_fake_lib.h"

#define REPO "ws0/repo-00000"

static void stack_on(void **state, const char *name)
{
	CON_CLI(*state, "stack", "create", name, "--space", "root", "--integration", "Prod BB",
		"--repository", REPO, "--branch", "main");
}

/* `run list --json` as alice, parsed (an array). */
static cJSON *runs(void **state)
{
	cliexec_result r = {0};
	cJSON *j;

	cliexec(*state, &r, "alice", NULL, "run", "list", "--json", NULL);
	cliexec_assert_ok(&r);
	j = cliexec_json(&r);
	cliexec_free(&r);
	assert_true(cJSON_IsArray(j));
	return j;
}

static vt *stacks_screen(void **state, const char *user)
{
	vt *v = con_spawn(*state, user, 130, 40, "NO_COLOR=1");

	WAIT(v, "Bitbucket Cloud integrations");
	vt_key(v, "S");
	WAIT(v, "Stacks and modules");
	return v;
}

static void trigger_queues_a_run(void **state)
{
	char queued[128], line[128];
	cJSON *j;
	const cJSON *run;
	vt *v;

	stack_on(state, "infra");
	v = stacks_screen(state, "alice");
	WAIT(v, "infra");
	vt_send(v, "T");
	WAIT(v, "Queued run ");
	j = runs(state);
	assert_int_equal(cJSON_GetArraySize(j), 1);
	run = cJSON_GetArrayItem(j, 0);
	assert_string_equal(con_jstr(run, "stack"), "infra");
	assert_string_equal(con_jstr(run, "type"), "tracked");
	assert_string_equal(con_jstr(run, "state"), "queued");
	assert_int_equal(strlen(con_jstr(run, "commit")), 40);
	assert_int_equal(con_jstr(run, "commit")[0], 'b'); /* the fake's branch head */
	snprintf(queued, sizeof queued, "Queued run %s for infra at %.7s", con_jstr(run, "id"),
		 con_jstr(run, "commit"));
	WAIT(v, queued);
	vt_key(v, "Enter");
	WAIT(v, "Recent runs (newest first):");
	snprintf(line, sizeof line, "tracked queued %.7s main", con_jstr(run, "commit"));
	WAIT(v, line);
	WAIT(v, "INPROGRESS pending"); /* only serve posts: the status waits in the outbox */
	ABSENT(v, "none yet");
	cJSON_Delete(j);
	vt_key(v, "Esc");
	WAIT(v, "tracked queued"); /* the last-run column followed */
	con_quit(v);
}

static void detached_stack_is_refused(void **state)
{
	cJSON *j;
	vt *v;

	stack_on(state, "orphan");
	CON_CLI(*state, "integration", "delete", "Prod BB", "--yes");
	v = stacks_screen(state, "alice");
	WAIT(v, "detached (was Prod BB)");
	vt_send(v, "T");
	WAIT(v, "Not possible");
	WAIT(v, "is detached (its integration");
	WAIT(v, "picks a new integration");
	ABSENT(v, "Queued run");
	j = runs(state);
	assert_int_equal(cJSON_GetArraySize(j), 0);
	cJSON_Delete(j);
	vt_key(v, "Enter");
	GONE(v, "Not possible");
	vt_key(v, "Enter");
	WAIT(v, "Recent runs (newest first):");
	WAIT(v, "none yet (T triggers one)");
	vt_key(v, "Esc");
	GONE(v, "Recent runs");
	con_quit(v);
}

static void read_user_is_refused(void **state)
{
	cJSON *j;
	vt *v;

	stack_on(state, "infra");
	CON_CLI(*state, "user", "grant", "carol", "--space", "root", "--role", "read");
	v = stacks_screen(state, "carol");
	WAIT(v, "infra");
	vt_send(v, "T");
	WAIT(v, "Not possible");
	WAIT(v, "Triggering a run needs the write role in space root");
	ABSENT(v, "Queued run");
	j = runs(state);
	assert_int_equal(cJSON_GetArraySize(j), 0);
	cJSON_Delete(j);
	vt_key(v, "Enter");
	GONE(v, "Not possible");
	con_quit(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(trigger_queues_a_run, setup, con_teardown),
		cmocka_unit_test_setup_teardown(detached_stack_is_refused, setup, con_teardown),
		cmocka_unit_test_setup_teardown(read_user_is_refused, setup, con_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
