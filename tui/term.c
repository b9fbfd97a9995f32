/* term.c - terminal set-up and restore, signals, theme and safe drawing.
 *
 * Signal handlers only write to a self-pipe (the loop acts on it), except the
 * fatal ones, which restore the terminal with precomputed bytes and write()
 * (async-signal-safe), then hand the signal back to its previous owner. */
#include "tui_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#define PASTE_ON "\033[?2004h"
#define PASTE_OFF "\033[?2004l"
/* what a crash must undo besides curses' own (mouse reporting, SGR mode) */
#define MOUSE_OFF "\033[?1006l\033[?1000l"
#define MOUSE_REPORTS                                                                     \
	(BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON2_PRESSED | BUTTON2_RELEASED |         \
	 BUTTON3_PRESSED | BUTTON3_RELEASED | BUTTON4_PRESSED | BUTTON4_RELEASED |         \
	 BUTTON5_PRESSED | BUTTON5_RELEASED)
#define NSIG_FATAL 5
#define NSIG_TERM 3

static const int fatal_signals[NSIG_FATAL] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
static const int term_signals[NSIG_TERM] = {SIGINT, SIGTERM, SIGHUP};

static struct {
	bool started;
	SCREEN *scr;
	bool mono;
	int min_cols, min_rows;
	char app[64];
	struct termios saved;
	bool have_saved;
	char restore[512];     /* bytes that put the terminal back, for fatal signals */
	size_t restore_len;
	struct sigaction old_fatal[NSIG_FATAL];
	struct sigaction old_term[NSIG_TERM];
	struct sigaction old_winch;
	void (*hup_fn)(void *);
	void *hup_arg;
	bool hup_done;
	bool alt_screen;       /* smcup: the shell's screen comes back on exit */
	char *raw;
	size_t raw_len;
	attr_t attrs[TUI_ROLE_COUNT];
} term;

static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t pending_term, pending_winch;

/* ---- signals ------------------------------------------------------------ */

static void write_all(int fd, const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		b += w;
		n -= (size_t)w;
	}
}

static void on_notify(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (sig == SIGWINCH)
		pending_winch = 1;
	else if (!pending_term)
		pending_term = sig;
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &c, 1) < 0) {
		/* the pipe is full: the loop will wake anyway */
	}
	errno = saved;
}

static void on_fatal(int sig)
{
	static const char msg[] = ": fatal signal; the terminal was restored\n";

	if (term.started) {
		write_all(STDOUT_FILENO, term.restore, term.restore_len);
		if (term.have_saved)
			tcsetattr(STDIN_FILENO, TCSANOW, &term.saved);
		write_all(STDERR_FILENO, term.app, strlen(term.app));
		write_all(STDERR_FILENO, msg, sizeof(msg) - 1);
	}
	/* give the signal back to whoever had it (default, or a sanitizer's
	 * reporter) and let it fire again on return */
	for (int i = 0; i < NSIG_FATAL; i++)
		if (fatal_signals[i] == sig)
			sigaction(sig, &term.old_fatal[i], NULL);
	raise(sig);
}

static int install_signals(void)
{
	struct sigaction sa;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_notify; /* no SA_RESTART: poll must wake up */
	for (int i = 0; i < NSIG_TERM; i++)
		sigaction(term_signals[i], &sa, &term.old_term[i]);
	/* ours before newterm, so curses leaves SIGWINCH to us */
	sigaction(SIGWINCH, &sa, &term.old_winch);
	sa.sa_handler = on_fatal;
	for (int i = 0; i < NSIG_FATAL; i++)
		sigaction(fatal_signals[i], &sa, &term.old_fatal[i]);
	return 0;
}

static void remove_signals(void)
{
	for (int i = 0; i < NSIG_TERM; i++)
		sigaction(term_signals[i], &term.old_term[i], NULL);
	for (int i = 0; i < NSIG_FATAL; i++)
		sigaction(fatal_signals[i], &term.old_fatal[i], NULL);
	sigaction(SIGWINCH, &term.old_winch, NULL);
	for (int i = 0; i < 2; i++)
		if (sig_pipe[i] >= 0) {
			close(sig_pipe[i]);
			sig_pipe[i] = -1;
		}
}

int tui_term_signal_fd(void)
{
	return sig_pipe[0];
}

int tui_term_take_signals(bool *winch)
{
	char buf[64];

	while (sig_pipe[0] >= 0 && read(sig_pipe[0], buf, sizeof(buf)) > 0)
		;
	*winch = pending_winch;
	pending_winch = 0;
	return pending_term;
}

void tui_on_hangup(void (*fn)(void *arg), void *arg)
{
	term.hup_fn = fn;
	term.hup_arg = arg;
}

bool tui_term_has_hangup(void)
{
	return term.hup_fn != NULL;
}

void tui_term_run_hangup(void)
{
	if (term.hup_fn && !term.hup_done) {
		term.hup_done = true;
		term.hup_fn(term.hup_arg);
	}
}

/* ---- theme ---------------------------------------------------------------- */

static bool want_mono(const tui_options *opt)
{
	const char *nc = getenv("NO_COLOR");

	return (opt && opt->no_color) || (nc && *nc) || !has_colors();
}

static void init_theme(void)
{
	attr_t *a = term.attrs;

	a[TUI_NORMAL] = A_NORMAL;
	a[TUI_TITLE] = A_BOLD | A_REVERSE;
	a[TUI_SELECTED] = A_REVERSE; /* never colour alone */
	a[TUI_FOCUS] = A_UNDERLINE;
	a[TUI_DISABLED] = A_DIM;
	a[TUI_ERROR] = A_BOLD;
	a[TUI_HINT] = A_NORMAL;
	a[TUI_HINT_KEY] = A_BOLD;
	a[TUI_BORDER] = A_NORMAL;
	a[TUI_MUTED] = A_DIM;
	if (term.mono || start_color() != OK)
		return;
	use_default_colors();
	init_pair(1, COLOR_WHITE, COLOR_BLUE);
	init_pair(2, COLOR_RED, -1);
	init_pair(3, COLOR_CYAN, -1);
	a[TUI_TITLE] = A_BOLD | COLOR_PAIR(1);
	a[TUI_ERROR] = A_BOLD | COLOR_PAIR(2);
	a[TUI_HINT_KEY] = A_BOLD | COLOR_PAIR(3);
	tui_theme_apply(a);
}

attr_t tui_attr(tui_role role)
{
	if (role < 0 || role >= TUI_ROLE_COUNT)
		return A_NORMAL;
	return term.started ? term.attrs[role] : A_NORMAL;
}

/* ---- set-up and restore ------------------------------------------------------ */

static bool has_cap(const char *cap)
{
	char *s = tigetstr(cap);

	return s && s != (char *)-1 && *s;
}

static void add_restore(const char *cap)
{
	char *s = tigetstr(cap);
	size_t n;

	if (!s || s == (char *)-1)
		return;
	n = strlen(s);
	if (term.restore_len + n < sizeof(term.restore)) {
		memcpy(term.restore + term.restore_len, s, n);
		term.restore_len += n;
	}
}

static void prepare_restore(void)
{
	memcpy(term.restore, PASTE_OFF MOUSE_OFF, strlen(PASTE_OFF MOUSE_OFF));
	term.restore_len = strlen(PASTE_OFF MOUSE_OFF);
	add_restore("sgr0");
	add_restore("cnorm");
	add_restore("rmkx");
	/* without an alternate screen the last frame would stay under the
	 * shell's prompt: clear it, as htop and tig do */
	add_restore(term.alt_screen ? "rmcup" : "clear");
}

static void set_app(const tui_options *opt)
{
	snprintf(term.app, sizeof(term.app), "%s", opt && opt->app_name ? opt->app_name : "app");
	term.min_cols = opt && opt->min_cols > 0 ? opt->min_cols : 60;
	term.min_rows = opt && opt->min_rows > 0 ? opt->min_rows : 16;
}

static bool name_says_utf8(const char *name)
{
	return name && (strcasestr(name, "UTF-8") || strcasestr(name, "UTF8"));
}

/* The program measures text in a UTF-8 LC_CTYPE (main sets it); what the
 * terminal shows is the codeset the environment names (LC_ALL, LC_CTYPE,
 * LANG), read without changing the process's locale. */
static bool terminal_is_utf8(void)
{
	locale_t env = newlocale(LC_CTYPE_MASK, "", (locale_t)0);
	const char *name = getenv("LC_ALL");
	bool utf8;

	if (env) {
		utf8 = strcmp(nl_langinfo_l(CODESET, env), "UTF-8") == 0;
		freelocale(env);
	} else {
		/* a locale that is not installed: trust what its name says */
		if (!name || !*name)
			name = getenv("LC_CTYPE");
		if (!name || !*name)
			name = getenv("LANG");
		utf8 = name_says_utf8(name);
	}
	return utf8 && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/* Cursor addressing is what the console needs; TERM=dumb and the like lack
 * it. Asked of terminfo before curses writes a byte. */
int tui_check_terminal(void)
{
	int err = 0;
	bool ok;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return TUI_INIT_NO_TTY;
	if (setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return TUI_INIT_NO_CURSOR;
	ok = has_cap("cup");
	del_curterm(cur_term);
	return ok ? 0 : TUI_INIT_NO_CURSOR;
}

int tui_init(const tui_options *opt)
{
	int rc;

	if (term.started)
		return 0;
	if ((rc = tui_check_terminal()) != 0)
		return rc;
	tui_text_set_ascii(!terminal_is_utf8());
	if (tui_text_ascii())
		tui_message("Not a UTF-8 locale: non-ASCII text is kept but shown as ?; "
			    "set LANG=C.UTF-8.", false);
	set_app(opt);
	term.have_saved = tcgetattr(STDIN_FILENO, &term.saved) == 0;
	if (install_signals() < 0)
		return -1;
	term.scr = newterm(NULL, stdout, stdin);
	if (!term.scr) {
		remove_signals();
		return -1;
	}
	term.started = true;
	if (!getenv("ESCDELAY"))
		set_escdelay(50);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	define_key("\033[200~", TUI_KEYCODE_PASTE_BEGIN);
	define_key("\033[201~", TUI_KEYCODE_PASTE_END);
	if (!(opt && opt->no_mouse)) {
		/* Presses at once (no click timing), the wheel as buttons 4/5.
		 * Every press and release is in the mask although only some are
		 * used: for a report outside it, ncurses reads on, blocking, until
		 * the next byte comes, and the loop would stall after a release. */
		mouseinterval(0);
		mousemask(MOUSE_REPORTS, NULL);
	}
	term.mono = want_mono(opt);
	init_theme();
	term.alt_screen = has_cap("smcup");
	prepare_restore();
	fflush(stdout);
	write_all(STDOUT_FILENO, PASTE_ON, strlen(PASTE_ON));
	atexit(tui_end);
	return 0;
}

void tui_end(void)
{
	if (!term.started)
		return;
	term.started = false;
	free(term.raw);
	term.raw = NULL;
	term.raw_len = 0;
	write_all(STDOUT_FILENO, PASTE_OFF, strlen(PASTE_OFF));
	curs_set(1);
	endwin();
	fflush(stdout);
	if (!term.alt_screen)
		putp(has_cap("clear") ? tigetstr("clear") : "");
	fflush(stdout);
	delscreen(term.scr);
	term.scr = NULL;
	remove_signals();
}

bool tui_term_started(void)
{
	return term.started;
}

void tui_term_resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE); /* the terminal may have reflowed: repaint once */
}

void tui_size(int *cols, int *rows)
{
	*cols = term.started ? COLS : 0;
	*rows = term.started ? LINES : 0;
}

int tui_term_min_cols(void)
{
	return term.min_cols;
}

int tui_term_min_rows(void)
{
	return term.min_rows;
}

const char *tui_term_app(void)
{
	return term.app;
}

/* ---- raw output (OSC 52) ------------------------------------------------------ */

int tui_write_raw(const char *bytes, size_t len)
{
	char *bigger;

	if (!term.started)
		return -1;
	bigger = realloc(term.raw, term.raw_len + len);
	if (!bigger)
		return -1;
	memcpy(bigger + term.raw_len, bytes, len);
	term.raw = bigger;
	term.raw_len += len;
	return 0;
}

void tui_term_flush_raw(void)
{
	if (!term.raw_len)
		return;
	fflush(stdout);
	write_all(STDOUT_FILENO, term.raw, term.raw_len);
	explicit_bzero(term.raw, term.raw_len);
	free(term.raw);
	term.raw = NULL;
	term.raw_len = 0;
}

/* ---- keys ------------------------------------------------------------------------ */

static tui_key function_key(int code)
{
	switch (code) {
	case KEY_UP: return TUI_K_UP;
	case KEY_DOWN: return TUI_K_DOWN;
	case KEY_LEFT: return TUI_K_LEFT;
	case KEY_RIGHT: return TUI_K_RIGHT;
	case KEY_HOME: return TUI_K_HOME;
	case KEY_END: return TUI_K_END;
	case KEY_PPAGE: return TUI_K_PGUP;
	case KEY_NPAGE: return TUI_K_PGDN;
	case KEY_BACKSPACE: return TUI_K_BACKSPACE;
	case KEY_DC: return TUI_K_DELETE;
	case KEY_IC: return TUI_K_INSERT;
	case KEY_BTAB: return TUI_K_BACKTAB;
	case KEY_ENTER: return TUI_K_ENTER;
	case KEY_F(1): return TUI_K_F1;
	case KEY_F(5): return TUI_K_F5;
	case KEY_RESIZE: return TUI_K_RESIZE;
	case KEY_MOUSE: return TUI_K_MOUSE;
	case TUI_KEYCODE_PASTE_BEGIN: return TUI_K_PASTE_BEGIN;
	case TUI_KEYCODE_PASTE_END: return TUI_K_PASTE_END;
	default: return TUI_K_UNKNOWN;
	}
}

tui_key tui_term_key(int rc, wint_t wc)
{
	if (rc == KEY_CODE_YES)
		return function_key((int)wc);
	if (wc == '\r')
		return TUI_K_ENTER;
	if (wc == 0x7f || wc == 8)
		return TUI_K_BACKSPACE;
	return (tui_key)wc;
}

/* ---- drawing ------------------------------------------------------------------------ */

#define PUT_MAX_COLS 1000

int tui_put(WINDOW *w, int y, int x, int width, const char *text, attr_t attr, bool pad)
{
	char buf[PUT_MAX_COLS * 4 + 8];
	int cols, maxx = getmaxx(w);

	if (y < 0 || y >= getmaxy(w) || x < 0 || x >= maxx)
		return 0;
	if (width > maxx - x)
		width = maxx - x;
	if (width > PUT_MAX_COLS)
		width = PUT_MAX_COLS;
	cols = tui_fit(text ? text : "", width, pad, buf, sizeof(buf));
	wattrset(w, attr);
	mvwaddstr(w, y, x, buf);
	wattrset(w, A_NORMAL);
	return cols;
}

void tui_fill(WINDOW *w, int y, int x, int width, attr_t attr)
{
	tui_put(w, y, x, width, "", attr, true);
}

void tui_box(WINDOW *w, tui_rect r, const char *title)
{
	/* in a UTF-8 locale curses may draw line drawing as UTF-8, which a
	 * non-UTF-8 terminal garbles: plain ASCII there */
	bool a = tui_text_ascii();
	chtype hl = a ? '-' : ACS_HLINE, vl = a ? '|' : ACS_VLINE;

	if (r.w < 2 || r.h < 2)
		return;
	wattrset(w, tui_attr(TUI_BORDER));
	mvwaddch(w, r.y, r.x, a ? '+' : ACS_ULCORNER);
	mvwhline(w, r.y, r.x + 1, hl, r.w - 2);
	mvwaddch(w, r.y, r.x + r.w - 1, a ? '+' : ACS_URCORNER);
	for (int i = 1; i < r.h - 1; i++) {
		mvwaddch(w, r.y + i, r.x, vl);
		tui_fill(w, r.y + i, r.x + 1, r.w - 2, tui_attr(TUI_NORMAL));
		wattrset(w, tui_attr(TUI_BORDER));
		mvwaddch(w, r.y + i, r.x + r.w - 1, vl);
	}
	mvwaddch(w, r.y + r.h - 1, r.x, a ? '+' : ACS_LLCORNER);
	mvwhline(w, r.y + r.h - 1, r.x + 1, hl, r.w - 2);
	mvwaddch(w, r.y + r.h - 1, r.x + r.w - 1, a ? '+' : ACS_LRCORNER);
	wattrset(w, A_NORMAL);
	if (title && *title && r.w > 6) {
		char t[256];

		snprintf(t, sizeof(t), " %s ", title);
		tui_put(w, r.y, r.x + 2, r.w - 4, t, tui_attr(TUI_TITLE) & ~A_REVERSE, false);
	}
}

tui_rect tui_center(tui_rect outer, int h, int w)
{
	tui_rect r;

	r.h = h < outer.h ? h : outer.h;
	r.w = w < outer.w ? w : outer.w;
	r.y = outer.y + (outer.h - r.h) / 2;
	r.x = outer.x + (outer.w - r.w) / 2;
	return r;
}
