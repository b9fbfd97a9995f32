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
#include "pane.h"
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
	char *endpoint;             /* the webhook endpoint the name produces (NULL: none) */
	char *endpoint_of;          /* the name it was computed for */
	char expires_why[BB_MSG_MAX];
	char title[96];
	int cy, cx;
	bool cursor;
	int keep;                   /* the body row the pane keeps in view */
	pane pane;                  /* the step's body, scrolled when taller than the window */
	verify_state verify;        /* the token, checked while the user goes on */
} wizard;

#define W_HINT(a, k, h, help) {a, {k}, h, help, true}

/* On the Back / Next buttons under a step's widgets. */
static const tui_keydef button_keys[] = {
	{TUI_ACT_RIGHT, {TUI_K_RIGHT}, NULL, "On the buttons: go to the other button.", false},
	{TUI_ACT_LEFT, {TUI_K_LEFT}, NULL, "On the buttons: go to the other button.", false},
	{TUI_ACT_UP, {TUI_K_UP}, NULL, "On the buttons: go back to the step's input.", false},
	{0},
};

/* How every step that types into a field ends: scrolling, back, help, the
 * buttons and the field's own keys. */
#define TYPING_STEP_KEYS                                                                   \
	PANE_KEYS,                                                                         \
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back a step; nothing typed is lost.", true}, \
	{TUI_ACT_HELP, {TUI_K_F1}, "help", "Show the keys of this step.", true},           \
	TUI_KEYS_INCLUDE(button_keys), TUI_KEYS_INCLUDE(tui_field_keys)

const tui_keydef wizard_keys_line[] = {
	{SCR_NEXT, {TUI_K_ENTER}, "next", "Go to the next step when the value is valid.", true},
	{SCR_NEXT_FIELD, {TUI_K_TAB}, "buttons", "Move between the field and the buttons.", true},
	{SCR_PREV_FIELD, {TUI_K_BACKTAB}, "", "Move back between the buttons and the field.", false},
	TYPING_STEP_KEYS,
	{0},
};

const tui_keydef wizard_keys_choice[] = {
	{TUI_ACT_DOWN, {TUI_K_DOWN, 'j'}, "choose",
	 "Move to the next choice; a disabled one is skipped and says why beside it.", true},
	{TUI_ACT_UP, {TUI_K_UP, 'k'}, NULL, "Move to the previous choice (or from the buttons back "
	 "to the choices).", false},
	{TUI_ACT_CHOOSE, {TUI_K_ENTER, ' '}, "select", "Take the choice and go on.", true},
	{TUI_ACT_RIGHT, {TUI_K_RIGHT, 'l'}, NULL, "On the buttons: go to the other button.", false},
	{TUI_ACT_LEFT, {TUI_K_LEFT, 'h'}, NULL, "On the buttons: go to the other button.", false},
	{SCR_NEXT_FIELD, {TUI_K_TAB}, "next field", "Move to the space picker and the buttons.", true},
	{SCR_PREV_FIELD, {TUI_K_BACKTAB}, "", "Move back.", false},
	PANE_KEYS,
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
	TYPING_STEP_KEYS,
	TUI_KEYS_INCLUDE(tui_tags_keys),
	{0},
};

const tui_keydef wizard_keys_text[] = {
	{SCR_FINISH, {TUI_CTRL('d')}, "finish", "Finish the description and go on.", true},
	{SCR_NEXT_FIELD, {TUI_K_TAB}, "buttons", "Move between the text and the buttons.", true},
	{SCR_PREV_FIELD, {TUI_K_BACKTAB}, "", "Move back.", false},
	TYPING_STEP_KEYS,
	{0},
};

const tui_keydef wizard_keys_review[] = {
	{SCR_NEXT, {TUI_K_ENTER}, "create", "Create the integration (or go back on Back).", true},
	{SCR_NEXT_FIELD, {TUI_K_TAB, TUI_K_RIGHT, 'l'}, "buttons", "Move between the buttons.", true},
	{SCR_PREV_FIELD, {TUI_K_BACKTAB, TUI_K_LEFT, 'h'}, "", "Move back between the buttons.",
	 false},
	PANE_KEYS,
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
		return w->name.reason; /* checked when the name changed (name_changed) */
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
	pane_reset(&w->pane);
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

/* Each step draws its body into the pane's pad from row 0 and returns the
 * rows it used: at 60x16 the pane scrolls what does not fit, so no text is
 * cut and nothing is drawn over the buttons. */

/* The reason under a field: shown once something was typed or Next tried. */
static int draw_reason(wizard *w, WINDOW *win, int y, int width, const char *why, bool typed)
{
	if (!why || (!typed && !w->tried[w->step]))
		return 0;
	return scr_wrap(win, y, 0, width, 8, why, tui_attr(TUI_ERROR));
}

/* A label (wrapped), the field under it, its reason; the focused field is the
 * row the pane keeps in view. */
static int draw_line_step(wizard *w, WINDOW *win, int y, int width, tui_field *f,
			  const char *label, bool focus)
{
	y += scr_wrap(win, y, 0, width, 3, label, A_BOLD);
	tui_field_draw(f, win, y, 0, width < 64 ? width : 64, focus, focus ? &w->cy : NULL,
		       focus ? &w->cx : NULL);
	if (focus)
		w->cursor = true, w->keep = y;
	y++;
	return y + draw_reason(w, win, y, width, f == &w->name ? f->reason : tui_field_check(f),
			       f->len > 0);
}

/* The token, its expiry date, and how to make one. */
static int draw_token(wizard *w, WINDOW *win, int width)
{
	int y = draw_line_step(w, win, 0, width, &w->f.token, "API token (hidden; paste allowed):",
			       w->focus == 0);
	bool focus = w->focus == 1;

	y++;
	y += scr_wrap(win, y, 0, width, 2, "Expires on (YYYY-MM-DD, optional; Tab):", A_BOLD);
	tui_field_draw(&w->expires, win, y, 0, 12, focus, focus ? &w->cy : NULL,
		       focus ? &w->cx : NULL);
	if (focus)
		w->cursor = true, w->keep = y;
	y++;
	y += draw_reason(w, win, y, width, tui_field_check(&w->expires), w->expires.len > 0);
	return y + scr_wrap(win, y, 0, width, 10, "Create an Atlassian API token with scopes "
			    "read:repository:bitbucket and read:pullrequest:bitbucket; "
			    "read:workspace:bitbucket is recommended so that workspaces can be "
			    "discovered. The token is stored encrypted and never shown again.",
			    tui_attr(TUI_MUTED));
}

static int draw_name(wizard *w, WINDOW *win, int width)
{
	const char *name = tui_field_value(&w->name);
	char slug[256];
	int y = draw_line_step(w, win, 0, width, &w->name, "Name of the integration:",
			       w->focus == 0);

	validate_slugify(name, slug, sizeof slug);
	y++;
	scr_pair(win, y++, 0, width, "Id (slug)", slug[0] ? slug : "-", 0);
	tui_put(win, y++, 0, width, "Webhook endpoint it will produce:", tui_attr(TUI_MUTED), true);
	y += scr_wrap_path(win, y, 0, width, 4, w->endpoint ? w->endpoint : "-", 0) + 1;
	return y + scr_wrap(win, y, 0, width, 4, "The name is permanent: the webhook endpoint is "
			    "derived from it, so it cannot be changed after creation.", A_BOLD);
}

/* The two types, a disabled one dimmed: its reason is the sentence under
 * them (tui_choice's "- unavailable: reason" would be cut at 60 columns). */
static int draw_types(wizard *w, WINDOW *win, int y, int width)
{
	for (size_t i = 0; i < w->type.n; i++, y++) {
		const tui_choice_item *it = &w->type.items[i];
		bool sel = i == w->type.sel;
		char line[256];

		snprintf(line, sizeof line, "%s %s", sel ? "(*)" : "( )", it->label);
		tui_put(win, y, 0, width, line, tui_attr(sel && w->focus == 0 ? TUI_SELECTED
						       : it->disabled ? TUI_DISABLED : TUI_NORMAL), true);
		if (sel && w->focus == 0)
			w->cy = y, w->cx = 1, w->cursor = true, w->keep = y;
		tui_hit_add((tui_rect){y, 0, 1, width}, TUI_HIT_CHOICE, &w->type, i);
	}
	return y;
}

static tui_rect body_rect(const wizard *w);

static int draw_type(wizard *w, WINDOW *win, int width)
{
	int y = 0, cy, cx, rows;

	y += scr_wrap(win, y, 0, width, 2, "Who may use the integration?", A_BOLD);
	y = draw_types(w, win, y, width) + 1;
	/* the reason a choice is disabled stays in view while the choices have
	 * the focus; in the space picker its rows go to the spaces */
	for (size_t i = 0; i < 2 && w->focus != 1; i++)
		if (w->type.items[i].disabled) {
			y += scr_wrap(win, y, 0, width, 4, w->type.items[i].disabled,
				      i == w->type.sel ? tui_attr(TUI_ERROR) : tui_attr(TUI_MUTED));
			break;
		}
	if (!is_space_type(w) || !w->nspaces)
		return y;
	y += scr_wrap(win, y, 0, width, 2, w->focus == 1
		      ? "Space (you are admin there); Enter goes on:"
		      : "Space (spaces where you are admin):", A_BOLD);
	/* as many rows as the body shows below the heading (at least 3): more
	 * spaces scroll in the picker, which shows the position ("12/30") */
	rows = body_rect(w).h - 1 - y;
	rows = rows < 3 ? 3 : rows > (int)w->nspaces ? (int)w->nspaces : rows;
	tui_choice_draw(&w->space, win, (tui_rect){y, 0, rows, width}, w->focus == 1, &cy, &cx);
	if (w->focus == 1)
		w->cy = cy, w->cx = cx, w->cursor = true, w->keep = cy;
	return y + rows;
}

static int draw_labels(wizard *w, WINDOW *win, int width)
{
	const char *why = w->f.labels.reason;
	const char *input = tui_field_value(&w->f.labels.input);
	int y = 0;

	y += scr_wrap(win, y, 0, width, 3, "Labels (optional): type one and press Enter to add it.",
		      A_BOLD);
	y += scr_wrap(win, y, 0, width, 3, "Enter on an empty input goes on; Backspace removes "
		      "the last label.", tui_attr(TUI_MUTED));
	tui_tags_draw(&w->f.labels, win, (tui_rect){y, 0, 4, width}, w->focus == 0, &w->cy,
		      &w->cx);
	w->cursor = w->focus == 0;
	if (w->cursor)
		w->keep = w->cy;
	y += 4;
	if (why && *input && tui_field_check(&w->f.labels.input))
		why = tui_field_check(&w->f.labels.input);
	return why ? y + scr_wrap(win, y, 0, width, 8, why, tui_attr(TUI_ERROR)) : y;
}

/* The text area takes the rows the window has (at least 2). */
static int draw_desc(wizard *w, WINDOW *win, int width, int rows)
{
	int y = scr_wrap(win, 0, 0, width, 2, "Description (optional, Markdown). Ctrl-D finishes.",
			 A_BOLD);
	const char *why = tui_field_check(&w->f.desc);
	int h = rows - y - (why ? scr_wrap_rows(width, why) : 0);

	h = h < 2 ? 2 : h;
	tui_area_draw(&w->f.desc, win, (tui_rect){y, 0, h, width}, w->focus == 0, &w->cy, &w->cx);
	w->cursor = w->focus == 0;
	if (w->cursor)
		w->keep = w->cy;
	y += h;
	return y + draw_reason(w, win, y, width, why, true);
}

/* "Label  value" with the value wrapped beside the label column. */
static int review_pair(WINDOW *win, int y, int width, const char *label, const char *value,
		       attr_t attr)
{
	tui_put(win, y, 0, 14, label, tui_attr(TUI_MUTED), true);
	return scr_wrap(win, y, 14, width - 14, 8, value, attr);
}

static int draw_review(wizard *w, WINDOW *win, int width)
{
	char slug[256], labels[1024], mask[64];
	const char *name = tui_field_value(&w->name);
	int y = 0;

	validate_slugify(name, slug, sizeof slug);
	scr_join(&(bb_strlist){w->f.labels.tags, w->f.labels.n}, labels, sizeof labels);
	scr_mask(w->f.token.len, 12, mask, sizeof mask);
	y += review_pair(win, y, width, "Name", name, A_BOLD);
	y += review_pair(win, y, width, "Id (slug)", slug, 0);
	tui_put(win, y, 0, 14, "Endpoint", tui_attr(TUI_MUTED), true);
	y += scr_wrap_path(win, y, 14, width - 14, 4, w->endpoint ? w->endpoint : "-", 0);
	y += review_pair(win, y, width, "Type", is_space_type(w) ? "space" : "default", 0);
	y += review_pair(win, y, width, "Space",
			 is_space_type(w) && w->nspaces ? w->spaces[w->space.sel].name : "root", 0);
	y += review_pair(win, y, width, "Email", tui_field_value(&w->f.email), 0);
	if (w->expires.len)
		snprintf(mask + strlen(mask), sizeof mask - strlen(mask), "  (expires %s)",
			 tui_field_value(&w->expires));
	y += review_pair(win, y, width, "API token", mask, 0);
	/* the whole sentence (401 advice, DNS error): the pane scrolls it */
	y += verify_draw(&w->verify, win, y, 14, width - 14, PANE_ROWS);
	y += review_pair(win, y, width, "Labels", w->f.labels.n ? labels : "(none)", 0);
	tui_put(win, y++, 0, width, "Description", tui_attr(TUI_MUTED), true);
	y += scr_wrap(win, y, 2, width - 2, PANE_ROWS,
		      w->f.desc.len ? tui_field_value(&w->f.desc) : "(none)", 0);
	return y;
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

/* The body: from under the title to the row above the buttons. */
static tui_rect body_rect(const wizard *w)
{
	tui_rect a = w->s.area;

	return (tui_rect){a.y + 1, a.x + 2, a.h - 3 > 1 ? a.h - 3 : 1, a.w - 4};
}

static int draw_body(wizard *w, WINDOW *pad, int width, int rows)
{
	switch (w->step) {
	case ST_NAME: return draw_name(w, pad, width);
	case ST_TYPE: return draw_type(w, pad, width);
	case ST_EMAIL:
		return draw_line_step(w, pad, 0, width, &w->f.email,
				      "Atlassian account email (Bitbucket's API user name):",
				      w->focus == 0);
	case ST_TOKEN: return draw_token(w, pad, width);
	case ST_LABELS: return draw_labels(w, pad, width);
	case ST_DESC: return draw_desc(w, pad, width, rows);
	default: return draw_review(w, pad, width);
	}
}

static void wizard_draw(tui_screen *s, WINDOW *win, bool full)
{
	wizard *w = SCR_STATE(wizard, s);
	tui_rect a = s->area, body = body_rect(w);
	WINDOW *pad;
	int used = 0;

	(void)full;
	for (int r = 0; r < a.h; r++)
		tui_fill(win, a.y + r, a.x, a.w, 0);
	w->cursor = false;
	w->keep = -1;
	if ((pad = pane_begin(&w->pane, body.w)))
		used = draw_body(w, pad, body.w, body.h);
	pane_end(&w->pane, win, body, used, w->keep);
	if (w->cursor && !pane_map(&w->pane, body, &w->cy, &w->cx))
		w->cursor = false;
	draw_buttons(w, win, a.y + a.h - 2, body.x);
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
	scr_focus("integration", out.slug);
	scr_changed();
	next = offers_new(out.name, out.slug);
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
	if (w->step == ST_NAME)
		tui_field_check(&w->name); /* a slug taken meanwhile */
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
	/* Enter takes the choice: Space goes on to its picker (unless there is
	 * only one space to pick), Enter there goes on to the next step */
	if (r == TUI_FIELD_SUBMIT && w->focus == 0 && is_space_type(w) && w->nspaces > 1) {
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

	switch (ev->action) {
	case SCR_NEXT:
	case TUI_ACT_CHOOSE:
		if (w->focus == nw)
			return go_back(w);
		return try_next(w);
	case TUI_ACT_LEFT:
	case TUI_ACT_RIGHT:
		w->focus = w->focus == nw ? nw + 1 : nw;
		if (w->focus == nw + 1 && step_reason(w))
			w->focus = nw;
		return tui_redraw();
	case TUI_ACT_UP:
		if (nw == 0)
			return tui_unhandled();
		w->focus = nw - 1;
		return tui_redraw();
	default:
		return tui_unhandled();
	}
}

/* A click on a button presses it; on a field or choice, focuses it (a
 * choice also takes the item clicked). */
static tui_ret wizard_click(wizard *w, const tui_event *ev)
{
	const void *widgets[2] = {NULL, NULL};
	int nw = widget_count(w), i;

	if (ev->hit == TUI_HIT_BUTTON && ev->hit_index < 2) {
		w->focus = nw + (int)ev->hit_index;
		return ev->hit_index == 0 ? go_back(w) : try_next(w);
	}
	switch (w->step) {
	case ST_NAME: widgets[0] = &w->name; break;
	case ST_TYPE: widgets[0] = &w->type, widgets[1] = &w->space; break;
	case ST_EMAIL: widgets[0] = &w->f.email; break;
	case ST_TOKEN: widgets[0] = &w->f.token, widgets[1] = &w->expires; break;
	case ST_LABELS: widgets[0] = &w->f.labels.input; break;
	case ST_DESC: widgets[0] = &w->f.desc; break;
	default: break;
	}
	i = tui_click_target(ev, widgets, (size_t)nw);
	if (i < 0)
		return tui_handled();
	w->focus = i;
	return w->step == ST_TYPE ? choice_key(w, ev) : tui_redraw();
}

/* The hangup hook is set while something typed would be lost: a hangup,
 * Ctrl-C or SIGTERM saves it as a draft, and the too-small screen does not
 * quit on q. */
static void track_input(wizard *w)
{
	tui_on_hangup(has_input(w) ? wizard_hangup : NULL, w);
}

static tui_ret wizard_event(wizard *w, const tui_event *ev)
{
	if (ev->action == TUI_ACT_CLICK)
		return wizard_click(w, ev);
	if (ev->action == TUI_ACT_BACK && !(w->step == ST_LABELS && w->f.labels.sel >= 0))
		return go_back(w);
	if (ev->action == SCR_NEXT_FIELD || ev->action == SCR_PREV_FIELD) {
		move_focus(w, ev->action == SCR_NEXT_FIELD ? 1 : -1);
		return tui_redraw();
	}
	if (ev->action == SCR_FINISH && w->step == ST_DESC)
		return try_next(w);
	if (pane_key(&w->pane, ev->action))
		return tui_redraw();
	if (w->focus < widget_count(w))
		return widget_key(w, ev);
	return button_key(w, ev);
}

/* The name's check and endpoint ask core (the slugs taken, the account):
 * done here, when the name changed or the data did, never while drawing. */
static void name_refresh(wizard *w, bool always)
{
	const char *name = tui_field_value(&w->name);
	char slug[256];
	bb_err err = {0};

	if (!always && w->endpoint_of && !strcmp(w->endpoint_of, name))
		return;
	free(w->endpoint), free(w->endpoint_of);
	w->endpoint = NULL;
	w->endpoint_of = util_strdup(name);
	tui_field_check(&w->name);
	validate_slugify(name, slug, sizeof slug);
	if (slug[0])
		integration_endpoint_for(scr_ctx(), name, &w->endpoint, &err);
}

static tui_ret wizard_key(tui_screen *s, const tui_event *ev)
{
	wizard *w = SCR_STATE(wizard, s);
	tui_ret r = wizard_event(w, ev);

	name_refresh(w, false);
	track_input(w);
	return r;
}

/* Another process may have taken the name's slug or changed the account. */
static void wizard_reload(tui_screen *s)
{
	name_refresh(SCR_STATE(wizard, s), true);
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
	free(w->endpoint);
	free(w->endpoint_of);
	free(w);
}

static const tui_screen_ops wizard_ops = {
	.draw = wizard_draw,
	.key = wizard_key,
	.destroy = wizard_destroy,
	.cursor = wizard_cursor,
	.reload = wizard_reload,
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
	w->type_items[0].label = "Default: every stack and module in every space";
	w->type_items[1].label = "Space: one space and the spaces below that inherit";
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
	name_refresh(w, true);
	track_input(w);
	return &w->s;
}
