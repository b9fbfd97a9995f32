/* audit.c - the audit log, newest first (admins of root; others see why):
 * a header, a `/` filter, sorting by column, and Enter opens one entry with
 * every field wrapped and scrollable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "scr.h"

#define AUDIT_MAX 10000
#define NCOLS 5

typedef struct arow {
	long id;
	char *at, *user, *action, *target, *details;
} arow;

typedef struct audit_scr {
	tui_screen s;
	tui_list list;
	arow *rows;
	size_t n, cap;
	size_t *shown;     /* indices into rows that pass the filter, sorted */
	size_t nshown;
	scr_sort sort;
	int cw[NCOLS];
	int cy, cx;
	bool denied;
	char why[BB_MSG_MAX];
} audit_scr;

/* One entry: every field whole. */
typedef struct audit_entry_scr {
	tui_screen s;
	tui_pager pager;
	arow row;
	int cy, cx;
} audit_entry_scr;

const tui_keydef audit_keys[] = {
	{SCR_OPEN, {TUI_K_ENTER}, "open", "Open the selected entry with all its details.", true},
	{SCR_FILTER, {'/'}, "filter", "Filter the entries as you type; Esc clears the filter.", true},
	SCR_SORT_KEYS,
	TUI_KEYS_INCLUDE(tui_list_keys),
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back.", true},
	SCR_RELOAD_KEYS,
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this screen.", true},
	{TUI_ACT_QUIT, {'q'}, "quit", "Quit the console.", true},
	{0},
};

const tui_keydef audit_entry_keys[] = {
	{SCR_SEARCH, {'/'}, "search", "Search the entry: type a word, Enter keeps it, Esc clears it.",
	 true},
	{SCR_SEARCH_NEXT, {'n'}, "next", "Go to the next row that matches the search.", false},
	{SCR_SEARCH_PREV, {'N'}, "previous", "Go to the previous row that matches the search.",
	 false},
	TUI_KEYS_INCLUDE(tui_scroll_keys),
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back to the audit log.", true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this screen.", true},
	{TUI_ACT_QUIT, {'q'}, "quit", "Quit the console.", true},
	{0},
};

static const char *const head[NCOLS] = {"When", "User", "Action", "Target", "Details"};

static void arow_free(arow *r)
{
	free(r->at), free(r->user), free(r->action), free(r->target), free(r->details);
	memset(r, 0, sizeof *r);
}

static void arow_copy(arow *to, const arow *from)
{
	*to = (arow){from->id, util_strdup(from->at), util_strdup(from->user),
		     util_strdup(from->action), util_strdup(from->target),
		     util_strdup(from->details)};
}

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
	a->rows[a->n++] = (arow){e->id, util_strdup(e->at), util_strdup(e->user),
				 util_strdup(e->action), util_strdup(e->target),
				 util_strdup(e->details)};
	return 0;
}

static const char *col_text(const arow *r, int col)
{
	const char *v[NCOLS] = {r->at, r->user, r->action, r->target, r->details};

	return v[col] ? v[col] : "";
}

static bool row_matches(const arow *r, const char *f)
{
	for (int i = 0; i < NCOLS; i++)
		if (strcasestr(col_text(r, i), f))
			return true;
	return !*f;
}

static int audit_cmp(const void *x, const void *y, void *arg)
{
	const audit_scr *a = arg;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int c = a->sort.col == 0 ? (a->rows[i].id > a->rows[j].id) - (a->rows[i].id < a->rows[j].id)
		: strcmp(col_text(&a->rows[i], a->sort.col), col_text(&a->rows[j], a->sort.col));

	if (a->sort.desc)
		c = -c;
	return c ? c : (i > j) - (i < j);
}

static long selected_id(const audit_scr *a)
{
	return a->nshown && a->list.sel < a->nshown ? a->rows[a->shown[a->list.sel]].id : -1;
}

static void select_id(audit_scr *a, long id)
{
	for (size_t i = 0; id >= 0 && i < a->nshown; i++)
		if (a->rows[a->shown[i]].id == id) {
			tui_list_select(&a->list, i);
			return;
		}
}

static void audit_filter(void *arg, const char *text)
{
	audit_scr *a = arg;

	a->nshown = 0;
	for (size_t i = 0; a->shown && i < a->n; i++)
		if (row_matches(&a->rows[i], text))
			a->shown[a->nshown++] = i;
	qsort_r(a->shown, a->nshown, sizeof *a->shown, audit_cmp, a);
	a->list.empty_text = a->n ? "No entry matches the filter; Esc clears it."
				  : "The audit log is empty.";
	tui_list_set_count(&a->list, a->nshown);
	tui_list_invalidate(&a->list);
}

static void rows_free(audit_scr *a)
{
	for (size_t i = 0; i < a->n; i++)
		arow_free(&a->rows[i]);
	a->n = 0;
	free(a->shown);
	a->shown = NULL;
	a->nshown = 0;
}

static void audit_load(audit_scr *a)
{
	bb_err err = {0};

	rows_free(a);
	a->denied = audit_each(scr_ctx(), AUDIT_MAX, audit_add, a, &err) != BB_OK;
	if (a->denied)
		snprintf(a->why, sizeof a->why, "%s", err.msg);
	a->shown = calloc(a->n ? a->n : 1, sizeof *a->shown);
	audit_filter(a, tui_list_filter_text(&a->list));
}

static void audit_row(void *arg, WINDOW *w, int y, int x, int width, size_t row, attr_t attr)
{
	audit_scr *a = arg;
	const arow *r = &a->rows[a->shown[row]];
	char t[40];
	const char *col[NCOLS];

	scr_short_time(r->at, t, sizeof t);
	col[0] = t, col[1] = r->user, col[2] = r->action, col[3] = r->target, col[4] = r->details;
	tui_fill(w, y, x, width, attr);
	for (int i = 0, cx = x; i < NCOLS && cx < x + width; cx += a->cw[i] + 1, i++)
		tui_put(w, y, cx, a->cw[i] < x + width - cx ? a->cw[i] : x + width - cx,
			col[i] ? col[i] : "", attr | (i == 0 || i == 4 ? tui_attr(TUI_MUTED) : 0),
			true);
}

/* "account:" and a 26-character ULID, the longest target */
#define TARGET_W 34

static void audit_resize(tui_screen *s)
{
	audit_scr *a = SCR_STATE(audit_scr, s);
	tui_rect r = s->area;
	int rest = r.w - 22 - 9 - 4;

	a->cw[0] = 21, a->cw[1] = 8; /* local time with its zone */
	/* actions are short names; targets hold ids ("account:" and a ULID) */
	a->cw[2] = rest * 45 / 100 < 25 ? rest * 45 / 100 : 25;
	a->cw[3] = (rest - a->cw[2]) * 4 / 5;
	if (a->cw[3] < TARGET_W) /* a whole account id before the details */
		a->cw[3] = rest - a->cw[2] < TARGET_W ? rest - a->cw[2] : TARGET_W;
	a->cw[4] = rest - a->cw[2] - a->cw[3];
	if (r.w < 80) { /* too narrow for a useful Details column: Enter shows them */
		a->cw[2] = rest / 2;
		a->cw[3] = rest - a->cw[2];
		a->cw[4] = 0;
	}
	r.y++, r.h--;
	tui_list_layout(&a->list, r);
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
	if (full)
		scr_sort_header(w, s->area.y, s->area.x, s->area.w, head, a->cw, NCOLS, &a->sort);
	tui_list_draw(&a->list, w, full, &a->cy, &a->cx);
}

static tui_screen *entry_new(const arow *r);

static tui_ret audit_key(tui_screen *s, const tui_event *ev)
{
	audit_scr *a = SCR_STATE(audit_scr, s);
	tui_screen *next;
	long id;

	if (a->denied)
		return tui_unhandled();
	if (!a->list.filtering && (ev->action == SCR_SORT || ev->action == SCR_SORT_BACK)) {
		id = selected_id(a);
		scr_sort_key(&a->sort, ev->action, NCOLS);
		audit_filter(a, tui_list_filter_text(&a->list));
		select_id(a, id);
		scr_sort_say(head, &a->sort);
		return (tui_ret){TUI_R_FULL, 0, NULL};
	}
	if (!a->list.filtering && ev->action == SCR_OPEN) {
		if (!a->nshown)
			return tui_handled();
		next = entry_new(&a->rows[a->shown[a->list.sel]]);
		return next ? tui_push(next) : tui_redraw();
	}
	if (tui_list_event(&a->list, ev) != TUI_FIELD_IGNORED)
		return tui_redraw();
	return tui_unhandled();
}

static void audit_reload(tui_screen *s)
{
	audit_scr *a = SCR_STATE(audit_scr, s);
	long id = selected_id(a);

	audit_load(a);
	select_id(a, id);
}

static bool audit_cursor(tui_screen *s, int *y, int *x)
{
	audit_scr *a = SCR_STATE(audit_scr, s);

	*y = a->cy, *x = a->cx;
	return a->list.filtering;
}

static void audit_destroy(tui_screen *s)
{
	audit_scr *a = SCR_STATE(audit_scr, s);

	rows_free(a);
	free(a->rows);
	tui_list_destroy(&a->list);
	free(a);
}

static const tui_screen_ops audit_ops = {
	.draw = audit_draw,
	.key = audit_key,
	.resize = audit_resize,
	.destroy = audit_destroy,
	.cursor = audit_cursor,
	.reload = audit_reload,
};

tui_screen *audit_new(void)
{
	audit_scr *a = calloc(1, sizeof *a);

	if (!a)
		return NULL;
	if (tui_list_init(&a->list, 0, audit_row, a)) {
		free(a);
		return NULL;
	}
	a->list.filter = audit_filter;
	a->sort = (scr_sort){0, true}; /* newest first */
	audit_load(a);
	a->s.ops = &audit_ops;
	a->s.keys = audit_keys;
	a->s.title = "Audit log";
	a->s.data = a;
	return &a->s;
}

/* ---- one entry ------------------------------------------------------------------ */

static void entry_draw(tui_screen *s, WINDOW *w, bool full)
{
	audit_entry_scr *e = SCR_STATE(audit_entry_scr, s);
	tui_rect a = s->area;
	char t[64];

	(void)full;
	for (int r = 0; r < a.h; r++)
		tui_fill(w, a.y + r, a.x, a.w, 0);
	scr_local_time(e->row.at, t, sizeof t);
	tui_pager_begin(&e->pager, a.w - 4, 10);
	tui_pager_add(&e->pager, "When", t, 0);
	tui_pager_add(&e->pager, "User", e->row.user, 0);
	tui_pager_add(&e->pager, "Action", e->row.action, A_BOLD);
	tui_pager_add(&e->pager, "Target", e->row.target, 0);
	tui_pager_add(&e->pager, "Details", e->row.details, 0);
	tui_pager_draw(&e->pager, w, (tui_rect){a.y + 1, a.x + 2, a.h - 1, a.w - 4}, &e->cy, &e->cx);
}

static tui_ret entry_key(tui_screen *s, const tui_event *ev)
{
	return tui_pager_key(&SCR_STATE(audit_entry_scr, s)->pager, ev);
}

static bool entry_cursor(tui_screen *s, int *y, int *x)
{
	audit_entry_scr *e = SCR_STATE(audit_entry_scr, s);

	*y = e->cy, *x = e->cx;
	return e->pager.searching;
}

static void entry_destroy(tui_screen *s)
{
	audit_entry_scr *e = SCR_STATE(audit_entry_scr, s);

	tui_pager_destroy(&e->pager);
	arow_free(&e->row);
	free(e);
}

static const tui_screen_ops entry_ops = {
	.draw = entry_draw,
	.key = entry_key,
	.destroy = entry_destroy,
	.cursor = entry_cursor,
};

static tui_screen *entry_new(const arow *r)
{
	audit_entry_scr *e = calloc(1, sizeof *e);

	if (!e || tui_pager_init(&e->pager) != 0) {
		free(e);
		return NULL;
	}
	arow_copy(&e->row, r);
	e->s.ops = &entry_ops;
	e->s.keys = audit_entry_keys;
	e->s.title = "Audit log: one entry";
	e->s.data = e;
	return &e->s;
}
