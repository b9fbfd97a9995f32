/* Command-line tests of `stack update` and `stack delete`: every rule and
 * exit code, who may (admin of the stack's space), the preview without
 * --yes, the JSON shapes and the audit entries with the changed fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliexec.h"

#define TOKEN_LINE "ATATT3xFfGF0-test-token-Zq9\n"
#define SHA "0123456789abcdef0123456789abcdef01234567"

/* Space dev (bob reads it, carol administers it), space prod (nobody but
 * alice); integration "Dev BB" in dev; stack web and module web in dev,
 * stack api in prod. */
static int setup(void **state)
{
	cliexec_home *h = calloc(1, sizeof *h);
	cliexec_result r = {0};

	if (!h)
		return -1;
	/* runs are triggered with a commit: no Bitbucket, its statuses stay pending */
	setenv("BBCONSOLE_BITBUCKET_API", "http://127.0.0.1:1/2.0", 1);
	cliexec_home_make(h);
	cliexec_init(h, NULL);
	cliexec(h, &r, "alice", NULL, "space", "create", "dev", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "space", "create", "prod", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "user", "grant", "bob", "--space", "dev", "--role", "read",
		NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "user", "grant", "carol", "--space", "dev", "--role",
		"admin", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", TOKEN_LINE, "integration", "create", "--name", "Dev BB", "--space",
		"dev", "--email", "ops@acme.example", "--token-stdin", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "stack", "create", "web", "--space", "dev", "--integration",
		"dev-bb", "--repository", "acme/web", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "stack", "create", "web", "--module", "--space", "dev",
		"--integration", "dev-bb", "--repository", "acme/tf-web", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", TOKEN_LINE, "integration", "create", "--name", "Prod BB",
		"--default", "--email", "ops@acme.example", "--token-stdin", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "stack", "create", "api", "--space", "prod", "--integration",
		"prod-bb", "--repository", "acme/api", NULL);
	cliexec_assert_ok(&r);
	cliexec_free(&r);
	*state = h;
	return 0;
}

/* The stack (kind, name) from `stack list --json` as alice, or NULL; the
 * caller deletes *doc. */
static const cJSON *listed(cliexec_home *h, const char *kind, const char *name, cJSON **doc)
{
	cliexec_result r = {0};
	const cJSON *s;

	cliexec(h, &r, "alice", NULL, "stack", "list", "--json", NULL);
	cliexec_assert_ok(&r);
	*doc = cliexec_json(&r);
	cliexec_free(&r);
	cJSON_ArrayForEach(s, *doc)
		if (!strcmp(cliexec_str(s, "kind"), kind) && !strcmp(cliexec_str(s, "name"), name))
			return s;
	return NULL;
}

/* The newest audit entry (as alice, JSON). */
static cJSON *last_audit(cliexec_home *h)
{
	cliexec_result r = {0};
	cJSON *doc, *first;

	cliexec(h, &r, "alice", NULL, "audit", "--limit", "1", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	cliexec_free(&r);
	assert_int_equal(cJSON_GetArraySize(doc), 1);
	first = cJSON_DetachItemFromArray(doc, 0);
	cJSON_Delete(doc);
	return first;
}

static void update_changes_fields_and_audits_them(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc, *entry;
	const cJSON *details;
	const cJSON *s;

	cliexec(h, &r, "carol", NULL, "stack", "update", "web", "--branch", "release/1",
		"--project-root", "infra/prod", "--repository", "acme/web2", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_string_equal(cliexec_str(doc, "kind"), "stack");
	assert_string_equal(cliexec_str(doc, "branch"), "release/1");
	assert_string_equal(cliexec_str(doc, "project_root"), "infra/prod");
	assert_string_equal(cliexec_str(doc, "repository"), "acme/web2");
	assert_string_equal(cliexec_str(doc, "integration"), "dev-bb");
	cJSON_Delete(doc);
	/* the module of the same name is untouched */
	s = listed(h, "module", "web", &doc);
	assert_non_null(s);
	assert_string_equal(cliexec_str(s, "repository"), "acme/tf-web");
	assert_string_equal(cliexec_str(s, "branch"), "main");
	cJSON_Delete(doc);

	entry = last_audit(h);
	assert_string_equal(cliexec_str(entry, "action"), "stack.update");
	assert_string_equal(cliexec_str(entry, "target"), "stack:web");
	assert_string_equal(cliexec_str(entry, "user"), "carol");
	details = cJSON_GetObjectItem(entry, "details");
	assert_non_null(details);
	assert_string_equal(cliexec_str(details, "branch"), "release/1");
	assert_string_equal(cliexec_str(details, "repository"), "acme/web2");
	assert_string_equal(cliexec_str(cJSON_GetObjectItem(details, "previous"), "branch"), "main");
	assert_string_equal(cliexec_str(cJSON_GetObjectItem(details, "previous"), "project_root"), "");
	cJSON_Delete(entry);
	cliexec_free(&r);
}

static void update_only_what_is_given_and_clears_root(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc, *entry;
	const cJSON *details;
	const cJSON *s;

	cliexec(h, &r, "alice", NULL, "stack", "update", "web", "--module", "--project-root",
		"modules/web", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "Updated. Module web"));
	cliexec(h, &r, "alice", NULL, "stack", "update", "web", "--module", "--project-root", "",
		NULL);
	cliexec_assert_ok(&r);
	s = listed(h, "module", "web", &doc);
	assert_non_null(s);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(s, "project_root"))); /* none: null */
	assert_string_equal(cliexec_str(s, "repository"), "acme/tf-web");
	cJSON_Delete(doc);
	entry = last_audit(h);
	assert_string_equal(cliexec_str(entry, "target"), "module:web");
	details = cJSON_GetObjectItem(entry, "details");
	assert_null(cJSON_GetObjectItem(details, "branch")); /* only the changed field */
	assert_string_equal(cliexec_str(details, "project_root"), "");
	cJSON_Delete(entry);

	/* the same values again: nothing written, nothing audited */
	cliexec(h, &r, "alice", NULL, "stack", "update", "web", "--module", "--project-root", "",
		NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "Nothing changed"));
	entry = last_audit(h);
	assert_string_equal(cliexec_str(entry, "target"), "module:web");
	details = cJSON_GetObjectItem(entry, "details");
	assert_string_equal(cliexec_str(cJSON_GetObjectItem(details, "previous"), "project_root"),
			    "modules/web");
	cJSON_Delete(entry);
	cliexec_free(&r);
}

static void update_refuses_bad_values(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc;
	const cJSON *s;

	cliexec(h, &r, "alice", NULL, "stack", "update", "web", NULL);
	cliexec_assert_refused(&r, 64, "--branch");
	cliexec(h, &r, "alice", NULL, "stack", "update", "web", "--branch", "a b", NULL);
	cliexec_assert_refused(&r, 65, "branch");
	cliexec(h, &r, "alice", NULL, "stack", "update", "web", "--branch", "", NULL);
	cliexec_assert_refused(&r, 65, "branch");
	cliexec(h, &r, "alice", NULL, "stack", "update", "web", "--branch", "x..y", NULL);
	cliexec_assert_refused(&r, 65, "branch");
	cliexec(h, &r, "alice", NULL, "stack", "update", "web", "--repository", "no-slash", NULL);
	cliexec_assert_refused(&r, 65, "WORKSPACE/REPO_SLUG");
	cliexec(h, &r, "alice", NULL, "stack", "update", "web", "--project-root", "../etc", NULL);
	cliexec_assert_refused(&r, 65, "project root");
	cliexec(h, &r, "alice", NULL, "stack", "update", "web", "--project-root", "/abs", NULL);
	cliexec_assert_refused(&r, 65, "project root");
	/* one bad field refuses the whole change */
	cliexec(h, &r, "alice", NULL, "stack", "update", "web", "--branch", "ok",
		"--repository", "bad", NULL);
	cliexec_assert_refused(&r, 65, "repository");
	s = listed(h, "stack", "web", &doc);
	assert_string_equal(cliexec_str(s, "branch"), "main");
	cJSON_Delete(doc);
	cliexec_free(&r);
}

static void update_who_may(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	/* bob reads dev: he sees web but may not change it */
	cliexec(h, &r, "bob", NULL, "stack", "update", "web", "--branch", "dev", NULL);
	cliexec_assert_refused(&r, 77, "admin role in space dev");
	/* carol is admin of dev, but api lives in prod, where she has no role */
	cliexec(h, &r, "carol", NULL, "stack", "update", "api", "--branch", "dev", NULL);
	cliexec_assert_refused(&r, 66, "api");
	/* not a user of the account at all */
	cliexec(h, &r, "mallory", NULL, "stack", "update", "web", "--branch", "dev", NULL);
	cliexec_assert_refused(&r, 77, "no role");
	cliexec(h, &r, "alice", NULL, "stack", "update", "nothere", "--branch", "dev", NULL);
	cliexec_assert_refused(&r, 66, "nothere");
	cliexec(h, &r, "alice", NULL, "stack", "update", "api", "--module", "--branch", "dev",
		NULL);
	cliexec_assert_refused(&r, 66, "module");
	cliexec_free(&r);
}

static void delete_without_yes_previews_and_exits_65(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc;

	cliexec(h, &r, "alice", NULL, "run", "trigger", "web", "--commit", SHA, NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "stack", "delete", "web", NULL);
	assert_int_equal(r.status, 65);
	assert_non_null(strstr(r.err, "Stack web in space dev tracks acme/web"));
	assert_non_null(strstr(r.err, "Its 1 run would be deleted"));
	assert_non_null(strstr(r.err, "re-run with --yes"));
	assert_string_equal(r.out, "");
	cliexec(h, &r, "alice", NULL, "stack", "delete", "web", "--json", NULL);
	assert_int_equal(r.status, 65);
	doc = cliexec_json(&r);
	assert_string_equal(cliexec_str(doc, "kind"), "stack");
	assert_string_equal(cliexec_str(doc, "name"), "web");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(doc, "deleted")));
	assert_int_equal(cJSON_GetObjectItem(doc, "runs")->valueint, 1);
	cJSON_Delete(doc);
	/* nothing went */
	assert_non_null(listed(h, "stack", "web", &doc));
	cJSON_Delete(doc);
	cliexec_free(&r);
}

static void delete_with_yes_removes_stack_and_runs(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc, *entry;
	const cJSON *details;

	cliexec(h, &r, "alice", NULL, "run", "trigger", "web", "--commit", SHA, NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "carol", NULL, "stack", "delete", "web", "--yes", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(doc, "deleted")));
	assert_int_equal(cJSON_GetObjectItem(doc, "runs")->valueint, 1);
	cJSON_Delete(doc);
	assert_null(listed(h, "stack", "web", &doc));
	cJSON_Delete(doc);
	assert_non_null(listed(h, "module", "web", &doc)); /* the module stays */
	cJSON_Delete(doc);
	cliexec(h, &r, "alice", NULL, "run", "list", "--json", NULL);
	cliexec_assert_ok(&r);
	assert_string_equal(r.out, "[]\n");
	entry = last_audit(h);
	assert_string_equal(cliexec_str(entry, "action"), "stack.delete");
	assert_string_equal(cliexec_str(entry, "target"), "stack:web");
	assert_string_equal(cliexec_str(entry, "user"), "carol");
	details = cJSON_GetObjectItem(entry, "details");
	assert_string_equal(cliexec_str(details, "repository"), "acme/web");
	assert_string_equal(cliexec_str(details, "integration"), "dev-bb");
	assert_int_equal(cJSON_GetObjectItem(details, "runs")->valueint, 1);
	cJSON_Delete(entry);
	/* the integration's count follows */
	cliexec(h, &r, "alice", NULL, "integration", "show", "dev-bb", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_int_equal(cJSON_GetObjectItem(doc, "stacks")->valueint, 1);
	cJSON_Delete(doc);
	/* without --module a name goes to the stack first, then to the module
	 * (as in set-integration): the preview says which one it is */
	cliexec(h, &r, "alice", NULL, "stack", "delete", "web", NULL);
	assert_int_equal(r.status, 65);
	assert_non_null(strstr(r.err, "Module web in space dev"));
	cliexec(h, &r, "alice", NULL, "stack", "delete", "web", "--module", "--yes", NULL);
	cliexec_assert_ok(&r);
	assert_string_equal(r.out, "Deleted module web and its 0 runs.\n");
	/* gone: another delete finds nothing */
	cliexec(h, &r, "alice", NULL, "stack", "delete", "web", "--yes", NULL);
	cliexec_assert_refused(&r, 66, "web");
	cliexec_free(&r);
}

static void delete_who_may(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc;

	/* a read user is refused before any preview, with and without --yes */
	cliexec(h, &r, "bob", NULL, "stack", "delete", "web", NULL);
	cliexec_assert_refused(&r, 77, "admin role in space dev");
	cliexec(h, &r, "bob", NULL, "stack", "delete", "web", "--yes", NULL);
	cliexec_assert_refused(&r, 77, "admin role in space dev");
	cliexec(h, &r, "carol", NULL, "stack", "delete", "api", "--yes", NULL);
	cliexec_assert_refused(&r, 66, "api");
	cliexec(h, &r, "mallory", NULL, "stack", "delete", "web", "--yes", NULL);
	cliexec_assert_refused(&r, 77, "no role");
	assert_non_null(listed(h, "stack", "web", &doc));
	cJSON_Delete(doc);
	assert_non_null(listed(h, "stack", "api", &doc));
	cJSON_Delete(doc);
	cliexec_free(&r);
}

static void help_names_the_options(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	cliexec(h, &r, "alice", NULL, "stack", "update", "--help", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "--project-root"));
	assert_non_null(strstr(r.out, "--repository"));
	cliexec(h, &r, "alice", NULL, "stack", "delete", "--help", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "--yes"));
	cliexec_free(&r);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, cliexec_teardown)
	const struct CMUnitTest tests[] = {
		T(update_changes_fields_and_audits_them),
		T(update_only_what_is_given_and_clears_root),
		T(update_refuses_bad_values),
		T(update_who_may),
		T(delete_without_yes_previews_and_exits_65),
		T(delete_with_yes_removes_stack_and_runs),
		T(delete_who_may),
		T(help_names_the_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
