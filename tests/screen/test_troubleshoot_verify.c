/* Screen tests of the background verification from the details screen (v):
 * the result sentence appears without blocking, is recorded so the list
 * shows it, a refusal is shown plainly, and Esc cancels a slow check while
 * the screen stays. Against the fake Bitbucket server. */
#include "test_fake_lib.h"

static void verify_records_the_result_for_the_list(void **state)
{
	vt *v = con_spawn(*state, "alice", 80, 24, NULL);
	cliexec_result r = {0};

	WAIT(v, "Prod BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	con_type(v, "v", NULL);
	WAIT(v, "The token reaches 2 workspaces");
	WAIT(v, "Every needed");
	WAIT(v, "last check: verified");
	ABSENT(v, FAKE_TOKEN);
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	WAIT(v, "verified");

	/* a token without the recommended workspace scope: verify names it */
	fake_control(&srv, "scopes=read:repository:bitbucket,read:pullrequest:bitbucket");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	con_type(v, "v", NULL);
	WAIT(v, "Recommended:");
	WAIT(v, "read:workspace:bitbucket.");
	fake_control(&srv, "scopes=account,pullrequest,repository,team"); /* the default again */
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");

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
	WAIT(v, "Integration: Prod BB"); /* Esc stopped the check only */
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
	ABSENT(v, FAKE_TOKEN);
	con_type(v, NULL, "Enter"); /* Create: not blocked by the refusal */
	WAIT(v, "Webhook setup: New BB");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	WAIT(v, "verify failed");
	con_quit(v);
}

/* The review's rows beside the 14-column labels (from column 16), joined
 * with single spaces: a wrapped sentence reads as one line. */
static bool review_says(vt *v, const char *sentence)
{
	char text[4096] = "";
	size_t used = 0;
	bool found;

	for (int r = 1; r < vt_rows(v) - 1; r++) {
		char *line = vt_row(v, r);
		size_t n = line ? strlen(line) : 0;

		while (n > 16 && line[n - 1] == ' ')
			line[--n] = '\0';
		if (n > 16 && used + n < sizeof text)
			used += (size_t)snprintf(text + used, sizeof text - used, "%s%s",
						 used ? " " : "", line + 16);
		free(line);
	}
	found = strstr(text, sentence) != NULL;
	return found;
}

#define ADVICE_401 "Bitbucket refused the email or API token: the username must be your " \
	"Atlassian account email with an API token (app passwords no longer work), so check " \
	"both and update the integration."

/* The wizard up to its review, the token refused with a 401. */
static vt *review_refused(void **state, const char *name, int cols, int rows)
{
	vt *v = con_spawn(*state, "alice", cols, rows, NULL);

	WAIT(v, "Bitbucket Cloud integrations");
	con_type(v, "n", NULL);
	WAIT(v, "Step 1 of 7");
	con_type(v, name, "Enter");
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
	return v;
}

/* Creates (a refusal never blocks) and quits from the list. */
static void create_and_quit(vt *v)
{
	con_type(v, NULL, "Enter");
	WAIT(v, "Webhook setup:");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

/* The 401 advice is shown whole on the review: every row it needs at 80x24,
 * and at 60x16 the body scrolls to its end. */
static void wizard_review_shows_the_whole_401_advice(void **state)
{
	vt *v;

	fake_control(&srv, "mode=401text");
	v = review_refused(state, "Wide BB", 80, 24);
	WAIT(v, "Bitbucket refused");
	EVENTUALLY(v, review_says(v, ADVICE_401));
	create_and_quit(v);
	v = review_refused(state, "Small BB", 60, 16);
	WAIT(v, "PgDn for more");
	ABSENT(v, "update the integration.");
	vt_key(v, "PgDn");
	EVENTUALLY(v, review_says(v, ADVICE_401));
	create_and_quit(v);
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
		cmocka_unit_test_setup_teardown(wizard_review_shows_the_whole_401_advice,
						setup_empty, con_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
