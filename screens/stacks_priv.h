/* stacks_priv.h - what the stacks screens share among themselves: a stack
 * named for an action, and the integration chooser. */
#ifndef STACKS_PRIV_H
#define STACKS_PRIV_H

#include <stddef.h>

#include "tui.h"

#include "ctx.h"
#include "error.h"

/* A stack or module an action applies to (malloc'd copies). */
typedef struct stacks_target {
	char *kind, *name, *space;
	char *detached_from; /* NULL when attached */
} stacks_target;

/* 0, or -1 when out of memory (t is then cleared). */
int stacks_target_set(stacks_target *t, const char *kind, const char *name, const char *space,
		     const char *detached_from);
void stacks_target_clear(stacks_target *t);
void stacks_targets_free(stacks_target *v, size_t n);

/* The chooser of a new integration for n stacks (copied): it offers only
 * integrations usable in the space of at least one of them, applies the
 * choice with stack_set_integration, and reports every stack it could not
 * change. NULL with why set when the user is admin of none of their spaces or
 * no integration is usable. */
tui_screen *stacks_choose_new(const stacks_target *v, size_t n, bb_err *why);

/* Appends the recent runs of the stack or module `name` (newest first,
 * about max_lines lines) and the state of their statuses to out
 * (stacks_runs.c). */
void stacks_runs_describe(bb_ctx *ctx, const char *name, int max_lines, char *out, size_t size);

#endif
