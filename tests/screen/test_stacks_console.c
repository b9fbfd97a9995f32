/* Screen tests of the stacks and modules screens: the real binary on a
 * pseudo-terminal, data seeded through the command line, the fake Bitbucket
 * server behind the repository picker. The stacks screen is opened with `S`
 * from the integrations list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fake/spawn.h"
#include <sqlite3.h>

#include "cliexec.h"
#define WAIT_MS 10000
#include "vt.h"
#include "vt_assert.h"

#define TOKEN_LINE "test-token\n"
#define EMAIL "dev@example.com"

typedef struct world {
	cliexec_home h;
	fake_server fake;
	bool fake_up;
} world;

static int setup(void **state)
{
	world *w = calloc(1, sizeof *w);

	if (!w)
		return -1;
	cliexec_home_make(&w->h);
	cliexec_init(&w->h, NULL);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	world *w = *state;

	if (w->fake_up)
		fake_stop(&w->fake);
	cliexec_home_remove(&w->h);
	free(w);
	return 0;
}

/* Runs a command as alice (or user) and requires success. */
static void run_ok(world *w, const char *user, const char *input, const char *const *args)
{
	cliexec_result r = {0};

	cliexec_argv(&w->h, &r, user ? user : "alice", input, args);
	cliexec_assert_ok(&r);
	cliexec_free(&r);
}

static void integration(world *w, const char *name, const char *space)
{
	const char *dflt[] = {"integration", "create", "--name", name, "--default", "--email",
			      EMAIL, "--token-stdin", NULL};
	const char *sp[] = {"integration", "create", "--name", name, "--space", space, "--email",
			    EMAIL, "--token-stdin", NULL};

	run_ok(w, NULL, TOKEN_LINE, space ? sp : dflt);
}

static void stack(world *w, const char *name, const char *space, const char *integ,
		  const char *repo)
{
	const char *args[] = {"stack", "create", name, "--space", space, "--integration", integ,
			      "--repository", repo, NULL};

	run_ok(w, NULL, NULL, args);
}

static void space(world *w, const char *name)
{
	const char *args[] = {"space", "create", name, NULL};

	run_ok(w, NULL, NULL, args);
}

/* The console as user on w's database, at cols x rows, on the stacks screen. */
static vt *console(world *w, const char *user, int cols, int rows)
{
	char db[PATH_MAX + 64], who[128], api[128];
	const char *argv[] = {getenv("BBCONSOLE_BIN"), NULL};
	const char *env[] = {db, who, api, "BBCONSOLE_HTTP_TIMEOUT_MS=5000", "NO_COLOR=1", NULL};
	vt *v;

	snprintf(db, sizeof db, "BBCONSOLE_DB=%s", w->h.db);
	snprintf(who, sizeof who, "BBCONSOLE_USER=%s", user);
	snprintf(api, sizeof api, "BBCONSOLE_BITBUCKET_API=%s",
		 w->fake_up ? w->fake.base : "http://127.0.0.1:9/2.0");
	assert_non_null(argv[0]);
	v = vt_spawn(argv, env, NULL, cols, rows);
	assert_non_null(v);
	assert_true(vt_wait_text(v, "Bitbucket Cloud integrations", WAIT_MS));
	vt_key(v, "S");
	assert_true(vt_wait_text(v, "Stacks and modules", WAIT_MS));
	return v;
}

static void quit(vt *v)
{
	int status = -1;

	vt_key(v, "q");
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	assert_int_equal(status, 0);
	vt_free(v);
}

/* stack list --json of w as alice. */
static cJSON *stacks_json(world *w)
{
	const char *args[] = {"stack", "list", "--json", NULL};
	cliexec_result r = {0};
	cJSON *doc;

	cliexec_argv(&w->h, &r, "alice", NULL, args);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	cliexec_free(&r);
	return doc;
}

static const cJSON *find(const cJSON *list, const char *name)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, list)
		if (!strcmp(cJSON_GetObjectItem(s, "name")->valuestring, name))
			return s;
	fail_msg("no stack named %s", name);
	return NULL;
}

static const char *field(const cJSON *s, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(s, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- tests ------------------------------------------------------------------------- */

static void create_with_picker(void **state)
{
	world *w = *state;
	const char *fake_args[] = {"--email", EMAIL, "--token", "test-token", NULL};
	cJSON *doc;
	const cJSON *s;
	vt *v;

	assert_int_equal(fake_start(&w->fake, fake_args), 0);
	w->fake_up = true;
	integration(w, "Prod BB", NULL);
	stack(w, "alpha", "root", "prod-bb", "acme/alpha"); /* sorts before web */
	v = console(w, "alice", 80, 24);
	vt_key(v, "n");
	assert_true(vt_wait_text(v, "New stack or module", WAIT_MS));
	assert_true(vt_wait_text(v, "Prod BB (default)", WAIT_MS));
	vt_send(v, "web");
	for (int i = 0; i < 4; i++)
		vt_key(v, "Tab"); /* kind, space, integration, repository */
	vt_send(v, "repo-0000");
	vt_key(v, "Enter");
	assert_true(vt_wait_text(v, "Repositories readable by prod-bb", WAIT_MS));
	assert_true(vt_wait_text(v, "Filter: repo-0000", WAIT_MS)); /* what was typed */
	assert_true(vt_wait_text(v, "up to date", WAIT_MS));
	vt_send(v, "1"); /* filter as you type */
	assert_true(vt_wait_gone(v, "repo-00002", WAIT_MS));
	vt_key(v, "Enter");
	assert_true(vt_wait_text(v, "New stack or module", WAIT_MS));
	assert_true(vt_wait_text(v, "/repo-00001", WAIT_MS));
	vt_key(v, "Tab"); /* from branch to project root */
	vt_key(v, "Tab"); /* to Create */
	vt_key(v, "Enter");
	assert_true(vt_wait_text(v, "Created stack web in space root.", WAIT_MS));
	assert_true(vt_wait_text(v, "2 stacks and modules", WAIT_MS));
	/* the list selects the stack just created, not the first row */
	EVENTUALLY(v, vt_selected_has(v, "web"));
	FINALLY(v, !vt_selected_has(v, "alpha"));
	quit(v);

	doc = stacks_json(w);
	s = find(doc, "web");
	assert_non_null(strstr(field(s, "repository"), "/repo-00001"));
	assert_string_equal(field(s, "branch"), "main"); /* the picked repository's main branch */
	assert_string_equal(field(s, "integration"), "prod-bb");
	cJSON_Delete(doc);
}

static void picker_failure_allows_typed_repository(void **state)
{
	world *w = *state;
	const char *fake_args[] = {"--email", EMAIL, "--token", "another-token", NULL};
	cJSON *doc;
	vt *v;

	assert_int_equal(fake_start(&w->fake, fake_args), 0); /* refuses our token: 401 */
	w->fake_up = true;
	integration(w, "Prod BB", NULL);
	v = console(w, "alice", 80, 24);
	vt_key(v, "n");
	assert_true(vt_wait_text(v, "New stack or module", WAIT_MS));
	vt_send(v, "api");
	for (int i = 0; i < 4; i++)
		vt_key(v, "Tab");
	vt_key(v, "Enter");
	assert_true(vt_wait_text(v, "Bitbucket refused the email or API token", WAIT_MS));
	assert_true(vt_wait_text(v, "to use a repository anyway", WAIT_MS));
	vt_send(v, "acme/api");
	vt_key(v, "Enter");
	assert_true(vt_wait_text(v, "acme/api", WAIT_MS));
	vt_key(v, "Tab");
	vt_key(v, "Tab");
	vt_key(v, "Enter");
	assert_true(vt_wait_text(v, "Created stack api", WAIT_MS));
	quit(v);
	doc = stacks_json(w);
	assert_string_equal(field(find(doc, "api"), "repository"), "acme/api");
	assert_string_equal(field(find(doc, "api"), "branch"), "main");
	cJSON_Delete(doc);
}

static void core_refusal_keeps_input(void **state)
{
	world *w = *state;
	vt *v;

	integration(w, "Prod BB", NULL);
	stack(w, "web", "root", "Prod BB", "acme/web");
	v = console(w, "alice", 80, 24);
	vt_key(v, "n");
	assert_true(vt_wait_text(v, "New stack or module", WAIT_MS));
	vt_send(v, "web"); /* taken */
	for (int i = 0; i < 4; i++)
		vt_key(v, "Tab");
	vt_send(v, "acme/other");
	for (int i = 0; i < 3; i++)
		vt_key(v, "Tab");
	vt_key(v, "Enter");
	assert_true(vt_wait_text(v, "Not created", WAIT_MS));
	assert_true(vt_wait_text(v, "already", WAIT_MS)); /* core's sentence */
	vt_key(v, "Enter");
	assert_true(vt_wait_gone(v, "Not created", WAIT_MS));
	WAIT(v, "acme/other"); /* the input stays */
	vt_key(v, "Esc");
	assert_true(vt_wait_text(v, "Discard the new stack?", WAIT_MS));
	vt_key(v, "Enter"); /* the safe default: keep editing */
	assert_true(vt_wait_gone(v, "Discard the new stack?", WAIT_MS));
	WAIT(v, "acme/other");
	vt_key(v, "Esc");
	assert_true(vt_wait_text(v, "Discard the new stack?", WAIT_MS));
	vt_key(v, "y");
	assert_true(vt_wait_text(v, "1 stack or module", WAIT_MS));
	quit(v);
}

/* A paste into a one-line field of the form says that its tabs went; a
 * trailing newline alone (a copied line) says nothing. */
static void paste_into_form_says_what_went(void **state)
{
	world *w = *state;
	vt *v;

	integration(w, "Prod BB", NULL);
	v = console(w, "alice", 80, 24);
	vt_key(v, "n");
	assert_true(vt_wait_text(v, "New stack or module", WAIT_MS));
	vt_paste(v, "web\n");
	WAIT(v, "web");
	FINALLY(v, !vt_has_text(v, "tabs and line breaks were left out"));
	vt_key(v, "Ctrl-U");
	vt_paste(v, "web\tapp");
	WAIT(v, "tabs and line breaks were left out");
	WAIT(v, "webapp");
	vt_key(v, "Esc");
	assert_true(vt_wait_text(v, "Discard the new stack?", WAIT_MS));
	vt_key(v, "y");
	quit(v);
}

/* Deleted integration: its stacks are marked, filter and detached toggle work. */
static void detached_marking_filter_and_toggle(void **state)
{
	world *w = *state;
	const char *del[] = {"integration", "delete", "Prod BB", "--yes", NULL};
	vt *v;

	integration(w, "Prod BB", NULL);
	integration(w, "Other BB", "root");
	stack(w, "api", "root", "Prod BB", "acme/api");
	stack(w, "web", "root", "Prod BB", "acme/web");
	stack(w, "zeta", "root", "Other BB", "acme/zeta");
	run_ok(w, NULL, NULL, del);
	v = console(w, "alice", 80, 24);
	assert_true(vt_wait_text(v, "3 stacks and modules", WAIT_MS));
	assert_true(vt_wait_text(v, "detached (was Prod BB)", WAIT_MS));
	GOLDEN(v, "stacks_detached");
	vt_key(v, "D");
	assert_true(vt_wait_text(v, "2 stacks and modules, detached only", WAIT_MS));
	assert_true(vt_wait_gone(v, "acme/zeta", WAIT_MS));
	vt_key(v, "D");
	assert_true(vt_wait_text(v, "3 stacks and modules", WAIT_MS));
	vt_key(v, "/");
	vt_send(v, "zet");
	assert_true(vt_wait_text(v, "1 stack or module, matching \"zet\"", WAIT_MS));
	assert_true(vt_wait_gone(v, "acme/web", WAIT_MS));
	vt_key(v, "Esc"); /* clears the filter */
	assert_true(vt_wait_text(v, "acme/web", WAIT_MS));
	vt_key(v, "Enter"); /* details of api */
	assert_true(vt_wait_text(v, "receives no webhooks", WAIT_MS));
	vt_key(v, "Esc");
	vt_key(v, "?");
	assert_true(vt_wait_text(v, "Show only detached stacks", WAIT_MS));
	vt_key(v, "Esc");
	assert_true(vt_wait_gone(v, "Show only detached stacks", WAIT_MS));
	vt_resize(v, 100, 30);
	assert_true(vt_wait_text(v, "T trigger", WAIT_MS)); /* the wider hint bar */
	GOLDEN(v, "stacks_detached");
	quit(v);
}

/* Three detached stacks marked; the chosen integration is usable in two of
 * their spaces: two change, the third is reported. */
static void bulk_set_integration_reports_unusable(void **state)
{
	world *w = *state;
	const char *del[] = {"integration", "delete", "Old BB", "--yes", NULL};
	cJSON *doc;
	vt *v;

	space(w, "dev");
	space(w, "prod");
	integration(w, "Old BB", "root");
	stack(w, "s1", "dev", "Old BB", "acme/s1");
	stack(w, "s2", "dev", "Old BB", "acme/s2");
	stack(w, "s3", "prod", "Old BB", "acme/s3");
	run_ok(w, NULL, NULL, del);
	integration(w, "Dev BB", "dev");
	v = console(w, "alice", 80, 24);
	vt_key(v, "D");
	assert_true(vt_wait_text(v, "3 stacks and modules, detached only", WAIT_MS));
	vt_key(v, "Space");
	vt_key(v, "Space");
	vt_key(v, "Space");
	assert_true(vt_wait_text(v, "3 marked", WAIT_MS));
	vt_key(v, "i");
	assert_true(vt_wait_text(v, "Dev BB (space dev) - usable for 2 of 3", WAIT_MS));
	vt_key(v, "Enter");
	assert_true(vt_wait_text(v, "2 of 3 now use integration Dev BB", WAIT_MS));
	assert_true(vt_wait_text(v, "stack s3 (space prod)", WAIT_MS));
	vt_key(v, "Enter");
	assert_true(vt_wait_text(v, "1 stack or module, detached only", WAIT_MS));
	quit(v);

	doc = stacks_json(w);
	assert_string_equal(field(find(doc, "s1"), "integration"), "dev-bb");
	assert_string_equal(field(find(doc, "s2"), "integration"), "dev-bb");
	assert_null(field(find(doc, "s3"), "integration"));
	assert_string_equal(field(find(doc, "s3"), "detached_from"), "Old BB");
	cJSON_Delete(doc);
}

static void read_user_is_refused_with_reason(void **state)
{
	world *w = *state;
	const char *grant[] = {"user", "grant", "bob", "--space", "root", "--role", "read", NULL};
	vt *v;

	integration(w, "Prod BB", NULL);
	stack(w, "web", "root", "Prod BB", "acme/web");
	run_ok(w, NULL, NULL, grant);
	v = console(w, "bob", 80, 24);
	assert_true(vt_wait_text(v, "acme/web", WAIT_MS));
	/* what a reader may not do is not offered */
	assert_true(vt_wait_row(v, 23, "Enter details  / filter  D detached  Esc back", WAIT_MS));
	FINALLY(v, !vt_has_text(v, "n new") && !vt_has_text(v, "i integration") &&
		   !vt_has_text(v, "Space mark") &&
		   !vt_has_text(v, "T trigger") && !vt_has_text(v, "e edit") &&
		   !vt_has_text(v, "d delete"));
	vt_key(v, "n");
	assert_true(vt_wait_text(v, "needs the admin role in a space", WAIT_MS));
	assert_true(vt_wait_text(v, "admin of none", WAIT_MS));
	vt_key(v, "Enter"); /* closes the refusal */
	assert_true(vt_wait_gone(v, "admin of none", WAIT_MS));
	vt_key(v, "i");
	assert_true(vt_wait_text(v, "Setting the integration of stack web", WAIT_MS));
	ABSENT(v, "Integrations usable");
	vt_key(v, "Enter");
	assert_true(vt_wait_gone(v, "Setting the integration", WAIT_MS));
	quit(v);
}

/* The repositories cached for the default integration are what its token
 * reads: an admin of dev only, whom `integration repos` refuses (77), must
 * not see them in the console's picker either. */
static void picker_hides_cached_repositories_of_others(void **state)
{
	world *w = *state;
	const char *grant[] = {"user", "grant", "carol", "--space", "dev", "--role", "admin", NULL};
	sqlite3 *db;
	vt *v;

	space(w, "dev");
	run_ok(w, NULL, NULL, grant);
	integration(w, "Prod BB", NULL);
	assert_int_equal(sqlite3_open(w->h.db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO repo_cache VALUES ('prod-bb', "
				      "'acme/cached-secret', 'acme', 'cached-secret', 'Cached', 1, "
				      "'main', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	v = console(w, "carol", 80, 24);
	vt_key(v, "n");
	assert_true(vt_wait_text(v, "New stack or module", WAIT_MS));
	assert_true(vt_wait_text(v, "Prod BB (default)", WAIT_MS));
	vt_send(v, "api");
	for (int i = 0; i < 4; i++)
		vt_key(v, "Tab");
	vt_key(v, "Enter");
	assert_true(vt_wait_text(v, "Repositories readable by prod-bb", WAIT_MS));
	assert_true(vt_wait_text(v, "to use a repository anyway", WAIT_MS));
	assert_true(vt_wait_text(v, "needs", WAIT_MS)); /* core's sentence: admin of root */
	ABSENT(v, "cached-secret");
	ABSENT(v, "repositories cached");
	vt_key(v, "Esc");
	assert_true(vt_wait_text(v, "New stack or module", WAIT_MS));
	vt_key(v, "Esc");
	vt_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(create_with_picker, setup, teardown),
		cmocka_unit_test_setup_teardown(picker_failure_allows_typed_repository, setup,
						teardown),
		cmocka_unit_test_setup_teardown(core_refusal_keeps_input, setup, teardown),
		cmocka_unit_test_setup_teardown(paste_into_form_says_what_went, setup, teardown),
		cmocka_unit_test_setup_teardown(detached_marking_filter_and_toggle, setup, teardown),
		cmocka_unit_test_setup_teardown(bulk_set_integration_reports_unusable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(read_user_is_refused_with_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(picker_hides_cached_repositories_of_others, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
