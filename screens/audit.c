/* audit.c - the audit log, newest first (admins of root; others see why). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "scr.h"

#define AUDIT_MAX 10000

typedef struct arow {
	char *at, *user, *action, *target, *details;
} arow;

typedef struct audit_scr {
	tui_screen s;
	tui_list list;
	arow *rows;
	size_t n, cap;
	bool denied;
	char why[BB_MSG_MAX];
} audit_scr;

const tui_keydef audit_keys[] = {
	{SCR_MOVE, {TUI_K_DOWN, 'j', TUI_K_UP, 'k'}, "scroll",
	 "Scroll; PgUp/PgDn, Home/End and g/G jump.", true},
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back.", true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this screen.", true},
	{TUI_ACT_QUIT, {'q'}, "quit", "Quit the console.", true},
	{0},
};

static int audit_add(const bb_audit_entry *e, void *arg)
{
	audit_scr *a = arg;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		arow *v = realloc(a->rows, cap * sizeof *v);

		if (!v)
			return 1;
		a->rows = v, a->cap = cap;
	}
	a->rows[a->n++] = (arow){util_strdup(e->at), util_strdup(e->user), util_strdup(e->action),
				 util_strdup(e->target), util_strdup(e->details)};
	return 0;
}

static void audit_row(void *arg, WINDOW *w, int y, int x, int width, size_t row, attr_t attr)
{
	audit_scr *a = arg;
	const arow *r = &a->rows[row];
	char t[40];
	int cx = x;

	scr_short_time(r->at, t, sizeof t);
	tui_fill(w, y, x, width, attr);
	cx += tui_put(w, y, cx, 21, t, attr | tui_attr(TUI_MUTED), true) + 1; /* with its zone */
	cx += tui_put(w, y, cx, 8, r->user, attr, true) + 1;
	cx += tui_put(w, y, cx, 25, r->action, attr, true) + 1;
	if (cx < x + width)
		cx += tui_put(w, y, cx, (x + width - cx) * 4 / 5, r->target, attr, true) + 1;
	if (cx < x + width)
		tui_put(w, y, cx, x + width - cx, r->details, attr | tui_attr(TUI_MUTED), true);
}

static void audit_resize(tui_screen *s)
{
	audit_scr *a = SCR_STATE(audit_scr, s);

	tui_list_layout(&a->list, s->area);
}

static void audit_draw(tui_screen *s, WINDOW *w, bool full)
{
	audit_scr *a = SCR_STATE(audit_scr, s);

	if (a->denied) {
		for (int r = 0; r < s->area.h; r++)
			tui_fill(w, s->area.y + r, s->area.x, s->area.w, 0);
		scr_wrap(w, s->area.y + 1, s->area.x + 2, s->area.w - 4, 4, a->why,
			 tui_attr(TUI_ERROR));
		return;
	}
	tui_list_draw(&a->list, w, full, NULL, NULL);
}

static tui_ret audit_key(tui_screen *s, const tui_event *ev)
{
	audit_scr *a = SCR_STATE(audit_scr, s);

	if (!a->denied && tui_list_event(&a->list, ev) != TUI_FIELD_IGNORED)
		return tui_redraw();
	return tui_unhandled();
}

static void audit_destroy(tui_screen *s)
{
	audit_scr *a = SCR_STATE(audit_scr, s);

	for (size_t i = 0; i < a->n; i++) {
		free(a->rows[i].at);
		free(a->rows[i].user);
		free(a->rows[i].action);
		free(a->rows[i].target);
		free(a->rows[i].details);
	}
	free(a->rows);
	tui_list_destroy(&a->list);
	free(a);
}

static const tui_screen_ops audit_ops = {
	.draw = audit_draw,
	.key = audit_key,
	.resize = audit_resize,
	.destroy = audit_destroy,
};

tui_screen *audit_new(void)
{
	audit_scr *a = calloc(1, sizeof *a);
	bb_err err = {0};

	if (!a)
		return NULL;
	if (tui_list_init(&a->list, 0, audit_row, a)) {
		free(a);
		return NULL;
	}
	if (audit_each(scr_ctx(), AUDIT_MAX, audit_add, a, &err) != BB_OK) {
		a->denied = true;
		snprintf(a->why, sizeof a->why, "%s", err.msg);
	}
	a->list.empty_text = "The audit log is empty.";
	tui_list_set_count(&a->list, a->n);
	a->s.ops = &audit_ops;
	a->s.keys = audit_keys;
	a->s.title = "Audit log (newest first)";
	a->s.data = a;
	return &a->s;
}
