/* list.c - the virtual list (rows drawn by the app) and the choice list. */
#include "tui.h"

#include <stdio.h>
#include <string.h>

int tui_list_init(tui_list *l, size_t count, tui_row_fn draw_row, void *arg)
{
	memset(l, 0, sizeof(*l));
	l->count = count;
	l->draw_row = draw_row;
	l->arg = arg;
	l->empty_text = "(nothing to show)";
	return tui_field_init(&l->filter_field, 0);
}

void tui_list_destroy(tui_list *l)
{
	tui_field_destroy(&l->filter_field);
}

static bool filter_shown(const tui_list *l)
{
	return l->filtering || tui_field_value(&l->filter_field)[0] != '\0';
}

/* The last row of rect holds the filter line and the position ("12/30")
 * whenever there is a filter or the rows do not all fit. */
static bool footer_shown(const tui_list *l)
{
	return filter_shown(l) || (l->rect.h > 1 && l->count > (size_t)l->rect.h);
}

int tui_list_visible_rows(const tui_list *l)
{
	int rows = l->rect.h - (footer_shown(l) ? 1 : 0);

	return rows > 0 ? rows : 0;
}

void tui_position_text(size_t sel, size_t count, char *out, size_t size)
{
	if (count == 0)
		snprintf(out, size, "0/0");
	else
		snprintf(out, size, "%zu/%zu", sel + 1, count);
}

const char *tui_list_filter_text(const tui_list *l)
{
	return tui_field_value(&l->filter_field);
}

size_t tui_list_scroll(size_t top, size_t sel, size_t count, int rows)
{
	size_t r = rows > 0 ? (size_t)rows : 1;

	if (count <= r)
		return 0;
	if (sel < top)
		top = sel;
	if (sel >= top + r)
		top = sel - r + 1;
	if (top > count - r)
		top = count - r; /* no blank rows below the end after a shrink */
	return top;
}

static void list_fix(tui_list *l)
{
	if (l->count == 0)
		l->sel = 0;
	else if (l->sel >= l->count)
		l->sel = l->count - 1;
	l->top = tui_list_scroll(l->top, l->sel, l->count, tui_list_visible_rows(l));
}

void tui_list_layout(tui_list *l, tui_rect rect)
{
	l->rect = rect;
	l->all_dirty = true;
	list_fix(l);
}

void tui_list_set_count(tui_list *l, size_t count)
{
	l->count = count;
	l->all_dirty = true;
	list_fix(l);
}

void tui_list_select(tui_list *l, size_t row)
{
	l->sel = row;
	list_fix(l);
}

void tui_list_invalidate(tui_list *l)
{
	l->all_dirty = true;
}

static enum tui_field_res list_move(tui_list *l, long delta)
{
	long target = (long)l->sel + delta;

	if (l->count == 0)
		return TUI_FIELD_IGNORED;
	if (target < 0)
		target = 0;
	if (target >= (long)l->count)
		target = (long)l->count - 1;
	if ((size_t)target == l->sel)
		return TUI_FIELD_IGNORED;
	tui_list_select(l, (size_t)target);
	return TUI_FIELD_MOVED;
}

static enum tui_field_res list_filter_key(tui_list *l, const tui_event *ev)
{
	enum tui_field_res r;

	if (ev->key == TUI_K_ESC) {
		tui_field_set(&l->filter_field, "");
		l->filtering = false;
		l->all_dirty = true;
		l->filter(l->arg, "");
		return TUI_FIELD_CHANGED;
	}
	if (ev->key == TUI_K_ENTER) {
		l->filtering = false;
		l->all_dirty = true;
		return TUI_FIELD_SUBMIT;
	}
	if (ev->key == TUI_K_UP || ev->key == TUI_K_DOWN)
		return list_move(l, ev->key == TUI_K_UP ? -1 : 1);
	r = tui_field_event(&l->filter_field, ev);
	if (r == TUI_FIELD_CHANGED) {
		l->filter(l->arg, tui_field_value(&l->filter_field));
		l->all_dirty = true;
	}
	return r == TUI_FIELD_SUBMIT ? TUI_FIELD_IGNORED : r;
}

enum tui_field_res tui_list_event(tui_list *l, const tui_event *ev)
{
	long page = tui_list_visible_rows(l) > 1 ? tui_list_visible_rows(l) - 1 : 1;

	if (l->filtering)
		return list_filter_key(l, ev);
	switch (ev->action) {
	case TUI_ACT_UP:
		return list_move(l, -1);
	case TUI_ACT_DOWN:
		return list_move(l, 1);
	case TUI_ACT_PGUP:
		return list_move(l, -page);
	case TUI_ACT_PGDN:
		return list_move(l, page);
	case TUI_ACT_FIRST:
		return list_move(l, -(long)l->count);
	case TUI_ACT_LAST:
		return list_move(l, (long)l->count);
	case TUI_ACT_CLICK:
		if (!tui_rect_has(l->rect, ev->y, ev->x) ||
		    ev->y - l->rect.y >= tui_list_visible_rows(l))
			return TUI_FIELD_IGNORED;
		return list_move(l, (long)(l->top + (size_t)(ev->y - l->rect.y)) - (long)l->sel);
	case TUI_ACT_FILTER:
		if (!l->filter)
			return TUI_FIELD_IGNORED;
		l->filtering = true;
		l->all_dirty = true;
		list_fix(l);
		return TUI_FIELD_CHANGED;
	default:
		return TUI_FIELD_IGNORED;
	}
}

size_t tui_scroll_to(int action, size_t top, size_t rows, size_t last)
{
	switch (action) {
	case TUI_ACT_DOWN: return top < last ? top + 1 : last;
	case TUI_ACT_UP: return top ? top - 1 : 0;
	case TUI_ACT_PGDN: return top + rows < last ? top + rows : last;
	case TUI_ACT_PGUP: return top > rows ? top - rows : 0;
	case TUI_ACT_FIRST: return 0;
	case TUI_ACT_LAST: return last;
	default: return top;
	}
}

static void list_draw_row(tui_list *l, WINDOW *w, size_t row)
{
	int y = l->rect.y + (int)(row - l->top);

	if (row < l->top || row >= l->top + (size_t)tui_list_visible_rows(l))
		return;
	if (row >= l->count) {
		tui_fill(w, y, l->rect.x, l->rect.w, tui_attr(TUI_NORMAL));
		return;
	}
	l->draw_row(l->arg, w, y, l->rect.x, l->rect.w, row,
			tui_attr(row == l->sel ? TUI_SELECTED : TUI_NORMAL));
}

static void list_draw_all(tui_list *l, WINDOW *w)
{
	int rows = tui_list_visible_rows(l);

	for (int i = 0; i < rows; i++)
		list_draw_row(l, w, l->top + (size_t)i);
	if (l->count == 0 && rows > 0)
		tui_put(w, l->rect.y, l->rect.x, l->rect.w, l->empty_text,
				tui_attr(TUI_MUTED), true);
}

/* The width the position takes at the right of the footer (0: all rows fit). */
static int position_width(const tui_list *l)
{
	char pos[48];

	if (l->count <= (size_t)tui_list_visible_rows(l))
		return 0;
	tui_position_text(l->sel, l->count, pos, sizeof pos);
	return (int)strlen(pos) + 1;
}

/* The footer: the filter line on the left, the position on the right. */
static void list_draw_footer(tui_list *l, WINDOW *w, int *cy, int *cx)
{
	int fy = l->rect.y + l->rect.h - 1, pw = position_width(l);
	char pos[48];

	if (!footer_shown(l))
		return;
	tui_fill(w, fy, l->rect.x, l->rect.w, tui_attr(TUI_NORMAL));
	if (filter_shown(l)) {
		tui_put(w, fy, l->rect.x, 1, "/", tui_attr(TUI_HINT_KEY), false);
		tui_field_draw(&l->filter_field, w, fy, l->rect.x + 1, l->rect.w - 1 - pw,
				l->filtering, cy, cx);
	}
	if (pw && pw < l->rect.w) {
		tui_position_text(l->sel, l->count, pos, sizeof pos);
		tui_put(w, fy, l->rect.x + l->rect.w - pw + 1, pw - 1, pos, tui_attr(TUI_MUTED),
				false);
	}
}

void tui_list_draw(tui_list *l, WINDOW *w, bool full, int *cy, int *cx)
{
	int fy = l->rect.y + l->rect.h - 1;

	list_fix(l);
	if (full || !l->drawn || l->all_dirty || l->top != l->drawn_top
			|| l->count != l->drawn_count) {
		list_draw_all(l, w);
		list_draw_footer(l, w, cy, cx);
	} else if (l->sel != l->drawn_sel) {
		/* a selection move: only the two rows that changed, and the position */
		list_draw_row(l, w, l->drawn_sel);
		list_draw_row(l, w, l->sel);
		list_draw_footer(l, w, cy, cx);
	}
	if (l->filtering && filter_shown(l))
		tui_field_draw(&l->filter_field, w, fy, l->rect.x + 1,
				l->rect.w - 1 - position_width(l), true, cy, cx);
	else if (cy && cx) {
		*cy = l->rect.y + (int)(l->sel - l->top);
		*cx = l->rect.x;
	}
	l->drawn = true;
	l->all_dirty = false;
	l->drawn_sel = l->sel;
	l->drawn_top = l->top;
	l->drawn_count = l->count;
}

/* ---- choice list ------------------------------------------------------------ */

/* The next enabled item from sel in direction dir, or sel when none. */
static size_t choice_step(const tui_choice *c, int dir)
{
	for (size_t i = c->sel; dir < 0 ? i > 0 : i + 1 < c->n;) {
		i = dir < 0 ? i - 1 : i + 1;
		if (!c->items[i].disabled)
			return i;
	}
	return c->sel;
}

enum tui_field_res tui_choice_event(tui_choice *c, const tui_event *ev)
{
	size_t to;

	switch (ev->action) {
	case TUI_ACT_UP:
	case TUI_ACT_DOWN:
		to = choice_step(c, ev->action == TUI_ACT_UP ? -1 : 1);
		if (to == c->sel)
			return TUI_FIELD_IGNORED;
		c->sel = to;
		return TUI_FIELD_MOVED;
	case TUI_ACT_CHOOSE:
		if (c->sel >= c->n || c->items[c->sel].disabled)
			return TUI_FIELD_REFUSED;
		return TUI_FIELD_SUBMIT;
	case TUI_ACT_CLICK:
		/* a click on a disabled item leaves the mark where it is */
		if (ev->hit != TUI_HIT_CHOICE || ev->hit_owner != c || ev->hit_index >= c->n ||
		    c->items[ev->hit_index].disabled || ev->hit_index == c->sel)
			return TUI_FIELD_IGNORED;
		c->sel = ev->hit_index;
		return TUI_FIELD_MOVED;
	default:
		return TUI_FIELD_IGNORED;
	}
}

void tui_choice_draw(tui_choice *c, WINDOW *w, tui_rect r, bool focused,
		int *cy, int *cx)
{
	char line[512];
	int y = 0, rows = r.h;
	bool scrolls = r.h > 1 && c->n > (size_t)r.h;

	/* more choices than rows: the last row says where the selection is and
	 * the rows follow it */
	if (scrolls)
		rows = r.h - 1;
	c->top = scrolls ? tui_list_scroll(c->top, c->sel, c->n, rows) : 0;
	for (size_t i = c->top; i < c->n && y < rows; i++, y++) {
		const tui_choice_item *it = &c->items[i];
		bool sel = i == c->sel;
		tui_role role = sel && focused ? TUI_SELECTED : it->disabled ? TUI_DISABLED : TUI_NORMAL;

		snprintf(line, sizeof(line), "%s %s%s%s", sel ? "(*)" : "( )", it->label,
				it->disabled ? "  - unavailable: " : "", it->disabled ? it->disabled : "");
		tui_put(w, r.y + y, r.x, r.w, line, tui_attr(role), true);
		tui_hit_add((tui_rect){r.y + y, r.x, 1, r.w}, TUI_HIT_CHOICE, c, i);
		if (sel && cy && cx) {
			*cy = r.y + y;
			*cx = r.x + 1;
		}
	}
	for (; y < r.h; y++)
		tui_fill(w, r.y + y, r.x, r.w, tui_attr(TUI_NORMAL));
	if (scrolls) {
		tui_position_text(c->sel, c->n, line, sizeof line);
		tui_put(w, r.y + r.h - 1, r.x, r.w, line, tui_attr(TUI_MUTED), false);
		return;
	}
	if (c->sel < c->n && c->items[c->sel].help && (int)c->n + 1 < r.h)
		tui_put(w, r.y + (int)c->n + 1, r.x, r.w, c->items[c->sel].help,
				tui_attr(TUI_MUTED), true);
}
