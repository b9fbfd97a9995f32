/* run.c - runs of stacks and modules: created queued by the receiver,
 * listed for whoever may see the stack (run.h). */
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "run_store.h"
#include "space.h"
#include "validate.h"

void run_free(bb_run *r)
{
	if (!r)
		return;
	free(r->stack);
	free(r->kind);
	free(r->type);
	free(r->commit);
	free(r->branch);
	free(r->state);
	free(r->created_at);
	free(r->updated_at);
	free(r->note);
	memset(r, 0, sizeof *r);
}

void run_list_free(bb_run *v, size_t n)
{
	UTIL_FREE_EACH(v, n, run_free);
}

/* The spaces where ctx->user may read, as a JSON array for json_each. */
static bb_code readable_spaces(bb_ctx *ctx, char **out, bb_err *err)
{
	return space_names_json(ctx, BB_ROLE_READ, out, NULL, err);
}

/* Refuses a named stack the user may not see, or that does not exist. */
static bb_code check_stack(bb_ctx *ctx, const char *name, const char *spaces, bb_err *err)
{
	char q[BB_QUOTE_SIZE];
	long all = 0, seen = 0;
	bb_code rc = run_store_stack_seen(ctx->db, name, spaces, &all, &seen, err);

	if (rc != BB_OK)
		return rc;
	validate_quote(name, q, sizeof q);
	if (all == 0)
		return bb_fail(err, BB_NOTFOUND, "No stack or module is named \"%s\"; see bbconsole "
			       "stack list.", q);
	if (seen == 0)
		return bb_fail(err, BB_DENIED, "Seeing the runs of \"%s\" needs the read role in its "
			       "space; ask an admin of that space.", q);
	return BB_OK;
}

bb_code run_list(bb_ctx *ctx, const char *stack, long limit, bb_run **out, size_t *n,
		 bb_err *err)
{
	char *spaces = NULL;
	bb_code rc;

	*out = NULL;
	*n = 0;
	if ((rc = space_require_user(ctx, err)) == BB_OK &&
	    (rc = readable_spaces(ctx, &spaces, err)) == BB_OK && stack)
		rc = check_stack(ctx, stack, spaces, err);
	if (rc == BB_OK)
		rc = run_store_list(ctx->db, NULL, stack, spaces, limit, out, n, err);
	free(spaces);
	return rc;
}

bb_code run_last(bb_ctx *ctx, const char *kind, const char *stack, bb_run *out, int *found,
		 bb_err *err)
{
	char *spaces = NULL;
	bb_run *v = NULL;
	size_t n = 0;
	bb_code rc;

	memset(out, 0, sizeof *out);
	*found = 0;
	if ((rc = space_require_user(ctx, err)) == BB_OK)
		rc = readable_spaces(ctx, &spaces, err);
	if (rc == BB_OK)
		rc = run_store_list(ctx->db, kind, stack, spaces, 1, &v, &n, err);
	if (rc == BB_OK && n == 1) {
		*out = v[0];
		*found = 1;
		free(v);
	} else {
		run_list_free(v, n);
	}
	free(spaces);
	return rc;
}

bb_code run_get(bb_db *db, const char *id, bb_run *out, int *found, bb_err *err)
{
	return run_store_get(db, id, out, found, err);
}

bb_code run_create_locked(bb_db *db, const bb_run_input *in, char id_out[BB_ULID_LEN + 1],
			  sqlite3_stmt **stmt, bb_err *err)
{
	char id[BB_ULID_LEN + 1];
	bb_code rc;

	if ((rc = account_new_ulid(id, err)) == BB_OK)
		rc = run_store_insert(db, id, in, stmt, err);
	if (rc == BB_OK && id_out)
		memcpy(id_out, id, sizeof id);
	return rc;
}
