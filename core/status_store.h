/* status_store.h - the SQL of the commit-status outbox as a run's change
 * writes it and a run's statuses read it: the only place that knows those
 * columns. status.c keeps the rules (which statuses, their keys, names and
 * summaries). */
#ifndef BB_STATUS_STORE_H
#define BB_STATUS_STORE_H

#include "db.h"
#include "status.h"
#include "strlist.h"
#include "util.h"

/* A run with a commit, and what its statuses need of its stack,
 * integration and account (malloc'd fields; id and now are the caller's). */
typedef struct status_store_run {
	const char *id;
	char *kind, *stack, *type, *commit, *branch, *state, *note;
	char *integration, *repository, *checks, *plan, *base;
	char now[BB_TIME_LEN];
} status_store_run;

/* One status to queue for the run's commit. */
typedef struct status_store_row {
	const char *key, *state, *name, *description;
} status_store_row;

void status_store_run_free(status_store_run *r);
/* Fills r for r->id (the commit in full when its hash is known); *found 0
 * for a detached stack, a run without a commit, or no run. */
bb_code status_store_load_run(bb_db *db, status_store_run *r, int *found, bb_err *err);
/* Queues row for r's commit (a row that did not change stays as it is) and
 * links it to the run. */
bb_code status_store_upsert(bb_db *db, const status_store_run *r, const status_store_row *row,
			    const char *url, bb_err *err);
/* The newest run state of each stack (or module) of group ("tracked",
 * "proposed", "modules") on r's commit, appended to out. */
bb_code status_store_group_states(bb_db *db, const status_store_run *r, const char *group,
				  bb_strlist *out, bb_err *err);
/* The statuses run_id moved, by key (status_of_run). */
bb_code status_store_of_run(bb_db *db, const char *run_id, bb_status **out, size_t *n,
			    bb_err *err);

#endif
