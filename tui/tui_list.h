/* tui_list.h - a virtual list and a choice list.
 *
 * The list never holds the rows: the app gives a row count and a callback that
 * draws one row, so a frame costs the visible rows only, whatever the length.
 * A selection move redraws just the old and the new row; scrolling redraws the
 * visible rows. The list reacts to actions (include tui_list_keys in the
 * screen's table): move-up/down, page-up/down, first, last, and filter opens a
 * filter line whose text goes to the app's filter hook on every change (the
 * app recomputes its rows and calls tui_list_set_count). Esc in the filter
 * line clears it, Enter keeps it and returns to the list. When the rows do not
 * all fit, the last row shows the position of the selection ("12/30"). */
#include "tui.h"
#ifndef TUI_LIST_H
#define TUI_LIST_H

/* Draws row `row` at (y, x), exactly width columns (use tui_put with pad).
 * attr is the attribute for the row (TUI_SELECTED on the selection): combine
 * it with your own attributes. */
typedef void (*tui_row_fn)(void *arg, WINDOW *w, int y, int x, int width,
		size_t row, attr_t attr);
/* The filter text changed (empty = no filter). */
typedef void (*tui_filter_hook)(void *arg, const char *text);

typedef struct tui_list {
	size_t count;       /* rows (after filtering) */
	size_t sel;         /* selected row (< count, or 0 when empty) */
	size_t top;         /* first visible row */
	tui_rect rect;      /* where the rows go; the filter line, when open, takes
	                     * the last row of rect */
	tui_row_fn draw_row;
	tui_filter_hook filter;  /* NULL: `/` is not handled */
	void *arg;
	const char *empty_text;  /* shown when count == 0 */
	/* filter line */
	tui_field filter_field;
	bool filtering;     /* the filter line has focus */
	/* what the last draw showed, to redraw only what changed */
	size_t drawn_sel, drawn_top, drawn_count;
	bool drawn;
	bool all_dirty;
} tui_list;

/* Initialises a list; rect may be set later (tui_list_layout). 0 or -1. */
int tui_list_init(tui_list *l, size_t count, tui_row_fn draw_row, void *arg);
void tui_list_destroy(tui_list *l);
/* Sets the rows area and keeps the selection visible. */
void tui_list_layout(tui_list *l, tui_rect rect);
/* New row count (after filtering or loading): clamps the selection. */
void tui_list_set_count(tui_list *l, size_t count);
void tui_list_select(tui_list *l, size_t row);
/* Marks every visible row for redraw (row contents changed). */
void tui_list_invalidate(tui_list *l);
/* Rows available for items (rect height minus the filter line when shown). */
int tui_list_visible_rows(const tui_list *l);
/* The filter text ("" when none). */
const char *tui_list_filter_text(const tui_list *l);

/* "12/30": the 0-based row sel of count as people count it. */
void tui_position_text(size_t sel, size_t count, char *out, size_t size);

/* Pure scrolling math, exposed for tests: the new top so that sel is visible
 * in `rows` rows, moving as little as possible from top. */
size_t tui_list_scroll(size_t top, size_t sel, size_t count, int rows);

/* Scrollable text: the first line shown after a scroll action (move-up/down,
 * page-up/down, first, last; others leave top), within [0, last] where last
 * is the first line of the last page, rows a page. */
size_t tui_scroll_to(int action, size_t top, size_t rows, size_t last);

/* Handles a key. Returns TUI_FIELD_MOVED when the selection moved,
 * TUI_FIELD_CHANGED when the filter changed, TUI_FIELD_IGNORED when the key is
 * not the list's (Enter, letters: the screen handles them), TUI_FIELD_SUBMIT
 * for Enter in the filter line. */
enum tui_field_res tui_list_event(tui_list *l, const tui_event *ev);

/* Draws what changed since the last draw (all rows when full). Reports the
 * cursor (selected row or filter input) in *cy and *cx (may be NULL). */
void tui_list_draw(tui_list *l, WINDOW *w, bool full, int *cy, int *cx);

/* ---- choice list: a few options, some disabled with a reason -------------- */
typedef struct tui_choice_item {
	const char *label;
	const char *help;      /* optional second line shown when selected */
	const char *disabled;  /* NULL = enabled; otherwise the reason, shown */
} tui_choice_item;

typedef struct tui_choice {
	const tui_choice_item *items;
	size_t n;
	size_t sel;
	size_t top;  /* first choice shown when they do not all fit (set by draw) */
} tui_choice;

/* move-up/move-down go to the next enabled item (disabled ones are skipped;
 * their reason stays shown beside them); choose on an enabled item returns
 * TUI_FIELD_SUBMIT, on a disabled one (the initial selection may be one)
 * TUI_FIELD_REFUSED. */
enum tui_field_res tui_choice_event(tui_choice *c, const tui_event *ev);
/* "(*) label" / "( ) label", disabled items dimmed with " - reason". When
 * the choices do not fit in r, the rows scroll with the selection and the
 * last row shows its position ("12/30"). */
void tui_choice_draw(tui_choice *c, WINDOW *w, tui_rect r, bool focused,
		int *cy, int *cx);

#endif
