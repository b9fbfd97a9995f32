/* Screen tests of the setup wizard: a default and a space integration end
 * to end (checked through the command line), every validation message (the
 * sentences come from core's validators), back-navigation, resize, the
 * discard question, and drafts saved on SIGHUP. */
#include "test_console_lib.h"

#include <sqlite3.h>
#include <time.h>

#include "validate.h"

/* Waits for the start of core's sentence (it wraps after ~70 columns). */
static void wait_sentence(vt *v, const char *sentence)
{
	char head[36];

	snprintf(head, sizeof head, "%.35s", sentence);
	WAIT(v, head);
}

static vt *open_wizard(const cliexec_home *h, const char *user, int cols, int rows)
{
	vt *v = con_spawn(h, user, cols, rows, NULL);

	WAIT(v, "Bitbucket Cloud integrations");
	vt_key(v, "n");
	WAIT(v, "Step 1 of 7: Name");
	return v;
}

static void full_wizard_creates_a_default_integration(void **state)
{
	cliexec_home *h = *state;
	cJSON *j, *labels;
	vt *v;

	cliexec_init(h, NULL);
	v = open_wizard(h, "alice", 80, 24);
	con_type(v, "Prod BB", NULL);
	WAIT(v, "prod-bb");
	WAIT(v, "https://webhooks.acme.example/bitbucket-cloud/");
	WAIT(v, "integration/prod-bb");
	WAIT(v, "The name is permanent");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 2 of 7: Type");
	con_type(v, NULL, "Enter");                     /* default */
	WAIT(v, "Step 3 of 7: Email");
	con_type(v, "ops@acme.example", "Enter");
	WAIT(v, "Step 4 of 7: API token");
	WAIT(v, "read:pullrequest:bitbucket");
	vt_paste(v, "tok_pasted_secret_42\n");
	WAIT(v, "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2");
	ABSENT(v, "tok_pasted");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 5 of 7: Labels");
	con_type(v, "prod", "Enter");
	WAIT(v, "[prod]");
	con_type(v, "\xe6\x9c\xac\xe7\x95\xaa", "Enter");   /* 本番 */
	WAIT(v, "[\xe6\x9c\xac\xe7\x95\xaa]");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 6 of 7: Description");
	con_type(v, "Line one", "Enter");
	con_type(v, "line two", "Ctrl-D");
	WAIT(v, "Step 7 of 7: Review");
	WAIT(v, "ops@acme.example");
	WAIT(v, "Could not connect to Bitbucket");      /* the background check */
	ABSENT(v, "tok_pasted");
	con_type(v, NULL, "Enter");                     /* Create: a failed check does not block */
	WAIT(v, "Webhook setup: Prod BB");
	WAIT(v, "Comment created");
	WAIT(v, "Pull Request Commit Links");
	con_type(v, NULL, "Esc");
	WAIT(v, "verify failed");                       /* the check's result was recorded */
	con_quit(v);

	j = con_show(h, "Prod BB");
	assert_string_equal(con_jstr(j, "type"), "default");
	assert_string_equal(con_jstr(j, "space"), "root");
	assert_string_equal(con_jstr(j, "email"), "ops@acme.example");
	assert_string_equal(con_jstr(j, "description"), "Line one\nline two");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "token_set")));
	labels = cJSON_GetObjectItem(j, "labels");
	assert_int_equal(cJSON_GetArraySize(labels), 2);
	assert_string_equal(cJSON_GetArrayItem(labels, 1)->valuestring, "\xe6\x9c\xac\xe7\x95\xaa");
	cJSON_Delete(j);
}

static void full_wizard_creates_a_space_integration(void **state)
{
	cliexec_home *h = *state;
	cJSON *j;
	vt *v;

	cliexec_init(h, NULL);
	CON_CLI(h, "space", "create", "dev");
	CON_CLI(h, "user", "grant", "bob", "--space", "dev", "--role", "admin");
	v = open_wizard(h, "bob", 80, 24);
	con_type(v, "Dev BB", "Enter");
	WAIT(v, "Step 2 of 7: Type");
	/* bob is not an admin of root: default is disabled with the reason */
	WAIT(v, "(*) Space");
	WAIT(v, "(*) dev");
	GOLDEN(v, "console_wizard_type");
	/* Up and k skip the disabled Default: the mark stays, the reason shows */
	con_type(v, NULL, "Up");
	con_type(v, "k", NULL);
	con_type(v, NULL, "F1");
	WAIT(v, "Help: ");
	con_type(v, NULL, "Esc");
	WAIT(v, "needs the admin role in space root");
	WAIT(v, "(*) Space");
	ABSENT(v, "(*) Default");
	WAIT(v, "Step 2 of 7");
	con_type(v, NULL, "Enter");                     /* to the space picker */
	con_type(v, NULL, "Enter");                     /* dev */
	WAIT(v, "Step 3 of 7: Email");
	con_type(v, "dev@acme.example", "Enter");
	WAIT(v, "Step 4 of 7");
	con_type(v, "tok_dev_0123", "Enter");
	WAIT(v, "Step 5 of 7");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 6 of 7");
	con_type(v, NULL, "Ctrl-D");
	WAIT(v, "Step 7 of 7");
	WAIT(v, "dev@acme.example");
	con_type(v, NULL, "Enter");
	WAIT(v, "Webhook setup: Dev BB");
	con_type(v, NULL, "Esc");
	WAIT(v, "Dev BB");
	con_quit(v);

	j = con_show(h, "dev-bb");
	assert_string_equal(con_jstr(j, "type"), "space");
	assert_string_equal(con_jstr(j, "space"), "dev");
	assert_string_equal(con_jstr(j, "email"), "dev@acme.example");
	cJSON_Delete(j);
}

static void every_validation_message_is_shown(void **state)
{
	cliexec_home *h = *state;
	bb_err err = {0};
	char *big;
	vt *v;

	cliexec_init(h, NULL);
	con_integration(h, "prod-bb", NULL, NULL, NULL);
	v = open_wizard(h, "alice", 80, 24);
	/* empty name: Enter refuses with core's sentence */
	con_type(v, NULL, "Enter");
	validate_name("", &err);
	wait_sentence(v, err.msg);
	con_type(v, "!!!", NULL);
	validate_name("!!!", &err);
	wait_sentence(v, err.msg);
	con_type(v, NULL, "Ctrl-U");
	con_type(v, "Prod BB", NULL);
	WAIT(v, "The id prod-bb is taken by integration prod-bb");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 1 of 7");
	con_type(v, NULL, "Ctrl-U");
	con_type(v, "Prod BB 2", "Enter");
	WAIT(v, "Step 2 of 7");
	/* one default exists: the default choice says why it is disabled */
	WAIT(v, "(*) Space");
	con_type(v, NULL, "Enter");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 3 of 7");
	con_type(v, "not an email", "Enter");
	validate_email("not an email", &err);
	wait_sentence(v, err.msg);
	con_type(v, NULL, "Ctrl-U");
	con_type(v, "ops@acme.example", "Enter");
	WAIT(v, "Step 4 of 7");
	con_type(v, "ATBBabcdefghijklmnop", "Enter");
	validate_token("ATBBabcdefghijklmnop", &err);
	wait_sentence(v, err.msg);
	con_type(v, NULL, "Ctrl-U");
	con_type(v, NULL, "Enter");
	validate_token("", &err);
	wait_sentence(v, err.msg);
	con_type(v, "tok_ok_123", "Enter");
	WAIT(v, "Step 5 of 7");
	con_type(v, "a,b", "Enter");
	validate_label("a,b", &err);
	wait_sentence(v, err.msg);
	con_type(v, NULL, "Ctrl-U");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 6 of 7");
	big = malloc(BB_DESCRIPTION_MAX + 2);
	assert_non_null(big);
	memset(big, 'x', BB_DESCRIPTION_MAX + 1);
	big[BB_DESCRIPTION_MAX + 1] = '\0';
	vt_paste(v, big);
	validate_description(big, &err);
	free(big);
	wait_sentence(v, err.msg);
	con_type(v, NULL, "Ctrl-D");
	WAIT(v, "Not yet");
	WAIT(v, "Step 6 of 7");
	con_type(v, NULL, "Esc");
	WAIT(v, "Step 5 of 7");
	vt_free(v);
}

static void back_navigation_keeps_input_and_esc_asks(void **state)
{
	cliexec_home *h = *state;
	vt *v;

	cliexec_init(h, NULL);
	v = open_wizard(h, "alice", 80, 24);
	con_type(v, "Keep Me", "Enter");
	WAIT(v, "Step 2 of 7");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 3 of 7");
	con_type(v, "keep@acme.example", "Enter");
	WAIT(v, "Step 4 of 7");
	con_type(v, "tok_keep", NULL);
	con_type(v, NULL, "Esc");
	WAIT(v, "Step 3 of 7");
	WAIT(v, "keep@acme.example");
	con_type(v, NULL, "Esc");
	WAIT(v, "Step 2 of 7");
	con_type(v, NULL, "Esc");
	WAIT(v, "Step 1 of 7");
	WAIT(v, "Keep Me");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 2 of 7");
	con_type(v, NULL, "Enter");
	WAIT(v, "keep@acme.example");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 4 of 7");
	WAIT(v, "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2");
	/* back to step 1, then Esc asks before discarding */
	for (int i = 4; i > 1; i--) {
		char want[32];

		con_type(v, NULL, "Esc");
		snprintf(want, sizeof want, "Step %d of 7", i - 1);
		WAIT(v, want);
	}
	con_type(v, NULL, "Esc");
	WAIT(v, "Discard the new integration?");
	con_type(v, NULL, "Esc");                       /* No: keep editing */
	GONE(v, "Discard the new integration?");
	WAIT(v, "Keep Me");
	con_type(v, NULL, "Esc");
	WAIT(v, "Discard the new integration?");
	con_type(v, "y", NULL);
	WAIT(v, "Bitbucket Cloud integrations");
	WAIT(v, "No integrations yet");
	con_quit(v);
}

static void resize_in_the_middle_keeps_the_step(void **state)
{
	cliexec_home *h = *state;
	vt *v;

	cliexec_init(h, NULL);
	v = open_wizard(h, "alice", 80, 24);
	con_type(v, "Resized", "Enter");
	WAIT(v, "Step 2 of 7");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 3 of 7");
	con_type(v, "size@acme.example", NULL);
	WAIT(v, "size@acme.example");
	assert_int_equal(vt_resize(v, 100, 30), 0);
	WAIT(v, "Step 3 of 7");
	SETTLED(v);
	WAIT(v, "size@acme.example");
	assert_int_equal(vt_resize(v, 60, 16), 0);
	SETTLED(v);
	WAIT(v, "size@acme.example");
	GOLDEN(v, "console_wizard_email");
	assert_int_equal(vt_resize(v, 40, 10), 0);
	WAIT(v, "Terminal too small");
	assert_int_equal(vt_resize(v, 80, 24), 0);
	WAIT(v, "Step 3 of 7");
	WAIT(v, "size@acme.example");
	GOLDEN(v, "console_wizard_email");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 4 of 7");
	vt_free(v);
}

/* The draft row of login, or NULL (malloc'd). */
static char *draft_of(const cliexec_home *h, const char *login)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *data = NULL;

	assert_int_equal(sqlite3_open_v2(h->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT data FROM draft WHERE login = ?1", -1, &st,
					    NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		data = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return data;
}

static void sighup_saves_a_draft_without_the_token(void **state)
{
	cliexec_home *h = *state;
	int status = -1;
	char *data;
	vt *v;

	cliexec_init(h, NULL);
	v = open_wizard(h, "alice", 80, 24);
	con_type(v, "Dropped", "Enter");
	WAIT(v, "Step 2 of 7");
	con_type(v, NULL, "Enter");
	con_type(v, "drop@acme.example", "Enter");
	WAIT(v, "Step 4 of 7");
	con_type(v, "tok_never_saved", "Enter");
	WAIT(v, "Step 5 of 7");
	con_type(v, "keep", "Enter");
	WAIT(v, "[keep]");
	assert_int_equal(vt_send_signal(v, SIGHUP), 0);
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	assert_false(vt_altscreen(v));                  /* the terminal was restored */
	vt_free(v);

	data = draft_of(h, "alice");
	assert_non_null(data);
	assert_non_null(strstr(data, "drop@acme.example"));
	assert_non_null(strstr(data, "keep"));
	assert_null(strstr(data, "tok_never_saved"));
	free(data);

	/* the next start offers it: Enter resumes at the token step */
	v = con_spawn(h, "alice", 80, 24, NULL);
	WAIT(v, "Unfinished integration");
	WAIT(v, "Enter resumes");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 4 of 7: API token");
	con_type(v, NULL, "Esc");
	WAIT(v, "Step 3 of 7");
	WAIT(v, "drop@acme.example");
	con_type(v, NULL, "Enter");
	con_type(v, "tok_again", "Enter");
	WAIT(v, "Step 5 of 7");
	WAIT(v, "[keep]");
	/* drop it again, then discard the draft with d */
	assert_int_equal(vt_send_signal(v, SIGHUP), 0);
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	vt_free(v);
	v = con_spawn(h, "alice", 80, 24, NULL);
	WAIT(v, "Unfinished integration");
	con_type(v, "d", NULL);
	WAIT(v, "Draft discarded.");
	con_quit(v);
	assert_null(draft_of(h, "alice"));
}

/* The token step records when the token expires: a paste that is not a
 * date is refused whole (a token in the wrong field never shows in clear), a
 * wrong date says why, and a date within 14 days warns in the list and the
 * details. */
static void token_expiry_is_recorded_and_warned(void **state)
{
	cliexec_home *h = *state;
	char soon[16];
	time_t in5 = time(NULL) + 5 * 86400;
	struct tm tm;
	cJSON *j;
	vt *v;

	gmtime_r(&in5, &tm);
	strftime(soon, sizeof soon, "%Y-%m-%d", &tm);
	cliexec_init(h, NULL);
	v = open_wizard(h, "alice", 80, 24);
	con_type(v, "Soon BB", "Enter");
	WAIT(v, "Step 2 of 7: Type");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 3 of 7: Email");
	con_type(v, "ops@acme.example", "Enter");
	WAIT(v, "Step 4 of 7: API token");
	WAIT(v, "Expires on (YYYY-MM-DD, optional");
	vt_paste(v, "tok_expiring_secret_7");
	WAIT(v, "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2");
	con_type(v, NULL, "Tab");                       /* to the expiry date */
	vt_paste(v, "tok_expiring_secret_7");          /* the wrong field: refused */
	WAIT(v, "digits and '-' only");
	ABSENT(v, "tok_expiring");
	con_type(v, "2026-02-30", "Enter");
	WAIT(v, "Not yet");
	for (int i = 0; i < 10; i++)
		con_type(v, NULL, "Backspace");
	con_type(v, soon, "Enter");
	WAIT(v, "Step 5 of 7: Labels");
	con_type(v, NULL, "Enter");
	WAIT(v, "Step 6 of 7: Description");
	con_type(v, NULL, "Ctrl-D");
	WAIT(v, "Step 7 of 7: Review");
	WAIT(v, "(expires ");
	WAIT(v, soon);
	con_type(v, NULL, "Enter");                     /* Create */
	WAIT(v, "Webhook setup: Soon BB");
	con_type(v, NULL, "Esc");
	WAIT(v, "expires in 5d");                       /* the list warns */
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Soon BB");
	WAIT(v, "Token expires");
	WAIT(v, "(in 5 days)");
	WAIT(v, soon);
	con_type(v, NULL, "Esc");
	con_quit(v);
	j = con_show(h, "Soon BB");
	assert_string_equal(con_jstr(j, "token_expires"), soon);
	cJSON_Delete(j);
}

/* The name's check is made when it changes and when the data does: a slug
 * taken by another process is said without a key, and Next refuses it. */
static void name_taken_meanwhile_is_said_without_a_key(void **state)
{
	cliexec_home *h = *state;
	vt *v;

	cliexec_init(h, NULL);
	v = open_wizard(h, "alice", 80, 24);
	con_type(v, "Prod BB", NULL);
	WAIT(v, "integration/prod-bb");
	ABSENT(v, "is taken");
	con_integration(h, "Prod BB", NULL, NULL, NULL);
	WAIT(v, "The id prod-bb is taken by integration");
	con_type(v, NULL, "Enter");
	WAIT(v, "Not yet");
	WAIT(v, "Step 1 of 7");
	con_type(v, NULL, "Ctrl-U");
	con_type(v, "Prod BC", NULL);
	WAIT(v, "integration/prod-bc");
	GONE(v, "is taken");
	con_type(v, NULL, "Esc");
	WAIT(v, "Discard");
	con_type(v, "y", NULL);
	WAIT(v, "Bitbucket Cloud integrations");
	con_quit(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(full_wizard_creates_a_default_integration,
						con_setup, con_teardown),
		cmocka_unit_test_setup_teardown(full_wizard_creates_a_space_integration, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(every_validation_message_is_shown, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(back_navigation_keeps_input_and_esc_asks, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(resize_in_the_middle_keeps_the_step, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(token_expiry_is_recorded_and_warned, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(sighup_saves_a_draft_without_the_token, con_setup,
						con_teardown),
		cmocka_unit_test_setup_teardown(name_taken_meanwhile_is_said_without_a_key,
						con_setup, con_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
