/* space_forms.c - two small forms of the spaces screens: create a space
 * (name, parent, inherit) and grant a role (login, role). One text field,
 * one or two choices, one button. Core checks every rule (space_create,
 * space_grant); its sentence is shown in a dialog and the input kept. */
#include "spaces.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scr.h"
#include "validate.h"


typedef struct mform {
	tui_screen s;
	bb_ctx *ctx;
	bool grant;          /* the grant form; else the space form */
	tui_field text;      /* the space's name, or the login */
	int focus;           /* 0 the text, 1..nchoices a choice, then the button */
	int nchoices;
	bb_space *parents;   /* space form: where the user is admin */
	size_t nparents, parent;
	bool inherit;
	bb_role role;        /* grant form */
	char *initial;       /* the text the form opened with ("" or the login) */
	char space[BB_NAME_MAX * 4 + 1];
	char title[BB_NAME_MAX * 4 + 48];
	int cy, cx;
} mform;

/* Keys go to the text field first (so Space and ? can be typed in it). */
const tui_keydef space_forms_space_keys[] = {
	{SCR_NEXT_FIELD, {TUI_K_TAB, TUI_K_DOWN}, "next", "Go to the next field.", true},
	{SCR_PREV_FIELD, {TUI_K_BACKTAB, TUI_K_UP}, "previous", "Go to the previous field.", false},
	{TUI_ACT_LEFT, {TUI_K_LEFT}, NULL, "On a choice: show the previous one.", false},
	{SCR_CYCLE, {TUI_K_RIGHT, ' '}, "change",
	 "On parent and inherit: show the previous or next choice.", true},
	{SCR_NEXT, {TUI_K_ENTER}, "next/create", "Go to the next field; on Create: create.", true},
	{TUI_ACT_BACK, {TUI_K_ESC}, "cancel", "Go back (asks before discarding a typed name).", true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help",
	 "Show the keys of this form (F1 in the name field, where ? is typed).", true},
	{0},
};

const tui_keydef space_forms_grant_keys[] = {
	{SCR_NEXT_FIELD, {TUI_K_TAB, TUI_K_DOWN}, "next", "Go to the next field.", true},
	{SCR_PREV_FIELD, {TUI_K_BACKTAB, TUI_K_UP}, "previous", "Go to the previous field.", false},
	{TUI_ACT_LEFT, {TUI_K_LEFT}, NULL, "On a choice: show the previous one.", false},
	{SCR_CYCLE, {TUI_K_RIGHT, ' '}, "change",
	 "On the role: show the previous or next role (read, write, admin).", true},
	{SCR_NEXT, {TUI_K_ENTER}, "next/grant", "Go to the next field; on Grant: grant.", true},
	{TUI_ACT_BACK, {TUI_K_ESC}, "cancel", "Go back (asks before discarding a typed login).", true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help",
	 "Show the keys of this form (F1 in the login field, where ? is typed).", true},
	{0},
};

static const char *choice_text(const mform *f, int i, char *buf, size_t size)
{
	if (f->grant)
		snprintf(buf, size, "< %s >", space_role_name(f->role));
	else if (i == 1)
		snprintf(buf, size, "< %s >", f->parents[f->parent].name);
	else
		snprintf(buf, size, "< %s >", f->inherit ? "yes" : "no");
	return buf;
}

static const char *form_note(const mform *f)
{
	if (f->grant)
		return "read sees, write also triggers runs, admin also creates and changes. A role "
		       "holds in this space and in every space below it.";
	return "Inherit yes: stacks here may use the parent's integrations (and further up "
	       "while inherit holds). Roles hold below whatever inherit says.";
}

static void form_draw(tui_screen *s, WINDOW *w, bool full)
{
	mform *f = SCR_STATE(mform, s);
	static const char *const space_labels[] = {"Name", "Parent", "Inherit"};
	static const char *const grant_labels[] = {"Login", "Role"};
	const char *const *labels = f->grant ? grant_labels : space_labels;
	int x = s->area.x + 2, y = s->area.y + 1, lw = 10, width = s->area.w - 4 - lw;
	tui_button b = {f->grant ? "Grant" : "Create", true};
	char buf[BB_NAME_MAX * 4 + 16];

	(void)full;
	for (int r = 0; r < s->area.h; r++)
		tui_fill(w, s->area.y + r, s->area.x, s->area.w, 0);
	for (int i = 0; i <= f->nchoices; i++, y++) {
		tui_put(w, y, x, lw, labels[i], tui_attr(TUI_MUTED), true);
		if (i == 0) {
			tui_field_draw(&f->text, w, y, x + lw, width, f->focus == 0, &f->cy, &f->cx);
			continue;
		}
		tui_put(w, y, x + lw, width, choice_text(f, i, buf, sizeof buf),
			f->focus == i ? tui_attr(TUI_SELECTED) : 0, false);
		if (f->focus == i)
			f->cy = y, f->cx = x + lw;
	}
	y += 1 + scr_wrap(w, y + 1, x, s->area.w - 4, 3, form_note(f), tui_attr(TUI_MUTED)) + 1;
	tui_buttons_draw(&b, 1, f->focus == f->nchoices + 1 ? 0 : -1, w, y, x, &f->cy, &f->cx);
}

static tui_ret discard_answer(void *arg, enum tui_answer a)
{
	(void)arg;
	return a == TUI_ANSWER_YES ? tui_pop() : tui_redraw();
}

static tui_ret submit(mform *f)
{
	const char *text = tui_field_value(&f->text);
	char msg[BB_MSG_MAX];
	bb_err err = {0};
	bb_code rc;

	if (f->grant)
		rc = space_grant(f->ctx, text, f->space, f->role, &err);
	else
		rc = space_create(f->ctx, text, f->parents[f->parent].name, f->inherit, &err);
	if (rc != BB_OK) {
		tui_screen *m = tui_dialog_message(f->grant ? "Not granted" : "Not created", err.msg,
						   NULL, NULL);

		return m ? tui_push(m) : tui_redraw();
	}
	scr_focus(f->grant ? "login" : "space", text);
	scr_changed();
	if (f->grant)
		snprintf(msg, sizeof msg, "Granted %.64s %s in space %s.", text, space_role_name(f->role),
			 f->space);
	else
		snprintf(msg, sizeof msg, "Created space %.64s under %s.", text,
			 f->parents[f->parent].name);
	tui_message(msg, false);
	return tui_pop();
}

static void cycle(mform *f, int dir)
{
	if (f->grant)
		f->role = (bb_role)((f->role - 1 + 3 + dir) % 3 + 1);
	else if (f->focus == 1 && f->nparents)
		f->parent = (f->parent + f->nparents + (size_t)(long)dir) % f->nparents;
	else
		f->inherit = !f->inherit;
}

static tui_ret form_key(tui_screen *s, const tui_event *ev)
{
	mform *f = SCR_STATE(mform, s);
	int count = f->nchoices + 2;

	switch (ev->action) {
	case TUI_ACT_BACK:
		if (!strcmp(tui_field_value(&f->text), f->initial ? f->initial : ""))
			return tui_unhandled();
		return tui_push(tui_dialog_confirm("Discard?", "What you typed will be lost.",
			"Discard", "Keep editing", false, discard_answer, f));
	case SCR_NEXT_FIELD:
		f->focus = (f->focus + 1) % count;
		return tui_redraw();
	case SCR_PREV_FIELD:
		f->focus = (f->focus + count - 1) % count;
		return tui_redraw();
	case SCR_NEXT:
		if (f->focus == count - 1)
			return submit(f);
		f->focus++;
		return tui_redraw();
	default:
		break;
	}
	if (f->focus != 0) {
		if (f->focus <= f->nchoices &&
		    (ev->action == TUI_ACT_LEFT || ev->action == SCR_CYCLE)) {
			cycle(f, ev->action == TUI_ACT_LEFT ? -1 : 1);
			return tui_redraw();
		}
		return tui_unhandled();
	}
	return tui_field_event(&f->text, ev) == TUI_FIELD_IGNORED ? tui_unhandled() : tui_redraw();
}

static bool form_cursor(tui_screen *s, int *y, int *x)
{
	mform *f = SCR_STATE(mform, s);

	*y = f->cy, *x = f->cx;
	return true;
}

static void form_destroy(tui_screen *s)
{
	mform *f = SCR_STATE(mform, s);

	tui_field_destroy(&f->text);
	free(f->initial);
	space_list_free(f->parents, f->nparents);
	free(f);
}

static const tui_screen_ops form_ops = {
	.draw = form_draw,
	.key = form_key,
	.destroy = form_destroy,
	.cursor = form_cursor,
};

static mform *form_alloc(void)
{
	mform *f = calloc(1, sizeof *f);

	if (f && tui_field_init(&f->text, 0) != 0) {
		free(f);
		return NULL;
	}
	if (!f)
		return NULL;
	f->ctx = scr_ctx();
	f->text.max_len = 256;
	f->s.ops = &form_ops;
	f->s.title = f->title;
	f->s.data = f;
	return f;
}

tui_screen *space_forms_space_new(const char *parent, bb_err *why)
{
	mform *f = form_alloc();

	if (!f) {
		bb_oom(why);
		return NULL;
	}
	if (space_list_where(f->ctx, BB_ROLE_ADMIN, &f->parents, &f->nparents, why) != BB_OK ||
	    f->nparents == 0) {
		if (f->nparents == 0 && why->code == BB_OK)
			spaces_may_create(parent ? parent : BB_ROOT_SPACE, why);
		form_destroy(&f->s);
		return NULL;
	}
	for (size_t i = 0; parent && i < f->nparents; i++)
		if (!strcmp(f->parents[i].name, parent))
			f->parent = i;
	f->nchoices = 2;
	f->inherit = true;
	snprintf(f->title, sizeof f->title, "New space");
	f->s.keys = space_forms_space_keys;
	return &f->s;
}

tui_screen *space_forms_grant_new(const char *space, const char *login, bb_role role)
{
	mform *f = form_alloc();

	if (!f)
		return NULL;
	f->grant = true;
	f->nchoices = 1;
	f->role = role >= BB_ROLE_READ && role <= BB_ROLE_ADMIN ? role : BB_ROLE_READ;
	snprintf(f->space, sizeof f->space, "%s", space);
	if (login) {
		tui_field_set(&f->text, login);
		f->initial = util_strdup(login);
		f->focus = 1; /* changing a role: the login is known */
	}
	snprintf(f->title, sizeof f->title, "Grant a role in space %s", space);
	f->s.keys = space_forms_grant_keys;
	return &f->s;
}
