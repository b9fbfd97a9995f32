/* repo_picker.c - the repositories an integration can read: the cached list
 * at once, refreshed by a discovery job in the background (its progress
 * shown), filtered as the user types, and a typed workspace/slug accepted
 * when discovery is unavailable or fails. Esc cancels the job. The job runs
 * on the console's one client (verify_client); core reads and decrypts
 * the credentials (remote.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitbucket.h"
#include "integration.h"
#include "remote.h"
#include "scr.h"
#include "stacks.h"
#include "verify.h"

#define STATUS_ROWS 3                   /* a failure sentence wraps */
#define HEAD_ROWS (STATUS_ROWS + 2)     /* filter, status, column heads */

typedef struct picker {
	tui_screen s;
	bb_ctx *ctx;
	char slug[256];
	char title[320];
	repo_pick_fn pick;
	void *arg;
	bb_repo_list repos;
	size_t *rows;            /* indices of repos that pass the filter */
	size_t nrows;
	tui_field filter;
	tui_list list;
	bb_client *client;       /* the console's, while job runs */
	bb_job_id job;
	bool orphan;             /* destroyed while job runs: on_done frees it */
	char status[BB_MSG_MAX + 128];
	bool failed;             /* status is a failure sentence */
	int cy, cx;
} picker;

const tui_keydef repo_picker_keys[] = {
	{SCR_OPEN, {TUI_K_ENTER}, "pick",
	 "Pick the selected repository; when none matches, use the typed workspace/slug.", true},
	{TUI_ACT_DOWN, {TUI_K_DOWN}, "move", "Move in the list; typing filters it.", true},
	TUI_KEYS_INCLUDE(tui_list_arrow_keys),
	{TUI_ACT_BACK, {TUI_K_ESC}, "cancel", "Stop loading and go back without picking.", true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of the picker.", true},
	TUI_KEYS_INCLUDE(tui_field_keys),
	{0},
};

/* ---- the filtered rows ---------------------------------------------------------- */

static void refilter(picker *p)
{
	const char *t = tui_field_value(&p->filter);
	size_t *v = realloc(p->rows, (p->repos.n ? p->repos.n : 1) * sizeof *v);

	if (!v)
		return;
	p->rows = v;
	p->nrows = 0;
	for (size_t i = 0; i < p->repos.n; i++)
		if (!*t || strcasestr(p->repos.v[i].full_name, t) ||
		    (p->repos.v[i].name && strcasestr(p->repos.v[i].name, t)))
			p->rows[p->nrows++] = i;
	p->list.empty_text = p->repos.n ? "No repository matches; Enter uses the typed "
				 "workspace/slug as it is." : "No repositories known; type "
				 "workspace/slug and press Enter.";
	tui_list_set_count(&p->list, p->nrows);
	tui_list_invalidate(&p->list);
}

static void set_repos(picker *p, bb_repo_list *l)
{
	bitbucket_repos_free(&p->repos);
	p->repos = *l;
	memset(l, 0, sizeof *l);
	refilter(p);
}

static void picker_row(void *arg, WINDOW *w, int y, int x, int width, size_t row, attr_t attr)
{
	picker *p = arg;
	const bb_repo *r = &p->repos.v[p->rows[row]];
	int nw = width * 3 / 5;

	tui_fill(w, y, x, width, attr);
	tui_put(w, y, x, nw, r->full_name, attr, true);
	tui_put(w, y, x + nw + 1, width - nw - 1, r->mainbranch ? r->mainbranch : "",
		attr | tui_attr(TUI_MUTED), true);
}

/* ---- discovery -------------------------------------------------------------------- */

static void picker_free(picker *p);

static void on_progress(void *user, const bb_progress *pr)
{
	picker *p = user;

	if (p->orphan)
		return;
	snprintf(p->status, sizeof p->status, "loading: %ld of %ld pages, %ld repositories",
		 pr->pages_done, pr->pages_total, pr->repos);
	p->failed = false;
}

static void on_done(void *user, bb_job_result *r)
{
	picker *p = user;
	char now[BB_TIME_LEN];
	bb_err err = {0};

	p->job = 0;
	if (p->orphan) {
		picker_free(p);
		return;
	}
	if (r->cancelled)
		return;
	if (r->code != BB_OK) {
		snprintf(p->status, sizeof p->status, "%s Type workspace/slug to use a repository "
			 "anyway.", r->msg);
		p->failed = true;
		return;
	}
	util_now(now);
	if (bitbucket_cache_store(p->ctx->db, p->slug, &r->repos, now, &err) != BB_OK)
		scr_error(&err);
	if (r->warnings.n) /* the first refusal; the count says there are more */
		snprintf(p->status, sizeof p->status, "%zu repositories; %zu warning%s: %s%s%s",
			 r->repos.n, r->warnings.n, r->warnings.n == 1 ? "" : "s",
			 r->warnings.v[0].workspace ? r->warnings.v[0].workspace : "",
			 r->warnings.v[0].workspace ? ": " : "", r->warnings.v[0].msg);
	else
		snprintf(p->status, sizeof p->status, "%zu repositories, up to date.", r->repos.n);
	p->failed = false;
	set_repos(p, &r->repos);
}

static void unavailable(picker *p, const bb_err *err)
{
	snprintf(p->status, sizeof p->status, "Discovery is unavailable: %s Type workspace/slug "
		 "to use a repository anyway.", err->msg);
	p->failed = true;
}

/* Starts discovery with the integration's stored credentials. */
static void discover(picker *p)
{
	bb_err err = {0};

	if (!(p->client = verify_client(&err)) ||
	    !(p->job = remote_discover_start(p->ctx, p->client, p->slug, NULL, on_progress,
					     on_done, p, &err)))
		unavailable(p, &err);
}

static void load_cache(picker *p)
{
	bb_repo_list l = {0};
	char at[BB_TIME_LEN], when[40];
	bb_err err = {0};

	/* the cache is what the token reads: the same right as the token itself */
	if (integration_may_use(p->ctx, p->slug, &err) != BB_OK) {
		unavailable(p, &err);
		return;
	}
	if (bitbucket_cache_load(p->ctx->db, p->slug, NULL, &l, at, &err) != BB_OK || !at[0]) {
		bitbucket_repos_free(&l);
		snprintf(p->status, sizeof p->status, "loading the repositories...");
		return;
	}
	scr_short_time(at, when, sizeof when);
	snprintf(p->status, sizeof p->status, "%zu repositories cached %s; refreshing...", l.n,
		 when);
	set_repos(p, &l);
}

/* ---- the screen -------------------------------------------------------------------- */

static void picker_resize(tui_screen *s)
{
	picker *p = SCR_STATE(picker, s);
	tui_rect r = s->area;

	r.y += HEAD_ROWS, r.h -= HEAD_ROWS;
	r.x += 1, r.w -= 2;
	tui_list_layout(&p->list, r);
}

static void picker_draw(tui_screen *s, WINDOW *w, bool full)
{
	picker *p = SCR_STATE(picker, s);
	tui_rect a = s->area;
	int x = a.x + 1, width = a.w - 2, cy, cx;

	for (int r = 0; r < HEAD_ROWS; r++)
		tui_fill(w, a.y + r, a.x, a.w, 0);
	tui_put(w, a.y, x, 8, "Filter:", A_BOLD, true);
	tui_field_draw(&p->filter, w, a.y, x + 8, width - 8, true, &cy, &cx);
	scr_wrap(w, a.y + 1, x, width, STATUS_ROWS, p->status,
		 tui_attr(p->failed ? TUI_ERROR : TUI_MUTED));
	tui_fill(w, a.y + HEAD_ROWS - 1, a.x, a.w, tui_attr(TUI_MUTED));
	tui_put(w, a.y + HEAD_ROWS - 1, x, width * 3 / 5, "Repository", tui_attr(TUI_MUTED) | A_BOLD,
		true);
	tui_put(w, a.y + HEAD_ROWS - 1, x + width * 3 / 5 + 1, width - width * 3 / 5 - 1, "Main branch",
		tui_attr(TUI_MUTED) | A_BOLD, true);
	tui_list_draw(&p->list, w, full, NULL, NULL);
	p->cy = cy, p->cx = cx;
}

/* A typed "workspace/slug": one '/', something on both sides, no spaces. */
static bool looks_like_repo(const char *t)
{
	const char *slash = strchr(t, '/');

	return slash && slash != t && slash[1] && !strchr(slash + 1, '/') && !strchr(t, ' ');
}

static tui_ret picker_choose(picker *p)
{
	const char *t = tui_field_value(&p->filter);
	const bb_repo *r;

	if (p->nrows > 0) {
		r = &p->repos.v[p->rows[p->list.sel]];
		p->pick(p->arg, r->full_name, r->mainbranch);
	} else if (looks_like_repo(t)) {
		p->pick(p->arg, t, NULL);
	} else {
		tui_message("Type a repository as workspace/slug, or clear the filter to see the "
			    "list.", true);
		return tui_redraw();
	}
	tui_message(NULL, false);
	return tui_pop();
}

static tui_ret picker_key(tui_screen *s, const tui_event *ev)
{
	picker *p = SCR_STATE(picker, s);

	switch (ev->action) {
	case SCR_OPEN:
		return picker_choose(p);
	case TUI_ACT_BACK: case TUI_ACT_HELP:
		return tui_unhandled();
	case TUI_ACT_UP: case TUI_ACT_DOWN: case TUI_ACT_PGUP: case TUI_ACT_PGDN:
		tui_list_event(&p->list, ev);
		return tui_redraw();
	default:
		break;
	}
	if (tui_field_event(&p->filter, ev) == TUI_FIELD_CHANGED)
		refilter(p);
	return tui_redraw();
}

static bool picker_cursor(tui_screen *s, int *y, int *x)
{
	picker *p = SCR_STATE(picker, s);

	*y = p->cy, *x = p->cx;
	return true;
}

static void picker_free(picker *p)
{
	bitbucket_repos_free(&p->repos);
	free(p->rows);
	tui_field_destroy(&p->filter);
	tui_list_destroy(&p->list);
	free(p);
}

static void picker_destroy(tui_screen *s)
{
	picker *p = SCR_STATE(picker, s);

	/* the shared client outlives the screen: its callbacks must not find it */
	if (p->job && bitbucket_job_forget(p->client, p->job) != 0) {
		p->orphan = true;
		return;
	}
	picker_free(p);
}

static const tui_screen_ops picker_ops = {
	.draw = picker_draw,
	.key = picker_key,
	.resize = picker_resize,
	.destroy = picker_destroy,
	.cursor = picker_cursor,
};

tui_screen *repo_picker_new(const char *integration_slug, const char *typed, repo_pick_fn pick,
			    void *arg)
{
	picker *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	if (tui_field_init(&p->filter, 0) || tui_list_init(&p->list, 0, picker_row, p) ||
	    tui_field_set(&p->filter, typed ? typed : "")) {
		tui_field_destroy(&p->filter);
		free(p);
		return NULL;
	}
	p->ctx = scr_ctx();
	p->pick = pick;
	p->arg = arg;
	snprintf(p->slug, sizeof p->slug, "%s", integration_slug);
	snprintf(p->title, sizeof p->title, "Repositories readable by %s", integration_slug);
	p->s.ops = &picker_ops;
	p->s.keys = repo_picker_keys;
	p->s.title = p->title;
	p->s.data = p;
	load_cache(p);
	refilter(p);
	if (!p->failed)
		discover(p);
	return &p->s;
}
