/* Command-line tests of `bbconsole serve`: a real server on an ephemeral
 * 127.0.0.1 port, real HTTP requests. Every answer code, a duplicate
 * X-Request-UUID, the previous secret during its grace period and after it,
 * a detached stack getting no run, SIGTERM, and kill -9 under load losing no
 * delivery that was answered 2xx. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cliexec.h"
#include "delivery.h"
#include "served.h"

#define REPO_BODY "push_signed.json" /* repo:push of nfalco79/test-repos */

static cliexec_home home;
static char endpoint_path[256], secret[80];
static char *push_body;
static size_t push_len;

/* ---- helpers ---------------------------------------------------------------------- */

static void run_ok(const char *input, const char *const *args)
{
	cliexec_result r = {0};

	cliexec_argv(&home, &r, "alice", input, args);
	cliexec_assert_ok(&r);
	cliexec_free(&r);
}

static int deliver(int port, const char *uuid, const char *key)
{
	return served_deliver(port, endpoint_path, "repo:push", uuid, key, "application/json",
			  push_body, push_len);
}

/* A JSON listing from a command, with its length. */
static cJSON *listing(const char *const *args, int *n)
{
	cliexec_result r = {0};
	cJSON *doc;

	cliexec_argv(&home, &r, "alice", NULL, args);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	cliexec_free(&r);
	assert_true(cJSON_IsArray(doc));
	*n = cJSON_GetArraySize(doc);
	return doc;
}

static const char *field(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "(not a string)";
}

static void load_secret(void)
{
	cliexec_result r = {0};
	cJSON *doc;

	cliexec(&home, &r, "alice", NULL, "integration", "show", "prod-bb", "--reveal-secret",
		"--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	snprintf(secret, sizeof secret, "%s", field(doc, "webhook_secret"));
	cJSON_Delete(doc);
	cliexec_free(&r);
}

/* ---- fixture ------------------------------------------------------------------------ */

/* Acme with "Prod BB" (default), stack web on the pushed repository, and a
 * stack "gone" on it too whose integration was deleted (detached). */
static int setup(void **state)
{
	const char *src = getenv("BBCONSOLE_SRC");
	char path[PATH_MAX + 64];
	cliexec_result r = {0};
	cJSON *doc;

	(void)state;
	snprintf(path, sizeof path, "%s/tests/data/webhooks/" REPO_BODY, src ? src : ".");
	push_body = served_read_file(path, &push_len);
	cliexec_home_make(&home);
	cliexec_init(&home, NULL);
	run_ok("ATATT3-token\n", (const char *[]){"integration", "create", "--name", "Prod BB",
		"--default", "--email", "ops@acme.example", "--token-stdin", NULL});
	run_ok("ATATT3-token\n", (const char *[]){"integration", "create", "--name", "Old BB",
		"--space", "root", "--email", "ops@acme.example", "--token-stdin", NULL});
	run_ok(NULL, (const char *[]){"stack", "create", "web", "--space", "root", "--integration",
		"prod-bb", "--repository", "nfalco79/test-repos", NULL});
	run_ok(NULL, (const char *[]){"stack", "create", "gone", "--space", "root",
		"--integration", "old-bb", "--repository", "nfalco79/test-repos", NULL});
	run_ok(NULL, (const char *[]){"integration", "delete", "old-bb", "--yes", NULL});
	cliexec(&home, &r, "alice", NULL, "integration", "show", "prod-bb", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	/* the path part of https://webhooks.acme.example/bitbucket-cloud/... */
	snprintf(endpoint_path, sizeof endpoint_path, "%s",
		 strchr(field(doc, "webhook_endpoint") + 8, '/'));
	cJSON_Delete(doc);
	cliexec_free(&r);
	load_secret();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cliexec_home_remove(&home);
	free(push_body);
	return 0;
}

/* ---- tests -------------------------------------------------------------------------- */

static void test_every_answer(void **state)
{
	char big_path[300], other[300];
	size_t big = BB_DELIVERY_MAX_BODY + 1;
	char *huge = malloc(big);
	served s;

	(void)state;
	memset(huge, 'a', big);
	served_start(&s, home.dir, home.db, NULL);
	assert_int_equal(deliver(s.port, "{a-1}", secret), 202);
	assert_int_equal(deliver(s.port, "{a-2}", NULL), 401);
	assert_int_equal(deliver(s.port, "{a-3}", "not the secret"), 401);
	snprintf(other, sizeof other, "%s", endpoint_path);
	memcpy(strstr(other, "/integration/") - 3, "XYZ", 3); /* another account id */
	assert_int_equal(served_deliver(s.port, other, "repo:push", "{a-4}", secret, "application/json",
				    push_body, push_len), 404);
	snprintf(big_path, sizeof big_path, "%s", endpoint_path);
	strcpy(strstr(big_path, "/integration/") + 13, "old-bb"); /* deleted */
	assert_int_equal(served_deliver(s.port, big_path, "repo:push", "{a-5}", secret,
				    "application/json", push_body, push_len), 404);
	assert_int_equal(served_http(s.port, "GET", endpoint_path, NULL, NULL, 0), 405);
	assert_int_equal(served_http(s.port, "PUT", endpoint_path, NULL, "{}", 2), 405);
	assert_int_equal(served_deliver(s.port, endpoint_path, "repo:push", "{a-6}", secret,
				    "application/json", huge, big), 413);
	assert_int_equal(served_deliver(s.port, endpoint_path, "repo:push", "{a-7}", secret,
				    "text/plain", push_body, push_len), 415);
	assert_int_equal(served_deliver(s.port, endpoint_path, NULL, "{a-8}", secret,
				    "application/json", push_body, push_len), 400);
	assert_int_equal(served_deliver(s.port, endpoint_path, "repo:push", "{a-9}", secret,
				    "application/json", "{\"push\":", 8), 400);
	assert_int_equal(served_http(s.port, "GET", "/healthz", NULL, NULL, 0), 200);
	assert_int_equal(served_http(s.port, "GET", "/elsewhere", NULL, NULL, 0), 404);
	assert_int_equal(served_stop(&s, SIGTERM), 0);
	free(huge);
}

static void test_busy_database_is_503(void **state)
{
	sqlite3 *db;
	served s;

	(void)state;
	served_start(&s, home.dir, home.db, (const char *[]){"BBCONSOLE_SERVE_BUSY_MS=200", NULL});
	assert_int_equal(served_http(s.port, "GET", "/healthz", NULL, NULL, 0), 200); /* reader ready */
	assert_int_equal(sqlite3_open(home.db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(deliver(s.port, "{b-1}", secret), 503);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(deliver(s.port, "{b-1}", secret), 202); /* Bitbucket's retry */
	assert_int_equal(served_stop(&s, SIGTERM), 0);
}

static void test_duplicate_and_detached(void **state)
{
	served s;
	cJSON *doc;
	int n;

	(void)state;
	served_start(&s, home.dir, home.db, NULL);
	assert_int_equal(deliver(s.port, "{d-1}", secret), 202);
	assert_int_equal(deliver(s.port, "{d-1}", secret), 202);
	assert_int_equal(served_stop(&s, SIGTERM), 0);
	doc = listing((const char *[]){"deliveries", "prod-bb", "--json", NULL}, &n);
	assert_int_equal(n, 2);
	assert_string_equal(field(cJSON_GetArrayItem(doc, 0), "outcome"), "duplicate");
	assert_string_equal(field(cJSON_GetArrayItem(doc, 1), "outcome"), "accepted");
	assert_string_equal(field(cJSON_GetArrayItem(doc, 1), "request_uuid"), "{d-1}");
	cJSON_Delete(doc);
	doc = listing((const char *[]){"run", "list", "--json", NULL}, &n);
	assert_int_equal(n, 1); /* web only: once, and gone is detached */
	assert_string_equal(field(cJSON_GetArrayItem(doc, 0), "stack"), "web");
	assert_string_equal(field(cJSON_GetArrayItem(doc, 0), "type"), "proposed");
	assert_string_equal(field(cJSON_GetArrayItem(doc, 0), "state"), "queued");
	cJSON_Delete(doc);
	doc = listing((const char *[]){"run", "list", "--stack", "gone", "--json", NULL}, &n);
	assert_int_equal(n, 0);
	cJSON_Delete(doc);
}

static void test_who_sees_deliveries_and_runs(void **state)
{
	cliexec_result r = {0};

	(void)state;
	run_ok(NULL, (const char *[]){"user", "grant", "bob", "--space", "root", "--role", "read",
		NULL});
	cliexec(&home, &r, "bob", NULL, "deliveries", "prod-bb", NULL);
	cliexec_assert_refused(&r, 77, "admin");
	cliexec(&home, &r, "bob", NULL, "run", "list", NULL);
	cliexec_assert_ok(&r); /* bob reads in root: he may see the stacks, so their runs */
	cliexec(&home, &r, "bob", NULL, "integration", "retention", "prod-bb", "--keep", "5", NULL);
	cliexec_assert_refused(&r, 77, NULL);
	cliexec(&home, &r, "alice", NULL, "integration", "retention", "prod-bb", "--keep", "5000",
		"--days", "90", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "the newest 5000 of the last 90 days"));
	cliexec(&home, &r, "alice", NULL, "integration", "retention", "prod-bb", "--keep", "0",
		NULL);
	cliexec_assert_refused(&r, 64, "--keep");
	cliexec(&home, &r, "alice", NULL, "deliveries", "nope", NULL);
	cliexec_assert_refused(&r, 66, NULL);
	cliexec_free(&r);
}

static void rotate(const char *now)
{
	cliexec_result r = {0};
	const char *env[] = {now, NULL};
	char env_db[sizeof home.db + 16], env_user[] = "BBCONSOLE_USER=alice";
	const char *args[] = {"integration", "rotate-secret", "prod-bb", "--yes", NULL};
	const char *full[] = {now ? env[0] : "BBCONSOLE_NOW", env_db, env_user, NULL};

	snprintf(env_db, sizeof env_db, "BBCONSOLE_DB=%s", home.db);
	assert_int_equal(cliexec_run(args, NULL, full, &r), 0);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "accepted until"));
	cliexec_free(&r);
}

static void test_previous_secret_in_grace(void **state)
{
	char old[80];
	served s;
	cJSON *doc;
	int n;

	(void)state;
	snprintf(old, sizeof old, "%s", secret);
	rotate(NULL);
	load_secret();
	{
		cliexec_result r = {0};

		cliexec(&home, &r, "alice", NULL, "integration", "show", "prod-bb", NULL);
		cliexec_assert_ok(&r);
		assert_non_null(strstr(r.out, "the previous secret is accepted until"));
		assert_null(strstr(r.out, old)); /* never shown */
		cliexec_free(&r);
	}
	served_start(&s, home.dir, home.db, NULL);
	assert_int_equal(deliver(s.port, "{g-1}", old), 202);
	assert_int_equal(deliver(s.port, "{g-2}", secret), 202);
	assert_int_equal(served_stop(&s, SIGTERM), 0);
	doc = listing((const char *[]){"deliveries", "prod-bb", "--json", NULL}, &n);
	assert_int_equal(n, 2);
	assert_string_equal(field(cJSON_GetArrayItem(doc, 0), "signature"), "current");
	assert_string_equal(field(cJSON_GetArrayItem(doc, 1), "signature"), "previous");
	cJSON_Delete(doc);
}

static void test_previous_secret_after_grace(void **state)
{
	char old[80];
	served s;

	(void)state;
	snprintf(old, sizeof old, "%s", secret);
	rotate("BBCONSOLE_NOW=2020-01-01T00:00:00.000Z"); /* its grace ended long ago */
	load_secret();
	served_start(&s, home.dir, home.db, NULL);
	assert_int_equal(deliver(s.port, "{h-1}", old), 401);
	assert_int_equal(deliver(s.port, "{h-2}", secret), 202);
	assert_int_equal(served_stop(&s, SIGTERM), 0);
}

/* A connection to port with the request's headers and half its body sent. */
static int half_request(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	char head[2048], hex[65];
	int fd = socket(AF_INET, SOCK_STREAM, 0), n;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(delivery_hmac_hex(secret, strlen(secret), push_body, push_len, hex), 0);
	n = snprintf(head, sizeof head, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		     "Connection: close\r\nContent-Type: application/json\r\nX-Event-Key: "
		     "repo:push\r\nX-Request-UUID: {t-1}\r\nX-Hub-Signature: sha256=%s\r\n"
		     "Content-Length: %zu\r\n\r\n", endpoint_path, hex, push_len);
	assert_int_equal(write(fd, head, (size_t)n), n);
	assert_int_equal(write(fd, push_body, push_len / 2), (ssize_t)(push_len / 2));
	return fd;
}

static void test_sigterm_finishes_in_flight(void **state)
{
	struct timespec pause = {0, 300 * 1000 * 1000};
	size_t rest = push_len - push_len / 2;
	char reply[256] = "";
	int fd, status;
	served s;

	(void)state;
	served_start(&s, home.dir, home.db, NULL);
	fd = half_request(s.port);
	nanosleep(&pause, NULL);
	kill(s.pid, SIGTERM);
	nanosleep(&pause, NULL);
	assert_int_equal(served_http(s.port, "GET", "/healthz", NULL, NULL, 0), -1); /* not accepting */
	assert_int_equal(write(fd, push_body + push_len / 2, rest), (ssize_t)rest);
	assert_true(read(fd, reply, sizeof reply - 1) > 0);
	assert_int_equal(strncmp(reply, "HTTP/1.1 202", 12), 0);
	close(fd);
	assert_int_equal(waitpid(s.pid, &status, 0), s.pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- kill -9 under load ---------------------------------------------------------------- */

#define SENDERS 6
#define PER_SENDER 400

typedef struct sender {
	int port, id;
	int accepted[PER_SENDER]; /* 1: answered 202 */
	int sent;
} sender;

static void *send_loop(void *arg)
{
	sender *sd = arg;
	char uuid[48];

	for (int i = 0; i < PER_SENDER; i++) {
		snprintf(uuid, sizeof uuid, "{k-%d-%d}", sd->id, i);
		sd->accepted[i] = deliver(sd->port, uuid, secret) == 202;
		if (sd->accepted[i] == 0 && i > 0 && !sd->accepted[i - 1])
			break; /* the server is gone */
		sd->sent = i + 1;
	}
	return NULL;
}

static long accepted_in_db(sqlite3 *db, const char *uuid)
{
	sqlite3_stmt *st;
	long n = 0;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM delivery WHERE "
					    "request_uuid = ?1 AND outcome = 'accepted'", -1, &st,
					    NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void check_survivors(const sender *sd, long *answered)
{
	char uuid[48];
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open(home.db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	for (int k = 0; k < SENDERS; k++)
		for (int i = 0; i < sd[k].sent; i++) {
			if (!sd[k].accepted[i])
				continue;
			snprintf(uuid, sizeof uuid, "{k-%d-%d}", k, i);
			if (accepted_in_db(db, uuid) != 1)
				fail_msg("%s was answered 202 but is not in the database", uuid);
			(*answered)++;
		}
	sqlite3_close(db);
}

static void test_kill_9_under_load(void **state)
{
	sender sd[SENDERS];
	pthread_t t[SENDERS];
	struct timespec pause = {0, 400 * 1000 * 1000};
	long answered = 0;
	served s;

	(void)state;
	served_start(&s, home.dir, home.db, NULL);
	for (int k = 0; k < SENDERS; k++) {
		sd[k] = (sender){.port = s.port, .id = k};
		assert_int_equal(pthread_create(&t[k], NULL, send_loop, &sd[k]), 0);
	}
	nanosleep(&pause, NULL);
	assert_int_equal(served_stop(&s, SIGKILL), 128 + SIGKILL);
	for (int k = 0; k < SENDERS; k++)
		pthread_join(t[k], NULL);
	check_survivors(sd, &answered);
	if (answered == 0)
		fail_msg("no delivery was answered before the kill: the test proved nothing");
	print_message("%ld deliveries answered 202 before the kill, all present\n", answered);
}

/* Commands run while serve is up never pull the database from under it: a
 * command that opened and closed the database file behind SQLite's back
 * dropped serve's locks, and the next command to close then deleted the WAL
 * serve was still using (what serve wrote after that reached no one). */
static void test_commands_beside_serve_keep_its_wal(void **state)
{
	char wal[sizeof home.db + 8];
	served s;
	int n;
	cJSON *doc;

	(void)state;
	snprintf(wal, sizeof wal, "%s-wal", home.db);
	served_start(&s, home.dir, home.db, NULL);
	assert_int_equal(deliver(s.port, "{w-1}", secret), 202);
	cJSON_Delete(listing((const char *[]){"integration", "list", "--json", NULL}, &n));
	run_ok(NULL, (const char *[]){"space", "create", "beside", NULL});
	assert_int_equal(access(wal, F_OK), 0);
	assert_int_equal(deliver(s.port, "{w-2}", secret), 202);
	doc = listing((const char *[]){"deliveries", "prod-bb", "--json", NULL}, &n);
	assert_int_equal(n, 2); /* what serve wrote after the commands is seen */
	cJSON_Delete(doc);
	assert_int_equal(served_stop(&s, SIGTERM), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_database_is_503, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_and_detached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_who_sees_deliveries_and_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_previous_secret_in_grace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_previous_secret_after_grace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sigterm_finishes_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands_beside_serve_keep_its_wal, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kill_9_under_load, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
