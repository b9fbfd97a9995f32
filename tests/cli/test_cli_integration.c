/* Command-line tests for the integration commands: every rule refused with
 * its exit code and one sentence, JSON checked field by field, what each role
 * sees, and that the token never shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cliexec.h"

#define TOKEN "ATATT3xFfGF0-test-token-Zq9"
#define TOKEN_LINE TOKEN "\n"

/* alice: admin of root; carol: admin of dev; bob: read in dev. */
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
	cliexec(h, &r, "alice", NULL, "space", "create", "prod", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "user", "grant", "carol", "--space", "dev", "--role", "admin",
		NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "user", "grant", "bob", "--space", "dev", "--role", "read",
		NULL);
	cliexec_assert_ok(&r);
	cliexec_free(&r);
	*state = h;
	return 0;
}

/* "Prod BB" in dev, by carol, with two labels and a workspace. */
static void create_prod(cliexec_home *h, cliexec_result *r)
{
	cliexec(h, r, "carol", TOKEN_LINE, "integration", "create", "--name", "Prod BB", "--space",
		"dev", "--email", "ops@acme.example", "--token-stdin", "--label", "team-a",
		"--label", "eu", "--workspace", "acme", "--description", "Main *Bitbucket*",
		"--json", NULL);
	cliexec_assert_ok(r);
}

static const char *account_id(cliexec_home *h)
{
	static char id[32];
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open(h->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT ulid FROM account", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(id, sizeof id, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return id;
}

static void create_prints_every_field(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char endpoint[256];
	cJSON *doc, *labels;

	create_prod(h, &r);
	doc = cliexec_json(&r);
	assert_string_equal(cliexec_str(doc, "name"), "Prod BB");
	assert_string_equal(cliexec_str(doc, "slug"), "prod-bb");
	assert_string_equal(cliexec_str(doc, "type"), "space");
	assert_string_equal(cliexec_str(doc, "space"), "dev");
	assert_string_equal(cliexec_str(doc, "email"), "ops@acme.example");
	labels = cJSON_GetObjectItem(doc, "labels");
	assert_int_equal(cJSON_GetArraySize(labels), 2);
	assert_string_equal(cJSON_GetArrayItem(labels, 0)->valuestring, "team-a");
	assert_string_equal(cJSON_GetArrayItem(labels, 1)->valuestring, "eu");
	assert_string_equal(cliexec_str(doc, "description"), "Main *Bitbucket*");
	assert_string_equal(cliexec_str(doc, "vcs_checks"), "individual");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "workspaces"), 0)
			    ->valuestring, "acme");
	snprintf(endpoint, sizeof endpoint,
		 "https://webhooks.acme.example/bitbucket-cloud/%s/integration/prod-bb",
		 account_id(h));
	assert_string_equal(cliexec_str(doc, "webhook_endpoint"), endpoint);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(doc, "webhook_secret")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(doc, "token_set")));
	assert_int_equal(strlen(cliexec_str(doc, "created_at")), 24);
	assert_string_equal(cliexec_str(doc, "updated_at"), cliexec_str(doc, "created_at"));
	assert_int_equal(cJSON_GetObjectItem(doc, "stacks")->valueint, 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(doc, "token_expires")));
	assert_int_equal(cJSON_GetArraySize(doc), 16);
	cJSON_Delete(doc);
	cliexec_free(&r);
}

static void create_says_slug_endpoint_and_how_to_reveal(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	cliexec(h, &r, "alice", TOKEN_LINE, "integration", "create", "--name", "Prod BB",
		"--default", "--email", "ops@acme.example", "--token-stdin", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "Created integration Prod BB (slug prod-bb)."));
	assert_non_null(strstr(r.out, "/integration/prod-bb"));
	assert_non_null(strstr(r.out, "--reveal-secret"));
	assert_string_equal(r.err, "");
	cliexec_free(&r);
}

static void list_and_show_for_an_admin(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc;

	create_prod(h, &r);
	cliexec(h, &r, "carol", NULL, "integration", "list", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_int_equal(cJSON_GetArraySize(doc), 1);
	assert_string_equal(cliexec_str(cJSON_GetArrayItem(doc, 0), "email"), "ops@acme.example");
	cJSON_Delete(doc);
	cliexec(h, &r, "carol", NULL, "integration", "show", "Prod BB", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "ops@acme.example"));
	assert_non_null(strstr(r.out, "\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022 "
			       "(use --reveal-secret)"));
	assert_non_null(strstr(r.out, "set, updated "));
	assert_non_null(strstr(r.out, "team-a, eu"));
	cliexec(h, &r, "carol", NULL, "integration", "list", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "NAME"));
	assert_non_null(strstr(r.out, "prod-bb"));
	cliexec_free(&r);
}

static void reveal_shows_the_secret_to_admins_only(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char secret[80];
	cJSON *doc;

	create_prod(h, &r);
	cliexec(h, &r, "carol", NULL, "integration", "show", "prod-bb", "--reveal-secret", "--json",
		NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	snprintf(secret, sizeof secret, "%s", cliexec_str(doc, "webhook_secret"));
	cJSON_Delete(doc);
	assert_int_equal(strlen(secret), 64);
	assert_int_equal(strspn(secret, "0123456789abcdef"), 64);
	cliexec(h, &r, "carol", NULL, "integration", "show", "prod-bb", "--reveal-secret", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, secret));
	cliexec(h, &r, "bob", NULL, "integration", "show", "prod-bb", "--reveal-secret", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	assert_null(strstr(r.out, secret));
	cliexec(h, &r, "alice", NULL, "audit", "--json", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "reveal"));
	assert_null(strstr(r.out, secret));
	cliexec_free(&r);
}

static void read_user_sees_no_details(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc, *it;

	create_prod(h, &r);
	cliexec(h, &r, "bob", NULL, "integration", "show", "prod-bb", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_null(cJSON_GetObjectItem(doc, "email"));
	assert_null(cJSON_GetObjectItem(doc, "webhook_endpoint"));
	assert_null(cJSON_GetObjectItem(doc, "webhook_secret"));
	assert_string_equal(cliexec_str(doc, "name"), "Prod BB");
	cJSON_Delete(doc);
	cliexec(h, &r, "bob", NULL, "integration", "list", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	it = cJSON_GetArrayItem(doc, 0);
	assert_non_null(it);
	assert_null(cJSON_GetObjectItem(it, "email"));
	assert_null(cJSON_GetObjectItem(it, "webhook_endpoint"));
	assert_null(cJSON_GetObjectItem(it, "webhook_secret"));
	cJSON_Delete(doc);
	cliexec(h, &r, "bob", NULL, "integration", "show", "prod-bb", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "hidden: needs admin in space dev"));
	assert_null(strstr(r.out, "ops@acme.example"));
	assert_null(strstr(r.out, "/integration/prod-bb"));
	cliexec_free(&r);
}

static void read_user_may_not_change_anything(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	create_prod(h, &r);
	cliexec(h, &r, "bob", TOKEN_LINE, "integration", "create", "--name", "Mine", "--space",
		"dev", "--email", "b@acme.example", "--token-stdin", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	cliexec(h, &r, "bob", NULL, "integration", "update", "prod-bb", "--description", "x", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	cliexec(h, &r, "bob", NULL, "integration", "rotate-secret", "prod-bb", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	cliexec(h, &r, "bob", NULL, "integration", "delete", "prod-bb", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	cliexec(h, &r, "bob", NULL, "integration", "delete", "prod-bb", "--yes", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	/* carol is admin of dev, not of root: no default integration */
	cliexec(h, &r, "carol", TOKEN_LINE, "integration", "create", "--name", "Def", "--default",
		"--email", "c@acme.example", "--token-stdin", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	cliexec(h, &r, "alice", NULL, "integration", "show", "prod-bb", "--json", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "Main *Bitbucket*"));
	cliexec_free(&r);
}

static void create_as(cliexec_home *h, cliexec_result *r, const char *name, const char *email,
		      const char *token_line)
{
	cliexec(h, r, "alice", token_line, "integration", "create", "--name", name, "--space",
		"dev", "--email", email, "--token-stdin", NULL);
}

static void bad_fields_are_refused(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	create_as(h, &r, "!!!", "ops@acme.example", TOKEN_LINE);
	cliexec_assert_refused(&r, 65, "letter or digit");
	create_as(h, &r, "Bad\x01Name", "ops@acme.example", TOKEN_LINE);
	cliexec_assert_refused(&r, 65, NULL);
	create_as(h, &r, "Fine", "not-an-email", TOKEN_LINE);
	cliexec_assert_refused(&r, 65, "mail");
	create_as(h, &r, "Fine", "ops@acme.example", "ATBB1234567890abcdef1234567890\n");
	cliexec_assert_refused(&r, 65, "app password");
	assert_null(strstr(r.err, "ATBB1234567890"));
	create_as(h, &r, "Fine", "ops@acme.example", "two words\n");
	cliexec_assert_refused(&r, 65, NULL);
	assert_null(strstr(r.err, "two words"));
	cliexec(h, &r, "alice", NULL, "integration", "list", "--json", NULL);
	assert_string_equal(r.out, "[]\n");
	cliexec_free(&r);
}

static void slug_conflict_names_the_holder(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	create_as(h, &r, "Prod BB", "ops@acme.example", TOKEN_LINE);
	cliexec_assert_ok(&r);
	create_as(h, &r, "prod-bb", "ops@acme.example", TOKEN_LINE);
	cliexec_assert_refused(&r, 65, "Prod BB");
	cliexec_free(&r);
}

static void second_default_is_refused(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	cliexec(h, &r, "alice", TOKEN_LINE, "integration", "create", "--name", "One", "--default",
		"--email", "ops@acme.example", "--token-stdin", NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", TOKEN_LINE, "integration", "create", "--name", "Two", "--default",
		"--email", "ops@acme.example", "--token-stdin", NULL);
	cliexec_assert_refused(&r, 65, "One");
	cliexec_free(&r);
}

static void label_rules(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	const char *args[128] = {"integration", "create", "--name", "L", "--space", "dev",
				 "--email", "ops@acme.example", "--token-stdin"};
	char long_label[80], names[51][16];
	size_t n = 9;

	cliexec(h, &r, "alice", TOKEN_LINE, "integration", "create", "--name", "L", "--space",
		"dev", "--email", "ops@acme.example", "--token-stdin", "--label", "a,b", NULL);
	cliexec_assert_refused(&r, 65, "comma");
	memset(long_label, 'x', 65);
	long_label[65] = '\0';
	cliexec(h, &r, "alice", TOKEN_LINE, "integration", "create", "--name", "L", "--space",
		"dev", "--email", "ops@acme.example", "--token-stdin", "--label", long_label, NULL);
	cliexec_assert_refused(&r, 65, "64");
	for (unsigned i = 0; i < 51; i++) {
		snprintf(names[i], sizeof names[i], "l%u", i);
		args[n++] = "--label";
		args[n++] = names[i];
	}
	args[n] = NULL;
	cliexec_argv(h, &r, "alice", TOKEN_LINE, args);
	cliexec_assert_refused(&r, 65, "50");
	/* 50 labels with a duplicate are fine; the duplicate is dropped */
	args[n - 2] = "--label";
	args[n - 1] = "l0";
	cliexec_argv(h, &r, "alice", TOKEN_LINE, args);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "alice", NULL, "integration", "show", "L", "--json", NULL);
	{
		cJSON *doc = cliexec_json(&r);

		assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "labels")), 50);
		cJSON_Delete(doc);
	}
	cliexec_free(&r);
}

static void description_over_10000_is_refused(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char *text = malloc(10002);

	assert_non_null(text);
	memset(text, 'd', 10001);
	text[10001] = '\0';
	cliexec(h, &r, "alice", TOKEN_LINE, "integration", "create", "--name", "D", "--space",
		"dev", "--email", "ops@acme.example", "--token-stdin", "--description", text, NULL);
	cliexec_assert_refused(&r, 65, "10");
	text[10000] = '\0';
	cliexec(h, &r, "alice", TOKEN_LINE, "integration", "create", "--name", "D", "--space",
		"dev", "--email", "ops@acme.example", "--token-stdin", "--description", text, NULL);
	cliexec_assert_ok(&r);
	free(text);
	cliexec_free(&r);
}

static void aggregated_checks_need_a_higher_plan(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cliexec_home rich;

	cliexec(h, &r, "alice", TOKEN_LINE, "integration", "create", "--name", "A", "--default",
		"--email", "ops@acme.example", "--token-stdin", "--checks", "aggregated", NULL);
	cliexec_assert_refused(&r, 65, "business");
	cliexec(h, &r, "alice", TOKEN_LINE, "integration", "create", "--name", "A", "--default",
		"--email", "ops@acme.example", "--token-stdin", "--checks", "sometimes", NULL);
	cliexec_assert_refused(&r, 65, NULL);
	cliexec_home_make(&rich);
	cliexec_init(&rich, "business");
	cliexec(&rich, &r, "alice", TOKEN_LINE, "integration", "create", "--name", "A",
		"--default", "--email", "ops@acme.example", "--token-stdin", "--checks", "all",
		"--json", NULL);
	cliexec_assert_ok(&r);
	{
		cJSON *doc = cliexec_json(&r);

		assert_string_equal(cliexec_str(doc, "vcs_checks"), "all");
		cJSON_Delete(doc);
	}
	cliexec_home_remove(&rich);
	cliexec_free(&r);
}

static void not_found_is_66(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	cliexec(h, &r, "alice", NULL, "integration", "show", "nope", NULL);
	cliexec_assert_refused(&r, 66, "nope");
	cliexec(h, &r, "alice", NULL, "integration", "update", "nope", "--description", "x", NULL);
	cliexec_assert_refused(&r, 66, NULL);
	cliexec(h, &r, "alice", NULL, "integration", "delete", "nope", "--yes", NULL);
	cliexec_assert_refused(&r, 66, NULL);
	cliexec(h, &r, "alice", NULL, "integration", "rotate-secret", "nope", NULL);
	cliexec_assert_refused(&r, 66, NULL);
	cliexec_free(&r);
}

static char *updated_at(cliexec_home *h)
{
	cliexec_result r = {0};
	cJSON *doc;
	char *at;

	cliexec(h, &r, "alice", NULL, "integration", "show", "prod-bb", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	at = strdup(cliexec_str(doc, "updated_at"));
	cJSON_Delete(doc);
	cliexec_free(&r);
	return at;
}

static void stale_update_is_refused_with_75(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char *before;
	cJSON *doc;

	create_prod(h, &r);
	before = updated_at(h);
	cliexec(h, &r, "alice", NULL, "integration", "update", "prod-bb", "--description", "one",
		"--if-updated-at", before, NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "carol", NULL, "integration", "update", "prod-bb", "--description", "two",
		"--if-updated-at", before, NULL);
	cliexec_assert_refused(&r, 75, NULL);
	cliexec(h, &r, "alice", NULL, "integration", "show", "prod-bb", "--json", NULL);
	doc = cliexec_json(&r);
	assert_string_equal(cliexec_str(doc, "description"), "one");
	cJSON_Delete(doc);
	free(before);
	cliexec_free(&r);
}

static void update_replaces_and_clears_lists(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc;

	create_prod(h, &r);
	cliexec(h, &r, "carol", NULL, "integration", "update", "prod-bb", "--label", "x", "--label",
		"y", "--email", "new@acme.example", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "labels")), 2);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "labels"), 0)->valuestring,
			    "x");
	assert_string_equal(cliexec_str(doc, "email"), "new@acme.example");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "workspaces")), 1);
	cJSON_Delete(doc);
	cliexec(h, &r, "carol", NULL, "integration", "update", "prod-bb", "--clear-labels",
		"--clear-workspaces", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "labels")), 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "workspaces")), 0);
	cJSON_Delete(doc);
	cliexec(h, &r, "carol", NULL, "integration", "update", "prod-bb", "--clear-labels",
		"--label", "z", NULL);
	cliexec_assert_refused(&r, 64, NULL);
	cliexec(h, &r, "carol", NULL, "integration", "update", "prod-bb", NULL);
	cliexec_assert_refused(&r, 64, "Nothing to change");
	cliexec(h, &r, "carol", "ATATT3-the-new-one\n", "integration", "update", "prod-bb",
		"--token-stdin", NULL);
	cliexec_assert_ok(&r);
	assert_null(strstr(r.out, "ATATT3-the-new-one"));
	cliexec_free(&r);
}

static void rotate_secret_shows_a_new_secret(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char before[80], after[80];
	cJSON *doc;

	create_prod(h, &r);
	cliexec(h, &r, "carol", NULL, "integration", "show", "prod-bb", "--reveal-secret", "--json",
		NULL);
	doc = cliexec_json(&r);
	snprintf(before, sizeof before, "%s", cliexec_str(doc, "webhook_secret"));
	cJSON_Delete(doc);
	/* not a terminal: nothing happens without --yes */
	cliexec(h, &r, "carol", NULL, "integration", "rotate-secret", "prod-bb", NULL);
	cliexec_assert_refused(&r, 65, "--yes");
	cliexec(h, &r, "carol", NULL, "integration", "show", "prod-bb", "--reveal-secret", "--json",
		NULL);
	doc = cliexec_json(&r);
	assert_string_equal(cliexec_str(doc, "webhook_secret"), before);
	cJSON_Delete(doc);
	cliexec(h, &r, "carol", NULL, "integration", "rotate-secret", "prod-bb", "--yes", "--json",
		NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	snprintf(after, sizeof after, "%s", cliexec_str(doc, "webhook_secret"));
	assert_string_equal(cliexec_str(doc, "slug"), "prod-bb");
	cJSON_Delete(doc);
	assert_int_equal(strlen(after), 64);
	assert_string_not_equal(before, after);
	cliexec(h, &r, "carol", NULL, "integration", "show", "prod-bb", "--reveal-secret", NULL);
	assert_non_null(strstr(r.out, after));
	cliexec(h, &r, "carol", NULL, "integration", "rotate-secret", "prod-bb", "--yes", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "New webhook secret"));
	cliexec_free(&r);
}

static void add_stack(cliexec_home *h, const char *name, const char *repo)
{
	cliexec_result r = {0};

	cliexec(h, &r, "alice", NULL, "stack", "create", name, "--space", "dev", "--integration",
		"prod-bb", "--repository", repo, NULL);
	cliexec_assert_ok(&r);
	cliexec_free(&r);
}

static void delete_without_yes_lists_and_keeps(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	const char *last;
	cJSON *doc;

	create_prod(h, &r);
	add_stack(h, "web-app", "acme/web");
	add_stack(h, "billing", "acme/billing");
	cliexec(h, &r, "carol", NULL, "integration", "delete", "prod-bb", NULL);
	assert_int_equal(r.status, 65);
	assert_non_null(strstr(r.err, "web-app"));
	assert_non_null(strstr(r.err, "acme/billing"));
	assert_non_null(strstr(r.err, "2 stacks"));
	last = strstr(r.err, "bbconsole: ");
	assert_non_null(last);
	assert_non_null(strstr(last, "--yes"));
	assert_string_equal(r.out, "");
	cliexec(h, &r, "carol", NULL, "integration", "delete", "prod-bb", "--json", NULL);
	assert_int_equal(r.status, 65);
	doc = cliexec_json(&r);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(doc, "deleted")));
	assert_int_equal(cJSON_GetObjectItem(doc, "detached")->valueint, 2);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "stacks")), 2);
	assert_string_equal(cliexec_str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "stacks"), 0),
				"repository"), "acme/billing");
	cJSON_Delete(doc);
	cliexec(h, &r, "carol", NULL, "integration", "show", "prod-bb", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_int_equal(cJSON_GetObjectItem(doc, "stacks")->valueint, 2);
	cJSON_Delete(doc);
	cliexec_free(&r);
}

static void delete_with_yes_detaches_and_recreate_keeps_endpoint(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char endpoint[256], secret[80];
	cJSON *doc, *st;

	create_prod(h, &r);
	add_stack(h, "web-app", "acme/web");
	cliexec(h, &r, "carol", NULL, "integration", "show", "prod-bb", "--reveal-secret", "--json",
		NULL);
	doc = cliexec_json(&r);
	snprintf(endpoint, sizeof endpoint, "%s", cliexec_str(doc, "webhook_endpoint"));
	snprintf(secret, sizeof secret, "%s", cliexec_str(doc, "webhook_secret"));
	cJSON_Delete(doc);
	cliexec(h, &r, "carol", NULL, "integration", "delete", "prod-bb", "--yes", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(doc, "deleted")));
	assert_int_equal(cJSON_GetObjectItem(doc, "detached")->valueint, 1);
	cJSON_Delete(doc);
	cliexec(h, &r, "carol", NULL, "stack", "list", "--detached", "--json", NULL);
	doc = cliexec_json(&r);
	st = cJSON_GetArrayItem(doc, 0);
	assert_non_null(st);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(st, "integration")));
	assert_string_equal(cliexec_str(st, "detached_from"), "Prod BB");
	cJSON_Delete(doc);
	create_prod(h, &r);
	doc = cliexec_json(&r);
	assert_string_equal(cliexec_str(doc, "webhook_endpoint"), endpoint);
	cJSON_Delete(doc);
	cliexec(h, &r, "carol", NULL, "integration", "show", "prod-bb", "--reveal-secret", "--json",
		NULL);
	doc = cliexec_json(&r);
	assert_string_not_equal(cliexec_str(doc, "webhook_secret"), secret);
	cJSON_Delete(doc);
	cliexec_free(&r);
}

/* The expiry date the user chose: kept, shown, warned about 14 days before,
 * and listed by --expiring. */
/* YYYY-MM-DD, n days from today (UTC, as the program counts). */
static void in_days(int n, char out[16])
{
	time_t t = time(NULL) + (time_t)n * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

static void token_expiry_is_recorded_warned_and_listed(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char soon[16], later[16], mid[16], want[128];
	cJSON *doc;

	in_days(10, soon);
	in_days(300, later);
	in_days(12, mid);
	cliexec(h, &r, "carol", TOKEN_LINE, "integration", "create", "--name", "Soon BB", "--space",
		"dev", "--email", "ops@acme.example", "--token-stdin", "--token-expires",
		soon, "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_string_equal(cliexec_str(doc, "token_expires"), soon);
	cJSON_Delete(doc);
	cliexec(h, &r, "carol", TOKEN_LINE, "integration", "create", "--name", "Later BB", "--space",
		"dev", "--email", "ops@acme.example", "--token-stdin", "--token-expires",
		later, NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "carol", NULL, "integration", "list", NULL);
	cliexec_assert_ok(&r);
	snprintf(want, sizeof want, "Soon BB expires on %s (in 10 days)", soon);
	assert_non_null(strstr(r.err, want));
	assert_null(strstr(r.err, "Later BB"));
	cliexec(h, &r, "carol", NULL, "integration", "list", "--expiring", "30", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	assert_int_equal(cJSON_GetArraySize(doc), 1);
	assert_string_equal(cliexec_str(cJSON_GetArrayItem(doc, 0), "name"), "Soon BB");
	cJSON_Delete(doc);
	cliexec(h, &r, "carol", NULL, "integration", "update", "Later BB", "--token-expires",
		mid, NULL);
	cliexec_assert_ok(&r);
	cliexec(h, &r, "carol", NULL, "integration", "show", "Later BB", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, mid));
	snprintf(want, sizeof want, "Later BB expires on %s (in 12 days)", mid);
	assert_non_null(strstr(r.err, want));
	cliexec(h, &r, "carol", NULL, "integration", "list", "--expiring", "30", NULL);
	assert_non_null(strstr(r.out, "Later BB"));
	cliexec(h, &r, "carol", NULL, "integration", "update", "Later BB", "--token-expires",
		"2026-02-30", NULL);
	cliexec_assert_refused(&r, 64, "not a real date");
	cliexec(h, &r, "bob", NULL, "integration", "update", "Later BB", "--token-expires",
		"2026-07-01", NULL);
	cliexec_assert_refused(&r, 77, "");
	cliexec(h, &r, "carol", NULL, "integration", "list", "--expiring", "soon", NULL);
	cliexec_assert_refused(&r, 64, "number of days");
	cliexec_free(&r);
}

static void token_never_shows(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	static const char *const views[][4] = {
		{"integration", "show", "prod-bb", NULL},
		{"integration", "show", "prod-bb", "--reveal-secret"},
		{"integration", "list", NULL, NULL},
		{"audit", NULL, NULL, NULL},
	};
	char *file;
	size_t len;
	FILE *f;

	create_prod(h, &r);
	assert_null(strstr(r.out, TOKEN));
	assert_null(strstr(r.err, TOKEN));
	for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
		for (int json = 0; json < 2; json++) {
			const char *args[6] = {views[i][0], views[i][1], views[i][2], views[i][3]};
			size_t n = 0;

			while (args[n])
				n++;
			args[n] = json ? "--json" : NULL;
			cliexec_argv(h, &r, "alice", NULL, args);
			cliexec_assert_ok(&r);
			assert_null(strstr(r.out, TOKEN));
			assert_null(strstr(r.err, TOKEN));
		}
	f = fopen(h->db, "rb");
	assert_non_null(f);
	file = malloc(1 << 22);
	len = fread(file, 1, 1 << 22, f);
	fclose(f);
	assert_null(memmem(file, len, TOKEN, strlen(TOKEN)));
	free(file);
	cliexec_free(&r);
}

static void tamper(cliexec_home *h, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(h->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void control_characters_never_reach_the_terminal(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	cJSON *doc;

	create_prod(h, &r);
	tamper(h, "UPDATE integration SET description = 'red ' || char(27) || '[31mALERT' || "
	       "char(7) || char(155) || 'x', labels = '[\"a' || char(27) || ']0;title\"]'");
	cliexec(h, &r, "alice", NULL, "integration", "show", "prod-bb", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "ALERT"));
	assert_null(strchr(r.out, 0x1b));
	assert_null(strchr(r.out, 0x07));
	assert_null(strstr(r.out, "\xc2\x9b"));
	cliexec(h, &r, "alice", NULL, "integration", "list", NULL);
	cliexec_assert_ok(&r);
	assert_null(strchr(r.out, 0x1b));
	cliexec(h, &r, "alice", NULL, "integration", "show", "prod-bb", "--json", NULL);
	cliexec_assert_ok(&r);
	assert_null(strchr(r.out, 0x1b));
	assert_null(strstr(r.out, "\xc2\x9b"));
	doc = cliexec_json(&r); /* escaped, not lost */
	assert_non_null(strchr(cliexec_str(doc, "description"), 0x1b));
	cJSON_Delete(doc);
	cliexec(h, &r, "alice", NULL, "integration", "list", "--json", NULL);
	assert_null(strchr(r.out, 0x1b));
	cliexec(h, &r, "alice", NULL, "integration", "show", "x\x1b[2Jy", NULL);
	cliexec_assert_refused(&r, 66, NULL);
	assert_null(strchr(r.err, 0x1b));
	cliexec_free(&r);
}

/* An RFC 3339 UTC time ("2026-11-24T09:30:00.123Z") as the local time of
 * this process's TZ, the way people read it: "2026-11-24 18:30:00 JST". */
static void local_of(const char *utc, char *out, size_t size)
{
	struct tm tm = {0};
	time_t t;

	assert_non_null(strptime(utc, "%Y-%m-%dT%H:%M:%S", &tm));
	t = timegm(&tm);
	assert_non_null(localtime_r(&t, &tm));
	assert_true(strftime(out, size, "%Y-%m-%d %H:%M:%S %Z", &tm) > 0);
}

/* People read local times with their zone (TZ honoured) in show, audit and
 * the lists; JSON keeps RFC 3339 UTC. */
static void human_output_shows_local_times(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char created[96], want[160], local[64];
	cJSON *doc;

	setenv("TZ", "JST-9", 1); /* the children inherit it */
	tzset();
	create_prod(h, &r);
	doc = cliexec_json(&r);
	snprintf(created, sizeof created, "%s", cliexec_str(doc, "created_at"));
	cJSON_Delete(doc);
	assert_non_null(strchr(created, 'Z'));
	local_of(created, local, sizeof local);
	assert_non_null(strstr(local, " JST"));

	cliexec(h, &r, "carol", NULL, "integration", "show", "Prod BB", NULL);
	cliexec_assert_ok(&r);
	snprintf(want, sizeof want, "Created:          %s by carol", local);
	assert_non_null(strstr(r.out, want));
	snprintf(want, sizeof want, "set, updated %s", local);
	assert_non_null(strstr(r.out, want));
	assert_null(strstr(r.out, created)); /* no UTC stamp for people */

	cliexec(h, &r, "alice", NULL, "audit", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, " JST  carol"));  /* its own clock read: no exact time */
	assert_null(strstr(r.out, "Z  carol"));
	cliexec(h, &r, "alice", NULL, "space", "list", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, " JST"));
	assert_null(strstr(r.out, "Z\n"));

	cliexec(h, &r, "carol", NULL, "integration", "show", "Prod BB", "--json", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, created)); /* JSON stays UTC */
	cliexec_free(&r);
	unsetenv("TZ");
	tzset();
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, cliexec_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(create_prints_every_field),
		T(create_says_slug_endpoint_and_how_to_reveal),
		T(list_and_show_for_an_admin),
		T(reveal_shows_the_secret_to_admins_only),
		T(read_user_sees_no_details),
		T(read_user_may_not_change_anything),
		T(bad_fields_are_refused),
		T(slug_conflict_names_the_holder),
		T(second_default_is_refused),
		T(label_rules),
		T(description_over_10000_is_refused),
		T(aggregated_checks_need_a_higher_plan),
		T(not_found_is_66),
		T(stale_update_is_refused_with_75),
		T(update_replaces_and_clears_lists),
		T(rotate_secret_shows_a_new_secret),
		T(delete_without_yes_lists_and_keeps),
		T(delete_with_yes_detaches_and_recreate_keeps_endpoint),
		T(token_never_shows),
		T(token_expiry_is_recorded_warned_and_listed),
		T(control_characters_never_reach_the_terminal),
		T(human_output_shows_local_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
