#include "space.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "audit.h"
#include "account.h"
#include "space_store.h"
#include "util.h"
#include "validate.h"

const char *space_role_name(bb_role r)
{
	switch (r) {
	case BB_ROLE_READ: return "read";
	case BB_ROLE_WRITE: return "write";
	case BB_ROLE_ADMIN: return "admin";
	case BB_ROLE_NONE: break;
	}
	return "none";
}

bb_role space_role_parse(const char *s)
{
	if (!s)
		return BB_ROLE_NONE;
	if (strcmp(s, "read") == 0)
		return BB_ROLE_READ;
	if (strcmp(s, "write") == 0)
		return BB_ROLE_WRITE;
	if (strcmp(s, "admin") == 0)
		return BB_ROLE_ADMIN;
	return BB_ROLE_NONE;
}

static bb_code no_such_space(const char *name, bb_err *err)
{
	char q[BB_QUOTE_SIZE];

	validate_quote(name, q, sizeof q);
	return bb_fail(err, BB_NOTFOUND, "There is no space \"%s\"; run `bbconsole space list` "
		       "to see the spaces.", q);
}

bb_code space_role_of(bb_ctx *ctx, const char *login, const char *space, bb_role *out,
		      bb_err *err)
{
	int exists = 0;
	bb_code rc = space_store_path_role(ctx->db, space, login, &exists, out, err);

	if (rc != BB_OK || !exists)
		*out = BB_ROLE_NONE;
	if (rc == BB_OK && !exists)
		rc = no_such_space(space, err);
	return rc;
}

bb_code space_may(bb_ctx *ctx, const char *space, bb_role need, int *ok, bb_err *err)
{
	bb_role r;
	bb_code rc = space_role_of(ctx, ctx->user, space, &r, err);

	*ok = rc == BB_OK && r >= need;
	return rc;
}

bb_code space_need(bb_ctx *ctx, const char *space, bb_role need, const char *doing,
		    bb_err *err)
{
	char who[BB_QUOTE_SIZE], where[BB_QUOTE_SIZE];
	bb_role r;
	bb_code rc = space_role_of(ctx, ctx->user, space, &r, err);

	if (rc != BB_OK || r >= need)
		return rc;
	validate_quote(ctx->user, who, sizeof who);
	validate_quote(space, where, sizeof where);
	if (r == BB_ROLE_NONE)
		return bb_fail(err, BB_DENIED, "%s needs the %s role in space %s; you (%s) have no "
			       "role there, so ask an admin of %s.", doing, space_role_name(need), where,
			       who, where);
	return bb_fail(err, BB_DENIED, "%s needs the %s role in space %s; you (%s) have %s "
		       "there, so ask an admin of %s.", doing, space_role_name(need), where, who,
		       space_role_name(r), where);
}

bb_code space_require_user(bb_ctx *ctx, bb_err *err)
{
	char who[BB_QUOTE_SIZE];
	bb_account acc;
	long n;
	bb_code rc;

	if ((rc = space_store_roles_of(ctx->db, ctx->user, &n, err)) != BB_OK)
		return rc;
	if (n > 0)
		return BB_OK;
	/* on a database never set up, say how to set it up rather than "denied" */
	if ((rc = account_get(ctx, &acc, err)) != BB_OK)
		return rc;
	account_free(&acc);
	validate_quote(ctx->user, who, sizeof who);
	return bb_fail(err, BB_DENIED, "You (%s) have no role in this bbconsole account; ask an "
		       "admin of root to run `bbconsole user grant %s --space SPACE --role read`.",
		       who, who);
}

bb_code space_get(bb_ctx *ctx, const char *name, bb_space *out, bb_err *err)
{
	int found;
	bb_code rc = space_store_get(ctx->db, name ? name : "", out, &found, err);

	if (rc == BB_OK && !found)
		rc = no_such_space(name, err);
	return rc;
}

void space_free(bb_space *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->parent);
	free(s->created_at);
	memset(s, 0, sizeof *s);
}

/* Depth first from root, siblings by name: parents always come first. */
bb_code space_list(bb_ctx *ctx, bb_space **out, size_t *n, bb_err *err)
{
	bb_code rc;

	*out = NULL;
	*n = 0;
	if ((rc = space_store_list(ctx->db, out, n, err)) != BB_OK) {
		space_list_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

void space_list_free(bb_space *v, size_t n)
{
	UTIL_FREE_EACH(v, n, space_free);
}

/* space_list_where, with the number of spaces there are into *total. */
static bb_code list_where(bb_ctx *ctx, bb_role need, bb_space **out, size_t *n, size_t *total,
			  bb_err *err)
{
	bb_space *v;
	size_t count, kept = 0;
	bb_code rc = space_list(ctx, &v, &count, err);

	*total = count;
	if (rc != BB_OK)
		return rc;
	for (size_t i = 0; i < count; i++) {
		bb_role r = BB_ROLE_NONE;

		if (rc == BB_OK)
			rc = space_role_of(ctx, ctx->user, v[i].name, &r, err);
		if (rc == BB_OK && r >= need)
			v[kept++] = v[i];
		else
			space_free(&v[i]);
	}
	if (rc != BB_OK) {
		space_list_free(v, kept);
		*out = NULL;
		*n = 0;
		return rc;
	}
	*out = v;
	*n = kept;
	return BB_OK;
}

bb_code space_list_where(bb_ctx *ctx, bb_role need, bb_space **out, size_t *n, bb_err *err)
{
	size_t total;

	return list_where(ctx, need, out, n, &total, err);
}

bb_code space_names_json(bb_ctx *ctx, bb_role need, char **out, int *all, bb_err *err)
{
	bb_space *v = NULL;
	size_t n = 0, total = 0;
	bb_code rc = list_where(ctx, need, &v, &n, &total, err);
	cJSON *a;

	*out = NULL;
	if (all)
		*all = rc == BB_OK && n == total;
	if (rc != BB_OK)
		return rc;
	a = cJSON_CreateArray();
	for (size_t i = 0; a && i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i].name));
	*out = a ? cJSON_PrintUnformatted(a) : NULL;
	cJSON_Delete(a);
	space_list_free(v, n);
	return *out ? BB_OK : bb_oom(err);
}

bb_code space_usable(bb_ctx *ctx, const char *integration_space, int is_default,
		     const char *stack_space, int *ok, bb_err *err)
{
	int exists = 0, reaches = 0;
	bb_code rc = space_store_inherits(ctx->db, stack_space, integration_space, &exists,
					  &reaches, err);

	*ok = 0;
	if (rc == BB_OK && !exists)
		return no_such_space(stack_space, err);
	if (rc == BB_OK)
		*ok = is_default || reaches;
	return rc;
}

/* Audits action on target with details built by the caller (consumed). */
static bb_code audit_json(bb_ctx *ctx, const char *action, const char *target, cJSON *details,
			  bb_err *err)
{
	return audit_record_json(ctx, action, target, details, err);
}

static bb_code create_in_tx(bb_ctx *ctx, const char *name, const char *parent, int inherit,
			    bb_err *err)
{
	char now[BB_TIME_LEN], doing[BB_QUOTE_SIZE + 32], target[BB_NAME_MAX + 8];
	bb_space old;
	cJSON *d;
	int exists = 0;
	bb_code rc;

	snprintf(doing, sizeof doing, "Creating a space in %s", parent);
	if ((rc = space_need(ctx, parent, BB_ROLE_ADMIN, doing, err)) != BB_OK ||
	    (rc = space_store_get(ctx->db, name, &old, &exists, err)) != BB_OK)
		return rc;
	space_free(&old);
	if (exists)
		return bb_fail(err, BB_INVALID, "A space named %s exists already; choose another "
			       "name.", name);
	util_now(now);
	if ((rc = space_store_insert(ctx->db, name, parent, inherit, now, ctx->user, err)) != BB_OK)
		return rc;
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "parent", parent);
	cJSON_AddBoolToObject(d, "inherit", inherit);
	snprintf(target, sizeof target, "space:%s", name);
	return audit_json(ctx, "space.create", target, d, err);
}

bb_code space_create(bb_ctx *ctx, const char *name, const char *parent, int inherit,
		     bb_err *err)
{
	bb_code rc;

	if ((rc = validate_space_name(name, err)) != BB_OK)
		return rc;
	if ((rc = db_begin(ctx->db, err)) != BB_OK)
		return rc;
	rc = create_in_tx(ctx, name, parent ? parent : BB_ROOT_SPACE, inherit, err);
	return db_finish(ctx->db, rc, err);
}

/* BB_INVALID naming what still lives in space, or BB_OK when it is empty. */
static bb_code check_empty(bb_ctx *ctx, const char *space, bb_err *err)
{
	long spaces, integrations, stacks;
	bb_code rc = space_store_contents(ctx->db, space, &spaces, &integrations, &stacks, err);

	if (rc != BB_OK)
		return rc;
	if (spaces || integrations || stacks)
		return bb_fail(err, BB_INVALID, "The space %s still holds %ld child spaces, %ld "
			       "integrations and %ld stacks or modules; delete or move them first.",
			       space, spaces, integrations, stacks);
	return BB_OK;
}

static bb_code delete_in_tx(bb_ctx *ctx, const bb_space *s, bb_err *err)
{
	char doing[BB_QUOTE_SIZE + 32], target[BB_NAME_MAX + 8];
	cJSON *d;
	bb_code rc;

	snprintf(doing, sizeof doing, "Deleting the space %s", s->name);
	if ((rc = space_need(ctx, s->parent, BB_ROLE_ADMIN, doing, err)) != BB_OK ||
	    (rc = check_empty(ctx, s->name, err)) != BB_OK ||
	    (rc = space_store_delete(ctx->db, s->name, err)) != BB_OK)
		return rc;
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "parent", s->parent);
	cJSON_AddBoolToObject(d, "inherit", s->inherit);
	snprintf(target, sizeof target, "space:%s", s->name);
	return audit_json(ctx, "space.delete", target, d, err);
}

bb_code space_delete(bb_ctx *ctx, const char *name, bb_err *err)
{
	bb_space s;
	bb_code rc;

	if (name && strcmp(name, BB_ROOT_SPACE) == 0)
		return bb_fail(err, BB_INVALID, "The space root cannot be deleted: every other space "
			       "lives under it.");
	if ((rc = db_begin(ctx->db, err)) != BB_OK)
		return rc;
	if ((rc = space_get(ctx, name, &s, err)) == BB_OK) {
		rc = delete_in_tx(ctx, &s, err);
		space_free(&s);
	}
	return db_finish(ctx->db, rc, err);
}

#define ROLE_TARGET_MAX (5 + BB_LOGIN_NAME_MAX * 4 + 1 + BB_NAME_MAX + 1)

/* Role changes in a space need admin of its parent; in root, admin of root. */
static bb_code need_role_admin(bb_ctx *ctx, const bb_space *s, const char *doing, bb_err *err)
{
	char msg[BB_QUOTE_SIZE + 48];

	snprintf(msg, sizeof msg, "%s roles in space %s", doing, s->name);
	return space_need(ctx, s->parent ? s->parent : s->name, BB_ROLE_ADMIN, msg, err);
}

/* Refuses to take admin of root away from its last holder. */
static bb_code keep_last_admin(bb_ctx *ctx, const char *login, const char *space,
			       bb_role before, bb_role after, bb_err *err)
{
	char who[BB_QUOTE_SIZE];
	long admins;
	bb_code rc;

	if (strcmp(space, BB_ROOT_SPACE) != 0 || before != BB_ROLE_ADMIN || after == BB_ROLE_ADMIN)
		return BB_OK;
	if ((rc = space_store_admins(ctx->db, BB_ROOT_SPACE, &admins, err)) != BB_OK)
		return rc;
	if (admins > 1)
		return BB_OK;
	validate_quote(login, who, sizeof who);
	return bb_fail(err, BB_INVALID, "%s is the last admin of root and the account would have "
		       "nobody to run it; grant admin of root to someone else first.", who);
}

static bb_code current_role(bb_ctx *ctx, const char *login, const char *space, bb_role *out,
			    bb_err *err)
{
	return space_store_role_at(ctx->db, login, space, out, err);
}

static bb_code audit_role(bb_ctx *ctx, const char *action, const char *login,
			  const char *space, bb_role role, bb_role before, bb_err *err)
{
	char target[ROLE_TARGET_MAX];
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "login", login);
	cJSON_AddStringToObject(d, "space", space);
	if (role != BB_ROLE_NONE)
		cJSON_AddStringToObject(d, "role", space_role_name(role));
	if (before != BB_ROLE_NONE)
		cJSON_AddStringToObject(d, "previous", space_role_name(before));
	else
		cJSON_AddNullToObject(d, "previous");
	snprintf(target, sizeof target, "role:%s@%s", login, space);
	return audit_json(ctx, action, target, d, err);
}

static bb_code grant_in_tx(bb_ctx *ctx, const char *login, const bb_space *s, bb_role role,
			   bb_err *err)
{
	bb_role before;
	bb_code rc;

	if ((rc = need_role_admin(ctx, s, "Granting", err)) != BB_OK ||
	    (rc = current_role(ctx, login, s->name, &before, err)) != BB_OK ||
	    (rc = keep_last_admin(ctx, login, s->name, before, role, err)) != BB_OK ||
	    (rc = space_store_grant(ctx->db, login, s->name, role, err)) != BB_OK)
		return rc;
	return audit_role(ctx, "role.grant", login, s->name, role, before, err);
}

bb_code space_grant(bb_ctx *ctx, const char *login, const char *space, bb_role role,
		    bb_err *err)
{
	bb_space s;
	bb_code rc;

	if ((rc = validate_login(login, err)) != BB_OK)
		return rc;
	if (role < BB_ROLE_READ || role > BB_ROLE_ADMIN)
		return bb_fail(err, BB_INVALID, "The role must be read, write or admin.");
	if ((rc = db_begin(ctx->db, err)) != BB_OK)
		return rc;
	if ((rc = space_get(ctx, space, &s, err)) == BB_OK) {
		rc = grant_in_tx(ctx, login, &s, role, err);
		space_free(&s);
	}
	return db_finish(ctx->db, rc, err);
}

static bb_code revoke_in_tx(bb_ctx *ctx, const char *login, const bb_space *s, bb_err *err)
{
	char who[BB_QUOTE_SIZE];
	bb_role before;
	bb_code rc;

	if ((rc = need_role_admin(ctx, s, "Revoking", err)) != BB_OK ||
	    (rc = current_role(ctx, login, s->name, &before, err)) != BB_OK)
		return rc;
	if (before == BB_ROLE_NONE) {
		validate_quote(login, who, sizeof who);
		return bb_fail(err, BB_NOTFOUND, "%s holds no role in space %s itself (a role held "
			       "in a parent space is revoked there); run `bbconsole user list`.", who,
			       s->name);
	}
	if ((rc = keep_last_admin(ctx, login, s->name, before, BB_ROLE_NONE, err)) != BB_OK ||
	    (rc = space_store_revoke(ctx->db, login, s->name, err)) != BB_OK)
		return rc;
	return audit_role(ctx, "role.revoke", login, s->name, BB_ROLE_NONE, before, err);
}

bb_code space_revoke(bb_ctx *ctx, const char *login, const char *space, bb_err *err)
{
	bb_space s;
	bb_code rc;

	if ((rc = validate_login(login, err)) != BB_OK)
		return rc;
	if ((rc = db_begin(ctx->db, err)) != BB_OK)
		return rc;
	if ((rc = space_get(ctx, space, &s, err)) == BB_OK) {
		rc = revoke_in_tx(ctx, login, &s, err);
		space_free(&s);
	}
	return db_finish(ctx->db, rc, err);
}

bb_code space_grant_list(bb_ctx *ctx, bb_grant **out, size_t *n, bb_err *err)
{
	bb_code rc;

	*out = NULL;
	*n = 0;
	if ((rc = space_store_grants(ctx->db, out, n, err)) != BB_OK) {
		space_grant_list_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

void space_grant_list_free(bb_grant *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].login);
		free(v[i].space);
	}
	free(v);
}
