/* config.c - the console's config file: keys bound to named actions per
 * screen, and colours per theme role. See bbconsole(5).
 *
 * A bad line stops the console before it starts (exit 64) with one sentence
 * naming the file, the line and what is wrong: a binding silently ignored
 * would leave the user pressing a key that does nothing. The file rebinds
 * what keys do, so it is read only when it is the user's own regular file
 * that nobody else may write, and under raised privileges its place is taken
 * from the password database, never from HOME or XDG_CONFIG_HOME. */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "privs.h"
#include "scr.h"

#define LINE_MAX_LEN 1024
#define SEE " see bbconsole(5) for "

static bb_code config_path(char *out, size_t size, bb_err *err)
{
	int rc = privs_xdg_path("XDG_CONFIG_HOME", ".config", "bbconsole/config", out, size);

	if (rc > 0)
		return BB_NOTFOUND; /* nowhere to look: the defaults */
	if (rc < 0)
		return bb_fail(err, BB_USAGE, "The config file's path is too long; shorten "
			       "XDG_CONFIG_HOME or HOME.");
	return BB_OK;
}

/* Opens path for reading if it may be trusted; NULL with err (BB_NOTFOUND
 * when there is no file). */
static FILE *config_open(const char *path, bb_err *err)
{
	int fd = privs_raised() ? privs_open_as_caller(path, O_RDONLY | O_CLOEXEC)
				: open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	FILE *f;

	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			bb_fail(err, BB_NOTFOUND, "There is no config file %s.", path);
		else
			bb_fail(err, BB_USAGE, "Cannot read the config file %s (%s); fix its "
				"permissions or move it away.", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		bb_fail(err, BB_USAGE, "The config file %s is not a regular file; make it one or "
			"move it away.", path);
	else if (st.st_uid != getuid())
		bb_fail(err, BB_USAGE, "The config file %s belongs to another user (uid %u), who "
			"could change what your keys do; use a file of your own.", path,
			(unsigned)st.st_uid);
	else if (st.st_mode & 022)
		bb_fail(err, BB_USAGE, "The config file %s may be changed by other users (mode "
			"%04o); run chmod go-w on it.", path, (unsigned)(st.st_mode & 07777));
	else if ((f = fdopen(fd, "r")) != NULL)
		return f;
	else
		bb_fail(err, BB_USAGE, "Cannot read the config file %s (%s).", path,
			strerror(errno));
	close(fd);
	return NULL;
}

/* Whether a screen called name (or "all") has action; *known: the name is
 * a screen at all. */
static bool screen_has(const char *name, int action, bool *known)
{
	const tui_keydef *t;
	const char *tname;
	bool all = strcmp(name, "all") == 0, has = false;

	*known = all;
	for (size_t i = 0; (t = console_keytable(i, &tname)) != NULL; i++) {
		if (!all && (!tname || strcmp(tname, name) != 0))
			continue;
		*known = true;
		has = has || action == TUI_ACT_NONE || tui_keytable_has(t, action);
	}
	return has;
}

static void bind_on(const char *name, tui_key key, int action)
{
	const tui_keydef *t;
	const char *tname;

	if (strcmp(name, "all") == 0) {
		tui_keytable_bind(NULL, key, action);
		return;
	}
	for (size_t i = 0; (t = console_keytable(i, &tname)) != NULL; i++)
		if (tname && strcmp(tname, name) == 0 &&
		    (action == TUI_ACT_NONE || tui_keytable_has(t, action)))
			tui_keytable_bind(t, key, action);
}

/* "bind SCREEN KEY ACTION"; what is wrong into why (empty when fine). */
static void line_bind(char **w, int n, char *why, size_t size)
{
	tui_key key;
	int action;
	bool known;

	if (n != 4) {
		snprintf(why, size, "bind takes a screen, a key and an action, like \"bind home x "
			 "new\";" SEE "them");
		return;
	}
	key = tui_key_parse(w[2]);
	action = strcmp(w[3], "none") == 0 ? TUI_ACT_NONE : tui_action_id(w[3]);
	if (!key)
		snprintf(why, size, "unknown key \"%.40s\";" SEE "the key names", w[2]);
	else if (action == TUI_ACT_NONE && strcmp(w[3], "none") != 0)
		snprintf(why, size, "unknown action \"%.40s\";" SEE "the actions", w[3]);
	else if (!screen_has(w[1], action, &known) && !known)
		snprintf(why, size, "unknown screen \"%.40s\";" SEE "the screens", w[1]);
	else if (!screen_has(w[1], action, &known))
		snprintf(why, size, "the %s screen has no action \"%s\";" SEE "what each screen "
			 "does", w[1], w[3]);
	else
		bind_on(w[1], key, action);
}

/* "color ROLE FG BG". */
static void line_color(char **w, int n, char *why, size_t size)
{
	int role, fg, bg;

	if (n != 4) {
		snprintf(why, size, "color takes a role, a foreground and a background, like "
			 "\"color hint-key yellow default\";" SEE "them");
		return;
	}
	role = tui_role_parse(w[1]);
	if (role < 0)
		snprintf(why, size, "unknown colour role \"%.40s\";" SEE "the roles", w[1]);
	else if (!tui_color_parse(w[2], &fg))
		snprintf(why, size, "unknown colour \"%.40s\";" SEE "the colour names", w[2]);
	else if (!tui_color_parse(w[3], &bg))
		snprintf(why, size, "unknown colour \"%.40s\";" SEE "the colour names", w[3]);
	else
		tui_theme_color((tui_role)role, fg, bg);
}

/* One line (comments and blank lines allowed); why gets what is wrong. */
static void config_line(char *line, char *why, size_t size)
{
	char *w[8], *save = NULL;
	int n = 0;

	why[0] = '\0';
	for (char *tok = strtok_r(line, " \t\r\n", &save); tok && n < 8;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		w[n++] = tok;
	if (n == 0 || w[0][0] == '#')
		return;
	if (strcmp(w[0], "bind") == 0)
		line_bind(w, n, why, size);
	else if (strcmp(w[0], "color") == 0)
		line_color(w, n, why, size);
	else
		snprintf(why, size, "unknown setting \"%.40s\"; a line is bind, color or a # "
			 "comment;" SEE "them", w[0]);
}

bb_code console_config_file(const char *path, bb_err *err)
{
	char line[LINE_MAX_LEN + 2], why[BB_MSG_MAX / 2];
	FILE *f = config_open(path, err);
	bb_code rc = BB_OK;
	long no = 0;

	if (!f)
		return err->code;
	tui_actions_register(scr_actions);
	while (rc == BB_OK && fgets(line, sizeof line, f)) {
		no++;
		if (!strchr(line, '\n') && !feof(f)) {
			rc = bb_fail(err, BB_USAGE, "%s line %ld: the line is longer than %d "
				     "characters; shorten it.", path, no, LINE_MAX_LEN);
			break;
		}
		config_line(line, why, sizeof why);
		if (why[0])
			rc = bb_fail(err, BB_USAGE, "%s line %ld: %s.", path, no, why);
	}
	fclose(f);
	if (rc != BB_OK) { /* nothing of a refused file stays applied */
		tui_keytable_unbind_all();
		tui_theme_reset();
	}
	return rc;
}

bb_code console_config_load(bb_err *err)
{
	char path[4096];
	bb_code rc = config_path(path, sizeof path, err);

	if (rc == BB_NOTFOUND)
		return BB_OK;
	if (rc == BB_OK)
		rc = console_config_file(path, err);
	return rc == BB_NOTFOUND ? BB_OK : rc;
}
