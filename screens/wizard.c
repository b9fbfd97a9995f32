/* wizard.c - the setup wizard for a new integration: one step per screen
 * (name, type, email, API token, labels, description, review), live checks
 * through core's validators, back without losing input, drafts on hangup.
 *
 * One tui_screen holds every step; changing step swaps the title and the key
 * table and asks for a full redraw, so each step looks like its own screen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "draft.h"
#include "intform.h"
#include "scr.h"
#include "verify.h"
#include "space.h"
#include "validate.h"

enum { ST_NAME, ST_TYPE, ST_EMAIL, ST_TOKEN, ST_LABELS, ST_DESC, ST_REVIEW, ST_COUNT };

static const char *const step_names[ST_COUNT] = {
	"Name", "Type", "Email", "API token", "Labels", "Description", "Review"};

typedef struct wizard {
	tui_screen s;
	int step;
	int focus;                  /* widget index, then Back, then Next */
	bool tried[ST_COUNT];       /* Next was attempted: show the reason even if empty */
	tui_field name;
	intform f;                  /* email, token, labels, description */
	tui_field expires;          /* on the token step: the date the token expires */
	tui_choice type;            /* 0 default, 1 space */
	tui_choice_item type_items[2];
	char default_why[BB_MSG_MAX];
	tui_choice space;
	tui_choice_item *space_items;
	bb_space *spaces;
	size_t nspaces;
	char name_why[BB_MSG_MAX];  /* the name validator's sentence */
	char expires_why[BB_MSG_MAX];
	char title[96];
	int cy, cx;
	bool cursor;
	verify_state verify;        /* the token, checked while the user goes on */
} wizard;

#define W_HINT(a, k, h, help) {a, {k}, h, help, true}

const tui_keydef wizard_keys_line[] = {
	{SCR_NEXT, {TUI_K_ENTER}, "next", "Go to the next step when the value is valid.", true},
	{SCR_NEXT_FIELD, {TUI_K_TAB}, "buttons", "Move between the field and the buttons.", true},
	{SCR_PREV_FIELD, {TUI_K_BACKTAB}, "", "Move back between the buttons and the field.", false},
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back a step; nothing typed is lost.", true},
	{TUI_ACT_HELP, {TUI_K_F1}, "help", "Show the keys of this step.", true},
	{0},
};

const tui_keydef wizard_keys_choice[] = {
	{SCR_MOVE, {TUI_K_DOWN, 'j', TUI_K_UP, 'k'}, "choose",
	 "Move between the choices; a disabled one says why.", true},
	{SCR_NEXT, {TUI_K_ENTER, ' '}, "select", "Take the choice and go on.", true},
	{SCR_NEXT_FIELD, {TUI_K_TAB}, "next field", "Move to the space picker and the buttons.", true},
	{SCR_PREV_FIELD, {TUI_K_BACKTAB}, "", "Move back.", false},
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back a step; nothing chosen is lost.", true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this step.", true},
	{0},
};

const tui_keydef wizard_keys_labels[] = {
	{SCR_NEXT, {TUI_K_ENTER}, "add/next",
	 "Add the typed label; on an empty input, go to the next step.", true},
	{SCR_DELETE, {TUI_K_BACKSPACE}, "remove",
	 "On an empty input, remove the last label (Left selects one, x removes it).", true},
	{SCR_NEXT_FIELD, {TUI_K_TAB}, "buttons", "Move between the input and the buttons.", true},
	{SCR_PREV_FIELD, {TUI_K_BACKTAB}, "", "Move back.", false},
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back a step; nothing typed is lost.", true},
	{TUI_ACT_HELP, {TUI_K_F1}, "help", "Show the keys of this step.", true},
	{0},
};

const tui_keydef wizard_keys_text[] = {
	{SCR_FINISH, {TUI_CTRL('d')}, "finish", "Finish the description and go on.", true},
	{SCR_NEXT_FIELD, {TUI_K_TAB}, "buttons", "Move between the text and the buttons.", true},
	{SCR_PREV_FIELD, {TUI_K_BACKTAB}, "", "Move back.", false},
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back a step; nothing typed is lost.", true},
	{TUI_ACT_HELP, {TUI_K_F1}, "help", "Show the keys of this step.", true},
	{0},
};

const tui_keydef wizard_keys_review[] = {
	{SCR_NEXT, {TUI_K_ENTER}, "create", "Create the integration (or go back on Back).", true},
	{SCR_NEXT_FIELD, {TUI_K_TAB, TUI_K_RIGHT, 'l'}, "buttons", "Move between the buttons.", true},
	{SCR_PREV_FIELD, {TUI_K_BACKTAB, TUI_K_LEFT, 'h'}, "", "Move back between the buttons.",
	 false},
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back a step; nothing typed is lost.", true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this step.", true},
	{0},
};

static const tui_keydef *const step_keys[ST_COUNT] = {
	wizard_keys_line, wizard_keys_choice, wizard_keys_line, wizard_keys_line,
	wizard_keys_labels, wizard_keys_text, wizard_keys_review};

/* ---- validators: core's sentences, shown beside the field ---------------- */

static const char *check_name(void *arg, const char *v)
{
	wizard *w = arg;
	bb_err err = {0};
	char holder[256], slug[256];

	if (validate_name(v, &err) != BB_OK) {
		snprintf(w->name_why, BB_MSG_MAX, "%s", err.msg);
		return w->name_why;
	}
	if (integration_slug_taken(scr_ctx(), v, holder, sizeof holder)) {
		char q[BB_QUOTE_SIZE];

		validate_slugify(v, slug, sizeof slug);
		validate_quote(holder, q, sizeof q);
		snprintf(w->name_why, BB_MSG_MAX, "The id %s is taken by integration %s; "
			 "choose another name.", slug, q);
		return w->name_why;
	}
	return NULL;
}

/* The expiry date is optional; when typed, core says whether it is a date. */
static const char *check_expires(void *arg, const char *v)
{
	wizard *w = arg;
	bb_err err = {0};

	if (!*v || integration_check_expiry(v, &err) == BB_OK)
		return NULL;
	snprintf(w->expires_why, BB_MSG_MAX, "%s", err.msg);
	return w->expires_why;
}

/* Digits and '-' only: a token pasted into the wrong field is refused whole,
 * never shown in clear. */
static enum tui_filter_res expires_filter(void *arg, wchar_t ch)
{
	(void)arg;
	return (ch >= '0' && ch <= '9') || ch == '-' ? TUI_FILTER_ACCEPT : TUI_FILTER_REFUSE;
}

/* ---- step state ------------------------------------------------------------ */

static bool is_space_type(const wizard *w)
{
	return w->type.sel == 1;
}

/* Widgets that take focus on the current step (before the buttons). */
static int widget_count(const wizard *w)
{
	if (w->step == ST_REVIEW)
		return 0;
	if (w->step == ST_TYPE && is_space_type(w) && w->nspaces)
		return 2;
	if (w->step == ST_TOKEN)
		return 2; /* the token, then its expiry date */
	return 1;
}

/* Why the current step cannot go on (NULL: it can). */
static const char *step_reason(wizard *w)
{
	switch (w->step) {
	case ST_NAME:
		return tui_field_check(&w->name);
	case ST_TYPE:
		if (w->type.items[w->type.sel].disabled)
			return w->type.items[w->type.sel].disabled;
		return NULL;
	case ST_EMAIL:
		return tui_field_check(&w->f.email);
	case ST_TOKEN:
		return tui_field_check(&w->f.token) ? tui_field_check(&w->f.token)
						  : tui_field_check(&w->expires);
	case ST_LABELS:
		return tui_field_value(&w->f.labels.input)[0] ? w->f.labels.reason : NULL;
	case ST_DESC:
		return tui_field_check(&w->f.desc);
	default:
		return NULL;
	}
}

static void set_step(wizard *w, int step)
{
	w->step = step;
	w->focus = 0;
	w->s.keys = step_keys[step];
	snprintf(w->title, sizeof w->title, "New integration - Step %d of %d: %s", step + 1,
		 ST_COUNT, step_names[step]);
	tui_message(NULL, false);
}

static bool has_input(const wizard *w)
{
	return w->name.len || w->f.email.len || w->f.token.len || w->f.desc.len || w->f.labels.n ||
	       w->f.labels.input.len;
}

/* ---- drafts: everything but the token ----------------------------------------- */

static char *draft_json(const wizard *w)
{
	cJSON *o = cJSON_CreateObject(), *labels = cJSON_CreateArray();
	char *s;

	cJSON_AddNumberToObject(o, "step", w->step);
	cJSON_AddStringToObject(o, "name", tui_field_value(&w->name));
	cJSON_AddStringToObject(o, "type", is_space_type(w) ? "space" : "default");
	if (w->nspaces)
		cJSON_AddStringToObject(o, "space", w->spaces[w->space.sel].name);
	cJSON_AddStringToObject(o, "email", tui_field_value(&w->f.email));
	cJSON_AddStringToObject(o, "token_expires", tui_field_value(&w->expires));
	for (size_t i = 0; i < w->f.labels.n; i++)
		cJSON_AddItemToArray(labels, cJSON_CreateString(w->f.labels.tags[i]));
	cJSON_AddItemToObject(o, "labels", labels);
	cJSON_AddStringToObject(o, "label_input", tui_field_value(&w->f.labels.input));
	cJSON_AddStringToObject(o, "description", tui_field_value(&w->f.desc));
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

static void wizard_hangup(void *arg)
{
	wizard *w = arg;
	bb_err err = {0};
	char *json;

	if (!has_input(w) || !(json = draft_json(w)))
		return;
	draft_save(scr_ctx(), json, &err);
	free(json);
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static void load_draft(wizard *w, const char *json)
{
	cJSON *o = cJSON_Parse(json), *v;
	const char *space;

	if (!o)
		return;
	tui_field_set(&w->name, jstr(o, "name"));
	tui_field_set(&w->f.email, jstr(o, "email"));
	tui_field_set(&w->expires, jstr(o, "token_expires"));
	tui_field_set(&w->f.desc, jstr(o, "description"));
	tui_field_set(&w->f.labels.input, jstr(o, "label_input"));
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(o, "labels"))
		if (cJSON_IsString(v))
			tui_tags_add(&w->f.labels, v->valuestring);
	w->type.sel = strcmp(jstr(o, "type"), "space") == 0;
	space = jstr(o, "space");
	for (size_t i = 0; i < w->nspaces; i++)
		if (strcmp(w->spaces[i].name, space) == 0)
			w->space.sel = i;
	v = cJSON_GetObjectItemCaseSensitive(o, "step");
	/* the token is never saved: resume at its step at the latest */
	if (cJSON_IsNumber(v) && v->valueint >= 0 && v->valueint < ST_COUNT)
		set_step(w, v->valueint < ST_TOKEN ? v->valueint : ST_TOKEN);
	cJSON_Delete(o);
}

/* ---- drawing ------------------------------------------------------------------ */

/* The reason under a field: shown once something was typed or Next tried. */
static int draw_reason(wizard *w, WINDOW *win, int y, int x, int width, const char *why,
		       bool typed)
{
	if (!why || (!typed && !w->tried[w->step]))
		return 0;
	return scr_wrap(win, y, x, width, 4, why, tui_attr(TUI_ERROR));
}

static void draw_line_step(wizard *w, WINDOW *win, int y, int x, int width, tui_field *f,
			   const char *label)
{
	bool focus = w->focus == 0;

	tui_put(win, y, x, width, label, A_BOLD, true);
	tui_field_draw(f, win, y + 1, x, width < 64 ? width : 64, focus, &w->cy, &w->cx);
	w->cursor = focus;
	draw_reason(w, win, y + 2, x, width, tui_field_check(f), f->len > 0);
}

/* The token, its expiry date, and how to make one (in the rows left above
 * the buttons). */
static void draw_token(wizard *w, WINDOW *win, int y, int x, int width)
{
	int buttons = w->s.area.y + w->s.area.h - 2, help;
	bool focus = w->focus == 1;

	draw_line_step(w, win, y, x, width, &w->f.token, "API token (hidden; paste allowed):");
	tui_put(win, y + 4, x, width, "Expires on (YYYY-MM-DD, optional; Tab):", A_BOLD, true);
	tui_field_draw(&w->expires, win, y + 5, x, 12, focus, focus ? &w->cy : NULL,
		       focus ? &w->cx : NULL);
	if (focus)
		w->cursor = true;
	draw_reason(w, win, y + 6, x, width, tui_field_check(&w->expires), w->expires.len > 0);
	help = buttons - (y + 8) - 1;
	if (help > 0)
		scr_wrap(win, y + 8, x, width, help, "Create an Atlassian API token with scopes "
			 "read:repository:bitbucket and read:pullrequest:bitbucket; "
			 "read:workspace:bitbucket is recommended so that workspaces can be "
			 "discovered. The token is stored encrypted and never shown again.",
			 tui_attr(TUI_MUTED));
}

static void draw_name(wizard *w, WINDOW *win, int y, int x, int width)
{
	const char *name = tui_field_value(&w->name);
	char slug[256], *endpoint = NULL;
	bb_err err = {0};

	draw_line_step(w, win, y, x, width, &w->name, "Name of the integration:");
	validate_slugify(name, slug, sizeof slug);
	if (slug[0])
		integration_endpoint_for(scr_ctx(), name, &endpoint, &err);
	scr_pair(win, y + 6, x, width, "Id (slug)", slug[0] ? slug : "-", 0);
	tui_put(win, y + 7, x, width, "Webhook endpoint it will produce:", tui_attr(TUI_MUTED), true);
	scr_wrap_path(win, y + 8, x, width, 2, endpoint ? endpoint : "-", 0);
	free(endpoint);
	scr_wrap(win, y + 11, x, width, 2, "The name is permanent: the webhook endpoint is "
		 "derived from it, so it cannot be changed after creation.", A_BOLD);
}

static void draw_type(wizard *w, WINDOW *win, int y, int x, int width)
{
	int cy, cx;

	tui_put(win, y, x, width, "Who may use the integration?", A_BOLD, true);
	tui_choice_draw(&w->type, win, (tui_rect){y + 1, x, 3, width}, w->focus == 0, &cy, &cx);
	if (w->focus == 0)
		w->cy = cy, w->cx = cx, w->cursor = true;
	/* the reason a choice is disabled stays in view, selected or not */
	for (size_t i = 0; i < 2; i++)
		if (w->type.items[i].disabled) {
			scr_wrap(win, y + 4, x, width, 3, w->type.items[i].disabled,
				 i == w->type.sel ? tui_attr(TUI_ERROR) : tui_attr(TUI_MUTED));
			break;
		}
	if (!is_space_type(w) || !w->nspaces)
		return;
	tui_put(win, y + 7, x, width, "Space (spaces where you are admin):", A_BOLD, true);
	tui_choice_draw(&w->space, win, (tui_rect){y + 8, x, w->s.area.h - 11, width},
			w->focus == 1, &cy, &cx);
	if (w->focus == 1)
		w->cy = cy, w->cx = cx, w->cursor = true;
}

static void draw_labels(wizard *w, WINDOW *win, int y, int x, int width)
{
	const char *why = w->f.labels.reason;
	const char *input = tui_field_value(&w->f.labels.input);

	tui_put(win, y, x, width, "Labels (optional): type one and press Enter to add it.",
		A_BOLD, true);
	tui_put(win, y + 1, x, width, "Enter on an empty input goes on; Backspace removes the "
		"last label.", tui_attr(TUI_MUTED), true);
	tui_tags_draw(&w->f.labels, win, (tui_rect){y + 2, x, 4, width}, w->focus == 0, &w->cy,
		      &w->cx);
	w->cursor = w->focus == 0;
	if (why && *input && tui_field_check(&w->f.labels.input))
		why = tui_field_check(&w->f.labels.input);
	if (why)
		scr_wrap(win, y + 6, x, width, 3, why, tui_attr(TUI_ERROR));
}

static void draw_desc(wizard *w, WINDOW *win, int y, int x, int width)
{
	int h = w->s.area.h - 7;

	tui_put(win, y, x, width, "Description (optional, Markdown). Ctrl-D finishes.", A_BOLD,
		true);
	tui_area_draw(&w->f.desc, win, (tui_rect){y + 1, x, h < 2 ? 2 : h, width}, w->focus == 0,
		      &w->cy, &w->cx);
	w->cursor = w->focus == 0;
	draw_reason(w, win, y + 1 + (h < 2 ? 2 : h), x, width, tui_field_check(&w->f.desc), true);
}

static void draw_review(wizard *w, WINDOW *win, int y, int x, int width)
{
	char slug[256], labels[1024], mask[64], *endpoint = NULL;
	const char *name = tui_field_value(&w->name);
	bb_err err = {0};
	int rows = w->s.area.h - 4, vrows;

	validate_slugify(name, slug, sizeof slug);
	integration_endpoint_for(scr_ctx(), name, &endpoint, &err);
	scr_join(&(bb_strlist){w->f.labels.tags, w->f.labels.n}, labels, sizeof labels);
	scr_mask(w->f.token.len, 12, mask, sizeof mask);
	scr_pair(win, y, x, width, "Name", name, A_BOLD);
	scr_pair(win, y + 1, x, width, "Id (slug)", slug, 0);
	tui_put(win, y + 2, x, 14, "Endpoint", tui_attr(TUI_MUTED), true);
	if (scr_wrap_path(win, y + 2, x + 14, width - 14, 2, endpoint ? endpoint : "-", 0) > 1)
		y++;
	scr_pair(win, y + 3, x, width, "Type", is_space_type(w) ? "space" : "default", 0);
	scr_pair(win, y + 4, x, width, "Space",
		 is_space_type(w) && w->nspaces ? w->spaces[w->space.sel].name : "root", 0);
	scr_pair(win, y + 5, x, width, "Email", tui_field_value(&w->f.email), 0);
	if (w->expires.len)
		snprintf(mask + strlen(mask), sizeof mask - strlen(mask), "  (expires %s)",
			 tui_field_value(&w->expires));
	scr_pair(win, y + 6, x, width, "API token", mask, 0);
	vrows = verify_draw(&w->verify, win, y + 7, x + 14, width - 14, 2);
	y += vrows;
	rows -= vrows;
	scr_pair(win, y + 7, x, width, "Labels", w->f.labels.n ? labels : "(none)", 0);
	tui_put(win, y + 8, x, width, "Description", tui_attr(TUI_MUTED), true);
	scr_wrap(win, y + 9, x + 2, width - 2, rows - 9 > 0 ? rows - 9 : 0,
		 w->f.desc.len ? tui_field_value(&w->f.desc) : "(none)", 0);
	free(endpoint);
	w->cursor = false;
}

static void draw_buttons(wizard *w, WINDOW *win, int y, int x)
{
	int nw = widget_count(w), cy, cx;
	tui_button b[2] = {{"< Back", true},
			   {w->step == ST_REVIEW ? "Create" : "Next >", step_reason(w) == NULL}};
	long focused = w->focus >= nw ? w->focus - nw : -1;

	tui_buttons_draw(b, 2, focused, win, y, x, &cy, &cx);
	if (focused >= 0)
		w->cy = cy, w->cx = cx, w->cursor = true;
}

static void wizard_draw(tui_screen *s, WINDOW *win, bool full)
{
	wizard *w = SCR_STATE(wizard, s);
	tui_rect a = s->area;
	int x = a.x + 2, width = a.w - 4, y = a.y + 1;

	(void)full;
	for (int r = 0; r < a.h; r++)
		tui_fill(win, a.y + r, a.x, a.w, 0);
	w->cursor = false;
	switch (w->step) {
	case ST_NAME: draw_name(w, win, y, x, width); break;
	case ST_TYPE: draw_type(w, win, y, x, width); break;
	case ST_EMAIL:
		draw_line_step(w, win, y, x, width, &w->f.email,
			       "Atlassian account email (Bitbucket's API user name):");
		break;
	case ST_TOKEN: draw_token(w, win, y, x, width); break;
	case ST_LABELS: draw_labels(w, win, y, x, width); break;
	case ST_DESC: draw_desc(w, win, y, x, width); break;
	default: draw_review(w, win, y, x, width); break;
	}
	draw_buttons(w, win, a.y + a.h - 2, x);
}

static bool wizard_cursor(tui_screen *s, int *y, int *x)
{
	wizard *w = SCR_STATE(wizard, s);

	*y = w->cy, *x = w->cx;
	return w->cursor;
}

/* ---- keys ------------------------------------------------------------------------ */

static tui_ret discard_answer(void *arg, enum tui_answer a)
{
	(void)arg;
	return a == TUI_ANSWER_YES ? tui_pop() : tui_redraw();
}

static tui_ret go_back(wizard *w)
{
	tui_screen *d;

	if (w->step == ST_REVIEW && verify_running(&w->verify)) {
		verify_cancel(&w->verify); /* Esc first stops the check */
		return tui_redraw();
	}
	if (w->step > 0) {
		set_step(w, w->step - 1);
		return (tui_ret){TUI_R_FULL, 0, NULL};
	}
	if (!has_input(w))
		return tui_pop();
	d = tui_dialog_confirm("Discard the new integration?",
			       "Leave the wizard and discard what you typed?", "Discard",
			       "Keep editing", false, discard_answer, w);
	return d ? tui_push(d) : tui_redraw();
}

static tui_ret wizard_create(wizard *w)
{
	bb_strlist labels = {0};
	bb_integration out = {0};
	bb_err err = {0};
	bb_integration_input in = {
		.name = tui_field_value(&w->name),
		.is_default = !is_space_type(w),
		.space = is_space_type(w) && w->nspaces ? w->spaces[w->space.sel].name : NULL,
		.email = tui_field_value(&w->f.email),
		.token = tui_field_value(&w->f.token),
		.labels = &labels,
		.description = tui_field_value(&w->f.desc),
	};
	tui_screen *next;
	char msg[BB_MSG_MAX];

	for (size_t i = 0; i < w->f.labels.n; i++)
		strlist_push(&labels, w->f.labels.tags[i]);
	if (integration_create(scr_ctx(), &in, &out, &err) != BB_OK) {
		strlist_free(&labels);
		scr_error(&err);
		return tui_redraw();
	}
	strlist_free(&labels);
	if (w->expires.len &&
	    integration_set_token_expires(scr_ctx(), out.slug, tui_field_value(&w->expires),
					  &err) != BB_OK)
		scr_error(&err);
	if (w->verify.status == VERIFY_OK || w->verify.status == VERIFY_FAILED)
		integration_record_verify(scr_ctx(), out.slug, w->verify.status == VERIFY_OK,
					  w->verify.text, NULL);
	draft_delete(scr_ctx(), &err);
	scr_changed();
	next = reattach_offer(out.name, out.slug);
	if (!next)
		next = webhook_new(out.slug);
	snprintf(msg, sizeof msg, "Created integration %s; now add its webhook in Bitbucket.",
		 out.slug);
	tui_message(msg, false);
	integration_free(&out);
	return next ? tui_replace(next) : tui_pop();
}

static tui_ret try_next(wizard *w)
{
	const char *why;
	const char *input = tui_field_value(&w->f.labels.input);

	w->tried[w->step] = true;
	if (w->step == ST_LABELS && *input) {
		if (tui_tags_add(&w->f.labels, input) < 0)
			return tui_redraw();
		tui_field_set(&w->f.labels.input, "");
	}
	if ((why = step_reason(w))) {
		tui_message("Not yet: the reason is shown above; fix it to go on.", true);
		return tui_redraw();
	}
	if (w->step == ST_REVIEW)
		return wizard_create(w);
	if (w->step == ST_TOKEN) /* a failure shows on the review; it never blocks */
		verify_start(&w->verify, tui_field_value(&w->f.email), tui_field_value(&w->f.token),
			     NULL);
	set_step(w, w->step + 1);
	if (w->step == ST_REVIEW)
		w->focus = 1; /* on Create */
	return (tui_ret){TUI_R_FULL, 0, NULL};
}

static void move_focus(wizard *w, int dir)
{
	int n = widget_count(w) + 2;

	for (int i = 0; i < n; i++) {
		w->focus = (w->focus + dir + n) % n;
		if (w->focus != n - 1 || step_reason(w) == NULL)
			break;
	}
}

static tui_ret field_result(wizard *w, enum tui_field_res r)
{
	switch (r) {
	case TUI_FIELD_SUBMIT:
	case TUI_FIELD_DONE:
		return try_next(w);
	case TUI_FIELD_IGNORED:
		return tui_unhandled();
	default: /* the loop cleared the message line before this key */
		return tui_redraw();
	}
}

static tui_ret choice_key(wizard *w, const tui_event *ev)
{
	tui_choice *c = w->focus == 0 ? &w->type : &w->space;
	enum tui_field_res r = tui_choice_event(c, ev);

	if (r == TUI_FIELD_REFUSED) {
		tui_message(c->items[c->sel].disabled, true);
		return tui_redraw();
	}
	if (r == TUI_FIELD_SUBMIT && w->focus == 0 && is_space_type(w) && w->nspaces) {
		w->focus = 1;
		return tui_redraw();
	}
	if (r == TUI_FIELD_MOVED)
		return (tui_ret){TUI_R_FULL, 0, NULL}; /* the space picker may appear */
	return field_result(w, r);
}

static tui_ret token_key(wizard *w, const tui_event *ev)
{
	enum tui_field_res r;

	if (w->focus == 0)
		return field_result(w, tui_field_event(&w->f.token, ev));
	r = tui_field_event(&w->expires, ev);
	if (r == TUI_FIELD_REFUSED) {
		tui_message("The expiry date takes digits and '-' only, like 2027-03-31; that "
			    "was not taken.", true);
		return tui_redraw();
	}
	return field_result(w, r);
}

static tui_ret widget_key(wizard *w, const tui_event *ev)
{
	switch (w->step) {
	case ST_NAME: return field_result(w, intform_field_event(&w->name, ev));
	case ST_TYPE: return choice_key(w, ev);
	case ST_EMAIL: return field_result(w, intform_field_event(&w->f.email, ev));
	case ST_TOKEN: return token_key(w, ev);
	case ST_LABELS: {
		enum tui_field_res r = intform_tags_event(&w->f.labels, ev);

		return r == TUI_FIELD_REFUSED ? tui_redraw() : field_result(w, r);
	}
	default: return field_result(w, intform_field_event(&w->f.desc, ev));
	}
}

static tui_ret button_key(wizard *w, const tui_event *ev)
{
	int nw = widget_count(w);

	switch (ev->key) {
	case TUI_K_ENTER:
	case ' ':
		if (w->focus == nw)
			return go_back(w);
		return try_next(w);
	case TUI_K_LEFT:
	case 'h':
	case TUI_K_RIGHT:
	case 'l':
		w->focus = w->focus == nw ? nw + 1 : nw;
		if (w->focus == nw + 1 && step_reason(w))
			w->focus = nw;
		return tui_redraw();
	case TUI_K_UP:
	case 'k':
		if (nw == 0)
			return tui_unhandled();
		w->focus = nw - 1;
		return tui_redraw();
	default:
		return tui_unhandled();
	}
}

static tui_ret wizard_key(tui_screen *s, const tui_event *ev)
{
	wizard *w = SCR_STATE(wizard, s);

	if (ev->key == TUI_K_ESC && !(w->step == ST_LABELS && w->f.labels.sel >= 0))
		return go_back(w);
	if (ev->key == TUI_K_TAB || ev->key == TUI_K_BACKTAB) {
		move_focus(w, ev->key == TUI_K_TAB ? 1 : -1);
		return tui_redraw();
	}
	if (ev->key == TUI_CTRL('d') && w->step == ST_DESC)
		return try_next(w);
	if (w->focus < widget_count(w))
		return widget_key(w, ev);
	return button_key(w, ev);
}

/* ---- life cycle ------------------------------------------------------------------ */

static void wizard_destroy(tui_screen *s)
{
	wizard *w = SCR_STATE(wizard, s);

	tui_on_hangup(NULL, NULL);
	verify_destroy(&w->verify);
	tui_field_destroy(&w->name);
	intform_destroy(&w->f); /* wipes the token */
	tui_field_destroy(&w->expires);
	free(w->space_items);
	space_list_free(w->spaces, w->nspaces);
	free(w);
}

static const tui_screen_ops wizard_ops = {
	.draw = wizard_draw,
	.key = wizard_key,
	.destroy = wizard_destroy,
	.cursor = wizard_cursor,
};

static int init_fields(wizard *w)
{
	if (tui_field_init(&w->name, 0) || tui_field_init(&w->expires, 0) ||
	    intform_init(&w->f, false))
		return -1;
	w->expires.max_len = 10;
	w->expires.validate = check_expires, w->expires.arg = w;
	w->expires.filter = expires_filter;
	w->name.validate = check_name, w->name.arg = w;
	return 0;
}

/* The type choice: default disabled with core's reason, the space picker
 * offering spaces where the user is admin. */
static int init_type(wizard *w)
{
	bb_err err = {0};
	int ok = 0;

	if (integration_default_allowed(scr_ctx(), &ok, &err) != BB_OK || !ok) {
		snprintf(w->default_why, sizeof w->default_why, "%s", err.msg);
		w->type_items[0].disabled = w->default_why;
	}
	w->type_items[0].label = "Default: usable by every stack and module in every space";
	w->type_items[1].label = "Space: usable in one space and the spaces below it that inherit";
	if (space_list_where(scr_ctx(), BB_ROLE_ADMIN, &w->spaces, &w->nspaces, &err) != BB_OK)
		w->spaces = NULL, w->nspaces = 0;
	if (!w->nspaces)
		w->type_items[1].disabled = "You are admin of no space; ask an admin to grant you "
					    "the admin role in a space.";
	w->space_items = calloc(w->nspaces ? w->nspaces : 1, sizeof *w->space_items);
	if (!w->space_items)
		return -1;
	for (size_t i = 0; i < w->nspaces; i++)
		w->space_items[i].label = w->spaces[i].name;
	w->type = (tui_choice){w->type_items, 2, ok ? 0 : 1};
	w->space = (tui_choice){w->space_items, w->nspaces, 0};
	return 0;
}

tui_screen *wizard_new(const char *draft)
{
	wizard *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	verify_init(&w->verify, NULL, NULL);
	w->s.ops = &wizard_ops;
	w->s.title = w->title;
	w->s.data = w;
	if (init_fields(w) || init_type(w)) {
		wizard_destroy(&w->s);
		return NULL;
	}
	set_step(w, ST_NAME);
	if (draft)
		load_draft(w, draft);
	tui_on_hangup(wizard_hangup, w);
	return &w->s;
}
