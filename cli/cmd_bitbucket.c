/* cmd_bitbucket.c - integration verify and integration repos: the commands
 * that ask Bitbucket. Core checks who may use the credentials, decrypts them
 * and talks to Bitbucket (remote.h, blocking); this file presents the
 * answers and never holds the token. */
#include "cmd_bitbucket.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitbucket.h"
#include "integration.h"
#include "remote.h"

const cli_opt cmd_repos_opts[] = {
	{"workspace", "WS", 0, "only the repositories of this workspace"},
	{NULL, NULL, 0, NULL}
};

/* ---- integration verify ------------------------------------------------------- */

static const char *pr_text(int pr_access)
{
	return pr_access == 1 ? "readable" : pr_access == 0 ? "refused" : "unknown (no repository to try)";
}

static void put_field(FILE *f, const char *label, const char *value)
{
	fprintf(f, "%-16s", label);
	cli_put_safe(f, value, 0);
	fputc('\n', f);
}

static void put_list(FILE *f, const char *label, const bb_strlist *l, const char *none)
{
	fprintf(f, "%-16s", label);
	for (size_t i = 0; i < l->n; i++) {
		fputs(i ? ", " : "", f);
		cli_put_safe(f, l->v[i], 0);
	}
	fputs(l->n ? "\n" : none, f);
	if (!l->n)
		fputc('\n', f);
}

static void verify_human(cli *c, const bb_integration *it, const bb_job_result *res)
{
	const bb_verify_info *v = &res->verify;
	char count[32];

	fputs("Credentials of ", c->out);
	cli_put_safe(c->out, it->name, 0);
	fputs(" work.\n", c->out);
	cli_put_safe(c->out, res->msg, 0);
	fputc('\n', c->out);
	fprintf(c->out, "%-16s", "Workspaces:");
	for (size_t i = 0; i < v->workspaces.n; i++) {
		fputs(i ? ", " : "", c->out);
		cli_put_safe(c->out, v->workspaces.v[i], 0);
	}
	fputs(v->workspaces.n ? "" : "-", c->out);
	fputs(v->workspaces_from_config ? " (from the integration)\n" : "\n", c->out);
	snprintf(count, sizeof count, "%ld", v->repositories);
	put_field(c->out, "Repositories:", count);
	put_field(c->out, "Pull requests:", pr_text(v->pr_access));
	put_field(c->out, "Source:", v->source_access == 1 ? "readable"
		  : v->source_access == 0 ? "refused (IP allowlist or required 2FA: runs will not clone)"
		  : "not tried");
	put_field(c->out, "Webhooks:", v->hooks_access == 1 ? "readable (the webhook scopes are held)"
		  : v->hooks_access == 0 ? (v->hooks_scope_missing
		  ? "refused: read:webhook:bitbucket is missing; manage the webhooks by hand in Bitbucket"
		  : "refused (repository admin needed); manage the webhooks by hand in Bitbucket")
		  : "not tried (no repository to try)");
	put_field(c->out, "User:", v->user ? v->user : v->user_refused
		  ? "unknown (needs the optional read:user:bitbucket)" : "unknown");
	put_list(c->out, "Administrator:", &v->admin_workspaces, "-");
	if (!v->scopes_known) {
		put_field(c->out, "Scopes:", "not reported by Bitbucket");
		return;
	}
	put_list(c->out, "Scopes:", &v->scopes, "-");
	put_list(c->out, "Missing needed:", &v->missing_required, "none");
	put_list(c->out, "Missing advised:", &v->missing_recommended, "none");
	put_list(c->out, "Missing extras:", &v->missing_optional, "none");
}

/* What the token holds and who is behind it (see the man page). */
static void verify_json_more(cJSON *o, const bb_verify_info *v)
{
	cJSON *sc = cJSON_AddObjectToObject(o, "scopes");

	if (v->source_access < 0)
		cJSON_AddNullToObject(o, "source");
	else
		cJSON_AddBoolToObject(o, "source", v->source_access == 1);
	cli_json_add_str(o, "user", v->user);
	cli_json_add_list(o, "admin_workspaces", &v->admin_workspaces);
	if (!sc)
		return;
	if (!v->scopes_known) {
		cJSON_AddNullToObject(sc, "held");
	} else {
		cli_json_add_list(sc, "held", &v->scopes);
	}
	cli_json_add_list(sc, "missing_required", &v->missing_required);
	cli_json_add_list(sc, "missing_recommended", &v->missing_recommended);
	cli_json_add_list(sc, "missing_optional", &v->missing_optional);
	cli_json_add_str(sc, "credential_type", v->credential_type[0] ? v->credential_type : NULL);
}

static cJSON *verify_json(const bb_job_result *res)
{
	cJSON *o = cJSON_CreateObject();
	const bb_verify_info *v = &res->verify;

	cJSON_AddBoolToObject(o, "ok", res->code == BB_OK);
	cli_json_add_str(o, "message", res->msg);
	cli_json_add_list(o, "workspaces", &v->workspaces);
	cJSON_AddNumberToObject(o, "repositories", (double)v->repositories);
	if (v->pr_access < 0)
		cJSON_AddNullToObject(o, "pull_requests");
	else
		cJSON_AddBoolToObject(o, "pull_requests", v->pr_access == 1);
	cli_json_add_list(o, "missing_scopes", &res->missing_scopes);
	verify_json_more(o, v);
	return o;
}

/* Prints the outcome; a refusal also becomes err (the one sentence on stderr). */
static bb_code verify_report(cli *c, const bb_integration *it, const bb_job_result *res,
			     bb_err *err)
{
	if (c->json && cli_json_print(c, verify_json(res), err) != BB_OK)
		return err->code;
	if (res->code != BB_OK)
		return bb_fail(err, res->code, "%s", res->msg);
	if (!c->json)
		verify_human(c, it, res);
	return BB_OK;
}

bb_code cmd_integration_verify(cli *c, bb_err *err)
{
	bb_integration it = {0};
	bb_job_result res;
	bb_code rc;

	if (remote_verify_sync(c->ctx, c->pos[0], &res, err) != BB_OK)
		return err->code;
	rc = integration_get(c->ctx, c->pos[0], 0, &it, err);
	if (rc == BB_OK)
		rc = integration_record_verify(c->ctx, it.slug, res.code == BB_OK, res.msg, err);
	if (rc == BB_OK)
		rc = verify_report(c, &it, &res, err);
	bitbucket_result_free(&res);
	integration_free(&it);
	return rc;
}

/* ---- integration repos -------------------------------------------------------- */

/* The cached repositories of every workspace but ws (owned by *kept). */
static bb_code cached_others(cli *c, const char *slug, const char *ws, bb_repo_list *kept,
			     bb_err *err)
{
	bb_repo_list old = {0};

	if (bitbucket_cache_load(c->ctx->db, slug, NULL, &old, NULL, err) != BB_OK)
		return err->code;
	kept->v = calloc(old.n + 1, sizeof *kept->v);
	if (!kept->v) {
		bitbucket_repos_free(&old);
		return bb_oom(err);
	}
	for (size_t i = 0; i < old.n; i++) {
		if (strcmp(old.v[i].workspace, ws) == 0)
			continue;
		kept->v[kept->n++] = old.v[i]; /* moved: old's entry is emptied */
		memset(&old.v[i], 0, sizeof old.v[i]);
	}
	bitbucket_repos_free(&old);
	return BB_OK;
}

/* With --workspace only that workspace was asked: the cache keeps the
 * repositories of the others, so it still covers every workspace. */
static bb_code store_cache(cli *c, const char *slug, const char *ws, const bb_repo_list *found,
			   bb_err *err)
{
	bb_repo_list kept = {0}, all = {0};
	char now[BB_TIME_LEN];
	bb_code rc;

	util_now(now);
	if (!ws)
		return bitbucket_cache_store(c->ctx->db, slug, found, now, err);
	if (cached_others(c, slug, ws, &kept, err) != BB_OK)
		return err->code;
	/* a shallow array over both lists: the strings stay with their owners */
	all.v = malloc((found->n + kept.n + 1) * sizeof *all.v);
	if (!all.v) {
		bitbucket_repos_free(&kept);
		return bb_oom(err);
	}
	memcpy(all.v, found->v, found->n * sizeof *all.v);
	if (kept.n)
		memcpy(all.v + found->n, kept.v, kept.n * sizeof *all.v);
	all.n = found->n + kept.n;
	rc = bitbucket_cache_store(c->ctx->db, slug, &all, now, err);
	free(all.v);
	bitbucket_repos_free(&kept);
	return rc;
}

static void warnings_json(cli_jbuf *b, const bb_warning_list *w)
{
	char status[24];

	cli_jbuf_lit(b, "\"warnings\":[");
	for (size_t i = 0; i < w->n; i++) {
		cli_jbuf_lit(b, i ? ",\n{\"workspace\":" : "\n{\"workspace\":");
		cli_jbuf_str(b, w->v[i].workspace);
		snprintf(status, sizeof status, ",\"status\":%ld", w->v[i].status);
		cli_jbuf_lit(b, w->v[i].status ? status : ",\"status\":null");
		cli_jbuf_lit(b, ",\"message\":");
		cli_jbuf_str(b, w->v[i].msg);
		cli_jbuf_lit(b, "}");
	}
	cli_jbuf_lit(b, w->n ? "\n]}\n" : "]}\n");
}

/* {"repositories":[...],"warnings":[...]}: the warnings sit beside the
 * list, so a script sees a partial listing as partial. */
static void repos_json(cli *c, const bb_repo_list *l, const bb_warning_list *w)
{
	cli_jbuf b = {0};

	cli_jbuf_lit(&b, "{\"repositories\":[");
	for (size_t i = 0; i < l->n; i++) {
		const bb_repo *r = &l->v[i];

		cli_jbuf_lit(&b, i ? ",\n{\"full_name\":" : "\n{\"full_name\":");
		cli_jbuf_str(&b, r->full_name);
		cli_jbuf_lit(&b, ",\"workspace\":");
		cli_jbuf_str(&b, r->workspace);
		cli_jbuf_lit(&b, ",\"slug\":");
		cli_jbuf_str(&b, r->slug);
		cli_jbuf_lit(&b, ",\"name\":");
		cli_jbuf_str(&b, r->name);
		cli_jbuf_lit(&b, r->is_private ? ",\"is_private\":true" : ",\"is_private\":false");
		cli_jbuf_lit(&b, ",\"mainbranch\":");
		cli_jbuf_str(&b, r->mainbranch);
		cli_jbuf_lit(&b, ",\"updated_on\":");
		cli_jbuf_str(&b, r->updated_on);
		cli_jbuf_lit(&b, "}");
		if (b.n >= CLI_JBUF_FLUSH_AT)
			cli_jbuf_flush(&b, c->out);
	}
	cli_jbuf_lit(&b, l->n ? "\n],\n" : "],\n");
	warnings_json(&b, w);
	cli_jbuf_flush(&b, c->out);
	cli_jbuf_free(&b);
}

/* One line each on stderr, also with --json (stdout stays one document). */
static void warnings_stderr(const bb_warning_list *w)
{
	for (size_t i = 0; i < w->n; i++) {
		fputs("bbconsole: warning: ", stderr);
		if (w->v[i].workspace) {
			fputs("workspace ", stderr);
			cli_put_safe(stderr, w->v[i].workspace, 0);
			fputs(": ", stderr);
		}
		cli_put_safe(stderr, w->v[i].msg, 0);
		fputc('\n', stderr);
	}
}

static void repos_table(cli *c, const bb_repo_list *l, const char *summary)
{
	static const char *const head[] = {"FULL NAME", "PRIVATE", "MAIN BRANCH", "UPDATED"};
	cli_table t;

	cli_table_init(&t, 4, head);
	for (size_t i = 0; i < l->n; i++) {
		char when[17] = "";
		const char *row[] = {l->v[i].full_name, l->v[i].is_private ? "yes" : "no",
				     l->v[i].mainbranch, l->v[i].updated_on ? when : NULL};

		/* "2026-03-01T12:34:56.000000+00:00" -> "2026-03-01 12:34" */
		snprintf(when, sizeof when, "%s", l->v[i].updated_on ? l->v[i].updated_on : "");
		if (strlen(when) > 10 && when[10] == 'T')
			when[10] = ' ';
		cli_table_add(&t, row);
	}
	if (l->n)
		cli_table_print(&t, c->out);
	cli_table_free(&t);
	cli_put_safe(c->out, summary, 0);
	fputc('\n', c->out);
}

bb_code cmd_integration_repos(cli *c, bb_err *err)
{
	bb_discover_opts opts = {cli_get(c, "workspace"), 0};
	bb_integration it = {0};
	bb_job_result res;
	bb_code rc;

	if (remote_discover_sync(c->ctx, c->pos[0], &opts, &res, err) != BB_OK)
		return err->code;
	if ((rc = integration_get(c->ctx, c->pos[0], 0, &it, err)) == BB_OK && res.code != BB_OK)
		rc = bb_fail(err, res.code, "%s", res.msg);
	else if (rc == BB_OK)
		rc = store_cache(c, it.slug, opts.workspace, &res.repos, err);
	if (rc == BB_OK)
		warnings_stderr(&res.warnings);
	if (rc == BB_OK && c->json)
		repos_json(c, &res.repos, &res.warnings);
	else if (rc == BB_OK)
		repos_table(c, &res.repos, res.msg);
	bitbucket_result_free(&res);
	integration_free(&it);
	return rc;
}
