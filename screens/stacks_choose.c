/* stacks_choose.c - pick a new integration for one or many stacks (detached
 * ones, typically). Only integrations usable in the space of at least one of
 * them are offered; stacks where the chosen one is not usable, or that core
 * refuses, are listed in the report rather than skipped in silence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integration.h"
#include "scr.h"
#include "space.h"
#include "stack.h"
#include "stacks_priv.h"
#include "stacks.h"

#define REPORT_MAX 12 /* failures named in the report; the rest are counted */

typedef struct choose {
	tui_screen s;
	bb_ctx *ctx;
	stacks_target *v;
	size_t n;
	bb_integration *its;     /* the integrations offered */
	size_t nits;
	unsigned char *usable;   /* nits x n: usable[i * n + j] */
	char **labels;
	tui_choice_item *items;
	tui_choice choice;
	char title[160];
	tui_rect box;
	int cy, cx;
} choose;

const tui_keydef stacks_choose_keys[] = {
	{TUI_ACT_CHOOSE, {TUI_K_ENTER, ' '}, "set", "Set the selected integration on the stacks.",
	 true},
	{TUI_ACT_DOWN, {TUI_K_DOWN, 'j'}, "move", "Move down between the integrations.", true},
	TUI_KEYS_INCLUDE(tui_choice_keys),
	{TUI_ACT_BACK, {TUI_K_ESC}, "cancel", "Cancel; nothing changes.", true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this chooser.", true},
	{0},
};

int stacks_target_set(stacks_target *t, const char *kind, const char *name, const char *space,
		     const char *detached_from)
{
	t->kind = util_strdup(kind);
	t->name = util_strdup(name);
	t->space = util_strdup(space);
	t->detached_from = util_strdup(detached_from);
	if (t->kind && t->name && t->space && (!detached_from || t->detached_from))
		return 0;
	stacks_target_clear(t);
	return -1;
}

void stacks_target_clear(stacks_target *t)
{
	free(t->kind);
	free(t->name);
	free(t->space);
	free(t->detached_from);
	memset(t, 0, sizeof *t);
}

void stacks_targets_free(stacks_target *v, size_t n)
{
	UTIL_FREE_EACH(v, n, stacks_target_clear);
}

static void choose_free(choose *c)
{
	stacks_targets_free(c->v, c->n);
	integration_list_free(c->its, c->nits);
	for (size_t i = 0; c->labels && i < c->nits; i++)
		free(c->labels[i]);
	free(c->labels);
	free(c->items);
	free(c->usable);
	free(c);
}

/* ---- what may be offered ------------------------------------------------------ */

/* BB_OK when ctx's user is admin in the space of at least one target; else
 * the refusal of the first. */
static bb_code need_admin_somewhere(choose *c, bb_err *why)
{
	char doing[300];
	bb_err e = {0};
	bb_code first = BB_OK;

	for (size_t j = 0; j < c->n; j++) {
		bb_code rc;

		snprintf(doing, sizeof doing, "Setting the integration of %s %.120s", c->v[j].kind,
			 c->v[j].name);
		rc = space_need(c->ctx, c->v[j].space, BB_ROLE_ADMIN, doing, &e);
		if (rc == BB_OK)
			return BB_OK;
		if (first == BB_OK) {
			first = rc;
			*why = e;
		}
	}
	return first;
}

/* The first target before j in the same space, or -1. */
static long same_space_before(const choose *c, size_t j)
{
	for (size_t p = 0; p < j; p++)
		if (!strcmp(c->v[p].space, c->v[j].space))
			return (long)p;
	return -1;
}

/* Fills row (one flag per target) for it; returns how many targets may use it. */
static size_t usable_count(choose *c, const bb_integration *it, unsigned char *row)
{
	size_t k = 0;
	bb_err e = {0};

	for (size_t j = 0; j < c->n; j++) {
		long p = same_space_before(c, j);
		int ok = 0;

		if (p >= 0)
			ok = row[p];
		else if (space_usable(c->ctx, it->space, !strcmp(it->type, "default"),
				      c->v[j].space, &ok, &e) != BB_OK)
			ok = 0;
		row[j] = (unsigned char)(ok != 0);
		k += row[j];
	}
	return k;
}

static int add_label(choose *c, const bb_integration *it, size_t k)
{
	char buf[400];
	int len = snprintf(buf, sizeof buf, "%s", it->name);

	if (!strcmp(it->type, "default"))
		len += snprintf(buf + len, sizeof buf - (size_t)len, " (default)");
	else
		len += snprintf(buf + len, sizeof buf - (size_t)len, " (space %s)", it->space);
	if (c->n > 1 && k < c->n)
		snprintf(buf + len, sizeof buf - (size_t)len, " - usable for %zu of %zu", k, c->n);
	else if (c->n > 1)
		snprintf(buf + len, sizeof buf - (size_t)len, " - usable for all %zu", c->n);
	c->labels[c->nits] = strdup(buf);
	return c->labels[c->nits] ? 0 : -1;
}

/* Keeps the integrations usable by at least one target, in list order. */
static bb_code offer_load(choose *c, bb_err *why)
{
	bb_integration *all = NULL;
	size_t nall = 0;
	bb_code rc = integration_list(c->ctx, &all, &nall, why);

	if (rc != BB_OK)
		return rc;
	c->its = calloc(nall ? nall : 1, sizeof *c->its);
	c->labels = calloc(nall ? nall : 1, sizeof *c->labels);
	c->usable = calloc((nall ? nall : 1) * c->n, 1);
	if (!c->its || !c->labels || !c->usable) {
		integration_list_free(all, nall);
		return bb_fail(why, BB_DBERR, "Out of memory.");
	}
	for (size_t i = 0; i < nall; i++) {
		size_t k = usable_count(c, &all[i], c->usable + c->nits * c->n);

		if (k == 0 || add_label(c, &all[i], k) != 0) {
			integration_free(&all[i]);
			continue;
		}
		c->its[c->nits++] = all[i];
	}
	free(all); /* its entries were moved or freed one by one */
	if (c->nits == 0)
		return bb_fail(why, BB_INVALID, "No integration is usable in space %s; create one "
			       "there, or in a space it inherits from, then try again.",
			       c->v[0].space);
	return BB_OK;
}

/* ---- applying ---------------------------------------------------------------------- */

/* Appends the index-th failure, while fewer than REPORT_MAX are named. */
static void report_add(char *out, size_t size, size_t index, const char *line)
{
	size_t len = strlen(out);

	if (index < REPORT_MAX)
		snprintf(out + len, size - len, "\n- %s", line);
}

static tui_ret report(choose *c, const bb_integration *it, size_t done, size_t failed,
		      const char *fails)
{
	char text[6000];
	tui_screen *m;

	if (failed == 0) {
		snprintf(text, sizeof text, "%zu %s now %s integration %s.", done,
			 done == 1 ? "stack or module" : "stacks and modules",
			 done == 1 ? "uses" : "use", it->name);
		tui_message(text, false);
		return tui_redraw();
	}
	snprintf(text, sizeof text, "%zu of %zu now use integration %s. %zu could not be "
		 "changed:%s%s", done, c->n, it->name, failed, fails,
		 failed > REPORT_MAX ? "\n- ..." : "");
	m = tui_dialog_message("Some stacks were not changed", text, NULL, NULL);
	return m ? tui_push(m) : tui_redraw();
}

/* Sets the chosen integration on every target; pops the chooser, then reports. */
static tui_ret apply(choose *c)
{
	const bb_integration *it = &c->its[c->choice.sel];
	const unsigned char *row = c->usable + c->choice.sel * c->n;
	char fails[4000] = "", line[BB_MSG_MAX + 300];
	size_t done = 0, failed = 0;
	tui_ret r;

	for (size_t j = 0; j < c->n; j++) {
		const stacks_target *t = &c->v[j];
		bb_err e = {0};

		if (!row[j])
			snprintf(line, sizeof line, "%s %s (space %s): %s is not usable in space %s.",
				 t->kind, t->name, t->space, it->name, t->space);
		else if (stack_set_integration(c->ctx, t->kind, t->name, it->slug, &e) != BB_OK)
			snprintf(line, sizeof line, "%s %s: %s", t->kind, t->name, e.msg);
		else {
			done++;
			continue;
		}
		report_add(fails, sizeof fails, failed++, line);
	}
	if (done)
		scr_changed();
	r = report(c, it, done, failed, fails);
	r.pop = 1;
	r.flags |= TUI_R_FULL;
	return r;
}

/* ---- the overlay --------------------------------------------------------------------- */

static void choose_resize(tui_screen *s)
{
	choose *c = SCR_STATE(choose, s);
	int w = s->area.w - 4 < 72 ? s->area.w - 4 : 72;
	int h = (int)c->nits * 2 + 6;

	if (h > s->area.h - 2)
		h = s->area.h - 2;
	c->box = tui_center(s->area, h, w);
}

static void choose_draw(tui_screen *s, WINDOW *w, bool full)
{
	choose *c = SCR_STATE(choose, s);
	tui_rect b = c->box;
	char line[200];

	(void)full;
	for (int y = 0; y < b.h; y++)
		tui_fill(w, b.y + y, b.x, b.w, 0);
	tui_box(w, b, c->title);
	if (c->n == 1)
		snprintf(line, sizeof line, "Integrations usable in space %s:", c->v[0].space);
	else
		snprintf(line, sizeof line, "Integrations usable by the %zu marked stacks:", c->n);
	tui_put(w, b.y + 1, b.x + 2, b.w - 4, line, 0, true);
	tui_choice_draw(&c->choice, w, (tui_rect){b.y + 3, b.x + 2, b.h - 4, b.w - 4}, true,
			&c->cy, &c->cx);
}

static tui_ret choose_key(tui_screen *s, const tui_event *ev)
{
	choose *c = SCR_STATE(choose, s);
	enum tui_field_res r;

	if (ev->action == TUI_ACT_BACK || ev->action == TUI_ACT_HELP)
		return tui_unhandled();
	r = tui_choice_event(&c->choice, ev);
	if (r == TUI_FIELD_SUBMIT)
		return apply(c);
	return r == TUI_FIELD_IGNORED ? tui_unhandled() : tui_redraw();
}

static bool choose_cursor(tui_screen *s, int *y, int *x)
{
	choose *c = SCR_STATE(choose, s);

	*y = c->cy, *x = c->cx;
	return true;
}

static void choose_destroy(tui_screen *s)
{
	choose_free(SCR_STATE(choose, s));
}

static const tui_screen_ops choose_ops = {
	.draw = choose_draw,
	.key = choose_key,
	.resize = choose_resize,
	.destroy = choose_destroy,
	.cursor = choose_cursor,
};

static int copy_targets(choose *c, const stacks_target *v, size_t n)
{
	if (!(c->v = calloc(n, sizeof *c->v)))
		return -1;
	for (c->n = 0; c->n < n; c->n++)
		if (stacks_target_set(&c->v[c->n], v[c->n].kind, v[c->n].name, v[c->n].space,
				     v[c->n].detached_from) != 0)
			return -1;
	return 0;
}

tui_screen *stacks_choose_new(const stacks_target *v, size_t n, bb_err *why)
{
	choose *c = calloc(1, sizeof *c);

	if (!c || n == 0 || copy_targets(c, v, n) != 0) {
		if (c)
			choose_free(c);
		bb_fail(why, BB_DBERR, "Out of memory.");
		return NULL;
	}
	c->ctx = scr_ctx();
	if (need_admin_somewhere(c, why) != BB_OK || offer_load(c, why) != BB_OK ||
	    !(c->items = calloc(c->nits, sizeof *c->items))) {
		choose_free(c);
		return NULL;
	}
	for (size_t i = 0; i < c->nits; i++)
		c->items[i].label = c->labels[i];
	c->choice = (tui_choice){c->items, c->nits, 0};
	if (n == 1)
		snprintf(c->title, sizeof c->title, "Integration for %s %.100s", v[0].kind, v[0].name);
	else
		snprintf(c->title, sizeof c->title, "Integration for %zu stacks and modules", n);
	c->s.ops = &choose_ops;
	c->s.keys = stacks_choose_keys;
	c->s.title = c->title;
	c->s.overlay = true;
	c->s.data = c;
	return &c->s;
}
