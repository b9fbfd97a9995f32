/* console.h - the full-screen console (bbconsole with no command). */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stdio.h>

#include "ctx.h"

struct tui_keydef;

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

/* Every action's name, a tab, and the keys that do it by default on some
 * screen, space-separated (for the bbconsole(5) check). */
void console_dump_actions(FILE *out);

/* The i-th key table and the screen name a config file knows it by (NULL:
 * not bindable by name); NULL past the last. */
const struct tui_keydef *console_keytable(size_t i, const char **name);

/* The config file: $XDG_CONFIG_HOME/bbconsole/config, else
 * ~/.config/bbconsole/config (under raised privileges: the real user's home,
 * never the environment's). Lines "bind SCREEN|all KEY ACTION",
 * "color ROLE FG BG", "# comment". BB_OK when there is none; BB_USAGE with
 * "PATH line N: what is wrong; see bbconsole(5) ..." for a bad line, or with
 * why the file is not trusted (not a regular file, someone else's, writable
 * by others). Binds and sets colours as it goes (see config.c). */
bb_code console_config_load(bb_err *err);
/* The same for one file (the tests). */
bb_code console_config_file(const char *path, bb_err *err);

#endif
