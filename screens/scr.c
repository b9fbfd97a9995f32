/* scr.c - helpers shared by the console's screens. */
#include "scr.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db.h"
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

const tui_action_def scr_actions[] = {
	{SCR_NEW, "new", "Create: an integration (wizard), a stack or module."},
	{SCR_OPEN, "open", "Open the selected row: details, a delivery, a stack."},
	{SCR_EDIT, "edit", "Edit the integration."},
	{SCR_DELETE, "delete", "Delete the selected item (asks to confirm); in the labels step, remove the last label."},
	{SCR_REVEAL, "reveal", "Show the webhook secret (admins)."},
	{SCR_ROTATE, "rotate", "Rotate the webhook secret (asks to confirm)."},
	{SCR_WEBHOOK, "webhook", "Open the webhook setup of the integration."},
	{SCR_STACKS, "stacks", "Show the stacks and modules."},
	{SCR_AUDIT, "audit", "Show the audit log."},
	{SCR_NEXT, "next", "Go on: the next step or field, or take what is shown."},
	{SCR_FINISH, "finish", "Finish a multi-line text and go on."},
	{SCR_COPY, "copy", "Copy the shown value to the clipboard (OSC 52)."},
	{SCR_COPY_SECRET, "copy-secret", "Copy the webhook secret to the clipboard (OSC 52)."},
	{SCR_DISCARD, "discard", "Discard the saved draft."},
	{SCR_SAVE, "save", "Save the form."},
	{SCR_VERIFY, "verify", "Verify the integration's token with Bitbucket."},
	{SCR_TROUBLESHOOT, "troubleshoot", "Open the troubleshooting checks."},
	{SCR_DELIVERIES, "deliveries", "Show the webhook deliveries."},
	{SCR_FIX, "fix", "Repair what the screen found broken."},
	{SCR_MARK, "mark", "Mark or unmark the selected row."},
	{SCR_DETACHED, "detached", "Show only detached stacks and modules, or all again."},
	{SCR_INTEGRATION, "set-integration", "Set the integration of the marked rows."},
	{SCR_TRIGGER, "trigger", "Trigger a tracked run."},
	{SCR_PICK, "pick", "Open the picker of the focused field, or create."},
	{SCR_CYCLE, "change", "Show the previous or next choice of the focused field."},
	{SCR_RUN, "run-checks", "Run the checks again."},
	{SCR_SPACES, "spaces", "Show the spaces and roles."},
	{SCR_SORT, "sort", "Sort by the next column, each ascending then descending."},
	{SCR_SORT_BACK, "sort-back", "Sort by the previous column."},
	{0, NULL, NULL}
};

unsigned scr_generation(void)
{
	return generation;
}

void scr_changed(void)
{
	generation++;
	tui_reload_all();
}

static char focus_kind[16], focus_key[512];

void scr_focus(const char *kind, const char *key)
{
	snprintf(focus_kind, sizeof focus_kind, "%s", kind);
	snprintf(focus_key, sizeof focus_key, "%s", key);
}

bool scr_focus_take(const char *kind, char *out, size_t size)
{
	if (!focus_kind[0] || strcmp(focus_kind, kind) != 0)
		return false;
	snprintf(out, size, "%s", focus_key);
	focus_kind[0] = focus_key[0] = '\0';
	return true;
}

/* The change counter of the database when last looked at. */
static long data_version = -1;

static tui_ret watch_tick(void *arg)
{
	bb_err err = {0};
	long v;

	(void)arg;
	if (!the_ctx || db_data_version(the_ctx->db, &v, &err) != BB_OK)
		return tui_handled();
	if (data_version >= 0 && v != data_version) {
		generation++; /* what was built from the old data (search indexes) is old too */
		tui_reload_all();
	}
	data_version = v;
	return tui_handled();
}

int scr_watch_data(int ms)
{
	if (ms <= 0)
		return -1;
	watch_tick(NULL);
	return tui_timer_add(ms, true, watch_tick, NULL);
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

bool scr_sort_key(scr_sort *s, int action, int ncols)
{
	int k = s->col * 2 + (s->desc ? 1 : 0), n = ncols * 2;

	if (action == SCR_SORT)
		k = (k + 1) % n;
	else if (action == SCR_SORT_BACK)
		k = (k + n - 1) % n;
	else
		return false;
	s->col = k / 2;
	s->desc = k % 2;
	return true;
}

void scr_sort_header(WINDOW *w, int y, int x, int width, const char *const *names,
		     const int *widths, int n, const scr_sort *s)
{
	attr_t a = tui_attr(TUI_MUTED) | A_BOLD;
	char name[128];

	tui_fill(w, y, x, width, tui_attr(TUI_MUTED));
	for (int i = 0, cx = x; i < n && cx < x + width; cx += widths[i] + 1, i++) {
		int cw = widths[i] < x + width - cx ? widths[i] : x + width - cx;

		snprintf(name, sizeof name, "%s%s", names[i],
			 s && s->col == i ? (s->desc ? " v" : " ^") : "");
		tui_put(w, y, cx, cw, name, a, true);
	}
}

void scr_sort_say(const char *const *names, const scr_sort *s)
{
	char msg[160];

	snprintf(msg, sizeof msg, "Sorted by %s, %s; > and < change it.", names[s->col],
		 s->desc ? "descending" : "ascending");
	tui_message(msg, false);
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

bool scr_admin_of(const bb_integration *it, const char *doing, char *why, size_t size)
{
	char what[320], q[BB_QUOTE_SIZE];
	bb_err err = {0};

	if (it->details_visible)
		return true;
	if (!why)
		return false;
	validate_quote(it->name, q, sizeof q);
	snprintf(what, sizeof what, "%s %s", doing, q);
	if (space_need(scr_ctx(), it->space, BB_ROLE_ADMIN, what, &err) == BB_OK)
		return true; /* granted since the list was read */
	snprintf(why, size, "%s", err.msg);
	return false;
}

void scr_details_reason(const bb_integration *it, char *out, size_t size)
{
	bb_integration seen = *it;

	seen.details_visible = 0; /* ask core, whatever the flag says */
	if (scr_admin_of(&seen, "Seeing the details of integration", out, size))
		snprintf(out, size, "You may see the details of this integration.");
}

bool scr_role_somewhere(bb_role need)
{
	bb_space *v = NULL;
	size_t n = 0;
	bb_err err = {0};

	if (space_list_where(scr_ctx(), need, &v, &n, &err) != BB_OK)
		return false;
	space_list_free(v, n);
	return n > 0;
}

void scr_role_reason(bb_role need, const char *doing, char *out, size_t size)
{
	snprintf(out, size, "%s needs the %s role in a space; you (%s) are %s of none. Ask an "
		 "admin of root to grant it.", doing, space_role_name(need), scr_ctx()->user,
		 space_role_name(need));
}

void scr_short_time(const char *t, char *out, size_t size)
{
	util_local_time(t, 0, out, size);
}

void scr_local_time(const char *t, char *out, size_t size)
{
	util_local_time(t, 1, out, size);
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
	const char *bullet = tui_glyph(TUI_GLYPH_BULLET);
	size_t len = strlen(bullet);

	if (n > max)
		n = max;
	for (size_t i = 0; i < n && used + len + 1 <= size; i++, used += len)
		memcpy(out + used, bullet, len);
	out[used < size ? used : size - 1] = '\0';
}

void scr_mask_hint(size_t n, size_t max, const char *hint, char *out, size_t size)
{
	size_t room = strlen(hint);

	/* the bullets leave room for the hint, however wide the terminal */
	scr_mask(n, max, out, size > room ? size - room : 1);
	snprintf(out + strlen(out), size - strlen(out), "%s", hint);
}
