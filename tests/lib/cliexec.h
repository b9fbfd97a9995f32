/* cliexec.h - runs the real bbconsole binary ($BBCONSOLE_BIN) for the
 * command-line tests: argv as an array (posix_spawn, no shell), stdin text,
 * environment overrides; captures stdout, stderr and the exit status.
 *
 * A "home" is a mkdtemp directory holding the database of one test. The
 * helpers that take a home abort the running cmocka test when the program
 * cannot be started at all. */
#ifndef BB_CLIEXEC_H
#define BB_CLIEXEC_H

#include <limits.h>
#include <stddef.h>

#include <cJSON.h>

typedef struct cliexec_result {
	int status; /* the exit status, or 128 + signal */
	char *out;  /* stdout, NUL-terminated */
	char *err;  /* stderr, NUL-terminated */
	size_t out_len, err_len;
} cliexec_result;

/* args: NULL-terminated, without argv[0]. input: stdin text, or NULL for an
 * empty stdin. env: NULL-terminated "NAME=VALUE" entries that replace or add
 * to the environment; a bare "NAME" removes it. Returns 0, or -1 when the
 * program cannot be run. */
int cliexec_run(const char *const *args, const char *input, const char *const *env,
		cliexec_result *r);
void cliexec_free(cliexec_result *r);

typedef struct cliexec_home {
	char dir[PATH_MAX];
	char db[PATH_MAX + 32]; /* <dir>/data/console.db */
} cliexec_home;

void cliexec_home_make(cliexec_home *h);
/* Removes the directory and everything in it. */
void cliexec_home_remove(cliexec_home *h);
/* A cmocka teardown for a state that is a calloc'd home: removes it, frees it. */
int cliexec_teardown(void **state);

/* Runs bbconsole as `user` (BBCONSOLE_USER) on h's database (BBCONSOLE_DB).
 * The arguments after input are the command line, ending with NULL. Frees
 * what r held before. */
void cliexec(const cliexec_home *h, cliexec_result *r, const char *user, const char *input, ...)
	__attribute__((sentinel));

/* The same with the command line as a NULL-terminated array (at most 256). */
void cliexec_argv(const cliexec_home *h, cliexec_result *r, const char *user, const char *input,
		  const char *const *args);

/* `init` as alice (admin of root) with the given plan ("free" if NULL). */
void cliexec_init(const cliexec_home *h, const char *plan);

/* stdout parsed as JSON; fails the test when it is not one JSON document. */
cJSON *cliexec_json(const cliexec_result *r);
/* The string member key of o; fails the running test when it is not one. */
const char *cliexec_str(const cJSON *o, const char *key);

/* Fails the test unless the run exited with `status` and stderr is exactly
 * one line "bbconsole: ..." containing `word` (NULL: any). */
void cliexec_assert_refused(const cliexec_result *r, int status, const char *word);

/* Fails the test unless the run exited 0 (shows stderr otherwise). */
void cliexec_assert_ok(const cliexec_result *r);

#endif
