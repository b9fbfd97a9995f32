/* stacks_form.c - create a stack or module: name, kind, space (where the user
 * is admin), integration (only those usable in that space), repository (typed
 * or from the picker), branch, project root. Core checks every rule; its
 * sentence is shown and the input kept.
 *
 * The same form edits one: name, kind, space and integration are shown as
 * they are (i sets the integration from the list), the repository, branch and
 * project root can change, and Save hands core only the fields that did. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integration.h"
#include "scr.h"
#include "validate.h"
#include "space.h"
#include "stack.h"
#include "stacks.h"

enum { F_NAME, F_KIND, F_SPACE, F_INTEG, F_REPO, F_BRANCH, F_ROOT, F_CREATE, F_COUNT };

enum { ACT_PICK = SCR_PICK, ACT_CYCLE = SCR_CYCLE };

typedef struct form {
	tui_screen s;
	bb_ctx *ctx;
	tui_field name, repo, branch, root;
	int focus;
	int kind;                 /* 0 stack, 1 module */
	bb_space *spaces;         /* where the user is admin */
	size_t nspaces, space;
	bb_integration *its;      /* usable in the chosen space */
	size_t nits, integ;
	bool branch_typed;        /* the user typed a branch: a pick keeps it */
	bool edit;                /* editing `fixed` instead of creating */
	char *fixed[4];           /* edit: name, kind, space, integration as shown */
	char *integ_slug;         /* edit: for the picker; NULL when detached */
	char *was[3];             /* edit: repository, branch, root as opened */
	char title[BB_NAME_MAX * 4 + 32];
	int cy, cx;
} form;

/* Keys go to the focused text field first (so `?` and Space can be typed
 * there); the table's meaning applies on the choices and the button. */
const tui_keydef stacks_form_keys[] = {
	{SCR_NEXT_FIELD, {TUI_K_TAB, TUI_K_DOWN}, "next", "Go to the next field.", true},
	{SCR_PREV_FIELD, {TUI_K_BACKTAB, TUI_K_UP}, "previous", "Go to the previous field.", false},
	{ACT_CYCLE, {TUI_K_RIGHT, ' '}, "change",
	 "On kind, space and integration: show the next choice.", true},
	{TUI_ACT_LEFT, {TUI_K_LEFT}, NULL,
	 "On kind, space and integration: show the previous choice.", false},
	{ACT_PICK, {TUI_K_ENTER}, "pick/create",
	 "On the repository: open the repository picker; on Create (Save when editing): create "
	 "(save); elsewhere: next field.", true},
	{TUI_ACT_BACK, {TUI_K_ESC}, "cancel", "Go back (asks before discarding typed input).", true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help",
	 "Show the keys of this form (F1 in a text field, where ? is typed).", true},
	TUI_KEYS_INCLUDE(tui_field_keys),
	{0},
};

static const char *const labels[F_COUNT] = {"Name", "Kind", "Space", "Integration",
					    "Repository", "Branch", "Project root", ""};

static tui_field *field_of(form *f, int i)
{
	switch (i) {
	case F_NAME: return &f->name;
	case F_REPO: return &f->repo;
	case F_BRANCH: return &f->branch;
	case F_ROOT: return &f->root;
	default: return NULL;
	}
}

/* The integrations usable in the chosen space; the default one preselected. */
static void load_integrations(form *f)
{
	bb_integration *all = NULL;
	size_t n = 0;
	bb_err err = {0};

	integration_list_free(f->its, f->nits);
	f->its = NULL, f->nits = 0, f->integ = 0;
	if (!f->nspaces || integration_list(f->ctx, &all, &n, &err) != BB_OK ||
	    !(f->its = calloc(n ? n : 1, sizeof *f->its))) {
		integration_list_free(all, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		int ok = 0, is_default = !strcmp(all[i].type, "default");

		if (space_usable(f->ctx, all[i].space, is_default, f->spaces[f->space].name, &ok,
				 &err) == BB_OK && ok) {
			if (is_default)
				f->integ = f->nits;
			f->its[f->nits++] = all[i];
		} else {
			integration_free(&all[i]);
		}
	}
	free(all);
}

static void draw_choice(form *f, WINDOW *w, int y, int x, int width, int i)
{
	char buf[400];
	bool focused = f->focus == i;
	attr_t a = focused ? tui_attr(TUI_SELECTED) : 0;

	if (i == F_KIND)
		snprintf(buf, sizeof buf, "< %s >", f->kind ? "module" : "stack");
	else if (i == F_SPACE)
		snprintf(buf, sizeof buf, "< %s >", f->spaces[f->space].name);
	else if (f->nits == 0)
		snprintf(buf, sizeof buf, "(none usable in space %s; create one first)",
			 f->spaces[f->space].name);
	else
		snprintf(buf, sizeof buf, "< %s%s >", f->its[f->integ].name,
			 !strcmp(f->its[f->integ].type, "default") ? " (default)" : "");
	tui_put(w, y, x, width, buf, a, false);
	if (focused)
		f->cy = y, f->cx = x;
}

/* Editing: what cannot change here is shown as text. */
static void draw_fixed(form *f, WINDOW *w, int y, int x, int width, int i)
{
	tui_put(w, y, x, width, f->fixed[i] ? f->fixed[i] : "", 0, true);
}

static void form_draw(tui_screen *s, WINDOW *w, bool full)
{
	form *f = SCR_STATE(form, s);
	int x = s->area.x + 2, y = s->area.y + 1, lw = 14, width = s->area.w - 4 - lw;
	tui_button b = {f->edit ? "Save" : "Create", true};

	(void)full;
	for (int r = 0; r < s->area.h; r++)
		tui_fill(w, s->area.y + r, s->area.x, s->area.w, 0);
	for (int i = 0; i < F_CREATE; i++, y++) {
		tui_field *fld = field_of(f, i);

		tui_put(w, y, x, lw, labels[i], tui_attr(TUI_MUTED), true);
		if (f->edit && i < F_REPO)
			draw_fixed(f, w, y, x + lw, width, i);
		else if (fld)
			tui_field_draw(fld, w, y, x + lw, width, f->focus == i, &f->cy, &f->cx);
		else
			draw_choice(f, w, y, x + lw, width, i);
	}
	y++;
	scr_wrap(w, y, x, s->area.w - 4, 2, f->focus == F_REPO ? "Type workspace/slug, or press "
		 "Enter to pick from the repositories the integration can read." :
		 "The branch defaults to the repository's main branch (main when unknown); the "
		 "project root is optional.", tui_attr(TUI_MUTED));
	y += 3;
	tui_buttons_draw(&b, 1, f->focus == F_CREATE ? 0 : -1, w, y, x, &f->cy, &f->cx);
}

static bool changed(const form *f, int i)
{
	const tui_field *fld[] = {&f->repo, &f->branch, &f->root};

	return strcmp(tui_field_value(fld[i]), f->was[i] ? f->was[i] : "") != 0;
}

static bool form_typed(form *f)
{
	if (f->edit)
		return changed(f, 0) || changed(f, 1) || changed(f, 2);
	return *tui_field_value(&f->name) || *tui_field_value(&f->repo) ||
	       *tui_field_value(&f->root) || f->branch_typed;
}

static tui_ret discard_answer(void *arg, enum tui_answer a)
{
	(void)arg;
	return a == TUI_ANSWER_YES ? tui_pop() : tui_redraw();
}

static void picked(void *arg, const char *full_name, const char *mainbranch)
{
	form *f = arg;

	tui_field_set(&f->repo, full_name);
	if (!f->branch_typed)
		tui_field_set(&f->branch, mainbranch && *mainbranch ? mainbranch : "main");
	f->focus = F_BRANCH;
}

static tui_ret form_create(form *f)
{
	bb_stack in = {0};
	bb_err err = {0};
	char msg[BB_MSG_MAX];

	in.kind = f->kind ? "module" : "stack";
	in.name = tui_field_value(&f->name);
	in.space = f->spaces[f->space].name;
	in.integration = f->nits ? f->its[f->integ].slug : "";
	in.repository = tui_field_value(&f->repo);
	in.branch = *tui_field_value(&f->branch) ? tui_field_value(&f->branch) : NULL;
	in.project_root = tui_field_value(&f->root);
	if (stack_create(f->ctx, &in, &err) != BB_OK) {
		/* a dialog: the sentence may not fit the message line; the input stays */
		tui_screen *m = tui_dialog_message("Not created", err.msg, NULL, NULL);

		return m ? tui_push(m) : tui_redraw();
	}
	snprintf(msg, sizeof msg, "%s/%s", in.kind, in.name);
	scr_focus("stack", msg);
	scr_changed();
	snprintf(msg, sizeof msg, "Created %s %s in space %s.", in.kind, in.name, in.space);
	tui_message(msg, false);
	return tui_pop();
}

static tui_ret form_save(form *f)
{
	bb_stack_change ch = {0};
	bb_err err = {0};
	char msg[BB_MSG_MAX];
	int n = 0;

	/* only what changed: a field someone else changed meanwhile stays theirs */
	if (changed(f, 0))
		ch.repository = tui_field_value(&f->repo);
	if (changed(f, 1))
		ch.branch = tui_field_value(&f->branch);
	if (changed(f, 2))
		ch.project_root = tui_field_value(&f->root);
	if (!ch.repository && !ch.branch && !ch.project_root) {
		tui_message("Nothing changed.", false);
		return tui_pop();
	}
	if (stack_update(f->ctx, f->fixed[1], f->fixed[0], &ch, &n, &err) != BB_OK) {
		tui_screen *m = tui_dialog_message("Not saved", err.msg, NULL, NULL);

		return m ? tui_push(m) : tui_redraw();
	}
	scr_changed();
	snprintf(msg, sizeof msg, "Saved %s %s.", f->fixed[1], f->fixed[0]);
	tui_message(msg, false);
	return tui_pop();
}

static void cycle(form *f, int dir)
{
	if (f->focus == F_KIND) {
		f->kind = !f->kind;
	} else if (f->focus == F_SPACE && f->nspaces) {
		f->space = (f->space + f->nspaces + (size_t)(long)dir) % f->nspaces;
		load_integrations(f);
	} else if (f->focus == F_INTEG && f->nits) {
		f->integ = (f->integ + f->nits + (size_t)(long)dir) % f->nits;
	}
}

static tui_ret form_enter(form *f)
{
	tui_screen *p;

	if (f->focus == F_CREATE)
		return f->edit ? form_save(f) : form_create(f);
	if (f->focus != F_REPO) {
		f->focus++;
		return tui_redraw();
	}
	if (f->edit) {
		if (!f->integ_slug) {
			tui_message("It is detached, so no integration can list repositories; type "
				    "workspace/slug.", true);
			return tui_redraw();
		}
		/* what was typed filters; the repository it has would hide the others */
		p = repo_picker_new(f->integ_slug, changed(f, 0) ? tui_field_value(&f->repo) : NULL,
				    picked, f);
		return p ? tui_push(p) : tui_redraw();
	}
	if (!f->nits) {
		tui_message("No integration is usable in this space, so there are no repositories to "
			    "pick; create an integration first.", true);
		return tui_redraw();
	}
	p = repo_picker_new(f->its[f->integ].slug, tui_field_value(&f->repo), picked, f);
	return p ? tui_push(p) : tui_redraw();
}

/* Editing skips the rows shown as text. */
static void move_focus(form *f, int dir)
{
	int first = f->edit ? F_REPO : 0, n = F_COUNT - first;

	f->focus = first + (f->focus - first + n + dir) % n;
}

static tui_ret form_key(tui_screen *s, const tui_event *ev)
{
	form *f = SCR_STATE(form, s);
	tui_field *fld = field_of(f, f->focus);
	enum tui_field_res r;

	if (ev->action == TUI_ACT_CLICK) {
		for (int i = 0; i < F_COUNT; i++)
			if (field_of(f, i) && ev->hit_owner == field_of(f, i))
				f->focus = i;
		if (ev->hit == TUI_HIT_BUTTON)
			f->focus = F_CREATE;
		return ev->hit == TUI_HIT_BUTTON ? form_enter(f) : tui_redraw();
	}
	switch (ev->action) {
	case TUI_ACT_BACK:
		if (!form_typed(f))
			return tui_unhandled();
		return tui_push(tui_dialog_confirm(f->edit ? "Discard the changes?" :
			"Discard the new stack?", "What you typed will be lost.", "Discard",
			"Keep editing", false, discard_answer, f));
	case SCR_NEXT_FIELD:
		move_focus(f, 1);
		return tui_redraw();
	case SCR_PREV_FIELD:
		move_focus(f, -1);
		return tui_redraw();
	case ACT_PICK:
		return form_enter(f);
	default:
		break;
	}
	if (!fld) {
		if (ev->action == TUI_ACT_LEFT || ev->action == ACT_CYCLE) {
			cycle(f, ev->action == TUI_ACT_LEFT ? -1 : 1);
			return tui_redraw();
		}
		return tui_unhandled();
	}
	r = tui_field_event(fld, ev);
	if (fld == &f->branch && r == TUI_FIELD_CHANGED)
		f->branch_typed = true;
	return r == TUI_FIELD_IGNORED ? tui_unhandled() : tui_redraw();
}

static bool form_cursor(tui_screen *s, int *y, int *x)
{
	form *f = SCR_STATE(form, s);

	*y = f->cy, *x = f->cx;
	return true;
}

static void form_destroy(tui_screen *s)
{
	form *f = SCR_STATE(form, s);

	tui_field_destroy(&f->name);
	tui_field_destroy(&f->repo);
	tui_field_destroy(&f->branch);
	tui_field_destroy(&f->root);
	space_list_free(f->spaces, f->nspaces);
	integration_list_free(f->its, f->nits);
	for (int i = 0; i < 4; i++)
		free(f->fixed[i]);
	for (int i = 0; i < 3; i++)
		free(f->was[i]);
	free(f->integ_slug);
	free(f);
}

static const tui_screen_ops form_ops = {
	.draw = form_draw,
	.key = form_key,
	.destroy = form_destroy,
	.cursor = form_cursor,
};

static form *form_alloc(bb_err *why)
{
	bb_ctx *ctx = scr_ctx();
	form *f = calloc(1, sizeof *f);

	if (!f || tui_field_init(&f->name, 0) || tui_field_init(&f->repo, 0) ||
	    tui_field_init(&f->branch, 0) || tui_field_init(&f->root, 0)) {
		if (f)
			form_destroy(&f->s);
		bb_oom(why);
		return NULL;
	}
	f->ctx = ctx;
	f->s.ops = &form_ops;
	f->s.keys = stacks_form_keys;
	f->s.title = f->title;
	f->s.data = f;
	return f;
}

tui_screen *stacks_edit_new(const bb_stack *s, bb_err *why)
{
	char doing[BB_NAME_MAX * 4 + 32], integ[BB_NAME_MAX * 4 + 32];
	form *f;

	/* refused at once, before anything is typed */
	snprintf(doing, sizeof doing, "Changing the %s %s", s->kind, s->name);
	if (space_need(scr_ctx(), s->space, BB_ROLE_ADMIN, doing, why) != BB_OK ||
	    !(f = form_alloc(why)))
		return NULL;
	snprintf(integ, sizeof integ, s->integration ? "%s" : "detached (was %s)",
		 s->integration ? s->integration : s->detached_from ? s->detached_from : "?");
	f->edit = true;
	f->kind = !strcmp(s->kind, "module");
	f->fixed[0] = util_strdup(s->name), f->fixed[1] = util_strdup(s->kind);
	f->fixed[2] = util_strdup(s->space), f->fixed[3] = util_strdup(integ);
	f->integ_slug = util_strdup(s->integration);
	f->was[0] = util_strdup(s->repository), f->was[1] = util_strdup(s->branch);
	f->was[2] = util_strdup(s->project_root ? s->project_root : "");
	if (!f->fixed[0] || !f->fixed[1] || !f->fixed[2] || !f->fixed[3] || !f->was[0] ||
	    !f->was[1] || !f->was[2] || tui_field_set(&f->repo, f->was[0]) ||
	    tui_field_set(&f->branch, f->was[1]) || tui_field_set(&f->root, f->was[2])) {
		form_destroy(&f->s);
		bb_oom(why);
		return NULL;
	}
	f->branch_typed = true; /* a pick keeps the branch the stack tracks */
	f->focus = F_REPO;
	snprintf(f->title, sizeof f->title, "Edit %s %s", s->kind, s->name);
	return &f->s;
}

tui_screen *stacks_form_new(bb_err *why)
{
	form *f = form_alloc(why);

	if (!f)
		return NULL;
	if (space_list_where(f->ctx, BB_ROLE_ADMIN, &f->spaces, &f->nspaces, why) != BB_OK ||
	    f->nspaces == 0) {
		if (f->nspaces == 0) {
			char text[BB_MSG_MAX];

			scr_role_reason(BB_ROLE_ADMIN, "Creating a stack or module", text, sizeof text);
			bb_fail(why, BB_DENIED, "%s", text);
		}
		form_destroy(&f->s);
		return NULL;
	}
	tui_field_set(&f->branch, "main");
	load_integrations(f);
	snprintf(f->title, sizeof f->title, "New stack or module");
	return &f->s;
}
