/* troubleshoot.c - the Troubleshooting screen: credentials, workspace access,
 * repositories visible and pull-request access come from one background
 * verification; the Pull Request Commit Links app from a second check on a
 * commit the user types. Each row shows its state and, when selected, the
 * curl command that checks the same thing by hand and what its answer means.
 * Nothing here waits: both checks run on the console's shared client. */
#include "troubleshoot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitbucket.h"
#include "delivery.h"
#include "integration.h"
#include "pane.h"
#include "scr.h"
#include "verify.h"

/* ROW_DELIVERIES asks the database, not Bitbucket: it has no curl command. */
enum { ROW_CREDS, ROW_WS, ROW_REPOS, ROW_PR, ROW_LINKS, ROW_DELIVERIES, ROW_COUNT };
#define DELIVERY_DAYS 7

/* What a row shows. */
enum { CK_NOT_RUN, CK_RUNNING, CK_OK, CK_WARN, CK_FAILED, CK_SKIPPED, CK_CANCELLED };

enum { FOCUS_LIST, FOCUS_REPO, FOCUS_COMMIT, FOCUS_COUNT };

enum { TS_RUN = SCR_RUN };

typedef struct troubleshoot {
	tui_screen s;
	bb_ctx *ctx;
	char slug[256];
	char title[300];
	bb_integration it;
	bool loaded;
	verify_state verify, links;
	int state[ROW_COUNT];
	char summary[ROW_COUNT][BB_MSG_MAX]; /* in the row (cut to fit) */
	char detail[ROW_COUNT][BB_MSG_MAX]; /* under the curl command, when selected */
	char workspace[128];  /* for the curl commands */
	bb_check *checks;
	size_t nchecks;
	tui_field repo, commit;
	int focus;
	int sel;
	int cy, cx;
	bool cursor;
	pane pane;            /* the selected check's text, scrolled when taller than the rows left */
} troubleshoot;

const tui_keydef troubleshoot_keys[] = {
	{TS_RUN, {'v', TUI_K_ENTER}, "run",
	 "Run the checks again; with a repository and a commit typed, the commit check too.", true},
	{TUI_ACT_DOWN, {TUI_K_DOWN, 'j'}, "select",
	 "Select the next check to see its result and its curl command.", true},
	{TUI_ACT_UP, {TUI_K_UP, 'k'}, NULL, "Select the previous check.", false},
	{SCR_COPY, {'c'}, "copy curl",
	 "Copy the selected check's curl command (OSC 52); the token stays a placeholder.", true},
	{SCR_NEXT_FIELD, {TUI_K_TAB}, "commit",
	 "Move between the checks and the repository and commit fields.", true},
	{SCR_PREV_FIELD, {TUI_K_BACKTAB}, "", "Move back between the fields and the checks.", false},
	{TUI_ACT_BACK, {TUI_K_ESC}, "cancel/back",
	 "Cancel the checks that are running; when none runs, go back.", true},
	{TUI_ACT_HELP, {'?', TUI_K_F1}, "help", "Show the keys of this screen.", true},
	{TUI_ACT_QUIT, {'q'}, "quit", "Quit the console.", false},
	PANE_KEYS,
	TUI_KEYS_INCLUDE(tui_field_keys),
	{0},
};

/* detail NULL: the summary says it all. */
static void set_row(troubleshoot *t, int row, int state, const char *summary, const char *detail)
{
	t->state[row] = state;
	snprintf(t->summary[row], sizeof t->summary[row], "%s", summary ? summary : "");
	snprintf(t->detail[row], sizeof t->detail[row], "%s", detail ? detail : t->summary[row]);
}

/* ---- the curl commands ------------------------------------------------------------ */

static void rebuild_checks(troubleshoot *t)
{
	const char *repo = tui_field_value(&t->repo), *commit = tui_field_value(&t->commit);
	const char *ws = t->workspace[0] ? t->workspace : NULL;
	char from_repo[128];
	bb_err err = {0};

	if (!ws && strchr(repo, '/')) {
		snprintf(from_repo, sizeof from_repo, "%.*s", (int)strcspn(repo, "/"), repo);
		ws = from_repo;
	}
	bitbucket_checks_free(t->checks, t->nchecks);
	t->checks = NULL;
	t->nchecks = 0;
	if (bitbucket_checks(t->it.email, ws, repo, commit, &t->checks, &t->nchecks, &err) != BB_OK)
		scr_error(&err);
}

/* ---- the deliveries check --------------------------------------------------------- */

/* What arrived at the endpoint over DELIVERY_DAYS days, and what that means. */
static void check_deliveries(troubleshoot *t)
{
	bb_delivery_stats st = {0};
	bb_err err = {0};
	char sum[160], detail[BB_MSG_MAX];

	if (delivery_stats(t->ctx, t->slug, DELIVERY_DAYS, &st, &err) != BB_OK) {
		set_row(t, ROW_DELIVERIES, CK_SKIPPED, "not checked", err.msg);
		return;
	}
	if (st.total == 0) {
		set_row(t, ROW_DELIVERIES, CK_WARN, "none in 7 days",
			"No delivery arrived in 7 days. In Bitbucket, check each repository's "
			"webhook: the URL is this integration's endpoint (w shows it), it is active, "
			"Push and the pull-request triggers are ticked; its View requests log shows "
			"what Bitbucket got back. bbconsole serve must be running behind that URL.");
	} else if (st.bad_signature > 0) {
		snprintf(sum, sizeof sum, "%ld of %ld refused: signature", st.bad_signature, st.total);
		snprintf(detail, sizeof detail, "%ld %s in 7 days refused because the "
			 "signature did not match: the secret in Bitbucket differs from this "
			 "integration's. Paste the secret again in each webhook (w, then r), or rotate "
			 "it (R on the details) and update the webhooks.", st.bad_signature,
			 st.bad_signature == 1 ? "delivery was" : "deliveries were");
		set_row(t, ROW_DELIVERIES, CK_FAILED, sum, detail);
	} else {
		snprintf(sum, sizeof sum, "%ld in 7 days, %ld accepted", st.total, st.accepted);
		set_row(t, ROW_DELIVERIES, CK_OK, sum, "Bitbucket's deliveries reach the endpoint "
			"and their signatures match; l on the details lists them.");
	}
}

/* ---- results into rows ------------------------------------------------------------- */

/* The row a failed verification stopped at, from the request that failed
 * (core's step), never from the wording of the sentence. */
static int failed_row(const bb_job_result *r)
{
	switch (r->step) {
	case BB_STEP_PR:
	case BB_STEP_SOURCE:
		return ROW_PR;
	case BB_STEP_REPOS:
		return ROW_REPOS;
	case BB_STEP_WORKSPACES:
		/* 401 on the first request is the credentials themselves */
		return r->status == 401 ? ROW_CREDS : ROW_WS;
	default:
		return ROW_CREDS; /* /user, network, TLS, rate limit, deadline */
	}
}

#define ACCEPTED "Bitbucket accepts the email and the API token."

static void row_workspaces(troubleshoot *t, const bb_verify_info *v)
{
	char names[256], all[BB_MSG_MAX];

	scr_join(&v->workspaces, names, sizeof names);
	snprintf(all, sizeof all, "The token reaches %zu workspace%s: %s.", v->workspaces.n,
		 v->workspaces.n == 1 ? "" : "s", names);
	if (v->workspaces_from_config)
		set_row(t, ROW_WS, CK_WARN, "from the integration", "The token lacks "
			"read:workspace:bitbucket, so the workspaces named in the integration were "
			"used; add the scope to let them be discovered.");
	else
		set_row(t, ROW_WS, CK_OK, names, all);
	if (v->workspaces.n)
		snprintf(t->workspace, sizeof t->workspace, "%s", v->workspaces.v[0]);
}

static void row_repositories(troubleshoot *t, const bb_verify_info *v)
{
	char buf[96];

	snprintf(buf, sizeof buf, "%ld repositor%s visible", v->repositories,
		 v->repositories == 1 ? "y" : "ies");
	if (v->repositories > 0)
		set_row(t, ROW_REPOS, CK_OK, buf, NULL);
	else
		set_row(t, ROW_REPOS, CK_WARN, "none visible", "No repository is visible: check the "
			"workspaces and that the account is a member of the repositories.");
}

/* The webhook scopes come from the same verification (its GET hooks probe):
 * they add to the pull-request row's detail, and a refusal shows in its summary. */
static void row_hooks(troubleshoot *t, const bb_verify_info *v)
{
	char hooks[BB_MSG_MAX];
	size_t n = strlen(t->detail[ROW_PR]);

	verify_hooks_text(v, hooks, sizeof hooks);
	snprintf(t->detail[ROW_PR] + n, sizeof t->detail[ROW_PR] - n, " %s", hooks);
	if (v->hooks_access == 0) {
		n = strlen(t->summary[ROW_PR]);
		snprintf(t->summary[ROW_PR] + n, sizeof t->summary[ROW_PR] - n,
			 "; no webhook scopes");
	}
}

static void rows_ok(troubleshoot *t, const bb_verify_info *v)
{
	set_row(t, ROW_CREDS, CK_OK, "accepted", ACCEPTED);
	row_workspaces(t, v);
	row_repositories(t, v);
	if (v->pr_access == 1)
		set_row(t, ROW_PR, CK_OK, "readable", "The token can read pull requests.");
	else
		set_row(t, ROW_PR, CK_WARN, "not tried", "Not tried: no repository was visible to "
			"try it on.");
	row_hooks(t, v);
}

/* Rows before `at` passed, `at` failed with msg, the later ones never ran. */
static void rows_stopped(troubleshoot *t, int at, const bb_job_result *r, const char *msg)
{
	set_row(t, ROW_CREDS, CK_OK, "accepted", ACCEPTED);
	if (at > ROW_WS)
		set_row(t, ROW_WS, CK_OK, "listed", NULL);
	if (at > ROW_REPOS && r)
		row_repositories(t, &r->verify);
	set_row(t, at, CK_FAILED, msg, msg);
	for (int i = at + 1; i < ROW_LINKS; i++)
		set_row(t, i, CK_SKIPPED, "", "Not checked: an earlier check failed.");
	t->sel = at; /* the failure is what the user wants to read */
	pane_reset(&t->pane);
}

static void on_verified(void *arg, verify_state *v)
{
	troubleshoot *t = arg;

	if (v->status == VERIFY_OK)
		rows_ok(t, &v->result.verify);
	else
		rows_stopped(t, failed_row(&v->result), &v->result, v->result.msg);
	rebuild_checks(t);
}

static void on_links(void *arg, verify_state *v)
{
	troubleshoot *t = arg;
	int state = CK_FAILED;

	if (v->status == VERIFY_OK)
		state = v->result.links == BB_LINKS_OK ? CK_OK : CK_WARN;
	set_row(t, ROW_LINKS, state, state == CK_OK ? "the app answers" : v->result.msg,
		v->result.msg);
}

/* ---- running and cancelling ---------------------------------------------------------- */

static void start_links(troubleshoot *t)
{
	const char *repo = tui_field_value(&t->repo), *commit = tui_field_value(&t->commit);

	if (!*repo || !*commit) {
		set_row(t, ROW_LINKS, CK_NOT_RUN, "type a repository and commit",
			"Type a repository (workspace/slug) and a commit hash above (Tab), then "
			"press Enter.");
		return;
	}
	if (verify_start_commit(&t->links, t->ctx, t->slug, repo, commit) == 0)
		set_row(t, ROW_LINKS, CK_RUNNING, "", "Asking Bitbucket\u2026");
	else
		set_row(t, ROW_LINKS, CK_FAILED, t->links.text, NULL);
}

/* Runs fn when the user may use the integration's credentials (core reads
 * and decrypts them for each job); false with the sentence shown when not. */
static bool with_credentials(troubleshoot *t, bool all, void (*fn)(troubleshoot *t))
{
	bb_err err = {0};

	if (integration_may_use(t->ctx, t->slug, &err) != BB_OK) {
		for (int i = all ? 0 : ROW_LINKS; i < ROW_DELIVERIES; i++)
			set_row(t, i, CK_NOT_RUN, "", err.msg);
		scr_error(&err);
		return false;
	}
	fn(t);
	tui_message(NULL, false);
	return true;
}

static void start_all(troubleshoot *t)
{
	if (verify_start_saved(&t->verify, t->ctx, t->slug) == 0) {
		for (int i = ROW_CREDS; i < ROW_LINKS; i++)
			set_row(t, i, CK_RUNNING, "", "Asking Bitbucket\u2026");
	} else {
		rows_stopped(t, ROW_CREDS, NULL, t->verify.text);
	}
	start_links(t);
}

static void run_checks(troubleshoot *t)
{
	check_deliveries(t);
	with_credentials(t, true, start_all);
}

static bool cancel_checks(troubleshoot *t)
{
	bool any = verify_running(&t->verify) || verify_running(&t->links);

	verify_cancel(&t->verify);
	verify_cancel(&t->links);
	for (int i = 0; i < ROW_COUNT; i++)
		if (t->state[i] == CK_RUNNING)
			set_row(t, i, CK_CANCELLED, "", "Cancelled; press v to run the checks again.");
	if (any)
		tui_message("Checks cancelled.", false);
	return any;
}

/* ---- drawing ----------------------------------------------------------------------- */

static const char *state_text(int state)
{
	static const char frames[] = "|/-\\";
	static char running[16];

	switch (state) {
	case CK_RUNNING:
		snprintf(running, sizeof running, "%c running", frames[(tui_now_ms() / 200) % 4]);
		return running;
	case CK_OK: return "ok";
	case CK_WARN: return "warning";
	case CK_FAILED: return "FAILED";
	case CK_SKIPPED: return "not checked";
	case CK_CANCELLED: return "cancelled";
	default: return "not run";
	}
}

static void draw_fields(troubleshoot *t, WINDOW *win, int y, int x, int width)
{
	int rw = width > 70 ? 34 : (width - 24) * 3 / 5, cw = width - rw - 21;
	int *cy = &t->cy, *cx = &t->cx;

	tui_put(win, y, x, 11, "Repository", tui_attr(TUI_MUTED), true);
	tui_field_draw(&t->repo, win, y, x + 11, rw, t->focus == FOCUS_REPO,
		       t->focus == FOCUS_REPO ? cy : NULL, t->focus == FOCUS_REPO ? cx : NULL);
	tui_put(win, y, x + 11 + rw, 9, "  Commit", tui_attr(TUI_MUTED), true);
	if (cw > 4)
		tui_field_draw(&t->commit, win, y, x + 20 + rw, cw, t->focus == FOCUS_COMMIT,
			       t->focus == FOCUS_COMMIT ? cy : NULL,
			       t->focus == FOCUS_COMMIT ? cx : NULL);
}

static void draw_row(troubleshoot *t, WINDOW *win, int y, int x, int width, int row)
{
	bool sel = row == t->sel;
	attr_t base = sel ? tui_attr(TUI_SELECTED) : 0;
	attr_t st = t->state[row] == CK_FAILED ? tui_attr(TUI_ERROR) : 0;
	const char *title = row == ROW_DELIVERIES ? "Webhook deliveries"
			    : row < (int)t->nchecks ? t->checks[row].title : "";

	int tw = width >= 76 ? 31 : 22; /* the titles are cut below 80 columns */

	tui_fill(win, y, x, width, base);
	tui_put(win, y, x, 2, sel ? ">" : " ", base, true);
	tui_put(win, y, x + 2, 13, state_text(t->state[row]), base | st, true);
	tui_put(win, y, x + 15, tw, title, base | A_BOLD, true);
	if (width > 15 + tw)
		tui_put(win, y, x + 15 + tw, width - 15 - tw, t->summary[row], base, true);
	if (sel && t->focus == FOCUS_LIST) {
		t->cy = y;
		t->cx = x;
	}
}

/* The selected check: its result first (what a small window shows), then
 * its curl command and what the answers mean, all of it (the pane scrolls
 * what the rows left cannot show). Returns the rows used. */
static int draw_selected(troubleshoot *t, WINDOW *win, int width)
{
	const bb_check *c = t->sel < (int)t->nchecks ? &t->checks[t->sel] : NULL;
	attr_t attr = t->state[t->sel] == CK_FAILED ? tui_attr(TUI_ERROR) : 0;
	int y = 0;

	if (t->sel == ROW_DELIVERIES)
		return scr_wrap(win, 0, 0, width, PANE_ROWS, t->detail[t->sel], attr);
	if (!c)
		return 0;
	if (t->detail[t->sel][0])
		y += 1 + scr_wrap(win, y, 0, width, PANE_ROWS, t->detail[t->sel], attr);
	tui_put(win, y++, 0, width, "By hand (c copies; export BITBUCKET_API_TOKEN first):",
		tui_attr(TUI_MUTED), true);
	y += scr_wrap_path(win, y, 2, width - 2, PANE_ROWS, c->curl, 0);
	y += scr_wrap(win, y, 2, width - 2, PANE_ROWS, c->expect, tui_attr(TUI_MUTED));
	return y;
}

static void troubleshoot_draw(tui_screen *s, WINDOW *win, bool full)
{
	troubleshoot *t = SCR_STATE(troubleshoot, s);
	tui_rect a = s->area;
	int x = a.x + 2, width = a.w - 4, y = a.y + 1;

	(void)full;
	for (int r = 0; r < a.h; r++)
		tui_fill(win, a.y + r, a.x, a.w, 0);
	if (!t->loaded || width < 20)
		return;
	draw_fields(t, win, y, x, width);
	y += 2;
	for (int i = 0; i < ROW_COUNT && y < a.y + a.h; i++)
		draw_row(t, win, y++, x, width, i);
	y++;
	if (y < a.y + a.h) {
		WINDOW *pad = pane_begin(&t->pane, width);
		int used = pad ? draw_selected(t, pad, width) : 0;

		pane_end(&t->pane, win, (tui_rect){y, x, a.y + a.h - y, width}, used, -1);
	}
	t->cursor = true;
}

static bool troubleshoot_cursor(tui_screen *s, int *y, int *x)
{
	troubleshoot *t = SCR_STATE(troubleshoot, s);

	*y = t->cy;
	*x = t->cx;
	return t->cursor;
}

/* ---- keys ---------------------------------------------------------------------------- */

static tui_ret copy_curl(troubleshoot *t)
{
	char msg[256];

	if (t->sel == ROW_DELIVERIES || t->sel >= (int)t->nchecks) {
		tui_message("This check reads the deliveries bbconsole recorded; it has no curl "
			    "command.", false);
		return tui_redraw();
	}
	tui_clipboard_copy("curl command", t->checks[t->sel].curl, msg, sizeof msg);
	tui_message(msg, false);
	return tui_redraw();
}

static tui_ret move_sel(troubleshoot *t, int action)
{
	int d = action == TUI_ACT_UP ? -1 : 1;

	t->sel = (t->sel + d + ROW_COUNT) % ROW_COUNT;
	pane_reset(&t->pane); /* another check's text, from its start */
	return tui_redraw();
}

static tui_ret field_key(troubleshoot *t, const tui_event *ev)
{
	tui_field *f = t->focus == FOCUS_REPO ? &t->repo : &t->commit;
	enum tui_field_res r;

	/* the screen's keys that cannot be text (Tab, Esc, arrows, F1); Enter and
	 * letters go to the field */
	if (ev->action && ev->action != TS_RUN &&
	    (ev->key >= TUI_K_SPECIAL || (ev->key < ' ' && ev->key != TUI_K_ENTER)))
		return tui_unhandled();
	r = tui_field_event(f, ev);
	if (r == TUI_FIELD_SUBMIT && t->focus == FOCUS_REPO) {
		t->focus = FOCUS_COMMIT;
	} else if (r == TUI_FIELD_SUBMIT) {
		/* only the commit check: the others do not depend on the fields */
		t->focus = FOCUS_LIST;
		t->sel = ROW_LINKS;
		pane_reset(&t->pane);
		with_credentials(t, false, start_links);
	} else if (r == TUI_FIELD_CHANGED) {
		rebuild_checks(t);
	} else if (r == TUI_FIELD_IGNORED) {
		return tui_unhandled();
	}
	return tui_redraw();
}

static tui_ret list_key(troubleshoot *t, const tui_event *ev)
{
	switch (ev->action) {
	case TS_RUN:
		run_checks(t);
		return tui_redraw();
	case TUI_ACT_UP:
	case TUI_ACT_DOWN:
		return move_sel(t, ev->action);
	case SCR_COPY:
		return copy_curl(t);
	default:
		return tui_unhandled();
	}
}

static tui_ret troubleshoot_key(tui_screen *s, const tui_event *ev)
{
	troubleshoot *t = SCR_STATE(troubleshoot, s);
	tui_ret r;

	if (!t->loaded)
		return tui_unhandled();
	if (ev->action == TUI_ACT_CLICK) {
		const void *fields[FOCUS_COUNT] = {NULL, &t->repo, &t->commit};
		int i = tui_click_target(ev, fields, FOCUS_COUNT);

		if (i >= 0)
			t->focus = i;
		return tui_redraw();
	}
	if (pane_key(&t->pane, ev->action))
		return tui_redraw();
	if (t->focus != FOCUS_LIST) {
		r = field_key(t, ev);
		if (!(r.flags & TUI_R_UNHANDLED))
			return r;
	}
	switch (ev->action) {
	case SCR_NEXT_FIELD:
		t->focus = (t->focus + 1) % FOCUS_COUNT;
		return tui_redraw();
	case SCR_PREV_FIELD:
		t->focus = (t->focus + FOCUS_COUNT - 1) % FOCUS_COUNT;
		return tui_redraw();
	case TUI_ACT_BACK:
		/* Esc stops what runs; only an idle screen goes back */
		return cancel_checks(t) ? tui_redraw() : tui_unhandled();
	case TUI_ACT_UP:
	case TUI_ACT_DOWN:
		return move_sel(t, ev->action);
	default:
		return t->focus == FOCUS_LIST ? list_key(t, ev) : tui_unhandled();
	}
}

/* ---- life ------------------------------------------------------------------------------ */

static void troubleshoot_destroy(tui_screen *s)
{
	troubleshoot *t = SCR_STATE(troubleshoot, s);

	verify_destroy(&t->verify);
	verify_destroy(&t->links);
	bitbucket_checks_free(t->checks, t->nchecks);
	tui_field_destroy(&t->repo);
	tui_field_destroy(&t->commit);
	integration_free(&t->it);
	free(t);
}

static const tui_screen_ops troubleshoot_ops = {
	.draw = troubleshoot_draw,
	.key = troubleshoot_key,
	.destroy = troubleshoot_destroy,
	.cursor = troubleshoot_cursor,
};

static void troubleshoot_load(troubleshoot *t)
{
	bb_err err = {0};

	t->loaded = integration_get(t->ctx, t->slug, 0, &t->it, &err) == BB_OK;
	if (!t->loaded) {
		scr_error(&err);
		return;
	}
	snprintf(t->slug, sizeof t->slug, "%s", t->it.slug);
	if (t->it.workspaces.n)
		snprintf(t->workspace, sizeof t->workspace, "%s", t->it.workspaces.v[0]);
	rebuild_checks(t);
	run_checks(t);
}

tui_screen *troubleshoot_new(const char *integration_slug)
{
	troubleshoot *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	if (tui_field_init(&t->repo, 0) != 0 || tui_field_init(&t->commit, 0) != 0) {
		tui_field_destroy(&t->repo);
		free(t);
		return NULL;
	}
	t->repo.max_len = 200;
	t->commit.max_len = 64;
	t->ctx = scr_ctx();
	snprintf(t->slug, sizeof t->slug, "%s", integration_slug);
	verify_init(&t->verify, on_verified, t);
	verify_init(&t->links, on_links, t);
	t->s.ops = &troubleshoot_ops;
	t->s.keys = troubleshoot_keys;
	t->s.data = t;
	troubleshoot_load(t);
	snprintf(t->title, sizeof t->title, "Troubleshooting: %s", t->loaded ? t->it.name : t->slug);
	t->s.title = t->title;
	return &t->s;
}
