/* Screen tests of the list, details, webhook, edit, rotate, delete and audit
 * screens: reveal for admins and the reason for others, typed delete
 * confirmation and re-attach, wide characters, escape sequences from the
 * database shown harmlessly, vi keys and arrows. Data is seeded through the
 * command line. */
#include "test_console_lib.h"

#include <locale.h>
#include <sqlite3.h>
#include <wchar.h>

static vt *open_list(const cliexec_home *h, const char *user)
{
	vt *v = con_spawn(h, user, 80, 24, NULL);

	WAIT(v, "Bitbucket Cloud integrations");
	return v;
}

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

static void admin_reveals_reader_sees_why_not(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char *secret, head[41];
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Prod BB", NULL, "prod", NULL);
	CON_CLI(h, "user", "grant", "carol", "--space", "root", "--role", "read");
	secret = secret_of(h, "Prod BB");

	v = open_list(h, "alice");
	WAIT(v, "Prod BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	WAIT(v, "(r reveals)");
	ABSENT(v, secret);
	con_type(v, "r", NULL);
	WAIT(v, "written to the audit log");
	snprintf(head, sizeof head, "%s", secret); /* the secret may wrap at 80 columns */
	WAIT(v, head);
	con_type(v, NULL, "Esc");                       /* leaving hides it */
	WAIT(v, "Bitbucket Cloud integrations");
	con_type(v, NULL, "Enter");
	WAIT(v, "(r reveals)");
	ABSENT(v, head);
	con_type(v, "w", NULL);
	WAIT(v, "Webhook setup: Prod BB");
	con_type(v, "C", NULL);
	WAIT(v, "Reveal the secret with r first");
	con_type(v, "r", NULL);
	WAIT(v, secret);
	con_type(v, "C", NULL);
	WAIT(v, "Sent the webhook secret");
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Prod BB");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);

	cliexec(h, &r, "alice", NULL, "audit", "--json", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "reveal"));
	assert_null(strstr(r.out, secret));
	cliexec_free(&r);

	v = open_list(h, "carol");
	WAIT(v, "Prod BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	WAIT(v, "needs the admin role in space");
	ABSENT(v, "ops@acme.example");
	con_type(v, "r", NULL);
	WAIT(v, "you (carol) have read");
	WAIT(v, "ask an admin of root."); /* the whole sentence, not cut at 80 columns */
	ABSENT(v, head);
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_type(v, "d", NULL);
	WAIT(v, "Deleting integration");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
	free(secret);
}

/* A reader sees in the hint bars and the help only what the role allows, and
 * a key for anything else says why at once: no wizard, no "Rotate?". */
static void reader_sees_only_what_the_role_allows(void **state)
{
	cliexec_home *h = *state;
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Prod BB", NULL, NULL, NULL);
	CON_CLI(h, "user", "grant", "carol", "--space", "root", "--role", "read");
	v = open_list(h, "carol");
	WAIT(v, "Prod BB");
	assert_true(vt_wait_row(v, 23, "Enter open  / filter  S stacks  s spaces  ? help  q quit", WAIT_MS));
	con_type(v, "n", NULL);
	WAIT(v, "Creating an integration needs the admin role in a space; you (carol) are admin");
	ABSENT(v, "Step 1 of 7");
	con_type(v, "?", NULL);
	WAIT(v, "Help: Bitbucket Cloud integrations");
	WAIT(v, "Show every stack and module you may see.");
	ABSENT(v, "Create an integration with the setup wizard.");
	ABSENT(v, "Show the audit log");
	ABSENT(v, "Delete the selected integration");
	con_type(v, NULL, "Esc");
	GONE(v, "Help: Bitbucket Cloud integrations");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	assert_true(vt_wait_row(v, 23, "t diagnose  s stacks  Esc back  ? help", WAIT_MS));
	ABSENT(v, "(r reveals)");
	con_type(v, "R", NULL);
	WAIT(v, "Rotating the webhook secret of integration Prod BB needs the admin role");
	ABSENT(v, "Rotate the webhook secret?");
	con_type(v, "e", NULL);
	WAIT(v, "Changing integration Prod BB needs the admin role");
	ABSENT(v, "Edit integration");
	con_type(v, "?", NULL);
	WAIT(v, "Help: Integration: Prod BB");
	WAIT(v, "List the stacks and modules that use it.");
	ABSENT(v, "Rotate the webhook secret");
	ABSENT(v, "Reveal the webhook secret");
	con_type(v, NULL, "Esc");
	GONE(v, "Help: Integration: Prod BB");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);

	/* an admin sees them all */
	v = open_list(h, "alice");
	WAIT(v, "Prod BB");
	assert_true(vt_wait_row(v, 23, "n new  d delete  / filter  S stacks  s spaces  ? help  q quit", WAIT_MS));
	con_type(v, NULL, "Enter");
	WAIT(v, "(r reveals)");
	assert_true(vt_wait_row(v, 23, "r reveal  e edit  w webhook  R rotate", WAIT_MS));
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

static void stacks_on(const cliexec_home *h, const char *integration, int n)
{
	for (int i = 0; i < n; i++) {
		char name[32], repo[64];

		snprintf(name, sizeof name, "stack-%d", i);
		snprintf(repo, sizeof repo, "acme/repo-%d", i);
		CON_CLI(h, "stack", "create", name, "--space", "root", "--integration", integration,
			"--repository", repo);
	}
}

static void delete_needs_the_typed_name_then_reattach(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Prod BB", NULL, NULL, NULL);
	stacks_on(h, "prod-bb", 3);
	v = open_list(h, "alice");
	WAIT(v, "Prod BB");
	con_type(v, "d", NULL);
	WAIT(v, "3 stacks and modules use it");
	WAIT(v, "acme/repo-2");
	WAIT(v, "no triggered runs");
	WAIT(v, "gives the same webhook");
	con_type(v, NULL, "Enter");             /* the typed confirmation */
	WAIT(v, "Type the name Prod BB to delete it");
	con_type(v, "prod bb", NULL);
	WAIT(v, "does not match");
	con_type(v, NULL, "Enter");
	WAIT(v, "Type the exact word shown");
	WAIT(v, "Delete integration: Prod BB");
	con_type(v, NULL, "Ctrl-U");
	con_type(v, "Prod BB", NULL);
	GONE(v, "does not match");
	con_type(v, NULL, "Enter");
	WAIT(v, "Deleted integration prod-bb; 3 stacks");
	WAIT(v, "No integrations yet");

	cliexec(h, &r, "alice", NULL, "stack", "list", "--detached", "--json", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "\"detached_from\":\"Prod BB\""));
	cliexec_free(&r);

	/* re-creating the name offers to re-attach them */
	con_type(v, "n", NULL);
	WAIT(v, "Step 1 of 7");
	con_type(v, "Prod BB", "Enter");
	WAIT(v, "Step 2 of 7");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 3 of 7");
	con_type(v, "ops@acme.example", "Enter");
	WAIT(v, "Step 4 of 7");
	con_type(v, "tok_again_1", "Enter");
	WAIT(v, "Step 5 of 7");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 6 of 7");
	con_type(v, NULL, "Ctrl-D");
	WAIT(v, "Step 7 of 7");
	con_type(v, NULL, "Enter");
	WAIT(v, "Re-attach detached stacks?");
	WAIT(v, "acme/repo-0");
	con_type(v, NULL, "Enter");                     /* Re-attach (the default) */
	WAIT(v, "Webhook setup: Prod BB");
	WAIT(v, "Re-attached 3 stacks");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);

	cliexec(h, &r, "alice", NULL, "stack", "list", "--detached", "--json", NULL);
	cliexec_assert_ok(&r);
	assert_null(strstr(r.out, "stack-"));
	cliexec_free(&r);
}

/* Display column where `needle` starts on row `row` (-1 when absent). */
static int column_of(vt *v, int row, const char *needle)
{
	char *text = vt_row(v, row), *at = strstr(text, needle);
	wchar_t wbuf[256];
	int col = -1;

	if (at) {
		*at = '\0';
		setlocale(LC_CTYPE, "C.UTF-8");
		if (mbstowcs(wbuf, text, 256) != (size_t)-1)
			col = wcswidth(wbuf, 256);
	}
	free(text);
	return col;
}

static void wide_labels_align_in_the_list(void **state)
{
	cliexec_home *h = *state;
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Alpha", NULL, "\xe6\x9c\xac\xe7\x95\xaa\xe7\x92\xb0\xe5\xa2\x83", NULL);
	CON_CLI(h, "space", "create", "dev");
	con_integration(h, "Beta", "dev", "prod", NULL);
	con_integration(h, "Gamma", "dev",
			"\xe3\x81\x82\xe3\x81\x84\xe3\x81\x86\xe3\x81\x88\xe3\x81\x8a\xe3\x81\x8b"
			"\xe3\x81\x8d\xe3\x81\x8f\xe3\x81\x91\xe3\x81\x93\xe3\x81\x95\xe3\x81\x97",
			NULL);
	v = open_list(h, "alice");
	WAIT(v, "Gamma");
	GOLDEN(v, "console_home_cjk");
	FINALLY(v, column_of(v, 1, "Stacks") > 0);
	for (int row = 2; row <= 4; row++)
		FINALLY(v, column_of(v, row, "token set") == column_of(v, 1, "Credentials"));
	con_quit(v);
}

static void escape_sequences_from_the_database_are_harmless(void **state)
{
	cliexec_home *h = *state;
	sqlite3 *db;
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Evil", NULL, "ok", "plain");
	/* something else wrote the database: the console must not trust it */
	assert_int_equal(sqlite3_open(h->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE integration SET description = "
				      "'title' || char(27) || ']0;pwned' || char(7) || char(27) || "
				      "'[2J cleared', labels = '[\"x' || char(27) || '[31mred\"]'",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	v = open_list(h, "alice");
	WAIT(v, "Evil");
	WAIT(v, "^[[31mred");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Evil");
	WAIT(v, "title^[]0;pwned^G^[[2J cleared");
	FINALLY(v, strstr(vt_raw(v, NULL), "\033]0;pwned") == NULL);
	FINALLY(v, strstr(vt_raw(v, NULL), "\033[31mred") == NULL);
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

static void vi_keys_and_arrows_move_and_filter(void **state)
{
	cliexec_home *h = *state;
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "alpha", NULL, NULL, NULL);
	CON_CLI(h, "space", "create", "dev");
	con_integration(h, "beta", "dev", NULL, NULL);
	con_integration(h, "gamma", "dev", NULL, NULL);
	v = open_list(h, "alice");
	WAIT(v, "gamma");
	EVENTUALLY(v, vt_cell_at(v, 2, 0).reverse);
	con_type(v, "j", NULL);
	EVENTUALLY(v, vt_cell_at(v, 3, 0).reverse);
	EVENTUALLY(v, !vt_cell_at(v, 2, 0).reverse);
	con_type(v, NULL, "Down");
	EVENTUALLY(v, vt_cell_at(v, 4, 0).reverse);
	con_type(v, "k", NULL);
	EVENTUALLY(v, vt_cell_at(v, 3, 0).reverse);
	con_type(v, NULL, "Up");
	EVENTUALLY(v, vt_cell_at(v, 2, 0).reverse);
	con_type(v, "G", NULL);
	EVENTUALLY(v, vt_cell_at(v, 4, 0).reverse);
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: gamma");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_type(v, "/", NULL);
	con_type(v, "bet", NULL);
	GONE(v, "gamma");
	WAIT(v, "beta");
	con_type(v, NULL, "Esc");
	WAIT(v, "gamma");
	con_type(v, "?", NULL);
	WAIT(v, "Create an integration with the setup wizard.");
	con_type(v, NULL, "Esc");
	GONE(v, "Create an integration with the setup wizard.");
	con_quit(v);
}

static void audit_log_for_root_admins_only(void **state)
{
	cliexec_home *h = *state;
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Prod BB", NULL, NULL, NULL);
	CON_CLI(h, "user", "grant", "carol", "--space", "root", "--role", "write");
	v = open_list(h, "alice");
	con_type(v, "a", NULL);
	WAIT(v, "Audit log");
	WAIT(v, "When v");
	WAIT(v, "integration.create");
	WAIT(v, "alice");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
	v = open_list(h, "carol");
	con_type(v, "a", NULL);
	WAIT(v, "Reading the audit log needs the admin role");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

static void edit_saves_and_a_stale_edit_keeps_the_input(void **state)
{
	cliexec_home *h = *state;
	cJSON *j;
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Prod BB", NULL, "prod", NULL);
	v = open_list(h, "alice");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	con_type(v, "e", NULL);
	WAIT(v, "Edit integration: Prod BB");
	WAIT(v, "needs plan business or enterprise");
	con_type(v, NULL, "Ctrl-U");
	con_type(v, "new@acme.example", NULL);
	WAIT(v, "new@acme.example");
	/* someone else changes it meanwhile */
	CON_CLI(h, "integration", "update", "Prod BB", "--description", "changed elsewhere");
	con_type(v, NULL, "Ctrl-O");
	WAIT(v, "was changed by someone else");
	WAIT(v, "Edit integration: Prod BB");
	WAIT(v, "new@acme.example");
	con_type(v, NULL, "Esc");
	WAIT(v, "Discard the changes?");
	con_type(v, "y", NULL);
	WAIT(v, "Integration: Prod BB");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_type(v, NULL, "Enter");
	WAIT(v, "changed elsewhere");
	con_type(v, "e", NULL);
	WAIT(v, "Edit integration: Prod BB");
	con_type(v, NULL, "Ctrl-U");
	con_type(v, "new@acme.example", "Tab");
	con_type(v, NULL, "Tab");                       /* labels */
	con_type(v, "extra", "Enter");
	WAIT(v, "[extra]");
	con_type(v, NULL, "Ctrl-O");
	WAIT(v, "Saved.");
	WAIT(v, "prod, extra");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
	j = con_show(h, "Prod BB");
	assert_string_equal(con_jstr(j, "email"), "new@acme.example");
	assert_string_equal(con_jstr(j, "description"), "changed elsewhere");
	cJSON_Delete(j);
}

static void rotate_asks_then_shows_the_new_secret(void **state)
{
	cliexec_home *h = *state;
	char *before, *after;
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Prod BB", NULL, NULL, NULL);
	before = secret_of(h, "Prod BB");
	v = open_list(h, "alice");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	con_type(v, "R", NULL);
	WAIT(v, "Rotate the webhook secret?");
	con_type(v, NULL, "Esc");                       /* No */
	GONE(v, "Rotate the webhook secret?");
	con_type(v, "R", NULL);
	WAIT(v, "Rotate the webhook secret?");
	con_type(v, "y", NULL);
	WAIT(v, "Secret rotated");
	after = secret_of(h, "Prod BB");
	assert_string_not_equal(before, after);
	WAIT(v, after);
	con_type(v, NULL, "Enter");
	GONE(v, "Secret rotated");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
	free(before);
	free(after);
}

/* Copy sends the endpoint with OSC 52 and says so in a sentence that is shown
 * whole, even though it is longer than the 80-column message line. */
static void copy_sends_osc52_and_says_so_in_full(void **state)
{
	cliexec_home *h = *state;
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Prod BB", NULL, "prod", NULL);
	v = open_list(h, "alice");
	WAIT(v, "Prod BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	con_type(v, "w", NULL);
	WAIT(v, "Webhook setup: Prod BB");
	con_type(v, "c", NULL);
	WAIT(v, "Sent the webhook endpoint");
	WAIT(v, "allow it.");
	EVENTUALLY(v, strstr(vt_raw(v, NULL), "\033]52;c;") != NULL);
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Prod BB");
	GONE(v, "allow it."); /* the rows it covered are repainted */
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(reader_sees_only_what_the_role_allows, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(admin_reveals_reader_sees_why_not, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(delete_needs_the_typed_name_then_reattach, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(wide_labels_align_in_the_list, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(escape_sequences_from_the_database_are_harmless,
						con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(vi_keys_and_arrows_move_and_filter, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(audit_log_for_root_admins_only, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(edit_saves_and_a_stale_edit_keeps_the_input,
						con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(rotate_asks_then_shows_the_new_secret, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(copy_sends_osc52_and_says_so_in_full, con_setup,
						con_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
