/* tui_dialog.h - buttons, modal dialogs, the help overlay, the too-small screen.
 *
 * Dialogs are overlay screens: push the screen a constructor returns. When the
 * user answers, the dialog pops itself and calls the answer callback, whose
 * tui_ret is applied after the pop (e.g. pop the screen below too, or push the
 * next one). Esc always means "no" / "cancel"; confirmations default to the
 * safe choice and put the cursor on the selected button. */
#include "tui.h"
#ifndef TUI_DIALOG_H
#define TUI_DIALOG_H

/* ---- buttons ---------------------------------------------------------------- */
typedef struct tui_button {
	const char *label;
	bool enabled;   /* e.g. bound to "the form is valid" */
} tui_button;

/* Draws "[ OK ]  [ Cancel ]" from (y, x); the focused one (index, or -1 for
 * none) is reversed, disabled ones dimmed. Reports the focused button's cursor
 * in *cy and *cx. Returns the columns used. */
int tui_buttons_draw(const tui_button *b, size_t n, long focused, WINDOW *w,
		int y, int x, int *cy, int *cx);
/* Columns tui_buttons_draw would use (for centring). */
int tui_buttons_width(const tui_button *b, size_t n);
/* Next enabled button after `from` in direction dir (+1/-1), wrapping;
 * -1 when none is enabled. */
long tui_buttons_next(const tui_button *b, size_t n, long from, int dir);

/* ---- dialogs ------------------------------------------------------------------ */
enum tui_answer {
	TUI_ANSWER_NO = 0,   /* no, cancel, Esc */
	TUI_ANSWER_YES = 1   /* yes, OK, the word typed correctly */
};
typedef tui_ret (*tui_answer_fn)(void *arg, enum tui_answer answer);

/* Yes/No question. Left/Right/Tab move between the buttons, y/n answer, Enter
 * takes the focused one, Esc is No. Starts on No unless default_yes.
 * yes/no labels may be NULL ("Yes"/"No"). cb may be NULL. Returns NULL when
 * out of memory. All strings are copied. */
tui_screen *tui_dialog_confirm(const char *title, const char *text,
		const char *yes, const char *no, bool default_yes,
		tui_answer_fn cb, void *arg);

/* A message with one OK button (Enter or Esc closes it). */
tui_screen *tui_dialog_message(const char *title, const char *text,
		tui_answer_fn cb, void *arg);

/* The user must type `word` exactly to confirm (e.g. a name before a delete);
 * the confirm button is enabled only while the input equals the word; Esc
 * cancels. */
tui_screen *tui_dialog_typed(const char *title, const char *text, const char *word,
		tui_answer_fn cb, void *arg);

/* The key table used by the dialogs and the help overlay (for docs/tests). */
extern const tui_keydef tui_dialog_keys[];
extern const tui_keydef tui_help_keys[];

/* The message of the too-small screen, e.g. "Terminal too small: 58x14;
 * bbconsole needs at least 60x16. Enlarge the window or press q to quit." */
void tui_too_small_text(const char *app, int cols, int rows, int min_cols,
		int min_rows, char *out, size_t outlen);

#endif
