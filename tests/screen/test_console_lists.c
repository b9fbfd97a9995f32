/* Screen tests of lists and long text: pickers and lists keep the selection
 * in view and say where it is ("12/30"); screens show what another process
 * changed within the deadline, without a key, and reload on Ctrl-L, F5 and
 * when they come back to the top; details scroll and search; the help
 * searches; the audit log has a header, a filter and opens an entry; lists
 * sort by column with the selection kept on its item. */
#include "test_console_lib.h"

#define NOW "BBCONSOLE_NOW=2026-11-24T09:30:00.000Z"
#define ULID "01JD0000000000000000000000"

/* The row and column (in cells) where text first shows, or false. */
static bool find_text(vt *v, const char *text, int *row, int *col)
{
	for (int r = 0; r < vt_rows(v); r++) {
		char *line = vt_row(v, r);
		const char *at = line ? strstr(line, text) : NULL;

		if (at) {
			int c = 0;

			for (const char *p = line; p < at; p++)
				c += ((unsigned char)*p & 0xc0) != 0x80; /* one per character */
			*row = r, *col = c;
		}
		free(line);
		if (at)
			return true;
	}
	return false;
}

/* True when text is on the screen in a reversed (selected or marked) cell. */
static bool reversed(vt *v, const char *text)
{
	int row, col;

	return find_text(v, text, &row, &col) && vt_cell_at(v, row, col).reverse;
}

/* True when the screen's row holding text starts reversed (the selection). */
static bool row_selected(vt *v, const char *text)
{
	int row, col;

	return find_text(v, text, &row, &col) && vt_cell_at(v, row, 0).reverse;
}

static void many_integrations(const cliexec_home *h, int n)
{
	char name[32];

	CON_CLI(h, "space", "create", "many");
	for (int i = 1; i <= n; i++) {
		snprintf(name, sizeof name, "Int %02d", i);
		con_integration(h, name, "many", NULL, NULL);
	}
}

/* ---- item 1: the selection stays in view, with its position --------------------- */

static void wizard_space_picker_follows_the_selection(void **state)
{
	cliexec_home *h = *state;
	char name[16];
	vt *v;

	cliexec_init(h, NULL);
	for (int i = 1; i <= 30; i++) {
		snprintf(name, sizeof name, "sp%02d", i);
		CON_CLI(h, "space", "create", name);
	}
	con_integration(h, "Prod BB", NULL, NULL, NULL); /* so that Default is taken */
	v = con_spawn(h, "alice", 80, 24, NULL);
	WAIT(v, "Bitbucket Cloud integrations");
	vt_key(v, "n");
	WAIT(v, "Step 1 of 7: Name");
	con_type(v, "Dev BB", "Enter");
	WAIT(v, "Step 2 of 7: Type");
	WAIT(v, "(*) Space");
	con_type(v, NULL, "Enter"); /* into the space picker */
	WAIT(v, "1/31");            /* root and the 30 spaces: they do not fit */
	for (int i = 0; i < 20; i++)
		vt_key(v, "j");
	WAIT(v, "21/31");
	WAIT(v, "(*) sp20");        /* the selection was drawn: the rows scrolled */
	GONE(v, "( ) root");
	vt_key(v, "Enter");
	WAIT(v, "Step 3 of 7: Email");
	vt_free(v);
}

static void long_home_list_shows_the_position(void **state)
{
	cliexec_home *h = *state;
	vt *v;

	cliexec_init(h, NULL);
	many_integrations(h, 30);
	v = con_spawn(h, "alice", 80, 24, NULL);
	WAIT(v, "Int 01");
	WAIT(v, "1/30");
	vt_key(v, "G");
	WAIT(v, "30/30");
	EVENTUALLY(v, row_selected(v, "Int 30"));
	vt_key(v, "k");
	WAIT(v, "29/30");
	EVENTUALLY(v, row_selected(v, "Int 29"));
	con_quit(v);
}

static void delete_list_follows_the_selection(void **state)
{
	cliexec_home *h = *state;
	char name[16];
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Prod BB", NULL, NULL, NULL);
	for (int i = 1; i <= 12; i++) {
		snprintf(name, sizeof name, "s%02d", i);
		CON_CLI(h, "stack", "create", name, "--space", "root", "--integration", "prod-bb",
			"--repository", "acme/network");
	}
	v = con_spawn(h, "alice", 80, 24, NULL);
	WAIT(v, "Prod BB");
	vt_key(v, "d");
	WAIT(v, "12 stacks and modules use it");
	WAIT(v, "1/12");
	ABSENT(v, "s12");
	for (int i = 0; i < 11; i++)
		vt_key(v, "Down");
	WAIT(v, "12/12");
	WAIT(v, "s12");                       /* the rows scrolled to the selection */
	GONE(v, "s01");
	vt_key(v, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

/* ---- item 2: fresh data ------------------------------------------------------------ */

static void other_process_changes_show_without_a_key(void **state)
{
	cliexec_home *h = *state;
	cJSON *j;
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Prod BB", NULL, NULL, "first words");
	v = con_spawn(h, "alice", 80, 24, NULL);
	WAIT(v, "Prod BB");
	con_integration(h, "Fresh BB", "root", NULL, NULL);
	WAIT(v, "Fresh BB");                  /* no key pressed */
	EVENTUALLY(v, row_selected(v, "Prod BB")); /* the selection followed its item */
	vt_key(v, "S");
	WAIT(v, "No stacks or modules yet");
	CON_CLI(h, "stack", "create", "network", "--space", "root", "--integration", "prod-bb",
		"--repository", "acme/network");
	WAIT(v, "acme/network");
	vt_key(v, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	EVENTUALLY(v, row_selected(v, "Prod BB"));
	vt_key(v, "Enter");
	WAIT(v, "Integration: Prod BB");
	WAIT(v, "first words");
	CON_CLI(h, "integration", "update", "Prod BB", "--description", "changed elsewhere");
	WAIT(v, "changed elsewhere");
	/* the edit form opens with the new values and saves without a conflict */
	vt_key(v, "e");
	WAIT(v, "Edit integration: Prod BB");
	WAIT(v, "changed elsewhere");
	vt_key(v, "Ctrl-O");
	WAIT(v, "Saved.");
	vt_key(v, "Esc");
	WAIT(v, "Integration: Prod BB");
	vt_key(v, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
	j = con_show(h, "Prod BB");
	assert_string_equal(con_jstr(j, "description"), "changed elsewhere");
	cJSON_Delete(j);
}

static void reload_keys_and_return_to_top(void **state)
{
	cliexec_home *h = *state;
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Prod BB", NULL, NULL, NULL);
	/* no watch: only the keys and the return to the top reload */
	v = con_spawn(h, "alice", 80, 24, "BBCONSOLE_WATCH_MS=0");
	WAIT(v, "Prod BB");
	con_integration(h, "Alpha BB", "root", NULL, NULL);
	ABSENT(v, "Alpha BB");
	vt_key(v, "Ctrl-L");
	WAIT(v, "Alpha BB");
	con_integration(h, "Beta BB", "root", NULL, NULL);
	ABSENT(v, "Beta BB");
	vt_key(v, "F5");
	WAIT(v, "Beta BB");
	vt_key(v, "S");
	WAIT(v, "Stacks and modules");
	con_integration(h, "Gamma BB", "root", NULL, NULL);
	vt_key(v, "Esc");
	WAIT(v, "Gamma BB");
	con_quit(v);
}

/* ---- item 4: long text -------------------------------------------------------------- */

static char *long_text(const char *end)
{
	size_t size = 4096, n = 0;
	char *s = malloc(size);

	assert_non_null(s);
	for (int i = 0; i < 200; i++)
		n += (size_t)snprintf(s + n, size - n, "word%d ", i);
	snprintf(s + n, size - n, "%s", end);
	return s;
}

static void details_scroll_and_search(void **state)
{
	cliexec_home *h = *state;
	char *text = long_text("needle at the end");
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Prod BB", NULL, NULL, text);
	free(text);
	v = con_spawn(h, "alice", 80, 24, NULL);
	WAIT(v, "Prod BB");
	vt_key(v, "Enter");
	WAIT(v, "Integration: Prod BB");
	WAIT(v, "rows 1-");                   /* longer than the screen: says so */
	ABSENT(v, "needle at the end");
	vt_key(v, "G");
	WAIT(v, "needle at the end");
	GONE(v, "Name          Prod BB");
	vt_key(v, "g");
	WAIT(v, "Name          Prod BB");
	GONE(v, "needle at the end");
	con_type(v, "/needle", "Enter");
	WAIT(v, "needle at the end");         /* the view went to the match */
	WAIT(v, "\"needle\": 1 row match");
	EVENTUALLY(v, reversed(v, "needle"));
	vt_key(v, "g");
	GONE(v, "needle at the end");
	vt_key(v, "n");
	WAIT(v, "needle at the end");
	con_type(v, "/nothing-like-it", "Enter");
	WAIT(v, "\"nothing-like-it\": 0 rows match");
	vt_key(v, "n");
	WAIT(v, "No row matches the search");
	vt_free(v);
}

static void help_search(void **state)
{
	cliexec_home *h = *state;
	vt *v;

	cliexec_init(h, NULL);
	v = con_spawn(h, "alice", 80, 24, NULL);
	WAIT(v, "Bitbucket Cloud integrations");
	vt_key(v, "?");
	WAIT(v, "Help: Bitbucket Cloud integrations");
	con_type(v, "/audit", "Enter");
	WAIT(v, "\"audit\": 1 row match");
	EVENTUALLY(v, reversed(v, "audit"));
	vt_key(v, "Esc");                     /* clears the search first */
	GONE(v, "row match");
	WAIT(v, "Help: Bitbucket Cloud integrations");
	vt_key(v, "Esc");
	GONE(v, "Help: Bitbucket Cloud integrations");
	con_quit(v);
}

static void audit_header_filter_and_entry(void **state)
{
	cliexec_home *h = *state;
	char *text = long_text("the-last-words");
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Prod BB", NULL, NULL, NULL);
	con_integration(h, "Zeta BB", "root", NULL, text);
	free(text);
	v = con_spawn(h, "alice", 120, 30, NULL);
	WAIT(v, "Bitbucket Cloud integrations");
	vt_key(v, "a");
	WAIT(v, "When v");
	WAIT(v, "Action");
	WAIT(v, "Target");
	WAIT(v, "integration:prod-bb");
	con_type(v, "/zeta", NULL);
	GONE(v, "integration:prod-bb");
	WAIT(v, "integration:zeta-bb");
	vt_key(v, "Enter");                   /* keeps the filter */
	vt_key(v, "Enter");                   /* opens the entry */
	WAIT(v, "Audit log: one entry");
	WAIT(v, "integration.create");
	WAIT(v, "word150");                   /* the details, wrapped, not cut at 5 characters */
	vt_key(v, "G");
	WAIT(v, "the-last-words");
	vt_key(v, "Esc");
	WAIT(v, "When v");
	WAIT(v, "integration:zeta-bb");
	con_quit(v);
}

/* ---- sorting -------------------------------------------------------------------------- */

static void sort_by_column_keeps_the_selection(void **state)
{
	cliexec_home *h = *state;
	int a, b, g, col;
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Alpha BB", NULL, NULL, NULL);
	con_integration(h, "Beta BB", "root", NULL, NULL);
	con_integration(h, "Gamma BB", "root", NULL, NULL);
	/* stacks whose names sort the other way round from their repositories */
	CON_CLI(h, "stack", "create", "z-net", "--space", "root", "--integration", "beta-bb",
		"--repository", "acme/alpha");
	CON_CLI(h, "stack", "create", "y-net", "--space", "root", "--integration", "beta-bb",
		"--repository", "acme/beta");
	CON_CLI(h, "stack", "create", "x-net", "--space", "root", "--integration", "beta-bb",
		"--repository", "acme/zeta");
	v = con_spawn(h, "alice", 80, 24, NULL);
	WAIT(v, "Gamma BB");
	vt_key(v, "j");
	EVENTUALLY(v, row_selected(v, "Beta BB"));
	vt_key(v, ">");
	WAIT(v, "Name v");
	WAIT(v, "Sorted by Name, descending");
	EVENTUALLY(v, find_text(v, "Gamma BB", &g, &col) && find_text(v, "Alpha BB", &a, &col) &&
		   g < a);
	EVENTUALLY(v, row_selected(v, "Beta BB"));
	vt_key(v, ">");
	WAIT(v, "Type ^");                    /* default before space */
	EVENTUALLY(v, find_text(v, "Alpha BB", &a, &col) && find_text(v, "Beta BB", &b, &col) &&
		   a < b);
	vt_key(v, "<");
	vt_key(v, "<");
	WAIT(v, "Name ^");
	EVENTUALLY(v, row_selected(v, "Beta BB"));
	vt_key(v, "a");
	WAIT(v, "When v");
	vt_key(v, "<");
	WAIT(v, "When ^");                    /* oldest first */
	vt_key(v, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	vt_key(v, "S");
	WAIT(v, "Kind ^");
	WAIT(v, "acme/zeta");
	EVENTUALLY(v, row_selected(v, "acme/zeta")); /* x-net first, by name */
	vt_key(v, "j");
	EVENTUALLY(v, row_selected(v, "acme/beta"));
	for (int i = 0; i < 8; i++)           /* to the repository column, ascending */
		vt_key(v, ">");
	WAIT(v, "Repository ^");
	EVENTUALLY(v, find_text(v, "acme/zeta", &g, &col) && find_text(v, "acme/alpha", &a, &col) &&
		   a < g);
	EVENTUALLY(v, row_selected(v, "acme/beta"));
	con_quit(v);
}

/* ---- the 60x16 golden of details --------------------------------------------------------- */

static void run_at(const cliexec_home *h, const char *input, const char *const *args, char *id,
		   size_t idsize)
{
	char db[sizeof h->db + 16];
	const char *env[] = {db, "BBCONSOLE_USER=alice", NOW, NULL};
	cliexec_result r = {0};

	snprintf(db, sizeof db, "BBCONSOLE_DB=%s", h->db);
	assert_int_equal(cliexec_run(args, input, env, &r), 0);
	cliexec_assert_ok(&r);
	if (id) {
		cJSON *j = cliexec_json(&r);

		snprintf(id, idsize, "%s", con_jstr(j, "id"));
		cJSON_Delete(j);
	}
	cliexec_free(&r);
}

static void details_golden_60x16(void **state)
{
	cliexec_home *h = *state;
	char id[32];
	const char *init[] = {"init", "--account", "Acme", "--plan", "business", "--webhook-base",
			      "https://webhooks.acme.example", "--json", NULL};
	const char *create[] = {"integration", "create", "--name", "Prod BB", "--default",
				"--email", "ops@acme.example", "--token-stdin", "--label", "prod",
				"--description", "The organisation's main Bitbucket workspace, "
				"used by every production stack; ask the platform team before "
				"changing its token or its checks.", NULL};
	const char *pairs[] = {id, ULID, NULL};
	vt *v;

	run_at(h, NULL, init, id, sizeof id);
	run_at(h, TOKEN, create, NULL, 0);
	v = con_spawn(h, "alice", 60, 16, NOW);
	WAIT(v, "Prod BB");
	vt_key(v, "Enter");
	WAIT(v, "Integration: Prod BB");
	WAIT(v, "rows 1-");
	assert_true(vt_wait_quiet(v, 150, WAIT_MS));
	assert_true(vt_golden_masked(v, "lists_details", pairs));
	vt_key(v, "G");
	WAIT(v, "token or its checks.");
	vt_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(wizard_space_picker_follows_the_selection, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(long_home_list_shows_the_position, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(delete_list_follows_the_selection, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(other_process_changes_show_without_a_key, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(reload_keys_and_return_to_top, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(details_scroll_and_search, con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(help_search, con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(audit_header_filter_and_entry, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(sort_by_column_keeps_the_selection, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(details_golden_60x16, con_setup, con_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
