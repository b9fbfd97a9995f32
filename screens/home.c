/* home.c - the integrations list: the console's home screen. */
#include <stdlib.h>
#include <string.h>

#include "scr.h"
#include "spaces.h"
#include "stacks.h"


typedef struct home {
	tui_screen s;
	tui_list list;
	bb_integration *items;
	size_t n;
	size_t *rows;     /* indices into items that pass the filter */
	size_t nrows;
	bool may_new, may_audit; /* the user's roles when loaded */
	int cw[6];        /* column widths: name type space labels stacks credentials */
	scr_sort sort;
	int cy, cx;
} home;

const tui_keydef home_keys[] = {
	{SCR_OPEN, {TUI_K_ENTER}, "open", "Open the selected integration's details.", true},
	{SCR_NEW, {'n'}, "new", "Create an integration with the setup wizard.", true},
	{SCR_DELETE, {'d'}, "delete", "Delete the selected integration (asks to confirm).", true},
	{SCR_FILTER, {'/'}, "filter", "Filter the list as you type; Esc clears the filter.", true},
	{SCR_STACKS, {'S'}, "stacks", "Show every stack and module you may see.", true},
	{SCR_SPACES, {'s'}, "spaces", "Show the spaces and roles: create spaces, grant and revoke "
	 "roles (admins).", true},
	TUI_KEYS_INCLUDE(tui_list_keys),
	SCR_SORT_KEYS,
	SCR_RELOAD_KEYS,
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this screen.", true},
	{TUI_ACT_QUIT, {'q'}, "quit", "Quit the console.", true},
	/* last: at 80 columns the bar keeps "q quit" and drops this one */
	{SCR_AUDIT, {'a'}, "audit", "Show the audit log (admins of root).", true},
	{0},
};

static const char *const head[6] = {"Name", "Type", "Space", "Labels", "Stacks", "Credentials"};

/* The credentials column; a token due to expire says so first. */
static const char *cred_status(const bb_integration *it, char *buf, size_t size)
{
	char now[BB_TIME_LEN];
	long days;

	util_now(now);
	days = integration_expiry_days(it->token_expires, now);
	if (it->token_set && days < 0)
		return "token expired";
	if (it->token_set && days <= BB_TOKEN_EXPIRY_WARN_DAYS) {
		snprintf(buf, size, "expires in %ldd", days);
		return buf;
	}
	return integration_credentials_word(it);
}

static bool matches(const bb_integration *it, const char *f)
{
	if (!*f || strcasestr(it->name, f) || strcasestr(it->slug, f) ||
	    strcasestr(it->space, f) || strcasestr(it->type, f))
		return true;
	for (size_t i = 0; i < it->labels.n; i++)
		if (strcasestr(it->labels.v[i], f))
			return true;
	return false;
}

/* The text of column col of it, for sorting. */
static const char *sort_text(const bb_integration *it, int col, char *buf, size_t size)
{
	switch (col) {
	case 1: return it->type;
	case 2: return it->space;
	case 3: scr_join(&it->labels, buf, size); return buf;
	case 5: return cred_status(it, buf, size);
	default: return it->name;
	}
}

static int home_cmp(const void *a, const void *b, void *arg)
{
	const home *h = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const bb_integration *x = &h->items[i], *y = &h->items[j];
	char bx[512], by[512];
	int c;

	if (h->sort.col == 4)
		c = (x->stacks > y->stacks) - (x->stacks < y->stacks);
	else
		c = strcmp(sort_text(x, h->sort.col, bx, sizeof bx),
			   sort_text(y, h->sort.col, by, sizeof by));
	if (h->sort.desc)
		c = -c;
	return c ? c : (i > j) - (i < j); /* ties keep the stored order */
}

static void home_filter(void *arg, const char *text)
{
	home *h = arg;

	h->nrows = 0;
	for (size_t i = 0; i < h->n; i++)
		if (matches(&h->items[i], text))
			h->rows[h->nrows++] = i;
	qsort_r(h->rows, h->nrows, sizeof *h->rows, home_cmp, h);
	h->list.empty_text = h->n ? "No integration matches the filter; Esc clears it."
				  : "No integrations yet. Press n to create one.";
	tui_list_set_count(&h->list, h->nrows);
	tui_list_invalidate(&h->list);
}

static void home_load(home *h)
{
	int ok = 0;
	bb_err err = {0};
	bb_integration *v = NULL;
	size_t n = 0;

	if (integration_list(scr_ctx(), &v, &n, &err) != BB_OK) {
		scr_error(&err);
		v = NULL, n = 0;
	}
	integration_list_free(h->items, h->n);
	free(h->rows);
	h->items = v, h->n = n;
	h->rows = calloc(n ? n : 1, sizeof *h->rows);
	h->may_new = scr_role_somewhere(BB_ROLE_ADMIN);
	h->may_audit = space_may(scr_ctx(), BB_ROOT_SPACE, BB_ROLE_ADMIN, &ok, &err) == BB_OK && ok;
	home_filter(h, tui_list_filter_text(&h->list));
}

/* The slug of the selected integration ("" when none). */
static void selected_slug(const home *h, char *out, size_t size)
{
	out[0] = '\0';
	if (h->nrows && h->list.sel < h->nrows)
		snprintf(out, size, "%s", h->items[h->rows[h->list.sel]].slug);
}

static void select_slug(home *h, const char *slug)
{
	for (size_t i = 0; slug[0] && i < h->nrows; i++)
		if (strcmp(h->items[h->rows[i]].slug, slug) == 0) {
			tui_list_select(&h->list, i);
			return;
		}
}

/* Reloads, keeping the selection on the same integration (by slug). */
static void home_refresh(tui_screen *s)
{
	home *h = SCR_STATE(home, s);
	char slug[256];

	selected_slug(h, slug, sizeof slug);
	scr_focus_take("integration", slug, sizeof slug); /* one just created */
	home_load(h);
	select_slug(h, slug);
}

static void home_row(void *arg, WINDOW *w, int y, int x, int width, size_t row, attr_t attr)
{
	home *h = arg;
	const bb_integration *it = &h->items[h->rows[row]];
	char labels[512], stacks[24], cred[48];
	const char *col[6];

	scr_join(&it->labels, labels, sizeof labels);
	snprintf(stacks, sizeof stacks, "%ld", it->stacks);
	col[0] = it->name, col[1] = it->type, col[2] = it->space;
	col[3] = labels, col[4] = stacks, col[5] = cred_status(it, cred, sizeof cred);
	tui_fill(w, y, x, width, attr);
	for (int i = 0, cx = x; i < 6 && cx < x + width; cx += h->cw[i] + 1, i++)
		tui_put(w, y, cx, h->cw[i], col[i], attr, true);
}

static void home_resize(tui_screen *s)
{
	home *h = SCR_STATE(home, s);
	tui_rect r = s->area;
	int rest = r.w - 7 - 6 - 13 - 5;

	if (rest < 12)
		rest = 12;
	h->cw[1] = 7, h->cw[4] = 6, h->cw[5] = 13;
	h->cw[0] = rest * 2 / 5;
	h->cw[2] = rest / 5;
	h->cw[3] = rest - h->cw[0] - h->cw[2];
	r.y++, r.h--;
	tui_list_layout(&h->list, r);
}

static void home_draw(tui_screen *s, WINDOW *w, bool full)
{
	home *h = SCR_STATE(home, s);

	if (full)
		scr_sort_header(w, s->area.y, s->area.x, s->area.w, head, h->cw, 6, &h->sort);
	tui_list_draw(&h->list, w, full, &h->cy, &h->cx);
}

static const bb_integration *selected(home *h)
{
	if (h->nrows == 0 || h->list.sel >= h->nrows)
		return NULL;
	return &h->items[h->rows[h->list.sel]];
}

static tui_ret home_action(home *h, int action)
{
	const bb_integration *it = selected(h);
	tui_screen *next = NULL;

	switch (action) {
	case SCR_SORT:
	case SCR_SORT_BACK: {
		char slug[256];

		selected_slug(h, slug, sizeof slug);
		scr_sort_key(&h->sort, action, 6);
		home_filter(h, tui_list_filter_text(&h->list));
		select_slug(h, slug);
		scr_sort_say(head, &h->sort);
		return (tui_ret){TUI_R_FULL, 0, NULL};
	}
	case SCR_NEW:
		next = wizard_new(NULL);
		break;
	case SCR_AUDIT:
		next = audit_new();
		break;
	case SCR_STACKS:
		next = stacks_new(NULL);
		break;
	case SCR_SPACES:
		next = spaces_new();
		break;
	case SCR_OPEN:
	case SCR_DELETE:
		if (!it) {
			tui_message("No integration selected; press n to create one.", true);
			return tui_redraw();
		}
		next = action == SCR_OPEN ? details_new(it->slug) : delete_new(it->slug, 1);
		break;
	default:
		return tui_unhandled();
	}
	tui_message(NULL, false);
	return next ? tui_push(next) : tui_redraw();
}

static tui_ret home_key(tui_screen *s, const tui_event *ev)
{
	home *h = SCR_STATE(home, s);
	enum tui_field_res r;

	if (!h->list.filtering && ev->action >= TUI_ACT_APP)
		return home_action(h, ev->action);
	r = tui_list_event(&h->list, ev);
	if (r != TUI_FIELD_IGNORED)
		return tui_redraw();
	return tui_unhandled();
}

/* What the user's roles let them do: n needs admin somewhere, d admin of the
 * selected integration's space, a admin of root. */
static bool home_allowed(tui_screen *s, int action, char *why, size_t size)
{
	home *h = SCR_STATE(home, s);
	const bb_integration *it = selected(h);
	bb_err err = {0};

	if (h->list.filtering)
		return true; /* letters are text */
	switch (action) {
	case SCR_NEW:
		if (!h->may_new && why)
			scr_role_reason(BB_ROLE_ADMIN, "Creating an integration", why, size);
		return h->may_new;
	case SCR_DELETE:
		return !it || scr_admin_of(it, "Deleting integration", why, size);
	case SCR_AUDIT:
		if (!h->may_audit && why) {
			space_need(scr_ctx(), BB_ROOT_SPACE, BB_ROLE_ADMIN, "Reading the audit log",
				   &err);
			snprintf(why, size, "%s", err.msg);
		}
		return h->may_audit;
	default:
		return true;
	}
}

static bool home_cursor(tui_screen *s, int *y, int *x)
{
	home *h = SCR_STATE(home, s);

	*y = h->cy, *x = h->cx;
	return h->list.filtering;
}

static void home_destroy(tui_screen *s)
{
	home *h = SCR_STATE(home, s);

	tui_list_destroy(&h->list);
	integration_list_free(h->items, h->n);
	free(h->rows);
	free(h);
}

static const tui_screen_ops home_ops = {
	.draw = home_draw,
	.key = home_key,
	.resize = home_resize,
	.destroy = home_destroy,
	.cursor = home_cursor,
	.allowed = home_allowed,
	.reload = home_refresh,
};

tui_screen *home_new(void)
{
	home *h = calloc(1, sizeof *h);

	if (!h)
		return NULL;
	if (tui_list_init(&h->list, 0, home_row, h) != 0) {
		free(h);
		return NULL;
	}
	h->list.filter = home_filter;
	h->list.empty_text = "No integrations yet. Press n to create one.";
	h->s.ops = &home_ops;
	h->s.keys = home_keys;
	h->s.title = "Bitbucket Cloud integrations";
	h->s.data = h;
	home_load(h);
	return &h->s;
}
