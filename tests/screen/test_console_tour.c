/* The README's short tour: golden captures of the main screens at 80x24 over
 * one small, fixed account (three integrations, a few stacks and modules, one
 * detached stack). README.md shows these files and tests/cli/test_readme.c
 * keeps the two in step, so what the README shows is what the program draws.
 *
 * Times are fixed with BBCONSOLE_NOW, for the seeding commands and for the
 * console. The account id (a ULID, random per database) is masked in the
 * captures by a fixed one of the same length. */
#include "test_console_lib.h"

#define TOUR_NOW "BBCONSOLE_NOW=2026-11-24T09:30:00.000Z"
#define TOUR_ULID "01JD0000000000000000000000"

typedef struct tour {
	cliexec_home home;
	char account_id[32];
} tour;

/* Runs a command as alice at the fixed time and asserts it succeeded; the
 * result is left in r for the caller to read (and free). */
static void tour_run(const tour *t, cliexec_result *r, const char *input, const char *const *args)
{
	char db[sizeof t->home.db + 16];
	const char *env[] = {db, "BBCONSOLE_USER=alice", TOUR_NOW, NULL};

	snprintf(db, sizeof db, "BBCONSOLE_DB=%s", t->home.db);
	cliexec_free(r);
	assert_int_equal(cliexec_run(args, input, env, r), 0);
	cliexec_assert_ok(r);
}

#define TOUR_CLI(t, input, ...)                                                 \
	do {                                                                    \
		cliexec_result r_ = {0};                                        \
		const char *a_[] = {__VA_ARGS__, NULL};                         \
		tour_run((t), &r_, (input), a_);                                \
		cliexec_free(&r_);                                              \
	} while (0)

static void tour_account(tour *t)
{
	const char *args[] = {"init", "--account", "Acme", "--plan", "business",
			      "--webhook-base", "https://webhooks.acme.example", "--json", NULL};
	cliexec_result r = {0};
	cJSON *j;
	const char *id;

	tour_run(t, &r, NULL, args);
	j = cliexec_json(&r);
	id = con_jstr(j, "id");
	assert_non_null(id);
	assert_int_equal(strlen(id), strlen(TOUR_ULID));
	snprintf(t->account_id, sizeof t->account_id, "%s", id);
	cJSON_Delete(j);
	cliexec_free(&r);
}

static void tour_stack(tour *t, const char *kind, const char *name, const char *space,
		       const char *integration, const char *repository)
{
	if (strcmp(kind, "module") == 0)
		TOUR_CLI(t, NULL, "stack", "create", name, "--space", space, "--integration",
			 integration, "--repository", repository, "--module");
	else
		TOUR_CLI(t, NULL, "stack", "create", name, "--space", space, "--integration",
			 integration, "--repository", repository);
}

/* The account of the tour, seeded once for every capture. */
static void tour_seed(tour *t)
{
	tour_account(t);
	TOUR_CLI(t, NULL, "space", "create", "infra");
	TOUR_CLI(t, NULL, "user", "grant", "bob", "--space", "infra", "--role", "admin");
	TOUR_CLI(t, TOKEN, "integration", "create", "--name", "Prod BB", "--default",
		 "--email", "ops@acme.example", "--token-stdin", "--label", "prod",
		 "--description", "The organisation's main Bitbucket workspace.");
	TOUR_CLI(t, TOKEN, "integration", "create", "--name", "Infra BB", "--space", "infra",
		 "--email", "infra@acme.example", "--token-stdin", "--label", "team-infra",
		 "--label", "eu", "--workspace", "acme-infra");
	TOUR_CLI(t, TOKEN, "integration", "create", "--name", "Legacy BB", "--space", "root",
		 "--email", "legacy@acme.example", "--token-stdin", "--label", "legacy");
	tour_stack(t, "stack", "network", "root", "legacy-bb", "acme/network");
	tour_stack(t, "stack", "dns", "infra", "legacy-bb", "acme/dns");
	tour_stack(t, "module", "vpc", "root", "legacy-bb", "acme/tf-aws-vpc");
	tour_stack(t, "stack", "cluster", "infra", "infra-bb", "acme-infra/k8s");
	/* one stack whose integration is gone */
	TOUR_CLI(t, TOKEN, "integration", "create", "--name", "Old BB", "--space", "root",
		 "--email", "old@acme.example", "--token-stdin");
	tour_stack(t, "stack", "reports", "root", "old-bb", "acme/reports");
	TOUR_CLI(t, NULL, "integration", "delete", "Old BB", "--yes");
}

static int tour_setup(void **state)
{
	tour *t = calloc(1, sizeof *t);

	if (!t)
		return -1;
	cliexec_home_make(&t->home);
	*state = t;
	tour_seed(t);
	return 0;
}

static int tour_teardown(void **state)
{
	tour *t = *state;

	cliexec_home_remove(&t->home);
	free(t);
	return 0;
}

static vt *tour_console(const tour *t)
{
	vt *v = con_spawn(&t->home, "alice", 80, 24, TOUR_NOW);

	WAIT(v, "Bitbucket Cloud integrations");
	WAIT(v, "Legacy BB");
	return v;
}

/* Compares with tests/screen/golden/<name>.80x24.txt, the account id masked,
 * once the program stopped drawing. */
static void tour_golden(const tour *t, vt *v, const char *name)
{
	const char *pairs[] = {t->account_id, TOUR_ULID, NULL};

	SETTLED(v);
	assert_true(vt_golden_masked(v, name, pairs));
}

/* The screen row holding text, or -1. */
static int tour_row_of(vt *v, const char *text)
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

/* The row of the selection (the first reversed row below the title), or -1. */
static int tour_selected_row(vt *v)
{
	for (int row = 1; row < vt_rows(v) - 2; row++)
		if (vt_cell_at(v, row, 0).reverse)
			return row;
	return -1;
}

/* Moves the selection of the list to the row holding text: Home, then one
 * Down per row between the selection and that row, waiting for each move. */
static void tour_select(vt *v, const char *text)
{
	int want, first;

	EVENTUALLY(v, (want = tour_row_of(v, text)) > 0);
	vt_key(v, "Home");
	EVENTUALLY(v, (first = tour_selected_row(v)) > 0 && first <= want);
	for (int row = first + 1; row <= want; row++) {
		vt_key(v, "Down");
		EVENTUALLY(v, tour_selected_row(v) == row);
	}
}

static void home_lists_the_integrations(void **state)
{
	tour *t = *state;
	vt *v = tour_console(t);

	WAIT(v, "Infra BB");
	tour_golden(t, v, "tour_home");
	con_quit(v);
}

static void wizard_previews_the_slug_and_endpoint(void **state)
{
	tour *t = *state;
	vt *v = tour_console(t);

	con_type(v, "n", NULL);
	WAIT(v, "Step 1 of 7");
	con_type(v, "Staging BB", NULL);
	WAIT(v, "staging-bb");
	tour_golden(t, v, "tour_wizard_name");
	con_type(v, NULL, "Esc");
	WAIT(v, "Discard");
	con_type(v, "y", NULL);
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

static void details_of_an_admin_mask_the_secret(void **state)
{
	tour *t = *state;
	vt *v = tour_console(t);

	tour_select(v, "Prod BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	WAIT(v, "(r reveals)");
	tour_golden(t, v, "tour_details");
	con_type(v, "w", NULL);
	WAIT(v, "Webhook setup: Prod BB");
	tour_golden(t, v, "tour_webhook");
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Prod BB");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

static void delete_lists_the_affected_stacks(void **state)
{
	tour *t = *state;
	vt *v = tour_console(t);

	tour_select(v, "Legacy BB");
	con_type(v, "d", NULL);
	WAIT(v, "3 stacks and modules use it");
	WAIT(v, "acme/tf-aws-vpc");
	tour_golden(t, v, "tour_delete");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

static void stacks_mark_the_detached_one(void **state)
{
	tour *t = *state;
	vt *v = tour_console(t);

	con_type(v, "S", NULL);
	WAIT(v, "Stacks and modules");
	WAIT(v, "detached (was Old BB)");
	tour_golden(t, v, "tour_stacks");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(home_lists_the_integrations),
		cmocka_unit_test(wizard_previews_the_slug_and_endpoint),
		cmocka_unit_test(details_of_an_admin_mask_the_secret),
		cmocka_unit_test(delete_lists_the_affected_stacks),
		cmocka_unit_test(stacks_mark_the_detached_one),
	};

	return cmocka_run_group_tests(tests, tour_setup, tour_teardown);
}
