/* Unit tests for the Bitbucket client against the fake server: every outcome
 * of verify and discovery, retries, cancellation, and that the token never
 * shows up in a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bitbucket.h"
#include "../fake/spawn.h"

#define EMAIL "dev@example.com"
#define TOKEN "ATATT3xFfGF0-unit-test-token-0123"

static fake_server srv;

static const char *const srv_args[] = { "--email", EMAIL, "--token", TOKEN, "--workspaces", "3",
					"--repos", "25", "--idle", "120", NULL };

static int group_setup(void **state)
{
	(void)state;
	if (fake_start(&srv, srv_args) != 0)
		return -1;
	setenv("BBCONSOLE_BACKOFF_MS", "5", 1);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fake_stop(&srv);
	return 0;
}

/* Every test starts from a well-behaved server and the default settings. */
static int reset(void **state)
{
	(void)state;
	setenv("BBCONSOLE_BITBUCKET_API", srv.base, 1);
	unsetenv("BBCONSOLE_HTTP_TIMEOUT_MS");
	return fake_control(&srv, "mode=ok&latency=0&nosize=0&badutf8=0&foreign=0&maxpagelen=100"
			    "&retryafter=-1&unstable=0&created=0&deleted=0&churnws=-1&hugesize=0"
			    "&endless=0&undersize=0&reset=1&scopes=account,+pullrequest,+repository,+team")
		       == 200 ? 0 : -1;
}

static bb_creds creds(const bb_strlist *ws)
{
	bb_creds c = { EMAIL, TOKEN, ws };

	return c;
}

/* The rules every outcome keeps: one sentence, no token, no control chars. */
static void assert_clean_message(const bb_job_result *r)
{
	assert_true(strlen(r->msg) > 10);
	assert_null(strstr(r->msg, TOKEN));
	assert_null(strstr(r->msg, "ATATT3"));
	assert_null(strchr(r->msg, '\n'));
	assert_null(strchr(r->msg, '\033'));
}

static bb_code verify(bb_job_result *r, const bb_strlist *ws)
{
	bb_creds c = creds(ws);
	bb_code rc = bitbucket_verify_sync(&c, r);

	assert_clean_message(r);
	return rc;
}

static long served(void)
{
	return fake_requests(&srv, NULL);
}

static int by_full_name(const void *key, const void *item)
{
	return strcmp(key, ((const bb_repo *)item)->full_name);
}

/* The fake spreads `total` repositories over `ws` workspaces. */
static void assert_every_repository_found(const bb_repo_list *l, int ws, int total)
{
	char name[64];

	for (int w = 0; w < ws; w++) {
		int count = total / ws + (w < total % ws);

		for (int i = 0; i < count; i++) {
			snprintf(name, sizeof name, "ws%d/repo-%05d", w, i);
			assert_non_null(bsearch(name, l->v, l->n, sizeof *l->v, by_full_name));
		}
	}
}

static void verify_success_reports_what_the_token_reaches(void **state)
{
	bb_job_result r;

	(void)state;
	assert_int_equal(verify(&r, NULL), BB_OK);
	assert_int_equal(r.verify.workspaces.n, 3);
	assert_string_equal(r.verify.workspaces.v[0], "ws0");
	assert_int_equal(r.verify.repositories, 75);
	assert_int_equal(r.verify.pr_access, 1);
	assert_int_equal(r.verify.workspaces_from_config, 0);
	assert_non_null(strstr(r.msg, "3 workspaces"));
	assert_non_null(strstr(r.msg, "75 repositories"));
	bitbucket_result_free(&r);
}

static void verify_wrong_token_is_plain_text_401_not_retried(void **state)
{
	bb_creds c = { EMAIL, "wrong-token", NULL };
	bb_job_result r;
	long before = served();

	(void)state;
	assert_int_equal(bitbucket_verify_sync(&c, &r), BB_REMOTE);
	assert_non_null(strstr(r.msg, "Atlassian account email"));
	assert_non_null(strstr(r.msg, "app passwords"));
	assert_null(strstr(r.msg, "wrong-token"));
	assert_int_equal(served() - before, 2); /* /user and /user/workspaces, never again */
	assert_int_equal(r.status, 401);
	bitbucket_result_free(&r);
}

static void verify_401_json_says_token_expired_or_unscoped(void **state)
{
	bb_job_result r;

	(void)state;
	fake_control(&srv, "mode=401json");
	assert_int_equal(verify(&r, NULL), BB_REMOTE);
	assert_non_null(strstr(r.msg, "invalid, expired"));
	bitbucket_result_free(&r);
}

static void verify_403_on_pull_requests_names_the_scope(void **state)
{
	bb_job_result r;
	long before = served();

	(void)state;
	fake_control(&srv, "mode=403scope&match=/pullrequests&scope=read:pullrequest:bitbucket");
	assert_int_equal(verify(&r, NULL), BB_REMOTE);
	assert_int_equal(r.verify.pr_access, 0);
	assert_int_equal(r.missing_scopes.n, 1);
	assert_string_equal(r.missing_scopes.v[0], "read:pullrequest:bitbucket");
	assert_non_null(strstr(r.msg, "read:pullrequest:bitbucket"));
	/* user, workspaces, 3 counts, pull requests, source and webhooks; 403 is never retried */
	assert_int_equal(served() - before, 1 + 1 + 3 + 1 + 1 + 1);
	assert_int_equal(r.step, BB_STEP_PR);
	assert_int_equal(r.status, 403);
	bitbucket_result_free(&r);
}

static void verify_probes_the_webhook_scopes(void **state)
{
	bb_job_result r;

	(void)state;
	assert_int_equal(verify(&r, NULL), BB_OK);
	assert_int_equal(r.verify.hooks_access, 1);
	bitbucket_result_free(&r);
	fake_control(&srv, "mode=403scope&match=/hooks&scope=read:webhook:bitbucket");
	assert_int_equal(verify(&r, NULL), BB_OK); /* optional: it does not fail verify */
	assert_int_equal(r.verify.hooks_access, 0);
	assert_int_equal(r.verify.hooks_scope_missing, 1);
	bitbucket_result_free(&r);
}

static void verify_403_detail_string_still_one_sentence(void **state)
{
	bb_job_result r;

	(void)state;
	fake_control(&srv, "mode=403string&match=/pullrequests");
	assert_int_equal(verify(&r, NULL), BB_REMOTE);
	assert_int_equal(r.verify.pr_access, 0);
	assert_string_equal(r.missing_scopes.v[0], "read:pullrequest:bitbucket");
	bitbucket_result_free(&r);
}

static void verify_without_workspace_scope_uses_configured_workspaces(void **state)
{
	bb_strlist ws = { 0 };
	bb_job_result r;

	(void)state;
	strlist_push(&ws, "ws1");
	fake_control(&srv, "mode=403scope&match=/user/workspaces&scope=read:workspace:bitbucket");
	assert_int_equal(verify(&r, &ws), BB_OK);
	assert_int_equal(r.verify.workspaces_from_config, 1);
	assert_int_equal(r.verify.workspaces.n, 1);
	assert_int_equal(r.verify.repositories, 25);
	assert_non_null(strstr(r.msg, "read:workspace:bitbucket"));
	bitbucket_result_free(&r);
	strlist_free(&ws);
}

static void verify_without_workspace_scope_or_config_says_what_to_do(void **state)
{
	bb_job_result r;

	(void)state;
	fake_control(&srv, "mode=403scope&match=/user/workspaces&scope=read:workspace:bitbucket");
	assert_int_equal(verify(&r, NULL), BB_REMOTE);
	assert_non_null(strstr(r.msg, "read:workspace:bitbucket"));
	assert_string_equal(r.missing_scopes.v[0], "read:workspace:bitbucket");
	assert_int_equal(r.step, BB_STEP_WORKSPACES);
	bitbucket_result_free(&r);
}

/* Only detail.required says a scope is missing: a bare 403 is reported as
 * what it says, not guessed to be read:workspace. */
static void workspaces_403_without_detail_is_not_a_guessed_scope(void **state)
{
	bb_strlist ws = { 0 };
	bb_job_result r;

	(void)state;
	strlist_push(&ws, "ws1");
	fake_control(&srv, "mode=403none&match=/user/workspaces");
	assert_int_equal(verify(&r, &ws), BB_REMOTE);
	assert_int_equal(r.missing_scopes.n, 0);
	assert_int_equal(r.verify.workspaces_from_config, 0);
	assert_null(strstr(r.msg, "lacks read:workspace"));
	assert_non_null(strstr(r.msg, "Forbidden"));
	bitbucket_result_free(&r);
	strlist_free(&ws);
}

/* Legacy names in detail.required come out in the API-token names. */
static void legacy_scope_names_are_translated(void **state)
{
	bb_job_result r;

	(void)state;
	fake_control(&srv, "mode=403scope&match=/pullrequests&scope=pullrequest");
	assert_int_equal(verify(&r, NULL), BB_REMOTE);
	assert_int_equal(r.missing_scopes.n, 1);
	assert_string_equal(r.missing_scopes.v[0], "read:pullrequest:bitbucket");
	assert_non_null(strstr(r.msg, "read:pullrequest:bitbucket"));
	bitbucket_result_free(&r);
}

static void unknown_workspace_is_404(void **state)
{
	bb_creds c = creds(NULL);
	bb_discover_opts o = { .workspace = "nope" };
	bb_job_result r;

	(void)state;
	assert_int_equal(bitbucket_discover_sync(&c, &o, &r), BB_REMOTE);
	assert_clean_message(&r);
	assert_non_null(strstr(r.msg, "found no workspace nope"));
	bitbucket_result_free(&r);
}

static void retired_endpoint_410(void **state)
{
	bb_job_result r;

	(void)state;
	fake_control(&srv, "mode=410");
	assert_int_equal(verify(&r, NULL), BB_REMOTE);
	assert_non_null(strstr(r.msg, "CHANGE-2770"));
	bitbucket_result_free(&r);
}

static long misbehaved(void)
{
	char body[256];
	const char *m;

	if (fake_get(&srv, "/_stats", body, sizeof body) != 200 || !(m = strstr(body, "misbehaved")))
		return -1;
	return atol(m + strlen("misbehaved\": "));
}

/* The first 429 ends the whole job: no retry, no further pages (each would
 * add to the hourly count). Without Retry-After it says to wait minutes. */
static void rate_limit_stops_the_whole_job(void **state)
{
	bb_creds c = creds(NULL);
	bb_job_result r;
	long before;

	(void)state;
	fake_control(&srv, "mode=ok&maxpagelen=5&reset=1");
	before = served();
	fake_control(&srv, "mode=429&match=/repositories/ws1&maxpagelen=5&retryafter=-1");
	assert_int_equal(bitbucket_discover_sync(&c, NULL, &r), BB_REMOTE);
	assert_clean_message(&r);
	assert_non_null(strstr(r.msg, "rate limiting"));
	assert_non_null(strstr(r.msg, "few minutes"));
	assert_int_equal(r.status, 429);
	assert_int_equal(r.retry_after, -1);
	assert_int_equal(misbehaved(), 1); /* never retried */
	/* 1 + 3 first pages, and at most the pages of ws0/ws2 already started (of 10) */
	assert_true(served() - before <= 1 + 3 + 8);
	bitbucket_result_free(&r);
}

static void rate_limit_says_when_from_retry_after(void **state)
{
	bb_job_result r;

	(void)state;
	fake_control(&srv, "mode=429&retryafter=120");
	assert_int_equal(verify(&r, NULL), BB_REMOTE);
	assert_non_null(strstr(r.msg, "try again in 120 seconds"));
	assert_non_null(strstr(r.msg, "1000 requests an hour"));
	assert_int_equal(r.retry_after, 120);
	bitbucket_result_free(&r);
}

static void server_errors_retry_twice_then_explain(void **state)
{
	bb_job_result r;
	long before = served();

	(void)state;
	fake_control(&srv, "mode=503&match=/user/workspaces");
	assert_int_equal(verify(&r, NULL), BB_REMOTE);
	assert_non_null(strstr(r.msg, "having trouble"));
	assert_int_equal(served() - before, 1 + 3); /* /user, and the workspaces 3 times */
	bitbucket_result_free(&r);
	fake_control(&srv, "mode=500&count=1");
	assert_int_equal(verify(&r, NULL), BB_OK);
	bitbucket_result_free(&r);
}

static void slow_answer_times_out(void **state)
{
	bb_job_result r;

	(void)state;
	setenv("BBCONSOLE_HTTP_TIMEOUT_MS", "300", 1);
	fake_control(&srv, "latency=5000");
	assert_int_equal(verify(&r, NULL), BB_REMOTE);
	assert_non_null(strstr(r.msg, "did not answer in time"));
	assert_non_null(strstr(r.msg, "300 ms in all")); /* exactly, not "1 s" */
	bitbucket_result_free(&r);
}

static int closed_port(void)
{
	int port = 0, fd = fake_listen_probe(&port);

	close(fd); /* nothing listens there any more */
	return port;
}

static void connection_refused(void **state)
{
	char url[64];
	bb_job_result r;

	(void)state;
	snprintf(url, sizeof url, "http://127.0.0.1:%d/2.0", closed_port());
	setenv("BBCONSOLE_BITBUCKET_API", url, 1);
	assert_int_equal(verify(&r, NULL), BB_REMOTE);
	assert_non_null(strstr(r.msg, "Could not connect"));
	bitbucket_result_free(&r);
}

static void unknown_host_name(void **state)
{
	bb_job_result r;

	(void)state;
	setenv("BBCONSOLE_BITBUCKET_API", "https://bbconsole-test.invalid/2.0", 1);
	assert_int_equal(verify(&r, NULL), BB_REMOTE);
	assert_non_null(strstr(r.msg, "could not be resolved"));
	bitbucket_result_free(&r);
}

static void tls_to_a_plain_server_fails_clearly(void **state)
{
	char url[64];
	bb_job_result r;

	(void)state;
	snprintf(url, sizeof url, "https://127.0.0.1:%d/2.0", srv.port);
	setenv("BBCONSOLE_BITBUCKET_API", url, 1);
	assert_int_equal(verify(&r, NULL), BB_REMOTE);
	assert_non_null(strstr(r.msg, "secure connection"));
	bitbucket_result_free(&r);
}

static void unreadable_ca_bundle_is_named(void **state)
{
	char url[64];
	bb_job_result r;

	(void)state;
	snprintf(url, sizeof url, "https://127.0.0.1:%d/2.0", srv.port);
	setenv("BBCONSOLE_BITBUCKET_API", url, 1);
	setenv("CURL_CA_BUNDLE", "/nonexistent/bbconsole-ca.pem", 1);
	assert_int_equal(verify(&r, NULL), BB_REMOTE);
	unsetenv("CURL_CA_BUNDLE");
	assert_non_null(strstr(r.msg, "CURL_CA_BUNDLE"));
	bitbucket_result_free(&r);
}

static void bad_api_address(void **state)
{
	bb_job_result r;

	(void)state;
	setenv("BBCONSOLE_BITBUCKET_API", "ftp://example.com/2.0", 1);
	assert_int_equal(verify(&r, NULL), BB_USAGE);
	assert_non_null(strstr(r.msg, "https://"));
	bitbucket_result_free(&r);
}

static void dropped_connection(void **state)
{
	bb_job_result r;

	(void)state;
	fake_control(&srv, "mode=drop");
	assert_int_equal(verify(&r, NULL), BB_REMOTE);
	assert_non_null(strstr(r.msg, "closed before an answer"));
	bitbucket_result_free(&r);
}

static void malformed_html_and_huge_bodies(void **state)
{
	const char *modes[] = { "mode=malformed", "mode=html", "mode=huge" };
	const char *want[] = { "not valid JSON", "web page", "larger than 8 MiB" };
	bb_job_result r;

	(void)state;
	for (int i = 0; i < 3; i++) {
		fake_control(&srv, modes[i]);
		assert_int_equal(verify(&r, NULL), BB_REMOTE);
		assert_non_null(strstr(r.msg, want[i]));
		bitbucket_result_free(&r);
	}
}

static void discovery_without_size_follows_next(void **state)
{
	bb_creds c = creds(NULL);
	bb_job_result r;

	(void)state;
	fake_control(&srv, "nosize=1");
	assert_int_equal(bitbucket_discover_sync(&c, NULL, &r), BB_OK);
	assert_int_equal(r.repos.n, 75);
	assert_string_equal(r.repos.v[0].full_name, "ws0/repo-00000");
	bitbucket_result_free(&r);
}

static void next_link_to_another_host_is_not_followed(void **state)
{
	bb_creds c = creds(NULL);
	bb_job_result r;
	long before = served();

	(void)state;
	fake_control(&srv, "nosize=1&foreign=1&maxpagelen=10");
	assert_int_equal(bitbucket_discover_sync(&c, NULL, &r), BB_REMOTE);
	assert_non_null(strstr(r.msg, "another address"));
	assert_true(served() - before <= 4); /* the credentials went nowhere else */
	bitbucket_result_free(&r);
}

static void sequential_discovery_finds_the_same(void **state)
{
	bb_creds c = creds(NULL);
	bb_discover_opts o = { .sequential = 1 };
	bb_job_result r;
	long before = served();

	(void)state;
	fake_control(&srv, "maxpagelen=10");
	assert_int_equal(bitbucket_discover_sync(&c, &o, &r), BB_OK);
	assert_int_equal(r.repos.n, 75);
	assert_int_equal(served() - before, 1 + 3 * 3); /* 25 a workspace, 10 a page */
	bitbucket_result_free(&r);
}

static void discovery_counts_pages_with_the_servers_pagelen(void **state)
{
	bb_creds c = creds(NULL);
	bb_job_result r;
	long before = served();

	(void)state;
	fake_control(&srv, "maxpagelen=10"); /* asked for 100, given 10 */
	assert_int_equal(bitbucket_discover_sync(&c, NULL, &r), BB_OK);
	assert_int_equal(r.repos.n, 75);
	assert_every_repository_found(&r.repos, 3, 75);
	assert_int_equal(served() - before, 1 + 3 * 3);
	bitbucket_result_free(&r);
}

static void discovery_cleans_bad_utf8_names(void **state)
{
	bb_creds c = creds(NULL);
	bb_discover_opts o = { .workspace = "ws2" };
	bb_job_result r;

	(void)state;
	fake_control(&srv, "badutf8=1");
	assert_int_equal(bitbucket_discover_sync(&c, &o, &r), BB_OK);
	assert_int_equal(r.repos.n, 25);
	for (size_t i = 0; i < r.repos.n; i++) {
		assert_null(strchr(r.repos.v[i].name, '\033'));
		assert_null(strchr(r.repos.v[i].name, '\xff'));
	}
	bitbucket_result_free(&r);
}

/* ---- asynchronous use ------------------------------------------------------------ */

typedef struct waiter {
	int done, progress_calls;
	bb_progress last;
	bb_job_result res;
} waiter;

static void on_done(void *user, bb_job_result *r)
{
	waiter *w = user;

	w->res = *r;
	memset(r, 0, sizeof *r);
	w->done = 1;
}

static void on_progress(void *user, const bb_progress *p)
{
	waiter *w = user;

	w->progress_calls++;
	w->last = *p;
}

/* Runs the event loop the console would run, with a deadline. */
static void wait_done(bb_client *c, waiter *w, int seconds)
{
	time_t end = time(NULL) + seconds;

	while (!w->done && time(NULL) <= end) {
		struct pollfd p = { .fd = bitbucket_client_fd(c), .events = POLLIN };

		if (poll(&p, 1, 200) > 0)
			bitbucket_client_collect(c);
	}
	assert_true(w->done);
}

/* The commit-links check run to its end on a client of its own. */
static bb_code links_sync(const bb_creds *cr, const char *repository, const char *commit,
			  bb_job_result *r)
{
	waiter w = { 0 };
	bb_client *c;

	assert_int_equal(bitbucket_client_new(&c, NULL), BB_OK);
	assert_true(bitbucket_commit_links_start(c, cr, repository, commit, on_done, &w, NULL) != 0);
	wait_done(c, &w, 30);
	bitbucket_client_free(c);
	*r = w.res;
	return r->code;
}

static void commit_links_outcomes(void **state)
{
	bb_creds c = creds(NULL);
	bb_job_result r;

	(void)state;
	assert_int_equal(links_sync(&c, "ws0/repo-00001", "abc123", &r), BB_OK);
	assert_int_equal(r.links, BB_LINKS_OK);
	bitbucket_result_free(&r);
	fake_control(&srv, "mode=appnotinstalled&match=/commit/");
	assert_int_equal(links_sync(&c, "ws0/repo-00001", "abc123", &r), BB_REMOTE);
	assert_int_equal(r.links, BB_LINKS_NOT_INSTALLED);
	assert_non_null(strstr(r.msg, "click Pull requests"));
	bitbucket_result_free(&r);
	fake_control(&srv, "mode=indexing&match=/commit/");
	assert_int_equal(links_sync(&c, "ws0/repo-00001", "abc123", &r), BB_OK);
	assert_int_equal(r.links, BB_LINKS_INDEXING);
	bitbucket_result_free(&r);
}

static void cancel_finishes_a_slow_job_promptly(void **state)
{
	bb_creds cr = creds(NULL);
	waiter w = { 0 };
	bb_client *c;
	bb_job_id id;

	(void)state;
	fake_control(&srv, "latency=60000"); /* longer than any wait below */
	assert_int_equal(bitbucket_client_new(&c, NULL), BB_OK);
	id = bitbucket_discover_start(c, &cr, NULL, on_progress, on_done, &w, NULL);
	assert_true(id != 0);
	assert_int_equal(bitbucket_client_pending(c), 1);
	bitbucket_job_cancel(c, id);
	wait_done(c, &w, 10);
	assert_int_equal(w.res.cancelled, 1);
	assert_int_equal(w.res.code, BB_TEMP);
	assert_int_equal(bitbucket_client_pending(c), 0);
	bitbucket_result_free(&w.res);
	bitbucket_client_free(c);
	fake_control(&srv, "latency=0");
}

/* A forgotten job's callbacks never run: its owner may be gone. */
static void forget_drops_the_callbacks(void **state)
{
	bb_creds cr = creds(NULL);
	waiter w = { 0 };
	bb_client *c;
	bb_job_id id;

	(void)state;
	fake_control(&srv, "latency=60000");
	assert_int_equal(bitbucket_client_new(&c, NULL), BB_OK);
	id = bitbucket_discover_start(c, &cr, NULL, on_progress, on_done, &w, NULL);
	assert_true(id != 0);
	assert_int_equal(bitbucket_job_forget(c, id), 0);
	assert_int_equal(bitbucket_client_wait(c, NULL), 0); /* until no job is left */
	assert_int_equal(bitbucket_client_pending(c), 0);
	assert_int_equal(w.done, 0);
	assert_int_equal(w.progress_calls, 0);
	bitbucket_client_free(c);
	fake_control(&srv, "latency=0");
}

static void client_free_with_jobs_in_flight(void **state)
{
	bb_creds cr = creds(NULL);
	waiter w = { 0 };
	bb_client *c;

	(void)state;
	fake_control(&srv, "latency=60000");
	assert_int_equal(bitbucket_client_new(&c, NULL), BB_OK);
	assert_true(bitbucket_verify_start(c, &cr, on_done, &w, NULL) != 0);
	bitbucket_client_free(c); /* must not hang or leak; no callback */
	assert_int_equal(w.done, 0);
	fake_control(&srv, "latency=0");
}

static void missing_credentials_are_refused_at_start(void **state)
{
	bb_creds cr = { EMAIL, "", NULL };
	bb_client *c;
	bb_err err;

	(void)state;
	assert_int_equal(bitbucket_client_new(&c, NULL), BB_OK);
	assert_int_equal(bitbucket_verify_start(c, &cr, on_done, NULL, &err), 0);
	assert_int_equal(err.code, BB_INVALID);
	bitbucket_client_free(c);
}

static void many_workspaces_and_pages_each_repository_once(void **state)
{
	const char *const args[] = { "--email", EMAIL, "--token", TOKEN, "--workspaces", "30",
				     "--repos-total", "2345", "--latency", "5", NULL };
	fake_server big;
	bb_creds cr = creds(NULL);
	waiter w = { 0 };
	bb_client *c;
	long max_inflight = 0;

	(void)state;
	assert_int_equal(fake_start(&big, args), 0);
	setenv("BBCONSOLE_BITBUCKET_API", big.base, 1);
	assert_int_equal(bitbucket_client_new(&c, NULL), BB_OK);
	assert_true(bitbucket_discover_start(c, &cr, NULL, on_progress, on_done, &w, NULL) != 0);
	wait_done(c, &w, 60);
	assert_int_equal(w.res.code, BB_OK);
	assert_int_equal(w.res.repos.n, 2345);
	for (size_t i = 1; i < w.res.repos.n; i++) /* sorted, so duplicates would be neighbours */
		assert_true(strcmp(w.res.repos.v[i - 1].full_name, w.res.repos.v[i].full_name) < 0);
	assert_every_repository_found(&w.res.repos, 30, 2345);
	assert_true(w.progress_calls > 0);
	assert_int_equal(w.last.workspaces_total, 30);
	assert_true(w.last.repos > 0);
	assert_true(fake_requests(&big, &max_inflight) > 30);
	assert_true(max_inflight > 1);               /* pages fetched concurrently... */
	assert_true(max_inflight <= BB_MAX_INFLIGHT); /* ...but never more than 8 */
	bitbucket_result_free(&w.res);
	bitbucket_client_free(c);
	fake_stop(&big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(verify_success_reports_what_the_token_reaches, reset),
		cmocka_unit_test_setup(verify_wrong_token_is_plain_text_401_not_retried, reset),
		cmocka_unit_test_setup(verify_401_json_says_token_expired_or_unscoped, reset),
		cmocka_unit_test_setup(verify_403_on_pull_requests_names_the_scope, reset),
		cmocka_unit_test_setup(verify_probes_the_webhook_scopes, reset),
		cmocka_unit_test_setup(verify_403_detail_string_still_one_sentence, reset),
		cmocka_unit_test_setup(verify_without_workspace_scope_uses_configured_workspaces, reset),
		cmocka_unit_test_setup(verify_without_workspace_scope_or_config_says_what_to_do, reset),
		cmocka_unit_test_setup(unknown_workspace_is_404, reset),
		cmocka_unit_test_setup(retired_endpoint_410, reset),
		cmocka_unit_test_setup(rate_limit_stops_the_whole_job, reset),
		cmocka_unit_test_setup(rate_limit_says_when_from_retry_after, reset),
		cmocka_unit_test_setup(workspaces_403_without_detail_is_not_a_guessed_scope, reset),
		cmocka_unit_test_setup(legacy_scope_names_are_translated, reset),
		cmocka_unit_test_setup(server_errors_retry_twice_then_explain, reset),
		cmocka_unit_test_setup(slow_answer_times_out, reset),
		cmocka_unit_test_setup(connection_refused, reset),
		cmocka_unit_test_setup(unknown_host_name, reset),
		cmocka_unit_test_setup(tls_to_a_plain_server_fails_clearly, reset),
		cmocka_unit_test_setup(unreadable_ca_bundle_is_named, reset),
		cmocka_unit_test_setup(bad_api_address, reset),
		cmocka_unit_test_setup(dropped_connection, reset),
		cmocka_unit_test_setup(malformed_html_and_huge_bodies, reset),
		cmocka_unit_test_setup(discovery_without_size_follows_next, reset),
		cmocka_unit_test_setup(next_link_to_another_host_is_not_followed, reset),
		cmocka_unit_test_setup(sequential_discovery_finds_the_same, reset),
		cmocka_unit_test_setup(discovery_counts_pages_with_the_servers_pagelen, reset),
		cmocka_unit_test_setup(discovery_cleans_bad_utf8_names, reset),
		cmocka_unit_test_setup(commit_links_outcomes, reset),
		cmocka_unit_test_setup(cancel_finishes_a_slow_job_promptly, reset),
		cmocka_unit_test_setup(forget_drops_the_callbacks, reset),
		cmocka_unit_test_setup(client_free_with_jobs_in_flight, reset),
		cmocka_unit_test_setup(missing_credentials_are_refused_at_start, reset),
		cmocka_unit_test_setup(many_workspaces_and_pages_each_repository_once, reset),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
