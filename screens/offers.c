/* offers.c - small questions the console asks between screens: resume a
 * saved wizard draft, re-attach stacks detached from a re-created name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "draft.h"
#include "scr.h"
#include "stack.h"
#include "validate.h"

/* ---- resume a draft ------------------------------------------------------- */

typedef struct resume {
	tui_screen s;
	char *json;
	char text[600];
	tui_rect box;
} resume;

const tui_keydef offers_resume_keys[] = {
	{SCR_NEXT, {TUI_K_ENTER}, "resume", "Resume the unfinished integration in the wizard.", true},
	{SCR_DISCARD, {'d'}, "discard", "Discard the draft for good.", true},
	{TUI_ACT_BACK, {TUI_K_ESC}, "later", "Keep the draft for the next start and go to the list.",
	 true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this question.", true},
	{0},
};

static void resume_resize(tui_screen *s)
{
	resume *r = SCR_STATE(resume, s);
	int w = s->area.w - 4 < 66 ? s->area.w - 4 : 66;

	r->box = tui_center(s->area, scr_wrap_rows(w - 4, r->text) + 4, w);
}

static void resume_draw(tui_screen *s, WINDOW *w, bool full)
{
	resume *r = SCR_STATE(resume, s);
	tui_rect b = r->box;

	(void)full;
	for (int y = 0; y < b.h; y++)
		tui_fill(w, b.y + y, b.x, b.w, 0);
	tui_box(w, b, "Unfinished integration");
	scr_wrap(w, b.y + 2, b.x + 2, b.w - 4, b.h - 3, r->text, 0);
}

static tui_ret resume_key(tui_screen *s, const tui_event *ev)
{
	resume *r = SCR_STATE(resume, s);
	bb_err err = {0};
	tui_screen *wiz;

	switch (ev->action) {
	case SCR_NEXT:
		wiz = wizard_new(r->json);
		draft_delete(scr_ctx(), &err); /* a new hangup saves it again */
		return wiz ? tui_replace(wiz) : tui_pop();
	case SCR_DISCARD:
		draft_delete(scr_ctx(), &err);
		tui_message("Draft discarded.", false);
		return tui_pop();
	default:
		return tui_unhandled();
	}
}

static void resume_destroy(tui_screen *s)
{
	resume *r = SCR_STATE(resume, s);

	free(r->json);
	free(r);
}

static const tui_screen_ops resume_ops = {
	.draw = resume_draw,
	.key = resume_key,
	.resize = resume_resize,
	.destroy = resume_destroy,
};

tui_screen *offers_resume_new(char *json)
{
	resume *r = calloc(1, sizeof *r);
	cJSON *o = cJSON_Parse(json);
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
	char q[BB_QUOTE_SIZE];

	if (!r) {
		cJSON_Delete(o);
		free(json);
		return NULL;
	}
	validate_quote(cJSON_IsString(name) && *name->valuestring ? name->valuestring : "(unnamed)",
		       q, sizeof q);
	snprintf(r->text, sizeof r->text, "The session dropped while you were creating the "
		 "integration %s. Enter resumes it where you were (the API token must be typed "
		 "again: it is never saved); d discards it; Esc keeps it for later.", q);
	cJSON_Delete(o);
	r->json = json;
	r->s.ops = &resume_ops;
	r->s.keys = offers_resume_keys;
	r->s.title = "Resume?";
	r->s.overlay = true;
	r->s.data = r;
	return &r->s;
}

/* ---- re-attach detached stacks -------------------------------------------------- */

/* One offer at a time: the dialog's answer needs the names, and a static
 * keeps nothing to free if the console ends with the dialog open. */
static struct {
	char name[256], slug[256];
	char repos[700];
	size_t shown;
} offer;

static int collect_repo(const bb_stack *st, void *arg)
{
	size_t len = strlen(offer.repos);

	(void)arg;
	if (!strstr(offer.repos, st->repository) && len + strlen(st->repository) + 3 <
	    sizeof offer.repos) {
		snprintf(offer.repos + len, sizeof offer.repos - len, "%s%s", len ? ", " : "",
			 st->repository);
		offer.shown++;
	}
	return 0;
}

static tui_ret reattach_answer(void *arg, enum tui_answer a)
{
	bb_err err = {0};
	long n = 0;
	char msg[BB_MSG_MAX];
	tui_screen *next;

	(void)arg;
	if (a == TUI_ANSWER_YES) {
		if (stack_reattach(scr_ctx(), offer.name, offer.slug, &n, &err) != BB_OK) {
			scr_error(&err);
		} else {
			snprintf(msg, sizeof msg, "Re-attached %ld stacks and modules; update the "
				 "secret in their repositories' webhooks.", n);
			tui_message(msg, false);
			scr_changed();
		}
	}
	next = webhook_new(offer.slug);
	return next ? tui_push(next) : tui_redraw();
}

tui_screen *offers_new(const char *name, const char *slug)
{
	bb_stack_filter f = {.detached_from = name, .limit = 50};
	bb_err err = {0};
	long n = 0;
	char text[1200], q[BB_QUOTE_SIZE];

	if (stack_count(scr_ctx(), &f, &n, &err) != BB_OK || n <= 0)
		return NULL;
	snprintf(offer.name, sizeof offer.name, "%s", name);
	snprintf(offer.slug, sizeof offer.slug, "%s", slug);
	offer.repos[0] = '\0';
	offer.shown = 0;
	stack_each(scr_ctx(), &f, collect_repo, NULL, &err);
	validate_quote(name, q, sizeof q);
	snprintf(text, sizeof text, "%ld stacks and modules were detached from an integration "
		 "named %s. Re-attach them to this one? The webhook URL is unchanged, but the "
		 "secret is new: update it in the webhook of each repository: %s%s.", n, q,
		 offer.repos, n > (long)offer.shown ? ", ..." : "");
	return tui_dialog_confirm("Re-attach detached stacks?", text, "Re-attach", "Not now", true,
				  reattach_answer, NULL);
}
