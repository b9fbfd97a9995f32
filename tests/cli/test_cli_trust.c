/* Command-line tests of what bbconsole refuses to trust: planted and foreign
 * files, the environment under raised privileges (a setgid copy run as
 * nobody), a fixed clock that is not a time, an unwritable place or a full
 * disk said as such, rotating a secret without confirmation, and imports
 * that would take unbounded memory.
 *
 * Running as another user and making a setgid copy need root, which is how
 * `make check` runs (it installs its packages with apt-get first). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cliexec.h"
#include "vt.h"

#define NOBODY 65534
#define PRIV_GROUP 12345 /* the group a setgid copy runs as; nobody is not in it */
#define TOKEN_LINE "tok_trust_test_0123456789\n"

static int setup(void **state)
{
	cliexec_home *h = calloc(1, sizeof *h);

	if (!h)
		return -1;
	cliexec_home_make(h);
	*state = h;
	return 0;
}

static char saved_bin[4096]; /* BBCONSOLE_BIN as run.sh set it */

static int teardown(void **state)
{
	setenv("BBCONSOLE_BIN", saved_bin, 1); /* a failed test may have left a script */
	cliexec_home_remove(*state);
	free(*state);
	return 0;
}

static void need_root(void)
{
	if (geteuid() != 0)
		fail_msg("this test runs bbconsole as another user and needs root (as make check "
			 "runs); run it as root");
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

/* The whole content of a file, malloc'd, for before/after comparisons. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	buf = malloc(*len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *len, f), *len);
	fclose(f);
	return buf;
}

/* A script that runs the real binary (or `bin`) through `who` (setpriv,
 * or ""), after `before` (shell commands, may be ""); BBCONSOLE_BIN points
 * at it until restore_bin(). */
static void run_through(const cliexec_home *h, const char *name, const char *before,
			const char *who, const char *bin)
{
	char path[sizeof h->dir + 64], text[8192];

	snprintf(path, sizeof path, "%s/%s", h->dir, name);
	snprintf(text, sizeof text, "#!/bin/sh\n%s\nexec %s %s \"$@\"\n", before, who,
		 bin ? bin : saved_bin);
	write_file(path, text, 0755);
	setenv("BBCONSOLE_BIN", path, 1);
}

static void restore_bin(void)
{
	setenv("BBCONSOLE_BIN", saved_bin, 1);
}

#define AS_NOBODY "setpriv --reuid=65534 --regid=65534 --clear-groups"

/* A directory of nobody's inside the (root-only) home. */
static void nobody_dir(const cliexec_home *h, const char *name, char *out, size_t size)
{
	assert_int_equal(chmod(h->dir, 0711), 0);
	snprintf(out, size, "%s/%s", h->dir, name);
	assert_int_equal(mkdir(out, 0700), 0);
	assert_int_equal(chown(out, NOBODY, NOBODY), 0);
}

/* Runs args with env (cliexec_run's conventions), BBCONSOLE_USER removed. */
static void run_env(cliexec_result *r, const char *input, const char *const *env,
		    const char *const *args)
{
	cliexec_free(r);
	assert_int_equal(cliexec_run(args, input, env, r), 0);
}

static void make_sqlite(const char *path)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE note (body TEXT); INSERT INTO note "
				      "VALUES ('keep me')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(chmod(path, 0600), 0);
}

/* ---- planted and foreign files ------------------------------------------- */

static void planted_database_is_refused(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char dir[sizeof h->dir + 16];

	snprintf(dir, sizeof dir, "%s/data", h->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file(h->db, "", 0666); /* left there by someone else, for us to fill */
	cliexec(h, &r, "alice", NULL, "init", "--account", "Acme", "--webhook-base",
		"https://webhooks.acme.example", NULL);
	cliexec_assert_refused(&r, 73, "other users");
	cliexec_free(&r);
}

static void space_list_leaves_a_foreign_file_alone(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char dir[sizeof h->dir + 16], *before, *after;
	size_t n1, n2;
	snprintf(dir, sizeof dir, "%s/data", h->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	/* a SQLite file of some other program */
	make_sqlite(h->db);
	before = slurp(h->db, &n1);
	cliexec(h, &r, "alice", NULL, "space", "list", NULL);
	cliexec_assert_refused(&r, 73, "not a bbconsole database");
	cliexec(h, &r, "alice", NULL, "integration", "list", NULL);
	cliexec_assert_refused(&r, 73, "not a bbconsole database");
	after = slurp(h->db, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	free(before);
	free(after);
	cliexec_free(&r);
}

static void listings_create_nothing(void **state)
{
	static const char *const lists[][3] = {
		{"space", "list", NULL}, {"user", "list", NULL}, {"integration", "list", NULL},
		{"stack", "list", NULL}, {"audit", NULL, NULL},
	};
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char dir[sizeof h->dir + 16];
	struct stat st;

	snprintf(dir, sizeof dir, "%s/data", h->dir);
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		cliexec_argv(h, &r, "alice", NULL, lists[i]);
		cliexec_assert_refused(&r, 66, "bbconsole init");
		assert_int_not_equal(stat(dir, &st), 0); /* no directory, database or key */
	}
	cliexec_free(&r);
}

/* ---- raised privileges: a setgid copy run by nobody ----------------------- */

typedef struct sgid {
	char bin[PATH_MAX + 64], dir[PATH_MAX + 16], db[PATH_MAX + 32];
} sgid;

/* The release build beside the tested one (build/asan/bbconsole ->
 * build/release/bbconsole): the sanitizers cannot run setgid (they read
 * their options and trace threads through /proc, which the kernel closes to
 * such a process), so the setgid copy is made from the release build, which
 * `make check` builds first. */
static char *release_image(size_t *len)
{
	char path[4096 + 32], *slash;

	snprintf(path, sizeof path, "%s", saved_bin);
	for (int i = 0; i < 2 && (slash = strrchr(path, '/')); i++)
		*slash = '\0';
	snprintf(path + strlen(path), sizeof path - strlen(path), "/release/bbconsole");
	if (access(path, X_OK) != 0)
		fail_msg("%s is missing: run make build-release first", path);
	return slurp(path, len);
}

/* A setgid copy of the binary, run as nobody through a script, and a
 * database of nobody's made through it. */
static void sgid_make(const cliexec_home *h, sgid *s)
{
	cliexec_result r = {0};
	size_t len;
	char *image = release_image(&len);
	char sub[PATH_MAX + 16];
	FILE *f;

	need_root();
	nobody_dir(h, "nob", s->dir, sizeof s->dir);
	snprintf(sub, sizeof sub, "%s/sg", h->dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(s->bin, sizeof s->bin, "%s/bbconsole", sub);
	f = fopen(s->bin, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(image, 1, len, f), len);
	fclose(f);
	free(image);
	assert_int_equal(chown(s->bin, 0, PRIV_GROUP), 0);
	assert_int_equal(chmod(s->bin, 02755), 0);
	snprintf(s->db, sizeof s->db, "%s/console.db", s->dir);
	run_through(h, "as-nobody-sgid", "", AS_NOBODY, s->bin);
	{
		const char *env[] = {"BBCONSOLE_USER", "BBCONSOLE_NOW", NULL};
		const char *args[] = {"--db", s->db, "init", "--account", "Acme", "--webhook-base",
				      "https://webhooks.acme.example", NULL};

		run_env(&r, NULL, env, args);
		cliexec_assert_ok(&r);
	}
	cliexec_free(&r);
}

static void setgid_ignores_the_callers_environment(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char decoy[sizeof h->dir + 32], denv[sizeof decoy + 16];
	struct stat st;
	cJSON *doc;
	sgid s;

	sgid_make(h, &s);
	snprintf(decoy, sizeof decoy, "%s/decoy/console.db", h->dir);
	snprintf(denv, sizeof denv, "BBCONSOLE_DB=%s", decoy);
	{
		/* a back-dated audit entry carrying an escape sequence */
		const char *env[] = {"BBCONSOLE_USER", "BBCONSOLE_NOW=2001-01-01T00:00:00Z\033[2J",
				     NULL};
		const char *args[] = {"--db", s.db, "space", "create", "lab", NULL};

		run_env(&r, NULL, env, args);
		cliexec_assert_ok(&r);
	}
	{
		const char *env[] = {"BBCONSOLE_USER", "BBCONSOLE_NOW", NULL};
		const char *args[] = {"--db", s.db, "audit", "--json", NULL};

		run_env(&r, NULL, env, args);
		cliexec_assert_ok(&r);
		doc = cliexec_json(&r);
		for (int i = 0; i < cJSON_GetArraySize(doc); i++) {
			const char *at = cJSON_GetObjectItem(cJSON_GetArrayItem(doc, i), "at")
						 ->valuestring;
			assert_null(strstr(at, "2001"));
			assert_null(strchr(at, '\033'));
		}
		cJSON_Delete(doc);
	}
	{
		/* BBCONSOLE_DB names a database elsewhere: not used, not created */
		const char *env[] = {"BBCONSOLE_USER", "BBCONSOLE_NOW", denv, NULL};
		const char *args[] = {"space", "list", NULL};

		run_env(&r, NULL, env, args);
		assert_int_not_equal(r.status, 0);
		assert_int_not_equal(stat(decoy, &st), 0);
	}
	restore_bin();
	cliexec_free(&r);
}

static void setgid_import_reads_only_what_the_caller_may(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char file[sizeof h->dir + 32];
	sgid s;

	sgid_make(h, &s);
	/* readable by the program's group, not by nobody */
	snprintf(file, sizeof file, "%s/group-only.jsonl", h->dir);
	write_file(file, "{\"name\":\"a\",\"space\":\"secret-space-name\",\"integration\":\"x\","
		   "\"repository\":\"acme/a\"}\n", 0640);
	assert_int_equal(chown(file, 0, PRIV_GROUP), 0);
	{
		const char *env[] = {"BBCONSOLE_USER", "BBCONSOLE_NOW", NULL};
		const char *args[] = {"--db", s.db, "stack", "import", file, NULL};

		run_env(&r, NULL, env, args);
		cliexec_assert_refused(&r, 66, "Permission denied");
		assert_null(strstr(r.err, "secret-space-name"));
	}
	restore_bin();
	cliexec_free(&r);
}

/* ---- a fixed clock is input too ----------------------------------------- */

static void fixed_clock_must_be_a_time(void **state)
{
	static const char *const bad[] = {
		"BBCONSOLE_NOW=2026-11-24T09:30:00.000Z\033[31m", "BBCONSOLE_NOW=2026-02-31T00:00:00Z",
		"BBCONSOLE_NOW=yesterday", "BBCONSOLE_NOW=2026-11-24 09:30:00Z",
		"BBCONSOLE_NOW=2026-11-24T25:00:00Z",
	};
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char db[sizeof h->db + 16];
	cJSON *doc;

	cliexec_init(h, NULL);
	snprintf(db, sizeof db, "BBCONSOLE_DB=%s", h->db);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *env[] = {db, "BBCONSOLE_USER=alice", bad[i], NULL};
		const char *args[] = {"space", "create", "lab", NULL};

		run_env(&r, NULL, env, args);
		cliexec_assert_refused(&r, 64, "BBCONSOLE_NOW");
		assert_null(strchr(r.err, '\033'));
	}
	{
		const char *env[] = {db, "BBCONSOLE_USER=alice", "BBCONSOLE_NOW=2026-11-24T09:30:00Z",
				     NULL};
		const char *args[] = {"space", "create", "lab", NULL};
		const char *list[] = {"audit", "--json", "--limit", "1", NULL};

		run_env(&r, NULL, env, args);
		cliexec_assert_ok(&r);
		run_env(&r, NULL, env, list);
		doc = cliexec_json(&r);
		assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(doc, 0), "at")->valuestring,
				    "2026-11-24T09:30:00Z");
		cJSON_Delete(doc);
	}
	cliexec_free(&r);
}

/* ---- the file system's errors are not "damaged" ---------------------------- */

static void readonly_directory_is_said_as_such(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char dir[sizeof h->dir + 16], db[sizeof dir + 16];
	const char *env[] = {"BBCONSOLE_USER", "BBCONSOLE_NOW", NULL};

	need_root();
	nobody_dir(h, "ro", dir, sizeof dir);
	snprintf(db, sizeof db, "%s/console.db", dir);
	run_through(h, "as-nobody", "", AS_NOBODY, NULL);
	{
		const char *args[] = {"--db", db, "init", "--account", "Acme", "--webhook-base",
				      "https://webhooks.acme.example", NULL};

		run_env(&r, NULL, env, args);
		cliexec_assert_ok(&r);
	}
	assert_int_equal(chmod(dir, 0500), 0);
	{
		const char *args[] = {"--db", db, "space", "create", "lab", NULL};

		run_env(&r, NULL, env, args);
		cliexec_assert_refused(&r, 73, "writable");
		assert_null(strstr(r.err, "damaged"));
	}
	assert_int_equal(chmod(dir, 0700), 0);
	restore_bin();
	cliexec_free(&r);
}

static void full_disk_is_said_as_such(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};

	/* files may not grow past 8 KiB: the first 16 KiB page cannot be written */
	run_through(h, "small-disk", "ulimit -f 16; trap '' XFSZ", "", NULL);
	cliexec(h, &r, "alice", NULL, "init", "--account", "Acme", "--webhook-base",
		"https://webhooks.acme.example", NULL);
	restore_bin();
	cliexec_assert_refused(&r, 73, "no space left");
	assert_null(strstr(r.err, "damaged"));
	cliexec_free(&r);
}

/* ---- rotate-secret asks ------------------------------------------------------ */

static void create_prod(const cliexec_home *h)
{
	cliexec_result r = {0};

	cliexec_init(h, NULL);
	cliexec(h, &r, "alice", TOKEN_LINE, "integration", "create", "--name", "Prod BB",
		"--default", "--email", "ops@acme.example", "--token-stdin", NULL);
	cliexec_assert_ok(&r);
	cliexec_free(&r);
}

static char *secret_of(const cliexec_home *h)
{
	cliexec_result r = {0};
	cJSON *doc;
	char *secret;

	cliexec(h, &r, "alice", NULL, "integration", "show", "prod-bb", "--reveal-secret",
		"--json", NULL);
	doc = cliexec_json(&r);
	secret = strdup(cJSON_GetObjectItem(doc, "webhook_secret")->valuestring);
	cJSON_Delete(doc);
	cliexec_free(&r);
	return secret;
}

/* The command on a terminal, answering `answer`; returns its exit status. */
static int rotate_on_a_terminal(const cliexec_home *h, const char *answer)
{
	char db[sizeof h->db + 16];
	const char *argv[] = {getenv("BBCONSOLE_BIN"), "integration", "rotate-secret", "prod-bb",
			      NULL};
	const char *env[] = {db, "BBCONSOLE_USER=alice", "BBCONSOLE_NOW=", NULL};
	int status = -1;
	vt *v;

	snprintf(db, sizeof db, "BBCONSOLE_DB=%s", h->db);
	v = vt_spawn(argv, env, NULL, 100, 10);
	assert_non_null(v);
	assert_true(vt_wait_text(v, "[y/N]", 8000));
	vt_send(v, answer);
	vt_key(v, "Enter");
	assert_true(vt_wait_exit(v, &status, 8000));
	vt_free(v);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void rotate_secret_asks_first(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char *before, *after;

	create_prod(h);
	before = secret_of(h);
	cliexec(h, &r, "alice", NULL, "integration", "rotate-secret", "prod-bb", NULL);
	cliexec_assert_refused(&r, 65, "--yes");
	assert_int_equal(rotate_on_a_terminal(h, "n"), 65);
	after = secret_of(h);
	assert_string_equal(before, after);
	free(after);
	assert_int_equal(rotate_on_a_terminal(h, "y"), 0);
	after = secret_of(h);
	assert_string_not_equal(before, after);
	free(after);
	free(before);
	cliexec_free(&r);
}

/* ---- imports keep memory bounded --------------------------------------------- */

static void import_of_a_huge_line_stays_small(void **state)
{
	cliexec_home *h = *state;
	cliexec_result r = {0};
	char path[sizeof h->dir + 32];
	struct rusage ru;
	char *chunk = malloc(1 << 20);
	FILE *f;

	assert_non_null(chunk);
	memset(chunk, 'x', 1 << 20);
	cliexec_init(h, NULL);
	snprintf(path, sizeof path, "%s/huge.jsonl", h->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"name\":\"a\",\"description\":\"", f);
	for (int i = 0; i < 100; i++) /* 100 MiB on one line */
		assert_int_equal(fwrite(chunk, 1, 1 << 20, f), 1 << 20);
	fputs("\"}\n", f);
	fclose(f);
	free(chunk);
	cliexec(h, &r, "alice", NULL, "stack", "import", path, NULL);
	cliexec_assert_refused(&r, 65, "Line 1 is longer");
	assert_int_equal(getrusage(RUSAGE_CHILDREN, &ru), 0);
	/* the largest child so far: far below the file's 100 MiB */
	if (ru.ru_maxrss > 60 * 1024)
		fail_msg("a child used %ld KiB", ru.ru_maxrss);
	print_message("largest child: %ld KiB for a 100 MiB line\n", ru.ru_maxrss);
	unlink(path);
	cliexec_free(&r);
}

int main(void)
{
	const char *bin = getenv("BBCONSOLE_BIN");
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(planted_database_is_refused),
		T(space_list_leaves_a_foreign_file_alone),
		T(listings_create_nothing),
		T(setgid_ignores_the_callers_environment),
		T(setgid_import_reads_only_what_the_caller_may),
		T(fixed_clock_must_be_a_time),
		T(readonly_directory_is_said_as_such),
		T(full_disk_is_said_as_such),
		T(rotate_secret_asks_first),
		T(import_of_a_huge_line_stays_small),
	};

	snprintf(saved_bin, sizeof saved_bin, "%s", bin ? bin : "");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
