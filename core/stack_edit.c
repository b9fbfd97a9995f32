/* stack_edit.c - changing what a stack or module tracks, and deleting one.
 *
 * The rules are those of creating one: admin of the stack's space, the
 * repository, branch and project root checked by validate.h. A stack the
 * user may not even read is "not found", as everywhere else. */
#include "stack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "audit.h"
#include "space.h"
#include "util.h"
#include "validate.h"

/* The stored fields of one stack (malloc'd copies). */
typedef struct current {
	char *kind, *space, *repository, *branch, *project_root;
	char *integration, *detached_from;
} current;

static void current_free(current *c)
{
	free(c->kind);
	free(c->space);
	free(c->repository);
	free(c->branch);
	free(c->project_root);
	free(c->integration);
	free(c->detached_from);
	memset(c, 0, sizeof *c);
}

static bb_code not_visible(const char *kind, const char *name, bb_err *err)
{
	char q[BB_QUOTE_SIZE];

	validate_quote(name, q, sizeof q);
	return bb_fail(err, BB_NOTFOUND, "No %s named \"%s\" is visible to you; check the name in "
		       "`bbconsole stack list`.", kind ? kind : "stack or module", q);
}

static bb_code read_row(bb_ctx *ctx, const char *kind, const char *name, current *out,
			int *found, bb_err *err)
{
	static const char sql[] = "SELECT kind, space, repository, branch, project_root, "
				  "integration, detached_from FROM stack "
				  "WHERE name = ?1 AND (?2 IS NULL OR kind = ?2) "
				  "ORDER BY kind = 'stack' DESC LIMIT 1";
	sqlite3_stmt *st;
	int step;
	bb_code rc = db_prepare(ctx->db, sql, &st, err);

	*found = 0;
	if (rc != BB_OK)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		*found = 1;
		out->kind = db_column_dup(st, 0);
		out->space = db_column_dup(st, 1);
		out->repository = db_column_dup(st, 2);
		out->branch = db_column_dup(st, 3);
		out->project_root = db_column_dup(st, 4);
		out->integration = db_column_dup(st, 5);
		out->detached_from = db_column_dup(st, 6);
		if (!out->kind || !out->space || !out->repository || !out->branch ||
		    !out->project_root)
			rc = bb_oom(err);
	} else if (step != SQLITE_DONE) {
		rc = db_fail(ctx->db, "reading the stack", err);
	}
	sqlite3_finalize(st);
	return rc;
}

/* The stack (kind NULL: the stack, else the module) if ctx->user may change
 * it: BB_NOTFOUND when it is not visible, BB_DENIED below admin. `doing`
 * ("Changing", "Deleting") starts the refusal. */
static bb_code find_own(bb_ctx *ctx, const char *kind, const char *name, const char *doing,
			current *out, bb_err *err)
{
	char what[BB_QUOTE_SIZE + 48], q[BB_QUOTE_SIZE];
	int found = 0, ok = 0;
	bb_code rc;

	memset(out, 0, sizeof *out);
	if (kind && strcmp(kind, "stack") != 0 && strcmp(kind, "module") != 0)
		return bb_fail(err, BB_INVALID, "The kind must be stack or module.");
	rc = read_row(ctx, kind, name ? name : "", out, &found, err);
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
		current_free(out);
	return rc;
}

/* "stack:web" or "module:vpc". */
static bb_code audit_stack(bb_ctx *ctx, const char *action, const char *kind,
			   const char *name, cJSON *d, bb_err *err)
{
	char target[BB_NAME_MAX * 4 + 16];

	snprintf(target, sizeof target, "%s:%s", kind, name);
	return audit_record_json(ctx, action, target, d, err);
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

static bb_code write_change(bb_ctx *ctx, const current *c, const char *name,
			    const char *const v[3], bb_err *err)
{
	const char *p[] = {v[0], v[1], v[2], c->kind, name};

	return db_exec_text(ctx->db, "UPDATE stack SET repository = ?1, branch = ?2, "
			    "project_root = ?3 WHERE kind = ?4 AND name = ?5", p, 5, NULL,
			    "saving the stack", err);
}

static bb_code update_locked(bb_ctx *ctx, const char *kind, const char *name,
			     const bb_stack_change *ch, int *changed, bb_err *err)
{
	cJSON *d = cJSON_CreateObject(), *prev = cJSON_CreateObject();
	const char *v[3];
	current c;
	bb_code rc = find_own(ctx, kind, name, "Changing", &c, err);

	if (rc == BB_OK && (!d || !prev))
		rc = bb_oom(err);
	if (rc == BB_OK) {
		v[0] = merge("repository", ch->repository, c.repository, d, prev, changed);
		v[1] = merge("branch", ch->branch, c.branch, d, prev, changed);
		v[2] = merge("project_root", ch->project_root, c.project_root, d, prev, changed);
	}
	if (rc == BB_OK && *changed)
		rc = write_change(ctx, &c, name, v, err);
	if (rc == BB_OK && *changed) {
		cJSON_AddItemToObject(d, "previous", prev);
		prev = NULL;
		rc = audit_stack(ctx, "stack.update", c.kind, name, d, err);
		d = NULL;
	}
	cJSON_Delete(d);
	cJSON_Delete(prev);
	current_free(&c);
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

static bb_code delete_rows(bb_ctx *ctx, const current *c, const char *name, bb_err *err)
{
	const char *p[] = {c->kind, name};
	bb_code rc = db_exec_text(ctx->db, "DELETE FROM run WHERE stack_kind = ?1 AND stack = ?2",
				  p, 2, NULL, "deleting the stack's runs", err);

	if (rc == BB_OK)
		rc = db_exec_text(ctx->db, "DELETE FROM stack WHERE kind = ?1 AND name = ?2", p, 2,
				  NULL, "deleting the stack", err);
	return rc;
}

static cJSON *deleted_json(const current *c, long runs)
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
	current c;
	const char *p[2];
	bb_code rc = find_own(ctx, kind, name, "Deleting", &c, err);

	if (rc != BB_OK)
		return rc;
	p[0] = c.kind, p[1] = name;
	snprintf(out->kind, sizeof out->kind, "%s", c.kind);
	rc = db_query_int(ctx->db, "SELECT COUNT(*) FROM run WHERE stack_kind = ?1 AND "
			  "stack = ?2", p, 2, &out->runs, "reading the stack's runs", err);
	if (rc == BB_OK && apply)
		rc = delete_rows(ctx, &c, name, err);
	if (rc == BB_OK && apply)
		rc = audit_stack(ctx, "stack.delete", c.kind, name, deleted_json(&c, out->runs),
				 err);
	current_free(&c);
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
