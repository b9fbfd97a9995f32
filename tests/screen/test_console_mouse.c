/* Screen tests of the mouse: the console asks the terminal for clicks and
 * the wheel (unless --no-mouse), a click selects a list row, presses a
 * dialog's button and takes a choice, and the wheel moves lists and scrolls
 * the help. The tests send what xterm sends (SGR 1006 reports, which ncurses
 * asks for under TERM=xterm-256color) and wait for the effect. */
#include "test_console_lib.h"

/* One SGR 1006 report: button b (0 left, 2 right, 64 wheel up, 65 wheel
 * down) pressed ('M') or released ('m') at the 0-based cell (row, col). */
static void report(vt *v, int b, int row, int col, char final)
{
	char seq[64];

	snprintf(seq, sizeof seq, "\033[<%d;%d;%d%c", b, col + 1, row + 1, final);
	vt_send(v, seq);
}

/* A press of button b, then the release for button 0 (the wheel has none). */
static void mouse(vt *v, int b, int row, int col)
{
	report(v, b, row, col, 'M');
	if (b == 0)
		report(v, b, row, col, 'm');
}

/* Where text is on the screen once it is there (for aiming a click). */
static void locate(vt *v, const char *text, int *row, int *col)
{
	WAIT(v, text);
	SETTLED(v);
	for (int r = 0; r < vt_rows(v); r++) {
		char *line = vt_row(v, r);
		char *at = line ? strstr(line, text) : NULL;

		if (at) {
			*row = r, *col = (int)(at - line);
			free(line);
			return;
		}
		free(line);
	}
	fail_msg("\"%s\" went away before it could be clicked.", text);
}

static bool row_selected(vt *v, int row)
{
	return vt_cell_at(v, row, 0).reverse;
}

/* A default integration "Team 00" and a space dev. */
static void some_integrations(cliexec_home *h)
{
	cliexec_init(h, NULL);
	con_integration(h, "Team 00", NULL, NULL, NULL);
	CON_CLI(h, "space", "create", "dev");
}

static void space_integrations(cliexec_home *h, int n)
{
	for (int i = 0; i < n; i++) {
		char name[32];

		snprintf(name, sizeof name, "Dev %02d", i);
		con_integration(h, name, "dev", NULL, NULL);
	}
}

/* A click selects the row under it; the wheel moves the selection. */
static void click_selects_and_wheel_moves(void **state)
{
	cliexec_home *h = *state;
	int row, col, first;
	vt *v;

	some_integrations(h);
	space_integrations(h, 12);
	v = con_spawn(h, "alice", 80, 24, NULL);
	locate(v, "Dev 00", &first, &col);
	EVENTUALLY(v, row_selected(v, first));
	locate(v, "Dev 03", &row, &col);
	mouse(v, 0, row, col + 2);
	EVENTUALLY(v, row_selected(v, row));
	FINALLY(v, !row_selected(v, first));
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Dev 03");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	mouse(v, 65, row, col);               /* wheel down: three rows */
	EVENTUALLY(v, row_selected(v, row + 3));
	mouse(v, 64, row, col);               /* and up again */
	EVENTUALLY(v, row_selected(v, row));
	con_quit(v);
}

/* A release that comes on its own, after its press was handled, and the
 * right button do nothing, and the console stays awake: a row another
 * process adds meanwhile still shows, with no key pressed. */
static void a_lone_release_leaves_the_console_awake(void **state)
{
	cliexec_home *h = *state;
	int row, col;
	vt *v;

	some_integrations(h);
	space_integrations(h, 2);
	v = con_spawn(h, "alice", 80, 24, NULL);
	locate(v, "Dev 01", &row, &col);
	report(v, 0, row, col, 'M');
	EVENTUALLY(v, row_selected(v, row));
	SETTLED(v);
	report(v, 0, row, col, 'm');
	report(v, 2, row - 1, col, 'M');
	report(v, 2, row - 1, col, 'm');
	SETTLED(v);
	con_integration(h, "Dev 02", "dev", NULL, NULL);
	WAIT(v, "Dev 02");
	FINALLY(v, row_selected(v, row));
	con_quit(v);
}

/* The wheel scrolls the help; a click on a dialog's button presses it. */
static void wheel_scrolls_help_and_click_presses(void **state)
{
	cliexec_home *h = *state;
	int row, col;
	vt *v;

	some_integrations(h);
	v = con_spawn(h, "alice", 60, 16, NULL);
	WAIT(v, "Team 00");
	con_type(v, "?", NULL);
	WAIT(v, "Help: ");
	WAIT(v, "Open the selected integration's details.");
	mouse(v, 65, 5, 10);
	GONE(v, "Open the selected integration's details.");
	mouse(v, 64, 5, 10);
	WAIT(v, "Open the selected integration's details.");
	con_type(v, NULL, "Esc");
	GONE(v, "Help: ");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Team 00");
	con_type(v, "R", NULL);
	locate(v, "Rotate ]", &row, &col);
	mouse(v, 0, row, col);
	WAIT(v, "Secret rotated");
	con_type(v, NULL, "Enter");
	GONE(v, "Secret rotated");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

/* On the wizard's Type step a click takes a choice (never a disabled one),
 * and a click on Back presses it. */
static void click_takes_a_choice_and_a_button(void **state)
{
	cliexec_home *h = *state;
	int row, col;
	vt *v;

	cliexec_init(h, NULL);
	CON_CLI(h, "space", "create", "dev");
	v = con_spawn(h, "alice", 80, 24, NULL);
	WAIT(v, "Bitbucket Cloud integrations");
	con_type(v, "n", NULL);
	WAIT(v, "Step 1 of 7: Name");
	con_type(v, "Mouse BB", "Enter");
	WAIT(v, "Step 2 of 7: Type");
	WAIT(v, "(*) Default");
	locate(v, "( ) Space", &row, &col);
	mouse(v, 0, row, col + 5);
	WAIT(v, "(*) Space");
	WAIT(v, "( ) Default");
	locate(v, "< Back", &row, &col);
	mouse(v, 0, row, col);
	WAIT(v, "Step 1 of 7: Name");
	con_type(v, NULL, "Esc");
	WAIT(v, "Discard");
	con_type(v, "y", NULL);
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

/* In the first-time setup a click focuses a field (what is typed goes
 * there) and a click on the button presses it. */
static void click_focuses_a_field_and_presses_create(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	int row, col;
	vt *v = con_spawn(h, "alice", 80, 24, NULL);

	WAIT(v, "first-time setup");
	con_type(v, "Acme", NULL);
	locate(v, "Webhook base URL", &row, &col);
	mouse(v, 0, row + 1, col + 3);             /* the URL field under its label */
	con_type(v, "https://hooks.acme.example", NULL);
	WAIT(v, "https://hooks.acme.example");
	locate(v, "Account name", &row, &col);
	FINALLY(v, !vt_has_text(v, "Acmehttps"));  /* not typed into the name */
	locate(v, "( ) business", &row, &col);
	mouse(v, 0, row, col + 4);                 /* a plan takes a click */
	WAIT(v, "(*) business");
	locate(v, "Create account", &row, &col);
	mouse(v, 0, row, col);
	WAIT(v, "Bitbucket Cloud integrations");
	WAIT(v, "you are admin of root");
	con_quit(v);
	cliexec(h, &r, "alice", NULL, "audit", "--json", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "\"plan\":\"business\""));
	cliexec_free(&r);
}

/* The terminal is asked for mouse reports, and not with --no-mouse. */
static void no_mouse_leaves_the_mouse_alone(void **state)
{
	cliexec_home *h = *state;
	const char *argv[] = {getenv("BBCONSOLE_BIN"), "--no-mouse", NULL};
	char db[PATH_MAX + 64];
	const char *env[] = {db, "BBCONSOLE_USER=alice", NULL};
	vt *v;

	some_integrations(h);
	v = con_spawn(h, "alice", 80, 24, NULL);
	WAIT(v, "Team 00");
	/* ncurses asks for SGR reports and button events in one sequence */
	FINALLY(v, strstr(vt_raw(v, NULL), "\033[?1006;1000h") != NULL);
	con_quit(v);
	snprintf(db, sizeof db, "BBCONSOLE_DB=%s", h->db);
	v = vt_spawn(argv, env, NULL, 80, 24);
	assert_non_null(v);
	WAIT(v, "Team 00");
	FINALLY(v, strstr(vt_raw(v, NULL), "1000h") == NULL);
	con_quit(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(click_selects_and_wheel_moves, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(a_lone_release_leaves_the_console_awake, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(wheel_scrolls_help_and_click_presses, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(click_takes_a_choice_and_a_button, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(click_focuses_a_field_and_presses_create, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(no_mouse_leaves_the_mouse_alone, con_setup,
						con_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
