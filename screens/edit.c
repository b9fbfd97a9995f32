/* edit.c - edit an integration's editable fields. Saving passes the version
 * seen when the details opened, so a stale edit gets core's "changed by
 * someone else" sentence and keeps what was typed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "intform.h"
#include "pane.h"
#include "scr.h"
#include "space.h"
#include "validate.h"

enum { E_EMAIL, E_TOKEN, E_LABELS, E_CHECKS, E_SPACE, E_WS, E_DESC, E_SAVE, E_COUNT };

typedef struct edit {
	tui_screen s;
	char slug[256], title[300];
	char *orig_email;
	bool is_space, dirty;
	long version;
	intform f;                  /* email, token, labels, workspaces, description */
	tui_choice checks;
	tui_choice_item check_items[3];
	char plan_why[160];
	bb_space *spaces;
	size_t nspaces, space_sel;
	int focus;
	char error[BB_MSG_MAX];     /* core's refusal of the last save, in full */
	int cy, cx;
	bool cursor;                /* the focused field is in view */
	pane pane;                  /* the fields, scrolled when taller than the window */
} edit;

const tui_keydef edit_keys[] = {
	/* not Ctrl-S: terminals with flow control swallow it */
	{SCR_SAVE, {TUI_CTRL('o')}, "save", "Save the changes (or Enter on Save).", true},
	{SCR_NEXT_FIELD, {TUI_K_TAB}, "next field", "Move to the next field.", true},
	{SCR_PREV_FIELD, {TUI_K_BACKTAB}, "prev", "Move to the previous field.", false},
	{SCR_NEXT, {TUI_K_ENTER}, "next", "Go to the next field; adds a label on the tag fields.",
	 false},
	{SCR_FINISH, {TUI_CTRL('d')}, "finish", "Finish the description.", false},
	{TUI_ACT_CHOOSE, {' '}, NULL, "On the checks: take the choice; on Save: save.", false},
	TUI_KEYS_INCLUDE(tui_choice_keys),
	{TUI_ACT_RIGHT, {TUI_K_RIGHT, 'l'}, NULL, "On the space: the next space.", false},
	{TUI_ACT_LEFT, {TUI_K_LEFT, 'h'}, NULL, "On the space: the previous space.", false},
	PANE_KEYS,
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back (asks before discarding changes).", true},
	{TUI_ACT_HELP, {TUI_K_F1}, "help", "Show the keys of this screen.", true},
	TUI_KEYS_INCLUDE(tui_field_keys),
	TUI_KEYS_INCLUDE(tui_tags_keys),
	{0},
};

static bool focusable(const edit *e, int f)
{
	return f != E_SPACE || e->is_space;
}

static const char *focus_reason(edit *e)
{
	switch (e->focus) {
	case E_EMAIL: return tui_field_check(&e->f.email);
	case E_TOKEN: return tui_field_check(&e->f.token);
	case E_LABELS: return e->f.labels.reason;
	case E_WS: return e->f.workspaces.reason;
	case E_DESC: return tui_field_check(&e->f.desc);
	case E_CHECKS: return e->checks.items[e->checks.sel].disabled;
	default: return NULL;
	}
}

static void label(WINDOW *w, int y, const char *text, bool focus)
{
	tui_put(w, y, 0, 13, text, focus ? A_BOLD : tui_attr(TUI_MUTED), true);
}

/* The fields, drawn into the pane's pad from row 0 (labels in 14 columns,
 * the fields beside them); the description takes the rows left, at least 3.
 * Returns the rows used; *keep is the focused field's row. */
static int edit_body(edit *e, WINDOW *w, int width, int rows, int *keep)
{
	int fx = 14, fw = width - 14, y = 0, f = e->focus, cy = -1, cx = 0, h;
	const char *keep_hint = "(empty keeps the saved token)";

	label(w, y, "Email", f == E_EMAIL);
	tui_field_draw(&e->f.email, w, y++, fx, fw, f == E_EMAIL, &cy, &cx);
	label(w, y, "API token", f == E_TOKEN);
	tui_field_draw(&e->f.token, w, y, fx, fw / 2, f == E_TOKEN, f == E_TOKEN ? &cy : NULL,
		       f == E_TOKEN ? &cx : NULL);
	/* the hint beside the field when it fits, else under it */
	if (tui_width(keep_hint) <= fw - fw / 2 - 1)
		tui_put(w, y, fx + fw / 2 + 1, fw - fw / 2 - 1, keep_hint, tui_attr(TUI_MUTED), true);
	else
		tui_put(w, ++y, fx, fw, keep_hint, tui_attr(TUI_MUTED), true);
	y++;
	label(w, y, "Labels", f == E_LABELS);
	tui_tags_draw(&e->f.labels, w, (tui_rect){y, fx, 2, fw}, f == E_LABELS,
		      f == E_LABELS ? &cy : NULL, f == E_LABELS ? &cx : NULL);
	y += 2;
	label(w, y, "VCS checks", f == E_CHECKS);
	tui_choice_draw(&e->checks, w, (tui_rect){y, fx, 3, fw}, f == E_CHECKS,
			f == E_CHECKS ? &cy : NULL, f == E_CHECKS ? &cx : NULL);
	y += 3;
	if (e->is_space) {
		char sp[300];

		label(w, y, "Space", f == E_SPACE);
		snprintf(sp, sizeof sp, "< %s >  (Left/Right changes)",
			 e->nspaces ? e->spaces[e->space_sel].name : "-");
		tui_put(w, y, fx, fw, sp, f == E_SPACE ? tui_attr(TUI_FOCUS) : 0, true);
		tui_hit_add((tui_rect){y, fx, 1, fw}, TUI_HIT_FIELD, &e->space_sel, 0);
		if (f == E_SPACE)
			cy = y, cx = fx + 2;
		y++;
	}
	label(w, y, "Workspaces", f == E_WS);
	tui_tags_draw(&e->f.workspaces, w, (tui_rect){y, fx, 2, fw}, f == E_WS, f == E_WS ? &cy : NULL,
		      f == E_WS ? &cx : NULL);
	y += 2;
	label(w, y, "Description", f == E_DESC);
	h = rows - y > 3 ? rows - y : 3;
	tui_area_draw(&e->f.desc, w, (tui_rect){y, fx, h, fw}, f == E_DESC,
		      f == E_DESC ? &cy : NULL, f == E_DESC ? &cx : NULL);
	e->cy = cy, e->cx = cx;
	/* the whole text area comes into view with its field */
	*keep = f == E_SAVE ? -1 : f == E_DESC ? y + h - 1 : cy;
	return y + h;
}

static void edit_draw(tui_screen *s, WINDOW *w, bool full)
{
	edit *e = SCR_STATE(edit, s);
	tui_rect a = s->area;
	int x = a.x + 2, bottom = a.y + a.h - 2, used = 0, keep = -1, cy, cx;
	tui_rect body = {a.y + 1, x, a.h - 4 > 1 ? a.h - 4 : 1, a.w - 4};
	tui_button save = {"Save", true};
	const char *why = focus_reason(e);
	WINDOW *pad;

	(void)full;
	for (int r = 0; r < a.h; r++)
		tui_fill(w, a.y + r, a.x, a.w, 0);
	if ((pad = pane_begin(&e->pane, body.w)))
		used = edit_body(e, pad, body.w, body.h, &keep);
	pane_end(&e->pane, w, body, used, keep);
	e->cursor = e->focus != E_SAVE && pane_map(&e->pane, body, &e->cy, &e->cx);
	if (e->error[0])
		scr_wrap(w, bottom - 2, x, a.w - 4, 2, e->error, tui_attr(TUI_ERROR));
	else if (why)
		tui_put(w, bottom - 1, x, a.w - 4, why, tui_attr(TUI_ERROR), true);
	tui_buttons_draw(&save, 1, e->focus == E_SAVE ? 0 : -1, w, bottom, x + 14, &cy, &cx);
	if (e->focus == E_SAVE)
		e->cy = cy, e->cx = cx, e->cursor = true;
}

static void strlist_from_tags(const tui_tags *t, bb_strlist *l)
{
	for (size_t i = 0; i < t->n; i++)
		strlist_push(l, t->tags[i]);
}

static tui_ret edit_save(edit *e)
{
	bb_strlist labels = {0}, ws = {0};
	bb_err err = {0};
	bb_integration_update up = {
		.has_labels = 1, .labels = &labels, .has_workspaces = 1, .workspaces = &ws,
		.description = tui_field_value(&e->f.desc),
		.vcs_checks = e->check_items[e->checks.sel].label,
		.expect_version = e->version,
	};
	bb_code rc;

	if (strcmp(tui_field_value(&e->f.email), e->orig_email ? e->orig_email : ""))
		up.email = tui_field_value(&e->f.email);
	if (e->f.token.len)
		up.token = tui_field_value(&e->f.token);
	if (e->is_space && e->nspaces)
		up.space = e->spaces[e->space_sel].name;
	strlist_from_tags(&e->f.labels, &labels);
	strlist_from_tags(&e->f.workspaces, &ws);
	rc = integration_update(scr_ctx(), e->slug, &up, &err);
	strlist_free(&labels);
	strlist_free(&ws);
	if (rc != BB_OK) {
		snprintf(e->error, sizeof e->error, "%s", err.msg);
		scr_error(&err); /* keep everything typed */
		return tui_redraw();
	}
	scr_changed();
	tui_message("Saved.", false);
	return tui_pop();
}

static void move_focus(edit *e, int dir)
{
	do
		e->focus = (e->focus + dir + E_COUNT) % E_COUNT;
	while (!focusable(e, e->focus));
}

static tui_ret discard_answer(void *arg, enum tui_answer a)
{
	(void)arg;
	return a == TUI_ANSWER_YES ? tui_pop() : tui_redraw();
}

static tui_ret widget_result(edit *e, enum tui_field_res r)
{
	if (r == TUI_FIELD_SUBMIT || r == TUI_FIELD_DONE) {
		move_focus(e, 1);
		return tui_redraw();
	}
	if (r == TUI_FIELD_CHANGED)
		e->dirty = true, e->error[0] = '\0';
	return r == TUI_FIELD_IGNORED ? tui_unhandled() : tui_redraw();
}

static tui_ret space_key(edit *e, const tui_event *ev)
{
	int dir = ev->action == TUI_ACT_RIGHT || ev->action == TUI_ACT_DOWN ? 1
		  : ev->action == TUI_ACT_LEFT || ev->action == TUI_ACT_UP ? -1 : 0;

	if (ev->action == SCR_NEXT)
		return widget_result(e, TUI_FIELD_SUBMIT);
	if (!dir || !e->nspaces)
		return tui_unhandled();
	e->space_sel = (e->space_sel + e->nspaces + (size_t)(long)dir) % e->nspaces;
	e->dirty = true;
	return tui_redraw();
}

static tui_ret edit_key(tui_screen *s, const tui_event *ev)
{
	edit *e = SCR_STATE(edit, s);

	if (ev->action == TUI_ACT_BACK) {
		tui_screen *d;

		if (!e->dirty)
			return tui_pop();
		d = tui_dialog_confirm("Discard the changes?", "Go back and discard your changes?",
				       "Discard", "Keep editing", false, discard_answer, e);
		return d ? tui_push(d) : tui_redraw();
	}
	if (ev->action == SCR_NEXT_FIELD || ev->action == SCR_PREV_FIELD) {
		move_focus(e, ev->action == SCR_NEXT_FIELD ? 1 : -1);
		return tui_redraw();
	}
	if (ev->action == SCR_SAVE || (ev->action == TUI_ACT_CLICK && ev->hit == TUI_HIT_BUTTON))
		return edit_save(e);
	if (ev->action == TUI_ACT_CLICK) {
		const void *widgets[E_COUNT] = {&e->f.email, &e->f.token, &e->f.labels.input,
						&e->checks, &e->space_sel, &e->f.workspaces.input,
						&e->f.desc};
		int i = tui_click_target(ev, widgets, E_COUNT);

		if (i < 0)
			return tui_handled();
		e->focus = i;
		if (i != E_CHECKS)
			return tui_redraw();
	}
	if (pane_key(&e->pane, ev->action))
		return tui_redraw();
	switch (e->focus) {
	case E_EMAIL: return widget_result(e, intform_field_event(&e->f.email, ev));
	case E_TOKEN: return widget_result(e, tui_field_event(&e->f.token, ev));
	case E_LABELS: return widget_result(e, intform_tags_event(&e->f.labels, ev));
	case E_WS: return widget_result(e, intform_tags_event(&e->f.workspaces, ev));
	case E_DESC: return widget_result(e, intform_field_event(&e->f.desc, ev));
	case E_SPACE: return space_key(e, ev);
	case E_CHECKS: {
		size_t before = e->checks.sel;
		tui_event ce = *ev;
		enum tui_field_res r;

		if (ce.action == SCR_NEXT)
			ce.action = TUI_ACT_CHOOSE; /* Enter takes the choice, as Space does */
		r = tui_choice_event(&e->checks, &ce);

		e->dirty |= before != e->checks.sel;
		return r == TUI_FIELD_REFUSED ? tui_redraw() : widget_result(e, r);
	}
	default:
		return ev->action == SCR_NEXT || ev->action == TUI_ACT_CHOOSE ? edit_save(e)
									     : tui_unhandled();
	}
}

static bool edit_cursor(tui_screen *s, int *y, int *x)
{
	edit *e = SCR_STATE(edit, s);

	*y = e->cy, *x = e->cx;
	return e->cursor;
}

static void edit_destroy(tui_screen *s)
{
	edit *e = SCR_STATE(edit, s);

	intform_destroy(&e->f);
	space_list_free(e->spaces, e->nspaces);
	free(e->orig_email);
	free(e);
}

static const tui_screen_ops edit_ops = {
	.draw = edit_draw,
	.key = edit_key,
	.destroy = edit_destroy,
	.cursor = edit_cursor,
};

/* Checks modes: aggregated and all disabled with the reason below business. */
static void init_checks(edit *e, const char *current)
{
	bb_account acct = {0};
	bb_err err = {0};
	static const char *const modes[3] = {"individual", "aggregated", "all"};

	if (account_get(scr_ctx(), &acct, &err) == BB_OK &&
	    !account_plan_allows_aggregated(acct.plan))
		snprintf(e->plan_why, sizeof e->plan_why, "needs plan business or enterprise "
			 "(this account has %s)", acct.plan);
	account_free(&acct);
	for (size_t i = 0; i < 3; i++) {
		e->check_items[i].label = modes[i];
		e->check_items[i].disabled = i && e->plan_why[0] ? e->plan_why : NULL;
		if (current && strcmp(current, modes[i]) == 0)
			e->checks.sel = i;
	}
	e->checks.items = e->check_items;
	e->checks.n = 3;
}

static int init_values(edit *e, const bb_integration *it)
{
	bb_err err = {0};

	if (intform_init(&e->f, true))
		return -1;
	tui_field_set(&e->f.email, it->email ? it->email : "");
	tui_field_set(&e->f.desc, it->description ? it->description : "");
	e->f.desc.cur = 0; /* open on the description's start, not scrolled to its end */
	for (size_t i = 0; i < it->labels.n; i++)
		tui_tags_add(&e->f.labels, it->labels.v[i]);
	for (size_t i = 0; i < it->workspaces.n; i++)
		tui_tags_add(&e->f.workspaces, it->workspaces.v[i]);
	if (e->is_space && space_list_where(scr_ctx(), BB_ROLE_ADMIN, &e->spaces, &e->nspaces,
					    &err) == BB_OK)
		for (size_t i = 0; i < e->nspaces; i++)
			if (strcmp(e->spaces[i].name, it->space) == 0)
				e->space_sel = i;
	return 0;
}

tui_screen *edit_new(const bb_integration *it)
{
	edit *e = calloc(1, sizeof *e);

	if (!e)
		return NULL;
	e->is_space = strcmp(it->type, "space") == 0;
	e->version = it->version;
	e->orig_email = util_strdup(it->email);
	snprintf(e->slug, sizeof e->slug, "%s", it->slug);
	if (init_values(e, it)) {
		edit_destroy(&e->s);
		return NULL;
	}
	init_checks(e, it->vcs_checks);
	snprintf(e->title, sizeof e->title, "Edit integration: %s", it->name);
	pane_reset(&e->pane);
	e->s.ops = &edit_ops;
	e->s.keys = edit_keys;
	e->s.title = e->title;
	e->s.data = e;
	if (!it->details_visible) {
		char why[BB_MSG_MAX];

		scr_details_reason(it, why, sizeof why);
		tui_message(why, true);
		edit_destroy(&e->s);
		return NULL;
	}
	return &e->s;
}
