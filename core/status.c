/* status.c - commit statuses: the mapping, the keys, the summaries and the
 * outbox rows a run's change writes (status.h). The sender is
 * status_send.c. */
#include "status.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"

#define DESC_MAX 200

const char *status_state_of(const char *run_state)
{
	if (!run_state)
		return NULL;
	if (!strcmp(run_state, "queued") || !strcmp(run_state, "running"))
		return "INPROGRESS";
	if (!strcmp(run_state, "finished"))
		return "SUCCESSFUL";
	if (!strcmp(run_state, "failed"))
		return "FAILED";
	if (!strcmp(run_state, "stopped"))
		return "STOPPED";
	return NULL;
}

/* FNV-1a: small, and the same on every machine and version. */
static uint32_t fnv1a(const char *a, const char *b)
{
	uint32_t h = 2166136261u;

	for (const char *p = a; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ '\n') * 16777619u;
	for (const char *p = b; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

static int key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

void status_key(const char *kind, const char *name, const char *type,
		char out[STATUS_KEY_MAX + 1])
{
	const char *prefix = kind && !strcmp(kind, "module") ? "mod:" : "";
	size_t plen = strlen(prefix), slen = strlen(type) + 1, n = strlen(name), room, i;
	int clean = n > 0;
	char readable[STATUS_KEY_MAX + 1], tmp[128];

	for (i = 0; i < n && clean; i++)
		clean = key_char(name[i]);
	if (clean && plen + n + slen <= STATUS_KEY_MAX) {
		snprintf(tmp, sizeof tmp, "%s%s-%s", prefix, name, type);
		snprintf(out, STATUS_KEY_MAX + 1, "%.40s", tmp);
		return;
	}
	/* too long or not plain: a readable start plus a hash keeps it unique */
	room = STATUS_KEY_MAX - plen - slen - 9;
	for (i = 0; i < room && i < n; i++)
		readable[i] = key_char(name[i]) ? name[i] : '-';
	readable[i] = '\0';
	snprintf(tmp, sizeof tmp, "%s%s~%08x-%s", prefix, readable,
		 (unsigned)fnv1a(kind ? kind : "stack", name), type);
	snprintf(out, STATUS_KEY_MAX + 1, "%.40s", tmp);
}

const char *status_group_key(const char *kind, const char *type)
{
	if (kind && !strcmp(kind, "module"))
		return "spacelift/modules";
	return type && !strcmp(type, "proposed") ? "spacelift/proposed" : "spacelift/tracked";
}

const char *status_summarise(const char *const *states, size_t n, const char *noun, char *desc,
			     size_t size)
{
	static const char *const order[] = {"finished", "failed", "running", "queued", "stopped"};
	long count[5] = {0};
	size_t used;

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < 5; k++)
			if (!strcmp(states[i], order[k]))
				count[k]++;
	used = (size_t)snprintf(desc, size, "%zu %s%s:", n, noun, n == 1 ? "" : "s");
	for (size_t k = 0, first = 1; k < 5 && used < size; k++) {
		if (!count[k])
			continue;
		used += (size_t)snprintf(desc + used, size - used, "%s %ld %s", first ? "" : ",",
					 count[k], order[k]);
		first = 0;
	}
	if (count[1])
		return "FAILED";
	if (count[2] || count[3])
		return "INPROGRESS";
	if (count[4])
		return "STOPPED";
	return "SUCCESSFUL";
}

/* ---- the rows a run's change writes ------------------------------------------------ */

typedef struct run_ctx {
	const char *id;
	char *kind, *stack, *type, *commit, *branch, *state, *note;
	char *integration, *repository, *checks, *plan, *base;
	char now[BB_TIME_LEN];
} run_ctx;

static void run_ctx_free(run_ctx *r)
{
	char **f[] = {&r->kind, &r->stack, &r->type, &r->commit, &r->branch, &r->state, &r->note,
		      &r->integration, &r->repository, &r->checks, &r->plan, &r->base};

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		free(*f[i]);
		*f[i] = NULL;
	}
}

/* *found 0 for a detached stack, a run without a commit, or no run. */
static bb_code load_run(bb_db *db, run_ctx *r, int *found, bb_err *err)
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
	if (db_prepare(db, sql, &st, err) != BB_OK)
		return err->code;
	sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		char **f[] = {&r->kind, &r->stack, &r->type, &r->commit, &r->branch, &r->state,
			      &r->note, &r->integration, &r->repository, &r->checks, &r->plan,
			      &r->base};

		for (int i = 0; i < 12; i++)
			*f[i] = db_column_dup(st, i);
		*found = 1;
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_fail(db, "reading a run for its statuses", err);
	if (*found && (!r->kind || !r->stack || !r->state || !r->base))
		return bb_oom(err);
	return BB_OK;
}

typedef struct status_row {
	const char *key, *state, *name, *description;
} status_row;

static bb_code upsert(bb_db *db, const run_ctx *r, const status_row *row, bb_err *err)
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
	char url[700];
	const char *v[] = {r->integration, r->repository, r->commit, row->key, r->id, row->state,
			   row->name, row->description, url, r->branch, r->now};

	snprintf(url, sizeof url, "%s/runs/%s", r->base, r->id);
	if (db_exec_text(db, sql, v, 11, NULL, "queueing a commit status", err) != BB_OK)
		return err->code;
	return db_exec_text(db, link, v, 5, NULL, "queueing a commit status", err);
}

static bb_code enqueue_individual(bb_db *db, const run_ctx *r, bb_err *err)
{
	char key[STATUS_KEY_MAX + 1], name[160], desc[DESC_MAX + 1];
	status_row row = {key, status_state_of(r->state), name, desc};

	status_key(r->kind, r->stack, r->type, key);
	snprintf(name, sizeof name, "%.140s (%s)", r->stack, r->type);
	snprintf(desc, sizeof desc, "%s run %s%s%.150s", r->type, r->state, r->note ? ": " : "",
		 r->note ? r->note : "");
	return upsert(db, r, &row, err);
}

/* The newest state of each stack (or module) of the group on this commit. */
static bb_code group_states(bb_db *db, const run_ctx *r, const char *group, bb_strlist *out,
			    bb_err *err)
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

	if (db_prepare(db, sql, &st, err) != BB_OK)
		return err->code;
	sqlite3_bind_text(st, 1, r->integration, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->repository, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->commit, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, group, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (strlist_push(out, (const char *)sqlite3_column_text(st, 0)) != 0)
			break;
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return db_fail(db, "summarising the runs of a commit", err);
	return BB_OK;
}

static bb_code enqueue_aggregated(bb_db *db, const run_ctx *r, bb_err *err)
{
	const char *key = status_group_key(r->kind, r->type), *group = strchr(key, '/') + 1;
	int module = !strcmp(group, "modules");
	char desc[DESC_MAX + 1];
	bb_strlist states = {0};
	status_row row = {key, NULL, module ? "Modules" : !strcmp(group, "tracked") ?
			  "Tracked runs" : "Proposed runs", desc};
	bb_code rc = group_states(db, r, group, &states, err);

	if (rc == BB_OK && states.n) {
		row.state = status_summarise((const char *const *)states.v, states.n,
					     module ? "module" : "stack", desc, sizeof desc);
		rc = upsert(db, r, &row, err);
	}
	strlist_free(&states);
	return rc;
}

bb_code status_enqueue_locked(bb_db *db, const char *run_id, bb_err *err)
{
	run_ctx r = {.id = run_id};
	int found, aggregated, individual;
	bb_code rc = load_run(db, &r, &found, err);

	if (rc == BB_OK && found && status_state_of(r.state)) {
		aggregated = strcmp(r.checks, "individual") != 0 &&
			     account_plan_allows_aggregated(r.plan);
		individual = !aggregated || !strcmp(r.checks, "all");
		util_now(r.now);
		if (individual)
			rc = enqueue_individual(db, &r, err);
		if (rc == BB_OK && aggregated)
			rc = enqueue_aggregated(db, &r, err);
	}
	run_ctx_free(&r);
	return rc;
}

/* ---- the statuses of a run ---------------------------------------------------------- */

void status_list_free(bb_status *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].key);
		free(v[i].state);
		free(v[i].outcome);
		free(v[i].error);
		free(v[i].updated_at);
		free(v[i].posted_at);
	}
	free(v);
}

bb_code status_of_run(bb_db *db, const char *run_id, bb_status **out, size_t *n, bb_err *err)
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
		s->key = db_column_dup(st, 0);
		s->state = db_column_dup(st, 1);
		s->outcome = db_column_dup(st, 2);
		s->error = db_column_dup(st, 3);
		s->attempts = (long)sqlite3_column_int64(st, 4);
		s->updated_at = db_column_dup(st, 5);
		s->posted_at = db_column_dup(st, 6);
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
