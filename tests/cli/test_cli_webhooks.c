/* Command-line tests for integration webhooks against the fake Bitbucket:
 * every state, --fix from a mix to all ok (other services' hooks untouched),
 * rotate-secret --update-webhooks (every hook then holds the new secret, as
 * the fake's /_hooks tells), a 429 in the middle (a partial report, and a
 * second run that finishes without duplicates), the workspace hook, delete
 * --remove-webhooks with a refusal, and the audit log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliexec.h"
#include "../fake/spawn.h"

#define EMAIL "ops@acme.example"
#define TOKEN "ATATT3xFfGF0-cli-hooks-token-Q7"
#define OTHER_URL "https://ci.example.org/hook"

static fake_server srv;
static cliexec_home home;

static const char *const srv_args[] = {"--email", EMAIL, "--token", TOKEN, "--workspaces", "3",
				       "--repos", "8", "--idle", "120", NULL};

/* The whole body of a GET on the fake (the hooks dump can be long). */
static char *fetch(const char *target)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char req[1200], *buf = NULL, *body;
	size_t len = 0, cap = 0;
	ssize_t n;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0);
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
		 target);
	assert_true(write(fd, req, strlen(req)) == (ssize_t)strlen(req));
	for (;;) {
		if (len + 65536 > cap) {
			cap = cap ? cap * 2 : 131072;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		if ((n = read(fd, buf + len, cap - len - 1)) <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	body = strstr(buf, "\r\n\r\n");
	assert_non_null(body);
	memmove(buf, body + 4, strlen(body + 4) + 1);
	return buf;
}

static cJSON *hooks_dump(void)
{
	char *text = fetch("/_hooks");
	cJSON *doc = cJSON_Parse(text);

	free(text);
	assert_true(cJSON_IsArray(doc));
	return doc;
}

/* Hooks of subject in the dump at url (NULL: any); the last one's secret into secret. */
static int hooks_of(const cJSON *dump, const char *subject, const char *url, char *secret,
		    size_t size)
{
	const cJSON *h;
	int n = 0;

	cJSON_ArrayForEach(h, dump) {
		const char *s = cJSON_GetObjectItem(cJSON_GetObjectItem(h, "subject"),
						    "full_name")->valuestring;

		if (strcmp(s, subject) != 0 ||
		    (url && strcmp(cJSON_GetObjectItem(h, "url")->valuestring, url) != 0))
			continue;
		n++;
		if (secret)
			snprintf(secret, size, "%s", cJSON_GetObjectItem(h, "secret")->valuestring);
	}
	return n;
}

static void run_ok(const char *input, ...) __attribute__((sentinel));
static void run_ok(const char *input, ...)
{
	const char *args[64];
	cliexec_result r = {0};
	va_list ap;
	int n = 0;

	va_start(ap, input);
	while (n < 63 && (args[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	cliexec_argv(&home, &r, "alice", input, args);
	cliexec_assert_ok(&r);
	cliexec_free(&r);
}

/* An integration whose stacks use the given repositories (NULL-terminated);
 * its endpoint goes to endpoint. */
static void integration_with(const char *name, const char *const *repos, char *endpoint,
			     size_t size)
{
	cliexec_result r = {0};
	cJSON *doc;

	run_ok(TOKEN "\n", "integration", "create", "--name", name, "--space", "root", "--email",
	       EMAIL, "--token-stdin", NULL);
	for (int i = 0; repos[i]; i++) {
		char stack[96];

		snprintf(stack, sizeof stack, "%s-%d", name, i);
		run_ok(NULL, "stack", "create", stack, "--space", "root", "--integration", name,
		       "--repository", repos[i], NULL);
	}
	cliexec(&home, &r, "alice", NULL, "integration", "show", name, "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	snprintf(endpoint, size, "%s", cJSON_GetObjectItem(doc, "webhook_endpoint")->valuestring);
	cJSON_Delete(doc);
	cliexec_free(&r);
}

/* s percent-encoded for a query value. */
static void pct(const char *s, char *out, size_t size)
{
	size_t o = 0;

	for (; *s && o + 4 < size; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '.')
			out[o++] = *s;
		else
			o += (size_t)snprintf(out + o, size - o, "%%%02X", (unsigned char)*s);
	out[o] = '\0';
}

static void seed(const char *subject, int ws, const char *url, int active, const char *events,
		 const char *secret)
{
	char q[2000], u[700], ev[400];

	pct(url, u, sizeof u);
	pct(events, ev, sizeof ev);
	snprintf(q, sizeof q, "/_hooks?add=1&subject=%s&ws=%d&url=%s&active=%d&events=%s&secret=%s",
		 subject, ws, u, active, ev, secret);
	free(fetch(q));
}

#define ALL7 "repo:push,pullrequest:created,pullrequest:updated,pullrequest:approved," \
	     "pullrequest:unapproved,pullrequest:fulfilled,pullrequest:comment_created"

static const char *state_of(const cJSON *arr, const char *repo, const cJSON **obj)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, arr) {
		if (strcmp(cJSON_GetObjectItem(o, "repository")->valuestring, repo) == 0) {
			if (obj)
				*obj = o;
			return cJSON_GetObjectItem(o, "state")->valuestring;
		}
	}
	fail_msg("no %s in the report", repo);
	return NULL;
}

/* integration webhooks NAME [extra [extra2]] --json */
static cJSON *webhooks_json2(const char *name, int expect_status, const char *extra,
			     const char *extra2)
{
	const char *args[8] = {"integration", "webhooks", name};
	cliexec_result r = {0};
	cJSON *doc;
	int n = 3;

	if (extra)
		args[n++] = extra;
	if (extra2)
		args[n++] = extra2;
	args[n++] = "--json";
	args[n] = NULL;
	cliexec_argv(&home, &r, "alice", NULL, args);
	assert_int_equal(r.status, expect_status);
	assert_null(strstr(r.out, TOKEN));
	assert_null(strstr(r.err, TOKEN));
	doc = cliexec_json(&r);
	cliexec_free(&r);
	return doc;
}

static cJSON *webhooks_json(const char *name, int expect_status, const char *extra)
{
	return webhooks_json2(name, expect_status, extra, NULL);
}

static int group_setup(void **state)
{
	(void)state;
	if (fake_start(&srv, srv_args) != 0)
		return -1;
	setenv("BBCONSOLE_BITBUCKET_API", srv.base, 1);
	setenv("BBCONSOLE_BACKOFF_MS", "5", 1);
	setenv("BBCONSOLE_HTTP_TIMEOUT_MS", "5000", 1);
	cliexec_home_make(&home);
	cliexec_init(&home, NULL);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fake_stop(&srv);
	cliexec_home_remove(&home);
	return 0;
}

static int reset(void **state)
{
	(void)state;
	free(fetch("/_hooks?clear=1"));
	return fake_control(&srv, "mode=ok&count=-1&match=&latency=0") == 200 ? 0 : -1;
}

static void every_state_is_reported(void **state)
{
	static const char *const repos[] = {"ws0/repo-00000", "ws0/repo-00001", "ws0/repo-00002",
					    "ws0/repo-00003", "ws0/repo-00004", "ws0/repo-00005",
					    "ws0/repo-00099", "ws2/repo-00000", NULL};
	char ep[512];
	const cJSON *o;
	cJSON *doc;

	(void)state;
	integration_with("States BB", repos, ep, sizeof ep);
	seed("ws0/repo-00001", 0, ep, 0, ALL7, "s1");
	seed("ws0/repo-00002", 0, ep, 1, "repo:push,pullrequest:created,pullrequest:updated,"
	     "pullrequest:approved,pullrequest:fulfilled", "s2");
	seed("ws0/repo-00003", 0, ep, 1, ALL7, "");
	seed("ws0/repo-00004", 0, ep, 1, ALL7, "someone-elses");
	seed("ws0/repo-00005", 0, OTHER_URL, 1, "repo:push", "theirs");
	fake_control(&srv, "mode=403scope&match=ws2/repo-00000/hooks&scope=read:webhook:bitbucket");
	doc = webhooks_json("States BB", 69, NULL);
	assert_string_equal(state_of(doc, "ws0/repo-00000", NULL), "missing");
	assert_string_equal(state_of(doc, "ws0/repo-00001", NULL), "inactive");
	assert_string_equal(state_of(doc, "ws0/repo-00002", &o), "events-missing");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "events_missing")), 2);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "events_missing"), 0)
			    ->valuestring, "pullrequest:unapproved");
	assert_string_equal(state_of(doc, "ws0/repo-00003", NULL), "no-secret");
	assert_string_equal(state_of(doc, "ws0/repo-00004", &o), "secret-stale");
	assert_true(cJSON_IsString(cJSON_GetObjectItem(o, "hook_uuid")));
	assert_string_equal(state_of(doc, "ws0/repo-00005", NULL), "missing");
	assert_string_equal(state_of(doc, "ws0/repo-00099", &o), "error");
	assert_non_null(strstr(cJSON_GetObjectItem(o, "detail")->valuestring, "404"));
	assert_string_equal(state_of(doc, "ws2/repo-00000", &o), "error");
	assert_non_null(strstr(cJSON_GetObjectItem(o, "detail")->valuestring,
			       "read:webhook:bitbucket"));
	cJSON_Delete(doc);
}

static void fix_turns_a_mix_into_all_ok_and_leaves_others_alone(void **state)
{
	static const char *const repos[] = {"ws1/repo-00000", "ws1/repo-00001", "ws1/repo-00002",
					    "ws1/repo-00003", "ws1/repo-00004", NULL};
	char ep[512], secret[200], other[200];
	cliexec_result r = {0};
	cJSON *doc, *dump;
	cJSON *shown;

	(void)state;
	integration_with("Fix BB", repos, ep, sizeof ep);
	seed("ws1/repo-00001", 0, ep, 0, ALL7, "s1");
	seed("ws1/repo-00002", 0, ep, 1, "repo:push,issue:created", "s2");
	seed("ws1/repo-00003", 0, ep, 1, ALL7, "");
	seed("ws1/repo-00004", 0, ep, 1, ALL7, "stale");
	seed("ws1/repo-00004", 0, OTHER_URL, 0, "repo:push", "theirs");
	cJSON_Delete(webhooks_json("Fix BB", 69, NULL));
	doc = webhooks_json("Fix BB", 0, "--fix");
	for (int i = 0; repos[i]; i++)
		assert_string_equal(state_of(doc, repos[i], NULL), "ok");
	cJSON_Delete(doc);
	cJSON_Delete(webhooks_json("Fix BB", 0, NULL)); /* a fresh check agrees */
	cliexec(&home, &r, "alice", NULL, "integration", "show", "Fix BB", "--reveal-secret",
		"--json", NULL);
	shown = cliexec_json(&r);
	cliexec_free(&r);
	dump = hooks_dump();
	for (int i = 0; repos[i]; i++) {
		assert_int_equal(hooks_of(dump, repos[i], ep, secret, sizeof secret), 1);
		assert_string_equal(secret, cJSON_GetObjectItem(shown, "webhook_secret")->valuestring);
	}
	assert_int_equal(hooks_of(dump, "ws1/repo-00004", OTHER_URL, other, sizeof other), 1);
	assert_string_equal(other, "theirs");
	cJSON_Delete(dump);
	cJSON_Delete(shown);
}

static void rotation_updates_every_hook(void **state)
{
	static const char *const repos[] = {"ws2/repo-00001", "ws2/repo-00002", "ws2/repo-00003",
					    NULL};
	char ep[512], secret[200];
	cliexec_result r = {0};
	cJSON *doc, *dump;
	const char *fresh;

	(void)state;
	integration_with("Rotate BB", repos, ep, sizeof ep);
	cJSON_Delete(webhooks_json("Rotate BB", 0, "--fix"));
	cliexec(&home, &r, "alice", NULL, "integration", "rotate-secret", "Rotate BB",
		"--update-webhooks", "--yes", "--json", NULL);
	cliexec_assert_ok(&r);
	doc = cliexec_json(&r);
	fresh = cJSON_GetObjectItem(doc, "webhook_secret")->valuestring;
	dump = hooks_dump();
	for (int i = 0; repos[i]; i++) {
		assert_int_equal(hooks_of(dump, repos[i], ep, secret, sizeof secret), 1);
		assert_string_equal(secret, fresh);
	}
	cJSON_Delete(dump);
	cJSON_Delete(doc);
	cliexec_free(&r);
	doc = webhooks_json("Rotate BB", 0, NULL);
	for (int i = 0; repos[i]; i++)
		assert_string_equal(state_of(doc, repos[i], NULL), "ok");
	cJSON_Delete(doc);
	/* without --update-webhooks the hooks keep the old secret: stale */
	run_ok(NULL, "integration", "rotate-secret", "Rotate BB", "--yes", NULL);
	doc = webhooks_json("Rotate BB", 69, NULL);
	assert_string_equal(state_of(doc, repos[0], NULL), "secret-stale");
	cJSON_Delete(doc);
}

static void a_429_in_the_middle_stops_and_the_next_run_finishes(void **state)
{
	static const char *const repos[] = {"ws0/repo-00006", "ws0/repo-00007", "ws1/repo-00005",
					    "ws1/repo-00006", "ws1/repo-00007", "ws2/repo-00004",
					    NULL};
	char ep[512];
	cliexec_result r = {0};
	cJSON *dump;
	int made = 0, total = 0;

	(void)state;
	integration_with("Limit BB", repos, ep, sizeof ep);
	fake_control(&srv, "mode=429&method=POST&after=3&match=/hooks");
	cliexec(&home, &r, "alice", NULL, "integration", "webhooks", "Limit BB", "--fix", NULL);
	assert_int_equal(r.status, 69);
	assert_non_null(strstr(r.err, "rate limit (429)"));
	assert_non_null(strstr(r.err, "not finished"));
	assert_non_null(strstr(r.out, "not yet"));
	cliexec_free(&r);
	dump = hooks_dump();
	for (int i = 0; repos[i]; i++)
		made += hooks_of(dump, repos[i], ep, NULL, 0);
	cJSON_Delete(dump);
	assert_int_equal(made, 3);
	fake_control(&srv, "mode=ok&count=-1&match=");
	cJSON_Delete(webhooks_json("Limit BB", 0, "--fix"));
	dump = hooks_dump();
	for (int i = 0; repos[i]; i++) {
		assert_int_equal(hooks_of(dump, repos[i], ep, NULL, 0), 1); /* no duplicates */
		total++;
	}
	assert_int_equal(total, 6);
	cJSON_Delete(dump);
}

static void workspace_hook_covers_its_repositories(void **state)
{
	static const char *const repos[] = {"ws1/repo-00000", "ws1/repo-00001", NULL};
	char ep[512];
	cliexec_result r = {0};
	cJSON *doc;

	(void)state;
	integration_with("Wide BB", repos, ep, sizeof ep);
	fake_control(&srv, "mode=403none&method=POST&match=/workspaces/ws1/hooks");
	cliexec(&home, &r, "alice", NULL, "integration", "webhooks", "Wide BB", "--workspace-hook",
		"ws1", NULL);
	assert_int_equal(r.status, 69);
	assert_non_null(strstr(r.err, "workspace administrator"));
	cliexec_free(&r);
	fake_control(&srv, "mode=ok&count=-1&match=");
	doc = webhooks_json2("Wide BB", 0, "--workspace-hook", "ws1");
	assert_string_equal(state_of(doc, "ws1/repo-00000", NULL), "covered");
	assert_string_equal(state_of(doc, "ws1/repo-00001", NULL), "covered");
	cJSON_Delete(doc);
	doc = webhooks_json("Wide BB", 0, NULL);
	assert_string_equal(state_of(doc, "ws1/repo-00001", NULL), "covered");
	cJSON_Delete(doc);
}

static void delete_removes_hooks_and_lists_refusals(void **state)
{
	static const char *const repos[] = {"ws2/repo-00005", "ws2/repo-00006", NULL};
	char ep[512];
	cliexec_result r = {0};
	cJSON *dump;

	(void)state;
	integration_with("Gone BB", repos, ep, sizeof ep);
	cJSON_Delete(webhooks_json("Gone BB", 0, "--fix"));
	fake_control(&srv, "mode=403scope&method=DELETE&match=ws2/repo-00006/hooks/"
		     "&scope=delete:webhook:bitbucket");
	cliexec(&home, &r, "alice", NULL, "integration", "delete", "Gone BB", "--yes",
		"--remove-webhooks", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.err, "ws2/repo-00006"));
	assert_non_null(strstr(r.err, "delete:webhook:bitbucket"));
	assert_non_null(strstr(r.out, "Deleted integration Gone BB"));
	cliexec_free(&r);
	dump = hooks_dump();
	assert_int_equal(hooks_of(dump, "ws2/repo-00005", ep, NULL, 0), 0);
	assert_int_equal(hooks_of(dump, "ws2/repo-00006", ep, NULL, 0), 1);
	cJSON_Delete(dump);
	cliexec(&home, &r, "alice", NULL, "integration", "show", "Gone BB", NULL);
	assert_int_equal(r.status, 66);
	cliexec_free(&r);
}

static void changes_are_audited_without_the_secret(void **state)
{
	static const char *const repos[] = {"ws0/repo-00003", NULL};
	char ep[512], secret[200];
	cliexec_result r = {0};
	cJSON *dump;

	(void)state;
	integration_with("Audit BB", repos, ep, sizeof ep);
	cJSON_Delete(webhooks_json("Audit BB", 0, "--fix"));
	dump = hooks_dump();
	assert_int_equal(hooks_of(dump, "ws0/repo-00003", ep, secret, sizeof secret), 1);
	cJSON_Delete(dump);
	cliexec(&home, &r, "alice", NULL, "audit", "--json", NULL);
	cliexec_assert_ok(&r);
	assert_non_null(strstr(r.out, "webhook.create"));
	assert_non_null(strstr(r.out, "ws0/repo-00003"));
	assert_null(strstr(r.out, secret));
	cliexec_free(&r);
	cliexec(&home, &r, "bob", NULL, "integration", "webhooks", "Audit BB", NULL);
	assert_int_not_equal(r.status, 0);
	cliexec_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(every_state_is_reported, reset),
		cmocka_unit_test_setup(fix_turns_a_mix_into_all_ok_and_leaves_others_alone, reset),
		cmocka_unit_test_setup(rotation_updates_every_hook, reset),
		cmocka_unit_test_setup(a_429_in_the_middle_stops_and_the_next_run_finishes, reset),
		cmocka_unit_test_setup(workspace_hook_covers_its_repositories, reset),
		cmocka_unit_test_setup(delete_removes_hooks_and_lists_refusals, reset),
		cmocka_unit_test_setup(changes_are_audited_without_the_secret, reset),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
