/* Unit tests for the Bitbucket response parsers, error sentences, text
 * cleaning, the repository cache and the troubleshooting commands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitbucket.h"
#include "testdb.h"

#define S(lit) lit, sizeof(lit) - 1

static void error_401_plain_text_names_email_and_app_passwords(void **state)
{
	bb_api_error e;

	(void)state;
	bitbucket_parse_error(401, "text/plain", S("Login failed due to incorrect login credentials "
			      "or method."), "the list of your workspaces", &e);
	assert_non_null(strstr(e.msg, "Atlassian account email"));
	assert_non_null(strstr(e.msg, "app passwords"));
	assert_int_equal(e.token_invalid, 0);
	assert_int_equal(e.retry, 0);
	bitbucket_api_error_free(&e);
}

static void error_401_json_token_invalid(void **state)
{
	bb_api_error e;

	(void)state;
	bitbucket_parse_error(401, "application/json; charset=utf-8",
			      S("{\"type\": \"error\", \"error\": {\"message\": \"Token is invalid, "
				"expired, or not supported for this endpoint.\"}}"), NULL, &e);
	assert_int_equal(e.token_invalid, 1);
	assert_non_null(strstr(e.msg, "expired"));
	bitbucket_api_error_free(&e);
}

static void error_403_detail_object_names_scopes(void **state)
{
	bb_api_error e;

	(void)state;
	bitbucket_parse_error(403, "application/json",
			      S("{\"type\": \"error\", \"error\": {\"message\": \"Your credentials lack "
				"one or more required privilege scopes.\", \"detail\": {\"required\": "
				"[\"read:pullrequest:bitbucket\", \"read:repository:bitbucket\"], "
				"\"granted\": [\"read:user:bitbucket\"]}}}"), "workspace acme", &e);
	assert_int_equal(e.missing_scopes.n, 2);
	assert_string_equal(e.missing_scopes.v[0], "read:pullrequest:bitbucket");
	assert_non_null(strstr(e.msg, "read:pullrequest:bitbucket and read:repository:bitbucket"));
	bitbucket_api_error_free(&e);
}

static void error_403_required_as_single_string(void **state)
{
	bb_api_error e;

	(void)state;
	bitbucket_parse_error(403, "application/json",
			      S("{\"error\": {\"message\": \"x\", \"detail\": {\"required\": "
				"\"read:workspace:bitbucket\"}}}"), NULL, &e);
	assert_int_equal(e.missing_scopes.n, 1);
	assert_non_null(strstr(e.msg, "lacks the scope read:workspace:bitbucket"));
	bitbucket_api_error_free(&e);
}

static void error_403_detail_string_or_missing(void **state)
{
	bb_api_error e;

	(void)state;
	bitbucket_parse_error(403, "application/json",
			      S("{\"type\": \"error\", \"error\": {\"message\": \"Forbidden\", "
				"\"detail\": \"You may not see this.\"}}"), "workspace acme", &e);
	assert_int_equal(e.missing_scopes.n, 0);
	assert_non_null(strstr(e.msg, "You may not see this."));
	assert_non_null(strstr(e.msg, "workspace acme"));
	bitbucket_api_error_free(&e);
	bitbucket_parse_error(403, "application/json", S("{\"type\": \"error\", \"error\": "
			      "{\"message\": \"Forbidden\"}}"), "workspace acme", &e);
	assert_non_null(strstr(e.msg, "Forbidden"));
	bitbucket_api_error_free(&e);
	bitbucket_parse_error(403, NULL, S("{\"error\": {\"detail\": null, \"message\": null}}"),
			      NULL, &e);
	assert_non_null(strstr(e.msg, "403"));
	bitbucket_api_error_free(&e);
}

static void error_410_change_2770_is_retired(void **state)
{
	bb_api_error e;

	(void)state;
	bitbucket_parse_error(410, "application/json",
			      S("{\"type\": \"error\", \"error\": {\"message\": \"CHANGE-2770 - "
				"Functionality has been deprecated\", \"detail\": \"Please read the "
				"changelog entry for more details.\"}}"), NULL, &e);
	assert_int_equal(e.retired, 1);
	assert_non_null(strstr(e.msg, "retired"));
	bitbucket_api_error_free(&e);
	bitbucket_parse_error(410, "application/json", S("{\"error\": {\"message\": \"Gone\"}}"),
			      "workspace spam", &e);
	assert_int_equal(e.retired, 0);
	bitbucket_api_error_free(&e);
}

static void error_429_and_5xx_are_retryable_but_not_401_403(void **state)
{
	bb_api_error e;

	(void)state;
	bitbucket_parse_error(429, "text/plain", S("Rate limit for this resource has been exceeded"),
			      NULL, &e);
	assert_int_equal(e.retry, 0); /* a retry adds to the hourly count: the job stops */
	assert_non_null(strstr(e.msg, "few minutes"));
	bitbucket_api_error_free(&e);
	bitbucket_parse_error(503, "text/html", S("<html>down</html>"), NULL, &e);
	assert_int_equal(e.retry, 1);
	assert_non_null(strstr(e.msg, "having trouble"));
	bitbucket_api_error_free(&e);
	bitbucket_parse_error(403, "application/json", S("{}"), NULL, &e);
	assert_int_equal(e.retry, 0);
	bitbucket_api_error_free(&e);
	bitbucket_parse_error(401, "text/plain", S(""), NULL, &e);
	assert_int_equal(e.retry, 0);
	bitbucket_api_error_free(&e);
}

static void error_app_not_installed_flat_body(void **state)
{
	bb_api_error e;

	(void)state;
	bitbucket_parse_error(404, "application/json",
			      S("{\"error\": \"Invalid or unknown installation\"}"), NULL, &e);
	assert_int_equal(e.app_not_installed, 1);
	bitbucket_api_error_free(&e);
}

static void error_text_from_server_is_capped_and_clean(void **state)
{
	char body[4096];
	bb_api_error e;

	(void)state;
	strcpy(body, "{\"error\": {\"message\": \"evil\\u001b[2J\\r\\nline ");
	memset(body + strlen(body), 'A', 2000);
	strcpy(body + strlen(body) - 0, "\"}}");
	bitbucket_parse_error(400, "application/json", body, strlen(body), NULL, &e);
	assert_null(strchr(e.msg, '\033'));
	assert_null(strchr(e.msg, '\n'));
	assert_null(strchr(e.msg, '\r'));
	assert_true(strlen(e.msg) < 400);
	assert_non_null(strstr(e.msg, "evil"));
	bitbucket_api_error_free(&e);
}

static void error_parser_survives_garbage(void **state)
{
	const char *bodies[] = { "", "{", "null", "[]", "{\"error\": 5}", "{\"error\": {\"detail\": "
				 "{\"required\": [1, null, {}]}}}", "\xff\xfe\x00garbage", "<html>" };
	bb_api_error e;

	(void)state;
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		bitbucket_parse_error(403, "application/json", bodies[i], strlen(bodies[i]) + (i == 6),
				      NULL, &e);
		assert_true(strlen(e.msg) > 10);
		assert_int_equal(e.missing_scopes.n, 0);
		bitbucket_api_error_free(&e);
	}
}

static void repos_page_reads_fields_and_derives_slug(void **state)
{
	const char body[] =
		"{\"pagelen\": 100, \"size\": 250, \"page\": 1, \"next\": \"https://x/2.0/r?page=2\","
		" \"values\": [{\"full_name\": \"acme/api\", \"name\": \"API\", \"slug\": \"api\","
		" \"is_private\": true, \"mainbranch\": {\"type\": \"branch\", \"name\": \"main\"},"
		" \"updated_on\": \"2026-03-01T10:00:00.123456+00:00\"},"
		" {\"full_name\": \"acme/web-site\", \"is_private\": false, \"mainbranch\": null},"
		" {\"name\": \"no full name\"}, 5, null, {\"full_name\": \"noslash\"}]}";
	bb_repo_page pg;

	(void)state;
	assert_int_equal(bitbucket_parse_repos(body, sizeof body - 1, &pg, NULL), BB_OK);
	assert_int_equal(pg.size, 250);
	assert_int_equal(pg.page, 1);
	assert_int_equal(pg.pagelen, 100);
	assert_string_equal(pg.next, "https://x/2.0/r?page=2");
	assert_int_equal(pg.repos.n, 2);
	assert_string_equal(pg.repos.v[0].workspace, "acme");
	assert_string_equal(pg.repos.v[0].mainbranch, "main");
	assert_int_equal(pg.repos.v[0].is_private, 1);
	assert_string_equal(pg.repos.v[1].slug, "web-site");
	assert_string_equal(pg.repos.v[1].name, "web-site");
	assert_null(pg.repos.v[1].mainbranch);
	assert_null(pg.repos.v[1].updated_on);
	bitbucket_repo_page_free(&pg);
}

static void repos_page_without_size_and_wrong_types(void **state)
{
	const char body[] = "{\"values\": [], \"size\": \"12\", \"page\": null, \"next\": 7}";
	bb_repo_page pg;

	(void)state;
	assert_int_equal(bitbucket_parse_repos(body, sizeof body - 1, &pg, NULL), BB_OK);
	assert_int_equal(pg.size, -1);
	assert_int_equal(pg.page, -1);
	assert_null(pg.next);
	bitbucket_repo_page_free(&pg);
}

static void repos_page_refuses_non_json_with_a_sentence(void **state)
{
	bb_repo_page pg;
	bb_err err;

	(void)state;
	assert_int_equal(bitbucket_parse_repos(S("{\"values\": [{\"full_name\": "), &pg, &err),
			 BB_REMOTE);
	assert_non_null(strstr(err.msg, "not valid JSON"));
	assert_int_equal(bitbucket_parse_repos(S("<!DOCTYPE html><p>login"), &pg, &err), BB_REMOTE);
	assert_non_null(strstr(err.msg, "web page"));
	assert_int_equal(bitbucket_parse_repos(S("{\"values\": {}}"), &pg, &err), BB_REMOTE);
	assert_int_equal(bitbucket_parse_repos("", 0, &pg, &err), BB_REMOTE);
	assert_non_null(strstr(err.msg, "empty"));
}

static void repos_names_with_bad_utf8_and_escapes_are_cleaned(void **state)
{
	const char body[] = "{\"values\": [{\"full_name\": \"ws/r\", \"name\": \"a\xff\xfe "
			    "\\u001b[31mred\\u0007\"}]}";
	bb_repo_page pg;

	(void)state;
	assert_int_equal(bitbucket_parse_repos(body, sizeof body - 1, &pg, NULL), BB_OK);
	assert_int_equal(pg.repos.n, 1);
	assert_null(strchr(pg.repos.v[0].name, '\033'));
	assert_null(strchr(pg.repos.v[0].name, '\a'));
	assert_null(strchr(pg.repos.v[0].name, '\xff'));
	assert_non_null(strstr(pg.repos.v[0].name, "red"));
	bitbucket_repo_page_free(&pg);
}

/* A full_name too long to be real is skipped, never cut into one without '/'
 * (found by the fuzzer). */
static void repos_overlong_full_name_is_skipped(void **state)
{
	size_t n = 5000;
	char *body = malloc(n + 200), *p = body;
	bb_repo_page pg;

	(void)state;
	assert_non_null(body);
	p += sprintf(p, "{\"values\": [{\"full_name\": \"");
	memset(p, 'w', n);
	p += n;
	p += sprintf(p, "/r\"}, {\"full_name\": \"acme/api\"}]}");
	assert_int_equal(bitbucket_parse_repos(body, (size_t)(p - body), &pg, NULL), BB_OK);
	assert_int_equal(pg.repos.n, 1);
	assert_string_equal(pg.repos.v[0].full_name, "acme/api");
	bitbucket_repo_page_free(&pg);
	free(body);
}

static void workspaces_page_reads_nested_and_bare_slugs(void **state)
{
	const char body[] = "{\"values\": [{\"type\": \"workspace_access\", \"workspace\": "
			    "{\"slug\": \"acme\"}}, {\"slug\": \"bare\"}, {\"workspace\": null}, "
			    "{\"workspace\": {\"slug\": \"acme\"}}], \"next\": \"https://n\"}";
	bb_strlist l = { 0 };
	char *next;

	(void)state;
	assert_int_equal(bitbucket_parse_workspaces_admin(body, sizeof body - 1, &l, NULL, &next, NULL), BB_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "acme");
	assert_string_equal(l.v[1], "bare");
	assert_string_equal(next, "https://n");
	free(next);
	strlist_free(&l);
	assert_int_equal(bitbucket_parse_workspaces_admin(S("{\"values\": null}"), &l, NULL, &next, NULL),
			 BB_REMOTE);
}

static void sort_unique_keeps_each_repository_once(void **state)
{
	const char body[] = "{\"values\": [{\"full_name\": \"b/x\"}, {\"full_name\": \"a/y\"}, "
			    "{\"full_name\": \"b/x\"}, {\"full_name\": \"a/y\"}, {\"full_name\": \"c/z\"}]}";
	bb_repo_page pg;

	(void)state;
	assert_int_equal(bitbucket_parse_repos(body, sizeof body - 1, &pg, NULL), BB_OK);
	bitbucket_repos_sort_unique(&pg.repos);
	assert_int_equal(pg.repos.n, 3);
	assert_string_equal(pg.repos.v[0].full_name, "a/y");
	assert_string_equal(pg.repos.v[2].full_name, "c/z");
	bitbucket_repo_page_free(&pg);
}

static void clean_text_cuts_on_character_boundary(void **state)
{
	char *s;

	(void)state;
	s = bitbucket_clean_text(S("h\xc3\xa9h\xc3\xa9"), 4); /* héhé cut inside the 2nd é */
	assert_string_equal(s, "h\xc3\xa9h");
	free(s);
	s = bitbucket_clean_text(S("a\0b"), 10);
	assert_string_equal(s, "a b");
	free(s);
}

static void checks_show_email_and_placeholder_never_token(void **state)
{
	bb_check *v;
	size_t n;

	(void)state;
	setenv("BBCONSOLE_BITBUCKET_API", "https://api.bitbucket.org/2.0/", 1);
	assert_int_equal(bitbucket_checks("o'neil@example.com", "acme", "acme/api", "abc123", &v, &n,
					  NULL), BB_OK);
	assert_int_equal(n, 5);
	assert_string_equal(v[1].curl, "curl -sS -D - -u 'o'\\''neil@example.com:'\"$BITBUCKET_API_TOKEN\" "
			    "'https://api.bitbucket.org/2.0/user/workspaces'");
	assert_non_null(strstr(v[4].curl, "/repositories/acme/api/commit/abc123/pullrequests"));
	assert_non_null(strstr(v[4].expect, "Invalid or unknown installation"));
	for (size_t i = 0; i < n; i++)
		assert_non_null(strstr(v[i].curl, "$BITBUCKET_API_TOKEN"));
	bitbucket_checks_free(v, n);
	unsetenv("BBCONSOLE_BITBUCKET_API");
}

static void exec_sql(bb_ctx *ctx, const char *sql)
{
	assert_int_equal(sqlite3_exec(db_handle(ctx->db), sql, NULL, NULL, NULL), SQLITE_OK);
}

static void cache_stores_replaces_and_filters(void **state)
{
	const char body[] = "{\"values\": [{\"full_name\": \"b/x\", \"mainbranch\": {\"name\": "
			    "\"main\"}}, {\"full_name\": \"a/y\", \"is_private\": true}]}";
	bb_ctx *ctx = testdb_open("alice");
	bb_repo_list l;
	bb_repo_page pg;
	char at[BB_TIME_LEN];

	(void)state;
	exec_sql(ctx, "INSERT OR IGNORE INTO space (name, parent, inherit, created_at, created_by) "
		 "VALUES ('root', NULL, 1, 't', 'u');"
		 "INSERT INTO integration (slug, name, type, space, email, token_enc, "
		 "token_updated_at, secret_enc, created_at, created_by, updated_at, updated_by) "
		 "VALUES ('bb', 'BB', 'default', 'root', 'e@x.io', x'00', 't', x'00', 't', 'u', 't', 'u')");
	assert_int_equal(bitbucket_cache_load(ctx->db, "bb", NULL, &l, at, NULL), BB_OK);
	assert_int_equal(l.n, 0);
	assert_string_equal(at, "");
	assert_int_equal(bitbucket_parse_repos(body, sizeof body - 1, &pg, NULL), BB_OK);
	assert_int_equal(bitbucket_cache_store(ctx->db, "bb", &pg.repos, "2026-01-01T00:00:00.000Z",
					       NULL), BB_OK);
	assert_int_equal(bitbucket_cache_load(ctx->db, "bb", NULL, &l, at, NULL), BB_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].full_name, "a/y"); /* ordered */
	assert_int_equal(l.v[0].is_private, 1);
	assert_null(l.v[0].mainbranch);
	assert_string_equal(l.v[1].mainbranch, "main");
	assert_string_equal(at, "2026-01-01T00:00:00.000Z");
	bitbucket_repos_free(&l);
	assert_int_equal(bitbucket_cache_load(ctx->db, "bb", "b", &l, NULL, NULL), BB_OK);
	assert_int_equal(l.n, 1);
	bitbucket_repos_free(&l);
	pg.repos.n = 1; /* a refresh that finds fewer replaces, not merges */
	assert_int_equal(bitbucket_cache_store(ctx->db, "bb", &pg.repos, "2026-02-01T00:00:00.000Z",
					       NULL), BB_OK);
	pg.repos.n = 2;
	assert_int_equal(bitbucket_cache_load(ctx->db, "bb", NULL, &l, at, NULL), BB_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(at, "2026-02-01T00:00:00.000Z");
	bitbucket_repos_free(&l);
	bitbucket_repo_page_free(&pg);
	testdb_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(error_401_plain_text_names_email_and_app_passwords),
		cmocka_unit_test(error_401_json_token_invalid),
		cmocka_unit_test(error_403_detail_object_names_scopes),
		cmocka_unit_test(error_403_required_as_single_string),
		cmocka_unit_test(error_403_detail_string_or_missing),
		cmocka_unit_test(error_410_change_2770_is_retired),
		cmocka_unit_test(error_429_and_5xx_are_retryable_but_not_401_403),
		cmocka_unit_test(error_app_not_installed_flat_body),
		cmocka_unit_test(error_text_from_server_is_capped_and_clean),
		cmocka_unit_test(error_parser_survives_garbage),
		cmocka_unit_test(repos_page_reads_fields_and_derives_slug),
		cmocka_unit_test(repos_page_without_size_and_wrong_types),
		cmocka_unit_test(repos_page_refuses_non_json_with_a_sentence),
		cmocka_unit_test(repos_names_with_bad_utf8_and_escapes_are_cleaned),
		cmocka_unit_test(repos_overlong_full_name_is_skipped),
		cmocka_unit_test(workspaces_page_reads_nested_and_bare_slugs),
		cmocka_unit_test(sort_unique_keeps_each_repository_once),
		cmocka_unit_test(clean_text_cuts_on_character_boundary),
		cmocka_unit_test(checks_show_email_and_placeholder_never_token),
		cmocka_unit_test(cache_stores_replaces_and_filters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
