/* spawn.h - start and drive the fake Bitbucket server from a test or a
 * benchmark (header only: include it as "../fake/spawn.h").
 *
 * The server is $BBCONSOLE_FAKE (tests/run.sh sets it). Its stdin is a pipe
 * held by the test, so it exits as soon as the test does, even on a crash. */
#ifndef BB_FAKE_SPAWN_H
#define BB_FAKE_SPAWN_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct fake_server {
	pid_t pid;
	int stdin_w;
	int port;
	char base[64]; /* http://127.0.0.1:<port>/2.0 */
} fake_server;

static inline const char *fake_binary(void)
{
	const char *b = getenv("BBCONSOLE_FAKE");

	return b && *b ? b : "build/asan/fake_bitbucket";
}

/* Reads "PORT <n>" within a deadline; -1 on failure. */
static inline int fake_read_port(int fd)
{
	char buf[64];
	size_t used = 0;
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (used < sizeof buf - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 10 || poll(&p, 1, 200) < 0)
			return -1;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		n = read(fd, buf + used, sizeof buf - 1 - used);
		if (n <= 0)
			return -1;
		used += (size_t)n;
		buf[used] = '\0';
		if (strchr(buf, '\n'))
			return strncmp(buf, "PORT ", 5) == 0 ? atoi(buf + 5) : -1;
	}
	return -1;
}

/* args: extra options, NULL-terminated (may be NULL). 0 on success. */
static inline int fake_start(fake_server *f, const char *const *args)
{
	int in[2], out[2];
	const char *argv[40];
	int n = 0;

	memset(f, 0, sizeof *f);
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return -1;
	argv[n++] = fake_binary();
	for (; args && *args && n < 38; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	f->pid = fork();
	if (f->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execv(argv[0], (char *const *)(void *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	f->stdin_w = in[1];
	f->port = fake_read_port(out[0]);
	close(out[0]);
	if (f->pid < 0 || f->port <= 0)
		return -1;
	snprintf(f->base, sizeof f->base, "http://127.0.0.1:%d/2.0", f->port);
	return 0;
}

static inline void fake_stop(fake_server *f)
{
	int st;

	if (f->pid <= 0)
		return;
	close(f->stdin_w); /* the server exits on EOF */
	waitpid(f->pid, &st, 0);
	f->pid = 0;
}

/* A plain GET on the server (control and stats endpoints); the body goes to
 * out. Returns the HTTP status, or -1. */
static inline int fake_get(const fake_server *f, const char *target, char *out, size_t size)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)f->port) };
	char req[512], buf[4096], *body;
	size_t used = 0;
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM, 0), status = -1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
		 target);
	if (write(fd, req, strlen(req)) < 0) {
		close(fd);
		return -1;
	}
	while (used < sizeof buf - 1 && (n = read(fd, buf + used, sizeof buf - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
	close(fd);
	if (sscanf(buf, "HTTP/1.1 %d", &status) != 1)
		return -1;
	body = strstr(buf, "\r\n\r\n");
	if (out && size)
		snprintf(out, size, "%s", body ? body + 4 : "");
	return status;
}

/* A socket bound to 127.0.0.1 on a port the system picks (for a port that
 * is surely closed: take it, then close the socket). */
static inline int fake_listen_probe(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

/* Changes the switches at run time, e.g. "mode=429&count=2". */
static inline int fake_control(const fake_server *f, const char *query)
{
	char target[400];

	snprintf(target, sizeof target, "/_control?%s", query);
	return fake_get(f, target, NULL, 0);
}

/* Requests served so far (control calls excluded), and the most answered at once. */
static inline long fake_requests(const fake_server *f, long *max_inflight)
{
	char body[256];
	long req = -1, mx = -1;

	if (fake_get(f, "/_stats", body, sizeof body) != 200)
		return -1;
	sscanf(body, "{\"requests\": %ld, \"max_inflight\": %ld", &req, &mx);
	if (max_inflight)
		*max_inflight = mx;
	return req;
}

#endif
