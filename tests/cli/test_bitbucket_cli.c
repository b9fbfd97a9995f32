/* Command-line tests for integration verify and integration repos against
 * the fake Bitbucket server: success (text and JSON), 401, 403 naming the
 * scope, 429 exhausted, connection refused, unknown integration, a reader
 * refused, the verification shown by the list, the repository cache, and
 * the token never printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliexec.h"
#include "../fake/spawn.h"

#define EMAIL "ops@acme.example"
#define TOKEN "ATATT3xFfGF0-cli-verify-token-Q7"
#define WRONG "ATATT3xFfGF0-wrong-token-Zz"

static fake_server srv;
static cliexec_home home;

static const char *const srv_args[] = {"--email", EMAIL, "--token", TOKEN, "--workspaces", "2",
				       "--repos", "3", "--idle", "120", NULL};

static void create(const char *name, const char *token_line)
{
	cliexec_result r = {0};

	cliexec(&home, &r, "alice", token_line, "integration", "create", "--name", name,
		"--space", "root", "--email", EMAIL, "--token-stdin", NULL);
	cliexec_assert_ok(&r);
	cliexec_free(&r);
}

/* One server and one database for the group: alice admin of root, bob reads
 * in root; "Good BB" has the server's token, "Wrong BB" another one. */
static int group_setup(void **state)
{
	cliexec_result r = {0};

	(void)state;
	if (fake_start(&srv, srv_args) != 0)
		return -1;
	setenv("BBCONSOLE_BITBUCKET_API", srv.base, 1);
	setenv("BBCONSOLE_BACKOFF_MS", "5", 1);
	setenv("BBCONSOLE_HTTP_TIMEOUT_MS", "5000", 1);
	cliexec_home_make(&home);
	cliexec_init(&home, NULL);
	create("Good BB", TOKEN "\n");
	create("Wrong BB", WRONG "\n");
	cliexec(&home, &r, "alice", NULL, "user", "grant", "bob", "--space", "root", "--role",
		"read", NULL);
	cliexec_assert_ok(&r);
	cliexec_free(&r);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fake_stop(&srv);
	cliexec_home_remove(&home);
	return 0;
}

static int reset(void **state)
{
	(void)state;
	setenv("BBCONSOLE_BITBUCKET_API", srv.base, 1);
	return fake_control(&srv, "mode=ok&count=-1&match=&latency=0") == 200 ? 0 : -1;
}

/* Runs a command as `user`; whatever happens, neither token is printed. */
#define RUN(r, user, ...)                                                        \
	do {                                                                     \
		cliexec(&home, (r), (user), NULL, __VA_ARGS__, NULL);            \
		assert_no_token(r);                                              \
	} while (0)

static void assert_no_token(const cliexec_result *r)
{
	const char *const secrets[] = {TOKEN, WRONG, "ATATT3"};

	for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
		assert_null(strstr(r->out, secrets[i]));
		assert_null(strstr(r->err, secrets[i]));
	}
}

static const cJSON *item(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v)
		fail_msg("no \"%s\" in the JSON", key);
	return v;
}

/* The CREDENTIALS column of `integration list` for the row of name. */
static void assert_list_says(const char *name, const char *state)
{
	cliexec_result r = {0};
	const char *row;
	size_t len;

	RUN(&r, "alice", "integration", "list");
	cliexec_assert_ok(&r);
	row = strstr(r.out, name);
	assert_non_null(row);
	len = strcspn(row, "\n");
	assert_true(len >= strlen(state));
	assert_memory_equal(row + len - strlen(state), state, strlen(state));
	cliexec_free(&r);
}

static void verify_success_prints_what_the_token_reaches(void **state)
{
	cliexec_result r = {0};

	(void)state;
	RUN(&r, "alice", "integration", "verify", "Good BB");
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "Credentials of Good BB work."));
	assert_non_null(strstr(r.out, "The token reaches 2 workspaces"));
	assert_non_null(strstr(r.out, "Workspaces:     ws0, ws1\n"));
	assert_non_null(strstr(r.out, "Repositories:   6\n"));
	assert_non_null(strstr(r.out, "Pull requests:  readable\n"));
	assert_non_null(strstr(r.out, "Webhooks:       readable (the webhook scopes are held)\n"));
	assert_string_equal(r.err, "");
	cliexec_free(&r);
	assert_list_says("Good BB", "verified");
}

static void verify_json_has_every_field(void **state)
{
	cliexec_result r = {0};
	const cJSON *ws;
	cJSON *doc;

	(void)state;
	RUN(&r, "alice", "integration", "verify", "good-bb", "--json"); /* by slug too */
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_true(cJSON_IsTrue(item(doc, "ok")));
	assert_non_null(strstr(item(doc, "message")->valuestring, "6 repositories"));
	ws = item(doc, "workspaces");
	assert_int_equal(cJSON_GetArraySize(ws), 2);
	assert_string_equal(cJSON_GetArrayItem(ws, 0)->valuestring, "ws0");
	assert_string_equal(cJSON_GetArrayItem(ws, 1)->valuestring, "ws1");
	assert_int_equal(item(doc, "repositories")->valueint, 6);
	assert_true(cJSON_IsTrue(item(doc, "pull_requests")));
	assert_true(cJSON_IsArray(item(doc, "missing_scopes")));
	assert_int_equal(cJSON_GetArraySize(item(doc, "missing_scopes")), 0);
	assert_true(cJSON_IsTrue(item(doc, "source")));
	assert_string_equal(item(doc, "user")->valuestring, "Dev Example");
	assert_int_equal(cJSON_GetArraySize(item(doc, "admin_workspaces")), 1);
	assert_true(cJSON_IsArray(item(item(doc, "scopes"), "held")));
	assert_int_equal(cJSON_GetArraySize(item(item(doc, "scopes"), "missing_required")), 0);
	assert_int_equal(cJSON_GetArraySize(item(item(doc, "scopes"), "missing_optional")), 2);
	assert_int_equal(cJSON_GetArraySize(doc), 10);
	cJSON_Delete(doc);
	cliexec_free(&r);
}

static void verify_wrong_token_is_refused_with_69(void **state)
{
	cliexec_result r = {0};
	cJSON *doc;

	(void)state;
	RUN(&r, "alice", "integration", "verify", "Wrong BB");
	cliexec_assert_refused(&r, 69, "Atlassian account email");
	assert_string_equal(r.out, "");
	assert_list_says("Wrong BB", "verify failed");

	RUN(&r, "alice", "integration", "verify", "Wrong BB", "--json");
	assert_int_equal(r.status, 69);
	doc = cliexec_json(&r);
	assert_true(cJSON_IsFalse(item(doc, "ok")));
	assert_non_null(strstr(item(doc, "message")->valuestring, "app passwords"));
	assert_true(cJSON_IsNull(item(doc, "pull_requests")));
	cJSON_Delete(doc);
	cliexec_free(&r);

	/* show tells when and how it failed */
	RUN(&r, "alice", "integration", "show", "Wrong BB");
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "Verified:         failed at "));
	cliexec_free(&r);
}

static void verify_403_names_the_missing_scope(void **state)
{
	cliexec_result r = {0};
	const cJSON *scopes;
	cJSON *doc;

	(void)state;
	fake_control(&srv, "mode=403scope&match=/pullrequests&scope=read:pullrequest:bitbucket");
	RUN(&r, "alice", "integration", "verify", "Good BB");
	cliexec_assert_refused(&r, 69, "read:pullrequest:bitbucket");
	RUN(&r, "alice", "integration", "verify", "Good BB", "--json");
	assert_int_equal(r.status, 69);
	doc = cliexec_json(&r);
	assert_true(cJSON_IsFalse(item(doc, "ok")));
	assert_true(cJSON_IsFalse(item(doc, "pull_requests")));
	scopes = item(doc, "missing_scopes");
	assert_int_equal(cJSON_GetArraySize(scopes), 1);
	assert_string_equal(cJSON_GetArrayItem(scopes, 0)->valuestring,
			    "read:pullrequest:bitbucket");
	/* the workspaces reached before the refusal are still reported */
	assert_int_equal(cJSON_GetArraySize(item(doc, "workspaces")), 2);
	cJSON_Delete(doc);
	cliexec_free(&r);
	assert_list_says("Good BB", "verify failed");
}

static void verify_429_after_the_retries_says_rate_limited(void **state)
{
	cliexec_result r = {0};

	(void)state;
	fake_control(&srv, "mode=429&count=-1");
	RUN(&r, "alice", "integration", "verify", "Good BB");
	cliexec_assert_refused(&r, 69, "rate limiting");
	cliexec_free(&r);
}

static void verify_connection_refused_says_check_the_network(void **state)
{
	cliexec_result r = {0};
	char base[64];
	int port = 0, fd = fake_listen_probe(&port);

	(void)state;
	assert_true(fd >= 0);
	close(fd); /* nothing listens there any more */
	snprintf(base, sizeof base, "http://127.0.0.1:%d/2.0", port);
	setenv("BBCONSOLE_BITBUCKET_API", base, 1);
	RUN(&r, "alice", "integration", "verify", "Good BB");
	cliexec_assert_refused(&r, 69, "Could not connect to Bitbucket");
	cliexec_free(&r);
	RUN(&r, "alice", "integration", "repos", "Good BB");
	cliexec_assert_refused(&r, 69, "Could not connect to Bitbucket");
	cliexec_free(&r);
}

static void unknown_integration_is_66_and_reader_is_77(void **state)
{
	cliexec_result r = {0};
	long before = fake_requests(&srv, NULL);

	(void)state;
	RUN(&r, "alice", "integration", "verify", "No Such");
	cliexec_assert_refused(&r, 66, NULL);
	RUN(&r, "alice", "integration", "repos", "No Such");
	cliexec_assert_refused(&r, 66, NULL);
	RUN(&r, "bob", "integration", "verify", "Good BB");
	cliexec_assert_refused(&r, 77, NULL);
	RUN(&r, "bob", "integration", "repos", "Good BB", "--json");
	cliexec_assert_refused(&r, 77, NULL);
	assert_string_equal(r.out, "");
	RUN(&r, "mallory", "integration", "verify", "Good BB");
	cliexec_assert_refused(&r, 77, NULL);
	cliexec_free(&r);
	assert_int_equal(fake_requests(&srv, NULL), before); /* Bitbucket never asked */
}

static void repos_prints_a_table(void **state)
{
	cliexec_result r = {0};

	(void)state;
	RUN(&r, "alice", "integration", "repos", "Good BB");
	cliexec_assert_ok(&r);
	assert_true(strncmp(r.out, "FULL NAME", 9) == 0);
	assert_non_null(strstr(r.out, "PRIVATE"));
	assert_non_null(strstr(r.out, "MAIN BRANCH"));
	assert_non_null(strstr(r.out, "UPDATED"));
	assert_non_null(strstr(r.out, "\nws0/repo-00000 "));
	assert_non_null(strstr(r.out, "\nws1/repo-00002 "));
	assert_non_null(strstr(r.out, "Found 6 repositories in 2 workspaces.\n"));
	cliexec_free(&r);
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = item(o, key);

	if (!cJSON_IsString(v))
		fail_msg("\"%s\" is not a string", key);
	return v->valuestring;
}

static void repos_json_is_the_spec_array(void **state)
{
	cliexec_result r = {0};
	const cJSON *first;
	cJSON *all, *doc;

	(void)state;
	RUN(&r, "alice", "integration", "repos", "Good BB", "--json");
	cliexec_assert_ok(&r);
	all = cliexec_json(&r);
	assert_int_equal(cJSON_GetArraySize(all), 2);
	assert_int_equal(cJSON_GetArraySize(item(all, "warnings")), 0);
	doc = cJSON_DetachItemFromObject(all, "repositories");
	cJSON_Delete(all);
	assert_true(cJSON_IsArray(doc));
	assert_int_equal(cJSON_GetArraySize(doc), 6);
	first = cJSON_GetArrayItem(doc, 0);
	assert_string_equal(str(first, "full_name"), "ws0/repo-00000");
	assert_string_equal(str(first, "workspace"), "ws0");
	assert_string_equal(str(first, "slug"), "repo-00000");
	assert_true(strlen(str(first, "name")) > 0);
	assert_true(cJSON_IsBool(item(first, "is_private")));
	assert_true(cJSON_IsString(item(first, "mainbranch")) ||
		    cJSON_IsNull(item(first, "mainbranch")));
	assert_true(cJSON_IsString(item(first, "updated_on")) ||
		    cJSON_IsNull(item(first, "updated_on")));
	assert_int_equal(cJSON_GetArraySize(first), 7);
	assert_string_equal(str(cJSON_GetArrayItem(doc, 5), "full_name"), "ws1/repo-00002");
	cJSON_Delete(doc);
	cliexec_free(&r);
}

static long cached(const char *where)
{
	char sql[256];
	sqlite3 *db;
	sqlite3_stmt *st;
	long n;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM repo_cache WHERE integration = 'good-bb'%s",
		 where);
	assert_int_equal(sqlite3_open(home.db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void repos_workspace_restricts_and_keeps_the_cache_whole(void **state)
{
	cliexec_result r = {0};
	cJSON *doc;

	(void)state;
	RUN(&r, "alice", "integration", "repos", "Good BB");
	cliexec_assert_ok(&r);
	assert_int_equal(cached(""), 6);
	fake_control(&srv, "mode=404&match=/repositories/ws0");
	RUN(&r, "alice", "integration", "repos", "Good BB", "--workspace", "ws1", "--json");
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_int_equal(cJSON_GetArraySize(item(doc, "repositories")), 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(str(cJSON_GetArrayItem(item(doc, "repositories"), i),
					"workspace"), "ws1");
	cJSON_Delete(doc);
	assert_int_equal(cached(""), 6);            /* ws0 is still cached */
	assert_int_equal(cached(" AND workspace = 'ws1'"), 3);
	RUN(&r, "alice", "integration", "repos", "Good BB", "--workspace", "nosuch");
	cliexec_assert_refused(&r, 69, "404");
	cliexec_free(&r);
}

/* One workspace refusing: the others are listed, the refusal is a warning
 * on stderr and in the JSON beside the repositories; the exit is 0. */
static void repos_one_workspace_refusing_is_a_warning(void **state)
{
	cliexec_result r = {0};
	const cJSON *w;
	cJSON *doc;

	(void)state;
	fake_control(&srv, "mode=403none&match=/repositories/ws1");
	RUN(&r, "alice", "integration", "repos", "Good BB", "--json");
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.err, "warning: workspace ws1: "));
	doc = cliexec_json(&r);
	assert_int_equal(cJSON_GetArraySize(item(doc, "repositories")), 3);
	w = cJSON_GetArrayItem(item(doc, "warnings"), 0);
	assert_int_equal(cJSON_GetArraySize(item(doc, "warnings")), 1);
	assert_string_equal(str(w, "workspace"), "ws1");
	assert_int_equal(item(w, "status")->valueint, 403);
	assert_non_null(strstr(str(w, "message"), "workspace ws1"));
	assert_int_equal(cJSON_GetArraySize(w), 3);
	cJSON_Delete(doc);
	cliexec_free(&r);
}

static void repos_refused_by_bitbucket_is_69(void **state)
{
	cliexec_result r = {0};

	(void)state;
	RUN(&r, "alice", "integration", "repos", "Wrong BB", "--json");
	cliexec_assert_refused(&r, 69, "Atlassian account email");
	assert_string_equal(r.out, "");
	fake_control(&srv, "mode=403scope&match=/repositories&scope=read:repository:bitbucket");
	RUN(&r, "alice", "integration", "repos", "Good BB");
	cliexec_assert_refused(&r, 69, "read:repository:bitbucket");
	cliexec_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(verify_success_prints_what_the_token_reaches, reset),
		cmocka_unit_test_setup(verify_json_has_every_field, reset),
		cmocka_unit_test_setup(verify_wrong_token_is_refused_with_69, reset),
		cmocka_unit_test_setup(verify_403_names_the_missing_scope, reset),
		cmocka_unit_test_setup(verify_429_after_the_retries_says_rate_limited, reset),
		cmocka_unit_test_setup(verify_connection_refused_says_check_the_network, reset),
		cmocka_unit_test_setup(unknown_integration_is_66_and_reader_is_77, reset),
		cmocka_unit_test_setup(repos_prints_a_table, reset),
		cmocka_unit_test_setup(repos_json_is_the_spec_array, reset),
		cmocka_unit_test_setup(repos_one_workspace_refusing_is_a_warning, reset),
		cmocka_unit_test_setup(repos_workspace_restricts_and_keeps_the_cache_whole, reset),
		cmocka_unit_test_setup(repos_refused_by_bitbucket_is_69, reset),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
