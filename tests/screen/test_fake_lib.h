/* test_fake_lib.h - the console against the fake Bitbucket server: one server
 * per test binary (group set-up), and per test a fresh database, optionally
 * with "Prod BB" holding the server's credentials. */
#ifndef TEST_FAKE_LIB_H
#define TEST_FAKE_LIB_H

#include "test_console_lib.h"

#include "../fake/spawn.h"

#define FAKE_TOKEN "tok_screen_test_0123456789"

static fake_server srv;

static const char *const srv_args[] = {"--email", "ops@acme.example", "--token", FAKE_TOKEN,
				       "--workspaces", "2", "--repos", "3", "--idle", "120",
				       NULL};

static int group_setup(void **state)
{
	(void)state;
	if (fake_start(&srv, srv_args) != 0)
		return -1;
	setenv("BBCONSOLE_BACKOFF_MS", "5", 1);
	setenv("BBCONSOLE_HTTP_TIMEOUT_MS", "30000", 1); /* far above any wait in a test */
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fake_stop(&srv);
	return 0;
}

/* A fresh account on a good server (a test may point elsewhere afterwards). */
static __attribute__((unused)) int setup_empty(void **state)
{
	if (con_setup(state) != 0)
		return -1;
	setenv("BBCONSOLE_BITBUCKET_API", srv.base, 1);
	cliexec_init(*state, NULL);
	return fake_control(&srv, "mode=ok&count=-1&match=&latency=0") == 200 ? 0 : -1;
}

/* The same with "Prod BB", which holds the server's credentials. */
static __attribute__((unused)) int setup(void **state)
{
	if (setup_empty(state) != 0)
		return -1;
	con_integration(*state, "Prod BB", NULL, NULL, NULL);
	return 0;
}

#endif
