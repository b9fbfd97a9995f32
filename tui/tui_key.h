/* tui_key.h - keys, per-screen key tables, hint bar and help text, paste parsing.
 *
 * A key is an int: a Unicode code point for text and control characters
 * (TUI_CTRL('d') == 4), or one of the TUI_K_* names above Unicode for keys that
 * have no character. The loop translates curses codes into these, so screens and
 * tests never see KEY_* values.
 *
 * Each screen has ONE key table; the hint bar, the `?` help overlay and the man
 * page check (tui_keytable_dump) are all generated from it, so they cannot
 * disagree with what the keys do. Pure functions: no curses. */
#ifndef TUI_KEY_H
#define TUI_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef int tui_key;

#define TUI_CTRL(c) ((c) & 0x1f)

enum {
	TUI_K_NONE = 0,
	TUI_K_TAB = '\t',
	TUI_K_ENTER = '\n', /* Enter, Return and KEY_ENTER all arrive as this */
	TUI_K_ESC = 27,
	TUI_K_SPECIAL = 0x110000, /* first non-character key */
	TUI_K_UP = TUI_K_SPECIAL,
	TUI_K_DOWN,
	TUI_K_LEFT,
	TUI_K_RIGHT,
	TUI_K_HOME,
	TUI_K_END,
	TUI_K_PGUP,
	TUI_K_PGDN,
	TUI_K_BACKSPACE, /* DEL, ^H and KEY_BACKSPACE all arrive as this */
	TUI_K_DELETE,
	TUI_K_INSERT,
	TUI_K_BACKTAB, /* Shift-Tab */
	TUI_K_F1,
	TUI_K_F5,
	TUI_K_PASTE,  /* a bracketed paste: the text is in tui_event.text */
	TUI_K_PASTE_BEGIN, /* markers, only seen by tui_paste_feed */
	TUI_K_PASTE_END,
	TUI_K_RESIZE, /* handled by the loop; screens get ops->resize instead */
	TUI_K_MOUSE,  /* a click or the wheel: see tui_event */
	TUI_K_UNKNOWN
};

/* Actions are named (tig's request table is the model): a key table maps
 * keys to action ids, the widgets and the loop react to the action the loop
 * looked up (tui_event.action), never to raw keys, so every key a screen
 * reacts to is in its table, its hint bar and its help, and a config file can
 * rebind it by the action's name.
 *
 * The generic actions below are known to tui/: the loop does HELP (the help
 * overlay), BACK (pops the screen) and QUIT when the screen's handler leaves
 * them; lists, choices, the help overlay and dialogs react to the movement
 * ones. App action ids start at TUI_ACT_APP and get their names from
 * tui_actions_register. */
enum {
	TUI_ACT_NONE = 0,
	TUI_ACT_HELP,       /* help */
	TUI_ACT_BACK,       /* back */
	TUI_ACT_QUIT,       /* quit */
	TUI_ACT_UP,         /* move-up */
	TUI_ACT_DOWN,       /* move-down */
	TUI_ACT_PGUP,       /* page-up */
	TUI_ACT_PGDN,       /* page-down */
	TUI_ACT_FIRST,      /* first */
	TUI_ACT_LAST,       /* last */
	TUI_ACT_LEFT,       /* move-left */
	TUI_ACT_RIGHT,      /* move-right */
	TUI_ACT_FILTER,     /* filter */
	TUI_ACT_CHOOSE,     /* choose: take the highlighted choice or button */
	TUI_ACT_YES,        /* yes */
	TUI_ACT_NO,         /* no */
	TUI_ACT_NEXT_FIELD, /* next-field */
	TUI_ACT_PREV_FIELD, /* previous-field */
	TUI_ACT_RELOAD,     /* reload: the loop reloads every screen's data (tui_reload_all) */
	TUI_ACT_SEARCH,     /* search: open the search line of a pager */
	TUI_ACT_SEARCH_NEXT, /* search-next */
	TUI_ACT_SEARCH_PREV, /* search-previous */
	TUI_ACT_GENERIC_END,
	/* A click (mouse button 1), sent by the loop itself: not a key, no name.
	 * tui_event says where and on which widget. The wheel arrives as
	 * move-up / move-down instead, three lines at a time. */
	TUI_ACT_CLICK = TUI_ACT_GENERIC_END + 1,
	/* Not an action: a row with it pulls the rows of def->include into the
	 * table at that place (shared rows such as tui_list_keys). */
	TUI_ACT_INCLUDE = 99,
	/* Not an action either: a row that documents keys a widget handles
	 * itself (text editing); lookups skip it, the help shows it. */
	TUI_ACT_TEXT = 98,
	TUI_ACT_APP = 100
};

/* True for the movement actions (up, down, pages, first, last) that lists,
 * pagers and scrolling text react to. */
static inline bool tui_action_moves(int action)
{
	return action >= TUI_ACT_UP && action <= TUI_ACT_LAST;
}

#define TUI_KEYS_PER_DEF 4

/* One row of a key table. A table is an array ended by a row with action 0. */
typedef struct tui_keydef {
	int action;                      /* TUI_ACT_* or an app id (>= TUI_ACT_APP) */
	tui_key keys[TUI_KEYS_PER_DEF];  /* 0-terminated if fewer; keys[0] is shown */
	const char *hint;                /* short label for the hint bar ("new") */
	const char *help;                /* one sentence for the ? overlay and man page */
	bool in_bar;                     /* shown in the hint bar */
	const struct tui_keydef *include; /* action TUI_ACT_INCLUDE: the rows to pull in */
} tui_keydef;

/* Shared rows, included with TUI_KEYS_INCLUDE: the movement keys of a list
 * (Up/Down, j/k, PgUp/PgDn, Home/End, g/G), of a list whose screen has a
 * text field (the arrows and page keys only: letters go to the field), of a
 * choice list (Up/Down, j/k), of scrollable text, and the editing keys of a
 * text field and of a list of tags (documentation only: the widgets handle
 * them themselves). */
extern const tui_keydef tui_list_keys[];
extern const tui_keydef tui_list_arrow_keys[];
extern const tui_keydef tui_choice_keys[];
extern const tui_keydef tui_scroll_keys[];
extern const tui_keydef tui_field_keys[];
extern const tui_keydef tui_tags_keys[];
#define TUI_KEYS_INCLUDE(rows) {TUI_ACT_INCLUDE, {0}, NULL, NULL, false, (rows)}

/* ---- action names ---------------------------------------------------------- */

typedef struct tui_action_def {
	int action;
	const char *name;  /* "move-down": lower case, words joined by '-' */
	const char *help;  /* what it does, for bbconsole(5) */
} tui_action_def;

/* Adds app actions (an array ended by action 0, kept by pointer). The
 * generic ones are always known. 0, or -1 when the registry is full. */
int tui_actions_register(const tui_action_def *defs);
/* The id of a named action, or TUI_ACT_NONE. */
int tui_action_id(const char *name);
/* The i-th known action (generic ones first), NULL past the end. */
const tui_action_def *tui_action_at(size_t i);

/* A key from its name as tui_key_name writes it ("Enter", "Ctrl-D", "PgDn",
 * "x", "F1", "Space"; case matters only for single characters). 0 when it is
 * not a key name. */
tui_key tui_key_parse(const char *name);

/* ---- rebinding ------------------------------------------------------------------
 * Bindings made from the config file lay over the tables: in table t, key k
 * does action a, provided t has a row for a (a binding never adds an action
 * to a screen). table NULL binds in every table; action TUI_ACT_NONE unbinds
 * the key. Later bindings win. */
int tui_keytable_bind(const tui_keydef *table, tui_key key, int action);
void tui_keytable_unbind_all(void);
/* True when table (with its includes) has a row for action. */
bool tui_keytable_has(const tui_keydef *table, int action);

/* Which actions the user may do now (role, state): used to leave the
 * others out of the hint bar and the help. NULL allows everything. */
typedef bool (*tui_allow_fn)(void *arg, int action);

/* The action bound to key in table (NULL allowed), or TUI_ACT_NONE. */
int tui_keytable_action(const tui_keydef *table, tui_key key);

/* Human name of a key: "Enter", "Esc", "Up", "PgDn", "Shift-Tab", "Ctrl-D",
 * "Space", "q", "/", a UTF-8 character. Writes at most outlen bytes. */
void tui_key_name(tui_key key, char *out, size_t outlen);

/* The key names of one row joined by "/" ("Down/j"), with the bindings of
 * table applied: keys bound to the row's action
 * first, then the row's own keys that still do it. */
void tui_keytable_row_keys(const tui_keydef *table, const tui_keydef *def, char *out,
			   size_t outlen);
/* All of them (at most max); returns the count. */
size_t tui_keytable_keys_of(const tui_keydef *table, int action, tui_key *out, size_t max);

/* The hint bar for the table at `width` columns: "Enter open  n new  ? help"
 * for rows with in_bar, in table order, first key only; items that do not fit
 * whole are left out (never cut), and so are the actions allow (NULL: none)
 * refuses. Returns the columns used. */
int tui_keytable_hintbar_if(const tui_keydef *table, tui_allow_fn allow, void *arg, int width,
			    char *out, size_t outlen);

/* The help text: one line per row, "KEYS<pad>HELP\n", keys padded to the
 * widest key column. Returns a malloc'd string (NULL when out of memory). */
char *tui_keytable_help(const tui_keydef *table);
char *tui_keytable_help_if(const tui_keydef *table, tui_allow_fn allow, void *arg);

/* Writes the help text to f under a heading line with `title` (may be NULL);
 * used by the man page drift check. Returns 0 or -1 on write error. */
int tui_keytable_dump(const tui_keydef *table, const char *title, FILE *f);

/* Bracketed paste: the terminal wraps pasted text in ESC[200~ ... ESC[201~
 * (enabled with ESC[?2004h). The loop maps the two markers to the keys
 * TUI_K_PASTE_BEGIN / TUI_K_PASTE_END and feeds every key to this collector,
 * which turns the keys in between into one UTF-8 text (Enter becomes '\n', Tab
 * '\t'; other non-character keys, e.g. from escape sequences inside the paste,
 * are dropped) so that pasted text is never run as commands. */
typedef struct tui_paste {
	char *buf;        /* the pasted text so far (malloc'd, wiped on free) */
	size_t len, cap;
	bool active;      /* between the markers */
	bool overflow;    /* more than TUI_PASTE_MAX bytes: the rest was dropped */
} tui_paste;

#define TUI_PASTE_MAX (64 * 1024)

enum tui_paste_res {
	TUI_PASTE_PASS,     /* not part of a paste: handle the key normally */
	TUI_PASTE_HELD,     /* consumed (a marker or pasted text) */
	TUI_PASTE_DONE      /* the closing marker arrived: take the text */
};

enum tui_paste_res tui_paste_feed(tui_paste *p, tui_key key);
/* After TUI_PASTE_DONE: the NUL-terminated text (the caller frees it, wiping it
 * if it may be a secret) and the collector is reset. NULL when out of memory. */
char *tui_paste_take(tui_paste *p);
/* Wipes and frees the buffer (a paste may be a token). */
void tui_paste_free(tui_paste *p);

#endif
