/* space_store.h - the SQL of the tables `space` and `role`: the only place
 * that knows their columns and the recursive queries that climb the tree.
 * space.c keeps the rules (who may, what is refused, what is audited). */
#ifndef BB_SPACE_STORE_H
#define BB_SPACE_STORE_H

#include "db.h"
#include "space.h"

/* The strongest role login holds on the path from space up to root; *exists
 * 0 when there is no such space. */
bb_code space_store_path_role(bb_db *db, const char *space, const char *login, int *exists,
			      bb_role *role, bb_err *err);
/* Whether the climb from stack_space, while inherit holds, reaches
 * integration_space; *exists 0 when stack_space does not exist. */
bb_code space_store_inherits(bb_db *db, const char *stack_space, const char *integration_space,
			     int *exists, int *reaches, bb_err *err);

/* How many roles login holds anywhere. */
bb_code space_store_roles_of(bb_db *db, const char *login, long *n, bb_err *err);
/* The role login holds in space itself (BB_ROLE_NONE when none). */
bb_code space_store_role_at(bb_db *db, const char *login, const char *space, bb_role *out,
			    bb_err *err);
/* How many admins space has itself. */
bb_code space_store_admins(bb_db *db, const char *space, long *n, bb_err *err);

/* One space; *found 0 when none. Free with space_free. */
bb_code space_store_get(bb_db *db, const char *name, bb_space *out, int *found, bb_err *err);
/* Every space, depth first from root, siblings by name. */
bb_code space_store_list(bb_db *db, bb_space **out, size_t *n, bb_err *err);
/* Every role, by login then space. */
bb_code space_store_grants(bb_db *db, bb_grant **out, size_t *n, bb_err *err);

/* What lives in space: child spaces, integrations, stacks and modules. */
bb_code space_store_contents(bb_db *db, const char *space, long *spaces, long *integrations,
			     long *stacks, bb_err *err);

bb_code space_store_insert(bb_db *db, const char *name, const char *parent, int inherit,
			   const char *now, const char *user, bb_err *err);
/* Deletes space and the roles held in it. */
bb_code space_store_delete(bb_db *db, const char *space, bb_err *err);
bb_code space_store_grant(bb_db *db, const char *login, const char *space, bb_role role,
			  bb_err *err);
bb_code space_store_revoke(bb_db *db, const char *login, const char *space, bb_err *err);

#endif
