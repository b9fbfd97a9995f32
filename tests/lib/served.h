/* served.h - `bbconsole serve` for tests: started on an ephemeral 127.0.0.1
 * port over a test database, and real HTTP requests to it (plain sockets,
 * one connection per request), signed as Bitbucket signs its deliveries.
 * The helpers abort the running cmocka test when serve cannot start. */
#ifndef BB_TEST_SERVED_H
#define BB_TEST_SERVED_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct served {
	pid_t pid;
	int port;
	char log[PATH_MAX + 16]; /* serve's stderr */
} served;

/* Starts $BBCONSOLE_BIN serve on db with its stderr in dir/serve.log and
 * waits (10 s deadline) until it says where it listens. env: NULL, or
 * NULL-terminated "NAME=VALUE" entries set for serve only. */
void served_start(served *s, const char *dir, const char *db, const char *const *env);
/* Stops it with sig; its exit status (128 + signal when killed). */
int served_stop(served *s, int sig);

/* One HTTP/1.1 request; the status code, or -1 when the connection failed.
 * extra: more header lines, each ending "\r\n" (may be NULL). */
int served_http(int port, const char *method, const char *path, const char *extra,
		const char *body, size_t len);

/* A delivery as Bitbucket sends it: X-Event-Key (event may be NULL), a
 * request UUID with attempt 1 (NULL: neither), X-Hub-Signature with key
 * (NULL: none), and the content type. */
int served_deliver(int port, const char *path, const char *event, const char *uuid,
		   const char *key, const char *type, const char *body, size_t len);

/* The whole file, NUL-terminated (fails the test when it cannot be read). */
char *served_read_file(const char *path, size_t *len);

#endif
