/* tui.h - a small ncursesw toolkit: terminal set-up and restore, a stack of
 * screens driven by one event loop, timers and watched file descriptors, the
 * frame (title line, message line, hint bar), theme and safe drawing.
 *
 * It knows nothing of the application's domain. Include this header only; it
 * pulls in the widget headers.
 *
 * Model
 *   - A screen is a tui_screen: a table of functions (tui_screen_ops), a key
 *     table, a title and the screen's own state. Screens live on a stack; the
 *     top one gets the keys. Overlays (dialogs, help) are screens with
 *     `overlay` set: the screens below stay visible.
 *   - Handlers never call the loop: they return a tui_ret that says what must
 *     happen next (nothing, redraw, pop N screens, push one, quit).
 *   - The loop waits with poll() on the terminal, on fds registered with
 *     tui_watch_fd and on timers; it flushes once per wait (wnoutrefresh of the
 *     stack + one doupdate). It never clear()s on a keystroke.
 *   - Resize re-lays out every screen of the stack (ops->resize, then a full
 *     draw). Below the minimum size a "terminal too small" screen is shown.
 *   - Signals only set flags. SIGINT/SIGTERM/SIGHUP end the loop after the
 *     terminal is restored (SIGHUP, SIGTERM and SIGINT first run the hook of
 *     tui_on_hangup);
 *     fatal signals (SEGV, BUS, ILL, FPE, ABRT) restore the terminal and re-raise.
 *
 * Drawing: screens draw on the WINDOW given to draw() (stdscr sized to the
 * terminal) inside tui_screen.area, with tui_put / tui_fill which sanitise
 * and fit text by display columns. */
#ifndef TUI_H
#define TUI_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui_key.h"
#include "tui_text.h"

typedef struct tui_rect {
	int y, x, h, w;
} tui_rect;

/* ---- what a handler asks the loop to do -------------------------------- */

enum {
	TUI_R_UNHANDLED = 1 << 0, /* key not used: the loop may apply TUI_ACT_* */
	TUI_R_REDRAW = 1 << 1,    /* draw the top screen (widgets redraw what changed) */
	TUI_R_FULL = 1 << 2,      /* erase and draw the whole stack */
	TUI_R_QUIT = 1 << 3       /* end tui_run */
};

typedef struct tui_screen tui_screen;

typedef struct tui_ret {
	unsigned flags;     /* TUI_R_* */
	unsigned pop;       /* screens to pop (and destroy) first... */
	tui_screen *push;   /* ...then the screen to push (the loop owns it) */
} tui_ret;

static inline tui_ret tui_handled(void) { tui_ret r = {0, 0, NULL}; return r; }
static inline tui_ret tui_unhandled(void) { tui_ret r = {TUI_R_UNHANDLED, 0, NULL}; return r; }
static inline tui_ret tui_redraw(void) { tui_ret r = {TUI_R_REDRAW, 0, NULL}; return r; }
static inline tui_ret tui_pop(void) { tui_ret r = {TUI_R_FULL, 1, NULL}; return r; }
static inline tui_ret tui_push(tui_screen *s) { tui_ret r = {TUI_R_FULL, 0, s}; return r; }
/* Pops the current screen and pushes s in its place (wizard next step). */
static inline tui_ret tui_replace(tui_screen *s) { tui_ret r = {TUI_R_FULL, 1, s}; return r; }
static inline tui_ret tui_quit(void) { tui_ret r = {TUI_R_QUIT, 0, NULL}; return r; }

/* ---- screens ------------------------------------------------------------ */

/* What a click landed on: widgets register where they drew (tui_hit_add)
 * while the top screen draws, the loop looks the click up. */
typedef enum tui_hit_kind {
	TUI_HIT_NONE,
	TUI_HIT_FIELD,   /* owner: the tui_field */
	TUI_HIT_BUTTON,  /* owner: the first tui_button of the row; index: which */
	TUI_HIT_CHOICE   /* owner: the tui_choice; index: the item */
} tui_hit_kind;

/* An input event for the top screen. */
typedef struct tui_event {
	tui_key key;        /* the key (TUI_K_PASTE for a paste, TUI_K_MOUSE for the mouse) */
	int action;         /* key looked up in the screen's key table, or 0 */
	const char *text;   /* TUI_K_PASTE: the pasted UTF-8 text (valid during the call) */
	/* TUI_ACT_CLICK: the cell clicked and the widget drawn there, if any */
	int y, x;
	tui_hit_kind hit;
	const void *hit_owner;
	size_t hit_index;
} tui_event;

/* Registers a clickable widget drawn at r (done by the widgets' draw
 * functions). Cleared before each full draw of the top screen. */
void tui_hit_add(tui_rect r, tui_hit_kind kind, const void *owner, size_t index);
/* Widgets drawn into an off-screen pad register pad cells: take a mark
 * before drawing into it, then, once the pad is shown, move what was
 * registered since by (dy, dx) and keep only its part inside clip. */
int tui_hit_mark(void);
void tui_hit_shift(int mark, int dy, int dx, tui_rect clip);
/* True when r contains the cell (y, x). */
bool tui_rect_has(tui_rect r, int y, int x);
/* For a click: the index in widgets (fields, choices: what the screen moves
 * its focus between) of the one clicked, or -1. */
int tui_click_target(const tui_event *ev, const void *const *widgets, size_t n);

typedef struct tui_screen_ops {
	/* Draws the screen in s->area. full: the area was erased, draw all of it;
	 * otherwise draw only what changed since the last draw. Required. */
	void (*draw)(tui_screen *s, WINDOW *w, bool full);
	/* Handles one event. Required. */
	tui_ret (*key)(tui_screen *s, const tui_event *ev);
	/* The area changed (resize, or first push): recompute the layout. The
	 * loop then calls draw(full). Optional. */
	void (*resize)(tui_screen *s);
	/* Frees the screen's state (and the screen, if it was malloc'd). Called
	 * when the screen is popped or when the loop ends. Optional. */
	void (*destroy)(tui_screen *s);
	/* Called every s->tick_ms while the screen is on top (spinners). Optional. */
	tui_ret (*tick)(tui_screen *s);
	/* Where the hardware cursor goes (focused field, selected row) so that
	 * braille displays follow it; return false to hide it. Optional. */
	bool (*cursor)(tui_screen *s, int *y, int *x);
	/* May the user do this app action (>= TUI_ACT_APP) now (role, state)?
	 * false writes the reason (one sentence) to why. The hint bar and help
	 * leave refused actions out, and the loop answers a refused key with the
	 * reason without calling key(). Return true while a text input has the
	 * keys (letters are text then). Optional: NULL allows everything. */
	bool (*allowed)(tui_screen *s, int action, char *why, size_t whylen);
	/* Reads again everything the screen shows (draw never reads the
	 * database): called before the screen is drawn when it is stale, that is
	 * when it comes back to the top, after tui_reload_all (a change made here
	 * or by another process, the reload keys). Keep the selection on the same
	 * item. Optional. */
	void (*reload)(tui_screen *s);
} tui_screen_ops;

struct tui_screen {
	const tui_screen_ops *ops;
	const tui_keydef *keys; /* the key table: hint bar, help and actions */
	const char *title;      /* title line text (full screens), dialog title (overlays) */
	void *data;             /* the screen's own state */
	bool overlay;           /* drawn over the screens below (dialogs, help) */
	int tick_ms;            /* > 0: call ops->tick at this interval while on top */
	/* Set by the loop before resize/draw: the screen's drawing area. For a full
	 * screen, the rows between the title line and the message line; for an
	 * overlay, the whole terminal (the overlay centres its box in it). */
	tui_rect area;
	bool stale;             /* ops->reload runs before the next draw */
};

/* ---- terminal and loop --------------------------------------------------- */

typedef struct tui_options {
	const char *app_name;  /* used in the too-small message ("bbconsole") */
	int min_cols, min_rows; /* 0 = 60 x 16 */
	bool no_color;         /* force monochrome (NO_COLOR is also honoured) */
	bool no_mouse;         /* leave the mouse to the terminal (selection) */
} tui_options;

/* Sets up the terminal: ncursesw on the tty, cbreak, noecho, keypad,
 * ESC delay 50 ms unless ESCDELAY is set, default colours (none when NO_COLOR
 * is set and not empty, or the terminal has none), bracketed paste on, mouse
 * clicks and wheel reported (unless no_mouse), the signal handlers and an atexit restore. The process's LC_CTYPE must be
 * UTF-8 (the caller sets it); when the environment's codeset is not, drawing
 * falls back to ASCII (tui_text_set_ascii). Returns 0, or TUI_INIT_NO_TTY
 * when stdin/stdout is not a terminal or curses cannot start, or
 * TUI_INIT_NO_CURSOR when the terminal (TERM) cannot address the cursor
 * (TERM=dumb); nothing is written to the terminal and nothing is left changed
 * then. Without an alternate screen (no smcup) the screen is cleared on exit. */
enum { TUI_INIT_NO_TTY = -1, TUI_INIT_NO_CURSOR = -2 };
/* What tui_init would say about the terminal, without starting curses: 0,
 * TUI_INIT_NO_TTY or TUI_INIT_NO_CURSOR. Writes nothing to the terminal. */
int tui_check_terminal(void);
int tui_init(const tui_options *opt);

/* Restores the terminal (bracketed paste off, endwin). Safe to call twice. */
void tui_end(void);

/* Runs the loop with `first` as the only screen until a handler quits, the
 * stack becomes empty, or a signal (or the loss of the terminal) ends it.
 * Destroys every remaining screen. Returns 0 (the terminal is still set up:
 * call tui_end, or let exit do it), or 128 + the signal number that ended it
 * (the hangup hook has run and the terminal is already restored). */
int tui_run(tui_screen *first);

/* Registers a hook run (from the loop, not the signal handler) when SIGHUP,
 * SIGTERM or Ctrl-C (SIGINT) ends the session, before the terminal is
 * restored: e.g. save a draft. Set it only while there is typed input to
 * keep: meanwhile q does not quit from the too-small screen. NULL removes it. */
void tui_on_hangup(void (*fn)(void *arg), void *arg);

/* Watches fd for readability; cb runs from the loop when it is readable and
 * returns what to do (e.g. tui_redraw()). One watch per fd; at most 16. */
typedef tui_ret (*tui_fd_fn)(int fd, void *arg);
int tui_watch_fd(int fd, tui_fd_fn cb, void *arg);
void tui_unwatch_fd(int fd);

/* Calls cb after ms milliseconds (again every ms when repeat). Returns a
 * timer id > 0, or -1 when the table is full (at most 32). Cancel timers
 * that point at a screen's state before destroying it. */
typedef tui_ret (*tui_timer_fn)(void *arg);
int tui_timer_add(int ms, bool repeat, tui_timer_fn cb, void *arg);
void tui_timer_cancel(int id);

/* Marks every screen stale: the ones in view are refreshed and drawn again
 * at the next frame, the others when they come back into view. */
void tui_reload_all(void);

/* Milliseconds from a monotonic clock. */
int64_t tui_now_ms(void);

/* Sets the one-line message under the content (sanitised; NULL clears).
 * error selects the error attribute. The message stays until replaced. */
void tui_message(const char *text, bool error);

/* Terminal size in cells (after the last resize). */
void tui_size(int *cols, int *rows);

/* Writes raw bytes to the terminal after the next flush point, e.g. an OSC 52
 * sequence; flushed by the loop right after doupdate. Returns 0 or -1. */
int tui_write_raw(const char *bytes, size_t len);

/* ---- theme ----------------------------------------------------------------
 * Every element has an attribute that works without colour: selection and
 * focus are reverse video or bold, never colour alone. */
typedef enum tui_role {
	TUI_NORMAL,
	TUI_TITLE,     /* title line */
	TUI_SELECTED,  /* selected row, focused button (reverse) */
	TUI_FOCUS,     /* focused field (underline/bold) */
	TUI_DISABLED,  /* disabled choice or button (dim) */
	TUI_ERROR,     /* error message, validator reason (bold) */
	TUI_HINT,      /* hint bar text */
	TUI_HINT_KEY,  /* key names in the hint bar (bold) */
	TUI_BORDER,    /* dialog boxes */
	TUI_MUTED,     /* secondary text */
	TUI_ROLE_COUNT
} tui_role;

attr_t tui_attr(tui_role role);

/* Parses the role names of a config file ("hint-key") and colour names ("default",
 * "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white" =
 * -1, 0..7). parse: -1 / false when unknown. */
int tui_role_parse(const char *name);
bool tui_color_parse(const char *name, int *color);
/* Colours for a role (-1: the terminal's own), applied by tui_init when the
 * terminal has colours and NO_COLOR is not set; the role's attributes (bold,
 * reverse) stay. Call before tui_init. 0, or -1 when out of range. */
int tui_theme_color(tui_role role, int fg, int bg);
/* Forgets the colours set (a config file that was refused). */
void tui_theme_reset(void);

/* ---- drawing (always sanitised) ------------------------------------------- */

/* Draws text at (y, x) fitted to width columns (cut with an ellipsis; padded
 * with spaces when pad) with attr. Returns the columns drawn. */
int tui_put(WINDOW *w, int y, int x, int width, const char *text, attr_t attr, bool pad);
/* Fills width columns at (y, x) with spaces in attr. */
void tui_fill(WINDOW *w, int y, int x, int width, attr_t attr);
/* Draws a box (ASCII when the terminal lacks line drawing) with a title. */
void tui_box(WINDOW *w, tui_rect r, const char *title);
/* A centred rectangle of h x w inside outer (clamped to it). */
tui_rect tui_center(tui_rect outer, int h, int w);

#include "tui_field.h"
#include "tui_list.h"
#include "tui_pager.h"
#include "tui_dialog.h"
#include "tui_clip.h"

#endif
