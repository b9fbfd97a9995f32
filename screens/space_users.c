/* space_users.c - the roles that hold in one space: those granted in it
 * and those granted in a space above it (a role holds in every space below
 * the one it was granted in). n grants, e changes the selected login's role,
 * d revokes a role granted here; all through core's space_grant and
 * space_revoke, as `bbconsole user grant` and `user revoke` do. */
#include "spaces.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scr.h"
#include "validate.h"


typedef struct grant_row {
	char *login, *space;
	bb_role role;
	bool here;     /* granted in this space, not above it */
} grant_row;

typedef struct users {
	tui_screen s;
	bb_ctx *ctx;
	bb_space space;
	tui_list list;
	grant_row *rows;
	size_t n;
	bool may;          /* may grant and revoke here */
	char note[BB_MSG_MAX]; /* the line above the list: why not, when not */
	int cy, cx;
	char title[BB_NAME_MAX * 4 + 32];
	char pending_login[BB_LOGIN_MAX * 4 + 1];
} users;

const tui_keydef space_users_keys[] = {
	{SCR_NEW, {'n'}, "grant", "Grant a login a role in this space (admins of its parent; in "
	 "root, admins of root).", true},
	{SCR_EDIT, {'e'}, "change role", "Change the selected login's role in this space.", true},
	{SCR_DELETE, {'d'}, "revoke", "Revoke the selected role, if it was granted in this space "
	 "(asks first).", true},
	TUI_KEYS_INCLUDE(tui_list_keys),
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back to the spaces.", true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this screen.", true},
	{TUI_ACT_QUIT, {'q'}, "quit", "Quit the console.", true},
	{0},
};

static void rows_clear(users *u)
{
	for (size_t i = 0; i < u->n; i++) {
		free(u->rows[i].login);
		free(u->rows[i].space);
	}
	free(u->rows);
	u->rows = NULL;
	u->n = 0;
}

/* The spaces from u's space up to root, as a strlist. */
static int path_up(users *u, bb_strlist *path, bb_err *err)
{
	char *name = util_strdup(u->space.name);
	int rc = 0;

	while (name && rc == 0) {
		bb_space s;

		if (strlist_push(path, name) != 0 || space_get(u->ctx, name, &s, err) != BB_OK) {
			rc = -1;
			break;
		}
		free(name);
		name = util_strdup(s.parent);
		space_free(&s);
	}
	free(name);
	return rc;
}

static void keep_grant(users *u, const bb_grant *g)
{
	grant_row *r = &u->rows[u->n];

	r->login = util_strdup(g->login);
	r->space = util_strdup(g->space);
	r->role = g->role;
	r->here = !strcmp(g->space, u->space.name);
	if (r->login && r->space)
		u->n++;
	else
		free(r->login), free(r->space);
}

static void users_load(users *u)
{
	bb_strlist path = {0};
	bb_grant *g = NULL;
	size_t n = 0;
	bb_err err = {0};

	rows_clear(u);
	u->may = spaces_may_grant(&u->space, &err) == BB_OK;
	snprintf(u->note, sizeof u->note, "%s",
		 u->may ? "The strongest role on the path from root wins." : err.msg);
	bb_err_clear(&err);
	if (path_up(u, &path, &err) != 0 || space_grant_list(u->ctx, &g, &n, &err) != BB_OK ||
	    !(u->rows = calloc(n + 1, sizeof *u->rows))) {
		scr_error(&err);
		n = 0;
	}
	for (size_t i = 0; i < n; i++)
		if (strlist_contains(&path, g[i].space))
			keep_grant(u, &g[i]);
	space_grant_list_free(g, n);
	strlist_free(&path);
	tui_list_set_count(&u->list, u->n);
	tui_list_invalidate(&u->list);
}

/* The refresh step: reads the space and its roles again, the selection
 * staying on the same login when it still holds a role here. */
static void users_reload(tui_screen *s)
{
	users *u = SCR_STATE(users, s);
	char login[BB_LOGIN_MAX * 4 + 1] = "";
	bb_space fresh;
	bb_err err = {0};

	if (u->n && u->list.sel < u->n)
		snprintf(login, sizeof login, "%s", u->rows[u->list.sel].login);
	scr_focus_take("login", login, sizeof login); /* one just granted */
	if (space_get(u->ctx, u->space.name, &fresh, &err) == BB_OK) {
		space_free(&u->space);
		u->space = fresh; /* its parent decides who may grant */
	}
	users_load(u);
	for (size_t i = 0; login[0] && i < u->n; i++)
		if (!strcmp(u->rows[i].login, login)) {
			tui_list_select(&u->list, i);
			break;
		}
}

static void users_row(void *arg, WINDOW *w, int y, int x, int width, size_t row, attr_t attr)
{
	users *u = arg;
	const grant_row *r = &u->rows[row];
	char where[BB_NAME_MAX * 4 + 32];
	int cx = x + 2, lw = (width - 2) / 3 > 12 ? (width - 2) / 3 : 12;

	if (r->here)
		snprintf(where, sizeof where, "granted here");
	else
		snprintf(where, sizeof where, "from %s (above)", r->space);
	tui_fill(w, y, x, width, attr);
	tui_put(w, y, cx, lw, r->login, attr, true);
	cx += lw + 1;
	tui_put(w, y, cx, 7, space_role_name(r->role), attr | A_BOLD, true);
	cx += 8;
	if (cx < x + width)
		tui_put(w, y, cx, x + width - cx, where, attr | (r->here ? 0 : tui_attr(TUI_MUTED)),
			true);
}

static void users_resize(tui_screen *s)
{
	users *u = SCR_STATE(users, s);
	tui_rect r = s->area;

	r.y += 3, r.h -= 3;
	tui_list_layout(&u->list, r);
}

static void users_draw(tui_screen *s, WINDOW *w, bool full)
{
	users *u = SCR_STATE(users, s);
	int lw = (s->area.w - 2) / 3 > 12 ? (s->area.w - 2) / 3 : 12, cx = s->area.x + 2;

	if (full) {
		scr_wrap(w, s->area.y, s->area.x, s->area.w, 2, u->note,
			 u->may ? 0 : tui_attr(TUI_MUTED));
		tui_fill(w, s->area.y + 2, s->area.x, s->area.w, tui_attr(TUI_MUTED));
		tui_put(w, s->area.y + 2, cx, lw, "Login", tui_attr(TUI_MUTED) | A_BOLD, true);
		cx += lw + 1;
		tui_put(w, s->area.y + 2, cx, 7, "Role", tui_attr(TUI_MUTED) | A_BOLD, true);
		cx += 8;
		tui_put(w, s->area.y + 2, cx, s->area.x + s->area.w - cx, "Granted",
			tui_attr(TUI_MUTED) | A_BOLD, true);
	}
	tui_list_draw(&u->list, w, full, &u->cy, &u->cx);
}

/* ---- actions ------------------------------------------------------------------------ */

static tui_ret refuse(const char *msg)
{
	tui_message(msg, true);
	return tui_redraw();
}

static tui_ret revoke_answer(void *arg, enum tui_answer a)
{
	users *u = arg;
	bb_err err = {0};
	char msg[BB_LOGIN_MAX * 4 + BB_NAME_MAX * 4 + 48];

	if (a != TUI_ANSWER_YES)
		return tui_redraw();
	if (space_revoke(u->ctx, u->pending_login, u->space.name, &err) != BB_OK) {
		tui_screen *m = tui_dialog_message("Not revoked", err.msg, NULL, NULL);

		return m ? tui_push(m) : refuse(err.msg);
	}
	scr_changed();
	snprintf(msg, sizeof msg, "Revoked the role of %s in space %s.", u->pending_login,
		 u->space.name);
	tui_message(msg, false);
	return (tui_ret){TUI_R_FULL, 0, NULL};
}

static tui_ret ask_revoke(users *u, const grant_row *r)
{
	char text[BB_LOGIN_MAX * 4 + BB_NAME_MAX * 8 + 160];
	tui_screen *d;

	if (!r->here) {
		snprintf(text, sizeof text, "The role of %s is granted in space %s, above this one; "
			 "revoke it there.", r->login, r->space);
		return refuse(text);
	}
	snprintf(u->pending_login, sizeof u->pending_login, "%s", r->login);
	snprintf(text, sizeof text, "Revoke the %s role of %s in space %s (and the spaces below "
		 "it)?", space_role_name(r->role), r->login, u->space.name);
	d = tui_dialog_confirm("Revoke role", text, "Revoke", "Cancel", false, revoke_answer, u);
	return d ? tui_push(d) : tui_redraw();
}

static tui_ret users_action(users *u, int action)
{
	const grant_row *r = u->n ? &u->rows[u->list.sel] : NULL;
	bb_err why = {0};
	tui_screen *next;

	if (action != SCR_NEW && action != SCR_EDIT && action != SCR_DELETE)
		return tui_unhandled();
	if (spaces_may_grant(&u->space, &why) != BB_OK)
		return refuse(why.msg);
	if (action != SCR_NEW && !r)
		return refuse("No role selected; press n to grant one.");
	if (action == SCR_DELETE)
		return ask_revoke(u, r);
	next = space_forms_grant_new(u->space.name, action == SCR_EDIT ? r->login : NULL,
			      action == SCR_EDIT ? r->role : BB_ROLE_READ);
	tui_message(NULL, false);
	return next ? tui_push(next) : tui_redraw();
}

static tui_ret users_key(tui_screen *s, const tui_event *ev)
{
	users *u = SCR_STATE(users, s);

	if (ev->action >= TUI_ACT_APP)
		return users_action(u, ev->action);
	if (tui_list_event(&u->list, ev) != TUI_FIELD_IGNORED)
		return tui_redraw();
	return tui_unhandled();
}

/* Granting, changing and revoking need admin of the parent (known at load). */
static bool users_allowed(tui_screen *s, int action, char *why, size_t size)
{
	users *u = SCR_STATE(users, s);
	bb_err err = {0};

	if (action != SCR_NEW && action != SCR_EDIT && action != SCR_DELETE)
		return true;
	if (why && spaces_may_grant(&u->space, &err) != BB_OK) {
		snprintf(why, size, "%s", err.msg);
		return false;
	}
	return why ? true : u->may;
}

static void users_destroy(tui_screen *s)
{
	users *u = SCR_STATE(users, s);

	rows_clear(u);
	space_free(&u->space);
	tui_list_destroy(&u->list);
	free(u);
}

static const tui_screen_ops users_ops = {
	.draw = users_draw,
	.key = users_key,
	.resize = users_resize,
	.destroy = users_destroy,
	.allowed = users_allowed,
	.reload = users_reload,
};

tui_screen *space_users_new(const char *space)
{
	users *u = calloc(1, sizeof *u);
	bb_err err = {0};

	if (!u)
		return NULL;
	if (tui_list_init(&u->list, 0, users_row, u) != 0 ||
	    space_get(scr_ctx(), space, &u->space, &err) != BB_OK) {
		if (err.msg[0])
			scr_error(&err);
		tui_list_destroy(&u->list);
		free(u);
		return NULL;
	}
	u->ctx = scr_ctx();
	snprintf(u->title, sizeof u->title, "Roles in space %s", space);
	u->list.empty_text = "No roles hold here.";
	u->s.ops = &users_ops;
	u->s.keys = space_users_keys;
	u->s.title = u->title;
	u->s.data = u;
	users_load(u);
	return &u->s;
}
