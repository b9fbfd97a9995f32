/* webhook.c - what to enter in Bitbucket for an integration's webhook:
 * endpoint, secret (masked until revealed), triggers, the Pull Request Commit
 * Links app, and OSC 52 copy actions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scr.h"

typedef struct webhook {
	tui_screen s;
	char slug[256];
	char title[300];
	bb_integration it;
	bool loaded;
} webhook;

const tui_keydef webhook_keys[] = {
	{SCR_REVEAL, {'r'}, "reveal", "Reveal the webhook secret (admins; written to the audit log).",
	 true},
	{SCR_COPY, {'c'}, "copy URL", "Copy the endpoint to your terminal's clipboard (OSC 52).", true},
	{SCR_COPY_SECRET, {'C'}, "copy secret",
	 "Copy the revealed secret to your terminal's clipboard (OSC 52).", true},
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back.", true},
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

static void webhook_draw(tui_screen *s, WINDOW *win, bool full)
{
	webhook *h = SCR_STATE(webhook, s);
	tui_rect a = s->area;
	int x = a.x + 2, width = a.w - 4, y = a.y + 1;
	char mask[200];

	(void)full;
	for (int r = 0; r < a.h; r++)
		tui_fill(win, a.y + r, a.x, a.w, 0);
	if (!h->loaded)
		return;
	scr_wrap(win, y, x, width, 2, "In each repository: Repository settings, Webhooks, Add "
		 "webhook; enter this URL and secret, and keep it active.", 0);
	y += 3;
	tui_put(win, y++, x, width, "URL (endpoint)", tui_attr(TUI_MUTED), true);
	y += scr_wrap_path(win, y, x + 2, width - 2, 2,
		      h->it.webhook_endpoint ? h->it.webhook_endpoint : "(hidden)", A_BOLD);
	tui_put(win, y++, x, width, "Secret", tui_attr(TUI_MUTED), true);
	if (h->it.webhook_secret)
		tui_put(win, y++, x + 2, width - 2, h->it.webhook_secret, A_BOLD, true);
	else {
		scr_mask_hint(64, (size_t)(width > 30 ? width - 30 : 8), "  (r reveals)", mask,
			      sizeof mask);
		tui_put(win, y++, x + 2, width - 2, mask, 0, true);
	}
	y++;
	y += scr_wrap(win, y, x, width, 3, triggers, 0) + 1;
	scr_wrap(win, y, x, width, a.y + a.h - y, app_note, tui_attr(TUI_MUTED));
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

	switch (ev->action) {
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
	free(h);
}

static const tui_screen_ops webhook_ops = {
	.draw = webhook_draw,
	.key = webhook_key,
	.destroy = webhook_destroy,
};

tui_screen *webhook_new(const char *slug)
{
	webhook *h = calloc(1, sizeof *h);

	if (!h)
		return NULL;
	snprintf(h->slug, sizeof h->slug, "%s", slug);
	h->s.ops = &webhook_ops;
	h->s.keys = webhook_keys;
	h->s.data = h;
	webhook_load(h);
	snprintf(h->title, sizeof h->title, "Webhook setup: %s", h->loaded ? h->it.name : slug);
	h->s.title = h->title;
	return &h->s;
}
