/* run_store.h - the SQL of the table `run`: the only place that knows its
 * columns. run.c and run_state.c keep the rules (who may see or move a
 * run, which transitions are allowed). */
#ifndef BB_RUN_STORE_H
#define BB_RUN_STORE_H

#include "db.h"
#include "run.h"

/* How many stacks and modules are named name (*all), and how many of them
 * are in the spaces of the JSON array spaces (*seen). */
bb_code run_store_stack_seen(bb_db *db, const char *name, const char *spaces, long *all,
			     long *seen, bb_err *err);
/* The runs of the stacks in spaces (JSON array), of stack and kind when
 * not NULL, newest first, at most limit (0: all); free with run_list_free. */
bb_code run_store_list(bb_db *db, const char *kind, const char *stack, const char *spaces,
		       long limit, bb_run **out, size_t *n, bb_err *err);
/* One run by id; *found 0 when none. */
bb_code run_store_get(bb_db *db, const char *id, bb_run *out, int *found, bb_err *err);
/* Inserts in as the queued run id; *stmt caches the statement as
 * run_create_locked says. */
bb_code run_store_insert(bb_db *db, const char *id, const bb_run_input *in, sqlite3_stmt **stmt,
			 bb_err *err);
/* The space of the run's stack and the run's state (malloc'd); *found 0
 * when there is no such run. */
bb_code run_store_space(bb_db *db, const char *id, char **space, char **state, int *found,
			bb_err *err);
/* Moves the run from state `from` to `to` with note at now; *changed 0 when
 * it was no longer in `from`. */
bb_code run_store_set_state(bb_db *db, const char *id, const char *from, const char *to,
			    const char *note, const char *now, long *changed, bb_err *err);

#endif
