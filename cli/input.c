/* input.c - what the commands read besides argv: the API token from stdin,
 * and import files (opened with the caller's own rights). */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "privs.h"
#include "secret.h"
#include "validate.h"

#define TOKEN_MAX 4096

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
	privs_protect_secrets(); /* from here on a core dump would hold the token */
	if (!buf)
		return bb_oom(err);
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

bb_code cli_open_file(const char *path, FILE **in, bb_err *err)
{
	char q[BB_QUOTE_SIZE];
	int fd;

	*in = stdin;
	if (strcmp(path, "-") == 0)
		return BB_OK;
	/* the caller's own right to read it, not the program's */
	fd = privs_open_as_caller(path, O_RDONLY);
	validate_quote(path, q, sizeof q);
	if (fd < 0)
		return bb_fail(err, BB_NOTFOUND, "Cannot open %s (%s); check the path.", q,
			       strerror(errno));
	if (!(*in = fdopen(fd, "r"))) {
		close(fd);
		return bb_fail(err, BB_NOTFOUND, "Cannot read %s (%s).", q, strerror(errno));
	}
	return BB_OK;
}
