/* pager.c - scrolled, searchable rows of wrapped text. */
#include "tui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGER_WRAP_MAX 512

int tui_pager_init(tui_pager *p)
{
	memset(p, 0, sizeof *p);
	return tui_field_init(&p->search, 0);
}

static void rows_clear(tui_pager *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->rows[i].label);
		free(p->rows[i].text);
	}
	p->n = 0;
}

void tui_pager_destroy(tui_pager *p)
{
	rows_clear(p);
	free(p->rows);
	tui_field_destroy(&p->search);
	memset(p, 0, sizeof *p);
}

void tui_pager_begin(tui_pager *p, int width, int label_w)
{
	rows_clear(p);
	p->width = width;
	p->label_w = label_w < width / 2 ? label_w : width / 3;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static bool push_row(tui_pager *p, const char *label, const char *text, size_t len, attr_t attr)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		tui_pager_row *v = realloc(p->rows, cap * sizeof *v);

		if (!v)
			return false;
		p->rows = v, p->cap = cap;
	}
	p->rows[p->n].label = label ? dup_n(label, strlen(label)) : NULL;
	p->rows[p->n].text = dup_n(text, len);
	p->rows[p->n].attr = attr;
	p->rows[p->n].wide = false;
	if (!p->rows[p->n].text) {
		free(p->rows[p->n].label);
		return false;
	}
	p->n++;
	return true;
}

int tui_pager_add(tui_pager *p, const char *label, const char *text, attr_t attr)
{
	size_t starts[PAGER_WRAP_MAX], lens[PAGER_WRAP_MAX], n;
	int w = p->width - p->label_w;
	int added = 0;

	if (!text || !*text)
		return push_row(p, label ? label : "", "", 0, attr) ? 1 : 0;
	n = tui_wrap(text, w > 1 ? w : 1, starts, lens, PAGER_WRAP_MAX);
	if (n > PAGER_WRAP_MAX)
		n = PAGER_WRAP_MAX;
	for (size_t i = 0; i < n; i++)
		if (push_row(p, i == 0 ? (label ? label : "") : NULL, text + starts[i], lens[i], attr))
			added++;
	return added;
}

int tui_pager_add_wide(tui_pager *p, const char *text, attr_t attr)
{
	int label_w = p->label_w, n;
	size_t first = p->n;

	p->label_w = 0;
	n = tui_pager_add(p, NULL, text, attr);
	p->label_w = label_w;
	for (size_t i = first; i < p->n; i++)
		p->rows[i].wide = true;
	return n;
}

int tui_pager_add_path(tui_pager *p, const char *label, const char *text, attr_t attr)
{
	const char *s = text ? text : "";
	int w = p->width - p->label_w, added = 0;

	if (!*s)
		return tui_pager_add(p, label, s, attr);
	while (*s && w > 0) {
		size_t len = strlen(s), fit = 0, slash = 0, cut = len;

		if (tui_width(s) > w) {
			/* the longest prefix that fits, ending after a '/' if there is one */
			while (fit < len && tui_width_n(s, tui_cell_next(s, len, fit)) <= w) {
				fit = tui_cell_next(s, len, fit);
				if (s[fit - 1] == '/')
					slash = fit;
			}
			cut = slash ? slash : (fit ? fit : 1);
		}
		if (push_row(p, added == 0 ? (label ? label : "") : NULL, s, cut, attr))
			added++;
		s += cut;
	}
	return added;
}

void tui_pager_gap(tui_pager *p)
{
	push_row(p, "", "", 0, 0);
}

static bool row_matches(const tui_pager *p, size_t i)
{
	const tui_pager_row *r = &p->rows[i];

	return p->query[0] && (strcasestr(r->text, p->query) ||
			       (r->label && strcasestr(r->label, p->query)));
}

size_t tui_pager_matches(const tui_pager *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += row_matches(p, i);
	return n;
}

static bool footer_shown(const tui_pager *p, int h)
{
	return p->searching || p->query[0] || (h > 1 && p->n > (size_t)h);
}

/* Keeps top within the rows and, after a search move, the match in view. */
static void pager_fix(tui_pager *p, int rows)
{
	size_t r = rows > 0 ? (size_t)rows : 1;

	if (p->goto_match && p->match < p->n) {
		if (p->match < p->top || p->match >= p->top + r)
			p->top = p->match > r / 3 ? p->match - r / 3 : 0;
		p->goto_match = false;
	}
	if (p->n <= r)
		p->top = 0;
	else if (p->top > p->n - r)
		p->top = p->n - r;
}

/* Draws s with every occurrence of the word in reverse video. */
static void put_marked(const tui_pager *p, WINDOW *w, int y, int x, int width, const char *s,
		       attr_t attr)
{
	size_t ql = strlen(p->query);
	const char *at = s;
	char piece[1024];

	tui_put(w, y, x, width, s, attr, true);
	while (ql && (at = strcasestr(at, p->query))) {
		int col = tui_width_n(s, (size_t)(at - s));

		if (col >= width)
			break;
		snprintf(piece, sizeof piece, "%.*s", (int)ql, at);
		tui_put(w, y, x + col, width - col, piece, attr | A_REVERSE, false);
		at += ql;
	}
}

static void draw_footer(tui_pager *p, WINDOW *w, tui_rect r, size_t shown, int *cy, int *cx)
{
	char pos[96];
	int fy = r.y + r.h - 1, pw;

	if (p->n > shown)
		snprintf(pos, sizeof pos, "rows %zu-%zu of %zu", p->top + 1, p->top + shown, p->n);
	else
		pos[0] = '\0';
	if (p->query[0] && !p->searching) {
		size_t m = tui_pager_matches(p);
		char word[200];

		snprintf(word, sizeof word, "\"%s\": %zu row%s match (n/N)", p->query, m,
			 m == 1 ? "" : "s");
		tui_put(w, fy, r.x, r.w, word, tui_attr(TUI_MUTED), true);
	} else {
		tui_fill(w, fy, r.x, r.w, tui_attr(TUI_NORMAL));
	}
	pw = (int)strlen(pos);
	if (pw && pw < r.w)
		tui_put(w, fy, r.x + r.w - pw, pw, pos, tui_attr(TUI_MUTED), false);
	if (p->searching) {
		int fw = r.w - 1 - (pw ? pw + 1 : 0);

		tui_put(w, fy, r.x, 1, "/", tui_attr(TUI_HINT_KEY), false);
		tui_field_draw(&p->search, w, fy, r.x + 1, fw > 1 ? fw : 1, true, cy, cx);
	}
}

void tui_pager_draw(tui_pager *p, WINDOW *w, tui_rect r, int *cy, int *cx)
{
	bool foot = footer_shown(p, r.h);
	int rows = r.h - (foot ? 1 : 0);

	if (rows < 0)
		rows = 0;
	p->shown = rows;
	pager_fix(p, rows);
	for (int i = 0; i < rows; i++) {
		size_t k = p->top + (size_t)i;
		const tui_pager_row *row = k < p->n ? &p->rows[k] : NULL;
		int lw = row && row->wide ? 0 : p->label_w, tx = r.x + lw;

		tui_fill(w, r.y + i, r.x, r.w, 0);
		if (!row)
			continue;
		if (row->label && lw)
			put_marked(p, w, r.y + i, r.x, lw, row->label, tui_attr(TUI_MUTED));
		put_marked(p, w, r.y + i, tx, r.w - lw, row->text, row->attr);
	}
	if (foot && r.h > 0)
		draw_footer(p, w, r, (size_t)rows, cy, cx);
}

void tui_pager_search_open(tui_pager *p)
{
	p->searching = true;
	p->query[0] = '\0'; /* a new word, as in less and vi */
	tui_field_set(&p->search, "");
}

bool tui_pager_find(tui_pager *p, int dir)
{
	size_t start = p->match < p->n ? p->match : p->top;

	if (!p->query[0] || p->n == 0)
		return false;
	for (size_t k = 1; k <= p->n; k++) {
		size_t i = dir > 0 ? (start + k) % p->n : (start + p->n - k % p->n) % p->n;

		if (row_matches(p, i)) {
			p->match = i;
			p->goto_match = true;
			return true;
		}
	}
	return false;
}

/* The word changed as it is typed: go to the first match from the top of the view. */
static void search_typed(tui_pager *p)
{
	snprintf(p->query, sizeof p->query, "%s", tui_field_value(&p->search));
	for (size_t i = 0; p->query[0] && i < p->n; i++) {
		size_t k = (p->top + i) % p->n;

		if (row_matches(p, k)) {
			p->match = k;
			p->goto_match = true;
			return;
		}
	}
}

static enum tui_field_res search_key(tui_pager *p, const tui_event *ev)
{
	enum tui_field_res r;

	if (ev->key == TUI_K_ESC) {
		p->searching = false;
		p->query[0] = '\0';
		tui_field_set(&p->search, "");
		return TUI_FIELD_CHANGED;
	}
	if (ev->key == TUI_K_ENTER) {
		p->searching = false;
		return TUI_FIELD_CHANGED;
	}
	r = tui_field_event(&p->search, ev);
	if (r == TUI_FIELD_CHANGED)
		search_typed(p);
	return r == TUI_FIELD_IGNORED ? TUI_FIELD_MOVED : r; /* the line keeps every key */
}

static enum tui_field_res pager_scroll(tui_pager *p, long delta)
{
	long rows = p->shown > 0 ? p->shown : 1;
	long max = (long)p->n > rows ? (long)p->n - rows : 0;
	long t = (long)p->top + delta;

	if (t < 0)
		t = 0;
	if (t > max)
		t = max;
	if ((size_t)t == p->top)
		return TUI_FIELD_IGNORED;
	p->top = (size_t)t;
	return TUI_FIELD_MOVED;
}

enum tui_field_res tui_pager_event(tui_pager *p, const tui_event *ev)
{
	long page = p->shown > 1 ? p->shown - 1 : 1;

	if (p->searching)
		return search_key(p, ev);
	switch (ev->action) { /* include tui_scroll_keys in the screen's table */
	case TUI_ACT_UP: return pager_scroll(p, -1);
	case TUI_ACT_DOWN: return pager_scroll(p, 1);
	case TUI_ACT_PGUP: return pager_scroll(p, -page);
	case TUI_ACT_PGDN: return pager_scroll(p, page);
	case TUI_ACT_FIRST: return pager_scroll(p, -(long)p->n);
	case TUI_ACT_LAST: return pager_scroll(p, (long)p->n);
	default: return TUI_FIELD_IGNORED;
	}
}

tui_ret tui_pager_key(tui_pager *p, const tui_event *ev)
{
	bool mine = p->searching || tui_action_moves(ev->action);

	if (mine || ev->action == TUI_ACT_NONE) {
		if (tui_pager_event(p, ev) != TUI_FIELD_IGNORED)
			return tui_redraw();
		return mine ? tui_handled() : tui_unhandled();
	}
	switch (ev->action) {
	case TUI_ACT_SEARCH:
		tui_pager_search_open(p);
		return tui_redraw();
	case TUI_ACT_SEARCH_NEXT:
	case TUI_ACT_SEARCH_PREV:
		if (!tui_pager_find(p, ev->action == TUI_ACT_SEARCH_NEXT ? 1 : -1))
			tui_message(p->query[0] ? "No row matches the search; / changes it."
				    : "No search yet; press / and type a word.", true);
		return tui_redraw();
	case TUI_ACT_BACK:
		if (ev->key != TUI_K_ESC || !p->query[0])
			break;
		p->query[0] = '\0'; /* Esc first clears the search */
		return tui_redraw();
	default:
		break;
	}
	return tui_unhandled();
}
