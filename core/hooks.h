/* hooks.h - the webhooks of an integration's repositories, checked, created,
 * repaired, re-keyed and removed through the Bitbucket API (SPEC section 5).
 *
 * The repositories are the distinct ones of the stacks and modules attached
 * to the integration. A hook is bbconsole's when its URL is the integration's
 * endpoint; hooks with any other URL are never changed. A hook's secret is
 * write-only in Bitbucket, so the table `hook` keeps which generation of the
 * integration's secret bbconsole last wrote to it (and the last check, for
 * screens that must not ask Bitbucket while they draw).
 *
 * A run is two hooks jobs of the one Bitbucket client: first the list of
 * every repository's hooks (and of their workspaces' hooks), then, unless it
 * only checks, the writes. Both run on the client's worker; the callbacks
 * here run on the caller's thread (bitbucket_client_collect), which owns the
 * database. A 429 stops the run: what was done is recorded, what remains is
 * reported, and the next run starts again from what Bitbucket then says.
 * Every change to a hook is audited (repository and action, never the secret).
 * Only admins of the integration's space may run one. */
#ifndef BB_HOOKS_H
#define BB_HOOKS_H

#include "bitbucket.h"
#include "ctx.h"
#include "util.h"

typedef enum hooks_state {
	HOOKS_UNCHECKED,      /* never checked (or the run stopped before it) */
	HOOKS_OK,             /* active, URL = endpoint, the seven events, our current secret */
	HOOKS_MISSING,
	HOOKS_INACTIVE,
	HOOKS_EVENTS_MISSING,
	HOOKS_NO_SECRET,
	HOOKS_SECRET_STALE,   /* written before the last rotation, or by someone else */
	HOOKS_COVERED,        /* a working workspace hook delivers for it */
	HOOKS_ERROR           /* detail says why (scope, 404, 403) */
} hooks_state;

/* "ok", "missing", "events-missing", ... as SPEC section 5 spells them. */
const char *hooks_state_name(hooks_state s);
/* The state of a name; HOOKS_UNCHECKED when unknown. */
hooks_state hooks_state_of(const char *name);
/* 1 for ok and covered: deliveries arrive, signed with the current secret. */
int hooks_state_working(hooks_state s);

/* The seven trigger events (NULL-terminated). */
extern const char *const hooks_events[];

typedef enum hooks_mode {
	HOOKS_CHECK,     /* read only */
	HOOKS_FIX,       /* create what is missing, repair what is wrong */
	HOOKS_REKEY,     /* write the current secret to every hook of ours (none created) */
	HOOKS_REMOVE,    /* delete every hook of ours */
	HOOKS_WORKSPACE  /* create or repair one workspace-level hook */
} hooks_mode;

typedef struct hooks_repo {
	char *repository;          /* "ws/slug" */
	hooks_state state;
	char *hook_uuid;           /* the hook judged; NULL when none */
	int via_workspace;         /* hook_uuid is its workspace's hook */
	bb_strlist events_missing;
	char detail[BB_MSG_MAX];   /* one sentence: what is wrong (or was done) */
	const char *action;        /* "created", "updated", "removed", or NULL */
	int pending;               /* the run stopped before finishing it */
	char checked_at[BB_TIME_LEN]; /* "" when never */
} hooks_repo;

typedef struct hooks_report {
	hooks_repo *v;             /* sorted by repository */
	size_t n;
	bb_code code;              /* BB_OK when the run completed, else why it stopped */
	int cancelled;
	long retry_after;          /* 429: seconds Bitbucket asked for, -1 unknown */
	char msg[BB_MSG_MAX];      /* a summary, or why it stopped and what remains */
	char workspace_msg[BB_MSG_MAX]; /* HOOKS_WORKSPACE: what happened to it */
	int workspace_ok;
	long failed;               /* repositories not ok or covered at the end */
	long pending;              /* repositories the run did not finish */
	long changed;              /* hooks created, updated or removed */
	long requests;
} hooks_report;

void hooks_report_free(hooks_report *r);

typedef void (*hooks_progress_cb)(void *user, long done, long total);
/* The callback may take the report (copy the struct, then zero *r). */
typedef void (*hooks_done_cb)(void *user, hooks_report *r);

typedef struct hooks_run hooks_run;

/* Starts a run on client c (workspace: for HOOKS_WORKSPACE). ctx must stay
 * valid until done has been called or the run freed. progress may be NULL. */
bb_code hooks_start(bb_ctx *ctx, bb_client *c, const char *integration, hooks_mode mode,
		    const char *workspace, hooks_progress_cb progress, hooks_done_cb done,
		    void *user, hooks_run **out, bb_err *err);
/* Stops it; done is still called, with what was done so far. */
void hooks_cancel(hooks_run *run);
/* After done, or to abandon it: then done is never called (the run is
 * released when its job's cancellation comes back through the client). */
void hooks_run_free(hooks_run *run);

/* The same, blocking, for the command line. out is filled even when the run
 * stopped (out->code says why); the return value is BB_OK when it ran. */
bb_code hooks_sync(bb_ctx *ctx, const char *integration, hooks_mode mode, const char *workspace,
		   hooks_report *out, bb_err *err);

/* The last check stored for each repository of the integration (no
 * network): state HOOKS_UNCHECKED when never checked. Same rights as a run. */
bb_code hooks_load(bb_ctx *ctx, const char *integration, hooks_report *out, bb_err *err);

/* "slug\trepository" of every repository whose last check found no working
 * webhook, for every integration (no network, no permission needed: only
 * states, for marking stacks). */
bb_code hooks_broken(bb_ctx *ctx, bb_strlist *out, bb_err *err);

/* ---- pure parts (unit-tested) ------------------------------------------------------ */

/* What the hooks of one repository (or workspace) say: the state, which hook
 * it is about (*which = index, or -1) and the events it lacks. managed_uuid
 * and written_gen are what bbconsole recorded (NULL / -1 when nothing);
 * current_gen is the integration's. Never HOOKS_COVERED or HOOKS_ERROR. */
hooks_state hooks_judge(const bb_hook_list *hooks, const char *endpoint, const char *managed_uuid,
			long written_gen, long current_gen, long *which, bb_strlist *missing);

/* The JSON body that makes a hook right: the endpoint, active, the seven
 * events plus those it had, the secret; its description is kept. existing
 * may be NULL (a new hook). malloc'd; free with secret_free. */
char *hooks_body(const char *endpoint, const bb_hook *existing, const char *secret);

#endif
