/* fake_bitbucket - a small Bitbucket Cloud API 2.0 stand-in for tests.
 *
 * One process, poll-based, HTTP/1.1 with keep-alive, on 127.0.0.1 and an
 * ephemeral port ("PORT <n>" on stdout, or --port-file). Responses are shaped
 * like the real ones; switches make it misbehave. It exits when its stdin
 * closes or after --idle seconds without a request, so no test leaves it
 * running.
 *
 *   --email E --token T      Basic credentials it accepts
 *   --workspaces N           workspaces ws0..wsN-1 (default 2)
 *   --repos M                repositories per workspace (default 3)
 *   --repos-total T          T repositories spread over the workspaces
 *   --latency MS             added to every answer
 *   --mode MODE [--count N] [--match TEXT] [--scope S]
 *                            misbehave (the first N matching requests only)
 *   --nosize                 repository pages without size/page (cursor next)
 *   --badutf8                invalid UTF-8 and escapes in repository names
 *   (control only: foreign=1 makes `next` links point at another host;
 *    maxpagelen=N caps pagelen lower than Bitbucket's 100)
 *   --port-file PATH --idle SECONDS
 *
 * MODE: ok 401text 401json 403scope 403string 403none 404 410 429 500 503
 * drop malformed html huge appnotinstalled indexing 301 echoauth jsonastext.
 * GET /_control?mode=..&count=..&match=..&scope=..&latency=.. changes them at
 * run time, and also: scopes= (x-oauth-scopes, "" for none), retryafter=N
 * (429 with Retry-After; -1 without), unstable=1 (unsorted listings change
 * order between requests), created=K / deleted=K with churnws=N (workspace N
 * gains or loses K repositories after its first page), hugesize=1
 * ({"size":1e12,"pagelen":1}), endless=1 (a next on every page),
 * undersize=N (size understated by N), method=M (misbehave for that method
 * only), after=K (let K matching requests through first); repository
 * listings honour fields=
 * and sort=created_on. GET /_stats answers
 * {"requests":N,"max_inflight":M,"misbehaved":K}. Webhooks: see fake_hooks.c
 * (GET /_hooks tells which secret each hook holds).
 *
 * Commit statuses: POST .../commit/{40 hex}/statuses/build is recorded (404
 * for any other commit, 400 naming the field for a key over 40 characters or
 * no state) and GET /_statuses lists every one recorded, oldest first, with
 * its repository and commit; mode=400key (with match=) refuses them like a
 * key too long. GET .../commit/{short} answers the full hash (the short one
 * repeated to 40 digits) and GET .../refs/branches/{name} a head ("b" and
 * 8 hex of a hash of the name, repeated). */
#include "fake.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

fake_config cfg = {
	.email = "dev@example.com", .token = "test-token", .workspaces = 2, .repos = 3,
	.mode = "ok", .count = -1, .idle_s = 60, .maxpagelen = 100,
	.scopes = "account, pullrequest, repository, team", .retry_after = -1, .churn_ws = -1,
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(void)
{
	fprintf(stderr, "usage: fake_bitbucket [--email E] [--token T] [--workspaces N] [--repos M]\n"
		"  [--repos-total T] [--latency MS] [--mode MODE] [--count N] [--match TEXT]\n"
		"  [--scope S] [--nosize] [--badutf8] [--port-file PATH] [--idle SECONDS]\n");
	exit(64);
}

static void parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--nosize")) { cfg.nosize = 1; continue; }
		if (!strcmp(a, "--badutf8")) { cfg.badutf8 = 1; continue; }
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--email")) cfg.email = v;
		else if (!strcmp(a, "--token")) cfg.token = v;
		else if (!strcmp(a, "--workspaces")) cfg.workspaces = atol(v);
		else if (!strcmp(a, "--repos")) cfg.repos = atol(v);
		else if (!strcmp(a, "--repos-total")) cfg.repos_total = atol(v);
		else if (!strcmp(a, "--latency")) cfg.latency_ms = atol(v);
		else if (!strcmp(a, "--mode")) snprintf(cfg.mode, sizeof cfg.mode, "%s", v);
		else if (!strcmp(a, "--count")) cfg.count = atol(v);
		else if (!strcmp(a, "--match")) snprintf(cfg.match, sizeof cfg.match, "%s", v);
		else if (!strcmp(a, "--scope")) snprintf(cfg.scope, sizeof cfg.scope, "%s", v);
		else if (!strcmp(a, "--port-file")) cfg.port_file = v;
		else if (!strcmp(a, "--idle")) cfg.idle_s = atol(v);
		else usage();
	}
	if (cfg.workspaces < 0 || cfg.repos < 0 || cfg.repos_total < 0)
		usage();
}

/* ---- connections ------------------------------------------------------------------ */

#define MAX_CONNS 256

typedef struct conn {
	int fd;
	sbuf in, out;
	size_t out_off;
	long long due;  /* answer held until then (latency) */
	int waiting;    /* a request is being answered */
	int drop;       /* close instead of answering */
	int close_after;
} conn;

static conn conns[MAX_CONNS];
static int nconns;
static long inflight;
long fake_max_inflight;
/* When poll last woke: requests read in one wake-up count as arrived then,
 * so the time spent building one answer does not delay the next (a real
 * server answers in parallel). */
static long long woke_at;

static void conn_close(int i)
{
	close(conns[i].fd);
	free(conns[i].in.p);
	free(conns[i].out.p);
	if (conns[i].waiting)
		inflight--;
	conns[i] = conns[--nconns];
}

static void accept_one(int lfd)
{
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		return;
	if (nconns == MAX_CONNS) {
		close(fd);
		return;
	}
	memset(&conns[nconns], 0, sizeof conns[nconns]);
	conns[nconns++].fd = fd;
}

const char *fake_body;
size_t fake_body_len;

/* The Content-Length of the request whose headers end at end (0 if none). */
static size_t body_length(const char *head, const char *end)
{
	const char *h = strcasestr(head, "\nContent-Length:");

	return h && h < end ? (size_t)strtoul(h + 16, NULL, 10) : 0;
}

/* 1 when c->in holds a whole request: headers and body. */
static int request_complete(const conn *c)
{
	const char *end = c->in.p ? strstr(c->in.p, "\r\n\r\n") : NULL;

	return end && c->in.len >= (size_t)(end - c->in.p) + 4 + body_length(c->in.p, end);
}

/* A complete request sits in c->in: answer it (held until due). */
static void take_request(conn *c)
{
	char *end = strstr(c->in.p, "\r\n\r\n");
	size_t used, blen = body_length(c->in.p, end);
	fake_reply r;

	*end = '\0';
	used = (size_t)(end - c->in.p) + 4 + blen;
	fake_body = end + 4;
	fake_body_len = blen;
	memset(&r, 0, sizeof r);
	fake_route(c->in.p, end + 4, blen, &r);
	fake_body = NULL;
	fake_body_len = 0;
	c->close_after = r.close || strcasestr(c->in.p, "Connection: close") != NULL;
	c->drop = r.drop;
	sb_free(&c->out);
	c->out = r.raw;
	c->out_off = 0;
	c->due = (r.now ? now_ms() : woke_at + cfg.latency_ms);
	c->waiting = 1;
	if (++inflight > fake_max_inflight)
		fake_max_inflight = inflight;
	memmove(c->in.p, c->in.p + used, c->in.len - used + 1);
	c->in.len -= used;
}

static int not_http(conn *c)
{
	static const char answer[] = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
				     "Content-Length: 12\r\nConnection: close\r\n\r\nbad request\n";
	ssize_t w = write(c->fd, answer, sizeof answer - 1);

	(void)w;
	return -1;
}

/* Returns -1 when the connection must go. */
static int on_readable(conn *c)
{
	char buf[65536];
	ssize_t n = read(c->fd, buf, sizeof buf);

	if (n <= 0)
		return -1;
	sb_add(&c->in, buf, (size_t)n);
	if (c->in.len > (1u << 20))
		return -1;
	if (!c->waiting && (c->in.p[0] < 'A' || c->in.p[0] > 'Z'))
		return not_http(c); /* e.g. a TLS hello: answer like a plain server does */
	if (!c->waiting && request_complete(c))
		take_request(c);
	return 0;
}

static int on_writable(conn *c)
{
	ssize_t n;

	if (c->drop)
		return -1;
	n = write(c->fd, c->out.p + c->out_off, c->out.len - c->out_off);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	c->out_off += (size_t)n;
	if (c->out_off < c->out.len)
		return 0;
	c->waiting = 0;
	inflight--;
	if (c->close_after)
		return -1;
	if (c->in.p && request_complete(c))
		take_request(c); /* the client sent the next one already */
	return 0;
}

static int serve(int lfd)
{
	struct pollfd p[MAX_CONNS + 2];
	long long idle_until = now_ms() + cfg.idle_s * 1000;

	for (;;) {
		long long now = now_ms(), wait = idle_until - now;
		int n = 0;

		if (wait <= 0)
			return 0;
		p[n++] = (struct pollfd){ .fd = 0, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (int i = 0; i < nconns; i++) {
			conn *c = &conns[i];
			short ev = c->waiting ? 0 : POLLIN;

			if (c->waiting && c->due <= now)
				ev |= POLLOUT;
			else if (c->waiting && c->due - now < wait)
				wait = c->due - now;
			p[n++] = (struct pollfd){ .fd = c->fd, .events = ev };
		}
		if (poll(p, (nfds_t)n, (int)(wait > 1000 ? 1000 : wait)) < 0 && errno != EINTR)
			return 1;
		woke_at = now_ms();
		if (p[0].revents) {
			char b[256];

			if (read(0, b, sizeof b) <= 0)
				return 0; /* the test is gone: so are we */
		}
		for (int i = n - 3; i >= 0; i--) { /* only those polled; backwards: close swaps */
			short re = p[i + 2].revents;
			int rc = 0;

			if (re & POLLOUT)
				rc = on_writable(&conns[i]);
			else if (re & (POLLIN | POLLHUP | POLLERR))
				rc = on_readable(&conns[i]);
			if (re)
				idle_until = now_ms() + cfg.idle_s * 1000;
			if (rc < 0)
				conn_close(i);
		}
		if (p[1].revents & POLLIN) {
			accept_one(lfd);
			idle_until = now_ms() + cfg.idle_s * 1000;
		}
	}
}

int main(int argc, char **argv)
{
	int port, lfd, rc;

	signal(SIGPIPE, SIG_IGN);
	parse_args(argc, argv);
	lfd = fake_listen(&port);
	if (lfd < 0) {
		perror("fake_bitbucket: listen");
		return 1;
	}
	fake_set_port(port);
	if (cfg.port_file) {
		FILE *f = fopen(cfg.port_file, "w");

		if (!f)
			return 1;
		fprintf(f, "%d\n", port);
		fclose(f);
	}
	printf("PORT %d\n", port);
	fflush(stdout);
	rc = serve(lfd);
	while (nconns)
		conn_close(nconns - 1);
	close(lfd);
	return rc;
}
