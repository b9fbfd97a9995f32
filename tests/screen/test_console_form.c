/* Screen tests of the integration form and its neighbours at the declared
 * minimum, 60x16: every wizard step, the webhook screen and the delete
 * confirmation against goldens with all their text readable (scrolled with
 * PgDn where it is taller than the window); the Type step's Enter; a token
 * pasted where it would show; Ctrl-C and the too-small screen keeping typed
 * input; and the smaller items (setup's refusal shown once, the secret on one
 * row with C to copy, the delete wording, local times with their zone). */
#include "test_console_lib.h"

#include <sqlite3.h>

#define ULID "01JD0000000000000000000000"

typedef struct form {
	cliexec_home home;
	char account_id[32];
} form;

static int form_setup(void **state)
{
	form *t = calloc(1, sizeof *t);
	cliexec_result r = {0};
	cJSON *j;

	if (!t)
		return -1;
	cliexec_home_make(&t->home);
	cliexec(&t->home, &r, "alice", NULL, "init", "--account", "Acme", "--plan", "business",
		"--webhook-base", "https://webhooks.acme.example", "--json", NULL);
	cliexec_assert_ok(&r);
	j = cliexec_json(&r);
	snprintf(t->account_id, sizeof t->account_id, "%s", con_jstr(j, "id"));
	cJSON_Delete(j);
	cliexec_free(&r);
	CON_CLI(&t->home, "space", "create", "infra");
	*state = t;
	return 0;
}

static int form_teardown(void **state)
{
	form *t = *state;

	cliexec_home_remove(&t->home);
	free(t);
	return 0;
}

static void shot(const form *t, vt *v, const char *name)
{
	const char *pairs[] = {t->account_id, ULID, NULL};

	SETTLED(v);
	assert_true(vt_golden_masked(v, name, pairs));
}

/* The row holding text (-1: none). */
static int row_of(vt *v, const char *text)
{
	for (int row = 0; row < vt_rows(v); row++) {
		char *line = vt_row(v, row);
		bool here = line && strstr(line, text);

		free(line);
		if (here)
			return row;
	}
	return -1;
}

/* How many times text is on the screen. */
static int count_of(vt *v, const char *text)
{
	char *s = vt_screen_text(v);
	int n = 0;

	for (const char *p = s; p && (p = strstr(p, text)); p += strlen(text))
		n++;
	free(s);
	return n;
}

static vt *open_wizard(const form *t, int cols, int rows, const char *extra)
{
	vt *v = con_spawn(&t->home, "alice", cols, rows, extra);

	WAIT(v, "Bitbucket Cloud integrations");
	vt_key(v, "n");
	WAIT(v, "Step 1 of 7: Name");
	return v;
}

/* ---- 60x16 -------------------------------------------------------------------- */

static void every_wizard_step_fits_60x16(void **state)
{
	form *t = *state;
	vt *v;

	con_integration(&t->home, "Prod BB", NULL, NULL, NULL); /* Default is then disabled */
	v = open_wizard(t, 60, 16, NULL);
	con_type(v, "Staging BB", NULL);
	WAIT(v, "integration/staging-bb");
	/* the permanence warning whole, and the buttons on their own row */
	WAIT(v, "changed after creation.");
	EVENTUALLY(v, row_of(v, "[ < Back ]") > row_of(v, "changed after creation."));
	shot(t, v, "form_wizard_name");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 2 of 7: Type");
	WAIT(v, "exists already");
	shot(t, v, "form_wizard_type");
	con_type(v, NULL, "Enter");
	WAIT(v, "Enter goes on:");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 3 of 7: Email");
	con_type(v, "ops@acme.example", NULL);
	shot(t, v, "form_wizard_email");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 4 of 7: API token");
	vt_paste(v, "tok_form_test_0123456789\n");
	/* the help text whole, above the buttons instead of under them */
	WAIT(v, "never shown again.");
	EVENTUALLY(v, row_of(v, "[ < Back ]") > row_of(v, "never shown again."));
	shot(t, v, "form_wizard_token");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 5 of 7: Labels");
	con_type(v, "prod", "Enter");
	WAIT(v, "[prod]");
	shot(t, v, "form_wizard_labels");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 6 of 7: Description");
	con_type(v, "First line of the description", "Enter");
	con_type(v, "second line", NULL);
	shot(t, v, "form_wizard_description");
	con_type(v, NULL, "Ctrl-D");
	WAIT(v, "Step 7 of 7: Review");
	/* taller than the window: the endpoint whole, the rest one PgDn away */
	WAIT(v, "integration/");
	WAIT(v, "staging-bb");
	WAIT(v, "PgDn for more");
	con_type(v, NULL, "PgDn");
	WAIT(v, "Could not connect");        /* the background check has answered */
	WAIT(v, "second line");
	WAIT(v, "PgUp goes back");
	EVENTUALLY(v, row_of(v, "[ < Back ]") > row_of(v, "second line"));
	shot(t, v, "form_wizard_review_end");
	con_type(v, NULL, "PgUp");
	WAIT(v, "Id (slug)");
	shot(t, v, "form_wizard_review");
	con_type(v, NULL, "Enter");
	WAIT(v, "Webhook setup: Staging BB");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	/* the list selects the integration just created, not the first row */
	EVENTUALLY(v, row_of(v, "Staging BB") > 0 && vt_cell_at(v, row_of(v, "Staging BB"), 0).reverse);
	FINALLY(v, !vt_cell_at(v, row_of(v, "Prod BB"), 0).reverse);
	vt_free(v);
}

static void webhook_and_delete_fit_60x16(void **state)
{
	form *t = *state;
	vt *v;

	con_integration(&t->home, "Legacy BB", "root", NULL, NULL);
	CON_CLI(&t->home, "stack", "create", "network", "--space", "root", "--integration",
		"legacy-bb", "--repository", "acme/network");
	v = con_spawn(&t->home, "alice", 60, 16, NULL);
	WAIT(v, "Legacy BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Legacy BB");
	con_type(v, "w", NULL);
	WAIT(v, "Webhook setup: Legacy BB");
	WAIT(v, "PgDn for more");
	shot(t, v, "form_webhook");
	con_type(v, NULL, "PgDn");
	WAIT(v, "lets runs find a commit's pull requests.");
	WAIT(v, "acme/network");
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Legacy BB");
	/* the edit form: every field reachable, the token's note whole */
	con_type(v, "e", NULL);
	WAIT(v, "Edit integration: Legacy BB");
	WAIT(v, "(empty keeps the saved token)");
	WAIT(v, "PgDn for more");
	shot(t, v, "form_edit");
	for (int i = 0; i < 6; i++)
		vt_key(v, "Tab");                /* to the description */
	WAIT(v, "Description");
	WAIT(v, "Workspaces");
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Legacy BB");
	con_type(v, "d", NULL);
	WAIT(v, "1 stack or module uses");
	WAIT(v, "They will be detached");
	WAIT(v, "Repository");
	shot(t, v, "form_delete");
	con_type(v, NULL, "Enter");
	WAIT(v, "Type the name Legacy BB to delete it");
	shot(t, v, "form_delete_typed");
	vt_free(v);
}

/* More stacks than rows: the delete list says where the selection is. */
static void delete_list_shows_its_position(void **state)
{
	form *t = *state;
	vt *v;

	con_integration(&t->home, "Legacy BB", "root", NULL, NULL);
	for (int i = 0; i < 5; i++) {
		char name[32], repo[48];

		snprintf(name, sizeof name, "stack-%d", i);
		snprintf(repo, sizeof repo, "acme/repo-%d", i);
		CON_CLI(&t->home, "stack", "create", name, "--space", "root", "--integration",
			"legacy-bb", "--repository", repo);
	}
	v = con_spawn(&t->home, "alice", 60, 16, NULL);
	WAIT(v, "Legacy BB");
	con_type(v, "d", NULL);
	WAIT(v, "5 stacks and modules use");
	WAIT(v, "1/5");
	vt_key(v, "Down");
	WAIT(v, "2/5");
	vt_free(v);
}

/* ---- the Type step and pastes -------------------------------------------------- */

static void type_step_enter_takes_the_choice_and_goes_on(void **state)
{
	form *t = *state;
	vt *v = open_wizard(t, 80, 24, NULL);

	con_type(v, "Team BB", "Enter");
	WAIT(v, "Step 2 of 7: Type");
	vt_key(v, "Down");                   /* Space */
	con_type(v, NULL, "Enter");          /* into the picker (root and infra) */
	WAIT(v, "Enter goes on:");
	vt_key(v, "Down");                   /* infra */
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 3 of 7: Email");
	/* a token pasted here (the step the user thought was the token's) is refused */
	vt_paste(v, "tok_form_paste_0123456789\n");
	WAIT(v, "looks like an API token");
	ABSENT(v, "tok_form_paste");
	con_type(v, NULL, "Esc");
	WAIT(v, "Step 2 of 7: Type");
	con_type(v, NULL, "Esc");
	WAIT(v, "Step 1 of 7: Name");
	/* an Atlassian token in the name field is refused too; tabs are said to go */
	vt_paste(v, "ATATT3xFfGF0T4l0ngT0kenF0rm");
	WAIT(v, "looks like an API token");
	ABSENT(v, "ATATT3x");
	vt_key(v, "Ctrl-U");
	vt_paste(v, "Team\tBB\n");
	WAIT(v, "tabs and line breaks were left out");
	WAIT(v, "TeamBB");
	vt_free(v);
}

static void triple_dash_name_needs_a_letter_or_digit(void **state)
{
	form *t = *state;
	vt *v = open_wizard(t, 80, 24, NULL);

	con_type(v, "---", NULL);
	WAIT(v, "The name has no letter or digit");
	ABSENT(v, "is empty");
	vt_free(v);
}

/* ---- typed input is kept -------------------------------------------------------- */

static void ctrl_c_keeps_typed_input_as_a_draft(void **state)
{
	form *t = *state;
	vt *v = open_wizard(t, 80, 24, NULL);
	int status = -1;

	con_type(v, "Draft BB", "Enter");
	WAIT(v, "Step 2 of 7");
	vt_send(v, "\x03");                  /* Ctrl-C: SIGINT from the terminal */
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	vt_free(v);
	v = con_spawn(&t->home, "alice", 80, 24, NULL);
	WAIT(v, "Unfinished integration");
	WAIT(v, "Draft BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 2 of 7");
	vt_free(v);
}

static void too_small_q_does_not_lose_typed_input(void **state)
{
	form *t = *state;
	vt *v = open_wizard(t, 80, 24, NULL);
	int status = -1;

	con_type(v, "Kept BB", NULL);
	WAIT(v, "kept-bb");
	assert_int_equal(vt_resize(v, 50, 12), 0);
	WAIT(v, "Terminal too small");
	WAIT(v, "what you typed is");
	con_type(v, "q", NULL);
	assert_false(vt_wait_exit(v, &status, 500)); /* still running */
	assert_int_equal(vt_resize(v, 80, 24), 0);
	WAIT(v, "Step 1 of 7: Name");
	WAIT(v, "Kept BB");
	vt_free(v);
	/* without typed input, q still quits there */
	v = open_wizard(t, 80, 24, NULL);
	assert_int_equal(vt_resize(v, 50, 12), 0);
	WAIT(v, "or press q to");
	con_type(v, "q", NULL);
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	vt_free(v);
}

/* ---- the smaller items ------------------------------------------------------------ */

static void setup_refusal_shown_once_above_the_button(void **state)
{
	cliexec_home h;
	vt *v;

	(void)state;
	cliexec_home_make(&h);
	v = con_spawn(&h, "alice", 60, 16, NULL);
	WAIT(v, "first-time setup");
	con_type(v, "Acme", "Tab");
	vt_key(v, "Tab");
	con_type(v, "http://hooks.acme.example", NULL);
	WAIT(v, "must use https");
	vt_key(v, "Tab");
	con_type(v, NULL, "Enter");           /* Create, refused */
	SETTLED(v);
	FINALLY(v, count_of(v, "must use https") == 1);
	FINALLY(v, row_of(v, "Create account") > row_of(v, "must use https"));
	vt_free(v);
	cliexec_home_remove(&h);
}

static void secret_stays_on_one_row_and_copies(void **state)
{
	form *t = *state;
	cJSON *j;
	char secret[80];
	vt *v;

	con_integration(&t->home, "Prod BB", NULL, NULL, NULL);
	{
		cliexec_result r = {0};

		cliexec(&t->home, &r, "alice", NULL, "integration", "show", "Prod BB",
			"--reveal-secret", "--json", NULL);
		cliexec_assert_ok(&r);
		j = cliexec_json(&r);
		cliexec_free(&r);
	}
	snprintf(secret, sizeof secret, "%s", con_jstr(j, "webhook_secret"));
	cJSON_Delete(j);
	assert_int_equal(strlen(secret), 64);
	v = con_spawn(&t->home, "alice", 80, 24, NULL);
	WAIT(v, "Prod BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	WAIT(v, "t diagnose");
	con_type(v, "r", NULL);
	WAIT(v, secret);                     /* all 64 characters on one row */
	WAIT(v, "C copies it");
	con_type(v, "C", NULL);
	WAIT(v, "Sent the webhook secret");
	/* the rotation's dialog copies the new one */
	con_type(v, "R", NULL);
	WAIT(v, "Rotate the webhook secret?");
	con_type(v, "y", NULL);
	WAIT(v, "Secret rotated");
	WAIT(v, "Copy secret");
	con_type(v, NULL, "Enter");
	WAIT(v, "Sent the webhook secret");
	GONE(v, secret);
	vt_free(v);
}

static void delete_wording_follows_the_count(void **state)
{
	form *t = *state;
	vt *v;

	con_integration(&t->home, "Lone BB", "root", NULL, NULL);
	v = con_spawn(&t->home, "alice", 80, 24, NULL);
	WAIT(v, "Lone BB");
	con_type(v, "d", NULL);
	WAIT(v, "No stack or module uses it.");
	ABSENT(v, "They will be detached");
	con_type(v, NULL, "Enter");
	WAIT(v, "Type the name Lone BB to delete it.");
	con_type(v, "Lone", NULL);
	WAIT(v, "does not match");
	con_type(v, " BB", NULL);
	GONE(v, "does not match");
	con_type(v, NULL, "Enter");
	WAIT(v, "Deleted integration lone-bb.");
	vt_free(v);
}

/* Times in the console are local with their zone (TZ honoured); JSON stays UTC. */
static void times_are_local_with_their_zone(void **state)
{
	form *t = *state;
	cliexec_result r = {0};
	vt *v;

	con_integration(&t->home, "Prod BB", NULL, NULL, NULL);
	CON_CLI(&t->home, "stack", "create", "network", "--space", "root", "--integration",
		"prod-bb", "--repository", "acme/network");
	/* the database says ...T09:30:00Z; JST is nine hours ahead */
	{
		sqlite3 *db;

		assert_int_equal(sqlite3_open(t->home.db, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "UPDATE integration SET created_at = "
					      "'2026-11-24T09:30:00.000Z'; UPDATE stack SET "
					      "created_at = '2026-11-24T09:30:00.000Z'", NULL, NULL,
					      NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	v = con_spawn(&t->home, "alice", 80, 24, "TZ=JST-9");
	WAIT(v, "Prod BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	WAIT(v, "2026-11-24 18:30 JST");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_type(v, "S", NULL);
	WAIT(v, "Stacks and modules");
	con_type(v, NULL, "Enter");
	WAIT(v, "Created: 2026-11-24 18:30:00 JST");
	vt_free(v);
	cliexec(&t->home, &r, "alice", NULL, "integration", "show", "Prod BB", "--json", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "2026-11-24T09:30:00"));
	cliexec_free(&r);
}

static void edit_opens_the_description_at_its_start(void **state)
{
	form *t = *state;
	char desc[2000];
	size_t n = 0;
	vt *v;

	n += (size_t)snprintf(desc + n, sizeof desc - n, "Top line of the text");
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(desc + n, sizeof desc - n, "\nline %d", i);
	con_integration(&t->home, "Prod BB", NULL, NULL, desc);
	v = con_spawn(&t->home, "alice", 80, 24, NULL);
	WAIT(v, "Prod BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	con_type(v, "e", NULL);
	WAIT(v, "Edit integration: Prod BB");
	WAIT(v, "Top line of the text");
	vt_free(v);
}

static void detached_row_keeps_the_old_name_when_narrow(void **state)
{
	form *t = *state;
	vt *v;

	con_integration(&t->home, "Legacy BB", "root", NULL, NULL);
	CON_CLI(&t->home, "stack", "create", "network", "--space", "root", "--integration",
		"legacy-bb", "--repository", "acme/network");
	CON_CLI(&t->home, "integration", "delete", "Legacy BB", "--yes");
	v = con_spawn(&t->home, "alice", 60, 16, NULL);
	WAIT(v, "Bitbucket Cloud integrations");
	con_type(v, "S", NULL);
	WAIT(v, "Stacks and modules");
	WAIT(v, "was Legacy BB");
	vt_free(v);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, form_setup, form_teardown)

int main(void)
{
	setenv("BBCONSOLE_BITBUCKET_API", "http://127.0.0.1:1/2.0", 1);
	const struct CMUnitTest tests[] = {
		T(every_wizard_step_fits_60x16),
		T(webhook_and_delete_fit_60x16),
		T(delete_list_shows_its_position),
		T(type_step_enter_takes_the_choice_and_goes_on),
		T(triple_dash_name_needs_a_letter_or_digit),
		T(ctrl_c_keeps_typed_input_as_a_draft),
		T(too_small_q_does_not_lose_typed_input),
		cmocka_unit_test(setup_refusal_shown_once_above_the_button),
		T(secret_stays_on_one_row_and_copies),
		T(delete_wording_follows_the_count),
		T(times_are_local_with_their_zone),
		T(edit_opens_the_description_at_its_start),
		T(detached_row_keeps_the_old_name_when_narrow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
