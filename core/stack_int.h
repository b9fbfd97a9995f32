/* stack_int.h - internals shared by stack.c and stack_edit.c (the rules),
 * stack_store.c (the SQL of the table `stack`), stack_index.c and
 * stack_import.c only. */
#ifndef BB_STACK_INT_H
#define BB_STACK_INT_H

#include <cJSON.h>

#include "memo.h"
#include "stack.h"
#include "stack_store.h"
#include "util.h"

/* An integration as a stack refers to it. */
typedef struct stack_ref {
	char *slug, *name, *space;
	int is_default;
} stack_ref;

/* Creating one stack and importing 100,000 share one checker: it remembers
 * the answers that passed (admin of a space, an integration resolved, an
 * integration usable in a space) so a large import asks each question once.
 * Only successes are remembered: the first failure ends the call anyway. */
typedef struct stack_checker {
	bb_ctx *ctx;
	bb_memo admin;  /* spaces that exist and where ctx->user is admin */
	bb_memo integ;  /* name or slug -> index in refs (visible integrations) */
	bb_memo usable; /* "slug\x1fspace" pairs known usable */
	stack_ref *refs;
	size_t nrefs;
} stack_checker;

void stack_checker_free(stack_checker *ck);

/* Runs fn with a fresh checker inside BEGIN IMMEDIATE, for a user of the
 * account; commits when fn succeeds. */
typedef bb_code (*stack_locked_fn)(stack_checker *ck, void *arg, bb_err *err);
bb_code stack_locked(bb_ctx *ctx, stack_locked_fn fn, void *arg, bb_err *err);

/* A stack ready to insert; the strings belong to the input or the checker. */
typedef struct stack_row {
	const char *kind, *space, *integration, *repository, *branch, *project_root;
	const char *detached_from;
	char *name; /* trimmed, owned */
} stack_row;

/* Every rule of a new stack; fills r (free r->name). */
bb_code stack_check(stack_checker *ck, const bb_stack *in, stack_row *r, bb_err *err);

/* Records action on "kind:name" with the details d (consumed). */
bb_code stack_audit(bb_ctx *ctx, const char *action, const char *kind, const char *name,
		    cJSON *d, bb_err *err);

/* ---- stack_store.c ---- */

/* A prepared insert, run for each row by stack_store_insert. */
bb_code stack_store_insert_prepare(bb_db *db, sqlite3_stmt **st, bb_err *err);
/* Runs it for r and resets it; a name taken already is BB_INVALID. */
bb_code stack_store_insert(bb_db *db, sqlite3_stmt *st, const stack_row *r, const char *now,
			   bb_err *err);

/* The integration named key (name or slug) into *out (free with
 * stack_ref_free); *found 0 when there is none. */
bb_code stack_store_ref(bb_db *db, const char *key, stack_ref *out, int *found, bb_err *err);
void stack_ref_free(stack_ref *r);

/* The stacks matching f (never NULL) in the spaces of the JSON array spaces
 * (NULL: every space), ordered by kind then name. */
bb_code stack_store_each(bb_db *db, const bb_stack_filter *f, const char *spaces,
			 bb_stack_fn fn, void *arg, bb_err *err);
bb_code stack_store_count(bb_db *db, const bb_stack_filter *f, const char *spaces, long *n,
			  bb_err *err);

/* The key (kind, name) of the i-th stack wanted; the strings live until the next call. */
typedef void (*stack_key_fn)(size_t i, const char **kind, const char **name, void *arg);
/* Reads the stacks key(0) .. key(n - 1) in turn, skipping those gone; fn
 * returns non-zero to stop. */
bb_code stack_store_each_key(bb_db *db, size_t n, stack_key_fn key, void *key_arg,
			     bb_stack_fn fn, void *arg, bb_err *err);

/* How many runs the stack has. */
bb_code stack_store_runs(bb_db *db, const char *kind, const char *name, long *n, bb_err *err);
/* Sets what the stack tracks. */
bb_code stack_store_update(bb_db *db, const char *kind, const char *name,
			   const char *repository, const char *branch, const char *project_root,
			   bb_err *err);
/* Deletes the stack and its runs. */
bb_code stack_store_delete(bb_db *db, const char *kind, const char *name, bb_err *err);
/* Attaches the stack to slug (clearing detached_from). */
bb_code stack_store_set_integration(bb_db *db, const char *kind, const char *name,
				    const char *slug, bb_err *err);
/* The distinct spaces of the stacks detached from name. */
bb_code stack_store_detached_spaces(bb_db *db, const char *name, bb_strlist *out,
				    bb_err *err);
/* Attaches the stacks detached from name in the spaces of the JSON array
 * spaces to slug; *n counts them. */
bb_code stack_store_reattach(bb_db *db, const char *name, const char *slug,
			     const char *spaces, long *n, bb_err *err);

#endif
