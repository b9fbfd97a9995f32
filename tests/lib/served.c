/* served.c - see served.h. */
#include "served.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "delivery.h"

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

char *served_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		fail_msg("cannot open %s (%s)", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void exec_serve(int log_fd, const char *db, const char *const *env)
{
	const char *bin = getenv("BBCONSOLE_BIN");

	dup2(log_fd, 2);
	setenv("BBCONSOLE_DB", db, 1);
	/* statuses go to a closed local port unless the test names its server */
	setenv("BBCONSOLE_BITBUCKET_API", "http://127.0.0.1:9/2.0", 0);
	for (size_t i = 0; env && env[i]; i++)
		putenv((char *)(uintptr_t)env[i]);
	execl(bin, bin, "serve", "--listen", "127.0.0.1:0", (char *)NULL);
	_exit(127);
}

/* The port serve printed in its log, or 0 while it has not yet. */
static int port_in_log(const char *log)
{
	static const char said[] = "listening on 127.0.0.1:";
	size_t len;
	char *text = served_read_file(log, &len);
	char *at = strstr(text, said);
	int port = at ? atoi(at + strlen(said)) : 0;

	free(text);
	return port;
}

void served_start(served *s, const char *dir, const char *db, const char *const *env)
{
	double deadline = mono_ms() + 10000;
	struct timespec tick = {0, 20 * 1000 * 1000};
	int fd;

	snprintf(s->log, sizeof s->log, "%s/serve.log", dir);
	fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	s->port = 0;
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0)
		exec_serve(fd, db, env);
	close(fd);
	while (!(s->port = port_in_log(s->log)) && mono_ms() < deadline)
		nanosleep(&tick, NULL);
	if (!s->port)
		fail_msg("serve did not say where it listens within 10 s");
}

int served_stop(served *s, int sig)
{
	int status;

	kill(s->pid, sig);
	assert_int_equal(waitpid(s->pid, &status, 0), s->pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int connect_loopback(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int served_http(int port, const char *method, const char *path, const char *extra,
		const char *body, size_t len)
{
	char head[2048], reply[512];
	int fd = connect_loopback(port), n, code = -1;
	size_t got = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	n = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
		     "Content-Length: %zu\r\n%s\r\n", method, path, len, extra ? extra : "");
	if (write(fd, head, (size_t)n) == n && (len == 0 || write(fd, body, len) == (ssize_t)len)) {
		while (got < sizeof reply - 1 && (r = read(fd, reply + got, sizeof reply - 1 - got)) > 0)
			got += (size_t)r;
		reply[got] = '\0';
		if (strncmp(reply, "HTTP/1.1 ", 9) == 0)
			code = atoi(reply + 9);
	}
	close(fd);
	return code;
}

int served_deliver(int port, const char *path, const char *event, const char *uuid,
		   const char *key, const char *type, const char *body, size_t len)
{
	char hex[65], extra[1024];
	size_t n = 0;

	if (event)
		n += (size_t)snprintf(extra + n, sizeof extra - n, "X-Event-Key: %s\r\n", event);
	if (uuid)
		n += (size_t)snprintf(extra + n, sizeof extra - n, "X-Request-UUID: %s\r\n"
				      "X-Attempt-Number: 1\r\n", uuid);
	if (key) {
		assert_int_equal(delivery_hmac_hex(key, strlen(key), body, len, hex), 0);
		n += (size_t)snprintf(extra + n, sizeof extra - n, "X-Hub-Signature: sha256=%s\r\n",
				      hex);
	}
	snprintf(extra + n, sizeof extra - n, "Content-Type: %s\r\n", type);
	return served_http(port, "POST", path, extra, body, len);
}
