/* input.c - what the commands read besides argv: the API token from stdin,
 * and import files. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "secret.h"

#define TOKEN_MAX 4096
#define FILE_MAX ((size_t)1 << 30)

/* Reads up to the first newline with read(2), one byte at a time: stdio
 * would keep a copy of the token in its buffer, beyond our reach to wipe. */
static int read_line(char *buf, size_t size, size_t *len)
{
	size_t n = 0;
	char ch;

	for (;;) {
		ssize_t r = read(STDIN_FILENO, &ch, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || ch == '\n')
			break;
		if (n + 1 >= size) {
			secret_wipe(&ch, 1);
			return -1;
		}
		buf[n++] = ch;
	}
	secret_wipe(&ch, 1);
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return 0;
}

bb_code cli_read_token(char **token, bb_err *err)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	char *buf = malloc(TOKEN_MAX);
	size_t len = 0;
	int rc;

	*token = NULL;
	if (!buf)
		return bb_fail(err, BB_INVALID, "Out of memory while reading the token.");
	if (tty) { /* typed by hand: do not echo it */
		fputs("API token (not shown): ", stderr);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	rc = read_line(buf, TOKEN_MAX, &len);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (rc != 0 || len == 0) {
		secret_wipe(buf, TOKEN_MAX);
		free(buf);
		if (rc != 0)
			return bb_fail(err, BB_INVALID, "The API token on standard input is longer "
				       "than %d bytes; paste only the token.", TOKEN_MAX - 1);
		return bb_fail(err, BB_INVALID, "No API token on standard input; pipe it in, "
			       "e.g. printf '%%s\\n' \"$TOKEN\" | bbconsole ... --token-stdin.");
	}
	*token = buf;
	return BB_OK;
}

static bb_code read_all(int fd, const char *path, char **text, size_t *len, bb_err *err)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);

	while (buf) {
		ssize_t r;

		if (n == cap) {
			char *more = cap < FILE_MAX ? realloc(buf, cap * 2 + 1) : NULL;

			if (!more)
				break;
			buf = more;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return bb_fail(err, BB_NOTFOUND, "Cannot read %s (%s); check the file.", path,
				       strerror(errno));
		}
		if (r == 0) {
			buf[n] = '\0';
			*text = buf;
			*len = n;
			return BB_OK;
		}
		n += (size_t)r;
	}
	free(buf);
	return bb_fail(err, BB_INVALID, "%s is too large to import (over 1 GiB); split it.", path);
}

bb_code cli_read_file(const char *path, char **text, size_t *len, bb_err *err)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	bb_code rc;

	if (fd < 0)
		return bb_fail(err, BB_NOTFOUND, "Cannot open %s (%s); check the path.", path,
			       strerror(errno));
	rc = read_all(fd, strcmp(path, "-") == 0 ? "standard input" : path, text, len, err);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}
