/* field.c - single-line and multi-line text input. The editing logic works on
 * a UTF-8 buffer and a byte cursor; drawing is at the end of the file. */
#include "tui.h"

#include <stdlib.h>
#include <string.h>

#define FIELD_MAX_DEFAULT 65536
#define BULLET tui_glyph(TUI_GLYPH_BULLET) /* one per masked character */

/* Grows the buffer to hold need bytes plus a NUL. Never realloc: the old
 * block may hold a secret, so it is wiped before it is freed. */
static int field_reserve(tui_field *f, size_t need)
{
	size_t cap = f->cap ? f->cap : 32;
	char *bigger;

	if (need + 1 <= f->cap)
		return 0;
	while (cap < need + 1)
		cap *= 2;
	bigger = calloc(1, cap);
	if (!bigger)
		return -1;
	if (f->buf) {
		memcpy(bigger, f->buf, f->len + 1);
		explicit_bzero(f->buf, f->cap);
		free(f->buf);
	}
	f->buf = bigger;
	f->cap = cap;
	return 0;
}

int tui_field_init(tui_field *f, unsigned flags)
{
	memset(f, 0, sizeof(*f));
	f->flags = flags;
	return field_reserve(f, 31);
}

void tui_field_destroy(tui_field *f)
{
	if (f->buf) {
		explicit_bzero(f->buf, f->cap);
		free(f->buf);
	}
	memset(f, 0, sizeof(*f));
}

const char *tui_field_value(const tui_field *f)
{
	return f->buf ? f->buf : "";
}

const char *tui_field_check(tui_field *f)
{
	f->reason = f->validate ? f->validate(f->arg, tui_field_value(f)) : NULL;
	return f->reason;
}

static void field_changed(tui_field *f)
{
	f->dirty = true;
	tui_field_check(f);
}

static size_t field_max(const tui_field *f)
{
	return f->max_len ? f->max_len : FIELD_MAX_DEFAULT;
}

static int field_insert(tui_field *f, const char *b, size_t n)
{
	if (f->len + n > field_max(f) || field_reserve(f, f->len + n) < 0)
		return -1;
	memmove(f->buf + f->cur + n, f->buf + f->cur, f->len - f->cur + 1);
	memcpy(f->buf + f->cur, b, n);
	f->len += n;
	f->cur += n;
	return 0;
}

/* Deletes bytes [from, to) and puts the cursor at from. */
static void field_delete(tui_field *f, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(f->buf + from, f->buf + to, f->len - to + 1);
	f->len -= to - from;
	explicit_bzero(f->buf + f->len + 1, to - from);
	f->cur = from;
}

int tui_field_set(tui_field *f, const char *value)
{
	size_t n = value ? strlen(value) : 0;

	if (field_reserve(f, n) < 0)
		return -1;
	explicit_bzero(f->buf, f->cap);
	if (n)
		memcpy(f->buf, value, n);
	f->len = f->cur = n;
	f->scroll = f->top_line = 0;
	field_changed(f);
	return 0;
}

static bool is_control(wchar_t wc)
{
	return wc < 0x20 || wc == 0x7f || (wc >= 0x80 && wc < 0xa0);
}

/* The filter's verdict, with the toolkit's own rule on top: a single-line
 * field never stores control characters, a multi-line one only '\n' and '\t'. */
static enum tui_filter_res field_filter(const tui_field *f, wchar_t wc)
{
	enum tui_filter_res r = f->filter ? f->filter(f->arg, wc) : TUI_FILTER_ACCEPT;
	bool multi = f->flags & TUI_FIELD_MULTILINE;

	if (r == TUI_FILTER_ACCEPT && is_control(wc) && !(multi && (wc == '\n' || wc == '\t')))
		return TUI_FILTER_DROP;
	return r;
}

static enum tui_field_res field_insert_char(tui_field *f, wchar_t wc)
{
	char utf[4];
	size_t n;

	switch (field_filter(f, wc)) {
	case TUI_FILTER_DROP:
		return TUI_FIELD_IGNORED;
	case TUI_FILTER_REFUSE:
		return TUI_FIELD_REFUSED;
	case TUI_FILTER_ACCEPT:
		break;
	}
	n = tui_utf8_encode(wc, utf);
	if (n == 0 || field_insert(f, utf, n) < 0)
		return TUI_FIELD_REFUSED;
	field_changed(f);
	return TUI_FIELD_CHANGED;
}

enum tui_field_res tui_field_paste(tui_field *f, const char *text)
{
	size_t len = strlen(text), i = 0, out = 0;
	char *keep = malloc(len + 1);
	enum tui_field_res res = TUI_FIELD_REFUSED;

	if (!keep)
		return TUI_FIELD_REFUSED;
	/* filter everything first: a refused paste inserts nothing */
	while (i < len) {
		wchar_t wc;
		size_t n = tui_utf8_decode(text + i, len - i, &wc);
		enum tui_filter_res r = field_filter(f, wc);

		if (r == TUI_FILTER_REFUSE)
			goto done;
		if (r == TUI_FILTER_ACCEPT && wc != TUI_REPLACEMENT) {
			memcpy(keep + out, text + i, n);
			out += n;
		}
		i += n;
	}
	if (out == 0) {
		res = TUI_FIELD_IGNORED;
	} else if (field_insert(f, keep, out) == 0) {
		field_changed(f);
		res = TUI_FIELD_CHANGED;
	}
done:
	explicit_bzero(keep, len + 1);
	free(keep);
	return res;
}

static size_t line_start(const tui_field *f, size_t at)
{
	while (at > 0 && f->buf[at - 1] != '\n')
		at--;
	return at;
}

static size_t line_end(const tui_field *f, size_t at)
{
	while (at < f->len && f->buf[at] != '\n')
		at++;
	return at;
}

int tui_field_cursor_col(const tui_field *f)
{
	size_t start = line_start(f, f->cur), p = start;
	int cells = 0;

	if (!(f->flags & TUI_FIELD_MASKED))
		return tui_width_n(f->buf + start, f->cur - start);
	while (p < f->cur) {
		p = tui_cell_next(f->buf, f->len, p);
		cells++;
	}
	return cells;
}

int tui_field_cursor_line(const tui_field *f)
{
	int line = 0;

	for (size_t i = 0; i < f->cur; i++)
		line += f->buf[i] == '\n';
	return line;
}

/* Byte offset in the line starting at `start` whose column is the largest
 * not past col. */
static size_t offset_at_col(const tui_field *f, size_t start, int col)
{
	size_t end = line_end(f, start), p = start;
	int c = 0;

	while (p < end) {
		size_t next = tui_cell_next(f->buf, end, p);
		int w = tui_width_n(f->buf + p, next - p);

		if (c + w > col)
			break;
		c += w;
		p = next;
	}
	return p;
}

static enum tui_field_res field_vertical(tui_field *f, int dir)
{
	size_t start = line_start(f, f->cur);
	int col = tui_width_n(f->buf + start, f->cur - start);

	if (!(f->flags & TUI_FIELD_MULTILINE))
		return TUI_FIELD_IGNORED;
	if (dir < 0) {
		if (start == 0)
			return TUI_FIELD_IGNORED;
		f->cur = offset_at_col(f, line_start(f, start - 1), col);
	} else {
		size_t end = line_end(f, f->cur);

		if (end >= f->len)
			return TUI_FIELD_IGNORED;
		f->cur = offset_at_col(f, end + 1, col);
	}
	f->dirty = true;
	return TUI_FIELD_MOVED;
}

/* Start of the word before the cursor: spaces, then non-spaces. */
static size_t word_start(const tui_field *f)
{
	size_t p = f->cur, start = line_start(f, f->cur);

	while (p > start && (f->buf[p - 1] == ' ' || f->buf[p - 1] == '\t'))
		p--;
	while (p > start && f->buf[p - 1] != ' ' && f->buf[p - 1] != '\t')
		p--;
	return p; /* just after a space (ASCII), so on a cell boundary */
}

static enum tui_field_res field_move(tui_field *f, size_t to)
{
	if (to == f->cur)
		return TUI_FIELD_IGNORED;
	f->cur = to;
	f->dirty = true;
	return TUI_FIELD_MOVED;
}

static enum tui_field_res field_cut(tui_field *f, size_t from, size_t to)
{
	if (to <= from)
		return TUI_FIELD_IGNORED;
	field_delete(f, from, to);
	field_changed(f);
	return TUI_FIELD_CHANGED;
}

/* Editing keys shared by both kinds of field. */
static enum tui_field_res field_edit_key(tui_field *f, tui_key key)
{
	switch (key) {
	case TUI_K_LEFT:
		return field_move(f, tui_cell_prev(f->buf, f->len, f->cur));
	case TUI_K_RIGHT:
		return field_move(f, tui_cell_next(f->buf, f->len, f->cur));
	case TUI_K_HOME:
	case TUI_CTRL('a'):
		return field_move(f, line_start(f, f->cur));
	case TUI_K_END:
	case TUI_CTRL('e'):
		return field_move(f, line_end(f, f->cur));
	case TUI_K_BACKSPACE:
		return field_cut(f, tui_cell_prev(f->buf, f->len, f->cur), f->cur);
	case TUI_K_DELETE:
		return field_cut(f, f->cur, tui_cell_next(f->buf, f->len, f->cur));
	case TUI_CTRL('u'):
		return field_cut(f, line_start(f, f->cur), f->cur);
	case TUI_CTRL('k'):
		return field_cut(f, f->cur, line_end(f, f->cur));
	case TUI_CTRL('w'):
		return field_cut(f, word_start(f), f->cur);
	case TUI_K_UP:
		return field_vertical(f, -1);
	case TUI_K_DOWN:
		return field_vertical(f, +1);
	default:
		return TUI_FIELD_IGNORED;
	}
}

enum tui_field_res tui_field_key(tui_field *f, tui_key key)
{
	bool multi = f->flags & TUI_FIELD_MULTILINE;

	if (key == TUI_K_ENTER || key == '\r') {
		if (!multi)
			return TUI_FIELD_SUBMIT;
		return field_insert(f, "\n", 1) == 0 ? (field_changed(f), TUI_FIELD_CHANGED)
			: TUI_FIELD_REFUSED;
	}
	if (key == TUI_CTRL('d'))
		return multi ? TUI_FIELD_DONE : TUI_FIELD_IGNORED;
	if (key >= 0x20 && key < TUI_K_SPECIAL && key != 0x7f)
		return field_insert_char(f, (wchar_t)key);
	return field_edit_key(f, key);
}

/* A one-line field leaves a paste's tabs and line breaks out: say so, unless
 * they only end it (a copied line ends with its newline). Masked fields say
 * nothing: a token has none, and its filter drops them. */
static void say_dropped(const tui_field *f, const char *text, enum tui_field_res r)
{
	size_t n = strlen(text);

	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		n--;
	if (r == TUI_FIELD_REFUSED || (f->flags & (TUI_FIELD_MULTILINE | TUI_FIELD_MASKED)))
		return;
	for (size_t i = 0; i < n; i++)
		if (text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
			tui_message("The paste's tabs and line breaks were left out: this field "
				    "takes one line.", false);
			return;
		}
}

enum tui_field_res tui_field_event(tui_field *f, const tui_event *ev)
{
	enum tui_field_res r;

	if (ev->key != TUI_K_PASTE)
		return tui_field_key(f, ev->key);
	if (!ev->text)
		return TUI_FIELD_IGNORED;
	r = tui_field_paste(f, ev->text);
	say_dropped(f, ev->text, r);
	return r;
}

/* ---- drawing ---------------------------------------------------------------- */

/* Appends the visible part of line [start, end) to out: cells whose columns
 * lie in [scroll, scroll + width); a wide cell cut by an edge becomes spaces. */
static void visible_line(const tui_field *f, size_t start, size_t end, int scroll,
		int width, char *out, size_t outlen)
{
	bool masked = f->flags & TUI_FIELD_MASKED;
	size_t p = start, pos = 0;
	int col = 0;

	while (p < end && col < scroll + width) {
		size_t next = tui_cell_next(f->buf, end, p);
		int w = masked ? 1 : tui_width_n(f->buf + p, next - p);
		const char *src = masked ? BULLET : f->buf + p;
		size_t n = masked ? strlen(BULLET) : next - p;

		if (col >= scroll && col + w <= scroll + width) {
			if (pos + n + 1 < outlen) {
				memcpy(out + pos, src, n);
				pos += n;
			}
		} else if (col + w > scroll) {
			for (int i = col < scroll ? scroll - col : 0; i < w && col + i < scroll + width; i++)
				if (pos + 2 < outlen)
					out[pos++] = ' ';
		}
		col += w;
		p = next;
	}
	out[pos] = '\0';
}

/* Scrolls so that column col is visible in width columns. */
static int keep_visible(int scroll, int col, int width)
{
	if (col < scroll)
		scroll = col;
	if (col >= scroll + width)
		scroll = col - width + 1;
	return scroll < 0 ? 0 : scroll;
}

void tui_field_draw(tui_field *f, WINDOW *w, int y, int x, int width, bool focused,
		int *cy, int *cx)
{
	size_t outlen = (size_t)width * 4 + 8;
	char *out;
	int col = tui_field_cursor_col(f);

	if (width <= 0)
		return;
	tui_hit_add((tui_rect){y, x, 1, width}, TUI_HIT_FIELD, f, 0);
	f->scroll = keep_visible(f->scroll, col, width);
	out = malloc(outlen);
	if (!out)
		return;
	visible_line(f, 0, line_end(f, 0), f->scroll, width, out, outlen);
	tui_put(w, y, x, width, out, tui_attr(focused ? TUI_FOCUS : TUI_NORMAL), true);
	explicit_bzero(out, outlen);
	free(out);
	if (focused && cy && cx) {
		*cy = y;
		*cx = x + col - f->scroll;
	}
	f->dirty = false;
}

void tui_area_draw(tui_field *f, WINDOW *w, tui_rect r, bool focused, int *cy, int *cx)
{
	size_t outlen = (size_t)r.w * 4 + 8, p = 0;
	int line = tui_field_cursor_line(f), col = tui_field_cursor_col(f);
	char *out;

	if (r.w <= 0 || r.h <= 0 || !(out = malloc(outlen)))
		return;
	tui_hit_add(r, TUI_HIT_FIELD, f, 0);
	if (line < f->top_line)
		f->top_line = line;
	if (line >= f->top_line + r.h)
		f->top_line = line - r.h + 1;
	f->scroll = keep_visible(f->scroll, col, r.w);
	for (int i = 0; i < f->top_line && p < f->len; i++)
		p = line_end(f, p) + 1;
	for (int row = 0; row < r.h; row++) {
		out[0] = '\0';
		if (p <= f->len) {
			size_t end = line_end(f, p);

			visible_line(f, p, end, f->scroll, r.w, out, outlen);
			p = end < f->len ? end + 1 : f->len + 1;
		}
		tui_put(w, r.y + row, r.x, r.w, out, tui_attr(focused ? TUI_FOCUS : TUI_NORMAL), true);
	}
	free(out);
	if (focused && cy && cx) {
		*cy = r.y + line - f->top_line;
		*cx = r.x + col - f->scroll;
	}
	f->dirty = false;
}
