/* Shell completion: bash's _bbconsole and zsh's _bbconsole, run for real on
 * typed words, complete commands, subcommands, options, and integration,
 * stack and space names from the database (never a secret, and a missing
 * database creates nothing); `make install-completion` puts both files where
 * the shells look, under DESTDIR and PREFIX. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cliexec.h"

static int setup(void **state)
{
	cliexec_home *h = calloc(1, sizeof *h);

	if (!h)
		return -1;
	cliexec_home_make(h);
	*state = h;
	return 0;
}

/* Runs sh -c script and returns its stdout (malloc'd); fails on a non-zero exit. */
static char *shell(const char *script)
{
	FILE *p = popen(script, "r");
	char *out = calloc(1, 65536);
	size_t n = 0;
	int status;

	assert_non_null(p);
	assert_non_null(out);
	while (n + 1 < 65536) {
		size_t got = fread(out + n, 1, 65535 - n, p);

		if (got == 0)
			break;
		n += got;
	}
	status = pclose(p);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("the script failed (%d):\n%s\n%s", status, script, out);
	return out;
}

/* Writes text to dir/name and runs it with the shell command sh_cmd, the
 * database of h and alice as the user; returns its stdout. */
static char *run_script(const cliexec_home *h, const char *sh_cmd, const char *name,
			const char *text)
{
	char path[PATH_MAX + 64], cmd[2 * PATH_MAX + 256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", h->dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "BBCONSOLE_DB='%s' BBCONSOLE_USER=alice %s '%s'", h->db, sh_cmd,
		 path);
	return shell(cmd);
}

/* bash: the words typed (a bash array literal) with the cursor on word
 * cword; COMPREPLY, one per line. */
static char *bash_complete(const cliexec_home *h, const char *words, int cword)
{
	char script[2 * PATH_MAX + 512];

	snprintf(script, sizeof script,
		 "source \"$BBCONSOLE_SRC/contrib/completion/bbconsole.bash\"\n"
		 "COMP_WORDS=(\"$BBCONSOLE_BIN\" %s)\nCOMP_CWORD=%d\n_bbconsole\n"
		 "printf '%%s\\n' \"${COMPREPLY[@]}\"\n", words, cword);
	return run_script(h, "bash --norc", "complete.bash", script);
}

/* zsh: the completion function with compadd and _files standing in for the
 * completion system, which only runs inside the line editor. */
static char *zsh_complete(const cliexec_home *h, const char *words, int current)
{
	char script[2 * PATH_MAX + 512];

	snprintf(script, sizeof script,
		 "compadd() { [[ $1 == -a ]] && print -l -- \"${(@P)2}\" }\n"
		 "_files() { print @FILES }\n"
		 "words=(\"$BBCONSOLE_BIN\" %s)\nCURRENT=%d\n"
		 "source \"$BBCONSOLE_SRC/contrib/completion/_bbconsole\"\n", words, current);
	return run_script(h, "zsh -f", "complete.zsh", script);
}

static void seed(const cliexec_home *h)
{
	cliexec_result r = {0};

	cliexec_init(h, NULL);
	cliexec(h, &r, "alice", "tok_completion_secret\n", "integration", "create", "--name",
		"Prod BB", "--default", "--email", "ops@acme.example", "--token-stdin", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "space", "create", "infra", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "stack", "create", "web app", "--space", "infra",
		"--integration", "prod-bb", "--repository", "acme/web", NULL);
	cliexec_assert_ok(&r);
	cliexec_free(&r);
}

#define HAS(out, line) assert_non_null(strstr((out), line "\n"))
#define LACKS(out, text) assert_null(strstr((out), text))

static void bash_completes_words_and_names(void **state)
{
	cliexec_home *h = *state;
	char *out;

	seed(h);
	out = bash_complete(h, "''", 1);
	HAS(out, "integration");
	HAS(out, "stack");
	HAS(out, "audit");
	free(out);
	out = bash_complete(h, "int", 1);
	assert_string_equal(out, "integration\n");
	free(out);
	out = bash_complete(h, "integration r", 2);
	assert_string_equal(out, "rotate-secret\nretention\nrepos\n");
	free(out);
	out = bash_complete(h, "integration show --", 3);
	HAS(out, "--reveal-secret");
	HAS(out, "--json");
	HAS(out, "--db");
	free(out);
	out = bash_complete(h, "integration show ''", 3);
	assert_string_equal(out, "prod-bb\n");
	free(out);
	out = bash_complete(h, "stack create x --space ''", 5);
	HAS(out, "root");
	HAS(out, "infra");
	free(out);
	out = bash_complete(h, "run trigger ''", 3);
	assert_string_equal(out, "web\\ app\n"); /* one word for the shell */
	free(out);
	out = bash_complete(h, "stack set-integration web x", 4);
	assert_string_equal(out, "\n"); /* no integration starts with x */
	free(out);
	/* never the secret or the token */
	out = bash_complete(h, "integration show prod-bb --reveal-secret ''", 5);
	LACKS(out, "tok_completion");
	free(out);
}

static void bash_completes_files_where_a_file_goes(void **state)
{
	cliexec_home *h = *state;
	char words[PATH_MAX + 64], *out;

	seed(h);
	snprintf(words, sizeof words, "stack import '%s/da'", h->dir);
	out = bash_complete(h, words, 3);
	assert_non_null(strstr(out, "/data\n"));
	free(out);
}

/* A --db that does not exist gives commands but no names, and creates nothing. */
static void a_missing_database_gives_no_names_and_stays_missing(void **state)
{
	cliexec_home *h = *state;
	char words[PATH_MAX + 64], gone[PATH_MAX + 32], *out;
	struct stat st;

	snprintf(gone, sizeof gone, "%s/nowhere/console.db", h->dir);
	snprintf(words, sizeof words, "--db '%s' integration show ''", gone);
	out = bash_complete(h, words, 5);
	assert_string_equal(out, "\n");
	free(out);
	snprintf(words, sizeof words, "--db '%s' integration ''", gone);
	out = bash_complete(h, words, 4);
	HAS(out, "list");
	free(out);
	snprintf(gone, sizeof gone, "%s/nowhere", h->dir);
	assert_int_not_equal(stat(gone, &st), 0);
}

static void zsh_completes_words_and_names(void **state)
{
	cliexec_home *h = *state;
	char *out;

	seed(h);
	out = zsh_complete(h, "integration ''", 3);
	HAS(out, "list");
	HAS(out, "verify");
	free(out);
	out = zsh_complete(h, "deliveries ''", 3);
	assert_string_equal(out, "prod-bb\n");
	free(out);
	out = zsh_complete(h, "run trigger ''", 4);
	assert_string_equal(out, "web app\n");
	free(out);
	out = zsh_complete(h, "stack import ''", 4);
	assert_string_equal(out, "@FILES\n");
	free(out);
}

/* make install-completion honours DESTDIR and PREFIX. */
static void install_puts_both_files_where_the_shells_look(void **state)
{
	cliexec_home *h = *state;
	char script[PATH_MAX * 2 + 128], path[PATH_MAX + 96], *out;
	struct stat st;

	snprintf(script, sizeof script,
		 "make -s -C \"$BBCONSOLE_SRC\" install-completion DESTDIR='%s/dest' PREFIX=/opt/bb "
		 ">/dev/null 2>&1 && echo done", h->dir);
	out = shell(script);
	assert_string_equal(out, "done\n");
	free(out);
	snprintf(path, sizeof path, "%s/dest/opt/bb/share/bash-completion/completions/bbconsole",
		 h->dir);
	assert_int_equal(stat(path, &st), 0);
	snprintf(path, sizeof path, "%s/dest/opt/bb/share/zsh/site-functions/_bbconsole", h->dir);
	assert_int_equal(stat(path, &st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bash_completes_words_and_names, setup, cliexec_teardown),
		cmocka_unit_test_setup_teardown(bash_completes_files_where_a_file_goes, setup,
						cliexec_teardown),
		cmocka_unit_test_setup_teardown(a_missing_database_gives_no_names_and_stays_missing,
						setup, cliexec_teardown),
		cmocka_unit_test_setup_teardown(zsh_completes_words_and_names, setup, cliexec_teardown),
		cmocka_unit_test_setup_teardown(install_puts_both_files_where_the_shells_look, setup,
						cliexec_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
