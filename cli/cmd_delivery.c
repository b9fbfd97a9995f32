/* cmd_delivery.c - serve, deliveries, runs (list, trigger, update),
 * integration retention. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "delivery.h"
#include "integration.h"
#include "run.h"
#include "serve.h"
#include "status.h"

/* run trigger and run update post their statuses for at most this long;
 * what is left goes out from serve's sender */
#define SEND_NOW_MS 3000.0

static bb_code parse_count(cli *c, const char *opt, long max, long *out, bb_err *err)
{
	const char *s = cli_get(c, opt);
	char *end;

	*out = 0;
	if (!s)
		return BB_OK;
	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno || end == s || *end || *out < 1 || *out > max)
		return cli_usage(c, err, "--%s needs a whole number from 1 to %ld", opt, max);
	return BB_OK;
}

bb_code cmd_serve(cli *c, bb_err *err)
{
	serve_opts o = {db_path(c->ctx->db), cli_get(c, "listen"), cli_get(c, "tls-cert"),
			cli_get(c, "tls-key"), 0};
	long threads;

	if (parse_count(c, "threads", 64, &threads, err) != BB_OK)
		return err->code;
	o.threads = (int)threads;
	if (!o.tls_cert != !o.tls_key)
		return cli_usage(c, err, "HTTPS needs both --tls-cert FILE and --tls-key FILE");
	fflush(c->out);
	return serve_run(&o, err);
}

/* ---- deliveries ----------------------------------------------------------------- */

static void add_count(cJSON *o, const char *key, long long v)
{
	if (v > 0)
		cJSON_AddNumberToObject(o, key, (double)v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *delivery_json(const bb_delivery *d)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)d->id);
	cli_json_add_str(o, "received_at", d->received_at);
	cli_json_add_str(o, "integration", d->integration);
	cli_json_add_str(o, "event", d->event);
	cli_json_add_str(o, "repository", d->repository);
	cli_json_add_str(o, "branch", d->branch);
	cli_json_add_str(o, "commit", d->commit);
	add_count(o, "pull_request", d->pull_request);
	cli_json_add_str(o, "request_uuid", d->request_uuid);
	cli_json_add_str(o, "hook_uuid", d->hook_uuid);
	add_count(o, "attempt", d->attempt);
	cli_json_add_str(o, "signature", d->signature);
	cli_json_add_str(o, "outcome", d->outcome);
	cJSON_AddBoolToObject(o, "fork", d->fork);
	cJSON_AddNumberToObject(o, "status", d->status);
	cJSON_AddNumberToObject(o, "ms", (double)d->ms);
	cli_json_add_list(o, "runs", &d->runs);
	return o;
}

static bb_code print_deliveries(cli *c, const bb_delivery *v, size_t n, bb_err *err)
{
	static const char *const head[] = {"ID", "RECEIVED", "EVENT", "REPOSITORY", "BRANCH",
					   "SIGNATURE", "OUTCOME", "RUNS"};
	cli_table t;
	cJSON *a;

	if (c->json) {
		a = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(a, delivery_json(&v[i]));
		return cli_json_print(c, a, err);
	}
	cli_table_init(&t, 8, head);
	cli_table_keep(&t, 0);
	cli_table_keep(&t, 1);
	cli_table_keep(&t, 7);
	for (size_t i = 0; i < n; i++) {
		char id[24], runs[24], at[64];
		const char *row[] = {id, at, v[i].event, v[i].repository,
				     v[i].branch, v[i].signature, v[i].outcome, runs};

		util_local_time(v[i].received_at, 1, at, sizeof at);
		snprintf(id, sizeof id, "%lld", v[i].id);
		snprintf(runs, sizeof runs, "%zu", v[i].runs.n);
		cli_table_add(&t, row);
	}
	cli_table_print(&t, c->out);
	cli_table_free(&t);
	return BB_OK;
}

bb_code cmd_deliveries(cli *c, bb_err *err)
{
	bb_delivery *v = NULL;
	size_t n = 0;
	long limit;
	bb_code rc;

	if (parse_count(c, "limit", 1000000, &limit, err) != BB_OK)
		return err->code;
	if ((rc = delivery_list(c->ctx, c->pos[0], limit ? limit : 50, &v, &n, err)) == BB_OK)
		rc = print_deliveries(c, v, n, err);
	delivery_list_free(v, n);
	return rc;
}

/* ---- runs ----------------------------------------------------------------------- */

static cJSON *statuses_json(bb_db *db, const char *run_id)
{
	cJSON *a = cJSON_CreateArray();
	bb_status *v = NULL;
	size_t n = 0;
	bb_err err;

	if (status_of_run(db, run_id, &v, &n, &err) != BB_OK)
		return a;
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		cli_json_add_str(o, "key", v[i].key);
		cli_json_add_str(o, "state", v[i].state);
		cli_json_add_str(o, "outcome", v[i].outcome);
		cli_json_add_str(o, "error", v[i].error);
		cJSON_AddNumberToObject(o, "attempts", (double)v[i].attempts);
		cli_json_add_str(o, "posted_at", v[i].posted_at);
		cJSON_AddItemToArray(a, o);
	}
	status_list_free(v, n);
	return a;
}

/* One word for the table: posted, pending or failed (the worst of the run's). */
static const char *statuses_word(bb_db *db, const char *run_id)
{
	bb_status *v = NULL;
	size_t n = 0;
	bb_err err;
	const char *word = "-";

	if (status_of_run(db, run_id, &v, &n, &err) != BB_OK)
		return word;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i].outcome, "failed"))
			word = "failed";
		else if (!strcmp(v[i].outcome, "pending") && strcmp(word, "failed"))
			word = "pending";
		else if (!strcmp(word, "-"))
			word = "posted";
	}
	status_list_free(v, n);
	return word;
}

static cJSON *run_json(bb_db *db, const bb_run *r)
{
	cJSON *o = cJSON_CreateObject();

	cli_json_add_str(o, "id", r->id);
	cli_json_add_str(o, "stack", r->stack);
	cli_json_add_str(o, "kind", r->kind);
	cli_json_add_str(o, "type", r->type);
	cli_json_add_str(o, "commit", r->commit);
	cli_json_add_str(o, "branch", r->branch);
	add_count(o, "pull_request", r->pull_request);
	add_count(o, "delivery", r->delivery);
	cli_json_add_str(o, "state", r->state);
	cli_json_add_str(o, "created_at", r->created_at);
	cli_json_add_str(o, "updated_at", r->updated_at);
	cli_json_add_str(o, "note", r->note);
	cJSON_AddItemToObject(o, "statuses", statuses_json(db, r->id));
	return o;
}

static bb_code print_runs(cli *c, const bb_run *v, size_t n, bb_err *err)
{
	static const char *const head[] = {"ID", "KIND", "STACK", "TYPE", "BRANCH", "COMMIT",
					   "STATE", "CREATED", "STATUSES"};
	cli_table t;
	cJSON *a;

	if (c->json) {
		a = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(a, run_json(c->ctx->db, &v[i]));
		return cli_json_print(c, a, err);
	}
	cli_table_init(&t, 9, head);
	cli_table_keep(&t, 7); /* CREATED */
	for (size_t i = 0; i < n; i++) {
		char at[64];
		const char *row[] = {v[i].id, v[i].kind, v[i].stack, v[i].type, v[i].branch,
				     v[i].commit, v[i].state, at,
				     statuses_word(c->ctx->db, v[i].id)};

		util_local_time(v[i].created_at, 1, at, sizeof at);
		cli_table_add(&t, row);
	}
	cli_table_print(&t, c->out);
	cli_table_free(&t);
	return BB_OK;
}

bb_code cmd_run_list(cli *c, bb_err *err)
{
	bb_run *v = NULL;
	size_t n = 0;
	long limit;
	bb_code rc;

	if (parse_count(c, "limit", 1000000, &limit, err) != BB_OK)
		return err->code;
	if ((rc = run_list(c->ctx, cli_get(c, "stack"), limit, &v, &n, err)) == BB_OK)
		rc = print_runs(c, v, n, err);
	run_list_free(v, n);
	return rc;
}

/* Posts what is due at once, briefly: serve's sender does the rest. */
static void send_now(cli *c)
{
	bb_client *client;
	bb_err err;

	if (bitbucket_client_new(&client, &err) != BB_OK)
		return;
	status_send(c->ctx->db, client, util_mono_ms() + SEND_NOW_MS, NULL, &err);
	bitbucket_client_free(client);
}

static bb_code print_run_id(cli *c, const char *id, bb_err *err)
{
	bb_run r;
	int found;
	cJSON *o;

	if (run_get(c->ctx->db, id, &r, &found, err) != BB_OK || !found)
		return err->code;
	send_now(c);
	if (c->json) {
		o = run_json(c->ctx->db, &r);
		run_free(&r);
		return cli_json_print(c, o, err);
	}
	fprintf(c->out, "%s %s %s (statuses %s)\n", r.id, r.stack, r.state,
		statuses_word(c->ctx->db, r.id));
	run_free(&r);
	return BB_OK;
}

bb_code cmd_run_trigger(cli *c, bb_err *err)
{
	char id[BB_ULID_LEN + 1];
	bb_code rc = run_trigger(c->ctx, c->pos[0], cli_get(c, "commit"), id, err);

	return rc == BB_OK ? print_run_id(c, id, err) : rc;
}

bb_code cmd_run_update(cli *c, bb_err *err)
{
	bb_code rc = run_update(c->ctx, c->pos[0], cli_get(c, "state"), cli_get(c, "note"), err);

	return rc == BB_OK ? print_run_id(c, c->pos[0], err) : rc;
}

/* ---- retention ------------------------------------------------------------------ */

bb_code cmd_integration_retention(cli *c, bb_err *err)
{
	bb_integration it = {0};
	long keep, days;
	cJSON *doc;
	bb_code rc;

	if (parse_count(c, "keep", 1000000, &keep, err) != BB_OK ||
	    parse_count(c, "days", 3650, &days, err) != BB_OK)
		return err->code;
	if ((keep || days) &&
	    (rc = integration_set_retention(c->ctx, c->pos[0], keep, days, err)) != BB_OK)
		return rc;
	if ((rc = integration_get(c->ctx, c->pos[0], 0, &it, err)) != BB_OK)
		return rc;
	if (!it.details_visible)
		rc = bb_fail(err, BB_DENIED, "Seeing the retention of \"%s\" needs the admin role in "
			     "space %s.", it.name, it.space);
	else if (c->json) {
		doc = cJSON_CreateObject();
		cli_json_add_str(doc, "integration", it.slug);
		cJSON_AddNumberToObject(doc, "keep", (double)it.keep_deliveries);
		cJSON_AddNumberToObject(doc, "days", (double)it.keep_days);
		rc = cli_json_print(c, doc, err);
	} else {
		fprintf(c->out, "Deliveries of %s: the newest %ld of the last %ld days are kept.\n",
			it.slug, it.keep_deliveries, it.keep_days);
	}
	integration_free(&it);
	return rc;
}
