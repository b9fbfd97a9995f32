/* details.c - one integration: every field the user may see, reveal (30 s),
 * edit, rotate secret, delete, webhook setup, stacks using it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delivery.h"
#include "hooks.h"
#include "scr.h"
#include "secret.h"
#include "stacks.h"
#include "troubleshoot.h"
#include "verify.h"

#define REVEAL_MS 30000
#define DETAILS_POLL_MS 5000

typedef struct details {
	tui_screen s;
	char slug[256];
	char title[300];
	bb_integration it;
	bool loaded;
	char reason[BB_MSG_MAX]; /* why the user may not see the private fields */
	tui_pager pager;         /* the fields, scrolled and searched */
	int cy, cx;
	int timer; /* hides a revealed secret */
	verify_state verify; /* `v`: a check in the background */
	/* deliveries, for those who may see details */
	bb_delivery last;
	int has_last;
	long hourly[BB_DELIVERY_HOURS];
	/* after a rotation: the new secret written to the webhooks bbconsole manages */
	hooks_run *hooks;
	long hooks_done, hooks_total;
	char hooks_text[2 * BB_MSG_MAX]; /* the outcome, "" before any */
	bool hooks_failed;
} details;

const tui_keydef details_keys[] = {
	{SCR_REVEAL, {'r'}, "reveal", "Reveal the webhook secret for 30 seconds (audited).", true},
	{SCR_EDIT, {'e'}, "edit", "Edit email, token, labels, description, checks, space, workspaces.",
	 true},
	{SCR_WEBHOOK, {'w'}, "webhook", "Show what to enter in Bitbucket's webhook settings.", true},
	{SCR_ROTATE, {'R'}, "rotate", "Rotate the webhook secret (asks to confirm).", true},
	{SCR_DELETE, {'d'}, "delete", "Delete the integration (asks to confirm).", true},
	{SCR_VERIFY, {'v'}, "verify",
	 "Ask Bitbucket what the token can reach; the result is recorded for the list.", true},
	{SCR_TROUBLESHOOT, {'t'}, "diagnose",
	 "Open the Troubleshooting screen: each check with its curl command.", true},
	{SCR_COPY_SECRET, {'C'}, "copy secret",
	 "Copy the shown secret to your terminal's clipboard (OSC 52).", false},
	{SCR_STACKS, {'s'}, "stacks", "List the stacks and modules that use it.", true},
	{SCR_DELIVERIES, {'l'}, "deliveries",
	 "List the webhook deliveries received for it, newest first.", true},
	{SCR_SEARCH, {'/'}, "search",
	 "Search the details: type a word, Enter keeps it, Esc clears it.", false},
	{SCR_SEARCH_NEXT, {'n'}, "next", "Go to the next row that matches the search.", false},
	{SCR_SEARCH_PREV, {'N'}, "previous", "Go to the previous row that matches the search.",
	 false},
	TUI_KEYS_INCLUDE(tui_scroll_keys),
	{TUI_ACT_BACK, {TUI_K_ESC}, "back", "Go back to the list.", true},
	SCR_RELOAD_KEYS,
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this screen.", true},
	{TUI_ACT_QUIT, {'q'}, "quit", "Quit the console.", false},
	{0},
};

/* The newest delivery and the last 24 hours' counts (details viewers only). */
static void load_deliveries(details *d)
{
	bb_err err = {0};

	delivery_free(&d->last);
	d->has_last = 0;
	memset(d->hourly, 0, sizeof d->hourly);
	if (!d->loaded || !d->it.details_visible)
		return;
	if (delivery_last(scr_ctx(), d->slug, &d->last, &d->has_last, &err) != BB_OK ||
	    delivery_hourly(scr_ctx(), d->slug, d->hourly, &err) != BB_OK)
		scr_error(&err);
}

static void details_load(details *d, int reveal)
{
	bb_err err = {0};
	char *shown = NULL;

	/* a reload keeps a secret on show (revealing again would audit it again) */
	if (!reveal) {
		shown = d->it.webhook_secret;
		d->it.webhook_secret = NULL;
	}
	integration_free(&d->it);
	memset(&d->it, 0, sizeof d->it);
	d->loaded = integration_get(scr_ctx(), d->slug, reveal, &d->it, &err) == BB_OK;
	if (!d->loaded)
		scr_error(&err);
	if (shown && d->loaded && !d->it.webhook_secret)
		d->it.webhook_secret = shown;
	else if (shown)
		secret_free(shown);
	d->reason[0] = '\0';
	if (d->loaded && !d->it.details_visible)
		scr_details_reason(&d->it, d->reason, sizeof d->reason);
	load_deliveries(d);
	snprintf(d->title, sizeof d->title, "Integration: %s", d->loaded ? d->it.name : d->slug);
}

static void hide_secret(details *d)
{
	if (d->timer > 0)
		tui_timer_cancel(d->timer);
	d->timer = 0;
	if (d->it.webhook_secret) {
		secret_free(d->it.webhook_secret);
		d->it.webhook_secret = NULL;
	}
}

static void token_status(const bb_integration *it, char *out, size_t size)
{
	char t[40];

	scr_short_time(it->token_updated_at, t, sizeof t);
	if (!it->token_set) {
		snprintf(out, size, "not set");
		return;
	}
	snprintf(out, size, "set, updated %s%s%s", t, it->verify_known ? "; last check: " : "",
		 it->verify_known ? (it->verify_ok ? "verified" : "failed") : "");
}

/* "2026-12-06 (in 5 days)", "2026-11-20 (expired)". */
static void expiry_text(const bb_integration *it, char *out, size_t size)
{
	char now[BB_TIME_LEN];
	long days;

	util_now(now);
	days = integration_expiry_days(it->token_expires, now);
	if (days < 0)
		snprintf(out, size, "%s (expired: create a new token, then e to enter it)",
			 it->token_expires);
	else
		snprintf(out, size, "%s (in %ld day%s)", it->token_expires, days, days == 1 ? "" : "s");
}

/* Within BB_TOKEN_EXPIRY_WARN_DAYS of the token's expiry (or after it). */
static bool token_due(const bb_integration *it)
{
	char now[BB_TIME_LEN];

	util_now(now);
	return it->token_set &&
	       integration_expiry_days(it->token_expires, now) <= BB_TOKEN_EXPIRY_WARN_DAYS;
}

/* Rows a value of n characters without spaces takes in the value column. */
static int value_rows(const tui_pager *p, size_t n)
{
	int w = p->width - p->label_w;

	return w > 0 ? (int)((n + (size_t)w - 1) / (size_t)w) : 1;
}

/* The revealed secret on one row whenever it fits (a mouse selection takes
 * it whole): beside its label, else on a row of its own; wrapped only when no
 * row is wide enough. Returns the rows used. */
static int add_secret(tui_pager *p, const char *secret)
{
	size_t len = strlen(secret);

	if (len <= (size_t)(p->width - p->label_w))
		return tui_pager_add(p, "Secret", secret, A_BOLD);
	if (len <= (size_t)p->width)
		return tui_pager_add(p, "Secret", "(below; C copies it)", tui_attr(TUI_MUTED)) +
		       tui_pager_add_wide(p, secret, A_BOLD);
	return tui_pager_add_path(p, "Secret", secret, A_BOLD);
}

static void add_private(details *d, tui_pager *p)
{
	char buf[256], mask[200];
	int rows;

	if (!d->it.details_visible) {
		tui_pager_add_wide(p, d->reason, tui_attr(TUI_ERROR));
		return;
	}
	tui_pager_add(p, "Email", d->it.email, 0);
	tui_pager_add_path(p, "Endpoint", d->it.webhook_endpoint, 0);
	/* as many rows shown or not, so revealing never moves the rows below */
	if (d->it.webhook_secret) {
		rows = add_secret(p, d->it.webhook_secret);
	} else {
		scr_mask_hint(64, (size_t)(p->width > 40 ? 24 : 8), "  (r reveals)", mask,
			      sizeof mask);
		rows = tui_pager_add(p, "Secret", mask, 0);
	}
	for (; rows < value_rows(p, 64); rows++)
		tui_pager_gap(p);
	token_status(&d->it, buf, sizeof buf);
	tui_pager_add(p, "API token", buf, 0);
	if (d->it.token_expires && d->it.token_set) {
		expiry_text(&d->it, buf, sizeof buf);
		tui_pager_add(p, "Token expires", buf, token_due(&d->it) ? tui_attr(TUI_ERROR) : 0);
	}
}

/* "3 min ago: repo:push acme/network (accepted)", or how to get the first. */
static void last_delivery_text(const details *d, char *out, size_t size)
{
	char now[BB_TIME_LEN], ago[32];

	if (!d->has_last) {
		snprintf(out, size, "none yet (l lists them; w shows the webhook to add)");
		return;
	}
	util_now(now);
	util_ago(d->last.received_at, now, ago, sizeof ago);
	snprintf(out, size, "%s: %s %s (%s)", ago, d->last.event ? d->last.event : "no event",
		 d->last.repository ? d->last.repository : "-",
		 d->last.outcome ? d->last.outcome : "-");
}

/* The deliveries rows: the last one, a sparkline of the last 24 hours, and
 * until when the secret before a rotation is still accepted. */
static void add_deliveries(details *d, tui_pager *p)
{
	char buf[512], spark[BB_DELIVERY_HOURS * 4 + 1], t[48];
	long total = 0;

	if (!d->it.details_visible)
		return;
	last_delivery_text(d, buf, sizeof buf);
	tui_pager_add(p, "Last delivery", buf,
		      d->has_last && d->last.outcome && strncmp(d->last.outcome, "rejected", 8) == 0
			      ? tui_attr(TUI_ERROR) : 0);
	for (int i = 0; i < BB_DELIVERY_HOURS; i++)
		total += d->hourly[i];
	tui_sparkline(d->hourly, BB_DELIVERY_HOURS, spark, sizeof spark);
	snprintf(buf, sizeof buf, "%s  %ld in 24 h, per hour", spark, total);
	tui_pager_add(p, "Deliveries", buf, 0);
	if (d->it.secret_grace_until) {
		scr_local_time(d->it.secret_grace_until, t, sizeof t);
		snprintf(buf, sizeof buf, "the secret before the last rotation is accepted until %s",
			 t);
		tui_pager_add(p, "Old secret", buf, tui_attr(TUI_MUTED));
	}
}

/* The fields, one pager row or more each (scrolled, searchable). */
static void add_fields(details *d, tui_pager *p)
{
	const bb_integration *it = &d->it;
	char buf[1024], t1[40], t2[40];

	tui_pager_add(p, "Name", it->name, A_BOLD);
	snprintf(buf, sizeof buf, "%s  (type %s, space %s)", it->slug, it->type, it->space);
	tui_pager_add(p, "Id", buf, 0);
	add_private(d, p);
	scr_join(&it->labels, buf, sizeof buf);
	tui_pager_add(p, "Labels", it->labels.n ? buf : "(none)", 0);
	tui_pager_add(p, "VCS checks", it->vcs_checks, 0);
	scr_join(&it->workspaces, buf, sizeof buf);
	tui_pager_add(p, "Workspaces", it->workspaces.n ? buf : "(discovered)", 0);
	snprintf(buf, sizeof buf, "%ld", it->stacks);
	tui_pager_add(p, "Stacks", buf, 0);
	add_deliveries(d, p);
	scr_short_time(it->created_at, t1, sizeof t1);
	scr_short_time(it->updated_at, t2, sizeof t2);
	snprintf(buf, sizeof buf, "%s by %s; updated %s by %s", t1, it->created_by ? it->created_by : "-",
		 t2, it->updated_by ? it->updated_by : "-");
	tui_pager_add(p, "Created", buf, 0);
	tui_pager_add(p, "Description", it->description && *it->description ? it->description
		      : "(none)", 0);
}

/* The outcome of a check or of the webhook update, whole (never cut). */
static void status_text(const details *d, char *out, size_t size, attr_t *attr)
{
	size_t n = 0;

	out[0] = '\0';
	*attr = 0;
	if (d->hooks)
		n += (size_t)snprintf(out, size, "Updating the webhooks with the new secret: %ld of "
				      "%ld requests (Esc cancels)", d->hooks_done, d->hooks_total);
	else if (d->hooks_text[0])
		n += (size_t)snprintf(out, size, "%s", d->hooks_text);
	if (d->hooks_failed && !d->hooks)
		*attr = tui_attr(TUI_ERROR);
	if (d->verify.status != VERIFY_IDLE && n < size) {
		snprintf(out + n, size - n, "%s%s%s", n ? "\n" : "", verify_status_text(&d->verify),
			 verify_running(&d->verify) ? " (Esc cancels)" : "");
		if (d->verify.status == VERIFY_FAILED)
			*attr = tui_attr(TUI_ERROR);
	}
}

static void details_draw(tui_screen *s, WINDOW *win, bool full)
{
	details *d = SCR_STATE(details, s);
	tui_rect a = s->area;
	int x = a.x + 2, width = a.w - 4, srows = 0;
	char status[3 * BB_MSG_MAX + 64];
	attr_t sattr;

	(void)full;
	for (int r = 0; r < a.h; r++)
		tui_fill(win, a.y + r, a.x, a.w, 0);
	if (!d->loaded)
		return;
	status_text(d, status, sizeof status, &sattr);
	if (status[0]) {
		srows = scr_wrap_rows(width, status);
		if (srows > a.h / 2)
			srows = a.h / 2;
		scr_wrap(win, a.y + a.h - srows, x, width, srows, status, sattr);
		srows++; /* a blank row above it */
	}
	tui_pager_begin(&d->pager, width, 14);
	add_fields(d, &d->pager);
	tui_pager_draw(&d->pager, win, (tui_rect){a.y + 1, x, a.h - 1 - srows, width}, &d->cy,
		       &d->cx);
}

static tui_ret hide_timer(void *arg)
{
	details *d = arg;

	d->timer = 0;
	hide_secret(d);
	tui_message("The secret is hidden again.", false);
	return tui_redraw();
}

static tui_ret details_reveal(details *d)
{
	char why[BB_MSG_MAX];

	if (!d->it.details_visible) {
		scr_details_reason(&d->it, why, sizeof why);
		tui_message(why, true);
		return tui_redraw();
	}
	hide_secret(d);
	details_load(d, 1);
	if (d->it.webhook_secret) {
		d->timer = tui_timer_add(REVEAL_MS, false, hide_timer, d);
		tui_message("Secret shown for 30 seconds; the reveal was written to the audit log.",
			    false);
	}
	return tui_redraw();
}

static void hooks_progress(void *user, long done, long total)
{
	details *d = user;

	d->hooks_done = done;
	d->hooks_total = total;
}

/* "acme/a (secret-stale), acme/b (not finished)": the hooks the re-key left wrong. */
static long hooks_refused(const hooks_report *r, char *out, size_t size)
{
	long failed = 0;
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < r->n && n < size; i++) {
		const hooks_repo *h = &r->v[i];

		if (!h->pending && h->state != HOOKS_ERROR &&
		    (h->state == HOOKS_MISSING || hooks_state_working(h->state)))
			continue;
		n += (size_t)snprintf(out + n, size - n, "%s%s (%s)", failed ? ", " : "", h->repository,
				      h->pending ? "not finished" : hooks_state_name(h->state));
		failed++;
	}
	return failed;
}

static void hooks_updated(void *user, hooks_report *r)
{
	details *d = user;
	char failed[BB_MSG_MAX];
	long nfailed = hooks_refused(r, failed, sizeof failed);
	int n;

	n = snprintf(d->hooks_text, sizeof d->hooks_text, "Webhooks updated with the new secret: "
		     "%ld.", r->changed);
	if (r->code != BB_OK)
		snprintf(d->hooks_text + n, sizeof d->hooks_text - (size_t)n, " %s", r->msg);
	else if (nfailed)
		snprintf(d->hooks_text + n, sizeof d->hooks_text - (size_t)n, " Not updated: %s; fix "
			 "them on the webhook screen (w, then f) before the old secret expires.",
			 failed);
	else
		snprintf(d->hooks_text + n, sizeof d->hooks_text - (size_t)n, " None failed.");
	d->hooks_failed = r->code != BB_OK || nfailed > 0;
	hooks_run_free(d->hooks);
	d->hooks = NULL;
	tui_message(d->hooks_failed ? "Some webhooks were not updated (listed on the screen)."
		    : "Every webhook bbconsole manages has the new secret.", d->hooks_failed);
}

static tui_ret hooks_answer(void *arg, enum tui_answer a)
{
	details *d = arg;
	bb_client *c;
	bb_err err = {0};

	if (a != TUI_ANSWER_YES || d->hooks)
		return tui_redraw();
	d->hooks_text[0] = '\0';
	d->hooks_done = d->hooks_total = 0;
	if (!(c = verify_client(&err)) ||
	    hooks_start(scr_ctx(), c, d->slug, HOOKS_REKEY, NULL, hooks_progress, hooks_updated, d,
			&d->hooks, &err) != BB_OK) {
		scr_error(&err);
		return tui_redraw();
	}
	tui_message("Writing the new secret to the webhooks; Esc cancels.", false);
	return tui_redraw();
}

/* How many repositories' webhooks bbconsole recorded as its own (no network). */
static long hooks_managed(const details *d)
{
	hooks_report r;
	bb_err err = {0};
	long n = 0;

	if (hooks_load(scr_ctx(), d->slug, &r, &err) == BB_OK)
		for (size_t i = 0; i < r.n; i++)
			n += r.v[i].hook_uuid != NULL;
	hooks_report_free(&r);
	return n;
}

/* The secret shown for REVEAL_MS (after a rotation: the new one, without a
 * reveal of its own; the rotation is audited). */
static void show_secret(details *d, const char *secret)
{
	hide_secret(d);
	if (!(d->it.webhook_secret = util_strdup(secret)))
		return;
	d->timer = tui_timer_add(REVEAL_MS, false, hide_timer, d);
}

static tui_ret copy_secret(details *d)
{
	char msg[256];

	if (!d->it.webhook_secret) {
		tui_message("Reveal the secret with r first; only a shown secret is copied.", true);
		return tui_redraw();
	}
	tui_clipboard_copy("webhook secret", d->it.webhook_secret, msg, sizeof msg);
	tui_message(msg, false);
	return tui_redraw();
}

static tui_ret copy_answer(void *arg, enum tui_answer a)
{
	return a == TUI_ANSWER_YES ? copy_secret(arg) : tui_redraw();
}

static tui_ret rotate_answer(void *arg, enum tui_answer a)
{
	details *d = arg;
	char secret[65], text[600];
	bb_err err = {0};
	tui_screen *m;
	long managed;
	int n;

	if (a != TUI_ANSWER_YES)
		return tui_redraw();
	if (integration_rotate_secret(scr_ctx(), d->slug, secret, &err) != BB_OK) {
		scr_error(&err);
		return tui_redraw();
	}
	scr_changed();
	managed = hooks_managed(d);
	n = snprintf(text, sizeof text, "New webhook secret:\n%s\n", secret); /* a row of its own */
	if (managed)
		snprintf(text + n, sizeof text - (size_t)n, "bbconsole manages the webhooks of %ld "
			 "repositor%s: Update webhooks writes the new secret to them now (C copies it "
			 "while it is shown). The old secret is still accepted for %ld hours.", managed,
			 managed == 1 ? "y" : "ies",
			 BB_SECRET_GRACE_SECONDS / 3600);
	else
		snprintf(text + n, sizeof text - (size_t)n, "Update it in every repository's webhook "
			 "in Bitbucket; the old secret is still accepted for %ld hours, so no delivery "
			 "is refused meanwhile.", BB_SECRET_GRACE_SECONDS / 3600);
	details_load(d, 0); /* the new secret stays shown over the reloaded details */
	show_secret(d, secret);
	secret_wipe(secret, sizeof secret);
	m = managed ? tui_dialog_confirm("Secret rotated", text, "Update webhooks", "Close", false,
					  hooks_answer, d)
		    : tui_dialog_confirm("Secret rotated", text, "Copy secret", "Close", true,
					  copy_answer, d);
	secret_wipe(text, sizeof text);
	return m ? tui_push(m) : (tui_ret){TUI_R_FULL, 0, NULL};
}

static tui_ret details_stacks(details *d)
{
	char msg[160];

	snprintf(msg, sizeof msg, "%ld stacks and modules use this integration.", d->it.stacks);
	tui_message(msg, false);
	return tui_redraw();
}

/* `/`, n, N and the scrolling keys. */
static tui_ret details_key(tui_screen *s, const tui_event *ev)
{
	details *d = SCR_STATE(details, s);
	tui_screen *next = NULL;
	tui_ret r;

	if (!d->loaded && ev->action >= TUI_ACT_APP)
		return tui_unhandled();
	if (!((r = tui_pager_key(&d->pager, ev)).flags & TUI_R_UNHANDLED))
		return r; /* scrolling, search; Esc first clears a search */
	if (ev->action == TUI_ACT_BACK && d->hooks) {
		hooks_cancel(d->hooks); /* the outcome comes back with what was done */
		return tui_redraw();
	}
	if (ev->action == TUI_ACT_BACK && verify_running(&d->verify)) {
		verify_cancel(&d->verify); /* Esc first stops a running check */
		return tui_redraw();
	}
	switch (ev->action) {
	case SCR_REVEAL: return details_reveal(d);
	case SCR_COPY_SECRET: return copy_secret(d);
	case SCR_STACKS:
		if (!(next = stacks_new(d->slug)))
			return details_stacks(d);
		break;
	case SCR_EDIT: next = edit_new(&d->it); break;
	case SCR_WEBHOOK: next = webhook_new(d->slug); break;
	case SCR_DELIVERIES:
		if (!d->it.details_visible) {
			char why[BB_MSG_MAX];

			scr_details_reason(&d->it, why, sizeof why);
			tui_message(why, true);
			return tui_redraw();
		}
		next = deliveries_new(d->slug, d->it.name);
		break;
	case SCR_VERIFY:
		if (verify_saved(&d->verify, scr_ctx(), d->slug) != 0)
			tui_message(verify_status_text(&d->verify), true);
		return tui_redraw();
	case SCR_TROUBLESHOOT: next = troubleshoot_new(d->slug); break;
	case SCR_DELETE: next = delete_new(d->slug, 2); break;
	case SCR_ROTATE:
		next = tui_dialog_confirm("Rotate the webhook secret?",
			"A new secret replaces the current one; the old one is still accepted for "
			"24 hours while you update every repository's webhook in Bitbucket.",
			"Rotate", "Cancel", false,
			rotate_answer, d);
		break;
	default:
		return tui_unhandled();
	}
	hide_secret(d); /* leaving the screen hides it */
	return next ? tui_push(next) : tui_redraw();
}

/* The actions on the integration itself need the admin role of its space
 * (what seeing its details needs): a reader is told so at once, before any
 * question, and does not see them in the hint bar. Troubleshooting stays
 * open to a reader: its screen says which checks need what. */
static bool details_allowed(tui_screen *s, int action, char *why, size_t size)
{
	details *d = SCR_STATE(details, s);
	const char *doing;

	switch (action) {
	case SCR_REVEAL: doing = "Revealing the webhook secret of integration"; break;
	case SCR_ROTATE: doing = "Rotating the webhook secret of integration"; break;
	case SCR_EDIT: doing = "Changing integration"; break;
	case SCR_DELETE: doing = "Deleting integration"; break;
	case SCR_VERIFY: doing = "Verifying integration"; break;
	case SCR_WEBHOOK:
	case SCR_DELIVERIES: doing = "Seeing the details of integration"; break;
	default: return true;
	}
	return !d->loaded || scr_admin_of(&d->it, doing, why, size);
}

static void details_destroy(tui_screen *s)
{
	details *d = SCR_STATE(details, s);

	hide_secret(d);
	hooks_run_free(d->hooks); /* abandoned: its callback never reaches d */
	verify_destroy(&d->verify);
	tui_pager_destroy(&d->pager);
	integration_free(&d->it);
	delivery_free(&d->last);
	free(d);
}

/* A finished check was recorded by core: reload to show it. */
static void details_verified(void *arg, verify_state *v)
{
	(void)v;
	details_load(arg, 0);
}

/* Deliveries arrive from the receiver, another process: look again now and then. */
static tui_ret details_tick(tui_screen *s)
{
	details *d = SCR_STATE(details, s);

	load_deliveries(d);
	return tui_redraw();
}

static void details_refresh(tui_screen *s)
{
	details_load(SCR_STATE(details, s), 0);
}

static bool details_cursor(tui_screen *s, int *y, int *x)
{
	details *d = SCR_STATE(details, s);

	*y = d->cy, *x = d->cx;
	return d->pager.searching;
}

static const tui_screen_ops details_ops = {
	.draw = details_draw,
	.key = details_key,
	.destroy = details_destroy,
	.tick = details_tick,
	.allowed = details_allowed,
	.reload = details_refresh,
	.cursor = details_cursor,
};

tui_screen *details_new(const char *slug)
{
	details *d = calloc(1, sizeof *d);

	if (!d || tui_pager_init(&d->pager) != 0) {
		free(d);
		return NULL;
	}
	snprintf(d->slug, sizeof d->slug, "%s", slug);
	verify_init(&d->verify, details_verified, d);
	d->s.ops = &details_ops;
	d->s.keys = details_keys;
	d->s.title = d->title;
	d->s.data = d;
	d->s.tick_ms = DETAILS_POLL_MS;
	details_load(d, 0);
	return &d->s;
}
