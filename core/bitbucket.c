/* bitbucket.c - the asynchronous Bitbucket client: one worker thread runs
 * every request through one curl multi handle; finished jobs and progress
 * go back to the caller's thread through an outbox and a notification pipe.
 *
 * Threads: the caller's thread only touches `inbox`, `cancels`, `outbox`
 * (under mu) and the read end of the pipe. Everything else (jobs, requests,
 * the multi handle) belongs to the worker. A job moves to the caller when
 * its completion event is queued; the worker never touches it again. */
#include "bitbucket.h"
#include "bitbucket_int.h"
#include "curl_lazy.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>


#include "crypto_lazy.h"
#include "secret.h"

typedef struct event {
	bbc_job *j;         /* a finished job, or NULL for progress */
	bb_progress p;
	bb_progress_cb pcb;
	void *user;
	bbc_job *pjob;      /* the job whose progress_ev this is */
	struct event *next;
} event;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

long long bbc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long env_ms(const char *name, long def)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (!v || !*v)
		return def;
	n = strtol(v, &end, 10);
	return (*end || n < 0) ? def : n;
}

void bitbucket_api_base(char *out, size_t size)
{
	const char *v = getenv("BBCONSOLE_BITBUCKET_API");
	size_t n;

	snprintf(out, size, "%s", v && *v ? v : BB_API_DEFAULT);
	n = strlen(out);
	while (n > 0 && out[n - 1] == '/')
		out[--n] = '\0';
}

/* ---- outbox (worker -> caller) --------------------------------------------------- */

static void notify(bb_client *c)
{
	char b = 1;
	ssize_t w = write(c->pipe_w, &b, 1); /* EAGAIN: already readable, fine */

	(void)w;
}

static void push_event(bb_client *c, event *e)
{
	event **tail = &c->outbox;

	while (*tail)
		tail = &(*tail)->next;
	*tail = e;
	notify(c);
}

void bbc_progress(bb_client *c, bbc_job *j)
{
	bb_progress p = { .id = j->id, .pages_done = j->pages_done, .pages_total = j->pages_total,
			  .repos = (long)j->res.repos.n, .workspaces_done = j->ws_done,
			  .workspaces_total = (long)j->ws.n };
	event *e;

	if (!j->progress)
		return;
	for (size_t i = 0; j->wss && i < j->ws.n; i++) /* collected per workspace until the end */
		p.repos += (long)j->wss[i].repos.n;
	pthread_mutex_lock(&c->mu);
	if (j->progress_ev) { /* not collected yet: only the latest counts matter */
		j->progress_ev->p = p;
		pthread_mutex_unlock(&c->mu);
		return;
	}
	e = calloc(1, sizeof *e);
	if (e) {
		e->p = p;
		e->pcb = j->progress;
		e->user = j->user;
		e->pjob = j;
		j->progress_ev = e;
		push_event(c, e);
	}
	pthread_mutex_unlock(&c->mu);
}

/* ---- jobs -------------------------------------------------------------------- */

static void job_free(bbc_job *j)
{
	secret_free(j->token);
	secret_free(j->auth64);
	curl_slist_free_all(j->auth_headers); /* libcurl's free wipes (curl_lazy.c) */
	curl_slist_free_all(j->auth_json_headers);
	free(j->first_branch);
	for (size_t i = 0; j->wss && i < j->ws.n; i++)
		bitbucket_repos_free(&j->wss[i].repos);
	free(j->wss);
	free(j->email);
	free(j->only_ws);
	free(j->repo);
	free(j->commit);
	free(j->branch);
	free(j->post);
	free(j->first_repo);
	bbc_hooks_free(j);
	strlist_free(&j->config_ws);
	strlist_free(&j->ws);
	bitbucket_result_free(&j->res);
	free(j);
}

/* Replaces every copy of needle in buf by "***". */
static size_t scrub_one(char *buf, size_t len, const char *needle)
{
	size_t nl = needle ? strlen(needle) : 0;
	char *p, *from = buf;

	if (!buf || nl < 4)
		return len;
	while ((p = memmem(from, len - (size_t)(from - buf), needle, nl)) != NULL) {
		memset(p, '*', 3);
		memmove(p + 3, p + nl, len - (size_t)(p + nl - buf) + 1); /* with the NUL */
		len -= nl - 3;
		from = p + 3;
	}
	return len;
}

/* Belt and braces, since a server could echo what it was sent: the token,
 * and the base64 of "email:token" that the Authorization header carries. */
size_t bbc_scrub(const bbc_job *j, char *buf, size_t len)
{
	len = scrub_one(buf, len, j->token);
	len = scrub_one(buf, len, j->auth64);
	return bbc_hooks_scrub(j, buf, len);
}

size_t bbc_scrub_text(char *buf, size_t len, const char *needle)
{
	return scrub_one(buf, len, needle);
}

static void scrub_result(const bbc_job *j, bb_job_result *r)
{
	bbc_scrub(j, r->msg, strlen(r->msg));
	for (size_t i = 0; i < r->warnings.n; i++)
		bbc_scrub(j, r->warnings.v[i].msg, strlen(r->warnings.v[i].msg));
	if (r->verify.user)
		bbc_scrub(j, r->verify.user, strlen(r->verify.user));
	for (size_t i = 0; r->answers && i < r->nanswers; i++)
		bbc_scrub(j, r->answers[i].msg, strlen(r->answers[i].msg));
}

/* The header's base64 form, computed once (libcrypto, loaded on first use);
 * NULL if it cannot be, and then only the plaintext is scrubbed. */
/* "email:token" is put together by hand: printf-family calls format
 * through a buffer on the stack, which would leave a copy there. */
static char *auth_base64(const char *email, const char *token)
{
	size_t el = strlen(email), tl = strlen(token);
	char *plain, *out;
	int n;

	if (crypto_lazy_error() || !(plain = malloc(el + tl + 2)))
		return NULL;
	memcpy(plain, email, el);
	plain[el] = ':';
	memcpy(plain + el + 1, token, tl + 1);
	n = (int)(el + tl + 1);
	out = malloc((size_t)(4 * ((n + 2) / 3) + 1));
	if (out)
		EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)plain, n);
	secret_free(plain);
	return out;
}

void bbc_warn(bbc_job *j, const char *workspace, long status, const char *msg)
{
	bb_warning *v = realloc(j->res.warnings.v, (j->res.warnings.n + 1) * sizeof *v);

	if (!v)
		return;
	j->res.warnings.v = v;
	v += j->res.warnings.n++;
	memset(v, 0, sizeof *v);
	v->workspace = workspace ? strdup(workspace) : NULL;
	v->status = status;
	snprintf(v->msg, sizeof v->msg, "%s", msg);
}

/* Hands a finished job to the caller; the worker forgets it. */
void bbc_finalize(bb_client *c, bbc_job *j)
{
	event *e = calloc(1, sizeof *e);
	bbc_job **pp;

	bbc_drop_requests(c, j);
	for (pp = &c->jobs; *pp; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	j->next = NULL;
	scrub_result(j, &j->res);
	secret_free(j->token);
	j->token = NULL;
	secret_free(j->auth64);
	j->auth64 = NULL;
	curl_slist_free_all(j->auth_headers);
	curl_slist_free_all(j->auth_json_headers);
	j->auth_headers = j->auth_json_headers = NULL;
	if (!e) { /* cannot report: drop it rather than crash */
		job_free(j);
		return;
	}
	e->j = j;
	pthread_mutex_lock(&c->mu);
	push_event(c, e);
	pthread_mutex_unlock(&c->mu);
}

void bbc_oom(bbc_job *j)
{
	bb_err e;

	bb_oom(&e);
	bbc_fail(j, e.code, e.msg, NULL);
}

void bbc_fail(bbc_job *j, bb_code code, const char *msg, const bb_strlist *scopes)
{
	if (j->finished)
		return;
	j->finished = 1;
	j->res.code = code;
	snprintf(j->res.msg, sizeof j->res.msg, "%s", msg);
	/* a refusal half way still reports the workspaces that were reached */
	for (size_t i = 0; j->kind == BB_JOB_VERIFY && i < j->ws.n; i++)
		if (!strlist_contains(&j->res.verify.workspaces, j->ws.v[i]))
			strlist_push(&j->res.verify.workspaces, j->ws.v[i]);
	for (size_t i = 0; scopes && i < scopes->n; i++)
		if (!strlist_contains(&j->res.missing_scopes, scopes->v[i]))
			strlist_push(&j->res.missing_scopes, scopes->v[i]);
}

static void cancel_job(bb_client *c, bb_job_id id)
{
	for (bbc_job *j = c->jobs; j; j = j->next) {
		if (j->id != id || j->finished)
			continue;
		j->finished = 1;
		j->res.cancelled = 1;
		j->res.code = BB_TEMP;
		snprintf(j->res.msg, sizeof j->res.msg, "The request to Bitbucket was cancelled.");
		bbc_finalize(c, j);
		return;
	}
}

/* Moves new jobs and cancel requests in; returns 1 when the client stops. */
static int take_inbox(bb_client *c)
{
	bbc_job *in, *j;
	bb_job_id *cancels;
	size_t ncancels;
	int stop;

	pthread_mutex_lock(&c->mu);
	in = c->inbox;
	c->inbox = NULL;
	cancels = c->cancels;
	ncancels = c->ncancels;
	c->cancels = NULL;
	c->ncancels = 0;
	stop = c->stop;
	pthread_mutex_unlock(&c->mu);
	while ((j = in) != NULL) {
		in = j->next;
		j->next = c->jobs;
		c->jobs = j;
		bbc_job_begin(c, j);
		if (j->finished)
			bbc_finalize(c, j);
	}
	for (size_t i = 0; i < ncancels; i++)
		cancel_job(c, cancels[i]);
	free(cancels);
	return stop;
}

static int poll_timeout(bb_client *c)
{
	long long now = bbc_now_ms(), wait = bbc_deadlines(c, 1000);

	for (bbc_req *r = c->pending; r; r = r->next)
		if (r->due > now && r->due - now < wait)
			wait = r->due - now;
	return (int)wait;
}

static void *worker_main(void *arg)
{
	bb_client *c = arg;
	int running, wait;

	while (!take_inbox(c)) {
		int answered;

		bbc_dispatch(c);
		curl_multi_perform(c->multi, &running);
		answered = bbc_reap(c);
		bbc_sweep(c);
		if (answered > 0)
			continue;
		wait = poll_timeout(c);
		bbc_sweep(c); /* jobs past their deadline */
		curl_multi_poll(c->multi, NULL, 0, wait, NULL);
	}
	while (c->jobs) { /* stopping: nobody will collect these */
		bbc_job *j = c->jobs;

		bbc_drop_requests(c, j);
		c->jobs = j->next;
		job_free(j);
	}
	return NULL;
}

/* ---- the client ---------------------------------------------------------------- */

void bitbucket_ca_from_env(bb_ca_env *out)
{
	const char *file = getenv("CURL_CA_BUNDLE"), *dir = getenv("SSL_CERT_DIR");

	if (!file || !*file)
		file = getenv("SSL_CERT_FILE");
	snprintf(out->file, sizeof out->file, "%s", file ? file : "");
	snprintf(out->dir, sizeof out->dir, "%s", dir ? dir : "");
}

static int loopback_host(const char *host)
{
	return strcasecmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
	       strcmp(host, "[::1]") == 0 || (strncmp(host, "127.", 4) == 0 &&
					       strspn(host, "0123456789.") == strlen(host));
}

/* Credentials travel in the Authorization header: plain http would show
 * them to every hop, so it is for a test server on this machine only. */
bb_code bitbucket_base_check(const char *base, int *plain_http, bb_err *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	bb_code rc = BB_OK;

	if (plain_http)
		*plain_http = 0;
	if (!u || curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		rc = bb_fail(err, BB_USAGE, "The Bitbucket API address in BBCONSOLE_BITBUCKET_API is "
			     "not a valid URL: fix it or unset it to use %s.", BB_API_DEFAULT);
	else if (strcasecmp(scheme, "http") == 0 && !loopback_host(host))
		rc = bb_fail(err, BB_USAGE, "BBCONSOLE_BITBUCKET_API uses plain http to %.100s, which "
			     "would send the API token in clear: use an https address (plain http is "
			     "accepted only for 127.0.0.1, ::1 and localhost).", host);
	else if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)
		rc = bb_fail(err, BB_USAGE, "The Bitbucket API address in BBCONSOLE_BITBUCKET_API must "
			     "start with https://: fix it or unset it to use %s.", BB_API_DEFAULT);
	else if (plain_http)
		*plain_http = strcasecmp(scheme, "http") == 0;
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

/* Reads the environment once, on the caller's thread: the worker never
 * calls getenv while the caller might call setenv. */
static bb_code client_setup(bb_client *c, bb_err *err)
{
	int fds[2];

	if (pipe(fds) != 0)
		return bb_fail(err, BB_REMOTE, "Could not create a pipe for the Bitbucket client: %s.",
			       strerror(errno));
	c->pipe_r = fds[0];
	c->pipe_w = fds[1];
	for (int i = 0; i < 2; i++) {
		fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
		fcntl(fds[i], F_SETFD, FD_CLOEXEC);
	}
	if (curl_lazy_error())
		return bb_fail(err, BB_REMOTE, "%s", curl_lazy_error());
	c->multi = curl_multi_init();
	c->headers = curl_slist_append(NULL, "Accept: application/json");
	/* JSON bodies: the type, and no Expect: 100-continue round trip */
	c->json_headers = curl_slist_append(curl_slist_append(curl_slist_append(NULL,
				"Accept: application/json"), "Content-Type: application/json"), "Expect:");
	if (!c->multi || !c->headers || !c->json_headers)
		return bb_fail(err, BB_REMOTE, "Could not start the HTTP client (out of memory).");
	curl_multi_setopt(c->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)BB_MAX_INFLIGHT);
	bitbucket_api_base(c->base, sizeof c->base);
	if (bitbucket_base_check(c->base, &c->plain_http, err) != BB_OK)
		return err->code;
	bitbucket_ca_from_env(&c->ca);
	c->pending_tail = &c->pending;
	c->job_ms = env_ms("BBCONSOLE_JOB_TIMEOUT_MS", 300000);
	c->max_pages = env_ms("BBCONSOLE_MAX_PAGES", BB_MAX_PAGES);
	c->timeout_ms = env_ms("BBCONSOLE_HTTP_TIMEOUT_MS", 30000);
	c->connect_ms = env_ms("BBCONSOLE_CONNECT_TIMEOUT_MS", 10000);
	c->backoff_ms = env_ms("BBCONSOLE_BACKOFF_MS", 1000);
	c->seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	return BB_OK;
}

static void client_release(bb_client *c)
{
	if (c->multi)
		curl_multi_cleanup(c->multi);
	curl_slist_free_all(c->headers);
	curl_slist_free_all(c->json_headers);
	if (c->pipe_r >= 0)
		close(c->pipe_r);
	if (c->pipe_w >= 0)
		close(c->pipe_w);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

bb_code bitbucket_client_new(bb_client **out, bb_err *err)
{
	bb_client *c = calloc(1, sizeof *c);

	*out = NULL;
	if (!c)
		return bb_fail(err, BB_REMOTE, "Could not start the HTTP client (out of memory).");
	pthread_once(&curl_once, curl_init_once);
	pthread_mutex_init(&c->mu, NULL);
	c->pipe_r = c->pipe_w = -1;
	if (client_setup(c, err) != BB_OK) {
		client_release(c);
		return err->code;
	}
	if (pthread_create(&c->thread, NULL, worker_main, c) != 0) {
		client_release(c);
		return bb_fail(err, BB_REMOTE, "Could not start the Bitbucket client thread.");
	}
	*out = c;
	return BB_OK;
}

static void free_events(event *e)
{
	while (e) {
		event *next = e->next;

		if (e->j)
			job_free(e->j);
		free(e);
		e = next;
	}
}

void bitbucket_client_free(bb_client *c)
{
	bbc_job *in;

	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_mutex_unlock(&c->mu);
	curl_multi_wakeup(c->multi);
	pthread_join(c->thread, NULL);
	while ((in = c->inbox) != NULL) {
		c->inbox = in->next;
		job_free(in);
	}
	free(c->cancels);
	free(c->forgotten);
	free_events(c->outbox);
	client_release(c);
}

int bitbucket_client_fd(const bb_client *c)
{
	return c->pipe_r;
}

size_t bitbucket_client_pending(bb_client *c)
{
	size_t n;

	pthread_mutex_lock(&c->mu);
	n = c->live;
	pthread_mutex_unlock(&c->mu);
	return n;
}

/* Whether id was forgotten (bitbucket_job_forget); done: its completion,
 * after which the id is never seen again and leaves the list. */
static int forgotten(bb_client *c, bb_job_id id, int done)
{
	for (size_t i = 0; i < c->nforgotten; i++) {
		if (c->forgotten[i] != id)
			continue;
		if (done)
			c->forgotten[i] = c->forgotten[--c->nforgotten];
		return 1;
	}
	return 0;
}

int bitbucket_client_collect(bb_client *c)
{
	char buf[64];
	event *list, *e;
	int ran = 0;

	while (read(c->pipe_r, buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&c->mu);
	list = c->outbox;
	c->outbox = NULL;
	for (e = list; e; e = e->next) {
		if (e->pjob)
			e->pjob->progress_ev = NULL; /* later progress gets a new event */
		if (e->j)
			c->live--;
	}
	pthread_mutex_unlock(&c->mu);
	while ((e = list) != NULL) {
		list = e->next;
		if (e->j) {
			if (e->j->done && !forgotten(c, e->j->id, 1))
				e->j->done(e->j->user, &e->j->res);
			job_free(e->j);
		} else if (e->pcb && !forgotten(c, e->p.id, 0)) {
			e->pcb(e->user, &e->p);
		}
		free(e);
		ran++;
	}
	return ran;
}

int bitbucket_client_wait(bb_client *c, const int *done)
{
	while (done ? !*done : bitbucket_client_pending(c) > 0) {
		struct pollfd p = { .fd = bitbucket_client_fd(c), .events = POLLIN };

		if (poll(&p, 1, 1000) < 0 && errno != EINTR)
			return -1;
		bitbucket_client_collect(c);
	}
	return 0;
}

int bitbucket_job_forget(bb_client *c, bb_job_id id)
{
	bb_job_id *v;

	if (!c || !id)
		return 0;
	if (!(v = realloc(c->forgotten, (c->nforgotten + 1) * sizeof *v))) {
		bitbucket_job_cancel(c, id);
		return -1;
	}
	c->forgotten = v;
	c->forgotten[c->nforgotten++] = id;
	bitbucket_job_cancel(c, id);
	return 0;
}

void bitbucket_job_cancel(bb_client *c, bb_job_id id)
{
	bb_job_id *v;

	pthread_mutex_lock(&c->mu);
	v = realloc(c->cancels, (c->ncancels + 1) * sizeof *v);
	if (v) {
		c->cancels = v;
		c->cancels[c->ncancels++] = id;
	}
	pthread_mutex_unlock(&c->mu);
	curl_multi_wakeup(c->multi);
}

/* ---- starting jobs ---------------------------------------------------------------- */

static bbc_job *job_new(const bb_creds *cr, bb_job_kind kind, bb_err *err)
{
	bbc_job *j;

	if (!cr || !cr->email || !*cr->email || !cr->token || !*cr->token) {
		bb_fail(err, BB_INVALID, "The integration has no email or API token to talk to "
			"Bitbucket with: set both and try again.");
		return NULL;
	}
	j = calloc(1, sizeof *j);
	if (!j || !(j->email = strdup(cr->email)) || !(j->token = strdup(cr->token))) {
		if (j)
			job_free(j);
		bb_oom(err);
		return NULL;
	}
	j->auth64 = auth_base64(cr->email, cr->token);
	for (size_t i = 0; cr->workspaces && i < cr->workspaces->n; i++)
		strlist_push(&j->config_ws, cr->workspaces->v[i]);
	j->kind = kind;
	j->res.kind = kind;
	j->res.verify.pr_access = -1;
	j->res.verify.source_access = -1;
	j->res.verify.hooks_access = -1;
	j->res.retry_after = -1;
	return j;
}

static bb_job_id job_submit(bb_client *c, bbc_job *j, bb_done_cb done, void *user)
{
	bbc_job **tail;

	j->done = done;
	j->user = user;
	pthread_mutex_lock(&c->mu);
	j->id = ++c->next_id;
	j->res.id = j->id;
	for (tail = &c->inbox; *tail; tail = &(*tail)->next)
		;
	*tail = j;
	c->live++;
	pthread_mutex_unlock(&c->mu);
	curl_multi_wakeup(c->multi);
	return j->id;
}

bb_job_id bitbucket_verify_start(bb_client *c, const bb_creds *cr, bb_done_cb done, void *user,
				 bb_err *err)
{
	bbc_job *j = job_new(cr, BB_JOB_VERIFY, err);

	return j ? job_submit(c, j, done, user) : 0;
}

bb_job_id bitbucket_discover_start(bb_client *c, const bb_creds *cr, const bb_discover_opts *opts,
				   bb_progress_cb progress, bb_done_cb done, void *user, bb_err *err)
{
	bbc_job *j = job_new(cr, BB_JOB_DISCOVER, err);

	if (!j)
		return 0;
	if (opts && opts->workspace && *opts->workspace)
		j->only_ws = strdup(opts->workspace);
	j->sequential = opts ? opts->sequential : 0;
	j->all_fields = opts ? opts->all_fields : 0;
	j->progress = progress;
	return job_submit(c, j, done, user);
}

bb_job_id bitbucket_commit_links_start(bb_client *c, const bb_creds *cr, const char *repository,
				       const char *commit, bb_done_cb done, void *user, bb_err *err)
{
	bbc_job *j;

	if (!repository || !strchr(repository, '/') || !commit || !*commit) {
		bb_fail(err, BB_USAGE, "Name the repository as workspace/slug and give a commit hash.");
		return 0;
	}
	j = job_new(cr, BB_JOB_COMMIT_LINKS, err);
	if (!j)
		return 0;
	j->repo = strdup(repository);
	j->commit = strdup(commit);
	if (!j->repo || !j->commit) {
		job_free(j);
		bb_oom(err);
		return 0;
	}
	return job_submit(c, j, done, user);
}

/* Copies the ops; 0 with err set when one is malformed. */
static int hooks_copy_ops(bbc_job *j, const bb_hook_op *ops, size_t n, bb_err *err)
{
	j->hops = calloc(n ? n : 1, sizeof *j->hops);
	j->res.answers = calloc(n ? n : 1, sizeof *j->res.answers);
	if (!j->hops || !j->res.answers) {
		bb_oom(err);
		return 0;
	}
	j->nhops = j->res.nanswers = n;
	for (size_t i = 0; i < n; i++) {
		bbc_hook_op *h = &j->hops[i];
		int needs_uuid = ops[i].verb == BB_HOOK_UPDATE || ops[i].verb == BB_HOOK_DELETE;

		if (!ops[i].subject || !*ops[i].subject || (!ops[i].workspace &&
		    !strchr(ops[i].subject, '/')) || (needs_uuid && (!ops[i].uuid || !*ops[i].uuid))) {
			bb_fail(err, BB_USAGE, "A webhook request needs a repository as workspace/slug "
				"(or a workspace) and, to change a hook, its uuid.");
			return 0;
		}
		h->verb = ops[i].verb;
		h->workspace = ops[i].workspace;
		h->subject = strdup(ops[i].subject);
		h->uuid = ops[i].uuid ? strdup(ops[i].uuid) : NULL;
		h->body = ops[i].body ? strdup(ops[i].body) : NULL;
		h->secret = bbc_hooks_secret_of(ops[i].body);
		if (!h->subject || (ops[i].uuid && !h->uuid) || (ops[i].body && !h->body)) {
			bb_oom(err);
			return 0;
		}
	}
	return 1;
}

bb_job_id bitbucket_hooks_start(bb_client *c, const bb_creds *cr, const bb_hook_op *ops,
				size_t n, bb_progress_cb progress, bb_done_cb done, void *user,
				bb_err *err)
{
	bbc_job *j = job_new(cr, BB_JOB_HOOKS, err);

	if (!j)
		return 0;
	if (!hooks_copy_ops(j, ops, n, err)) {
		job_free(j);
		return 0;
	}
	j->progress = progress;
	return job_submit(c, j, done, user);
}

/* A job about one repository and commit (or branch): checks and copies. */
static bbc_job *repo_job(const bb_creds *cr, bb_job_kind kind, const char *repository,
		     const char *commit, const char *branch, const char *post, bb_err *err)
{
	bbc_job *j;

	if (!repository || !strchr(repository, '/') || ((!commit || !*commit) &&
							 (!branch || !*branch))) {
		bb_fail(err, BB_USAGE, "Name the repository as workspace/slug and give a commit "
			"hash or a branch.");
		return NULL;
	}
	if (!(j = job_new(cr, kind, err)))
		return NULL;
	j->repo = strdup(repository);
	j->commit = commit && *commit ? strdup(commit) : NULL;
	j->branch = branch && *branch ? strdup(branch) : NULL;
	j->post = post ? strdup(post) : NULL;
	if (!j->repo || (commit && *commit && !j->commit) || (branch && *branch && !j->branch) ||
	    (post && !j->post)) {
		job_free(j);
		bb_oom(err);
		return NULL;
	}
	return j;
}

bb_job_id bitbucket_status_start(bb_client *c, const bb_creds *cr, const char *repository,
				 const char *commit, const char *body, bb_done_cb done, void *user,
				 bb_err *err)
{
	bbc_job *j;

	if (!commit || !*commit || !body) {
		bb_fail(err, BB_USAGE, "A commit status needs a commit hash and a body.");
		return 0;
	}
	j = repo_job(cr, BB_JOB_STATUS, repository, commit, NULL, body, err);
	return j ? job_submit(c, j, done, user) : 0;
}

bb_job_id bitbucket_hash_start(bb_client *c, const bb_creds *cr, const char *repository,
			       const char *commit, const char *branch, bb_done_cb done, void *user,
			       bb_err *err)
{
	bbc_job *j = repo_job(cr, BB_JOB_HASH, repository, commit, branch, NULL, err);

	return j ? job_submit(c, j, done, user) : 0;
}

static void verify_info_free(bb_verify_info *v)
{
	strlist_free(&v->workspaces);
	strlist_free(&v->scopes);
	strlist_free(&v->missing_required);
	strlist_free(&v->missing_recommended);
	strlist_free(&v->missing_optional);
	strlist_free(&v->admin_workspaces);
	free(v->user);
	free(v->source_repo);
	v->user = v->source_repo = NULL;
}

void bitbucket_result_free(bb_job_result *r)
{
	strlist_free(&r->missing_scopes);
	verify_info_free(&r->verify);
	bitbucket_repos_free(&r->repos);
	for (size_t i = 0; i < r->warnings.n; i++)
		free(r->warnings.v[i].workspace);
	free(r->warnings.v);
	r->warnings.v = NULL;
	r->warnings.n = 0;
	for (size_t i = 0; r->answers && i < r->nanswers; i++) {
		strlist_free(&r->answers[i].missing_scopes);
		bitbucket_hooks_free(&r->answers[i].hooks);
	}
	free(r->answers);
	r->answers = NULL;
	r->nanswers = 0;
}

/* ---- blocking wrappers --------------------------------------------------------------- */

typedef struct sync_state {
	int done;
	bb_job_result *out;
} sync_state;

static void sync_done(void *user, bb_job_result *r)
{
	sync_state *s = user;

	*s->out = *r; /* take ownership of everything */
	memset(r, 0, sizeof *r);
	s->done = 1;
}

typedef bb_job_id (*sync_start)(bb_client *c, const void *arg, sync_state *s, bb_err *err);

static bb_code run_sync(sync_start start, const void *arg, bb_job_result *result)
{
	sync_state s = { 0, result };
	bb_client *c;
	bb_err err;

	memset(result, 0, sizeof *result);
	bb_err_clear(&err);
	if (bitbucket_client_new(&c, &err) != BB_OK || start(c, arg, &s, &err) == 0) {
		result->code = err.code != BB_OK ? err.code : BB_REMOTE;
		snprintf(result->msg, sizeof result->msg, "%s", err.msg);
		bitbucket_client_free(c);
		return result->code;
	}
	bitbucket_client_wait(c, &s.done);
	bitbucket_client_free(c);
	return result->code;
}

typedef struct sync_args {
	const bb_creds *cr;
	const bb_discover_opts *opts;
	const char *repository, *commit, *branch;
} sync_args;

static bb_job_id start_verify(bb_client *c, const void *arg, sync_state *s, bb_err *err)
{
	return bitbucket_verify_start(c, ((const sync_args *)arg)->cr, sync_done, s, err);
}

static bb_job_id start_discover(bb_client *c, const void *arg, sync_state *s, bb_err *err)
{
	const sync_args *a = arg;

	return bitbucket_discover_start(c, a->cr, a->opts, NULL, sync_done, s, err);
}

static bb_job_id start_hash(bb_client *c, const void *arg, sync_state *s, bb_err *err)
{
	const sync_args *a = arg;

	return bitbucket_hash_start(c, a->cr, a->repository, a->commit, a->branch, sync_done, s,
				    err);
}

bb_code bitbucket_hash_sync(const bb_creds *cr, const char *repository, const char *commit,
			    const char *branch, bb_job_result *result)
{
	sync_args a = { .cr = cr, .repository = repository, .commit = commit, .branch = branch };

	return run_sync(start_hash, &a, result);
}

bb_code bitbucket_verify_sync(const bb_creds *cr, bb_job_result *result)
{
	sync_args a = { .cr = cr };

	return run_sync(start_verify, &a, result);
}

bb_code bitbucket_discover_sync(const bb_creds *cr, const bb_discover_opts *opts,
				bb_job_result *result)
{
	sync_args a = { .cr = cr, .opts = opts };

	return run_sync(start_discover, &a, result);
}

