/* Command-line tests of what a person at a terminal meets first: help that
 * fits 80 columns, "did you mean" for a slip, a mistyped --db that creates
 * nothing, tables that stay whole in a pipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* The widest line of text, in bytes (help is ASCII). */
static size_t widest(const char *text)
{
	size_t max = 0;

	while (*text) {
		size_t n = strcspn(text, "\n");

		if (n > max)
			max = n;
		text += n + (text[n] == '\n');
	}
	return max;
}

static void run(cliexec_result *r, const char *const *args, const char *const *env)
{
	cliexec_free(r);
	assert_int_equal(cliexec_run(args, NULL, env, r), 0);
}

/* The top-level help and every command's help (the commands are read from
 * the top-level list) fit an 80-column terminal. */
static void help_fits_80_columns(void **state)
{
	cliexec_result r = {0}, sub = {0};
	const char *top[] = {"--help", NULL};
	char *list, *line;
	int seen = 0;

	(void)state;
	run(&r, top, NULL);
	assert_int_equal(r.status, 0);
	assert_true(widest(r.out) <= 80);
	list = strstr(r.out, "Commands:\n");
	assert_non_null(list);
	/* "  group name   summary" or "  word   summary"; wrapped summaries
	 * continue on lines that start with more spaces */
	for (line = list + 10; line[0] == ' '; line = strchr(line, '\n') + 1) {
		char a[64] = "", b[64] = "";
		const char *args[4] = {a, "--help", NULL, NULL};
		size_t words = strstr(line + 2, "  ") - (line + 2);

		if (line[2] == ' ')
			continue;
		assert_true(words < sizeof a);
		if (sscanf(line + 2, "%63s %63s", a, b) == 2 && strlen(a) < words)
			args[1] = b, args[2] = "--help";
		run(&sub, args, NULL);
		assert_int_equal(sub.status, 0);
		if (widest(sub.out) > 80)
			fail_msg("bbconsole %s %s --help is %zu columns wide", a, args[2] ? b : "",
				 widest(sub.out));
		seen++;
	}
	assert_true(seen >= 20);
	cliexec_free(&r);
	cliexec_free(&sub);
}

static void slips_get_a_suggestion(void **state)
{
	static const struct {
		const char *args[4];
		const char *says;
	} cases[] = {
		{{"intgration", "list", NULL}, "(did you mean \"integration\"?)"},
		{{"integration", "lsit", NULL}, "(did you mean \"integration list\"?)"},
		{{"stack", "crate", "x", NULL}, "(did you mean \"stack create\"?)"},
		{{"audti", NULL}, "(did you mean \"audit\"?)"},
		{{"integration", "list", "--josn", NULL}, "(did you mean --json?)"},
		{{"integration", "list", "--expirng", NULL}, "(did you mean --expiring?)"},
	};
	cliexec_result r = {0};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		run(&r, cases[i].args, NULL);
		cliexec_assert_refused(&r, 64, cases[i].says);
	}
	/* far from everything: no guess */
	{
		const char *args[] = {"zzzzzz", NULL};

		run(&r, args, NULL);
		cliexec_assert_refused(&r, 64, "Unknown command \"zzzzzz\"; see bbconsole --help.");
	}
	cliexec_free(&r);
}

/* True when dir holds nothing at all. */
static int empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n == 0;
}

/* Every command but init, against a --db that does not exist: "no database
 * at PATH; run bbconsole init", exit 66, and no directory, database or key
 * file left behind. */
static void a_mistyped_db_creates_nothing(void **state)
{
	static const char *const cmds[][8] = {
		{"space", "list"}, {"user", "list"}, {"integration", "list"},
		{"integration", "show", "x"}, {"integration", "verify", "x"},
		{"integration", "repos", "x"}, {"integration", "webhooks", "x"},
		{"integration", "retention", "x"}, {"stack", "list"}, {"deliveries", "x"},
		{"run", "list"}, {"audit"}, {"space", "create", "x"},
		{"user", "grant", "bob", "--space", "root", "--role", "read"}, {"integration", "delete", "x"},
		{"run", "trigger", "x"}, {"serve"},
	};
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char db[PATH_MAX + 64], say[PATH_MAX + 160];

	snprintf(db, sizeof db, "%s/typo/nested/console.db", h->dir);
	snprintf(say, sizeof say, "There is no database at %s yet; run `bbconsole init", db);
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		const char *args[12] = {"--db", db};
		size_t n = 2;

		for (size_t k = 0; k < 8 && cmds[i][k]; k++)
			args[n++] = cmds[i][k];
		args[n] = NULL;
		run(&r, args, NULL);
		if (r.status != 66)
			fail_msg("%s %s: exit %d (%s)", cmds[i][0], cmds[i][1] ? cmds[i][1] : "",
				 r.status, r.err);
		cliexec_assert_refused(&r, 66, say);
		assert_true(empty_dir(h->dir));
	}
	cliexec_free(&r);
}

/* A table in a pipe keeps its rows whole, whatever COLUMNS says. */
static void piped_tables_stay_whole(void **state)
{
	static const char *const env[] = {"COLUMNS=40", NULL};
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char db[PATH_MAX + 64];
	const char *args[] = {"integration", "list", NULL};

	cliexec_init(h, NULL);
	cliexec(h, &r, "alice", "tok_0123456789\n", "integration", "create", "--name",
		"A rather long integration name for the table", "--default", "--email",
		"ops@acme.example", "--token-stdin", NULL);
	cliexec_assert_ok(&r);
	snprintf(db, sizeof db, "BBCONSOLE_DB=%s", h->db);
	{
		const char *e[] = {env[0], db, "BBCONSOLE_USER=alice", NULL};

		run(&r, args, e);
	}
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "A rather long integration name for the table  "
				      "a-rather-long-integration-name-for-the-table"));
	assert_true(widest(r.out) > 80);
	cliexec_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(help_fits_80_columns),
		cmocka_unit_test(slips_get_a_suggestion),
		cmocka_unit_test_setup_teardown(a_mistyped_db_creates_nothing, setup, cliexec_teardown),
		cmocka_unit_test_setup_teardown(piped_tables_stay_whole, setup, cliexec_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
