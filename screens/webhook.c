/* webhook.c - what to enter in Bitbucket for an integration's webhook:
 * endpoint, secret (masked until revealed), triggers, the Pull Request Commit
 * Links app, and OSC 52 copy actions; below, the webhook of every repository
 * the stacks use (the last check, from the database), `f` to check and fix
 * them all through the API with progress (Esc cancels), Enter on a row to see
 * what is wrong. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hooks.h"
#include "pane.h"
#include "scr.h"
#include "verify.h"

typedef struct webhook {
	tui_screen s;
	char slug[256];
	char title[300];
	bb_integration it;
	bool loaded;
	hooks_report rep;  /* the table: the last check of each repository */
	size_t sel;
	hooks_run *run;    /* while fixing */
	long done, total;
	pane pane;         /* the body, scrolled when taller than the window */
	int keep;          /* the selected row of the table, kept in view... */
	bool follow;       /* ...once the selection moved */
} webhook;

const tui_keydef webhook_keys[] = {
	{SCR_REVEAL, {'r'}, "reveal", "Reveal the webhook secret (admins; written to the audit log).",
	 true},
	{SCR_COPY, {'c'}, "copy URL", "Copy the endpoint to your terminal's clipboard (OSC 52).", true},
	{SCR_COPY_SECRET, {'C'}, "copy secret",
	 "Copy the revealed secret to your terminal's clipboard (OSC 52).", true},
	{SCR_FIX, {'f'}, "fix all",
	 "Check every repository's webhook through the API and create or repair them "
	 "(needs the webhook scopes); Esc cancels.", false},
	{SCR_OPEN, {TUI_K_ENTER}, "what is wrong", "Show the state of the selected repository's "
	 "webhook in one sentence.", false},
	{TUI_ACT_DOWN, {TUI_K_DOWN, 'j'}, NULL, "Move down in the table of repositories.", false},
	{TUI_ACT_UP, {TUI_K_UP, 'k'}, NULL, "Move up in the table of repositories.", false},
	PANE_KEYS,
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back (while fixing: cancel).", true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this screen.", true},
	{TUI_ACT_QUIT, {'q'}, "quit", "Quit the console.", false},
	{0},
};

static const char *const triggers =
	"Triggers to tick: Repository: Push; Pull request: Created, Updated, Approved, "
	"Approval removed, Merged, Comment created.";
static const char *const app_note =
	"Pull Request Commit Links app: open any commit in Bitbucket and click "
	"\"Pull requests\" once; that installs the app, which lets runs find a commit's "
	"pull requests.";

/* Repository, state and local check time; the repository column gives way. */
static int repo_width(int width)
{
	int w = width - 16 - 24;

	return w > 40 ? 40 : w < 12 ? 12 : w;
}

static void webhook_draw_row(WINDOW *win, int y, int x, int width, const hooks_repo *r,
			     bool selected)
{
	char line[400], when[64] = "never";

	if (r->checked_at[0])
		scr_short_time(r->checked_at, when, sizeof when);
	snprintf(line, sizeof line, "%-*.*s %-15s %s", repo_width(width), repo_width(width),
		 r->repository, r->pending ? "not finished" : hooks_state_name(r->state), when);
	tui_put(win, y, x, width, line, selected ? A_REVERSE : (hooks_state_working(r->state)
							       ? 0 : A_BOLD), true);
}

/* The repositories, every one a row of the body (the pane keeps the
 * selection in view); returns the rows used. */
static int webhook_draw_table(webhook *h, WINDOW *win, int y, int width)
{
	char line[200];
	int y0 = y;

	if (!h->rep.n)
		return 0;
	if (h->run)
		snprintf(line, sizeof line, "Fixing webhooks: %ld of %ld requests (Esc cancels)",
			 h->done, h->total);
	else
		snprintf(line, sizeof line, "%-*s %-15s %s", repo_width(width), "Repository", "Webhook",
			 "Last checked");
	tui_put(win, y++, 0, width, line, tui_attr(TUI_MUTED), true);
	for (size_t i = 0; i < h->rep.n && y < PANE_ROWS; i++) {
		if (i == h->sel && h->follow)
			h->keep = y;
		webhook_draw_row(win, y++, 0, width, &h->rep.v[i], i == h->sel);
	}
	return y - y0;
}

/* The secret on one row when it fits (mouse selection takes it whole),
 * otherwise wrapped, never cut. */
static int webhook_draw_secret(const webhook *h, WINDOW *win, int y, int width)
{
	const char *secret = h->it.webhook_secret;
	char mask[200];
	int len;

	if (!secret) {
		scr_mask_hint(64, (size_t)(width > 30 ? width - 30 : 8),
			      h->it.details_visible ? "  (r reveals)" : "", mask, sizeof mask);
		tui_put(win, y, 2, width - 2, mask, 0, true);
		return 1;
	}
	len = (int)strlen(secret);
	if (len <= width - 2 || len > width)
		return scr_wrap(win, y, len <= width - 2 ? 2 : 0, len <= width - 2 ? width - 2 : width,
				4, secret, A_BOLD);
	tui_put(win, y, 0, width, secret, A_BOLD, true);
	return 1;
}

static int webhook_draw_body(webhook *h, WINDOW *win, int width)
{
	int y = 0;

	y += scr_wrap(win, y, 0, width, 4, "In each repository: Repository settings, Webhooks, Add "
		      "webhook; enter this URL and secret, and keep it active.", 0) + 1;
	tui_put(win, y++, 0, width, "URL (endpoint)", tui_attr(TUI_MUTED), true);
	y += scr_wrap_path(win, y, 2, width - 2, 4,
			   h->it.webhook_endpoint ? h->it.webhook_endpoint : "(hidden)", A_BOLD);
	tui_put(win, y++, 0, width, "Secret", tui_attr(TUI_MUTED), true);
	y += webhook_draw_secret(h, win, y, width) + 1;
	y += scr_wrap(win, y, 0, width, 6, triggers, 0) + 1;
	y += scr_wrap(win, y, 0, width, 6, app_note, tui_attr(TUI_MUTED)) + 1;
	return y + webhook_draw_table(h, win, y, width);
}

static void webhook_draw(tui_screen *s, WINDOW *win, bool full)
{
	webhook *h = SCR_STATE(webhook, s);
	tui_rect a = s->area, body = {a.y + 1, a.x + 2, a.h - 1, a.w - 4};
	WINDOW *pad;
	int used = 0;

	(void)full;
	for (int r = 0; r < a.h; r++)
		tui_fill(win, a.y + r, a.x, a.w, 0);
	if (!h->loaded)
		return;
	h->keep = -1;
	if ((pad = pane_begin(&h->pane, body.w)))
		used = webhook_draw_body(h, pad, body.w);
	pane_end(&h->pane, win, body, used, h->keep);
}

static void webhook_load_states(webhook *h)
{
	bb_err err = {0};

	hooks_report_free(&h->rep);
	if (h->it.details_visible && hooks_load(scr_ctx(), h->slug, &h->rep, &err) != BB_OK)
		hooks_report_free(&h->rep);
	if (h->sel >= h->rep.n)
		h->sel = h->rep.n ? h->rep.n - 1 : 0;
}

static void webhook_load(webhook *h)
{
	bb_err err = {0};

	integration_free(&h->it);
	memset(&h->it, 0, sizeof h->it);
	h->loaded = integration_get(scr_ctx(), h->slug, 0, &h->it, &err) == BB_OK;
	if (!h->loaded)
		scr_error(&err);
	else if (!h->it.details_visible) {
		char why[BB_MSG_MAX];

		scr_details_reason(&h->it, why, sizeof why);
		tui_message(why, true);
	}
	webhook_load_states(h);
}

static void webhook_progress(void *user, long done, long total)
{
	webhook *h = user;

	h->done = done;
	h->total = total;
}

static void webhook_fixed(void *user, hooks_report *r)
{
	webhook *h = user;
	char msg[BB_MSG_MAX];

	snprintf(msg, sizeof msg, "%s", r->msg);
	hooks_report_free(&h->rep);
	h->rep = *r; /* the run's report (r lives in the run): pending rows say so */
	memset(r, 0, sizeof *r);
	hooks_run_free(h->run);
	h->run = NULL;
	if (h->sel >= h->rep.n)
		h->sel = h->rep.n ? h->rep.n - 1 : 0;
	tui_message(msg, h->rep.code != BB_OK || h->rep.failed > 0);
}

static tui_ret webhook_fix(webhook *h)
{
	bb_client *c;
	bb_err err = {0};

	if (h->run)
		return tui_handled();
	if (!h->rep.n) {
		tui_message("No stack or module uses this integration yet: nothing to fix.", false);
		return tui_redraw();
	}
	if (!(c = verify_client(&err)) ||
	    hooks_start(scr_ctx(), c, h->slug, HOOKS_FIX, NULL, webhook_progress, webhook_fixed, h,
			&h->run, &err) != BB_OK) {
		scr_error(&err);
		return tui_redraw();
	}
	h->done = 0;
	h->total = (long)h->rep.n;
	tui_message("Checking and fixing the webhooks; Esc cancels.", false);
	return tui_redraw();
}

static tui_ret webhook_move(webhook *h, int action)
{
	h->follow = true;
	if (action == TUI_ACT_DOWN && h->sel + 1 < h->rep.n)
		h->sel++;
	else if (action == TUI_ACT_UP && h->sel > 0)
		h->sel--;
	return tui_redraw();
}

static tui_ret webhook_explain(webhook *h)
{
	char msg[BB_MSG_MAX + 300];
	const hooks_repo *r;

	if (!h->rep.n)
		return tui_handled();
	r = &h->rep.v[h->sel];
	snprintf(msg, sizeof msg, "%s: %s. %s", r->repository, r->pending ? "not finished"
		 : hooks_state_name(r->state), r->detail[0] ? r->detail : "Not checked yet: press "
		 "f to check and fix.");
	tui_message(msg, !hooks_state_working(r->state));
	return tui_redraw();
}

static tui_ret webhook_reveal(webhook *h)
{
	bb_integration it = {0};
	bb_err err = {0};

	if (integration_get(scr_ctx(), h->slug, 1, &it, &err) != BB_OK) {
		scr_error(&err);
		return tui_redraw();
	}
	integration_free(&h->it);
	h->it = it;
	tui_message("The secret is shown; the reveal was written to the audit log.", false);
	return tui_redraw();
}

static tui_ret webhook_copy(const char *what, const char *text)
{
	char msg[256];

	tui_clipboard_copy(what, text, msg, sizeof msg);
	tui_message(msg, false);
	return tui_redraw();
}

static tui_ret webhook_key(tui_screen *s, const tui_event *ev)
{
	webhook *h = SCR_STATE(webhook, s);

	if (pane_key(&h->pane, ev->action))
		return tui_redraw();
	switch (ev->action) {
	case TUI_ACT_BACK:
		if (!h->run)
			break;
		hooks_cancel(h->run); /* done comes back with what was done */
		return tui_redraw();
	case SCR_FIX:
		return webhook_fix(h);
	case SCR_OPEN:
		return webhook_explain(h);
	case TUI_ACT_UP:
	case TUI_ACT_DOWN:
		return webhook_move(h, ev->action);
	case SCR_REVEAL:
		return webhook_reveal(h);
	case SCR_COPY:
		if (!h->it.webhook_endpoint)
			break;
		return webhook_copy("webhook endpoint", h->it.webhook_endpoint);
	case SCR_COPY_SECRET:
		if (!h->it.webhook_secret) {
			tui_message("Reveal the secret with r first; only a revealed secret is copied.",
				    true);
			return tui_redraw();
		}
		return webhook_copy("webhook secret", h->it.webhook_secret);
	default:
		break;
	}
	return tui_unhandled();
}

static void webhook_destroy(tui_screen *s)
{
	webhook *h = SCR_STATE(webhook, s);

	integration_free(&h->it); /* wipes a revealed secret */
	hooks_run_free(h->run);   /* abandoned: its callback never reaches h */
	hooks_report_free(&h->rep);
	free(h);
}

/* Revealing, copying the secret and fixing the webhooks need the admin role
 * of the integration's space. */
static bool webhook_allowed(tui_screen *s, int action, char *why, size_t size)
{
	webhook *h = SCR_STATE(webhook, s);

	if (!h->loaded || (action != SCR_REVEAL && action != SCR_COPY_SECRET && action != SCR_FIX))
		return true;
	return scr_admin_of(&h->it, action == SCR_FIX ? "Changing the webhooks of integration"
			    : "Revealing the webhook secret of integration", why, size);
}

static const tui_screen_ops webhook_ops = {
	.draw = webhook_draw,
	.key = webhook_key,
	.destroy = webhook_destroy,
	.allowed = webhook_allowed,
};

tui_screen *webhook_new(const char *slug)
{
	webhook *h = calloc(1, sizeof *h);

	if (!h)
		return NULL;
	snprintf(h->slug, sizeof h->slug, "%s", slug);
	pane_reset(&h->pane);
	h->s.ops = &webhook_ops;
	h->s.keys = webhook_keys;
	h->s.data = h;
	webhook_load(h);
	snprintf(h->title, sizeof h->title, "Webhook setup: %s", h->loaded ? h->it.name : slug);
	h->s.title = h->title;
	return &h->s;
}
