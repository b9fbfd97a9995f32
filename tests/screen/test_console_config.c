/* Screen tests of the config file (bbconsole(5)): a binding takes effect and
 * shows in the hint bar, a colour line changes a role's colour, and a bad
 * line or an untrusted file stops the console with one sentence naming the
 * file and the line. The file is found through XDG_CONFIG_HOME. */
#include "test_console_lib.h"

#include <sys/stat.h>

/* Writes <h->dir>/config/bbconsole/config with text (mode 0600 unless told)
 * and fills env with the XDG_CONFIG_HOME entry that points at it. */
static void write_config(const cliexec_home *h, const char *text, mode_t mode, char *env,
			 size_t size)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof path, "%s/config", h->dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/config/bbconsole", h->dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/config/bbconsole/config", h->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	snprintf(env, size, "XDG_CONFIG_HOME=%s/config", h->dir);
}

/* `bind home x new`: x opens the wizard and the bar says so; n still does. */
static void a_binding_takes_effect_and_shows(void **state)
{
	cliexec_home *h = *state;
	char env[PATH_MAX + 64];
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "Prod BB", NULL, NULL, NULL);
	write_config(h, "# my keys\n\nbind home x new\nbind all Q quit\n", 0644, env, sizeof env);
	v = con_spawn(h, "alice", 80, 24, env);
	WAIT(v, "Prod BB");
	assert_true(vt_wait_row(v, 23, "Enter open  x new  d delete", WAIT_MS));
	con_type(v, "?", NULL);
	WAIT(v, "x/n        Create an integration with the setup wizard.");
	WAIT(v, "Q/q        Quit the console.");
	con_type(v, NULL, "Esc");
	GONE(v, "Help: ");
	con_type(v, "x", NULL);
	WAIT(v, "Step 1 of 7: Name");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_type(v, "n", NULL);
	WAIT(v, "Step 1 of 7: Name");
	con_type(v, NULL, "Esc");
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

/* The title line is white on blue by default; a colour line changes it. */
static void a_colour_line_applies(void **state)
{
	cliexec_home *h = *state;
	char env[PATH_MAX + 64];
	vt *v;

	cliexec_init(h, NULL);
	v = con_spawn(h, "alice", 80, 24, NULL);
	WAIT(v, "Bitbucket Cloud integrations");
	FINALLY(v, !vt_cell_at(v, 0, 0).bg_default);
	con_quit(v);

	write_config(h, "# plain title\ncolor title default default\n", 0600, env, sizeof env);
	v = con_spawn(h, "alice", 80, 24, env);
	WAIT(v, "Bitbucket Cloud integrations");
	FINALLY(v, vt_cell_at(v, 0, 0).bg_default && vt_cell_at(v, 0, 0).fg_default);
	FINALLY(v, vt_cell_at(v, 0, 0).bold); /* the role keeps its bold */
	con_quit(v);
}

/* Starts the console with the config text and waits for it to refuse:
 * exit 64 and `sentence` on the terminal. */
static void refused(cliexec_home *h, const char *text, mode_t mode, const char *sentence)
{
	char env[PATH_MAX + 64];
	int status = -1;
	vt *v;

	write_config(h, text, mode, env, sizeof env);
	v = con_spawn(h, "alice", 250, 24, env); /* the sentence on one row */
	WAIT(v, sentence);
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 64);
	vt_free(v);
}

static void a_bad_line_says_which_and_why(void **state)
{
	cliexec_home *h = *state;
	char sentence[PATH_MAX + 160];

	cliexec_init(h, NULL);
	snprintf(sentence, sizeof sentence, "%s/config/bbconsole/config line 3: unknown action",
		 h->dir);
	refused(h, "# ok\nbind home x new\nbind home x opne\n", 0600, sentence);
	refused(h, "bind home x opne\n", 0600,
		"line 1: unknown action \"opne\"; see bbconsole(5) for the actions.");
	refused(h, "bind nowhere x new\n", 0600, "line 1: unknown screen \"nowhere\"");
	refused(h, "bind home Hyper-X new\n", 0600, "line 1: unknown key \"Hyper-X\"");
	refused(h, "bind details x new\n", 0600,
		"line 1: the details screen has no action \"new\"");
	refused(h, "\n\ncolor hint-key mauve default\n", 0600, "line 3: unknown colour \"mauve\"");
	refused(h, "colour title red blue\n", 0600, "line 1: unknown setting \"colour\"");
	refused(h, "bind home x\n", 0600, "line 1: bind takes a screen, a key and an action");
	/* a file others may change could rebind the keys under the user */
	refused(h, "bind home x new\n", 0666, "may be changed by other users (mode 0666)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_binding_takes_effect_and_shows, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(a_colour_line_applies, con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(a_bad_line_says_which_and_why, con_setup,
						con_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
