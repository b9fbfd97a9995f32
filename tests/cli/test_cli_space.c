/* Command-line tests of `space delete`: only an empty space, never root,
 * only by an admin of the parent, audited, and its roles go with it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliexec.h"

static int setup(void **state)
{
	cliexec_home *h = calloc(1, sizeof *h);

	if (!h)
		return -1;
	cliexec_home_make(h);
	cliexec_init(h, NULL);
	*state = h;
	return 0;
}

/* 1 when `space list --json` names space. */
static int listed(const cliexec_home *h, const char *space)
{
	cliexec_result r = {0};
	const cJSON *s;
	cJSON *doc;
	int found = 0;

	cliexec(h, &r, "alice", NULL, "space", "list", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	cJSON_ArrayForEach(s, doc)
		found |= strcmp(cJSON_GetObjectItem(s, "name")->valuestring, space) == 0;
	cJSON_Delete(doc);
	cliexec_free(&r);
	return found;
}

/* 1 when `user list --json` has a role of login in space. */
static int granted(const cliexec_home *h, const char *login, const char *space)
{
	cliexec_result r = {0};
	const cJSON *g;
	cJSON *doc;
	int found = 0;

	cliexec(h, &r, "alice", NULL, "user", "list", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	cJSON_ArrayForEach(g, doc)
		found |= strcmp(cJSON_GetObjectItem(g, "login")->valuestring, login) == 0 &&
			 strcmp(cJSON_GetObjectItem(g, "space")->valuestring, space) == 0;
	cJSON_Delete(doc);
	cliexec_free(&r);
	return found;
}

static void an_empty_space_is_deleted(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	cliexec(h, &r, "alice", NULL, "space", "create", "dev", NULL);
	cliexec_assert_ok(&r);
	assert_true(listed(h, "dev"));
	assert_true(granted(h, "alice", "root"));
	cliexec(h, &r, "alice", NULL, "space", "delete", "dev", NULL);
	cliexec_assert_ok(&r);
	assert_string_equal(r.out, "Deleted space dev.\n");
	assert_false(listed(h, "dev"));
	cliexec(h, &r, "alice", NULL, "audit", "--json", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "\"action\":\"space.delete\""));
	assert_non_null(strstr(r.out, "\"target\":\"space:dev\""));
	cliexec_free(&r);
}

static void json_says_what_was_deleted(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc;

	cliexec(h, &r, "alice", NULL, "space", "create", "dev", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "--json", "space", "delete", "dev", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_string_equal(cJSON_GetObjectItem(doc, "name")->valuestring, "dev");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(doc, "deleted")));
	cJSON_Delete(doc);
	cliexec_free(&r);
}

static void root_and_unknown_spaces_are_refused(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	cliexec(h, &r, "alice", NULL, "space", "delete", "root", NULL);
	cliexec_assert_refused(&r, 65, "root cannot be deleted");
	assert_true(listed(h, "root"));
	cliexec(h, &r, "alice", NULL, "space", "delete", "nowhere", NULL);
	cliexec_assert_refused(&r, 66, "nowhere");
	cliexec(h, &r, "alice", NULL, "space", "delete", NULL);
	cliexec_assert_refused(&r, 64, "Missing argument");
	cliexec_free(&r);
}

static void a_space_that_holds_something_stays(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	cliexec(h, &r, "alice", NULL, "space", "create", "team", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "space", "create", "app", "--parent", "team", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "space", "delete", "team", NULL);
	cliexec_assert_refused(&r, 65, "1 child spaces");
	assert_string_equal(r.out, "");
	assert_true(listed(h, "team"));
	/* emptied, it goes */
	cliexec(h, &r, "alice", NULL, "space", "delete", "app", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "space", "delete", "team", NULL);
	cliexec_assert_ok(&r);
	assert_false(listed(h, "team"));
	cliexec_free(&r);
}

static void only_an_admin_of_the_parent_may(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	cliexec(h, &r, "alice", NULL, "space", "create", "team", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "space", "create", "app", "--parent", "team", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "user", "grant", "bob", "--space", "app", "--role", "admin",
		NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "bob", NULL, "space", "delete", "app", NULL);
	cliexec_assert_refused(&r, 77, "team");
	assert_true(listed(h, "app"));
	cliexec(h, &r, "mallory", NULL, "space", "delete", "app", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	cliexec(h, &r, "alice", NULL, "user", "grant", "bob", "--space", "team", "--role", "admin",
		NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "bob", NULL, "space", "delete", "app", NULL);
	cliexec_assert_ok(&r);
	cliexec_free(&r);
	/* the role bob held in app went with it */
	assert_false(granted(h, "bob", "app"));
	assert_true(granted(h, "bob", "team"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(an_empty_space_is_deleted, setup, cliexec_teardown),
		cmocka_unit_test_setup_teardown(json_says_what_was_deleted, setup, cliexec_teardown),
		cmocka_unit_test_setup_teardown(root_and_unknown_spaces_are_refused, setup,
						cliexec_teardown),
		cmocka_unit_test_setup_teardown(a_space_that_holds_something_stays, setup,
						cliexec_teardown),
		cmocka_unit_test_setup_teardown(only_an_admin_of_the_parent_may, setup, cliexec_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
