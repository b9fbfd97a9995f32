/* tags.c - the tag editor: an input line that turns Enter into a tag. */
#include "tui.h"

#include <stdlib.h>
#include <string.h>

int tui_tags_init(tui_tags *t, size_t max_tags)
{
	memset(t, 0, sizeof(*t));
	t->max_tags = max_tags;
	t->sel = -1;
	return tui_field_init(&t->input, 0);
}

void tui_tags_destroy(tui_tags *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->tags[i]);
	free(t->tags);
	tui_field_destroy(&t->input);
	memset(t, 0, sizeof(*t));
}

/* A malloc'd copy of s without leading and trailing spaces. */
static char *trimmed_copy(const char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return strndup(s, len);
}

static int tags_refuse(tui_tags *t, const char *why)
{
	snprintf(t->reason_buf, sizeof(t->reason_buf), "%s", why);
	t->reason = t->reason_buf;
	return -1;
}

int tui_tags_add(tui_tags *t, const char *tag)
{
	char *copy = trimmed_copy(tag);
	const char *why;

	t->reason = NULL;
	if (!copy)
		return tags_refuse(t, "out of memory");
	why = t->input.validate ? t->input.validate(t->input.arg, copy) : NULL;
	if (!*copy || why) {
		free(copy);
		return tags_refuse(t, why ? why : "empty");
	}
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->tags[i], copy) == 0) {
			free(copy);
			tags_refuse(t, "already in the list (kept once)");
			return 0;
		}
	if (t->max_tags && t->n >= t->max_tags) {
		free(copy);
		snprintf(t->reason_buf, sizeof(t->reason_buf), "at most %zu allowed", t->max_tags);
		t->reason = t->reason_buf;
		return -1;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		char **bigger = realloc(t->tags, cap * sizeof(*bigger));

		if (!bigger) {
			free(copy);
			return tags_refuse(t, "out of memory");
		}
		t->tags = bigger;
		t->cap = cap;
	}
	t->tags[t->n++] = copy;
	return 0;
}

void tui_tags_remove(tui_tags *t, size_t i)
{
	if (i >= t->n)
		return;
	free(t->tags[i]);
	memmove(t->tags + i, t->tags + i + 1, (t->n - i - 1) * sizeof(*t->tags));
	t->n--;
	if (t->sel >= (long)t->n)
		t->sel = t->n ? (long)t->n - 1 : -1;
}

/* Keys while a tag is selected. */
static enum tui_field_res tags_selected_key(tui_tags *t, const tui_event *ev)
{
	switch (ev->key) {
	case TUI_K_LEFT:
		if (t->sel > 0)
			t->sel--;
		return TUI_FIELD_MOVED;
	case TUI_K_RIGHT:
	case TUI_K_ENTER:
		t->sel = (ev->key == TUI_K_RIGHT && t->sel + 1 < (long)t->n) ? t->sel + 1 : -1;
		return TUI_FIELD_MOVED;
	case 'x':
	case TUI_K_DELETE:
	case TUI_K_BACKSPACE:
		tui_tags_remove(t, (size_t)t->sel);
		return TUI_FIELD_CHANGED;
	default:
		if (ev->key == TUI_K_PASTE || (ev->key >= 0x20 && ev->key < TUI_K_SPECIAL)) {
			t->sel = -1; /* typing returns to the input */
			return tui_field_event(&t->input, ev);
		}
		return TUI_FIELD_IGNORED;
	}
}

enum tui_field_res tui_tags_event(tui_tags *t, const tui_event *ev)
{
	const char *value = tui_field_value(&t->input);
	bool empty = strspn(value, " \t") == strlen(value);

	if (t->sel >= 0)
		return tags_selected_key(t, ev);
	if (ev->key == TUI_K_ENTER) {
		if (empty)
			return TUI_FIELD_SUBMIT;
		if (tui_tags_add(t, value) < 0)
			return TUI_FIELD_REFUSED;
		tui_field_set(&t->input, "");
		return TUI_FIELD_CHANGED;
	}
	if (*value == '\0' && t->n > 0 && ev->key == TUI_K_BACKSPACE) {
		tui_tags_remove(t, t->n - 1);
		return TUI_FIELD_CHANGED;
	}
	if (*value == '\0' && t->n > 0 && ev->key == TUI_K_LEFT) {
		t->sel = (long)t->n - 1;
		return TUI_FIELD_MOVED;
	}
	t->reason = NULL;
	return tui_field_event(&t->input, ev);
}

void tui_tags_draw(tui_tags *t, WINDOW *w, tui_rect r, bool focused, int *cy, int *cx)
{
	int row = 0, col = 0;

	if (r.h <= 0 || r.w <= 4)
		return;
	for (int y = 0; y < r.h - 1; y++)
		tui_fill(w, r.y + y, r.x, r.w, tui_attr(TUI_NORMAL));
	for (size_t i = 0; i < t->n && row < r.h - 1; i++) {
		int tw = tui_width(t->tags[i]) + 2;
		bool sel = focused && t->sel == (long)i;

		if (tw > r.w)
			tw = r.w;
		if (col > 0 && col + tw > r.w) {
			row++;
			col = 0;
			if (row >= r.h - 1)
				break;
		}
		mvwaddstr(w, r.y + row, r.x + col, "[");
		tui_put(w, r.y + row, r.x + col + 1, tw - 2, t->tags[i],
				tui_attr(sel ? TUI_SELECTED : TUI_NORMAL), false);
		mvwaddstr(w, r.y + row, r.x + col + tw - 1, "]");
		if (sel && cy && cx) {
			*cy = r.y + row;
			*cx = r.x + col + 1;
		}
		col += tw + 1;
	}
	mvwaddstr(w, r.y + r.h - 1, r.x, "> ");
	tui_field_draw(&t->input, w, r.y + r.h - 1, r.x + 2, r.w - 2,
			focused && t->sel < 0, cy, cx);
	tui_hit_add(r, TUI_HIT_FIELD, &t->input, 0); /* a click on the tags focuses the input */
}
