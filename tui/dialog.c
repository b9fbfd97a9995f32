/* dialog.c - buttons, the three modal dialogs, the help overlay and the
 * too-small message. */
#include "tui_priv.h"

#include <stdlib.h>
#include <string.h>

#define MAX_LINES 64

/* ---- buttons ------------------------------------------------------------------ */

static int button_width(const tui_button *b)
{
	return tui_width(b->label) + 4; /* "[ label ]" */
}

int tui_buttons_width(const tui_button *b, size_t n)
{
	int w = 0;

	for (size_t i = 0; i < n; i++)
		w += button_width(&b[i]) + (i ? 2 : 0);
	return w;
}

int tui_buttons_draw(const tui_button *b, size_t n, long focused, WINDOW *w,
		int y, int x, int *cy, int *cx)
{
	int col = x;

	for (size_t i = 0; i < n; i++) {
		char label[128];
		bool focus = (long)i == focused;
		tui_role role = !b[i].enabled ? TUI_DISABLED : focus ? TUI_SELECTED : TUI_NORMAL;

		if (i)
			col += 2;
		/* the brackets change with focus too, so focus shows without attributes */
		snprintf(label, sizeof(label), focus ? "[<%s>]" : "[ %s ]", b[i].label);
		tui_put(w, y, col, button_width(&b[i]), label, tui_attr(role), false);
		tui_hit_add((tui_rect){y, col, 1, button_width(&b[i])}, TUI_HIT_BUTTON, b, i);
		if (focus && cy && cx) {
			*cy = y;
			*cx = col + 2;
		}
		col += button_width(&b[i]);
	}
	return col - x;
}

long tui_buttons_next(const tui_button *b, size_t n, long from, int dir)
{
	for (size_t step = 1; step <= n; step++) {
		long i = ((from + dir * (long)step) % (long)n + (long)n) % (long)n;

		if (b[i].enabled)
			return i;
	}
	return -1;
}

/* ---- dialogs ------------------------------------------------------------------------ */

enum {
	DLG_MOVE = TUI_ACT_NEXT_FIELD,
	DLG_MOVE_BACK = TUI_ACT_PREV_FIELD,
	DLG_OK = TUI_ACT_CHOOSE,
	DLG_YES = TUI_ACT_YES,
	DLG_NO = TUI_ACT_NO
};

const tui_keydef tui_dialog_keys[] = {
	{DLG_OK, {TUI_K_ENTER}, "choose", "Choose the highlighted button.", true},
	{DLG_YES, {'y'}, "yes", "Answer yes.", true},
	{DLG_NO, {'n'}, "no", "Answer no.", true},
	{DLG_MOVE, {TUI_K_TAB, TUI_K_RIGHT}, NULL, "Move to the next button.", false},
	{DLG_MOVE_BACK, {TUI_K_BACKTAB, TUI_K_LEFT}, NULL, "Move to the previous button.", false},
	{TUI_ACT_BACK, {TUI_K_ESC}, "cancel", "Cancel (the same as no).", true},
	{0}
};

static const tui_keydef message_keys[] = {
	{DLG_OK, {TUI_K_ENTER, TUI_K_ESC}, "close", "Close this message.", true},
	{0}
};

static const tui_keydef typed_keys[] = {
	{DLG_OK, {TUI_K_ENTER}, "confirm", "Confirm, once the word is typed exactly.", true},
	{DLG_MOVE, {TUI_K_TAB}, "next", "Move between the input and the buttons.", true},
	{DLG_MOVE_BACK, {TUI_K_BACKTAB}, NULL, "Move back.", false},
	{TUI_ACT_BACK, {TUI_K_ESC}, "cancel", "Cancel without doing anything.", true},
	TUI_KEYS_INCLUDE(tui_field_keys),
	{0}
};

enum dlg_kind { DLG_CONFIRM, DLG_MESSAGE, DLG_TYPED };

typedef struct dialog {
	tui_screen screen;
	enum dlg_kind kind;
	char *title, *text, *word;
	char *labels[2];
	tui_button buttons[2];
	size_t nbuttons;
	long focus;          /* button, or -1 for the input of a typed dialog */
	tui_field input;
	tui_answer_fn cb;
	void *arg;
	tui_rect box;
	size_t starts[MAX_LINES], lens[MAX_LINES], nlines;
	int cy, cx;
} dialog;

static void dialog_layout(tui_screen *s)
{
	dialog *d = s->data;
	int w = tui_width(d->text) + 4, extra = d->kind == DLG_TYPED ? 2 : 0;

	if (w < 44)
		w = 44;
	if (w > 72)
		w = 72;
	if (w > s->area.w - 2)
		w = s->area.w - 2;
	d->nlines = tui_wrap(d->text, w - 4, d->starts, d->lens, MAX_LINES);
	if (d->nlines > MAX_LINES)
		d->nlines = MAX_LINES;
	d->box = tui_center(s->area, (int)d->nlines + 4 + extra, w);
}

static void dialog_draw(tui_screen *s, WINDOW *w, bool full)
{
	dialog *d = s->data;
	tui_rect b = d->box;
	int y = b.y + 1, bw = tui_buttons_width(d->buttons, d->nbuttons);

	(void)full; /* a dialog is small: curses sends only what changed */
	tui_box(w, b, d->title);
	for (size_t i = 0; i < d->nlines && y < b.y + b.h - 2; i++, y++) {
		char line[1024];

		snprintf(line, sizeof(line), "%.*s", (int)d->lens[i], d->text + d->starts[i]);
		tui_put(w, y, b.x + 2, b.w - 4, line, tui_attr(TUI_NORMAL), true);
	}
	if (d->kind == DLG_TYPED) {
		const char *v = tui_field_value(&d->input);

		d->buttons[0].enabled = strcmp(v, d->word) == 0;
		mvwaddstr(w, y + 1, b.x + 2, "> ");
		tui_field_draw(&d->input, w, y + 1, b.x + 4, b.w - 6, d->focus < 0, &d->cy, &d->cx);
		if (*v && !d->buttons[0].enabled) /* the row between the input and the buttons */
			tui_put(w, y + 2, b.x + 2, b.w - 4, "It does not match yet; type it exactly as "
					"shown.", tui_attr(TUI_ERROR), true);
	}
	tui_buttons_draw(d->buttons, d->nbuttons, d->focus, w, b.y + b.h - 2,
			b.x + (b.w - bw) / 2, d->focus >= 0 ? &d->cy : NULL, &d->cx);
}

static bool dialog_cursor(tui_screen *s, int *y, int *x)
{
	dialog *d = s->data;

	*y = d->cy;
	*x = d->cx;
	return true;
}

static tui_ret dialog_answer(dialog *d, enum tui_answer a)
{
	tui_ret r = d->cb ? d->cb(d->arg, a) : tui_handled();

	r.pop += 1; /* this dialog first, then what the callback asked */
	r.flags = (r.flags & ~(unsigned)TUI_R_UNHANDLED) | TUI_R_FULL;
	return r;
}

static tui_ret dialog_enter(dialog *d)
{
	if (d->kind == DLG_MESSAGE)
		return dialog_answer(d, TUI_ANSWER_YES);
	if (d->kind == DLG_TYPED && (d->focus < 0 || d->focus == 0)) {
		if (strcmp(tui_field_value(&d->input), d->word) == 0)
			return dialog_answer(d, TUI_ANSWER_YES);
		tui_message("Type the exact word shown to confirm, or press Esc to cancel.", true);
		return tui_redraw();
	}
	return dialog_answer(d, d->focus == 0 ? TUI_ANSWER_YES : TUI_ANSWER_NO);
}

/* Tab order of a typed dialog: input (-1), then the enabled buttons. */
static void dialog_move(dialog *d, int dir)
{
	if (d->kind == DLG_TYPED) {
		long next = d->focus + dir;

		if (next < -1)
			next = (long)d->nbuttons - 1;
		if (next >= (long)d->nbuttons)
			next = -1;
		if (next >= 0 && !d->buttons[next].enabled)
			next = dir > 0 ? 1 : -1;
		d->focus = next;
		return;
	}
	d->focus = tui_buttons_next(d->buttons, d->nbuttons, d->focus, dir);
}

/* A click on a button presses it; on the input, focuses it. */
static tui_ret dialog_click(dialog *d, const tui_event *ev)
{
	if (ev->hit == TUI_HIT_BUTTON && ev->hit_owner == d->buttons &&
	    ev->hit_index < d->nbuttons) {
		if (!d->buttons[ev->hit_index].enabled)
			return tui_handled();
		d->focus = (long)ev->hit_index;
		return dialog_enter(d);
	}
	if (ev->hit == TUI_HIT_FIELD && ev->hit_owner == &d->input) {
		d->focus = -1;
		return tui_redraw();
	}
	return tui_handled();
}

static tui_ret dialog_key(tui_screen *s, const tui_event *ev)
{
	dialog *d = s->data;

	switch (ev->action) {
	case TUI_ACT_CLICK:
		return dialog_click(d, ev);
	case DLG_OK:
		return dialog_enter(d);
	case TUI_ACT_BACK:
		return dialog_answer(d, TUI_ANSWER_NO);
	case DLG_YES:
	case DLG_NO:
		if (d->kind == DLG_CONFIRM)
			return dialog_answer(d, ev->action == DLG_YES ? TUI_ANSWER_YES : TUI_ANSWER_NO);
		break;
	case DLG_MOVE:
	case DLG_MOVE_BACK:
		dialog_move(d, ev->action == DLG_MOVE ? 1 : -1);
		return tui_redraw();
	default:
		break;
	}
	if (d->kind == DLG_TYPED && d->focus < 0
			&& tui_field_event(&d->input, ev) != TUI_FIELD_IGNORED)
		return tui_redraw();
	return tui_handled();
}

static void dialog_destroy(tui_screen *s)
{
	dialog *d = s->data;

	free(d->title);
	free(d->text);
	free(d->word);
	free(d->labels[0]);
	free(d->labels[1]);
	tui_field_destroy(&d->input);
	free(d);
}

static const tui_screen_ops dialog_ops = {
	.draw = dialog_draw,
	.key = dialog_key,
	.resize = dialog_layout,
	.destroy = dialog_destroy,
	.cursor = dialog_cursor,
};

static dialog *dialog_new(enum dlg_kind kind, const char *title, const char *text,
		tui_answer_fn cb, void *arg)
{
	dialog *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->kind = kind;
	d->title = strdup(title ? title : "");
	d->text = strdup(text ? text : "");
	d->cb = cb;
	d->arg = arg;
	d->screen.ops = &dialog_ops;
	d->screen.data = d;
	d->screen.overlay = true;
	d->screen.title = d->title;
	if (tui_field_init(&d->input, 0) < 0 || !d->title || !d->text) {
		dialog_destroy(&d->screen);
		return NULL;
	}
	return d;
}

static bool set_buttons(dialog *d, const char *a, const char *b)
{
	d->labels[0] = strdup(a);
	d->labels[1] = b ? strdup(b) : NULL;
	d->nbuttons = b ? 2 : 1;
	for (size_t i = 0; i < d->nbuttons; i++) {
		if (!d->labels[i])
			return false;
		d->buttons[i] = (tui_button){d->labels[i], true};
	}
	return true;
}

tui_screen *tui_dialog_confirm(const char *title, const char *text,
		const char *yes, const char *no, bool default_yes,
		tui_answer_fn cb, void *arg)
{
	dialog *d = dialog_new(DLG_CONFIRM, title, text, cb, arg);

	if (!d)
		return NULL;
	if (!set_buttons(d, yes ? yes : "Yes", no ? no : "No")) {
		dialog_destroy(&d->screen);
		return NULL;
	}
	d->focus = default_yes ? 0 : 1; /* the safe choice unless told */
	d->screen.keys = tui_dialog_keys;
	return &d->screen;
}

tui_screen *tui_dialog_message(const char *title, const char *text,
		tui_answer_fn cb, void *arg)
{
	dialog *d = dialog_new(DLG_MESSAGE, title, text, cb, arg);

	if (!d)
		return NULL;
	if (!set_buttons(d, "OK", NULL)) {
		dialog_destroy(&d->screen);
		return NULL;
	}
	d->screen.keys = message_keys;
	return &d->screen;
}

tui_screen *tui_dialog_typed(const char *title, const char *text, const char *word,
		tui_answer_fn cb, void *arg)
{
	dialog *d = dialog_new(DLG_TYPED, title, text, cb, arg);

	if (!d)
		return NULL;
	d->word = strdup(word ? word : "");
	if (!d->word || !set_buttons(d, "Confirm", "Cancel")) {
		dialog_destroy(&d->screen);
		return NULL;
	}
	d->buttons[0].enabled = false;
	d->focus = -1;
	d->screen.keys = typed_keys;
	return &d->screen;
}

/* ---- help overlay ------------------------------------------------------------------ */

const tui_keydef tui_help_keys[] = {
	{TUI_ACT_SEARCH, {'/'}, "search",
	 "Search the help: type a word, Enter keeps it, Esc clears it.", true},
	{TUI_ACT_SEARCH_NEXT, {'n'}, "next", "Go to the next line that matches the search.", false},
	{TUI_ACT_SEARCH_PREV, {'N'}, "previous", "Go to the previous line that matches the search.",
	 false},
	TUI_KEYS_INCLUDE(tui_scroll_keys),
	{TUI_ACT_BACK, {TUI_K_ESC, 'q', '?'}, "close", "Close the help.", true},
	{0}
};

typedef struct help {
	tui_screen screen;
	char title[160];
	char *text;
	tui_pager pager;
	tui_rect box;
	int cy, cx;
} help;

static void help_layout(tui_screen *s)
{
	help *h = s->data;

	h->box = tui_center(s->area, s->area.h - 2, s->area.w - 4 < 76 ? s->area.w - 4 : 76);
}

/* Where a help line's sentence starts: after the keys and the run of spaces
 * that pads them to one column (0 when the line has none). */
static size_t help_column(const char *line, size_t len)
{
	const char *gap = memmem(line, len, "  ", 2);
	size_t i = gap ? (size_t)(gap - line) : len;

	while (i < len && line[i] == ' ')
		i++;
	return i < len ? i : 0;
}

/* Each line of the help text to the pager as its keys (the label column)
 * and its sentence, so that a long sentence wraps under its own column. */
static void help_rows(tui_pager *p, const char *text, int width)
{
	const char *nl = strchr(text, '\n');
	size_t col = help_column(text, nl ? (size_t)(nl - text) : strlen(text));
	char keys[64];

	if (col == 0 || col >= sizeof keys || (int)col > width / 2) {
		tui_pager_begin(p, width, 0);
		tui_pager_add(p, NULL, text, tui_attr(TUI_NORMAL));
		return;
	}
	tui_pager_begin(p, width, (int)col);
	for (const char *line = text; *line; line = nl ? nl + 1 : line + strlen(line)) {
		size_t len, k;

		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		k = len < col ? len : col;
		memcpy(keys, line, k);
		while (k > 0 && keys[k - 1] == ' ')
			k--;
		keys[k] = '\0';
		if (len > col) {
			char *sentence = strndup(line + col, len - col);

			if (sentence)
				tui_pager_add(p, keys, sentence, tui_attr(TUI_NORMAL));
			free(sentence);
		} else {
			tui_pager_add(p, keys, "", tui_attr(TUI_NORMAL));
		}
		if (!nl)
			break;
	}
}

static void help_draw(tui_screen *s, WINDOW *w, bool full)
{
	help *h = s->data;

	(void)full;
	tui_box(w, h->box, h->title);
	help_rows(&h->pager, h->text, h->box.w - 4);
	tui_pager_draw(&h->pager, w, (tui_rect){h->box.y + 1, h->box.x + 2, h->box.h - 2,
			h->box.w - 4}, &h->cy, &h->cx);
}

static tui_ret help_key(tui_screen *s, const tui_event *ev)
{
	help *h = s->data;
	tui_ret r = tui_pager_key(&h->pager, ev);

	if (!(r.flags & TUI_R_UNHANDLED))
		return r;
	/* q and ? close it too; any other key is swallowed */
	return ev->action == TUI_ACT_BACK ? tui_pop() : tui_handled();
}

static bool help_cursor(tui_screen *s, int *y, int *x)
{
	help *h = s->data;

	*y = h->cy, *x = h->cx;
	return h->pager.searching;
}

static void help_destroy(tui_screen *s)
{
	help *h = s->data;

	tui_pager_destroy(&h->pager);
	free(h->text);
	free(h);
}

static const tui_screen_ops help_ops = {
	.draw = help_draw,
	.key = help_key,
	.resize = help_layout,
	.destroy = help_destroy,
	.cursor = help_cursor,
};


tui_screen *tui_help_screen_if(const char *title, const tui_keydef *table, tui_allow_fn allow,
			       void *arg)
{
	help *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->text = tui_keytable_help_if(table, allow, arg);
	if (!h->text || tui_pager_init(&h->pager) != 0) {
		free(h->text);
		free(h);
		return NULL;
	}
	snprintf(h->title, sizeof(h->title), "Help: %s", title ? title : "keys");
	h->screen.ops = &help_ops;
	h->screen.data = h;
	h->screen.keys = tui_help_keys;
	h->screen.title = h->title;
	h->screen.overlay = true;
	return &h->screen;
}

void tui_too_small_text(const char *app, int cols, int rows, int min_cols,
		int min_rows, char *out, size_t outlen)
{
	snprintf(out, outlen, "Terminal too small: %dx%d; %s needs at least %dx%d. "
			"Enlarge the window or press q to quit.", cols, rows, app, min_cols, min_rows);
}
