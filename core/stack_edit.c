/* stack_edit.c - changing what a stack or module tracks, and deleting one.
 *
 * The rules are those of creating one: admin of the stack's space, the
 * repository, branch and project root checked by validate.h. A stack the
 * user may not even read is "not found", as everywhere else. */
#include "stack_int.h"

#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "space.h"
#include "util.h"
#include "validate.h"

static bb_code not_visible(const char *kind, const char *name, bb_err *err)
{
	char q[BB_QUOTE_SIZE];

	validate_quote(name, q, sizeof q);
	return bb_fail(err, BB_NOTFOUND, "No %s named \"%s\" is visible to you; check the name in "
		       "`bbconsole stack list`.", kind ? kind : "stack or module", q);
}

/* The stack (kind NULL: the stack, else the module) if ctx->user may change
 * it: BB_NOTFOUND when it is not visible, BB_DENIED below admin. `doing`
 * ("Changing", "Deleting") starts the refusal. */
static bb_code find_own(bb_ctx *ctx, const char *kind, const char *name, const char *doing,
			stack_found *out, bb_err *err)
{
	char what[BB_QUOTE_SIZE + 48], q[BB_QUOTE_SIZE];
	int found = 0, ok = 0;
	bb_code rc;

	memset(out, 0, sizeof *out);
	if (kind && strcmp(kind, "stack") != 0 && strcmp(kind, "module") != 0)
		return bb_fail(err, BB_INVALID, "The kind must be stack or module.");
	rc = stack_store_find(ctx->db, kind, name ? name : "", out, &found, err);
	if (rc == BB_OK && found)
		rc = space_may(ctx, out->space, BB_ROLE_READ, &ok, err);
	if (rc == BB_OK && !ok)
		rc = not_visible(kind, name ? name : "", err);
	if (rc == BB_OK) {
		validate_quote(name, q, sizeof q);
		snprintf(what, sizeof what, "%s the %s %s", doing, out->kind, q);
		rc = space_need(ctx, out->space, BB_ROLE_ADMIN, what, err);
	}
	if (rc != BB_OK)
		stack_found_free(out);
	return rc;
}

/* ---- update -------------------------------------------------------------------- */

static bb_code check_change(const bb_stack_change *ch, bb_err *err)
{
	bb_code rc = BB_OK;

	if (!ch->repository && !ch->branch && !ch->project_root)
		return bb_fail(err, BB_INVALID, "Nothing to change; give a new repository, branch or "
			       "project root.");
	if (ch->repository)
		rc = validate_repository(ch->repository, err);
	if (rc == BB_OK && ch->branch)
		rc = validate_branch(ch->branch, err);
	if (rc == BB_OK && ch->project_root)
		rc = validate_project_root(ch->project_root, err);
	return rc;
}

/* Puts field -> to into d (and from into prev) when it differs; to is then
 * the value to write, else the current one stays. */
static const char *merge(const char *field, const char *to, const char *from, cJSON *d,
			 cJSON *prev, int *changed)
{
	if (!to || strcmp(to, from) == 0)
		return from;
	cJSON_AddStringToObject(d, field, to);
	cJSON_AddStringToObject(prev, field, from);
	(*changed)++;
	return to;
}

static bb_code update_locked(bb_ctx *ctx, const char *kind, const char *name,
			     const bb_stack_change *ch, int *changed, bb_err *err)
{
	cJSON *d = cJSON_CreateObject(), *prev = cJSON_CreateObject();
	const char *v[3];
	stack_found c;
	bb_code rc = find_own(ctx, kind, name, "Changing", &c, err);

	if (rc == BB_OK && (!d || !prev))
		rc = bb_oom(err);
	if (rc == BB_OK) {
		v[0] = merge("repository", ch->repository, c.repository, d, prev, changed);
		v[1] = merge("branch", ch->branch, c.branch, d, prev, changed);
		v[2] = merge("project_root", ch->project_root, c.project_root, d, prev, changed);
	}
	if (rc == BB_OK && *changed)
		rc = stack_store_update(ctx->db, c.kind, name, v[0], v[1], v[2], err);
	if (rc == BB_OK && *changed) {
		cJSON_AddItemToObject(d, "previous", prev);
		prev = NULL;
		rc = stack_audit(ctx, "stack.update", c.kind, name, d, err);
		d = NULL;
	}
	cJSON_Delete(d);
	cJSON_Delete(prev);
	stack_found_free(&c);
	return rc;
}

bb_code stack_update(bb_ctx *ctx, const char *kind, const char *name,
		     const bb_stack_change *ch, int *changed, bb_err *err)
{
	int n = 0;
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	if (changed)
		*changed = 0;
	if ((rc = space_require_user(ctx, err)) != BB_OK || (rc = check_change(ch, err)) != BB_OK ||
	    (rc = db_begin(ctx->db, err)) != BB_OK)
		return rc;
	rc = update_locked(ctx, kind, name ? name : "", ch, &n, err);
	if ((rc = db_finish(ctx->db, rc, err)) == BB_OK && changed)
		*changed = n;
	return rc;
}

/* ---- delete -------------------------------------------------------------------- */

static cJSON *deleted_json(const stack_found *c, long runs)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "space", c->space);
	if (c->integration)
		cJSON_AddStringToObject(d, "integration", c->integration);
	else
		cJSON_AddStringToObject(d, "detached_from", c->detached_from ? c->detached_from : "");
	cJSON_AddStringToObject(d, "repository", c->repository);
	cJSON_AddStringToObject(d, "branch", c->branch);
	cJSON_AddStringToObject(d, "project_root", c->project_root);
	cJSON_AddNumberToObject(d, "runs", (double)runs);
	return d;
}

static bb_code delete_locked(bb_ctx *ctx, const char *kind, const char *name, int apply,
			     bb_stack_removal *out, bb_err *err)
{
	stack_found c;
	bb_code rc = find_own(ctx, kind, name, "Deleting", &c, err);

	if (rc != BB_OK)
		return rc;
	snprintf(out->kind, sizeof out->kind, "%s", c.kind);
	rc = stack_store_runs(ctx->db, c.kind, name, &out->runs, err);
	if (rc == BB_OK && apply)
		rc = stack_store_delete(ctx->db, c.kind, name, err);
	if (rc == BB_OK && apply)
		rc = stack_audit(ctx, "stack.delete", c.kind, name, deleted_json(&c, out->runs),
				 err);
	stack_found_free(&c);
	return rc;
}

bb_code stack_delete(bb_ctx *ctx, const char *kind, const char *name, int apply,
		     bb_stack_removal *out, bb_err *err)
{
	bb_stack_removal local_out;
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	if (!out)
		out = &local_out;
	memset(out, 0, sizeof *out);
	if ((rc = space_require_user(ctx, err)) != BB_OK || (rc = db_begin(ctx->db, err)) != BB_OK)
		return rc;
	rc = delete_locked(ctx, kind, name ? name : "", apply, out, err);
	/* a preview changed nothing: its transaction only kept the reads together */
	return db_finish(ctx->db, rc, err);
}
