/* stacks.h - the console's stacks and modules: the list (detached ones
 * marked, filter, detached-only toggle, multi-select), the create form, the
 * integration chooser for one or many stacks, and the repository picker.
 *
 * Rules live in core/stack.h and core/space.h; these screens only ask core
 * and show its sentences. */
#ifndef STACKS_H
#define STACKS_H

#include "tui.h"

#include "ctx.h"

/* The list of every stack and module the user may see; with a slug, only
 * those using that integration (the jump from an integration's details). */
tui_screen *stacks_new(const char *integration_slug);

/* The form that creates a stack or module; NULL with why set when the user
 * may create none (admin of no space) or memory ran out. */
tui_screen *stacks_form_new(bb_err *why);

/* The same form editing s (copied): its repository, branch and project
 * root. NULL with why set when the user may not change it (core's sentence,
 * at once) or memory ran out. */
struct bb_stack;
tui_screen *stacks_edit_new(const struct bb_stack *s, bb_err *why);

/* Called when the user picks a repository: full_name "workspace/slug" and
 * its main branch (NULL when unknown). Both strings live during the call. */
typedef void (*repo_pick_fn)(void *arg, const char *full_name, const char *mainbranch);

/* The repositories of one integration: the cached list at once, refreshed
 * in the background by discovery; filter as you type; a typed
 * workspace/slug is accepted when discovery is unavailable. Esc cancels the
 * discovery and closes the picker without calling pick. typed (may be NULL):
 * what the form's field held, the filter to start with. */
tui_screen *repo_picker_new(const char *integration_slug, const char *typed, repo_pick_fn pick,
			    void *arg);

/* Key tables, for the key dump and the man page. */
extern const tui_keydef stacks_keys[];
extern const tui_keydef stacks_form_keys[];
extern const tui_keydef stacks_choose_keys[];
extern const tui_keydef repo_picker_keys[];

#endif
