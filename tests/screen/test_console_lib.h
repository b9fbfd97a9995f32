/* test_console_lib.h - helpers shared by the console's screen tests: start
 * the real binary on a pseudo-terminal over a test database, seed data through
 * the command line, wait for text with a deadline. Static functions only, so
 * each test_console_*.c stays one self-contained binary. */
#ifndef TEST_CONSOLE_LIB_H
#define TEST_CONSOLE_LIB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cliexec.h"
#define WAIT_MS 8000
#include "vt.h"
#include "vt_assert.h"

#define TOKEN "tok_screen_test_0123456789\n"

static __attribute__((unused)) int con_setup(void **state)
{
	cliexec_home *h = calloc(1, sizeof *h);

	if (!h)
		return -1;
	cliexec_home_make(h);
	*state = h;
	return 0;
}

static __attribute__((unused)) int con_teardown(void **state)
{
	cliexec_home_remove(*state);
	free(*state);
	return 0;
}

/* The console as `user` on h's database at cols x rows; extra: one more
 * environment entry ("NO_COLOR=1") or NULL. */
static __attribute__((unused)) vt *con_spawn(const cliexec_home *h, const char *user, int cols, int rows,
		     const char *extra)
{
	static char db[PATH_MAX + 64], usr[128];
	const char *bin = getenv("BBCONSOLE_BIN");
	const char *argv[] = {bin, NULL};
	const char *env[] = {db, usr, "BBCONSOLE_NOW=", extra, NULL};
	vt *v;

	assert_non_null(bin);
	/* Never the real Bitbucket: a closed local port unless a test set a fake. */
	setenv("BBCONSOLE_BITBUCKET_API", "http://127.0.0.1:1/2.0", 0);
	snprintf(db, sizeof db, "BBCONSOLE_DB=%s", h->db);
	snprintf(usr, sizeof usr, "BBCONSOLE_USER=%s", user);
	v = vt_spawn(argv, env, NULL, cols, rows);
	assert_non_null(v);
	return v;
}

/* Quits from a list screen and checks the program ended well. */
static __attribute__((unused)) void con_quit(vt *v)
{
	int status = -1;

	vt_key(v, "q");
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	vt_free(v);
}

/* A default integration (space NULL) or a space one, through the command line. */
static __attribute__((unused)) void con_integration(const cliexec_home *h, const char *name, const char *space,
			    const char *label, const char *description)
{
	cliexec_result r = {0};
	const char *args[24];
	size_t n = 0;

	args[n++] = "integration", args[n++] = "create", args[n++] = "--name", args[n++] = name;
	if (space)
		args[n++] = "--space", args[n++] = space;
	else
		args[n++] = "--default";
	args[n++] = "--email", args[n++] = "ops@acme.example", args[n++] = "--token-stdin";
	if (label)
		args[n++] = "--label", args[n++] = label;
	if (description)
		args[n++] = "--description", args[n++] = description;
	args[n] = NULL;
	cliexec_argv(h, &r, "alice", TOKEN, args);
	cliexec_assert_ok(&r);
	cliexec_free(&r);
}

/* Runs a command as alice and asserts it succeeded. */
#define CON_CLI(h, ...)                                                 \
	do {                                                            \
		cliexec_result r_ = {0};                                \
		cliexec((h), &r_, "alice", NULL, __VA_ARGS__, NULL);    \
		cliexec_assert_ok(&r_);                                 \
		cliexec_free(&r_);                                      \
	} while (0)

/* `integration show NAME --json` as alice, parsed. */
static __attribute__((unused)) cJSON *con_show(const cliexec_home *h, const char *name)
{
	cliexec_result r = {0};
	cJSON *j;

	cliexec(h, &r, "alice", NULL, "integration", "show", name, "--json", NULL);
	cliexec_assert_ok(&r);
	j = cliexec_json(&r);
	cliexec_free(&r);
	return j;
}

static __attribute__((unused)) const char *con_jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Sends text then a named key. */
static __attribute__((unused)) void con_type(vt *v, const char *text, const char *key)
{
	if (text)
		vt_send(v, text);
	if (key)
		vt_key(v, key);
}

#endif
