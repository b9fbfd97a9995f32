/* Screen tests of the background verification from the details screen (v):
 * the result sentence appears without blocking, is recorded so the list
 * shows it, a refusal is shown plainly, and Esc cancels a slow check while
 * the screen stays. Against the fake Bitbucket server. */
#include "test_console_lib.h"

#include "../fake/spawn.h"

#define FAKE_TOKEN "tok_screen_test_0123456789"

static fake_server srv;

static const char *const srv_args[] = {"--email", "ops@acme.example", "--token", FAKE_TOKEN,
				       "--workspaces", "2", "--repos", "3", "--idle", "120",
				       NULL};

static int group_setup(void **state)
{
	(void)state;
	if (fake_start(&srv, srv_args) != 0)
		return -1;
	setenv("BBCONSOLE_BITBUCKET_API", srv.base, 1);
	setenv("BBCONSOLE_BACKOFF_MS", "5", 1);
	setenv("BBCONSOLE_HTTP_TIMEOUT_MS", "30000", 1);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fake_stop(&srv);
	return 0;
}

static int setup(void **state)
{
	if (con_setup(state) != 0)
		return -1;
	cliexec_init(*state, NULL);
	con_integration(*state, "Prod BB", NULL, NULL, NULL);
	return fake_control(&srv, "mode=ok&count=-1&match=&latency=0") == 200 ? 0 : -1;
}

/* An account without integrations. */
static int setup_empty(void **state)
{
	if (con_setup(state) != 0)
		return -1;
	cliexec_init(*state, NULL);
	return fake_control(&srv, "mode=ok&count=-1&match=&latency=0") == 200 ? 0 : -1;
}

static void verify_records_the_result_for_the_list(void **state)
{
	vt *v = con_spawn(*state, "alice", 80, 24, NULL);
	cliexec_result r = {0};

	WAIT(v, "Prod BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	con_type(v, "v", NULL);
	WAIT(v, "The token reaches 2 workspaces");
	WAIT(v, "last check: verified");
	assert_false(vt_has_text(v, FAKE_TOKEN));
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	WAIT(v, "verified");

	fake_control(&srv, "mode=401text");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	con_type(v, "v", NULL);
	WAIT(v, "Atlassian account email");
	WAIT(v, "last check: failed");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	WAIT(v, "verify failed");
	con_quit(v);

	cliexec(*state, &r, "alice", NULL, "integration", "show", "Prod BB", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "Verified:         failed at "));
	assert_non_null(strstr(r.out, "Atlassian account email"));
	cliexec_free(&r);
}

static void esc_cancels_a_slow_verify_and_stays(void **state)
{
	vt *v = con_spawn(*state, "alice", 80, 24, NULL);

	fake_control(&srv, "latency=60000");
	WAIT(v, "Prod BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	con_type(v, "v", NULL);
	WAIT(v, "Checking credentials");
	con_type(v, NULL, "Esc");
	WAIT(v, "Check cancelled.");
	assert_true(vt_has_text(v, "Integration: Prod BB")); /* Esc stopped the check only */
	con_type(v, "?", NULL); /* the screen still answers */
	WAIT(v, "Ask Bitbucket what the token can reach");
	fake_control(&srv, "latency=0");
	con_type(v, NULL, "Esc");
	GONE(v, "Ask Bitbucket what the token can reach");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

/* The wizard checks the token in the background after its step; the review
 * shows the outcome plainly, a refusal does not block creation, and the
 * outcome is recorded for the list. */
static void wizard_verifies_in_the_background(void **state)
{
	vt *v;

	fake_control(&srv, "mode=401text");
	v = con_spawn(*state, "alice", 80, 24, NULL);
	WAIT(v, "No integrations yet");
	con_type(v, "n", NULL);
	WAIT(v, "Step 1 of 7");
	con_type(v, "New BB", "Enter");
	WAIT(v, "Step 2 of 7");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 3 of 7");
	con_type(v, "ops@acme.example", "Enter");
	WAIT(v, "Step 4 of 7");
	con_type(v, FAKE_TOKEN, "Enter");
	WAIT(v, "Step 5 of 7");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 6 of 7");
	con_type(v, NULL, "Ctrl-D");
	WAIT(v, "Step 7 of 7");
	WAIT(v, "Atlassian account email");
	assert_false(vt_has_text(v, FAKE_TOKEN));
	con_type(v, NULL, "Enter"); /* Create: not blocked by the refusal */
	WAIT(v, "Webhook setup: New BB");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	WAIT(v, "verify failed");
	con_quit(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(verify_records_the_result_for_the_list, setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(esc_cancels_a_slow_verify_and_stays, setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(wizard_verifies_in_the_background, setup_empty,
						con_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
