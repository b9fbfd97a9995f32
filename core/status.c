/* status.c - commit statuses: the mapping, the keys, the summaries and the
 * outbox rows a run's change writes (status.h). The sender is
 * status_send.c; the SQL is in status_store.c. */
#include "status.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "status_store.h"

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

static bb_code upsert(bb_db *db, const status_store_run *r, const status_store_row *row,
		      bb_err *err)
{
	char url[700];

	snprintf(url, sizeof url, "%s/runs/%s", r->base, r->id);
	return status_store_upsert(db, r, row, url, err);
}

static bb_code enqueue_individual(bb_db *db, const status_store_run *r, bb_err *err)
{
	char key[STATUS_KEY_MAX + 1], name[160], desc[DESC_MAX + 1];
	status_store_row row = {key, status_state_of(r->state), name, desc};

	status_key(r->kind, r->stack, r->type, key);
	snprintf(name, sizeof name, "%.140s (%s)", r->stack, r->type);
	snprintf(desc, sizeof desc, "%s run %s%s%.150s", r->type, r->state, r->note ? ": " : "",
		 r->note ? r->note : "");
	return upsert(db, r, &row, err);
}

static bb_code enqueue_aggregated(bb_db *db, const status_store_run *r, bb_err *err)
{
	const char *key = status_group_key(r->kind, r->type), *group = strchr(key, '/') + 1;
	int module = !strcmp(group, "modules");
	char desc[DESC_MAX + 1];
	bb_strlist states = {0};
	status_store_row row = {key, NULL, module ? "Modules" : !strcmp(group, "tracked") ?
			  "Tracked runs" : "Proposed runs", desc};
	bb_code rc = status_store_group_states(db, r, group, &states, err);

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
	status_store_run r = {.id = run_id};
	int found, aggregated, individual;
	bb_code rc = status_store_load_run(db, &r, &found, err);

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
	status_store_run_free(&r);
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
	return status_store_of_run(db, run_id, out, n, err);
}
