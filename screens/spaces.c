/* spaces.c - the space tree: every space indented under its parent, with
 * its inherit flag and the user's role there. Enter opens the roles of the
 * selected space, n creates a space under it, d deletes it when empty. */
#include "spaces.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scr.h"
#include "validate.h"

#define NCOLS 4

typedef struct spaces {
	tui_screen s;
	bb_ctx *ctx;
	tui_list list;
	bb_space *v;
	size_t n;
	int *depth;        /* per space: 0 for root */
	bb_role *mine;     /* per space: the user's role there */
	bool admin_any;    /* admin somewhere: n and d are in the hint bar */
	int cw[NCOLS];
	int cy, cx;
	char pending[BB_NAME_MAX * 4 + 1]; /* the space a delete dialog asks about */
} spaces;

const tui_keydef spaces_keys[] = {
	{SCR_OPEN, {TUI_K_ENTER}, "roles", "Show the roles that hold in the selected space; grant "
	 "and revoke them there.", true},
	{SCR_NEW, {'n'}, "new space", "Create a space under the selected one (admins of it).", true},
	{SCR_DELETE, {'d'}, "delete", "Delete the selected space if it is empty (admins of its "
	 "parent; never root).", true},
	TUI_KEYS_INCLUDE(tui_list_keys),
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back.", true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this screen.", true},
	{TUI_ACT_QUIT, {'q'}, "quit", "Quit the console.", true},
	{0},
};

static const char *const head[NCOLS] = {"Space", "Inherit", "Your role", "Parent"};

/* ---- permissions, shared with the roles screen and the forms -------------------- */

bb_code spaces_may_create(const char *space, bb_err *why)
{
	char doing[BB_NAME_MAX * 4 + 32];

	snprintf(doing, sizeof doing, "Creating a space in %s", space);
	return space_need(scr_ctx(), space, BB_ROLE_ADMIN, doing, why);
}

bb_code spaces_may_delete(const bb_space *s, bb_err *why)
{
	char doing[BB_NAME_MAX * 4 + 32];

	if (!s->parent)
		return bb_fail(why, BB_INVALID, "The space root cannot be deleted: every other space "
			       "lives under it.");
	snprintf(doing, sizeof doing, "Deleting the space %s", s->name);
	return space_need(scr_ctx(), s->parent, BB_ROLE_ADMIN, doing, why);
}

bb_code spaces_may_grant(const bb_space *s, bb_err *why)
{
	char doing[BB_NAME_MAX * 4 + 48];

	/* core's rule: admin of the parent; for root, admin of root */
	snprintf(doing, sizeof doing, "Granting and revoking roles in space %s", s->name);
	return space_need(scr_ctx(), s->parent ? s->parent : s->name, BB_ROLE_ADMIN, doing, why);
}

/* ---- loading ------------------------------------------------------------------------ */

static void spaces_clear(spaces *sp)
{
	space_list_free(sp->v, sp->n);
	free(sp->depth);
	free(sp->mine);
	sp->v = NULL, sp->depth = NULL, sp->mine = NULL, sp->n = 0;
}

/* Depth from the parent: space_list gives parents before their children. */
static int depth_of(const spaces *sp, size_t i)
{
	for (size_t p = 0; sp->v[i].parent && p < i; p++)
		if (!strcmp(sp->v[p].name, sp->v[i].parent))
			return sp->depth[p] + 1;
	return 0;
}

static void spaces_load(spaces *sp)
{
	bb_err err = {0};

	spaces_clear(sp);
	sp->admin_any = false;
	if (space_list(sp->ctx, &sp->v, &sp->n, &err) != BB_OK ||
	    !(sp->depth = calloc(sp->n + 1, sizeof *sp->depth)) ||
	    !(sp->mine = calloc(sp->n + 1, sizeof *sp->mine))) {
		scr_error(err.msg[0] ? &err : &(bb_err){BB_DBERR, "Out of memory."});
		spaces_clear(sp);
	}
	for (size_t i = 0; i < sp->n; i++) {
		sp->depth[i] = depth_of(sp, i);
		if (space_role_of(sp->ctx, sp->ctx->user, sp->v[i].name, &sp->mine[i], &err) != BB_OK)
			sp->mine[i] = BB_ROLE_NONE;
		sp->admin_any |= sp->mine[i] == BB_ROLE_ADMIN;
	}
	tui_list_set_count(&sp->list, sp->n);
	tui_list_invalidate(&sp->list);
}

/* The refresh step: reads the tree again, the selection staying on the same
 * space (by name) when it is still there. */
static void spaces_reload(tui_screen *s)
{
	spaces *sp = SCR_STATE(spaces, s);
	char name[BB_NAME_MAX * 4 + 1] = "";

	if (sp->n && sp->list.sel < sp->n)
		snprintf(name, sizeof name, "%s", sp->v[sp->list.sel].name);
	scr_focus_take("space", name, sizeof name); /* one just created */
	spaces_load(sp);
	for (size_t i = 0; name[0] && i < sp->n; i++)
		if (!strcmp(sp->v[i].name, name)) {
			tui_list_select(&sp->list, i);
			break;
		}
}

/* ---- drawing ------------------------------------------------------------------------ */

static void spaces_row(void *arg, WINDOW *w, int y, int x, int width, size_t row, attr_t attr)
{
	spaces *sp = arg;
	const bb_space *s = &sp->v[row];
	char name[BB_NAME_MAX * 4 + 80];
	const char *col[NCOLS];
	int d = sp->depth[row] < 12 ? sp->depth[row] : 12;

	snprintf(name, sizeof name, "%*s%s", 2 * d, "", s->name);
	col[0] = name;
	col[1] = !s->parent ? "-" : s->inherit ? "yes" : "no";
	col[2] = space_role_name(sp->mine[row]);
	col[3] = s->parent ? s->parent : "";
	tui_fill(w, y, x, width, attr);
	for (int i = 0, cx = x + 2; i < NCOLS && cx < x + width; cx += sp->cw[i] + 1, i++)
		tui_put(w, y, cx, sp->cw[i] < x + width - cx ? sp->cw[i] : x + width - cx, col[i],
			attr | (i == 2 && sp->mine[row] == BB_ROLE_NONE ? tui_attr(TUI_MUTED) : 0),
			true);
}

static void spaces_resize(tui_screen *s)
{
	spaces *sp = SCR_STATE(spaces, s);
	tui_rect r = s->area;
	int rest = r.w - 2 - 7 - 9 - NCOLS;

	if (rest < 20)
		rest = 20;
	sp->cw[1] = 7, sp->cw[2] = 9;
	sp->cw[0] = rest * 6 / 10;
	sp->cw[3] = rest - sp->cw[0];
	r.y += 2, r.h -= 3;
	tui_list_layout(&sp->list, r);
}

static void spaces_draw(tui_screen *s, WINDOW *w, bool full)
{
	spaces *sp = SCR_STATE(spaces, s);
	int y = s->area.y + 1, cx = s->area.x + 2, right = s->area.x + s->area.w;
	char line[160];

	if (full) {
		snprintf(line, sizeof line, "%zu space%s; a role holds in its space and in those "
			 "below.", sp->n, sp->n == 1 ? "" : "s");
		tui_put(w, s->area.y, s->area.x, s->area.w, line, 0, true);
		tui_fill(w, y, s->area.x, s->area.w, tui_attr(TUI_MUTED));
		for (int i = 0; i < NCOLS && cx < right; cx += sp->cw[i] + 1, i++)
			tui_put(w, y, cx, sp->cw[i] < right - cx ? sp->cw[i] : right - cx, head[i],
				tui_attr(TUI_MUTED) | A_BOLD, true);
		tui_put(w, s->area.y + s->area.h - 1, s->area.x + 2, s->area.w - 2,
			"Inherit: the space may use its parent's integrations.",
			tui_attr(TUI_MUTED), true);
	}
	tui_list_draw(&sp->list, w, full, &sp->cy, &sp->cx);
}

/* ---- actions ------------------------------------------------------------------------ */

static tui_ret refuse(const bb_err *why)
{
	tui_message(why->msg[0] ? why->msg : "Something went wrong; try again.", true);
	return tui_redraw();
}

static tui_ret delete_answer(void *arg, enum tui_answer a)
{
	spaces *sp = arg;
	bb_err err = {0};
	char msg[BB_NAME_MAX * 4 + 32];

	if (a != TUI_ANSWER_YES)
		return tui_redraw();
	if (space_delete(sp->ctx, sp->pending, &err) != BB_OK) {
		tui_screen *m = tui_dialog_message("Not deleted", err.msg, NULL, NULL);

		return m ? tui_push(m) : refuse(&err);
	}
	scr_changed();
	snprintf(msg, sizeof msg, "Deleted the space %s.", sp->pending);
	tui_message(msg, false);
	return (tui_ret){TUI_R_FULL, 0, NULL};
}

static tui_ret ask_delete(spaces *sp, const bb_space *s)
{
	char text[BB_NAME_MAX * 4 + 200];
	bb_err why = {0};
	tui_screen *d;

	if (spaces_may_delete(s, &why) != BB_OK)
		return refuse(&why);
	snprintf(sp->pending, sizeof sp->pending, "%s", s->name);
	snprintf(text, sizeof text, "Delete the space %s? Only an empty space can go: no child "
		 "spaces, integrations, stacks or modules. The roles granted in it go with it.",
		 s->name);
	d = tui_dialog_confirm("Delete space", text, "Delete", "Cancel", false, delete_answer, sp);
	return d ? tui_push(d) : tui_redraw();
}

static tui_ret spaces_action(spaces *sp, int action)
{
	const bb_space *s = sp->n ? &sp->v[sp->list.sel] : NULL;
	tui_screen *next = NULL;
	bb_err why = {0};

	if (!s && (action == SCR_OPEN || action == SCR_NEW || action == SCR_DELETE)) {
		tui_message("No space selected.", true);
		return tui_redraw();
	}
	switch (action) {
	case SCR_OPEN:
		next = space_users_new(s->name);
		break;
	case SCR_NEW:
		if (spaces_may_create(s->name, &why) != BB_OK)
			return refuse(&why);
		if (!(next = space_forms_space_new(s->name, &why)))
			return refuse(&why);
		break;
	case SCR_DELETE:
		return ask_delete(sp, s);
	default:
		return tui_unhandled();
	}
	tui_message(NULL, false);
	return next ? tui_push(next) : tui_redraw();
}

static tui_ret spaces_key(tui_screen *s, const tui_event *ev)
{
	spaces *sp = SCR_STATE(spaces, s);

	if (ev->action >= TUI_ACT_APP)
		return spaces_action(sp, ev->action);
	if (tui_list_event(&sp->list, ev) != TUI_FIELD_IGNORED)
		return tui_redraw();
	return tui_unhandled();
}

/* The bar and help offer n and d to admins of some space (known at load);
 * a key pressed asks core about the selected space, so a refusal names it. */
static bool spaces_allowed(tui_screen *s, int action, char *why, size_t size)
{
	spaces *sp = SCR_STATE(spaces, s);
	const bb_space *sel = sp->n ? &sp->v[sp->list.sel] : NULL;
	bb_err err = {0};
	bb_code rc;

	if (action != SCR_NEW && action != SCR_DELETE)
		return true;
	if (!why || !sel)
		return sp->admin_any;
	rc = action == SCR_NEW ? spaces_may_create(sel->name, &err)
			       : spaces_may_delete(sel, &err);
	if (rc != BB_OK)
		snprintf(why, size, "%s", err.msg);
	return rc == BB_OK;
}

static bool spaces_cursor(tui_screen *s, int *y, int *x)
{
	spaces *sp = SCR_STATE(spaces, s);

	*y = sp->cy, *x = sp->cx;
	return false;
}

static void spaces_destroy(tui_screen *s)
{
	spaces *sp = SCR_STATE(spaces, s);

	spaces_clear(sp);
	tui_list_destroy(&sp->list);
	free(sp);
}

static const tui_screen_ops spaces_ops = {
	.draw = spaces_draw,
	.key = spaces_key,
	.resize = spaces_resize,
	.destroy = spaces_destroy,
	.cursor = spaces_cursor,
	.allowed = spaces_allowed,
	.reload = spaces_reload,
};

tui_screen *spaces_new(void)
{
	spaces *sp = calloc(1, sizeof *sp);

	if (!sp)
		return NULL;
	if (tui_list_init(&sp->list, 0, spaces_row, sp) != 0) {
		free(sp);
		return NULL;
	}
	sp->ctx = scr_ctx();
	sp->list.empty_text = "No spaces.";
	sp->s.ops = &spaces_ops;
	sp->s.keys = spaces_keys;
	sp->s.title = "Spaces and roles";
	sp->s.data = sp;
	spaces_load(sp);
	return &sp->s;
}
