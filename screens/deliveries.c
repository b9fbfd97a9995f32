/* deliveries.c - the webhook deliveries of one integration, newest first,
 * with a filter; Enter opens one: its headers, outcome and the runs it
 * triggered. The list follows new deliveries on its own (the receiver is
 * another process): every DELIVERIES_POLL_MS it asks for the newest id and
 * reloads when it moved, keeping the selected delivery selected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "delivery.h"
#include "run.h"
#include "scr.h"

#define DELIVERIES_MAX 1000
#define DELIVERIES_POLL_MS 2000

typedef struct deliveries {
	tui_screen s;
	tui_list list;
	char slug[256];
	char title[300];
	bb_delivery *items;
	size_t n;
	size_t *rows;       /* indices into items that pass the filter */
	size_t nrows;
	long long newest;   /* id of the newest delivery loaded */
	bool denied;
	char why[BB_MSG_MAX];
	char now[BB_TIME_LEN];
	scr_sort sort;      /* newest first unless the user sorts otherwise */
	int event_w;        /* columns of the Event column */
	int cy, cx;
} deliveries;

const tui_keydef deliveries_keys[] = {
	{SCR_OPEN, {TUI_K_ENTER}, "open", "Show the selected delivery: headers, outcome, runs.",
	 true},
	{SCR_FILTER, {'/'}, "filter",
	 "Filter by event, repository, branch or outcome as you type; Esc clears it.", true},
	TUI_KEYS_INCLUDE(tui_list_keys),
	SCR_SORT_KEYS,
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back to the details.", true},
	SCR_RELOAD_KEYS,
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this screen.", true},
	{TUI_ACT_QUIT, {'q'}, "quit", "Quit the console.", true},
	{0},
};

static const char *const head[5] = {"Received", "Event", "Repository", "Ref", "Outcome"};

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* Branch or tag, or "PR #n" for pull-request events. */
static void ref_text(const bb_delivery *d, char *out, size_t size)
{
	if (d->pull_request)
		snprintf(out, size, "PR #%ld%s", d->pull_request, d->fork ? " (fork)" : "");
	else
		snprintf(out, size, "%s", or_dash(d->branch));
}

static bool matches(const bb_delivery *d, const char *f)
{
	char ref[96];

	ref_text(d, ref, sizeof ref);
	return !*f || (d->event && strcasestr(d->event, f)) ||
	       (d->repository && strcasestr(d->repository, f)) || strcasestr(ref, f) ||
	       (d->outcome && strcasestr(d->outcome, f));
}

static int deliveries_cmp(const void *a, const void *b, void *arg)
{
	const deliveries *l = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const bb_delivery *x = &l->items[i], *y = &l->items[j];
	char rx[96], ry[96];
	int c;

	switch (l->sort.col) {
	case 1: c = strcmp(or_dash(x->event), or_dash(y->event)); break;
	case 2: c = strcmp(or_dash(x->repository), or_dash(y->repository)); break;
	case 3:
		ref_text(x, rx, sizeof rx);
		ref_text(y, ry, sizeof ry);
		c = strcmp(rx, ry);
		break;
	case 4: c = strcmp(or_dash(x->outcome), or_dash(y->outcome)); break;
	default: c = (x->id > y->id) - (x->id < y->id); break;
	}
	if (l->sort.desc)
		c = -c;
	return c ? c : (i > j) - (i < j);
}

static void deliveries_filter(void *arg, const char *text)
{
	deliveries *l = arg;

	l->nrows = 0;
	for (size_t i = 0; i < l->n; i++)
		if (matches(&l->items[i], text))
			l->rows[l->nrows++] = i;
	qsort_r(l->rows, l->nrows, sizeof *l->rows, deliveries_cmp, l);
	l->list.empty_text = l->n ? "No delivery matches the filter; Esc clears it."
				  : "No deliveries yet. In Bitbucket, add the webhook (w on the "
				    "details) or use its Test connection, then look here again.";
	tui_list_set_count(&l->list, l->nrows);
	tui_list_invalidate(&l->list);
}

static long long selected_id(const deliveries *l)
{
	if (l->nrows == 0 || l->list.sel >= l->nrows)
		return 0;
	return l->items[l->rows[l->list.sel]].id;
}

/* Loads the deliveries again; the selection stays on the delivery it was on. */
/* The Event column: its header to "pullrequest:fulfilled" (21). */
static int event_width(const bb_delivery *v, size_t n)
{
	int w = 5;

	for (size_t i = 0; i < n; i++)
		if (v[i].event && tui_width(v[i].event) > w)
			w = tui_width(v[i].event);
	return w < 21 ? w : 21;
}

static void deliveries_load(deliveries *l)
{
	long long keep = selected_id(l);
	bb_delivery *v = NULL;
	size_t n = 0;
	bb_err err = {0};

	if (delivery_list(scr_ctx(), l->slug, DELIVERIES_MAX, &v, &n, &err) != BB_OK) {
		l->denied = true;
		snprintf(l->why, sizeof l->why, "%s", err.msg);
		v = NULL, n = 0;
	}
	delivery_list_free(l->items, l->n);
	free(l->rows);
	l->items = v, l->n = n;
	l->rows = calloc(n ? n : 1, sizeof *l->rows);
	l->newest = n ? v[0].id : 0;
	l->event_w = event_width(v, n);
	util_now(l->now);
	deliveries_filter(l, tui_list_filter_text(&l->list));
	for (size_t r = 0; keep && r < l->nrows; r++)
		if (l->items[l->rows[r]].id == keep)
			tui_list_select(&l->list, r);
}

/* Received is fixed ("12 min ago"), Event as wide as the longest loaded
 * (l->event_w); repository and outcome share the rest, the ref less. */
static void col_widths(const deliveries *l, int width, int cw[5])
{
	int rest = width - 11 - l->event_w - 4;

	cw[0] = 11, cw[1] = l->event_w;
	if (rest < 24)
		rest = 24;
	cw[2] = rest * 40 / 100;
	cw[3] = rest * 20 / 100;
	cw[4] = rest - cw[2] - cw[3];
}


static void deliveries_row(void *arg, WINDOW *w, int y, int x, int width, size_t row,
			   attr_t attr)
{
	deliveries *l = arg;
	const bb_delivery *d = &l->items[l->rows[row]];
	char ago[32], ref[96];
	const char *col[5];
	int cw[5];

	col_widths(l, width, cw);
	util_ago(d->received_at, l->now, ago, sizeof ago);
	ref_text(d, ref, sizeof ref);
	col[0] = ago, col[1] = or_dash(d->event), col[2] = or_dash(d->repository);
	col[3] = ref, col[4] = or_dash(d->outcome);
	tui_fill(w, y, x, width, attr);
	for (int i = 0, cx = x; i < 5 && cx < x + width; cx += cw[i] + 1, i++) {
		attr_t a = attr;

		if (i == 4 && strncmp(col[4], "rejected", 8) == 0)
			a |= tui_attr(TUI_ERROR);
		tui_put(w, y, cx, cw[i] < x + width - cx ? cw[i] : x + width - cx, col[i], a, true);
	}
}

static void deliveries_resize(tui_screen *s)
{
	deliveries *l = SCR_STATE(deliveries, s);
	tui_rect r = s->area;

	r.y++, r.h--;
	tui_list_layout(&l->list, r);
}

static void deliveries_draw(tui_screen *s, WINDOW *w, bool full)
{
	deliveries *l = SCR_STATE(deliveries, s);
	tui_rect a = s->area;
	int cw[5];

	if (l->denied) {
		for (int r = 0; r < a.h; r++)
			tui_fill(w, a.y + r, a.x, a.w, 0);
		scr_wrap(w, a.y + 1, a.x + 2, a.w - 4, 4, l->why, tui_attr(TUI_ERROR));
		return;
	}
	/* each time: a reload may have changed the Event column's width */
	col_widths(l, a.w, cw);
	scr_sort_header(w, a.y, a.x, a.w, head, cw, 5, &l->sort);
	tui_list_draw(&l->list, w, full, &l->cy, &l->cx);
}

/* Every DELIVERIES_POLL_MS: reload when a newer delivery arrived, and let the
 * "ago" column move on. */
static tui_ret deliveries_tick(tui_screen *s)
{
	deliveries *l = SCR_STATE(deliveries, s);
	bb_delivery last = {0};
	bb_err err = {0};
	int found = 0;

	if (l->denied)
		return tui_handled();
	if (delivery_last(scr_ctx(), l->slug, &last, &found, &err) == BB_OK &&
	    (found ? last.id : 0) != l->newest)
		deliveries_load(l);
	else
		util_now(l->now);
	delivery_free(&last);
	tui_list_invalidate(&l->list);
	return tui_redraw();
}

static tui_ret deliveries_key(tui_screen *s, const tui_event *ev)
{
	deliveries *l = SCR_STATE(deliveries, s);
	tui_screen *next;
	long long id;

	if (l->denied)
		return tui_unhandled();
	if (!l->list.filtering && (ev->action == SCR_SORT || ev->action == SCR_SORT_BACK)) {
		id = selected_id(l);
		scr_sort_key(&l->sort, ev->action, 5);
		deliveries_filter(l, tui_list_filter_text(&l->list));
		for (size_t r = 0; id && r < l->nrows; r++)
			if (l->items[l->rows[r]].id == id)
				tui_list_select(&l->list, r);
		scr_sort_say(head, &l->sort);
		return (tui_ret){TUI_R_FULL, 0, NULL};
	}
	if (!l->list.filtering && ev->action == SCR_OPEN) {
		if (!(id = selected_id(l))) {
			tui_message("No delivery selected.", true);
			return tui_redraw();
		}
		next = deliveries_view_new(id);
		return next ? tui_push(next) : tui_redraw();
	}
	if (tui_list_event(&l->list, ev) != TUI_FIELD_IGNORED)
		return tui_redraw();
	return tui_unhandled();
}

static bool deliveries_cursor(tui_screen *s, int *y, int *x)
{
	deliveries *l = SCR_STATE(deliveries, s);

	*y = l->cy, *x = l->cx;
	return l->list.filtering;
}

static void deliveries_destroy(tui_screen *s)
{
	deliveries *l = SCR_STATE(deliveries, s);

	tui_list_destroy(&l->list);
	delivery_list_free(l->items, l->n);
	free(l->rows);
	free(l);
}

static void deliveries_reload(tui_screen *s)
{
	deliveries_load(SCR_STATE(deliveries, s));
}

static const tui_screen_ops deliveries_ops = {
	.reload = deliveries_reload,
	.draw = deliveries_draw,
	.key = deliveries_key,
	.resize = deliveries_resize,
	.destroy = deliveries_destroy,
	.tick = deliveries_tick,
	.cursor = deliveries_cursor,
};

tui_screen *deliveries_new(const char *slug, const char *name)
{
	deliveries *l = calloc(1, sizeof *l);

	if (!l)
		return NULL;
	if (tui_list_init(&l->list, 0, deliveries_row, l) != 0) {
		free(l);
		return NULL;
	}
	snprintf(l->slug, sizeof l->slug, "%s", slug);
	snprintf(l->title, sizeof l->title, "Deliveries: %s (newest first)", name ? name : slug);
	l->list.filter = deliveries_filter;
	l->sort = (scr_sort){0, true};
	l->s.ops = &deliveries_ops;
	l->s.keys = deliveries_keys;
	l->s.title = l->title;
	l->s.data = l;
	l->s.tick_ms = DELIVERIES_POLL_MS;
	deliveries_load(l);
	return &l->s;
}

/* ---- one delivery --------------------------------------------------------------- */

/* A row of the text: a label and its value, a text across the whole width
 * (label NULL) or a gap (text NULL too). */
typedef struct view_item {
	char *label, *text;
} view_item;

typedef struct delivery_view {
	tui_screen s;
	tui_pager pager;    /* wraps long values, scrolls and searches */
	view_item *items;
	size_t n, cap;
	bool oom;
	int cy, cx;
	char title[96];
} delivery_view;

const tui_keydef deliveries_view_keys[] = {
	{TUI_ACT_SEARCH, {'/'}, "search",
	 "Search the delivery: type a word, Enter keeps it, Esc clears it.", true},
	{TUI_ACT_SEARCH_NEXT, {'n'}, "next", "Go to the next row that matches the search.", false},
	{TUI_ACT_SEARCH_PREV, {'N'}, "previous", "Go to the previous row that matches the search.",
	 false},
	TUI_KEYS_INCLUDE(tui_scroll_keys),
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back to the deliveries.", true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this screen.", true},
	{TUI_ACT_QUIT, {'q'}, "quit", "Quit the console.", false},
	{0},
};

static void view_item_add(delivery_view *v, const char *label, const char *text)
{
	view_item it = {label ? strdup(label) : NULL, text ? strdup(text) : NULL};

	if ((label && !it.label) || (text && !it.text) ||
	    db_grow((void **)&v->items, &v->cap, v->n, sizeof *v->items) != 0) {
		free(it.label), free(it.text);
		v->oom = true;
		return;
	}
	v->items[v->n++] = it;
}

static void view_line(delivery_view *v, const char *label, const char *value)
{
	view_item_add(v, label, or_dash(value));
}

static void view_headers(delivery_view *v, const char *json)
{
	cJSON *h = json ? cJSON_Parse(json) : NULL;
	const cJSON *e;
	char buf[1024];

	view_item_add(v, NULL, NULL);
	view_item_add(v, NULL, "Headers (X-Hub-Signature is never kept)");
	cJSON_ArrayForEach(e, h) {
		snprintf(buf, sizeof buf, "  %s: %s", e->string,
			 cJSON_IsString(e) ? e->valuestring : "?");
		view_item_add(v, NULL, buf);
	}
	if (!h || !h->child)
		view_item_add(v, NULL, "  (none recorded)");
	cJSON_Delete(h);
}

static void view_runs(delivery_view *v, const bb_delivery *d)
{
	char buf[256];

	view_item_add(v, NULL, NULL);
	snprintf(buf, sizeof buf, "Runs triggered: %zu%s", d->runs.n,
		 d->runs.n ? "" : " (tags, deleted branches, other events, duplicates and "
				  "repositories no stack tracks trigger none)");
	view_item_add(v, NULL, buf);
	for (size_t i = 0; i < d->runs.n; i++) {
		snprintf(buf, sizeof buf, "  %s", d->runs.v[i]);
		view_item_add(v, NULL, buf);
	}
}

static void view_fill(delivery_view *v, const bb_delivery *d, size_t body_len)
{
	char buf[256], t[40];

	scr_local_time(d->received_at, t, sizeof t);
	view_line(v, "Received", t);
	view_line(v, "Event", d->event);
	view_line(v, "Repository", d->repository);
	ref_text(d, buf, sizeof buf);
	view_line(v, d->pull_request ? "Pull request" : "Branch/tag", buf);
	view_line(v, "Commit", d->commit);
	snprintf(buf, sizeof buf, "%s%s", or_dash(d->signature),
		 d->signature && strcmp(d->signature, "previous") == 0
			 ? " (the secret before the last rotation, within its grace period)"
		 : d->signature && strcmp(d->signature, "bad") == 0
			 ? " (the secret in Bitbucket differs: paste it again or rotate)"
			 : "");
	view_line(v, "Signature", buf);
	view_line(v, "Outcome", d->outcome);
	snprintf(buf, sizeof buf, "%d in %ld ms", d->status, d->ms);
	view_line(v, "Answered", buf);
	/* Bitbucket counts its attempts from 1; 0 is a sender without the header */
	snprintf(buf, sizeof buf, "%ld", d->attempt);
	view_line(v, "Attempt", d->attempt > 0 ? buf : NULL);
	view_line(v, "Request UUID", d->request_uuid);
	view_line(v, "Hook UUID", d->hook_uuid);
	if (body_len)
		snprintf(buf, sizeof buf, "%zu bytes, kept", body_len);
	else
		snprintf(buf, sizeof buf, "not kept (only accepted deliveries, within retention)");
	view_line(v, "Body", buf);
	view_runs(v, d);
	view_headers(v, d->headers);
}

static void view_draw(tui_screen *s, WINDOW *w, bool full)
{
	delivery_view *v = SCR_STATE(delivery_view, s);
	tui_rect a = s->area;

	(void)full;
	for (int r = 0; r < a.h; r++)
		tui_fill(w, a.y + r, a.x, a.w, 0);
	tui_pager_begin(&v->pager, a.w - 4, 14);
	for (size_t i = 0; i < v->n; i++) {
		const view_item *it = &v->items[i];

		if (!it->text)
			tui_pager_gap(&v->pager);
		else if (!it->label)
			tui_pager_add_wide(&v->pager, it->text, 0);
		else
			tui_pager_add(&v->pager, it->label, it->text, 0);
	}
	tui_pager_draw(&v->pager, w, (tui_rect){a.y, a.x + 2, a.h, a.w - 4}, &v->cy, &v->cx);
}

static tui_ret view_key(tui_screen *s, const tui_event *ev)
{
	return tui_pager_key(&SCR_STATE(delivery_view, s)->pager, ev);
}

static bool view_cursor(tui_screen *s, int *y, int *x)
{
	delivery_view *v = SCR_STATE(delivery_view, s);

	*y = v->cy, *x = v->cx;
	return v->pager.searching;
}

static void view_destroy(tui_screen *s)
{
	delivery_view *v = SCR_STATE(delivery_view, s);

	for (size_t i = 0; i < v->n; i++)
		free(v->items[i].label), free(v->items[i].text);
	free(v->items);
	tui_pager_destroy(&v->pager);
	free(v);
}

static const tui_screen_ops view_ops = {
	.draw = view_draw,
	.key = view_key,
	.cursor = view_cursor,
	.destroy = view_destroy,
};

tui_screen *deliveries_view_new(long long id)
{
	delivery_view *v = calloc(1, sizeof *v);
	bb_delivery d = {0};
	bb_err err = {0};
	char *body = NULL;
	size_t body_len = 0;

	if (!v || tui_pager_init(&v->pager) != 0) {
		free(v);
		return NULL;
	}
	v->s.ops = &view_ops; /* view_destroy frees what is made from here on */
	v->s.data = v;
	if (delivery_get(scr_ctx(), id, &d, &body, &body_len, &err) != BB_OK) {
		scr_error(&err);
		view_destroy(&v->s);
		return NULL;
	}
	free(body); /* only its size is shown */
	view_fill(v, &d, body_len);
	snprintf(v->title, sizeof v->title, "Delivery %lld: %s", d.id, or_dash(d.event));
	delivery_free(&d);
	if (v->oom) {
		view_destroy(&v->s);
		return NULL;
	}
	v->s.keys = deliveries_view_keys;
	v->s.title = v->title;
	return &v->s;
}
