/* delete.c - delete confirmation: the stacks and modules that will be
 * detached (a virtual list paged from core) and the consequence; Enter asks
 * for the integration's name in the toolkit's typed confirmation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scr.h"
#include "space.h"
#include "stack.h"
#include "validate.h"

#define PAGE 64

static const char *const consequence =
	"They will be detached: no webhooks and no triggered runs until an admin picks a new "
	"integration for them.";
static const char *const tip =
	"Tip: creating an integration with the same name later gives the same webhook URL; its "
	"secret will be new.";

typedef struct srow {
	char *kind, *name, *space, *repo;
} srow;

typedef struct del {
	tui_screen s;
	char slug[256];
	char title[300];
	bb_integration it;
	bool loaded, allowed;
	char why[BB_MSG_MAX];
	long count;
	tui_list list;
	srow page[PAGE];       /* rows [base, base + n) of the stacks */
	size_t base, n;
	bool page_ok;
	unsigned pop_after;
	int cy, cx;
	int rows_y;            /* first row under the list */
} del;

const tui_keydef delete_keys[] = {
	{SCR_DELETE, {TUI_K_ENTER}, "delete", "Delete: asks you to type the name to confirm.", true},
	{TUI_ACT_DOWN, {TUI_K_DOWN}, "scroll", "Scroll the list of affected stacks and modules.",
	 true},
	TUI_KEYS_INCLUDE(tui_list_arrow_keys),
	{TUI_ACT_BACK, {TUI_K_ESC}, "cancel", "Cancel and go back; nothing is deleted.", true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this screen.", true},
	{0},
};

static void page_free(del *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->page[i].kind);
		free(d->page[i].name);
		free(d->page[i].space);
		free(d->page[i].repo);
	}
	d->n = 0;
}

static int page_add(const bb_stack *st, void *arg)
{
	del *d = arg;
	srow *r = &d->page[d->n++];

	r->kind = util_strdup(st->kind);
	r->name = util_strdup(st->name);
	r->space = util_strdup(st->space);
	r->repo = util_strdup(st->repository);
	return d->n >= PAGE;
}

/* Loads the page of rows from row on (one query per screenful, whatever the count). */
static void page_load(del *d, size_t row)
{
	bb_stack_filter f = {.integration = d->slug, .offset = (long)row, .limit = PAGE};
	bb_err err = {0};

	page_free(d);
	d->base = row;
	d->page_ok = stack_each(scr_ctx(), &f, page_add, d, &err) == BB_OK;
}

/* Loads the rows in view unless they are loaded (drawing never queries). */
static void prefetch(del *d)
{
	size_t top = d->list.top, rows = (size_t)tui_list_visible_rows(&d->list);
	size_t end = top + rows < (size_t)d->count ? top + rows : (size_t)d->count;

	if (d->count > 0 && (!d->page_ok || top < d->base || end > d->base + d->n))
		page_load(d, top);
}

/* Kind, name, space, repository: the rows and their header alike. */
static void del_columns(WINDOW *w, int y, int x, int width, const char *const col[4], attr_t attr)
{
	int cw = (width - 8) / 3;

	tui_put(w, y, x, 7, col[0], attr | tui_attr(TUI_MUTED), true);
	tui_put(w, y, x + 8, cw, col[1], attr, true);
	tui_put(w, y, x + 9 + cw, cw, col[2], attr, true);
	tui_put(w, y, x + 10 + 2 * cw, width - 10 - 2 * cw, col[3], attr, true);
}

static void del_row(void *arg, WINDOW *w, int y, int x, int width, size_t row, attr_t attr)
{
	del *d = arg;
	const srow *r;

	tui_fill(w, y, x, width, attr);
	if (row < d->base || row >= d->base + d->n)
		return;
	r = &d->page[row - d->base];
	del_columns(w, y, x, width, (const char *const[]){r->kind, r->name, r->space, r->repo},
		    attr);
}

/* The rows under the list: the consequence (when something uses it), the
 * tip, the button. */
static int bottom_rows(const del *d, int width)
{
	return (d->count ? scr_wrap_rows(width, consequence) : 0) + scr_wrap_rows(width, tip) + 2;
}

static void del_resize(tui_screen *s)
{
	del *d = SCR_STATE(del, s);
	tui_rect a = s->area;
	int h = a.h - 4 - bottom_rows(d, a.w - 4);

	if (h < 2)
		h = 2;
	tui_list_layout(&d->list, (tui_rect){a.y + 4, a.x + 2, h, a.w - 4});
	d->rows_y = a.y + 4 + h;
	prefetch(d);
}

static void draw_bottom(del *d, WINDOW *win, int x, int width)
{
	int y = d->rows_y;
	tui_button b = {"Delete...", true};

	if (d->count)
		y += scr_wrap(win, y, x, width, 4, consequence, 0);
	y += scr_wrap(win, y, x, width, 4, tip, tui_attr(TUI_MUTED)) + 1;
	tui_buttons_draw(&b, 1, 0, win, y, x, &d->cy, &d->cx);
	tui_put(win, y, x + tui_buttons_width(&b, 1) + 2, width - tui_buttons_width(&b, 1) - 2,
		"asks you to type the name", tui_attr(TUI_MUTED), true);
}

/* "Kind Name Space Repository" and, when the list does not fit, "3/30". */
static void draw_header(del *d, WINDOW *win, int y, int x, int width)
{
	char pos[48];

	del_columns(win, y, x, width, (const char *const[]){"Kind", "Name", "Space", "Repository"},
		    A_BOLD);
	if (d->count > tui_list_visible_rows(&d->list)) {
		snprintf(pos, sizeof pos, " %zu/%ld", d->list.sel + 1, d->count);
		tui_put(win, y, x + width - tui_width(pos), tui_width(pos), pos, tui_attr(TUI_MUTED),
			true);
	}
}

static void del_draw(tui_screen *s, WINDOW *win, bool full)
{
	del *d = SCR_STATE(del, s);
	tui_rect a = s->area;
	int x = a.x + 2, width = a.w - 4;
	char head[600];

	for (int r = 0; r < a.h; r++)
		if (full || r < 4 || a.y + r >= d->rows_y)
			tui_fill(win, a.y + r, a.x, a.w, 0);
	if (!d->loaded)
		return;
	if (!d->allowed) {
		scr_wrap(win, a.y + 1, x, width, 4, d->why, tui_attr(TUI_ERROR));
		return;
	}
	if (d->count)
		snprintf(head, sizeof head, "Delete integration \"%s\"? %ld %s it:", d->it.name,
			 d->count, d->count == 1 ? "stack or module uses" : "stacks and modules use");
	else
		snprintf(head, sizeof head, "Delete integration \"%s\"? No stack or module uses it.",
			 d->it.name);
	scr_wrap(win, a.y + 1, x, width, 2, head, A_BOLD);
	draw_header(d, win, a.y + 3, x, width);
	tui_list_draw(&d->list, win, full, NULL, NULL);
	draw_bottom(d, win, x, width);
}

static tui_ret del_do(del *d)
{
	bb_err err = {0};
	long detached = 0;
	char msg[BB_MSG_MAX];

	if (integration_delete(scr_ctx(), d->slug, &detached, &err) != BB_OK) {
		scr_error(&err);
		return tui_redraw();
	}
	scr_changed();
	if (detached)
		snprintf(msg, sizeof msg, "Deleted integration %s; %ld %s now detached.", d->slug,
			 detached, detached == 1 ? "stack or module is" : "stacks and modules are");
	else
		snprintf(msg, sizeof msg, "Deleted integration %s.", d->slug);
	tui_message(msg, false);
	return (tui_ret){TUI_R_FULL, d->pop_after, NULL};
}

static tui_ret del_answer(void *arg, enum tui_answer a)
{
	return a == TUI_ANSWER_YES ? del_do(arg) : tui_redraw();
}

/* The toolkit's typed confirmation: its button is enabled once the name matches. */
static tui_ret del_confirm(del *d)
{
	char text[BB_MSG_MAX];
	tui_screen *c;

	if (d->count)
		snprintf(text, sizeof text, "Type the name %s to delete it; %ld %s will be detached.",
			 d->it.name, d->count, d->count == 1 ? "stack or module" : "stacks and modules");
	else
		snprintf(text, sizeof text, "Type the name %s to delete it.", d->it.name);
	c = tui_dialog_typed("Delete integration?", text, d->it.name, del_answer, d);
	return c ? tui_push(c) : tui_redraw();
}

static tui_ret del_key(tui_screen *s, const tui_event *ev)
{
	del *d = SCR_STATE(del, s);
	enum tui_field_res r;

	if (!d->allowed || ev->action == TUI_ACT_BACK)
		return tui_unhandled();
	switch (ev->action) {
	case TUI_ACT_UP: case TUI_ACT_DOWN: case TUI_ACT_PGUP: case TUI_ACT_PGDN:
		r = tui_list_event(&d->list, ev);
		prefetch(d);
		if (r == TUI_FIELD_IGNORED)
			return tui_handled();
		return (tui_ret){TUI_R_REDRAW, 0, NULL}; /* the header's position too */
	case SCR_DELETE:
		return d->loaded ? del_confirm(d) : tui_handled();
	case TUI_ACT_CLICK:
		if (ev->hit == TUI_HIT_BUTTON)
			return d->loaded ? del_confirm(d) : tui_handled();
		tui_list_event(&d->list, ev); /* a row of the affected stacks */
		prefetch(d);
		return tui_redraw();
	default:
		return tui_unhandled();
	}
}

static bool del_cursor(tui_screen *s, int *y, int *x)
{
	del *d = SCR_STATE(del, s);

	*y = d->cy, *x = d->cx;
	return d->allowed;
}

static void del_destroy(tui_screen *s)
{
	del *d = SCR_STATE(del, s);

	page_free(d);
	tui_list_destroy(&d->list);
	integration_free(&d->it);
	free(d);
}


static void del_load(del *d)
{
	bb_err err = {0};
	bb_stack_filter f = {.integration = d->slug};

	d->loaded = integration_get(scr_ctx(), d->slug, 0, &d->it, &err) == BB_OK;
	if (!d->loaded) {
		scr_error(&err);
		return;
	}
	d->allowed = d->it.details_visible;
	if (!d->allowed) {
		char doing[256], q[BB_QUOTE_SIZE];
		bb_err why = {0};

		validate_quote(d->it.name, q, sizeof q);
		snprintf(doing, sizeof doing, "Deleting integration %s", q);
		space_need(scr_ctx(), d->it.space, BB_ROLE_ADMIN, doing, &why);
		snprintf(d->why, sizeof d->why, "%s", why.msg);
	}
	if (stack_count(scr_ctx(), &f, &d->count, &err) != BB_OK)
		d->count = d->it.stacks;
	tui_list_set_count(&d->list, (size_t)d->count);
	d->page_ok = false;
	prefetch(d);
}

/* Another process may have changed the integration or its stacks. */
static void del_reload(tui_screen *s)
{
	del *d = SCR_STATE(del, s);

	integration_free(&d->it);
	memset(&d->it, 0, sizeof d->it);
	del_load(d);
}

static const tui_screen_ops del_ops = {
	.draw = del_draw,
	.key = del_key,
	.resize = del_resize,
	.destroy = del_destroy,
	.cursor = del_cursor,
	.reload = del_reload,
};

tui_screen *delete_new(const char *slug, unsigned pop_after)
{
	del *d = calloc(1, sizeof *d);

	if (!d)
		return NULL;
	if (tui_list_init(&d->list, 0, del_row, d)) {
		free(d);
		return NULL;
	}
	snprintf(d->slug, sizeof d->slug, "%s", slug);
	d->pop_after = pop_after;
	d->list.empty_text = "No stacks or modules use it.";
	d->s.ops = &del_ops;
	d->s.keys = delete_keys;
	d->s.data = d;
	del_load(d);
	snprintf(d->title, sizeof d->title, "Delete integration: %s", d->loaded ? d->it.name : slug);
	d->s.title = d->title;
	return &d->s;
}
