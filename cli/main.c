/* main.c - bbconsole: parse the command line, open the database, name the
 * acting user, then run one command from the table (or the console). */
#include "cli.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "db.h"
#include "privs.h"
#include "space.h"
#include "util.h"
#include "validate.h"

/* The program's one locale policy: text (database, Bitbucket, the keyboard)
 * is UTF-8 whatever the locale says, and wcwidth and curses need a UTF-8
 * LC_CTYPE to measure and read it; so LC_CTYPE is the environment's when it
 * is UTF-8 and C.UTF-8 otherwise, and every other category stays "C".
 * The console then draws ASCII when the environment's codeset is not UTF-8
 * (tui_init asks it without changing this). */
static void setup_locale(void)
{
	const char *cs = setlocale(LC_CTYPE, "") ? nl_langinfo(CODESET) : NULL;
	int utf8 = cs && strcmp(cs, "UTF-8") == 0;

	cli_set_utf8_terminal(utf8);
	if (!utf8)
		setlocale(LC_CTYPE, "C.UTF-8");
}

/* The login rule is core's; a bad --user is a usage error here. */
static bb_code check_login(const char *name, char *out, size_t size, bb_err *err)
{
	char why[BB_MSG_MAX];
	size_t n = strlen(name);

	if (validate_login(name, err) != BB_OK) {
		snprintf(why, sizeof why, "%s", err->msg);
		return bb_fail(err, BB_USAGE, "%s", why);
	}
	if (n >= size)
		return bb_fail(err, BB_USAGE, "The login %s is too long.", name);
	memcpy(out, name, n + 1);
	return BB_OK;
}

/* --user, else BBCONSOLE_USER, else the OS login. An override is refused
 * under setuid/setgid: it would let anyone act as anyone. */
static bb_code acting_user(const cli *c, char *out, size_t size, bb_err *err)
{
	const char *name = c->user ? c->user : getenv("BBCONSOLE_USER");
	struct passwd *pw;

	if (name && (c->user || *name)) {
		if (privs_raised() || getuid() != geteuid() || getgid() != getegid())
			return bb_fail(err, BB_DENIED, "--user and BBCONSOLE_USER are refused while "
				       "bbconsole runs with raised privileges; run it as yourself.");
		return check_login(name, out, size, err);
	}
	pw = getpwuid(getuid());
	if (!pw)
		return bb_fail(err, BB_DENIED, "Your user id %u has no login name; ask the system "
			       "administrator to add one, or pass --user LOGIN.", (unsigned)getuid());
	return check_login(pw->pw_name, out, size, err);
}

/* --db, else BBCONSOLE_DB, else the default path. */
static bb_code db_path_of(const cli *c, char *path, size_t size, bb_err *err)
{
	const char *env = privs_getenv("BBCONSOLE_DB");

	if (c->db_path)
		snprintf(path, size, "%s", c->db_path);
	else if (env && *env)
		snprintf(path, size, "%s", env);
	else if (db_default_path(path, size, err) != BB_OK)
		return err->code;
	if (!path[0])
		return bb_fail(err, BB_USAGE, "The database path is empty; pass --db PATH.");
	return BB_OK;
}

static bb_code open_db(const cli *c, bb_db **db, bb_err *err)
{
	char path[PATH_MAX];

	if (db_path_of(c, path, sizeof path, err) != BB_OK)
		return err->code;
	/* only init and the console's first-time setup create a database: a
	 * mistyped --db elsewhere must leave no directory or file behind */
	if (c->cmd && c->cmd->readonly)
		return db_open_read(path, db, err);
	if (c->cmd && (c->cmd->group || strcmp(c->cmd->name, "init") != 0))
		return db_open_existing(path, db, err);
	return db_open(path, db, err);
}

static bb_code run_command(cli *c, bb_err *err)
{
	bb_code rc = BB_OK;

	if (c->cmd->needs_user)
		rc = space_require_user(c->ctx, err);
	if (rc == BB_OK)
		rc = c->cmd->run(c, err);
	if (fflush(c->out) != 0 || ferror(c->out)) {
		bb_fail(err, BB_DBERR, "Cannot write the output; check where stdout goes.");
		return rc == BB_OK ? BB_DBERR : rc;
	}
	return rc;
}

/* A fixed clock is input like any other: refused when it is not a time. */
static bb_code check_fixed_now(bb_err *err)
{
	const char *now = util_fixed_now();
	char q[BB_QUOTE_SIZE];

	if (!now || util_valid_time(now))
		return BB_OK;
	validate_quote(now, q, sizeof q);
	return bb_fail(err, BB_USAGE, "BBCONSOLE_NOW is \"%s\", not a UTC time such as "
		       "2026-11-24T09:30:00.000Z; fix or unset it.", q);
}

static int run(cli *c, int argc, char **argv, bb_err *err)
{
	bb_ctx ctx = {0};
	int rc;

	if (check_fixed_now(err) != BB_OK)
		return err->code;
	if (!c->cmd && (rc = console_check_terminal()) != 0)
		return rc; /* before the database: a refused console creates nothing */
	if (acting_user(c, ctx.user, sizeof ctx.user, err) != BB_OK ||
	    open_db(c, &ctx.db, err) != BB_OK)
		return err->code;
	c->ctx = &ctx;
	if (c->cmd)
		rc = run_command(c, err);
	else
		rc = console_main(&ctx, argc, argv);
	db_close(ctx.db);
	return rc;
}

/* `bbconsole --complete WORD... CURRENT` for the shell completions: --db and
 * --user among the words count as they would for the command; the database
 * is only read (a missing one gives no names), and nothing goes to stderr. */
static int complete(int n, char **words)
{
	char path[PATH_MAX];
	bb_ctx ctx = {0};
	bb_err err = {0};
	cli c = {0};

	for (int i = 0; i + 1 < n; i++) {
		if (strcmp(words[i], "--db") == 0)
			c.db_path = words[i + 1];
		else if (strcmp(words[i], "--user") == 0)
			c.user = words[i + 1];
	}
	if (acting_user(&c, ctx.user, sizeof ctx.user, &err) == BB_OK &&
	    db_path_of(&c, path, sizeof path, &err) == BB_OK &&
	    db_open_read(path, &ctx.db, &err) == BB_OK)
		c.ctx = &ctx;
	cli_complete(&c, n, words, stdout);
	db_close(ctx.db);
	return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	static char outbuf[1 << 16];
	cli c = {0};
	bb_err err = {0};
	int rc;

	/* before anything reads the environment, libcurl included */
	privs_scrub_env(privs_raised());
	setup_locale();
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	c.out = stdout;
	if (argc > 1 && strcmp(argv[1], "--complete") == 0)
		return complete(argc - 2, argv + 2);
	rc = cli_parse(&c, argc, argv, &err);
	if (rc == BB_OK && c.version)
		printf("bbconsole %s (database schema %d)\n", BB_VERSION, db_schema_version());
	else if (rc == BB_OK && c.help)
		cli_print_help(&c, stdout);
	else if (rc == BB_OK && c.dump_keys)
		console_dump_keys(stdout);
	else if (rc == BB_OK && c.dump_actions)
		console_dump_actions(stdout);
	else if (rc == BB_OK)
		rc = run(&c, argc, argv, &err);
	if (rc != BB_OK && err.code != BB_OK)
		cli_print_error(&err);
	cli_free(&c);
	return rc;
}
