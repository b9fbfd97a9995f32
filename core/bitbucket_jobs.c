/* bitbucket_jobs.c - requests and the steps of each job, on the worker thread.
 *
 * A job is a small state machine: it queues requests, and when the last one
 * of a phase has answered (outstanding == 0) it moves on (advance). Requests
 * wait in a FIFO until they are due (back-off) and a slot is free (at most
 * BB_MAX_INFLIGHT in flight overall, one per job in sequential mode). */
#include "bitbucket_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RETRY_RATE 3    /* 429: Bitbucket sends no Retry-After, so back off */
#define RETRY_SERVER 2  /* 5xx and dropped connections */
#define DISCOVER_PAGELEN 100
#define COUNT_PAGELEN 10

/* ---- requests ---------------------------------------------------------------------- */

static char *esc(const char *s)
{
	return curl_easy_escape(NULL, s, 0);
}

static int queue_req(job *j, bb_client *c, req_kind kind, char *url, size_t ws, int first)
{
	req *r, **tail;

	if (!url || !(r = calloc(1, sizeof *r))) {
		free(url);
		bbc_fail(j, BB_REMOTE, "Out of memory while talking to Bitbucket.", NULL);
		return -1;
	}
	r->job = j;
	r->kind = kind;
	r->url = url;
	r->ws = ws;
	r->first = first;
	for (tail = &c->pending; *tail; tail = &(*tail)->next)
		;
	*tail = r;
	j->outstanding++;
	if ((kind == REQ_REPOS || kind == REQ_COUNT) && j->ws_left)
		j->ws_left[ws]++;
	return 0;
}

static char *url_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *url_printf(const char *fmt, ...)
{
	va_list ap;
	char *out = NULL;

	va_start(ap, fmt);
	if (vasprintf(&out, fmt, ap) < 0)
		out = NULL;
	va_end(ap);
	return out;
}

static char *repos_url(bb_client *c, const char *ws, int pagelen, long page)
{
	char *w = esc(ws), *url;

	if (!w)
		return NULL;
	if (page > 1)
		url = url_printf("%s/repositories/%s?role=member&pagelen=%d&page=%ld", c->base, w,
				 pagelen, page);
	else
		url = url_printf("%s/repositories/%s?role=member&pagelen=%d", c->base, w, pagelen);
	curl_free(w);
	return url;
}

/* "ws/slug" -> escaped "ws/slug" for a path. */
static char *repo_path(const char *full)
{
	const char *slash = strchr(full, '/');
	char *ws, *w = NULL, *s = NULL, *out = NULL;

	if (!slash || !(ws = strndup(full, (size_t)(slash - full))))
		return NULL;
	w = esc(ws);
	s = esc(slash + 1);
	if (w && s)
		out = url_printf("%s/%s", w, s);
	curl_free(w);
	curl_free(s);
	free(ws);
	return out;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	req *r = arg;
	size_t add = size * n;

	if (r->len + add > BB_BODY_MAX) {
		r->too_big = 1;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	if (r->len + add + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 16384;
		char *b;

		while (cap < r->len + add + 1)
			cap *= 2;
		if (!(b = realloc(r->body, cap)))
			return 0;
		r->body = b;
		r->cap = cap;
	}
	memcpy(r->body + r->len, data, add);
	r->len += add;
	r->body[r->len] = '\0';
	return add;
}

static CURL *make_easy(bb_client *c, req *r)
{
	CURL *e = curl_easy_init();

	if (!e)
		return NULL;
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(e, CURLOPT_USERNAME, r->job->email);
	curl_easy_setopt(e, CURLOPT_PASSWORD, r->job->token);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->headers);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "bbconsole/" BB_VERSION);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->cainfo[0])
		curl_easy_setopt(e, CURLOPT_CAINFO, c->cainfo);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)BB_BODY_MAX);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	return e;
}

static void req_free(req *r)
{
	free(r->url);
	free(r->body);
	free(r);
}

static void unlink_req(req **list, req *r)
{
	for (req **pp = list; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			r->next = NULL;
			return;
		}
}

static void start_req(bb_client *c, req *r)
{
	job *j = r->job;

	unlink_req(&c->pending, r);
	r->len = 0;
	r->too_big = 0;
	r->errbuf[0] = '\0';
	r->easy = make_easy(c, r);
	if (!r->easy || curl_multi_add_handle(c->multi, r->easy) != CURLM_OK) {
		if (r->easy)
			curl_easy_cleanup(r->easy);
		j->outstanding--;
		req_free(r);
		bbc_fail(j, BB_REMOTE, "Could not start an HTTP request (out of memory).", NULL);
		return;
	}
	r->next = c->active;
	c->active = r;
	c->inflight++;
	j->inflight++;
}

void bbc_dispatch(bb_client *c)
{
	long long now = bbc_now_ms();
	req *r = c->pending, *next;

	for (; r && c->inflight < BB_MAX_INFLIGHT; r = next) {
		job *j = r->job;

		next = r->next;
		if (r->due > now || j->finished || j->inflight >= (j->sequential ? 1 : BB_MAX_INFLIGHT))
			continue;
		start_req(c, r); /* a failure marks the job finished: bbc_sweep ends it */
	}
}

void bbc_drop_requests(bb_client *c, job *j)
{
	req **pp = &c->pending;

	while (*pp) {
		req *r = *pp;

		if (r->job != j) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		req_free(r);
	}
	pp = &c->active;
	while (*pp) {
		req *r = *pp;

		if (r->job != j) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		curl_multi_remove_handle(c->multi, r->easy);
		curl_easy_cleanup(r->easy);
		c->inflight--;
		req_free(r);
	}
	j->inflight = 0;
	j->outstanding = 0;
}

/* ---- sentences for transport failures ------------------------------------------------- */

static int transient(CURLcode cc)
{
	return cc == CURLE_GOT_NOTHING || cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR ||
	       cc == CURLE_PARTIAL_FILE;
}

static void transport_sentence(bb_client *c, const req *r, CURLcode cc, char *out, size_t size)
{
	if (r->too_big || cc == CURLE_FILESIZE_EXCEEDED)
		snprintf(out, size, "Bitbucket sent an answer larger than %u MiB, which bbconsole "
			 "refuses: check that BBCONSOLE_BITBUCKET_API points at the Bitbucket API.",
			 BB_BODY_MAX >> 20);
	else if (cc == CURLE_OPERATION_TIMEDOUT)
		snprintf(out, size, "Bitbucket did not answer in time (%ld s to connect, %ld s in "
			 "all): check your network connection and proxy, then try again.",
			 (c->connect_ms + 999) / 1000, (c->timeout_ms + 999) / 1000);
	else if (cc == CURLE_COULDNT_RESOLVE_HOST)
		snprintf(out, size, "The Bitbucket host name could not be resolved: check your DNS and "
			 "network connection (API address %.200s).", c->base);
	else if (cc == CURLE_COULDNT_RESOLVE_PROXY)
		snprintf(out, size, "The proxy host name could not be resolved: check the https_proxy "
			 "and all_proxy environment variables.");
	else if (cc == CURLE_COULDNT_CONNECT)
		snprintf(out, size, "Could not connect to Bitbucket at %.200s: check your network, "
			 "firewall and proxy settings.", c->base);
	else if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE ||
		 cc == CURLE_SSL_CERTPROBLEM || cc == CURLE_SSL_ISSUER_ERROR ||
		 cc == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
		snprintf(out, size, "Bitbucket's certificate could not be verified: check the CA "
			 "bundle (CURL_CA_BUNDLE or SSL_CERT_FILE) and any proxy that inspects HTTPS.");
	else if (cc == CURLE_SSL_CONNECT_ERROR)
		snprintf(out, size, "The secure connection to Bitbucket could not be set up: check "
			 "the proxy settings, the CA bundle (CURL_CA_BUNDLE or SSL_CERT_FILE) and "
			 "BBCONSOLE_BITBUCKET_API.");
	else if (cc == CURLE_URL_MALFORMAT || cc == CURLE_UNSUPPORTED_PROTOCOL)
		snprintf(out, size, "The Bitbucket API address %.200s is not a valid http(s) URL: fix or "
			 "unset BBCONSOLE_BITBUCKET_API.", c->base);
	else if (transient(cc))
		snprintf(out, size, "The connection to Bitbucket closed before an answer arrived: try "
			 "again, and check any proxy in between.");
	else
		snprintf(out, size, "The request to Bitbucket failed (%s): check your network and "
			 "proxy settings, then try again.", curl_easy_strerror(cc));
}

/* ---- retries ---------------------------------------------------------------------------- */

/* Puts r back in the queue after an exponential back-off with jitter, if it
 * has retries left; returns 1 when it did. */
static int retry_later(bb_client *c, req *r, int max)
{
	long long delay;

	if (r->attempt >= max)
		return 0;
	r->attempt++;
	delay = c->backoff_ms << (r->attempt - 1);
	delay = delay / 2 + (long long)(rand_r(&c->seed) % (unsigned)(delay + 1));
	r->due = bbc_now_ms() + delay;
	r->next = c->pending;
	c->pending = r; /* at the front: it was first in line */
	r->job->outstanding++;
	return 1;
}

/* ---- job steps ----------------------------------------------------------------------------- */

static void what_of(const req *r, char *out, size_t size)
{
	const job *j = r->job;

	switch (r->kind) {
	case REQ_WORKSPACES:
		snprintf(out, size, "the list of your workspaces");
		break;
	case REQ_REPOS:
	case REQ_COUNT:
		snprintf(out, size, "workspace %.100s", j->ws.v[r->ws]);
		break;
	case REQ_PR:
		snprintf(out, size, "the pull requests of %.200s", j->first_repo);
		break;
	case REQ_COMMIT:
		snprintf(out, size, "commit %.64s of %.200s", j->commit, j->repo);
		break;
	}
}

/* A `next` link is followed only when it stays under the API base, so the
 * credentials never go anywhere else. */
static int queue_next(bb_client *c, job *j, req_kind kind, const char *next, size_t ws)
{
	size_t bl = strlen(c->base);

	if (strncmp(next, c->base, bl) != 0 || (next[bl] != '/' && next[bl] != '?')) {
		bbc_fail(j, BB_REMOTE, "Bitbucket's answer pointed to another address for the next "
			 "page: check BBCONSOLE_BITBUCKET_API and your proxy settings.", NULL);
		return -1;
	}
	return queue_req(j, c, kind, strdup(next), ws, 0);
}

static void got_workspaces(bb_client *c, req *r)
{
	job *j = r->job;
	char *next = NULL;
	bb_err err;

	if (bitbucket_parse_workspaces(r->body, r->len, &j->ws, &next, &err) != BB_OK) {
		bbc_fail(j, err.code, err.msg, NULL);
		return;
	}
	if (next)
		queue_next(c, j, REQ_WORKSPACES, next, 0);
	free(next);
}

static int append_repos(job *j, bb_repo_list *from)
{
	bb_repo_list *to = &j->res.repos;
	bb_repo *v;

	if (!from->n)
		return 0;
	v = realloc(to->v, (to->n + from->n) * sizeof *v);
	if (!v)
		return -1;
	memcpy(v + to->n, from->v, from->n * sizeof *v);
	to->v = v;
	to->n += from->n;
	free(from->v);
	from->v = NULL;
	from->n = 0;
	return 0;
}

static void queue_more_pages(bb_client *c, req *r, const bb_repo_page *pg)
{
	job *j = r->job;
	const char *ws = j->ws.v[r->ws];

	if (r->first && !j->sequential && pg->size >= 0 && pg->page == 1 && pg->pagelen > 0) {
		long total = (pg->size + pg->pagelen - 1) / pg->pagelen;

		for (long p = 2; p <= total && !j->finished; p++) {
			if (queue_req(j, c, REQ_REPOS, repos_url(c, ws, (int)pg->pagelen, p), r->ws, 0))
				return;
			j->pages_total++;
		}
	} else if (pg->next && (r->first || j->sequential || pg->size < 0)) {
		/* list without size (or sequential mode): follow next, treated as opaque */
		if (queue_next(c, j, REQ_REPOS, pg->next, r->ws) == 0)
			j->pages_total++;
	}
}

static void got_repos(bb_client *c, req *r)
{
	job *j = r->job;
	bb_repo_page pg;
	bb_err err;

	if (bitbucket_parse_repos(r->body, r->len, &pg, &err) != BB_OK) {
		bbc_fail(j, err.code, err.msg, NULL);
		return;
	}
	if (r->kind == REQ_COUNT) {
		j->res.verify.repositories += pg.size >= 0 ? pg.size : (long)pg.repos.n;
		if (pg.repos.n && (!j->first_repo || r->ws < j->first_repo_ws)) {
			free(j->first_repo);
			j->first_repo = strdup(pg.repos.v[0].full_name);
			j->first_repo_ws = r->ws;
		}
	} else {
		j->pages_done++;
		queue_more_pages(c, r, &pg);
		if (append_repos(j, &pg.repos) != 0)
			bbc_fail(j, BB_REMOTE, "Out of memory while collecting repositories.", NULL);
	}
	bitbucket_repo_page_free(&pg);
}

static void got_commit_links(req *r, long status)
{
	job *j = r->job;
	bb_api_error e;

	/* the app-missing answer may come with any status */
	bitbucket_parse_error(status, NULL, r->body, r->len, NULL, &e);
	if (e.app_not_installed) {
		j->res.links = BB_LINKS_NOT_INSTALLED;
		bbc_fail(j, BB_REMOTE, "The Pull Request Commit Links app is not installed in this "
			 "workspace: open the commit in Bitbucket and click Pull requests once to "
			 "install it.", NULL);
	} else if (status == 202) {
		j->res.links = BB_LINKS_INDEXING;
		snprintf(j->res.msg, sizeof j->res.msg, "Bitbucket is still indexing the pull requests "
			 "of this repository: try again in a few minutes.");
	} else {
		j->res.links = BB_LINKS_OK;
		snprintf(j->res.msg, sizeof j->res.msg, "The Pull Request Commit Links app answers "
			 "for this commit.");
	}
	bitbucket_api_error_free(&e);
}

static void got_success(bb_client *c, req *r, long status)
{
	switch (r->kind) {
	case REQ_WORKSPACES:
		got_workspaces(c, r);
		break;
	case REQ_REPOS:
	case REQ_COUNT:
		got_repos(c, r);
		break;
	case REQ_PR:
		r->job->res.verify.pr_access = 1;
		break;
	case REQ_COMMIT:
		got_commit_links(r, status);
		break;
	}
}

static void fail_scope(job *j, const bb_api_error *e, const char *scope, const char *msg)
{
	bb_strlist one = { 0 };

	if (e->missing_scopes.n) {
		bbc_fail(j, BB_REMOTE, e->msg, &e->missing_scopes);
		return;
	}
	strlist_push(&one, scope);
	bbc_fail(j, BB_REMOTE, msg, &one);
	strlist_free(&one);
}

static void got_error(req *r, const bb_api_error *e)
{
	job *j = r->job;

	if (r->kind == REQ_WORKSPACES && e->status == 403 && j->config_ws.n) {
		/* no read:workspace:bitbucket: use the workspaces the integration names */
		for (size_t i = 0; i < j->config_ws.n; i++)
			if (!strlist_contains(&j->ws, j->config_ws.v[i]))
				strlist_push(&j->ws, j->config_ws.v[i]);
		j->res.verify.workspaces_from_config = 1;
	} else if (r->kind == REQ_WORKSPACES && e->status == 403) {
		fail_scope(j, e, "read:workspace:bitbucket", "The API token cannot list your workspaces "
			   "(it lacks read:workspace:bitbucket): add that scope to the token, or name "
			   "the workspaces in the integration.");
	} else if (r->kind == REQ_PR && e->status == 403) {
		j->res.verify.pr_access = 0;
		fail_scope(j, e, "read:pullrequest:bitbucket", "The API token cannot read pull "
			   "requests (it lacks read:pullrequest:bitbucket): create a token that "
			   "includes it and update the integration.");
	} else if (r->kind == REQ_COMMIT && (e->status == 404 || e->app_not_installed)) {
		j->res.links = BB_LINKS_NOT_INSTALLED;
		bbc_fail(j, BB_REMOTE, "Bitbucket has no pull-request links for this commit: if the "
			 "repository and commit are right, the Pull Request Commit Links app is not "
			 "installed, so open the commit in Bitbucket and click Pull requests once.", NULL);
	} else {
		bbc_fail(j, BB_REMOTE, e->msg, &e->missing_scopes);
	}
}

/* ---- moving on when a phase is complete ---------------------------------------------------- */

static void join_list(const bb_strlist *l, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		if (used + strlen(l->v[i]) + 8 > size) {
			snprintf(out + used, size - used, "%s...", i ? ", " : "");
			return;
		}
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? ", " : "", l->v[i]);
	}
}

static void verify_summary(job *j)
{
	const bb_verify_info *v = &j->res.verify;
	char names[200];
	const char *pr = v->pr_access == 1 ? ", and it can read pull requests"
			 : ", but no repository was visible to try pull-request access";

	join_list(&j->ws, names, sizeof names);
	snprintf(j->res.msg, sizeof j->res.msg, "The token reaches %zu workspace%s (%s) and %ld "
		 "repositor%s%s%s.", j->ws.n, j->ws.n == 1 ? "" : "s", names, v->repositories,
		 v->repositories == 1 ? "y" : "ies", pr,
		 v->workspaces_from_config ? " (workspaces taken from the integration because the "
		 "token lacks read:workspace:bitbucket)" : "");
}

static void finish_ok(job *j)
{
	j->finished = 1;
	j->res.code = BB_OK;
	if (j->kind == BB_JOB_VERIFY) {
		for (size_t i = 0; i < j->ws.n; i++)
			strlist_push(&j->res.verify.workspaces, j->ws.v[i]);
		verify_summary(j);
	} else if (j->kind == BB_JOB_DISCOVER) {
		bitbucket_repos_sort_unique(&j->res.repos);
		snprintf(j->res.msg, sizeof j->res.msg, "Found %zu repositor%s in %zu workspace%s.",
			 j->res.repos.n, j->res.repos.n == 1 ? "y" : "ies", j->ws.n,
			 j->ws.n == 1 ? "" : "s");
	}
}

static void start_repo_phase(bb_client *c, job *j)
{
	int verify = j->kind == BB_JOB_VERIFY;

	j->phase = PH_REPOS;
	if (j->ws.n == 0) {
		if (verify)
			bbc_fail(j, BB_REMOTE, "The account behind this token is not a member of any "
				 "workspace: check the email, or name the workspaces in the integration.",
				 NULL);
		else
			finish_ok(j);
		return;
	}
	j->ws_left = calloc(j->ws.n, sizeof *j->ws_left);
	if (!j->ws_left) {
		bbc_fail(j, BB_REMOTE, "Out of memory while talking to Bitbucket.", NULL);
		return;
	}
	j->pages_total = (long)j->ws.n;
	for (size_t i = 0; i < j->ws.n && !j->finished; i++)
		queue_req(j, c, verify ? REQ_COUNT : REQ_REPOS,
			  repos_url(c, j->ws.v[i], verify ? COUNT_PAGELEN : DISCOVER_PAGELEN, 1), i, 1);
	bbc_progress(c, j);
}

static void advance(bb_client *c, job *j)
{
	char *path;

	if (j->phase == PH_WORKSPACES) {
		start_repo_phase(c, j);
	} else if (j->phase == PH_REPOS && j->kind == BB_JOB_VERIFY && j->first_repo) {
		j->phase = PH_PR;
		path = repo_path(j->first_repo);
		queue_req(j, c, REQ_PR, path ? url_printf("%s/repositories/%s/pullrequests?pagelen=10",
							  c->base, path) : NULL, 0, 0);
		free(path);
	} else if (j->kind == BB_JOB_COMMIT_LINKS) {
		j->finished = 1; /* got_commit_links set the outcome */
	} else {
		finish_ok(j);
	}
}

void bbc_job_begin(bb_client *c, job *j)
{
	char *path, *hash;

	if (j->kind == BB_JOB_COMMIT_LINKS) {
		j->phase = PH_PR;
		path = repo_path(j->repo);
		hash = esc(j->commit);
		queue_req(j, c, REQ_COMMIT, path && hash ? url_printf("%s/repositories/%s/commit/%s/"
			  "pullrequests", c->base, path, hash) : NULL, 0, 0);
		free(path);
		curl_free(hash);
		return;
	}
	j->phase = PH_WORKSPACES;
	if (j->only_ws) {
		strlist_push(&j->ws, j->only_ws);
		advance(c, j);
		return;
	}
	queue_req(j, c, REQ_WORKSPACES, url_printf("%s/user/workspaces?pagelen=100", c->base), 0, 0);
}

/* ---- answers ----------------------------------------------------------------------------------- */

/* Returns 1 when r went back in the queue. */
static int handle(bb_client *c, req *r, CURLcode cc, long status, const char *ctype)
{
	job *j = r->job;
	char msg[BB_MSG_MAX], what[320];
	bb_api_error e;
	int again = 0;

	j->outstanding--;
	if (cc != CURLE_OK) {
		if (transient(cc) && retry_later(c, r, RETRY_SERVER))
			return 1;
		transport_sentence(c, r, cc, msg, sizeof msg);
		bbc_fail(j, BB_REMOTE, msg, NULL);
	} else if (status >= 200 && status < 300) {
		got_success(c, r, status);
	} else {
		what_of(r, what, sizeof what);
		bitbucket_parse_error(status, ctype, r->body, r->len, what, &e);
		if (e.retry)
			again = retry_later(c, r, status == 429 ? RETRY_RATE : RETRY_SERVER);
		if (!again)
			got_error(r, &e);
		bitbucket_api_error_free(&e);
		if (again)
			return 1;
	}
	if ((r->kind == REQ_REPOS || r->kind == REQ_COUNT) && j->ws_left && --j->ws_left[r->ws] == 0)
		j->ws_done++;
	if (r->kind == REQ_REPOS && !j->finished)
		bbc_progress(c, j);
	return 0;
}

/* Takes the answered requests off the multi handle, oldest first. */
static req *collect_answers(bb_client *c)
{
	req *done = NULL, **tail = &done;
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
		CURL *easy = m->easy_handle;
		char *ct = NULL;
		req *r = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&r);
		r->result = m->data.result; /* m dies with the handle: copy first */
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r->status);
		r->ctype[0] = '\0';
		if (curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
			snprintf(r->ctype, sizeof r->ctype, "%s", ct);
		unlink_req(&c->active, r);
		c->inflight--;
		r->job->inflight--;
		curl_multi_remove_handle(c->multi, easy);
		curl_easy_cleanup(easy);
		r->easy = NULL;
		*tail = r;
		tail = &r->next;
	}
	return done;
}

/* Handles every answer. The free slots are refilled before the bodies are
 * parsed, so parsing overlaps the next round trips. Jobs that finish here
 * are handed over later by bbc_sweep, so none disappears while answers of
 * its own are still in the list. */
int bbc_reap(bb_client *c)
{
	req *done = collect_answers(c), *r;
	int n = 0, running;

	if (!done)
		return 0;
	bbc_dispatch(c);
	curl_multi_perform(c->multi, &running);
	while ((r = done) != NULL) {
		job *j = r->job;

		done = r->next;
		r->next = NULL;
		n++;
		if (j->finished) {
			j->outstanding--;
			req_free(r);
			continue;
		}
		if (handle(c, r, r->result, r->status, r->ctype))
			continue;
		req_free(r);
		if (!j->finished && j->outstanding == 0)
			advance(c, j);
	}
	return n;
}

void bbc_sweep(bb_client *c)
{
	job *j = c->jobs, *next;

	for (; j; j = next) {
		next = j->next;
		if (j->finished)
			bbc_finalize(c, j);
	}
}
