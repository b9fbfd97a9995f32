/* Screen tests of the webhook items outside the webhook screen: after a
 * rotation the dialog offers to write the new secret to the webhooks bbconsole
 * manages (progress, then how many were updated and which failed); the
 * stacks list marks stacks whose repository has no working webhook; Verify
 * and Troubleshooting say whether the token has the webhook scopes. Against
 * the fake Bitbucket server. */
#include "test_fake_lib.h"

static char *secret_of(const cliexec_home *h, const char *name)
{
	cliexec_result r = {0};
	cJSON *j;
	char *s;

	cliexec(h, &r, "alice", NULL, "integration", "show", name, "--reveal-secret", "--json",
		NULL);
	cliexec_assert_ok(&r);
	j = cliexec_json(&r);
	s = strdup(con_jstr(j, "webhook_secret"));
	cJSON_Delete(j);
	cliexec_free(&r);
	return s;
}

static void two_stacks(void **state)
{
	fake_get(&srv, "/_hooks?clear=1", NULL, 0);
	CON_CLI(*state, "stack", "create", "app", "--space", "root", "--integration", "Prod BB",
		"--repository", "ws0/repo-00000");
	CON_CLI(*state, "stack", "create", "net", "--space", "root", "--integration", "Prod BB",
		"--repository", "ws0/repo-00001");
}

static vt *open_details(void **state)
{
	vt *v = con_spawn(*state, "alice", 80, 24, NULL);

	WAIT(v, "Prod BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	return v;
}

static void rotate(vt *v)
{
	con_type(v, "R", NULL);
	WAIT(v, "Rotate the webhook secret?");
	con_type(v, "y", NULL);
	WAIT(v, "Secret rotated");
}

/* How many hooks of the fake hold secret s. */
static int hooks_holding(const char *s)
{
	char dump[8192];
	int n = 0;

	assert_int_equal(fake_get(&srv, "/_hooks", dump, sizeof dump), 200);
	for (const char *p = dump; (p = strstr(p, s)); p += strlen(s))
		n++;
	return n;
}

static void rotate_then_update_webhooks_writes_the_new_secret(void **state)
{
	char *secret;
	vt *v;

	two_stacks(state);
	CON_CLI(*state, "integration", "webhooks", "Prod BB", "--fix");
	v = open_details(state);
	rotate(v);
	WAIT(v, "bbconsole manages the webhooks of 2 repositories");
	WAIT(v, "Update webhooks");
	secret = secret_of(*state, "Prod BB");
	assert_int_equal(hooks_holding(secret), 0); /* not written before the answer */
	con_type(v, "y", NULL);
	GONE(v, "Secret rotated");
	WAIT(v, "Webhooks updated with the new secret: 2. None failed.");
	WAIT(v, "Every webhook bbconsole manages has the new secret.");
	ABSENT(v, FAKE_TOKEN);
	assert_int_equal(hooks_holding(secret), 2);
	free(secret);
	con_quit(v);
}

static void a_refused_update_is_named(void **state)
{
	vt *v;

	two_stacks(state);
	CON_CLI(*state, "integration", "webhooks", "Prod BB", "--fix");
	v = open_details(state);
	rotate(v);
	WAIT(v, "Update webhooks");
	fake_control(&srv, "mode=403scope&match=repo-00001/hooks&scope=write:webhook:bitbucket");
	con_type(v, "y", NULL);
	WAIT(v, "Webhooks updated with the new secret: 1. Not updated: ws0/repo-00001");
	WAIT(v, "Some webhooks were not updated");
	fake_control(&srv, "mode=ok&match=");
	con_quit(v);
}

static void the_update_shows_progress_and_esc_cancels_it(void **state)
{
	vt *v;

	two_stacks(state);
	CON_CLI(*state, "integration", "webhooks", "Prod BB", "--fix");
	v = open_details(state);
	rotate(v);
	WAIT(v, "Update webhooks");
	fake_control(&srv, "latency=3000");
	con_type(v, "y", NULL);
	WAIT(v, "Updating the webhooks with the new secret: 0 of");
	con_type(v, NULL, "Esc");
	WAIT(v, "Webhooks updated with the new secret: 0.");
	GONE(v, "Updating the webhooks");
	WAIT(v, "Integration: Prod BB"); /* Esc stopped the update only */
	fake_control(&srv, "latency=0");
	con_quit(v);
}

static void close_leaves_the_webhooks_alone(void **state)
{
	char *secret;
	vt *v;

	two_stacks(state);
	CON_CLI(*state, "integration", "webhooks", "Prod BB", "--fix");
	v = open_details(state);
	rotate(v);
	WAIT(v, "Update webhooks");
	con_type(v, "n", NULL);
	GONE(v, "Secret rotated");
	secret = secret_of(*state, "Prod BB");
	FINALLY(v, !vt_has_text(v, "Webhooks updated"));
	assert_int_equal(hooks_holding(secret), 0);
	free(secret);
	con_quit(v);
}

static void without_managed_webhooks_the_dialog_says_by_hand(void **state)
{
	vt *v = open_details(state);

	fake_get(&srv, "/_hooks?clear=1", NULL, 0);
	rotate(v);
	WAIT(v, "Update it in every repository's webhook in Bitbucket");
	ABSENT(v, "Update webhooks");
	con_type(v, NULL, "Enter");
	GONE(v, "Secret rotated");
	con_quit(v);
}

static void stacks_mark_repositories_without_a_working_webhook(void **state)
{
	vt *v;

	two_stacks(state);
	CON_CLI(*state, "integration", "webhooks", "Prod BB", "--fix");
	fake_get(&srv, "/_hooks?clear=1", NULL, 0); /* someone deleted them in Bitbucket */
	{
		cliexec_result r = {0}; /* the check finds them missing (exit 69) */

		cliexec(*state, &r, "alice", NULL, "integration", "webhooks", "Prod BB", NULL);
		assert_non_null(strstr(r.out, "missing"));
		cliexec_free(&r);
	}
	v = open_details(state);
	con_type(v, "s", NULL);
	WAIT(v, "Stacks and modules using prod-bb");
	WAIT(v, "! = no working webhook");
	WAIT(v, "!stack");
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Prod BB");
	con_quit(v);

	CON_CLI(*state, "integration", "webhooks", "Prod BB", "--fix");
	v = open_details(state);
	con_type(v, "s", NULL);
	WAIT(v, "Stacks and modules using prod-bb");
	WAIT(v, "repo-00001");
	ABSENT(v, "no working webhook");
	ABSENT(v, "!stack");
	con_quit(v);
}

static void verify_reports_the_webhook_scopes(void **state)
{
	vt *v = open_details(state);

	con_type(v, "v", NULL);
	WAIT(v, "Webhook scopes: held");
	fake_control(&srv, "mode=403scope&match=/hooks&scope=read:webhook:bitbucket");
	con_type(v, "v", NULL);
	WAIT(v, "read:webhook:bitbucket;");
	WAIT(v, "by hand in Bitbucket.");
	fake_control(&srv, "mode=ok&match=");
	con_quit(v);
}

/* Row of the pull-request check at 80x24 (as in test_troubleshoot.c). */
#define ROW_PR 7

static void troubleshoot_reports_the_webhook_scopes(void **state)
{
	vt *v;

	fake_control(&srv, "mode=403scope&match=/hooks&scope=read:webhook:bitbucket");
	v = open_details(state);
	con_type(v, "t", NULL);
	WAIT(v, "Troubleshooting: Prod BB");
	assert_true(vt_wait_row(v, ROW_PR, "no webhook scopes", WAIT_MS));
	con_type(v, "jjj", NULL); /* select the pull-request row: its detail */
	WAIT(v, "read:webhook:bitbucket;");
	WAIT(v, "by hand in Bitbucket.");
	fake_control(&srv, "mode=ok&match=");
	con_type(v, "v", NULL);
	WAIT(v, "Webhook scopes: held");
	GONE(v, "no webhook scopes");
	con_quit(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(rotate_then_update_webhooks_writes_the_new_secret,
						setup, con_teardown),
		cmocka_unit_test_setup_teardown(a_refused_update_is_named, setup, con_teardown),
		cmocka_unit_test_setup_teardown(the_update_shows_progress_and_esc_cancels_it, setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(close_leaves_the_webhooks_alone, setup, con_teardown),
		cmocka_unit_test_setup_teardown(without_managed_webhooks_the_dialog_says_by_hand,
						setup, con_teardown),
		cmocka_unit_test_setup_teardown(stacks_mark_repositories_without_a_working_webhook,
						setup, con_teardown),
		cmocka_unit_test_setup_teardown(verify_reports_the_webhook_scopes, setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(troubleshoot_reports_the_webhook_scopes, setup,
						con_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
