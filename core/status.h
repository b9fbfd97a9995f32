/* status.h - commit statuses: what Bitbucket should show for each run, kept
 * in a durable outbox (table status_outbox) and posted from there.
 *
 * A run's change writes the wanted statuses in the same transaction as the
 * change (status_enqueue_locked), so nothing is lost on a crash and nobody
 * waits for Bitbucket. One row per status key on a commit holds the newest
 * wanted state: posting the same key again overwrites it in Bitbucket, so
 * only the newest is ever sent, and a row being sent is claimed so that no
 * older state can land after a newer one. Senders (status_send) retry 5xx,
 * 429 and network failures with a growing back-off, and record any other
 * refusal with Bitbucket's sentence.
 *
 * Modes (the integration's vcs_checks): individual = one key per stack or
 * module and run type; aggregated = spacelift/tracked, spacelift/proposed,
 * spacelift/modules, each the worst state of its group for the commit; all =
 * both. A plan below business never posts aggregated keys (such an
 * integration posts individual ones). */
#ifndef BB_STATUS_H
#define BB_STATUS_H

#include <stddef.h>

#include "bitbucket.h"
#include "ctx.h"
#include "db.h"

#define STATUS_KEY_MAX 40

/* Bitbucket's state for a run state: queued/running -> INPROGRESS, finished
 * -> SUCCESSFUL, failed -> FAILED, stopped -> STOPPED; NULL when unknown. */
const char *status_state_of(const char *run_state);

/* The individual key of a stack or module and run type: at most 40
 * characters, the same for ever: "<name>-<type>" (modules "mod:<name>-..."),
 * the name cut and followed by "~" and 8 hex digits of a hash when it is too
 * long or holds characters outside [A-Za-z0-9._-]. */
void status_key(const char *kind, const char *name, const char *type,
		char out[STATUS_KEY_MAX + 1]);

/* The aggregated key of a run: spacelift/modules for a module, else
 * spacelift/tracked or spacelift/proposed. */
const char *status_group_key(const char *kind, const char *type);

/* The worst-state rule over n run states: any failed -> FAILED; else any
 * queued/running -> INPROGRESS; else any stopped -> STOPPED; else SUCCESSFUL.
 * The description counts the stacks per state ("3 stacks: 2 finished, 1
 * running"; noun "stack" or "module") into desc. */
const char *status_summarise(const char *const *states, size_t n, const char *noun, char *desc,
			     size_t size);

/* Writes the statuses run_id's current state calls for (nothing for a
 * detached stack or a run without a commit). Inside the caller's
 * transaction; no permission check (the caller changed the run). */
bb_code status_enqueue_locked(bb_db *db, const char *run_id, bb_err *err);

/* One status as the run listing shows it. */
typedef struct bb_status {
	char *key;
	char *state;     /* INPROGRESS, SUCCESSFUL, FAILED, STOPPED */
	char *outcome;   /* pending, posted, failed */
	char *error;     /* why (failed), or the last retried failure; NULL */
	long attempts;
	char *updated_at;
	char *posted_at; /* NULL until posted */
} bb_status;

/* The statuses run_id moved, by key (the caller may see the run). */
bb_code status_of_run(bb_db *db, const char *run_id, bb_status **out, size_t *n, bb_err *err);
void status_list_free(bb_status *v, size_t n);

/* ---- sending (status_send.c) ---------------------------------------------------- */

typedef struct status_totals {
	long posted, retried, failed;
} status_totals;

/* Posts what is due through client c until nothing is due or deadline_ms
 * (monotonic, util_mono_ms) passes; requests still in flight then are
 * cancelled and their rows left to the next sender. The totals may be NULL.
 * Environment: BBCONSOLE_STATUS_BACKOFF_MS (first retry delay, default
 * 2000; doubles up to 10 minutes). */
bb_code status_send(bb_db *db, bb_client *c, double deadline_ms, status_totals *totals,
		    bb_err *err);

/* Milliseconds until the next pending status is due (0 = now), or -1 when
 * none is pending. */
long status_next_due_ms(bb_db *db);

/* The sender of `bbconsole serve`: a thread with its own database
 * connection and client, posting whatever is due (from deliveries, run
 * update, run trigger, or left by a sender that crashed) until stopped. */
typedef struct status_sender status_sender;
bb_code status_sender_new(const char *db_path, status_sender **out, bb_err *err);
/* Something was queued: look now rather than at the next poll. Safe from
 * any thread. */
void status_sender_wake(status_sender *s);
/* Ends the round in flight (its unanswered rows stay pending) and joins. */
void status_sender_stop(status_sender *s);

/* The read-only page of one run that a status links to (status_page.c):
 * stack, type, commit, branch, state, note, times, and its statuses, all
 * HTML-escaped; no secret. *html is malloc'd; BB_NOTFOUND when no run. */
bb_code status_page_html(bb_db *db, const char *run_id, char **html, bb_err *err);

#endif
