/* bitbucket_jobs.c - requests and the steps of each job, on the worker thread.
 *
 * A job is a small state machine: it queues requests, and when the last one
 * of a phase has answered (outstanding == 0) it moves on (advance). Requests
 * wait in a FIFO until they are due (back-off) and a slot is free (at most
 * BB_MAX_INFLIGHT in flight overall, one per job in sequential mode).
 *
 * Nothing the server says can make a job unbounded: pages per job are
 * capped (max_pages), the job has a deadline, a 429 ends it at once (every
 * further request would add to the hourly count), and queueing is
 * constant-time so a huge announced size cannot stall the worker. */
#include "bitbucket_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define RETRY_SERVER 2  /* 5xx and dropped connections */
#define MAX_REREADS 1   /* a workspace whose pages disagree is read again once */
/* Only what bbconsole keeps, plus the pagination keys (without them `next`
 * disappears). About 185 bytes a repository instead of about 3 KB. */
#define FIELDS_REPOS "next,page,pagelen,size,values.full_name,values.slug,values.name," \
		     "values.is_private,values.mainbranch.name,values.updated_on"
#define FIELDS_COUNT "size,values.full_name,values.mainbranch.name"
#define DISCOVER_PAGELEN 100
#define COUNT_PAGELEN 10

/* ---- requests ---------------------------------------------------------------------- */

static char *esc(const char *s)
{
	return curl_easy_escape(NULL, s, 0);
}

static void pending_append(bb_client *c, bbc_req *r)
{
	r->next = NULL;
	*c->pending_tail = r;
	c->pending_tail = &r->next;
}

/* Unlinks the pending request after prev (NULL: the head). */
static void pending_unlink(bb_client *c, bbc_req *prev, bbc_req *r)
{
	bbc_req **pp = prev ? &prev->next : &c->pending;

	*pp = r->next;
	if (c->pending_tail == &r->next)
		c->pending_tail = pp;
	r->next = NULL;
}

static bbc_req *queue_req(bbc_job *j, bb_client *c, bbc_req_kind kind, char *url, size_t ws, int first)
{
	bbc_req *r;

	if (!url || !(r = calloc(1, sizeof *r))) {
		free(url);
		bbc_oom(j);
		return NULL;
	}
	r->job = j;
	r->kind = kind;
	r->url = url;
	r->ws = ws;
	r->first = first;
	pending_append(c, r);
	j->outstanding++;
	if ((kind == REQ_REPOS || kind == REQ_COUNT) && j->wss) {
		j->wss[ws].left++;
		r->gen = j->wss[ws].gen;
	}
	return r;
}

/* A stable order (created_on) makes page=N reads of a changing listing
 * agree; `fields` is escaped whole, so a ',' or '+' in it cannot be misread. */
static char *repos_url(bb_client *c, const bbc_job *j, const char *ws, int pagelen, long page,
		       const char *fields)
{
	char *w = esc(ws), *f = fields && !j->all_fields ? esc(fields) : NULL, pg[32] = "", *url;

	if (!w || (fields && !j->all_fields && !f)) {
		curl_free(w);
		curl_free(f);
		return NULL;
	}
	if (page > 1)
		snprintf(pg, sizeof pg, "&page=%ld", page);
	url = bbc_url_printf("%s/repositories/%s?role=member&sort=created_on&pagelen=%d%s%s%s", c->base,
			 w, pagelen, pg, f ? "&fields=" : "", f ? f : "");
	curl_free(w);
	curl_free(f);
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
		out = bbc_url_printf("%s/%s", w, s);
	curl_free(w);
	curl_free(s);
	free(ws);
	return out;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	bbc_req *r = arg;
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

static int header_is(const char *line, size_t n, const char *name, const char **value)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return 0;
	*value = line + k + 1;
	return 1;
}

/* Copies a header value (trimmed) into out. */
static void header_copy(const char *v, const char *end, char *out, size_t size)
{
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	snprintf(out, size, "%.*s", (int)(end - v), v);
}

/* The headers a job uses: the wait a 429 asks for, a redirect's Location,
 * and the scopes the token holds. */
static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
	bbc_req *r = arg;
	size_t len = size * n;
	const char *v, *end = line + len;
	char tmp[64];

	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) { /* a new response (proxy CONNECT) */
		memset(&r->hd, 0, sizeof r->hd);
		r->hd.retry_after = r->hd.rate_limit = -1;
		return len;
	}
	if (header_is(line, len, "Retry-After", &v)) {
		header_copy(v, end, tmp, sizeof tmp);
		r->hd.retry_after = bitbucket_retry_after(tmp, (long long)time(NULL));
	} else if (header_is(line, len, "X-RateLimit-Limit", &v)) {
		header_copy(v, end, tmp, sizeof tmp);
		r->hd.rate_limit = strtol(tmp, NULL, 10);
	} else if (header_is(line, len, "X-RateLimit-Resource", &v)) {
		header_copy(v, end, r->hd.rate_resource, sizeof r->hd.rate_resource);
	} else if (header_is(line, len, "Location", &v)) {
		header_copy(v, end, r->hd.location, sizeof r->hd.location);
	} else if (header_is(line, len, "x-oauth-scopes", &v)) {
		header_copy(v, end, r->scopes, sizeof r->scopes);
		r->got_scopes = 1;
	} else if (header_is(line, len, "x-credential-type", &v)) {
		header_copy(v, end, r->cred_type, sizeof r->cred_type);
	}
	return len;
}

/* tmpl's lines plus the job's Authorization header (a new list). */
static struct curl_slist *with_auth(const struct curl_slist *tmpl, const bbc_job *j)
{
	static const char head[] = "Authorization: Basic ";
	struct curl_slist *l = NULL, *n;
	size_t al = strlen(j->auth64);
	char *line = malloc(sizeof head + al);

	if (!line)
		return NULL;
	for (; tmpl; tmpl = tmpl->next)
		if (!(n = curl_slist_append(l, tmpl->data)))
			goto fail;
		else
			l = n;
	/* by hand, not snprintf: no copy left in a formatting buffer */
	memcpy(line, head, sizeof head - 1);
	memcpy(line + sizeof head - 1, j->auth64, al + 1);
	if (!(n = curl_slist_append(l, line)))
		goto fail;
	secret_free(line);
	return n;
fail:
	secret_free(line);
	curl_slist_free_all(l);
	return NULL;
}

/* The job's headers for r, made on first use. */
static struct curl_slist *headers_for(bb_client *c, bbc_req *r)
{
	bbc_job *j = r->job;
	int json = r->post || r->kind == REQ_STATUS;
	struct curl_slist **slot = json ? &j->auth_json_headers : &j->auth_headers;

	if (!*slot && j->auth64)
		*slot = with_auth(json ? c->json_headers : c->headers, j);
	return *slot;
}

static CURL *make_easy(bb_client *c, bbc_req *r)
{
	struct curl_slist *hdrs = headers_for(c, r);
	CURL *e = hdrs ? curl_easy_init() : NULL;

	if (!e)
		return NULL;
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, c->plain_http ? "http" : "https");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
	if (r->method)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
	if (r->kind == REQ_STATUS) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->job->post);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(r->job->post));
	} else if (r->post) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->post);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(r->post));
	}
	curl_easy_setopt(e, CURLOPT_USERAGENT, "bbconsole/" BB_VERSION);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->ca.file[0]) {
		curl_easy_setopt(e, CURLOPT_CAINFO, c->ca.file);
		curl_easy_setopt(e, CURLOPT_PROXY_CAINFO, c->ca.file);
	}
	if (c->ca.dir[0]) {
		curl_easy_setopt(e, CURLOPT_CAPATH, c->ca.dir);
		curl_easy_setopt(e, CURLOPT_PROXY_CAPATH, c->ca.dir);
	}
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)BB_BODY_MAX);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	return e;
}

static void req_free(bbc_req *r)
{
	free(r->url);
	free(r->body);
	free(r);
}

static void unlink_req(bbc_req **list, bbc_req *r)
{
	for (bbc_req **pp = list; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			r->next = NULL;
			return;
		}
}

static void start_req(bb_client *c, bbc_req *r)
{
	bbc_job *j = r->job;

	r->len = 0;
	memset(&r->hd, 0, sizeof r->hd);
	r->hd.retry_after = r->hd.rate_limit = -1;
	r->got_scopes = 0;
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
	j->res.requests++;
}

void bbc_dispatch(bb_client *c)
{
	long long now = bbc_now_ms();
	bbc_req *r = c->pending, *prev = NULL, *next;

	for (; r && c->inflight < BB_MAX_INFLIGHT; r = next) {
		bbc_job *j = r->job;

		next = r->next;
		if (r->due > now || j->finished || j->inflight >= (j->sequential ? 1 : BB_MAX_INFLIGHT)) {
			prev = r;
			continue;
		}
		pending_unlink(c, prev, r);
		start_req(c, r); /* a failure marks the job finished: bbc_sweep ends it */
	}
}

/* Drops the queued requests of j (of its workspace ws only, when ws_only). */
static void drop_pending(bb_client *c, bbc_job *j, int ws_only, size_t ws)
{
	bbc_req *r = c->pending, *prev = NULL, *next;

	for (; r; r = next) {
		next = r->next;
		if (r->job != j || (ws_only && (r->kind != REQ_REPOS || r->ws != ws))) {
			prev = r;
			continue;
		}
		pending_unlink(c, prev, r);
		j->outstanding--;
		if (j->wss && (r->kind == REQ_REPOS || r->kind == REQ_COUNT))
			j->wss[r->ws].left--;
		req_free(r);
	}
}

void bbc_drop_requests(bb_client *c, bbc_job *j)
{
	bbc_req **pp;

	drop_pending(c, j, 0, 0);
	pp = &c->active;
	while (*pp) {
		bbc_req *r = *pp;

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

static void timeout_sentence(const bb_client *c, char *out, size_t size)
{
	char conn[32], all[32];

	util_duration(c->connect_ms, conn, sizeof conn);
	util_duration(c->timeout_ms, all, sizeof all);
	snprintf(out, size, "Bitbucket did not answer in time (%s to connect, %s in all): check "
		 "your network connection and proxy, then try again.", conn, all);
}

static void transport_sentence(bb_client *c, const bbc_req *r, CURLcode cc, char *out, size_t size)
{
	if (r->too_big || cc == CURLE_FILESIZE_EXCEEDED)
		snprintf(out, size, "Bitbucket sent an answer larger than %u MiB, which bbconsole "
			 "refuses: check that BBCONSOLE_BITBUCKET_API points at the Bitbucket API.",
			 BB_BODY_MAX >> 20);
	else if (cc == CURLE_OPERATION_TIMEDOUT)
		timeout_sentence(c, out, size);
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
			 "bundle (CURL_CA_BUNDLE, SSL_CERT_FILE or SSL_CERT_DIR) and any proxy that "
			 "inspects HTTPS.");
	else if (cc == CURLE_SSL_CONNECT_ERROR)
		snprintf(out, size, "The secure connection to Bitbucket could not be set up: check "
			 "the proxy settings, the CA bundle (CURL_CA_BUNDLE, SSL_CERT_FILE or "
			 "SSL_CERT_DIR) and BBCONSOLE_BITBUCKET_API.");
	else if (cc == CURLE_URL_MALFORMAT || cc == CURLE_UNSUPPORTED_PROTOCOL ||
		 cc == CURLE_TOO_MANY_REDIRECTS)
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
static int retry_later(bb_client *c, bbc_req *r, int max)
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
	if (c->pending_tail == &c->pending)
		c->pending_tail = &r->next;
	r->job->outstanding++;
	return 1;
}

/* ---- job steps ----------------------------------------------------------------------------- */

static bb_step step_of(bbc_req_kind k)
{
	switch (k) {
	case REQ_WORKSPACES: return BB_STEP_WORKSPACES;
	case REQ_REPOS:
	case REQ_COUNT: return BB_STEP_REPOS;
	case REQ_PR: return BB_STEP_PR;
	case REQ_COMMIT: return BB_STEP_COMMIT;
	case REQ_USER: return BB_STEP_USER;
	case REQ_SRC: return BB_STEP_SOURCE;
	case REQ_HOOKPROBE:
	case REQ_HOOK: return BB_STEP_HOOKS;
	case REQ_STATUS: return BB_STEP_STATUS;
	case REQ_HASH: return BB_STEP_HASH;
	}
	return BB_STEP_NONE;
}

/* Fails the job because of r's answer: the front ends tell the step from
 * res.step and res.status, never from the sentence. */
static void fail_req(bbc_req *r, long status, const char *msg, const bb_strlist *scopes)
{
	bbc_job *j = r->job;

	if (j->finished)
		return;
	bbc_fail(j, BB_REMOTE, msg, scopes);
	j->res.step = step_of(r->kind);
	j->res.status = status;
}

static void what_of(const bbc_req *r, char *out, size_t size)
{
	const bbc_job *j = r->job;

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
	case REQ_SRC:
		snprintf(out, size, "the source of %.200s", j->first_repo);
		break;
	case REQ_USER:
		snprintf(out, size, "your account");
		break;
	case REQ_COMMIT:
		snprintf(out, size, "commit %.64s of %.200s", j->commit, j->repo);
		break;
	case REQ_HOOKPROBE:
		snprintf(out, size, "the webhooks of %.200s", j->first_repo);
		break;
	case REQ_HOOK:
		snprintf(out, size, "the webhooks of %s%.200s", j->hops[r->ws].workspace ?
			 "workspace " : "", j->hops[r->ws].subject);
		break;
	case REQ_STATUS:
		snprintf(out, size, "the commit statuses of %.200s", j->repo);
		break;
	case REQ_HASH:
		snprintf(out, size, "%s %.60s of %.200s", j->commit ? "commit" : "branch",
			 j->commit ? j->commit : j->branch, j->repo);
		break;
	}
}

/* Page cap: returns 0 (and says so once) when the job may read no more. */
static int page_allowed(bb_client *c, bbc_job *j, size_t ws)
{
	char msg[BB_MSG_MAX];

	if (j->pages_queued < c->max_pages)
		return 1;
	if (!j->capped) {
		j->capped = 1;
		snprintf(msg, sizeof msg, "bbconsole stopped after %ld pages, the most one listing "
			 "reads, so some repositories are missing: name fewer workspaces, or check "
			 "BBCONSOLE_BITBUCKET_API if Bitbucket cannot hold that many.", c->max_pages);
		bbc_warn(j, j->ws.n ? j->ws.v[ws] : NULL, 0, msg);
	}
	return 0;
}

/* A `next` link is followed only when it stays under the API base, so the
 * credentials never go anywhere else. */
static bbc_req *queue_next(bb_client *c, bbc_job *j, bbc_req_kind kind, const char *next, size_t ws)
{
	size_t bl = strlen(c->base);

	if (strncmp(next, c->base, bl) != 0 || (next[bl] != '/' && next[bl] != '?')) {
		bbc_fail(j, BB_REMOTE, "Bitbucket's answer pointed to another address for the next "
			 "page: check BBCONSOLE_BITBUCKET_API and your proxy settings.", NULL);
		return NULL;
	}
	return queue_req(j, c, kind, strdup(next), ws, 0);
}

static void got_workspaces(bb_client *c, bbc_req *r)
{
	bbc_job *j = r->job;
	char *next = NULL;
	bb_err err;

	if (bitbucket_parse_workspaces_admin(r->body, r->len, &j->ws,
					     &j->res.verify.admin_workspaces, &next, &err) != BB_OK) {
		fail_req(r, r->status, err.msg, NULL);
		return;
	}
	if (next)
		queue_next(c, j, REQ_WORKSPACES, next, 0);
	free(next);
}

static int append_repos(bb_repo_list *to, bb_repo_list *from)
{
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

static bbc_req *queue_repos_page(bb_client *c, bbc_job *j, size_t ws, long page, int first)
{
	bbc_req *r;

	if (!page_allowed(c, j, ws))
		return NULL;
	r = queue_req(j, c, REQ_REPOS, repos_url(c, j, j->ws.v[ws], DISCOVER_PAGELEN, page,
						 FIELDS_REPOS), ws, first);
	if (r) {
		r->page = page;
		j->pages_queued++;
	}
	return r;
}

/* The pages of ws disagreed: read it again from the first page, following
 * `next` one page at a time, so nothing is lost or counted twice. Answers
 * still on their way belong to the old reading and are ignored. */
static void ws_reread(bb_client *c, bbc_job *j, size_t ws)
{
	bbc_ws_state *s = &j->wss[ws];

	drop_pending(c, j, 1, ws);
	s->gen++;
	s->rereads++;
	s->past_size = 0;
	s->sequential = 1;
	s->size = -1;
	bitbucket_repos_free(&s->repos);
	if (queue_repos_page(c, j, ws, 1, 0))
		j->pages_total++;
}

static void follow_next(bb_client *c, bbc_job *j, size_t ws, const char *next)
{
	bbc_req *n;

	if (!page_allowed(c, j, ws))
		return;
	n = queue_next(c, j, REQ_REPOS, next, ws);
	if (n) {
		j->pages_queued++;
		j->pages_total++;
	}
}

static void queue_more_pages(bb_client *c, bbc_req *r, const bb_repo_page *pg)
{
	bbc_job *j = r->job;
	bbc_ws_state *s = &j->wss[r->ws];

	if (r->first && !j->sequential && !s->sequential && pg->size >= 0 && pg->page == 1 &&
	    pg->pagelen > 0) {
		long total = (pg->size + pg->pagelen - 1) / pg->pagelen;

		/* a size can be anything: the cap ends this loop, not the server */
		for (long p = 2; p <= total && !j->finished; p++) {
			if (!queue_repos_page(c, j, r->ws, p, 0))
				return;
			j->pages_total++;
		}
		if (total <= 1 && pg->next) /* the last page must have no next */
			follow_next(c, j, r->ws, pg->next);
	} else if (pg->next && (r->first || r->page == 0 || j->sequential || s->sequential ||
				pg->size < 0)) {
		follow_next(c, j, r->ws, pg->next); /* opaque, as Bitbucket documents it */
	} else if (pg->next && r->page > 0 && pg->pagelen > 0 && s->size >= 0 &&
		   r->page >= (s->size + pg->pagelen - 1) / pg->pagelen) {
		s->past_size = 1;
		follow_next(c, j, r->ws, pg->next); /* the built last page had a next */
	}
}

/* Whether a built page's answer agrees with the first page. */
static int page_agrees(const bbc_ws_state *s, const bbc_req *r, const bb_repo_page *pg)
{
	if (r->first || s->sequential || r->page == 0)
		return 1;
	return pg->size == s->size;
}

static void got_count(bbc_req *r, bb_repo_page *pg)
{
	bbc_job *j = r->job;

	j->res.verify.repositories += pg->size >= 0 ? pg->size : (long)pg->repos.n;
	if (pg->repos.n && (!j->first_repo || r->ws < j->first_repo_ws)) {
		free(j->first_repo);
		free(j->first_branch);
		j->first_repo = strdup(pg->repos.v[0].full_name);
		j->first_branch = pg->repos.v[0].mainbranch ? strdup(pg->repos.v[0].mainbranch)
							    : NULL;
		j->first_repo_ws = r->ws;
	}
}

static void got_repos(bb_client *c, bbc_req *r)
{
	bbc_job *j = r->job;
	bbc_ws_state *s = j->wss ? &j->wss[r->ws] : NULL;
	bb_repo_page pg;
	bb_err err;

	if (s && (r->gen != s->gen || s->refused))
		return; /* an older reading of this workspace, or one left out */
	if (bitbucket_parse_repos(r->body, r->len, &pg, &err) != BB_OK) {
		fail_req(r, r->status, err.msg, NULL);
		return;
	}
	if (r->kind == REQ_COUNT) {
		got_count(r, &pg);
	} else if (!page_agrees(s, r, &pg) && s->rereads < MAX_REREADS) {
		ws_reread(c, j, r->ws);
	} else {
		if (r->first || (s->sequential && pg.size >= 0))
			s->size = pg.size;
		j->pages_done++;
		queue_more_pages(c, r, &pg);
		if (append_repos(&s->repos, &pg.repos) != 0)
			bbc_oom(j);
	}
	bitbucket_repo_page_free(&pg);
}

static void got_commit_links(bbc_req *r, long status)
{
	bbc_job *j = r->job;
	bb_api_error e;

	/* the app-missing answer may come with any status */
	bitbucket_parse_error(status, NULL, r->body, r->len, NULL, &e);
	if (e.app_not_installed) {
		j->res.links = BB_LINKS_NOT_INSTALLED;
		fail_req(r, status, "The Pull Request Commit Links app is not installed in this "
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

/* A 2xx that is not JSON came from something else than the API (a proxy's
 * login page, a captive portal): refuse it before reading it. */
static int json_expected(const bbc_req *r)
{
	return r->kind != REQ_SRC && !(r->kind == REQ_HOOK && r->len == 0); /* DELETE: 204 */
}

static int not_json_answer(bbc_req *r)
{
	char msg[BB_MSG_MAX], *ct;

	if (!json_expected(r) || strcasestr(r->ctype, "json"))
		return 0;
	ct = bitbucket_clean_text(r->ctype, strlen(r->ctype), 60);
	if (strcasestr(r->ctype, "html"))
		snprintf(msg, sizeof msg, "A web page came back instead of Bitbucket's JSON: check "
			 "your proxy settings and BBCONSOLE_BITBUCKET_API.");
	else
		snprintf(msg, sizeof msg, "Bitbucket answered with content type \"%s\" where JSON was "
			 "expected: check your proxy settings and BBCONSOLE_BITBUCKET_API.",
			 ct && *ct ? ct : "none");
	free(ct);
	fail_req(r, r->status, msg, NULL);
	return 1;
}

static void got_hash(bbc_req *r)
{
	bb_err err;

	if (bitbucket_parse_hash(r->body, r->len, r->job->res.hash, &err) != BB_OK)
		fail_req(r, r->status, err.msg, NULL);
}

static void got_success(bb_client *c, bbc_req *r, long status)
{
	if (not_json_answer(r))
		return;
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
	case REQ_USER:
		free(r->job->res.verify.user);
		r->job->res.verify.user = bitbucket_parse_user(r->body, r->len);
		break;
	case REQ_SRC:
		r->job->res.verify.source_access = 1;
		break;
	case REQ_HOOKPROBE:
		r->job->res.verify.hooks_access = 1;
		break;
	case REQ_HOOK:
		bbc_hooks_success(c, r);
		break;
	case REQ_STATUS:
		snprintf(r->job->res.msg, sizeof r->job->res.msg, "Bitbucket recorded the status.");
		break;
	case REQ_HASH:
		got_hash(r);
		break;
	}
}

static void fail_scope(bbc_req *r, const bb_api_error *e, const char *scope, const char *msg)
{
	bb_strlist one = { 0 };

	if (e->missing_scopes.n) {
		fail_req(r, e->status, e->msg, &e->missing_scopes);
		return;
	}
	strlist_push(&one, scope);
	fail_req(r, e->status, msg, &one);
	strlist_free(&one);
}

/* A workspace that refuses its listing does not stop discovery. */
static int workspace_refusal(long status)
{
	return status == 403 || status == 404 || status == 410;
}

static void ws_refused(bb_client *c, bbc_job *j, bbc_req *r, const bb_api_error *e)
{
	bbc_ws_state *s = &j->wss[r->ws];

	if (r->gen != s->gen || s->refused)
		return;
	s->refused = 1;
	drop_pending(c, j, 1, r->ws);
	bitbucket_repos_free(&s->repos);
	bbc_warn(j, j->ws.v[r->ws], e->status, e->msg);
}

/* Errors of discovery pages: a built page that answers 4xx means the pages
 * cannot be trusted (read again by `next`); a refusal is per workspace. */
static int repos_error(bb_client *c, bbc_req *r, const bb_api_error *e)
{
	bbc_job *j = r->job;
	bbc_ws_state *s = &j->wss[r->ws];

	if (r->kind != REQ_REPOS || e->status == 401 || e->status == 429)
		return 0;
	if (r->gen != s->gen)
		return 1;
	if (r->page > 1 && e->status >= 400 && e->status < 500 && s->rereads < MAX_REREADS) {
		ws_reread(c, j, r->ws);
		return 1;
	}
	if (!workspace_refusal(e->status) || j->only_ws)
		return 0;
	ws_refused(c, j, r, e);
	return 1;
}

static void got_workspaces_error(bbc_req *r, const bb_api_error *e)
{
	bbc_job *j = r->job;
	int lacks_ws = strlist_contains(&e->missing_scopes, "read:workspace:bitbucket");

	if (e->status == 403 && lacks_ws && j->config_ws.n) {
		/* no read:workspace:bitbucket: use the workspaces the integration names */
		for (size_t i = 0; i < j->config_ws.n; i++)
			if (!strlist_contains(&j->ws, j->config_ws.v[i]))
				strlist_push(&j->ws, j->config_ws.v[i]);
		j->res.verify.workspaces_from_config = 1;
	} else if (e->status == 403 && lacks_ws) {
		fail_scope(r, e, "read:workspace:bitbucket", "The API token cannot list your "
			   "workspaces (it lacks read:workspace:bitbucket): add that scope to the "
			   "token, or name the workspaces in the integration.");
	} else {
		fail_req(r, e->status, e->msg, &e->missing_scopes);
	}
}

static void join_list(const bb_strlist *l, char *out, size_t size);

/* A refused status, in one sentence: what Bitbucket objects to, and what to do. */
static void status_error(bbc_req *r, const bb_api_error *e)
{
	bbc_job *j = r->job;
	char msg[BB_MSG_MAX], scopes[200] = "read:repository:bitbucket", field[48], text[170];

	if (e->status == 403) {
		join_list(&e->missing_scopes, scopes, sizeof scopes);
		if (!scopes[0])
			snprintf(scopes, sizeof scopes, "read:repository:bitbucket");
		snprintf(msg, sizeof msg, "Bitbucket refused the commit status for %.100s (403): "
			 "give the token's user write access to the repository and make sure the "
			 "token has the scope %.120s, then update the integration.", j->repo, scopes);
	} else if (e->status == 404) {
		snprintf(msg, sizeof msg, "Bitbucket found no commit %.12s in %.100s (404): the "
			 "commit or the repository is gone (deleted, renamed or force-pushed away), "
			 "so this status cannot be posted.", j->commit, j->repo);
	} else if (e->status == 400 && bitbucket_parse_error_field(r->body, r->len, field,
								    sizeof field, text,
								    sizeof text)) {
		snprintf(msg, sizeof msg, "Bitbucket refused the commit status for %.100s: its "
			 "field \"%s\" is wrong (%.160s).", j->repo, field, text);
	} else if (e->status == 400) {
		snprintf(msg, sizeof msg, "Bitbucket refused the commit status for %.100s as "
			 "malformed (400) without naming a field: %.200s", j->repo, e->msg);
	} else {
		fail_req(r, e->status, e->msg, &e->missing_scopes);
		return;
	}
	fail_req(r, e->status, msg, &e->missing_scopes);
}

static void got_error(bb_client *c, bbc_req *r, const bb_api_error *e)
{
	bbc_job *j = r->job;

	if (r->kind == REQ_STATUS && e->status != 401 && e->status != 429 && e->status < 500) {
		status_error(r, e);
	} else if (r->kind == REQ_HASH && e->status == 404) {
		fail_req(r, e->status, j->commit ? "Bitbucket knows no such commit in this "
			 "repository (404): the commit or the repository is gone." : "Bitbucket "
			 "knows no such branch in this repository (404): check the stack's branch, or "
			 "give --commit.", NULL);
	} else if (r->kind == REQ_WORKSPACES) {
		got_workspaces_error(r, e);
	} else if (r->kind == REQ_HOOK && bbc_hooks_error(c, r, e)) {
		return;
	} else if (r->kind == REQ_HOOKPROBE && e->status != 401 && e->status != 429) {
		/* optional: without the webhook scopes the hooks are managed by hand */
		j->res.verify.hooks_access = 0;
		j->res.verify.hooks_scope_missing = e->status == 403 &&
			strlist_contains(&e->missing_scopes, "read:webhook:bitbucket");
	} else if (repos_error(c, r, e)) {
		return;
	} else if (r->kind == REQ_USER && e->status != 401 && e->status != 429) {
		/* optional: the identity needs read:user:bitbucket */
		j->res.verify.user_refused = e->status == 403;
	} else if (r->kind == REQ_SRC && e->status != 401 && e->status != 429) {
		j->res.verify.source_access = e->status == 403 ? 0 : -1;
	} else if (r->kind == REQ_PR && e->status == 403) {
		j->res.verify.pr_access = 0;
		fail_scope(r, e, "read:pullrequest:bitbucket", "The API token cannot read pull "
			   "requests (it lacks read:pullrequest:bitbucket): create a token that "
			   "includes it and update the integration.");
	} else if (r->kind == REQ_COMMIT && (e->status == 404 || e->app_not_installed)) {
		j->res.links = BB_LINKS_NOT_INSTALLED;
		fail_req(r, e->status, "Bitbucket has no pull-request links for this commit: if "
			 "the repository and commit are right, the Pull Request Commit Links app is "
			 "not installed, so open the commit in Bitbucket and click Pull requests "
			 "once.", NULL);
	} else {
		fail_req(r, e->status, e->msg, &e->missing_scopes);
		if (e->status == 429)
			j->res.retry_after = r->hd.retry_after;
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

static void missing_of(const bb_strlist *held, const char *const *want, bb_strlist *out)
{
	for (size_t i = 0; want[i]; i++)
		if (!strlist_contains(held, want[i]))
			strlist_push(out, want[i]);
}

static void judge_scopes(bb_verify_info *v)
{
	if (!v->scopes_known)
		return;
	missing_of(&v->scopes, bitbucket_scopes_required, &v->missing_required);
	missing_of(&v->scopes, bitbucket_scopes_recommended, &v->missing_recommended);
	missing_of(&v->scopes, bitbucket_scopes_optional, &v->missing_optional);
}

static void verify_summary(bbc_job *j)
{
	const bb_verify_info *v = &j->res.verify;
	char names[200];
	const char *pr = v->pr_access == 1 ? ", and it can read pull requests"
			 : ", but no repository was visible to try pull-request access";

	join_list(&j->ws, names, sizeof names);
	snprintf(j->res.msg, sizeof j->res.msg, "The token reaches %zu workspace%s (%s) and %ld "
		 "repositor%s%s%s%s.", j->ws.n, j->ws.n == 1 ? "" : "s", names, v->repositories,
		 v->repositories == 1 ? "y" : "ies", pr,
		 v->workspaces_from_config ? " (workspaces taken from the integration because the "
		 "token lacks read:workspace:bitbucket)" : "",
		 v->source_access == 0 ? "; but the workspace restricts access by IP or requires "
		 "2FA: runs will not clone" : "");
}

/* A workspace is listed: check that the count agrees with what its pages
 * said, read it again once if not, else say so. Returns 1 when re-read. */
static int ws_complete(bb_client *c, bbc_job *j, size_t ws)
{
	bbc_ws_state *s = &j->wss[ws];
	char msg[BB_MSG_MAX];

	if (s->refused || j->capped || s->size < 0 || j->finished)
		return 0;
	bitbucket_repos_sort_unique(&s->repos);
	if ((long)s->repos.n == s->size)
		return 0;
	/* more than the size said, read to the end of `next`: the count is what
	 * is off, and reading again would only find the same */
	if (s->rereads < MAX_REREADS && !(s->past_size && (long)s->repos.n > s->size)) {
		ws_reread(c, j, ws);
		return 1;
	}
	if (s->past_size && (long)s->repos.n > s->size)
		snprintf(msg, sizeof msg, "Bitbucket counts %ld repositories in workspace %.100s but "
			 "listed %zu, read to the last page: its count is off, and every listed "
			 "one is kept.", s->size, j->ws.v[ws], s->repos.n);
	else
		snprintf(msg, sizeof msg, "Bitbucket counts %ld repositories in workspace %.100s but "
			 "%zu were listed: the workspace changed while it was read, so run the "
			 "listing again.", s->size, j->ws.v[ws], s->repos.n);
	bbc_warn(j, j->ws.v[ws], 0, msg);
	return 0;
}

static void finish_discover(bbc_job *j)
{
	size_t refused = 0;

	for (size_t i = 0; j->wss && i < j->ws.n; i++) {
		refused += (size_t)j->wss[i].refused;
		if (append_repos(&j->res.repos, &j->wss[i].repos) != 0) {
			bbc_oom(j);
			return;
		}
	}
	if (j->ws.n && refused == j->ws.n) { /* nothing answered: that is a failure */
		j->finished = 1;
		j->res.code = BB_REMOTE;
		j->res.step = BB_STEP_REPOS;
		j->res.status = j->res.warnings.v[0].status;
		snprintf(j->res.msg, sizeof j->res.msg, "%s", j->res.warnings.v[0].msg);
		return;
	}
	bitbucket_repos_sort_unique(&j->res.repos);
	snprintf(j->res.msg, sizeof j->res.msg, "Found %zu repositor%s in %zu workspace%s%s.",
		 j->res.repos.n, j->res.repos.n == 1 ? "y" : "ies", j->ws.n - refused,
		 j->ws.n - refused == 1 ? "" : "s", refused ? " (some workspaces refused: see the "
		 "warnings)" : "");
}

static void finish_ok(bbc_job *j)
{
	j->finished = 1;
	j->res.code = BB_OK;
	if (j->kind == BB_JOB_VERIFY) {
		for (size_t i = 0; i < j->ws.n; i++)
			strlist_push(&j->res.verify.workspaces, j->ws.v[i]);
		judge_scopes(&j->res.verify);
		verify_summary(j);
	} else if (j->kind == BB_JOB_DISCOVER) {
		finish_discover(j);
	} else if (j->kind == BB_JOB_HOOKS) {
		bbc_hooks_finish(j);
	}
}

static void start_repo_phase(bb_client *c, bbc_job *j)
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
	j->wss = calloc(j->ws.n, sizeof *j->wss);
	if (!j->wss) {
		bbc_oom(j);
		return;
	}
	for (size_t i = 0; i < j->ws.n; i++)
		j->wss[i].size = -1;
	j->pages_total = (long)j->ws.n;
	for (size_t i = 0; i < j->ws.n && !j->finished; i++) {
		if (verify)
			queue_req(j, c, REQ_COUNT, repos_url(c, j, j->ws.v[i], COUNT_PAGELEN, 1,
							     FIELDS_COUNT), i, 1);
		else
			queue_repos_page(c, j, i, 1, 1);
	}
	bbc_progress(c, j);
}

/* Verify, once a repository is known: its pull requests and its source
 * (IP allowlisting and required 2FA block source, not metadata). */
static void start_probes(bb_client *c, bbc_job *j)
{
	char *path = repo_path(j->first_repo), *br = j->first_branch ? esc(j->first_branch) : NULL;

	j->phase = PH_PR;
	free(j->res.verify.source_repo);
	j->res.verify.source_repo = br ? strdup(j->first_repo) : NULL;
	queue_req(j, c, REQ_PR, path ? bbc_url_printf("%s/repositories/%s/pullrequests?pagelen=10",
						  c->base, path) : NULL, 0, 0);
	if (br && path && !j->finished)
		queue_req(j, c, REQ_SRC, bbc_url_printf("%s/repositories/%s/src/%s/?pagelen=10", c->base,
						    path, br), 0, 0);
	if (path && !j->finished) /* one GET: does the token hold the webhook scopes? */
		queue_req(j, c, REQ_HOOKPROBE, bbc_url_printf("%s/repositories/%s/hooks?pagelen=10",
							  c->base, path), 0, 0);
	free(path);
	curl_free(br);
}

static void advance(bb_client *c, bbc_job *j)
{
	if (j->phase == PH_WORKSPACES) {
		start_repo_phase(c, j);
	} else if (j->phase == PH_REPOS && j->kind == BB_JOB_VERIFY && j->first_repo) {
		start_probes(c, j);
	} else if (j->kind == BB_JOB_COMMIT_LINKS || j->kind == BB_JOB_STATUS ||
		   j->kind == BB_JOB_HASH) {
		j->finished = 1; /* its one answer set the outcome */
	} else {
		finish_ok(j);
	}
}

/* The one request of a status or hash job. */
static void begin_repo_req(bb_client *c, bbc_job *j)
{
	char *path = repo_path(j->repo), *name = esc(j->commit ? j->commit : j->branch);
	char *url = NULL;

	j->phase = PH_PR;
	if (path && name && j->kind == BB_JOB_STATUS)
		url = bbc_url_printf("%s/repositories/%s/commit/%s/statuses/build", c->base, path, name);
	else if (path && name && j->commit)
		url = bbc_url_printf("%s/repositories/%s/commit/%s?fields=hash", c->base, path, name);
	else if (path && name)
		url = bbc_url_printf("%s/repositories/%s/refs/branches/%s?fields=target.hash", c->base,
				 path, name);
	queue_req(j, c, j->kind == BB_JOB_STATUS ? REQ_STATUS : REQ_HASH, url, 0, 0);
	free(path);
	curl_free(name);
}

void bbc_job_begin(bb_client *c, bbc_job *j)
{
	char *path, *hash;

	j->deadline = bbc_now_ms() + c->job_ms;
	if (j->kind == BB_JOB_HOOKS) {
		j->phase = PH_REPOS;
		bbc_hooks_begin(c, j);
		if (!j->finished && j->outstanding == 0)
			advance(c, j);
		return;
	}
	if (j->kind == BB_JOB_STATUS || j->kind == BB_JOB_HASH) {
		begin_repo_req(c, j);
		return;
	}
	if (j->kind == BB_JOB_COMMIT_LINKS) {
		j->phase = PH_PR;
		path = repo_path(j->repo);
		hash = esc(j->commit);
		queue_req(j, c, REQ_COMMIT, path && hash ? bbc_url_printf("%s/repositories/%s/commit/%s/"
			  "pullrequests", c->base, path, hash) : NULL, 0, 0);
		free(path);
		curl_free(hash);
		return;
	}
	j->phase = PH_WORKSPACES;
	if (j->kind == BB_JOB_VERIFY)
		queue_req(j, c, REQ_USER, bbc_url_printf("%s/user", c->base), 0, 0);
	if (j->only_ws) {
		strlist_push(&j->ws, j->only_ws);
		if (j->kind != BB_JOB_VERIFY)
			advance(c, j);
		return;
	}
	queue_req(j, c, REQ_WORKSPACES, bbc_url_printf("%s/user/workspaces?pagelen=100", c->base), 0, 0);
}

long long bbc_deadlines(bb_client *c, long long cap)
{
	long long now = bbc_now_ms(), wait = cap;
	char msg[BB_MSG_MAX];

	for (bbc_job *j = c->jobs; j; j = j->next) {
		if (j->finished)
			continue;
		if (j->deadline <= now) {
			char limit[32];

			util_duration(c->job_ms, limit, sizeof limit);
			snprintf(msg, sizeof msg, "Bitbucket did not finish this within %s, the "
				 "longest bbconsole waits for one task: check your network, then try "
				 "again (or name fewer workspaces).", limit);
			bbc_fail(j, BB_REMOTE, msg, NULL);
		} else if (j->deadline - now < wait) {
			wait = j->deadline - now;
		}
	}
	return wait;
}

/* ---- answers ----------------------------------------------------------------------------------- */

/* The scope headers: from the first answer that carries them. */
static void take_scopes(bbc_req *r)
{
	bb_verify_info *v = &r->job->res.verify;

	if (r->cred_type[0] && !v->credential_type[0])
		snprintf(v->credential_type, sizeof v->credential_type, "%s", r->cred_type);
	if (!r->got_scopes || v->scopes_known)
		return;
	v->scopes_known = 1;
	bitbucket_scopes_parse(r->scopes, &v->scopes);
}

static void handle_error(bb_client *c, bbc_req *r, long status, const char *ctype, int *again)
{
	char what[320];
	bb_api_error e;

	/* a server may echo what it was sent: the token never reaches a sentence */
	r->len = bbc_scrub(r->job, r->body, r->len);
	bbc_scrub(r->job, r->hd.location, strlen(r->hd.location));
	what_of(r, what, sizeof what);
	bitbucket_parse_error_hd(status, ctype, r->body, r->len, what, &r->hd, &e);
	/* the outbox retries statuses durably; a create may have landed */
	if (e.retry && r->kind != REQ_STATUS &&
	    !(r->kind == REQ_HOOK && r->job->hops[r->ws].verb == BB_HOOK_CREATE))
		*again = retry_later(c, r, RETRY_SERVER);
	if (!*again)
		got_error(c, r, &e);
	/* whichever request met the 429 first (/user or /user/workspaces race) */
	if (!*again && status == 429 && r->job->res.retry_after < 0)
		r->job->res.retry_after = r->hd.retry_after;
	bitbucket_api_error_free(&e);
}

/* Returns 1 when r went back in the queue. */
static int handle(bb_client *c, bbc_req *r, CURLcode cc, long status, const char *ctype)
{
	bbc_job *j = r->job;
	char msg[BB_MSG_MAX];
	int again = 0;

	j->outstanding--;
	j->res.bytes += (long long)r->len;
	if (cc == CURLE_OK)
		take_scopes(r);
	if (cc != CURLE_OK) {
		if (transient(cc) && r->kind != REQ_STATUS && retry_later(c, r, RETRY_SERVER))
			return 1;
		transport_sentence(c, r, cc, msg, sizeof msg);
		if (r->kind == REQ_HOOK)
			bbc_hooks_transport(c, r, msg);
		else
			fail_req(r, 0, msg, NULL);
	} else if (status >= 200 && status < 300) {
		got_success(c, r, status);
	} else {
		handle_error(c, r, status, ctype, &again);
		if (again)
			return 1;
	}
	if ((r->kind == REQ_REPOS || r->kind == REQ_COUNT) && j->wss && --j->wss[r->ws].left == 0 &&
	    !(r->kind == REQ_REPOS && ws_complete(c, j, r->ws)))
		j->ws_done++;
	if (r->kind == REQ_REPOS && !j->finished)
		bbc_progress(c, j);
	return 0;
}

/* Takes the answered requests off the multi handle, oldest first. */
static bbc_req *collect_answers(bb_client *c)
{
	bbc_req *done = NULL, **tail = &done;
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
		CURL *easy = m->easy_handle;
		char *ct = NULL;
		bbc_req *r = NULL;

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
	bbc_req *done = collect_answers(c), *r;
	int n = 0, running;

	if (!done)
		return 0;
	bbc_dispatch(c);
	curl_multi_perform(c->multi, &running);
	while ((r = done) != NULL) {
		bbc_job *j = r->job;

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
	bbc_job *j = c->jobs, *next;

	for (; j; j = next) {
		next = j->next;
		if (j->finished)
			bbc_finalize(c, j);
	}
}

/* ---- shared with bitbucket_hooks.c ---------------------------------------------------------- */

bbc_req *bbc_queue(bbc_job *j, bb_client *c, bbc_req_kind kind, char *url, size_t ws, int first)
{
	return queue_req(j, c, kind, url, ws, first);
}

bbc_req *bbc_queue_next(bb_client *c, bbc_job *j, bbc_req_kind kind, const char *next, size_t ws)
{
	return queue_next(c, j, kind, next, ws);
}

char *bbc_url_printf(const char *fmt, ...)
{
	va_list ap;
	char *out = NULL;

	va_start(ap, fmt);
	if (vasprintf(&out, fmt, ap) < 0)
		out = NULL;
	va_end(ap);
	return out;
}

char *bbc_repo_path(const char *full)
{
	return repo_path(full);
}
