/* serve.c - libmicrohttpd glue for the webhook receiver (serve.h).
 *
 * Threads: libmicrohttpd's pool threads read requests; each has its own
 * read connection to the database (thread_db) for delivery_check. A checked
 * delivery goes to core's single writer (delivery_queue) and its connection
 * is suspended; the writer's done() marks the request answered and resumes
 * it, and the pool thread then sends the status. So no thread blocks while
 * a batch commits, and the 2xx always follows the COMMIT. The main thread
 * only waits for SIGTERM/SIGINT. */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "delivery.h"
#include "delivery_queue.h"
#include "mhd_lazy.h"
#include "status.h"

#define CONNECTION_LIMIT 1024
#define IDLE_TIMEOUT_S 10      /* Bitbucket gives up after 10 s too */
#define REQUEST_DEADLINE_MS 9000.0 /* a body still coming after this is cut off */
#define DISCARD_MAX (4 * BB_DELIVERY_MAX_BODY) /* read past the limit, then cut */
#define DRAIN_DEADLINE_MS 10000.0
#define BUSY_MS 3000L          /* then 503: Bitbucket retries 5xx */

typedef struct server {
	const char *db_path;
	bb_receiver r;
	delivery_queue *q;
	pthread_key_t db_key;
	atomic_long in_flight;
	status_sender *sender; /* NULL when it could not start */
} server;

/* One request: its body, and its delivery once checked. */
typedef struct request {
	server *s;
	struct MHD_Connection *conn;
	char *body;
	size_t len, cap, dropped;
	int too_large;
	int submitted;
	atomic_int answered;
	bb_delivery_job job;
	double started;
} request;

static void close_thread_db(void *db)
{
	db_close(db);
}

/* This pool thread's connection, opened on first use; NULL when it cannot. */
static bb_db *thread_db(server *s)
{
	bb_db *db = pthread_getspecific(s->db_key);
	bb_err err;

	if (!db && db_open(s->db_path, &db, &err) == BB_OK)
		pthread_setspecific(s->db_key, db);
	return db;
}

static enum MHD_Result answer_type(struct MHD_Connection *c, unsigned status, const char *text,
				    const char *type);

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *json)
{
	return answer_type(c, status, json, "application/json");
}

static enum MHD_Result answer_type(struct MHD_Connection *c, unsigned status, const char *json,
				    const char *type)
{
	/* MUST_COPY: the text is copied, never written through the pointer */
	union {
		const char *in;
		void *out;
	} text = {json};
	struct MHD_Response *res = MHD_create_response_from_buffer(strlen(json), text.out,
								   MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ok;

	if (!res)
		return MHD_NO;
	MHD_add_response_header(res, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ok = MHD_queue_response(c, status, res);
	MHD_destroy_response(res);
	return ok;
}

static void log_job(const bb_delivery_job *job)
{
	char line[640];

	delivery_log_line(job, line, sizeof line);
	fprintf(stderr, "%s\n", line);
}

static enum MHD_Result answer_job(request *rq)
{
	char json[160];
	const bb_delivery_job *j = &rq->job;

	if (j->status == 202)
		snprintf(json, sizeof json, "{\"outcome\":\"%s\",\"delivery\":%lld,\"runs\":%ld}\n",
			 j->outcome, j->id, j->runs);
	else
		snprintf(json, sizeof json, "{\"outcome\":\"%s\"}\n", j->outcome);
	return answer(rq->conn, (unsigned)j->status, json);
}

/* The writer's callback, after the batch holding this delivery committed:
 * as little as possible, the writer is the receiver's narrowest part. */
static void job_done(bb_delivery_job *job, void *arg)
{
	request *rq = arg;

	if (job->runs > 0)
		status_sender_wake(rq->s->sender); /* their statuses are queued */
	atomic_store(&rq->answered, 1);
	MHD_resume_connection(rq->conn);
}

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static enum MHD_Result check_and_queue(request *rq, const char *url)
{
	struct MHD_Connection *c = rq->conn;
	bb_delivery_req req = {url, header(c, "X-Event-Key"), header(c, "X-Hook-UUID"),
			       header(c, "X-Request-UUID"), header(c, "X-Attempt-Number"),
			       header(c, "X-Hub-Signature"), header(c, "Content-Type"),
			       header(c, "User-Agent"), rq->body ? rq->body : "", rq->len,
			       rq->too_large, rq->started};
	bb_db *db = thread_db(rq->s);

	if (!db)
		return answer(c, 503, "{\"outcome\":\"rejected: database unavailable\"}\n");
	delivery_check(db, &rq->s->r, &req, &rq->job);
	if (!rq->job.record) {
		rq->job.ms = (long)(util_mono_ms() - rq->started);
		log_job(&rq->job);
		return answer_job(rq);
	}
	rq->job.done = job_done;
	rq->job.done_arg = rq;
	rq->submitted = 1;
	MHD_suspend_connection(c);
	delivery_queue_submit(rq->s->q, &rq->job);
	return MHD_YES;
}

/* Keeps the body up to Bitbucket's limit; some more is read and dropped
 * (to answer 413), then the connection is cut: 0. */
static int take_body(request *rq, const char *data, size_t n)
{
	if (rq->too_large || rq->len + n > BB_DELIVERY_MAX_BODY) {
		rq->too_large = 1;
		rq->dropped += n;
		return rq->dropped <= DISCARD_MAX;
	}
	if (rq->len + n > rq->cap) {
		size_t cap = rq->cap ? rq->cap : 16384;
		char *nb;

		while (cap < rq->len + n)
			cap *= 2;
		if (!(nb = realloc(rq->body, cap))) {
			rq->too_large = 1;
			return 1;
		}
		rq->body = nb;
		rq->cap = cap;
	}
	memcpy(rq->body + rq->len, data, n);
	rq->len += n;
	return 1;
}

static enum MHD_Result health(server *s, struct MHD_Connection *c)
{
	bb_db *db = thread_db(s);
	int ok = db && db_reachable(db);

	return answer(c, ok ? 200 : 503, ok ? "{\"status\":\"ok\",\"database\":\"ok\"}\n"
					    : "{\"status\":\"error\",\"database\":\"unreachable\"}\n");
}

/* GET <base path>/runs/<id>: the page a commit status links to. */
static enum MHD_Result run_page(server *s, struct MHD_Connection *c, const char *id)
{
	bb_db *db = thread_db(s);
	char *html = NULL;
	enum MHD_Result ok;
	bb_err err;

	if (!db)
		return answer(c, 503, "{\"outcome\":\"rejected: database unavailable\"}\n");
	if (strlen(id) != BB_ULID_LEN || status_page_html(db, id, &html, &err) != BB_OK)
		return answer_type(c, 404, "<!DOCTYPE html>\n<p>No such run.</p>\n",
				   "text/html; charset=utf-8");
	ok = answer_type(c, 200, html, "text/html; charset=utf-8");
	free(html);
	return ok;
}

static const char *run_id_of(const server *s, const char *url)
{
	size_t n = strlen(s->r.base_path);

	if (strncmp(url, s->r.base_path, n) != 0 || strncmp(url + n, "/runs/", 6) != 0)
		return NULL;
	return url + n + 6;
}

/* A request that is not a delivery: answered from its first call. */
static enum MHD_Result route_other(server *s, struct MHD_Connection *c, const char *url,
				   const char *method)
{
	if (strcmp(url, "/healthz") == 0 && strcmp(method, "GET") == 0)
		return health(s, c);
	if (strcmp(method, "GET") == 0 && run_id_of(s, url))
		return run_page(s, c, run_id_of(s, url));
	if (delivery_path_is_endpoint(&s->r, url))
		return answer(c, 405, "{\"outcome\":\"rejected: only POST is accepted\"}\n");
	return answer(c, 404, "{\"outcome\":\"rejected: unknown endpoint\"}\n");
}

static request *request_new(server *s, struct MHD_Connection *c)
{
	request *rq = calloc(1, sizeof *rq);
	const char *cl = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);

	if (!rq)
		return NULL;
	rq->s = s;
	rq->conn = c;
	rq->started = util_mono_ms();
	if (cl && strtoull(cl, NULL, 10) > BB_DELIVERY_MAX_BODY)
		rq->too_large = 1;
	atomic_fetch_add(&s->in_flight, 1);
	return rq;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *data_size, void **con_cls)
{
	server *s = cls;
	request *rq = *con_cls;

	(void)version;
	if (!rq) {
		if (!(*con_cls = rq = request_new(s, c)))
			return MHD_NO;
		if (strcmp(method, "POST") != 0)
			return route_other(s, c, url, method);
		return MHD_YES;
	}
	if (strcmp(method, "POST") != 0)
		return MHD_YES; /* answered already; the body (if any) is dropped */
	if (*data_size) {
		/* a client too slow, or sending far too much, is cut off */
		if (!take_body(rq, data, *data_size) ||
		    util_mono_ms() - rq->started > REQUEST_DEADLINE_MS)
			return MHD_NO;
		*data_size = 0;
		return MHD_YES;
	}
	if (atomic_load(&rq->answered)) {
		log_job(&rq->job); /* here, not in the writer: it has enough to do */
		return answer_job(rq);
	}
	if (rq->submitted)
		return MHD_YES;
	return check_and_queue(rq, url);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode why)
{
	server *s = cls;
	request *rq = *con_cls;

	(void)c;
	(void)why;
	if (!rq)
		return;
	delivery_job_free(&rq->job);
	free(rq->body);
	free(rq);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

/* ---- start, wait, stop ---------------------------------------------------------- */

typedef struct listen_addr {
	struct sockaddr_storage sa;
	int v6;
} listen_addr;

static bb_code parse_listen(const char *spec, listen_addr *out, bb_err *err)
{
	char host[128];
	const char *colon = strrchr(spec, ':');
	char *end;
	long port = colon ? strtol(colon + 1, &end, 10) : -1;
	size_t hl = colon ? (size_t)(colon - spec) : 0;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&out->sa;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->sa;

	memset(out, 0, sizeof *out);
	if (!colon || *end || port < 0 || port > 65535 || hl == 0 || hl >= sizeof host)
		return bb_fail(err, BB_USAGE, "--listen needs ADDR:PORT, such as 127.0.0.1:8080 "
			       "or [::1]:8080.");
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		out->v6 = 1;
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &v6->sin6_addr) == 1)
			return BB_OK;
	} else {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &v4->sin_addr) == 1)
			return BB_OK;
	}
	return bb_fail(err, BB_USAGE, "--listen %s: the address is not a numeric IPv4 or "
		       "[IPv6] address; use one, such as 127.0.0.1:8080.", spec);
}

static char *read_pem(const char *path, const char *what, bb_err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f) {
		bb_fail(err, BB_INVALID, "Cannot read the TLS %s %s (%s); check the path.", what,
			path, strerror(errno));
		return NULL;
	}
	do {
		char *nb = realloc(buf, cap += 16384);

		if (!nb) {
			free(buf);
			fclose(f);
			bb_fail(err, BB_DBERR, "Out of memory.");
			return NULL;
		}
		buf = nb;
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0 && cap < (1 << 20));
	buf[n] = '\0';
	fclose(f);
	return buf;
}

typedef struct tls {
	char *cert, *key;
} tls;

static struct MHD_Daemon *start_daemon(server *s, const serve_opts *o, const listen_addr *la,
				       const tls *t)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_ITC | (la->v6 ? MHD_USE_IPv6 : 0) | (t->cert ? MHD_USE_TLS : 0);
	struct MHD_OptionItem tls_opts[] = {
		{MHD_OPTION_HTTPS_MEM_CERT, 0, t->cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, t->key},
		{MHD_OPTION_END, 0, NULL},
	};

	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&la->sa,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads > 0 ? o->threads : 2),
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_ARRAY, t->cert ? tls_opts : tls_opts + 2,
				MHD_OPTION_END);
}

static void say_listening(struct MHD_Daemon *d, const serve_opts *o)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	const char *spec = o->listen ? o->listen : "127.0.0.1:8080";
	const char *colon = strrchr(spec, ':');

	fprintf(stderr, "bbconsole serve: listening on %s%.*s:%u\n", o->tls_cert ? "https " : "",
		(int)(colon - spec), spec, info ? (unsigned)info->port : 0u);
}

/* Waits for SIGTERM or SIGINT (blocked in every thread, taken here). */
static void wait_for_stop(const sigset_t *set)
{
	int sig;

	while (sigwait(set, &sig) != 0)
		;
}

/* Stops accepting, then lets the requests in flight finish. */
static void drain(server *s, struct MHD_Daemon *d)
{
	double deadline = util_mono_ms() + DRAIN_DEADLINE_MS;
	MHD_socket fd = MHD_quiesce_daemon(d);
	struct timespec tick = {0, 10 * 1000 * 1000};

	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	while (atomic_load(&s->in_flight) > 0 && util_mono_ms() < deadline)
		nanosleep(&tick, NULL);
	MHD_stop_daemon(d);
}

static bb_code load_tls(const serve_opts *o, tls *t, bb_err *err)
{
	memset(t, 0, sizeof *t);
	if (!o->tls_cert && !o->tls_key)
		return BB_OK;
	if (!o->tls_cert || !o->tls_key)
		return bb_fail(err, BB_USAGE, "HTTPS needs both --tls-cert FILE and --tls-key FILE.");
	if (!(t->cert = read_pem(o->tls_cert, "certificate", err)) ||
	    !(t->key = read_pem(o->tls_key, "key", err)))
		return err->code;
	return BB_OK;
}

static bb_code run_daemon(server *s, const serve_opts *o, const listen_addr *la, const tls *t,
			  bb_err *err)
{
	sigset_t set;
	struct MHD_Daemon *d;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!(d = start_daemon(s, o, la, t)))
		return bb_fail(err, BB_TEMP, "Cannot listen on %s (in use, or not an address of "
			       "this machine); pick another --listen.",
			       o->listen ? o->listen : "127.0.0.1:8080");
	say_listening(d, o);
	wait_for_stop(&set);
	fprintf(stderr, "bbconsole serve: stopping; finishing the requests in flight\n");
	drain(s, d);
	return BB_OK;
}

/* BBCONSOLE_SERVE_BUSY_MS overrides the budget (tests make the 503 quick). */
static long busy_ms(void)
{
	const char *env = getenv("BBCONSOLE_SERVE_BUSY_MS");
	long v = env ? strtol(env, NULL, 10) : 0;

	return v > 0 && v < 9000 ? v : BUSY_MS;
}

/* Deliveries are still received when statuses cannot be posted. */
static void start_sender(server *s, const serve_opts *o)
{
	bb_err err;

	if (status_sender_new(o->db_path, &s->sender, &err) != BB_OK)
		fprintf(stderr, "bbconsole serve: commit statuses will not be posted: %s\n", err.msg);
}

bb_code serve_run(const serve_opts *o, bb_err *err)
{
	server s = {o->db_path};
	listen_addr la;
	tls t = {0};
	bb_db *db;
	bb_code rc;

	sigset_t stop;

	/* before any thread starts, so that only the main thread takes them */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	if (mhd_lazy_error())
		return bb_fail(err, BB_TEMP, "%s", mhd_lazy_error());
	if ((rc = parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &la, err)) != BB_OK ||
	    (rc = load_tls(o, &t, err)) != BB_OK || (rc = db_open(o->db_path, &db, err)) != BB_OK)
		goto out;
	rc = delivery_receiver_init(db, &s.r, err);
	db_close(db);
	if (rc != BB_OK || (rc = delivery_queue_new(o->db_path, busy_ms(), &s.q, err)) != BB_OK)
		goto out;
	pthread_key_create(&s.db_key, close_thread_db);
	start_sender(&s, o);
	rc = run_daemon(&s, o, &la, &t, err);
	delivery_queue_stop(s.q);
	status_sender_stop(s.sender);
	pthread_key_delete(s.db_key);
out:
	if (t.key)
		secret_wipe(t.key, strlen(t.key));
	free(t.cert);
	free(t.key);
	return rc;
}
