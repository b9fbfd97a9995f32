/* space.h - the space tree, roles, and the permission questions.
 *
 * A role held in a space holds in all its descendants; the strongest role on
 * the path from root wins. `inherit` only governs which integrations a space
 * may use, never roles. */
#ifndef BB_SPACE_H
#define BB_SPACE_H

#include "ctx.h"

#define BB_ROOT_SPACE "root"

typedef enum bb_role {
	BB_ROLE_NONE = 0,
	BB_ROLE_READ = 1,
	BB_ROLE_WRITE = 2,
	BB_ROLE_ADMIN = 3
} bb_role;

const char *space_role_name(bb_role r); /* "read", ... "none" */
bb_role space_role_parse(const char *s); /* BB_ROLE_NONE when unknown */

typedef struct bb_space {
	char *name;
	char *parent; /* NULL for root */
	int inherit;
	char *created_at;
} bb_space;

typedef struct bb_grant {
	char *login;
	char *space;
	bb_role role;
} bb_grant;

/* BB_DENIED (exit 77) unless ctx->user holds at least one role. Every command
 * but `init` calls this first. */
bb_code space_require_user(bb_ctx *ctx, bb_err *err);

/* Needs admin of parent (NULL parent = root). Audited. */
bb_code space_create(bb_ctx *ctx, const char *name, const char *parent, int inherit,
		     bb_err *err);
/* Needs admin of the parent. Refuses root and spaces that still hold child
 * spaces, integrations or stacks; role grants in it go with it. Audited. */
bb_code space_delete(bb_ctx *ctx, const char *name, bb_err *err);
/* All spaces, root first then by name (parents before children). */
bb_code space_list(bb_ctx *ctx, bb_space **out, size_t *n, bb_err *err);
void space_list_free(bb_space *v, size_t n);
bb_code space_get(bb_ctx *ctx, const char *name, bb_space *out, bb_err *err);
void space_free(bb_space *s);

/* The strongest role of login on the path root..space. */
bb_code space_role_of(bb_ctx *ctx, const char *login, const char *space, bb_role *out,
		      bb_err *err);
/* *ok = (role of ctx->user in space) >= need. */
bb_code space_may(bb_ctx *ctx, const char *space, bb_role need, int *ok, bb_err *err);

/* BB_OK when ctx->user holds at least `need` in space; else BB_DENIED with a
 * sentence such as "Creating a space in dev needs the admin role in space dev;
 * you (bob) have read there." `doing` starts that sentence. BB_NOTFOUND when
 * the space does not exist. */
bb_code space_need(bb_ctx *ctx, const char *space, bb_role need, const char *doing,
		   bb_err *err);

/* Whether an integration living in integration_space (type default: any
 * space) is usable by a stack in stack_space: stack_space is the space itself,
 * or a descendant reached by an unbroken chain of inherit flags. */
bb_code space_usable(bb_ctx *ctx, const char *integration_space, int is_default,
		     const char *stack_space, int *ok, bb_err *err);

/* Role changes need admin of the space's parent (root: admin of root).
 * Revoking the last admin of root is refused. Audited. */
bb_code space_grant(bb_ctx *ctx, const char *login, const char *space, bb_role role,
		   bb_err *err);
bb_code space_revoke(bb_ctx *ctx, const char *login, const char *space, bb_err *err);
/* Grants ordered by login, then space. */
bb_code space_grant_list(bb_ctx *ctx, bb_grant **out, size_t *n, bb_err *err);
void space_grant_list_free(bb_grant *v, size_t n);

/* Spaces where ctx->user holds at least `need` (for pickers). */
bb_code space_list_where(bb_ctx *ctx, bb_role need, bb_space **out, size_t *n, bb_err *err);
/* Their names as a JSON array of strings (malloc'd), for a query's
 * json_each; *all (may be NULL) is set when that is every space. */
bb_code space_names_json(bb_ctx *ctx, bb_role need, char **out, int *all, bb_err *err);

#endif
