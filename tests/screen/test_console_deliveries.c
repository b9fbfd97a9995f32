/* Screen tests of what the console shows of webhook deliveries: a real
 * `bbconsole serve` receives signed recorded bodies over HTTP, and the console
 * (another process, as in production) shows them in the details, on the
 * deliveries screen (live, filtered, one opened), in Troubleshooting and as
 * each stack's last run. */
#include "test_console_lib.h"

#include "served.h"

#define PUSH_BODY "push_signed.json" /* repo:push of nfalco79/test-repos, feature/webhook */

typedef struct world {
	cliexec_home h;
	served srv;
	char path[256];   /* the endpoint's path */
	char secret[80];
	char *body;
	size_t len;
} world;

static void load_endpoint(world *w)
{
	cliexec_result r = {0};
	cJSON *j = con_show(&w->h, "Prod BB");

	/* the path part of https://webhooks.acme.example/bitbucket-cloud/... */
	snprintf(w->path, sizeof w->path, "%s", strchr(con_jstr(j, "webhook_endpoint") + 8, '/'));
	cJSON_Delete(j);
	cliexec(&w->h, &r, "alice", NULL, "integration", "show", "Prod BB", "--reveal-secret",
		"--json", NULL);
	cliexec_assert_ok(&r);
	j = cliexec_json(&r);
	snprintf(w->secret, sizeof w->secret, "%s", con_jstr(j, "webhook_secret"));
	cJSON_Delete(j);
	cliexec_free(&r);
}

static int setup(void **state)
{
	const char *src = getenv("BBCONSOLE_SRC");
	char file[PATH_MAX + 64];
	world *w = calloc(1, sizeof *w);

	if (!w)
		return -1;
	cliexec_home_make(&w->h);
	cliexec_init(&w->h, NULL);
	con_integration(&w->h, "Prod BB", NULL, "prod", NULL);
	CON_CLI(&w->h, "stack", "create", "infra", "--space", "root", "--integration", "Prod BB",
		"--repository", "nfalco79/test-repos", "--branch", "feature/webhook");
	CON_CLI(&w->h, "stack", "create", "quiet", "--space", "root", "--integration", "Prod BB",
		"--repository", "acme/quiet");
	CON_CLI(&w->h, "user", "grant", "carol", "--space", "root", "--role", "read");
	load_endpoint(w);
	snprintf(file, sizeof file, "%s/tests/data/webhooks/" PUSH_BODY, src ? src : ".");
	w->body = served_read_file(file, &w->len);
	served_start(&w->srv, w->h.dir, w->h.db, NULL);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	world *w = *state;

	assert_int_equal(served_stop(&w->srv, SIGTERM), 0);
	cliexec_home_remove(&w->h);
	free(w->body);
	free(w);
	return 0;
}

static void push(world *w, const char *uuid, const char *key, int want)
{
	assert_int_equal(served_deliver(w->srv.port, w->path, "repo:push", uuid, key,
					"application/json", w->body, w->len), want);
}

static int rows_with(vt *v, const char *text)
{
	int n = 0;

	for (int r = 0; r < vt_rows(v); r++) {
		char *row = vt_row(v, r);

		n += row && strstr(row, text);
		free(row);
	}
	return n;
}

static vt *open_details(world *w, const char *user, int cols, int rows)
{
	vt *v = con_spawn(&w->h, user, cols, rows, NULL);

	WAIT(v, "Prod BB");
	con_type(v, NULL, "Enter");
	WAIT(v, "Integration: Prod BB");
	return v;
}

static void details_show_the_last_delivery_and_the_day(void **state)
{
	world *w = *state;
	vt *v;

	v = open_details(w, "alice", 80, 24);
	WAIT(v, "none yet (l lists them");
	push(w, "uuid-bad-1", "not-the-secret", 401);
	push(w, "uuid-good-1", w->secret, 202);
	/* the receiver is another process: the details look again on their own */
	WAIT(v, "repo:push nfalco79/test-repos (accepted)");
	WAIT(v, "2 in 24 h, per hour");
	WAIT(v, "\xe2\x96\x88"); /* the current hour's bar is the highest */
	ABSENT(v, w->secret);
	con_type(v, NULL, "Esc");
	con_quit(v);
}

static void deliveries_screen_follows_filters_and_opens_one(void **state)
{
	world *w = *state;
	vt *v;

	push(w, "uuid-bad-2", "not-the-secret", 401);
	push(w, "uuid-good-2", w->secret, 202);
	v = open_details(w, "alice", 80, 24);
	con_type(v, "l", NULL);
	WAIT(v, "Deliveries: Prod BB (newest first)");
	WAIT(v, "rejected: bad");
	EVENTUALLY(v, rows_with(v, "repo:push") == 2);
	push(w, "uuid-good-3", w->secret, 202); /* arrives while the list is open */
	EVENTUALLY(v, rows_with(v, "repo:push") == 3);
	con_type(v, "/rejected", NULL);
	EVENTUALLY(v, rows_with(v, "repo:push") == 1);
	con_type(v, NULL, "Esc"); /* clears the filter */
	EVENTUALLY(v, rows_with(v, "repo:push") == 3);
	con_type(v, NULL, "Home");
	con_type(v, NULL, "Enter"); /* the newest */
	WAIT(v, ": repo:push");
	WAIT(v, "Branch/tag    feature/webhook");
	WAIT(v, "Signature     current");
	WAIT(v, "Runs triggered: 1");
	WAIT(v, "X-Request-UUID: uuid-good-3");
	ABSENT(v, "X-Hub-Signature: sha256");
	ABSENT(v, w->secret);
	con_type(v, NULL, "Esc");
	WAIT(v, "Deliveries: Prod BB");
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Prod BB");
	con_type(v, NULL, "Esc");
	con_quit(v);
}

/* At 60x16 the list keeps the outcome readable; one delivery's long value
 * wraps whole instead of being cut, its rows scroll with their position, and
 * / finds a header. */
static void one_delivery_wraps_and_searches(void **state)
{
	world *w = *state;
	vt *v;

	push(w, "uuid-bad-5", "not-the-secret", 401);
	v = open_details(w, "alice", 60, 16);
	con_type(v, "l", NULL);
	WAIT(v, "Event     Repository");     /* as wide as its longest event */
	WAIT(v, "rejected: bad");
	con_type(v, NULL, "Enter");
	WAIT(v, "Delivery ");
	WAIT(v, "Signature     bad (the secret in Bitbucket differs:");
	WAIT(v, "              paste it again or rotate)"); /* wrapped, not cut */
	WAIT(v, "rows 1-");
	ABSENT(v, "\xe2\x80\xa6");                   /* no ellipsis anywhere */
	con_type(v, "/uuid-bad-5", "Enter");
	WAIT(v, "\"uuid-bad-5\": 2 rows match (n/N)");
	con_type(v, NULL, "End");
	WAIT(v, "X-Request-UUID: uuid-bad-5");
	con_type(v, NULL, "Esc");                    /* first clears the search */
	GONE(v, "rows match");
	WAIT(v, "Delivery ");
	con_type(v, NULL, "Esc");
	WAIT(v, "Deliveries: Prod BB");
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Prod BB");
	con_quit(v);
}

/* The row the first text is on, or -1. */
static int row_with(vt *v, const char *text)
{
	for (int r = 0; r < vt_rows(v); r++) {
		char *row = vt_row(v, r);
		bool here = row && strstr(row, text);

		free(row);
		if (here)
			return r;
	}
	return -1;
}

/* Both texts are shown, the first on a row above the second. */
static bool above(vt *v, const char *first, const char *second)
{
	int a = row_with(v, first), b = row_with(v, second);

	return a >= 0 && b >= 0 && a < b;
}

static void deliveries_sort_by_column(void **state)
{
	world *w = *state;
	int r;
	vt *v;

	push(w, "uuid-bad-4", "not-the-secret", 401);
	push(w, "uuid-good-4", w->secret, 202);
	v = open_details(w, "alice", 80, 24);
	con_type(v, "l", NULL);
	WAIT(v, "Received v");                 /* newest first */
	EVENTUALLY(v, above(v, "accepted", "rejected: bad"));
	EVENTUALLY(v, (r = row_with(v, "accepted")) >= 0 && vt_cell_at(v, r, 0).reverse);
	con_type(v, "<", NULL);                /* oldest first */
	WAIT(v, "Received ^");
	EVENTUALLY(v, above(v, "rejected: bad", "accepted"));
	/* the selection stayed on the delivery it was on */
	EVENTUALLY(v, (r = row_with(v, "accepted")) >= 0 && vt_cell_at(v, r, 0).reverse);
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Prod BB");
	con_type(v, NULL, "Esc");
	con_quit(v);
}

static void troubleshooting_reads_the_deliveries(void **state)
{
	world *w = *state;
	vt *v = open_details(w, "alice", 80, 24);

	con_type(v, "t", NULL);
	WAIT(v, "Troubleshooting: Prod BB");
	WAIT(v, "Webhook deliveries");
	WAIT(v, "none in 7 days");
	WAIT(v, "Could not connect to Bitbucket"); /* the Bitbucket checks ended */
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Prod BB");
	push(w, "uuid-bad-4", "not-the-secret", 401);
	push(w, "uuid-good-4", w->secret, 202);
	con_type(v, "t", NULL);
	WAIT(v, "1 of 2 refused: signature");
	/* a failed check selects its row: move once the Bitbucket checks ended */
	WAIT(v, "FAILED       Credentials");
	for (int i = 0; i < 5; i++)
		con_type(v, NULL, "Down"); /* the deliveries row: what it means */
	WAIT(v, "refused because the");
	con_type(v, NULL, "Esc");
	WAIT(v, "Integration: Prod BB");
	con_type(v, NULL, "Esc");
	con_quit(v);
}

static void stacks_show_their_last_run(void **state)
{
	world *w = *state;
	vt *v;

	push(w, "uuid-good-5", w->secret, 202);
	v = con_spawn(&w->h, "alice", 100, 30, NULL);
	WAIT(v, "Prod BB");
	con_type(v, "S", NULL);
	WAIT(v, "Last run");
	WAIT(v, "tracked queued"); /* infra tracks the pushed branch */
	EVENTUALLY(v, rows_with(v, "none") == 1); /* quiet's repository had no push */
	con_type(v, NULL, "Esc");
	con_quit(v);
}

static void readers_see_no_deliveries(void **state)
{
	world *w = *state;
	vt *v;

	push(w, "uuid-good-6", w->secret, 202);
	v = open_details(w, "carol", 80, 24);
	WAIT(v, "needs the admin role");
	ABSENT(v, "Last delivery");
	con_type(v, "l", NULL);
	WAIT(v, "you (carol) have read");
	ABSENT(v, "Deliveries: Prod BB");
	con_type(v, NULL, "Esc");
	con_quit(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(details_show_the_last_delivery_and_the_day, setup,
						teardown),
		cmocka_unit_test_setup_teardown(deliveries_sort_by_column, setup, teardown),
		cmocka_unit_test_setup_teardown(one_delivery_wraps_and_searches, setup, teardown),
		cmocka_unit_test_setup_teardown(deliveries_screen_follows_filters_and_opens_one,
						setup, teardown),
		cmocka_unit_test_setup_teardown(troubleshooting_reads_the_deliveries, setup,
						teardown),
		cmocka_unit_test_setup_teardown(stacks_show_their_last_run, setup, teardown),
		cmocka_unit_test_setup_teardown(readers_see_no_deliveries, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
