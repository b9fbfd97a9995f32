/* stack.c - stacks and modules that track a repository through an
 * integration: the rules (who may, which integration is usable, what is
 * audited). The SQL is in stack_store.c, the field checks in validate.c,
 * the search index in stack_index.c and the import in stack_import.c. */
#include "stack_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "space.h"
#include "util.h"
#include "validate.h"

/* ---- the checker ------------------------------------------------------------ */

void stack_checker_free(stack_checker *ck)
{
	memo_free(&ck->admin);
	memo_free(&ck->integ);
	memo_free(&ck->usable);
	for (size_t i = 0; i < ck->nrefs; i++)
		stack_ref_free(&ck->refs[i]);
	free(ck->refs);
}

bb_code stack_locked(bb_ctx *ctx, stack_locked_fn fn, void *arg, bb_err *err)
{
	stack_checker ck = {.ctx = ctx};
	bb_code rc;

	if ((rc = space_require_user(ctx, err)) != BB_OK || (rc = db_begin(ctx->db, err)) != BB_OK)
		return rc;
	rc = db_finish(ctx->db, fn(&ck, arg, err), err);
	stack_checker_free(&ck);
	return rc;
}

/* The space exists and ctx->user is admin there. `kind` words the refusal. */
static bb_code check_admin(stack_checker *ck, const char *space, const char *kind, bb_err *err)
{
	char doing[BB_MSG_MAX / 2];
	bb_code rc;

	if (memo_get(&ck->admin, space))
		return BB_OK;
	snprintf(doing, sizeof doing, "Creating or changing a %s in space %s", kind, space);
	if ((rc = space_need(ck->ctx, space, BB_ROLE_ADMIN, doing, err)) != BB_OK)
		return rc;
	return memo_put(&ck->admin, space, 1) == 0 ? BB_OK : bb_oom(err);
}

static bb_code not_visible(const char *key, bb_err *err)
{
	char q[BB_QUOTE_SIZE];

	validate_quote(key, q, sizeof q);
	return bb_fail(err, BB_NOTFOUND, "No integration named \"%s\" is visible to you; check the "
		       "name in the list of integrations.", q);
}

/* Appends r to the refs (taking its strings); *index is where. */
static bb_code ref_add(stack_checker *ck, stack_ref *r, int *index, bb_err *err)
{
	stack_ref *v = realloc(ck->refs, (ck->nrefs + 1) * sizeof *v);

	if (!v) {
		stack_ref_free(r);
		return bb_oom(err);
	}
	ck->refs = v;
	v[ck->nrefs] = *r;
	*index = (int)ck->nrefs++;
	return BB_OK;
}

/* Finds the integration named key (name or slug) if ctx->user may list it. */
static bb_code resolve(stack_checker *ck, const char *key, const stack_ref **out, bb_err *err)
{
	const int *known = memo_get(&ck->integ, key);
	stack_ref r;
	int index = -1, ok = 0, found;
	bb_code rc;

	if (known) {
		*out = &ck->refs[*known];
		return BB_OK;
	}
	if ((rc = stack_store_ref(ck->ctx->db, key, &r, &found, err)) != BB_OK)
		return rc;
	if (!found)
		return not_visible(key, err);
	if ((rc = ref_add(ck, &r, &index, err)) != BB_OK)
		return rc;
	ok = ck->refs[index].is_default;
	if (!ok && (rc = space_may(ck->ctx, ck->refs[index].space, BB_ROLE_READ, &ok, err)))
		return rc;
	if (!ok)
		return not_visible(key, err);
	if (memo_put(&ck->integ, key, index) != 0)
		return bb_oom(err);
	*out = &ck->refs[index];
	return BB_OK;
}

static bb_code check_usable(stack_checker *ck, const stack_ref *r, const char *space, bb_err *err)
{
	char key[2 * (BB_NAME_MAX * 4) + 8];
	int ok = 0;
	bb_code rc;

	snprintf(key, sizeof key, "%s\x1f%s", r->slug, space);
	if (memo_get(&ck->usable, key))
		return BB_OK;
	if ((rc = space_usable(ck->ctx, r->space, r->is_default, space, &ok, err)) != BB_OK)
		return rc;
	if (!ok)
		return bb_fail(err, BB_INVALID, "The integration \"%s\" lives in space %s, which "
			       "space %s does not inherit from; pick an integration usable in %s.",
			       r->name, r->space, space, space);
	return memo_put(&ck->usable, key, 1) == 0 ? BB_OK : bb_oom(err);
}

/* ---- creating ------------------------------------------------------------------ */

static bb_code check_integration(stack_checker *ck, const bb_stack *in, stack_row *r, bb_err *err)
{
	const stack_ref *it;
	bb_code rc;

	r->integration = NULL;
	r->detached_from = NULL;
	if (!in->integration || !*in->integration) {
		/* a detached stack (as exported) keeps the name it was detached from */
		if (in->detached_from && *in->detached_from &&
		    validate_stack_name("integration", in->detached_from, err) == BB_OK) {
			r->detached_from = in->detached_from;
			return BB_OK;
		}
		return bb_fail(err, BB_INVALID, "The %s %s needs an integration; pick one usable in "
			       "space %s.", r->kind, r->name, r->space);
	}
	if ((rc = resolve(ck, in->integration, &it, err)) != BB_OK ||
	    (rc = check_usable(ck, it, r->space, err)) != BB_OK)
		return rc;
	r->integration = it->slug;
	return BB_OK;
}

bb_code stack_check(stack_checker *ck, const bb_stack *in, stack_row *r, bb_err *err)
{
	bb_code rc;

	memset(r, 0, sizeof *r);
	r->kind = in->kind ? in->kind : "stack";
	if (strcmp(r->kind, "stack") != 0 && strcmp(r->kind, "module") != 0)
		return bb_fail(err, BB_INVALID, "The kind must be stack or module.");
	if (!(r->name = validate_trim(in->name ? in->name : "")))
		return bb_oom(err);
	if ((rc = validate_stack_name(r->kind, r->name, err)) != BB_OK)
		return rc;
	if (!in->space || !*in->space)
		return bb_fail(err, BB_INVALID, "The %s %s needs a space; choose the space it "
			       "belongs to.", r->kind, r->name);
	if ((rc = validate_space_name(in->space, err)) != BB_OK)
		return rc;
	r->space = in->space;
	r->repository = in->repository;
	r->branch = in->branch && *in->branch ? in->branch : "main";
	r->project_root = in->project_root ? in->project_root : "";
	if ((rc = check_admin(ck, r->space, r->kind, err)) != BB_OK ||
	    (rc = validate_repository(r->repository, err)) != BB_OK ||
	    (rc = validate_branch(r->branch, err)) != BB_OK ||
	    (rc = validate_project_root(r->project_root, err)) != BB_OK)
		return rc;
	return check_integration(ck, in, r, err);
}

bb_code stack_audit(bb_ctx *ctx, const char *action, const char *kind, const char *name,
		    cJSON *d, bb_err *err)
{
	char target[BB_NAME_MAX * 4 + 16];

	snprintf(target, sizeof target, "%s:%s", kind, name);
	return audit_record_json(ctx, action, target, d, err);
}

static cJSON *row_json(const stack_row *r)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "space", r->space);
	if (r->integration)
		cJSON_AddStringToObject(d, "integration", r->integration);
	else
		cJSON_AddStringToObject(d, "detached_from", r->detached_from);
	cJSON_AddStringToObject(d, "repository", r->repository);
	cJSON_AddStringToObject(d, "branch", r->branch);
	cJSON_AddStringToObject(d, "project_root", r->project_root);
	return d;
}

static bb_code create_locked(stack_checker *ck, void *arg, bb_err *err)
{
	const bb_stack *in = arg;
	char now[BB_TIME_LEN];
	sqlite3_stmt *st = NULL;
	stack_row r;
	bb_code rc = stack_check(ck, in, &r, err);

	util_now(now);
	if (rc == BB_OK && (rc = stack_store_insert_prepare(ck->ctx->db, &st, err)) == BB_OK &&
	    (rc = stack_store_insert(ck->ctx->db, st, &r, now, err)) == BB_OK)
		rc = stack_audit(ck->ctx, "stack.create", r.kind, r.name, row_json(&r), err);
	sqlite3_finalize(st);
	free(r.name);
	return rc;
}

bb_code stack_create(bb_ctx *ctx, const bb_stack *in, bb_err *err)
{
	bb_err local;

	return stack_locked(ctx, create_locked, (void *)(uintptr_t)in, err ? err : &local);
}

/* ---- listing -------------------------------------------------------------------- */

/* The spaces where ctx->user may read, computed once per call, as JSON; NULL
 * when that is every space (then no stack needs the check: stack.space is a
 * foreign key). */
static bb_code visible_spaces(bb_ctx *ctx, char **out, bb_err *err)
{
	int all = 0;
	bb_code rc = space_names_json(ctx, BB_ROLE_READ, out, &all, err);

	if (rc == BB_OK && all) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* One listing: fn NULL counts into *n, else hands each stack to fn. */
static bb_code listing(bb_ctx *ctx, const bb_stack_filter *f, bb_stack_fn fn, void *arg,
		       long *n, bb_err *err)
{
	static const bb_stack_filter none = {0};
	char *spaces = NULL;
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	if (!f)
		f = &none;
	if ((rc = space_require_user(ctx, err)) == BB_OK &&
	    (rc = visible_spaces(ctx, &spaces, err)) == BB_OK)
		rc = fn ? stack_store_each(ctx->db, f, spaces, fn, arg, err)
			: stack_store_count(ctx->db, f, spaces, n, err);
	free(spaces);
	return rc;
}

bb_code stack_each(bb_ctx *ctx, const bb_stack_filter *f, bb_stack_fn fn, void *arg,
		   bb_err *err)
{
	return listing(ctx, f, fn, arg, NULL, err);
}

bb_code stack_count(bb_ctx *ctx, const bb_stack_filter *f, long *n, bb_err *err)
{
	*n = 0;
	return listing(ctx, f, NULL, NULL, n, err);
}

/* ---- changing the integration ---------------------------------------------------- */

/* The stack (kind NULL: the stack, else the module) named name, if visible. */
static bb_code find_stack(bb_ctx *ctx, const char *kind, const char *name, stack_found *out,
			  bb_err *err)
{
	int found, ok = 0;
	bb_code rc = stack_store_find(ctx->db, kind, name, out, &found, err);

	if (rc != BB_OK)
		return rc;
	if (found)
		rc = space_may(ctx, out->space, BB_ROLE_READ, &ok, err);
	if (rc == BB_OK && !ok) {
		char q[BB_QUOTE_SIZE];

		validate_quote(name, q, sizeof q);
		rc = bb_fail(err, BB_NOTFOUND, "No %s named \"%s\" is visible to you; check the name "
			     "in the list of stacks and modules.",
			     kind && !strcmp(kind, "module") ? "module" : kind ? "stack" :
			     "stack or module", q);
	}
	if (rc != BB_OK)
		stack_found_free(out);
	return rc;
}

/* What a change of integration names: the stack, and the integration by key. */
typedef struct change_args {
	const char *kind, *name, *key;
	long count; /* re-attached */
} change_args;

static bb_code set_locked(stack_checker *ck, void *arg, bb_err *err)
{
	const char *kind = ((change_args *)arg)->kind, *name = ((change_args *)arg)->name;
	const char *key = ((change_args *)arg)->key;
	const stack_ref *it = NULL;
	stack_found s;
	cJSON *d;
	bb_code rc = find_stack(ck->ctx, kind, name, &s, err);

	if (rc != BB_OK)
		return rc;
	if ((rc = check_admin(ck, s.space, s.kind, err)) == BB_OK &&
	    (rc = resolve(ck, key, &it, err)) == BB_OK &&
	    (rc = check_usable(ck, it, s.space, err)) == BB_OK)
		rc = stack_store_set_integration(ck->ctx->db, s.kind, name, it->slug, err);
	if (rc == BB_OK) {
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "integration", it->slug);
		if (s.integration)
			cJSON_AddStringToObject(d, "previous", s.integration);
		if (s.detached_from)
			cJSON_AddStringToObject(d, "detached_from", s.detached_from);
		rc = stack_audit(ck->ctx, "stack.set_integration", s.kind, name, d, err);
	}
	stack_found_free(&s);
	return rc;
}

bb_code stack_set_integration(bb_ctx *ctx, const char *kind, const char *name,
			      const char *integration, bb_err *err)
{
	change_args a = {kind, name, integration ? integration : "", 0};
	bb_err local;

	return stack_locked(ctx, set_locked, &a, err ? err : &local);
}

/* The spaces holding stacks detached from name where ctx->user may attach them
 * to it: admin there, and the integration usable there. A JSON array. */
static bb_code reattach_spaces(stack_checker *ck, const char *name, const stack_ref *it,
			       char **out, bb_err *err)
{
	bb_strlist spaces = {0};
	cJSON *a = cJSON_CreateArray();
	bb_err ignored;
	bb_code rc = stack_store_detached_spaces(ck->ctx->db, name, &spaces, err);

	*out = NULL;
	for (size_t i = 0; rc == BB_OK && i < spaces.n; i++) {
		const char *space = spaces.v[i];
		bb_code why = check_admin(ck, space, "stack", &ignored);

		if (why == BB_OK)
			why = check_usable(ck, it, space, &ignored);
		if (why == BB_OK)
			cJSON_AddItemToArray(a, cJSON_CreateString(space));
		else if (why != BB_DENIED && why != BB_INVALID)
			rc = bb_fail(err, why, "%s", ignored.msg); /* not a refusal: a failure */
	}
	strlist_free(&spaces);
	if (rc == BB_OK && !(*out = cJSON_PrintUnformatted(a)))
		rc = bb_oom(err);
	cJSON_Delete(a);
	return rc;
}

static bb_code reattach_locked(stack_checker *ck, void *arg, bb_err *err)
{
	const char *name = ((change_args *)arg)->name, *key = ((change_args *)arg)->key;
	long *n = &((change_args *)arg)->count;
	const stack_ref *it = NULL;
	char *spaces = NULL;
	cJSON *d;
	bb_code rc;

	if ((rc = resolve(ck, key, &it, err)) == BB_OK &&
	    (rc = reattach_spaces(ck, name, it, &spaces, err)) == BB_OK)
		rc = stack_store_reattach(ck->ctx->db, name, it->slug, spaces, n, err);
	free(spaces);
	if (rc == BB_OK && *n > 0) {
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "detached_from", name);
		cJSON_AddNumberToObject(d, "count", (double)*n);
		rc = stack_audit(ck->ctx, "stack.reattach", "integration", it->slug, d, err);
	}
	return rc;
}

bb_code stack_reattach(bb_ctx *ctx, const char *detached_from, const char *integration,
		       long *n, bb_err *err)
{
	change_args a = {NULL, detached_from ? detached_from : "", integration ? integration : "",
			 0};
	bb_err local;
	bb_code rc = stack_locked(ctx, reattach_locked, &a, err ? err : &local);

	if (n)
		*n = rc == BB_OK ? a.count : 0;
	return rc;
}
