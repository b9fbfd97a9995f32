/* Screen tests of the console's start: first-time setup, the too-small
 * screen and resize, NO_COLOR, the empty list. */
#include "test_console_lib.h"

static void first_time_setup_creates_the_account(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	vt *v = con_spawn(h, "alice", 80, 24, NULL);

	WAIT(v, "first-time setup");
	WAIT(v, "you (alice)");
	GOLDEN(v, "console_setup");
	con_type(v, "Acme", "Enter");
	con_type(v, NULL, "Right");
	con_type(v, NULL, "Right");
	con_type(v, NULL, "Enter");          /* business */
	con_type(v, "http://hooks.acme.example", NULL);
	WAIT(v, "must use https");
	con_type(v, NULL, "Ctrl-U");
	con_type(v, "https://hooks.acme.example", "Enter");
	GONE(v, "must use https");
	con_type(v, NULL, "Enter");          /* Create account */
	WAIT(v, "Bitbucket Cloud integrations");
	WAIT(v, "No integrations yet. Press n to create one.");
	WAIT(v, "you are admin of root");
	con_quit(v);

	cliexec(h, &r, "alice", NULL, "user", "list", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "alice"));
	assert_non_null(strstr(r.out, "admin"));
	cliexec_free(&r);
	cliexec(h, &r, "alice", NULL, "init", "--account", "Again", "--webhook-base",
		"https://x.example", "--json", NULL);
	assert_int_equal(r.status, 65);        /* set up once only */
	cliexec_free(&r);
}

/* Arrow keys alone: Down and Up move between the fields, Right picks the plan. */
static void arrow_keys_alone_fill_the_form(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	vt *v = con_spawn(h, "alice", 80, 24, NULL);
	cJSON *j;

	WAIT(v, "first-time setup");
	con_type(v, "Acme", "Down");
	con_type(v, NULL, "Right");
	con_type(v, NULL, "Right");          /* business */
	con_type(v, NULL, "Down");
	con_type(v, "https://hooks.acme.example", "Up");
	con_type(v, NULL, "Up");
	con_type(v, " Corp", "Down");        /* back on the name, then on */
	con_type(v, NULL, "Down");
	con_type(v, NULL, "Down");
	con_type(v, NULL, "Enter");          /* Create account */
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);

	cliexec(h, &r, "alice", NULL, "audit", "--json", NULL);
	cliexec_assert_ok(&r);
	j = cliexec_json(&r);
	assert_non_null(strstr(r.out, "\"name\":\"Acme Corp\""));
	assert_non_null(strstr(r.out, "\"plan\":\"business\""));
	assert_non_null(strstr(r.out, "\"webhook_base\":\"https://hooks.acme.example\""));
	cJSON_Delete(j);
	cliexec_free(&r);
}

static void setup_refuses_an_empty_name_and_esc_quits(void **state)
{
	cliexec_home *h = *state;
	int status = -1;
	vt *v = con_spawn(h, "alice", 60, 16, NULL);

	WAIT(v, "first-time setup");
	GOLDEN(v, "console_setup");
	con_type(v, NULL, "Tab");
	con_type(v, NULL, "Tab");
	con_type(v, NULL, "Tab");
	con_type(v, NULL, "Enter");
	WAIT(v, "The account name is required.");
	con_type(v, NULL, "Esc");
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	assert_int_equal(WEXITSTATUS(status), 0);
	vt_free(v);
}

static void too_small_then_resized(void **state)
{
	cliexec_home *h = *state;
	vt *v;

	cliexec_init(h, NULL);
	v = con_spawn(h, "alice", 50, 12, NULL);
	WAIT(v, "Terminal too small");
	GOLDEN(v, "console_too_small");
	assert_int_equal(vt_resize(v, 80, 24), 0);
	WAIT(v, "Bitbucket Cloud integrations");
	GONE(v, "Terminal too small");
	assert_int_equal(vt_resize(v, 59, 24), 0);
	WAIT(v, "Terminal too small");
	assert_int_equal(vt_resize(v, 60, 16), 0);
	WAIT(v, "No integrations yet");
	con_quit(v);
}

static void no_color_is_honoured(void **state)
{
	cliexec_home *h = *state;
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Prod BB", NULL, "prod", NULL);
	v = con_spawn(h, "alice", 80, 24, NULL);
	WAIT(v, "Prod BB");
	EVENTUALLY(v, vt_any_color(v));
	con_quit(v);

	v = con_spawn(h, "alice", 80, 24, "NO_COLOR=1");
	WAIT(v, "Prod BB");
	/* the selection still shows, without colour */
	EVENTUALLY(v, vt_cell_at(v, 2, 0).reverse);
	GOLDEN(v, "console_home_nocolor");
	FINALLY(v, !vt_any_color(v));
	con_quit(v);
}

static void a_stranger_is_refused_before_the_screen_opens(void **state)
{
	cliexec_home *h = *state;
	int status = -1;
	vt *v;

	cliexec_init(h, NULL);
	v = con_spawn(h, "mallory", 80, 24, NULL);
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	assert_int_equal(WEXITSTATUS(status), 77);
	assert_false(vt_altscreen(v));
	vt_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(arrow_keys_alone_fill_the_form, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(first_time_setup_creates_the_account, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(setup_refuses_an_empty_name_and_esc_quits,
						con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(too_small_then_resized, con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(no_color_is_honoured, con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(a_stranger_is_refused_before_the_screen_opens,
						con_setup, con_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
