#include "testdb.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"

/* The ctx handed out is the first member, so testdb_close can find the dir. */
typedef struct testdb {
	bb_ctx ctx;
	char dir[PATH_MAX];
} testdb;

static const char *const db_files[] = {
	"console.db", "console.db-wal", "console.db-shm", "console.db.key",
};

bb_ctx *testdb_open(const char *user)
{
	const char *tmp = getenv("TMPDIR");
	testdb *t = calloc(1, sizeof *t);
	char path[PATH_MAX + 16];
	bb_err err;

	assert_non_null(t);
	snprintf(t->dir, sizeof t->dir, "%s/bbtestXXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(t->dir));
	snprintf(path, sizeof path, "%s/console.db", t->dir);
	bb_err_clear(&err);
	if (db_open(path, &t->ctx.db, &err) != BB_OK)
		fail_msg("db_open: %s", err.msg);
	testdb_as(&t->ctx, user);
	return &t->ctx;
}

void testdb_init_account(bb_ctx *ctx, const char *plan)
{
	bb_err err;

	bb_err_clear(&err);
	if (account_init(ctx, "Acme", plan, "https://webhooks.acme.example", &err) != BB_OK)
		fail_msg("account_init: %s", err.msg);
}

void testdb_as(bb_ctx *ctx, const char *user)
{
	snprintf(ctx->user, sizeof ctx->user, "%s", user ? user : "");
}

const char *testdb_dir(const bb_ctx *ctx)
{
	return ((const testdb *)(const void *)ctx)->dir;
}

void testdb_close(bb_ctx *ctx)
{
	testdb *t = (testdb *)(void *)ctx;
	char path[PATH_MAX + 32];

	if (!t)
		return;
	db_close(t->ctx.db);
	for (size_t i = 0; i < sizeof db_files / sizeof db_files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", t->dir, db_files[i]);
		unlink(path);
	}
	rmdir(t->dir);
	free(t);
}

const char *testdb_code_name(bb_code code)
{
	switch (code) {
	case BB_OK: return "ok";
	case BB_USAGE: return "usage";
	case BB_INVALID: return "invalid";
	case BB_NOTFOUND: return "not found";
	case BB_REMOTE: return "remote";
	case BB_DBERR: return "database";
	case BB_TEMP: return "temporary";
	case BB_DENIED: return "denied";
	}
	return "unknown";
}
