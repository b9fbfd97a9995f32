/* vt.c - screen-test harness on a pseudo-terminal and libvterm. */
#include "vt.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

#define RAW_MAX (1u << 20)

struct vt {
	pid_t pid;
	int fd;
	bool exited, eof;
	int status;
	VTerm *term;
	VTermScreen *screen;
	int cols, rows;
	bool altscreen, cursor_visible;
	uint64_t received;
	char *raw;
	size_t raw_len;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int on_termprop(VTermProp prop, VTermValue *val, void *user)
{
	vt *v = user;

	if (prop == VTERM_PROP_ALTSCREEN)
		v->altscreen = val->boolean;
	else if (prop == VTERM_PROP_CURSORVISIBLE)
		v->cursor_visible = val->boolean;
	return 1;
}

static const VTermScreenCallbacks screen_cbs = {
	.settermprop = on_termprop,
};

static int write_all(int fd, const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && (errno == EINTR || errno == EAGAIN)) {
			struct pollfd p = {fd, POLLOUT, 0};

			poll(&p, 1, 1000);
			continue;
		}
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Sends what the emulator wants to send (key sequences, query answers). */
static void flush_output(vt *v)
{
	char buf[256];
	size_t n;

	while ((n = vterm_output_read(v->term, buf, sizeof(buf))) > 0)
		write_all(v->fd, buf, n);
}

static void child_setup(const char *const env[], const char *cwd)
{
	setenv("TERM", "xterm-256color", 1);
	setenv("LANG", "C.UTF-8", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	unsetenv("COLUMNS");
	unsetenv("LINES");
	unsetenv("NO_COLOR");
	unsetenv("TMUX");
	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		char name[256];

		if (!eq || (size_t)(eq - env[i]) >= sizeof(name))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(eq - env[i]), env[i]);
		if (eq[1])
			setenv(name, eq + 1, 1);
		else
			unsetenv(name);
	}
	if (cwd && chdir(cwd) < 0)
		_exit(126);
}

vt *vt_spawn(const char *const argv[], const char *const env[], const char *cwd,
		int cols, int rows)
{
	struct winsize ws = {(unsigned short)rows, (unsigned short)cols, 0, 0};
	vt *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->cols = cols;
	v->rows = rows;
	v->cursor_visible = true;
	v->pid = forkpty(&v->fd, NULL, NULL, &ws);
	if (v->pid < 0) {
		perror("forkpty");
		free(v);
		return NULL;
	}
	if (v->pid == 0) {
		char *args[64] = {0};

		child_setup(env, cwd);
		/* execv wants char *const[]: copy the pointers (no cast of const) */
		for (size_t i = 0; argv[i] && i < 63; i++)
			memcpy(&args[i], &argv[i], sizeof(args[i]));
		execv(argv[0], args);
		_exit(127);
	}
	fcntl(v->fd, F_SETFL, fcntl(v->fd, F_GETFL) | O_NONBLOCK);
	v->term = vterm_new(rows, cols);
	vterm_set_utf8(v->term, 1);
	v->screen = vterm_obtain_screen(v->term);
	vterm_screen_enable_altscreen(v->screen, 1);
	vterm_screen_set_callbacks(v->screen, &screen_cbs, v);
	vterm_screen_reset(v->screen, 1);
	return v;
}

static void reap(vt *v, int flags)
{
	if (!v->exited && waitpid(v->pid, &v->status, flags) == v->pid)
		v->exited = true;
}

void vt_free(vt *v)
{
	if (!v)
		return;
	if (!v->exited) {
		kill(v->pid, SIGKILL);
		reap(v, 0);
	}
	close(v->fd);
	vterm_free(v->term);
	free(v->raw);
	free(v);
}

static void keep_raw(vt *v, const char *b, size_t n)
{
	char *bigger;

	if (v->raw_len + n > RAW_MAX) {
		size_t drop = v->raw_len / 2;

		memmove(v->raw, v->raw + drop, v->raw_len - drop);
		v->raw_len -= drop;
	}
	bigger = realloc(v->raw, v->raw_len + n + 1);
	if (!bigger)
		return;
	v->raw = bigger;
	memcpy(v->raw + v->raw_len, b, n);
	v->raw_len += n;
	v->raw[v->raw_len] = '\0';
}

bool vt_pump(vt *v, int timeout_ms)
{
	struct pollfd p = {v->fd, POLLIN, 0};
	bool got = false;
	char buf[8192];

	if (v->eof || poll(&p, 1, timeout_ms) <= 0)
		return false;
	for (;;) {
		ssize_t n = read(v->fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN)
				v->eof = true; /* EIO: the child closed the terminal */
			break;
		}
		got = true;
		v->received += (uint64_t)n;
		keep_raw(v, buf, (size_t)n);
		vterm_input_write(v->term, buf, (size_t)n);
		flush_output(v);
	}
	return got;
}

int vt_send(vt *v, const char *bytes)
{
	vt_pump(v, 0);
	return write_all(v->fd, bytes, strlen(bytes));
}

struct named_key {
	const char *name;
	VTermKey key;
	VTermModifier mod;
};

static const struct named_key named_keys[] = {
	{"Enter", VTERM_KEY_ENTER, VTERM_MOD_NONE},
	{"Tab", VTERM_KEY_TAB, VTERM_MOD_NONE},
	{"BackTab", VTERM_KEY_TAB, VTERM_MOD_SHIFT},
	{"Esc", VTERM_KEY_ESCAPE, VTERM_MOD_NONE},
	{"Backspace", VTERM_KEY_BACKSPACE, VTERM_MOD_NONE},
	{"Up", VTERM_KEY_UP, VTERM_MOD_NONE},
	{"Down", VTERM_KEY_DOWN, VTERM_MOD_NONE},
	{"Left", VTERM_KEY_LEFT, VTERM_MOD_NONE},
	{"Right", VTERM_KEY_RIGHT, VTERM_MOD_NONE},
	{"Home", VTERM_KEY_HOME, VTERM_MOD_NONE},
	{"End", VTERM_KEY_END, VTERM_MOD_NONE},
	{"PgUp", VTERM_KEY_PAGEUP, VTERM_MOD_NONE},
	{"PgDn", VTERM_KEY_PAGEDOWN, VTERM_MOD_NONE},
	{"Insert", VTERM_KEY_INS, VTERM_MOD_NONE},
	{"Delete", VTERM_KEY_DEL, VTERM_MOD_NONE},
};

int vt_key(vt *v, const char *name)
{
	char b[2] = {0};

	for (size_t i = 0; i < sizeof(named_keys) / sizeof(named_keys[0]); i++)
		if (strcmp(name, named_keys[i].name) == 0) {
			vterm_keyboard_key(v->term, named_keys[i].key, named_keys[i].mod);
			flush_output(v);
			return 0;
		}
	if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
		vterm_keyboard_key(v->term, VTERM_KEY_FUNCTION(atoi(name + 1)), VTERM_MOD_NONE);
		flush_output(v);
		return 0;
	}
	if (strcmp(name, "Space") == 0)
		return vt_send(v, " ");
	if (strncmp(name, "Ctrl-", 5) == 0 && name[5] && !name[6]) {
		b[0] = (char)(name[5] & 0x1f);
		return vt_send(v, b);
	}
	if (name[0] && (!name[1] || (unsigned char)name[0] >= 0x80))
		return vt_send(v, name);
	fprintf(stderr, "vt_key: unknown key name '%s'\n", name);
	return -1;
}

int vt_paste(vt *v, const char *text)
{
	if (vt_send(v, "\033[200~") < 0 || vt_send(v, text) < 0)
		return -1;
	return vt_send(v, "\033[201~");
}

/* ---- reading the screen ------------------------------------------------------- */

static size_t cell_utf8(const VTermScreenCell *c, char *out)
{
	size_t n = 0;

	if (!c->chars[0]) {
		out[0] = ' ';
		return 1;
	}
	for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && c->chars[i]; i++) {
		uint32_t u = c->chars[i];

		if (u < 0x80) {
			out[n++] = (char)u;
		} else if (u < 0x800) {
			out[n++] = (char)(0xc0 | (u >> 6));
			out[n++] = (char)(0x80 | (u & 0x3f));
		} else if (u < 0x10000) {
			out[n++] = (char)(0xe0 | (u >> 12));
			out[n++] = (char)(0x80 | ((u >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (u & 0x3f));
		} else {
			out[n++] = (char)(0xf0 | (u >> 18));
			out[n++] = (char)(0x80 | ((u >> 12) & 0x3f));
			out[n++] = (char)(0x80 | ((u >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (u & 0x3f));
		}
	}
	return n;
}

char *vt_row(vt *v, int row)
{
	char *out = malloc((size_t)v->cols * 4 * VTERM_MAX_CHARS_PER_CELL + 1);
	size_t len = 0;

	if (!out)
		return NULL;
	for (int col = 0; col < v->cols; col++) {
		VTermScreenCell c;
		VTermPos pos = {row, col};

		if (!vterm_screen_get_cell(v->screen, pos, &c))
			break;
		len += cell_utf8(&c, out + len);
		if (c.width > 1)
			col += c.width - 1;
	}
	while (len > 0 && out[len - 1] == ' ')
		len--;
	out[len] = '\0';
	return out;
}

char *vt_screen_text(vt *v)
{
	size_t cap = (size_t)v->rows * ((size_t)v->cols * 4 * VTERM_MAX_CHARS_PER_CELL + 1) + 1;
	char *out = malloc(cap);
	size_t len = 0;

	if (!out)
		return NULL;
	out[0] = '\0';
	for (int r = 0; r < v->rows; r++) {
		char *row = vt_row(v, r);

		if (!row)
			break;
		len += (size_t)sprintf(out + len, "%s%s", r ? "\n" : "", row);
		free(row);
	}
	return out;
}

bool vt_has_text(vt *v, const char *text)
{
	char *s = vt_screen_text(v);
	bool found = s && strstr(s, text);

	free(s);
	return found;
}

static void dump_screen(vt *v, const char *why)
{
	char *s = vt_screen_text(v);

	fprintf(stderr, "---- %s; screen %dx%d:\n%s\n----\n", why, v->cols, v->rows, s ? s : "");
	free(s);
}

typedef bool (*vt_pred)(vt *v, const void *arg);

static bool wait_for(vt *v, vt_pred pred, const void *arg, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		int64_t left;

		vt_pump(v, 0);
		if (pred(v, arg))
			return true;
		left = deadline - now_ms();
		if (left <= 0 || v->eof)
			return pred(v, arg);
		vt_pump(v, (int)(left < 100 ? left : 100));
	}
}

static bool pred_text(vt *v, const void *arg)
{
	return vt_has_text(v, arg);
}

static bool pred_gone(vt *v, const void *arg)
{
	return !vt_has_text(v, arg);
}

bool vt_wait_text(vt *v, const char *text, int timeout_ms)
{
	char why[256];

	if (wait_for(v, pred_text, text, timeout_ms))
		return true;
	snprintf(why, sizeof(why), "timed out waiting for \"%s\"", text);
	dump_screen(v, why);
	return false;
}

bool vt_wait_gone(vt *v, const char *text, int timeout_ms)
{
	char why[256];

	if (wait_for(v, pred_gone, text, timeout_ms))
		return true;
	snprintf(why, sizeof(why), "timed out waiting for \"%s\" to go", text);
	dump_screen(v, why);
	return false;
}

struct row_arg {
	int row;
	const char *text;
};

static bool pred_row(vt *v, const void *arg)
{
	const struct row_arg *ra = arg;
	char *row = vt_row(v, ra->row);
	bool found = row && strstr(row, ra->text);

	free(row);
	return found;
}

bool vt_wait_row(vt *v, int row, const char *text, int timeout_ms)
{
	struct row_arg ra = {row, text};
	char why[256];

	if (wait_for(v, pred_row, &ra, timeout_ms))
		return true;
	snprintf(why, sizeof(why), "timed out waiting for \"%s\" on row %d", text, row);
	dump_screen(v, why);
	return false;
}

bool vt_wait_quiet(vt *v, int quiet_ms, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	while (now_ms() < deadline)
		if (!vt_pump(v, quiet_ms))
			return true;
	return false;
}

int64_t vt_clock_ms(void)
{
	return now_ms();
}

bool vt_pump_before(vt *v, int64_t end_ms, const char *what)
{
	int64_t left = end_ms - now_ms();
	char why[512];

	if (left > 0 && !v->eof) {
		vt_pump(v, (int)(left < 100 ? left : 100));
		return true;
	}
	snprintf(why, sizeof(why), "timed out waiting for: %s", what);
	dump_screen(v, why);
	return false;
}

vt_cell vt_cell_at(vt *v, int row, int col)
{
	VTermScreenCell c;
	VTermPos pos = {row, col};
	vt_cell out = {false, false, false, true, true};

	if (!vterm_screen_get_cell(v->screen, pos, &c))
		return out;
	out.reverse = c.attrs.reverse;
	out.bold = c.attrs.bold;
	out.underline = c.attrs.underline != 0;
	out.fg_default = VTERM_COLOR_IS_DEFAULT_FG(&c.fg);
	out.bg_default = VTERM_COLOR_IS_DEFAULT_BG(&c.bg);
	return out;
}

bool vt_selected_has(vt *v, const char *text)
{
	bool found = false;

	for (int r = 0; r < v->rows && !found; r++) {
		char *line = vt_row(v, r);

		found = line && vt_cell_at(v, r, 0).reverse && strstr(line, text);
		free(line);
	}
	return found;
}

bool vt_any_color(vt *v)
{
	for (int r = 0; r < v->rows; r++)
		for (int c = 0; c < v->cols; c++) {
			vt_cell cell = vt_cell_at(v, r, c);

			if (!cell.fg_default || !cell.bg_default)
				return true;
		}
	return false;
}

void vt_cursor(vt *v, int *row, int *col)
{
	VTermPos pos;

	vterm_state_get_cursorpos(vterm_obtain_state(v->term), &pos);
	*row = pos.row;
	*col = pos.col;
}

bool vt_cursor_visible(vt *v)
{
	return v->cursor_visible;
}

bool vt_altscreen(vt *v)
{
	return v->altscreen;
}

int vt_cols(vt *v)
{
	return v->cols;
}

int vt_rows(vt *v)
{
	return v->rows;
}

int vt_resize(vt *v, int cols, int rows)
{
	struct winsize ws = {(unsigned short)rows, (unsigned short)cols, 0, 0};

	vt_pump(v, 0);
	v->cols = cols;
	v->rows = rows;
	vterm_set_size(v->term, rows, cols);
	/* the kernel sends SIGWINCH to the pty's foreground process group */
	return ioctl(v->fd, TIOCSWINSZ, &ws);
}

uint64_t vt_bytes_received(vt *v)
{
	return v->received;
}

const char *vt_raw(vt *v, size_t *len)
{
	if (len)
		*len = v->raw_len;
	return v->raw ? v->raw : "";
}

int vt_pid(const vt *v)
{
	return (int)v->pid;
}

int vt_send_signal(vt *v, int sig)
{
	return v->exited ? -1 : kill(v->pid, sig);
}

bool vt_wait_exit(vt *v, int *status, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		vt_pump(v, 0);
		reap(v, WNOHANG);
		if (v->exited || now_ms() >= deadline)
			break;
		if (!vt_pump(v, 20))
			reap(v, WNOHANG);
	}
	vt_pump(v, 0);
	if (status)
		*status = v->status;
	return v->exited;
}

/* ---- golden files ---------------------------------------------------------------- */

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0
			&& (buf = malloc((size_t)n + 1))) {
		size_t got = fread(buf, 1, (size_t)n, f);

		buf[got] = '\0';
	}
	fclose(f);
	return buf;
}

static void report_diff(const char *want, const char *got)
{
	int row = 0;

	while (*want || *got) {
		size_t wl = strcspn(want, "\n"), gl = strcspn(got, "\n");

		if (wl != gl || strncmp(want, got, wl) != 0)
			fprintf(stderr, "row %2d expected |%.*s|\n       actual   |%.*s|\n",
					row, (int)wl, want, (int)gl, got);
		want += wl + (want[wl] ? 1 : 0);
		got += gl + (got[gl] ? 1 : 0);
		row++;
	}
}

/* s with every occurrence of `from` replaced by `to`; frees s. NULL when out
 * of memory. */
static char *replace_all(char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0, len = 0;
	char *out, *p;

	if (fl == 0)
		return s;
	for (p = strstr(s, from); p; p = strstr(p + fl, from))
		n++;
	out = malloc(strlen(s) + n * tl + 1);
	if (!out) {
		free(s);
		return NULL;
	}
	for (const char *q = s; ; q = p + fl) {
		p = strstr(q, from);
		if (!p) {
			strcpy(out + len, q);
			break;
		}
		memcpy(out + len, q, (size_t)(p - q));
		len += (size_t)(p - q);
		memcpy(out + len, to, tl);
		len += tl;
	}
	free(s);
	return out;
}

static bool golden_write(const char *path, const char *screen)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fprintf(f, "%s\n", screen) > 0;

	if (f && fclose(f) != 0)
		ok = false;
	if (!ok)
		fprintf(stderr, "vt_golden: cannot write %s\n", path);
	return ok;
}

/* The screen as text with each pairs[i] replaced by pairs[i + 1] (malloc'd). */
static char *masked_screen(vt *v, const char *const *pairs)
{
	char *screen = vt_screen_text(v);

	for (size_t i = 0; screen && pairs && pairs[i] && pairs[i + 1]; i += 2)
		screen = replace_all(screen, pairs[i], pairs[i + 1]);
	return screen;
}

struct golden_want {
	const char *want;
	const char *const *pairs;
};

static bool pred_golden(vt *v, const void *arg)
{
	const struct golden_want *g = arg;
	char *screen = masked_screen(v, g->pairs);
	bool same = screen && strcmp(screen, g->want) == 0;

	free(screen);
	return same;
}

/* The program may still be drawing when a test asks: compare until the screen
 * matches or the deadline passes, like every other wait. */
#define GOLDEN_WAIT_MS 5000

static bool golden_compare(vt *v, const char *path, const char *const *pairs)
{
	char *want = read_file(path), *screen;
	size_t wl;
	bool ok;

	if (!want) {
		fprintf(stderr, "vt_golden: no golden file %s (run with BB_UPDATE_GOLDEN=1 to create it)\n", path);
		return false;
	}
	wl = strlen(want);
	if (wl > 0 && want[wl - 1] == '\n')
		want[wl - 1] = '\0';
	ok = wait_for(v, pred_golden, &(struct golden_want){want, pairs}, GOLDEN_WAIT_MS);
	if (!ok && (screen = masked_screen(v, pairs))) {
		fprintf(stderr, "vt_golden: screen differs from %s\n", path);
		report_diff(want, screen);
		free(screen);
	}
	free(want);
	return ok;
}

bool vt_golden_masked(vt *v, const char *name, const char *const *pairs)
{
	const char *src = getenv("BBCONSOLE_SRC"), *upd = getenv("BB_UPDATE_GOLDEN");
	char path[4096], *screen;
	bool ok;

	snprintf(path, sizeof(path), "%s/tests/screen/golden/%s.%dx%d.txt",
			src ? src : ".", name, v->cols, v->rows);
	if (!upd || strcmp(upd, "1") != 0)
		return golden_compare(v, path, pairs);
	vt_wait_quiet(v, 300, GOLDEN_WAIT_MS); /* write what the program settles on */
	screen = masked_screen(v, pairs);
	ok = screen && golden_write(path, screen);
	free(screen);
	return ok;
}

bool vt_golden(vt *v, const char *name)
{
	return vt_golden_masked(v, name, NULL);
}
