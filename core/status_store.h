/* status_store.h - the SQL of the commit-status outbox (status_outbox,
 * status_run) and the commit-hash cache: the only place that knows their
 * columns. status.c keeps the rules (which statuses, their keys, names and
 * summaries), status_send.c the sender's (leases, backoff, the body). */
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

/* ---- the sender's (status_send.c) ---- */

/* Leases the row (id, version) until `until` (ms) when it is still pending
 * and unclaimed at now; 0 when another sender has it or it changed. */
int status_store_claim(bb_db *db, long long id, long long version, long long now,
		       long long until);

/* A pending row due now; the strings live during the call only. */
typedef struct status_store_due {
	long long id, version;
	long attempts;
	const char *integration, *repository, *commit;
	const char *key, *state, *name, *description, *url, *refname;
} status_store_due;
/* Non-zero stops the reading. */
typedef int (*status_store_due_fn)(const status_store_due *d, void *arg);
/* The rows due at now (ms), oldest first, at most limit, each to fn. */
bb_code status_store_each_due(bb_db *db, long long now, int limit, status_store_due_fn fn,
			      void *arg, bb_err *err);

/* The answers, each judged against the version sent (a failed write leaves
 * the row to its lease): posted at now, failed for msg, retried at next_at
 * (ms) after msg; release ends the claim. */
void status_store_posted(bb_db *db, long long id, long long version, const char *now);
void status_store_failed(bb_db *db, long long id, long long version, const char *msg);
void status_store_retry(bb_db *db, long long id, long long version, const char *msg,
			long long next_at);
void status_store_release(bb_db *db, long long id);

/* Remembers the full hash of a short one in a repository. */
bb_code status_store_cache_hash(bb_db *db, const char *integration, const char *repository,
				const char *short_hash, const char *full, bb_err *err);
/* The full hash remembered for short_hash into out, or NULL. */
const char *status_store_cached_hash(bb_db *db, const char *integration,
				     const char *repository, const char *short_hash,
				     char out[41]);
/* The earliest time (ms) a pending row becomes due or free; -1 when none. */
long long status_store_next_due(bb_db *db);

#endif
