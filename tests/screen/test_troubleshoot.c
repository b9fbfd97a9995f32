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
	/* the selected check's result first; its curl command a PgDn away */
	WAIT(v, "Bitbucket accepts the email and the API token.");
	WAIT(v, "PgDn for more");
	vt_key(v, "PgDn");
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

/* The pane's indicator ("rows A-B of N"): its screen row, or -1. */
static int pane_indicator(vt *v, int *a, int *b, int *n)
{
	for (int r = vt_rows(v) - 1; r >= 0; r--) {
		char *line = vt_row(v, r);
		const char *at = line ? strstr(line, "rows ") : NULL;
		bool ok = at && sscanf(at, "rows %d-%d of %d", a, b, n) == 3;

		free(line);
		if (ok)
			return r;
	}
	return -1;
}

/* Pages through the selected check's text with PgDn, keeping each body row
 * once (from column 2), and says whether the rows read in order hold
 * sentence. */
static bool scrolled_text_holds(vt *v, const char *sentence)
{
	char rows[64][128] = {{0}}, text[64 * 128 + 64] = "";
	int a = 0, b = 0, n = 0, last_a = -1;
	size_t used = 0;

	for (int page = 0; page < 20; page++) {
		int r;

		if (!VT_UNTIL(v, WAIT_MS, (r = pane_indicator(v, &a, &b, &n)) >= 0 && a != last_a))
			return false;
		for (int i = 0; i <= b - a && a - 1 + i < 64; i++) {
			char *line = vt_row(v, r - (b - a + 1) + i);
			size_t len = line ? strlen(line) : 0;

			while (len > 2 && line[len - 1] == ' ')
				line[--len] = '\0';
			snprintf(rows[a - 1 + i], sizeof rows[0], "%s", len > 2 ? line + 2 : "");
			free(line);
		}
		if (b >= n)
			break;
		last_a = a;
		vt_key(v, "PgDn");
	}
	for (int i = 0; i < n && i < 64; i++)
		if (rows[i][0])
			used += (size_t)snprintf(text + used, sizeof text - used, "%s%s",
						 used ? " " : "", rows[i]);
	return b >= n && strstr(text, sentence) != NULL;
}

/* At 60x16 the failed check's sentence comes first, above the curl command,
 * and is taller than the pane: the text scrolls (PgDn) and every word of it
 * can be read. */
static void failure_sentence_scrolls_at_60x16(void **state)
{
	vt *v;

	fake_control(&srv, "mode=401text");
	v = open_troubleshooting(*state, 60, 16);
	WAIT(v, "FAILED");
	WAIT(v, "  Bitbucket refused the email"); /* the pane's first row, once it is in */
	WAIT(v, "PgDn for more");
	assert_true(scrolled_text_holds(v, "Bitbucket refused the email or API token: the "
					"username must be your Atlassian account email with an "
					"API token (app passwords no longer work), so check both "
					"and update the integration."));
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
		cmocka_unit_test_setup_teardown(failure_sentence_scrolls_at_60x16, setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(unreachable_bitbucket_golden, setup, con_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
