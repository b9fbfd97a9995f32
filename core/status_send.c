/* status_send.c - posting the commit-status outbox (status.h).
 *
 * Threads: runs on the caller's thread; the client's callbacks run there too
 * (bitbucket_client_collect), so every database write is the caller's. A
 * round claims up to BB_MAX_INFLIGHT due rows (claimed_until: a lease, so a
 * sender that dies leaves them to the others once it ends), posts them, and
 * records each answer against the version it sent: a row changed meanwhile
 * stays pending and goes out again with its newer state. The SQL is in
 * status_store.c. */
#include "status.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "integration_store.h"
#include "secret.h"
#include "status_store.h"

#define BACKOFF_CAP_MS 600000LL

typedef struct item {
	struct sender *s;
	long long id, version;
	long attempts;
	char *integration, *repository, *commit, *body;
	char *email, *token;
	bb_job_id job;
	int busy;
} item;

typedef struct sender {
	bb_db *db;
	bb_client *c;
	item v[BB_MAX_INFLIGHT];
	size_t n, left;
	status_totals *t;
} sender;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long env_ms(const char *name, long long def)
{
	const char *v = getenv(name);
	long long n = v ? strtoll(v, NULL, 10) : 0;

	return n > 0 ? n : def;
}

/* Longer than any request can take: a live sender always answers first. */
static long long lease_ms(void)
{
	return 2 * env_ms("BBCONSOLE_HTTP_TIMEOUT_MS", 30000) + 1000;
}

static void item_free(item *it)
{
	free(it->integration);
	free(it->repository);
	free(it->commit);
	free(it->body);
	free(it->email);
	secret_free(it->token);
	memset(it, 0, sizeof *it);
}

/* The commitstatus body of a row. */
static char *body_of(const status_store_due *d)
{
	const char *const names[] = {"key", "state", "name", "description", "url", "refname"};
	const char *const values[] = {d->key, d->state, d->name, d->description, d->url,
				      d->refname};
	cJSON *o = cJSON_CreateObject();
	char *text;

	for (int i = 0; i < 6; i++)
		if (values[i])
			cJSON_AddStringToObject(o, names[i], values[i]);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

static bb_code load_creds(sender *s, item *it, bb_err *err)
{
	int found;
	bb_code rc = integration_store_credentials(s->db, it->integration, &it->email, &it->token,
						   &found, err);

	if (rc == BB_OK && !found)
		rc = bb_fail(err, BB_NOTFOUND, "The integration of this status is gone.");
	return rc;
}

/* Takes the row for this sender; 0 when another one has it or it changed. */
static int claim(sender *s, item *it, long long now)
{
	return status_store_claim(s->db, it->id, it->version, now, now + lease_ms());
}

static int take_due(const status_store_due *d, void *arg)
{
	sender *s = arg;
	item *it = &s->v[s->n];

	memset(it, 0, sizeof *it);
	it->s = s;
	it->id = d->id;
	it->version = d->version;
	it->attempts = d->attempts;
	it->integration = d->integration ? strdup(d->integration) : NULL;
	it->repository = d->repository ? strdup(d->repository) : NULL;
	it->commit = d->commit ? strdup(d->commit) : NULL;
	it->body = body_of(d);
	s->n++;
	return s->n >= BB_MAX_INFLIGHT;
}

static bb_code pick_due(sender *s, bb_err *err)
{
	long long now = now_ms();
	bb_code rc;

	s->n = 0;
	if ((rc = status_store_each_due(s->db, now, BB_MAX_INFLIGHT, take_due, s, err)) != BB_OK)
		return rc;
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i].body || !s->v[i].commit || !claim(s, &s->v[i], now))
			item_free(&s->v[i]); /* id 0: skipped */
	return BB_OK;
}

/* ---- recording answers ------------------------------------------------------------ */

/* Every outcome ends the claim; only the version sent is judged. */
static void record(item *it, const char *outcome, const char *msg)
{
	sender *s = it->s;
	long long delay = env_ms("BBCONSOLE_STATUS_BACKOFF_MS", 2000);

	for (long i = 0; i < it->attempts && delay < BACKOFF_CAP_MS; i++)
		delay *= 2;
	if (!strcmp(outcome, "posted")) {
		char now[BB_TIME_LEN];

		util_now(now);
		status_store_posted(s->db, it->id, it->version, now);
		s->t->posted++;
	} else if (!strcmp(outcome, "failed")) {
		status_store_failed(s->db, it->id, it->version, msg);
		s->t->failed++;
	} else if (!strcmp(outcome, "retry")) {
		status_store_retry(s->db, it->id, it->version, msg,
				   now_ms() + (delay < BACKOFF_CAP_MS ? delay : BACKOFF_CAP_MS));
		s->t->retried++;
	}
	status_store_release(s->db, it->id);
	it->busy = 0;
	s->left--;
}

static int worth_retrying(const bb_job_result *r)
{
	return r->status == 0 || r->status == 429 || r->status >= 500;
}

static void start_post(item *it, const char *commit);

static void cache_hash(sender *s, const item *it, const char *full)
{
	bb_err err;

	status_store_cache_hash(s->db, it->integration, it->repository, it->commit, full, &err);
}

static void on_done(void *user, bb_job_result *r)
{
	item *it = user;

	it->job = 0;
	if (r->cancelled)
		record(it, "released", NULL);
	else if (r->code != BB_OK)
		record(it, worth_retrying(r) ? "retry" : "failed", r->msg);
	else if (r->kind == BB_JOB_HASH) {
		cache_hash(it->s, it, r->hash);
		start_post(it, r->hash);
	} else
		record(it, "posted", NULL);
}

static const char *cached_hash(sender *s, const item *it, char out[41])
{
	return status_store_cached_hash(s->db, it->integration, it->repository, it->commit, out);
}

static void start_post(item *it, const char *commit)
{
	bb_creds cr = {it->email, it->token, NULL};
	bb_err err;

	it->job = bitbucket_status_start(it->s->c, &cr, it->repository, commit, it->body, on_done,
					 it, &err);
	if (!it->job)
		record(it, "failed", err.msg);
}

/* A pull request's short hash is made full first (GET .../commit/{short}). */
static void start_item(sender *s, item *it)
{
	char full[41];
	bb_creds cr;
	bb_err err;

	it->busy = 1;
	s->left++;
	if (load_creds(s, it, &err) != BB_OK) {
		record(it, "failed", err.msg);
		return;
	}
	cr = (bb_creds){it->email, it->token, NULL};
	if (strlen(it->commit) == 40) {
		start_post(it, it->commit);
	} else if (cached_hash(s, it, full)) {
		start_post(it, full);
	} else {
		it->job = bitbucket_hash_start(s->c, &cr, it->repository, it->commit, NULL, on_done,
					       it, &err);
		if (!it->job)
			record(it, "failed", err.msg);
	}
}

/* Waits for the answers until the deadline, then cancels what is left. */
static void wait_round(sender *s, double deadline_ms)
{
	double cancel_until = 0;

	while (s->left > 0) {
		struct pollfd p = {.fd = bitbucket_client_fd(s->c), .events = POLLIN};
		double now = util_mono_ms();

		if (now >= deadline_ms && cancel_until == 0) {
			for (size_t i = 0; i < s->n; i++)
				if (s->v[i].job)
					bitbucket_job_cancel(s->c, s->v[i].job);
			cancel_until = now + 2000;
		}
		if (cancel_until && now >= cancel_until)
			break;
		if (poll(&p, 1, 100) < 0 && errno != EINTR)
			break;
		bitbucket_client_collect(s->c);
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].busy) /* never answered: leave it to the next sender */
			record(&s->v[i], "released", NULL);
}

bb_code status_send(bb_db *db, bb_client *c, double deadline_ms, status_totals *totals,
		    bb_err *err)
{
	status_totals local = {0};
	sender s = {.db = db, .c = c, .t = totals ? totals : &local};
	bb_code rc = BB_OK;

	while (util_mono_ms() < deadline_ms && (rc = pick_due(&s, err)) == BB_OK) {
		size_t started = 0;

		for (size_t i = 0; i < s.n; i++)
			if (s.v[i].id) {
				start_item(&s, &s.v[i]);
				started++;
			}
		wait_round(&s, deadline_ms);
		for (size_t i = 0; i < s.n; i++)
			item_free(&s.v[i]);
		if (s.n == 0 || started == 0)
			break;
	}
	return rc;
}

long status_next_due_ms(bb_db *db)
{
	long long due = status_store_next_due(db);

	if (due < 0)
		return -1;
	due -= now_ms();
	return due > 0 ? (long)(due < 86400000LL ? due : 86400000LL) : 0;
}

/* ---- the sender thread of `serve` ------------------------------------------------- */

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#define ROUND_MS 3000.0 /* a round ends then, so stopping is prompt */
#define IDLE_MS 1000L   /* rows queued by other processes are seen this soon */

struct status_sender {
	pthread_t thread;
	bb_db *db;
	bb_client *c;
	int pipe_r, pipe_w;
	atomic_int stop;
};

static void drain_pipe(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof buf) > 0)
		;
}

static void *sender_main(void *arg)
{
	status_sender *s = arg;
	bb_err err;

	while (!atomic_load(&s->stop)) {
		long due;
		struct pollfd p;

		status_send(s->db, s->c, util_mono_ms() + ROUND_MS, NULL, &err);
		due = status_next_due_ms(s->db);
		p = (struct pollfd){.fd = s->pipe_r, .events = POLLIN};
		if (due != 0 && !atomic_load(&s->stop))
			poll(&p, 1, due < 0 || due > IDLE_MS ? (int)IDLE_MS : (int)due);
		drain_pipe(s->pipe_r);
	}
	return NULL;
}

static void sender_free(status_sender *s)
{
	bitbucket_client_free(s->c);
	db_close(s->db);
	if (s->pipe_r >= 0)
		close(s->pipe_r);
	if (s->pipe_w >= 0)
		close(s->pipe_w);
	free(s);
}

bb_code status_sender_new(const char *db_path, status_sender **out, bb_err *err)
{
	status_sender *s = calloc(1, sizeof *s);
	int fds[2];

	*out = NULL;
	bb_err_clear(err);
	if (!s)
		return bb_oom(err);
	s->pipe_r = s->pipe_w = -1;
	if (pipe(fds) != 0) {
		free(s);
		return bb_fail(err, BB_TEMP, "Could not create a pipe for the status sender: %s.",
			       strerror(errno));
	}
	s->pipe_r = fds[0];
	s->pipe_w = fds[1];
	for (int i = 0; i < 2; i++)
		fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
	if (db_open(db_path, &s->db, err) != BB_OK || bitbucket_client_new(&s->c, err) != BB_OK ||
	    pthread_create(&s->thread, NULL, sender_main, s) != 0) {
		if (err->code == BB_OK)
			bb_fail(err, BB_TEMP, "Could not start the status sender thread.");
		sender_free(s);
		return err->code;
	}
	*out = s;
	return BB_OK;
}

void status_sender_wake(status_sender *s)
{
	ssize_t w;

	if (!s)
		return;
	w = write(s->pipe_w, "w", 1); /* a full pipe is a wake-up already pending */
	(void)w;
}

void status_sender_stop(status_sender *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, 1);
	status_sender_wake(s);
	pthread_join(s->thread, NULL);
	sender_free(s);
}
