/* console.h - the full-screen console (bbconsole with no command). */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stdio.h>

#include "ctx.h"

/* Opens the console on ctx: the first-time setup when the database has no
 * account, else the integrations list (after offering to resume a draft).
 * Returns the process exit status. */
int console_main(bb_ctx *ctx, int argc, char **argv);
/* 0 when the terminal can run the console; else says why on stderr (one
 * sentence pointing to the commands) and returns BB_USAGE. Called before
 * the database is opened, so a refused console creates nothing. */
int console_check_terminal(void);

/* Prints every screen's key table, one after another under the screen's
 * title (for the man page drift check). */
void console_dump_keys(FILE *out);

#endif
