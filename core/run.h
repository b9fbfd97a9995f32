/* run.h - runs of stacks and modules, triggered by webhook deliveries.
 *
 * A run is visible to whoever may see its stack (read in the stack's space).
 * Detached stacks have none: deliveries reach only stacks attached to the
 * receiving integration. */
#ifndef BB_RUN_H
#define BB_RUN_H

#include "account.h"
#include "bitbucket.h"
#include "ctx.h"

typedef struct bb_run {
	char id[BB_ULID_LEN + 1]; /* ULID: ordered by creation */
	char *stack;
	char *kind;          /* "stack" | "module" */
	char *type;          /* "tracked" | "proposed" */
	char *commit;
	char *branch;
	long pull_request;   /* 0 when none */
	long long delivery;  /* 0 when none (or no longer kept) */
	char *state;         /* queued, running, finished, failed, stopped */
	char *created_at;
	char *updated_at;
	char *note;          /* what the runner last said; NULL when nothing */
} bb_run;

/* Newest first; stack NULL = every visible stack, else the stack or module
 * of that name (BB_NOTFOUND / BB_DENIED as for reading it). limit 0 = all. */
bb_code run_list(bb_ctx *ctx, const char *stack, long limit, bb_run **out, size_t *n,
		 bb_err *err);
void run_list_free(bb_run *v, size_t n);
void run_free(bb_run *r);

/* The newest run of one stack or module (kind "stack" or "module"), for the
 * stacks screen: *found 0 when it has none or may not be seen. */
bb_code run_last(bb_ctx *ctx, const char *kind, const char *stack, bb_run *out, int *found,
		 bb_err *err);

/* Creates a queued run inside the caller's transaction (the receiver's
 * writer; no permission check). id_out may be NULL. *stmt caches the
 * prepared statement across calls (start with NULL; sqlite3_finalize it
 * when done); stmt may be NULL. */
typedef struct bb_run_input {
	const char *kind, *stack, *type, *commit, *branch;
	long pull_request;
	long long delivery;
	const char *now;
} bb_run_input;
bb_code run_create_locked(bb_db *db, const bb_run_input *in, char id_out[BB_ULID_LEN + 1],
			  sqlite3_stmt **stmt, bb_err *err);

/* ---- by hand and from runners (run_state.c) ------------------------------------- */

/* 1 when a run may go from state `from` to `to`: queued -> running, finished,
 * failed or stopped; running -> finished, failed or stopped; the last three
 * are final. */
int run_transition_ok(const char *from, const char *to);

/* A tracked run of the stack (or module) `stack` on commit, queued with its
 * statuses (needs write in the stack's space). commit NULL: the head of the
 * stack's branch, asked from Bitbucket with the integration's token. A
 * detached stack is refused (BB_INVALID): it has no runs until an admin
 * picks a new integration. */
bb_code run_trigger(bb_ctx *ctx, const char *stack, const char *commit,
		    char id_out[BB_ULID_LEN + 1], bb_err *err);

/* run_trigger without waiting for Bitbucket (the console): the same checks
 * (write, detached), then the lookup of the branch head started on client c;
 * done receives its result, which run_trigger_finish turns into the run.
 * Returns the job id, or 0 with err set (the refusal). */
bb_job_id run_trigger_start(bb_ctx *ctx, bb_client *c, const char *stack, bb_done_cb done,
			    void *user, bb_err *err);
/* Queues the run at the head that r (a BB_JOB_HASH result) found, checking
 * again; r's failure becomes one sentence naming the branch. */
bb_code run_trigger_finish(bb_ctx *ctx, const char *stack, const bb_job_result *r,
			   char id_out[BB_ULID_LEN + 1], bb_err *err);

/* Moves a run to state (running, finished, failed, stopped) with an
 * optional note, queueing its statuses in the same transaction (needs write
 * in its stack's space). Illegal transitions are refused (BB_INVALID). */
bb_code run_update(bb_ctx *ctx, const char *id, const char *state, const char *note,
		   bb_err *err);

/* One run by id, without a permission check (the receiver's run page shows
 * no secret). *found 0 when there is none. */
bb_code run_get(bb_db *db, const char *id, bb_run *out, int *found, bb_err *err);

#endif
