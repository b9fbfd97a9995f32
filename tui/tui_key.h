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
	TUI_K_UNKNOWN
};

/* Action ids with a meaning the loop knows. When a screen's key handler
 * returns "unhandled" for a key bound to one of these, the loop does it:
 * HELP pushes the help overlay, BACK pops the screen, QUIT ends the loop,
 * RELOAD reloads the data of the screens and repaints the terminal.
 * App action ids start at TUI_ACT_APP. */
enum {
	TUI_ACT_NONE = 0,
	TUI_ACT_HELP,
	TUI_ACT_BACK,
	TUI_ACT_QUIT,
	TUI_ACT_RELOAD, /* the loop reloads every screen's data (tui_reload_all) */
	TUI_ACT_APP = 100
};

#define TUI_KEYS_PER_DEF 4

/* One row of a key table. A table is an array ended by a row with action 0. */
typedef struct tui_keydef {
	int action;                      /* TUI_ACT_* or an app id (>= TUI_ACT_APP) */
	tui_key keys[TUI_KEYS_PER_DEF];  /* 0-terminated if fewer; keys[0] is shown */
	const char *hint;                /* short label for the hint bar ("new") */
	const char *help;                /* one sentence for the ? overlay and man page */
	bool in_bar;                     /* shown in the hint bar */
} tui_keydef;

/* The action bound to key in table (NULL allowed), or TUI_ACT_NONE. */
int tui_keytable_action(const tui_keydef *table, tui_key key);

/* Human name of a key: "Enter", "Esc", "Up", "PgDn", "Shift-Tab", "Ctrl-D",
 * "Space", "q", "/", a UTF-8 character. Writes at most outlen bytes. */
void tui_key_name(tui_key key, char *out, size_t outlen);

/* The key names of one row joined by "/": "Down/j". */
void tui_keydef_keys(const tui_keydef *def, char *out, size_t outlen);

/* The hint bar for the table at `width` columns: "Enter open  n new  ? help"
 * for rows with in_bar, in table order, first key only; items that do not fit
 * whole are left out (never cut). Returns the columns used. */
int tui_keytable_hintbar(const tui_keydef *table, int width, char *out, size_t outlen);

/* The help text: one line per row, "KEYS<pad>HELP\n", keys padded to the
 * widest key column. Returns a malloc'd string (NULL when out of memory). */
char *tui_keytable_help(const tui_keydef *table);

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
