/* delivery_record.c - writing checked deliveries and the runs they trigger,
 * retention, and the log line (delivery.h). Runs in the writer's transaction:
 * the statements are prepared once per batch. The SQL is in delivery_store.c. */
#include "delivery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delivery_store.h"
#include "run.h"
#include "status.h"

typedef struct batch {
	delivery_store_batch st;
	sqlite3_stmt *run;
	char now[BB_TIME_LEN];
} batch;

static void batch_end(batch *b)
{
	delivery_store_batch_end(&b->st);
	sqlite3_finalize(b->run);
}

static bb_code batch_begin(bb_db *db, batch *b, bb_err *err)
{
	memset(b, 0, sizeof *b);
	util_now(b->now);
	return delivery_store_batch_begin(db, &b->st, err);
}

static int is_duplicate(batch *b, const bb_delivery_job *job)
{
	if (!job->request_uuid)
		return 0;
	return delivery_store_is_duplicate(&b->st, job->slug, job->request_uuid);
}

/* The branch (or tag) and commit a delivery is about, for the listing. */
static void ref_of(const bb_payload *p, const char **branch, const char **commit)
{
	*branch = p->source_branch;
	*commit = p->source_commit;
	for (size_t i = 0; !p->pull_request && i < p->nchanges && !*branch; i++) {
		*branch = p->changes[i].name;
		*commit = p->changes[i].commit;
	}
}

static bb_code insert_job(batch *b, const bb_delivery_job *job, long long *id, bb_err *err)
{
	delivery_store_row r = {
		.ms = (long long)(util_mono_ms() - job->started),
		.answered_at = b->now,
		.headers = job->headers ? job->headers : "{}",
	};

	ref_of(&job->payload, &r.branch, &r.commit);
	return delivery_store_insert(&b->st, job, &r, id, err);
}

typedef struct trig {
	batch *b;
	bb_delivery_job *job;
	const char *kind, *name;
	bb_code rc;
	bb_err *err;
} trig;

static void make_run(const bb_trigger *t, void *arg)
{
	trig *tr = arg;
	bb_run_input in = {tr->kind, tr->name, t->type, t->commit, t->branch, t->pull_request,
			   tr->job->id, tr->b->now};
	char id[BB_ULID_LEN + 1];
	bb_db *db = tr->b->st.db;

	/* its statuses are written in the same transaction; posting is the sender's */
	if (tr->rc == BB_OK &&
	    (tr->rc = run_create_locked(db, &in, id, &tr->b->run, tr->err)) == BB_OK &&
	    (tr->rc = status_enqueue_locked(db, id, tr->err)) == BB_OK)
		tr->job->runs++;
}

/* One stack or module tracking the repository: its runs; non-zero stops. */
static int trigger_stack(const char *kind, const char *name, const char *branch, void *arg)
{
	trig *tr = arg;

	tr->kind = kind;
	tr->name = name;
	delivery_triggers(tr->job->event, &tr->job->payload, branch, make_run, tr);
	return tr->rc != BB_OK;
}

/* Runs for the stacks and modules of this integration tracking the repository. */
static bb_code trigger_runs(batch *b, bb_delivery_job *job, bb_err *err)
{
	trig tr = {b, job, NULL, NULL, BB_OK, err};

	if (!job->payload.repository)
		return BB_OK;
	delivery_store_each_stack(&b->st, job->slug, job->payload.repository, trigger_stack, &tr);
	return tr.rc;
}

static bb_code record_one(batch *b, bb_delivery_job *job, bb_err *err)
{
	int accepted = job->status == 0;
	long long id;

	if (accepted && is_duplicate(b, job)) {
		snprintf(job->outcome, sizeof job->outcome, "duplicate");
		accepted = 0;
	}
	if (job->status == 0)
		job->status = 202;
	if (insert_job(b, job, &id, err) != BB_OK)
		return err->code;
	if (id == 0) {
		/* deleted since the check: as if it had never existed */
		job->status = 404;
		snprintf(job->outcome, sizeof job->outcome, "rejected: unknown integration");
		return BB_OK;
	}
	job->id = id;
	if (!accepted)
		return BB_OK;
	if (delivery_store_keep_body(&b->st, job->id, job->body, job->len, err) != BB_OK)
		return err->code;
	return trigger_runs(b, job, err);
}

bb_code delivery_record(bb_db *db, bb_delivery_job *const *jobs, size_t n, bb_err *err)
{
	batch b;
	bb_code rc = batch_begin(db, &b, err);

	for (size_t i = 0; rc == BB_OK && i < n; i++)
		if (jobs[i]->record)
			rc = record_one(&b, jobs[i], err);
	batch_end(&b);
	return rc;
}

/* ---- retention ----------------------------------------------------------------- */

typedef struct retention {
	bb_db *db;
	char now[BB_TIME_LEN];
} retention;

static bb_code retain_one(const char *slug, long keep, long days, void *arg, bb_err *err)
{
	retention *r = arg;
	char cutoff[BB_TIME_LEN];

	if (util_time_add(r->now, -86400L * days, cutoff) != 0)
		return bb_fail(err, BB_INVALID, "The clock reads \"%.32s\", not a time; check "
			       "BBCONSOLE_NOW.", r->now);
	return delivery_store_trim(r->db, slug, keep, cutoff, err);
}

bb_code delivery_retain(bb_db *db, const char *slug, bb_err *err)
{
	retention r = {db, {0}};

	util_now(r.now);
	return delivery_store_each_retention(db, slug, retain_one, &r, err);
}

/* ---- the log line --------------------------------------------------------------- */

/* s for a log: printable ASCII only, at most 80 bytes, "-" when absent. */
static void clean(const char *s, char out[81])
{
	size_t n = 0;

	for (; s && *s && n < 80; s++)
		out[n++] = *s > ' ' && *s < 127 ? *s : '?';
	if (n == 0)
		out[n++] = '-';
	out[n] = '\0';
}

void delivery_log_line(const bb_delivery_job *job, char *out, size_t size)
{
	char slug[81], event[81], repo[81];

	clean(job->slug, slug);
	clean(job->event, event);
	clean(job->payload.repository, repo);
	snprintf(out, size, "%s integration=%s event=%s repository=%s outcome=\"%s\" status=%d "
		 "runs=%ld ms=%ld", job->received_at, slug, event, repo, job->outcome, job->status,
		 job->runs, job->ms);
}
