/* setup.c - guided first-time setup: account name, plan, webhook base URL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "scr.h"
#include "validate.h"

enum { F_NAME, F_PLAN, F_URL, F_CREATE, F_COUNT };

typedef struct setup {
	tui_screen s;
	tui_field name, url;
	tui_choice plan;
	int focus;
	bool tried;
	char why[BB_MSG_MAX];
	char error[BB_MSG_MAX];     /* core's refusal of the last Create, shown above it */
	char intro[BB_MSG_MAX];
	int cy, cx, pcy, pcx;
} setup;

static const tui_choice_item plans[] = {
	{"free", NULL, NULL},
	{"cloud", NULL, NULL},
	{"business", NULL, NULL},
	{"enterprise", NULL, NULL},
};

const tui_keydef setup_keys[] = {
	{SCR_NEXT, {TUI_K_ENTER}, "next", "Go to the next field; on Create, set up the account.", true},
	{SCR_NEXT_FIELD, {TUI_K_TAB, TUI_K_DOWN}, "field", "Move to the next field.", true},
	{SCR_PREV_FIELD, {TUI_K_BACKTAB, TUI_K_UP}, "", "Move to the previous field.", false},
	{TUI_ACT_RIGHT, {TUI_K_RIGHT, 'l', 'j'}, "plan", "On the plan field: the next plan.", false},
	{TUI_ACT_LEFT, {TUI_K_LEFT, 'h', 'k'}, NULL, "On the plan field: the previous plan.", false},
	{TUI_ACT_CHOOSE, {' '}, NULL, "On the plan field: the next plan; on Create: set up the account.",
	 false},
	{TUI_ACT_BACK, {TUI_K_ESC}, "quit", "Leave without setting up (asks if you typed).", true},
	{TUI_ACT_HELP, {TUI_K_F1}, "help", "Show the keys of this screen.", true},
	TUI_KEYS_INCLUDE(tui_field_keys),
	{0},
};

static const char *check_url(void *arg, const char *v)
{
	setup *st = arg;
	bb_err err = {0};

	if (validate_webhook_base(v, &err) == BB_OK)
		return NULL;
	snprintf(st->why, sizeof st->why, "%s", err.msg);
	return st->why;
}

static const char *check_name(void *arg, const char *v)
{
	(void)arg;
	return strspn(v, " \t") == strlen(v) ? "The account name is required." : NULL;
}

/* The plan as one row of radio buttons, so the form fits 60x16. */
static void draw_plan(setup *st, WINDOW *w, int y, int x, int width)
{
	int cx = x;

	for (size_t i = 0; i < st->plan.n && cx < x + width; i++) {
		char item[40];
		attr_t a = i == st->plan.sel && st->focus == F_PLAN ? tui_attr(TUI_SELECTED) : 0;

		snprintf(item, sizeof item, "(%c) %s", i == st->plan.sel ? '*' : ' ',
			 st->plan.items[i].label);
		if (i == st->plan.sel)
			st->pcy = y, st->pcx = cx + 1;
		int used = tui_put(w, y, cx, x + width - cx, item, a, false);

		tui_hit_add((tui_rect){y, cx, 1, used}, TUI_HIT_CHOICE, &st->plan, i);
		cx += used + 1;
	}
}

static void setup_draw(tui_screen *s, WINDOW *w, bool full)
{
	setup *st = SCR_STATE(setup, s);
	tui_rect a = s->area;
	int x = a.x + 2, width = a.w - 4, y = a.y + 1, fx = x + 14, cy, cx;
	const char *why;
	tui_button b = {"Create account", true};

	(void)full;
	for (int r = 0; r < a.h; r++)
		tui_fill(w, a.y + r, a.x, a.w, 0);
	y += scr_wrap(w, y, x, width, 2, st->intro, 0) + 1;
	tui_put(w, y, x, 14, "Account name", A_BOLD, true);
	tui_field_draw(&st->name, w, y++, fx, width - 14 < 40 ? width - 14 : 40,
		       st->focus == F_NAME, &st->cy, &st->cx);
	why = tui_field_check(&st->name);
	tui_put(w, y++, fx, width - 14, why && (st->tried || st->name.len) ? why : "",
		tui_attr(TUI_ERROR), true);
	tui_put(w, y, x, 6, "Plan", A_BOLD, true);
	draw_plan(st, w, y++, x + 6, width - 6);
	tui_put(w, y++, x + 6, width - 6, "(business, enterprise: aggregated VCS checks)",
		tui_attr(TUI_MUTED), true);
	tui_put(w, y++, x, width, "Webhook base URL (https; webhooks are sent there):", A_BOLD,
		true);
	tui_field_draw(&st->url, w, y++, x, width < 64 ? width : 64, st->focus == F_URL, &cy, &cx);
	if (st->focus == F_URL)
		st->cy = cy, st->cx = cx;
	if (st->focus == F_PLAN)
		st->cy = st->pcy, st->cx = st->pcx;
	why = tui_field_check(&st->url);
	/* one sentence at a time, above the button (never on the message line,
	 * which a long sentence would spread over the button) */
	if (why && (st->tried || st->url.len))
		scr_wrap(w, y, x, width, 2, why, tui_attr(TUI_ERROR));
	else if (st->error[0])
		scr_wrap(w, y, x, width, 2, st->error, tui_attr(TUI_ERROR));
	tui_buttons_draw(&b, 1, st->focus == F_CREATE ? 0 : -1, w, a.y + a.h - 1, x, &cy, &cx);
	if (st->focus == F_CREATE)
		st->cy = cy, st->cx = cx;
}

static tui_ret plan_key(setup *st, const tui_event *ev)
{
	switch (ev->action) {
	case TUI_ACT_LEFT:
		st->plan.sel = st->plan.sel ? st->plan.sel - 1 : st->plan.n - 1;
		return tui_redraw();
	case TUI_ACT_RIGHT: case TUI_ACT_CHOOSE:
		st->plan.sel = (st->plan.sel + 1) % st->plan.n;
		return tui_redraw();
	case SCR_NEXT:
		st->focus++;
		return tui_redraw();
	default:
		return tui_unhandled();
	}
}

static tui_ret setup_create(setup *st)
{
	bb_err err = {0};
	tui_screen *home;

	st->tried = true;
	st->error[0] = '\0';
	if (account_init(scr_ctx(), tui_field_value(&st->name), plans[st->plan.sel].label,
			 tui_field_value(&st->url), &err) != BB_OK) {
		/* a field's own reason says it already: the refusal is not repeated */
		if (!tui_field_check(&st->name) && !tui_field_check(&st->url))
			snprintf(st->error, sizeof st->error, "%s", err.msg);
		return tui_redraw();
	}
	scr_changed();
	tui_message("Account created; you are admin of root. Press n to add an integration.", false);
	home = home_new();
	return home ? tui_replace(home) : tui_quit();
}

static tui_ret quit_answer(void *arg, enum tui_answer a)
{
	(void)arg;
	return a == TUI_ANSWER_YES ? tui_quit() : tui_redraw();
}

static tui_ret setup_key(tui_screen *s, const tui_event *ev)
{
	setup *st = SCR_STATE(setup, s);
	enum tui_field_res r = TUI_FIELD_IGNORED;

	if (ev->action == TUI_ACT_CLICK) {
		const void *fields[] = {&st->name, NULL, &st->url};
		int i = tui_click_target(ev, fields, 3);

		if (ev->hit == TUI_HIT_BUTTON)
			return setup_create(st);
		if (ev->hit == TUI_HIT_CHOICE && ev->hit_owner == &st->plan) {
			st->focus = F_PLAN; /* a click on a plan takes it */
			st->plan.sel = ev->hit_index;
		} else if (i >= 0) {
			st->focus = i;
		}
		return tui_redraw();
	}
	if (ev->action == TUI_ACT_BACK) {
		tui_screen *d;

		if (!st->name.len && !st->url.len)
			return tui_quit();
		d = tui_dialog_confirm("Leave the setup?", "Quit and discard what you typed?",
				       "Quit", "Keep editing", false, quit_answer, st);
		return d ? tui_push(d) : tui_redraw();
	}
	/* Down/Up move between fields too, so arrow keys alone fill the form */
	if (ev->action == SCR_NEXT_FIELD || ev->action == SCR_PREV_FIELD) {
		bool fwd = ev->action == SCR_NEXT_FIELD;

		st->focus = (st->focus + (fwd ? 1 : F_COUNT - 1)) % F_COUNT;
		return tui_redraw();
	}
	if (st->focus == F_NAME)
		r = tui_field_event(&st->name, ev);
	else if (st->focus == F_URL)
		r = tui_field_event(&st->url, ev);
	else if (st->focus == F_PLAN)
		return plan_key(st, ev);
	else if (ev->action == SCR_NEXT || ev->action == TUI_ACT_CHOOSE)
		return setup_create(st);
	if (r == TUI_FIELD_SUBMIT) {
		st->focus++;
		return tui_redraw();
	}
	return r == TUI_FIELD_IGNORED ? tui_unhandled() : tui_redraw();
}

static bool setup_cursor(tui_screen *s, int *y, int *x)
{
	setup *st = SCR_STATE(setup, s);

	*y = st->cy, *x = st->cx;
	return true;
}

static void setup_destroy(tui_screen *s)
{
	setup *st = SCR_STATE(setup, s);

	tui_field_destroy(&st->name);
	tui_field_destroy(&st->url);
	free(st);
}

static const tui_screen_ops setup_ops = {
	.draw = setup_draw,
	.key = setup_key,
	.destroy = setup_destroy,
	.cursor = setup_cursor,
};

tui_screen *setup_new(void)
{
	setup *st = calloc(1, sizeof *st);

	if (!st)
		return NULL;
	if (tui_field_init(&st->name, 0) || tui_field_init(&st->url, 0)) {
		setup_destroy(&st->s);
		return NULL;
	}
	st->name.validate = check_name, st->name.arg = st;
	st->url.validate = check_url, st->url.arg = st;
	st->plan = (tui_choice){plans, sizeof plans / sizeof plans[0], 0};
	snprintf(st->intro, sizeof st->intro, "Welcome. This database has no account yet. Set it "
		 "up once; you (%s) become admin of the root space.", scr_ctx()->user);
	st->s.ops = &setup_ops;
	st->s.keys = setup_keys;
	st->s.title = "bbconsole - first-time setup";
	st->s.data = st;
	return &st->s;
}
