/* pane.h - a scrolling body for screens whose text can be taller than the
 * terminal (60x16 is the minimum): the screen draws its body into the pane's
 * pad as if it had all the rows it needs, then the pane shows the part that
 * fits, with a last row saying which rows are shown and that PgDn/PgUp
 * scroll. */
#ifndef PANE_H
#define PANE_H

#include "tui.h"

/* Rows a body may use. */
#define PANE_ROWS 200

typedef struct pane {
	WINDOW *pad;   /* between pane_begin and pane_end */
	int top;       /* first body row shown */
	int used;      /* body rows of the last draw */
	int shown;     /* body rows the last draw showed */
	int keep;      /* the row the last draw kept in view (-1: none) */
	int hits;      /* tui_hit_mark() when the pad was begun */
} pane;

/* An erased pad of PANE_ROWS x width to draw the body into, from (0, 0);
 * NULL when out of memory (the caller then draws nothing). */
WINDOW *pane_begin(pane *p, int width);
/* Shows the body's first `used` rows in r and frees the pad. keep: a row
 * scrolled into view when it is not the row kept last time (the focused
 * field, so that PgDn still reads on past it), or -1. */
void pane_end(pane *p, WINDOW *win, tui_rect r, int used, int keep);
/* The page-down / page-up actions while the body is taller than its rows:
 * scrolls, true. Put PANE_KEYS in the screen's key table. */
bool pane_key(pane *p, int action);
#define PANE_KEYS                                                                    \
	{TUI_ACT_PGDN, {TUI_K_PGDN}, NULL, "Scroll down when the screen is taller than " \
	 "the window.", false},                                                      \
	{TUI_ACT_PGUP, {TUI_K_PGUP}, NULL, "Scroll up.", false}
/* A body position (a cursor) on the screen: false when it is scrolled out. */
bool pane_map(const pane *p, tui_rect r, int *y, int *x);
/* Back to the top (a new step or a new text). */
void pane_reset(pane *p);

#endif
