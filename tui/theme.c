/* theme.c - names of the theme roles and colours, and the colours a user
 * asked for (the console's config file), applied when the terminal starts. */
#include "tui_priv.h"

#include <string.h>

static const char *const role_names[TUI_ROLE_COUNT] = {
	[TUI_NORMAL] = "normal",
	[TUI_TITLE] = "title",
	[TUI_SELECTED] = "selected",
	[TUI_FOCUS] = "focus",
	[TUI_DISABLED] = "disabled",
	[TUI_ERROR] = "error",
	[TUI_HINT] = "hint",
	[TUI_HINT_KEY] = "hint-key",
	[TUI_BORDER] = "border",
	[TUI_MUTED] = "muted",
};

static const char *const color_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

/* The colour pairs asked for; pair numbers from THEME_PAIR_BASE on. */
#define THEME_PAIR_BASE 16
static struct {
	bool set;
	short fg, bg;
} wanted[TUI_ROLE_COUNT];

int tui_role_parse(const char *name)
{
	for (int i = 0; name && i < TUI_ROLE_COUNT; i++)
		if (strcmp(role_names[i], name) == 0)
			return i;
	return -1;
}

bool tui_color_parse(const char *name, int *color)
{
	if (name && strcmp(name, "default") == 0) {
		*color = -1;
		return true;
	}
	for (int i = 0; name && i < 8; i++)
		if (strcmp(color_names[i], name) == 0) {
			*color = i;
			return true;
		}
	return false;
}

int tui_theme_color(tui_role role, int fg, int bg)
{
	if (role < 0 || role >= TUI_ROLE_COUNT || fg < -1 || fg > 7 || bg < -1 || bg > 7)
		return -1;
	wanted[role].set = true;
	wanted[role].fg = (short)fg;
	wanted[role].bg = (short)bg;
	return 0;
}

void tui_theme_reset(void)
{
	memset(wanted, 0, sizeof wanted);
}

void tui_theme_apply(attr_t *attrs)
{
	for (int r = 0; r < TUI_ROLE_COUNT; r++) {
		short pair = (short)(THEME_PAIR_BASE + r);

		if (!wanted[r].set || init_pair(pair, wanted[r].fg, wanted[r].bg) != OK)
			continue;
		/* the colour replaces the role's colour, never its bold or reverse:
		 * a role still reads without colour */
		attrs[r] = (attrs[r] & ~A_COLOR) | COLOR_PAIR(pair);
	}
}
