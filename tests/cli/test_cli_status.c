/* Command-line tests of commit statuses, end to end: a real serve on an
 * ephemeral port receives signed pushes, runs are moved by `run update`,
 * and the fake Bitbucket records every status posted (GET /_statuses). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../fake/spawn.h"
#include "cliexec.h"
#include "served.h"

#define PUSH_COMMIT "d7f300a32270053bdfd97a6d64113f58202c33e7"

static cliexec_home home;
static fake_server srv;
static char endpoint_path[256], secret[80], api_env[96];
static char *push_body;
static size_t push_len;
static int uuid_n;

static void run_ok(const char *input, const char *const *args)
{
	cliexec_result r = {0};

	cliexec_argv(&home, &r, "alice", input, args);
	cliexec_assert_ok(&r);
	cliexec_free(&r);
}

static const char *field(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* Every status the fake recorded, oldest first. */
static cJSON *posted(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
	static const char req[] = "GET /_statuses HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	size_t cap = 1 << 20, used = 0;
	char *buf = malloc(cap), *body;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t n;
	cJSON *doc;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_true(write(fd, req, sizeof req - 1) == (ssize_t)(sizeof req - 1));
	while (used < cap - 1 && (n = read(fd, buf + used, cap - 1 - used)) > 0)
		used += (size_t)n;
	close(fd);
	buf[used] = '\0';
	body = strstr(buf, "\r\n\r\n");
	assert_non_null(body);
	doc = cJSON_Parse(body + 4);
	free(buf);
	assert_true(cJSON_IsArray(doc));
	return doc;
}

/* The newest posted state of key, "" when none. */
static void latest(const char *key, char *state, char *desc)
{
	cJSON *doc = posted(), *it;

	state[0] = desc[0] = '\0';
	cJSON_ArrayForEach(it, doc)
		if (!strcmp(field(it, "key"), key)) {
			snprintf(state, 32, "%s", field(it, "state"));
			snprintf(desc, 200, "%s", field(it, "description"));
		}
	cJSON_Delete(doc);
}

/* Waits (10 s deadline) until key's newest posted state is want. */
static void wait_state(const char *key, const char *want, char *desc)
{
	char state[32], d[200];
	struct timespec tick = {0, 50 * 1000 * 1000};

	for (int i = 0; i < 200; i++) {
		latest(key, state, d);
		if (!strcmp(state, want))
			break;
		nanosleep(&tick, NULL);
	}
	if (strcmp(state, want))
		fail_msg("status %s is \"%s\", not %s", key, state, want);
	if (desc)
		snprintf(desc, 200, "%s", d);
}

static int deliver(int port)
{
	char uuid[32];

	snprintf(uuid, sizeof uuid, "{s-%d}", ++uuid_n);
	return served_deliver(port, endpoint_path, "repo:push", uuid, secret, "application/json",
			      push_body, push_len);
}

/* The ids of the newest run of each stack a, b, c. */
static void run_ids(char ids[3][32])
{
	const char *names[] = {"a", "b", "c"};

	for (int i = 0; i < 3; i++) {
		cliexec_result r = {0};
		cJSON *doc;

		cliexec(&home, &r, "alice", NULL, "run", "list", "--stack", names[i], "--limit", "1",
			"--json", NULL);
		cliexec_assert_ok(&r);
		doc = cliexec_json(&r);
		snprintf(ids[i], 32, "%s", field(cJSON_GetArrayItem(doc, 0), "id"));
		cJSON_Delete(doc);
		cliexec_free(&r);
	}
}

static void update(const char *id, const char *state)
{
	run_ok(NULL, (const char *[]){"run", "update", id, "--state", state, NULL});
}

static const char *const serve_env[] = {api_env, "BBCONSOLE_STATUS_BACKOFF_MS=100",
					"BBCONSOLE_HTTP_TIMEOUT_MS=1000", NULL};

/* ---- fixture ------------------------------------------------------------------------ */

static int setup(void **state)
{
	const char *src = getenv("BBCONSOLE_SRC");
	char path[PATH_MAX + 64];
	cliexec_result r = {0};
	cJSON *doc;

	(void)state;
	assert_int_equal(fake_start(&srv, (const char *[]){"--email", "ops@acme.example",
		"--token", "ATATT3-token", NULL}), 0);
	snprintf(api_env, sizeof api_env, "BBCONSOLE_BITBUCKET_API=%s", srv.base);
	setenv("BBCONSOLE_BITBUCKET_API", srv.base, 1);
	setenv("BBCONSOLE_HTTP_TIMEOUT_MS", "1000", 1);
	snprintf(path, sizeof path, "%s/tests/data/webhooks/push_signed.json", src ? src : ".");
	push_body = served_read_file(path, &push_len);
	cliexec_home_make(&home);
	cliexec_init(&home, "business");
	run_ok("ATATT3-token\n", (const char *[]){"integration", "create", "--name", "Prod BB",
		"--default", "--email", "ops@acme.example", "--token-stdin", NULL});
	for (int i = 0; i < 3; i++) {
		const char *names[] = {"a", "b", "c"};

		run_ok(NULL, (const char *[]){"stack", "create", names[i], "--space", "root",
			"--integration", "prod-bb", "--repository", "nfalco79/test-repos",
			"--branch", "feature/webhook", NULL});
	}
	cliexec(&home, &r, "alice", NULL, "integration", "show", "prod-bb", "--reveal-secret",
		"--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	snprintf(endpoint_path, sizeof endpoint_path, "%s",
		 strchr(field(doc, "webhook_endpoint") + 8, '/'));
	snprintf(secret, sizeof secret, "%s", field(doc, "webhook_secret"));
	cJSON_Delete(doc);
	cliexec_free(&r);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cliexec_home_remove(&home);
	free(push_body);
	fake_stop(&srv);
	return 0;
}

/* ---- tests -------------------------------------------------------------------------- */

/* Three stacks tracking the pushed branch: three keys, then they follow. */
static void test_individual(void **state)
{
	const char *keys[] = {"a-tracked", "b-tracked", "c-tracked"};
	char ids[3][32];
	cJSON *doc, *it;
	served s;
	int n = 0;

	(void)state;
	served_start(&s, home.dir, home.db, serve_env);
	assert_int_equal(deliver(s.port), 202);
	for (int i = 0; i < 3; i++)
		wait_state(keys[i], "INPROGRESS", NULL);
	doc = posted();
	cJSON_ArrayForEach(it, doc) {
		assert_true(strlen(field(it, "key")) <= 40);
		assert_string_equal(field(it, "commit"), PUSH_COMMIT);
		assert_string_equal(field(it, "refname"), "feature/webhook");
		n++;
	}
	assert_int_equal(n, 3); /* individual only: no aggregated key */
	cJSON_Delete(doc);
	run_ids(ids);
	update(ids[0], "running");
	update(ids[0], "finished");
	update(ids[1], "failed");
	wait_state("a-tracked", "SUCCESSFUL", NULL);
	wait_state("b-tracked", "FAILED", NULL);
	wait_state("c-tracked", "INPROGRESS", NULL);
	assert_int_equal(served_http(s.port, "GET", "/runs/0000", NULL, NULL, 0), 404);
	{
		char page[64];

		snprintf(page, sizeof page, "/runs/%s", ids[0]);
		assert_int_equal(served_http(s.port, "GET", page, NULL, NULL, 0), 200);
	}
	assert_int_equal(served_stop(&s, SIGTERM), 0);
}

/* Aggregated: one spacelift/tracked following the worst-state rule. */
static void test_aggregated_and_outage(void **state)
{
	char ids[3][32], desc[200];
	served s;

	(void)state;
	run_ok(NULL, (const char *[]){"integration", "update", "prod-bb", "--checks", "aggregated",
		NULL});
	served_start(&s, home.dir, home.db, serve_env);
	assert_int_equal(deliver(s.port), 202);
	run_ids(ids);
	wait_state("spacelift/tracked", "INPROGRESS", desc);
	assert_string_equal(desc, "3 stacks: 3 queued");
	update(ids[0], "finished");
	update(ids[1], "finished");
	wait_state("spacelift/tracked", "INPROGRESS", desc);
	assert_string_equal(desc, "3 stacks: 2 finished, 1 queued");
	/* Bitbucket down while the last one ends: posted once it is back */
	assert_int_equal(fake_control(&srv, "mode=503&match=/statuses/build"), 200);
	update(ids[2], "failed");
	assert_int_equal(fake_control(&srv, "mode=ok"), 200);
	wait_state("spacelift/tracked", "FAILED", desc);
	assert_string_equal(desc, "3 stacks: 2 finished, 1 failed");
	assert_int_equal(served_stop(&s, SIGTERM), 0);
}

/* kill -9 with statuses pending: posted after the restart, newest last. */
static void test_kill_and_restart(void **state)
{
	char ids[3][32], st[32], d[200];
	served s;

	(void)state;
	assert_int_equal(fake_control(&srv, "mode=500&match=/statuses/build"), 200);
	served_start(&s, home.dir, home.db, serve_env);
	assert_int_equal(deliver(s.port), 202);
	run_ids(ids);
	update(ids[0], "running");
	served_stop(&s, SIGKILL);
	latest("spacelift/tracked", st, d);
	assert_string_equal(d, "3 stacks: 2 finished, 1 failed"); /* nothing new got through */
	assert_int_equal(fake_control(&srv, "mode=ok"), 200);
	served_start(&s, home.dir, home.db, serve_env);
	wait_state("spacelift/tracked", "INPROGRESS", d);
	assert_string_equal(d, "3 stacks: 1 running, 2 queued");
	assert_int_equal(served_stop(&s, SIGTERM), 0);
}

/* A module goes to spacelift/modules; a detached stack cannot be triggered. */
static void test_module_and_detached(void **state)
{
	cliexec_result r = {0};
	char desc[200];

	(void)state;
	run_ok(NULL, (const char *[]){"stack", "create", "net", "--module", "--space", "root",
		"--integration", "prod-bb", "--repository", "nfalco79/test-repos", NULL});
	run_ok(NULL, (const char *[]){"run", "trigger", "net", NULL});
	wait_state("spacelift/modules", "INPROGRESS", desc);
	assert_string_equal(desc, "1 module: 1 queued");
	run_ok("ATATT3-token\n", (const char *[]){"integration", "create", "--name", "Old BB",
		"--space", "root", "--email", "ops@acme.example", "--token-stdin", NULL});
	run_ok(NULL, (const char *[]){"stack", "create", "gone", "--space", "root",
		"--integration", "old-bb", "--repository", "nfalco79/test-repos", NULL});
	run_ok(NULL, (const char *[]){"integration", "delete", "old-bb", "--yes", NULL});
	cliexec(&home, &r, "alice", NULL, "run", "trigger", "gone", "--commit", PUSH_COMMIT, NULL);
	cliexec_assert_refused(&r, 65, "admin picks a new integration");
	cliexec(&home, &r, "alice", NULL, "run", "update", "nope", "--state", "running", NULL);
	cliexec_assert_refused(&r, 66, NULL);
	cliexec_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_individual),
		cmocka_unit_test(test_aggregated_and_outage),
		cmocka_unit_test(test_kill_and_restart),
		cmocka_unit_test(test_module_and_detached),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
