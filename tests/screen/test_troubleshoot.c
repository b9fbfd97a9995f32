/* Screen tests of the Troubleshooting screen (home, Enter on the integration,
 * t): the checks pass against a good fake server, a 401 and a 403 show their
 * sentence on the row that failed, the commit check runs on a typed commit,
 * the curl commands never hold the token, and Esc cancels a slow check at
 * once while the screen keeps answering keys. */
#include "test_fake_lib.h"

/* Rows of the checks at 80x24 (title, fields, blank, then the checks). */
enum { ROW_CREDS = 4, ROW_WS, ROW_REPOS, ROW_PR, ROW_LINKS };
#define ROW(v, row, text) assert_true(vt_wait_row((v), (row), (text), WAIT_MS))

/* home -> Enter on the integration -> t */
static vt *open_troubleshooting(const cliexec_home *h, int cols, int rows)
{
	vt *v = con_spawn(h, "alice", cols, rows, NULL);

	WAIT(v, "Prod BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	con_type(v, "t", NULL);
	WAIT(v, "Troubleshooting: Prod BB");
	return v;
}

static void leave(vt *v)
{
	GONE(v, "running"); /* Esc would cancel rather than go back */
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Prod BB");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

static void checks_pass_against_a_good_server(void **state)
{
	vt *v = open_troubleshooting(*state, 80, 24);

	ROW(v, ROW_WS, "ws0, ws1");
	ROW(v, ROW_REPOS, "6 repositories visible");
	ROW(v, ROW_PR, "readable");
	ROW(v, ROW_CREDS, "ok");
	ROW(v, ROW_LINKS, "not run");
	WAIT(v, "Bitbucket accepts the email and the API token.");
	WAIT(v, "curl -sS -D - -u 'ops@acme.example:'\"$BITBUCKET_API_TOKEN\"");
	ABSENT(v, "FAILED");
	ABSENT(v, FAKE_TOKEN);

	/* the commit check, on a typed repository and commit */
	con_type(v, NULL, "Tab");
	con_type(v, "ws0/repo-00001", "Enter");
	con_type(v, "0123abcd", "Enter");
	ROW(v, ROW_LINKS, "the app answers");
	WAIT(v, "The Pull Request Commit Links app answers for this commit.");
	WAIT(v, "repo-00001/commit/0123abcd/"); /* the URL wraps there */
	con_type(v, "c", NULL);
	WAIT(v, "Sent the curl command");
	EVENTUALLY(v, strstr(vt_raw(v, NULL), "\033]52;c;") != NULL);
	ABSENT(v, FAKE_TOKEN);
	FINALLY(v, strstr(vt_raw(v, NULL), FAKE_TOKEN) == NULL);
	leave(v);
}

static void failures_show_their_sentence_on_the_row(void **state)
{
	vt *v = open_troubleshooting(*state, 80, 24);

	ROW(v, ROW_REPOS, "6 repositories visible");
	fake_control(&srv, "mode=401text");
	con_type(v, "v", NULL);
	ROW(v, ROW_CREDS, "FAILED");
	WAIT(v, "Atlassian account email");
	ROW(v, ROW_WS, "not checked");
	ROW(v, ROW_PR, "not checked");

	fake_control(&srv, "mode=403scope&match=/pullrequests&scope=read:pullrequest:bitbucket");
	con_type(v, "v", NULL);
	ROW(v, ROW_PR, "FAILED");
	ROW(v, ROW_CREDS, "ok");
	ROW(v, ROW_REPOS, "6 repositories visible"); /* the checks before it passed */
	WAIT(v, "scope read:pullrequest:bitbucket");
	WAIT(v, "pullrequests?pagelen=10");
	leave(v);
}

static void esc_cancels_a_slow_check_and_keys_still_work(void **state)
{
	vt *v;

	fake_control(&srv, "latency=60000");
	v = open_troubleshooting(*state, 80, 24);
	ROW(v, ROW_CREDS, "running");
	con_type(v, NULL, "Esc");
	WAIT(v, "Checks cancelled.");
	GONE(v, "running");
	ROW(v, ROW_PR, "cancelled");
	/* still answering: j moves the selection to workspace access */
	con_type(v, "j", NULL);
	WAIT(v, "/user/workspaces'");
	con_type(v, NULL, "Esc"); /* nothing runs now: back */
	WAIT(v, "Integration: Prod BB");
	fake_control(&srv, "latency=0");
	con_type(v, "t", NULL);
	ROW(v, ROW_REPOS, "6 repositories visible");
	leave(v);
}

/* A reader reaches the screen but not the credentials: the sentence says
 * why, nothing is asked of Bitbucket, and the help comes from the key table. */
static void reader_sees_why_and_bitbucket_is_not_asked(void **state)
{
	long before;
	vt *v;

	CON_CLI(*state, "user", "grant", "bob", "--space", "root", "--role", "read");
	before = fake_requests(&srv, NULL);
	v = con_spawn(*state, "bob", 80, 24, NULL);
	WAIT(v, "Prod BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	con_type(v, "t", NULL);
	WAIT(v, "Troubleshooting: Prod BB");
	WAIT(v, "Using the credentials of the integration");
	ROW(v, ROW_CREDS, "not run");
	WAIT(v, "you@example.com"); /* the email stays hidden too */
	assert_int_equal(fake_requests(&srv, NULL), before);
	con_type(v, "?", NULL);
	WAIT(v, "Copy the selected check's curl command");
	con_type(v, NULL, "Esc");
	GONE(v, "Copy the selected check's curl command");
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Prod BB");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

/* At the smallest supported size the rows and the curl command still show. */
static void fits_60x16(void **state)
{
	vt *v = open_troubleshooting(*state, 60, 16);

	ROW(v, ROW_REPOS, "6 repositories");
	ROW(v, ROW_PR, "readable");
	WAIT(v, "curl -sS -D - -u");
	leave(v);
}

/* Against a closed port every check fails the same way, whatever the run:
 * the screen is stable enough for a golden file. */
static void unreachable_bitbucket_golden(void **state)
{
	vt *v;

	(void)state;
	/* port 9 (discard) has no listener here; a fixed port keeps the golden stable */
	setenv("BBCONSOLE_BITBUCKET_API", "http://127.0.0.1:9/2.0", 1);
	v = open_troubleshooting(*state, 80, 24);
	WAIT(v, "Could not connect to Bitbucket");
	ROW(v, ROW_CREDS, "FAILED");
	ROW(v, ROW_PR, "not checked");
	GOLDEN(v, "troubleshoot_unreachable");
	leave(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(checks_pass_against_a_good_server, setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(failures_show_their_sentence_on_the_row, setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(esc_cancels_a_slow_check_and_keys_still_work, setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(reader_sees_why_and_bitbucket_is_not_asked, setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(fits_60x16, setup, con_teardown),
		cmocka_unit_test_setup_teardown(unreachable_bitbucket_golden, setup, con_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
