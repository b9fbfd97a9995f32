/* Screen tests of what the console does with the terminal it is given: a
 * non-UTF-8 locale (LANG=C over SSH) draws ASCII and keeps typed text whole,
 * a terminal without cursor addressing is refused before anything is drawn,
 * one without an alternate screen is cleared on exit, and SIGTERM saves the
 * wizard's draft as SIGHUP does. */
#include "test_console_lib.h"

#include <locale.h>
#include <sys/stat.h>

#include "tui_text.h"

#define CJK "\xe6\x9d\xb1\xe4\xba\xac"           /* 東京, four columns */
#define BULLETS "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"
#define LONG_NAME "Plain one with a rather long name that gets cut"

/* bbconsole with args (NULL: the console) in the environment extra
 * (NULL-terminated "NAME=value"). */
static vt *spawn_cmd(const cliexec_home *h, int cols, int rows, const char *const *extra,
		     const char *a1, const char *a2)
{
	static char db[PATH_MAX + 64];
	const char *bin = getenv("BBCONSOLE_BIN");
	const char *argv[] = {bin, a1, a2, NULL};
	const char *env[12];
	size_t n = 0;
	vt *v;

	assert_non_null(bin);
	setenv("BBCONSOLE_BITBUCKET_API", "http://127.0.0.1:1/2.0", 0);
	snprintf(db, sizeof db, "BBCONSOLE_DB=%s", h->db);
	env[n++] = db;
	env[n++] = "BBCONSOLE_USER=alice";
	env[n++] = "BBCONSOLE_NOW=";
	for (; extra && *extra && n + 1 < sizeof env / sizeof env[0]; extra++)
		env[n++] = *extra;
	env[n] = NULL;
	v = vt_spawn(argv, env, NULL, cols, rows);
	assert_non_null(v);
	return v;
}

static vt *spawn_env(const cliexec_home *h, int cols, int rows, const char *const *extra)
{
	return spawn_cmd(h, cols, rows, extra, NULL, NULL);
}

static const char *const lang_c[] = {"LANG=C", "LC_ALL=", "LC_CTYPE=", NULL};
static const char *const lc_all_c[] = {"LANG=C.UTF-8", "LC_ALL=C", NULL};
static const char *const utf8[] = {"LANG=C.UTF-8", "LC_ALL=", NULL};

static void seed(const cliexec_home *h)
{
	cliexec_init(h, NULL);
	CON_CLI(h, "space", "create", "team", "--parent", "root");
	con_integration(h, CJK " Tokyo", NULL, CJK, NULL);
	con_integration(h, LONG_NAME, "team", "prod", NULL);
}

/* The column where `text` starts on the row that holds it, or -1. */
static int column_of(vt *v, const char *row_text, const char *text)
{
	for (int r = 0; r < vt_rows(v); r++) {
		char *row = vt_row(v, r);
		char *at = strstr(row, row_text) ? strstr(row, text) : NULL;
		int col = at ? tui_width_n(row, (size_t)(at - row)) : -1;

		free(row);
		if (col >= 0)
			return col;
	}
	return -1;
}

/* The list and the details in a locale whose codeset is ASCII: a '?' per
 * column for CJK, "..." for a cut name, '*' for the masked secret, the
 * columns where UTF-8 puts them, and no byte outside ASCII sent. */
static void ascii_fallbacks(const cliexec_home *h, const char *const *env)
{
	size_t len = 0;
	const char *raw;
	vt *v;

	seed(h);
	v = spawn_env(h, 80, 24, env);
	WAIT(v, "Bitbucket Cloud integrations");
	WAIT(v, "???? Tokyo");
	WAIT(v, "Plain one with a...");
	WAIT(v, "set LANG=C.UTF-8");
	/* the type column starts at the same place on both rows */
	EVENTUALLY(v, column_of(v, "Tokyo", "default") > 0 &&
		      column_of(v, "Tokyo", "default") == column_of(v, "Plain one", "space"));
	EVENTUALLY(v, column_of(v, "Tokyo", "root") > 0 &&
		      column_of(v, "Tokyo", "root") == column_of(v, "Plain one", "team"));
	vt_key(v, "Down");
	vt_key(v, "Enter");
	WAIT(v, "Integration: ???? Tokyo");
	WAIT(v, "Secret        ****");
	SETTLED(v);
	raw = vt_raw(v, &len);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)raw[i] >= 0x80)
			fail_msg("byte 0x%02x outside ASCII sent at offset %zu", (unsigned char)raw[i], i);
	vt_key(v, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

static void lang_c_draws_ascii_fallbacks(void **state)
{
	ascii_fallbacks(*state, lang_c);
}

static void lc_all_c_draws_ascii_fallbacks(void **state)
{
	ascii_fallbacks(*state, lc_all_c);
}

/* The control: in UTF-8 the same screens show the real characters. */
static void utf8_draws_the_real_characters(void **state)
{
	cliexec_home *h = *state;
	vt *v;

	seed(h);
	v = spawn_env(h, 80, 24, utf8);
	WAIT(v, CJK " Tokyo");
	WAIT(v, "Plain one with a r\xe2\x80\xa6");
	EVENTUALLY(v, column_of(v, "Tokyo", "default") > 0 &&
		      column_of(v, "Tokyo", "default") == column_of(v, "Plain one", "space"));
	ABSENT(v, "set LANG=C.UTF-8");
	vt_key(v, "Down");
	vt_key(v, "Enter");
	WAIT(v, "Secret        " BULLETS);
	vt_key(v, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

/* True when no cell below the cursor's row is underlined. */
static bool underline_stays_on_the_cursor_row(vt *v)
{
	int row = -1, col = -1;

	vt_cursor(v, &row, &col);
	if (row <= 0)
		return false;
	for (int c = 0; c < vt_cols(v); c++)
		if (vt_cell_at(v, row + 1, c).underline)
			return false;
	return true;
}

/* Typing "Café" and a token under LANG=C: the name is stored whole, the
 * token field shows its mask while typing and its underline stays on its
 * row. */
static void typed_text_is_kept_whole(const cliexec_home *h, const char *const *env,
				     const char *shown, const char *mask)
{
	cJSON *j;
	vt *v;

	cliexec_init(h, NULL);
	v = spawn_env(h, 80, 24, env);
	WAIT(v, "Bitbucket Cloud integrations");
	vt_key(v, "n");
	WAIT(v, "Step 1 of 7: Name");
	con_type(v, "Caf\xc3\xa9 Bar", NULL);
	WAIT(v, shown);
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 2 of 7: Type");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 3 of 7: Email");
	con_type(v, "ops@acme.example", "Enter");
	WAIT(v, "Step 4 of 7: API token");
	con_type(v, "tok_typed_secret", NULL);
	WAIT(v, mask);
	ABSENT(v, "tok_typed");
	/* the field's underline ends on its own row */
	FINALLY(v, underline_stays_on_the_cursor_row(v));
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 5 of 7");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 6 of 7");
	con_type(v, NULL, "Ctrl-D");
	WAIT(v, "Step 7 of 7: Review");
	WAIT(v, "Could not connect to Bitbucket");
	con_type(v, NULL, "Enter");
	WAIT(v, "Webhook setup");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
	j = con_show(h, "caf-bar");
	assert_non_null(j);
	assert_string_equal(con_jstr(j, "name"), "Caf\xc3\xa9 Bar");
	cJSON_Delete(j);
}

static void lang_c_keeps_typed_cafe(void **state)
{
	typed_text_is_kept_whole(*state, lang_c, "Caf? Bar", "****************");
}

static void lc_all_c_keeps_typed_cafe(void **state)
{
	typed_text_is_kept_whole(*state, lc_all_c, "Caf? Bar", "****************");
}

static void utf8_keeps_typed_cafe(void **state)
{
	typed_text_is_kept_whole(*state, utf8, "Caf\xc3\xa9 Bar", BULLETS BULLETS);
}

/* TERM=dumb cannot address the cursor: one sentence naming the commands,
 * exit 64, and not one escape sequence sent. */
static void dumb_terminal_is_refused(void **state)
{
	static const char *const dumb[] = {"TERM=dumb", NULL};
	cliexec_home *h = *state;
	int status = -1;
	size_t len = 0;
	const char *raw;
	vt *v;

	cliexec_init(h, NULL);
	v = spawn_env(h, 80, 24, dumb);
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 64);
	EVENTUALLY(v, strstr(vt_raw(v, NULL), "cannot move the cursor") != NULL);
	EVENTUALLY(v, strstr(vt_raw(v, NULL), "bbconsole integration list") != NULL);
	raw = vt_raw(v, &len);
	assert_null(memchr(raw, '\033', len));
	vt_free(v);
}

/* Refused before the database is opened: a missing one is not created. */
static void dumb_terminal_creates_no_database(void **state)
{
	cliexec_home *h = *state;
	char db[PATH_MAX + 64];
	const char *env[] = {"TERM=dumb", db, NULL};
	int status = -1;
	struct stat st;
	vt *v;

	snprintf(db, sizeof db, "BBCONSOLE_DB=%s/fresh/console.db", h->dir);
	v = spawn_env(h, 80, 24, env);
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	assert_int_equal(WEXITSTATUS(status), 64);
	vt_free(v);
	snprintf(db, sizeof db, "%s/fresh", h->dir);
	assert_int_not_equal(stat(db, &st), 0);
}

/* vt220 has no alternate screen: after q the frame is gone, so the shell's
 * prompt cannot overprint the hint bar. */
static void no_alternate_screen_is_cleared_on_exit(void **state)
{
	static const char *const vt220[] = {"TERM=vt220", NULL};
	cliexec_home *h = *state;
	int status = -1;
	vt *v;

	seed(h);
	v = spawn_env(h, 80, 24, vt220);
	WAIT(v, "Bitbucket Cloud integrations");
	WAIT(v, "q quit");
	assert_false(vt_altscreen(v));
	vt_key(v, "q");
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	assert_int_equal(WEXITSTATUS(status), 0);
	ABSENT(v, "q quit");
	ABSENT(v, "Tokyo");
	vt_free(v);
}

/* SIGTERM (a shutdown, a kill) saves the typed wizard input like SIGHUP. */
static void sigterm_saves_a_draft(void **state)
{
	cliexec_home *h = *state;
	int status = -1;
	vt *v;

	cliexec_init(h, NULL);
	v = con_spawn(h, "alice", 80, 24, NULL);
	WAIT(v, "Bitbucket Cloud integrations");
	vt_key(v, "n");
	WAIT(v, "Step 1 of 7: Name");
	con_type(v, "Terminated", "Enter");
	WAIT(v, "Step 2 of 7");
	con_type(v, NULL, "Enter");
	con_type(v, "term@acme.example", "Enter");
	WAIT(v, "Step 4 of 7");
	assert_int_equal(vt_send_signal(v, SIGTERM), 0);
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	assert_false(vt_altscreen(v));
	vt_free(v);

	v = con_spawn(h, "alice", 80, 24, NULL);
	WAIT(v, "Unfinished integration");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 4 of 7: API token");
	con_type(v, NULL, "Esc");
	WAIT(v, "term@acme.example");
	vt_free(v);
}

/* The widest line bbconsole wrote (raw output, "\r\n" between lines). */
static int widest_raw(vt *v)
{
	size_t len = 0;
	const char *raw = vt_raw(v, &len), *p = raw;
	int max = 0;

	while (p < raw + len) {
		size_t n = strcspn(p, "\r\n");
		int w = tui_width_n(p, n);

		if (w > max)
			max = w;
		p += n + strspn(p + n, "\r\n");
	}
	return max;
}

/* A table printed on a terminal fits its width (the tty's, or COLUMNS):
 * long cells are cut with an ellipsis, the headings and the times stay
 * whole. */
static void tables_fit_the_terminal(void **state)
{
	static const char *const no_columns[] = {"COLUMNS=", NULL};
	static const char *const columns_60[] = {"COLUMNS=60", NULL};
	static const char *const utc[] = {"COLUMNS=", "TZ=UTC0", NULL};
	cliexec_home *h = *state;
	int status = -1;
	vt *v;

	seed(h);
	v = spawn_cmd(h, 80, 24, no_columns, "integration", "list");
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	assert_int_equal(WEXITSTATUS(status), 0);
	WAIT(v, "CREDENTIALS");
	WAIT(v, "Plain one");
	WAIT(v, "\xe2\x80\xa6");
	assert_true(widest_raw(v) <= 80);
	vt_free(v);
	v = spawn_cmd(h, 100, 24, columns_60, "integration", "list");
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	WAIT(v, "CREDENTIALS");
	assert_true(widest_raw(v) <= 60);
	vt_free(v);
	/* a time is kept whole: the other columns are cut first */
	v = spawn_cmd(h, 80, 24, utc, "audit", NULL);
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	WAIT(v, "AT                       USER");
	WAIT(v, " UTC  alice");
	assert_true(widest_raw(v) <= 80);
	vt_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(lang_c_draws_ascii_fallbacks, con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(lc_all_c_draws_ascii_fallbacks, con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(utf8_draws_the_real_characters, con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(lang_c_keeps_typed_cafe, con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(lc_all_c_keeps_typed_cafe, con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(utf8_keeps_typed_cafe, con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(dumb_terminal_is_refused, con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(dumb_terminal_creates_no_database, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(no_alternate_screen_is_cleared_on_exit, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(sigterm_saves_a_draft, con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(tables_fit_the_terminal, con_setup, con_teardown),
	};

	setlocale(LC_CTYPE, "C.UTF-8"); /* column_of measures UTF-8 rows */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
