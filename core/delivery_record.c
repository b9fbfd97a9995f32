/* delivery_record.c - writing checked deliveries and the runs they trigger,
 * retention, and the log line (delivery.h). Runs in the writer's transaction:
 * the statements are prepared once per batch. */
#include "delivery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "status.h"

typedef struct batch {
	bb_db *db;
	sqlite3_stmt *dup, *ins, *body, *stacks, *run;
	char now[BB_TIME_LEN];
} batch;

static const char dup_sql[] = "SELECT 1 FROM delivery WHERE integration = ?1 AND "
			      "request_uuid = ?2 AND outcome = 'accepted' LIMIT 1";
static const char ins_sql[] =
	"INSERT INTO delivery (integration, received_at, event, hook_uuid, request_uuid, "
	"attempt, repository, branch, commit_sha, pull_request, fork, signature, outcome, "
	"status, ms, answered_at, headers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	"?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
static const char body_sql[] = "INSERT INTO delivery_body (delivery, body) VALUES (?1, ?2)";
static const char stacks_sql[] = "SELECT kind, name, branch FROM stack WHERE integration = ?1 "
				 "AND repository = ?2";

static void batch_end(batch *b)
{
	sqlite3_finalize(b->dup);
	sqlite3_finalize(b->ins);
	sqlite3_finalize(b->body);
	sqlite3_finalize(b->stacks);
	sqlite3_finalize(b->run);
}

static bb_code batch_begin(bb_db *db, batch *b, bb_err *err)
{
	memset(b, 0, sizeof *b);
	b->db = db;
	util_now(b->now);
	if (db_prepare(db, dup_sql, &b->dup, err) != BB_OK ||
	    db_prepare(db, ins_sql, &b->ins, err) != BB_OK ||
	    db_prepare(db, body_sql, &b->body, err) != BB_OK ||
	    db_prepare(db, stacks_sql, &b->stacks, err) != BB_OK) {
		batch_end(b);
		return err->code;
	}
	return BB_OK;
}

static int is_duplicate(batch *b, const bb_delivery_job *job)
{
	int dup;

	if (!job->request_uuid)
		return 0;
	sqlite3_bind_text(b->dup, 1, job->slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->dup, 2, job->request_uuid, -1, SQLITE_STATIC);
	dup = sqlite3_step(b->dup) == SQLITE_ROW;
	sqlite3_reset(b->dup);
	return dup;
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

static void bind_opt_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_job(batch *b, const bb_delivery_job *job)
{
	sqlite3_stmt *st = b->ins;
	const char *branch, *commit;
	const char *vals[] = {job->slug, job->received_at, job->event, job->hook_uuid,
			      job->request_uuid};

	ref_of(&job->payload, &branch, &commit);
	for (int i = 0; i < 5; i++)
		bind_opt_text(st, i + 1, vals[i]);
	sqlite3_bind_int64(st, 6, job->attempt);
	bind_opt_text(st, 7, job->payload.repository);
	bind_opt_text(st, 8, branch);
	bind_opt_text(st, 9, commit);
	if (job->payload.pull_request > 0)
		sqlite3_bind_int64(st, 10, job->payload.pull_request);
	else
		sqlite3_bind_null(st, 10);
	sqlite3_bind_int(st, 11, job->payload.fork);
	sqlite3_bind_text(st, 12, job->signature, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, job->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 14, job->status);
	sqlite3_bind_int64(st, 15, (long long)(util_mono_ms() - job->started));
	sqlite3_bind_text(st, 16, b->now, -1, SQLITE_STATIC);
	bind_opt_text(st, 17, job->headers ? job->headers : "{}");
}

/* The raw body of an accepted delivery, kept for inspection. */
static bb_code keep_body(batch *b, const bb_delivery_job *job, bb_err *err)
{
	int step;

	sqlite3_bind_int64(b->body, 1, job->id);
	sqlite3_bind_blob(b->body, 2, job->body, (int)job->len, SQLITE_STATIC);
	step = sqlite3_step(b->body);
	sqlite3_reset(b->body);
	if (step != SQLITE_DONE)
		return db_fail(b->db, "keeping a delivery's body", err);
	return BB_OK;
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

	/* its statuses are written in the same transaction; posting is the sender's */
	if (tr->rc == BB_OK && (tr->rc = run_create_locked(tr->b->db, &in, id, &tr->b->run, tr->err)) == BB_OK &&
	    (tr->rc = status_enqueue_locked(tr->b->db, id, tr->err)) == BB_OK)
		tr->job->runs++;
}

/* Runs for the stacks and modules of this integration tracking the repository. */
static bb_code trigger_runs(batch *b, bb_delivery_job *job, bb_err *err)
{
	sqlite3_stmt *st = b->stacks;
	trig tr = {b, job, NULL, NULL, BB_OK, err};

	if (!job->payload.repository)
		return BB_OK;
	sqlite3_bind_text(st, 1, job->slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, job->payload.repository, -1, SQLITE_STATIC);
	while (tr.rc == BB_OK && sqlite3_step(st) == SQLITE_ROW) {
		tr.kind = (const char *)sqlite3_column_text(st, 0);
		tr.name = (const char *)sqlite3_column_text(st, 1);
		delivery_triggers(job->event, &job->payload,
				  (const char *)sqlite3_column_text(st, 2), make_run, &tr);
	}
	sqlite3_reset(st);
	return tr.rc;
}

static bb_code record_one(batch *b, bb_delivery_job *job, bb_err *err)
{
	int accepted = job->status == 0;
	int step;

	if (accepted && is_duplicate(b, job)) {
		snprintf(job->outcome, sizeof job->outcome, "duplicate");
		accepted = 0;
	}
	if (job->status == 0)
		job->status = 202;
	bind_job(b, job);
	step = sqlite3_step(b->ins);
	sqlite3_reset(b->ins);
	sqlite3_clear_bindings(b->ins);
	if (step == SQLITE_CONSTRAINT) {
		/* deleted since the check: as if it had never existed */
		job->status = 404;
		snprintf(job->outcome, sizeof job->outcome, "rejected: unknown integration");
		return BB_OK;
	}
	if (step != SQLITE_DONE)
		return db_fail(b->db, "recording a delivery", err);
	job->id = sqlite3_last_insert_rowid(db_handle(b->db));
	if (!accepted)
		return BB_OK;
	if (keep_body(b, job, err) != BB_OK)
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

static bb_code retain_one(bb_db *db, const char *slug, long keep, long days, const char *now,
			  bb_err *err)
{
	static const char by_count[] =
		"DELETE FROM delivery WHERE integration = ?1 AND id <= (SELECT id FROM delivery "
		"WHERE integration = ?1 ORDER BY id DESC LIMIT 1 OFFSET CAST(?2 AS INTEGER))";
	static const char by_age[] = "DELETE FROM delivery WHERE integration = ?1 AND "
				     "received_at < ?2";
	char cutoff[BB_TIME_LEN], skip[24];

	snprintf(skip, sizeof skip, "%ld", keep);
	if (util_time_add(now, -86400L * days, cutoff) != 0)
		return bb_fail(err, BB_INVALID, "The clock reads \"%.32s\", not a time; check "
			       "BBCONSOLE_NOW.", now);
	if (db_exec_text(db, by_count, (const char *[]){slug, skip}, 2, NULL,
			 "applying the retention", err) != BB_OK)
		return err->code;
	return db_exec_text(db, by_age, (const char *[]){slug, cutoff}, 2, NULL,
			    "applying the retention", err);
}

bb_code delivery_retain(bb_db *db, const char *slug, bb_err *err)
{
	static const char sql[] = "SELECT slug, keep_deliveries, keep_days FROM integration "
				  "WHERE ?1 IS NULL OR slug = ?1";
	char now[BB_TIME_LEN];
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, sql, &st, err);

	if (rc != BB_OK)
		return rc;
	util_now(now);
	bind_opt_text(st, 1, slug);
	while (rc == BB_OK && sqlite3_step(st) == SQLITE_ROW)
		rc = retain_one(db, (const char *)sqlite3_column_text(st, 0),
				(long)sqlite3_column_int64(st, 1), (long)sqlite3_column_int64(st, 2),
				now, err);
	sqlite3_finalize(st);
	return rc;
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
