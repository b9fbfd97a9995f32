/* spaces.h - the console's spaces and roles: the space tree, the roles that
 * hold in one space, and the two small forms that create a space and grant
 * a role.
 *
 * Every change goes through core/space.h (space_create, space_delete,
 * space_grant, space_revoke), exactly as the commands do, so the rules and the
 * audit entries are the same. Hint bars offer only what the user may do; a
 * key pressed anyway is refused at once with core's sentence. */
#ifndef SPACES_H
#define SPACES_H

#include "tui.h"

#include "ctx.h"
#include "space.h"

/* The tree of every space, indented under its parent, with its inherit flag
 * and the user's role there. */
tui_screen *spaces_new(void);

/* The roles that hold in `space`: granted there, or in a space above it. */
tui_screen *space_users_new(const char *space);

/* The form that creates a space under parent (preselected; it offers the
 * spaces where the user is admin). NULL with why set when there is none. */
tui_screen *space_forms_space_new(const char *parent, bb_err *why);

/* The form that grants a role in space; login (may be NULL) and role are
 * filled in (changing a role is granting the new one). */
tui_screen *space_forms_grant_new(const char *space, const char *login, bb_role role);

/* Sentence-ready checks for the keys: BB_OK when the user may do it, else
 * BB_DENIED with core's sentence saying which role is needed where. */
bb_code spaces_may_create(const char *space, bb_err *why);
bb_code spaces_may_delete(const bb_space *s, bb_err *why);
bb_code spaces_may_grant(const bb_space *s, bb_err *why);

/* Key tables, for the key dump and the man page. */
extern const tui_keydef spaces_keys[];
extern const tui_keydef space_users_keys[];
extern const tui_keydef space_forms_space_keys[];
extern const tui_keydef space_forms_grant_keys[];

#endif
