/* tui_priv.h - state shared by the files of tui/ (not for screens). */
#ifndef TUI_PRIV_H
#define TUI_PRIV_H

#include "tui.h"

#define TUI_KEYCODE_PASTE_BEGIN (KEY_MAX + 1)
#define TUI_KEYCODE_PASTE_END (KEY_MAX + 2)

/* term.c */
bool tui_term_started(void);
/* The fd that becomes readable when a signal arrived (self-pipe). */
int tui_term_signal_fd(void);
/* Reads the pending signals: returns the terminating signal (0 if none) and
 * sets *winch when the window size changed. */
int tui_term_take_signals(bool *winch);
/* Applies the new terminal size to curses. */
void tui_term_resize(void);
/* Runs the hangup hook (once). */
void tui_term_run_hangup(void);
/* A hangup hook is set: a screen holds typed input that quitting would lose. */
bool tui_term_has_hangup(void);
/* Writes and forgets the raw bytes queued by tui_write_raw. */
void tui_term_flush_raw(void);
int tui_term_min_cols(void);
int tui_term_min_rows(void);
const char *tui_term_app(void);
/* Translates a get_wch result into a tui_key. */
tui_key tui_term_key(int rc, wint_t wc);

/* loop.c: forgets the clickable regions (before the top screen draws all). */
void tui_hit_clear(void);

/* theme.c: sets the colours asked for with tui_theme_color (colours on). */
void tui_theme_apply(attr_t *attrs);

/* dialog.c: the help overlay of a table, leaving out what allow refuses. */
tui_screen *tui_help_screen_if(const char *title, const tui_keydef *table, tui_allow_fn allow,
			       void *arg);

#endif
