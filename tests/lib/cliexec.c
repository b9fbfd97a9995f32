#include "cliexec.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_ARGS 256

typedef struct buf {
	char *p;
	size_t n, cap;
} buf;

/* Room for at least 4 KiB more and the final NUL. */
static int buf_grow(buf *b)
{
	size_t cap = b->cap ? b->cap * 2 : 8192;
	char *p;

	if (b->cap - b->n >= 4096)
		return 0;
	p = realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

static int buf_read(buf *b, int fd)
{
	ssize_t r;

	if (buf_grow(b) != 0)
		return -1;
	do
		r = read(fd, b->p + b->n, b->cap - b->n - 1);
	while (r < 0 && errno == EINTR);
	if (r > 0)
		b->n += (size_t)r;
	return (int)(r > 0 ? 1 : r);
}

static int overridden(const char *entry, const char *const *env)
{
	size_t len = strcspn(entry, "=");

	for (size_t i = 0; env && env[i]; i++)
		if (strcspn(env[i], "=") == len && strncmp(entry, env[i], len) == 0)
			return 1;
	return 0;
}

/* environ minus the overridden names, plus the NAME=VALUE overrides. */
static char **make_env(const char *const *env)
{
	size_t n = 0, k = 0, extra = 0;
	char **out;

	while (environ[n])
		n++;
	while (env && env[extra])
		extra++;
	out = calloc(n + extra + 1, sizeof *out);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!overridden(environ[i], env))
			out[k++] = environ[i];
	for (size_t i = 0; i < extra; i++)
		if (strchr(env[i], '='))
			out[k++] = (char *)(uintptr_t)env[i];
	return out;
}

static int spawn(const char *const *args, char **envp, int fds[3][2], pid_t *pid)
{
	const char *bin = getenv("BBCONSOLE_BIN");
	char *argv[MAX_ARGS + 2];
	posix_spawn_file_actions_t fa;
	size_t n = 0;
	int rc;

	if (!bin)
		return -1;
	argv[n++] = (char *)(uintptr_t)bin;
	while (args[n - 1] && n <= MAX_ARGS) {
		argv[n] = (char *)(uintptr_t)args[n - 1];
		n++;
	}
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0][0], 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1][1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[2][1], 2);
	rc = posix_spawn(pid, bin, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	return rc == 0 ? 0 : -1;
}

/* Feeds stdin and drains stdout and stderr together, so a child writing a
 * lot never blocks on a full pipe while we wait on the other one. */
static int pump(int in, const char *input, int out, int err, buf *bo, buf *be)
{
	size_t left = input ? strlen(input) : 0;
	struct pollfd p[3] = {{out, POLLIN, 0}, {err, POLLIN, 0}, {in, POLLOUT, 0}};

	if (left == 0) {
		close(in);
		p[2].fd = -1;
	}
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			return -1;
		for (int i = 0; i < 2; i++)
			if (p[i].fd >= 0 && p[i].revents && buf_read(i ? be : bo, p[i].fd) <= 0)
				p[i].fd = -1;
		if (p[2].fd >= 0 && p[2].revents) {
			ssize_t w = write(in, input, left);

			if (w > 0) {
				input += w;
				left -= (size_t)w;
			}
			if (left == 0 || (w < 0 && errno != EAGAIN && errno != EINTR)) {
				close(in);
				p[2].fd = -1;
			}
		}
	}
	if (p[2].fd >= 0)
		close(in);
	return 0;
}

static void close_pair(int fds[2])
{
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static int finish(pid_t pid, cliexec_result *r, buf *bo, buf *be)
{
	int ws;

	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -1;
	r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	if (buf_grow(bo) != 0 || buf_grow(be) != 0)
		return -1;
	bo->p[bo->n] = be->p[be->n] = '\0';
	r->out = bo->p;
	r->out_len = bo->n;
	r->err = be->p;
	r->err_len = be->n;
	return 0;
}

int cliexec_run(const char *const *args, const char *input, const char *const *env,
		cliexec_result *r)
{
	int fds[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
	buf bo = {0}, be = {0};
	char **envp = make_env(env);
	pid_t pid;
	int rc = -1;

	memset(r, 0, sizeof *r);
	signal(SIGPIPE, SIG_IGN); /* the child may exit before reading its stdin */
	for (int i = 0; i < 3; i++)
		if (pipe2(fds[i], O_CLOEXEC) != 0)
			goto out;
	fcntl(fds[0][1], F_SETFL, O_NONBLOCK);
	if (!envp || spawn(args, envp, fds, &pid) != 0)
		goto out;
	close(fds[0][0]);
	close(fds[1][1]);
	close(fds[2][1]);
	fds[0][0] = fds[1][1] = fds[2][1] = -1;
	if (pump(fds[0][1], input, fds[1][0], fds[2][0], &bo, &be) == 0 &&
	    finish(pid, r, &bo, &be) == 0)
		rc = 0;
	fds[0][1] = -1; /* pump closed it */
out:
	for (int i = 0; i < 3; i++)
		close_pair(fds[i]);
	free(envp);
	if (rc != 0) {
		free(bo.p);
		free(be.p);
		memset(r, 0, sizeof *r);
	}
	return rc;
}

void cliexec_free(cliexec_result *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof *r);
}

void cliexec_home_make(cliexec_home *h)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(h->dir, sizeof h->dir, "%s/bbclitestXXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(h->dir));
	snprintf(h->db, sizeof h->db, "%s/data/console.db", h->dir);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void cliexec_home_remove(cliexec_home *h)
{
	if (h->dir[0])
		nftw(h->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	h->dir[0] = '\0';
}

int cliexec_teardown(void **state)
{
	cliexec_home_remove(*state);
	free(*state);
	return 0;
}

const char *cliexec_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	if (!cJSON_IsString(v))
		fail_msg("\"%s\" is not a string", key);
	return v->valuestring;
}

void cliexec_argv(const cliexec_home *h, cliexec_result *r, const char *user, const char *input,
		  const char *const *args)
{
	char db[sizeof h->db + 16], who[128];
	const char *env[] = {db, user ? who : "BBCONSOLE_USER", "BBCONSOLE_NOW", NULL};

	snprintf(db, sizeof db, "BBCONSOLE_DB=%s", h->db);
	snprintf(who, sizeof who, "BBCONSOLE_USER=%s", user ? user : "");
	cliexec_free(r);
	if (cliexec_run(args, input, env, r) != 0)
		fail_msg("cannot run %s", getenv("BBCONSOLE_BIN") ? getenv("BBCONSOLE_BIN")
			 : "bbconsole (BBCONSOLE_BIN is not set)");
}

void cliexec(const cliexec_home *h, cliexec_result *r, const char *user, const char *input, ...)
{
	const char *args[MAX_ARGS + 1];
	size_t n = 0;
	va_list ap;

	va_start(ap, input);
	while (n < MAX_ARGS && (args[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	cliexec_argv(h, r, user, input, args);
}

void cliexec_init(const cliexec_home *h, const char *plan)
{
	cliexec_result r = {0};

	cliexec(h, &r, "alice", NULL, "init", "--account", "Acme", "--webhook-base",
		"https://webhooks.acme.example", "--plan", plan ? plan : "free", NULL);
	cliexec_assert_ok(&r);
	cliexec_free(&r);
}

cJSON *cliexec_json(const cliexec_result *r)
{
	cJSON *doc = cJSON_Parse(r->out ? r->out : "");

	if (!doc)
		fail_msg("stdout is not JSON: %s\nstderr: %s", r->out, r->err);
	return doc;
}

void cliexec_assert_ok(const cliexec_result *r)
{
	if (r->status != 0)
		fail_msg("exit %d, stderr: %s", r->status, r->err);
}

void cliexec_assert_refused(const cliexec_result *r, int status, const char *word)
{
	const char *nl = strchr(r->err, '\n');

	if (r->status != status)
		fail_msg("exit %d, wanted %d; stderr: %s", r->status, status, r->err);
	if (strncmp(r->err, "bbconsole: ", 11) != 0 || !nl || nl[1] != '\0')
		fail_msg("stderr is not one \"bbconsole: \" line: %s", r->err);
	if (word && !strstr(r->err, word))
		fail_msg("stderr lacks \"%s\": %s", word, r->err);
}
