/* scr.c - helpers shared by the console's screens. */
#include "scr.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

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

#define WRAP_MAX 256

int scr_wrap(WINDOW *w, int y, int x, int width, int max_rows, const char *text, attr_t attr)
{
	size_t starts[WRAP_MAX], lens[WRAP_MAX], n;
	char line[1024];

	if (width < 1 || !text)
		return 0;
	n = tui_wrap(text, width, starts, lens, WRAP_MAX);
	if (n > WRAP_MAX)
		n = WRAP_MAX;
	if (max_rows > 0 && n > (size_t)max_rows)
		n = (size_t)max_rows;
	for (size_t i = 0; i < n; i++) {
		size_t len = lens[i] < sizeof line - 1 ? lens[i] : sizeof line - 1;

		memcpy(line, text + starts[i], len);
		line[len] = '\0';
		tui_put(w, y + (int)i, x, width, line, attr, true);
	}
	return (int)n;
}

int scr_wrap_rows(int width, const char *text)
{
	size_t starts[1], lens[1];

	return width < 1 || !text ? 0 : (int)tui_wrap(text, width, starts, lens, 1);
}

int scr_wrap_path(WINDOW *w, int y, int x, int width, int max_rows, const char *text,
		  attr_t attr)
{
	char line[1024];
	const char *p = text ? text : "";
	int rows = 0;

	while (*p && width > 0 && (max_rows <= 0 || rows < max_rows)) {
		size_t len = strlen(p), cut = len;

		if (tui_width(p) > width) {
			/* the longest prefix that fits, ending after a '/' if there is one */
			size_t fit = 0, slash = 0;

			while (fit < len && tui_width_n(p, tui_cell_next(p, len, fit)) <= width) {
				fit = tui_cell_next(p, len, fit);
				if (p[fit - 1] == '/')
					slash = fit;
			}
			cut = slash ? slash : (fit ? fit : 1);
		}
		if (cut >= sizeof line)
			cut = sizeof line - 1;
		memcpy(line, p, cut);
		line[cut] = '\0';
		tui_put(w, y + rows++, x, width, line, attr, true);
		p += cut;
	}
	return rows;
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

/* A UTC RFC 3339 time in the local zone (TZ honoured), with or without
 * seconds; "-" when there is none, the text as it is when unreadable. */
static void local_time(const char *t, bool seconds, char *out, size_t size)
{
	long long at;
	time_t when;
	struct tm tm;
	size_t n;

	if (!t) {
		snprintf(out, size, "-");
		return;
	}
	when = util_time_parse(t, &at) == 0 ? (time_t)at : 0;
	if (!when || !localtime_r(&when, &tm))
		n = 0;
	else if (seconds)
		n = strftime(out, size, "%Y-%m-%d %H:%M:%S %Z", &tm);
	else
		n = strftime(out, size, "%Y-%m-%d %H:%M %Z", &tm);
	if (!n)
		snprintf(out, size, "%s", t);
}

void scr_short_time(const char *t, char *out, size_t size)
{
	local_time(t, false, out, size);
}

void scr_local_time(const char *t, char *out, size_t size)
{
	local_time(t, true, out, size);
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

void scr_mask_hint(size_t n, size_t max, const char *hint, char *out, size_t size)
{
	size_t room = strlen(hint);

	/* the bullets leave room for the hint, however wide the terminal */
	scr_mask(n, max, out, size > room ? size - room : 1);
	snprintf(out + strlen(out), size - strlen(out), "%s", hint);
}
