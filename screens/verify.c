/* verify.c - the console's one Bitbucket client and background checks.
 *
 * The client's callbacks point at a small heap link, never at a screen: a
 * screen may be popped while its check runs, and the link (owner NULL) then
 * swallows the late result. Every link not yet called back is on one list,
 * so stopping the client frees them all. */
#include "verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integration.h"
#include "remote.h"
#include "run.h"
#include "scr.h"

#define SPIN_MS 200

struct verify_link {
	verify_state *owner; /* NULL once cancelled or destroyed */
	struct verify_link *next;
};

static bb_client *client;
static int client_fd = -1;
static struct verify_link *links; /* every link whose callback is still to come */

/* ---- the shared client ---------------------------------------------------------- */

static tui_ret client_readable(int fd, void *arg)
{
	(void)fd;
	(void)arg;
	if (client)
		bitbucket_client_collect(client);
	return tui_redraw();
}

bb_client *verify_client(bb_err *err)
{
	static bool at_exit;

	if (client)
		return client;
	if (bitbucket_client_new(&client, err) != BB_OK) {
		client = NULL;
		return NULL;
	}
	client_fd = bitbucket_client_fd(client);
	if (tui_watch_fd(client_fd, client_readable, NULL) != 0) {
		bitbucket_client_free(client);
		client = NULL;
		bb_fail(err, BB_INVALID, "The console cannot watch another connection; close a "
			"screen and try again.");
		return NULL;
	}
	if (!at_exit)
		at_exit = atexit(verify_client_free) == 0;
	return client;
}

void verify_client_free(void)
{
	if (!client)
		return;
	tui_unwatch_fd(client_fd);
	bitbucket_client_free(client); /* no callback runs any more */
	client = NULL;
	client_fd = -1;
	while (links) {
		struct verify_link *l = links;

		links = l->next;
		if (l->owner) {
			l->owner->link = NULL;
			l->owner->job = 0;
			l->owner->status = VERIFY_CANCELLED;
		}
		free(l);
	}
}

static void link_remove(struct verify_link *l)
{
	for (struct verify_link **p = &links; *p; p = &(*p)->next) {
		if (*p == l) {
			*p = l->next;
			break;
		}
	}
	free(l);
}

/* ---- one check ------------------------------------------------------------------- */

static void stop_timer(verify_state *v)
{
	if (v->timer > 0)
		tui_timer_cancel(v->timer);
	v->timer = 0;
}

static tui_ret spin(void *arg)
{
	(void)arg;
	return tui_redraw();
}

/* verify_saved: the outcome goes to the database for the list and details. */
static void record(verify_state *v)
{
	bb_err err = {0};

	if (integration_record_verify(v->record_ctx, v->record_slug, v->status == VERIFY_OK,
				      v->text, &err) != BB_OK)
		scr_error(&err);
	else
		scr_changed();
}

/* After a verification that worked: who the token is, where it administers,
 * and the scopes it lacks, by name (what the command line's verify prints). */
void verify_hooks_text(const bb_verify_info *i, char *out, size_t size)
{
	if (i->hooks_access == 1)
		snprintf(out, size, "Webhook scopes: held (bbconsole can check and fix the webhooks).");
	else if (i->hooks_access == 0 && i->hooks_scope_missing)
		snprintf(out, size, "Webhook scopes: missing read:webhook:bitbucket; manage the "
			 "webhooks by hand in Bitbucket.");
	else if (i->hooks_access == 0)
		snprintf(out, size, "Webhook scopes: listing webhooks was refused (repository admin "
			 "needed); manage the webhooks by hand in Bitbucket.");
	else
		snprintf(out, size, "Webhook scopes: not tried (no repository visible); without them, "
			 "manage the webhooks by hand in Bitbucket.");
}

/* " Missing scopes: ...", " Recommended: ..." or " Every needed scope is held." */
static size_t add_scopes(verify_state *v, size_t n)
{
	const bb_verify_info *i = &v->result.verify;
	char list[512];

	if (i->missing_required.n) {
		scr_join(&i->missing_required, list, sizeof list);
		n += (size_t)snprintf(v->text + n, sizeof v->text - n, " Missing scopes: %s.", list);
	}
	if (i->missing_recommended.n && n < sizeof v->text) {
		scr_join(&i->missing_recommended, list, sizeof list);
		n += (size_t)snprintf(v->text + n, sizeof v->text - n, " Recommended: %s.", list);
	}
	if (!i->missing_required.n && !i->missing_recommended.n && n < sizeof v->text)
		n += (size_t)snprintf(v->text + n, sizeof v->text - n, " Every needed scope is held.");
	return n;
}

static void add_verify_details(verify_state *v)
{
	const bb_verify_info *i = &v->result.verify;
	char list[512];
	size_t n = strlen(v->text);

	if (i->user)
		n += (size_t)snprintf(v->text + n, sizeof v->text - n, " User: %s.", i->user);
	if (i->admin_workspaces.n && n < sizeof v->text) {
		scr_join(&i->admin_workspaces, list, sizeof list);
		n += (size_t)snprintf(v->text + n, sizeof v->text - n, " Administrator of %s.", list);
	}
	if (i->scopes_known && n < sizeof v->text)
		n = add_scopes(v, n);
	if (n < sizeof v->text) {
		char hooks[256];

		verify_hooks_text(i, hooks, sizeof hooks);
		snprintf(v->text + n, sizeof v->text - n, " %s", hooks);
	}
}

static void job_done(void *user, bb_job_result *r)
{
	struct verify_link *l = user;
	verify_state *v = l->owner;

	link_remove(l);
	if (!v)
		return; /* cancelled or gone: the client frees the result */
	v->link = NULL;
	v->job = 0;
	stop_timer(v);
	bitbucket_result_free(&v->result);
	v->result = *r; /* take ownership of everything */
	memset(r, 0, sizeof *r);
	v->status = v->result.code == BB_OK ? VERIFY_OK : VERIFY_FAILED;
	if (v->result.cancelled)
		v->status = VERIFY_CANCELLED;
	snprintf(v->text, sizeof v->text, "%s", v->result.msg);
	if (v->status == VERIFY_OK && v->kind == BB_JOB_VERIFY)
		add_verify_details(v);
	if (v->record_ctx && v->status != VERIFY_CANCELLED)
		record(v);
	if (v->done)
		v->done(v->arg, v);
}

void verify_init(verify_state *v, verify_done_fn done, void *arg)
{
	memset(v, 0, sizeof *v);
	v->done = done;
	v->arg = arg;
}

static int start_failed(verify_state *v, const bb_err *err)
{
	v->status = VERIFY_FAILED;
	snprintf(v->text, sizeof v->text, "%s", err->msg);
	return -1;
}

/* Common part: a link, the client, the job; start() calls the right
 * bitbucket_*_start with job_done and the link. */
typedef bb_job_id (*start_fn)(bb_client *c, const void *args, struct verify_link *l, bb_err *err);

static int start(verify_state *v, bb_job_kind kind, start_fn fn, const void *args)
{
	struct verify_link *l;
	bb_client *c;
	bb_err err = {0};

	verify_cancel(v);
	v->record_ctx = NULL; /* verify_saved sets it again after a start */
	if (!(c = verify_client(&err)))
		return start_failed(v, &err);
	if (!(l = calloc(1, sizeof *l))) {
		bb_fail(&err, BB_INVALID, "Out of memory while starting the check.");
		return start_failed(v, &err);
	}
	v->job = fn(c, args, l, &err);
	if (!v->job) {
		free(l);
		return start_failed(v, &err);
	}
	l->owner = v;
	l->next = links;
	links = l;
	v->link = l;
	v->kind = kind;
	v->status = VERIFY_RUNNING;
	v->text[0] = '\0';
	v->timer = tui_timer_add(SPIN_MS, true, spin, v);
	return 0;
}

static bb_job_id start_verify(bb_client *c, const void *args, struct verify_link *l, bb_err *err)
{
	return bitbucket_verify_start(c, args, job_done, l, err);
}

int verify_start(verify_state *v, const char *email, const char *token,
		 const bb_strlist *workspaces)
{
	bb_creds cr = {email, token, workspaces};

	return start(v, BB_JOB_VERIFY, start_verify, &cr);
}

typedef struct saved_args {
	bb_ctx *ctx;
	const char *slug, *repository, *commit;
} saved_args;

/* Core reads and decrypts the stored credentials (remote.h). */
static bb_job_id start_saved(bb_client *c, const void *args, struct verify_link *l,
			     bb_err *err)
{
	const saved_args *a = args;

	return remote_verify_start(a->ctx, c, a->slug, job_done, l, err);
}

int verify_start_saved(verify_state *v, bb_ctx *ctx, const char *slug)
{
	saved_args a = {ctx, slug, NULL, NULL};

	return start(v, BB_JOB_VERIFY, start_saved, &a);
}

int verify_saved(verify_state *v, bb_ctx *ctx, const char *slug)
{
	bb_integration it = {0};
	bb_err err = {0};
	int rc;

	verify_cancel(v);
	v->record_ctx = NULL;
	/* the credentials' permission check first, so its sentence is the refusal */
	if (integration_may_use(ctx, slug, &err) != BB_OK ||
	    integration_get(ctx, slug, 0, &it, &err) != BB_OK)
		return start_failed(v, &err);
	rc = verify_start_saved(v, ctx, slug);
	if (rc == 0) {
		v->record_ctx = ctx;
		snprintf(v->record_slug, sizeof v->record_slug, "%s", it.slug);
	}
	integration_free(&it);
	return rc;
}

static bb_job_id start_links(bb_client *c, const void *args, struct verify_link *l, bb_err *err)
{
	const saved_args *a = args;

	return remote_commit_links_start(a->ctx, c, a->slug, a->repository, a->commit, job_done,
					 l, err);
}

int verify_start_commit(verify_state *v, bb_ctx *ctx, const char *slug, const char *repository,
			const char *commit)
{
	saved_args a = {ctx, slug, repository, commit};

	return start(v, BB_JOB_COMMIT_LINKS, start_links, &a);
}

typedef struct trigger_args {
	bb_ctx *ctx;
	const char *stack;
} trigger_args;

static bb_job_id start_trigger(bb_client *c, const void *args, struct verify_link *l,
			       bb_err *err)
{
	const trigger_args *a = args;

	return run_trigger_start(a->ctx, c, a->stack, job_done, l, err);
}

int verify_start_trigger(verify_state *v, bb_ctx *ctx, const char *stack)
{
	trigger_args a = {ctx, stack};

	return start(v, BB_JOB_HASH, start_trigger, &a);
}

void verify_cancel(verify_state *v)
{
	if (v->status != VERIFY_RUNNING)
		return;
	if (v->link)
		v->link->owner = NULL; /* the late result is dropped */
	if (client && v->job)
		bitbucket_job_cancel(client, v->job);
	v->link = NULL;
	v->job = 0;
	stop_timer(v);
	v->status = VERIFY_CANCELLED;
	snprintf(v->text, sizeof v->text, "Check cancelled.");
}

bool verify_running(const verify_state *v)
{
	return v->status == VERIFY_RUNNING;
}

const char *verify_status_text(const verify_state *v)
{
	if (v->status == VERIFY_RUNNING)
		return v->kind == BB_JOB_COMMIT_LINKS
			? "Checking the Pull Request Commit Links app\u2026"
			: v->kind == BB_JOB_HASH ? "Asking Bitbucket for the head of the branch\u2026"
			: "Checking credentials\u2026";
	return v->text;
}

int verify_draw(const verify_state *v, WINDOW *w, int y, int x, int width, int max_rows)
{
	static const char frames[] = "|/-\\";
	char line[BB_MSG_MAX + 32];
	attr_t attr = 0;

	if (v->status == VERIFY_IDLE || max_rows <= 0 || width <= 0)
		return 0;
	if (v->status == VERIFY_RUNNING)
		snprintf(line, sizeof line, "%c %s (Esc cancels)",
			 frames[(tui_now_ms() / SPIN_MS) % 4], verify_status_text(v));
	else
		snprintf(line, sizeof line, "%s", verify_status_text(v));
	if (v->status == VERIFY_FAILED)
		attr = tui_attr(TUI_ERROR);
	for (int r = 0; r < max_rows; r++)
		tui_fill(w, y + r, x, width, 0);
	return scr_wrap(w, y, x, width, max_rows, line, attr);
}

void verify_destroy(verify_state *v)
{
	verify_cancel(v);
	bitbucket_result_free(&v->result);
	memset(&v->result, 0, sizeof v->result);
	v->status = VERIFY_IDLE;
}
