/* action.c - the names of the actions, the rows that screens share (list,
 * scroll, choice, text field and tag keys) and key names read back from a
 * config file. */
#include "tui_key.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

/* ---- shared rows ---------------------------------------------------------- */

const tui_keydef tui_list_keys[] = {
	{TUI_ACT_DOWN, {TUI_K_DOWN, 'j'}, "move", "Move the selection down.", false},
	{TUI_ACT_UP, {TUI_K_UP, 'k'}, NULL, "Move the selection up.", false},
	{TUI_ACT_PGDN, {TUI_K_PGDN}, NULL, "Move the selection a page down.", false},
	{TUI_ACT_PGUP, {TUI_K_PGUP}, NULL, "Move the selection a page up.", false},
	{TUI_ACT_FIRST, {TUI_K_HOME, 'g'}, NULL, "Select the first row.", false},
	{TUI_ACT_LAST, {TUI_K_END, 'G'}, NULL, "Select the last row.", false},
	{0}
};

const tui_keydef tui_list_arrow_keys[] = {
	{TUI_ACT_DOWN, {TUI_K_DOWN}, "move", "Move the selection down.", false},
	{TUI_ACT_UP, {TUI_K_UP}, NULL, "Move the selection up.", false},
	{TUI_ACT_PGDN, {TUI_K_PGDN}, NULL, "Move the selection a page down.", false},
	{TUI_ACT_PGUP, {TUI_K_PGUP}, NULL, "Move the selection a page up.", false},
	{0}
};

const tui_keydef tui_choice_keys[] = {
	{TUI_ACT_DOWN, {TUI_K_DOWN, 'j'}, "move", "Move to the next choice (disabled ones are skipped).",
	 false},
	{TUI_ACT_UP, {TUI_K_UP, 'k'}, NULL, "Move to the previous choice.", false},
	{0}
};

const tui_keydef tui_scroll_keys[] = {
	{TUI_ACT_DOWN, {TUI_K_DOWN, 'j'}, "scroll", "Scroll down a line.", false},
	{TUI_ACT_UP, {TUI_K_UP, 'k'}, NULL, "Scroll up a line.", false},
	{TUI_ACT_PGDN, {TUI_K_PGDN, ' '}, NULL, "Scroll down a page.", false},
	{TUI_ACT_PGUP, {TUI_K_PGUP}, NULL, "Scroll up a page.", false},
	{TUI_ACT_FIRST, {TUI_K_HOME, 'g'}, NULL, "Go to the top.", false},
	{TUI_ACT_LAST, {TUI_K_END, 'G'}, NULL, "Go to the end.", false},
	{0}
};

/* The text field handles these keys itself (they are editing, not actions):
 * the rows are here so that the help and the manual list them. */
const tui_keydef tui_field_keys[] = {
	{TUI_ACT_TEXT, {TUI_K_LEFT, TUI_K_RIGHT}, NULL,
	 "In a text field: move the cursor by one character.", false},
	{TUI_ACT_TEXT, {TUI_K_HOME, TUI_CTRL('a'), TUI_K_END, TUI_CTRL('e')}, NULL,
	 "In a text field: go to the start or the end.", false},
	{TUI_ACT_TEXT, {TUI_K_BACKSPACE, TUI_K_DELETE}, NULL,
	 "In a text field: delete the character before or under the cursor.", false},
	{TUI_ACT_TEXT, {TUI_CTRL('u'), TUI_CTRL('k'), TUI_CTRL('w')}, NULL,
	 "In a text field: delete to the start, to the end, or the word before the cursor.",
	 false},
	{0}
};

const tui_keydef tui_tags_keys[] = {
	{TUI_ACT_TEXT, {TUI_K_LEFT, TUI_K_RIGHT}, NULL,
	 "In a list of tags: Left on an empty input selects the last tag; Left and Right move "
	 "between the tags, Right past the last one returns to the input.", false},
	{TUI_ACT_TEXT, {'x', TUI_K_DELETE, TUI_K_BACKSPACE}, NULL,
	 "In a list of tags: remove the selected tag (Backspace on an empty input removes the "
	 "last one).", false},
	{0}
};

/* ---- action names ------------------------------------------------------------- */

static const tui_action_def generic_actions[] = {
	{TUI_ACT_HELP, "help", "Show the keys of this screen."},
	{TUI_ACT_BACK, "back", "Go back, closing this screen or dialog."},
	{TUI_ACT_QUIT, "quit", "Quit the console."},
	{TUI_ACT_UP, "move-up", "Move the selection up, or scroll up a line."},
	{TUI_ACT_DOWN, "move-down", "Move the selection down, or scroll down a line."},
	{TUI_ACT_PGUP, "page-up", "Move or scroll a page up."},
	{TUI_ACT_PGDN, "page-down", "Move or scroll a page down."},
	{TUI_ACT_FIRST, "first", "Go to the first row, or the top."},
	{TUI_ACT_LAST, "last", "Go to the last row, or the end."},
	{TUI_ACT_LEFT, "move-left", "Move to the choice or button on the left."},
	{TUI_ACT_RIGHT, "move-right", "Move to the choice or button on the right."},
	{TUI_ACT_FILTER, "filter", "Filter the list as you type."},
	{TUI_ACT_CHOOSE, "choose", "Take the highlighted choice or button."},
	{TUI_ACT_YES, "yes", "Answer yes."},
	{TUI_ACT_NO, "no", "Answer no."},
	{TUI_ACT_NEXT_FIELD, "next-field", "Move to the next field or button."},
	{TUI_ACT_PREV_FIELD, "previous-field", "Move to the previous field or button."},
	{TUI_ACT_RELOAD, "reload", "Read the shown data again now (it also reloads when it changes)."},
	{TUI_ACT_SEARCH, "search", "Search the shown text."},
	{TUI_ACT_SEARCH_NEXT, "search-next", "Go to the next match of the search."},
	{TUI_ACT_SEARCH_PREV, "search-previous", "Go to the previous match of the search."},
	{0, NULL, NULL}
};

#define ACTION_SETS 8
static const tui_action_def *action_sets[ACTION_SETS] = {generic_actions};

int tui_actions_register(const tui_action_def *defs)
{
	for (size_t i = 0; i < ACTION_SETS; i++) {
		if (action_sets[i] == defs)
			return 0;
		if (!action_sets[i]) {
			action_sets[i] = defs;
			return 0;
		}
	}
	return -1;
}

const tui_action_def *tui_action_at(size_t i)
{
	for (size_t set = 0; set < ACTION_SETS && action_sets[set]; set++)
		for (const tui_action_def *d = action_sets[set]; d->action; d++)
			if (i-- == 0)
				return d;
	return NULL;
}

int tui_action_id(const char *name)
{
	const tui_action_def *d;

	for (size_t i = 0; name && (d = tui_action_at(i)) != NULL; i++)
		if (strcmp(d->name, name) == 0)
			return d->action;
	return TUI_ACT_NONE;
}

tui_key tui_key_parse(const char *name)
{
	char check[32];
	wchar_t wc;
	int n;

	if (!name || !*name)
		return 0;
	if (strncasecmp(name, "Ctrl-", 5) == 0 && name[5] && !name[6] &&
	    ((name[5] | 0x20) >= 'a' && (name[5] | 0x20) <= 'z'))
		return TUI_CTRL(name[5]);
	n = mbtowc(&wc, name, strlen(name));
	if (n > 0 && !name[n] && wc > ' ' && wc != 0x7f)
		return (tui_key)wc; /* one character: case matters */
	for (tui_key k = TUI_K_UP; k <= TUI_K_F1; k++) {
		tui_key_name(k, check, sizeof check);
		if (strcasecmp(check, name) == 0)
			return k;
	}
	static const tui_key named[] = {TUI_K_ENTER, TUI_K_TAB, TUI_K_ESC, ' '};

	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		tui_key_name(named[i], check, sizeof check);
		if (strcasecmp(check, name) == 0)
			return named[i];
	}
	return 0;
}
