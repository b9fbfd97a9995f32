/* Every screen of the console at 100x30 and 200x50, compared with golden
 * captures: wider terminals lay out differently (the webhook screen once
 * overflowed a stack buffer at 100 columns and more), and under ASan a
 * buffer overrun anywhere in drawing ends the run.
 *
 * One fixed account (as in the README's tour), times fixed with
 * BBCONSOLE_NOW, the account id masked. Each size is one session that opens
 * the resume offer, the list, help, details, webhook setup, edit, the rotate
 * question, troubleshooting, delete, the audit log, the stacks list, the
 * stack form, the repository picker, the integration chooser, the wizard
 * from its name step to the re-attach offer; and a second session on an
 * empty database for the first-time setup. */
#include <sqlite3.h>

#include "test_console_lib.h"

#define NOW "BBCONSOLE_NOW=2026-11-24T09:30:00.000Z"
#define ULID "01JD0000000000000000000000"

typedef struct sizes {
	cliexec_home home;
	char account_id[32];
} sizes;

static void run(sizes *t, const char *input, const char *const *args)
{
	char db[sizeof t->home.db + 16];
	const char *env[] = {db, "BBCONSOLE_USER=alice", NOW, NULL};
	cliexec_result r = {0};

	snprintf(db, sizeof db, "BBCONSOLE_DB=%s", t->home.db);
	assert_int_equal(cliexec_run(args, input, env, &r), 0);
	cliexec_assert_ok(&r);
	if (strcmp(args[0], "init") == 0) {
		cJSON *j = cliexec_json(&r);

		snprintf(t->account_id, sizeof t->account_id, "%s", con_jstr(j, "id"));
		cJSON_Delete(j);
	}
	cliexec_free(&r);
}

#define RUN(t, input, ...)                                      \
	do {                                                    \
		const char *a_[] = {__VA_ARGS__, NULL};         \
		run((t), (input), a_);                          \
	} while (0)

static void seed(sizes *t)
{
	RUN(t, NULL, "init", "--account", "Acme", "--plan", "business", "--webhook-base",
	    "https://webhooks.acme.example", "--json");
	RUN(t, NULL, "space", "create", "infra");
	RUN(t, TOKEN, "integration", "create", "--name", "Prod BB", "--default", "--email",
	    "ops@acme.example", "--token-stdin", "--label", "prod", "--description",
	    "The organisation's main Bitbucket workspace.");
	RUN(t, TOKEN, "integration", "create", "--name", "Legacy BB", "--space", "root", "--email",
	    "legacy@acme.example", "--token-stdin", "--label", "legacy");
	RUN(t, NULL, "stack", "create", "network", "--space", "root", "--integration", "legacy-bb",
	    "--repository", "acme/network");
	RUN(t, NULL, "stack", "create", "vpc", "--space", "infra", "--integration", "legacy-bb",
	    "--repository", "acme/tf-aws-vpc", "--module");
	RUN(t, TOKEN, "integration", "create", "--name", "Old BB", "--space", "root", "--email",
	    "old@acme.example", "--token-stdin");
	RUN(t, NULL, "stack", "create", "reports", "--space", "root", "--integration", "old-bb",
	    "--repository", "acme/reports");
	RUN(t, NULL, "integration", "delete", "Old BB", "--yes");
}

static int sizes_setup(void **state)
{
	sizes *t = calloc(1, sizeof *t);

	if (!t)
		return -1;
	cliexec_home_make(&t->home);
	*state = t;
	seed(t);
	return 0;
}

static int sizes_teardown(void **state)
{
	sizes *t = *state;

	cliexec_home_remove(&t->home);
	free(t);
	return 0;
}

/* A draft of the wizard for "Old BB" (the name the detached stack keeps),
 * so that finishing it ends on the re-attach offer. */
static void plant_draft(const sizes *t)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(t->home.db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT OR REPLACE INTO draft VALUES ('alice', "
				      "'{\"step\":3,\"name\":\"Old BB\",\"type\":\"space\","
				      "\"space\":\"root\",\"email\":\"old@acme.example\","
				      "\"labels\":[],\"label_input\":\"\",\"description\":\"\"}', "
				      "'2026-11-24T09:30:00.000Z')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void shot(const sizes *t, vt *v, const char *name)
{
	/* a column too narrow for the whole id shows a start of it and an
	 * ellipsis: each start of 8 characters or more is masked too, longest
	 * first, by as many characters of ULID */
	char from[26][32], to[26][32];
	const char *pairs[2 * 26 + 1];
	size_t n = 0, len = strlen(t->account_id);

	pairs[n++] = t->account_id;
	pairs[n++] = ULID;
	for (size_t k = len - 1, i = 0; len > 8 && k >= 8 && i < 26; k--, i++) {
		snprintf(from[i], sizeof from[i], "%.*s", (int)k, t->account_id);
		snprintf(to[i], sizeof to[i], "%.*s", (int)k, ULID);
		pairs[n++] = from[i];
		pairs[n++] = to[i];
	}
	pairs[n] = NULL;
	assert_true(vt_wait_quiet(v, 150, WAIT_MS));
	assert_true(vt_golden_masked(v, name, pairs));
}

/* Moves the selection of a list to the row holding text. */
static void select_row(vt *v, const char *text)
{
	for (int i = 0; i < 4; i++) {
		vt_key(v, "Home");
		for (int j = 0; j < i; j++)
			vt_key(v, "Down");
		assert_true(vt_wait_quiet(v, 50, WAIT_MS));
		for (int row = 0; row < vt_rows(v); row++) {
			char *line = vt_row(v, row);
			bool here = line && strstr(line, text) && vt_cell_at(v, row, 0).reverse;

			free(line);
			if (here)
				return;
		}
	}
	fail_msg("no list row with \"%s\" could be selected", text);
}

static void integration_screens(const sizes *t, vt *v)
{
	select_row(v, "Prod BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	WAIT(v, "(r reveals)");
	shot(t, v, "sizes_details");
	con_type(v, "w", NULL);
	WAIT(v, "Webhook setup: Prod BB");
	WAIT(v, "(r reveals)");
	shot(t, v, "sizes_webhook");
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Prod BB");
	con_type(v, "e", NULL);
	WAIT(v, "Edit integration: Prod BB");
	shot(t, v, "sizes_edit");
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Prod BB");
	con_type(v, "R", NULL);
	WAIT(v, "otate");
	shot(t, v, "sizes_rotate");
	con_type(v, NULL, "Esc");
	GONE(v, "Rotate the webhook secret?");
	con_type(v, "t", NULL);
	WAIT(v, "Troubleshooting: Prod BB");
	WAIT(v, "Could not connect to Bitbucket at");
	shot(t, v, "sizes_troubleshoot");
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Prod BB");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	select_row(v, "Legacy BB");
	con_type(v, "d", NULL);
	WAIT(v, "2 stacks and modules use it");
	shot(t, v, "sizes_delete");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_type(v, "a", NULL);
	WAIT(v, "Audit log");
	WAIT(v, "When v");
	shot(t, v, "sizes_audit");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
}

static void stack_screens(const sizes *t, vt *v)
{
	con_type(v, "S", NULL);
	WAIT(v, "Stacks and modules");
	WAIT(v, "detached (was Old BB)");
	shot(t, v, "sizes_stacks");
	con_type(v, "n", NULL);
	WAIT(v, "New stack or module");
	con_type(v, "api", NULL);
	WAIT(v, "Name          api");
	shot(t, v, "sizes_stack_form");
	for (int i = 0; i < 4; i++)
		vt_key(v, "Tab");
	vt_key(v, "Enter");
	WAIT(v, "Repositories readable by");
	WAIT(v, "to use a repository anyway");
	shot(t, v, "sizes_repo_picker");
	con_type(v, NULL, "Esc");
	WAIT(v, "New stack or module");
	con_type(v, NULL, "Esc");
	WAIT(v, "Discard the new stack?");
	con_type(v, "y", NULL);
	WAIT(v, "Stacks and modules");
	select_row(v, "reports");
	con_type(v, "i", NULL);
	WAIT(v, "Integration for stack reports");
	shot(t, v, "sizes_stack_choose");
	con_type(v, NULL, "Esc");
	GONE(v, "Integration for stack reports");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
}

/* The draft, resumed at the token step, finished: review, then the offer to
 * re-attach the stack detached from "Old BB". */
static void wizard_screens(const sizes *t, vt *v)
{
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 4 of 7: API token");
	shot(t, v, "sizes_wizard_token");
	con_type(v, "tok_sizes_0123456789", "Enter");
	WAIT(v, "Step 5 of 7");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 6 of 7");
	con_type(v, NULL, "Ctrl-D");
	WAIT(v, "Step 7 of 7");
	WAIT(v, "Could not connect"); /* the background verification has answered */
	shot(t, v, "sizes_wizard_review");
	con_type(v, NULL, "Enter");
	WAIT(v, "Re-attach detached stacks?");
	shot(t, v, "sizes_reattach");
}

static void every_screen_at(sizes *t, int cols, int rows)
{
	vt *v;

	plant_draft(t);
	v = con_spawn(&t->home, "alice", cols, rows, NOW);
	WAIT(v, "Unfinished integration");
	shot(t, v, "sizes_resume");
	con_type(v, NULL, "Esc"); /* later: the draft stays */
	WAIT(v, "Legacy BB");
	shot(t, v, "sizes_home");
	con_type(v, "?", NULL);
	WAIT(v, "Help: Bitbucket Cloud integrations");
	shot(t, v, "sizes_help");
	con_type(v, NULL, "Esc");
	GONE(v, "Help:");
	con_type(v, "n", NULL);
	WAIT(v, "Step 1 of 7");
	con_type(v, "Staging BB", NULL);
	WAIT(v, "staging-bb");
	shot(t, v, "sizes_wizard_name");
	con_type(v, NULL, "Esc");
	WAIT(v, "Discard");
	con_type(v, "y", NULL);
	WAIT(v, "Bitbucket Cloud integrations");
	integration_screens(t, v);
	stack_screens(t, v);
	vt_free(v);
	/* again, to finish the draft this time */
	v = con_spawn(&t->home, "alice", cols, rows, NOW);
	WAIT(v, "Unfinished integration");
	wizard_screens(t, v);
	vt_free(v);
}

static void every_screen_at_100x30(void **state)
{
	every_screen_at(*state, 100, 30);
}

static void every_screen_at_200x50(void **state)
{
	every_screen_at(*state, 200, 50);
}

static void setup_at(int cols, int rows)
{
	cliexec_home h;
	vt *v;

	cliexec_home_make(&h);
	v = con_spawn(&h, "alice", cols, rows, NOW);
	WAIT(v, "bbconsole - first-time setup");
	assert_true(vt_wait_quiet(v, 150, WAIT_MS));
	assert_true(vt_golden(v, "sizes_setup"));
	vt_free(v);
	cliexec_home_remove(&h);
}

static void first_time_setup_at_both_sizes(void **state)
{
	(void)state;
	setup_at(100, 30);
	setup_at(200, 50);
}

int main(void)
{
	/* the checks and the picker fail the same way on every machine */
	setenv("BBCONSOLE_BITBUCKET_API", "http://127.0.0.1:1/2.0", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_screen_at_100x30, sizes_setup, sizes_teardown),
		cmocka_unit_test_setup_teardown(every_screen_at_200x50, sizes_setup, sizes_teardown),
		cmocka_unit_test(first_time_setup_at_both_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
