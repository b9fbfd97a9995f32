/* stack.h - stacks and modules that track a repository through an integration.
 *
 * Visibility: a stack is visible to users with read in its space. Creating a
 * stack, and setting its integration, need admin of its space, and the
 * integration must be usable there (space_usable). */
#ifndef BB_STACK_H
#define BB_STACK_H

#include <stdio.h>

#include "ctx.h"

typedef struct bb_stack {
	const char *kind;          /* "stack" | "module" */
	const char *name;
	const char *space;
	const char *integration;   /* slug; NULL when detached */
	const char *repository;    /* workspace/repo_slug */
	const char *branch;        /* NULL on input = "main" */
	const char *project_root;  /* "" when none */
	const char *detached_from; /* name of the deleted integration, or NULL */
	const char *created_at;
} bb_stack;

typedef struct bb_stack_filter {
	int detached_only;
	const char *integration;   /* slug or name: only stacks using it */
	const char *detached_from; /* only stacks detached from this name */
	const char *text;          /* substring of name, space, repository */
	const char *space;         /* only this space */
	long offset, limit;        /* limit 0 = all */
	int order;                 /* BB_STACK_ORDER_*: the column rows are sorted by */
	int desc;                  /* that column descending */
} bb_stack_filter;

/* What stack_each sorts by (then kind and name). */
enum {
	BB_STACK_ORDER_KIND,       /* kind, then name: the default */
	BB_STACK_ORDER_NAME,
	BB_STACK_ORDER_SPACE,
	BB_STACK_ORDER_INTEGRATION,
	BB_STACK_ORDER_REPOSITORY,
	BB_STACK_ORDER_BRANCH,
	BB_STACK_ORDERS
};

/* Input: kind NULL = "stack"; integration may be a name or a slug. Audited. */
bb_code stack_create(bb_ctx *ctx, const bb_stack *in, bb_err *err);

/* Visible stacks matching f (NULL = all), ordered by f->order (kind then
 * name by default). The
 * pointers in *s live only during the call. fn returns non-zero to stop. */
typedef int (*bb_stack_fn)(const bb_stack *s, void *arg);
bb_code stack_each(bb_ctx *ctx, const bb_stack_filter *f, bb_stack_fn fn, void *arg,
		   bb_err *err);
bb_code stack_count(bb_ctx *ctx, const bb_stack_filter *f, long *n, bb_err *err);

/* An in-memory search index of the visible stacks matching f (its text,
 * detached_only, offset and limit are ignored), for a screen that filters a
 * long list on every keystroke: a few lower-cased bytes per stack, searched
 * in C instead of running LIKE over every row in the database. */
typedef struct bb_stack_index bb_stack_index;
bb_code stack_index_build(bb_ctx *ctx, const bb_stack_filter *f, bb_stack_index **out,
			  bb_err *err);
/* Selects the stacks matching text exactly as bb_stack_filter.text would
 * (NULL or "" = all), detached ones only when detached_only; their count. */
long stack_index_select(bb_stack_index *ix, const char *text, int detached_only);
/* The selected stacks offset .. offset + limit - 1 (limit 0 = all), read
 * from the database, in order; ones deleted since the build are skipped. */
bb_code stack_index_each(bb_ctx *ctx, const bb_stack_index *ix, long offset, long limit,
			 bb_stack_fn fn, void *arg, bb_err *err);
void stack_index_free(bb_stack_index *ix);

/* kind NULL: a stack, or the module of that name if no stack has it. Clears
 * detached_from. Audited. */
bb_code stack_set_integration(bb_ctx *ctx, const char *kind, const char *name,
			      const char *integration, bb_err *err);

/* Re-attaches every stack detached from `detached_from` to integration (only
 * those where it is usable and the user is admin). *n counts them. Audited. */
bb_code stack_reattach(bb_ctx *ctx, const char *detached_from, const char *integration,
		       long *n, bb_err *err);

/* A line of an import holds one stack: a few hundred bytes. */
#define BB_IMPORT_LINE_MAX 16384

/* JSON lines read from in, one stack a line (fields as in stack JSON; kind
 * defaults to stack, branch to main; any other field is refused). Read a line
 * at a time, so memory stays bounded whatever the file holds. All or nothing:
 * on any bad line nothing is stored and err names the line number. *imported
 * may be NULL. */
bb_code stack_import_file(bb_ctx *ctx, FILE *in, long *imported, bb_err *err);

/* The same from text in memory. */
bb_code stack_import(bb_ctx *ctx, const char *text, size_t len, long *imported, bb_err *err);

/* ---- editing and deleting (stack_edit.c) ------------------------------------- */

/* What `stack update` may change; NULL leaves a field as it is. */
typedef struct bb_stack_change {
	const char *repository;    /* workspace/repo_slug */
	const char *branch;
	const char *project_root;  /* "" clears it */
} bb_stack_change;

/* kind NULL: the stack, or the module of that name if no stack has it.
 * Needs admin of its space (BB_NOTFOUND when it is not visible at all); the
 * field rules are stack_create's. Audited with the changed fields and their
 * previous values. *changed (may be NULL) counts the fields that differ: 0
 * writes and audits nothing. */
bb_code stack_update(bb_ctx *ctx, const char *kind, const char *name,
		     const bb_stack_change *ch, int *changed, bb_err *err);

/* What deleting a stack or module takes with it. */
typedef struct bb_stack_removal {
	char kind[8];  /* "stack" or "module": the one found */
	long runs;     /* its runs, deleted with it */
} bb_stack_removal;

/* Deletes a stack or module (kind as for stack_update) and its runs; needs
 * admin of its space. Audited. apply 0 makes the same checks and fills *out
 * without deleting anything (the preview before a confirmation). */
bb_code stack_delete(bb_ctx *ctx, const char *kind, const char *name, int apply,
		     bb_stack_removal *out, bb_err *err);

#endif
