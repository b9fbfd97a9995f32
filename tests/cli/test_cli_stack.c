/* Command-line tests for stacks and modules, spaces, roles and the audit
 * log: JSON field by field, refusals with their exit codes, aligned tables. */
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

/* Spaces: dev (under root), dev/sealed (no inherit), prod. Integration
 * "Dev BB" lives in dev. bob reads dev; carol is admin of dev. */
static int setup(void **state)
{
	cliexec_home *h = calloc(1, sizeof *h);
	cliexec_result r = {0};

	if (!h)
		return -1;
	cliexec_home_make(h);
	cliexec_init(h, NULL);
	cliexec(h, &r, "alice", NULL, "space", "create", "dev", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "space", "create", "sealed", "--parent", "dev",
		"--no-inherit", NULL);
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
	cliexec_free(&r);
	*state = h;
	return 0;
}

static cJSON *run_json(cliexec_home *h, const char *user, const char *a, const char *b)
{
	cliexec_result r = {0};
	cJSON *doc;

	if (b)
		cliexec(h, &r, user, NULL, a, b, "--json", NULL);
	else
		cliexec(h, &r, user, NULL, a, "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	cliexec_free(&r);
	return doc;
}

static void stack_create_prints_every_field(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc;

	cliexec(h, &r, "carol", NULL, "stack", "create", "web-app", "--space", "dev",
		"--integration", "Dev BB", "--repository", "acme/web", "--branch", "release",
		"--project-root", "infra/web", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_string_equal(cliexec_str(doc, "kind"), "stack");
	assert_string_equal(cliexec_str(doc, "name"), "web-app");
	assert_string_equal(cliexec_str(doc, "space"), "dev");
	assert_string_equal(cliexec_str(doc, "integration"), "dev-bb");
	assert_string_equal(cliexec_str(doc, "repository"), "acme/web");
	assert_string_equal(cliexec_str(doc, "branch"), "release");
	assert_string_equal(cliexec_str(doc, "project_root"), "infra/web");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(doc, "detached_from")));
	assert_int_equal(strlen(cliexec_str(doc, "created_at")), 24);
	assert_int_equal(cJSON_GetArraySize(doc), 9);
	cJSON_Delete(doc);
	cliexec(h, &r, "carol", NULL, "stack", "create", "net", "--module", "--space", "dev",
		"--integration", "dev-bb", "--repository", "acme/net", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "Module net"));
	doc = run_json(h, "bob", "stack", "list");
	assert_int_equal(cJSON_GetArraySize(doc), 2);
	assert_string_equal(cliexec_str(cJSON_GetArrayItem(doc, 0), "kind"), "module");
	assert_string_equal(cliexec_str(cJSON_GetArrayItem(doc, 0), "branch"), "main");
	/* absent is null, as detached_from is */
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(doc, 0), "project_root")));
	cJSON_Delete(doc);
	cliexec_free(&r);
}

static void stack_refusals(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	/* prod is not below dev: Dev BB is not usable there */
	cliexec(h, &r, "alice", NULL, "stack", "create", "p", "--space", "prod", "--integration",
		"dev-bb", "--repository", "acme/p", NULL);
	cliexec_assert_refused(&r, 65, NULL);
	/* sealed is below dev but does not inherit */
	cliexec(h, &r, "alice", NULL, "stack", "create", "s", "--space", "sealed",
		"--integration", "dev-bb", "--repository", "acme/s", NULL);
	cliexec_assert_refused(&r, 65, NULL);
	cliexec(h, &r, "bob", NULL, "stack", "create", "b", "--space", "dev", "--integration",
		"dev-bb", "--repository", "acme/b", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	cliexec(h, &r, "alice", NULL, "stack", "create", "x", "--space", "dev", "--integration",
		"nope", "--repository", "acme/x", NULL);
	cliexec_assert_refused(&r, 66, NULL);
	cliexec(h, &r, "alice", NULL, "stack", "create", "x", "--space", "dev", "--integration",
		"dev-bb", "--repository", "no-slash", NULL);
	cliexec_assert_refused(&r, 65, NULL);
	cliexec(h, &r, "alice", NULL, "stack", "create", "x", "--space", "dev", NULL);
	cliexec_assert_refused(&r, 64, "--integration");
	cliexec(h, &r, "alice", NULL, "stack", "list", "--json", NULL);
	assert_string_equal(r.out, "[]\n");
	cliexec_free(&r);
}

static void detached_stacks_get_a_new_integration(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc;

	cliexec(h, &r, "alice", NULL, "stack", "create", "web", "--space", "dev",
		"--integration", "dev-bb", "--repository", "acme/web", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "integration", "delete", "dev-bb", "--yes", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "stack", "list", "--detached", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "detached from Dev BB"));
	cliexec(h, &r, "alice", TOKEN_LINE, "integration", "create", "--name", "Other",
		"--default", "--email", "ops@acme.example", "--token-stdin", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "stack", "set-integration", "web", "Other", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_string_equal(cliexec_str(doc, "integration"), "other");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(doc, "detached_from")));
	cJSON_Delete(doc);
	doc = run_json(h, "alice", "stack", "list");
	assert_int_equal(cJSON_GetArraySize(doc), 1);
	cJSON_Delete(doc);
	cliexec(h, &r, "alice", NULL, "stack", "list", "--detached", "--json", NULL);
	assert_string_equal(r.out, "[]\n");
	cliexec(h, &r, "alice", NULL, "stack", "set-integration", "ghost", "other", NULL);
	cliexec_assert_refused(&r, 66, NULL);
	cliexec_free(&r);
}

static void recreate_with_reattach(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc;

	cliexec(h, &r, "alice", NULL, "stack", "create", "web", "--space", "dev",
		"--integration", "dev-bb", "--repository", "acme/web", NULL);
	cliexec(h, &r, "alice", NULL, "integration", "delete", "dev-bb", "--yes", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", TOKEN_LINE, "integration", "create", "--name", "Dev BB", "--space",
		"dev", "--email", "ops@acme.example", "--token-stdin", "--reattach", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "Re-attached 1"));
	doc = run_json(h, "alice", "stack", "list");
	assert_string_equal(cliexec_str(cJSON_GetArrayItem(doc, 0), "integration"), "dev-bb");
	cJSON_Delete(doc);
	cliexec_free(&r);
}

static void import_is_all_or_nothing(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char path[sizeof h->dir + 16];
	FILE *f;
	cJSON *doc;

	snprintf(path, sizeof path, "%s/stacks.jsonl", h->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"name\":\"a\",\"space\":\"dev\",\"integration\":\"dev-bb\",\"repository\":\"acme/a\"}\n"
	      "{\"kind\":\"module\",\"name\":\"b\",\"space\":\"dev\",\"integration\":\"Dev BB\","
	      "\"repository\":\"acme/b\",\"branch\":\"dev\"}\n", f);
	fclose(f);
	cliexec(h, &r, "alice", NULL, "stack", "import", path, "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_int_equal(cJSON_GetObjectItem(doc, "imported")->valueint, 2);
	cJSON_Delete(doc);
	cliexec(h, &r, "alice",
		"{\"name\":\"c\",\"space\":\"dev\",\"integration\":\"dev-bb\",\"repository\":\"acme/c\"}\n"
		"{\"name\":\"d\",\"space\":\"prod\",\"integration\":\"dev-bb\",\"repository\":\"acme/d\"}\n",
		"stack", "import", "-", NULL);
	cliexec_assert_refused(&r, 65, "2");
	cliexec(h, &r, "alice", "{\"name\":\"c\",\"space\":\"dev\",\"integration\":\"dev-bb\","
		"\"repository\":\"acme/c\"}\n", "stack", "import", "-", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "Imported 1"));
	doc = run_json(h, "alice", "stack", "list");
	assert_int_equal(cJSON_GetArraySize(doc), 3);
	cJSON_Delete(doc);
	cliexec(h, &r, "alice", NULL, "stack", "import", "/nonexistent/file.jsonl", NULL);
	cliexec_assert_refused(&r, 66, NULL);
	cliexec_free(&r);
}

/* Display columns of the first n bytes of a UTF-8 line (CJK counts 2). */
static size_t columns(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80)
			w++;
		else if (c >= 0xe0 && c < 0xf0)
			w += 2; /* the CJK of this test: three bytes, two columns */
		else if (c >= 0xc0)
			w++;
	}
	return w;
}

static void tables_align_wide_characters(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	const char *line, *a, *b;

	cliexec(h, &r, "alice", NULL, "stack", "create", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		"--space", "dev", "--integration", "dev-bb", "--repository", "acme/one", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "stack", "create", "plain-name-long", "--space", "dev",
		"--integration", "dev-bb", "--repository", "acme/two", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "stack", "list", NULL);
	cliexec_assert_ok(&r);
	a = strstr(r.out, "acme/one");
	b = strstr(r.out, "acme/two");
	assert_non_null(a);
	assert_non_null(b);
	for (line = a; line > r.out && line[-1] != '\n'; line--)
		;
	{
		size_t ca = columns(line, (size_t)(a - line));

		for (line = b; line > r.out && line[-1] != '\n'; line--)
			;
		assert_int_equal(ca, columns(line, (size_t)(b - line)));
	}
	cliexec_free(&r);
}

static void spaces_and_roles(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc, *it;

	doc = run_json(h, "bob", "space", "list");
	assert_int_equal(cJSON_GetArraySize(doc), 4);
	it = cJSON_GetArrayItem(doc, 0);
	assert_string_equal(cliexec_str(it, "name"), "root");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(it, "parent")));
	cJSON_Delete(doc);
	cliexec(h, &r, "carol", NULL, "space", "create", "team", "--parent", "dev", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_string_equal(cliexec_str(doc, "parent"), "dev");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(doc, "inherit")));
	cJSON_Delete(doc);
	cliexec(h, &r, "bob", NULL, "space", "create", "mine", "--parent", "dev", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	cliexec(h, &r, "alice", NULL, "space", "create", "Bad Name", NULL);
	cliexec_assert_refused(&r, 65, NULL);
	cliexec(h, &r, "alice", NULL, "user", "grant", "dave", "--space", "prod", "--role", "owner",
		NULL);
	cliexec_assert_refused(&r, 65, "read, write or admin");
	cliexec(h, &r, "alice", NULL, "user", "grant", "dave", "--space", "prod", "--role", "write",
		"--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_string_equal(cliexec_str(doc, "login"), "dave");
	assert_string_equal(cliexec_str(doc, "space"), "prod");
	assert_string_equal(cliexec_str(doc, "role"), "write");
	cJSON_Delete(doc);
	cliexec(h, &r, "bob", NULL, "user", "grant", "eve", "--space", "dev", "--role", "read",
		NULL);
	cliexec_assert_refused(&r, 77, NULL);
	cliexec(h, &r, "alice", NULL, "user", "revoke", "dave", "--space", "prod", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "user", "revoke", "alice", "--space", "root", NULL);
	cliexec_assert_refused(&r, 65, NULL);
	doc = run_json(h, "alice", "user", "list");
	assert_int_equal(cJSON_GetArraySize(doc), 3);
	cJSON_Delete(doc);
	cliexec(h, &r, "dave", NULL, "space", "list", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	cliexec_free(&r);
}

static void audit_lists_entries_with_object_details(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc, *e;

	doc = run_json(h, "alice", "audit", NULL);
	assert_true(cJSON_GetArraySize(doc) >= 6);
	e = cJSON_GetArrayItem(doc, 0); /* newest first */
	assert_string_equal(cliexec_str(e, "action"), "integration.create");
	assert_string_equal(cliexec_str(e, "user"), "alice");
	assert_non_null(strstr(cliexec_str(e, "target"), "dev-bb"));
	assert_int_equal(strlen(cliexec_str(e, "at")), 24);
	assert_true(cJSON_IsObject(cJSON_GetObjectItem(e, "details")));
	cJSON_Delete(doc);
	cliexec(h, &r, "alice", NULL, "audit", "--limit", "1", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_int_equal(cJSON_GetArraySize(doc), 1);
	cJSON_Delete(doc);
	cliexec(h, &r, "alice", NULL, "audit", "--limit", "0", NULL);
	cliexec_assert_refused(&r, 64, "--limit");
	cliexec(h, &r, "alice", NULL, "audit", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "ACTION"));
	assert_non_null(strstr(r.out, "integration.create"));
	cliexec(h, &r, "carol", NULL, "audit", "--json", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	assert_string_equal(r.out, "");
	cliexec_free(&r);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, cliexec_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(stack_create_prints_every_field),
		T(stack_refusals),
		T(detached_stacks_get_a_new_integration),
		T(recreate_with_reattach),
		T(import_is_all_or_nothing),
		T(tables_align_wide_characters),
		T(spaces_and_roles),
		T(audit_lists_entries_with_object_details),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
