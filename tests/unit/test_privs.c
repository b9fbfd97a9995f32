/* Unit tests for core/privs: the environment under raised privileges, and
 * keeping secrets out of core dumps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "db.h"
#include "privs.h"
#include "testdb.h"

static const char *const planted[] = {
	"BBCONSOLE_BITBUCKET_API", "https_proxy", "HTTPS_PROXY", "ALL_PROXY",
	"CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSLKEYLOGFILE", "BBCONSOLE_NOW", "BBCONSOLE_DB",
};

static void plant(void)
{
	for (size_t i = 0; i < sizeof planted / sizeof planted[0]; i++)
		setenv(planted[i], "http://127.0.0.1:9/planted", 1);
}

static void raised_privileges_scrub_the_environment(void **state)
{
	(void)state;
	plant();
	privs_scrub_env(1);
	for (size_t i = 0; i < sizeof planted / sizeof planted[0]; i++)
		if (getenv(planted[i]))
			fail_msg("%s survived the scrub", planted[i]);
}

static void ordinary_runs_keep_the_environment(void **state)
{
	(void)state;
	plant();
	privs_scrub_env(0);
	for (size_t i = 0; i < sizeof planted / sizeof planted[0]; i++) {
		assert_non_null(getenv(planted[i]));
		unsetenv(planted[i]);
	}
	assert_int_equal(privs_raised(), 0); /* the test itself is not setuid */
}

/* The XDG places of the database and the config file: the variable when it
 * is absolute, else under HOME; nothing when there is no home. */
static void xdg_paths_follow_the_variable_then_home(void **state)
{
	char out[64];

	(void)state;
	setenv("HOME", "/home/ana", 1);
	setenv("XDG_CONFIG_HOME", "/etc/cfg", 1);
	assert_int_equal(privs_xdg_path("XDG_CONFIG_HOME", ".config", "bbconsole/config", out,
					sizeof out), 0);
	assert_string_equal(out, "/etc/cfg/bbconsole/config");
	setenv("XDG_CONFIG_HOME", "relative/cfg", 1); /* not absolute: ignored */
	assert_int_equal(privs_xdg_path("XDG_CONFIG_HOME", ".config", "bbconsole/config", out,
					sizeof out), 0);
	assert_string_equal(out, "/home/ana/.config/bbconsole/config");
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(privs_xdg_path("XDG_CONFIG_HOME", ".config", "bbconsole/config", out,
					16), -1);
	unsetenv("HOME");
	assert_int_equal(privs_xdg_path("XDG_CONFIG_HOME", ".config", "bbconsole/config", out,
					sizeof out), 1);
}

/* Once the key is in memory the process can neither dump core nor be
 * traced by the same user. */
static void holding_the_key_blocks_core_dumps(void **state)
{
	bb_ctx *ctx = testdb_open("alice");
	const unsigned char *key;
	struct rlimit lim;

	(void)state;
	assert_int_equal(db_key_get(ctx->db, &key, NULL), BB_OK);
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
	assert_int_equal(getrlimit(RLIMIT_CORE, &lim), 0);
	assert_int_equal(lim.rlim_cur, 0);
	testdb_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(raised_privileges_scrub_the_environment),
		cmocka_unit_test(ordinary_runs_keep_the_environment),
		cmocka_unit_test(xdg_paths_follow_the_variable_then_home),
		cmocka_unit_test(holding_the_key_blocks_core_dumps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
