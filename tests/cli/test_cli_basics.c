/* Command-line tests: parsing, help, usage errors, init, who may run
 * commands, where the database lives and its permissions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static const char *const commands[][2] = {
	{"init", NULL}, {"space", "create"}, {"space", "list"}, {"space", "delete"},
	{"user", "grant"},
	{"user", "revoke"}, {"user", "list"}, {"integration", "create"},
	{"integration", "list"}, {"integration", "show"}, {"integration", "update"},
	{"integration", "rotate-secret"}, {"integration", "delete"}, {"stack", "create"},
	{"stack", "list"}, {"stack", "set-integration"}, {"stack", "import"}, {"audit", NULL},
};

static void help_for_every_command_exits_0(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char want[80];

	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const char *w = commands[i][1];

		if (w)
			cliexec(h, &r, "alice", NULL, commands[i][0], w, "--help", NULL);
		else
			cliexec(h, &r, "alice", NULL, commands[i][0], "--help", NULL);
		cliexec_assert_ok(&r);
		snprintf(want, sizeof want, "Usage: bbconsole %s%s%s", commands[i][0], w ? " " : "",
			 w ? w : "");
		if (!strstr(r.out, want))
			fail_msg("%s: no \"%s\" in %s", commands[i][0], want, r.out);
	}
	cliexec(h, &r, "alice", NULL, "-h", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "integration rotate-secret"));
	cliexec(h, &r, "alice", NULL, "integration", "--help", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "integration delete"));
	assert_null(strstr(r.out, "stack import"));
	/* help never creates a database */
	assert_false(exists(h->db));
	cliexec_free(&r);
}

static void version_prints_the_version(void **state)
{
	cliexec_result r = {0};

	cliexec(*state, &r, "alice", NULL, "--version", NULL);
	cliexec_assert_ok(&r);
	assert_int_equal(strncmp(r.out, "bbconsole ", 10), 0);
	assert_non_null(strstr(r.out, "(database schema ")); /* what it migrates to */
	cliexec_free(&r);
}

static void usage_errors_exit_64(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	cliexec(h, &r, "alice", NULL, "frobnicate", NULL);
	cliexec_assert_refused(&r, 64, "Unknown command");
	cliexec(h, &r, "alice", NULL, "integration", "list", "--frob", NULL);
	cliexec_assert_refused(&r, 64, "see bbconsole integration list --help");
	/* options match exactly: no abbreviations */
	cliexec(h, &r, "alice", NULL, "integration", "delete", "x", "--ye", NULL);
	cliexec_assert_refused(&r, 64, "--ye");
	cliexec(h, &r, "alice", NULL, "space", "create", "dev", "--parent", NULL);
	cliexec_assert_refused(&r, 64, "needs a value");
	cliexec(h, &r, "alice", NULL, "space", "list", "extra", NULL);
	cliexec_assert_refused(&r, 64, "Unexpected argument");
	cliexec(h, &r, "alice", NULL, "integration", "show", NULL);
	cliexec_assert_refused(&r, 64, "Missing argument");
	cliexec(h, &r, "alice", NULL, "init", "--webhook-base", "https://x.example", NULL);
	cliexec_assert_refused(&r, 64, "--account");
	cliexec(h, &r, "alice", NULL, "integration", "delete", "x", "--yes=1", NULL);
	cliexec_assert_refused(&r, 64, "takes no value");
	cliexec(h, &r, "alice", NULL, "stack", "list", "--detached", "--detached", NULL);
	cliexec_assert_refused(&r, 64, "twice");
	cliexec(h, &r, "alice", NULL, "integration", NULL);
	cliexec_assert_refused(&r, 64, "needs a command");
	assert_string_equal(r.out, "");
	assert_false(exists(h->db)); /* usage errors touch no file */
	cliexec_free(&r);
}

static void token_on_the_command_line_is_refused(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	cliexec_init(h, NULL);
	cliexec(h, &r, "alice", NULL, "integration", "create", "--name", "X", "--default",
		"--email", "a@b.example", "--token", "SEKRIT-VALUE-123", NULL);
	cliexec_assert_refused(&r, 64, "never taken from the command line");
	assert_non_null(strstr(r.err, "--token-stdin"));
	assert_null(strstr(r.err, "SEKRIT"));
	cliexec(h, &r, "alice", NULL, "integration", "update", "X",
		"--token=SEKRIT-VALUE-123", NULL);
	cliexec_assert_refused(&r, 64, "never taken from the command line");
	assert_null(strstr(r.err, "SEKRIT"));
	assert_null(strstr(r.out, "SEKRIT"));
	cliexec_free(&r);
}

static void create_needs_default_or_space_and_a_token(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	cliexec_init(h, NULL);
	cliexec(h, &r, "alice", "tok\n", "integration", "create", "--name", "X", "--email",
		"a@b.example", "--token-stdin", NULL);
	cliexec_assert_refused(&r, 64, "--default");
	cliexec(h, &r, "alice", "tok\n", "integration", "create", "--name", "X", "--email",
		"a@b.example", "--token-stdin", "--default", "--space", "root", NULL);
	cliexec_assert_refused(&r, 64, "exactly one");
	cliexec(h, &r, "alice", "tok\n", "integration", "create", "--name", "X", "--email",
		"a@b.example", "--default", NULL);
	cliexec_assert_refused(&r, 64, "--token-stdin");
	cliexec(h, &r, "alice", "", "integration", "create", "--name", "X", "--email",
		"a@b.example", "--default", "--token-stdin", NULL);
	cliexec_assert_refused(&r, 65, "No API token");
	cliexec_free(&r);
}

static void init_sets_up_once(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc;

	cliexec(h, &r, "alice", NULL, "init", "--account", "Acme", "--webhook-base",
		"https://webhooks.acme.example", "--plan", "business", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_int_equal(strlen(cJSON_GetObjectItem(doc, "id")->valuestring), 26);
	assert_string_equal(cJSON_GetObjectItem(doc, "name")->valuestring, "Acme");
	assert_string_equal(cJSON_GetObjectItem(doc, "plan")->valuestring, "business");
	assert_string_equal(cJSON_GetObjectItem(doc, "webhook_base")->valuestring,
			    "https://webhooks.acme.example");
	assert_string_equal(cJSON_GetObjectItem(doc, "created_by")->valuestring, "alice");
	cJSON_Delete(doc);
	cliexec(h, &r, "bob", NULL, "init", "--account", "Other", "--webhook-base",
		"https://x.example", NULL);
	cliexec_assert_refused(&r, 65, NULL);
	cliexec(h, &r, "alice", NULL, "user", "list", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_int_equal(cJSON_GetArraySize(doc), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(doc, 0), "role")->valuestring,
			    "admin");
	cJSON_Delete(doc);
	cliexec_free(&r);
}

static void init_refuses_bad_fields(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	cliexec(h, &r, "alice", NULL, "init", "--account", "Acme", "--webhook-base",
		"http://insecure.example", NULL);
	cliexec_assert_refused(&r, 65, NULL);
	cliexec(h, &r, "alice", NULL, "init", "--account", "Acme", "--webhook-base",
		"https://x.example", "--plan", "platinum", NULL);
	cliexec_assert_refused(&r, 65, NULL);
	cliexec_free(&r);
}

static void strangers_are_refused(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	cliexec_init(h, NULL);
	cliexec(h, &r, "mallory", NULL, "integration", "list", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	assert_string_equal(r.out, "");
	cliexec(h, &r, "mallory", NULL, "stack", "list", "--json", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	assert_string_equal(r.out, "");
	cliexec(h, &r, "mallory", NULL, "audit", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	cliexec(h, &r, "a b", NULL, "space", "list", NULL);
	cliexec_assert_refused(&r, 64, NULL);
	cliexec_free(&r);
}

static void global_options_go_before_or_after(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc;

	cliexec_init(h, NULL);
	cliexec(h, &r, "mallory", NULL, "--json", "--user", "alice", "space", "list", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(doc, 0), "name")->valuestring,
			    "root");
	cJSON_Delete(doc);
	cliexec(h, &r, "mallory", NULL, "space", "list", "--user=alice", "--json", NULL);
	cliexec_assert_ok(&r);
	cJSON_Delete(cliexec_json(&r));
	cliexec_free(&r);
}

static void mode_of(const char *path, mode_t want)
{
	struct stat st;

	if (stat(path, &st) != 0)
		fail_msg("%s does not exist", path);
	if ((st.st_mode & 0777) != want)
		fail_msg("%s has mode %o, wanted %o", path, (unsigned)(st.st_mode & 0777),
			 (unsigned)want);
}

static void database_is_owner_only(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char path[sizeof h->db + 32];

	cliexec_init(h, NULL);
	/* the key file is made with the first secret */
	cliexec(h, &r, "alice", "tok_0123456789\n", "integration", "create", "--name", "P",
		"--default", "--email", "ops@acme.example", "--token-stdin", NULL);
	cliexec_assert_ok(&r);
	snprintf(path, sizeof path, "%s/data", h->dir);
	mode_of(path, 0700);
	mode_of(h->db, 0600);
	snprintf(path, sizeof path, "%s.key", h->db);
	mode_of(path, 0600);
	snprintf(path, sizeof path, "%s-wal", h->db);
	if (exists(path))
		mode_of(path, 0600);
	cliexec_free(&r);
}

static void default_path_is_under_home(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char home[sizeof h->dir + 16], path[sizeof h->dir + 64];
	const char *env[] = {home, "BBCONSOLE_DB", "XDG_DATA_HOME", "BBCONSOLE_USER=alice", NULL};
	const char *args[] = {"init", "--account", "Acme", "--webhook-base",
			      "https://webhooks.acme.example", NULL};

	snprintf(home, sizeof home, "HOME=%s", h->dir);
	assert_int_equal(cliexec_run(args, NULL, env, &r), 0);
	cliexec_assert_ok(&r);
	snprintf(path, sizeof path, "%s/.local/share/bbconsole", h->dir);
	mode_of(path, 0700);
	snprintf(path, sizeof path, "%s/.local/share/bbconsole/console.db", h->dir);
	mode_of(path, 0600);
	cliexec_free(&r);
}

static void db_option_beats_the_environment(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char other[sizeof h->dir + 16];

	snprintf(other, sizeof other, "%s/other.db", h->dir);
	cliexec(h, &r, "alice", NULL, "--db", other, "init", "--account", "Acme",
		"--webhook-base", "https://webhooks.acme.example", NULL);
	cliexec_assert_ok(&r);
	assert_true(exists(other));
	assert_false(exists(h->db));
	cliexec(h, &r, "alice", NULL, "--db", "/dev/null/nowhere/x.db", "space", "list", NULL);
	cliexec_assert_refused(&r, 73, NULL);
	cliexec_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(help_for_every_command_exits_0, setup, cliexec_teardown),
		cmocka_unit_test_setup_teardown(version_prints_the_version, setup, cliexec_teardown),
		cmocka_unit_test_setup_teardown(usage_errors_exit_64, setup, cliexec_teardown),
		cmocka_unit_test_setup_teardown(token_on_the_command_line_is_refused, setup,
						cliexec_teardown),
		cmocka_unit_test_setup_teardown(create_needs_default_or_space_and_a_token, setup,
						cliexec_teardown),
		cmocka_unit_test_setup_teardown(init_sets_up_once, setup, cliexec_teardown),
		cmocka_unit_test_setup_teardown(init_refuses_bad_fields, setup, cliexec_teardown),
		cmocka_unit_test_setup_teardown(strangers_are_refused, setup, cliexec_teardown),
		cmocka_unit_test_setup_teardown(global_options_go_before_or_after, setup, cliexec_teardown),
		cmocka_unit_test_setup_teardown(database_is_owner_only, setup, cliexec_teardown),
		cmocka_unit_test_setup_teardown(default_path_is_under_home, setup, cliexec_teardown),
		cmocka_unit_test_setup_teardown(db_option_beats_the_environment, setup, cliexec_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
