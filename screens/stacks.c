/* stacks.c - the list of stacks and modules: a virtual list paged from core
 * (a count plus the window of rows being drawn, so 100,000 rows open at
 * once), the filter text searched per keystroke in core's in-memory index
 * (built when / is pressed), a detached-only toggle,
 * marks for setting one integration on many stacks, a details panel with
 * the recent runs, and T to trigger a tracked run in the background. */
#include "stacks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hooks.h"
#include "run.h"
#include "scr.h"
#include "space.h"
#include "stack.h"
#include "stacks_priv.h"
#include "validate.h"
#include "verify.h"

#define PAGE 64
#define NCOLS 7
/* The last-run column shows from this width on (the others need the room below). */
#define LAST_RUN_MIN_COLS 100

enum {
	ACT_MARK = SCR_MARK,
	ACT_DETACHED = SCR_DETACHED,
	ACT_INTEGRATION = SCR_INTEGRATION,
	ACT_TRIGGER = SCR_TRIGGER
};

typedef struct srow {
	char *kind, *name, *space, *integration, *repo, *branch, *root, *detached, *created;
	char *last_run; /* "tracked queued", or NULL when it has had none */
} srow;

typedef struct spage {
	srow rows[PAGE];
	size_t base, n;
	bool valid;
	unsigned used; /* for replacing the least recently used page */
} spage;

typedef struct stacks {
	tui_screen s;
	bb_ctx *ctx;
	char slug[256];     /* "" = every integration */
	char title[320];
	tui_list list;
	char *text;         /* the filter text, or NULL */
	bb_stack_index *ix; /* for filtering by text in memory, or NULL */
	unsigned ix_gen;    /* scr_generation() when ix was built */
	bool detached_only;
	scr_sort sort;      /* by kind, name, space, integration, repository or branch */
	long count;
	spage pages[2];
	unsigned clock;
	stacks_target *marks;
	size_t nmarks;
	int cw[NCOLS];
	int cy, cx;
	verify_state trig;  /* the branch-head lookup of a run being triggered */
	char trig_name[256];
	bb_strlist broken;  /* "integration\trepository" with no working webhook */
	stacks_target doomed; /* the stack the delete dialog asks about */
	bool may_admin, may_write; /* the user's roles somewhere, when opened */
} stacks;

const tui_keydef stacks_keys[] = {
	{SCR_OPEN, {TUI_K_ENTER}, "details", "Show every field of the selected stack or module.", true},
	{SCR_EDIT, {'e'}, "edit",
	 "Change the repository, branch or project root of the selected one (admins of its space).",
	 true},
	{SCR_DELETE, {'d'}, "delete",
	 "Delete the selected stack or module and its runs (asks first; admins of its space).", true},
	{SCR_NEW, {'n'}, "new", "Create a stack or module (admins of a space).", true},
	{ACT_INTEGRATION, {'i'}, "integration",
	 "Set the integration of the marked stacks, or of the selected one.", true},
	{SCR_FILTER, {'/'}, "filter",
	 "Filter by name, space, repository or integration as you type; Esc clears it.", true},
	{ACT_TRIGGER, {'T'}, "trigger",
	 "Trigger a tracked run of the selected stack or module at its branch's head.", true},
	{ACT_MARK, {' '}, "mark", "Mark or unmark the selected row for setting an integration.", true},
	{ACT_DETACHED, {'D'}, "detached", "Show only detached stacks and modules, or all again.", true},
	TUI_KEYS_INCLUDE(tui_list_keys),
	SCR_SORT_KEYS,
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back.", true},
	SCR_RELOAD_KEYS,
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this screen.", true},
	{TUI_ACT_QUIT, {'q'}, "quit", "Quit the console.", true},
	{0},
};

static const char *const head[NCOLS] = {"Kind", "Name", "Space", "Integration", "Repository",
					"Branch", "Last run"};

/* ---- the page cache ----------------------------------------------------------- */

static void page_clear(spage *p)
{
	for (size_t i = 0; i < p->n; i++) {
		srow *r = &p->rows[i];

		free(r->kind), free(r->name), free(r->space), free(r->integration);
		free(r->repo), free(r->branch), free(r->root), free(r->detached);
		free(r->created), free(r->last_run);
	}
	p->n = 0;
	p->valid = false;
}

static void pages_invalidate(stacks *st)
{
	page_clear(&st->pages[0]);
	page_clear(&st->pages[1]);
	tui_list_invalidate(&st->list);
}

static int page_add(const bb_stack *s, void *arg)
{
	spage *p = arg;
	srow *r = &p->rows[p->n++];

	r->kind = util_strdup(s->kind), r->name = util_strdup(s->name);
	r->space = util_strdup(s->space), r->integration = util_strdup(s->integration);
	r->repo = util_strdup(s->repository), r->branch = util_strdup(s->branch);
	r->root = util_strdup(s->project_root), r->detached = util_strdup(s->detached_from);
	r->created = util_strdup(s->created_at);
	r->last_run = NULL;
	return p->n >= PAGE;
}

/* The newest run of each row of a page just loaded ("tracked queued"). */
static void page_runs(stacks *st, spage *p)
{
	for (size_t i = 0; i < p->n; i++) {
		srow *r = &p->rows[i];
		bb_run run = {0};
		bb_err err = {0};
		char text[64];
		int found = 0;

		if (run_last(st->ctx, r->kind, r->name, &run, &found, &err) == BB_OK && found) {
			snprintf(text, sizeof text, "%s %s", run.type, run.state);
			r->last_run = util_strdup(text);
		}
		run_free(&run);
	}
}

static void filter_of(const stacks *st, bb_stack_filter *f)
{
	memset(f, 0, sizeof *f);
	f->detached_only = st->detached_only;
	f->integration = st->slug[0] ? st->slug : NULL;
	f->text = st->text;
	f->order = st->sort.col;
	f->desc = st->sort.desc;
}

/* The slot holding the page that starts at base, or -1. */
static int page_slot(const stacks *st, size_t base)
{
	for (int i = 0; i < 2; i++)
		if (st->pages[i].valid && st->pages[i].base == base)
			return i;
	return -1;
}

/* The row when its page is loaded (drawing never loads: prefetch does). */
static const srow *row_at(stacks *st, size_t row)
{
	int i = page_slot(st, row - row % PAGE);
	spage *p = i >= 0 ? &st->pages[i] : NULL;

	if (!p || row >= p->base + p->n)
		return NULL;
	p->used = ++st->clock;
	return &p->rows[row - p->base];
}

static void page_load(stacks *st, spage *p, size_t base)
{
	bb_stack_filter f;
	bb_err err = {0};

	page_clear(p);
	filter_of(st, &f);
	f.offset = (long)base;
	f.limit = PAGE;
	p->base = base;
	if (st->text && st->ix ? stack_index_each(st->ctx, st->ix, f.offset, f.limit, page_add,
						p, &err) != BB_OK
	    : stack_each(st->ctx, &f, page_add, p, &err) != BB_OK)
		scr_error(&err);
	page_runs(st, p);
	p->valid = true;
	p->used = ++st->clock;
}

/* Loads the pages of the rows in view (at most two), after every change of
 * the rows, the scroll position or the layout, so that draw finds them. */
static void prefetch(stacks *st)
{
	int rows = tui_list_visible_rows(&st->list);
	size_t first = st->list.top, last, need[2];

	if (st->count <= 0 || rows <= 0)
		return;
	last = first + (size_t)rows - 1;
	if (last >= (size_t)st->count)
		last = (size_t)st->count - 1;
	need[0] = first - first % PAGE;
	need[1] = last - last % PAGE;
	for (int k = 0; k < 2; k++) {
		int other = page_slot(st, need[1 - k]);

		if (page_slot(st, need[k]) >= 0)
			continue;
		/* never evict the other page in view */
		if (other >= 0 && need[0] != need[1])
			page_load(st, &st->pages[1 - other], need[k]);
		else
			page_load(st, st->pages[0].used <= st->pages[1].used ? &st->pages[0]
				  : &st->pages[1], need[k]);
	}
}

/* The search index, built when filtering by text starts and again after
 * the data changed; without it (out of memory) core filters instead. */
static void index_ready(stacks *st)
{
	bb_stack_filter f;
	bb_err err = {0};

	if (st->ix && st->ix_gen == scr_generation())
		return;
	stack_index_free(st->ix);
	st->ix = NULL;
	filter_of(st, &f);
	if (stack_index_build(st->ctx, &f, &st->ix, &err) != BB_OK)
		scr_error(&err);
	st->ix_gen = scr_generation();
}

/* The last webhook checks, read with the list (never per row drawn). */
static void hooks_load_broken(stacks *st)
{
	bb_err err = {0};

	strlist_free(&st->broken);
	if (hooks_broken(st->ctx, &st->broken, &err) != BB_OK)
		strlist_free(&st->broken);
}

static bool hook_broken(const stacks *st, const srow *r)
{
	char key[600];

	if (!st->broken.n || !r->integration || !r->repo)
		return false;
	snprintf(key, sizeof key, "%s\t%s", r->integration, r->repo);
	return strlist_contains(&st->broken, key);
}

static void recount(stacks *st)
{
	bb_stack_filter f;
	bb_err err = {0};

	filter_of(st, &f);
	if (st->text)
		index_ready(st);
	if (st->text && st->ix) {
		st->count = stack_index_select(st->ix, st->text, st->detached_only);
	} else if (stack_count(st->ctx, &f, &st->count, &err) != BB_OK) {
		scr_error(&err);
		st->count = 0;
	}
	pages_invalidate(st);
	hooks_load_broken(st);
	if (st->text || st->detached_only)
		st->list.empty_text = "Nothing matches; Esc clears the filter, D shows all again.";
	else
		st->list.empty_text = "No stacks or modules yet. Press n to create one.";
	tui_list_set_count(&st->list, (size_t)st->count);
	prefetch(st);
}

static void stacks_filter(void *arg, const char *text)
{
	stacks *st = arg;

	free(st->text);
	st->text = text && *text ? strdup(text) : NULL;
	recount(st);
}

/* ---- marks ---------------------------------------------------------------------- */

static long mark_find(const stacks *st, const char *kind, const char *name)
{
	for (size_t i = 0; i < st->nmarks; i++)
		if (!strcmp(st->marks[i].kind, kind) && !strcmp(st->marks[i].name, name))
			return (long)i;
	return -1;
}

static void marks_clear(stacks *st)
{
	stacks_targets_free(st->marks, st->nmarks);
	st->marks = NULL;
	st->nmarks = 0;
}

static void mark_toggle(stacks *st, const srow *r)
{
	long i = mark_find(st, r->kind, r->name);
	stacks_target *v;

	if (i >= 0) {
		stacks_target_clear(&st->marks[i]);
		st->marks[i] = st->marks[--st->nmarks];
		return;
	}
	if (!(v = realloc(st->marks, (st->nmarks + 1) * sizeof *v)))
		return;
	st->marks = v;
	if (stacks_target_set(&v[st->nmarks], r->kind, r->name, r->space, r->detached) == 0)
		st->nmarks++;
}

/* ---- drawing -------------------------------------------------------------------- */

/* "detached (was Prod BB)" or the slug. */
static void integration_text(const srow *r, char *out, size_t size)
{
	if (r->integration)
		snprintf(out, size, "%s", r->integration);
	else
		snprintf(out, size, "detached (was %s)", r->detached ? r->detached : "?");
}

static void stacks_row(void *arg, WINDOW *w, int y, int x, int width, size_t row, attr_t attr)
{
	stacks *st = arg;
	const srow *r = row_at(st, row);
	char integ[300];
	const char *col[NCOLS];
	int cx = x + 2;

	tui_fill(w, y, x, width, attr);
	if (!r)
		return;
	tui_put(w, y, x, 2, mark_find(st, r->kind, r->name) >= 0 ? "*" : "", attr | A_BOLD, true);
	if (hook_broken(st, r)) /* its repository has no working webhook */
		tui_put(w, y, x + 1, 1, "!", attr | A_BOLD | tui_attr(TUI_ERROR), true);
	integration_text(r, integ, sizeof integ);
	/* too narrow for "detached (was Legacy BB)": the name matters more (red says detached) */
	if (!r->integration && tui_width(integ) > st->cw[3])
		snprintf(integ, sizeof integ, "was %s", r->detached ? r->detached : "?");
	col[0] = r->kind, col[1] = r->name, col[2] = r->space;
	col[3] = integ, col[4] = r->repo, col[5] = r->branch;
	col[6] = r->last_run ? r->last_run : "none";
	for (int i = 0; i < NCOLS && cx < x + width; cx += st->cw[i] + 1, i++) {
		attr_t a = attr;

		if (i == 3 && !r->integration)
			a |= tui_attr(TUI_ERROR);
		else if (i == 0)
			a |= tui_attr(TUI_MUTED);
		tui_put(w, y, cx, st->cw[i] < x + width - cx ? st->cw[i] : x + width - cx,
			col[i] ? col[i] : "", a, true);
	}
}

static void stacks_resize(tui_screen *s)
{
	stacks *st = SCR_STATE(stacks, s);
	tui_rect r = s->area;
	int last = r.w >= LAST_RUN_MIN_COLS ? 15 : 0;
	int rest = r.w - 2 - 6 - 8 - last - (last ? NCOLS : NCOLS - 1);

	if (rest < 20)
		rest = 20;
	/* the integration column gets the most: "detached (was Prod BB)" must fit */
	st->cw[0] = 6, st->cw[5] = 8, st->cw[6] = last;
	st->cw[1] = rest * 24 / 100;
	st->cw[2] = rest * 12 / 100;
	st->cw[3] = rest * 38 / 100;
	st->cw[4] = rest - st->cw[1] - st->cw[2] - st->cw[3];
	r.y += 2, r.h -= 2;
	tui_list_layout(&st->list, r);
	prefetch(st);
}

static void draw_summary(stacks *st, WINDOW *w)
{
	char line[600];
	int n = snprintf(line, sizeof line, "%ld %s", st->count,
			 st->count == 1 ? "stack or module" : "stacks and modules");

	if (st->slug[0])
		n += snprintf(line + n, sizeof line - (size_t)n, " using %s", st->slug);
	if (st->detached_only)
		n += snprintf(line + n, sizeof line - (size_t)n, ", detached only");
	if (st->text)
		n += snprintf(line + n, sizeof line - (size_t)n, ", matching \"%.100s\"", st->text);
	if (st->nmarks)
		n += snprintf(line + n, sizeof line - (size_t)n, "; %zu marked", st->nmarks);
	if (st->broken.n)
		snprintf(line + n, sizeof line - (size_t)n, "; ! = no working webhook");
	tui_put(w, st->s.area.y, st->s.area.x, st->s.area.w, line, 0, true);
}

static void stacks_draw(tui_screen *s, WINDOW *w, bool full)
{
	stacks *st = SCR_STATE(stacks, s);
	int y = s->area.y + 1, cx = s->area.x + 2;

	draw_summary(st, w);
	if (full) {
		tui_fill(w, y, s->area.x, s->area.w, tui_attr(TUI_MUTED));
		scr_sort_header(w, y, cx, s->area.x + s->area.w - cx, head, st->cw,
				st->cw[NCOLS - 1] ? NCOLS : NCOLS - 1, &st->sort);
	}
	tui_list_draw(&st->list, w, full, &st->cy, &st->cx);
}

/* ---- actions -------------------------------------------------------------------- */

/* A refusal in a dialog: the sentence may be longer than the message line. */
static tui_ret refuse(const bb_err *why)
{
	tui_screen *m = tui_dialog_message("Not possible", why->msg[0] ? why->msg :
					   "Something went wrong; try again.", NULL, NULL);

	return m ? tui_push(m) : tui_redraw();
}

static tui_screen *details_panel(bb_ctx *ctx, const srow *r)
{
	char text[6000], integ[300], title[200], created[64];
	int cols, rows;
	size_t n;

	integration_text(r, integ, sizeof integ);
	scr_local_time(r->created, created, sizeof created);
	snprintf(text, sizeof text, "Kind: %s\nName: %s\nSpace: %s\nIntegration: %s\n"
		 "Repository: %s\nBranch: %s\nProject root: %s\nCreated: %s%s", r->kind, r->name,
		 r->space, integ, r->repo, r->branch, r->root && *r->root ? r->root : "(none)",
		 created,
		 r->integration ? "\n\nOn the list, e edits it and d deletes it." :
		 "\n\nDetached: it receives no webhooks and no triggered runs until an admin "
		 "picks an integration (press i); e edits it and d deletes it.");
	tui_size(&cols, &rows);
	n = strlen(text);
	stacks_runs_describe(ctx, r->name, rows - 18, text + n, sizeof text - n);
	snprintf(title, sizeof title, "%s %.150s", r->kind, r->name);
	return tui_dialog_message(title, text, NULL, NULL);
}

/* The lookup answered: queue the run at the head it found, or say why not. */
static void trigger_done(void *arg, verify_state *v)
{
	stacks *st = arg;
	char id[BB_ULID_LEN + 1], text[BB_MSG_MAX + 320];
	bb_err err = {0};

	if (v->status == VERIFY_CANCELLED)
		return;
	if (run_trigger_finish(st->ctx, st->trig_name, &v->result, id, &err) != BB_OK) {
		tui_message(err.msg, true);
		return;
	}
	snprintf(text, sizeof text, "Queued run %s for %s at %.7s", id, st->trig_name,
		 v->result.hash);
	tui_message(text, false);
	scr_changed();
}

static tui_ret trigger(stacks *st, const srow *sel)
{
	bb_err why = {0};

	if (!sel) {
		tui_message("No stack selected; move to one first.", true);
		return tui_redraw();
	}
	if (verify_running(&st->trig)) {
		tui_message("A run is being triggered already; wait for its answer.", true);
		return tui_redraw();
	}
	snprintf(st->trig_name, sizeof st->trig_name, "%s", sel->name);
	if (verify_start_trigger(&st->trig, st->ctx, sel->name) != 0) {
		snprintf(why.msg, sizeof why.msg, "%s", st->trig.text);
		return refuse(&why);
	}
	tui_message(verify_status_text(&st->trig), false);
	return tui_redraw();
}

/* Opens the integration chooser for the marks, or for the selected row. */
static tui_ret choose_integration(stacks *st, const srow *sel)
{
	stacks_target one;
	tui_screen *next;
	bb_err why = {0};

	if (st->nmarks) {
		next = stacks_choose_new(st->marks, st->nmarks, &why);
		if (next)
			marks_clear(st); /* the chooser copied them; they are done with */
	} else {
		if (!sel) {
			tui_message("No stack selected; move to one, or mark several with Space.", true);
			return tui_redraw();
		}
		if (stacks_target_set(&one, sel->kind, sel->name, sel->space, sel->detached) != 0)
			return tui_redraw();
		next = stacks_choose_new(&one, 1, &why);
		stacks_target_clear(&one);
	}
	if (!next)
		return refuse(&why);
	tui_message(NULL, false);
	return tui_push(next);
}

/* The row as core's stack (the strings stay the row's). */
static bb_stack stack_of(const srow *r)
{
	bb_stack s = {r->kind, r->name, r->space, r->integration, r->repo, r->branch, r->root,
		      r->detached, r->created};

	return s;
}

static tui_ret delete_answer(void *arg, enum tui_answer a)
{
	stacks *st = arg;
	bb_stack_removal gone;
	bb_err err = {0};
	char msg[BB_NAME_MAX * 4 + 64];

	if (a == TUI_ANSWER_YES &&
	    stack_delete(st->ctx, st->doomed.kind, st->doomed.name, 1, &gone, &err) != BB_OK) {
		stacks_target_clear(&st->doomed);
		return refuse(&err);
	}
	if (a == TUI_ANSWER_YES) {
		scr_changed();
		snprintf(msg, sizeof msg, "Deleted %s %s and its %ld run%s.", gone.kind,
			 st->doomed.name, gone.runs, gone.runs == 1 ? "" : "s");
		tui_message(msg, false);
	}
	stacks_target_clear(&st->doomed);
	return (tui_ret){TUI_R_FULL, 0, NULL};
}

/* Asks before deleting; a refusal (not admin there) comes at once. */
static tui_ret ask_delete(stacks *st, const srow *sel)
{
	char text[BB_NAME_MAX * 8 + 400];
	bb_stack_removal gone;
	bb_err why = {0};
	tui_screen *d;

	if (stack_delete(st->ctx, sel->kind, sel->name, 0, &gone, &why) != BB_OK)
		return refuse(&why);
	stacks_target_clear(&st->doomed);
	if (stacks_target_set(&st->doomed, sel->kind, sel->name, sel->space, NULL) != 0)
		return tui_redraw();
	snprintf(text, sizeof text, "Delete the %s %s (space %s, repository %s, branch %s)? Its "
		 "%ld run%s will be deleted with it. The repository and its webhook in Bitbucket "
		 "are not touched.", sel->kind, sel->name, sel->space, sel->repo, sel->branch,
		 gone.runs, gone.runs == 1 ? "" : "s");
	d = tui_dialog_confirm(strcmp(sel->kind, "module") ? "Delete stack" : "Delete module",
			       text, "Delete", "Cancel", false, delete_answer, st);
	return d ? tui_push(d) : tui_redraw();
}

/* Where the stack kind/name is in the list now (one pass over the rows). */
struct seek {
	const char *kind, *name;
	long at, found;
};

static int seek_row(const bb_stack *s, void *arg)
{
	struct seek *k = arg;

	if (!strcmp(s->kind, k->kind) && !strcmp(s->name, k->name)) {
		k->found = k->at;
		return 1;
	}
	k->at++;
	return 0;
}

/* Selects the stack kind/name wherever it is in the list (no change when it
 * is not there). */
static void seek_select(stacks *st, const char *kind, const char *name)
{
	struct seek k = {kind, name, 0, -1};
	bb_stack_filter f;
	bb_err err = {0};

	filter_of(st, &f);
	if ((st->text && st->ix ? stack_index_each(st->ctx, st->ix, 0, 0, seek_row, &k, &err)
				: stack_each(st->ctx, &f, seek_row, &k, &err)) == BB_OK &&
	    k.found >= 0)
		tui_list_select(&st->list, (size_t)k.found);
}

static tui_ret sort_by(stacks *st, int action, const srow *sel)
{
	static const char *const names[] = {"Kind", "Name", "Space", "Integration", "Repository",
					    "Branch"};
	char *kind = sel ? util_strdup(sel->kind) : NULL, *name = sel ? util_strdup(sel->name) : NULL;

	scr_sort_key(&st->sort, action, BB_STACK_ORDERS);
	stack_index_free(st->ix); /* it keeps the order it was built in */
	st->ix = NULL;
	recount(st);
	if (kind && name)
		seek_select(st, kind, name);
	free(kind);
	free(name);
	scr_sort_say(names, &st->sort);
	return (tui_ret){TUI_R_FULL, 0, NULL};
}

static tui_ret stacks_action(stacks *st, int action)
{
	const srow *sel = st->count > 0 ? row_at(st, st->list.sel) : NULL;
	tui_screen *next = NULL;
	bb_err why = {0};
	bb_stack one;

	switch (action) {
	case SCR_NEW:
		if (!(next = stacks_form_new(&why)))
			return refuse(&why);
		break;
	case SCR_OPEN:
		if (!sel)
			return tui_redraw();
		next = details_panel(st->ctx, sel);
		break;
	case SCR_EDIT:
	case SCR_DELETE:
		if (!sel) {
			tui_message("No stack selected; move to one first.", true);
			return tui_redraw();
		}
		if (action == SCR_DELETE)
			return ask_delete(st, sel);
		one = stack_of(sel);
		if (!(next = stacks_edit_new(&one, &why)))
			return refuse(&why);
		break;
	case ACT_INTEGRATION:
		return choose_integration(st, sel);
	case ACT_TRIGGER:
		return trigger(st, sel);
	case ACT_MARK:
		if (sel) {
			mark_toggle(st, sel);
			tui_list_invalidate(&st->list);
			if (st->list.sel + 1 < st->list.count)
				tui_list_select(&st->list, st->list.sel + 1);
		}
		return tui_redraw();
	case SCR_SORT:
	case SCR_SORT_BACK:
		return sort_by(st, action, sel);
	case ACT_DETACHED:
		st->detached_only = !st->detached_only;
		recount(st);
		tui_message(st->detached_only ? "Showing detached stacks and modules only; D shows "
			    "all." : "Showing all stacks and modules.", false);
		return tui_redraw();
	default:
		return tui_unhandled();
	}
	if (!next)
		return tui_redraw();
	tui_message(NULL, false);
	return tui_push(next);
}

static tui_ret stacks_key(tui_screen *s, const tui_event *ev)
{
	stacks *st = SCR_STATE(stacks, s);
	enum tui_field_res r;

	if (!st->list.filtering && ev->action >= TUI_ACT_APP) {
		tui_ret ret = stacks_action(st, ev->action);

		prefetch(st); /* a mark moves the selection on */
		return ret;
	}
	if (!st->list.filtering && ev->action == SCR_FILTER)
		index_ready(st); /* now, so that no keystroke waits for it */
	r = tui_list_event(&st->list, ev);
	prefetch(st);
	if (r != TUI_FIELD_IGNORED)
		return tui_redraw();
	return tui_unhandled();
}

/* Creating, editing, deleting and setting an integration (what marks are for)
 * need admin of a space, a run needs write: a reader does not see them in the
 * bar or the help. A key pressed anyway is refused at once by the screen's own
 * dialog, which names the stack's space (core checks that very space). */
static bool stacks_allowed(tui_screen *s, int action, char *why, size_t size)
{
	stacks *st = SCR_STATE(stacks, s);

	(void)size;
	if (why || st->list.filtering)
		return true;
	if (action == SCR_NEW || action == ACT_INTEGRATION || action == SCR_EDIT ||
	    action == SCR_DELETE || action == ACT_MARK)
		return st->may_admin;
	if (action == ACT_TRIGGER)
		return st->may_write;
	return true;
}

/* Selects the stack kind/name if it is in the pages in view. */
static void keep_near(stacks *st, const char *kind, const char *name)
{
	for (int i = 0; i < 2; i++) {
		const spage *p = &st->pages[i];

		for (size_t k = 0; p->valid && k < p->n; k++)
			if (!strcmp(p->rows[k].kind, kind) && !strcmp(p->rows[k].name, name)) {
				tui_list_select(&st->list, p->base + k);
				return;
			}
	}
}

/* Reads the rows again, keeping the selection on the same stack when it is
 * still near (in the pages in view); one just created is selected wherever
 * it sorts. */
static void stacks_reload(tui_screen *s)
{
	stacks *st = SCR_STATE(stacks, s);
	const srow *r = st->count > 0 ? row_at(st, st->list.sel) : NULL;
	char *kind = r ? util_strdup(r->kind) : NULL, *name = r ? util_strdup(r->name) : NULL;
	char made[BB_NAME_MAX * 4 + 16], *slash;

	recount(st);
	if (scr_focus_take("stack", made, sizeof made) && (slash = strchr(made, '/'))) {
		*slash = '\0'; /* "kind/name" */
		seek_select(st, made, slash + 1);
	} else if (kind && name) {
		keep_near(st, kind, name);
	}
	prefetch(st);
	free(kind);
	free(name);
}

static bool stacks_cursor(tui_screen *s, int *y, int *x)
{
	stacks *st = SCR_STATE(stacks, s);

	*y = st->cy, *x = st->cx;
	return st->list.filtering;
}

static void stacks_destroy(tui_screen *s)
{
	stacks *st = SCR_STATE(stacks, s);

	page_clear(&st->pages[0]);
	page_clear(&st->pages[1]);
	marks_clear(st);
	stacks_target_clear(&st->doomed);
	verify_destroy(&st->trig);
	tui_list_destroy(&st->list);
	stack_index_free(st->ix);
	strlist_free(&st->broken);
	free(st->text);
	free(st);
}

static const tui_screen_ops stacks_ops = {
	.draw = stacks_draw,
	.key = stacks_key,
	.resize = stacks_resize,
	.destroy = stacks_destroy,
	.cursor = stacks_cursor,
	.allowed = stacks_allowed,
	.reload = stacks_reload,
};

tui_screen *stacks_new(const char *integration_slug)
{
	stacks *st = calloc(1, sizeof *st);

	if (!st)
		return NULL;
	if (tui_list_init(&st->list, 0, stacks_row, st) != 0) {
		free(st);
		return NULL;
	}
	st->ctx = scr_ctx();
	verify_init(&st->trig, trigger_done, st);
	snprintf(st->slug, sizeof st->slug, "%s", integration_slug ? integration_slug : "");
	if (st->slug[0])
		snprintf(st->title, sizeof st->title, "Stacks and modules using %s", st->slug);
	else
		snprintf(st->title, sizeof st->title, "Stacks and modules");
	st->list.filter = stacks_filter;
	st->s.ops = &stacks_ops;
	st->s.keys = stacks_keys;
	st->s.title = st->title;
	st->s.data = st;
	st->may_admin = scr_role_somewhere(BB_ROLE_ADMIN);
	st->may_write = scr_role_somewhere(BB_ROLE_WRITE);
	recount(st);
	return &st->s;
}
