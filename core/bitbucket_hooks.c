/* bitbucket_hooks.c - the webhook subscriptions of repositories and
 * workspaces: parsing their bodies (pure, safe on any input) and the worker
 * side of BB_JOB_HOOKS.
 *
 * A hooks job is a flat list of ops, all queued at once; the dispatcher keeps
 * at most BB_MAX_INFLIGHT in flight. Each op gets its own answer, so one
 * repository that refuses does not hide the others; only 401 and 429 stop the
 * whole job (every further request would fail, or add to the hourly count). */
#include "bitbucket.h"
#include "bitbucket_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "secret.h"

#define HOOKS_PAGELEN 100
#define URL_MAX 2048

/* ---- parsing ------------------------------------------------------------------------ */

static void hook_free(bb_hook *h)
{
	free(h->uuid);
	free(h->url);
	free(h->description);
	strlist_free(&h->events);
	memset(h, 0, sizeof *h);
}

void bitbucket_hooks_free(bb_hook_list *l)
{
	UTIL_FREE_EACH(l->v, l->n, hook_free);
	l->v = NULL;
	l->n = 0;
}

static char *str_of(const cJSON *o, const char *key, size_t max)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsString(v) || !v->valuestring)
		return NULL;
	return bitbucket_clean_text(v->valuestring, strlen(v->valuestring), max);
}

static int hook_from_json(const cJSON *o, bb_hook *h)
{
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(o, "events"), *e;

	memset(h, 0, sizeof *h);
	if (!cJSON_IsObject(o))
		return -1;
	h->uuid = str_of(o, "uuid", 64);
	h->url = str_of(o, "url", URL_MAX);
	if (!h->uuid || !h->url) {
		hook_free(h);
		return -1;
	}
	h->description = str_of(o, "description", 256);
	h->active = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "active"));
	h->secret_set = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "secret_set"));
	if (!cJSON_IsArray(ev))
		ev = NULL;
	cJSON_ArrayForEach(e, ev) {
		if (cJSON_IsString(e) && e->valuestring && strlen(e->valuestring) < 64 &&
		    !strlist_contains(&h->events, e->valuestring))
			strlist_push(&h->events, e->valuestring);
	}
	return 0;
}

static bb_code hooks_push(bb_hook_list *out, const cJSON *o, bb_err *err)
{
	bb_hook h, *v;

	if (hook_from_json(o, &h) != 0)
		return BB_OK; /* not a usable hook: skipped */
	v = realloc(out->v, (out->n + 1) * sizeof *v);
	if (!v) {
		hook_free(&h);
		return bb_oom(err);
	}
	out->v = v;
	out->v[out->n++] = h;
	return BB_OK;
}

static bb_code hooks_bad_body(bb_err *err)
{
	return bb_fail(err, BB_REMOTE, "Bitbucket's list of webhooks was not the JSON expected: "
		       "check BBCONSOLE_BITBUCKET_API and your proxy settings.");
}

bb_code bitbucket_parse_hooks(const char *body, size_t len, bb_hook_list *out, char **next,
			      bb_err *err)
{
	cJSON *root = len ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *values, *it, *nx;
	bb_code rc = BB_OK;

	if (next)
		*next = NULL;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return hooks_bad_body(err);
	}
	values = cJSON_GetObjectItemCaseSensitive(root, "values");
	if (!values) { /* one hook object */
		rc = hooks_push(out, root, err);
		cJSON_Delete(root);
		return rc;
	}
	if (!cJSON_IsArray(values)) {
		cJSON_Delete(root);
		return hooks_bad_body(err);
	}
	cJSON_ArrayForEach(it, values)
		if ((rc = hooks_push(out, it, err)) != BB_OK)
			break;
	nx = cJSON_GetObjectItemCaseSensitive(root, "next");
	if (rc == BB_OK && next && cJSON_IsString(nx) && nx->valuestring && *nx->valuestring &&
	    !(*next = strdup(nx->valuestring)))
		rc = bb_oom(err);
	cJSON_Delete(root);
	return rc;
}

/* ---- requests ------------------------------------------------------------------------ */

static const char *verb_method(bb_hook_verb v)
{
	switch (v) {
	case BB_HOOK_CREATE: return "POST";
	case BB_HOOK_UPDATE: return "PUT";
	case BB_HOOK_DELETE: return "DELETE";
	case BB_HOOK_LIST: break;
	}
	return NULL;
}

/* .../repositories/{ws}/{slug}/hooks or .../workspaces/{ws}/hooks, then
 * /{uuid} for one hook, or ?pagelen= for the list. */
static char *hook_url(bb_client *c, const bbc_hook_op *h)
{
	char *subject = h->workspace ? curl_easy_escape(NULL, h->subject, 0)
				     : bbc_repo_path(h->subject);
	char *uuid = h->uuid ? curl_easy_escape(NULL, h->uuid, 0) : NULL, *url = NULL;

	if (subject && (!h->uuid || uuid))
		url = h->uuid ? bbc_url_printf("%s/%s/%s/hooks/%s", c->base, h->workspace ?
					       "workspaces" : "repositories", subject, uuid)
			      : bbc_url_printf("%s/%s/%s/hooks%s", c->base, h->workspace ?
					       "workspaces" : "repositories", subject,
					       h->verb == BB_HOOK_LIST ? "?pagelen=100" : "");
	if (h->workspace)
		curl_free(subject);
	else
		free(subject);
	curl_free(uuid);
	return url;
}

void bbc_hooks_begin(bb_client *c, bbc_job *j)
{
	j->pages_total = (long)j->nhops;
	for (size_t i = 0; i < j->nhops && !j->finished; i++) {
		bbc_req *r = bbc_queue(j, c, REQ_HOOK, hook_url(c, &j->hops[i]), i, 1);

		if (!r)
			return;
		r->method = verb_method(j->hops[i].verb);
		r->post = j->hops[i].body;
	}
	bbc_progress(c, j);
}

static void op_answered(bb_client *c, bbc_req *r, long status)
{
	bbc_job *j = r->job;
	bb_hook_answer *a = &j->res.answers[r->ws];

	a->answered = 1;
	a->status = status;
	j->pages_done = ++j->hops_done;
	if (c)
		bbc_progress(c, j);
}

void bbc_hooks_success(bb_client *c, bbc_req *r)
{
	bbc_job *j = r->job;
	bb_hook_answer *a = &j->res.answers[r->ws];
	char *next = NULL;
	bb_err err;

	if (r->len && bitbucket_parse_hooks(r->body, r->len, &a->hooks, &next, &err) != BB_OK) {
		snprintf(a->msg, sizeof a->msg, "%s", err.msg);
		op_answered(c, r, r->status);
		return;
	}
	if (next && j->hops[r->ws].verb == BB_HOOK_LIST && a->hooks.n < 100000) {
		if (bbc_queue_next(c, j, REQ_HOOK, next, r->ws)) { /* more pages: not answered yet */
			free(next);
			return;
		}
	}
	free(next);
	op_answered(c, r, r->status);
}

int bbc_hooks_error(bb_client *c, bbc_req *r, const bb_api_error *e)
{
	bb_hook_answer *a = &r->job->res.answers[r->ws];

	if (e->status == 401 || e->status == 429)
		return 0; /* the whole job stops */
	snprintf(a->msg, sizeof a->msg, "%s", e->msg);
	for (size_t i = 0; i < e->missing_scopes.n; i++)
		strlist_push(&a->missing_scopes, e->missing_scopes.v[i]);
	op_answered(c, r, e->status);
	return 1;
}

void bbc_hooks_transport(bb_client *c, bbc_req *r, const char *msg)
{
	snprintf(r->job->res.answers[r->ws].msg, sizeof r->job->res.answers[r->ws].msg, "%s", msg);
	op_answered(c, r, 0);
}

/* The secret a body carries, so that no sentence can echo it. */
char *bbc_hooks_secret_of(const char *body)
{
	cJSON *root = body ? cJSON_Parse(body) : NULL;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "secret");
	char *out = cJSON_IsString(v) && v->valuestring ? strdup(v->valuestring) : NULL;

	if (cJSON_IsString(v) && v->valuestring)
		secret_wipe(v->valuestring, strlen(v->valuestring));
	cJSON_Delete(root);
	return out;
}

size_t bbc_hooks_scrub(const bbc_job *j, char *buf, size_t len)
{
	for (size_t i = 0; i < j->nhops; i++)
		len = bbc_scrub_text(buf, len, j->hops[i].secret);
	return len;
}

void bbc_hooks_finish(bbc_job *j)
{
	snprintf(j->res.msg, sizeof j->res.msg, "Bitbucket answered %zu webhook request%s.",
		 j->nhops, j->nhops == 1 ? "" : "s");
}

void bbc_hooks_free(bbc_job *j)
{
	for (size_t i = 0; j->hops && i < j->nhops; i++) {
		free(j->hops[i].subject);
		free(j->hops[i].uuid);
		secret_free(j->hops[i].body);
		secret_free(j->hops[i].secret);
	}
	free(j->hops);
	j->hops = NULL;
	j->nhops = 0;
}
