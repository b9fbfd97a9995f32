/* run_state.c - runs triggered by hand and moved by runners (run.h): each
 * change queues the run's commit statuses in its own transaction
 * (status.h), so a status is never lost and nobody waits for Bitbucket. */
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integration_store.h"
#include "run_store.h"
#include "secret.h"
#include "space.h"
#include "stack_store.h"
#include "status.h"
#include "validate.h"

#define NOTE_MAX 200

int run_transition_ok(const char *from, const char *to)
{
	int final = to && (!strcmp(to, "finished") || !strcmp(to, "failed") ||
			   !strcmp(to, "stopped"));

	if (!from || !to)
		return 0;
	if (!strcmp(from, "queued"))
		return final || !strcmp(to, "running");
	if (!strcmp(from, "running"))
		return final;
	return 0;
}

/* The stack named so (a stack before a module of the same name). */
static bb_code load_target(bb_ctx *ctx, const char *name, stack_found *t, bb_err *err)
{
	char q[BB_QUOTE_SIZE];
	int found;
	bb_code rc = stack_store_find(ctx->db, NULL, name, t, &found, err);

	if (rc == BB_OK && !found) {
		validate_quote(name, q, sizeof q);
		rc = bb_fail(err, BB_NOTFOUND, "No stack or module is named \"%s\"; see bbconsole "
			     "stack list.", q);
	}
	return rc;
}

static bb_code refuse_detached(const char *name, const stack_found *t, bb_err *err)
{
	char q[BB_QUOTE_SIZE], from[BB_QUOTE_SIZE];

	validate_quote(name, q, sizeof q);
	validate_quote(t->detached_from ? t->detached_from : "?", from, sizeof from);
	return bb_fail(err, BB_INVALID, "\"%s\" is detached (its integration \"%s\" was deleted), "
		       "so it has no runs until an admin picks a new integration for it with "
		       "bbconsole stack set-integration.", q, from);
}

/* The integration's credentials (token wiped by the caller with secret_free). */
static bb_code target_creds(bb_ctx *ctx, const stack_found *t, char **email, char **token,
			    bb_err *err)
{
	int found;
	bb_code rc = integration_store_credentials(ctx->db, t->integration, email, token, &found,
						   err);

	if (rc == BB_OK && !found)
		rc = db_fail(ctx->db, "reading the stack's integration", err);
	return rc;
}

static bb_code branch_head(bb_ctx *ctx, const stack_found *t, char out[41], bb_err *err)
{
	char *email, *token;
	bb_job_result res;
	bb_code rc = target_creds(ctx, t, &email, &token, err);

	if (rc == BB_OK) {
		bb_creds cr = {email, token, NULL};

		if (bitbucket_hash_sync(&cr, t->repository, NULL, t->branch, &res) == BB_OK)
			snprintf(out, 41, "%s", res.hash);
		else
			rc = bb_fail(err, res.code, "Could not learn the head of branch %.100s from "
				     "Bitbucket: %s Or give --commit SHA.", t->branch, res.msg);
		bitbucket_result_free(&res);
	}
	free(email);
	secret_free(token);
	return rc;
}

static int commit_valid(const char *c)
{
	size_t n = strspn(c, "0123456789abcdef");

	return c[n] == '\0' && n >= 7 && n <= 40;
}

static bb_code insert_run(bb_ctx *ctx, const char *name, const stack_found *t, const char *commit,
			  char id[BB_ULID_LEN + 1], bb_err *err)
{
	char now[BB_TIME_LEN];
	bb_run_input in = {t->kind, name, "tracked", commit, t->branch, 0, 0, now};
	bb_code rc;

	util_now(now);
	if ((rc = db_begin(ctx->db, err)) != BB_OK)
		return rc;
	if ((rc = run_create_locked(ctx->db, &in, id, NULL, err)) == BB_OK)
		rc = status_enqueue_locked(ctx->db, id, err);
	return db_finish(ctx->db, rc, err);
}

/* Who may trigger, and whether the stack can have runs at all. */
static bb_code trigger_check(bb_ctx *ctx, const char *stack, stack_found *t, bb_err *err)
{
	bb_code rc;

	if ((rc = space_require_user(ctx, err)) != BB_OK ||
	    (rc = load_target(ctx, stack, t, err)) != BB_OK)
		return rc;
	if ((rc = space_need(ctx, t->space, BB_ROLE_WRITE, "Triggering a run", err)) == BB_OK &&
	    !t->integration)
		rc = refuse_detached(stack, t, err);
	if (rc != BB_OK)
		stack_found_free(t);
	return rc;
}

bb_job_id run_trigger_start(bb_ctx *ctx, bb_client *c, const char *stack, bb_done_cb done,
			    void *user, bb_err *err)
{
	char *email = NULL, *token = NULL;
	bb_job_id job = 0;
	stack_found t;

	if (trigger_check(ctx, stack, &t, err) != BB_OK)
		return 0;
	if (target_creds(ctx, &t, &email, &token, err) == BB_OK) {
		bb_creds cr = {email, token, NULL};

		job = bitbucket_hash_start(c, &cr, t.repository, NULL, t.branch, done, user, err);
	}
	free(email);
	secret_free(token);
	stack_found_free(&t);
	return job;
}

bb_code run_trigger_finish(bb_ctx *ctx, const char *stack, const bb_job_result *r,
			   char id_out[BB_ULID_LEN + 1], bb_err *err)
{
	if (r->code != BB_OK)
		return bb_fail(err, r->code, "Could not learn the head of the branch of %.100s from "
			       "Bitbucket: %s", stack, r->msg[0] ? r->msg : "no answer.");
	return run_trigger(ctx, stack, r->hash, id_out, err);
}

bb_code run_trigger(bb_ctx *ctx, const char *stack, const char *commit,
		    char id_out[BB_ULID_LEN + 1], bb_err *err)
{
	char head[41] = "", q[BB_QUOTE_SIZE];
	stack_found t;
	bb_code rc;

	if ((rc = trigger_check(ctx, stack, &t, err)) != BB_OK)
		return rc;
	if (commit && !commit_valid(commit)) {
		validate_quote(commit, q, sizeof q);
		rc = bb_fail(err, BB_INVALID, "\"%s\" is not a commit hash: give 7 to 40 lower-case "
			     "hexadecimal digits.", q);
	}
	if (rc == BB_OK && !commit && (rc = branch_head(ctx, &t, head, err)) == BB_OK)
		commit = head;
	if (rc == BB_OK)
		rc = insert_run(ctx, stack, &t, commit, id_out, err);
	stack_found_free(&t);
	return rc;
}

static bb_code run_space(bb_ctx *ctx, const char *id, char **space, char **state, bb_err *err)
{
	char q[BB_QUOTE_SIZE];
	int found;
	bb_code rc = run_store_space(ctx->db, id, space, state, &found, err);

	if (rc == BB_OK && !found) {
		validate_quote(id, q, sizeof q);
		rc = bb_fail(err, BB_NOTFOUND, "No run has the id \"%s\"; see bbconsole run list.", q);
	}
	return rc;
}

static bb_code check_update(const char *from, const char *to, const char *note, bb_err *err)
{
	if (!to || (strcmp(to, "running") && strcmp(to, "finished") && strcmp(to, "failed") &&
		    strcmp(to, "stopped")))
		return bb_fail(err, BB_USAGE, "--state takes running, finished, failed or stopped.");
	if (!run_transition_ok(from, to))
		return bb_fail(err, BB_INVALID, "The run is %s and cannot become %s: a run goes "
			       "from queued to running, then to finished, failed or stopped, which "
			       "are final.", from, to);
	if (note && (strlen(note) > NOTE_MAX || validate_has_control(note)))
		return bb_fail(err, BB_INVALID, "The note must be at most %d characters without "
			       "control characters.", NOTE_MAX);
	return BB_OK;
}

bb_code run_update(bb_ctx *ctx, const char *id, const char *state, const char *note,
		   bb_err *err)
{
	char *space = NULL, *from = NULL, now[BB_TIME_LEN];
	long changed = 0;
	bb_code rc;

	if ((rc = space_require_user(ctx, err)) == BB_OK &&
	    (rc = run_space(ctx, id, &space, &from, err)) == BB_OK &&
	    (rc = space_need(ctx, space, BB_ROLE_WRITE, "Updating a run", err)) == BB_OK &&
	    (rc = check_update(from, state, note, err)) == BB_OK &&
	    (rc = db_begin(ctx->db, err)) == BB_OK) {
		util_now(now);
		rc = run_store_set_state(ctx->db, id, from, state, note, now, &changed, err);
		if (rc == BB_OK && changed == 0)
			rc = bb_fail(err, BB_TEMP, "The run changed while it was updated; try again.");
		if (rc == BB_OK)
			rc = status_enqueue_locked(ctx->db, id, err);
		rc = db_finish(ctx->db, rc, err);
	}
	free(space);
	free(from);
	return rc;
}
