/* status_store.c - the SQL of the commit-status tables `status_outbox`,
 * `status_run` and `commit_hash` (status_store.h). */
#include "status_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void status_store_run_free(status_store_run *r)
{
	char **f[] = {&r->kind, &r->stack, &r->type, &r->commit, &r->branch, &r->state, &r->note,
		      &r->integration, &r->repository, &r->checks, &r->plan, &r->base};

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		free(*f[i]);
		*f[i] = NULL;
	}
}

/* The columns load_sql reads, in order. */
enum run_col {
	RUN_KIND,
	RUN_STACK,
	RUN_TYPE,
	RUN_COMMIT,
	RUN_BRANCH,
	RUN_STATE,
	RUN_NOTE,
	RUN_INTEGRATION,
	RUN_REPOSITORY,
	RUN_CHECKS,
	RUN_PLAN,
	RUN_BASE
};

static void run_fill(sqlite3_stmt *st, status_store_run *r)
{
	r->kind = db_column_dup(st, RUN_KIND);
	r->stack = db_column_dup(st, RUN_STACK);
	r->type = db_column_dup(st, RUN_TYPE);
	r->commit = db_column_dup(st, RUN_COMMIT);
	r->branch = db_column_dup(st, RUN_BRANCH);
	r->state = db_column_dup(st, RUN_STATE);
	r->note = db_column_dup(st, RUN_NOTE);
	r->integration = db_column_dup(st, RUN_INTEGRATION);
	r->repository = db_column_dup(st, RUN_REPOSITORY);
	r->checks = db_column_dup(st, RUN_CHECKS);
	r->plan = db_column_dup(st, RUN_PLAN);
	r->base = db_column_dup(st, RUN_BASE);
}

bb_code status_store_load_run(bb_db *db, status_store_run *r, int *found, bb_err *err)
{
	static const char sql[] =
		"SELECT r.stack_kind, r.stack, r.type, COALESCE((SELECT h.full FROM commit_hash h "
		"WHERE h.integration = s.integration AND h.repository = s.repository AND "
		"h.short = r.commit_sha), r.commit_sha), r.branch, r.state, r.note, s.integration, "
		"s.repository, i.vcs_checks, a.plan, a.webhook_base FROM run r JOIN stack s ON "
		"s.kind = r.stack_kind AND s.name = r.stack JOIN integration i ON i.slug = "
		"s.integration, account a WHERE r.id = ?1 AND r.commit_sha IS NOT NULL";
	sqlite3_stmt *st;
	int step;

	*found = 0;
	if (db_prepare_cached(db, sql, &st, err) != BB_OK)
		return err->code;
	sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		run_fill(st, r);
		*found = 1;
	}
	db_release(db, st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_fail(db, "reading a run for its statuses", err);
	if (*found && (!r->kind || !r->stack || !r->state || !r->base))
		return bb_oom(err);
	return BB_OK;
}

bb_code status_store_upsert(bb_db *db, const status_store_run *r, const status_store_row *row,
			    const char *url, bb_err *err)
{
	static const char sql[] =
		"INSERT INTO status_outbox (integration, repository, commit_sha, key, run, state, "
		"name, description, url, refname, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		"?8, ?9, ?10, ?11) ON CONFLICT (integration, repository, commit_sha, key) DO UPDATE "
		"SET run = excluded.run, state = excluded.state, name = excluded.name, description "
		"= excluded.description, url = excluded.url, refname = excluded.refname, version = "
		"version + 1, outcome = 'pending', error = NULL, attempts = 0, next_at = 0, "
		"updated_at = excluded.updated_at WHERE state IS NOT excluded.state OR description "
		"IS NOT excluded.description OR name IS NOT excluded.name OR refname IS NOT "
		"excluded.refname OR outcome = 'failed'";
	static const char link[] =
		"INSERT OR IGNORE INTO status_run (run, outbox) SELECT ?5, id FROM status_outbox "
		"WHERE integration = ?1 AND repository = ?2 AND commit_sha = ?3 AND key = ?4";
	const char *v[] = {r->integration, r->repository, r->commit, row->key, r->id, row->state,
			   row->name, row->description, url, r->branch, r->now};

	if (db_exec_cached(db, sql, v, 11, NULL, "queueing a commit status", err) != BB_OK)
		return err->code;
	return db_exec_cached(db, link, v, 5, NULL, "queueing a commit status", err);
}

bb_code status_store_group_states(bb_db *db, const status_store_run *r, const char *group,
				  bb_strlist *out, bb_err *err)
{
	static const char sql[] =
		"SELECT state FROM (SELECT r.state, ROW_NUMBER() OVER (PARTITION BY r.stack_kind, "
		"r.stack ORDER BY r.created_at DESC, r.id DESC) AS rn FROM run r JOIN stack s ON "
		"s.kind = r.stack_kind AND s.name = r.stack WHERE s.integration = ?1 AND "
		"s.repository = ?2 AND (r.commit_sha = ?3 OR r.commit_sha IN (SELECT short FROM "
		"commit_hash WHERE integration = ?1 AND repository = ?2 AND full = ?3)) AND "
		"CASE WHEN ?4 = 'modules' THEN r.stack_kind = 'module' ELSE r.stack_kind = 'stack' "
		"AND r.type = ?4 END) WHERE rn = 1";
	sqlite3_stmt *st;
	int step;

	if (db_prepare_cached(db, sql, &st, err) != BB_OK)
		return err->code;
	sqlite3_bind_text(st, 1, r->integration, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->repository, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->commit, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, group, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (strlist_push(out, (const char *)sqlite3_column_text(st, 0)) != 0)
			break;
	db_release(db, st);
	if (step != SQLITE_DONE)
		return db_fail(db, "summarising the runs of a commit", err);
	return BB_OK;
}

/* The columns of_run_sql reads, in order. */
enum status_col {
	COL_KEY,
	COL_STATE,
	COL_OUTCOME,
	COL_ERROR,
	COL_ATTEMPTS,
	COL_UPDATED_AT,
	COL_POSTED_AT
};

bb_code status_store_of_run(bb_db *db, const char *run_id, bb_status **out, size_t *n, bb_err *err)
{
	static const char sql[] =
		"SELECT o.key, o.state, o.outcome, o.error, o.attempts, o.updated_at, o.posted_at "
		"FROM status_run sr JOIN status_outbox o ON o.id = sr.outbox WHERE sr.run = ?1 "
		"ORDER BY o.key";
	sqlite3_stmt *st;
	size_t cap = 0;
	int step;

	*out = NULL;
	*n = 0;
	if (db_prepare(db, sql, &st, err) != BB_OK)
		return err->code;
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		bb_status *s;

		if (*n == cap) {
			bb_status *nv = realloc(*out, (cap = cap ? cap * 2 : 4) * sizeof *nv);

			if (!nv)
				break;
			*out = nv;
		}
		s = &(*out)[(*n)++];
		s->key = db_column_dup(st, COL_KEY);
		s->state = db_column_dup(st, COL_STATE);
		s->outcome = db_column_dup(st, COL_OUTCOME);
		s->error = db_column_dup(st, COL_ERROR);
		s->attempts = (long)sqlite3_column_int64(st, COL_ATTEMPTS);
		s->updated_at = db_column_dup(st, COL_UPDATED_AT);
		s->posted_at = db_column_dup(st, COL_POSTED_AT);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		status_list_free(*out, *n);
		*out = NULL;
		*n = 0;
		return step == SQLITE_ROW ? bb_oom(err) : db_fail(db, "reading a run's statuses", err);
	}
	return BB_OK;
}

/* ---- the sender's ------------------------------------------------------------------ */

int status_store_claim(bb_db *db, long long id, long long version, long long now,
		       long long until)
{
	static const char sql[] = "UPDATE status_outbox SET claimed_until = ?1 WHERE id = ?2 AND "
				  "version = ?3 AND outcome = 'pending' AND claimed_until <= ?4";
	sqlite3_stmt *st;
	int ok;

	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, until);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, version);
	sqlite3_bind_int64(st, 4, now);
	ok = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(db_handle(db)) == 1;
	sqlite3_finalize(st);
	return ok;
}

#define DUE_COLS                                                                         \
	"id, version, attempts, integration, repository, key, state, name, description, "   \
	"url, refname, commit_sha"

/* The columns of DUE_COLS, in order. */
enum due_col {
	DUE_ID,
	DUE_VERSION,
	DUE_ATTEMPTS,
	DUE_INTEGRATION,
	DUE_REPOSITORY,
	DUE_KEY,
	DUE_STATE,
	DUE_NAME,
	DUE_DESCRIPTION,
	DUE_URL,
	DUE_REFNAME,
	DUE_COMMIT
};

static const char *text_at(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static void due_fill(sqlite3_stmt *st, status_store_due *d)
{
	d->id = sqlite3_column_int64(st, DUE_ID);
	d->version = sqlite3_column_int64(st, DUE_VERSION);
	d->attempts = (long)sqlite3_column_int64(st, DUE_ATTEMPTS);
	d->integration = text_at(st, DUE_INTEGRATION);
	d->repository = text_at(st, DUE_REPOSITORY);
	d->key = text_at(st, DUE_KEY);
	d->state = text_at(st, DUE_STATE);
	d->name = text_at(st, DUE_NAME);
	d->description = text_at(st, DUE_DESCRIPTION);
	d->url = text_at(st, DUE_URL);
	d->refname = text_at(st, DUE_REFNAME);
	d->commit = text_at(st, DUE_COMMIT);
}

bb_code status_store_each_due(bb_db *db, long long now, int limit, status_store_due_fn fn,
			      void *arg, bb_err *err)
{
	static const char sql[] =
		"SELECT " DUE_COLS " FROM status_outbox WHERE outcome = 'pending' AND next_at <= ?1 "
		"AND claimed_until <= ?1 ORDER BY id LIMIT ?2";
	sqlite3_stmt *st;

	if (db_prepare(db, sql, &st, err) != BB_OK)
		return err->code;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, limit);
	/* a step that fails ends the round early: the rows stay for the next one */
	while (sqlite3_step(st) == SQLITE_ROW) {
		status_store_due d;

		due_fill(st, &d);
		if (fn(&d, arg))
			break;
	}
	sqlite3_finalize(st);
	return BB_OK;
}

/* Runs one of the answer updates, binding ?1 id, ?2 version, ?3 text, ?4 at
 * and ?5 now (a statement ignores what it does not name); failures leave the
 * row to the lease. */
static void exec_row(bb_db *db, const char *sql, long long id, long long version,
		     const char *text, long long at, const char *now)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, version);
	sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, at);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

void status_store_posted(bb_db *db, long long id, long long version, const char *now)
{
	static const char sql[] =
		"UPDATE status_outbox SET outcome = 'posted', posted_at = ?5, error = NULL, "
		"attempts = 0 WHERE id = ?1 AND version = ?2";

	exec_row(db, sql, id, version, NULL, 0, now);
}

void status_store_failed(bb_db *db, long long id, long long version, const char *msg)
{
	static const char sql[] = "UPDATE status_outbox SET outcome = 'failed', error = ?3 "
				  "WHERE id = ?1 AND version = ?2";

	exec_row(db, sql, id, version, msg, 0, NULL);
}

void status_store_retry(bb_db *db, long long id, long long version, const char *msg,
			long long next_at)
{
	static const char sql[] = "UPDATE status_outbox SET attempts = attempts + 1, error = "
				  "?3, next_at = ?4 WHERE id = ?1 AND version = ?2";

	exec_row(db, sql, id, version, msg, next_at, NULL);
}

void status_store_release(bb_db *db, long long id)
{
	exec_row(db, "UPDATE status_outbox SET claimed_until = 0 WHERE id = ?1", id, 0, NULL, 0,
		 NULL);
}

bb_code status_store_cache_hash(bb_db *db, const char *integration, const char *repository,
				const char *short_hash, const char *full, bb_err *err)
{
	static const char sql[] = "INSERT OR REPLACE INTO commit_hash (integration, repository, "
				  "short, full) VALUES (?1, ?2, ?3, ?4)";

	return db_exec_text(db, sql, (const char *[]){integration, repository, short_hash, full},
			    4, NULL, "caching a commit hash", err);
}

const char *status_store_cached_hash(bb_db *db, const char *integration,
				     const char *repository, const char *short_hash,
				     char out[41])
{
	static const char sql[] = "SELECT full FROM commit_hash WHERE integration = ?1 AND "
				  "repository = ?2 AND short = ?3";
	sqlite3_stmt *st;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, integration, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, repository, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, short_hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, 41, "%.40s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out[0] ? out : NULL;
}

long long status_store_next_due(bb_db *db)
{
	static const char sql[] = "SELECT MIN(MAX(next_at, claimed_until)) FROM status_outbox "
				  "WHERE outcome = 'pending'";
	sqlite3_stmt *st;
	long long due = -1;

	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		due = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return due;
}
