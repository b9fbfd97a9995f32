/* testdb.h - a throw-away database for unit tests.
 *
 * Each call to testdb_open makes a fresh database in its own mkdtemp
 * directory; testdb_close removes the files and the directory. Failures abort
 * the running cmocka test. */
#ifndef BB_TESTDB_H
#define BB_TESTDB_H

#include "ctx.h"

/* A fresh, migrated database with ctx->user = user. Free with testdb_close. */
bb_ctx *testdb_open(const char *user);

/* account_init("Acme", plan, "https://webhooks.acme.example") as ctx->user,
 * who thereby becomes admin of root. plan NULL means free. */
void testdb_init_account(bb_ctx *ctx, const char *plan);

/* Switches the acting user. */
void testdb_as(bb_ctx *ctx, const char *user);

/* The directory holding the database (for tests that open a second
 * connection or inspect files). */
const char *testdb_dir(const bb_ctx *ctx);

/* Closes the database, removes its files and directory, frees ctx. */
void testdb_close(bb_ctx *ctx);

/* A code's name for failure messages ("not found"). */
const char *testdb_code_name(bb_code code);

#endif
