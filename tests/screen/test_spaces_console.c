/* Screen tests of the spaces and roles screens (`s` from the integrations
 * list): the tree with inherit and the user's role, creating a space,
 * granting and revoking a role, and what a read user sees and is told. What
 * the console did is checked through the command line, which reads the same
 * database. Goldens of the tree at 80x24 and 60x16. */
#include "test_console_lib.h"

/* Spaces infra (under root) and eu (under infra, no inherit); bob reads
 * infra; carol is admin of infra. */
static int setup(void **state)
{
	cliexec_home *h;

	if (con_setup(state) != 0)
		return -1;
	h = *state;
	cliexec_init(h, NULL);
	CON_CLI(h, "space", "create", "infra");
	CON_CLI(h, "space", "create", "eu", "--parent", "infra", "--no-inherit");
	CON_CLI(h, "user", "grant", "bob", "--space", "infra", "--role", "read");
	CON_CLI(h, "user", "grant", "carol", "--space", "infra", "--role", "admin");
	return 0;
}

/* The console as user, on the spaces screen. */
static vt *open_spaces(cliexec_home *h, const char *user, int cols, int rows)
{
	vt *v = con_spawn(h, user, cols, rows, "NO_COLOR=1");

	WAIT(v, "Bitbucket Cloud integrations");
	vt_key(v, "s");
	WAIT(v, "Spaces and roles");
	WAIT(v, "Your role");
	return v;
}

/* `space list --json` / `user list --json` as alice, parsed. */
static cJSON *list_json(cliexec_home *h, const char *group)
{
	cliexec_result r = {0};
	cJSON *doc;

	cliexec(h, &r, "alice", NULL, group, "list", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	cliexec_free(&r);
	return doc;
}

static const cJSON *find_by(const cJSON *list, const char *key, const char *value,
			    const char *key2, const char *value2)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, list) {
		const char *a = con_jstr(o, key), *b = key2 ? con_jstr(o, key2) : NULL;

		if (a && !strcmp(a, value) && (!key2 || (b && !strcmp(b, value2))))
			return o;
	}
	return NULL;
}

static void tree_shows_inherit_and_roles(void **state)
{
	cliexec_home *h = *state;
	vt *v = open_spaces(h, "alice", 80, 24);

	WAIT(v, "    eu");
	EVENTUALLY(v, vt_has_text(v, "Enter roles  n new space  d delete"));
	GOLDEN(v, "spaces_tree");
	con_quit(v);
	v = open_spaces(h, "alice", 60, 16);
	WAIT(v, "    eu");
	GOLDEN(v, "spaces_tree");
	con_quit(v);
}

static void admin_creates_a_space(void **state)
{
	cliexec_home *h = *state;
	vt *v = open_spaces(h, "alice", 80, 24);
	cJSON *doc;
	const cJSON *s;

	vt_key(v, "j"); /* infra */
	vt_key(v, "n");
	WAIT(v, "New space");
	WAIT(v, "< infra >");
	con_type(v, "staging", "Tab");
	vt_key(v, "Tab");
	vt_key(v, "Space"); /* inherit: no */
	WAIT(v, "< no >");
	vt_key(v, "Tab");
	vt_key(v, "Enter");
	WAIT(v, "Created space staging under infra.");
	WAIT(v, "      staging");
	/* the tree selects the space just created */
	EVENTUALLY(v, vt_selected_has(v, "staging"));
	con_quit(v);

	doc = list_json(h, "space");
	s = find_by(doc, "name", "staging", NULL, NULL);
	assert_non_null(s);
	assert_string_equal(con_jstr(s, "parent"), "infra");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(s, "inherit")));
	cJSON_Delete(doc);
}

static void core_refusal_keeps_the_form(void **state)
{
	cliexec_home *h = *state;
	vt *v = open_spaces(h, "alice", 80, 24);

	vt_key(v, "n");
	WAIT(v, "New space");
	con_type(v, "infra", "Tab"); /* exists already */
	vt_key(v, "Tab");
	vt_key(v, "Tab");
	vt_key(v, "Enter");
	WAIT(v, "Not created");
	WAIT(v, "exists already");
	vt_key(v, "Enter");
	WAIT(v, "New space");
	GONE(v, "Not created");
	vt_key(v, "Esc");
	WAIT(v, "Discard?");
	vt_key(v, "Left");
	vt_key(v, "Enter");
	WAIT(v, "Spaces and roles");
	con_quit(v);
}

static void admin_grants_and_revokes_a_role(void **state)
{
	cliexec_home *h = *state;
	vt *v = open_spaces(h, "alice", 80, 24);
	cJSON *doc;
	const cJSON *g;

	vt_key(v, "j");
	vt_key(v, "Enter");
	WAIT(v, "Roles in space infra");
	WAIT(v, "from root (above)");
	WAIT(v, "n grant  e change role  d revoke");
	vt_key(v, "n");
	WAIT(v, "Grant a role in space infra");
	con_type(v, "dave", "Tab");
	vt_key(v, "Right"); /* write */
	WAIT(v, "< write >");
	vt_key(v, "Tab");
	vt_key(v, "Enter");
	WAIT(v, "Granted dave write in space infra.");
	WAIT(v, "dave");
	EVENTUALLY(v, vt_selected_has(v, "dave")); /* the role just granted */
	doc = list_json(h, "user");
	g = find_by(doc, "login", "dave", "space", "infra");
	assert_non_null(g);
	assert_string_equal(con_jstr(g, "role"), "write");
	cJSON_Delete(doc);

	/* alice's admin of root shows here but is revoked in root, not here */
	vt_key(v, "g");
	vt_key(v, "d");
	WAIT(v, "revoke it there");

	vt_key(v, "G"); /* dave, the last row */
	vt_key(v, "d");
	WAIT(v, "Revoke role");
	WAIT(v, "Revoke the write role of dave");
	vt_key(v, "y");
	WAIT(v, "Revoked the role of dave in space infra.");
	GONE(v, "dave  ");
	con_quit(v);
	doc = list_json(h, "user");
	assert_null(find_by(doc, "login", "dave", NULL, NULL));
	cJSON_Delete(doc);
}

static void read_user_sees_the_tree_but_is_refused(void **state)
{
	cliexec_home *h = *state;
	vt *v = open_spaces(h, "bob", 80, 24);
	cJSON *doc;

	WAIT(v, "read");
	/* no create or delete keys in the bar; the keys still say why */
	EVENTUALLY(v, vt_has_text(v, "Enter roles  Esc back"));
	ABSENT(v, "n new space");
	vt_key(v, "n");
	WAIT(v, "Creating a space in root needs the admin role in space root");
	vt_key(v, "j");
	vt_key(v, "d");
	WAIT(v, "Deleting the space infra needs the admin role in space root");
	vt_key(v, "Enter");
	WAIT(v, "Roles in space infra");
	WAIT(v, "needs the admin role in space root");
	ABSENT(v, "n grant");
	vt_key(v, "n");
	WAIT(v, "Granting and revoking roles in space infra needs the admin role");
	GONE(v, "Grant a role");
	con_quit(v);
	doc = list_json(h, "space");
	assert_int_equal(cJSON_GetArraySize(doc), 3);
	cJSON_Delete(doc);
}

static void admin_of_a_space_grants_below_it_and_deletes_an_empty_one(void **state)
{
	cliexec_home *h = *state;
	vt *v = open_spaces(h, "carol", 80, 24);
	cJSON *doc;

	/* carol administers infra: she manages the roles of eu, not of infra */
	WAIT(v, "n new space");
	vt_key(v, "G"); /* eu */
	vt_key(v, "Enter");
	WAIT(v, "Roles in space eu");
	WAIT(v, "n grant");
	vt_key(v, "Esc");
	WAIT(v, "Spaces and roles");
	vt_key(v, "d");
	WAIT(v, "Delete the space eu?");
	vt_key(v, "y");
	WAIT(v, "Deleted the space eu.");
	GONE(v, "    eu");
	con_quit(v);
	doc = list_json(h, "space");
	assert_null(find_by(doc, "name", "eu", NULL, NULL));
	cJSON_Delete(doc);
}

/* Another process's changes show in the open tree and roles without a key,
 * the selection staying on the same space and the same login. */
static void other_process_changes_show_without_a_key(void **state)
{
	cliexec_home *h = *state;
	vt *v = open_spaces(h, "alice", 80, 24);

	vt_key(v, "j"); /* infra */
	CON_CLI(h, "space", "create", "alpha"); /* sorts above infra */
	WAIT(v, "  alpha");
	WAIT(v, "4 spaces");
	vt_key(v, "Enter");
	WAIT(v, "Roles in space infra");
	WAIT(v, "carol");
	vt_key(v, "G"); /* carol, the last row */
	CON_CLI(h, "user", "grant", "aaron", "--space", "infra", "--role", "read");
	WAIT(v, "aaron");
	vt_key(v, "d");
	WAIT(v, "Revoke the admin role of carol");
	vt_key(v, "n");
	GONE(v, "Revoke role");
	con_quit(v);

	/* bob reads infra: granted admin of root elsewhere, he may grant here */
	v = open_spaces(h, "bob", 80, 24);
	WAIT(v, "  alpha");
	vt_key(v, "j");
	vt_key(v, "j"); /* infra, under alpha */
	vt_key(v, "Enter");
	WAIT(v, "Roles in space infra");
	WAIT(v, "needs the admin role in space root");
	CON_CLI(h, "user", "grant", "bob", "--space", "root", "--role", "admin");
	WAIT(v, "The strongest role on the path from root wins.");
	WAIT(v, "n grant");
	con_quit(v);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, con_teardown)
	const struct CMUnitTest tests[] = {
		T(tree_shows_inherit_and_roles),
		T(admin_creates_a_space),
		T(core_refusal_keeps_the_form),
		T(admin_grants_and_revokes_a_role),
		T(read_user_sees_the_tree_but_is_refused),
		T(admin_of_a_space_grants_below_it_and_deletes_an_empty_one),
		T(other_process_changes_show_without_a_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
