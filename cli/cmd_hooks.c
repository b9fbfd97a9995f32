/* cmd_hooks.c - integration webhooks, and the webhook side of
 * rotate-secret --update-webhooks and delete --remove-webhooks. Core checks
 * and writes the hooks (core/hooks.h); this file presents the outcome. */
#include "cmd_hooks.h"

#include <stdio.h>
#include <string.h>

#include "hooks.h"

const cli_opt cmd_webhooks_opts[] = {
	{"fix", NULL, 0, "create missing webhooks and repair wrong ones (never others' hooks)"},
	{"workspace-hook", "WS", 0, "one workspace-level webhook for WS instead (workspace admins)"},
	{NULL, NULL, 0, NULL}
};

static cJSON *repo_json(const hooks_repo *r)
{
	cJSON *o = cJSON_CreateObject();

	cli_json_add_str(o, "repository", r->repository);
	cli_json_add_str(o, "state", hooks_state_name(r->state));
	cli_json_add_str(o, "hook_uuid", r->hook_uuid);
	cli_json_add_list(o, "events_missing", &r->events_missing);
	cli_json_add_str(o, "detail", r->detail);
	return o;
}

static bb_code report_json(cli *c, const hooks_report *rep, bb_err *err)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < rep->n; i++)
		cJSON_AddItemToArray(a, repo_json(&rep->v[i]));
	return cli_json_print(c, a, err);
}

static void report_table(cli *c, const hooks_report *rep)
{
	static const char *const head[] = {"REPOSITORY", "STATE", "DONE", "DETAIL"};
	cli_table t;

	cli_table_init(&t, 4, head);
	for (size_t i = 0; i < rep->n; i++) {
		const hooks_repo *r = &rep->v[i];
		const char *row[] = {r->repository, hooks_state_name(r->state),
				     r->pending ? "not yet" : r->action, r->detail};

		cli_table_add(&t, row);
	}
	if (rep->n)
		cli_table_print(&t, c->out);
	cli_table_free(&t);
}

/* The repositories without a working webhook, on stderr (also with --json). */
static void list_failed(const hooks_report *rep)
{
	for (size_t i = 0; i < rep->n; i++) {
		const hooks_repo *r = &rep->v[i];

		if (hooks_state_working(r->state))
			continue;
		fputs("bbconsole: ", stderr);
		cli_put_safe(stderr, r->repository, 0);
		fprintf(stderr, ": %s: ", r->pending ? "not finished" : hooks_state_name(r->state));
		cli_put_safe(stderr, r->detail, 0);
		fputc('\n', stderr);
	}
}

/* 0 when every repository ends ok or covered; 69 otherwise (listed). */
static bb_code outcome(const hooks_report *rep, const char *what, bb_err *err)
{
	if (rep->code != BB_OK)
		return bb_fail(err, rep->code == BB_TEMP ? BB_TEMP : BB_REMOTE, "%s", rep->msg);
	if (rep->failed)
		return bb_fail(err, BB_REMOTE, "%ld of %zu repositories have no working webhook "
			       "(listed above)%s", rep->failed, rep->n, what);
	return BB_OK;
}

bb_code cmd_integration_webhooks(cli *c, bb_err *err)
{
	const char *ws = cli_get(c, "workspace-hook");
	hooks_mode mode = ws ? HOOKS_WORKSPACE : cli_has(c, "fix") ? HOOKS_FIX : HOOKS_CHECK;
	hooks_report rep;
	bb_code rc;

	if (ws && cli_has(c, "fix"))
		return cli_usage(c, err, "--workspace-hook already creates or repairs that one "
				 "webhook: leave out --fix");
	if (hooks_sync(c->ctx, c->pos[0], mode, ws, &rep, err) != BB_OK)
		return err->code;
	rc = c->json ? report_json(c, &rep, err) : BB_OK;
	if (!c->json)
		report_table(c, &rep);
	if (rc == BB_OK && !c->json && rep.code == BB_OK) {
		cli_put_safe(c->out, rep.msg, 0);
		fputc('\n', c->out);
	}
	if (rc == BB_OK && rep.workspace_msg[0] && !c->json) {
		cli_put_safe(c->out, rep.workspace_msg, 0);
		fputc('\n', c->out);
	}
	if (rc == BB_OK)
		list_failed(&rep);
	if (rc == BB_OK && ws && !rep.workspace_ok && rep.code == BB_OK)
		rc = bb_fail(err, BB_REMOTE, "%s", rep.workspace_msg[0] ? rep.workspace_msg
			     : "The workspace webhook could not be written.");
	if (rc == BB_OK)
		rc = outcome(&rep, mode == HOOKS_CHECK ? ": run again with --fix to repair them."
			     : ".", err);
	hooks_report_free(&rep);
	return rc;
}

/* Lists on stderr what a re-key or removal could not do; counts them. */
static long list_refusals(const hooks_report *rep, hooks_mode mode)
{
	long n = 0;

	for (size_t i = 0; i < rep->n; i++) {
		const hooks_repo *r = &rep->v[i];
		int failed = r->pending || r->state == HOOKS_ERROR ||
			     (mode == HOOKS_REKEY && r->state != HOOKS_MISSING &&
			      !hooks_state_working(r->state));

		if (!failed)
			continue;
		n++;
		fputs("bbconsole: ", stderr);
		cli_put_safe(stderr, r->repository, 0);
		fputs(": ", stderr);
		cli_put_safe(stderr, r->detail, 0);
		fputc('\n', stderr);
	}
	return n;
}

bb_code cmd_hooks_rekey(cli *c, const char *integration, bb_err *err)
{
	hooks_report rep;
	long failed;
	bb_code rc = BB_OK;

	if (hooks_sync(c->ctx, integration, HOOKS_REKEY, NULL, &rep, err) != BB_OK)
		return err->code;
	failed = list_refusals(&rep, HOOKS_REKEY);
	if (!c->json)
		fprintf(c->out, "Webhooks updated with the new secret: %ld.\n", rep.changed);
	if (rep.code != BB_OK)
		rc = bb_fail(err, BB_REMOTE, "%s", rep.msg);
	else if (failed)
		rc = bb_fail(err, BB_REMOTE, "The secret was rotated, but %ld webhook%s could not be "
			     "updated (listed above): fix them with integration webhooks --fix, or by "
			     "hand, before the old secret expires.", failed, failed == 1 ? "" : "s");
	hooks_report_free(&rep);
	return rc;
}

bb_code cmd_hooks_remove(cli *c, const char *integration, long *refused, bb_err *err)
{
	hooks_report rep;

	*refused = 0;
	if (hooks_sync(c->ctx, integration, HOOKS_REMOVE, NULL, &rep, err) != BB_OK)
		return err->code;
	*refused = list_refusals(&rep, HOOKS_REMOVE);
	if (rep.code != BB_OK) {
		fputs("bbconsole: ", stderr);
		cli_put_safe(stderr, rep.msg, 0);
		fputc('\n', stderr);
		*refused += rep.pending ? 0 : 1;
	}
	if (!c->json)
		fprintf(c->out, "Webhooks removed: %ld.\n", rep.changed);
	hooks_report_free(&rep);
	return BB_OK;
}
