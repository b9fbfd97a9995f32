/* tui_field.h - text input: single-line field (plain or masked), multi-line
 * text area, and the tag editor.
 *
 * The editing logic is pure (no curses calls) so it is unit-tested on its own;
 * only the *_draw functions touch a WINDOW. Text is UTF-8; the cursor is a byte
 * offset that always sits on a cell boundary (a character plus its combining
 * marks) and is shown at its display column (wcwidth).
 *
 * Keys (single-line): Left/Right, Home/End, Ctrl-A/Ctrl-E, Backspace, Delete,
 * Ctrl-U (delete to start), Ctrl-K (delete to end), Ctrl-W (delete the word
 * before the cursor), Enter submits. Multi-line adds Up/Down, Enter inserts a
 * newline and Ctrl-D finishes. A bracketed paste (TUI_K_PASTE) is inserted
 * literally, character by character through the filter.
 *
 * Masked fields (secrets) draw one bullet per character; the text lives only
 * in the field's own buffer, which is wiped when it grows, shrinks or is
 * destroyed. Never copy a masked value except to hand it to its final user. */
#include "tui.h"
#ifndef TUI_FIELD_H
#define TUI_FIELD_H

/* Per-character filter: called for each typed or pasted character (including
 * '\n' and '\t' from a paste). */
enum tui_filter_res {
	TUI_FILTER_ACCEPT, /* insert it */
	TUI_FILTER_DROP,   /* skip it silently (e.g. newlines in a pasted token) */
	TUI_FILTER_REFUSE  /* refuse the whole keystroke or paste */
};
typedef enum tui_filter_res (*tui_filter_fn)(void *arg, wchar_t ch);

/* Whole-value validator: returns NULL when value is acceptable, or a short
 * reason shown beside the field ("must contain a letter or digit"). The string
 * must stay valid until the next call (static or owned by arg). */
typedef const char *(*tui_validate_fn)(void *arg, const char *value);

enum {
	TUI_FIELD_MASKED = 1 << 0,
	TUI_FIELD_MULTILINE = 1 << 1
};

typedef struct tui_field {
	char *buf;          /* NUL-terminated UTF-8 value (never NULL after init) */
	size_t len, cap;
	size_t cur;         /* cursor, byte offset on a cell boundary */
	size_t max_len;     /* max bytes of value, 0 = 65536 */
	unsigned flags;     /* TUI_FIELD_* */
	tui_filter_fn filter;     /* NULL: controls dropped, everything else accepted;
	                           * a multi-line field keeps '\n' and '\t' */
	tui_validate_fn validate; /* NULL: always valid */
	void *arg;                /* passed to filter and validate */
	const char *reason;       /* last validator result (NULL = valid) */
	int scroll;         /* first display column shown (single-line) */
	int top_line;       /* first line shown (multi-line) */
	bool dirty;         /* changed since last draw */
} tui_field;

/* What a key did to a field. */
enum tui_field_res {
	TUI_FIELD_IGNORED,  /* not a field key: the screen may use it */
	TUI_FIELD_MOVED,    /* cursor moved */
	TUI_FIELD_CHANGED,  /* value changed (validator re-run, reason updated) */
	TUI_FIELD_REFUSED,  /* the filter refused it or the field is full */
	TUI_FIELD_SUBMIT,   /* Enter in a single-line field */
	TUI_FIELD_DONE      /* Ctrl-D in a multi-line field */
};

/* Initialises an empty field. Returns 0, or -1 when out of memory. */
int tui_field_init(tui_field *f, unsigned flags);
/* Wipes and frees the buffer; the field must be re-initialised to be used. */
void tui_field_destroy(tui_field *f);
/* Replaces the value (cursor to the end); runs the validator. 0 or -1. */
int tui_field_set(tui_field *f, const char *value);
/* The current value (owned by the field). */
const char *tui_field_value(const tui_field *f);
/* Runs the validator now and returns its reason (NULL = valid). */
const char *tui_field_check(tui_field *f);

/* Applies one key or paste event. */
enum tui_field_res tui_field_event(tui_field *f, const tui_event *ev);
/* Convenience: tui_field_event for a plain key. */
enum tui_field_res tui_field_key(tui_field *f, tui_key key);
/* Inserts text as a paste (filter applied per character). */
enum tui_field_res tui_field_paste(tui_field *f, const char *text);

/* Display column of the cursor from the start of its line (masked: the count
 * of cells before it). */
int tui_field_cursor_col(const tui_field *f);
/* Line of the cursor (multi-line; 0 for single-line). */
int tui_field_cursor_line(const tui_field *f);

/* Draws the field at (y, x), width columns (single-line: one row; multi-line:
 * h rows). focused adds the focus attribute and reports the cursor position
 * in *cy and *cx (may be NULL). Keeps the cursor visible by scrolling. */
void tui_field_draw(tui_field *f, WINDOW *w, int y, int x, int width, bool focused,
		int *cy, int *cx);
void tui_area_draw(tui_field *f, WINDOW *w, tui_rect r, bool focused, int *cy, int *cx);

/* ---- tag editor: an input line plus a row of tags ------------------------
 * Enter adds the typed tag (trimmed; a duplicate is dropped; the input's
 * validator must accept it), Enter on empty input means done. Backspace on
 * empty input removes the last tag. Left on empty input selects the last tag;
 * Left/Right move the selection, x or Delete removes the selected tag, Right
 * past the last tag or any character returns to the input. */
typedef struct tui_tags {
	tui_field input;
	char **tags;        /* malloc'd strings */
	size_t n, cap;
	size_t max_tags;    /* 0 = no limit */
	long sel;           /* selected tag, or -1 when the input has focus */
	const char *reason; /* why the last Enter did not add a tag (NULL = added) */
	char reason_buf[96];
} tui_tags;

int tui_tags_init(tui_tags *t, size_t max_tags);
void tui_tags_destroy(tui_tags *t);
/* Appends a tag as if typed (trim, duplicates dropped); 0, or -1 with
 * t->reason set. */
int tui_tags_add(tui_tags *t, const char *tag);
void tui_tags_remove(tui_tags *t, size_t i);
/* Returns TUI_FIELD_SUBMIT when Enter was pressed on empty input (done). */
enum tui_field_res tui_tags_event(tui_tags *t, const tui_event *ev);
/* Draws the tags as "[a] [b] " (selected one reversed), wrapping inside r,
 * and the input on the last row of r. */
void tui_tags_draw(tui_tags *t, WINDOW *w, tui_rect r, bool focused, int *cy, int *cx);

#endif
