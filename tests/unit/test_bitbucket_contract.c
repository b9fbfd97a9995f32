/* Unit tests for the manners of the Bitbucket client against the fake
 * server: fields= and sort=, listings that change while read, a workspace
 * that refuses, redirects, the scope headers, identity and administrators,
 * the source probe, plain http, the page cap and the job deadline, cancel,
 * the base64 credentials scrubbed, the content type of 2xx answers and
 * SSLKEYLOGFILE. Each test fails when its behaviour is taken out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto_lazy.h"

#include "bitbucket.h"
#include "../fake/spawn.h"

#define EMAIL "dev@example.com"
#define TOKEN "ATATT3xFfGF0-contract-test-token-77"

static fake_server srv;
static char keylog[256];

static const char *const srv_args[] = { "--email", EMAIL, "--token", TOKEN, "--workspaces", "3",
					"--repos", "25", "--idle", "120", NULL };

static int group_setup(void **state)
{
	(void)state;
	if (fake_start(&srv, srv_args) != 0)
		return -1;
	setenv("BBCONSOLE_BACKOFF_MS", "5", 1);
	/* before libcurl is first loaded: it would open the file then */
	snprintf(keylog, sizeof keylog, "/tmp/bbconsole-keylog-%d.txt", (int)getpid());
	unlink(keylog);
	setenv("SSLKEYLOGFILE", keylog, 1);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fake_stop(&srv);
	unlink(keylog);
	return 0;
}

static int reset(void **state)
{
	(void)state;
	setenv("BBCONSOLE_BITBUCKET_API", srv.base, 1);
	unsetenv("BBCONSOLE_MAX_PAGES");
	unsetenv("BBCONSOLE_JOB_TIMEOUT_MS");
	return fake_control(&srv, "mode=ok&latency=0&nosize=0&maxpagelen=10&retryafter=-1"
			    "&unstable=0&created=0&deleted=0&churnws=-1&hugesize=0&endless=0"
			    "&undersize=0&reset=1&scopes=account,+pullrequest,+repository,+team")
		       == 200 ? 0 : -1;
}

static bb_creds creds(void)
{
	bb_creds c = { EMAIL, TOKEN, NULL };

	return c;
}

static bb_code discover(bb_job_result *r, const char *only)
{
	bb_creds c = creds();
	bb_discover_opts o = { .workspace = only };

	return bitbucket_discover_sync(&c, &o, r);
}

static bb_code verify(bb_job_result *r)
{
	bb_creds c = creds();

	return bitbucket_verify_sync(&c, r);
}

static int found(const bb_job_result *r, const char *full_name)
{
	for (size_t i = 0; i < r->repos.n; i++)
		if (!strcmp(r->repos.v[i].full_name, full_name))
			return 1;
	return 0;
}

/* Repositories first..last of workspace ws, each exactly once. */
static void assert_range(const bb_job_result *r, int ws, int first, int last)
{
	char name[64];

	for (int i = first; i <= last; i++) {
		snprintf(name, sizeof name, "ws%d/repo-%05d", ws, i);
		if (!found(r, name))
			fail_msg("%s is missing", name);
	}
	for (size_t i = 1; i < r->repos.n; i++)
		assert_true(strcmp(r->repos.v[i - 1].full_name, r->repos.v[i].full_name) < 0);
}

static long served(void)
{
	return fake_requests(&srv, NULL);
}

/* ---- pages and bytes ------------------------------------------------------------------- */

/* Copies of needle in this process's writable memory (heap, anonymous
 * mappings, data), freed blocks included: what a core file would hold. */
static long copies_in_memory(const char *needle)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	int mem = open("/proc/self/mem", O_RDONLY);
	size_t nl = strlen(needle), cap = 1 << 20;
	char line[512], perms[8], *buf = malloc(cap + nl);
	long found = 0;

	assert_non_null(maps);
	assert_true(mem >= 0 && buf);
	while (fgets(line, sizeof line, maps)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r' ||
		    perms[1] != 'w' || hi - lo > (256UL << 20))
			continue; /* only what a program writes; not the sanitizers' shadow */
		for (unsigned long at = lo; at < hi; at += cap) {
			ssize_t got = pread(mem, buf, at + cap + nl < hi ? cap + nl : hi - at,
					    (off_t)at);

			for (ssize_t i = 0; got > 0 && i + (ssize_t)nl <= got; i++)
				found += !memcmp(buf + i, needle, nl) && i < (ssize_t)cap;
		}
	}
	free(buf);
	close(mem);
	fclose(maps);
	return found;
}

/* Once a request is over, it has left no plaintext copy of the token
 * anywhere in memory: libcurl's freed blocks are wiped (curl_lazy.c), it is
 * never handed the password (which it would keep in its connection cache),
 * and "email:token" is never formatted through a printf buffer. Counted
 * before and after, so what other tests of this process left does not
 * count. (The base64 form still has copies in libcurl's stack frames.) */
static void no_copy_of_the_token_outlives_the_request(void **state)
{
	char *token, *pair = NULL, b64[128];
	long plain_before, b64_before;
	bb_job_result r;

	(void)state;
	assert_true(asprintf(&pair, "%s:%s", EMAIL, TOKEN) > 0);
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)pair, (int)strlen(pair));
	explicit_bzero(pair, strlen(pair));
	free(pair);
	plain_before = copies_in_memory(TOKEN);
	b64_before = copies_in_memory(b64) - 1; /* b64 itself, on this stack */
	token = strdup(TOKEN);
	assert_non_null(token);
	assert_int_equal(bitbucket_verify_sync(&(bb_creds){EMAIL, token, NULL}, &r), BB_OK);
	bitbucket_result_free(&r);
	explicit_bzero(token, strlen(token));
	free(token);
	assert_int_equal(copies_in_memory(TOKEN), plain_before);
	fprintf(stderr, "base64 copies left by the request: %ld\n",
		copies_in_memory(b64) - 1 - b64_before);
	explicit_bzero(b64, sizeof b64);
}

static void libcurl_never_writes_tls_keys(void **state)
{
	bb_job_result r;

	(void)state;
	assert_int_equal(verify(&r), BB_OK);
	bitbucket_result_free(&r);
	assert_int_equal(access(keylog, F_OK), -1);
	assert_null(getenv("SSLKEYLOGFILE"));
}

static void listings_ask_only_for_the_fields_kept(void **state)
{
	bb_job_result r;
	size_t branches = 0, times = 0;

	(void)state;
	assert_int_equal(discover(&r, NULL), BB_OK);
	assert_int_equal(r.repos.n, 75);
	for (size_t i = 0; i < r.repos.n; i++) {
		branches += r.repos.v[i].mainbranch != NULL;
		times += r.repos.v[i].updated_on != NULL;
		assert_non_null(r.repos.v[i].slug);
	}
	assert_true(branches > 50); /* the kept fields survive the selection */
	assert_int_equal(times, 75);
	/* about 1.3 KB a repository in full; the kept fields are a small part */
	assert_true(r.bytes / 75 < 400);
	bitbucket_result_free(&r);
}

static void concurrent_pages_of_an_unsorted_listing_lose_nothing(void **state)
{
	bb_job_result r;

	(void)state;
	fake_control(&srv, "unstable=1");
	assert_int_equal(discover(&r, NULL), BB_OK);
	assert_int_equal(r.warnings.n, 0);
	assert_int_equal(r.repos.n, 75);
	for (int w = 0; w < 3; w++)
		assert_range(&r, w, 0, 24);
	bitbucket_result_free(&r);
}

static void a_repository_deleted_during_the_listing_loses_no_other(void **state)
{
	bb_job_result r;

	(void)state;
	fake_control(&srv, "deleted=1&churnws=0");
	assert_int_equal(discover(&r, NULL), BB_OK);
	assert_int_equal(r.warnings.n, 0);
	assert_int_equal(r.repos.n, 74);
	assert_range(&r, 0, 1, 24); /* repo 10 slid from page 2 onto page 1 */
	bitbucket_result_free(&r);
}

static void repositories_created_during_the_listing_are_found(void **state)
{
	bb_job_result r;

	(void)state;
	fake_control(&srv, "created=6&churnws=1");
	assert_int_equal(discover(&r, NULL), BB_OK);
	assert_int_equal(r.warnings.n, 0);
	assert_int_equal(r.repos.n, 81);
	assert_range(&r, 1, 0, 30);
	bitbucket_result_free(&r);
}

/* An understated size: the last page by size still has a `next`, which is
 * followed to the end. Nothing is lost or repeated, each workspace says its
 * count was off, and none is read twice (the requests of a true size). */
static void an_understated_size_loses_nothing_and_says_so(void **state)
{
	bb_job_result r;
	long before, honest, understated;

	(void)state;
	before = served();
	assert_int_equal(discover(&r, NULL), BB_OK);
	honest = served() - before;
	bitbucket_result_free(&r);
	fake_control(&srv, "undersize=10"); /* 25 repositories said to be 15 */
	before = served();
	assert_int_equal(discover(&r, NULL), BB_OK);
	understated = served() - before;
	assert_int_equal(r.repos.n, 75);
	for (int w = 0; w < 3; w++)
		assert_range(&r, w, 0, 24);
	assert_int_equal(r.warnings.n, 3);
	assert_non_null(strstr(r.warnings.v[0].msg, "counts 15 repositories"));
	assert_int_equal(understated, honest);
	bitbucket_result_free(&r);
}

static void a_built_page_answering_4xx_falls_back_to_next(void **state)
{
	bb_job_result r;

	(void)state;
	fake_control(&srv, "mode=404&match=%26page%3D2&count=1");
	assert_int_equal(discover(&r, NULL), BB_OK);
	assert_int_equal(r.warnings.n, 0);
	assert_int_equal(r.repos.n, 75);
	for (int w = 0; w < 3; w++)
		assert_range(&r, w, 0, 24);
	bitbucket_result_free(&r);
}

static void one_refusing_workspace_is_a_warning(void **state)
{
	bb_job_result r;

	(void)state;
	fake_control(&srv, "mode=403none&match=/repositories/ws1");
	assert_int_equal(discover(&r, NULL), BB_OK);
	assert_int_equal(r.repos.n, 50);
	assert_range(&r, 0, 0, 24);
	assert_range(&r, 2, 0, 24);
	assert_int_equal(r.warnings.n, 1);
	assert_string_equal(r.warnings.v[0].workspace, "ws1");
	assert_int_equal(r.warnings.v[0].status, 403);
	assert_non_null(strstr(r.warnings.v[0].msg, "workspace ws1"));
	assert_non_null(strstr(r.msg, "2 workspaces"));
	bitbucket_result_free(&r);
}

static void every_workspace_refusing_is_a_failure(void **state)
{
	bb_job_result r;

	(void)state;
	fake_control(&srv, "mode=410&match=/repositories/ws");
	assert_int_equal(discover(&r, NULL), BB_REMOTE);
	assert_int_equal(r.step, BB_STEP_REPOS);
	assert_int_equal(r.status, 410);
	bitbucket_result_free(&r);
}

static void a_redirect_is_not_followed_and_explained(void **state)
{
	bb_job_result r;
	char want[128];

	(void)state;
	fake_control(&srv, "mode=301&match=/repositories/ws0");
	assert_int_equal(discover(&r, "ws0"), BB_REMOTE);
	snprintf(want, sizeof want, "redirect to %s/repositories/renamed-ws", srv.base);
	assert_non_null(strstr(r.msg, want));
	assert_non_null(strstr(r.msg, "probably renamed"));
	assert_int_equal(r.status, 301);
	bitbucket_result_free(&r);
}

/* ---- what verify tells ----------------------------------------------------------------- */

static void verify_reads_the_scopes_the_token_holds(void **state)
{
	bb_job_result r;

	(void)state;
	assert_int_equal(verify(&r), BB_OK);
	assert_true(r.verify.scopes_known);
	assert_true(strlist_contains(&r.verify.scopes, "read:repository:bitbucket"));
	assert_true(strlist_contains(&r.verify.scopes, "read:workspace:bitbucket"));
	assert_int_equal(r.verify.missing_required.n, 0);
	assert_int_equal(r.verify.missing_recommended.n, 0);
	assert_true(strlist_contains(&r.verify.missing_optional, "read:webhook:bitbucket"));
	assert_string_equal(r.verify.credential_type, "apikey");
	bitbucket_result_free(&r);
	fake_control(&srv, "scopes=repository");
	assert_int_equal(verify(&r), BB_OK);
	assert_true(strlist_contains(&r.verify.missing_required, "read:pullrequest:bitbucket"));
	assert_true(strlist_contains(&r.verify.missing_recommended, "read:workspace:bitbucket"));
	bitbucket_result_free(&r);
}

static void verify_names_the_user_and_the_admin_workspaces(void **state)
{
	bb_job_result r;

	(void)state;
	assert_int_equal(verify(&r), BB_OK);
	assert_string_equal(r.verify.user, "Dev Example");
	assert_int_equal(r.verify.user_refused, 0);
	assert_int_equal(r.verify.admin_workspaces.n, 1);
	assert_string_equal(r.verify.admin_workspaces.v[0], "ws0");
	bitbucket_result_free(&r);
	fake_control(&srv, "mode=403none&match=/2.0/user$");
	assert_int_equal(verify(&r), BB_OK); /* optional: only noted */
	assert_null(r.verify.user);
	assert_int_equal(r.verify.user_refused, 1);
	bitbucket_result_free(&r);
}

static void verify_explains_a_source_403_as_ip_allowlist_or_2fa(void **state)
{
	bb_job_result r;

	(void)state;
	assert_int_equal(verify(&r), BB_OK);
	assert_int_equal(r.verify.source_access, 1);
	assert_string_equal(r.verify.source_repo, "ws0/repo-00000");
	bitbucket_result_free(&r);
	fake_control(&srv, "mode=403none&match=/src/");
	assert_int_equal(verify(&r), BB_OK);
	assert_int_equal(r.verify.source_access, 0);
	assert_non_null(strstr(r.msg, "restricts access by IP or requires 2FA"));
	assert_non_null(strstr(r.msg, "runs will not clone"));
	bitbucket_result_free(&r);
}

/* ---- transport ------------------------------------------------------------------------- */

static void plain_http_only_to_loopback(void **state)
{
	const char *refused[] = { "http://example.com/2.0", "http://127.0.0.1.example.com/2.0",
				  "http://127.0.0.1@example.com/2.0" };
	char url[96];
	bb_job_result r;
	long before = served();

	(void)state;
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		setenv("BBCONSOLE_BITBUCKET_API", refused[i], 1);
		assert_int_equal(verify(&r), BB_USAGE);
		assert_non_null(strstr(r.msg, "plain http"));
		bitbucket_result_free(&r);
	}
	assert_int_equal(served(), before);
	snprintf(url, sizeof url, "http://localhost:%d/2.0", srv.port);
	setenv("BBCONSOLE_BITBUCKET_API", url, 1);
	assert_int_equal(verify(&r), BB_OK);
	bitbucket_result_free(&r);
}

static void ca_directory_comes_from_ssl_cert_dir(void **state)
{
	bb_ca_env ca;

	(void)state;
	unsetenv("CURL_CA_BUNDLE");
	setenv("SSL_CERT_FILE", "/etc/bbconsole-test/ca.pem", 1);
	setenv("SSL_CERT_DIR", "/etc/bbconsole-test/certs", 1);
	bitbucket_ca_from_env(&ca);
	assert_string_equal(ca.file, "/etc/bbconsole-test/ca.pem");
	assert_string_equal(ca.dir, "/etc/bbconsole-test/certs");
	unsetenv("SSL_CERT_FILE");
	unsetenv("SSL_CERT_DIR");
}

static void a_2xx_that_is_not_json_is_refused(void **state)
{
	bb_job_result r;

	(void)state;
	fake_control(&srv, "mode=jsonastext&match=/repositories/");
	assert_int_equal(verify(&r), BB_REMOTE);
	assert_non_null(strstr(r.msg, "content type \"text/plain\""));
	bitbucket_result_free(&r);
}

static void the_base64_credentials_never_come_back(void **state)
{
	unsigned char b64[256];
	const char plain[] = EMAIL ":" TOKEN;
	bb_job_result r;

	(void)state;
	EVP_EncodeBlock(b64, (const unsigned char *)plain, (int)strlen(plain));
	fake_control(&srv, "mode=echoauth&match=/user/workspaces");
	assert_int_equal(verify(&r), BB_REMOTE);
	assert_non_null(strstr(r.msg, "Basic ***")); /* the echo arrived, scrubbed */
	assert_null(strstr(r.msg, (const char *)b64));
	assert_null(strstr(r.msg, TOKEN));
	bitbucket_result_free(&r);
}

/* ---- bounded work ---------------------------------------------------------------------- */

static void a_huge_announced_size_is_capped(void **state)
{
	bb_job_result r;
	long before = served();

	(void)state;
	setenv("BBCONSOLE_MAX_PAGES", "40", 1);
	fake_control(&srv, "hugesize=1");
	assert_int_equal(discover(&r, "ws0"), BB_OK);
	assert_int_equal(r.warnings.n, 1);
	assert_non_null(strstr(r.warnings.v[0].msg, "stopped after 40 pages"));
	assert_true(served() - before <= 40);
	bitbucket_result_free(&r);
}

static void an_endless_next_chain_is_capped(void **state)
{
	bb_job_result r;
	long before = served();

	(void)state;
	setenv("BBCONSOLE_MAX_PAGES", "30", 1);
	fake_control(&srv, "endless=1&nosize=1");
	assert_int_equal(discover(&r, "ws1"), BB_OK);
	assert_int_equal(r.warnings.n, 1);
	assert_non_null(strstr(r.warnings.v[0].msg, "stopped after 30 pages"));
	assert_true(served() - before <= 30);
	bitbucket_result_free(&r);
}

static void the_whole_job_has_a_deadline(void **state)
{
	bb_job_result r;

	(void)state;
	setenv("BBCONSOLE_JOB_TIMEOUT_MS", "400", 1);
	fake_control(&srv, "endless=1&nosize=1&latency=50");
	assert_int_equal(discover(&r, "ws1"), BB_REMOTE);
	assert_non_null(strstr(r.msg, "did not finish this within 400 ms,")); /* exactly */
	assert_true(r.requests < 30);
	bitbucket_result_free(&r);
}

typedef struct waiter {
	int done;
	long progress;
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
	((waiter *)user)->progress = p->pages_done;
}

static void wait_for(bb_client *c, const int *flag, int seconds)
{
	time_t end = time(NULL) + seconds;

	while (!*flag && time(NULL) <= end) {
		struct pollfd p = { .fd = bitbucket_client_fd(c), .events = POLLIN };

		if (poll(&p, 1, 100) > 0)
			bitbucket_client_collect(c);
	}
}

static void cancel_interrupts_a_huge_listing(void **state)
{
	bb_creds cr = creds();
	bb_discover_opts o = { .workspace = "ws0" };
	waiter w = { 0 };
	bb_client *c;
	bb_job_id id;
	int progressed = 0;
	time_t end = time(NULL) + 20;

	(void)state;
	fake_control(&srv, "hugesize=1&latency=20");
	assert_int_equal(bitbucket_client_new(&c, NULL), BB_OK);
	id = bitbucket_discover_start(c, &cr, &o, on_progress, on_done, &w, NULL);
	assert_true(id != 0);
	while (!progressed && time(NULL) <= end) { /* a few pages in */
		wait_for(c, &w.done, 1);
		progressed = w.progress >= 3;
	}
	assert_true(progressed);
	bitbucket_job_cancel(c, id);
	wait_for(c, &w.done, 20);
	assert_true(w.done);
	assert_true(w.res.cancelled);
	assert_true(w.res.requests < BB_MAX_PAGES);
	bitbucket_result_free(&w.res);
	bitbucket_client_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(libcurl_never_writes_tls_keys, reset),
		cmocka_unit_test_setup(listings_ask_only_for_the_fields_kept, reset),
		cmocka_unit_test_setup(concurrent_pages_of_an_unsorted_listing_lose_nothing, reset),
		cmocka_unit_test_setup(a_repository_deleted_during_the_listing_loses_no_other, reset),
		cmocka_unit_test_setup(repositories_created_during_the_listing_are_found, reset),
		cmocka_unit_test_setup(an_understated_size_loses_nothing_and_says_so, reset),
		cmocka_unit_test_setup(no_copy_of_the_token_outlives_the_request, reset),
		cmocka_unit_test_setup(a_built_page_answering_4xx_falls_back_to_next, reset),
		cmocka_unit_test_setup(one_refusing_workspace_is_a_warning, reset),
		cmocka_unit_test_setup(every_workspace_refusing_is_a_failure, reset),
		cmocka_unit_test_setup(a_redirect_is_not_followed_and_explained, reset),
		cmocka_unit_test_setup(verify_reads_the_scopes_the_token_holds, reset),
		cmocka_unit_test_setup(verify_names_the_user_and_the_admin_workspaces, reset),
		cmocka_unit_test_setup(verify_explains_a_source_403_as_ip_allowlist_or_2fa, reset),
		cmocka_unit_test_setup(plain_http_only_to_loopback, reset),
		cmocka_unit_test_setup(ca_directory_comes_from_ssl_cert_dir, reset),
		cmocka_unit_test_setup(a_2xx_that_is_not_json_is_refused, reset),
		cmocka_unit_test_setup(the_base64_credentials_never_come_back, reset),
		cmocka_unit_test_setup(a_huge_announced_size_is_capped, reset),
		cmocka_unit_test_setup(an_endless_next_chain_is_capped, reset),
		cmocka_unit_test_setup(the_whole_job_has_a_deadline, reset),
		cmocka_unit_test_setup(cancel_interrupts_a_huge_listing, reset),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
