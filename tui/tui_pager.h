/* tui_pager.h - text that may be longer than its box: the screen adds rows
 * (an optional muted label column and a value word-wrapped to the rest), the
 * pager scrolls them with an indicator ("rows 1-12 of 30") and searches them:
 * `/` opens a search line, matches are highlighted, n/N go to the next or
 * previous one and the view scrolls to it. Drawing never reads anything but
 * the rows. */
#include "tui.h"
#ifndef TUI_PAGER_H
#define TUI_PAGER_H

typedef struct tui_pager_row {
	char *label;   /* NULL: the row continues the one above */
	char *text;
	attr_t attr;
	bool wide;     /* across the label column too */
} tui_pager_row;

typedef struct tui_pager {
	tui_pager_row *rows;
	size_t n, cap;
	size_t top;        /* first row shown */
	int label_w;       /* columns of the label column (0: none) */
	int width;         /* columns of the whole pager (for wrapping) */
	int shown;         /* rows the last draw had for text */
	tui_field search;  /* the search line */
	bool searching;    /* the search line has focus */
	char query[128];   /* the word searched for ("" none) */
	size_t match;      /* row of the current match */
	bool goto_match;   /* scroll to the match at the next draw */
} tui_pager;

int tui_pager_init(tui_pager *p);
void tui_pager_destroy(tui_pager *p);
/* Starts a new set of rows `width` columns wide, labels label_w wide (the
 * scroll position and the search stay). */
void tui_pager_begin(tui_pager *p, int width, int label_w);
/* Adds text (NULL = "") wrapped under label (NULL = none); '\n' starts a row.
 * Returns the rows added. */
int tui_pager_add(tui_pager *p, const char *label, const char *text, attr_t attr);
/* Text across the whole width (the label column too), wrapped. */
int tui_pager_add_wide(tui_pager *p, const char *text, attr_t attr);
/* The same for a URL or a path: rows break after a '/' where they can. */
int tui_pager_add_path(tui_pager *p, const char *label, const char *text, attr_t attr);
/* Adds an empty row. */
void tui_pager_gap(tui_pager *p);

/* Draws the rows in r; the last row of r is the indicator and search line
 * when the rows do not fit or a search is open. Reports the search cursor. */
void tui_pager_draw(tui_pager *p, WINDOW *w, tui_rect r, int *cy, int *cx);

/* Scrolling keys (Up/Down, j/k, PgUp/PgDn, Home/End, g/G) and, while the
 * search line has focus, every key (Enter keeps the word, Esc clears it).
 * Returns TUI_FIELD_MOVED/CHANGED when something changed, TUI_FIELD_IGNORED
 * for keys that are not the pager's. */
enum tui_field_res tui_pager_event(tui_pager *p, const tui_event *ev);
/* `/`: opens the search line. */
void tui_pager_search_open(tui_pager *p);
/* n / N: the next (dir 1) or previous (-1) row that matches, wrapping;
 * false when nothing matches (or there is no word). */
bool tui_pager_find(tui_pager *p, int dir);
/* Rows that match the word (0 when there is none). */
size_t tui_pager_matches(const tui_pager *p);
/* The keys of a screen that shows a pager: while the search line has focus
 * every key; the scrolling actions; search, search-next and search-previous
 * (saying so when nothing matches); Esc first clears a search. Anything else
 * comes back unhandled, for the screen. */
tui_ret tui_pager_key(tui_pager *p, const tui_event *ev);

#endif
