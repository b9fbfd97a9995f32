/* pane.c - a scrolling body drawn through a curses pad: the screen's drawing
 * functions need no scroll offset, copywin shows the rows that fit. */
#include <stdio.h>

#include "pane.h"

WINDOW *pane_begin(pane *p, int width)
{
	p->hits = tui_hit_mark(); /* the widgets register pad cells */
	p->pad = newpad(PANE_ROWS, width > 1 ? width : 1);
	if (p->pad)
		werase(p->pad);
	return p->pad;
}

static void clamp(pane *p)
{
	if (p->top > p->used - p->shown)
		p->top = p->used - p->shown;
	if (p->top < 0)
		p->top = 0;
}

void pane_end(pane *p, WINDOW *win, tui_rect r, int used, int keep)
{
	char more[96];

	p->used = used < PANE_ROWS ? used : PANE_ROWS;
	p->shown = p->used > r.h ? r.h - 1 : p->used;
	if (keep >= 0 && keep != p->keep) {
		if (keep < p->top)
			p->top = keep;
		else if (keep >= p->top + p->shown)
			p->top = keep - p->shown + 1;
	}
	p->keep = keep;
	clamp(p);
	if (p->pad && p->shown > 0)
		copywin(p->pad, win, p->top, 0, r.y, r.x, r.y + p->shown - 1, r.x + r.w - 1, FALSE);
	tui_hit_shift(p->hits, r.y - p->top, r.x, (tui_rect){r.y, r.x, p->shown, r.w});
	if (p->shown < p->used) {
		snprintf(more, sizeof more, "rows %d-%d of %d: %s", p->top + 1, p->top + p->shown,
			 p->used, p->top + p->shown < p->used ? "PgDn for more" : "PgUp goes back");
		tui_put(win, r.y + r.h - 1, r.x, r.w, more, tui_attr(TUI_MUTED), true);
	}
	if (p->pad)
		delwin(p->pad);
	p->pad = NULL;
}

bool pane_key(pane *p, int action)
{
	/* a row of overlap keeps the reader's place; in a pane of a few rows it
	 * would make paging crawl */
	int page = p->shown > 4 ? p->shown - 1 : p->shown > 0 ? p->shown : 1;

	if (p->shown >= p->used)
		return false;
	if (action == TUI_ACT_PGDN)
		p->top += page;
	else if (action == TUI_ACT_PGUP)
		p->top -= page;
	else
		return false;
	clamp(p);
	return true; /* at an end too: the key was for the body */
}

bool pane_map(const pane *p, tui_rect r, int *y, int *x)
{
	if (*y < p->top || *y >= p->top + p->shown)
		return false;
	*y = r.y + *y - p->top;
	*x = r.x + *x;
	return true;
}

void pane_reset(pane *p)
{
	p->top = 0;
	p->keep = -1;
}
