/* Screen tests of the webhook table (home, Enter on the integration, w): the
 * repositories the stacks use are listed as never checked, f checks and
 * fixes them all through the API (the fake then holds the hooks), Enter says
 * what the selected row's state means, and Esc cancels a slow fix while the
 * screen stays. Against the fake Bitbucket server. */
#include "test_fake_lib.h"

static void two_stacks(void **state)
{
	CON_CLI(*state, "stack", "create", "app", "--space", "root", "--integration", "Prod BB",
		"--repository", "ws0/repo-00000");
	CON_CLI(*state, "stack", "create", "net", "--space", "root", "--integration", "Prod BB",
		"--repository", "ws0/repo-00001");
}

static vt *open_webhook(void **state)
{
	vt *v = con_spawn(*state, "alice", 80, 24, NULL);

	WAIT(v, "Prod BB");
	vt_key(v, "Enter");
	WAIT(v, "Integration: Prod BB");
	vt_key(v, "w");
	WAIT(v, "Webhook setup: Prod BB");
	return v;
}

static void f_fixes_every_repository(void **state)
{
	char dump[4096];
	vt *v;

	two_stacks(state);
	v = open_webhook(state);
	WAIT(v, "ws0/repo-00000");
	WAIT(v, "ws0/repo-00001");
	WAIT(v, "never");
	vt_key(v, "f");
	WAIT(v, "2 repositories: 2 with a working webhook, 0 not; 2 webhooks changed.");
	GONE(v, "never");
	EVENTUALLY(v, vt_has_text(v, "ok "));
	vt_key(v, "Enter");
	WAIT(v, "ws0/repo-00000: ok. The webhook is active");
	ABSENT(v, FAKE_TOKEN);
	assert_int_equal(fake_get(&srv, "/_hooks", dump, sizeof dump), 200);
	assert_non_null(strstr(dump, "ws0/repo-0000"));
	con_quit(v);
}

static void enter_says_what_is_wrong_before_a_check(void **state)
{
	vt *v;

	two_stacks(state);
	v = open_webhook(state);
	WAIT(v, "ws0/repo-00000");
	vt_key(v, "j");
	vt_key(v, "Enter");
	WAIT(v, "ws0/repo-00001: unchecked");
	WAIT(v, "press f to check and fix");
	con_quit(v);
}

static void esc_cancels_a_slow_fix(void **state)
{
	vt *v;

	two_stacks(state);
	fake_control(&srv, "mode=ok&latency=3000");
	v = open_webhook(state);
	WAIT(v, "ws0/repo-00000");
	vt_key(v, "f");
	WAIT(v, "Fixing webhooks:");
	vt_key(v, "Esc");
	WAIT(v, "Cancelled");
	WAIT(v, "Webhook setup: Prod BB"); /* the screen stays */
	fake_control(&srv, "mode=ok&latency=0");
	con_quit(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(f_fixes_every_repository, setup, con_teardown),
		cmocka_unit_test_setup_teardown(enter_says_what_is_wrong_before_a_check, setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(esc_cancels_a_slow_fix, setup, con_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
