/* stack_store.h - the reading of one stack that other parts of core need
 * (runs are triggered for a stack by name); the rest of the SQL of the
 * table `stack` is internal to the stack module (stack_int.h). */
#ifndef BB_STACK_STORE_H
#define BB_STACK_STORE_H

#include "db.h"

/* The stored fields of one stack (malloc'd copies). */
typedef struct stack_found {
	char *kind, *space, *integration, *repository, *branch, *project_root;
	char *detached_from;
} stack_found;
void stack_found_free(stack_found *s);
/* The stack (kind NULL: the stack, else the module) named name; *found 0
 * when none. */
bb_code stack_store_find(bb_db *db, const char *kind, const char *name, stack_found *out,
			 int *found, bb_err *err);

#endif
