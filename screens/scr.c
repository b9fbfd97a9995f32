/* scr.c - helpers shared by the console's screens. */
#include "scr.h"

#include <stdio.h>
#include <string.h>

#include "space.h"
#include "validate.h"

static bb_ctx *the_ctx;
static unsigned generation;

bb_ctx *scr_ctx(void)
{
	return the_ctx;
}

void scr_set_ctx(bb_ctx *ctx)
{
	the_ctx = ctx;
}

unsigned scr_generation(void)
{
	return generation;
}

void scr_changed(void)
{
	generation++;
}

/* Length in bytes of the next word of s (up to a space or a newline). */
static size_t word_len(const char *s)
{
	size_t n = 0;

	while (s[n] && s[n] != ' ' && s[n] != '\n')
		n++;
	return n;
}

/* Walks text as wrapped lines; calls emit (when w is set) for each. */
static int wrap_walk(WINDOW *w, int y, int x, int width, int max_rows, const char *text,
		     attr_t attr)
{
	char line[1024];
	size_t ll = 0;
	int rows = 0, lw = 0;
	const char *p = text;

	if (width < 1)
		return 0;
	while (max_rows <= 0 || rows < max_rows) {
		size_t n = word_len(p);
		int ww = tui_width_n(p, n);

		if (ll > 0 && (lw + 1 + ww > width || ll + n + 2 > sizeof line)) {
			if (w)
				tui_put(w, y + rows, x, width, line, attr, true);
			rows++, ll = 0, lw = 0;
			continue;
		}
		if (ll > 0)
			line[ll++] = ' ', lw++;
		if (n > sizeof line - ll - 1)
			n = sizeof line - ll - 1;
		memcpy(line + ll, p, n);
		ll += n, lw += ww;
		line[ll] = '\0';
		p += n;
		while (*p == ' ')
			p++;
		if (*p == '\n' || !*p) {
			if (w)
				tui_put(w, y + rows, x, width, line, attr, true);
			rows++, ll = 0, lw = 0;
			if (!*p)
				break;
			p++;
		}
	}
	return rows;
}

int scr_wrap(WINDOW *w, int y, int x, int width, int max_rows, const char *text, attr_t attr)
{
	return wrap_walk(w, y, x, width, max_rows, text ? text : "", attr);
}

int scr_wrap_rows(int width, const char *text)
{
	return wrap_walk(NULL, 0, 0, width, 0, text ? text : "", 0);
}

void scr_pair(WINDOW *w, int y, int x, int width, const char *label, const char *value,
	      attr_t attr)
{
	int lw = width > 30 ? 14 : width / 3;

	tui_put(w, y, x, lw, label, tui_attr(TUI_MUTED), true);
	tui_put(w, y, x + lw, width - lw, value ? value : "", attr, true);
}

void scr_error(const bb_err *err)
{
	tui_message(err->msg[0] ? err->msg : "Something went wrong; try again.", true);
}

void scr_details_reason(const bb_integration *it, char *out, size_t size)
{
	char doing[256], q[BB_QUOTE_SIZE];
	bb_err err = {0};

	validate_quote(it->name, q, sizeof q);
	snprintf(doing, sizeof doing, "Seeing the details of integration %s", q);
	if (space_need(scr_ctx(), it->space, BB_ROLE_ADMIN, doing, &err) == BB_OK)
		snprintf(out, size, "You may see the details of this integration.");
	else
		snprintf(out, size, "%s", err.msg);
}

void scr_short_time(const char *t, char *out, size_t size)
{
	if (!t) {
		snprintf(out, size, "-");
		return;
	}
	if (strlen(t) >= 16 && t[10] == 'T')
		snprintf(out, size, "%.10s %.5s", t, t + 11);
	else
		snprintf(out, size, "%s", t);
}

void scr_join(const bb_strlist *l, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < l->n && used + 1 < size; i++) {
		int n = snprintf(out + used, size - used, "%s%s", i ? ", " : "", l->v[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

void scr_mask(size_t n, size_t max, char *out, size_t size)
{
	size_t used = 0;
	static const char bullet[] = "\xe2\x80\xa2";

	if (n > max)
		n = max;
	for (size_t i = 0; i < n && used + 4 <= size; i++, used += 3)
		memcpy(out + used, bullet, 3);
	out[used < size ? used : size - 1] = '\0';
}
