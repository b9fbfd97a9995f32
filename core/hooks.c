/* hooks.c - checking and repairing an integration's webhooks (see hooks.h).
 *
 * Threads: a run lives on the caller's thread. Its two jobs run on the
 * client's worker, and their completion callbacks (hooks_listed,
 * hooks_written) come back through bitbucket_client_collect on the caller's
 * thread, which is the only one touching the database. */
#include "hooks.h"
#include "hooks_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "audit.h"
#include "integration.h"
#include "secret.h"

const char *const hooks_events[] = {
	"repo:push", "pullrequest:created", "pullrequest:updated", "pullrequest:approved",
	"pullrequest:unapproved", "pullrequest:fulfilled", "pullrequest:comment_created", NULL
};

static const char *const state_names[] = {
	[HOOKS_UNCHECKED] = "unchecked", [HOOKS_OK] = "ok", [HOOKS_MISSING] = "missing",
	[HOOKS_INACTIVE] = "inactive", [HOOKS_EVENTS_MISSING] = "events-missing",
	[HOOKS_NO_SECRET] = "no-secret", [HOOKS_SECRET_STALE] = "secret-stale",
	[HOOKS_COVERED] = "covered", [HOOKS_ERROR] = "error",
};

const char *hooks_state_name(hooks_state s)
{
	return (unsigned)s <= HOOKS_ERROR ? state_names[s] : "unchecked";
}

hooks_state hooks_state_of(const char *name)
{
	for (int i = 0; name && i <= HOOKS_ERROR; i++)
		if (strcmp(state_names[i], name) == 0)
			return (hooks_state)i;
	return HOOKS_UNCHECKED;
}

int hooks_state_working(hooks_state s)
{
	return s == HOOKS_OK || s == HOOKS_COVERED;
}

/* ---- judging (pure) ------------------------------------------------------------------ */

/* The same URL, give or take a trailing slash. */
static int same_url(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la && a[la - 1] == '/')
		la--;
	while (lb && b[lb - 1] == '/')
		lb--;
	return la == lb && strncmp(a, b, la) == 0;
}

static hooks_state judge_one(const bb_hook *h, const char *managed_uuid, long written_gen,
			     long current_gen, bb_strlist *missing)
{
	for (size_t i = 0; hooks_events[i]; i++)
		if (!strlist_contains(&h->events, hooks_events[i]) && missing)
			strlist_push(missing, hooks_events[i]);
	if (!h->active)
		return HOOKS_INACTIVE;
	if (missing && missing->n)
		return HOOKS_EVENTS_MISSING;
	if (!h->secret_set)
		return HOOKS_NO_SECRET;
	if (!managed_uuid || strcmp(managed_uuid, h->uuid) != 0 || written_gen != current_gen)
		return HOOKS_SECRET_STALE;
	return HOOKS_OK;
}

hooks_state hooks_judge(const bb_hook_list *hooks, const char *endpoint, const char *managed_uuid,
			long written_gen, long current_gen, long *which, bb_strlist *missing)
{
	long pick = -1;

	*which = -1;
	for (size_t i = 0; i < hooks->n; i++) {
		if (!same_url(hooks->v[i].url, endpoint))
			continue;
		/* the one bbconsole wrote wins; else the first at the endpoint */
		if (pick < 0 || (managed_uuid && strcmp(hooks->v[i].uuid, managed_uuid) == 0))
			pick = (long)i;
	}
	if (pick < 0)
		return HOOKS_MISSING;
	*which = pick;
	return judge_one(&hooks->v[pick], managed_uuid, written_gen, current_gen, missing);
}

static int is_trigger(const char *event)
{
	for (size_t i = 0; hooks_events[i]; i++)
		if (strcmp(hooks_events[i], event) == 0)
			return 1;
	return 0;
}

char *hooks_body(const char *endpoint, const bb_hook *existing, const char *secret)
{
	cJSON *o = cJSON_CreateObject(), *ev = cJSON_AddArrayToObject(o, "events"), *sec;
	char *out;

	cJSON_AddStringToObject(o, "description", existing && existing->description &&
				*existing->description ? existing->description : "bbconsole");
	cJSON_AddStringToObject(o, "url", endpoint);
	cJSON_AddBoolToObject(o, "active", 1);
	for (size_t i = 0; hooks_events[i]; i++)
		cJSON_AddItemToArray(ev, cJSON_CreateString(hooks_events[i]));
	for (size_t i = 0; existing && i < existing->events.n; i++) /* keep what it had */
		if (!is_trigger(existing->events.v[i]))
			cJSON_AddItemToArray(ev, cJSON_CreateString(existing->events.v[i]));
	sec = cJSON_AddStringToObject(o, "secret", secret);
	out = cJSON_PrintUnformatted(o);
	if (sec && sec->valuestring)
		secret_wipe(sec->valuestring, strlen(sec->valuestring));
	cJSON_Delete(o);
	return out;
}

/* ---- the report ----------------------------------------------------------------------- */

static void repo_free(hooks_repo *r)
{
	free(r->repository);
	free(r->hook_uuid);
	strlist_free(&r->events_missing);
}

void hooks_report_free(hooks_report *r)
{
	for (size_t i = 0; r->v && i < r->n; i++)
		repo_free(&r->v[i]);
	free(r->v);
	memset(r, 0, sizeof *r);
}

static void set_uuid(hooks_repo *r, const char *uuid)
{
	free(r->hook_uuid);
	r->hook_uuid = uuid ? strdup(uuid) : NULL;
}

static void join(const bb_strlist *l, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < l->n && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? ", " : "", l->v[i]);
}

/* The sentence for a state found by a check. */
static void state_detail(hooks_repo *r, const char *ws)
{
	char ev[300], pre[160] = "";

	if (r->via_workspace)
		snprintf(pre, sizeof pre, "The workspace hook of %.100s: ", ws);
	join(&r->events_missing, ev, sizeof ev);
	switch (r->state) {
	case HOOKS_OK:
		snprintf(r->detail, sizeof r->detail, "The webhook is active, sends every event and "
			 "signs with the current secret.");
		break;
	case HOOKS_COVERED:
		snprintf(r->detail, sizeof r->detail, "The workspace hook of %.100s delivers its "
			 "events, signed with the current secret.", ws);
		break;
	case HOOKS_MISSING:
		snprintf(r->detail, sizeof r->detail, "No webhook points at the endpoint: fixing "
			 "creates one.");
		break;
	case HOOKS_INACTIVE:
		snprintf(r->detail, sizeof r->detail, "%sthe webhook is switched off, so nothing is "
			 "delivered: fixing turns it on.", pre);
		break;
	case HOOKS_EVENTS_MISSING:
		snprintf(r->detail, sizeof r->detail, "%sthe webhook does not send %s: fixing adds "
			 "them.", pre, ev);
		break;
	case HOOKS_NO_SECRET:
		snprintf(r->detail, sizeof r->detail, "%sthe webhook has no secret, so the receiver "
			 "refuses its deliveries: fixing sets the current one.", pre);
		break;
	case HOOKS_SECRET_STALE:
		snprintf(r->detail, sizeof r->detail, "%sthe webhook's secret was written before the "
			 "last rotation or by someone else: fixing writes the current one.", pre);
		break;
	case HOOKS_UNCHECKED:
	case HOOKS_ERROR:
		break;
	}
}

/* One sentence for a refused request. */
static void refusal(const bb_hook_answer *a, bb_hook_verb verb, int ws, const char *subject,
		    char *out, size_t size)
{
	char scopes[200];

	join(&a->missing_scopes, scopes, sizeof scopes);
	if (a->status == 403 && a->missing_scopes.n)
		snprintf(out, size, "The API token lacks %s: add %s to the token, or manage this "
			 "webhook by hand in Bitbucket.", scopes, a->missing_scopes.n > 1 ? "them" : "it");
	else if (a->status == 403 && ws)
		snprintf(out, size, "Bitbucket refused (403): managing the webhooks of workspace %.100s "
			 "needs a workspace administrator; ask one, or use repository webhooks.",
			 subject);
	else if (a->status == 403)
		snprintf(out, size, "Bitbucket refused (403): the token's account is not an "
			 "administrator of %.200s; ask one to add the webhook, or make it one.", subject);
	else if (a->status == 404 && verb == BB_HOOK_LIST && !ws)
		snprintf(out, size, "Repository %.200s was not found (404): it was deleted or renamed, "
			 "so point its stacks at the right repository.", subject);
	else if (a->status == 404)
		snprintf(out, size, "The webhook of %.200s disappeared (404) meanwhile: check again.",
			 subject);
	else
		snprintf(out, size, "%s", a->msg[0] ? a->msg : "Bitbucket refused the request.");
}

/* ---- the run ---------------------------------------------------------------------------- */

/* One write of the second job. */
typedef struct wop {
	bb_hook_verb verb;
	int workspace;
	char *subject;
	char *uuid;   /* UPDATE, DELETE */
	char *body;   /* wiped */
	long repo;    /* the repository it is for; -1 for a workspace hook */
} wop;

struct hooks_run {
	bb_ctx *ctx;
	bb_client *client;
	hooks_mode mode;
	char *slug, *endpoint, *email, *token, *secret, *workspace;
	long gen;
	bb_strlist repos, wss;
	hook_rows rows;
	bb_job_result listed;      /* answers: repos first, then wss */
	long *ws_of;               /* per repo: its index in wss */
	long *which;               /* per repo: index of the judged hook in its list */
	wop *w;
	size_t nw;
	bb_job_id job;
	int phase;                 /* 1 listing, 2 writing, 3 done */
	long list_total;
	hooks_report rep;
	hooks_progress_cb progress;
	hooks_done_cb done;
	void *user;
	int abandoned;             /* freed while a job ran: its callback frees it */
};

static void wops_free(hooks_run *run)
{
	for (size_t i = 0; i < run->nw; i++) {
		free(run->w[i].subject);
		free(run->w[i].uuid);
		secret_free(run->w[i].body);
	}
	free(run->w);
	run->w = NULL;
	run->nw = 0;
}

static void run_release(hooks_run *run)
{
	free(run->slug);
	free(run->endpoint);
	free(run->email);
	secret_free(run->token);
	secret_free(run->secret);
	free(run->workspace);
	strlist_free(&run->repos);
	strlist_free(&run->wss);
	hooks_rows_free(&run->rows);
	bitbucket_result_free(&run->listed);
	free(run->ws_of);
	free(run->which);
	wops_free(run);
	hooks_report_free(&run->rep);
	free(run);
}

void hooks_run_free(hooks_run *run)
{
	if (!run)
		return;
	if (run->phase < 3 && run->job) {
		/* the job's callback is still to come and points here */
		run->abandoned = 1;
		bitbucket_job_cancel(run->client, run->job);
		return;
	}
	run_release(run);
}

static bb_creds run_creds(const hooks_run *run)
{
	bb_creds cr = {run->email, run->token, NULL};

	return cr;
}

static void run_progress(void *user, const bb_progress *p)
{
	hooks_run *run = user;

	if (run->progress)
		run->progress(run->user, (run->phase == 2 ? run->list_total : 0) + p->pages_done,
			      run->list_total + (run->phase == 2 ? (long)run->nw : 0));
}

static void count_outcome(hooks_report *r)
{
	r->failed = r->pending = 0;
	for (size_t i = 0; i < r->n; i++) {
		r->failed += !hooks_state_working(r->v[i].state);
		r->pending += r->v[i].pending;
	}
}

static void finish(hooks_run *run)
{
	hooks_report *r = &run->rep;

	run->phase = 3;
	count_outcome(r);
	if (r->code == BB_OK)
		snprintf(r->msg, sizeof r->msg, "%zu repositor%s: %zu with a working webhook, %ld "
			 "not; %ld webhook%s changed.", r->n, r->n == 1 ? "y" : "ies",
			 r->n - (size_t)r->failed, r->failed, r->changed, r->changed == 1 ? "" : "s");
	if (run->done)
		run->done(run->user, r);
}

/* The job stopped (429, 401, a deadline, cancel): say what remains. */
static void stopped(hooks_run *run, const bb_job_result *res)
{
	hooks_report *r = &run->rep;

	count_outcome(r);
	r->cancelled = res->cancelled;
	r->code = res->cancelled ? BB_TEMP : BB_REMOTE;
	r->retry_after = res->retry_after;
	if (res->status == 429)
		snprintf(r->msg, sizeof r->msg, "Bitbucket's rate limit (429) stopped this: %ld "
			 "webhook%s changed, %ld repositor%s not finished; run it again later%s to do "
			 "the rest.", r->changed, r->changed == 1 ? "" : "s", r->pending,
			 r->pending == 1 ? "y" : "ies", res->retry_after > 0 ? " (Bitbucket asks for a "
			 "pause)" : "");
	else if (res->cancelled)
		snprintf(r->msg, sizeof r->msg, "Cancelled: %ld webhook%s changed, %ld repositor%s "
			 "not finished; run it again to do the rest.", r->changed,
			 r->changed == 1 ? "" : "s", r->pending, r->pending == 1 ? "y" : "ies");
	else
		snprintf(r->msg, sizeof r->msg, "%s", res->msg);
}

static const char *ws_name(const hooks_run *run, size_t i)
{
	return run->wss.v[run->ws_of[i]];
}

static const bb_hook_answer *ws_answer(const hooks_run *run, long k)
{
	return &run->listed.answers[run->repos.n + (size_t)k];
}

/* Judges repository i from the listing. */
static void judge_repo(hooks_run *run, size_t i)
{
	hooks_repo *r = &run->rep.v[i];
	const bb_hook_answer *a = &run->listed.answers[i], *wa = ws_answer(run, run->ws_of[i]);
	const hook_row *row = hooks_rows_find(&run->rows, 0, r->repository);
	const hook_row *wrow = hooks_rows_find(&run->rows, 1, ws_name(run, i));
	long which = -1, wwhich = -1;
	hooks_state ws_state = HOOKS_MISSING;
	bb_strlist wmissing = {0};

	run->which[i] = -1;
	if (!a->answered) {
		r->pending = 1;
		snprintf(r->detail, sizeof r->detail, "Not checked: the run stopped before this "
			 "repository.");
		return;
	}
	util_now(r->checked_at);
	if (a->msg[0]) {
		r->state = HOOKS_ERROR;
		refusal(a, BB_HOOK_LIST, 0, r->repository, r->detail, sizeof r->detail);
		return;
	}
	r->state = hooks_judge(&a->hooks, run->endpoint, row ? row->uuid : NULL,
			       row ? row->gen : -1, run->gen, &which, &r->events_missing);
	if (which >= 0) {
		run->which[i] = which;
		set_uuid(r, a->hooks.v[which].uuid);
	} else if (wa->answered && !wa->msg[0]) {
		ws_state = hooks_judge(&wa->hooks, run->endpoint, wrow ? wrow->uuid : NULL,
				       wrow ? wrow->gen : -1, run->gen, &wwhich, &wmissing);
	}
	if (wwhich >= 0) {
		r->via_workspace = 1;
		r->state = ws_state == HOOKS_OK ? HOOKS_COVERED : ws_state;
		set_uuid(r, wa->hooks.v[wwhich].uuid);
		strlist_free(&r->events_missing);
		r->events_missing = wmissing;
		memset(&wmissing, 0, sizeof wmissing);
	}
	strlist_free(&wmissing);
	state_detail(r, ws_name(run, i));
}

static bb_code record_checks(hooks_run *run, bb_err *err)
{
	bb_code rc = db_begin(run->ctx->db, err);

	for (size_t i = 0; rc == BB_OK && i < run->rep.n; i++) {
		const hooks_repo *r = &run->rep.v[i];
		hook_put p = {0, r->repository, r->state, &r->events_missing, r->detail,
			      r->checked_at, 0, NULL, -1};

		if (!r->pending)
			rc = hooks_store_put(run->ctx, run->slug, &p, err);
	}
	return db_finish(run->ctx->db, rc, err);
}

/* ---- the writes -------------------------------------------------------------------------- */

static int wop_add(hooks_run *run, bb_hook_verb verb, int ws, const char *subject,
		   const char *uuid, const bb_hook *existing, long repo)
{
	wop *v = realloc(run->w, (run->nw + 1) * sizeof *v), *w;

	if (!v)
		return -1;
	run->w = v;
	w = &run->w[run->nw++];
	memset(w, 0, sizeof *w);
	w->verb = verb;
	w->workspace = ws;
	w->subject = strdup(subject);
	w->uuid = uuid ? strdup(uuid) : NULL;
	w->repo = repo;
	if (verb != BB_HOOK_DELETE)
		w->body = hooks_body(run->endpoint, existing, run->secret);
	return w->subject && (!uuid || w->uuid) && (verb == BB_HOOK_DELETE || w->body) ? 0 : -1;
}

static int ws_write_planned(const hooks_run *run, const char *ws)
{
	for (size_t i = 0; i < run->nw; i++)
		if (run->w[i].workspace && strcmp(run->w[i].subject, ws) == 0)
			return 1;
	return 0;
}

static const bb_hook *judged_hook(const hooks_run *run, size_t i)
{
	const hooks_repo *r = &run->rep.v[i];
	const bb_hook_answer *a = r->via_workspace ? ws_answer(run, run->ws_of[i])
						   : &run->listed.answers[i];

	for (size_t k = 0; r->hook_uuid && k < a->hooks.n; k++)
		if (strcmp(a->hooks.v[k].uuid, r->hook_uuid) == 0)
			return &a->hooks.v[k];
	return NULL;
}

/* FIX and REKEY: one write per repository that needs one (a workspace hook once). */
static int plan_repairs(hooks_run *run)
{
	for (size_t i = 0; i < run->rep.n; i++) {
		const hooks_repo *r = &run->rep.v[i];
		int repair = r->state == HOOKS_INACTIVE || r->state == HOOKS_EVENTS_MISSING ||
			     r->state == HOOKS_NO_SECRET || r->state == HOOKS_SECRET_STALE;

		if (r->pending)
			continue;
		if (r->state == HOOKS_MISSING && run->mode == HOOKS_FIX) {
			if (wop_add(run, BB_HOOK_CREATE, 0, r->repository, NULL, NULL, (long)i))
				return -1;
		} else if (repair && r->via_workspace) {
			if (!ws_write_planned(run, ws_name(run, i)) &&
			    wop_add(run, BB_HOOK_UPDATE, 1, ws_name(run, i), r->hook_uuid,
				    judged_hook(run, i), -1))
				return -1;
		} else if (repair && wop_add(run, BB_HOOK_UPDATE, 0, r->repository, r->hook_uuid,
					     judged_hook(run, i), (long)i)) {
			return -1;
		}
	}
	return 0;
}

/* REMOVE: every hook at the endpoint, of the repositories and their workspaces. */
static int plan_removals(hooks_run *run)
{
	size_t total = run->repos.n + run->wss.n;

	for (size_t k = 0; k < total; k++) {
		const bb_hook_answer *a = &run->listed.answers[k];
		int ws = k >= run->repos.n;
		const char *subject = ws ? run->wss.v[k - run->repos.n] : run->repos.v[k];

		for (size_t h = 0; a->answered && !a->msg[0] && h < a->hooks.n; h++)
			if (same_url(a->hooks.v[h].url, run->endpoint) &&
			    wop_add(run, BB_HOOK_DELETE, ws, subject, a->hooks.v[h].uuid, NULL,
				    ws ? -1 : (long)k))
				return -1;
	}
	return 0;
}

/* WORKSPACE: create or repair the hook of run->workspace. */
static int plan_workspace(hooks_run *run)
{
	long k = -1, which = -1;
	const bb_hook_answer *a;
	const hook_row *row = hooks_rows_find(&run->rows, 1, run->workspace);

	for (size_t i = 0; i < run->wss.n; i++)
		if (strcmp(run->wss.v[i], run->workspace) == 0)
			k = (long)i;
	a = ws_answer(run, k);
	if (!a->answered)
		return 0;
	if (a->msg[0]) {
		refusal(a, BB_HOOK_LIST, 1, run->workspace, run->rep.workspace_msg,
			sizeof run->rep.workspace_msg);
		return 0;
	}
	if (hooks_judge(&a->hooks, run->endpoint, row ? row->uuid : NULL, row ? row->gen : -1,
			run->gen, &which, NULL) == HOOKS_OK) {
		run->rep.workspace_ok = 1;
		snprintf(run->rep.workspace_msg, sizeof run->rep.workspace_msg, "The webhook of "
			 "workspace %.100s is already right.", run->workspace);
		return 0;
	}
	return which >= 0 ? wop_add(run, BB_HOOK_UPDATE, 1, run->workspace, a->hooks.v[which].uuid,
				    &a->hooks.v[which], -1)
			  : wop_add(run, BB_HOOK_CREATE, 1, run->workspace, NULL, NULL, -1);
}

static void hooks_written(void *user, bb_job_result *res);

static void start_writes(hooks_run *run)
{
	bb_hook_op *ops = calloc(run->nw, sizeof *ops);
	bb_creds cr = run_creds(run);
	bb_err err;

	if (!ops) {
		run->rep.code = bb_oom(&err);
		snprintf(run->rep.msg, sizeof run->rep.msg, "%s", err.msg);
		finish(run);
		return;
	}
	for (size_t i = 0; i < run->nw; i++)
		ops[i] = (bb_hook_op){run->w[i].verb, run->w[i].subject, run->w[i].workspace,
				      run->w[i].uuid, run->w[i].body};
	run->phase = 2;
	run->job = bitbucket_hooks_start(run->client, &cr, ops, run->nw, run_progress,
					 hooks_written, run, &err);
	free(ops);
	if (!run->job) {
		run->rep.code = err.code;
		snprintf(run->rep.msg, sizeof run->rep.msg, "%s", err.msg);
		finish(run);
	}
}

static void hooks_listed(void *user, bb_job_result *res)
{
	hooks_run *run = user;
	bb_err err;
	int plan = 0;

	if (run->abandoned) {
		run_release(run);
		return;
	}
	run->listed = *res;
	memset(res, 0, sizeof *res);
	run->rep.requests += run->listed.requests;
	for (size_t i = 0; i < run->rep.n; i++)
		judge_repo(run, i);
	if (record_checks(run, &err) != BB_OK) {
		run->rep.code = err.code;
		snprintf(run->rep.msg, sizeof run->rep.msg, "%s", err.msg);
		finish(run);
		return;
	}
	if (run->listed.code != BB_OK) {
		stopped(run, &run->listed);
		finish(run);
		return;
	}
	if (run->mode == HOOKS_FIX || run->mode == HOOKS_REKEY)
		plan = plan_repairs(run);
	else if (run->mode == HOOKS_REMOVE)
		plan = plan_removals(run);
	else if (run->mode == HOOKS_WORKSPACE)
		plan = plan_workspace(run);
	if (plan != 0) {
		bb_err e;

		run->rep.code = bb_oom(&e);
		snprintf(run->rep.msg, sizeof run->rep.msg, "%s", e.msg);
	}
	if (plan == 0 && run->nw)
		start_writes(run);
	else
		finish(run);
}

/* ---- applying what the writes got --------------------------------------------------------- */

static const char *verb_action(bb_hook_verb v)
{
	return v == BB_HOOK_CREATE ? "created" : v == BB_HOOK_DELETE ? "removed" : "updated";
}

static bb_code audit_change(hooks_run *run, const wop *w, const char *uuid, bb_err *err)
{
	static const char *const actions[] = {"", "webhook.create", "webhook.update",
					      "webhook.delete"};
	cJSON *d = cJSON_CreateObject();
	char target[200];

	cJSON_AddStringToObject(d, w->workspace ? "workspace" : "repository", w->subject);
	if (uuid)
		cJSON_AddStringToObject(d, "hook_uuid", uuid);
	snprintf(target, sizeof target, "integration:%s", run->slug);
	return audit_record_json(run->ctx, actions[w->verb], target, d, err);
}

/* A write to repository i's own hook landed (or failed). */
static void apply_repo(hooks_run *run, const wop *w, const bb_hook_answer *a, const char *uuid)
{
	hooks_repo *r = &run->rep.v[w->repo];

	if (!a->answered) {
		r->pending = 1;
		snprintf(r->detail, sizeof r->detail, "Not fixed: the run stopped before this "
			 "repository.");
		return;
	}
	util_now(r->checked_at);
	if (a->msg[0]) {
		r->state = HOOKS_ERROR;
		refusal(a, w->verb, 0, r->repository, r->detail, sizeof r->detail);
		return;
	}
	r->action = verb_action(w->verb);
	strlist_free(&r->events_missing);
	if (w->verb == BB_HOOK_DELETE) {
		r->state = HOOKS_MISSING;
		set_uuid(r, NULL);
		snprintf(r->detail, sizeof r->detail, "Its webhook was removed.");
		return;
	}
	r->state = HOOKS_OK;
	set_uuid(r, uuid);
	state_detail(r, ws_name(run, (size_t)w->repo));
}

/* A write to a workspace hook: its repositories follow it. */
static void apply_workspace(hooks_run *run, const wop *w, const bb_hook_answer *a,
			    const char *uuid)
{
	if (run->mode == HOOKS_WORKSPACE) {
		run->rep.workspace_ok = a->answered && !a->msg[0];
		if (!a->answered)
			snprintf(run->rep.workspace_msg, sizeof run->rep.workspace_msg, "The webhook of "
				 "workspace %.100s was not written: the run stopped first.", w->subject);
		else if (a->msg[0])
			refusal(a, w->verb, 1, w->subject, run->rep.workspace_msg,
				sizeof run->rep.workspace_msg);
		else
			snprintf(run->rep.workspace_msg, sizeof run->rep.workspace_msg, "The webhook of "
				 "workspace %.100s was %s.", w->subject, verb_action(w->verb));
	}
	for (size_t i = 0; i < run->rep.n; i++) {
		hooks_repo *r = &run->rep.v[i];
		int follows = r->via_workspace || (run->mode == HOOKS_WORKSPACE &&
						   r->state == HOOKS_MISSING);

		if (strcmp(ws_name(run, i), w->subject) != 0 || r->pending || !a->answered ||
		    !follows)
			continue;
		if (a->msg[0]) {
			r->state = HOOKS_ERROR;
			refusal(a, w->verb, 1, w->subject, r->detail, sizeof r->detail);
			continue;
		}
		strlist_free(&r->events_missing);
		r->via_workspace = w->verb != BB_HOOK_DELETE;
		r->state = w->verb == BB_HOOK_DELETE ? HOOKS_MISSING : HOOKS_COVERED;
		set_uuid(r, w->verb == BB_HOOK_DELETE ? NULL : uuid);
		r->action = verb_action(w->verb);
		state_detail(r, w->subject);
	}
}

static const char *written_uuid(const wop *w, const bb_hook_answer *a)
{
	if (w->verb == BB_HOOK_CREATE)
		return a->hooks.n ? a->hooks.v[0].uuid : NULL;
	return w->uuid;
}

static bb_code record_write(hooks_run *run, const wop *w, const bb_hook_answer *a, bb_err *err)
{
	const char *uuid = written_uuid(w, a);
	const hooks_repo *r = w->repo >= 0 ? &run->rep.v[w->repo] : NULL;
	char now[BB_TIME_LEN];
	hook_put p = {w->workspace, w->subject, r ? r->state : HOOKS_OK,
		      r ? &r->events_missing : NULL, r ? r->detail : "", now, 1,
		      w->verb == BB_HOOK_DELETE ? NULL : uuid, run->gen};
	bb_code rc;

	util_now(now);
	if (!r && w->verb == BB_HOOK_DELETE)
		p.state = HOOKS_MISSING;
	rc = hooks_store_put(run->ctx, run->slug, &p, err);
	if (rc == BB_OK)
		rc = audit_change(run, w, uuid, err);
	return rc;
}

/* One transaction: the states, the generations written and their audit entries. */
static bb_code record_writes(hooks_run *run, const bb_job_result *res, bb_err *err)
{
	bb_code rc = db_begin(run->ctx->db, err);

	for (size_t i = 0; rc == BB_OK && i < run->nw && i < res->nanswers; i++) {
		const bb_hook_answer *a = &res->answers[i];

		if (a->answered && !a->msg[0])
			rc = record_write(run, &run->w[i], a, err);
	}
	for (size_t i = 0; rc == BB_OK && i < run->rep.n; i++) {
		const hooks_repo *r = &run->rep.v[i];
		hook_put p = {0, r->repository, r->state, &r->events_missing, r->detail,
			      r->checked_at, 0, NULL, -1};

		if (!r->pending && r->checked_at[0])
			rc = hooks_store_put(run->ctx, run->slug, &p, err);
	}
	return db_finish(run->ctx->db, rc, err);
}

static void hooks_written(void *user, bb_job_result *res)
{
	hooks_run *run = user;
	bb_err err;

	if (run->abandoned) {
		run_release(run);
		return;
	}
	run->rep.requests += res->requests;
	for (size_t i = 0; i < run->nw && i < res->nanswers; i++) {
		const bb_hook_answer *a = &res->answers[i];
		const char *uuid = written_uuid(&run->w[i], a);

		if (a->answered && !a->msg[0])
			run->rep.changed++;
		if (run->w[i].workspace)
			apply_workspace(run, &run->w[i], a, uuid);
		else
			apply_repo(run, &run->w[i], a, uuid);
	}
	if (record_writes(run, res, &err) != BB_OK) {
		run->rep.code = err.code;
		snprintf(run->rep.msg, sizeof run->rep.msg, "%s", err.msg);
	} else if (res->code != BB_OK) {
		stopped(run, res);
	}
	finish(run);
}

/* ---- starting ------------------------------------------------------------------------------ */

static bb_code run_targets(hooks_run *run, bb_err *err)
{
	bb_code rc;

	if ((rc = hooks_store_repositories(run->ctx, run->slug, &run->repos, err)) != BB_OK ||
	    (rc = hooks_store_rows(run->ctx, run->slug, &run->rows, err)) != BB_OK)
		return rc;
	run->rep.v = calloc(run->repos.n + 1, sizeof *run->rep.v);
	run->ws_of = calloc(run->repos.n + 1, sizeof *run->ws_of);
	run->which = calloc(run->repos.n + 1, sizeof *run->which);
	if (!run->rep.v || !run->ws_of || !run->which)
		return bb_oom(err);
	for (size_t i = 0; i < run->repos.n; i++) {
		char ws[256];
		size_t k;

		snprintf(ws, sizeof ws, "%.*s", (int)strcspn(run->repos.v[i], "/"), run->repos.v[i]);
		for (k = 0; k < run->wss.n && strcmp(run->wss.v[k], ws) != 0; k++)
			;
		if (k == run->wss.n)
			strlist_push(&run->wss, ws);
		run->ws_of[i] = (long)k;
		run->rep.v[run->rep.n].repository = strdup(run->repos.v[i]);
		run->rep.v[run->rep.n++].state = HOOKS_UNCHECKED;
	}
	if (run->workspace && !strlist_contains(&run->wss, run->workspace))
		strlist_push(&run->wss, run->workspace);
	return BB_OK;
}

static bb_code run_open(hooks_run *run, const char *integration, bb_err *err)
{
	bb_integration it = {0};
	bb_code rc;

	if ((rc = integration_credentials(run->ctx, integration, &run->email, &run->token,
					  err)) != BB_OK ||
	    (rc = integration_get(run->ctx, integration, 0, &it, err)) != BB_OK)
		return rc;
	run->slug = strdup(it.slug);
	run->endpoint = it.webhook_endpoint ? strdup(it.webhook_endpoint) : NULL;
	integration_free(&it);
	if (!run->slug || !run->endpoint)
		return bb_oom(err);
	if ((rc = hooks_store_secret(run->ctx, run->slug, &run->secret, &run->gen, err)) != BB_OK)
		return rc;
	return run_targets(run, err);
}

static bb_code run_list(hooks_run *run, bb_err *err)
{
	size_t n = run->repos.n + run->wss.n;
	bb_hook_op *ops = calloc(n + 1, sizeof *ops);
	bb_creds cr = run_creds(run);

	if (!ops)
		return bb_oom(err);
	for (size_t i = 0; i < run->repos.n; i++)
		ops[i] = (bb_hook_op){BB_HOOK_LIST, run->repos.v[i], 0, NULL, NULL};
	for (size_t i = 0; i < run->wss.n; i++)
		ops[run->repos.n + i] = (bb_hook_op){BB_HOOK_LIST, run->wss.v[i], 1, NULL, NULL};
	run->list_total = (long)n;
	run->phase = 1;
	run->job = bitbucket_hooks_start(run->client, &cr, ops, n, run_progress, hooks_listed,
					 run, err);
	free(ops);
	return run->job ? BB_OK : err->code;
}

bb_code hooks_start(bb_ctx *ctx, bb_client *c, const char *integration, hooks_mode mode,
		    const char *workspace, hooks_progress_cb progress, hooks_done_cb done,
		    void *user, hooks_run **out, bb_err *err)
{
	hooks_run *run = calloc(1, sizeof *run);
	bb_code rc;

	*out = NULL;
	if (!run)
		return bb_oom(err);
	if (mode == HOOKS_WORKSPACE && (!workspace || !*workspace || strchr(workspace, '/'))) {
		free(run);
		return bb_fail(err, BB_USAGE, "Name the workspace by its slug (no '/'), e.g. "
			       "--workspace-hook acme.");
	}
	run->ctx = ctx;
	run->client = c;
	run->mode = mode;
	run->progress = progress;
	run->done = done;
	run->user = user;
	run->rep.retry_after = -1;
	run->workspace = workspace && mode == HOOKS_WORKSPACE ? strdup(workspace) : NULL;
	if ((rc = run_open(run, integration, err)) != BB_OK ||
	    (rc = run_list(run, err)) != BB_OK) {
		hooks_run_free(run);
		return rc;
	}
	*out = run;
	return BB_OK;
}

void hooks_cancel(hooks_run *run)
{
	if (run && run->phase < 3 && run->job)
		bitbucket_job_cancel(run->client, run->job);
}

/* ---- blocking ------------------------------------------------------------------------------- */

typedef struct sync_wait {
	int done;
	hooks_report *out;
} sync_wait;

static void sync_done(void *user, hooks_report *r)
{
	sync_wait *s = user;

	*s->out = *r;
	memset(r, 0, sizeof *r);
	s->done = 1;
}

bb_code hooks_sync(bb_ctx *ctx, const char *integration, hooks_mode mode, const char *workspace,
		   hooks_report *out, bb_err *err)
{
	sync_wait s = {0, out};
	bb_client *c = NULL;
	hooks_run *run = NULL;
	bb_code rc;

	memset(out, 0, sizeof *out);
	if ((rc = bitbucket_client_new(&c, err)) != BB_OK)
		return rc;
	if ((rc = hooks_start(ctx, c, integration, mode, workspace, NULL, sync_done, &s, &run,
			      err)) != BB_OK) {
		bitbucket_client_free(c);
		return rc;
	}
	bitbucket_client_wait(c, &s.done);
	hooks_run_free(run);
	bitbucket_client_free(c);
	return s.done ? BB_OK : bb_fail(err, BB_REMOTE, "The webhook run was interrupted.");
}

/* ---- stored states ---------------------------------------------------------------------------- */

static void load_one(hooks_repo *r, const hook_row *row)
{
	if (!row)
		return;
	r->state = row->state;
	snprintf(r->detail, sizeof r->detail, "%s", row->detail);
	snprintf(r->checked_at, sizeof r->checked_at, "%s", row->checked_at);
	strlist_from_json(row->events_missing, &r->events_missing);
	set_uuid(r, row->uuid);
}

bb_code hooks_load(bb_ctx *ctx, const char *integration, hooks_report *out, bb_err *err)
{
	bb_integration it = {0};
	bb_strlist repos = {0};
	hook_rows rows = {0};
	bb_code rc;

	memset(out, 0, sizeof *out);
	if ((rc = integration_get(ctx, integration, 0, &it, err)) != BB_OK)
		return rc;
	if (!it.details_visible)
		rc = bb_fail(err, BB_DENIED, "The webhooks of %s are for admins of space %s.", it.slug,
			     it.space);
	if (rc == BB_OK && (rc = hooks_store_repositories(ctx, it.slug, &repos, err)) == BB_OK)
		rc = hooks_store_rows(ctx, it.slug, &rows, err);
	if (rc == BB_OK && !(out->v = calloc(repos.n + 1, sizeof *out->v)))
		rc = bb_oom(err);
	for (size_t i = 0; rc == BB_OK && i < repos.n; i++) {
		hooks_repo *r = &out->v[out->n++];

		r->repository = strdup(repos.v[i]);
		load_one(r, hooks_rows_find(&rows, 0, repos.v[i]));
	}
	count_outcome(out);
	hooks_rows_free(&rows);
	strlist_free(&repos);
	integration_free(&it);
	return rc;
}

bb_code hooks_broken(bb_ctx *ctx, bb_strlist *out, bb_err *err)
{
	return hooks_store_broken(ctx, out, err);
}
